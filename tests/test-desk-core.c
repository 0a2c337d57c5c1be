/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-desk-core.c: the core modules behind the desk: drafts, category
 * attributes, the daily register (CSV and PDF, read back with poppler) and
 * the outputs that print on save (PDF files decoded back with zbar) */
#define G_LOG_DOMAIN "test-desk-core"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "okn-test-common.h"
#include "okn-test-sql.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-scan.h"

/* poppler-glib 22 has no autoptr support of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

/* Drafts ----------------------------------------------------------------- */

static void
test_draft_round_trip (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *path = okn_draft_path (db, "letter");
  g_autoptr (OknDraft) draft = okn_draft_new ("letter");
  g_autoptr (OknDraft) back = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;

  g_assert_true (g_str_has_prefix (path, db));
  okn_draft_set (draft, "sender", "Zażółć Gęślą-Jaźń");
  okn_draft_set (draft, "notes", "dwie\nlinie \"cudzysłów\"");
  okn_draft_set (draft, "subject", "");       /* empty: not kept */
  g_assert_true (okn_draft_save (draft, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  back = okn_draft_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->form, ==, "letter");
  g_assert_nonnull (back->saved_at);
  g_assert_cmpstr (okn_draft_get (back, "sender"), ==, "Zażółć Gęślą-Jaźń");
  g_assert_cmpstr (okn_draft_get (back, "notes"), ==, "dwie\nlinie \"cudzysłów\"");
  g_assert_null (okn_draft_get (back, "subject"));

  /* Emptied: the file goes away; discarding nothing is fine. */
  okn_draft_set (draft, "sender", NULL);
  okn_draft_set (draft, "notes", NULL);
  g_assert_true (okn_draft_save (draft, path, &error));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (okn_draft_discard (path, &error));
  g_assert_null (okn_draft_load (path, &error));
  g_assert_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_NOT_FOUND);
  okn_test_rm_rf (dir);
}

static void
test_draft_corrupt (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "x.draft-letter.json", NULL);
  const char *bad[] = {
    "", "{", "[]", "{\"format\":2,\"form\":\"letter\",\"fields\":{}}",
    "{\"format\":1,\"fields\":{}}", "{\"format\":1,\"form\":\"letter\",\"fields\":{\"a\":1}}",
    "{\"format\":1,\"form\":\"letter\",\"fields\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_true (g_file_set_contents (path, bad[i], -1, NULL));
      g_assert_null (okn_draft_load (path, &error));
      g_assert_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_CORRUPT);
    }
  okn_test_rm_rf (dir);
}

static void
on_writer_error (const GError *error,
                 gpointer      data)
{
  GError **out = data;

  g_clear_error (out);
  *out = g_error_copy (error);
}

/* The writer keeps the order it is asked in: the last save wins, a discard
 * after saves leaves no file, and closing waits for what is queued. A write
 * that fails is reported in the caller's main context. */
static void
test_draft_writer (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "okienko.db.draft-letter.json", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "missing", "x.draft-letter.json", NULL);
  g_autoptr (GError) reported = NULL;
  g_autoptr (OknDraft) back = NULL;
  OknDraftWriter *writer;
  gint64 deadline;

  writer = okn_draft_writer_new (on_writer_error, &reported);
  for (int i = 0; i <= 20; i++)
    {
      OknDraft *d = okn_draft_new ("letter");
      g_autofree char *sender = g_strdup_printf ("Nadawca %d", i);

      okn_draft_set (d, "sender", sender);
      okn_draft_writer_save (writer, d, path);
    }
  okn_draft_writer_close (writer);
  back = okn_draft_load (path, NULL);
  g_assert_nonnull (back);
  g_assert_cmpstr (okn_draft_get (back, "sender"), ==, "Nadawca 20");

  writer = okn_draft_writer_new (on_writer_error, &reported);
  for (int i = 0; i < 5; i++)
    {
      OknDraft *d = okn_draft_new ("letter");

      okn_draft_set (d, "sender", "Ktoś");
      okn_draft_writer_save (writer, d, path);
    }
  okn_draft_writer_discard (writer, path);
  okn_draft_writer_close (writer);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* A job for another file (what waits aside) does not make a save moot. */
  writer = okn_draft_writer_new (on_writer_error, &reported);
  {
    g_autofree char *next = okn_draft_next_path (path);
    OknDraft *d = okn_draft_new ("letter");

    okn_draft_set (d, "sender", "Pierwszy");
    okn_draft_writer_save (writer, d, path);
    d = okn_draft_new ("letter");
    okn_draft_set (d, "sender", "Drugi");
    okn_draft_writer_save (writer, d, next);
    okn_draft_writer_close (writer);
    g_clear_pointer (&back, okn_draft_free);
    back = okn_draft_load (path, NULL);
    g_assert_nonnull (back);
    g_assert_cmpstr (okn_draft_get (back, "sender"), ==, "Pierwszy");
    g_assert_true (g_str_has_suffix (next, "okienko.db.draft-letter-next.json"));
    g_assert_true (g_file_test (next, G_FILE_TEST_EXISTS));
  }

  /* A folder that is not there: the error comes back through the loop. */
  writer = okn_draft_writer_new (on_writer_error, &reported);
  {
    OknDraft *d = okn_draft_new ("letter");

    okn_draft_set (d, "sender", "Ktoś");
    okn_draft_writer_save (writer, d, nowhere);
  }
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (reported == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (reported, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_IO);
  okn_draft_writer_close (writer);
  okn_test_rm_rf (dir);
}

