/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-file.c: writing the files a user asks for
 *
 * `okienkoctl day --csv "$OKIENKO_DB"` once replaced the database with a
 * CSV file and said nothing (issue 8). Every output file goes through
 * okn_file_write_output(): the store and the configuration register their
 * files here when they open them (okn_file_protect), and no output ever
 * replaces one of those, --force or not; any other existing file is kept
 * unless the caller asks to replace it. Writes are atomic: a temporary file
 * in the target's folder, fsync, then rename (without replacing, when
 * replacing was not asked for), then fsync of the folder.
 */
#define G_LOG_DOMAIN "okn-file"
/* renameat2() and RENAME_NOREPLACE (glibc 2.28). */
#define _GNU_SOURCE

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-file.h"

G_DEFINE_QUARK (okn-file-error-quark, okn_file_error)

/* Canonical names of the files no output may replace; the desk opens
 * stores from several threads. */
static GMutex protected_lock;
static GPtrArray *protected_paths;

/* The absolute name of @path with its folder resolved (symlinks, "..");
 * the file itself need not exist. NULL when the folder does not exist. */
static char *
canonical_name (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *real = realpath (dir, NULL);
  char *out;

  if (real == NULL)
    return NULL;
  out = g_build_filename (real, base, NULL);
  free (real);
  return out;
}

/* The file @path names in the end, following symlinks: a link to the
 * database is the database. */
static char *
resolve (const char *path)
{
  char *real = realpath (path, NULL);
  char *out;

  if (real == NULL)
    return canonical_name (path);
  out = g_strdup (real);
  free (real);
  return out;
}

/**
 * okn_file_protect:
 * @path: a file no output may ever replace (the database, its -wal and
 *   -shm, the configuration)
 *
 * Remembers @path for the life of the process.
 */
void
okn_file_protect (const char *path)
{
  g_autofree char *name = NULL;

  if (path == NULL || *path == '\0')
    return;
  name = canonical_name (path);
  if (name == NULL)
    name = g_canonicalize_filename (path, NULL);
  g_mutex_lock (&protected_lock);
  if (protected_paths == NULL)
    protected_paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < protected_paths->len; i++)
    if (g_str_equal (g_ptr_array_index (protected_paths, i), name))
      goto out;
  g_ptr_array_add (protected_paths, g_steal_pointer (&name));
out:
  g_mutex_unlock (&protected_lock);
}

static gboolean
same_file (const GStatBuf *a,
           const char     *path)
{
  GStatBuf b;

  return g_stat (path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

/**
 * okn_file_is_protected:
 *
 * Returns: whether @path is, by its name or as the same file through a
 *   link, one of the files okn_file_protect() was given
 */
gboolean
okn_file_is_protected (const char *path)
{
  g_autofree char *name = resolve (path);
  gboolean exists;
  gboolean found = FALSE;
  GStatBuf st;

  exists = g_stat (path, &st) == 0;
  g_mutex_lock (&protected_lock);
  for (guint i = 0; !found && protected_paths && i < protected_paths->len; i++)
    {
      const char *p = g_ptr_array_index (protected_paths, i);

      found = (name && g_str_equal (name, p)) || (exists && same_file (&st, p));
    }
  g_mutex_unlock (&protected_lock);
  return found;
}

/**
 * okn_file_check_output:
 * @flags: %OKN_FILE_WRITE_REPLACE to allow replacing an existing file
 *
 * Says whether okn_file_write_output() would write @path, without writing.
 *
 * Returns: %TRUE when it may; else %FALSE with %OKN_FILE_ERROR_PROTECTED
 *   (never, whatever @flags say), %OKN_FILE_ERROR_EXISTS or
 *   %OKN_FILE_ERROR_INVALID
 */
gboolean
okn_file_check_output (const char        *path,
                       OknFileWriteFlags  flags,
                       GError           **error)
{
  GStatBuf st;

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, OKN_FILE_ERROR, OKN_FILE_ERROR_INVALID,
                           _("No file name was given for the output."));
      return FALSE;
    }
  if (okn_file_is_protected (path))
    {
      g_set_error (error, OKN_FILE_ERROR, OKN_FILE_ERROR_PROTECTED,
                   _("%s is Okienko's database or configuration (or one of its files): an "
                     "output never replaces it, not even with --force. Nothing was written; "
                     "choose another file name."),
                   path);
      return FALSE;
    }
  if (g_stat (path, &st) != 0)
    return TRUE;
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, OKN_FILE_ERROR, OKN_FILE_ERROR_INVALID,
                   _("%s is a folder: give the name of a file in it."), path);
      return FALSE;
    }
  /* A terminal, a pipe or /dev/null is written to, not replaced. */
  if (!S_ISREG (st.st_mode))
    return TRUE;
  if ((flags & OKN_FILE_WRITE_REPLACE) == 0)
    {
      g_set_error (error, OKN_FILE_ERROR, OKN_FILE_ERROR_EXISTS,
                   _("%s already exists and was not replaced. Choose another file name, or ask "
                     "to replace it (okienkoctl: --force)."),
                   path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_io_error (const char *path,
              int         saved_errno,
              GError    **error)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, OKN_FILE_ERROR, OKN_FILE_ERROR_IO,
                 _("The disk is full: %s could not be written. Nothing was written."), path);
  else
    g_set_error (error, OKN_FILE_ERROR, OKN_FILE_ERROR_IO, _("Could not write %s: %s"), path,
                 g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Into a terminal, a pipe or a device: there is nothing to replace. */
static gboolean
write_special (const char *path,
               const void *data,
               gsize       len,
               GError    **error)
{
  int fd = g_open (path, O_WRONLY | O_CLOEXEC | O_NOCTTY, 0);
  int saved;

  if (fd < 0)
    return set_io_error (path, errno, error);
  if (!write_all (fd, data, len))
    {
      saved = errno;
      close (fd);
      return set_io_error (path, saved, error);
    }
  close (fd);
  return TRUE;
}

/* Moves @tmp to @target; without @replace it fails with EEXIST instead of
 * replacing a file that appeared meanwhile. */
static int
move_into_place (const char *tmp,
                 const char *target,
                 gboolean    replace)
{
  if (replace)
    return rename (tmp, target);
  if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE) == 0)
    return 0;
  if (errno != EINVAL && errno != ENOSYS)
    return -1;
  /* A filesystem without RENAME_NOREPLACE: link() does not replace either. */
  if (link (tmp, target) != 0)
    return -1;
  g_unlink (tmp);
  return 0;
}

