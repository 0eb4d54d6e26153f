/*
 * help.c: help requests (public, no account) and case work by staff.
 *
 * A help request goes to the first organisation: there is one per
 * install today. Its reference is six characters from an alphabet
 * without look-alikes (no 0/O, 1/I/L), written "H-4KD9-QX"; only its
 * keyed hash is stored, so the database alone cannot tie a reference to
 * a request. Contact, safe times, code word, outcome detail and notes are
 * sealed for (table, column, row); the audit log names cases by id and
 * holds none of them. Nothing here notifies anyone: staff pull the queue.
 *
 * A phone or SMS contact is kept in its E.164 form, so staff can dial it
 * whatever script it was typed in; an email address is kept as typed
 * (normalising gmail addresses would change where a reply goes).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/help.h"
#include "core/help_int.h"
#include "core/loop_int.h"
#include "store/store_help.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/banned.h"

const char *const help_need_names[NEED_COUNT] = {
	"safety_planning", "leaving", "legal", "health", "housing",
	"immigration", "money", "other",
};

const char *const help_need_labels[NEED_COUNT] = {
	"Safety planning", "Leaving a situation", "Legal help",
	"Health care", "Housing", "Immigration", "Money", "Something else",
};

const char *const help_methods[4] = { "phone", "sms", "email", "dropin" };

const char *const case_outcome_names[OUTCOME_COUNT] = {
	"contacted", "safety_plan", "left", "referred", "police_report",
	"unreachable", "withdrawn",
};

const char *const case_outcome_labels[OUTCOME_COUNT] = {
	"Contacted", "Safety plan made", "Left the situation", "Referred",
	"Supported a police report", "Could not reach", "Withdrawn",
};

static const char ref_alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/* Tries at a reference nobody holds before giving up: with 31^6 of them,
 * a second try is already rare. */
#define REF_TRIES	8

int
help_priority(int danger_now, int under_18, int forced, int id_or_money_held)
{
	if (danger_now)
		return 1;
	if (under_18)
		return 2;
	if (forced || id_or_money_held)
		return 3;
	return 4;
}

int
help_ref_canon(const char *ref, char out[HELP_REF_CHARS + 1])
{
	char v[HELP_REF_CHARS + 2];
	size_t n = 0;

	if (ref == NULL)
		return -1;
	for (; *ref != '\0'; ref++) {
		int c = (unsigned char)*ref;

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		if (n == sizeof(v) - 1 || strchr(ref_alphabet, c) == NULL)
			return -1;
		v[n++] = (char)c;
	}
	v[n] = '\0';
	/* The "H" of "H-4KD9-QX" is a label, not part of the code. */
	if (n == HELP_REF_CHARS + 1 && v[0] == 'H') {
		memmove(v, v + 1, HELP_REF_CHARS + 1);
		n--;
	}
	if (n != HELP_REF_CHARS)
		return -1;
	memcpy(out, v, HELP_REF_CHARS + 1);
	return 0;
}

int
help_language_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-'))
			return 0;
	return n >= 2 && n <= 16;
}

static void
ref_hash(struct app *app, const char canonical[HELP_REF_CHARS + 1],
    uint8_t h[STORE_HASH_BYTES])
{
	char in[16];

	snprintf(in, sizeof(in), "help:%s", canonical);
	hash_keyed(app->keys.name, in, strlen(in), h);
}

static const char *
nz(const char *s)
{
	return s != NULL ? s : "";
}

static int
method_valid(const char *m)
{
	size_t i;

	for (i = 0; i < sizeof(help_methods) / sizeof(help_methods[0]); i++)
		if (strcmp(m, help_methods[i]) == 0)
			return 1;
	return 0;
}

static int
need_bit(const char *name)
{
	int i;

	for (i = 0; i < NEED_COUNT; i++)
		if (strcmp(name, help_need_names[i]) == 0)
			return 1 << i;
	return 0;
}

static int
outcome_valid(const char *o)
{
	int i;

	for (i = 0; i < OUTCOME_COUNT; i++)
		if (strcmp(o, case_outcome_names[i]) == 0)
			return 1;
	return 0;
}

