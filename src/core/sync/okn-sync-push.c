/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-push.c: the outbox to the server: batches claimed (the first
 * alone, as a probe), records adopted where an earlier push got through
 * (okn-sync-adopt.c), the rest pushed with their files read just in time,
 * each answer settled as an outcome; kinds the back end cannot send wait
 */
#define G_LOG_DOMAIN "okn-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okn-sync-private.h"


/* The outbox hands records out without their files' bytes; a back end
 * that sends attachments needs them. */
static gboolean
load_media (OknSync   *sync,
            OknRecord *record,
            GError   **error)
{
  for (guint i = 0; record->files && i < record->files->len; i++)
    {
      OknAttachment *a = g_ptr_array_index (record->files, i);

      if (a->data == NULL && (a->data = okn_store_read_file (sync->store, a->sha256, error)) == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
drop_media (OknRecord *record)
{
  for (guint i = 0; record->files && i < record->files->len; i++)
    g_clear_pointer (&((OknAttachment *) g_ptr_array_index (record->files, i))->data, g_bytes_unref);
}

/* Pushes the records of @records at the positions @at into the same
 * positions of @results; with @media, their files are read first (a file
 * that cannot be read fails its record with the store's error, unsent) and
 * let go after. */
static void
post_at (OknSync   *sync,
         GPtrArray *records,
         GArray    *at,
         gboolean   media,
         GPtrArray *results)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new ();
  g_autoptr (GArray) sent_at = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) answers = NULL;

  for (guint i = 0; i < at->len; i++)
    {
      guint k = g_array_index (at, guint, i);
      OknRecord *r = g_ptr_array_index (records, k);
      GError *local = NULL;

      if (media && !load_media (sync, r, &local))
        {
          results->pdata[k] = okn_backend_receipt_new_error (local);
          drop_media (r);
          continue;
        }
      g_ptr_array_add (batch, r);
      g_array_append_val (sent_at, k);
    }
  if (batch->len == 0)
    return;
  answers = okn_backend_push (sync->backend, batch, sync->cancellable);
  for (guint i = 0; i < batch->len; i++)
    {
      results->pdata[g_array_index (sent_at, guint, i)] = g_steal_pointer (&answers->pdata[i]);
      if (media)
        drop_media (g_ptr_array_index (batch, i));
    }
}

/* okn_backend_push() for a claimed batch. When the back end sends
 * attachments, records with files go a few at a time (its media batch:
 * Open311's server.parallel), their bytes read just before and let go
 * after: a batch of 200 scans would otherwise sit in memory at once, twice
 * with curl's copies. */
static GPtrArray *
post_records (OknSync   *sync,
              GPtrArray *records)
{
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GArray) plain = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) slice = g_array_new (FALSE, FALSE, sizeof (guint));
  guint step = okn_backend_get_media_batch (sync->backend);

  if (step == 0)
    return okn_backend_push (sync->backend, records, sync->cancellable);

  results = g_ptr_array_new_full (records->len, (GDestroyNotify) okn_backend_receipt_free);
  g_ptr_array_set_size (results, records->len);
  for (guint k = 0; k < records->len; k++)
    {
      OknRecord *r = g_ptr_array_index (records, k);

      if (r->files == NULL || r->files->len == 0)
        g_array_append_val (plain, k);
    }
  post_at (sync, records, plain, FALSE, results);
  for (guint k = 0; k < records->len; k++)
    {
      OknRecord *r = g_ptr_array_index (records, k);

      if (r->files && r->files->len > 0)
        g_array_append_val (slice, k);
      if (slice->len == step || (k + 1 == records->len && slice->len > 0))
        {
          post_at (sync, records, slice, TRUE, results);
          g_array_set_size (slice, 0);
        }
    }
  return g_steal_pointer (&results);
}

void
okn_unwritten_free (OknUnwritten *unwritten)
{
  g_free (unwritten->server_id);
  g_free (unwritten->token);
  g_free (unwritten->error);
  g_free (unwritten);
}

/* The store could not write down the outcomes of a batch: the case
 * numbers and tokens among them are kept, so that the next run settles
 * those records with them. A marker search could not find a case the
 * server lists only once it has its number (a token not resolved yet), and
 * a second POST would make a second case on a server that ignores the
 * key. */
