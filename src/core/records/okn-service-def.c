/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-service-def.c: Open311 service definitions and attribute checks */
#define G_LOG_DOMAIN "okn-service-def"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-json.h"
#include "okienko/okn-service-def.h"

G_DEFINE_QUARK (okn-service-def-error-quark, okn_service_def_error)

static const char *datatype_names[] = {
  "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
};

static void
attr_value_free (gpointer p)
{
  OknAttrValue *v = p;

  g_free (v->key);
  g_free (v->name);
  g_free (v);
}

static void
attr_def_free (gpointer p)
{
  OknAttrDef *a = p;

  g_free (a->code);
  g_free (a->description);
  g_free (a->datatype_description);
  g_ptr_array_unref (a->values);
  g_free (a);
}

void
okn_service_def_free (OknServiceDef *def)
{
  if (def == NULL)
    return;
  g_free (def->service_code);
  g_ptr_array_unref (def->attributes);
  g_free (def);
}

static int
compare_order (gconstpointer a,
               gconstpointer b)
{
  const OknAttrDef *x = *(OknAttrDef *const *) a;
  const OknAttrDef *y = *(OknAttrDef *const *) b;

  return (x->order > y->order) - (x->order < y->order);
}

static OknServiceDef *
parse_fail (GError    **error,
            const char *what)
{
  g_set_error (error, OKN_SERVICE_DEF_ERROR, OKN_SERVICE_DEF_ERROR_PARSE,
               _("The category’s definition cannot be read: %s"), what);
  return NULL;
}

/**
 * okn_service_def_parse:
 * @json_text: a service definition object (with "attributes"), or the
 *   attribute array alone
 *
 * Unknown data types are read as "string" (a server may invent types; the
 * person can still type a value); attributes without a code are skipped.
 *
 * Returns: (transfer full): the definition, attributes sorted by order
 */
OknServiceDef *
okn_service_def_parse (const char *json_text,
                       GError    **error)
{
  g_autoptr (OknServiceDef) def = g_new0 (OknServiceDef, 1);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonArray *arr = NULL;

  def->attributes = g_ptr_array_new_with_free_func (attr_def_free);
  if (json_text == NULL || *json_text == '\0')
    return g_steal_pointer (&def);
  root = okn_json_parse (json_text, -1, &local_error);
  if (root == NULL)
    return parse_fail (error, local_error->message);
  if (JSON_NODE_HOLDS_ARRAY (root))
    arr = json_node_get_array (root);
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      JsonNode *attrs = json_object_get_member (obj, "attributes");

      def->service_code = okn_json_member_text (obj, "service_code");
      if (attrs && JSON_NODE_HOLDS_ARRAY (attrs))
        arr = json_node_get_array (attrs);
      else if (attrs && !JSON_NODE_HOLDS_NULL (attrs))
        return parse_fail (error, _("“attributes” is not a list."));
    }
  else
    return parse_fail (error, _("not a JSON object."));

  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonNode *n = json_array_get_element (arr, i);
      JsonObject *o;
      JsonNode *values;
      OknAttrDef *a;
      g_autofree char *type = NULL;
      g_autofree char *order = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      o = json_node_get_object (n);
      a = g_new0 (OknAttrDef, 1);
      a->values = g_ptr_array_new_with_free_func (attr_value_free);
      a->code = okn_json_member_text (o, "code");
      if (a->code == NULL || *a->code == '\0')
        {
          attr_def_free (a);
          continue;
        }
      a->variable = okn_json_member_bool (o, "variable", TRUE);
      a->required = okn_json_member_bool (o, "required", FALSE);
      order = okn_json_member_text (o, "order");
      a->order = order ? (int) g_ascii_strtoll (order, NULL, 10) : (int) i;
      a->description = okn_json_member_text (o, "description");
      a->datatype_description = okn_json_member_text (o, "datatype_description");
      type = okn_json_member_text (o, "datatype");
      a->datatype = OKN_ATTR_STRING;
      for (guint t = 0; type && t < G_N_ELEMENTS (datatype_names); t++)
        if (g_ascii_strcasecmp (type, datatype_names[t]) == 0)
          a->datatype = (OknAttrType) t;
      values = json_object_get_member (o, "values");
      if (values && JSON_NODE_HOLDS_ARRAY (values))
        {
          JsonArray *va = json_node_get_array (values);

          for (guint j = 0; j < json_array_get_length (va); j++)
            {
              JsonNode *vn = json_array_get_element (va, j);
              OknAttrValue *v;

              if (!JSON_NODE_HOLDS_OBJECT (vn))
                continue;
              v = g_new0 (OknAttrValue, 1);
              v->key = okn_json_member_text (json_node_get_object (vn), "key");
              v->name = okn_json_member_text (json_node_get_object (vn), "name");
              if (v->key == NULL)
                {
                  attr_value_free (v);
                  continue;
                }
              if (v->name == NULL)
                v->name = g_strdup (v->key);
              g_ptr_array_add (a->values, v);
            }
        }
      g_ptr_array_add (def->attributes, a);
    }
  g_ptr_array_sort (def->attributes, compare_order);
  return g_steal_pointer (&def);
}

