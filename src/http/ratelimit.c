/*
 * ratelimit.c: in-memory, fixed-window rate limits.
 *
 * Each key has a window of one minute starting at its first hit, and at
 * most per_minute hits in it. Keys are kept only as keyed BLAKE2b-128
 * digests under a random per-limiter key, so even a core dump holds no
 * address or name, and a client cannot aim collisions at the table.
 *
 * The table is open-addressed (linear probing, backward-shift deletion)
 * with twice as many slots as keys it may hold. When it holds max_keys,
 * expired windows are swept out; if every window is still live, the
 * oldest of a sample is evicted. Refusing new keys instead would let a
 * flood of addresses lock everyone out of signing in, and evicting costs
 * only that one old key its count.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "http/http.h"
#include "http/http_int.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define WINDOW		60
#define DIGEST_BYTES	16
#define EVICT_SAMPLE	32

struct rl_entry {
	uint8_t	 digest[DIGEST_BYTES];
	int64_t	 start;		/* first hit, monotonic seconds; 0: empty */
	int32_t	 count;
};

struct ratelimit {
	pthread_mutex_t	 mu;
	int		 per_minute;
	uint8_t		 key[crypto_generichash_KEYBYTES];
	struct rl_entry	*slots;
	size_t		 mask;		/* slots - 1, a power of two less one */
	size_t		 n;
	size_t		 max;
	int64_t		 last_sweep;
};

struct ratelimit *rl_login_account;
struct ratelimit *rl_login_client;
struct ratelimit *rl_screen;
struct ratelimit *rl_help;

static pthread_mutex_t limits_mu = PTHREAD_MUTEX_INITIALIZER;
static int limits_refs;

static int64_t
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* +1 so that a window can never start at 0, the empty mark. */
	return (int64_t)ts.tv_sec + 1;
}

struct ratelimit *
ratelimit_new_cap(int per_minute, size_t max_keys)
{
	struct ratelimit *rl = xcalloc(1, sizeof(*rl));
	size_t slots = 2;

	if (sodium_init() < 0)
		fatal("libsodium cannot start");
	while (slots < st_mult(max_keys, 2))
		slots = st_mult(slots, 2);
	pthread_mutex_init(&rl->mu, NULL);
	rl->per_minute = per_minute;
	randombytes_buf(rl->key, sizeof(rl->key));
	rl->slots = xcalloc(slots, sizeof(*rl->slots));
	rl->mask = slots - 1;
	rl->max = max_keys ? max_keys : 1;
	return rl;
}

struct ratelimit *
ratelimit_new(int per_minute)
{
	return ratelimit_new_cap(per_minute, LIMIT_RATE_KEYS);
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->mu);
	sodium_memzero(rl->key, sizeof(rl->key));
	free(rl->slots);
	free(rl);
}

static size_t
home(const struct ratelimit *rl, const uint8_t *digest)
{
	uint64_t h;

	memcpy(&h, digest, sizeof(h));
	return (size_t)h & rl->mask;
}

/* The slot holding digest, or the empty slot where it would go. */
static size_t
probe(const struct ratelimit *rl, const uint8_t *digest)
{
	size_t i = home(rl, digest);

	while (rl->slots[i].start != 0 &&
	    memcmp(rl->slots[i].digest, digest, DIGEST_BYTES) != 0)
		i = (i + 1) & rl->mask;
	return i;
}

/* Backward-shift deletion: later members of the cluster move up so that
 * no probe sequence is broken, without tombstones. */
static void
delete_at(struct ratelimit *rl, size_t i)
{
	size_t j = i, k;

	for (;;) {
		j = (j + 1) & rl->mask;
		if (rl->slots[j].start == 0)
			break;
		k = home(rl, rl->slots[j].digest);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		rl->slots[i] = rl->slots[j];
		i = j;
	}
	memset(&rl->slots[i], 0, sizeof(rl->slots[i]));
	rl->n--;
}

static void
sweep(struct ratelimit *rl, int64_t now)
{
	size_t i = 0;

	while (i <= rl->mask) {
		if (rl->slots[i].start != 0 &&
		    now - rl->slots[i].start >= WINDOW)
			delete_at(rl, i);	/* look at slot i again */
		else
			i++;
	}
	rl->last_sweep = now;
}

