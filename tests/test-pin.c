/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-pin.c: the administrator's PIN is kept only as a salted hash, by
 * every way it can be set, and is never printed */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"

/* The hash verifies the PIN and nothing else; two hashes of one PIN
 * differ (salted). */
static void
test_hash_and_verify (void)
{
  g_autofree char *a = okn_pin_hash ("4821");
  g_autofree char *b = okn_pin_hash ("4821");

  g_assert_true (g_str_has_prefix (a, "pbkdf2-sha256$"));
  g_assert_null (strstr (a, "4821"));
  g_assert_cmpstr (a, !=, b);
  g_assert_true (okn_pin_hash_is_valid (a));
  g_assert_true (okn_pin_verify (a, "4821"));
  g_assert_true (okn_pin_verify (b, "4821"));
  g_assert_false (okn_pin_verify (a, "4822"));
  g_assert_false (okn_pin_verify (a, "48210"));
  g_assert_false (okn_pin_verify (a, ""));
  g_assert_false (okn_pin_verify (NULL, "4821"));
  g_assert_false (okn_pin_verify ("4821", "4821"));
  g_assert_false (okn_pin_is_valid ("123"));
  g_assert_false (okn_pin_is_valid ("12a4"));
  g_assert_false (okn_pin_is_valid ("1234567890123"));
  g_assert_true (okn_pin_is_valid ("123456789012"));
}

/* okienkoctl config set kiosk.admin_pin - reads the PIN from standard
 * input and the file holds its hash, never the PIN; config get and list
 * mask it; a PIN of letters is refused without being quoted. */
static void
test_ctl_sets_hash (void)
{
  OknTestStation st;
  g_autofree char *conf_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autofree char *stored = NULL;

  okn_test_station_init (&st, "K07");
  g_assert_cmpint (okn_test_run_ctl (st.db, st.conf, "730519\n", &out, &err, "config", "set",
                                     "kiosk.admin_pin", "-", NULL), ==, 0);
  g_assert_null (strstr (out, "730519"));
  g_assert_null (strstr (err, "730519"));
  g_assert_true (g_file_get_contents (st.conf, &conf_text, NULL, NULL));
  g_assert_null (strstr (conf_text, "730519"));
  g_assert_nonnull (strstr (conf_text, "pbkdf2-sha256$"));
  config = okn_config_load (st.conf, NULL);
  stored = okn_config_get_string (config, "kiosk.admin_pin");
  g_assert_true (okn_pin_verify (stored, "730519"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (st.db, st.conf, NULL, &out, &err, "config", "get", "kiosk.admin_pin", NULL), ==, 0);
  g_assert_null (strstr (out, "pbkdf2"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (st.db, st.conf, "tajne\n", &out, &err, "config", "set",
                                     "kiosk.admin_pin", "-", NULL), ==, 2);
  g_assert_null (strstr (err, "tajne"));
  g_assert_nonnull (strstr (err, "kiosk.admin_pin"));
  okn_test_station_clear (&st);
}

/* An administrator who writes the PIN itself into the file by hand (as
 * for any other key) gets a kiosk that takes that PIN, and a warning that
 * names the key, never the PIN, and says how to keep only its hash. */
static void
test_plain_pin_in_file (void)
{
  OknTestStation st;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *stored = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const GPtrArray *list;

  okn_test_station_init (&st, "K07");
  g_assert_true (g_file_set_contents_full (st.conf, "[kiosk]\nadmin_pin = 730519\n", -1,
                                           G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  config = okn_config_load (st.conf, &error);
  g_assert_no_error (error);
  stored = okn_config_get_string (config, "kiosk.admin_pin");
  g_assert_true (okn_pin_verify (stored, "730519"));
  g_assert_false (okn_pin_verify (stored, "730518"));
  list = okn_config_get_problems (config);
  for (guint i = 0; i < list->len; i++)
    g_string_append_printf (problems, "%s\n", (const char *) g_ptr_array_index (list, i));
  g_assert_nonnull (strstr (problems->str, "kiosk.admin_pin"));
  g_assert_null (strstr (problems->str, "730519"));

  /* okienkoctl says so too, and never prints the PIN. */
  g_assert_cmpint (okn_test_run_ctl (st.db, st.conf, NULL, &out, &err, "config", "get",
                                     "kiosk.admin_pin", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "kiosk.admin_pin"));
  g_assert_null (strstr (out, "730519"));
  g_assert_null (strstr (err, "730519"));
  okn_test_station_clear (&st);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pin/hash-and-verify", test_hash_and_verify);
  g_test_add_func ("/pin/ctl-sets-hash", test_ctl_sets_hash);
  g_test_add_func ("/pin/plain-pin-in-file", test_plain_pin_in_file);
  return g_test_run ();
}
