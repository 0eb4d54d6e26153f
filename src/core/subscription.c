/*
 * subscription.c: a member's delivery choices (subscription.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/loop_int.h"
#include "core/subscription.h"
#include "store/store_notify.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/banned.h"

/* Domain-separated from the identifiers of reports and alerts, so that a
 * member's own address never hashes like an offender's. */
#define HASH_KIND_EMAIL	"subscriber-email"
#define HASH_KIND_SMS	"subscriber-sms"

static int
has_line_break(const char *s)
{
	return strpbrk(s, "\r\n") != NULL;
}

int
subscription_email_valid(const char *email, char norm[IDENT_NORM_MAX],
    const char **why)
{
	const unsigned char *p;
	int partial;

	if (has_line_break(email)) {
		*why = "an email address cannot hold a line break";
		return -1;
	}
	for (p = (const unsigned char *)email; *p != '\0'; p++) {
		if (*p >= 0x80) {
			*why = "use an email address in plain Latin letters, "
			    "digits and dots";
			return -1;
		}
	}
	return ident_normalize(IDENT_EMAIL, email, "", 0, norm, &partial, why);
}

int
subscription_sms_valid(const char *country, const char *sms,
    char norm[IDENT_NORM_MAX], const char **why)
{
	int partial;

	if (has_line_break(sms)) {
		*why = "a phone number cannot hold a line break";
		return -1;
	}
	return ident_normalize(IDENT_PHONE, sms, country, 0, norm, &partial,
	    why);
}

/* One of langs[]: lang's, or English. */
static const char *
known_lang(const char *lang)
{
	const char *m = NULL;

	if (lang != NULL)
		m = lang_match(lang, strlen(lang));
	return m != NULL ? m : langs[0];
}

/* The address as she typed it, without the blanks around it: what mail
 * is sent to (the normalised form drops a Gmail +tag she may rely on). */
static const char *
trimmed(struct arena *a, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

static int
seal_to(struct app *app, struct arena *a, const char *column, int64_t row,
    const char *v, uint8_t **out, size_t *outlen)
{
	struct buf b;
	int rc = 0;

	buf_init(&b, BUF_CAP_SMALL);
	if (seal_value(&app->keys, "subscriptions", column, row, v, strlen(v),
	    &b) == -1) {
		rc = REPORT_ERR;
	} else {
		*out = arena_memdup(a, b.buf, b.len);
		*outlen = b.len;
	}
	buf_release(&b);
	return rc;
}

/* One contact's change into sub: NULL keeps it, "" clears it. Sets
 * *changed when queued messages to the old contact must go. */
static int
apply_contact(struct app *app, struct arena *a, int64_t user_id,
    const char *column, const char *kind, const char *value,
    const char *norm, uint8_t **sealed, size_t *sealed_len, int *has_hash,
    uint8_t hash[STORE_HASH_BYTES], int *changed)
{
	uint8_t h[STORE_HASH_BYTES];

	*changed = 0;
	if (value == NULL)
		return 0;
	if (*value == '\0') {
		*changed = *sealed != NULL;
		*sealed = NULL;
		*sealed_len = 0;
		*has_hash = 0;
		memset(hash, 0, STORE_HASH_BYTES);
		return 0;
	}
	hash_ident(&app->keys, kind, norm, h);
	*changed = *has_hash && sodium_memcmp(h, hash, STORE_HASH_BYTES) != 0;
	memcpy(hash, h, STORE_HASH_BYTES);
	*has_hash = 1;
	return seal_to(app, a, column, user_id, value, sealed, sealed_len);
}

int
subscription_set(struct app *app, struct store *s, const struct auth *who,
    const struct subscription_in *in, const char *default_lang,
    struct report_err *err)
{
	char enorm[IDENT_NORM_MAX], snorm[IDENT_NORM_MAX];
	char tok[TOKEN_CHARS + 1], obj[64], detail[64];
	int64_t ids[LIMIT_LIST_ITEMS];
	struct store_subscription sub;
	const char *why, *lang = NULL, *email = NULL, *sms = in->sms;
	struct region reg;
	struct arena a;
	size_t i;
	int rc, echanged = 0, schanged = 0, began = 0;

	if (who->role != ROLE_MEMBER || who->user_id <= 0)
		return REPORT_FORBIDDEN;
	if (in->nregions > LIMIT_LIST_ITEMS)
		return loop_invalid(err, "regions", "too many regions");
	arena_init(&a);
	tok[0] = '\0';
	if (in->email != NULL && *in->email != '\0') {
		if (subscription_email_valid(in->email, enorm, &why) == -1) {
			rc = loop_invalid(err, "email", why);
			goto out;
		}
		email = trimmed(&a, in->email);
	} else {
		email = in->email;
	}
	if (sms != NULL && *sms != '\0') {
		if (subscription_sms_valid(app->cfg.default_country, sms, snorm,
		    &why) == -1) {
			rc = loop_invalid(err, "sms", why);
			goto out;
		}
		/* Messages go to the E.164 form, which gateways want. */
		sms = snorm;
	}
	if (in->lang != NULL && *in->lang != '\0' &&
	    (lang = lang_match(in->lang, strlen(in->lang))) == NULL) {
		rc = loop_invalid(err, "lang", "lang must be en, fr or zh-Hans");
		goto out;
	}

	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	began = 1;
	for (i = 0; i < in->nregions; i++) {
		rc = store_region_by_code(s, &a, in->regions[i], &reg);
		if (rc == STORE_NOTFOUND) {
			rc = loop_invalid(err, "regions", "unknown region");
			goto out;
		}
		if ((rc = loop_rc(rc)) != 0)
			goto out;
		ids[i] = reg.id;
	}
	if ((rc = loop_rc(store_user_regions_set(s, who->user_id, ids,
	    in->nregions))) != 0)
		goto out;

	rc = store_subscription_get(s, &a, who->user_id, &sub);
	if (rc == STORE_NOTFOUND) {
		uint8_t *ts;
		size_t tslen;

		memset(&sub, 0, sizeof(sub));
		sub.user_id = who->user_id;
		sub.created_at = (int64_t)time(NULL);
		sub.lang = (char *)known_lang(default_lang);
		token_new(tok);
		token_hash(tok, sub.unsub_hash);
		if ((rc = seal_to(app, &a, "unsub", who->user_id, tok, &ts,
		    &tslen)) != 0)
			goto out;
		sub.unsub_sealed = ts;
		sub.unsub_sealed_len = tslen;
	} else if ((rc = loop_rc(rc)) != 0) {
		goto out;
	}
	if (lang != NULL)
		sub.lang = (char *)lang;
	if ((rc = apply_contact(app, &a, who->user_id, "email", HASH_KIND_EMAIL,
	    email, enorm, &sub.email_sealed, &sub.email_sealed_len,
	    &sub.has_email_hash, sub.email_hash, &echanged)) != 0 ||
	    (rc = apply_contact(app, &a, who->user_id, "sms", HASH_KIND_SMS,
	    sms, snorm, &sub.sms_sealed, &sub.sms_sealed_len,
	    &sub.has_sms_hash, sub.sms_hash, &schanged)) != 0)
		goto out;
	sub.updated_at = (int64_t)time(NULL);
	if ((rc = loop_rc(store_subscription_put(s, &sub))) != 0)
		goto out;
	if ((echanged && (rc = loop_rc(store_outbox_cancel(s, who->user_id,
	    "email"))) != 0) ||
	    (schanged && (rc = loop_rc(store_outbox_cancel(s, who->user_id,
	    "sms"))) != 0))
		goto out;
	snprintf(obj, sizeof(obj), "user:%lld", (long long)who->user_id);
	snprintf(detail, sizeof(detail), "regions=%zu email=%d sms=%d",
	    in->nregions, sub.email_sealed != NULL, sub.sms_sealed != NULL);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "subscription.set",
	    obj, detail))) != 0)
		goto out;
	began = 0;
	if ((rc = loop_rc(store_commit(s))) == 0)
		account_cache_forget(who->user_id);
