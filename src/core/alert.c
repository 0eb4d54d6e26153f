/*
 * alert.c: moderation (publish, no alert, attach), alerts as members
 * read them, and the secret tokens of their Atom feeds.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/outbox.h"
#include "core/report.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/banned.h"

static int
severity_valid(const char *s)
{
	return s != NULL && (strcmp(s, "high") == 0 ||
	    strcmp(s, "medium") == 0 || strcmp(s, "low") == 0);
}

/* Load a report that staff member who may moderate. */
static int
moderated_report(struct store *s, struct arena *a, const struct auth *who,
    int64_t id, struct store_report *r)
{
	int rc;

	if (!loop_is_staff(who))
		return REPORT_NOTFOUND;
	if ((rc = store_report_get(s, a, id, r)) != 0)
		return loop_rc(rc);
	if (r->org_id != who->org_id || strcmp(r->status, "held") == 0)
		return REPORT_NOTFOUND;
	if (strcmp(r->status, "withdrawn") == 0)
		return REPORT_GONE;
	return 0;
}

/* A report is moderated once: publish, no alert and attach each need it
 * new, so that two staff members acting at once cannot both decide. */
static int
still_new(const struct store_report *r, struct report_err *err)
{
	if (strcmp(r->status, "new") == 0)
		return 0;
	(void)loop_invalid(err, "status",
	    "this report has already been moderated");
	return REPORT_CONFLICT;
}

int
report_publish(struct app *app, struct store *s, const struct auth *who,
    int64_t report_id, const struct alert_in *in, int64_t *alert_id,
    struct report_err *err)
{
	char (*norm)[IDENT_NORM_MAX];
	enum ident_kind *kinds;
	int64_t region_ids[LIMIT_LIST_ITEMS];
	struct store_report r;
	struct store_alert al;
	struct store_ident si;
	struct region reg;
	struct arena a;
	struct buf val;
	char today[11], obj[64];
	size_t i, queued = 0;
	int rc;

