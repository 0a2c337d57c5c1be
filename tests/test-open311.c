/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-open311.c: the Open311 client against the loopback test server
 *
 * Every test starts its own server on an ephemeral 127.0.0.1 port, talks
 * real HTTP to it and reads back what the server stored.
 */
#define G_LOG_DOMAIN "test-open311"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <curl/curl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sync.h"

#define API_KEY "sekret-KLUCZ-42/+="

typedef struct
{
  OknOpen311Server *server;
  char *dir;
  OknConfig *config;
  OknStore *store;
  OknOpen311Client *client;
  OknRecord *report;   /* registered, not posted: what most tests post */
} Fixture;

static void
fixture_client (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->client, okn_open311_client_free);
  f->client = okn_open311_client_new (f->config, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->client);
}

/* @r registered in the fixture's store: it gets its ticket and uuid. */
static void
register_record (Fixture   *f,
                 OknRecord *r)
{
  g_autoptr (GError) error = NULL;

  okn_store_register (f->store, r, "test", &error);
  g_assert_no_error (error);
}

/* A registered report: ticket and uuid come from the real store. */
static OknRecord *
make_report (Fixture    *f,
             const char *category,
             const char *description)
{
  OknRecord *r = okn_test_report (category, description, "ul. Zielona 7, Łódź");

  register_record (f, r);
  g_assert_nonnull (r->ticket);
  g_assert_nonnull (r->uuid);
  return r;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *conf = NULL;

  f->server = okn_test_open311_start (API_KEY);
  f->dir = okn_test_make_tmpdir ();
  conf = g_build_filename (f->dir, "okienko.conf", NULL);
  f->config = okn_test_open311_config (conf, f->server, API_KEY);
  okn_test_config_set (f->config, "server.parallel", "8");
  okn_test_config_set (f->config, "office.address", "ul. Piotrkowska 104\n90-926 Łódź");
  f->store = okn_test_open_store (f->dir, "K03");
  fixture_client (f);
  f->report = make_report (f, "dumping", "Śmieci");
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->report, okn_record_free);
  g_clear_pointer (&f->client, okn_open311_client_free);
  g_clear_pointer (&f->store, okn_store_close);
  g_clear_pointer (&f->config, okn_config_free);
  g_clear_pointer (&f->server, okn_open311_server_free);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
}

static OknRecord *
make_streetlight (Fixture *f)
{
  OknRecord *r = okn_test_report ("streetlight", "Latarnia miga całą noc", "ul. Zielona 7, Łódź");

  okn_record_add_attribute (r, "issues", "dark");
  okn_record_add_attribute (r, "issues", "flicker");
  okn_record_add_attribute (r, "pole_number", "S-12/ż");
  register_record (f, r);
  return r;
}

static const char *
stored_attr (OknOpen311StoredRequest *s,
             const char              *key,
             guint                    nth)
{
  for (guint i = 0; i < s->attributes->len; i++)
    {
      OknOpen311ServerAttribute *a = g_ptr_array_index (s->attributes, i);

      if (g_str_equal (a->key, key) && nth-- == 0)
        return a->value;
    }
  return NULL;
}

/* Posts @r, which must go. Returns: (transfer full): the receipt */
static OknOpen311Receipt *
post_ok (Fixture   *f,
         OknRecord *r)
{
  g_autoptr (GError) error = NULL;
  OknOpen311Receipt *receipt = okn_open311_client_post (f->client, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (receipt);
  return receipt;
}

/* Posts @records in one call, which must not fail as a whole: each record
 * has its own result. Returns: (transfer full): the results */
static GPtrArray *
post_many_ok (Fixture   *f,
              GPtrArray *records)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *results = okn_open311_client_post_many (f->client, records, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

/* Posts @r, which must fail with @code and, unless it is -1, with
 * @http_status. Returns: (transfer full): the error, for more checks */
static GError *
post_fails (Fixture         *f,
            OknRecord       *r,
            OknOpen311Error  code,
            int              http_status)
{
  GError *error = NULL;
  g_autoptr (OknOpen311Receipt) receipt = okn_open311_client_post (f->client, r, &error);

  g_assert_null (receipt);
  g_assert_error (error, OKN_OPEN311_ERROR, code);
  if (http_status != -1)
    g_assert_cmpint (okn_open311_error_get_http_status (error), ==, http_status);
  return error;
}

static void
assert_no_secret (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, API_KEY));
  g_assert_null (strstr (error->message, "sekret"));
  if (okn_open311_error_get_server_description (error))
    g_assert_null (strstr (okn_open311_error_get_server_description (error), "sekret"));
}

/* The catalogue's list, which must come with @n services. */
static void
services_ok (Fixture *f,
             guint    n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) services = okn_open311_client_get_services (f->client, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (services->len, ==, n);
}

/* The catalogue's list, which must fail with @code and no secret in the
 * error. Returns: (transfer full): the error, for more checks */
static GError *
services_fail (Fixture         *f,
               OknOpen311Error  code)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) services = okn_open311_client_get_services (f->client, &error);

  g_assert_null (services);
  g_assert_error (error, OKN_OPEN311_ERROR, code);
  assert_no_secret (error);
  return error;
}

/* ---- catalogue ------------------------------------------------------------------ */

static JsonObject *
find_attr_def (JsonNode   *def,
               const char *code)
{
  JsonArray *a = json_object_get_array_member (json_node_get_object (def), "attributes");

  for (guint i = 0; i < json_array_get_length (a); i++)
    {
      JsonObject *o = json_array_get_object_element (a, i);

      if (g_str_equal (json_object_get_string_member (o, "code"), code))
        return o;
    }
  return NULL;
}

/* The catalogue as the client reads it: the services with the definitions
 * of those with metadata, normalised. The client keeps nothing and writes
 * nothing: the sync engine stores it. */
static GPtrArray *
check_catalogue (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cached = NULL;
  gboolean saw_pothole = FALSE, saw_dumping = FALSE;

  cached = okn_open311_client_fetch_catalogue (f->client, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cached);
  g_assert_cmpuint (cached->len, ==, 4);
  for (guint i = 0; i < cached->len; i++)
    {
      OknService *s = g_ptr_array_index (cached, i);

      if (g_str_equal (s->code, "pothole"))
        {
          g_autoptr (JsonNode) def = json_from_string (s->definition, &error);
          JsonObject *lane, *depth;

          g_assert_no_error (error);
          saw_pothole = TRUE;
          g_assert_true (s->metadata);
          g_assert_cmpstr (s->name, ==, "Dziura w jezdni");
          g_assert_cmpstr (s->group, ==, "Drogi");
          lane = find_attr_def (def, "lane");
          depth = find_attr_def (def, "depth");
          g_assert_nonnull (lane);
          g_assert_nonnull (depth);
          /* Booleans are real booleans in the cache whatever the server sent. */
          g_assert_true (json_object_get_boolean_member (lane, "required"));
          g_assert_cmpstr (json_object_get_string_member (lane, "datatype"), ==, "singlevaluelist");
          g_assert_cmpint (json_object_get_int_member (lane, "order"), ==, 2);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (lane, "values")), ==, 3);
          g_assert_cmpstr (json_object_get_string_member (depth, "datatype"), ==, "number");
        }
      else if (g_str_equal (s->code, "dumping"))
        {
          saw_dumping = TRUE;
          g_assert_false (s->metadata);
          g_assert_null (s->definition);
        }
    }
  g_assert_true (saw_pothole);
  g_assert_true (saw_dumping);
  return g_steal_pointer (&cached);
}

static void
test_catalogue (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *def = NULL;

  g_autoptr (GPtrArray) plain = NULL;
  g_autoptr (GPtrArray) loose = NULL;
  g_autoptr (GPtrArray) in_store = NULL;

  plain = check_catalogue (f);
  /* The same with a server that writes booleans as "true" strings. */
  okn_test_server_set (f->server, "bools_as_strings", "true");
  loose = check_catalogue (f);
  /* Fetching stores nothing: the engine does. */
  in_store = okn_store_list_services (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (in_store->len, ==, 0);

  def = okn_open311_client_get_definition (f->client, "no-such-service", &error);
  g_assert_null (def);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT);
  g_assert_cmpint (okn_open311_error_get_http_status (error), ==, 404);
  g_assert_nonnull (strstr (error->message, "no-such-service"));
}

