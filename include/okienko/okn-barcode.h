/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-barcode.h: Code 128 and QR symbols as module matrices
 *
 * libzint does the encoding; what comes back is a plain matrix of modules
 * (1 = dark) without quiet zones, so the layouts decide the module size: a
 * whole number of dots on rasters, millimetres on vector pages.
 * Contract: docs/internals/barcode.md
 */
#pragma once

#include <glib.h>
#include <cairo.h>

#include "okienko/okn-bitmap.h"

G_BEGIN_DECLS

#define OKN_BARCODE_ERROR (okn_barcode_error_quark ())

typedef enum
{
  OKN_BARCODE_ERROR_ENCODE,    /* the data cannot be encoded (too long, bad characters) */
  OKN_BARCODE_ERROR_TOO_WIDE,  /* the symbol does not fit the space it was given */
} OknBarcodeError;

typedef enum
{
  OKN_BARCODE_CODE128,
  OKN_BARCODE_QR,
} OknBarcodeType;

/* Quiet zones the standards ask for, in modules, on each side. */
#define OKN_BARCODE_CODE128_QUIET 10
#define OKN_BARCODE_QR_QUIET      4

typedef struct
{
  OknBarcodeType type;
  char *data;       /* what is encoded */
  guint width;      /* modules, without quiet zones */
  guint rows;       /* 1 for Code 128 */
  guint quiet;      /* quiet zone in modules, each side */
  guint8 *modules;  /* rows * width bytes, 1 = dark */
} OknBarcode;

GQuark      okn_barcode_error_quark   (void);

OknBarcode *okn_barcode_encode        (OknBarcodeType  type,
                                       const char     *data,
                                       GError        **error);
void        okn_barcode_free          (OknBarcode *barcode);
gboolean    okn_barcode_module        (const OknBarcode *barcode,
                                       guint             x,
                                       guint             row);
guint       okn_barcode_total_width   (const OknBarcode *barcode);

void        okn_barcode_draw          (const OknBarcode *barcode,
                                       cairo_t          *cr,
                                       double            x,
                                       double            y,
                                       double            module,
                                       double            height);
void        okn_barcode_draw_bitmap   (const OknBarcode *barcode,
                                       OknBitmap        *bitmap,
                                       guint             x,
                                       guint             y,
                                       guint             module_dots,
                                       guint             height_dots);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknBarcode, okn_barcode_free)

G_END_DECLS
