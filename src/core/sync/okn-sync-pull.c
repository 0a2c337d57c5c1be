/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-pull.c: what the engine reads from the server: the catalogue
 * (cached in the store, handed to the back end), case numbers for tokens
 * (asked again soon in a watch), the statuses of open cases every run and
 * of closed ones once a day
 */
#define G_LOG_DOMAIN "okn-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-log.h"
#include "okn-sync-private.h"

#define TOKENS_PER_RUN      10000
#define POLL_PAGE           500
/* A closed case is asked about again once a day (a server may reopen it),
 * at most this many per run so that the first run over a large store
 * does not turn into one long status pull. */
#define CLOSED_POLL_US      (24 * G_TIME_SPAN_HOUR)
#define CLOSED_PER_RUN      5000
/* A token the server has not resolved yet is asked again after 1, 2, 4 ...
 * seconds in a watch, up to the interval. */
#define TOKEN_FIRST_US      G_TIME_SPAN_SECOND


/* Also hands the cached catalogue to the back end, stale or not: when the
 * refresh fails, a single value of a multivaluelist must still go as
 * attribute[code][] or an Open311 server refuses the record. */
static gboolean
catalogue_is_stale (OknSync *sync,
                    GError **error)
{
  g_autofree char *at = okn_store_get_meta (sync->store, "catalogue.fetched_at");
  g_autoptr (GDateTime) fetched = at ? g_date_time_new_from_iso8601 (at, NULL) : NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GPtrArray) services = okn_store_list_services (sync->store, error);

  if (services == NULL)
    return FALSE;
  if (!sync->definitions_set && services->len > 0)
    {
      okn_backend_set_catalogue (sync->backend, services);
      sync->definitions_set = TRUE;
    }
  return services->len == 0 || fetched == NULL
         || g_date_time_difference (now, fetched) > sync->catalogue_max_age_us
         || g_date_time_difference (now, fetched) < 0;
}

/* Fetches the catalogue, stores it in one transaction, notes when (the one
 * place that knows "catalogue.fetched_at") and hands it to the back end.
 * Back end errors become OKN_SYNC_ERROR. */
static gboolean
fetch_catalogue (OknBackend   *backend,
                 OknStore     *store,
                 GCancellable *cancellable,
                 guint        *n_services,
                 GError      **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GPtrArray) services = okn_backend_fetch_catalogue (backend, cancellable, &local);
  g_autofree char *at = NULL;

  if (services == NULL)
    {
      if (local->domain != OKN_BACKEND_ERROR)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_propagate_error (error, okn_sync_error_new_from (okn_backend_error_stops_run (local)
                                                             ? OKN_SYNC_ERROR_CONFIG
                                                             : OKN_SYNC_ERROR_NETWORK,
                                                           local));
      return FALSE;
    }
  if (!okn_store_replace_services (store, services, error))
    return FALSE;
  okn_backend_set_catalogue (backend, services);
  if (n_services)
    *n_services = services->len;
  now = g_date_time_new_now_utc ();
  at = okn_now_iso8601 (now);
  return okn_store_set_meta (store, "catalogue.fetched_at", at, error);
}

