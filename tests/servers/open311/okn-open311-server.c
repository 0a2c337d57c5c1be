/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-server.c: the loopback Open311 GeoReport v2 test server
 *
 * libmicrohttpd with a thread per connection, so a "delay" fault simply
 * sleeps. All state sits behind one mutex; handlers copy what they need out
 * of it before answering.
 */
#define G_LOG_DOMAIN "okn-open311-server"

#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-json.h"

#include "okn-open311-server.h"

G_DEFINE_QUARK (okn-open311-server-error-quark, okn_open311_server_error)

#define BASE_PATH     "/open311/v2/"
#define CONTROL_PATH  "/_control/"
#define DEFAULT_KEY   "fixture-key-5b9e1d"

/* ---- the catalogue ------------------------------------------------------ */

typedef struct
{
  const char *key;
  const char *name;
} ValueDef;

typedef struct
{
  const char *code;
  const char *datatype;
  gboolean required;
  int order;
  const char *description;
  const ValueDef *values;
} AttrDef;

typedef struct
{
  const char *code;
  const char *name;
  const char *description;
  const char *group;
  const char *keywords;
  const char *type;
  const AttrDef *attributes;   /* NULL: metadata false */
} ServiceDef;

static const ValueDef lane_values[] = {
  { "left", "Lewy pas" }, { "right", "Prawy pas" }, { "both", "Cała jezdnia" }, { NULL, NULL },
};
static const ValueDef light_values[] = {
  { "dark", "Nie świeci" }, { "flicker", "Miga" }, { "daylight", "Świeci w dzień" },
  { "damaged", "Uszkodzona oprawa" }, { NULL, NULL },
};
static const ValueDef delivery_values[] = {
  { "in-person", "Osobiście" }, { "post", "Poczta" }, { "courier", "Kurier" },
  { "email", "E-mail" }, { "epuap", "ePUAP" }, { "other", "Inny" }, { NULL, NULL },
};

static const AttrDef pothole_attrs[] = {
  { "depth", "number", TRUE, 1, "Głębokość (cm)", NULL },
  { "lane", "singlevaluelist", TRUE, 2, "Pas ruchu", lane_values },
  { "noticed_at", "datetime", FALSE, 3, "Kiedy zauważono", NULL },
  { NULL },
};
static const AttrDef light_attrs[] = {
  { "issues", "multivaluelist", TRUE, 1, "Co jest nie tak", light_values },
  { "pole_number", "string", FALSE, 2, "Numer słupa", NULL },
  { "details", "text", FALSE, 3, "Szczegóły", NULL },
  { NULL },
};
static const AttrDef letter_attrs[] = {
  { "sender", "string", TRUE, 1, "Nadawca", NULL },
  { "sender_address", "text", FALSE, 2, "Adres nadawcy", NULL },
  { "received_at", "datetime", TRUE, 3, "Data wpływu", NULL },
  { "delivery", "singlevaluelist", TRUE, 4, "Sposób doręczenia", delivery_values },
  { "letter_date", "string", FALSE, 5, "Data pisma", NULL },
  { "reference", "string", FALSE, 6, "Znak pisma", NULL },
  { "subject", "string", TRUE, 7, "Dotyczy", NULL },
  { "pages", "number", FALSE, 8, "Liczba stron", NULL },
  { "attachments", "number", FALSE, 9, "Liczba załączników", NULL },
  { "unit", "string", FALSE, 10, "Komórka organizacyjna", NULL },
  { "notes", "text", FALSE, 11, "Uwagi", NULL },
  { NULL },
};

static const ServiceDef services[] = {
  { "pothole", "Dziura w jezdni", "Ubytki w nawierzchni jezdni", "Drogi",
    "dziura,jezdnia,asfalt", "realtime", pothole_attrs },
  { "streetlight", "Niedziałająca latarnia", "Oświetlenie uliczne", "Oświetlenie",
    "latarnia,lampa", "realtime", light_attrs },
  { "dumping", "Dzikie wysypisko", "Odpady porzucone poza miejscem do tego przeznaczonym",
    "Czystość", "śmieci,odpady", "realtime", NULL },
  { "letter", "Korespondencja (pismo)", "Pismo przyjęte w punkcie kancelaryjnym", "Kancelaria",
    "pismo,list", "batch", letter_attrs },
};

static const ServiceDef *
find_service (const char *code)
{
  for (guint i = 0; code && i < G_N_ELEMENTS (services); i++)
    if (g_str_equal (services[i].code, code))
      return &services[i];
  return NULL;
}

static const AttrDef *
find_attr (const ServiceDef *s,
           const char       *code)
{
  for (const AttrDef *a = s->attributes; a && a->code; a++)
    if (g_str_equal (a->code, code))
      return a;
  return NULL;
}

static gboolean
value_allowed (const AttrDef *a,
               const char    *value)
{
  for (const ValueDef *v = a->values; v && v->key; v++)
    if (g_str_equal (v->key, value))
      return TRUE;
  return FALSE;
}

/* ---- state ---------------------------------------------------------------- */

typedef struct
{
  OknOpen311StoredRequest *request;
  guint polls;
} TokenState;

struct _OknOpen311Server
{
  GMutex lock;
  struct MHD_Daemon *daemon;
  guint16 port;
  char *tls_cert;              /* (nullable) PEM: serve HTTPS */
  char *tls_key;

  char *api_key;
  char *jurisdiction_id;
  OknOpen311Fault fault;
  guint fault_left;            /* 0: the fault stays until cleared */
  gboolean fault_all;          /* every endpoint, not only POST requests.json */
  double chaos;
  GRand *rand;
  guint delay_ms;
  guint retry_after;
  gboolean retry_after_date;   /* Retry-After as an HTTP date, not seconds */
  gboolean honour_key;
  guint token_polls;           /* 0: answer ids */
  gboolean unlisted_tokens;    /* a search leaves out cases whose token is not resolved yet */
  gboolean first_id_only;
  gboolean ids_as_numbers;
  gboolean bools_as_strings;
  gboolean statusless;         /* request answers without "status" */
  gboolean no_services;        /* services.json answers [] */
  gboolean echo_api_key;
  guint deep_levels;           /* the "deep" fault's nesting */
  guint deep_status;
  guint echo_status;           /* the "echo" fault's answer */
  char *echo_type;             /* text, html, json */
  char *echo_encoding;         /* raw, upper, lower, percent, percent-lower, form */
  guint echo_offset;           /* characters before the key */
  gboolean error_preamble;     /* a generic entry first in every error array */
  guint refuse_status;         /* the "refuse" fault's answer ... */
  char *refuse_text;           /* ... and its description */
  guint max_results;           /* of a requests.json search; the spec's 1000 */
  guint long_id_length;        /* the "long-id" fault's id, in digits */
  guint max_url_length;        /* a longer request URL is answered 414; 0: no limit of ours */

  GPtrArray *requests;         /* OknOpen311StoredRequest, owned */
  GHashTable *by_id;
  GHashTable *by_key;
  GHashTable *tokens;          /* token -> TokenState */
  guint next_id;
  OknOpen311ServerCounters counters;
};

static const char *fault_names[] = {
  "none", "delay", "drop", "500", "503", "429", "garbage", "truncated", "409",
  "deep", "echo", "refuse", "long-id",
};
/* Chaos draws the faults a network or a busy server produces, not the
 * hostile ones after them. */
#define CHAOS_FAULTS_END (OKN_OPEN311_FAULT_409 + 1)
G_STATIC_ASSERT (G_N_ELEMENTS (fault_names) == OKN_OPEN311_FAULT_LAST);

const char *
okn_open311_fault_to_string (OknOpen311Fault fault)
{
  return fault < OKN_OPEN311_FAULT_LAST ? fault_names[fault] : "none";
}

static void
attribute_free (gpointer p)
{
  OknOpen311ServerAttribute *a = p;

  g_free (a->key);
  g_free (a->value);
  g_free (a);
}

void
okn_open311_stored_request_free (OknOpen311StoredRequest *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->token);
  g_free (r->service_code);
  g_free (r->description);
  g_free (r->address_string);
  g_free (r->address_id);
  g_free (r->lat);
  g_free (r->lon);
  g_free (r->email);
  g_free (r->first_name);
  g_free (r->last_name);
  g_free (r->phone);
  g_free (r->jurisdiction_id);
  g_free (r->idempotency_key);
  g_free (r->status);
  g_free (r->status_notes);
  g_free (r->requested_datetime);
  g_free (r->updated_datetime);
  g_clear_pointer (&r->attributes, g_ptr_array_unref);
  g_clear_pointer (&r->media, g_ptr_array_unref);
  g_free (r);
}

