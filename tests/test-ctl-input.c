/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ctl-input.c: hostile input to okienkoctl, as a real process: NUL
 * characters, files that never end or are huge, arguments in a locale that
 * is not UTF-8, dates typed the way the desk shows them, and outside text
 * that must not reach the terminal raw.
 *
 * Every run has a watchdog: a process that hangs or keeps growing is killed
 * and reported as a failure, so a regression cannot stall the suite or eat
 * the machine's memory. The peak memory of the runs is read back from the
 * kernel (RUSAGE_CHILDREN) and printed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "okienko/okn-labels.h"
#include "okn-test-common.h"
#include "okn-test-sql.h"

/* A run that takes longer than this, or holds more memory, has hung or
 * runs away: the test fails instead of waiting for it. */
#define WATCHDOG_SECONDS 60
#define WATCHDOG_RSS_KB  (1024 * 1024)
/* What a bounded read may cost, with room for a sanitizer build. */
#define BOUNDED_RSS_KB   (400 * 1024)

typedef struct
{
  char *dir;
  char *db;
  char *config;
} Fixture;

typedef struct
{
  int status;          /* the exit code; -1 when killed */
  gboolean killed;     /* by the watchdog */
  char *why_killed;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->why_killed);
  g_free (run->out);
  g_free (run->err);
  memset (run, 0, sizeof *run);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

typedef struct
{
  GSubprocess *proc;
  GMainLoop *loop;
  Run *run;
  gint64 deadline;
} Watch;

static glong
rss_kb (GSubprocess *proc)
{
  const char *id = g_subprocess_get_identifier (proc);
  g_autofree char *path = NULL;
  g_autofree char *status = NULL;
  const char *line;

  if (id == NULL)
    return 0;
  path = g_strdup_printf ("/proc/%s/status", id);
  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  return line ? strtol (line + 7, NULL, 10) : 0;
}

static gboolean
on_watch_tick (gpointer data)
{
  Watch *w = data;
  glong rss = rss_kb (w->proc);

  if (g_get_monotonic_time () > w->deadline)
    w->run->why_killed = g_strdup_printf ("still running after %d s", WATCHDOG_SECONDS);
  else if (rss > WATCHDOG_RSS_KB)
    w->run->why_killed = g_strdup_printf ("holding %ld MB of memory", rss / 1024);
  else
    return G_SOURCE_CONTINUE;
  w->run->killed = TRUE;
  g_subprocess_force_exit (w->proc);
  return G_SOURCE_REMOVE;
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Watch *w = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  g_main_loop_quit (w->loop);
}

/* Runs okienkoctl with --db/--config, @env ("NAME=value" entries) added to
 * the environment, standard input from @stdin_path (or /dev/null). */
static void
run_ctl (Run                *run,
         Fixture            *f,
         const char *const  *env,
         const char         *stdin_path,
         const char *const  *args)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GPtrArray) argv = okn_test_ctl_argv (f->db, f->config, args);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainContext) ctx = g_main_context_new ();
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GSource) tick = NULL;
  g_autofree char *out_path = g_build_filename (f->dir, "stdout.txt", NULL);
  g_autofree char *err_path = g_build_filename (f->dir, "stderr.txt", NULL);
  Watch w = { 0 };

  memset (run, 0, sizeof *run);
  /* The launcher does not truncate an existing file. */
  g_unlink (out_path);
  g_unlink (err_path);
  for (guint i = 0; env && env[i]; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env[i], "=", 2);
      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  g_subprocess_launcher_set_stdin_file_path (launcher, stdin_path ? stdin_path : "/dev/null");
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, err_path);

  g_main_context_push_thread_default (ctx);
  w.proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  loop = g_main_loop_new (ctx, FALSE);
  w.loop = loop;
  w.run = run;
  w.deadline = g_get_monotonic_time () + WATCHDOG_SECONDS * G_USEC_PER_SEC;
  tick = g_timeout_source_new (20);
  g_source_set_callback (tick, on_watch_tick, &w, NULL);
  g_source_attach (tick, ctx);
  g_subprocess_wait_async (w.proc, NULL, on_exited, &w);
  g_main_loop_run (loop);
  g_source_destroy (tick);
  g_main_context_pop_thread_default (ctx);

  run->status = !run->killed && g_subprocess_get_if_exited (w.proc)
                  ? g_subprocess_get_exit_status (w.proc) : -1;
  g_object_unref (w.proc);
  g_assert_true (g_file_get_contents (out_path, &run->out, NULL, NULL));
  g_assert_true (g_file_get_contents (err_path, &run->err, NULL, NULL));
  if (run->killed)
    g_test_message ("okienkoctl %s was killed: %s", args[0], run->why_killed);
}

#define RUN(run, f, env, in, ...) \
  run_ctl ((run), (f), (env), (in), (const char *const[]) { __VA_ARGS__, NULL })

static glong
children_peak_rss_kb (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &ru), ==, 0);
  return ru.ru_maxrss;
}

