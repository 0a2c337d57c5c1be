/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync.c: the sync engine
 *
 * A run: recover what a dead sync left in `sending`, refresh the catalogue
 * when stale, push the outbox in batches (searching the server for the
 * ticket before repeating a push whose outcome is unknown), resolve
 * tokens, pull statuses. The server is an OknBackend (Open311 unless a
 * caller brings another); every state change goes through the store's
 * outbox calls, one transaction per batch. Contract: docs/internals/sync.md
 *
 * This file: the engine's life and lock, a run's phases in order, the
 * watch, the report. The phases: okn-sync-push.c (the outbox to the
 * server), okn-sync-adopt.c (records an earlier push may have created),
 * okn-sync-pull.c (catalogue, tokens, statuses from the server).
 */
#define G_LOG_DOMAIN "okn-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-labels.h"
#include "okienko/okn-log.h"
#include "okienko/okn-open311.h"
#include "okienko/okn-open311-backend.h"
#include "okn-sync-private.h"

#define WATCH_TICK_US       G_TIME_SPAN_SECOND


/* An error that a setting would fix says which, as data, from the back
 * end's error it came from (okn_sync_error_get_setting_fix()). */
typedef struct
{
  OknSettingFix *fix;
} OknSyncErrorPrivate;

static void
okn_sync_error_private_init (OknSyncErrorPrivate *priv)
{
}

static void
okn_sync_error_private_copy (const OknSyncErrorPrivate *src,
                             OknSyncErrorPrivate       *dest)
{
  dest->fix = okn_setting_fix_copy (src->fix);
}

static void
okn_sync_error_private_clear (OknSyncErrorPrivate *priv)
{
  g_clear_pointer (&priv->fix, okn_setting_fix_free);
}

G_DEFINE_EXTENDED_ERROR (OknSyncError, okn_sync_error)

/**
 * okn_sync_error_get_setting_fix:
 *
 * The setting that would fix @error (no API key, no service code for
 * letters, an address that leads nowhere), for a front end to name it
 * as its user knows it: okn_setting_fix_describe() with its own names.
 * The message names the keys.
 *
 * Returns: (nullable): the fix, %NULL when no setting would or @error is
 *   not an %OKN_SYNC_ERROR
 */
const OknSettingFix *
okn_sync_error_get_setting_fix (const GError *error)
{
  if (error == NULL || error->domain != OKN_SYNC_ERROR)
    return NULL;
  return okn_sync_error_get_private (error)->fix;
}

static const OknSettingFix *
setting_fix_of (const GError *error)
{
  if (error->domain == OKN_BACKEND_ERROR)
    return okn_backend_error_get_setting_fix (error);
  if (error->domain == OKN_OPEN311_ERROR)
    return okn_open311_error_get_setting_fix (error);
  return okn_sync_error_get_setting_fix (error);
}

/* @fix: (transfer full) */
GError *
okn_sync_error_new_for_setting (OknSyncError   code,
                                OknSettingFix *fix)
{
  g_autofree char *message = okn_setting_fix_describe (fix, NULL, NULL);
  GError *error = g_error_new_literal (OKN_SYNC_ERROR, code, message);

  okn_sync_error_get_private (error)->fix = fix;
  return error;
}

/* The engine's error for @cause (a back end's), its message and setting. */
GError *
okn_sync_error_new_from (OknSyncError  code,
                         const GError *cause)
{
  GError *error = g_error_new_literal (OKN_SYNC_ERROR, code, cause->message);

  okn_sync_error_get_private (error)->fix = okn_setting_fix_copy (setting_fix_of (cause));
  return error;
}

void
okn_sync_note_error (OknSyncReport *report,
                     const char    *message)
{
  g_free (report->last_error);
  report->last_error = g_strdup (message);
}

/* "K03-26-000001-X: no value given for ...; Bad Request": one line per
 * refused record, for the command line to show. */
void
okn_sync_note_refusal (OknSyncReport *report,
                       const char    *ticket,
                       const char    *said)
{
  g_auto (GStrv) lines = g_strsplit (said ? said : "", "\n", -1);
  g_autofree char *joined = g_strjoinv ("; ", lines);

  if (report->refusals == NULL)
    report->refusals = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (report->refusals, g_strdup_printf ("%s: %s", ticket, joined));
}