static OknOpen311StoredRequest *
stored_request_copy (const OknOpen311StoredRequest *r)
{
  OknOpen311StoredRequest *c = g_new0 (OknOpen311StoredRequest, 1);

  c->id = g_strdup (r->id);
  c->token = g_strdup (r->token);
  c->service_code = g_strdup (r->service_code);
  c->description = g_strdup (r->description);
  c->address_string = g_strdup (r->address_string);
  c->address_id = g_strdup (r->address_id);
  c->lat = g_strdup (r->lat);
  c->lon = g_strdup (r->lon);
  c->email = g_strdup (r->email);
  c->first_name = g_strdup (r->first_name);
  c->last_name = g_strdup (r->last_name);
  c->phone = g_strdup (r->phone);
  c->jurisdiction_id = g_strdup (r->jurisdiction_id);
  c->idempotency_key = g_strdup (r->idempotency_key);
  c->status = g_strdup (r->status);
  c->status_notes = g_strdup (r->status_notes);
  c->requested_datetime = g_strdup (r->requested_datetime);
  c->updated_datetime = g_strdup (r->updated_datetime);
  c->attributes = g_ptr_array_new_with_free_func (attribute_free);
  for (guint i = 0; i < r->attributes->len; i++)
    {
      const OknOpen311ServerAttribute *a = g_ptr_array_index (r->attributes, i);
      OknOpen311ServerAttribute *n = g_new0 (OknOpen311ServerAttribute, 1);

      n->key = g_strdup (a->key);
      n->value = g_strdup (a->value);
      g_ptr_array_add (c->attributes, n);
    }
  c->media = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < r->media->len; i++)
    g_ptr_array_add (c->media, g_strdup (g_ptr_array_index (r->media, i)));
  return c;
}

static void
clear_state (OknOpen311Server *server)
{
  g_hash_table_remove_all (server->tokens);
  g_hash_table_remove_all (server->by_key);
  g_hash_table_remove_all (server->by_id);
  g_ptr_array_set_size (server->requests, 0);
  memset (&server->counters, 0, sizeof server->counters);
  server->next_id = 1;
}

OknOpen311Server *
okn_open311_server_new (void)
{
  OknOpen311Server *server = g_new0 (OknOpen311Server, 1);

  g_mutex_init (&server->lock);
  server->api_key = g_strdup (DEFAULT_KEY);
  server->rand = g_rand_new_with_seed (1);
  server->delay_ms = 200;
  server->retry_after = 2;
  server->honour_key = TRUE;
  server->max_results = 1000;
  server->long_id_length = 1000000;
  server->deep_levels = 200000;
  server->deep_status = 200;
  server->echo_status = 400;
  server->echo_type = g_strdup ("text");
  server->echo_encoding = g_strdup ("raw");
  server->refuse_status = 400;
  server->refuse_text = g_strdup ("the request was refused (injected)");
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_stored_request_free);
  server->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  server->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  server->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  server->next_id = 1;
  return server;
}

void
okn_open311_server_free (OknOpen311Server *server)
{
  if (server == NULL)
    return;
  okn_open311_server_stop (server);
  g_hash_table_unref (server->tokens);
  g_hash_table_unref (server->by_key);
  g_hash_table_unref (server->by_id);
  g_ptr_array_unref (server->requests);
  g_rand_free (server->rand);
  g_free (server->api_key);
  g_free (server->jurisdiction_id);
  g_free (server->echo_type);
  g_free (server->echo_encoding);
  g_free (server->refuse_text);
  g_free (server->tls_cert);
  g_free (server->tls_key);
  g_mutex_clear (&server->lock);
  g_free (server);
}

guint16
okn_open311_server_get_port (OknOpen311Server *server)
{
  return server->port;
}

/**
 * okn_open311_server_get_url:
 *
 * Returns: (transfer full): the endpoint's base, ending in a slash
 */
char *
okn_open311_server_get_url (OknOpen311Server *server)
{
  return g_strdup_printf ("%s://127.0.0.1:%u" BASE_PATH, server->tls_cert ? "https" : "http",
                          server->port);
}

/**
 * okn_open311_server_set_tls:
 * @cert_pem: (nullable): the server certificate, PEM text; %NULL: plain HTTP
 * @key_pem: (nullable): its private key, PEM text
 *
 * Takes effect at the next okn_open311_server_start().
 *
 * Returns: %FALSE when this libmicrohttpd was built without TLS
 */
gboolean
okn_open311_server_set_tls (OknOpen311Server *server,
                            const char       *cert_pem,
                            const char       *key_pem)
{
  g_free (server->tls_cert);
  g_free (server->tls_key);
  server->tls_cert = g_strdup (cert_pem);
  server->tls_key = g_strdup (key_pem);
  return cert_pem == NULL || MHD_is_feature_supported (MHD_FEATURE_TLS) == MHD_YES;
}

const char *
okn_open311_server_get_api_key (OknOpen311Server *server)
{
  return server->api_key;
}

