/*
 * app.h: what a running lookout holds: its configuration, its keys and
 * its database pool. One struct app is built at start-up by the CLI and
 * shared read-only by every thread afterwards.
 */
#ifndef LOOKOUT_APP_H
#define LOOKOUT_APP_H

#include "core/config.h"
#include "crypto/seal.h"
#include "store/store.h"

struct app {
	struct config		 cfg;
	struct keys		 keys;
	struct store_pool	*pool;
	const char		*data_dir;
};

/* Open the data dir for serving or for a CLI command: config, key file
 * and database. On failure prints the reason to stderr and returns -1. */
int	app_open(struct app *app, const char *data_dir, int pool_size);
/* The same, with db (when not NULL) in place of the config's 'db'. */
int	app_open_db(struct app *app, const char *data_dir, int pool_size,
	    const char *db);
void	app_close(struct app *app);

#endif
