/*
 * audit.h: the append-only, hash-chained audit log.
 *
 * Each row's hash is keyed BLAKE2b (the audit key) over the previous
 * row's hash and the row's own fields, so editing, inserting or deleting
 * a row breaks the chain at that row, and the chain cannot be recomputed
 * by someone who holds the database but not the key.
 *
 * object names a thing by kind and id ("user:123", "report:9"); detail is
 * a short machine-readable note. Neither may hold a sealed value.
 */
#ifndef LOOKOUT_AUDIT_H
#define LOOKOUT_AUDIT_H

#include <stdint.h>

#include "core/app.h"

int	audit_log(struct app *app, struct store *s, int64_t actor,
	    const char *action, const char *object, const char *detail);

/* 0 when the chain is whole. -1 when broken, with *bad_seq the first row
 * that does not verify (or the seq where a row is missing). -2 on a
 * store error. */
int	audit_verify(struct app *app, struct store *s, int64_t *bad_seq,
	    int64_t *rows);

#endif
