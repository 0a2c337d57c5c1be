/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-backup.c: okienkoctl backup, restore and check as an administrator
 * runs them: real SQLite files in a temporary folder, okienkoctl as a real
 * process, a real sync against the loopback Open311 server
 *
 * The promises (issue 13): a backup is a checked private copy made while
 * the station works; a restore never gives a ticket number out twice and
 * never sends a record twice; check names what is wrong, with exit codes.
 */
#define G_LOG_DOMAIN "test-backup"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sql.h"
#include "okn-test-sync.h"

#define API_KEY "backup-KLUCZ-91c2"

typedef struct
{
  char *dir;
  char *db;
  char *conf;
  OknStore *store;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->conf);
  config = okn_config_new (f->conf);
  okn_config_save (config, &error);
  g_assert_no_error (error);
  f->store = okn_test_open_store (f->dir, "K03");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->store, okn_store_close);
  okn_test_paths_clear (&f->dir, &f->db, &f->conf);
}

static char *
register_letter (OknStore   *store,
                 const char *sender)
{
  g_autoptr (OknRecord) r = okn_test_add_letter (store, sender, "Wniosek o wycinkę drzewa");

  return g_strdup (r->ticket);
}

/* @n letters from @sender registered in the fixture's store. */
static void
add_letters (Fixture    *f,
             guint       n,
             const char *sender)
{
  for (guint i = 0; i < n; i++)
    g_free (register_letter (f->store, sender));
}

/* @before letters, a backup of them in @backup, then @after more letters
 * that the backup does not hold; the store closed, as for a restore. */
static void
backup_then_register (Fixture    *f,
                      const char *backup,
                      guint       before,
                      guint       after)
{
  add_letters (f, before, "Jan Kowalski");
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", backup, NULL), ==, 0);
  add_letters (f, after, "Ewa Zielińska");
  g_clear_pointer (&f->store, okn_store_close);
}

/* Two letters registered and the store closed, as okienkoctl check finds
 * the database. Returns: (transfer full): the second letter's ticket */
static char *
two_letters_closed (Fixture *f)
{
  char *ticket;

  add_letters (f, 1, "Jan Kowalski");
  ticket = register_letter (f->store, "Jan Kowalski");
  g_clear_pointer (&f->store, okn_store_close);
  return ticket;
}

/* The outbox row of @ticket deleted: a queued record that would never be
 * sent. */
static void
lose_outbox_row (Fixture    *f,
                 const char *ticket)
{
  g_autofree char *sql =
    g_strdup_printf ("DELETE FROM outbox WHERE record_id = (SELECT id FROM records WHERE ticket = '%s')",
                     ticket);

  okn_test_sql_exec (f->db, sql);
}

/* g_ptr_array_sort() compares pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The names in @dir, sorted, as one string. */
static char *
list_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *n;

  while ((n = g_dir_read_name (d)))
    g_ptr_array_add (names, g_strdup (n));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* A refused restore leaves nothing of its own in the folder: no database
 * set aside, no copy half made. */
static void
assert_no_restore_files (Fixture *f)
{
  g_autofree char *names = list_dir (f->dir);

  g_assert_null (strstr (names, "before-restore"));
  g_assert_null (strstr (names, "okienko-restore"));
}

/* A process that has the database open, as the desk has, until killed:
 * a connection that read once and stays idle; with @write, a write
 * transaction left open. */
static pid_t
hold_database (const char *path,
               gboolean    writer)
{
  int fds[2];
  pid_t pid;
  char c = 0;

  g_assert_cmpint (pipe (fds), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      sqlite3 *db = NULL;

      close (fds[0]);
      if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
          || sqlite3_exec (db, "SELECT count(*) FROM records", NULL, NULL, NULL) != SQLITE_OK
          || (writer && sqlite3_exec (db, "BEGIN IMMEDIATE; INSERT INTO meta (key, value) VALUES "
                                     "('uncommitted', 'x')", NULL, NULL, NULL) != SQLITE_OK))
        _exit (1);
      if (write (fds[1], "r", 1) != 1)
        _exit (1);
      for (;;)
        pause ();
    }
  close (fds[1]);
  g_assert_cmpint (read (fds[0], &c, 1), ==, 1);
  close (fds[0]);
  return pid;
}

static void
release_database (pid_t pid)
{
  int status;

  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
}

/* ---- backup ----------------------------------------------------------------- */

/* Made while another process holds a write transaction open: the backup
 * is the committed records, private, one self-contained file that passes
 * integrity_check; nothing but it is left in its folder. */
