/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync.c: the sync engine
 *
 * A run: recover what a dead sync left in `sending`, refresh the catalogue
 * when stale, push the outbox in batches (searching the server for the
 * ticket before repeating a push whose outcome is unknown), resolve
 * tokens, pull statuses. The server is an OknBackend (Open311 unless a
 * caller brings another); every state change goes through the store's
 * outbox calls, one transaction per batch. Contract: docs/internals/sync.md
 */
#define G_LOG_DOMAIN "okn-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-backend.h"
#include "okienko/okn-open311-backend.h"
#include "okienko/okn-sync.h"

G_DEFINE_QUARK (okn-sync-error-quark, okn_sync_error)

#define SEARCH_TRIES        3
/* Requests reach the server after the record was made; allow for clocks
 * that disagree by this much. */
#define SEARCH_SKEW_US      (15 * G_TIME_SPAN_MINUTE)
#define SEARCH_MIN_SPAN_US  (2 * G_TIME_SPAN_SECOND)
#define SEARCH_MAX_DEPTH    24
/* GETs one refresh may spend: halving a window whose full answers carry no
 * dates would otherwise double the requests at every level. */
#define SEARCH_MAX_REQUESTS 256
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
#define WATCH_TICK_US       G_TIME_SPAN_SECOND

struct _OknSync
{
  OknStore *store;             /* not owned */
  OknConfig *config;           /* not owned */
  OknBackend *backend;         /* (nullable) NULL: no server.url, offline */
  GCancellable *cancellable;   /* okn_sync_stop(): requests not started are not sent */
  char *lock_path;
  int lock_fd;

  guint push_batch;
  gint64 base_us;
  gint64 cap_us;
  gint64 interval_us;
  gint64 catalogue_max_age_us;
  gboolean definitions_set;
  GHashTable *markers;         /* service code → MarkerCache, for one run */
  guint search_budget;         /* GETs left to the marker refresh under way */
  gboolean watching;           /* in okn_sync_watch(): statuses on the interval only */
  gint64 last_poll;            /* monotonic time of the last status pull */
  guint kinds;                 /* OKN_OUTBOX_KIND bits of what can be sent */
  char *blocked_why[OKN_KIND_REPORT + 1];  /* why a kind cannot be sent, from the back end */
  gboolean stopped_on_config;  /* the last run stopped on the configuration */
  GHashTable *token_waits;     /* record id → TokenWait, in a watch */
  gint64 next_token_poll;      /* monotonic; 0: no token pending */

  GMutex mutex;
  GCond cond;
  gboolean wake;               /* under mutex */
};

/* What the server holds in a time window, by our tickets' markers. */
typedef struct
{
  GHashTable *ids;             /* ticket → service_request_id */
  gint64 from_us;              /* every request from here ... */
  gint64 until_us;             /* ... to here has been seen; 0: nothing yet */
} MarkerCache;

static void
marker_cache_free (MarkerCache *cache)
{
  g_hash_table_unref (cache->ids);
  g_free (cache);
}

/* A token still without its case number, in a watch. */
typedef struct
{
  guint polls;
  gint64 next;                 /* monotonic */
} TokenWait;

/* What one run met, beyond the counts. */
typedef struct
{
  GError *fatal;               /* OKN_SYNC_ERROR_CONFIG: the run stopped */
  GError *blocked;             /* OKN_SYNC_ERROR_CONFIG: a kind cannot be sent, the rest went */
  GError *network;             /* OKN_SYNC_ERROR_NETWORK: something waits */
  OknSyncReport *report;
} Run;

static void
note_error (OknSyncReport *report,
            const char    *message)
{
  g_free (report->last_error);
  report->last_error = g_strdup (message);
}

/* "K03-26-000001-X: no value given for ...; Bad Request": one line per
 * refused record, for the command line to show. */
static void
note_refusal (OknSyncReport *report,
              const char    *ticket,
              const char    *said)
{
  g_auto (GStrv) lines = g_strsplit (said ? said : "", "\n", -1);
  g_autofree char *joined = g_strjoinv ("; ", lines);

  if (report->refusals == NULL)
    report->refusals = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (report->refusals, g_strdup_printf ("%s: %s", ticket, joined));
}

static void
run_network (Run          *run,
             const GError *cause)
{
  note_error (run->report, cause->message);
  if (run->network == NULL)
    run->network = g_error_new_literal (OKN_SYNC_ERROR, OKN_SYNC_ERROR_NETWORK, cause->message);
}

