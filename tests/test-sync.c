/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync.c: the sync engine and okienkoctl sync against the loopback
 * Open311 server
 *
 * Every test starts its own server on an ephemeral 127.0.0.1 port and a
 * fresh database; where the command line is the subject, okienkoctl runs as
 * a real process.
 */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "okienko/okn-sync.h"
#include "okn-test-common.h"
#include "okn-test-sql.h"
#include "okn-test-open311.h"
#include "okn-test-sync.h"

#define API_KEY     "sync-KLUCZ-7f3a/+="
#define WAIT_LIMIT  (30 * G_TIME_SPAN_SECOND)

typedef struct
{
  OknOpen311Server *server;
  OknTestStation station;
  OknSync *sync;       /* setup_report(): an engine, */
  OknRecord *report;   /* and one report in its queue */
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  f->server = okn_test_open311_start (API_KEY);
  okn_test_server_set (f->server, "retry_after", "1");
  okn_test_open311_station_init (&f->station, "K03", f->server, API_KEY);
  okn_test_config_set (f->station.config, "office.address", "ul. Piotrkowska 104, Łódź");
  okn_test_config_set (f->station.config, "sync.backoff_base_seconds", "1");
  okn_test_config_set (f->station.config, "sync.backoff_cap_seconds", "2");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->sync, okn_sync_free);
  g_clear_pointer (&f->report, okn_record_free);
  okn_test_station_clear (&f->station);
  g_clear_pointer (&f->server, okn_open311_server_free);
}

/* Every record of the store is on the server exactly once. */
static void
assert_each_once (Fixture *f)
{
  okn_test_assert_each_once (f->station.store, (OknTestCasesFor) okn_test_server_cases_for, NULL, f->server);
}

static OknSync *
new_sync (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  OknSync *sync;

  /* The engine reads the configuration when made: reload what was saved. */
  g_clear_pointer (&f->station.config, okn_config_free);
  f->station.config = okn_config_load (f->station.conf, &error);
  g_assert_no_error (error);
  sync = okn_sync_new (f->station.store, f->station.config, &error);
  g_assert_no_error (error);
  return sync;
}

/* setup(), then the engine and one report queued: what the tests of a
 * case's statuses start from. */
static void
setup_report (Fixture       *f,
              gconstpointer  data)
{
  setup (f, data);
  f->sync = new_sync (f);
  f->report = okn_test_add_report (f->station.store, "dumping", "Gruz przy torach");
}

/* `okienkoctl sync --once` on the station's database; @out and @err (if
 * not NULL) are replaced with what it wrote. Returns: its exit code */
static int
ctl_sync_once (Fixture  *f,
               char    **out,
               char    **err)
{
  if (out)
    g_clear_pointer (out, g_free);
  if (err)
    g_clear_pointer (err, g_free);
  return okn_test_run_ctl (f->station.db, f->station.conf, NULL, out, err, "sync", "--once", NULL);
}

/* `okienkoctl sync --once` succeeds, and the server has created @created
 * cases in all. */
static void
assert_ctl_sync_creates (Fixture *f,
                         guint    created)
{
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 0);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, created);
}

/* `okienkoctl sync --once` succeeds and the queue is empty: all @synced
 * records synced, each on the server exactly once. */
static void
assert_ctl_sync_all (Fixture *f,
                     int      synced)
{
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 0);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, synced);
  assert_each_once (f);
}

/* `okienkoctl status --json`, which must succeed with JSON; @out is
 * replaced with its text. Returns: (transfer full): the answer parsed */
static JsonNode *
ctl_status_json (Fixture  *f,
                 char    **out)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  g_clear_pointer (out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, out, NULL, "status", "--json", NULL), ==, 0);
  root = json_from_string (*out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (root);
  return root;
}

/* ---- a setting that stops the sync ------------------------------------------ */

/* The run's error says which setting as data; the message names its key,
 * what went wrong names none, and a front end's own name replaces it
 * whole. */
static void
assert_setting_fix (const GError     *error,
                    OknSettingAction  action,
                    const char       *key,
                    const char       *also)
{
  const OknSettingFix *fix = okn_sync_error_get_setting_fix (error);
  g_autofree char *message = NULL;
  g_autofree char *named = NULL;

  g_assert_nonnull (fix);
  g_assert_cmpint (fix->action, ==, action);
  g_assert_cmpstr (fix->key, ==, key);
  g_assert_cmpstr (fix->also, ==, also);
  g_assert_null (strstr (fix->what, "server."));
  g_assert_null (strstr (fix->what, "letters."));
  message = okn_setting_fix_describe (fix, NULL, NULL);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_nonnull (strstr (error->message, key));
  named = okn_setting_fix_describe (fix, "“Pole”", also ? "“Drugie”" : NULL);
  g_assert_null (strstr (named, key));
  g_assert_true (g_str_has_prefix (named, fix->what));
  g_assert_nonnull (strstr (named, "“Pole”"));
}

static void
run_fails_on_setting (Fixture          *f,
                      OknSettingAction  action,
                      const char       *key,
                      const char       *also)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (GError) error = NULL;
  OknSyncReport report;

  g_assert_false (okn_sync_run_once (sync, &report, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_CONFIG);
  assert_setting_fix (error, action, key, also);
  okn_sync_report_clear (&report);
}

static void
test_setting_as_data (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (OknRecord) letter = NULL;
  g_autofree char *url = okn_open311_server_get_url (f->server);
  g_autofree char *typo = g_strdup_printf ("%.*s/v3/", (int) (strstr (url, "/v2/") - url), url);
  g_autofree char *err = NULL;

  okn_test_add_reports (f->station.store, 2);
  letter = okn_test_add_letter (f->station.store, "Jan Kowalski", "Wniosek");

  /* No API key: set it. okienkoctl names the key and the command. */
  okn_test_config_unset (f->station.config, "server.api_key");
  okn_test_config_unset (f->station.config, "letters.service_code");
  run_fails_on_setting (f, OKN_SETTING_SET, "server.api_key", NULL);
  g_assert_cmpint (ctl_sync_once (f, NULL, &err), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "Set server.api_key (okienkoctl config set server.api_key -)."));

  /* A key the server refuses: check it. */
  okn_test_config_set (f->station.config, "server.api_key", "not-the-key");
  run_fails_on_setting (f, OKN_SETTING_CHECK, "server.api_key", NULL);

  /* An address that leads to no Open311 endpoint: check it. */
  okn_test_config_set (f->station.config, "server.api_key", API_KEY);
  okn_test_config_set (f->station.config, "server.url", typo);
  run_fails_on_setting (f, OKN_SETTING_CHECK, "server.url", NULL);

  /* The reports go; the letter waits for its service code. */
  okn_test_config_set (f->station.config, "server.url", url);
  run_fails_on_setting (f, OKN_SETTING_SET, "letters.service_code", NULL);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 2);
  g_assert_cmpint (ctl_sync_once (f, NULL, &err), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "Set letters.service_code (okienkoctl config set letters.service_code VALUE)."));
}

/* ---- pushing ---------------------------------------------------------------- */

static void
test_push (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) letter = NULL;
  g_autoptr (OknRecord) light = okn_test_report ("streetlight", "Latarnia nie świeci", "ul. Zielona 7");
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_add_reports (f->station.store, 5);
  letter = okn_test_add_letter (f->station.store, "Jan Kowalski", "Wniosek o wycinkę drzewa");
  okn_record_add_attribute (light, "issues", "dark");
  okn_record_add_attribute (light, "issues", "flicker");
  okn_store_register (f->station.store, light, "test", &error);
  g_assert_no_error (error);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 7);
  g_assert_cmpuint (report.refused, ==, 0);
  g_assert_true (report.catalogue_refreshed);
  g_assert_cmpuint (report.services, ==, 4);
  g_assert_cmpint (report.waiting, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 7);
  assert_each_once (f);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 7);

  /* The case number is the server's, and the multi-value list arrived. */
  again = okn_test_reload (f->station.store, light);
  g_assert_nonnull (again->server_id);
  {
    g_autoptr (GPtrArray) list = okn_open311_server_list_requests (f->server);
    gboolean seen = FALSE;

    for (guint i = 0; i < list->len; i++)
      {
        OknOpen311StoredRequest *s = g_ptr_array_index (list, i);

        if (g_str_equal (s->id, again->server_id))
          {
            g_assert_cmpstr (s->service_code, ==, "streetlight");
            g_assert_cmpuint (s->attributes->len, >=, 2);
            g_assert_cmpstr (s->idempotency_key, ==, light->uuid);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }

  /* Nothing left: a second run posts nothing and the catalogue is fresh. */
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 0);
  g_assert_false (report.catalogue_refreshed);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 7);
}

/* With server.media_upload the outbox's records carry their files' bytes
 * to the POST (the store hands them out without), read a few records at
 * a time: here six records with a photo over two connections, and two
 * without. */
