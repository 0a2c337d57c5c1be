/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-outbox.c: the outbox, what the sync engine owes the server:
 * records claimed, recovered after a crash, their outcomes and sync
 * states, tokens to resolve, cases to poll and the statuses the server
 * answered, records queued again
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okn-store-private.h"

/* No retry is scheduled further ahead than this (the sync engine caps
 * Retry-After at it), so a later time means the clock was turned back. */
#define OUTBOX_MAX_AHEAD_US ((gint64) 24 * 3600 * G_USEC_PER_SEC)

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
  g_autoptr (sqlite3_stmt) upd = okn_store_prepare (store, "UPDATE records SET sync_state = ?, updated_at = ? WHERE id = ?", error);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) details = NULL;

  if (upd == NULL)
    return FALSE;
  okn_sql_bind_text (upd, 1, okn_sync_state_to_string (to));
  okn_sql_bind_text (upd, 2, at);
  sqlite3_bind_int64 (upd, 3, record_id);
  if (!okn_store_step_done (store, upd, _("saving the sync state"), error))
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
  return okn_store_append_audit (store, record_id, at, "sync", "sync-state", details, error);
}

#define OUTBOX_COLUMNS OKN_STORE_RECORD_COLUMNS ", o.attempts, o.unknown_outcome"

static gpointer
row_to_outbox_item (OknStore     *store,
                    sqlite3_stmt *stmt,
                    GError      **error)
{
  OknRecord *record = okn_store_row_to_record (store, stmt, error);
  OknOutboxItem *item;

  if (record == NULL)
    return NULL;
  item = g_new0 (OknOutboxItem, 1);
  item->record = record;
  item->attempts = (guint) sqlite3_column_int (stmt, OKN_STORE_RECORD_N_COLUMNS);
  item->unknown_outcome = sqlite3_column_int (stmt, OKN_STORE_RECORD_N_COLUMNS + 1) != 0;
  return item;
}

static GPtrArray *
collect_outbox_items (OknStore     *store,
                      sqlite3_stmt *stmt,
                      GError      **error)
{
  return okn_store_collect_rows (store, stmt, row_to_outbox_item, (GDestroyNotify) okn_outbox_item_free,
                                 _("reading the outbox"), error);
}

/* The records that meet @condition (SQL; ?3 in it is @before_us), by id,
 * after @after_id, at most @limit: the engine's lists of what to ask the
 * server about, read a page at a time. */
static GPtrArray *
list_records (OknStore   *store,
              const char *condition,
              gint64      after_id,
              gint64      before_us,
              guint       limit,
              GError    **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " OKN_STORE_RECORD_COLUMNS " FROM records WHERE %s "
                                          "AND id > ?1 ORDER BY id LIMIT ?2",
                                          condition);
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, sql, error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_id);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, G_MAXINT));
  if (sqlite3_bind_parameter_count (stmt) >= 3)
    sqlite3_bind_int64 (stmt, 3, before_us);
  return okn_store_collect_records (store, stmt, error);
}

/* Takes the queued records of @kinds (OKN_OUTBOX_KIND bits) that are due
 * now and were due at @due_by_us, oldest first, and moves them to `sending`
 * in one transaction (one audit entry each): okn_store_outbox_claim(). */
static GPtrArray *
outbox_claim_kinds (OknStore *store,
                    guint     limit,
                    guint     kinds,
                    gint64    due_by_us,
                    GError  **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (sqlite3_stmt) sel = NULL;
  g_autoptr (sqlite3_stmt) bump = NULL;
  g_autoptr (GDateTime) now = okn_store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);

  if (!okn_store_begin (store, error))
    return NULL;
  sel = okn_store_prepare (store,
                           "SELECT " OUTBOX_COLUMNS " FROM outbox o JOIN records ON records.id = o.record_id "
                           "WHERE records.sync_state = 'queued' AND (o.next_attempt_us <= min (?1, ?6) "
                           "OR o.next_attempt_us > ?1 + ?3) " OUTBOX_KINDS_SQL ("records", "?4", "?5")
                           "ORDER BY o.next_attempt_us, o.record_id LIMIT ?2",
                           error);
  bump = sel ? okn_store_prepare (store, "UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE record_id = ?", error) : NULL;
  if (bump == NULL)
    goto fail;
  sqlite3_bind_int64 (sel, 1, okn_unix_us (now));
  sqlite3_bind_int (sel, 2, (int) MIN (limit, G_MAXINT));
  sqlite3_bind_int64 (sel, 3, OUTBOX_MAX_AHEAD_US);
  bind_kinds (sel, 4, kinds);
  sqlite3_bind_int64 (sel, 6, due_by_us);
  items = collect_outbox_items (store, sel, error);
  if (items == NULL)
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);

      sqlite3_reset (bump);
      okn_sql_bind_text (bump, 1, at);
      sqlite3_bind_int64 (bump, 2, item->record->id);
      if (!okn_store_step_done (store, bump, _("saving the sync state"), error)
          || !transition (store, item->record->id, OKN_SYNC_QUEUED, OKN_SYNC_SENDING, at, NULL, error))
        goto fail;
      item->record->sync_state = OKN_SYNC_SENDING;
      item->attempts++;
    }
  return okn_store_end (store, TRUE, error) ? g_steal_pointer (&items) : NULL;