/* AUTH and CONFIG errors of the back end end the run: repeating would
 * only hammer a server that refuses us. The back end's message says what
 * to fix and never holds a secret. */
static void
run_fatal (Run          *run,
           const GError *cause)
{
  note_error (run->report, cause->message);
  if (run->fatal == NULL)
    run->fatal = g_error_new_literal (OKN_SYNC_ERROR, OKN_SYNC_ERROR_CONFIG, cause->message);
}

/* A request okn_sync_stop() kept from being sent: not a failure. */
static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, OKN_BACKEND_ERROR, OKN_BACKEND_ERROR_CANCELLED);
}

/* Sorts a back end's error of a read (tokens, statuses) into the run's
 * errors. */
static void
run_backend_error (Run          *run,
                   const GError *error)
{
  if (okn_backend_error_stops_run (error))
    run_fatal (run, error);
  else if (!is_cancelled (error))
    run_network (run, error);
}

static gboolean
stopping (OknSync *sync)
{
  return g_cancellable_is_cancelled (sync->cancellable);
}

/* ---- life ------------------------------------------------------------------ */

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
  sync->markers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) marker_cache_free);
  sync->token_waits = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
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
      sync->blocked_why[kind] = g_strdup (why->message);
    }
}

/* The back end the configuration names: Open311 at server.url. */
static OknBackend *
backend_for_config (OknConfig *config,
                    GError   **error)
{
  g_autoptr (GError) local = NULL;
  OknBackend *backend = okn_open311_backend_new (config, &local);

  if (backend == NULL)
    g_set_error_literal (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_CONFIG, local->message);
  return backend;
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
      backend = backend_for_config (config, error);
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
  for (guint i = 0; i < G_N_ELEMENTS (sync->blocked_why); i++)
    g_free (sync->blocked_why[i]);
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

/* ---- catalogue -------------------------------------------------------------- */

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
        g_set_error_literal (error, OKN_SYNC_ERROR,
                             okn_backend_error_stops_run (local) ? OKN_SYNC_ERROR_CONFIG : OKN_SYNC_ERROR_NETWORK,
                             local->message);
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
      g_set_error_literal (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_CONFIG,
                           _("No server configured (server.url): working offline."));
      return FALSE;
    }
  backend = backend_for_config (config, error);
  if (backend == NULL)
    return FALSE;
  return fetch_catalogue (backend, store, NULL, n_services, error);
}

static gboolean
phase_catalogue (OknSync *sync,
                 Run     *run,
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
  if (stopping (sync))
    return TRUE;
  /* A catalogue that cannot be fetched now does not stop the push: the
   * cached one (if any) still describes the attributes. */
  if (local->code == OKN_SYNC_ERROR_CONFIG)
    {
      note_error (run->report, local->message);
      if (run->fatal == NULL)
        run->fatal = g_steal_pointer (&local);
    }
  else
    run_network (run, local);
  return TRUE;
}

/* ---- push ---------------------------------------------------------------------- */

typedef struct
{
  GPtrArray *outcomes;         /* OknOutcome, owned */
  GPtrArray *strings;          /* what the outcomes point to */
} Outcomes;

static void
outcomes_init (Outcomes *o)
{
  o->outcomes = g_ptr_array_new_with_free_func (g_free);
  o->strings = g_ptr_array_new_with_free_func (g_free);
}

static void
outcomes_clear (Outcomes *o)
{
  g_clear_pointer (&o->outcomes, g_ptr_array_unref);
  g_clear_pointer (&o->strings, g_ptr_array_unref);
}

static const char *
keep (Outcomes   *o,
      const char *s)
{
  char *copy = g_strdup (s);

  if (copy)
    g_ptr_array_add (o->strings, copy);
  return copy;
}

static OknOutcome *
outcome_add (Outcomes        *o,
             const OknRecord *record,
             OknOutcomeKind   kind)
{
  OknOutcome *out = g_new0 (OknOutcome, 1);

  out->record_id = record->id;
  out->kind = kind;
  g_ptr_array_add (o->outcomes, out);
  return out;
}