/**
 * okn_service_def_find:
 *
 * Returns: (nullable) (transfer none): the attribute with that code
 */
const OknAttrDef *
okn_service_def_find (const OknServiceDef *def,
                      const char          *code)
{
  for (guint i = 0; i < def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (def->attributes, i);

      if (g_str_equal (a->code, code))
        return a;
    }
  return NULL;
}

/**
 * okn_attr_def_value_name:
 * @key: a value as stored (a list's key)
 *
 * Returns: (transfer none): what the catalogue calls the choice @key of a
 *   list attribute, for people to read; @key itself when it has no name
 */
const char *
okn_attr_def_value_name (const OknAttrDef *a,
                         const char       *key)
{
  for (guint i = 0; a && a->values && i < a->values->len; i++)
    {
      const OknAttrValue *v = g_ptr_array_index (a->values, i);

      if (g_strcmp0 (v->key, key) == 0 && v->name)
        return v->name;
    }
  return key;
}

/**
 * okn_service_from_json:
 * @object: one service of a server's `services.json`
 *
 * A category as Open311 lists it: `service_code` (a string or a number),
 * `service_name`, `description`, `group`, `keywords`, `type` as text and
 * `metadata` as a boolean (true, "true", 1, ...), read the same whether
 * the list came from the server or from a file.
 *
 * Returns: (transfer full) (nullable): the service without its
 *   definition, or %NULL when it has no service_code
 */
OknService *
okn_service_from_json (JsonObject *object)
{
  g_autofree char *code = okn_json_member_text (object, "service_code");
  OknService *s;

  if (code == NULL || *code == '\0')
    return NULL;
  s = g_new0 (OknService, 1);
  s->code = g_steal_pointer (&code);
  s->name = okn_json_member_text (object, "service_name");
  s->description = okn_json_member_text (object, "description");
  s->group = okn_json_member_text (object, "group");
  s->keywords = okn_json_member_text (object, "keywords");
  s->type = okn_json_member_text (object, "type");
  s->metadata = okn_json_member_bool (object, "metadata", FALSE);
  return s;
}

/**
 * okn_service_find:
 * @services: (element-type OknService): the cached catalogue
 *
 * Returns: (nullable) (transfer none): the service with that code
 */
const OknService *
okn_service_find (GPtrArray  *services,
                  const char *code)
{
  for (guint i = 0; services && code && i < services->len; i++)
    {
      const OknService *s = g_ptr_array_index (services, i);

      if (g_strcmp0 (s->code, code) == 0)
        return s;
    }
  return NULL;
}

/**
 * okn_attr_def_offers:
 * @key: a list's value
 *
 * Returns: whether the list attribute @a offers the choice @key now
 */
gboolean
okn_attr_def_offers (const OknAttrDef *a,
                     const char       *key)
{
  for (guint i = 0; i < a->values->len; i++)
    if (g_str_equal (((OknAttrValue *) g_ptr_array_index (a->values, i))->key, key))
      return TRUE;
  return FALSE;
}

/**
 * okn_service_def_for_service:
 * @definition: (nullable): the category's cached definition (JSON text)
 * @metadata: whether the catalogue says the category has attributes
 *
 * What a report's attributes are checked against: @definition parsed, and
 * for a category without metadata an empty definition (it has none).
 *
 * Returns: (transfer full) (nullable): the definition; %NULL when it is
 *   not known: metadata but no definition cached (a catalogue file may
 *   leave it out), or one the server sent damaged
 */
OknServiceDef *
okn_service_def_for_service (const char *definition,
                             gboolean    metadata)
{
  OknServiceDef *def;

  if (definition)
    return okn_service_def_parse (definition, NULL);
  if (metadata)
    return NULL;
  def = g_new0 (OknServiceDef, 1);
  def->attributes = g_ptr_array_new_with_free_func (attr_def_free);
  return def;
}

