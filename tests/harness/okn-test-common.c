/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-common.c: temporary directories, sample records, running
 * okienkoctl as a real process */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <locale.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "okn-test-common.h"
#include "okn-test-sql.h"
#include "okienko/okn-scan.h"

/**
 * okn_test_init:
 *
 * g_test_init() for a test that compares words: the same locale on every
 * machine, and a UTF-8 one for the Polish and Ukrainian text.
 */
void
okn_test_init (int    *argc,
               char ***argv)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (argc, argv, NULL);
}

char *
okn_test_make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("okienko-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
okn_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        okn_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The files of one test: a new temporary folder @dir, the database
 * @db_name in it (a path below it, e.g. "data/okienko.db") and the
 * configuration "okienko.conf" (neither is created). */
void
okn_test_paths_make (const char  *db_name,
                     char       **dir,
                     char       **db,
                     char       **config)
{
  *dir = okn_test_make_tmpdir ();
  *db = g_build_filename (*dir, db_name, NULL);
  *config = g_build_filename (*dir, "okienko.conf", NULL);
}

/* Removes what okn_test_paths_make() named and frees the names. */
void
okn_test_paths_clear (char **dir,
                      char **db,
                      char **config)
{
  okn_test_rm_rf (*dir);
  g_clear_pointer (dir, g_free);
  g_clear_pointer (db, g_free);
  g_clear_pointer (config, g_free);
}

OknStore *
okn_test_open_store (const char *dir,
                     const char *station)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "okienko.db", NULL);
  OknStore *store = okn_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  if (station)
    {
      okn_store_init_station (store, station, "test", &error);
      g_assert_no_error (error);
    }
  return store;
}

/* The store of the application under test (OKIENKO_DB), opened as
 * another process would open it. */
OknStore *
okn_test_open_app_store (void)
{
  g_autoptr (GError) error = NULL;
  OknStore *store = okn_store_open (g_getenv ("OKIENKO_DB"), &error);

  g_assert_no_error (error);
  return store;
}

OknRecord *
okn_test_letter (const char *sender,
                 const char *subject)
{
  OknRecord *r = okn_record_new (OKN_KIND_LETTER);

  r->sender_name = g_strdup (sender);
  r->subject = g_strdup (subject);
  r->pages = 2;
  return r;
}

OknRecord *
okn_test_report (const char *category,
                 const char *description,
                 const char *address)
{
  OknRecord *r = okn_record_new (OKN_KIND_REPORT);

  r->category = g_strdup (category);
  r->description = g_strdup (description);
  r->address = g_strdup (address);
  return r;
}

const char *
okn_test_ctl_path (void)
{
  const char *p = g_getenv ("OKIENKOCTL");

  g_assert_nonnull (p);
  return p;
}

/**
 * okn_test_ctl_argv:
 * @db: (nullable): for --db
 * @config: (nullable): for --config
 * @args: what follows, NULL-terminated
 *
 * Returns: (transfer container): okienkoctl's command line, NULL-terminated;
 *   the strings stay the caller's
 */
GPtrArray *
okn_test_ctl_argv (const char        *db,
                   const char        *config,
                   const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) okn_test_ctl_path ());
  if (db)
    {
      g_ptr_array_add (argv, (gpointer) "--db");
      g_ptr_array_add (argv, (gpointer) db);
    }
  if (config)
    {
      g_ptr_array_add (argv, (gpointer) "--config");
      g_ptr_array_add (argv, (gpointer) config);
    }
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* In the child, before exec: root reads and writes past permissions. */
static void
become_unprivileged (gpointer data)
{
  if (setgroups (0, NULL) != 0 || setresgid (OKN_TEST_UNPRIVILEGED_ID, OKN_TEST_UNPRIVILEGED_ID,
                                             OKN_TEST_UNPRIVILEGED_ID) != 0
      || setresuid (OKN_TEST_UNPRIVILEGED_ID, OKN_TEST_UNPRIVILEGED_ID, OKN_TEST_UNPRIVILEGED_ID) != 0)
    _exit (127);
}

/* Whether okn_test_run_ctl_unprivileged()'s user can reach @path (@mode
 * as for access()): a clone under /root, or any folder of mode 0700 on
 * the way, keeps it out. Asked in a child: only async-signal-safe calls. */
