/*
 * curl_int.h: libcurl for the notify/ files, loaded when first needed.
 *
 * Only the outbox's sender sends email and SMS, and only when a relay
 * or a gateway is configured; yet linking libcurl made every lookout
 * process map it and what it brings (libcrypto, Kerberos, LDAP, SSH,
 * RTMP: some 3 MiB of an idle server). So lookout does not link it:
 * notify_curl_load() opens the library (NOTIFY_CURL_SONAME, the one
 * lookout was built against) in the process that is about to send, and
 * the curl_* names below call into it. Their types are libcurl's own,
 * so the compiler still checks every call.
 */
#ifndef LOOKOUT_NOTIFY_CURL_INT_H
#define LOOKOUT_NOTIFY_CURL_INT_H

#include <stddef.h>

/* The calls are made through pointers, which curl's type-checking
 * macros cannot wrap. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

struct notify_curl {
	__typeof__(curl_global_init)		*global_init;
	__typeof__(curl_easy_init)		*easy_init;
	__typeof__(curl_easy_setopt)		*easy_setopt;
	__typeof__(curl_easy_perform)		*easy_perform;
	__typeof__(curl_easy_getinfo)		*easy_getinfo;
	__typeof__(curl_easy_reset)		*easy_reset;
	__typeof__(curl_easy_cleanup)		*easy_cleanup;
	__typeof__(curl_easy_strerror)		*easy_strerror;
	__typeof__(curl_easy_escape)		*easy_escape;
	__typeof__(curl_free)			*free;
	__typeof__(curl_slist_append)		*slist_append;
	__typeof__(curl_slist_free_all)		*slist_free_all;
};

/* Filled by notify_curl_load(); read-only after. */
extern struct notify_curl notify_curl;

/* Load libcurl once per process (later calls return the first one's
 * result). Returns 0, or -1 (logged) when it cannot be loaded: then no
 * curl_* name below may be called. */
int	notify_curl_load(void);

#ifndef NOTIFY_CURL_IMPL
/* curl.h's own macros check the count of arguments only. */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init	notify_curl.global_init
#define curl_easy_init		notify_curl.easy_init
#define curl_easy_setopt	notify_curl.easy_setopt
#define curl_easy_perform	notify_curl.easy_perform
#define curl_easy_getinfo	notify_curl.easy_getinfo
#define curl_easy_reset		notify_curl.easy_reset
#define curl_easy_cleanup	notify_curl.easy_cleanup
#define curl_easy_strerror	notify_curl.easy_strerror
#define curl_easy_escape	notify_curl.easy_escape
#define curl_free		notify_curl.free
#define curl_slist_append	notify_curl.slist_append
#define curl_slist_free_all	notify_curl.slist_free_all
#endif

#endif
