/*
 * config.h: DIR/lookout.conf, "key = value" lines, '#' starts a comment.
 * Unknown keys and bad values are errors that name the line; flags given
 * on the command line override the file.
 */
#ifndef LOOKOUT_CONFIG_H
#define LOOKOUT_CONFIG_H

#include <stddef.h>

#define CONFIG_STR	256

struct config {
	char	listen_host[64];
	int	listen_port;
	char	db[CONFIG_STR];
	char	public_url[CONFIG_STR];
	char	default_country[3];
	int	retention_months;
	int	k_anonymity;
	int	screen_per_minute;	/* screens per account per minute */
	char	paper_size[8];
	char	smtp_url[CONFIG_STR];
	char	smtp_from[CONFIG_STR];
	char	smtp_user[CONFIG_STR];
	char	smtp_password[CONFIG_STR];
	char	sms_gateway_url[CONFIG_STR];
	char	sms_gateway_user[CONFIG_STR];
	char	sms_gateway_password[CONFIG_STR];
	char	sms_inbound_secret[CONFIG_STR];
	int	tls;		/* cookies get Secure when set */
};

void	config_defaults(struct config *c);
/* Read path into c. A missing file is fine (defaults stay). On an error
 * returns -1 with "lookout.conf line N: ..." in err. */
int	config_load(struct config *c, const char *path, char *err,
	    size_t errlen);
/* Apply one key = value pair; used by the file reader and by flags. */
int	config_set(struct config *c, const char *key, const char *value,
	    char *err, size_t errlen);
/* "HOST:PORT" into listen_host and listen_port. */
int	config_set_listen(struct config *c, const char *hostport, char *err,
	    size_t errlen);

#endif
