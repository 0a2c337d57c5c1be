/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-print-cups.c: printing through a real, private CUPS scheduler
 *
 * Every layout goes as a PDF through libcups to a cups-pdf queue; the PDF
 * cups-pdf writes (after CUPS's own filters: pdftops, pstops, Ghostscript)
 * is rasterised with poppler and zbar must read the ticket back off it, on a
 * page of the layout's size. Then the failures: unknown printer, stopped,
 * not accepting, out of paper, scheduler down. */
#include "config.h"

#include <string.h>
#include <cups/cups.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-printer.h"
#include "okn-test-common.h"
#include "okn-test-cups.h"
#include "okn-test-zbar.h"

#define JOB_TIMEOUT_S 90
#define OUTPUT_TIMEOUT_S 30

static OknTestCups *cups;
static OknTestPrintable sample;

static GBytes *
render_pdf (OknLayout layout,
            double   *w,
            double   *h)
{
  g_autoptr (GError) error = NULL;
  GBytes *pdf = okn_layout_render_pdf (layout, sample.content, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  okn_layout_page_size_mm (layout, sample.content, w, h);
  return pdf;
}

/* The job's output reads back to this ticket, on a page of the size the
 * layout asked for. */
static void
assert_output (const char *title,
               OknLayout   layout,
               double      w,
               double      h)
{
  g_autoptr (GBytes) out = okn_test_cups_take_pdf (cups, title, OUTPUT_TIMEOUT_S);
  g_autoptr (GPtrArray) texts = NULL;
  double out_w = 0, out_h = 0;

  g_assert_nonnull (out);
  texts = okn_test_zbar_pdf (out, 300, &out_w, &out_h);
  g_test_message ("%s: asked %.1f x %.1f mm, cups-pdf wrote %.1f x %.1f mm, %u symbols",
                  okn_layout_to_string (layout), w, h, out_w, out_h, texts->len);
  for (guint i = 0; i < texts->len; i++)
    g_test_message ("zbar: %s", (const char *) g_ptr_array_index (texts, i));
  /* PostScript page sizes are whole points: allow 1 pt and rounding. */
  g_assert_cmpfloat_with_epsilon (out_w, w, 0.8);
  g_assert_cmpfloat_with_epsilon (out_h, h, 0.8);
  g_assert_true (okn_test_strv_has (texts, okn_ticket_content_get_code128_data (sample.content, layout)));
  if (layout != OKN_LAYOUT_A4_CONFIRMATION && layout != OKN_LAYOUT_LABEL)
    g_assert_true (okn_test_strv_has (texts, okn_ticket_content_get_qr_payload (sample.content)));
}

/* Prints @layout as a job titled @title; it completes, and what cups-pdf
 * wrote (its file name starts with @output_prefix) reads back.
 * Returns: the job id */
static int
print_and_read_back (OknLayout   layout,
                     const char *title,
                     const char *output_prefix)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;
  OknPrintJobOptions o = { 0 };
  double w, h;
  int job = 0;

  pdf = render_pdf (layout, &w, &h);
  o.title = (char *) title;
  o.width_mm = w;
  o.height_mm = h;
  o.timeout = JOB_TIMEOUT_S;
  g_assert_true (okn_printer_print_pdf (OKN_TEST_CUPS_PDF_QUEUE, pdf, &o, &job, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (job, >, 0);
  assert_output (output_prefix, layout, w, h);
  return job;
}

/* The job's title as the scheduler keeps it (job-name). */
static char *
job_title (const char *queue,
           int         job_id)
{
  cups_job_t *jobs = NULL;
  int n = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, queue, 0, CUPS_WHICHJOBS_ALL);
  char *title = NULL;

  for (int i = 0; i < n; i++)
    if (jobs[i].id == job_id)
      title = g_strdup (jobs[i].title);
  cupsFreeJobs (n, jobs);
  return title;
}

/* Titles as the desk makes them ("Okienko " + ticket), with Polish letters,
 * and with control characters: every job completes and reads back, and the
 * job-name the scheduler shows carries no control byte. Debian's cupsd
 * 2.4.2-3+deb12u10 crashed on the first kind when the title went out as
 * the document-name too (../shared/notes/cups-in-tests.md). */
static void
test_titles (void)
{
  static const char *const tails[] = {
    " Okienko K03-26-000001-J",
    " Zażółć gęślą jaźń – ŁÓDŹ, ul. Łąkowa 5",
    " \x01" "ctl\x1b[2J\ttab\r\nline\x7f\xc2\x9b end",
  };

  for (guint i = 0; i < G_N_ELEMENTS (tails); i++)
    {
      g_autofree char *unique = okn_test_cups_unique_title (cups);
      g_autofree char *title = g_strconcat (unique, tails[i], NULL);
      g_autofree char *prefix = g_strconcat (unique, " ", NULL);
      g_autofree char *shown = NULL;
      int job = print_and_read_back (OKN_LAYOUT_RECEIPT_80, title, prefix);

      shown = job_title (OKN_TEST_CUPS_PDF_QUEUE, job);
      g_assert_nonnull (shown);
      g_test_message ("job %d: job-name “%s”", job, shown);
      g_assert_true (g_utf8_validate (shown, -1, NULL));
      for (const char *p = shown; *p; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          g_assert_false (c < 0x20 || (c >= 0x7f && c < 0xa0));
        }
      /* Spaces and Polish letters arrive as they were. */
      if (i < 2)
        g_assert_cmpstr (shown, ==, title);
      else
        g_assert_true (g_str_has_prefix (shown, prefix));
    }
}

static void
print_layout (gconstpointer data)
{
  g_autofree char *title = okn_test_cups_unique_title (cups);

  print_and_read_back (GPOINTER_TO_INT (data), title, title);
}

static gpointer
print_in_thread (gpointer title)
{
  print_and_read_back (OKN_LAYOUT_RECEIPT_58, title, title);
  return NULL;
}

/* The desk prints from a worker thread: libcups there must find the same
 * scheduler. */
static void
test_worker_thread (void)
{
  g_autofree char *title = okn_test_cups_unique_title (cups);

  g_thread_join (g_thread_new ("printer", print_in_thread, title));
}

static const OknPrinterInfo *
find_printer (GPtrArray  *list,
              const char *name)
{
  for (guint i = 0; i < list->len; i++)
    {
      const OknPrinterInfo *p = g_ptr_array_index (list, i);

      if (g_str_equal (p->name, name))
        return p;
    }
  return NULL;
}

static void
test_list (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = okn_printer_list (&error);
  const OknPrinterInfo *p;

  g_assert_no_error (error);
  p = find_printer (list, OKN_TEST_CUPS_PDF_QUEUE);
  g_assert_nonnull (p);
  g_assert_cmpint (p->state, ==, OKN_PRINTER_STATE_IDLE);
  g_assert_true (p->accepting);
  g_assert_nonnull (p->make_and_model);
  g_assert_nonnull (strstr (p->make_and_model, "CUPS-PDF"));
  g_assert_true (okn_printer_check_ready (OKN_TEST_CUPS_PDF_QUEUE, &error));
  g_assert_no_error (error);
}

static GBytes *
receipt_pdf (OknPrintJobOptions *o)
{
  return render_pdf (OKN_LAYOUT_RECEIPT_80, &o->width_mm, &o->height_mm);
}

static void
test_unknown_printer (void)
{
  g_autoptr (GError) error = NULL;
  OknPrintJobOptions o = { .title = (char *) "unknown", .timeout = 10 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  int job = -1;

  g_assert_false (okn_printer_print_pdf ("NoSuchPrinter", pdf, &o, &job, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNKNOWN_PRINTER);
  g_assert_nonnull (strstr (error->message, "NoSuchPrinter"));
  g_assert_cmpint (job, ==, 0);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_false (okn_printer_print_pdf ("bad name/with slash", pdf, &o, NULL, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_INVALID);
  g_clear_error (&error);

  {
    g_autoptr (GBytes) not_pdf = g_bytes_new_static ("hello", 5);

    g_assert_false (okn_printer_print_pdf (OKN_TEST_CUPS_PDF_QUEUE, not_pdf, &o, NULL, NULL,
                                           &error));
    g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_INVALID);
  }
}

static void
test_stopped (void)
{
  const char *queue = "OkienkoStopped";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (OknPrinterInfo) info = NULL;
  OknPrintJobOptions o = { .title = (char *) "stopped", .timeout = 10 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  int job = -1;

  okn_test_cups_add_pdf_queue (cups, queue);
  okn_test_cups_run_tool (cups, "cupsdisable", "-r", "Paper jam at the desk", queue, NULL);

  list = okn_printer_list (&error);
  g_assert_no_error (error);
  g_assert_nonnull (find_printer (list, queue));
  g_assert_cmpint (find_printer (list, queue)->state, ==, OKN_PRINTER_STATE_STOPPED);

  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, &job, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_STOPPED);
  g_assert_nonnull (strstr (error->message, queue));
  g_assert_nonnull (strstr (error->message, "Paper jam at the desk"));
  g_assert_cmpint (job, ==, 0);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Enabled again, but refusing jobs. */
  okn_test_cups_run_tool (cups, "cupsenable", queue, NULL);
  okn_test_cups_run_tool (cups, "cupsreject", "-r", "Maintenance", queue, NULL);
  info = okn_printer_get (queue, &error);
  g_assert_no_error (error);
  g_assert_false (info->accepting);
  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, NULL, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_STOPPED);
  g_assert_nonnull (strstr (error->message, "cupsaccept"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* And back to normal it prints. */
  okn_test_cups_run_tool (cups, "cupsaccept", queue, NULL);
  g_assert_true (okn_printer_check_ready (queue, &error));
  g_assert_no_error (error);
}

static void
test_out_of_paper (void)
{
  const char *queue = "OkienkoNoPaper";
  g_autoptr (GError) error = NULL;
  g_autoptr (OknPrinterInfo) info = NULL;
  OknPrintJobOptions o = { .title = (char *) "nopaper", .timeout = 10 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);

  okn_test_cups_add_pdf_queue (cups, queue);
  okn_test_cups_set_reasons (cups, queue, "media-empty-error", "Out of paper");
  info = okn_printer_get (queue, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info->state_reasons);
  g_assert_true (g_strv_contains ((const char *const *) info->state_reasons,
                                  "media-empty-error"));

  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, NULL, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_MEDIA_EMPTY);
  g_assert_nonnull (strstr (error->message, queue));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* A "-report" reason is information, not a reason to refuse. */
  okn_test_cups_set_reasons (cups, queue, "media-empty-report", "");
  g_assert_true (okn_printer_check_ready (queue, &error));
  g_assert_no_error (error);
}

/* A queue whose jobs are held: a job that cannot finish, to see what
 * happens while okn_printer_print_pdf() waits for it. */
static const char *
held_queue (void)
{
  static const char *const queue = "OkienkoHeld";
  static gboolean made;

  if (!made)
    {
      okn_test_cups_add_pdf_queue (cups, queue);
      okn_test_cups_run_tool (cups, "lpadmin", "-p", queue, "-o",
                              "job-hold-until-default=indefinite", NULL);
      made = TRUE;
    }
  okn_test_cups_set_reasons (cups, queue, "none", NULL);
  return queue;
}

/* A queue whose backend keeps every job "processing" (okntest-slow): a
 * printer that never finishes, for timeouts and for what happens while a
 * job waits. */
static const char *
slow_queue (void)
{
  static const char *const queue = "OkienkoBusy";
  static gboolean made;

  if (!made)
    {
      okn_test_cups_add_slow_queue (cups, queue);
      made = TRUE;
    }
  okn_test_cups_set_reasons (cups, queue, "none", NULL);
  return queue;
}

/* Active jobs on a queue, counted through IPP as the scheduler sees them. */
static int
count_active_jobs (const char *queue)
{
  cups_job_t *jobs = NULL;
  int n = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, queue, 0, CUPS_WHICHJOBS_ACTIVE);

  cupsFreeJobs (n, jobs);
  return n;
}

static gboolean
job_processing (const char *queue)
{
  cups_job_t *jobs = NULL;
  int n = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, queue, 0, CUPS_WHICHJOBS_ACTIVE);
  gboolean processing = FALSE;

  for (int j = 0; j < n; j++)
    processing |= jobs[j].state == IPP_JSTATE_PROCESSING;
  cupsFreeJobs (n, jobs);
  return processing;
}

static void
test_timeout (void)
{
  const char *queue = slow_queue ();
  g_autoptr (GError) error = NULL;
  OknPrintJobOptions o = { .title = (char *) "slow", .timeout = 2 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  int job = 0;

  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, &job, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_TIMEOUT);
  g_assert_cmpint (job, >, 0);
  g_assert_nonnull (strstr (error->message, queue));
  g_test_message ("%s", error->message);
  /* The job that did not finish was cancelled, not left to print later. */
  g_assert_cmpint (count_active_jobs (queue), ==, 0);
}

/* A queue that holds its jobs (job-hold-until-default=indefinite, as a
 * "release at the printer" set-up has) never prints one by itself: the
 * clerk is told at once, not after print.timeout, and not "print again when
 * the printer is ready" about a printer that is idle. */
static void
test_held (void)
{
  const char *queue = held_queue ();
  g_autoptr (GError) error = NULL;
  OknPrintJobOptions o = { .title = (char *) "held", .timeout = 20 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  int job = 0;

  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, &job, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_JOB_FAILED);
  g_assert_cmpint (job, >, 0);
  g_assert_nonnull (strstr (error->message, queue));
  g_assert_nonnull (strstr (error->message, "held"));
  g_assert_nonnull (strstr (error->message, "job-hold-until-specified"));
  /* Cancelled, not left to print when someone releases it later. */
  g_assert_cmpint (count_active_jobs (queue), ==, 0);
}

typedef struct
{
  const char *queue;
  gboolean cancel_job;   /* else: the paper runs out */
} Meddler;

/* What happens to the printer while the job waits: from another thread,
 * once the job is there. */
static gpointer
meddle (gpointer data)
{
  Meddler *m = data;

  /* Processing, not only queued: a job that starts after the reasons were
   * set would have the scheduler replace their message. */
  for (int i = 0; i < 1500 && !job_processing (m->queue); i++)
    g_usleep (20000);
  if (m->cancel_job)
    okn_test_cups_run_tool (cups, "cancel", "-a", m->queue, NULL);
  else
    okn_test_cups_set_reasons (cups, m->queue, "media-empty-error", "Roll empty");
  return NULL;
}

static void
run_meddled (gboolean cancel_job,
             GError **error,
             int     *job)
{
  Meddler m = { slow_queue (), cancel_job };
  OknPrintJobOptions o = { .title = (char *) "meddled", .timeout = 30 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  GThread *thread = g_thread_new ("meddler", meddle, &m);

  g_assert_false (okn_printer_print_pdf (m.queue, pdf, &o, job, NULL, error));
  g_thread_join (thread);
  g_assert_cmpint (count_active_jobs (m.queue), ==, 0);
}

static void
test_paper_runs_out (void)
{
  g_autoptr (GError) error = NULL;
  int job = 0;

  run_meddled (FALSE, &error, &job);
  g_test_message ("%s", error->message);
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_MEDIA_EMPTY);
  g_assert_nonnull (strstr (error->message, "Roll empty"));
}

static void
test_job_cancelled (void)
{
  g_autoptr (GError) error = NULL;
  int job = 0;

  run_meddled (TRUE, &error, &job);
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_JOB_FAILED);
  g_assert_nonnull (strstr (error->message, "cancel"));
  g_test_message ("%s", error->message);
}

typedef struct
{
  const char *queue;
  gboolean killed;
} Killer;

/* Kills the scheduler once the job is being printed. */
static gpointer
kill_when_processing (gpointer data)
{
  Killer *k = data;

  for (int i = 0; i < 1500 && !k->killed; i++)
    {
      cups_job_t *jobs = NULL;
      int n = cupsGetJobs2 (CUPS_HTTP_DEFAULT, &jobs, k->queue, 0, CUPS_WHICHJOBS_ACTIVE);

      for (int j = 0; j < n; j++)
        if (jobs[j].state == IPP_JSTATE_PROCESSING)
          k->killed = TRUE;
      cupsFreeJobs (n, jobs);
      if (k->killed)
        okn_test_cups_kill (cups);
      else
        g_usleep (20000);
    }
  return NULL;
}

/* The scheduler dies (SIGKILL, as the crash on Debian's cupsd
 * 2.4.2-3+deb12u10 ends it) while our job is printing: the clerk reads
 * that the print server stopped and may need a restart, in a message of
 * its own, not libcups' "Service Unavailable". Then a fresh scheduler for
 * the tests after this one. */
static void
test_scheduler_killed (void)
{
  const char *queue = "OkienkoSlow";
  g_autoptr (GError) error = NULL;
  OknPrintJobOptions o = { .title = (char *) "Okienko killed", .timeout = 60 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);
  Killer k = { queue, FALSE };
  GThread *thread;
  int job = 0;

  okn_test_cups_add_slow_queue (cups, queue);
  thread = g_thread_new ("killer", kill_when_processing, &k);
  g_assert_false (okn_printer_print_pdf (queue, pdf, &o, &job, NULL, &error));
  g_thread_join (thread);
  g_assert_true (k.killed);
  g_assert_cmpint (job, >, 0);
  g_test_message ("%s", error->message);
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_SERVER_STOPPED);
  g_assert_nonnull (strstr (error->message, "stopped while printing"));
  g_assert_nonnull (strstr (error->message, "restart"));
  g_assert_null (strstr (error->message, "Service Unavailable"));
  g_assert_null (strstr (error->message, "Success"));

  okn_test_cups_stop (cups);
  cups = okn_test_cups_start ();
}

