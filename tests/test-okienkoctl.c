/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-okienkoctl.c: okienkoctl as scripts and administrators use it: real
 * processes on a real database, checking stdout, stderr and exit codes */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"
#include "okn-test-sql.h"

typedef struct
{
  char *dir;
  char *db;
  char *config;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *out = NULL;

  okn_test_paths_make ("data/okienko.db", &f->dir, &f->db, &f->config);
  if (data == NULL)
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "init", "--station", "K03", NULL), ==, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_test_paths_clear (&f->dir, &f->db, &f->config);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static char *
register_letter (Fixture    *f,
                 const char *sender)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc = okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "register", "letter", "--sender", sender,
                             "--subject", "Wniosek o wycinkę drzewa", "--pages", "3", NULL);

  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpstr (err, ==, "");
  return g_strstrip (g_steal_pointer (&out));
}

static void
test_init_idempotent (Fixture      *f,
                      gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ticket = NULL;
  struct stat st;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "init", "--station", "K03", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "K03"));
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  ticket = register_letter (f, "Jan Kowalski");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "init", "--station", "K07", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "K03"));
  g_assert_nonnull (strstr (err, "K07"));
}

/* Coordinates read the same in every language: with Polish numbers
 * "51,759200, 19,456000" could be four numbers as well as two. */
static void
test_show_coordinates (Fixture      *f,
                       gconstpointer data)
{
  const char *languages[] = { "pl", "uk", "en" };
  g_autofree char *out = NULL;
  g_autofree char *ticket = NULL;
  locale_t pl;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "register", "report",
                                     "--category", "pothole", "--description", "Dziura",
                                     "--lat", "51,7592", "--long", "19.456", NULL), ==, 0);
  ticket = g_strstrip (g_strdup (out));
  /* Without the locale the child would run in C and prove nothing. */
  pl = newlocale (LC_NUMERIC_MASK, "pl_PL.UTF-8", (locale_t) 0);
  if (pl == (locale_t) 0)
    g_error ("no locale pl_PL.UTF-8 here: build-aux/okienko-dev test compiles it (localedef -i pl_PL -f UTF-8 pl_PL.UTF-8)");
  freelocale (pl);
  g_setenv ("LC_ALL", "pl_PL.UTF-8", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      g_setenv ("LANGUAGE", languages[i], TRUE);
      g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "show", ticket, NULL), ==, 0);
      g_test_message ("%s", out);
      g_assert_nonnull (strstr (out, "51.759200, 19.456000"));
    }
  /* Editing one coordinate keeps the other. */
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, NULL, "edit", ticket, "--lat", "51,77", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "show", ticket, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "51.770000, 19.456000"));
  g_unsetenv ("LANGUAGE");
  g_unsetenv ("LC_ALL");
}

static void
test_register_and_show (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ticket = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *o;

  /* register prints the ticket ID alone. */
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "register", "report",
                                     "--category", "pothole", "--description", "Dziura w jezdni",
                                     "--address", "Piotrkowska 100, Łódź", "--attr", "depth=10cm",
                                     "--attr", "lanes=left", "--attr", "lanes=right",
                                     "--channel", "phone", NULL), ==, 0);
  ticket = g_strstrip (g_strdup (out));
  g_assert_true (g_regex_match_simple ("^K03-\\d\\d-\\d{6}-[0-9A-Z]$", ticket, 0, 0));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "show", ticket, "--json", NULL), ==, 0);
  node = parse_json (out);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "ticket"), ==, ticket);
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "report");
  g_assert_cmpstr (json_object_get_string_member (o, "channel"), ==, "phone");
  g_assert_cmpstr (json_object_get_string_member (o, "sync_state"), ==, "queued");
  g_assert_cmpstr (json_object_get_string_member (o, "address"), ==, "Piotrkowska 100, Łódź");
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "verification_code")), ==, 6);
  g_assert_cmpuint (strlen (json_object_get_string_member (o, "uuid")), ==, 36);
  g_assert_true (json_object_has_member (o, "created_at"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (o, "attributes"), "lanes")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "audit")), ==, 1);

  /* The text form, in any spelling of the ID. */
  {
    g_autofree char *lower = g_ascii_strdown (ticket, -1);

    g_clear_pointer (&out, g_free);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "show", lower, NULL), ==, 0);
    g_assert_nonnull (strstr (out, "Dziura w jezdni"));
  }

  /* register --json prints the whole record. */
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, &err, "register", "letter", "--anonymous",
                                     "--subject", "Skarga", "--delivery", "post", "--json", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    JsonObject *lo = json_node_get_object (n);

    g_assert_true (json_object_get_boolean_member (lo, "anonymous"));
    g_assert_cmpstr (json_object_get_string_member (lo, "delivery"), ==, "post");
    g_assert_cmpstr (json_object_get_string_member (lo, "kind"), ==, "letter");
    g_assert_true (json_object_has_member (lo, "verification_code"));
  }
}

