/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record-import.c: records read from JSON text, as `okienkoctl register
 * --json` takes them
 *
 * In the core rather than in okienkoctl so that the fuzz harness
 * (tests/fuzz/fuzz-register-json.c) drives the very code an import runs.
 */
#define G_LOG_DOMAIN "okn-record"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-json.h"
#include "okienko/okn-record-import.h"

/* json-glib keeps text in C strings, so a "\u0000" escape or a NUL byte
 * would cut the text where it stands ("J\u0000K" was stored as "J"), and a
 * NUL between two records would hide the rest of the input. Each becomes
 * U+0001 instead, in place (positions and lines stay), a control character
 * that validation then refuses by field and position like any other. */
static void
neutralise_nul (GString *input)
{
  gboolean in_string = FALSE, escaped = FALSE;

  for (gsize i = 0; i < input->len; i++)
    {
      char c = input->str[i];

      if (c == '\0')
        {
          input->str[i] = '\x01';
          continue;
        }
      if (!in_string)
        {
          in_string = c == '"';
          continue;
        }
      if (escaped)
        {
          escaped = FALSE;
          if (c == 'u' && i + 4 < input->len && memcmp (input->str + i + 1, "0000", 4) == 0)
            input->str[i + 4] = '1';
        }
      else if (c == '\\')
        escaped = TRUE;
      else if (c == '"')
        in_string = FALSE;
    }
}

/* One top-level value of the input, where it stands in the input's text:
 * the input may be megabytes, so its values are not copied out. */
typedef struct
{
  const char *start;
  gsize len;
  guint line;
} JsonChunk;

/* Splits the input into its top-level JSON values. json-glib would silently
 * read only the first of several values, and a record quietly dropped from
 * an import is exactly what must never happen. */
static GArray *
split_json_values (const char *text)
{
  GArray *chunks = g_array_new (FALSE, FALSE, sizeof (JsonChunk));
  const char *start = NULL;
  guint depth = 0, line = 1, start_line = 1;
  gboolean in_string = FALSE, escaped = FALSE;

  for (const char *p = text; *p; p++)
    {
      if (*p == '\n')
        line++;
      if (start == NULL)
        {
          if (g_ascii_isspace (*p))
            continue;
          start = p;
          start_line = line;
        }
      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (*p == '\\')
            escaped = TRUE;
          else if (*p == '"')
            in_string = FALSE;
          continue;
        }
      if (*p == '"')
        in_string = TRUE;
      else if (*p == '{' || *p == '[')
        depth++;
      else if ((*p == '}' || *p == ']') && depth > 0)
        depth--;
      if (depth == 0 && !in_string && (*p == '}' || *p == ']' || p[1] == '\0' || g_ascii_isspace (p[1])))
        {
          JsonChunk c = { start, (gsize) (p - start + 1), start_line };

          g_array_append_val (chunks, c);
          start = NULL;
        }
    }
  if (start)
    {
      JsonChunk c = { start, strlen (start), start_line };

      g_array_append_val (chunks, c);
    }
  return chunks;
}

/* The files of an import are read into memory until they are stored: each
 * record is bounded (okn_record_add_file), and so is their sum. */
static gboolean
within_files_budget (OknRecord *r,
                     guint64   *total,
                     GError   **error)
{
  for (guint i = 0; i < r->files->len; i++)
    *total += (guint64) ((OknAttachment *) g_ptr_array_index (r->files, i))->size;
  if (*total <= OKN_RECORD_JSON_FILES_MAX_BYTES)
    return TRUE;
  g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
               _("the files of one import add up to more than %u MiB; register the records "
                 "in smaller batches."),
               (guint) (OKN_RECORD_JSON_FILES_MAX_BYTES / (1024 * 1024)));
  return FALSE;
}

/* One object, an array of objects, or several objects one after the other
 * (NDJSON). */
