/*
 * keyfile.c: the master key, its file, and the purpose keys derived from
 * it. Losing the key file means losing every sealed field, so creation
 * is durable (fsync of the file and its directory) and never overwrites.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/seal.h"
#include "util/log.h"
#include "util/banned.h"

#define KEY_HEX		(KEY_BYTES * 2)
/* Room for the key, a newline and some stray whitespace; anything longer
 * is not a key file. */
#define KEYFILE_MAX	128

/* crypto_kdf context: "lookout" and its NUL are exactly 8 bytes. */
static const char kdf_context[crypto_kdf_CONTEXTBYTES] = "lookout";

enum subkey_id {
	SUBKEY_SEAL = 1,
	SUBKEY_IDENT,
	SUBKEY_NAME,
	SUBKEY_AUDIT,
	SUBKEY_CSRF,
	SUBKEY_FEED,
};

_Static_assert(crypto_kdf_KEYBYTES == KEY_BYTES, "kdf key size");
_Static_assert(sizeof("lookout") == crypto_kdf_CONTEXTBYTES, "kdf context");

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/* 64 hex digits, optionally surrounded by whitespace, into out. */
static int
parse_key(const char *s, size_t len, uint8_t out[KEY_BYTES])
{
	size_t i, binlen = 0;
	const char *end = NULL;

	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space(s[len - 1]))
		len--;
	if (len != KEY_HEX)
		return -1;
	for (i = 0; i < len; i++)
		if (!is_hex(s[i]))
			return -1;
	if (sodium_hex2bin(out, KEY_BYTES, s, len, NULL, &binlen, &end) != 0 ||
	    binlen != KEY_BYTES || end != s + len)
		return -1;
	return 0;
}

/* write(2) all of p, retrying short writes and EINTR. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Make the new directory entry durable. Some filesystems cannot fsync a
 * directory; the file itself is already on disk, so only warn. */
static void
sync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd;

	if (slash == NULL) {
		dir[0] = '.';
		n = 1;
	} else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
	}
	dir[n] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1)
		return;
	if (fsync(fd) == -1 && errno != EINVAL)
		log_warn("cannot sync directory '%s': %s", dir,
		    strerror(errno));
	close(fd);
}

int
keyfile_create(const char *path)
{
	uint8_t key[KEY_BYTES];
	char hex[KEY_HEX + 2];
	int fd, ret = -1, created = 0;

	fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			log_error("key file '%s' already exists; refusing to "
			    "overwrite it (sealed data needs the old key)",
			    path);
		else
			log_error("cannot create key file '%s': %s", path,
			    strerror(errno));
		goto out;
	}
	created = 1;
	/* The mode argument is filtered by the umask, which can only
	 * remove bits; set it exactly anyway so the file never depends on
	 * the caller's umask. */
	if (fchmod(fd, 0600) == -1) {
		log_error("cannot set mode 600 on key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	hex[KEY_HEX] = '\n';
	if (write_all(fd, hex, KEY_HEX + 1) == -1) {
		log_error("cannot write key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (fsync(fd) == -1) {
		log_error("cannot sync key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		log_error("cannot close key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	fd = -1;
	sync_parent(path);
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	/* A half-written key file would only make the next start fail;
	 * remove it so that init can simply be run again. */
	if (ret == -1 && created)
		unlink(path);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(hex, sizeof(hex));
	return ret;
}

static int
load_env(const char *val, uint8_t master[KEY_BYTES])
{
	if (parse_key(val, strlen(val), master) == -1) {
		log_error("LOOKOUT_KEY is malformed: it must be 64 hex digits "
		    "(unset it to use the key file instead)");
		return -1;
	}
	return 0;
}

static int
load_file(const char *path, uint8_t master[KEY_BYTES])
{
	char data[KEYFILE_MAX + 1];
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd, ret = -1;

	/* O_NONBLOCK so that a FIFO planted at path cannot hang start-up;
	 * it is refused below as not a regular file. */
	fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			log_error("key file '%s' is missing (run lookout init, "
			    "or set LOOKOUT_KEY)", path);
		else
			log_error("cannot open key file '%s': %s (is lookout "
			    "running as the user that owns it?)", path,
			    strerror(errno));
		goto out;
	}
	/* Check the file we opened, not the name, so it cannot be swapped
	 * between the check and the read. */
	if (fstat(fd, &st) == -1) {
		log_error("cannot stat key file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("key file '%s' is not a regular file", path);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IROTH)) {
		log_error("key file '%s' is readable by group or others; run "
		    "chmod 600 '%s'", path, path);
		goto out;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		log_error("key file '%s' is writable or executable by group or "
		    "others; run chmod 600 '%s'", path, path);
		goto out;
	}
	while (len < sizeof(data)) {
		n = read(fd, data + len, sizeof(data) - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_error("cannot read key file '%s': %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > KEYFILE_MAX || parse_key(data, len, master) == -1) {
		log_error("key file '%s' is malformed: it must hold 64 hex "
		    "digits and a newline", path);
		goto out;
	}
	ret = 0;
out:
	if (fd != -1)
		close(fd);
	sodium_memzero(data, sizeof(data));
	return ret;
}

int
keys_load(struct keys *k, const char *path)
{
	uint8_t master[KEY_BYTES];
	const char *env = getenv("LOOKOUT_KEY");
	int ret = -1;

	if (env != NULL) {
		if (load_env(env, master) == -1)
			goto out;
	} else if (load_file(path, master) == -1) {
		goto out;
	}
	keys_from_master(k, master);
	ret = 0;
out:
	if (ret == -1)
		keys_wipe(k);
	sodium_memzero(master, sizeof(master));
	return ret;
}

static void
derive(uint8_t sub[KEY_BYTES], enum subkey_id id,
    const uint8_t master[KEY_BYTES])
{
	/* Only fails for an out-of-range subkey length, which KEY_BYTES
	 * is not. */
	if (crypto_kdf_derive_from_key(sub, KEY_BYTES, (uint64_t)id,
	    kdf_context, master) != 0)
		fatal("cannot derive subkey %d", (int)id);
}

void
keys_from_master(struct keys *k, const uint8_t master[KEY_BYTES])
{
	uint8_t m[KEY_BYTES];

	/* master may be k->master itself. */
	memcpy(m, master, KEY_BYTES);
	memcpy(k->master, m, KEY_BYTES);
	derive(k->seal, SUBKEY_SEAL, m);
	derive(k->ident, SUBKEY_IDENT, m);
	derive(k->name, SUBKEY_NAME, m);
	derive(k->audit, SUBKEY_AUDIT, m);
	derive(k->csrf, SUBKEY_CSRF, m);
	derive(k->feed, SUBKEY_FEED, m);
	sodium_memzero(m, sizeof(m));
}

void
keys_wipe(struct keys *k)
{
	sodium_memzero(k, sizeof(*k));
}
