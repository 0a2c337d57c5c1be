/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store.c: the durable local store
 *
 * Durability: WAL with synchronous=FULL, so a COMMIT that returned has been
 * fsync'ed. Concurrency: every write starts with BEGIN IMMEDIATE, taking the
 * write lock up front; a transaction that read first and then wanted to write
 * could get SQLITE_BUSY without the busy handler ever running. With the busy
 * timeout, two processes writing at once simply take turns.
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-file.h"
#include "okienko/okn-service-def.h"
#include "okienko/okn-ticket-id.h"
#include "okn-store-issued.h"
#include "okn-store-private.h"
#include "okn-store-schema.h"

#define BUSY_TIMEOUT_MS  15000
/* No retry is scheduled further ahead than this (the sync engine caps
 * Retry-After at it), so a later time means the clock was turned back. */
#define OUTBOX_MAX_AHEAD_US ((gint64) 24 * 3600 * G_USEC_PER_SEC)
#define SECRET_LEN       32
/* SQLite's own automatic checkpoint threshold, kept (wal_hook). */
#define WAL_CHECKPOINT_PAGES 1000

G_DEFINE_QUARK (okn-store-error-quark, okn_store_error)

struct _OknStore
{
  sqlite3 *db;
  char *path;
  OknNowFunc now_func;
  gpointer now_data;
  char *station;
  guint8 secret[SECRET_LEN];
  gboolean has_station;
  gint64 busy_since_us;
  gboolean read_only;
  OknIssuedFile *issued;
  GArray *issued_now;   /* (element-type OknIssued) as read when a registration began */
  GArray *issued_new;   /* (element-type OknIssued) numbers this transaction gives out */
  GPtrArray *warnings;
};

/* Helpers --------------------------------------------------------------- */

sqlite3 *
okn_store_get_db (OknStore *store)
{
  return store->db;
}

/* What to do with a damaged database, for every message that reports one. */
static char *
recovery_steps (const char *path)
{
  return g_strdup_printf (_("To recover: stop Okienko on this station (the desk and “okienkoctl "
                            "sync”); keep a copy of the damaged file; put the latest backup in its "
                            "place, or rescue what can be read with “sqlite3 '%s' .recover | "
                            "sqlite3 rescued.db”; then register again, from their tickets, the "
                            "letters and reports received since that backup (their numbers are "
                            "never given out again)."),
                          path);
}

gboolean
okn_store_set_error_from_db (OknStore   *store,
                             int         rc,
                             const char *what,
                             GError    **error)
{
  const char *detail = store && store->db ? sqlite3_errmsg (store->db) : sqlite3_errstr (rc);
  int sys_errno = store && store->db ? sqlite3_system_errno (store->db) : 0;

  /* SQLite reports a full disk as SQLITE_FULL only for the database file;
   * the -shm and -wal files fail with an I/O error whose errno says it. */
  if ((rc & 0xff) == SQLITE_IOERR && (sys_errno == ENOSPC || sys_errno == EDQUOT))
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The disk holding the database %s is full: %s failed. Nothing was changed; "
                     "free some space and try again."),
                   store && store->path ? store->path : "", what);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Another program kept the database busy for %d s: %s failed. "
                     "Nothing was saved; try again."),
                   BUSY_TIMEOUT_MS / 1000, what);
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The database file cannot be opened or written (%s): %s failed."),
                   detail, what);
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      {
        g_autofree char *steps = recovery_steps (store && store->path ? store->path : "okienko.db");

        g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
                     _("The database file is damaged (%s): %s failed. %s"), detail, what, steps);
      }
      break;
    default:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The local database failed: %s (%s)."), what, detail);
      break;
    }
  return FALSE;
}

static gboolean
exec_sql (OknStore   *store,
          const char *sql,
          const char *what,
          GError    **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return okn_store_set_error_from_db (store, rc, what, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (OknStore   *store,
         const char *sql,
         GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      okn_store_set_error_from_db (store, rc, _("preparing a query"), error);
      return NULL;
    }
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           idx,
           const char   *value)
{
  if (value)
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, idx);
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           idx)
{
  const unsigned char *s = sqlite3_column_text (stmt, idx);

  return s ? g_strdup ((const char *) s) : NULL;
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (OknStore     *store,
           sqlite3_stmt *stmt,
           const char   *what,
           GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, what, error);
  return TRUE;
}

static gboolean
begin_immediate (OknStore *store,
                 GError  **error)
{
  return exec_sql (store, "BEGIN IMMEDIATE", _("starting a transaction"), error);
}

static gboolean
commit (OknStore *store,
        GError  **error)
{
  int rc = sqlite3_exec (store->db, "COMMIT", NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      okn_store_set_error_from_db (store, rc, _("saving to disk"), error);
      sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
rollback (OknStore *store)
{
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

static GDateTime *
store_now (OknStore *store)
{
  if (store->now_func)
    return store->now_func (store->now_data);
  return g_date_time_new_now_local ();
}

static gint64
to_unix_us (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

static gboolean
append_audit (OknStore   *store,
              gint64      record_id,
              const char *at,
              const char *actor,
              const char *action,
              JsonNode   *details,
              GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *details_text = details ? json_to_string (details, FALSE) : NULL;

  stmt = prepare (store,
                  "INSERT INTO audit_log (record_id, at, actor, action, details) "
                  "VALUES (?, ?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return FALSE;
  if (record_id > 0)
    sqlite3_bind_int64 (stmt, 1, record_id);
  else
    sqlite3_bind_null (stmt, 1);
  bind_text (stmt, 2, at);
  bind_text (stmt, 3, actor ? actor : g_get_user_name ());
  bind_text (stmt, 4, action);
  bind_text (stmt, 5, details_text);
  return step_done (store, stmt, _("writing the audit log"), error);
}

static JsonNode *
json_object_of (const char *first_key,
                ...)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  va_list args;

  json_builder_begin_object (b);
  va_start (args, first_key);
  for (const char *k = first_key; k; k = va_arg (args, const char *))
    {
      const char *v = va_arg (args, const char *);

      json_builder_set_member_name (b, k);
      if (v)
        json_builder_add_string_value (b, v);
      else
        json_builder_add_null_value (b);
    }
  va_end (args);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

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
  if (now - store->busy_since_us > (gint64) BUSY_TIMEOUT_MS * 1000)
    return 0;
  g_usleep (500 + (gulong) g_random_int_range (0, 1500));
  return 1;
}

/* Opening and migrations ----------------------------------------------- */

char *
okn_store_default_path (void)
{
  const char *env = g_getenv ("OKIENKO_DB");

  if (env && *env)
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "okienko", "okienko.db", NULL);
}

static int
pragma_int (OknStore   *store,
            const char *sql,
            int        *out,
            GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, sql, error);
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

      if (!begin_immediate (store, error))
        return FALSE;
      /* Read inside the write lock: another process may have migrated. */
      if (!pragma_int (store, "PRAGMA user_version", &version, error)
          || !check_not_newer (store, version, error))
        {
          rollback (store);
          return FALSE;
        }
      if (version == OKN_STORE_SCHEMA_VERSION)
        {
          rollback (store);
          return TRUE;
        }
      bump = g_strdup_printf ("PRAGMA user_version = %d", version + 1);
      if (!exec_sql (store, okn_store_schema_migration (version + 1), _("upgrading the database"), error)
          || !exec_sql (store, bump, _("upgrading the database"), error)
          || !commit (store, error))
        {
          rollback (store);
          return FALSE;
        }
    }
}

static gboolean
load_station (OknStore *store,
              GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT code, secret FROM station WHERE id = 1", error);
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
  if (sqlite3_column_bytes (stmt, 1) != SECRET_LEN)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("The station secret in the database is damaged."));
      return FALSE;
    }
  g_free (store->station);
  store->station = column_dup (stmt, 0);
  memcpy (store->secret, sqlite3_column_blob (stmt, 1), SECRET_LEN);
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

/* The database, its -wal and -shm, and the file of issued numbers must be
 * private to their owner: a file others can read is made private when it
 * is ours, else refused. Changing a mode changes no byte of the file. */
static gboolean
check_modes (OknStore *store,
             GError  **error)
{
  const char *suffixes[] = { "", "-wal", "-shm", ".issued" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (store->path, suffixes[i], NULL);
      GStatBuf st;
      int saved;

      if (g_stat (p, &st) != 0 || (st.st_mode & 0077) == 0)
        continue;
      if (st.st_uid == geteuid () && g_chmod (p, 0600) == 0)
        {
          g_ptr_array_add (store->warnings,
                           g_strdup_printf (_("%s could be read by other users (mode %04o); it is "
                                              "now private to its owner (0600), as it holds "
                                              "personal data and the station secret."),
                                            p, (guint) (st.st_mode & 07777)));
          continue;
        }
      saved = st.st_uid == geteuid () ? errno : EPERM;
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("%s can be read by other users (mode %04o) and this program cannot make it "
                     "private (%s). It holds personal data and the station secret: its owner "
                     "must run “chmod 600 %s”. Nothing was read."),
                   p, (guint) (st.st_mode & 07777), g_strerror (saved), p);
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
  rc = sqlite3_open_v2 (store->path, &store->db,
                        (writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY)
                          | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return okn_store_set_error_from_db (store, rc, _("opening the database"), error);
  sqlite3_extended_result_codes (store->db, 1);
  sqlite3_busy_handler (store->db, busy_handler, store);
  if (writable)
    sqlite3_wal_hook (store->db, wal_hook, store);
  /* Every b-tree page is checked for sane cell sizes as it is read, so a
   * damaged page is refused before a query uses it or a write builds on
   * it (a few percent of read time). */
  return exec_sql (store, "PRAGMA cell_size_check = ON", _("opening the database"), error);
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
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "PRAGMA quick_check(1)", error);
  g_autofree char *steps = NULL;
  g_autofree char *answer = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("checking the database"), error);
  answer = column_dup (stmt, 0);
  if (g_strcmp0 (answer, "ok") == 0)
    return TRUE;
  /* One line: "*** in database main ***\nPage 23: ..." says "Page 23: ...". */
  if (answer && g_str_has_prefix (answer, "*** in database main ***\n"))
    memmove (answer, answer + 25, strlen (answer + 25) + 1);
  if (answer)
    g_strdelimit (answer, "\r\n", ' ');
  steps = recovery_steps (store->path);
  g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED,
               _("The database %s is damaged (%s). It was not changed. %s"), store->path,
               answer ? answer : "?", steps);
  return FALSE;
}

