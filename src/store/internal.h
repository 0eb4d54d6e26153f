/*
 * internal.h: what the files implementing store.h share. Not for use
 * outside src/store/.
 *
 * struct store wraps one driver connection with the transaction nesting
 * of store.h: depth counts open store_begin() levels; doomed is set by a
 * rollback below the outermost level, or when the database rolled the
 * transaction back on its own. While doomed, every statement is refused,
 * so nothing more runs inside a transaction that cannot commit (and, in
 * the second case, nothing runs outside one by mistake).
 */
#ifndef LOOKOUT_STORE_INTERNAL_H
#define LOOKOUT_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "store/store.h"
#include "util/arena.h"

struct store {
	struct db	*db;
	int		 depth;
	int		 doomed;
};

/* Prepare sql (a string literal: see db.h) on s; STORE_ERR while doomed. */
int	store_stmt_prepare(struct store *s, const char *sql,
	    struct db_stmt **st);
/* Step: 1 for a row, 0 when done, or a negative store_rc; notices a
 * transaction the database rolled back. */
int	store_stmt_step(struct store *s, struct db_stmt *st);
/* Step expecting one row: 0 on a row, STORE_NOTFOUND without one. */
int	store_stmt_row(struct store *s, struct db_stmt *st);
/* Step until done, discarding rows: for writes. */
int	store_stmt_run(struct store *s, struct db_stmt *st);
/* The integer in the one row of sql, a query without parameters. */
int	store_int_query(struct store *s, const char *sql, int64_t *out);

/* Emit event for id inside s's transaction (store.h); a no-op on a
 * database without other nodes. STORE_ERR while doomed. */
int	store_emit(struct store *s, enum store_event event, int64_t id);

/* Column i as a string in a ("" for NULL). */
char	*store_col_str(struct arena *a, struct db_stmt *st, int i);
/* Column i as a blob in a; NULL and 0 for an empty or NULL blob. */
uint8_t	*store_col_bytes(struct arena *a, struct db_stmt *st, int i,
	    size_t *n);
/* Column i as a STORE_HASH_BYTES hash; STORE_ERR if it is not one. */
int	store_col_hash(struct db_stmt *st, int i,
	    uint8_t out[STORE_HASH_BYTES]);

/*
 * Shared by the files of the core loop (loop.c, reports.c, alerts.c).
 */
struct store_ident;

/* Bind an optional blob: SQL NULL when n is 0 (absent or destroyed). */
void	store_bind_opt_blob(struct db_stmt *st, int i, const void *p,
	    size_t n);
/* Insert identifier i with sql, whose parameters are, in order: owner id,
 * seq, kind, hash, value_sealed. */
int	store_ident_insert(struct store *s, const char *sql,
	    const struct store_ident *i);
/* Read columns owner id, seq, kind, hash, value_sealed into out, strings
 * and blobs in a; a NULL (destroyed) hash reads as zeroes. */
int	store_ident_row(struct arena *a, struct db_stmt *st,
	    struct store_ident *out);
/* Step st to the end, collecting column 0 of each row into an array in
 * a. */
int	store_collect_ids(struct store *s, struct arena *a,
	    struct db_stmt *st, int64_t **ids, size_t *n);

#endif
