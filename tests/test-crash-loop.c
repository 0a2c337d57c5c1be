/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-crash-loop.c: SIGKILL okienkoctl at random points of every command
 * that writes (issue 13): register, print to a file, sync against the
 * loopback Open311 server (which honours the Idempotency-Key), backup,
 * restore, purge, and a schema migration, round after round on one
 * station, at least 200 kills in all.
 *
 * After every round: PRAGMA integrity_check is "ok", every ticket a
 * register printed (it prints only after the commit) is in the database,
 * no ticket was printed twice, a killed output (PDF, backup) is either the
 * old file or a whole new one. At the end a sync that is left to finish
 * drains the queue: every confirmed record is on the server exactly once.
 * The figures are printed (TAP comments).
 *
 * Where a kill lands: each command is first run once to its end to learn
 * how long it takes on this machine, then killed after a random delay up to
 * a little longer than that; a command that finished first is counted as
 * finished, not as a kill. Nothing here asserts a time.
 */
#define G_LOG_DOMAIN "test-crash-loop"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sync.h"

#define API_KEY     "crash-KLUCZ-0d7e"
#define MIN_KILLS   200
#define MAX_ROUNDS  700   /* bounded, whatever the machine */

typedef enum
{
  OP_REGISTER,
  OP_PRINT,
  OP_SYNC,
  OP_BACKUP,
  OP_RESTORE,
  OP_PURGE,
  OP_MIGRATE,
  N_OPS
} Op;

static const char *const op_names[N_OPS] = {
  "register", "print", "sync", "backup", "restore", "purge", "migration",
};

typedef struct
{
  OknOpen311Server *server;
  char *dir;
  char *db;
  char *conf;
  char *pdf;
  char *backup;         /* the backup command's output, killed */
  char *restore_src;    /* a fresh backup the restore command puts back */
  GHashTable *confirmed;   /* ticket → NULL: printed by a register */
  GHashTable *lost;        /* confirmed tickets found missing, once each */
  guint duplicates_printed;
  gint64 duration_us[N_OPS];
  guint kills[N_OPS];
  guint finished[N_OPS];
  guint checks;
  guint seq;
} Loop;

/* ---- the database as sqlite sees it -------------------------------------------------- */

static sqlite3 *
open_raw_flags (const char *path,
                int         flags)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, flags, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 15000);
  return db;
}

static sqlite3 *
open_raw (const char *path)
{
  return open_raw_flags (path, SQLITE_OPEN_READWRITE);
}

/* Read-only: its close does not checkpoint, so what a killed command
 * left in the -wal stays there for the next command, as on a station. */
static sqlite3 *
open_checker (const char *path)
{
  return open_raw_flags (path, SQLITE_OPEN_READONLY);
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *v = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s (%d)", sql, sqlite3_errmsg (db), sqlite3_extended_errcode (db));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return v;
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
}

/* The promises after a kill: the file is sound, every confirmed ticket is
 * in it. Returns the number of confirmed tickets missing now. With
 * OKN_CRASH_LOOP_KEEP set, the first loss stops the test and keeps the
 * station's folder for a post-mortem. */
static guint
check_store (Loop       *l,
             const char *after)
{
  sqlite3 *db = open_checker (l->db);
  g_autofree char *integrity = raw_text (db, "PRAGMA integrity_check");
  sqlite3_stmt *stmt = NULL;
  GHashTableIter it;
  gpointer ticket;
  guint missing = 0;

  if (g_strcmp0 (integrity, "ok") != 0)
    g_error ("after %s: integrity_check says %s", after, integrity);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE ticket = ?", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  g_hash_table_iter_init (&it, l->confirmed);
  while (g_hash_table_iter_next (&it, &ticket, NULL))
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, ticket, -1, SQLITE_TRANSIENT);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      if (sqlite3_column_int (stmt, 0) != 1)
        {
          if (!g_hash_table_contains (l->lost, ticket))
            g_test_message ("after %s: confirmed ticket %s is missing", after, (const char *) ticket);
          g_hash_table_add (l->lost, g_strdup (ticket));
          missing++;
          if (g_getenv ("OKN_CRASH_LOOP_KEEP"))
            g_error ("kept %s", l->dir);
        }
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  l->checks++;
  return missing;
}

