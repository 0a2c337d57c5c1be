/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-intake.c: check, store and print as one core call; a report missing
 * a required attribute of its cached category is refused on every path */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"
#include "okienko/okn-outputs.h"
#include "okn-test-common.h"
#include "okn-test-sync.h"

#define POTHOLE_DEF \
  "{\"service_code\":\"pothole\",\"attributes\":[" \
  "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true," \
  "\"order\":1,\"description\":\"How big is it?\",\"values\":[{\"key\":\"small\",\"name\":\"Small\"}," \
  "{\"key\":\"large\",\"name\":\"Large\"}]}]}"

/* POTHOLE_DEF with a second question, as the server had it before. */
#define POTHOLE_DEF_WITH_LANE \
  "{\"service_code\":\"pothole\",\"attributes\":[" \
  "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true," \
  "\"order\":1,\"description\":\"How big is it?\",\"values\":[{\"key\":\"small\",\"name\":\"Small\"}," \
  "{\"key\":\"large\",\"name\":\"Large\"}]}," \
  "{\"variable\":true,\"code\":\"lane\",\"datatype\":\"string\",\"order\":2,\"description\":\"Which lane?\"}]}"

typedef OknTestStation Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  okn_test_station_init (f, "K03");
  if (data == NULL)
    okn_test_cache_service (f->store, "pothole", "Dziura w jezdni", POTHOLE_DEF);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  okn_test_station_clear (f);
}

static int
ctl (Fixture     *f,
     const char  *input,
     char       **err,
     ...)
{
  va_list ap;
  int rc;

  va_start (ap, err);
  rc = okn_test_run_ctl_valist (f->db, f->conf, input, NULL, err, ap);
  va_end (ap);
  return rc;
}

/* okienkoctl register (--attr and --json -) refuses a report without the
 * cached category's required attribute, naming it, and takes it with. */