/* The cause is noted in the report; the first of each kind is what the
 * run ends with. */
static void
keep_first (OknSyncRun   *run,
            GError      **slot,
            OknSyncError  code,
            const GError *cause)
{
  okn_sync_note_error (run->report, cause->message);
  if (*slot == NULL)
    *slot = okn_sync_error_new_from (code, cause);
}

void
okn_sync_run_network (OknSyncRun   *run,
                      const GError *cause)
{
  keep_first (run, &run->network, OKN_SYNC_ERROR_NETWORK, cause);
}

/* AUTH and CONFIG errors of the back end end the run: repeating would
 * only hammer a server that refuses us. The back end's message says what
 * to fix and never holds a secret. */
void
okn_sync_run_fatal (OknSyncRun   *run,
                    const GError *cause)
{
  keep_first (run, &run->fatal, OKN_SYNC_ERROR_CONFIG, cause);
}

/* A request okn_sync_stop() kept from being sent: not a failure. */
gboolean
okn_sync_is_cancelled (const GError *error)
{
  return g_error_matches (error, OKN_BACKEND_ERROR, OKN_BACKEND_ERROR_CANCELLED);
}

/* Sorts a back end's error of a read (tokens, statuses) into the run's
 * errors. */
void
okn_sync_run_backend_error (OknSyncRun          *run,
                            const GError *error)
{
  if (okn_backend_error_stops_run (error))
    okn_sync_run_fatal (run, error);
  else if (!okn_sync_is_cancelled (error))
    okn_sync_run_network (run, error);
}

gboolean
okn_sync_stopping (OknSync *sync)
{
  return g_cancellable_is_cancelled (sync->cancellable);
}

void
okn_outcomes_init (OknOutcomes *o)
{
  o->outcomes = g_ptr_array_new_with_free_func (g_free);
  o->records = g_ptr_array_new ();
  o->strings = g_ptr_array_new_with_free_func (g_free);
}

void
okn_outcomes_clear (OknOutcomes *o)
{
  g_clear_pointer (&o->outcomes, g_ptr_array_unref);
  g_clear_pointer (&o->records, g_ptr_array_unref);
  g_clear_pointer (&o->strings, g_ptr_array_unref);
}

/* One journal line per record whose state the applied outcomes changed
 * (docs/internals/log.md); RELEASE is no change. Called after the store
 * committed them. */
void
okn_outcomes_log (const OknOutcomes *o)
{
  for (guint i = 0; i < o->outcomes->len; i++)
    {
      const OknOutcome *out = g_ptr_array_index (o->outcomes, i);
      const OknRecord *r = g_ptr_array_index (o->records, i);
      OknLogRecord l = { r->ticket, r->uuid, r->sync_state, NULL, r->server_status };

      switch (out->kind)
        {
        case OKN_OUTCOME_SENT:
          l.state = OKN_SYNC_SYNCED;
          l.service_request_id = out->server_id;
          if (out->server_id == NULL)
            {
              okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, &l, "%s: sent, without a case number: %s",
                              r->ticket, out->error ? out->error : "");
              break;
            }
          okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, &l,
                          out->adopted ? "%s: already on the server as case %s, not sent again"
                                       : "%s: sent, the server's case %s",
                          r->ticket, out->server_id);
          break;
        case OKN_OUTCOME_TOKEN:
          l.state = OKN_SYNC_AWAITING_ID;
          okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, &l,
                          "%s: sent, the server answered with a token; its case number follows",
                          r->ticket);
          break;
        case OKN_OUTCOME_RETRY:
          l.state = r->sync_state == OKN_SYNC_AWAITING_ID ? OKN_SYNC_AWAITING_ID : OKN_SYNC_QUEUED;
          okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_INFO, &l, "%s: not sent, will retry: %s",
                          r->ticket, out->error ? out->error : "");
          break;
        case OKN_OUTCOME_REFUSED:
          l.state = OKN_SYNC_NEEDS_ATTENTION;
          okn_log_record (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, &l,
                          "%s: refused by the server (HTTP %d), needs attention: %s",
                          r->ticket, out->http_status, out->error ? out->error : "");
          break;
        case OKN_OUTCOME_RELEASE:
        default:
          break;
        }
    }
}