/* Service definitions ---------------------------------------------------- */

static const char *definition =
  "{\"service_code\":\"pothole\",\"attributes\":["
  "{\"variable\":\"true\",\"code\":\"lane\",\"datatype\":\"singlevaluelist\",\"required\":\"true\",\"order\":\"2\","
  "\"description\":\"Pas ruchu\",\"values\":[{\"key\":1,\"name\":\"Lewy\"},{\"key\":\"2\",\"name\":\"Prawy\"}]},"
  "{\"variable\":true,\"code\":\"depth\",\"datatype\":\"number\",\"required\":true,\"order\":1,\"description\":\"Głębokość\"},"
  "{\"variable\":true,\"code\":\"when\",\"datatype\":\"datetime\",\"order\":3},"
  "{\"variable\":true,\"code\":\"kinds\",\"datatype\":\"multivaluelist\",\"order\":4,"
  "\"values\":[{\"key\":\"a\",\"name\":\"A\"},{\"key\":\"b\",\"name\":\"B\"}]},"
  "{\"variable\":false,\"code\":\"info\",\"description\":\"Tylko informacja\",\"order\":0},"
  "{\"variable\":true,\"code\":\"odd\",\"datatype\":\"hologram\",\"order\":5},"
  "{\"variable\":true,\"datatype\":\"string\",\"order\":6}]}";

static guint
count_issues_for (GPtrArray  *issues,
                  const char *code)
{
  guint n = 0;

  for (guint i = 0; i < issues->len; i++)
    if (g_str_equal (((OknFieldIssue *) g_ptr_array_index (issues, i))->field, code))
      n++;
  return n;
}

static GPtrArray *check_attributes (const OknServiceDef *def,
                                    OknRecord           *r,
                                    ...) G_GNUC_NULL_TERMINATED;

/* What okn_service_def_check() finds in @r (no stored record) once its
 * attributes are the code and value pairs given, up to a %NULL. */
static GPtrArray *
check_attributes (const OknServiceDef *def,
                  OknRecord           *r,
                  ...)
{
  const char *code;
  va_list ap;

  g_ptr_array_set_size (r->attributes, 0);
  va_start (ap, r);
  while ((code = va_arg (ap, const char *)))
    okn_record_add_attribute (r, code, va_arg (ap, const char *));
  va_end (ap);
  return okn_service_def_check (def, r, NULL);
}