/* ---- posting ---------------------------------------------------------------------- */

static void
test_post_report (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (OknRecord) r = make_streetlight (f);
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *found = NULL;
  OknOpen311StoredRequest *s;

  r->consent = TRUE;
  r->contact_name = g_strdup ("Jan Maria Kowalski");
  r->contact_email = g_strdup ("jan@example.org");
  r->contact_phone = g_strdup ("+48 42 000 00 00");
  r->has_location = TRUE;
  r->lat = 51.7592485;
  r->lon = 19.4559833;

  receipt = post_ok (f, r);
  g_assert_nonnull (receipt->service_request_id);
  g_assert_null (receipt->token);

  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpuint (stored->len, ==, 1);
  s = g_ptr_array_index (stored, 0);
  g_assert_cmpstr (s->id, ==, receipt->service_request_id);
  g_assert_cmpstr (s->service_code, ==, "streetlight");
  marker = g_strdup_printf ("Latarnia miga całą noc\n\n[Okienko %s]", r->ticket);
  g_assert_cmpstr (s->description, ==, marker);
  found = okn_open311_find_marker (s->description);
  g_assert_cmpstr (found, ==, r->ticket);
  g_assert_cmpstr (s->address_string, ==, "ul. Zielona 7, Łódź");
  g_assert_cmpstr (s->lat, ==, "51.7592485");
  g_assert_cmpstr (s->lon, ==, "19.4559833");
  g_assert_cmpstr (stored_attr (s, "issues", 0), ==, "dark");
  g_assert_cmpstr (stored_attr (s, "issues", 1), ==, "flicker");
  g_assert_cmpstr (stored_attr (s, "pole_number", 0), ==, "S-12/ż");
  g_assert_cmpstr (s->first_name, ==, "Jan Maria");
  g_assert_cmpstr (s->last_name, ==, "Kowalski");
  g_assert_cmpstr (s->email, ==, "jan@example.org");
  g_assert_cmpstr (s->phone, ==, "+48 42 000 00 00");
  g_assert_cmpstr (s->idempotency_key, ==, r->uuid);
  g_assert_cmpuint (s->media->len, ==, 0);
}

static void
test_post_no_consent (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (OknRecord) r = make_report (f, "dumping", "Opony w lesie");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  OknOpen311StoredRequest *s;

  r->consent = FALSE;
  r->contact_name = g_strdup ("Anna Nowak");
  r->contact_email = g_strdup ("anna@example.org");
  r->contact_phone = g_strdup ("600 000 000");
  receipt = post_ok (f, r);
  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpuint (stored->len, ==, 1);
  s = g_ptr_array_index (stored, 0);
  g_assert_null (s->first_name);
  g_assert_null (s->last_name);
  g_assert_null (s->email);
  g_assert_null (s->phone);
  g_assert_null (s->lat);
  g_assert_cmpuint (s->attributes->len, ==, 0);

  /* The longest description a record may have still fits with its marker. */
  {
    g_autoptr (GString) big = g_string_new (NULL);
    g_autoptr (OknRecord) r2 = NULL;
    g_autoptr (OknOpen311Receipt) receipt2 = NULL;
    g_autoptr (GPtrArray) stored2 = NULL;
    g_autofree char *found = NULL;

    for (guint i = 0; i < OKN_DESCRIPTION_MAX; i++)
      g_string_append (big, "ł");
    r2 = make_report (f, "dumping", big->str);
    receipt2 = post_ok (f, r2);
    stored2 = okn_open311_server_list_requests (f->server);
    s = g_ptr_array_index (stored2, 1);
    g_assert_cmpint (g_utf8_strlen (s->description, -1), ==, OKN_DESCRIPTION_MAX);
    found = okn_open311_find_marker (s->description);
    g_assert_cmpstr (found, ==, r2->ticket);
  }
}

/* A multivaluelist attribute with one value must go as attribute[code][]:
 * the client knows which attributes are lists from the cached definitions. */
static void
test_post_single_multivalue (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("streetlight", "Ciemno", "ul. Zielona 7");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) cached = NULL;

  okn_record_add_attribute (r, "issues", "dark");
  register_record (f, r);

  error = post_fails (f, r, OKN_OPEN311_ERROR_PERMANENT, -1);
  g_assert_nonnull (strstr (okn_open311_error_get_server_description (error), "attribute[issues][]"));
  g_clear_error (&error);

  /* A fresh client told the definitions of the catalogue (as the engine
   * does with the cached one). */
  cached = check_catalogue (f);
  fixture_client (f);
  okn_open311_client_set_definitions (f->client, cached);
  receipt = post_ok (f, r);
  g_assert_nonnull (receipt->service_request_id);
}

static void
test_post_letter (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_letter ("Zofia Wiśniewska", "Wniosek o wycinkę drzewa");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autofree char *found = NULL;
  OknOpen311StoredRequest *s;

  r->sender_address = g_strdup ("ul. Lipowa 3, 90-001 Łódź");
  r->reference = g_strdup ("ZW/12/2026");
  r->delivery = OKN_DELIVERY_POST;
  r->attachment_count = 1;
  register_record (f, r);

  g_assert_cmpstr (okn_open311_client_service_code_for (f->client, r), ==, "letter");
  receipt = post_ok (f, r);
  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpuint (stored->len, ==, 1);
  s = g_ptr_array_index (stored, 0);
  g_assert_cmpstr (s->service_code, ==, "letter");
  g_assert_cmpstr (s->address_string, ==, "ul. Piotrkowska 104, 90-926 Łódź");
  g_assert_cmpstr (stored_attr (s, "sender", 0), ==, "Zofia Wiśniewska");
  g_assert_cmpstr (stored_attr (s, "sender_address", 0), ==, "ul. Lipowa 3, 90-001 Łódź");
  g_assert_cmpstr (stored_attr (s, "subject", 0), ==, "Wniosek o wycinkę drzewa");
  g_assert_cmpstr (stored_attr (s, "delivery", 0), ==, "post");
  g_assert_cmpstr (stored_attr (s, "reference", 0), ==, "ZW/12/2026");
  g_assert_cmpstr (stored_attr (s, "pages", 0), ==, "2");
  g_assert_cmpstr (stored_attr (s, "attachments", 0), ==, "1");
  g_assert_cmpstr (stored_attr (s, "received_at", 0), ==, r->received_at);
  found = okn_open311_find_marker (s->description);
  g_assert_cmpstr (found, ==, r->ticket);
  g_assert_true (g_str_has_prefix (s->description, "Wniosek o wycinkę drzewa\n\n"));
  /* Letters carry no contact fields. */
  g_assert_null (s->email);

  /* Without letters.service_code a letter cannot go. */
  g_assert_true (okn_config_unset (f->config, "letters.service_code", NULL));
  fixture_client (f);
  error = post_fails (f, r, OKN_OPEN311_ERROR_CONFIG, -1);
  g_assert_nonnull (strstr (error->message, "letters.service_code"));
}

static void
test_post_media (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = make_report (f, "dumping", "Zdjęcie w załączniku");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autofree char *path = g_build_filename (f->dir, "zdjecie.jpg", NULL);
  OknOpen311StoredRequest *s;
  g_autofree char *found = NULL;

  g_file_set_contents (path, "\xff\xd8\xff\xe0 not really a jpeg \x00\x01", 24, &error);
  g_assert_no_error (error);
  okn_record_add_file (r, path, &error);
  g_assert_no_error (error);
  okn_test_config_set (f->config, "server.media_upload", "true");
  fixture_client (f);

  receipt = post_ok (f, r);
  stored = okn_open311_server_list_requests (f->server);
  s = g_ptr_array_index (stored, 0);
  g_assert_cmpuint (s->media->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (s->media, 0), ==, "zdjecie.jpg");
  g_assert_cmpstr (s->service_code, ==, "dumping");
  g_assert_cmpstr (s->idempotency_key, ==, r->uuid);
  found = okn_open311_find_marker (s->description);
  g_assert_cmpstr (found, ==, r->ticket);
}

/* ---- failures ---------------------------------------------------------------------- */

