/*
 * stats_int.h: the aggregate counters the core writes as things happen,
 * for stats.c to publish. Not for use outside src/core/.
 *
 * Counters (store_help.h, migration 3) name no row and outlive the
 * purge. Besides the metrics listed in migration 3, filing a report adds
 * one to
 *   reports	month "2026-11", region code, ""
 * because "incidents" holds one count per incident type, and a report of
 * two types is still one incident in the by-month and by-region tables.
 */
#ifndef LOOKOUT_STATS_INT_H
#define LOOKOUT_STATS_INT_H

#include <stdint.h>

#include "store/store.h"

/* "2026-Q4": the UTC quarter of unix time t. */
#define STATS_QUARTER_LEN 8
void	stats_quarter(int64_t t, char out[STATS_QUARTER_LEN]);

/* Count a report being filed, inside the caller's transaction: reports
 * and incidents (per type) under the month of occurred_on, and, for a
 * police_incident, police_incidents under the quarter of created_at.
 * Returns a store_rc. */
int	stats_count_report(struct store *s, int64_t types,
	    const char *occurred_on, const char *region, int64_t created_at);

#endif
