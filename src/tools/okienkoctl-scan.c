/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-scan.c: scan (read tickets back from PNG, JPEG and PDF files
 * and say, page by page, what is on them). The core decodes and judges;
 * this file prints every page's answer, shows progress on a terminal and
 * stops cleanly on Ctrl+C. */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-scan.h"
#include "okienko/okn-text.h"

/* What a shell reports for a program ended by Ctrl+C (128 + SIGINT). */
#define EXIT_INTERRUPTED 130

static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  interrupted = 1;
}

typedef struct
{
  const char *name;       /* made safe to show */
  gboolean terminal;      /* standard error is a terminal: show progress */
  gboolean shown;         /* a progress line is on the screen */
} Progress;

/* Before each page of a PDF: a line that rewrites itself on a terminal,
 * nothing when the output goes to a file or a pipe. */
static gboolean
on_page (guint    page,
         guint    page_count,
         gpointer data)
{
  Progress *p = data;

  if (interrupted)
    return FALSE;
  if (p->terminal && page_count > 1)
    {
      g_printerr ("\r\033[K");
      g_printerr (_("Reading %s: page %u of %u…"), p->name, page, page_count);
      p->shown = TRUE;
    }
  return TRUE;
}

static void
progress_clear (Progress *p)
{
  if (p->shown)
    g_printerr ("\r\033[K");
  p->shown = FALSE;
}

