/*
 * stats.c: public statistics and the transparency report, read from the
 * aggregate counters only (never from reports, which the purge removes),
 * and the counting of a filed report.
 *
 * k-anonymity: any count below k (config k_anonymity), zero included, is
 * published as "<k". A missing row would publish a zero just as surely
 * as a "0" cell, so every table lists its whole domain: every incident
 * type, every outcome, every region, and every month (quarter) from the
 * first counted one to the current one, gaps included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/help.h"
#include "core/loop_int.h"
#include "core/report.h"
#include "core/stats_int.h"
#include "store/store_help.h"
#include "util/xalloc.h"
#include "util/banned.h"

void
stats_quarter(int64_t t, char out[STATS_QUARTER_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, STATS_QUARTER_LEN, "0000-Q1");
		return;
	}
	/* The modulos only tell the compiler the widths. */
	snprintf(out, STATS_QUARTER_LEN, "%04u-Q%u",
	    (unsigned)(tm.tm_year + 1900) % 10000u,
	    (unsigned)tm.tm_mon / 3u % 4u + 1u);
}

int
stats_count_report(struct store *s, int64_t types, const char *occurred_on,
    const char *region, int64_t created_at)
{
	char month[8], quarter[STATS_QUARTER_LEN];
	int i, rc;

	/* occurred_on was validated as YYYY-MM-DD. */
	snprintf(month, sizeof(month), "%.7s", occurred_on);
	if ((rc = store_counter_add(s, "reports", month, region, "", 1)) != 0)
		return rc;
	for (i = 0; i < INC_COUNT; i++) {
		if (!(types & ((int64_t)1 << i)))
			continue;
		rc = store_counter_add(s, "incidents", month, incident_names[i],
		    region, 1);
		if (rc != 0)
			return rc;
	}
	if (types & INC_POLICE_INCIDENT) {
		stats_quarter(created_at, quarter);
		rc = store_counter_add(s, "police_incidents", quarter, "", "",
		    1);
	}
	return rc;
}

/* What may be published of count. */
static const char *
shown(struct arena *a, int64_t count, int k)
{
	if (count < k)
		return arena_printf(a, "<%d", k);
	return arena_printf(a, "%lld", (long long)count);
}

/* A tally: counts summed by key, in first-seen order. */
struct tally {
	const char	**key;
	int64_t		 *n;
	size_t		  len, cap;
};

static void
tally_add(struct tally *t, const char *key, int64_t n)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->key[i], key) == 0) {
			t->n[i] += n;
			return;
		}
	if (t->len == t->cap) {
		t->cap = t->cap ? st_mult(t->cap, 2) : 16;
		t->key = xrealloc(t->key, st_mult(t->cap, sizeof(*t->key)));
		t->n = xrealloc(t->n, st_mult(t->cap, sizeof(*t->n)));
	}
	t->key[t->len] = key;
	t->n[t->len++] = n;
}

static int64_t
tally_get(const struct tally *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->len; i++)
		if (strcmp(t->key[i], key) == 0)
			return t->n[i];
	return 0;
}

static void
tally_release(struct tally *t)
{
	free(t->key);
	free(t->n);
	memset(t, 0, sizeof(*t));
}

/* Sum the counters of metric by k1 (col 1) or k2 (col 2) into t. */
static int
tally_metric(struct store *s, struct arena *a, const char *metric, int col,
    struct tally *t)
{
	struct store_counter *c;
	size_t n, i;
	int rc;

