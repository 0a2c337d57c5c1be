/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-sql.c: a database file as sqlite itself sees it (okn-test-sql.h) */
#define G_LOG_DOMAIN "okn-test-sql"

#include "config.h"

#include <sqlite3.h>

#include "okn-test-sql.h"

/* One value of the first row of @sql, read on a read-only connection
 * (its close writes nothing: what a killed command left stays). */
static sqlite3_stmt *
first_row (const char *path,
           const char *sql,
           sqlite3   **db)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_open_v2 (path, db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (*db));
  sqlite3_busy_timeout (*db, 15000);
  if (sqlite3_prepare_v2 (*db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s: %s (%d)", path, sql, sqlite3_errmsg (*db), sqlite3_extended_errcode (*db));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    g_error ("%s: %s: no row", path, sql);
  return stmt;
}

gint64
okn_test_sql_int (const char *path,
                  const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = first_row (path, sql, &db);
  gint64 v = sqlite3_column_int64 (stmt, 0);

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* Returns: (transfer full) (nullable): the first value of the first row */
char *
okn_test_sql_text (const char *path,
                   const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = first_row (path, sql, &db);
  char *v = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* Runs @sql on a writable connection (created when missing), also SQL
 * the database may refuse (a trigger, a constraint): its result code,
 * SQLITE_OK when it ran; @message (optional): the database's words. */
int
okn_test_sql_try_exec (const char  *path,
                       const char  *sql,
                       char       **message)
{
  sqlite3 *db = NULL;
  char *words = NULL;
  int rc;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    g_error ("%s: %s", path, sqlite3_errmsg (db));
  sqlite3_busy_timeout (db, 15000);
  rc = sqlite3_exec (db, sql, NULL, NULL, &words);
  if (message)
    *message = g_strdup (words);
  sqlite3_free (words);
  sqlite3_close (db);
  return rc;
}

/* The same for SQL that must run. */
void
okn_test_sql_exec (const char *path,
                   const char *sql)
{
  g_autofree char *message = NULL;

  if (okn_test_sql_try_exec (path, sql, &message) != SQLITE_OK)
    g_error ("%s: %s: %s", path, sql, message);
}
