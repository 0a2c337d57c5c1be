/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-sync-private.h: what the sync engine's files share: the engine's
 * state, a run's errors, the outcomes of a batch, and the phases */
#pragma once

#include "okienko/okn-backend.h"
#include "okienko/okn-sync.h"

G_BEGIN_DECLS

struct _OknSync
{
  OknStore *store;             /* not owned */
  OknConfig *config;           /* not owned */
  OknBackend *backend;         /* (nullable) NULL: no server.url, offline */
  GCancellable *cancellable;   /* okn_sync_stop(): requests not started are not sent */
  char *lock_path;
  int lock_fd;

  guint push_batch;
  gint64 base_us;
  gint64 cap_us;
  gint64 interval_us;
  gint64 catalogue_max_age_us;
  gboolean definitions_set;
  GHashTable *markers;         /* service code → OknMarkerCache, for one run */
  guint search_budget;         /* GETs left to the marker refresh under way */
  gboolean watching;           /* in okn_sync_watch(): statuses on the interval only */
  gint64 last_poll;            /* monotonic time of the last status pull */
  guint kinds;                 /* OKN_OUTBOX_KIND bits of what can be sent */
  GError *blocked_why[OKN_KIND_REPORT + 1];  /* why a kind cannot be sent, from the back end */
  gboolean stopped_on_config;  /* the last run stopped on the configuration */
  GHashTable *token_waits;     /* record id → OknTokenWait, in a watch */
  GHashTable *unwritten;       /* record id → OknUnwritten: what the server answered in a batch
                                * the store could not write down */
  gint64 next_token_poll;      /* monotonic; 0: no token pending */
  OknSyncProgressFunc progress;  /* (nullable) */
  gpointer progress_data;

  GMutex mutex;
  GCond cond;
  gboolean wake;               /* under mutex */
};

/* What the server holds in a time window, by our tickets' markers. */
typedef struct
{
  GHashTable *ids;             /* ticket → service_request_id */
  gint64 from_us;              /* every request from here ... */
  gint64 until_us;             /* ... to here has been seen; 0: nothing yet */
} OknMarkerCache;

/* A token still without its case number, in a watch. */
typedef struct
{
  guint polls;
  gint64 next;                 /* monotonic */
} OknTokenWait;

/* A case number or a token the server gave for a record, kept by the
 * engine while the store could not write it down (okn-sync-push.c). */
typedef struct
{
  OknOutcomeKind kind;         /* SENT or TOKEN */
  char *server_id;             /* SENT: (nullable) */
  char *token;                 /* TOKEN */
  char *error;                 /* SENT without a case number: why */
} OknUnwritten;

/* What one run met, beyond the counts. */
typedef struct
{
  GError *fatal;               /* OKN_SYNC_ERROR_CONFIG: the run stopped */
  GError *blocked;             /* OKN_SYNC_ERROR_CONFIG: a kind cannot be sent, the rest went */
  GError *network;             /* OKN_SYNC_ERROR_NETWORK: something waits */
  OknSyncReport *report;
  gint64 started_us;           /* real time: the push takes what was due then */
} OknSyncRun;

/* The outcomes of a batch, written to the store in one transaction. */
typedef struct
{
  GPtrArray *outcomes;         /* OknOutcome, owned */
  GPtrArray *records;          /* OknRecord, not owned: each outcome's, for the log */
  GPtrArray *strings;          /* what the outcomes point to */
} OknOutcomes;

/* okn-sync.c: a run's errors */
GError      *okn_sync_error_new_from     (OknSyncError  code,
                                          const GError *cause);
GError      *okn_sync_error_new_for_setting (OknSyncError   code,
                                             OknSettingFix *fix);
void         okn_sync_note_error         (OknSyncReport *report,
                                          const char    *message);
void         okn_sync_note_refusal       (OknSyncReport *report,
                                          const char    *ticket,
                                          const char    *said);
void         okn_sync_run_network        (OknSyncRun   *run,
                                          const GError *cause);
void         okn_sync_run_fatal          (OknSyncRun   *run,
                                          const GError *cause);
gboolean     okn_sync_is_cancelled       (const GError *error);
void         okn_sync_run_backend_error  (OknSyncRun   *run,
                                          const GError *error);
gboolean     okn_sync_stopping           (OknSync *sync);
OknBackend  *okn_sync_backend_for_config (OknConfig *config,
                                          GError   **error);

/* okn-sync.c: outcomes */
void         okn_outcomes_init           (OknOutcomes *o);
void         okn_outcomes_clear          (OknOutcomes *o);
const char  *okn_outcomes_keep           (OknOutcomes *o,
                                          const char  *s);
OknOutcome  *okn_outcomes_add            (OknOutcomes     *o,
                                          const OknRecord *record,
                                          OknOutcomeKind   kind);
void         okn_outcomes_log            (const OknOutcomes *o);
OknOutcome  *okn_outcomes_sent           (OknOutcomes     *o,
                                          const OknRecord *record,
                                          const char      *case_id);
void         okn_outcomes_retry          (OknSync             *sync,
                                          OknOutcomes         *o,
                                          const OknOutboxItem *item,
                                          const GError        *error,
                                          gboolean             unknown);

/* okn-sync-push.c */
void         okn_unwritten_free          (OknUnwritten *unwritten);

/* okn-sync-adopt.c */
void         okn_marker_cache_free       (OknMarkerCache *cache);
guint        okn_sync_adopt              (OknSync     *sync,
                                          OknSyncRun  *run,
                                          GPtrArray   *items,
                                          OknOutcomes *o,
                                          GHashTable  *found,
                                          GHashTable  *search_failed);

/* the phases of a run, in order */
gboolean     okn_sync_phase_catalogue    (OknSync    *sync,
                                          OknSyncRun *run,
                                          GError    **error);
gboolean     okn_sync_phase_push         (OknSync    *sync,
                                          OknSyncRun *run,
                                          GError    **error);
gboolean     okn_sync_phase_tokens       (OknSync    *sync,
                                          OknSyncRun *run,
                                          GError    **error);
gboolean     okn_sync_phase_statuses     (OknSync    *sync,
                                          OknSyncRun *run,
                                          GError    **error);

G_END_DECLS
