#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "util/limits.h"
#include "util/parse.h"
#include "util/banned.h"

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->listen_port = 8080;
	snprintf(c->default_country, sizeof(c->default_country), "CA");
	c->retention_months = 24;
	c->k_anonymity = 5;
	c->screen_per_minute = LIMIT_SCREEN_PER_MIN;
	snprintf(c->paper_size, sizeof(c->paper_size), "A4");
}

static int
set_str(char *dst, size_t dstlen, const char *key, const char *value,
    char *err, size_t errlen)
{
	size_t n = strlen(value);

	if (n >= dstlen) {
		snprintf(err, errlen, "'%s' is longer than %zu characters", key,
		    dstlen - 1);
		return -1;
	}
	if (!text_valid(value, n, 0)) {
		snprintf(err, errlen, "'%s' holds control characters or "
		    "invalid UTF-8", key);
		return -1;
	}
	memcpy(dst, value, n + 1);
	return 0;
}

static int
set_int(int *dst, const char *key, const char *value, long long min,
    long long max, char *err, size_t errlen)
{
	const char *why;
	long long v;

	if (parse_int(value, min, max, &v, &why) == -1) {
		snprintf(err, errlen, "'%s' must be a whole number from %lld "
		    "to %lld (%s)", key, min, max, why);
		return -1;
	}
	*dst = (int)v;
	return 0;
}

int
config_set_listen(struct config *c, const char *hostport, char *err,
    size_t errlen)
{
	const char *colon = strrchr(hostport, ':');
	const char *why;
	long long port;
	size_t hl;

	if (colon == NULL || colon == hostport) {
		snprintf(err, errlen, "listen address '%s' must be HOST:PORT, "
		    "for example 127.0.0.1:8080", hostport);
		return -1;
	}
	hl = (size_t)(colon - hostport);
	if (hl >= sizeof(c->listen_host)) {
		snprintf(err, errlen, "listen host is too long");
		return -1;
	}
	if (parse_int(colon + 1, 0, 65535, &port, &why) == -1) {
		snprintf(err, errlen, "listen port '%s' must be a number from "
		    "0 to 65535", colon + 1);
		return -1;
	}
	memcpy(c->listen_host, hostport, hl);
	c->listen_host[hl] = '\0';
	c->listen_port = (int)port;
	return 0;
}

int
config_set(struct config *c, const char *key, const char *v, char *err,
    size_t errlen)
{
	if (strcmp(key, "listen") == 0)
		return config_set_listen(c, v, err, errlen);
	if (strcmp(key, "db") == 0) {
		if (*v != '\0' && strncmp(v, "postgresql://", 13) != 0 &&
		    strncmp(v, "postgres://", 11) != 0) {
			snprintf(err, errlen, "'db' must be empty (SQLite in "
			    "the data dir) or a postgresql:// URL");
			return -1;
		}
		return set_str(c->db, sizeof(c->db), key, v, err, errlen);
	}
	if (strcmp(key, "public_url") == 0)
		return set_str(c->public_url, sizeof(c->public_url), key, v,
		    err, errlen);
	if (strcmp(key, "default_country") == 0) {
		if (strlen(v) != 2 || v[0] < 'A' || v[0] > 'Z' ||
		    v[1] < 'A' || v[1] > 'Z') {
			snprintf(err, errlen, "'default_country' must be a "
			    "two-letter country code such as CA");
			return -1;
		}
		return set_str(c->default_country, sizeof(c->default_country),
		    key, v, err, errlen);
	}
	if (strcmp(key, "retention_months") == 0)
		return set_int(&c->retention_months, key, v, 1, 1200, err,
		    errlen);
	if (strcmp(key, "k_anonymity") == 0)
		return set_int(&c->k_anonymity, key, v, 1, 1000, err, errlen);
	if (strcmp(key, "screen_per_minute") == 0)
		return set_int(&c->screen_per_minute, key, v, 1, 1000000000,
		    err, errlen);
	if (strcmp(key, "paper_size") == 0) {
		if (strcmp(v, "A4") != 0 && strcmp(v, "Letter") != 0) {
			snprintf(err, errlen, "'paper_size' must be A4 or "
			    "Letter");
			return -1;
		}
		return set_str(c->paper_size, sizeof(c->paper_size), key, v,
		    err, errlen);
	}
#define STR_KEY(k) \
	if (strcmp(key, #k) == 0) \
		return set_str(c->k, sizeof(c->k), key, v, err, errlen)
	STR_KEY(smtp_url);
	STR_KEY(smtp_from);
	STR_KEY(smtp_user);
	STR_KEY(smtp_password);
	STR_KEY(sms_gateway_url);
	STR_KEY(sms_gateway_user);
	STR_KEY(sms_gateway_password);
	STR_KEY(sms_inbound_secret);
#undef STR_KEY
	snprintf(err, errlen, "unknown key '%s'", key);
	return -1;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int
config_load(struct config *c, const char *path, char *err, size_t errlen)
{
	char line[LIMIT_CONF_LINE + 2], why[256];
	char *p, *eq, *key, *val, *hash;
	FILE *f;
	int lineno = 0, rc = -1;

	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s line %d: line is longer "
			    "than %d characters", path, lineno,
			    LIMIT_CONF_LINE);
			goto out;
		}
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errlen, "%s line %d: expected "
			    "'key = value'", path, lineno);
			goto out;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (config_set(c, key, val, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s line %d: %s", path, lineno,
			    why);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	return rc;
}
