/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-backend.c: Open311 GeoReport v2 as an OknBackend
 *
 * A thin adapter: every call is one call of the Open311 client, and every
 * client error is turned into the back end's classes here, where HTTP's
 * meaning is known (a POST answered 500 or 409 may have been stored; 503
 * says it was not). Contract: docs/internals/backend.md
 */
#define G_LOG_DOMAIN "okn-open311-backend"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-open311.h"
#include "okienko/okn-open311-backend.h"

/* The spec lets a server cap a search's answer; its default is 1000. An
 * answer this long may have been cut. */
#define SEARCH_CAP 1000

struct _OknOpen311Backend
{
  GObject parent_instance;

  OknOpen311Client *client;
};

static void okn_open311_backend_iface_init (OknBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OknOpen311Backend, okn_open311_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OKN_TYPE_BACKEND, okn_open311_backend_iface_init))

/* What kind of call failed: a push's 5xx means something else than a
 * GET's, and the catalogue keeps the client's longer words. */
typedef enum
{
  CALL_CATALOGUE,
  CALL_PUSH,
  CALL_READ,
} Call;

/* The client's classes as the engine's. A 5xx other than 503 may come
 * after the server stored a POST, and a 409 says an earlier copy is being
 * processed: both are unknown outcomes, searched before a repeat; 408, 429
 * and 503 say it was not processed. */
static GError *
backend_error (const GError *e,
               Call          call)
{
  int status = okn_open311_error_get_http_status (e);
  g_autofree char *msg = NULL;
  OknSettingFix *fix = okn_setting_fix_copy (okn_open311_error_get_setting_fix (e));
  OknBackendError code = OKN_BACKEND_ERROR_TRANSIENT;

  if (e->domain != OKN_OPEN311_ERROR)
    {
      okn_setting_fix_free (fix);
      return g_error_copy (e);
    }
  switch ((OknOpen311Error) e->code)
    {
    case OKN_OPEN311_ERROR_TRANSIENT:
      code = call == CALL_PUSH && ((status >= 500 && status != 503) || status == 409)
               ? OKN_BACKEND_ERROR_UNKNOWN_OUTCOME
               : OKN_BACKEND_ERROR_TRANSIENT;
      break;
    case OKN_OPEN311_ERROR_UNKNOWN_OUTCOME:
      code = OKN_BACKEND_ERROR_UNKNOWN_OUTCOME;
      break;
    case OKN_OPEN311_ERROR_PERMANENT:
    case OKN_OPEN311_ERROR_INVALID:
      code = OKN_BACKEND_ERROR_PERMANENT;
      break;
    case OKN_OPEN311_ERROR_AUTH:
      code = OKN_BACKEND_ERROR_AUTH;
      /* What the administrator must fix, in one line; the key itself is
       * never in a message. */
      if (call != CALL_CATALOGUE && status > 0)
        {
          msg = g_strdup_printf (_("The server refused the API key (HTTP %d)."), status);
          okn_setting_fix_free (fix);
          fix = okn_setting_fix_new (OKN_SETTING_CHECK, "server.api_key", NULL, msg);
        }
      break;
    case OKN_OPEN311_ERROR_CONFIG:
      code = OKN_BACKEND_ERROR_CONFIG;
      break;
    case OKN_OPEN311_ERROR_CANCELLED:
      code = OKN_BACKEND_ERROR_CANCELLED;
      break;
    }
  if (fix)
    return okn_backend_error_new_for_setting (code, status, okn_open311_error_get_retry_after (e),
                                              okn_open311_error_get_server_description (e), fix);
  return okn_backend_error_new (code, status, okn_open311_error_get_retry_after (e),
                                okn_open311_error_get_server_description (e), e->message);
}

static gboolean
fail (GError  **error,
      GError   *local,
      Call      call)
{
  g_propagate_error (error, backend_error (local, call));
  g_error_free (local);
  return FALSE;
}

/* GLib 2.74 has no microsecond Unix time conversions. */
static GDateTime *
from_unix_us (gint64 us)
{
  g_autoptr (GDateTime) secs = g_date_time_new_from_unix_utc (us / G_TIME_SPAN_SECOND);

  return g_date_time_add (secs, us % G_TIME_SPAN_SECOND);
}