static char *
format_ticket (const char *station,
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
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT station, year, last_seq FROM counters", error);
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
  stmt = prepare (store, "SELECT last_seq FROM counters WHERE station = ? AND year = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < issued->len; i++)
    {
      const OknIssued *e = &g_array_index (issued, OknIssued, i);
      guint have = 0;
      int rc;

      sqlite3_reset (stmt);
      bind_text (stmt, 1, e->station);
      sqlite3_bind_int (stmt, 2, (int) e->year);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        have = (guint) sqlite3_column_int64 (stmt, 0);
      else if (rc != SQLITE_DONE)
        return okn_store_set_error_from_db (store, rc, _("reading the ticket counters"), error);
      if (have < e->seq)
        {
          g_autofree char *from = format_ticket (e->station, e->year, have + 1);
          g_autofree char *to = format_ticket (e->station, e->year, e->seq);

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
  if (!check_modes (store, error))
    return NULL;
  /* No export or ticket file may ever be written over these. */
  {
    const char *suffixes[] = { "", "-wal", "-shm", "-journal", ".issued", ".checked" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

        okn_file_protect (p);
      }
  }

  if (!open_connection (store, FALSE, error) || !identify (store, &kind, &version, error))
    return NULL;
  if (kind == KIND_EMPTY && !create)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NO_DATABASE,
                   _("%s holds no Okienko database yet (it is empty). Set the station up "
                     "first: okienkoctl init --station CODE"),
                   path);
      return NULL;
    }
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
          || !exec_sql (store, "PRAGMA journal_mode = WAL", _("opening the database"), error)
          || !exec_sql (store, "PRAGMA synchronous = FULL", _("opening the database"), error)
          || !exec_sql (store, "PRAGMA foreign_keys = ON", _("opening the database"), error)
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

/* Station ------------------------------------------------------------- */

static gboolean
require_station (OknStore *store,
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
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT count(*) FROM records", error);
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
      g_autofree char *p = g_strconcat (store->path, suffixes[i], NULL);
      g_chmod (p, 0600);
    }
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
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *at = NULL;
  g_autoptr (JsonNode) details = NULL;

  if (!okn_station_code_normalize (code, normalized, error))
    return FALSE;
  if (!begin_immediate (store, error))
    return FALSE;
  if (!load_station (store, error))
    goto fail;

  now = store_now (store);
  at = okn_now_iso8601 (now);
  if (!store->has_station)
    {
      g_autoptr (sqlite3_stmt) stmt = NULL;
      guint8 secret[SECRET_LEN];

      if (getrandom (secret, sizeof secret, 0) != (ssize_t) sizeof secret)
        {
          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                       _("The system could not provide random bytes for the station secret."));
          goto fail;
        }
      stmt = prepare (store, "INSERT INTO station (id, code, secret, created_at) VALUES (1, ?, ?, ?)", error);
      if (stmt == NULL)
        goto fail;
      bind_text (stmt, 1, normalized);
      sqlite3_bind_blob (stmt, 2, secret, sizeof secret, SQLITE_TRANSIENT);
      bind_text (stmt, 3, at);
      memset (secret, 0, sizeof secret);
      details = json_object_of ("station", normalized, NULL);
      if (!step_done (store, stmt, _("saving the station"), error)
          || !append_audit (store, 0, at, actor, "init-station", details, error))
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
      stmt = prepare (store, "UPDATE station SET code = ? WHERE id = 1", error);
      if (stmt == NULL)
        goto fail;
      bind_text (stmt, 1, normalized);
      details = json_object_of ("from", store->station, "to", normalized, NULL);
      if (!step_done (store, stmt, _("saving the station"), error)
          || !append_audit (store, 0, at, actor, "change-station", details, error))
        goto fail;
    }
  else
    {
      rollback (store);
      tighten_permissions (store);
      return TRUE;
    }

  if (!commit (store, error))
    goto fail;
  tighten_permissions (store);
  return load_station (store, error);

fail:
  rollback (store);
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
  if (!require_station (store, error))
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
  if (!require_station (store, error))
    return NULL;
  return okn_ticket_verification_code (ticket, store->secret, SECRET_LEN);
}

/* What the search index holds and what it is asked: case-folded, and with
 * the Polish ł folded to l, which unicode61's diacritics removal leaves alone
 * (ł does not decompose): people type "Lodz" for "Łódź". */
static char *
fts_fold (const char *text)
{
  g_autofree char *folded = NULL;
  GString *out;

  if (text == NULL)
    return NULL;
  folded = g_utf8_casefold (text, -1);
  out = g_string_sized_new (strlen (folded));
  for (const char *p = folded; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_string_append_unichar (out, c == 0x0142 ? 'l' : c);
    }
  return g_string_free (out, FALSE);
}

/* Writes the record's row of the search index, replacing any old one. */
static gboolean
fts_index (OknStore        *store,
           const OknRecord *r,
           GError         **error)
{
  g_autoptr (sqlite3_stmt) del = prepare (store, "DELETE FROM records_fts WHERE rowid = ?", error);
  g_autoptr (sqlite3_stmt) ins = NULL;
  const char *values[] = { r->ticket, r->sender_name, r->subject, r->description, r->address };

  if (del == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, r->id);
  if (!step_done (store, del, _("updating the search index"), error))
    return FALSE;
  ins = prepare (store,
                 "INSERT INTO records_fts (rowid, ticket, sender_name, subject, description, address) "
                 "VALUES (?, ?, ?, ?, ?, ?)",
                 error);
  if (ins == NULL)
    return FALSE;
  sqlite3_bind_int64 (ins, 1, r->id);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *folded = fts_fold (values[i]);
      bind_text (ins, (int) i + 2, folded);
    }
  return step_done (store, ins, _("updating the search index"), error);
}

/* Reading records ------------------------------------------------------- */

#define RECORD_COLUMNS                                                         \
  "id, uuid, ticket, station, kind, channel, operator, created_at, updated_at, " \
  "sync_state, cancel_reason, server_id, server_token, server_status, "         \
  "server_status_notes, server_error, received_at, delivery, sender_name, "     \
  "sender_address, anonymous, letter_date, reference, subject, pages, "         \
  "attachment_count, unit, notes, category, description, address, lat, lon, "  \
  "contact_name, contact_email, contact_phone, consent"

static gboolean
load_attributes (OknStore  *store,
                 OknRecord *r,
                 GError   **error)
{
  g_autoptr (sqlite3_stmt) attrs = NULL;
  g_autoptr (sqlite3_stmt) files = NULL;
  int rc;

  attrs = prepare (store, "SELECT key, value FROM record_attributes WHERE record_id = ? ORDER BY position", error);
  if (attrs == NULL)
    return FALSE;
  sqlite3_bind_int64 (attrs, 1, r->id);
  while ((rc = sqlite3_step (attrs)) == SQLITE_ROW)
    okn_record_add_attribute (r, (const char *) sqlite3_column_text (attrs, 0),
                              (const char *) sqlite3_column_text (attrs, 1));
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading a record"), error);

  files = prepare (store,
                   "SELECT a.sha256, a.filename, a.mime_type, b.size FROM attachments a "
                   "JOIN blobs b ON b.sha256 = a.sha256 WHERE a.record_id = ? ORDER BY a.id",
                   error);
  if (files == NULL)
    return FALSE;
  sqlite3_bind_int64 (files, 1, r->id);
  while ((rc = sqlite3_step (files)) == SQLITE_ROW)
    {
      OknAttachment *a = g_new0 (OknAttachment, 1);

      a->sha256 = column_dup (files, 0);
      a->filename = column_dup (files, 1);
      a->mime_type = column_dup (files, 2);
      a->size = sqlite3_column_int64 (files, 3);
      g_ptr_array_add (r->files, a);
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading a record"), error);
  return TRUE;
}

static OknRecord *
row_to_record (OknStore     *store,
               sqlite3_stmt *stmt,
               GError      **error)
{
  g_autoptr (OknRecord) r = NULL;
  OknKind kind = OKN_KIND_REPORT;
  int i = 0;

  okn_kind_from_string ((const char *) sqlite3_column_text (stmt, 4), &kind);
  r = okn_record_new (kind);
  r->id = sqlite3_column_int64 (stmt, i++);
  r->uuid = column_dup (stmt, i++);
  r->ticket = column_dup (stmt, i++);
  r->station = column_dup (stmt, i++);
  i++; /* kind */
  okn_channel_from_string ((const char *) sqlite3_column_text (stmt, i++), &r->channel);
  r->operator_name = column_dup (stmt, i++);
  r->created_at = column_dup (stmt, i++);
  r->updated_at = column_dup (stmt, i++);
  okn_sync_state_from_string ((const char *) sqlite3_column_text (stmt, i++), &r->sync_state);
  r->cancel_reason = column_dup (stmt, i++);
  r->server_id = column_dup (stmt, i++);
  r->server_token = column_dup (stmt, i++);
  r->server_status = column_dup (stmt, i++);
  r->server_status_notes = column_dup (stmt, i++);
  r->server_error = column_dup (stmt, i++);
  r->received_at = column_dup (stmt, i++);
  if (sqlite3_column_type (stmt, i) != SQLITE_NULL)
    okn_delivery_from_string ((const char *) sqlite3_column_text (stmt, i), &r->delivery);
  i++;
  r->sender_name = column_dup (stmt, i++);
  r->sender_address = column_dup (stmt, i++);
  r->anonymous = sqlite3_column_int (stmt, i++) != 0;
  r->letter_date = column_dup (stmt, i++);
  r->reference = column_dup (stmt, i++);
  r->subject = column_dup (stmt, i++);
  r->pages = sqlite3_column_int (stmt, i++);
  r->attachment_count = sqlite3_column_int (stmt, i++);
  r->unit = column_dup (stmt, i++);
  r->notes = column_dup (stmt, i++);
  r->category = column_dup (stmt, i++);
  r->description = column_dup (stmt, i++);
  r->address = column_dup (stmt, i++);
  r->has_location = sqlite3_column_type (stmt, i) != SQLITE_NULL;
  r->lat = sqlite3_column_double (stmt, i++);
  r->lon = sqlite3_column_double (stmt, i++);
  r->contact_name = column_dup (stmt, i++);
  r->contact_email = column_dup (stmt, i++);
  r->contact_phone = column_dup (stmt, i++);
  r->consent = sqlite3_column_int (stmt, i++) != 0;

  if (store->has_station && r->ticket)
    r->verification_code = okn_ticket_verification_code (r->ticket, store->secret, SECRET_LEN);
  if (!load_attributes (store, r, error))
    return NULL;
  return g_steal_pointer (&r);
}

typedef gpointer (*RowFunc) (OknStore     *store,
                             sqlite3_stmt *stmt,
                             GError      **error);

/* Steps through a query, turning each row into an element with @row; the
 * one loop every reader of lists shares. */
static GPtrArray *
collect_rows (OknStore      *store,
              sqlite3_stmt  *stmt,
              RowFunc        row,
              GDestroyNotify free_func,
              const char    *what,
              GError       **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (free_func);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer element = row (store, stmt, error);

      if (element == NULL)
        return NULL;
      g_ptr_array_add (out, element);
    }
  if (rc != SQLITE_DONE)
    {
      okn_store_set_error_from_db (store, rc, what, error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

static GPtrArray *
collect_records (OknStore     *store,
                 sqlite3_stmt *stmt,
                 GError      **error)
{
  return collect_rows (store, stmt, (RowFunc) row_to_record, (GDestroyNotify) okn_record_free,
                       _("reading records"), error);
}

static OknRecord *
lookup_exact (OknStore   *store,
              const char *column_sql,
              const char *value,
              GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) found = NULL;

  stmt = prepare (store, column_sql, error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, value);
  found = collect_records (store, stmt, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    return NULL;
  return g_ptr_array_steal_index (found, 0);
}

static OknRecord *
lookup_ticket (OknStore   *store,
               const char *formatted,
               GError    **error)
{
  return lookup_exact (store, "SELECT " RECORD_COLUMNS " FROM records WHERE ticket = ?", formatted, error);
}

/* A mistyped ticket: if exactly one ticket we know is one typo away, name it
 * and the character that differs. */
static void
explain_typo (OknStore   *store,
              const char *input,
              GError    **error)
{
  g_autoptr (GPtrArray) candidates = okn_ticket_typo_candidates (input);
  g_autofree char *typed = okn_ticket_canonical_chars (input);
  g_autofree char *compact = NULL;
  const char *match = NULL;
  OknTicketId id;
  guint first_diff = 0, diffs = 0;

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *c = g_ptr_array_index (candidates, i);
      g_autoptr (OknRecord) r = lookup_ticket (store, c, NULL);

      if (r == NULL)
        continue;
      if (match != NULL)
        return; /* more than one explanation: say nothing more */
      match = c;
    }
  if (match == NULL || typed == NULL || !okn_ticket_id_parse (match, &id, NULL))
    return;

  compact = okn_ticket_id_format_compact (&id);
  for (guint i = 0; compact[i] && typed[i]; i++)
    if (compact[i] != typed[i] && diffs++ == 0)
      first_diff = i;

  g_clear_error (error);
  if (diffs == 1)
    g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK,
                 _("Ticket ID %s is mistyped: character %u is wrong. Did you mean %s?"),
                 input, first_diff + 1, match);
  else
    g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK,
                 _("Ticket ID %s is mistyped: characters %u and %u are swapped. "
                   "Did you mean %s?"),
                 input, first_diff + 1, first_diff + 2, match);
}

