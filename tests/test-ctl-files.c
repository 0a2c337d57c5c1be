/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ctl-files.c: what okienkoctl does to files, run as a real process
 *
 * Issue 8: outputs never replace the database, its companions, the
 * configuration or any existing file without --force, and are written
 * atomically (item 1); read-only commands never create or migrate, and a
 * SQLite file of another program is refused untouched (4); a damaged
 * database is refused with the recovery steps (5); a database others can
 * read is made private (8); a full disk and a negative schema version are
 * said plainly (21). */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "okienko/okn-outputs.h"
#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sql.h"
#include "okn-test-sync.h"

typedef struct
{
  char *dir;
  char *db;
  char *config;
  char *ticket;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->config);
  g_assert_true (g_file_set_contents (f->config, "[office]\nname=Urząd Miasta Łodzi\n", -1, NULL));
  g_assert_cmpint (g_chmod (f->config, 0600), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "init", "--station", "K03", NULL),
                   ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "register", "letter", "--sender",
                                     "Jan Kowalski", "--subject", "Wniosek", NULL),
                   ==, 0);
  f->ticket = g_strstrip (g_steal_pointer (&out));
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_test_paths_clear (&f->dir, &f->db, &f->config);
  g_free (f->ticket);
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static void
assert_same_bytes (GBytes     *before,
                   const char *path)
{
  g_autoptr (GBytes) after = read_bytes (path);

  g_assert_true (g_bytes_equal (before, after));
}

/* The record is still there, read through the real program. */
static void
assert_ticket_readable (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "show", f->ticket, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Jan Kowalski"));
}

/* No temporary file of an atomic write is left in @dir. */
static void
assert_no_leftovers (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)))
    g_assert_false (name[0] == '.');
}

/* Commands, each at most five words and a NULL. */
typedef const char *const Command[6];

/* Each of @commands run on @db exits with @rc, says @needle (and not
 * @never, when given), and leaves the file as it was: byte-identical,
 * or still missing. */
static void
assert_refused_untouched (const char    *db,
                          const char    *config,
                          const Command *commands,
                          guint          n,
                          int            rc,
                          const char    *needle,
                          const char    *never)
{
  g_autoptr (GBytes) before = g_file_test (db, G_FILE_TEST_EXISTS) ? read_bytes (db) : NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *err = NULL;
      int got = okn_test_run_ctlv (db, config, NULL, NULL, &err, commands[i]);

      g_test_message ("%s: %d %s", commands[i][0], got, err);
      g_assert_cmpint (got, ==, rc);
      g_assert_nonnull (strstr (err, needle));
      if (never)
        g_assert_null (strstr (err, never));
      if (before)
        assert_same_bytes (before, db);
      else
        g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
    }
}

/* Item 1 ----------------------------------------------------------------- */

static void
test_day_never_replaces_database (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (GBytes) db = read_bytes (f->db);
  g_autoptr (GBytes) config = read_bytes (f->config);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *link = g_build_filename (f->dir, "register.csv", NULL);
  const char *targets[] = { f->db, wal, f->config, link };
  const char *formats[] = { "--csv", "--pdf" };

  g_assert_cmpint (symlink (f->db, link), ==, 0);
  for (guint t = 0; t < G_N_ELEMENTS (targets); t++)
    for (guint k = 0; k < G_N_ELEMENTS (formats); k++)
      for (int force = 0; force < 2; force++)
        {
          g_autofree char *err = NULL;
          int rc = okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "day", formats[k],
                                     targets[t], force ? "--force" : NULL, NULL);

          g_test_message ("day %s %s%s: %d %s", formats[k], targets[t], force ? " --force" : "", rc, err);
          g_assert_cmpint (rc, ==, 2);
          g_assert_nonnull (strstr (err, "never replaces"));
        }
  assert_same_bytes (db, f->db);
  assert_same_bytes (config, f->config);
  /* A -wal there is SQLite's (empty, or starting with its magic number),
   * never the register. */
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_autoptr (GBytes) w = read_bytes (wal);
      gsize len;
      const guint8 *b = g_bytes_get_data (w, &len);

      g_assert_true (len == 0 || (b[0] == 0x37 && b[1] == 0x7f && b[2] == 0x06));
    }
  assert_ticket_readable (f);
  assert_no_leftovers (f->dir);
}

static void
test_print_never_replaces_database (Fixture      *f,
                                    gconstpointer data)
{
  g_autoptr (GBytes) db = read_bytes (f->db);
  g_autoptr (GBytes) config = read_bytes (f->config);
  g_autofree char *as_pdf = g_strconcat (f->db, ".pdf", NULL);
  g_autofree char *err = NULL;

  /* A database whose name ends in .pdf is still the database. */
  g_assert_cmpint (g_rename (f->db, as_pdf), ==, 0);
  g_clear_pointer (&f->db, g_free);
  f->db = g_strdup (as_pdf);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "print", f->ticket, "--output",
                                     f->db, "--force", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "never replaces"));
  assert_same_bytes (db, f->db);
  assert_same_bytes (config, f->config);
  assert_ticket_readable (f);
}