static gboolean
parse_bool (const char *value,
            gboolean   *out)
{
  if (g_str_equal (value, "true") || g_str_equal (value, "1") || g_str_equal (value, "yes"))
    *out = TRUE;
  else if (g_str_equal (value, "false") || g_str_equal (value, "0") || g_str_equal (value, "no"))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_uint (const char *value,
            guint      *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* Call with the lock held. */
static gboolean
set_locked (OknOpen311Server *server,
            const char       *option,
            const char       *value)
{
  if (g_str_equal (option, "fault"))
    {
      for (guint i = 0; i < OKN_OPEN311_FAULT_LAST; i++)
        if (g_str_equal (value, fault_names[i]))
          {
            server->fault = i;
            return TRUE;
          }
      return FALSE;
    }
  if (g_str_equal (option, "fault_count"))
    return parse_uint (value, &server->fault_left);
  if (g_str_equal (option, "fault_scope"))
    {
      if (!g_str_equal (value, "post") && !g_str_equal (value, "all"))
        return FALSE;
      server->fault_all = g_str_equal (value, "all");
      return TRUE;
    }
  if (g_str_equal (option, "chaos"))
    {
      char *end = NULL;
      double p = g_ascii_strtod (value, &end);

      if (end == value || *end || p < 0 || p > 1)
        return FALSE;
      server->chaos = p;
      return TRUE;
    }
  if (g_str_equal (option, "seed"))
    {
      guint seed;

      if (!parse_uint (value, &seed))
        return FALSE;
      g_rand_set_seed (server->rand, seed);
      return TRUE;
    }
  if (g_str_equal (option, "delay_ms"))
    return parse_uint (value, &server->delay_ms);
  if (g_str_equal (option, "retry_after"))
    return parse_uint (value, &server->retry_after);
  if (g_str_equal (option, "idempotency"))
    {
      if (!g_str_equal (value, "honour") && !g_str_equal (value, "ignore"))
        return FALSE;
      server->honour_key = g_str_equal (value, "honour");
      return TRUE;
    }
  if (g_str_equal (option, "tokens"))
    return parse_uint (value, &server->token_polls);
  if (g_str_equal (option, "unlisted_tokens"))
    return parse_bool (value, &server->unlisted_tokens);
  if (g_str_equal (option, "first_id_only"))
    return parse_bool (value, &server->first_id_only);
  if (g_str_equal (option, "ids_as_numbers"))
    return parse_bool (value, &server->ids_as_numbers);
  if (g_str_equal (option, "bools_as_strings"))
    return parse_bool (value, &server->bools_as_strings);
  if (g_str_equal (option, "statusless"))
    return parse_bool (value, &server->statusless);
  if (g_str_equal (option, "no_services"))
    return parse_bool (value, &server->no_services);
  if (g_str_equal (option, "max_results"))
    return parse_uint (value, &server->max_results) && server->max_results > 0;
  if (g_str_equal (option, "long_id_length"))
    return parse_uint (value, &server->long_id_length) && server->long_id_length > 0
           && server->long_id_length <= 16000000;
  if (g_str_equal (option, "max_url_length"))
    return parse_uint (value, &server->max_url_length);
  if (g_str_equal (option, "retry_after_date"))
    return parse_bool (value, &server->retry_after_date);
  if (g_str_equal (option, "echo_api_key"))
    return parse_bool (value, &server->echo_api_key);
  if (g_str_equal (option, "deep_levels"))
    return parse_uint (value, &server->deep_levels) && server->deep_levels > 0;
  if (g_str_equal (option, "deep_status"))
    return parse_uint (value, &server->deep_status) && server->deep_status >= 200 && server->deep_status < 600;
  if (g_str_equal (option, "echo_status"))
    return parse_uint (value, &server->echo_status) && server->echo_status >= 200 && server->echo_status < 600;
  if (g_str_equal (option, "echo_offset"))
    return parse_uint (value, &server->echo_offset) && server->echo_offset <= 100000;
  if (g_str_equal (option, "echo_type"))
    {
      if (!g_strv_contains ((const char *const[]) { "text", "html", "json", "empty", NULL }, value))
        return FALSE;
      g_free (server->echo_type);
      server->echo_type = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (option, "echo_encoding"))
    {
      if (!g_strv_contains ((const char *const[]) { "raw", "upper", "lower", "percent", "percent-lower",
                                                    "percent-all", "form", "json-escape", "html-ref",
                                                    NULL }, value))
        return FALSE;
      g_free (server->echo_encoding);
      server->echo_encoding = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (option, "refuse_status"))
    return parse_uint (value, &server->refuse_status) && server->refuse_status >= 300 && server->refuse_status < 600;
  if (g_str_equal (option, "refuse_text"))
    {
      g_free (server->refuse_text);
      server->refuse_text = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (option, "error_preamble"))
    return parse_bool (value, &server->error_preamble);
  if (g_str_equal (option, "api_key"))
    {
      if (*value == '\0')
        return FALSE;
      g_free (server->api_key);
      server->api_key = g_strdup (value);
      return TRUE;
    }
  if (g_str_equal (option, "jurisdiction_id"))
    {
      g_free (server->jurisdiction_id);
      server->jurisdiction_id = *value ? g_strdup (value) : NULL;
      return TRUE;
    }
  return FALSE;
}

/**
 * okn_open311_server_set:
 * @option: fault (none, delay, drop, 500, 503, 429, garbage, truncated, 409,
 *   deep, echo, refuse, long-id), fault_count (the next N requests; 0: until
 *   cleared), fault_scope (post, all), chaos (probability 0..1 of a random
 *   fault among none..409), seed, delay_ms, deep_levels, deep_status,
 *   echo_status, echo_type (text, html, json; empty: no body), echo_encoding (raw, upper,
 *   lower, percent, percent-lower, percent-all, form, json-escape,
 *   html-ref), echo_offset,
 *   error_preamble (a generic entry first in a POST's validation errors),
 *   refuse_status and refuse_text (the "refuse" fault's answer: 400, "the
 *   request was refused (injected)"), long_id_length (the "long-id" fault's
 *   case id, in digits: 1000000), max_url_length (a request whose URL,
 *   query included, is longer is answered 414 with a web page, as Apache
 *   does over its LimitRequestLine; 0, the default: only libmicrohttpd's
 *   own limit),
 *   retry_after (seconds), retry_after_date (send it as an HTTP date),
 *   idempotency (honour, ignore), tokens (answer
 *   tokens resolved after N polls; 0: ids), unlisted_tokens (a search
 *   leaves out a case answered with a token until that token is resolved,
 *   as a server that makes its cases later does), first_id_only, ids_as_numbers,
 *   bools_as_strings, statusless (request answers without a status, as
 *   a server sends a note alone), no_services (services.json answers an
 *   empty list, as a server whose back end lost its catalogue), echo_api_key (true/false), max_results (of a
 *   search; 1000), api_key, jurisdiction_id
 *
 * The same names serve the in-process API, `--set name=value` of the
 * executable and `POST /_control/set`.
 */
gboolean
okn_open311_server_set (OknOpen311Server *server,
                        const char       *option,
                        const char       *value,
                        GError          **error)
{
  gboolean ok;

  g_mutex_lock (&server->lock);
  ok = set_locked (server, option, value);
  g_mutex_unlock (&server->lock);
  if (!ok)
    g_set_error (error, OKN_OPEN311_SERVER_ERROR, OKN_OPEN311_SERVER_ERROR_OPTION,
                 "unknown option or bad value: %s=%s", option, value);
  return ok;
}

/**
 * okn_open311_server_set_fault:
 * @count: how many of the next requests get it; 0: all until cleared
 */
void
okn_open311_server_set_fault (OknOpen311Server *server,
                              OknOpen311Fault   fault,
                              guint             count)
{
  g_mutex_lock (&server->lock);
  server->fault = fault;
  server->fault_left = count;
  g_mutex_unlock (&server->lock);
}

gboolean
okn_open311_server_set_status (OknOpen311Server *server,
                               const char       *id,
                               const char       *status,
                               const char       *status_notes)
{
  OknOpen311StoredRequest *r;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_mutex_lock (&server->lock);
  r = g_hash_table_lookup (server->by_id, id);
  if (r)
    {
      g_free (r->status);
      r->status = g_strdup (status);
      g_free (r->status_notes);
      r->status_notes = g_strdup (status_notes);
      g_free (r->updated_datetime);
      r->updated_datetime = g_date_time_format_iso8601 (now);
    }
  g_mutex_unlock (&server->lock);
  return r != NULL;
}

/**
 * okn_open311_server_list_requests:
 *
 * Returns: (transfer full) (element-type OknOpen311StoredRequest): copies of
 *   the stored requests in the order they were created
 */
GPtrArray *
okn_open311_server_list_requests (OknOpen311Server *server)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_stored_request_free);

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->requests->len; i++)
    g_ptr_array_add (out, stored_request_copy (g_ptr_array_index (server->requests, i)));
  g_mutex_unlock (&server->lock);
  return out;
}

void
okn_open311_server_get_counters (OknOpen311Server         *server,
                                 OknOpen311ServerCounters *out)
{
  g_mutex_lock (&server->lock);
  *out = server->counters;
  g_mutex_unlock (&server->lock);
}

/* Forgets the stored requests and the counters, keeps the options. */
void
okn_open311_server_reset (OknOpen311Server *server)
{
  g_mutex_lock (&server->lock);
  clear_state (server);
  g_mutex_unlock (&server->lock);
}

/* What GET /_control/dump.json shows of a stored request, in order. */
static const struct
{
  const char *name;
  gsize offset;
} dumped_members[] = {
  { "id", G_STRUCT_OFFSET (OknOpen311StoredRequest, id) },
  { "token", G_STRUCT_OFFSET (OknOpen311StoredRequest, token) },
  { "service_code", G_STRUCT_OFFSET (OknOpen311StoredRequest, service_code) },
  { "description", G_STRUCT_OFFSET (OknOpen311StoredRequest, description) },
  { "address_string", G_STRUCT_OFFSET (OknOpen311StoredRequest, address_string) },
  { "lat", G_STRUCT_OFFSET (OknOpen311StoredRequest, lat) },
  { "long", G_STRUCT_OFFSET (OknOpen311StoredRequest, lon) },
  { "email", G_STRUCT_OFFSET (OknOpen311StoredRequest, email) },
  { "first_name", G_STRUCT_OFFSET (OknOpen311StoredRequest, first_name) },
  { "last_name", G_STRUCT_OFFSET (OknOpen311StoredRequest, last_name) },
  { "phone", G_STRUCT_OFFSET (OknOpen311StoredRequest, phone) },
  { "idempotency_key", G_STRUCT_OFFSET (OknOpen311StoredRequest, idempotency_key) },
  { "status", G_STRUCT_OFFSET (OknOpen311StoredRequest, status) },
};

/**
 * okn_open311_server_dump_json:
 *
 * Returns: (transfer full): {"counters": {...}, "requests": [...]}, what
 *   `GET /_control/dump.json` answers
 */
char *
okn_open311_server_dump_json (OknOpen311Server *server)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) list = okn_open311_server_list_requests (server);
  OknOpen311ServerCounters c;

  okn_open311_server_get_counters (server, &c);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
#define COUNTER(name) json_builder_set_member_name (b, #name); json_builder_add_int_value (b, c.name)
  COUNTER (requests);
  COUNTER (posts);
  COUNTER (created);
  COUNTER (rejected);
  COUNTER (replays);
  COUNTER (faults);
  COUNTER (drops);
  COUNTER (token_polls);
  COUNTER (queries);
  COUNTER (connections);