static char *
write_file (Fixture      *f,
            const char   *name,
            const char   *data,
            gssize        len)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

static guint
count_records (Fixture *f)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;

  RUN (&run, f, NULL, NULL, "list", "--json");
  g_assert_cmpint (run.status, ==, 0);
  node = json_from_string (run.out, NULL);
  g_assert_nonnull (node);
  return json_array_get_length (json_node_get_array (node));
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_auto (Run) run = { 0 };

  okn_test_paths_make ("okienko.db", &f->dir, &f->db, &f->config);
  RUN (&run, f, NULL, NULL, "init", "--station", "K03");
  g_assert_cmpint (run.status, ==, 0);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_test_paths_clear (&f->dir, &f->db, &f->config);
}

/* Item 3: a NUL is refused like every other control character ----------- */

/* A string literal with the NUL bytes in it, and its length. */
#define RAW(literal) literal, (gssize) sizeof (literal) - 1

/* @json (@len bytes; -1: up to its NUL) given to register --json, on
 * standard input and as a file named on the command line: refused, the
 * message naming @named. Case @i in the log. */
static void
assert_json_refused (Fixture    *f,
                     guint       i,
                     const char *json,
                     gssize      len,
                     const char *named)
{
  g_auto (Run) run = { 0 };
  g_autofree char *path = write_file (f, "in.json", json, len);

  RUN (&run, f, NULL, path, "register", "--json", "-");
  g_test_message ("case %u: exit %d, %s%s", i, run.status, run.out, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, named));

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "--json", path);
  g_test_message ("case %u from the file: exit %d, %s", i, run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, named));
}

/* The sender stored when @json is registered from standard input. */
static char *
json_registered_sender (Fixture    *f,
                        const char *json)
{
  g_auto (Run) run = { 0 };
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *path = write_file (f, "ok.json", json, -1);

  RUN (&run, f, NULL, path, "register", "--json", "-");
  g_assert_cmpint (run.status, ==, 0);
  node = json_from_string (run.out, NULL);
  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "sender"));
}

static void
test_json_nul (Fixture      *f,
               gconstpointer data)
{
  struct
  {
    const char *json;
    gssize len;
    const char *named;   /* what the message must name */
  } cases[] = {
    /* The escape json-glib would cut the text at: stored as "J" before. */
    { "{\"kind\":\"letter\",\"sender\":\"J\\u0000K\"}", -1, "Sender" },
    { "[{\"kind\":\"letter\",\"sender\":\"A\"},{\"kind\":\"letter\",\"anonymous\":true,"
      "\"subject\":\"x\\u0000\"}]", -1, "Subject" },
    { "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"D\",\"address\":\"A 1\","
      "\"attributes\":{\"depth\":\"10\\u0000cm\"}}", -1, "depth" },
    { "{\"kind\":\"letter\",\"sen\\u0000der\":\"Jan\"}", -1, "Unknown field" },
    /* Raw bytes in a file: inside a string, and between two records (the
     * second record was silently dropped before). */
    { RAW ("{\"kind\":\"letter\",\"sender\":\"J\0K\"}"), "Sender" },
    { RAW ("{\"kind\":\"letter\",\"sender\":\"A\"}\n\0{\"kind\":\"letter\",\"sender\":\"B\"}"), "Line 2" },
  };
  g_autofree char *sender = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_json_refused (f, i, cases[i].json, cases[i].len, cases[i].named);
  g_assert_cmpuint (count_records (f), ==, 0);

  /* An escaped backslash before "u0000" is six ordinary characters. */
  sender = json_registered_sender (f, "{\"kind\":\"letter\",\"sender\":\"J\\\\u0000K\"}");
  g_assert_cmpstr (sender, ==, "J\\u0000K");
}

/* Half of a UTF-16 surrogate pair written as an escape ("\ud800" alone)
 * is no character: json-glib stored U+FFFD in its place, and a name from
 * an export was registered changed, without a word. It is refused by
 * field like a control character; a whole pair is the character it
 * encodes. */
static void
test_json_lone_surrogate (Fixture      *f,
                          gconstpointer data)
{
  struct
  {
    const char *json;
    const char *named;   /* what the message must name */
  } cases[] = {
    { "{\"kind\":\"letter\",\"sender\":\"Jan \\ud800 Kowalski\"}", "Sender" },
    { "{\"kind\":\"letter\",\"sender\":\"Jan\",\"subject\":\"\\udfff\"}", "Subject" },
    { "{\"kind\":\"letter\",\"sender\":\"Jan\",\"subject\":\"x\\uD83D\"}", "Subject" },
    { "{\"kind\":\"letter\",\"sender\":\"Jan\",\"notes\":\"\\ud83d\\u0041\"}", "Notes" },
    { "{\"kind\":\"letter\",\"sender\":\"Jan\",\"notes\":\"\\ude00\\ud83d\"}", "Notes" },
    { "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"D\",\"address\":\"A 1\","
      "\"attributes\":{\"depth\":\"10\\udc00cm\"}}", "depth" },
  };
  g_autofree char *sender = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_json_refused (f, i, cases[i].json, -1, cases[i].named);
  g_assert_cmpuint (count_records (f), ==, 0);

  /* A pair is one character, in either case of hex digits. */
  sender = json_registered_sender (f, "{\"kind\":\"letter\",\"sender\":\"J\\ud83d\\uDE00K\"}");
  g_assert_cmpstr (sender, ==, "J\xf0\x9f\x98\x80" "K");
}

