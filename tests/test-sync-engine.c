/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-engine.c: the sync engine against an in-memory back end
 *
 * The engine's promises (exactly once, a search before any repeat, tokens,
 * statuses, refusals, a refused key stopping the run, one kind waiting
 * without blocking another) are kept through the OknBackend interface
 * alone: here the server is OknTestBackend, no HTTP, no Open311. The same
 * promises against the loopback Open311 server are in test-sync.c.
 */
#define G_LOG_DOMAIN "test-sync-engine"

#include "config.h"

#include <string.h>

#include "okienko/okn-sync.h"
#include "okn-test-backend.h"
#include "okn-test-common.h"
#include "okn-test-sql.h"
#include "okn-test-sync.h"

#define MAX_RUNS 60

typedef struct
{
  char *dir;
  OknConfig *config;
  OknStore *store;
  OknTestBackend *backend;
  OknSync *sync;
} Fixture;

/* A new engine in place of the fixture's, as the next okienkoctl sync
 * would start: it reads the configuration and the back end again. */
static void
restart_sync (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->sync, okn_sync_free);
  f->sync = okn_sync_new_for_backend (f->store, f->config, OKN_BACKEND (f->backend), &error);
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *conf = NULL;

  f->dir = okn_test_make_tmpdir ();
  conf = g_build_filename (f->dir, "okienko.conf", NULL);
  f->config = okn_config_new (conf);
  /* The shortest backoff there is: retries within a second. */
  okn_test_config_set (f->config, "sync.backoff_base_seconds", "1");
  okn_test_config_set (f->config, "sync.backoff_cap_seconds", "1");
  f->store = okn_test_open_store (f->dir, "K03");
  f->backend = okn_test_backend_new ();
  restart_sync (f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->sync, okn_sync_free);
  g_clear_object (&f->backend);
  g_clear_pointer (&f->store, okn_store_close);
  g_clear_pointer (&f->config, okn_config_free);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
}

static OknTestBackendCounters
counters (Fixture *f)
{
  OknTestBackendCounters c;

  okn_test_backend_get_counters (f->backend, &c);
  return c;
}

/* The catalogue the engine cached in the store has @n services. */
static void
assert_services_cached (Fixture *f,
                        guint    n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) services = okn_store_list_services (f->store, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (services->len, ==, n);
}

/* Every record is synced, on the back end exactly once, with the case
 * number the back end gave its ticket. */
static void
assert_each_once (Fixture *f)
{
  okn_test_assert_each_once (f->store, (OknTestCasesFor) okn_test_backend_cases_for,
                             (OknTestCaseOf) okn_test_backend_case_of, f->backend);
}

/* ---- the tests ------------------------------------------------------------------- */

/* Records go, each with its case number; the engine (not the back end)
 * caches the catalogue and hands it back. */
static void
test_push (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (OknRecord) letter = okn_test_add_letter (f->store, "Jan Kowalski", "Wniosek o wycinkę drzewa");
  g_autofree char *fetched_at = NULL;
  OknSyncReport report;

  okn_test_add_reports (f->store, 5);
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 6);
  g_assert_true (report.catalogue_refreshed);
  g_assert_cmpuint (report.services, ==, 3);
  g_assert_cmpint (report.waiting, ==, 0);
  okn_sync_report_clear (&report);
  assert_each_once (f);

  assert_services_cached (f, 3);
  fetched_at = okn_store_get_meta (f->store, "catalogue.fetched_at");
  g_assert_nonnull (fetched_at);
  g_assert_cmpuint (counters (f).catalogues_set, ==, 1);

  /* Nothing left: nothing pushed, the catalogue fresh. */
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_false (report.catalogue_refreshed);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 6);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_CATALOGUE], ==, 1);
}

/* A catalogue that cannot be fetched does not stop the push, and a new
 * engine hands the cached one to its back end. */