/* A file a killed command may have been writing: absent, or whole. */
static void
check_output (const char *path,
              Op          op)
{
  g_autofree char *bytes = NULL;
  gsize len = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  if (op == OP_PRINT)
    {
      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      g_assert_true (len > 5 && g_str_has_prefix (bytes, "%PDF-"));
      g_assert_nonnull (g_strrstr_len (bytes + (len > 64 ? len - 64 : 0), MIN (len, 64), "%%EOF"));
    }
  else
    {
      sqlite3 *db = open_checker (path);
      g_autofree char *integrity = raw_text (db, "PRAGMA integrity_check");

      g_assert_cmpstr (integrity, ==, "ok");
      sqlite3_close (db);
    }
}

/* ---- one command, killed ----------------------------------------------------------- */

/* Runs okienkoctl @args; after @delay_us (or never, when negative) kills
 * it; with @delay_us == KILL_AFTER_TICKET, as soon as it printed a ticket
 * (committed, and not yet closed: its -wal not checkpointed). Returns what
 * it printed; *@killed says whether the kill ended it. */
#define KILL_AFTER_TICKET (-2)
static char *
run (Loop              *l,
     const char *const *args,
     gint64             delay_us,
     gboolean          *killed,
     gint64            *took_us)
{
  g_autoptr (GPtrArray) argv = okn_test_ctl_argv (l->db, l->conf, args);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  GInputStream *out;
  gint64 start = g_get_monotonic_time ();
  char buf[4096];
  gssize n;

  p = g_subprocess_newv ((const char *const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  if (delay_us >= 0)
    {
      g_usleep ((gulong) delay_us);
      g_subprocess_send_signal (p, SIGKILL);
    }
  out = g_subprocess_get_stdout_pipe (p);
  while ((n = g_input_stream_read (out, buf, sizeof buf, NULL, NULL)) > 0)
    {
      g_string_append_len (text, buf, n);
      if (delay_us == KILL_AFTER_TICKET && strchr (text->str, '\n'))
        g_subprocess_send_signal (p, SIGKILL);
    }
  g_subprocess_wait (p, NULL, &error);
  g_assert_no_error (error);
  *killed = g_subprocess_get_if_signaled (p) && g_subprocess_get_term_sig (p) == SIGKILL;
  if (took_us)
    *took_us = g_get_monotonic_time () - start;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A ticket printed by a register, killed or not, was confirmed. */
static void
note_tickets (Loop       *l,
              const char *out)
{
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      if (!g_str_has_prefix (lines[i], "K03-"))
        continue;
      if (g_hash_table_contains (l->confirmed, lines[i]))
        l->duplicates_printed++;
      else
        g_hash_table_add (l->confirmed, g_strdup (lines[i]));
    }
}

/* Any confirmed ticket, for print. */
static const char *
some_ticket (Loop *l)
{
  GHashTableIter it;
  gpointer ticket = NULL;

  g_hash_table_iter_init (&it, l->confirmed);
  g_hash_table_iter_next (&it, &ticket, NULL);
  return ticket;
}

/* What a round does before its command: whatever makes the command have
 * work to do. */
static void
prepare (Loop *l,
         Op    op)
{
  switch (op)
    {
    case OP_RESTORE:
      {
        /* A backup of now, so a finished restore loses no confirmed
         * record: the kill is what is tested. */
        g_autofree char *err = NULL;
        int rc;

        /* A migration killed earlier is finished first (a backup reads a
         * database of the current schema only). */
        rc = okn_test_run_ctl (l->db, l->conf, NULL, NULL, &err, "init", "--station", "K03", NULL);
        if (rc != 0)
          g_error ("init: %s", err);
        g_clear_pointer (&err, g_free);
        /* A record confirmed by a register killed before it closed: in
         * the -wal only, where a restore must not lose it. */
        {
          g_autofree char *sender = g_strdup_printf ("Nadawca %u", ++l->seq);
          const char *args[] = { "register", "letter", "--sender", sender, "--subject", "Pismo", NULL };
          gboolean killed;
          g_autofree char *out = run (l, args, KILL_AFTER_TICKET, &killed, NULL);

          note_tickets (l, out);
        }
        g_unlink (l->restore_src);
        rc = okn_test_run_ctl (l->db, l->conf, NULL, NULL, &err, "backup", l->restore_src, NULL);
        if (rc != 0)
          g_error ("backup: %s", err);
        break;
      }
    case OP_PURGE:
      {
        /* Sent records made old enough to purge. */
        sqlite3 *db = open_raw (l->db);

        raw_exec (db, "UPDATE records SET created_us = created_us - 400 * 86400000000 "
                      "WHERE sync_state = 'synced' AND purged_at IS NULL AND created_us > 0");
        sqlite3_close (db);
        break;
      }
    case OP_MIGRATE:
      {
        /* The file as schema 2 left it (before application_id). */
        sqlite3 *db = open_raw (l->db);

        raw_exec (db, "PRAGMA application_id = 0; PRAGMA user_version = 2;");
        sqlite3_close (db);
        break;
      }
    case OP_REGISTER:
    case OP_PRINT:
    case OP_SYNC:
    case OP_BACKUP:
    case N_OPS:
    default:
      break;
    }
}

/* Runs @op once; with @delay_us >= 0, kills it then. Returns whether the
 * kill ended it. */
static gboolean
round_of (Loop   *l,
          Op      op,
          gint64  delay_us,
          gint64 *took_us)
{
  g_autofree char *sender = g_strdup_printf ("Nadawca %u", ++l->seq);
  g_autofree char *out = NULL;
  gboolean killed = FALSE;
  const char *ticket = some_ticket (l);
  const char *register_args[] = { "register", "letter", "--sender", sender, "--subject", "Pismo", NULL };
  const char *print_args[] = { "print", ticket ? ticket : "K03-26-000001-J", "--layout", "a4-confirmation",
                               "--output", l->pdf, "--force", NULL };
  const char *sync_args[] = { "sync", "--once", NULL };
  const char *backup_args[] = { "backup", l->backup, "--force", NULL };
  const char *restore_args[] = { "restore", l->restore_src, NULL };
  const char *purge_args[] = { "purge", NULL };
  const char *migrate_args[] = { "init", "--station", "K03", NULL };
  const char *const *args[N_OPS] = {
    register_args, print_args, sync_args, backup_args, restore_args, purge_args, migrate_args,
  };

  prepare (l, op);
  out = run (l, args[op], delay_us, &killed, took_us);
  if (op == OP_REGISTER)
    note_tickets (l, out);
  if (op == OP_PRINT)
    check_output (l->pdf, op);
  if (op == OP_BACKUP)
    check_output (l->backup, op);
  return killed;
}

static void
test_crash_loop (void)
{
  Loop l = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GRand) rand = NULL;
  guint total_kills = 0, lost = 0, sent_twice = 0, rounds = 0, not_on_server = 0;
  gint64 started = g_get_monotonic_time ();
  guint32 seed;

  seed = (guint32) g_test_rand_int ();
  rand = g_rand_new_with_seed (seed);
  g_test_message ("seed %u", seed);
  l.server = okn_test_open311_start (API_KEY);
  okn_test_server_set (l.server, "idempotency", "honour");
  okn_test_paths_make ("okienko.db", &l.dir, &l.db, &l.conf);
  config = okn_test_open311_config (l.conf, l.server, API_KEY);
  okn_test_config_set (config, "sync.backoff_base_seconds", "1");
  okn_test_config_set (config, "sync.backoff_cap_seconds", "1");
  l.pdf = g_build_filename (l.dir, "ticket.pdf", NULL);
  l.backup = g_build_filename (l.dir, "backup.db", NULL);
  l.restore_src = g_build_filename (l.dir, "restore-from.db", NULL);
  l.confirmed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  l.lost = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  store = okn_test_open_store (l.dir, "K03");
  g_clear_pointer (&store, okn_store_close);

  /* Each command once to its end: how long it takes here. */
  for (guint i = 0; i < 5; i++)
    round_of (&l, OP_REGISTER, -1, NULL);
  for (Op op = 0; op < N_OPS; op++)
    {
      round_of (&l, op, -1, &l.duration_us[op]);
      check_store (&l, op_names[op]);
    }

  /* Round after round, the commands in turn (registers twice as often:
   * they make the records the others work on), each killed at a random
   * point up to a little past its usual end. */
  while (total_kills < MIN_KILLS && rounds < MAX_ROUNDS)
    {
      Op op = (Op) (rounds % (N_OPS + 1));
      gint64 delay;
      gboolean killed;

      if (op == N_OPS)
        op = OP_REGISTER;
      /* A register is killed over twice its time, so that about half
       * of them confirm a record the later kills must not lose. */
      delay = g_rand_int_range (rand, 0, (gint32) MIN (l.duration_us[op] * (op == OP_REGISTER ? 2 : 6 / 5.0) + 1000,
                                                       G_MAXINT32));
      killed = round_of (&l, op, delay, NULL);
      if (killed)
        {
          l.kills[op]++;
          total_kills++;
        }
      else
        l.finished[op]++;
      check_store (&l, op_names[op]);
      rounds++;
    }

  /* A sync left to finish: each confirmed record on the server once. */
  {
    gboolean killed;

    for (guint i = 0; i < 20; i++)
      {
        g_autofree char *out = run (&l, (const char *const[]) { "sync", "--once", NULL }, -1, &killed, NULL);
        sqlite3 *db = open_raw (l.db);
        g_autofree char *waiting = raw_text (db, "SELECT count(*) FROM records WHERE sync_state IN "
                                                 "('queued', 'sending', 'awaiting-id')");

        sqlite3_close (db);
        if (g_str_equal (waiting, "0"))
          break;
        g_usleep (1100 * 1000);
      }
  }
  {
    GHashTableIter it;
    gpointer ticket;

    g_hash_table_iter_init (&it, l.confirmed);
    while (g_hash_table_iter_next (&it, &ticket, NULL))
      {
        guint n = okn_test_server_cases_for (l.server, ticket);

        if (n > 1)
          sent_twice++;
        else if (n == 0)
          not_on_server++;
      }
  }
  check_store (&l, "the final sync");
  lost = g_hash_table_size (l.lost);

  {
    g_autoptr (GString) per_op = g_string_new (NULL);

    for (Op op = 0; op < N_OPS; op++)
      g_string_append_printf (per_op, "%s%s %u killed / %u finished", op ? ", " : "", op_names[op],
                              l.kills[op], l.finished[op]);
    g_test_message ("crash loop: %u rounds, %u kills (%s)", rounds, total_kills, per_op->str);
    g_test_message ("crash loop: %u confirmed records, %u lost, %u sent twice, %u not on the server "
                    "after the final sync, %u tickets printed twice, integrity_check ok %u/%u times, "
                    "%.1f s",
                    g_hash_table_size (l.confirmed), lost, sent_twice, not_on_server,
                    l.duplicates_printed, l.checks, l.checks,
                    (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);
  }
  g_assert_cmpuint (total_kills, >=, MIN_KILLS);
  for (Op op = 0; op < N_OPS; op++)
    if (l.kills[op] == 0)
      g_error ("%s was never killed", op_names[op]);
  g_assert_cmpuint (lost, ==, 0);
  g_assert_cmpuint (sent_twice, ==, 0);
  g_assert_cmpuint (not_on_server, ==, 0);
  g_assert_cmpuint (l.duplicates_printed, ==, 0);

  g_hash_table_unref (l.confirmed);
  g_hash_table_unref (l.lost);
  okn_open311_server_free (l.server);
  okn_test_paths_clear (&l.dir, &l.db, &l.conf);
  g_free (l.pdf);
  g_free (l.backup);
  g_free (l.restore_src);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash-loop/every-command", test_crash_loop);
  return g_test_run ();
}
