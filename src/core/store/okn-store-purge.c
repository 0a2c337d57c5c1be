/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-purge.c: personal data kept only as long as needed (RODO)
 *
 * Once the central server has a record (synced; or the record was
 * cancelled, so it is owed to nobody) and privacy.retention_days have
 * passed since it was registered, its personal fields are cleared: the
 * names, the sender's address (a private sender's address cannot be told
 * from an institution's, so every sender's goes), the e-mail and phone,
 * and its photos and scans. What remains is the ticket, the kind,
 * category, status, dates, the case number and the audit trail.
 *
 * Clearing a column is not enough for the bytes to be gone: SQLite leaves
 * deleted cells in a page's free space and freed pages as they were, the
 * full-text index keeps its terms until its segments are merged, and the
 * WAL keeps old page images. So every writable connection has
 * secure_delete on (okn-store.c: deleted content is overwritten with
 * zeros), the purge merges the index ('optimize') in its transaction, and
 * checkpoints with TRUNCATE after it. Forms' drafts that were abandoned
 * longer than the retention period go too.
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-draft.h"
#include "okn-store-private.h"

/* Records purged per transaction: the write lock is not held for long. */
#define PURGE_BATCH 200

static gboolean
text_set (sqlite3_stmt *stmt,
          int           col)
{
  return sqlite3_column_type (stmt, col) != SQLITE_NULL && sqlite3_column_bytes (stmt, col) > 0;
}

/* A record a batch clears, as the selection in okn_store_purge() found
 * it: within the batch's transaction, nothing else changes it meanwhile. */
typedef struct
{
  gint64 id;
  char *kinds;      /* kinds_of(); NULL for none */
  guint n_files;
} PurgeRow;

static void
purge_row_clear (gpointer row)
{
  g_free (((PurgeRow *) row)->kinds);
}

/* One record: its personal columns cleared, its files dropped (their
 * blobs go once per batch, in okn_store_purge()), its search row written
 * again from what is left, and an audit entry naming the kinds of data
 * cleared. */
static gboolean
purge_one (OknStore       *store,
           const PurgeRow *row,
           const char     *at,
           const char     *actor,
           GError        **error)
{
  g_autoptr (sqlite3_stmt) upd = NULL;
  g_autoptr (sqlite3_stmt) del = NULL;
  g_autoptr (OknRecord) r = NULL;
  g_autoptr (JsonNode) details = NULL;
  g_autofree char *n_text = NULL;

  upd = okn_store_prepare (store,
                           "UPDATE records SET sender_name = NULL, sender_address = NULL, "
                           "contact_name = NULL, contact_email = NULL, contact_phone = NULL, "
                           "purged_at = ? WHERE id = ?",
                           error);
  del = upd ? okn_store_prepare (store, "DELETE FROM attachments WHERE record_id = ?", error) : NULL;
  if (del == NULL)
    return FALSE;
  okn_sql_bind_text (upd, 1, at);
  sqlite3_bind_int64 (upd, 2, row->id);
  sqlite3_bind_int64 (del, 1, row->id);
  if (!okn_store_step_done (store, upd, _("clearing personal data"), error)
      || !okn_store_step_done (store, del, _("clearing personal data"), error))
    return FALSE;
  r = okn_store_lookup_id (store, row->id, error);
  if (r == NULL || !okn_store_fts_index (store, r, error))
    return FALSE;
  n_text = g_strdup_printf ("%u", row->n_files);
  details = okn_store_json_object ("cleared", row->kinds ? row->kinds : "", "files", n_text, NULL);
  return okn_store_append_audit (store, row->id, at, actor, "purge", details, error);
}

/* What kinds of personal data the current row holds, as the audit entry
 * names them ("sender name, sender address, files"), or NULL for none. */
static char *
kinds_of (sqlite3_stmt *stmt)
{
  /* Columns of the selection in okn_store_purge(): 3 sender_name,
   * 4 sender_address, 5 contact_name, 6 contact_email, 7 contact_phone,
   * 8 attachments. */
  const char *names[] = { "sender_name", "sender_address", "contact_name", "contact_email",
                          "contact_phone" };
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (text_set (stmt, 3 + (int) i))
      g_string_append_printf (s, "%s%s", s->len ? "," : "", names[i]);
  if (sqlite3_column_int (stmt, 8) > 0)
    g_string_append_printf (s, "%s%s", s->len ? "," : "", "attachments");
  return s->len ? g_string_free (g_steal_pointer (&s), FALSE) : NULL;
}

/* The forms' drafts (okn-draft.h: "<db>.draft-<form>.json") not touched
 * for longer than the retention period: abandoned, and personal. */
