/*
 * report.c: filing, reading, moderating and withdrawing reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "core/stats_int.h"
#include "store/store_loop.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/banned.h"

int
incident_parse(const char *name)
{
	int i;

	for (i = 0; i < INC_COUNT; i++)
		if (strcmp(name, incident_names[i]) == 0)
			return 1 << i;
	return 0;
}

int
loop_rc(int store_rc)
{
	switch (store_rc) {
	case STORE_OK:
		return REPORT_OK;
	case STORE_NOTFOUND:
		return REPORT_NOTFOUND;
	case STORE_CONFLICT:
		return REPORT_CONFLICT;
	case STORE_FULL:
	case STORE_BUSY:
		return REPORT_UNAVAILABLE;
	default:
		return REPORT_ERR;
	}
}

int
loop_store_fail(struct report_err *err, int store_rc)
{
	if (store_rc == STORE_FULL && err != NULL) {
		err->field = NULL;
		err->msg = REPORT_MSG_FULL;
	}
	return loop_rc(store_rc);
}

int
loop_invalid(struct report_err *err, const char *field, const char *msg)
{
	if (err != NULL) {
		err->field = field;
		err->msg = msg;
	}
	return REPORT_INVALID;
}

int
loop_invalid_at(struct report_err *err, const char *list, size_t i,
    const char *member, const char *msg)
{
	if (err != NULL) {
		snprintf(err->fieldbuf, sizeof(err->fieldbuf), "%s[%zu].%s",
		    list, i, member);
		err->field = err->fieldbuf;
		err->msg = msg;
	}
	return REPORT_INVALID;
}

void
loop_owner_tag(const struct app *app, int64_t user_id,
    uint8_t out[STORE_HASH_BYTES])
{
	uint8_t in[14] = { 'o', 'w', 'n', 'e', 'r', 0 };
	int i;

	for (i = 0; i < 8; i++)
		in[6 + i] = (uint8_t)((uint64_t)user_id >> (8 * i));
	hash_keyed(app->keys.name, in, sizeof(in), out);
}

int64_t
loop_ident_row(int64_t owner_id, int64_t seq)
{
	return owner_id * LIMIT_LIST_ITEMS * 2 + seq;
}

void
loop_today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
loop_is_staff(const struct auth *who)
{
	return (who->role & ROLES_STAFF) != 0;
}

static int
time_window_valid(const char *s)
{
	int i;

	/* HH:MM-HH:MM, each part a real clock time. */
	if (strlen(s) != 11 || s[2] != ':' || s[5] != '-' || s[8] != ':')
		return 0;
	for (i = 0; i < 11; i++)
		if (i != 2 && i != 5 && i != 8 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return (s[0] - '0') * 10 + (s[1] - '0') < 24 &&
	    (s[3] - '0') * 10 + (s[4] - '0') < 60 &&
	    (s[6] - '0') * 10 + (s[7] - '0') < 24 &&
	    (s[9] - '0') * 10 + (s[10] - '0') < 60;
}

static int
police_rank(const char *p)
{
	if (p == NULL)
		return -1;
	if (strcmp(p, "none") == 0)
		return 0;
	if (strcmp(p, "anonymous") == 0)
		return 1;
	if (strcmp(p, "full") == 0)
		return 2;
	return -1;
}

static int
source_valid(const char *s)
{
	static const char *const sources[] = { "web", "dropin", "phone",
	    "outreach", "paper", "sms" };
	size_t i;

	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(s, sources[i]) == 0)
			return 1;
	return 0;
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

/* Offender and vehicle, sealed together as one JSON object. */
static char *
details_json(const struct report_in *in)
{
	const struct offender *o = &in->offender;
	const struct vehicle *v = &in->vehicle;
	json_t *j;
	char *out;

	j = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s},"
	    "s:{s:s,s:s,s:s,s:s}}",
	    "offender", "age_range", nz(o->age_range), "gender", nz(o->gender),
	    "height", nz(o->height), "build", nz(o->build), "hair",
	    nz(o->hair), "skin", nz(o->skin), "marks", nz(o->marks),
	    "language", nz(o->language),
	    "vehicle", "make", nz(v->make), "model", nz(v->model), "colour",
	    nz(v->colour), "plate", nz(v->plate));
	if (j == NULL)
		return NULL;
	out = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return out;
}

