/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-private.h: what the store's sibling files share: the
 * connection's state and the SQL helpers of okn-store-sql.c */
#pragma once

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "okienko/okn-store.h"
#include "okn-store-issued.h"

G_BEGIN_DECLS

/* How long a writer waits for the write lock before it gives up. */
#define OKN_STORE_BUSY_TIMEOUT_MS 15000
#define OKN_STORE_SECRET_LEN      32

struct _OknStore
{
  sqlite3 *db;
  char *path;
  char *real_path;  /* path with its links resolved once, before SQLite opens it (okn-store.c) */
  OknNowFunc now_func;
  gpointer now_data;
  char *station;
  guint8 secret[OKN_STORE_SECRET_LEN];
  gboolean has_station;
  gint64 busy_since_us;
  gboolean read_only;
  OknIssuedFile *issued;
  GArray *issued_now;   /* (element-type OknIssued) as read when a registration began */
  GArray *issued_new;   /* (element-type OknIssued) numbers this transaction gives out */
  GPtrArray *warnings;
};

/* The columns okn_store_row_to_record() reads, in its order. */
#define OKN_STORE_RECORD_COLUMNS                                               \
  "id, uuid, ticket, station, kind, channel, operator, created_at, updated_at, " \
  "sync_state, cancel_reason, server_id, server_token, server_status, "         \
  "server_status_notes, server_error, received_at, delivery, sender_name, "     \
  "sender_address, anonymous, letter_date, reference, subject, pages, "         \
  "attachment_count, unit, notes, category, description, address, lat, lon, "  \
  "contact_name, contact_email, contact_phone, consent, purged_at"
/* How many: the columns a query adds after them start here. */
#define OKN_STORE_RECORD_N_COLUMNS 38

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

/* Turns the current row of a statement into one element of a list. */
typedef gpointer (*OknRowFunc) (OknStore     *store,
                                sqlite3_stmt *stmt,
                                GError      **error);

/* okn-store-sql.c */
sqlite3      *okn_store_get_db            (OknStore *store);
gboolean      okn_store_set_error_from_db (OknStore   *store,
                                           int         rc,
                                           const char *what,
                                           GError    **error);
char         *okn_store_recovery_steps    (const char *path);
const char   *okn_store_sqlite_reason     (sqlite3    *db,
                                           int         rc);
gboolean      okn_store_exec              (OknStore   *store,
                                           const char *sql,
                                           const char *what,
                                           GError    **error);
sqlite3_stmt *okn_store_prepare           (OknStore   *store,
                                           const char *sql,
                                           GError    **error);
void          okn_sql_bind_text           (sqlite3_stmt *stmt,
                                           int           idx,
                                           const char   *value);
char         *okn_sql_column_dup          (sqlite3_stmt *stmt,
                                           int           idx);
void          okn_sql_columns_dup         (sqlite3_stmt *stmt,
                                           int           first,
                                           gpointer      object,
                                           const gsize  *offsets,
                                           guint         n);
void          okn_struct_free_strings     (gpointer     object,
                                           const gsize *offsets,
                                           guint        n);
gboolean      okn_store_step_done         (OknStore     *store,
                                           sqlite3_stmt *stmt,
                                           const char   *what,
                                           GError      **error);
gboolean      okn_store_begin             (OknStore *store,
                                           GError  **error);
gboolean      okn_store_commit            (OknStore *store,
                                           GError  **error);
void          okn_store_rollback          (OknStore *store);
gboolean      okn_store_end               (OknStore *store,
                                           gboolean  ok,
                                           GError  **error);
GDateTime    *okn_store_now               (OknStore *store);
gint64        okn_unix_us                 (GDateTime *dt);
gint64        okn_store_now_us            (OknStore *store);
char         *okn_store_now_iso8601       (OknStore *store);
gboolean      okn_store_append_audit      (OknStore   *store,
                                           gint64      record_id,
                                           const char *at,
                                           const char *actor,
                                           const char *action,
                                           JsonNode   *details,
                                           GError    **error);
JsonNode     *okn_store_json_object       (const char *first_key,
                                           ...) G_GNUC_NULL_TERMINATED;
GPtrArray    *okn_store_collect_rows      (OknStore      *store,
                                           sqlite3_stmt  *stmt,
                                           OknRowFunc     row,
                                           GDestroyNotify free_func,
                                           const char    *what,
                                           GError       **error);

/* okn-store.c */
gboolean      okn_store_require_station   (OknStore *store,
                                           GError  **error);
void          okn_store_checkpoint_truncate (OknStore *store);
char         *okn_store_format_ticket     (const char *station,
                                           guint       year,
                                           guint       seq);

/* okn-store-query.c */
OknRecord    *okn_store_row_to_record     (OknStore     *store,
                                           sqlite3_stmt *stmt,
                                           GError      **error);
GPtrArray    *okn_store_collect_records   (OknStore     *store,
                                           sqlite3_stmt *stmt,
                                           GError      **error);
OknRecord    *okn_store_lookup_id         (OknStore *store,
                                           gint64    id,
                                           GError  **error);
int           okn_store_fts_register      (sqlite3 *db);
gboolean      okn_store_fts_index         (OknStore        *store,
                                           const OknRecord *r,
                                           GError         **error);

/* okn-store-catalogue.c */
gboolean      okn_store_check_category    (OknStore        *store,
                                           OknRecord       *r,
                                           const OknRecord *stored,
                                           GError         **error);

G_END_DECLS
