/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store.c: the durable local store: opening a database (is it ours, is
 * it sound, is it private), its schema, the station and its secret, the
 * programs' own values (meta)
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT that returned has been
 * fsync'ed. Concurrency: every write starts with BEGIN IMMEDIATE, taking the
 * write lock up front; a transaction that read first and then wanted to write
 * could get SQLITE_BUSY without the busy handler ever running. With the busy
 * timeout, two processes writing at once simply take turns.
 *
 * The rest of the store: records written (okn-store-records.c) and read
 * back (okn-store-query.c), the outbox (okn-store-outbox.c), the cached
 * catalogue (okn-store-catalogue.c), the numbers given out
 * (okn-store-issued.c), the shared SQL helpers (okn-store-sql.c).
 */
#define G_LOG_DOMAIN "okn-store"
/* O_PATH (Linux 2.6.39), for the file modes. */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-file.h"
#include "okienko/okn-ticket-id.h"
#include "okn-store-issued.h"
#include "okn-store-private.h"
#include "okn-store-schema.h"

/* SQLite's own automatic checkpoint threshold, kept (wal_hook). */
#define WAL_CHECKPOINT_PAGES 1000

/* SQLite's own busy handler sleeps longer and longer (up to 100 ms), so a
 * writer that commits back to back keeps winning the lock while another
 * sleeps through the short gaps between its transactions, and may starve
 * past the timeout. Polling every millisecond or two, with jitter, lets a
 * waiting process into the next gap. */
static int
busy_handler (void *data,
              int   count)
{
  OknStore *store = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    store->busy_since_us = now;
  if (now - store->busy_since_us > (gint64) OKN_STORE_BUSY_TIMEOUT_MS * 1000)
    return 0;
  g_usleep (500 + (gulong) g_random_int_range (0, 1500));
  return 1;
}

static int
pragma_int (OknStore   *store,
            const char *sql,
            int        *out,
            GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("reading the database version"), error);
  *out = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
check_not_newer (OknStore *store,
                 int       version,
                 GError  **error)
{
  if (version > OKN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NEWER_SCHEMA,
                   _("The database %s was written by a newer version of Okienko "
                     "(schema %d; this program knows up to %d). It was not changed. "
                     "Install the newer Okienko to use it."),
                   store->path, version, OKN_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < 0)
    {
      /* No Okienko writes a negative version: migrating "from -1" would
       * run no migration we have. */
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
                   _("The database %s says its schema version is %d, which no Okienko "
                     "writes: it was damaged or changed by another program. It was not "
                     "changed. Restore it from a backup."),
                   store->path, version);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (OknStore *store,
         GError  **error)
{
  for (;;)
    {
      int version = 0;
      g_autofree char *bump = NULL;

      if (!okn_store_begin (store, error))
        return FALSE;
      /* Read inside the write lock: another process may have migrated. */
      if (!pragma_int (store, "PRAGMA user_version", &version, error)
          || !check_not_newer (store, version, error))
        {
          okn_store_rollback (store);
          return FALSE;
        }
      if (version == OKN_STORE_SCHEMA_VERSION)
        {
          okn_store_rollback (store);
          return TRUE;
        }
      bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!okn_store_exec (store, okn_store_schema_migration (version + 1), _("upgrading the database"), error)
          || !okn_store_exec (store, bump, _("upgrading the database"), error)
          || !okn_store_commit (store, error))
        {
          okn_store_rollback (store);
          return FALSE;
        }
    }
}

static gboolean
load_station (OknStore *store,
              GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT code, secret FROM station WHERE id = 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      store->has_station = FALSE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("reading the station"), error);
  if (sqlite3_column_bytes (stmt, 1) != OKN_STORE_SECRET_LEN)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The station secret in the database is damaged."));
      return FALSE;
    }
  g_free (store->station);
  store->station = okn_sql_column_dup (stmt, 0);
  memcpy (store->secret, sqlite3_column_blob (stmt, 1), OKN_STORE_SECRET_LEN);
  store->has_station = TRUE;
  return TRUE;
}

/* Creating the folder or the file failed: a full disk in words of its own. */
static void
set_create_error (OknStore   *store,
                  int         saved_errno,
                  const char *folder,
                  GError    **error)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The disk holding the database %s is full: nothing can be created there. "
                   "Free some space and try again."),
                 store->path);
  else if (folder)
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("Cannot create the folder %s: %s"), folder, g_strerror (saved_errno));
  else
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("Cannot create the database %s: %s"), store->path, g_strerror (saved_errno));
}