static const char *
jstr(struct arena *a, json_t *obj, const char *k1, const char *k2)
{
	const char *v = json_string_value(json_object_get(
	    json_object_get(obj, k1), k2));

	return arena_strdup(a, v != NULL ? v : "");
}

static void
details_parse(struct arena *a, const char *text, size_t len,
    struct report *r)
{
	json_t *j = json_loadb(text, len, 0, NULL);

	r->offender.age_range = jstr(a, j, "offender", "age_range");
	r->offender.gender = jstr(a, j, "offender", "gender");
	r->offender.height = jstr(a, j, "offender", "height");
	r->offender.build = jstr(a, j, "offender", "build");
	r->offender.hair = jstr(a, j, "offender", "hair");
	r->offender.skin = jstr(a, j, "offender", "skin");
	r->offender.marks = jstr(a, j, "offender", "marks");
	r->offender.language = jstr(a, j, "offender", "language");
	r->vehicle.make = jstr(a, j, "vehicle", "make");
	r->vehicle.model = jstr(a, j, "vehicle", "model");
	r->vehicle.colour = jstr(a, j, "vehicle", "colour");
	r->vehicle.plate = jstr(a, j, "vehicle", "plate");
	json_decref(j);
}

/* Seal text (when non-empty) into b for the report's column. */
static int
seal_opt(struct app *app, const char *table, const char *column, int64_t row,
    const char *text, struct buf *b)
{
	if (text == NULL || *text == '\0')
		return 0;
	return seal_value(&app->keys, table, column, row, text, strlen(text),
	    b);
}

/* Open a sealed column into arena memory; "" when absent. */
const char *
loop_unseal(struct app *app, struct arena *a, const char *table,
    const char *column, int64_t row, const uint8_t *ct, size_t len)
{
	struct buf b;
	const char *out;

	if (ct == NULL || len == 0)
		return "";
	buf_init(&b, BUF_CAP_PAGE);
	if (seal_open(&app->keys, table, column, row, ct, len, &b) == -1) {
		log_error("%s.%s of row %lld does not open: wrong key or "
		    "tampered data", table, column, (long long)row);
		buf_wipe(&b);
		return NULL;
	}
	out = arena_memdup(a, b.buf, b.len + 1);
	buf_wipe(&b);
	return out;
}

/* Normalise and validate a list of identifiers. norm[i] receives each. */
int
loop_idents(struct app *app, const struct ident_in *ids, size_t n,
    const char *list, char norm[][IDENT_NORM_MAX], struct report_err *err)
{
	const char *why;
	size_t i;
	int partial;

	for (i = 0; i < n; i++) {
		enum ident_kind k = ident_kind_parse(ids[i].kind);

		if (k == 0)
			return loop_invalid_at(err, list, i, "kind",
			    "kind must be phone, email, plate, handle or name");
		if (ident_normalize(k, nz(ids[i].value),
		    app->cfg.default_country, 0, norm[i], &partial,
		    &why) == -1)
			return loop_invalid_at(err, list, i, "value", why);
	}
	return 0;
}

