/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-sql.c: what every part of the store shares: statements,
 * transactions, SQLite's errors in the store's words, the clock, the audit
 * entry and the loop that turns rows into elements
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "okn-store-private.h"

G_DEFINE_QUARK (okn-store-error-quark, okn_store_error)

sqlite3 *
okn_store_get_db (OknStore *store)
{
  return store->db;
}

/* What to do with a damaged database, for every message that reports one. */
char *
okn_store_recovery_steps (const char *path)
{
  return g_strdup_printf (_("To recover: stop Okienko on this station (the desk and “okienkoctl "
                            "sync”); keep a copy of the damaged file; put the latest backup in its "
                            "place, or rescue what can be read with “sqlite3 '%s' .recover | "
                            "sqlite3 rescued.db”; then register again, from their tickets, the "
                            "letters and reports received since that backup (their numbers are "
                            "never given out again)."),
                          path);
}

/**
 * okn_store_sqlite_reason:
 * @db: (nullable): the connection that failed
 * @rc: SQLite's result code
 *
 * Why SQLite failed, for a message: in the user's language when the
 * result code says it all, in SQLite's own (English) words only when they
 * carry what the code does not (a statement's or a constraint's detail).
 *
 * Returns: (transfer none): the reason, valid until @db's next call
 */
const char *
okn_store_sqlite_reason (sqlite3 *db,
                         int      rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      return _("it is not a database file");
    case SQLITE_CORRUPT:
      return _("the file’s contents do not hold together");
    case SQLITE_CANTOPEN:
      return _("the file cannot be opened");
    case SQLITE_READONLY:
      return _("the file can only be read");
    case SQLITE_PERM:
      return _("permission denied");
    case SQLITE_IOERR:
      return _("the disk failed to read or write");
    case SQLITE_FULL:
      return _("the disk is full");
    case SQLITE_NOMEM:
      return _("out of memory");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return _("another program is using the database");
    default:
      /* A connection's message is about its last call, which may be
       * another than the one that returned @rc. */
      return db && (sqlite3_errcode (db) & 0xff) == (rc & 0xff) ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
    }
}

gboolean
okn_store_set_error_from_db (OknStore   *store,
                             int         rc,
                             const char *what,
                             GError    **error)
{
  const char *detail = okn_store_sqlite_reason (store ? store->db : NULL, rc);
  int sys_errno = store && store->db ? sqlite3_system_errno (store->db) : 0;

  /* SQLite reports a full disk as SQLITE_FULL only for the database file;
   * the -shm and -wal files fail with an I/O error whose errno says it. */
  if ((rc & 0xff) == SQLITE_IOERR && (sys_errno == ENOSPC || sys_errno == EDQUOT))
    rc = SQLITE_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DISK_FULL,
                   _("The disk holding the database %s is full: %s failed. Nothing was changed; "
                     "free some space and try again."),
                   store && store->path ? store->path : "", what);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_BUSY,
                   _("Another program kept the database busy for %d s: %s failed. "
                     "Nothing was saved; try again."),
                   OKN_STORE_BUSY_TIMEOUT_MS / 1000, what);
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
        g_autofree char *steps = okn_store_recovery_steps (store && store->path ? store->path : "okienko.db");

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