static gboolean
unprivileged_can (const char *path,
                  int         mode)
{
  int status;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      become_unprivileged (NULL);
      _exit (access (path, mode) == 0 ? 0 : 1);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

static char *unprivileged_copies;   /* the folder of the copies below, or NULL */

static void
remove_unprivileged_copies (void)
{
  okn_test_rm_rf (unprivileged_copies);
}

/* @path copied (a folder with what is in it) into the copies' folder;
 * links are followed (the staged translations link into the build). */
static char *
copy_for_unprivileged (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  char *copy = g_build_filename (unprivileged_copies, base, NULL);
  const char *argv[] = { "cp", "-RL", path, copy, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                               NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return copy;
}

/* The program (and its staged translations, OKIENKO_LOCALEDIR) the way
 * the unprivileged user reaches them: where they are when it can, else
 * copied once into a folder of mode 0755 under the temporary folder, so
 * that a build in a folder only root may enter runs all the same. */
static void
unprivileged_paths (const char **ctl,
                    const char **localedir)
{
  static char *program;
  static char *locales;
  static gboolean done;
  const char *staged = g_getenv ("OKIENKO_LOCALEDIR");

  if (!done)
    {
      gboolean reach_program = unprivileged_can (okn_test_ctl_path (), X_OK);
      gboolean reach_locales = staged == NULL || unprivileged_can (staged, R_OK | X_OK);

      if (!reach_program || !reach_locales)
        {
          unprivileged_copies = okn_test_make_tmpdir ();
          g_assert_cmpint (g_chmod (unprivileged_copies, 0755), ==, 0);
          atexit (remove_unprivileged_copies);
        }
      program = reach_program ? g_strdup (okn_test_ctl_path ()) : copy_for_unprivileged (okn_test_ctl_path ());
      locales = reach_locales ? g_strdup (staged) : copy_for_unprivileged (staged);
      done = TRUE;
    }
  *ctl = program;
  *localedir = locales;
}

static int
run_ctl (const char        *db,
         const char        *config,
         const char *const *env,
         const char        *input,
         char             **out,
         char             **err,
         const char *const *args,
         gboolean           unprivileged)
{
  g_autoptr (GPtrArray) argv = okn_test_ctl_argv (db, config, args);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stdout_buf = NULL;
  g_autofree char *stderr_buf = NULL;

  for (guint i = 0; env && env[i]; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  if (unprivileged)
    {
      const char *ctl, *localedir;

      unprivileged_paths (&ctl, &localedir);
      argv->pdata[0] = (gpointer) ctl;
      if (localedir)
        g_subprocess_launcher_setenv (launcher, "OKIENKO_LOCALEDIR", localedir, TRUE);
      g_subprocess_launcher_set_child_setup (launcher, become_unprivileged, NULL, NULL);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &stdout_buf, &stderr_buf, &error);
  g_assert_no_error (error);
  if (out)
    {
      g_free (*out);
      *out = g_steal_pointer (&stdout_buf);
    }
  if (err)
    {
      g_free (*err);
      *err = g_steal_pointer (&stderr_buf);
    }
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

/**
 * okn_test_run_ctlv:
 * @input: (nullable): written to the program's standard input
 * @out: (inout) (optional): its standard output; what it held is freed
 * @err: (inout) (optional): its standard error; what it held is freed
 *
 * Runs okienkoctl with --db and --config set, waits for it. A test that
 * runs it several times into the same variables loses nothing
 * (LeakSanitizer saw each earlier standard error lost).
 *
 * Returns: its exit status
 */
int
okn_test_run_ctlv (const char        *db,
                   const char        *config,
                   const char        *input,
                   char             **out,
                   char             **err,
                   const char *const *args)
{
  return run_ctl (db, config, NULL, input, out, err, args, FALSE);
}

/**
 * okn_test_run_ctl_unprivileged:
 * @env: (nullable): "NAME=value" entries added to its environment
 *
 * okn_test_run_ctl() for what only holds for a user who is not root (a
 * file that may not be read, a folder that may not be written): when the
 * test runs as root, okienkoctl runs as %OKN_TEST_UNPRIVILEGED_ID (nobody),
 * so the test runs the same in CI (root) as on a developer's machine. The
 * files it is given must be reachable by that user
 * (okn_test_give_unprivileged()); the program and its translations are
 * copied where it can reach them when the build's folder is closed to it.
 *
 * Returns: its exit status
 */
int
okn_test_run_ctl_unprivileged (const char        *db,
                               const char        *config,
                               const char *const *env,
                               char             **out,
                               char             **err,
                               ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *a;
  va_list ap;

  va_start (ap, err);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return run_ctl (db, config, env, NULL, out, err, (const char *const *) argv->pdata, geteuid () == 0);
}

/**
 * okn_test_give_unprivileged:
 * @path: a file or folder the test made
 *
 * As root, gives @path to okn_test_run_ctl_unprivileged()'s user (a
 * folder it writes in, a file it must take as its own); otherwise
 * nothing: it is ours already.
 */
void
okn_test_give_unprivileged (const char *path)
{
  if (geteuid () == 0)
    g_assert_cmpint (lchown (path, OKN_TEST_UNPRIVILEGED_ID, OKN_TEST_UNPRIVILEGED_ID), ==, 0);
}

/* A small filesystem of our own (tmpfs in a private mount namespace, so
 * nothing outside this process sees it), filled to the last byte. Root
 * mounts it directly; another user in a user namespace of its own. */
gboolean
okn_test_enter_private_mount (void)
{
  uid_t uid = geteuid ();
  gid_t gid = getegid ();

  if (uid == 0)
    {
      if (unshare (CLONE_NEWNS) != 0)
        return FALSE;
    }
  else
    {
      g_autofree char *uid_map = g_strdup_printf ("0 %u 1\n", (guint) uid);
      g_autofree char *gid_map = g_strdup_printf ("0 %u 1\n", (guint) gid);

      if (unshare (CLONE_NEWUSER | CLONE_NEWNS) != 0
          || !g_file_set_contents ("/proc/self/setgroups", "deny", -1, NULL)
          || !g_file_set_contents ("/proc/self/uid_map", uid_map, -1, NULL)
          || !g_file_set_contents ("/proc/self/gid_map", gid_map, -1, NULL))
        return FALSE;
    }
  return mount ("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
}

/* Tried in a child that exits at once, so this process stays as it is. */
gboolean
okn_test_can_mount_privately (void)
{
  int status;
  pid_t pid = fork ();

  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (okn_test_enter_private_mount () ? 0 : 1);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0;
}

/* Runs @scenario in a subprocess of the running test, where it may enter a
 * private mount namespace (okn_test_enter_private_mount()) without touching
 * this process; the test passes when the scenario ran to its end within
 * @seconds, and is skipped where no mount namespace can be had. */
void
okn_test_trap_private_mount (void (*scenario) (void),
                             guint  seconds)
{
  if (g_test_subprocess ())
    {
      scenario ();
      g_print ("PRIVATE-MOUNT-SCENARIO-DONE\n");
      return;
    }
  if (!okn_test_can_mount_privately ())
    {
      g_test_skip ("no mount namespace for a small tmpfs here (neither root nor user namespaces)");
      return;
    }
  g_test_trap_subprocess (NULL, (guint64) seconds * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*PRIVATE-MOUNT-SCENARIO-DONE*");
}

void
okn_test_fill_disk (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "fill", NULL);
  char block[4096] = { 0 };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

  g_assert_cmpint (fd, >=, 0);
  /* Bounded: the filesystem is 1 MiB. */
  for (int i = 0; i < 1024 && write (fd, block, sizeof block) > 0; i++)
    ;
  /* The last partial block. */
  while (write (fd, block, 1) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
}


/**
 * okn_test_small_disk_station:
 * @station: the station code to initialise the database with
 *
 * Enters a private mount namespace (okn_test_enter_private_mount(): call
 * it while this process has one thread) and makes a station's database on
 * a 1 MiB tmpfs of its own, in a new temporary folder.
 *
 * Returns: (transfer full): the database's path
 */
char *
okn_test_small_disk_station (const char *station)
{
  g_autofree char *dir = okn_test_make_tmpdir ();

  g_assert_true (okn_test_enter_private_mount ());
  g_assert_cmpint (mount ("okn-test", dir, "tmpfs", 0, "size=1m,mode=0700"), ==, 0);
  okn_store_close (okn_test_open_store (dir, station));
  return g_build_filename (dir, "okienko.db", NULL);
}

/**
 * okn_test_fill_disk_but_wal:
 * @db: a database on okn_test_small_disk_station()'s disk, held open by a
 *   connection (so that its -wal stays)
 *
 * The testers' nearly full disk: the -wal is given room and checkpointed,
 * and the database free pages, so that a record still fits; then the disk
 * is filled to the last byte, and a new file's first page (the mark of
 * the numbers given out in DB.issued) does not.
 */
void
okn_test_fill_disk_but_wal (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);

  okn_test_sql_exec (db, "INSERT INTO meta (key, value) VALUES ('pad', hex (zeroblob (40000)));"
                         "DELETE FROM meta WHERE key = 'pad'; PRAGMA wal_checkpoint (PASSIVE);");
  okn_test_fill_disk (dir);
}

/* The disk of okn_test_small_disk_station() unmounted and its folder
 * removed. */
void
okn_test_small_disk_clear (const char *db)
{
  g_autofree char *dir = g_path_get_dirname (db);

  umount2 (dir, MNT_DETACH);
  okn_test_rm_rf (dir);
}

/* okn_test_run_ctlv() with the arguments of a test's own variadic
 * function, NULL-terminated. */
int
okn_test_run_ctl_valist (const char *db,
                         const char *config,
                         const char *input,
                         char      **out,
                         char      **err,
                         va_list     args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  const char *a;

  while ((a = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);
  return okn_test_run_ctlv (db, config, input, out, err, (const char *const *) argv->pdata);
}

int
okn_test_run_ctl (const char *db,
                  const char *config,
                  const char *input,
                  char      **out,
                  char      **err,
                  ...)
{
  va_list ap;
  int rc;

  va_start (ap, err);
  rc = okn_test_run_ctl_valist (db, config, input, out, err, ap);
  va_end (ap);
  return rc;
}

/* Lower-cased; with @decode, %XX, a JSON \u00XX or \/ and an HTML &#NN; or
 * &#xHH; decoded (and with @plus_is_space '+' as a space): the forms a
 * secret takes when a server echoes it. */
static GString *
secret_forms (const char *data,
              gsize       len,
              gboolean    decode,
              gboolean    plus_is_space)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      const char *p = data + i;
      gsize left = len - i;

      if (decode && left >= 3 && p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (s, (char) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2])));
          i += 2;
        }
      else if (decode && left >= 6 && p[0] == '\\' && p[1] == 'u' && p[2] == '0' && p[3] == '0'
               && g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]))
        {
          g_string_append_c (s, (char) (g_ascii_xdigit_value (p[4]) * 16 + g_ascii_xdigit_value (p[5])));
          i += 5;
        }
      else if (decode && left >= 2 && p[0] == '\\' && p[1] == '/')
        {
          g_string_append_c (s, '/');
          i++;
        }
      else if (decode && left >= 4 && p[0] == '&' && p[1] == '#')
        {
          gboolean hex = p[2] == 'x' || p[2] == 'X';
          gsize j = hex ? 3 : 2;
          guint v = 0;

          for (; j < left && j < 8 && (hex ? g_ascii_isxdigit (p[j]) : g_ascii_isdigit (p[j])); j++)
            v = v * (hex ? 16 : 10) + (guint) (hex ? g_ascii_xdigit_value (p[j]) : g_ascii_digit_value (p[j]));
          if (j < left && p[j] == ';' && v < 256)
            {
              g_string_append_c (s, (char) v);
              i += j;
            }
          else
            g_string_append_c (s, *p);
        }
      else if (plus_is_space && *p == '+')
        g_string_append_c (s, ' ');
      else
        g_string_append_c (s, *p);
    }
  for (gsize i = 0; i < s->len; i++)
    s->str[i] = g_ascii_tolower (s->str[i]);
  return s;
}