/* An attribute code the cached category does not define is refused on a
 * new record, naming it and the codes the category has (the server would
 * drop it or refuse the report after the resident left), in the clerk's
 * language; a category without metadata has none. */
static void
test_unknown_attribute (Fixture      *f,
                        gconstpointer data)
{
  const char *polish[] = { "LANGUAGE=pl", NULL };
  const char *ukrainian[] = { "LANGUAGE=uk", NULL };
  const struct
  {
    const char *const *env;
    const char *text;
  } said[] = {
    { NULL, "nosuch: the category has no such attribute; its attributes are size." },
    { polish, "nosuch: kategoria nie ma takiego atrybutu; jej atrybuty to: size." },
    { ukrainian, "nosuch: категорія не має такого атрибута; її атрибути: size." },
  };
  g_autofree char *catalogue = g_build_filename (OKN_SOURCE_ROOT, "tests", "fixtures", "catalogue.json", NULL);
  g_autofree char *path = write_file (f, "in.json",
                                      "{\"kind\":\"report\",\"category\":\"pothole\",\"description\":\"D\","
                                      "\"address\":\"A 1\",\"attributes\":{\"size\":\"small\",\"nosuch\":\"1\"}}", -1);
  g_auto (Run) run = { 0 };

  RUN (&run, f, NULL, NULL, "services", "import", catalogue);
  g_assert_cmpint (run.status, ==, 0);

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "report", "--category", "pothole", "--description", "D", "--address",
       "A 1", "--attr", "size=small", "--attr", "nosuch=1");
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, said[0].text));

  for (guint i = 0; i < G_N_ELEMENTS (said); i++)
    {
      run_clear (&run);
      RUN (&run, f, said[i].env, path, "register", "--json", "-");
      g_test_message ("%s", run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, said[i].text));
    }

  /* "bench" has no metadata: no attributes at all. */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "report", "--category", "bench", "--description", "D", "--address",
       "A 1", "--attr", "colour=green");
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "colour: the category has no attributes."));
  g_assert_cmpuint (count_records (f), ==, 0);

  /* The category's own codes go through. */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "report", "--category", "pothole", "--description", "D", "--address",
       "A 1", "--attr", "size=small");
  g_assert_cmpint (run.status, ==, 0);
}

/* Item 11: files that are not files, or too big, and input without end --- */

static void
test_attach_not_regular (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "pipe.png", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder.png", NULL);
  const char *paths[] = { "/dev/zero", fifo, folder };

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto (Run) run = { 0 };
      g_autofree char *base = g_path_get_basename (paths[i]);

      RUN (&run, f, NULL, NULL, "register", "report", "--category", "pothole", "--description", "D",
           "--address", "Piotrkowska 1", "--attach", paths[i]);
      g_test_message ("%s: exit %d, %s", paths[i], run.status, run.err);
      g_assert_false (run.killed);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "Files"));
      g_assert_nonnull (strstr (run.err, base));
      g_assert_nonnull (strstr (run.err, "not a regular file"));
    }
  g_assert_cmpuint (count_records (f), ==, 0);
}

static void
test_attach_too_big (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *big = g_build_filename (f->dir, "scan.pdf", NULL);
  g_auto (Run) run = { 0 };
  int fd;

  /* 1.5 GB that takes no disk: a sparse file. */
  fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1536 * 1024 * 1024), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--attach", big);
  g_test_message ("exit %d, %s; peak memory of the runs so far %ld MB", run.status, run.err,
                  children_peak_rss_kb () / 1024);
  g_assert_false (run.killed);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "Files"));
  g_assert_nonnull (strstr (run.err, "scan.pdf"));
  g_assert_nonnull (strstr (run.err, "20 MiB"));
  /* Refused from its size, not after reading 1.5 GB into memory. */
  g_assert_cmpint (children_peak_rss_kb (), <, BOUNDED_RSS_KB);

  /* An empty file is refused too, by name. */
  run_clear (&run);
  g_assert_true (g_file_set_contents (big, "", 0, NULL));
  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--attach", big);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "scan.pdf"));
  g_assert_cmpuint (count_records (f), ==, 0);
}

