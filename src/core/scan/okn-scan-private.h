/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-private.h: what the files of the scan module share */
#pragma once

#include <glib.h>

#include "okienko/okn-scan.h"

G_BEGIN_DECLS

/* Where the symbols of a pass were seen, in pixels. */
typedef struct
{
  int x0, y0, x1, y1;
  gboolean any;
} OknScanBox;

void     okn_scan_box_add_point (OknScanBox *box,
                                 int         x,
                                 int         y);

/* Symbols found by any pass, each text once. */
void     okn_scan_symbols_add  (GPtrArray  *out,
                                const char *symbology,
                                const char *data,
                                gsize       len);
gboolean okn_scan_symbols_have (GPtrArray  *symbols,
                                const char *symbology);

guint8  *okn_scan_downscale    (const guint8 *src,
                                guint         w,
                                guint         h,
                                guint         k,
                                guint        *ow,
                                guint        *oh);

void     okn_scan_linear       (const guint8 *gray,
                                guint         width,
                                guint         height,
                                const guint8 *reduced,
                                guint         k,
                                GPtrArray    *out,
                                OknScanBox   *box);

/* The buffer a PNG or JPEG page is decoded into: okn-scan-pixels.c. */
typedef guint8 OknScanPixels;

guint8  *okn_scan_pixels_take  (gsize   size);
void     okn_scan_pixels_give  (guint8 *pixels);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknScanPixels, okn_scan_pixels_give)

/* The grey image the decoders are given: a PNG or JPEG, or one page of a
 * PDF drawn as the scan draws it. */
guint8  *okn_scan_load_gray    (const guint8 *data,
                                gsize         len,
                                const char   *name,
                                guint         page,
                                guint        *width,
                                guint        *height,
                                GError      **error);

G_END_DECLS