static void
test_backup_online (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dest_dir = okn_test_make_tmpdir ();
  g_autofree char *dest = g_build_filename (dest_dir, "nightly.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *check = NULL;
  g_autofree char *names = NULL;
  GStatBuf st;
  pid_t writer;
  int rc;

  add_letters (f, 3, "Jan Kowalski");
  writer = hold_database (f->db, TRUE);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "backup", dest, NULL);
  release_database (writer);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "3 records"));

  g_assert_cmpint (g_stat (dest, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  check = okn_test_sql_text (dest, "PRAGMA integrity_check");
  g_assert_cmpstr (check, ==, "ok");
  g_assert_cmpint (okn_test_sql_int (dest, "SELECT count(*) FROM records"), ==, 3);
  g_assert_cmpint (okn_test_sql_int (dest, "SELECT count(*) FROM meta WHERE key = 'uncommitted'"), ==, 0);
  /* One file, not a WAL database: no -wal to lose beside it. */
  names = list_dir (dest_dir);
  g_assert_cmpstr (names, ==, "nightly.db");
  g_assert_cmpint (okn_test_sql_int (dest, "PRAGMA application_id"), ==, OKN_STORE_APPLICATION_ID);
  okn_test_rm_rf (dest_dir);
}

/* Like every output: never over an existing file without --force, never
 * over the database or its files, even with it. */
static void
test_backup_refuses (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len;
  int rc;

  add_letters (f, 1, "Anna Nowak");
  g_assert_true (g_file_set_contents (dest, "do not lose me", -1, NULL));
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", dest, NULL);
  g_assert_cmpint (rc, ==, 2);
  g_assert_true (g_file_get_contents (dest, &before, &len, NULL));
  g_assert_cmpstr (before, ==, "do not lose me");

  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", "--force", dest, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpint (okn_test_sql_int (dest, "SELECT count(*) FROM records"), ==, 1);

  g_clear_pointer (&before, g_free);
  g_assert_true (g_file_get_contents (issued, &before, &len, NULL));
  for (guint i = 0; i < 3; i++)
    {
      const char *target = i == 0 ? f->db : i == 1 ? wal : issued;

      rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", "--force", target, NULL);
      g_assert_cmpint (rc, ==, 2);
    }
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM records"), ==, 1);
  g_assert_true (g_file_get_contents (issued, &after, &len, NULL));
  g_assert_true (memcmp (before, after, len) == 0);

  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", NULL);
  g_assert_cmpint (rc, ==, 2);
}

/* Taken while DB.issued is damaged, a backup carries none of the numbers
 * it held: okienkoctl backup still writes it (exit 0: it is checked and
 * restores; a script that saw a failure would lose a usable backup) and
 * says so on stderr, naming the file, what it means for a restore on a
 * new disk and what to do; the nightly --rotate too. */
static void
test_backup_issued_damaged (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *garbage = g_strnfill (8192, 'x');
  const char *const rotate[] = { "backup", "--rotate", NULL };
  const char *const named[] = { "backup", dest, NULL };

  add_letters (f, 2, "Jan Kowalski");
  g_clear_pointer (&f->store, okn_store_close);
  g_assert_true (g_file_set_contents (issued, garbage, 8192, NULL));
  g_assert_cmpint (g_chmod (issued, 0600), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      const char *const *args = i == 0 ? named : rotate;
      g_autofree char *err = NULL;
      int rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, args[0], args[1], NULL);

      if (rc != 0 || strstr (err, issued) == NULL || strstr (err, "this backup carries none") == NULL
          || strstr (err, "new disk") == NULL || strstr (err, "okienkoctl init") == NULL)
        g_error ("backup %s with DB.issued damaged: exit %d, expected 0 and a warning: %s", args[1], rc, err);
    }
  g_assert_cmpint (okn_test_sql_int (dest, "SELECT count(*) FROM records"), ==, 2);
}

/* The nightly backup: a dated, checked backup in backup.dir, then the dated
 * ones older than backup.keep_days removed, nothing else. Without
 * backup.dir, "backups" beside the database. */
