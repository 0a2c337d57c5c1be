/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-purge.c: okienkoctl purge (RODO retention) as an administrator and
 * the sync daemon run it: real SQLite files, okienkoctl as a process, the
 * records sent by a real sync to the loopback Open311 server
 *
 * The promise (issue 13): a purged record keeps its ticket, category,
 * status and dates, and nothing personal is left anywhere: not in the
 * database file's bytes (freed pages and free space in pages included),
 * the full-text index, the WAL after a checkpoint, drafts, or a backup
 * made afterwards. Each personal value is an unusual word, so finding it
 * in raw bytes means it is there; the records that must keep theirs prove
 * the search would find them.
 */
#define G_LOG_DOMAIN "test-purge"
/* memmem() */
#define _GNU_SOURCE

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sql.h"
#include "okn-test-sync.h"

#define API_KEY "purge-KLUCZ-52aa"
#define OLD_DAYS 400

typedef struct
{
  OknOpen311Server *server;
  OknTestStation station;
  char *old_letter;     /* synced, past retention: purged */
  char *old_report;     /* synced, with a photo, past retention: purged */
  char *recent;         /* synced, within retention: kept */
  char *queued;         /* past retention but never sent: kept */
  char *created_at;     /* old_letter's created_at before the purge */
} Fixture;

/* Personal values of the records that are purged (lower case: the
 * search is case-insensitive, the index keeps folded text). */
static const char *const purged_words[] = {
  "xqvbrtmn",                  /* the old letter's sender */
  "qzplkowa",                  /* its address */
  "yrrwtsk",                   /* the report's contact name and e-mail */
  "601 999 123",               /* its phone */
  "fotoqqzx",                  /* its photo's bytes */
  "pxxqwzowa",                 /* an abandoned draft */
};
/* Personal values that must stay. */
static const char *const kept_words[] = {
  "wjqmmqowa",                 /* the recent letter's sender */
  "fkkvvzowa",                 /* the queued letter's sender */
};

static char *
add_letter (OknStore   *store,
            const char *sender,
            const char *address)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_letter (sender, "Wniosek o zwrot podatku");

  r->sender_address = g_strdup (address);
  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  return g_strdup (r->ticket);
}

/* Makes a record registered @days ago. */
static void
backdate (const char *db,
          const char *ticket,
          guint       days)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE records SET created_us = created_us - %" G_GINT64_FORMAT ", "
                                          "created_at = '2025-10-30T09:15:00+01:00' WHERE ticket = '%s'",
                                          (gint64) days * G_TIME_SPAN_DAY, ticket);

  okn_test_sql_exec (db, sql);
}

/* Whether @word is in the file at @path, byte for byte, ignoring ASCII case. */
static gboolean
file_has (const char *path,
          const char *word)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &bytes, &len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    bytes[i] = g_ascii_tolower (bytes[i]);
  return memmem (bytes, len, word, strlen (word)) != NULL;
}

/* The draft of an abandoned form, saved @days ago, holding @sender. */
static void
write_draft (const char *db,
             const char *form,
             const char *sender,
             guint       days)
{
  g_autoptr (OknDraft) draft = okn_draft_new (form);
  g_autofree char *path = okn_draft_path (db, form);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) then = g_date_time_add_days (now, -(gint) days);
  g_autofree char *text = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *then_iso = g_date_time_format_iso8601 (then);
  g_autoptr (GRegex) re = g_regex_new ("\"saved_at\" *: *\"[^\"]*\"", 0, 0, NULL);
  g_autofree char *replacement = g_strdup_printf ("\"saved_at\":\"%s\"", then_iso);

  okn_draft_set (draft, "sender", sender);
  okn_draft_save (draft, path, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  saved = g_regex_replace_literal (re, text, -1, 0, replacement, 0, NULL);
  g_assert_cmpstr (saved, !=, text);
  g_assert_true (g_file_set_contents (path, saved, -1, NULL));
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) report = NULL;
  g_autofree char *photo = NULL;
  const char png[] = "\x89PNG\r\n\x1a\n-FOTOQQZX-zdjecie-zgloszenia-FOTOQQZX-";
  int rc;

  f->server = okn_test_open311_start (API_KEY);
  okn_test_server_set (f->server, "idempotency", "honour");
  okn_test_open311_station_init (&f->station, "K03", f->server, API_KEY);
  okn_test_config_set (f->station.config, "privacy.retention_days", "365");

  f->old_letter = add_letter (f->station.store, "Zenobia Xqvbrtmn", "ul. Qzplkowa 17/3, 90-001 Łódź");
  photo = g_build_filename (f->station.dir, "zdjecie.png", NULL);
  g_assert_true (g_file_set_contents (photo, png, sizeof png - 1, NULL));
  report = okn_test_report ("dumping", "Stos opon w lesie", "ul. Leśna 4, Łódź");
  report->contact_name = g_strdup ("Bogumił Yrrwtsk");
  report->contact_email = g_strdup ("bogumil.yrrwtsk@example.pl");
  report->contact_phone = g_strdup ("+48 601 999 123");
  report->consent = TRUE;
  g_assert_true (okn_record_add_file (report, photo, &error));
  okn_store_register (f->station.store, report, "test", &error);
  g_assert_no_error (error);
  g_unlink (photo);
  f->old_report = g_strdup (report->ticket);
  f->recent = add_letter (f->station.store, "Celina Wjqmmqowa", "ul. Długa 1, Łódź");

  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, NULL, "sync", "--once", NULL);
  g_assert_cmpint (rc, ==, 0);
  f->queued = add_letter (f->station.store, "Dorota Fkkvvzowa", "ul. Krótka 2, Łódź");
  g_assert_cmpint (okn_test_count_state (f->station.store, OKN_SYNC_SYNCED), ==, 3);
  g_clear_pointer (&f->station.store, okn_store_close);

  backdate (f->station.db, f->old_letter, OLD_DAYS);
  backdate (f->station.db, f->old_report, OLD_DAYS);
  backdate (f->station.db, f->queued, OLD_DAYS);
  write_draft (f->station.db, "letter", "Halina Pxxqwzowa", OLD_DAYS);
  write_draft (f->station.db, "report", "Irena Mmzzkqowa", 0);
  f->created_at = g_strdup ("2025-10-30T09:15:00+01:00");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  okn_test_station_clear (&f->station);
  g_clear_pointer (&f->server, okn_open311_server_free);
  g_free (f->old_letter);
  g_free (f->old_report);
  g_free (f->recent);
  g_free (f->queued);
  g_free (f->created_at);
}

