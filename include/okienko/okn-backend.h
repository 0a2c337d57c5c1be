/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-backend.h: what the sync engine asks of a central server
 *
 * OknSync drives an OknBackend: fetch the catalogue, push a batch of
 * records, resolve tokens, search the server for tickets (before a push
 * whose outcome is unknown is repeated) and pull case statuses. A back end
 * never touches the store: the engine writes what it answers. Every
 * failure is one of the classes of OknBackendError, whatever protocol
 * the back end speaks. Open311 is the first implementation
 * (okn-open311-backend.h).
 *
 * Every call blocks and belongs to the engine's thread; a back end may run
 * many requests at once inside one call (a batch).
 * Contract: docs/internals/backend.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-record.h"
#include "okienko/okn-setting-fix.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_BACKEND_ERROR (okn_backend_error_quark ())

typedef enum
{
  /* Not processed: try again later (after okn_backend_error_get_retry_after()
   * seconds when the server said). */
  OKN_BACKEND_ERROR_TRANSIENT,
  /* A push that may have been processed: the answer was lost or cannot be
   * read. Search for the ticket before it is ever pushed again. */
  OKN_BACKEND_ERROR_UNKNOWN_OUTCOME,
  /* Refused for good (the record, or a search the server cannot do); the
   * server's own words are in okn_backend_error_get_description(). */
  OKN_BACKEND_ERROR_PERMANENT,
  /* The server refused our credentials or its identity was refused: stop
   * the run, a person must act. */
  OKN_BACKEND_ERROR_AUTH,
  /* The configuration cannot work (no endpoint, a missing setting): stop
   * the run, or (from okn_backend_can_send()) leave that kind queued. */
  OKN_BACKEND_ERROR_CONFIG,
  /* Not sent at all: the call's GCancellable was cancelled first. */
  OKN_BACKEND_ERROR_CANCELLED,
} OknBackendError;

/* What a push of one record came back with: a case id, a token, or an error. */
typedef struct
{
  char *case_id;             /* (nullable) the server's case number */
  char *token;               /* (nullable) resolve with okn_backend_resolve_token() */
  GError *error;             /* (nullable) OKN_BACKEND_ERROR, or a store error */
} OknBackendReceipt;

/* What a search of a time window found. */
typedef struct
{
  GHashTable *cases;         /* (element-type utf8 utf8) ticket → case id, for every
                              * case in the answer that carries a ticket */
  gint64 oldest_us;          /* creation time of the oldest case in the answer
                              * (Unix µs), G_MAXINT64 when none said */
  gint64 newest_us;          /* ... of the newest, G_MININT64 when none said */
  gboolean full;             /* the answer is as long as the server's answers get:
                              * cases of the window may have been left out */
} OknBackendSearch;

/* A case as the server describes it now; absent fields are NULL. */
typedef struct
{
  char *case_id;
  char *status;              /* e.g. "open", "closed": kept as sent */
  char *status_notes;
  char *agency_responsible;
  char *updated_at;
  char *expected_at;
  char *refused;             /* (nullable) the server refused to say anything about
                              * this case, in its words: the other fields are NULL */
} OknBackendStatus;

#define OKN_TYPE_BACKEND (okn_backend_get_type ())

G_DECLARE_INTERFACE (OknBackend, okn_backend, OKN, BACKEND, GObject)

struct _OknBackendInterface
{
  GTypeInterface parent_iface;

  GPtrArray        *(*fetch_catalogue) (OknBackend         *self,
                                        GCancellable       *cancellable,
                                        GError            **error);
  void              (*set_catalogue)   (OknBackend         *self,
                                        GPtrArray          *services);
  gboolean          (*can_send)        (OknBackend         *self,
                                        OknKind             kind,
                                        GError            **error);
  guint             (*get_media_batch) (OknBackend         *self);
  GPtrArray        *(*push)            (OknBackend         *self,
                                        GPtrArray          *records,
                                        GCancellable       *cancellable);
  gboolean          (*resolve_token)   (OknBackend         *self,
                                        const char         *token,
                                        char              **case_id,
                                        GCancellable       *cancellable,
                                        GError            **error);
  const char       *(*search_scope)    (OknBackend         *self,
                                        const OknRecord    *record);
  OknBackendSearch *(*search)          (OknBackend         *self,
                                        const char         *scope,
                                        gint64              from_us,
                                        gint64              until_us,
                                        GCancellable       *cancellable,
                                        GError            **error);
  GPtrArray        *(*pull_statuses)   (OknBackend         *self,
                                        const char *const  *case_ids,
                                        GCancellable       *cancellable,
                                        GError            **error);
};

GQuark            okn_backend_error_quark            (void);
GError           *okn_backend_error_new              (OknBackendError code,
                                                      int             http_status,
                                                      gint64          retry_after,
                                                      const char     *description,
                                                      const char     *message);
GError           *okn_backend_error_new_for_setting  (OknBackendError code,
                                                      int             http_status,
                                                      gint64          retry_after,
                                                      const char     *description,
                                                      OknSettingFix  *fix);
const OknSettingFix *okn_backend_error_get_setting_fix (const GError *error);
int               okn_backend_error_get_http_status  (const GError *error);
gint64            okn_backend_error_get_retry_after  (const GError *error);
const char       *okn_backend_error_get_description  (const GError *error);
gboolean          okn_backend_error_stops_run        (const GError *error);

GPtrArray        *okn_backend_fetch_catalogue        (OknBackend   *self,
                                                      GCancellable *cancellable,
                                                      GError      **error);
void              okn_backend_set_catalogue          (OknBackend   *self,
                                                      GPtrArray    *services);
gboolean          okn_backend_can_send               (OknBackend   *self,
                                                      OknKind       kind,
                                                      GError      **error);
guint             okn_backend_get_media_batch        (OknBackend   *self);
GPtrArray        *okn_backend_push                   (OknBackend   *self,
                                                      GPtrArray    *records,
                                                      GCancellable *cancellable);
gboolean          okn_backend_resolve_token          (OknBackend   *self,
                                                      const char   *token,
                                                      char        **case_id,
                                                      GCancellable *cancellable,
                                                      GError      **error);
const char       *okn_backend_search_scope           (OknBackend      *self,
                                                      const OknRecord *record);
OknBackendSearch *okn_backend_search                 (OknBackend   *self,
                                                      const char   *scope,
                                                      gint64        from_us,
                                                      gint64        until_us,
                                                      GCancellable *cancellable,
                                                      GError      **error);
GPtrArray        *okn_backend_pull_statuses          (OknBackend         *self,
                                                      const char *const  *case_ids,
                                                      GCancellable       *cancellable,
                                                      GError            **error);

OknBackendReceipt *okn_backend_receipt_new_error     (GError *error);
void              okn_backend_receipt_free           (OknBackendReceipt *receipt);
OknBackendSearch *okn_backend_search_new             (void);
void              okn_backend_search_free            (OknBackendSearch *search);
void              okn_backend_status_free            (OknBackendStatus *status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknBackendReceipt, okn_backend_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknBackendSearch, okn_backend_search_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknBackendStatus, okn_backend_status_free)

G_END_DECLS