gboolean
okn_store_exec (OknStore   *store,
                const char *sql,
                const char *what,
                GError    **error)
{
  int rc = sqlite3_exec (store->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return okn_store_set_error_from_db (store, rc, what, error);
  return TRUE;
}

sqlite3_stmt *
okn_store_prepare (OknStore   *store,
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

void
okn_sql_bind_text (sqlite3_stmt *stmt,
                   int           idx,
                   const char   *value)
{
  if (value)
    sqlite3_bind_text (stmt, idx, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, idx);
}

char *
okn_sql_column_dup (sqlite3_stmt *stmt,
                    int           idx)
{
  const unsigned char *s = sqlite3_column_text (stmt, idx);

  return s ? g_strdup ((const char *) s) : NULL;
}

/* Copies the text columns @first, @first + 1, ... of the current row into
 * the strings of @object at @offsets (G_STRUCT_OFFSET), in that order: the
 * small row types (audit entries, status changes, services) are read, and
 * freed by okn_struct_free_strings(), from one table of their members. */
void
okn_sql_columns_dup (sqlite3_stmt *stmt,
                     int           first,
                     gpointer      object,
                     const gsize  *offsets,
                     guint         n)
{
  for (guint i = 0; i < n; i++)
    G_STRUCT_MEMBER (char *, object, offsets[i]) = okn_sql_column_dup (stmt, first + (int) i);
}

/* Frees the strings of @object at @offsets, then @object. */
void
okn_struct_free_strings (gpointer     object,
                         const gsize *offsets,
                         guint        n)
{
  if (object == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_free (G_STRUCT_MEMBER (char *, object, offsets[i]));
  g_free (object);
}

/* Runs a statement that returns no rows. */
gboolean
okn_store_step_done (OknStore     *store,
                     sqlite3_stmt *stmt,
                     const char   *what,
                     GError      **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, what, error);
  return TRUE;
}

gboolean
okn_store_begin (OknStore *store,
                 GError  **error)
{
  return okn_store_exec (store, "BEGIN IMMEDIATE", _("starting a transaction"), error);
}

gboolean
okn_store_commit (OknStore *store,
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

void
okn_store_rollback (OknStore *store)
{
  if (!sqlite3_get_autocommit (store->db))
    sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Ends what okn_store_begin() started: commits when @ok (and says whether
 * the commit went through), else rolls back; returns FALSE then, @error
 * being already set by the step that failed. */
gboolean
okn_store_end (OknStore *store,
               gboolean  ok,
               GError  **error)
{
  if (ok && okn_store_commit (store, error))
    return TRUE;
  okn_store_rollback (store);
  return FALSE;
}

GDateTime *
okn_store_now (OknStore *store)
{
  if (store->now_func)
    return store->now_func (store->now_data);
  return g_date_time_new_now_local ();
}

gint64
okn_unix_us (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
}

gint64
okn_store_now_us (OknStore *store)
{
  g_autoptr (GDateTime) now = okn_store_now (store);

  return okn_unix_us (now);
}

/* The store's clock as the text records and the audit log keep. */
char *
okn_store_now_iso8601 (OknStore *store)
{
  g_autoptr (GDateTime) now = okn_store_now (store);

  return okn_now_iso8601 (now);
}

gboolean
okn_store_append_audit (OknStore   *store,
                        gint64      record_id,
                        const char *at,
                        const char *actor,
                        const char *action,
                        JsonNode   *details,
                        GError    **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *details_text = details ? json_to_string (details, FALSE) : NULL;

  stmt = okn_store_prepare (store,
                            "INSERT INTO audit_log (record_id, at, actor, action, details) "
                            "VALUES (?, ?, ?, ?, ?)",
                            error);
  if (stmt == NULL)
    return FALSE;
  if (record_id > 0)
    sqlite3_bind_int64 (stmt, 1, record_id);
  else
    sqlite3_bind_null (stmt, 1);
  okn_sql_bind_text (stmt, 2, at);
  okn_sql_bind_text (stmt, 3, actor ? actor : g_get_user_name ());
  okn_sql_bind_text (stmt, 4, action);
  okn_sql_bind_text (stmt, 5, details_text);
  return okn_store_step_done (store, stmt, _("writing the audit log"), error);
}

JsonNode *
okn_store_json_object (const char *first_key,
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

/* Steps through a query, turning each row into an element with @row; the
 * one loop every reader of lists shares. */
GPtrArray *
okn_store_collect_rows (OknStore      *store,
                        sqlite3_stmt  *stmt,
                        OknRowFunc        row,
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
