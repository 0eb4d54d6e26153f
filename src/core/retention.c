/*
 * retention.c: destroying what is no longer to be kept: reports and help
 * requests past the retention period, expired sessions, and a member's
 * whole account when she deletes it.
 *
 * Destruction is removal of the rows, not a wipe: the aggregate counters
 * were written when each report was filed and each case closed, and they
 * are all that outlives the purge (DESIGN.md, trust model 5).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/help.h"
#include "core/loop_int.h"
#include "store/store_help.h"
#include "store/store_loop.h"
#include "util/log.h"
#include "util/banned.h"

/* now minus months calendar months, UTC. A day past the end of the
 * earlier month rolls into the next (31 March - 1 month = 3 March),
 * which only keeps a row a few days longer. */
static int64_t
months_before(int64_t now, int months)
{
	time_t t = (time_t)now;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return now - (int64_t)months * 31 * 86400;
	tm.tm_mon -= months;
	tm.tm_isdst = 0;
	return (int64_t)timegm(&tm);
}

int
retention_purge(struct app *app, struct store *s, int64_t now,
    int64_t *purged)
{
	int64_t cutoff, nreports = 0, ncases = 0;
	char detail[96];
	int rc;

	*purged = 0;
	cutoff = months_before(now, app->cfg.retention_months);
	if ((rc = store_begin(s)) != 0)
		return loop_rc(rc);
	if ((rc = store_purge_reports(s, cutoff, &nreports)) != 0 ||
	    (rc = store_purge_cases(s, cutoff, &ncases)) != 0 ||
	    (rc = store_session_purge(s, now)) != 0)
		goto fail;
	/* A run that destroyed nothing changed nothing to account for; a
	 * daily purge would otherwise fill the log with empty rows. */
	if (nreports + ncases > 0) {
		snprintf(detail, sizeof(detail), "reports=%lld cases=%lld",
		    (long long)nreports, (long long)ncases);
		if ((rc = audit_log(app, s, 0, "retention.purge", "",
		    detail)) != 0)
			goto fail;
	}
	if ((rc = store_commit(s)) != 0)
		return loop_rc(rc);
	if (nreports + ncases > 0)
		log_info("retention: purged %lld reports and %lld help "
		    "requests older than %d months", (long long)nreports,
		    (long long)ncases, app->cfg.retention_months);
	*purged = nreports + ncases;
	return 0;
fail:
	store_rollback(s);
	return loop_rc(rc);
}

int
account_delete(struct app *app, struct store *s, const struct auth *who)
{
	uint8_t tag[STORE_HASH_BYTES];
	int64_t nreports = 0;
	char obj[64], detail[64];
	int rc;

	/* Staff and liaison accounts are an organisation's to remove. */
	if (who->role != ROLE_MEMBER || who->user_id <= 0)
		return REPORT_FORBIDDEN;
	loop_owner_tag(app, who->user_id, tag);
	if ((rc = store_begin(s)) != 0)
		return loop_rc(rc);
	if ((rc = store_purge_owner(s, tag, &nreports)) != 0)
		goto fail;
	rc = store_feed_token_delete(s, who->user_id);
	if (rc != 0 && rc != STORE_NOTFOUND)
		goto fail;
	/* Sessions, the feed token and region subscriptions would go with
	 * the account row anyway (ON DELETE CASCADE); saying so here keeps
	 * that from resting on the schema alone. */
	if ((rc = store_session_delete_user(s, who->user_id, NULL)) != 0 ||
	    (rc = store_user_delete(s, who->user_id)) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)who->user_id);
	snprintf(detail, sizeof(detail), "reports=%lld",
	    (long long)nreports);
	if ((rc = audit_log(app, s, who->user_id, "user.delete", obj,
	    detail)) != 0)
		goto fail;
	if ((rc = store_commit(s)) != 0)
		return loop_rc(rc);
	account_cache_forget(who->user_id);
	return 0;
fail:
	store_rollback(s);
	return loop_rc(rc);
}