static void
outcome_retry (OknSync             *sync,
               Outcomes            *o,
               const OknOutboxItem *item,
               const GError        *error,
               gboolean             unknown)
{
  OknOutcome *out = outcome_add (o, item->record, OKN_OUTCOME_RETRY);
  gint64 retry_after = okn_backend_error_get_retry_after (error);

  out->next_attempt_us = g_get_real_time ()
                         + okn_sync_backoff_us (MAX (item->attempts, 1), sync->base_us, sync->cap_us,
                                                retry_after, g_random_double ());
  out->unknown_outcome = unknown || item->unknown_outcome;
  out->error = keep (o, error->message);
  out->http_status = okn_backend_error_get_http_status (error);
}

static gint64
to_unix_us (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_TIME_SPAN_SECOND + g_date_time_get_microsecond (dt);
}

static GDateTime *
parse_time (const char *iso)
{
  GDateTime *dt = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return dt ? dt : g_date_time_new_now_utc ();
}

/* A search is safe to repeat: it is tried a few times at once before the
 * records it was for have to wait for their backoff. */
static OknBackendSearch *
search_retrying (OknSync    *sync,
                 const char *scope,
                 gint64      start_us,
                 gint64      end_us,
                 GError    **error)
{
  for (guint attempt = 1;; attempt++)
    {
      g_autoptr (GError) local = NULL;
      OknBackendSearch *found = okn_backend_search (sync->backend, scope, start_us, end_us,
                                                    sync->cancellable, &local);
      gint64 retry_after;

      if (found)
        return found;
      retry_after = okn_backend_error_get_retry_after (local);
      if (attempt >= SEARCH_TRIES || !g_error_matches (local, OKN_BACKEND_ERROR, OKN_BACKEND_ERROR_TRANSIENT)
          || retry_after > 2 || stopping (sync))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_usleep ((gulong) MAX (retry_after * G_TIME_SPAN_SECOND, 100 * 1000 * (gint64) attempt));
    }
}

/* Reads every case of @scope in [@start_us, @end_us] into @cache. Servers
 * cut long answers (Open311's default: 1000), sorted by date one way or
 * the other: the window is narrowed to before the oldest and after the
 * newest case of a full answer, or halved when that does not narrow it. */
static gboolean
scan_window (OknSync     *sync,
             const char  *scope,
             const char  *prefix,
             MarkerCache *cache,
             gint64       start_us,
             gint64       end_us,
             guint        depth,
             GError     **error)
{
  g_autoptr (OknBackendSearch) found = NULL;
  GHashTableIter iter;
  gpointer ticket, id;
  gint64 lo, hi;
  gint64 a_end, b_start;
  gboolean narrowed = FALSE;
  gboolean outside;
  gboolean full;

  if (sync->search_budget > 0)
    sync->search_budget--;
  found = search_retrying (sync, scope, start_us, end_us, error);
  if (found == NULL)
    return FALSE;
  /* Only our own station's tickets: the cache stays as small as our queue. */
  g_hash_table_iter_init (&iter, found->cases);
  while (g_hash_table_iter_next (&iter, &ticket, &id))
    if (g_str_has_prefix (ticket, prefix))
      g_hash_table_replace (cache->ids, g_strdup (ticket), g_strdup (id));
  lo = found->oldest_us;
  hi = found->newest_us;
  /* Windows go out in whole seconds. */
  outside = lo != G_MAXINT64
            && (lo < start_us - G_TIME_SPAN_SECOND || hi > end_us + G_TIME_SPAN_SECOND);
  full = found->full;
  g_clear_pointer (&found, okn_backend_search_free);
  if (!full)
    return TRUE;
  if (depth >= SEARCH_MAX_DEPTH || sync->search_budget == 0)
    {
      g_debug ("%s: the marker search gave up narrowing (depth %u); it is incomplete", scope, depth);
      return TRUE;
    }
  /* A server that answers cases from outside the window does not filter
   * by date: narrowing would ask again and again for the same answer. */
  if (outside)
    {
      g_debug ("%s: the server's search ignores the window's dates; the marker search is incomplete",
               scope);
      return TRUE;
    }

  if (lo != G_MAXINT64)
    {
      /* Windows are sent with whole seconds: round outwards. */
      a_end = (lo / G_TIME_SPAN_SECOND + 1) * G_TIME_SPAN_SECOND;
      b_start = (hi / G_TIME_SPAN_SECOND) * G_TIME_SPAN_SECOND;
      if (a_end < end_us)
        {
          narrowed = TRUE;
          if (!scan_window (sync, scope, prefix, cache, start_us, a_end, depth + 1, error))
            return FALSE;
        }
      if (b_start > start_us)
        {
          narrowed = TRUE;
          if (!scan_window (sync, scope, prefix, cache, b_start, end_us, depth + 1, error))
            return FALSE;
        }
    }
  if (!narrowed && end_us - start_us >= SEARCH_MIN_SPAN_US)
    {
      gint64 mid = start_us + (end_us - start_us) / 2;

      return scan_window (sync, scope, prefix, cache, start_us, mid, depth + 1, error)
             && scan_window (sync, scope, prefix, cache, mid, end_us, depth + 1, error);
    }
  /* More cases of one scope within a second than the server answers at
   * once: what it left out cannot be read. The record is pushed again with
   * its idempotency key as the only guard (docs/internals/sync.md). */
  if (!narrowed)
    g_debug ("%s: a full search answer within one second; the marker search is incomplete", scope);
  return TRUE;
}

