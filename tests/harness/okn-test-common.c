/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-common.c: temporary directories, sample records, running
 * okienkoctl as a real process */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"

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
 * okn_test_run_ctlv:
 * @input: (nullable): written to the program's standard input
 *
 * Runs okienkoctl with --db and --config set, waits for it.
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
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stdout_buf = NULL;
  g_autofree char *stderr_buf = NULL;

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

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                              | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input ? input : "", NULL, &stdout_buf, &stderr_buf, &error);
  g_assert_no_error (error);
  if (out)
    *out = g_steal_pointer (&stdout_buf);
  if (err)
    *err = g_steal_pointer (&stderr_buf);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

int
okn_test_run_ctl (const char *db,
                  const char *config,
                  const char *input,
                  char      **out,
                  char      **err,
                  ...)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  const char *a;

  va_start (ap, err);
  while ((a = va_arg (ap, const char *)))
    g_ptr_array_add (args, (gpointer) a);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  return okn_test_run_ctlv (db, config, input, out, err, (const char *const *) args->pdata);
}