static void
test_service_def (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknServiceDef) def = okn_service_def_parse (definition, &error);
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (OknRecord) stored = NULL;
  const OknAttrDef *lane;

  g_assert_no_error (error);
  g_assert_cmpstr (def->service_code, ==, "pothole");
  /* The attribute without a code is skipped; sorted by order. */
  g_assert_cmpuint (def->attributes->len, ==, 6);
  g_assert_cmpstr (((OknAttrDef *) g_ptr_array_index (def->attributes, 0))->code, ==, "info");
  g_assert_cmpstr (((OknAttrDef *) g_ptr_array_index (def->attributes, 1))->code, ==, "depth");
  lane = okn_service_def_find (def, "lane");
  g_assert_true (lane->required);
  g_assert_cmpint (lane->datatype, ==, OKN_ATTR_SINGLEVALUELIST);
  g_assert_cmpstr (((OknAttrValue *) g_ptr_array_index (lane->values, 0))->key, ==, "1");
  g_assert_cmpint (okn_service_def_find (def, "odd")->datatype, ==, OKN_ATTR_STRING);
  g_assert_false (okn_service_def_find (def, "info")->variable);
  /* A stored choice reads as the catalogue names it; an unknown one as is. */
  g_assert_cmpstr (okn_attr_def_value_name (lane, "2"), ==, "Prawy");
  g_assert_cmpstr (okn_attr_def_value_name (lane, "9"), ==, "9");
  g_assert_cmpstr (okn_attr_def_value_name (NULL, "x"), ==, "x");

  /* Nothing given: the two required ones. */
  issues = okn_service_def_check (def, r, NULL);
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpuint (count_issues_for (issues, "depth"), ==, 1);
  g_assert_cmpuint (count_issues_for (issues, "lane"), ==, 1);
  g_assert_nonnull (strstr (((OknFieldIssue *) g_ptr_array_index (issues, 0))->message, "Głębokość"));
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Wrong values of every type. */
  issues = check_attributes (def, r, "depth", "dwanaście", "lane", "3", "when", "wczoraj",
                             "kinds", "c", NULL);
  g_assert_cmpuint (issues->len, ==, 4);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Right values, a decimal comma, two of a multi-value list. */
  issues = check_attributes (def, r, "depth", "12,5", "lane", "2",
                             "when", "2026-11-28T21:30:00+01:00", "kinds", "a", "kinds", "b", NULL);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* Two values for a single-value list. */
  okn_record_add_attribute (r, "lane", "1");
  issues = okn_service_def_check (def, r, NULL);
  g_assert_cmpuint (count_issues_for (issues, "lane"), ==, 1);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* A code the category does not have, once however often given, naming
   * the codes it has; an informational one takes no value. The record
   * as stored keeps its codes in a correction. */
  issues = check_attributes (def, r, "depth", "12", "lane", "2", "old", "a", "old", "b",
                             "info", "c", NULL);
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpuint (count_issues_for (issues, "old"), ==, 1);
  g_assert_cmpuint (count_issues_for (issues, "info"), ==, 1);
  g_test_message ("%s", ((OknFieldIssue *) g_ptr_array_index (issues, 0))->message);
  g_assert_nonnull (strstr (((OknFieldIssue *) g_ptr_array_index (issues, 0))->message, "depth, lane"));
  g_clear_pointer (&issues, g_ptr_array_unref);
  stored = okn_record_copy (r);
  issues = okn_service_def_check (def, r, stored);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);

  /* So does a list's choice the catalogue dropped since it was stored
   * (lane 9, kinds z), in the same category only, and only that value. */
  g_ptr_array_unref (check_attributes (def, r, "depth", "12", "lane", "9", "kinds", "a", "kinds", "z", NULL));
  g_clear_pointer (&stored, okn_record_free);
  stored = okn_record_copy (r);
  issues = okn_service_def_check (def, r, NULL);
  g_assert_cmpuint (issues->len, ==, 2);
  g_assert_cmpuint (count_issues_for (issues, "lane"), ==, 1);
  g_assert_cmpuint (count_issues_for (issues, "kinds"), ==, 1);
  g_clear_pointer (&issues, g_ptr_array_unref);
  issues = okn_service_def_check (def, r, stored);
  g_assert_cmpuint (issues->len, ==, 0);
  g_clear_pointer (&issues, g_ptr_array_unref);
  stored->category = g_strdup ("streetlight");
  issues = okn_service_def_check (def, r, stored);
  g_assert_cmpuint (issues->len, ==, 2);
  g_clear_pointer (&issues, g_ptr_array_unref);
  g_clear_pointer (&stored->category, g_free);
  g_ptr_array_unref (check_attributes (def, r, "depth", "12", "lane", "8", NULL));
  issues = okn_service_def_check (def, r, stored);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpuint (count_issues_for (issues, "lane"), ==, 1);
  g_clear_pointer (&issues, g_ptr_array_unref);

  g_assert_null (okn_service_def_parse ("{\"attributes\":7}", &error));
  g_assert_error (error, OKN_SERVICE_DEF_ERROR, OKN_SERVICE_DEF_ERROR_PARSE);
}

