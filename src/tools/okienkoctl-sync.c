/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-sync.c: sync --once / --watch, services, requeue, and the sync
 * part of status
 *
 * Sync messages carry the server's words: everything printed for people
 * goes through okn_text_display_line().
 */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-sync.h"

/* These messages quote the server, and a CR LF in its words must not start
 * a line that looks like ours: the first line is ours, the others (a
 * network error's details line) are indented continuations, each made one
 * safe line. */
static void
print_server_error (const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *safe = okn_text_display_line (lines[i], -1);

      if (i == 0)
        g_printerr ("okienkoctl: %s\n", safe);
      else if (*safe)
        g_printerr ("  %s\n", safe);
    }
}

/* A setting named for an administrator: its key and the command that
 * sets it. */
static char *
setting_name (const char *key)
{
  const OknConfigKey *k = key ? okn_config_find_key (key) : NULL;

  if (key == NULL)
    return NULL;
  /* TRANSLATORS: a setting named in a message: "server.api_key
   * (okienkoctl config set server.api_key -)"; the last %s is "-" (read
   * from standard input) or the translation of VALUE */
  return g_strdup_printf (_("%s (okienkoctl config set %s %s)"), key, key,
                          k && k->type == OKN_CONFIG_TYPE_SECRET ? "-" : _("VALUE"));
}

/* An error's words; a setting that would fix it (the core's fix,
 * okn_setting_fix_describe()) is named with the command that sets it,
 * by sync as by status. */
static char *
error_text (const OknSettingFix *fix,
            const char          *text)
{
  g_autofree char *name = NULL;
  g_autofree char *also = NULL;

  if (fix == NULL)
    return g_strdup (text);
  name = setting_name (fix->key);
  also = setting_name (fix->also);
  return okn_setting_fix_describe (fix, name, also);
}

static char *
sync_error_text (const GError *error)
{
  return error_text (okn_sync_error_get_setting_fix (error), error->message);
}

/* "okienkoctl: K03-26-000001-X: refused by the server: ..." per record. */
static void
print_refusals (const OknSyncReport *report)
{
  for (guint i = 0; report->refusals && i < report->refusals->len; i++)
    {
      g_autofree char *safe = okn_text_display_line (g_ptr_array_index (report->refusals, i), -1);

      g_printerr ("okienkoctl: %s %s\n", _("refused, needs attention:"), safe);
    }
}

/* Sync errors have their own exit codes; the rest is okctl_fail's. */
static int
sync_fail (GError *error)
{
  g_autofree char *text = NULL;
  int code;

  if (error->domain != OKN_SYNC_ERROR)
    return okctl_fail (error);
  switch ((OknSyncError) error->code)
    {
    case OKN_SYNC_ERROR_CONFIG:
      code = OKCTL_EXIT_USAGE;
      break;
    case OKN_SYNC_ERROR_LOCKED:
    case OKN_SYNC_ERROR_NETWORK:
    default:
      code = OKCTL_EXIT_NETWORK;
      break;
    }
  text = sync_error_text (error);
  print_server_error (text);
  g_error_free (error);
  return code;
}

/* ---- sync --watch ---------------------------------------------------------- */

typedef struct
{
  OknSync *sync;
  GMainLoop *loop;
  GError *error;               /* what ended the watch, if not a stop */
  char *last_error;            /* the last error printed, not to repeat it */
  gboolean network_up;
  gboolean once;               /* one run (sync --once), not a watch */
  gboolean ok;                 /* the one run's result */
  OknSyncReport report;        /* the one run's report */
} Watch;

static gboolean
on_signal (gpointer data)
{
  Watch *w = data;

  /* Finish the batch in flight, then leave: the worker ends the loop. */
  okn_sync_stop (w->sync);
  return G_SOURCE_CONTINUE;
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         data)
{
  Watch *w = data;

  if (available && !w->network_up)
    okn_sync_wake (w->sync);
  w->network_up = available;
}