static void
test_backup_rotate (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) old = g_date_time_add_days (now, -20);
  g_autoptr (GDateTime) recent = g_date_time_add_days (now, -5);
  g_autofree char *dir = g_build_filename (f->dir, "nightly", NULL);
  g_autofree char *old_stamp = g_date_time_format (old, "okienko-%Y%m%dT%H%M%SZ.db");
  g_autofree char *recent_stamp = g_date_time_format (recent, "okienko-%Y%m%dT%H%M%SZ.db");
  g_autofree char *old_path = g_build_filename (dir, old_stamp, NULL);
  g_autofree char *recent_path = g_build_filename (dir, recent_stamp, NULL);
  g_autofree char *names = NULL;
  g_autofree char *out = NULL;
  g_autofree char *default_dir = g_build_filename (f->dir, "backups", NULL);
  g_auto (GStrv) listed = NULL;
  GStatBuf st;
  int rc;

  add_letters (f, 1, "Jan Kowalski");
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", old_path, NULL);
  g_assert_cmpint (rc, ==, 0);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", recent_path, NULL);
  g_assert_cmpint (rc, ==, 0);
  {
    g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
    g_autofree char *other = g_build_filename (dir, "okienko-latest.db", NULL);

    g_assert_true (g_file_set_contents (notes, "kopie", -1, NULL));
    g_assert_true (g_file_set_contents (other, "kopia ręczna", -1, NULL));
  }

  config = okn_config_load (f->conf, &error);
  g_assert_no_error (error);
  okn_test_config_set (config, "backup.dir", dir);
  okn_test_config_set (config, "backup.keep_days", "14");
  add_letters (f, 1, "Anna Nowak");
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, NULL, "backup", "--rotate", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "2 records"));
  g_assert_nonnull (strstr (out, old_stamp));

  names = list_dir (dir);
  listed = g_strsplit (names, " ", -1);
  g_assert_cmpuint (g_strv_length (listed), ==, 4);
  g_assert_false (g_strv_contains ((const char *const *) listed, old_stamp));
  g_assert_true (g_strv_contains ((const char *const *) listed, recent_stamp));
  g_assert_true (g_strv_contains ((const char *const *) listed, "notes.txt"));
  g_assert_true (g_strv_contains ((const char *const *) listed, "okienko-latest.db"));
  for (guint i = 0; listed[i]; i++)
    if (!g_str_equal (listed[i], recent_stamp) && g_str_has_prefix (listed[i], "okienko-2"))
      {
        g_autofree char *p = g_build_filename (dir, listed[i], NULL);

        g_assert_cmpint (okn_test_sql_int (p, "SELECT count(*) FROM records"), ==, 2);
      }

  /* No backup.dir: "backups" beside the database, private. */
  okn_test_config_unset (config, "backup.dir");
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", "--rotate", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpint (g_stat (default_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_clear_pointer (&names, g_free);
  names = list_dir (default_dir);
  g_assert_true (g_str_has_prefix (names, "okienko-2") && g_str_has_suffix (names, "Z.db"));

  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", "--rotate", "x.db", NULL);
  g_assert_cmpint (rc, ==, 2);
}

/* ---- restore ---------------------------------------------------------------- */

/* Tickets handed out after the backup are never handed out again: the
 * restore names them, and the next letter gets the number after them. The
 * replaced database is kept aside, whole. */
static void
test_restore_numbers (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  const char *p;
  int rc;

  backup_then_register (f, backup, 2, 3);

  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "restore", backup, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "2 records"));
  g_assert_nonnull (strstr (err, "K03-26-000003-P to K03-26-000005-T"));
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM records"), ==, 2);

  /* The replaced database, with what its -wal held, is kept. */
  p = strstr (out, "kept as ");
  g_assert_nonnull (p);
  aside = g_strndup (p + 8, strcspn (p + 8, "\n") - 1);
  g_assert_cmpint (okn_test_sql_int (aside, "SELECT count(*) FROM records"), ==, 5);

  f->store = okn_store_open (f->db, &error);
  g_assert_no_error (error);
  next = register_letter (f->store, "Piotr Wiśniewski");
  g_assert_cmpstr (next, ==, "K03-26-000006-W");
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM audit_log WHERE action = 'restore'"), ==, 1);
}

/* A station whose disk was replaced: no database yet, not even its
 * folder (the user data folder of a new account), and no DB.issued: the
 * three letters registered after the backup went with the old disk. The
 * restore refuses until the administrator says how many numbers to leave
 * out; then it makes the folder, private, as init does, puts the backup
 * there, and the next ticket comes after the gap, never one of the three
 * again. */