#undef COUNTER
  json_builder_end_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311StoredRequest *r = g_ptr_array_index (list, i);

      json_builder_begin_object (b);
      for (guint k = 0; k < G_N_ELEMENTS (dumped_members); k++)
        okn_json_add_string (b, dumped_members[k].name,
                             G_STRUCT_MEMBER (const char *, r, dumped_members[k].offset));
      json_builder_set_member_name (b, "attributes");
      json_builder_begin_array (b);
      for (guint j = 0; j < r->attributes->len; j++)
        {
          OknOpen311ServerAttribute *a = g_ptr_array_index (r->attributes, j);

          json_builder_begin_array (b);
          json_builder_add_string_value (b, a->key);
          json_builder_add_string_value (b, a->value);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "media");
      json_builder_begin_array (b);
      for (guint j = 0; j < r->media->len; j++)
        json_builder_add_string_value (b, g_ptr_array_index (r->media, j));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* ---- one HTTP exchange ----------------------------------------------------- */

typedef struct
{
  char *key;
  char *filename;
  GString *value;
} Field;

typedef struct
{
  struct MHD_PostProcessor *pp;
  GPtrArray *fields;          /* Field */
  gboolean bad_body;          /* a POST body in an encoding we do not take */
  gboolean long_id;           /* the "long-id" fault: the case stored gets a long id */
  gboolean started;           /* the handler has seen the request */
  gsize uri_length;           /* of the URL as received, query included */
} Exchange;

typedef struct
{
  guint status;
  char *body;
  const char *content_type;
  guint retry_after;          /* 0: no header */
  gboolean retry_after_date;
  gboolean drop;              /* close without answering */
} Answer;

static void
field_free (gpointer p)
{
  Field *f = p;

  g_free (f->key);
  g_free (f->filename);
  g_string_free (f->value, TRUE);
  g_free (f);
}

static void
exchange_free (Exchange *x)
{
  if (x->pp)
    MHD_destroy_post_processor (x->pp);
  g_ptr_array_unref (x->fields);
  g_free (x);
}

/* Values can arrive in pieces (off > 0): append them to the field begun. */
static enum MHD_Result
post_iterator (void                *cls,
               enum MHD_ValueKind   kind,
               const char          *key,
               const char          *filename,
               const char          *content_type,
               const char          *transfer_encoding,
               const char          *data,
               uint64_t             off,
               size_t               size)
{
  Exchange *x = cls;
  Field *f = NULL;

  if (off > 0 && x->fields->len > 0)
    {
      Field *last = g_ptr_array_index (x->fields, x->fields->len - 1);

      if (g_str_equal (last->key, key))
        f = last;
    }
  if (f == NULL)
    {
      f = g_new0 (Field, 1);
      f->key = g_strdup (key);
      f->filename = g_strdup (filename);
      f->value = g_string_new (NULL);
      g_ptr_array_add (x->fields, f);
    }
  if (size)
    g_string_append_len (f->value, data, (gssize) size);
  return MHD_YES;
}

static const char *
field_get (Exchange   *x,
           const char *key)
{
  for (guint i = 0; i < x->fields->len; i++)
    {
      Field *f = g_ptr_array_index (x->fields, i);

      if (g_str_equal (f->key, key) && f->filename == NULL)
        return f->value->str;
    }
  return NULL;
}

static const char *
field_get_nonempty (Exchange   *x,
                    const char *key)
{
  const char *v = field_get (x, key);

  return v && *v ? v : NULL;
}

static void
answer_json (Answer   *ans,
             guint     status,
             JsonNode *node)
{
  ans->status = status;
  ans->content_type = "application/json; charset=utf-8";
  ans->body = json_to_string (node, FALSE);
}

/* Answers with what @b built: every JSON answer ends here. */
static void
answer_built (Answer      *ans,
              guint        status,
              JsonBuilder *b)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  answer_json (ans, status, root);
}

/* The spec's error answer: [{"code": 400, "description": "..."}, ...], one
 * entry per problem. */
static void
answer_errors (Answer    *ans,
               guint      status,
               gboolean   preamble,
               GPtrArray *descriptions)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  /* Some servers lead with an entry that names nothing. */
  if (preamble)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, status);
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, "Bad Request");
      json_builder_end_object (b);
    }
  for (guint i = 0; i < descriptions->len; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_add_int_value (b, status);
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, g_ptr_array_index (descriptions, i));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  answer_built (ans, status, b);
}

static void
answer_error (Answer     *ans,
              guint       status,
              const char *format,
              ...) G_GNUC_PRINTF (3, 4);

static void
answer_error (Answer     *ans,
              guint       status,
              const char *format,
              ...)
{
  g_autoptr (GPtrArray) one = g_ptr_array_new_with_free_func (g_free);
  va_list ap;

  va_start (ap, format);
  g_ptr_array_add (one, g_strdup_vprintf (format, ap));
  va_end (ap);
  answer_errors (ans, status, FALSE, one);
}

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...)
{
  va_list ap;

  va_start (ap, format);
  g_ptr_array_add (problems, g_strdup_vprintf (format, ap));
  va_end (ap);
}

static void
add_bool (OknOpen311Server *server,
          JsonBuilder      *b,
          const char       *name,
          gboolean          value)
{
  json_builder_set_member_name (b, name);
  if (server->bools_as_strings)
    json_builder_add_string_value (b, value ? "true" : "false");
  else
    json_builder_add_boolean_value (b, value);
}

static void
add_id (OknOpen311Server *server,
        JsonBuilder      *b,
        const char       *id)
{
  json_builder_set_member_name (b, "service_request_id");
  if (id == NULL)
    json_builder_add_null_value (b);
  else if (server->ids_as_numbers)
    json_builder_add_int_value (b, g_ascii_strtoll (id, NULL, 10));
  else
    json_builder_add_string_value (b, id);
}

static void
get_services (OknOpen311Server *server,
              Answer           *ans)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (services) && !server->no_services; i++)
    {
      const ServiceDef *s = &services[i];

      json_builder_begin_object (b);
      okn_json_add_string (b, "service_code", s->code);
      okn_json_add_string (b, "service_name", s->name);
      okn_json_add_string (b, "description", s->description);
      add_bool (server, b, "metadata", s->attributes != NULL);
      okn_json_add_string (b, "type", s->type);
      okn_json_add_string (b, "keywords", s->keywords);
      okn_json_add_string (b, "group", s->group);
      /* Not in the spec: clients must ignore keys they do not know. */
      json_builder_set_member_name (b, "x_fixture");
      json_builder_add_int_value (b, (gint64) i);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  answer_built (ans, 200, b);
}

