/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-json.c: JSON from outside, parsed with a bound on its nesting depth
 *
 * Why a pre-scan: json-glib (1.6) parses arrays and objects by recursion,
 * one C stack frame group per level, with no limit of its own. Counting
 * the brackets first, outside strings, is one linear pass over bytes that
 * are about to be parsed anyway, and it cannot itself be made to recurse.
 */
#define G_LOG_DOMAIN "okn-json"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-json.h"
#include "okienko/okn-text.h"

G_DEFINE_QUARK (okn-json-error-quark, okn_json_error)

/**
 * okn_json_depth:
 * @data: JSON text (need not be valid)
 * @len: its length in bytes, or -1 when NUL-terminated
 * @stop_after: stop counting once the depth exceeds this (0: never)
 *
 * Measures how deeply arrays and objects nest, as the parser would meet
 * them: brackets inside strings (with their backslash escapes) do not
 * count, and a closing bracket never takes the depth below zero.
 *
 * Returns: the deepest nesting seen; above @stop_after the scan stopped
 */
guint
okn_json_depth (const char *data,
                gssize      len,
                guint       stop_after)
{
  const char *p = data;
  const char *end;
  gboolean in_string = FALSE;
  guint depth = 0;
  guint deepest = 0;

  if (data == NULL)
    return 0;
  end = data + (len < 0 ? strlen (data) : (gsize) len);
  for (; p < end; p++)
    {
      char c = *p;

      if (in_string)
        {
          if (c == '\\')
            p++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '[':
        case '{':
          if (++depth > deepest)
            {
              deepest = depth;
              if (stop_after > 0 && deepest > stop_after)
                return deepest;
            }
          break;
        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;
        default:
          break;
        }
    }
  return deepest;
}

static int
hex4 (const char *p,
      const char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);

      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

/* json-glib decodes an escaped half of a surrogate pair (\ud800 without its
 * partner) into bytes that are not UTF-8, inside a string it hands over as
 * text. Each such escape becomes the escape of @replacement (\ufffd, or
 * what the caller asked for), the same six bytes, in a copy; whole pairs
 * are left to json-glib. %NULL when there is none. */
static char *
replace_lone_surrogates (const char *data,
                         gsize       len,
                         gunichar    replacement)
{
  const char *end = data + len;
  char *copy = NULL;
  gboolean in_string = FALSE;
  char digits[5];

  g_snprintf (digits, sizeof digits, "%04x", (guint) replacement);

  for (const char *p = data; p < end; p++)
    {
      int unit, next;

      if (!in_string)
        {
          in_string = *p == '"';
          continue;
        }
      if (*p == '"')
        {
          in_string = FALSE;
          continue;
        }
      if (*p != '\\' || p + 1 >= end)
        continue;
      p++;
      if (*p != 'u' || (unit = hex4 (p + 1, end)) < 0xd800 || unit > 0xdfff)
        continue;
      next = (end - p >= 11 && p[5] == '\\' && p[6] == 'u') ? hex4 (p + 7, end) : -1;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff)
        {
          p += 10;   /* a whole pair: its second half is no lone one */
          continue;
        }
      if (copy == NULL)
        copy = g_strndup (data, len);
      memcpy (copy + (p - data) + 1, digits, 4);
      p += 4;
    }
  return copy;
}

/* json-glib also takes escapes that JSON does not have, octal ones
 * (\666 is the byte 0xb6), and hands the bytes they make over inside a
 * string as text. Every string value of the tree is made valid UTF-8
 * here, each bad byte read as U+FFFD. The depth is bounded by
 * okn_json_parse(). */
static void
make_strings_valid (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          make_strings_valid (member);
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          make_strings_valid (json_array_get_element (array, i));
      }
      break;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING
          && !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          g_autofree char *valid = g_utf8_make_valid (json_node_get_string (node), -1);

          json_node_set_string (node, valid);
        }
      break;
    case JSON_NODE_NULL:
      break;
    }
}

/**
 * okn_json_parse:
 * @data: JSON text from outside
 * @len: its length in bytes, or -1 when NUL-terminated
 *
 * The one way the core and the tools parse JSON they did not write
 * themselves: text nested deeper than %OKN_JSON_MAX_DEPTH is refused
 * before json-glib sees it, and an escaped half of a surrogate pair
 * without its partner reads as U+FFFD.
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL with
 *   %OKN_JSON_ERROR_TOO_DEEP or %OKN_JSON_ERROR_INVALID
 */
