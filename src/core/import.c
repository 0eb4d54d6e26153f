/*
 * import.c: CSV rows into reports and alerts (import.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/import.h"
#include "core/report.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/banned.h"

enum col {
	C_OCCURRED_ON, C_REGION, C_TYPES, C_TIME_WINDOW, C_AREA, C_PHONE,
	C_EMAIL, C_PLATE, C_HANDLE, C_VEHICLE, C_OFFENDER, C_NARRATIVE,
	C_SUMMARY, C_COUNT
};

const char *const import_columns[] = {
	"occurred_on", "region", "types", "time_window", "area", "phone",
	"email", "plate", "handle", "vehicle", "offender", "narrative",
	"summary", NULL,
};

/* Free text that may run over several lines. */
static const int multiline[C_COUNT] = {
	[C_AREA] = 1, [C_VEHICLE] = 1, [C_OFFENDER] = 1, [C_NARRATIVE] = 1,
	[C_SUMMARY] = 1,
};

/* The identifier columns, in the order their values are numbered. */
static const enum col ident_cols[] = { C_PHONE, C_EMAIL, C_PLATE, C_HANDLE };

struct hdr {
	size_t	 nfields;
	int	 col[LIMIT_CSV_COLUMNS];	/* field -> enum col */
	int	 field[C_COUNT];		/* enum col -> field, or -1 */
};

enum row_rc { ROW_OK, ROW_BLANK, ROW_SKIP, ROW_STOP };

/* One row on its way to a report. Everything lives in a, which is wiped
 * after the row. */
struct row {
	struct arena	 a;
	struct report_in in;
	struct alert_in	 al;
	int		 alert;
	/* Where identifier i came from, for messages. */
	enum col	 icol[LIMIT_LIST_ITEMS];
	size_t		 ipos[LIMIT_LIST_ITEMS];
	size_t		 icount[C_COUNT];
	char		 msg[256];
};