/**
 * okn_store_lookup:
 * @ticket: a ticket ID as typed or scanned
 *
 * Returns: (transfer full): the record; %NULL with %OKN_TICKET_ERROR for
 *   something that is not a valid ticket ID (a typo is reported as a typo,
 *   naming the character when a known ticket explains it) or
 *   %OKN_STORE_ERROR_NOT_FOUND for a valid ID this store does not hold
 */
OknRecord *
okn_store_lookup (OknStore   *store,
                  const char *ticket,
                  GError    **error)
{
  OknTicketId id;
  g_autofree char *formatted = NULL;
  g_autoptr (GError) local_error = NULL;
  OknRecord *r;

  if (!okn_ticket_id_parse (ticket, &id, error))
    {
      if (error && *error && g_error_matches (*error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK))
        explain_typo (store, ticket, error);
      return NULL;
    }
  formatted = okn_ticket_id_format (&id);
  r = lookup_ticket (store, formatted, &local_error);
  if (r == NULL && local_error == NULL)
    g_set_error (&local_error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND,
                 _("No record has ticket ID %s here."), formatted);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return r;
}

OknRecord *
okn_store_lookup_uuid (OknStore   *store,
                       const char *uuid,
                       GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  OknRecord *r = lookup_exact (store, "SELECT " RECORD_COLUMNS " FROM records WHERE uuid = ?", uuid, &local_error);

  if (r == NULL && local_error == NULL)
    g_set_error (&local_error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND,
                 _("No record has UUID %s here."), uuid);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return r;
}

static OknRecord *
lookup_id (OknStore *store,
           gint64    id,
           GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT " RECORD_COLUMNS " FROM records WHERE id = ?", error);
  g_autoptr (GPtrArray) found = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  found = collect_records (store, stmt, error);
  if (found == NULL)
    return NULL;
  if (found->len == 0)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND, _("The record no longer exists."));
      return NULL;
    }
  return g_ptr_array_steal_index (found, 0);
}

/* The one query behind listing and searching: an optional exact ticket or
 * full-text match, then the filter, newest first. */
static GPtrArray *
query_records (OknStore            *store,
               const char          *ticket,
               const char          *match,
               const OknListFilter *filter,
               guint                default_limit,
               GError             **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT " RECORD_COLUMNS " FROM records WHERE 1");
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gboolean filtered = filter && (filter->has_kind || filter->has_state || filter->since || filter->until
                                 || filter->received_since || filter->received_until);
  guint limit = filter && filter->limit > 0 ? filter->limit : default_limit;
  int idx = 1;

  if (ticket)
    g_string_append (sql, " AND ticket = ?");
  /* Unfiltered, the index itself hands out the newest matches; with a
   * filter every match is a candidate. */
  if (match && !filtered)
    g_string_append (sql, " AND id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ? "
                          "ORDER BY rowid DESC LIMIT ?)");
  else if (match)
    g_string_append (sql, " AND id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)");
  if (filter && filter->has_kind)
    g_string_append (sql, " AND kind = ?");
  if (filter && filter->has_state)
    g_string_append (sql, " AND sync_state = ?");
  if (filter && filter->since)
    g_string_append (sql, " AND created_us >= ?");
  if (filter && filter->until)
    g_string_append (sql, " AND created_us < ?");
  if (filter && filter->received_since)
    g_string_append (sql, " AND received_us >= ?");
  if (filter && filter->received_until)
    g_string_append (sql, " AND received_us < ?");
  g_string_append (sql, " ORDER BY created_us DESC, id DESC");
  if (limit > 0)
    g_string_append_printf (sql, " LIMIT %u", limit);

  stmt = prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (ticket)
    bind_text (stmt, idx++, ticket);
  if (match)
    {
      bind_text (stmt, idx++, match);
      if (!filtered)
        sqlite3_bind_int (stmt, idx++, limit > 0 ? (int) limit : -1);
    }
  if (filter && filter->has_kind)
    bind_text (stmt, idx++, okn_kind_to_string (filter->kind));
  if (filter && filter->has_state)
    bind_text (stmt, idx++, okn_sync_state_to_string (filter->state));
  if (filter && filter->since)
    sqlite3_bind_int64 (stmt, idx++, to_unix_us (filter->since));
  if (filter && filter->until)
    sqlite3_bind_int64 (stmt, idx++, to_unix_us (filter->until));
  if (filter && filter->received_since)
    sqlite3_bind_int64 (stmt, idx++, to_unix_us (filter->received_since));
  if (filter && filter->received_until)
    sqlite3_bind_int64 (stmt, idx++, to_unix_us (filter->received_until));
  return collect_records (store, stmt, error);
}

/**
 * okn_store_list:
 * @filter: (nullable): what to keep
 *
 * Returns: (transfer full) (element-type OknRecord): newest first
 */
GPtrArray *
okn_store_list (OknStore            *store,
                const OknListFilter *filter,
                GError             **error)
{
  return query_records (store, NULL, NULL, filter, 0, error);
}

/* Turns what a person typed into an FTS5 query that cannot be a syntax
 * error: each word quoted, all of them required, the last one as a prefix
 * (search as you type). */
static char *
fts_query (const char *text)
{
  g_autoptr (GString) q = g_string_new (NULL);
  g_autoptr (GString) word = g_string_new (NULL);
  guint words = 0;

  for (const char *p = text;; p = g_utf8_next_char (p))
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, c);
          continue;
        }
      if (word->len > 0)
        {
          if (words++ > 0)
            g_string_append_c (q, ' ');
          g_string_append_printf (q, "\"%s\"", word->str);
          g_string_truncate (word, 0);
        }
      if (c == 0)
        break;
    }
  if (words == 0)
    return NULL;
  g_string_append_c (q, '*');
  return g_string_free (g_steal_pointer (&q), FALSE);
}

/**
 * okn_store_search_filtered:
 * @text: a ticket ID, or words from the sender, subject, description or
 *   address
 * @filter: (nullable): kind, state and dates to keep; its limit (0 for 100)
 *
 * Returns: (transfer full) (element-type OknRecord): the records found,
 *   newest first
 */
GPtrArray *
okn_store_search_filtered (OknStore            *store,
                           const char          *text,
                           const OknListFilter *filter,
                           GError             **error)
{
  g_autofree char *folded = NULL;
  g_autofree char *query = NULL;
  OknTicketId id;

  if (okn_ticket_id_parse (text, &id, NULL))
    {
      g_autofree char *formatted = okn_ticket_id_format (&id);
      return query_records (store, formatted, NULL, filter, 100, error);
    }

  folded = fts_fold (text);
  query = fts_query (folded);
  if (query == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  return query_records (store, NULL, query, filter, 100, error);
}

/**
 * okn_store_search:
 * @limit: at most this many (newest first); 0 for 100
 *
 * okn_store_search_filtered() without a filter.
 *
 * Returns: (transfer full) (element-type OknRecord): the records found
 */
GPtrArray *
okn_store_search (OknStore   *store,
                  const char *text,
                  guint       limit,
                  GError    **error)
{
  OknListFilter filter = { .limit = limit };

  return okn_store_search_filtered (store, text, &filter, error);
}

/**
 * okn_store_read_file:
 * @sha256: an attachment's content address
 *
 * Returns: (transfer full): the attachment's bytes
 */
GBytes *
okn_store_read_file (OknStore   *store,
                     const char *sha256,
                     GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT data FROM blobs WHERE sha256 = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, sha256);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND,
                   _("The attachment is no longer kept here."));
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      okn_store_set_error_from_db (store, rc, _("reading an attachment"), error);
      return NULL;
    }
  return g_bytes_new (sqlite3_column_blob (stmt, 0), (gsize) sqlite3_column_bytes (stmt, 0));
}

/* Writing records ------------------------------------------------------- */

/* The category against the cached catalogue, and the report's attribute
 * values against the category's cached definition (okn_service_def_check):
 * a required attribute missing here would only be refused by the server,
 * after the resident has left. */
static gboolean
check_category (OknStore  *store,
                OknRecord *r,
                GError   **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (OknServiceDef) def = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GString) msg = NULL;
  const char *definition;
  int rc;

  if (r->kind != OKN_KIND_REPORT || r->category == NULL)
    return TRUE;
  /* A station that has never seen the catalogue accepts any code; the sync
   * checks it again with the server. */
  stmt = prepare (store,
                  "SELECT (SELECT count(*) FROM services), "
                  "(SELECT count(*) FROM services WHERE code = ?1), "
                  "(SELECT definition FROM services WHERE code = ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, r->category);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("reading the catalogue"), error);
  if (sqlite3_column_int64 (stmt, 0) > 0 && sqlite3_column_int64 (stmt, 1) == 0)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("Category: “%s” is not in the server’s catalogue."), r->category);
      return FALSE;
    }
  definition = (const char *) sqlite3_column_text (stmt, 2);
  /* A definition the server sent damaged is reported by the forms; it
   * cannot say what is required, so it does not block the report. */
  if (definition == NULL || (def = okn_service_def_parse (definition, NULL)) == NULL)
    return TRUE;
  issues = okn_service_def_check (def, r);
  if (issues->len == 0)
    return TRUE;
  msg = g_string_new (NULL);
  for (guint i = 0; i < issues->len; i++)
    {
      if (i > 0)
        g_string_append_c (msg, '\n');
      g_string_append (msg, ((OknFieldIssue *) g_ptr_array_index (issues, i))->message);
    }
  g_set_error_literal (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, msg->str);
  return FALSE;
}