static void
test_permanent (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = make_report (f, "pothole", "Dziura");
  g_autoptr (OknRecord) unknown = make_report (f, "no-such-service", "Coś");

  /* "depth" and "lane" are required by the definition. */
  error = post_fails (f, r, OKN_OPEN311_ERROR_PERMANENT, 400);
  /* Both missing attributes are named, one entry each. */
  g_assert_true (g_str_has_prefix (okn_open311_error_get_server_description (error),
                                   "no value given for required entry attribute[depth] (Głębokość (cm))"));
  g_assert_nonnull (strstr (okn_open311_error_get_server_description (error), "attribute[lane]"));
  g_assert_nonnull (strstr (error->message, "attribute[depth] (Głębokość (cm))"));
  assert_no_secret (error);
  g_clear_error (&error);

  okn_record_add_attribute (r, "depth", "12");
  okn_record_add_attribute (r, "lane", "middle");
  error = post_fails (f, r, OKN_OPEN311_ERROR_PERMANENT, -1);
  g_assert_nonnull (strstr (okn_open311_error_get_server_description (error), "middle"));
  g_clear_error (&error);

  error = post_fails (f, unknown, OKN_OPEN311_ERROR_PERMANENT, 404);
  g_clear_error (&error);

  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 0);
  g_assert_cmpuint (okn_test_server_counters (f->server).rejected, ==, 3);
}

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  /* A server that echoes the key it refused must not make us show it. */
  okn_test_server_set (f->server, "echo_api_key", "true");
  okn_test_server_set (f->server, "api_key", "the-right-key");
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_AUTH, 403);
  g_assert_nonnull (strstr (error->message, "api_key ******** is not valid"));
  assert_no_secret (error);
  g_clear_error (&error);

  /* No key at all: refused before anything is sent. */
  g_assert_true (okn_config_unset (f->config, "server.api_key", NULL));
  fixture_client (f);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_CONFIG, -1);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 1);
  /* Which setting, as data (the message names it too). */
  g_assert_cmpstr (okn_open311_error_get_setting_fix (error)->key, ==, "server.api_key");
  g_assert_cmpint (okn_open311_error_get_setting_fix (error)->action, ==, OKN_SETTING_SET);
}

static void
expect_post_error (Fixture         *f,
                   OknOpen311Fault  fault,
                   OknOpen311Error  code,
                   int              http_status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = make_report (f, "dumping", "Śmieci");
  g_autoptr (OknOpen311Receipt) receipt = NULL;

  okn_open311_server_set_fault (f->server, fault, 1);
  receipt = okn_open311_client_post (f->client, r, &error);
  g_assert_null (receipt);
  if (!g_error_matches (error, OKN_OPEN311_ERROR, code))
    g_error ("fault %s: expected code %d, got %s", okn_open311_fault_to_string (fault), code,
             error ? error->message : "success");
  g_assert_cmpint (okn_open311_error_get_http_status (error), ==, http_status);
  assert_no_secret (error);
}

static void
test_transient (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  expect_post_error (f, OKN_OPEN311_FAULT_500, OKN_OPEN311_ERROR_TRANSIENT, 500);
  expect_post_error (f, OKN_OPEN311_FAULT_503, OKN_OPEN311_ERROR_TRANSIENT, 503);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 0);

  /* A garbage answer to a GET is transient; to a POST it is an unknown
   * outcome (the server stored those). */
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_GARBAGE, 1);
  error = services_fail (f, OKN_OPEN311_ERROR_TRANSIENT);
  g_assert_nonnull (strstr (error->message, "It works!"));
  g_clear_error (&error);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_TRUNCATED, 1);
  error = services_fail (f, OKN_OPEN311_ERROR_TRANSIENT);
  g_clear_error (&error);
  okn_test_server_set (f->server, "fault_scope", "post");

  expect_post_error (f, OKN_OPEN311_FAULT_GARBAGE, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, 200);
  expect_post_error (f, OKN_OPEN311_FAULT_TRUNCATED, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, 200);
  /* A copy overlapping the first on a server honouring the key. */
  expect_post_error (f, OKN_OPEN311_FAULT_409, OKN_OPEN311_ERROR_TRANSIENT, 409);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 3);
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Receipt) receipt = NULL;

  okn_test_server_set (f->server, "retry_after", "37");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_429, 1);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_TRANSIENT, 429);
  g_assert_cmpint (okn_open311_error_get_retry_after (error), ==, 37);
  g_clear_error (&error);

  /* The same as an HTTP date: about 37 s from now (the date has whole
   * seconds, so a second may have passed). */
  okn_test_server_set (f->server, "retry_after_date", "true");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_429, 1);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_TRANSIENT, 429);
  g_assert_cmpint (okn_open311_error_get_retry_after (error), >=, 35);
  g_assert_cmpint (okn_open311_error_get_retry_after (error), <=, 37);
  g_clear_error (&error);

  /* The fault was for one request: the next one goes through. */
  receipt = post_ok (f, f->report);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);
}

/* The answer is lost after the server stored the request: the client says
 * so, the marker finds the case, and a repeat with the same key does not
 * create a second one. */
static void
test_drop (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = make_report (f, "dumping", "Śmieci za garażami");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (OknOpen311Request) adopted = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) start = g_date_time_add_minutes (now, -10);
  g_autoptr (GDateTime) end = g_date_time_add_minutes (now, 10);
  g_autoptr (GPtrArray) stored = NULL;

  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DROP, 1);
  error = post_fails (f, r, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, -1);
  assert_no_secret (error);
  g_clear_error (&error);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);
  g_assert_cmpuint (okn_test_server_counters (f->server).drops, ==, 1);

  adopted = okn_open311_client_find_by_marker (f->client, "dumping", r->ticket, start, end, &error);
  g_assert_no_error (error);
  g_assert_nonnull (adopted);
  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpstr (adopted->service_request_id, ==,
                   ((OknOpen311StoredRequest *) g_ptr_array_index (stored, 0))->id);

  receipt = post_ok (f, r);
  g_assert_cmpstr (receipt->service_request_id, ==, adopted->service_request_id);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 1);
  g_assert_cmpuint (okn_test_server_counters (f->server).replays, ==, 1);

  /* On a kept-alive connection libcurl would resend a POST whose
   * connection died unanswered; the client must refuse, or a server that
   * ignores the key gets the request twice. */
  {
    g_autoptr (OknRecord) r2 = make_report (f, "dumping", "Druga sprawa");
    g_autoptr (GPtrArray) services = okn_open311_client_get_services (f->client, &error);
    OknOpen311ServerCounters before = okn_test_server_counters (f->server);

    g_assert_no_error (error);
    okn_test_server_set (f->server, "idempotency", "ignore");
    okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DROP, 1);
    error = post_fails (f, r2, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, -1);
    /* In words, not libcurl's "seek callback returned error 2". */
    g_test_message ("%s", error->message);
    g_assert_null (strstr (error->message, "seek callback"));
    g_assert_nonnull (strstr (error->message, "connection closed"));
    g_clear_error (&error);
    g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, before.created + 1);
    g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, before.posts + 1);
  }

  /* Another ticket's marker is not found. */
  g_clear_pointer (&adopted, okn_open311_request_free);
  adopted = okn_open311_client_find_by_marker (f->client, "dumping", "K03-26-999999-?",
                                               start, end, &error);
  g_assert_no_error (error);
  g_assert_null (adopted);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  okn_test_config_set (f->config, "server.timeout", "1");
  fixture_client (f);
  okn_test_server_set (f->server, "delay_ms", "2500");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DELAY, 1);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, -1);
  g_clear_error (&error);

  okn_test_server_set (f->server, "fault_scope", "all");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DELAY, 1);
  error = services_fail (f, OKN_OPEN311_ERROR_TRANSIENT);
}

static void
test_connect_refused (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  okn_open311_server_stop (f->server);
  /* Nothing was sent, so the outcome is known: nothing happened. */
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_TRANSIENT, 0);
  assert_no_secret (error);
}