/* Brings the cache of @scope up to now for records made since
 * @need_from_us: the whole window the first time in a run, then only what
 * is new. */
static gboolean
refresh_markers (OknSync     *sync,
                 const char  *scope,
                 const char  *station,
                 gint64       need_from_us,
                 MarkerCache *cache,
                 GError     **error)
{
  g_autofree char *prefix = g_strconcat (station ? station : "", "-", NULL);
  gint64 now = g_get_real_time ();
  gint64 from = cache->until_us == 0 || need_from_us < cache->from_us ? need_from_us
                                                                      : cache->until_us - SEARCH_SKEW_US;

  sync->search_budget = SEARCH_MAX_REQUESTS;
  if (!scan_window (sync, scope, prefix, cache, from, now + SEARCH_SKEW_US, 0, error))
    return FALSE;
  if (cache->until_us == 0 || need_from_us < cache->from_us)
    cache->from_us = need_from_us;
  cache->until_us = now;
  return TRUE;
}

/* The records of one search scope whose earlier push may have reached the
 * server: which did, by the tickets its cases carry.
 * Returns: (transfer none): the cache to look the tickets up in */
static MarkerCache *
find_adoptions (OknSync    *sync,
                const char *scope,
                GPtrArray  *items,
                gboolean   *complete,
                GError    **error)
{
  MarkerCache *cache = g_hash_table_lookup (sync->markers, scope);
  gint64 need_from = G_MAXINT64;
  const char *station = NULL;

  if (cache == NULL)
    {
      cache = g_new0 (MarkerCache, 1);
      cache->ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (sync->markers, g_strdup (scope), cache);
    }
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);
      g_autoptr (GDateTime) created = parse_time (item->record->created_at);

      need_from = MIN (need_from, to_unix_us (created) - SEARCH_SKEW_US);
      station = item->record->station;
    }
  *complete = refresh_markers (sync, scope, station, need_from, cache, error);
  return cache;
}

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

/* Settles one claimed batch: fills @o with one outcome per item; back end
 * errors go into @run. Sets @all_transient when nothing in the batch got
 * through and only transient failures were met. */