/* Optional free text: at most LIMIT_TEXT_BYTES, without control
 * characters (newlines allowed when multiline). */
static int
text_ok(const char *s, int multiline)
{
	size_t n = strlen(s);

	return n <= LIMIT_TEXT_BYTES && text_valid(s, n, multiline);
}

/* v without leading and trailing blanks, into out (v is shorter). */
static void
trimmed(const char *v, char out[IDENT_NORM_MAX])
{
	size_t n;

	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	snprintf(out, IDENT_NORM_MAX, "%.*s", (int)n, v);
}

/* The contact to keep for method, from what was typed, into out. */
static int
contact_in(struct app *app, const char *method, const char *value,
    char out[IDENT_NORM_MAX], struct report_err *err)
{
	const char *why;
	int partial;

	if (strcmp(method, "dropin") == 0) {
		if (*value != '\0')
			return loop_invalid(err, "contact.value",
			    "a drop-in needs no phone number or address; "
			    "leave it empty");
		out[0] = '\0';
		return 0;
	}
	if (*value == '\0')
		return loop_invalid(err, "contact.value", strcmp(method,
		    "email") == 0 ? "give an email address" :
		    "give a phone number");
	if (strlen(value) >= IDENT_NORM_MAX)
		return loop_invalid(err, "contact.value", "this is too long");
	if (strcmp(method, "email") == 0) {
		if (ident_normalize(IDENT_EMAIL, value,
		    app->cfg.default_country, 0, out, &partial, &why) == -1)
			return loop_invalid(err, "contact.value", why);
		trimmed(value, out);
		return 0;
	}
	if (ident_normalize(IDENT_PHONE, value, app->cfg.default_country, 0,
	    out, &partial, &why) == -1)
		return loop_invalid(err, "contact.value", why);
	return 0;
}

static int
validate(struct app *app, const struct help_in *in, char contact[],
    int64_t *needs, struct report_err *err)
{
	size_t i;
	int bit, rc;

	if (in->method == NULL || !method_valid(in->method))
		return loop_invalid(err, "contact.method",
		    "choose phone, sms, email or dropin");
	if ((rc = contact_in(app, in->method, nz(in->contact), contact,
	    err)) != 0)
		return rc;
	if (!text_ok(nz(in->safe_times), 1))
		return loop_invalid(err, "safe_times",
		    "safe times must be text of at most 4096 bytes");
	if (!text_ok(nz(in->code_word), 0))
		return loop_invalid(err, "code_word",
		    "the code word must be one line of at most 4096 bytes");
	if (in->language != NULL && *in->language != '\0' &&
	    !help_language_valid(in->language))
		return loop_invalid(err, "language",
		    "give a language tag such as en, fr or zh-Hans");
	if (!text_ok(nz(in->message), 1))
		return loop_invalid(err, "message",
		    "a note must be text of at most 4096 bytes");
	*needs = 0;
	if (in->nneeds > NEED_COUNT)
		return loop_invalid(err, "needs", "too many needs");
	for (i = 0; i < in->nneeds; i++) {
		if ((bit = need_bit(nz(in->needs[i]))) == 0)
			return loop_invalid(err, "needs", "unknown need");
		*needs |= bit;
	}
	return 0;
}

/* Seal text (when non-empty) into b for (table, column, row). */
static int
seal_opt(struct app *app, const char *table, const char *column, int64_t row,
    const char *text, struct buf *b)
{
	if (text == NULL || *text == '\0')
		return 0;
	return seal_value(&app->keys, table, column, row, text, strlen(text),
	    b);
}

/* The requester's own words as the case's first note, by nobody (author
 * 0). A store return code. */
