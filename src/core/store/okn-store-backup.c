/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-backup.c: the administrator's care of the database: a backup
 * while the station works, putting a backup back, and a check of what the
 * database promises
 *
 * A backup is SQLite's online backup (one read transaction: in WAL mode
 * writers go on meanwhile) into a temporary file beside the destination,
 * made a single self-contained file (journal_mode DELETE), checked whole
 * (integrity_check, foreign keys, ours) and only then moved into place.
 *
 * A restore is the dangerous one: the backup is older than tickets in
 * residents' hands and than what the server already has. The file of
 * issued numbers (<db>.issued) is never restored: it stays ahead, so the
 * numbers given out after the backup are never given again (where it was
 * lost with its disk, the restore refuses unless the administrator says
 * how many numbers to leave out: settle_numbers()); and every
 * record the backup still has waiting is marked "outcome unknown", so the
 * sync searches the server for its ticket marker and adopts the case
 * before it would post it again.
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-day-register.h"
#include "okienko/okn-file.h"
#include "okienko/okn-ticket-id.h"
#include "okn-store-issued.h"
#include "okn-store-private.h"

/* The sync engine's lock (okn-sync.c): held by every running sync. */
#define SYNC_LOCK_SUFFIX ".sync.lock"
/* SQLite's unix VFS: every connection holds a shared lock on this byte of
 * the -shm file while it is open (the "dead man switch"). */
#define SHM_DMS_OFFSET 128

/* ---- shared ------------------------------------------------------------- */

static void
raw_close (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

static gboolean
raw_error (sqlite3    *db,
           int         rc,
           const char *path,
           const char *what,
           GError    **error)
{
  int code = (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB
               ? OKN_STORE_ERROR_DAMAGED : OKN_STORE_ERROR_STORAGE;

  if ((rc & 0xff) == SQLITE_FULL
      || ((rc & 0xff) == SQLITE_IOERR && db && (sqlite3_system_errno (db) == ENOSPC
                                                || sqlite3_system_errno (db) == EDQUOT)))
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The disk holding %s is full: %s failed. Free some space and try again."),
                 path, what);
  else
    /* A copy's error is the backup object's, not the connection's (whose
     * message would be "not an error"). */
    g_set_error (error, OKN_STORE_ERROR, code, _("%s: %s failed: %s"), path, what,
                 okn_store_sqlite_reason (db, rc));
  return FALSE;
}

static sqlite3 *
raw_open (const char *path,
          int         flags,
          GError    **error)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);

  if (rc != SQLITE_OK)
    {
      raw_error (db, rc, path, _("opening the database"), error);
      sqlite3_close_v2 (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, OKN_STORE_BUSY_TIMEOUT_MS);
  return db;
}

static gboolean
raw_int (sqlite3    *db,
         const char *path,
         const char *sql,
         gint64     *out,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW)
    return raw_error (db, rc, path, _("reading the database"), error);
  return TRUE;
}

/* Every row of a check (integrity_check, foreign_key_check) that is not
 * "ok", as one line each, into @problems. */
static gboolean
raw_check_rows (sqlite3    *db,
                const char *path,
                const char *sql,
                GPtrArray  *problems,
                GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      GString *line = g_string_new (NULL);

      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *v = (const char *) sqlite3_column_text (stmt, i);

          if (i > 0)
            g_string_append_c (line, ' ');
          g_string_append (line, v ? v : "-");
        }
      if (g_str_equal (line->str, "ok"))
        g_string_free (line, TRUE);
      else
        {
          g_strdelimit (line->str, "\r\n", ' ');
          g_ptr_array_add (problems, g_string_free (line, FALSE));
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return raw_error (db, rc, path, _("checking the database"), error);
  return TRUE;
}

/* Is the copy at @path sound and an Okienko database of a schema this
 * program can use? (integrity_check: every page and every index against
 * its table; foreign keys; ours by application_id, or by its tables when
 * written before the id; a station.) */
static gboolean
verify_copy (sqlite3    *db,
             const char *path,
             gint64     *records,
             GError    **error)
{
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  gint64 app_id = 0, version = 0, tables = 0, station = 0;

  if (!raw_check_rows (db, path, "PRAGMA integrity_check(20)", problems, error))
    return FALSE;
  if (problems->len == 0
      && !raw_check_rows (db, path, "PRAGMA foreign_key_check", problems, error))
    return FALSE;
  if (problems->len > 0)
    {
      g_autofree char *first = g_ptr_array_index (problems, 0);

      g_ptr_array_index (problems, 0) = NULL;
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
                   _("The copy %s failed its check (%s): it is not a usable backup."), path,
                   first);
      return FALSE;
    }
  if (!raw_int (db, path, "PRAGMA application_id", &app_id, error)
      || !raw_int (db, path, "PRAGMA user_version", &version, error)
      || !raw_int (db, path,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                   "('station', 'counters', 'records', 'outbox', 'audit_log')",
                   &tables, error))
    return FALSE;
  if (!(((guint32) app_id == OKN_STORE_APPLICATION_ID && version >= 1)
        || (app_id == 0 && version >= 1 && version < 3))
      || tables != 5)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_OKIENKO,
                   _("%s is not an Okienko database. Nothing was changed."), path);
      return FALSE;
    }
  if (version > OKN_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NEWER_SCHEMA,
                   _("%s was written by a newer version of Okienko (schema %d; this program "
                     "knows up to %d). Nothing was changed."),
                   path, (int) version, OKN_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (!raw_int (db, path, "SELECT count(*) FROM station", &station, error)
      || !raw_int (db, path, "SELECT count(*) FROM records", records, error))
    return FALSE;
  if (station != 1)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_OKIENKO,
                   _("%s holds no station: it is not a backup of a station. Nothing was "
                     "changed."),
                   path);
      return FALSE;
    }
  return TRUE;
}

/* Pages copied per step of the backup: a progress line moves on a
 * database of a few megabytes, and a step still costs next to nothing. */
#define BACKUP_STEP_PAGES 64

/* Copies the whole of @from (one read transaction) into the empty file
 * @to_path, as one self-contained file, and checks the copy; what the
 * check finds names @shown (the file the user named, not our temporary
 * one). */
