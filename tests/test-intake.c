/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-intake.c: check, store and print as one core call; a report missing
 * a required attribute of its cached category is refused on every path */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"

#define POTHOLE_DEF \
  "{\"service_code\":\"pothole\",\"attributes\":[" \
  "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true," \
  "\"order\":1,\"description\":\"How big is it?\",\"values\":[{\"key\":\"small\",\"name\":\"Small\"}," \
  "{\"key\":\"large\",\"name\":\"Large\"}]}]}"

typedef struct
{
  char *dir;
  char *db;
  char *conf;
  OknStore *store;
  OknConfig *config;
} Fixture;

static void
cache_catalogue (OknStore *store)
{
  g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autoptr (GError) error = NULL;
  OknService *s = g_new0 (OknService, 1);

  s->code = g_strdup ("pothole");
  s->name = g_strdup ("Dziura w jezdni");
  s->type = g_strdup ("realtime");
  s->metadata = TRUE;
  s->definition = g_strdup (POTHOLE_DEF);
  g_ptr_array_add (services, s);
  okn_store_replace_services (store, services, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = okn_test_make_tmpdir ();
  f->store = okn_test_open_store (f->dir, "K03");
  f->db = g_strdup (okn_store_get_path (f->store));
  f->conf = g_build_filename (f->dir, "okienko.conf", NULL);
  f->config = okn_config_new (f->conf);
  if (data == NULL)
    cache_catalogue (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  okn_config_free (f->config);
  okn_store_close (f->store);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->conf);
}

static int
ctl (Fixture     *f,
     const char  *input,
     char       **err,
     ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  const char *a;
  va_list ap;

  va_start (ap, err);
  while ((a = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return okn_test_run_ctlv (f->db, f->conf, input, NULL, err, (const char *const *) args->pdata);
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

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
#define ADD_BARE(path, fn) g_test_add (path, Fixture, "bare", fixture_setup, fn, fixture_teardown)
  ADD ("/intake/ctl-required-attribute", test_ctl_required_attribute);
  ADD_BARE ("/intake/ctl-never-synced", test_ctl_never_synced);
  ADD ("/intake/store-refuses", test_store_refuses);
#undef ADD
#undef ADD_BARE
  return g_test_run ();
}