	arena_init(&a);
	buf_init(&val, BUF_CAP_SMALL);
	norm = arena_alloc(&a, sizeof(*norm) * (in->nidents + 1));
	kinds = arena_alloc(&a, sizeof(*kinds) * (in->nidents + 1));
	if (in->summary == NULL || *in->summary == '\0') {
		rc = loop_invalid(err, "summary", "write a summary");
		goto out;
	}
	if (!severity_valid(in->severity)) {
		rc = loop_invalid(err, "severity",
		    "severity must be high, medium or low");
		goto out;
	}
	if (in->nregions == 0) {
		rc = loop_invalid(err, "regions", "choose at least one region");
		goto out;
	}
	if ((rc = loop_idents(app, in->idents, in->nidents, "identifiers",
	    norm, err)) != 0)
		goto out;

	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = moderated_report(s, &a, who, report_id, &r)) != 0)
		goto fail;
	if (!r.consent_alert) {
		rc = loop_invalid(err, "consent",
		    "the reporter did not agree to an alert");
		rc = REPORT_CONFLICT;
		goto fail;
	}
	if ((rc = still_new(&r, err)) != 0)
		goto fail;
	for (i = 0; i < in->nregions; i++) {
		rc = store_region_by_code(s, &a, in->regions[i], &reg);
		if (rc == STORE_NOTFOUND) {
			rc = loop_invalid(err, "regions", "unknown region");
			goto fail;
		}
		if ((rc = loop_rc(rc)) != 0)
			goto fail;
		region_ids[i] = reg.id;
	}
	loop_today(today);
	memset(&al, 0, sizeof(al));
	al.id = random_id();
	al.org_id = r.org_id;
	al.summary = (char *)in->summary;
	al.severity = (char *)in->severity;
	al.types = r.types;
	al.issued_on = today;
	al.status = "active";
	al.created_at = (int64_t)time(NULL);
	if ((rc = loop_rc(store_alert_insert(s, &al))) != 0)
		goto fail;
	for (i = 0; i < in->nregions; i++) {
		rc = store_alert_region_add(s, al.id, region_ids[i]);
		/* The same region twice is harmless. */
		if (rc == STORE_CONFLICT)
			continue;
		if ((rc = loop_rc(rc)) != 0)
			goto fail;
	}
	for (i = 0; i < in->nidents; i++) {
		memset(&si, 0, sizeof(si));
		buf_reset(&val);
		si.owner_id = al.id;
		si.kind = (char *)in->idents[i].kind;
		si.seq = (int64_t)i;
		hash_ident(&app->keys, si.kind, norm[i], si.hash);
		/* Alerts keep the normalised value: it is what the partial
		 * index matches on, and what staff chose to publish. */
		if (seal_value(&app->keys, "alert_idents", "value",
		    loop_ident_row(al.id, si.seq), norm[i], strlen(norm[i]),
		    &val) == -1) {
			rc = REPORT_ERR;
			goto fail;
		}
		si.value_sealed = (uint8_t *)val.buf;
		si.value_sealed_len = val.len;
		if ((rc = loop_rc(store_alert_ident_insert(s, &si))) != 0)
			goto fail;
	}
	if ((rc = loop_rc(store_report_set_status(s, r.id, "alerted",
	    r.matched, al.id, ""))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "alert:%lld", (long long)al.id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "alert.publish",
	    obj, in->severity))) != 0)
		goto fail;
	/* Its messages are queued with it, or neither is. */
	if (!in->quiet &&
	    (rc = outbox_enqueue_alert(app, s, al.id, &queued)) != 0)
		goto fail;
	if ((rc = loop_rc(store_commit(s))) != 0)
		goto out;
	outbox_committed(queued);
	for (i = 0; i < in->nidents; i++)
		kinds[i] = ident_kind_parse(in->idents[i].kind);
	screen_index_add(app, &al, in->regions, in->nregions, kinds, norm,
	    in->nidents);
	*alert_id = al.id;
	goto out;
fail:
	store_rollback(s);
out:
	buf_release(&val);
	arena_release(&a);
	return rc;
}

int
report_no_alert(struct app *app, struct store *s, const struct auth *who,
    int64_t report_id, const char *reason, struct report_err *err)
{
	struct store_report r;
	struct arena a;
	char obj[64];
	int rc;

	if (reason == NULL || *reason == '\0')
		return loop_invalid(err, "reason",
		    "say why there is no alert");
	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = moderated_report(s, &a, who, report_id, &r)) != 0 ||
	    (rc = still_new(&r, err)) != 0)
		goto fail;
	if ((rc = loop_rc(store_report_set_status(s, r.id, "no_alert",
	    r.matched, r.alert_id, reason))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)r.id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "report.no_alert",
	    obj, ""))) != 0)
		goto fail;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

int
report_attach(struct app *app, struct store *s, const struct auth *who,
    int64_t report_id, int64_t alert_id, struct report_err *err)
{
	struct store_report r;
	struct store_alert al;
	struct arena a;
	char obj[64], detail[64];
	int rc;

	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = moderated_report(s, &a, who, report_id, &r)) != 0 ||
	    (rc = still_new(&r, err)) != 0)
		goto fail;
	if (!r.consent_alert) {
		rc = loop_invalid(err, "consent",
		    "the reporter did not agree to an alert");
		rc = REPORT_CONFLICT;
		goto fail;
	}
	if ((rc = loop_rc(store_alert_get(s, &a, alert_id, &al))) != 0)
		goto fail;
	if (al.org_id != who->org_id || strcmp(al.status, "active") != 0) {
		rc = REPORT_NOTFOUND;
		goto fail;
	}
	if ((rc = loop_rc(store_report_set_status(s, r.id, "attached",
	    r.matched, al.id, ""))) != 0 ||
	    (rc = loop_rc(store_alert_set_types(s, al.id,
	    al.types | r.types))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)r.id);
	snprintf(detail, sizeof(detail), "alert:%lld", (long long)al.id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "report.attach",
	    obj, detail))) != 0)
		goto fail;
	if ((rc = loop_rc(store_commit(s))) == 0)
		screen_index_types(al.id, al.types | r.types);
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

