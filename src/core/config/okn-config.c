/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-config.c: the configuration file */
#define G_LOG_DOMAIN "okn-config"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-config.h"
#include "okienko/okn-field-error.h"
#include "okienko/okn-file.h"
#include "okienko/okn-pin.h"
#include "okienko/okn-text.h"

/* A refused value carries its key and what is wrong, without the key, as
 * data: a front end names the field as its user knows it
 * (okn_config_error_get_key()). */
typedef struct
{
  char *key;
  char *problem;
} OknConfigErrorPrivate;

static void
okn_config_error_private_init (OknConfigErrorPrivate *priv)
{
}

static void
okn_config_error_private_copy (const OknConfigErrorPrivate *src,
                               OknConfigErrorPrivate       *dest)
{
  dest->key = g_strdup (src->key);
  dest->problem = g_strdup (src->problem);
}

static void
okn_config_error_private_clear (OknConfigErrorPrivate *priv)
{
  g_clear_pointer (&priv->key, g_free);
  g_clear_pointer (&priv->problem, g_free);
}

G_DEFINE_EXTENDED_ERROR (OknConfigError, okn_config_error)

/* A configuration file is a few kilobytes; anything this large is a wrong
 * path, not something to read into memory. */
#define CONFIG_MAX_BYTES (1024 * 1024)
/* Problems of lines (unknown keys, bad values, repeated keys) listed one by
 * one before the rest are counted. */