static int
why(struct row *r, enum row_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
why(struct row *r, enum row_rc rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return rc;
}

static const char *
cell(const struct hdr *h, const struct csv *c, enum col k)
{
	return h->field[k] >= 0 ? c->field[h->field[k]] : "";
}

static int
blank(int ch)
{
	return ch == ' ' || ch == '\t';
}

/* A copy of s[0..len) without surrounding blanks, ASCII lower-cased when
 * lower is set. */
static char *
trimmed(struct arena *a, const char *s, size_t len, int lower)
{
	char *out;
	size_t i;

	while (len > 0 && blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && blank(s[len - 1]))
		len--;
	out = arena_strndup(a, s, len);
	if (lower)
		for (i = 0; out[i] != '\0'; i++)
			if (out[i] >= 'A' && out[i] <= 'Z')
				out[i] = (char)(out[i] - 'A' + 'a');
	return out;
}

/* The ';'-separated values of s, trimmed, empty ones dropped. -1 when
 * there are more than max. */
static int
split(struct arena *a, const char *s, int lower, const char **out,
    size_t max, size_t *n)
{
	const char *p = s, *semi;
	size_t len;
	char *v;

	*n = 0;
	for (;;) {
		semi = strchr(p, ';');
		len = semi != NULL ? (size_t)(semi - p) : strlen(p);
		v = trimmed(a, p, len, lower);
		if (*v != '\0') {
			if (*n == max)
				return -1;
			out[(*n)++] = v;
		}
		if (semi == NULL)
			return 0;
		p = semi + 1;
	}
}

static int
types_in(struct row *r, const char *s)
{
	size_t i, k;

	if (split(&r->a, s, 1, r->in.types, LIMIT_LIST_ITEMS,
	    &r->in.ntypes) == -1)
		return why(r, ROW_SKIP, "types: more than %d kinds",
		    LIMIT_LIST_ITEMS);
	for (i = 0; i < r->in.ntypes; i++) {
		if (incident_parse(r->in.types[i]) != 0)
			continue;
		/* Named by position, as a cell may hold anything. */
		if (r->in.ntypes > 1)
			why(r, ROW_SKIP, "types, value %zu: unknown kind of "
			    "incident (expected:", i + 1);
		else
			why(r, ROW_SKIP, "types: unknown kind of incident "
			    "(expected:");
		for (k = 0; k < INC_COUNT; k++) {
			size_t used = strlen(r->msg);

			snprintf(r->msg + used, sizeof(r->msg) - used, "%s %s",
			    k ? "," : "", incident_names[k]);
		}
		k = strlen(r->msg);
		snprintf(r->msg + k, sizeof(r->msg) - k, ")");
		return ROW_SKIP;
	}
	return ROW_OK;
}

static int
idents_in(struct app *app, struct row *r, const struct hdr *h,
    const struct csv *c)
{
	const char *vals[LIMIT_LIST_ITEMS + 1];
	char norm[IDENT_NORM_MAX];
	const char *reason;
	size_t i, k, n;
	int partial;

	for (i = 0; i < sizeof(ident_cols) / sizeof(ident_cols[0]); i++) {
		enum col col = ident_cols[i];

		if (split(&r->a, cell(h, c, col), 0, vals, LIMIT_LIST_ITEMS,
		    &n) == -1)
			return why(r, ROW_SKIP, "%s: more than %d values",
			    import_columns[col], LIMIT_LIST_ITEMS);
		r->icount[col] = n;
		for (k = 0; k < n; k++) {
			if (strlen(vals[k]) > LIMIT_IDENT_BYTES)
				return why(r, ROW_SKIP, "%s: a value is longer "
				    "than %d bytes", import_columns[col],
				    LIMIT_IDENT_BYTES);
			/* Reports take only whole identifiers; a partial
			 * plate is what the vehicle plate is for. */
			if (col == C_PLATE && ident_normalize(IDENT_PLATE,
			    vals[k], app->cfg.default_country, 1, norm,
			    &partial, &reason) == 0 && partial) {
				if (r->in.vehicle.plate != NULL)
					return why(r, ROW_SKIP, "plate: at "
					    "most one partial plate per row "
					    "(put the others in the "
					    "narrative)");
				r->in.vehicle.plate = vals[k];
				continue;
			}
			if (r->in.nidents == LIMIT_LIST_ITEMS)
				return why(r, ROW_SKIP, "more than %d phones, "
				    "emails, plates and handles in the row",
				    LIMIT_LIST_ITEMS);
			r->icol[r->in.nidents] = col;
			r->ipos[r->in.nidents] = k + 1;
			r->in.idents[r->in.nidents].kind = import_columns[col];
			r->in.idents[r->in.nidents].value = vals[k];
			r->in.nidents++;
		}
	}
	return ROW_OK;
}

/* "Offender: ...", "Vehicle: ..." and the narrative, as one text. */
static int
narrative_in(struct row *r, const struct hdr *h, const struct csv *c)
{
	const char *off = trimmed(&r->a, cell(h, c, C_OFFENDER),
	    strlen(cell(h, c, C_OFFENDER)), 0);
	const char *veh = trimmed(&r->a, cell(h, c, C_VEHICLE),
	    strlen(cell(h, c, C_VEHICLE)), 0);
	const char *nar = cell(h, c, C_NARRATIVE);
	char *text;

	if (*off == '\0' && *veh == '\0') {
		r->in.narrative = nar;
		return ROW_OK;
	}
	text = arena_printf(&r->a, "%s%s%s%s%s%s%s",
	    *off ? "Offender: " : "", off, *off ? "\n" : "",
	    *veh ? "Vehicle: " : "", veh, *veh ? "\n" : "",
	    *nar ? "\n" : "");
	if (strlen(text) + strlen(nar) > LIMIT_NARRATIVE_BYTES)
		return why(r, ROW_SKIP, "narrative: with the offender and "
		    "vehicle text it is longer than %d bytes",
		    LIMIT_NARRATIVE_BYTES);
	r->in.narrative = arena_printf(&r->a, "%s%s", text, nar);
	return ROW_OK;
}

/* The column a core error names, and the message. */
static void
core_why(struct row *r, const struct report_err *err)
{
	const char *field = err->field != NULL ? err->field : "";
	const char *msg = err->msg != NULL ? err->msg :
	    "the report could not be filed";
	char prefix[48];
	size_t i;

	for (i = 0; i < r->in.nidents; i++) {
		snprintf(prefix, sizeof(prefix), "identifiers[%zu].", i);
		if (strncmp(field, prefix, strlen(prefix)) != 0)
			continue;
		if (r->icount[r->icol[i]] > 1)
			why(r, ROW_SKIP, "%s, value %zu: %s",
			    import_columns[r->icol[i]], r->ipos[i], msg);
		else
			why(r, ROW_SKIP, "%s: %s", import_columns[r->icol[i]],
			    msg);
		return;
	}
	if (strcmp(field, "vehicle.plate") == 0)
		field = "plate";
	else if (strcmp(field, "regions") == 0)
		field = "region";
	if (*field != '\0')
		why(r, ROW_SKIP, "%s: %s", field, msg);
	else
		why(r, ROW_SKIP, "%s", msg);
}

static int
file_row(struct app *app, struct store *s, const struct auth *who,
    struct row *r, struct import_result *res)
{
	struct report_err err;
	int64_t id, alert_id;
	int rc;

	memset(&err, 0, sizeof(err));
	/* The report and its alert stand or fall together. */
	if (store_begin(s) != 0)
		return why(r, ROW_STOP, "the database is busy or failing");
	rc = report_create(app, s, who, &r->in, &id, &err);
	if (rc == 0 && r->alert) {
		r->al.regions[0] = r->in.region;
		r->al.nregions = 1;
		memcpy(r->al.idents, r->in.idents,
		    r->in.nidents * sizeof(r->in.idents[0]));
		r->al.nidents = r->in.nidents;
		/* An old list is history, not news: its alerts are for
		 * screening, the feed and the sheet, and no subscriber is
		 * sent a message for each of its rows. */
		r->al.quiet = 1;
		rc = report_publish(app, s, who, id, &r->al, &alert_id, &err);
	}
	if (rc != 0) {
		store_rollback(s);
		if (rc == REPORT_ERR || rc == REPORT_UNAVAILABLE)
			return why(r, ROW_STOP, "the database is busy or "
			    "failing");
		core_why(r, &err);
		return ROW_SKIP;
	}
	if (store_commit(s) != 0)
		return why(r, ROW_STOP, "the database is busy or failing");
	if (r->alert)
		res->alerts++;
	return ROW_OK;
}

static int
row_in(struct app *app, struct store *s, const struct auth *who,
    const struct hdr *h, const struct csv *c, const char *region,
    struct row *r, struct import_result *res)
{
	const char *v;
	size_t i;
	int rc, empty = 1;

	for (i = 0; i < c->nfields; i++)
		if (c->len[i] != 0)
			empty = 0;
	/* Spreadsheets end with blank lines and rows of bare commas. */
	if (empty)
		return ROW_BLANK;
	if (c->nfields != h->nfields)
		return why(r, ROW_SKIP, "the row has %zu fields and the header "
		    "%zu", c->nfields, h->nfields);
	for (i = 0; i < c->nfields; i++) {
		enum col k = (enum col)h->col[i];

		if (!text_valid(c->field[i], c->len[i], multiline[k]))
			return why(r, ROW_SKIP, "%s: holds a control "
			    "character%s", import_columns[k],
			    multiline[k] ? "" : " or a line break");
	}

	memset(&r->in, 0, sizeof(r->in));
	memset(&r->al, 0, sizeof(r->al));
	if ((rc = types_in(r, cell(h, c, C_TYPES))) != ROW_OK ||
	    (rc = idents_in(app, r, h, c)) != ROW_OK ||
	    (rc = narrative_in(r, h, c)) != ROW_OK)
		return rc;
	v = cell(h, c, C_OCCURRED_ON);
	r->in.occurred_on = trimmed(&r->a, v, strlen(v), 0);
	v = cell(h, c, C_TIME_WINDOW);
	r->in.time_window = trimmed(&r->a, v, strlen(v), 0);
	v = cell(h, c, C_REGION);
	r->in.region = trimmed(&r->a, v, strlen(v), 1);
	if (*r->in.region == '\0') {
		if (region == NULL)
			return why(r, ROW_SKIP, "region: give a region code "
			    "(or run the import with --region)");
		r->in.region = region;
	}
	r->in.area = cell(h, c, C_AREA);
	r->in.source = "paper";
	r->in.consent.police = "none";
	r->in.consent.share_orgs = 0;
	v = cell(h, c, C_SUMMARY);
	r->al.summary = trimmed(&r->a, v, strlen(v), 0);
	r->alert = *r->al.summary != '\0';
	r->in.consent.alert = r->alert;
	if (r->alert) {
		int64_t bits = 0;

		for (i = 0; i < r->in.ntypes; i++)
			bits |= incident_parse(r->in.types[i]);
		r->al.severity = (bits & INC_RED) ? "high" : "medium";
	}
	return file_row(app, s, who, r, res);
}

static int
name_like(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return i > 0 && i <= 32;
}

static int
header_in(struct csv *c, const char *region, struct hdr *h,
    struct import_result *res)
{
	struct arena a;
	size_t i, k, n;
	int rc = IMPORT_BAD_FILE;

	memset(h, 0, sizeof(*h));
	for (k = 0; k < C_COUNT; k++)
		h->field[k] = -1;
	switch (csv_next(c)) {
	case CSV_EOF:
		snprintf(res->err, sizeof(res->err), "the file is empty "
		    "(expected a header row naming the columns)");
		return IMPORT_BAD_FILE;
	case CSV_ERR:
		snprintf(res->err, sizeof(res->err), "%s", c->err);
		return IMPORT_BAD_FILE;
	case CSV_BAD:
		snprintf(res->err, sizeof(res->err), "the header row (line "
		    "%zu) is malformed: %s", c->err_line, c->err);
		return IMPORT_BAD_FILE;
	}
	arena_init(&a);
	h->nfields = c->nfields;
	for (i = 0; i < c->nfields; i++) {
		const char *name = trimmed(&a, c->field[i], c->len[i], 1);

		if (*name == '\0') {
			snprintf(res->err, sizeof(res->err), "column %zu of "
			    "the header has no name", i + 1);
			goto out;
		}
		for (k = 0; k < C_COUNT; k++)
			if (strcmp(name, import_columns[k]) == 0)
				break;
		if (k == C_COUNT) {
			/* Echo only what looks like a column name: a file
			 * without a header row has a report's cells here. */
			if (name_like(name))
				n = (size_t)snprintf(res->err, sizeof(res->err),
				    "unknown column '%s' (expected:", name);
			else
				n = (size_t)snprintf(res->err, sizeof(res->err),
				    "column %zu of the header is not a column "
				    "name (is the header row missing?) "
				    "(expected:", i + 1);
			for (k = 0; k < C_COUNT && n < sizeof(res->err); k++)
				n += (size_t)snprintf(res->err + n,
				    sizeof(res->err) - n, "%s %s",
				    k ? "," : "", import_columns[k]);
			if (n < sizeof(res->err))
				snprintf(res->err + n, sizeof(res->err) - n,
				    ")");
			goto out;
		}
		if (h->field[k] >= 0) {
			snprintf(res->err, sizeof(res->err), "column '%s' "
			    "appears twice in the header", import_columns[k]);
			goto out;
		}
		h->field[k] = (int)i;
		h->col[i] = (int)k;
		csv_set_limit(c, i, k == C_NARRATIVE ? LIMIT_NARRATIVE_BYTES :
		    LIMIT_TEXT_BYTES);
	}
	if (h->field[C_OCCURRED_ON] < 0 || h->field[C_TYPES] < 0) {
		snprintf(res->err, sizeof(res->err), "missing column '%s' "
		    "(every report needs it)", h->field[C_TYPES] < 0 ?
		    "types" : "occurred_on");
		goto out;
	}
	if (h->field[C_REGION] < 0 && region == NULL) {
		snprintf(res->err, sizeof(res->err), "missing column "
		    "'region' (or run the import with --region)");
		goto out;
	}
	rc = IMPORT_OK;
out:
	arena_release(&a);
	return rc;
}

int
import_csv(struct app *app, struct store *s, const struct auth *who,
    struct csv *c, const char *region, import_note_fn note, void *arg,
    struct import_result *res)
{
	struct row r;
	struct hdr h;
	char msg[384], detail[96];
	int rc;

	memset(res, 0, sizeof(*res));
	if ((who->role & ROLES_STAFF) == 0) {
		snprintf(res->err, sizeof(res->err), "only staff import "
		    "reports");
		return IMPORT_BAD_FILE;
	}
	if ((rc = header_in(c, region, &h, res)) != IMPORT_OK)
		return rc;
	for (;;) {
		rc = csv_next(c);
		if (rc == CSV_EOF)
			break;
		if (rc == CSV_ERR) {
			snprintf(res->err, sizeof(res->err), "%s", c->err);
			res->stop_line = c->err_line;
			rc = IMPORT_STOPPED;
			goto out;
		}
		if (rc == CSV_BAD) {
			size_t n = 0;

			if (c->err_field >= 0 && (size_t)c->err_field <
			    h.nfields)
				n = (size_t)snprintf(msg, sizeof(msg), "%s: ",
				    import_columns[h.col[c->err_field]]);
			if (c->err_line != c->rec_line)
				snprintf(msg + n, sizeof(msg) - n,
				    "%s (on line %zu)", c->err, c->err_line);
			else
				snprintf(msg + n, sizeof(msg) - n, "%s",
				    c->err);
			note(arg, c->rec_line, msg);
			res->skipped++;
			continue;
		}
		memset(&r, 0, sizeof(r));
		arena_init(&r.a);
		rc = row_in(app, s, who, &h, c, region, &r, res);
		arena_release(&r.a);
		if (rc == ROW_OK) {
			res->imported++;
		} else if (rc == ROW_SKIP) {
			note(arg, c->rec_line, r.msg);
			res->skipped++;
		} else if (rc == ROW_STOP) {
			snprintf(res->err, sizeof(res->err), "%s", r.msg);
			res->stop_line = c->rec_line;
			rc = IMPORT_STOPPED;
			goto out;
		}
	}
	rc = IMPORT_OK;
out:
	snprintf(detail, sizeof(detail), "imported=%zu skipped=%zu alerts=%zu",
	    res->imported, res->skipped, res->alerts);
	if (audit_log(app, s, who->user_id, "import", "", detail) != 0)
		log_warn("import: the summary was not written to the audit "
		    "log (each report was)");
	return rc;
}
