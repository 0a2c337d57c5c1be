/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-context.h: what every view of a station works with
 *
 * The store (the main thread's connection), the configuration, the
 * operator, and a sync monitor that says when the sync's state may have
 * changed. The desk's window, forms and pages, and the kiosk's screens,
 * are given one OknContext (as gnome-calendar's widgets are given a
 * GcalContext) instead of reaching back into the application.
 * Contract: docs/internals/context.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-store.h"
#include "okienko/okn-sync-status.h"

G_BEGIN_DECLS

#define OKN_TYPE_CONTEXT (okn_context_get_type ())
G_DECLARE_FINAL_TYPE (OknContext, okn_context, OKN, CONTEXT, GObject)

OknContext    *okn_context_new              (const char *db_path,
                                             OknStore   *store,
                                             OknConfig  *config,
                                             const char *operator_name);
OknStore      *okn_context_get_store        (OknContext *self);
const char    *okn_context_get_db_path      (OknContext *self);
OknConfig     *okn_context_get_config       (OknContext *self);
const char    *okn_context_get_config_path  (OknContext *self);
void           okn_context_set_config       (OknContext *self,
                                             OknConfig  *config);
const char    *okn_context_get_operator     (OknContext *self);

OknSyncStatus *okn_context_read_sync_status (OknContext  *self,
                                             GError     **error);
void           okn_context_sync_changed     (OknContext *self);
void           okn_context_watch_sync       (OknContext *self,
                                             guint       seconds);

/**
 * OknContextThread:
 * @store: (nullable): the thread's own store connection; %NULL when the
 *   task was given no store
 * @config: (nullable): the configuration, loaded in the thread; %NULL when
 *   the task was given none, or when it could not be read (@config_error)
 * @config_error: (nullable): why the configuration could not be read; the
 *   work decides whether that stops it
 * @cancellable: (nullable): the task's
 *
 * What a station's work is given in its thread by
 * okn_context_run_in_thread().
 */
typedef struct
{
  OknStore *store;
  OknConfig *config;
  const GError *config_error;
  GCancellable *cancellable;
} OknContextThread;

/**
 * OknContextWork:
 * @data: the caller's data, as given to okn_context_run_in_thread()
 * @thread: the store, configuration and cancellable of the thread
 *
 * A station's blocking work, run in a thread by okn_context_run_in_thread().
 *
 * Returns: (nullable): the task's result; %NULL with @error set
 */
typedef gpointer (*OknContextWork) (gpointer                data,
                                    const OknContextThread *thread,
                                    GError                **error);

void           okn_context_run_in_thread    (GTask          *task,
                                             const char     *db_path,
                                             const char     *config_path,
                                             OknContextWork  work,
                                             gpointer        data,
                                             GDestroyNotify  data_free,
                                             GDestroyNotify  result_free);

G_END_DECLS