/* Any other existing file needs --force; then it is replaced whole. */
static void
test_existing_file_needs_force (Fixture      *f,
                                gconstpointer data)
{
  g_autofree char *csv = g_build_filename (f->dir, "rejestr.csv", NULL);
  g_autofree char *png = g_build_filename (f->dir, "bilet.png", NULL);
  g_autofree char *err = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GBytes) before = NULL;

  g_assert_true (g_file_set_contents (csv, "someone's spreadsheet\n", -1, NULL));
  g_assert_true (g_file_set_contents (png, "someone's picture\n", -1, NULL));
  before = read_bytes (csv);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "day", "--csv", csv, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "already exists"));
  g_assert_nonnull (strstr (err, "--force"));
  assert_same_bytes (before, csv);
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&before, g_bytes_unref);
  before = read_bytes (png);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "print", f->ticket, "--output", png,
                                     NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "already exists"));
  assert_same_bytes (before, png);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "day", "--csv", csv, "--force",
                                     NULL),
                   ==, 0);
  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF\"No.\""));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "print", f->ticket, "--output", png,
                                     "--force", NULL),
                   ==, 0);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (png, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "\x89PNG"));

  /* A new file needs nothing; both outputs are checked before either is
   * written. */
  {
    g_autofree char *fresh = g_build_filename (f->dir, "nowy.csv", NULL);

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "day", "--csv", fresh, "--pdf",
                                       f->db, NULL),
                     ==, 2);
    g_assert_false (g_file_test (fresh, G_FILE_TEST_EXISTS));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "day", "--csv", fresh, NULL), ==, 0);
    g_assert_true (g_file_test (fresh, G_FILE_TEST_IS_REGULAR));
  }
  assert_no_leftovers (f->dir);
}

/* The desk's PDF folder (desk.output_dir): a reprint keeps the earlier
 * file and writes the next free name. */
static void
test_pdf_folder_keeps_earlier_copies (Fixture      *f,
                                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = okn_config_load (f->config, &error);
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) r = NULL;
  g_autofree char *out = g_build_filename (f->dir, "pdf", NULL);
  g_autofree char *first = g_strdup_printf ("%s/%s-label.pdf", out, f->ticket);
  g_autofree char *second = g_strdup_printf ("%s/%s-label-2.pdf", out, f->ticket);
  g_autofree char *done = NULL;
  const char *layouts[] = { "label", NULL };
  g_autoptr (GBytes) earlier = NULL;
  g_autoptr (OknTicketContent) content = NULL;

  g_assert_no_error (error);
  g_assert_true (okn_config_set (config, "desk.output_dir", out, &error));
  g_assert_no_error (error);
  store = okn_store_open_full (f->db, OKN_STORE_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  r = okn_store_lookup (store, f->ticket, &error);
  g_assert_no_error (error);
  content = okn_ticket_content_new (r, config);

  done = okn_outputs_print (config, OKN_OUTPUTS_DESK, content, layouts, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  earlier = read_bytes (first);
  g_clear_pointer (&done, g_free);
  done = okn_outputs_print (config, OKN_OUTPUTS_DESK, content, layouts, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", done);
  g_assert_nonnull (strstr (done, second));
  assert_same_bytes (earlier, first);
  g_assert_true (g_file_test (second, G_FILE_TEST_IS_REGULAR));
  assert_no_leftovers (out);
}

/* Item 4 ----------------------------------------------------------------- */

static void
make_foreign_database (const char *path)
{
  okn_test_sql_exec (path,
                     "CREATE TABLE contacts (name TEXT, phone TEXT);"
                     "INSERT INTO contacts VALUES ('Ala', '600100200');"
                     "PRAGMA user_version = 2;");
}

static void
test_foreign_database_untouched (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *other = g_build_filename (f->dir, "other-app.db", NULL);
  Command commands[] = {
    { "status", NULL },
    { "status", "--json", NULL },
    { "show", "K03-26-000001-J", NULL },
    { "list", NULL },
    { "search", "Ala", NULL },
    { "day", NULL },
    { "register", "letter", "--sender", "Jan", NULL },
    { "init", "--station", "K03", NULL },
  };

  make_foreign_database (other);
  assert_refused_untouched (other, f->config, commands, G_N_ELEMENTS (commands), 3,
                            "not an Okienko database", NULL);
  /* Nothing added next to it either. */
  {
    const char *suffixes[] = { "-wal", "-shm", "-journal", ".issued", ".checked" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (other, suffixes[i], NULL);

        g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
      }
  }
}

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* --db naming a file that is not a database at all (a mistyped path,
 * /etc/passwd when run as root), a link to it, or a link planted as the
 * station's .issued: the file keeps its mode. Making a readable file
 * private is for the station's own database, once it is known to be
 * one. */
static void
test_foreign_file_mode_kept (Fixture      *f,
                             gconstpointer data)
{
  g_autofree char *text = g_build_filename (f->dir, "passwd", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other-app.db", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.db", NULL);
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  const char *const targets[] = { text, other, link, f->db };

  g_assert_true (g_file_set_contents (text, "root:x:0:0:root:/root:/bin/bash\n", -1, NULL));
  make_foreign_database (other);
  g_assert_cmpint (g_chmod (text, 0644), ==, 0);
  g_assert_cmpint (g_chmod (other, 0644), ==, 0);
  g_assert_cmpint (symlink (text, link), ==, 0);
  g_assert_cmpint (g_unlink (issued), ==, 0);
  g_assert_cmpint (symlink (text, issued), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autofree char *err = NULL;
      int rc = okn_test_run_ctl (targets[i], f->config, NULL, NULL, &err, "status", NULL);

      g_test_message ("status --db %s: %d %s", targets[i], rc, err);
      g_assert_cmpint (rc, ==, 3);
      if (mode_of (text) != 0644 || mode_of (other) != 0644)
        g_error ("status --db %s changed a file that is not the station's: passwd %04o, other-app.db %04o",
                 targets[i], mode_of (text), mode_of (other));
    }
}

/* A command that only reads never creates a database where there is none. */
static void
test_read_only_commands_create_nothing (Fixture      *f,
                                        gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "nowhere", "okienko.db", NULL);
  Command commands[] = {
    { "status", NULL }, { "list", NULL }, { "show", "K03-26-000001-J", NULL }, { "search", "x", NULL },
    { "day", NULL },
  };

  assert_refused_untouched (missing, f->config, commands, G_N_ELEMENTS (commands), 2, "init --station",
                            NULL);
}

/* An Okienko database of an older schema: reading commands leave it as it
 * is and say how to upgrade it; init upgrades it. */
static void
test_read_only_commands_never_migrate (Fixture      *f,
                                       gconstpointer data)
{
  g_autoptr (GBytes) before = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  okn_test_sql_exec (f->db, "PRAGMA application_id = 0; PRAGMA user_version = 2;");
  before = read_bytes (f->db);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "show", f->ticket, NULL), ==, 3);
  g_assert_nonnull (strstr (err, "okienkoctl init"));
  assert_same_bytes (before, f->db);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "init", NULL), ==, 0);
  {
    g_autofree char *schema = g_strdup_printf ("(schema %d)", OKN_STORE_SCHEMA_VERSION);

    g_assert_nonnull (strstr (out, schema));
  }
  assert_ticket_readable (f);
}