static void
get_definition (OknOpen311Server *server,
                const char       *code,
                Answer           *ans)
{
  const ServiceDef *s = find_service (code);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (s == NULL)
    {
      answer_error (ans, 404, "service_code %s was not found", code);
      return;
    }
  json_builder_begin_object (b);
  okn_json_add_string (b, "service_code", s->code);
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_array (b);
  for (const AttrDef *a = s->attributes; a && a->code; a++)
    {
      json_builder_begin_object (b);
      add_bool (server, b, "variable", TRUE);
      okn_json_add_string (b, "code", a->code);
      okn_json_add_string (b, "datatype", a->datatype);
      add_bool (server, b, "required", a->required);
      okn_json_add_string (b, "datatype_description", NULL);
      json_builder_set_member_name (b, "order");
      json_builder_add_int_value (b, a->order);
      okn_json_add_string (b, "description", a->description);
      if (a->values)
        {
          json_builder_set_member_name (b, "values");
          json_builder_begin_array (b);
          for (const ValueDef *v = a->values; v->key; v++)
            {
              json_builder_begin_object (b);
              okn_json_add_string (b, "key", v->key);
              okn_json_add_string (b, "name", v->name);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  answer_built (ans, 200, b);
}

/* Checks jurisdiction_id (when the server is configured with one) and the
 * api_key for a POST; the lock is held. */
static gboolean
check_access (OknOpen311Server      *server,
              struct MHD_Connection *conn,
              Exchange              *x,
              gboolean               is_post,
              Answer                *ans)
{
  const char *jid = is_post ? field_get_nonempty (x, "jurisdiction_id")
                            : MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND,
                                                           "jurisdiction_id");

  if (is_post)
    {
      const char *key = field_get (x, "api_key");

      if (key == NULL || g_strcmp0 (key, server->api_key) != 0)
        {
          if (server->echo_api_key && key)
            answer_error (ans, 403, "api_key %s is not valid", key);
          else
            answer_error (ans, 403, "api_key was not provided or is not valid");
          return FALSE;
        }
    }
  if (server->jurisdiction_id && (jid == NULL || *jid == '\0'))
    {
      answer_error (ans, 400, "jurisdiction_id was not provided");
      return FALSE;
    }
  if (server->jurisdiction_id && !g_str_equal (jid, server->jurisdiction_id))
    {
      answer_error (ans, 404, "jurisdiction_id %s was not found", jid);
      return FALSE;
    }
  return TRUE;
}

static gboolean
is_number (const char *s)
{
  char *end = NULL;

  if (s == NULL || *s == '\0')
    return FALSE;
  g_ascii_strtod (s, &end);
  return *end == '\0';
}

static GDateTime *
parse_datetime (const char *s)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();

  return s ? g_date_time_new_from_iso8601 (s, utc) : NULL;
}

/* Validates the attribute[...] fields against the definition: every
 * problem goes into @problems; the attributes that pass fill @out in order. */
static void
check_attributes (const ServiceDef *s,
                  Exchange         *x,
                  GPtrArray        *out,
                  GPtrArray        *problems)
{
  for (guint i = 0; i < x->fields->len; i++)
    {
      Field *f = g_ptr_array_index (x->fields, i);
      g_autofree char *code = NULL;
      const AttrDef *a;
      gboolean multi;
      const char *rest;
      OknOpen311ServerAttribute *attr;

      if (!g_str_has_prefix (f->key, "attribute[") || f->filename)
        continue;
      rest = strchr (f->key + 10, ']');
      if (rest == NULL || rest == f->key + 10)
        {
          add_problem (problems, "%s is not a valid attribute field", f->key);
          continue;
        }
      code = g_strndup (f->key + 10, (gsize) (rest - (f->key + 10)));
      multi = g_str_equal (rest, "][]");
      if (!multi && rest[1] != '\0')
        {
          add_problem (problems, "%s is not a valid attribute field", f->key);
          continue;
        }
      a = find_attr (s, code);
      if (a == NULL)
        {
          add_problem (problems, "%s is not an attribute of service %s", code, s->code);
          continue;
        }
      if (multi != g_str_equal (a->datatype, "multivaluelist"))
        {
          if (multi)
            add_problem (problems, "attribute %s takes a single value", code);
          else
            add_problem (problems, "attribute %s takes a list: send attribute[%s][]", code, code);
          continue;
        }
      if ((g_str_equal (a->datatype, "singlevaluelist") || g_str_equal (a->datatype, "multivaluelist"))
          && !value_allowed (a, f->value->str))
        {
          add_problem (problems, "“%s” is not a value of attribute %s", f->value->str, code);
          continue;
        }
      if (g_str_equal (a->datatype, "number") && !is_number (f->value->str))
        {
          add_problem (problems, "attribute %s must be a number", code);
          continue;
        }
      if (g_str_equal (a->datatype, "datetime"))
        {
          g_autoptr (GDateTime) dt = parse_datetime (f->value->str);

          if (dt == NULL)
            {
              add_problem (problems, "attribute %s must be an ISO 8601 date and time", code);
              continue;
            }
        }
      attr = g_new0 (OknOpen311ServerAttribute, 1);
      attr->key = g_strdup (code);
      attr->value = g_strdup (f->value->str);
      g_ptr_array_add (out, attr);
    }
  for (const AttrDef *a = s->attributes; a && a->code; a++)
    {
      gboolean found = FALSE;

      if (!a->required)
        continue;
      for (guint i = 0; i < out->len && !found; i++)
        {
          OknOpen311ServerAttribute *attr = g_ptr_array_index (out, i);

          found = g_str_equal (attr->key, a->code) && *attr->value;
        }
      if (!found)
        add_problem (problems, "no value given for required entry attribute[%s] (%s)", a->code, a->description);
    }
}

static void
answer_created (OknOpen311Server        *server,
                OknOpen311StoredRequest *r,
                Answer                  *ans)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_array (b);
  json_builder_begin_object (b);
  if (r->token)
    okn_json_add_string (b, "token", r->token);
  else
    add_id (server, b, r->id);
  okn_json_add_string (b, "service_notice", "");
  okn_json_add_string (b, "account_id", NULL);
  json_builder_end_object (b);
  json_builder_end_array (b);
  answer_built (ans, 201, b);
}

static void
post_request (OknOpen311Server      *server,
              struct MHD_Connection *conn,
              Exchange              *x,
              Answer                *ans)
{
  g_autoptr (GPtrArray) attrs = g_ptr_array_new_with_free_func (attribute_free);
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  const char *idem = MHD_lookup_connection_value (conn, MHD_HEADER_KIND, "Idempotency-Key");
  const char *code, *lat, *lon, *address, *address_id, *description;
  const ServiceDef *s;
  OknOpen311StoredRequest *r;

  server->counters.posts++;
  if (x->bad_body)
    {
      answer_error (ans, 400, "the body must be application/x-www-form-urlencoded or multipart/form-data");
      goto rejected;
    }
  for (guint i = 0; i < x->fields->len; i++)
    {
      Field *f = g_ptr_array_index (x->fields, i);

      if (f->filename == NULL && !g_utf8_validate (f->value->str, (gssize) f->value->len, NULL))
        {
          answer_error (ans, 400, "%s is not UTF-8 text", f->key);
          goto rejected;
        }
    }
  if (!check_access (server, conn, x, TRUE, ans))
    goto rejected;
  code = field_get_nonempty (x, "service_code");
  if (code == NULL)
    {
      answer_error (ans, 400, "service_code was not provided");
      goto rejected;
    }
  s = find_service (code);
  if (s == NULL)
    {
      answer_error (ans, 404, "service_code %s was not found", code);
      goto rejected;
    }
  lat = field_get_nonempty (x, "lat");
  lon = field_get_nonempty (x, "long");
  address = field_get_nonempty (x, "address_string");
  address_id = field_get_nonempty (x, "address_id");
  /* Every problem of the request, as one error array. */
  if ((lat == NULL) != (lon == NULL))
    add_problem (problems, "lat and long must be given together");
  else if (lat && (!is_number (lat) || !is_number (lon) || fabs (g_ascii_strtod (lat, NULL)) > 90
                   || fabs (g_ascii_strtod (lon, NULL)) > 180))
    add_problem (problems, "lat and long must be WGS-84 degrees");
  if (lat == NULL && lon == NULL && address == NULL && address_id == NULL)
    add_problem (problems, "a location is required: lat and long, address_string or address_id");
  description = field_get (x, "description");
  if (description && g_utf8_strlen (description, -1) > 4000)
    add_problem (problems, "description is longer than 4000 characters");
  check_attributes (s, x, attrs, problems);
  if (problems->len > 0)
    {
      answer_errors (ans, 400, server->error_preamble, problems);
      goto rejected;
    }

  if (idem && *idem && server->honour_key)
    {
      OknOpen311StoredRequest *seen = g_hash_table_lookup (server->by_key, idem);

      if (seen)
        {
          server->counters.replays++;
          answer_created (server, seen, ans);
          return;
        }
    }

  r = g_new0 (OknOpen311StoredRequest, 1);
  r->id = x->long_id ? g_strdup_printf ("%0*u", (int) server->long_id_length, server->next_id++)
                     : g_strdup_printf ("%u", server->next_id++);
  r->service_code = g_strdup (code);
  r->description = g_strdup (description);
  r->address_string = g_strdup (address);
  r->address_id = g_strdup (address_id);
  r->lat = g_strdup (lat);
  r->lon = g_strdup (lon);
  r->email = g_strdup (field_get_nonempty (x, "email"));
  r->first_name = g_strdup (field_get_nonempty (x, "first_name"));
  r->last_name = g_strdup (field_get_nonempty (x, "last_name"));
  r->phone = g_strdup (field_get_nonempty (x, "phone"));
  r->jurisdiction_id = g_strdup (field_get_nonempty (x, "jurisdiction_id"));
  r->idempotency_key = idem && *idem ? g_strdup (idem) : NULL;
  r->status = g_strdup ("open");
  r->requested_datetime = g_date_time_format_iso8601 (now);
  r->updated_datetime = g_strdup (r->requested_datetime);
  r->attributes = g_steal_pointer (&attrs);
  r->media = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < x->fields->len; i++)
    {
      Field *f = g_ptr_array_index (x->fields, i);

      if (f->filename && g_str_equal (f->key, "media"))
        g_ptr_array_add (r->media, g_strdup (f->filename));
    }
  if (server->token_polls > 0)
    {
      TokenState *t = g_new0 (TokenState, 1);

      r->token = g_uuid_string_random ();
      t->request = r;
      g_hash_table_insert (server->tokens, r->token, t);
    }
  g_ptr_array_add (server->requests, r);
  g_hash_table_insert (server->by_id, r->id, r);
  if (r->idempotency_key && !g_hash_table_contains (server->by_key, r->idempotency_key))
    g_hash_table_insert (server->by_key, r->idempotency_key, r);
  server->counters.created++;
  answer_created (server, r, ans);
  return;