static gboolean
copy_database (sqlite3              *from,
               const char           *from_path,
               const char           *to_path,
               const char           *shown,
               OknStoreProgressFunc  progress,
               gpointer              user_data,
               gint64               *records,
               GError              **error)
{
  g_autoptr (sqlite3) to = raw_open (to_path, SQLITE_OPEN_READWRITE, error);
  sqlite3_backup *backup;
  int rc;

  if (to == NULL)
    return FALSE;
  /* The copy is one moment of the database although it goes in steps:
   * our own read transaction stays open across all of them, so every
   * step reads the same snapshot (a step takes and drops a read lock of
   * its own only when the source connection holds none, SQLite's
   * backup.c; https://sqlite.org/c3ref/backup_finish.html).
   * Without it a write by another process between two steps would make
   * SQLite start the copy again from the first page, and under steady
   * writes it might never end. In WAL mode writers go on meanwhile. */
  rc = sqlite3_exec (from, "BEGIN; SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_exec (from, "ROLLBACK", NULL, NULL, NULL);
      return raw_error (from, rc, from_path, _("copying the database"), error);
    }
  backup = sqlite3_backup_init (to, "main", from, "main");
  if (backup == NULL)
    {
      sqlite3_exec (from, "ROLLBACK", NULL, NULL, NULL);
      return raw_error (to, sqlite3_errcode (to), to_path, _("starting the copy"), error);
    }
  do
    {
      rc = sqlite3_backup_step (backup, BACKUP_STEP_PAGES);
      if (progress && (rc == SQLITE_OK || rc == SQLITE_DONE))
        {
          int total = sqlite3_backup_pagecount (backup);

          progress ((guint) (total - sqlite3_backup_remaining (backup)), (guint) total, user_data);
        }
    }
  while (rc == SQLITE_OK);
  sqlite3_backup_finish (backup);
  sqlite3_exec (from, "ROLLBACK", NULL, NULL, NULL);
  if (rc != SQLITE_DONE)
    {
      if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_IOERR)
        return raw_error (to, rc, to_path, _("copying the database"), error);
      return raw_error (from, rc, from_path, _("copying the database"), error);
    }
  /* A backup is one file: no -wal beside it to lose. */
  rc = sqlite3_exec (to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return raw_error (to, rc, to_path, _("copying the database"), error);
  return verify_copy (to, shown, records, error);
}

static gboolean
fsync_path (const char *path,
            GError    **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  int saved;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE, _("Could not write %s: %s"), path,
               g_strerror (saved));
  return FALSE;
}

/* ---- backup ------------------------------------------------------------- */

/* What a backup carries besides the database, in its meta table: when it
 * was made, and the marks of <db>.issued as they were then (they may be
 * ahead of the counters it copies, when the database had lost numbers
 * before). A restore onto a disk without <db>.issued starts from them. */
#define META_BACKUP_MADE_AT "backup.made_at"
#define META_BACKUP_ISSUED "backup.issued"

/* Raises, in the copy @db, each counter of @station to its number in @to
 * plus @skip (at most a ticket's last); an SQLite result code. */
static int
raise_counters (sqlite3      *db,
                const char   *station,
                const GArray *to,
                int           skip)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO counters (station, year, last_seq) VALUES (?1, ?2, ?3) "
                               "ON CONFLICT (station, year) DO UPDATE SET last_seq = max (last_seq, excluded.last_seq)",
                               -1, &stmt, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < to->len; i++)
    {
      const OknIssued *b = &g_array_index (to, OknIssued, i);

      if (!g_str_equal (b->station, station))
        continue;
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, station, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 2, (int) b->year);
      sqlite3_bind_int64 (stmt, 3, MIN ((gint64) b->seq + skip, OKN_TICKET_SEQ_MAX));
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  return rc;
}

/* A damaged <db>.issued gives the backup no marks to carry: it is told in
 * @warnings, since a restore on a new disk would know only the copy's
 * counters (the backup is still written: it is sound, and the file's lost
 * content cannot be had back by not making it). */
static gboolean
carry_issued (OknStore   *store,
              const char *tmp,
              const char *shown,
              GPtrArray  *warnings,
              GError    **error)
{
  g_autoptr (GArray) marks = NULL;
  g_autoptr (sqlite3) db = NULL;
  g_autofree char *at = okn_store_now_iso8601 (store);
  g_autofree char *lines = NULL;
  gboolean damaged = FALSE;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!okn_issued_read (store->issued, &marks, &damaged, error))
    return FALSE;
  if (damaged)
    g_ptr_array_add (warnings,
                     g_strdup_printf (_("The file of ticket numbers already given out, %s, is "
                                        "damaged: this backup carries none of the numbers it "
                                        "held. Restored on a new disk, the backup knows only "
                                        "its own counters, and numbers the database had lost "
                                        "before could be given out again. Keep the backups "
                                        "made before, which carry them; “okienkoctl init” "
                                        "(or the next registration) writes the file again "
                                        "from the database."),
                                      okn_issued_get_path (store->issued)));
  lines = okn_issued_to_text (marks);
  db = raw_open (tmp, SQLITE_OPEN_READWRITE, error);
  if (db == NULL)
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2), (?3, ?4)", -1,
                           &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, META_BACKUP_MADE_AT, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, at, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, META_BACKUP_ISSUED, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, lines, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  /* The copy's counters go up to the marks it carries: a database behind
   * <db>.issued (an older backup put back) still gives a backup whose
   * counters know every number given out, which a restore can trust. */
  if (rc == SQLITE_DONE && store->station)
    rc = raise_counters (db, store->station, marks, 0) == SQLITE_OK ? SQLITE_DONE : sqlite3_errcode (db);
  if (rc != SQLITE_DONE)
    return raw_error (db, rc, shown, _("copying the database"), error);
  return TRUE;
}

/**
 * okn_store_backup:
 * @store: an open store (read-only or not)
 * @dest: the backup file
 * @flags: %OKN_FILE_WRITE_REPLACE to replace an existing @dest (--force)
 * @info: (out caller-allocates) (optional): what was written; free with
 *   okn_backup_info_clear()
 *
 * Copies the database while the station works (SQLite's online backup,
 * one read transaction; writers go on), as one file of mode 0600 (it
 * holds personal data and the station secret), checked whole before it is
 * moved into place: PRAGMA integrity_check, foreign keys, ours. Written
 * like every output (okn-file.h): never over the database, its companions
 * or the configuration, never over an existing file without @flags, a
 * temporary file renamed into place, so a crash leaves no half backup.
 * The copy carries when it was made and the marks of `<db>.issued` then,
 * for a restore onto a disk that has lost that file; when that file is
 * damaged, the backup is written without them and @info's warnings say so.
 *
 * Returns: %TRUE when the checked backup is on disk; else %FALSE with
 *   %OKN_FILE_ERROR (the destination) or %OKN_STORE_ERROR
 */
gboolean
okn_store_backup (OknStore          *store,
                  const char        *dest,
                  OknFileWriteFlags  flags,
                  OknBackupInfo     *info,
                  GError           **error)
{
  return okn_store_backup_with_progress (store, dest, flags, NULL, NULL, info, error);
}

/**
 * okn_store_backup_with_progress:
 * @store: an open store
 * @dest: the backup file
 * @flags: as for okn_store_backup()
 * @progress: (nullable) (scope call): called after each step of the copy
 *   with the database pages copied and the pages in all
 * @user_data: for @progress
 * @info: (out caller-allocates) (optional): what was written
 *
 * okn_store_backup(), telling @progress how far the copy is (okienkoctl
 * draws it on a terminal). The copy goes in steps of a few pages within
 * one read transaction: still one moment of the database.
 *
 * Returns: as okn_store_backup()
 */
