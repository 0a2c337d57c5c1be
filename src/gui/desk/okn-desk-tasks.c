/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-desk-tasks.c: reprinting, exporting and the rest off the main loop
 * (saving is the core's okn_intake_submit_async) */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "okn-desk-tasks.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-scan.h"
#include "okienko/okn-sync.h"

typedef struct
{
  char *db_path;
  char *config_path;
  OknRecord *record;
  gboolean update;
  char *actor;
  char *ticket;
  char *layout;
  char *reason;
  GDate day;
  OknExportFormat format;
  char *path;
} TaskData;

static void
task_data_free (gpointer p)
{
  TaskData *d = p;

  g_free (d->db_path);
  g_free (d->config_path);
  okn_record_free (d->record);
  g_free (d->actor);
  g_free (d->ticket);
  g_free (d->layout);
  g_free (d->reason);
  g_free (d->path);
  g_free (d);
}

/* Every task below: its data, and a thread of the default pool. */
static TaskData *
task_data_new (const char *db_path,
               const char *config_path)
{
  TaskData *d = g_new0 (TaskData, 1);

  d->db_path = g_strdup (db_path);
  d->config_path = g_strdup (config_path);
  return d;
}

static void
run_task (TaskData            *d,
          gpointer             source_tag,
          GTaskThreadFunc      func,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, d, task_data_free);
  g_task_run_in_thread (task, func);
}

static void
reprint_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknRecord) record = NULL;
  const char *one[] = { d->layout, NULL };
  g_auto (GStrv) saved = NULL;
  g_autoptr (OknTicketContent) content = NULL;
  char *printed;

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || (record = okn_store_lookup (store, d->ticket, &error)) == NULL
      || (config = okn_config_load (d->config_path, &error)) == NULL
      || (content = okn_intake_ticket_content (store, config, record)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* No layout named: what the save prints ("print again"). */
  if (d->layout == NULL)
    saved = okn_outputs_for_record (config, OKN_OUTPUTS_DESK, record);
  printed = okn_outputs_print (config, OKN_OUTPUTS_DESK, content,
                               d->layout ? one : (const char *const *) saved, cancellable, &error);
  if (printed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, printed, g_free);
}

void
okn_desk_reprint_async (const char          *db_path,
                        const char          *config_path,
                        const char          *ticket,
                        const char          *layout,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  TaskData *d = task_data_new (db_path, config_path);

  d->ticket = g_strdup (ticket);
  d->layout = g_strdup (layout);
  run_task (d, okn_desk_reprint_async, reprint_thread, cancellable, callback, user_data);
}

char *
okn_desk_reprint_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cancel_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || !okn_store_cancel (store, d->ticket, d->reason, d->actor, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * okn_desk_cancel_async:
 * @reason: why; the core refuses an empty one
 *
 * Cancels an unsent record in a thread with its own store connection: the
 * write may wait for the sync service's transaction.
 */
void
okn_desk_cancel_async (const char          *db_path,
                       const char          *ticket,
                       const char          *reason,
                       const char          *actor,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TaskData *d = task_data_new (db_path, NULL);

  d->ticket = g_strdup (ticket);
  d->reason = g_strdup (reason);
  d->actor = g_strdup (actor);
  run_task (d, okn_desk_cancel_async, cancel_thread, cancellable, callback, user_data);
}

gboolean
okn_desk_cancel_finish (GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GPtrArray) letters = NULL;
  g_autofree char *office = NULL;
  g_autofree char *station = NULL;
  char *where = NULL;
  OknRegisterHeading heading = { 0 };

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || (config = okn_config_load (d->config_path, &error)) == NULL
      || (letters = okn_register_day (store, &d->day, &error)) == NULL)
    goto fail;
  /* The save dialog asked before an existing file is replaced; the
   * database and the configuration are refused all the same (okn-file). */
  if (d->format == OKN_EXPORT_CSV)
    {
      if (!okn_register_write_csv (letters, d->path, OKN_FILE_WRITE_REPLACE, &error))
        goto fail;
      g_task_return_pointer (task, g_strdup (d->path), g_free);
      return;
    }
  office = okn_config_get_string (config, "office.name");
  station = okn_store_get_station (store, NULL);
  heading.office_name = office;
  heading.station = station;
  if (d->format == OKN_EXPORT_PDF)
    {
      if (!okn_register_write_pdf (letters, &d->day, &heading, d->path, OKN_FILE_WRITE_REPLACE,
                                   &error))
        goto fail;
      g_task_return_pointer (task, g_strdup (d->path), g_free);
      return;
    }

  /* Print: the same PDF, through the core's A4 output. */
  {
    g_autoptr (GBytes) bytes = NULL;
    char day[16];
    g_autofree char *name = NULL;

    g_date_strftime (day, sizeof day, "%Y-%m-%d", &d->day);
    name = g_strdup_printf ("register-%s.pdf", day);
    if ((bytes = okn_register_render_pdf (letters, &d->day, &heading, &error)) == NULL
        || (where = okn_outputs_print_a4_document (config, OKN_OUTPUTS_DESK, bytes, name, TRUE, cancellable,
                                                        &error)) == NULL)
      goto fail;
    g_task_return_pointer (task, where, g_free);
    return;
  }

