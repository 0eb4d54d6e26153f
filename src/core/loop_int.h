/*
 * loop_int.h: helpers shared by the files of the core loop (report.c,
 * alert.c, screen.c, invite.c) and by help.c. Not for use outside
 * src/core/.
 */
#ifndef LOOKOUT_LOOP_INT_H
#define LOOKOUT_LOOP_INT_H

#include "core/report.h"
#include "store/store_loop.h"

int	 loop_rc(int store_rc);
/* loop_rc() for a write that failed; on a full disk also says so in err
 * (when not NULL), so the answer can tell the person nothing was saved
 * and why, rather than that the service is busy. */
int	 loop_store_fail(struct report_err *err, int store_rc);
int	 loop_invalid(struct report_err *err, const char *field,
	    const char *msg);
int	 loop_invalid_at(struct report_err *err, const char *list, size_t i,
	    const char *member, const char *msg);
void	 loop_owner_tag(const struct app *app, int64_t user_id,
	    uint8_t out[STORE_HASH_BYTES]);
/* The row id that binds the sealed value of identifier seq of an owner. */
int64_t	 loop_ident_row(int64_t owner_id, int64_t seq);
void	 loop_today(char out[11]);
int	 loop_is_staff(const struct auth *who);
const char *loop_unseal(struct app *app, struct arena *a, const char *table,
	    const char *column, int64_t row, const uint8_t *ct, size_t len);
int	 loop_idents(struct app *app, const struct ident_in *ids, size_t n,
	    const char *list, char norm[][IDENT_NORM_MAX],
	    struct report_err *err);

/* Region ids under every region the account follows. */
int	 loop_followed(struct store *s, struct arena *a, const struct auth *who,
	    int64_t **ids, size_t *n);

/* Add a published alert (its fields, region codes and normalised
 * identifiers) to the screening index, unless it is there already; set
 * an alert's incident types after an attach; and take a withdrawn
 * alert out. Called once the change is committed. */
void	 screen_index_add(struct app *app, const struct store_alert *al,
	    const char *const *codes, size_t ncodes,
	    const enum ident_kind *kinds, char (*norm)[IDENT_NORM_MAX],
	    size_t n);
void	 screen_index_types(int64_t alert_id, int64_t types);
void	 screen_index_remove(int64_t alert_id);

#endif
