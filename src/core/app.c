#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/app.h"
#include "util/log.h"
#include "util/banned.h"

int
app_open(struct app *app, const char *dir, int pool_size)
{
	return app_open_db(app, dir, pool_size, NULL);
}

int
app_open_db(struct app *app, const char *dir, int pool_size, const char *db)
{
	char path[4096], err[512];
	struct stat st;

	memset(app, 0, sizeof(*app));
	app->data_dir = dir;
	config_defaults(&app->cfg);
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "lookout: cannot open data dir '%s': %s "
		    "(run lookout init first?)\n", dir,
		    errno ? strerror(errno) : "not a directory");
		return -1;
	}
	if (seal_init() == -1) {
		fprintf(stderr, "lookout: cannot initialise libsodium\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lookout.conf", dir);
	if (config_load(&app->cfg, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "lookout: %s\n", err);
		return -1;
	}
	/* The flag's value is checked as the file's would be; the error
	 * never echoes it (a URL may hold a password). */
	if (db != NULL &&
	    config_set(&app->cfg, "db", db, err, sizeof(err)) == -1) {
		fprintf(stderr, "lookout: --db: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/lookout.key", dir);
	if (keys_load(&app->keys, path) == -1)
		return -1;
	app->pool = store_pool_open(dir, app->cfg.db, pool_size, err,
	    sizeof(err));
	if (app->pool == NULL) {
		fprintf(stderr, "lookout: %s\n", err);
		keys_wipe(&app->keys);
		return -1;
	}
	return 0;
}

void
app_close(struct app *app)
{
	if (app->pool != NULL)
		store_pool_close(app->pool);
	app->pool = NULL;
	keys_wipe(&app->keys);
}
