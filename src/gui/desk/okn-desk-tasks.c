/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-desk-tasks.c: reprinting, exporting and the rest off the main loop
 * (saving is the core's okn_intake_submit_async)
 *
 * Every task is one core call in a thread of the default pool, with its
 * own store connection and configuration: okn_context_run_in_thread()
 * opens them and calls the task's work function. */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "okn-desk-tasks.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-scan.h"
#include "okienko/okn-sync.h"

typedef struct _TaskData TaskData;

/* A task's work, in the thread: returns its result, or NULL with @error
 * set. @store is NULL for a task given no store, @config for a task given
 * no configuration. */
typedef gpointer (*TaskWork) (TaskData      *d,
                              OknStore      *store,
                              OknConfig     *config,
                              GCancellable  *cancellable,
                              GError       **error);

struct _TaskData
{
  TaskWork work;
  GDestroyNotify result_free;
  char *db_path;
  char *config_path;
  char *actor;
  char *ticket;
  char *layout;
  char *reason;
  GDate day;
  OknExportFormat format;
  char *path;
};

static void
task_data_free (gpointer p)
{
  TaskData *d = p;

  g_free (d->db_path);
  g_free (d->config_path);
  g_free (d->actor);
  g_free (d->ticket);
  g_free (d->layout);
  g_free (d->reason);
  g_free (d->path);
  g_free (d);
}

/* @context: (nullable): the station, for a task given a store: its paths
 * are copied here, on the main thread, as a reload may replace the
 * configuration while the task runs
 * @with_config: whether the task is given a configuration too */
static TaskData *
task_data_new (TaskWork        work,
               GDestroyNotify  result_free,
               OknContext     *context,
               gboolean        with_config)
{
  TaskData *d = g_new0 (TaskData, 1);

  d->work = work;
  d->result_free = result_free;
  if (context)
    d->db_path = g_strdup (okn_context_get_db_path (context));
  if (context && with_config)
    d->config_path = g_strdup (okn_context_get_config_path (context));
  return d;
}

/* Every desk task given a configuration needs it. */
static gpointer
task_work (gpointer                data,
           const OknContextThread *thread,
           GError                **error)
{
  TaskData *d = data;

  if (thread->config_error)
    {
      g_propagate_error (error, g_error_copy (thread->config_error));
      return NULL;
    }
  return d->work (d, thread->store, thread->config, thread->cancellable, error);
}

static void
run_task (TaskData            *d,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  okn_context_run_in_thread (task, d->db_path, d->config_path, task_work, d, task_data_free,
                             d->result_free);
}

static gpointer
reprint_work (TaskData      *d,
              OknStore      *store,
              OknConfig     *config,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (OknRecord) record = NULL;
  const char *one[] = { d->layout, NULL };
  g_auto (GStrv) saved = NULL;
  g_autoptr (OknTicketContent) content = NULL;

  if ((record = okn_store_lookup (store, d->ticket, error)) == NULL)
    return NULL;
  content = okn_intake_ticket_content (store, config, record);
  /* No layout named: what the save prints ("print again"). */
  if (d->layout == NULL)
    saved = okn_outputs_for_record (config, OKN_OUTPUTS_DESK, record);
  return okn_outputs_print (config, OKN_OUTPUTS_DESK, content,
                            d->layout ? one : (const char *const *) saved, cancellable, error);
}

void
okn_desk_reprint_async (OknContext          *context,
                        const char          *ticket,
                        const char          *layout,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  TaskData *d = task_data_new (reprint_work, g_free, context, TRUE);

  d->ticket = g_strdup (ticket);
  d->layout = g_strdup (layout);
  run_task (d, okn_desk_reprint_async, cancellable, callback, user_data);
}

char *
okn_desk_reprint_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
cancel_work (TaskData      *d,
             OknStore      *store,
             OknConfig     *config,
             GCancellable  *cancellable,
             GError       **error)
{
  /* Nothing to hand back but success. */
  return okn_store_cancel (store, d->ticket, d->reason, d->actor, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * okn_desk_cancel_async:
 * @reason: why; the core refuses an empty one
 *
 * Cancels an unsent record, in the audit log under the context's
 * operator, in a thread with its own store connection: the write may wait
 * for the sync service's transaction.
 */
void
okn_desk_cancel_async (OknContext          *context,
                       const char          *ticket,
                       const char          *reason,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TaskData *d = task_data_new (cancel_work, NULL, context, FALSE);

  d->ticket = g_strdup (ticket);
  d->reason = g_strdup (reason);
  d->actor = g_strdup (okn_context_get_operator (context));
  run_task (d, okn_desk_cancel_async, cancellable, callback, user_data);
}

gboolean
okn_desk_cancel_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error) != NULL;
}

static gpointer
export_work (TaskData      *d,
             OknStore      *store,
             OknConfig     *config,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr (GPtrArray) letters = NULL;
  g_autofree OknRegisterHeading *heading = NULL;
  g_autoptr (GBytes) bytes = NULL;
  char day[16];
  g_autofree char *name = NULL;

  if ((letters = okn_register_day (store, &d->day, error)) == NULL)
    return NULL;
  /* The save dialog asked before an existing file is replaced; the
   * database and the configuration are refused all the same (okn-file). */
  if (d->format == OKN_EXPORT_CSV)
    return okn_register_write_csv (letters, d->path, OKN_FILE_WRITE_REPLACE, error) ? g_strdup (d->path) : NULL;
  heading = okn_register_heading_new (store, config);
  if (d->format == OKN_EXPORT_PDF)
    return okn_register_write_pdf (letters, &d->day, heading, d->path, OKN_FILE_WRITE_REPLACE, error)
             ? g_strdup (d->path) : NULL;

  /* Print: the same PDF, through the core's A4 output. */
  g_date_strftime (day, sizeof day, "%Y-%m-%d", &d->day);
  name = g_strdup_printf ("register-%s.pdf", day);
  if ((bytes = okn_register_render_pdf (letters, &d->day, heading, error)) == NULL)
    return NULL;
  return okn_outputs_print_a4_document (config, OKN_OUTPUTS_DESK, bytes, name, TRUE, cancellable, error);
}

void
okn_desk_export_async (OknContext          *context,
                       const GDate         *day,
                       OknExportFormat      format,
                       const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TaskData *d = task_data_new (export_work, g_free, context, TRUE);

  d->day = *day;
  d->format = format;
  d->path = g_strdup (path);
  run_task (d, okn_desk_export_async, cancellable, callback, user_data);
}

/**
 * okn_desk_export_finish:
 *
 * Returns: (transfer full): where the register went (a path or a printer)
 */
char *
okn_desk_export_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
scan_work (TaskData      *d,
           OknStore      *store,
           OknConfig     *config,
           GCancellable  *cancellable,
           GError       **error)
{
  OknScanOptions options;

  /* At most scan.max_pages pages of a PDF; closing the window stops it. */
  okn_scan_options_init (&options, config);
  options.cancellable = cancellable;
  return okn_scan_file_report (store, config, d->path, &options, error);
}

/**
 * okn_desk_scan_file_async:
 * @path: a scanned image (PNG, JPEG) or PDF
 *
 * Decodes and verifies every ticket in the file (zbar, in a thread), at
 * most `scan.max_pages` pages of a PDF.
 */
void
okn_desk_scan_file_async (OknContext          *context,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TaskData *d = task_data_new (scan_work, (GDestroyNotify) okn_scan_report_free, context, TRUE);

  d->path = g_strdup (path);
  run_task (d, okn_desk_scan_file_async, cancellable, callback, user_data);
}

/**
 * okn_desk_scan_file_finish:
 *
 * Returns: (transfer full): what was found, page by page
 */
OknScanReport *
okn_desk_scan_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
read_file_work (TaskData      *d,
                OknStore      *store,
                OknConfig     *config,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr (OknRecord) holder = okn_record_new (OKN_KIND_REPORT);

  return okn_record_add_file (holder, d->path, error) ? g_steal_pointer (&holder) : NULL;
}

/**
 * okn_desk_read_file_async:
 * @path: a photo or scan to attach to a report
 *
 * Reads and checks the file through the core (okn_record_add_file: up to
 * 20 MiB, hashed) in a thread: a large photo, or one on a network share,
 * does not hold up the window.
 */
void
okn_desk_read_file_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TaskData *d = task_data_new (read_file_work, (GDestroyNotify) okn_record_free, NULL, FALSE);

  d->path = g_strdup (path);
  run_task (d, okn_desk_read_file_async, cancellable, callback, user_data);
}