static void
remember_unwritten (OknSync           *sync,
                    const OknOutcomes *o)
{
  for (guint i = 0; i < o->outcomes->len; i++)
    {
      const OknOutcome *out = g_ptr_array_index (o->outcomes, i);
      OknUnwritten *u;

      if (out->kind != OKN_OUTCOME_SENT && out->kind != OKN_OUTCOME_TOKEN)
        continue;
      u = g_new0 (OknUnwritten, 1);
      u->kind = out->kind;
      u->server_id = g_strdup (out->server_id);
      u->token = g_strdup (out->token);
      u->error = g_strdup (out->error);
      g_hash_table_replace (sync->unwritten, g_memdup2 (&out->record_id, sizeof (gint64)), u);
    }
}

/* A record whose answer the engine kept (remember_unwritten()) is settled
 * with it: not searched for, not pushed again. Returns: whether it was */
static gboolean
settle_unwritten (OknSync             *sync,
                  OknSyncRun          *run,
                  const OknOutboxItem *item,
                  OknOutcomes         *o)
{
  const OknUnwritten *u = g_hash_table_lookup (sync->unwritten, &item->record->id);
  OknOutcome *out;

  if (u == NULL)
    return FALSE;
  out = okn_outcomes_add (o, item->record, u->kind);
  out->server_id = okn_outcomes_keep (o, u->server_id);
  out->token = okn_outcomes_keep (o, u->token);
  out->error = okn_outcomes_keep (o, u->error);
  if (u->kind == OKN_OUTCOME_TOKEN)
    run->report->tokens++;
  else
    run->report->sent++;
  return TRUE;
}

/* Settles one claimed batch: fills @o with one outcome per item; back end
 * errors go into @run. Sets @all_transient when nothing in the batch got
 * through and only transient failures were met. */
static void
push_batch (OknSync   *sync,
            OknSyncRun       *run,
            GPtrArray *items,
            OknOutcomes  *o,
            gboolean  *all_transient)
{
  g_autoptr (GPtrArray) to_post = g_ptr_array_new ();        /* OknOutboxItem */
  g_autoptr (GPtrArray) records = g_ptr_array_new ();        /* OknRecord, of to_post */
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();           /* OknOutboxItem, not settled yet */
  g_autoptr (GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) search_failed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) results = NULL;
  guint transient;

  *all_transient = FALSE;

  /* What the server answered before the store failed to write it down
   * first, then unknown outcomes: adopt what the server already has. */
  for (guint i = 0; i < items->len; i++)
    if (!settle_unwritten (sync, run, g_ptr_array_index (items, i), o))
      g_ptr_array_add (rest, g_ptr_array_index (items, i));
  transient = okn_sync_adopt (sync, run, rest, o, found, search_failed);

  for (guint i = 0; i < rest->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (rest, i);
      const char *id;

      if (g_hash_table_contains (search_failed, item->record->ticket))
        continue;
      if (run->fatal)
        {
          okn_outcomes_add (o, item->record, OKN_OUTCOME_RELEASE);
          continue;
        }
      id = item->unknown_outcome ? g_hash_table_lookup (found, item->record->ticket) : NULL;
      if (id)
        {
          OknOutcome *out = okn_outcomes_sent (o, item->record, id);

          out->adopted = TRUE;
          run->report->adopted++;
          continue;
        }
      g_ptr_array_add (to_post, item);
      g_ptr_array_add (records, item->record);
    }
  if (to_post->len == 0)
    {
      *all_transient = transient > 0 && transient == items->len;
      return;
    }

  results = post_records (sync, records);
  for (guint i = 0; i < to_post->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (to_post, i);
      OknBackendReceipt *receipt = g_ptr_array_index (results, i);
      const GError *e = receipt->error;

      if (receipt->case_id)
        {
          okn_outcomes_sent (o, item->record, receipt->case_id);
          run->report->sent++;
          continue;
        }
      if (receipt->token)
        {
          OknOutcome *out = okn_outcomes_add (o, item->record, OKN_OUTCOME_TOKEN);

          out->token = okn_outcomes_keep (o, receipt->token);
          run->report->tokens++;
          continue;
        }
      if (e == NULL)
        {
          /* A receipt with neither: the server took it, but says nothing. */
          g_autoptr (GError) odd = okn_backend_error_new (OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, 0, -1, NULL,
                                                          _("The server answered without an id or a token."));

          okn_sync_run_network (run, odd);
          okn_outcomes_retry (sync, o, item, odd, TRUE);
          run->report->retried++;
          transient++;
          continue;
        }
      if (e->domain != OKN_BACKEND_ERROR)
        {
          /* A file the store could not read (post_records): not sent. */
          okn_sync_run_network (run, e);
          okn_outcomes_retry (sync, o, item, e, FALSE);
          run->report->retried++;
          transient++;
          continue;
        }
      switch ((OknBackendError) e->code)
        {
        case OKN_BACKEND_ERROR_CANCELLED:
          okn_outcomes_add (o, item->record, OKN_OUTCOME_RELEASE);
          break;
        case OKN_BACKEND_ERROR_AUTH:
        case OKN_BACKEND_ERROR_CONFIG:
          okn_sync_run_fatal (run, e);
          okn_outcomes_add (o, item->record, OKN_OUTCOME_RELEASE);
          break;
        case OKN_BACKEND_ERROR_PERMANENT:
          {
            OknOutcome *out = okn_outcomes_add (o, item->record, OKN_OUTCOME_REFUSED);
            const char *said = okn_backend_error_get_description (e);

            /* All the server's entries, the one naming a field first. */
            out->error = okn_outcomes_keep (o, said && *said ? said : e->message);
            out->http_status = okn_backend_error_get_http_status (e);
            run->report->refused++;
            okn_sync_note_error (run->report, e->message);
            okn_sync_note_refusal (run->report, item->record->ticket, out->error);
          }
          break;
        case OKN_BACKEND_ERROR_UNKNOWN_OUTCOME:
        case OKN_BACKEND_ERROR_TRANSIENT:
          /* Retried after a backoff; an unknown outcome is searched for
           * before it is pushed again. */
          okn_sync_run_network (run, e);
          okn_outcomes_retry (sync, o, item, e, e->code == OKN_BACKEND_ERROR_UNKNOWN_OUTCOME);
          run->report->retried++;
          transient++;
          break;
        }
    }
  *all_transient = transient > 0 && transient == items->len;
}

