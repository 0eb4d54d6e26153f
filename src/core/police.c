/*
 * police.c: what a police liaison sees.
 *
 * Only reports of the liaison's organisation whose reporter chose police
 * sharing, each at the tier she chose, read at the moment of the request:
 * a consent lowered a second ago already applies. The anonymous tier is
 * the incident types, the date, the region and the alert's sanitised
 * summary and severity; the full tier adds the narrative and the contact.
 * Nothing else ever goes out: no area, no offender details, no
 * identifiers, no organisation, no reporter.
 *
 * Every view is audited (police.view) and counted for the transparency
 * report (police_views), and every full report opened is audited as a
 * read of sealed data (report.read). Each report shown is counted once
 * per quarter and tier as shared. The counting and the audit commit
 * before anything is unsealed, so no view goes unrecorded.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/help.h"
#include "core/loop_int.h"
#include "core/stats_int.h"
#include "store/store_help.h"
#include "util/banned.h"

int
police_reports(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, struct police_report **out, size_t *n)
{
	struct store_police_row *rows;
	struct police_report *p;
	char quarter[STATS_QUARTER_LEN], obj[64], detail[32];
	size_t nr = 0, i;
	int rc, added, full;

	*out = NULL;
	*n = 0;
	if (who->role != ROLE_LIAISON)
		return REPORT_FORBIDDEN;
	stats_quarter((int64_t)time(NULL), quarter);

	if ((rc = store_begin(s)) != 0)
		return loop_rc(rc);
	if ((rc = store_police_reports(s, a, who->org_id, &rows, &nr)) != 0)
		goto fail;
	for (i = 0; i < nr; i++) {
		full = strcmp(rows[i].tier, "full") == 0;
		if ((rc = store_police_share_add(s, rows[i].id, rows[i].tier,
		    quarter, &added)) != 0)
			goto fail;
		if (added && (rc = store_counter_add(s, "shared", quarter,
		    rows[i].tier, "", 1)) != 0)
			goto fail;
		if (!full)
			continue;
		snprintf(obj, sizeof(obj), "report:%lld",
		    (long long)rows[i].id);
		if ((rc = audit_log(app, s, who->user_id, "report.read", obj,
		    "police")) != 0)
			goto fail;
	}
	if ((rc = store_counter_add(s, "police_views", quarter, "", "",
	    1)) != 0)
		goto fail;
	snprintf(obj, sizeof(obj), "org:%lld", (long long)who->org_id);
	snprintf(detail, sizeof(detail), "count=%zu", nr);
	if ((rc = audit_log(app, s, who->user_id, "police.view", obj,
	    detail)) != 0)
		goto fail;
	if ((rc = store_commit(s)) != 0)
		return loop_rc(rc);

	p = arena_alloc(a, sizeof(*p) * (nr ? nr : 1));
	for (i = 0; i < nr; i++) {
		p[i].id = rows[i].id;
		p[i].tier = rows[i].tier;
		p[i].types = rows[i].types;
		p[i].occurred_on = rows[i].occurred_on;
		p[i].region = rows[i].region;
		p[i].alert_id = rows[i].alert_id;
		p[i].summary = rows[i].alert_id ? rows[i].summary : NULL;
		p[i].severity = rows[i].alert_id ? rows[i].severity : NULL;
		if (strcmp(rows[i].tier, "full") != 0)
			continue;
		p[i].narrative = loop_unseal(app, a, "reports", "narrative",
		    rows[i].id, rows[i].narrative_sealed,
		    rows[i].narrative_sealed_len);
		p[i].contact = loop_unseal(app, a, "reports", "contact",
		    rows[i].id, rows[i].contact_sealed,
		    rows[i].contact_sealed_len);
		if (p[i].narrative == NULL || p[i].contact == NULL)
			return REPORT_ERR;
	}
	*out = p;
	*n = nr;
	return 0;
fail:
	store_rollback(s);
	return loop_rc(rc);
}