int
alert_withdraw(struct app *app, struct store *s, const struct auth *who,
    int64_t alert_id)
{
	struct store_alert al;
	struct arena a;
	char obj[64];
	int rc;

	if (!loop_is_staff(who))
		return REPORT_NOTFOUND;
	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = loop_rc(store_alert_get(s, &a, alert_id, &al))) != 0)
		goto fail;
	if (al.org_id != who->org_id) {
		rc = REPORT_NOTFOUND;
		goto fail;
	}
	if ((rc = loop_rc(store_alert_withdraw(s, al.id))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "alert:%lld", (long long)al.id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "alert.withdraw",
	    obj, ""))) != 0)
		goto fail;
	if ((rc = loop_rc(store_commit(s))) != 0)
		goto out;
	screen_index_remove(al.id);
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

static int
fill_alert(struct store *s, struct arena *a, const struct store_alert *sa,
    struct alert *out)
{
	char **codes;
	size_t n;
	int rc;

	out->id = sa->id;
	out->summary = sa->summary;
	out->severity = sa->severity;
	out->types = sa->types;
	out->issued_on = sa->issued_on;
	out->created_at = sa->created_at;
	if ((rc = store_alert_regions(s, a, sa->id, &codes, &n)) != 0)
		return loop_rc(rc);
	out->regions = (const char **)codes;
	out->nregions = n;
	return 0;
}

int
alert_get(struct app *app, struct store *s, struct arena *a, int64_t id,
    struct alert *out)
{
	struct store_alert sa;
	int rc;

	if ((rc = store_alert_get(s, a, id, &sa)) != 0)
		return loop_rc(rc);
	if (strcmp(sa.status, "active") != 0)
		return REPORT_NOTFOUND;
	return fill_alert(s, a, &sa, out);
}

/* Region ids under every region the account follows. */
int
loop_followed(struct store *s, struct arena *a, const struct auth *who,
    int64_t **ids, size_t *n)
{
	int64_t *mine, *sub, *all = NULL;
	size_t nm, ns, i, total = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((rc = store_user_regions_get(s, a, who->user_id, &mine, &nm)) != 0)
		return loop_rc(rc);
	for (i = 0; i < nm; i++) {
		int64_t *grown;

		if ((rc = store_region_subtree(s, a, mine[i], &sub, &ns)) != 0)
			return loop_rc(rc);
		grown = arena_alloc(a, sizeof(*grown) * (total + ns + 1));
		if (total)
			memcpy(grown, all, sizeof(*grown) * total);
		memcpy(grown + total, sub, sizeof(*grown) * ns);
		all = grown;
		total += ns;
	}
	*ids = all;
	*n = total;
	return 0;
}

#define ALERT_LIST_MAX 500

int
alert_list(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *region, struct alert **out,
    size_t *n, struct report_err *err)
{
	struct store_alert *sa;
	struct region reg;
	int64_t *ids = NULL;
	size_t nids = 0, ns, i;
	int rc;

	*out = NULL;
	*n = 0;
	if (region != NULL && *region != '\0') {
		rc = store_region_by_code(s, a, region, &reg);
		if (rc == STORE_NOTFOUND)
			return loop_invalid(err, "region", "unknown region");
		if (rc != 0)
			return loop_rc(rc);
		if ((rc = store_region_subtree(s, a, reg.id, &ids, &nids)) != 0)
			return loop_rc(rc);
	} else if (!loop_is_staff(who)) {
		if ((rc = loop_followed(s, a, who, &ids, &nids)) != 0)
			return rc;
		if (nids == 0)
			return 0;	/* follows no region yet */
	}
	if ((rc = store_alert_list(s, a, ids, nids, ALERT_LIST_MAX, &sa,
	    &ns)) != 0)
		return loop_rc(rc);
	*out = arena_alloc(a, sizeof(**out) * (ns ? ns : 1));
	for (i = 0; i < ns; i++)
		if ((rc = fill_alert(s, a, &sa[i], &(*out)[i])) != 0)
			return rc;
	*n = ns;
	return 0;
}

