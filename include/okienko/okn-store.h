/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store.h: the durable local store (SQLite)
 *
 * One OknStore is one SQLite connection: open one per thread or process.
 * Every change is one transaction that also appends to the audit log; a call
 * that returns TRUE has reached the disk (WAL, synchronous=FULL).
 * Contract: docs/internals/store.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-file.h"
#include "okienko/okn-record.h"

G_BEGIN_DECLS

#define OKN_STORE_ERROR (okn_store_error_quark ())

typedef enum
{
  OKN_STORE_ERROR_NOT_FOUND,     /* no such record */
  OKN_STORE_ERROR_NO_STATION,    /* the database has no station yet: run init */
  OKN_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer Okienko: refused, untouched */
  OKN_STORE_ERROR_READ_ONLY,     /* the record was sent or cancelled */
  OKN_STORE_ERROR_CONFLICT,      /* e.g. changing the code of a station with records */
  OKN_STORE_ERROR_INVALID,       /* a bad argument, e.g. a cancel without a reason */
  OKN_STORE_ERROR_STORAGE,       /* SQLite or the disk failed */
  OKN_STORE_ERROR_NO_DATABASE,   /* no database at the path, and none was to be created */
  OKN_STORE_ERROR_NOT_OKIENKO,   /* a file of another program: refused, untouched */
  OKN_STORE_ERROR_DAMAGED,       /* the integrity check failed: refused, untouched */
  OKN_STORE_ERROR_IN_USE,        /* restore: another process has the database open */
  OKN_STORE_ERROR_DISK_FULL,     /* as STORAGE, the disk (or quota) holding the database is full */
  OKN_STORE_ERROR_BUSY,          /* as STORAGE, another program held the database past the busy timeout */
} OknStoreError;

#define OKN_STORE_SCHEMA_VERSION 5

/* PRAGMA application_id of an Okienko database: "OKNO". */
#define OKN_STORE_APPLICATION_ID 0x4F4B4E4F

typedef enum
{
  OKN_STORE_OPEN_DEFAULT = 0,          /* read and write an existing database; upgrade it */
  OKN_STORE_OPEN_CREATE = 1 << 0,      /* create a new database when there is none */
  OKN_STORE_OPEN_READ_ONLY = 1 << 1,   /* never write: no creation, no upgrade */
} OknStoreOpenFlags;

typedef struct _OknStore OknStore;

typedef GDateTime *(*OknNowFunc) (gpointer user_data);

typedef struct
{
  gboolean has_kind;
  OknKind kind;
  gboolean has_state;
  OknSyncState state;
  GDateTime *since;    /* (nullable) created at or after */
  GDateTime *until;    /* (nullable) created before */
  GDateTime *received_since;  /* (nullable) letters received at or after */
  GDateTime *received_until;  /* (nullable) letters received before */
  guint limit;         /* 0: no limit */
} OknListFilter;

typedef struct
{
  gint64 id;
  char *at;
  char *actor;
  char *action;
  char *details;       /* JSON text or NULL */
} OknAuditEntry;

typedef struct
{
  gint64 record_id;          /* for okn_store_apply_statuses() */
  char *status;
  char *status_notes;
  char *agency_responsible;
  char *server_updated_at;
  char *expected_at;
  char *fetched_at;
} OknStatusChange;

typedef struct
{
  char *code;
  char *name;
  char *description;
  char *group;
  char *keywords;
  char *type;
  gboolean metadata;
  char *definition;    /* (nullable) the service definition as JSON text */
} OknService;

typedef struct
{
  char *station;
  gint64 total;
  gint64 per_state[OKN_SYNC_CANCELLED + 1];
  char *oldest_queued_at;
} OknStoreStats;

/* The outbox: what the sync engine owes the server (docs/internals/store.md). */
typedef struct
{
  OknRecord *record;
  guint attempts;
  gboolean unknown_outcome;  /* a POST may have reached the server: search first */
} OknOutboxItem;

typedef enum
{
  OKN_OUTCOME_SENT,          /* the server gave its service_request_id: synced */
  OKN_OUTCOME_TOKEN,         /* the server gave a token: awaiting-id */
  OKN_OUTCOME_RETRY,         /* a transient failure: queued again, later */
  OKN_OUTCOME_REFUSED,       /* refused for good: needs-attention, the server's words kept */
  OKN_OUTCOME_RELEASE,       /* not tried (the run stopped): queued again, no penalty */
} OknOutcomeKind;

typedef struct
{
  gint64 record_id;
  OknOutcomeKind kind;
  const char *server_id;     /* SENT; NULL: a case number the record cannot keep, why in error */
  const char *token;         /* TOKEN */
  gint64 next_attempt_us;    /* RETRY: wall-clock microseconds */
  gboolean unknown_outcome;  /* RETRY: the POST may have been received */
  const char *error;         /* RETRY, REFUSED, SENT without server_id: what went wrong (no secrets) */
  int http_status;           /* 0 when there was no HTTP answer */
  gboolean adopted;          /* SENT: found on the server by its ticket marker */
} OknOutcome;

