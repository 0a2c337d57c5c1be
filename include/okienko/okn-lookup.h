/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-lookup.h: a resident asks how their case stands
 *
 * The ticket's ID and its verification code (typed, or scanned from the
 * ticket) give a public view of the record: what it is about, when it was
 * filed and where it stands, and nothing personal. A wrong code and an
 * unknown ticket get the same answer, and after five failures in a row the
 * lookup pauses for a minute, kept in the store so that a restart does not
 * reset it. The kiosk and `okienkoctl lookup` call these functions alike.
 * Contract: docs/internals/lookup.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-labels.h"
#include "okienko/okn-record.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

#define OKN_LOOKUP_ERROR (okn_lookup_error_quark ())

typedef enum
{
  OKN_LOOKUP_ERROR_NOT_FOUND,  /* no ticket with this ID and code: unknown, or a wrong code */
  OKN_LOOKUP_ERROR_INVALID,    /* not shaped like a ticket ID or a code: nothing was looked up */
  OKN_LOOKUP_ERROR_NO_CODE,    /* a scanned ticket without its code (a label's bars): type the code */
  OKN_LOOKUP_ERROR_PAUSED,     /* too many failures in a row: wait, then try again */
} OknLookupError;

/* Failures in a row before the pause, and how long it lasts. */
#define OKN_LOOKUP_MAX_FAILURES  5
#define OKN_LOOKUP_PAUSE_SECONDS 60

/* Where a case stands, in the words a resident understands. */
typedef enum
{
  OKN_PUBLIC_STATUS_RECEIVED,     /* received here, waiting to be sent to the city */
  OKN_PUBLIC_STATUS_SENT,         /* sent to the city */
  OKN_PUBLIC_STATUS_IN_PROGRESS,  /* the city is working on it */
  OKN_PUBLIC_STATUS_CLOSED,       /* the city closed it */
  OKN_PUBLIC_STATUS_CANCELLED,    /* withdrawn at the office */
} OknPublicStatus;

/* What may be shown to whoever holds the ticket: no names, addresses,
 * phone numbers, e-mail addresses, descriptions, subjects, notes, photos
 * or attribute values. */
typedef struct
{
  char *ticket;          /* the canonical ID */
  OknKind kind;
  char *category;        /* (nullable) a report's category code */
  char *category_name;   /* (nullable) its name in the cached catalogue (or the code) */
  char *unit;            /* (nullable) the office unit a letter went to */
  char *filed_at;        /* ISO 8601: received (letters) or reported */
  char *updated_at;      /* (nullable) ISO 8601: last change here or from the city */
  OknPublicStatus status;
  char *status_note;     /* (nullable) the city's public note; outside text */
  char *case_number;     /* (nullable) the city's case number (service_request_id) */
} OknPublicView;

GQuark          okn_lookup_error_quark        (void);

OknPublicView  *okn_lookup_public             (OknStore    *store,
                                               const char  *ticket,
                                               const char  *code,
                                               OknLanguage  lang,
                                               GDateTime   *now,
                                               GError     **error);
OknPublicView  *okn_lookup_public_scanned     (OknStore    *store,
                                               const char  *payload,
                                               OknLanguage  lang,
                                               GDateTime   *now,
                                               GError     **error);
guint           okn_lookup_paused_seconds     (OknStore    *store,
                                               GDateTime   *now);
void            okn_public_view_free          (OknPublicView *view);

const char     *okn_public_status_to_string   (OknPublicStatus status);
const char     *okn_public_status_label       (OknLanguage     lang,
                                               OknPublicStatus status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknPublicView, okn_public_view_free)

G_END_DECLS
