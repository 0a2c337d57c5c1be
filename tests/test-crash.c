/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-crash.c: SIGKILL okienkoctl at random moments while it registers.
 * Every ticket ID it printed is in the database, every batch is there whole
 * or not at all, and the database passes PRAGMA integrity_check. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <gio/gio.h>

#include "okn-test-common.h"

#define ROUNDS 240
#define BATCH 40

static gint64
sql_int (sqlite3    *db,
         const char *sql,
         const char *arg)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return v;
}

/* Kills the process after a random delay; returns what it printed. */
static char *
run_and_kill (const char *const *argv,
              const char        *input,
              guint              delay_us,
              gboolean          *killed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                         | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                 &error);
  GOutputStream *in;
  GInputStream *out;
  g_autoptr (GString) text = g_string_new (NULL);
  char buf[4096];
  gssize n;

  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (p);
  if (input)
    g_output_stream_write_all (in, input, strlen (input), NULL, NULL, NULL);
  g_output_stream_close (in, NULL, NULL);

  g_usleep (delay_us);
  g_subprocess_send_signal (p, SIGKILL);
  out = g_subprocess_get_stdout_pipe (p);
  while ((n = g_input_stream_read (out, buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (text, buf, n);
  g_subprocess_wait (p, NULL, &error);
  g_assert_no_error (error);
  *killed = g_subprocess_get_if_signaled (p);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_sigkill_loop (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autoptr (GPtrArray) printed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  guint killed_count = 0, batches_whole = 0, batches_none = 0;
  gint64 run_us = 0;
  sqlite3 *raw = NULL;
  OknStore *store;

  store = okn_test_open_store (dir, "K03");
  okn_store_close (store);

  /* Kill within the time a whole run takes here (slow under sanitizers,
   * fast on a quiet machine), so kills land before, during and after the
   * commit. */
  {
    const char *argv1[] = { okn_test_ctl_path (), "--db", db, "register", "letter", "--sender",
                            "calibration", NULL };
    gint64 t0 = g_get_monotonic_time ();

    for (int i = 0; i < 5; i++)
      {
        g_autoptr (GSubprocess) p = g_subprocess_newv (argv1, G_SUBPROCESS_FLAGS_STDOUT_SILENCE, NULL);

        g_assert_true (g_subprocess_wait_check (p, NULL, NULL));
      }
    run_us = MAX ((g_get_monotonic_time () - t0) / 5, 1000);
  }

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autofree char *tag = g_strdup_printf ("round-%u", round);
      g_autofree char *out = NULL;
      g_autoptr (GString) ndjson = g_string_new (NULL);
      gboolean killed = FALSE;
      gboolean batch = round % 3 == 2;
      const char *single[] = { okn_test_ctl_path (), "--db", db, "register", "letter", "--sender", tag,
                               "--subject", "crash test", NULL };
      const char *many[] = { okn_test_ctl_path (), "--db", db, "register", "--json", "-", NULL };

      /* Every third round registers a batch in one transaction. */
      if (batch)
        for (int i = 0; i < BATCH; i++)
          g_string_append_printf (ndjson, "{\"kind\":\"letter\",\"sender\":\"%s\",\"subject\":\"batch %d\"}\n", tag, i);

      out = run_and_kill (batch ? many : single, batch ? ndjson->str : NULL,
                          (guint) g_rand_int_range (rand, 0, (gint32) (batch ? 4 * run_us : 2 * run_us)), &killed);
      killed_count += killed;
      if (batch)
        {
          g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

          for (guint i = 0; lines[i]; i++)
            {
              g_autoptr (JsonNode) n = json_from_string (lines[i], NULL);

              if (n && JSON_NODE_HOLDS_OBJECT (n))
                g_ptr_array_add (printed, g_strdup (json_object_get_string_member (json_node_get_object (n), "ticket")));
            }
        }
      else if (strchr (out, '\n'))
        g_ptr_array_add (printed, g_strstrip (g_strdup (out)));
    }

  g_assert_cmpint (sqlite3_open (db, &raw), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
    sqlite3_finalize (stmt);
  }

  /* Everything confirmed to the user is there. */
  for (guint i = 0; i < printed->len; i++)
    g_assert_cmpint (sql_int (raw, "SELECT count(*) FROM records WHERE ticket = ?", g_ptr_array_index (printed, i)), ==, 1);

  /* A batch is there whole or not at all. */
  for (guint round = 2; round < ROUNDS; round += 3)
    {
      g_autofree char *tag = g_strdup_printf ("round-%u", round);
      gint64 n = sql_int (raw, "SELECT count(*) FROM records WHERE sender_name = ?", tag);

      g_assert_true (n == 0 || n == BATCH);
      if (n == BATCH)
        batches_whole++;
      else
        batches_none++;
    }

  /* No number twice, and the counter never behind the records. */
  g_assert_cmpint (sql_int (raw, "SELECT count(*) - count(DISTINCT seq) FROM records", NULL), ==, 0);
  g_assert_cmpint (sql_int (raw, "SELECT (SELECT last_seq FROM counters) >= max(seq) FROM records", NULL), ==, 1);
  g_assert_cmpint (sql_int (raw, "SELECT count(*) FROM records r LEFT JOIN audit_log a ON a.record_id = r.id "
                                 "AND a.action = 'register' WHERE a.id IS NULL", NULL), ==, 0);
  sqlite3_close (raw);

  g_test_message ("%u rounds (a run takes ~%" G_GINT64_FORMAT " us), %u killed, %u tickets confirmed "
                  "and found, batches: %u whole, %u none",
                  ROUNDS, run_us, killed_count, printed->len, batches_whole, batches_none);
  /* The test is worth something only if kills landed both before and after
   * confirmations. */
  g_assert_cmpuint (killed_count, >=, ROUNDS / 10);
  g_assert_cmpuint (printed->len, >, 0);
  okn_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/sigkill-loop", test_sigkill_loop);
  return g_test_run ();
}
