/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-backend.c: the interface between the sync engine and a central server
 *
 * The failure classes live here, not in any protocol's error codes: the
 * engine decides what to retry, search, refuse or stop on from these alone,
 * so a second back end (another city system, a test double) gets the same
 * exactly-once guarantees as Open311. Contract: docs/internals/backend.md
 */
#define G_LOG_DOMAIN "okn-backend"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-backend.h"

/* ---- errors ---------------------------------------------------------------- */

typedef struct
{
  int http_status;
  gint64 retry_after;
  char *description;
  OknSettingFix *fix;
} OknBackendErrorPrivate;

static void
okn_backend_error_private_init (OknBackendErrorPrivate *priv)
{
  priv->retry_after = -1;
}

static void
okn_backend_error_private_copy (const OknBackendErrorPrivate *src,
                                OknBackendErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->retry_after = src->retry_after;
  dest->description = g_strdup (src->description);
  dest->fix = okn_setting_fix_copy (src->fix);
}

static void
okn_backend_error_private_clear (OknBackendErrorPrivate *priv)
{
  g_clear_pointer (&priv->description, g_free);
  g_clear_pointer (&priv->fix, okn_setting_fix_free);
}

G_DEFINE_EXTENDED_ERROR (OknBackendError, okn_backend_error)

/**
 * okn_backend_error_new:
 * @http_status: the status of the server's answer, 0 when none came
 * @retry_after: seconds the server asked us to wait, -1 when it did not say
 * @description: (nullable): the server's own words, every entry one a line
 * @message: for people; no secrets
 *
 * Returns: (transfer full): an %OKN_BACKEND_ERROR
 */
GError *
okn_backend_error_new (OknBackendError code,
                       int             http_status,
                       gint64          retry_after,
                       const char     *description,
                       const char     *message)
{
  GError *error = g_error_new_literal (OKN_BACKEND_ERROR, code, message);
  OknBackendErrorPrivate *priv = okn_backend_error_get_private (error);

  priv->http_status = http_status;
  priv->retry_after = retry_after;
  priv->description = g_strdup (description);
  return error;
}

/**
 * okn_backend_error_new_for_setting:
 * @fix: (transfer full): the setting that would fix it
 *
 * An error that a setting would fix (no API key, a key the server
 * refuses): the setting travels as data (okn_backend_error_get_setting_fix()),
 * the message names its key (okn_setting_fix_describe()).
 *
 * Returns: (transfer full): an %OKN_BACKEND_ERROR
 */
GError *
okn_backend_error_new_for_setting (OknBackendError  code,
                                   int              http_status,
                                   gint64           retry_after,
                                   const char      *description,
                                   OknSettingFix   *fix)
{
  g_autofree char *message = okn_setting_fix_describe (fix, NULL, NULL);
  GError *error = okn_backend_error_new (code, http_status, retry_after, description, message);

  okn_backend_error_get_private (error)->fix = fix;
  return error;
}

/**
 * okn_backend_error_get_setting_fix:
 *
 * Returns: (nullable): the setting that would fix @error, %NULL when no
 *   setting would or @error is not an %OKN_BACKEND_ERROR
 */
const OknSettingFix *
okn_backend_error_get_setting_fix (const GError *error)
{
  if (error == NULL || error->domain != OKN_BACKEND_ERROR)
    return NULL;
  return okn_backend_error_get_private (error)->fix;
}

/**
 * okn_backend_error_get_http_status:
 *
 * Returns: the status of the server's answer (HTTP for the back ends that
 *   speak it), 0 when none came or @error is not an %OKN_BACKEND_ERROR
 */
int
okn_backend_error_get_http_status (const GError *error)
{
  if (error == NULL || error->domain != OKN_BACKEND_ERROR)
    return 0;
  return okn_backend_error_get_private (error)->http_status;
}

/**
 * okn_backend_error_get_retry_after:
 *
 * Returns: the seconds the server asked us to wait, -1 when it did not say
 */
gint64
okn_backend_error_get_retry_after (const GError *error)
{
  if (error == NULL || error->domain != OKN_BACKEND_ERROR)
    return -1;
  return okn_backend_error_get_private (error)->retry_after;
}

/**
 * okn_backend_error_get_description:
 *
 * Returns: (nullable): the server's own words about what it refused, every
 *   entry one a line, the one naming a field first
 */