out:
	if (began)
		store_rollback(s);
	sodium_memzero(tok, sizeof(tok));
	sodium_memzero(enorm, sizeof(enorm));
	sodium_memzero(snorm, sizeof(snorm));
	arena_release(&a);
	return rc;
}

int
subscription_get(struct app *app, struct store *s, struct arena *a,
    const struct auth *who, const char *default_lang,
    struct subscription *out)
{
	struct store_subscription sub;
	struct region *all;
	int64_t *ids;
	size_t nall, nids, i, k, m = 0;
	char obj[64];
	int rc;

	memset(out, 0, sizeof(*out));
	out->email = out->sms = "";
	out->lang = known_lang(default_lang);
	if (who->role != ROLE_MEMBER || who->user_id <= 0)
		return REPORT_FORBIDDEN;
	if ((rc = store_user_regions_get(s, a, who->user_id, &ids,
	    &nids)) != 0 ||
	    (rc = store_region_list(s, a, &all, &nall)) != 0)
		return loop_rc(rc);
	out->regions = arena_alloc(a, sizeof(*out->regions) *
	    (nids ? nids : 1));
	for (i = 0; i < nall; i++)
		for (k = 0; k < nids; k++)
			if (all[i].id == ids[k])
				out->regions[m++] = all[i].code;
	out->nregions = m;

	rc = store_subscription_get(s, a, who->user_id, &sub);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != 0)
		return loop_rc(rc);
	out->lang = sub.lang;
	if (sub.email_sealed == NULL && sub.sms_sealed == NULL)
		return 0;
	/* The audit row comes first: a read that cannot be recorded does
	 * not happen. */
	snprintf(obj, sizeof(obj), "user:%lld", (long long)who->user_id);
	if ((rc = loop_rc(audit_log(app, s, who->user_id, "subscription.read",
	    obj, ""))) != 0)
		return rc;
	out->email = loop_unseal(app, a, "subscriptions", "email",
	    who->user_id, sub.email_sealed, sub.email_sealed_len);
	out->sms = loop_unseal(app, a, "subscriptions", "sms", who->user_id,
	    sub.sms_sealed, sub.sms_sealed_len);
	if (out->email == NULL || out->sms == NULL)
		return REPORT_ERR;
	return 0;
}

