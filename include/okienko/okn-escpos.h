/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-escpos.h: raw ESC/POS output to a thermal receipt printer
 *
 * The ticket goes as one picture: ESC @, the 1-bit raster as "GS v 0"
 * bands, a feed and a cut. No code-page text is ever sent, so Polish
 * diacritics print as we rendered them. The destination is a device file
 * (/dev/usb/lp0) or a TCP address (HOST:PORT, port 9100 by default).
 * Contract: docs/internals/printing.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-bitmap.h"
#include "okienko/okn-config.h"

G_BEGIN_DECLS

#define OKN_ESCPOS_ERROR (okn_escpos_error_quark ())

typedef enum
{
  OKN_ESCPOS_ERROR_INVALID,      /* bad destination, bitmap or option */
  OKN_ESCPOS_ERROR_NO_DEVICE,    /* device file missing or not permitted */
  OKN_ESCPOS_ERROR_REFUSED,      /* nothing listens on HOST:PORT, or host unknown */
  OKN_ESCPOS_ERROR_TIMEOUT,      /* connect or write did not finish in time */
  OKN_ESCPOS_ERROR_IO,           /* the write failed half-way */
  OKN_ESCPOS_ERROR_NO_PAPER,     /* the printer said its roll is empty */
} OknEscposError;

typedef enum
{
  OKN_ESCPOS_CUT_NONE,
  OKN_ESCPOS_CUT_PARTIAL,
  OKN_ESCPOS_CUT_FULL,
} OknEscposCut;

#define OKN_ESCPOS_DEFAULT_PORT 9100

/* The widest raster a "GS v 0" header can describe is 65535 bytes, but
 * printers buffer far less: bands of this many rows are safe on every
 * 58/80 mm printer we know. */
#define OKN_ESCPOS_DEFAULT_BAND_ROWS 256

typedef struct
{
  guint feed_lines;   /* ESC d n before the cut, 0-255 */
  OknEscposCut cut;
  guint timeout;      /* seconds for connect and for the whole write */
  guint band_rows;    /* rows per "GS v 0" command, 1-4095 */
  gboolean check_paper; /* ask "DLE EOT 4" first; refuse when the roll is out */
} OknEscposOptions;

GQuark       okn_escpos_error_quark      (void);

void         okn_escpos_options_init     (OknEscposOptions *options);
gboolean     okn_escpos_options_from_config (OknEscposOptions *options,
                                          OknConfig        *config,
                                          GError          **error);

gboolean     okn_escpos_cut_from_string  (const char   *s,
                                          OknEscposCut *out);
const char  *okn_escpos_cut_to_string    (OknEscposCut cut);

GBytes      *okn_escpos_encode           (const OknBitmap        *bitmap,
                                          const OknEscposOptions *options,
                                          GError                **error);

gboolean     okn_escpos_paper_status_ok  (guint8        status,
                                          gboolean     *paper_out);

gboolean     okn_escpos_send             (const char   *destination,
                                          GBytes       *data,
                                          guint         timeout,
                                          GCancellable *cancellable,
                                          GError      **error);

gboolean     okn_escpos_print            (const char             *destination,
                                          const OknBitmap        *bitmap,
                                          const OknEscposOptions *options,
                                          GCancellable           *cancellable,
                                          GError                **error);

G_END_DECLS