static void
test_memory_database_refused (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *config = g_build_filename (dir, "c.conf", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *stray = g_build_filename (dir, ":memory:", NULL);
  int rc;

  /* OKIENKO_DB=:memory: okienkoctl init, run in an empty folder. */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  g_setenv ("OKIENKO_DB", ":memory:", TRUE);
  rc = okn_test_run_ctl (NULL, config, NULL, &out, &err, "init", "--station", "K03", NULL);
  g_unsetenv ("OKIENKO_DB");
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_test_message ("%d %s%s", rc, out, err);
  g_assert_cmpint (rc, !=, 0);
  g_assert_nonnull (strstr (err, "not a database file"));
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (stray, G_FILE_TEST_EXISTS));
  okn_test_rm_rf (dir);
}

/* Item 5 ----------------------------------------------------------------- */

/* 64 random bytes over the header of a b-tree page in the middle of the
 * file: the "64 random bytes in the middle", placed where the
 * damage is certain to matter. */
static void
damage_middle (const char *path)
{
  g_autoptr (GBytes) bytes = read_bytes (path);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint page_size = (guint) data[16] << 8 | data[17];
  gsize pages = len / page_size;
  gsize page = pages / 2;
  guint8 junk[64];
  FILE *fp;

  if (page_size == 1)
    page_size = 65536;
  /* The first b-tree page at or after the middle (types 2, 5, 10, 13). */
  while (page < pages && !strchr ("\x02\x05\x0a\x0d", data[page * page_size]))
    page++;
  g_assert_cmpuint (page, <, pages);
  for (guint i = 0; i < sizeof junk; i++)
    junk[i] = (guint8) g_random_int ();
  junk[0] = 0xff;  /* never a page type */
  fp = fopen (path, "r+b");
  g_assert_nonnull (fp);
  g_assert_cmpint (fseek (fp, (long) (page * page_size), SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (junk, 1, sizeof junk, fp), ==, sizeof junk);
  fclose (fp);
  g_test_message ("damaged page %zu of %zu", page + 1, pages);
}

static void
test_damaged_database_refused (Fixture      *f,
                               gconstpointer data)
{
  Command commands[] = {
    { "status", NULL },
    { "show", f->ticket, NULL },
    { "register", "letter", "--sender", "Anna", NULL },
    { "init", NULL },
    { "list", NULL },
  };

  /* Enough records for a few dozen pages. */
  for (int i = 0; i < 40; i++)
    {
      g_autofree char *name = g_strdup_printf ("Nadawca %d z bardzo długim nazwiskiem i adresem", i);

      g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, NULL, "register", "letter",
                                         "--sender", name, "--subject", "Wniosek o coś ważnego", NULL),
                       ==, 0);
    }
  damage_middle (f->db);
  /* Each names the damage and the way back. */
  assert_refused_untouched (f->db, f->config, commands, G_N_ELEMENTS (commands), 3, "damaged", NULL);
  assert_refused_untouched (f->db, f->config, commands, 1, 3, "backup", NULL);
  assert_refused_untouched (f->db, f->config, commands + 2, 1, 3, ".recover", NULL);
}

