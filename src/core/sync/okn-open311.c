/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311.c: the Open311 GeoReport v2 protocol: a record as a
 * request's fields (with the ticket marker), posts and their receipts,
 * tokens, requests read back, the marker search, the catalogue and its
 * definitions. How the requests travel: okn-open311-transport.c
 */
#define G_LOG_DOMAIN "okn-open311"

#include "config.h"

#include <string.h>
#include <time.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-json.h"
#include "okienko/okn-service-def.h"
#include "okienko/okn-ticket-id.h"
#include "okn-open311-private.h"

/* The longest URL a status pull's GET has: servers refuse longer request
 * lines (Apache's LimitRequestLine is 8190 bytes, nginx's buffers 8 KB),
 * and proxies in front of them may take less. */
#define URL_MAX 4096

static void
add_field (GPtrArray  *fields,
           const char *name,
           const char *value)
{
  OknFormField *f;

  if (value == NULL)
    return;
  f = g_new0 (OknFormField, 1);
  f->name = g_strdup (name);
  f->value = g_strdup (value);
  g_ptr_array_add (fields, f);
}

static void
add_attribute (GPtrArray  *fields,
               const char *code,
               gboolean    multi,
               const char *value)
{
  g_autofree char *name = NULL;

  if (code == NULL || value == NULL)
    return;
  name = g_strdup_printf (multi ? "attribute[%s][]" : "attribute[%s]", code);
  add_field (fields, name, value);
}

/* The form fields of a record, in a stable order; the api_key is added by
 * the caller. */
static GPtrArray *
record_fields (OknOpen311Client *client,
               const OknRecord  *record,
               GError          **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new_with_free_func (okn_open311_form_field_free);
  const char *service = okn_open311_client_service_code_for (client, record);
  g_autofree char *description = NULL;
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  if (record->ticket == NULL || *record->ticket == '\0')
    {
      okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_INVALID,
                                    _("The record has no ticket ID yet: register it before sending."));
      return NULL;
    }
  if (service == NULL)
    {
      if (record->kind == OKN_KIND_LETTER)
        okn_open311_set_setting_error (client, error, OKN_OPEN311_ERROR_CONFIG, OKN_SETTING_SET,
                                       "letters.service_code",
                                       _("No service code for letters is set: letters cannot be sent."));
      else
        okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_INVALID,
                                      _("The report has no category: it cannot be sent."));
      return NULL;
    }
  add_field (fields, "service_code", service);
  if (client->jurisdiction_id)
    add_field (fields, "jurisdiction_id", client->jurisdiction_id);

  if (record->kind == OKN_KIND_LETTER)
    {
      const char *sender = record->anonymous || record->sender_name == NULL ? "anonymous"
                                                                             : record->sender_name;
      g_autofree char *pages = record->pages > 0 ? g_strdup_printf ("%d", record->pages) : NULL;
      g_autofree char *attachments = g_strdup_printf ("%d", MAX (record->attachment_count, 0));

      description = okn_open311_description_with_marker (record->subject, record->ticket);
      add_field (fields, "description", description);
      add_field (fields, "address_string",
                 client->letter_address ? client->letter_address : record->station);
      add_attribute (fields, client->letter_attr[LA_SENDER], FALSE, sender);
      add_attribute (fields, client->letter_attr[LA_SENDER_ADDRESS], FALSE,
                     record->anonymous ? NULL : record->sender_address);
      add_attribute (fields, client->letter_attr[LA_RECEIVED_AT], FALSE, record->received_at);
      add_attribute (fields, client->letter_attr[LA_DELIVERY], FALSE,
                     okn_delivery_to_string (record->delivery));
      add_attribute (fields, client->letter_attr[LA_LETTER_DATE], FALSE, record->letter_date);
      add_attribute (fields, client->letter_attr[LA_REFERENCE], FALSE, record->reference);
      add_attribute (fields, client->letter_attr[LA_SUBJECT], FALSE, record->subject);
      add_attribute (fields, client->letter_attr[LA_PAGES], FALSE, pages);
      add_attribute (fields, client->letter_attr[LA_ATTACHMENTS], FALSE, attachments);
      add_attribute (fields, client->letter_attr[LA_UNIT], FALSE, record->unit);
      add_attribute (fields, client->letter_attr[LA_NOTES], FALSE, record->notes);
    }
  else
    {
      description = okn_open311_description_with_marker (record->description, record->ticket);
      add_field (fields, "description", description);
      add_field (fields, "address_string",
                 record->address && *record->address ? record->address : NULL);
      if (record->has_location)
        {
          char lat[G_ASCII_DTOSTR_BUF_SIZE];
          char lon[G_ASCII_DTOSTR_BUF_SIZE];

          add_field (fields, "lat", g_ascii_formatd (lat, sizeof lat, "%.7f", record->lat));
          add_field (fields, "long", g_ascii_formatd (lon, sizeof lon, "%.7f", record->lon));
        }
      if (record->consent)
        {
          const char *name = record->contact_name;
          const char *space = name ? strrchr (name, ' ') : NULL;

          if (space)
            {
              g_autofree char *first = g_strndup (name, (gsize) (space - name));

              add_field (fields, "first_name", g_strstrip (first));
              add_field (fields, "last_name", space + 1);
            }
          else if (name && *name)
            add_field (fields, "last_name", name);
          add_field (fields, "email", record->contact_email);
          add_field (fields, "phone", record->contact_phone);
        }
    }

  /* A key that repeats, or a multivaluelist attribute, goes as [code][]. */
  for (guint i = 0; record->attributes && i < record->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (record->attributes, i);

      g_hash_table_insert (counts, a->key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, a->key)) + 1));
    }
  for (guint i = 0; record->attributes && i < record->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (record->attributes, i);
      g_autofree char *k = g_strconcat (service, "\x1f", a->key, NULL);
      gboolean multi = GPOINTER_TO_UINT (g_hash_table_lookup (counts, a->key)) > 1
                       || g_hash_table_contains (client->multi_attrs, k);

      add_attribute (fields, a->key, multi, a->value);
    }
  return g_steal_pointer (&fields);
}