static void
test_restore_new_station (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "new-disk", "okienko", NULL);
  g_autofree char *db = g_build_filename (folder, "okienko.db", NULL);
  g_autofree char *issued = g_strconcat (db, ".issued", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *next = NULL;
  g_autofree char *made = NULL;
  g_autofree char *made_shown = NULL;
  g_autoptr (GDateTime) made_at = NULL;
  g_autoptr (GDateTime) made_local = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  int rc;

  backup_then_register (f, backup, 2, 3);
  made = okn_test_sql_text (backup, "SELECT value FROM meta WHERE key = 'backup.made_at'");
  made_at = g_date_time_new_from_iso8601 (made, NULL);
  g_assert_nonnull (made_at);
  made_local = g_date_time_to_local (made_at);
  made_shown = g_date_time_format (made_local, "(from %d.%m.%Y %H:%M)");

  rc = okn_test_run_ctl (db, f->conf, NULL, &out, &err, "restore", backup, NULL);
  g_assert_cmpint (rc, ==, 2);
  g_assert_nonnull (strstr (err, issued));
  /* The backup's time as okienkoctl shows times (day), in local time. */
  if (strstr (err, made_shown) == NULL || strstr (err, made) != NULL)
    g_error ("the refusal does not show the backup's time as %s: %s", made_shown, err);
  g_assert_nonnull (strstr (err, "K03-26-000002-M, the backup's last ticket"));
  g_assert_nonnull (strstr (err, "--skip-numbers N"));
  g_assert_nonnull (strstr (err, "Nothing was changed"));
  g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  rc = okn_test_run_ctl (db, f->conf, NULL, &out, &err, "restore", "--skip-numbers", "100", backup, NULL);
  if (rc != 0)
    g_error ("restore into a new folder: exit %d: %s", rc, err);
  g_assert_nonnull (strstr (out, "2 records"));
  g_assert_nonnull (strstr (err, "K03-26-000003-P to K03-26-000102-W are left out"));
  g_assert_nonnull (strstr (err, "the next ticket is K03-26-000103-Y"));
  g_assert_cmpint (okn_test_sql_int (db, "SELECT count(*) FROM records"), ==, 2);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (okn_test_sql_int (db, "SELECT count(*) FROM audit_log WHERE action = 'skip-numbers' AND "
                                         "details LIKE '%\"from\":\"K03-26-000003-P\",\"to\":\"K03-26-000102-W\"%'"),
                   ==, 1);
  g_assert_cmpint (okn_test_sql_int (db, "SELECT count(*) FROM audit_log WHERE action = 'restore' AND "
                                         "details LIKE '%\"skip_numbers\":\"100\"%'"),
                   ==, 1);

  f->store = okn_store_open (db, &error);
  g_assert_no_error (error);
  next = register_letter (f->store, "Piotr Wiśniewski");
  g_assert_cmpstr (next, ==, "K03-26-000103-Y");
  g_clear_pointer (&f->store, okn_store_close);
  g_clear_pointer (&out, g_free);
  rc = okn_test_run_ctl (db, f->conf, NULL, &out, NULL, "check", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "Everything holds."));
}

/* A backup carries what DB.issued knew when it was made, ahead of the
 * database's counters when the database had lost numbers before: here an
 * older copy was put back (numbers 3 to 5 lost from the database, kept
 * in DB.issued), then backed up; the backup's counter is raised to 5
 * with them. Restored on a new disk, even with no numbers left out, the
 * next ticket comes after 5. */
static void
test_restore_backup_carries_issued (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *old = g_build_filename (f->dir, "old.db", NULL);
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *db = g_build_filename (f->dir, "new-disk", "okienko.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;

  backup_then_register (f, old, 2, 3);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "restore", old, NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", backup, NULL), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT last_seq FROM counters"), ==, 2);
  g_assert_cmpint (okn_test_sql_int (backup, "SELECT last_seq FROM counters"), ==, 5);

  g_assert_cmpint (okn_test_run_ctl (db, f->conf, NULL, NULL, &err, "restore", "--skip-numbers", "0", backup, NULL),
                   ==, 0);
  g_assert_nonnull (strstr (err, "the next ticket is K03-26-000006-W"));
  f->store = okn_store_open (db, &error);
  g_assert_no_error (error);
  next = register_letter (f->store, "Piotr Wiśniewski");
  g_assert_cmpstr (next, ==, "K03-26-000006-W");
}

/* A station that gave out no ticket yet (DB.issued empty after init):
 * its backup has nothing to give out again, and restores on the same
 * disk as before, without --skip-numbers. */
static void
test_restore_no_tickets_yet (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *next = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  backup_then_register (f, backup, 0, 0);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", backup, NULL);
  if (rc != 0)
    g_error ("restore of a station with no tickets yet: exit %d: %s", rc, err);
  g_assert_null (strstr (err, "K03-26-000000"));
  f->store = okn_store_open (f->db, &error);
  g_assert_no_error (error);
  next = register_letter (f->store, "Jan Kowalski");
  g_assert_cmpstr (next, ==, "K03-26-000001-J");
}

/* A FIFO in the place of DB.issued: the restore reads that file before
 * any store opens; it is refused at once, naming it, never waited on. */
static void
test_restore_issued_fifo (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  const char *const args[] = { "restore", backup, NULL };
  g_autoptr (GPtrArray) argv = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;

  backup_then_register (f, backup, 2, 0);
  g_assert_cmpint (g_unlink (issued), ==, 0);
  g_assert_cmpint (mkfifo (issued, 0600), ==, 0);
  argv = okn_test_ctl_argv (f->db, f->conf, args);
  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  if (!okn_test_wait_exit (proc, 30 * G_TIME_SPAN_SECOND))
    {
      g_subprocess_force_exit (proc);
      g_error ("restore hangs on a FIFO in the place of %s", issued);
    }
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 3);
  g_assert_nonnull (strstr (err, issued));
  g_assert_nonnull (strstr (err, "not a plain file"));
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM records"), ==, 2);
}

