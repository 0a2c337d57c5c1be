/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-config.c: the configuration file: known keys, validation, unknown
 * keys reported, atomic private saves, secrets never shown */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"

/* @text written to @path, with @mode. */
static void
write_file (const char *path,
            const char *text,
            gssize      len,
            int         mode)
{
  g_assert_true (g_file_set_contents_full (path, text, len, G_FILE_SET_CONTENTS_CONSISTENT, mode, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

/* @text written to @name in @dir, with @mode: its path. */
static char *
write_private (const char *dir,
               const char *name,
               const char *text,
               gssize      len,
               int         mode)
{
  char *path = g_build_filename (dir, name, NULL);

  write_file (path, text, len, mode);
  return path;
}

/* Every problem @config's load found, one a line. */
static char *
problems_text (OknConfig *config)
{
  const GPtrArray *problems = okn_config_get_problems (config);
  GString *all = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (all, "%s\n", (const char *) g_ptr_array_index (problems, i));
  return g_string_free (all, FALSE);
}

/* The files of one test, as the harness names them: a folder removed
 * after the test, and the configuration's usual name in it (not written). */
typedef struct
{
  char *dir;
  char *db;     /* named with the others, never made: no test here opens a store */
  char *path;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->path);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_test_paths_clear (&f->dir, &f->db, &f->path);
}

/* @text written as the fixture's configuration, with @mode, and loaded:
 * the load must succeed. */
static OknConfig *
load_text (Fixture    *f,
           const char *text,
           int         mode)
{
  g_autoptr (GError) error = NULL;
  OknConfig *config;

  write_file (f->path, text, -1, mode);
  config = okn_config_load (f->path, &error);
  g_assert_no_error (error);
  return config;
}

/* @len bytes of @text written as the fixture's configuration and loaded:
 * the load must refuse the file, naming it. Returns: the error */
static GError *
load_refused (Fixture    *f,
              const char *text,
              gssize      len)
{
  GError *error = NULL;
  g_autoptr (OknConfig) config = NULL;

  write_file (f->path, text, len, 0600);
  config = okn_config_load (f->path, &error);
  g_test_message ("%s", error ? error->message : "(loaded)");
  g_assert_null (config);
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, f->path));
  return error;
}

static void
test_missing_file_is_empty (Fixture      *f,
                            gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = okn_config_load (f->path, &error);
  g_autofree char *timeout = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
  g_assert_false (okn_config_is_set (config, "server.url"));
  g_assert_null (okn_config_get_string (config, "server.url"));
  /* Defaults come from the key table. */
  timeout = okn_config_get_string (config, "server.timeout");
  g_assert_cmpstr (timeout, ==, "30");
  g_assert_cmpint (okn_config_get_int (config, "server.timeout"), ==, 30);
}

static void
test_set_save_load (Fixture      *f,
                    gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "sub", "okienko.conf", NULL);
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

/* A refused value names its key in the message, for okienkoctl, and also
 * gives the key and the problem apart, so that a dialog names the field
 * by its label without taking the message apart. */