static GPtrArray *
parse_json_input (const char *text,
                  OknRecordImportShape *shape,
                  GError    **error)
{
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GArray) chunks = split_json_values (text);
  guint64 file_bytes = 0;

  if (chunks->len == 0)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, _("The input holds no records."));
      return NULL;
    }
  *shape = chunks->len > 1 ? OKN_RECORD_IMPORT_NDJSON : OKN_RECORD_IMPORT_OBJECT;
  for (guint i = 0; i < chunks->len; i++)
    {
      const JsonChunk *c = &g_array_index (chunks, JsonChunk, i);
      g_autoptr (GError) parse_error = NULL;
      /* Bounded nesting: json-glib's recursion would overflow the stack.
       * Half a surrogate pair ("\ud800" alone) is no character: it reads
       * as U+0001, refused by field like "\u0000", where a server's text
       * would read U+FFFD and change a name from an export without a word. */
      g_autoptr (JsonNode) root = okn_json_parse_full (c->start, (gssize) c->len, 0x0001, &parse_error);

      if (root == NULL)
        {
          g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                       _("Line %u is not JSON: %s"), c->line, parse_error->message);
          return NULL;
        }
      if (chunks->len == 1 && JSON_NODE_HOLDS_ARRAY (root))
        {
          JsonArray *arr = json_node_get_array (root);

          *shape = OKN_RECORD_IMPORT_ARRAY;
          for (guint j = 0; j < json_array_get_length (arr); j++)
            {
              OknRecord *r = okn_record_from_json (json_array_get_element (arr, j), error);

              if (r == NULL)
                {
                  g_prefix_error (error, _("Record %u: "), j + 1);
                  return NULL;
                }
              g_ptr_array_add (records, r);
              if (!within_files_budget (r, &file_bytes, error))
                {
                  g_prefix_error (error, _("Record %u: "), j + 1);
                  return NULL;
                }
            }
          if (records->len == 0)
            {
              g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, _("The input holds no records."));
              return NULL;
            }
        }
      else
        {
          OknRecord *r = okn_record_from_json (root, error);

          if (r == NULL)
            {
              if (chunks->len > 1)
                g_prefix_error (error, _("Line %u: "), c->line);
              return NULL;
            }
          g_ptr_array_add (records, r);
          if (!within_files_budget (r, &file_bytes, error))
            {
              g_prefix_error (error, _("Line %u: "), c->line);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&records);
}

/**
 * okn_record_import_json:
 * @data: the input, as read (need not be valid UTF-8 nor free of NUL bytes)
 * @len: its length in bytes
 * @shape: (out): how the records were given
 * @error: an %OKN_RECORD_ERROR naming the line or record and the field
 *
 * Reads every record of @data: one object, an array of objects, or several
 * values one after the other. A NUL byte or a `\u0000` escape becomes
 * U+0001 first, and so does half of a UTF-16 surrogate pair (`\ud800`
 * alone) as okn_json_parse_full() reads it (validation then names the
 * field); text that is not UTF-8 is refused naming its line, nesting is
 * bounded, and
 * the files the records name add up to at most
 * %OKN_RECORD_JSON_FILES_MAX_BYTES. The records are not checked
 * (okn_record_check()) nor stored.
 *
 * Returns: (transfer full) (element-type OknRecord) (nullable): the
 *   records, at least one, in the order given
 */
GPtrArray *
okn_record_import_json (const char           *data,
                        gsize                 len,
                        OknRecordImportShape *shape,
                        GError              **error)
{
  g_autoptr (GString) input = g_string_new_len (data, (gssize) len);
  const char *bad = NULL;

  *shape = OKN_RECORD_IMPORT_OBJECT;
  neutralise_nul (input);
  if (!g_utf8_validate (input->str, (gssize) input->len, &bad))
    {
      guint line = 1;

      /* JSON is UTF-8 whatever the locale; say where it is not. */
      for (const char *p = input->str; p < bad; p++)
        line += *p == '\n';
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("Line %u of the input is not valid UTF-8 text (JSON input is "
                     "UTF-8 whatever the locale)."),
                   line);
      return NULL;
    }
  return parse_json_input (input->str, shape, error);
}