static void
evict_oldest(struct ratelimit *rl)
{
	size_t i = randombytes_uniform((uint32_t)rl->mask + 1);
	size_t seen = 0, steps, oldest = SIZE_MAX;

	for (steps = 0; steps <= rl->mask && seen < EVICT_SAMPLE; steps++) {
		if (rl->slots[i].start != 0) {
			if (oldest == SIZE_MAX ||
			    rl->slots[i].start < rl->slots[oldest].start)
				oldest = i;
			seen++;
		}
		i = (i + 1) & rl->mask;
	}
	if (oldest != SIZE_MAX)
		delete_at(rl, oldest);
}

static void
digest_key(const struct ratelimit *rl, const void *key, size_t keylen,
    uint8_t out[DIGEST_BYTES])
{
	crypto_generichash(out, DIGEST_BYTES, key, keylen, rl->key,
	    sizeof(rl->key));
}

static int
retry(int64_t start, int64_t now)
{
	int64_t left = WINDOW - (now - start);

	return left < 1 ? 1 : (int)left;
}

int
ratelimit_hit(struct ratelimit *rl, const void *key, size_t keylen,
    int *retry_after)
{
	uint8_t d[DIGEST_BYTES];
	struct rl_entry *e;
	int64_t now;
	size_t i;
	int rc = 0;

	*retry_after = 0;
	digest_key(rl, key, keylen, d);
	pthread_mutex_lock(&rl->mu);
	now = now_seconds();
	i = probe(rl, d);
	if (rl->slots[i].start == 0) {
		if (rl->n >= rl->max) {
			if (rl->last_sweep != now)
				sweep(rl, now);
			if (rl->n >= rl->max)
				evict_oldest(rl);
			i = probe(rl, d);
		}
		e = &rl->slots[i];
		memcpy(e->digest, d, DIGEST_BYTES);
		e->start = now;
		e->count = 0;
		rl->n++;
	}
	e = &rl->slots[i];
	if (now - e->start >= WINDOW) {
		e->start = now;
		e->count = 0;
	}
	if (e->count >= rl->per_minute) {
		*retry_after = retry(e->start, now);
		rc = -1;
	} else {
		e->count++;
	}
	pthread_mutex_unlock(&rl->mu);
	sodium_memzero(d, sizeof(d));
	return rc;
}

int
ratelimit_check(struct ratelimit *rl, const void *key, size_t keylen,
    int *retry_after)
{
	uint8_t d[DIGEST_BYTES];
	struct rl_entry *e;
	int64_t now;
	int rc = 0;

	*retry_after = 0;
	digest_key(rl, key, keylen, d);
	pthread_mutex_lock(&rl->mu);
	now = now_seconds();
	e = &rl->slots[probe(rl, d)];
	if (rl->per_minute <= 0) {
		*retry_after = WINDOW;
		rc = -1;
	} else if (e->start != 0 && now - e->start < WINDOW &&
	    e->count >= rl->per_minute) {
		*retry_after = retry(e->start, now);
		rc = -1;
	}
	pthread_mutex_unlock(&rl->mu);
	sodium_memzero(d, sizeof(d));
	return rc;
}

void
ratelimit_set_rate(struct ratelimit *rl, int per_minute)
{
	pthread_mutex_lock(&rl->mu);
	rl->per_minute = per_minute;
	pthread_mutex_unlock(&rl->mu);
}

size_t
ratelimit_count(struct ratelimit *rl)
{
	size_t n;

	pthread_mutex_lock(&rl->mu);
	n = rl->n;
	pthread_mutex_unlock(&rl->mu);
	return n;
}

void
http_limits_init(void)
{
	pthread_mutex_lock(&limits_mu);
	if (limits_refs++ == 0) {
		rl_login_account = ratelimit_new(LIMIT_LOGIN_PER_MIN);
		rl_login_client = ratelimit_new(LIMIT_LOGIN_PER_MIN);
		rl_screen = ratelimit_new(LIMIT_SCREEN_PER_MIN);
		rl_help = ratelimit_new(LIMIT_HELP_PER_MIN);
	}
	pthread_mutex_unlock(&limits_mu);
}

void
http_limits_free(void)
{
	pthread_mutex_lock(&limits_mu);
	if (limits_refs > 0 && --limits_refs == 0) {
		ratelimit_free(rl_login_account);
		ratelimit_free(rl_login_client);
		ratelimit_free(rl_screen);
		ratelimit_free(rl_help);
		rl_login_account = rl_login_client = rl_screen = NULL;
		rl_help = NULL;
	}
	pthread_mutex_unlock(&limits_mu);
}