static gboolean
write_attributes_and_files (OknStore   *store,
                            OknRecord  *r,
                            const char *at,
                            GError    **error)
{
  g_autoptr (sqlite3_stmt) del = NULL;
  g_autoptr (sqlite3_stmt) attr = NULL;

  del = prepare (store, "DELETE FROM record_attributes WHERE record_id = ?", error);
  if (del == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, r->id);
  if (!step_done (store, del, _("saving attributes"), error))
    return FALSE;

  attr = prepare (store, "INSERT INTO record_attributes (record_id, position, key, value) VALUES (?, ?, ?, ?)", error);
  if (attr == NULL)
    return FALSE;
  for (guint i = 0; i < r->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (r->attributes, i);

      sqlite3_reset (attr);
      sqlite3_bind_int64 (attr, 1, r->id);
      sqlite3_bind_int (attr, 2, (int) i);
      bind_text (attr, 3, a->key);
      bind_text (attr, 4, a->value);
      if (!step_done (store, attr, _("saving attributes"), error))
        return FALSE;
    }

  for (guint i = 0; i < r->files->len; i++)
    {
      OknAttachment *a = g_ptr_array_index (r->files, i);
      g_autoptr (sqlite3_stmt) blob = NULL;
      g_autoptr (sqlite3_stmt) att = NULL;

      /* Files read back from the store carry no bytes: already stored. */
      if (a->data == NULL)
        continue;
      blob = prepare (store, "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", error);
      att = blob ? prepare (store,
                            "INSERT INTO attachments (record_id, sha256, filename, mime_type, added_at) "
                            "VALUES (?, ?, ?, ?, ?)",
                            error)
                 : NULL;
      if (att == NULL)
        return FALSE;
      bind_text (blob, 1, a->sha256);
      sqlite3_bind_int64 (blob, 2, a->size);
      sqlite3_bind_blob64 (blob, 3, g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), SQLITE_STATIC);
      sqlite3_bind_int64 (att, 1, r->id);
      bind_text (att, 2, a->sha256);
      bind_text (att, 3, a->filename);
      bind_text (att, 4, a->mime_type);
      bind_text (att, 5, at);
      if (!step_done (store, blob, _("saving an attachment"), error)
          || !step_done (store, att, _("saving an attachment"), error))
        return FALSE;
    }
  return TRUE;
}

/* Binds the fields a clerk can set, as ?1..?N in this order. */
#define EDITABLE_SET                                                           \
  "channel = ?1, received_at = ?2, received_us = ?3, delivery = ?4, "          \
  "sender_name = ?5, sender_address = ?6, anonymous = ?7, letter_date = ?8, "  \
  "reference = ?9, subject = ?10, pages = ?11, attachment_count = ?12, "       \
  "unit = ?13, notes = ?14, category = ?15, description = ?16, address = ?17, " \
  "lat = ?18, lon = ?19, contact_name = ?20, contact_email = ?21, "           \
  "contact_phone = ?22, consent = ?23"
#define EDITABLE_COUNT 23

static void
bind_editable (sqlite3_stmt *stmt,
               OknRecord    *r)
{
  g_autoptr (GDateTime) received = NULL;
  gboolean letter = r->kind == OKN_KIND_LETTER;

  bind_text (stmt, 1, okn_channel_to_string (r->channel));
  bind_text (stmt, 2, r->received_at);
  if (r->received_at && (received = g_date_time_new_from_iso8601 (r->received_at, NULL)))
    sqlite3_bind_int64 (stmt, 3, to_unix_us (received));
  else
    sqlite3_bind_null (stmt, 3);
  bind_text (stmt, 4, letter ? okn_delivery_to_string (r->delivery) : NULL);
  bind_text (stmt, 5, r->sender_name);
  bind_text (stmt, 6, r->sender_address);
  sqlite3_bind_int (stmt, 7, r->anonymous);
  bind_text (stmt, 8, r->letter_date);
  bind_text (stmt, 9, r->reference);
  bind_text (stmt, 10, r->subject);
  sqlite3_bind_int (stmt, 11, r->pages);
  sqlite3_bind_int (stmt, 12, r->attachment_count);
  bind_text (stmt, 13, r->unit);
  bind_text (stmt, 14, r->notes);
  bind_text (stmt, 15, r->category);
  bind_text (stmt, 16, r->description);
  bind_text (stmt, 17, r->address);
  if (r->has_location)
    {
      sqlite3_bind_double (stmt, 18, r->lat);
      sqlite3_bind_double (stmt, 19, r->lon);
    }
  else
    {
      sqlite3_bind_null (stmt, 18);
      sqlite3_bind_null (stmt, 19);
    }
  bind_text (stmt, 20, r->contact_name);
  bind_text (stmt, 21, r->contact_email);
  bind_text (stmt, 22, r->contact_phone);
  sqlite3_bind_int (stmt, 23, r->consent);
}

static char *
new_uuid (void)
{
  uuid_t u;
  char buf[37];

  uuid_generate_random (u);
  uuid_unparse_lower (u, buf);
  return g_strdup (buf);
}

/* A number at or below the high-water mark of numbers given out (the file
 * next to the database) is printed on a ticket the database no longer
 * holds: the counter jumps past the mark, and the audit log says which
 * numbers were skipped and why. Notes the number for okn_issued_raise()
 * after the commit. */
static gboolean
skip_issued (OknStore   *store,
             guint       year,
             guint      *seq,
             const char *at,
             const char *actor,
             GError    **error)
{
  OknIssued *mark = okn_issued_find (store->issued_now, store->station, year);
  OknIssued *mine;

  if (mark && *seq <= mark->seq)
    {
      g_autoptr (sqlite3_stmt) jump = NULL;
      g_autoptr (JsonNode) details = NULL;
      g_autofree char *from = format_ticket (store->station, year, *seq);
      g_autofree char *to = format_ticket (store->station, year, mark->seq);

      jump = prepare (store, "UPDATE counters SET last_seq = ? WHERE station = ? AND year = ?", error);
      if (jump == NULL)
        return FALSE;
      sqlite3_bind_int64 (jump, 1, (gint64) mark->seq + 1);
      bind_text (jump, 2, store->station);
      sqlite3_bind_int (jump, 3, (int) year);
      details = json_object_of ("from", from, "to", to, "reason",
                                "given out before, missing from this database", NULL);
      if (!step_done (store, jump, _("taking a ticket number"), error)
          || !append_audit (store, 0, at, actor, "skip-numbers", details, error))
        return FALSE;
      *seq = mark->seq + 1;
    }

  mine = okn_issued_find (store->issued_new, store->station, year);
  if (mine == NULL)
    {
      OknIssued e = { .year = year, .seq = *seq };

      g_strlcpy (e.station, store->station, sizeof e.station);
      g_array_append_val (store->issued_new, e);
    }
  else
    mine->seq = MAX (mine->seq, *seq);
  return TRUE;
}

static gboolean
insert_record (OknStore   *store,
               OknRecord  *r,
               GDateTime  *now,
               const char *at,
               const char *actor,
               GError    **error)
{
  g_autoptr (sqlite3_stmt) counter = NULL;
  g_autoptr (sqlite3_stmt) ins = NULL;
  g_autoptr (sqlite3_stmt) outbox = NULL;
  g_autoptr (JsonNode) details = NULL;
  OknTicketId id;
  guint year = (guint) (g_date_time_get_year (now) % 100);
  guint seq;
  int rc;

  counter = prepare (store,
                     "INSERT INTO counters (station, year, last_seq) VALUES (?1, ?2, 1) "
                     "ON CONFLICT (station, year) DO UPDATE SET last_seq = last_seq + 1 "
                     "RETURNING last_seq",
                     error);
  if (counter == NULL)
    return FALSE;
  bind_text (counter, 1, store->station);
  sqlite3_bind_int (counter, 2, (int) year);
  rc = sqlite3_step (counter);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("taking a ticket number"), error);
  seq = (guint) sqlite3_column_int64 (counter, 0);
  sqlite3_reset (counter);
  if (!skip_issued (store, year, &seq, at, actor, error))
    return FALSE;

  if (!okn_ticket_id_make (store->station, year, seq, &id, error))
    return FALSE;

  g_free (r->ticket);
  r->ticket = okn_ticket_id_format (&id);
  g_free (r->uuid);
  r->uuid = new_uuid ();
  g_free (r->station);
  r->station = g_strdup (store->station);
  if (r->operator_name == NULL)
    r->operator_name = g_strdup (actor ? actor : g_get_user_name ());
  g_free (r->created_at);
  r->created_at = g_strdup (at);
  g_free (r->updated_at);
  r->updated_at = g_strdup (at);
  r->sync_state = OKN_SYNC_QUEUED;

  ins = prepare (store,
                 "INSERT INTO records (channel, received_at, received_us, delivery, sender_name, "
                 "sender_address, anonymous, letter_date, reference, subject, pages, "
                 "attachment_count, unit, notes, category, description, address, lat, lon, "
                 "contact_name, contact_email, contact_phone, consent, "
                 "uuid, ticket, station, year, seq, kind, operator, created_at, created_us, "
                 "updated_at, sync_state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                 "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
                 "?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?31, 'queued')",
                 error);
  if (ins == NULL)
    return FALSE;
  bind_editable (ins, r);
  bind_text (ins, 24, r->uuid);
  bind_text (ins, 25, r->ticket);
  bind_text (ins, 26, r->station);
  sqlite3_bind_int (ins, 27, (int) year);
  sqlite3_bind_int (ins, 28, (int) seq);
  bind_text (ins, 29, okn_kind_to_string (r->kind));
  bind_text (ins, 30, r->operator_name);
  bind_text (ins, 31, at);
  sqlite3_bind_int64 (ins, 32, to_unix_us (now));
  if (!step_done (store, ins, _("saving the record"), error))
    return FALSE;
  r->id = sqlite3_last_insert_rowid (store->db);

  outbox = prepare (store, "INSERT INTO outbox (record_id) VALUES (?)", error);
  if (outbox == NULL)
    return FALSE;
  sqlite3_bind_int64 (outbox, 1, r->id);
  details = json_object_of ("ticket", r->ticket, "kind", okn_kind_to_string (r->kind),
                            "channel", okn_channel_to_string (r->channel), NULL);
  return step_done (store, outbox, _("queueing the record"), error)
         && fts_index (store, r, error)
         && write_attributes_and_files (store, r, at, error)
         && append_audit (store, r->id, at, actor, "register", details, error);
}

static void
forget_registration (OknRecord *r)
{
  r->id = 0;
  g_clear_pointer (&r->ticket, g_free);
  g_clear_pointer (&r->uuid, g_free);
  g_clear_pointer (&r->verification_code, g_free);
  g_clear_pointer (&r->created_at, g_free);
  g_clear_pointer (&r->updated_at, g_free);
}

static void
prefix_error (GError  **error,
              guint     index,
              guint     total)
{
  if (total > 1 && error && *error)
    g_prefix_error (error, _("Record %u: "), index + 1);
}

/**
 * okn_store_register_many:
 * @records: (element-type OknRecord): new records; on success each gets its
 *   id, UUID, ticket ID, verification code and creation time
 * @actor: (nullable): who registers them (the OS user when %NULL)
 *
 * Validates every record and stores all of them in one transaction, or none.
 * Each takes the next number of the station's sequence for the year.
 */