/* The database holds the station secret and personal data: only its owner
 * may read it. SQLite gives -wal and -shm the main file's mode. */
static gboolean
create_private_file (OknStore *store,
                     GError  **error)
{
  g_autofree char *dir = g_path_get_dirname (store->path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_create_error (store, errno, dir, error);
      return FALSE;
    }
  fd = g_open (store->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno != EEXIST)
    {
      set_create_error (store, errno, NULL, error);
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

/* Names SQLite gives a meaning of its own: a database that lives in
 * memory or in a temporary file is gone when the program ends, so a
 * ticket registered there would be lost. */
static gboolean
check_path (const char *path,
            GError    **error)
{
  if (*path == '\0' || g_str_equal (path, ":memory:") || g_str_has_prefix (path, "file:"))
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("“%s” is not a database file: Okienko keeps records on disk. Give the path "
                     "of a file with --db or OKIENKO_DB."),
                   path);
      return FALSE;
    }
  return TRUE;
}

/* A descriptor of @path, and what it is (fstat), for changing the mode of
 * that very file: a check and a change made by path could be told apart
 * by a link swapped in between them by anyone who can write the folder,
 * and the program (root, for the sync service) would change the mode of
 * the file the link names. A link is never followed: it is what is seen
 * (the database's own links were resolved once, before SQLite opened it:
 * store->real_path).
 *
 * O_PATH, not a descriptor that opens the file (O_RDONLY): closing any
 * descriptor that opened a file drops every POSIX lock this process holds
 * on it, and SQLite holds such locks on the database and its -shm for as
 * long as a connection is open. The desk keeps connections open while it
 * opens another for each task, and init_station() makes the modes private
 * on its own open connection, so there is no moment at which this process
 * surely holds none (/desk/correction-keeps-new-letter fails on O_RDONLY
 * here). Linux leaves the locks alone when an O_PATH descriptor closes;
 * it reads and opens nothing, so a named pipe or a device in the file's
 * place cannot hang or disturb the program either. */
static int
open_for_mode (const char  *path,
               struct stat *st)
{
  int fd = open (path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  int saved;

  if (fd < 0 || fstat (fd, st) == 0)
    return fd;
  saved = errno;
  close (fd);
  errno = saved;
  return -1;
}

/* fchmod() refuses an O_PATH descriptor; its /proc/self/fd entry names the
 * very file it was opened on, whatever is at the path now (glibc's
 * fchmodat() and systemd's fchmod_opath() do the same). */
static int
chmod_descriptor (int    fd,
                  mode_t mode)
{
  char proc[48];

  g_snprintf (proc, sizeof proc, "/proc/self/fd/%d", fd);
  return chmod (proc, mode);
}

/* The database's files: SQLite's own (@suffix "", "-wal", "-shm",
 * "-journal") where SQLite keeps them, beside the database's resolved
 * path; Okienko's (".issued", ".checked") beside the path as given, where
 * they always were. */
static char *
file_path (OknStore   *store,
           const char *suffix)
{
  if (g_str_equal (suffix, ".issued") || g_str_equal (suffix, ".checked"))
    return g_strconcat (store->path, suffix, NULL);
  return g_strconcat (store->real_path, suffix, NULL);
}

/* SQLite and Okienko only make regular files beside the database, with
 * one name: a link, a folder or a named pipe there was put in the way
 * (SQLite fails on it with "the disk failed to read or write"; a pipe in
 * place of .issued would hold the program for ever), and a second name
 * (a hard link) may be another file's, whose mode would be changed and,
 * as .issued, its bytes written over. */
static gboolean
require_regular (const char        *path,
                 const struct stat *st,
                 gboolean           one_name,
                 GError           **error)
{
  if (S_ISREG (st->st_mode) && (!one_name || st->st_nlink == 1))
    return TRUE;
  if (!S_ISREG (st->st_mode))
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("%s is not a regular file but a link, a folder, a named pipe or a device, so "
                   "it cannot be one of the database's own files. It was left as it is and "
                   "nothing was read: move it out of that folder, then try again."),
                 path);
  else
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("%s has another name as well (a hard link), so it may be another file. It "
                   "was left as it is and nothing was read: move it out of that folder, then "
                   "try again."),
                 path);
  return FALSE;
}