fail:
  okn_store_end (store, FALSE, NULL);
  return NULL;
}

static OknSyncState
current_state (OknStore *store,
               gint64    record_id,
               GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store, "SELECT sync_state FROM records WHERE id = ?", error);
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
      /* Without a case number (one the record cannot keep), the error
       * says why; sent all the same: the server has the case. */
      rec = okn_store_prepare (store, "UPDATE records SET server_id = ?, server_error = ? WHERE id = ?", error);
      box = okn_store_prepare (store, "DELETE FROM outbox WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      okn_sql_bind_text (rec, 1, o->server_id);
      okn_sql_bind_text (rec, 2, o->server_id ? NULL : o->error);
      sqlite3_bind_int64 (rec, 3, o->record_id);
      sqlite3_bind_int64 (box, 1, o->record_id);
      if (o->server_id)
        {
          json_builder_set_member_name (b, "service_request_id");
          json_builder_add_string_value (b, o->server_id);
        }
      else
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, o->error ? o->error : "");
        }
      if (o->adopted)
        {
          json_builder_set_member_name (b, "adopted");
          json_builder_add_boolean_value (b, TRUE);
        }
      break;
    case OKN_OUTCOME_TOKEN:
      to = OKN_SYNC_AWAITING_ID;
      rec = okn_store_prepare (store, "UPDATE records SET server_token = ? WHERE id = ?", error);
      box = okn_store_prepare (store, "UPDATE outbox SET unknown_outcome = 0 WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      okn_sql_bind_text (rec, 1, o->token);
      sqlite3_bind_int64 (rec, 2, o->record_id);
      sqlite3_bind_int64 (box, 1, o->record_id);
      break;
    case OKN_OUTCOME_RETRY:
    case OKN_OUTCOME_RELEASE:
      /* A record waiting for its token keeps waiting. */
      to = from == OKN_SYNC_AWAITING_ID ? OKN_SYNC_AWAITING_ID : OKN_SYNC_QUEUED;
      box = okn_store_prepare (store,
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
          okn_sql_bind_text (box, 4, o->error);
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
      rec = okn_store_prepare (store, "UPDATE records SET server_error = ? WHERE id = ?", error);
      box = okn_store_prepare (store, "UPDATE outbox SET last_error = ?, last_http_status = ?, unknown_outcome = 0 WHERE record_id = ?", error);
      if (rec == NULL || box == NULL)
        return FALSE;
      okn_sql_bind_text (rec, 1, o->error);
      sqlite3_bind_int64 (rec, 2, o->record_id);
      okn_sql_bind_text (box, 1, o->error);
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

  if ((rec && !okn_store_step_done (store, rec, _("saving the sync state"), error))
      || (box && !okn_store_step_done (store, box, _("saving the sync state"), error)))
    return FALSE;
  if (to == from)
    return TRUE;
  return transition (store, o->record_id, from, to, at, extra, error);
}

/* When the next queued record of @kinds is due: okn_store_outbox_next_due_us(). */
static gint64
outbox_next_due_kinds_us (OknStore *store,
                          guint     kinds,
                          GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store,
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
  if (due <= okn_store_now_us (store) || due > okn_store_now_us (store) + OUTBOX_MAX_AHEAD_US)
    return 0;
  return due;
}

/* The last status change stored for a record, to compare with. */
static gboolean
status_differs (OknStore              *store,
                const OknStatusChange *c,
                gboolean              *differs,
                GError               **error)
{
  g_autoptr (sqlite3_stmt) stmt = okn_store_prepare (store,
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
  g_autoptr (JsonNode) details = NULL;
  g_autoptr (sqlite3_stmt) upd = NULL;
  g_autofree char *at = NULL;

  if (!okn_store_begin (store, error))
    return FALSE;
  current = okn_store_lookup_id (store, record_id, error);
  if (current == NULL)
    goto fail;
  if (current->sync_state == state)
    {
      okn_store_rollback (store);
      return TRUE;
    }
  at = okn_store_now_iso8601 (store);
  upd = okn_store_prepare (store, "UPDATE records SET sync_state = ?, server_error = ?, updated_at = ? WHERE id = ?", error);
  if (upd == NULL)
    goto fail;
  okn_sql_bind_text (upd, 1, okn_sync_state_to_string (state));
  okn_sql_bind_text (upd, 2, state == OKN_SYNC_NEEDS_ATTENTION ? detail : NULL);
  okn_sql_bind_text (upd, 3, at);
  sqlite3_bind_int64 (upd, 4, record_id);
  details = okn_store_json_object ("from", okn_sync_state_to_string (current->sync_state),
                                   "to", okn_sync_state_to_string (state), "detail", detail, NULL);
  if (!okn_store_step_done (store, upd, _("saving the sync state"), error)
      || !okn_store_append_audit (store, record_id, at, actor ? actor : "sync", "sync-state", details, error))
    goto fail;
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, error);
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
  g_autofree char *at = okn_store_now_iso8601 (store);
  g_autoptr (JsonNode) extra = okn_store_json_object ("detail", "interrupted while sending", NULL);

  if (!okn_store_begin (store, error))
    return NULL;
  sel = okn_store_prepare (store,
                           "SELECT " OUTBOX_COLUMNS " FROM records JOIN outbox o ON o.record_id = records.id "
                           "WHERE sync_state = 'sending' ORDER BY records.id",
                           error);
  mark = sel ? okn_store_prepare (store, "UPDATE outbox SET unknown_outcome = 1, next_attempt_us = 0 WHERE record_id = ?", error) : NULL;
  if (mark == NULL || (items = collect_outbox_items (store, sel, error)) == NULL)
    goto fail;
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);

      sqlite3_reset (mark);
      sqlite3_bind_int64 (mark, 1, item->record->id);
      if (!okn_store_step_done (store, mark, _("saving the sync state"), error)
          || !transition (store, item->record->id, OKN_SYNC_SENDING, OKN_SYNC_QUEUED, at, extra, error))
        goto fail;
      item->record->sync_state = OKN_SYNC_QUEUED;
      item->unknown_outcome = TRUE;
    }
  return okn_store_end (store, TRUE, error) ? g_steal_pointer (&items) : NULL;