static void
test_json_input_bounded (Fixture      *f,
                         gconstpointer data)
{
  g_autofree char *spaces = NULL;
  g_autofree char *path = NULL;
  const gsize over = 16 * 1024 * 1024 + 1;
  g_auto (Run) run = { 0 };

  /* A device that never ends. */
  RUN (&run, f, NULL, NULL, "register", "--json", "/dev/urandom");
  g_test_message ("/dev/urandom: exit %d, %s; peak memory of the runs so far %ld MB", run.status,
                  run.err, children_peak_rss_kb () / 1024);
  g_assert_false (run.killed);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "16 MiB"));
  g_assert_cmpint (children_peak_rss_kb (), <, BOUNDED_RSS_KB);

  /* The same from standard input. */
  run_clear (&run);
  RUN (&run, f, NULL, "/dev/zero", "register", "--json", "-");
  g_assert_false (run.killed);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "16 MiB"));

  /* A regular file just over the limit: one record padded with spaces. */
  spaces = g_malloc (over);
  memset (spaces, ' ', over);
  memcpy (spaces, "{\"kind\":\"letter\",\"sender\":\"A\"}", 30);
  path = write_file (f, "big.json", spaces, (gssize) over);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "--json", path);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "16 MiB"));
  g_assert_cmpint (children_peak_rss_kb (), <, BOUNDED_RSS_KB);
  g_assert_cmpuint (count_records (f), ==, 0);

  /* Just under the limit is fine. */
  g_assert_true (g_file_set_contents (path, spaces, (gssize) over - 2, NULL));
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "--json", path);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpuint (count_records (f), ==, 1);

  /* Small JSON, big files: the same 8 MiB scan attached by 13 records is
   * more than one import may hold in memory (100 MiB). */
  {
    g_autofree char *scan = g_build_filename (f->dir, "scan.pdf", NULL);
    g_autofree char *bytes = g_malloc0 (8 * 1024 * 1024);
    g_autoptr (GString) ndjson = g_string_new (NULL);
    g_autofree char *input = NULL;

    g_assert_true (g_file_set_contents (scan, bytes, 8 * 1024 * 1024, NULL));
    for (guint i = 0; i < 13; i++)
      g_string_append_printf (ndjson, "{\"kind\":\"report\",\"category\":\"pothole\","
                              "\"description\":\"D\",\"address\":\"A %u\",\"files\":[\"%s\"]}\n",
                              i, scan);
    input = write_file (f, "files.json", ndjson->str, -1);
    run_clear (&run);
    RUN (&run, f, NULL, input, "register", "--json", "-");
    g_test_message ("13 × 8 MiB: exit %d, %s", run.status, run.err);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Line 13"));
    g_assert_nonnull (strstr (run.err, "100 MiB"));
    g_assert_cmpuint (count_records (f), ==, 1);
  }
}

/* A record holds a bounded number of attribute values: 200,000 of them in
 * 3 MB of JSON were stored (minutes of work, and a POST no server takes);
 * just over the bound is refused with one line naming the field. */
static void
test_json_attributes_bounded (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (GString) json = g_string_new ("{\"kind\":\"report\",\"category\":\"pothole\","
                                           "\"description\":\"D\",\"address\":\"A\",\"attributes\":{");
  g_autofree char *path = NULL;
  g_auto (Run) run = { 0 };

  for (guint i = 0; i < 1001; i++)
    g_string_append_printf (json, "%s\"k%u\":\"v\"", i ? "," : "", i);
  g_string_append (json, "}}");
  path = write_file (f, "attributes.json", json->str, -1);
  RUN (&run, f, NULL, NULL, "register", "--json", path);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "Attributes"));
  g_assert_nonnull (strstr (run.err, "1000"));
  /* One line, not one per value. */
  g_assert_true (strchr (run.err, '\n') == strrchr (run.err, '\n'));
  g_assert_cmpuint (count_records (f), ==, 0);
}

/* Item 19: arguments and JSON are UTF-8 whatever the locale ------------- */

static void
test_utf8_whatever_locale (Fixture      *f,
                           gconstpointer data)
{
  const char *c_locale[] = { "LC_ALL=C", NULL };
  const char *posix[] = { "LC_ALL=", "LANG=POSIX", NULL };
  g_auto (Run) run = { 0 };
  g_autofree char *ticket = NULL;

  RUN (&run, f, c_locale, NULL, "register", "letter", "--sender", "Łódź Wschodnia",
       "--subject", "Źdźbło");
  g_test_message ("exit %d, %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 0);
  ticket = g_strstrip (g_strdup (run.out));

  run_clear (&run);
  RUN (&run, f, c_locale, NULL, "show", ticket, "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"sender\":\"Łódź Wschodnia\""));

  run_clear (&run);
  RUN (&run, f, posix, NULL, "list", "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Źdźbło"));

  /* Text output keeps the letters too. */
  run_clear (&run);
  RUN (&run, f, c_locale, NULL, "show", ticket);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "Łódź Wschodnia"));

  /* Bytes that are not UTF-8 are refused, naming the option. */
  run_clear (&run);
  RUN (&run, f, c_locale, NULL, "register", "letter", "--sender", "\xc5\x81\xff\xfe");
  g_test_message ("exit %d, %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--sender"));
  g_assert_nonnull (strstr (run.err, "UTF-8"));
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--subject=\xff");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "--subject"));

  /* JSON input is UTF-8 too; Latin-2 bytes are refused by line. */
  {
    g_autofree char *path = write_file (f, "latin2.json", "{\"kind\":\"letter\",\n\"sender\":\"\xa3\xf3" "d\xbc\"}", -1);

    run_clear (&run);
    RUN (&run, f, c_locale, path, "register", "--json", "-");
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "Line 2"));
    g_assert_nonnull (strstr (run.err, "UTF-8"));
  }
  g_assert_cmpuint (count_records (f), ==, 1);
}