gboolean
okn_store_backup_with_progress (OknStore             *store,
                                const char           *dest,
                                OknFileWriteFlags     flags,
                                OknStoreProgressFunc  progress,
                                gpointer              user_data,
                                OknBackupInfo        *info,
                                GError              **error)
{
  g_autofree char *tmp = NULL;
  g_autofree char *journal = NULL;
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  gint64 records = 0;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (store != NULL && dest != NULL, FALSE);

  if (info)
    memset (info, 0, sizeof *info);
  fd = okn_file_open_temp (dest, flags, 0600, &tmp, error);
  if (fd < 0)
    return FALSE;
  journal = g_strconcat (tmp, "-journal", NULL);
  /* The umask may only take bits away: the copy is private whatever. */
  if (fchmod (fd, 0600) != 0
      || !copy_database (store->db, store->path, tmp, dest, progress, user_data, &records, error)
      || !carry_issued (store, tmp, dest, warnings, error) || fsync (fd) != 0 || g_stat (tmp, &st) != 0)
    {
      if (error && *error == NULL)
        g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE, _("Could not write %s: %s"),
                     dest, g_strerror (errno));
      close (fd);
      g_unlink (tmp);
      g_unlink (journal);
      return FALSE;
    }
  close (fd);
  if (!okn_file_install (tmp, dest, flags, error))
    return FALSE;
  if (info)
    {
      info->records = records;
      info->bytes = (gint64) st.st_size;
      info->warnings = g_steal_pointer (&warnings);
    }
  return TRUE;
}

void
okn_backup_info_clear (OknBackupInfo *info)
{
  g_clear_pointer (&info->warnings, g_ptr_array_unref);
}

/* The dated backups of okn_store_backup_rotate(): okienko-<UTC time>.db,
 * the time in the name so that the age never depends on a file's mtime
 * (a copy to another disk keeps the name, not the time). */
#define ROTATE_PREFIX "okienko-"
#define ROTATE_SUFFIX ".db"
#define ROTATE_FORMAT "%Y%m%dT%H%M%SZ"

static GDateTime *
rotated_time (const char *name)
{
  g_autofree char *stamp = NULL;
  g_autofree char *iso = NULL;
  gsize len = strlen (name);

  /* okienko-20261204T023000Z.db */
  if (!g_str_has_prefix (name, ROTATE_PREFIX) || !g_str_has_suffix (name, ROTATE_SUFFIX)
      || len != strlen (ROTATE_PREFIX) + 16 + strlen (ROTATE_SUFFIX))
    return NULL;
  stamp = g_strndup (name + strlen (ROTATE_PREFIX), 16);
  for (guint i = 0; i < 16; i++)
    if (!(i == 8 ? stamp[i] == 'T' : i == 15 ? stamp[i] == 'Z' : g_ascii_isdigit (stamp[i])))
      return NULL;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6, stamp + 9,
                         stamp + 11, stamp + 13);
  return g_date_time_new_from_iso8601 (iso, NULL);
}

/**
 * okn_store_backup_rotate:
 * @store: an open store
 * @dir: (nullable): the folder of dated backups; %NULL: `backups` beside
 *   the database (created, 0700)
 * @keep_days: how long a dated backup is kept
 * @rotation: (out caller-allocates): what was written and removed; free
 *   with okn_backup_rotation_clear()
 *
 * The nightly backup: okn_store_backup() into `@dir/okienko-<UTC time>.db`,
 * and only when that checked backup is on disk, the dated backups in @dir
 * older than @keep_days days are removed (never the new one, never a file
 * not named like one).
 *
 * Returns: %TRUE when the new backup is written (an old one that cannot
 *   be removed is left for the next night)
 */
gboolean
okn_store_backup_rotate (OknStore          *store,
                         const char        *dir,
                         guint              keep_days,
                         OknBackupRotation *rotation,
                         GError           **error)
{
  g_autofree char *folder = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDir) d = NULL;
  const char *entry;

  memset (rotation, 0, sizeof *rotation);
  rotation->removed = g_ptr_array_new_with_free_func (g_free);
  if (dir && *dir)
    folder = g_strdup (dir);
  else
    {
      g_autofree char *db_dir = g_path_get_dirname (store->path);

      folder = g_build_filename (db_dir, "backups", NULL);
    }
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Cannot create the folder %s: %s"), folder, g_strerror (saved));
      return FALSE;
    }
  stamp = g_date_time_format (now, ROTATE_FORMAT);
  name = g_strconcat (ROTATE_PREFIX, stamp, ROTATE_SUFFIX, NULL);
  rotation->path = g_build_filename (folder, name, NULL);
  if (!okn_store_backup (store, rotation->path, OKN_FILE_WRITE_DEFAULT, &rotation->backup, error))
    return FALSE;

  d = g_dir_open (folder, 0, NULL);
  while (d && (entry = g_dir_read_name (d)))
    {
      g_autoptr (GDateTime) when = rotated_time (entry);
      g_autofree char *path = NULL;

      if (when == NULL || g_str_equal (entry, name)
          || g_date_time_difference (now, when) <= (GTimeSpan) keep_days * G_TIME_SPAN_DAY)
        continue;
      path = g_build_filename (folder, entry, NULL);
      if (g_unlink (path) == 0)
        g_ptr_array_add (rotation->removed, g_steal_pointer (&path));
    }
  return TRUE;
}

void
okn_backup_rotation_clear (OknBackupRotation *rotation)
{
  g_clear_pointer (&rotation->path, g_free);
  okn_backup_info_clear (&rotation->backup);
  g_clear_pointer (&rotation->removed, g_ptr_array_unref);
}

/* ---- restore ------------------------------------------------------------ */

/* Does another process hold @path open? Every SQLite connection in WAL
 * mode keeps a shared lock on the database file and on the -shm's "dead
 * man switch" byte while it is open, even when idle: a write lock that
 * could not be placed names the holder. Locks of this process do not
 * count (POSIX locks), so the caller must have closed its own. */
