/*
 * test_crypto.c: the key file, key derivation, sealed values, keyed
 * hashes, password hashes and tokens.
 *
 * The known-answer vectors were computed independently of libsodium, in
 * Python (hashlib.blake2b, and XChaCha20-Poly1305 built from a checked
 * HChaCha20 and the cryptography package's ChaCha20-Poly1305). They pin
 * the on-disk formats: if one changes, existing databases stop opening.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/seal.h"
#include "util/buf.h"
#include "util/banned.h"

static char tmpdir[PATH_MAX];
static struct keys K;		/* from the master key 00 01 .. 1f */

#define KAT_SEAL \
	"1419c4a6a8ac8053e4879303b14fec1b3c4bc90b05d5b00151bc348e66cc19d8"
#define KAT_IDENT \
	"92552a0b2daef9bbb3171febae2235e5b8f0a465f3b092a8f7deda6932f0b87c"
#define KAT_NAME \
	"59cc9d99f733ca1c7324784c384b6b235ad0a578772bf795064fc83beb3b81bf"
#define KAT_AUDIT \
	"e2b77a450eb9eb0042b4400ba672174aeb2df8c39eeb9f458e47900354d98d33"
#define KAT_CSRF \
	"faec02af0cb1901e7cb7ae8bc4c4110b1fb30b9f8b6cfddfc09bd0dcaf2b6d21"
#define KAT_FEED \
	"8e3484e9dfd37bb71a30dd902380771213253b9af62b010cacf98c7cdf310307"

#define KEY_A \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY_B \
	"f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"

/* seal "blue sedan, no plates" for reports.narrative, row 1234567890123,
 * nonce 40 41 .. 57, under KAT_SEAL */
static const uint8_t kat_sealed[] =
	"\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d\x4e\x4f"
	"\x50\x51\x52\x53\x54\x55\x56\x57\xfc\xd1\xb3\x19\x04\xf3\xd1\x9e"
	"\xd3\x80\xa6\x12\x84\x41\xd3\x81\x29\xf2\x33\x5d\x32\x74\x6e\x2f"
	"\xa3\x06\x7b\x4f\x44\x89\xcb\xce\xdc\x58\xe5\xcf\x95";
/* seal "" for cases.note, row -5, same nonce and key */
static const uint8_t kat_sealed_empty[] =
	"\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d\x4e\x4f"
	"\x50\x51\x52\x53\x54\x55\x56\x57\x13\x7b\x7e\xcc\x50\xe8\x07\x70"
	"\x51\xd7\x38\x67\xda\xb7\xe7\x63";

static void
unhex(uint8_t *out, size_t n, const char *hex)
{
	size_t len = 0;

	assert_int_equal(sodium_hex2bin(out, n, hex, strlen(hex), NULL, &len,
	    NULL), 0);
	assert_int_equal(len, n);
}

static void
assert_hex(const uint8_t *bin, size_t n, const char *hex)
{
	char s[2 * 64 + 1];

	assert_true(n <= 64);
	sodium_bin2hex(s, sizeof(s), bin, n);
	assert_string_equal(s, hex);
}

static void
tmppath(char *out, size_t n, const char *name)
{
	int r = snprintf(out, n, "%s/%s", tmpdir, name);

	assert_true(r > 0 && (size_t)r < n);
}

static void
write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Log capture, so tests can check what an operator would be told. End
 * the capture before asserting, or a failure message would be lost. */
static int cap_saved = -1;
static FILE *cap_file;

static void
capture_begin(void)
{
	fflush(stderr);
	cap_file = tmpfile();
	assert_non_null(cap_file);
	cap_saved = dup(STDERR_FILENO);
	assert_true(cap_saved != -1);
	assert_true(dup2(fileno(cap_file), STDERR_FILENO) != -1);
}

static const char *
capture_end(void)
{
	static char text[16384];
	size_t n;

	fflush(stderr);
	dup2(cap_saved, STDERR_FILENO);
	close(cap_saved);
	cap_saved = -1;
	rewind(cap_file);
	n = fread(text, 1, sizeof(text) - 1, cap_file);
	text[n] = '\0';
	fclose(cap_file);
	cap_file = NULL;
	return text;
}

static int
group_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	uint8_t m[KEY_BYTES];
	size_t i;
	int r;

	if (seal_init() == -1)
		return -1;
	if (base == NULL || *base == '\0')
		base = "/tmp";
	r = snprintf(tmpdir, sizeof(tmpdir), "%s/lookout-test-XXXXXX", base);
	if (r < 0 || (size_t)r >= sizeof(tmpdir) || mkdtemp(tmpdir) == NULL)
		return -1;
	/* The tests decide for themselves when the variable is set. */
	unsetenv("LOOKOUT_KEY");
	for (i = 0; i < KEY_BYTES; i++)
		m[i] = (uint8_t)i;
	keys_from_master(&K, m);
	return 0;
}

static int
group_teardown(void **state)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	keys_wipe(&K);
	unsetenv("LOOKOUT_KEY");
	d = opendir(tmpdir);
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		r = snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
		if (r > 0 && (size_t)r < sizeof(path))
			remove(path);
	}
	closedir(d);
	return rmdir(tmpdir);
}