/* Item 20: the date formats the messages and the desk show --------------- */

static void
test_received_formats (Fixture      *f,
                       gconstpointer data)
{
  /* TZ is Europe/Warsaw in the test environment: CET in November. */
  struct
  {
    const char *typed;
    const char *stored;
  } cases[] = {
    { "2026-11-29T10:15", "2026-11-29T10:15:00+01:00" },
    { "2026-11-29T10:15:30", "2026-11-29T10:15:30+01:00" },
    { "2026-11-29 10:15", "2026-11-29T10:15:00+01:00" },
    { "2026-11-29T10:15:00+01:00", "2026-11-29T10:15:00+01:00" },
    { "2026-11-29T09:15Z", "2026-11-29T10:15:00+01:00" },
    { "2026-11-29T10:15+0200", "2026-11-29T09:15:00+01:00" },
    { "29.11.2026 10:15", "2026-11-29T10:15:00+01:00" },
    { "29.11.2026, 10:15:30", "2026-11-29T10:15:30+01:00" },
    { " 1.2.2026 8:05 ", "2026-02-01T08:05:00+01:00" },
    { "29.11.2026", "2026-11-29T00:00:00+01:00" },
    { "2026-11-29", "2026-11-29T00:00:00+01:00" },
    { "2026-07-01 12:00", "2026-07-01T12:00:00+02:00" },
  };
  const char *refused[] = { "29.11.2026 25:00", "31.11.2026 10:15", "2026-11-29T10", "yesterday",
                            "29.11.2026 10:15 extra", "2026-11-29T10:15+25:00" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Run) run = { 0 };
      g_autoptr (JsonNode) node = NULL;

      RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--received",
           cases[i].typed, "--json");
      g_test_message ("“%s”: exit %d %s", cases[i].typed, run.status, run.err);
      g_assert_cmpint (run.status, ==, 0);
      node = json_from_string (run.out, NULL);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "received_at"), ==,
                       cases[i].stored);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_auto (Run) run = { 0 };

      RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--received", refused[i]);
      g_test_message ("“%s”: exit %d %s", refused[i], run.status, run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "Date received"));
      /* The hint shows both forms, and not the refused text as an example. */
      g_assert_nonnull (strstr (run.err, "29.11.2026 10:15"));
    }
}

/* Items 7, 8, 22: the configuration file ---------------------------------- */

static void
write_config (Fixture    *f,
              const char *text,
              int         mode)
{
  g_unlink (f->config);
  g_assert_true (g_file_set_contents_full (f->config, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode,
                                           NULL));
  g_assert_cmpint (g_chmod (f->config, mode), ==, 0);
}

static void
test_config_lines_not_quoted (Fixture      *f,
                              gconstpointer data)
{
  g_auto (Run) run = { 0 };

  write_config (f, "[server]\nurl=https://open311.example.org/v2/\napi_key SuperSecretKey123\n", 0600);
  RUN (&run, f, NULL, NULL, "status");
  g_test_message ("exit %d, %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "line 3"));
  g_assert_nonnull (strstr (run.err, "server.api_key"));
  g_assert_null (strstr (run.err, "SuperSecret"));
}

static void
test_config_symlink (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *target = g_build_filename (f->dir, "shared.conf", NULL);
  g_auto (Run) run = { 0 };

  /* Whoever runs it (the sync service may run as root), the lines of
   * /etc/shadow are not printed. */
  g_assert_cmpint (symlink ("/etc/shadow", f->config), ==, 0);
  RUN (&run, f, NULL, NULL, "status");
  g_test_message ("/etc/shadow: exit %d, %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_null (strstr (run.err, "root"));
  g_assert_null (strstr (run.err, "$"));
  g_assert_nonnull (strstr (run.err, f->config));

  /* A link to a readable file: refused with the way to fix it. */
  g_unlink (f->config);
  g_assert_true (g_file_set_contents (target, "[server]\napi_key=k3y\n", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0644), ==, 0);
  g_assert_cmpint (symlink (target, f->config), ==, 0);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "status");
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "chmod 600"));
  g_assert_null (strstr (run.err, "k3y"));
}