gboolean
okn_store_register_many (OknStore   *store,
                         GPtrArray  *records,
                         const char *actor,
                         GError    **error)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *at = NULL;
  guint i;

  if (!require_station (store, error))
    return FALSE;

  now = store_now (store);
  at = okn_now_iso8601 (now);
  for (i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);

      if (!okn_record_validate (r, now, error) || !check_category (store, r, error))
        {
          prefix_error (error, i, records->len);
          return FALSE;
        }
    }

  if (!begin_immediate (store, error))
    return FALSE;
  /* Read under the write lock: every number given out before is in the
   * file by now, or in the database. */
  g_clear_pointer (&store->issued_now, g_array_unref);
  g_clear_pointer (&store->issued_new, g_array_unref);
  store->issued_new = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  {
    gboolean damaged = FALSE;

    if (!okn_issued_read (store->issued, &store->issued_now, &damaged, error))
      goto fail;
  }
  for (i = 0; i < records->len; i++)
    if (!insert_record (store, g_ptr_array_index (records, i), now, at, actor, error))
      {
        prefix_error (error, i, records->len);
        goto fail;
      }
  if (!commit (store, error))
    goto fail;
  /* After the commit, so that a registration killed before it leaves no
   * mark above the database (no false alarm, no gap). The records are
   * stored whatever happens here: a failure is told, not returned. */
  {
    g_autoptr (GError) mark_error = NULL;

    if (!okn_issued_raise (store->issued, store->issued_new, &mark_error))
      g_ptr_array_add (store->warnings, g_strdup (mark_error->message));
  }

  for (i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);

      g_free (r->verification_code);
      r->verification_code = okn_ticket_verification_code (r->ticket, store->secret, SECRET_LEN);
      for (guint j = 0; j < r->files->len; j++)
        g_clear_pointer (&((OknAttachment *) g_ptr_array_index (r->files, j))->data, g_bytes_unref);
    }
  return TRUE;

fail:
  rollback (store);
  for (i = 0; i < records->len; i++)
    forget_registration (g_ptr_array_index (records, i));
  return FALSE;
}

/**
 * okn_store_register:
 * @record: a new record
 *
 * Validates and stores one record. When it returns %TRUE the record is on
 * disk and its ticket can be printed.
 */
gboolean
okn_store_register (OknStore   *store,
                    OknRecord  *record,
                    const char *actor,
                    GError    **error)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, record);
  return okn_store_register_many (store, one, actor, error);
}

static gboolean
check_editable (const OknRecord *current,
                GError         **error)
{
  if (current->sync_state == OKN_SYNC_CANCELLED)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY,
                   _("Record %s was cancelled; it cannot be changed."), current->ticket);
      return FALSE;
    }
  if (!okn_sync_state_is_editable (current->sync_state))
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY,
                   _("Record %s has already gone to the central system; it cannot be "
                     "changed here any more."),
                   current->ticket);
      return FALSE;
    }
  return TRUE;
}

/* The names of the fields a correction changed: the audit log says what
 * changed, not the personal data itself. */
static JsonNode *
changed_fields (const OknRecord *a,
                const OknRecord *b)
{
  g_autoptr (JsonBuilder) jb = json_builder_new ();
  g_autoptr (JsonNode) before = okn_record_to_json (a, TRUE);
  g_autoptr (JsonNode) after = okn_record_to_json (b, TRUE);
  JsonObject *ob = json_node_get_object (before);
  JsonObject *oa = json_node_get_object (after);
  const char *fields[] = {
    "channel", "received_at", "delivery", "unit", "sender", "sender_address", "anonymous",
    "letter_date", "reference", "subject", "pages", "attachments", "notes", "category",
    "description", "address", "lat", "long", "name", "email", "phone", "consent",
    "attributes", "files",
  };
  guint n = 0;

  json_builder_begin_object (jb);
  json_builder_set_member_name (jb, "changed");
  json_builder_begin_array (jb);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *x = json_object_get_member (ob, fields[i]);
      JsonNode *y = json_object_get_member (oa, fields[i]);

      if ((x == NULL) != (y == NULL) || (x && !json_node_equal (x, y)))
        {
          json_builder_add_string_value (jb, fields[i]);
          n++;
        }
    }
  json_builder_end_array (jb);
  json_builder_end_object (jb);
  if (n == 0)
    return NULL;
  return json_builder_get_root (jb);
}

/**
 * okn_store_update:
 * @record: the corrected record (found by its id or UUID); its ticket, UUID,
 *   kind and creation stay as they were
 *
 * Corrects a record that has not been sent. A record the server refused
 * (needs-attention) is queued again. Changes nothing when nothing changed.
 */
gboolean
okn_store_update (OknStore   *store,
                  OknRecord  *record,
                  const char *actor,
                  GError    **error)
{
  g_autoptr (OknRecord) current = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonNode) details = NULL;
  g_autoptr (sqlite3_stmt) upd = NULL;
  g_autofree char *at = NULL;

  now = store_now (store);
  if (!okn_record_validate (record, now, error) || !check_category (store, record, error))
    return FALSE;
  if (!begin_immediate (store, error))
    return FALSE;

  current = record->id > 0 ? lookup_id (store, record->id, error)
                           : okn_store_lookup_uuid (store, record->uuid, error);
  if (current == NULL || !check_editable (current, error))
    goto fail;
  if (current->kind != record->kind)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("A letter cannot become a report, nor a report a letter."));
      goto fail;
    }
  record->id = current->id;

  details = changed_fields (current, record);
  if (details == NULL)
    {
      rollback (store);
      return TRUE;
    }

  at = okn_now_iso8601 (now);
  upd = prepare (store,
                 "UPDATE records SET " EDITABLE_SET ", updated_at = ?24, "
                 "sync_state = 'queued', server_error = NULL WHERE id = ?25",
                 error);
  if (upd == NULL)
    goto fail;
  bind_editable (upd, record);
  bind_text (upd, EDITABLE_COUNT + 1, at);
  sqlite3_bind_int64 (upd, EDITABLE_COUNT + 2, record->id);
  if (!step_done (store, upd, _("saving the correction"), error))
    goto fail;

  /* Files missing from the corrected record were removed by the clerk. */
  {
    g_autoptr (sqlite3_stmt) del = prepare (store, "DELETE FROM attachments WHERE record_id = ? AND sha256 = ?", error);

    if (del == NULL)
      goto fail;
    for (guint i = 0; i < current->files->len; i++)
      {
        OknAttachment *old = g_ptr_array_index (current->files, i);
        gboolean kept = FALSE;

        for (guint j = 0; j < record->files->len && !kept; j++)
          kept = g_str_equal (((OknAttachment *) g_ptr_array_index (record->files, j))->sha256, old->sha256);
        if (kept)
          continue;
        sqlite3_reset (del);
        sqlite3_bind_int64 (del, 1, record->id);
        bind_text (del, 2, old->sha256);
        if (!step_done (store, del, _("saving the correction"), error))
          goto fail;
      }
  }

  if (current->sync_state == OKN_SYNC_NEEDS_ATTENTION)
    {
      g_autoptr (sqlite3_stmt) requeue = prepare (store,
                                                  "UPDATE outbox SET attempts = 0, next_attempt_us = 0, "
                                                  "last_error = NULL WHERE record_id = ?",
                                                  error);
      if (requeue == NULL)
        goto fail;
      sqlite3_bind_int64 (requeue, 1, record->id);
      if (!step_done (store, requeue, _("queueing the record"), error))
        goto fail;
    }

  if (!fts_index (store, record, error)
      || !write_attributes_and_files (store, record, at, error)
      || !append_audit (store, record->id, at, actor, "correct", details, error)
      || !commit (store, error))
    goto fail;

  g_free (record->updated_at);
  record->updated_at = g_strdup (at);
  record->sync_state = OKN_SYNC_QUEUED;
  g_clear_pointer (&record->server_error, g_free);
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/**
 * okn_store_cancel:
 * @ticket: the record's ticket ID
 * @reason: why (required; kept in the record and the audit log)
 *
 * Cancels a record that has not been sent; it will never be sent.
 */
gboolean
okn_store_cancel (OknStore   *store,
                  const char *ticket,
                  const char *reason,
                  const char *actor,
                  GError    **error)
{
  g_autoptr (OknRecord) current = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonNode) details = NULL;
  g_autoptr (sqlite3_stmt) upd = NULL;
  g_autofree char *clean = g_strstrip (g_strdup (reason ? reason : ""));
  g_autofree char *at = NULL;

  if (*clean == '\0' || !g_utf8_validate (clean, -1, NULL) || g_utf8_strlen (clean, -1) > 500)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("Reason: say why the record is cancelled (up to 500 characters)."));
      return FALSE;
    }
  for (const char *p = clean; *p; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      {
        g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                     _("Reason: contains a control character."));
        return FALSE;
      }

  if (!begin_immediate (store, error))
    return FALSE;
  current = okn_store_lookup (store, ticket, error);
  if (current == NULL || !check_editable (current, error))
    goto fail;

  now = store_now (store);
  at = okn_now_iso8601 (now);
  upd = prepare (store,
                 "UPDATE records SET sync_state = 'cancelled', cancel_reason = ?, updated_at = ? "
                 "WHERE id = ?",
                 error);
  if (upd == NULL)
    goto fail;
  bind_text (upd, 1, clean);
  bind_text (upd, 2, at);
  sqlite3_bind_int64 (upd, 3, current->id);
  details = json_object_of ("reason", clean, NULL);
  if (!step_done (store, upd, _("cancelling the record"), error)
      || !append_audit (store, current->id, at, actor, "cancel", details, error)
      || !commit (store, error))
    goto fail;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/**
 * okn_store_set_sync_state:
 * @detail: (nullable): for needs-attention, the server's own words
 *
 * Moves a record along the outbox states; for the sync engine.
 */
gboolean
okn_store_set_sync_state (OknStore     *store,
                          gint64        record_id,
                          OknSyncState  state,
                          const char   *actor,
                          const char   *detail,
                          GError      **error)
{
  g_autoptr (OknRecord) current = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonNode) details = NULL;
  g_autoptr (sqlite3_stmt) upd = NULL;
  g_autofree char *at = NULL;

  if (!begin_immediate (store, error))
    return FALSE;
  current = lookup_id (store, record_id, error);
  if (current == NULL)
    goto fail;
  if (current->sync_state == state)
    {
      rollback (store);
      return TRUE;
    }
  now = store_now (store);
  at = okn_now_iso8601 (now);
  upd = prepare (store, "UPDATE records SET sync_state = ?, server_error = ?, updated_at = ? WHERE id = ?", error);
  if (upd == NULL)
    goto fail;
  bind_text (upd, 1, okn_sync_state_to_string (state));
  bind_text (upd, 2, state == OKN_SYNC_NEEDS_ATTENTION ? detail : NULL);
  bind_text (upd, 3, at);
  sqlite3_bind_int64 (upd, 4, record_id);
  details = json_object_of ("from", okn_sync_state_to_string (current->sync_state),
                            "to", okn_sync_state_to_string (state), "detail", detail, NULL);
  if (!step_done (store, upd, _("saving the sync state"), error)
      || !append_audit (store, record_id, at, actor ? actor : "sync", "sync-state", details, error)
      || !commit (store, error))
    goto fail;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/* Outbox ------------------------------------------------------------------ */