const char *
okn_backend_error_get_description (const GError *error)
{
  if (error == NULL || error->domain != OKN_BACKEND_ERROR)
    return NULL;
  return okn_backend_error_get_private (error)->description;
}

/**
 * okn_backend_error_stops_run:
 *
 * Returns: whether @error ends a sync run (%OKN_BACKEND_ERROR_AUTH or
 *   %OKN_BACKEND_ERROR_CONFIG): repeating would only hammer a server that
 *   refuses us
 */
gboolean
okn_backend_error_stops_run (const GError *error)
{
  return error != NULL && error->domain == OKN_BACKEND_ERROR
         && (error->code == OKN_BACKEND_ERROR_AUTH || error->code == OKN_BACKEND_ERROR_CONFIG);
}

/* ---- the interface ----------------------------------------------------------- */

G_DEFINE_INTERFACE (OknBackend, okn_backend, G_TYPE_OBJECT)

static void
real_set_catalogue (OknBackend *self,
                    GPtrArray  *services)
{
}

static gboolean
real_can_send (OknBackend *self,
               OknKind     kind,
               GError    **error)
{
  return TRUE;
}

static guint
real_get_media_batch (OknBackend *self)
{
  return 0;
}

/* Without a scope nothing is searched: a push whose outcome is unknown is
 * repeated, and the back end's own idempotency is the only guard. */
static const char *
real_search_scope (OknBackend      *self,
                   const OknRecord *record)
{
  return NULL;
}

static void
okn_backend_default_init (OknBackendInterface *iface)
{
  iface->set_catalogue = real_set_catalogue;
  iface->can_send = real_can_send;
  iface->get_media_batch = real_get_media_batch;
  iface->search_scope = real_search_scope;
}

/**
 * okn_backend_fetch_catalogue:
 *
 * Reads the server's categories with their attribute definitions. The
 * caller stores them (okn_store_replace_services()) and hands them back
 * with okn_backend_set_catalogue().
 *
 * Returns: (transfer full) (element-type OknService) (nullable): the
 *   catalogue, or %NULL with an %OKN_BACKEND_ERROR
 */
GPtrArray *
okn_backend_fetch_catalogue (OknBackend   *self,
                             GCancellable *cancellable,
                             GError      **error)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), NULL);
  return OKN_BACKEND_GET_IFACE (self)->fetch_catalogue (self, cancellable, error);
}

/**
 * okn_backend_set_catalogue:
 * @services: (element-type OknService): the catalogue records are checked
 *   against: the cached one, stale or not, or one just fetched
 *
 * Tells the back end how categories are described, e.g. which attributes
 * take several values (Open311 sends them as `attribute[code][]`).
 */
void
okn_backend_set_catalogue (OknBackend *self,
                           GPtrArray  *services)
{
  g_return_if_fail (OKN_IS_BACKEND (self));
  OKN_BACKEND_GET_IFACE (self)->set_catalogue (self, services);
}

/**
 * okn_backend_can_send:
 *
 * Returns: whether records of @kind can be sent at all; %FALSE with an
 *   %OKN_BACKEND_ERROR_CONFIG that says which setting is missing. The engine
 *   leaves that kind queued and sends the others.
 */
gboolean
okn_backend_can_send (OknBackend *self,
                      OknKind     kind,
                      GError    **error)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), FALSE);
  return OKN_BACKEND_GET_IFACE (self)->can_send (self, kind, error);
}

/**
 * okn_backend_get_media_batch:
 *
 * Returns: 0 when records go without their attachments' bytes; else how
 *   many records with attachments the engine hands to one push, their
 *   files read just before and let go after
 */
guint
okn_backend_get_media_batch (OknBackend *self)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), 0);
  return OKN_BACKEND_GET_IFACE (self)->get_media_batch (self);
}

/**
 * okn_backend_push:
 * @records: (element-type OknRecord): registered records (ticket and uuid set)
 *
 * Sends every record once; never repeats one by itself. A record's UUID is
 * its idempotency key and its ticket must be findable by
 * okn_backend_search() afterwards.
 *
 * Returns: (transfer full) (element-type OknBackendReceipt): one receipt
 *   per record, in the same order; the call never fails as a whole
 */