static OknTransfer *
post_transfer_new (OknOpen311Client *client,
                   const OknRecord  *record,
                   GError          **error)
{
  g_autoptr (OknTransfer) t = g_new0 (OknTransfer, 1);
  g_autoptr (GPtrArray) fields = NULL;
  gboolean with_media = FALSE;

  if (client->api_key == NULL)
    {
      okn_open311_set_setting_error (client, error, OKN_OPEN311_ERROR_CONFIG, OKN_SETTING_SET, "server.api_key",
                                     _("No API key is set: the server takes no requests without it."));
      return NULL;
    }
  fields = record_fields (client, record, error);
  if (fields == NULL)
    return NULL;
  t->url = g_strconcat (client->url, "requests.json", NULL);
  t->what = g_strdup ("POST requests.json");
  t->is_post = TRUE;
  t->retry_after = -1;
  t->idempotency_key = g_strdup (record->uuid);

  if (client->media_upload && record->files)
    for (guint i = 0; i < record->files->len; i++)
      {
        OknAttachment *a = g_ptr_array_index (record->files, i);

        if (a->data == NULL)
          {
            okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_INVALID,
                                          _("An attachment of the record was read without its content: "
                                            "load it before sending."));
            return NULL;
          }
        if (t->media == NULL)
          t->media = g_ptr_array_new ();
        g_ptr_array_add (t->media, a);
        with_media = TRUE;
      }

  if (with_media)
    {
      /* Multipart: service_code becomes the guard part, sent last. */
      OknFormField *code = g_ptr_array_steal_index (fields, 0);

      t->body = g_steal_pointer (&code->value);
      t->body_len = strlen (t->body);
      okn_open311_form_field_free (code);
      add_field (fields, "api_key", client->api_key);
      t->fields = g_steal_pointer (&fields);
    }
  else
    {
      g_autoptr (GString) body = g_string_new (NULL);

      for (guint i = 0; i < fields->len; i++)
        {
          OknFormField *f = g_ptr_array_index (fields, i);
          g_autofree char *n = okn_open311_escape (f->name);
          g_autofree char *v = okn_open311_escape (f->value);

          g_string_append_printf (body, "%s%s=%s", i ? "&" : "", n, v);
        }
      g_string_append_printf (body, "&api_key=%s", client->api_key_escaped);
      t->body_len = body->len;
      t->body = g_string_free (g_steal_pointer (&body), FALSE);
    }
  return g_steal_pointer (&t);
}

static OknOpen311Receipt *
post_finish (OknOpen311Client *client,
             OknTransfer         *t,
             GError          **error)
{
  g_autoptr (JsonNode) root = okn_open311_transfer_json (client, t, error);
  g_autoptr (OknOpen311Receipt) r = NULL;
  JsonObject *o;

  if (root == NULL)
    return NULL;
  o = okn_open311_first_object (root);
  r = g_new0 (OknOpen311Receipt, 1);
  r->service_request_id = okn_json_member_text (o, "service_request_id");
  r->token = okn_json_member_text (o, "token");
  if (r->service_request_id && *r->service_request_id == '\0')
    g_clear_pointer (&r->service_request_id, g_free);
  if (r->token && *r->token == '\0')
    g_clear_pointer (&r->token, g_free);
  if (r->service_request_id == NULL && r->token == NULL)
    {
      okn_open311_bad_answer (client, t, NULL, error);
      return NULL;
    }
  r->service_notice = okn_json_member_text (o, "service_notice");
  r->account_id = okn_json_member_text (o, "account_id");
  return g_steal_pointer (&r);
}

/* Texts we keep or show are masked like every message: a server that
 * echoes the key in a status note must not make us store it. */
