/*
 * status.c: which message an HTML error page shows for a status.
 * Kept apart from the page code so it has no dependencies at all.
 */
#include "web/web.h"
#include "util/banned.h"

const char *
web_status_msgid(int status)
{
	switch (status) {
	case 400:	return WEB_MSG_BAD_REQUEST;
	case 401:	return WEB_MSG_SIGN_IN;
	case 403:	return WEB_MSG_FORBIDDEN;
	case 404:	return WEB_MSG_NOT_FOUND;
	case 405:	return WEB_MSG_METHOD;
	case 413:	return WEB_MSG_TOO_LARGE;
	case 429:	return WEB_MSG_TOO_MANY;
	case 503:	return WEB_MSG_BUSY;
	}
	return status >= 400 && status < 500 ? WEB_MSG_BAD_REQUEST :
	    WEB_MSG_INTERNAL;
}
