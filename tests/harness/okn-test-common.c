/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-common.c: temporary directories, sample records, running
 * okienkoctl as a real process */
#include "config.h"

#include <string.h>
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

/* Lower-cased, with %XX (and '+' as a space) decoded: the forms a secret
 * takes in a URL-encoded echo. */
static GString *
secret_forms (const char *data,
              gsize       len,
              gboolean    plus_is_space)
{
  GString *s = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      const char *p = data + i;

      if (i + 2 < len && p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
        {
          g_string_append_c (s, (char) (g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2])));
          i += 2;
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
 * letter case, raw or URL-encoded (either hex case, '+' for a space). The
 * failure message never quotes @data.
 */
void
okn_test_assert_no_secret (const char *what,
                           const char *data,
                           gssize      len,
                           const char *secret)
{
  g_autofree char *lsecret = g_ascii_strdown (secret, -1);
  gsize secret_len = strlen (lsecret);

  if (data == NULL)
    return;
  for (guint form = 0; form < 2; form++)
    {
      g_autoptr (GString) n = secret_forms (data, len < 0 ? strlen (data) : (gsize) len, form == 1);

      for (gsize i = 0; i + 8 <= secret_len; i++)
        for (gsize j = 0; j + 8 <= n->len; j++)
          if (n->str[j] == lsecret[i] && memcmp (n->str + j, lsecret + i, 8) == 0)
            g_error ("%s holds 8 characters of the secret (from its %zu.)", what, i);
    }
}