static int
validate(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const struct report_in *in, int64_t *types,
    int64_t *region_id, struct report_err *err)
{
	struct region reg;
	char today[11];
	int y, m, d, bit, rc;
	size_t i;

	*types = 0;
	if (in->ntypes == 0)
		return loop_invalid(err, "types",
		    "choose at least one kind of incident");
	for (i = 0; i < in->ntypes; i++) {
		if ((bit = incident_parse(in->types[i])) == 0)
			return loop_invalid(err, "types",
			    "unknown kind of incident");
		*types |= bit;
	}
	if (in->occurred_on == NULL || parse_date(in->occurred_on, &y, &m,
	    &d) == -1)
		return loop_invalid(err, "occurred_on",
		    "give the date as YYYY-MM-DD");
	loop_today(today);
	/* A day of slack for time zones west of UTC's date line. */
	if (strcmp(in->occurred_on, today) > 0) {
		time_t t = time(NULL) + 86400;
		struct tm tm;
		char tomorrow[11];

		gmtime_r(&t, &tm);
		strftime(tomorrow, sizeof(tomorrow), "%Y-%m-%d", &tm);
		if (strcmp(in->occurred_on, tomorrow) > 0)
			return loop_invalid(err, "occurred_on",
			    "the date is in the future");
	}
	if (in->time_window != NULL && *in->time_window != '\0' &&
	    !time_window_valid(in->time_window))
		return loop_invalid(err, "time_window",
		    "give the time as HH:MM-HH:MM, for example 20:00-23:00");
	if (in->region == NULL || *in->region == '\0')
		return loop_invalid(err, "region", "choose a region");
	rc = store_region_by_code(s, a, in->region, &reg);
	if (rc == STORE_NOTFOUND)
		return loop_invalid(err, "region", "unknown region");
	if (rc != 0)
		return loop_rc(rc);
	*region_id = reg.id;
	if (police_rank(in->consent.police) < 0)
		return loop_invalid(err, "consent.police",
		    "police sharing must be none, anonymous or full");
	if (in->source != NULL && *in->source != '\0') {
		if (!source_valid(in->source))
			return loop_invalid(err, "source", "unknown source");
		if (!loop_is_staff(who) && strcmp(in->source, "web") != 0 &&
		    strcmp(in->source, "sms") != 0)
			return loop_invalid(err, "source",
			    "only staff enter reports from other sources");
	}
	if (in->vehicle.plate != NULL && *in->vehicle.plate != '\0') {
		char norm[IDENT_NORM_MAX];
		const char *why;
		int partial;

		if (ident_normalize(IDENT_PLATE, in->vehicle.plate,
		    app->cfg.default_country, 1, norm, &partial, &why) == -1)
			return loop_invalid(err, "vehicle.plate", why);
	}
	return 0;
}

/* Identifiers of the report: the list given plus a whole vehicle plate. */
static size_t
collect_idents(struct app *app, const struct report_in *in,
    struct ident_in *out)
{
	char norm[IDENT_NORM_MAX];
	const char *why;
	size_t n = in->nidents;
	int partial;

	memcpy(out, in->idents, n * sizeof(*out));
	if (in->vehicle.plate != NULL && *in->vehicle.plate != '\0' &&
	    n < LIMIT_LIST_ITEMS &&
	    ident_normalize(IDENT_PLATE, in->vehicle.plate,
	    app->cfg.default_country, 0, norm, &partial, &why) == 0) {
		out[n].kind = "plate";
		out[n].value = in->vehicle.plate;
		n++;
	}
	return n;
}