/* Backup, restore and check (okn-store-backup.c). */
typedef struct
{
  gint64 records;      /* records in the backup */
  gint64 bytes;        /* the backup file's size */
  GPtrArray *warnings; /* (element-type utf8) e.g. DB.issued damaged: no marks carried */
} OknBackupInfo;

typedef struct
{
  char *path;          /* the dated backup written */
  OknBackupInfo backup;
  GPtrArray *removed;  /* (element-type filename) dated backups removed as too old */
} OknBackupRotation;

typedef struct
{
  char *aside;         /* (nullable) where the replaced database was kept */
  gint64 records;      /* records in the restored database */
  guint to_search;     /* waiting records the sync searches for before posting */
  GPtrArray *warnings; /* (element-type utf8) e.g. tickets given out after the backup */
} OknRestoreInfo;

typedef struct
{
  gboolean quick_check_ok;
  gint64 records;
  GPtrArray *problems; /* (element-type utf8) one sentence each; empty: all holds */
} OknStoreCheck;

typedef struct
{
  guint records;       /* records whose personal data was (or would be) cleared */
  guint files;         /* their photos and scans */
  guint drafts;        /* abandoned form drafts removed */
  GPtrArray *tickets;  /* (element-type utf8) the records' tickets */
} OknPurgeReport;

GQuark      okn_store_error_quark         (void);

char       *okn_store_default_path        (void);

OknStore   *okn_store_open                (const char *path,
                                           GError    **error);
OknStore   *okn_store_open_full           (const char        *path,
                                           OknStoreOpenFlags  flags,
                                           GError           **error);
GPtrArray  *okn_store_get_warnings        (OknStore *store);
void        okn_store_close               (OknStore *store);
const char *okn_store_get_path            (OknStore *store);
int         okn_store_get_schema_version  (OknStore *store);
void        okn_store_set_now_func        (OknStore   *store,
                                           OknNowFunc  func,
                                           gpointer    user_data);

gboolean    okn_store_init_station        (OknStore   *store,
                                           const char *code,
                                           const char *actor,
                                           GError    **error);
char       *okn_store_get_station         (OknStore *store,
                                           GError  **error);
char       *okn_store_verification_code   (OknStore   *store,
                                           const char *ticket,
                                           GError    **error);

gboolean    okn_store_register            (OknStore   *store,
                                           OknRecord  *record,
                                           const char *actor,
                                           GError    **error);
gboolean    okn_store_register_many       (OknStore   *store,
                                           GPtrArray  *records,
                                           const char *actor,
                                           GError    **error);
/* Called after each record stored in the transaction: @done of @total. */
typedef void (*OknStoreProgressFunc) (guint    done,
                                      guint    total,
                                      gpointer user_data);
gboolean    okn_store_register_many_with_progress (OknStore             *store,
                                                   GPtrArray            *records,
                                                   const char           *actor,
                                                   OknStoreProgressFunc  progress,
                                                   gpointer              user_data,
                                                   GError              **error);

OknRecord  *okn_store_lookup              (OknStore   *store,
                                           const char *ticket,
                                           GError    **error);
OknRecord  *okn_store_lookup_uuid         (OknStore   *store,
                                           const char *uuid,
                                           GError    **error);
GPtrArray  *okn_store_list                (OknStore            *store,
                                           const OknListFilter *filter,
                                           GError             **error);
GPtrArray  *okn_store_search              (OknStore   *store,
                                           const char *text,
                                           guint       limit,
                                           GError    **error);
GPtrArray  *okn_store_search_filtered     (OknStore            *store,
                                           const char          *text,
                                           const OknListFilter *filter,
                                           GError             **error);
GBytes     *okn_store_read_file           (OknStore   *store,
                                           const char *sha256,
                                           GError    **error);

gboolean    okn_store_update              (OknStore   *store,
                                           OknRecord  *record,
                                           const char *actor,
                                           GError    **error);
gboolean    okn_store_cancel              (OknStore   *store,
                                           const char *ticket,
                                           const char *reason,
                                           const char *actor,
                                           GError    **error);

GPtrArray  *okn_store_audit_log           (OknStore *store,
                                           gint64    record_id,
                                           GError  **error);
GPtrArray  *okn_store_status_history      (OknStore *store,
                                           gint64    record_id,
                                           GError  **error);

gboolean    okn_store_set_sync_state      (OknStore     *store,
                                           gint64        record_id,
                                           OknSyncState  state,
                                           const char   *actor,
                                           const char   *detail,
                                           GError      **error);

GPtrArray  *okn_store_outbox_recover     (OknStore *store,
                                           GError  **error);
