/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-catalogue.c: a station without the network gets its categories from
 * a file: okienkoctl services import, as a real process */
#include "config.h"

#include <locale.h>
#include <sys/stat.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"
#include "okienko/okn-catalogue.h"
#include "okn-test-common.h"

typedef struct
{
  char *dir;
  char *db;
  char *conf;
  char *catalogue;   /* tests/fixtures/catalogue.json */
} Fixture;

/* Station K03 with an empty configuration, its store closed for
 * okienkoctl. */
static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->conf);
  okn_store_close (okn_test_open_store (f->dir, "K03"));
  g_assert_true (g_file_set_contents (f->conf, "", -1, NULL));
  f->catalogue = g_build_filename (OKN_SOURCE_ROOT, "tests", "fixtures", "catalogue.json", NULL);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_test_paths_clear (&f->dir, &f->db, &f->conf);
  g_free (f->catalogue);
}

/* Before any catalogue, okienkoctl services list says how to import one. */
static void
test_list_says_import (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, NULL, "services", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "services import"));
}

/* The documented file, imported by okienkoctl: the categories with their
 * names, a numeric code, the definition with its required attribute; the
 * store then refuses a report without it, as with a fetched catalogue. */
static void
test_import (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (OknRecord) report = okn_test_report ("pothole", "Dziura", "Piotrkowska 1");
  g_autofree char *out = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fetched = NULL;
  const OknService *pothole = NULL, *light = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, NULL, "services", "import", f->catalogue, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "3"));

  store = okn_store_open (f->db, &error);
  g_assert_no_error (error);
  services = okn_store_list_services (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (services->len, ==, 3);
  for (guint i = 0; i < services->len; i++)
    {
      const OknService *s = g_ptr_array_index (services, i);

      if (g_str_equal (s->code, "pothole"))
        pothole = s;
      if (g_str_equal (s->code, "17"))
        light = s;
    }
  g_assert_nonnull (pothole);
  g_assert_nonnull (light);
  g_assert_cmpstr (light->name, ==, "Latarnia nie świeci");
  g_assert_false (light->metadata);
  g_assert_true (pothole->metadata);
  g_assert_nonnull (strstr (pothole->definition, "\"size\""));
  fetched = okn_store_get_meta (store, "catalogue.fetched_at");
  g_assert_nonnull (fetched);

  g_assert_false (okn_store_register (store, report, "test", &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
}

/* A file that is not a catalogue is refused with the reason, exit 2, and
 * the cached catalogue stays as it was. */
static void
test_refused (Fixture      *f,
              gconstpointer data)
{
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  const char *cases[] = {
    "not json at all",
    "{\"services\": 5}",
    "[{\"service_name\": \"no code\"}]",
    "[{\"service_code\": \"a\"}, {\"service_code\": \"a\"}]",
    "{\"services\": [{\"service_code\": \"a\"}], \"definitions\": {\"a\": {\"attributes\": 7}}}",
    "[]",
  };

  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "services", "import", f->catalogue, NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      g_autoptr (OknStore) store = NULL;
      g_autoptr (GPtrArray) services = NULL;

      g_assert_true (g_file_set_contents (bad, cases[i], -1, NULL));
      g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "services", "import", bad, NULL), ==, 2);
      g_assert_nonnull (strstr (err, "catalogue"));
      store = okn_store_open (f->db, NULL);
      services = okn_store_list_services (store, NULL);
      g_assert_cmpuint (services->len, ==, 3);
    }
}

/* services list counts the attributes a form asks, as the desk and the
 * kiosk read the definition: one without a code (or with an empty one)
 * is skipped there, and was counted here ("3 attributes" for a form of
 * one question). */
static void
test_list_counts_usable_attributes (Fixture      *f,
                                    gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "codes.json", NULL);
  g_autofree char *out = NULL;
  const char *text =
    "{\"services\": [{\"service_code\": \"hole\", \"service_name\": \"Dziura\", \"metadata\": true}],"
    " \"definitions\": {\"hole\": {\"attributes\": ["
    "{\"code\": \"\", \"datatype\": \"string\", \"required\": true, \"description\": \"Pusty kod\"},"
    "{\"datatype\": \"string\", \"description\": \"Bez kodu\"},"
    "{\"code\": \"size\", \"datatype\": \"string\", \"description\": \"Jak du\u017ca?\"}]}}}";

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, NULL, "services", "import", path, NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, &out, NULL, "services", "list", NULL), ==, 0);
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Dziura, 1 attribute\n"));
}

/* What is not a file is named as what it is, and a pipe does not hang
 * the import: it waited for a writer for ever, and a folder or a device
 * was refused in GLib's words about mmap(). */
static void
test_not_a_file (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *folder = g_build_filename (f->dir, "services.json", NULL);
  g_autofree char *fifo = g_build_filename (f->dir, "pipe.json", NULL);
  struct
  {
    const char *path;
    const char *says;
  } cases[] = {
    { folder, "is a folder, not a file" },
    { "/dev/zero", "is not a regular file" },
    { fifo, "is not a regular file" },
  };

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;

      g_assert_cmpint (okn_test_run_ctl (f->db, f->conf, NULL, NULL, &err, "services", "import", cases[i].path,
                                         NULL), ==, 2);
      g_test_message ("%s", err);
      g_assert_nonnull (strstr (err, cases[i].path));
      g_assert_nonnull (strstr (err, cases[i].says));
      g_assert_null (strstr (err, "mmap"));
    }
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/catalogue/list-says-import", Fixture, NULL, fixture_setup, test_list_says_import,
              fixture_teardown);
  g_test_add ("/catalogue/import", Fixture, NULL, fixture_setup, test_import, fixture_teardown);
  g_test_add ("/catalogue/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/catalogue/list-counts-usable-attributes", Fixture, NULL, fixture_setup,
              test_list_counts_usable_attributes, fixture_teardown);
  g_test_add ("/catalogue/not-a-file", Fixture, NULL, fixture_setup, test_not_a_file, fixture_teardown);
  return g_test_run ();
}