int
alert_list_since(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *region, const char *since,
    struct alert **out, size_t *n, struct report_err *err)
{
	size_t i, kept = 0;
	int y, m, d, rc;

	*out = NULL;
	*n = 0;
	if (since == NULL || parse_date(since, &y, &m, &d) == -1)
		return loop_invalid(err, "since", "give the date as YYYY-MM-DD");
	if ((rc = alert_list(app, s, a, who, region, out, n, err)) != 0)
		return rc;
	/* issued_on is "YYYY-MM-DD", so the dates compare as strings. */
	for (i = 0; i < *n; i++)
		if (strcmp((*out)[i].issued_on, since) >= 0)
			(*out)[kept++] = (*out)[i];
	*n = kept;
	return 0;
}

int
feed_token_new(struct app *app, struct store *s, const struct auth *who,
    char token[TOKEN_CHARS + 1])
{
	uint8_t h[HASH_BYTES];
	int rc;

	token_new(token);
	hash_keyed(app->keys.feed, token, strlen(token), h);
	if ((rc = loop_rc(store_begin(s))) != 0)
		return rc;
	if ((rc = loop_rc(store_feed_token_set(s, who->user_id, h,
	    (int64_t)time(NULL)))) != 0 ||
	    (rc = loop_rc(audit_log(app, s, who->user_id, "feed.token", "",
	    "new"))) != 0) {
		store_rollback(s);
		sodium_memzero(token, TOKEN_CHARS + 1);
		return rc;
	}
	return loop_rc(store_commit(s));
}

int
feed_token_revoke(struct app *app, struct store *s, const struct auth *who)
{
	int rc;

	if ((rc = loop_rc(store_begin(s))) != 0)
		return rc;
	rc = store_feed_token_delete(s, who->user_id);
	if ((rc != STORE_OK && rc != STORE_NOTFOUND) ||
	    (rc = loop_rc(audit_log(app, s, who->user_id, "feed.token", "",
	    "revoke"))) != 0) {
		store_rollback(s);
		return loop_rc(rc);
	}
	return loop_rc(store_commit(s));
}

int
feed_token_on(struct app *app, struct store *s, const struct auth *who,
    int *on)
{
	(void)app;
	*on = 0;
	if (who->role != ROLE_MEMBER)
		return REPORT_FORBIDDEN;
	return loop_rc(store_feed_token_has(s, who->user_id, on));
}

int
feed_token_auth(struct app *app, struct store *s, const char *token,
    struct auth *who)
{
	uint8_t h[HASH_BYTES];
	struct arena a;
	struct user u;
	int64_t uid;
	int rc;

	memset(who, 0, sizeof(*who));
	if (strlen(token) != TOKEN_CHARS)
		return REPORT_NOTFOUND;
	hash_keyed(app->keys.feed, token, strlen(token), h);
	if ((rc = store_feed_token_user(s, h, &uid)) != 0)
		return loop_rc(rc);
	arena_init(&a);
	rc = loop_rc(store_user_get(s, &a, uid, &u));
	if (rc == 0 && strcmp(u.status, "active") != 0)
		rc = REPORT_NOTFOUND;
	if (rc == 0) {
		who->user_id = u.id;
		who->org_id = u.org_id;
		who->role = role_parse(u.role);
	}
	arena_release(&a);
	return rc;
}
