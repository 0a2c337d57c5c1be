/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-config.c: the configuration file: known keys, validation, unknown
 * keys reported, atomic private saves, secrets never shown */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"

static void
test_missing_file_is_empty (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "none.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = okn_config_load (path, &error);
  g_autofree char *timeout = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
  g_assert_false (okn_config_is_set (config, "server.url"));
  g_assert_null (okn_config_get_string (config, "server.url"));
  /* Defaults come from the key table. */
  timeout = okn_config_get_string (config, "server.timeout");
  g_assert_cmpstr (timeout, ==, "30");
  g_assert_cmpint (okn_config_get_int (config, "server.timeout"), ==, 30);
  okn_test_rm_rf (dir);
}

static void
test_set_save_load (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "sub", "okienko.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = okn_config_new (path);
  g_autoptr (OknConfig) again = NULL;
  g_autofree char *name = NULL;
  g_auto (GStrv) units = NULL;
  struct stat st;

  g_assert_true (okn_config_set (config, "office.name", "Urząd Miasta Łodzi", &error));
  g_assert_true (okn_config_set (config, "server.url", "https://open311.example.org/v2/", &error));
  g_assert_true (okn_config_set (config, "server.api_key", "s3cr3t-key", &error));
  g_assert_true (okn_config_set (config, "server.timeout", "45", &error));
  g_assert_true (okn_config_set (config, "letters.units", "WO, WGK ,, SEKR", &error));
  g_assert_true (okn_config_save (config, &error));
  g_assert_no_error (error);

  /* It may hold the API key: the owner alone reads it. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = okn_config_load (path, &error);
  g_assert_no_error (error);
  name = okn_config_get_string (again, "office.name");
  g_assert_cmpstr (name, ==, "Urząd Miasta Łodzi");
  g_assert_cmpint (okn_config_get_int (again, "server.timeout"), ==, 45);
  units = okn_config_get_list (again, "letters.units");
  g_assert_cmpuint (g_strv_length (units), ==, 3);
  g_assert_cmpstr (units[1], ==, "WGK");

  g_assert_true (okn_config_unset (again, "server.timeout", &error));
  g_assert_cmpint (okn_config_get_int (again, "server.timeout"), ==, 30);
  okn_test_rm_rf (dir);
}

static void
test_bad_values_refused (void)
{
  g_autoptr (OknConfig) config = okn_config_new ("/nonexistent/okienko.conf");
  struct { const char *key; const char *value; OknConfigError code; const char *needle; } cases[] = {
    { "server.urll", "https://x/", OKN_CONFIG_ERROR_UNKNOWN_KEY, "server.urll" },
    { "server.url", "ftp://x/", OKN_CONFIG_ERROR_INVALID_VALUE, "server.url" },
    { "server.url", "not a url", OKN_CONFIG_ERROR_INVALID_VALUE, "server.url" },
    { "server.timeout", "0", OKN_CONFIG_ERROR_INVALID_VALUE, "server.timeout" },
    { "server.timeout", "ten", OKN_CONFIG_ERROR_INVALID_VALUE, "server.timeout" },
    { "office.name", "two\nlines", OKN_CONFIG_ERROR_INVALID_VALUE, "office.name" },
    { "server.api_key", "", OKN_CONFIG_ERROR_INVALID_VALUE, "server.api_key" },
    { "nodot", "x", OKN_CONFIG_ERROR_UNKNOWN_KEY, "nodot" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (okn_config_set (config, cases[i].key, cases[i].value, &error));
      g_assert_error (error, OKN_CONFIG_ERROR, (gint) cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
  {
    g_autoptr (GPtrArray) set = okn_config_list_set (config);
    g_assert_cmpuint (set->len, ==, 0);
  }
}

static void
test_unknown_keys_reported (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "okienko.conf", NULL);
  const char *text =
    "[server]\n"
    "url=https://open311.example.org/v2/\n"
    "urll=https://typo.example.org/\n"
    "api_key=very-secret-value\n"
    "timeout=forever\n"
    "[offfice]\n"
    "name=Urząd\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;
  const GPtrArray *problems;
  g_autoptr (GString) all = g_string_new (NULL);
  g_autofree char *url = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  config = okn_config_load (path, &error);
  g_assert_no_error (error);
  problems = okn_config_get_problems (config);
  g_assert_cmpuint (problems->len, ==, 3);
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (all, "%s\n", (const char *) g_ptr_array_index (problems, i));
  g_assert_nonnull (strstr (all->str, "server.urll"));
  g_assert_nonnull (strstr (all->str, "offfice.name"));
  g_assert_nonnull (strstr (all->str, "server.timeout"));
  /* Problems never quote a secret. */
  g_assert_null (strstr (all->str, "very-secret-value"));

  url = okn_config_get_string (config, "server.url");
  g_assert_cmpstr (url, ==, "https://open311.example.org/v2/");
  /* A bad value reads as unset, i.e. the default. */
  g_assert_cmpint (okn_config_get_int (config, "server.timeout"), ==, 30);
  okn_test_rm_rf (dir);
}

static void
test_unreadable_file (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "okienko.conf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;

  g_assert_true (g_file_set_contents (path, "this is not = a key file [\n", -1, NULL));
  config = okn_config_load (path, &error);
  g_assert_null (config);
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, path));
  okn_test_rm_rf (dir);
}

static void
test_secret_masked (void)
{
  const OknConfigKey *key = okn_config_find_key ("server.api_key");
  const OknConfigKey *url = okn_config_find_key ("server.url");
  g_autofree char *shown = okn_config_display_value (key, "abc123");
  g_autofree char *plain = okn_config_display_value (url, "https://x/");

  g_assert_cmpstr (shown, ==, "********");
  g_assert_cmpstr (plain, ==, "https://x/");

  /* Credentials in a URL are not shown either. */
  {
    g_autofree char *with_user = okn_config_display_value (url, "https://city:pa55@open311.example.org:8443/v2/?api_key=abc");

    g_assert_cmpstr (with_user, ==, "https://open311.example.org:8443/v2/");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/missing-file-is-empty", test_missing_file_is_empty);
  g_test_add_func ("/config/set-save-load", test_set_save_load);
  g_test_add_func ("/config/bad-values-refused", test_bad_values_refused);
  g_test_add_func ("/config/unknown-keys-reported", test_unknown_keys_reported);
  g_test_add_func ("/config/unreadable-file", test_unreadable_file);
  g_test_add_func ("/config/secret-masked", test_secret_masked);
  return g_test_run ();
}