static JsonNode *
result_json (const OknScanResult *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  okn_json_add_string (b, "verdict", okn_scan_verdict_to_string (r->verdict));
  okn_json_add_string (b, "ticket", r->ticket);
  okn_json_add_string (b, "code", r->code);
  okn_json_add_string (b, "symbology", r->symbology);
  okn_json_add_string (b, "payload", r->payload);
  okctl_json_add_int (b, "page", r->page);
  okn_json_add_string (b, "message", r->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
result_is_good (const OknScanResult *r)
{
  return r->verdict == OKN_SCAN_GENUINE || r->verdict == OKN_SCAN_ID_ONLY;
}

/* "FILE", or "FILE (page 3)" / "FILE (pages 4–9)" for a PDF of several
 * pages. */
static char *
where (const char          *name,
       const OknScanReport *report,
       guint                first,
       guint                last)
{
  if (report->page_count <= 1)
    return g_strdup (name);
  if (first == last)
    return g_strdup_printf (_("%s (page %u)"), name, first);
  return g_strdup_printf (_("%s (pages %u–%u)"), name, first, last);
}

/* One line per result, "nothing found" for a page without any code, one
 * line for each run of pages that were not read. Returns the exit status
 * this file asks for. */
static int
print_report (const char          *name,
              const OknScanReport *report)
{
  int rc = OKCTL_EXIT_OK;

  for (guint p = 1; p <= MAX (report->page_count, 1); p++)
    {
      OknScanPageState state = okn_scan_report_page_state (report, p);
      g_autofree char *at = NULL;

      if (state == OKN_SCAN_PAGE_NOT_READ)
        {
          guint last = MAX (report->page_count, 1);

          at = where (name, report, p, last);
          if (report->stopped)
            g_print (_("%s: not read: interrupted\n"), at);
          else
            g_print (g_dngettext (GETTEXT_PACKAGE,
                                  "%s: not read: only the first %u page is read (--max-pages N, 0 for every page)\n",
                                  "%s: not read: only the first %u pages are read (--max-pages N, 0 for every page)\n",
                                  report->max_pages),
                     at, report->max_pages);
          return OKCTL_EXIT_NOT_FOUND;
        }
      at = where (name, report, p, p);
      if (state == OKN_SCAN_PAGE_NOTHING)
        {
          g_print (_("%s: nothing found\n"), at);
          rc = OKCTL_EXIT_NOT_FOUND;
          continue;
        }
      for (guint i = 0; i < report->results->len; i++)
        {
          const OknScanResult *r = g_ptr_array_index (report->results, i);
          g_autofree char *message = NULL;

          if (r->page != p)
            continue;
          /* The core's messages quote payloads safely already; the line is
           * made safe as a whole all the same. */
          message = okn_text_display_line (r->message, -1);
          g_print ("%s: %s: %s\n", at, okn_scan_verdict_to_string (r->verdict), message);
          if (!result_is_good (r))
            rc = OKCTL_EXIT_NOT_FOUND;
        }
    }
  return rc;
}

static void
report_json (JsonBuilder         *b,
             const OknScanReport *report)
{
  okctl_json_add_int (b, "page_count", report->page_count);
  okctl_json_add_int (b, "pages_read", report->pages_read);
  okctl_json_add_int (b, "max_pages", report->max_pages);
  okctl_json_add_bool (b, "interrupted", report->stopped);
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint p = 1; p <= report->page_count; p++)
    {
      json_builder_begin_object (b);
      okctl_json_add_int (b, "page", p);
      okn_json_add_string (b, "status", okn_scan_page_state_to_string (okn_scan_report_page_state (report, p)));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (guint k = 0; k < report->results->len; k++)
    json_builder_add_value (b, result_json (g_ptr_array_index (report->results, k)));
  json_builder_end_array (b);
}

/* Exit status: 0 when every page of every file holds only tickets of ours
 * that are genuine or carry no code to check (a letter's label); 1 when a
 * page holds no code or a doubtful one (wrong code, unknown, foreign), or
 * was not read (--max-pages); 2 when a file cannot be read as an image at
 * all; 130 when Ctrl+C stopped the reading. */
int
okctl_cmd_scan (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  struct sigaction sa = { 0 }, old_sa;
  gboolean json = FALSE;
  int max_pages = -1;
  int rc = OKCTL_EXIT_OK;
  OknScanOptions options;
  Progress progress = { NULL, isatty (STDERR_FILENO), FALSE };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "max-pages", 0, 0, G_OPTION_ARG_INT, &max_pages,
      N_("Read at most N pages of each PDF; 0 reads every page (default: scan.max_pages, 50)"), N_("N") },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("FILE…"),
                            _("Reads tickets from PNG, JPEG or PDF files (scans, photos) and says, page "
                              "by page, whether each is genuine. Changes nothing."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc < 2)
    return okctl_usage_error (_("Give at least one file: okienkoctl scan page.pdf"));
  if (max_pages < -1)
    return okctl_usage_error (_("--max-pages must be 0 (every page) or more, not %d."), max_pages);

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));

  okn_scan_options_init (&options, ctx->config);
  if (max_pages >= 0)
    options.max_pages = (guint) max_pages;
  options.progress = on_page;
  options.progress_data = &progress;

  /* Ctrl+C stops after the page being read and reports what was read; a
   * second one ends the program at once. */
  interrupted = 0;
  sa.sa_handler = on_sigint;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (int i = 1; i < argc && !interrupted; i++)
    {
      g_autoptr (GError) file_error = NULL;
      g_autoptr (OknScanReport) report = NULL;
      g_autofree char *name = okn_text_display_line (argv[i], -1);
      int file_rc;

      progress.name = name;
      report = okn_scan_file_report (store, ctx->config, argv[i], &options, &file_error);
      progress_clear (&progress);
      json_builder_begin_object (b);
      okn_json_add_string (b, "file", argv[i]);
      if (report == NULL)
        {
          if (file_error->domain != OKN_SCAN_ERROR)
            {
              sigaction (SIGINT, &old_sa, NULL);
              return okctl_fail (g_steal_pointer (&file_error));
            }
          okctl_print_error (file_error->message);
          okn_json_add_string (b, "error", file_error->message);
          json_builder_end_object (b);
          rc = OKCTL_EXIT_USAGE;
          continue;
        }
      report_json (b, report);
      json_builder_end_object (b);
      file_rc = json ? OKCTL_EXIT_OK : print_report (name, report);
      if (json)
        {
          /* The same verdict without the lines. */
          for (guint p = 1; p <= report->page_count; p++)
            if (okn_scan_report_page_state (report, p) != OKN_SCAN_PAGE_FOUND)
              file_rc = OKCTL_EXIT_NOT_FOUND;
          for (guint k = 0; k < report->results->len; k++)
            if (!result_is_good (g_ptr_array_index (report->results, k)))
              file_rc = OKCTL_EXIT_NOT_FOUND;
        }
      if (file_rc != OKCTL_EXIT_OK && rc == OKCTL_EXIT_OK)
        rc = file_rc;
    }
  json_builder_end_array (b);
  okctl_json_add_bool (b, "interrupted", interrupted != 0);
  json_builder_end_object (b);
  sigaction (SIGINT, &old_sa, NULL);
  if (json)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);

      okctl_print_json (root);
    }
  if (interrupted)
    {
      g_printerr (_("okienkoctl: interrupted: the pages and files after it were not read.\n"));
      return EXIT_INTERRUPTED;
    }
  return rc;
}
