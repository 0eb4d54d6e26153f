/*
 * exedir.h: where lookout's other files are installed. lookout-sheet,
 * lookout-spawn and the PostgreSQL driver module go next to the lookout
 * program (docs/deployment.md), so that a build directory and an
 * installation alike find them without configuration;
 * LOOKOUT_LIBEXEC_DIR in the environment names another directory.
 */
#ifndef LOOKOUT_EXEDIR_H
#define LOOKOUT_EXEDIR_H

#include <stddef.h>

/* The path of the file name beside the running program (or in
 * LOOKOUT_LIBEXEC_DIR), into out. Returns 0, or -1 (logged) when
 * /proc/self/exe cannot be read or the path does not fit. */
int	exe_sibling(const char *name, char *out, size_t outlen);

#endif