static void
test_refusal_key_as_data (void)
{
  g_autoptr (OknConfig) config = okn_config_new ("/nonexistent/okienko.conf");
  struct { const char *key; const char *value; const char *problem; } cases[] = {
    { "server.timeout", "ten", "not a whole number from 1 to 600." },
    { "server.url", "ftp://x/", "not an http:// or https:// address." },
    { "office.status_url", "https://x/{id}", "the only places to fill in are {ticket} and {code}." },
    { "server.api_key", "", "the value is empty; use unset to remove it." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) copy = NULL;
      g_autofree char *message = NULL;

      g_assert_false (okn_config_set (config, cases[i].key, cases[i].value, &error));
      g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE);
      g_assert_cmpstr (okn_config_error_get_key (error), ==, cases[i].key);
      g_assert_cmpstr (okn_config_error_get_problem (error), ==, cases[i].problem);
      message = g_strdup_printf ("%s: %s", cases[i].key, cases[i].problem);
      g_assert_cmpstr (error->message, ==, message);
      /* A copy (a GTask's result) keeps them. */
      copy = g_error_copy (error);
      g_assert_cmpstr (okn_config_error_get_key (copy), ==, cases[i].key);
      g_assert_cmpstr (okn_config_error_get_problem (copy), ==, cases[i].problem);
    }

  /* An unknown key has no field to name; other domains have no key. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "server.url: x");

    g_assert_false (okn_config_set (config, "server.urll", "https://x/", &error));
    g_assert_null (okn_config_error_get_key (error));
    g_assert_null (okn_config_error_get_problem (error));
    g_assert_null (okn_config_error_get_key (other));
    g_assert_null (okn_config_error_get_problem (NULL));
  }
}

static void
test_unknown_keys_reported (Fixture      *f,
                            gconstpointer data)
{
  const char *text =
    "[server]\n"
    "url=https://open311.example.org/v2/\n"
    "urll=https://typo.example.org/\n"
    "api_key=very-secret-value\n"
    "timeout=forever\n"
    "[offfice]\n"
    "name=Urząd\n";
  g_autoptr (OknConfig) config = load_text (f, text, 0600);
  g_autofree char *all = NULL;
  g_autofree char *url = NULL;

  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 3);
  all = problems_text (config);
  g_assert_nonnull (strstr (all, "server.urll"));
  g_assert_nonnull (strstr (all, "offfice.name"));
  g_assert_nonnull (strstr (all, "server.timeout"));
  /* Problems never quote a secret. */
  g_assert_null (strstr (all, "very-secret-value"));

  url = okn_config_get_string (config, "server.url");
  g_assert_cmpstr (url, ==, "https://open311.example.org/v2/");
  /* A bad value reads as unset, i.e. the default. */
  g_assert_cmpint (okn_config_get_int (config, "server.timeout"), ==, 30);
}

static void
test_unreadable_file (Fixture      *f,
                      gconstpointer data)
{
  g_error_free (load_refused (f, "this is not = a key file [\n", -1));
}

/* A line that is not a setting is named by its number (and its key, when
 * it is one of ours), never quoted: it may be the API key. */
static void
test_lines_never_quoted (Fixture      *f,
                         gconstpointer data)
{
  static const char nul[] = "[server]\napi_key=Super\0SecretKey123\n";
  struct
  {
    const char *text;
    gssize len;
    const char *names;
  } cases[] = {
    { "[server]\nurl=https://x.example/\napi_key SuperSecretKey123\n", -1, "line 3 (server.api_key)" },
    { "[server]\nSuperSecretKey123\n", -1, "line 2:" },
    { "SuperSecretKey123=1\n", -1, "line 1:" },
    { "[Super SecretKey123\n", -1, "line 1:" },
    { nul, sizeof nul - 1, "line 2:" },
    { "[server]\napi_key=SuperSecretKey123\n\xff\n", -1, "line 3:" },
    /* root's line of /etc/shadow */
    { "root:$y$j9T$SuperSecretKey123$abc:19700:0:99999:7:::\n", -1, "line 1:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      g_test_message ("case %u", i);
      error = load_refused (f, cases[i].text, cases[i].len);
      g_assert_nonnull (strstr (error->message, cases[i].names));
      g_assert_null (strstr (error->message, "Secret"));
    }

  /* A key name that is not a name is not repeated either. */
  {
    g_autoptr (OknConfig) config = load_text (f, "[server]\napi_key SuperSecretKey123 = x\n", 0600);
    const GPtrArray *problems;

    problems = okn_config_get_problems (config);
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "line 2"));
    g_assert_null (strstr (g_ptr_array_index (problems, 0), "Secret"));
  }
}

/* A link is followed only to a private file of ours: a configuration
 * linked to /etc/shadow is not read, whoever runs the program. */
