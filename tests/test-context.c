/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-context.c: what every view of a station is given */
#include "config.h"

#include <locale.h>
#include <glib.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"

static void
count (guint *counter)
{
  (*counter)++;
}

/* The context holds the store, the configuration and the operator; a
 * reloaded configuration is announced; the sync monitor says when to look
 * again, on demand and on its clock. */
static void
test_context (void)
{
  OknTestStation s;
  OknStore *store;
  g_autoptr (OknContext) context = NULL;
  g_autoptr (OknConfig) reloaded = NULL;
  g_autoptr (OknSyncStatus) status = NULL;
  g_autoptr (GError) error = NULL;
  OknConfig *kept = NULL;
  guint config_changes = 0;
  guint sync_changes = 0;
  gint64 end;

  /* The context takes the connection and the configuration. */
  okn_test_station_init (&s, "K03");
  store = s.store;
  context = okn_context_new (s.db, g_steal_pointer (&s.store), g_steal_pointer (&s.config), "anna");
  reloaded = okn_config_new (s.conf);
  g_assert_true (okn_context_get_store (context) == store);
  g_assert_cmpstr (okn_context_get_db_path (context), ==, s.db);
  g_assert_cmpstr (okn_context_get_config_path (context), ==, s.conf);
  g_assert_cmpstr (okn_context_get_operator (context), ==, "anna");

  g_signal_connect_swapped (context, "notify::config", G_CALLBACK (count), &config_changes);
  g_assert_true (okn_config_set (reloaded, "server.url", "https://city.example/open311", &error));
  kept = reloaded;
  okn_context_set_config (context, g_steal_pointer (&reloaded));
  g_assert_cmpuint (config_changes, ==, 1);
  g_assert_true (okn_context_get_config (context) == kept);

  status = okn_context_read_sync_status (context, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->health, ==, OKN_SYNC_HEALTH_NEVER);
  g_assert_cmpstr (status->stats.station, ==, "K03");

  g_signal_connect_swapped (context, "sync-changed", G_CALLBACK (count), &sync_changes);
  okn_context_sync_changed (context);
  g_assert_cmpuint (sync_changes, ==, 1);
  okn_context_watch_sync (context, 1);
  end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;
  while (sync_changes < 2 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (sync_changes, >=, 2);
  okn_context_watch_sync (context, 0);
  g_clear_object (&context);
  okn_test_station_clear (&s);
}

/* What a work saw in its thread, for the main thread to check. */
static gpointer
note_thread (gpointer                data,
             const OknContextThread *thread,
             GError                **error)
{
  g_autofree char *station = thread->store ? okn_store_get_station (thread->store, NULL) : NULL;

  return g_strdup_printf ("store %s, config %s, config error %s",
                          station ? station : "none",
                          thread->config ? "loaded" : "none",
                          thread->config_error ? "given" : "none");
}

typedef struct
{
  char *text;
  GError *error;
  gboolean done;
} Outcome;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Outcome *o = data;

  o->text = g_task_propagate_pointer (G_TASK (result), &o->error);
  o->done = TRUE;
}

static void
run_in_thread (const char *db,
               const char *conf,
               Outcome    *o)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, on_done, o);

  okn_context_run_in_thread (task, db, conf, note_thread, NULL, NULL, g_free);
  g_clear_object (&task);
  while (!o->done)
    g_main_context_iteration (NULL, TRUE);
}

/* A station's blocking work gets its own store connection and
 * configuration in its thread; a configuration that cannot be read is
 * handed to the work (the intake still stores), a store that cannot be
 * opened fails the task before the work runs. */
static void
test_run_in_thread (void)
{
  g_auto (OknTestStation) s = { 0 };
  g_autofree char *not_a_store = NULL;
  Outcome o = { 0 };
  g_autoptr (GError) error = NULL;

  okn_test_station_init (&s, "K03");
  g_assert_true (okn_config_set (s.config, "office.name", "Urząd", &error));
  g_assert_true (okn_config_save (s.config, &error));

  run_in_thread (s.db, s.conf, &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.text, ==, "store K03, config loaded, config error none");
  g_clear_pointer (&o.text, g_free);

  o = (Outcome) { 0 };
  run_in_thread (NULL, NULL, &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.text, ==, "store none, config none, config error none");
  g_clear_pointer (&o.text, g_free);

  g_assert_true (g_file_set_contents (s.conf, "[office\nname=\n", -1, &error));
  o = (Outcome) { 0 };
  run_in_thread (s.db, s.conf, &o);
  g_assert_no_error (o.error);
  g_assert_cmpstr (o.text, ==, "store K03, config none, config error given");
  g_clear_pointer (&o.text, g_free);

  not_a_store = g_build_filename (s.dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (not_a_store, "not a database\n", -1, &error));
  o = (Outcome) { 0 };
  run_in_thread (not_a_store, s.conf, &o);
  g_assert_nonnull (o.error);
  g_assert_null (o.text);
  g_clear_error (&o.error);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/context/context", test_context);
  g_test_add_func ("/context/run-in-thread", test_run_in_thread);
  return g_test_run ();
}