/* Before SQLite opens any of them; check_modes() looks again at what it
 * changes. Not .issued, which SQLite never opens: okn_issued_open()
 * refuses what is not a plain file of one name when it opens it, and
 * check_modes() before it changes its mode. */
static gboolean
check_companions (OknStore *store,
                  GError  **error)
{
  const char *suffixes[] = { "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = file_path (store, suffixes[i]);
      struct stat st;
      int fd = open_for_mode (p, &st);
      gboolean ok;

      if (fd < 0)
        continue;
      ok = require_regular (p, &st, TRUE, error);
      close (fd);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

/* The database, its -wal and -shm, and the file of issued numbers must be
 * private to their owner: a file others can read is made private when it
 * is ours, else refused; one that is not a regular file is refused.
 * Changing a mode changes no byte of the file.
 * Only once identify() has said the file is Okienko's: a file of another
 * program keeps its mode. (Not by reading the header here: closing a
 * descriptor of the database drops every POSIX lock this process holds
 * on it, those of the desk's other SQLite connections too.) A -wal and
 * -shm that identify()'s connection made took the database's mode and
 * are made private here as well, before anything is written to them. */
static gboolean
check_modes (OknStore *store,
             GError  **error)
{
  const char *suffixes[] = { "", "-wal", "-shm", ".issued" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = file_path (store, suffixes[i]);
      /* The database by the name it was given (its links resolved in p). */
      const char *shown = i == 0 ? store->path : p;
      struct stat st;
      int fd = open_for_mode (p, &st);
      int saved;

      if (fd < 0)
        continue;
      if (!require_regular (shown, &st, i > 0, error))
        {
          close (fd);
          return FALSE;
        }
      if ((st.st_mode & 0077) == 0)
        {
          close (fd);
          continue;
        }
      /* A database with a second name may be another file as well: its
       * mode is not changed, its owner is told. */
      if (st.st_uid == geteuid () && st.st_nlink == 1 && chmod_descriptor (fd, 0600) == 0)
        {
          close (fd);
          g_ptr_array_add (store->warnings,
                           g_strdup_printf (_("%s could be read by other users (mode %04o); it is "
                                              "now private to its owner (0600), as it holds "
                                              "personal data and the station secret."),
                                            shown, (guint) (st.st_mode & 07777)));
          continue;
        }
      saved = errno;
      close (fd);
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("%s can be read by other users (mode %04o) and this program cannot make it "
                     "private (%s). It holds personal data and the station secret: its owner "
                     "must run “chmod 600 %s”. Nothing was read."),
                   shown, (guint) (st.st_mode & 07777),
                   st.st_uid != geteuid () ? g_strerror (EPERM)
                   : st.st_nlink != 1      ? _("it has another name as well, a hard link")
                   /* No /proc/self/fd/N (chmod_descriptor()). */
                   : saved == ENOENT ? _("it needs the /proc file system, which is not mounted here")
                                     : g_strerror (saved),
                   shown);
      return FALSE;
    }
  return TRUE;
}

/* The full check reads every page: 3.9 s for a database of a million
 * records (docs/internals/store.md), far too slow for every open (the desk
 * opens a connection per task, okienkoctl one per command). It runs when
 * the database file is not byte for byte what Okienko last left there:
 * after every check that passed and every checkpoint of ours (the only
 * writes to the main file in WAL mode) the file's fingerprint (device,
 * inode, size, modification and change times) goes into "<db>.checked".
 * Anything else that wrote the file (a stray write, a copy or a restore
 * over it, another program's checkpoint) changes the fingerprint, and the
 * next open checks every page. Damage that changes no fingerprint (the
 * disk itself failing) is caught page by page as pages are read
 * (cell_size_check, and SQLite's own checks). */
static char *
file_fingerprint (const char *path)
{
  struct stat st;

  if (stat (path, &st) != 0)
    return NULL;
  return g_strdup_printf ("%ju %ju %jd %jd.%09ld %jd.%09ld", (uintmax_t) st.st_dev,
                          (uintmax_t) st.st_ino, (intmax_t) st.st_size,
                          (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
}

static char *
checked_path (OknStore *store)
{
  return g_strconcat (store->path, ".checked", NULL);
}

static gboolean
fingerprint_is_checked (OknStore   *store,
                        const char *fingerprint)
{
  g_autofree char *path = checked_path (store);
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;

  if (fingerprint == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  expected = g_strdup_printf ("okienko-checked 1\n%s\n", fingerprint);
  return g_str_equal (text, expected);
}

/* Not durable on purpose: a record lost in a crash only costs one more
 * full check. */
static void
record_fingerprint (OknStore   *store,
                    const char *fingerprint)
{
  g_autofree char *path = checked_path (store);
  g_autofree char *text = NULL;

  if (fingerprint == NULL)
    return;
  text = g_strdup_printf ("okienko-checked 1\n%s\n", fingerprint);
  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL);
}

/* Runs a write to the main file (a checkpoint; closing the last
 * connection checkpoints too) and keeps the file trusted when it was
 * trusted right before: only then is the result what Okienko wrote. */
static void
checkpoint_trusted (OknStore *store,
                    void    (*write) (OknStore *store))
{
  g_autofree char *before = file_fingerprint (store->path);
  gboolean trusted = fingerprint_is_checked (store, before);
  g_autofree char *after = NULL;

  write (store);
  after = file_fingerprint (store->path);
  if (trusted && g_strcmp0 (before, after) != 0)
    record_fingerprint (store, after);
}

static void
passive_checkpoint (OknStore *store)
{
  sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

static void
truncate_checkpoint (OknStore *store)
{
  sqlite3_wal_checkpoint_v2 (store->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* The purge's checkpoint: the WAL's old page images copied and cut away,
 * the file kept trusted (no full check at the next open). */
void
okn_store_checkpoint_truncate (OknStore *store)
{
  if (store->db && !store->read_only)
    checkpoint_trusted (store, truncate_checkpoint);
}

static void
close_connection (OknStore *store)
{
  g_clear_pointer (&store->db, sqlite3_close_v2);
}

/* Replaces SQLite's automatic checkpoint (same threshold, 1000 pages) so
 * that it goes through checkpoint_trusted(). */
static int
wal_hook (void       *data,
          sqlite3    *db,
          const char *name,
          int         pages)
{
  OknStore *store = data;

  if (pages >= WAL_CHECKPOINT_PAGES)
    checkpoint_trusted (store, passive_checkpoint);
  return SQLITE_OK;
}

static gboolean
open_connection (OknStore *store,
                 gboolean  writable,
                 GError  **error)
{
  int rc;

  g_clear_pointer (&store->db, sqlite3_close_v2);
  rc = sqlite3_open_v2 (store->real_path, &store->db,
                        (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY)
                          | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
                        NULL);
  if (rc != SQLITE_OK)
    return okn_store_set_error_from_db (store, rc, _("opening the database"), error);
  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_handler (store->db, busy_handler, store);
  rc = okn_store_fts_register (store->db);
  if (rc == SQLITE_OK)
    rc = okn_store_schema_register (store->db);
  if (rc != SQLITE_OK)
    return okn_store_set_error_from_db (store, rc, _("opening the database"), error);
  if (writable)
    sqlite3_wal_hook (store->db, wal_hook, store);
  /* Every b-tree page is checked for sane cell sizes as it is read, so a
   * damaged page is refused before a query uses it or a write builds on
   * it (a few percent of read time). */
  return okn_store_exec (store, "PRAGMA cell_size_check = ON", _("opening the database"), error);
}

static gboolean
has_okienko_tables (OknStore *store,
                    GError  **error)
{
  int n = 0;

  if (!pragma_int (store,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                   "('station', 'counters', 'records', 'outbox', 'audit_log')",
                   &n, error))
    return FALSE;
  return n == 5;
}

typedef enum
{
  KIND_EMPTY,     /* an empty file: a new database */
  KIND_OKIENKO,   /* ours, maybe of an older schema */
} DbKind;

static gboolean
refuse_foreign (OknStore   *store,
                const char *why,
                GError    **error)
{
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_OKIENKO,
               _("%s is not an Okienko database (%s). It was not changed. Check --db or "
                 "OKIENKO_DB."),
               store->path, why);
  return FALSE;
}

/* Tells what the file is, on a read-only connection (so that not even a
 * hot journal of another program is rolled back): ours by its
 * application_id, or by its tables when written before the id (schema 1
 * and 2); an empty file; or something else, refused untouched. */
static gboolean
identify (OknStore *store,
          DbKind   *kind,
          int      *version,
          GError  **error)
{
  g_autoptr (GError) local_error = NULL;
  int app_id = 0, n_objects = 0;

  if (!pragma_int (store, "PRAGMA application_id", &app_id, &local_error)
      || !pragma_int (store, "PRAGMA user_version", version, &local_error)
      || !pragma_int (store, "SELECT count(*) FROM sqlite_master", &n_objects, &local_error))
    {
      /* A file that is not SQLite at all (a CSV written over it, say) is
       * not ours; a full disk or a damaged file says so itself. */
      if (sqlite3_errcode (store->db) == SQLITE_NOTADB)
        return refuse_foreign (store, _("it is not a SQLite database file"), error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if ((guint32) app_id == OKN_STORE_APPLICATION_ID)
    {
      *kind = KIND_OKIENKO;
      return check_not_newer (store, *version, error);
    }
  if (app_id != 0)
    {
      g_autofree char *why = g_strdup_printf (_("its application id is 0x%08x"), (guint32) app_id);

      return refuse_foreign (store, why, error);
    }
  if (*version == 0 && n_objects == 0)
    {
      *kind = KIND_EMPTY;
      return TRUE;
    }
  if (*version >= 1 && *version < 3)
    {
      gboolean ours = has_okienko_tables (store, &local_error);

      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (ours)
        {
          *kind = KIND_OKIENKO;
          return TRUE;
        }
    }
  if (*version < 0)
    return check_not_newer (store, *version, error);
  return refuse_foreign (store, _("it has tables of another program"), error);
}

/* PRAGMA quick_check: every page of every b-tree, in one pass (not the
 * slower cross-check of indexes against tables that integrity_check adds). */
static gboolean
check_integrity (OknStore *store,
                 GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "PRAGMA quick_check(1)", error);
  g_autofree char *steps = NULL;
  g_autofree char *answer = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("checking the database"), error);
  answer = okn_sql_column_dup (stmt, 0);
  if (g_strcmp0 (answer, "ok") == 0)
    return TRUE;
  /* One line: "*** in database main ***\nPage 23: ..." says "Page 23: ...". */
  if (answer && g_str_has_prefix (answer, "*** in database main ***\n"))
    memmove (answer, answer + 25, strlen (answer + 25) + 1);
  if (answer)
    g_strdelimit (answer, "\r\n", ' ');
  steps = okn_store_recovery_steps (store->path);
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
               _("The database %s is damaged (%s). It was not changed. %s"), store->path,
               answer ? answer : "?", steps);
  return FALSE;
}

char *
okn_store_format_ticket (const char *station,
                         guint       year,
                         guint       seq)
{
  OknTicketId id;

  if (!okn_ticket_id_make (station, year, seq, &id, NULL))
    return g_strdup_printf ("%s-%02u-%06u", station, year, seq);
  return okn_ticket_id_format (&id);
}

/* A database of an older Okienko, or one whose file of issued numbers was
 * lost: the file learns the database's counters, so from now on they are
 * protected too. Writes only when the file lacks something. */
static gboolean
seed_issued (OknStore *store,
             GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT station, year, last_seq FROM counters", error);
  g_autoptr (GArray) counters = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OknIssued e = { 0 };

      g_strlcpy (e.station, (const char *) sqlite3_column_text (stmt, 0), sizeof e.station);
      e.year = (guint) sqlite3_column_int (stmt, 1);
      e.seq = (guint) sqlite3_column_int64 (stmt, 2);
      g_array_append_val (counters, e);
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading the ticket counters"), error);
  return okn_issued_raise (store->issued, counters, error);
}

/* Compares the numbers given out (the file next to the database) with the
 * counters in it: numbers the database does not know were printed on
 * tickets before it lost its latest changes or was replaced by an older
 * copy. Registration skips them (insert_record); here they are named. */
static gboolean
check_issued (OknStore *store,
              GError  **error)
{
  g_autoptr (GArray) issued = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean damaged = FALSE;

  if (!okn_issued_read (store->issued, &issued, &damaged, error))
    return FALSE;
  if (damaged)
    g_ptr_array_add (store->warnings,
                     g_strdup_printf (_("The file of ticket numbers already given out, %s, is "
                                        "damaged; it is written again from the database at the "
                                        "next registration. Numbers this database does not "
                                        "know of cannot be protected until then."),
                                      okn_issued_get_path (store->issued)));
  stmt = okn_store_prepare (store, "SELECT last_seq FROM counters WHERE station = ? AND year = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < issued->len; i++)
    {
      const OknIssued *e = &g_array_index (issued, OknIssued, i);
      guint have = 0;
      int rc;

      sqlite3_reset (stmt);
      okn_sql_bind_text (stmt, 1, e->station);
      sqlite3_bind_int (stmt, 2, (int) e->year);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        have = (guint) sqlite3_column_int64 (stmt, 0);
      else if (rc != SQLITE_DONE)
        return okn_store_set_error_from_db (store, rc, _("reading the ticket counters"), error);
      if (have < e->seq)
        {
          g_autofree char *from = okn_store_format_ticket (e->station, e->year, have + 1);
          g_autofree char *to = okn_store_format_ticket (e->station, e->year, e->seq);

          g_ptr_array_add (store->warnings,
                           g_strdup_printf (_("Tickets %s to %s were given out, but the database "
                                              "%s does not hold them: it lost its latest changes "
                                              "or an older copy was put in its place. These "
                                              "numbers are never given out again; register "
                                              "those letters and reports again from their "
                                              "tickets."),
                                            from, to, store->path));
        }
    }
  return store->read_only || seed_issued (store, error);
}

gboolean
okn_store_require_station (OknStore *store,
                           GError  **error)
{
  if (store->has_station)
    return TRUE;
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NO_STATION,
               _("This database has no station yet. Set it up first: "
                 "okienkoctl init --station CODE"));
  return FALSE;
}

static gint64
count_records (OknStore *store,
               GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT count(*) FROM records", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      okn_store_set_error_from_db (store, rc, _("counting records"), error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

static void
tighten_permissions (OknStore *store)
{
  const char *suffixes[] = { "", "-wal", "-shm", ".issued" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = file_path (store, suffixes[i]);
      struct stat st;
      int fd = open_for_mode (p, &st);

      if (fd < 0)
        continue;
      if (S_ISREG (st.st_mode) && st.st_nlink == 1)
        chmod_descriptor (fd, 0600);
      close (fd);
    }
}

char *
okn_store_default_path (void)
{
  const char *env = g_getenv ("OKIENKO_DB");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "okienko", "okienko.db", NULL);
}

/**
 * okn_store_open:
 * @path: the database file; created (mode 0600) when missing
 *
 * okn_store_open_full() with %OKN_STORE_OPEN_CREATE: what the desk, the
 * kiosk and the sync engine use.
 *
 * Returns: (transfer full): the store, or %NULL
 */
OknStore *
okn_store_open (const char *path,
                GError    **error)
{
  return okn_store_open_full (path, OKN_STORE_OPEN_CREATE, error);
}

/**
 * okn_store_open_full:
 * @path: the database file
 * @flags: %OKN_STORE_OPEN_CREATE to create a new database when there is
 *   none; %OKN_STORE_OPEN_READ_ONLY for a connection that never writes
 *   (no creation, no upgrade; the file stays byte-identical)
 *
 * Opens the store. Before anything is written, the file is identified: a
 * SQLite file of another program (no Okienko application_id, no Okienko
 * tables), one written by a newer Okienko and a damaged one (PRAGMA
 * quick_check) are refused and left as they were. A database others can
 * read is made private (0600) or refused. A writable store then brings the
 * schema up to date. The file of ticket numbers already given out is
 * compared with the database: numbers it lost are named in
 * okn_store_get_warnings() and never given out again.
 *
 * Returns: (transfer full): the store, or %NULL
 */
OknStore *
okn_store_open_full (const char        *path,
                     OknStoreOpenFlags  flags,
                     GError           **error)
{
  g_autoptr (OknStore) store = g_new0 (OknStore, 1);
  gboolean read_only = (flags & OKN_STORE_OPEN_READ_ONLY) != 0;
  gboolean create = (flags & OKN_STORE_OPEN_CREATE) != 0 && !read_only;
  DbKind kind = KIND_EMPTY;
  int version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  store->path = g_strdup (path);
  store->read_only = read_only;
  store->warnings = g_ptr_array_new_with_free_func (g_free);
  if (!check_path (path, error))
    return NULL;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      if (!create)
        {
          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NO_DATABASE,
                       _("There is no database at %s. Set the station up first: okienkoctl "
                         "init --station CODE"),
                       path);
          return NULL;
        }
      if (!create_private_file (store, error))
        return NULL;
    }
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      refuse_foreign (store, _("it is not a regular file"), error);
      return NULL;
    }
  /* The links on the way to the database are followed here, once: SQLite
   * opens the file at the resolved path, never following a link there
   * (SQLITE_OPEN_NOFOLLOW), and its modes and -wal's and -shm's are
   * checked there, where SQLite keeps them (open_for_mode()). A link put
   * in the database's place later is refused, not followed to another
   * file. Still open: a regular file renamed into its place between
   * SQLite's open and check_modes() (telling it from the file SQLite
   * opened needs SQLite's own descriptor), and a link swapped into a
   * folder above the resolved path, by whoever can write its parent. */
  {
    char *real = realpath (path, NULL);

    store->real_path = g_strdup (real ? real : path);
    free (real);
  }
  /* No export or ticket file may ever be written over these, where they
   * are: SQLite's beside the resolved path (file_path()). */
  {
    const char *suffixes[] = { "", "-wal", "-shm", "-journal", ".issued", ".checked" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = file_path (store, suffixes[i]);

        okn_file_protect (p);
      }
  }

  if (!check_companions (store, error) || !open_connection (store, FALSE, error)
      || !identify (store, &kind, &version, error))
    return NULL;
  if (kind == KIND_EMPTY && !create)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NO_DATABASE,
                   _("%s holds no Okienko database yet (it is empty). Set the station up "
                     "first: okienkoctl init --station CODE"),
                   path);
      return NULL;
    }
  if (!check_modes (store, error))
    return NULL;
  if (kind == KIND_OKIENKO)
    {
      g_autofree char *fingerprint = file_fingerprint (path);

      if (!fingerprint_is_checked (store, fingerprint))
        {
          if (!check_integrity (store, error))
            return NULL;
          record_fingerprint (store, fingerprint);
        }
    }
  if (read_only && version < OKN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The database %s was written by an older Okienko (schema %d) and must be "
                     "upgraded before it is read: run “okienkoctl init” (or start the desk) "
                     "once."),
                   path, version);
      return NULL;
    }

  if (!read_only
      && (!open_connection (store, TRUE, error)
          || !okn_store_exec (store, "PRAGMA journal_mode = WAL", _("opening the database"), error)
          || !okn_store_exec (store, "PRAGMA synchronous = FULL", _("opening the database"), error)
          || !okn_store_exec (store, "PRAGMA foreign_keys = ON", _("opening the database"), error)
          /* Deleted and overwritten content is zeroed, in pages and in
           * freed pages: purged personal data must not stay in the file
           * (okn-store-purge.c). */
          || !okn_store_exec (store, "PRAGMA secure_delete = ON", _("opening the database"), error)
          || !migrate (store, error)))
    return NULL;
  if (!load_station (store, error))
    return NULL;
  store->issued = okn_issued_open (path, !read_only, error);
  if (store->issued == NULL || !check_issued (store, error))
    return NULL;

  return g_steal_pointer (&store);
}

