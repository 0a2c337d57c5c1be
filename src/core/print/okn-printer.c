/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-printer.c: CUPS printers through libcups */
#define G_LOG_DOMAIN "okn-printer"

#include "config.h"

#include <math.h>
#include <string.h>
#include <cups/cups.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-printer.h"
#include "okienko/okn-text.h"

G_DEFINE_QUARK (okn-printer-error-quark, okn_printer_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (http_t, httpClose)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ipp_t, ippDelete)

#define DEFAULT_JOB_TIMEOUT 30
/* Connecting to a scheduler that is up takes microseconds; one that is down
 * or unroutable must not hang the desk. */
#define CONNECT_TIMEOUT_MS 5000
#define IO_TIMEOUT_S 15.0
/* Asking whether a scheduler that failed a request is still there. */
#define PROBE_TIMEOUT_MS 2000
/* IPP name values are at most 255 octets (RFC 8011, 5.1.3). */
#define MAX_NAME_OCTETS 255

static const char *const printer_attrs[] = {
  "printer-name",
  "printer-info",
  "printer-location",
  "printer-make-and-model",
  "printer-state",
  "printer-state-message",
  "printer-state-reasons",
  "printer-is-accepting-jobs",
};

void
okn_printer_info_free (OknPrinterInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->name);
  g_free (info->info);
  g_free (info->location);
  g_free (info->make_and_model);
  g_free (info->state_message);
  g_strfreev (info->state_reasons);
  g_free (info);
}

/**
 * okn_printer_state_to_string:
 *
 * Returns: the state in words, translated
 */
const char *
okn_printer_state_to_string (OknPrinterState state)
{
  switch (state)
    {
    case OKN_PRINTER_STATE_IDLE:
      return _("idle");
    case OKN_PRINTER_STATE_PROCESSING:
      return _("printing");
    case OKN_PRINTER_STATE_STOPPED:
      return _("stopped");
    default:
      return _("unknown");
    }
}

static gboolean
has_reason (const OknPrinterInfo *info,
            const char           *prefix)
{
  gsize n = strlen (prefix);

  for (guint i = 0; info->state_reasons && info->state_reasons[i]; i++)
    {
      const char *r = info->state_reasons[i];

      /* "media-empty", "media-empty-error", "media-empty-warning" count;
       * "-report" is informational only (RFC 8011, 5.4.12). */
      if (strncmp (r, prefix, n) == 0 && (r[n] == '\0' || r[n] == '-')
          && !g_str_has_suffix (r, "-report"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_out_of_paper (const OknPrinterInfo *info)
{
  return has_reason (info, "media-empty") || has_reason (info, "media-needed");
}

/**
 * okn_printer_info_describe:
 *
 * Returns: (transfer full): the state, whether jobs are accepted, the state
 *   reasons and message, in one line of words
 */
char *
okn_printer_info_describe (const OknPrinterInfo *info)
{
  GString *s = g_string_new (okn_printer_state_to_string (info->state));

  if (!info->accepting)
    g_string_append_printf (s, ", %s", _("not accepting jobs"));
  if (has_reason (info, "paused"))
    g_string_append_printf (s, ", %s", _("paused"));
  if (is_out_of_paper (info))
    g_string_append_printf (s, ", %s", _("out of paper"));
  for (guint i = 0; info->state_reasons && info->state_reasons[i]; i++)
    {
      const char *r = info->state_reasons[i];

      /* Already said in words above. */
      if (g_str_equal (r, "paused") || g_str_has_prefix (r, "media-empty")
          || g_str_has_prefix (r, "media-needed"))
        continue;
      g_string_append_printf (s, ", %s", r);
    }
  if (info->state_message && *info->state_message)
    g_string_append_printf (s, ": %s", info->state_message);
  return g_string_free (s, FALSE);
}

static gboolean
valid_printer_name (const char *name)
{
  gsize n = 0;

  if (name == NULL || *name == '\0')
    return FALSE;
  /* CUPS queue names: printable, no space, slash, backslash, quote or hash. */
  for (const char *p = name; *p; p++, n++)
    if ((guchar) *p <= ' ' || (guchar) *p == 0x7f || strchr ("/\\?'\"#", *p))
      return FALSE;
  return n < 128;
}

static gboolean
check_name (const char *name,
            GError    **error)
{
  if (valid_printer_name (name))
    return TRUE;
  g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_INVALID,
               _("“%s” is not a valid printer name: printer names have no spaces, slashes, "
                 "quotes or “#”."),
               name ? name : "");
  return FALSE;
}

static const char *
server_name (void)
{
  const char *s = cupsServer ();

  return s && *s ? s : "localhost";
}

static http_t *
connect_scheduler (GError **error)
{
  http_t *http = httpConnect2 (server_name (), ippPort (), NULL, AF_UNSPEC, cupsEncryption (), 1,
                               CONNECT_TIMEOUT_MS, NULL);

  /* libcups says "Host is down" for every failure here, refused or
   * missing socket alike: name the place instead. */
  if (http == NULL && server_name ()[0] == '/')
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE,
                   _("Cannot reach the print server (CUPS) at %s: nothing answers there. Is "
                     "the CUPS service running?"),
                   server_name ());
      return NULL;
    }
  if (http == NULL)
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE,
                   _("Cannot reach the print server (CUPS) at %s, port %d: nothing answers "
                     "there. Is the CUPS service running?"),
                   server_name (), ippPort ());
      return NULL;
    }
  httpSetTimeout (http, IO_TIMEOUT_S, NULL, NULL);
  return http;
}