static void
test_push_media (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknSync) sync = NULL;
  g_autoptr (GPtrArray) list = NULL;
  OknSyncReport report;
  guint with_media = 0;

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (OknRecord) r = okn_test_report ("dumping", "Zdjęcie w załączniku", "ul. Zielona 7");
      g_autofree char *name = g_strdup_printf ("zdjecie-%u.jpg", i);
      g_autofree char *path = g_build_filename (f->station.dir, name, NULL);
      g_autofree char *bytes = g_strdup_printf ("\xff\xd8\xff\xe0 not really a jpeg %u", i);

      g_file_set_contents (path, bytes, -1, &error);
      g_assert_no_error (error);
      okn_record_add_file (r, path, &error);
      g_assert_no_error (error);
      okn_store_register (f->station.store, r, "test", &error);
      g_assert_no_error (error);
    }
  okn_test_add_reports (f->station.store, 2);
  okn_test_config_set (f->station.config, "server.media_upload", "true");
  okn_test_config_set (f->station.config, "server.parallel", "2");
  sync = new_sync (f);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 8);
  g_assert_cmpuint (report.refused, ==, 0);
  okn_sync_report_clear (&report);
  assert_each_once (f);
  list = okn_open311_server_list_requests (f->server);
  g_assert_cmpuint (list->len, ==, 8);
  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311StoredRequest *s = g_ptr_array_index (list, i);

      if (s->media->len == 0)
        continue;
      g_assert_cmpuint (s->media->len, ==, 1);
      g_assert_true (g_str_has_prefix (g_ptr_array_index (s->media, 0), "zdjecie-"));
      with_media++;
    }
  g_assert_cmpuint (with_media, ==, 6);
}

/* A stale catalogue that cannot be fetched again still tells the client
 * which attributes are lists: one chosen value of a multivaluelist goes as
 * attribute[code][], or the server refuses it. */
static void
test_push_stale_catalogue (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknSync) sync = NULL;
  g_autoptr (OknRecord) light = okn_test_report ("streetlight", "Latarnia nie świeci", "ul. Zielona 7");
  OknSyncReport report;

  g_assert_true (okn_sync_fetch_catalogue (f->station.store, f->station.config, NULL, &error));
  g_assert_no_error (error);
  okn_store_set_meta (f->station.store, "catalogue.fetched_at", "2020-01-01T00:00:00Z", &error);
  g_assert_no_error (error);
  okn_record_add_attribute (light, "issues", "dark");
  okn_store_register (f->station.store, light, "test", &error);
  g_assert_no_error (error);
  /* The catalogue's GET fails; the POST after it goes through. */
  okn_test_server_set (f->server, "fault", "503");
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_test_server_set (f->server, "fault_count", "1");
  sync = new_sync (f);

  okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_false (report.catalogue_refreshed);
  g_assert_cmpuint (report.refused, ==, 0);
  g_assert_cmpuint (report.sent, ==, 1);
  okn_sync_report_clear (&report);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 1);
}

/* A server whose services.json comes back empty for a while (its back
 * end lost the catalogue) must not empty the station's: the kiosk would
 * offer residents no category at all. The run says so; reports still go. */
static void
test_empty_catalogue_kept (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknSync) sync = NULL;
  g_autoptr (GPtrArray) services = NULL;
  OknSyncReport report;

  g_assert_true (okn_sync_fetch_catalogue (f->station.store, f->station.config, NULL, &error));
  g_assert_no_error (error);
  okn_store_set_meta (f->station.store, "catalogue.fetched_at", "2020-01-01T00:00:00Z", &error);
  g_assert_no_error (error);
  okn_test_add_reports (f->station.store, 1);
  okn_test_server_set (f->server, "no_services", "true");
  sync = new_sync (f);

  okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_false (report.catalogue_refreshed);
  g_assert_cmpuint (report.sent, ==, 1);
  okn_sync_report_clear (&report);
  services = okn_store_list_services (f->station.store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (services->len, ==, 4);
}

static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (OknRecord) r = NULL;

  /* The server assigns ids after its second poll of a token. */
  okn_test_server_set (f->server, "tokens", "2");
  okn_test_add_reports (f->station.store, 3);
  r = okn_test_add_report (f->station.store, "dumping", "Opony w lesie");
  okn_test_check_tokens (f->station.store, sync, r, 4);
  assert_each_once (f);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 4);
}

static void
test_statuses (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (OknRecord) other = okn_test_add_report (f->station.store, "dumping", "Meble na chodniku");

  okn_test_check_statuses (f->station.store, f->sync, f->report, (OknTestSetStatus) okn_open311_server_set_status,
                           f->server);
}

static void
test_refused_then_corrected (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura na pasie", "al. Kościuszki 1");
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  /* "lane" is required by the server's definition and missing here. */
  okn_record_add_attribute (r, "depth", "12");
  okn_store_register (f->station.store, r, "test", &error);
  g_assert_no_error (error);
  okn_test_add_reports (f->station.store, 2);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.refused, ==, 1);
  g_assert_cmpuint (report.sent, ==, 2);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  /* The server's own words, for the clerk. */
  g_assert_nonnull (again->server_error);
  g_assert_nonnull (strstr (again->server_error, "lane"));
  g_assert_nonnull (strstr (again->server_error, "required"));

  /* Refused for good: not retried. */
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent + report.refused, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 3);

  /* The clerk corrects it: queued again, then sent. */
  okn_record_add_attribute (again, "lane", "left");
  okn_store_update (f->station.store, again, "clerk", &error);
  g_assert_no_error (error);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_QUEUED);
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 1);
  okn_sync_report_clear (&report);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  assert_each_once (f);
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) first = okn_test_add_report (f->station.store, "dumping", "Pierwszy");
  OknSyncReport report;
  gint64 before, due;
  guint posts;

  okn_test_add_reports (f->station.store, 4);
  /* Retry-After (3 s) is longer than the backoff cap (2 s): it wins. */
  okn_test_server_set (f->server, "retry_after", "3");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_429, 1);
  before = g_get_real_time ();
  okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (report.retried, ==, 1);
  g_assert_cmpuint (report.sent, ==, 4);
  okn_sync_report_clear (&report);
  due = okn_store_outbox_next_due_us (f->station.store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (due, >=, before + 3 * G_TIME_SPAN_SECOND);
  {
    g_autoptr (OknRecord) again = okn_test_reload (f->station.store, first);

    g_assert_cmpint (again->sync_state, ==, OKN_SYNC_QUEUED);
  }
  /* Not due yet: a run now does not post it. */
  posts = okn_test_server_counters (f->server).posts;
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, posts);

  okn_test_drain (f->station.store, sync, 40);
  assert_each_once (f);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, posts + 1);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 5);
}

/* 500, 503, a garbage or truncated answer, a 409 for a copy in progress:
 * retried with backoff until sent, one case each, whether the server
 * honours the key or not. */
static void
test_transient (Fixture       *f,
                gconstpointer  data)
{
  const OknOpen311Fault faults[] = {
    OKN_OPEN311_FAULT_500, OKN_OPEN311_FAULT_503, OKN_OPEN311_FAULT_GARBAGE,
    OKN_OPEN311_FAULT_TRUNCATED, OKN_OPEN311_FAULT_DROP, OKN_OPEN311_FAULT_409,
  };
  g_autoptr (OknSync) sync = NULL;

  okn_test_config_set (f->station.config, "sync.batch_size", "3");
  sync = new_sync (f);
  okn_test_server_set (f->server, "idempotency", GPOINTER_TO_INT (data) ? "honour" : "ignore");
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      OknSyncReport report;

      okn_test_add_reports (f->station.store, 4);
      okn_open311_server_set_fault (f->server, faults[i], 2);
      okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
      g_assert_cmpuint (report.retried, >=, 1);
      g_test_message ("fault %s: sent %u, retried %u", okn_open311_fault_to_string (faults[i]),
                      report.sent, report.retried);
      okn_sync_report_clear (&report);
      okn_test_drain (f->station.store, sync, 40);
      assert_each_once (f);
    }
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 4 * G_N_ELEMENTS (faults));
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 4 * G_N_ELEMENTS (faults));
}

/* What a sync that died after its POST reached the server did: claimed
 * @r and posted it. */
static void
post_as_dead_sync (Fixture   *f,
                   OknRecord *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = okn_store_outbox_claim (f->station.store, 10, &error);
  g_autoptr (OknOpen311Client) client = NULL;
  g_autoptr (OknOpen311Receipt) receipt = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 1);
  client = okn_open311_client_new (f->station.config, &error);
  g_assert_no_error (error);
  receipt = okn_open311_client_post (client, r, &error);
  g_assert_no_error (error);
}

/* Runs @sync until nothing waits: @r, the only record, ends synced as the
 * one case on the server, posted once (found by its marker, not posted
 * again). Returns: (transfer full): @r as stored now */
static OknRecord *
drain_to_one_case (Fixture   *f,
                   OknSync   *sync,
                   OknRecord *r)
{
  OknRecord *again;

  okn_test_drain (f->station.store, sync, 40);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_cmpuint (okn_test_server_cases_for (f->server, r->ticket), ==, 1);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 1);
  return again;
}

/* The server stores the POST and drops the connection; it ignores the
 * Idempotency-Key, so only the marker search keeps the case single. */