/**
 * okn_test_assert_no_secret:
 * @what: what @data is, for the failure message
 * @data: (nullable): text or a file's bytes
 * @len: its length, -1 for a string
 *
 * Fails the test when @data holds 8 characters of @secret in a row, in any
 * letter case, as written or encoded (percent in either hex case, '+' for
 * a space, JSON or HTML escapes). The failure message never quotes @data.
 */
void
okn_test_assert_no_secret (const char *what,
                           const char *data,
                           gssize      len,
                           const char *secret)
{
  g_autofree char *lsecret = g_ascii_strdown (secret, -1);
  gsize secret_len = strlen (lsecret);
  gsize min_run = MIN (secret_len, 8);

  if (data == NULL)
    return;
  for (guint form = 0; form < 3; form++)
    {
      g_autoptr (GString) n = secret_forms (data, len < 0 ? strlen (data) : (gsize) len, form > 0, form == 2);

      for (gsize i = 0; i + min_run <= secret_len; i++)
        for (gsize j = 0; j + min_run <= n->len; j++)
          if (n->str[j] == lsecret[i] && memcmp (n->str + j, lsecret + i, min_run) == 0)
            g_error ("%s holds %zu characters of the secret (from its %zu.)", what, min_run, i);
    }
}

/**
 * okn_test_assert_display_safe:
 * @what: what @text is, for the log
 * @text: human-readable output (a terminal's, a label's)
 *
 * Asserts that @text holds nothing that acts on a terminal or flips what a
 * reader sees: ESC (titles, clearing the screen), CSI as C1, a bare CR,
 * BEL, or the bidi override U+202E.
 */