const char *
okn_outcomes_keep (OknOutcomes   *o,
                   const char *s)
{
  char *copy = g_strdup (s);

  if (copy)
    g_ptr_array_add (o->strings, copy);
  return copy;
}

OknOutcome *
okn_outcomes_add (OknOutcomes        *o,
                  const OknRecord *record,
                  OknOutcomeKind   kind)
{
  OknOutcome *out = g_new0 (OknOutcome, 1);

  out->record_id = record->id;
  out->kind = kind;
  g_ptr_array_add (o->outcomes, out);
  g_ptr_array_add (o->records, (gpointer) record);
  return out;
}

/* A SENT outcome with the server's case number. One the record cannot
 * keep (okn_record_case_id_usable()) is not stored: the server made the
 * case, so the record is sent all the same and never sent again, without
 * a case number, its status not followed, and its error says so. */
OknOutcome *
okn_outcomes_sent (OknOutcomes     *o,
                   const OknRecord *record,
                   const char      *case_id)
{
  OknOutcome *out = okn_outcomes_add (o, record, OKN_OUTCOME_SENT);
  g_autofree char *said = okn_record_case_id_refusal (case_id, record->ticket);

  if (said == NULL)
    out->server_id = okn_outcomes_keep (o, case_id);
  else
    out->error = okn_outcomes_keep (o, said);
  return out;
}

void
okn_outcomes_retry (OknSync             *sync,
                    OknOutcomes            *o,
                    const OknOutboxItem *item,
                    const GError        *error,
                    gboolean             unknown)
{
  OknOutcome *out = okn_outcomes_add (o, item->record, OKN_OUTCOME_RETRY);
  gint64 retry_after = okn_backend_error_get_retry_after (error);

  out->next_attempt_us = g_get_real_time ()
                         + okn_sync_backoff_us (MAX (item->attempts, 1), sync->base_us, sync->cap_us,
                                                retry_after, g_random_double ());
  out->unknown_outcome = unknown || item->unknown_outcome;
  out->error = okn_outcomes_keep (o, error->message);
  out->http_status = okn_backend_error_get_http_status (error);
}

static gboolean
take_lock (OknSync *sync,
           GError **error)
{
  int saved;

  sync->lock_fd = g_open (sync->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (sync->lock_fd < 0)
    {
      saved = errno;
      g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                   _("Cannot create the sync lock file %s: %s"), sync->lock_path, g_strerror (saved));
      return FALSE;
    }
  if (flock (sync->lock_fd, LOCK_EX | LOCK_NB) < 0)
    {
      saved = errno;
      if (saved == EWOULDBLOCK)
        g_set_error (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_LOCKED,
                     _("Another sync is running on this database (lock %s); only one may run at a time."),
                     sync->lock_path);
      else
        g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                     _("Cannot lock %s: %s"), sync->lock_path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The engine without a back end (offline), its lock taken. */
static OknSync *
engine_new (OknStore  *store,
            OknConfig *config,
            GError   **error)
{
  g_autoptr (OknSync) sync = g_new0 (OknSync, 1);

  sync->store = store;
  sync->config = config;
  sync->lock_fd = -1;
  sync->cancellable = g_cancellable_new ();
  g_mutex_init (&sync->mutex);
  g_cond_init (&sync->cond);
  sync->lock_path = g_strconcat (okn_store_get_path (store), ".sync.lock", NULL);
  sync->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) okn_marker_cache_free);
  sync->token_waits = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sync->unwritten = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                           (GDestroyNotify) okn_unwritten_free);
  sync->kinds = OKN_OUTBOX_ALL_KINDS;
  sync->push_batch = (guint) CLAMP (okn_config_get_int (config, "sync.batch_size"), 1, 1000);
  sync->base_us = okn_config_get_int (config, "sync.backoff_base_seconds") * G_TIME_SPAN_SECOND;
  sync->cap_us = okn_config_get_int (config, "sync.backoff_cap_seconds") * G_TIME_SPAN_SECOND;
  sync->interval_us = okn_config_get_int (config, "sync.interval_seconds") * G_TIME_SPAN_SECOND;
  sync->catalogue_max_age_us = okn_config_get_int (config, "sync.catalogue_max_age_hours") * G_TIME_SPAN_HOUR;
  if (sync->base_us <= 0)
    sync->base_us = G_TIME_SPAN_SECOND;
  if (sync->cap_us < sync->base_us)
    sync->cap_us = sync->base_us;
  if (sync->interval_us <= 0)
    sync->interval_us = 60 * G_TIME_SPAN_SECOND;

  if (!take_lock (sync, error))
    return NULL;
  return g_steal_pointer (&sync);
}

