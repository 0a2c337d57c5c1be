/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-private.h: what the store's sibling files share */
#pragma once

#include <sqlite3.h>

#include "okienko/okn-store.h"

G_BEGIN_DECLS

static inline void
okn_sqlite_stmt_free (sqlite3_stmt *stmt)
{
  sqlite3_finalize (stmt);
}

static inline void
okn_sqlite_close (sqlite3 *db)
{
  sqlite3_close_v2 (db);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, okn_sqlite_stmt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, okn_sqlite_close)

sqlite3 *okn_store_get_db (OknStore *store);

gboolean okn_store_set_error_from_db (OknStore   *store,
                                      int         rc,
                                      const char *what,
                                      GError    **error);

G_END_DECLS
