/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-barcode.c: Code 128 and QR through libzint, drawn as rectangles */
#define G_LOG_DOMAIN "okn-barcode"

#include "config.h"

#include <string.h>
#include <zint.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-barcode.h"

G_DEFINE_QUARK (okn-barcode-error-quark, okn_barcode_error)

typedef struct zint_symbol OknZintSymbol;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZintSymbol, ZBarcode_Delete)

/* The QR error correction level: M (15 %) survives a crease or a smudge on
 * a thermal receipt and keeps the status-page URL at version 4 or 5. */
#define QR_ECC_M 2

/**
 * okn_barcode_encode:
 * @type: Code 128 or QR
 * @data: (not nullable): the text to encode, UTF-8
 * @error: return location for an #OKN_BARCODE_ERROR
 *
 * Returns: (transfer full) (nullable): the module matrix, or %NULL when
 *   libzint refuses the data
 */
OknBarcode *
okn_barcode_encode (OknBarcodeType  type,
                    const char     *data,
                    GError        **error)
{
  g_autoptr (OknZintSymbol) sym = NULL;
  OknBarcode *bc;
  int rc;

  g_return_val_if_fail (data != NULL, NULL);

  if (*data == '\0')
    {
      g_set_error (error, OKN_BARCODE_ERROR, OKN_BARCODE_ERROR_ENCODE,
                   _("Cannot make a barcode of empty text."));
      return NULL;
    }

  sym = ZBarcode_Create ();
  if (sym == NULL)
    g_error ("out of memory");
  if (type == OKN_BARCODE_CODE128)
    {
      sym->symbology = BARCODE_CODE128;
      sym->input_mode = DATA_MODE;
    }
  else
    {
      sym->symbology = BARCODE_QRCODE;
      sym->input_mode = DATA_MODE;
      sym->option_1 = QR_ECC_M;
    }

  rc = ZBarcode_Encode (sym, (const unsigned char *) data, (int) strlen (data));
  if (rc >= ZINT_ERROR)
    {
      g_set_error (error, OKN_BARCODE_ERROR, OKN_BARCODE_ERROR_ENCODE,
                   _("Cannot encode “%s” as a barcode: %s"), data, sym->errtxt);
      return NULL;
    }

  bc = g_new0 (OknBarcode, 1);
  bc->type = type;
  bc->data = g_strdup (data);
  bc->width = (guint) sym->width;
  bc->rows = (guint) sym->rows;
  bc->quiet = type == OKN_BARCODE_CODE128 ? OKN_BARCODE_CODE128_QUIET : OKN_BARCODE_QR_QUIET;
  bc->modules = g_malloc0_n ((gsize) bc->width * bc->rows, 1);
  /* zint 2.10+ packs each row of encoded_data least significant bit first. */
  for (guint r = 0; r < bc->rows; r++)
    for (guint c = 0; c < bc->width; c++)
      bc->modules[(gsize) r * bc->width + c] = (sym->encoded_data[r][c >> 3] >> (c & 7)) & 1;
  return bc;
}

void
okn_barcode_free (OknBarcode *bc)
{
  if (bc == NULL)
    return;
  g_free (bc->data);
  g_free (bc->modules);
  g_free (bc);
}

gboolean
okn_barcode_module (const OknBarcode *bc,
                    guint             x,
                    guint             row)
{
  g_return_val_if_fail (x < bc->width && row < bc->rows, FALSE);
  return bc->modules[(gsize) row * bc->width + x] != 0;
}

/**
 * okn_barcode_total_width:
 *
 * Returns: the width in modules including both quiet zones
 */
guint
okn_barcode_total_width (const OknBarcode *bc)
{
  return bc->width + 2 * bc->quiet;
}

/**
 * okn_barcode_draw:
 * @barcode: the symbol
 * @cr: where to draw, in the current source colour
 * @x: left edge of the first module (the caller leaves the quiet zone free)
 * @y: top edge
 * @module: the module size in user units
 * @height: the bar height of a Code 128; ignored for QR (square modules)
 *
 * Draws the dark modules as filled rectangles, runs of neighbours merged,
 * so a PDF keeps sharp edges at any zoom and an image surface with whole
 * numbers for @x, @y and @module gets exact dots.
 */
void
okn_barcode_draw (const OknBarcode *bc,
                  cairo_t          *cr,
                  double            x,
                  double            y,
                  double            module,
                  double            height)
{
  double row_h = bc->type == OKN_BARCODE_CODE128 ? height : module;

  cairo_save (cr);
  cairo_new_path (cr);
  for (guint r = 0; r < bc->rows; r++)
    {
      const guint8 *row = bc->modules + (gsize) r * bc->width;
      guint c = 0;

      while (c < bc->width)
        {
          guint start;

          if (!row[c])
            {
              c++;
              continue;
            }
          start = c;
          while (c < bc->width && row[c])
            c++;
          cairo_rectangle (cr, x + start * module, y + r * row_h, (c - start) * module, row_h);
        }
    }
  /* One path, filled once: edges shared by neighbouring rectangles are
   * not antialiased twice, so a QR's rows leave no hairline gaps on
   * fractional positions (PDF), and on rasters the layouts pass whole
   * dots, where nothing is antialiased at all. */
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
  cairo_fill (cr);
  cairo_restore (cr);
}

/**
 * okn_barcode_draw_bitmap:
 * @barcode: the symbol
 * @bitmap: the raster
 * @x: dot column of the first module
 * @y: dot row of the top edge
 * @module_dots: dots per module, at least 1
 * @height_dots: the bar height of a Code 128; ignored for QR
 *
 * Sets the dots of the dark modules; what falls outside @bitmap is cut off.
 */
void
okn_barcode_draw_bitmap (const OknBarcode *bc,
                         OknBitmap        *bitmap,
                         guint             x,
                         guint             y,
                         guint             module_dots,
                         guint             height_dots)
{
  guint row_h = bc->type == OKN_BARCODE_CODE128 ? height_dots : module_dots;

  g_return_if_fail (module_dots > 0);
  for (guint r = 0; r < bc->rows; r++)
    for (guint c = 0; c < bc->width; c++)
      {
        if (!bc->modules[(gsize) r * bc->width + c])
          continue;
        for (guint dy = 0; dy < row_h; dy++)
          {
            guint py = y + r * row_h + dy;

            if (py >= bitmap->height)
              break;
            for (guint dx = 0; dx < module_dots; dx++)
              {
                guint px = x + c * module_dots + dx;

                if (px >= bitmap->width)
                  break;
                okn_bitmap_set (bitmap, px, py, TRUE);
              }
          }
      }
}
