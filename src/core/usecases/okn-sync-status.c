/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-status.c: where this station stands with the server, for displays
 *
 * The sync engine writes its outcomes into the store's meta table; every
 * front end reads them through okn_sync_status_read(), which also decides
 * the one-word health a status line shows. */
#define G_LOG_DOMAIN "okn-sync-status"

#include "config.h"

#include "okienko/okn-json.h"
#include "okienko/okn-labels.h"
#include "okienko/okn-sync-status.h"

static gint64
age_seconds (const char *iso,
             GDateTime  *now)
{
  g_autoptr (GDateTime) then = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  if (then == NULL)
    return -1;
  return MAX (g_date_time_difference (now, then) / G_TIME_SPAN_SECOND, 0);
}

/* The setting kept beside an error (the engine's "sync.*_setting"), when
 * it belongs to @text of @at and its words are in this process's
 * language: a store the engine wrote before it kept settings, a value
 * written for another error, or one kept in another language (its "what"
 * beside our own hint would read half in each) gives none, and the front
 * end shows the error's text whole. */
static OknSettingFix *
read_fix (OknStore   *store,
          const char *key,
          const char *text,
          const char *at)
{
  g_autofree char *value = okn_store_get_meta (store, key);
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *fix_at = NULL;
  g_autofree char *fix_sum = NULL;
  g_autofree char *fix_lang = NULL;
  g_autofree char *sum = NULL;
  JsonObject *object;

  if (value == NULL || text == NULL || at == NULL)
    return NULL;
  root = okn_json_parse (value, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  fix_at = okn_json_member_text (object, "at");
  fix_sum = okn_json_member_text (object, "text_sha256");
  fix_lang = okn_json_member_text (object, "lang");
  sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  if (g_strcmp0 (fix_at, at) != 0 || g_strcmp0 (fix_sum, sum) != 0
      || g_strcmp0 (fix_lang, okn_language_to_string (okn_language_from_locale ())) != 0)
    return NULL;
  return okn_setting_fix_new_from_json (object);
}

/* An error is current only when it came after the last success: the engine
 * keeps the last error's text until a success moves it to resolved_error,
 * but a clock turned back or an older engine may leave both set. */
static OknSyncHealth
decide_health (const OknSyncStatus *s)
{
  if (s->server_url == NULL)
    return OKN_SYNC_HEALTH_NOT_CONFIGURED;
  if (s->last_error_at && (s->last_success_at == NULL || g_strcmp0 (s->last_error_at, s->last_success_at) > 0))
    return OKN_SYNC_HEALTH_FAILED;
  if (s->last_success_at)
    return OKN_SYNC_HEALTH_OK;
  return OKN_SYNC_HEALTH_NEVER;
}

/**
 * okn_sync_status_read:
 * @store: the station's store
 * @config: (nullable): the configuration (server.url); %NULL reads as
 *   not configured
 * @now: (nullable): the time to measure ages against; %NULL for now
 * @error: return location for an error
 *
 * Reads the queue's figures and the sync engine's last outcomes, with
 * the setting that would fix the last error (and the resolved one) as
 * data when the engine kept it.
 *
 * Returns: (transfer full) (nullable): the status, or %NULL with @error
 *   set when the store cannot be read
 */
OknSyncStatus *
okn_sync_status_read (OknStore   *store,
                      OknConfig  *config,
                      GDateTime  *now,
                      GError    **error)
{
  g_autoptr (OknSyncStatus) s = g_new0 (OknSyncStatus, 1);
  g_autoptr (GDateTime) real_now = now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  g_autofree char *url = config ? okn_config_get_string (config, "server.url") : NULL;

  if (!okn_store_get_stats (store, &s->stats, error))
    return NULL;
  if (url && *url)
    s->server_url = okn_config_display_value (okn_config_find_key ("server.url"), url);
  s->oldest_queued_age = age_seconds (s->stats.oldest_queued_at, real_now);
  s->last_run_at = okn_store_get_meta (store, "sync.last_run_at");
  s->last_success_at = okn_store_get_meta (store, "sync.last_success_at");
  s->last_error = okn_store_get_meta (store, "sync.last_error");
  s->last_error_at = okn_store_get_meta (store, "sync.last_error_at");
  s->resolved_error = okn_store_get_meta (store, "sync.resolved_error");
  s->resolved_error_at = okn_store_get_meta (store, "sync.resolved_error_at");
  if (s->last_error)
    s->last_error_fix = read_fix (store, "sync.last_error_setting", s->last_error, s->last_error_at);
  if (s->resolved_error)
    s->resolved_error_fix = read_fix (store, "sync.resolved_error_setting", s->resolved_error,
                                      s->resolved_error_at);
  s->catalogue_fetched_at = okn_store_get_meta (store, "catalogue.fetched_at");
  s->kiosk_print_error = okn_store_get_meta (store, OKN_META_KIOSK_PRINT_ERROR);
  s->kiosk_print_error_at = okn_store_get_meta (store, OKN_META_KIOSK_PRINT_ERROR_AT);
  s->health = decide_health (s);
  return g_steal_pointer (&s);
}

void
okn_sync_status_free (OknSyncStatus *status)
{
  if (status == NULL)
    return;
  okn_store_stats_clear (&status->stats);
  g_free (status->server_url);
  g_free (status->last_run_at);
  g_free (status->last_success_at);
  g_free (status->last_error);
  g_free (status->last_error_at);
  okn_setting_fix_free (status->last_error_fix);
  g_free (status->resolved_error);
  g_free (status->resolved_error_at);
  okn_setting_fix_free (status->resolved_error_fix);
  g_free (status->catalogue_fetched_at);
  g_free (status->kiosk_print_error);
  g_free (status->kiosk_print_error_at);
  g_free (status);
}

/**
 * okn_sync_health_to_string:
 *
 * Returns: the health's stable name for JSON ("not-configured", "never",
 *   "ok", "failed")
 */
const char *
okn_sync_health_to_string (OknSyncHealth health)
{
  switch (health)
    {
    case OKN_SYNC_HEALTH_NOT_CONFIGURED:
      return "not-configured";
    case OKN_SYNC_HEALTH_NEVER:
      return "never";
    case OKN_SYNC_HEALTH_OK:
      return "ok";
    case OKN_SYNC_HEALTH_FAILED:
      return "failed";
    default:
      return "unknown";
    }
}