/* Every failure mode's message, with a key that has URL-special characters. */
static void
test_no_secret_anywhere (Fixture       *f,
                         gconstpointer  data)
{

  okn_test_server_set (f->server, "echo_api_key", "true");
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_test_server_set (f->server, "delay_ms", "10");
  for (guint fault = 0; fault < OKN_OPEN311_FAULT_LAST; fault++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) get_error = NULL;
      g_autoptr (OknOpen311Receipt) receipt = NULL;
      g_autoptr (GPtrArray) list = NULL;

      okn_open311_server_set_fault (f->server, fault, 1);
      receipt = okn_open311_client_post (f->client, f->report, &error);
      if (error)
        assert_no_secret (error);
      okn_open311_server_set_fault (f->server, fault, 1);
      list = okn_open311_client_search (f->client, "dumping", NULL, NULL, &get_error);
      if (get_error)
        assert_no_secret (get_error);
    }
  {
    g_autoptr (GError) error = NULL;

    okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_NONE, 0);
    okn_test_server_set (f->server, "api_key", "another-key");
    error = post_fails (f, f->report, OKN_OPEN311_ERROR_AUTH, -1);
    assert_no_secret (error);
  }
}

/* ---- hostile answers ---------------------------------------------------------------- */

/* json-glib parses by recursion: 200,000 nested '[' in any answer (a list,
 * a definition, a request, a token, an error array) must be refused with
 * a message, not overflow the stack. */
static void
test_deep_json (Fixture       *f,
                gconstpointer  data)
{
  const char *ids[] = { "1", "2", NULL };
  g_autoptr (OknOpen311Receipt) first = okn_open311_client_post (f->client, f->report, NULL);

  g_assert_nonnull (first);
  okn_test_server_set (f->server, "fault_scope", "all");
  okn_test_server_set (f->server, "deep_levels", "200000");
  for (guint call = 0; call < 8; call++)
    {
      g_autoptr (GError) error = NULL;
      gpointer result = NULL;
      char *id = NULL;

      okn_test_server_set (f->server, "deep_status", call == 7 ? "400" : "200");
      okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_DEEP, 1);
      switch (call)
        {
        case 0:
          result = okn_open311_client_get_services (f->client, &error);
          break;
        case 1:
          result = okn_open311_client_get_definition (f->client, "pothole", &error);
          break;
        case 2:
          result = okn_open311_client_get_request (f->client, "1", &error);
          break;
        case 3:
          result = okn_open311_client_get_requests (f->client, ids, &error);
          break;
        case 4:
          okn_open311_client_resolve_token (f->client, "some-token", &id, &error);
          break;
        case 5:
          result = okn_open311_client_search (f->client, "dumping", NULL, NULL, &error);
          break;
        default:
          result = okn_open311_client_post (f->client, f->report, &error);
          break;
        }
      g_test_message ("call %u: %s", call, error ? error->message : "no error");
      g_assert_null (result);
      g_assert_null (id);
      g_assert_nonnull (error);
      if (call < 7)
        g_assert_nonnull (strstr (error->message, "levels deep"));
      if (call == 6)
        g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME);
      else if (call == 7)
        g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT);
      else
        g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_TRANSIENT);
    }
}

/* A refusal with several entries: all are kept, the one that names a
 * field comes first and is the one shown, not a generic "Bad Request". */
static void
test_several_errors (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura", "al. Kościuszki 1");
  const char *said;

  okn_record_add_attribute (r, "lane", "left");
  register_record (f, r);
  okn_test_server_set (f->server, "error_preamble", "true");
  error = post_fails (f, r, OKN_OPEN311_ERROR_PERMANENT, -1);
  said = okn_open311_error_get_server_description (error);
  g_test_message ("message: %s; server: %s", error->message, said);
  g_assert_nonnull (said);
  g_assert_true (g_str_has_prefix (said, "no value given for required entry attribute[depth]"));
  g_assert_nonnull (strstr (said, "Bad Request"));
  g_assert_nonnull (strstr (error->message, "attribute[depth]"));
}

/* A typo in server.url: the web server in front answers an HTML 404 for
 * every path. That is the configuration, not the record. */
static void
test_endpoint_missing (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) unknown = make_report (f, "no-such-service", "Coś");
  g_autofree char *url = okn_open311_server_get_url (f->server);
  g_autofree char *typo = g_strdup_printf ("%.*s/v3/", (int) (strstr (url, "/v2/") - url), url);

  okn_test_config_set (f->config, "server.url", typo);
  fixture_client (f);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_CONFIG, 404);
  g_assert_nonnull (strstr (error->message, "server.url"));
  g_assert_cmpstr (okn_open311_error_get_setting_fix (error)->key, ==, "server.url");
  g_assert_null (strstr (okn_open311_error_get_setting_fix (error)->what, "server.url"));
  g_clear_error (&error);
  error = services_fail (f, OKN_OPEN311_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_cmpuint (okn_test_server_counters (f->server).posts, ==, 0);

  /* The right endpoint's own 404, in the spec's error array, is about the
   * record: its category is unknown. */
  okn_test_config_set (f->config, "server.url", url);
  fixture_client (f);
  error = post_fails (f, unknown, OKN_OPEN311_ERROR_PERMANENT, 404);
}

/* A 503 (or 401, 400) with no body at all, as a proxy in front of the
 * server answers: the message says so instead of ending in ": ". */
static void
test_empty_error_answer (Fixture       *f,
                         gconstpointer  data)
{
  static const char *const statuses[] = { "503", "401", "400" };

  okn_test_server_set (f->server, "echo_type", "empty");
  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (OknOpen311Receipt) receipt = NULL;
      g_autoptr (OknRecord) r = make_report (f, "dumping", "Śmieci");

      okn_test_server_set (f->server, "echo_status", statuses[s]);
      okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_ECHO, 1);
      receipt = okn_open311_client_post (f->client, r, &error);
      g_assert_null (receipt);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", statuses[s], error->message);
      g_assert_false (g_str_has_suffix (error->message, ": "));
      g_assert_false (g_str_has_suffix (error->message, ":"));
      g_assert_null (strstr (error->message, ": ."));
      g_assert_null (strstr (error->message, ":  "));
      g_assert_nonnull (strstr (error->message, statuses[s]));
    }
}

/* A server that echoes the api_key, at every offset around the 80
 * characters a message quotes, in any case or encoding, in a text, HTML
 * or JSON answer, with a success, a refusal, an auth error or a 5xx.
 * Returns how many answers were checked. */
static guint
echo_key (Fixture    *f,
          OknRecord  *r,
          const char *key,
          guint       shift)
{
  static const char *const encodings[] = { "raw", "upper", "lower", "percent", "percent-lower",
                                           "percent-all", "form", "json-escape", "html-ref" };
  static const char *const types[] = { "text", "html", "json" };
  static const char *const statuses[] = { "200", "400", "403", "500" };
  guint checked = 0;

  okn_test_server_set (f->server, "api_key", key);
  okn_test_config_set (f->config, "server.api_key", key);
  fixture_client (f);
  for (guint s = 0; s < G_N_ELEMENTS (statuses); s++)
    for (guint t = 0; t < G_N_ELEMENTS (types); t++)
      for (guint offset = 0; offset <= 130; offset += 3)
        {
          g_autoptr (GError) error = NULL;
          g_autoptr (OknOpen311Receipt) receipt = NULL;
          g_autofree char *off = g_strdup_printf ("%u", offset);

          okn_test_server_set (f->server, "echo_status", statuses[s]);
          okn_test_server_set (f->server, "echo_type", types[t]);
          okn_test_server_set (f->server, "echo_encoding", encodings[(offset / 3 + t + s + shift) % G_N_ELEMENTS (encodings)]);
          okn_test_server_set (f->server, "echo_offset", off);
          okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_ECHO, 1);
          receipt = okn_open311_client_post (f->client, r, &error);
          g_assert_null (receipt);
          g_assert_nonnull (error);
          okn_test_assert_no_secret ("the message", error->message, -1, key);
          okn_test_assert_no_secret ("the server's description",
                                     okn_open311_error_get_server_description (error), -1, key);
          checked++;
        }
  return checked;
}

static void
test_secret_echo (Fixture       *f,
                  gconstpointer  data)
{
  guint checked;

  checked = echo_key (f, f->report, "Sekret KLUCZ-42/+=ab_ZX9q", 0);
  /* A key holding what decoding could misread ("%41" is 'A'). */
  checked += echo_key (f, f->report, "%41sekret%25KLUCZ+&#33;\\u0041z", 1);
  g_test_message ("%u echoing answers checked", checked);
}

/* A server serving several jurisdictions wants jurisdiction_id on every
 * call. */