void
okn_test_assert_display_safe (const char *what,
                              const char *text)
{
  g_test_message ("%s:\n%s", what, text);
  g_assert_null (strchr (text, '\x1b'));
  g_assert_null (strchr (text, '\r'));
  g_assert_null (strchr (text, '\a'));
  g_assert_null (strstr (text, "\xc2\x9b"));
  g_assert_null (strstr (text, "\xe2\x80\xae"));
}

/**
 * okn_test_config_from_text:
 * @path: where the file goes
 * @text: the file's contents, a key file as an administrator writes it
 *
 * Writes @text to @path and loads it as the programs do.
 *
 * Returns: (transfer full): the configuration
 */
OknConfig *
okn_test_config_from_text (const char *path,
                           const char *text)
{
  g_autoptr (GError) error = NULL;
  OknConfig *config;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  config = okn_config_load (path, &error);
  g_assert_no_error (error);
  return config;
}

/**
 * okn_test_station_init:
 * @code: the station's code, e.g. "K03"
 *
 * A fresh station in its own temporary folder; okn_test_station_clear()
 * removes it.
 */
void
okn_test_station_init (OknTestStation *station,
                       const char     *code)
{
  station->dir = okn_test_make_tmpdir ();
  station->store = okn_test_open_store (station->dir, code);
  station->db = g_strdup (okn_store_get_path (station->store));
  station->conf = g_build_filename (station->dir, "okienko.conf", NULL);
  station->config = okn_config_new (station->conf);
}