static void
test_seal_init(void **state)
{
	/* idempotent: every entry point may call it */
	assert_int_equal(seal_init(), 0);
	assert_int_equal(seal_init(), 0);
}

static void
test_derivation(void **state)
{
	struct keys k, k2;
	const uint8_t *sub[6];
	size_t i, j;

	assert_hex(K.seal, KEY_BYTES, KAT_SEAL);
	assert_hex(K.ident, KEY_BYTES, KAT_IDENT);
	assert_hex(K.name, KEY_BYTES, KAT_NAME);
	assert_hex(K.audit, KEY_BYTES, KAT_AUDIT);
	assert_hex(K.csrf, KEY_BYTES, KAT_CSRF);
	assert_hex(K.feed, KEY_BYTES, KAT_FEED);
	assert_hex(K.master, KEY_BYTES, KEY_A);

	sub[0] = K.seal;
	sub[1] = K.ident;
	sub[2] = K.name;
	sub[3] = K.audit;
	sub[4] = K.csrf;
	sub[5] = K.feed;
	for (i = 0; i < 6; i++) {
		assert_memory_not_equal(sub[i], K.master, KEY_BYTES);
		for (j = i + 1; j < 6; j++)
			assert_memory_not_equal(sub[i], sub[j], KEY_BYTES);
	}

	/* deriving from the struct's own master is allowed */
	memset(&k, 0xee, sizeof(k));
	memcpy(k.master, K.master, KEY_BYTES);
	keys_from_master(&k, k.master);
	assert_memory_equal(&k, &K, sizeof(k));

	/* another master gives unrelated keys */
	unhex(k2.master, KEY_BYTES, KEY_B);
	keys_from_master(&k2, k2.master);
	assert_memory_not_equal(k2.seal, K.seal, KEY_BYTES);
	assert_memory_not_equal(k2.ident, K.ident, KEY_BYTES);

	keys_wipe(&k);
	assert_true(sodium_is_zero((const uint8_t *)&k, sizeof(k)));
	keys_wipe(&k2);
}

static void
test_seal_roundtrip(void **state)
{
	static const char pt[] = "he had a blue sedan and a scar";
	struct buf ct, ct2, out;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&ct2, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_value(&K, "reports", "narrative", 42, pt,
	    strlen(pt), &ct), 0);
	assert_int_equal(ct.len, strlen(pt) + SEAL_OVERHEAD);
	assert_null(memmem(ct.buf, ct.len, "blue", 4));

	assert_int_equal(seal_open(&K, "reports", "narrative", 42, ct.buf,
	    ct.len, &out), 0);
	assert_int_equal(out.len, strlen(pt));
	assert_string_equal(out.buf, pt);

	/* a fresh random nonce each time */
	assert_int_equal(seal_value(&K, "reports", "narrative", 42, pt,
	    strlen(pt), &ct2), 0);
	assert_int_equal(ct2.len, ct.len);
	assert_memory_not_equal(ct.buf, ct2.buf, 24);
	assert_memory_not_equal(ct.buf + 24, ct2.buf + 24, ct.len - 24);

	/* both calls append to what the buffer already holds */
	buf_reset(&out);
	assert_int_equal(buf_adds(&out, "prefix:"), 0);
	assert_int_equal(seal_open(&K, "reports", "narrative", 42, ct2.buf,
	    ct2.len, &out), 0);
	assert_int_equal(out.len, strlen("prefix:") + strlen(pt));
	assert_memory_equal(out.buf, "prefix:", 7);
	assert_string_equal(out.buf + 7, pt);

	buf_reset(&ct2);
	assert_int_equal(buf_adds(&ct2, "xy"), 0);
	assert_int_equal(seal_value(&K, "t", "c", 1, "v", 1, &ct2), 0);
	assert_int_equal(ct2.len, 2 + 1 + SEAL_OVERHEAD);
	assert_memory_equal(ct2.buf, "xy", 2);
	buf_reset(&out);
	assert_int_equal(seal_open(&K, "t", "c", 1, ct2.buf + 2, ct2.len - 2,
	    &out), 0);
	assert_string_equal(out.buf, "v");

	buf_release(&ct);
	buf_release(&ct2);
	buf_wipe(&out);
}

static void
test_seal_empty(void **state)
{
	struct buf ct, out;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_value(&K, "help", "safe_time", 7, "", 0, &ct),
	    0);
	assert_int_equal(ct.len, SEAL_OVERHEAD);
	assert_int_equal(seal_open(&K, "help", "safe_time", 7, ct.buf, ct.len,
	    &out), 0);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.buf, "");
	/* an empty sealed value still authenticates its place */
	assert_int_equal(seal_open(&K, "help", "safe_time", 8, ct.buf, ct.len,
	    &out), -1);

	/* NULL with length 0 is an empty value too */
	buf_reset(&ct);
	assert_int_equal(seal_value(&K, "help", "safe_time", 7, NULL, 0, &ct),
	    0);
	assert_int_equal(ct.len, SEAL_OVERHEAD);
	assert_int_equal(seal_open(&K, "help", "safe_time", 7, ct.buf, ct.len,
	    &out), 0);
	assert_int_equal(out.len, 0);
	buf_release(&ct);
	buf_wipe(&out);
}

