/*
 * curl.c: libcurl, loaded when first needed (curl_int.h).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

#define NOTIFY_CURL_IMPL
#include "notify/curl_int.h"
#include "util/log.h"
#include "util/banned.h"

#ifndef NOTIFY_CURL_SONAME
#error "NOTIFY_CURL_SONAME: the build names the libcurl lookout uses"
#endif

struct notify_curl notify_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded = -1;

/* dlsym's void * into a function pointer of the right type. */
#define SYM(field, name)						\
	do {								\
		void *p_ = dlsym(h, name);				\
		if (p_ == NULL)						\
			goto missing;					\
		memcpy(&c.field, &p_, sizeof(p_));			\
	} while (0)

static void
load(void)
{
	struct notify_curl c;
	void *h;

	memset(&c, 0, sizeof(c));
	if ((h = dlopen(NOTIFY_CURL_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_error("cannot load libcurl (%s): %s; email and SMS cannot "
		    "be sent (install the libcurl package lookout was built "
		    "with)", NOTIFY_CURL_SONAME, dlerror());
		return;
	}
	SYM(global_init, "curl_global_init");
	SYM(easy_init, "curl_easy_init");
	SYM(easy_setopt, "curl_easy_setopt");
	SYM(easy_perform, "curl_easy_perform");
	SYM(easy_getinfo, "curl_easy_getinfo");
	SYM(easy_reset, "curl_easy_reset");
	SYM(easy_cleanup, "curl_easy_cleanup");
	SYM(easy_strerror, "curl_easy_strerror");
	SYM(easy_escape, "curl_easy_escape");
	SYM(free, "curl_free");
	SYM(slist_append, "curl_slist_append");
	SYM(slist_free_all, "curl_slist_free_all");
	notify_curl = c;
	loaded = 0;
	return;
missing:
	log_error("%s is not a usable libcurl: %s", NOTIFY_CURL_SONAME,
	    dlerror());
	dlclose(h);
}

int
notify_curl_load(void)
{
	pthread_once(&once, load);
	return loaded;
}
