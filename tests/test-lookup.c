/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-lookup.c: the public lookup tells the ticket's holder where the case
 * stands, nothing personal, and the same "no" to every wrong guess */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"

typedef struct
{
  char *dir;
  OknStore *store;
  OknRecord *report;   /* stored, with every personal field set */
  OknRecord *letter;
  char *report_code;
  char *letter_code;
  GDateTime *now;
} Fixture;

static void
store_record (Fixture    *f,
              OknRecord  *r,
              char      **code)
{
  g_autoptr (GError) error = NULL;

  okn_store_register (f->store, r, "Anna Urzędniczka", &error);
  g_assert_no_error (error);
  *code = okn_store_verification_code (f->store, r->ticket, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *photo = NULL;

  f->dir = okn_test_make_tmpdir ();
  f->store = okn_test_open_store (f->dir, "K03");
  okn_test_cache_service (f->store, "pothole", "Dziura w jezdni",
                          "{\"attributes\":[{\"variable\":true,\"code\":\"plate\",\"datatype\":\"string\"}]}");

  f->report = okn_test_report ("pothole", "Dziura przed domem Zofii, proszę dzwonić wieczorem",
                               "ul. Tajemnicza 17/4");
  f->report->contact_name = g_strdup ("Zofia Przykładowa");
  f->report->contact_email = g_strdup ("zofia.przykladowa@example.org");
  f->report->contact_phone = g_strdup ("+48 600 123 987");
  f->report->consent = TRUE;
  f->report->has_location = TRUE;
  f->report->lat = 52.2297;
  f->report->lon = 21.0122;
  okn_record_add_attribute (f->report, "plate", "WX 12345");
  photo = g_build_filename (f->dir, "zdjecie-zofii.png", NULL);
  g_assert_true (g_file_set_contents (photo, "\x89PNG\r\n\x1a\n fake", 14, NULL));
  okn_record_add_file (f->report, photo, &error);
  g_assert_no_error (error);
  store_record (f, f->report, &f->report_code);

  f->letter = okn_test_letter ("Jan Nadawca-Prywatny", "Wniosek o zasiłek dla Jana");
  f->letter->sender_address = g_strdup ("ul. Ukryta 3, 00-001 Warszawa");
  f->letter->reference = g_strdup ("JN/2026/77");
  f->letter->notes = g_strdup ("oddzwonić do pana Jana");
  f->letter->unit = g_strdup ("Wydział Spraw Społecznych");
  store_record (f, f->letter, &f->letter_code);
  f->now = g_date_time_new_utc (2026, 12, 1, 10, 0, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  okn_store_close (f->store);
  okn_record_free (f->report);
  okn_record_free (f->letter);
  g_free (f->report_code);
  g_free (f->letter_code);
  g_date_time_unref (f->now);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
}

static OknPublicView *
lookup_ok (Fixture    *f,
           const char *ticket,
           const char *code)
{
  g_autoptr (GError) error = NULL;
  OknPublicView *v = okn_lookup_public (f->store, ticket, code, OKN_LANGUAGE_EN, f->now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (v);
  return v;
}

static GError *
lookup_fail (Fixture    *f,
             const char *ticket,
             const char *code,
             GDateTime  *now)
{
  GError *error = NULL;
  g_autoptr (OknPublicView) v = okn_lookup_public (f->store, ticket, code, OKN_LANGUAGE_EN, now, &error);

  g_assert_null (v);
  g_assert_nonnull (error);
  return error;
}

/* A new field in the view must be added to the checks below before this
 * builds: every field is checked for what it may hold. */
G_STATIC_ASSERT (sizeof (OknPublicView) == 8 * sizeof (char *) + 2 * MAX (sizeof (int), sizeof (char *)));

static GPtrArray *
view_fields (const OknPublicView *v)
{
  GPtrArray *fields = g_ptr_array_new ();

  g_ptr_array_add (fields, v->ticket);
  g_ptr_array_add (fields, (gpointer) okn_kind_to_string (v->kind));
  g_ptr_array_add (fields, v->category);
  g_ptr_array_add (fields, v->category_name);
  g_ptr_array_add (fields, v->unit);
  g_ptr_array_add (fields, v->filed_at);
  g_ptr_array_add (fields, v->updated_at);
  g_ptr_array_add (fields, (gpointer) okn_public_status_to_string (v->status));
  g_ptr_array_add (fields, v->status_note);
  g_ptr_array_add (fields, v->case_number);
  return fields;
}

static void
assert_nothing_personal (const OknPublicView *v,
                         const OknRecord     *r)
{
  g_autoptr (GPtrArray) fields = view_fields (v);
  g_autoptr (GPtrArray) personal = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *lat = g_strdup_printf ("%.4f", r->lat);
  g_autofree char *lon = g_strdup_printf ("%.4f", r->lon);

#define P(x) if (x) g_ptr_array_add (personal, g_strdup (x))
  P (r->contact_name);
  P (r->contact_email);
  P (r->contact_phone);
  P (r->description);
  P (r->address);
  P (r->sender_name);
  P (r->sender_address);
  P (r->subject);
  P (r->reference);
  P (r->notes);
  P (r->operator_name);
  P (r->uuid);
  P (r->verification_code);
  if (r->has_location)
    {
      P (lat);
      P (lon);
    }
  for (guint i = 0; r->attributes && i < r->attributes->len; i++)
    P (((OknAttribute *) g_ptr_array_index (r->attributes, i))->value);
  for (guint i = 0; r->files && i < r->files->len; i++)
    {
      P (((OknAttachment *) g_ptr_array_index (r->files, i))->filename);
      P (((OknAttachment *) g_ptr_array_index (r->files, i))->sha256);
    }
#undef P
  g_assert_cmpuint (personal->len, >=, 8);
  for (guint i = 0; i < fields->len; i++)
    for (guint k = 0; k < personal->len; k++)
      {
        const char *field = g_ptr_array_index (fields, i);
        const char *secret = g_ptr_array_index (personal, k);

        if (field && strstr (field, secret))
          g_error ("field %u of the public view (“%s”) holds “%s”", i, field, secret);
      }
}

/* Every field of the view, for a report and a letter, as stored; nothing
 * personal in any of them. */
static void
test_view_fields (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) stored = okn_store_lookup (f->store, f->report->ticket, &error);
  g_autoptr (OknRecord) stored_letter = okn_store_lookup (f->store, f->letter->ticket, &error);
  g_autoptr (OknPublicView) v = lookup_ok (f, f->report->ticket, f->report_code);
  g_autoptr (OknPublicView) l = lookup_ok (f, f->letter->ticket, f->letter_code);

  g_assert_cmpstr (v->ticket, ==, f->report->ticket);
  g_assert_cmpint (v->kind, ==, OKN_KIND_REPORT);
  g_assert_cmpstr (v->category, ==, "pothole");
  g_assert_cmpstr (v->category_name, ==, "Dziura w jezdni");
  g_assert_null (v->unit);
  g_assert_cmpstr (v->filed_at, ==, stored->created_at);
  g_assert_cmpstr (v->updated_at, ==, stored->updated_at);
  g_assert_cmpint (v->status, ==, OKN_PUBLIC_STATUS_RECEIVED);
  g_assert_null (v->status_note);
  g_assert_null (v->case_number);
  assert_nothing_personal (v, stored);

  g_assert_cmpstr (l->ticket, ==, f->letter->ticket);
  g_assert_cmpint (l->kind, ==, OKN_KIND_LETTER);
  g_assert_null (l->category);
  g_assert_null (l->category_name);
  g_assert_cmpstr (l->unit, ==, "Wydział Spraw Społecznych");
  g_assert_cmpstr (l->filed_at, ==, stored_letter->received_at);
  g_assert_cmpint (l->status, ==, OKN_PUBLIC_STATUS_RECEIVED);
  assert_nothing_personal (l, stored_letter);
}

/* Sent, then closed by the city with a public note: the view follows. */
static void
test_view_follows_the_city (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) claimed = okn_store_outbox_claim (f->store, 10, &error);
  g_autoptr (GPtrArray) outcomes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) changes = g_ptr_array_new ();
  g_autoptr (OknPublicView) sent = NULL;
  g_autoptr (OknPublicView) closed = NULL;
  g_autoptr (OknRecord) stored = NULL;
  OknStatusChange change = { 0 };
  gint64 id = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < claimed->len; i++)
    {
      OknOutboxItem *item = g_ptr_array_index (claimed, i);
      OknOutcome *o = g_new0 (OknOutcome, 1);

      o->record_id = item->record->id;
      if (g_strcmp0 (item->record->ticket, f->report->ticket) == 0)
        {
          o->kind = OKN_OUTCOME_SENT;
          o->server_id = "2026-000123";
          id = item->record->id;
        }
      else
        o->kind = OKN_OUTCOME_RELEASE;
      g_ptr_array_add (outcomes, o);
    }
  okn_store_outbox_apply (f->store, outcomes, &error);
  g_assert_no_error (error);
  sent = lookup_ok (f, f->report->ticket, f->report_code);
  g_assert_cmpint (sent->status, ==, OKN_PUBLIC_STATUS_SENT);
  g_assert_cmpstr (sent->case_number, ==, "2026-000123");

  change.record_id = id;
  change.status = (char *) "closed";
  change.status_notes = (char *) "Naprawione 2 grudnia.";
  change.fetched_at = (char *) "2026-12-02T12:00:00Z";
  g_ptr_array_add (changes, &change);
  okn_store_apply_statuses (f->store, changes, NULL, &error);
  g_assert_no_error (error);
  closed = lookup_ok (f, f->report->ticket, f->report_code);
  g_assert_cmpint (closed->status, ==, OKN_PUBLIC_STATUS_CLOSED);
  g_assert_cmpstr (closed->status_note, ==, "Naprawione 2 grudnia.");
  g_assert_cmpstr (closed->case_number, ==, "2026-000123");
  stored = okn_store_lookup (f->store, f->report->ticket, &error);
  assert_nothing_personal (closed, stored);
}