static OknOpen311Request *
parse_request (OknOpen311Client *client,
               JsonNode         *node)
{
  JsonObject *o;
  OknOpen311Request *r;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  o = json_node_get_object (node);
  r = g_new0 (OknOpen311Request, 1);
  r->service_request_id = okn_json_member_text (o, "service_request_id");
  if (r->service_request_id == NULL || *r->service_request_id == '\0')
    {
      okn_open311_request_free (r);
      return NULL;
    }
  r->status = okn_json_member_text (o, "status");
  r->status_notes = okn_json_member_text (o, "status_notes");
  r->service_name = okn_json_member_text (o, "service_name");
  r->service_code = okn_json_member_text (o, "service_code");
  r->description = okn_json_member_text (o, "description");
  r->agency_responsible = okn_json_member_text (o, "agency_responsible");
  r->service_notice = okn_json_member_text (o, "service_notice");
  r->requested_datetime = okn_json_member_text (o, "requested_datetime");
  r->updated_datetime = okn_json_member_text (o, "updated_datetime");
  r->expected_datetime = okn_json_member_text (o, "expected_datetime");
  r->address = okn_json_member_text (o, "address");
  r->address_id = okn_json_member_text (o, "address_id");
  r->zipcode = okn_json_member_text (o, "zipcode");
  r->media_url = okn_json_member_text (o, "media_url");
  r->has_location = okn_open311_member_double (o, "lat", &r->lat) && okn_open311_member_double (o, "long", &r->lon);
  okn_open311_rescrub (client, &r->status_notes);
  okn_open311_rescrub (client, &r->agency_responsible);
  okn_open311_rescrub (client, &r->service_notice);
  okn_open311_rescrub (client, &r->service_name);
  return r;
}

/* Requests out of an answer: an array of them, or one object. */
static void
collect_requests (OknOpen311Client *client,
                  JsonNode         *root,
                  GPtrArray        *out)
{
  if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *a = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (a); i++)
        {
          OknOpen311Request *r = parse_request (client, json_array_get_element (a, i));

          if (r)
            g_ptr_array_add (out, r);
        }
    }
  else
    {
      OknOpen311Request *r = parse_request (client, root);

      if (r)
        g_ptr_array_add (out, r);
    }
}

/* One resource of the API, "<collection>/<id>.json", the id escaped. */
static char *
item_path (const char *collection,
           const char *id)
{
  g_autofree char *e = okn_open311_escape (id);

  return g_strdup_printf ("%s/%s.json", collection, e);
}

static OknTransfer *
item_transfer_new (OknOpen311Client *client,
                   const char       *collection,
                   const char       *id)
{
  g_autofree char *path = item_path (collection, id);

  return okn_open311_transfer_new_get (client, path, NULL);
}

static char *
format_utc (GDateTime *dt)
{
  g_autoptr (GDateTime) utc = g_date_time_to_utc (dt);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Rewrites what servers send loosely ("true" strings, orders as strings,
 * numeric value keys) the way the spec says, so the cache is canonical. */
static gboolean
normalize_definition (JsonNode *root)
{
  JsonObject *o;
  JsonArray *attrs;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  o = json_node_get_object (root);
  if (!json_object_has_member (o, "attributes")
      || json_object_get_null_member (o, "attributes"))
    {
      json_object_set_array_member (o, "attributes", json_array_new ());
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "attributes")))
    return FALSE;
  attrs = json_object_get_array_member (o, "attributes");
  for (guint i = 0; i < json_array_get_length (attrs); i++)
    {
      JsonNode *n = json_array_get_element (attrs, i);
      JsonObject *a;
      g_autofree char *order = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (n))
        continue;
      a = json_node_get_object (n);
      json_object_set_boolean_member (a, "required", okn_json_member_bool (a, "required", FALSE));
      json_object_set_boolean_member (a, "variable", okn_json_member_bool (a, "variable", TRUE));
      order = okn_json_member_text (a, "order");
      if (order)
        json_object_set_int_member (a, "order", g_ascii_strtoll (order, NULL, 10));
      if (json_object_has_member (a, "values")
          && JSON_NODE_HOLDS_ARRAY (json_object_get_member (a, "values")))
        {
          JsonArray *values = json_object_get_array_member (a, "values");

          for (guint j = 0; j < json_array_get_length (values); j++)
            {
              JsonNode *vn = json_array_get_element (values, j);
              g_autofree char *key = NULL;

              if (!JSON_NODE_HOLDS_OBJECT (vn))
                continue;
              key = okn_json_member_text (json_node_get_object (vn), "key");
              if (key)
                json_object_set_string_member (json_node_get_object (vn), "key", key);
            }
        }
    }
  return TRUE;
}

static char *
definition_finish (OknOpen311Client *client,
                   OknTransfer         *t,
                   GError          **error)
{
  g_autoptr (JsonNode) root = okn_open311_transfer_json (client, t, error);

  if (root == NULL)
    return NULL;
  if (!normalize_definition (root))
    {
      okn_open311_bad_answer (client, t, NULL, error);
      return NULL;
    }
  return json_to_string (root, FALSE);
}

