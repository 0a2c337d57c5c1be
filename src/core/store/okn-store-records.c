/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-records.c: records written: registration (one transaction:
 * the next ticket number, past any number given out before; the record,
 * its attributes and files, outbox row, search-index row and audit entry),
 * corrections and cancellation
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <uuid/uuid.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-ticket-id.h"
#include "okn-store-issued.h"
#include "okn-store-private.h"

static gboolean
write_attributes_and_files (OknStore   *store,
                            OknRecord  *r,
                            const char *at,
                            GError    **error)
{
  g_autoptr (sqlite3_stmt) del = NULL;
  g_autoptr (sqlite3_stmt) attr = NULL;

  del = okn_store_prepare (store, "DELETE FROM record_attributes WHERE record_id = ?", error);
  if (del == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, r->id);
  if (!okn_store_step_done (store, del, _("saving attributes"), error))
    return FALSE;

  attr = okn_store_prepare (store, "INSERT INTO record_attributes (record_id, position, key, value) VALUES (?, ?, ?, ?)", error);
  if (attr == NULL)
    return FALSE;
  for (guint i = 0; i < r->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (r->attributes, i);

      sqlite3_reset (attr);
      sqlite3_bind_int64 (attr, 1, r->id);
      sqlite3_bind_int (attr, 2, (int) i);
      okn_sql_bind_text (attr, 3, a->key);
      okn_sql_bind_text (attr, 4, a->value);
      if (!okn_store_step_done (store, attr, _("saving attributes"), error))
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
      blob = okn_store_prepare (store, "INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)", error);
      att = blob ? okn_store_prepare (store,
                                      "INSERT INTO attachments (record_id, sha256, filename, mime_type, added_at) "
                                      "VALUES (?, ?, ?, ?, ?)",
                                      error)
                 : NULL;
      if (att == NULL)
        return FALSE;
      okn_sql_bind_text (blob, 1, a->sha256);
      sqlite3_bind_int64 (blob, 2, a->size);
      sqlite3_bind_blob64 (blob, 3, g_bytes_get_data (a->data, NULL), g_bytes_get_size (a->data), SQLITE_STATIC);
      sqlite3_bind_int64 (att, 1, r->id);
      okn_sql_bind_text (att, 2, a->sha256);
      okn_sql_bind_text (att, 3, a->filename);
      okn_sql_bind_text (att, 4, a->mime_type);
      okn_sql_bind_text (att, 5, at);
      if (!okn_store_step_done (store, blob, _("saving an attachment"), error)
          || !okn_store_step_done (store, att, _("saving an attachment"), error))
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

  okn_sql_bind_text (stmt, 1, okn_channel_to_string (r->channel));
  okn_sql_bind_text (stmt, 2, r->received_at);
  if (r->received_at && (received = g_date_time_new_from_iso8601 (r->received_at, NULL)))
    sqlite3_bind_int64 (stmt, 3, okn_unix_us (received));
  else
    sqlite3_bind_null (stmt, 3);
  okn_sql_bind_text (stmt, 4, letter ? okn_delivery_to_string (r->delivery) : NULL);
  okn_sql_bind_text (stmt, 5, r->sender_name);
  okn_sql_bind_text (stmt, 6, r->sender_address);
  sqlite3_bind_int (stmt, 7, r->anonymous);
  okn_sql_bind_text (stmt, 8, r->letter_date);
  okn_sql_bind_text (stmt, 9, r->reference);
  okn_sql_bind_text (stmt, 10, r->subject);
  sqlite3_bind_int (stmt, 11, r->pages);
  sqlite3_bind_int (stmt, 12, r->attachment_count);
  okn_sql_bind_text (stmt, 13, r->unit);
  okn_sql_bind_text (stmt, 14, r->notes);
  okn_sql_bind_text (stmt, 15, r->category);
  okn_sql_bind_text (stmt, 16, r->description);
  okn_sql_bind_text (stmt, 17, r->address);
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
  okn_sql_bind_text (stmt, 20, r->contact_name);
  okn_sql_bind_text (stmt, 21, r->contact_email);
  okn_sql_bind_text (stmt, 22, r->contact_phone);
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
      g_autofree char *from = okn_store_format_ticket (store->station, year, *seq);
      g_autofree char *to = okn_store_format_ticket (store->station, year, mark->seq);

      jump = okn_store_prepare (store, "UPDATE counters SET last_seq = ? WHERE station = ? AND year = ?", error);
      if (jump == NULL)
        return FALSE;
      sqlite3_bind_int64 (jump, 1, (gint64) mark->seq + 1);
      okn_sql_bind_text (jump, 2, store->station);
      sqlite3_bind_int (jump, 3, (int) year);
      details = okn_store_json_object ("from", from, "to", to, "reason",
                                       "given out before, missing from this database", NULL);
      if (!okn_store_step_done (store, jump, _("taking a ticket number"), error)
          || !okn_store_append_audit (store, 0, at, actor, "skip-numbers", details, error))
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

  counter = okn_store_prepare (store,
                               "INSERT INTO counters (station, year, last_seq) VALUES (?1, ?2, 1) "
                               "ON CONFLICT (station, year) DO UPDATE SET last_seq = last_seq + 1 "
                               "RETURNING last_seq",
                               error);
  if (counter == NULL)
    return FALSE;
  okn_sql_bind_text (counter, 1, store->station);
  sqlite3_bind_int (counter, 2, (int) year);
  rc = sqlite3_step (counter);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("taking a ticket number"), error);
  /* Never cast down into a ticket's range: a counter beyond it (changed,
   * or damaged) would give out a number again (2^32 + 3 as 3). */
  seq = (guint) CLAMP (sqlite3_column_int64 (counter, 0), 0, (gint64) OKN_TICKET_SEQ_MAX + 1);
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

  ins = okn_store_prepare (store,
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
  okn_sql_bind_text (ins, 24, r->uuid);
  okn_sql_bind_text (ins, 25, r->ticket);
  okn_sql_bind_text (ins, 26, r->station);
  sqlite3_bind_int (ins, 27, (int) year);
  sqlite3_bind_int (ins, 28, (int) seq);
  okn_sql_bind_text (ins, 29, okn_kind_to_string (r->kind));
  okn_sql_bind_text (ins, 30, r->operator_name);
  okn_sql_bind_text (ins, 31, at);
  sqlite3_bind_int64 (ins, 32, okn_unix_us (now));
  if (!okn_store_step_done (store, ins, _("saving the record"), error))
    return FALSE;
  r->id = sqlite3_last_insert_rowid (store->db);

  outbox = okn_store_prepare (store, "INSERT INTO outbox (record_id) VALUES (?)", error);
  if (outbox == NULL)
    return FALSE;
  sqlite3_bind_int64 (outbox, 1, r->id);
  details = okn_store_json_object ("ticket", r->ticket, "kind", okn_kind_to_string (r->kind),
                                   "channel", okn_channel_to_string (r->channel), NULL);
  return okn_store_step_done (store, outbox, _("queueing the record"), error)
         && okn_store_fts_index (store, r, error)
         && write_attributes_and_files (store, r, at, error)
         && okn_store_append_audit (store, r->id, at, actor, "register", details, error);
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

/**
 * okn_store_register_many_with_progress:
 * @records: (element-type OknRecord): new records; on success each gets its
 *   id, UUID, ticket ID, verification code and creation time
 * @actor: (nullable): who registers them (the OS user when %NULL)
 * @progress: (nullable): called after each record inserted, before the commit
 *
 * okn_store_register_many(), telling a front end how far it is: an import
 * of thousands of records takes seconds (each insert updates the full-text
 * index and the audit log).
 */
gboolean
okn_store_register_many_with_progress (OknStore             *store,
                                       GPtrArray            *records,
                                       const char           *actor,
                                       OknStoreProgressFunc  progress,
                                       gpointer              user_data,
                                       GError              **error)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *at = NULL;
  guint i;

  if (!okn_store_require_station (store, error))
    return FALSE;

  now = okn_store_now (store);
  at = okn_now_iso8601 (now);
  for (i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);

      if (!okn_record_validate (r, now, error) || !okn_store_check_category (store, r, NULL, error))
        {
          prefix_error (error, i, records->len);
          return FALSE;
        }
    }

  if (!okn_store_begin (store, error))
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
    {
      if (!insert_record (store, g_ptr_array_index (records, i), now, at, actor, error))
        {
          prefix_error (error, i, records->len);
          goto fail;
        }
      if (progress)
        progress (i + 1, records->len, user_data);
    }
  if (!okn_store_commit (store, error))
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
      r->verification_code = okn_ticket_verification_code (r->ticket, store->secret, OKN_STORE_SECRET_LEN);
      for (guint j = 0; j < r->files->len; j++)
        g_clear_pointer (&((OknAttachment *) g_ptr_array_index (r->files, j))->data, g_bytes_unref);
    }
  return TRUE;