static void
test_symlink_refused (Fixture      *f,
                      gconstpointer data)
{
  const char *link = f->path;
  g_autofree char *target = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;

  g_assert_cmpint (symlink ("/etc/shadow", link), ==, 0);
  config = okn_config_load (link, &error);
  g_test_message ("/etc/shadow: %s", error ? error->message : "(loaded)");
  g_assert_null (config);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, link));
  g_assert_null (strstr (error->message, "root"));
  if (geteuid () == 0)
    g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE);
  g_clear_error (&error);
  g_unlink (link);

  /* A link to a file of ours that others can read: refused, saying how. */
  target = write_private (f->dir, "real.conf", "[office]\nname=Urząd\n", -1, 0644);
  g_assert_cmpint (symlink (target, link), ==, 0);
  config = okn_config_load (link, &error);
  g_assert_null (config);
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);
  /* ...and nothing was changed through the link. */
  {
    struct stat st;

    g_assert_cmpint (g_stat (target, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  }

  /* A link to a private file of ours is fine (administrators link). */
  g_assert_cmpint (g_chmod (target, 0600), ==, 0);
  config = okn_config_load (link, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
  g_clear_pointer (&config, okn_config_free);

  /* A link to someone else's private file (root can read it). */
  if (geteuid () == 0)
    {
      g_assert_cmpint (chown (target, 65534, 65534), ==, 0);
      config = okn_config_load (link, &error);
      g_assert_null (config);
      g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE);
      g_assert_nonnull (strstr (error->message, "another user"));
      g_clear_error (&error);
    }
}

/* init and config set create the file 0600; one made readable later is
 * made private again at load, or refused when it is not ours. */
static void
test_mode_checked_at_load (Fixture      *f,
                           gconstpointer data)
{
  const char *path = f->path;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = load_text (f, "[server]\napi_key=k3y\n", 0644);
  const GPtrArray *problems;
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  problems = okn_config_get_problems (config);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "644"));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "private"));
  g_clear_pointer (&config, okn_config_free);

  /* Private now: no word about it next time. */
  config = okn_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
  g_clear_pointer (&config, okn_config_free);

  /* Without a secret in it the file is made private all the same, and
   * there is nothing to warn about. */
  {
    g_autofree char *plain = write_private (f->dir, "plain.conf", "[office]\nname=Urząd\n", -1, 0664);

    config = okn_config_load (plain, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
    g_assert_cmpint (g_stat (plain, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    g_clear_pointer (&config, okn_config_free);
  }

  if (geteuid () == 0)
    {
      g_assert_cmpint (g_chmod (path, 0640), ==, 0);
      g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
      config = okn_config_load (path, &error);
      g_assert_null (config);
      g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_UNSAFE);
      g_assert_nonnull (strstr (error->message, "chmod 600"));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0640);
    }
}

/* A configuration file its owner made read-only (0400, or 0440 for a
 * service's group) says "do not change this": saving it replaced it with
 * a new 0600 file, even as root. Saving now refuses, saying so and
 * naming the file, and leaves the file as it was; the load makes it
 * private without making it writable. A writable file keeps its mode
 * and its group when saved. */
static void
test_save_read_only (Fixture      *f,
                     gconstpointer data)
{
  const char *path = f->path;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = load_text (f, "[office]\nname=Urząd\n", 0440);
  g_autofree char *text = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0400);
  g_assert_true (okn_config_set (config, "office.name", "Inny urząd", &error));
  g_assert_false (okn_config_save (config, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_READ_ONLY);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "[office]\nname=Urząd\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0400);

  /* Made writable by its owner: saved, mode and group as they were. */
  g_assert_cmpint (g_chmod (path, 0700), ==, 0);
  if (geteuid () == 0)
    g_assert_cmpint (chown (path, 0, 65534), ==, 0);
  g_assert_true (okn_config_save (config, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  if (geteuid () == 0)
    g_assert_cmpint (st.st_gid, ==, 65534);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "Inny urząd"));
}

static void
test_http_with_key_warned (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (OknConfig) config = load_text (f, "[server]\nurl=http://open311.example.org/v2/\napi_key=k3y\n", 0600);
  g_autoptr (OknConfig) b = load_text (f, "[server]\nurl=https://open311.example.org/v2/\napi_key=k3y\n", 0600);
  g_autoptr (OknConfig) c = load_text (f, "[server]\nurl=http://127.0.0.1:8080/\n", 0600);
  const GPtrArray *problems = okn_config_get_problems (config);

  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "http://"));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "https://"));
  g_assert_null (strstr (g_ptr_array_index (problems, 0), "k3y"));
  g_assert_cmpuint (okn_config_get_problems (b)->len, ==, 0);
  g_assert_cmpuint (okn_config_get_problems (c)->len, ==, 0);

  /* A loopback server: the key stays on this machine. A name that only
   * starts like one does not. */
  {
    const char *loopback[] = { "http://127.0.0.1:8080/", "http://127.0.0.2/", "http://[::1]:8080/",
                               "http://localhost/v2/", "HTTP://LocalHost:80/" };
    const char *remote[] = { "http://127.0.0.1.example.org/", "http://localhost.example.org/",
                             "http://10.0.0.1/" };

    for (guint i = 0; i < G_N_ELEMENTS (loopback) + G_N_ELEMENTS (remote); i++)
      {
        gboolean is_loopback = i < G_N_ELEMENTS (loopback);
        const char *url = is_loopback ? loopback[i] : remote[i - G_N_ELEMENTS (loopback)];
        g_autofree char *text = g_strdup_printf ("[server]\nurl=%s\napi_key=k3y\n", url);
        g_autoptr (OknConfig) l = load_text (f, text, 0600);

        g_test_message ("%s", url);
        g_assert_cmpuint (okn_config_get_problems (l)->len, ==, (guint) (is_loopback ? 0 : 1));
      }
  }
}

