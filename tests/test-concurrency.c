/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-concurrency.c: two processes registering at once (the desk and the
 * sync job, or two desks on one database) never see "database is locked",
 * and no sequence number is lost or given twice */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <gio/gio.h>

#include "okn-test-common.h"

#define PER_PROCESS 1500

/* The writer: registers one record per transaction, printing each ticket as
 * soon as it is confirmed, exactly as the desk does. */
static int
run_writer (const char *db,
            const char *tag,
            int         n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okn_store_open (db, &error);
  g_autofree char *go = g_strconcat (db, ".go", NULL);

  if (store == NULL)
    {
      g_printerr ("writer %s: %s\n", tag, error->message);
      return 3;
    }
  /* Both writers start together: each says it is ready, then waits for
   * the go (bounded). */
  {
    g_autofree char *ready = g_strdup_printf ("%s.ready-%s", db, tag);

    g_file_set_contents (ready, "", 0, NULL);
  }
  for (int i = 0; i < 60000 && !g_file_test (go, G_FILE_TEST_EXISTS); i++)
    g_usleep (1000);
  g_print ("#start %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  for (int i = 0; i < n; i++)
    {
      g_autoptr (OknRecord) r = okn_test_letter (tag, "concurrent");

      if (!okn_store_register (store, r, tag, &error))
        {
          g_printerr ("writer %s, record %d: %s\n", tag, i, error->message);
          return 3;
        }
      g_print ("%s\n", r->ticket);
    }
  g_print ("#end %" G_GINT64_FORMAT "\n", g_get_monotonic_time ());
  return 0;
}

/* Splits a writer's output into its tickets and its start and end times. */
static GPtrArray *
writer_tickets (char   *out,
                gint64 *start,
                gint64 *end)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  GPtrArray *tickets = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "#start "))
        *start = g_ascii_strtoll (lines[i] + 7, NULL, 10);
      else if (g_str_has_prefix (lines[i], "#end "))
        *end = g_ascii_strtoll (lines[i] + 5, NULL, 10);
      else if (*lines[i])
        g_ptr_array_add (tickets, g_strdup (lines[i]));
    }
  return tickets;
}

static GSubprocess *
spawn_writer (const char *self,
              const char *db,
              const char *tag)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *n = g_strdup_printf ("%d", PER_PROCESS);
  GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                                     self, "--writer", db, tag, n, NULL);

  g_assert_no_error (error);
  return p;
}

static char *self_path;

static void
test_two_processes (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autoptr (GSubprocess) a = NULL;
  g_autoptr (GSubprocess) b = NULL;
  g_autofree char *out_a = NULL, *err_a = NULL, *out_b = NULL, *err_b = NULL;
  g_autoptr (GHashTable) tickets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) lines_a = NULL;
  g_autoptr (GPtrArray) lines_b = NULL;
  g_autofree char *go = g_strconcat (db, ".go", NULL);
  gint64 start_a = 0, end_a = 0, start_b = 0, end_b = 0;
  OknStore *store;
  sqlite3 *raw = NULL;
  sqlite3_stmt *stmt = NULL;

  store = okn_test_open_store (dir, "K03");
  okn_store_close (store);

  a = spawn_writer (self_path, db, "desk");
  b = spawn_writer (self_path, db, "sync");
  {
    g_autofree char *ready_a = g_strdup_printf ("%s.ready-desk", db);
    g_autofree char *ready_b = g_strdup_printf ("%s.ready-sync", db);

    for (int i = 0; i < 60000 && !(g_file_test (ready_a, G_FILE_TEST_EXISTS) && g_file_test (ready_b, G_FILE_TEST_EXISTS)); i++)
      g_usleep (1000);
    g_assert_true (g_file_test (ready_a, G_FILE_TEST_EXISTS) && g_file_test (ready_b, G_FILE_TEST_EXISTS));
  }
  g_assert_true (g_file_set_contents (go, "", 0, NULL));
  g_subprocess_communicate_utf8 (a, NULL, NULL, &out_a, &err_a, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (b, NULL, NULL, &out_b, &err_b, &error);
  g_assert_no_error (error);

  /* Neither ever saw the database locked, or any other error. */
  g_assert_cmpstr (err_a, ==, "");
  g_assert_cmpstr (err_b, ==, "");
  g_assert_cmpint (g_subprocess_get_exit_status (a), ==, 0);
  g_assert_cmpint (g_subprocess_get_exit_status (b), ==, 0);

  lines_a = writer_tickets (out_a, &start_a, &end_a);
  lines_b = writer_tickets (out_b, &start_b, &end_b);
  g_assert_cmpuint (lines_a->len, ==, PER_PROCESS);
  g_assert_cmpuint (lines_b->len, ==, PER_PROCESS);
  for (guint i = 0; i < lines_a->len; i++)
    g_assert_true (g_hash_table_add (tickets, g_strdup (g_ptr_array_index (lines_a, i))));
  for (guint i = 0; i < lines_b->len; i++)
    g_assert_true (g_hash_table_add (tickets, g_strdup (g_ptr_array_index (lines_b, i))));
  g_assert_cmpuint (g_hash_table_size (tickets), ==, 2 * PER_PROCESS);

  /* They really wrote at the same time: each started before the other ended. */
  g_assert_cmpint (start_a, >, 0);
  g_assert_cmpint (start_b, >, 0);
  g_assert_cmpint (MAX (start_a, start_b), <, MIN (end_a, end_b));

  /* The sequence is exactly 1..3000: nothing lost, nothing twice. */
  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*), count(DISTINCT seq), min(seq), max(seq), "
                                            "(SELECT last_seq FROM counters) FROM records", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 2 * PER_PROCESS);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 2 * PER_PROCESS);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 1);
  g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 2 * PER_PROCESS);
  g_assert_cmpint (sqlite3_column_int (stmt, 4), ==, 2 * PER_PROCESS);
  sqlite3_finalize (stmt);

  /* How often the write lock changed hands (for the log). */
  g_assert_cmpint (sqlite3_prepare_v2 (raw, "SELECT count(*) FROM records a JOIN records b ON b.seq = a.seq + 1 "
                                            "WHERE a.operator <> b.operator", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_test_message ("%d hand-overs between the two writers", sqlite3_column_int (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (raw);
  okn_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_str_equal (argv[1], "--writer"))
    return run_writer (argv[2], argv[3], (int) g_ascii_strtoll (argv[4], NULL, 10));

  self_path = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/concurrency/two-processes", test_two_processes);
  return g_test_run ();
}
