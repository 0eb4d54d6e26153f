/*
 * gzip.c: compressing text responses for clients that accept gzip.
 *
 * A page is often opened on a cheap phone over a slow, metered
 * connection, and the report form is long: compressed, every page fits
 * in the first round trips. Only text types over GZIP_MIN_BYTES are
 * compressed; below that the gzip header costs more than it saves.
 *
 * BREACH (compression leaking a secret of the body, byte by byte, to
 * someone who can inject text next to it and watch the sizes) needs the
 * victim's browser to send the attacker's requests with the victim's
 * cookies. Every cookie of ours is SameSite=Strict, so a cross-site
 * request arrives anonymous and its page holds no secret of hers.
 *
 * The body holds unsealed fields, so zlib's own buffers are wiped when it
 * frees them, as the body itself is.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>
#include <zlib.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

/* Compressed in pieces of this much output at a time. */
#define GZIP_CHUNK	(16 * 1024)

static const char *const gzip_types[] = {
	"text/html", "text/css", "text/javascript", "application/javascript",
	"application/json", "application/atom+xml", "text/csv",
	"image/svg+xml", NULL,
};

/* zlib's allocations, each with its size in front, so it can be wiped. */
struct zblock {
	size_t		 size;
	max_align_t	 data[];
};

static voidpf
zalloc(voidpf opaque, uInt items, uInt size)
{
	struct zblock *z;
	size_t n = st_mult(items, size);

	z = xmalloc(st_add(sizeof(*z), n));
	z->size = n;
	return z->data;
}

static void
zfree(voidpf opaque, voidpf p)
{
	struct zblock *z;

	if (p == NULL)
		return;
	z = (struct zblock *)((char *)p - offsetof(struct zblock, data));
	sodium_memzero(z->data, z->size);
	free(z);
}

/* Is c the token t? c runs to the first ';', ',' or space. */
static int
token_is(const char *c, size_t n, const char *t)
{
	return strlen(t) == n && strncasecmp(c, t, n) == 0;
}

/*
 * The q value of one element's parameters (";q=0.5"): 1 when there is
 * none, 0 for q=0 (or 0.0, 0.00, 0.000), -1 when it is malformed.
 */
static int
qvalue(const char *p, const char *end)
{
	int pos = 0, digits = 0;

	while (p < end) {
		while (p < end && (*p == ';' || *p == ' ' || *p == '\t'))
			p++;
		if (end - p >= 2 && (p[0] == 'q' || p[0] == 'Q') &&
		    p[1] == '=') {
			p += 2;
			if (p < end && *p == '1')
				pos = 1;
			else if (p >= end || *p != '0')
				return -1;
			for (p++; p < end && *p == '.'; p++)
				;
			for (; p < end && *p >= '0' && *p <= '9'; p++) {
				if (++digits > 3)
					return -1;
				if (*p != '0')
					pos = 1;
			}
			while (p < end && (*p == ' ' || *p == '\t'))
				p++;
			if (p < end && *p != ';')
				return -1;
			return pos;
		}
		/* Some other parameter: skip it. */
		while (p < end && *p != ';')
			p++;
	}
	return 1;
}

int
http_gzip_accepted(const char *ae)
{
	const char *p = ae, *end, *tok;
	int gzip = -1, star = -1, q;
	size_t n;

	if (ae == NULL)
		return 0;
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = strchr(p, ',');
		if (end == NULL)
			end = p + strlen(p);
		tok = p;
		for (n = 0; tok + n < end && tok[n] != ';' && tok[n] != ' ' &&
		    tok[n] != '\t'; n++)
			;
		q = qvalue(tok + n, end);
		if (q >= 0) {
			if (token_is(tok, n, "gzip") ||
			    token_is(tok, n, "x-gzip"))
				gzip = q;
			else if (token_is(tok, n, "*"))
				star = q;
		}
		p = end;
	}
	/* "*" stands for every coding the header does not name. */
	return gzip >= 0 ? gzip : star > 0;
}

int
http_gzip_type(const char *content_type)
{
	size_t i, n;

	if (content_type == NULL)
		return 0;
	for (i = 0; gzip_types[i] != NULL; i++) {
		n = strlen(gzip_types[i]);
		if (strncasecmp(content_type, gzip_types[i], n) == 0 &&
		    (content_type[n] == '\0' || content_type[n] == ';' ||
		    content_type[n] == ' '))
			return 1;
	}
	return 0;
}

int
http_gzip(const void *in, size_t len, struct buf *out)
{
	unsigned char chunk[GZIP_CHUNK];
	z_stream z;
	int rc = -1, zrc;

	memset(&z, 0, sizeof(z));
	z.zalloc = zalloc;
	z.zfree = zfree;
	/* windowBits 15 + 16: the gzip wrapper, not zlib's. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		log_error("gzip: cannot start zlib (out of memory?); the "
		    "response goes uncompressed");
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	if ((size_t)z.avail_in != len)
		goto out;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zrc = deflate(&z, Z_FINISH);
		if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR)
			goto out;
		/* Past out's cap, compressing does not pay: give up. */
		if (buf_add(out, chunk, sizeof(chunk) - z.avail_out) == -1)
			goto out;
	} while (zrc != Z_STREAM_END);
	rc = 0;
out:
	deflateEnd(&z);
	sodium_memzero(chunk, sizeof(chunk));
	return rc;
}

/* The response's media type: its Content-Type header, else the one the
 * server will send. */
static const char *
resp_type(const struct http_resp *w, const char *fallback)
{
	size_t i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, "Content-Type") == 0)
			return w->headers[i].value;
	return w->content_type != NULL ? w->content_type : fallback;
}

static int
has_header(const struct http_resp *w, const char *name)
{
	size_t i;

	for (i = 0; i < w->nheaders; i++)
		if (strcasecmp(w->headers[i].key, name) == 0)
			return 1;
	return 0;
}

void
http_gzip_resp(struct http_req *r, struct http_resp *w,
    const char *default_type)
{
	struct buf gz;

	if (w->body.len <= GZIP_MIN_BYTES || w->body.overflow ||
	    !http_gzip_type(resp_type(w, default_type)) ||
	    has_header(w, "Content-Encoding"))
		return;
	/* Vary and Content-Encoding must both fit, or neither is sent. */
	if (w->nheaders + 2 > RESP_MAX_HEADERS)
		return;
	/* The answer depends on the header whether or not this client
	 * receives it compressed: a cache must keep the two apart. */
	resp_header(w, "Vary", "Accept-Encoding");
	if (!http_gzip_accepted(req_header(r, "Accept-Encoding")))
		return;
	/* Capped below the body's own size: no bigger answer, ever. */
	buf_init(&gz, w->body.len - 1);
	if (http_gzip(w->body.buf, w->body.len, &gz) == -1) {
		buf_wipe(&gz);
		return;
	}
	buf_wipe(&w->body);
	w->body = gz;
	resp_header(w, "Content-Encoding", "gzip");
}