static void
test_config_mode (Fixture      *f,
                  gconstpointer data)
{
  g_auto (Run) run = { 0 };
  struct stat st;

  /* Made readable after "config set" created it 0600. */
  write_config (f, "[office]\nname=Urząd Miasta\n[server]\napi_key=k3y\n", 0644);
  RUN (&run, f, NULL, NULL, "status");
  g_test_message ("exit %d, %s", run.status, run.err);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "644"));
  g_assert_cmpint (g_stat (f->config, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Someone else's file that others can read is refused. */
  if (geteuid () == 0)
    {
      g_assert_cmpint (g_chmod (f->config, 0644), ==, 0);
      g_assert_cmpint (chown (f->config, 65534, 65534), ==, 0);
      run_clear (&run);
      RUN (&run, f, NULL, NULL, "status");
      g_test_message ("exit %d, %s", run.status, run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, "another user"));
    }
}

static void
test_config_set_validated (Fixture      *f,
                           gconstpointer data)
{
  const char *bad[][2] = {
    { "escpos.cut", "sideways" },
    { "escpos.device", "10.0.0.1:99999" },
    { "server.pinned_key", "not-a-pin" },
    { "office.status_url", "javascript:alert(1)//{ticket}" },
  };
  g_auto (Run) run = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      run_clear (&run);
      RUN (&run, f, NULL, NULL, "config", "set", bad[i][0], bad[i][1]);
      g_test_message ("%s %s: exit %d, %s", bad[i][0], bad[i][1], run.status, run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, bad[i][0]));
    }
  g_assert_false (g_file_test (f->config, G_FILE_TEST_EXISTS));

  /* The same values written into the file are reported and not used. */
  write_config (f, "[escpos]\ncut=sideways\n[office]\nstatus_url=javascript:alert(1)//{ticket}\n", 0600);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "config", "get", "office.status_url");
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "line 2: escpos.cut"));
  g_assert_nonnull (strstr (run.err, "line 4: office.status_url"));

  /* An API key going to an http:// server is said at once. */
  write_config (f, "[server]\napi_key=k3y\n", 0600);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "config", "set", "server.url", "http://open311.example.org/v2/");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.err, "https://"));
  g_assert_null (strstr (run.err, "k3y"));
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "status");
  g_assert_nonnull (strstr (run.err, "unencrypted"));
}

/* config set server.api_key - takes the key as it was saved in a file:
 * the whole of a long one (a token of 5000 characters was cut at 4095,
 * silently: every request then refused), without the line's end, the
 * spaces around it or the byte order mark an editor puts first. */
static void
test_config_secret_stdin (Fixture      *f,
                          gconstpointer data)
{
  g_autofree char *token = g_strnfill (5000, 'k');
  g_autofree char *with_newline = g_strconcat (token, "\n", NULL);
  g_autofree char *path = write_file (f, "key.txt", with_newline, -1);
  g_autofree char *saved = write_file (f, "key-notepad.txt", "\xef\xbb\xbf  k3y-z-notatnika \r\n", -1);
  g_autoptr (OknConfig) config = NULL;
  g_autofree char *key = NULL;
  g_auto (Run) run = { 0 };

  RUN (&run, f, NULL, path, "config", "set", "server.api_key", "-");
  g_assert_cmpint (run.status, ==, 0);
  config = okn_config_load (f->config, NULL);
  key = okn_config_get_string (config, "server.api_key");
  g_assert_cmpstr (key, ==, token);

  run_clear (&run);
  RUN (&run, f, NULL, saved, "config", "set", "server.api_key", "-");
  g_assert_cmpint (run.status, ==, 0);
  g_clear_pointer (&config, okn_config_free);
  g_clear_pointer (&key, g_free);
  config = okn_config_load (f->config, NULL);
  key = okn_config_get_string (config, "server.api_key");
  g_assert_cmpstr (key, ==, "k3y-z-notatnika");
}

static void
test_config_help (Fixture      *f,
                  gconstpointer data)
{
  g_auto (Run) run = { 0 };

  RUN (&run, f, NULL, NULL, "config", "--help");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strstr (run.out, "(null)"));
  g_assert_nonnull (strstr (run.out, "okienkoctl config"));
}

/* Item 10: outside text never reaches the terminal raw -------------------- */

