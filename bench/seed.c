/*
 * seed.c: fill a lookout data dir with alerts for the screening
 * benchmark (bench/screen).
 *
 *   seed --data DIR --name NAME --region CODE     (password on stdin)
 *
 * Signs in as NAME, an outreach account made beforehand with `lookout
 * user add`, and publishes BENCH_ALERTS alerts (100000 by default), each
 * with BENCH_IDENTS_PER_ALERT identifiers (10), through the core, exactly
 * as moderation does: report_create() then report_publish(). The writes
 * are grouped into one transaction per SEED_BATCH alerts, so that a
 * million identifiers take a few minutes rather than a million fsyncs.
 *
 * Identifier g (0 <= g < alerts * idents) is, by g % 10:
 *   0-5  phone  +1604 followed by 2000000 + g       ("+16042000042")
 *   6-7  email  client<g>@example.net
 *   8-9  plate  three letters for g / 1000, three digits for g % 1000
 * bench/screen.lua derives hits from the same rule, so the two must change
 * together. Below SEED_IDENTS_MAX identifiers no two values are alike.
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
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

#define SEED_BATCH	1000
#define VALUE_MAX	40
#define SEED_IDENTS_MAX	8000000LL	/* phones stay 7 digits */

static const char usage[] =
    "usage: seed --data DIR --name NAME --region CODE\n"
    "\n"
    "Publish BENCH_ALERTS alerts (100000) of BENCH_IDENTS_PER_ALERT\n"
    "identifiers (10) as the outreach account NAME, whose password is read\n"
    "from standard input.\n";

static long long
env_count(const char *name, long long def, long long max)
{
	const char *v = getenv(name), *why;
	long long n;

	if (v == NULL || *v == '\0')
		return def;
	if (parse_int(v, 1, max, &n, &why) == -1) {
		fprintf(stderr, "seed: %s must be a number from 1 to %lld "
		    "(%s)\n", name, max, why);
		exit(2);
	}
	return n;
}

/* Identifier g, by the rule at the top of this file. */
static const char *
ident_for(long long g, char value[VALUE_MAX])
{
	long long l;

	switch (g % 10) {
	case 6:
	case 7:
		snprintf(value, VALUE_MAX, "client%lld@example.net", g);
		return "email";
	case 8:
	case 9:
		l = g / 1000;
		snprintf(value, VALUE_MAX, "%c%c%c%03lld",
		    (char)('A' + l / 676 % 26), (char)('A' + l / 26 % 26),
		    (char)('A' + l % 26), g % 1000);
		return "plate";
	default:
		snprintf(value, VALUE_MAX, "+1604%07lld", 2000000 + g);
		return "phone";
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
	static const char *const severities[3] = { "high", "medium", "low" };
	static const char *const types[4] = { "violence", "threats",
	    "non_payment", "stalking" };
	char values[LIMIT_LIST_ITEMS][VALUE_MAX];
	char pw[LIMIT_PASSWORD_BYTES + 2], token[TOKEN_CHARS + 1], day[11];
	char summary[96];
	const char *dir = NULL, *name = NULL, *region = NULL;
	struct report_in rin;
	struct alert_in ain;
	struct report_err err;
	struct store *s = NULL;
	struct auth who;
	struct app app;
	long long nalerts, per, i, j, done = 0;
	int64_t rid, aid;
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
	nalerts = env_count("BENCH_ALERTS", 100000, 10000000);
	per = env_count("BENCH_IDENTS_PER_ALERT", 10, LIMIT_LIST_ITEMS);
	if (nalerts * per > SEED_IDENTS_MAX) {
		fprintf(stderr, "seed: at most %lld identifiers in all\n",
		    SEED_IDENTS_MAX);
		return 2;
	}
	if (cli_read_password(pw, sizeof(pw), 0) == -1)
		return 1;
	if (app_open(&app, dir, 1) == -1)
		goto wipe;
	s = store_acquire(app.pool);
	if ((c = account_login(&app, s, name, pw, "api", token, &who)) != 0) {
		fprintf(stderr, "seed: cannot sign in as '%s': %s\n", name,
		    account_strerror(c));
		goto out;
	}
	sodium_memzero(token, sizeof(token));
	if (who.role != ROLE_OUTREACH) {
		fprintf(stderr, "seed: '%s' must be an outreach account\n",
		    name);
		goto out;
	}

	/* occurred_on: yesterday, so that it is never "in the future". */
	{
		time_t t = time(NULL) - 86400;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	}
	t0 = now();
	for (i = 0; i < nalerts; i++) {
		if (!in_tx) {
			if (store_begin(s) != 0) {
				fprintf(stderr, "seed: cannot begin a "
				    "transaction\n");
				goto out;
			}
			in_tx = 1;
		}
		memset(&rin, 0, sizeof(rin));
		rin.types[0] = types[i % 4];
		rin.ntypes = 1;
		rin.occurred_on = day;
		rin.region = region;
		rin.narrative = "benchmark report";
		rin.consent.alert = 1;
		rin.consent.police = "none";
		rin.source = "outreach";
		memset(&err, 0, sizeof(err));
		if ((c = report_create(&app, s, &who, &rin, &rid,
		    &err)) != 0) {
			fprintf(stderr, "seed: report %lld: %d %s %s\n", i, c,
			    err.field ? err.field : "", err.msg ? err.msg : "");
			goto out;
		}

		memset(&ain, 0, sizeof(ain));
		snprintf(summary, sizeof(summary), "benchmark alert %lld: "
		    "tall man, silver sedan", i);
		ain.summary = summary;
		ain.severity = severities[i % 3];
		ain.regions[0] = region;
		ain.nregions = 1;
		for (j = 0; j < per; j++) {
			ain.idents[j].kind = ident_for(i * per + j, values[j]);
			ain.idents[j].value = values[j];
		}
		ain.nidents = (size_t)per;
		if ((c = report_publish(&app, s, &who, rid, &ain, &aid,
		    &err)) != 0) {
			fprintf(stderr, "seed: alert %lld: %d %s %s\n", i, c,
			    err.field ? err.field : "", err.msg ? err.msg : "");
			goto out;
		}
		if ((i + 1) % SEED_BATCH == 0 || i + 1 == nalerts) {
			in_tx = 0;
			if (store_commit(s) != 0) {
				fprintf(stderr, "seed: cannot commit\n");
				goto out;
			}
			done = i + 1;
			if (done % (SEED_BATCH * 10) == 0 || done == nalerts)
				fprintf(stderr, "seed: %lld alerts, %lld "
				    "identifiers, %.0f s\n", done, done * per,
				    now() - t0);
		}
	}
	printf("seeded %lld alerts with %lld identifiers in %.1f s\n", done,
	    done * per, now() - t0);
	rc = 0;
out:
	if (in_tx)
		store_rollback(s);
	/* report_publish() fed this process's screening index too. */
	screen_index_free();
	if (s != NULL)
		store_release(app.pool, s);
	app_close(&app);
wipe:
	sodium_memzero(pw, sizeof(pw));
	return rc;
}