static guint
purge_drafts (OknStore  *store,
              GDateTime *cutoff,
              gboolean   dry_run)
{
  g_autofree char *dir = g_path_get_dirname (store->path);
  g_autofree char *base = g_path_get_basename (store->path);
  g_autofree char *prefix = g_strconcat (base, ".draft-", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = NULL;
      g_autoptr (OknDraft) draft = NULL;
      g_autoptr (GDateTime) saved = NULL;

      if (!g_str_has_prefix (name, prefix) || !g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (dir, name, NULL);
      draft = okn_draft_load (path, NULL);
      saved = draft && draft->saved_at ? g_date_time_new_from_iso8601 (draft->saved_at, NULL) : NULL;
      /* A draft that cannot be read has no date to keep it by: its file's. */
      if (saved == NULL)
        {
          GStatBuf st;

          if (g_stat (path, &st) != 0)
            continue;
          saved = g_date_time_new_from_unix_utc (st.st_mtime);
        }
      if (g_date_time_compare (saved, cutoff) >= 0)
        continue;
      if (dry_run || g_unlink (path) == 0)
        n++;
    }
  return n;
}

/**
 * okn_store_purge:
 * @retention_days: privacy.retention_days
 * @dry_run: only count and name what would be purged (a read-only store
 *   will do)
 * @actor: (nullable): who purges, for the audit log (%NULL: the OS user)
 * @report: (out caller-allocates): what was (or would be) purged; free
 *   with okn_purge_report_clear()
 *
 * Clears the personal data of every record the server has (synced) or
 * that was cancelled, registered more than @retention_days days ago and
 * not purged yet: sender's name and address, contact name, e-mail and
 * phone, photos and scans. Ticket, kind, category, status, dates, case
 * number and the audit trail stay; each purge adds an audit entry naming
 * the kinds of data cleared, never the data. Deleted bytes are zeroed
 * (secure_delete), the search index merged, and the WAL checkpointed and
 * truncated, so the personal data is not left anywhere in the files.
 * Drafts abandoned longer than the retention period are removed.
 *
 * Returns: %TRUE when done
 */
gboolean
okn_store_purge (OknStore       *store,
                 guint           retention_days,
                 gboolean        dry_run,
                 const char     *actor,
                 OknPurgeReport *report,
                 GError        **error)
{
  g_autoptr (GDateTime) now = okn_store_now (store);
  g_autoptr (GDateTime) cutoff = g_date_time_add_days (now, -(gint) MAX (retention_days, 1u));
  g_autofree char *at = okn_now_iso8601 (now);
  gint64 last_id = 0;

  g_return_val_if_fail (report != NULL, FALSE);
  memset (report, 0, sizeof *report);
  report->tickets = g_ptr_array_new_with_free_func (g_free);

  for (;;)
    {
      g_autoptr (sqlite3_stmt) sel = NULL;
      g_autoptr (GArray) rows = g_array_new (FALSE, FALSE, sizeof (PurgeRow));
      guint batch_files = 0;
      gboolean more;
      int rc;

      g_array_set_clear_func (rows, purge_row_clear);
      if (!dry_run && !okn_store_begin (store, error))
        return FALSE;
      sel = okn_store_prepare (store,
                               "SELECT r.id, r.ticket, r.sync_state, r.sender_name, r.sender_address, "
                               "r.contact_name, r.contact_email, r.contact_phone, "
                               "(SELECT count(*) FROM attachments a WHERE a.record_id = r.id) "
                               "FROM records r WHERE r.purged_at IS NULL "
                               "AND r.sync_state IN ('synced', 'cancelled') AND r.created_us < ? "
                               "AND r.id > ? ORDER BY r.id LIMIT ?",
                               error);
      if (sel == NULL)
        goto fail;
      sqlite3_bind_int64 (sel, 1, okn_unix_us (cutoff));
      sqlite3_bind_int64 (sel, 2, last_id);
      sqlite3_bind_int (sel, 3, PURGE_BATCH);
      while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
        {
          PurgeRow row = { sqlite3_column_int64 (sel, 0), kinds_of (sel), (guint) sqlite3_column_int (sel, 8) };

          last_id = row.id;
          g_array_append_val (rows, row);
          g_ptr_array_add (report->tickets, g_strdup ((const char *) sqlite3_column_text (sel, 1)));
          batch_files += row.n_files;
        }
      if (rc != SQLITE_DONE)
        {
          okn_store_set_error_from_db (store, rc, _("finding personal data to clear"), error);
          goto fail;
        }
      g_clear_pointer (&sel, sqlite3_finalize);
      more = rows->len == PURGE_BATCH;
      report->records += rows->len;
      report->files += batch_files;
      if (dry_run)
        {
          if (!more)
            break;
          continue;
        }
      for (guint i = 0; i < rows->len; i++)
        if (!purge_one (store, &g_array_index (rows, PurgeRow, i), at, actor, error))
          goto fail;
      /* The files' contents, once no record is left that uses them. */
      if (batch_files > 0
          && !okn_store_exec (store,
                              "DELETE FROM blobs WHERE NOT EXISTS "
                              "(SELECT 1 FROM attachments a WHERE a.sha256 = blobs.sha256)",
                              _("clearing personal data"), error))
        goto fail;
      /* The index keeps deleted terms in its old segments until they are
       * merged: merge them, so the names are gone from it too. */
      if (rows->len > 0
          && !okn_store_exec (store, "INSERT INTO records_fts (records_fts) VALUES ('optimize')",
                              _("clearing personal data"), error))
        goto fail;
      if (!okn_store_end (store, TRUE, error))
        return FALSE;
      if (!more)
        break;
    }

  report->drafts = purge_drafts (store, cutoff, dry_run);
  /* The WAL still holds the pages as they were before: copy the new ones
   * into the file and cut the WAL to nothing. Readers may keep it from
   * being cut now; the next checkpoint does it then. */
  if (!dry_run && report->records > 0)
    okn_store_checkpoint_truncate (store);
  return TRUE;

fail:
  if (!dry_run)
    okn_store_end (store, FALSE, NULL);
  return FALSE;
}

void
okn_purge_report_clear (OknPurgeReport *report)
{
  g_clear_pointer (&report->tickets, g_ptr_array_unref);
}