/* Which kinds of record an outbox query takes: the sync engine leaves out
 * a kind it cannot send (letters without letters.service_code). */
#define OUTBOX_KINDS_SQL(table, letters, reports) \
  "AND ((" table ".kind = 'letter' AND " letters ") OR (" table ".kind = 'report' AND " reports ")) "

static void
bind_kinds (sqlite3_stmt *stmt,
            int           first,
            guint         kinds)
{
  sqlite3_bind_int (stmt, first, (kinds & OKN_OUTBOX_KIND (OKN_KIND_LETTER)) != 0);
  sqlite3_bind_int (stmt, first + 1, (kinds & OKN_OUTBOX_KIND (OKN_KIND_REPORT)) != 0);
}

void
okn_outbox_item_free (OknOutboxItem *item)
{
  if (item == NULL)
    return;
  okn_record_free (item->record);
  g_free (item);
}

static gint64
wall_now_us (OknStore *store)
{
  g_autoptr (GDateTime) now = store_now (store);

  return to_unix_us (now);
}

/* Moves one record between sync states, with its audit entry, inside the
 * caller's transaction. */
static gboolean
transition (OknStore     *store,
            gint64        record_id,
            OknSyncState  from,
            OknSyncState  to,
            const char   *at,
            JsonNode     *extra,
            GError      **error)
{
  g_autoptr (sqlite3_stmt) upd = prepare (store, "UPDATE records SET sync_state = ?, updated_at = ? WHERE id = ?", error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) details = NULL;

  if (upd == NULL)
    return FALSE;
  bind_text (upd, 1, okn_sync_state_to_string (to));
  bind_text (upd, 2, at);
  sqlite3_bind_int64 (upd, 3, record_id);
  if (!step_done (store, upd, _("saving the sync state"), error))
    return FALSE;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "from");
  json_builder_add_string_value (b, okn_sync_state_to_string (from));
  json_builder_set_member_name (b, "to");
  json_builder_add_string_value (b, okn_sync_state_to_string (to));
  if (extra)
    {
      JsonObject *o = json_node_get_object (extra);
      g_autoptr (GList) members = json_object_get_members (o);

      for (GList *l = members; l; l = l->next)
        {
          json_builder_set_member_name (b, l->data);
          json_builder_add_value (b, json_node_copy (json_object_get_member (o, l->data)));
        }
    }
  json_builder_end_object (b);
  details = json_builder_get_root (b);
  return append_audit (store, record_id, at, "sync", "sync-state", details, error);
}

#define OUTBOX_COLUMNS RECORD_COLUMNS ", o.attempts, o.unknown_outcome"

static gpointer
row_to_outbox_item (OknStore     *store,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  OknRecord *record = row_to_record (store, stmt, error);
  OknOutboxItem *item;

  if (record == NULL)
    return NULL;
  item = g_new0 (OknOutboxItem, 1);
  item->record = record;
  item->attempts = (guint) sqlite3_column_int (stmt, 37);
  item->unknown_outcome = sqlite3_column_int (stmt, 38) != 0;
  return item;
}

static GPtrArray *
collect_outbox_items (OknStore     *store,
                      sqlite3_stmt *stmt,
                      GError      **error)
{
  return collect_rows (store, stmt, row_to_outbox_item, (GDestroyNotify) okn_outbox_item_free,
                       _("reading the outbox"), error);
}

/**
 * okn_store_outbox_recover:
 *
 * Records left in `sending` by a sync that died: the POST may or may not
 * have reached the server. They go back to the queue marked
 * unknown_outcome, so the next attempt searches the server for their ticket
 * marker before sending again. Call it holding the sync lock.
 *
 * Returns: (transfer full) (element-type OknOutboxItem): the recovered records
 */
GPtrArray *
okn_store_outbox_recover (OknStore *store,
                          GError  **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (sqlite3_stmt) sel = NULL;
  g_autoptr (sqlite3_stmt) mark = NULL;
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);
  g_autoptr (JsonNode) extra = json_object_of ("detail", "interrupted while sending", NULL);

  if (!begin_immediate (store, error))
    return NULL;
  sel = prepare (store,
                 "SELECT " OUTBOX_COLUMNS " FROM records JOIN outbox o ON o.record_id = records.id "
                 "WHERE sync_state = 'sending' ORDER BY records.id",
                 error);
  mark = sel ? prepare (store, "UPDATE outbox SET unknown_outcome = 1, next_attempt_us = 0 WHERE record_id = ?", error) : NULL;
  if (mark == NULL || (items = collect_outbox_items (store, sel, error)) == NULL)
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);

      sqlite3_reset (mark);
      sqlite3_bind_int64 (mark, 1, item->record->id);
      if (!step_done (store, mark, _("saving the sync state"), error)
          || !transition (store, item->record->id, OKN_SYNC_SENDING, OKN_SYNC_QUEUED, at, extra, error))
        goto fail;
      item->record->sync_state = OKN_SYNC_QUEUED;
      item->unknown_outcome = TRUE;
    }
  if (!commit (store, error))
    goto fail;
  return g_steal_pointer (&items);

fail:
  rollback (store);
  return NULL;
}

/* Takes the queued records of @kinds (OKN_OUTBOX_KIND bits) that are due,
 * oldest first, and moves them to `sending` in one transaction (one audit
 * entry each): okn_store_outbox_claim(). */
static GPtrArray *
outbox_claim_kinds (OknStore *store,
                    guint     limit,
                    guint     kinds,
                    GError  **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (sqlite3_stmt) sel = NULL;
  g_autoptr (sqlite3_stmt) bump = NULL;
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);

  if (!begin_immediate (store, error))
    return NULL;
  sel = prepare (store,
                 "SELECT " OUTBOX_COLUMNS " FROM outbox o JOIN records ON records.id = o.record_id "
                 "WHERE records.sync_state = 'queued' AND (o.next_attempt_us <= ?1 "
                 "OR o.next_attempt_us > ?1 + ?3) " OUTBOX_KINDS_SQL ("records", "?4", "?5")
                 "ORDER BY o.next_attempt_us, o.record_id LIMIT ?2",
                 error);
  bump = sel ? prepare (store, "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE record_id = ?", error) : NULL;
  if (bump == NULL)
    goto fail;
  sqlite3_bind_int64 (sel, 1, to_unix_us (now));
  sqlite3_bind_int (sel, 2, (int) MIN (limit, G_MAXINT));
  sqlite3_bind_int64 (sel, 3, OUTBOX_MAX_AHEAD_US);
  bind_kinds (sel, 4, kinds);
  items = collect_outbox_items (store, sel, error);
  if (items == NULL)
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);

      sqlite3_reset (bump);
      bind_text (bump, 1, at);
      sqlite3_bind_int64 (bump, 2, item->record->id);
      if (!step_done (store, bump, _("saving the sync state"), error)
          || !transition (store, item->record->id, OKN_SYNC_QUEUED, OKN_SYNC_SENDING, at, NULL, error))
        goto fail;
      item->record->sync_state = OKN_SYNC_SENDING;
      item->attempts++;
    }
  if (!commit (store, error))
    goto fail;
  return g_steal_pointer (&items);

fail:
  rollback (store);
  return NULL;
}

static OknSyncState
current_state (OknStore *store,
               gint64    record_id,
               GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT sync_state FROM records WHERE id = ?", error);
  OknSyncState state = OKN_SYNC_CANCELLED;
  int rc;

  if (stmt == NULL)
    return (OknSyncState) -1;
  sqlite3_bind_int64 (stmt, 1, record_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND, _("The record no longer exists."));
      else
        okn_store_set_error_from_db (store, rc, _("reading the sync state"), error);
      return (OknSyncState) -1;
    }
  okn_sync_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state);
  return state;
}

static gboolean
apply_one (OknStore         *store,
           const OknOutcome *o,
           const char       *at,
           GError          **error)
{
  g_autoptr (sqlite3_stmt) rec = NULL;
  g_autoptr (sqlite3_stmt) box = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) extra = NULL;
  OknSyncState from = current_state (store, o->record_id, error);
  OknSyncState to;

  if ((int) from < 0)
    return FALSE;
  /* Only what the engine holds moves: a sending record, or one waiting for
   * its token. Anything else was settled already. */
  if (from != OKN_SYNC_SENDING && !(from == OKN_SYNC_AWAITING_ID && (o->kind == OKN_OUTCOME_SENT
                                                                       || o->kind == OKN_OUTCOME_RETRY)))
    return TRUE;

  json_builder_begin_object (b);
  switch (o->kind)
    {
    case OKN_OUTCOME_SENT:
      to = OKN_SYNC_SYNCED;
      rec = prepare (store, "UPDATE records SET server_id = ?, server_error = NULL WHERE id = ?", error);
      box = prepare (store, "DELETE FROM outbox WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      bind_text (rec, 1, o->server_id);
      sqlite3_bind_int64 (rec, 2, o->record_id);
      sqlite3_bind_int64 (box, 1, o->record_id);
      json_builder_set_member_name (b, "service_request_id");
      json_builder_add_string_value (b, o->server_id);
      if (o->adopted)
        {
          json_builder_set_member_name (b, "adopted");
          json_builder_add_boolean_value (b, TRUE);
        }
      break;
    case OKN_OUTCOME_TOKEN:
      to = OKN_SYNC_AWAITING_ID;
      rec = prepare (store, "UPDATE records SET server_token = ? WHERE id = ?", error);
      box = prepare (store, "UPDATE outbox SET unknown_outcome = 0 WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      bind_text (rec, 1, o->token);
      sqlite3_bind_int64 (rec, 2, o->record_id);
      sqlite3_bind_int64 (box, 1, o->record_id);
      break;
    case OKN_OUTCOME_RETRY:
    case OKN_OUTCOME_RELEASE:
      /* A record waiting for its token keeps waiting. */
      to = from == OKN_SYNC_AWAITING_ID ? OKN_SYNC_AWAITING_ID : OKN_SYNC_QUEUED;
      box = prepare (store,
                     o->kind == OKN_OUTCOME_RELEASE
                       ? "UPDATE outbox SET attempts = max (attempts - 1, 0), next_attempt_us = 0 WHERE record_id = ?1"
                       : "UPDATE outbox SET next_attempt_us = ?2, unknown_outcome = max (unknown_outcome, ?3), "
                         "last_error = ?4, last_http_status = ?5 WHERE record_id = ?1",
                     error);
      if (box == NULL)
        return FALSE;
      sqlite3_bind_int64 (box, 1, o->record_id);
      if (o->kind == OKN_OUTCOME_RETRY)
        {
          sqlite3_bind_int64 (box, 2, o->next_attempt_us);
          sqlite3_bind_int (box, 3, o->unknown_outcome);
          bind_text (box, 4, o->error);
          if (o->http_status > 0)
            sqlite3_bind_int (box, 5, o->http_status);
          else
            sqlite3_bind_null (box, 5);
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, o->error ? o->error : "");
        }
      break;
    case OKN_OUTCOME_REFUSED:
    default:
      to = OKN_SYNC_NEEDS_ATTENTION;
      rec = prepare (store, "UPDATE records SET server_error = ? WHERE id = ?", error);
      box = prepare (store, "UPDATE outbox SET last_error = ?, last_http_status = ?, unknown_outcome = 0 WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      bind_text (rec, 1, o->error);
      sqlite3_bind_int64 (rec, 2, o->record_id);
      bind_text (box, 1, o->error);
      if (o->http_status > 0)
        sqlite3_bind_int (box, 2, o->http_status);
      else
        sqlite3_bind_null (box, 2);
      sqlite3_bind_int64 (box, 3, o->record_id);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, o->error ? o->error : "");
      break;
    }
  if (o->http_status > 0)
    {
      json_builder_set_member_name (b, "http_status");
      json_builder_add_int_value (b, o->http_status);
    }
  json_builder_end_object (b);
  extra = json_builder_get_root (b);

  if ((rec && !step_done (store, rec, _("saving the sync state"), error))
      || (box && !step_done (store, box, _("saving the sync state"), error)))
    return FALSE;
  if (to == from)
    return TRUE;
  return transition (store, o->record_id, from, to, at, extra, error);
}