GPtrArray *
okn_backend_push (OknBackend   *self,
                  GPtrArray    *records,
                  GCancellable *cancellable)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), NULL);
  return OKN_BACKEND_GET_IFACE (self)->push (self, records, cancellable);
}

/**
 * okn_backend_resolve_token:
 * @case_id: (out) (transfer full) (nullable): the case number, %NULL while
 *   the server has not given one yet
 *
 * Returns: %TRUE when the server answered; %FALSE with
 *   %OKN_BACKEND_ERROR_PERMANENT when it does not know the token
 */
gboolean
okn_backend_resolve_token (OknBackend   *self,
                           const char   *token,
                           char        **case_id,
                           GCancellable *cancellable,
                           GError      **error)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), FALSE);
  *case_id = NULL;
  return OKN_BACKEND_GET_IFACE (self)->resolve_token (self, token, case_id, cancellable, error);
}

/**
 * okn_backend_search_scope:
 *
 * Returns: (nullable): what a search for @record's case is narrowed to
 *   (Open311: its service code), %NULL when it cannot be searched for
 */
const char *
okn_backend_search_scope (OknBackend      *self,
                          const OknRecord *record)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), NULL);
  return OKN_BACKEND_GET_IFACE (self)->search_scope (self, record);
}

/**
 * okn_backend_search:
 * @scope: from okn_backend_search_scope()
 * @from_us: (Unix µs) the window's start
 * @until_us: (Unix µs) its end
 *
 * Reads the cases of @scope created in the window, for the tickets they
 * carry. A server may cut its answer (#OknBackendSearch.full); the engine
 * then reads narrower windows.
 *
 * Returns: (transfer full) (nullable): what was found, or %NULL with an
 *   %OKN_BACKEND_ERROR (%OKN_BACKEND_ERROR_PERMANENT: the server cannot
 *   search)
 */
OknBackendSearch *
okn_backend_search (OknBackend   *self,
                    const char   *scope,
                    gint64        from_us,
                    gint64        until_us,
                    GCancellable *cancellable,
                    GError      **error)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), NULL);
  g_return_val_if_fail (OKN_BACKEND_GET_IFACE (self)->search != NULL, NULL);
  return OKN_BACKEND_GET_IFACE (self)->search (self, scope, from_us, until_us, cancellable, error);
}

/**
 * okn_backend_pull_statuses:
 * @case_ids: (array zero-terminated=1)
 *
 * Returns: (transfer full) (element-type OknBackendStatus) (nullable): one
 *   per case the server knows, in the order of @case_ids (cases it does
 *   not know are left out); %NULL with an %OKN_BACKEND_ERROR
 */
GPtrArray *
okn_backend_pull_statuses (OknBackend        *self,
                           const char *const *case_ids,
                           GCancellable      *cancellable,
                           GError           **error)
{
  g_return_val_if_fail (OKN_IS_BACKEND (self), NULL);
  return OKN_BACKEND_GET_IFACE (self)->pull_statuses (self, case_ids, cancellable, error);
}

/* ---- answers ------------------------------------------------------------------ */

/**
 * okn_backend_receipt_new_error:
 * @error: (transfer full)
 *
 * Returns: (transfer full): a receipt carrying @error
 */
OknBackendReceipt *
okn_backend_receipt_new_error (GError *error)
{
  OknBackendReceipt *receipt = g_new0 (OknBackendReceipt, 1);

  receipt->error = error;
  return receipt;
}

void
okn_backend_receipt_free (OknBackendReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->case_id);
  g_free (receipt->token);
  g_clear_error (&receipt->error);
  g_free (receipt);
}

/**
 * okn_backend_search_new:
 *
 * Returns: (transfer full): an empty search answer
 */
OknBackendSearch *
okn_backend_search_new (void)
{
  OknBackendSearch *search = g_new0 (OknBackendSearch, 1);

  search->cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  search->oldest_us = G_MAXINT64;
  search->newest_us = G_MININT64;
  return search;
}

void
okn_backend_search_free (OknBackendSearch *search)
{
  if (search == NULL)
    return;
  g_clear_pointer (&search->cases, g_hash_table_unref);
  g_free (search);
}

void
okn_backend_status_free (OknBackendStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->case_id);
  g_free (status->status);
  g_free (status->status_notes);
  g_free (status->agency_responsible);
  g_free (status->updated_at);
  g_free (status->expected_at);
  g_free (status->refused);
  g_free (status);
}
