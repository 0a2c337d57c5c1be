/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-status.h: where this station stands with the server, for displays
 *
 * The desk's status line, the kiosk's staff screen and `okienkoctl status`
 * show the same facts: the queue, the last success, the current trouble.
 * They read them here, not from the store's `sync.*` meta keys, so the
 * rule for "the last sync failed" is written once.
 * Contract: docs/internals/sync-status.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-config.h"
#include "okienko/okn-setting-fix.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

/* A kiosk's last print failure, kept in the store's meta table by the
 * intake (kiosk profile) until a later ticket prints. */
#define OKN_META_KIOSK_PRINT_ERROR    "kiosk.print_error"
#define OKN_META_KIOSK_PRINT_ERROR_AT "kiosk.print_error_at"

/* What a display says about the last sync, in one word. */
typedef enum
{
  OKN_SYNC_HEALTH_NOT_CONFIGURED,  /* no server.url: working offline on purpose */
  OKN_SYNC_HEALTH_NEVER,           /* configured, but no run has succeeded yet */
  OKN_SYNC_HEALTH_OK,              /* the last run succeeded */
  OKN_SYNC_HEALTH_FAILED,          /* a run failed after the last success */
} OknSyncHealth;

typedef struct
{
  OknStoreStats stats;           /* station, totals, per state, oldest queued */
  char *server_url;              /* (nullable) server.url as it may be shown (masked) */
  OknSyncHealth health;
  gint64 oldest_queued_age;      /* seconds; -1 when nothing is queued */
  char *last_run_at;             /* (nullable) ISO 8601, as the engine wrote them */
  char *last_success_at;         /* (nullable) */
  char *last_error;              /* (nullable) the current trouble; outside text */
  char *last_error_at;           /* (nullable) */
  OknSettingFix *last_error_fix; /* (nullable) the setting that would fix it, for a
                                  * front end to name its way; NULL: show last_error */
  char *resolved_error;          /* (nullable) the error a later success resolved */
  char *resolved_error_at;       /* (nullable) */
  OknSettingFix *resolved_error_fix; /* (nullable) as last_error_fix */
  char *catalogue_fetched_at;    /* (nullable) */
  char *kiosk_print_error;       /* (nullable) why the kiosk's last ticket did not print */
  char *kiosk_print_error_at;    /* (nullable) */
} OknSyncStatus;

OknSyncStatus *okn_sync_status_read       (OknStore   *store,
                                           OknConfig  *config,
                                           GDateTime  *now,
                                           GError    **error);
void           okn_sync_status_free       (OknSyncStatus *status);
const char    *okn_sync_health_to_string  (OknSyncHealth health);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknSyncStatus, okn_sync_status_free)

G_END_DECLS