/* How many lines of @text start with @prefix at the first column. */
static guint
lines_starting (const char *text,
                const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    n += g_str_has_prefix (lines[i], prefix);
  return n;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_outside_text (Fixture      *f,
                   gconstpointer data)
{
  /* What a server may answer, stored as it came (the sync keeps the
   * server's words), and what a resident may legitimately type in a
   * multi-line field. */
  const char *hostile = "Przyjęto\x1b]0;pwned\a\x1b[2J\r\nState:                 synced \xe2\x80\xae""cod.exe";
  g_autofree char *letter = NULL;
  g_auto (Run) run = { 0 };
  char *sql;

  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan Kowalski", "--subject", "Wniosek",
       "--notes", "Pierwsza linia\nState:                 synced");
  g_assert_cmpint (run.status, ==, 0);
  letter = g_strstrip (g_strdup (run.out));

  sql = sqlite3_mprintf ("UPDATE records SET server_status = %Q, server_status_notes = %Q, "
                         "server_error = %Q, subject = %Q", "open\x1b[31m", hostile, hostile, hostile);
  okn_test_sql_exec (f->db, sql);
  sqlite3_free (sql);

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "show", letter);
  g_assert_cmpint (run.status, ==, 0);
  okn_test_assert_display_safe ("show", run.out);
  /* Neither the note nor the server's text forged a line of ours. */
  g_assert_cmpuint (lines_starting (run.out, "State:"), ==, 1);
  g_assert_nonnull (strstr (run.out, "Pierwsza linia"));

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "list");
  g_assert_cmpint (run.status, ==, 0);
  okn_test_assert_display_safe ("list", run.out);
  g_assert_cmpuint (lines_starting (run.out, "K03-"), ==, 1);
  g_assert_cmpuint (count_lines (run.out), ==, 1);

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "search", "Kowalski");
  g_assert_cmpint (run.status, ==, 0);
  okn_test_assert_display_safe ("search", run.out);

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "day");
  g_assert_cmpint (run.status, ==, 0);
  okn_test_assert_display_safe ("day", run.out);
  g_assert_cmpuint (lines_starting (run.out, "1\t"), ==, 1);
  g_assert_cmpuint (count_lines (run.out), ==, 1);

  /* --json keeps the text whole: json-glib escapes it. */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "show", letter, "--json");
  g_assert_cmpint (run.status, ==, 0);
  g_assert_null (strchr (run.out, '\x1b'));
  {
    g_autoptr (JsonNode) node = json_from_string (run.out, NULL);

    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "status_notes"), ==,
                     hostile);
  }

  /* Errors that quote what was typed. */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan", "--channel",
       "\x1b]0;pwned\a\x1b[2J\nokienkoctl: all fine");
  g_assert_cmpint (run.status, ==, 2);
  okn_test_assert_display_safe ("--channel", run.err);
  g_assert_cmpuint (lines_starting (run.err, "okienkoctl: "), ==, 1);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "show", "\x1b[2J\xe2\x80\xae");
  g_assert_cmpint (run.status, ==, 2);
  okn_test_assert_display_safe ("show ESC", run.err);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "list", "--since", "\x1b[2J");
  g_assert_cmpint (run.status, ==, 2);
  okn_test_assert_display_safe ("--since", run.err);

  /* A multi-line office address stays one key a line in config list. */
  write_config (f, "[office]\naddress=ul. Piotrkowska 104\\nŁódź\nname=Urząd\n", 0600);
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "config", "list");
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("config list:\n%s", run.out);
  g_assert_cmpuint (count_lines (run.out), ==, 2);
}

/* Item 22: counts in words, lengths that are true -------------------------- */

static void
test_message_counts (Fixture      *f,
                     gconstpointer data)
{
  const char *polish[] = { "LANGUAGE=pl", NULL };
  g_autofree char *pasted = g_strnfill (10000, 'A');
  g_autofree char *long_name = g_strnfill (202, 'x');
  g_auto (Run) run = { 0 };

  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Jan");
  g_assert_cmpint (run.status, ==, 0);

  run_clear (&run);
  RUN (&run, f, NULL, NULL, "init", "--station", "K07");
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "has 1 record;"));
  run_clear (&run);
  RUN (&run, f, polish, NULL, "init", "--station", "K07");
  g_test_message ("%s", run.err);
  g_assert_nonnull (strstr (run.err, "ma już 1 wpis;"));

  /* A page pasted as a ticket ID is "too long", not "65 characters". */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "show", pasted);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "too long"));
  g_assert_null (strstr (run.err, "65"));

  /* Polish has three forms: 202 znaki, not 202 znaków. */
  run_clear (&run);
  RUN (&run, f, polish, NULL, "register", "letter", "--sender", long_name);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "202 znaki"));
}

/* Reasons in Polish: when the reason for a failure is one the program
 * recognises (poppler's error code, SQLite's result code), a Polish
 * clerk reads it in Polish, not the library's English words inside a
 * Polish sentence. */
static void
test_reasons_in_polish (Fixture      *f,
                        gconstpointer data)
{
  const char *polish[] = { "LANGUAGE=pl", NULL };
  g_autofree char *pdf = g_build_filename (f->dir, "skan.pdf", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "kopia.db", NULL);
  g_auto (Run) run = { 0 };
  char noise[8192];

  /* A PDF whose cross-reference table is gone: poppler's DAMAGED. */
  g_assert_true (g_file_set_contents (pdf, "%PDF-1.4\nnothing here\n", -1, NULL));
  RUN (&run, f, polish, NULL, "scan", pdf);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "skan.pdf jest uszkodzony"));
  g_assert_null (strstr (run.err, "PDF document"));

  /* A "backup" that is no database at all: SQLite's NOTADB. */
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (char) (i * 7919 % 251);
  g_assert_true (g_file_set_contents (junk, noise, sizeof noise, NULL));
  run_clear (&run);
  RUN (&run, f, polish, NULL, "restore", junk);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 3);
  g_assert_nonnull (strstr (run.err, "to nie jest plik bazy danych"));
  g_assert_null (strstr (run.err, "file is not a database"));
}