static void
on_report (const OknSyncReport *report,
           const GError        *error,
           gpointer             data)
{
  Watch *w = data;
  gboolean busy = report->sent || report->adopted || report->tokens || report->resolved || report->purged
                  || report->retried || report->refused || report->status_changes
                  || report->catalogue_refreshed;

  if (busy || (report->offline && w->last_error == NULL))
    {
      g_autofree char *line = okn_sync_report_summary (report);

      g_print ("%s\n", line);
      fflush (stdout);
    }
  if (report->offline && w->last_error == NULL)
    w->last_error = g_strdup ("offline");
  print_refusals (report);
  if (error && g_strcmp0 (error->message, w->last_error) != 0)
    {
      g_autofree char *text = sync_error_text (error);

      print_server_error (text);
      g_free (w->last_error);
      w->last_error = g_strdup (error->message);
    }
  else if (error == NULL && !report->offline)
    g_clear_pointer (&w->last_error, g_free);
}

static void
on_progress (guint    done,
             guint    total,
             gpointer data)
{
  okctl_progress_update (data, done, total);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static gpointer
watch_thread (gpointer data)
{
  Watch *w = data;

  if (w->once)
    w->ok = okn_sync_run_once (w->sync, &w->report, &w->error);
  else
    okn_sync_watch (w->sync, on_report, w, &w->error);
  g_main_context_invoke (NULL, quit_loop, w->loop);
  return NULL;
}

/* Runs the engine (once, or watching) in a thread of its own while the
 * main loop keeps SIGTERM/SIGINT (finish the batch in flight, then stop)
 * and, for a watch, the network monitor. */
static int
run_engine (OknSync  *sync,
            gboolean  once)
{
  GNetworkMonitor *monitor = once ? NULL : g_network_monitor_get_default ();
  Watch w = { sync, NULL, NULL, NULL, TRUE, once, FALSE, { 0 } };
  /* TRANSLATORS: what the progress line of sync --once is doing */
  OkctlProgress *progress = once ? okctl_progress_new (_("Sending")) : NULL;
  g_autoptr (GThread) thread = NULL;
  guint sigterm, sigint;
  gulong handler = 0;
  gboolean refused;

  w.loop = g_main_loop_new (NULL, FALSE);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &w);
  sigint = g_unix_signal_add (SIGINT, on_signal, &w);
  if (monitor)
    {
      w.network_up = g_network_monitor_get_network_available (monitor);
      handler = g_signal_connect (monitor, "network-changed", G_CALLBACK (on_network_changed), &w);
    }

  /* A watch runs for days under systemd: progress is for one run. */
  if (progress)
    okn_sync_set_progress_func (sync, on_progress, progress);
  thread = g_thread_new ("okn-sync", watch_thread, &w);
  g_main_loop_run (w.loop);
  g_thread_join (g_steal_pointer (&thread));
  okn_sync_set_progress_func (sync, NULL, NULL);
  g_clear_pointer (&progress, okctl_progress_free);

  if (monitor)
    g_signal_handler_disconnect (monitor, handler);
  g_source_remove (sigterm);
  g_source_remove (sigint);
  g_main_loop_unref (w.loop);
  g_free (w.last_error);
  if (once && (w.ok || (w.error && w.error->domain == OKN_SYNC_ERROR)))
    {
      g_autofree char *line = okn_sync_report_summary (&w.report);

      g_print ("%s\n", line);
      print_refusals (&w.report);
    }
  refused = once && w.report.refused > 0;
  okn_sync_report_clear (&w.report);
  if (w.error)
    {
      int code = sync_fail (w.error);

      /* Refused records need a person; a retry later does not. The
       * configuration and the storage come first. */
      return refused && code == OKCTL_EXIT_NETWORK ? OKCTL_EXIT_ATTENTION : code;
    }
  return refused ? OKCTL_EXIT_ATTENTION : OKCTL_EXIT_OK;
}

/* ---- sync ------------------------------------------------------------------ */

