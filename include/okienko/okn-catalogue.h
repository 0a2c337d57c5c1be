/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-catalogue.h: the report categories from a file, for a station that
 * starts without the network
 *
 * `okienkoctl services import FILE` reads the Open311 catalogue as the
 * server would send it (services.json, with the definitions of the
 * categories that have attributes) and caches it as a fetch would; the
 * desk and the kiosk see it within seconds. Contract:
 * docs/internals/catalogue.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_CATALOGUE_ERROR (okn_catalogue_error_quark ())

typedef enum
{
  OKN_CATALOGUE_ERROR_IO,       /* the file cannot be read */
  OKN_CATALOGUE_ERROR_INVALID,  /* not a catalogue: the message says where */
} OknCatalogueError;

/* Larger than any city's catalogue with its definitions. */
#define OKN_CATALOGUE_MAX_BYTES (8 * 1024 * 1024)

GQuark     okn_catalogue_error_quark (void);

GPtrArray *okn_catalogue_parse       (const char *text,
                                      gsize       len,
                                      GError    **error);
gboolean   okn_catalogue_import      (OknStore   *store,
                                      const char *path,
                                      guint      *n_services,
                                      GError    **error);

G_END_DECLS
