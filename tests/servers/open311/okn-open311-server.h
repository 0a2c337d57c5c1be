/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-server.h: a loopback Open311 GeoReport v2 server for tests
 *
 * A test fixture, not a product. It follows the GeoReport v2 spec for the
 * .json format (services, service definitions, requests, tokens, the error
 * array) and keeps requests in memory. A test can tell it to misbehave the
 * way real servers and networks do, and can read back what it stored.
 * It binds 127.0.0.1 only, on an ephemeral port.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_OPEN311_SERVER_ERROR (okn_open311_server_error_quark ())

typedef enum
{
  OKN_OPEN311_SERVER_ERROR_START,
  OKN_OPEN311_SERVER_ERROR_OPTION,
} OknOpen311ServerError;

/* What goes wrong with a request the fault applies to. */
typedef enum
{
  OKN_OPEN311_FAULT_NONE,
  OKN_OPEN311_FAULT_DELAY,       /* sleep delay_ms, then answer normally */
  OKN_OPEN311_FAULT_DROP,        /* store the POST, then close without answering */
  OKN_OPEN311_FAULT_500,
  OKN_OPEN311_FAULT_503,
  OKN_OPEN311_FAULT_429,         /* with Retry-After: retry_after seconds */
  OKN_OPEN311_FAULT_GARBAGE,     /* store the POST, answer 200 with a non-JSON body */
  OKN_OPEN311_FAULT_TRUNCATED,   /* store the POST, answer 200 with half the JSON */
  OKN_OPEN311_FAULT_409,         /* store the POST, answer 409 as a server honouring the
                                  * key does to a copy that overlaps the first */
  /* Not drawn by chaos: */
  OKN_OPEN311_FAULT_DEEP,        /* store the POST, answer deep_status with deep_levels
                                  * nested arrays */
  OKN_OPEN311_FAULT_ECHO,        /* store the POST when echo_status is 2xx, answer it with
                                  * echo_offset characters and then the api_key received
                                  * (echo_encoding) in a echo_type body */
  OKN_OPEN311_FAULT_REFUSE,      /* answer refuse_status (400) with the spec's error array
                                  * holding refuse_text, store nothing */
  OKN_OPEN311_FAULT_LONG_ID,     /* store the POST under a case id of long_id_length digits
                                  * (1,000,000) and answer it: a case number no real
                                  * system issues (the spec sets no length) */
  OKN_OPEN311_FAULT_LAST,
} OknOpen311Fault;

typedef struct
{
  char *key;
  char *value;
} OknOpen311ServerAttribute;

/* One stored service request, as the server received it. */
typedef struct
{
  char *id;
  char *token;             /* (nullable) when the POST was answered with a token */
  char *service_code;
  char *description;
  char *address_string;
  char *address_id;
  char *lat;
  char *lon;
  char *email;
  char *first_name;
  char *last_name;
  char *phone;
  char *jurisdiction_id;
  char *idempotency_key;   /* (nullable) the Idempotency-Key header seen */
  char *status;            /* "open" or "closed" */
  char *status_notes;
  char *requested_datetime;
  char *updated_datetime;
  GPtrArray *attributes;   /* OknOpen311ServerAttribute, in the order received */
  GPtrArray *media;        /* utf8 file names of the uploaded media parts */
} OknOpen311StoredRequest;

typedef struct
{
  guint requests;          /* every HTTP request, control endpoints excluded */
  guint posts;             /* POST requests.json received */
  guint created;           /* service requests stored */
  guint rejected;          /* POSTs answered 400/403/404 */
  guint replays;           /* POSTs answered from an Idempotency-Key seen before */
  guint faults;            /* requests a fault was applied to */
  guint drops;             /* connections closed without an answer */
  guint token_polls;       /* GET tokens/{token}.json */
  guint queries;           /* GET requests.json and requests/{id}.json */
  guint connections;       /* TCP connections accepted */
} OknOpen311ServerCounters;

typedef struct _OknOpen311Server OknOpen311Server;

GQuark            okn_open311_server_error_quark   (void);

OknOpen311Server *okn_open311_server_new           (void);
gboolean          okn_open311_server_start         (OknOpen311Server *server,
                                                    guint16           port,
                                                    GError          **error);
gboolean          okn_open311_server_set_tls       (OknOpen311Server *server,
                                                    const char       *cert_pem,
                                                    const char       *key_pem);
void              okn_open311_server_stop          (OknOpen311Server *server);
void              okn_open311_server_free          (OknOpen311Server *server);

guint16           okn_open311_server_get_port      (OknOpen311Server *server);
char             *okn_open311_server_get_url       (OknOpen311Server *server);
const char       *okn_open311_server_get_api_key   (OknOpen311Server *server);

gboolean          okn_open311_server_set           (OknOpen311Server *server,
                                                    const char       *option,
                                                    const char       *value,
                                                    GError          **error);
void              okn_open311_server_set_fault     (OknOpen311Server *server,
                                                    OknOpen311Fault   fault,
                                                    guint             count);
const char       *okn_open311_fault_to_string      (OknOpen311Fault fault);

gboolean          okn_open311_server_set_status    (OknOpen311Server *server,
                                                    const char       *id,
                                                    const char       *status,
                                                    const char       *status_notes);
GPtrArray        *okn_open311_server_list_requests (OknOpen311Server *server);
void              okn_open311_server_get_counters  (OknOpen311Server         *server,
                                                    OknOpen311ServerCounters *out);
char             *okn_open311_server_dump_json     (OknOpen311Server *server);
void              okn_open311_server_reset         (OknOpen311Server *server);

void              okn_open311_stored_request_free  (OknOpen311StoredRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311Server, okn_open311_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknOpen311StoredRequest, okn_open311_stored_request_free)

G_END_DECLS