static gint64
to_unix_us (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_TIME_SPAN_SECOND + g_date_time_get_microsecond (dt);
}

/* ---- the interface ------------------------------------------------------------ */

static GPtrArray *
open311_fetch_catalogue (OknBackend   *backend,
                         GCancellable *cancellable,
                         GError      **error)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (backend);
  GError *local = NULL;
  GPtrArray *services;

  okn_open311_client_set_cancellable (self->client, cancellable);
  services = okn_open311_client_fetch_catalogue (self->client, &local);
  okn_open311_client_set_cancellable (self->client, NULL);
  if (services == NULL)
    fail (error, local, CALL_CATALOGUE);
  return services;
}

static void
open311_set_catalogue (OknBackend *backend,
                       GPtrArray  *services)
{
  okn_open311_client_set_definitions (OKN_OPEN311_BACKEND (backend)->client, services);
}

static gboolean
open311_can_send (OknBackend *backend,
                  OknKind     kind,
                  GError    **error)
{
  if (okn_open311_client_can_send_kind (OKN_OPEN311_BACKEND (backend)->client, kind))
    return TRUE;
  /* Only letters need a setting of their own. */
  g_propagate_error (error, okn_backend_error_new_for_setting (
                             OKN_BACKEND_ERROR_CONFIG, 0, -1, NULL,
                             okn_setting_fix_new (OKN_SETTING_SET, "letters.service_code", NULL,
                                                  _("Letters are not sent: no service code for letters is "
                                                    "set; reports are sent as usual."))));
  return FALSE;
}

static guint
open311_get_media_batch (OknBackend *backend)
{
  OknOpen311Client *client = OKN_OPEN311_BACKEND (backend)->client;

  return okn_open311_client_get_media_upload (client) ? okn_open311_client_get_parallel (client) : 0;
}

static GPtrArray *
open311_push (OknBackend   *backend,
              GPtrArray    *records,
              GCancellable *cancellable)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (backend);
  g_autoptr (GPtrArray) results = NULL;
  GPtrArray *receipts = g_ptr_array_new_full (records->len, (GDestroyNotify) okn_backend_receipt_free);

  okn_open311_client_set_cancellable (self->client, cancellable);
  results = okn_open311_client_post_many (self->client, records, NULL);
  okn_open311_client_set_cancellable (self->client, NULL);
  for (guint i = 0; i < results->len; i++)
    {
      OknOpen311PostResult *res = g_ptr_array_index (results, i);
      OknBackendReceipt *receipt = g_new0 (OknBackendReceipt, 1);

      if (res->receipt)
        {
          receipt->case_id = g_steal_pointer (&res->receipt->service_request_id);
          receipt->token = g_steal_pointer (&res->receipt->token);
        }
      if (res->error)
        receipt->error = backend_error (res->error, CALL_PUSH);
      g_ptr_array_add (receipts, receipt);
    }
  return receipts;
}

static gboolean
open311_resolve_token (OknBackend   *backend,
                       const char   *token,
                       char        **case_id,
                       GCancellable *cancellable,
                       GError      **error)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (backend);
  GError *local = NULL;
  gboolean ok;

  okn_open311_client_set_cancellable (self->client, cancellable);
  ok = okn_open311_client_resolve_token (self->client, token, case_id, &local);
  okn_open311_client_set_cancellable (self->client, NULL);
  return ok || fail (error, local, CALL_READ);
}

static const char *
open311_search_scope (OknBackend      *backend,
                      const OknRecord *record)
{
  return okn_open311_client_service_code_for (OKN_OPEN311_BACKEND (backend)->client, record);
}

/* The requests of a service code in the window, read for the ticket
 * markers in their descriptions. The answer (a megabyte for 1000
 * descriptions) is let go here: only the markers are kept. */