static void
test_jurisdiction (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;

  /* A missing or wrong jurisdiction_id is the station's settings, not the
   * record's fault: CONFIG, so that the sync stops instead of sending every
   * record to needs-attention. */
  okn_test_server_set (f->server, "jurisdiction_id", "lodz.pl");
  error = services_fail (f, OKN_OPEN311_ERROR_CONFIG);
  g_assert_nonnull (strstr (okn_open311_error_get_server_description (error), "jurisdiction_id"));
  g_assert_nonnull (strstr (error->message, "server.jurisdiction_id"));
  g_clear_error (&error);

  okn_test_config_set (f->config, "server.jurisdiction_id", "krakow.pl");
  fixture_client (f);
  error = post_fails (f, f->report, OKN_OPEN311_ERROR_CONFIG, 404);
  g_clear_error (&error);

  okn_test_config_set (f->config, "server.jurisdiction_id", "lodz.pl");
  fixture_client (f);
  services_ok (f, 4);
  receipt = post_ok (f, f->report);
  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpstr (((OknOpen311StoredRequest *) g_ptr_array_index (stored, 0))->jurisdiction_id,
                   ==, "lodz.pl");
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr (GDateTime) day_ago = g_date_time_add_days (now, -1);
  g_autoptr (GDateTime) soon = g_date_time_add_hours (now, 1);
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) old = NULL;
  g_autoptr (GPtrArray) capped = NULL;
  const char *categories[] = { "dumping", "dumping", "dumping", NULL };

  for (guint i = 0; categories[i]; i++)
    {
      g_autoptr (OknRecord) r = make_report (f, categories[i], "Śmieci");
      g_autoptr (OknOpen311Receipt) receipt = post_ok (f, r);
    }
  {
    g_autoptr (OknRecord) letter = okn_test_letter ("Jan Nowak", "Pismo");
    g_autoptr (OknOpen311Receipt) receipt = NULL;

    register_record (f, letter);
    receipt = post_ok (f, letter);
  }

  all = okn_open311_client_search (f->client, "dumping", hour_ago, soon, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 3);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((OknOpen311Request *) g_ptr_array_index (all, i))->service_code, ==, "dumping");
  old = okn_open311_client_search (f->client, "dumping", day_ago, hour_ago, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (old->len, ==, 0);
  okn_test_server_set (f->server, "max_results", "2");
  capped = okn_open311_client_search (f->client, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (capped->len, ==, 2);
}

/* ---- tokens, statuses, ids ----------------------------------------------------------- */

static void
test_tokens (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autofree char *id = NULL;
  guint polls = 0;

  okn_test_server_set (f->server, "tokens", "3");
  receipt = post_ok (f, f->report);
  g_assert_null (receipt->service_request_id);
  g_assert_nonnull (receipt->token);

  while (id == NULL && polls < 10)
    {
      g_assert_true (okn_open311_client_resolve_token (f->client, receipt->token, &id, &error));
      g_assert_no_error (error);
      polls++;
    }
  g_assert_cmpuint (polls, ==, 3);
  stored = okn_open311_server_list_requests (f->server);
  g_assert_cmpstr (id, ==, ((OknOpen311StoredRequest *) g_ptr_array_index (stored, 0))->id);

  g_clear_pointer (&id, g_free);
  g_assert_false (okn_open311_client_resolve_token (f->client, "no-such-token", &id, &error));
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT);
  g_assert_null (id);
}

static void
check_batch (Fixture  *f,
             gboolean  numbers)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) got = NULL;
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_auto (GStrv) want = NULL;

  okn_test_server_set (f->server, "ids_as_numbers", numbers ? "true" : "false");
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr (OknRecord) r = make_report (f, "dumping", "Śmieci");
      g_autoptr (OknOpen311Receipt) receipt = post_ok (f, r);
      g_assert_nonnull (receipt->service_request_id);
      g_ptr_array_add (ids, g_strdup (receipt->service_request_id));
      g_strv_builder_add (b, receipt->service_request_id);
      if (i == 3)
        g_strv_builder_add (b, "99999");
    }
  want = g_strv_builder_end (b);
  okn_open311_server_set_status (f->server, g_ptr_array_index (ids, 5), "closed", "Usunięto.");

  got = okn_open311_client_get_requests (f->client, (const char *const *) want, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (got->len, ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      OknOpen311Request *q = g_ptr_array_index (got, i);

      g_assert_cmpstr (q->service_request_id, ==, g_ptr_array_index (ids, i));
      g_assert_cmpstr (q->service_code, ==, "dumping");
      g_assert_cmpstr (q->status, ==, i == 5 ? "closed" : "open");
      g_assert_cmpstr (q->status_notes, ==, i == 5 ? "Usunięto." : NULL);
      g_assert_nonnull (q->requested_datetime);
      g_assert_nonnull (q->agency_responsible);
    }
}

static void
test_batch_status (Fixture       *f,
                   gconstpointer  data)
{
  OknOpen311ServerCounters before, after;

  okn_test_config_set (f->config, "server.batch_size", "3");
  fixture_client (f);
  check_batch (f, FALSE);

  /* A server that answers only the first id of each batch: the client
   * asks for the rest one by one. 8 ids -> 3 batches, 5 singles. */
  okn_open311_server_reset (f->server);
  okn_test_server_set (f->server, "first_id_only", "true");
  check_batch (f, TRUE);
  okn_open311_server_get_counters (f->server, &before);
  {
    g_autoptr (GError) error = NULL;
    const char *two[] = { "1", "2", NULL };
    g_autoptr (GPtrArray) got = okn_open311_client_get_requests (f->client, two, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (got->len, ==, 2);
  }
  okn_open311_server_get_counters (f->server, &after);
  g_assert_cmpuint (after.queries - before.queries, ==, 2);
}

static void
test_ids_as_numbers (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  g_autoptr (OknOpen311Request) q = NULL;

  okn_test_server_set (f->server, "ids_as_numbers", "true");
  okn_test_server_set (f->server, "bools_as_strings", "true");
  receipt = post_ok (f, f->report);
  g_assert_cmpstr (receipt->service_request_id, ==, "1");
  q = okn_open311_client_get_request (f->client, "1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (q->service_request_id, ==, "1");
  g_assert_cmpstr (q->status, ==, "open");
  g_clear_pointer (&q, okn_open311_request_free);

  q = okn_open311_client_get_request (f->client, "424242", &error);
  g_assert_null (q);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_PERMANENT);
  g_assert_cmpint (okn_open311_error_get_http_status (error), ==, 404);
}

/* ---- parallel ------------------------------------------------------------------------ */

static GPtrArray *
make_many (Fixture *f,
           guint    n)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *d = g_strdup_printf ("Zgłoszenie numer %u", i);

      g_ptr_array_add (records, okn_test_report ("dumping", d, "ul. Zielona 7"));
    }
  okn_store_register_many (f->store, records, "test", &error);
  g_assert_no_error (error);
  return records;
}

/* Each record's marker on the server exactly once. */
static void
assert_exactly_once (Fixture   *f,
                     GPtrArray *records)
{
  g_autoptr (GPtrArray) stored = okn_open311_server_list_requests (f->server);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < stored->len; i++)
    {
      OknOpen311StoredRequest *s = g_ptr_array_index (stored, i);
      char *ticket = okn_open311_find_marker (s->description);

      g_assert_nonnull (ticket);
      g_assert_false (g_hash_table_contains (seen, ticket));
      g_hash_table_add (seen, ticket);
    }
  for (guint i = 0; i < records->len; i++)
    g_assert_true (g_hash_table_contains (seen, ((OknRecord *) g_ptr_array_index (records, i))->ticket));
  g_assert_cmpuint (stored->len, ==, records->len);
}

static void
test_parallel (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GPtrArray) records = make_many (f, 500);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  OknOpen311ServerCounters c;

  results = post_many_ok (f, records);
  g_assert_cmpuint (results->len, ==, 500);
  for (guint i = 0; i < results->len; i++)
    {
      OknOpen311PostResult *res = g_ptr_array_index (results, i);

      g_assert_no_error (res->error);
      g_assert_nonnull (res->receipt->service_request_id);
      g_assert_false (g_hash_table_contains (ids, res->receipt->service_request_id));
      g_hash_table_add (ids, res->receipt->service_request_id);
    }
  assert_exactly_once (f, records);
  c = okn_test_server_counters (f->server);
  g_assert_cmpuint (c.created, ==, 500);
  g_assert_cmpuint (c.posts, ==, 500);
  /* Connections are reused: far fewer than requests, at most one per slot
   * plus a few the server closed. */
  g_test_message ("500 posts over %u connections (server.parallel = %u)", c.connections,
                  okn_open311_client_get_parallel (f->client));
  g_assert_cmpuint (c.connections, <=, 2 * okn_open311_client_get_parallel (f->client));
}