/* show and list in Polish: a clerk reads words, not the program's own
 * ("Stan: queued", "Kanał: paper"), and the values stand in one column
 * however many Polish letters the labels before them hold. */
static guint
value_column (const char *line)
{
  const char *colon = strstr (line, ": ");
  const char *p;

  if (line[0] == ' ')
    colon = line - 1;
  g_assert_nonnull (colon);
  for (p = colon + 1; *p == ' '; p++)
    ;
  return (guint) g_utf8_pointer_to_offset (line, p);
}

static void
test_show_in_polish (Fixture      *f,
                     gconstpointer data)
{
  const char *polish[] = { "LANGUAGE=pl", NULL };
  g_autofree char *letter = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (Run) run = { 0 };
  guint column = 0;

  RUN (&run, f, NULL, NULL, "register", "letter", "--sender", "Łucja Żółć", "--subject", "Wniosek",
       "--delivery", "post", "--notes", "Pierwsza linia\nDruga linia");
  g_assert_cmpint (run.status, ==, 0);
  letter = g_strstrip (g_strdup (run.out));

  run_clear (&run);
  RUN (&run, f, polish, NULL, "show", letter);
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("show:\n%s", run.out);
  g_assert_nonnull (strstr (run.out, "W kolejce do wysłania (queued)\n"));
  g_assert_nonnull (strstr (run.out, okn_labels_channel (OKN_LANGUAGE_PL, OKN_CHANNEL_PAPER)));
  g_assert_nonnull (strstr (run.out, okn_labels_delivery (OKN_LANGUAGE_PL, OKN_DELIVERY_POST)));
  g_assert_null (strstr (run.out, " paper\n"));
  g_assert_null (strstr (run.out, " post\n"));
  lines = g_strsplit (g_strchomp (run.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >, 10);
  for (guint i = 0; lines[i]; i++)
    {
      guint c = value_column (lines[i]);

      if (column == 0)
        column = c;
      if (c != column)
        g_error ("line %u's value starts at column %u, not %u: “%s”", i + 1, c, column, lines[i]);
    }

  /* list: the rows' columns line up too (pismo and zgłoszenie); its
   * state column keeps the words --state takes. */
  run_clear (&run);
  RUN (&run, f, NULL, NULL, "register", "report", "--category", "POTHOLE", "--description", "Dziura",
       "--address", "ul. Piotrkowska 104");
  g_assert_cmpint (run.status, ==, 0);
  run_clear (&run);
  RUN (&run, f, polish, NULL, "list");
  g_assert_cmpint (run.status, ==, 0);
  g_test_message ("list:\n%s", run.out);
  g_clear_pointer (&lines, g_strfreev);
  lines = g_strsplit (g_strchomp (run.out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  {
    const char *a = strstr (lines[0], "  queued");
    const char *b = strstr (lines[1], "  queued");

    g_assert_nonnull (a);
    g_assert_nonnull (b);
    g_assert_cmpint (g_utf8_pointer_to_offset (lines[0], a), ==, g_utf8_pointer_to_offset (lines[1], b));
  }
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ctl-input/json-nul", test_json_nul);
  ADD ("/ctl-input/json-lone-surrogate", test_json_lone_surrogate);
  ADD ("/ctl-input/unknown-attribute", test_unknown_attribute);
  ADD ("/ctl-input/attach-not-regular", test_attach_not_regular);
  ADD ("/ctl-input/attach-too-big", test_attach_too_big);
  ADD ("/ctl-input/json-input-bounded", test_json_input_bounded);
  ADD ("/ctl-input/json-attributes-bounded", test_json_attributes_bounded);
  ADD ("/ctl-input/utf8-whatever-locale", test_utf8_whatever_locale);
  ADD ("/ctl-input/received-formats", test_received_formats);
  ADD ("/ctl-input/config-lines-not-quoted", test_config_lines_not_quoted);
  ADD ("/ctl-input/config-symlink", test_config_symlink);
  ADD ("/ctl-input/config-mode", test_config_mode);
  ADD ("/ctl-input/config-set-validated", test_config_set_validated);
  ADD ("/ctl-input/config-secret-stdin", test_config_secret_stdin);
  ADD ("/ctl-input/config-help", test_config_help);
  ADD ("/ctl-input/message-counts", test_message_counts);
  ADD ("/ctl-input/show-in-polish", test_show_in_polish);
  ADD ("/ctl-input/reasons-in-polish", test_reasons_in_polish);
  ADD ("/ctl-input/outside-text", test_outside_text);
#undef ADD
  rc = g_test_run ();
  g_test_message ("peak memory of any okienkoctl run: %ld MB", children_peak_rss_kb () / 1024);
  return rc;
}