static int
first_note(struct app *app, struct store *s, int64_t case_id,
    const char *text)
{
	struct store_case_note note;
	struct buf b;
	int rc;

	memset(&note, 0, sizeof(note));
	buf_init(&b, BUF_CAP_SMALL * 2);
	if ((rc = store_case_note_next_id(s, &note.id)) != 0)
		goto out;
	note.case_id = case_id;
	note.created_at = (int64_t)time(NULL);
	if (seal_value(&app->keys, "case_notes", "note", note.id, text,
	    strlen(text), &b) == -1) {
		rc = STORE_ERR;
		goto out;
	}
	note.note_sealed = (uint8_t *)b.buf;
	note.note_sealed_len = b.len;
	rc = store_case_note_insert(s, &note);
out:
	buf_release(&b);
	return rc;
}

static void
case_object(char obj[32], int64_t id)
{
	snprintf(obj, 32, "case:%lld", (long long)id);
}

static void
this_month(char out[8])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 8, "%Y-%m", &tm);
}

/* Draw references until one is free; writes it, canonical, to c6. */
static int
fresh_ref(struct app *app, struct store *s, struct arena *a,
    char c6[HELP_REF_CHARS + 1], uint8_t h[STORE_HASH_BYTES])
{
	struct store_case other;
	int i, tries, rc;

	for (tries = 0; tries < REF_TRIES; tries++) {
		/* Uniform: a reference is the only key to a withdrawal. */
		for (i = 0; i < HELP_REF_CHARS; i++)
			c6[i] = ref_alphabet[randombytes_uniform(
			    sizeof(ref_alphabet) - 1)];
		c6[HELP_REF_CHARS] = '\0';
		ref_hash(app, c6, h);
		rc = store_case_by_ref(s, a, h, &other);
		if (rc == STORE_NOTFOUND)
			return 0;
		if (rc != 0)
			return rc;
	}
	log_error("help: no free reference after %d tries", REF_TRIES);
	return STORE_ERR;
}

int
help_create(struct app *app, struct store *s, const struct help_in *in,
    char ref[16], struct report_err *err)
{
	char contact[IDENT_NORM_MAX], c6[HELP_REF_CHARS + 1], obj[32],
	    detail[32];
	struct buf bc, bt, bw;
	struct store_case c;
	struct arena a;
	int rc;

	arena_init(&a);
	buf_init(&bc, BUF_CAP_SMALL);
	buf_init(&bt, BUF_CAP_SMALL * 2);
	buf_init(&bw, BUF_CAP_SMALL * 2);
	memset(&c, 0, sizeof(c));
	contact[0] = '\0';
	if ((rc = validate(app, in, contact, &c.needs, err)) != 0)
		goto out;
	c.id = random_id();
	c.kind = "help";
	c.method = (char *)in->method;
	c.language = (char *)nz(in->language);
	c.danger_now = in->danger_now != 0;
	c.forced = in->forced != 0;
	c.id_held = in->id_or_money_held != 0;
	c.under_18 = in->under_18 != 0;
	c.priority = help_priority(c.danger_now, c.under_18, c.forced,
	    c.id_held);
	c.status = "open";
	c.outcome = "";
	c.created_at = c.updated_at = (int64_t)time(NULL);
	if (seal_opt(app, "cases", "contact", c.id, contact, &bc) == -1 ||
	    seal_opt(app, "cases", "safe_times", c.id, in->safe_times,
	    &bt) == -1 ||
	    seal_opt(app, "cases", "code_word", c.id, in->code_word,
	    &bw) == -1) {
		rc = REPORT_ERR;
		goto out;
	}
	c.contact_sealed = (uint8_t *)bc.buf;
	c.contact_sealed_len = bc.len;
	c.safe_times_sealed = (uint8_t *)bt.buf;
	c.safe_times_sealed_len = bt.len;
	c.code_word_sealed = (uint8_t *)bw.buf;
	c.code_word_sealed_len = bw.len;

	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	/* Public requests go to the instance's own organisation. */
	if ((rc = org_ensure(app, s, "lookout", &c.org_id)) != 0) {
		rc = rc == ACCOUNT_UNAVAILABLE ? STORE_BUSY : STORE_ERR;
		goto fail;
	}
	if ((rc = fresh_ref(app, s, &a, c6, c.ref_hash)) != 0)
		goto fail;
	c.has_ref = 1;
	if ((rc = store_case_insert(s, &c)) != 0)
		goto fail;
	if (in->message != NULL && *in->message != '\0' &&
	    (rc = first_note(app, s, c.id, in->message)) != 0)
		goto fail;
	case_object(obj, c.id);
	snprintf(detail, sizeof(detail), "priority=%d", c.priority);
	if ((rc = audit_log(app, s, 0, "help.create", obj, detail)) != 0)
		goto fail;
	if ((rc = store_commit(s)) != 0) {
		rc = loop_store_fail(err, rc);
		goto out;
	}
	snprintf(ref, 16, "H-%.4s-%.2s", c6, c6 + 4);
	goto out;
fail:
	store_rollback(s);
	/* Nothing exists without an organisation: not the caller's fault. */
	rc = rc == STORE_NOTFOUND ? REPORT_ERR : loop_store_fail(err, rc);
out:
	sodium_memzero(contact, sizeof(contact));
	sodium_memzero(c6, sizeof(c6));
	buf_release(&bc);
	buf_release(&bt);
	buf_release(&bw);
	arena_release(&a);
	return rc;
}

