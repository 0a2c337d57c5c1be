/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311.h: the Open311 GeoReport v2 client
 *
 * Blocking calls, one client per thread; a call may run many HTTP requests
 * at once over one curl multi handle that keeps its connections between
 * calls. Every failure is classified for the sync engine (OknOpen311Error).
 * The api_key never appears in a URL, a log line or an error message.
 * Contract: docs/internals/open311.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-record.h"
#include "okienko/okn-setting-fix.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_OPEN311_ERROR (okn_open311_error_quark ())

typedef enum
{
  /* Try again later: connect errors, timeouts, 408, 409, 425, 429, 5xx, a
   * garbage answer to a GET. See okn_open311_error_get_retry_after(). */
  OKN_OPEN311_ERROR_TRANSIENT,
  /* The server refused this request for good (400, 404, 422, other 4xx);
   * the message carries the server's own description. */
  OKN_OPEN311_ERROR_PERMANENT,
  /* 401/403 or the server's TLS identity was refused: a configuration
   * error; stop syncing instead of hammering the server. */
  OKN_OPEN311_ERROR_AUTH,
  /* A POST was sent in full but no valid answer came back (timeout after
   * sending, connection dropped, garbage answer): the server may or may not
   * have created the request. Search for the marker before repeating. */
  OKN_OPEN311_ERROR_UNKNOWN_OUTCOME,
  /* The configuration cannot work: no server.url, unreadable TLS files,
   * no letters.service_code for a letter, a redirecting server.url. */
  OKN_OPEN311_ERROR_CONFIG,
  /* The caller passed something unusable (e.g. a report without category). */
  OKN_OPEN311_ERROR_INVALID,
  /* Not sent at all: the cancel flag was raised before the request started
   * (okn_open311_client_set_cancellable()). */
  OKN_OPEN311_ERROR_CANCELLED,
} OknOpen311Error;

/* The ticket marker appended to every description: "\n\n[Okienko <ticket>]". */
#define OKN_OPEN311_MARKER_PREFIX "[Okienko "
#define OKN_OPEN311_MARKER_SUFFIX "]"

typedef struct
{
  char *service_request_id;  /* (nullable) set unless the server answered a token */
  char *token;               /* (nullable) resolve with okn_open311_client_resolve_token() */
  char *service_notice;      /* (nullable) */
  char *account_id;          /* (nullable) */
} OknOpen311Receipt;

typedef struct
{
  OknOpen311Receipt *receipt;  /* (nullable) on success */
  GError *error;               /* (nullable) on failure, OKN_OPEN311_ERROR */
} OknOpen311PostResult;

/* One service request as the server describes it; absent fields are NULL. */
typedef struct
{
  char *service_request_id;
  char *status;              /* "open" or "closed" per the spec; kept as sent */
  char *status_notes;
  char *service_name;
  char *service_code;
  char *description;
  char *agency_responsible;
  char *service_notice;
  char *requested_datetime;
  char *updated_datetime;
  char *expected_datetime;
  char *address;
  char *address_id;
  char *zipcode;
  gboolean has_location;
  double lat;
  double lon;
  char *media_url;
  char *refused;             /* (nullable) okn_open311_client_get_requests() only: the
                              * server refused to describe this id, in its words (no
                              * other field but the id is set) */
} OknOpen311Request;

typedef struct _OknOpen311Client OknOpen311Client;

GQuark             okn_open311_error_quark                  (void);
int                okn_open311_error_get_http_status        (const GError *error);
gint64             okn_open311_error_get_retry_after        (const GError *error);
const char        *okn_open311_error_get_server_description (const GError *error);
const OknSettingFix *okn_open311_error_get_setting_fix     (const GError *error);

char              *okn_open311_marker_for_ticket            (const char *ticket);
char              *okn_open311_description_with_marker      (const char *description,
                                                             const char *ticket);
char              *okn_open311_find_marker                  (const char *description);

OknOpen311Client  *okn_open311_client_new                   (OknConfig *config,
                                                             GError   **error);
void               okn_open311_client_free                  (OknOpen311Client *client);
const char        *okn_open311_client_get_url               (OknOpen311Client *client);
guint              okn_open311_client_get_parallel          (OknOpen311Client *client);
gboolean           okn_open311_client_get_media_upload      (OknOpen311Client *client);
void               okn_open311_client_set_cancellable       (OknOpen311Client *client,
                                                             GCancellable     *cancellable);
void               okn_open311_client_set_definitions       (OknOpen311Client *client,
                                                             GPtrArray        *services);
const char        *okn_open311_client_service_code_for      (OknOpen311Client *client,
                                                             const OknRecord  *record);
gboolean           okn_open311_client_can_send_kind         (OknOpen311Client *client,
                                                             OknKind           kind);

GPtrArray         *okn_open311_client_get_services          (OknOpen311Client *client,
                                                             GError          **error);
char              *okn_open311_client_get_definition        (OknOpen311Client *client,
                                                             const char       *service_code,
                                                             GError          **error);
GPtrArray         *okn_open311_client_fetch_catalogue       (OknOpen311Client *client,
                                                             GError          **error);

OknOpen311Receipt *okn_open311_client_post                  (OknOpen311Client *client,
                                                             const OknRecord  *record,
                                                             GError          **error);
GPtrArray         *okn_open311_client_post_many             (OknOpen311Client *client,
                                                             GPtrArray        *records,
                                                             GError          **error);
gboolean           okn_open311_client_resolve_token         (OknOpen311Client *client,
                                                             const char       *token,
                                                             char            **service_request_id,
                                                             GError          **error);
OknOpen311Request *okn_open311_client_get_request           (OknOpen311Client *client,
                                                             const char       *service_request_id,
                                                             GError          **error);
GPtrArray         *okn_open311_client_get_requests          (OknOpen311Client  *client,
                                                             const char *const *ids,
                                                             GError           **error);
GPtrArray         *okn_open311_client_search                (OknOpen311Client *client,
                                                             const char       *service_code,
                                                             GDateTime        *start,
                                                             GDateTime        *end,
                                                             GError          **error);
OknOpen311Request *okn_open311_client_find_by_marker        (OknOpen311Client *client,
                                                             const char       *service_code,
                                                             const char       *ticket,
                                                             GDateTime        *start,
                                                             GDateTime        *end,
                                                             GError          **error);

void               okn_open311_receipt_free                 (OknOpen311Receipt *receipt);
void               okn_open311_post_result_free             (OknOpen311PostResult *result);
void               okn_open311_request_free                 (OknOpen311Request *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311Client, okn_open311_client_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311Receipt, okn_open311_receipt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311PostResult, okn_open311_post_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311Request, okn_open311_request_free)

G_END_DECLS