/* The catalogue out of services.json's answer: entries without a code are
 * skipped, texts masked. */
static GPtrArray *
services_from_json (OknOpen311Client *client,
                    JsonNode         *root,
                    GError          **error)
{
  g_autoptr (GPtrArray) out = NULL;
  JsonArray *a;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_TRANSIENT,
                                    _("The Open311 server's service list is not a list."));
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  a = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonNode *n = json_array_get_element (a, i);
      OknService *s = JSON_NODE_HOLDS_OBJECT (n) ? okn_service_from_json (json_node_get_object (n)) : NULL;

      /* A service the desk could not name is left out. */
      if (s == NULL)
        continue;
      okn_open311_rescrub (client, &s->name);
      okn_open311_rescrub (client, &s->description);
      okn_open311_rescrub (client, &s->group);
      okn_open311_rescrub (client, &s->keywords);
      g_ptr_array_add (out, s);
    }
  /* An endpoint takes reports in some category: no category at all is a
   * server that lost its own list, and must not empty the station's. */
  if (out->len == 0)
    {
      okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_TRANSIENT,
                                    _("The Open311 server's service list holds no category; the "
                                      "categories this station has are kept."));
      return NULL;
    }
  return g_steal_pointer (&out);
}


/* A token's answer: its request id, %NULL while the server has none yet. */
static char *
token_from_json (JsonNode *root)
{
  g_autofree char *id = okn_json_member_text (okn_open311_first_object (root), "service_request_id");

  if (id && *id)
    return g_steal_pointer (&id);
  return NULL;
}

/**
 * okn_open311_read_answer:
 * @what: which call the answer is to
 * @status: the HTTP status it came with
 * @body: (array length=len): the answer's body, as received
 *
 * Reads an answer the way the call @what reads its own, with the same
 * parsers, error lists and masking, without a network: what the fuzz
 * harnesses (tests/fuzz/) feed. What was read is dropped.
 *
 * Returns: whether the answer was accepted; %FALSE with the error the call
 *   would have returned
 */
gboolean
okn_open311_read_answer (OknOpen311Client *client,
                         OknOpen311Answer  what,
                         long              status,
                         const char       *body,
                         gsize             len,
                         GError          **error)
{
  static const char *const names[] = {
    [OKN_OPEN311_ANSWER_SERVICES] = "GET services.json",
    [OKN_OPEN311_ANSWER_DEFINITION] = "GET services/x.json",
    [OKN_OPEN311_ANSWER_REQUESTS] = "GET requests.json",
    [OKN_OPEN311_ANSWER_POST] = "POST requests.json",
    [OKN_OPEN311_ANSWER_TOKEN] = "GET tokens/x.json",
  };
  g_autoptr (OknTransfer) t = okn_open311_transfer_new_answer (names[what], what == OKN_OPEN311_ANSWER_POST,
                                                               status, body, len);
  g_autoptr (JsonNode) root = NULL;

  switch (what)
    {
    case OKN_OPEN311_ANSWER_SERVICES:
      {
        g_autoptr (GPtrArray) services = NULL;

        root = okn_open311_transfer_json (client, t, error);
        services = root ? services_from_json (client, root, error) : NULL;
        return services != NULL;
      }
    case OKN_OPEN311_ANSWER_DEFINITION:
      {
        g_autofree char *definition = definition_finish (client, t, error);

        return definition != NULL;
      }
    case OKN_OPEN311_ANSWER_REQUESTS:
      {
        g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_request_free);

        root = okn_open311_transfer_json (client, t, error);
        if (root == NULL)
          return FALSE;
        collect_requests (client, root, list);
        return TRUE;
      }
    case OKN_OPEN311_ANSWER_POST:
      {
        g_autoptr (OknOpen311Receipt) receipt = post_finish (client, t, error);

        return receipt != NULL;
      }
    case OKN_OPEN311_ANSWER_TOKEN:
      {
        g_autofree char *id = NULL;

        root = okn_open311_transfer_json (client, t, error);
        if (root == NULL)
          return FALSE;
        id = token_from_json (root);
        return TRUE;
      }
    }
  g_return_val_if_reached (FALSE);
}

void
okn_open311_receipt_free (OknOpen311Receipt *r)
{
  if (r == NULL)
    return;
  g_free (r->service_request_id);
  g_free (r->token);
  g_free (r->service_notice);
  g_free (r->account_id);
  g_free (r);
}

void
okn_open311_post_result_free (OknOpen311PostResult *r)
{
  if (r == NULL)
    return;
  okn_open311_receipt_free (r->receipt);
  g_clear_error (&r->error);
  g_free (r);
}

void
okn_open311_request_free (OknOpen311Request *r)
{
  if (r == NULL)
    return;
  g_free (r->service_request_id);
  g_free (r->status);
  g_free (r->status_notes);
  g_free (r->service_name);
  g_free (r->service_code);
  g_free (r->description);
  g_free (r->agency_responsible);
  g_free (r->service_notice);
  g_free (r->requested_datetime);
  g_free (r->updated_datetime);
  g_free (r->expected_datetime);
  g_free (r->address);
  g_free (r->address_id);
  g_free (r->zipcode);
  g_free (r->media_url);
  g_free (r->refused);
  g_free (r);
}

