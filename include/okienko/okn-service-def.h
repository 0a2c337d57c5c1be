/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-service-def.h: a category's extra attributes (Open311 service definition)
 *
 * Parses the definition cached with the catalogue (GET services/{code}.json)
 * into attribute descriptions a form can render, and checks a record's
 * attribute values against it as the server would: required ones present,
 * numbers numeric, list values among the allowed keys, no code the
 * category does not have.
 * Contract: docs/internals/service-def.md
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-record.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_SERVICE_DEF_ERROR (okn_service_def_error_quark ())

typedef enum
{
  OKN_SERVICE_DEF_ERROR_PARSE,   /* not a service definition */
} OknServiceDefError;

typedef enum
{
  OKN_ATTR_STRING,
  OKN_ATTR_NUMBER,
  OKN_ATTR_DATETIME,
  OKN_ATTR_TEXT,
  OKN_ATTR_SINGLEVALUELIST,
  OKN_ATTR_MULTIVALUELIST,
} OknAttrType;

typedef struct
{
  char *key;
  char *name;
} OknAttrValue;

typedef struct
{
  char *code;
  OknAttrType datatype;
  gboolean variable;      /* FALSE: informational text only, no input */
  gboolean required;
  int order;
  char *description;      /* the question shown to the person */
  char *datatype_description;
  GPtrArray *values;      /* OknAttrValue, for the list types */
} OknAttrDef;

typedef struct
{
  char *service_code;
  GPtrArray *attributes;  /* OknAttrDef, sorted by order */
} OknServiceDef;

GQuark         okn_service_def_error_quark (void);

OknServiceDef *okn_service_def_parse       (const char *json_text,
                                            GError    **error);
void           okn_service_def_free        (OknServiceDef *def);
const OknAttrDef *okn_service_def_find     (const OknServiceDef *def,
                                            const char          *code);
OknServiceDef *okn_service_def_for_service (const char *definition,
                                            gboolean    metadata);
GPtrArray     *okn_service_def_check       (const OknServiceDef *def,
                                            const OknRecord     *record,
                                            const OknRecord     *stored);

gboolean       okn_service_matches         (const OknService *service,
                                            const char       *text);
const char    *okn_attr_def_value_name     (const OknAttrDef *a,
                                            const char       *key);
gboolean       okn_attr_def_offers         (const OknAttrDef *a,
                                            const char       *key);
char          *okn_service_icon_name       (const OknService  *service,
                                            const char *const *overrides);
OknService    *okn_service_from_json       (JsonObject *object);
const OknService *okn_service_find         (GPtrArray  *services,
                                            const char *code);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknServiceDef, okn_service_def_free)

G_END_DECLS