static void
test_catalogue_failed (Fixture       *f,
                       gconstpointer  data)
{
  OknSyncReport report;

  okn_test_add_reports (f->store, 2);
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_CATALOGUE, OKN_BACKEND_ERROR_TRANSIENT, 1, FALSE);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_false (report.catalogue_refreshed);
  g_assert_cmpuint (report.sent, ==, 2);
  okn_sync_report_clear (&report);
  assert_services_cached (f, 0);

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_true (report.catalogue_refreshed);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).catalogues_set, ==, 1);

  restart_sync (f);
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_false (report.catalogue_refreshed);
  okn_sync_report_clear (&report);
  /* The cache, stale or not, reached the back end. */
  g_assert_cmpuint (counters (f).catalogues_set, ==, 2);
}

/* A push whose answer was lost (the case was made) is found by a search
 * before it is ever pushed again; while the search fails, it is not
 * pushed at all. */
static void
test_adopt_before_repeat (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_report (f->store, "dumping", "Porzucony samochód");
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, 1, TRUE);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (report.retried, ==, 1);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).created, ==, 1);

  /* The search fails (three tries in a run): the record waits, unpushed. */
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_SEARCH, OKN_BACKEND_ERROR_TRANSIENT, 3, FALSE);
  g_usleep (1100 * 1000);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (report.sent + report.adopted, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_SEARCH], ==, 3);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 1);
  g_assert_cmpint (okn_test_count_state (f->store, OKN_SYNC_QUEUED), ==, 1);

  okn_test_drain (f->store, f->sync, MAX_RUNS);
  again = okn_test_reload (f->store, r);
  g_assert_true (okn_test_audit_has (f->store, again->id, NULL, "\"adopted\":true"));
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 1);
  g_assert_cmpuint (counters (f).created, ==, 1);
  assert_each_once (f);
}

/* A batch that takes longer than the backoff (a slow server): the first
 * call of the progress function, after the probe, sleeps past it. */
static void
slow_first_batch (guint    done,
                  guint    total,
                  gpointer user_data)
{
  gboolean *slept = user_data;

  if (!*slept)
    g_usleep (1100 * 1000);
  *slept = TRUE;
}

/* A run tries each record once: one that failed waits for the next run,
 * however short its backoff and however long the run goes on. */
static void
test_once_a_run (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (OknRecord) first = okn_test_add_report (f->store, "dumping", "Porzucony samochód");
  g_autoptr (OknRecord) second = okn_test_add_report (f->store, "pothole", "Dziura przy przejściu");
  g_autoptr (OknRecord) waiting = NULL;
  gboolean slept = FALSE;
  OknSyncReport report;

  okn_sync_set_progress_func (f->sync, slow_first_batch, &slept);
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_TRANSIENT, 1, FALSE);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_true (slept);
  g_assert_cmpuint (report.retried, ==, 1);
  g_assert_cmpuint (report.sent, ==, 1);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 2);
  waiting = okn_test_reload (f->store, first);
  g_assert_cmpint (waiting->sync_state, ==, OKN_SYNC_QUEUED);

  okn_test_drain (f->store, f->sync, MAX_RUNS);
  assert_each_once (f);
}

/* A lost answer of a push that made nothing: the search finds nothing and
 * the record is pushed again, once. */
static void
test_unknown_not_made (Fixture       *f,
                       gconstpointer  data)
{

  okn_test_add_reports (f->store, 3);
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, 1, FALSE);
  okn_test_drain (f->store, f->sync, MAX_RUNS);
  assert_each_once (f);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 4);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_SEARCH], >=, 1);
}

/* A third of all pushes fail at random (not processed; or lost, with or
 * without the case made), the back end ignores idempotency keys: every
 * record still ends up there exactly once, with its case number. */
static void
test_exactly_once (Fixture       *f,
                   gconstpointer  data)
{
  OknTestBackendCounters c;
  guint runs;

  okn_test_config_set (f->config, "sync.batch_size", "7");
  restart_sync (f);
  okn_test_add_reports (f->store, 40);
  for (guint i = 0; i < 5; i++)
    okn_record_free (okn_test_add_letter (f->store, "Jan Kowalski", "Wniosek o wycinkę drzewa"));
  okn_test_backend_chaos (f->backend, 0.33, 20261201);
  runs = okn_test_drain (f->store, f->sync, MAX_RUNS);
  assert_each_once (f);
  c = counters (f);
  g_test_message ("%u runs, %u pushes, %u searches for 45 records", runs, c.calls[OKN_TEST_CALL_PUSH],
                  c.calls[OKN_TEST_CALL_SEARCH]);
  g_assert_cmpuint (c.created, ==, 45);
  /* The chaos did hit: repeats and searches happened. */
  g_assert_cmpuint (c.calls[OKN_TEST_CALL_PUSH], >, 45);
  g_assert_cmpuint (c.calls[OKN_TEST_CALL_SEARCH], >, 0);
}