static pid_t
holder_of (const char *path,
           off_t       start,
           off_t       len)
{
  struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  pid_t pid = 0;

  if (fd < 0)
    return 0;
  if (fcntl (fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
    pid = fl.l_pid > 0 ? fl.l_pid : 1;
  close (fd);
  return pid;
}

static gboolean
check_not_in_use (const char *db_path,
                  GError    **error)
{
  g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
  pid_t pid = holder_of (db_path, 0, 0);

  if (pid == 0)
    pid = holder_of (shm, SHM_DMS_OFFSET, 1);
  if (pid == 0)
    return TRUE;
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_IN_USE,
               _("The database %s is open in another program (process %ld): stop the desk, "
                 "the kiosk and “okienkoctl sync” on this station first. Nothing was changed."),
               db_path, (long) pid);
  return FALSE;
}

/* Whether @a and @b are one file: a symlink, a hard link or another
 * spelling of a name (./, ..) is the file it names. */
static gboolean
same_file (const char *a,
           const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

/* Takes the sync engine's lock, so no sync starts while the file is
 * swapped; -1 with IN_USE when a sync holds it. */
static int
take_sync_lock (const char *db_path,
                GError    **error)
{
  g_autofree char *lock = g_strconcat (db_path, SYNC_LOCK_SUFFIX, NULL);
  int fd = g_open (lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  int saved;

  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Cannot create the sync lock file %s: %s"), lock, g_strerror (saved));
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  saved = errno;
  close (fd);
  if (saved == EWOULDBLOCK)
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_IN_USE,
                 _("A sync is running on the database %s (lock %s): stop “okienkoctl sync” "
                   "first. Nothing was changed."),
                 db_path, lock);
  else
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE, _("Cannot lock %s: %s"), lock,
                 g_strerror (saved));
  return -1;
}

/* The text @sql (with @param as ?1, when given) selects first, or NULL:
 * no row, a NULL, or a table the database has not got (an older copy). */
static char *
raw_text (sqlite3    *db,
          const char *sql,
          const char *param)
{
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK
      && (param == NULL || sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC) == SQLITE_OK)
      && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

#define STATION_SQL "SELECT code FROM station WHERE id = 1"

/* The station code of the database at @path, or NULL when it cannot be
 * read (none yet, or damaged: it is being replaced). */
static char *
station_of (const char *path)
{
  g_autoptr (sqlite3) db = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  db = raw_open (path, SQLITE_OPEN_READONLY, NULL);
  if (db == NULL)
    return NULL;
  return raw_text (db, STATION_SQL, NULL);
}

/* Moves @from to @to when @from exists. */
static gboolean
move_aside (const char *from,
            const char *to,
            GError    **error)
{
  int saved;

  if (g_rename (from, to) == 0 || errno == ENOENT)
    return TRUE;
  saved = errno;
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE, _("Could not move %s to %s: %s"),
               from, to, g_strerror (saved));
  return FALSE;
}

/* Keeps the database @db_path (when @had_db) as
 * `<db>.before-restore-<@now>`, a link, so that the file stays in place
 * until the backup replaces it, and moves its -wal and -journal to the
 * same name with their suffixes.
 *
 * Returns: (transfer full): the name kept under, or %NULL with @error */
static char *
keep_aside (const char *db_path,
            GDateTime  *now,
            gboolean    had_db,
            GError    **error)
{
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *aside = g_strdup_printf ("%s.before-restore-%s", db_path, stamp);
  const char *suffixes[] = { "-wal", "-journal" };

  /* Two restores within a second keep both old files. */
  for (guint n = 2; had_db; n++)
    {
      if (link (db_path, aside) == 0)
        break;
      if (errno != EEXIST || n >= 100)
        {
          int saved = errno;

          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                       _("Could not keep the database as %s: %s. Nothing was changed."), aside,
                       g_strerror (saved));
          return NULL;
        }
      g_free (aside);
      aside = g_strdup_printf ("%s.before-restore-%s.%u", db_path, stamp, n);
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *a = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *b = g_strconcat (aside, suffixes[i], NULL);

      if (!move_aside (a, b, error))
        return NULL;
    }
  return g_steal_pointer (&aside);
}

/* Copies what the old database's -wal holds into its file and empties
 * the -wal, so that moving the -wal aside can lose nothing even when the
 * restore is killed before the copy is in place. A database that cannot
 * be opened (damaged: the reason for the restore) is left as it is. */
static void
checkpoint_old (const char *db_path)
{
  g_autoptr (sqlite3) db = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    return;
  db = raw_open (db_path, SQLITE_OPEN_READWRITE, NULL);
  /* As a statement: sqlite3_wal_checkpoint_v2() on a connection that has
   * read nothing yet does not know the file is in WAL mode and does
   * nothing (the crash loop lost a record that way). */
  if (db)
    sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
}

/* The restore of @source refused: the numbers it carries are not what a
 * backup holds (@reason says which). */
static gboolean
refuse_numbers (const char *source,
                const char *reason,
                GError    **error)
{
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
               _("The backup %s carries ticket numbers given out that cannot be right (%s): it "
                 "was changed after it was made, or it is damaged. Nothing was changed. Restore "
                 "another backup."),
               source, reason);
  return FALSE;
}

/* The copy made ready to be put in place: in WAL mode already (a file in
 * rollback mode would switch at its first open, and a restore killed
 * then would leave a hot journal that read-only commands cannot roll
 * back), and its waiting records marked, so that a restore killed right
 * after the rename still searches before it posts (after_restore() marks
 * again, for a copy too old to have the column, and writes the audit
 * entry). Closing the last connection checkpoints and removes the copy's
 * -wal and -shm: one file is renamed. */