static void
test_application_id (Fixture      *f,
                     gconstpointer data)
{
  g_assert_cmpint ((guint32) okn_test_sql_int (f->db, "PRAGMA application_id"), ==, OKN_STORE_APPLICATION_ID);
}

/* Item 8 (the database's part) ------------------------------------------- */

static void
test_readable_database_made_private (Fixture      *f,
                                     gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  GStatBuf st;

  g_assert_cmpint (g_chmod (f->db, 0644), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "show", f->ticket, NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "could be read by other users"));
  g_assert_nonnull (strstr (out, "Jan Kowalski"));
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "status", NULL), ==, 0);
  g_assert_null (strstr (err, "other users"));
}

/* A readable database this user cannot make private (it belongs to
 * someone else): refused, nothing read. Needs root to hand the file over. */
static void
test_readable_foreign_owner_refused (Fixture      *f,
                                     gconstpointer data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  GStatBuf st;

  if (geteuid () != 0)
    {
      g_test_skip ("giving a file to another user needs root");
      return;
    }
  g_assert_cmpint (chown (f->db, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (f->db, 0644), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "show", f->ticket, NULL), ==, 3);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "chmod 600"));
  g_assert_null (strstr (out, "Jan Kowalski"));
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
}

/* okienkoctl show on @db is refused (exit 3), naming @names and saying
 * @says, and shows no record. */
static void
assert_show_refused (Fixture    *f,
                     const char *db,
                     const char *names,
                     const char *says)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc = okn_test_run_ctl (db, f->config, NULL, &out, &err, "show", f->ticket, NULL);

  g_test_message ("%d %s", rc, err);
  g_assert_cmpint (rc, ==, 3);
  g_assert_nonnull (strstr (err, names));
  g_assert_nonnull (strstr (err, says));
  g_assert_null (strstr (out, "Jan Kowalski"));
}

/* A named pipe where the database's -wal, -shm or file of issued numbers
 * belongs (SQLite and Okienko only ever make regular files there; a user
 * who can write the folder can put anything) is not opened, followed or
 * made private: the program names it and says what to do, instead of
 * waiting on the pipe for ever (.issued) or failing with "the disk failed
 * to read or write" (-shm), and the pipe keeps its mode. The modes are
 * checked on a descriptor of what is there, so a link swapped in between
 * the check and the change of mode cannot redirect the change; that swap
 * itself cannot be timed from outside the process. */
static void
test_companion_not_a_file_refused (Fixture      *f,
                                   gconstpointer data)
{
  const char *suffixes[] = { "-wal", "-shm", ".issued" };
  g_autofree char *kept = g_strconcat (f->db, ".issued.kept", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (f->db, suffixes[i], NULL);
      gboolean issued = g_str_equal (suffixes[i], ".issued");

      /* The numbers given out stay aside while a pipe is in their place. */
      if (issued)
        g_assert_cmpint (g_rename (p, kept), ==, 0);
      else if (g_file_test (p, G_FILE_TEST_EXISTS))
        g_assert_cmpint (g_unlink (p), ==, 0);
      g_assert_cmpint (mkfifo (p, 0600), ==, 0);
      g_assert_cmpint (g_chmod (p, 0644), ==, 0);
      assert_show_refused (f, f->db, p, "not a regular file");
      g_assert_cmpuint (mode_of (p), ==, 0644);
      g_assert_cmpint (g_unlink (p), ==, 0);
      if (issued)
        g_assert_cmpint (g_rename (kept, p), ==, 0);
    }
  assert_ticket_readable (f);
}

/* The station's database reached through a link in another folder.
 * Returns: (transfer full): the link */
static char *
link_database (Fixture *f)
{
  g_autofree char *folder = g_build_filename (f->dir, "link", NULL);
  char *link = g_build_filename (folder, "okienko.db", NULL);
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *link_issued = g_strconcat (link, ".issued", NULL);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (symlink (f->db, link), ==, 0);
  /* The numbers given out go with the name the station is opened by. */
  g_assert_cmpint (g_rename (issued, link_issued), ==, 0);
  return link;
}