int
report_create(struct app *app, struct store *s, const struct auth *who,
    const struct report_in *in, int64_t *id, struct report_err *err)
{
	struct ident_in ids[LIMIT_LIST_ITEMS + 1];
	uint8_t hashes[LIMIT_LIST_ITEMS + 1][STORE_HASH_BYTES];
	struct buf area, details, narrative, contact, val;
	struct store_report r;
	struct store_ident si;
	struct arena a;
	char *dj = NULL, obj[64];
	int64_t *matches;
	size_t nids, nm, i, k;
	int rc, matched = 0;

	arena_init(&a);
	buf_init(&area, BUF_CAP_SMALL * 2);
	buf_init(&details, BUF_CAP_PAGE);
	buf_init(&narrative, BUF_CAP_PAGE);
	buf_init(&contact, BUF_CAP_SMALL * 2);
	buf_init(&val, BUF_CAP_SMALL);
	memset(&r, 0, sizeof(r));
	if ((rc = validate(app, s, &a, who, in, &r.types, &r.region_id,
	    err)) != 0)
		goto out;
	nids = collect_idents(app, in, ids);
	{
		char (*nv)[IDENT_NORM_MAX] = arena_alloc(&a,
		    sizeof(*nv) * (nids + 1));

		if ((rc = loop_idents(app, ids, in->nidents, "identifiers", nv,
		    err)) != 0)
			goto out;
		/* The vehicle plate, if added, was checked by validate(). */
		if (nids > in->nidents) {
			const char *why;
			int partial;

			(void)ident_normalize(IDENT_PLATE, in->vehicle.plate,
			    app->cfg.default_country, 0, nv[nids - 1],
			    &partial, &why);
		}
		for (i = 0; i < nids; i++)
			hash_ident(&app->keys, ids[i].kind, nv[i], hashes[i]);
	}

	r.id = random_id();
	r.org_id = who->org_id;
	loop_owner_tag(app, who->user_id, r.owner_tag);
	r.occurred_on = (char *)in->occurred_on;
	r.time_window = (char *)nz(in->time_window);
	r.status = in->hold ? "held" : "new";
	r.consent_alert = in->consent.alert != 0;
	r.consent_police = (char *)in->consent.police;
	r.consent_share = in->consent.share_orgs != 0;
	r.source = (char *)(in->source && *in->source ? in->source : "web");
	r.created_at = (int64_t)time(NULL);
	r.decision = "";
	if ((dj = details_json(in)) == NULL) {
		rc = REPORT_ERR;
		goto out;
	}
	if (seal_opt(app, "reports", "area", r.id, in->area, &area) == -1 ||
	    seal_opt(app, "reports", "details", r.id, dj, &details) == -1 ||
	    seal_opt(app, "reports", "narrative", r.id, in->narrative,
	    &narrative) == -1 ||
	    seal_opt(app, "reports", "contact", r.id, in->contact,
	    &contact) == -1) {
		rc = REPORT_ERR;
		goto out;
	}
	r.area_sealed = (uint8_t *)area.buf;
	r.area_sealed_len = area.len;
	r.details_sealed = (uint8_t *)details.buf;
	r.details_sealed_len = details.len;
	r.narrative_sealed = (uint8_t *)narrative.buf;
	r.narrative_sealed_len = narrative.len;
	r.contact_sealed = (uint8_t *)contact.buf;
	r.contact_sealed_len = contact.len;

	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	/* Threshold reveal: a report naming an identifier that an earlier
	 * report named surfaces both, held or not. */
	for (i = 0; i < nids; i++) {
		rc = store_report_ids_by_hash(s, &a, hashes[i], &matches, &nm);
		if (rc != 0)
			goto fail;
		for (k = 0; k < nm; k++) {
			struct store_report o;

			if ((rc = store_report_get(s, &a, matches[k], &o)) != 0)
				goto fail;
			/* Only another person's report lifts a hold: the
			 * same reporter twice is still one voice. */
			if (o.org_id != r.org_id || sodium_memcmp(o.owner_tag,
			    r.owner_tag, STORE_HASH_BYTES) == 0)
				continue;
			matched = 1;
			if (strcmp(o.status, "held") == 0 || !o.matched) {
				rc = store_report_set_status(s, o.id,
				    strcmp(o.status, "held") == 0 ? "new" :
				    o.status, 1, o.alert_id, o.decision);
				if (rc != 0)
					goto fail;
			}
		}
	}
	if (matched) {
		r.status = "new";
		r.matched = 1;
	}
	if ((rc = store_report_insert(s, &r)) != 0)
		goto fail;
	for (i = 0; i < nids; i++) {
		memset(&si, 0, sizeof(si));
		buf_reset(&val);
		si.owner_id = r.id;
		si.kind = (char *)ids[i].kind;
		si.seq = (int64_t)i;
		memcpy(si.hash, hashes[i], STORE_HASH_BYTES);
		if (seal_value(&app->keys, "report_idents", "value",
		    loop_ident_row(r.id, si.seq), ids[i].value,
		    strlen(ids[i].value), &val) == -1) {
			rc = STORE_ERR;
			goto fail;
		}
		si.value_sealed = (uint8_t *)val.buf;
		si.value_sealed_len = val.len;
		if ((rc = store_report_ident_insert(s, &si)) != 0)
			goto fail;
	}
	/* Counted now: the aggregates outlive the report's purge. */
	if ((rc = stats_count_report(s, r.types, r.occurred_on, in->region,
	    r.created_at)) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)r.id);
	if ((rc = audit_log(app, s, who->user_id, "report.create", obj,
	    matched ? "matched" : r.status)) != 0)
		goto fail;
	if ((rc = store_commit(s)) != 0) {
		rc = loop_store_fail(err, rc);
		goto out;
	}
	*id = r.id;
	goto out;
fail:
	store_rollback(s);
	rc = loop_store_fail(err, rc);
