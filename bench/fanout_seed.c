/*
 * fanout_seed.c: member accounts subscribed by email, for bench/fanout.
 *
 *   fanout_seed --data DIR --name NAME --region CODE   (password on stdin)
 *
 * Signs in as NAME, an outreach account made beforehand with `lookout
 * user add`, and makes BENCH_SUBSCRIBERS members (100000 by default) of
 * its organisation, each following CODE by email at
 * sub<i>@example.net. Accounts go straight into the store, one shared
 * password hash for all (nobody signs in as them; hashing 100,000
 * passwords would take hours); their subscriptions go through the core,
 * exactly as PUT /api/v1/me/subscriptions does. One transaction per
 * SEED_BATCH members.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/account.h"
#include "core/report.h"
#include "core/subscription.h"
#include "crypto/seal.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

#define SEED_BATCH	1000

static const char usage[] =
    "usage: fanout_seed --data DIR --name NAME --region CODE\n"
    "\n"
    "Make BENCH_SUBSCRIBERS members (100000) following CODE by email, in\n"
    "the organisation of the outreach account NAME, whose password is\n"
    "read from standard input.\n";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One member, in s's open transaction. */
static int
add_member(struct app *app, struct store *s, const struct auth *by,
    const char *region, long long i, const char *pw_hash)
{
	char name[32], email[48];
	const char *regions[1] = { region };
	struct subscription_in in;
	struct report_err err;
	struct auth who;
	struct buf sealed;
	struct user u;
	int rc;

	snprintf(name, sizeof(name), "sub%lld", i);
	snprintf(email, sizeof(email), "sub%lld@example.net", i);
	buf_init(&sealed, BUF_CAP_SMALL);
	memset(&u, 0, sizeof(u));
	u.id = random_id();
	u.org_id = by->org_id;
	u.role = "member";
	u.status = "active";
	u.pw_hash = (char *)pw_hash;
	u.created_at = (int64_t)time(NULL);
	hash_name(&app->keys, name, u.name_hash);
	if (seal_value(&app->keys, "users", "name", u.id, name, strlen(name),
	    &sealed) == -1) {
		rc = -1;
		goto out;
	}
	u.name_sealed = (uint8_t *)sealed.buf;
	u.name_sealed_len = sealed.len;
	if ((rc = store_user_insert(s, &u)) != 0) {
		fprintf(stderr, "fanout_seed: member %lld: store error %d\n",
		    i, rc);
		goto out;
	}
	memset(&who, 0, sizeof(who));
	who.user_id = u.id;
	who.org_id = u.org_id;
	who.role = ROLE_MEMBER;
	memset(&in, 0, sizeof(in));
	in.regions = regions;
	in.nregions = 1;
	in.email = email;
	memset(&err, 0, sizeof(err));
	if ((rc = subscription_set(app, s, &who, &in, "en", &err)) != 0)
		fprintf(stderr, "fanout_seed: member %lld: %d %s %s\n", i, rc,
		    err.field ? err.field : "", err.msg ? err.msg : "");
out:
	buf_release(&sealed);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "name", required_argument, NULL, 'n' },
		{ "region", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char pw[LIMIT_PASSWORD_BYTES + 2], token[TOKEN_CHARS + 1];
	char pwh[crypto_pwhash_STRBYTES], junk[TOKEN_CHARS + 1];
	const char *dir = NULL, *name = NULL, *region = NULL, *v, *why;
	struct store *s = NULL;
	struct auth by;
	struct app app;
	long long n = 100000, i;
	double t0;
	int c, rc = 1, in_tx = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (dir == NULL || name == NULL || region == NULL || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	if ((v = getenv("BENCH_SUBSCRIBERS")) != NULL && *v != '\0' &&
	    parse_int(v, 1, 10000000, &n, &why) == -1) {
		fprintf(stderr, "fanout_seed: BENCH_SUBSCRIBERS must be a "
		    "number from 1 to 10000000 (%s)\n", why);
		return 2;
	}
	if (cli_read_password(pw, sizeof(pw), 0) == -1)
		return 1;
	if (app_open(&app, dir, 1) == -1)
		goto wipe;
	s = store_acquire(app.pool);
	if ((c = account_login(&app, s, name, pw, "api", token, &by)) != 0) {
		fprintf(stderr, "fanout_seed: cannot sign in as '%s': %s\n",
		    name, account_strerror(c));
		goto out;
	}
	sodium_memzero(token, sizeof(token));
	if (by.role != ROLE_OUTREACH) {
		fprintf(stderr, "fanout_seed: '%s' must be an outreach "
		    "account\n", name);
		goto out;
	}
	/* A password nobody knows, hashed once for every member. */
	token_new(junk);
	if (password_hash(junk, pwh, sizeof(pwh)) == -1)
		goto out;
	sodium_memzero(junk, sizeof(junk));

	t0 = now();
	for (i = 0; i < n; i++) {
		if (!in_tx) {
			if (store_begin(s) != 0) {
				fprintf(stderr, "fanout_seed: cannot begin a "
				    "transaction\n");
				goto out;
			}
			in_tx = 1;
		}
		if (add_member(&app, s, &by, region, i, pwh) != 0)
			goto out;
		if ((i + 1) % SEED_BATCH == 0 || i + 1 == n) {
			in_tx = 0;
			if (store_commit(s) != 0) {
				fprintf(stderr, "fanout_seed: cannot commit\n");
				goto out;
			}
			if ((i + 1) % (SEED_BATCH * 20) == 0)
				fprintf(stderr, "fanout_seed: %lld members, "
				    "%.0f s\n", i + 1, now() - t0);
		}
	}
	printf("seeded %lld email subscribers in %.1f s\n", n, now() - t0);
	rc = 0;
out:
	if (in_tx)
		store_rollback(s);
	if (s != NULL)
		store_release(app.pool, s);
	app_close(&app);
wipe:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}