static OknBackendSearch *
open311_search (OknBackend   *backend,
                const char   *scope,
                gint64        from_us,
                gint64        until_us,
                GCancellable *cancellable,
                GError      **error)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (backend);
  g_autoptr (GDateTime) start = from_unix_us (from_us);
  g_autoptr (GDateTime) end = from_unix_us (until_us);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (OknBackendSearch) found = NULL;
  GError *local = NULL;

  okn_open311_client_set_cancellable (self->client, cancellable);
  list = okn_open311_client_search (self->client, scope, start, end, &local);
  okn_open311_client_set_cancellable (self->client, NULL);
  if (list == NULL)
    {
      fail (error, local, CALL_READ);
      return NULL;
    }
  found = okn_backend_search_new ();
  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311Request *r = g_ptr_array_index (list, i);
      g_autofree char *ticket = okn_open311_find_marker (r->description);
      g_autoptr (GDateTime) at = r->requested_datetime ? g_date_time_new_from_iso8601 (r->requested_datetime, NULL)
                                                       : NULL;

      if (at)
        {
          found->oldest_us = MIN (found->oldest_us, to_unix_us (at));
          found->newest_us = MAX (found->newest_us, to_unix_us (at));
        }
      if (ticket && r->service_request_id && *r->service_request_id)
        g_hash_table_replace (found->cases, g_steal_pointer (&ticket), g_strdup (r->service_request_id));
    }
  found->full = list->len >= SEARCH_CAP;
  return g_steal_pointer (&found);
}

static GPtrArray *
open311_pull_statuses (OknBackend        *backend,
                       const char *const *case_ids,
                       GCancellable      *cancellable,
                       GError           **error)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (backend);
  g_autoptr (GPtrArray) answers = NULL;
  GPtrArray *statuses;
  GError *local = NULL;

  okn_open311_client_set_cancellable (self->client, cancellable);
  answers = okn_open311_client_get_requests (self->client, case_ids, &local);
  okn_open311_client_set_cancellable (self->client, NULL);
  if (answers == NULL)
    {
      fail (error, local, CALL_READ);
      return NULL;
    }
  statuses = g_ptr_array_new_full (answers->len, (GDestroyNotify) okn_backend_status_free);
  for (guint i = 0; i < answers->len; i++)
    {
      OknOpen311Request *a = g_ptr_array_index (answers, i);
      OknBackendStatus *s = g_new0 (OknBackendStatus, 1);

      s->case_id = g_steal_pointer (&a->service_request_id);
      s->status = g_steal_pointer (&a->status);
      s->status_notes = g_steal_pointer (&a->status_notes);
      s->agency_responsible = g_steal_pointer (&a->agency_responsible);
      s->updated_at = g_steal_pointer (&a->updated_datetime);
      s->expected_at = g_steal_pointer (&a->expected_datetime);
      s->refused = g_steal_pointer (&a->refused);
      g_ptr_array_add (statuses, s);
    }
  return statuses;
}

static void
okn_open311_backend_iface_init (OknBackendInterface *iface)
{
  iface->fetch_catalogue = open311_fetch_catalogue;
  iface->set_catalogue = open311_set_catalogue;
  iface->can_send = open311_can_send;
  iface->get_media_batch = open311_get_media_batch;
  iface->push = open311_push;
  iface->resolve_token = open311_resolve_token;
  iface->search_scope = open311_search_scope;
  iface->search = open311_search;
  iface->pull_statuses = open311_pull_statuses;
}

/* ---- the object ---------------------------------------------------------------- */

static void
okn_open311_backend_finalize (GObject *object)
{
  OknOpen311Backend *self = OKN_OPEN311_BACKEND (object);

  g_clear_pointer (&self->client, okn_open311_client_free);
  G_OBJECT_CLASS (okn_open311_backend_parent_class)->finalize (object);
}

static void
okn_open311_backend_class_init (OknOpen311BackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = okn_open311_backend_finalize;
}

static void
okn_open311_backend_init (OknOpen311Backend *self)
{
}

/**
 * okn_open311_backend_new:
 * @config: read now (server.*, letters.*, office.*)
 *
 * Returns: (transfer full) (nullable): the back end, or %NULL with
 *   %OKN_BACKEND_ERROR_CONFIG when server.url is not set or a TLS file it
 *   names does not exist
 */
OknBackend *
okn_open311_backend_new (OknConfig *config,
                         GError   **error)
{
  g_autoptr (GError) local = NULL;
  OknOpen311Client *client = okn_open311_client_new (config, &local);
  OknOpen311Backend *self;

  if (client == NULL)
    {
      g_propagate_error (error, backend_error (local, CALL_READ));
      return NULL;
    }
  self = g_object_new (OKN_TYPE_OPEN311_BACKEND, NULL);
  self->client = client;
  return OKN_BACKEND (self);
}
