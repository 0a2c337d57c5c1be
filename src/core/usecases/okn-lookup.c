/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-lookup.c: a resident asks how their case stands
 *
 * Anyone at a kiosk may type any ID and any code, so the answer must not
 * tell an attacker more than "no": an unknown ticket and a wrong code read
 * the same (same error code, same words), the ID's check character is
 * checked without the store's typo hints (they name known tickets), and
 * after OKN_LOOKUP_MAX_FAILURES failures in a row (each at most a pause's
 * length after the one before) every lookup pauses. The
 * pause is kept in the store's meta table: restarting the kiosk does not
 * lift it. Six characters of code make a blind guess one in a billion;
 * the pause keeps it there. */
#define G_LOG_DOMAIN "okn-lookup"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-lookup.h"
#include "okienko/okn-ticket-id.h"

G_DEFINE_QUARK (okn-lookup-error-quark, okn_lookup_error)

#define META_FAILURES     "lookup.failures"
#define META_PAUSED_UNTIL "lookup.paused_until"
#define META_FAILED_AT    "lookup.failed_at"

static GDateTime *
now_or_real (GDateTime *now)
{
  return now ? g_date_time_ref (now) : g_date_time_new_now_utc ();
}

/* How far the time kept under @key lies ahead of @now (behind it: less
 * than 0), in @offset, when it lies at most a pause's length away either
 * way; FALSE when there is none or it is further (older than the pause,
 * or set before the clock was turned back). */
static gboolean
meta_time_near (OknStore   *store,
                const char *key,
                GDateTime  *now,
                GTimeSpan  *offset)
{
  const GTimeSpan pause = (GTimeSpan) OKN_LOOKUP_PAUSE_SECONDS * G_TIME_SPAN_SECOND;
  g_autofree char *text = okn_store_get_meta (store, key);
  g_autoptr (GDateTime) at = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (at == NULL)
    return FALSE;
  *offset = g_date_time_difference (at, now);
  return *offset >= -pause && *offset <= pause;
}

/* Seconds left of a pause. A pause that ends further ahead than a pause
 * lasts was set before the clock was turned back: it is over. */
static guint
paused_for (OknStore  *store,
            GDateTime *now)
{
  GTimeSpan left;

  if (!meta_time_near (store, META_PAUSED_UNTIL, now, &left) || left <= 0)
    return 0;
  return (guint) ((left + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND);
}

static void
set_paused_error (GError      **error,
                  OknLanguage   lang,
                  guint         seconds)
{
  g_set_error (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED,
               OKN_TRC (lang, "lookup", "Too many unsuccessful tries in a row. Try again in %u s."), seconds);
}

/* Whether the last failure is part of the run @now continues: it was at
 * most a pause's length ago. An older one (last week's resident's typo,
 * or one with no time, kept before the time was) starts a new run, as
 * does one ahead of @now (the clock was turned back). Guessing stays as
 * slow as the pause makes it: to keep the count from reaching five a
 * guesser must wait a pause's length after every four. */
static gboolean
last_failure_recent (OknStore  *store,
                     GDateTime *now)
{
  GTimeSpan ahead;

  return meta_time_near (store, META_FAILED_AT, now, &ahead) && ahead <= 0;
}

/* One more failure; the fifth in a row starts the pause (and the count
 * starts again after it). */
static gboolean
note_failure (OknStore   *store,
              GDateTime  *now,
              GError    **error)
{
  g_autofree char *text = last_failure_recent (store, now) ? okn_store_get_meta (store, META_FAILURES) : NULL;
  g_autoptr (GDateTime) now_utc = g_date_time_to_utc (now);
  g_autofree char *now_text = g_date_time_format_iso8601 (now_utc);
  guint64 failures = 0;
  g_autofree char *count = NULL;

  if (text)
    g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &failures, NULL);
  failures++;
  if (failures >= OKN_LOOKUP_MAX_FAILURES)
    {
      g_autoptr (GDateTime) until = g_date_time_add_seconds (now, OKN_LOOKUP_PAUSE_SECONDS);
      g_autoptr (GDateTime) until_utc = g_date_time_to_utc (until);
      g_autofree char *until_text = g_date_time_format_iso8601 (until_utc);

      return okn_store_set_meta (store, META_PAUSED_UNTIL, until_text, error)
             && okn_store_set_meta (store, META_FAILURES, NULL, error)
             && okn_store_set_meta (store, META_FAILED_AT, NULL, error);
    }
  count = g_strdup_printf ("%" G_GUINT64_FORMAT, failures);
  return okn_store_set_meta (store, META_FAILURES, count, error)
         && okn_store_set_meta (store, META_FAILED_AT, now_text, error);
}