static void
test_unreachable (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *gone = g_build_filename (sample.dir, "no-cupsd.sock", NULL);
  OknPrintJobOptions o = { .title = (char *) "unreachable", .timeout = 10 };
  g_autoptr (GBytes) pdf = receipt_pdf (&o);

  cupsSetServer (gone);
  list = okn_printer_list (&error);
  g_assert_null (list);
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, gone));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (okn_printer_print_pdf (OKN_TEST_CUPS_PDF_QUEUE, pdf, &o, NULL, NULL, &error));
  g_assert_error (error, OKN_PRINTER_ERROR, OKN_PRINTER_ERROR_UNREACHABLE);
  cupsSetServer (NULL);
}

static void
test_media_names (void)
{
  g_autofree char *a4 = okn_printer_media_name (210, 297);
  g_autofree char *r80 = okn_printer_media_name (80, 212.5);
  g_autofree char *label = okn_printer_media_name (70, 36);

  g_assert_cmpstr (a4, ==, "iso_a4_210x297mm");
  g_assert_cmpstr (r80, ==, "Custom.80x212.5mm");
  g_assert_cmpstr (label, ==, "Custom.70x36mm");
  g_assert_null (okn_printer_media_name (0, 0));
}

static void
test_ctl_printers (void)
{
  g_autofree char *conf = g_build_filename (sample.dir, "ctl.conf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *array;
  gboolean seen = FALSE;

  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "printers", NULL), ==, 0);
  g_test_message ("okienkoctl printers:\n%s%s", out, err);
  g_assert_nonnull (strstr (out, OKN_TEST_CUPS_PDF_QUEUE));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "printers", "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *p = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (p, "name"), OKN_TEST_CUPS_PDF_QUEUE))
        {
          seen = TRUE;
          g_assert_cmpstr (json_object_get_string_member (p, "state"), ==, "idle");
          g_assert_true (json_object_get_boolean_member (p, "accepting_jobs"));
        }
    }
  g_assert_true (seen);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The scheduler down: exit 4 and a message naming where it looked. */
  {
    g_autofree char *saved = g_strdup (g_getenv ("CUPS_SERVER"));
    g_autofree char *gone = g_build_filename (sample.dir, "no-cupsd.sock", NULL);
    int rc;

    g_setenv ("CUPS_SERVER", gone, TRUE);
    rc = okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "printers", NULL);
    g_setenv ("CUPS_SERVER", saved, TRUE);
    g_assert_cmpint (rc, ==, 4);
    g_assert_nonnull (strstr (err, gone));
  }
}