static void
test_exit_codes (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *ticket = register_letter (f, "Jan");
  g_autofree char *mistyped = g_strdup (ticket);
  g_autofree char *err = NULL;
  OknTicketId id, other;
  g_autofree char *unknown = NULL;

  /* 1: not found */
  okn_ticket_id_parse (ticket, &id, NULL);
  okn_ticket_id_make (id.station, id.year, id.seq + 40, &other, NULL);
  unknown = okn_ticket_id_format (&other);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "show", unknown, NULL), ==, 1);
  g_assert_nonnull (strstr (err, unknown));

  /* 2: a typo, which character */
  mistyped[12] = mistyped[12] == '1' ? '4' : '1';
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "show", mistyped, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "mistyped"));
  g_assert_nonnull (strstr (err, "character 11"));
  g_assert_nonnull (strstr (err, ticket));

  /* 2: bad input names the field, and nothing is written */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "register", "report",
                                     "--category", "pothole", "--address", "X 1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Description"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "register", "letter",
                                     "--sender", "Jan", "--pages", "many", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Pages"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "register", "report",
                                     "--category", "pothole", "--description", "x", "--lat", "51,7",
                                     "--long", "east", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Longitude"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "frobnicate", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "register", "letter", "--bogus", NULL), ==, 2);
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "list", "--json", NULL), ==, 0);
    g_autoptr (JsonNode) n = parse_json (out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (n)), ==, 1);
  }

  /* 3: storage: a newer database, or a file that is not a database */
  {
    g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);

    g_assert_true (g_file_set_contents (junk, "this is not an sqlite database at all, not even close....", -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (okn_test_run_ctl (junk, f->config, NULL, NULL, &err, "list", NULL), ==, 3);
    g_assert_nonnull (strstr (err, "not an Okienko database"));
  }

  /* 2: no station yet */
  {
    g_autofree char *fresh = g_build_filename (f->dir, "fresh.db", NULL);

    g_clear_pointer (&err, g_free);
    g_assert_cmpint (okn_test_run_ctl (fresh, f->config, NULL, NULL, &err, "register", "letter", "--sender", "Jan", NULL), ==, 2);
    g_assert_nonnull (strstr (err, "init --station"));
  }
}

static void
test_help_for_every_command (Fixture      *f,
                             gconstpointer data)
{
  const char *commands[] = { "init", "register", "show", "list", "search", "edit", "cancel", "status", "config" };
  g_autofree char *out = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *cmd_out = NULL;

      g_assert_nonnull (strstr (out, commands[i]));
      g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &cmd_out, NULL, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (cmd_out, "Usage:"));
    }
  {
    g_autofree char *r = NULL;
    g_autofree char *l = NULL;

    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &r, NULL, "register", "report", "--help", NULL), ==, 0);
    g_assert_nonnull (strstr (r, "--category"));
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &l, NULL, "register", "letter", "--help", NULL), ==, 0);
    g_assert_nonnull (strstr (l, "--sender"));
  }
}

static void
test_register_json_shapes (Fixture      *f,
                           gconstpointer data)
{
  const char *object = "{\"kind\":\"letter\",\"sender\":\"ePUAP: Anna Nowak\",\"delivery\":\"epuap\",\"subject\":\"Wniosek\"}";
  const char *array = "[{\"kind\":\"report\",\"category\":\"litter\",\"description\":\"Śmieci\",\"address\":\"Zgierska 5\"},"
                      " {\"kind\":\"letter\",\"anonymous\":true,\"subject\":\"Anonim\"}]";
  const char *ndjson = "{\"kind\":\"letter\",\"sender\":\"A\"}\n\n{\"kind\":\"letter\",\"sender\":\"B\"}\n{\"kind\":\"letter\",\"sender\":\"C\"}\n";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, object, &out, &err, "register", "--json", "-", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    JsonObject *o = json_node_get_object (n);

    g_assert_cmpstr (json_object_get_string_member (o, "channel"), ==, "epuap");
    g_assert_true (json_object_has_member (o, "ticket"));
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, array, &out, &err, "register", "--json", "-", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (n)), ==, 2);
  }
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, ndjson, &out, &err, "register", "--json", "-", NULL), ==, 0);
  {
    g_auto (GStrv) lines = g_strsplit (g_strstrip (out), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
  }
}