/**
 * okn_open311_marker_for_ticket:
 *
 * Returns: (transfer full): "[Okienko K03-26-004217-Q]"
 */
char *
okn_open311_marker_for_ticket (const char *ticket)
{
  return g_strconcat (OKN_OPEN311_MARKER_PREFIX, ticket, OKN_OPEN311_MARKER_SUFFIX, NULL);
}

/**
 * okn_open311_description_with_marker:
 * @description: (nullable)
 *
 * GeoReport v2 caps a description at 4000 characters; a text that would
 * not fit with the marker is shortened (ending in "…") so that the marker,
 * which the adoption of lost answers depends on, always fits.
 *
 * Returns: (transfer full): the description with "\n\n[Okienko <ticket>]"
 *   appended, unless it already ends with that marker
 */
char *
okn_open311_description_with_marker (const char *description,
                                     const char *ticket)
{
  g_autofree char *marker = okn_open311_marker_for_ticket (ticket);
  glong room = OKN_DESCRIPTION_MAX - g_utf8_strlen (marker, -1) - 2;

  if (description == NULL || *description == '\0')
    return g_steal_pointer (&marker);
  if (g_str_has_suffix (description, marker))
    return g_strdup (description);
  if (g_utf8_strlen (description, -1) > room)
    {
      g_autofree char *cut = g_utf8_substring (description, 0, room - 1);

      return g_strconcat (cut, "…\n\n", marker, NULL);
    }
  return g_strconcat (description, "\n\n", marker, NULL);
}

/**
 * okn_open311_find_marker:
 * @description: (nullable)
 *
 * Finds the last well-formed ticket marker; the ticket inside is checked
 * (check character included), so a marker the server mangled is not taken.
 *
 * Returns: (transfer full) (nullable): the ticket ID, formatted
 */
char *
okn_open311_find_marker (const char *description)
{
  const char *end;

  if (description == NULL)
    return NULL;
  end = description + strlen (description);
  while (end > description)
    {
      const char *p = g_strrstr_len (description, end - description, OKN_OPEN311_MARKER_PREFIX);
      const char *close;

      if (p == NULL)
        return NULL;
      close = strstr (p + strlen (OKN_OPEN311_MARKER_PREFIX), OKN_OPEN311_MARKER_SUFFIX);
      if (close && close - p < 64)
        {
          g_autofree char *inner = g_strndup (p + strlen (OKN_OPEN311_MARKER_PREFIX),
                                              (gsize) (close - p) - strlen (OKN_OPEN311_MARKER_PREFIX));
          OknTicketId id;

          if (okn_ticket_id_parse (inner, &id, NULL))
            return okn_ticket_id_format (&id);
        }
      end = p;
    }
  return NULL;
}

/**
 * okn_open311_client_set_definitions:
 * @services: (element-type OknService): the cached catalogue
 *   (okn_store_list_services()) or one just fetched
 *
 * Tells the client which attributes are multivaluelist, so that even a
 * single chosen value goes as attribute[code][].
 */
void
okn_open311_client_set_definitions (OknOpen311Client *client,
                                    GPtrArray        *services)
{
  g_hash_table_remove_all (client->multi_attrs);
  for (guint i = 0; services && i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);
      /* The desk's forms read the same definitions the same way. */
      g_autoptr (OknServiceDef) def = okn_service_def_parse (s->definition, NULL);

      for (guint j = 0; def && j < def->attributes->len; j++)
        {
          const OknAttrDef *a = g_ptr_array_index (def->attributes, j);

          if (a->datatype == OKN_ATTR_MULTIVALUELIST)
            g_hash_table_add (client->multi_attrs, g_strconcat (s->code, "\x1f", a->code, NULL));
        }
    }
}

/**
 * okn_open311_client_service_code_for:
 *
 * Returns: (nullable): the service code a record goes under: its category,
 *   or letters.service_code for a letter
 */
const char *
okn_open311_client_service_code_for (OknOpen311Client *client,
                                     const OknRecord  *record)
{
  if (record->kind == OKN_KIND_LETTER)
    return client->letter_service;
  return record->category && *record->category ? record->category : NULL;
}

/**
 * okn_open311_client_can_send_kind:
 *
 * Returns: whether records of @kind can go at all: letters need
 *   letters.service_code
 */
gboolean
okn_open311_client_can_send_kind (OknOpen311Client *client,
                                  OknKind           kind)
{
  return kind != OKN_KIND_LETTER || client->letter_service != NULL;
}

/**
 * okn_open311_client_post:
 * @record: a registered record (ticket and uuid set); attachments need their
 *   data when server.media_upload is on
 *
 * POSTs requests.json once: never repeats the request by itself.
 *
 * Returns: (transfer full) (nullable): the id or token the server gave
 */