JsonNode *
okn_json_parse (const char *data,
                gssize      len,
                GError    **error)
{
  return okn_json_parse_full (data, len, 0xfffd, error);
}

/**
 * okn_json_parse_full:
 * @data: JSON text from outside
 * @len: its length in bytes, or -1 when NUL-terminated
 * @lone_surrogate: the character an escaped half of a surrogate pair
 *   without its partner (`\ud800`) reads as: U+FFFD for text that is
 *   shown, a control character (U+0001) where the text is then checked
 *   and refused by field; in the Basic Multilingual Plane, not U+0000
 *   (json-glib would cut the text there) and no surrogate
 *
 * okn_json_parse() with the lone surrogate's replacement chosen.
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL with
 *   %OKN_JSON_ERROR_TOO_DEEP or %OKN_JSON_ERROR_INVALID
 */
JsonNode *
okn_json_parse_full (const char *data,
                     gssize      len,
                     gunichar    lone_surrogate,
                     GError    **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *patched = NULL;
  JsonNode *root;

  g_return_val_if_fail (lone_surrogate > 0 && lone_surrogate < 0x10000 && (lone_surrogate < 0xd800 || lone_surrogate > 0xdfff), NULL);
  if (data == NULL)
    {
      g_set_error_literal (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID, _("The JSON text is empty."));
      return NULL;
    }
  if (okn_json_depth (data, len, OKN_JSON_MAX_DEPTH) > OKN_JSON_MAX_DEPTH)
    {
      g_set_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_TOO_DEEP,
                   _("The JSON text nests arrays or objects more than %u levels deep: refused."),
                   (guint) OKN_JSON_MAX_DEPTH);
      return NULL;
    }
  if (len < 0)
    len = (gssize) strlen (data);
  patched = replace_lone_surrogates (data, (gsize) len, lone_surrogate);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, patched ? patched : data, len, &local))
    {
      /* json-glib quotes the token it choked on as it decoded it: half a
       * surrogate pair (\\ud800) comes out as bytes that are not UTF-8,
       * a control character as itself. A GError is shown as it is. */
      g_autofree char *said = okn_text_display_line (local->message, -1);

      g_set_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID, _("Not valid JSON: %s"), said);
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    g_set_error_literal (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID, _("The JSON text is empty."));
  else
    make_strings_valid (root);
  return root;
}

/**
 * okn_json_node_text:
 * @node: (nullable): a value from outside
 *
 * A value as text whatever JSON type its sender chose: servers send ids
 * and keys as numbers or strings, booleans as true or "true". A whole
 * number written with a fraction (12.0) reads as the integer, so an id
 * is the same text however it came.
 *
 * Returns: (transfer full) (nullable): the text; %NULL for a missing
 *   node, null, an array or an object
 */
char *
okn_json_node_text (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      {
        double d = json_node_get_double (node);
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        if (d > -1e15 && d < 1e15 && d == (double) (gint64) d)
          return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) d);
        return g_strdup (g_ascii_dtostr (buf, sizeof buf, d));
      }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
    }
}

/**
 * okn_json_member_text:
 * @object: (nullable): an object from outside
 * @name: the member
 *
 * Returns: (transfer full) (nullable): the member as okn_json_node_text()
 *   reads it
 */
char *
okn_json_member_text (JsonObject *object,
                      const char *name)
{
  return okn_json_node_text (object ? json_object_get_member (object, name) : NULL);
}

/**
 * okn_json_member_bool:
 * @object: (nullable): an object from outside
 * @name: the member
 * @fallback: what a missing member or another word means
 *
 * Booleans come as true, "true", 1, "1" or "yes" (and their opposites).
 *
 * Returns: the member's truth, or @fallback
 */
gboolean
okn_json_member_bool (JsonObject *object,
                      const char *name,
                      gboolean    fallback)
{
  JsonNode *n = object ? json_object_get_member (object, name) : NULL;
  g_autofree char *s = NULL;

  if (n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (n);
  s = okn_json_node_text (n);
  if (s == NULL)
    return fallback;
  if (g_ascii_strcasecmp (s, "true") == 0 || g_str_equal (s, "1") || g_ascii_strcasecmp (s, "yes") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (s, "false") == 0 || g_str_equal (s, "0") || g_ascii_strcasecmp (s, "no") == 0)
    return FALSE;
  return fallback;
}