static void
test_register_json_all_or_none (Fixture      *f,
                                gconstpointer data)
{
  /* The third record is bad: none of the five is stored. */
  const char *ndjson =
    "{\"kind\":\"letter\",\"sender\":\"A\"}\n"
    "{\"kind\":\"letter\",\"sender\":\"B\"}\n"
    "{\"kind\":\"report\",\"category\":\"pothole\",\"address\":\"X\"}\n"
    "{\"kind\":\"letter\",\"sender\":\"D\"}\n"
    "{\"kind\":\"letter\",\"sender\":\"E\"}\n";
  const char *broken = "{\"kind\":\"letter\",\"sender\":\"A\"}\n{\"kind\":\"letter\",\"sender\":\n";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *list = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, ndjson, &out, &err, "register", "--json", "-", NULL), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "Record 3"));
  g_assert_nonnull (strstr (err, "Description"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, broken, NULL, &err, "register", "--json", "-", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Line 2"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, "", NULL, &err, "register", "--json", "-", NULL), ==, 2);

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &list, NULL, "list", "--json", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (list);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (n)), ==, 0);
  }
}

static void
test_list_search_edit_cancel (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *t1 = register_letter (f, "Grzegorz Brzęczyszczykiewicz");
  g_autofree char *t2 = register_letter (f, "Anna Nowak");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "search", "brzeczyszczykiewicz", "--json", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    JsonArray *a = json_node_get_array (n);

    g_assert_cmpuint (json_array_get_length (a), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 0), "ticket"), ==, t1);
  }

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "search", "brzeczyszczykiewicz",
                                     "--kind", "report", "--json", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "[]\n");

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "edit", t2, "--pages", "9",
                                     "--notes", "Dołączono kopertę", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "show", t2, "--json", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    JsonObject *o = json_node_get_object (n);

    g_assert_cmpint (json_object_get_int_member (o, "pages"), ==, 9);
    g_assert_cmpstr (json_object_get_string_member (o, "notes"), ==, "Dołączono kopertę");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "audit")), ==, 2);
  }

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "cancel", t2, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Reason"));
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, NULL, "cancel", t2, "--reason", "Duplikat", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "list", "--state", "cancelled", "--json", NULL), ==, 0);
  {
    g_autoptr (JsonNode) n = parse_json (out);
    JsonArray *a = json_node_get_array (n);

    g_assert_cmpuint (json_array_get_length (a), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (a, 0), "cancel_reason"), ==, "Duplikat");
  }
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "edit", t2, "--pages", "1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "cancelled"));

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "list", "--kind", "letter",
                                     "--since", "2000-01-01", NULL), ==, 0);
  g_assert_nonnull (strstr (out, t1));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "list", "--since", "last week", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "Since"));
}

static guint
count (const char *text,
       const char *what)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, what)); p += strlen (what))
    n++;
  return n;
}

/* Setting an http:// server.url with a key set warns once (the load and
 * the set each said it); a loopback server is not warned about, the key
 * does not leave the machine. */
static void
test_config_http_warning (Fixture      *f,
                          gconstpointer data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, "k3y\n", NULL, NULL, "config", "set", "server.api_key", "-", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "server.url",
                                     "http://open311.example.org/v2/", NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_cmpuint (count (err, "unencrypted"), ==, 1);
  /* Set again, or another key set: still once. */
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "server.url",
                                     "http://open311.example.org/v2/", NULL), ==, 0);
  g_assert_cmpuint (count (err, "unencrypted"), ==, 1);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "office.name", "Urząd", NULL), ==, 0);
  g_assert_cmpuint (count (err, "unencrypted"), ==, 1);

  /* The file as it was is still warned about as it is loaded. */
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "set", "server.url",
                                     "http://127.0.0.1:8080/v2/", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "server.url",
                                     "http://[::1]:8080/v2/", NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_cmpuint (count (err, "unencrypted"), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "list", NULL), ==, 0);
  g_assert_cmpuint (count (err, "unencrypted"), ==, 0);
}