void
okn_test_station_clear (OknTestStation *station)
{
  g_clear_pointer (&station->config, okn_config_free);
  g_clear_pointer (&station->store, okn_store_close);
  okn_test_rm_rf (station->dir);
  g_clear_pointer (&station->dir, g_free);
  g_clear_pointer (&station->db, g_free);
  g_clear_pointer (&station->conf, g_free);
}

/**
 * okn_test_printable_init:
 * @station: the station's code, e.g. "K03"
 *
 * What the printing tests print: a letter registered in a store of its
 * own folder, and its ticket's content; okn_test_printable_clear()
 * removes them.
 */
void
okn_test_printable_init (OknTestPrintable *printable,
                         const char       *station,
                         const char       *sender,
                         const char       *subject)
{
  g_autoptr (GError) error = NULL;

  printable->dir = okn_test_make_tmpdir ();
  printable->store = okn_test_open_store (printable->dir, station);
  printable->db = g_strdup (okn_store_get_path (printable->store));
  printable->record = okn_test_letter (sender, subject);
  g_assert_true (okn_store_register (printable->store, printable->record, "clerk", &error));
  g_assert_no_error (error);
  printable->content = okn_ticket_content_new (printable->record, NULL);
}

void
okn_test_printable_clear (OknTestPrintable *printable)
{
  g_clear_pointer (&printable->content, okn_ticket_content_free);
  g_clear_pointer (&printable->record, okn_record_free);
  g_clear_pointer (&printable->store, okn_store_close);
  okn_test_rm_rf (printable->dir);
  g_clear_pointer (&printable->dir, g_free);
  g_clear_pointer (&printable->db, g_free);
}