static JsonObject *
show_json (Fixture    *f,
           const char *ticket,
           JsonParser *parser)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "show", ticket, "--json", NULL);

  g_assert_cmpint (rc, ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

/* Every file of the station (database, -wal after a checkpoint, drafts)
 * and the backup: none holds a purged word; the kept words are found. */
static void
assert_nothing_personal (Fixture    *f,
                         const char *backup)
{
  g_autoptr (GDir) d = g_dir_open (f->station.dir, 0, NULL);
  g_autoptr (GString) all = g_string_new (NULL);
  const char *name;

  /* What a checkpoint leaves: the WAL copied into the file. */
  okn_test_sql_exec (f->station.db, "PRAGMA wal_checkpoint(TRUNCATE)");
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (f->station.dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (purged_words); i++)
        if (file_has (path, purged_words[i]))
          g_error ("“%s” is still in %s", purged_words[i], name);
      g_string_append_printf (all, "%s ", name);
    }
  for (guint i = 0; i < G_N_ELEMENTS (purged_words); i++)
    g_assert_false (file_has (backup, purged_words[i]));
  /* The search would have found them: the kept ones are there. */
  for (guint i = 0; i < G_N_ELEMENTS (kept_words); i++)
    {
      g_assert_true (file_has (f->station.db, kept_words[i]));
      g_assert_true (file_has (backup, kept_words[i]));
    }
  g_assert_nonnull (strstr (all->str, "okienko.db "));
}