static void
add_printer_uri (ipp_t      *request,
                 const char *name)
{
  char uri[HTTP_MAX_URI];

  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", ippPort (),
                    "/printers/%s", name);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
}

/* Turns the status of the last libcups request into our error. */
static void
set_request_error (GError    **error,
                   const char *printer,
                   const char *what)
{
  ipp_status_t status = cupsLastError ();
  const char *msg = cupsLastErrorString ();

  /* ipp_status_t has some 70 values and gains more with CUPS releases:
   * the few that tell a clerk what to do are picked out, every other one
   * is a refusal. An if-chain, because a switch would have to name every
   * value (-Wswitch-enum) and break the build with the next CUPS. */
  if (status == IPP_STATUS_ERROR_NOT_FOUND)
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNKNOWN_PRINTER,
                 _("There is no printer “%s” on the print server %s. “okienkoctl printers” "
                   "lists the printers."),
                 printer, server_name ());
  else if (status == IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS)
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_STOPPED,
                 _("Printer “%s” is not accepting jobs (%s). An administrator can allow "
                   "them again with “cupsaccept %s”."),
                 printer, msg, printer);
  else if (status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL)
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE,
                 _("The print server (CUPS) at %s did not answer while %s: %s"),
                 server_name (), what, msg);
  else
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_FAILED,
                 _("The print server refused while %s for printer “%s”: %s"), what,
                 printer ? printer : "", msg);
}

/* A request that got no answer at all: the connection broke, or the
 * scheduler stopped answering. libcups then says "Service Unavailable" (or
 * even "Success"), which tells a clerk nothing. Before a job exists the
 * server is unreachable; once a job was created it stopped while printing,
 * and the job's fate is unknown: it may still come out after a restart. */
static void
set_no_answer_error (GError    **error,
                     const char *printer,
                     int         job_id,
                     const char *what)
{
  if (job_id > 0)
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_SERVER_STOPPED,
                 _("The print server stopped while printing (CUPS at %s, job %d on printer "
                   "“%s”); it may need a restart. Check whether the ticket came out before "
                   "printing it again."),
                 server_name (), job_id, printer ? printer : "");
  else
    g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE,
                 _("The print server (CUPS) at %s stopped answering while %s; it may need a "
                   "restart. Is the CUPS service running?"),
                 server_name (), what);
}