/**
 * okn_store_outbox_apply:
 * @outcomes: (element-type OknOutcome): what happened to each record the
 *   engine held
 *
 * Records the outcomes of a batch in one transaction, each transition with
 * its audit entry.
 */
gboolean
okn_store_outbox_apply (OknStore  *store,
                        GPtrArray *outcomes,
                        GError   **error)
{
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);

  if (outcomes->len == 0)
    return TRUE;
  if (!begin_immediate (store, error))
    return FALSE;
  for (guint i = 0; i < outcomes->len; i++)
    if (!apply_one (store, g_ptr_array_index (outcomes, i), at, error))
      goto fail;
  if (!commit (store, error))
    goto fail;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/* When the next queued record of @kinds is due: okn_store_outbox_next_due_us(). */
static gint64
outbox_next_due_kinds_us (OknStore *store,
                          guint     kinds,
                          GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           "SELECT min (o.next_attempt_us) FROM outbox o JOIN records r "
                                           "ON r.id = o.record_id WHERE r.sync_state = 'queued' "
                                           OUTBOX_KINDS_SQL ("r", "?1", "?2"),
                                           error);
  gint64 due;
  int rc;

  if (stmt == NULL)
    return -1;
  bind_kinds (stmt, 1, kinds);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      okn_store_set_error_from_db (store, rc, _("reading the outbox"), error);
      return -1;
    }
  if (sqlite3_column_type (stmt, 0) == SQLITE_NULL)
    return -1;
  due = sqlite3_column_int64 (stmt, 0);
  if (due <= wall_now_us (store) || due > wall_now_us (store) + OUTBOX_MAX_AHEAD_US)
    return 0;
  return due;
}

/**
 * okn_store_list_awaiting_id:
 *
 * Returns: (transfer full) (element-type OknRecord): records whose server
 *   answered with a token still to be resolved
 */
GPtrArray *
okn_store_list_awaiting_id (OknStore *store,
                            guint     limit,
                            GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           "SELECT " RECORD_COLUMNS " FROM records WHERE sync_state = 'awaiting-id' "
                                           "ORDER BY id LIMIT ?",
                                           error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, (int) MIN (limit, G_MAXINT));
  return collect_records (store, stmt, error);
}

/**
 * okn_store_list_to_poll:
 * @after_id: continue after this record id (0 to start)
 *
 * Returns: (transfer full) (element-type OknRecord): synced records whose
 *   case is not closed, by id
 */
GPtrArray *
okn_store_list_to_poll (OknStore *store,
                        gint64    after_id,
                        guint     limit,
                        GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           "SELECT " RECORD_COLUMNS " FROM records WHERE sync_state = 'synced' "
                                           "AND server_id IS NOT NULL AND id > ? AND "
                                           "(server_status IS NULL OR lower (server_status) <> 'closed') "
                                           "ORDER BY id LIMIT ?",
                                           error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, G_MAXINT));
  return collect_records (store, stmt, error);
}

/* The last status change stored for a record, to compare with. */
static gboolean
status_differs (OknStore              *store,
                const OknStatusChange *c,
                gboolean              *differs,
                GError               **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           "SELECT status, status_notes, agency_responsible, server_updated_at, "
                                           "expected_at FROM status_history WHERE record_id = ? "
                                           "ORDER BY id DESC LIMIT 1",
                                           error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, c->record_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      *differs = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("reading the status history"), error);
  *differs = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), c->status) != 0
             || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), c->status_notes) != 0
             || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), c->agency_responsible) != 0
             || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), c->server_updated_at) != 0
             || g_strcmp0 ((const char *) sqlite3_column_text (stmt, 4), c->expected_at) != 0;
  return TRUE;
}

/**
 * okn_store_apply_statuses:
 * @changes: (element-type OknStatusChange): what the server says now, each
 *   with its record_id
 * @n_changed: (out) (optional): how many differed from what was known
 *
 * Stores the statuses pulled from the server in one transaction: a status
 * history entry (and an update of the record) only where something changed.
 */
gboolean
okn_store_apply_statuses (OknStore  *store,
                          GPtrArray *changes,
                          guint     *n_changed,
                          GError   **error)
{
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);
  g_autoptr (sqlite3_stmt) polled = NULL;
  g_autoptr (sqlite3_stmt) rec = NULL;
  g_autoptr (sqlite3_stmt) hist = NULL;
  guint changed = 0;

  if (n_changed)
    *n_changed = 0;
  if (changes->len == 0)
    return TRUE;
  if (!begin_immediate (store, error))
    return FALSE;
  polled = prepare (store, "UPDATE records SET status_polled_us = ? WHERE id = ?", error);
  rec = polled ? prepare (store, "UPDATE records SET server_status = ?, server_status_notes = ?, updated_at = ? WHERE id = ?", error) : NULL;
  hist = rec ? prepare (store,
                        "INSERT INTO status_history (record_id, status, status_notes, agency_responsible, "
                        "server_updated_at, expected_at, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        error)
             : NULL;
  if (hist == NULL)
    goto fail;
  for (guint i = 0; i < changes->len; i++)
    {
      const OknStatusChange *c = g_ptr_array_index (changes, i);
      gboolean differs = FALSE;

      sqlite3_reset (polled);
      sqlite3_bind_int64 (polled, 1, to_unix_us (now));
      sqlite3_bind_int64 (polled, 2, c->record_id);
      if (!step_done (store, polled, _("saving a status"), error) || !status_differs (store, c, &differs, error))
        goto fail;
      if (!differs)
        continue;
      changed++;
      sqlite3_reset (rec);
      bind_text (rec, 1, c->status);
      bind_text (rec, 2, c->status_notes);
      bind_text (rec, 3, at);
      sqlite3_bind_int64 (rec, 4, c->record_id);
      sqlite3_reset (hist);
      sqlite3_bind_int64 (hist, 1, c->record_id);
      bind_text (hist, 2, c->status);
      bind_text (hist, 3, c->status_notes);
      bind_text (hist, 4, c->agency_responsible);
      bind_text (hist, 5, c->server_updated_at);
      bind_text (hist, 6, c->expected_at);
      bind_text (hist, 7, at);
      if (!step_done (store, rec, _("saving a status"), error) || !step_done (store, hist, _("saving a status"), error))
        goto fail;
    }
  if (!commit (store, error))
    goto fail;
  if (n_changed)
    *n_changed = changed;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
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
  g_autoptr (sqlite3_stmt) stmt = prepare (store, "SELECT value FROM meta WHERE key = ?", NULL);

  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return column_dup (stmt, 0);
}

gboolean
okn_store_set_meta (OknStore   *store,
                    const char *key,
                    const char *value,
                    GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           value ? "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
                                                 : "DELETE FROM meta WHERE key = ?",
                                           error);

  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, key);
  if (value)
    bind_text (stmt, 2, value);
  return step_done (store, stmt, _("saving the sync status"), error);
}

/* Audit, history, catalogue, stats ------------------------------------- */

void
okn_audit_entry_free (OknAuditEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->at);
  g_free (e->actor);
  g_free (e->action);
  g_free (e->details);
  g_free (e);
}

void
okn_status_change_free (OknStatusChange *c)
{
  if (c == NULL)
    return;
  g_free (c->status);
  g_free (c->status_notes);
  g_free (c->agency_responsible);
  g_free (c->server_updated_at);
  g_free (c->expected_at);
  g_free (c->fetched_at);
  g_free (c);
}

void
okn_service_free (OknService *s)
{
  if (s == NULL)
    return;
  g_free (s->code);
  g_free (s->name);
  g_free (s->description);
  g_free (s->group);
  g_free (s->keywords);
  g_free (s->type);
  g_free (s->definition);
  g_free (s);
}