static char *
unknown_ticket (void)
{
  OknTicketId id;

  g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &id, NULL));
  return okn_ticket_id_format (&id);
}

/* An unknown ticket and a wrong code: the same code, the same words. */
static void
test_same_answer (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *unknown = unknown_ticket ();
  g_autoptr (GError) wrong = lookup_fail (f, f->report->ticket, "AAAAAA", f->now);
  g_autoptr (GError) missing = lookup_fail (f, unknown, f->report_code, f->now);
  g_autoptr (GError) other_station = lookup_fail (f, "W01-26-000001-?", "AAAAAA", f->now);

  g_assert_error (wrong, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND);
  g_assert_error (missing, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND);
  g_assert_cmpstr (wrong->message, ==, missing->message);
  /* A mistyped ID is told as such, without the store's hint of which
   * known ticket it resembles. */
  g_assert_error (other_station, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID);
  g_assert_null (strstr (other_station->message, f->report->ticket));
}

/* Five failures in a row pause every lookup, the right code too, for a
 * minute of the given clock; a success in between starts the count again. */
static void
test_throttle (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GDateTime) t59 = g_date_time_add_seconds (f->now, 59);
  g_autoptr (GDateTime) t61 = g_date_time_add_seconds (f->now, 61);
  g_autoptr (GError) paused = NULL;
  g_autoptr (GError) still = NULL;
  g_autoptr (GError) typo = NULL;
  g_autoptr (OknPublicView) after = NULL;

  for (int round = 0; round < 2; round++)
    {
      g_autoptr (OknPublicView) v = NULL;

      for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES - 1; i++)
        g_clear_error ((GError *[]) { lookup_fail (f, f->report->ticket, "BADBAD", f->now) });
      v = lookup_ok (f, f->report->ticket, f->report_code);
    }
  /* Typos cost nothing: only a wrong guess counts. */
  typo = lookup_fail (f, "K03-26-000001-Z", "AAAAAA", f->now);
  g_assert_error (typo, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID);
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, f->now), ==, 0);

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    g_clear_error ((GError *[]) { lookup_fail (f, f->report->ticket, "BADBAD", f->now) });
  paused = lookup_fail (f, f->report->ticket, f->report_code, f->now);
  g_assert_error (paused, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED);
  g_assert_nonnull (strstr (paused->message, "60"));
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, t59), ==, 1);
  still = lookup_fail (f, f->report->ticket, f->report_code, t59);
  g_assert_error (still, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED);

  after = okn_lookup_public (f->store, f->report->ticket, f->report_code, OKN_LANGUAGE_EN, t61, NULL);
  g_assert_nonnull (after);
}

