/*
 * export.c: an organisation's data as JSON (export.h).
 *
 * The document is streamed: the regions and alerts are small and built
 * whole, the reports are written one per line, each opened, written and
 * dropped before the next, so a large organisation exports in constant
 * memory per report.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/audit.h"
#include "core/export.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "util/log.h"
#include "util/banned.h"

#define EXPORT_FORMAT	"lookout-export"
#define EXPORT_VERSION	1

struct out {
	export_write_fn	 w;
	void		*arg;
	int		 failed;
};

static int
put(struct out *o, const char *data, size_t len)
{
	if (!o->failed && len > 0 && o->w(o->arg, data, len) != 0)
		o->failed = 1;
	return o->failed ? -1 : 0;
}

static int
put_str(struct out *o, const char *s)
{
	return put(o, s, strlen(s));
}

static int
dump_cb(const char *buffer, size_t size, void *data)
{
	return put(data, buffer, size);
}

/* Write v (which is consumed) compactly; -1 when v is NULL. */
static int
put_json(struct out *o, json_t *v)
{
	int rc;

	if (v == NULL) {
		o->failed = 1;
		return -1;
	}
	rc = json_dump_callback(v, dump_cb, o, JSON_COMPACT |
	    JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(v);
	if (rc != 0)
		o->failed = 1;
	return o->failed ? -1 : 0;
}

static json_t *
time_json(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return json_null();
	return json_string(s);
}

static json_t *
types_json(int64_t types)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < INC_COUNT && a != NULL; i++)
		if (types & ((int64_t)1 << i))
			json_array_append_new(a,
			    json_string(incident_names[i]));
	return a;
}

static const char *
code_of(const struct region *regs, size_t n, int64_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (regs[i].id == id)
			return regs[i].code;
	return "";
}

static json_t *
regions_json(const struct region *regs, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n && a != NULL; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}",
		    "code", regs[i].code, "name", regs[i].name,
		    "parent", regs[i].parent_id ? json_string(code_of(regs, n,
		    regs[i].parent_id)) : json_null()));
	return a;
}

/* Alert identifiers, added to the alerts of the map as the store walks
 * them. */
struct alert_walk {
	struct app	*app;
	json_t		*by_id;		/* "id" -> alert object */
	int		 failed;
};

static int
alert_ident(const struct store_ident *si, void *arg)
{
	struct alert_walk *aw = arg;
	const char *value;
	struct arena a;
	json_t *al;
	char key[32];

	snprintf(key, sizeof(key), "%lld", (long long)si->owner_id);
	if ((al = json_object_get(aw->by_id, key)) == NULL)
		return 0;	/* another organisation's */
	if (si->value_sealed == NULL)
		return 0;	/* only its hash was kept */
	arena_init(&a);
	value = loop_unseal(aw->app, &a, "alert_idents", "value",
	    loop_ident_row(si->owner_id, si->seq), si->value_sealed,
	    si->value_sealed_len);
	if (value == NULL) {
		aw->failed = 1;
		arena_release(&a);
		return -1;
	}
	json_array_append_new(json_object_get(al, "identifiers"),
	    json_pack("{s:s, s:s}", "kind", si->kind, "value", value));
	arena_release(&a);
	return 0;
}