static gboolean
is_question (const OknServiceDef *def,
             const char          *code)
{
  const OknAttrDef *a = okn_service_def_find (def, code);

  return a != NULL && a->variable;
}

/* Whether @record has the answer @value to @code. */
static gboolean
has_answer (const OknRecord *record,
            const char      *code,
            const char      *value)
{
  for (guint i = 0; record && i < record->attributes->len; i++)
    {
      const OknAttribute *at = g_ptr_array_index (record->attributes, i);

      if (g_strcmp0 (at->key, code) == 0 && g_strcmp0 (at->value, value) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
has_code (const OknRecord *record,
          const char      *code,
          guint            before)
{
  for (guint i = 0; record && i < before && i < record->attributes->len; i++)
    if (g_strcmp0 (((OknAttribute *) g_ptr_array_index (record->attributes, i))->key, code) == 0)
      return TRUE;
  return FALSE;
}

/* A code the category does not define, once per code, naming the codes it
 * has. One stored with the record being corrected (@stored, in the same
 * category) stays: the server may have dropped the question since, and a
 * correction must not fail on it. */
static void
check_unknown_codes (const OknServiceDef *def,
                     const OknRecord     *record,
                     const OknRecord     *stored,
                     GPtrArray           *issues)
{
  g_autoptr (GString) codes = g_string_new (NULL);

  for (guint i = 0; i < def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (def->attributes, i);

      if (!a->variable)
        continue;
      if (codes->len > 0)
        g_string_append (codes, ", ");
      g_string_append (codes, a->code);
    }
  for (guint j = 0; j < record->attributes->len; j++)
    {
      const char *key = ((OknAttribute *) g_ptr_array_index (record->attributes, j))->key;

      if (key == NULL || is_question (def, key) || has_code (record, key, j)
          || has_code (stored, key, G_MAXUINT))
        continue;
      if (codes->len == 0)
        okn_field_issue_add (issues, key, key, _("the category has no attributes."));
      else
        okn_field_issue_add (issues, key, key, _("the category has no such attribute; its attributes are %s."),
                             codes->str);
    }
}

/**
 * okn_service_def_check:
 * @def: the category's definition
 * @record: a report
 * @stored: (nullable): the record as stored, when @record corrects it
 *
 * Checks the record's attribute values against the definition, and its
 * codes: one the category does not define is refused (naming the codes it
 * has) unless @stored, in the same category, has it; so is a list's
 * choice the list does not offer, unless @stored has that answer (the
 * catalogue dropped the choice since). Only in the same category: another
 * one never asked them. An issue's `field` is the attribute's code
 * and points into @def (an unknown code's into @record): keep them alive
 * while using the issues.
 *
 * Returns: (transfer full) (element-type OknFieldIssue): the problems;
 *   empty when the values are fine
 */
GPtrArray *
okn_service_def_check (const OknServiceDef *def,
                       const OknRecord     *record,
                       const OknRecord     *stored)
{
  GPtrArray *issues = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_field_issue_free);

  if (stored && g_strcmp0 (stored->category, record->category) != 0)
    stored = NULL;
  for (guint i = 0; i < def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (def->attributes, i);
      /* The person knows an attribute by its question. */
      const char *label = a->description ? a->description : a->code;
      guint n_values = 0;

      if (!a->variable)
        continue;
      for (guint j = 0; j < record->attributes->len; j++)
        {
          const OknAttribute *v = g_ptr_array_index (record->attributes, j);

          if (!g_str_equal (v->key, a->code) || v->value == NULL || *v->value == '\0')
            continue;
          n_values++;
          switch (a->datatype)
            {
            case OKN_ATTR_NUMBER:
              {
                char *end = NULL;
                g_autofree char *dot = g_strdelimit (g_strdup (v->value), ",", '.');

                g_ascii_strtod (dot, &end);
                if (end == dot || *end != '\0')
                  okn_field_issue_add (issues, a->code, label, _("“%s” is not a number."), v->value);
              }
              break;
            case OKN_ATTR_DATETIME:
              {
                g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
                g_autoptr (GDateTime) dt = g_date_time_new_from_iso8601 (v->value, tz);

                if (dt == NULL)
                  /* The form's way first (dd.mm.yyyy hh:mm), as its
                   * placeholder says; ISO for scripts. */
                  okn_field_issue_add (issues, a->code, label,
                                       _("“%s” is not a date and time: write 29.11.2026 10:15 or 2026-11-29T10:15."),
                                       v->value);
              }
              break;
            case OKN_ATTR_SINGLEVALUELIST:
            case OKN_ATTR_MULTIVALUELIST:
              if (!okn_attr_def_offers (a, v->value) && !has_answer (stored, a->code, v->value))
                okn_field_issue_add (issues, a->code, label, _("“%s” is not one of the choices."), v->value);
              break;
            case OKN_ATTR_STRING:
            case OKN_ATTR_TEXT:
            default:
              break;
            }
        }
      if (a->required && n_values == 0)
        okn_field_issue_add (issues, a->code, label, _("is required."));
      else if (a->datatype == OKN_ATTR_SINGLEVALUELIST && n_values > 1)
        okn_field_issue_add (issues, a->code, label, _("choose one value only."));
    }
  check_unknown_codes (def, record, stored, issues);
  return issues;
}

static gboolean
contains_folded (const char *haystack,
                 const char *needle_folded)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL)
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle_folded) != NULL;
}