/**
 * okn_store_get_warnings:
 *
 * Returns: (transfer none) (element-type utf8): what the store found at
 *   open and fixed or works around, for the user to read: ticket numbers
 *   the database lost, a database others could read. Empty when all is well.
 */
GPtrArray *
okn_store_get_warnings (OknStore *store)
{
  return store->warnings;
}

void
okn_store_close (OknStore *store)
{
  if (store == NULL)
    return;
  /* The last connection to close checkpoints the WAL into the file. */
  if (store->db && !store->read_only)
    checkpoint_trusted (store, close_connection);
  close_connection (store);
  memset (store->secret, 0, sizeof store->secret);
  okn_issued_close (store->issued);
  g_clear_pointer (&store->issued_now, g_array_unref);
  g_clear_pointer (&store->issued_new, g_array_unref);
  g_clear_pointer (&store->warnings, g_ptr_array_unref);
  g_free (store->station);
  g_free (store->path);
  g_free (store->real_path);
  g_free (store);
}

const char *
okn_store_get_path (OknStore *store)
{
  return store->path;
}

int
okn_store_get_schema_version (OknStore *store)
{
  int v = -1;

  pragma_int (store, "PRAGMA user_version", &v, NULL);
  return v;
}

/**
 * okn_store_set_now_func:
 *
 * Replaces the clock, for tests of year boundaries and date ranges.
 */