static void
test_seal_large(void **state)
{
	const size_t n = 3 * 1024 * 1024 + 7;
	uint8_t *pt = malloc(n);
	struct buf ct, out;

	assert_non_null(pt);
	random_bytes(pt, n);
	buf_init(&ct, BUF_CAP_LARGE);
	buf_init(&out, BUF_CAP_LARGE);
	assert_int_equal(seal_value(&K, "cases", "note", INT64_MAX, pt, n,
	    &ct), 0);
	assert_int_equal(ct.len, n + SEAL_OVERHEAD);
	assert_int_equal(seal_open(&K, "cases", "note", INT64_MAX, ct.buf,
	    ct.len, &out), 0);
	assert_int_equal(out.len, n);
	assert_memory_equal(out.buf, pt, n);
	/* damage at the far end is caught too */
	ct.buf[ct.len - 20] ^= 1;
	buf_reset(&out);
	capture_begin();
	assert_int_equal(seal_open(&K, "cases", "note", INT64_MAX, ct.buf,
	    ct.len, &out), -1);
	capture_end();
	assert_int_equal(out.len, 0);
	free(pt);
	buf_release(&ct);
	buf_wipe(&out);
}

/* The documented format, opened from vectors made without libsodium. */
static void
test_seal_known_answer(void **state)
{
	struct buf out;
	uint8_t ad[64];
	uint8_t pt[64];
	unsigned long long plen;
	size_t n = 0;
	int64_t row = 1234567890123;
	int i;

	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_open(&K, "reports", "narrative", row,
	    kat_sealed, sizeof(kat_sealed) - 1, &out), 0);
	assert_string_equal(out.buf, "blue sedan, no plates");
	buf_reset(&out);
	assert_int_equal(seal_open(&K, "cases", "note", -5, kat_sealed_empty,
	    sizeof(kat_sealed_empty) - 1, &out), 0);
	assert_int_equal(out.len, 0);

	/* and with libsodium directly, the AD spelled out as seal.h does */
	memcpy(ad + n, "lookout\0reports\0narrative\0", 26);
	n += 26;
	for (i = 0; i < 8; i++)
		ad[n++] = (uint8_t)((uint64_t)row >> (8 * i));
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt(pt, &plen,
	    NULL, kat_sealed + 24, sizeof(kat_sealed) - 1 - 24, ad, n,
	    kat_sealed, K.seal), 0);
	assert_int_equal(plen, strlen("blue sedan, no plates"));
	assert_memory_equal(pt, "blue sedan, no plates", plen);
	buf_wipe(&out);
}

static void
test_seal_tamper(void **state)
{
	static const char pt[] = "meet at 5th and main";
	struct buf ct, out;
	const char *log;
	size_t i;
	int bit, failures = 0, tries = 0;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_value(&K, "reports", "location", 9, pt,
	    strlen(pt), &ct), 0);
	capture_begin();
	/* every bit of nonce, ciphertext and tag matters */
	for (i = 0; i < ct.len; i++) {
		for (bit = 0; bit < 8; bit++) {
			ct.buf[i] ^= (char)(1 << bit);
			tries++;
			if (seal_open(&K, "reports", "location", 9, ct.buf,
			    ct.len, &out) == -1 && out.len == 0)
				failures++;
			ct.buf[i] ^= (char)(1 << bit);
		}
	}
	log = capture_end();
	assert_int_equal(failures, tries);
	assert_int_equal(tries, (int)(8 * (strlen(pt) + SEAL_OVERHEAD)));
	/* the log names the place, never the contents */
	assert_non_null(strstr(log, "reports.location"));
	assert_non_null(strstr(log, "row 9"));
	assert_null(strstr(log, "main"));

	/* untouched, it still opens */
	assert_int_equal(seal_open(&K, "reports", "location", 9, ct.buf,
	    ct.len, &out), 0);
	assert_string_equal(out.buf, pt);
	buf_release(&ct);
	buf_wipe(&out);
}

/* Open ct at (table, column, row) and expect a refusal with out intact. */
static void
refused(const char *table, const char *column, int64_t row,
    const struct buf *ct)
{
	struct buf out;
	int r;

	buf_init(&out, BUF_CAP_SMALL);
	capture_begin();
	r = seal_open(&K, table, column, row, ct->buf, ct->len, &out);
	capture_end();
	if (r != -1)
		fail_msg("opened at %s.%s row %lld", table, column,
		    (long long)row);
	assert_int_equal(out.len, 0);
	buf_wipe(&out);
}

