/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-config.c: the configuration file */
#define G_LOG_DOMAIN "okn-config"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-config.h"

G_DEFINE_QUARK (okn-config-error-quark, okn_config_error)

/* Every key any Okienko program reads. A key that is not here is reported as
 * unknown, so a typo in the file is seen instead of silently doing nothing. */
static const OknConfigKey keys[] = {
  { "office.name", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Name of the office, printed on tickets and confirmations") },
  { "office.address", OKN_CONFIG_TYPE_TEXT, NULL, 0, 0,
    N_("Postal address of the office") },
  { "office.hotline", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Phone number residents call to ask about their case") },
  { "office.status_url", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Status page address; {ticket} and {code} are filled in") },
  { "server.url", OKN_CONFIG_TYPE_URL, NULL, 0, 0,
    N_("Base address of the Open311 GeoReport v2 endpoint") },
  { "server.api_key", OKN_CONFIG_TYPE_SECRET, NULL, 0, 0,
    N_("API key for the Open311 server") },
  { "server.jurisdiction_id", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Open311 jurisdiction_id, when the server serves several") },
  { "server.timeout", OKN_CONFIG_TYPE_INT, "30", 1, 600,
    N_("Seconds to wait for the server before giving up on a request") },
  { "server.ca_file", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM file of the certificate authorities trusted for the server (default: the system's)") },
  { "server.client_cert", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM client certificate presented to the server") },
  { "server.client_key", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM private key of the client certificate") },
  { "server.pinned_key", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Pinned server public key: sha256//BASE64 hashes separated by ';', or a PEM/DER key file") },
  { "server.media_upload", OKN_CONFIG_TYPE_BOOL, "false", 0, 0,
    N_("Send photos and scans to the server as multipart media uploads") },
  { "server.parallel", OKN_CONFIG_TYPE_INT, "4", 1, 64,
    N_("Requests sent to the server at the same time") },
  { "server.batch_size", OKN_CONFIG_TYPE_INT, "50", 1, 500,
    N_("Service request ids asked for in one status query") },
  { "sync.batch_size", OKN_CONFIG_TYPE_INT, "200", 1, 1000,
    N_("Records the sync takes from the queue and posts per batch") },
  { "sync.interval_seconds", OKN_CONFIG_TYPE_INT, "60", 1, 86400,
    N_("Seconds between two runs of sync --watch when nothing else wakes it") },
  { "sync.backoff_base_seconds", OKN_CONFIG_TYPE_INT, "5", 1, 3600,
    N_("First retry delay after a transient failure; it doubles per attempt, with full jitter") },
  { "sync.backoff_cap_seconds", OKN_CONFIG_TYPE_INT, "900", 1, 86400,
    N_("Longest retry delay after transient failures (a server's Retry-After may ask for more)") },
  { "sync.catalogue_max_age_hours", OKN_CONFIG_TYPE_INT, "24", 1, 8760,
    N_("Hours after which the sync fetches the service catalogue again") },
  { "letters.service_code", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Open311 service code under which letters are sent") },
  { "letters.attr_sender", OKN_CONFIG_TYPE_STRING, "sender", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's name (empty: not sent)") },
  { "letters.attr_sender_address", OKN_CONFIG_TYPE_STRING, "sender_address", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's address (empty: not sent)") },
  { "letters.attr_received_at", OKN_CONFIG_TYPE_STRING, "received_at", 0, 0,
    N_("Open311 attribute code carrying the letter's date and time received (empty: not sent)") },
  { "letters.attr_delivery", OKN_CONFIG_TYPE_STRING, "delivery", 0, 0,
    N_("Open311 attribute code carrying the letter's delivery method (empty: not sent)") },
  { "letters.attr_letter_date", OKN_CONFIG_TYPE_STRING, "letter_date", 0, 0,
    N_("Open311 attribute code carrying the letter's date on the letter (empty: not sent)") },
  { "letters.attr_reference", OKN_CONFIG_TYPE_STRING, "reference", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's reference number (empty: not sent)") },
  { "letters.attr_subject", OKN_CONFIG_TYPE_STRING, "subject", 0, 0,
    N_("Open311 attribute code carrying the letter's subject (empty: not sent)") },
  { "letters.attr_pages", OKN_CONFIG_TYPE_STRING, "pages", 0, 0,
    N_("Open311 attribute code carrying the letter's number of pages (empty: not sent)") },
  { "letters.attr_attachments", OKN_CONFIG_TYPE_STRING, "attachments", 0, 0,
    N_("Open311 attribute code carrying the letter's number of attachments (empty: not sent)") },
  { "letters.attr_unit", OKN_CONFIG_TYPE_STRING, "unit", 0, 0,
    N_("Open311 attribute code carrying the letter's organisational unit (empty: not sent)") },
  { "letters.attr_notes", OKN_CONFIG_TYPE_STRING, "notes", 0, 0,
    N_("Open311 attribute code carrying the letter's notes (empty: not sent)") },
  { "letters.units", OKN_CONFIG_TYPE_LIST, NULL, 0, 0,
    N_("Organisational units a letter can be assigned to, comma-separated") },
  { "label.width_mm", OKN_CONFIG_TYPE_INT, "70", 20, 200,
    N_("Width of the adhesive letter label in millimetres") },
  { "label.height_mm", OKN_CONFIG_TYPE_INT, "36", 15, 200,
    N_("Height of the adhesive letter label in millimetres") },
  { "desk.letter_outputs", OKN_CONFIG_TYPE_LIST, "label", 0, 0,
    N_("What prints when a letter is saved at the desk: label, a4-confirmation (comma-separated; empty: nothing)") },
  { "desk.report_outputs", OKN_CONFIG_TYPE_LIST, "receipt-80", 0, 0,
    N_("What prints when a report is saved at the desk: receipt-80, receipt-58 (comma-separated; empty: nothing)") },
  { "desk.output_dir", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("Folder where the desk writes every printed output as a PDF file (instead of a printer)") },
  { "desk.printer_receipt", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the resident’s receipt") },
  { "desk.printer_label", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the label stuck on a paper letter") },
  { "desk.printer_a4", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for A4 confirmations of receipt and the daily register") },
  { "desk.camera_device", OKN_CONFIG_TYPE_PATH, "/dev/video0", 0, 0,
    N_("Camera the desk scans tickets with (a V4L2 device)") },
  { "print.timeout", OKN_CONFIG_TYPE_INT, "30", 1, 600,
    N_("Seconds to wait for a CUPS print job to finish before reporting it failed") },
  { "escpos.device", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Raw ESC/POS receipt printer: a device such as /dev/usb/lp0 or HOST:PORT (port 9100 if none)") },
  { "escpos.feed_lines", OKN_CONFIG_TYPE_INT, "4", 0, 255,
    N_("Lines of paper fed after an ESC/POS ticket, before the cut") },
  { "escpos.cut", OKN_CONFIG_TYPE_STRING, "partial", 0, 0,
    N_("Cut after an ESC/POS ticket: full, partial or none") },
  { "escpos.timeout", OKN_CONFIG_TYPE_INT, "10", 1, 600,
    N_("Seconds to wait for an ESC/POS printer to connect and take each part of the ticket") },
  { "escpos.check_paper", OKN_CONFIG_TYPE_BOOL, "false", 0, 0,
    N_("Ask the ESC/POS printer for its paper status before each ticket (needs a printer that answers)") },
};

struct _OknConfig
{
  char *path;
  GKeyFile *file;
  GPtrArray *problems;
};

char *
okn_config_default_path (void)
{
  const char *env = g_getenv ("OKIENKO_CONFIG");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_config_dir (), "okienko", "okienko.conf", NULL);
}

const OknConfigKey *
okn_config_keys (guint *n_keys)
{
  *n_keys = G_N_ELEMENTS (keys);
  return keys;
}

const OknConfigKey *
okn_config_find_key (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (g_str_equal (keys[i].name, name))
      return &keys[i];
  return NULL;
}

static gboolean
split_name (const char *name,
            char      **group,
            char      **key)
{
  const char *dot = strchr (name, '.');

  if (dot == NULL || dot == name || dot[1] == '\0' || strchr (dot + 1, '.'))
    return FALSE;
  *group = g_strndup (name, (gsize) (dot - name));
  *key = g_strdup (dot + 1);
  return TRUE;
}

static const OknConfigKey *
find_key_or_fail (const char *name,
                  GError    **error)
{
  const OknConfigKey *k = okn_config_find_key (name);

  if (k == NULL)
    g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNKNOWN_KEY,
                 _("Unknown configuration key “%s”. Known keys: okienkoctl config list --all"),
                 name);
  return k;
}

/* Checks and normalises one value; the message names the key, never the
 * value of a secret. */
static char *
check_value (const OknConfigKey *k,
             const char         *value,
             GError            **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                   _("%s: the value is not valid UTF-8 text."), k->name);
      return NULL;
    }
  for (const char *p = value; *p; p++)
    if (((guchar) *p < 0x20 && !(k->type == OKN_CONFIG_TYPE_TEXT && *p == '\n')) || *p == 0x7f)
      {
        g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                     _("%s: the value contains a control character."), k->name);
        return NULL;
      }

  switch (k->type)
    {
    case OKN_CONFIG_TYPE_INT:
      {
        gint64 v;

        if (!g_ascii_string_to_signed (value, 10, k->min, k->max, &v, NULL))
          {
            g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                         _("%s: “%s” is not a whole number from %lld to %lld."),
                         k->name, value, (long long) k->min, (long long) k->max);
            return NULL;
          }
        return g_strdup_printf ("%" G_GINT64_FORMAT, v);
      }
    case OKN_CONFIG_TYPE_BOOL:
      if (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "yes") == 0
          || g_str_equal (value, "1"))
        return g_strdup ("true");
      if (g_ascii_strcasecmp (value, "false") == 0 || g_ascii_strcasecmp (value, "no") == 0
          || g_str_equal (value, "0"))
        return g_strdup ("false");
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                   _("%s: “%s” is not true or false."), k->name, value);
      return NULL;
    case OKN_CONFIG_TYPE_URL:
      {
        g_autoptr (GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
        const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

        if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
            || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
          {
            g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                         _("%s: “%s” is not an http:// or https:// address."), k->name, value);
            return NULL;
          }
        return g_strdup (value);
      }
    case OKN_CONFIG_TYPE_SECRET:
      if (*value == '\0')
        {
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE,
                       _("%s: the value is empty; use unset to remove it."), k->name);
          return NULL;
        }
      return g_strdup (value);
    case OKN_CONFIG_TYPE_STRING:
    case OKN_CONFIG_TYPE_TEXT:
    case OKN_CONFIG_TYPE_PATH:
    case OKN_CONFIG_TYPE_LIST:
    default:
      return g_strdup (value);
    }
}

OknConfig *
okn_config_new (const char *path)
{
  OknConfig *config = g_new0 (OknConfig, 1);

  config->path = path ? g_strdup (path) : okn_config_default_path ();
  config->file = g_key_file_new ();
  config->problems = g_ptr_array_new_with_free_func (g_free);
  return config;
}

void
okn_config_free (OknConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->path);
  g_key_file_unref (config->file);
  g_ptr_array_unref (config->problems);
  g_free (config);
}

const char *
okn_config_get_path (OknConfig *config)
{
  return config->path;
}

/**
 * okn_config_load:
 * @path: (nullable): the file; the default when %NULL
 *
 * A missing file is an empty configuration. Unknown keys and bad values do
 * not stop the load: they are listed by okn_config_get_problems() for the
 * program to report, and read as unset.
 */
OknConfig *
okn_config_load (const char *path,
                 GError    **error)
{
  g_autoptr (OknConfig) config = okn_config_new (path);
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) groups = NULL;

  if (!g_key_file_load_from_file (config->file, config->path, G_KEY_FILE_KEEP_COMMENTS, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&config);
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s cannot be read: %s"), config->path,
                   local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (config->file, NULL);
  for (guint g = 0; groups[g]; g++)
    {
      g_auto (GStrv) names = g_key_file_get_keys (config->file, groups[g], NULL, NULL);

      for (guint i = 0; names && names[i]; i++)
        {
          g_autofree char *full = g_strdup_printf ("%s.%s", groups[g], names[i]);
          const OknConfigKey *k = okn_config_find_key (full);
          g_autofree char *value = NULL;
          g_autofree char *checked = NULL;
          g_autoptr (GError) value_error = NULL;

          if (k == NULL)
            {
              g_ptr_array_add (config->problems,
                               g_strdup_printf (_("%s: unknown key “%s” (ignored)"),
                                                config->path, full));
              continue;
            }
          value = g_key_file_get_string (config->file, groups[g], names[i], NULL);
          checked = value ? check_value (k, value, &value_error) : NULL;
          if (checked == NULL)
            {
              g_ptr_array_add (config->problems,
                               g_strdup_printf (_("%s: %s (ignored)"), config->path,
                                                value_error ? value_error->message : full));
              g_key_file_remove_key (config->file, groups[g], names[i], NULL);
            }
        }
    }
  return g_steal_pointer (&config);
}

/**
 * okn_config_get_problems:
 *
 * Returns: (element-type utf8): unknown keys and bad values found on load
 */
const GPtrArray *
okn_config_get_problems (OknConfig *config)
{
  return config->problems;
}

gboolean
okn_config_is_set (OknConfig  *config,
                   const char *name)
{
  g_autofree char *group = NULL;
  g_autofree char *key = NULL;

  if (!split_name (name, &group, &key))
    return FALSE;
  return g_key_file_has_key (config->file, group, key, NULL);
}

/**
 * okn_config_get_string:
 * @name: a known key, "section.key"
 *
 * Returns: (transfer full) (nullable): the value, else the key's default
 */
char *
okn_config_get_string (OknConfig  *config,
                       const char *name)
{
  const OknConfigKey *k = okn_config_find_key (name);
  g_autofree char *group = NULL;
  g_autofree char *key = NULL;
  char *value;

  g_return_val_if_fail (k != NULL, NULL);
  if (!split_name (name, &group, &key))
    return NULL;
  value = g_key_file_get_string (config->file, group, key, NULL);
  if (value == NULL)
    return g_strdup (k->default_value);
  return value;
}

gint64
okn_config_get_int (OknConfig  *config,
                    const char *name)
{
  g_autofree char *s = okn_config_get_string (config, name);

  return s ? g_ascii_strtoll (s, NULL, 10) : 0;
}

gboolean
okn_config_get_bool (OknConfig  *config,
                     const char *name)
{
  g_autofree char *s = okn_config_get_string (config, name);

  return s && (g_ascii_strcasecmp (s, "true") == 0 || g_ascii_strcasecmp (s, "yes") == 0
               || g_str_equal (s, "1"));
}

/**
 * okn_config_get_list:
 *
 * Returns: (transfer full): the comma-separated items, trimmed, empty ones
 *   dropped; an empty vector when unset
 */
GStrv
okn_config_get_list (OknConfig  *config,
                     const char *name)
{
  g_autofree char *s = okn_config_get_string (config, name);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) parts = NULL;

  if (s == NULL)
    return g_strv_builder_end (b);
  parts = g_strsplit (s, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i])
        g_strv_builder_add (b, parts[i]);
    }
  return g_strv_builder_end (b);
}

gboolean
okn_config_set (OknConfig  *config,
                const char *name,
                const char *value,
                GError    **error)
{
  const OknConfigKey *k = find_key_or_fail (name, error);
  g_autofree char *group = NULL;
  g_autofree char *key = NULL;
  g_autofree char *checked = NULL;

  if (k == NULL)
    return FALSE;
  checked = check_value (k, value, error);
  if (checked == NULL)
    return FALSE;
  split_name (name, &group, &key);
  g_key_file_set_string (config->file, group, key, checked);
  return TRUE;
}

gboolean
okn_config_unset (OknConfig  *config,
                  const char *name,
                  GError    **error)
{
  g_autofree char *group = NULL;
  g_autofree char *key = NULL;

  /* An unknown key that is in the file (a typo reported on every start)
   * can be removed: that is how it gets fixed. */
  if (split_name (name, &group, &key) && g_key_file_has_key (config->file, group, key, NULL))
    {
      g_key_file_remove_key (config->file, group, key, NULL);
      return TRUE;
    }
  return find_key_or_fail (name, error) != NULL;
}

/**
 * okn_config_save:
 *
 * Writes the file atomically (a temporary file renamed over it, fsync'ed)
 * with mode 0600: it may hold the server's API key.
 */
gboolean
okn_config_save (OknConfig *config,
                 GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (config->path);
  g_autofree char *data = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_IO,
                   _("Cannot create the folder %s."), dir);
      return FALSE;
    }
  data = g_key_file_to_data (config->file, &len, NULL);
  if (!g_file_set_contents_full (config->path, data, (gssize) len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_IO,
                   _("Cannot save the configuration file: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/**
 * okn_config_list_set:
 *
 * Returns: (transfer full) (element-type utf8): the names of the keys that
 *   are set, in the file's order
 */
GPtrArray *
okn_config_list_set (OknConfig *config)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) groups = g_key_file_get_groups (config->file, NULL);

  for (guint g = 0; groups[g]; g++)
    {
      g_auto (GStrv) names = g_key_file_get_keys (config->file, groups[g], NULL, NULL);

      for (guint i = 0; names && names[i]; i++)
        {
          char *full = g_strdup_printf ("%s.%s", groups[g], names[i]);

          if (okn_config_find_key (full))
            g_ptr_array_add (out, full);
          else
            g_free (full);
        }
    }
  return g_steal_pointer (&out);
}

/**
 * okn_config_display_value:
 *
 * Returns: (transfer full): what may be shown of a value: secrets masked
 */
char *
okn_config_display_value (const OknConfigKey *key,
                          const char         *value)
{
  if (value == NULL)
    return NULL;
  if (key->type == OKN_CONFIG_TYPE_SECRET)
    return g_strdup ("********");
  /* A URL may carry a user, a password or a key in its query: show where it
   * points, not how it signs in. */
  if (key->type == OKN_CONFIG_TYPE_URL)
    {
      g_autoptr (GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL)
        return g_strdup (_("(not a valid URL)"));
      return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                         g_uri_get_port (uri), g_uri_get_path (uri), NULL, NULL);
    }
  return g_strdup (value);
}
