/*
 * sanitizer.h: ASAN_BUILD is 1 in a build with AddressSanitizer (and so
 * its leak checker), 0 otherwise. gcc says so one way, clang another.
 */
#ifndef LOOKOUT_UTIL_SANITIZER_H
#define LOOKOUT_UTIL_SANITIZER_H

#if defined(__SANITIZE_ADDRESS__)
#define ASAN_BUILD	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN_BUILD	1
#endif
#endif
#ifndef ASAN_BUILD
#define ASAN_BUILD	0
#endif

#endif