/* A database reached through a link: SQLite keeps its -wal and -shm
 * beside the file the link names, and that is where they are checked (a
 * named pipe there is refused, as beside a database that is no link).
 * The link is followed once, before SQLite opens the file. */
static void
test_linked_database_companions (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *link = link_database (f);
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);

  g_assert_cmpint (mkfifo (wal, 0600), ==, 0);
  g_assert_cmpint (g_chmod (wal, 0644), ==, 0);
  assert_show_refused (f, link, wal, "not a regular file");
  g_assert_cmpuint (mode_of (wal), ==, 0644);
  g_assert_cmpint (g_unlink (wal), ==, 0);
  assert_ticket_readable (f);
}

/* A database reached through a link: its -wal and -shm, where SQLite
 * keeps them (beside the file the link names), are protected like the
 * database itself: an output never replaces them, not even with --force,
 * and the database still reads. */
static void
test_linked_database_outputs_kept (Fixture      *f,
                                   gconstpointer data)
{
  g_autofree char *link = link_database (f);
  const char *suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *target = g_strconcat (f->db, suffixes[i], NULL);
      g_autofree char *err = NULL;
      int rc = okn_test_run_ctl (link, f->config, NULL, NULL, &err, "backup", "--force", target, NULL);

      if (rc != 2 || strstr (err, "never replaces") == NULL)
        g_error ("backup --force %s with --db %s: exit %d, expected 2: %s", target, link, rc, err);
      /* A -wal there is SQLite's (empty, or starting with its magic
       * number), never the backup. */
      if (g_file_test (target, G_FILE_TEST_EXISTS) && g_str_equal (suffixes[i], "-wal"))
        {
          g_autoptr (GBytes) w = read_bytes (target);
          gsize len;
          const guint8 *b = g_bytes_get_data (w, &len);

          g_assert_true (len == 0 || (b[0] == 0x37 && b[1] == 0x7f && b[2] == 0x06));
        }
    }
  assert_ticket_readable (f);
}

/* A second name (a hard link) may be another file: as .issued it is
 * refused, its mode and bytes kept; the database with a second name that
 * others can read is not made private, its owner is told. */
static void
test_hard_linked_file_kept (Fixture      *f,
                            gconstpointer data)
{
  g_autofree char *victim = g_build_filename (f->dir, "victim", NULL);
  g_autofree char *issued = g_strconcat (f->db, ".issued", NULL);
  g_autofree char *kept = g_strconcat (f->db, ".issued.kept", NULL);
  g_autofree char *second = g_build_filename (f->dir, "second.db", NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_set_contents (victim, "x\n", -1, NULL));
  g_assert_cmpint (g_chmod (victim, 0644), ==, 0);
  g_assert_cmpint (g_rename (issued, kept), ==, 0);
  g_assert_cmpint (link (victim, issued), ==, 0);
  assert_show_refused (f, f->db, issued, "another name");
  g_assert_cmpuint (mode_of (victim), ==, 0644);
  g_assert_true (g_file_get_contents (victim, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "x\n");
  g_assert_cmpint (g_unlink (issued), ==, 0);
  g_assert_cmpint (g_rename (kept, issued), ==, 0);

  g_assert_cmpint (link (f->db, second), ==, 0);
  g_assert_cmpint (g_chmod (f->db, 0644), ==, 0);
  assert_show_refused (f, f->db, "chmod 600", "hard link");
  g_assert_cmpuint (mode_of (f->db), ==, 0644);
}

/* Item 21 ---------------------------------------------------------------- */

static void
test_negative_schema_version (Fixture      *f,
                              gconstpointer data)
{
  Command commands[] = { { "show", f->ticket, NULL }, { "status", NULL }, { "init", NULL },
                         { "register", "letter", "--sender", "Anna", NULL } };

  okn_test_sql_exec (f->db, "PRAGMA user_version = -1;");
  /* G_DEBUG=fatal-criticals is in the environment: a GLib CRITICAL would
   * abort the program. */
  assert_refused_untouched (f->db, f->config, commands, G_N_ELEMENTS (commands), 3, "-1", "CRITICAL");
}

static void
full_disk_scenario (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *config = g_build_filename (dir, "c.conf", NULL);
  g_autofree char *ticket = NULL;
  const char *const commands[][6] = {
    { "show", NULL, NULL }, { "status", NULL }, { "list", NULL },
    { "register", "letter", "--sender", "Anna", NULL },
  };

  g_assert_true (okn_test_enter_private_mount ());
  g_assert_cmpint (mount ("okn-test", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, NULL, "init", "--station", "K03", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, &ticket, NULL, "register", "letter", "--sender", "Jan",
                                     NULL),
                   ==, 0);
  g_strstrip (ticket);
  okn_test_fill_disk (dir);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *err = NULL;
      const char *argv[6];
      int rc;

      memcpy (argv, commands[i], sizeof argv);
      if (i == 0)
        argv[1] = ticket;
      rc = okn_test_run_ctlv (db, config, NULL, NULL, &err, argv);
      g_printerr ("%s: %d %s", argv[0], rc, err);
      g_assert_cmpint (rc, ==, 3);
      g_assert_nonnull (strstr (err, "is full"));
      g_assert_null (strstr (err, "disk I/O error"));
    }
  umount2 (dir, MNT_DETACH);
  okn_test_rm_rf (dir);
}

