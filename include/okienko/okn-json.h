/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-json.h: JSON from outside, parsed with a bound on its nesting depth
 *
 * json-glib's parser recurses once per level of nesting, so an answer of
 * 200,000 nested '[' overflows the stack. Every JSON text that comes from
 * outside (server answers, register --json, drafts, cached definitions) is
 * parsed through okn_json_parse(), which measures the depth first.
 * What we write goes through a JsonBuilder; okn_json_add_string()
 * (okn-json-build.c, json-glib only) writes a missing string as null.
 * Contract: docs/internals/json.md
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OKN_JSON_ERROR (okn_json_error_quark ())

typedef enum
{
  OKN_JSON_ERROR_TOO_DEEP,   /* nested deeper than OKN_JSON_MAX_DEPTH: refused unparsed */
  OKN_JSON_ERROR_INVALID,    /* not JSON (json-glib's words, with line and column) */
} OknJsonError;

/* Deeper than anything Open311 or a record needs (they stay below 8),
 * far below what the parser's recursion can take. */
#define OKN_JSON_MAX_DEPTH 64

GQuark     okn_json_error_quark  (void);

guint      okn_json_depth        (const char *data,
                                  gssize      len,
                                  guint       stop_after);
JsonNode  *okn_json_parse        (const char *data,
                                  gssize      len,
                                  GError    **error);
JsonNode  *okn_json_parse_full   (const char *data,
                                  gssize      len,
                                  gunichar    lone_surrogate,
                                  GError    **error);

char      *okn_json_node_text    (JsonNode   *node);
char      *okn_json_member_text  (JsonObject *object,
                                  const char *name);
gboolean   okn_json_member_bool  (JsonObject *object,
                                  const char *name,
                                  gboolean    fallback);

void       okn_json_add_string   (JsonBuilder *b,
                                  const char  *name,
                                  const char  *value);

G_END_DECLS
