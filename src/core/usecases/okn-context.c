/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-context.c: what every view of a station works with */
#define G_LOG_DOMAIN "okn-context"

#include "config.h"

#include "okienko/okn-context.h"

struct _OknContext
{
  GObject parent_instance;

  char *db_path;
  OknStore *store;        /* the main thread's connection; threads open their own */
  OknConfig *config;
  char *operator_name;
  guint sync_source;      /* the sync monitor's clock */
};

G_DEFINE_FINAL_TYPE (OknContext, okn_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SYNC_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
okn_context_finalize (GObject *object)
{
  OknContext *self = OKN_CONTEXT (object);

  g_clear_handle_id (&self->sync_source, g_source_remove);
  g_clear_pointer (&self->store, okn_store_close);
  g_clear_pointer (&self->config, okn_config_free);
  g_free (self->db_path);
  g_free (self->operator_name);
  G_OBJECT_CLASS (okn_context_parent_class)->finalize (object);
}

static void
okn_context_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  OknContext *self = OKN_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_pointer (value, self->config);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_context_class_init (OknContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = okn_context_finalize;
  object_class->get_property = okn_context_get_property;

  /**
   * OknContext:config:
   *
   * The configuration; notified when it is reloaded (Preferences).
   */
  properties[PROP_CONFIG] = g_param_spec_pointer ("config", NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OknContext::sync-changed:
   *
   * The sync's state may have changed (a run ended, a record was saved,
   * the monitor's clock ticked): read it again
   * (okn_context_read_sync_status()).
   */
  signals[SYNC_CHANGED] = g_signal_new ("sync-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
okn_context_init (OknContext *self)
{
}

/**
 * okn_context_new:
 * @db_path: the store's file (threads open their own connections to it)
 * @store: (transfer full): the main thread's connection
 * @config: (transfer full): the configuration
 * @operator_name: (nullable): who works here, for the audit log
 *
 * Returns: (transfer full): the context
 */
OknContext *
okn_context_new (const char *db_path,
                 OknStore   *store,
                 OknConfig  *config,
                 const char *operator_name)
{
  OknContext *self = g_object_new (OKN_TYPE_CONTEXT, NULL);

  g_return_val_if_fail (store != NULL && config != NULL, self);
  self->db_path = g_strdup (db_path);
  self->store = store;
  self->config = config;
  self->operator_name = g_strdup (operator_name);
  return self;
}

/**
 * okn_context_get_store:
 *
 * Returns: (transfer none): the main thread's store connection
 */
OknStore *
okn_context_get_store (OknContext *self)
{
  return self->store;
}

const char *
okn_context_get_db_path (OknContext *self)
{
  return self->db_path;
}

/**
 * okn_context_get_config:
 *
 * Returns: (transfer none): the configuration; a reload replaces it
 *   (notify::config), so do not keep it
 */
OknConfig *
okn_context_get_config (OknContext *self)
{
  return self->config;
}

/**
 * okn_context_get_config_path:
 *
 * Returns: (nullable): the configuration's file, for threads that load
 *   their own
 */
const char *
okn_context_get_config_path (OknContext *self)
{
  return okn_config_get_path (self->config);
}

/**
 * okn_context_set_config:
 * @config: (transfer full): the configuration, reloaded
 */
void
okn_context_set_config (OknContext *self,
                        OknConfig  *config)
{
  g_return_if_fail (config != NULL);
  if (config == self->config)
    return;
  g_clear_pointer (&self->config, okn_config_free);
  self->config = config;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIG]);
}

const char *
okn_context_get_operator (OknContext *self)
{
  return self->operator_name;
}

/**
 * okn_context_read_sync_status:
 *
 * The sync's state now, through the main thread's connection
 * (okn_sync_status_read()).
 *
 * Returns: (transfer full) (nullable): the status
 */
OknSyncStatus *
okn_context_read_sync_status (OknContext  *self,
                              GError     **error)
{
  return okn_sync_status_read (self->store, self->config, NULL, error);
}

/**
 * okn_context_sync_changed:
 *
 * Tells every view that the sync's state may have changed (::sync-changed).
 */
void
okn_context_sync_changed (OknContext *self)
{
  g_signal_emit (self, signals[SYNC_CHANGED], 0);
}

static gboolean
on_sync_tick (gpointer data)
{
  okn_context_sync_changed (data);
  return G_SOURCE_CONTINUE;
}

/**
 * okn_context_watch_sync:
 * @seconds: how often; 0 stops
 *
 * The sync service runs in another process: every @seconds the monitor
 * says the state may have changed (::sync-changed), so a status line
 * follows it.
 */
void
okn_context_watch_sync (OknContext *self,
                        guint       seconds)
{
  g_clear_handle_id (&self->sync_source, g_source_remove);
  if (seconds > 0)
    self->sync_source = g_timeout_add_seconds (seconds, on_sync_tick, self);
}

/* What okn_context_run_in_thread() hands its thread. */
typedef struct
{
  const char *db_path;
  const char *config_path;
  OknContextWork work;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} ThreadJob;

static void
thread_job_free (gpointer p)
{
  ThreadJob *job = p;

  if (job->data_free)
    job->data_free (job->data);
  g_free (job);
}

static void
thread_job_run (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ThreadJob *job = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) config_error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  OknContextThread thread;
  gpointer result;

  if (job->db_path && (store = okn_store_open (job->db_path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (job->config_path)
    config = okn_config_load (job->config_path, &config_error);
  thread = (OknContextThread) { store, config, config_error, cancellable };
  result = job->work (job->data, &thread, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, job->result_free);
}

/**
 * okn_context_run_in_thread:
 * @task: the task, its source tag set; its task data is set here
 * @db_path: (nullable): the store's file: the thread opens its own
 *   connection (SQLite connections are not shared between threads); a store
 *   that cannot be opened fails the task before @work runs. %NULL: no store
 * @config_path: (nullable): the configuration's file, loaded in the thread
 *   (a reload on the main thread may replace the context's while the task
 *   runs). %NULL: no configuration
 * @work: the work, called in the thread
 * @data: (transfer full): what @work is given; @db_path and @config_path
 *   must live as long as it (keep the copies in it)
 * @data_free: (nullable): frees @data
 * @result_free: (nullable): frees @work's result if no one takes it
 *
 * Runs a station's blocking work (storing, printing, exporting, a sync)
 * in a thread of its own, with the store and configuration opened there:
 * the desk's tasks and the intake's okn_intake_submit_async() alike.
 */
void
okn_context_run_in_thread (GTask          *task,
                           const char     *db_path,
                           const char     *config_path,
                           OknContextWork  work,
                           gpointer        data,
                           GDestroyNotify  data_free,
                           GDestroyNotify  result_free)
{
  ThreadJob job = { db_path, config_path, work, data, data_free, result_free };

  g_task_set_task_data (task, g_memdup2 (&job, sizeof job), thread_job_free);
  g_task_run_in_thread (task, thread_job_run);
}