static void
test_full_disk (void)
{
  okn_test_trap_private_mount (full_disk_scenario, 60);
}

/* The value of meta @key, "" when there is none. */
static char *
meta_value (const char *db,
            const char *key)
{
  g_autofree char *sql = g_strdup_printf ("SELECT coalesce ((SELECT value FROM meta WHERE key = '%s'), '')",
                                          key);

  return okn_test_sql_text (db, sql);
}

/* Waits until meta sync.last_run_at is other than @before (a run of the
 * watch succeeded); fails when the watch ends first. */
static char *
wait_for_run (GSubprocess *watch,
              const char  *db,
              const char  *before)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *now = meta_value (db, "sync.last_run_at");

      if (*now && g_strcmp0 (now, before) != 0)
        return g_steal_pointer (&now);
      if (okn_test_wait_exit (watch, 100 * 1000))
        g_error ("sync --watch ended (exit %d) instead of going on", g_subprocess_get_exit_status (watch));
    }
  g_error ("sync --watch did not run again within 60 s");
  return NULL;
}

/* sync --watch, the station's service, on a disk that fills up and is
 * then freed: a full disk fails a run (said on stderr), it does not end
 * the watch, which goes on once there is room. */
static void
full_disk_watch_scenario (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *config = g_build_filename (dir, "c.conf", NULL);
  g_autofree char *fill = g_build_filename (dir, "fill", NULL);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *line = NULL;
  const char *const args[] = { "sync", "--watch", NULL };
  g_autoptr (GPtrArray) argv = NULL;
  g_autoptr (GSubprocess) watch = NULL;
  g_autoptr (GDataInputStream) err = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (okn_test_enter_private_mount ());
  g_assert_cmpint (mount ("okn-test", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, NULL, "init", "--station", "K03", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, NULL, "config", "set", "sync.interval_seconds", "1",
                                     NULL),
                   ==, 0);
  argv = okn_test_ctl_argv (db, config, args);
  watch = g_subprocess_newv ((const char *const *) argv->pdata,
                             G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  first = wait_for_run (watch, db, "");

  okn_test_fill_disk (dir);
  err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (watch));
  line = g_data_input_stream_read_line_utf8 (err, NULL, NULL, &error);
  g_assert_no_error (error);
  g_printerr ("sync --watch on a full disk: %s\n", line);
  g_assert_nonnull (strstr (line, "is full"));

  g_assert_cmpint (g_unlink (fill), ==, 0);
  again = wait_for_run (watch, db, first);

  g_subprocess_send_signal (watch, SIGTERM);
  g_assert_true (okn_test_wait_exit (watch, 60 * G_USEC_PER_SEC));
  g_assert_cmpint (g_subprocess_get_exit_status (watch), ==, 0);
  umount2 (dir, MNT_DETACH);
  okn_test_rm_rf (dir);
}

static void
test_full_disk_watch (void)
{
  okn_test_trap_private_mount (full_disk_watch_scenario, 150);
}

/* Waits until the server has met @n POSTs its fault applies to. */
static void
wait_for_faults (OknOpen311Server *server,
                 GSubprocess      *sync,
                 guint             n)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (okn_test_server_counters (server).faults < n)
    {
      if (g_get_monotonic_time () > end)
        g_error ("the server did not get %u POSTs within 60 s", n);
      if (okn_test_wait_exit (sync, 5 * 1000))
        g_error ("sync --once ended (exit %d) before its second batch", g_subprocess_get_exit_status (sync));
    }
}

/* `okienkoctl sync --once` in Polish, as the testers read it, over three
 * queued letters: the first POST goes alone, the other two as the second
 * batch, and the disk fills while the server holds those, after the
 * station claimed them. The sync is held still meanwhile, so that the fill
 * never races the server's answer. Returns: (transfer full): what it said */