/* Failures "in a row" are a run of guesses, not every miss the kiosk has
 * ever seen: a miss a pause's length after the one before starts the count
 * again, so the typos of last week's residents do not pause today's after
 * one mistake. Misses closer together still pause. */
static void
test_stale_failures (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GDateTime) last_week = g_date_time_add_days (f->now, -7);
  g_autoptr (GError) today = NULL;
  g_autoptr (GError) paused = NULL;
  g_autoptr (OknPublicView) v = NULL;

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES - 1; i++)
    {
      g_autoptr (GDateTime) at = g_date_time_add_hours (last_week, i * 24);

      g_clear_error ((GError *[]) { lookup_fail (f, f->report->ticket, "BADBAD", at) });
    }
  today = lookup_fail (f, f->report->ticket, "BADBAD", f->now);
  g_assert_error (today, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND);
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, f->now), ==, 0);
  v = okn_lookup_public (f->store, f->report->ticket, f->report_code, OKN_LANGUAGE_EN, f->now, NULL);
  g_assert_nonnull (v);

  /* A guess every 50 s is still a run. */
  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      g_autoptr (GDateTime) at = g_date_time_add_seconds (f->now, 50 * (i + 1));

      g_clear_error ((GError *[]) { lookup_fail (f, f->report->ticket, "BADBAD", at) });
    }
  {
    g_autoptr (GDateTime) at = g_date_time_add_seconds (f->now, 50 * OKN_LOOKUP_MAX_FAILURES + 1);

    paused = lookup_fail (f, f->report->ticket, f->report_code, at);
    g_assert_error (paused, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED);
  }
}