static void
push_batch (OknSync   *sync,
            Run       *run,
            GPtrArray *items,
            Outcomes  *o,
            gboolean  *all_transient)
{
  g_autoptr (GPtrArray) to_post = g_ptr_array_new ();        /* OknOutboxItem */
  g_autoptr (GPtrArray) records = g_ptr_array_new ();        /* OknRecord, of to_post */
  g_autoptr (GHashTable) by_scope = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) search_failed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) results = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint transient = 0;

  *all_transient = FALSE;

  /* Unknown outcomes first: adopt what the server already has. */
  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);
      const char *scope;
      GPtrArray *group;

      if (!item->unknown_outcome)
        continue;
      scope = okn_backend_search_scope (sync->backend, item->record);
      if (scope == NULL)
        continue;
      group = g_hash_table_lookup (by_scope, scope);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (by_scope, g_strdup (scope), group);
        }
      g_ptr_array_add (group, item);
    }
  g_hash_table_iter_init (&iter, by_scope);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr (GError) local = NULL;
      GPtrArray *group = value;
      MarkerCache *cache;
      gboolean complete = FALSE;

      if (run->fatal)
        break;
      cache = find_adoptions (sync, key, group, &complete, &local);
      for (guint i = 0; i < group->len; i++)
        {
          OknOutboxItem *item = g_ptr_array_index (group, i);
          const char *id = g_hash_table_lookup (cache->ids, item->record->ticket);

          /* A marker found is proof, even when the search broke off. */
          if (id)
            g_hash_table_insert (found, g_strdup (item->record->ticket), g_strdup (id));
        }
      if (complete)
        continue;
      if (okn_backend_error_stops_run (local))
        run_fatal (run, local);
      else if (is_cancelled (local))
        {
          /* Not searched, so not sent either: back to the queue as it was. */
          for (guint i = 0; i < group->len; i++)
            {
              OknOutboxItem *item = g_ptr_array_index (group, i);

              if (g_hash_table_contains (found, item->record->ticket))
                continue;
              g_hash_table_add (search_failed, item->record->ticket);
              outcome_add (o, item->record, OKN_OUTCOME_RELEASE);
            }
        }
      else if (local->domain != OKN_BACKEND_ERROR || local->code == OKN_BACKEND_ERROR_TRANSIENT
               || local->code == OKN_BACKEND_ERROR_UNKNOWN_OUTCOME)
        {
          /* Cannot rule out an earlier copy now: try again later rather
           * than risk a second case. */
          run_network (run, local);
          for (guint i = 0; i < group->len; i++)
            {
              OknOutboxItem *item = g_ptr_array_index (group, i);

              if (g_hash_table_contains (found, item->record->ticket))
                continue;
              g_hash_table_add (search_failed, item->record->ticket);
              outcome_retry (sync, o, item, local, TRUE);
              run->report->retried++;
              transient++;
            }
        }
      /* A server that refuses the search (e.g. does not support it) leaves
       * the idempotency key as the only guard: the push is repeated. */
      else
        note_error (run->report, local->message);
    }

  for (guint i = 0; i < items->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (items, i);
      const char *id;

      if (g_hash_table_contains (search_failed, item->record->ticket))
        continue;
      if (run->fatal)
        {
          outcome_add (o, item->record, OKN_OUTCOME_RELEASE);
          continue;
        }
      id = item->unknown_outcome ? g_hash_table_lookup (found, item->record->ticket) : NULL;
      if (id)
        {
          OknOutcome *out = outcome_add (o, item->record, OKN_OUTCOME_SENT);

          out->server_id = keep (o, id);
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
          OknOutcome *out = outcome_add (o, item->record, OKN_OUTCOME_SENT);

          out->server_id = keep (o, receipt->case_id);
          run->report->sent++;
          continue;
        }
      if (receipt->token)
        {
          OknOutcome *out = outcome_add (o, item->record, OKN_OUTCOME_TOKEN);

          out->token = keep (o, receipt->token);
          run->report->tokens++;
          continue;
        }
      if (e == NULL)
        {
          /* A receipt with neither: the server took it, but says nothing. */
          g_autoptr (GError) odd = okn_backend_error_new (OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, 0, -1, NULL,
                                                          _("The server answered without an id or a token."));

          run_network (run, odd);
          outcome_retry (sync, o, item, odd, TRUE);
          run->report->retried++;
          transient++;
          continue;
        }
      if (e->domain != OKN_BACKEND_ERROR)
        {
          /* A file the store could not read (post_records): not sent. */
          run_network (run, e);
          outcome_retry (sync, o, item, e, FALSE);
          run->report->retried++;
          transient++;
          continue;
        }
      switch ((OknBackendError) e->code)
        {
        case OKN_BACKEND_ERROR_CANCELLED:
          outcome_add (o, item->record, OKN_OUTCOME_RELEASE);
          break;
        case OKN_BACKEND_ERROR_AUTH:
        case OKN_BACKEND_ERROR_CONFIG:
          run_fatal (run, e);
          outcome_add (o, item->record, OKN_OUTCOME_RELEASE);
          break;
        case OKN_BACKEND_ERROR_PERMANENT:
          {
            OknOutcome *out = outcome_add (o, item->record, OKN_OUTCOME_REFUSED);
            const char *said = okn_backend_error_get_description (e);

            /* All the server's entries, the one naming a field first. */
            out->error = keep (o, said && *said ? said : e->message);
            out->http_status = okn_backend_error_get_http_status (e);
            run->report->refused++;
            note_error (run->report, e->message);
            note_refusal (run->report, item->record->ticket, out->error);
          }
          break;
        case OKN_BACKEND_ERROR_UNKNOWN_OUTCOME:
        case OKN_BACKEND_ERROR_TRANSIENT:
          /* Retried after a backoff; an unknown outcome is searched for
           * before it is pushed again. */
          run_network (run, e);
          outcome_retry (sync, o, item, e, e->code == OKN_BACKEND_ERROR_UNKNOWN_OUTCOME);
          run->report->retried++;
          transient++;
          break;
        }
    }
  *all_transient = transient > 0 && transient == items->len;
}

