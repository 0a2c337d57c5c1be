/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-cups.c: a private CUPS scheduler started and stopped by a test
 *
 * What is known to work on Debian 12 is in /work/shared/notes/cups-in-tests.md
 * and docs/internals/printing.md: cupsd refuses "User root", admin requests
 * over TCP need a certificate, a domain socket with peer credentials works. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cups/cups.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"
#include "okn-test-cups.h"

#define CUPS_SERVER_BIN "/usr/lib/cups"
#define CUPS_PDF_PPD "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"
#define CUPS_PDF_CONF "/etc/cups/cups-pdf.conf"
#define CUPS_PDF_ANON_DIR "/var/spool/cups-pdf/ANONYMOUS"
#define START_TIMEOUT_S 15
#define STOP_TIMEOUT_S 10

struct _OknTestCups
{
  char *dir;
  char *socket;
  char *job_user;
  char *anon_dir;
  GPid pid;
  guint titles;
};

static char *
find_program (const char *name)
{
  static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin", "/bin" };
  char *path = g_find_program_in_path (name);

  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (dirs); i++)
    {
      char *p = g_build_filename (dirs[i], name, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_EXECUTABLE))
        path = p;
      else
        g_free (p);
    }
  return path;
}

/**
 * okn_test_cups_available:
 * @why_not: (out) (optional): the reason, for a TAP skip message
 *
 * Returns: %FALSE only when cupsd is not installed. Everything else the
 *   fixture needs (lpadmin, cups-pdf) is then a failure, not a skip.
 */
gboolean
okn_test_cups_available (char **why_not)
{
  g_autofree char *cupsd = find_program ("cupsd");

  if (cupsd == NULL && why_not)
    *why_not = g_strdup ("cupsd is not installed (Debian package “cups”); "
                         "build-aux/okienko-dev installs it");
  return cupsd != NULL;
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* A backend that takes a job and holds it: the job stays "processing"
 * while the scheduler that started it lives (its socket is there and it is
 * still the parent), and never longer than 60 s. It does not read the job:
 * the filters before it block on the pipe and end with it. Without
 * arguments it lists its device, as CUPS asks every backend. */
static char *
slow_backend (const char *socket_path)
{
  return g_strdup_printf ("#!/bin/sh\n"
                          "# okntest-slow: holds a job while its scheduler lives (Okienko tests)\n"
                          "if [ $# -eq 0 ]; then\n"
                          "  echo 'direct okntest-slow \"Okienko\" \"Okienko test backend\"'\n"
                          "  exit 0\n"
                          "fi\n"
                          "i=0\n"
                          "while [ $i -lt 600 ] && [ -S '%s' ] && kill -0 \"$PPID\" 2>/dev/null; do\n"
                          "  sleep 0.1\n"
                          "  i=$((i + 1))\n"
                          "done\n"
                          "exit 0\n",
                          socket_path);
}

static void
symlink_entries (const char *from,
                 const char *to,
                 const char *except)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (from, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *target = g_build_filename (from, name, NULL);
      g_autofree char *link = g_build_filename (to, name, NULL);

      if (except && g_str_equal (name, except))
        continue;
      g_assert_cmpint (symlink (target, link), ==, 0);
    }
}

/* The scheduler's ServerBin: the system's filters and backends through
 * symlinks, plus the slow test backend. cupsd runs a backend as root only
 * when its file is not readable by others, and checks that the folders
 * holding programs are not writable by anyone else. */
static char *
make_server_bin (const char *dir,
                 const char *socket_path)
{
  g_autofree char *backend = NULL;
  g_autofree char *slow = NULL;
  g_autofree char *script = slow_backend (socket_path);
  char *bin = g_build_filename (dir, "serverbin", NULL);

  backend = g_build_filename (bin, "backend", NULL);
  g_assert_cmpint (g_mkdir_with_parents (backend, 0755), ==, 0);
  symlink_entries (CUPS_SERVER_BIN, bin, "backend");
  symlink_entries (CUPS_SERVER_BIN "/backend", backend, NULL);
  write_file (backend, "okntest-slow", script);
  slow = g_build_filename (backend, "okntest-slow", NULL);
  g_assert_cmpint (g_chmod (slow, getuid () == 0 ? 0700 : 0755), ==, 0);
  return bin;
}

static char *
read_anon_dir (void)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  char *dir = NULL;

  if (!g_file_get_contents (CUPS_PDF_CONF, &text, NULL, NULL))
    return g_strdup (CUPS_PDF_ANON_DIR);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *l = g_strstrip (lines[i]);

      if (g_str_has_prefix (l, "AnonDirName") && g_ascii_isspace (l[11]))
        {
          g_free (dir);
          dir = g_strdup (g_strstrip (l + 11));
        }
    }
  return dir ? dir : g_strdup (CUPS_PDF_ANON_DIR);
}

