/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record.h: letters and reports, their fields and their validation
 *
 * One struct serves both kinds; the fields of the other kind stay NULL/0.
 * Validation lives here, in the core, so the desk, the kiosk and okienkoctl
 * refuse the same things with the same words. Contract: docs/internals/record.md
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define OKN_RECORD_ERROR (okn_record_error_quark ())

typedef enum
{
  OKN_RECORD_ERROR_INVALID,  /* a field is wrong: the message names it */
} OknRecordError;

typedef enum
{
  OKN_KIND_LETTER,
  OKN_KIND_REPORT,
} OknKind;

typedef enum
{
  OKN_CHANNEL_PAPER,   /* a paper letter handed in or posted */
  OKN_CHANNEL_DESK,    /* a walk-in report at a desk */
  OKN_CHANNEL_PHONE,
  OKN_CHANNEL_KIOSK,
  OKN_CHANNEL_EMAIL,
  OKN_CHANNEL_EPUAP,
  OKN_CHANNEL_APP,
  OKN_CHANNEL_OTHER,
} OknChannel;

typedef enum
{
  OKN_DELIVERY_IN_PERSON,
  OKN_DELIVERY_POST,
  OKN_DELIVERY_COURIER,
  OKN_DELIVERY_EMAIL,
  OKN_DELIVERY_EPUAP,
  OKN_DELIVERY_OTHER,
} OknDelivery;

/* Where a record stands with the central server. */
typedef enum
{
  OKN_SYNC_QUEUED,
  OKN_SYNC_SENDING,
  OKN_SYNC_AWAITING_ID,
  OKN_SYNC_SYNCED,
  OKN_SYNC_NEEDS_ATTENTION,
  OKN_SYNC_CANCELLED,
} OknSyncState;

#define OKN_DESCRIPTION_MAX 4000

/* One attached photo or scan, and how many a record may hold. */
#define OKN_RECORD_FILE_MAX_BYTES (20 * 1024 * 1024)
#define OKN_RECORD_FILES_MAX      10

/* The most JSON text one import (`okienkoctl register --json`) may hold:
 * ample for thousands of records (files are given as paths, not inline),
 * and a bound on what a wrong or endless input (/dev/urandom) can cost. */
#define OKN_RECORD_JSON_MAX_BYTES (16 * 1024 * 1024)
/* ...and the most the files its records attach may add up to. */
#define OKN_RECORD_JSON_FILES_MAX_BYTES (100 * 1024 * 1024)

/* The longest case number a record keeps (okn_record_case_id_usable()). */
#define OKN_RECORD_CASE_ID_MAX 255

typedef struct
{
  char *key;
  char *value;
} OknAttribute;

typedef struct
{
  char *sha256;    /* hex, the content address */
  char *filename;
  char *mime_type;
  gint64 size;
  GBytes *data;    /* set when adding; NULL when read back without content */
} OknAttachment;

typedef struct
{
  gint64 id;                 /* store row id, 0 until stored */
  char *uuid;
  char *ticket;              /* formatted: K03-26-004217-Q */
  char *verification_code;
  char *station;
  OknKind kind;
  OknChannel channel;
  char *operator_name;
  char *created_at;          /* ISO 8601 with zone */
  char *updated_at;
  OknSyncState sync_state;
  char *cancel_reason;
  char *server_id;           /* service_request_id once known */
  char *server_token;
  char *server_status;
  char *server_status_notes;
  char *server_error;        /* the server's own words when it refused */

  /* Letters */
  char *received_at;         /* ISO 8601 with zone; defaults to now */
  OknDelivery delivery;
  char *sender_name;
  char *sender_address;
  gboolean anonymous;
  char *letter_date;         /* YYYY-MM-DD */
  char *reference;
  char *subject;
  int pages;
  int attachment_count;
  char *unit;
  char *notes;

  /* Reports */
  char *category;
  char *description;
  char *address;
  gboolean has_location;
  double lat;
  double lon;
  char *contact_name;
  char *contact_email;
  char *contact_phone;
  gboolean consent;

  /* When the retention purge cleared the personal fields above (ISO 8601
   * with zone), or NULL: read from the store, never imported. */
  char *purged_at;
  GPtrArray *attributes;     /* OknAttribute; a key may repeat (multi-value lists) */
  GPtrArray *files;          /* OknAttachment */
} OknRecord;

/* One problem with one field, for a view to show next to that field. */
typedef struct
{
  const char *field;         /* the record field's JSON name, e.g. "description" */
  char *message;             /* translated, names the field */
} OknFieldIssue;

GQuark        okn_record_error_quark        (void);

OknRecord    *okn_record_new                (OknKind kind);
OknRecord    *okn_record_copy               (const OknRecord *record);
void          okn_record_free               (OknRecord *record);
void          okn_record_add_attribute      (OknRecord  *record,
                                             const char *key,
                                             const char *value);
const char   *okn_record_get_attribute      (const OknRecord *record,
                                             const char      *key);
gboolean      okn_record_add_file           (OknRecord  *record,
                                             const char *path,
                                             GError    **error);
const char   *okn_record_title              (const OknRecord *record);

void          okn_field_issue_free          (OknFieldIssue *issue);
void          okn_field_issue_add           (GPtrArray  *issues,
                                             const char *field,
                                             const char *label,
                                             const char *format,
                                             ...) G_GNUC_PRINTF (4, 5);
gboolean      okn_field_issues_to_error     (GPtrArray  *issues,
                                             GError    **error);

char          *okn_record_format_location    (const OknRecord *record);
OknFieldIssue *okn_record_set_location_text (OknRecord  *record,
                                             const char *lat,
                                             const char *lon);
GPtrArray    *okn_record_check              (OknRecord  *record,
                                             GDateTime  *now);
gboolean      okn_record_validate           (OknRecord  *record,
                                             GDateTime  *now,
                                             GError    **error);

OknRecord    *okn_record_from_json          (JsonNode   *node,
                                             GError    **error);
JsonNode     *okn_record_to_json            (const OknRecord *record,
                                             gboolean         with_personal);

const char   *okn_kind_to_string            (OknKind kind);
gboolean      okn_kind_from_string          (const char *s,
                                             OknKind    *out);
const char   *okn_channel_to_string         (OknChannel channel);
gboolean      okn_channel_from_string       (const char *s,
                                             OknChannel *out);
const char   *okn_delivery_to_string        (OknDelivery delivery);
gboolean      okn_delivery_from_string      (const char  *s,
                                             OknDelivery *out);
const char   *okn_sync_state_to_string      (OknSyncState state);
gboolean      okn_sync_state_from_string    (const char   *s,
                                             OknSyncState *out);
gboolean      okn_sync_state_is_editable    (OknSyncState state);
gboolean      okn_record_case_id_usable     (const char  *case_id,
                                             char       **why);
char         *okn_record_case_id_refusal    (const char *case_id,
                                             const char *ticket);

char         *okn_now_iso8601               (GDateTime *now);
GDateTime    *okn_datetime_parse            (const char *text,
                                             GTimeZone  *tz);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknRecord, okn_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknFieldIssue, okn_field_issue_free)

G_END_DECLS