static json_t *
alerts_json(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, int include_sealed, size_t *count)
{
	struct store_alert *al;
	struct alert_walk aw;
	json_t *list, *o;
	char **codes, key[32];
	size_t n, nc, i, k;

	*count = 0;
	if (store_alert_list(s, a, NULL, 0, SIZE_MAX, &al, &n) != 0)
		return NULL;
	list = json_array();
	memset(&aw, 0, sizeof(aw));
	aw.app = app;
	aw.by_id = json_object();
	for (i = 0; i < n; i++) {
		json_t *regions;

		if (al[i].org_id != who->org_id)
			continue;
		if (store_alert_regions(s, a, al[i].id, &codes, &nc) != 0)
			goto fail;
		regions = json_array();
		for (k = 0; k < nc; k++)
			json_array_append_new(regions, json_string(codes[k]));
		o = json_pack("{s:I, s:s, s:s, s:o, s:o, s:s, s:o}",
		    "id", (json_int_t)al[i].id,
		    "summary", al[i].summary, "severity", al[i].severity,
		    "types", types_json(al[i].types), "regions", regions,
		    "issued_on", al[i].issued_on,
		    "created_at", time_json(al[i].created_at));
		if (o == NULL)
			goto fail;
		if (include_sealed)
			json_object_set_new(o, "identifiers", json_array());
		snprintf(key, sizeof(key), "%lld", (long long)al[i].id);
		json_object_set(aw.by_id, key, o);
		json_array_append_new(list, o);
		(*count)++;
	}
	if (include_sealed && (store_alert_idents_each(s, alert_ident,
	    &aw) != 0 || aw.failed))
		goto fail;
	json_decref(aw.by_id);
	return list;
fail:
	json_decref(aw.by_id);
	json_decref(list);
	return NULL;
}

static json_t *
consent_json(const struct store_report *r)
{
	return json_pack("{s:b, s:s, s:b}", "alert", r->consent_alert != 0,
	    "police", r->consent_police != NULL ? r->consent_police : "none",
	    "share_orgs", r->consent_share != 0);
}

/* The sealed half of a report, opened into o. */
static int
report_sealed(struct app *app, struct store *s, struct arena *a,
    int64_t id, json_t *o)
{
	static const char *const parts[] = { "offender", "vehicle" };
	struct store_report r;
	struct store_ident *si;
	const char *area, *narrative, *contact, *details, *value;
	json_t *dj, *ids;
	size_t n, i;

	if (store_report_get(s, a, id, &r) != 0)
		return -1;
	area = loop_unseal(app, a, "reports", "area", r.id, r.area_sealed,
	    r.area_sealed_len);
	narrative = loop_unseal(app, a, "reports", "narrative", r.id,
	    r.narrative_sealed, r.narrative_sealed_len);
	contact = loop_unseal(app, a, "reports", "contact", r.id,
	    r.contact_sealed, r.contact_sealed_len);
	details = loop_unseal(app, a, "reports", "details", r.id,
	    r.details_sealed, r.details_sealed_len);
	if (area == NULL || narrative == NULL || contact == NULL ||
	    details == NULL)
		return -1;
	json_object_set_new(o, "area", json_string(area));
	json_object_set_new(o, "narrative", json_string(narrative));
	json_object_set_new(o, "contact", json_string(contact));
	/* Offender and vehicle are sealed together as one JSON object; a
	 * withdrawn report has none. */
	dj = *details != '\0' ? json_loads(details, 0, NULL) : NULL;
	for (i = 0; i < 2; i++) {
		json_t *part = json_object_get(dj, parts[i]);

		json_object_set_new(o, parts[i], json_is_object(part) ?
		    json_incref(part) : json_object());
	}
	json_decref(dj);
	if (store_report_idents(s, a, r.id, &si, &n) != 0)
		return -1;
	ids = json_array();
	for (i = 0; i < n; i++) {
		value = loop_unseal(app, a, "report_idents", "value",
		    loop_ident_row(r.id, si[i].seq), si[i].value_sealed,
		    si[i].value_sealed_len);
		if (value == NULL) {
			json_decref(ids);
			return -1;
		}
		json_array_append_new(ids, json_pack("{s:s, s:s}", "kind",
		    si[i].kind, "value", value));
	}
	json_object_set_new(o, "identifiers", ids);
	return 0;
}