/* A kind the back end cannot send (Open311: letters without
 * letters.service_code) waits: say so, as a configuration error that does
 * not stop the rest of the run. */
static gboolean
check_blocked_kinds (OknSync *sync,
                     Run     *run,
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
      note_error (run->report, sync->blocked_why[kind]);
      if (run->blocked == NULL)
        run->blocked = g_error_new_literal (OKN_SYNC_ERROR, OKN_SYNC_ERROR_CONFIG, sync->blocked_why[kind]);
    }
  return TRUE;
}

static gboolean
phase_push (OknSync *sync,
            Run     *run,
            GError **error)
{
  g_autoptr (GHashTable) tried = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint failed_batches = 0;
  gboolean probe = TRUE;

  while (!stopping (sync) && run->fatal == NULL)
    {
      g_autoptr (GPtrArray) items = NULL;
      Outcomes o;
      gboolean all_transient = FALSE;
      gboolean all_seen = TRUE;
      gboolean ok;

      /* The first POST of a run, and the first after a batch that failed
       * whole, goes alone: a server that refuses the key or is down gets
       * one request, not a batch. */
      items = okn_store_outbox_claim_kinds (sync->store, probe ? 1 : sync->push_batch, sync->kinds, error);
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

      outcomes_init (&o);
      push_batch (sync, run, items, &o, &all_transient);
      ok = okn_store_outbox_apply (sync->store, o.outcomes, error);
      outcomes_clear (&o);
      if (!ok)
        return FALSE;

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

/* ---- tokens and statuses ------------------------------------------------------- */

/* In a watch, a token still pending is asked again after 1, 2, 4 ...
 * seconds (up to the interval) rather than at the next interval: returns
 * whether @r's token is due now. */
static gboolean
token_due (OknSync   *sync,
           OknRecord *r,
           gint64     now)
{
  TokenWait *w;

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
  TokenWait *w = g_hash_table_lookup (sync->token_waits, &r->id);
  gint64 delay = TOKEN_FIRST_US;

  if (!sync->watching)
    return;
  if (w == NULL)
    {
      w = g_new0 (TokenWait, 1);
      g_hash_table_insert (sync->token_waits, g_memdup2 (&r->id, sizeof r->id), w);
    }
  for (guint i = 0; i < w->polls && delay < sync->interval_us; i++)
    delay *= 2;
  w->polls++;
  w->next = now + MIN (delay, sync->interval_us);
}

static gboolean
phase_tokens (OknSync *sync,
              Run     *run,
              GError **error)
{
  g_autoptr (GPtrArray) records = okn_store_list_awaiting_id (sync->store, TOKENS_PER_RUN, error);
  g_autoptr (GHashTable) waiting = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  gpointer key, value;
  Outcomes o;
  guint failures = 0;
  gboolean ok;

  if (records == NULL)
    return FALSE;
  outcomes_init (&o);
  for (guint i = 0; i < records->len && !stopping (sync); i++)
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
              note_error (run->report, local->message);
              continue;
            }
          run_backend_error (run, local);
          /* One failure may be the network's hiccup; three in a row is
           * the server down. */
          if (run->fatal || ++failures >= 3)
            break;
          continue;
        }
      failures = 0;
      if (id)
        {
          OknOutcome *out = outcome_add (&o, r, OKN_OUTCOME_SENT);

          out->server_id = keep (&o, id);
          run->report->resolved++;
          g_hash_table_remove (waiting, &r->id);
        }
      else
        token_pending (sync, r, now);
    }
  ok = okn_store_outbox_apply (sync->store, o.outcomes, error);
  outcomes_clear (&o);

  /* Forget tokens that were resolved (or the record left), and note when
   * the next one is due. */
  sync->next_token_poll = 0;
  g_hash_table_iter_init (&iter, sync->token_waits);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TokenWait *w = value;

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
           Run       *run,
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

      g_ptr_array_add (ids, r->server_id);
      g_hash_table_insert (record_of, r->server_id, r);
    }
  g_ptr_array_add (ids, NULL);
  answers = okn_backend_pull_statuses (sync->backend, (const char *const *) ids->pdata, sync->cancellable,
                                       &local);
  if (answers == NULL)
    {
      run_backend_error (run, local);
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
      c = g_new0 (OknStatusChange, 1);
      c->record_id = r->id;
      c->status = g_strdup (a->status);
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
  run->report->polled += changes->len;
  run->report->status_changes += changed;
  return TRUE;
}