/* A code that cannot be a code (a character missed or one too many, a
 * sign that is in no code) is told as such, like a mistyped ID, and costs
 * nothing: its length and letters are printed on every ticket, so saying
 * so tells a guesser nothing, and a resident's slip does not bring the
 * pause nearer. */
static void
test_code_shape (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *short_code = g_strndup (f->report_code, OKN_TICKET_CODE_LEN - 1);
  g_autofree char *long_code = g_strconcat (f->report_code, "7", NULL);
  g_autofree char *grouped = g_strdup_printf ("%.3s %s", f->report_code, f->report_code + 3);
  g_autoptr (OknPublicView) v = NULL;
  const char *wrong[] = { short_code, long_code, "AB!CDE" };

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      g_autoptr (GError) error = lookup_fail (f, f->report->ticket, wrong[i % G_N_ELEMENTS (wrong)], f->now);

      g_assert_error (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "6"));
    }
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, f->now), ==, 0);
  {
    g_autoptr (GError) pl = NULL;
    g_autoptr (GError) uk = NULL;

    g_assert_null (okn_lookup_public (f->store, f->report->ticket, short_code, OKN_LANGUAGE_PL, f->now, &pl));
    g_assert_null (okn_lookup_public (f->store, f->report->ticket, short_code, OKN_LANGUAGE_UK, f->now, &uk));
    g_assert_nonnull (strstr (pl->message, "Kod weryfikacyjny ma 6 znaków"));
    g_assert_nonnull (strstr (uk->message, "Код перевірки має 6 символів"));
  }
  /* Spaces, case and look-alikes are still forgiven. */
  v = okn_lookup_public (f->store, f->report->ticket, grouped, OKN_LANGUAGE_EN, f->now, NULL);
  g_assert_nonnull (v);
}

/* The pause is in the database: a restarted kiosk (a new connection) is
 * paused too; a pause that ends further ahead than a pause lasts was set
 * before the clock was turned back and is over. */
static void
test_pause_persists (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_strdup (okn_store_get_path (f->store));
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) paused = NULL;
  g_autoptr (GDateTime) before = g_date_time_add_seconds (f->now, -3600);

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    g_clear_error ((GError *[]) { lookup_fail (f, f->report->ticket, "BADBAD", f->now) });
  okn_store_close (f->store);
  f->store = okn_store_open (path, &error);
  g_assert_no_error (error);
  paused = lookup_fail (f, f->report->ticket, f->report_code, f->now);
  g_assert_error (paused, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED);
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, f->now), ==, OKN_LOOKUP_PAUSE_SECONDS);
  g_assert_cmpuint (okn_lookup_paused_seconds (f->store, before), ==, 0);
}

/* A scanned ticket: its QR (OKN1:ID:CODE) is a lookup; a label's bars
 * (the ID alone) ask for the code; some other code is not ours. */
static void
test_scanned (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *qr = g_strdup_printf ("OKN1:%s:%s", f->report->ticket, f->report_code);
  g_autofree char *forged = g_strdup_printf ("OKN1:%s:%s", f->report->ticket, "ZZZZZZ");
  g_autoptr (GError) no_code = NULL;
  g_autoptr (GError) foreign = NULL;
  g_autoptr (GError) wrong = NULL;
  g_autoptr (GError) typed_wrong = lookup_fail (f, f->report->ticket, "ZZZZZZ", f->now);
  g_autoptr (OknPublicView) v = okn_lookup_public_scanned (f->store, qr, OKN_LANGUAGE_EN, f->now, NULL);

  g_assert_nonnull (v);
  g_assert_cmpstr (v->ticket, ==, f->report->ticket);
  g_assert_null (okn_lookup_public_scanned (f->store, f->report->ticket, OKN_LANGUAGE_EN, f->now, &no_code));
  g_assert_error (no_code, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NO_CODE);
  g_assert_null (okn_lookup_public_scanned (f->store, "https://example.org/x", OKN_LANGUAGE_EN, f->now, &foreign));
  g_assert_error (foreign, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_INVALID);
  g_assert_null (okn_lookup_public_scanned (f->store, forged, OKN_LANGUAGE_EN, f->now, &wrong));
  g_assert_error (wrong, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND);
  g_assert_cmpstr (wrong->message, ==, typed_wrong->message);
}