static json_t *
report_json(const struct store_report *r, const struct region *regs,
    size_t nregs)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:o, "
	    "s:o, s:s}",
	    "id", (json_int_t)r->id,
	    "types", types_json(r->types),
	    "occurred_on", r->occurred_on ? r->occurred_on : "",
	    "time_window", r->time_window ? r->time_window : "",
	    "region", code_of(regs, nregs, r->region_id),
	    "status", r->status ? r->status : "",
	    "matched", r->matched != 0,
	    "consent", consent_json(r),
	    "source", r->source ? r->source : "",
	    "created_at", time_json(r->created_at),
	    "alert_id", r->alert_id ? json_integer(r->alert_id) : json_null(),
	    "decision", r->decision ? r->decision : "");
}

int
export_json(struct app *app, struct store *s, const struct auth *who,
    int include_sealed, export_write_fn w, void *arg,
    struct export_result *res)
{
	struct store_report *rs;
	struct region *regs;
	struct org org;
	struct arena a;
	struct out o = { w, arg, 0 };
	json_t *alerts = NULL, *head = NULL;
	size_t nregs, nr, i, count = 0;
	char obj[64], detail[96];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((who->role & ROLE_ADMIN) == 0)
		return REPORT_FORBIDDEN;
	arena_init(&a);
	if ((rc = loop_rc(store_org_get(s, &a, who->org_id, &org))) != 0 ||
	    (rc = loop_rc(store_region_list(s, &a, &regs, &nregs))) != 0 ||
	    (rc = loop_rc(store_report_list(s, &a, who->org_id, NULL, &rs,
	    &nr))) != 0)
		goto out;
	for (i = 0; i < nr; i++)
		if (strcmp(rs[i].status, "held") != 0)
			count++;
	/* Recorded before any sealed value is opened or anything leaves. */
	snprintf(obj, sizeof(obj), "org:%lld", (long long)who->org_id);
	snprintf(detail, sizeof(detail), "reports=%zu", count);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, include_sealed ?
	    "export.sealed" : "export", obj, detail))) != 0)
		goto out;
	rc = REPORT_ERR;
	if ((alerts = alerts_json(app, s, &a, who, include_sealed,
	    &res->alerts)) == NULL)
		goto out;
	head = json_pack("{s:s, s:i, s:o, s:b, s:{s:I, s:s}}",
	    "format", EXPORT_FORMAT, "version", EXPORT_VERSION,
	    "exported_at", time_json((int64_t)time(NULL)),
	    "include_sealed", include_sealed != 0,
	    "organisation", "id", (json_int_t)org.id, "name", org.name);
	if (head == NULL)
		goto out;
	/* The head's fields, then the lists, each under its key. */
	{
		const char *key;
		json_t *v;
		int first = 1;

		put_str(&o, "{");
		json_object_foreach(head, key, v) {
			if (!first)
				put_str(&o, ",");
			first = 0;
			put_json(&o, json_string(key));
			put_str(&o, ":");
			put_json(&o, json_incref(v));
		}
	}
	put_str(&o, ",\n\"regions\":");
	put_json(&o, regions_json(regs, nregs));
	put_str(&o, ",\n\"alerts\":");
	put_json(&o, alerts);
	alerts = NULL;
	put_str(&o, ",\n\"reports\":[");
	for (i = 0; i < nr && !o.failed; i++) {
		struct arena ra;
		json_t *r;

		if (strcmp(rs[i].status, "held") == 0)
			continue;
		arena_init(&ra);
		r = report_json(&rs[i], regs, nregs);
		if (r != NULL && include_sealed &&
		    report_sealed(app, s, &ra, rs[i].id, r) != 0) {
			log_error("export: report %lld cannot be opened; "
			    "export stopped", (long long)rs[i].id);
			json_decref(r);
			arena_release(&ra);
			goto out;
		}
		put_str(&o, res->reports ? ",\n" : "\n");
		put_json(&o, r);
		arena_release(&ra);
		res->reports++;
	}
	put_str(&o, "\n]}\n");
	res->regions = nregs;
	rc = o.failed ? REPORT_ERR : 0;
out:
	json_decref(alerts);
	json_decref(head);
	arena_release(&a);
	return rc;
}
