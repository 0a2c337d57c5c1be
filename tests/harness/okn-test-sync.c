/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-sync.c: what the sync tests share (okn-test-sync.h) */
#define G_LOG_DOMAIN "okn-test-sync"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "okn-test-common.h"
#include "okn-test-sync.h"

/* Sets @key and saves the file: okienkoctl, run as a process, reads it. */
void
okn_test_config_set (OknConfig  *config,
                     const char *key,
                     const char *value)
{
  g_autoptr (GError) error = NULL;

  okn_config_set (config, key, value, &error);
  g_assert_no_error (error);
  okn_config_save (config, &error);
  g_assert_no_error (error);
}

/* Unsets @key and saves the file, as okn_test_config_set() sets it. */
void
okn_test_config_unset (OknConfig  *config,
                       const char *key)
{
  g_autoptr (GError) error = NULL;
  gboolean unset = okn_config_unset (config, key, &error);
  gboolean saved;

  g_assert_no_error (error);
  g_assert_true (unset);
  saved = okn_config_save (config, &error);
  g_assert_no_error (error);
  g_assert_true (saved);
}

/* Returns: (transfer full): a report registered in @store */
OknRecord *
okn_test_add_report (OknStore   *store,
                     const char *category,
                     const char *description)
{
  g_autoptr (GError) error = NULL;
  OknRecord *r = okn_test_report (category, description, "ul. Zielona 7, Łódź");

  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  return r;
}

/* Returns: (transfer full): a letter registered in @store */
OknRecord *
okn_test_add_letter (OknStore   *store,
                     const char *sender,
                     const char *subject)
{
  g_autoptr (GError) error = NULL;
  OknRecord *r = okn_test_letter (sender, subject);

  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  return r;
}

/* @n reports of illegal dumping, each its own text. */
void
okn_test_add_reports (OknStore *store,
                      guint     n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *d = g_strdup_printf ("Dzikie wysypisko nr %u", i);

      okn_record_free (okn_test_add_report (store, "dumping", d));
    }
}

/* Returns: (transfer full): @record as the store has it now */
OknRecord *
okn_test_reload (OknStore        *store,
                 const OknRecord *record)
{
  g_autoptr (GError) error = NULL;
  OknRecord *again = okn_store_lookup (store, record->ticket, &error);

  g_assert_no_error (error);
  return again;
}

gint64
okn_test_count_state (OknStore     *store,
                      OknSyncState  state)
{
  g_autoptr (GError) error = NULL;
  OknStoreStats stats;
  gint64 n;

  okn_store_get_stats (store, &stats, &error);
  g_assert_no_error (error);
  n = stats.per_state[state];
  okn_store_stats_clear (&stats);
  return n;
}

/* Whether the record's audit trail has an @action entry (with @detail in
 * its details, when given). */
gboolean
okn_test_audit_has (OknStore   *store,
                    gint64      record_id,
                    const char *action,
                    const char *detail)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) audit = okn_store_audit_log (store, record_id, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < audit->len; i++)
    {
      OknAuditEntry *e = g_ptr_array_index (audit, i);

      if ((action == NULL || g_str_equal (e->action, action))
          && (detail == NULL || (e->details && strstr (e->details, detail))))
        return TRUE;
    }
  return FALSE;
}

/* Every record of @store is on @server exactly once (@cases_for counts its
 * cases by ticket); with @case_of, each is also synced under the case
 * number @server gave its ticket. The promise every sync test ends on,
 * whichever server (the loopback Open311 one, the in-memory back end). */
void
okn_test_assert_each_once (OknStore        *store,
                           OknTestCasesFor  cases_for,
                           OknTestCaseOf    case_of,
                           gpointer         server)
{
  g_autoptr (GError) error = NULL;
  OknListFilter filter = { 0 };
  g_autoptr (GPtrArray) all = okn_store_list (store, &filter, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      OknRecord *r = g_ptr_array_index (all, i);
      guint n = cases_for (server, r->ticket);

      if (n != 1)
        g_error ("%s is on the server %u times", r->ticket, n);
      if (case_of)
        {
          g_autofree char *id = case_of (server, r->ticket);

          g_assert_cmpint (r->sync_state, ==, OKN_SYNC_SYNCED);
          g_assert_cmpstr (r->server_id, ==, id);
        }
    }
}

/* Runs @sync until nothing is queued or awaiting an id, sleeping until the
 * next retry is due (3 s at most); at most @max_runs runs. Returns the
 * number of runs. */