void
okn_store_set_now_func (OknStore   *store,
                        OknNowFunc  func,
                        gpointer    user_data)
{
  store->now_func = func;
  store->now_data = user_data;
}

/**
 * okn_store_init_station:
 * @code: the station code (2-4 characters; normalised)
 *
 * Sets the station up once, with a new random secret for verification codes.
 * Calling it again with the same code changes nothing; a different code is
 * accepted only while the station has no records, since tickets carry it.
 */
gboolean
okn_store_init_station (OknStore   *store,
                        const char *code,
                        const char *actor,
                        GError    **error)
{
  char normalized[OKN_TICKET_STATION_MAX + 1];
  g_autofree char *at = NULL;
  g_autoptr (JsonNode) details = NULL;

  if (!okn_station_code_normalize (code, normalized, error))
    return FALSE;
  if (!okn_store_begin (store, error))
    return FALSE;
  if (!load_station (store, error))
    goto fail;

  at = okn_store_now_iso8601 (store);
  if (!store->has_station)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      guint8 secret[OKN_STORE_SECRET_LEN];

      if (getrandom (secret, sizeof secret, 0) != (ssize_t) sizeof secret)
        {
          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                       _("The system could not provide random bytes for the station secret."));
          goto fail;
        }
      stmt = okn_store_prepare (store, "INSERT INTO station (id, code, secret, created_at) VALUES (1, ?, ?, ?)", error);
      if (stmt == NULL)
        goto fail;
      okn_sql_bind_text (stmt, 1, normalized);
      sqlite3_bind_blob (stmt, 2, secret, sizeof secret, SQLITE_TRANSIENT);
      okn_sql_bind_text (stmt, 3, at);
      memset (secret, 0, sizeof secret);
      details = okn_store_json_object ("station", normalized, NULL);
      if (!okn_store_step_done (store, stmt, _("saving the station"), error)
          || !okn_store_append_audit (store, 0, at, actor, "init-station", details, error))
        goto fail;
    }
  else if (!g_str_equal (store->station, normalized))
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      gint64 n = count_records (store, error);

      if (n < 0)
        goto fail;
      if (n > 0)
        {
          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_CONFLICT,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "This station is %s and has %lld record; its code cannot "
                                    "change to %s because the tickets already given out carry it.",
                                    "This station is %s and has %lld records; its code cannot "
                                    "change to %s because the tickets already given out carry it.",
                                    (gulong) MIN (n, G_MAXLONG)),
                       store->station, (long long) n, normalized);
          goto fail;
        }
      stmt = okn_store_prepare (store, "UPDATE station SET code = ? WHERE id = 1", error);
      if (stmt == NULL)
        goto fail;
      okn_sql_bind_text (stmt, 1, normalized);
      details = okn_store_json_object ("from", store->station, "to", normalized, NULL);
      if (!okn_store_step_done (store, stmt, _("saving the station"), error)
          || !okn_store_append_audit (store, 0, at, actor, "change-station", details, error))
        goto fail;
    }
  else
    {
      okn_store_rollback (store);
      tighten_permissions (store);
      return TRUE;
    }

  if (!okn_store_commit (store, error))
    goto fail;
  tighten_permissions (store);
  return load_station (store, error);