out:
	if (dj != NULL) {
		sodium_memzero(dj, strlen(dj));
		free(dj);
	}
	buf_release(&area);
	buf_release(&details);
	buf_release(&narrative);
	buf_release(&contact);
	buf_release(&val);
	arena_release(&a);
	return rc;
}

static int
is_owner(struct app *app, const struct auth *who, const struct store_report *r)
{
	uint8_t tag[STORE_HASH_BYTES];

	loop_owner_tag(app, who->user_id, tag);
	return sodium_memcmp(tag, r->owner_tag, STORE_HASH_BYTES) == 0;
}

/* May who see report r? Staff of its organisation, or its owner. A held
 * report waits for a second one naming the same person: until then only
 * its owner may read it, as the queue never shows it. */
static int
may_see(struct app *app, const struct auth *who, const struct store_report *r)
{
	if (strcmp(r->status, "held") == 0)
		return is_owner(app, who, r);
	if (loop_is_staff(who))
		return who->org_id == r->org_id;
	if (who->role != ROLE_MEMBER)
		return 0;
	return is_owner(app, who, r);
}

static const char *
region_code_of(struct store *s, struct arena *a, int64_t region_id)
{
	struct region *regs;
	size_t n, i;

	if (store_region_list(s, a, &regs, &n) != 0)
		return "";
	for (i = 0; i < n; i++)
		if (regs[i].id == region_id)
			return regs[i].code;
	return "";
}

int
report_get(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, int64_t id, struct report *out)
{
	struct store_report r;
	struct store_ident *si;
	const char *dj;
	char obj[64];
	size_t n, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = store_report_get(s, a, id, &r)) != 0)
		return loop_rc(rc);
	if (!may_see(app, who, &r))
		return REPORT_NOTFOUND;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)id);
	/* The read is recorded before anything is opened. */
	if ((rc = audit_log(app, s, who->user_id, "report.read", obj,
	    loop_is_staff(who) ? "staff" : "owner")) != 0)
		return loop_rc(rc);
	out->id = r.id;
	out->types = r.types;
	out->occurred_on = r.occurred_on;
	out->time_window = r.time_window;
	out->region = region_code_of(s, a, r.region_id);
	out->consent.alert = r.consent_alert;
	out->consent.police = r.consent_police;
	out->consent.share_orgs = r.consent_share;
	out->source = r.source;
	out->status = r.status;
	out->matched = r.matched;
	out->created_at = r.created_at;
	out->alert_id = r.alert_id;
	out->decision = r.decision;
	out->area = loop_unseal(app, a, "reports", "area", r.id, r.area_sealed,
	    r.area_sealed_len);
	out->narrative = loop_unseal(app, a, "reports", "narrative", r.id,
	    r.narrative_sealed, r.narrative_sealed_len);
	out->contact = loop_unseal(app, a, "reports", "contact", r.id,
	    r.contact_sealed, r.contact_sealed_len);
	dj = loop_unseal(app, a, "reports", "details", r.id, r.details_sealed,
	    r.details_sealed_len);
	if (out->area == NULL || out->narrative == NULL ||
	    out->contact == NULL || dj == NULL)
		return REPORT_ERR;
	details_parse(a, dj, strlen(dj), out);
	if ((rc = store_report_idents(s, a, r.id, &si, &n)) != 0)
		return loop_rc(rc);
	out->idents = arena_alloc(a, sizeof(*out->idents) * (n ? n : 1));
	for (i = 0; i < n; i++) {
		out->idents[i].kind = si[i].kind;
		out->idents[i].value = loop_unseal(app, a, "report_idents",
		    "value", loop_ident_row(r.id, si[i].seq),
		    si[i].value_sealed, si[i].value_sealed_len);
		if (out->idents[i].value == NULL)
			return REPORT_ERR;
	}
	out->nidents = n;
	return 0;
}

static void
to_line(struct store *s, struct arena *a, const struct store_report *r,
    struct report_line *l)
{
	l->id = r->id;
	l->types = r->types;
	l->region = region_code_of(s, a, r->region_id);
	l->status = r->status;
	l->matched = r->matched;
	l->created_at = r->created_at;
	l->consent.alert = r->consent_alert;
	l->consent.police = r->consent_police;
	l->consent.share_orgs = r->consent_share;
}