OknOpen311Receipt *
okn_open311_client_post (OknOpen311Client *client,
                         const OknRecord  *record,
                         GError          **error)
{
  g_autoptr (OknTransfer) t = post_transfer_new (client, record, error);

  if (t == NULL)
    return NULL;
  okn_open311_run_one (client, t);
  return post_finish (client, t, error);
}

/**
 * okn_open311_client_post_many:
 * @records: (element-type OknRecord)
 *
 * Posts every record once, at most server.parallel at a time over reused
 * connections.
 *
 * Returns: (transfer full) (element-type OknOpen311PostResult): one result
 *   per record, in the same order
 */
GPtrArray *
okn_open311_client_post_many (OknOpen311Client *client,
                              GPtrArray        *records,
                              GError          **error)
{
  g_autoptr (GPtrArray) results =
    g_ptr_array_new_full (records->len, (GDestroyNotify) okn_open311_post_result_free);
  g_autofree OknTransfer **transfers = g_new0 (OknTransfer *, records->len ? records->len : 1);

  for (guint i = 0; i < records->len; i++)
    {
      OknOpen311PostResult *res = g_new0 (OknOpen311PostResult, 1);

      transfers[i] = post_transfer_new (client, g_ptr_array_index (records, i), &res->error);
      g_ptr_array_add (results, res);
    }
  okn_open311_run_transfers (client, transfers, records->len, client->parallel);
  for (guint i = 0; i < records->len; i++)
    {
      OknOpen311PostResult *res = g_ptr_array_index (results, i);

      if (transfers[i])
        {
          res->receipt = post_finish (client, transfers[i], &res->error);
          g_clear_pointer (&transfers[i], okn_open311_transfer_free);
        }
    }
  return g_steal_pointer (&results);
}

/**
 * okn_open311_client_resolve_token:
 * @service_request_id: (out) (transfer full) (nullable): the id, %NULL while
 *   the server has not assigned one yet
 *
 * Returns: %TRUE when the server answered
 */
gboolean
okn_open311_client_resolve_token (OknOpen311Client *client,
                                  const char       *token,
                                  char            **service_request_id,
                                  GError          **error)
{
  g_autofree char *path = item_path ("tokens", token);
  g_autoptr (JsonNode) root = okn_open311_get_json (client, path, NULL, error);

  *service_request_id = NULL;
  if (root == NULL)
    return FALSE;
  *service_request_id = token_from_json (root);
  return TRUE;
}

/**
 * okn_open311_client_get_request:
 *
 * Returns: (transfer full) (nullable): the request; an unknown id is a
 *   %OKN_OPEN311_ERROR_PERMANENT error with HTTP status 404
 */
OknOpen311Request *
okn_open311_client_get_request (OknOpen311Client *client,
                                const char       *service_request_id,
                                GError          **error)
{
  g_autoptr (OknTransfer) t = item_transfer_new (client, "requests", service_request_id);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_request_free);

  okn_open311_run_one (client, t);
  root = okn_open311_transfer_json (client, t, error);
  if (root == NULL)
    return NULL;
  collect_requests (client, root, list);
  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311Request *r = g_ptr_array_index (list, i);

      if (g_str_equal (r->service_request_id, service_request_id))
        return g_ptr_array_steal_index (list, i);
    }
  okn_open311_bad_answer (client, t, NULL, error);
  return NULL;
}

/**
 * okn_open311_client_get_requests:
 * @ids: (array zero-terminated=1): service_request_ids
 *
 * Asks for the ids in batches of server.batch_size (service_request_id=a,b,c)
 * whose URL stays under 4 KB, in parallel, then asks requests/{id}.json for
 * every id a batch answer left out, and for those of a batch of several ids
 * refused as one odd id would have it refused (400, 413, 414, 431). Ids the
 * server does not know (404) and any too long for a URL are missing from
 * the result. An id refused by itself while other ids were answered is in
 * the result with only its refusal (@refused, the server's words); when no
 * id was answered, the refusal is not about an id and fails the call.
 *
 * Returns: (transfer full) (element-type OknOpen311Request): one per id found
 *   or refused, in the order of @ids; %NULL with the first error met
 */