/* What a wrong code is told in @language. */
static char *
wrong_code_answer (Fixture     *f,
                   OknLanguage  language)
{
  g_autoptr (GError) error = NULL;

  g_assert_null (okn_lookup_public (f->store, f->report->ticket, "ZZZZZZ", language, f->now, &error));
  g_assert_error (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NOT_FOUND);
  return g_strdup (error->message);
}

/* The answers in the resident's language, the process's locale aside. */
static void
test_languages (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *en = wrong_code_answer (f, OKN_LANGUAGE_EN);
  g_autofree char *uk = wrong_code_answer (f, OKN_LANGUAGE_UK);
  g_autofree char *pl = wrong_code_answer (f, OKN_LANGUAGE_PL);

  g_assert_cmpstr (en, !=, uk);
  g_assert_cmpstr (en, !=, pl);
  g_assert_true (g_utf8_validate (uk, -1, NULL));
  g_assert_nonnull (strstr (uk, "квит"));
  /* The paper is named as the kiosk's screens name it (a kwit, a
   * квитанція), not a bus ticket (bilet, квиток). */
  g_assert_null (strstr (pl, "bilet"));
  g_assert_nonnull (strstr (pl, "kwicie"));
  g_assert_nonnull (strstr (uk, "квитанції"));
  for (int s = OKN_PUBLIC_STATUS_RECEIVED; s <= OKN_PUBLIC_STATUS_CANCELLED; s++)
    {
      const char *e = okn_public_status_label (OKN_LANGUAGE_EN, s);

      g_assert_cmpstr (e, !=, okn_public_status_label (OKN_LANGUAGE_UK, s));
      g_assert_cmpstr (e, !=, okn_public_status_label (OKN_LANGUAGE_PL, s));
    }
}

/* okienkoctl lookup answers the same, and each run is a new process: the
 * pause outlives it. */
static void
test_ctl (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *db = g_strdup (okn_store_get_path (f->store));
  g_autofree char *conf = g_build_filename (f->dir, "okienko.conf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *paused = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *o;

  /* The tool needs the database to itself for its writes. */
  g_clear_pointer (&f->store, okn_store_close);
  g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, &out, NULL, "lookup", f->report->ticket, f->report_code,
                                     "--json", NULL), ==, 0);
  json_parser_load_from_data (parser, out, -1, &error);
  g_assert_no_error (error);
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (o, "ticket"), ==, f->report->ticket);
  g_assert_cmpstr (json_object_get_string_member (o, "category_name"), ==, "Dziura w jezdni");
  g_assert_cmpstr (json_object_get_string_member (o, "status"), ==, "received");
  g_assert_null (strstr (out, "Zofia"));
  g_assert_null (strstr (out, "Tajemnicza"));
  g_assert_null (strstr (out, "600 123"));

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      g_autofree char *wrong = NULL;

      g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, NULL, &wrong, "lookup", f->report->ticket, "ZZZZZZ",
                                         NULL), ==, 1);
      if (i == 0)
        err = g_strdup (wrong);
      g_assert_cmpstr (wrong, ==, err);
    }
  g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, NULL, &paused, "lookup", f->report->ticket, f->report_code,
                                     "--language", "uk", NULL), ==, 1);
  g_assert_nonnull (strstr (paused, "Спробуйте ще раз через"));
  f->store = okn_store_open (db, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  okn_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/lookup/view-fields", test_view_fields);
  ADD ("/lookup/view-follows-the-city", test_view_follows_the_city);
  ADD ("/lookup/same-answer", test_same_answer);
  ADD ("/lookup/throttle", test_throttle);
  ADD ("/lookup/pause-persists", test_pause_persists);
  ADD ("/lookup/stale-failures", test_stale_failures);
  ADD ("/lookup/code-shape", test_code_shape);
  ADD ("/lookup/scanned", test_scanned);
  ADD ("/lookup/languages", test_languages);
  ADD ("/lookup/okienkoctl", test_ctl);
#undef ADD
  return g_test_run ();
}
