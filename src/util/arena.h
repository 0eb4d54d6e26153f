/*
 * arena.h: a per-request memory pool.
 *
 * Everything a request handler allocates comes from the request's arena
 * and is freed at once when the request ends; handlers never free
 * piecemeal. arena_release() wipes every block before returning it, because
 * requests routinely hold decrypted fields.
 *
 * An arena is not thread-safe; each request owns its own.
 */
#ifndef LOOKOUT_ARENA_H
#define LOOKOUT_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*head;
	size_t			 total;		/* bytes handed out */
};

#define ARENA_BLOCK_SIZE	(16 * 1024)

void	 arena_init(struct arena *a);
void	 arena_release(struct arena *a);	/* wipe and free all blocks */
void	*arena_alloc(struct arena *a, size_t n);	/* zeroed, 16-aligned */
char	*arena_strdup(struct arena *a, const char *s);
char	*arena_strndup(struct arena *a, const char *s, size_t n);
void	*arena_memdup(struct arena *a, const void *p, size_t n);
char	*arena_printf(struct arena *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
