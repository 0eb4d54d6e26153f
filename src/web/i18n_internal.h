/*
 * i18n_internal.h: the catalog parser and language helpers that the web
 * layer and its unit tests use. They live in src/util/i18n.c now, below
 * the web layer, so that the outbox's messages share the catalogs; this
 * header is kept so the web files need not know where.
 */
#ifndef LOOKOUT_I18N_INTERNAL_H
#define LOOKOUT_I18N_INTERNAL_H

#include "util/i18n.h"

#endif