gboolean
okn_sync_phase_catalogue (OknSync *sync,
                          OknSyncRun     *run,
                          GError **error)
{
  g_autoptr (GError) local = NULL;
  gboolean stale = catalogue_is_stale (sync, &local);

  if (local)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  if (!stale)
    return TRUE;
  if (fetch_catalogue (sync->backend, sync->store, sync->cancellable, &run->report->services, &local))
    {
      sync->definitions_set = TRUE;
      run->report->catalogue_refreshed = TRUE;
      return TRUE;
    }
  if (local->domain != OKN_SYNC_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  /* Cut short by okn_sync_stop(): nothing failed. */
  if (okn_sync_stopping (sync))
    return TRUE;
  /* A catalogue that cannot be fetched now does not stop the push: the
   * cached one (if any) still describes the attributes. */
  if (local->code == OKN_SYNC_ERROR_CONFIG)
    {
      okn_sync_note_error (run->report, local->message);
      if (run->fatal == NULL)
        run->fatal = g_steal_pointer (&local);
    }
  else
    okn_sync_run_network (run, local);
  return TRUE;
}

/* In a watch, a token still pending is asked again after 1, 2, 4 ...
 * seconds (up to the interval) rather than at the next interval: returns
 * whether @r's token is due now. */
static gboolean
token_due (OknSync   *sync,
           OknRecord *r,
           gint64     now)
{
  OknTokenWait *w;

  if (!sync->watching)
    return TRUE;
  w = g_hash_table_lookup (sync->token_waits, &r->id);
  return w == NULL || w->next <= now;
}

static void
token_pending (OknSync   *sync,
               OknRecord *r,
               gint64     now)
{
  OknTokenWait *w = g_hash_table_lookup (sync->token_waits, &r->id);
  gint64 delay = TOKEN_FIRST_US;

  if (!sync->watching)
    return;
  if (w == NULL)
    {
      w = g_new0 (OknTokenWait, 1);
      g_hash_table_insert (sync->token_waits, g_memdup2 (&r->id, sizeof r->id), w);
    }
  for (guint i = 0; i < w->polls && delay < sync->interval_us; i++)
    delay *= 2;
  w->polls++;
  w->next = now + MIN (delay, sync->interval_us);
}

gboolean
okn_sync_phase_tokens (OknSync *sync,
                       OknSyncRun     *run,
                       GError **error)
{
  g_autoptr (GPtrArray) records = okn_store_list_awaiting_id (sync->store, TOKENS_PER_RUN, error);
  g_autoptr (GHashTable) waiting = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key, value;
  OknOutcomes o;
  guint failures = 0;
  gboolean ok;

  if (records == NULL)
    return FALSE;
  okn_outcomes_init (&o);
  for (guint i = 0; i < records->len && !okn_sync_stopping (sync); i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);
      g_autoptr (GError) local = NULL;
      g_autofree char *id = NULL;
      gint64 now = g_get_monotonic_time ();

      if (r->server_token == NULL)
        continue;
      g_hash_table_add (waiting, &r->id);
      if (!token_due (sync, r, now))
        continue;
      if (!okn_backend_resolve_token (sync->backend, r->server_token, &id, sync->cancellable, &local))
        {
          token_pending (sync, r, now);
          if (g_error_matches (local, OKN_BACKEND_ERROR, OKN_BACKEND_ERROR_PERMANENT))
            {
              /* The server forgot the token: keep waiting, say so. */
              okn_sync_note_error (run->report, local->message);
              continue;
            }
          okn_sync_run_backend_error (run, local);
          /* One failure may be the network's hiccup; three in a row is
           * the server down. */
          if (run->fatal || ++failures >= 3)
            break;
          continue;
        }
      failures = 0;
      if (id)
        {
          okn_outcomes_sent (&o, r, id);
          run->report->resolved++;
          g_hash_table_remove (waiting, &r->id);
        }
      else
        token_pending (sync, r, now);
    }
  ok = okn_store_outbox_apply (sync->store, o.outcomes, error);
  if (ok)
    okn_outcomes_log (&o);
  okn_outcomes_clear (&o);

  /* Forget tokens that were resolved (or the record left), and note when
   * the next one is due. */
  sync->next_token_poll = 0;
  g_hash_table_iter_init (&iter, sync->token_waits);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      OknTokenWait *w = value;

      if (!g_hash_table_contains (waiting, key))
        g_hash_table_iter_remove (&iter);
      else if (sync->next_token_poll == 0 || w->next < sync->next_token_poll)
        sync->next_token_poll = w->next;
    }
  return ok;
}

/* Asks the server about a page of cases and stores what changed; a back
 * end error goes into @run and sets @failed (the pull ends for this run). With
 * @closed, cases the server left out are noted as asked, or a server that
 * forgot its old closed cases would be asked about them every run. */