/* Whether the scheduler still answers a request, on a connection of its
 * own: after a failed request this tells a refusal from a scheduler that
 * died or hangs (Debian's cupsd 2.4.2-3+deb12u10 crashes or spins on some
 * jobs). */
static gboolean
scheduler_answers (const char *printer)
{
  g_autoptr (http_t) http = httpConnect2 (server_name (), ippPort (), NULL, AF_UNSPEC,
                                          cupsEncryption (), 1, PROBE_TIMEOUT_MS, NULL);
  g_autoptr (ipp_t) response = NULL;
  g_autofree char *resource = g_strdup_printf ("/printers/%s", printer);
  ipp_t *request;

  if (http == NULL)
    return FALSE;
  httpSetTimeout (http, PROBE_TIMEOUT_MS / 1000.0, NULL, NULL);
  request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  add_printer_uri (request, printer);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes", NULL,
                "printer-state");
  response = cupsDoRequest (http, request, resource);
  return response != NULL;
}

/* The IPP document-name as one safe word. Debian's cupsd 2.4.2-3+deb12u10
 * crashes on a document-name with a space in it and spins on a control
 * byte (../shared/notes/cups-in-tests.md), and the name is never shown to
 * anyone: every byte but [A-Za-z0-9._-] becomes '_', one per character, so
 * "Okienko K03-26-000001-J" goes as "Okienko_K03-26-000001-J". The full
 * title travels as the job-name, which the scheduler handles. */
static char *
safe_document_name (const char *title)
{
  GString *name = g_string_new (NULL);

  for (const char *p = title; *p;)
    {
      guchar c = (guchar) *p;

      if (g_ascii_isalnum (c) || c == '.' || c == '_' || c == '-')
        {
          g_string_append_c (name, (char) c);
          p++;
          continue;
        }
      g_string_append_c (name, '_');
      /* One '_' for a whole UTF-8 sequence; a stray byte counts alone. */
      p++;
      while (c >= 0xc0 && ((guchar) *p & 0xc0) == 0x80)
        p++;
    }
  if (name->len == 0)
    g_string_append (name, "ticket");
  g_string_append (name, ".pdf");
  return g_string_free (name, FALSE);
}

/* The job-name is what people see (lpstat, the printer's queue, the
 * scheduler's web page): the full title, with control characters and bidi
 * overrides made visible (okn-text) so no raw control byte reaches the
 * scheduler, cut at a character boundary to the length IPP allows. */
static char *
safe_job_name (const char *title)
{
  char *name = okn_text_display_line (title && *title ? title : "Okienko", -1);
  gsize cut = strlen (name);

  if (cut > MAX_NAME_OCTETS)
    {
      cut = MAX_NAME_OCTETS;
      while (cut > 0 && ((guchar) name[cut] & 0xc0) == 0x80)
        cut--;
      name[cut] = '\0';
    }
  return name;
}

static char *
dup_nonempty (const char *s)
{
  return s && *s ? g_strdup (s) : NULL;
}

/* Reads one printer's attributes starting at @attr, up to the end of its
 * group; leaves @attr on the first attribute after it. */