#define MAX_LINE_PROBLEMS 20

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
    N_("Status page address; {ticket} and {code} are filled in"),
    OKN_CONFIG_CHECK_STATUS_URL },
  { "office.ticket_language", OKN_CONFIG_TYPE_STRING, "pl", 0, 0,
    N_("Language of the tickets this station prints: pl, en or uk (a kiosk prints in the resident's)"),
    OKN_CONFIG_CHECK_CHOICE, "pl|en|uk" },
  { "server.url", OKN_CONFIG_TYPE_URL, NULL, 0, 0,
    N_("Base address of the Open311 GeoReport v2 endpoint") },
  { "server.api_key", OKN_CONFIG_TYPE_SECRET, NULL, 0, 0,
    N_("API key for the Open311 server") },
  { "server.jurisdiction_id", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Open311 jurisdiction_id, when the server serves several"),
    OKN_CONFIG_CHECK_CODE },
  { "server.timeout", OKN_CONFIG_TYPE_INT, "30", 1, 600,
    N_("Seconds to wait for the server before giving up on a request") },
  { "server.ca_file", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM file of the certificate authorities trusted for the server (default: the system's)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "server.client_cert", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM client certificate presented to the server"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "server.client_key", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("PEM private key of the client certificate"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "server.pinned_key", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Pinned server public key: sha256//BASE64 hashes separated by ';', or a PEM/DER key file"),
    OKN_CONFIG_CHECK_PINNED_KEY },
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
    N_("Open311 service code under which letters are sent"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_sender", OKN_CONFIG_TYPE_STRING, "sender", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's name (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_sender_address", OKN_CONFIG_TYPE_STRING, "sender_address", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's address (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_received_at", OKN_CONFIG_TYPE_STRING, "received_at", 0, 0,
    N_("Open311 attribute code carrying the letter's date and time received (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_delivery", OKN_CONFIG_TYPE_STRING, "delivery", 0, 0,
    N_("Open311 attribute code carrying the letter's delivery method (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_letter_date", OKN_CONFIG_TYPE_STRING, "letter_date", 0, 0,
    N_("Open311 attribute code carrying the letter's date on the letter (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_reference", OKN_CONFIG_TYPE_STRING, "reference", 0, 0,
    N_("Open311 attribute code carrying the letter's sender's reference number (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_subject", OKN_CONFIG_TYPE_STRING, "subject", 0, 0,
    N_("Open311 attribute code carrying the letter's subject (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_pages", OKN_CONFIG_TYPE_STRING, "pages", 0, 0,
    N_("Open311 attribute code carrying the letter's number of pages (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_attachments", OKN_CONFIG_TYPE_STRING, "attachments", 0, 0,
    N_("Open311 attribute code carrying the letter's number of attachments (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_unit", OKN_CONFIG_TYPE_STRING, "unit", 0, 0,
    N_("Open311 attribute code carrying the letter's organisational unit (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.attr_notes", OKN_CONFIG_TYPE_STRING, "notes", 0, 0,
    N_("Open311 attribute code carrying the letter's notes (empty: not sent)"),
    OKN_CONFIG_CHECK_CODE },
  { "letters.units", OKN_CONFIG_TYPE_LIST, NULL, 0, 0,
    N_("Organisational units a letter can be assigned to, comma-separated") },
  { "label.width_mm", OKN_CONFIG_TYPE_INT, "70", 20, 200,
    N_("Width of the adhesive letter label in millimetres") },
  { "label.height_mm", OKN_CONFIG_TYPE_INT, "36", 15, 200,
    N_("Height of the adhesive letter label in millimetres") },
  { "desk.letter_outputs", OKN_CONFIG_TYPE_LIST, "label", 0, 0,
    N_("What prints when a letter is saved at the desk: label, a4-confirmation (comma-separated; empty: nothing)"),
    OKN_CONFIG_CHECK_CHOICE_LIST, "label|a4-confirmation|receipt-80|receipt-58" },
  { "desk.report_outputs", OKN_CONFIG_TYPE_LIST, "receipt-80", 0, 0,
    N_("What prints when a report is saved at the desk: receipt-80, receipt-58 (comma-separated; empty: nothing)"),
    OKN_CONFIG_CHECK_CHOICE_LIST, "receipt-80|receipt-58|a4-confirmation|label" },
  { "desk.output_dir", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("Folder where the desk writes every printed output as a PDF file (instead of a printer)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "desk.printer_receipt", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the resident’s receipt"),
    OKN_CONFIG_CHECK_PRINTER },
  { "desk.printer_label", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the label stuck on a paper letter"),
    OKN_CONFIG_CHECK_PRINTER },
  { "desk.printer_a4", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for A4 confirmations of receipt and the daily register"),
    OKN_CONFIG_CHECK_PRINTER },
  { "desk.camera_device", OKN_CONFIG_TYPE_PATH, "/dev/video0", 0, 0,
    N_("Camera the desk scans tickets with (a V4L2 device)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "scanner.max_gap_ms", OKN_CONFIG_TYPE_INT, "20", 1, 500,
    N_("Longest pause in milliseconds between two keys a barcode scanner in keyboard mode sends (people type slower)") },
  { "scanner.prefix", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("What the barcode scanner is set to send before each code (empty: nothing)") },
  { "scanner.suffix", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("What the barcode scanner is set to send after each code, before Enter (empty: nothing)") },
  { "kiosk.report_outputs", OKN_CONFIG_TYPE_LIST, "receipt-80", 0, 0,
    N_("What prints when a resident files a report at the kiosk: receipt-80, receipt-58 (comma-separated; empty: nothing)"),
    OKN_CONFIG_CHECK_CHOICE_LIST, "receipt-80|receipt-58|a4-confirmation" },
  { "kiosk.output_dir", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("Folder where the kiosk writes every printed output as a PDF file (instead of a printer)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "kiosk.printer_receipt", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the kiosk’s receipts"),
    OKN_CONFIG_CHECK_PRINTER },
  { "kiosk.printer_a4", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("CUPS printer for the kiosk’s A4 confirmations"),
    OKN_CONFIG_CHECK_PRINTER },
  { "kiosk.language", OKN_CONFIG_TYPE_STRING, "pl", 0, 0,
    N_("Language the kiosk’s start screen speaks until a resident picks another: pl, en or uk"),
    OKN_CONFIG_CHECK_CHOICE, "pl|en|uk" },
  { "kiosk.inactivity_seconds", OKN_CONFIG_TYPE_INT, "90", 15, 3600,
    N_("Seconds without a touch before the kiosk warns that it will start over (20 seconds later it does)") },
  { "kiosk.icons", OKN_CONFIG_TYPE_LIST, NULL, 0, 0,
    N_("Icons of the kiosk’s category tiles: CODE=icon-name or GROUP=icon-name, comma-separated (a category’s code wins over its group)") },
  { "kiosk.camera_device", OKN_CONFIG_TYPE_PATH, "/dev/video0", 0, 0,
    N_("Camera residents hold their ticket to at the kiosk (a V4L2 device; the button shows only when it exists)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "kiosk.admin_pin", OKN_CONFIG_TYPE_SECRET, NULL, 0, 0,
    N_("Administrator PIN that leaves kiosk mode (4-12 digits; kept as a salted hash; set it with “okienkoctl config set kiosk.admin_pin -”)"),
    OKN_CONFIG_CHECK_PIN },
  { "kiosk.speech_engine", OKN_CONFIG_TYPE_STRING, "espeak-ng", 0, 0,
    N_("Speech engine of the kiosk's speech mode: espeak-ng, or speech-dispatcher with its installed module"),
    OKN_CONFIG_CHECK_CHOICE, "espeak-ng|speech-dispatcher" },
  { "kiosk.speech_languages", OKN_CONFIG_TYPE_LIST, "pl,en", 0, 0,
    N_("Languages the kiosk speaks: pl, en, uk (comma-separated; add uk only with a good Ukrainian voice)"),
    OKN_CONFIG_CHECK_CHOICE_LIST, "pl|en|uk" },
  { "kiosk.speech_module", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("speech-dispatcher output module the kiosk speaks with (empty: the daemon's default)"),
    OKN_CONFIG_CHECK_CODE },
  { "scan.max_pages", OKN_CONFIG_TYPE_INT, "50", 1, 100000,
    N_("Pages of a scanned PDF the desk reads at most (a letter, not a binder); okienkoctl scan --max-pages overrides it") },
  { "print.timeout", OKN_CONFIG_TYPE_INT, "30", 1, 600,
    N_("Seconds to wait for a CUPS print job to finish before reporting it failed") },
  { "escpos.device", OKN_CONFIG_TYPE_STRING, NULL, 0, 0,
    N_("Raw ESC/POS receipt printer: a device such as /dev/usb/lp0 or HOST:PORT (port 9100 if none)"),
    OKN_CONFIG_CHECK_ESCPOS_DEVICE },
  { "escpos.feed_lines", OKN_CONFIG_TYPE_INT, "4", 0, 255,
    N_("Lines of paper fed after an ESC/POS ticket, before the cut") },
  { "escpos.cut", OKN_CONFIG_TYPE_STRING, "partial", 0, 0,
    N_("Cut after an ESC/POS ticket: full, partial or none"),
    OKN_CONFIG_CHECK_CHOICE, "full|partial|none" },
  { "escpos.timeout", OKN_CONFIG_TYPE_INT, "10", 1, 600,
    N_("Seconds to wait for an ESC/POS printer to connect and take each part of the ticket") },
  { "escpos.check_paper", OKN_CONFIG_TYPE_BOOL, "false", 0, 0,
    N_("Ask the ESC/POS printer for its paper status before each ticket (needs a printer that answers)") },
  { "backup.dir", OKN_CONFIG_TYPE_PATH, NULL, 0, 0,
    N_("Folder of the dated backups “okienkoctl backup --rotate” writes (default: “backups” beside the database)"),
    OKN_CONFIG_CHECK_ABSOLUTE_PATH },
  { "backup.keep_days", OKN_CONFIG_TYPE_INT, "14", 1, 3650,
    N_("Days a dated backup is kept; “okienkoctl backup --rotate” removes older ones after a new one is written") },
  { "privacy.retention_days", OKN_CONFIG_TYPE_INT, "365", 1, 36500,
    N_("Days after which the personal data of a record the server has is cleared (okienkoctl purge; the sync runs it daily)") },
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

/**
 * okn_config_type_to_string:
 *
 * Returns: the type's short name, as `okienkoctl config list` shows it:
 *   `string`, `text` (may span lines), `int`, `bool`, `url`, `secret`,
 *   `path` or `list`
 */
const char *
okn_config_type_to_string (OknConfigType type)
{
  switch (type)
    {
    case OKN_CONFIG_TYPE_INT:
      return "int";
    case OKN_CONFIG_TYPE_BOOL:
      return "bool";
    case OKN_CONFIG_TYPE_URL:
      return "url";
    case OKN_CONFIG_TYPE_SECRET:
      return "secret";
    case OKN_CONFIG_TYPE_PATH:
      return "path";
    case OKN_CONFIG_TYPE_LIST:
      return "list";
    case OKN_CONFIG_TYPE_TEXT:
      return "text";
    case OKN_CONFIG_TYPE_STRING:
    default:
      return "string";
    }
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
    {
      g_autofree char *shown = okn_text_display_line (name, 60);

      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNKNOWN_KEY,
                   _("Unknown configuration key “%s”. Known keys: okienkoctl config list --all"),
                   shown);
    }
  return k;
}

/* "<key>: <what is wrong with its value>", the key and the problem also
 * kept apart (okn_config_error_get_key()). */
static void G_GNUC_PRINTF (3, 4)
refuse_value (GError            **error,
              const OknConfigKey *k,
              const char         *format,
              ...)
{
  g_autofree char *what = NULL;
  OknConfigErrorPrivate *priv;
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  okn_set_field_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE, k->name, "%s", what);
  priv = okn_config_error_get_private (*error);
  priv->key = g_strdup (k->name);
  priv->problem = g_steal_pointer (&what);
}

/**
 * okn_config_error_get_key:
 *
 * Returns: (nullable): the key whose value @error refused
 *   (%OKN_CONFIG_ERROR_INVALID_VALUE), %NULL for any other error
 */
const char *
okn_config_error_get_key (const GError *error)
{
  if (error == NULL || error->domain != OKN_CONFIG_ERROR)
    return NULL;
  return okn_config_error_get_private (error)->key;
}

/**
 * okn_config_error_get_problem:
 *
 * What is wrong with the value, translated, without the key: for a front
 * end that names the field itself ("<its label>: <problem>"); the
 * message is "<key>: <problem>".
 *
 * Returns: (nullable): the problem, %NULL when okn_config_error_get_key()
 *   is %NULL
 */
const char *
okn_config_error_get_problem (const GError *error)
{
  if (error == NULL || error->domain != OKN_CONFIG_ERROR)
    return NULL;
  return okn_config_error_get_private (error)->problem;
}

static gboolean
is_choice (const char *choices,
           const char *value)
{
  g_auto (GStrv) all = g_strsplit (choices, "|", -1);

  for (guint i = 0; all[i]; i++)
    if (g_ascii_strcasecmp (all[i], value) == 0)
      return TRUE;
  return FALSE;
}

static char *
choices_text (const char *choices)
{
  g_auto (GStrv) all = g_strsplit (choices, "|", -1);

  return g_strjoinv (", ", all);
}

/* A host name or an IP address, as a printer's or a server's address. */
static gboolean
is_host (const char *host)
{
  if (host == NULL || *host == '\0' || strlen (host) > 253)
    return FALSE;
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
check_escpos_device (const OknConfigKey *k,
                     const char         *value,
                     GError            **error)
{
  const char *target = g_str_has_prefix (value, "tcp://") ? value + 6 : value;
  g_autoptr (GSocketConnectable) address = NULL;

  /* The rule of okn_escpos_send(): anything with a slash is a device. */
  if (target == value && strchr (value, '/'))
    {
      if (value[0] == '/')
        return TRUE;
      refuse_value (error, k, _("a device is an absolute path such as /dev/usb/lp0."));
      return FALSE;
    }
  address = strchr (target, '/') ? NULL : g_network_address_parse (target, 9100, NULL);
  if (address == NULL || !is_host (g_network_address_get_hostname (G_NETWORK_ADDRESS (address)))
      || g_network_address_get_port (G_NETWORK_ADDRESS (address)) == 0)
    {
      refuse_value (error, k, _("give a device such as /dev/usb/lp0, or a network address HOST or "
                                "HOST:PORT with a port from 1 to 65535 (192.168.1.50:9100)."));
      return FALSE;
    }
  return TRUE;
}

/* curl's CURLOPT_PINNEDPUBLICKEY: "sha256//" and the base64 of a SHA-256
 * hash (32 bytes), several separated by ';', or the path of a key file. */
static gboolean
check_pinned_key (const OknConfigKey *k,
                  const char         *value,
                  GError            **error)
{
  g_auto (GStrv) pins = NULL;

  if (value[0] == '/')
    return TRUE;
  pins = g_strsplit (value, ";", -1);
  for (guint i = 0; pins[i]; i++)
    {
      const char *b64 = pins[i] + strlen ("sha256//");
      g_autofree guchar *hash = NULL;
      gsize len = 0;
      gboolean ok = g_str_has_prefix (pins[i], "sha256//") && strlen (b64) == 44;

      for (const char *p = b64; ok && *p; p++)
        ok = g_ascii_isalnum (*p) || *p == '+' || *p == '/' || (*p == '=' && p[1] == '\0');
      if (ok)
        {
          hash = g_base64_decode (b64, &len);
          ok = len == 32;
        }
      if (!ok)
        {
          refuse_value (error, k, _("pin %u is not sha256// followed by the base64 of a SHA-256 "
                                    "hash (44 characters); separate several with “;”, or give the "
                                    "absolute path of a PEM or DER key file."),
                        i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* The template as the layout uses it (okn-ticket-layout.c): {ticket} alone makes a
 * page to visit, {ticket} and {code} make the QR code's address; anything
 * else would put a broken or foreign address on every ticket. */
static gboolean
check_status_url (const OknConfigKey *k,
                  const char         *value,
                  GError            **error)
{
  g_autoptr (GString) filled = g_string_new (value);
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  gboolean has_ticket = strstr (value, "{ticket}") != NULL;
  gboolean has_code = strstr (value, "{code}") != NULL;

  g_string_replace (filled, "{ticket}", "K03-26-000001-J", 0);
  g_string_replace (filled, "{code}", "ABC123", 0);
  if (strchr (filled->str, '{') || strchr (filled->str, '}'))
    {
      refuse_value (error, k, _("the only places to fill in are {ticket} and {code}."));
      return FALSE;
    }
  if (has_code && !has_ticket)
    {
      refuse_value (error, k, _("an address with {code} needs {ticket} too: the code alone "
                                "identifies nothing."));
      return FALSE;
    }
  uri = g_uri_parse (filled->str, G_URI_FLAGS_NONE, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || !is_host (g_uri_get_host (uri))
      || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0)
      || strchr (value, ' '))
    {
      refuse_value (error, k, _("give an http:// or https:// address of the status page, "
                                "e.g. https://example.org/status?ticket={ticket}&code={code}."));
      return FALSE;
    }
  return TRUE;
}

/* The rules of the key beyond its type. Messages name the key and say what
 * a value must look like; they never quote the value (it could be a secret
 * typed into the wrong key, or text from a hostile file). */
static gboolean
check_specific (const OknConfigKey *k,
                const char         *value,
                GError            **error)
{
  switch (k->check)
    {
    case OKN_CONFIG_CHECK_CHOICE:
      if (!is_choice (k->choices, value))
        {
          g_autofree char *choices = choices_text (k->choices);

          refuse_value (error, k, _("use one of: %s."), choices);
          return FALSE;
        }
      return TRUE;
    case OKN_CONFIG_CHECK_CHOICE_LIST:
      {
        g_auto (GStrv) items = g_strsplit (value, ",", -1);

        for (guint i = 0; items[i]; i++)
          {
            g_strstrip (items[i]);
            if (*items[i] && !is_choice (k->choices, items[i]))
              {
                g_autofree char *choices = choices_text (k->choices);

                refuse_value (error, k, _("item %u is not one of: %s."), i + 1, choices);
                return FALSE;
              }
          }
        return TRUE;
      }
    case OKN_CONFIG_CHECK_CODE:
      for (const char *p = value; *p; p++)
        if (g_ascii_isspace (*p) || *p == '[' || *p == ']')
          {
            refuse_value (error, k, _("a code has no spaces or brackets."));
            return FALSE;
          }
      if (g_utf8_strlen (value, -1) > 100)
        {
          refuse_value (error, k, _("a code has at most 100 characters."));
          return FALSE;
        }
      return TRUE;
    case OKN_CONFIG_CHECK_ABSOLUTE_PATH:
      if (value[0] != '/')
        {
          refuse_value (error, k, _("give an absolute path, starting with /: the desk and the "
                                    "sync service do not share a working folder."));
          return FALSE;
        }
      return TRUE;
    case OKN_CONFIG_CHECK_PRINTER:
      if (*value == '\0' || strlen (value) > 127 || strpbrk (value, " \t/#\\'\""))
        {
          refuse_value (error, k, _("a CUPS printer name has 1 to 127 characters without spaces, "
                                    "/, #, \\ or quotes (okienkoctl printers lists them)."));
          return FALSE;
        }
      return TRUE;
    case OKN_CONFIG_CHECK_ESCPOS_DEVICE:
      return check_escpos_device (k, value, error);
    case OKN_CONFIG_CHECK_PINNED_KEY:
      return check_pinned_key (k, value, error);
    case OKN_CONFIG_CHECK_STATUS_URL:
      return check_status_url (k, value, error);
    case OKN_CONFIG_CHECK_PIN:
    case OKN_CONFIG_CHECK_NONE:
    default:
      return TRUE;
    }
}

/* Checks and normalises one value; the message names the key, never the
 * value. */
static char *
check_value (const OknConfigKey *k,
             const char         *value,
             GError            **error)
{
  if (!g_utf8_validate (value, -1, NULL))
    {
      refuse_value (error, k, _("the value is not valid UTF-8 text."));
      return NULL;
    }
  for (const char *p = value; *p; p++)
    if (((guchar) *p < 0x20 && !(k->type == OKN_CONFIG_TYPE_TEXT && *p == '\n')) || *p == 0x7f)
      {
        refuse_value (error, k, _("the value contains a control character."));
        return NULL;
      }
  if (!okn_text_is_display_safe (value) && k->type != OKN_CONFIG_TYPE_TEXT)
    {
      /* A bidi override in an office name would flip text on every ticket. */
      refuse_value (error, k, _("the value contains a character that changes how text is shown "
                                "(a bidirectional override)."));
      return NULL;
    }

  switch (k->type)
    {
    case OKN_CONFIG_TYPE_INT:
      {
        gint64 v;

        if (!g_ascii_string_to_signed (value, 10, k->min, k->max, &v, NULL))
          {
            refuse_value (error, k, _("not a whole number from %lld to %lld."),
                          (long long) k->min, (long long) k->max);
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
      refuse_value (error, k, _("not true or false."));
      return NULL;
    case OKN_CONFIG_TYPE_URL:
      {
        g_autoptr (GUri) uri = g_uri_parse (value, G_URI_FLAGS_NONE, NULL);
        const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;

        if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0'
            || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0))
          {
            refuse_value (error, k, _("not an http:// or https:// address."));
            return NULL;
          }
        return g_strdup (value);
      }
    case OKN_CONFIG_TYPE_SECRET:
      if (*value == '\0')
        {
          refuse_value (error, k, _("the value is empty; use unset to remove it."));
          return NULL;
        }
      /* A PIN is never kept: a typed one becomes its salted hash here,
       * whoever sets it. */
      if (k->check == OKN_CONFIG_CHECK_PIN)
        {
          if (okn_pin_hash_is_valid (value))
            return g_strdup (value);
          if (okn_pin_is_valid (value))
            return okn_pin_hash (value);
          refuse_value (error, k, _("not a PIN of 4 to 12 digits."));
          return NULL;
        }
      return g_strdup (value);
    case OKN_CONFIG_TYPE_STRING:
    case OKN_CONFIG_TYPE_TEXT:
    case OKN_CONFIG_TYPE_PATH:
    case OKN_CONFIG_TYPE_LIST:
    default:
      if (*value && !check_specific (k, value, error))
        return NULL;
      if (k->check == OKN_CONFIG_CHECK_CHOICE)
        return g_ascii_strdown (value, -1);
      return g_strdup (value);
    }
}

OknConfig *
okn_config_new (const char *path)
{
  OknConfig *config = g_new0 (OknConfig, 1);

  config->path = path ? g_strdup (path) : okn_config_default_path ();
  /* No export may ever be written over the configuration (okn-file). */
  okn_file_protect (config->path);
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

/* Opens the file and checks what was opened (fstat on the descriptor, so
 * the file checked is the file read). The file may hold the API key:
 * - a link is followed only to a file of ours that only we can read (a
 *   link to /etc/shadow is not read, whoever runs us);
 * - a file of ours that others can read is made private (*was_open gets
 *   its old mode), never writable when its owner made it read-only;
 * - a file of someone else's that others can read is refused.
 * Returns: %FALSE with @error; %TRUE with *data %NULL for a missing file */
static gboolean
read_private_file (OknConfig *config,
                   char     **data,
                   gsize     *len,
                   guint     *was_open,
                   GError   **error)
{
  g_autofree char *shown = okn_text_display_line (config->path, -1);
  g_autofree char *buf = NULL;
  gboolean is_link = FALSE;
  struct stat st;
  gsize n = 0;
  int fd;
  int saved;

  *data = NULL;
  *len = 0;
  /* O_NONBLOCK: a named pipe put in its place must not hang every program. */
  fd = g_open (config->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW, 0);
  if (fd < 0 && errno == ELOOP)
    {
      is_link = TRUE;
      fd = g_open (config->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
    }
  if (fd < 0)
    {
      saved = errno;
      if (saved == ENOENT)
        return TRUE;
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s cannot be read: %s"), shown, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s is not a regular file."), shown);
      return FALSE;
    }
  if (is_link && (st.st_uid != geteuid () || (st.st_mode & 077) != 0))
    {
      close (fd);
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE,
                   st.st_uid != geteuid ()
                     ? _("The configuration file %s is a link to a file of another user; it is "
                         "not read. Replace the link with a file of your own (mode 600).")
                     : _("The configuration file %s is a link to a file that others can read; "
                         "it is not read. Make the file private: chmod 600 on the file the "
                         "link points to."),
                   shown);
      return FALSE;
    }
  if (!is_link && (st.st_mode & 077) != 0)
    {
      if (st.st_uid != geteuid ())
        {
          close (fd);
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE,
                       _("The configuration file %s belongs to another user and others can read "
                         "it (mode %03o); it may hold the API key and is not read. Its owner "
                         "must make it private (chmod 600), or make it yours (chown)."),
                       shown, (guint) (st.st_mode & 0777));
          return FALSE;
        }
      /* The group's and others' bits go; the owner's stay as they were:
       * a file made read-only (0440) becomes 0400, not 0600. */
      if (fchmod (fd, st.st_mode & 0700) != 0)
        {
          saved = errno;
          close (fd);
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE,
                       _("The configuration file %s can be read by others (mode %03o) and cannot "
                         "be made private: %s. Run chmod 600 on it."),
                       shown, (guint) (st.st_mode & 0777), g_strerror (saved));
          return FALSE;
        }
      *was_open = st.st_mode & 0777;
    }
  if (st.st_size > CONFIG_MAX_BYTES)
    {
      close (fd);
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s is larger than 1 MiB; it is not a configuration "
                     "file."),
                   shown);
      return FALSE;
    }
  buf = g_malloc ((gsize) st.st_size + 1);
  while (n < (gsize) st.st_size)
    {
      gssize got = read (fd, buf + n, (gsize) st.st_size - n);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        break;
      n += (gsize) got;
    }
  saved = errno;
  close (fd);
  if (n < (gsize) st.st_size)
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s cannot be read: %s"), shown,
                   g_strerror (saved ? saved : EIO));
      return FALSE;
    }
  buf[n] = '\0';
  *data = g_steal_pointer (&buf);
  *len = n;
  return TRUE;
}

/* The known key a line is about, when naming it cannot reveal anything:
 * only a name from our table is ever repeated in a message. */
static const char *
known_key (const char *group,
           const char *text,
           gsize       len)
{
  g_autofree char *word = g_strndup (text, len);
  g_autofree char *full = NULL;
  const OknConfigKey *k;

  g_strstrip (word);
  if (group == NULL)
    return NULL;
  full = g_strdup_printf ("%s.%s", group, word);
  k = okn_config_find_key (full);
  return k ? k->name : NULL;
}

typedef struct
{
  const char *name;        /* the table's */
  guint first;             /* the line it is first set on */
  guint last;              /* the line that counts */
  guint times;
} Repeat;

/* Checks every line before GKeyFile reads them: GKeyFile's own messages
 * quote the line, and a line may be a secret ("api_key SuperSecret", or
 * root's line of /etc/shadow). Ours name the line number and, when it is
 * one of ours, the key.
 * A key set again further down is named in @problems (once, however often
 * it is set) and its earlier lines added to @ignored: GKeyFile reads the
 * last value but keeps the earlier lines, and an unset would bring the
 * earlier value back.
 * Returns: (transfer full): "section.key" → line number (the last one, as
 *   GKeyFile keeps the last value) */
static GHashTable *
check_lines (const char *path,
             const char *data,
             gsize       len,
             GArray     *ignored,
             GPtrArray  *problems,
             GError    **error)
{
  g_autoptr (GHashTable) lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Keys of the table set more than once, in the order of their first
   * repetition: name → Repeat. */
  g_autoptr (GHashTable) repeated = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autofree char *shown = okn_text_display_line (path, -1);
  g_autofree char *group = NULL;
  const char *p = data;
  const char *end = data + len;
  guint number = 0;

  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *line_end = nl ? nl : end;
      const char *a = p;
      const char *b = line_end;
      const char *eq;
      const char *key = NULL;

      number++;
      p = nl ? nl + 1 : end;
      if (memchr (a, '\0', (gsize) (b - a)))
        {
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                       _("The configuration file %s, line %u: holds a NUL byte; a configuration "
                         "file is text."),
                       shown, number);
          return NULL;
        }
      if (!g_utf8_validate (a, b - a, NULL))
        {
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                       _("The configuration file %s, line %u: is not valid UTF-8 text."),
                       shown, number);
          return NULL;
        }
      while (a < b && g_ascii_isspace (*a))
        a++;
      while (b > a && g_ascii_isspace (b[-1]))
        b--;
      if (a == b || *a == '#')
        continue;
      if (*a == '[')
        {
          gboolean ok = b - a > 2 && b[-1] == ']';

          for (const char *q = a + 1; ok && q < b - 1; q++)
            ok = *q != '[' && *q != ']' && (guchar) *q >= 0x20 && *q != 0x7f;
          if (!ok)
            {
              g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                           _("The configuration file %s, line %u: a section is written "
                             "[name], e.g. [server]."),
                           shown, number);
              return NULL;
            }
          g_free (group);
          group = g_strndup (a + 1, (gsize) (b - a - 2));
          continue;
        }
      eq = memchr (a, '=', (gsize) (b - a));
      if (eq)
        key = known_key (group, a, (gsize) (eq - a));
      else
        {
          /* "api_key SuperSecret": the first word names the key when it
           * is one of ours, and nothing of the rest is repeated. */
          const char *sp = a;

          while (sp < b && !g_ascii_isspace (*sp))
            sp++;
          key = known_key (group, a, (gsize) (sp - a));
        }
      if (eq == NULL || eq == a || group == NULL)
        {
          if (key && eq == NULL)
            g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                         _("The configuration file %s, line %u (%s): a setting is written "
                           "key = value; the “=” is missing."),
                         shown, number, key);
          else if (eq && eq != a && group == NULL)
            g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                         _("The configuration file %s, line %u: a setting comes before the "
                           "first [section]."),
                         shown, number);
          else
            g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                         _("The configuration file %s, line %u: is not key = value, a "
                           "[section] or a # comment."),
                         shown, number);
          return NULL;
        }
      {
        g_autofree char *name = g_strndup (a, (gsize) (eq - a));
        char *full;
        gpointer earlier;

        g_strstrip (name);
        full = g_strdup_printf ("%s.%s", group, name);
        if (g_hash_table_lookup_extended (lines, full, NULL, &earlier))
          {
            guint before = GPOINTER_TO_UINT (earlier);
            const OknConfigKey *k = okn_config_find_key (full);

            g_array_append_val (ignored, before);
            if (k)
              {
                Repeat *r = g_hash_table_lookup (repeated, k->name);

                if (r == NULL)
                  {
                    r = g_new0 (Repeat, 1);
                    r->name = k->name;
                    r->first = before;
                    r->times = 1;
                    g_hash_table_insert (repeated, (gpointer) k->name, r);
                    g_ptr_array_add (order, r);
                  }
                r->times++;
                r->last = number;
              }
          }
        g_hash_table_replace (lines, full, GUINT_TO_POINTER (number));
      }
    }
  for (guint i = 0; i < order->len; i++)
    {
      const Repeat *r = g_ptr_array_index (order, i);

      if (r->times == 2)
        g_ptr_array_add (problems,
                         g_strdup_printf (_("%s, line %u: %s is set again on line %u; this "
                                            "line is ignored."),
                                          shown, r->first, r->name, r->last));
      else
        g_ptr_array_add (problems,
                         g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                       "%s, line %u: %s is set %u time, the last "
                                                       "on line %u; only that line counts.",
                                                       "%s, line %u: %s is set %u times, the last "
                                                       "on line %u; only that line counts.",
                                                       r->times),
                                          shown, r->first, r->name, r->times, r->last));
    }
  return g_steal_pointer (&lines);
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/* @data without the lines numbered in @ignored (1-based). */
static char *
without_lines (const char *data,
               gsize       len,
               GArray     *ignored,
               gsize      *out_len)
{
  GString *out = g_string_sized_new (len);
  const char *p = data;
  const char *end = data + len;
  guint number = 0;
  guint next_ignored = 0;

  /* In order, so that each line looks at one number, not at all of them
   * (a key set 100000 times took seconds at every start). */
  g_array_sort (ignored, compare_uint);
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (gsize) (end - p));
      const char *next = nl ? nl + 1 : end;
      gboolean drop = FALSE;

      number++;
      while (next_ignored < ignored->len && g_array_index (ignored, guint, next_ignored) < number)
        next_ignored++;
      drop = next_ignored < ignored->len && g_array_index (ignored, guint, next_ignored) == number;
      if (!drop)
        g_string_append_len (out, p, next - p);
      p = next;
    }
  *out_len = out->len;
  return g_string_free (out, FALSE);
}