static int
urgent_first(const void *pa, const void *pb)
{
	const struct report_line *x = pa, *y = pb;
	int ux = (x->types & INC_RED) != 0, uy = (y->types & INC_RED) != 0;

	if (ux != uy)
		return uy - ux;
	if (x->matched != y->matched)
		return y->matched - x->matched;
	return x->created_at < y->created_at ? 1 :
	    x->created_at > y->created_at ? -1 : 0;
}

int
report_queue(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *status, struct report_line **out,
    size_t *n)
{
	struct store_report *rs;
	size_t i, nr;
	int rc;

	*out = NULL;
	*n = 0;
	if (!loop_is_staff(who))
		return REPORT_FORBIDDEN;
	if (status == NULL)
		status = "new";
	if (strcmp(status, "held") == 0)
		return REPORT_FORBIDDEN;
	if ((rc = store_report_list(s, a, who->org_id, status, &rs, &nr)) != 0)
		return loop_rc(rc);
	*out = arena_alloc(a, sizeof(**out) * (nr ? nr : 1));
	for (i = 0; i < nr; i++)
		to_line(s, a, &rs[i], &(*out)[i]);
	qsort(*out, nr, sizeof(**out), urgent_first);
	*n = nr;
	return 0;
}

int
report_mine(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, struct report_line **out, size_t *n)
{
	uint8_t tag[STORE_HASH_BYTES];
	struct store_report *rs;
	size_t i, nr;
	int rc;

	loop_owner_tag(app, who->user_id, tag);
	if ((rc = store_report_by_owner(s, a, tag, &rs, &nr)) != 0)
		return loop_rc(rc);
	*out = arena_alloc(a, sizeof(**out) * (nr ? nr : 1));
	for (i = 0; i < nr; i++)
		to_line(s, a, &rs[i], &(*out)[i]);
	*n = nr;
	return 0;
}

int
report_lower_consent(struct app *app, struct store *s, const struct auth *who,
    int64_t id, const struct consent *c, struct report_err *err)
{
	struct store_report r;
	struct arena a;
	char obj[64], detail[64];
	int rc;

	if (police_rank(c->police) < 0)
		return loop_invalid(err, "consent.police",
		    "police sharing must be none, anonymous or full");
	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = loop_rc(store_report_get(s, &a, id, &r))) != 0)
		goto fail;
	if (!is_owner(app, who, &r)) {
		rc = REPORT_NOTFOUND;
		goto fail;
	}
	if ((c->alert && !r.consent_alert) ||
	    police_rank(c->police) > police_rank(r.consent_police) ||
	    (c->share_orgs && !r.consent_share)) {
		loop_invalid(err, "consent", "consent can only be lowered");
		rc = REPORT_FORBIDDEN;
		goto fail;
	}
	if ((rc = loop_rc(store_report_set_consent(s, id, c->alert != 0,
	    c->police, c->share_orgs != 0))) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)id);
	snprintf(detail, sizeof(detail), "alert=%d police=%s share=%d",
	    c->alert != 0, c->police, c->share_orgs != 0);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "report.consent",
	    obj, detail))) != 0)
		goto fail;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
out:
	arena_release(&a);
	return rc;
}

static int
owner_change(struct app *app, struct store *s, const struct auth *who,
    int64_t id, int delete)
{
	struct store_report r;
	struct arena a;
	char obj[64];
	int rc;

	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = loop_rc(store_report_get(s, &a, id, &r))) != 0)
		goto fail;
	if (!is_owner(app, who, &r)) {
		rc = REPORT_NOTFOUND;
		goto fail;
	}
	if (delete)
		rc = store_report_delete(s, id);
	else if ((rc = store_report_wipe(s, id)) == 0)
		rc = store_report_set_status(s, id, "withdrawn", r.matched,
		    r.alert_id, r.decision);
	if ((rc = loop_rc(rc)) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "report:%lld", (long long)id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, delete ?
	    "report.delete" : "report.withdraw", obj, ""))) != 0)
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
report_withdraw(struct app *app, struct store *s, const struct auth *who,
    int64_t id)
{
	return owner_change(app, s, who, id, 0);
}

int
report_delete(struct app *app, struct store *s, const struct auth *who,
    int64_t id)
{
	return owner_change(app, s, who, id, 1);
}
