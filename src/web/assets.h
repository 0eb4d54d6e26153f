/*
 * assets.h: the static files of src/web/static, embedded at build time.
 * The table ends with an entry whose name is NULL.
 */
#ifndef LOOKOUT_ASSETS_H
#define LOOKOUT_ASSETS_H

#include <stddef.h>

struct asset {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};

extern const struct asset assets[];

#endif