fail:
  okn_store_rollback (store);
  for (i = 0; i < records->len; i++)
    forget_registration (g_ptr_array_index (records, i));
  return FALSE;
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
  return okn_store_register_many_with_progress (store, records, actor, NULL, NULL, error);
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

  now = okn_store_now (store);
  if (!okn_record_validate (record, now, error))
    return FALSE;
  if (!okn_store_begin (store, error))
    return FALSE;

  current = record->id > 0 ? okn_store_lookup_id (store, record->id, error)
                           : okn_store_lookup_uuid (store, record->uuid, error);
  if (current == NULL || !check_editable (current, error))
    goto fail;
  if (current->kind != record->kind)
    {
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID,
                   _("A letter cannot become a report, nor a report a letter."));
      goto fail;
    }
  /* Checked against the record as stored: a code it has stays accepted
   * though the category has dropped it since. */
  if (!okn_store_check_category (store, record, current, error))
    goto fail;
  record->id = current->id;

  details = changed_fields (current, record);
  if (details == NULL)
    {
      okn_store_rollback (store);
      return TRUE;
    }

  at = okn_now_iso8601 (now);
  upd = okn_store_prepare (store,
                           "UPDATE records SET " EDITABLE_SET ", updated_at = ?24, "
                           "sync_state = 'queued', server_error = NULL WHERE id = ?25",
                           error);
  if (upd == NULL)
    goto fail;
  bind_editable (upd, record);
  okn_sql_bind_text (upd, EDITABLE_COUNT + 1, at);
  sqlite3_bind_int64 (upd, EDITABLE_COUNT + 2, record->id);
  if (!okn_store_step_done (store, upd, _("saving the correction"), error))
    goto fail;

  /* Files missing from the corrected record were removed by the clerk. */
  {
    g_autoptr (sqlite3_stmt) del = okn_store_prepare (store, "DELETE FROM attachments WHERE record_id = ? AND sha256 = ?", error);

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
        okn_sql_bind_text (del, 2, old->sha256);
        if (!okn_store_step_done (store, del, _("saving the correction"), error))
          goto fail;
      }
  }

  if (current->sync_state == OKN_SYNC_NEEDS_ATTENTION)
    {
      g_autoptr (sqlite3_stmt) requeue = okn_store_prepare (store,
                                                            "UPDATE outbox SET attempts = 0, next_attempt_us = 0, "
                                                            "last_error = NULL WHERE record_id = ?",
                                                            error);
      if (requeue == NULL)
        goto fail;
      sqlite3_bind_int64 (requeue, 1, record->id);
      if (!okn_store_step_done (store, requeue, _("queueing the record"), error))
        goto fail;
    }

  if (!okn_store_fts_index (store, record, error)
      || !write_attributes_and_files (store, record, at, error)
      || !okn_store_append_audit (store, record->id, at, actor, "correct", details, error)
      || !okn_store_commit (store, error))
    goto fail;

  g_free (record->updated_at);
  record->updated_at = g_strdup (at);
  record->sync_state = OKN_SYNC_QUEUED;
  g_clear_pointer (&record->server_error, g_free);
  return TRUE;

fail:
  okn_store_rollback (store);
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

  if (!okn_store_begin (store, error))
    return FALSE;
  current = okn_store_lookup (store, ticket, error);
  if (current == NULL || !check_editable (current, error))
    goto fail;

  at = okn_store_now_iso8601 (store);
  upd = okn_store_prepare (store,
                           "UPDATE records SET sync_state = 'cancelled', cancel_reason = ?, updated_at = ? "
                           "WHERE id = ?",
                           error);
  if (upd == NULL)
    goto fail;
  okn_sql_bind_text (upd, 1, clean);
  okn_sql_bind_text (upd, 2, at);
  sqlite3_bind_int64 (upd, 3, current->id);
  details = okn_store_json_object ("reason", clean, NULL);
  if (!okn_store_step_done (store, upd, _("cancelling the record"), error)
      || !okn_store_append_audit (store, current->id, at, actor, "cancel", details, error))
    goto fail;
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, error);
}
