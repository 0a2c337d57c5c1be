/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-query.c: records read back: a row as an OknRecord, lookups by
 * ticket (a typo named), UUID and id, lists and the full-text search with
 * the index it asks, a record's attachments, audit log and status history,
 * and the counts by state
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-ticket-id.h"
#include "okn-store-private.h"
#include "okn-store-schema.h"

/* The text members of the small row types, in the order of their columns
 * (okn_sql_columns_dup()); freeing them frees the same members. */
static const gsize audit_entry_text[] = {
  G_STRUCT_OFFSET (OknAuditEntry, at), G_STRUCT_OFFSET (OknAuditEntry, actor),
  G_STRUCT_OFFSET (OknAuditEntry, action), G_STRUCT_OFFSET (OknAuditEntry, details),
};

static const gsize status_change_text[] = {
  G_STRUCT_OFFSET (OknStatusChange, status), G_STRUCT_OFFSET (OknStatusChange, status_notes),
  G_STRUCT_OFFSET (OknStatusChange, agency_responsible),
  G_STRUCT_OFFSET (OknStatusChange, server_updated_at), G_STRUCT_OFFSET (OknStatusChange, expected_at),
  G_STRUCT_OFFSET (OknStatusChange, fetched_at),
};

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

static gboolean
load_attributes (OknStore  *store,
                 OknRecord *r,
                 GError   **error)
{
  g_autoptr (sqlite3_stmt) attrs = NULL;
  g_autoptr (sqlite3_stmt) files = NULL;
  int rc;

  attrs = okn_store_prepare (store, "SELECT key, value FROM record_attributes WHERE record_id = ? ORDER BY position", error);
  if (attrs == NULL)
    return FALSE;
  sqlite3_bind_int64 (attrs, 1, r->id);
  while ((rc = sqlite3_step (attrs)) == SQLITE_ROW)
    okn_record_add_attribute (r, (const char *) sqlite3_column_text (attrs, 0),
                              (const char *) sqlite3_column_text (attrs, 1));
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading a record"), error);

  files = okn_store_prepare (store,
                             "SELECT a.sha256, a.filename, a.mime_type, b.size FROM attachments a "
                             "JOIN blobs b ON b.sha256 = a.sha256 WHERE a.record_id = ? ORDER BY a.id",
                             error);
  if (files == NULL)
    return FALSE;
  sqlite3_bind_int64 (files, 1, r->id);
  while ((rc = sqlite3_step (files)) == SQLITE_ROW)
    {
      OknAttachment *a = g_new0 (OknAttachment, 1);

      a->sha256 = okn_sql_column_dup (files, 0);
      a->filename = okn_sql_column_dup (files, 1);
      a->mime_type = okn_sql_column_dup (files, 2);
      a->size = sqlite3_column_int64 (files, 3);
      g_ptr_array_add (r->files, a);
    }
  if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("reading a record"), error);
  return TRUE;
}