rejected:
  server->counters.rejected++;
}

static void
add_request_json (OknOpen311Server        *server,
                  JsonBuilder             *b,
                  OknOpen311StoredRequest *r)
{
  const ServiceDef *s = find_service (r->service_code);

  json_builder_begin_object (b);
  add_id (server, b, r->id);
  if (!server->statusless)
    okn_json_add_string (b, "status", r->status);
  okn_json_add_string (b, "status_notes", r->status_notes);
  okn_json_add_string (b, "service_name", s ? s->name : NULL);
  okn_json_add_string (b, "service_code", r->service_code);
  okn_json_add_string (b, "description", r->description);
  okn_json_add_string (b, "agency_responsible", "Zarząd Dróg i Transportu");
  okn_json_add_string (b, "service_notice", NULL);
  okn_json_add_string (b, "requested_datetime", r->requested_datetime);
  okn_json_add_string (b, "updated_datetime", r->updated_datetime);
  okn_json_add_string (b, "expected_datetime", NULL);
  okn_json_add_string (b, "address", r->address_string);
  okn_json_add_string (b, "address_id", r->address_id);
  okn_json_add_string (b, "zipcode", NULL);
  if (r->lat)
    {
      json_builder_set_member_name (b, "lat");
      json_builder_add_double_value (b, g_ascii_strtod (r->lat, NULL));
      json_builder_set_member_name (b, "long");
      json_builder_add_double_value (b, g_ascii_strtod (r->lon, NULL));
    }
  okn_json_add_string (b, "media_url", NULL);
  json_builder_end_object (b);
}

static gboolean
in_list (const char *csv,
         const char *value)
{
  g_auto (GStrv) items = NULL;

  if (csv == NULL)
    return TRUE;
  items = g_strsplit (csv, ",", -1);
  for (guint i = 0; items[i]; i++)
    if (g_str_equal (g_strstrip (items[i]), value))
      return TRUE;
  return FALSE;
}

static void
get_requests (OknOpen311Server      *server,
              struct MHD_Connection *conn,
              Answer                *ans)
{
  const char *ids = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "service_request_id");
  const char *codes = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "service_code");
  const char *status = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "status");
  const char *start_s = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "start_date");
  const char *end_s = MHD_lookup_connection_value (conn, MHD_GET_ARGUMENT_KIND, "end_date");
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  guint n = 0;

  server->counters.queries++;
  json_builder_begin_array (b);
  if (ids && *ids)
    {
      g_auto (GStrv) list = g_strsplit (ids, ",", -1);

      for (guint i = 0; list[i]; i++)
        {
          OknOpen311StoredRequest *r = g_hash_table_lookup (server->by_id, g_strstrip (list[i]));

          if (r == NULL)
            continue;
          add_request_json (server, b, r);
          if (server->first_id_only)
            break;
        }
    }
  else
    {
      start = start_s ? parse_datetime (start_s) : NULL;
      end = end_s ? parse_datetime (end_s) : NULL;
      if ((start_s && start == NULL) || (end_s && end == NULL))
        {
          answer_error (ans, 400, "start_date and end_date must be ISO 8601 dates and times");
          return;
        }
      if (start == NULL)
        {
          /* The spec's default window: the last 90 days. */
          g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

          start = g_date_time_add_days (end ? end : now, -90);
        }
      for (guint i = 0; i < server->requests->len && n < server->max_results; i++)
        {
          OknOpen311StoredRequest *r = g_ptr_array_index (server->requests, i);
          g_autoptr (GDateTime) at = parse_datetime (r->requested_datetime);

          if (!in_list (codes, r->service_code) || !in_list (status, r->status))
            continue;
          if (server->unlisted_tokens && r->token
              && ((TokenState *) g_hash_table_lookup (server->tokens, r->token))->polls < server->token_polls)
            continue;
          if (g_date_time_compare (at, start) < 0 || (end && g_date_time_compare (at, end) > 0))
            continue;
          add_request_json (server, b, r);
          n++;
        }
    }
  json_builder_end_array (b);
  answer_built (ans, 200, b);
}

/* One item of @table by @key (a case by id, a token), the query counted
 * in @counter; a key not there is answered 404 naming @what. */
static gpointer
find_item (GHashTable *table,
           const char *key,
           const char *what,
           guint      *counter,
           Answer     *ans)
{
  gpointer item = g_hash_table_lookup (table, key);

  (*counter)++;
  if (item == NULL)
    answer_error (ans, 404, "%s %s was not found", what, key);
  return item;
}

static void
get_request (OknOpen311Server *server,
             const char       *id,
             Answer           *ans)
{
  OknOpen311StoredRequest *r = find_item (server->by_id, id, "service_request_id",
                                          &server->counters.queries, ans);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (r == NULL)
    return;
  json_builder_begin_array (b);
  add_request_json (server, b, r);
  json_builder_end_array (b);
  answer_built (ans, 200, b);
}

static void
get_token (OknOpen311Server *server,
           const char       *token,
           Answer           *ans)
{
  TokenState *t = find_item (server->tokens, token, "token", &server->counters.token_polls, ans);
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (t == NULL)
    return;
  t->polls++;
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  add_id (server, b, t->polls >= server->token_polls ? t->request->id : NULL);
  okn_json_add_string (b, "token", token);
  json_builder_end_object (b);
  json_builder_end_array (b);
  answer_built (ans, 200, b);
}

/* "services/pothole.json" with prefix "services/" -> "pothole" */
static char *
path_item (const char *path,
           const char *prefix)
{
  const char *start = path + strlen (prefix);
  gsize len;

  if (!g_str_has_prefix (path, prefix) || !g_str_has_suffix (path, ".json"))
    return NULL;
  len = strlen (start);
  if (len <= 5 || memchr (start, '/', len - 5))
    return NULL;
  return g_strndup (start, len - 5);
}

/* The lock is held. */
static void
route_api (OknOpen311Server      *server,
           struct MHD_Connection *conn,
           Exchange              *x,
           const char            *path,
           const char            *method,
           Answer                *ans)
{
  gboolean get = g_str_equal (method, "GET");
  g_autofree char *item = NULL;

  if (g_str_has_suffix (path, ".xml"))
    {
      answer_error (ans, 400, "only the json format is served here; ask for .json");
      return;
    }
  if (g_str_equal (path, "requests.json") && g_str_equal (method, "POST"))
    {
      post_request (server, conn, x, ans);
      return;
    }
  if (!get)
    {
      answer_error (ans, 405, "method %s is not allowed here", method);
      return;
    }
  if (!check_access (server, conn, x, FALSE, ans))
    return;
  if (g_str_equal (path, "services.json"))
    get_services (server, ans);
  else if ((item = path_item (path, "services/")))
    get_definition (server, item, ans);
  else if (g_str_equal (path, "requests.json"))
    get_requests (server, conn, ans);
  else if ((item = path_item (path, "requests/")))
    get_request (server, item, ans);
  else if ((item = path_item (path, "tokens/")))
    get_token (server, item, ans);
  else
    answer_error (ans, 404, "no such resource: %s", path);
}