/* Tokens: awaiting an id, then resolved to the case's number. */
static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_report (f->store, "dumping", "Opony w lesie");

  okn_test_add_reports (f->store, 2);
  okn_test_backend_answer_tokens (f->backend, 2);
  okn_test_check_tokens (f->store, f->sync, r, 3);
  assert_each_once (f);
}

/* Statuses: the first pull gives each case its status; a change on the
 * server lands in the record and its history, nothing else changes. */
static void
test_statuses (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_report (f->store, "dumping", "Gruz przy torach");
  g_autoptr (OknRecord) other = okn_test_add_report (f->store, "dumping", "Meble na chodniku");

  okn_test_check_statuses (f->store, f->sync, r, (OknTestSetStatus) okn_test_backend_set_status, f->backend);
}

/* Whatever a server calls its cases, a case number no real system issues
 * (longer than 255 bytes, with a control character, a line break or a bidi
 * override, not UTF-8, empty) is not kept, whether it came with the push,
 * for a token or from a search after a lost answer: the record is sent
 * (the server has the case) and never pushed again, says why, and the
 * other cases' statuses are pulled as usual. 255 bytes are kept. */
static void
test_unusable_case_id (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *longest = g_strnfill (255, '7');
  g_autofree char *too_long = g_strnfill (256, '7');
  const char *const bad[] = { too_long, "12\xe2\x80\xae" "34", "12\n34", "12\x1b[2J", "12\xff" "34", "" };
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  OknSyncReport report;
  guint pushes;

  /* Pushed: each of the bad ids, the longest usable one, and T-<n>. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    okn_test_backend_add_case_id (f->backend, bad[i]);
  okn_test_backend_add_case_id (f->backend, longest);
  for (guint i = 0; i < G_N_ELEMENTS (bad) + 2; i++)
    g_ptr_array_add (records, okn_test_add_report (f->store, "dumping", "Gruz przy torach"));
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, records->len);
  okn_sync_report_clear (&report);

  /* A lost answer, found by the search under a bad id. */
  okn_test_backend_add_case_id (f->backend, too_long);
  g_ptr_array_add (records, okn_test_add_report (f->store, "dumping", "Meble na chodniku"));
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, 1, TRUE);
  okn_test_drain (f->store, f->sync, MAX_RUNS);
  g_assert_true (okn_test_audit_has (f->store, ((OknRecord *) g_ptr_array_index (records, records->len - 1))->id,
                                     NULL, "\"adopted\":true"));

  /* A token resolved to a bad id. */
  okn_test_backend_answer_tokens (f->backend, 1);
  okn_test_backend_add_case_id (f->backend, "12\r34");
  g_ptr_array_add (records, okn_test_add_report (f->store, "dumping", "Opony w lesie"));
  okn_test_drain (f->store, f->sync, MAX_RUNS);

  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr (OknRecord) r = okn_test_reload (f->store, g_ptr_array_index (records, i));
      g_autofree char *id = okn_test_backend_case_of (f->backend, r->ticket);

      g_assert_cmpuint (okn_test_backend_cases_for (f->backend, r->ticket), ==, 1);
      g_assert_cmpint (r->sync_state, ==, OKN_SYNC_SYNCED);
      if (g_str_equal (id, longest) || g_str_has_prefix (id, "T-"))
        {
          g_assert_cmpstr (r->server_id, ==, id);
          g_assert_null (r->server_error);
          continue;
        }
      g_test_message ("%s: %s", r->ticket, r->server_error);
      g_assert_null (r->server_id);
      g_assert_nonnull (r->server_error);
      g_assert_nonnull (strstr (r->server_error, "cannot be used"));
      g_assert_nonnull (strstr (r->server_error, r->ticket));
      g_assert_true (okn_text_is_display_safe (r->server_error));
    }

  /* Statuses of the kept cases are pulled; nothing is pushed again. */
  pushes = counters (f).calls[OKN_TEST_CALL_PUSH];
  okn_test_backend_set_status (f->backend, longest, "closed", "Wywieziono.");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.status_changes, >=, 1);
  okn_sync_report_clear (&report);
  g_assert_cmpint (okn_test_sql_int (okn_store_get_path (f->store),
                                     "SELECT count(*) FROM records WHERE server_status = 'closed'"), ==, 1);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, pushes);
}