static void
test_drop_adopt (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (OknRecord) r = okn_test_add_report (f->station.store, "dumping", "Porzucony samochód");
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_server_set (f->server, "idempotency", GPOINTER_TO_INT (data) ? "honour" : "ignore");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DROP, 1);
  okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
  g_assert_cmpuint (report.retried, ==, 1);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);

  again = drain_to_one_case (f, sync, r);
  g_assert_true (okn_test_audit_has (f->station.store, again->id, NULL, "\"adopted\":true"));
}

/* A sync killed after its POST reached the server: the record is recovered
 * with an unknown outcome and found by its marker, not posted again. */
static void
test_crash_honour_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_report (f->station.store, "dumping", "Kontener płonie");
  g_autoptr (OknRecord) again = NULL;
  g_autoptr (OknSync) sync = NULL;

  okn_test_server_set (f->server, "idempotency", "honour");
  /* What the dead sync did: claimed the record and posted it. */
  post_as_dead_sync (f, r);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);

  sync = new_sync (f);
  again = drain_to_one_case (f, sync, r);
}

/* The server answers a search with at most 1000 requests: a lost answer
 * among more than that is still found (the window is narrowed past the
 * full answer), so a server that ignores the key gets no second case. */
static void
test_adopt_beyond_cap (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (OknRecord) r = NULL;
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;
  guint posts;

  okn_test_server_set (f->server, "idempotency", "ignore");
  /* 1,100 cases over several seconds: a city's server does not take 1000
   * cases of one category within a second, and a window is never narrower
   * than one second. */
  for (guint i = 0; i < 5; i++)
    {
      okn_test_add_reports (f->station.store, 220);
      okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
      g_assert_cmpuint (report.sent, ==, 220);
      okn_sync_report_clear (&report);
      g_usleep (1100 * 1000);
    }

  /* A sync that died after its POST reached the server. */
  r = okn_test_add_report (f->station.store, "dumping", "Ostatnie zgłoszenie");
  post_as_dead_sync (f, r);
  posts = okn_test_server_counters (f->server).posts;
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1101);

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.adopted, ==, 1);
  g_assert_cmpuint (report.sent, ==, 0);
  okn_sync_report_clear (&report);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, posts);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1101);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_cmpuint (okn_test_server_cases_for (f->server, r->ticket), ==, 1);
}

/* ---- one sync per database ------------------------------------------------- */

static void
test_lock (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) other = okn_store_open (f->station.db, &error);
  g_autoptr (OknSync) second = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  g_assert_no_error (error);
  second = okn_sync_new (other, f->station.config, &error);
  g_assert_null (second);
  g_assert_error (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_LOCKED);
  g_clear_error (&error);

  okn_test_add_reports (f->station.store, 1);
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 4);
  g_assert_nonnull (strstr (err, "Another sync is running"));
  g_assert_cmpuint (okn_test_server_counters (f->server).requests, ==, 0);

  /* Released with the engine. */
  g_clear_pointer (&sync, okn_sync_free);
  assert_ctl_sync_creates (f, 1);
}

/* ---- the command line ------------------------------------------------------- */

static void
test_cli_once (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_test_add_reports (f->station.store, 3);
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (g_str_has_prefix (out, "sent 3"));
  g_assert_nonnull (strstr (out, "statuses:"));
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 3);

  /* The server down: exit 4, the records wait. */
  okn_test_add_reports (f->station.store, 2);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_503, 0);
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 4);
  g_assert_nonnull (strstr (out, "2 waiting for retry"));
  g_assert_nonnull (strstr (err, "503"));
  /* Down is down: two lone probes, not the whole queue. */
  g_assert_cmpuint (okn_test_server_counters (f->server).posts + okn_test_server_counters (f->server).faults, ==, 3 + 2);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
}

static void
test_cli_auth (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *status = NULL;
  OknOpen311ServerCounters c;
  int rc;

  okn_test_add_reports (f->station.store, 20);
  okn_test_server_set (f->server, "echo_api_key", "true");
  okn_test_server_set (f->server, "api_key", "the-right-key");
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 2);
  g_assert_nonnull (strstr (err, "HTTP 403"));
  g_assert_nonnull (strstr (err, "server.api_key"));
  g_assert_null (strstr (err, API_KEY));
  g_assert_null (strstr (out, API_KEY));
  /* One POST, then it stopped: no hammering. */
  c = okn_test_server_counters (f->server);
  g_assert_cmpuint (c.posts, ==, 1);
  g_assert_cmpuint (c.created, ==, 0);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), ==, 20);

  /* A second run: again one POST. */
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 2);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 2);

  /* status --json shows the error, never the key. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &status, NULL, "status", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_null (strstr (status, API_KEY));
  g_assert_nonnull (strstr (status, "server.api_key"));

  /* The key fixed: everything goes, with attempts not used up. */
  okn_test_server_set (f->server, "api_key", API_KEY);
  assert_ctl_sync_creates (f, 20);
}

static void
test_cli_status_json (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *url = okn_open311_server_get_url (f->server);
  JsonObject *o;
  int rc;

  okn_test_add_reports (f->station.store, 2);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 0);
  okn_test_add_reports (f->station.store, 1);
  root = ctl_status_json (f, &out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "server_url"), ==, url);
  g_assert_nonnull (json_object_get_string_member (o, "last_success_at"));
  g_assert_nonnull (json_object_get_string_member (o, "last_run_at"));
  g_assert_true (json_object_has_member (o, "last_error"));
  g_assert_true (json_object_has_member (o, "last_error_at"));
  g_assert_true (json_object_get_null_member (o, "last_error"));
  g_assert_cmpint (json_object_get_int_member (o, "oldest_queued_age_seconds"), >=, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "states"), "synced"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "states"), "queued"), ==, 1);
  g_assert_null (strstr (out, API_KEY));

  /* A failed run leaves its error and when. */
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_503, 0);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 4);
  g_clear_pointer (&root, json_node_unref);
  root = ctl_status_json (f, &out);
  o = json_node_get_object (root);
  g_assert_nonnull (strstr (json_object_get_string_member (o, "last_error"), "503"));
  g_assert_nonnull (json_object_get_string_member (o, "last_error_at"));
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
}

static void
test_cli_offline (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_test_config_unset (f->station.config, "server.url");
  okn_test_add_reports (f->station.store, 2);
  rc = ctl_sync_once (f, &out, &err);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "no server configured (server.url): working offline, 2 records wait"));
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), ==, 2);
  g_assert_cmpuint (okn_test_server_counters (f->server).requests, ==, 0);
}

static void
test_cli_services (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *list = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonArray *services;
  int rc;

  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "services", "refresh", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  root = json_from_string (out, NULL);
  g_assert_nonnull (root);
  services = json_object_get_array_member (json_node_get_object (root), "services");
  g_assert_cmpuint (json_array_get_length (services), ==, 4);
  g_assert_nonnull (json_object_get_string_member (json_node_get_object (root), "fetched_at"));

  /* Offline from the cache. */
  okn_open311_server_stop (f->server);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &list, NULL, "services", "list", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (list, "pothole"));
  g_assert_nonnull (strstr (list, "Dziura w jezdni"));
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, NULL, "services", "refresh", NULL);
  g_assert_cmpint (rc, ==, 4);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, NULL, "services", "bogus", NULL);
  g_assert_cmpint (rc, ==, 2);
}

/* ---- sync --watch ------------------------------------------------------------ */

static gboolean
wait_created (Fixture *f,
              guint    n)
{
  gint64 end = g_get_monotonic_time () + WAIT_LIMIT;

  while (g_get_monotonic_time () < end)
    {
      if (okn_test_server_counters (f->server).created >= n)
        return TRUE;
      g_usleep (20 * 1000);
    }
  return FALSE;
}

/* SIGTERM, then waits (bounded) for the exit; returns the exit status. */
static int
stop_watch (GSubprocess *proc)
{
  g_subprocess_send_signal (proc, SIGTERM);
  if (!okn_test_wait_exit (proc, WAIT_LIMIT))
    {
      g_subprocess_force_exit (proc);
      g_error ("sync --watch did not exit after SIGTERM");
    }
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

static void
test_watch (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (OknRecord) late = NULL;

  /* An hour's interval: only the new-record wake can explain a second
   * sync within the test's bounded wait. */
  okn_test_config_set (f->station.config, "sync.interval_seconds", "3600");
  okn_test_add_reports (f->station.store, 3);
  proc = okn_test_start_sync (f->station.db, f->station.conf, "--watch");
  g_assert_true (wait_created (f, 3));

  late = okn_test_add_report (f->station.store, "dumping", "Zgłoszone po starcie");
  g_assert_true (wait_created (f, 4));
  g_assert_cmpuint (okn_test_server_cases_for (f->server, late->ticket), ==, 1);

  g_assert_cmpint (stop_watch (proc), ==, 0);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SENDING), ==, 0);
  assert_each_once (f);
}

/* Queues @n reports behind a server that delays every answer by
 * @delay_ms, starts `okienkoctl sync @mode` and sends it SIGTERM once two
 * cases were created. Returns its exit status; @at_stop (if not NULL): the
 * cases created by then. */
