/*
 * api.h: helpers shared by the /api/v1 JSON handlers.
 *
 * Handlers stay thin: they read the validated request, call one core
 * function, and render its result or its error with these helpers.
 */
#ifndef LOOKOUT_API_H
#define LOOKOUT_API_H

#include "http/http.h"

/* Answer an account_rc failure with the right status and message. */
int	api_account_error(struct http_resp *w, int rc, const char *field);

/* The string member name of the validated body, or "" when absent. */
const char	*api_str(const struct http_req *r, const char *name);

#endif