static void
test_seal_binding(void **state)
{
	struct buf ct, ct2, out;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&ct2, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_value(&K, "reports", "narrative", 42, "x", 1,
	    &ct), 0);
	assert_int_equal(seal_open(&K, "reports", "narrative", 42, ct.buf,
	    ct.len, &out), 0);

	/* another row, including rows differing only in one high byte */
	refused("reports", "narrative", 43, &ct);
	refused("reports", "narrative", 0, &ct);
	refused("reports", "narrative", -42, &ct);
	refused("reports", "narrative", 42 + ((int64_t)1 << 32), &ct);
	refused("reports", "narrative", 42 | ((int64_t)1 << 56), &ct);
	refused("reports", "narrative", 42 | INT64_MIN, &ct);
	/* another column of the same row */
	refused("reports", "location", 42, &ct);
	refused("reports", "narrativ", 42, &ct);
	refused("reports", "", 42, &ct);
	/* another table */
	refused("cases", "narrative", 42, &ct);
	refused("report", "narrative", 42, &ct);
	refused("narrative", "reports", 42, &ct);

	/* names are delimited: "ab"/"c" is not "a"/"bc" */
	assert_int_equal(seal_value(&K, "ab", "c", 1, "y", 1, &ct2), 0);
	refused("a", "bc", 1, &ct2);
	refused("abc", "", 1, &ct2);
	buf_reset(&out);
	assert_int_equal(seal_open(&K, "ab", "c", 1, ct2.buf, ct2.len, &out),
	    0);
	assert_string_equal(out.buf, "y");

	buf_release(&ct);
	buf_release(&ct2);
	buf_wipe(&out);
}

static void
test_seal_wrong_key(void **state)
{
	struct keys other;
	uint8_t m[KEY_BYTES];
	struct buf ct, out;
	int r;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	random_bytes(m, sizeof(m));
	keys_from_master(&other, m);
	assert_int_equal(seal_value(&K, "contacts", "value", 3, "604", 3,
	    &ct), 0);
	capture_begin();
	r = seal_open(&other, "contacts", "value", 3, ct.buf, ct.len, &out);
	capture_end();
	assert_int_equal(r, -1);
	assert_int_equal(out.len, 0);

	/* the master and the other purpose keys are not the seal key */
	memcpy(other.seal, K.master, KEY_BYTES);
	capture_begin();
	r = seal_open(&other, "contacts", "value", 3, ct.buf, ct.len, &out);
	capture_end();
	assert_int_equal(r, -1);
	other = K;
	memcpy(other.seal, K.ident, KEY_BYTES);
	capture_begin();
	r = seal_open(&other, "contacts", "value", 3, ct.buf, ct.len, &out);
	capture_end();
	assert_int_equal(r, -1);

	/* the same master loaded again opens it */
	keys_from_master(&other, K.master);
	assert_int_equal(seal_open(&other, "contacts", "value", 3, ct.buf,
	    ct.len, &out), 0);
	assert_string_equal(out.buf, "604");
	keys_wipe(&other);
	buf_release(&ct);
	buf_wipe(&out);
}

static void
test_seal_truncated(void **state)
{
	struct buf ct, out;
	const char *log;
	size_t n;
	int r;

	buf_init(&ct, BUF_CAP_SMALL);
	buf_init(&out, BUF_CAP_SMALL);
	assert_int_equal(seal_value(&K, "help", "code_word", 5, "tulip", 5,
	    &ct), 0);
	capture_begin();
	/* every prefix, including those shorter than nonce plus tag */
	for (n = 0; n < ct.len; n++) {
		r = seal_open(&K, "help", "code_word", 5, ct.buf, n, &out);
		if (r != -1 || out.len != 0)
			break;
	}
	log = capture_end();
	assert_int_equal(n, ct.len);
	assert_non_null(strstr(log, "truncated"));

	capture_begin();
	r = seal_open(&K, "help", "code_word", 5, NULL, 0, &out);
	capture_end();
	assert_int_equal(r, -1);

	/* a trailing extra byte does not authenticate either */
	assert_int_equal(buf_addch(&ct, 0), 0);
	capture_begin();
	r = seal_open(&K, "help", "code_word", 5, ct.buf, ct.len, &out);
	capture_end();
	assert_int_equal(r, -1);
	assert_int_equal(out.len, 0);
	buf_release(&ct);
	buf_wipe(&out);
}

static void
test_seal_cap(void **state)
{
	struct buf ct, out;
	int r;

	/* the sealed value (5 + 40 bytes) does not fit a cap of 44 */
	buf_init(&ct, 44);
	capture_begin();
	r = seal_value(&K, "t", "c", 1, "12345", 5, &ct);
	capture_end();
	assert_int_equal(r, -1);
	assert_int_equal(ct.overflow, 1);
	assert_int_equal(ct.len, 0);
	buf_release(&ct);

	buf_init(&ct, 45);
	assert_int_equal(seal_value(&K, "t", "c", 1, "12345", 5, &ct), 0);
	buf_init(&out, 4);
	capture_begin();
	r = seal_open(&K, "t", "c", 1, ct.buf, ct.len, &out);
	capture_end();
	assert_int_equal(r, -1);
	assert_int_equal(out.overflow, 1);
	assert_int_equal(out.len, 0);
	buf_release(&ct);
	buf_wipe(&out);
}

static void
read_all(const char *path, char *out, size_t n, size_t *len)
{
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY);
	assert_true(fd != -1);
	r = read(fd, out, n);
	assert_true(r >= 0);
	*len = (size_t)r;
	close(fd);
}