/* The help request with this reference, into c. */
static int
by_ref(struct app *app, struct store *s, struct arena *a, const char *ref,
    struct store_case *c)
{
	uint8_t h[STORE_HASH_BYTES];
	char c6[HELP_REF_CHARS + 1];
	int rc;

	if (help_ref_canon(ref, c6) == -1)
		return REPORT_NOTFOUND;
	ref_hash(app, c6, h);
	if ((rc = store_case_by_ref(s, a, h, c)) != 0)
		return loop_rc(rc);
	if (strcmp(c->kind, "help") != 0)
		return REPORT_NOTFOUND;
	return 0;
}

int
help_status(struct app *app, struct store *s, struct arena *a,
    const char *ref, const char **status)
{
	struct store_case c;
	int rc;

	if ((rc = by_ref(app, s, a, ref, &c)) != 0)
		return rc;
	*status = c.status;
	return 0;
}

int
help_withdraw(struct app *app, struct store *s, const char *ref)
{
	struct store_case c;
	struct arena a;
	char obj[32], month[8];
	int64_t now = (int64_t)time(NULL);
	int rc;

	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = by_ref(app, s, &a, ref, &c)) != 0) {
		store_rollback(s);
		goto out;
	}
	/* Withdrawing twice changes nothing the second time. */
	if (strcmp(c.status, "withdrawn") == 0) {
		rc = loop_rc(store_commit(s));
		goto out;
	}
	if ((rc = store_case_wipe(s, c.id)) != 0)
		goto fail;
	/* A closed case keeps the outcome it was counted under. */
	if ((rc = store_case_set_status(s, c.id, "withdrawn",
	    strcmp(c.status, "closed") == 0 ? c.outcome : "withdrawn",
	    now)) != 0)
		goto fail;
	if (strcmp(c.status, "closed") != 0) {
		this_month(month);
		if ((rc = store_counter_add(s, "help_outcome", month,
		    "withdrawn", "", 1)) != 0)
			goto fail;
	}
	case_object(obj, c.id);
	if ((rc = audit_log(app, s, 0, "help.withdraw", obj, c.status)) != 0)
		goto fail;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
	rc = loop_rc(rc);
out:
	arena_release(&a);
	return rc;
}

/* Cases. */

static void
to_line(const struct store_case *c, struct case_line *l)
{
	l->id = c->id;
	l->priority = c->priority;
	l->status = c->status;
	l->kind = c->kind;
	l->created_at = c->created_at;
	l->assigned_to = c->assigned_to;
	l->needs = c->needs;
	l->language = c->language;
}

/* Load case id for who, a staff member of its organisation. */
static int
staff_case(struct store *s, struct arena *a, const struct auth *who,
    int64_t id, struct store_case *c)
{
	int rc;

	if (!loop_is_staff(who))
		return REPORT_FORBIDDEN;
	if ((rc = store_case_get(s, a, id, c)) != 0)
		return loop_rc(rc);
	if (c->org_id != who->org_id)
		return REPORT_NOTFOUND;
	return 0;
}