/**
 * okn_test_cache_services:
 * @services: (array length=n): the categories
 *
 * Caches a catalogue, as a sync would: the categories with a definition
 * have metadata.
 */
void
okn_test_cache_services (OknStore             *store,
                         const OknTestService *services,
                         gsize                 n)
{
  g_autoptr (GPtrArray) cached = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    {
      OknService *s = g_new0 (OknService, 1);

      s->code = g_strdup (services[i].code);
      s->name = g_strdup (services[i].name);
      s->group = g_strdup (services[i].group);
      s->keywords = g_strdup (services[i].keywords);
      s->type = g_strdup ("realtime");
      s->metadata = services[i].definition != NULL;
      s->definition = g_strdup (services[i].definition);
      g_ptr_array_add (cached, s);
    }
  okn_store_replace_services (store, cached, &error);
  g_assert_no_error (error);
}

/**
 * okn_test_cache_service:
 * @definition: (nullable): the service definition as JSON
 *
 * Caches a catalogue of one category, as a sync would.
 */
void
okn_test_cache_service (OknStore   *store,
                        const char *code,
                        const char *name,
                        const char *definition)
{
  const OknTestService service = { .code = code, .name = name, .definition = definition };

  okn_test_cache_services (store, &service, 1);
}

/* The text of a PDF's first page, as poppler reads it. */
char *
okn_test_pdf_text (GBytes *pdf)
{
  g_autoptr (GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  PopplerPage *page;
  char *text;

  g_assert_no_error (error);
  page = poppler_document_get_page (doc, 0);
  text = poppler_page_get_text (page);
  g_object_unref (page);
  g_object_unref (doc);
  return text;
}

char *
okn_test_pdf_file_text (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);

  pdf = g_file_load_bytes (file, NULL, NULL, &error);
  g_assert_no_error (error);
  return okn_test_pdf_text (pdf);
}

/**
 * okn_test_file_carries:
 * @path: a printed PDF or an image
 * @code: (nullable): the ticket's verification code
 *
 * Decodes every barcode of @path as a scanner would and says which carry
 * @ticket: alone (a Code 128) and with @code (a QR).
 *
 * Returns: #OknTestCarried flags
 */
guint
okn_test_file_carries (const char *path,
                       const char *ticket,
                       const char *code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) symbols = okn_scan_decode_file (path, &error);
  guint carried = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < symbols->len; i++)
    {
      const OknScanSymbol *symbol = g_ptr_array_index (symbols, i);
      g_autofree char *formatted = NULL;
      g_autofree char *got_code = NULL;
      OknTicketId id;

      if (!okn_scan_parse_text (symbol->text, NULL, &id, &got_code, NULL))
        continue;
      formatted = okn_ticket_id_format (&id);
      if (g_strcmp0 (formatted, ticket) != 0)
        continue;
      if (got_code == NULL)
        carried |= OKN_TEST_CARRIED_ID;
      else if (g_strcmp0 (got_code, code) == 0)
        carried |= OKN_TEST_CARRIED_ID_AND_CODE;
    }
  return carried;
}

/**
 * okn_test_sample_catalogue:
 *
 * Caches the UI tests' catalogue: "pothole" (group "Drogi"; a required
 * list "size": small, large; an optional number "depth") and
 * "streetlight" (group "Oświetlenie"), with Polish names.
 */
void
okn_test_sample_catalogue (OknStore *store)
{
  static const OknTestService services[] = {
    {
      .code = "pothole",
      .name = "Dziura w jezdni",
      .group = "Drogi",
      .keywords = "dziura, jezdnia, droga",
      .definition = "{\"service_code\":\"pothole\",\"attributes\":["
                    "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\","
                    "\"required\":true,\"order\":1,\"description\":\"How big is it?\","
                    "\"values\":[{\"key\":\"small\",\"name\":\"Small\"},{\"key\":\"large\",\"name\":\"Large\"}]},"
                    "{\"variable\":true,\"code\":\"depth\",\"datatype\":\"number\",\"required\":false,"
                    "\"order\":2,\"description\":\"Depth in cm\"}]}",
    },
    { .code = "streetlight", .name = "Latarnia nie świeci", .group = "Oświetlenie" },
  };

  okn_test_cache_services (store, services, G_N_ELEMENTS (services));
}
