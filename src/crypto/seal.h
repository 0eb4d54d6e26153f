/*
 * seal.h: every cryptographic operation lookout performs, over libsodium.
 *
 * One 32-byte master key lives outside the database: in DIR/lookout.key
 * (mode 0600, 64 hex digits and a newline) or in the LOOKOUT_KEY
 * environment variable (the same 64 hex digits). Purpose keys are derived
 * from it with crypto_kdf, so a leak of one derived key exposes nothing
 * else:
 *
 *   seal     XChaCha20-Poly1305-IETF for sealed columns
 *   ident    keyed BLAKE2b-256 for identifier lookups
 *   name     keyed BLAKE2b-256 for account-name lookups
 *   audit    keyed BLAKE2b-256 for the audit hash chain
 *   csrf     keyed BLAKE2b-256 deriving CSRF tokens from session tokens
 *   feed     keyed BLAKE2b-256 for per-member feed tokens
 *
 * A sealed value is nonce(24) || ciphertext || tag(16). Its associated
 * data is "lookout\0" table "\0" column "\0" followed by the row id as 8
 * little-endian bytes, so a value copied to another row, column or table
 * fails to open.
 *
 * struct keys is filled once at start-up and then only read, so it may be
 * shared between threads. keys_wipe() zeroes it at shutdown.
 */
#ifndef LOOKOUT_SEAL_H
#define LOOKOUT_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define KEY_BYTES	32
#define HASH_BYTES	32	/* keyed and plain hashes */
#define TOKEN_BYTES	32	/* random session and API tokens */
#define TOKEN_CHARS	43	/* TOKEN_BYTES in unpadded base64url */
#define SEAL_OVERHEAD	(24 + 16)

struct keys {
	uint8_t	master[KEY_BYTES];
	uint8_t	seal[KEY_BYTES];
	uint8_t	ident[KEY_BYTES];
	uint8_t	name[KEY_BYTES];
	uint8_t	audit[KEY_BYTES];
	uint8_t	csrf[KEY_BYTES];
	uint8_t	feed[KEY_BYTES];
};

/* sodium_init(); -1 when libsodium cannot start. */
int	seal_init(void);

/* Create DIR/lookout.key with a fresh key, mode 0600, O_EXCL: -1 (and a
 * logged message) if it exists or cannot be written. */
int	keyfile_create(const char *path);

/*
 * Load the master key: from LOOKOUT_KEY when set, else from path. Refuses
 * (-1 with a clear logged message) a missing file, a file readable or
 * writable by group or others, or malformed contents. Derives the purpose
 * keys into *k.
 */
int	keys_load(struct keys *k, const char *path);
void	keys_from_master(struct keys *k, const uint8_t master[KEY_BYTES]);
void	keys_wipe(struct keys *k);

/* Seal len bytes of pt for (table, column, row). Appends to out. */
int	seal_value(const struct keys *k, const char *table, const char *column,
	    int64_t row, const void *pt, size_t len, struct buf *out);
/* Open a sealed value; appends the plaintext to out. -1 when it does not
 * authenticate for (table, column, row). Wipe out when done. */
int	seal_open(const struct keys *k, const char *table, const char *column,
	    int64_t row, const void *ct, size_t len, struct buf *out);

/* Keyed hashes. out receives HASH_BYTES. */
void	hash_ident(const struct keys *k, const char *kind, const char *norm,
	    uint8_t out[HASH_BYTES]);
void	hash_name(const struct keys *k, const char *name,
	    uint8_t out[HASH_BYTES]);
void	hash_keyed(const uint8_t key[KEY_BYTES], const void *data, size_t len,
	    uint8_t out[HASH_BYTES]);
/* Unkeyed BLAKE2b-256, for token lookups. */
void	hash_plain(const void *data, size_t len, uint8_t out[HASH_BYTES]);

/* Argon2id at libsodium's interactive limits; out is a NUL-terminated
 * crypto_pwhash_STRBYTES string. */
int	password_hash(const char *pw, char *out, size_t outlen);
/* 0 when pw matches, -1 otherwise. */
int	password_verify(const char *stored, const char *pw);

/* A fresh random token as TOKEN_CHARS base64url chars plus NUL. */
void	token_new(char out[TOKEN_CHARS + 1]);
/* Hash of a presented token, for storage and lookup. */
void	token_hash(const char *token, uint8_t out[HASH_BYTES]);
/* CSRF token for a session (or pre-session) cookie value: base64url of
 * keyed BLAKE2b; out holds TOKEN_CHARS + 1. */
void	csrf_token(const struct keys *k, const char *cookie,
	    char out[TOKEN_CHARS + 1]);
/* Constant-time comparison of two NUL-terminated tokens: 1 when they are
 * equal, 0 otherwise (a predicate, like utf8_valid). An empty string
 * never matches, so a missing token cannot equal a missing one. */
int	token_equal(const char *a, const char *b);

/* Random non-negative id in [1, 2^53), so JSON clients keep it exact. */
int64_t	random_id(void);
/* Random bytes. */
void	random_bytes(void *p, size_t n);

#endif