/* config list --all is a table: the type, default and summary columns
 * start at the same place on every line, however long a key or its
 * default ("sync.catalogue_max_age_hours" pushed its line's columns
 * right). */
static void
test_config_list_all_columns (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  gssize type_at = -1, default_at = -1, summary_at = -1;

  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, &out, NULL, "config", "list", "--all", NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 20);
  for (guint i = 0; lines[i] && *lines[i]; i++)
    {
      const char *l = lines[i];
      const char *p = strchr (l, ' ');
      gssize t, d, m;

      /* key, spaces, type, spaces, default (no spaces in either), spaces */
      g_assert_nonnull (p);
      while (*p == ' ')
        p++;
      t = p - l;
      p = strchr (p, ' ');
      g_assert_nonnull (p);
      while (*p == ' ')
        p++;
      d = p - l;
      p = strchr (p, ' ');
      g_assert_nonnull (p);
      while (*p == ' ')
        p++;
      m = p - l;
      if (type_at < 0)
        {
          type_at = t;
          default_at = d;
          summary_at = m;
        }
      if (t != type_at || d != default_at || m != summary_at)
        g_error ("line %u is out of its columns: %s", i + 1, l);
    }
}

static void
test_config_command (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *file = NULL;
  struct stat st;

  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "set", "office.name", "Urząd Miasta", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, &out, NULL, "config", "get", "office.name", NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Urząd Miasta\n");

  /* The secret goes in through stdin and never comes out. */
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, "k3y-from-stdin\n", NULL, NULL, "config", "set", "server.api_key", "-", NULL), ==, 0);
  g_assert_true (g_file_get_contents (f->config, &file, NULL, NULL));
  g_assert_nonnull (strstr (file, "k3y-from-stdin"));
  g_assert_cmpint (g_stat (f->config, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, &out, &err, "config", "get", "server.api_key", NULL), ==, 0);
  g_assert_null (strstr (out, "k3y-from-stdin"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, &out, &err, "config", "list", NULL), ==, 0);
  g_assert_null (strstr (out, "k3y-from-stdin"));
  g_assert_nonnull (strstr (out, "office.name=Urząd Miasta"));

  /* Unknown keys and bad values: exit 2, the key named, the file unchanged. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "server.urll", "https://x/", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "server.urll"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, &err, "config", "set", "server.timeout", "-5", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "server.timeout"));
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "get", "server.timeout", NULL), ==, 1);

  /* An unknown key in the file is reported by every command. */
  {
    g_autofree char *text = g_strconcat (file, "\n[server]\nurll=https://typo/\n", NULL);

    g_assert_true (g_file_set_contents (f->config, text, -1, NULL));
    g_clear_pointer (&err, g_free);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "status", NULL), ==, 0);
    g_assert_nonnull (strstr (err, "server.urll"));
    g_assert_null (strstr (err, "k3y-from-stdin"));
  }

  /* The typo is fixed by unsetting it. */
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "unset", "server.urll", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, NULL, &err, "status", NULL), ==, 0);
  g_assert_null (strstr (err, "server.urll"));

  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "unset", "office.name", NULL), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (NULL, f->config, NULL, NULL, NULL, "config", "get", "office.name", NULL), ==, 1);
}

static void
test_help_creates_nothing (Fixture      *f,
                           gconstpointer data)
{
  const char *commands[] = { "edit", "show", "list", "search", "cancel", "register", "init" };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *out = NULL;

      g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, commands[i], "--help", NULL), ==, 0);
      g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
    }
}

static void
test_status_json (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *t = register_letter (f, "Jan");
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) n = NULL;
  JsonObject *o;

  g_assert_cmpint (okn_test_run_ctl (f->db, f->config, NULL, &out, NULL, "status", "--json", NULL), ==, 0);
  n = parse_json (out);
  o = json_node_get_object (n);
  g_assert_cmpstr (json_object_get_string_member (o, "station"), ==, "K03");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "states"), "queued"), ==, 1);
  g_assert_true (json_object_has_member (o, "oldest_queued_at"));
}

