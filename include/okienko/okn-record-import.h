/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record-import.h: records read from JSON text (okienkoctl register
 * --json, scripts importing e-mail and ePUAP): one object, an array, or
 * several objects one after the other (NDJSON), none quietly dropped.
 * Contract: docs/internals/record.md ("Importing JSON")
 */
#pragma once

#include <glib.h>

#include "okienko/okn-record.h"

G_BEGIN_DECLS

typedef enum
{
  OKN_RECORD_IMPORT_OBJECT,   /* one object */
  OKN_RECORD_IMPORT_ARRAY,    /* one array of objects */
  OKN_RECORD_IMPORT_NDJSON,   /* several values one after the other */
} OknRecordImportShape;

GPtrArray *okn_record_import_json (const char           *data,
                                   gsize                 len,
                                   OknRecordImportShape *shape,
                                   GError              **error);

G_END_DECLS