static gboolean
prepare_copy (const char *tmp,
              char      **station,
              GError    **error)
{
  g_autoptr (sqlite3) db = raw_open (tmp, SQLITE_OPEN_READWRITE, error);
  gint64 has_column = 0;
  int rc;

  if (db == NULL)
    return FALSE;
  *station = raw_text (db, STATION_SQL, NULL);
  rc = sqlite3_exec (db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return raw_error (db, rc, tmp, _("copying the database"), error);
  if (!raw_int (db, tmp, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'unknown_outcome'",
                &has_column, error))
    return FALSE;
  if (has_column > 0)
    {
      rc = sqlite3_exec (db,
                         "UPDATE outbox SET unknown_outcome = 1, next_attempt_us = 0 WHERE record_id IN "
                         "(SELECT id FROM records WHERE sync_state IN ('queued', 'sending'))",
                         NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        return raw_error (db, rc, tmp, _("marking the records to search for"), error);
    }
  rc = sqlite3_close (g_steal_pointer (&db));
  if (rc != SQLITE_OK)
    return raw_error (NULL, rc, tmp, _("copying the database"), error);
  return TRUE;
}

/* What the backup @source carries of the numbers given out
 * (META_BACKUP_ISSUED; none for a copy older than that row), refused when
 * it is not what okn_issued_to_text() writes from a slot of <db>.issued:
 * a backup may have been changed since it was made, or damaged inside a
 * value, where SQLite does not look. A mark may be above the copy's own
 * counter (@counters, of @station, checked by copy_numbers()) by at most
 * OKN_STORE_RESTORE_SKIP_MAX, the most an administrator may leave out
 * with --skip-numbers: it says the same thing (numbers given out that
 * the copy does not hold), and may not say more. */
static gboolean
carried_marks (sqlite3      *db,
               const char   *source,
               const char   *station,
               const GArray *counters,
               GArray      **carried,
               GError      **error)
{
  g_autofree char *present = raw_text (db, "SELECT 'yes' FROM meta WHERE key = ?1", META_BACKUP_ISSUED);
  g_autofree char *text = raw_text (db,
                                    "SELECT value FROM meta WHERE key = ?1 AND typeof (value) = 'text' "
                                    "AND length (CAST (value AS BLOB)) <= " G_STRINGIFY (OKN_ISSUED_SLOT_SIZE),
                                    META_BACKUP_ISSUED);
  g_autofree char *reason = NULL;
  guint bad_line = 0;

  if (present == NULL)
    {
      *carried = g_array_new (FALSE, TRUE, sizeof (OknIssued));
      return TRUE;
    }
  *carried = text ? okn_issued_from_text (text, &bad_line) : NULL;
  if (text == NULL)
    reason = g_strdup_printf (_("not text, or longer than %d bytes"), OKN_ISSUED_SLOT_SIZE);
  else if (*carried == NULL)
    reason = g_strdup_printf (_("line %u is not a station, a year and a number a ticket can have"), bad_line);
  for (guint i = 0; *carried && reason == NULL && i < (*carried)->len; i++)
    {
      const OknIssued *c = &g_array_index (*carried, OknIssued, i);
      const OknIssued *own = okn_issued_find ((GArray *) counters, c->station, c->year);

      if (g_str_equal (c->station, station) && c->seq > (own ? own->seq : 0) + OKN_STORE_RESTORE_SKIP_MAX)
        {
          g_autofree char *ticket = okn_store_format_ticket (c->station, c->year, c->seq);

          reason = g_strdup_printf (_("%s is more than %d numbers after the backup's own last "
                                      "ticket of that year"),
                                    ticket, OKN_STORE_RESTORE_SKIP_MAX);
        }
    }
  if (reason == NULL)
    return TRUE;
  g_clear_pointer (carried, g_array_unref);
  return refuse_numbers (source, reason, error);
}

/* The numbers @station gave out as far as the copy of @source knows: its
 * counters, raised to the marks its backup carried (carried_marks()). A
 * counter out of a ticket's range is refused like a mark: read as a
 * guint, 2^32 + 2 would be 2, and the numbers after it given out again. */
static gboolean
copy_numbers (sqlite3    *db,
              const char *path,
              const char *source,
              const char *station,
              GArray     *known,
              GError    **error)
{
  g_autoptr (GArray) carried = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean in_range = TRUE;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT year, last_seq, typeof (year) = 'integer' AND year BETWEEN 0 AND 99 "
                               "AND typeof (last_seq) = 'integer' AND last_seq BETWEEN 0 AND "
                               G_STRINGIFY (OKN_TICKET_SEQ_MAX) " FROM counters WHERE station = ?1",
                               -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_bind_text (stmt, 1, station, -1, SQLITE_STATIC);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OknIssued e = { 0 };

      g_strlcpy (e.station, station, sizeof e.station);
      e.year = (guint) sqlite3_column_int (stmt, 0);
      e.seq = (guint) sqlite3_column_int64 (stmt, 1);
      in_range = in_range && sqlite3_column_int (stmt, 2) != 0;
      g_array_append_val (known, e);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return raw_error (db, rc, path, _("reading the ticket counters"), error);
  if (!in_range)
    return refuse_numbers (source, _("a ticket counter of the station is not a number a ticket can have"),
                           error);
  if (!carried_marks (db, source, station, known, &carried, error))
    return FALSE;
  for (guint i = carried->len; i-- > 0;)
    if (!g_str_equal (g_array_index (carried, OknIssued, i).station, station))
      g_array_remove_index (carried, i);
  okn_issued_merge (known, carried);
  return TRUE;
}

/* Whether <db>.issued beside the database knows every number of @known
 * (or, for a backup that gave none out, anything of @station): the
 * station's own file, so what was given out after the backup is in it.
 * Missing (a new disk), damaged, behind the backup or another station's:
 * it does not. @marks gets what it holds of @station. */
static gboolean
issued_knows (const char   *db_path,
              const char   *station,
              const GArray *known,
              GArray       *marks,
              gboolean     *knows,
              GError      **error)
{
  g_autoptr (OknIssuedFile) f = okn_issued_open (db_path, FALSE, error);
  g_autoptr (GArray) all = NULL;
  gboolean damaged = FALSE;

  if (f == NULL || !okn_issued_read (f, &all, &damaged, error))
    return FALSE;
  for (guint i = 0; i < all->len; i++)
    if (g_str_equal (g_array_index (all, OknIssued, i).station, station))
      g_array_append_val (marks, g_array_index (all, OknIssued, i));
  /* A backup of a station that gave out no ticket has nothing to give
   * out again. */
  *knows = known->len == 0 || (!damaged && marks->len > 0);
  for (guint i = 0; *knows && i < known->len; i++)
    {
      const OknIssued *k = &g_array_index (known, OknIssued, i);
      const OknIssued *m = okn_issued_find (marks, k->station, k->year);

      *knows = m != NULL && m->seq >= k->seq;
    }
  return TRUE;
}

/* When the copy was made, as okienkoctl shows a time (okn_format_date_pl(),
 * local time): the time the backup carries, or for a copy that carries
 * none, its newest record's (it is at least as new), or "?". Never the
 * row's text itself: a backup may have been changed since it was made. */
static char *
copy_time_shown (sqlite3 *db)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autofree char *made = raw_text (db, "SELECT value FROM meta WHERE key = ?1 AND length (value) <= 64",
                                    META_BACKUP_MADE_AT);
  g_autofree char *newest = NULL;
  g_autoptr (GDateTime) made_at = made ? g_date_time_new_from_iso8601 (made, tz) : NULL;
  g_autoptr (GDateTime) newest_at = NULL;

  if (made_at != NULL)
    return okn_format_date_pl (made, TRUE);
  newest = raw_text (db, "SELECT max (created_at) FROM records", NULL);
  newest_at = newest ? g_date_time_new_from_iso8601 (newest, tz) : NULL;
  return newest_at ? okn_format_date_pl (newest, TRUE) : g_strdup ("?");
}

/* Settles, in the copy @tmp before it goes in place, the numbers given
 * out after the backup. When <db>.issued beside the database does not know
 * them (a new disk) and the administrator gave no @skip, the restore is
 * refused: the backup alone would give them out again. With @skip (>= 0),
 * each counter of @station (and this year's, which a backup of last year
 * has not got) goes on @skip numbers after the highest the copy or the
 * file knows; @bases gets those highest numbers, for the audit log. Done
 * in the copy, so a restore killed after the rename has them already.
 * The copy's own META_BACKUP_* rows go: they were the backup's. */
static gboolean
settle_numbers (const char *tmp,
                const char *db_path,
                const char *source,
                const char *station,
                int         skip,
                GDateTime  *now,
                GArray     *bases,
                GError    **error)
{
  g_autoptr (sqlite3) db = raw_open (tmp, SQLITE_OPEN_READWRITE, error);
  g_autoptr (GArray) known = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  g_autoptr (GArray) marks = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  g_autoptr (GDateTime) local = g_date_time_to_local (now);
  OknIssued this_year = { .year = (guint) (g_date_time_get_year (local) % 100) };
  gboolean known_here = FALSE;
  int rc = SQLITE_OK;

  if (db == NULL || !copy_numbers (db, tmp, source, station, known, error)
      || !issued_knows (db_path, station, known, marks, &known_here, error))
    return FALSE;
  if (!known_here && skip < 0)
    {
      g_autofree char *made = copy_time_shown (db);
      g_autofree char *issued = g_strconcat (db_path, ".issued", NULL);
      g_autofree char *last = NULL;
      const OknIssued *top = okn_issued_highest (known);

      /* Refused only when the backup gave tickets out: @top is one. */
      last = okn_store_format_ticket (station, top->year, top->seq);
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_CONFLICT,
                   _("The ticket numbers given out after the backup %s (from %s) are unknown: the "
                     "file of ticket numbers already given out, %s, is missing or does not know "
                     "them (a new disk?). Restoring the backup as it is could give the same "
                     "numbers to other residents. Nothing was changed. Find out how many tickets "
                     "were given out since (the newest printed ticket, or this station's newest "
                     "case on the central server) and restore with “okienkoctl restore "
                     "--skip-numbers N”: numbering then goes on N numbers after %s, the backup's "
                     "last ticket."),
                   source, made, issued, last);
      return FALSE;
    }
  if (skip >= 0)
    {
      g_strlcpy (this_year.station, station, sizeof this_year.station);
      g_array_append_vals (bases, known->data, known->len);
      okn_issued_merge (bases, marks);
      if (okn_issued_find (bases, station, this_year.year) == NULL)
        g_array_append_val (bases, this_year);
      rc = raise_counters (db, station, bases, skip);
      if (rc != SQLITE_OK)
        return raw_error (db, rc, tmp, _("copying the database"), error);
    }
  rc = sqlite3_exec (db, "DELETE FROM meta WHERE key IN ('" META_BACKUP_MADE_AT "', '" META_BACKUP_ISSUED "')",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *meta = raw_text (db, "SELECT name FROM sqlite_master WHERE name = 'meta'", NULL);

      /* A copy older than the meta table carries nothing to remove. */
      if (meta != NULL)
        return raw_error (db, rc, tmp, _("copying the database"), error);
    }
  rc = sqlite3_close (g_steal_pointer (&db));
  if (rc != SQLITE_OK)
    return raw_error (NULL, rc, tmp, _("copying the database"), error);
  return TRUE;
}