/* A kind the back end cannot send is left queued; the others go. */
static void
engine_use_backend (OknSync    *sync,
                    OknBackend *backend)
{
  sync->backend = g_object_ref (backend);
  for (guint kind = OKN_KIND_LETTER; kind <= OKN_KIND_REPORT; kind++)
    {
      g_autoptr (GError) why = NULL;

      if (okn_backend_can_send (backend, (OknKind) kind, &why))
        continue;
      sync->kinds &= ~OKN_OUTBOX_KIND (kind);
      sync->blocked_why[kind] = g_steal_pointer (&why);
    }
}

/* The back end the configuration names: Open311 at server.url. */
OknBackend *
okn_sync_backend_for_config (OknConfig *config,
                             GError   **error)
{
  g_autoptr (GError) local = NULL;
  OknBackend *backend = okn_open311_backend_new (config, &local);

  if (backend == NULL)
    g_propagate_error (error, okn_sync_error_new_from (OKN_SYNC_ERROR_CONFIG, local));
  return backend;
}

static gboolean
finish_stats (OknSync       *sync,
              OknSyncReport *report,
              GError       **error)
{
  OknStoreStats stats;

  if (!okn_store_get_stats (sync->store, &stats, error))
    return FALSE;
  report->waiting = stats.per_state[OKN_SYNC_QUEUED] + stats.per_state[OKN_SYNC_SENDING];
  report->awaiting_id = stats.per_state[OKN_SYNC_AWAITING_ID];
  okn_store_stats_clear (&stats);
  return TRUE;
}

/* A run's failure as "sync.last_error" and its time, and the setting
 * that would fix it as data beside them ("sync.last_error_setting": the
 * fix's JSON), so that a status line names the setting its own way as
 * the run's own front end did. The JSON says which error it belongs to:
 * its time ("at") and a checksum of its text ("text_sha256"), so that a
 * later error written without a setting (by an older engine, or a crash
 * between these writes, which are not one transaction) leaves a setting
 * no reader takes, even within the same second. Its "what" is in this
 * process's language ("lang"): a reader in another one shows the text
 * whole rather than half in each. */
static gboolean
store_last_error (OknSync      *sync,
                  const GError *failure,
                  const char   *at,
                  GError      **error)
{
  const OknSettingFix *fix = setting_fix_of (failure);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, failure->message, -1);
  g_autofree char *setting = NULL;

  if (fix)
    {
      g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      JsonObject *object = okn_setting_fix_to_json (fix);

      json_object_set_string_member (object, "at", at);
      json_object_set_string_member (object, "text_sha256", sum);
      json_object_set_string_member (object, "lang", okn_language_to_string (okn_language_from_locale ()));
      json_node_take_object (node, object);
      setting = json_to_string (node, FALSE);
    }
  return okn_store_set_meta (sync->store, "sync.last_error_setting", setting, error)
         && okn_store_set_meta (sync->store, "sync.last_error", failure->message, error)
         && okn_store_set_meta (sync->store, "sync.last_error_at", at, error);
}

/* After a success, the last error is history: kept as
 * "sync.resolved_error" (and when it happened, and its setting) so that
 * status stops showing it as the current state. */
static gboolean
resolve_last_error (OknSync *sync,
                    GError **error)
{
  g_autofree char *last = okn_store_get_meta (sync->store, "sync.last_error");
  g_autofree char *last_at = okn_store_get_meta (sync->store, "sync.last_error_at");
  g_autofree char *setting = okn_store_get_meta (sync->store, "sync.last_error_setting");

  if (last == NULL)
    return TRUE;
  return okn_store_set_meta (sync->store, "sync.resolved_error", last, error)
         && okn_store_set_meta (sync->store, "sync.resolved_error_at", last_at, error)
         && okn_store_set_meta (sync->store, "sync.resolved_error_setting", setting, error)
         && okn_store_set_meta (sync->store, "sync.last_error", NULL, error)
         && okn_store_set_meta (sync->store, "sync.last_error_at", NULL, error)
         && okn_store_set_meta (sync->store, "sync.last_error_setting", NULL, error);
}