static gboolean
note_success (OknStore  *store,
              GError   **error)
{
  g_autofree char *text = okn_store_get_meta (store, META_FAILURES);

  /* Most lookups succeed first time: no write for them. */
  if (text == NULL)
    return TRUE;
  return okn_store_set_meta (store, META_FAILURES, NULL, error)
         && okn_store_set_meta (store, META_FAILED_AT, NULL, error);
}

static OknPublicStatus
public_status (const OknRecord *r)
{
  switch (r->sync_state)
    {
    case OKN_SYNC_CANCELLED:
      return OKN_PUBLIC_STATUS_CANCELLED;
    case OKN_SYNC_AWAITING_ID:
      return OKN_PUBLIC_STATUS_SENT;
    case OKN_SYNC_SYNCED:
      if (r->server_status == NULL || *r->server_status == '\0')
        return OKN_PUBLIC_STATUS_SENT;
      return g_ascii_strcasecmp (r->server_status, "closed") == 0 ? OKN_PUBLIC_STATUS_CLOSED
                                                                   : OKN_PUBLIC_STATUS_IN_PROGRESS;
    case OKN_SYNC_QUEUED:
    case OKN_SYNC_SENDING:
    case OKN_SYNC_NEEDS_ATTENTION:
    default:
      /* A refusal is the office's to sort out; for the resident the case
       * is still here, waiting to be sent. */
      return OKN_PUBLIC_STATUS_RECEIVED;
    }
}

/* Field by field, from what may be shown; a new record field is not
 * public until someone adds it here. */
static OknPublicView *
public_view (OknStore        *store,
             const OknRecord *r,
             OknLanguage      lang)
{
  OknPublicView *v = g_new0 (OknPublicView, 1);

  v->ticket = g_strdup (r->ticket);
  v->kind = r->kind;
  if (r->kind == OKN_KIND_REPORT && r->category)
    {
      v->category = g_strdup (r->category);
      v->category_name = okn_labels_category (store, r->category, lang);
    }
  if (r->kind == OKN_KIND_LETTER)
    v->unit = g_strdup (r->unit);
  v->filed_at = g_strdup (r->kind == OKN_KIND_LETTER && r->received_at ? r->received_at : r->created_at);
  v->updated_at = g_strdup (r->updated_at);
  v->status = public_status (r);
  v->status_note = g_strdup (r->server_status_notes);
  v->case_number = g_strdup (r->server_id);
  return v;
}

static void
set_not_found (GError      **error,
               OknLanguage   lang)
{
  g_set_error_literal (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND,
                       OKN_TRC (lang, "lookup",
                                "No ticket matches this number and verification code. Check both on your ticket."));
}

static void
set_no_code (GError      **error,
             OknLanguage   lang)
{
  g_set_error_literal (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NO_CODE,
                       OKN_TRC (lang, "lookup", "Type the verification code printed on your ticket."));
}

/* What was typed, checked for its form alone (no refusal here counts as a
 * failure: every ticket shows what an ID and a code look like): the ID as
 * printed in @formatted, the code in capitals in @typed. */