static OknPrinterInfo *
info_from_group (ipp_t            *response,
                 ipp_attribute_t **attr)
{
  OknPrinterInfo *info = g_new0 (OknPrinterInfo, 1);
  g_autoptr (GStrvBuilder) reasons = g_strv_builder_new ();
  ipp_attribute_t *a = *attr;

  info->state = OKN_PRINTER_STATE_IDLE;
  info->accepting = TRUE;
  for (; a && ippGetGroupTag (a) == IPP_TAG_PRINTER; a = ippNextAttribute (response))
    {
      const char *name = ippGetName (a);

      if (name == NULL)
        continue;
      if (g_str_equal (name, "printer-name"))
        info->name = dup_nonempty (ippGetString (a, 0, NULL));
      else if (g_str_equal (name, "printer-info"))
        info->info = dup_nonempty (ippGetString (a, 0, NULL));
      else if (g_str_equal (name, "printer-location"))
        info->location = dup_nonempty (ippGetString (a, 0, NULL));
      else if (g_str_equal (name, "printer-make-and-model"))
        info->make_and_model = dup_nonempty (ippGetString (a, 0, NULL));
      else if (g_str_equal (name, "printer-state-message"))
        info->state_message = dup_nonempty (ippGetString (a, 0, NULL));
      else if (g_str_equal (name, "printer-state"))
        info->state = (OknPrinterState) ippGetInteger (a, 0);
      else if (g_str_equal (name, "printer-is-accepting-jobs"))
        info->accepting = ippGetBoolean (a, 0);
      else if (g_str_equal (name, "printer-state-reasons"))
        for (int i = 0; i < ippGetCount (a); i++)
          {
            const char *r = ippGetString (a, i, NULL);

            if (r && *r && !g_str_equal (r, "none"))
              g_strv_builder_add (reasons, r);
          }
    }
  info->state_reasons = g_strv_builder_end (reasons);
  *attr = a;
  return info;
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  const OknPrinterInfo *x = *(OknPrinterInfo *const *) a;
  const OknPrinterInfo *y = *(OknPrinterInfo *const *) b;

  return g_utf8_collate (x->name, y->name);
}

/**
 * okn_printer_list:
 *
 * Asks the CUPS scheduler for its printers and classes. Blocks.
 *
 * Returns: (transfer full) (element-type OknPrinterInfo): the printers,
 *   sorted by name (empty when there are none), or %NULL with
 *   %OKN_PRINTER_ERROR_UNREACHABLE
 */
GPtrArray *
okn_printer_list (GError **error)
{
  g_autoptr (http_t) http = connect_scheduler (error);
  g_autoptr (ipp_t) response = NULL;
  g_autoptr (GPtrArray) list = NULL;
  const char *default_name;
  ipp_t *request;
  ipp_attribute_t *attr;

  if (http == NULL)
    return NULL;

  request = ippNewRequest (IPP_OP_CUPS_GET_PRINTERS);
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 (int) G_N_ELEMENTS (printer_attrs), NULL, printer_attrs);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  response = cupsDoRequest (http, request, "/");
  /* A scheduler with no printers answers "not found"; that is an empty list. */
  if (response == NULL || (cupsLastError () > IPP_STATUS_OK_CONFLICTING
                           && cupsLastError () != IPP_STATUS_ERROR_NOT_FOUND))
    {
      set_request_error (error, NULL, _("listing printers"));
      return NULL;
    }

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_printer_info_free);
  attr = ippFirstAttribute (response);
  while (attr)
    {
      OknPrinterInfo *info;

      if (ippGetGroupTag (attr) != IPP_TAG_PRINTER)
        {
          attr = ippNextAttribute (response);
          continue;
        }
      info = info_from_group (response, &attr);
      if (info->name)
        g_ptr_array_add (list, info);
      else
        okn_printer_info_free (info);
    }

  default_name = cupsGetDefault2 (http);
  for (guint i = 0; default_name && i < list->len; i++)
    {
      OknPrinterInfo *info = g_ptr_array_index (list, i);

      info->is_default = g_str_equal (info->name, default_name);
    }
  g_ptr_array_sort (list, compare_names);
  return g_steal_pointer (&list);
}

static OknPrinterInfo *
get_printer (http_t     *http,
             const char *name,
             int         job_id,
             GError    **error)
{
  g_autoptr (ipp_t) response = NULL;
  ipp_attribute_t *attr;
  ipp_t *request;
  g_autofree char *resource = g_strdup_printf ("/printers/%s", name);

  request = ippNewRequest (IPP_OP_GET_PRINTER_ATTRIBUTES);
  add_printer_uri (request, name);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 (int) G_N_ELEMENTS (printer_attrs), NULL, printer_attrs);
  response = cupsDoRequest (http, request, resource);
  if (response == NULL)
    {
      set_no_answer_error (error, name, job_id, _("asking for the printer's state"));
      return NULL;
    }
  if (cupsLastError () > IPP_STATUS_OK_CONFLICTING)
    {
      set_request_error (error, name, _("asking for the printer's state"));
      return NULL;
    }
  for (attr = ippFirstAttribute (response); attr; attr = ippNextAttribute (response))
    if (ippGetGroupTag (attr) == IPP_TAG_PRINTER)
      {
        OknPrinterInfo *info = info_from_group (response, &attr);

        if (info->name == NULL)
          info->name = g_strdup (name);
        return info;
      }
  g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNKNOWN_PRINTER,
               _("There is no printer “%s” on the print server %s. “okienkoctl printers” lists "
                 "the printers."),
               name, server_name ());
  return NULL;
}