OknRecord *
okn_store_row_to_record (OknStore     *store,
                         sqlite3_stmt *stmt,
                         GError      **error)
{
  g_autoptr (OknRecord) r = NULL;
  OknKind kind = OKN_KIND_REPORT;
  int i = 0;

  okn_kind_from_string ((const char *) sqlite3_column_text (stmt, 4), &kind);
  r = okn_record_new (kind);
  r->id = sqlite3_column_int64 (stmt, i++);
  r->uuid = okn_sql_column_dup (stmt, i++);
  r->ticket = okn_sql_column_dup (stmt, i++);
  r->station = okn_sql_column_dup (stmt, i++);
  i++; /* kind */
  okn_channel_from_string ((const char *) sqlite3_column_text (stmt, i++), &r->channel);
  r->operator_name = okn_sql_column_dup (stmt, i++);
  r->created_at = okn_sql_column_dup (stmt, i++);
  r->updated_at = okn_sql_column_dup (stmt, i++);
  okn_sync_state_from_string ((const char *) sqlite3_column_text (stmt, i++), &r->sync_state);
  r->cancel_reason = okn_sql_column_dup (stmt, i++);
  r->server_id = okn_sql_column_dup (stmt, i++);
  r->server_token = okn_sql_column_dup (stmt, i++);
  r->server_status = okn_sql_column_dup (stmt, i++);
  r->server_status_notes = okn_sql_column_dup (stmt, i++);
  r->server_error = okn_sql_column_dup (stmt, i++);
  r->received_at = okn_sql_column_dup (stmt, i++);
  if (sqlite3_column_type (stmt, i) != SQLITE_NULL)
    okn_delivery_from_string ((const char *) sqlite3_column_text (stmt, i), &r->delivery);
  i++;
  r->sender_name = okn_sql_column_dup (stmt, i++);
  r->sender_address = okn_sql_column_dup (stmt, i++);
  r->anonymous = sqlite3_column_int (stmt, i++) != 0;
  r->letter_date = okn_sql_column_dup (stmt, i++);
  r->reference = okn_sql_column_dup (stmt, i++);
  r->subject = okn_sql_column_dup (stmt, i++);
  r->pages = sqlite3_column_int (stmt, i++);
  r->attachment_count = sqlite3_column_int (stmt, i++);
  r->unit = okn_sql_column_dup (stmt, i++);
  r->notes = okn_sql_column_dup (stmt, i++);
  r->category = okn_sql_column_dup (stmt, i++);
  r->description = okn_sql_column_dup (stmt, i++);
  r->address = okn_sql_column_dup (stmt, i++);
  r->has_location = sqlite3_column_type (stmt, i) != SQLITE_NULL;
  r->lat = sqlite3_column_double (stmt, i++);
  r->lon = sqlite3_column_double (stmt, i++);
  r->contact_name = okn_sql_column_dup (stmt, i++);
  r->contact_email = okn_sql_column_dup (stmt, i++);
  r->contact_phone = okn_sql_column_dup (stmt, i++);
  r->consent = sqlite3_column_int (stmt, i++) != 0;
  r->purged_at = okn_sql_column_dup (stmt, i++);

  if (store->has_station && r->ticket)
    r->verification_code = okn_ticket_verification_code (r->ticket, store->secret, OKN_STORE_SECRET_LEN);
  if (!load_attributes (store, r, error))
    return NULL;
  return g_steal_pointer (&r);
}

