/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-json.c: JSON from outside parsed with its nesting bounded
 *
 * json-glib recurses per level: what a hostile server or input file nests
 * 80,000 or 200,000 levels deep must be refused with a message, not
 * overflow the stack. The sync paths are tested against the loopback
 * server in test-open311.c and test-sync.c; here the module itself and
 * `okienkoctl register --json`.
 */
#define G_LOG_DOMAIN "test-json"

#include "config.h"

#include <string.h>

#include "okn-test-common.h"

static char *
nested (guint       levels,
        const char *open,
        const char *inner,
        const char *close)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append (s, open);
  g_string_append (s, inner);
  for (guint i = 0; i < levels; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  /* Brackets in strings, escaped quotes and stray closers do not count. */
  g_assert_cmpuint (okn_json_depth ("", -1, 0), ==, 0);
  g_assert_cmpuint (okn_json_depth ("42", -1, 0), ==, 0);
  g_assert_cmpuint (okn_json_depth ("[{\"a\": [1, 2]}]", -1, 0), ==, 3);
  g_assert_cmpuint (okn_json_depth ("{\"a\": \"[[[[{{{{\"}", -1, 0), ==, 1);
  g_assert_cmpuint (okn_json_depth ("[\"\\\"[[[\", [\"\\\\\", [3]]]", -1, 0), ==, 3);
  g_assert_cmpuint (okn_json_depth ("]]]][[", -1, 0), ==, 2);
  g_assert_cmpuint (okn_json_depth ("[[[[", 2, 0), ==, 2);
  /* It stops counting once the bound is passed. */
  g_assert_cmpuint (okn_json_depth ("[[[[[[[[", -1, 3), ==, 4);
}

static void
test_parse_bounded (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ok = nested (OKN_JSON_MAX_DEPTH, "[", "1", "]");
  g_autofree char *over = nested (OKN_JSON_MAX_DEPTH + 1, "{\"a\":", "1", "}");
  g_autofree char *huge = nested (200000, "[", "", "]");
  g_autoptr (JsonNode) root = NULL;

  root = okn_json_parse (ok, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  g_clear_pointer (&root, json_node_unref);

  root = okn_json_parse (over, -1, &error);
  g_assert_null (root);
  g_assert_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  root = okn_json_parse (huge, -1, &error);
  g_assert_null (root);
  g_assert_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_TOO_DEEP);
  g_assert_nonnull (strstr (error->message, "levels deep"));
  g_clear_error (&error);

  root = okn_json_parse ("{\"a\": ", -1, &error);
  g_assert_null (root);
  g_assert_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID);
  g_clear_error (&error);
  root = okn_json_parse ("", -1, &error);
  g_assert_null (root);
  g_assert_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID);
}

/* Found by tests/fuzz (fuzz-register-json): json-glib quotes the bad
 * string constant in its message, and a \u escape of half a surrogate
 * pair came back as bytes that are not UTF-8, in a GError that a label
 * or a terminal then shows. The message is valid UTF-8 with no control
 * characters, and still says where. */
static void
test_parse_error_shown_safely (void)
{
  static const char *const bad[] = {
    "{\"a\":\"20\\uddress\":1}",
    "{\"a\":\"\\ud800x\":1}",
    "{\"a\":\"x\x1b]0;owned\x07\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) root = okn_json_parse (bad[i], -1, &error);

      g_assert_null (root);
      g_assert_error (error, OKN_JSON_ERROR, OKN_JSON_ERROR_INVALID);
      g_test_message ("case %u: %s", i, error->message);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      for (const char *p = error->message; *p; p = g_utf8_next_char (p))
        g_assert_false (g_unichar_iscntrl (g_utf8_get_char (p)));
      g_assert_nonnull (strstr (error->message, "1:"));
    }
}

/* A case of test_strings_read_as_utf8(): the string is member "a", the
 * first element of an array "a", or member "b" of an object "a". */
typedef struct
{
  const char *json;
  const char *value;   /* (nullable): what the string reads as; NULL: only
                        * that it is valid UTF-8 */
} StringCase;

/* json-glib turns an escaped half of a surrogate pair (\ud800) into bytes
 * that are not UTF-8 inside the string it returns: a server's status note
 * or a category's name would be stored so, and shown. It reads as U+FFFD;
 * a whole pair still reads as its character. */
static const StringCase lone_surrogates[] = {
  { "{\"a\":\"x\\ud800y\"}", "x\xef\xbf\xbdy" },
  { "{\"a\":\"\\udc00\"}", "\xef\xbf\xbd" },
  { "{\"a\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80" },
  { "{\"a\":\"\\ud83d\\u0041\"}", "\xef\xbf\xbd" "A" },
  { "{\"a\":\"\\\\ud800\"}", "\\ud800" },
  { NULL, NULL },
};

/* okn_json_parse_full() reads a lone half as the character it is given
 * (register --json asks for U+0001, which the record's check refuses by
 * field); a whole pair is still its character. */
static void
test_lone_surrogate_replacement (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = okn_json_parse_full ("[\"x\\ud800y\", \"\\udfff\", \"\\ud83d\\ude00\"]", -1,
                                                   0x0001, &error);
  JsonArray *a;

  g_assert_no_error (error);
  a = json_node_get_array (root);
  g_assert_cmpstr (json_array_get_string_element (a, 0), ==, "x\001y");
  g_assert_cmpstr (json_array_get_string_element (a, 1), ==, "\001");
  g_assert_cmpstr (json_array_get_string_element (a, 2), ==, "\xf0\x9f\x98\x80");
}

