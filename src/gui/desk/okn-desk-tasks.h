/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-desk-tasks.h: the desk's blocking work, each in a thread with its own
 * store connection (reprints, exports, scans, sync) */
#pragma once

#include <gio/gio.h>

#include "okienko/okienko.h"
#include "okienko/okn-scan.h"

G_BEGIN_DECLS

typedef enum
{
  OKN_EXPORT_CSV,
  OKN_EXPORT_PDF,
  OKN_EXPORT_PRINT,   /* the PDF, to the A4 output */
} OknExportFormat;

void           okn_desk_reprint_async    (OknContext          *context,
                                          const char          *ticket,
                                          const char          *layout,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char          *okn_desk_reprint_finish   (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_cancel_async     (OknContext          *context,
                                          const char          *ticket,
                                          const char          *reason,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean       okn_desk_cancel_finish    (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_export_async     (OknContext          *context,
                                          const GDate         *day,
                                          OknExportFormat      format,
                                          const char          *path,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char          *okn_desk_export_finish    (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_scan_file_async  (OknContext          *context,
                                          const char          *path,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
OknScanReport *okn_desk_scan_file_finish (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_read_file_async  (const char          *path,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
OknRecord     *okn_desk_read_file_finish (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_senders_async    (OknContext          *context,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GPtrArray     *okn_desk_senders_finish   (GAsyncResult  *result,
                                          GError       **error);

void           okn_desk_sync_async       (OknContext          *context,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char          *okn_desk_sync_finish      (GAsyncResult  *result,
                                          GError       **error);


G_END_DECLS