static void
test_service_matches (void)
{
  OknService s = { .code = (char *) "pothole", .name = (char *) "Dziura w jezdni",
                   .group = (char *) "Drogi", .keywords = (char *) "asfalt, ubytek" };

  g_assert_true (okn_service_matches (&s, NULL));
  g_assert_true (okn_service_matches (&s, "DZIURA"));
  g_assert_true (okn_service_matches (&s, "jezdni dziura"));
  g_assert_true (okn_service_matches (&s, "asfalt"));
  g_assert_true (okn_service_matches (&s, "POTH"));
  g_assert_false (okn_service_matches (&s, "dziura latarnia"));

  {
    g_autoptr (GPtrArray) catalogue = g_ptr_array_new ();

    g_ptr_array_add (catalogue, &s);
    g_assert_true (okn_service_find (catalogue, "pothole") == &s);
    g_assert_null (okn_service_find (catalogue, "tree"));
    g_assert_null (okn_service_find (catalogue, NULL));
    g_assert_null (okn_service_find (NULL, "pothole"));
  }
}

/* The daily register ----------------------------------------------------- */

/* Yesterday at noon, local time: every time around it is in the past and
 * on one day whenever the test runs (a day counted back from "now" broke
 * just after midnight). */
static GDateTime *
yesterday_noon (void)
{
  g_autoptr (GDateTime) today = g_date_time_new_now_local ();
  g_autoptr (GDateTime) yesterday = g_date_time_add_days (today, -1);

  return g_date_time_new_local (g_date_time_get_year (yesterday), g_date_time_get_month (yesterday),
                                g_date_time_get_day_of_month (yesterday), 12, 0, 0);
}

/* @day set to the local date of @t. */
static void
set_day (GDate     *day,
         GDateTime *t)
{
  g_date_clear (day, 1);
  g_date_set_dmy (day, (GDateDay) g_date_time_get_day_of_month (t),
                  (GDateMonth) g_date_time_get_month (t), (GDateYear) g_date_time_get_year (t));
}

static OknStore *
store_with_letters (const char *dir,
                    GDate      *day)
{
  OknStore *store = okn_test_open_store (dir, "K03");
  /* The register's day is yesterday, its letters received around noon. */
  g_autoptr (GDateTime) now = yesterday_noon ();
  g_autoptr (GError) error = NULL;
  struct { const char *sender; const char *subject; int minutes_ago; } letters[] = {
    { "=HYPERLINK(\"x\")", "Formuła w nadawcy", 30 },
    { "Zofia Żółkiewska", "Skarga, \"hałas\" nocny", 20 },
    { "Jan Kowalski", "Wniosek o wycinkę", 10 },
  };
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (OknRecord) yesterday = okn_test_letter ("Wczorajszy Nadawca", "Z wczoraj");
  g_autoptr (GDateTime) y = g_date_time_add_days (now, -1);

  set_day (day, now);
  /* Received the day before: belongs to that day's register, not this one. */
  yesterday->received_at = okn_now_iso8601 (y);
  g_assert_true (okn_store_register (store, yesterday, "test", &error));
  for (guint i = 0; i < G_N_ELEMENTS (letters); i++)
    {
      g_autoptr (OknRecord) r = okn_test_letter (letters[i].sender, letters[i].subject);
      g_autoptr (GDateTime) at = g_date_time_add_minutes (now, -letters[i].minutes_ago);

      r->received_at = okn_now_iso8601 (at);
      g_assert_true (okn_store_register (store, r, "test", &error));
      g_assert_no_error (error);
    }
  found = okn_store_search (store, "Kowalski", 1, &error);
  g_assert_true (okn_store_cancel (store, ((OknRecord *) g_ptr_array_index (found, 0))->ticket,
                                   "Pomyłka", "test", &error));
  return store;
}

/* A station whose store holds a day's letters (store_with_letters()),
 * and that day's register. */
typedef struct
{
  char *dir;
  char *db;
  char *conf;
  GDate day;
  OknStore *store;
  GPtrArray *letters;
} RegisterFixture;

static void
register_setup (RegisterFixture *f,
                gconstpointer    data)
{
  g_autoptr (GError) error = NULL;

  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->conf);
  f->store = store_with_letters (f->dir, &f->day);
  f->letters = okn_register_day (f->store, &f->day, &error);
  g_assert_no_error (error);
}