static int
stop_while_busy (Fixture    *f,
                 const char *delay_ms,
                 guint       n,
                 const char *mode,
                 guint      *at_stop)
{
  g_autoptr (GSubprocess) proc = NULL;

  okn_test_server_set (f->server, "delay_ms", delay_ms);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DELAY, 0);
  okn_test_add_reports (f->station.store, n);
  proc = okn_test_start_sync (f->station.db, f->station.conf, mode);
  g_assert_true (wait_created (f, 2));
  if (at_stop)
    *at_stop = okn_test_server_counters (f->server).created;
  return stop_watch (proc);
}

/* After a stop: nothing is left sending, every case the server created is
 * synced here, and the rest waits in the queue. */
static void
assert_stopped_cleanly (Fixture *f,
                        guint    n)
{
  guint created = okn_test_server_counters (f->server).created;

  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SENDING), ==, 0);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, created);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), ==, n - created);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), >, 0);
}

static void
test_watch_sigterm_busy (Fixture       *f,
                         gconstpointer  data)
{
  /* SIGTERM while requests are in flight (each answer is delayed): the
   * batch finishes, nothing is left sending, exit 0. */
  okn_test_config_set (f->station.config, "sync.batch_size", "5");
  g_assert_cmpint (stop_while_busy (f, "100", 200, "--watch", NULL), ==, 0);
  assert_stopped_cleanly (f, 200);
}

/* SIGTERM in the middle of a large batch over one slow connection: the
 * request in flight finishes, the rest of the batch is not sent and goes
 * back to the queue as it was. */
static void
test_watch_sigterm_batch (Fixture       *f,
                          gconstpointer  data)
{
  guint at_stop;

  okn_test_config_set (f->station.config, "server.parallel", "1");
  /* The one-record probe went; the next batch holds the other 59. */
  g_assert_cmpint (stop_while_busy (f, "200", 60, "--watch", &at_stop), ==, 0);
  g_test_message ("created %u when stopped, %u after", at_stop, okn_test_server_counters (f->server).created);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, <=, at_stop + 3);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, okn_test_server_counters (f->server).created);
  assert_stopped_cleanly (f, 60);
}

/* sync --once stops the same way: the batch in flight finishes. */
static void
test_once_sigterm (Fixture       *f,
                   gconstpointer  data)
{
  int status;

  okn_test_config_set (f->station.config, "sync.batch_size", "5");
  status = stop_while_busy (f, "100", 200, "--once", NULL);
  g_assert_true (status == 0 || status == 4);
  assert_stopped_cleanly (f, 200);
}

/* okn_sync_wake() (what the network monitor and "sync now" call) starts a
 * run at once, even with nothing due; okn_sync_stop() ends the watch. */
typedef struct
{
  OknSync *sync;
  GMutex lock;
  guint runs;
  guint polled;
  gboolean ok;
  GError *error;
} WatchState;

static void
count_run (const OknSyncReport *report,
           const GError        *error,
           gpointer             data)
{
  WatchState *w = data;

  g_mutex_lock (&w->lock);
  w->runs++;
  w->polled += report->polled;
  g_mutex_unlock (&w->lock);
}

static gpointer
watch_thread (gpointer data)
{
  WatchState *w = data;

  w->ok = okn_sync_watch (w->sync, count_run, w, &w->error);
  return NULL;
}

static guint
runs_so_far (WatchState *w)
{
  guint n;

  g_mutex_lock (&w->lock);
  n = w->runs;
  g_mutex_unlock (&w->lock);
  return n;
}

static gboolean
wait_runs (WatchState *w,
           guint       n)
{
  gint64 end = g_get_monotonic_time () + WAIT_LIMIT;

  while (runs_so_far (w) < n && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  return runs_so_far (w) >= n;
}

static void
test_watch_wake (Fixture       *f,
                 gconstpointer  data)
{
  WatchState w = { 0 };
  g_autoptr (GThread) thread = NULL;
  guint requests;

  okn_test_config_set (f->station.config, "sync.interval_seconds", "3600");
  okn_test_add_reports (f->station.store, 2);
  w.sync = new_sync (f);
  g_mutex_init (&w.lock);
  thread = g_thread_new ("watch", watch_thread, &w);
  g_assert_true (wait_runs (&w, 1));
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 2);
  /* The first run polled the two cases; nothing is due now. */
  g_assert_cmpuint (w.polled, ==, 2);

  requests = okn_test_server_counters (f->server).requests;
  okn_sync_wake (w.sync);
  g_assert_true (wait_runs (&w, 2));
  /* A woken run within the interval pushes, but does not poll every case
   * again. */
  g_assert_cmpuint (w.polled, ==, 2);
  g_assert_cmpuint (okn_test_server_counters (f->server).requests, ==, requests);

  okn_sync_stop (w.sync);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_no_error (w.error);
  g_assert_true (w.ok);
  g_assert_cmpuint (runs_so_far (&w), ==, 2);
  okn_sync_free (w.sync);
  g_mutex_clear (&w.lock);
}

/* ---- broken promises of issue 8 ------------------------------------------------ */

/* 200,000 nested '[' as the answer to services.json: the run ends with a
 * message and exit 4, not SIGSEGV (a --watch would crash-loop), and the
 * next run sends. */
static void
test_deep_json (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_test_add_reports (f->station.store, 2);
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_test_server_set (f->server, "deep_levels", "200000");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DEEP, 1);
  rc = ctl_sync_once (f, &out, &err);
  g_test_message ("%s", err);
  g_assert_cmpint (rc, ==, 4);
  g_assert_nonnull (strstr (err, "services.json"));
  g_assert_nonnull (strstr (err, "levels deep"));
  /* The cached catalogue is empty, but the push went on. */
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 2);

  /* A POST answered so: its outcome is unknown, and it is found by its
   * marker rather than posted twice. */
  okn_test_add_reports (f->station.store, 1);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DEEP, 1);
  okn_test_server_set (f->server, "fault_scope", "post");
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 4);
  g_usleep (2100 * 1000);
  assert_ctl_sync_all (f, 3);
}

static void
assert_no_key_in_file (const char *path,
                       const char *key)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return;
  okn_test_assert_no_secret (path, data, (gssize) len, key);
}

/* Every row of every table, column by column. */
static void
assert_no_key_in_tables (Fixture    *f,
                         const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;
  guint n_tables = 0;

  g_assert_cmpint (sqlite3_open_v2 (f->station.db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1,
                                       &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", sqlite3_column_text (tables, 0));
      g_autofree char *table = g_strdup ((const char *) sqlite3_column_text (tables, 0));
      sqlite3_stmt *rows = NULL;

      if (sqlite3_prepare_v2 (db, sql, -1, &rows, NULL) != SQLITE_OK)
        continue;
      n_tables++;
      while (sqlite3_step (rows) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (rows); c++)
          {
            const char *v = sqlite3_column_blob (rows, c);
            g_autofree char *what = g_strdup_printf ("table %s, column %s", table, sqlite3_column_name (rows, c));

            okn_test_assert_no_secret (what, v, sqlite3_column_bytes (rows, c), key);
          }
      sqlite3_finalize (rows);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  g_assert_cmpuint (n_tables, >=, 8);
}

/* A server that echoes the api_key at every offset around the 80
 * characters a message quotes, in any case or encoding, in a text or JSON
 * answer to a POST that it took (200), refused (400), refused for the key
 * (403) or failed (500): the key is nowhere, not in 8 characters of it:
 * stdout, stderr, status --json, any row of any table, the WAL. */
static void
test_secret_echo (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const key = "Sync-KLUCZ-7f3a/+=Zx9q";
  static const char *const encodings[] = { "raw", "upper", "lower", "percent", "percent-lower",
                                           "percent-all", "form" };
  static const char *const types[] = { "text", "json" };
  static const char *const statuses[] = { "200", "400", "403", "500" };
  static const guint offsets[] = { 0, 37, 58, 62, 66, 70, 73, 76, 79, 82, 95, 130 };
  g_autofree char *wal = g_strconcat (f->station.db, "-wal", NULL);
  guint runs = 0;

  okn_test_server_set (f->server, "api_key", key);
  okn_test_config_set (f->station.config, "server.api_key", key);
  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    for (guint t = 0; t < G_N_ELEMENTS (types); t++)
      for (guint o = 0; o < G_N_ELEMENTS (offsets); o++)
        {
          g_autofree char *out = NULL;
          g_autofree char *err = NULL;
          g_autofree char *status = NULL;
          g_autofree char *off = g_strdup_printf ("%u", offsets[o]);

          okn_test_add_reports (f->station.store, 1);
          okn_test_server_set (f->server, "echo_status", statuses[s]);
          okn_test_server_set (f->server, "echo_type", types[t]);
          okn_test_server_set (f->server, "echo_encoding", encodings[(o + t + s) % G_N_ELEMENTS (encodings)]);
          okn_test_server_set (f->server, "echo_offset", off);
          okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_ECHO, 1);
          ctl_sync_once (f, &out, &err);
          okn_test_run_ctl (f->station.db, f->station.conf, NULL, &status, NULL, "status", "--json", NULL);
          okn_test_assert_no_secret ("stdout", out, -1, key);
          okn_test_assert_no_secret ("stderr", err, -1, key);
          okn_test_assert_no_secret ("status --json", status, -1, key);
          if (runs++ % 8 == 0)
            assert_no_key_in_file (wal, key);
        }
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
  g_test_message ("%u runs against a server echoing the key", runs);
  /* The answers did reach the store: refusals and errors were kept. */
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), >, 0);
  assert_no_key_in_tables (f, key);
  assert_no_key_in_file (wal, key);
  assert_no_key_in_file (f->station.db, key);
}