/* The numbers left out after the backup's (settle_numbers()), in the
 * audit log as a registration's skip is ("skip-numbers", from, to), and
 * told in @warnings: the next ticket of this year, after the gap. */
static gboolean
note_skip (OknStore     *store,
           const char   *at,
           const char   *actor,
           int           skip,
           const GArray *bases,
           GPtrArray    *warnings,
           GError      **error)
{
  g_autoptr (GDateTime) now = okn_store_now (store);
  guint year = (guint) (g_date_time_get_year (now) % 100);

  for (guint i = 0; i < bases->len; i++)
    {
      const OknIssued *b = &g_array_index (bases, OknIssued, i);
      guint last = (guint) MIN ((gint64) b->seq + skip, OKN_TICKET_SEQ_MAX);
      g_autofree char *from = okn_store_format_ticket (b->station, b->year, b->seq + 1);
      g_autofree char *to = okn_store_format_ticket (b->station, b->year, last);
      g_autofree char *next = okn_store_format_ticket (b->station, b->year, last + 1);
      g_autoptr (JsonNode) details = NULL;

      if (last > b->seq)
        {
          details = okn_store_json_object ("from", from, "to", to, "reason",
                                           "given out after the backup, unknown: restore --skip-numbers", NULL);
          if (!okn_store_append_audit (store, 0, at, actor, "skip-numbers", details, error))
            return FALSE;
        }
      if (b->year != year)
        continue;
      if (last > b->seq)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("The ticket numbers given out after the backup are "
                                            "unknown: %s to %s are left out and never given "
                                            "out; the next ticket is %s."),
                                          from, to, next));
      else
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("No ticket numbers were left out after the backup "
                                            "(--skip-numbers 0): the next ticket is %s. If any "
                                            "were given out after the backup was made, they "
                                            "will be given out again."),
                                          next));
    }
  return TRUE;
}

/* The records the backup still owes the server may have reached it after
 * the backup was made: each is searched for by its ticket marker before
 * it is posted again (unknown_outcome, as after a sync that died). */
static gboolean
after_restore (OknStore       *store,
               const char     *source,
               const char     *aside,
               const char     *actor,
               int             skip,
               const GArray   *bases,
               OknRestoreInfo *info,
               GError        **error)
{
  g_autofree char *at = okn_store_now_iso8601 (store);
  g_autoptr (JsonNode) details = NULL;
  g_autofree char *n_text = NULL;
  guint *n_marked = &info->to_search;

  if (!okn_store_begin (store, error))
    return FALSE;
  if (!okn_store_exec (store,
                       "UPDATE outbox SET unknown_outcome = 1, next_attempt_us = 0 WHERE record_id IN "
                       "(SELECT id FROM records WHERE sync_state IN ('queued', 'sending'))",
                       _("marking the records to search for"), error))
    goto fail;
  /* A record left "sending" is the sync's to recover (with its audit
   * entry) at its next start, searched for like the others. */
  *n_marked = (guint) sqlite3_changes (store->db);
  n_text = g_strdup_printf ("%u", *n_marked);
  details = okn_store_json_object ("from", source, "replaced", aside ? aside : "",
                                   "to_search", n_text, NULL);
  if (skip >= 0)
    {
      /* The administrator's word on the numbers given out after the
       * backup, kept with the restore. */
      g_autofree char *skip_text = g_strdup_printf ("%d", skip);

      json_object_set_string_member (json_node_get_object (details), "skip_numbers", skip_text);
    }
  if (!okn_store_append_audit (store, 0, at, actor, "restore", details, error)
      || (skip >= 0 && !note_skip (store, at, actor, skip, bases, info->warnings, error)))
    goto fail;
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, NULL);
}

/**
 * okn_store_restore:
 * @db_path: the station's database, replaced
 * @source: a backup (okn_store_backup(), or any copy of an Okienko database)
 * @actor: who restores, for the audit log
 * @info: (out caller-allocates): what happened; free with
 *   okn_restore_info_clear()
 *
 * Puts a backup in the place of the database. Refuses (%OKN_STORE_ERROR_IN_USE,
 * nothing changed) while another process has the database open or a sync
 * holds its lock; refuses a source that is not a sound Okienko database of
 * a schema this program knows, or of another station. The source is
 * copied beside the database and checked whole first; then the database
 * (with its -wal) is moved aside as `<db>.before-restore-<time>` and the
 * copy takes its place. `<db>.issued` is kept: numbers given out after the
 * backup stay given out (their tickets are named in @info's warnings), and
 * records the backup has waiting are searched for on the server before
 * they are posted again.
 *
 * Returns: %TRUE when the backup is in place
 */