/* A case can still be worked: not closed (409), not withdrawn (410). */
static int
workable(const struct store_case *c)
{
	if (strcmp(c->status, "withdrawn") == 0)
		return REPORT_GONE;
	if (strcmp(c->status, "closed") == 0)
		return REPORT_CONFLICT;
	return 0;
}

int
case_queue(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *status, struct case_line **out,
    size_t *n)
{
	static const char *const statuses[] = { "open", "claimed", "closed",
	    "withdrawn" };
	struct store_case *cs;
	const char *want = STORE_CASES_ACTIVE;
	size_t i, nc;
	int rc;

	*out = NULL;
	*n = 0;
	if (!loop_is_staff(who))
		return REPORT_FORBIDDEN;
	if (status != NULL && *status != '\0') {
		if (strcmp(status, "all") == 0) {
			want = NULL;
		} else {
			for (i = 0; i < sizeof(statuses) / sizeof(*statuses);
			    i++)
				if (strcmp(status, statuses[i]) == 0)
					break;
			if (i == sizeof(statuses) / sizeof(*statuses))
				return REPORT_INVALID;
			want = statuses[i];
		}
	}
	if ((rc = store_case_list(s, a, who->org_id, want, &cs, &nc)) != 0)
		return loop_rc(rc);
	*out = arena_alloc(a, sizeof(**out) * (nc ? nc : 1));
	for (i = 0; i < nc; i++)
		to_line(&cs[i], &(*out)[i]);
	*n = nc;
	return 0;
}

int
case_get(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, int64_t id, struct case_view *out)
{
	struct store_case_note *notes;
	struct store_case c;
	char obj[32];
	size_t nn, i;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = staff_case(s, a, who, id, &c)) != 0)
		return rc;
	case_object(obj, id);
	/* The read is recorded before anything is opened. */
	if ((rc = audit_log(app, s, who->user_id, "case.read", obj, "")) != 0)
		return loop_rc(rc);
	to_line(&c, &out->line);
	out->method = c.method;
	out->danger_now = c.danger_now;
	out->forced = c.forced;
	out->id_or_money_held = c.id_held;
	out->under_18 = c.under_18;
	out->report_id = c.report_id;
	out->outcome = c.outcome;
	out->contact = loop_unseal(app, a, "cases", "contact", c.id,
	    c.contact_sealed, c.contact_sealed_len);
	out->safe_times = loop_unseal(app, a, "cases", "safe_times", c.id,
	    c.safe_times_sealed, c.safe_times_sealed_len);
	out->code_word = loop_unseal(app, a, "cases", "code_word", c.id,
	    c.code_word_sealed, c.code_word_sealed_len);
	out->outcome_detail = loop_unseal(app, a, "cases", "outcome_detail",
	    c.id, c.outcome_detail_sealed, c.outcome_detail_sealed_len);
	if (out->contact == NULL || out->safe_times == NULL ||
	    out->code_word == NULL || out->outcome_detail == NULL)
		return REPORT_ERR;
	if ((rc = store_case_notes(s, a, c.id, &notes, &nn)) != 0)
		return loop_rc(rc);
	out->notes = arena_alloc(a, sizeof(*out->notes) * (nn ? nn : 1));
	for (i = 0; i < nn; i++) {
		out->notes[i].author_id = notes[i].author_id;
		out->notes[i].created_at = notes[i].created_at;
		out->notes[i].text = loop_unseal(app, a, "case_notes", "note",
		    notes[i].id, notes[i].note_sealed,
		    notes[i].note_sealed_len);
		if (out->notes[i].text == NULL)
			return REPORT_ERR;
	}
	out->nnotes = nn;
	return 0;
}

/* May user_id have cases of org_id assigned? An active staff account of
 * that organisation. */