/* A typo in server.url (/open311/v3/): every answer is the web server's
 * HTML 404. A configuration error: the run stops at the first request,
 * exit 2, and no record goes to needs-attention; fixed, everything goes. */
static void
test_endpoint_missing (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *url = okn_open311_server_get_url (f->server);
  g_autofree char *typo = g_strdup_printf ("%.*s/v3/", (int) (strstr (url, "/v2/") - url), url);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_test_add_reports (f->station.store, 5);
  okn_test_config_set (f->station.config, "server.url", typo);
  for (guint run = 0; run < 2; run++)
    {
      rc = ctl_sync_once (f, &out, &err);
      g_test_message ("%s", err);
      g_assert_cmpint (rc, ==, 2);
      g_assert_nonnull (strstr (err, "server.url"));
      g_assert_nonnull (strstr (err, "404"));
      g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), ==, 0);
      g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), ==, 5);
    }
  /* The catalogue (first run) or one probe (second run): no more. */
  g_assert_cmpuint (okn_test_server_counters (f->server).requests, <=, 2);

  okn_test_config_set (f->station.config, "server.url", url);
  assert_ctl_sync_all (f, 5);
}

/* Records a server refused for something now fixed on its side go back to
 * the queue without an edit: all at once, or by ticket; audited. */
static void
test_cli_requeue (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (OknRecord) one = okn_test_add_report (f->station.store, "dumping", "Pierwszy");
  g_autoptr (OknRecord) two = okn_test_add_report (f->station.store, "dumping", "Drugi");
  g_autoptr (OknRecord) three = okn_test_add_report (f->station.store, "dumping", "Trzeci");
  g_autoptr (OknRecord) again = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 3);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), ==, 3);

  /* Nothing else to requeue: a synced record is refused by name. */
  okn_test_add_reports (f->station.store, 1);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 0);

  /* One by ticket. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "requeue", one->ticket, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, one->ticket));
  again = okn_test_reload (f->station.store, one);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_QUEUED);
  g_assert_null (again->server_error);
  g_assert_true (okn_test_audit_has (f->station.store, again->id, "requeue", NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Usage: a ticket or --all-needing-attention, not both, not neither. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, &err, "requeue", NULL);
  g_assert_cmpint (rc, ==, 2);
  g_clear_pointer (&err, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, &err, "requeue", "--all-needing-attention",
                         two->ticket, NULL);
  g_assert_cmpint (rc, ==, 2);
  g_clear_pointer (&err, g_free);
  /* A queued record does not need it: refused, nothing changes. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, &err, "requeue", two->ticket, one->ticket, NULL);
  g_assert_cmpint (rc, ==, 2);
  g_assert_nonnull (strstr (err, one->ticket));
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), ==, 2);
  g_clear_pointer (&err, g_free);

  /* The rest at once. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "requeue", "--all-needing-attention", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, two->ticket));
  g_assert_nonnull (strstr (out, three->ticket));
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), ==, 0);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_QUEUED), ==, 3);
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "requeue", "--all-needing-attention", NULL);
  g_assert_cmpint (rc, ==, 0);

  assert_ctl_sync_all (f, 4);
}

/* Without letters.service_code a letter cannot be sent; the reports
 * behind it still go, every run. */
static void
test_letters_without_code (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (OknRecord) letter = NULL;
  g_autoptr (OknRecord) again = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  okn_test_config_unset (f->station.config, "letters.service_code");
  letter = okn_test_add_letter (f->station.store, "Jan Kowalski", "Wniosek");
  okn_test_add_reports (f->station.store, 3);

  rc = ctl_sync_once (f, &out, &err);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (rc, ==, 2);
  g_assert_nonnull (strstr (err, "letters.service_code"));
  g_assert_true (g_str_has_prefix (out, "sent 3"));
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 3);
  again = okn_test_reload (f->station.store, letter);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_QUEUED);

  okn_test_add_reports (f->station.store, 2);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 2);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 5);

  okn_test_config_set (f->station.config, "letters.service_code", "letter");
  assert_ctl_sync_all (f, 6);
}

/* A 400 with a generic entry first and the one that names the field after
 * it: both kept, the field's shown. */
static void
test_cli_several_errors (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura na pasie", "al. Kościuszki 1");
  g_autoptr (OknRecord) again = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  okn_record_add_attribute (r, "lane", "left");
  okn_store_register (f->station.store, r, "test", &error);
  g_assert_no_error (error);
  okn_test_server_set (f->server, "error_preamble", "true");
  ctl_sync_once (f, &out, &err);
  g_test_message ("%s%s", out, err);
  again = okn_test_reload (f->station.store, r);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  g_assert_true (g_str_has_prefix (again->server_error, "no value given for required entry attribute[depth]"));
  g_assert_nonnull (strstr (again->server_error, "Bad Request"));
  g_assert_nonnull (strstr (err, r->ticket));
  g_assert_nonnull (strstr (err, "attribute[depth]"));
}

/* Refusals get their own exit code, so that a monitoring job notices. */
static void
test_cli_refused_exit (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *help = NULL;
  int rc;

  okn_test_add_reports (f->station.store, 2);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 1);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 5);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_NEEDS_ATTENTION), ==, 1);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 1);
  /* Nothing new refused: 0. */
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 0);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &help, NULL, "sync", "--help", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (help, "5 "));
}

/* Closed cases are asked about again, less often: a case reopened on the
 * server comes back. "A day later" is the record's last poll moved back. */
static void
test_statuses_reopened (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->station.store, f->report);
  okn_open311_server_set_status (f->server, again->server_id, "closed", "Wywieziono.");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.status_changes, ==, 1);
  okn_sync_report_clear (&report);

  /* Reopened on the server; polled an hour ago: not yet asked. */
  okn_open311_server_set_status (f->server, again->server_id, "open", "Wrócił gruz.");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 0);
  okn_sync_report_clear (&report);

  okn_test_sql_exec (f->station.db, "UPDATE records SET status_polled_us = status_polled_us - 25 * 3600000000");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 1);
  g_assert_cmpuint (report.status_changes, ==, 1);
  okn_sync_report_clear (&report);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpstr (again->server_status, ==, "open");
  g_assert_cmpstr (again->server_status_notes, ==, "Wrócił gruz.");

  /* Open again: polled every run. */
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.polled, ==, 1);
  okn_sync_report_clear (&report);

  /* A closed case the server no longer knows is asked about once a day
   * too, not every run. */
  okn_test_sql_exec (f->station.db, "UPDATE records SET server_id = '424242', server_status = 'closed', "
                     "status_polled_us = 1");
  {
    guint queries = okn_test_server_counters (f->server).queries;

    okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
    okn_sync_report_clear (&report);
    g_assert_cmpuint (okn_test_server_counters (f->server).queries, >, queries);
    queries = okn_test_server_counters (f->server).queries;
    okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
    okn_sync_report_clear (&report);
    g_assert_cmpuint (okn_test_server_counters (f->server).queries, ==, queries);
  }
}

/* An answer that leaves the status out (a note alone) keeps the status
 * the case had: the resident's ticket must not fall back to "sent", and
 * show must not print "(null)". */
static void
test_statuses_without_status (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (OknRecord) again = NULL;
  g_autofree char *out = NULL;
  OknSyncReport report;

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpstr (again->server_status, ==, "open");

  okn_test_server_set (f->server, "statusless", "true");
  okn_open311_server_set_status (f->server, again->server_id, "open", "Ekipa w drodze.");
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  okn_sync_report_clear (&report);
  g_clear_pointer (&again, okn_record_free);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpstr (again->server_status, ==, "open");
  g_assert_cmpstr (again->server_status_notes, ==, "Ekipa w drodze.");

  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "show",
                                     again->ticket, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Ekipa w drodze."));
  g_assert_null (strstr (out, "(null)"));
}

/* Every case on the server gets @notes (status open). */
static void
set_all_notes (Fixture    *f,
               const char *notes)
{
  g_autoptr (GPtrArray) cases = okn_open311_server_list_requests (f->server);

  for (guint i = 0; i < cases->len; i++)
    {
      OknOpen311StoredRequest *c = g_ptr_array_index (cases, i);

      g_assert_true (okn_open311_server_set_status (f->server, c->id, "open", notes));
    }
}

static gint64
count_notes (Fixture    *f,
             const char *notes)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM records WHERE server_status_notes = '%s'", notes);

  return okn_test_sql_int (f->station.db, sql);
}

/* A run succeeds with @n status changes: @n records now hold the
 * server's @notes. */
static void
assert_run_pulls_notes (Fixture    *f,
                        OknSync    *sync,
                        const char *notes,
                        guint       n)
{
  OknSyncReport report;

  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.status_changes, ==, n);
  okn_sync_report_clear (&report);
  g_assert_cmpint (count_notes (f, notes), ==, n);
}

