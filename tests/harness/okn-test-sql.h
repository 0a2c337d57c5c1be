/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-sql.h: a database file as sqlite itself sees it, for the tests
 * that check what the store left on disk (backup, purge, crash loop) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gint64  okn_test_sql_int  (const char *path,
                           const char *sql);
char   *okn_test_sql_text (const char *path,
                           const char *sql);
void    okn_test_sql_exec (const char *path,
                           const char *sql);
int     okn_test_sql_try_exec (const char  *path,
                               const char  *sql,
                               char       **message);

G_END_DECLS
