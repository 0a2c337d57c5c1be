/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-status.c: what every front end shows of the sync, read once */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"
#include "okn-test-sync.h"

typedef OknTestStation Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  okn_test_station_init (f, "K03");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  okn_test_station_clear (f);
}

static void
set_meta (Fixture    *f,
          const char *key,
          const char *value)
{
  g_autoptr (GError) error = NULL;

  okn_store_set_meta (f->store, key, value, &error);
  g_assert_no_error (error);
}

static OknSyncStatus *
read_status (Fixture   *f,
             GDateTime *now)
{
  g_autoptr (GError) error = NULL;
  OknSyncStatus *s = okn_sync_status_read (f->store, f->config, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (s);
  return s;
}

/* No server is not an error: the status says so, whatever the meta holds. */
static void
test_health_steps (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (OknSyncStatus) offline = read_status (f, NULL);
  g_autoptr (OknSyncStatus) never = NULL;
  g_autoptr (OknSyncStatus) ok = NULL;
  g_autoptr (OknSyncStatus) failed = NULL;
  g_autoptr (OknSyncStatus) recovered = NULL;

  g_assert_cmpint (offline->health, ==, OKN_SYNC_HEALTH_NOT_CONFIGURED);
  g_assert_null (offline->server_url);

  okn_test_config_set (f->config, "server.url", "https://city.example/open311/v2");
  never = read_status (f, NULL);
  g_assert_cmpint (never->health, ==, OKN_SYNC_HEALTH_NEVER);
  g_assert_cmpstr (never->server_url, ==, "https://city.example/open311/v2");

  set_meta (f, "sync.last_success_at", "2026-11-30T10:00:00+01:00");
  ok = read_status (f, NULL);
  g_assert_cmpint (ok->health, ==, OKN_SYNC_HEALTH_OK);
  g_assert_cmpstr (ok->last_success_at, ==, "2026-11-30T10:00:00+01:00");

  set_meta (f, "sync.last_error", "HTTP 503 from the server");
  set_meta (f, "sync.last_error_at", "2026-11-30T10:05:00+01:00");
  failed = read_status (f, NULL);
  g_assert_cmpint (failed->health, ==, OKN_SYNC_HEALTH_FAILED);
  g_assert_cmpstr (failed->last_error, ==, "HTTP 503 from the server");

  /* A success after the error: the error is history, not the state. */
  set_meta (f, "sync.last_success_at", "2026-11-30T10:06:00+01:00");
  recovered = read_status (f, NULL);
  g_assert_cmpint (recovered->health, ==, OKN_SYNC_HEALTH_OK);
}

/* The queue's oldest record's age is measured against the clock given. */
static void
test_queue_age (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "A hole in the road", "Długa 1");
  g_autoptr (OknSyncStatus) empty = read_status (f, NULL);
  g_autoptr (OknSyncStatus) queued = NULL;
  g_autoptr (GDateTime) created = NULL;
  g_autoptr (GDateTime) later = NULL;
  g_autoptr (OknRecord) stored = NULL;

  g_assert_cmpint (empty->oldest_queued_age, ==, -1);
  okn_store_register (f->store, r, "test", &error);
  g_assert_no_error (error);
  stored = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_no_error (error);
  created = g_date_time_new_from_iso8601 (stored->created_at, NULL);
  later = g_date_time_add_seconds (created, 95);
  queued = read_status (f, later);
  g_assert_cmpint (queued->oldest_queued_age, ==, 95);
  g_assert_cmpint (queued->stats.per_state[OKN_SYNC_QUEUED], ==, 1);
  g_assert_cmpstr (queued->stats.station, ==, "K03");
}

/* A password in server.url never reaches a status line. */
static void
test_url_masked (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (OknSyncStatus) s = NULL;

  okn_test_config_set (f->config, "server.url", "https://clerk:hunter2secret@city.example/open311");
  s = read_status (f, NULL);
  g_assert_nonnull (s->server_url);
  g_assert_null (strstr (s->server_url, "hunter2secret"));
}

/* okienkoctl status reads the same function: a failure after the last
 * success is reported as the current trouble, in text and in JSON. */
static void
test_ctl_status (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o;
  int rc;

  okn_test_config_set (f->config, "server.url", "https://city.example/open311/v2");
  set_meta (f, "sync.last_success_at", "2026-11-30T10:00:00+01:00");
  set_meta (f, "sync.last_error", "HTTP 503 from the server");
  set_meta (f, "sync.last_error_at", "2026-11-30T10:05:00+01:00");
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "status", "--json", NULL);
  g_assert_cmpint (rc, ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "sync_health"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (o, "last_error"), ==, "HTTP 503 from the server");
  g_assert_cmpstr (json_object_get_string_member (o, "server_url"), ==, "https://city.example/open311/v2");

  rc = okn_test_run_ctl (f->db, f->conf, NULL, &text, NULL, "status", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (text, "HTTP 503 from the server"));
}

/* What the engine keeps beside an error: the fix's JSON, the error's
 * time, its text's checksum and the language of its words (each left out
 * when NULL). */
static char *
kept_setting (const OknSettingFix *fix,
              const char          *text,
              const char          *at,
              const char          *lang)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = okn_setting_fix_to_json (fix);

  if (at)
    json_object_set_string_member (o, "at", at);
  if (text)
    {
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);

      json_object_set_string_member (o, "text_sha256", sum);
    }
  if (lang)
    json_object_set_string_member (o, "lang", lang);
  json_node_take_object (node, o);
  return json_to_string (node, FALSE);
}