/* Long case numbers that are still usable (200 digits) do not push a
 * status pull's GET over what servers take: with a server that refuses
 * URLs over 8190 bytes (Apache's LimitRequestLine), every case gets its
 * status; with one that refuses even shorter ones, the GETs it refuses
 * are asked again case by case. */
static void
test_statuses_long_ids (Fixture       *f,
                        gconstpointer  data)
{
  static const char *const limits[] = { "8190", "1000" };
  g_autoptr (OknSync) sync = new_sync (f);
  OknSyncReport report;

  okn_test_server_set (f->server, "long_id_length", "200");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_LONG_ID, 0);
  okn_test_add_reports (f->station.store, 50);
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autofree char *notes = g_strdup_printf ("Ekipa w drodze (%s).", limits[i]);

      okn_test_server_set (f->server, "max_url_length", limits[i]);
      okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
      okn_sync_report_clear (&report);
      g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 50);
      g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT min (length (server_id)) FROM records"), ==, 200);
      set_all_notes (f, notes);
      assert_run_pulls_notes (f, sync, notes, 50);
    }
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 50);
}

/* Three reports sent, their cases given a note on the server, and the
 * server's refusals (the fault, set by the test) made to say @words about
 * any request, status queries included. */
static void
three_cases_refusing (Fixture    *f,
                      OknSync    *sync,
                      const char *words)
{
  okn_test_add_reports (f->station.store, 3);
  okn_test_sync_run_sends (sync, OKN_TEST_SYNC_OK, 3);
  set_all_notes (f, "Ekipa w drodze.");
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_test_server_set (f->server, "refuse_text", words);
}

/* A server that refuses every status query (a wrong API key, an unknown
 * jurisdiction: settings it can only say so about): the pull fails with
 * its words, as it did before the status pull learnt to ask id by id,
 * and does not pass for a run that found nothing new. */
static void
test_statuses_all_refused (Fixture       *f,
                           gconstpointer  data)
{
  static const char *const codes[] = { "400", "422" };
  g_autoptr (OknSync) sync = new_sync (f);
  OknSyncReport report;

  three_cases_refusing (f, sync, "Invalid API key.");
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      okn_test_server_set (f->server, "refuse_status", codes[i]);
      okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 0);
      okn_test_sync_run (sync, &report, OKN_SYNC_ERROR_NETWORK);
      g_assert_nonnull (report.last_error);
      g_assert_nonnull (strstr (report.last_error, "Invalid API key."));
      g_assert_cmpuint (report.status_changes, ==, 0);
      okn_sync_report_clear (&report);
      g_assert_cmpint (count_notes (f, "Ekipa w drodze."), ==, 0);
    }
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
  assert_run_pulls_notes (f, sync, "Ekipa w drodze.", 3);
}

/* A batch refused with a 400, then one of its cases refused when asked
 * alone: the others get their statuses, the run succeeds, and the report
 * says which case the server would not tell about, in its words. */
static void
test_statuses_one_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (OknSync) sync = new_sync (f);
  OknSyncReport report;

  three_cases_refusing (f, sync, "Bad service_request_id.");
  /* The batch's GET, then the first id by itself. */
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 2);
  okn_test_sync_run (sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.status_changes, ==, 2);
  g_assert_nonnull (report.last_error);
  g_assert_nonnull (strstr (report.last_error, "Bad service_request_id."));
  okn_sync_report_clear (&report);
  g_assert_cmpint (count_notes (f, "Ekipa w drodze."), ==, 2);
}

/* A server that answers a POST with a case number of a million digits,
 * which no real system issues: the record is sent and never sent again,
 * but that number is not kept and the record says why, in words; the
 * other cases still get their statuses and the runs succeed. */
static void
test_long_case_id (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (OknRecord) again = NULL;
  g_autofree char *out = NULL;
  OknSyncReport report;

  okn_test_add_reports (f->station.store, 4);
  /* The run's first POST (its probe: the oldest record) gets the id. */
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_LONG_ID, 1);
  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  g_assert_cmpuint (report.sent, ==, 5);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_null (again->server_id);
  g_assert_nonnull (again->server_error);
  g_test_message ("%s", again->server_error);
  g_assert_nonnull (strstr (again->server_error, "1000000 bytes long"));
  g_assert_nonnull (strstr (again->server_error, again->ticket));
  g_assert_true (okn_test_audit_has (f->station.store, again->id, NULL, "cannot be used"));

  set_all_notes (f, "Ekipa w drodze.");
  assert_run_pulls_notes (f, f->sync, "Ekipa w drodze.", 4);

  /* okienkoctl: the runs succeed; show gives the reason where the case
   * number would be, in the clerk's language. */
  g_clear_pointer (&f->sync, okn_sync_free);
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 0);
  g_setenv ("LANGUAGE", "pl", TRUE);
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "show", f->report->ticket, NULL),
                   ==, 0);
  g_unsetenv ("LANGUAGE");
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Numer sprawy:"));
  g_assert_nonnull (strstr (out, again->server_error));
  g_assert_cmpuint (strlen (out), <, 4000);

  /* The database's check takes the record as sound: it says why. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "check", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_null (strstr (out, f->report->ticket));
  /* ... and one without its reason as a problem still. */
  okn_test_sql_exec (f->station.db, "UPDATE records SET server_error = NULL WHERE server_id IS NULL");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "check", NULL), ==, 5);
  g_assert_nonnull (strstr (out, f->report->ticket));

  /* Never sent again. */
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 5);
  g_assert_cmpuint (okn_test_server_cases_for (f->server, f->report->ticket), ==, 1);
}

/* A token the server answers "not yet" is asked again within seconds,
 * not after the watch's interval (an hour here). */
static void
test_watch_token_pending (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr (GSubprocess) proc = NULL;
  gint64 end;

  okn_test_config_set (f->station.config, "sync.interval_seconds", "3600");
  okn_test_server_set (f->server, "tokens", "3");
  okn_test_add_reports (f->station.store, 2);
  proc = okn_test_start_sync (f->station.db, f->station.conf, "--watch");
  end = g_get_monotonic_time () + WAIT_LIMIT;
  while (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED) < 2 && g_get_monotonic_time () < end)
    g_usleep (50 * 1000);
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 2);
  g_assert_cmpint (stop_watch (proc), ==, 0);
  g_assert_cmpuint (okn_test_server_counters (f->server).token_polls, >=, 6);
  assert_each_once (f);
}

/* status shows last_error only while it is the latest news. */
static void
test_cli_status_error_cleared (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;
  g_autofree char *said = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o;
  int rc;

  okn_test_add_reports (f->station.store, 1);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_503, 0);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 4);
  /* The error as status shows it, whole: the status also shows the
   * server's URL, whose ephemeral port may hold "503". */
  root = ctl_status_json (f, &out);
  said = g_strdup (json_object_get_string_member (json_node_get_object (root), "last_error"));
  g_assert_nonnull (said);
  g_assert_nonnull (strstr (said, "503"));
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL);
  g_assert_nonnull (strstr (text, said));
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&root, json_node_unref);

  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
  g_usleep (2100 * 1000);
  rc = ctl_sync_once (f, NULL, NULL);
  g_assert_cmpint (rc, ==, 0);
  root = ctl_status_json (f, &out);
  o = json_node_get_object (root);
  g_assert_true (json_object_get_null_member (o, "last_error"));
  g_assert_true (json_object_get_null_member (o, "last_error_at"));
  /* Kept as history, named as such. */
  g_assert_cmpstr (json_object_get_string_member (o, "resolved_error"), ==, said);
  g_assert_nonnull (json_object_get_string_member (o, "resolved_error_at"));
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL);
  g_assert_null (strstr (text, said));
}

/* A run stopped by a setting: status names it as sync did, with its
 * config set command, in text and JSON, though it reads the error from the
 * store; and the key, the wrong one or the server's, is in none of it. */
static void
test_cli_status_names_setting (Fixture       *f,
                               gconstpointer  data)
{
  static const char *const wrong = "Zly-KLUCZ-4b2e/+=Qw7";
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *meta = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o;
  char *said;

  okn_test_add_reports (f->station.store, 1);
  okn_test_config_set (f->station.config, "server.api_key", wrong);
  g_assert_cmpint (ctl_sync_once (f, NULL, &err), ==, 2);
  g_test_message ("sync: %s", err);
  g_assert_true (g_str_has_prefix (err, "okienkoctl: "));
  said = err + strlen ("okienkoctl: ");
  if (strchr (said, '\n'))
    *strchr (said, '\n') = '\0';
  g_assert_nonnull (strstr (said, "Check server.api_key (okienkoctl config set server.api_key -)."));

  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL), ==, 0);
  g_test_message ("status: %s", text);
  g_assert_nonnull (strstr (text, said));
  root = ctl_status_json (f, &out);
  o = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (o, "sync_health"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (o, "last_error"), ==, said);

  for (guint i = 0; i < 2; i++)
    {
      const char *key = i == 0 ? wrong : API_KEY;

      okn_test_assert_no_secret ("sync's stderr", err, -1, key);
      okn_test_assert_no_secret ("status", text, -1, key);
      okn_test_assert_no_secret ("status --json", out, -1, key);
      assert_no_key_in_tables (f, key);
    }
  /* The text as the engine stored it names the key alone. */
  meta = okn_store_get_meta (f->station.store, "sync.last_error");
  g_assert_nonnull (strstr (meta, "Check server.api_key."));
  g_clear_pointer (&meta, g_free);

  /* Fixed: the error is history, its setting with it, named as before. */
  okn_test_config_set (f->station.config, "server.api_key", API_KEY);
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 0);
  g_clear_pointer (&root, json_node_unref);
  root = ctl_status_json (f, &out);
  o = json_node_get_object (root);
  g_assert_true (json_object_get_null_member (o, "last_error"));
  g_assert_cmpstr (json_object_get_string_member (o, "resolved_error"), ==, said);
  meta = okn_store_get_meta (f->station.store, "sync.last_error_setting");
  g_assert_null (meta);
}