/* The store could not write down the outcomes of a batch the server
 * received (a case number or a token): its error ("Nothing was changed")
 * would tell the administrator that nothing happened. It says instead
 * that the server has them. They stay `sending`: the next run recovers
 * them as an unknown outcome and settles them with the answers the
 * engine kept (remember_unwritten()), or, in a new process, adopts their
 * cases by ticket marker (okn-sync-adopt.c) rather than sending them
 * again. The domain and
 * code stay the store's: a full disk still fails only the run. */
static void
say_received (OknSync           *sync,
              const OknOutcomes *o,
              GError           **error)
{
  const char *path = okn_store_get_path (sync->store);
  GError *said;
  guint received = 0;

  for (guint i = 0; i < o->outcomes->len; i++)
    {
      const OknOutcome *out = g_ptr_array_index (o->outcomes, i);

      if (out->kind == OKN_OUTCOME_SENT || out->kind == OKN_OUTCOME_TOKEN)
        received++;
    }
  if (received == 0 || error == NULL || *error == NULL)
    return;
  if (g_error_matches (*error, OKN_STORE_ERROR, OKN_STORE_ERROR_DISK_FULL))
    said = g_error_new ((*error)->domain, (*error)->code,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The server has received %u record, but this station could not write "
                                     "that down: the disk holding the database %s is full. Once there is space, "
                                     "the next sync will match it with what the server holds and will not "
                                     "send it again. Free some space on that disk.",
                                     "The server has received %u records, but this station could not write "
                                     "that down: the disk holding the database %s is full. Once there is space, "
                                     "the next sync will match them with what the server holds and will not "
                                     "send them again. Free some space on that disk.",
                                     received),
                        received, path);
  else if (g_error_matches (*error, OKN_STORE_ERROR, OKN_STORE_ERROR_BUSY))
    /* The store's words say why, then "Nothing was saved; try again":
     * the reason in words of its own, not the store's sentence. */
    said = g_error_new ((*error)->domain, (*error)->code,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The server has received %u record, but this station could not write "
                                     "that down in the database %s: the database was busy (another program "
                                     "held it). The next sync will match it with what the server holds and "
                                     "will not send it again.",
                                     "The server has received %u records, but this station could not write "
                                     "that down in the database %s: the database was busy (another program "
                                     "held it). The next sync will match them with what the server holds and "
                                     "will not send them again.",
                                     received),
                        received, path);
  else
    /* The store's words end in "Nothing was saved" or the like: not
     * quoted. What stops the database says so at the next run's first
     * write, when it is still true. */
    said = g_error_new ((*error)->domain, (*error)->code,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "The server has received %u record, but this station could not write "
                                     "that down in the database %s. The next sync will match it with what the "
                                     "server holds and will not send it again.",
                                     "The server has received %u records, but this station could not write "
                                     "that down in the database %s. The next sync will match them with what "
                                     "the server holds and will not send them again.",
                                     received),
                        received, path);
  g_clear_error (error);
  g_propagate_error (error, said);
}