static void
test_ctl_required_attribute (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *json_err = NULL;
  g_autofree char *bad_value = NULL;

  g_assert_cmpint (ctl (f, NULL, &err, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "How big is it?"));
  g_assert_cmpint (ctl (f, NULL, &bad_value, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", "--attr", "size=huge", NULL), ==, 2);
  g_assert_nonnull (strstr (bad_value, "huge"));
  g_assert_cmpint (ctl (f, "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"Dziura\","
                           "\"address\":\"Długa 1\"}",
                        &json_err, "register", "--json", "-", NULL), ==, 2);
  g_assert_nonnull (strstr (json_err, "How big is it?"));
  g_assert_cmpint (ctl (f, NULL, NULL, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", "--attr", "size=small", NULL), ==, 0);
  g_assert_cmpint (ctl (f, "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"Dziura\","
                           "\"address\":\"Długa 1\",\"attributes\":{\"size\":\"large\"}}",
                        NULL, "register", "--json", "-", NULL), ==, 0);
}

/* A station that never synced has no catalogue: any category, any
 * attributes (the sync checks them with the server). */
static void
test_ctl_never_synced (Fixture       *f,
                       gconstpointer  data)
{
  g_assert_cmpint (ctl (f, NULL, NULL, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", NULL), ==, 0);
  g_assert_cmpint (ctl (f, NULL, NULL, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", "--attr", "nosuch=1", NULL), ==, 0);
}

/* An attribute code the cached category does not define is refused on a
 * new record by every path (okienkoctl's --attr and --json, the forms'
 * check, the store), naming the code and the codes the category has:
 * the server would drop it, or refuse the report after the resident has
 * left. */
static void
test_unknown_attribute (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *json_err = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura", "Długa 1");
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;
  OknStoreStats stats = { 0 };
  OknFieldIssue *issue;

  g_assert_cmpint (ctl (f, NULL, &err, "register", "report", "--category", "pothole", "--description",
                        "Dziura", "--address", "Długa 1", "--attr", "size=small", "--attr", "nosuch=1", NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "nosuch"));
  g_assert_nonnull (strstr (err, "size"));
  g_assert_cmpint (ctl (f, "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"Dziura\","
                           "\"address\":\"Długa 1\",\"attributes\":{\"size\":\"large\",\"nosuch\":\"1\"}}",
                        &json_err, "register", "--json", "-", NULL), ==, 2);
  g_assert_nonnull (strstr (json_err, "nosuch"));

  /* The forms' check names it as a field of its own, once. */
  okn_record_add_attribute (r, "size", "small");
  okn_record_add_attribute (r, "nosuch", "1");
  okn_record_add_attribute (r, "nosuch", "2");
  issues = okn_intake_check (f->store, r, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  issue = g_ptr_array_index (issues, 0);
  g_assert_cmpstr (issue->field, ==, "nosuch");
  g_assert_nonnull (strstr (issue->message, "size"));

  g_assert_false (okn_store_register (f->store, r, "test", &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nosuch"));
  g_assert_true (okn_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.total, ==, 0);
  okn_store_stats_clear (&stats);
}

/* The store itself refuses it: no front end can skip the check. */
static void
test_store_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura", "Długa 1");
  g_autoptr (GError) error = NULL;

  g_assert_false (okn_store_register (f->store, r, "test", &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "How big is it?"));
  g_clear_error (&error);
  okn_record_add_attribute (r, "size", "small");
  g_assert_true (okn_store_register (f->store, r, "test", &error));
  g_assert_no_error (error);
}

static OknRecord *
pothole (const char *size)
{
  OknRecord *r = okn_test_report ("pothole", "Dziura przy przejściu", "Długa 1");

  if (size)
    okn_record_add_attribute (r, "size", size);
  return r;
}

/* A record stored as new, unprinted, then corrected by the clerk Anna. */
static const OknIntakeOptions store_new = { .mode = OKN_INTAKE_NEW };
static const OknIntakeOptions anna_corrects = { .mode = OKN_INTAKE_CORRECTION, .actor = "Anna" };

/* Submitted with @options: stored, whatever became of the print. */
static OknIntakeResult *
submit (Fixture                *f,
        OknRecord              *r,
        const OknIntakeOptions *options)
{
  g_autoptr (GError) error = NULL;
  OknIntakeResult *result = okn_intake_submit (f->store, f->config, r, options, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* The desk prints PDFs into a folder of the fixture's: its path (made by
 * the first print). */
static char *
desk_prints_to_folder (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  char *out = g_build_filename (f->dir, "desk-pdf", NULL);

  okn_config_set (f->config, "desk.output_dir", out, &error);
  g_assert_no_error (error);
  return out;
}

/* One call stores and prints: the record is stored (and read back), the
 * profile's outputs print with the category named as the catalogue names
 * it, and the result says where. */
static void
test_submit_prints (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *out = desk_prints_to_folder (f);
  g_autoptr (OknRecord) r = pothole ("small");
  const OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .actor = "Anna", .print = TRUE,
                                     .profile = OKN_OUTPUTS_DESK };
  g_autoptr (OknIntakeResult) result = submit (f, r, &options);
  g_autoptr (OknRecord) stored = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *text = NULL;

  g_assert_null (result->print_error);
  g_assert_nonnull (result->record->ticket);
  g_assert_cmpuint (strlen (result->record->verification_code), ==, 6);
  stored = okn_test_reload (f->store, result->record);
  g_assert_cmpstr (stored->operator_name, ==, "Anna");
  receipt = g_strdup_printf ("%s/%s-receipt-80.pdf", out, result->record->ticket);
  g_assert_nonnull (strstr (result->printed, receipt));
  text = okn_test_pdf_file_text (receipt);
  g_assert_nonnull (strstr (text, "Dziura w jezdni"));
  g_assert_nonnull (strstr (text, "Numer zgłoszenia"));
}

/* A printer that is not there: the record is stored all the same, and the
 * failure comes separately, in its own domain. */
static void
test_print_failure_separate (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr (OknRecord) r = pothole ("large");
  const OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .print = TRUE, .profile = OKN_OUTPUTS_DESK };
  g_autoptr (OknIntakeResult) result = submit (f, r, &options);
  g_autoptr (OknRecord) stored = NULL;

  g_assert_null (result->printed);
  g_assert_error (result->print_error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_NOT_CONFIGURED);
  stored = okn_test_reload (f->store, result->record);
  g_assert_cmpstr (okn_record_get_attribute (stored, "size"), ==, "large");
}

/* A refused record: nothing stored, nothing printed, the attribute named
 * by the form's check (its field is the attribute's code) and by submit. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = desk_prints_to_folder (f);
  g_autoptr (OknRecord) r = pothole (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) issues = okn_intake_check (f->store, r, NULL);
  OknStoreStats stats = { 0 };
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .print = TRUE, .profile = OKN_OUTPUTS_DESK };

  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpstr (((OknFieldIssue *) g_ptr_array_index (issues, 0))->field, ==, "size");
  g_assert_null (okn_intake_submit (f->store, f->config, r, &options, NULL, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_true (okn_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.total, ==, 0);
  okn_store_stats_clear (&stats);
}

static void
on_submitted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  OknIntakeResult **out = data;
  g_autoptr (GError) error = NULL;

  *out = okn_intake_submit_finish (res, &error);
  g_assert_no_error (error);
}

/* The kiosk's profile, in a thread with its own connection: the kiosk's
 * folder and outputs, never the desk's, and the ticket in the resident's
 * language. */
static void
test_async_kiosk (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *desk = g_build_filename (f->dir, "desk-pdf", NULL);
  g_autofree char *kiosk = g_build_filename (f->dir, "kiosk-pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) result = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *text = NULL;
  OknRecord *r = pothole ("small");
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .print = TRUE, .profile = OKN_OUTPUTS_KIOSK,
                               .has_language = TRUE, .language = OKN_LANGUAGE_UK };

  r->channel = OKN_CHANNEL_KIOSK;
  okn_config_set (f->config, "desk.output_dir", desk, &error);
  okn_config_set (f->config, "kiosk.output_dir", kiosk, &error);
  okn_config_set (f->config, "kiosk.report_outputs", "receipt-58", &error);
  okn_config_save (f->config, &error);
  g_assert_no_error (error);
  okn_intake_submit_async (f->db, f->conf, r, &options, NULL, on_submitted, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (result->print_error);
  receipt = g_strdup_printf ("%s/%s-receipt-58.pdf", kiosk, result->record->ticket);
  g_assert_true (g_file_test (receipt, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (desk, G_FILE_TEST_EXISTS));
  text = okn_test_pdf_file_text (receipt);
  g_assert_nonnull (strstr (text, "Номер звернення"));
  g_assert_cmpint (result->record->channel, ==, OKN_CHANNEL_KIOSK);
}

/* A letter stored on a disk with room for the record but not for the mark
 * in DB.issued (as /okienkoctl/register-mark-not-written): the result
 * holds the ticket and the store's warning of this call, naming the file
 * and the ticket, so that the desk can tell its clerk; a warning of the
 * store's open is not repeated. The same through a thread's connection. */
static void
mark_not_written_scenario (void)
{
  g_autofree char *db = okn_test_small_disk_station ("K03");
  g_autofree char *issued = g_strconcat (db, ".issued", NULL);
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknIntakeResult) result = NULL;
  g_autoptr (OknIntakeResult) threaded = NULL;
  g_autoptr (OknRecord) stored = NULL;
  g_autoptr (GError) error = NULL;
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .actor = "test" };
  g_autoptr (OknRecord) r = okn_test_letter ("Jan Kowalski", "Wniosek o dowód");
  const char *warning;

  /* A warning of the open (a database others could read) stays the
   * open's. */
  g_assert_cmpint (g_chmod (db, 0644), ==, 0);
  store = okn_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (okn_store_get_warnings (store)->len, >, 0);
  okn_test_fill_disk_but_wal (db);

  /* The desk's way first: a thread with a connection of its own (a
   * connection opened after a mark was lost would have to write it, and
   * on this disk could not open). */
  okn_intake_submit_async (db, NULL, okn_test_letter ("Anna Nowak", "Skarga"), &options, NULL, on_submitted,
                           &threaded);
  while (threaded == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (threaded->warnings->len, ==, 1);
  warning = g_ptr_array_index (threaded->warnings, 0);
  g_assert_nonnull (strstr (warning, issued));
  g_assert_nonnull (strstr (warning, threaded->record->ticket));
  g_assert_nonnull (strstr (warning, "okienkoctl init"));

  /* The connection held since before the disk filled: its open's
   * warnings are not this call's. */
  result = okn_intake_submit (store, NULL, r, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  stored = okn_store_lookup (store, result->record->ticket, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->sender_name, ==, "Jan Kowalski");
  g_assert_cmpuint (result->warnings->len, ==, 1);
  warning = g_ptr_array_index (result->warnings, 0);
  g_assert_nonnull (strstr (warning, issued));
  g_assert_nonnull (strstr (warning, result->record->ticket));

  g_clear_pointer (&store, okn_store_close);
  okn_test_small_disk_clear (db);
}

static void
test_mark_not_written (Fixture       *f,
                       gconstpointer  data)
{
  okn_test_trap_private_mount (mark_not_written_scenario, 60);
}

/* A string member of `okienkoctl status --json`, NULL when null. */
static const char *
status_member (const char *json,
               const char *name)
{
  static JsonParser *parser;
  JsonObject *o;

  g_clear_object (&parser);
  parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  o = json_node_get_object (json_parser_get_root (parser));
  g_assert_true (json_object_has_member (o, name));
  if (json_object_get_null_member (o, name))
    return NULL;
  return json_object_get_string_member (o, name);
}

/* What `okienkoctl status` says of the kiosk's printer, in text and JSON:
 * the failure @message, or nothing when NULL. */
static void
assert_kiosk_print_trouble (Fixture    *f,
                            const char *message)
{
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &text, NULL, "status", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &json, NULL, "status", "--json", NULL), ==, 0);
  if (message)
    {
      g_assert_nonnull (strstr (text, "Kiosk printer"));
      g_assert_nonnull (strstr (text, message));
      g_assert_cmpstr (status_member (json, "kiosk_print_error"), ==, message);
      g_assert_nonnull (status_member (json, "kiosk_print_error_at"));
    }
  else
    {
      g_assert_null (strstr (text, "Kiosk printer"));
      g_assert_null (status_member (json, "kiosk_print_error"));
    }
}

/* A kiosk's print that fails (nobody stands at its printer) is kept for
 * staff: `okienkoctl status` says it, in text and JSON, until a later
 * ticket prints. A desk's failure is the clerk's to see and is not kept. */
static void
test_kiosk_print_failure_for_staff (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "not-a-folder", NULL);
  g_autofree char *kiosk = g_build_filename (f->dir, "kiosk-pdf", NULL);
  g_autoptr (OknRecord) r1 = pothole ("small");
  g_autoptr (OknRecord) r2 = pothole ("small");
  g_autoptr (OknRecord) r3 = pothole ("large");
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .print = TRUE, .profile = OKN_OUTPUTS_DESK };
  g_autoptr (OknIntakeResult) desk = submit (f, r1, &options);
  g_autoptr (OknIntakeResult) failed = NULL;
  g_autoptr (OknIntakeResult) printed = NULL;

  g_assert_nonnull (desk->print_error);
  assert_kiosk_print_trouble (f, NULL);

  /* The kiosk's PDF folder is a file: the print fails, the record stays. */
  g_assert_true (g_file_set_contents (blocker, "x", -1, NULL));
  okn_test_config_set (f->config, "kiosk.output_dir", blocker);
  options.profile = OKN_OUTPUTS_KIOSK;
  failed = submit (f, r2, &options);
  g_assert_nonnull (failed->print_error);
  assert_kiosk_print_trouble (f, failed->print_error->message);

  /* Paper is back: the next ticket prints and the trouble is over. */
  okn_test_config_set (f->config, "kiosk.output_dir", kiosk);
  printed = submit (f, r3, &options);
  g_assert_null (printed->print_error);
  assert_kiosk_print_trouble (f, NULL);
}

/* A correction goes through the same call and prints nothing. */
static void
test_correction (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *out = desk_prints_to_folder (f);
  g_autoptr (OknRecord) r = pothole ("small");
  /* Asked to print: a correction still prints nothing. */
  const OknIntakeOptions correction = { .mode = OKN_INTAKE_CORRECTION, .print = TRUE, .actor = "Anna" };
  g_autoptr (OknIntakeResult) first = submit (f, r, &store_new);
  g_autoptr (OknRecord) fix = okn_record_copy (first->record);
  g_autoptr (OknIntakeResult) second = NULL;

  g_free (fix->description);
  fix->description = g_strdup ("Dziura przy przejściu dla pieszych");
  second = submit (f, fix, &correction);
  g_assert_cmpstr (second->record->ticket, ==, first->record->ticket);
  g_assert_cmpstr (second->record->description, ==, "Dziura przy przejściu dla pieszych");
  g_assert_null (second->printed);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* A correction of a record stored before the catalogue changed keeps the
 * codes it was stored with: the clerk fixing a description must not be
 * stopped by a question the server has since dropped. A code the record
 * did not have is still refused. */
static void
test_correction_keeps_old_attribute (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr (OknRecord) r = pothole ("small");
  g_autoptr (OknIntakeResult) first = NULL;
  g_autoptr (OknIntakeResult) second = NULL;
  g_autoptr (OknRecord) fix = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;

  okn_test_cache_service (f->store, "pothole", "Dziura w jezdni", POTHOLE_DEF_WITH_LANE);
  okn_record_add_attribute (r, "lane", "left");
  first = submit (f, r, &store_new);
  /* The server dropped the question. */
  okn_test_cache_service (f->store, "pothole", "Dziura w jezdni", POTHOLE_DEF);

  fix = okn_record_copy (first->record);
  g_free (fix->description);
  fix->description = g_strdup ("Dziura przy przejściu dla pieszych");
  issues = okn_intake_check (f->store, fix, NULL);
  g_assert_cmpuint (issues->len, ==, 0);
  second = submit (f, fix, &anna_corrects);
  g_assert_cmpstr (second->record->description, ==, "Dziura przy przejściu dla pieszych");
  g_assert_cmpuint (second->record->attributes->len, ==, 2);
  g_assert_cmpint (ctl (f, NULL, NULL, "edit", first->record->ticket, "--description", "Dziura, głęboka", NULL), ==, 0);

  /* A code the stored record never had is not let in by a correction. */
  okn_record_add_attribute (fix, "nosuch", "1");
  g_assert_null (okn_intake_submit (f->store, NULL, fix, &anna_corrects, NULL, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nosuch"));
  g_assert_null (strstr (error->message, "lane"));
  g_assert_cmpint (ctl (f, NULL, &err, "edit", first->record->ticket, "--attr", "size=large", "--attr",
                        "lane=right", "--attr", "other=1", NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "other"));
  g_assert_null (strstr (err, "lane:"));
}

/* The stored codes are the stored category's: a correction that moves
 * the report to another category does not carry them over (the new
 * category never asked them, and the server would get "size" for a
 * street lamp). */
static void
test_correction_other_category (Fixture       *f,
                                gconstpointer  data)
{
  const OknTestService catalogue[] = {
    { .code = "pothole", .name = "Dziura w jezdni", .definition = POTHOLE_DEF },
    { .code = "lamp", .name = "Latarnia",
      .definition = "{\"attributes\":[{\"variable\":true,\"code\":\"pole\",\"datatype\":\"string\"}]}" },
  };
  g_autoptr (OknRecord) r = pothole ("small");
  g_autoptr (OknIntakeResult) first = NULL;
  g_autoptr (OknRecord) fix = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;

  okn_test_cache_services (f->store, catalogue, G_N_ELEMENTS (catalogue));
  first = submit (f, r, &store_new);
  fix = okn_record_copy (first->record);
  g_free (fix->category);
  fix->category = g_strdup ("lamp");
  issues = okn_intake_check (f->store, fix, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpstr (((OknFieldIssue *) g_ptr_array_index (issues, 0))->field, ==, "size");
  g_assert_null (okn_intake_submit (f->store, NULL, fix, &anna_corrects, NULL, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "size"));
  g_assert_nonnull (strstr (error->message, "pole"));
  g_assert_cmpint (ctl (f, NULL, &err, "edit", first->record->ticket, "--category", "lamp", NULL), ==, 2);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "size"));
}

/* Issue 12: "where" is optional for a resident at the kiosk, but the
 * store and Open311 need a location. A kiosk report without one is sent
 * with the kiosk's address (office.address on one line), marked in the
 * office's language as the kiosk's; nothing else is touched. */
static void
test_kiosk_location_fallback (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (OknConfig) config = okn_config_new (NULL);
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura na przejściu", NULL);
  g_autoptr (OknRecord) desk = okn_test_report ("pothole", "Dziura na przejściu", NULL);
  g_autoptr (OknRecord) given = okn_test_report ("pothole", "Dziura na przejściu", "Zielona 3");
  g_autoptr (GPtrArray) issues = NULL;
  g_autoptr (OknIntakeResult) result = NULL;
  g_autoptr (GError) error = NULL;
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW, .actor = "kiosk" };

  r->channel = OKN_CHANNEL_KIOSK;
  given->channel = OKN_CHANNEL_KIOSK;
  okn_record_add_attribute (r, "size", "large");

  /* No office address configured: nothing to fall back on; the kiosk
   * asks for a location as before. */
  g_assert_false (okn_intake_locate_kiosk_report (config, r));
  g_assert_null (r->address);
  issues = okn_intake_check (f->store, r, NULL);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpstr (((OknFieldIssue *) issues->pdata[0])->field, ==, "location");
  g_clear_pointer (&issues, g_ptr_array_unref);

  g_assert_true (okn_config_set (config, "office.address", "ul. Piotrkowska 104\n90-926 Łódź", &error));
  g_assert_no_error (error);
  g_assert_true (okn_intake_locate_kiosk_report (config, r));
  g_test_message ("sent as: %s", r->address);
  g_assert_cmpstr (r->address, ==, "ul. Piotrkowska 104, 90-926 Łódź (adres kiosku: mieszkaniec nie podał miejsca)");
  g_assert_false (r->has_location);
  issues = okn_intake_check (f->store, r, NULL);
  g_assert_cmpuint (issues->len, ==, 0);
  /* Stored as any report, and said so in the record. */
  result = okn_intake_submit (f->store, config, r, &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (result->record->address, ==, r->address);

  /* A location the resident gave, or a desk's report: untouched. */
  g_assert_false (okn_intake_locate_kiosk_report (config, given));
  g_assert_cmpstr (given->address, ==, "Zielona 3");
  g_assert_false (okn_intake_locate_kiosk_report (config, desk));
  g_assert_null (desk->address);

  /* In the office's language (English here). */
  g_clear_pointer (&r->address, g_free);
  g_assert_true (okn_config_set (config, "office.ticket_language", "en", &error));
  g_assert_true (okn_intake_locate_kiosk_report (config, r));
  g_assert_cmpstr (r->address, ==, "ul. Piotrkowska 104, 90-926 Łódź (the kiosk's address: the resident did not say where)");
}

int
main (int   argc,
      char *argv[])
{
  okn_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
#define ADD_BARE(path, fn) g_test_add (path, Fixture, "bare", fixture_setup, fn, fixture_teardown)
  ADD ("/intake/ctl-required-attribute", test_ctl_required_attribute);
  ADD_BARE ("/intake/ctl-never-synced", test_ctl_never_synced);
  ADD ("/intake/store-refuses", test_store_refuses);
  ADD ("/intake/unknown-attribute", test_unknown_attribute);
  ADD ("/intake/correction-keeps-old-attribute", test_correction_keeps_old_attribute);
  ADD ("/intake/correction-other-category", test_correction_other_category);
  ADD ("/intake/submit-prints", test_submit_prints);
  ADD ("/intake/print-failure-separate", test_print_failure_separate);
  ADD ("/intake/refused", test_refused);
  ADD ("/intake/async-kiosk", test_async_kiosk);
  ADD ("/intake/correction", test_correction);
  ADD ("/intake/kiosk-print-failure-for-staff", test_kiosk_print_failure_for_staff);
  ADD ("/intake/kiosk-location-fallback", test_kiosk_location_fallback);
  ADD ("/intake/mark-not-written", test_mark_not_written);
#undef ADD
#undef ADD_BARE
  return g_test_run ();
}