static gboolean
poll_page (OknSync   *sync,
           OknSyncRun       *run,
           GPtrArray *records,
           gboolean   closed,
           gboolean  *failed,
           GError   **error)
{
  g_autoptr (GArray) unanswered = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GHashTable) record_of = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) answers = NULL;
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_status_change_free);
  g_autoptr (GError) local = NULL;
  guint changed = 0;

  *failed = FALSE;
  for (guint i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);

      /* A case number no server issues (kept by an older version) is not
       * asked about: it would not fit in a request with the others. */
      if (!okn_record_case_id_usable (r->server_id, NULL))
        continue;
      g_ptr_array_add (ids, r->server_id);
      g_hash_table_insert (record_of, r->server_id, r);
    }
  g_ptr_array_add (ids, NULL);
  answers = ids->len == 1 ? g_ptr_array_new ()
                          : okn_backend_pull_statuses (sync->backend, (const char *const *) ids->pdata,
                                                       sync->cancellable, &local);
  if (answers == NULL)
    {
      okn_sync_run_backend_error (run, local);
      *failed = TRUE;
      return TRUE;
    }
  for (guint i = 0; i < answers->len; i++)
    {
      OknBackendStatus *a = g_ptr_array_index (answers, i);
      OknRecord *r = a->case_id ? g_hash_table_lookup (record_of, a->case_id) : NULL;
      OknStatusChange *c;

      if (r == NULL)
        continue;
      /* A case the server would not tell about while it told about
       * others: left as it was, and said in the report and the journal,
       * so that a refusal that lasts is seen. */
      if (a->refused)
        {
          g_autofree char *said = g_strdup_printf ("%s: case %s: %s", r->ticket, r->server_id, a->refused);
          OknLogRecord l = { r->ticket, r->uuid, r->sync_state, r->server_id, NULL };

          okn_sync_note_error (run->report, said);
          okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, &l, "%s: the server refused to tell the status of case %s: %s",
                          r->ticket, r->server_id, a->refused);
          continue;
        }
      /* An answer without a status (a note alone) leaves the status as it
       * was; one for a case with no status yet says nothing to show. */
      if ((a->status == NULL || *a->status == '\0') && r->server_status == NULL)
        continue;
      c = g_new0 (OknStatusChange, 1);
      c->record_id = r->id;
      c->status = g_strdup (a->status && *a->status ? a->status : r->server_status);
      c->status_notes = g_strdup (a->status_notes);
      c->agency_responsible = g_strdup (a->agency_responsible);
      c->server_updated_at = g_strdup (a->updated_at);
      c->expected_at = g_strdup (a->expected_at);
      g_ptr_array_add (changes, c);
    }
  if (closed)
    {
      g_autoptr (GHashTable) answered = g_hash_table_new (g_int64_hash, g_int64_equal);

      for (guint j = 0; j < changes->len; j++)
        g_hash_table_add (answered, &((OknStatusChange *) g_ptr_array_index (changes, j))->record_id);
      for (guint i = 0; i < records->len; i++)
        {
          OknRecord *r = g_ptr_array_index (records, i);

          if (!g_hash_table_contains (answered, &r->id))
            g_array_append_val (unanswered, r->id);
        }
    }
  if (!okn_store_apply_statuses (sync->store, changes, &changed, error)
      || !okn_store_note_polled (sync->store, unanswered, error))
    return FALSE;
  /* The journal hears of each case whose status changed, after the store
   * committed it. */
  for (guint j = 0; j < changes->len; j++)
    {
      OknStatusChange *c = g_ptr_array_index (changes, j);
      OknRecord *r = NULL;
      OknLogRecord l;

      for (guint i = 0; r == NULL && i < records->len; i++)
        if (((OknRecord *) g_ptr_array_index (records, i))->id == c->record_id)
          r = g_ptr_array_index (records, i);
      if (r == NULL || c->status == NULL || g_strcmp0 (c->status, r->server_status) == 0)
        continue;
      l = (OknLogRecord) { r->ticket, r->uuid, r->sync_state, r->server_id, c->status };
      okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, &l, "%s: case %s is now %s on the server",
                      r->ticket, r->server_id, c->status);
    }
  run->report->polled += changes->len;
  run->report->status_changes += changed;
  return TRUE;
}

/* Open cases every time; closed ones once a day (a server may reopen a
 * case), a bounded number per run. */
gboolean
okn_sync_phase_statuses (OknSync *sync,
                         OknSyncRun     *run,
                         GError **error)
{
  gint64 closed_before = g_get_real_time () - CLOSED_POLL_US;
  guint closed_left = CLOSED_PER_RUN;

  for (guint pass = 0; pass < 2; pass++)
    {
      gint64 after = 0;

      while (!okn_sync_stopping (sync))
        {
          g_autoptr (GPtrArray) records = NULL;
          gboolean failed = FALSE;

          if (pass == 0)
            records = okn_store_list_to_poll (sync->store, after, POLL_PAGE, error);
          else if (closed_left > 0)
            records = okn_store_list_closed_to_poll (sync->store, closed_before, after,
                                                     MIN (POLL_PAGE, closed_left), error);
          else
            break;
          if (records == NULL)
            return FALSE;
          if (records->len == 0)
            break;
          after = ((OknRecord *) g_ptr_array_index (records, records->len - 1))->id;
          if (pass == 1)
            closed_left -= records->len;
          if (!poll_page (sync, run, records, pass == 1, &failed, error))
            return FALSE;
          if (failed)
            return TRUE;
          if (records->len < POLL_PAGE)
            break;
        }
    }
  return TRUE;
}

/**
 * okn_sync_fetch_catalogue:
 * @n_services: (out) (optional)
 *
 * Fetches the service catalogue now and caches it in the store, without
 * the sync lock (the cache is replaced in one transaction).
 *
 * Returns: %FALSE with %OKN_SYNC_ERROR_CONFIG when there is no server.url
 *   or the server refused us, %OKN_SYNC_ERROR_NETWORK when it failed, or a
 *   store error
 */
gboolean
okn_sync_fetch_catalogue (OknStore  *store,
                          OknConfig *config,
                          guint     *n_services,
                          GError   **error)
{
  g_autofree char *url = okn_config_get_string (config, "server.url");
  g_autoptr (OknBackend) backend = NULL;

  if (url == NULL || *url == '\0')
    {
      g_propagate_error (error, okn_sync_error_new_for_setting (
                                  OKN_SYNC_ERROR_CONFIG,
                                  okn_setting_fix_new (OKN_SETTING_SET, "server.url", NULL,
                                                       _("No server address is set: working offline."))));
      return FALSE;
    }
  backend = okn_sync_backend_for_config (config, error);
  if (backend == NULL)
    return FALSE;
  return fetch_catalogue (backend, store, NULL, n_services, error);
}