/* The bytes of @path ("" when there is no such file). */
static char *
file_bytes (const char *path,
            gsize      *len)
{
  char *bytes = NULL;

  *len = 0;
  if (!g_file_get_contents (path, &bytes, len, NULL))
    return g_strdup ("");
  return bytes;
}

/* Restores from @hostile, which carries @carried, onto the fixture's
 * database and onto a new disk with --skip-numbers 0: each is refused with
 * exit 3, naming the backup, in a message that does not quote what it
 * carries; the database and DB.issued stay byte for byte as they were,
 * and no database is made on the new disk. */
static void
assert_restore_refused (Fixture    *f,
                        const char *hostile,
                        const char *carried)
{
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *new_db = g_build_filename (f->dir, "new-disk", "okienko.db", NULL);
  gsize db_len, issued_len;
  g_autofree char *db_before = file_bytes (f->db, &db_len);
  g_autofree char *issued_before = file_bytes (issued, &issued_len);

  for (guint disk = 0; disk < 2; disk++)
    {
      g_autofree char *err = NULL;
      g_autofree char *db_after = NULL;
      g_autofree char *issued_after = NULL;
      gsize db_after_len, issued_after_len;
      int rc = disk == 0
                 ? okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", hostile, NULL)
                 : okn_test_run_ctl (new_db, f->conf, NULL, NULL, &err, "restore", "--skip-numbers", "0",
                                     hostile, NULL);

      if (rc != 3 || strstr (err, hostile) == NULL || strstr (err, "Nothing was changed") == NULL
          || strlen (err) > 2000)
        g_error ("restore of a backup carrying %s (%s): exit %d, expected 3 naming it: %.2000s", carried,
                 disk == 0 ? "same disk" : "new disk", rc, err);
      g_assert_false (g_file_test (new_db, G_FILE_TEST_EXISTS));
      db_after = file_bytes (f->db, &db_after_len);
      issued_after = file_bytes (issued, &issued_after_len);
      g_assert_true (db_after_len == db_len && memcmp (db_after, db_before, db_len) == 0);
      g_assert_true (issued_after_len == issued_len && memcmp (issued_after, issued_before, issued_len) == 0);
      assert_no_restore_files (f);
    }
}

/* A backup whose carried marks (meta backup.issued) were changed after it
 * was made, or are damaged: numbers no ticket can have, lines that are
 * not "STATION YY NUMBER", text far longer than DB.issued ever holds, a
 * mark far above the copy's own counter (this year's or next year's), or
 * that counter itself out of a ticket's range: its restore is refused
 * and changes nothing (assert_restore_refused()).
 * Left alone, a mark of 999999 would have used up the station's numbers
 * for the year. */