gboolean
okn_store_restore (const char     *db_path,
                   const char     *source,
                   const char     *actor,
                   OknRestoreInfo *info,
                   GError        **error)
{
  return okn_store_restore_full (db_path, source, OKN_STORE_RESTORE_NO_SKIP, actor, info, error);
}

/**
 * okn_store_restore_full:
 * @db_path: the station's database, replaced
 * @source: a backup
 * @skip_numbers: %OKN_STORE_RESTORE_NO_SKIP, or how many ticket numbers
 *   to leave out after the highest the backup (and `<db>.issued`) knows,
 *   for those given out after the backup was made (0 to 100000)
 * @actor: who restores, for the audit log
 * @info: (out caller-allocates): as okn_store_restore()
 *
 * okn_store_restore(), for a station whose `<db>.issued` does not know
 * the numbers given out after the backup (a new disk: the file was lost
 * with the old one). Without @skip_numbers such a restore is refused
 * (%OKN_STORE_ERROR_CONFLICT, nothing changed): the backup alone would
 * give those numbers out again. With it, each counter goes on
 * @skip_numbers after the highest number known (this year's too), the
 * audit log has a `skip-numbers` entry for each gap and @skip_numbers in
 * the `restore` entry, and @info's warnings name the gap and the next
 * ticket.
 *
 * Returns: %TRUE when the backup is in place
 */
gboolean
okn_store_restore_full (const char     *db_path,
                        const char     *source,
                        int             skip_numbers,
                        const char     *actor,
                        OknRestoreInfo *info,
                        GError        **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *aside = NULL;
  g_autofree char *here_station = NULL;
  g_autofree char *there_station = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (OknStore) store = NULL;
  g_autoptr (sqlite3) from = NULL;
  g_autoptr (GArray) bases = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  gboolean had_db;
  gint64 records = 0;
  int lock_fd = -1, fd = -1;
  gboolean ok = FALSE;

  g_return_val_if_fail (db_path != NULL && source != NULL && info != NULL, FALSE);

  memset (info, 0, sizeof *info);
  info->warnings = g_ptr_array_new_with_free_func (g_free);
  if (skip_numbers > OKN_STORE_RESTORE_SKIP_MAX)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("Leave out at most %d ticket numbers after the backup. Nothing was changed."),
                   OKN_STORE_RESTORE_SKIP_MAX);
      return FALSE;
    }
  if (!g_file_test (source, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("The backup %s is not a file. Nothing was changed."), source);
      return FALSE;
    }
  if (okn_file_is_protected (source) || g_str_equal (source, db_path) || same_file (source, db_path))
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("%s is the database itself, not a backup of it. Nothing was changed."), source);
      return FALSE;
    }

  /* A new disk has no database yet, nor its folder: made private, as
   * for a new database. */
  dir = g_path_get_dirname (db_path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Cannot create the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  lock_fd = take_sync_lock (db_path, error);
  if (lock_fd < 0 || !check_not_in_use (db_path, error))
    goto out;

  /* The copy is made and checked where the database lives, so that
   * putting it in place is a rename. */
  tmp = g_build_filename (dir, ".okienko-restore.XXXXXX", NULL);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Cannot create a file in %s: %s"), dir, g_strerror (saved));
      g_clear_pointer (&tmp, g_free);
      goto out;
    }
  from = raw_open (source, SQLITE_OPEN_READONLY, error);
  if (from == NULL || !copy_database (from, source, tmp, source, NULL, NULL, &records, error)
      || !fsync_path (tmp, error))
    goto out;
  g_clear_pointer (&from, raw_close);
  if (!prepare_copy (tmp, &there_station, error) || !fsync_path (tmp, error))
    goto out;

  here_station = station_of (db_path);
  if (here_station && there_station && !g_str_equal (here_station, there_station))
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_CONFLICT,
                   _("The backup %s is of station %s, but this database is station %s. "
                     "Nothing was changed."),
                   source, there_station, here_station);
      goto out;
    }
  if (there_station == NULL)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_OKIENKO,
                   _("%s holds no station: it is not a backup of a station. Nothing was "
                     "changed."),
                   source);
      goto out;
    }
  if (!settle_numbers (tmp, db_path, source, there_station, skip_numbers, now, bases, error)
      || !fsync_path (tmp, error))
    goto out;

  /* Its -wal belongs to the old file only: left beside the new one,
   * SQLite would apply it to the backup. It goes aside with the file it
   * belongs to (same names, so the pair still opens with sqlite3). */
  checkpoint_old (db_path);
  had_db = g_file_test (db_path, G_FILE_TEST_EXISTS);
  aside = keep_aside (db_path, now, had_db, error);
  if (aside == NULL)
    goto out;
  {
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
    g_autofree char *checked = g_strconcat (db_path, ".checked", NULL);

    g_unlink (shm);
    g_unlink (checked);
  }
  if (g_rename (tmp, db_path) != 0)
    {
      int saved = errno;

      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Could not put the backup in place of %s: %s. The old database is kept as "
                     "%s."),
                   db_path, g_strerror (saved), aside);
      goto out;
    }
  g_clear_pointer (&tmp, g_free);
  okn_file_sync_folder (dir);

  /* Opened as every program opens it: upgraded when older, and the
   * numbers given out after the backup named. */
  store = okn_store_open_full (db_path, OKN_STORE_OPEN_DEFAULT, error);
  if (store == NULL
      || !after_restore (store, source, had_db ? aside : NULL, actor, skip_numbers, bases, info, error))
    goto out;
  for (guint i = 0; i < store->warnings->len; i++)
    g_ptr_array_add (info->warnings, g_strdup (g_ptr_array_index (store->warnings, i)));
  info->aside = had_db ? g_steal_pointer (&aside) : NULL;
  info->records = records;
  ok = TRUE;

out:
  if (fd >= 0)
    close (fd);
  if (tmp)
    {
      const char *leftovers[] = { "-journal", "-wal", "-shm" };

      g_unlink (tmp);
      for (guint i = 0; i < G_N_ELEMENTS (leftovers); i++)
        {
          g_autofree char *p = g_strconcat (tmp, leftovers[i], NULL);

          g_unlink (p);
        }
    }
  if (lock_fd >= 0)
    close (lock_fd);
  return ok;
}

void
okn_restore_info_clear (OknRestoreInfo *info)
{
  g_clear_pointer (&info->aside, g_free);
  g_clear_pointer (&info->warnings, g_ptr_array_unref);
}

/* ---- check -------------------------------------------------------------- */

static void
add_problem (GPtrArray  *problems,
             const char *text)
{
  g_ptr_array_add (problems, g_strdup (text));
}

typedef enum
{
  FINDING_ABOVE_COUNTER,
  FINDING_NOT_IN_OUTBOX,
  FINDING_SENT_IN_OUTBOX,
  FINDING_NO_CASE_NUMBER,
  FINDING_NO_TOKEN,
} Finding;