static gboolean
check_typed (const char   *ticket,
             const char   *code,
             OknLanguage   lang,
             char        **formatted,
             char        **typed,
             GError      **error)
{
  g_autofree char *upper = NULL;
  g_autofree char *shaped = NULL;
  OknTicketId id;

  if (ticket == NULL || !okn_ticket_id_parse (ticket, &id, NULL))
    {
      g_set_error_literal (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID,
                           OKN_TRC (lang, "lookup",
                                    "This is not a ticket number. Type it as printed on the ticket, e.g. K03-26-004217-Q."));
      return FALSE;
    }
  upper = code ? g_strstrip (g_ascii_strup (code, -1)) : NULL;
  if (upper == NULL || *upper == '\0')
    {
      set_no_code (error, lang);
      return FALSE;
    }
  /* A character missed or one too many cannot be anyone's code: said as
   * such, and no failure. */
  shaped = okn_ticket_canonical_chars (upper);
  if (shaped == NULL || strlen (shaped) != OKN_TICKET_CODE_LEN)
    {
      g_set_error (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID,
                   OKN_TRC (lang, "lookup", "The verification code has %d letters and digits. Type it as printed on your ticket."),
                   OKN_TICKET_CODE_LEN);
      return FALSE;
    }
  *formatted = okn_ticket_id_format (&id);
  *typed = g_steal_pointer (&upper);
  return TRUE;
}

/* As okn_store_lookup(), with a wrong code read as an unknown ticket
 * (%OKN_STORE_ERROR_NOT_FOUND). Both checks run whatever the first said:
 * the same work for an unknown ticket as for a wrong code. */
static OknRecord *
lookup_with_code (OknStore   *store,
                  const char *formatted,
                  const char *typed,
                  GError    **error)
{
  g_autofree char *expected = okn_store_verification_code (store, formatted, error);
  g_autoptr (OknRecord) record = NULL;
  gboolean code_ok;

  if (expected == NULL)
    return NULL;
  code_ok = okn_ticket_verification_code_equal (expected, typed);
  record = okn_store_lookup (store, formatted, error);
  if (record && !code_ok)
    {
      g_set_error_literal (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND, "not this ticket's code");
      return NULL;
    }
  return g_steal_pointer (&record);
}

/**
 * okn_lookup_public:
 * @store: the station's store
 * @ticket: the ticket ID as typed (hyphens, spaces and case do not matter)
 * @code: the verification code as typed
 * @lang: the language of the messages
 * @now: (nullable): the time, for the pause; %NULL for now (tests give
 *   their own clock)
 * @error: return location for an error
 *
 * Looks a ticket up for its holder. Fails with %OKN_LOOKUP_ERROR_INVALID
 * when @ticket is not a ticket ID (its check character catches typos) or
 * @code cannot be a verification code (not 6 characters of one), or
 * %OKN_LOOKUP_ERROR_NO_CODE when @code is empty, neither of which counts
 * as a failure; with
 * %OKN_LOOKUP_ERROR_NOT_FOUND, the same words for both, when no record has
 * this ID or the code is not its code; with %OKN_LOOKUP_ERROR_PAUSED after
 * too many of those in a row, before looking anything up.
 *
 * Returns: (transfer full) (nullable): the public view of the record
 */