/* A cancelled GCancellable keeps every request of a call from being sent. */
static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = make_many (f, 5);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();

  g_cancellable_cancel (cancel);
  okn_open311_client_set_cancellable (f->client, cancel);
  results = post_many_ok (f, records);
  for (guint i = 0; i < results->len; i++)
    {
      OknOpen311PostResult *res = g_ptr_array_index (results, i);

      g_assert_error (res->error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CANCELLED);
      g_assert_null (res->receipt);
    }
  list = okn_open311_client_search (f->client, "dumping", NULL, NULL, &error);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CANCELLED);
  g_assert_null (list);
  g_clear_error (&error);
  g_assert_cmpuint (okn_test_server_counters (f->server).requests, ==, 0);

  g_cancellable_reset (cancel);
  g_clear_pointer (&results, g_ptr_array_unref);
  results = post_many_ok (f, records);
  g_assert_nonnull (((OknOpen311PostResult *) g_ptr_array_index (results, 0))->receipt);
  g_assert_cmpuint (okn_test_server_counters (f->server).created, ==, 5);
  okn_open311_client_set_cancellable (f->client, NULL);
}

typedef struct
{
  OknConfig *config;
  GPtrArray *records;
  guint ok;
} ThreadJob;

static gpointer
post_in_thread (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Client) client = okn_open311_client_new (job->config, &error);
  g_autoptr (GPtrArray) results = NULL;

  if (client == NULL)
    return NULL;
  /* Half one by one, half in one batch: both paths at once in every thread. */
  for (guint i = 0; i < job->records->len / 2; i++)
    {
      g_autoptr (OknOpen311Receipt) r =
        okn_open311_client_post (client, g_ptr_array_index (job->records, i), NULL);

      job->ok += r != NULL;
    }
  {
    g_autoptr (GPtrArray) rest = g_ptr_array_new ();

    for (guint i = job->records->len / 2; i < job->records->len; i++)
      g_ptr_array_add (rest, g_ptr_array_index (job->records, i));
    results = okn_open311_client_post_many (client, rest, &error);
    for (guint i = 0; results && i < results->len; i++)
      job->ok += ((OknOpen311PostResult *) g_ptr_array_index (results, i))->receipt != NULL;
  }
  return NULL;
}

/* One client per thread, four threads at once against one server. */
static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (GPtrArray) records = make_many (f, 200);
  ThreadJob jobs[4];
  GThread *threads[4];
  guint total = 0;

  for (guint t = 0; t < 4; t++)
    {
      jobs[t].config = f->config;
      jobs[t].records = g_ptr_array_new ();
      jobs[t].ok = 0;
      for (guint i = t; i < records->len; i += 4)
        g_ptr_array_add (jobs[t].records, g_ptr_array_index (records, i));
      threads[t] = g_thread_new ("poster", post_in_thread, &jobs[t]);
    }
  for (guint t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      total += jobs[t].ok;
      g_ptr_array_unref (jobs[t].records);
    }
  g_assert_cmpuint (total, ==, 200);
  assert_exactly_once (f, records);
}

/* The server misbehaves at random; the caller repeats what did not go, with
 * the same Idempotency-Key. A server that honours the key ends up with every
 * record exactly once. */
static void
test_parallel_chaos (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GPtrArray) records = make_many (f, 200);
  g_autoptr (GPtrArray) pending = g_ptr_array_new ();
  guint rounds = 0;
  guint failures = 0;

  okn_test_config_set (f->config, "server.timeout", "2");
  fixture_client (f);
  okn_test_server_set (f->server, "chaos", "0.3");
  okn_test_server_set (f->server, "seed", "4217");
  okn_test_server_set (f->server, "delay_ms", "50");
  okn_test_server_set (f->server, "retry_after", "0");
  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (pending, g_ptr_array_index (records, i));

  while (pending->len > 0 && rounds < 60)
    {
      g_autoptr (GPtrArray) results = post_many_ok (f, pending);
      g_autoptr (GPtrArray) next = g_ptr_array_new ();

      for (guint i = 0; i < results->len; i++)
        {
          OknOpen311PostResult *res = g_ptr_array_index (results, i);

          if (res->error)
            {
              g_assert_true (res->error->code == OKN_OPEN311_ERROR_TRANSIENT
                             || res->error->code == OKN_OPEN311_ERROR_UNKNOWN_OUTCOME);
              failures++;
              g_ptr_array_add (next, g_ptr_array_index (pending, i));
            }
        }
      g_ptr_array_set_size (pending, 0);
      g_ptr_array_extend (pending, next, NULL, NULL);
      rounds++;
    }
  g_test_message ("200 records in %u rounds, %u failed attempts", rounds, failures);
  g_assert_cmpuint (pending->len, ==, 0);
  g_assert_cmpuint (failures, >, 0);
  assert_exactly_once (f, records);
}

/* ---- TLS ------------------------------------------------------------------------------ */

static gboolean
run_openssl (const char *const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* A self-signed certificate for 127.0.0.1 and its public key, in @dir. */
static gboolean
make_cert (const char *dir,
           const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s/%s.key", dir, name);
  g_autofree char *crt = g_strdup_printf ("%s/%s.crt", dir, name);
  g_autofree char *pub = g_strdup_printf ("%s/%s.pub", dir, name);
  const char *req[] = { "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-keyout", key, "-out", crt, "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", NULL };
  const char *pkey[] = { "pkey", "-in", key, "-pubout", "-out", pub, NULL };

  return run_openssl (req) && run_openssl (pkey);
}

/* "sha256//<base64 of the SHA-256 of the DER public key>" */
static char *
pin_of (const char *pub_path)
{
  g_autofree char *pem = NULL;
  g_autoptr (GString) b64 = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;
  g_autofree guchar *der = NULL;
  g_autofree char *pin = NULL;
  guint8 digest[32];
  gsize der_len = 0, digest_len = sizeof digest;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_assert_true (g_file_get_contents (pub_path, &pem, NULL, NULL));
  lines = g_strsplit (pem, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (!g_str_has_prefix (lines[i], "-----"))
      g_string_append (b64, lines[i]);
  der = g_base64_decode (b64->str, &der_len);
  g_checksum_update (sum, der, der_len);
  g_checksum_get_digest (sum, digest, &digest_len);
  pin = g_base64_encode (digest, digest_len);
  return g_strconcat ("sha256//", pin, NULL);
}

static void
expect_services (Fixture        *f,
                 gboolean        ok,
                 OknOpen311Error code)
{
  fixture_client (f);
  if (ok)
    services_ok (f, 4);
  else
    g_error_free (services_fail (f, code));
}

/* TLS is verified; a private CA and a pinned public key can be configured. */
static void
test_tls (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *crt = g_build_filename (f->dir, "server.crt", NULL);
  g_autofree char *key = g_build_filename (f->dir, "server.key", NULL);
  g_autofree char *pub = g_build_filename (f->dir, "server.pub", NULL);
  g_autofree char *other_pub = g_build_filename (f->dir, "other.pub", NULL);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *other_pin = NULL;

  if (!make_cert (f->dir, "server") || !make_cert (f->dir, "other"))
    {
      g_test_skip ("the openssl command is needed to make test certificates");
      return;
    }
  g_assert_true (g_file_get_contents (crt, &cert_pem, NULL, NULL));
  g_assert_true (g_file_get_contents (key, &key_pem, NULL, NULL));
  okn_open311_server_stop (f->server);
  if (!okn_open311_server_set_tls (f->server, cert_pem, key_pem))
    {
      g_test_skip ("libmicrohttpd was built without TLS");
      return;
    }
  okn_open311_server_start (f->server, 0, &error);
  g_assert_no_error (error);
  url = okn_open311_server_get_url (f->server);
  g_assert_true (g_str_has_prefix (url, "https://"));
  okn_test_config_set (f->config, "server.url", url);

  /* An unknown issuer is refused: a configuration problem, not a retry. */
  expect_services (f, FALSE, OKN_OPEN311_ERROR_AUTH);
  okn_test_config_set (f->config, "server.ca_file", crt);
  expect_services (f, TRUE, 0);

  /* Pinned: the right key as a file and as a hash; another key refused. */
  okn_test_config_set (f->config, "server.pinned_key", pub);
  expect_services (f, TRUE, 0);
  pin = pin_of (pub);
  okn_test_config_set (f->config, "server.pinned_key", pin);
  expect_services (f, TRUE, 0);
  other_pin = pin_of (other_pub);
  okn_test_config_set (f->config, "server.pinned_key", other_pin);
  expect_services (f, FALSE, OKN_OPEN311_ERROR_AUTH);
  okn_test_config_set (f->config, "server.pinned_key", other_pub);
  expect_services (f, FALSE, OKN_OPEN311_ERROR_AUTH);
}

/* A server that requires a client certificate, as a city's gateway may:
 * `openssl s_server -Verify 1 -verify_return_error` refuses, in the TLS
 * handshake itself, a client without one or with one it does not trust;
 * `-WWW` serves the files of @www (services.json). */
typedef struct
{
  GSubprocess *proc;
  char *url;
} CertServer;

static gboolean
cert_server_start (CertServer *s,
                   const char *www,
                   const char *crt,
                   const char *key,
                   const char *client_ca)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  char *line;

  g_subprocess_launcher_set_cwd (launcher, www);
  /* timeout(1): a failed assertion aborts the test without stopping the
   * server; it goes on its own (SIGTERM reaches openssl through it). */
  s->proc = g_subprocess_launcher_spawn (launcher, &error, "timeout", "300", "openssl", "s_server",
                                         "-accept", "127.0.0.1:0", "-cert", crt, "-key", key,
                                         "-CAfile", client_ca, "-Verify", "1", "-verify_return_error",
                                         "-WWW", NULL);
  if (s->proc == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  /* "ACCEPT 127.0.0.1:PORT" once it listens; the end of its output if it
   * could not start. */
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, NULL)))
    {
      g_autofree char *owned = line;

      if (g_str_has_prefix (owned, "ACCEPT 127.0.0.1:"))
        {
          s->url = g_strdup_printf ("https://127.0.0.1:%s/", owned + strlen ("ACCEPT 127.0.0.1:"));
          return TRUE;
        }
    }
  return FALSE;
}