guint
okn_test_drain (OknStore *store,
                OknSync  *sync,
                guint     max_runs)
{
  for (guint round = 1; round <= max_runs; round++)
    {
      g_autoptr (GError) error = NULL;
      OknSyncReport report;
      gint64 due;

      okn_sync_run_once (sync, &report, &error);
      if (error && error->domain != OKN_SYNC_ERROR)
        g_error ("run %u: %s", round, error->message);
      okn_sync_report_clear (&report);
      if (okn_test_count_state (store, OKN_SYNC_QUEUED) == 0
          && okn_test_count_state (store, OKN_SYNC_AWAITING_ID) == 0)
        return round;
      g_clear_error (&error);
      due = okn_store_outbox_next_due_us (store, &error);
      g_assert_no_error (error);
      if (due > 0)
        g_usleep ((gulong) CLAMP (due - g_get_real_time (), 0, 3 * G_TIME_SPAN_SECOND));
      else if (okn_test_count_state (store, OKN_SYNC_AWAITING_ID) > 0)
        g_usleep (100 * 1000);
    }
  g_error ("the queue did not drain in %u runs", max_runs);
  return 0;
}

/* One run of @sync into @report: it succeeds when @code is
 * OKN_TEST_SYNC_OK, else it fails with that OknSyncError code. */
void
okn_test_sync_run (OknSync       *sync,
                   OknSyncReport *report,
                   int            code)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = okn_sync_run_once (sync, report, &error);

  if (code == OKN_TEST_SYNC_OK)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_error (error, OKN_SYNC_ERROR, code);
      g_assert_false (ok);
    }
}

/* One run of @sync, as okn_test_sync_run(), that sent @sent records. */
void
okn_test_sync_run_sends (OknSync *sync,
                         int      code,
                         guint    sent)
{
  OknSyncReport report;

  okn_test_sync_run (sync, &report, code);
  g_assert_cmpuint (report.sent, ==, sent);
  okn_sync_report_clear (&report);
}

/* Tokens, on a server that answers the @n queued records of @store (@record
 * one of them) with tokens and gives them case numbers at the second
 * poll: the first run leaves them all awaiting an id, the second resolves
 * them all. */
void
okn_test_check_tokens (OknStore        *store,
                       OknSync         *sync,
                       const OknRecord *record,
                       guint            n)
{
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.tokens, ==, n);
  g_assert_cmpuint (report.sent, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpint (okn_test_count_state (store, OKN_SYNC_AWAITING_ID), ==, n);
  again = okn_test_reload (store, record);
  g_assert_nonnull (again->server_token);
  g_assert_null (again->server_id);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.resolved, ==, n);
  okn_sync_report_clear (&report);
  g_assert_cmpint (okn_test_count_state (store, OKN_SYNC_SYNCED), ==, n);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (store, record);
  g_assert_nonnull (again->server_id);
}

/* Statuses of the two records queued in @store (@record one of them), on
 * @server, where @set_status changes a case: the first pull gives each
 * case its status; nothing changed on the server, nothing changes here; a
 * change lands in the record and its history; a closed case is not asked
 * about again, the open one still is. */
void
okn_test_check_statuses (OknStore         *store,
                         OknSync          *sync,
                         const OknRecord  *record,
                         OknTestSetStatus  set_status,
                         gpointer          server)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) again = NULL;
  g_autoptr (GPtrArray) history = NULL;
  OknSyncReport report;

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.status_changes, ==, 2);
  okn_sync_report_clear (&report);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 2);
  g_assert_cmpuint (report.status_changes, ==, 0);
  okn_sync_report_clear (&report);

  again = okn_test_reload (store, record);
  g_assert_true (set_status (server, again->server_id, "closed", "Wywieziono 12 m³ gruzu"));
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 2);
  g_assert_cmpuint (report.status_changes, ==, 1);
  okn_sync_report_clear (&report);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (store, record);
  g_assert_cmpstr (again->server_status, ==, "closed");
  g_assert_cmpstr (again->server_status_notes, ==, "Wywieziono 12 m³ gruzu");
  history = okn_store_status_history (store, again->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 1);
  g_assert_cmpuint (report.status_changes, ==, 0);
  okn_sync_report_clear (&report);
}

/* A failed assertion must not leave a sync running for ever. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Returns: (transfer full): `okienkoctl sync @mode` running, its output
 *   silenced; it dies with the test */
GSubprocess *
okn_test_start_sync (const char *db,
                     const char *config,
                     const char *mode)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, okn_test_ctl_path (), "--db", db, "--config", config,
                                      "sync", mode, NULL);
  g_assert_no_error (error);
  return proc;
}

/* @data: a gboolean in an atomic rc box: a wait that timed out leaves its
 * callback pending, which must not write to a stack that is gone. */
static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
  g_atomic_rc_box_release (done);
}

/* Waits for @proc to end, at most @timeout_us; returns whether it did. */
gboolean
okn_test_wait_exit (GSubprocess *proc,
                    gint64       timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean *done = g_atomic_rc_box_new0 (gboolean);
  gboolean exited;

  g_subprocess_wait_async (proc, NULL, on_exited, g_atomic_rc_box_acquire (done));
  while (!*done && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2 * 1000);
  exited = *done;
  g_atomic_rc_box_release (done);
  return exited;
}