/**
 * okn_printer_get:
 * @name: the CUPS queue name
 *
 * Returns: (transfer full): the printer's state, or %NULL with
 *   %OKN_PRINTER_ERROR_UNKNOWN_PRINTER or %OKN_PRINTER_ERROR_UNREACHABLE
 */
OknPrinterInfo *
okn_printer_get (const char *name,
                 GError    **error)
{
  g_autoptr (http_t) http = NULL;

  if (!check_name (name, error))
    return NULL;
  http = connect_scheduler (error);
  if (http == NULL)
    return NULL;
  return get_printer (http, name, 0, error);
}

/* The error a clerk can act on for a printer that cannot print now; FALSE
 * when it can. */
static gboolean
set_not_ready_error (const OknPrinterInfo *info,
                     GError              **error)
{
  /* What the printer or the administrator said, e.g. "Paper jam". */
  g_autofree char *why = info->state_message && *info->state_message
                           ? g_strdup_printf (" (%s)", info->state_message)
                           : g_strdup ("");

  if (is_out_of_paper (info))
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_MEDIA_EMPTY,
                   _("Printer “%s” is out of paper%s. Load paper, then print again."),
                   info->name, why);
      return TRUE;
    }
  if (info->state == OKN_PRINTER_STATE_STOPPED || has_reason (info, "paused"))
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_STOPPED,
                   _("Printer “%s” is stopped%s. Check the printer, then resume it "
                     "(“cupsenable %s”) and print again."),
                   info->name, why, info->name);
      return TRUE;
    }
  if (!info->accepting)
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_STOPPED,
                   _("Printer “%s” is not accepting jobs%s. An administrator can allow "
                     "them again with “cupsaccept %s”."),
                   info->name, why, info->name);
      return TRUE;
    }
  return FALSE;
}

/**
 * okn_printer_check_ready:
 * @name: the CUPS queue name
 *
 * Returns: %TRUE when the printer exists, accepts jobs, is not stopped or
 *   paused and reports no empty paper tray; else %FALSE with the reason
 */
gboolean
okn_printer_check_ready (const char *name,
                         GError    **error)
{
  g_autoptr (OknPrinterInfo) info = okn_printer_get (name, error);

  if (info == NULL)
    return FALSE;
  return !set_not_ready_error (info, error);
}

static void
format_mm (char  *buf,
           gsize  size,
           double v)
{
  char *end;

  g_ascii_formatd (buf, (int) size, "%.2f", v);
  end = buf + strlen (buf) - 1;
  while (end > buf && *end == '0')
    *end-- = '\0';
  if (*end == '.')
    *end = '\0';
}

/**
 * okn_printer_media_name:
 * @width_mm: page width
 * @height_mm: page height
 *
 * The media keyword CUPS takes for a page of this size: the PWG name of A4,
 * else a custom size `Custom.WxHmm`, which CUPS maps to the driver's custom
 * page size (PWG `custom_*` for IPP Everywhere printers).
 *
 * Returns: (transfer full) (nullable): the keyword, %NULL for a zero size
 */
char *
okn_printer_media_name (double width_mm,
                        double height_mm)
{
  char w[G_ASCII_DTOSTR_BUF_SIZE];
  char h[G_ASCII_DTOSTR_BUF_SIZE];

  if (width_mm <= 0 || height_mm <= 0)
    return NULL;
  if (fabs (width_mm - 210) < 1 && fabs (height_mm - 297) < 1)
    return g_strdup ("iso_a4_210x297mm");
  format_mm (w, sizeof w, width_mm);
  format_mm (h, sizeof h, height_mm);
  return g_strdup_printf ("Custom.%sx%smm", w, h);
}