/* Every key is checked as it is set and as the file is loaded; the
 * message names the key and never quotes the value. */
static void
test_every_key_validated (Fixture      *f,
                          gconstpointer data)
{
  g_autoptr (OknConfig) config = okn_config_new ("/nonexistent/okienko.conf");
  const char *pin = "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  g_autofree char *two_pins = g_strdup_printf ("%s;%s", pin, pin);
  struct
  {
    const char *key;
    const char *value;
    gboolean ok;
  } cases[] = {
    { "escpos.cut", "sideways", FALSE },
    { "escpos.cut", "Full", TRUE },
    { "escpos.device", "10.0.0.1:99999", FALSE },
    { "escpos.device", "10.0.0.1:0", FALSE },
    { "escpos.device", "printer one:9100", FALSE },
    { "escpos.device", "host:", FALSE },
    { "escpos.device", "usb/printer0", FALSE },
    { "escpos.device", "10.0.0.1:9100", TRUE },
    { "escpos.device", "tcp://printer.local:9101", TRUE },
    { "escpos.device", "[fe80::1]:9100", TRUE },
    { "escpos.device", "printer.local", TRUE },
    { "escpos.device", "/dev/usb/lp0", TRUE },
    { "server.pinned_key", "garbage-that-could-be-a-secret", FALSE },
    { "server.pinned_key", "sha256//tooshort=", FALSE },
    { "server.pinned_key", "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd", FALSE },
    { "server.pinned_key", pin, TRUE },
    { "server.pinned_key", two_pins, TRUE },
    { "server.pinned_key", "/etc/okienko/server-key.pem", TRUE },
    { "office.status_url", "javascript:alert(document.cookie)//{ticket}{code}", FALSE },
    { "office.status_url", "https://status.example.org/{code}", FALSE },
    { "office.status_url", "https://status.example.org/{tiket}?c={code}", FALSE },
    { "office.status_url", "ftp://status.example.org/{ticket}", FALSE },
    { "office.status_url", "https:///{ticket}", FALSE },
    { "office.status_url", "https://status.example.org/", TRUE },
    { "office.status_url", "https://status.example.org/{ticket}", TRUE },
    { "office.status_url", "https://status.example.org/s?nr={ticket}&kod={code}", TRUE },
    { "desk.letter_outputs", "label,bogus", FALSE },
    { "desk.letter_outputs", "label, a4-confirmation", TRUE },
    { "desk.report_outputs", "", TRUE },
    { "desk.printer_a4", "My Printer", FALSE },
    { "desk.printer_a4", "Brother_HL-L2350DW", TRUE },
    { "letters.service_code", "letters and more", FALSE },
    { "letters.attr_subject", "", TRUE },
    { "server.ca_file", "ca.pem", FALSE },
    { "server.ca_file", "/etc/ssl/certs/city-ca.pem", TRUE },
    { "office.name", "Urząd \xe2\x80\xae", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = okn_config_set (config, cases[i].key, cases[i].value, &error);

      g_test_message ("%s %s: %s", cases[i].key, cases[i].value, error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        {
          g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE);
          g_assert_nonnull (strstr (error->message, cases[i].key));
          g_assert_null (strstr (error->message, cases[i].value));
        }
    }

  /* The same rules when the file is loaded: the bad value is reported by
   * line and key, and reads as the default. */
  {
    g_autoptr (OknConfig) loaded = load_text (f,
                                              "[escpos]\ncut=sideways\ndevice=10.0.0.1:99999\n"
                                              "[office]\nstatus_url=javascript:alert(1)\n", 0600);
    const GPtrArray *problems = okn_config_get_problems (loaded);
    g_autofree char *cut = NULL;

    g_assert_cmpuint (problems->len, ==, 3);
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "line 2: escpos.cut"));
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 1), "line 3: escpos.device"));
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 2), "line 5: office.status_url"));
    cut = okn_config_get_string (loaded, "escpos.cut");
    g_assert_cmpstr (cut, ==, "partial");
    g_assert_false (okn_config_is_set (loaded, "office.status_url"));
  }
}

