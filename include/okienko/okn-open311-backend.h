/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-backend.h: Open311 GeoReport v2 as the sync engine's back end
 *
 * An OknBackend over an OknOpen311Client: the client's error classes
 * become the back end's (a POST answered 500 or 409 is an unknown outcome),
 * a search reads ticket markers out of the requests' descriptions.
 * Contract: docs/internals/backend.md, docs/internals/open311.md
 */
#pragma once

#include "okienko/okn-backend.h"
#include "okienko/okn-config.h"

G_BEGIN_DECLS

#define OKN_TYPE_OPEN311_BACKEND (okn_open311_backend_get_type ())

G_DECLARE_FINAL_TYPE (OknOpen311Backend, okn_open311_backend, OKN, OPEN311_BACKEND, GObject)

OknBackend *okn_open311_backend_new (OknConfig *config,
                                     GError   **error);

G_END_DECLS