static void
test_purge (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *backup = g_build_filename (f->station.dir, "after-purge.db", NULL);
  g_autofree char *old_draft = okn_draft_path (f->station.db, "letter");
  g_autofree char *new_draft = okn_draft_path (f->station.db, "report");
  g_autofree char *expect = NULL;
  g_autofree char *purged_at = NULL;
  g_autofree char *expect_line = NULL;
  JsonObject *o;
  gsize len;
  int rc;

  /* Before: everything is there (the search finds it). */
  okn_test_sql_exec (f->station.db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true (file_has (f->station.db, "xqvbrtmn"));
  g_assert_true (file_has (f->station.db, "fotoqqzx"));
  g_assert_true (file_has (old_draft, "pxxqwzowa"));

  /* A dry run names the two, changes nothing. */
  g_assert_true (g_file_get_contents (f->station.db, &before, &len, NULL));
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "purge", "--dry-run", NULL);
  g_assert_cmpint (rc, ==, 0);
  expect = g_strdup_printf ("%s\n%s\n", f->old_letter, f->old_report);
  g_assert_cmpstr (out, ==, expect);
  g_assert_nonnull (strstr (err, "Would clear the personal data of 2 records (1 photos and scans)"));
  g_assert_true (g_file_get_contents (f->station.db, &after, NULL, NULL));
  g_assert_true (memcmp (before, after, len) == 0);
  g_assert_true (g_file_test (old_draft, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "purge", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpstr (out, ==, expect);
  g_assert_nonnull (strstr (err, "Cleared the personal data of 2 records (1 photos and scans) and removed 1"));
  g_assert_false (g_file_test (old_draft, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_draft, G_FILE_TEST_EXISTS));

  /* What stays: ticket, kind, category, status, case number, dates. */
  o = show_json (f, f->old_letter, parser);
  g_assert_cmpstr (json_object_get_string_member (o, "ticket"), ==, f->old_letter);
  g_assert_cmpstr (json_object_get_string_member (o, "sync_state"), ==, "synced");
  g_assert_nonnull (json_object_get_string_member_with_default (o, "service_request_id", NULL));
  g_assert_cmpstr (json_object_get_string_member (o, "created_at"), ==, f->created_at);
  g_assert_nonnull (json_object_get_string_member_with_default (o, "received_at", NULL));
  g_assert_cmpstr (json_object_get_string_member (o, "subject"), ==, "Wniosek o zwrot podatku");
  g_assert_null (json_object_get_string_member_with_default (o, "sender", NULL));
  /* It says that and when the personal data went, not only empty
   * fields: the purge's own time, as the audit log has it. */
  purged_at = okn_test_sql_text (f->station.db, "SELECT at FROM audit_log WHERE action = 'purge' LIMIT 1");
  g_assert_nonnull (purged_at);
  g_assert_cmpstr (json_object_get_string_member_with_default (o, "purged_at", NULL), ==, purged_at);
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "show", f->old_letter, NULL);
  g_assert_cmpint (rc, ==, 0);
  expect_line = g_strdup_printf ("Personal data:         removed on %s under the retention rule "
                                 "(privacy.retention_days)", purged_at);
  g_assert_nonnull (strstr (out, expect_line));
  /* A record not purged says nothing of it. */
  o = show_json (f, f->recent, parser);
  g_assert_null (json_object_get_string_member_with_default (o, "purged_at", NULL));
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "show", f->recent, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_null (strstr (out, "Personal data:"));
  o = show_json (f, f->old_report, parser);
  g_assert_cmpstr (json_object_get_string_member (o, "purged_at"), ==, purged_at);
  g_assert_cmpstr (json_object_get_string_member (o, "category"), ==, "dumping");
  g_assert_cmpstr (json_object_get_string_member (o, "sync_state"), ==, "synced");
  g_assert_cmpstr (json_object_get_string_member (o, "created_at"), ==, f->created_at);
  g_assert_null (json_object_get_string_member_with_default (o, "contact_email", NULL));
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM attachments"), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM blobs"), ==, 0);

  /* The audit log says what kind of data went, not the data. */
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM audit_log WHERE action = 'purge' "
                                   "AND details LIKE '%sender_name,sender_address%'"), ==, 1);
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM audit_log WHERE action = 'purge' "
                                   "AND details LIKE '%contact_name,contact_email,contact_phone,attachments%'"), ==, 1);
  /* The index: not found by the name any more, found by the kept one. */
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM records_fts WHERE records_fts MATCH 'xqvbrtmn'"), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM records_fts WHERE records_fts MATCH 'wjqmmqowa'"), ==, 1);
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "search", "Xqvbrtmn", NULL);
  g_assert_null (strstr (out, f->old_letter));

  /* A backup made afterwards, and every file of the station. */
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, NULL, "backup", backup, NULL);
  g_assert_cmpint (rc, ==, 0);
  assert_nothing_personal (f, backup);

  /* Nothing more to do the second time; check still holds. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, &err, "purge", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpstr (out, ==, "");
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, NULL, NULL, "check", NULL);
  g_assert_cmpint (rc, ==, 0);
}

/* The sync daemon purges once a day on its own. */
static void
test_sync_daily (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *sql = NULL;
  int rc;

  /* The setup's sync purged (nothing was due then) today: a day passes. */
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM meta WHERE key = 'purge.last_run_us'"), ==, 1);
  sql = g_strdup_printf ("UPDATE meta SET value = '%" G_GINT64_FORMAT "' WHERE key = 'purge.last_run_us'",
                         g_get_real_time () - 25 * G_TIME_SPAN_HOUR);
  okn_test_sql_exec (f->station.db, sql);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "sync", "--once", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "personal data cleared from 2 records"));
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM records WHERE purged_at IS NOT NULL"), ==, 2);
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM audit_log WHERE action = 'purge' AND actor = 'sync'"), ==, 2);

  /* Once a day: a record past retention now waits for tomorrow's run. */
  backdate (f->station.db, f->recent, OLD_DAYS);
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (f->station.db, f->station.conf, NULL, &out, NULL, "sync", "--once", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_null (strstr (out, "personal data cleared"));
  g_assert_cmpint (okn_test_sql_int (f->station.db, "SELECT count(*) FROM records WHERE purged_at IS NOT NULL"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/purge/nothing-personal-anywhere", Fixture, NULL, setup, test_purge, teardown);
  g_test_add ("/purge/sync-runs-it-daily", Fixture, NULL, setup, test_sync_daily, teardown);

  return g_test_run ();
}