/* Whether the run had any answer from the server. */
static gboolean
asked_server (const OknSyncReport *report)
{
  return report->catalogue_refreshed || report->sent || report->adopted || report->tokens
         || report->resolved || report->retried || report->refused || report->polled;
}

static char *
now_iso (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return okn_now_iso8601 (now);
}

/* Sleeps until @deadline (monotonic), a wake, a stop, or (from @due_after
 * on) a record that is due. */
static gboolean
wait_for_work (OknSync *sync,
               gint64   deadline,
               gint64   due_after,
               GError **error)
{
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gboolean woken;

      g_mutex_lock (&sync->mutex);
      if (!sync->wake && !okn_sync_stopping (sync) && now < deadline)
        g_cond_wait_until (&sync->cond, &sync->mutex, MIN (deadline, now + WATCH_TICK_US));
      woken = sync->wake;
      sync->wake = FALSE;
      g_mutex_unlock (&sync->mutex);

      if (woken || okn_sync_stopping (sync) || g_get_monotonic_time () >= deadline)
        return TRUE;
      if (g_get_monotonic_time () >= due_after)
        {
          g_autoptr (GError) local = NULL;
          gint64 due = okn_store_outbox_next_due_kinds_us (sync->store, sync->kinds, &local);

          if (local)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return FALSE;
            }
          if (due == 0)
            return TRUE;
        }
    }
}