static int
assignee_ok(struct store *s, struct arena *a, int64_t org_id,
    int64_t user_id)
{
	struct user u;
	int rc;

	rc = store_user_get(s, a, user_id, &u);
	if (rc == STORE_NOTFOUND)
		return REPORT_INVALID;
	if (rc != 0)
		return loop_rc(rc);
	if (u.org_id != org_id || (role_parse(u.role) & ROLES_STAFF) == 0 ||
	    strcmp(u.status, "active") != 0)
		return REPORT_INVALID;
	return 0;
}

int
case_assign(struct app *app, struct store *s, const struct auth *who,
    int64_t id, int64_t user_id)
{
	struct store_case c;
	struct arena a;
	char obj[32], detail[32];
	int rc;

	if (user_id == 0)
		user_id = who->user_id;
	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = staff_case(s, &a, who, id, &c)) != 0 ||
	    (rc = workable(&c)) != 0)
		goto fail;
	if (user_id != who->user_id &&
	    (rc = assignee_ok(s, &a, c.org_id, user_id)) != 0)
		goto fail;
	if ((rc = loop_rc(store_case_assign(s, id, user_id,
	    (int64_t)time(NULL)))) != 0)
		goto fail;
	case_object(obj, id);
	snprintf(detail, sizeof(detail), "user:%lld", (long long)user_id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "case.assign", obj,
	    detail))) != 0)
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
case_note_add(struct app *app, struct store *s, const struct auth *who,
    int64_t id, const char *text, struct report_err *err)
{
	struct store_case_note note;
	struct store_case c;
	struct arena a;
	struct buf b;
	char obj[32];
	int rc;

	if (text == NULL || *text == '\0')
		return loop_invalid(err, "text", "write a note");
	if (!text_ok(text, 1))
		return loop_invalid(err, "text",
		    "a note must be text of at most 4096 bytes");
	arena_init(&a);
	buf_init(&b, BUF_CAP_SMALL * 2);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = staff_case(s, &a, who, id, &c)) != 0)
		goto fail;
	/* A closed case may still get notes (a follow-up); a withdrawn
	 * one keeps nothing about her. */
	if (strcmp(c.status, "withdrawn") == 0) {
		rc = REPORT_GONE;
		goto fail;
	}
	memset(&note, 0, sizeof(note));
	if ((rc = loop_rc(store_case_note_next_id(s, &note.id))) != 0)
		goto fail;
	note.case_id = id;
	note.author_id = who->user_id;
	note.created_at = (int64_t)time(NULL);
	if (seal_value(&app->keys, "case_notes", "note", note.id, text,
	    strlen(text), &b) == -1) {
		rc = REPORT_ERR;
		goto fail;
	}
	note.note_sealed = (uint8_t *)b.buf;
	note.note_sealed_len = b.len;
	if ((rc = loop_rc(store_case_note_insert(s, &note))) != 0)
		goto fail;
	case_object(obj, id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "case.note", obj,
	    ""))) != 0)
		goto fail;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
out:
	buf_release(&b);
	arena_release(&a);
	return rc;
}

int
case_close(struct app *app, struct store *s, const struct auth *who,
    int64_t id, const char *outcome, const char *detail,
    struct report_err *err)
{
	struct store_case c;
	struct arena a;
	struct buf b;
	char obj[32], month[8];
	int rc;

	if (outcome == NULL || !outcome_valid(outcome))
		return loop_invalid(err, "outcome", "choose an outcome");
	if (strcmp(outcome, "referred") == 0 && nz(detail)[0] == '\0')
		return loop_invalid(err, "detail",
		    "say who she was referred to");
	if (!text_ok(nz(detail), 1))
		return loop_invalid(err, "detail",
		    "the detail must be text of at most 4096 bytes");
	arena_init(&a);
	buf_init(&b, BUF_CAP_SMALL * 2);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = staff_case(s, &a, who, id, &c)) != 0 ||
	    (rc = workable(&c)) != 0)
		goto fail;
	if (seal_opt(app, "cases", "outcome_detail", id, detail, &b) == -1) {
		rc = REPORT_ERR;
		goto fail;
	}
	if ((rc = loop_rc(store_case_close(s, id, outcome, (uint8_t *)b.buf,
	    b.len, (int64_t)time(NULL)))) != 0)
		goto fail;
	this_month(month);
	if ((rc = loop_rc(store_counter_add(s, "help_outcome", month, outcome,
	    "", 1))) != 0)
		goto fail;
	case_object(obj, id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "case.close", obj,
	    outcome))) != 0)
		goto fail;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