int
okctl_cmd_sync (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknSync) sync = NULL;
  gboolean once = FALSE;
  gboolean watch = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Push the queue, resolve tokens and pull statuses once, then exit (the default)"), NULL },
    { "watch", 0, 0, G_OPTION_ARG_NONE, &watch,
      N_("Keep syncing: on an interval, at once for new records and when the network comes back"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, NULL,
                            _("Exit status: 0 all went (or no server is configured), "
                              "5 the server refused records, which now need attention "
                              "(see okienkoctl requeue), "
                              "4 the network or the server failed or another sync runs, "
                              "2 the configuration is wrong (e.g. the API key, server.url), "
                              "3 storage."), entries))
    return OKCTL_EXIT_USAGE;
  if (once && watch)
    return okctl_usage_error (_("--once and --watch cannot be used together."));
  if (argc > 1)
    return okctl_usage_error (_("sync takes no arguments; see okienkoctl sync --help."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  sync = okn_sync_new (store, ctx->config, &error);
  if (sync == NULL)
    return sync_fail (g_steal_pointer (&error));

  return run_engine (sync, !watch);
}

/* ---- services -------------------------------------------------------------- */

static JsonNode *
services_to_json (GPtrArray  *services,
                  const char *fetched_at)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  okn_json_add_string (b, "fetched_at", fetched_at);
  json_builder_set_member_name (b, "services");
  json_builder_begin_array (b);
  for (guint i = 0; i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);
      g_autoptr (JsonNode) def = s->definition ? okn_json_parse (s->definition, -1, NULL) : NULL;

      json_builder_begin_object (b);
      okn_json_add_string (b, "service_code", s->code);
      okn_json_add_string (b, "service_name", s->name);
      okn_json_add_string (b, "description", s->description);
      okn_json_add_string (b, "group", s->group);
      okn_json_add_string (b, "keywords", s->keywords);
      okn_json_add_string (b, "type", s->type);
      okctl_json_add_bool (b, "metadata", s->metadata);
      json_builder_set_member_name (b, "definition");
      if (def)
        json_builder_add_value (b, g_steal_pointer (&def));
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The attributes a form asks, read as the desk and the kiosk read them
 * (one without a code is skipped). */
static guint
count_attributes (const char *definition)
{
  g_autoptr (OknServiceDef) def = definition ? okn_service_def_parse (definition, NULL) : NULL;

  return def ? def->attributes->len : 0;
}

int
okctl_cmd_services (OkctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autofree char *fetched_at = NULL;
  const char *action = "list";
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("[list|refresh|import FILE]"),
                            _("list: the cached Open311 service catalogue (works offline).\n"
                              "refresh: fetch it from the server now.\n"
                              "import FILE: cache the catalogue from a file (the server's services.json, "
                              "optionally with the definitions; see docs/internals/catalogue.md), for a "
                              "station without the network."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc >= 2)
    action = argv[1];
  if (g_str_equal (action, "import") ? argc != 3 : argc > 2)
    return okctl_usage_error (_("services takes one action: list, refresh or import FILE."));
  if (!g_str_equal (action, "list") && !g_str_equal (action, "refresh") && !g_str_equal (action, "import"))
    return okctl_usage_error (_("Unknown services action “%s”: use list, refresh or import FILE."), action);

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  if (g_str_equal (action, "import"))
    {
      guint n = 0;
      g_autofree char *shown = okn_text_display_line (argv[2], -1);

      if (!okn_catalogue_import (store, argv[2], &n, &error))
        return okctl_fail (g_steal_pointer (&error));
      g_print (g_dngettext (GETTEXT_PACKAGE, "Imported %u category from %s.\n",
                            "Imported %u categories from %s.\n", n), n, shown);
      return OKCTL_EXIT_OK;
    }
  if (g_str_equal (action, "refresh")
      && !okn_sync_fetch_catalogue (store, ctx->config, NULL, &error))
    return sync_fail (g_steal_pointer (&error));

  services = okn_store_list_services (store, &error);
  if (services == NULL)
    return okctl_fail (g_steal_pointer (&error));
  fetched_at = okn_store_get_meta (store, "catalogue.fetched_at");

  if (json)
    {
      g_autoptr (JsonNode) root = services_to_json (services, fetched_at);

      okctl_print_json (root);
      return OKCTL_EXIT_OK;
    }
  if (services->len == 0)
    {
      g_print ("%s\n", _("No services cached yet: run okienkoctl services refresh (needs server.url), "
                          "or okienkoctl services import FILE without the network."));
      return OKCTL_EXIT_OK;
    }
  for (guint i = 0; i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);
      guint n = count_attributes (s->definition);
      g_autofree char *code = okn_text_display_line (s->code, -1);
      g_autofree char *name = okn_text_display_line (s->name, -1);

      g_print ("%-16s %s", code, name);
      if (s->group && *s->group)
        {
          g_autofree char *group = okn_text_display_line (s->group, -1);

          g_print (" (%s)", group);
        }
      if (n > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, ", %u attribute", ", %u attributes", n), n);
      g_print ("\n");
    }
  if (fetched_at)
    g_print ("%s %s\n", _("Fetched at:"), fetched_at);
  return OKCTL_EXIT_OK;
}