static gboolean
watch_loop (OknSync           *sync,
            OknSyncReportFunc  func,
            gpointer           user_data,
            GError           **error)
{
  guint failed_runs = 0;

  while (!okn_sync_stopping (sync))
    {
      g_autoptr (GError) local = NULL;
      OknSyncReport report;
      gboolean ok = okn_sync_run_once (sync, &report, &local);
      gint64 now = g_get_monotonic_time ();
      gint64 deadline = now + sync->interval_us;
      gint64 due_after = now;
      /* A full disk or a database another program held too long fails
       * this run, not the watch: it is tried again after a backoff, as
       * after a network error. A database that is not ours, damaged or
       * newer ends it. */
      gboolean storage = !ok && (g_error_matches (local, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE)
                                 || g_error_matches (local, OKN_STORE_ERROR, OKN_STORE_ERROR_DISK_FULL)
                                 || g_error_matches (local, OKN_STORE_ERROR, OKN_STORE_ERROR_BUSY));

      if (func)
        func (&report, local, user_data);
      okn_sync_report_clear (&report);
      if (!ok && local->domain != OKN_SYNC_ERROR && !storage)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (okn_sync_stopping (sync))
        break;
      if (ok)
        failed_runs = 0;
      else if (!storage && local->code == OKN_SYNC_ERROR_CONFIG)
        {
          /* A run stopped by the configuration waits for the interval; a
           * kind that cannot be sent does not hold the others back. */
          if (sync->stopped_on_config)
            due_after = deadline;
        }
      else
        {
          failed_runs++;
          due_after = now + okn_sync_backoff_us (failed_runs, sync->base_us, sync->cap_us, -1,
                                                 0.5 + g_random_double () / 2);
        }
      if (okn_sync_is_offline (sync))
        due_after = deadline;
      /* A token the server has not resolved yet is asked again soon. */
      if (sync->next_token_poll > 0 && !sync->stopped_on_config)
        deadline = MIN (deadline, MAX (sync->next_token_poll, now));
      if (!wait_for_work (sync, deadline, due_after, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * okn_sync_new:
 * @store: the engine's connection; it must outlive the engine and be used
 *   by the engine's thread only
 * @config: read now; it must outlive the engine
 *
 * Takes the database's sync lock (`<db>.sync.lock`, non-blocking) and
 * makes the back end the configuration names (Open311 at server.url).
 *
 * Returns: (transfer full) (nullable): the engine, or %NULL with
 *   %OKN_SYNC_ERROR_LOCKED when another sync holds the lock, or
 *   %OKN_SYNC_ERROR_CONFIG when the server settings cannot work. Without
 *   server.url the engine is made and works offline.
 */
OknSync *
okn_sync_new (OknStore  *store,
              OknConfig *config,
              GError   **error)
{
  g_autoptr (OknSync) sync = engine_new (store, config, error);
  g_autofree char *url = okn_config_get_string (config, "server.url");
  g_autoptr (OknBackend) backend = NULL;

  if (sync == NULL)
    return NULL;
  if (url && *url)
    {
      backend = okn_sync_backend_for_config (config, error);
      if (backend == NULL)
        return NULL;
      engine_use_backend (sync, backend);
    }
  return g_steal_pointer (&sync);
}

/**
 * okn_sync_new_for_backend:
 * @store: as for okn_sync_new()
 * @config: the sync.* settings, read now
 * @backend: the server to sync with; the engine keeps a reference
 *
 * An engine for another back end than the configuration's (tests, other
 * central systems). Takes the sync lock like okn_sync_new().
 *
 * Returns: (transfer full) (nullable): the engine, or %NULL with
 *   %OKN_SYNC_ERROR_LOCKED or a store error
 */
OknSync *
okn_sync_new_for_backend (OknStore   *store,
                          OknConfig  *config,
                          OknBackend *backend,
                          GError    **error)
{
  OknSync *sync;

  g_return_val_if_fail (OKN_IS_BACKEND (backend), NULL);
  sync = engine_new (store, config, error);
  if (sync)
    engine_use_backend (sync, backend);
  return sync;
}

void
okn_sync_free (OknSync *sync)
{
  if (sync == NULL)
    return;
  g_clear_object (&sync->backend);
  g_clear_object (&sync->cancellable);
  g_clear_pointer (&sync->markers, g_hash_table_unref);
  g_clear_pointer (&sync->token_waits, g_hash_table_unref);
  g_clear_pointer (&sync->unwritten, g_hash_table_unref);
  for (guint i = 0; i < G_N_ELEMENTS (sync->blocked_why); i++)
    g_clear_error (&sync->blocked_why[i]);
  /* Closing the descriptor releases the lock; the file stays so that two
   * processes never lock two different inodes. */
  if (sync->lock_fd >= 0)
    close (sync->lock_fd);
  g_free (sync->lock_path);
  g_cond_clear (&sync->cond);
  g_mutex_clear (&sync->mutex);
  g_free (sync);
}

gboolean
okn_sync_is_offline (OknSync *sync)
{
  return sync->backend == NULL;
}

void
okn_sync_report_clear (OknSyncReport *report)
{
  g_clear_pointer (&report->last_error, g_free);
  g_clear_pointer (&report->refusals, g_ptr_array_unref);
  memset (report, 0, sizeof *report);
}

/**
 * okn_sync_backoff_us:
 * @attempts: how many times the record was tried, this one included (>= 1)
 * @retry_after_s: what the server asked for (Retry-After), -1 when nothing
 * @random01: a uniform random number in [0, 1)
 *
 * Exponential backoff with full jitter: a uniform delay between 0 and
 * min(cap, base·2^(attempts−1)), but never shorter than Retry-After (up to
 * a day).
 *
 * Returns: the delay in microseconds
 */
gint64
okn_sync_backoff_us (guint  attempts,
                     gint64 base_us,
                     gint64 cap_us,
                     gint64 retry_after_s,
                     double random01)
{
  gint64 ceiling = base_us;
  gint64 delay;

  for (guint i = 1; i < attempts && ceiling < cap_us; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, cap_us);
  delay = (gint64) (CLAMP (random01, 0.0, 1.0) * (double) ceiling);
  /* A day at most: the store takes a retry further ahead for a clock that
   * was turned back, and a server asking for more is not to be believed. */
  if (retry_after_s >= 0)
    delay = MAX (delay, MIN (retry_after_s, 24 * 3600) * G_TIME_SPAN_SECOND);
  return delay;
}

/* Personal data past privacy.retention_days, once a day (the store's
 * okn_store_purge), also offline: it needs only what the server already
 * confirmed. */
static gboolean
purge_daily (OknSync       *sync,
             OknSyncReport *report,
             GError       **error)
{
  g_autofree char *last = okn_store_get_meta (sync->store, "purge.last_run_us");
  g_autofree char *stamp = NULL;
  gint64 now = g_get_real_time ();
  gint64 then = 0;
  OknPurgeReport purge;

  /* A time ahead of now is a clock turned back: run. */
  if (last && g_ascii_string_to_signed (last, 10, 0, G_MAXINT64, &then, NULL)
      && then <= now && now - then < G_TIME_SPAN_DAY)
    return TRUE;
  if (!okn_store_purge (sync->store, (guint) okn_config_get_int (sync->config, "privacy.retention_days"),
                        FALSE, "sync", &purge, error))
    return FALSE;
  report->purged = purge.records;
  okn_purge_report_clear (&purge);
  stamp = g_strdup_printf ("%" G_GINT64_FORMAT, now);
  return okn_store_set_meta (sync->store, "purge.last_run_us", stamp, error);
}

/**
 * okn_sync_run_once:
 * @report: (out caller-allocates): what the run did; clear it with
 *   okn_sync_report_clear()
 *
 * One run: recover, catalogue, push, tokens, statuses. Without server.url
 * nothing is tried and the run succeeds with @report->offline set.
 *
 * Returns: %TRUE when everything that was due went. %FALSE with
 *   %OKN_SYNC_ERROR_NETWORK when the network or the server failed (records
 *   wait for their retry), %OKN_SYNC_ERROR_CONFIG when the server refused
 *   the key or the configuration cannot work (the run stopped at once), or a
 *   store error. The report is filled in every case.
 */
gboolean
okn_sync_run_once (OknSync       *sync,
                   OknSyncReport *report,
                   GError       **error)
{
  g_autoptr (GPtrArray) recovered = NULL;
  g_autofree char *started = now_iso ();
  g_autofree char *finished = NULL;
  OknSyncRun run = { NULL, NULL, NULL, report, g_get_real_time () };
  gboolean ok = FALSE;

  memset (report, 0, sizeof *report);
  /* What the server held may have changed since the last run. */
  g_hash_table_remove_all (sync->markers);
  if (!okn_store_set_meta (sync->store, "sync.last_run_at", started, error))
    return FALSE;
  recovered = okn_store_outbox_recover (sync->store, error);
  if (recovered == NULL)
    return FALSE;
  if (recovered->len > 0)
    g_debug ("%u records were left sending by a sync that died; their outcome is unknown", recovered->len);
  if (!purge_daily (sync, report, error))
    return FALSE;

  if (sync->backend == NULL)
    {
      report->offline = TRUE;
      return finish_stats (sync, report, error);
    }

  if (!okn_sync_phase_catalogue (sync, &run, error))
    goto out;
  if (run.fatal == NULL && !okn_sync_phase_push (sync, &run, error))
    goto out;
  if (run.fatal == NULL && !okn_sync_stopping (sync) && !okn_sync_phase_tokens (sync, &run, error))
    goto out;
  /* A watch runs for every new record; the status pull of every open case
   * keeps to the interval. */
  if (run.fatal == NULL && !okn_sync_stopping (sync)
      && (!sync->watching || sync->last_poll == 0
          || g_get_monotonic_time () - sync->last_poll >= sync->interval_us))
    {
      sync->last_poll = g_get_monotonic_time ();
      if (!okn_sync_phase_statuses (sync, &run, error))
        goto out;
    }
  if (!finish_stats (sync, report, error))
    goto out;

  finished = now_iso ();
  sync->stopped_on_config = run.fatal != NULL;
  if (run.fatal || run.blocked || run.network)
    {
      /* The server unreachable before a kind that waits for a setting:
       * that one says the other kinds go as usual, untrue while nothing
       * answers. */
      GError **e = run.fatal ? &run.fatal : run.network ? &run.network : &run.blocked;

      if (!store_last_error (sync, *e, finished, error))
        goto out;
      g_propagate_error (error, g_steal_pointer (e));
      goto out;
    }
  /* A run that asked the server nothing (every record waiting for its
   * retry) learnt nothing of it: the last error is still the news, or
   * "sync now" right after a failure would say "synced" with the server
   * still down. */
  if (!asked_server (report) && (report->waiting > 0 || report->awaiting_id > 0))
    {
      ok = TRUE;
      goto out;
    }
  if (!okn_store_set_meta (sync->store, "sync.last_success_at", finished, error)
      || !resolve_last_error (sync, error))
    goto out;
  ok = TRUE;

out:
  g_clear_error (&run.fatal);
  g_clear_error (&run.blocked);
  g_clear_error (&run.network);
  return ok;
}

/**
 * okn_sync_set_progress_func:
 * @func: (nullable): called after each pushed batch, in the engine's thread
 *
 * For a front end that shows how far a push of a long queue is.
 */
void
okn_sync_set_progress_func (OknSync             *sync,
                            OknSyncProgressFunc  func,
                            gpointer             user_data)
{
  sync->progress = func;
  sync->progress_data = user_data;
}

/**
 * okn_sync_wake:
 *
 * Makes okn_sync_watch() run now (new records, the network came back, a
 * clerk asked). Thread-safe.
 */
void
okn_sync_wake (OknSync *sync)
{
  g_mutex_lock (&sync->mutex);
  sync->wake = TRUE;
  g_cond_broadcast (&sync->cond);
  g_mutex_unlock (&sync->mutex);
}

/**
 * okn_sync_stop:
 *
 * Asks a running okn_sync_watch() or okn_sync_run_once() to finish the
 * request batch in flight and return. Thread-safe.
 */
void
okn_sync_stop (OknSync *sync)
{
  g_cancellable_cancel (sync->cancellable);
  g_mutex_lock (&sync->mutex);
  g_cond_broadcast (&sync->cond);
  g_mutex_unlock (&sync->mutex);
}

/**
 * okn_sync_watch:
 * @func: (scope call) (nullable): told about every run
 *
 * Runs, then sleeps until the earlier of sync.interval_seconds and the next
 * due retry, and runs again; wakes at once for new records (the queue is
 * checked every second) and for okn_sync_wake(). After a configuration
 * error it only runs again on the interval or a wake; after a network error
 * it waits a backoff before new records wake it. The status pull of every
 * open case keeps to the interval. Returns after okn_sync_stop().
 *
 * Returns: %TRUE when stopped, %FALSE with a store error
 */
gboolean
okn_sync_watch (OknSync           *sync,
                OknSyncReportFunc  func,
                gpointer           user_data,
                GError           **error)
{
  gboolean ok;

  sync->watching = TRUE;
  ok = watch_loop (sync, func, user_data, error);
  sync->watching = FALSE;
  return ok;
}

/**
 * okn_sync_report_summary:
 *
 * Returns: (transfer full): one line for people, e.g. "sent 12, adopted 1,
 *   refused 1 (needs attention), 3 waiting for retry; statuses: 4 changed"
 */
char *
okn_sync_report_summary (const OknSyncReport *report)
{
  GString *s = g_string_new (NULL);
  /* %u, not G_GINT64_FORMAT: xgettext cannot see through that macro and
   * cut these messages short in the catalogue. */
  guint waiting = (guint) CLAMP (report->waiting, 0, G_MAXUINT);
  guint awaiting_id = (guint) CLAMP (report->awaiting_id, 0, G_MAXUINT);

  if (report->offline)
    {
      g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE,
                                              "no server configured (server.url): working offline, %u record waits",
                                              "no server configured (server.url): working offline, %u records wait",
                                              waiting),
                              waiting);
      return g_string_free (s, FALSE);
    }
  g_string_append_printf (s, _("sent %u"), report->sent);
  if (report->adopted)
    g_string_append_printf (s, _(", adopted %u"), report->adopted);
  if (report->tokens)
    g_string_append_printf (s, _(", %u answered with a token"), report->tokens);
  if (report->resolved)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, ", %u token resolved", ", %u tokens resolved",
                                            report->resolved),
                            report->resolved);
  if (report->refused)
    g_string_append_printf (s, _(", refused %u (needs attention)"), report->refused);
  if (waiting)
    g_string_append_printf (s, _(", %u waiting for retry"), waiting);
  if (awaiting_id)
    g_string_append_printf (s, _(", %u waiting for a case number"), awaiting_id);
  if (report->catalogue_refreshed)
    g_string_append_printf (s, _("; catalogue: %u services"), report->services);
  g_string_append_printf (s, _("; statuses: %u changed"), report->status_changes);
  if (report->purged)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, "; personal data cleared from %u record",
                                            "; personal data cleared from %u records", report->purged),
                            report->purged);
  return g_string_free (s, FALSE);
}