fail:
  okn_store_end (store, FALSE, NULL);
  return NULL;
}

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
  return outbox_claim_kinds (store, limit, OKN_OUTBOX_ALL_KINDS, G_MAXINT64, error);
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
  g_autofree char *at = okn_store_now_iso8601 (store);

  if (outcomes->len == 0)
    return TRUE;
  if (!okn_store_begin (store, error))
    return FALSE;
  for (guint i = 0; i < outcomes->len; i++)
    if (!apply_one (store, g_ptr_array_index (outcomes, i), at, error))
      goto fail;
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, error);
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
  return list_records (store, "sync_state = 'awaiting-id'", 0, 0, limit, error);
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
  return list_records (store,
                       "sync_state = 'synced' AND server_id IS NOT NULL AND "
                       "(server_status IS NULL OR lower (server_status) <> 'closed')",
                       after_id, 0, limit, error);
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
  g_autoptr (GDateTime) now = okn_store_now (store);
  g_autofree char *at = okn_now_iso8601 (now);
  g_autoptr (sqlite3_stmt) polled = NULL;
  g_autoptr (sqlite3_stmt) rec = NULL;
  g_autoptr (sqlite3_stmt) hist = NULL;
  guint changed = 0;

  if (n_changed)
    *n_changed = 0;
  if (changes->len == 0)
    return TRUE;
  if (!okn_store_begin (store, error))
    return FALSE;
  polled = okn_store_prepare (store, "UPDATE records SET status_polled_us = ? WHERE id = ?", error);
  rec = polled ? okn_store_prepare (store, "UPDATE records SET server_status = ?, server_status_notes = ?, updated_at = ? WHERE id = ?", error) : NULL;
  hist = rec ? okn_store_prepare (store,
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
      sqlite3_bind_int64 (polled, 1, okn_unix_us (now));
      sqlite3_bind_int64 (polled, 2, c->record_id);
      if (!okn_store_step_done (store, polled, _("saving a status"), error) || !status_differs (store, c, &differs, error))
        goto fail;
      if (!differs)
        continue;
      changed++;
      sqlite3_reset (rec);
      okn_sql_bind_text (rec, 1, c->status);
      okn_sql_bind_text (rec, 2, c->status_notes);
      okn_sql_bind_text (rec, 3, at);
      sqlite3_bind_int64 (rec, 4, c->record_id);
      sqlite3_reset (hist);
      sqlite3_bind_int64 (hist, 1, c->record_id);
      okn_sql_bind_text (hist, 2, c->status);
      okn_sql_bind_text (hist, 3, c->status_notes);
      okn_sql_bind_text (hist, 4, c->agency_responsible);
      okn_sql_bind_text (hist, 5, c->server_updated_at);
      okn_sql_bind_text (hist, 6, c->expected_at);
      okn_sql_bind_text (hist, 7, at);
      if (!okn_store_step_done (store, rec, _("saving a status"), error) || !okn_store_step_done (store, hist, _("saving a status"), error))
        goto fail;
    }
  if (!okn_store_end (store, TRUE, error))
    return FALSE;
  if (n_changed)
    *n_changed = changed;
  return TRUE;