static char *
sync_as_disk_fills (OknOpen311Server *server,
                    const char       *db,
                    const char       *config,
                    const char       *dir)
{
  const char *const args[] = { "sync", "--once", NULL };
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = okn_test_ctl_argv (db, config, args);
  g_autoptr (GSubprocess) sync = NULL;
  g_autoptr (GError) error = NULL;
  char *err = NULL;

  okn_test_server_set (server, "delay_ms", "1000");
  okn_test_server_set (server, "fault", "delay");
  okn_test_server_set (server, "fault_count", "3");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LANGUAGE", "pl", TRUE);
  sync = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  wait_for_faults (server, sync, 2);
  g_subprocess_send_signal (sync, SIGSTOP);
  okn_test_fill_disk (dir);
  g_subprocess_send_signal (sync, SIGCONT);
  g_subprocess_communicate_utf8 (sync, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_printerr ("sync --once, the disk full after the server got two letters: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (sync), ==, 3);
  return err;
}

/* The server got the letters, then the disk filled before the station had
 * written down their case numbers: sync said "Nothing was changed", which
 * the administrator took for true. It says the server has them and that
 * the next sync matches them; which it does once there is room, by their
 * ticket markers, sending none of them twice. */
static void
full_disk_sync_received_scenario (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *config = g_build_filename (dir, "c.conf", NULL);
  g_autofree char *fill = g_build_filename (dir, "fill", NULL);
  g_autoptr (OknOpen311Server) server = NULL;
  g_autoptr (OknConfig) conf = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  char *tickets[3] = { NULL };
  guint posts;

  g_assert_true (okn_test_enter_private_mount ());
  g_assert_cmpint (mount ("okn-test", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
  /* Only the marker search keeps a second copy out. */
  server = okn_test_open311_start ("k3y-full");
  okn_test_server_set (server, "idempotency", "ignore");
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, NULL, "init", "--station", "K03", NULL), ==, 0);
  conf = okn_test_open311_config (config, server, "k3y-full");
  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    {
      g_assert_cmpint (okn_test_run_ctl (db, config, NULL, &tickets[i], NULL, "register", "letter", "--sender",
                                         "Jan Kowalski", "--subject", "Wniosek", NULL),
                       ==, 0);
      g_strstrip (tickets[i]);
    }

  err = sync_as_disk_fills (server, db, config, dir);
  g_assert_cmpuint (okn_test_server_counters (server).created, ==, 3);
  g_assert_null (strstr (err, "Nic nie zostało zmienione"));
  g_assert_nonnull (strstr (err, "Serwer otrzymał 2 wpisy"));
  g_assert_nonnull (strstr (err, "dysk z bazą danych"));
  g_assert_nonnull (strstr (err, "następna synchronizacja odnajdzie je"));

  g_assert_cmpint (g_unlink (fill), ==, 0);
  posts = okn_test_server_counters (server).posts;
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, &out, NULL, "sync", "--once", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "adopted 2"));
  g_assert_cmpuint (okn_test_server_counters (server).posts, ==, posts);
  cases = okn_open311_server_list_requests (server);
  g_assert_cmpuint (cases->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (tickets); i++)
    {
      g_autofree char *shown = NULL;
      const char *id = NULL;

      g_assert_cmpuint (okn_test_server_cases_for (server, tickets[i]), ==, 1);
      for (guint k = 0; k < cases->len; k++)
        {
          OknOpen311StoredRequest *s = g_ptr_array_index (cases, k);
          g_autofree char *marker = okn_open311_find_marker (s->description);

          if (g_strcmp0 (marker, tickets[i]) == 0)
            id = s->id;
        }
      g_assert_cmpint (okn_test_run_ctl (db, config, NULL, &shown, NULL, "show", tickets[i], NULL), ==, 0);
      g_assert_nonnull (strstr (shown, "(synced)"));
      g_assert_nonnull (strstr (shown, id));
      g_free (tickets[i]);
    }

  okn_open311_server_stop (server);
  umount2 (dir, MNT_DETACH);
  okn_test_rm_rf (dir);
}

static void
test_full_disk_sync_received (void)
{
  okn_test_trap_private_mount (full_disk_sync_received_scenario, 120);
}

/* config set on a file its owner made read-only: refused, exit 2, saying
 * so and naming the file, which stays as it was (it was replaced by a
 * new 0600 file). */
static void
test_config_set_read_only_file (Fixture      *f,
                                gconstpointer data)
{
  g_autoptr (GBytes) before = NULL;
  g_autofree char *err = NULL;
  struct stat st;

  g_assert_cmpint (g_chmod (f->config, 0400), ==, 0);
  before = read_bytes (f->config);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "config", "set", "office.name", "Inny",
                                     NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, f->config));
  g_assert_nonnull (strstr (err, "read-only"));
  assert_same_bytes (before, f->config);
  g_assert_cmpint (g_stat (f->config, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0400);
}

/* config set in a folder it may not write in named the temporary file
 * ("okienko.conf.XXXXXX"), which the administrator never made; it names
 * the configuration file. Root writes in any folder: as root, okienkoctl
 * runs as an unprivileged user here. */