GPtrArray *
okn_store_collect_records (OknStore     *store,
                           sqlite3_stmt *stmt,
                           GError      **error)
{
  return okn_store_collect_rows (store, stmt, (OknRowFunc) okn_store_row_to_record, (GDestroyNotify) okn_record_free,
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

  stmt = okn_store_prepare (store, column_sql, error);
  if (stmt == NULL)
    return NULL;
  okn_sql_bind_text (stmt, 1, value);
  found = okn_store_collect_records (store, stmt, error);
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
  return lookup_exact (store, "SELECT " OKN_STORE_RECORD_COLUMNS " FROM records WHERE ticket = ?", formatted, error);
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

OknRecord *
okn_store_lookup_id (OknStore *store,
                     gint64    id,
                     GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT " OKN_STORE_RECORD_COLUMNS " FROM records WHERE id = ?", error);
  g_autoptr (GPtrArray) found = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  found = okn_store_collect_records (store, stmt, error);
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
  g_autoptr (GString) sql = g_string_new ("SELECT " OKN_STORE_RECORD_COLUMNS " FROM records WHERE 1");
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

  stmt = okn_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  if (ticket)
    okn_sql_bind_text (stmt, idx++, ticket);
  if (match)
    {
      okn_sql_bind_text (stmt, idx++, match);
      if (!filtered)
        sqlite3_bind_int (stmt, idx++, limit > 0 ? (int) limit : -1);
    }
  if (filter && filter->has_kind)
    okn_sql_bind_text (stmt, idx++, okn_kind_to_string (filter->kind));
  if (filter && filter->has_state)
    okn_sql_bind_text (stmt, idx++, okn_sync_state_to_string (filter->state));
  if (filter && filter->since)
    sqlite3_bind_int64 (stmt, idx++, okn_unix_us (filter->since));
  if (filter && filter->until)
    sqlite3_bind_int64 (stmt, idx++, okn_unix_us (filter->until));
  if (filter && filter->received_since)
    sqlite3_bind_int64 (stmt, idx++, okn_unix_us (filter->received_since));
  if (filter && filter->received_until)
    sqlite3_bind_int64 (stmt, idx++, okn_unix_us (filter->received_until));
  return okn_store_collect_records (store, stmt, error);
}

static gpointer
row_to_audit_entry (OknStore     *store,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  OknAuditEntry *e = g_new0 (OknAuditEntry, 1);

  e->id = sqlite3_column_int64 (stmt, 0);
  okn_sql_columns_dup (stmt, 1, e, audit_entry_text, G_N_ELEMENTS (audit_entry_text));
  return e;
}

static gpointer
row_to_status_change (OknStore     *store,
                      sqlite3_stmt *stmt,
                      GError      **error)
{
  OknStatusChange *c = g_new0 (OknStatusChange, 1);

  okn_sql_columns_dup (stmt, 0, c, status_change_text, G_N_ELEMENTS (status_change_text));
  return c;
}

static void
sql_fts_fold (sqlite3_context *ctx,
              int              argc,
              sqlite3_value  **argv)
{
  g_autofree char *folded = NULL;
  const char *text = (const char *) sqlite3_value_text (argv[0]);

  /* Text that is not UTF-8 is indexed as it is rather than lost. */
  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    {
      sqlite3_result_value (ctx, argv[0]);
      return;
    }
  folded = fts_fold (text);
  sqlite3_result_text (ctx, g_steal_pointer (&folded), -1, g_free);
}

/* Makes okn_fts_fold(text) known to the connection: the index's rows are
 * written by SQL (OKN_STORE_FTS_INSERT), in a migration too. */
int
okn_store_fts_register (sqlite3 *db)
{
  return sqlite3_create_function (db, "okn_fts_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                  NULL, sql_fts_fold, NULL, NULL);
}

/* Writes the record's row of the search index from its stored row,
 * replacing any old one; call it after the record's row is written. */
gboolean
okn_store_fts_index (OknStore        *store,
                     const OknRecord *r,
                     GError         **error)
{
  g_autoptr (sqlite3_stmt) del = okn_store_prepare (store, "DELETE FROM records_fts WHERE rowid = ?", error);
  g_autoptr (sqlite3_stmt) ins = NULL;

  if (del == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, r->id);
  if (!okn_store_step_done (store, del, _("updating the search index"), error))
    return FALSE;
  ins = okn_store_prepare (store, OKN_STORE_FTS_INSERT " WHERE r.id = ?", error);
  if (ins == NULL)
    return FALSE;
  sqlite3_bind_int64 (ins, 1, r->id);
  return okn_store_step_done (store, ins, _("updating the search index"), error);
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
  OknRecord *r = lookup_exact (store, "SELECT " OKN_STORE_RECORD_COLUMNS " FROM records WHERE uuid = ?", uuid, &local_error);

  if (r == NULL && local_error == NULL)
    g_set_error (&local_error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND,
                 _("No record has UUID %s here."), uuid);
  if (local_error)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return r;
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
 * okn_store_search_filtered:
 * @text: a ticket ID, or words from the sender's name and address, the
 *   subject, description, address, contact name or category (its name,
 *   group or keywords), with or without diacritics
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
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT data FROM blobs WHERE sha256 = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  okn_sql_bind_text (stmt, 1, sha256);
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

  stmt = okn_store_prepare (store,
                            record_id > 0
                    ? "SELECT id, at, actor, action, details FROM audit_log WHERE record_id = ? ORDER BY id"
                    : "SELECT id, at, actor, action, details FROM audit_log WHERE record_id IS NULL ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  if (record_id > 0)
    sqlite3_bind_int64 (stmt, 1, record_id);
  return okn_store_collect_rows (store, stmt, row_to_audit_entry, (GDestroyNotify) okn_audit_entry_free,
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

  stmt = okn_store_prepare (store,
                            "SELECT status, status_notes, agency_responsible, server_updated_at, expected_at, "
                            "fetched_at FROM status_history WHERE record_id = ? ORDER BY id",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, record_id);
  return okn_store_collect_rows (store, stmt, row_to_status_change, (GDestroyNotify) okn_status_change_free,
                                 _("reading the status history"), error);
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
  stmt = okn_store_prepare (store, "SELECT sync_state, count(*) FROM records GROUP BY sync_state", error);
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

  oldest = okn_store_prepare (store,
                              "SELECT created_at FROM records WHERE sync_state = 'queued' "
                              "ORDER BY sync_state, created_us LIMIT 1",
                              error);
  if (oldest == NULL)
    return FALSE;
  rc = sqlite3_step (oldest);
  if (rc == SQLITE_ROW)
    out->oldest_queued_at = okn_sql_column_dup (oldest, 0);
  else if (rc != SQLITE_DONE)
    return okn_store_set_error_from_db (store, rc, _("counting records"), error);
  return TRUE;
}

void
okn_store_stats_clear (OknStoreStats *stats)
{
  g_clear_pointer (&stats->station, g_free);
  g_clear_pointer (&stats->oldest_queued_at, g_free);
}

void
okn_audit_entry_free (OknAuditEntry *e)
{
  okn_struct_free_strings (e, audit_entry_text, G_N_ELEMENTS (audit_entry_text));
}

void
okn_status_change_free (OknStatusChange *c)
{
  okn_struct_free_strings (c, status_change_text, G_N_ELEMENTS (status_change_text));
}