/* Open cases every time; closed ones once a day (a server may reopen a
 * case), a bounded number per run. */
static gboolean
phase_statuses (OknSync *sync,
                Run     *run,
                GError **error)
{
  gint64 closed_before = g_get_real_time () - CLOSED_POLL_US;
  guint closed_left = CLOSED_PER_RUN;

  for (guint pass = 0; pass < 2; pass++)
    {
      gint64 after = 0;

      while (!stopping (sync))
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

/* ---- a run ------------------------------------------------------------------------ */

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

/* After a success, the last error is history: kept as
 * "sync.resolved_error" (and when it happened) so that status stops
 * showing it as the current state. */
static gboolean
resolve_last_error (OknSync *sync,
                    GError **error)
{
  g_autofree char *last = okn_store_get_meta (sync->store, "sync.last_error");
  g_autofree char *last_at = okn_store_get_meta (sync->store, "sync.last_error_at");

  if (last == NULL)
    return TRUE;
  return okn_store_set_meta (sync->store, "sync.resolved_error", last, error)
         && okn_store_set_meta (sync->store, "sync.resolved_error_at", last_at, error)
         && okn_store_set_meta (sync->store, "sync.last_error", NULL, error)
         && okn_store_set_meta (sync->store, "sync.last_error_at", NULL, error);
}

static char *
now_iso (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  return okn_now_iso8601 (now);
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
  Run run = { NULL, NULL, NULL, report };
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

  if (sync->backend == NULL)
    {
      report->offline = TRUE;
      return finish_stats (sync, report, error);
    }

  if (!phase_catalogue (sync, &run, error))
    goto out;
  if (run.fatal == NULL && !phase_push (sync, &run, error))
    goto out;
  if (run.fatal == NULL && !stopping (sync) && !phase_tokens (sync, &run, error))
    goto out;
  /* A watch runs for every new record; the status pull of every open case
   * keeps to the interval. */
  if (run.fatal == NULL && !stopping (sync)
      && (!sync->watching || sync->last_poll == 0
          || g_get_monotonic_time () - sync->last_poll >= sync->interval_us))
    {
      sync->last_poll = g_get_monotonic_time ();
      if (!phase_statuses (sync, &run, error))
        goto out;
    }
  if (!finish_stats (sync, report, error))
    goto out;

  finished = now_iso ();
  sync->stopped_on_config = run.fatal != NULL;
  if (run.fatal || run.blocked || run.network)
    {
      GError **e = run.fatal ? &run.fatal : run.blocked ? &run.blocked : &run.network;

      if (!okn_store_set_meta (sync->store, "sync.last_error", (*e)->message, error)
          || !okn_store_set_meta (sync->store, "sync.last_error_at", finished, error))
        goto out;
      g_propagate_error (error, g_steal_pointer (e));
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

/* ---- watching ---------------------------------------------------------------------- */

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
      if (!sync->wake && !stopping (sync) && now < deadline)
        g_cond_wait_until (&sync->cond, &sync->mutex, MIN (deadline, now + WATCH_TICK_US));
      woken = sync->wake;
      sync->wake = FALSE;
      g_mutex_unlock (&sync->mutex);

      if (woken || stopping (sync) || g_get_monotonic_time () >= deadline)
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

  while (!stopping (sync))
    {
      g_autoptr (GError) local = NULL;
      OknSyncReport report;
      gboolean ok = okn_sync_run_once (sync, &report, &local);
      gint64 now = g_get_monotonic_time ();
      gint64 deadline = now + sync->interval_us;
      gint64 due_after = now;

      if (func)
        func (&report, local, user_data);
      okn_sync_report_clear (&report);
      if (!ok && local->domain != OKN_SYNC_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (stopping (sync))
        break;
      if (ok)
        failed_runs = 0;
      else if (local->code == OKN_SYNC_ERROR_CONFIG)
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

/* ---- the summary --------------------------------------------------------------------- */

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
  return g_string_free (s, FALSE);
}