static void
route_control (OknOpen311Server      *server,
               struct MHD_Connection *conn,
               Exchange              *x,
               const char            *path,
               Answer                *ans)
{
  if (g_str_equal (path, "dump.json"))
    {
      ans->status = 200;
      ans->content_type = "application/json; charset=utf-8";
      ans->body = okn_open311_server_dump_json (server);
      return;
    }
  if (g_str_equal (path, "set"))
    {
      for (guint i = 0; i < x->fields->len; i++)
        {
          Field *f = g_ptr_array_index (x->fields, i);
          g_autoptr (GError) error = NULL;

          if (!okn_open311_server_set (server, f->key, f->value->str, &error))
            {
              answer_error (ans, 400, "%s", error->message);
              return;
            }
        }
    }
  else if (g_str_equal (path, "status"))
    {
      const char *id = field_get (x, "id");

      if (id == NULL || !okn_open311_server_set_status (server, id, field_get (x, "status"),
                                                        field_get (x, "status_notes")))
        {
          answer_error (ans, 404, "no such request");
          return;
        }
    }
  else if (g_str_equal (path, "reset"))
    okn_open311_server_reset (server);
  else
    {
      answer_error (ans, 404, "no such control resource: %s", path);
      return;
    }
  ans->status = 200;
  ans->content_type = "application/json; charset=utf-8";
  ans->body = g_strdup ("{}");
}

static OknOpen311Fault
pick_fault (OknOpen311Server *server,
            gboolean          is_post)
{
  OknOpen311Fault f = OKN_OPEN311_FAULT_NONE;

  if (!is_post && !server->fault_all)
    return OKN_OPEN311_FAULT_NONE;
  if (server->chaos > 0 && g_rand_double (server->rand) < server->chaos)
    f = (OknOpen311Fault) g_rand_int_range (server->rand, 1, CHAOS_FAULTS_END);
  else if (server->fault != OKN_OPEN311_FAULT_NONE)
    {
      f = server->fault;
      if (server->fault_left > 0 && --server->fault_left == 0)
        server->fault = OKN_OPEN311_FAULT_NONE;
    }
  if (f != OKN_OPEN311_FAULT_NONE)
    server->counters.faults++;
  return f;
}

static enum MHD_Result
send_answer (struct MHD_Connection *conn,
             Answer                *ans)
{
  struct MHD_Response *resp;
  enum MHD_Result ret;
  gsize len = ans->body ? strlen (ans->body) : 0;

  resp = MHD_create_response_from_buffer (len, ans->body ? ans->body : (char *) "",
                                          MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header (resp, "Content-Type", ans->content_type ? ans->content_type : "text/plain");
  if (ans->retry_after && ans->retry_after_date)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr (GDateTime) then = g_date_time_add_seconds (now, ans->retry_after);
      /* IMF-fixdate; the C locale's names are what HTTP wants. */
      static const char *days[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
      static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
      g_autofree char *date = g_strdup_printf ("%s, %02d %s %04d %02d:%02d:%02d GMT",
                                               days[g_date_time_get_day_of_week (then) - 1],
                                               g_date_time_get_day_of_month (then),
                                               months[g_date_time_get_month (then) - 1],
                                               g_date_time_get_year (then),
                                               g_date_time_get_hour (then),
                                               g_date_time_get_minute (then),
                                               g_date_time_get_second (then));

      MHD_add_response_header (resp, "Retry-After", date);
    }
  else if (ans->retry_after)
    {
      char buf[16];

      g_snprintf (buf, sizeof buf, "%u", ans->retry_after);
      MHD_add_response_header (resp, "Retry-After", buf);
    }
  ret = MHD_queue_response (conn, ans->status, resp);
  MHD_destroy_response (resp);
  return ret;
}

/* The api_key as a misbehaving server might echo it. */
static char *
encode_key (const char *key,
            const char *encoding)
{
  GString *out;

  if (g_str_equal (encoding, "upper"))
    return g_ascii_strup (key, -1);
  if (g_str_equal (encoding, "lower"))
    return g_ascii_strdown (key, -1);
  if (g_str_equal (encoding, "raw"))
    return g_strdup (key);
  out = g_string_new (NULL);
  for (const guchar *p = (const guchar *) key; *p; p++)
    {
      gboolean plain = g_ascii_isalnum (*p) || strchr ("-._~", *p);

      if (g_str_equal (encoding, "form") && *p == ' ')
        g_string_append_c (out, '+');
      else if (g_str_equal (encoding, "json-escape"))
        g_string_append_printf (out, plain ? "%c" : "\\u%04x", *p);
      else if (g_str_equal (encoding, "html-ref"))
        g_string_append_printf (out, plain ? "%c" : "&#%u;", *p);
      else if (plain && !g_str_equal (encoding, "percent-all"))
        g_string_append_c (out, (char) *p);
      else if (g_str_equal (encoding, "percent-lower"))
        g_string_append_printf (out, "%%%02x", *p);
      else
        g_string_append_printf (out, "%%%02X", *p);
    }
  return g_string_free (out, FALSE);
}

/* "echo": @offset characters of an ordinary message, then the key. */
static void
answer_echo (Answer     *ans,
             guint       status,
             const char *type,
             const char *encoding,
             guint       offset,
             const char *key)
{
  static const char filler[] = "The request could not be processed by the back end; it said: ";
  g_autofree char *encoded = encode_key (key ? key : "", encoding);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < offset; i++)
    g_string_append_c (text, filler[i % (sizeof filler - 1)]);
  g_string_append_printf (text, "api_key=%s&service_code=dumping was not accepted", encoded);
  if (g_str_equal (type, "empty"))
    g_string_truncate (text, 0);
  if (g_str_equal (type, "json"))
    {
      answer_error (ans, status, "%s", text->str);
      return;
    }
  ans->status = status;
  if (g_str_equal (type, "html"))
    {
      ans->content_type = "text/html; charset=utf-8";
      g_string_prepend (text, "<html><body><p>");
      g_string_append (text, "</p></body></html>");
    }
  else
    ans->content_type = "text/plain; charset=utf-8";
  ans->body = g_string_free (g_steal_pointer (&text), FALSE);
}

/* "deep": @levels nested arrays, balanced. */
static void
answer_deep (Answer *ans,
             guint   status,
             guint   levels)
{
  ans->status = status;
  ans->content_type = "application/json; charset=utf-8";
  ans->body = g_malloc ((gsize) levels * 2 + 1);
  memset (ans->body, '[', levels);
  memset (ans->body + levels, ']', levels);
  ans->body[(gsize) levels * 2] = '\0';
}

/* What the web server in front of the endpoint answers for a path that is
 * not the endpoint's (a typo in server.url). */
static void
answer_not_found_html (Answer *ans)
{
  ans->status = 404;
  ans->content_type = "text/html; charset=iso-8859-1";
  ans->body = g_strdup ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
                        "<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n"
                        "<p>The requested URL was not found on this server.</p>\n</body></html>\n");
}

static void
answer_uri_too_long_html (Answer *ans)
{
  ans->status = 414;
  ans->content_type = "text/html; charset=iso-8859-1";
  ans->body = g_strdup ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
                        "<title>414 Request-URI Too Long</title>\n</head><body>\n"
                        "<h1>Request-URI Too Long</h1>\n<p>The requested URL's length exceeds the "
                        "capacity limit for this server.<br />\n</p>\n</body></html>\n");
}

static Exchange *
exchange_new (void)
{
  Exchange *x = g_new0 (Exchange, 1);

  x->fields = g_ptr_array_new_with_free_func (field_free);
  return x;
}

/* Called with the whole URL before anything else: its length is noted. */
static void *
uri_logged (void                  *cls,
            const char            *uri,
            struct MHD_Connection *conn)
{
  Exchange *x = exchange_new ();

  x->uri_length = uri ? strlen (uri) : 0;
  return x;
}