static void
test_restore_hostile_marks (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *next_year = g_strdup_printf ("'K03 %02d 100001' || char (10)",
                                                (g_date_time_get_year (now) + 1) % 100);
  /* The copy's own counter, which the marks are bounded by: out of the
   * range of a ticket (2^32 + 2 would read as 2, and be given out again). */
  const char *counters[] = { "4294967298", "-1", "1000000" };
  const char *values[] = {
    "'K03 26 999999' || char (10)",
    "'K03 26 4294967296' || char (10)",
    "'K03 26 2' || char (10) || 'K03 26 100003' || char (10)",
    next_year,
    "'K03 2026 5' || char (10)",
    "'K0$ 26 5' || char (10)",
    "'K03 26 -1' || char (10)",
    "'K03 26 5 6' || char (10)",
    "'garbage' || char (27) || '[31m'",
    "999999",
    "replace (hex (zeroblob (200000)), '00', 'K03 26 1' || char (10))",
  };

  backup_then_register (f, backup, 2, 0);
  g_assert_true (g_file_get_contents (backup, &bytes, &len, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *name = g_strdup_printf ("hostile-%u.db", i);
      g_autofree char *hostile = g_build_filename (f->dir, name, NULL);
      g_autofree char *sql = g_strdup_printf ("UPDATE meta SET value = %s WHERE key = 'backup.issued'",
                                              values[i]);

      g_assert_true (g_file_set_contents (hostile, bytes, (gssize) len, NULL));
      okn_test_sql_exec (hostile, sql);
      assert_restore_refused (f, hostile, values[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (counters); i++)
    {
      g_autofree char *name = g_strdup_printf ("hostile-counter-%u.db", i);
      g_autofree char *hostile = g_build_filename (f->dir, name, NULL);
      g_autofree char *sql = g_strdup_printf ("UPDATE counters SET last_seq = %s; UPDATE meta SET value = '' "
                                              "WHERE key = 'backup.issued'",
                                              counters[i]);

      g_assert_true (g_file_set_contents (hostile, bytes, (gssize) len, NULL));
      okn_test_sql_exec (hostile, sql);
      assert_restore_refused (f, hostile, counters[i]);
    }
}

/* @nightly made of a database behind DB.issued: an older backup put back
 * on the same disk after K03-26-100003-W was given out, more than 100000
 * numbers after the older backup's counter. */
static void
backup_behind_issued (Fixture    *f,
                      const char *nightly)
{
  g_autofree char *old = g_build_filename (f->dir, "old.db", NULL);
  g_autofree char *ticket = NULL;
  g_autoptr (GError) error = NULL;

  backup_then_register (f, old, 2, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "restore", "--skip-numbers", "100000", old,
                                     NULL),
                   ==, 0);
  f->store = okn_store_open (f->db, &error);
  g_assert_no_error (error);
  ticket = register_letter (f->store, "Anna Nowak");
  g_assert_cmpstr (ticket, ==, "K03-26-100003-W");
  g_clear_pointer (&f->store, okn_store_close);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "restore", old, NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", nightly, NULL), ==, 0);
}

/* Such a backup (backup_behind_issued()) carries marks far above the
 * counters it copied; it raises those counters to them, so it is whole
 * in itself, and restores on that disk and on a new one, where the next
 * ticket comes after K03-26-100003-W. */
static void
test_restore_marks_far_ahead (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *nightly = g_build_filename (f->dir, "nightly.db", NULL);
  g_autofree char *new_db = g_build_filename (f->dir, "new-disk", "okienko.db", NULL);
  g_autoptr (OknStore) restored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *next = NULL;

  backup_behind_issued (f, nightly);
  for (guint disk = 0; disk < 2; disk++)
    {
      g_autofree char *err = NULL;
      int rc = disk == 0 ? okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", nightly, NULL)
                         : okn_test_run_ctl (new_db, f->conf, NULL, NULL, &err, "restore", "--skip-numbers", "0",
                                             nightly, NULL);

      if (rc != 0)
        g_error ("restore of a checked backup whose marks are far ahead (%s): exit %d: %s",
                 disk == 0 ? "same disk" : "new disk", rc, err);
    }
  restored = okn_store_open (new_db, &error);
  g_assert_no_error (error);
  next = register_letter (restored, "Piotr Wiśniewski");
  g_assert_cmpstr (next, ==, "K03-26-100004-J");
}

/* While the desk (an open connection), a writer or a sync has the
 * database, restore refuses with exit 6 and changes nothing. */
static void
test_restore_in_use (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *err = NULL;
  g_autoptr (GSubprocess) sync = NULL;
  GStatBuf before, after;
  int rc;

  backup_then_register (f, backup, 1, 1);
  g_assert_cmpint (g_stat (f->db, &before), ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      pid_t holder = hold_database (f->db, i == 1);

      rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", backup, NULL);
      release_database (holder);
      g_assert_cmpint (rc, ==, 6);
      g_assert_nonnull (strstr (err, "open in another program"));
      g_clear_pointer (&err, g_free);
    }

  /* A sync running (offline: it holds the lock and a connection). */
  sync = okn_test_start_sync (f->db, f->conf, "--watch");
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *lock = g_strconcat (f->db, ".sync.lock", NULL);

      if (g_file_test (lock, G_FILE_TEST_EXISTS))
        break;
      g_usleep (10 * 1000);
    }
  g_usleep (200 * 1000);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", backup, NULL);
  g_subprocess_send_signal (sync, SIGTERM);
  g_assert_true (okn_test_wait_exit (sync, 30 * G_TIME_SPAN_SECOND));
  g_assert_cmpint (rc, ==, 6);
  g_assert_nonnull (strstr (err, "sync"));

  g_assert_cmpint (g_stat (f->db, &after), ==, 0);
  g_assert_cmpuint (before.st_ino, ==, after.st_ino);
  g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM records"), ==, 2);
  assert_no_restore_files (f);
}

/* What is not a sound backup of this station is refused, nothing changed. */
static void
test_restore_bad_source (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.db", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other-station", NULL);
  g_autofree char *other_db = g_build_filename (other, "okienko.db", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
  g_autofree char *cut = g_build_filename (f->dir, "cut-short.db", NULL);
  g_autofree char *whole = g_build_filename (f->dir, "whole.db", NULL);
  /* The database itself under other names: a restore from it would mark
   * every waiting record as sent-perhaps and keep a needless copy. */
  g_autofree char *sym = g_build_filename (f->dir, "link-to-db.db", NULL);
  g_autofree char *hard = g_build_filename (f->dir, "hard-link.db", NULL);
  g_autofree char *dotted = g_build_filename (f->dir, ".", "okienko.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr (OknStore) other_store = NULL;
  struct
  {
    const char *path;
    int rc;
  } cases[] = {
    { text, 3 },
    { foreign, 3 },
    { empty, 3 },
    { cut, 3 },
    { other_db, 2 },
    { f->db, 2 },
    { sym, 2 },
    { hard, 2 },
    { dotted, 2 },
  };

  add_letters (f, 1, "Jan Kowalski");
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", whole, NULL), ==, 0);
  g_clear_pointer (&f->store, okn_store_close);
  g_assert_true (g_file_set_contents (text, "nie baza danych\n", -1, NULL));
  okn_test_sql_exec (foreign, "CREATE TABLE t (a); INSERT INTO t VALUES (1);");
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  /* A backup cut short while copied to a stick. */
  g_assert_true (g_file_get_contents (whole, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 8192);
  g_assert_true (g_file_set_contents (cut, bytes, 8192, NULL));
  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
  other_store = okn_test_open_store (other, "K07");
  g_clear_pointer (&other_store, okn_store_close);
  g_assert_cmpint (symlink ("okienko.db", sym), ==, 0);
  g_assert_cmpint (link (f->db, hard), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "restore", cases[i].path, NULL);

      g_autofree char *name = g_path_get_basename (cases[i].path);

      if (rc != cases[i].rc)
        g_error ("restore %s: exit %d, expected %d: %s", cases[i].path, rc, cases[i].rc, err);
      g_assert_cmpint (okn_test_sql_int (f->db, "SELECT count(*) FROM records"), ==, 1);
      /* The message names the file the administrator gave, not our
       * temporary copy of it, and says what is wrong with it. */
      if (strstr (err, name) == NULL || strstr (err, ".okienko-restore") || strstr (err, "not an error"))
        g_error ("restore %s: the message does not name it or says nothing: %s", cases[i].path, err);
    }
  assert_no_restore_files (f);
}

/* Records the server got after the backup are not sent again after the
 * restore: the restored queue is searched for by ticket marker and the
 * cases adopted (a server that ignores the Idempotency-Key). */
static void
test_restore_no_double_send (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (OknOpen311Server) server = okn_test_open311_start (API_KEY);
  g_autoptr (OknConfig) config = okn_test_open311_config (f->conf, server, API_KEY);
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids_before = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (OknRecord) late = NULL;
  OknListFilter filter = { 0 };
  g_autoptr (GPtrArray) all = NULL;
  int rc;

  okn_test_server_set (server, "idempotency", "ignore");
  okn_test_add_reports (f->store, 3);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "backup", backup, NULL);
  g_assert_cmpint (rc, ==, 0);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "sync", "--once", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpuint (okn_test_server_counters (server).created, ==, 3);
  all = okn_store_list (f->store, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    g_ptr_array_add (ids_before, g_strdup (((OknRecord *) g_ptr_array_index (all, i))->server_id));
  g_clear_pointer (&all, g_ptr_array_unref);
  g_clear_pointer (&f->store, okn_store_close);

  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, NULL, "restore", backup, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "3 records waiting to be sent are searched for"));

  /* One more report after the restore: it is posted, the three are not. */
  f->store = okn_store_open (f->db, &error);
  g_assert_no_error (error);
  late = okn_test_add_report (f->store, "dumping", "Po przywróceniu kopii");
  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "sync", "--once", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpuint (okn_test_server_counters (server).created, ==, 4);
  g_assert_cmpuint (okn_test_server_counters (server).posts, ==, 4);
  okn_test_assert_each_once (f->store, (OknTestCasesFor) okn_test_server_cases_for, NULL, server);

  all = okn_store_list (f->store, &filter, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      OknRecord *r = g_ptr_array_index (all, i);

      g_assert_cmpint (r->sync_state, ==, OKN_SYNC_SYNCED);
      if (g_str_equal (r->ticket, late->ticket))
        continue;
      g_assert_true (g_ptr_array_find_with_equal_func (ids_before, r->server_id, g_str_equal, NULL));
      g_assert_true (okn_test_audit_has (f->store, r->id, NULL, "\"adopted\":true"));
    }
}

