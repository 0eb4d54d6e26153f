/*
 * export.h: an organisation's data as one JSON document, for its
 * administrators: moving to another system, answering a person who asks
 * what is held about her, or keeping a record when the organisation
 * closes.
 *
 * The document holds the regions, the organisation's active alerts (with
 * their regions and types) and its reports with the fields that are not
 * sealed. With include_sealed it also holds what is sealed: each report's
 * area, narrative, contact, offender and vehicle and its identifiers' raw
 * values, and each alert's identifiers. Reports held until matched are
 * left out entirely: until a second report names the same person, only
 * the reporter may read one (report.h).
 *
 * The export is written to the audit log ("export", or "export.sealed"
 * when sealed data is in it, with the counts) before the first byte is
 * written out or the first sealed value is opened.
 *
 * The shape is in docs/export.md; keys may be added, never renamed.
 */
#ifndef LOOKOUT_EXPORT_H
#define LOOKOUT_EXPORT_H

#include <stddef.h>

#include "core/account.h"
#include "core/app.h"

struct export_result {
	size_t	 regions, alerts, reports;
};

/* Writes len bytes; returns 0, or -1 to stop the export. */
typedef int	(*export_write_fn)(void *arg, const char *data, size_t len);

/*
 * Export who's organisation through w. who must be an administrator
 * (REPORT_FORBIDDEN otherwise). Returns 0, or a negative enum report_rc;
 * REPORT_ERR also when w failed. On failure part of the document may
 * have been written: the caller discards it.
 */
int	export_json(struct app *app, struct store *s, const struct auth *who,
	    int include_sealed, export_write_fn w, void *arg,
	    struct export_result *res);

#endif