out:
	buf_release(&b);
	arena_release(&a);
	return rc;
}

/* The method a report's free-text contact implies, and the value to
 * keep (E.164 for a phone, else the text as given) in out. */
static const char *
report_method(struct app *app, const char *text, char out[IDENT_NORM_MAX])
{
	const char *why;
	int partial;

	if (strlen(text) < IDENT_NORM_MAX) {
		if (ident_normalize(IDENT_PHONE, text,
		    app->cfg.default_country, 0, out, &partial, &why) == 0)
			return "phone";
		if (ident_normalize(IDENT_EMAIL, text,
		    app->cfg.default_country, 0, out, &partial, &why) == 0) {
			trimmed(text, out);
			return "email";
		}
	}
	out[0] = '\0';
	return "dropin";
}

int
case_from_report(struct app *app, struct store *s, const struct auth *who,
    int64_t report_id, int64_t *case_id)
{
	char norm[IDENT_NORM_MAX], obj[32], detail[40];
	struct store_report r;
	struct store_case c;
	const char *text = NULL, *keep;
	struct arena a;
	struct buf b;
	int64_t other;
	int rc;

	if (!loop_is_staff(who))
		return REPORT_FORBIDDEN;
	arena_init(&a);
	buf_init(&b, BUF_CAP_SMALL * 2);
	norm[0] = '\0';
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = loop_rc(store_report_get(s, &a, report_id, &r))) != 0)
		goto fail;
	/* A held report is its owner's alone until it is matched. */
	if (r.org_id != who->org_id || strcmp(r.status, "held") == 0) {
		rc = REPORT_NOTFOUND;
		goto fail;
	}
	if (strcmp(r.status, "withdrawn") == 0) {
		rc = REPORT_GONE;
		goto fail;
	}
	if (r.contact_sealed == NULL || r.contact_sealed_len == 0) {
		rc = REPORT_CONFLICT;
		goto fail;
	}
	rc = store_case_by_report(s, report_id, &other);
	if (rc == 0) {
		rc = REPORT_CONFLICT;
		goto fail;
	}
	if (rc != STORE_NOTFOUND) {
		rc = loop_rc(rc);
		goto fail;
	}
	text = loop_unseal(app, &a, "reports", "contact", r.id,
	    r.contact_sealed, r.contact_sealed_len);
	if (text == NULL) {
		rc = REPORT_ERR;
		goto fail;
	}
	memset(&c, 0, sizeof(c));
	c.id = random_id();
	c.org_id = r.org_id;
	c.kind = "report";
	c.report_id = r.id;
	c.method = (char *)report_method(app, text, norm);
	keep = norm[0] != '\0' ? norm : text;
	c.language = "";
	c.priority = help_priority(0, 0, 0, 0);
	c.status = "open";
	c.outcome = "";
	c.created_at = c.updated_at = (int64_t)time(NULL);
	if (seal_value(&app->keys, "cases", "contact", c.id, keep,
	    strlen(keep), &b) == -1) {
		rc = REPORT_ERR;
		goto fail;
	}
	c.contact_sealed = (uint8_t *)b.buf;
	c.contact_sealed_len = b.len;
	if ((rc = loop_rc(store_case_insert(s, &c))) != 0)
		goto fail;
	case_object(obj, c.id);
	snprintf(detail, sizeof(detail), "report:%lld", (long long)r.id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "case.create", obj,
	    detail))) != 0)
		goto fail;
	if ((rc = loop_rc(store_commit(s))) != 0)
		goto out;
	*case_id = c.id;
	goto out;
fail:
	store_rollback(s);
out:
	sodium_memzero(norm, sizeof(norm));
	buf_release(&b);
	arena_release(&a);	/* wipes the unsealed contact */
	return rc;
}
