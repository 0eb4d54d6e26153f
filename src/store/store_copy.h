/*
 * store_copy.h: copying a whole instance from one database to another,
 * for lookout migrate (SQLite in the data dir to PostgreSQL).
 *
 * Every row is copied as it is stored: ids, keyed hashes and sealed
 * values byte for byte (a sealed value's associated data names its
 * table, column and row, so rows keep their ids), and the audit log with
 * its sequence numbers and hashes, so the chain verifies on the target.
 * Sessions that have not expired are copied too, so nobody is logged out
 * by a migration; the schema_version table is not (each database records
 * its own migrations).
 *
 * The copy is streamed: source rows are read one at a time and written
 * in batches of a fixed size, so an instance need not fit in memory.
 */
#ifndef LOOKOUT_STORE_COPY_H
#define LOOKOUT_STORE_COPY_H

#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * Take src for a copy: a consistent snapshot that nothing else can
 * change, held until src is closed. src must be an SQLite database; while
 * any other connection has it open (a running server, another command)
 * the answer is STORE_BUSY. On failure err says why.
 */
int	store_copy_lock_source(struct store *src, char *err, size_t errlen);

/*
 * Check that the tables and columns of the database s is connected to
 * are exactly those store_copy() copies: a schema that has grown a table
 * or a column the copy does not know is refused rather than half copied.
 * 0 when they match; otherwise STORE_ERR with the difference in err.
 */
int	store_copy_check_schema(struct store *s, char *err, size_t errlen);

/*
 * Copy every table of src (locked by store_copy_lock_source) into dst in
 * one transaction on dst. dst must hold no row in any table (otherwise
 * the answer is STORE_CONFLICT), and have the same schema version as src
 * (otherwise STORE_ERR); either way nothing is written. Sessions that
 * expired by now are left out.
 * After each table, fn (if not NULL) is told its name and how many rows
 * were copied. Each table's row count is checked on both sides before
 * the commit. On failure dst is unchanged and err says why.
 */
int	store_copy(struct store *src, struct store *dst, int64_t now,
	    void (*fn)(const char *table, int64_t rows, void *arg), void *arg,
	    char *err, size_t errlen);

#endif