typedef struct
{
  ipp_jstate_t state;
  char *reasons;
  char *message;
} JobState;

static void
job_state_clear (JobState *js)
{
  g_clear_pointer (&js->reasons, g_free);
  g_clear_pointer (&js->message, g_free);
}

static gboolean
get_job_state (http_t     *http,
               const char *printer,
               int         job_id,
               JobState   *js,
               GError    **error)
{
  static const char *const attrs[] = { "job-state", "job-state-reasons",
                                       "job-printer-state-message" };
  g_autoptr (ipp_t) response = NULL;
  g_autofree char *resource = g_strdup_printf ("/printers/%s", printer);
  ipp_attribute_t *attr;
  ipp_t *request;

  request = ippNewRequest (IPP_OP_GET_JOB_ATTRIBUTES);
  add_printer_uri (request, printer);
  ippAddInteger (request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job_id);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                cupsUser ());
  ippAddStrings (request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                 (int) G_N_ELEMENTS (attrs), NULL, attrs);
  response = cupsDoRequest (http, request, resource);
  if (response == NULL)
    {
      set_no_answer_error (error, printer, job_id, _("asking for the job's state"));
      return FALSE;
    }
  if (cupsLastError () > IPP_STATUS_OK_CONFLICTING)
    {
      set_request_error (error, printer, _("asking for the job's state"));
      return FALSE;
    }

  job_state_clear (js);
  js->state = IPP_JSTATE_PENDING;
  if ((attr = ippFindAttribute (response, "job-state", IPP_TAG_ENUM)))
    js->state = (ipp_jstate_t) ippGetInteger (attr, 0);
  if ((attr = ippFindAttribute (response, "job-state-reasons", IPP_TAG_KEYWORD)))
    {
      GString *s = g_string_new (NULL);

      for (int i = 0; i < ippGetCount (attr); i++)
        g_string_append_printf (s, "%s%s", i ? ", " : "", ippGetString (attr, i, NULL));
      js->reasons = g_string_free (s, FALSE);
    }
  if ((attr = ippFindAttribute (response, "job-printer-state-message", IPP_TAG_TEXT)))
    js->message = dup_nonempty (ippGetString (attr, 0, NULL));
  return TRUE;
}

static const char *
job_state_name (ipp_jstate_t state)
{
  switch (state)
    {
    case IPP_JSTATE_PENDING:
      return _("waiting");
    case IPP_JSTATE_HELD:
      return _("held");
    case IPP_JSTATE_PROCESSING:
      return _("printing");
    case IPP_JSTATE_STOPPED:
      return _("stopped");
    case IPP_JSTATE_CANCELED:
      return _("cancelled");
    case IPP_JSTATE_ABORTED:
      return _("aborted");
    case IPP_JSTATE_COMPLETED:
      return _("completed");
    default:
      return _("unknown");
    }
}

/* Waits for the job to complete, polling its state and the printer's; a
 * job that cannot complete is cancelled so that it does not come out later,
 * after the clerk has printed the ticket again. */