/* ---- status ---------------------------------------------------------------- */

/**
 * okctl_sync_status_json:
 *
 * Adds the sync's members to the object @b is building for status --json.
 * last_error is the current trouble, null after a later success; the
 * error that success resolved stays as resolved_error (history). Both
 * name a setting that would fix them as sync does.
 */
void
okctl_sync_status_json (const OknSyncStatus *status,
                        JsonBuilder         *b)
{
  g_autofree char *last_error = error_text (status->last_error_fix, status->last_error);
  g_autofree char *resolved_error = error_text (status->resolved_error_fix, status->resolved_error);

  okn_json_add_string (b, "server_url", status->server_url);
  json_builder_set_member_name (b, "oldest_queued_age_seconds");
  if (status->oldest_queued_age >= 0)
    json_builder_add_int_value (b, status->oldest_queued_age);
  else
    json_builder_add_null_value (b);
  okn_json_add_string (b, "last_run_at", status->last_run_at);
  okn_json_add_string (b, "last_success_at", status->last_success_at);
  okn_json_add_string (b, "last_error", last_error);
  okn_json_add_string (b, "last_error_at", status->last_error_at);
  okn_json_add_string (b, "resolved_error", resolved_error);
  okn_json_add_string (b, "resolved_error_at", status->resolved_error_at);
  okn_json_add_string (b, "catalogue_fetched_at", status->catalogue_fetched_at);
  okn_json_add_string (b, "sync_health", okn_sync_health_to_string (status->health));
  okn_json_add_string (b, "kiosk_print_error", status->kiosk_print_error);
  okn_json_add_string (b, "kiosk_print_error_at", status->kiosk_print_error_at);
}

/* A status line's label, padded to the column its value starts in. */
static void
print_label (const char *label)
{
  g_print ("%-*s ", okctl_width (label, 22), label);
}

/**
 * okctl_sync_status_text:
 *
 * Prints the sync's lines of status.
 */
void
okctl_sync_status_text (const OknSyncStatus *status)
{
  if (status->oldest_queued_age >= 0)
    {
      print_label (_("Oldest queued age:"));
      g_print ("%" G_GINT64_FORMAT " s\n", status->oldest_queued_age);
    }
  print_label (_("Last sync success:"));
  g_print ("%s\n", status->last_success_at ? status->last_success_at : _("never"));
  if (status->last_error)
    {
      g_autofree char *text = error_text (status->last_error_fix, status->last_error);
      g_autofree char *safe = okn_text_display_line (text, -1);

      print_label (_("Last sync error:"));
      g_print ("%s (%s)\n", safe, status->last_error_at ? status->last_error_at : "?");
    }
  if (status->kiosk_print_error)
    {
      g_autofree char *safe = okn_text_display_line (status->kiosk_print_error, -1);

      print_label (_("Kiosk printer:"));
      g_print ("%s (%s)\n", safe, status->kiosk_print_error_at ? status->kiosk_print_error_at : "?");
    }
}