static void
test_keyfile_create(void **state)
{
	char path[PATH_MAX], data[256], again[256];
	const char *log;
	uint8_t m[KEY_BYTES];
	struct keys k, k2;
	struct stat st;
	size_t len, len2, i;
	mode_t old;
	int r;

	tmppath(path, sizeof(path), "create.key");
	/* a permissive umask must not loosen the mode */
	old = umask(0);
	r = keyfile_create(path);
	umask(old);
	assert_int_equal(r, 0);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, 65);

	read_all(path, data, sizeof(data), &len);
	assert_int_equal(len, 65);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", data[i]));
	assert_int_equal(data[64], '\n');

	assert_int_equal(keys_load(&k, path), 0);
	data[64] = '\0';
	unhex(m, sizeof(m), data);
	data[64] = '\n';
	assert_memory_equal(k.master, m, KEY_BYTES);
	assert_false(sodium_is_zero(k.seal, KEY_BYTES));
	/* loading is deterministic: same file, same keys */
	assert_int_equal(keys_load(&k2, path), 0);
	assert_memory_equal(&k, &k2, sizeof(k));

	/* never overwritten */
	capture_begin();
	r = keyfile_create(path);
	log = capture_end();
	assert_int_equal(r, -1);
	assert_non_null(strstr(log, "already exists"));
	assert_non_null(strstr(log, path));
	read_all(path, again, sizeof(again), &len2);
	assert_int_equal(len2, 65);
	assert_memory_equal(again, data, 65);

	/* each new file holds a new key */
	tmppath(path, sizeof(path), "create2.key");
	assert_int_equal(keyfile_create(path), 0);
	assert_int_equal(keys_load(&k2, path), 0);
	assert_memory_not_equal(k.master, k2.master, KEY_BYTES);
	keys_wipe(&k);
	keys_wipe(&k2);
}

static void
test_keyfile_create_refuses_links(void **state)
{
	char link[PATH_MAX], target[PATH_MAX], path[PATH_MAX];
	const char *log;
	int r;

	/* a dangling symlink planted at the path is not followed */
	tmppath(link, sizeof(link), "planted.key");
	tmppath(target, sizeof(target), "elsewhere");
	assert_int_equal(symlink(target, link), 0);
	capture_begin();
	r = keyfile_create(link);
	capture_end();
	assert_int_equal(r, -1);
	assert_int_equal(access(target, F_OK), -1);
	assert_int_equal(errno, ENOENT);

	/* an unwritable place gives a message naming the path */
	tmppath(path, sizeof(path), "no-such-dir/lookout.key");
	capture_begin();
	r = keyfile_create(path);
	log = capture_end();
	assert_int_equal(r, -1);
	assert_non_null(strstr(log, "cannot create key file"));
	assert_non_null(strstr(log, path));
}

