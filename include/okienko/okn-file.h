/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-file.h: writing the files a user asks for (exports, tickets as PDF)
 *
 * One rule for every output file of the desk, the kiosk and okienkoctl: it
 * never replaces the database, its -wal/-shm or the configuration, and it
 * replaces no existing file unless the caller says so (--force, or a save
 * dialog that asked); it is written atomically (a temporary file in the
 * same folder, fsync, rename), so a crash leaves the old file or the new
 * one, never half of one.
 * Contract: docs/internals/file.md
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_FILE_ERROR (okn_file_error_quark ())

typedef enum
{
  OKN_FILE_ERROR_EXISTS,      /* the file exists and replacing it was not asked for */
  OKN_FILE_ERROR_PROTECTED,   /* the database, its companions or the configuration */
  OKN_FILE_ERROR_INVALID,     /* not a file name (empty, a folder) */
  OKN_FILE_ERROR_IO,          /* the disk said no; the message says why */
} OknFileError;

typedef enum
{
  OKN_FILE_WRITE_DEFAULT = 0,
  OKN_FILE_WRITE_REPLACE = 1 << 0,   /* replace an existing file (--force) */
} OknFileWriteFlags;

GQuark   okn_file_error_quark  (void);

void     okn_file_protect      (const char *path);
gboolean okn_file_is_protected (const char *path);
gboolean okn_file_check_output (const char        *path,
                                OknFileWriteFlags  flags,
                                GError           **error);
gboolean okn_file_write_output (const char        *path,
                                const void        *data,
                                gsize              len,
                                OknFileWriteFlags  flags,
                                int                mode,
                                GError           **error);
int      okn_file_open_temp    (const char        *path,
                                OknFileWriteFlags  flags,
                                int                mode,
                                char             **tmp_path,
                                GError           **error);
gboolean okn_file_install      (const char        *tmp_path,
                                const char        *path,
                                OknFileWriteFlags  flags,
                                GError           **error);
void     okn_file_sync_folder  (const char        *dir);

G_END_DECLS