static gpointer
row_to_audit_entry (OknStore     *store,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  OknAuditEntry *e = g_new0 (OknAuditEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  e->at = column_dup (stmt, 1);
  e->actor = column_dup (stmt, 2);
  e->action = column_dup (stmt, 3);
  e->details = column_dup (stmt, 4);
  return e;
}

static gpointer
row_to_status_change (OknStore     *store,
                      sqlite3_stmt *stmt,
                      GError      **error)
{
  OknStatusChange *c = g_new0 (OknStatusChange, 1);

  c->status = column_dup (stmt, 0);
  c->status_notes = column_dup (stmt, 1);
  c->agency_responsible = column_dup (stmt, 2);
  c->server_updated_at = column_dup (stmt, 3);
  c->expected_at = column_dup (stmt, 4);
  c->fetched_at = column_dup (stmt, 5);
  return c;
}

static gpointer
row_to_service (OknStore     *store,
                sqlite3_stmt *stmt,
                GError      **error)
{
  OknService *s = g_new0 (OknService, 1);

  s->code = column_dup (stmt, 0);
  s->name = column_dup (stmt, 1);
  s->description = column_dup (stmt, 2);
  s->group = column_dup (stmt, 3);
  s->keywords = column_dup (stmt, 4);
  s->type = column_dup (stmt, 5);
  s->metadata = sqlite3_column_int (stmt, 6) != 0;
  s->definition = column_dup (stmt, 7);
  return s;
}

/**
 * okn_store_audit_log:
 * @record_id: a record, or 0 for the entries about the station itself
 *
 * Returns: (transfer full) (element-type OknAuditEntry): oldest first
 */
GPtrArray *
okn_store_audit_log (OknStore *store,
                     gint64    record_id,
                     GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = prepare (store,
                  record_id > 0
                    ? "SELECT id, at, actor, action, details FROM audit_log WHERE record_id = ? ORDER BY id"
                    : "SELECT id, at, actor, action, details FROM audit_log WHERE record_id IS NULL ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  if (record_id > 0)
    sqlite3_bind_int64 (stmt, 1, record_id);
  return collect_rows (store, stmt, row_to_audit_entry, (GDestroyNotify) okn_audit_entry_free,
                       _("reading the audit log"), error);
}

/**
 * okn_store_status_history:
 *
 * Returns: (transfer full) (element-type OknStatusChange): oldest first
 */
GPtrArray *
okn_store_status_history (OknStore *store,
                          gint64    record_id,
                          GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = prepare (store,
                  "SELECT status, status_notes, agency_responsible, server_updated_at, expected_at, "
                  "fetched_at FROM status_history WHERE record_id = ? ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, record_id);
  return collect_rows (store, stmt, row_to_status_change, (GDestroyNotify) okn_status_change_free,
                       _("reading the status history"), error);
}

/**
 * okn_store_replace_services:
 * @services: (element-type OknService): the server's whole catalogue
 *
 * Replaces the cached catalogue in one transaction.
 */
gboolean
okn_store_replace_services (OknStore  *store,
                            GPtrArray *services,
                            GError   **error)
{
  g_autoptr (sqlite3_stmt) ins = NULL;
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);

  if (!begin_immediate (store, error))
    return FALSE;
  if (!exec_sql (store, "DELETE FROM services", _("saving the catalogue"), error))
    goto fail;
  ins = prepare (store,
                 "INSERT OR REPLACE INTO services (code, name, description, group_name, keywords, "
                 "type, metadata, definition, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 error);
  if (ins == NULL)
    goto fail;
  for (guint i = 0; i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);

      sqlite3_reset (ins);
      bind_text (ins, 1, s->code);
      bind_text (ins, 2, s->name ? s->name : s->code);
      bind_text (ins, 3, s->description);
      bind_text (ins, 4, s->group);
      bind_text (ins, 5, s->keywords);
      bind_text (ins, 6, s->type);
      sqlite3_bind_int (ins, 7, s->metadata);
      bind_text (ins, 8, s->definition);
      bind_text (ins, 9, at);
      if (!step_done (store, ins, _("saving the catalogue"), error))
        goto fail;
    }
  if (!commit (store, error))
    goto fail;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/**
 * okn_store_list_services:
 *
 * Returns: (transfer full) (element-type OknService): the cached catalogue
 */
GPtrArray *
okn_store_list_services (OknStore *store,
                         GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = prepare (store,
                  "SELECT code, name, description, group_name, keywords, type, metadata, definition "
                  "FROM services ORDER BY group_name, name",
                  error);
  if (stmt == NULL)
    return NULL;
  return collect_rows (store, stmt, row_to_service, (GDestroyNotify) okn_service_free,
                       _("reading the catalogue"), error);
}

void
okn_store_stats_clear (OknStoreStats *stats)
{
  g_clear_pointer (&stats->station, g_free);
  g_clear_pointer (&stats->oldest_queued_at, g_free);
}

gboolean
okn_store_get_stats (OknStore      *store,
                     OknStoreStats *out,
                     GError       **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (sqlite3_stmt) oldest = NULL;
  int rc;

  memset (out, 0, sizeof *out);
  out->station = g_strdup (store->station);
  stmt = prepare (store, "SELECT sync_state, count(*) FROM records GROUP BY sync_state", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OknSyncState state;

      if (okn_sync_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state))
        out->per_state[state] = sqlite3_column_int64 (stmt, 1);
      out->total += sqlite3_column_int64 (stmt, 1);
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("counting records"), error);

  oldest = prepare (store,
                    "SELECT created_at FROM records WHERE sync_state = 'queued' "
                    "ORDER BY sync_state, created_us LIMIT 1",
                    error);
  if (oldest == NULL)
    return FALSE;
  rc = sqlite3_step (oldest);
  if (rc == SQLITE_ROW)
    out->oldest_queued_at = column_dup (oldest, 0);
  else if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("counting records"), error);
  return TRUE;
}

/* Sync: kinds, closed cases, requeue --------------------------------------- */
/* Kept together at the end of the file: added for issue 8 (a kind that
 * cannot be sent, closed cases polled again, requeue). */

/**
 * okn_store_outbox_claim:
 * @limit: at most this many
 *
 * Takes the queued records that are due, oldest first, and moves them to
 * `sending` in one transaction (one audit entry each).
 *
 * Returns: (transfer full) (element-type OknOutboxItem): the claimed records
 */
GPtrArray *
okn_store_outbox_claim (OknStore *store,
                        guint     limit,
                        GError  **error)
{
  return outbox_claim_kinds (store, limit, OKN_OUTBOX_ALL_KINDS, error);
}

/**
 * okn_store_outbox_claim_kinds:
 * @kinds: OKN_OUTBOX_KIND() bits of the kinds to take
 *
 * okn_store_outbox_claim() for some kinds only: records of the others stay
 * queued, untouched (the sync engine cannot send letters without
 * letters.service_code, and must not let them block the reports).
 *
 * Returns: (transfer full) (element-type OknOutboxItem): the claimed records
 */
GPtrArray *
okn_store_outbox_claim_kinds (OknStore *store,
                              guint     limit,
                              guint     kinds,
                              GError  **error)
{
  return outbox_claim_kinds (store, limit, kinds, error);
}

/**
 * okn_store_outbox_next_due_us:
 *
 * Returns: when the next queued record is due (wall-clock microseconds), 0
 *   when one is due now, -1 when nothing is queued
 */
gint64
okn_store_outbox_next_due_us (OknStore *store,
                              GError  **error)
{
  return outbox_next_due_kinds_us (store, OKN_OUTBOX_ALL_KINDS, error);
}

/**
 * okn_store_outbox_next_due_kinds_us:
 * @kinds: OKN_OUTBOX_KIND() bits
 *
 * Returns: okn_store_outbox_next_due_us() for records of @kinds only
 */
gint64
okn_store_outbox_next_due_kinds_us (OknStore *store,
                                    guint     kinds,
                                    GError  **error)
{
  return outbox_next_due_kinds_us (store, kinds, error);
}

/**
 * okn_store_list_closed_to_poll:
 * @polled_before_us: only cases last asked about before this (wall-clock
 *   microseconds), or never
 * @after_id: continue after this record id (0 to start)
 *
 * Closed cases are asked about again at a lower rate than open ones: a
 * server may reopen a case.
 *
 * Returns: (transfer full) (element-type OknRecord): synced records whose
 *   case is closed and was not asked about since @polled_before_us, by id
 */
GPtrArray *
okn_store_list_closed_to_poll (OknStore *store,
                               gint64    polled_before_us,
                               gint64    after_id,
                               guint     limit,
                               GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = prepare (store,
                                           "SELECT " RECORD_COLUMNS " FROM records WHERE sync_state = 'synced' "
                                           "AND server_id IS NOT NULL AND id > ? AND "
                                           "lower (server_status) = 'closed' AND "
                                           "(status_polled_us IS NULL OR status_polled_us < ?) "
                                           "ORDER BY id LIMIT ?",
                                           error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int64 (stmt, 2, polled_before_us);
  sqlite3_bind_int (stmt, 3, (int) MIN (limit, G_MAXINT));
  return collect_records (store, stmt, error);
}

/**
 * okn_store_note_polled:
 * @record_ids: (element-type gint64): records whose case was asked about
 *   but that the server's answer left out (it forgot a closed case)
 *
 * Notes the time of the poll without a status, so that a closed case the
 * server no longer answers for keeps to the lower rate.
 */
gboolean
okn_store_note_polled (OknStore *store,
                       GArray   *record_ids,
                       GError  **error)
{
  g_autoptr (sqlite3_stmt) upd = NULL;

  if (record_ids->len == 0)
    return TRUE;
  if (!begin_immediate (store, error))
    return FALSE;
  upd = prepare (store, "UPDATE records SET status_polled_us = ? WHERE id = ?", error);
  if (upd == NULL)
    goto fail;
  for (guint i = 0; i < record_ids->len; i++)
    {
      sqlite3_reset (upd);
      sqlite3_bind_int64 (upd, 1, wall_now_us (store));
      sqlite3_bind_int64 (upd, 2, g_array_index (record_ids, gint64, i));
      if (!step_done (store, upd, _("saving a status"), error))
        goto fail;
    }
  if (!commit (store, error))
    goto fail;
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}

/**
 * okn_store_requeue:
 * @tickets: (array zero-terminated=1) (nullable): the records, by ticket
 *   ID; %NULL: every record that needs attention
 * @actor: (nullable): who (the OS user when %NULL)
 * @tickets_done: (out) (optional) (transfer full) (array zero-terminated=1):
 *   the tickets queued again
 *
 * Queues records the server refused (needs-attention) again without a
 * correction: the refusal was the server's or the configuration's, since
 * fixed. One transaction, an audit entry ("requeue") per record. A named
 * record that does not need attention refuses the whole call
 * (%OKN_STORE_ERROR_CONFLICT, or %OKN_STORE_ERROR_NOT_FOUND).
 */
gboolean
okn_store_requeue (OknStore           *store,
                   const char *const  *tickets,
                   const char         *actor,
                   char             ***tickets_done,
                   GError            **error)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GStrvBuilder) done = g_strv_builder_new ();
  g_autoptr (sqlite3_stmt) rec = NULL;
  g_autoptr (sqlite3_stmt) box = NULL;
  g_autoptr (GDateTime) now = store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);
  g_autoptr (JsonNode) details = json_object_of ("from", okn_sync_state_to_string (OKN_SYNC_NEEDS_ATTENTION),
                                                 "to", okn_sync_state_to_string (OKN_SYNC_QUEUED), NULL);

  if (!begin_immediate (store, error))
    return FALSE;
  if (tickets == NULL)
    {
      g_autoptr (sqlite3_stmt) sel = prepare (store,
                                              "SELECT " RECORD_COLUMNS " FROM records "
                                              "WHERE sync_state = 'needs-attention' ORDER BY id",
                                              error);

      if (sel == NULL || (records = collect_records (store, sel, error)) == NULL)
        goto fail;
    }
  else
    {
      records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
      for (guint i = 0; tickets[i]; i++)
        {
          OknRecord *r = okn_store_lookup (store, tickets[i], error);

          if (r == NULL)
            goto fail;
          g_ptr_array_add (records, r);
          if (r->sync_state != OKN_SYNC_NEEDS_ATTENTION)
            {
              g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_CONFLICT,
                           _("%s is %s: only a record that needs attention can be queued again."),
                           r->ticket, okn_sync_state_to_string (r->sync_state));
              goto fail;
            }
        }
    }
  rec = prepare (store,
                 "UPDATE records SET sync_state = 'queued', server_error = NULL, updated_at = ? "
                 "WHERE id = ? AND sync_state = 'needs-attention'",
                 error);
  box = rec ? prepare (store,
                       "INSERT INTO outbox (record_id) VALUES (?1) ON CONFLICT (record_id) DO UPDATE "
                       "SET attempts = 0, next_attempt_us = 0, last_error = NULL, last_http_status = NULL, "
                       "unknown_outcome = 0",
                       error)
            : NULL;
  if (box == NULL)
    goto fail;
  for (guint i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);

      sqlite3_reset (rec);
      bind_text (rec, 1, at);
      sqlite3_bind_int64 (rec, 2, r->id);
      if (!step_done (store, rec, _("queueing the record"), error))
        goto fail;
      /* Named twice on the command line: once is enough. */
      if (sqlite3_changes (okn_store_get_db (store)) == 0)
        continue;
      sqlite3_reset (box);
      sqlite3_bind_int64 (box, 1, r->id);
      if (!step_done (store, box, _("queueing the record"), error)
          || !append_audit (store, r->id, at, actor, "requeue", details, error))
        goto fail;
      g_strv_builder_add (done, r->ticket);
    }
  if (!commit (store, error))
    goto fail;
  if (tickets_done)
    *tickets_done = g_strv_builder_end (done);
  return TRUE;

fail:
  rollback (store);
  return FALSE;
}