GPtrArray  *okn_store_outbox_claim       (OknStore *store,
                                           guint     limit,
                                           GError  **error);
gboolean    okn_store_outbox_apply        (OknStore  *store,
                                           GPtrArray *outcomes,
                                           GError   **error);
gint64      okn_store_outbox_next_due_us  (OknStore *store,
                                           GError  **error);
GPtrArray  *okn_store_list_awaiting_id    (OknStore *store,
                                           guint     limit,
                                           GError  **error);
GPtrArray  *okn_store_list_to_poll        (OknStore *store,
                                           gint64    after_id,
                                           guint     limit,
                                           GError  **error);
gboolean    okn_store_apply_statuses      (OknStore  *store,
                                           GPtrArray *changes,
                                           guint     *n_changed,
                                           GError   **error);
char       *okn_store_get_meta            (OknStore   *store,
                                           const char *key);
gboolean    okn_store_set_meta            (OknStore   *store,
                                           const char *key,
                                           const char *value,
                                           GError    **error);
void        okn_outbox_item_free          (OknOutboxItem *item);

gboolean    okn_store_replace_services    (OknStore  *store,
                                           GPtrArray *services,
                                           GError   **error);
GPtrArray  *okn_store_list_services       (OknStore *store,
                                           GError  **error);

gboolean    okn_store_get_stats           (OknStore      *store,
                                           OknStoreStats *out,
                                           GError       **error);
void        okn_store_stats_clear         (OknStoreStats *stats);

/* Sync: kinds, closed cases, requeue (issue 8). */
#define OKN_OUTBOX_KIND(kind)  (1u << (kind))
#define OKN_OUTBOX_ALL_KINDS   (OKN_OUTBOX_KIND (OKN_KIND_LETTER) | OKN_OUTBOX_KIND (OKN_KIND_REPORT))

GPtrArray  *okn_store_outbox_claim_kinds  (OknStore *store,
                                           guint     limit,
                                           guint     kinds,
                                           gint64    due_by_us,
                                           GError  **error);
gint64      okn_store_outbox_next_due_kinds_us (OknStore *store,
                                                guint     kinds,
                                                GError  **error);
GPtrArray  *okn_store_list_closed_to_poll (OknStore *store,
                                           gint64    polled_before_us,
                                           gint64    after_id,
                                           guint     limit,
                                           GError  **error);
gboolean    okn_store_note_polled         (OknStore *store,
                                           GArray   *record_ids,
                                           GError  **error);
gboolean    okn_store_requeue             (OknStore           *store,
                                           const char *const  *tickets,
                                           const char         *actor,
                                           char             ***tickets_done,
                                           GError            **error);

gboolean    okn_store_backup              (OknStore          *store,
                                           const char        *dest,
                                           OknFileWriteFlags  flags,
                                           OknBackupInfo     *info,
                                           GError           **error);
gboolean    okn_store_backup_with_progress (OknStore             *store,
                                            const char           *dest,
                                            OknFileWriteFlags     flags,
                                            OknStoreProgressFunc  progress,
                                            gpointer              user_data,
                                            OknBackupInfo        *info,
                                            GError              **error);
gboolean    okn_store_backup_rotate       (OknStore          *store,
                                           const char        *dir,
                                           guint              keep_days,
                                           OknBackupRotation *rotation,
                                           GError           **error);
void        okn_backup_info_clear         (OknBackupInfo     *info);
void        okn_backup_rotation_clear     (OknBackupRotation *rotation);
gboolean    okn_store_restore             (const char     *db_path,
                                           const char     *source,
                                           const char     *actor,
                                           OknRestoreInfo *info,
                                           GError        **error);
/* okn_store_restore_full()'s @skip_numbers: none given, and its most. */
#define OKN_STORE_RESTORE_NO_SKIP (-1)
#define OKN_STORE_RESTORE_SKIP_MAX 100000
gboolean    okn_store_restore_full        (const char     *db_path,
                                           const char     *source,
                                           int             skip_numbers,
                                           const char     *actor,
                                           OknRestoreInfo *info,
                                           GError        **error);
void        okn_restore_info_clear        (OknRestoreInfo *info);
gboolean    okn_store_check               (OknStore      *store,
                                           OknStoreCheck *report,
                                           GError       **error);
void        okn_store_check_clear         (OknStoreCheck *report);

gboolean    okn_store_purge               (OknStore       *store,
                                           guint           retention_days,
                                           gboolean        dry_run,
                                           const char     *actor,
                                           OknPurgeReport *report,
                                           GError        **error);
void        okn_purge_report_clear        (OknPurgeReport *report);

void        okn_audit_entry_free          (OknAuditEntry *entry);
void        okn_status_change_free        (OknStatusChange *change);
void        okn_service_free              (OknService *service);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknStore, okn_store_close)

G_END_DECLS