static void
register_teardown (RegisterFixture *f,
                   gconstpointer    data)
{
  g_clear_pointer (&f->letters, g_ptr_array_unref);
  g_clear_pointer (&f->store, okn_store_close);
  okn_test_paths_clear (&f->dir, &f->db, &f->conf);
}

static void
test_register_day_and_csv (RegisterFixture *f,
                           gconstpointer    data)
{
  GPtrArray *letters = f->letters;
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *path = g_build_filename (f->dir, "r.csv", NULL);
  g_autofree char *read_back = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_cmpuint (letters->len, ==, 3);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (letters, 0))->sender_name, ==, "=HYPERLINK(\"x\")");
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (letters, 2))->sender_name, ==, "Jan Kowalski");

  csv = okn_register_to_csv (letters);
  g_assert_true (g_str_has_prefix (csv, "\xEF\xBB\xBF\"No.\""));
  lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);   /* header, 3 rows, "" */
  g_assert_cmpstr (lines[4], ==, "");
  g_assert_nonnull (strstr (lines[1], "\"'=HYPERLINK(\"\"x\"\")\""));
  g_assert_nonnull (strstr (lines[2], "\"Skarga, \"\"hałas\"\" nocny\""));
  g_assert_nonnull (strstr (lines[3], "\"CANCELLED: Pomyłka\""));

  g_assert_true (okn_register_write_csv (letters, path, OKN_FILE_WRITE_DEFAULT, &error));
  g_assert_true (g_file_get_contents (path, &read_back, NULL, NULL));
  g_assert_cmpstr (read_back, ==, csv);
}

static void
test_register_pdf (RegisterFixture *f,
                   gconstpointer    data)
{
  GPtrArray *letters = f->letters;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "r.pdf", NULL);
  g_autofree char *uri = NULL;
  g_autoptr (PopplerDocument) doc = NULL;
  g_autoptr (PopplerPage) page = NULL;
  g_autofree char *text = NULL;
  OknRegisterHeading heading = { .office_name = "Urząd Miasta Łodzi", .station = "K03" };
  char date[16];

  /* Enough rows for a second page, whose header repeats. */
  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (letters, okn_record_copy (g_ptr_array_index (letters, i % 3)));
  g_assert_true (okn_register_write_pdf (letters, &f->day, &heading, path, OKN_FILE_WRITE_DEFAULT, &error));
  g_assert_no_error (error);
  uri = g_filename_to_uri (path, NULL, NULL);
  doc = poppler_document_new_from_file (uri, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (doc), >=, 2);
  page = poppler_document_get_page (doc, 0);
  text = poppler_page_get_text (page);
  g_date_strftime (date, sizeof date, "%d.%m.%Y", &f->day);
  g_assert_nonnull (strstr (text, date));
  g_assert_nonnull (strstr (text, "Urząd Miasta Łodzi"));
  g_assert_nonnull (strstr (text, "Zofia Żółkiewska"));
  g_assert_nonnull (strstr (text, ((OknRecord *) g_ptr_array_index (letters, 1))->ticket));
  g_assert_nonnull (strstr (text, "CANCELLED: Pomyłka"));
  g_clear_object (&page);
  g_clear_pointer (&text, g_free);
  page = poppler_document_get_page (doc, 1);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Ticket ID"));

  g_assert_false (okn_register_write_pdf (letters, &f->day, NULL, "/nonexistent/dir/r.pdf", OKN_FILE_WRITE_DEFAULT, &error));
  g_assert_nonnull (error);
}

/* The station's clock was three days slow: a letter that came yesterday
 * at noon was stamped three days earlier. Once the clock is right, the
 * clerk corrects its date received; it belongs to yesterday's register
 * from then on, however early its registration was stamped. */