static void
test_keyfile_mode(void **state)
{
	static const struct {
		mode_t		 mode;
		const char	*why;
	} bad[] = {
		{ 0644, "readable by group or others" },
		{ 0640, "readable by group or others" },
		{ 0604, "readable by group or others" },
		{ 0666, "readable by group or others" },
		{ 0620, "writable" },
		{ 0602, "writable" },
		{ 0610, "group or others" },
	};
	char path[PATH_MAX], want[PATH_MAX + 64];
	const char *log;
	struct keys k;
	size_t i;
	int r;

	tmppath(path, sizeof(path), "mode.key");
	assert_int_equal(keyfile_create(path), 0);
	snprintf(want, sizeof(want), "run chmod 600 '%s'", path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(chmod(path, bad[i].mode), 0);
		memset(&k, 0xaa, sizeof(k));
		capture_begin();
		r = keys_load(&k, path);
		log = capture_end();
		if (r != -1)
			fail_msg("mode %o accepted", (unsigned)bad[i].mode);
		assert_non_null(strstr(log, bad[i].why));
		assert_non_null(strstr(log, want));
		/* nothing half-loaded is left behind */
		assert_true(sodium_is_zero((const uint8_t *)&k, sizeof(k)));
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(keys_load(&k, path), 0);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(keys_load(&k, path), 0);
	keys_wipe(&k);
}

static void
test_keyfile_missing(void **state)
{
	char path[PATH_MAX], want[PATH_MAX + 64];
	const char *log;
	struct keys k;
	int r;

	tmppath(path, sizeof(path), "absent.key");
	capture_begin();
	r = keys_load(&k, path);
	log = capture_end();
	assert_int_equal(r, -1);
	snprintf(want, sizeof(want), "key file '%s' is missing (run lookout "
	    "init, or set LOOKOUT_KEY)", path);
	assert_non_null(strstr(log, want));
}

static void
test_keyfile_not_regular(void **state)
{
	char path[PATH_MAX];
	const char *log;
	struct keys k;
	int r;

	tmppath(path, sizeof(path), "dir.key");
	assert_int_equal(mkdir(path, 0700), 0);
	capture_begin();
	r = keys_load(&k, path);
	log = capture_end();
	assert_int_equal(r, -1);
	assert_non_null(strstr(log, "not a regular file"));

	/* a FIFO is refused, not waited on */
	tmppath(path, sizeof(path), "fifo.key");
	assert_int_equal(mkfifo(path, 0600), 0);
	capture_begin();
	r = keys_load(&k, path);
	log = capture_end();
	assert_int_equal(r, -1);
	assert_non_null(strstr(log, "not a regular file"));
}

static void
test_keyfile_malformed(void **state)
{
	static const char *bad[] = {
		"",
		"\n",
		/* 63 digits */
		"00010203040506070809" "0a0b0c0d0e0f10111213"
		"1415161718191a1b1c1d" "1e1\n",
		/* 65 digits */
		KEY_A "0\n",
		/* a non-hex digit */
		"g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d"
		"1e1f\n",
		KEY_A "\njunk\n",
		KEY_A " 00\n",
		"0x" KEY_A "\n",
		KEY_A KEY_A "\n",
		"0001020304050607 08090a0b0c0d0e0f101112131415161718191a1b1c1d"
		"1e1f\n",
	};
	char path[PATH_MAX], big[300];
	uint8_t raw[KEY_BYTES];
	const char *log;
	struct keys k;
	size_t i;
	int r;

	tmppath(path, sizeof(path), "malformed.key");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path, bad[i], strlen(bad[i]), 0600);
		capture_begin();
		r = keys_load(&k, path);
		log = capture_end();
		if (r != -1)
			fail_msg("accepted key file #%zu", i);
		assert_non_null(strstr(log, "is malformed"));
		/* the message never echoes the contents */
		assert_null(strstr(log, "0a0b0c0d"));
	}

	/* the raw 32 bytes instead of hex */
	unhex(raw, sizeof(raw), KEY_A);
	write_file(path, raw, sizeof(raw), 0600);
	capture_begin();
	r = keys_load(&k, path);
	capture_end();
	assert_int_equal(r, -1);

	/* a large file, even one starting with a good key */
	memset(big, '\n', sizeof(big));
	memcpy(big, KEY_A, 64);
	write_file(path, big, sizeof(big), 0600);
	capture_begin();
	r = keys_load(&k, path);
	capture_end();
	assert_int_equal(r, -1);

	/* what keyfile_create writes, and the harmless variations of it */
	write_file(path, KEY_A "\n", 65, 0600);
	assert_int_equal(keys_load(&k, path), 0);
	assert_hex(k.master, KEY_BYTES, KEY_A);
	assert_hex(k.seal, KEY_BYTES, KAT_SEAL);
	write_file(path, KEY_A, 64, 0600);
	assert_int_equal(keys_load(&k, path), 0);
	assert_hex(k.master, KEY_BYTES, KEY_A);
	write_file(path, KEY_A "\r\n", 66, 0600);
	assert_int_equal(keys_load(&k, path), 0);
	assert_hex(k.master, KEY_BYTES, KEY_A);
	keys_wipe(&k);
}

static void
test_env_override(void **state)
{
	static const char *bad[] = {
		"", "   ", "abc", KEY_A "0", "0x" KEY_A, KEY_A "x",
		"0001020304050607 08090a0b0c0d0e0f101112131415161718191a1b1c1d"
		"1e1f",
	};
	char path[PATH_MAX], missing[PATH_MAX];
	struct keys k, fromfile;
	const char *log;
	size_t i;
	int r;

	tmppath(path, sizeof(path), "env.key");
	tmppath(missing, sizeof(missing), "env-missing.key");
	assert_int_equal(keyfile_create(path), 0);
	assert_int_equal(keys_load(&fromfile, path), 0);

	/* the variable is used when set, with or without a key file */
	assert_int_equal(setenv("LOOKOUT_KEY", " \t" KEY_B "\n ", 1), 0);
	assert_int_equal(keys_load(&k, missing), 0);
	assert_hex(k.master, KEY_BYTES, KEY_B);
	assert_int_equal(keys_load(&k, path), 0);
	assert_hex(k.master, KEY_BYTES, KEY_B);
	assert_memory_not_equal(k.master, fromfile.master, KEY_BYTES);
	assert_memory_not_equal(k.seal, fromfile.seal, KEY_BYTES);

	assert_int_equal(setenv("LOOKOUT_KEY", KEY_A, 1), 0);
	assert_int_equal(keys_load(&k, missing), 0);
	assert_memory_equal(&k, &K, sizeof(k));

	/* a bad variable is an error, not a fall-back to the file */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(setenv("LOOKOUT_KEY", bad[i], 1), 0);
		capture_begin();
		r = keys_load(&k, path);
		log = capture_end();
		if (r != -1)
			fail_msg("accepted LOOKOUT_KEY '%s'", bad[i]);
		assert_non_null(strstr(log, "LOOKOUT_KEY"));
		assert_null(strstr(log, "0a0b0c0d"));
	}

	/* unset, the file is used again */
	assert_int_equal(unsetenv("LOOKOUT_KEY"), 0);
	assert_int_equal(keys_load(&k, path), 0);
	assert_memory_equal(&k, &fromfile, sizeof(k));
	keys_wipe(&k);
	keys_wipe(&fromfile);
}