/* A key written twice (an administrator adding a line instead of editing
 * the old one): the last line counts, the earlier one is named as ignored,
 * and unset removes the key, not only its last line: before, the earlier
 * value came back (an API key one meant to remove stayed in use). */
static void
test_key_set_twice (Fixture      *f,
                    gconstpointer data)
{
  const char *text =
    "[server]\n"
    "url = https://old.example.org/v2/\n"
    "api_key = old-secret-key\n"
    "[office]\n"
    "name = Urząd\n"
    "[server]\n"
    "url = https://new.example.org/v2/\n"
    "api_key = new-secret-key\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = load_text (f, text, 0600);
  g_autoptr (OknConfig) again = NULL;
  g_autoptr (GPtrArray) set = NULL;
  g_autofree char *all = NULL;
  g_autofree char *url = NULL;

  url = okn_config_get_string (config, "server.url");
  g_assert_cmpstr (url, ==, "https://new.example.org/v2/");
  all = problems_text (config);
  g_assert_nonnull (strstr (all, "line 2: server.url"));
  g_assert_nonnull (strstr (all, "line 3: server.api_key"));
  g_assert_null (strstr (all, "secret-key"));
  set = okn_config_list_set (config);
  g_assert_cmpuint (set->len, ==, 3);

  g_assert_true (okn_config_unset (config, "server.api_key", &error));
  g_assert_true (okn_config_save (config, &error));
  g_assert_no_error (error);
  again = okn_config_load (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (okn_config_is_set (again, "server.api_key"));
}

/* A file an editor or a script went wrong on (one key appended on every
 * run, a pasted list of unknown names): every program prints the problems
 * at every start, the sync service into the journal. A key set 20000
 * times is one problem, not 19999 (and its load does not look at every
 * ignored line for every line); past 20 problems the rest are counted,
 * and what makes the file risky (http:// with the API key) still says
 * so, after them. */
static void
test_problems_bounded (Fixture      *f,
                       gconstpointer data)
{
  const char *path = f->path;
  g_autoptr (GString) text = g_string_new ("[office]\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autofree char *name = NULL;
  const GPtrArray *problems;
  const char *last;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "name = Urząd %u\n", i);
  g_assert_true (g_file_set_contents_full (path, text->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  config = okn_config_load (path, &error);
  g_assert_no_error (error);
  name = okn_config_get_string (config, "office.name");
  g_assert_cmpstr (name, ==, "Urząd 19999");
  problems = okn_config_get_problems (config);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "line 2: office.name is set 20000 times"));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "line 20001"));
  g_clear_pointer (&config, okn_config_free);

  g_string_assign (text, "[server]\nurl = http://open311.example.org/v2/\napi_key = s3cret-k3y\n[office]\n");
  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "nosuch%u = 1\n", i);
  g_assert_true (g_file_set_contents_full (path, text->str, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  config = okn_config_load (path, &error);
  g_assert_no_error (error);
  problems = okn_config_get_problems (config);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (const char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 22);
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "office.nosuch0"));
  g_assert_nonnull (strstr (g_ptr_array_index (problems, 20), "19980 more problems in the file"));
  last = g_ptr_array_index (problems, 21);
  g_assert_nonnull (strstr (last, "unencrypted"));
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
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/config/missing-file-is-empty", test_missing_file_is_empty);
  ADD ("/config/set-save-load", test_set_save_load);
  g_test_add_func ("/config/bad-values-refused", test_bad_values_refused);
  g_test_add_func ("/config/refusal-key-as-data", test_refusal_key_as_data);
  ADD ("/config/unknown-keys-reported", test_unknown_keys_reported);
  ADD ("/config/key-set-twice", test_key_set_twice);
  ADD ("/config/problems-bounded", test_problems_bounded);
  ADD ("/config/unreadable-file", test_unreadable_file);
  g_test_add_func ("/config/secret-masked", test_secret_masked);
  ADD ("/config/lines-never-quoted", test_lines_never_quoted);
  ADD ("/config/symlink-refused", test_symlink_refused);
  ADD ("/config/mode-checked-at-load", test_mode_checked_at_load);
  ADD ("/config/save-read-only", test_save_read_only);
  ADD ("/config/http-with-key-warned", test_http_with_key_warned);
  ADD ("/config/every-key-validated", test_every_key_validated);
#undef ADD
  return g_test_run ();
}
