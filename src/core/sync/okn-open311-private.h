/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-private.h: what the Open311 client's two files share: the
 * client's state, a transfer, and the transport's calls the protocol uses */
#pragma once

#include <curl/curl.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-open311.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURL, curl_easy_cleanup)

struct _OknOpen311Client
{
  char *url;                   /* ends with '/' */
  char *api_key;               /* (nullable) never in a URL, a log or a message */
  char *api_key_escaped;
  char *jurisdiction_id;
  long timeout;
  char *ca_file;
  char *client_cert;
  char *client_key;
  char *pinned_key;
  gboolean media_upload;
  guint parallel;
  guint batch_size;
  char *letter_service;
  char *letter_address;
  char *letter_attr[11];
  GHashTable *multi_attrs;     /* "service\x1f" "attr" of multivaluelist attributes */

  CURLM *multi;
  GPtrArray *idle;             /* CURL easy handles kept for reuse */
  GCancellable *cancellable;   /* (nullable) not owned */
};

enum
{
  LA_SENDER, LA_SENDER_ADDRESS, LA_RECEIVED_AT, LA_DELIVERY, LA_LETTER_DATE, LA_REFERENCE,
  LA_SUBJECT, LA_PAGES, LA_ATTACHMENTS, LA_UNIT, LA_NOTES,
};

/* One field of a multipart POST. */
typedef struct
{
  char *name;
  char *value;
} OknFormField;

typedef struct
{
  char *url;
  char *what;                  /* "POST requests.json": for messages, no secrets */
  gboolean is_post;
  char *idempotency_key;

  /* A urlencoded body, or the guard part of a multipart body. */
  char *body;
  gsize body_len;
  gsize body_pos;
  gboolean body_served;        /* its last byte went to curl */
  gboolean rewind_refused;     /* curl wanted to send it a second time */

  GPtrArray *fields;           /* OknFormField, for multipart */
  GPtrArray *media;            /* OknAttachment, borrowed from the record */

  CURL *easy;
  curl_mime *mime;
  struct curl_slist *headers;
  GString *answer;
  gboolean too_big;
  gboolean html;               /* the answer is a web page, not JSON */

  gboolean done;
  gboolean cancelled;          /* never started: nothing was sent */
  CURLcode result;
  long status;
  gint64 retry_after;
  char errbuf[CURL_ERROR_SIZE];
} OknTransfer;

void          okn_open311_form_field_free  (gpointer p);
void          okn_open311_transfer_free    (OknTransfer *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknTransfer, okn_open311_transfer_free)

void          okn_open311_rescrub          (OknOpen311Client  *client,
                                            char             **text);
void          okn_open311_set_simple_error (OknOpen311Client *client,
                                            GError          **error,
                                            OknOpen311Error   code,
                                            const char       *message);
void          okn_open311_set_setting_error (OknOpen311Client *client,
                                             GError          **error,
                                             OknOpen311Error   code,
                                             OknSettingAction  action,
                                             const char       *key,
                                             const char       *what);
char         *okn_open311_escape           (const char *s);
OknTransfer  *okn_open311_transfer_new_get (OknOpen311Client *client,
                                            const char       *path,
                                            const char       *query);
void          okn_open311_run_transfers    (OknOpen311Client *client,
                                            OknTransfer     **transfers,
                                            guint             n,
                                            guint             max);
void          okn_open311_run_one          (OknOpen311Client *client,
                                            OknTransfer      *t);
void          okn_open311_bad_answer       (OknOpen311Client *client,
                                            OknTransfer      *t,
                                            const char       *why,
                                            GError          **error);
JsonNode     *okn_open311_transfer_json    (OknOpen311Client *client,
                                            OknTransfer      *t,
                                            GError          **error);
JsonNode     *okn_open311_get_json         (OknOpen311Client *client,
                                            const char       *path,
                                            const char       *query,
                                            GError          **error);

OknTransfer  *okn_open311_transfer_new_answer (const char *what,
                                               gboolean    is_post,
                                               long        status,
                                               const char *body,
                                               gsize       len);

/* What an answer is to, for okn_open311_read_answer(). */
typedef enum
{
  OKN_OPEN311_ANSWER_SERVICES,     /* GET services.json */
  OKN_OPEN311_ANSWER_DEFINITION,   /* GET services/{code}.json */
  OKN_OPEN311_ANSWER_REQUESTS,     /* GET requests.json, requests/{id}.json */
  OKN_OPEN311_ANSWER_POST,         /* POST requests.json */
  OKN_OPEN311_ANSWER_TOKEN,        /* GET tokens/{token}.json */
} OknOpen311Answer;

gboolean      okn_open311_read_answer      (OknOpen311Client *client,
                                            OknOpen311Answer  what,
                                            long              status,
                                            const char       *body,
                                            gsize             len,
                                            GError          **error);

/* Members of a server's JSON whatever type it chose. */
gboolean      okn_open311_member_double    (JsonObject *o,
                                            const char *name,
                                            double     *out);
JsonObject   *okn_open311_first_object     (JsonNode *root);

G_END_DECLS