/* A refused record needs attention with the server's words; the others
 * go; it is not tried again. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_report (f->store, "pothole", "Dziura na pasie");
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_add_reports (f->store, 2);
  okn_test_backend_refuse_scope (f->backend, "pothole", "attribute[lane]: a value is required\nBad Request");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.refused, ==, 1);
  g_assert_cmpuint (report.sent, ==, 2);
  g_assert_nonnull (report.refusals);
  g_assert_cmpuint (report.refusals->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (report.refusals, 0), r->ticket));
  g_assert_nonnull (strstr (g_ptr_array_index (report.refusals, 0), "attribute[lane]: a value is required; Bad Request"));
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  g_assert_cmpstr (again->server_error, ==, "attribute[lane]: a value is required\nBad Request");

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent + report.refused, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 3);
}

/* A refused key stops the run at its one-record probe: nothing else is
 * asked, every record stays queued; fixed, everything goes. */
static void
test_auth_stops (Fixture       *f,
                 gconstpointer  data)
{
  OknTestBackendCounters c;
  OknSyncReport report;

  okn_test_add_reports (f->store, 20);
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_AUTH, G_MAXUINT, FALSE);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_CONFIG);
  g_assert_nonnull (strstr (report.last_error, "push failed"));
  okn_sync_report_clear (&report);
  c = counters (f);
  g_assert_cmpuint (c.calls[OKN_TEST_CALL_PUSH], ==, 1);
  g_assert_cmpuint (c.calls[OKN_TEST_CALL_RESOLVE] + c.calls[OKN_TEST_CALL_PULL] + c.calls[OKN_TEST_CALL_SEARCH], ==, 0);
  g_assert_cmpint (okn_test_count_state (f->store, OKN_SYNC_QUEUED), ==, 20);

  /* The same the next run: one probe. */
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_CONFIG);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 2);

  /* Released, not retried: due at once when the key is fixed. */
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_AUTH, 0, FALSE);
  okn_test_sync_run_sends (f->sync, OKN_TEST_SYNC_OK, 20);
  assert_each_once (f);
}

#define LETTERS_BLOCKED "letters cannot go: a setting is missing"

/* A letter queued with @reports reports beside it, over a back end that
 * cannot send letters (LETTERS_BLOCKED), and an engine made anew so that
 * it reads that: the letter. */
static OknRecord *
queue_blocked_letter (Fixture *f,
                      guint    reports)
{
  OknRecord *letter = okn_test_add_letter (f->store, "Jan Kowalski", "Wniosek o wycinkę drzewa");

  okn_test_add_reports (f->store, reports);
  okn_test_backend_block_kind (f->backend, OKN_KIND_LETTER, LETTERS_BLOCKED);
  restart_sync (f);
  return letter;
}

/* A kind the back end cannot send waits, with its reason as the run's
 * error; the other kind goes, this run and every run. */
static void
test_kind_blocked (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (OknRecord) letter = queue_blocked_letter (f, 3);
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_CONFIG);
  g_assert_cmpuint (report.sent, ==, 3);
  g_assert_cmpstr (report.last_error, ==, LETTERS_BLOCKED);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->store, letter);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_QUEUED);

  okn_test_add_reports (f->store, 2);
  okn_test_sync_run_sends (f->sync, OKN_SYNC_ERROR_CONFIG, 2);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, 5);

  /* Unblocked (a new engine reads it again): the letter goes. */
  okn_test_backend_block_kind (f->backend, OKN_KIND_LETTER, NULL);
  restart_sync (f);
  okn_test_sync_run_sends (f->sync, OKN_TEST_SYNC_OK, 1);
  assert_each_once (f);
}