static gboolean
wait_for_job (http_t       *http,
              const char   *printer,
              int           job_id,
              guint         timeout,
              GCancellable *cancellable,
              GError      **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
  gulong pause_us = 20000;
  JobState js = { 0 };
  gboolean ok = FALSE;

  for (;;)
    {
      g_autoptr (OknPrinterInfo) info = NULL;

      /* Not knowing how the job fares is failing it: the clerk will print
       * again, so this one must not come out later as a second ticket. */
      if (!get_job_state (http, printer, job_id, &js, error))
        goto cancel;
      if (js.state == IPP_JSTATE_COMPLETED)
        {
          ok = TRUE;
          goto out;
        }
      if (js.state == IPP_JSTATE_CANCELED || js.state == IPP_JSTATE_ABORTED)
        {
          info = get_printer (http, printer, job_id, NULL);
          /* An aborted job on a printer that ran out of paper is "out of
           * paper" to the clerk, not "aborted". */
          if (info && is_out_of_paper (info))
            set_not_ready_error (info, error);
          else
            g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_JOB_FAILED,
                         _("The print job %d on printer “%s” was %s (%s%s%s)."), job_id, printer,
                         job_state_name (js.state), js.reasons ? js.reasons : "",
                         js.message ? ": " : "", js.message ? js.message : "");
          goto out;
        }

      /* A held job (a queue that holds every job, an administrator's
       * hold, a hold for authentication) waits for someone to release it:
       * waiting out the timeout would only keep the clerk or the resident
       * in front of a busy screen. "job-incoming" is a job still being
       * received, which is not held by anyone. */
      if (js.state == IPP_JSTATE_HELD && !(js.reasons && strstr (js.reasons, "job-incoming")))
        {
          g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_JOB_FAILED,
                       _("The print job %d on printer “%s” was held (%s): the queue holds "
                         "jobs until someone releases them. The job was cancelled: an "
                         "administrator can set the queue to print at once, then print "
                         "again."),
                       job_id, printer, js.reasons ? js.reasons : "");
          goto cancel;
        }

      info = get_printer (http, printer, job_id, error);
      if (info == NULL)
        goto cancel;
      if (set_not_ready_error (info, error))
        goto cancel;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto cancel;
      if (g_get_monotonic_time () >= deadline)
        {
          g_autofree char *state = okn_printer_info_describe (info);

          g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_TIMEOUT,
                       _("Printer “%s” did not finish the job within %u s (job %s%s%s; printer "
                         "%s). The job was cancelled: print again when the printer is ready."),
                       printer, timeout, job_state_name (js.state), js.reasons ? ", " : "",
                       js.reasons ? js.reasons : "", state);
          goto cancel;
        }
      g_usleep (pause_us);
      pause_us = MIN (pause_us * 2, 250000);
    }

cancel:
  /* A scheduler that is gone cannot cancel anything; asking would only
   * wait for the I/O timeout again. */
  if (error == NULL || !g_error_matches (*error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_SERVER_STOPPED))
    cupsCancelJob2 (http, printer, job_id, 0);
out:
  job_state_clear (&js);
  return ok;
}

/* What okn_printer_print_pdf() refuses before asking the scheduler. */
static gboolean
check_request (const char               *printer,
               const char               *data,
               gsize                     len,
               const OknPrintJobOptions *options,
               GError                  **error)
{
  if (!check_name (printer, error))
    return FALSE;
  if (data == NULL || len < 5 || memcmp (data, "%PDF-", 5) != 0)
    {
      g_set_error_literal (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_INVALID,
                           _("The document to print is not a PDF."));
      return FALSE;
    }
  if ((options->width_mm > 0) != (options->height_mm > 0) || options->width_mm > 5000
      || options->height_mm > 5000 || (options->width_mm > 0 && options->width_mm < 10)
      || (options->height_mm > 0 && options->height_mm < 10))
    {
      g_set_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_INVALID,
                   _("Page size %.1f × %.1f mm is not printable: both sides must be "
                     "10-5000 mm."),
                   options->width_mm, options->height_mm);
      return FALSE;
    }
  return TRUE;
}

/* The job's options (page size, copies) for CUPS.
 * Returns: how many there are in @cups_options */
static int
add_job_options (const OknPrintJobOptions  *options,
                 cups_option_t            **cups_options)
{
  g_autofree char *media = okn_printer_media_name (options->width_mm, options->height_mm);
  int num_options = 0;

  if (media)
    num_options = cupsAddOption ("media", media, num_options, cups_options);
  if (options->copies > 1)
    {
      g_autofree char *copies = g_strdup_printf ("%u", options->copies);

      num_options = cupsAddOption ("copies", copies, num_options, cups_options);
    }
  return num_options;
}