GPtrArray *
okn_open311_client_get_requests (OknOpen311Client  *client,
                                 const char *const *ids,
                                 GError           **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_request_free);
  g_autoptr (GHashTable) found = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) okn_open311_request_free);
  g_autoptr (GPtrArray) batches = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_transfer_free);
  g_autoptr (GPtrArray) singles = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_transfer_free);
  g_autoptr (GPtrArray) single_ids = g_ptr_array_new ();
  g_autoptr (GHashTable) unasked = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GArray) batch_len = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GHashTable) refused = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) okn_open311_request_free);
  g_autoptr (GError) first_refusal = NULL;
  g_autoptr (OknTransfer) bare = okn_open311_transfer_new_get (client, "requests.json", "service_request_id=");
  gsize room = strlen (bare->url) < URL_MAX ? URL_MAX - strlen (bare->url) : 0;
  guint n = ids ? g_strv_length ((char **) ids) : 0;

  /* Batches of server.batch_size ids whose URL stays under URL_MAX: a
   * long id takes its batch's room, not the other ids' answers. An id
   * that does not fit alone is not asked about (nor is it by itself,
   * as requests/{id}.json): no server would take the URL. */
  for (guint i = 0; i < n;)
    {
      g_autoptr (GString) q = g_string_new ("service_request_id=");
      guint in_batch = 0;

      for (; i < n && in_batch < client->batch_size; i++)
        {
          g_autofree char *e = okn_open311_escape (ids[i]);
          gsize len = strlen (e);

          if (len > room)
            {
              g_hash_table_add (unasked, (gpointer) ids[i]);
              continue;
            }
          if (in_batch > 0 && q->len - strlen ("service_request_id=") + 1 + len > room)
            break;
          g_string_append_printf (q, "%s%s", in_batch > 0 ? "," : "", e);
          in_batch++;
        }
      if (in_batch > 0)
        {
          g_ptr_array_add (batches, okn_open311_transfer_new_get (client, "requests.json", q->str));
          g_array_append_val (batch_len, in_batch);
        }
    }
  okn_open311_run_transfers (client, (OknTransfer **) batches->pdata, batches->len, client->parallel);
  for (guint i = 0; i < batches->len; i++)
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (JsonNode) root = okn_open311_transfer_json (client, g_ptr_array_index (batches, i), &local);
      g_autoptr (GPtrArray) list = g_ptr_array_new ();

      /* A batch of several ids refused as one odd id would have it (a
       * 400, or a URL, request line or headers too large) is asked
       * about id by id below: one id must not cost the others their
       * statuses. Any other refusal (401, 403, 422 ...), the network's
       * and the settings' failures are everyone's. */
      if (root == NULL && g_array_index (batch_len, guint, i) > 1
          && g_error_matches (local, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT))
        {
          int status = okn_open311_error_get_http_status (local);

          if (status == 400 || status == 413 || status == 414 || status == 431)
            continue;
        }
      if (root == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      collect_requests (client, root, list);
      for (guint j = 0; j < list->len; j++)
        {
          OknOpen311Request *r = g_ptr_array_index (list, j);

          /* The table owns it; a duplicate replaces the earlier copy. */
          g_hash_table_replace (found, r->service_request_id, r);
        }
    }

  for (guint i = 0; i < n; i++)
    if (!g_hash_table_contains (found, ids[i]) && !g_hash_table_contains (unasked, ids[i]))
      {
        g_ptr_array_add (singles, item_transfer_new (client, "requests", ids[i]));
        g_ptr_array_add (single_ids, (gpointer) ids[i]);
      }
  okn_open311_run_transfers (client, (OknTransfer **) singles->pdata, singles->len, client->parallel);
  for (guint i = 0; i < singles->len; i++)
    {
      OknTransfer *t = g_ptr_array_index (singles, i);
      g_autoptr (GError) local = NULL;
      g_autoptr (JsonNode) root = okn_open311_transfer_json (client, t, &local);
      g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_request_free);

      if (root == NULL)
        {
          OknOpen311Request *r;

          /* Unknown to the server (404): left out. A 404 of the web
           * server in front is the configuration's (CONFIG) and fails
           * the call. */
          if (!g_error_matches (local, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT))
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
          if (okn_open311_error_get_http_status (local) == 404)
            continue;
          /* An id the server refuses by itself: decided below, once it
           * is known whether it answered about any id. */
          r = g_new0 (OknOpen311Request, 1);
          r->service_request_id = g_strdup (g_ptr_array_index (single_ids, i));
          r->refused = g_strdup (local->message);
          g_hash_table_replace (refused, r->service_request_id, r);
          if (first_refusal == NULL)
            first_refusal = g_steal_pointer (&local);
          continue;
        }
      collect_requests (client, root, list);
      for (guint j = 0; j < list->len; j++)
        {
          OknOpen311Request *r = g_ptr_array_index (list, j);

          if (g_str_equal (r->service_request_id, g_ptr_array_index (single_ids, i)))
            {
              g_ptr_array_steal_index (list, j);
              g_hash_table_replace (found, r->service_request_id, r);
              break;
            }
        }
    }

  /* Refused, and not a single id answered: the refusal is about the
   * call (a key, a jurisdiction the server does not take), not an id. */
  if (first_refusal && g_hash_table_size (found) == 0)
    {
      g_propagate_error (error, g_steal_pointer (&first_refusal));
      return NULL;
    }
  for (guint i = 0; i < n; i++)
    {
      char *key = NULL;
      OknOpen311Request *r = NULL;

      if (g_hash_table_steal_extended (found, ids[i], (gpointer *) &key, (gpointer *) &r)
          || g_hash_table_steal_extended (refused, ids[i], (gpointer *) &key, (gpointer *) &r))
        g_ptr_array_add (out, r);
    }
  return g_steal_pointer (&out);
}