static void
test_env_database (Fixture      *f,
                   gconstpointer data)
{
  g_autofree char *out = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GError) error = NULL;

  /* OKIENKO_DB picks the database when --db is not given. */
  g_subprocess_launcher_setenv (launcher, "OKIENKO_DB", f->db, TRUE);
  g_subprocess_launcher_setenv (launcher, "OKIENKO_CONFIG", f->config, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, okn_test_ctl_path (), "status", "--json", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, f->db));
  g_assert_nonnull (strstr (out, "\"K03\""));
}

/* A letter registered on a disk with room for the record but not for the
 * mark in DB.issued (the testers' ~108 KB free): the letter is stored and
 * its ticket printed (exit 0, as the desk shows a saved ticket), and the
 * administrator is told on stderr which file was not written and what to
 * do; doing it makes the station whole again. */
static void
register_mark_not_written_scenario (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *config = g_build_filename (dir, "c.conf", NULL);
  g_autofree char *issued = g_strconcat (db, ".issued", NULL);
  g_autofree char *fill = g_build_filename (dir, "fill", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (OknStore) holder = NULL;
  g_autoptr (OknRecord) stored = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  g_assert_true (okn_test_enter_private_mount ());
  g_assert_cmpint (mount ("okn-test", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, NULL, "init", "--station", "K03", NULL), ==, 0);
  /* The desk's connection stays open, so the -wal stays; it is given room
   * and checkpointed, and the database free pages: a letter fits in them
   * on a full disk, the first page of the new .issued file does not. */
  holder = okn_store_open (db, &error);
  g_assert_no_error (error);
  okn_test_sql_exec (db, "INSERT INTO meta (key, value) VALUES ('pad', hex (zeroblob (40000)));"
                         "DELETE FROM meta WHERE key = 'pad'; PRAGMA wal_checkpoint (PASSIVE);");
  okn_test_fill_disk (dir);

  rc = okn_test_run_ctl (db, config, NULL, &out, &err, "register", "letter", "--sender", "Jan Kowalski", NULL);
  g_printerr ("register, the mark not written: %d %s%s", rc, out, err);
  g_assert_cmpint (rc, ==, 0);
  g_strstrip (out);
  stored = okn_store_lookup (holder, out, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->sender_name, ==, "Jan Kowalski");
  g_assert_nonnull (strstr (err, "warning"));
  g_assert_nonnull (strstr (err, issued));
  g_assert_nonnull (strstr (err, out));
  g_assert_nonnull (strstr (err, "okienkoctl init"));

  /* What the warning says to do, done: the mark is written. */
  g_assert_cmpint (g_unlink (fill), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, NULL, &err, "init", NULL), ==, 0);
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (okn_test_run_ctl (db, config, NULL, &out, NULL, "check", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Everything holds."));

  g_clear_pointer (&holder, okn_store_close);
  umount2 (dir, MNT_DETACH);
  okn_test_rm_rf (dir);
}

static void
test_register_mark_not_written (Fixture      *f,
                                gconstpointer data)
{
  okn_test_trap_private_mount (register_mark_not_written_scenario, 60);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/okienkoctl/init-idempotent", test_init_idempotent);
  ADD ("/okienkoctl/register-and-show", test_register_and_show);
  ADD ("/okienkoctl/show-coordinates", test_show_coordinates);
  ADD ("/okienkoctl/exit-codes", test_exit_codes);
  ADD ("/okienkoctl/help-for-every-command", test_help_for_every_command);
  ADD ("/okienkoctl/register-json-shapes", test_register_json_shapes);
  ADD ("/okienkoctl/register-json-all-or-none", test_register_json_all_or_none);
  ADD ("/okienkoctl/list-search-edit-cancel", test_list_search_edit_cancel);
  ADD ("/okienkoctl/config", test_config_command);
  ADD ("/okienkoctl/config-list-all-columns", test_config_list_all_columns);
  ADD ("/okienkoctl/config-http-warning", test_config_http_warning);
  ADD ("/okienkoctl/status-json", test_status_json);
  g_test_add ("/okienkoctl/help-creates-nothing", Fixture, "no init", fixture_setup, test_help_creates_nothing, fixture_teardown);
  ADD ("/okienkoctl/env-database", test_env_database);
  g_test_add ("/okienkoctl/register-mark-not-written", Fixture, "no init", fixture_setup,
              test_register_mark_not_written, fixture_teardown);
#undef ADD
  return g_test_run ();
}