/* A stored error is read in one language: status in another language
 * than the sync's shows the stored text whole, not the sync's words with
 * its own hint ("The server refused ... Sprawdź server.api_key ..."); in
 * the sync's language it names the setting its own way. */
static void
test_cli_status_one_language (Fixture       *f,
                              gconstpointer  data)
{
  static const struct
  {
    const char *sync;     /* LANGUAGE of the sync */
    const char *status;   /* LANGUAGE of status */
    const char *stored;   /* in the stored text */
    const char *hint;     /* status's own hint, not to be added */
  } runs[] = {
    { "en", "pl", "The server refused the API key (HTTP 403).", "Sprawdź" },
    { "en", "uk", "The server refused the API key (HTTP 403).", "Перевірте" },
    { "pl", "en", "Serwer odrzucił klucz API (HTTP 403).", "Check" },
  };

  okn_test_add_reports (f->station.store, 1);
  okn_test_config_set (f->station.config, "server.api_key", "Zly-KLUCZ-4b2e/+=Qw7");
  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *stored = NULL;
      g_autofree char *text = NULL;
      g_autofree char *out = NULL;
      g_autoptr (JsonNode) root = NULL;

      g_setenv ("LANGUAGE", runs[i].sync, TRUE);
      g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 2);
      stored = okn_store_get_meta (f->station.store, "sync.last_error");
      g_test_message ("stored (%s): %s", runs[i].sync, stored);
      g_assert_nonnull (strstr (stored, runs[i].stored));

      g_setenv ("LANGUAGE", runs[i].status, TRUE);
      g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL), ==, 0);
      g_test_message ("status (%s): %s", runs[i].status, text);
      g_assert_nonnull (strstr (text, stored));
      g_assert_null (strstr (text, runs[i].hint));
      root = ctl_status_json (f, &out);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "last_error"), ==, stored);

      /* In the sync's own language, the setting is named with its command. */
      g_setenv ("LANGUAGE", runs[i].sync, TRUE);
      g_clear_pointer (&text, g_free);
      g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL), ==, 0);
      g_assert_nonnull (strstr (text, "(okienkoctl config set server.api_key -)"));
    }
  g_unsetenv ("LANGUAGE");
}

/* A sync started with LANGUAGE=pl in a pure C locale writes English
 * (gettext ignores LANGUAGE there): its stored error is tagged "en", so
 * status in English names the setting with its command, as the sync's
 * own language does. */
static void
test_cli_status_c_locale (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *stored = NULL;
  g_autofree char *setting = NULL;
  g_autofree char *text = NULL;

  okn_test_add_reports (f->station.store, 1);
  okn_test_config_set (f->station.config, "server.api_key", "Zly-KLUCZ-4b2e/+=Qw7");
  g_setenv ("LC_ALL", "C", TRUE);
  g_setenv ("LANGUAGE", "pl", TRUE);
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 2);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  stored = okn_store_get_meta (f->station.store, "sync.last_error");
  setting = okn_store_get_meta (f->station.store, "sync.last_error_setting");
  g_test_message ("stored: %s\nsetting: %s", stored, setting);
  g_assert_nonnull (strstr (stored, "The server refused the API key (HTTP 403)."));
  g_assert_nonnull (strstr (setting, "\"lang\":\"en\""));
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &text, NULL, "status", NULL), ==, 0);
  g_test_message ("status: %s", text);
  g_assert_nonnull (strstr (text, "(okienkoctl config set server.api_key -)"));
  g_unsetenv ("LANGUAGE");
}

/* Server text reaches the terminal made safe: no escape sequence, no
 * forged line, no bidi override (sync's errors, status, services). */
static void
test_cli_hostile_text (Fixture       *f,
                       gconstpointer  data)
{
  static const char *const hostile = "\033]0;owned\007\033[2J\r\nGENUINE ticket \xe2\x80\xae" "fdp.exe";
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  OknService *s = g_new0 (OknService, 1);
  const char *outputs[3];

  okn_test_add_reports (f->station.store, 2);
  okn_test_server_set (f->server, "refuse_text", hostile);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 1);
  ctl_sync_once (f, &out, &err);
  g_assert_nonnull (strstr (err, "GENUINE"));
  outputs[0] = err;
  /* A 500 with the same words: into last_error, shown by status. */
  okn_test_server_set (f->server, "refuse_status", "500");
  okn_test_add_reports (f->station.store, 1);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 0);
  g_clear_pointer (&out, g_free);
  ctl_sync_once (f, NULL, NULL);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
  okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "status", NULL);
  g_assert_nonnull (strstr (out, "GENUINE"));
  outputs[1] = out;

  s->code = g_strdup ("evil");
  s->name = g_strdup (hostile);
  s->group = g_strdup (hostile);
  g_ptr_array_add (services, s);
  okn_store_replace_services (f->station.store, services, &error);
  g_assert_no_error (error);
  {
    g_autofree char *list = NULL;

    okn_test_run_ctl (f->station.db, f->station.conf, NULL, &list, NULL, "services", "list", NULL);
    g_assert_nonnull (strstr (list, "GENUINE"));
    outputs[2] = list;
    for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
      {
        g_assert_null (strchr (outputs[i], '\033'));
        g_assert_null (strchr (outputs[i], '\007'));
        g_assert_null (strchr (outputs[i], '\r'));
        g_assert_null (strstr (outputs[i], "\xe2\x80\xae"));
        g_assert_null (strstr (outputs[i], "\nGENUINE"));
      }
  }
}

/* ---- backoff --------------------------------------------------------------------- */

static void
test_backoff (void)
{
  const gint64 s = G_TIME_SPAN_SECOND;

  /* Full jitter: anywhere from 0 up to the ceiling. */
  g_assert_cmpint (okn_sync_backoff_us (1, 5 * s, 900 * s, -1, 0.0), ==, 0);
  g_assert_cmpint (okn_sync_backoff_us (1, 5 * s, 900 * s, -1, 0.5), ==, 5 * s / 2);
  /* Doubling per attempt, up to the cap. */
  g_assert_cmpint (okn_sync_backoff_us (3, 5 * s, 900 * s, -1, 0.5), ==, 10 * s);
  g_assert_cmpint (okn_sync_backoff_us (30, 5 * s, 900 * s, -1, 0.5), ==, 450 * s);
  g_assert_cmpint (okn_sync_backoff_us (G_MAXUINT, 5 * s, 900 * s, -1, 1.0), ==, 900 * s);
  /* Never earlier than Retry-After, even above the cap. */
  g_assert_cmpint (okn_sync_backoff_us (1, 5 * s, 900 * s, 30, 0.0), ==, 30 * s);
  g_assert_cmpint (okn_sync_backoff_us (1, 5 * s, 10 * s, 3600, 0.9), ==, 3600 * s);
  g_assert_cmpint (okn_sync_backoff_us (9, 5 * s, 900 * s, 1, 0.9), >, 1 * s);
  /* ...but a server asking for a year gets a day. */
  g_assert_cmpint (okn_sync_backoff_us (1, 5 * s, 900 * s, 365 * 86400, 0.0), ==, 86400 * s);
}

/* ---- the server got a batch, the station could not write it down ------- */

typedef struct
{
  OknOpen311Server *server;
  const char *db;
  guint faults;        /* the server's fault count before the run */
  GMutex lock;
  GCond cond;
  gboolean held;
  gboolean release;
} Holder;

/* Another program: it takes the database's write lock while the server
 * holds the engine's POST (the delay fault), so after the claim and
 * before the engine writes down the answer, and keeps it until told. */
static gpointer
hold_database (gpointer data)
{
  Holder *h = data;
  gint64 end = g_get_monotonic_time () + WAIT_LIMIT;
  sqlite3 *db = NULL;

  while (okn_test_server_counters (h->server).faults == h->faults && g_get_monotonic_time () < end)
    g_usleep (5 * 1000);
  g_assert_cmpint (sqlite3_open_v2 (h->db, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 15000);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_mutex_lock (&h->lock);
  h->held = TRUE;
  while (!h->release)
    g_cond_wait (&h->cond, &h->lock);
  g_mutex_unlock (&h->lock);
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (db);
  return NULL;
}

/* One run of the fixture's engine in which the server receives the
 * report's POST while another program holds the database past the busy
 * timeout (15 s): the station cannot write down the answer. The lock is
 * let go after the run. Returns: (transfer full): the run's error */
static GError *
run_database_held (Fixture *f)
{
  Holder h = { f->server, f->station.db, okn_test_server_counters (f->server).faults };
  GError *error = NULL;
  OknSyncReport report;
  GThread *thread;

  g_mutex_init (&h.lock);
  g_cond_init (&h.cond);
  okn_test_server_set (f->server, "delay_ms", "1000");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DELAY, 1);
  thread = g_thread_new ("holder", hold_database, &h);
  g_assert_false (okn_sync_run_once (f->sync, &report, &error));
  okn_sync_report_clear (&report);
  g_mutex_lock (&h.lock);
  g_assert_true (h.held);
  h.release = TRUE;
  g_cond_broadcast (&h.cond);
  g_mutex_unlock (&h.lock);
  g_thread_join (thread);
  g_mutex_clear (&h.lock);
  g_cond_clear (&h.cond);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  return error;
}