/**
 * okn_open311_client_search:
 * @service_code: (nullable)
 * @start: (nullable)
 * @end: (nullable)
 *
 * GET requests.json with service_code, start_date and end_date. Servers cap
 * the answer (the spec: 1000 requests, 90 days by default): narrow the
 * window rather than trusting a full answer to be complete.
 *
 * Returns: (transfer full) (element-type OknOpen311Request)
 */
GPtrArray *
okn_open311_client_search (OknOpen311Client *client,
                           const char       *service_code,
                           GDateTime        *start,
                           GDateTime        *end,
                           GError          **error)
{
  g_autoptr (GString) q = g_string_new (NULL);
  g_autoptr (JsonNode) root = NULL;
  GPtrArray *out;

  if (service_code)
    {
      g_autofree char *e = okn_open311_escape (service_code);

      g_string_append_printf (q, "service_code=%s", e);
    }
  if (start)
    {
      g_autofree char *s = format_utc (start);
      g_autofree char *e = okn_open311_escape (s);

      g_string_append_printf (q, "%sstart_date=%s", q->len ? "&" : "", e);
    }
  if (end)
    {
      g_autofree char *s = format_utc (end);
      g_autofree char *e = okn_open311_escape (s);

      g_string_append_printf (q, "%send_date=%s", q->len ? "&" : "", e);
    }
  root = okn_open311_get_json (client, "requests.json", q->str, error);
  if (root == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_request_free);
  collect_requests (client, root, out);
  return out;
}

/**
 * okn_open311_client_find_by_marker:
 *
 * Searches the requests of @service_code created between @start and @end
 * for the one whose description carries @ticket's marker: how a POST with
 * an unknown outcome is adopted instead of repeated.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL without an
 *   error when none carries the marker
 */
OknOpen311Request *
okn_open311_client_find_by_marker (OknOpen311Client *client,
                                   const char       *service_code,
                                   const char       *ticket,
                                   GDateTime        *start,
                                   GDateTime        *end,
                                   GError          **error)
{
  g_autoptr (GPtrArray) list = okn_open311_client_search (client, service_code, start, end, error);
  g_autofree char *want = NULL;
  OknTicketId id;

  if (list == NULL)
    return NULL;
  want = okn_ticket_id_parse (ticket, &id, NULL) ? okn_ticket_id_format (&id) : g_strdup (ticket);
  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311Request *r = g_ptr_array_index (list, i);
      g_autofree char *found = okn_open311_find_marker (r->description);

      if (g_strcmp0 (found, want) == 0)
        return g_ptr_array_steal_index (list, i);
    }
  return NULL;
}

/**
 * okn_open311_client_get_services:
 *
 * Returns: (transfer full) (element-type OknService): the catalogue, without
 *   definitions
 */
GPtrArray *
okn_open311_client_get_services (OknOpen311Client *client,
                                 GError          **error)
{
  g_autoptr (JsonNode) root = okn_open311_get_json (client, "services.json", NULL, error);

  if (root == NULL)
    return NULL;
  return services_from_json (client, root, error);
}

/**
 * okn_open311_client_get_definition:
 *
 * Returns: (transfer full) (nullable): the service definition as JSON text,
 *   normalised: booleans as booleans, order as a number, value keys as text
 */
char *
okn_open311_client_get_definition (OknOpen311Client *client,
                                   const char       *service_code,
                                   GError          **error)
{
  g_autoptr (OknTransfer) t = item_transfer_new (client, "services", service_code);

  okn_open311_run_one (client, t);
  return definition_finish (client, t, error);
}

/**
 * okn_open311_client_fetch_catalogue:
 *
 * Fetches services.json and, in parallel, the definition of every service
 * with metadata. The client keeps nothing of it: the caller stores it and
 * hands it back with okn_open311_client_set_definitions().
 *
 * Returns: (transfer full) (element-type OknService) (nullable): every
 *   service, with its definition when it has metadata; %NULL unless all came
 */
GPtrArray *
okn_open311_client_fetch_catalogue (OknOpen311Client *client,
                                    GError          **error)
{
  g_autoptr (GPtrArray) services = okn_open311_client_get_services (client, error);
  g_autoptr (GPtrArray) transfers = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_open311_transfer_free);
  g_autoptr (GPtrArray) owners = g_ptr_array_new ();

  if (services == NULL)
    return NULL;
  for (guint i = 0; i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);

      if (!s->metadata)
        continue;
      g_ptr_array_add (transfers, item_transfer_new (client, "services", s->code));
      g_ptr_array_add (owners, s);
    }
  okn_open311_run_transfers (client, (OknTransfer **) transfers->pdata, transfers->len, client->parallel);
  for (guint i = 0; i < transfers->len; i++)
    {
      OknService *s = g_ptr_array_index (owners, i);

      s->definition = definition_finish (client, g_ptr_array_index (transfers, i), error);
      if (s->definition == NULL)
        return NULL;
    }
  return g_steal_pointer (&services);
}