static void
skip_all (gconstpointer why_not)
{
  g_test_skip (why_not);
}

/* okienkoctl print --printer: the same path from the command line, with
 * its exit codes. */
static void
test_ctl_print (void)
{
  g_autofree char *conf = g_build_filename (sample.dir, "ctl.conf", NULL);
  g_autofree char *title = g_strdup_printf ("Okienko %s", sample.record->ticket);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GPtrArray) texts = NULL;

  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket,
                                     "--layout", "receipt-80", "--printer",
                                     OKN_TEST_CUPS_PDF_QUEUE, NULL),
                   ==, 0);
  g_test_message ("%s%s", out, err);
  g_assert_nonnull (strstr (out, OKN_TEST_CUPS_PDF_QUEUE));
  pdf = okn_test_cups_take_pdf (cups, title, OUTPUT_TIMEOUT_S);
  g_assert_nonnull (pdf);
  texts = okn_test_zbar_pdf (pdf, 300, NULL, NULL);
  g_assert_true (okn_test_strv_has (texts, okn_ticket_content_get_qr_payload (sample.content)));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket,
                                     "--printer", "NoSuchPrinter", NULL),
                   ==, 1);
  g_assert_nonnull (strstr (err, "NoSuchPrinter"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket,
                                     "--printer", OKN_TEST_CUPS_PDF_QUEUE, "--output", "x.pdf",
                                     NULL),
                   ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *why_not = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/print/cups/media-names", test_media_names);
  if (!okn_test_cups_available (&why_not))
    g_test_add_data_func ("/print/cups/scheduler", why_not, skip_all);
  else
    {
      g_test_add_func ("/print/cups/list", test_list);
      g_test_add_data_func ("/print/cups/receipt-80", GINT_TO_POINTER (OKN_LAYOUT_RECEIPT_80),
                            print_layout);
      g_test_add_data_func ("/print/cups/receipt-58", GINT_TO_POINTER (OKN_LAYOUT_RECEIPT_58),
                            print_layout);
      g_test_add_data_func ("/print/cups/a4-confirmation",
                            GINT_TO_POINTER (OKN_LAYOUT_A4_CONFIRMATION), print_layout);
      g_test_add_data_func ("/print/cups/label", GINT_TO_POINTER (OKN_LAYOUT_LABEL), print_layout);
      g_test_add_func ("/print/cups/titles", test_titles);
      g_test_add_func ("/print/cups/worker-thread", test_worker_thread);
      g_test_add_func ("/print/cups/unknown-printer", test_unknown_printer);
      g_test_add_func ("/print/cups/stopped", test_stopped);
      g_test_add_func ("/print/cups/out-of-paper", test_out_of_paper);
      g_test_add_func ("/print/cups/unreachable", test_unreachable);
      g_test_add_func ("/print/cups/timeout", test_timeout);
      g_test_add_func ("/print/cups/held", test_held);
      g_test_add_func ("/print/cups/paper-runs-out", test_paper_runs_out);
      g_test_add_func ("/print/cups/job-cancelled", test_job_cancelled);
      g_test_add_func ("/print/cups/okienkoctl-printers", test_ctl_printers);
      g_test_add_func ("/print/cups/okienkoctl-print", test_ctl_print);
      /* Last: it kills the scheduler (and starts a new one). */
      g_test_add_func ("/print/cups/scheduler-killed", test_scheduler_killed);

      cups = okn_test_cups_start ();
    }

  /* A station code of this run: the ticket ID names the cups-pdf output of
   * okienkoctl's job, and other runs may print at the same time. */
  {
    /* The ticket alphabet's letters: no I, L, O or U. */
    static const char letters[] = "ABCDEFGHJKMNPQRSTVWXYZ";
    char station[4] = { 'K', letters[g_random_int_range (0, sizeof letters - 1)],
                        letters[g_random_int_range (0, sizeof letters - 1)], '\0' };

    okn_test_printable_init (&sample, station, "Zażółć Gęślą-Jaźń", "Skarga na hałas, ul. Łąkowa");
  }

  rc = g_test_run ();

  okn_test_cups_stop (cups);
  okn_test_printable_clear (&sample);
  return rc;
}