static enum MHD_Result
handle_request (void                  *cls,
                struct MHD_Connection *conn,
                const char            *url,
                const char            *method,
                const char            *version,
                const char            *upload_data,
                size_t                *upload_data_size,
                void                 **con_cls)
{
  OknOpen311Server *server = cls;
  Exchange *x = *con_cls;
  Answer ans = { 0 };
  OknOpen311Fault fault = OKN_OPEN311_FAULT_NONE;
  gboolean control = g_str_has_prefix (url, CONTROL_PATH);
  gboolean is_post;
  guint delay_ms, retry_after, deep_levels, deep_status, echo_status, echo_offset, refuse_status;
  g_autofree char *refuse_text = NULL;
  g_autofree char *echo_type = NULL;
  g_autofree char *echo_encoding = NULL;
  gboolean retry_after_date;
  enum MHD_Result ret;

  if (x == NULL)
    *con_cls = x = exchange_new ();
  if (!x->started)
    {
      x->started = TRUE;
      if (g_str_equal (method, "POST"))
        {
          x->pp = MHD_create_post_processor (conn, 64 * 1024, post_iterator, x);
          x->bad_body = x->pp == NULL;
        }
      return MHD_YES;
    }
  if (*upload_data_size)
    {
      if (x->pp && MHD_post_process (x->pp, upload_data, *upload_data_size) != MHD_YES)
        x->bad_body = TRUE;
      *upload_data_size = 0;
      return MHD_YES;
    }

  is_post = g_str_equal (method, "POST") && g_str_equal (url, BASE_PATH "requests.json");
  g_mutex_lock (&server->lock);
  if (!control)
    {
      server->counters.requests++;
      if (server->max_url_length > 0 && x->uri_length > server->max_url_length)
        {
          g_mutex_unlock (&server->lock);
          answer_uri_too_long_html (&ans);
          goto send;
        }
      fault = pick_fault (server, is_post);
    }
  delay_ms = server->delay_ms;
  retry_after = server->retry_after;
  retry_after_date = server->retry_after_date;
  deep_levels = server->deep_levels;
  deep_status = server->deep_status;
  echo_status = server->echo_status;
  echo_offset = server->echo_offset;
  echo_type = g_strdup (server->echo_type);
  echo_encoding = g_strdup (server->echo_encoding);
  refuse_status = server->refuse_status;
  refuse_text = g_strdup (server->refuse_text);
  g_mutex_unlock (&server->lock);

  switch (fault)
    {
    case OKN_OPEN311_FAULT_500:
      answer_error (&ans, 500, "internal server error (injected)");
      goto send;
    case OKN_OPEN311_FAULT_503:
      answer_error (&ans, 503, "service unavailable (injected)");
      goto send;
    case OKN_OPEN311_FAULT_429:
      answer_error (&ans, 429, "too many requests (injected)");
      ans.retry_after = retry_after;
      ans.retry_after_date = retry_after_date;
      goto send;
    case OKN_OPEN311_FAULT_DELAY:
      g_usleep ((gulong) delay_ms * 1000);
      break;
    case OKN_OPEN311_FAULT_REFUSE:
      answer_error (&ans, refuse_status, "%s", refuse_text);
      goto send;
    /* Only a 2xx answer comes after the request was stored. */
    case OKN_OPEN311_FAULT_ECHO:
      if (echo_status >= 300)
        {
          answer_echo (&ans, echo_status, echo_type, echo_encoding, echo_offset, field_get (x, "api_key"));
          goto send;
        }
      break;
    case OKN_OPEN311_FAULT_DEEP:
      if (deep_status >= 300)
        {
          answer_deep (&ans, deep_status, deep_levels);
          goto send;
        }
      break;
    case OKN_OPEN311_FAULT_LONG_ID:
      x->long_id = TRUE;
      break;
    case OKN_OPEN311_FAULT_NONE:
    case OKN_OPEN311_FAULT_DROP:
    case OKN_OPEN311_FAULT_GARBAGE:
    case OKN_OPEN311_FAULT_TRUNCATED:
    case OKN_OPEN311_FAULT_409:
    case OKN_OPEN311_FAULT_LAST:
    default:
      break;
    }

  if (control)
    route_control (server, conn, x, url + strlen (CONTROL_PATH), &ans);
  else if (g_str_has_prefix (url, BASE_PATH))
    {
      g_mutex_lock (&server->lock);
      route_api (server, conn, x, url + strlen (BASE_PATH), method, &ans);
      g_mutex_unlock (&server->lock);
    }
  else
    answer_not_found_html (&ans);

  switch (fault)
    {
    case OKN_OPEN311_FAULT_DROP:
      g_mutex_lock (&server->lock);
      server->counters.drops++;
      g_mutex_unlock (&server->lock);
      g_free (ans.body);
      /* Refusing the request makes libmicrohttpd close the socket unanswered. */
      return MHD_NO;
    case OKN_OPEN311_FAULT_GARBAGE:
      g_free (ans.body);
      ans.status = 200;
      ans.content_type = "text/html";
      ans.body = g_strdup ("<html><body><h1>It works!</h1>\x01\xff</body></html>");
      break;
    case OKN_OPEN311_FAULT_TRUNCATED:
      if (ans.body)
        ans.body[strlen (ans.body) / 2] = '\0';
      ans.status = 200;
      break;
    case OKN_OPEN311_FAULT_409:
      g_clear_pointer (&ans.body, g_free);
      answer_error (&ans, 409, "a request with this Idempotency-Key is still being processed (injected)");
      break;
    case OKN_OPEN311_FAULT_ECHO:
      g_clear_pointer (&ans.body, g_free);
      answer_echo (&ans, echo_status, echo_type, echo_encoding, echo_offset, field_get (x, "api_key"));
      break;
    case OKN_OPEN311_FAULT_DEEP:
      g_clear_pointer (&ans.body, g_free);
      answer_deep (&ans, deep_status, deep_levels);
      break;
    case OKN_OPEN311_FAULT_REFUSE:
    case OKN_OPEN311_FAULT_LONG_ID:
    case OKN_OPEN311_FAULT_NONE:
    case OKN_OPEN311_FAULT_DELAY:
    case OKN_OPEN311_FAULT_500:
    case OKN_OPEN311_FAULT_503:
    case OKN_OPEN311_FAULT_429:
    case OKN_OPEN311_FAULT_LAST:
    default:
      break;
    }

send:
  ret = send_answer (conn, &ans);
  g_free (ans.body);
  return ret;
}

static void
connection_notify (void                              *cls,
                   struct MHD_Connection             *conn,
                   void                             **socket_context,
                   enum MHD_ConnectionNotificationCode toe)
{
  OknOpen311Server *server = cls;

  if (toe != MHD_CONNECTION_NOTIFY_STARTED)
    return;
  g_mutex_lock (&server->lock);
  server->counters.connections++;
  g_mutex_unlock (&server->lock);
}

static void
request_completed (void                            *cls,
                   struct MHD_Connection           *conn,
                   void                           **con_cls,
                   enum MHD_RequestTerminationCode  toe)
{
  if (*con_cls)
    exchange_free (*con_cls);
  *con_cls = NULL;
}

/**
 * okn_open311_server_start:
 * @port: 0 for an ephemeral port
 *
 * Listens on 127.0.0.1 only.
 */
gboolean
okn_open311_server_start (OknOpen311Server *server,
                          guint16           port,
                          GError          **error)
{
  struct sockaddr_in addr = { 0 };
  const union MHD_DaemonInfo *info;
  struct MHD_OptionItem tls[] = {
    { MHD_OPTION_HTTPS_MEM_KEY, 0, server->tls_key },
    { MHD_OPTION_HTTPS_MEM_CERT, 0, server->tls_cert },
    { MHD_OPTION_END, 0, NULL },
  };
  struct MHD_OptionItem none[] = { { MHD_OPTION_END, 0, NULL } };
  gboolean with_tls = server->tls_cert && server->tls_key;

  g_return_val_if_fail (server->daemon == NULL, FALSE);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  server->daemon = MHD_start_daemon (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
                                       | MHD_USE_POLL | (with_tls ? MHD_USE_TLS : 0),
                                     port, NULL, NULL, handle_request, server,
                                     MHD_OPTION_ARRAY, with_tls ? tls : none,
                                     MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
                                     MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
                                     MHD_OPTION_URI_LOG_CALLBACK, uri_logged, NULL,
                                     MHD_OPTION_NOTIFY_CONNECTION, connection_notify, server,
                                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) 60,
                                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int) 1000,
                                     MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned int) 512,
                                     MHD_OPTION_END);
  if (server->daemon == NULL)
    {
      g_set_error (error, OKN_OPEN311_SERVER_ERROR, OKN_OPEN311_SERVER_ERROR_START,
                   "cannot listen on 127.0.0.1:%u", port);
      return FALSE;
    }
  info = MHD_get_daemon_info (server->daemon, MHD_DAEMON_INFO_BIND_PORT);
  server->port = info ? info->port : port;
  return TRUE;
}

void
okn_open311_server_stop (OknOpen311Server *server)
{
  if (server->daemon)
    MHD_stop_daemon (server->daemon);
  server->daemon = NULL;
}
