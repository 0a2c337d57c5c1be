/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync.h: the sync engine between the local store and the central server
 *
 * One OknSync per database at a time (a file lock next to the database).
 * It pushes the outbox, resolves tokens, pulls statuses and refreshes the
 * catalogue, through an OknBackend (Open311 at server.url by default). Every call is blocking and belongs to the thread that made the
 * engine, except okn_sync_wake() and okn_sync_stop(), which any thread (or a
 * signal handler's main loop) may call.
 * Contract: docs/internals/sync.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-backend.h"
#include "okienko/okn-config.h"
#include "okienko/okn-setting-fix.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_SYNC_ERROR (okn_sync_error_quark ())

typedef enum
{
  OKN_SYNC_ERROR_LOCKED,   /* another sync is running on this database */
  OKN_SYNC_ERROR_CONFIG,   /* the configuration cannot work (bad key, TLS files, ...) */
  OKN_SYNC_ERROR_NETWORK,  /* the network or the server failed: records wait for a retry */
} OknSyncError;

typedef struct
{
  gboolean offline;        /* no server.url: nothing was tried */
  gboolean catalogue_refreshed;
  guint services;          /* in the refreshed catalogue */
  guint sent;              /* synced with a service_request_id from a POST */
  guint adopted;           /* synced by finding the ticket marker on the server */
  guint tokens;            /* answered with a token: awaiting-id */
  guint resolved;          /* tokens resolved to a service_request_id */
  guint retried;           /* failed transiently: queued again with a backoff */
  guint refused;           /* refused by the server: needs-attention */
  guint polled;            /* cases whose status was asked for */
  guint status_changes;    /* of those, cases whose status changed */
  gint64 waiting;          /* records still queued after the run */
  gint64 awaiting_id;      /* records still waiting for their token */
  guint purged;            /* records whose personal data the daily purge cleared */
  char *last_error;        /* (nullable) the last error met (no secrets) */
  GPtrArray *refusals;     /* (nullable) (element-type utf8) "TICKET: the server's words"
                            * for each record refused in this run (server text: show it
                            * through okn_text_display_line()) */
} OknSyncReport;

typedef struct _OknSync OknSync;

/* Called in the engine's thread after each batch okn_sync_run_once() or a
 * watch's run pushed: @done records of the @total that were queued when the
 * push began have been tried (sent, refused or left to retry). */
typedef void (*OknSyncProgressFunc) (guint    done,
                                     guint    total,
                                     gpointer user_data);

/* Called after each run of okn_sync_watch(), in its thread. @error is the
 * run's error, %NULL when everything went. */
typedef void (*OknSyncReportFunc) (const OknSyncReport *report,
                                   const GError        *error,
                                   gpointer             user_data);

GQuark    okn_sync_error_quark  (void);
const OknSettingFix *okn_sync_error_get_setting_fix (const GError *error);

OknSync  *okn_sync_new          (OknStore  *store,
                                 OknConfig *config,
                                 GError   **error);
OknSync  *okn_sync_new_for_backend (OknStore   *store,
                                    OknConfig  *config,
                                    OknBackend *backend,
                                    GError    **error);
void      okn_sync_free         (OknSync *sync);
gboolean  okn_sync_is_offline   (OknSync *sync);

gboolean  okn_sync_run_once     (OknSync       *sync,
                                 OknSyncReport *report,
                                 GError       **error);
gboolean  okn_sync_fetch_catalogue (OknStore  *store,
                                    OknConfig *config,
                                    guint     *n_services,
                                    GError   **error);
gboolean  okn_sync_watch        (OknSync           *sync,
                                 OknSyncReportFunc  func,
                                 gpointer           user_data,
                                 GError           **error);
void      okn_sync_set_progress_func (OknSync             *sync,
                                      OknSyncProgressFunc  func,
                                      gpointer             user_data);
void      okn_sync_wake         (OknSync *sync);
void      okn_sync_stop         (OknSync *sync);

gint64    okn_sync_backoff_us   (guint  attempts,
                                 gint64 base_us,
                                 gint64 cap_us,
                                 gint64 retry_after_s,
                                 double random01);

void      okn_sync_report_clear (OknSyncReport *report);
char     *okn_sync_report_summary (const OknSyncReport *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknSync, okn_sync_free)

G_END_DECLS