/* A key name from the file is repeated in a warning only when it looks like
 * one (a typo of ours), never when it could be anything else. */
static gboolean
looks_like_key (const char *name)
{
  if (*name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return FALSE;
  return TRUE;
}

/**
 * okn_config_load:
 * @path: (nullable): the file; the default when %NULL
 *
 * A missing file is an empty configuration. The file must be private (see
 * `internals/config.md`): a link to a file of another user or that others
 * can read is refused (%OKN_CONFIG_ERROR_UNSAFE), a file of ours that others
 * can read is made private. A line that is not a setting, a section or a
 * comment stops the load (%OKN_CONFIG_ERROR_PARSE, naming the line, never
 * quoting it). Unknown keys and bad values do not: they are listed by
 * okn_config_get_problems() for the program to report (the first 20 of
 * them, then how many more), and read as unset; so are risky combinations
 * (okn_config_check_combination()).
 */
OknConfig *
okn_config_load (const char *path,
                 GError    **error)
{
  g_autoptr (OknConfig) config = okn_config_new (path);
  g_autoptr (GHashTable) lines = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (GArray) ignored = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *data = NULL;
  g_autofree char *shown = okn_text_display_line (config->path, -1);
  g_auto (GStrv) groups = NULL;
  gsize len = 0;
  guint was_open = 0;

  if (!read_private_file (config, &data, &len, &was_open, error))
    return NULL;
  if (data == NULL)
    return g_steal_pointer (&config);
  lines = check_lines (config->path, data, len, ignored, config->problems, error);
  if (lines == NULL)
    return NULL;
  if (ignored->len > 0)
    {
      char *kept = without_lines (data, len, ignored, &len);

      g_free (data);
      data = kept;
    }
  if (!g_key_file_load_from_data (config->file, data, len, G_KEY_FILE_KEEP_COMMENTS, NULL))
    {
      /* Not GKeyFile's words: they quote the line. */
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE,
                   _("The configuration file %s is not a configuration file ([section] and "
                     "key = value lines)."),
                   shown);
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
          guint number = GPOINTER_TO_UINT (g_hash_table_lookup (lines, full));
          g_autofree char *value = NULL;
          g_autofree char *checked = NULL;
          g_autoptr (GError) value_error = NULL;

          if (k == NULL)
            {
              g_ptr_array_add (config->problems,
                               looks_like_key (full)
                                 ? g_strdup_printf (_("%s, line %u: unknown key “%s” (ignored)"),
                                                    shown, number, full)
                                 : g_strdup_printf (_("%s, line %u: an unknown key (ignored)"),
                                                    shown, number));
              continue;
            }
          value = g_key_file_get_string (config->file, groups[g], names[i], NULL);
          checked = value ? check_value (k, value, &value_error) : NULL;
          if (checked == NULL)
            {
              g_ptr_array_add (config->problems,
                               value_error
                                 ? g_strdup_printf (_("%s, line %u: %s (ignored)"), shown, number,
                                                    value_error->message)
                                 : g_strdup_printf (_("%s, line %u: %s: the value cannot be read "
                                                      "(a backslash starts no known escape) "
                                                      "(ignored)"),
                                                    shown, number, k->name));
              g_key_file_remove_key (config->file, groups[g], names[i], NULL);
            }
          else if (!g_str_equal (checked, value))
            {
              /* Read as set would have stored it: a choice in lower case,
               * a PIN written by hand as its hash (the kiosk compares
               * hashes only). */
              g_key_file_set_string (config->file, groups[g], names[i], checked);
              if (k->check == OKN_CONFIG_CHECK_PIN)
                g_ptr_array_add (config->problems,
                                 g_strdup_printf (_("%s, line %u: %s holds the PIN itself; set it "
                                                    "with “okienkoctl config set %s -” so that "
                                                    "the file keeps only its salted hash."),
                                                  shown, number, k->name, k->name));
            }
        }
    }
  if (config->problems->len > MAX_LINE_PROBLEMS)
    {
      /* The first ones say what is wrong; the rest are only counted, so
       * that a file gone wrong does not print thousands of lines at every
       * start (and into the sync service's journal). What follows (the
       * file's mode, risky settings) is always said. */
      guint more = config->problems->len - MAX_LINE_PROBLEMS;

      g_ptr_array_remove_range (config->problems, MAX_LINE_PROBLEMS, more);
      g_ptr_array_add (config->problems,
                       g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                     "%s: %u more problem in the file is not listed; "
                                                     "correct the ones above first.",
                                                     "%s: %u more problems in the file are not listed; "
                                                     "correct the ones above first.",
                                                     more),
                                        shown, more));
    }
  if (was_open && okn_config_is_set (config, "server.api_key"))
    g_ptr_array_add (config->problems,
                     g_strdup_printf (_("%s could be read by others (mode %03o) while it held the "
                                        "API key; it is now private (%03o). Consider asking for a "
                                        "new key."),
                                      shown, was_open, was_open & 0700));
  warnings = okn_config_check_combination (config);
  for (guint i = 0; i < warnings->len; i++)
    g_ptr_array_add (config->problems,
                     g_strdup_printf ("%s: %s", shown, (const char *) g_ptr_array_index (warnings, i)));
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