static char *
finding_text (Finding     finding,
              const char *ticket,
              const char *state)
{
  switch (finding)
    {
    case FINDING_ABOVE_COUNTER:
      return g_strdup_printf (_("%s (%s): its number is above the station's counter; the next "
                                "registration would be refused."),
                              ticket, state);
    case FINDING_NOT_IN_OUTBOX:
      return g_strdup_printf (_("%s (%s) is not in the outbox: it would never be sent."), ticket, state);
    case FINDING_SENT_IN_OUTBOX:
      return g_strdup_printf (_("%s (%s) is still in the outbox although it was sent."), ticket, state);
    case FINDING_NO_CASE_NUMBER:
      return g_strdup_printf (_("%s (%s) has no case number from the server."), ticket, state);
    case FINDING_NO_TOKEN:
    default:
      return g_strdup_printf (_("%s (%s) waits for a case number without the server's token."),
                              ticket, state);
    }
}

/* Records that @sql selects (ticket, state), each named as @finding. */
static gboolean
check_records (OknStore   *store,
               const char *sql,
               Finding     finding,
               GPtrArray  *problems,
               GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *ticket = (const char *) sqlite3_column_text (stmt, 0);
      const char *state = (const char *) sqlite3_column_text (stmt, 1);

      g_ptr_array_add (problems, finding_text (finding, ticket, state));
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("checking the database"), error);
  return TRUE;
}

/* The ticket numbers: no record above its counter (the next registration
 * would collide with it), and the file of numbers given out ahead of or
 * level with the database. */
static gboolean
check_numbers (OknStore  *store,
               GPtrArray *problems,
               GError   **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GArray) issued = NULL;
  gboolean damaged = FALSE;
  int rc;

  if (!check_records (store,
                      "SELECT r.ticket, r.sync_state FROM records r LEFT JOIN counters c "
                      "ON c.station = r.station AND c.year = r.year "
                      "WHERE c.last_seq IS NULL OR r.seq > c.last_seq ORDER BY r.id",
                      FINDING_ABOVE_COUNTER, problems, error))
    return FALSE;
  if (!okn_issued_read (store->issued, &issued, &damaged, error))
    return FALSE;
  if (damaged)
    add_problem (problems, _("The file of ticket numbers already given out is damaged; a "
                             "registration writes it again from the database."));
  stmt = okn_store_prepare (store, "SELECT station, year, last_seq FROM counters ORDER BY station, year", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *station = (const char *) sqlite3_column_text (stmt, 0);
      guint year = (guint) sqlite3_column_int (stmt, 1);
      guint seq = (guint) sqlite3_column_int64 (stmt, 2);
      OknIssued *mark = okn_issued_find (issued, station, year);

      if (!damaged && (mark == NULL || mark->seq < seq))
        {
          g_autofree char *ticket = okn_store_format_ticket (station, year, seq);

          g_ptr_array_add (problems,
                           g_strdup_printf (_("The file of ticket numbers already given out is "
                                              "behind the database (up to %s is not in it); the "
                                              "next registration or “okienkoctl init” writes "
                                              "it."),
                                            ticket));
        }
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading the ticket counters"), error);
  return TRUE;
}

/**
 * okn_store_check:
 * @store: an open store
 * @report: (out caller-allocates): what was found; free with
 *   okn_store_check_clear()
 *
 * Checks what the database promises, whatever the fingerprint says:
 * PRAGMA quick_check (every page), foreign keys, the outbox (every record
 * waiting to be sent has its outbox row, a synced one its case number and
 * no outbox row, one awaiting its case number a token), and the ticket
 * numbers (no record above its counter; the file of numbers given out not
 * behind the database; numbers given out that the database lost are the
 * open warnings, okn_store_get_warnings()).
 *
 * Returns: %FALSE with %OKN_STORE_ERROR_DAMAGED when quick_check fails
 *   (or another error when the database cannot be read); %TRUE otherwise,
 *   with @report's problems (empty when everything holds)
 */
gboolean
okn_store_check (OknStore      *store,
                 OknStoreCheck *report,
                 GError       **error)
{
  g_autoptr (GPtrArray) damage = g_ptr_array_new_with_free_func (g_free);
  gint64 n = 0;

  memset (report, 0, sizeof *report);
  report->problems = g_ptr_array_new_with_free_func (g_free);
  if (!raw_check_rows (store->db, store->path, "PRAGMA quick_check(20)", damage, error))
    return FALSE;
  if (damage->len > 0)
    {
      g_autofree char *steps = okn_store_recovery_steps (store->path);

      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
                   _("The database %s is damaged (%s). It was not changed. %s"), store->path,
                   (const char *) g_ptr_array_index (damage, 0), steps);
      return FALSE;
    }
  report->quick_check_ok = TRUE;
  if (!raw_int (store->db, store->path, "SELECT count(*) FROM records", &n, error))
    return FALSE;
  report->records = n;
  for (guint i = 0; i < store->warnings->len; i++)
    g_ptr_array_add (report->problems, g_strdup (g_ptr_array_index (store->warnings, i)));
  {
    g_autoptr (GPtrArray) fk = g_ptr_array_new_with_free_func (g_free);

    if (!raw_check_rows (store->db, store->path, "PRAGMA foreign_key_check", fk, error))
      return FALSE;
    for (guint i = 0; i < fk->len; i++)
      g_ptr_array_add (report->problems,
                       g_strdup_printf (_("A row refers to a missing one (table, row, missing "
                                          "table, key): %s"),
                                        (const char *) g_ptr_array_index (fk, i)));
  }
  if (!check_records (store,
                      "SELECT ticket, sync_state FROM records WHERE sync_state IN "
                      "('queued', 'sending', 'awaiting-id', 'needs-attention') "
                      "AND id NOT IN (SELECT record_id FROM outbox) ORDER BY id",
                      FINDING_NOT_IN_OUTBOX, report->problems, error)
      || !check_records (store,
                         "SELECT r.ticket, r.sync_state FROM outbox o JOIN records r ON r.id = o.record_id "
                         "WHERE r.sync_state = 'synced' ORDER BY r.id",
                         FINDING_SENT_IN_OUTBOX, report->problems, error)
      /* A case number the sync could not keep leaves a record sent
       * without one, server_error saying why (okn_record_case_id_usable()). */
      || !check_records (store,
                         "SELECT ticket, sync_state FROM records WHERE sync_state = 'synced' "
                         "AND (server_id IS NULL OR server_id = '') AND server_error IS NULL ORDER BY id",
                         FINDING_NO_CASE_NUMBER, report->problems, error)
      || !check_records (store,
                         "SELECT ticket, sync_state FROM records WHERE sync_state = 'awaiting-id' "
                         "AND (server_token IS NULL OR server_token = '') ORDER BY id",
                         FINDING_NO_TOKEN, report->problems, error)
      || !check_numbers (store, report->problems, error))
    return FALSE;
  return TRUE;
}

void
okn_store_check_clear (OknStoreCheck *report)
{
  g_clear_pointer (&report->problems, g_ptr_array_unref);
}