/* Returns: the new job's id, or 0 with @error set */
static int
create_job (http_t                   *http,
            const char               *printer,
            const OknPrintJobOptions *options,
            GError                  **error)
{
  g_autofree char *job_name = safe_job_name (options->title);
  g_autoptr (GError) refusal = NULL;
  cups_option_t *cups_options = NULL;
  int num_options = add_job_options (options, &cups_options);
  int id = cupsCreateJob (http, printer, job_name, num_options, cups_options);

  cupsFreeOptions (num_options, cups_options);
  if (id > 0)
    return id;
  /* Before probing: the probe is a request of its own and replaces
   * libcups' last error. */
  set_request_error (&refusal, printer, _("creating the print job"));
  if (scheduler_answers (printer))
    g_propagate_error (error, g_steal_pointer (&refusal));
  else
    set_no_answer_error (error, printer, 0, _("creating the print job"));
  return 0;
}

/* Sends @data as job @id's one document; a job the scheduler refused it
 * for is cancelled. */
static gboolean
send_document (http_t     *http,
               const char *printer,
               int         id,
               const char *title,
               const char *data,
               gsize       len,
               GError    **error)
{
  g_autofree char *document_name = safe_document_name (title ? title : "ticket");
  g_autoptr (GError) refusal = NULL;
  gboolean sent;

  sent = cupsStartDocument (http, printer, id, document_name, CUPS_FORMAT_PDF, 1)
           == HTTP_STATUS_CONTINUE
         && cupsWriteRequestData (http, data, len) == HTTP_STATUS_CONTINUE;
  /* After a broken send libcups may even report "Success": only a
   * scheduler that still answers can have refused the document. */
  if (cupsFinishDocument (http, printer) <= IPP_STATUS_OK_CONFLICTING && sent)
    return TRUE;
  set_request_error (&refusal, printer, _("sending the document"));
  if (!scheduler_answers (printer))
    {
      set_no_answer_error (error, printer, id, _("sending the document"));
      return FALSE;
    }
  g_propagate_error (error, g_steal_pointer (&refusal));
  cupsCancelJob2 (http, printer, id, 0);
  return FALSE;
}

/**
 * okn_printer_print_pdf:
 * @printer: the CUPS queue name
 * @pdf: the document
 * @options: (nullable): title, page size, timeout; %NULL for defaults
 * @job_id: (out) (optional): the CUPS job id
 *
 * Checks that the printer can print, sends @pdf as one job on a page of
 * the given size (see okn_printer_media_name()), and waits up to
 * @options->timeout seconds for the job to complete. A job that cannot
 * complete (printer stopped, out of paper, timeout, @cancellable) is
 * cancelled. Blocks: run it in a worker thread.
 *
 * Returns: %TRUE when the scheduler reports the job completed
 */
gboolean
okn_printer_print_pdf (const char               *printer,
                       GBytes                   *pdf,
                       const OknPrintJobOptions *options,
                       int                      *job_id,
                       GCancellable             *cancellable,
                       GError                  **error)
{
  OknPrintJobOptions defaults = { 0 };
  g_autoptr (http_t) http = NULL;
  g_autoptr (OknPrinterInfo) info = NULL;
  gsize len = 0;
  const char *data = pdf ? g_bytes_get_data (pdf, &len) : NULL;
  int id;

  if (job_id)
    *job_id = 0;
  if (options == NULL)
    options = &defaults;
  if (!check_request (printer, data, len, options, error))
    return FALSE;

  http = connect_scheduler (error);
  if (http == NULL)
    return FALSE;
  info = get_printer (http, printer, 0, error);
  if (info == NULL || set_not_ready_error (info, error))
    return FALSE;

  id = create_job (http, printer, options, error);
  if (job_id)
    *job_id = id;
  return id > 0 && send_document (http, printer, id, options->title, data, len, error)
         && wait_for_job (http, printer, id, options->timeout ? options->timeout : DEFAULT_JOB_TIMEOUT,
                          cancellable, error);
}