/* @data written to a temporary file beside @path with @mode and (when it
 * can be kept: a group we are in) @gid, fsync'ed, renamed over @path, the
 * folder fsync'ed: a crash leaves the old file or the new one.
 * Returns: 0, or the errno of the step that failed */
static int
replace_file (const char *path,
              const char *data,
              gsize       len,
              mode_t      mode,
              gid_t       gid)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  int saved = 0;

  if (fd < 0)
    return errno;
  /* Only a group we are in can be kept; the file is private, so its
   * group opens nothing either way. */
  if (gid != (gid_t) -1 && fchown (fd, (uid_t) -1, gid) != 0)
    g_debug ("The configuration file's group %u is not kept: %s", (guint) gid, g_strerror (errno));
  for (gsize done = 0; done < len && saved == 0;)
    {
      ssize_t n = write (fd, data + done, len - done);

      if (n > 0)
        done += (gsize) n;
      else if (n == 0 || errno != EINTR)
        saved = n == 0 ? EIO : errno;
    }
  if (saved == 0 && (fchmod (fd, mode) != 0 || fsync (fd) != 0))
    saved = errno;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && g_rename (tmp, path) != 0)
    saved = errno;
  if (saved != 0)
    {
      g_unlink (tmp);
      return saved;
    }
  fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
  return 0;
}