/* The server got the POST, then another program kept the database busy:
 * the administrator reads that the server has the record, why the
 * station could not write it down, and that the next sync matches it. It
 * does, without a second POST (a server that ignores the key). */
static void
test_busy_after_post (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) again = NULL;
  OknSyncReport report;

  okn_test_server_set (f->server, "idempotency", "ignore");
  error = run_database_held (f);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "The server has received 1 record"));
  g_assert_nonnull (strstr (error->message, "the database was busy (another program held it"));
  g_assert_nonnull (strstr (error->message, "will not send it again"));
  g_assert_null (strstr (error->message, "Nothing was"));

  okn_test_sync_run (f->sync, &report, OKN_TEST_SYNC_OK);
  okn_sync_report_clear (&report);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 1);
  assert_each_once (f);
}

/* As above, the server answering with a token and listing the case only
 * once that token is resolved: a marker search finds nothing. The answer
 * the station could not write down is not lost: the next run takes the
 * token, asks for it, and never POSTs the report again. */
static void
test_token_unwritten (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) again = NULL;

  okn_test_server_set (f->server, "idempotency", "ignore");
  okn_test_server_set (f->server, "tokens", "2");
  okn_test_server_set (f->server, "unlisted_tokens", "true");
  error = run_database_held (f);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_BUSY);

  okn_test_drain (f->station.store, f->sync, 10);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 1);
  again = okn_test_reload (f->station.store, f->report);
  g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_nonnull (again->server_id);
  assert_each_once (f);
}

/* Case numbers an older version kept (before the sync refused them): once
 * the database is upgraded (here by the sync), each record holds no case
 * number and says
 * why, as a record the sync refused the number of does, so that show
 * (and the desk) print the reason, check takes it as sound, and a normal
 * case number is left as it was. */
static void
test_old_unusable_case_ids (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (OknRecord) second = okn_test_add_report (f->station.store, "dumping", "Opony w lesie");
  g_autoptr (OknRecord) third = okn_test_add_report (f->station.store, "dumping", "Lodówka przy drodze");
  g_autoptr (OknRecord) fine = NULL;
  g_autofree char *long_id = g_strnfill (1000, '7');
  g_autofree char *sql = NULL;
  g_autofree char *out = NULL;
  g_autofree char *fine_id = NULL;
  g_autofree char *err = NULL;
  int status;
  const struct
  {
    const OknRecord *record;
    const char *why;
  } old[] = {
    { f->report, "1000 bytes long" },
    { second, "control character" },
  };

  okn_test_sync_run_sends (f->sync, OKN_TEST_SYNC_OK, 3);
  g_clear_pointer (&f->sync, okn_sync_free);
  fine = okn_test_reload (f->station.store, third);
  fine_id = g_strdup (fine->server_id);
  sql = g_strdup_printf ("UPDATE records SET server_id = '%s' WHERE id = %" G_GINT64_FORMAT ";"
                         "UPDATE records SET server_id = '40' || char (0x202E) || '17' WHERE id = %" G_GINT64_FORMAT ";"
                         "PRAGMA user_version = 4;",
                         long_id, f->report->id, second->id);
  okn_test_sql_exec (f->station.db, sql);

  /* The sync service of the new version opens the database first. */
  g_assert_cmpint (ctl_sync_once (f, NULL, NULL), ==, 0);
  status = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "show", f->report->ticket, NULL);
  g_test_message ("%s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, long_id));
  g_assert_nonnull (strstr (out, "cannot be used"));
  g_assert_cmpint (okn_test_sql_int (f->station.db, "PRAGMA user_version"), ==, OKN_STORE_SCHEMA_VERSION);
  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autoptr (OknRecord) again = okn_test_reload (f->station.store, old[i].record);

      g_test_message ("%s: %s", again->ticket, again->server_error);
      g_assert_cmpint (again->sync_state, ==, OKN_SYNC_SYNCED);
      g_assert_null (again->server_id);
      g_assert_nonnull (again->server_error);
      g_assert_nonnull (strstr (again->server_error, "cannot be used"));
      g_assert_nonnull (strstr (again->server_error, old[i].why));
      g_assert_nonnull (strstr (again->server_error, again->ticket));
      g_assert_true (okn_test_audit_has (f->station.store, again->id, NULL, "cannot be used"));
    }
  g_clear_pointer (&fine, okn_record_free);
  fine = okn_test_reload (f->station.store, third);
  g_assert_cmpstr (fine->server_id, ==, fine_id);
  g_assert_null (fine->server_error);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "check", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_null (strstr (out, f->report->ticket));
  g_assert_null (strstr (out, second->ticket));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
#define ADDD(path, d, fn) g_test_add (path, Fixture, GINT_TO_POINTER (d), setup, fn, teardown)
#define ADD_REPORT(path, fn) g_test_add (path, Fixture, NULL, setup_report, fn, teardown)
  g_test_add_func ("/sync/backoff", test_backoff);
  ADD ("/sync/push", test_push);
  ADD ("/sync/push/media", test_push_media);
  ADD ("/sync/push/stale-catalogue", test_push_stale_catalogue);
  ADD ("/sync/empty-catalogue-kept", test_empty_catalogue_kept);
  ADD ("/sync/tokens", test_tokens);
  ADD_REPORT ("/sync/statuses", test_statuses);
  ADD ("/sync/refused-then-corrected", test_refused_then_corrected);
  ADD ("/sync/retry-after", test_retry_after);
  ADDD ("/sync/transient/key-ignored", 0, test_transient);
  ADDD ("/sync/transient/key-honoured", 1, test_transient);
  ADDD ("/sync/drop/key-ignored", 0, test_drop_adopt);
  ADDD ("/sync/drop/key-honoured", 1, test_drop_adopt);
  ADD ("/sync/crash/key-honoured", test_crash_honour_key);
  ADD ("/sync/crash/beyond-search-cap", test_adopt_beyond_cap);
  ADD ("/sync/lock", test_lock);
  ADD ("/sync/cli/once", test_cli_once);
  ADD ("/sync/cli/auth", test_cli_auth);
  ADD ("/sync/cli/status-json", test_cli_status_json);
  ADD ("/sync/cli/offline", test_cli_offline);
  ADD ("/sync/cli/services", test_cli_services);
  ADD ("/sync/watch/new-record", test_watch);
  ADD ("/sync/watch/sigterm", test_watch_sigterm_busy);
  ADD ("/sync/watch/sigterm-batch", test_watch_sigterm_batch);
  ADD ("/sync/watch/wake", test_watch_wake);
  ADD ("/sync/once/sigterm", test_once_sigterm);
  ADD ("/sync/hostile/deep-json", test_deep_json);
  ADD ("/sync/secret/echo", test_secret_echo);
  ADD ("/sync/endpoint-missing", test_endpoint_missing);
  ADD ("/sync/cli/requeue", test_cli_requeue);
  ADD ("/sync/letters-without-code", test_letters_without_code);
  ADD ("/sync/setting-as-data", test_setting_as_data);
  ADD ("/sync/cli/several-errors", test_cli_several_errors);
  ADD ("/sync/cli/refused-exit", test_cli_refused_exit);
  ADD_REPORT ("/sync/statuses/reopened", test_statuses_reopened);
  ADD_REPORT ("/sync/statuses/without-status", test_statuses_without_status);
  ADD ("/sync/statuses/long-ids", test_statuses_long_ids);
  ADD ("/sync/statuses/all-refused", test_statuses_all_refused);
  ADD ("/sync/statuses/one-refused", test_statuses_one_refused);
  ADD_REPORT ("/sync/hostile/long-case-id", test_long_case_id);
  ADD ("/sync/watch/token-pending", test_watch_token_pending);
  ADD ("/sync/cli/status-error-cleared", test_cli_status_error_cleared);
  ADD ("/sync/cli/status-names-setting", test_cli_status_names_setting);
  ADD ("/sync/cli/status-one-language", test_cli_status_one_language);
  ADD ("/sync/cli/status-c-locale", test_cli_status_c_locale);
  ADD ("/sync/cli/hostile-text", test_cli_hostile_text);
  ADD_REPORT ("/sync/busy-after-post", test_busy_after_post);
  ADD_REPORT ("/sync/token-unwritten", test_token_unwritten);
  ADD_REPORT ("/sync/hostile/old-case-ids", test_old_unusable_case_ids);
#undef ADD
#undef ADDD
#undef ADD_REPORT
  return g_test_run ();
}