OknPublicView *
okn_lookup_public (OknStore    *store,
                   const char  *ticket,
                   const char  *code,
                   OknLanguage  lang,
                   GDateTime   *now,
                   GError     **error)
{
  g_autoptr (GDateTime) at = now_or_real (now);
  g_autoptr (OknRecord) record = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *formatted = NULL;
  g_autofree char *typed = NULL;
  guint paused;

  g_return_val_if_fail (store != NULL, NULL);
  paused = paused_for (store, at);
  if (paused > 0)
    {
      set_paused_error (error, lang, paused);
      return NULL;
    }
  if (!check_typed (ticket, code, lang, &formatted, &typed, error))
    return NULL;
  record = lookup_with_code (store, formatted, typed, &local_error);
  if (record == NULL)
    {
      if (!g_error_matches (local_error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (note_failure (store, at, error))
        set_not_found (error, lang);
      return NULL;
    }
  if (!note_success (store, error))
    return NULL;
  return public_view (store, record, lang);
}

/**
 * okn_lookup_public_scanned:
 * @payload: what a scanner read off the ticket: the QR code (`OKN1:ID:CODE`
 *   or the status page's address with both) or a bare ID
 *
 * As okn_lookup_public() for a scanned ticket. A bare ID (a label's bars)
 * fails with %OKN_LOOKUP_ERROR_NO_CODE, so the front end asks for the
 * code; something that is not one of our tickets, with
 * %OKN_LOOKUP_ERROR_INVALID.
 *
 * Returns: (transfer full) (nullable): the public view of the record
 */
OknPublicView *
okn_lookup_public_scanned (OknStore    *store,
                           const char  *payload,
                           OknLanguage  lang,
                           GDateTime   *now,
                           GError     **error)
{
  g_autofree char *code = NULL;
  g_autofree char *formatted = NULL;
  OknTicketId id;

  if (payload == NULL || !okn_ticket_parse_payload (payload, &id, &code, NULL))
    {
      g_set_error_literal (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID,
                           OKN_TRC (lang, "lookup", "This code is not from one of our tickets."));
      return NULL;
    }
  formatted = okn_ticket_id_format (&id);
  if (code == NULL || *code == '\0')
    {
      g_autoptr (GDateTime) at = now_or_real (now);
      guint paused = paused_for (store, at);

      if (paused > 0)
        set_paused_error (error, lang, paused);
      else
        set_no_code (error, lang);
      return NULL;
    }
  return okn_lookup_public (store, formatted, code, lang, now, error);
}

/**
 * okn_lookup_paused_seconds:
 * @now: (nullable): the time; %NULL for now
 *
 * Returns: how many seconds the lookup stays paused (0: it is not), for a
 *   front end's countdown
 */
guint
okn_lookup_paused_seconds (OknStore  *store,
                           GDateTime *now)
{
  g_autoptr (GDateTime) at = now_or_real (now);

  return paused_for (store, at);
}

void
okn_public_view_free (OknPublicView *view)
{
  if (view == NULL)
    return;
  g_free (view->ticket);
  g_free (view->category);
  g_free (view->category_name);
  g_free (view->unit);
  g_free (view->filed_at);
  g_free (view->updated_at);
  g_free (view->status_note);
  g_free (view->case_number);
  g_free (view);
}

/**
 * okn_public_status_to_string:
 *
 * Returns: the status's stable name for JSON ("received", "sent",
 *   "in-progress", "closed", "cancelled")
 */
const char *
okn_public_status_to_string (OknPublicStatus status)
{
  switch (status)
    {
    case OKN_PUBLIC_STATUS_RECEIVED:
      return "received";
    case OKN_PUBLIC_STATUS_SENT:
      return "sent";
    case OKN_PUBLIC_STATUS_IN_PROGRESS:
      return "in-progress";
    case OKN_PUBLIC_STATUS_CLOSED:
      return "closed";
    case OKN_PUBLIC_STATUS_CANCELLED:
      return "cancelled";
    default:
      return "unknown";
    }
}

/**
 * okn_public_status_label:
 *
 * Returns: (transfer none): where the case stands, in plain words in @lang
 */
const char *
okn_public_status_label (OknLanguage     lang,
                         OknPublicStatus status)
{
  switch (status)
    {
    case OKN_PUBLIC_STATUS_RECEIVED:
      return OKN_TRC (lang, "lookup", "Received here, waiting to be sent to the city");
    case OKN_PUBLIC_STATUS_SENT:
      return OKN_TRC (lang, "lookup", "Sent to the city");
    case OKN_PUBLIC_STATUS_IN_PROGRESS:
      return OKN_TRC (lang, "lookup", "In progress");
    case OKN_PUBLIC_STATUS_CLOSED:
      return OKN_TRC (lang, "lookup", "Closed");
    case OKN_PUBLIC_STATUS_CANCELLED:
      return OKN_TRC (lang, "lookup", "Withdrawn at the office");
    default:
      return "";
    }
}