/* A test that failed after printing left its file behind (an abort skips
 * okn_test_cups_take_pdf()); drop such files of earlier runs, recognisable
 * by the fixture's user-name prefix, once they are an hour old. */
static void
remove_stale_output (const char *anon_dir)
{
  g_autoptr (GDir) dir = g_dir_open (anon_dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      GStatBuf st;

      if (!g_str_has_prefix (name, "okntest") || !g_str_has_suffix (name, ".pdf"))
        continue;
      path = g_build_filename (anon_dir, name, NULL);
      if (g_stat (path, &st) == 0 && now - st.st_mtime > 3600)
        g_unlink (path);
    }
}

static char *
read_log_tail (OknTestCups *cups)
{
  g_autofree char *path = g_build_filename (cups->dir, "log", "error_log", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return g_strdup ("(no error_log)");
  return g_strdup (len > 4000 ? text + len - 4000 : text);
}

/* A failed assertion aborts the test before okn_test_cups_stop(): the
 * scheduler must not outlive it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
scheduler_answers (const char *socket_path)
{
  http_t *http = httpConnect2 (socket_path, 0, NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 500,
                               NULL);

  if (http == NULL)
    return FALSE;
  httpClose (http);
  return TRUE;
}

/**
 * okn_test_cups_start:
 *
 * Starts the scheduler and adds the cups-pdf queue %OKN_TEST_CUPS_PDF_QUEUE.
 * Call okn_test_cups_available() first. Sets CUPS_SERVER and CUPS_USER in
 * this process's environment (so children, e.g. okienkoctl, use it too).
 */
OknTestCups *
okn_test_cups_start (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cupsd = find_program ("cupsd");
  g_autofree char *conf = NULL;
  g_autofree char *files = NULL;
  g_autofree char *cupsd_conf = NULL;
  g_autofree char *files_conf = NULL;
  g_autofree char *server_bin = NULL;
  gboolean root = getuid () == 0;
  OknTestCups *cups = g_new0 (OknTestCups, 1);
  static const char *const subdirs[] = { "spool", "spool/tmp", "cache", "state", "tmp", "log",
                                         "ppd" };
  const char *argv[7];
  gint64 deadline;

  g_assert_nonnull (cupsd);
  cups->dir = okn_test_make_tmpdir ();
  /* The scheduler drops to "lp" for filters: they must reach the folder. */
  g_assert_cmpint (g_chmod (cups->dir, 0755), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (subdirs); i++)
    {
      g_autofree char *d = g_build_filename (cups->dir, subdirs[i], NULL);

      g_assert_cmpint (g_mkdir_with_parents (d, 0755), ==, 0);
      if (root)
        {
          struct passwd *lp = getpwnam ("lp");

          g_assert_nonnull (lp);
          g_assert_cmpint (chown (d, lp->pw_uid, lp->pw_gid), ==, 0);
        }
    }
  cups->socket = g_build_filename (cups->dir, "cups.sock", NULL);
  server_bin = make_server_bin (cups->dir, cups->socket);
  cups->anon_dir = read_anon_dir ();
  remove_stale_output (cups->anon_dir);

  /* A user name that exists nowhere, so cups-pdf writes to its anonymous
   * folder and never into someone's home. */
  do
    {
      g_free (cups->job_user);
      cups->job_user = g_strdup_printf ("okntest%08x", g_random_int ());
    }
  while (getpwnam (cups->job_user) != NULL);

  cupsd_conf = g_strdup_printf ("LogLevel info\n"
                                "Listen %s\n"
                                "Browsing Off\n"
                                "WebInterface No\n"
                                "DefaultAuthType None\n"
                                "MaxJobs 100\n"
                                "<Location />\n  Order allow,deny\n  Allow all\n</Location>\n"
                                "<Location /admin>\n  Order allow,deny\n  Allow all\n</Location>\n"
                                "<Policy default>\n  <Limit All>\n    Order deny,allow\n"
                                "  </Limit>\n</Policy>\n",
                                cups->socket);
  files_conf = g_strdup_printf ("ServerRoot %1$s\n"
                                "RequestRoot %1$s/spool\n"
                                "CacheDir %1$s/cache\n"
                                "StateDir %1$s/state\n"
                                "TempDir %1$s/tmp\n"
                                "AccessLog %1$s/log/access_log\n"
                                "ErrorLog %1$s/log/error_log\n"
                                "PageLog %1$s/log/page_log\n"
                                "DataDir /usr/share/cups\n"
                                "ServerBin %2$s\n"
                                "%3$s",
                                cups->dir, server_bin,
                                root ? "User lp\nGroup lp\nSystemGroup root\n" : "");
  write_file (cups->dir, "cupsd.conf", cupsd_conf);
  write_file (cups->dir, "cups-files.conf", files_conf);
  conf = g_build_filename (cups->dir, "cupsd.conf", NULL);
  files = g_build_filename (cups->dir, "cups-files.conf", NULL);

  argv[0] = cupsd;
  argv[1] = "-f";
  argv[2] = "-c";
  argv[3] = conf;
  argv[4] = "-s";
  argv[5] = files;
  argv[6] = NULL;
  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 die_with_parent, NULL, &cups->pid, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  while (!scheduler_answers (cups->socket))
    {
      int status;

      if (waitpid (cups->pid, &status, WNOHANG) == cups->pid)
        {
          g_autofree char *log = read_log_tail (cups);

          cups->pid = 0;
          g_error ("cupsd exited at start (status %d); its log:\n%s", status, log);
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = read_log_tail (cups);

          g_error ("cupsd did not answer on %s within %d s; its log:\n%s", cups->socket,
                   START_TIMEOUT_S, log);
        }
      g_usleep (50000);
    }

  g_setenv ("CUPS_SERVER", cups->socket, TRUE);
  g_setenv ("CUPS_USER", cups->job_user, TRUE);
  /* libcups caches both per thread: make this thread read them again. */
  cupsSetServer (NULL);
  cupsSetUser (NULL);
  g_assert_cmpstr (cupsServer (), ==, cups->socket);

  okn_test_cups_add_pdf_queue (cups, OKN_TEST_CUPS_PDF_QUEUE);
  return cups;
}

/* Titles name the output file of cups-pdf; only letters and digits, so it
 * keeps them as they are. */
char *
okn_test_cups_unique_title (OknTestCups *cups)
{
  return g_strdup_printf ("%sjob%u", cups->job_user, ++cups->titles);
}

/**
 * okn_test_cups_run_tool:
 * @tool: lpadmin, cupsdisable, cupsenable, cupsaccept, cupsreject, lpstat...
 *
 * Runs a CUPS tool against the private scheduler; asserts it succeeds.
 */
void
okn_test_cups_run_tool (OknTestCups *cups,
                        const char  *tool,
                        ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  char *path = find_program (tool);
  const char *a;
  int status = 0;
  va_list ap;

  if (path == NULL)
    g_error ("%s is not installed (Debian packages cups, cups-client)", tool);
  g_ptr_array_add (argv, path);
  va_start (ap, tool);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *log = read_log_tail (cups);

      g_error ("%s failed: %s%s\ncupsd log:\n%s", tool, out, err, log);
    }
}

