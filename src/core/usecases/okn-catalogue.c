/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-catalogue.c: the report categories from a file
 *
 * Offline first: a station installed without the network still needs the
 * categories to take reports. The file is what the server sends, so an
 * administrator can save it from any machine that reaches the server (or
 * the city can hand it out): services.json, alone or with the definitions.
 * It is checked whole before anything is stored; the cache is then
 * replaced in one transaction and stamped like a fetch, which is what a
 * running desk watches for.
 */
#define G_LOG_DOMAIN "okn-catalogue"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-catalogue.h"
#include "okienko/okn-json.h"
#include "okienko/okn-record.h"
#include "okienko/okn-service-def.h"
#include "okienko/okn-text.h"

G_DEFINE_QUARK (okn-catalogue-error-quark, okn_catalogue_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknService, okn_service_free)

static gboolean
invalid (GError    **error,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, OKN_CATALOGUE_ERROR, OKN_CATALOGUE_ERROR_INVALID, msg);
  return FALSE;
}

/* The definition of @code, from an object keyed by code or an array of
 * definitions each naming its service_code. */
static JsonNode *
find_definition (JsonNode   *defs,
                 const char *code)
{
  if (defs == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (defs))
    return json_object_get_member (json_node_get_object (defs), code);
  if (JSON_NODE_HOLDS_ARRAY (defs))
    {
      JsonArray *a = json_node_get_array (defs);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          JsonNode *d = json_array_get_element (a, i);
          g_autofree char *dc = JSON_NODE_HOLDS_OBJECT (d) ? okn_json_member_text (json_node_get_object (d), "service_code")
                                                           : NULL;

          if (g_strcmp0 (dc, code) == 0)
            return d;
        }
    }
  return NULL;
}

/**
 * okn_catalogue_parse:
 * @text: the file's contents
 * @len: its length
 *
 * Reads a catalogue file: either the server's `services.json` as it is (a
 * JSON array of services), or an object `{"services": [...],
 * "definitions": {...}}` whose definitions (the server's
 * `services/{code}.json`) are keyed by service code or listed in an array.
 * A service needs a `service_code` (a string or a number, unique); the
 * rest is read as the server's list is (okn_service_from_json()). A
 * definition must parse as one (okn_service_def_parse()).
 *
 * Returns: (transfer full) (element-type OknService): the services, with
 *   their definitions as JSON text; %NULL with %OKN_CATALOGUE_ERROR_INVALID
 *   naming the first problem
 */
GPtrArray *
okn_catalogue_parse (const char *text,
                     gsize       len,
                     GError    **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (JsonNode) root = okn_json_parse (text, (gssize) len, &local);
  g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *list = NULL, *defs = NULL;
  JsonArray *a;

  if (root == NULL)
    {
      invalid (error, _("The catalogue file is not JSON: %s"), local->message);
      return NULL;
    }
  if (JSON_NODE_HOLDS_ARRAY (root))
    list = root;
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      list = json_object_get_member (json_node_get_object (root), "services");
      defs = json_object_get_member (json_node_get_object (root), "definitions");
    }
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      invalid (error, "%s", _("The catalogue file holds no list of services: give the server's services.json, "
                              "or an object with \"services\" and \"definitions\"."));
      return NULL;
    }
  a = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
      g_autoptr (OknService) s = NULL;
      JsonNode *def;

      if (o == NULL)
        {
          invalid (error, _("Service number %u in the catalogue file is not an object."), i + 1);
          return NULL;
        }
      s = okn_service_from_json (o);
      if (s == NULL)
        {
          invalid (error, _("Service number %u in the catalogue file has no service_code."), i + 1);
          return NULL;
        }
      if (!g_hash_table_add (seen, s->code))
        {
          g_autofree char *shown = okn_text_display_line (s->code, 60);

          invalid (error, _("The service code “%s” appears twice in the catalogue file."), shown);
          return NULL;
        }
      def = find_definition (defs, s->code);
      if (def)
        {
          g_autoptr (JsonGenerator) gen = json_generator_new ();
          g_autofree char *def_text = NULL;
          g_autoptr (OknServiceDef) parsed = NULL;
          g_autoptr (GError) def_error = NULL;

          json_generator_set_root (gen, def);
          def_text = json_generator_to_data (gen, NULL);
          parsed = okn_service_def_parse (def_text, &def_error);
          if (parsed == NULL)
            {
              g_autofree char *shown = okn_text_display_line (s->code, 60);

              invalid (error, _("The definition of “%s” in the catalogue file is not usable: %s"), shown,
                       def_error->message);
              return NULL;
            }
          s->definition = g_steal_pointer (&def_text);
        }
      g_ptr_array_add (services, g_steal_pointer (&s));
    }
  if (services->len == 0)
    {
      invalid (error, "%s", _("The catalogue file lists no services."));
      return NULL;
    }
  return g_steal_pointer (&services);
}

/**
 * okn_catalogue_import:
 * @path: the catalogue file (okn_catalogue_parse())
 * @n_services: (out) (optional): how many categories it held
 *
 * Replaces the cached catalogue with the file's, in one transaction, and
 * stamps `catalogue.fetched_at` as a fetch from the server does, so that
 * a running desk or kiosk reloads its categories. A file that is not a
 * catalogue changes nothing.
 *
 * Returns: %TRUE when imported
 */
gboolean
okn_catalogue_import (OknStore   *store,
                      const char *path,
                      guint      *n_services,
                      GError    **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr (GError) local = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *at = okn_now_iso8601 (now);
  g_autofree char *shown = okn_text_display_line (path, -1);
  g_autoptr (GMappedFile) mapped = NULL;
  struct stat st;
  int fd;

  /* Opened without waiting (a pipe would wait for a writer for ever) and
   * looked at before it is mapped: a folder or a device is named as what
   * it is, not in mmap()'s words. */
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, OKN_CATALOGUE_ERROR, OKN_CATALOGUE_ERROR_IO, _("Cannot read the catalogue file %s: %s."),
                   shown, g_strerror (saved));
      if (fd >= 0)
        close (fd);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      if (S_ISDIR (st.st_mode))
        g_set_error (error, OKN_CATALOGUE_ERROR, OKN_CATALOGUE_ERROR_IO,
                     _("The catalogue file %s is a folder, not a file."), shown);
      else
        g_set_error (error, OKN_CATALOGUE_ERROR, OKN_CATALOGUE_ERROR_IO,
                     _("The catalogue file %s is not a regular file (a device or a pipe)."), shown);
      close (fd);
      return FALSE;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local);
  close (fd);
  if (mapped == NULL)
    {
      g_set_error (error, OKN_CATALOGUE_ERROR, OKN_CATALOGUE_ERROR_IO, _("Cannot read the catalogue file: %s"),
                   local->message);
      return FALSE;
    }
  len = g_mapped_file_get_length (mapped);
  if (len > OKN_CATALOGUE_MAX_BYTES)
    return invalid (error, "%s", _("The catalogue file is larger than 8 MB: it is not a catalogue."));
  text = g_strndup (g_mapped_file_get_contents (mapped), len);
  services = okn_catalogue_parse (text, len, error);
  if (services == NULL)
    return FALSE;
  if (!okn_store_replace_services (store, services, error)
      || !okn_store_set_meta (store, "catalogue.fetched_at", at, error))
    return FALSE;
  if (n_services)
    *n_services = services->len;
  return TRUE;
}