/**
 * okn_config_save:
 *
 * Writes the file atomically (a temporary file beside it, fsync'ed and
 * renamed over it): a new file with mode 0600, as it may hold the
 * server's API key; an existing one keeps its owner's bits and its group.
 * A file its owner made read-only is not replaced:
 * %OKN_CONFIG_ERROR_READ_ONLY. A failure names the configuration file,
 * not the temporary one.
 */
gboolean
okn_config_save (OknConfig *config,
                 GError   **error)
{
  g_autofree char *dir = g_path_get_dirname (config->path);
  g_autofree char *shown = okn_text_display_line (config->path, -1);
  g_autofree char *data = NULL;
  mode_t mode = 0600;
  gid_t gid = (gid_t) -1;
  GStatBuf st;
  gsize len;
  int saved;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_IO,
                   _("Cannot create the folder %s."), dir);
      return FALSE;
    }
  if (g_stat (config->path, &st) == 0 && S_ISREG (st.st_mode))
    {
      /* Its owner's decision, which a rename would go round (even
       * root's, whom the mode does not stop). */
      if ((st.st_mode & S_IWUSR) == 0)
        {
          g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_READ_ONLY,
                       _("The configuration file %s is read-only (mode %03o), so no setting was "
                         "changed. To change settings, make it writable first (chmod u+w on the "
                         "file)."),
                       shown, (guint) (st.st_mode & 0777));
          return FALSE;
        }
      mode = st.st_mode & 0700;
      gid = st.st_gid;
    }
  data = g_key_file_to_data (config->file, &len, NULL);
  saved = replace_file (config->path, data, len, mode, gid);
  if (saved != 0)
    {
      g_set_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_IO,
                   _("Cannot save the configuration file %s: %s"), shown, g_strerror (saved));
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

/* A loopback server (127.0.0.0/8, ::1, localhost): what is sent to it
 * stays on this machine, e.g. for a local TLS tunnel. */
static gboolean
is_loopback_url (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GInetAddress) address = NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address && g_inet_address_get_is_loopback (address);
}

/**
 * okn_config_check_combination:
 *
 * Settings that are each valid but risky together: an API key sent to an
 * `http://` server crosses the network unencrypted (unless the server is
 * on this machine).
 *
 * Returns: (transfer full) (element-type utf8): the warnings, translated;
 *   empty when there are none
 */
GPtrArray *
okn_config_check_combination (OknConfig *config)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *url = okn_config_get_string (config, "server.url");

  if (url && g_ascii_strncasecmp (url, "http://", 7) == 0 && okn_config_is_set (config, "server.api_key")
      && !is_loopback_url (url))
    g_ptr_array_add (out, g_strdup (_("server.url is an http:// address and server.api_key is "
                                      "set: the key would cross the network unencrypted. Use "
                                      "the server's https:// address.")));
  return g_steal_pointer (&out);
}