static void
test_config_set_read_only_folder (Fixture      *f,
                                  gconstpointer data)
{
  g_autofree char *folder = g_build_filename (f->dir, "etc", NULL);
  g_autofree char *config = g_build_filename (folder, "okienko.conf", NULL);
  g_autofree char *prefix = g_strconcat (config, ".", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);
  g_assert_true (g_file_set_contents_full (config, "[office]\nname=Urząd\n", -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                           0600, NULL));
  okn_test_give_unprivileged (config);
  g_assert_cmpint (g_chmod (folder, 0555), ==, 0);
  g_assert_cmpint (okn_test_run_ctl_unprivileged (NULL, config, NULL, NULL, &err, "config", "set", "office.name",
                                                  "Inny", NULL), ==, 3);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, config));
  g_assert_null (strstr (err, prefix));
  g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
}

/* A scanned file the program may not read was named twice, with the
 * library's words inside ("Failed to open file “…”: open() failed:
 * Permission denied", in Polish "funkcja open() zwróciła błąd"). It is
 * named once, with the reason in a clerk's words, in English and Polish.
 * Root reads any file: as root, okienkoctl runs as an unprivileged user
 * with a station of its own. */
static void
test_scan_unreadable_file (Fixture      *f,
                           gconstpointer data)
{
  const char *english[] = { "LANGUAGE=en", NULL };
  const char *polish[] = { "LANGUAGE=pl", NULL };
  const struct
  {
    const char *const *env;
    const char *says;
  } said[] = {
    { english, "is not allowed to read it" },
    { polish, "nie ma prawa go czytać" },
  };
  g_autofree char *station = g_build_filename (f->dir, "station", NULL);
  g_autofree char *db = g_build_filename (station, "okienko.db", NULL);
  g_autofree char *config = g_build_filename (station, "okienko.conf", NULL);
  g_autofree char *scan = g_build_filename (station, "skan.png", NULL);
  g_autofree char *err = NULL;

  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (station, 0700), ==, 0);
  okn_test_give_unprivileged (station);
  g_assert_cmpint (okn_test_run_ctl_unprivileged (db, config, NULL, NULL, &err, "init", "--station", "K05", NULL), ==, 0);
  g_assert_true (g_file_set_contents (scan, "\x89PNG\r\n\x1a\n", -1, NULL));
  okn_test_give_unprivileged (scan);
  g_assert_cmpint (g_chmod (scan, 0), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (said); i++)
    {
      const char *first;

      g_assert_cmpint (okn_test_run_ctl_unprivileged (db, config, said[i].env, NULL, &err, "scan", scan, NULL), ==, 2);
      g_test_message ("%s", err);
      first = strstr (err, scan);
      g_assert_nonnull (first);
      g_assert_null (strstr (first + 1, scan));
      g_assert_null (strstr (err, "open()"));
      g_assert_nonnull (strstr (err, said[i].says));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ctl-files/day-never-replaces-database", test_day_never_replaces_database);
  ADD ("/ctl-files/print-never-replaces-database", test_print_never_replaces_database);
  ADD ("/ctl-files/existing-file-needs-force", test_existing_file_needs_force);
  ADD ("/ctl-files/pdf-folder-keeps-earlier-copies", test_pdf_folder_keeps_earlier_copies);
  ADD ("/ctl-files/foreign-database-untouched", test_foreign_database_untouched);
  ADD ("/ctl-files/foreign-file-mode-kept", test_foreign_file_mode_kept);
  ADD ("/ctl-files/read-only-commands-create-nothing", test_read_only_commands_create_nothing);
  ADD ("/ctl-files/read-only-commands-never-migrate", test_read_only_commands_never_migrate);
  g_test_add_func ("/ctl-files/memory-database-refused", test_memory_database_refused);
  ADD ("/ctl-files/damaged-database-refused", test_damaged_database_refused);
  ADD ("/ctl-files/application-id", test_application_id);
  ADD ("/ctl-files/readable-database-made-private", test_readable_database_made_private);
  ADD ("/ctl-files/readable-foreign-owner-refused", test_readable_foreign_owner_refused);
  ADD ("/ctl-files/companion-not-a-file-refused", test_companion_not_a_file_refused);
  ADD ("/ctl-files/linked-database-companions", test_linked_database_companions);
  ADD ("/ctl-files/linked-database-outputs-kept", test_linked_database_outputs_kept);
  ADD ("/ctl-files/hard-linked-file-kept", test_hard_linked_file_kept);
  ADD ("/ctl-files/negative-schema-version", test_negative_schema_version);
  g_test_add_func ("/ctl-files/full-disk", test_full_disk);
  g_test_add_func ("/ctl-files/full-disk-sync-watch", test_full_disk_watch);
  g_test_add_func ("/ctl-files/full-disk-sync-received", test_full_disk_sync_received);
  ADD ("/ctl-files/config-set-read-only-file", test_config_set_read_only_file);
  ADD ("/ctl-files/config-set-read-only-folder", test_config_set_read_only_folder);
  ADD ("/ctl-files/scan-unreadable-file", test_scan_unreadable_file);
#undef ADD
  return g_test_run ();
}