/**
 * okn_file_sync_folder:
 * @dir: a folder
 *
 * The folder reaches the disk, so that a rename or a new name in it is
 * durable (after an output's rename here; after a restore's in the store).
 * Best effort: a folder that cannot be opened or synced is left as it is,
 * the rename having been made.
 */
void
okn_file_sync_folder (const char *dir)
{
  int dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }
}

/**
 * okn_file_open_temp:
 * @path: the output the temporary file will become (okn_file_install())
 * @mode: the temporary file's permissions before the umask
 * @tmp_path: (out) (transfer full): the temporary file's name
 *
 * Checks @path under the rule of okn_file_check_output() and creates a
 * temporary file `.NAME.XXXXXX` in its target's folder, for output that
 * is not written from memory (a database copy).
 *
 * Returns: an open descriptor of the new file, or -1
 */
int
okn_file_open_temp (const char        *path,
                    OknFileWriteFlags  flags,
                    int                mode,
                    char             **tmp_path,
                    GError           **error)
{
  g_autofree char *target = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  int fd;

  if (!okn_file_check_output (path, flags, error))
    return -1;
  target = resolve (path);
  if (target == NULL)
    {
      set_io_error (path, ENOENT, error);
      return -1;
    }
  dir = g_path_get_dirname (target);
  base = g_path_get_basename (target);
  tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, mode);
  if (fd < 0)
    {
      set_io_error (path, errno, error);
      return -1;
    }
  *tmp_path = g_steal_pointer (&tmp);
  return fd;
}

/**
 * okn_file_install:
 * @tmp_path: a file from okn_file_open_temp(), written and fsync'ed
 * @path: the output
 *
 * Moves @tmp_path into place under the rule of okn_file_check_output()
 * (never over a file that appeared meanwhile, unless replacing was asked
 * for) and makes the rename durable. @tmp_path is removed on failure.
 */
gboolean
okn_file_install (const char        *tmp_path,
                  const char        *path,
                  OknFileWriteFlags  flags,
                  GError           **error)
{
  g_autofree char *target = resolve (path);
  g_autofree char *dir = NULL;
  int saved;

  if (target == NULL)
    {
      g_unlink (tmp_path);
      return set_io_error (path, ENOENT, error);
    }
  if (okn_file_is_protected (path))
    {
      g_unlink (tmp_path);
      return okn_file_check_output (path, flags, error);
    }
  if (move_into_place (tmp_path, target, (flags & OKN_FILE_WRITE_REPLACE) != 0) != 0)
    {
      saved = errno;
      g_unlink (tmp_path);
      if (saved == EEXIST)
        return okn_file_check_output (path, flags, error);
      return set_io_error (path, saved, error);
    }
  /* The rename itself reaches the disk with the folder. */
  dir = g_path_get_dirname (target);
  okn_file_sync_folder (dir);
  return TRUE;
}

/**
 * okn_file_write_output:
 * @path: the file to write
 * @flags: %OKN_FILE_WRITE_REPLACE to replace an existing file
 * @mode: the new file's permissions before the umask (0666 for a document
 *   a user asked for)
 *
 * Writes @data to @path under the rule of okn_file_check_output(),
 * atomically and durably.
 *
 * Returns: %TRUE when the file is on disk
 */
gboolean
okn_file_write_output (const char        *path,
                       const void        *data,
                       gsize              len,
                       OknFileWriteFlags  flags,
                       int                mode,
                       GError           **error)
{
  g_autofree char *tmp = NULL;
  GStatBuf st;
  int fd, saved;

  if (!okn_file_check_output (path, flags, error))
    return FALSE;
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    return write_special (path, data, len, error);

  fd = okn_file_open_temp (path, flags, mode, &tmp, error);
  if (fd < 0)
    return FALSE;
  if (!write_all (fd, data, len) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return set_io_error (path, saved, error);
    }
  close (fd);
  return okn_file_install (tmp, path, flags, error);
}