/* A kind the back end cannot send (Open311: letters without
 * letters.service_code) waits: say so, as a configuration error that does
 * not stop the rest of the run. */
static gboolean
check_blocked_kinds (OknSync *sync,
                     OknSyncRun     *run,
                     GError **error)
{
  if (run->fatal)
    return TRUE;
  for (guint kind = OKN_KIND_LETTER; kind <= OKN_KIND_REPORT; kind++)
    {
      g_autoptr (GError) local = NULL;
      gint64 due;

      if (sync->kinds & OKN_OUTBOX_KIND (kind))
        continue;
      due = okn_store_outbox_next_due_kinds_us (sync->store, OKN_OUTBOX_KIND (kind), &local);
      if (local)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (due < 0)
        continue;
      okn_sync_note_error (run->report, sync->blocked_why[kind]->message);
      if (run->blocked == NULL)
        run->blocked = okn_sync_error_new_from (OKN_SYNC_ERROR_CONFIG, sync->blocked_why[kind]);
    }
  return TRUE;
}

gboolean
okn_sync_phase_push (OknSync *sync,
                     OknSyncRun     *run,
                     GError **error)
{
  g_autoptr (GHashTable) tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint failed_batches = 0;
  gboolean probe = TRUE;
  guint done = 0;
  guint total = 0;

  /* Progress counts against the queue as the push found it. */
  if (sync->progress)
    {
      OknStoreStats stats;

      if (!okn_store_get_stats (sync->store, &stats, error))
        return FALSE;
      total = (guint) MIN (stats.per_state[OKN_SYNC_QUEUED] + stats.per_state[OKN_SYNC_SENDING],
                           (gint64) G_MAXUINT);
      okn_store_stats_clear (&stats);
    }

  while (!okn_sync_stopping (sync) && run->fatal == NULL)
    {
      g_autoptr (GPtrArray) items = NULL;
      OknOutcomes o;
      gboolean all_transient = FALSE;
      gboolean all_seen = TRUE;
      gboolean ok;

      /* The first POST of a run, and the first after a batch that failed
       * whole, goes alone: a server that refuses the key or is down gets
       * one request, not a batch. */
      items = okn_store_outbox_claim_kinds (sync->store, probe ? 1 : sync->push_batch, sync->kinds,
                                            run->started_us, error);
      if (items == NULL)
        return FALSE;
      if (items->len == 0)
        break;
      for (guint i = 0; i < items->len; i++)
        {
          OknOutboxItem *item = g_ptr_array_index (items, i);

          if (!g_hash_table_contains (tried, &item->record->id))
            {
              all_seen = FALSE;
              g_hash_table_add (tried, g_memdup2 (&item->record->id, sizeof (gint64)));
            }
        }

      okn_outcomes_init (&o);
      push_batch (sync, run, items, &o, &all_transient);
      ok = okn_store_outbox_apply (sync->store, o.outcomes, error);
      if (ok)
        {
          for (guint i = 0; i < o.outcomes->len; i++)
            g_hash_table_remove (sync->unwritten, &((OknOutcome *) g_ptr_array_index (o.outcomes, i))->record_id);
          okn_outcomes_log (&o);
        }
      else
        {
          remember_unwritten (sync, &o);
          say_received (sync, &o, error);
        }
      okn_outcomes_clear (&o);
      if (!ok)
        return FALSE;
      done += items->len;
      if (sync->progress)
        sync->progress (done, MAX (total, done), sync->progress_data);

      if (all_transient)
        failed_batches++;
      else
        failed_batches = 0;
      /* The server is down (or asks us to slow down): leave the rest for
       * the next run instead of draining the queue into errors. */
      if (failed_batches >= 2)
        break;
      probe = all_transient;
      /* Everything claimed was tried in this run already: what is left is
       * retrying quickly after failures; let the backoff work. */
      if (all_seen)
        break;
    }
  return check_blocked_kinds (sync, run, error);
}