/* The setting kept beside the last error comes back as data, for the
 * error it was kept with only and in the reader's language: a store with
 * the text alone, a setting kept for an earlier error (even in the same
 * second), one kept in another language, or one this version would not
 * have written gives none, and a front end shows the text whole. */
static void
test_setting_fix (Fixture       *f,
                  gconstpointer  data)
{
  static const char *const at = "2026-11-30T10:05:00+01:00";
  g_autoptr (OknSettingFix) fix = okn_setting_fix_new (OKN_SETTING_CHECK_NETWORK, "server.jurisdiction_id",
                                                       "server.api_key", "Odrzucono „x”.");
  g_autoptr (OknSyncStatus) text_only = NULL;
  g_autoptr (OknSyncStatus) with_fix = NULL;
  g_autoptr (OknSyncStatus) resolved = NULL;
  static const char *const text = "Odrzucono „x”. Check server.jurisdiction_id and the network connection.";
  const char *lang = okn_language_to_string (okn_language_from_locale ());
  const char *other_lang = okn_language_from_locale () == OKN_LANGUAGE_PL ? "en" : "pl";
  g_autofree char *value = NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  const char *not_ours[] = {
    "{", "[]", "\"check\"",
    "{\"at\":\"2026-11-30T10:05:00+01:00\",\"action\":\"reboot\",\"key\":\"server.url\",\"what\":\"x\"}",
    "{\"at\":\"2026-11-30T10:05:00+01:00\",\"action\":\"check\",\"key\":\"server.nope\",\"what\":\"x\"}",
    "{\"at\":\"2026-11-30T10:05:00+01:00\",\"action\":\"check\",\"key\":\"server.url\"}",
    "{\"at\":\"2026-11-30T10:04:59+01:00\",\"action\":\"check\",\"key\":\"server.url\",\"what\":\"x\"}",
    NULL, NULL, NULL, NULL, NULL,
  };

  fix->details = g_strdup ("Could not resolve host");
  okn_test_config_set (f->config, "server.url", "https://city.example/open311/v2");
  set_meta (f, "sync.last_error", text);
  set_meta (f, "sync.last_error_at", at);
  text_only = read_status (f, NULL);
  g_assert_null (text_only->last_error_fix);
  g_assert_nonnull (text_only->last_error);

  value = kept_setting (fix, text, at, lang);
  set_meta (f, "sync.last_error_setting", value);
  with_fix = read_status (f, NULL);
  g_assert_nonnull (with_fix->last_error_fix);
  g_assert_cmpint (with_fix->last_error_fix->action, ==, OKN_SETTING_CHECK_NETWORK);
  g_assert_cmpstr (with_fix->last_error_fix->key, ==, "server.jurisdiction_id");
  g_assert_cmpstr (with_fix->last_error_fix->also, ==, "server.api_key");
  g_assert_cmpstr (with_fix->last_error_fix->what, ==, "Odrzucono „x”.");
  g_assert_cmpstr (with_fix->last_error_fix->details, ==, "Could not resolve host");
  g_assert_null (with_fix->resolved_error_fix);

  /* Another error's in the same second, an earlier error's, words in
   * another language, no tie or no language (this session's first
   * engine). */
  g_ptr_array_add (kept, kept_setting (fix, "Odrzucono „y”.", at, lang));
  g_ptr_array_add (kept, kept_setting (fix, text, "2026-11-30T10:04:59+01:00", lang));
  g_ptr_array_add (kept, kept_setting (fix, text, at, other_lang));
  g_ptr_array_add (kept, kept_setting (fix, NULL, at, lang));
  g_ptr_array_add (kept, kept_setting (fix, text, at, NULL));
  for (guint i = 0; i < kept->len; i++)
    not_ours[G_N_ELEMENTS (not_ours) - kept->len + i] = kept->pdata[i];
  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    {
      g_autoptr (OknSyncStatus) s = NULL;

      set_meta (f, "sync.last_error_setting", not_ours[i]);
      s = read_status (f, NULL);
      g_test_message ("%s", not_ours[i]);
      g_assert_null (s->last_error_fix);
      g_assert_nonnull (s->last_error);
    }

  /* The resolved error keeps its setting the same way. */
  set_meta (f, "sync.last_error", NULL);
  set_meta (f, "sync.last_error_at", NULL);
  set_meta (f, "sync.last_error_setting", NULL);
  set_meta (f, "sync.resolved_error", text);
  set_meta (f, "sync.resolved_error_at", at);
  set_meta (f, "sync.resolved_error_setting", value);
  resolved = read_status (f, NULL);
  g_assert_null (resolved->last_error_fix);
  g_assert_nonnull (resolved->resolved_error_fix);
  g_assert_cmpstr (resolved->resolved_error_fix->key, ==, "server.jurisdiction_id");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/sync-status/health", test_health_steps);
  ADD ("/sync-status/queue-age", test_queue_age);
  ADD ("/sync-status/url-masked", test_url_masked);
  ADD ("/sync-status/okienkoctl", test_ctl_status);
  ADD ("/sync-status/setting-fix", test_setting_fix);
#undef ADD
  return g_test_run ();
}