/* json-glib takes octal escapes, which JSON does not have, and makes bytes
 * that are not UTF-8 of them (\666 is 0xb6): a server's error description
 * came out so in the message a clerk reads (found by fuzz-open311-errors).
 * Each reads as U+FFFD, wherever the string is in the tree. */
static const StringCase octal_escapes[] = {
  { "{\"a\":\"x\\666y\"}", "x\xef\xbf\xbdy" },
  { "{\"a\":[\"\\377\"]}", "\xef\xbf\xbd" },
  { "{\"a\":{\"b\":\"too \\6 long\"}}", NULL },
  { NULL, NULL },
};

/* @data: the cases, up to one with no json */
static void
test_strings_read_as_utf8 (gconstpointer data)
{
  for (const StringCase *c = data; c->json; c++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) root = okn_json_parse (c->json, -1, &error);
      JsonNode *a;
      const char *value;

      g_assert_no_error (error);
      a = json_object_get_member (json_node_get_object (root), "a");
      if (JSON_NODE_HOLDS_ARRAY (a))
        a = json_array_get_element (json_node_get_array (a), 0);
      else if (JSON_NODE_HOLDS_OBJECT (a))
        a = json_object_get_member (json_node_get_object (a), "b");
      value = json_node_get_string (a);
      g_assert_true (g_utf8_validate (value, -1, NULL));
      if (c->value)
        g_assert_cmpstr (value, ==, c->value);
    }
}

/* Servers and catalogue files send the same value as different JSON types:
 * a flag as true, "true", "yes" or 1, an id as 17 or 17.0 or "17". The
 * member readers read them all alike; what is missing or null is the
 * caller's default. */
static void
test_values_as_sent (void)
{
  static const char json[] =
    "{\"t_bool\": true, \"t_word\": \"true\", \"t_yes\": \"yes\", \"t_one\": 1,"
    " \"f_bool\": false, \"f_no\": \"no\", \"f_zero\": 0,"
    " \"number\": 17.0, \"fraction\": 2.5, \"text\": \" 017.0\", \"nothing\": null}";
  static const struct
  {
    const char *member;
    gboolean value;
  } flags[] = {
    { "t_bool", TRUE },
    { "t_word", TRUE },
    { "t_yes", TRUE },
    { "t_one", TRUE },
    { "f_bool", FALSE },
    { "f_no", FALSE },
    { "f_zero", FALSE },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = okn_json_parse (json, -1, &error);
  JsonObject *o;
  g_autofree char *number = NULL;
  g_autofree char *fraction = NULL;
  g_autofree char *text = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *null = NULL;

  g_assert_no_error (error);
  o = json_node_get_object (root);

  /* Each flag reads the same whatever the default: it was sent. */
  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_test_message ("%s", flags[i].member);
      g_assert_cmpint (okn_json_member_bool (o, flags[i].member, TRUE), ==, flags[i].value);
      g_assert_cmpint (okn_json_member_bool (o, flags[i].member, FALSE), ==, flags[i].value);
    }
  for (gboolean fallback = FALSE; fallback <= TRUE; fallback++)
    {
      g_assert_cmpint (okn_json_member_bool (o, "absent", fallback), ==, fallback);
      g_assert_cmpint (okn_json_member_bool (o, "nothing", fallback), ==, fallback);
      g_assert_cmpint (okn_json_member_bool (NULL, "t_bool", fallback), ==, fallback);
    }

  number = okn_json_member_text (o, "number");
  g_assert_cmpstr (number, ==, "17");
  fraction = okn_json_member_text (o, "fraction");
  g_assert_cmpstr (fraction, ==, "2.5");
  text = okn_json_member_text (o, "text");
  g_assert_cmpstr (text, ==, " 017.0");
  missing = okn_json_member_text (o, "absent");
  g_assert_null (missing);
  null = okn_json_node_text (json_object_get_member (o, "nothing"));
  g_assert_null (null);
  g_assert_null (okn_json_node_text (NULL));
}

/* 80,000 levels through `register --json -` and from a file: a message
 * and exit 2, nothing stored, no crash. */
static void
test_register_deep (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *file = NULL;
  g_autofree char *arrays = nested (80000, "[", "{\"kind\":\"letter\",\"sender\":\"Jan\"}", "]");
  g_autofree char *objects = nested (80000, "{\"kind\":\"letter\",\"notes\":", "\"x\"", "}");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;

  okn_test_paths_make ("okienko.db", &dir, &db, &conf);
  file = g_build_filename (dir, "deep.json", NULL);
  g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, NULL, NULL, "init", "--station", "K03", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, conf, arrays, &out, &err, "register", "--json", "-", NULL), ==, 2);
  g_test_message ("stdin: %s", err);
  g_assert_nonnull (strstr (err, "levels deep"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  g_file_set_contents (file, objects, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, &out, &err, "register", "--json", file, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "levels deep"));
  g_clear_pointer (&err, g_free);
  g_clear_pointer (&out, g_free);

  /* Nothing was stored. */
  g_assert_cmpint (okn_test_run_ctl (db, conf, NULL, &out, NULL, "list", "--json", NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "[]");
  okn_test_paths_clear (&dir, &db, &conf);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/parse-bounded", test_parse_bounded);
  g_test_add_func ("/json/register-deep", test_register_deep);
  g_test_add_func ("/json/parse-error-shown-safely", test_parse_error_shown_safely);
  g_test_add_data_func ("/json/lone-surrogate", lone_surrogates, test_strings_read_as_utf8);
  g_test_add_func ("/json/lone-surrogate-replacement", test_lone_surrogate_replacement);
  g_test_add_data_func ("/json/octal-escape", octal_escapes, test_strings_read_as_utf8);
  g_test_add_func ("/json/values-as-sent", test_values_as_sent);
  return g_test_run ();
}