/* ---- check ------------------------------------------------------------------ */

static void
test_check (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *ticket = two_letters_closed (f);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc;

  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "check", NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_nonnull (strstr (out, "2 records; quick_check ok. Everything holds."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A queued record that lost its outbox row would never be sent. */
  lose_outbox_row (f, ticket);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "check", NULL);
  g_assert_cmpint (rc, ==, 5);
  g_assert_nonnull (strstr (out, ticket));
  g_assert_nonnull (strstr (out, "not in the outbox"));
  g_assert_nonnull (strstr (out, "1 problem found."));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  okn_test_sql_exec (f->db, "INSERT INTO outbox (record_id) SELECT id FROM records WHERE id NOT IN (SELECT record_id FROM outbox)");

  /* The file of numbers given out lost: behind the database. */
  g_assert_cmpint (g_unlink (issued), ==, 0);
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "check", NULL);
  g_assert_cmpint (rc, ==, 5);
  g_assert_nonnull (strstr (out, "behind the database (up to K03-26-000002-M"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Numbers given out that the database does not hold. */
  okn_test_sql_exec (f->db, "UPDATE counters SET last_seq = 1");
  rc = okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "check", NULL);
  g_assert_cmpint (rc, ==, 5);
  g_assert_nonnull (strstr (out, "above the station's counter"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* No database: exit 2. */
  {
    g_autofree char *none = g_build_filename (f->dir, "none.db", NULL);

    rc = okn_test_run_ctl (none, f->conf, NULL, &out, &err, "check", NULL);
    g_assert_cmpint (rc, ==, 2);
  }
}

/* okienkoctl check --json on @db: its exit status in @rc, its one JSON
 * object (parsed by @parser) returned. */
static JsonObject *
check_json (Fixture    *f,
            const char *db,
            JsonParser *parser,
            int        *rc)
{
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;

  *rc = okn_test_run_ctl (db, f->conf, NULL, &out, NULL, "check", "--json", NULL);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_node_get_object (json_parser_get_root (parser));
}

/* For monitoring: the same findings and exit status as one JSON object,
 * a failure too. */
static void
test_check_json (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *ticket = two_letters_closed (f);
  g_autofree char *none = g_build_filename (f->dir, "none.db", NULL);
  JsonObject *o;
  JsonArray *problems;
  int rc;

  o = check_json (f, f->db, parser, &rc);
  g_assert_cmpint (rc, ==, 0);
  g_assert_true (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpint (json_object_get_int_member (o, "records"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "quick_check"), ==, "ok");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "problems")), ==, 0);

  lose_outbox_row (f, ticket);
  o = check_json (f, f->db, parser, &rc);
  g_assert_cmpint (rc, ==, 5);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_cmpstr (json_object_get_string_member (o, "quick_check"), ==, "ok");
  problems = json_object_get_array_member (o, "problems");
  g_assert_cmpuint (json_array_get_length (problems), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (problems, 0), ticket));
  g_assert_nonnull (strstr (json_array_get_string_element (problems, 0), "not in the outbox"));

  /* No database: exit 2, and still an answer a monitor can read. */
  o = check_json (f, none, parser, &rc);
  g_assert_cmpint (rc, ==, 2);
  g_assert_false (json_object_get_boolean_member (o, "ok"));
  g_assert_nonnull (json_object_get_string_member (o, "error"));
}