/* Label values in the exposition format escape \\, " and newlines. */
static char *
prometheus_label (const char *value)
{
  GString *s = g_string_new (NULL);

  for (const char *p = value ? value : ""; *p; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (s, '\\');
      if (*p == '\n')
        g_string_append (s, "\\n");
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

static void
prometheus_family (const char *name,
                   const char *help)
{
  g_print ("# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* A time the engine wrote (ISO 8601) as a gauge in Unix seconds; nothing
 * at all when it never happened, so that a graph does not show 1970. */
static void
prometheus_time (const char *name,
                 const char *help,
                 const char *station,
                 const char *iso)
{
  g_autoptr (GDateTime) t = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  if (t == NULL)
    return;
  prometheus_family (name, help);
  g_print ("%s{station=\"%s\"} %" G_GINT64_FORMAT "\n", name, station, g_date_time_to_unix (t));
}

/**
 * okctl_sync_status_prometheus:
 *
 * Prints what status --json says as Prometheus text exposition format
 * 0.0.4, every sample labelled with the station, for node_exporter's
 * textfile collector. Neither the server's address nor an error's text
 * (the server's words) is in it: labels are for a bounded set of values.
 */
void
okctl_sync_status_prometheus (const OknSyncStatus *status)
{
  const OknStoreStats *stats = &status->stats;
  g_autofree char *station = prometheus_label (stats->station);

  /* HELP texts stay English: they are part of the metrics' names. */
  prometheus_family ("okienko_records", "Records in the station's database, by sync state.");
  for (int s = 0; s <= OKN_SYNC_CANCELLED; s++)
    g_print ("okienko_records{station=\"%s\",state=\"%s\"} %" G_GINT64_FORMAT "\n", station,
             okn_sync_state_to_string ((OknSyncState) s), stats->per_state[s]);
  if (status->oldest_queued_age >= 0)
    {
      prometheus_family ("okienko_oldest_queued_age_seconds",
                         "Age of the oldest record waiting to be sent.");
      g_print ("okienko_oldest_queued_age_seconds{station=\"%s\"} %" G_GINT64_FORMAT "\n", station,
               status->oldest_queued_age);
    }
  prometheus_family ("okienko_sync_health",
                     "1 for the sync's health now: not-configured, never, ok or failed.");
  for (int h = OKN_SYNC_HEALTH_NOT_CONFIGURED; h <= OKN_SYNC_HEALTH_FAILED; h++)
    g_print ("okienko_sync_health{station=\"%s\",health=\"%s\"} %d\n", station,
             okn_sync_health_to_string ((OknSyncHealth) h), status->health == (OknSyncHealth) h);
  prometheus_time ("okienko_sync_last_run_timestamp_seconds", "When the last sync run ended.",
                   station, status->last_run_at);
  prometheus_time ("okienko_sync_last_success_timestamp_seconds", "When the last sync run succeeded.",
                   station, status->last_success_at);
  prometheus_time ("okienko_sync_last_error_timestamp_seconds",
                   "When the current sync trouble was last met (absent after a success).",
                   station, status->last_error ? status->last_error_at : NULL);
}

/* ---- requeue ---------------------------------------------------------------- */

static char **
strv_from_args (char **argv,
             int    n)
{
  GStrvBuilder *b = g_strv_builder_new ();
  char **out;

  for (int i = 0; i < n; i++)
    g_strv_builder_add (b, argv[i]);
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

int
okctl_cmd_requeue (OkctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_auto (GStrv) done = NULL;
  g_auto (GStrv) tickets = NULL;
  gboolean all = FALSE;
  GOptionEntry entries[] = {
    { "all-needing-attention", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Every record that needs attention"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("[--all-needing-attention | TICKET...]"),
                            _("Queues records the server refused (needs attention) again "
                              "without a correction, e.g. after server.url or the server "
                              "was fixed. Audited. A correction (edit) queues a record by "
                              "itself."), entries))
    return OKCTL_EXIT_USAGE;
  if (all == (argc > 1))
    return okctl_usage_error (_("requeue takes either --all-needing-attention or ticket IDs; "
                                "see okienkoctl requeue --help."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  tickets = all ? NULL : strv_from_args (argv + 1, argc - 1);
  if (!okn_store_requeue (store, (const char *const *) tickets, NULL, &done, &error))
    return okctl_fail (g_steal_pointer (&error));
  if (done[0] == NULL)
    g_print ("%s\n", _("No record needs attention."));
  for (guint i = 0; done[i]; i++)
    g_print ("%s\n", done[i]);
  return OKCTL_EXIT_OK;
}