	if ((rc = store_counter_list(s, a, metric, &c, &n)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		tally_add(t, col == 1 ? c[i].k1 : c[i].k2, c[i].n);
	return 0;
}

/*
 * Periods: a month "2026-11" is 2026 * 12 + 10, a quarter "2026-Q4" is
 * 2026 * 4 + 3. -1 for a key that is neither (none is ever written).
 */
/* The n decimal digits at s, or -1. */
static long
digits(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static long
period_parse(const char *key, int quarters)
{
	long y, p;

	if (strlen(key) != 7 || key[4] != '-' || (y = digits(key, 4)) < 0)
		return -1;
	if (quarters) {
		if (key[5] != 'Q' || (p = digits(key + 6, 1)) < 1 || p > 4)
			return -1;
		return y * 4 + (p - 1);
	}
	if ((p = digits(key + 5, 2)) < 1 || p > 12)
		return -1;
	return y * 12 + (p - 1);
}

static char *
period_name(struct arena *a, long v, int quarters)
{
	if (quarters)
		return arena_printf(a, "%04ld-Q%ld", v / 4, v % 4 + 1);
	return arena_printf(a, "%04ld-%02ld", v / 12, v % 12 + 1);
}

static long
period_now(int quarters)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	return quarters ? (long)(tm.tm_year + 1900) * 4 + tm.tm_mon / 3 :
	    (long)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* The range of periods of the tallies' keys, extended to now; 0 when no
 * key is a period. */
static int
period_range(const struct tally *t, size_t nt, int quarters, long *first,
    long *last)
{
	long v;
	size_t i, j;
	int any = 0;

	for (j = 0; j < nt; j++)
		for (i = 0; i < t[j].len; i++) {
			if ((v = period_parse(t[j].key[i], quarters)) < 0)
				continue;
			if (!any || v < *first)
				*first = v;
			if (!any || v > *last)
				*last = v;
			any = 1;
		}
	if (any && period_now(quarters) > *last)
		*last = period_now(quarters);
	return any;
}

static void
cell(struct arena *a, struct stat_cell *c, const char *row, int64_t count,
    int k)
{
	c->row = row;
	c->col = "";
	c->count = count;
	c->shown = shown(a, count, k);
}

static int
by_code(const void *x, const void *y)
{
	const struct stat_cell *p = x, *q = y;

	return strcmp(p->row, q->row);
}

static int
stats_regions(struct store *s, struct arena *a, const struct tally *t,
    int k, struct stats *out)
{
	struct region *regs;
	size_t nregs, i, n = 0;
	int rc;

	if ((rc = store_region_list(s, a, &regs, &nregs)) != 0)
		return rc;
	out->by_region = arena_alloc(a, st_mult(st_add(nregs, t->len) + 1,
	    sizeof(*out->by_region)));
	for (i = 0; i < nregs; i++)
		cell(a, &out->by_region[n++], regs[i].code,
		    tally_get(t, regs[i].code), k);
	/* Regions are never removed, but a count must not vanish if one
	 * ever is. */
	for (i = 0; i < t->len; i++) {
		size_t j;

		for (j = 0; j < nregs; j++)
			if (strcmp(regs[j].code, t->key[i]) == 0)
				break;
		if (j == nregs)
			cell(a, &out->by_region[n++], t->key[i], t->n[i], k);
	}
	qsort(out->by_region, n, sizeof(*out->by_region), by_code);
	out->nregion = n;
	return 0;
}

int
stats_get(struct app *app, struct store *s, struct arena *a,
    struct stats *out)
{
	struct tally month = { 0 }, region = { 0 }, type = { 0 },
	    outcome = { 0 };
	long first = 0, last = -1, v;
	size_t i;
	int k = app->cfg.k_anonymity, rc;

	memset(out, 0, sizeof(*out));
	out->k = k;
	if ((rc = tally_metric(s, a, "reports", 1, &month)) != 0 ||
	    (rc = tally_metric(s, a, "reports", 2, &region)) != 0 ||
	    (rc = tally_metric(s, a, "incidents", 2, &type)) != 0 ||
	    (rc = tally_metric(s, a, "help_outcome", 2, &outcome)) != 0)
		goto out;

	if (!period_range(&month, 1, 0, &first, &last))
		last = first - 1;
	out->by_month = arena_alloc(a, st_mult((size_t)(last - first + 1) + 1,
	    sizeof(*out->by_month)));
	for (v = first; v <= last; v++) {
		const char *name = period_name(a, v, 0);

		cell(a, &out->by_month[out->nmonth++], name,
		    tally_get(&month, name), k);
	}

	out->by_type = arena_alloc(a, sizeof(*out->by_type) * INC_COUNT);
	for (i = 0; i < INC_COUNT; i++)
		cell(a, &out->by_type[i], incident_names[i],
		    tally_get(&type, incident_names[i]), k);
	out->ntype = INC_COUNT;

	out->by_outcome = arena_alloc(a, sizeof(*out->by_outcome) *
	    OUTCOME_COUNT);
	for (i = 0; i < OUTCOME_COUNT; i++)
		cell(a, &out->by_outcome[i], case_outcome_names[i],
		    tally_get(&outcome, case_outcome_names[i]), k);
	out->noutcome = OUTCOME_COUNT;

	rc = stats_regions(s, a, &region, k, out);
out:
	tally_release(&month);
	tally_release(&region);
	tally_release(&type);
	tally_release(&outcome);
	return loop_rc(rc);
}

int
transparency_get(struct app *app, struct store *s, struct arena *a,
    struct transparency_row **out, size_t *n, int *k)
{
	/* t[0] views, t[1] anonymous shares, t[2] full shares,
	 * t[3] police incidents, each by quarter. */
	struct tally t[4] = { { 0 } };
	struct store_counter *c;
	struct transparency_row *row;
	long first = 0, last = -1, v;
	size_t nc, i;
	int rc;

	*out = NULL;
	*n = 0;
	*k = app->cfg.k_anonymity;
	if ((rc = tally_metric(s, a, "police_views", 1, &t[0])) != 0)
		goto out;
	if ((rc = store_counter_list(s, a, "shared", &c, &nc)) != 0)
		goto out;
	for (i = 0; i < nc; i++) {
		if (strcmp(c[i].k2, "anonymous") == 0)
			tally_add(&t[1], c[i].k1, c[i].n);
		else if (strcmp(c[i].k2, "full") == 0)
			tally_add(&t[2], c[i].k1, c[i].n);
	}
	if ((rc = tally_metric(s, a, "police_incidents", 1, &t[3])) != 0)
		goto out;
	if (!period_range(t, 4, 1, &first, &last))
		goto out;
	*out = arena_alloc(a, st_mult((size_t)(last - first + 1),
	    sizeof(**out)));
	for (v = first; v <= last; v++) {
		row = &(*out)[(*n)++];
		row->quarter = period_name(a, v, 1);
		row->views = tally_get(&t[0], row->quarter);
		row->anonymous = tally_get(&t[1], row->quarter);
		row->full = tally_get(&t[2], row->quarter);
		row->police_incidents = tally_get(&t[3], row->quarter);
		row->views_shown = shown(a, row->views, *k);
		row->anonymous_shown = shown(a, row->anonymous, *k);
		row->full_shown = shown(a, row->full, *k);
		row->police_incidents_shown = shown(a, row->police_incidents,
		    *k);
	}
out:
	for (i = 0; i < 4; i++)
		tally_release(&t[i]);
	return loop_rc(rc);
}