fail:
  g_task_return_error (task, g_steal_pointer (&error));
}

void
okn_desk_export_async (const char          *db_path,
                       const char          *config_path,
                       const GDate         *day,
                       OknExportFormat      format,
                       const char          *path,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  TaskData *d = task_data_new (db_path, config_path);

  d->day = *day;
  d->format = format;
  d->path = g_strdup (path);
  run_task (d, okn_desk_export_async, export_thread, cancellable, callback, user_data);
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

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  OknScanReport *report;
  OknScanOptions options;

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || (config = okn_config_load (d->config_path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* At most scan.max_pages pages of a PDF; closing the window stops it. */
  okn_scan_options_init (&options, config);
  options.cancellable = cancellable;
  report = okn_scan_file_report (store, config, d->path, &options, &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) okn_scan_report_free);
}

/**
 * okn_desk_scan_file_async:
 * @path: a scanned image (PNG, JPEG) or PDF
 *
 * Decodes and verifies every ticket in the file (zbar, in a thread), at
 * most `scan.max_pages` pages of a PDF.
 */
void
okn_desk_scan_file_async (const char          *db_path,
                          const char          *config_path,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  TaskData *d = task_data_new (db_path, config_path);

  d->path = g_strdup (path);
  run_task (d, okn_desk_scan_file_async, scan_thread, cancellable, callback, user_data);
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

static void
read_file_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) holder = okn_record_new (OKN_KIND_REPORT);

  if (!okn_record_add_file (holder, d->path, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&holder), (GDestroyNotify) okn_record_free);
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
  TaskData *d = task_data_new (NULL, NULL);

  d->path = g_strdup (path);
  run_task (d, okn_desk_read_file_async, read_file_thread, cancellable, callback, user_data);
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

static void
senders_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) letters = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names;
  OknListFilter filter = { .has_kind = TRUE, .kind = OKN_KIND_LETTER, .limit = 2000 };

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || (letters = okn_store_list (store, &filter, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < letters->len; i++)
    {
      const char *name = ((OknRecord *) g_ptr_array_index (letters, i))->sender_name;

      if (name && g_hash_table_add (seen, (gpointer) name))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_task_return_pointer (task, names, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * okn_desk_senders_async:
 *
 * The senders of the latest 2000 letters, newest first, each once: the
 * letter form's completion. Read in a thread: with a large store the list
 * takes a while, and the clerk may already be typing.
 */
void
okn_desk_senders_async (const char          *db_path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  run_task (task_data_new (db_path, NULL), okn_desk_senders_async, senders_thread, cancellable,
            callback, user_data);
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

static void
sync_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *d = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknSync) sync = NULL;
  OknSyncReport report = { 0 };
  gboolean ok;

  if ((store = okn_store_open (d->db_path, &error)) == NULL
      || (config = okn_config_load (d->config_path, &error)) == NULL
      || (sync = okn_sync_new (store, config, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  ok = okn_sync_run_once (sync, &report, &error);
  if (!ok)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, okn_sync_report_summary (&report), g_free);
  okn_sync_report_clear (&report);
}

/**
 * okn_desk_sync_async:
 *
 * One run of the core's sync engine (push, tokens, statuses, catalogue) in
 * a thread with its own store connection.
 */
void
okn_desk_sync_async (const char          *db_path,
                     const char          *config_path,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  TaskData *d = task_data_new (db_path, config_path);

  run_task (d, okn_desk_sync_async, sync_thread, cancellable, callback, user_data);
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