static void
test_register_received_corrected (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GDateTime) noon = yesterday_noon ();
  g_autoptr (GDateTime) slow = g_date_time_add_days (noon, -3);
  g_autoptr (OknRecord) letter = okn_test_letter ("Zegar Spóźniony", "Zegar stanowiska spóźniał się");
  g_autoptr (GPtrArray) letters = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  GDate day;

  okn_test_paths_make ("okienko.db", &dir, &db, &conf);
  store = okn_test_open_store (dir, "K03");
  letter->received_at = okn_now_iso8601 (slow);
  g_assert_true (okn_store_register (store, letter, "test", &error));
  g_assert_no_error (error);
  /* What the slow clock stamped as the moment of registration. */
  sql = g_strdup_printf ("UPDATE records SET created_us = created_us - 3 * 86400000000 WHERE id = %"
                         G_GINT64_FORMAT, letter->id);
  okn_test_sql_exec (db, sql);

  g_free (letter->received_at);
  letter->received_at = okn_now_iso8601 (noon);
  g_assert_true (okn_store_update (store, letter, "test", &error));
  g_assert_no_error (error);

  set_day (&day, noon);
  letters = okn_register_day (store, &day, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (letters->len, ==, 1);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (letters, 0))->ticket, ==, letter->ticket);

  g_clear_pointer (&store, okn_store_close);
  okn_test_paths_clear (&dir, &db, &conf);
}

static void
test_dates_pl (void)
{
  g_autofree char *a = okn_parse_datetime_pl ("29.11.2026 10:15");
  g_autofree char *b = okn_parse_datetime_pl ("5.1.2026");
  g_autofree char *c = okn_format_date_pl ("2026-11-29", TRUE);
  g_autofree char *d = okn_format_date_pl (a, TRUE);

  g_assert_true (g_str_has_prefix (a, "2026-11-29T10:15:00"));
  g_assert_true (g_str_has_prefix (b, "2026-01-05T00:00:00"));
  g_assert_null (okn_parse_datetime_pl ("31.11.2026"));
  g_assert_null (okn_parse_datetime_pl ("29.11.2026 24:00"));
  g_assert_null (okn_parse_datetime_pl ("jutro"));
  /* A typo after the date is not dropped silently. */
  g_assert_null (okn_parse_datetime_pl ("29.11.2026 abc"));
  g_assert_null (okn_parse_datetime_pl ("29.11.2026 10:15x"));
  {
    g_autofree char *e = okn_parse_datetime_pl (" 29.11.2026  ");
    GDate day;

    g_assert_true (g_str_has_prefix (e, "2026-11-29T00:00:00"));
    g_assert_true (okn_register_parse_day ("2026-11-29", &day));
    g_assert_cmpint (g_date_get_day (&day), ==, 29);
    g_assert_cmpint (g_date_get_month (&day), ==, 11);
    g_assert_true (okn_register_parse_day ("1.2.2026 23:59", &day));
    g_assert_cmpint (g_date_get_day (&day), ==, 1);
    g_assert_cmpint (g_date_get_month (&day), ==, 2);
    g_assert_false (okn_register_parse_day ("2026-02-30", &day));
    g_assert_false (okn_register_parse_day ("", &day));
  }
  g_assert_cmpstr (c, ==, "29.11.2026");
  g_assert_cmpstr (d, ==, "29.11.2026 10:15");
}