/* A run that asks the server nothing (every record waits for a retry
 * after a failure) is no news about the server: the failure stays the
 * current state. Before, "Sync now" pressed again at the desk said
 * "synced" while the server was still down and nothing had gone. */
static void
test_idle_run_keeps_error (Fixture       *f,
                           gconstpointer  data)
{
  OknSyncReport report;
  g_autofree char *error_text = NULL;
  g_autofree char *success_at = NULL;
  guint pushed;

  okn_test_add_reports (f->store, 2);
  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_TRANSIENT, G_MAXUINT, FALSE);
  /* Retry-After: an hour, so the next run finds nothing due. */
  okn_test_backend_set_retry_after (f->backend, 3600);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  okn_sync_report_clear (&report);
  pushed = counters (f).calls[OKN_TEST_CALL_PUSH];

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpint (report.waiting, ==, 2);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).calls[OKN_TEST_CALL_PUSH], ==, pushed);
  error_text = okn_store_get_meta (f->store, "sync.last_error");
  success_at = okn_store_get_meta (f->store, "sync.last_success_at");
  g_assert_nonnull (error_text);
  g_assert_null (success_at);
}

/* The server unreachable is the news of a run, before a kind that waits
 * for a setting: that one's words end "Reports are sent as usual", which
 * is not so while nothing answers. */
static void
test_network_before_blocked (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (OknRecord) letter = queue_blocked_letter (f, 2);
  g_autofree char *stored = NULL;
  OknSyncReport report;

  okn_test_backend_fail (f->backend, OKN_TEST_CALL_PUSH, OKN_BACKEND_ERROR_TRANSIENT, G_MAXUINT, FALSE);
  okn_test_sync_run (f->sync, &report, OKN_SYNC_ERROR_NETWORK);
  okn_sync_report_clear (&report);
  stored = okn_store_get_meta (f->store, "sync.last_error");
  g_assert_nonnull (stored);
  g_assert_null (strstr (stored, "letters cannot go"));
}

/* okn_sync_stop() in the middle of a batch: the record being pushed
 * finishes, the rest of the batch is not pushed and goes back to the
 * queue as it was (no attempt counted); nothing is left sending. */
static void
test_stopped (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  OknSyncReport report;

  okn_test_add_reports (f->store, 10);
  /* The probe, then two records of the next batch. */
  okn_test_backend_stop_after (f->backend, f->sync, 3);
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 3);
  g_assert_cmpuint (report.retried, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (counters (f).created, ==, 3);
  g_assert_cmpint (okn_test_count_state (f->store, OKN_SYNC_SENDING), ==, 0);
  g_assert_cmpint (okn_test_count_state (f->store, OKN_SYNC_QUEUED), ==, 7);
  okn_test_backend_stop_after (f->backend, NULL, 0);

  /* Due at once, never tried. */
  claimed = okn_store_outbox_claim (f->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 7);
  for (guint i = 0; i < claimed->len; i++)
    g_assert_cmpuint (((OknOutboxItem *) g_ptr_array_index (claimed, i))->attempts, ==, 1);
  restart_sync (f);
  okn_test_drain (f->store, f->sync, MAX_RUNS);
  assert_each_once (f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/sync-engine/push", test_push);
  ADD ("/sync-engine/catalogue-failed", test_catalogue_failed);
  ADD ("/sync-engine/adopt-before-repeat", test_adopt_before_repeat);
  ADD ("/sync-engine/once-a-run", test_once_a_run);
  ADD ("/sync-engine/unknown-not-made", test_unknown_not_made);
  ADD ("/sync-engine/exactly-once", test_exactly_once);
  ADD ("/sync-engine/tokens", test_tokens);
  ADD ("/sync-engine/statuses", test_statuses);
  ADD ("/sync-engine/unusable-case-id", test_unusable_case_id);
  ADD ("/sync-engine/refused", test_refused);
  ADD ("/sync-engine/auth-stops", test_auth_stops);
  ADD ("/sync-engine/kind-blocked", test_kind_blocked);
  ADD ("/sync-engine/stopped", test_stopped);
  ADD ("/sync-engine/idle-run-keeps-error", test_idle_run_keeps_error);
  ADD ("/sync-engine/network-before-blocked", test_network_before_blocked);
#undef ADD
  return g_test_run ();
}