static void
cert_server_stop (CertServer *s)
{
  if (s->proc)
    {
      g_subprocess_send_signal (s->proc, SIGTERM);
      g_subprocess_wait (s->proc, NULL, NULL);
    }
  g_clear_object (&s->proc);
  g_clear_pointer (&s->url, g_free);
}

/* What the error names, and that no line of the private key is in it. */
static void
assert_names_without_key (const GError *error,
                          const char   *names,
                          const char   *key_path)
{
  g_autofree char *pem = NULL;
  g_auto (GStrv) lines = NULL;

  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, names));
  g_assert_true (g_file_get_contents (key_path, &pem, NULL, NULL));
  lines = g_strsplit (pem, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strlen (lines[i]) > 8 && !g_str_has_prefix (lines[i], "-----"))
      g_assert_null (strstr (error->message, lines[i]));
}

/* server.client_cert / server.client_key: sent, and accepted by a server
 * that requires one; without one, or with one it does not trust, an AUTH
 * error that names the client certificate and the keys to set; a key file
 * others can read is refused before anything is sent; the key is never
 * quoted. */
static void
test_tls_client_cert (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *www = g_build_filename (f->dir, "www", NULL);
  g_autofree char *list = g_build_filename (www, "services.json", NULL);
  g_autofree char *server_crt = g_build_filename (f->dir, "server.crt", NULL);
  g_autofree char *server_key = g_build_filename (f->dir, "server.key", NULL);
  g_autofree char *client_crt = g_build_filename (f->dir, "client.crt", NULL);
  g_autofree char *client_key = g_build_filename (f->dir, "client.key", NULL);
  g_autofree char *other_crt = g_build_filename (f->dir, "other.crt", NULL);
  g_autofree char *other_key = g_build_filename (f->dir, "other.key", NULL);
  CertServer server = { 0 };

  if (!make_cert (f->dir, "server") || !make_cert (f->dir, "client") || !make_cert (f->dir, "other"))
    {
      g_test_skip ("the openssl command is needed to make test certificates");
      return;
    }
  g_assert_cmpint (g_mkdir (www, 0700), ==, 0);
  g_assert_true (g_file_set_contents (list, "[{\"service_code\":\"pothole\",\"service_name\":\"Dziura\"}]",
                                      -1, NULL));
  /* openssl writes its keys 0600; make sure of it. */
  g_assert_cmpint (g_chmod (client_key, 0600), ==, 0);
  g_assert_cmpint (g_chmod (other_key, 0600), ==, 0);
  g_assert_true (cert_server_start (&server, www, server_crt, server_key, client_crt));
  okn_test_config_set (f->config, "server.url", server.url);
  okn_test_config_set (f->config, "server.ca_file", server_crt);

  /* Without a certificate: refused in the handshake, and said so. */
  fixture_client (f);
  error = services_fail (f, OKN_OPEN311_ERROR_AUTH);
  assert_names_without_key (error, "client certificate", client_key);
  g_assert_nonnull (strstr (error->message, "server.client_cert"));
  g_clear_error (&error);

  /* With it: sent and accepted. */
  okn_test_config_set (f->config, "server.client_cert", client_crt);
  okn_test_config_set (f->config, "server.client_key", client_key);
  fixture_client (f);
  services_ok (f, 1);

  /* One the server does not trust: refused, and said so. */
  okn_test_config_set (f->config, "server.client_cert", other_crt);
  okn_test_config_set (f->config, "server.client_key", other_key);
  fixture_client (f);
  error = services_fail (f, OKN_OPEN311_ERROR_AUTH);
  assert_names_without_key (error, "client certificate", other_key);
  g_clear_error (&error);

  /* A private key that other users can read is refused, like the
   * configuration file itself, before any connection. */
  okn_test_config_set (f->config, "server.client_cert", client_crt);
  okn_test_config_set (f->config, "server.client_key", client_key);
  g_assert_cmpint (g_chmod (client_key, 0644), ==, 0);
  g_clear_pointer (&f->client, okn_open311_client_free);
  f->client = okn_open311_client_new (f->config, &error);
  g_assert_null (f->client);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CONFIG);
  assert_names_without_key (error, "server.client_key", client_key);
  g_assert_nonnull (strstr (error->message, "other users"));
  g_clear_error (&error);
  g_assert_cmpint (g_chmod (client_key, 0640), ==, 0);
  f->client = okn_open311_client_new (f->config, &error);
  g_assert_null (f->client);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CONFIG);
  g_clear_error (&error);

  /* Private again: accepted. */
  g_assert_cmpint (g_chmod (client_key, 0400), ==, 0);
  fixture_client (f);
  services_ok (f, 1);
  cert_server_stop (&server);
}

/* ---- markers and configuration ------------------------------------------------------- */