static int
by_token(struct store *s, struct arena *a, const char *token,
    struct store_subscription *sub)
{
	uint8_t h[HASH_BYTES];

	if (token == NULL || strlen(token) != TOKEN_CHARS)
		return REPORT_NOTFOUND;
	token_hash(token, h);
	return loop_rc(store_subscription_by_unsub(s, a, h, sub));
}

int
subscription_token_check(struct app *app, struct store *s, const char *token,
    int *has_email)
{
	struct store_subscription sub;
	struct arena a;
	int rc;

	*has_email = 0;
	arena_init(&a);
	if ((rc = by_token(s, &a, token, &sub)) == 0)
		*has_email = sub.email_sealed != NULL;
	arena_release(&a);
	return rc;
}

int
subscription_unsubscribe(struct app *app, struct store *s, const char *token)
{
	struct store_subscription sub;
	struct arena a;
	char obj[64];
	int rc;

	arena_init(&a);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = by_token(s, &a, token, &sub)) != 0)
		goto fail;
	if (sub.email_sealed == NULL) {
		store_rollback(s);
		goto out;	/* already stopped */
	}
	snprintf(obj, sizeof(obj), "user:%lld", (long long)sub.user_id);
	if ((rc = loop_rc(store_subscription_clear(s, sub.user_id,
	    "email"))) != 0 ||
	    (rc = loop_rc(store_outbox_cancel(s, sub.user_id, "email"))) != 0 ||
	    (rc = loop_rc(audit_log(app, s, 0, "subscription.stop", obj,
	    "email link"))) != 0)
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
subscription_sms_member(struct app *app, struct store *s, struct arena *a,
    const char *norm, struct auth *who, const char **lang)
{
	struct store_subscription sub;
	uint8_t h[STORE_HASH_BYTES];
	struct user u;
	int64_t *ids;
	size_t n, i;
	int rc;

	memset(who, 0, sizeof(*who));
	hash_ident(&app->keys, HASH_KIND_SMS, norm, h);
	if ((rc = store_subscription_users(s, a, "sms", h, &ids, &n)) != 0)
		return loop_rc(rc);
	for (i = 0; i < n; i++) {
		rc = store_user_get(s, a, ids[i], &u);
		if (rc == STORE_NOTFOUND)
			continue;
		if (rc != 0)
			return loop_rc(rc);
		if (strcmp(u.role, "member") != 0 ||
		    strcmp(u.status, "active") != 0)
			continue;
		who->user_id = u.id;
		who->org_id = u.org_id;
		who->role = ROLE_MEMBER;
		rc = store_subscription_get(s, a, u.id, &sub);
		if (rc == 0 && sub.lang != NULL && *sub.lang != '\0')
			*lang = known_lang(sub.lang);
		else if (rc != 0 && rc != STORE_NOTFOUND)
			return loop_rc(rc);
		return 0;
	}
	return REPORT_NOTFOUND;
}

int
subscription_sms_switch(struct app *app, struct store *s, const char *norm,
    int on, size_t *n)
{
	struct store_subscription sub;
	uint8_t h[STORE_HASH_BYTES];
	struct arena a;
	int64_t *ids;
	size_t nids, i;
	char obj[64];
	int rc;

	*n = 0;
	arena_init(&a);
	hash_ident(&app->keys, HASH_KIND_SMS, norm, h);
	if ((rc = loop_rc(store_begin(s))) != 0)
		goto out;
	if ((rc = loop_rc(store_subscription_users(s, &a, "sms", h, &ids,
	    &nids))) != 0)
		goto fail;
	for (i = 0; i < nids; i++) {
		if ((rc = loop_rc(store_subscription_get(s, &a, ids[i],
		    &sub))) != 0)
			goto fail;
		if (on && sub.sms_sealed == NULL) {
			if ((rc = seal_to(app, &a, "sms", ids[i], norm,
			    &sub.sms_sealed, &sub.sms_sealed_len)) != 0)
				goto fail;
		} else if (!on && sub.sms_sealed != NULL) {
			sub.sms_sealed = NULL;
			sub.sms_sealed_len = 0;
			if ((rc = loop_rc(store_outbox_cancel(s, ids[i],
			    "sms"))) != 0)
				goto fail;
		} else {
			continue;	/* already as asked */
		}
		sub.updated_at = (int64_t)time(NULL);
		snprintf(obj, sizeof(obj), "user:%lld", (long long)ids[i]);
		if ((rc = loop_rc(store_subscription_put(s, &sub))) != 0 ||
		    (rc = loop_rc(audit_log(app, s, 0, on ?
		    "subscription.start" : "subscription.stop", obj,
		    "sms"))) != 0)
			goto fail;
	}
	*n = nids;
	rc = loop_rc(store_commit(s));
	goto out;
fail:
	store_rollback(s);
out:
	sodium_memzero(h, sizeof(h));
	arena_release(&a);
	return rc;
}