/**
 * okn_service_matches:
 * @text: what the clerk typed into the category search
 *
 * Every word of @text must occur (case-insensitively) in the service's
 * code, name, group, keywords or description.
 */
gboolean
okn_service_matches (const OknService *service,
                     const char       *text)
{
  g_autofree char *folded = NULL;
  g_auto (GStrv) words = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  folded = g_utf8_casefold (text, -1);
  words = g_strsplit_set (folded, " \t", -1);
  for (guint i = 0; words[i]; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (!contains_folded (service->code, words[i]) && !contains_folded (service->name, words[i])
          && !contains_folded (service->group, words[i])
          && !contains_folded (service->keywords, words[i])
          && !contains_folded (service->description, words[i]))
        return FALSE;
    }
  return TRUE;
}

/* Shipped symbolic icons (ui/icons) for the categories most cities have,
 * found by words in the category's code, group, name or keywords (Polish
 * and English stems, as catalogues are written in either). */
static const struct
{
  const char *icon;
  const char *words[9];
} category_icons[] = {
  { "okn-road-symbolic", { "pothole", "dziur", "jezdn", "road", "drog", "chodnik", "sidewalk", "pavement", NULL } },
  { "okn-streetlight-symbolic", { "light", "latarn", "oświetl", "lamp", NULL } },
  { "okn-trash-symbolic", { "dump", "śmie", "odpad", "trash", "waste", "garbage", "litter", "kosz", NULL } },
  { "okn-tree-symbolic", { "tree", "drzew", "zieleń", "zielen", "park", "green", "trawnik", NULL } },
  { "okn-graffiti-symbolic", { "graffiti", "vandal", "dewast", "pomaz", NULL } },
  { "okn-water-symbolic", { "water", "wod", "flood", "zalan", "kanaliz", "sewer", "hydrant", NULL } },
  { "okn-sign-symbolic", { "sign", "znak", "traffic", "sygnaliz", "ruch", NULL } },
};

/**
 * okn_service_icon_name:
 * @service: a category of the catalogue
 * @overrides: (nullable): `KEY=icon-name` entries (kiosk.icons), KEY a
 *   category code or a group's name; a code wins over its group
 *
 * Returns: (transfer full): the icon a kiosk's tile shows for @service:
 *   the configured one, else a shipped one its words suggest, else
 *   `okn-category-symbolic`
 */
char *
okn_service_icon_name (const OknService  *service,
                       const char *const *overrides)
{
  const char *by_group = NULL;

  for (guint i = 0; overrides && overrides[i]; i++)
    {
      const char *eq = strchr (overrides[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL || eq[1] == '\0')
        continue;
      key = g_strstrip (g_strndup (overrides[i], (gsize) (eq - overrides[i])));
      if (g_strcmp0 (key, service->code) == 0)
        return g_strstrip (g_strdup (eq + 1));
      if (by_group == NULL && service->group && g_strcmp0 (key, service->group) == 0)
        by_group = eq + 1;
    }
  if (by_group)
    return g_strstrip (g_strdup (by_group));
  for (guint i = 0; i < G_N_ELEMENTS (category_icons); i++)
    for (guint j = 0; category_icons[i].words[j]; j++)
      {
        const char *w = category_icons[i].words[j];

        if (contains_folded (service->code, w) || contains_folded (service->name, w)
            || contains_folded (service->group, w) || contains_folded (service->keywords, w))
          return g_strdup (category_icons[i].icon);
      }
  return g_strdup ("okn-category-symbolic");
}
