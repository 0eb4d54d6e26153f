/*
 * seal.c: sealed columns, keyed hashes, password hashes and tokens.
 * Key loading and derivation live in keyfile.c.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/seal.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/log.h"
#include "util/xalloc.h"
#include "util/banned.h"

#define NONCE_BYTES	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES	crypto_aead_xchacha20poly1305_ietf_ABYTES
/* "lookout\0" table "\0" column "\0" row(8). Table and column names are
 * compile-time constants in the store, so this is generous. */
#define AD_MAX		256

_Static_assert(NONCE_BYTES + TAG_BYTES == SEAL_OVERHEAD, "seal overhead");
_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == KEY_BYTES,
    "aead key size");
_Static_assert(crypto_generichash_KEYBYTES == KEY_BYTES, "hash key size");
_Static_assert(sodium_base64_ENCODED_LEN(HASH_BYTES,
    sodium_base64_VARIANT_URLSAFE_NO_PADDING) == TOKEN_CHARS + 1,
    "token length");
_Static_assert(HASH_BYTES == TOKEN_BYTES, "csrf token length");

int
seal_init(void)
{
	if (sodium_init() < 0) {
		log_error("cannot initialise libsodium");
		return -1;
	}
	return 0;
}

/* Build the associated data binding a value to (table, column, row). */
static int
make_ad(uint8_t ad[AD_MAX], size_t *adlen, const char *table,
    const char *column, int64_t row)
{
	static const char prefix[] = "lookout";	/* with its NUL */
	size_t tl = strlen(table), cl = strlen(column), n = 0;
	uint64_t r = (uint64_t)row;
	int i;

	if (sizeof(prefix) + tl + 1 + cl + 1 + 8 > AD_MAX) {
		log_error("cannot seal %s.%s: table and column names are too "
		    "long", table, column);
		return -1;
	}
	memcpy(ad + n, prefix, sizeof(prefix));
	n += sizeof(prefix);
	memcpy(ad + n, table, tl + 1);
	n += tl + 1;
	memcpy(ad + n, column, cl + 1);
	n += cl + 1;
	for (i = 0; i < 8; i++)
		ad[n++] = (uint8_t)(r >> (8 * i));
	*adlen = n;
	return 0;
}

int
seal_value(const struct keys *k, const char *table, const char *column,
    int64_t row, const void *pt, size_t len, struct buf *out)
{
	uint8_t ad[AD_MAX];
	uint8_t *ct = NULL;
	unsigned long long clen = 0;
	size_t adlen, total;
	int ret = -1;

	if (make_ad(ad, &adlen, table, column, row) == -1)
		goto out;
	total = st_add(len, SEAL_OVERHEAD);
	ct = xmalloc(total);
	randombytes_buf(ct, NONCE_BYTES);
	/* The ciphertext goes to a scratch buffer rather than into out
	 * directly: growing out could leave copies of it behind. */
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(ct + NONCE_BYTES,
	    &clen, pt, len, ad, adlen, NULL, ct, k->seal) != 0 ||
	    clen != len + TAG_BYTES) {
		log_error("cannot seal %s.%s of row %lld", table, column,
		    (long long)row);
		goto out;
	}
	if (buf_add(out, ct, total) == -1) {
		log_error("cannot seal %s.%s of row %lld: %zu bytes pass the "
		    "buffer's cap", table, column, (long long)row, total);
		goto out;
	}
	ret = 0;
out:
	free(ct);
	return ret;
}

int
seal_open(const struct keys *k, const char *table, const char *column,
    int64_t row, const void *ct, size_t len, struct buf *out)
{
	const uint8_t *c = ct;
	uint8_t ad[AD_MAX];
	uint8_t *pt = NULL;
	unsigned long long plen = 0;
	size_t adlen, mlen = 0;
	int ret = -1;

	if (make_ad(ad, &adlen, table, column, row) == -1)
		goto out;
	if (len < SEAL_OVERHEAD) {
		log_error("sealed %s.%s of row %lld is truncated (%zu bytes)",
		    table, column, (long long)row, len);
		goto out;
	}
	mlen = len - SEAL_OVERHEAD;
	pt = xmalloc(mlen);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen, NULL,
	    c + NONCE_BYTES, len - NONCE_BYTES, ad, adlen, c, k->seal) != 0 ||
	    plen != mlen) {
		log_error("sealed %s.%s of row %lld does not open (wrong key, "
		    "or the value was altered or moved)", table, column,
		    (long long)row);
		goto out;
	}
	if (mlen > 0 && buf_add(out, pt, mlen) == -1) {
		log_error("cannot open %s.%s of row %lld: %zu bytes pass the "
		    "buffer's cap", table, column, (long long)row, mlen);
		goto out;
	}
	ret = 0;