/* okienkoctl day: the same register without a desk. */
static void
test_okienkoctl_day (RegisterFixture *f,
                     gconstpointer    data)
{
  g_autofree char *csv_path = g_build_filename (f->dir, "day.csv", NULL);
  g_autofree char *pdf_path = g_build_filename (f->dir, "day.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  char date[16];

  g_clear_pointer (&f->store, okn_store_close);
  g_date_strftime (date, sizeof date, "%d.%m.%Y", &f->day);
  /* The PDF's heading names the office and the station. */
  okn_config_free (okn_test_config_from_text (f->conf, "[office]\nname=Urząd Gminy Żółtki\n"));

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "day", "--date", date, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Zofia Żółkiewska"));
  g_assert_null (strstr (out, "Wczorajszy"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "day", "--date", date, "--csv", csv_path,
                                     "--pdf", pdf_path, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, "\"CANCELLED: Pomyłka\""));
  pdf = okn_test_pdf_file_text (pdf_path);
  g_assert_nonnull (strstr (pdf, "Urząd Gminy Żółtki"));
  g_assert_nonnull (strstr (pdf, "K03"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The ISO form its help offers works too. */
  g_date_strftime (date, sizeof date, "%Y-%m-%d", &f->day);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "day", "--date", date, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Zofia Żółkiewska"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, &err, "day", "--date", "31.02.2026", NULL), ==, 2);
  /* How to write a day, not a day that looks like a correction. */
  g_assert_nonnull (strstr (err, "“31.02.2026” is not a day: write 29.11.2026 or 2026-11-29."));
}

/* Outputs ------------------------------------------------------------------ */

static void
test_outputs_pdf_folder (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *out = g_build_filename (dir, "out", "nested", NULL);
  g_autoptr (OknStore) store = okn_test_open_store (dir, "K03");
  g_autoptr (OknConfig) config = okn_config_new (NULL);
  g_autoptr (OknRecord) r = okn_test_letter ("Jan Kowalski", "Wniosek");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) layouts = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *label = NULL;
  g_autoptr (GPtrArray) results = NULL;
  const char *both[] = { "label", "a4-confirmation", NULL };
  const char *bad[] = { "label", "poster", NULL };
  g_autoptr (OknTicketContent) content = NULL;

  g_assert_true (okn_store_register (store, r, "test", &error));
  content = okn_ticket_content_new (r, config);
  layouts = okn_outputs_for_record (config, OKN_OUTPUTS_DESK, r);
  g_assert_cmpstr (layouts[0], ==, "label");
  g_assert_null (layouts[1]);

  /* Nowhere to print: said, naming the layout. */
  g_assert_null (okn_outputs_print (config, OKN_OUTPUTS_DESK, content, both, NULL, &error));
  g_assert_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_NOT_CONFIGURED);
  g_assert_nonnull (strstr (error->message, "label"));
  g_clear_error (&error);

  g_assert_true (okn_config_set (config, "desk.output_dir", out, &error));
  summary = okn_outputs_print (config, OKN_OUTPUTS_DESK, content, both, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (summary, "a4-confirmation"));
  label = g_strdup_printf ("%s/%s-label.pdf", out, r->ticket);
  g_assert_true (g_file_test (label, G_FILE_TEST_EXISTS));

  /* What printed carries the ticket: decode it back against the store. */
  results = okn_scan_file (store, config, label, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, >=, 1);
  g_assert_cmpstr (((OknScanResult *) g_ptr_array_index (results, 0))->ticket, ==, r->ticket);

  g_assert_null (okn_outputs_print (config, OKN_OUTPUTS_DESK, content, bad, NULL, &error));
  g_assert_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_UNKNOWN_LAYOUT);
  g_clear_error (&error);

  /* A folder that cannot be made (its parent is a file): the ticket and
   * the register both say where and why. */
  {
    g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
    g_autofree char *under = g_build_filename (file, "pdf", NULL);
    g_autoptr (GBytes) doc = g_bytes_new_static ("%PDF-1.4\n", 9);

    g_assert_true (g_file_set_contents (file, "x", -1, NULL));
    g_assert_true (okn_config_set (config, "desk.output_dir", under, &error));
    g_assert_null (okn_outputs_print (config, OKN_OUTPUTS_DESK, content, both, NULL, &error));
    g_assert_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_IO);
    g_assert_nonnull (strstr (error->message, under));
    g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
    g_clear_error (&error);
    g_assert_null (okn_outputs_print_a4_document (config, OKN_OUTPUTS_DESK, doc, "register.pdf", TRUE, NULL, &error));
    g_assert_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_IO);
    g_assert_nonnull (strstr (error->message, g_strerror (ENOTDIR)));
  }
  okn_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/draft/round-trip", test_draft_round_trip);
  g_test_add_func ("/draft/corrupt", test_draft_corrupt);
  g_test_add_func ("/draft/writer", test_draft_writer);
  g_test_add_func ("/service-def/parse-and-check", test_service_def);
  g_test_add_func ("/service-def/matches", test_service_matches);
  g_test_add ("/register/day-and-csv", RegisterFixture, NULL, register_setup,
              test_register_day_and_csv, register_teardown);
  g_test_add ("/register/pdf", RegisterFixture, NULL, register_setup,
              test_register_pdf, register_teardown);
  g_test_add_func ("/register/dates-pl", test_dates_pl);
  g_test_add_func ("/register/received-corrected", test_register_received_corrected);
  g_test_add ("/register/okienkoctl-day", RegisterFixture, NULL, register_setup,
              test_okienkoctl_day, register_teardown);
  g_test_add_func ("/outputs/pdf-folder", test_outputs_pdf_folder);
  return g_test_run ();
}