/**
 * okn_desk_read_file_finish:
 *
 * Returns: (transfer full): a report record holding just the file, as
 *   the core read it
 */
OknRecord *
okn_desk_read_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
senders_work (TaskData      *d,
              OknStore      *store,
              OknConfig     *config,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr (GPtrArray) letters = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names;
  OknListFilter filter = { .has_kind = TRUE, .kind = OKN_KIND_LETTER, .limit = 2000 };

  if ((letters = okn_store_list (store, &filter, error)) == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < letters->len; i++)
    {
      const char *name = ((OknRecord *) g_ptr_array_index (letters, i))->sender_name;

      if (name && g_hash_table_add (seen, (gpointer) name))
        g_ptr_array_add (names, g_strdup (name));
    }
  return names;
}

/**
 * okn_desk_senders_async:
 *
 * The senders of the latest 2000 letters, newest first, each once: the
 * letter form's completion. Read in a thread: with a large store the list
 * takes a while, and the clerk may already be typing.
 */
void
okn_desk_senders_async (OknContext          *context,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  run_task (task_data_new (senders_work, (GDestroyNotify) g_ptr_array_unref, context, FALSE),
            okn_desk_senders_async, cancellable, callback, user_data);
}

/**
 * okn_desk_senders_finish:
 *
 * Returns: (transfer full) (element-type utf8): the names
 */
GPtrArray *
okn_desk_senders_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
sync_work (TaskData      *d,
           OknStore      *store,
           OknConfig     *config,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr (OknSync) sync = NULL;
  OknSyncReport report = { 0 };
  char *summary = NULL;

  if ((sync = okn_sync_new (store, config, error)) != NULL && okn_sync_run_once (sync, &report, error))
    summary = okn_sync_report_summary (&report);
  okn_sync_report_clear (&report);
  return summary;
}

/**
 * okn_desk_sync_async:
 *
 * One run of the core's sync engine (push, tokens, statuses, catalogue) in
 * a thread with its own store connection.
 */
void
okn_desk_sync_async (OknContext          *context,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  run_task (task_data_new (sync_work, g_free, context, TRUE),
            okn_desk_sync_async, cancellable, callback, user_data);
}

/**
 * okn_desk_sync_finish:
 *
 * Returns: (transfer full): the run's one-line summary
 */
char *
okn_desk_sync_finish (GAsyncResult  *result,
                      GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