out:
	if (pt != NULL) {
		sodium_memzero(pt, mlen);
		free(pt);
	}
	return ret;
}

void
hash_keyed(const uint8_t key[KEY_BYTES], const void *data, size_t len,
    uint8_t out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, data, len, key, KEY_BYTES);
}

void
hash_plain(const void *data, size_t len, uint8_t out[HASH_BYTES])
{
	crypto_generichash(out, HASH_BYTES, data, len, NULL, 0);
}

void
hash_ident(const struct keys *k, const char *kind, const char *norm,
    uint8_t out[HASH_BYTES])
{
	crypto_generichash_state st;

	/* kind cannot hold a NUL, so kind "\0" norm is unambiguous. */
	crypto_generichash_init(&st, k->ident, KEY_BYTES, HASH_BYTES);
	crypto_generichash_update(&st, (const uint8_t *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, (const uint8_t *)norm, strlen(norm));
	crypto_generichash_final(&st, out, HASH_BYTES);
	sodium_memzero(&st, sizeof(st));
}

void
hash_name(const struct keys *k, const char *name, uint8_t out[HASH_BYTES])
{
	hash_keyed(k->name, name, strlen(name), out);
}

/*
 * Each Argon2id run takes MEMLIMIT_INTERACTIVE (64 MiB) for its duration.
 * Left alone, every HTTP worker thread signing someone in at once would
 * hold that much, so a burst of sign-ins (good or bad passwords alike)
 * could push the server towards the OOM killer. At most
 * LIMIT_PWHASH_AT_ONCE run together; the rest wait their turn, which
 * costs nothing in throughput since each run keeps one core busy.
 */
static pthread_mutex_t pwhash_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pwhash_turn = PTHREAD_COND_INITIALIZER;
static int pwhash_running;

static void
pwhash_enter(void)
{
	pthread_mutex_lock(&pwhash_lock);
	while (pwhash_running >= LIMIT_PWHASH_AT_ONCE)
		pthread_cond_wait(&pwhash_turn, &pwhash_lock);
	pwhash_running++;
	pthread_mutex_unlock(&pwhash_lock);
}

static void
pwhash_leave(void)
{
	pthread_mutex_lock(&pwhash_lock);
	pwhash_running--;
	pthread_cond_signal(&pwhash_turn);
	pthread_mutex_unlock(&pwhash_lock);
}

int
password_hash(const char *pw, char *out, size_t outlen)
{
	int rc;

	if (outlen < crypto_pwhash_STRBYTES) {
		log_error("cannot hash password: output holds %zu bytes, "
		    "needs %zu", outlen, (size_t)crypto_pwhash_STRBYTES);
		return -1;
	}
	pwhash_enter();
	rc = crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
	pwhash_leave();
	if (rc != 0) {
		log_error("cannot hash password: out of memory");
		return -1;
	}
	return 0;
}

int
password_verify(const char *stored, const char *pw)
{
	int rc;

	pwhash_enter();
	rc = crypto_pwhash_str_verify(stored, pw, strlen(pw));
	pwhash_leave();
	return rc != 0 ? -1 : 0;
}

static void
base64url(char out[TOKEN_CHARS + 1], const uint8_t bin[TOKEN_BYTES])
{
	sodium_bin2base64(out, TOKEN_CHARS + 1, bin, TOKEN_BYTES,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void
token_new(char out[TOKEN_CHARS + 1])
{
	uint8_t bin[TOKEN_BYTES];

	randombytes_buf(bin, sizeof(bin));
	base64url(out, bin);
	sodium_memzero(bin, sizeof(bin));
}

void
token_hash(const char *token, uint8_t out[HASH_BYTES])
{
	hash_plain(token, strlen(token), out);
}

void
csrf_token(const struct keys *k, const char *cookie,
    char out[TOKEN_CHARS + 1])
{
	uint8_t mac[HASH_BYTES];

	hash_keyed(k->csrf, cookie, strlen(cookie), mac);
	base64url(out, mac);
	sodium_memzero(mac, sizeof(mac));
}

int
token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	/* Token lengths are public; only the contents need constant
	 * time. An empty token is a missing one and never matches. */
	if (la != lb || la == 0)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int64_t
random_id(void)
{
	uint64_t v;

	/* Masking a uniform 64-bit value keeps it uniform; only 0 is
	 * redrawn. */
	do {
		randombytes_buf(&v, sizeof(v));
		v &= ((uint64_t)1 << 53) - 1;
	} while (v == 0);
	return (int64_t)v;
}

void
random_bytes(void *p, size_t n)
{
	randombytes_buf(p, n);
}