void
okn_test_cups_add_pdf_queue (OknTestCups *cups,
                             const char  *name)
{
  if (!g_file_test (CUPS_PDF_PPD, G_FILE_TEST_EXISTS))
    g_error ("%s is missing: install the Debian package printer-driver-cups-pdf", CUPS_PDF_PPD);
  /* lpadmin warns that printer drivers are deprecated; they still work in
   * CUPS 2.4 and cups-pdf has no other form. */
  okn_test_cups_run_tool (cups, "lpadmin", "-p", name, "-v", "cups-pdf:/", "-P", CUPS_PDF_PPD,
                          "-E", NULL);
}

/**
 * okn_test_cups_add_slow_queue:
 *
 * Adds a queue whose jobs stay "processing" until the scheduler stops (the
 * backend okntest-slow holds them, 60 s at most): a job in flight for as
 * long as a test needs one.
 */
void
okn_test_cups_add_slow_queue (OknTestCups *cups,
                              const char  *name)
{
  okn_test_cups_run_tool (cups, "lpadmin", "-p", name, "-v", "okntest-slow:/", "-P",
                          CUPS_PDF_PPD, "-E", NULL);
}

/**
 * okn_test_cups_kill:
 *
 * Kills the scheduler with SIGKILL, as a crash would end it, and reaps it.
 * okn_test_cups_stop() then only cleans up.
 */
