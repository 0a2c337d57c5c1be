/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-adopt.c: before a record whose earlier push may have reached
 * the server is pushed again, the server is searched for its ticket
 * marker; a case found is adopted, not created twice. Searches go by time
 * window and scope, narrowed where the server cuts its answers, cached
 * for the run
 */
#define G_LOG_DOMAIN "okn-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okn-sync-private.h"

#define SEARCH_TRIES        3
/* Requests reach the server after the record was made; allow for clocks
 * that disagree by this much. */
#define SEARCH_SKEW_US      (15 * G_TIME_SPAN_MINUTE)
#define SEARCH_MIN_SPAN_US  (2 * G_TIME_SPAN_SECOND)
#define SEARCH_MAX_DEPTH    24
/* GETs one refresh may spend: halving a window whose full answers carry no
 * dates would otherwise double the requests at every level. */
#define SEARCH_MAX_REQUESTS 256


void
okn_marker_cache_free (OknMarkerCache *cache)
{
  g_hash_table_unref (cache->ids);
  g_free (cache);
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
          || retry_after > 2 || okn_sync_stopping (sync))
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
             OknMarkerCache *cache,
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
                 OknMarkerCache *cache,
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
static OknMarkerCache *
find_adoptions (OknSync    *sync,
                const char *scope,
                GPtrArray  *items,
                gboolean   *complete,
                GError    **error)
{
  OknMarkerCache *cache = g_hash_table_lookup (sync->markers, scope);
  gint64 need_from = G_MAXINT64;
  const char *station = NULL;

  if (cache == NULL)
    {
      cache = g_new0 (OknMarkerCache, 1);
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

/* Before any push, the claimed records whose earlier push may have
 * reached the server (unknown outcome) are looked for there by their
 * ticket markers, one search scope at a time: @found gets ticket → case
 * id for those it holds. Records that could not be searched for go into
 * @o (released when the sync stops, retried after a transient failure)
 * and @search_failed, and are not pushed.
 * Returns: how many were retried after a transient failure */
guint
okn_sync_adopt (OknSync    *sync,
                OknSyncRun        *run,
                GPtrArray  *items,
                OknOutcomes   *o,
                GHashTable *found,
                GHashTable *search_failed)
{
  g_autoptr (GHashTable) by_scope = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  gpointer key, value;
  guint transient = 0;

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
      OknMarkerCache *cache;
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
        okn_sync_run_fatal (run, local);
      else if (okn_sync_is_cancelled (local))
        {
          /* Not searched, so not sent either: back to the queue as it was. */
          for (guint i = 0; i < group->len; i++)
            {
              OknOutboxItem *item = g_ptr_array_index (group, i);

              if (g_hash_table_contains (found, item->record->ticket))
                continue;
              g_hash_table_add (search_failed, item->record->ticket);
              okn_outcomes_add (o, item->record, OKN_OUTCOME_RELEASE);
            }
        }
      else if (local->domain != OKN_BACKEND_ERROR || local->code == OKN_BACKEND_ERROR_TRANSIENT
               || local->code == OKN_BACKEND_ERROR_UNKNOWN_OUTCOME)
        {
          /* Cannot rule out an earlier copy now: try again later rather
           * than risk a second case. */
          okn_sync_run_network (run, local);
          for (guint i = 0; i < group->len; i++)
            {
              OknOutboxItem *item = g_ptr_array_index (group, i);

              if (g_hash_table_contains (found, item->record->ticket))
                continue;
              g_hash_table_add (search_failed, item->record->ticket);
              okn_outcomes_retry (sync, o, item, local, TRUE);
              run->report->retried++;
              transient++;
            }
        }
      /* A server that refuses the search (e.g. does not support it) leaves
       * the idempotency key as the only guard: the push is repeated. */
      else
        okn_sync_note_error (run->report, local->message);
    }

  return transient;
}