/* A damaged page is exit 3, whatever the fingerprint says. */
static void
test_check_damaged (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *bytes = NULL;
  g_autofree char *err = NULL;
  gsize len;
  gint64 page_size;
  int rc;

  add_letters (f, 40, "Jan Kowalski z bardzo długim nazwiskiem i adresem");
  g_clear_pointer (&f->store, okn_store_close);
  page_size = okn_test_sql_int (f->db, "PRAGMA page_size");
  g_assert_true (g_file_get_contents (f->db, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 8 * (gsize) page_size);
  /* The b-tree page header of a page in the middle: garbage. */
  memset (bytes + 5 * page_size, 0x5a, 64);
  g_assert_true (g_file_set_contents (f->db, bytes, (gssize) len, NULL));
  g_chmod (f->db, 0600);

  rc = okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "check", NULL);
  g_assert_cmpint (rc, ==, 3);
  g_assert_nonnull (strstr (err, "damaged"));
  /* The same as JSON: quick_check failed, the message with it. */
  {
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *o = check_json (f, f->db, parser, &rc);

    g_assert_cmpint (rc, ==, 3);
    g_assert_false (json_object_get_boolean_member (o, "ok"));
    g_assert_cmpstr (json_object_get_string_member (o, "quick_check"), ==, "failed");
    g_assert_nonnull (strstr (json_object_get_string_member (o, "error"), "damaged"));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/backup/online-private-checked", test_backup_online);
  ADD ("/backup/refuses-existing-and-protected", test_backup_refuses);
  ADD ("/backup/rotate", test_backup_rotate);
  ADD ("/backup/issued-damaged-warns", test_backup_issued_damaged);
  ADD ("/restore/numbers-never-reissued", test_restore_numbers);
  ADD ("/restore/new-station", test_restore_new_station);
  ADD ("/restore/backup-carries-issued", test_restore_backup_carries_issued);
  ADD ("/restore/no-tickets-yet", test_restore_no_tickets_yet);
  ADD ("/restore/issued-fifo-refused", test_restore_issued_fifo);
  ADD ("/restore/hostile-carried-marks", test_restore_hostile_marks);
  ADD ("/restore/marks-far-ahead", test_restore_marks_far_ahead);
  ADD ("/restore/refuses-while-in-use", test_restore_in_use);
  ADD ("/restore/refuses-bad-source", test_restore_bad_source);
  ADD ("/restore/no-double-send", test_restore_no_double_send);
  ADD ("/check/names-problems", test_check);
  ADD ("/check/json", test_check_json);
  ADD ("/check/damaged", test_check_damaged);
#undef ADD

  return g_test_run ();
}