static void
test_hash_ident(void **state)
{
	static const char data[] = "phone\0+16045550142";
	uint8_t a[HASH_BYTES], b[HASH_BYTES], c[HASH_BYTES];
	struct keys other;

	hash_ident(&K, "phone", "+16045550142", a);
	assert_hex(a, HASH_BYTES,
	    "dc84ed41eba949f0c544e3b190640dc597b5f1a736ec7314c0bdbd8748b49a2c");
	hash_keyed(K.ident, data, sizeof(data) - 1, b);
	assert_memory_equal(a, b, HASH_BYTES);
	hash_ident(&K, "phone", "+16045550142", b);
	assert_memory_equal(a, b, HASH_BYTES);

	/* the same value under another kind is another identifier */
	hash_ident(&K, "handle", "+16045550142", b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	hash_ident(&K, "email", "jsmith@gmail.com", b);
	hash_ident(&K, "handle", "jsmith@gmail.com", c);
	assert_memory_not_equal(b, c, HASH_BYTES);
	/* kind and value are delimited */
	hash_ident(&K, "ab", "c", b);
	hash_ident(&K, "a", "bc", c);
	assert_memory_not_equal(b, c, HASH_BYTES);
	hash_ident(&K, "phone", "+16045550143", b);
	assert_memory_not_equal(a, b, HASH_BYTES);

	/* keyed: another key, or no key, gives another hash */
	keys_from_master(&other, K.feed);
	hash_ident(&other, "phone", "+16045550142", b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	hash_plain(data, sizeof(data) - 1, b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	keys_wipe(&other);
}

static void
test_hash_name(void **state)
{
	uint8_t a[HASH_BYTES], b[HASH_BYTES];

	hash_name(&K, "alice", a);
	assert_hex(a, HASH_BYTES,
	    "a7c6ebcf895eae188e37530cb814a7798fd9972905452d39a97626b2fdf6874a");
	hash_keyed(K.name, "alice", 5, b);
	assert_memory_equal(a, b, HASH_BYTES);
	/* hashed as given: lower-casing is the caller's job */
	hash_name(&K, "Alice", b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	/* the name key is not the identifier key */
	hash_ident(&K, "", "alice", b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	hash_keyed(K.ident, "alice", 5, b);
	assert_memory_not_equal(a, b, HASH_BYTES);
}

static void
test_hash_plain(void **state)
{
	uint8_t a[HASH_BYTES], b[HASH_BYTES];

	hash_plain("abc", 3, a);
	assert_hex(a, HASH_BYTES,
	    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
	token_hash("abc", b);
	assert_memory_equal(a, b, HASH_BYTES);
	token_hash("abd", b);
	assert_memory_not_equal(a, b, HASH_BYTES);
	hash_plain("", 0, b);
	assert_memory_not_equal(a, b, HASH_BYTES);
}

static void
test_password(void **state)
{
	char h1[crypto_pwhash_STRBYTES], h2[crypto_pwhash_STRBYTES];
	char small[64];
	int r;

	assert_int_equal(password_hash("correct horse battery", h1,
	    sizeof(h1)), 0);
	/* Argon2id at the interactive limits: 64 MiB, 2 passes */
	assert_int_equal(strncmp(h1, "$argon2id$v=19$m=65536,t=2,p=1$", 31),
	    0);
	assert_int_equal(password_verify(h1, "correct horse battery"), 0);
	assert_int_equal(password_verify(h1, "correct horse batterz"), -1);
	assert_int_equal(password_verify(h1, "Correct horse battery"), -1);
	assert_int_equal(password_verify(h1, "correct horse"), -1);
	assert_int_equal(password_verify(h1, "correct horse battery "), -1);
	assert_int_equal(password_verify(h1, ""), -1);

	/* salted: the same password hashes differently each time */
	assert_int_equal(password_hash("correct horse battery", h2,
	    sizeof(h2)), 0);
	assert_string_not_equal(h1, h2);
	assert_int_equal(password_verify(h2, "correct horse battery"), 0);

	/* bad stored values and a short output buffer fail cleanly */
	assert_int_equal(password_verify("", "x"), -1);
	assert_int_equal(password_verify("garbage", "garbage"), -1);
	assert_int_equal(password_verify("$argon2id$v=19$m=65536,t=2,p=1$",
	    "x"), -1);
	capture_begin();
	r = password_hash("correct horse battery", small, sizeof(small));
	capture_end();
	assert_int_equal(r, -1);
	sodium_memzero(h1, sizeof(h1));
	sodium_memzero(h2, sizeof(h2));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_tokens(void **state)
{
	enum { N = 2000 };
	static char toks[N][TOKEN_CHARS + 1];
	static char *sorted[N];
	uint8_t h1[HASH_BYTES], h2[HASH_BYTES];
	size_t i, j;

	for (i = 0; i < N; i++) {
		memset(toks[i], '#', sizeof(toks[i]));
		token_new(toks[i]);
		assert_int_equal(strlen(toks[i]), TOKEN_CHARS);
		for (j = 0; j < TOKEN_CHARS; j++)
			assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "abcdefghijklmnopqrstuvwxyz0123456789-_",
			    toks[i][j]));
		sorted[i] = toks[i];
	}
	qsort(sorted, N, sizeof(sorted[0]), cmp_str);
	for (i = 1; i < N; i++)
		assert_string_not_equal(sorted[i - 1], sorted[i]);

	token_hash(toks[0], h1);
	token_hash(toks[1], h2);
	assert_memory_not_equal(h1, h2, HASH_BYTES);
	hash_plain(toks[0], TOKEN_CHARS, h2);
	assert_memory_equal(h1, h2, HASH_BYTES);
}

static void
test_csrf(void **state)
{
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1], c[TOKEN_CHARS + 1];
	char cookie[TOKEN_CHARS + 1];
	struct keys other;

	csrf_token(&K, "cookie-value", a);
	assert_string_equal(a, "FbqRvJkHJoTj9rw8guAGkob9N0AdGpj4HKJSluQVsR8");

	/* deterministic per cookie, different across cookies */
	token_new(cookie);
	csrf_token(&K, cookie, a);
	csrf_token(&K, cookie, b);
	assert_int_equal(strlen(a), TOKEN_CHARS);
	assert_string_equal(a, b);
	assert_string_not_equal(a, cookie);
	cookie[TOKEN_CHARS - 1] = cookie[TOKEN_CHARS - 1] == 'A' ? 'B' : 'A';
	csrf_token(&K, cookie, c);
	assert_string_not_equal(a, c);
	csrf_token(&K, "", c);
	assert_int_equal(strlen(c), TOKEN_CHARS);
	assert_string_not_equal(a, c);

	/* bound to the key: another installation derives other tokens */
	keys_from_master(&other, K.feed);
	csrf_token(&other, "cookie-value", b);
	csrf_token(&K, "cookie-value", a);
	assert_string_not_equal(a, b);
	keys_wipe(&other);
}

static void
test_token_equal(void **state)
{
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1];

	token_new(a);
	memcpy(b, a, sizeof(a));
	assert_int_equal(token_equal(a, b), 1);
	b[TOKEN_CHARS - 1] ^= 1;
	assert_int_equal(token_equal(a, b), 0);
	memcpy(b, a, sizeof(a));
	b[0] ^= 1;
	assert_int_equal(token_equal(a, b), 0);
	memcpy(b, a, sizeof(a));
	b[TOKEN_CHARS - 1] = '\0';	/* a prefix */
	assert_int_equal(token_equal(a, b), 0);
	assert_int_equal(token_equal(b, a), 0);
	assert_int_equal(token_equal("abc", "abc"), 1);
	assert_int_equal(token_equal("abc", "abcd"), 0);
	/* a missing token never matches, not even another missing one */
	assert_int_equal(token_equal("", ""), 0);
	assert_int_equal(token_equal("", a), 0);
	assert_int_equal(token_equal(a, ""), 0);
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void
test_random_id(void **state)
{
	enum { N = 20000 };
	static int64_t ids[N];
	const int64_t limit = (int64_t)1 << 53;
	int high = 0;
	size_t i;

	for (i = 0; i < N; i++) {
		ids[i] = random_id();
		assert_true(ids[i] >= 1);
		assert_true(ids[i] < limit);
		if (ids[i] >= limit / 2)
			high++;
	}
	/* the top bit of the range is used, roughly half the time */
	assert_true(high > N / 3 && high < 2 * N / 3);
	qsort(ids, N, sizeof(ids[0]), cmp_id);
	for (i = 1; i < N; i++)
		assert_true(ids[i - 1] != ids[i]);
}

static void
test_random_bytes(void **state)
{
	uint8_t a[32], b[32];

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	random_bytes(a, sizeof(a));
	random_bytes(b, sizeof(b));
	assert_false(sodium_is_zero(a, sizeof(a)));
	assert_memory_not_equal(a, b, sizeof(a));
	random_bytes(a, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seal_init),
		cmocka_unit_test(test_derivation),
		cmocka_unit_test(test_seal_roundtrip),
		cmocka_unit_test(test_seal_empty),
		cmocka_unit_test(test_seal_large),
		cmocka_unit_test(test_seal_known_answer),
		cmocka_unit_test(test_seal_tamper),
		cmocka_unit_test(test_seal_binding),
		cmocka_unit_test(test_seal_wrong_key),
		cmocka_unit_test(test_seal_truncated),
		cmocka_unit_test(test_seal_cap),
		cmocka_unit_test(test_keyfile_create),
		cmocka_unit_test(test_keyfile_create_refuses_links),
		cmocka_unit_test(test_keyfile_mode),
		cmocka_unit_test(test_keyfile_missing),
		cmocka_unit_test(test_keyfile_not_regular),
		cmocka_unit_test(test_keyfile_malformed),
		cmocka_unit_test(test_env_override),
		cmocka_unit_test(test_hash_ident),
		cmocka_unit_test(test_hash_name),
		cmocka_unit_test(test_hash_plain),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_random_id),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