static void
test_marker (void)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id;
  g_autofree char *ticket = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *d1 = NULL;
  g_autofree char *d2 = NULL;
  g_autofree char *d3 = NULL;
  g_autofree char *found = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *mangled = NULL;

  okn_ticket_id_make ("K03", 26, 4217, &id, &error);
  g_assert_no_error (error);
  ticket = okn_ticket_id_format (&id);
  marker = okn_open311_marker_for_ticket (ticket);
  g_assert_true (g_str_has_prefix (marker, OKN_OPEN311_MARKER_PREFIX));
  g_assert_true (g_str_has_suffix (marker, OKN_OPEN311_MARKER_SUFFIX));

  d1 = okn_open311_description_with_marker ("Dziura [w] jezdni", ticket);
  d2 = okn_open311_description_with_marker (d1, ticket);
  g_assert_cmpstr (d1, ==, d2);
  d3 = okn_open311_description_with_marker (NULL, ticket);
  g_assert_cmpstr (d3, ==, marker);
  found = okn_open311_find_marker (d1);
  g_assert_cmpstr (found, ==, ticket);

  /* A server that lower-cased the text: the ID parser forgives it. */
  lower = g_strdup_printf ("opis\n\n[Okienko %s]", ticket);
  for (char *p = lower + strlen ("opis\n\n[Okienko "); *p != ']'; p++)
    *p = g_ascii_tolower (*p);
  g_clear_pointer (&found, g_free);
  found = okn_open311_find_marker (lower);
  g_assert_cmpstr (found, ==, ticket);
  g_clear_pointer (&found, g_free);

  /* A description at the 4000-character limit is shortened to make room
   * for the marker: the server takes no more. */
  {
    g_autoptr (GString) big = g_string_new (NULL);
    g_autofree char *with = NULL;
    g_autofree char *again = NULL;

    for (guint i = 0; i < OKN_DESCRIPTION_MAX; i++)
      g_string_append (big, i % 2 ? "ż" : "a");
    with = okn_open311_description_with_marker (big->str, ticket);
    g_assert_cmpint (g_utf8_strlen (with, -1), ==, OKN_DESCRIPTION_MAX);
    g_assert_true (g_str_has_suffix (with, marker));
    g_assert_nonnull (strstr (with, "…\n\n[Okienko "));
    g_clear_pointer (&found, g_free);
    found = okn_open311_find_marker (with);
    g_assert_cmpstr (found, ==, ticket);
    again = okn_open311_description_with_marker (with, ticket);
    g_assert_cmpstr (again, ==, with);
    g_clear_pointer (&found, g_free);
  }

  /* A wrong check character is no marker. */
  mangled = g_strdup (d1);
  mangled[strlen (mangled) - 2] = mangled[strlen (mangled) - 2] == 'A' ? 'B' : 'A';
  found = okn_open311_find_marker (mangled);
  g_assert_null (found);
  g_assert_null (okn_open311_find_marker ("no marker [Okienko nonsense]"));
  g_assert_null (okn_open311_find_marker (NULL));
}

static void
test_config (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = okn_config_new ("/nonexistent/okienko.conf");
  g_autoptr (OknOpen311Client) client = okn_open311_client_new (config, &error);

  g_assert_null (client);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CONFIG);
  g_clear_error (&error);

  g_assert_true (okn_config_set (config, "server.url", "https://open311.example.org/v2", NULL));
  g_assert_true (okn_config_set (config, "server.ca_file", "/nonexistent/ca.pem", NULL));
  client = okn_open311_client_new (config, &error);
  g_assert_null (client);
  g_assert_error (error, OKN_OPEN311_ERROR, OKN_OPEN311_ERROR_CONFIG);
  g_assert_nonnull (strstr (error->message, "server.ca_file"));
  g_clear_error (&error);

  g_assert_true (okn_config_unset (config, "server.ca_file", NULL));
  client = okn_open311_client_new (config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (okn_open311_client_get_url (client), ==, "https://open311.example.org/v2/");
}

/* ---- the server as a process ----------------------------------------------------------- */

static size_t
collect (char   *data,
         size_t  size,
         size_t  n,
         void   *user_data)
{
  g_string_append_len (user_data, data, (gssize) (size * n));
  return size * n;
}

/* A plain HTTP exchange with the server, outside the client.
 * @form: (nullable) a urlencoded body to POST */
static char *
http_call (guint16     port,
           const char *path,
           const char *form,
           long       *status)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr (GString) body = g_string_new (NULL);
  CURL *easy = curl_easy_init ();
  CURLcode rc;

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, body);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT, 10L);
  if (form)
    curl_easy_setopt (easy, CURLOPT_POSTFIELDS, form);
  rc = curl_easy_perform (easy);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup (easy);
  g_assert_cmpint (rc, ==, CURLE_OK);
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static void
test_executable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *exe = g_test_build_filename (G_TEST_BUILT, "servers", "open311", "okn-open311-server", NULL);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autofree char *dump = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (OknRecord) r = make_report (f, "dumping", "Śmieci");
  g_autoptr (OknOpen311Receipt) receipt = NULL;
  JsonObject *c;
  guint64 port;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, exe,
                           "--set", "api_key=" API_KEY, "--set", "fault=drop",
                           "--set", "fault_count=1", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "port="));
  g_assert_true (g_ascii_string_to_unsigned (line + 5, 10, 1, 65535, &port, NULL));

  url = g_strdup_printf ("http://127.0.0.1:%u/open311/v2/", (guint) port);
  okn_test_config_set (f->config, "server.url", url);
  fixture_client (f);
  error = post_fails (f, r, OKN_OPEN311_ERROR_UNKNOWN_OUTCOME, -1);
  g_clear_error (&error);
  receipt = post_ok (f, r);

  /* Only JSON is served; the control endpoint changes behaviour. */
  {
    long status = 0;
    g_autofree char *xml = http_call ((guint16) port, "/open311/v2/services.xml", NULL, &status);
    g_autofree char *set = NULL;
    g_autofree char *st = NULL;
    g_autoptr (OknOpen311Request) q = NULL;

    g_assert_cmpint (status, ==, 400);
    g_assert_nonnull (strstr (xml, "\"code\":400"));
    set = http_call ((guint16) port, "/_control/set", "tokens=1&ids_as_numbers=true", &status);
    g_assert_cmpint (status, ==, 200);
    g_clear_pointer (&set, g_free);
    set = http_call ((guint16) port, "/_control/set", "no_such_option=1", &status);
    g_assert_cmpint (status, ==, 400);
    st = http_call ((guint16) port, "/_control/status", "id=1&status=closed&status_notes=Gotowe", &status);
    g_assert_cmpint (status, ==, 200);
    q = okn_open311_client_get_request (f->client, "1", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (q->status, ==, "closed");
    g_assert_cmpstr (q->status_notes, ==, "Gotowe");
  }

  {
    long status = 0;

    dump = http_call ((guint16) port, "/_control/dump.json", NULL, &status);
    g_assert_cmpint (status, ==, 200);
  }
  root = json_from_string (dump, &error);
  g_assert_no_error (error);
  c = json_object_get_object_member (json_node_get_object (root), "counters");
  g_assert_cmpint (json_object_get_int_member (c, "created"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "drops"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (c, "replays"), ==, 1);

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/open311/catalogue", test_catalogue);
  ADD ("/open311/post/report", test_post_report);
  ADD ("/open311/post/no-consent", test_post_no_consent);
  ADD ("/open311/post/single-multivalue", test_post_single_multivalue);
  ADD ("/open311/post/letter", test_post_letter);
  ADD ("/open311/post/media", test_post_media);
  ADD ("/open311/error/permanent", test_permanent);
  ADD ("/open311/error/auth", test_auth);
  ADD ("/open311/error/transient", test_transient);
  ADD ("/open311/error/empty-answer", test_empty_error_answer);
  ADD ("/open311/error/retry-after", test_retry_after);
  ADD ("/open311/error/drop", test_drop);
  ADD ("/open311/error/timeout", test_timeout);
  ADD ("/open311/error/connect-refused", test_connect_refused);
  ADD ("/open311/error/no-secret", test_no_secret_anywhere);
  ADD ("/open311/jurisdiction", test_jurisdiction);
  ADD ("/open311/hostile/deep-json", test_deep_json);
  ADD ("/open311/error/several", test_several_errors);
  ADD ("/open311/error/endpoint-missing", test_endpoint_missing);
  ADD ("/open311/secret/echo", test_secret_echo);
  ADD ("/open311/tls", test_tls);
  ADD ("/open311/tls/client-cert", test_tls_client_cert);
  ADD ("/open311/search", test_search);
  ADD ("/open311/tokens", test_tokens);
  ADD ("/open311/status/batch", test_batch_status);
  ADD ("/open311/ids-as-numbers", test_ids_as_numbers);
  ADD ("/open311/parallel", test_parallel);
  ADD ("/open311/post/cancelled", test_cancelled);
  ADD ("/open311/parallel/chaos", test_parallel_chaos);
  ADD ("/open311/parallel/threads", test_threads);
  ADD ("/open311/server/executable", test_executable);
#undef ADD
  g_test_add_func ("/open311/marker", test_marker);
  g_test_add_func ("/open311/config", test_config);
  return g_test_run ();
}