fail:
  okn_store_rollback (store);
  load_station (store, NULL);
  return FALSE;
}

/**
 * okn_store_get_station:
 *
 * Returns: (transfer full): the station code
 */
char *
okn_store_get_station (OknStore *store,
                       GError  **error)
{
  if (!okn_store_require_station (store, error))
    return NULL;
  return g_strdup (store->station);
}

/**
 * okn_store_verification_code:
 * @ticket: a formatted ticket ID of this station
 *
 * Returns: (transfer full): the 6-character code printed on its ticket
 */
char *
okn_store_verification_code (OknStore   *store,
                             const char *ticket,
                             GError    **error)
{
  if (!okn_store_require_station (store, error))
    return NULL;
  return okn_ticket_verification_code (ticket, store->secret, OKN_STORE_SECRET_LEN);
}

/**
 * okn_store_get_meta:
 *
 * Returns: (transfer full) (nullable): a value the programs keep in the
 *   database (e.g. "sync.last_success_at")
 */
char *
okn_store_get_meta (OknStore   *store,
                    const char *key)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  okn_sql_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return okn_sql_column_dup (stmt, 0);
}

gboolean
okn_store_set_meta (OknStore   *store,
                    const char *key,
                    const char *value,
                    GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store,
                                                     value ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
                                                 : "DELETE FROM meta WHERE key = ?",
                                                     error);

  if (stmt == NULL)
    return FALSE;
  okn_sql_bind_text (stmt, 1, key);
  if (value)
    okn_sql_bind_text (stmt, 2, value);
  return okn_store_step_done (store, stmt, _("saving the sync status"), error);
}