fail:
  return okn_store_end (store, FALSE, error);
}

void
okn_outbox_item_free (OknOutboxItem *item)
{
  if (item == NULL)
    return;
  okn_record_free (item->record);
  g_free (item);
}

/**
 * okn_store_outbox_claim_kinds:
 * @kinds: OKN_OUTBOX_KIND() bits of the kinds to take
 * @due_by_us: take only records that were due at this time (microseconds
 *   since the epoch, real time) too; G_MAXINT64: all that are due now
 *
 * okn_store_outbox_claim() for some kinds only: records of the others stay
 * queued, untouched (the sync engine cannot send letters without
 * letters.service_code, and must not let them block the reports). The
 * engine passes the start of its run as @due_by_us, so that a record that
 * failed in a run waits for the next one however short its backoff.
 *
 * Returns: (transfer full) (element-type OknOutboxItem): the claimed records
 */
GPtrArray *
okn_store_outbox_claim_kinds (OknStore *store,
                              guint     limit,
                              guint     kinds,
                              gint64    due_by_us,
                              GError  **error)
{
  return outbox_claim_kinds (store, limit, kinds, due_by_us, error);
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
  return list_records (store,
                       "sync_state = 'synced' AND server_id IS NOT NULL AND "
                       "lower (server_status) = 'closed' AND "
                       "(status_polled_us IS NULL OR status_polled_us < ?3)",
                       after_id, polled_before_us, limit, error);
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
  if (!okn_store_begin (store, error))
    return FALSE;
  upd = okn_store_prepare (store, "UPDATE records SET status_polled_us = ? WHERE id = ?", error);
  if (upd == NULL)
    goto fail;
  for (guint i = 0; i < record_ids->len; i++)
    {
      sqlite3_reset (upd);
      sqlite3_bind_int64 (upd, 1, okn_store_now_us (store));
      sqlite3_bind_int64 (upd, 2, g_array_index (record_ids, gint64, i));
      if (!okn_store_step_done (store, upd, _("saving a status"), error))
        goto fail;
    }
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, error);
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
  g_autofree char *at = okn_store_now_iso8601 (store);
  g_autoptr (JsonNode) details = okn_store_json_object ("from", okn_sync_state_to_string (OKN_SYNC_NEEDS_ATTENTION),
                                                        "to", okn_sync_state_to_string (OKN_SYNC_QUEUED), NULL);

  if (!okn_store_begin (store, error))
    return FALSE;
  if (tickets == NULL)
    {
      g_autoptr (sqlite3_stmt) sel = okn_store_prepare (store,
                                                        "SELECT " OKN_STORE_RECORD_COLUMNS " FROM records "
                                                        "WHERE sync_state = 'needs-attention' ORDER BY id",
                                                        error);

      if (sel == NULL || (records = okn_store_collect_records (store, sel, error)) == NULL)
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
  rec = okn_store_prepare (store,
                           "UPDATE records SET sync_state = 'queued', server_error = NULL, updated_at = ? "
                           "WHERE id = ? AND sync_state = 'needs-attention'",
                           error);
  box = rec ? okn_store_prepare (store,
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
      okn_sql_bind_text (rec, 1, at);
      sqlite3_bind_int64 (rec, 2, r->id);
      if (!okn_store_step_done (store, rec, _("queueing the record"), error))
        goto fail;
      /* Named twice on the command line: once is enough. */
      if (sqlite3_changes (okn_store_get_db (store)) == 0)
        continue;
      sqlite3_reset (box);
      sqlite3_bind_int64 (box, 1, r->id);
      if (!okn_store_step_done (store, box, _("queueing the record"), error)
          || !okn_store_append_audit (store, r->id, at, actor, "requeue", details, error))
        goto fail;
      g_strv_builder_add (done, r->ticket);
    }
  if (!okn_store_end (store, TRUE, error))
    return FALSE;
  if (tickets_done)
    *tickets_done = g_strv_builder_end (done);
  return TRUE;

fail:
  return okn_store_end (store, FALSE, error);
}