void
okn_test_cups_kill (OknTestCups *cups)
{
  int status;

  g_assert_cmpint (cups->pid, >, 0);
  g_assert_cmpint (kill (cups->pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (cups->pid, &status, 0), ==, cups->pid);
  g_spawn_close_pid (cups->pid);
  cups->pid = 0;
}

/**
 * okn_test_cups_set_reasons:
 * @reasons: comma-separated printer-state-reasons ("media-empty-error"),
 *   or "none"
 * @message: (nullable): printer-state-message
 *
 * Sets what a printer reports about itself, as a backend would when the
 * paper runs out (CUPS-Add-Modify-Printer; no tool sets these).
 */
void
okn_test_cups_set_reasons (OknTestCups *cups,
                           const char  *printer,
                           const char  *reasons,
                           const char  *message)
{
  g_auto (GStrv) list = g_strsplit (reasons, ",", -1);
  char uri[HTTP_MAX_URI];
  http_t *http;
  ipp_t *request;

  http = httpConnect2 (cups->socket, 0, NULL, AF_UNSPEC, HTTP_ENCRYPTION_NEVER, 1, 5000, NULL);
  g_assert_nonnull (http);
  request = ippNewRequest (IPP_OP_CUPS_ADD_MODIFY_PRINTER);
  httpAssembleURIf (HTTP_URI_CODING_ALL, uri, sizeof uri, "ipp", NULL, "localhost", 0,
                    "/printers/%s", printer);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
  ippAddString (request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", NULL,
                "root");
  ippAddStrings (request, IPP_TAG_PRINTER, IPP_TAG_KEYWORD, "printer-state-reasons",
                 (int) g_strv_length (list), NULL, (const char *const *) list);
  ippAddString (request, IPP_TAG_PRINTER, IPP_TAG_TEXT, "printer-state-message", NULL,
                message ? message : "");
  ippDelete (cupsDoRequest (http, request, "/admin/"));
  if (cupsLastError () > IPP_STATUS_OK_CONFLICTING)
    g_error ("setting printer-state-reasons of %s failed: %s", printer, cupsLastErrorString ());
  httpClose (http);
}

/**
 * okn_test_cups_take_pdf:
 * @title: the job's title, from okn_test_cups_unique_title() or made
 *   unique by the caller (cups-pdf writes a space as "_")
 *
 * Waits for cups-pdf's output of the job, reads it and deletes the file.
 *
 * Returns: (transfer full) (nullable): the PDF, %NULL after @timeout_s
 */
GBytes *
okn_test_cups_take_pdf (OknTestCups *cups,
                        const char  *title,
                        guint        timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  g_autofree char *prefix = g_strdelimit (g_strdup (title), " ", '_');
  goffset last_size = -1;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GDir) dir = g_dir_open (cups->anon_dir, 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *path = NULL;
          GStatBuf st;

          if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".pdf"))
            continue;
          path = g_build_filename (cups->anon_dir, name, NULL);
          if (g_stat (path, &st) != 0)
            continue;
          /* Ghostscript may still be writing it: take it when it stops
           * growing. */
          if (st.st_size > 0 && st.st_size == last_size)
            {
              g_autoptr (GError) error = NULL;
              char *data = NULL;
              gsize len = 0;

              g_file_get_contents (path, &data, &len, &error);
              g_assert_no_error (error);
              g_unlink (path);
              return g_bytes_new_take (data, len);
            }
          last_size = st.st_size;
        }
      g_usleep (100000);
    }
  {
    g_autofree char *log = read_log_tail (cups);

    g_test_message ("no cups-pdf output for %s in %s; cupsd log:\n%s", title, cups->anon_dir,
                    log);
  }
  return NULL;
}

/**
 * okn_test_cups_stop:
 *
 * Stops the scheduler by its PID (SIGTERM, then SIGKILL after a bound),
 * deletes its folder and the environment it set.
 */
void
okn_test_cups_stop (OknTestCups *cups)
{
  if (cups == NULL)
    return;
  if (cups->pid > 0)
    {
      gint64 deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_USEC_PER_SEC;
      int status;

      kill (cups->pid, SIGTERM);
      while (waitpid (cups->pid, &status, WNOHANG) == 0)
        {
          if (g_get_monotonic_time () > deadline)
            {
              kill (cups->pid, SIGKILL);
              waitpid (cups->pid, &status, 0);
              break;
            }
          g_usleep (20000);
        }
      g_spawn_close_pid (cups->pid);
    }
  g_unsetenv ("CUPS_SERVER");
  g_unsetenv ("CUPS_USER");
  cupsSetServer (NULL);
  cupsSetUser (NULL);
  okn_test_rm_rf (cups->dir);
  g_free (cups->dir);
  g_free (cups->socket);
  g_free (cups->job_user);
  g_free (cups->anon_dir);
  g_free (cups);
}
