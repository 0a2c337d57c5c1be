/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-cairo.c: cairo's PDF and PNG output collected in memory */
#define G_LOG_DOMAIN "okn-cairo"

#include "config.h"

#include <cairo-pdf.h>

#include "okienko/okn-cairo.h"

/* The PDF's bytes travel with its surface (cairo writes them while the
 * pages are drawn and when it is finished), so a caller holds one thing. */
static const cairo_user_data_key_t pdf_bytes_key;

/**
 * okn_cairo_write_to_array:
 * @closure: a #GByteArray
 *
 * A #cairo_write_func_t that appends to a #GByteArray.
 */
cairo_status_t
okn_cairo_write_to_array (void                *closure,
                          const unsigned char *data,
                          unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * okn_cairo_pdf_new:
 * @width_pt: the page's width in points (1/72 in)
 * @height_pt: its height
 *
 * A PDF surface that writes into memory; draw its pages, then take the
 * file with okn_cairo_pdf_finish(). Check cairo_surface_status() (or the
 * status okn_cairo_pdf_finish() gives) for a surface cairo could not make.
 *
 * Returns: (transfer full): the surface; cairo_surface_destroy() it
 */
cairo_surface_t *
okn_cairo_pdf_new (double width_pt,
                   double height_pt)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, width_pt, height_pt);

  /* On a surface in error cairo keeps no user data: the array is ours. */
  if (cairo_surface_set_user_data (surface, &pdf_bytes_key, out, (cairo_destroy_func_t) g_byte_array_unref)
      != CAIRO_STATUS_SUCCESS)
    g_byte_array_unref (out);
  return surface;
}

/**
 * okn_cairo_pdf_finish:
 * @surface: from okn_cairo_pdf_new(), its pages drawn and shown
 * @status: (out): cairo's status when it failed
 *
 * Finishes the PDF (no drawing after this) and takes its bytes.
 *
 * Returns: (transfer full) (nullable): the PDF file's bytes, or %NULL with
 *   @status saying why
 */
GBytes *
okn_cairo_pdf_finish (cairo_surface_t *surface,
                      cairo_status_t  *status)
{
  GByteArray *out;
  guint8 *data;
  gsize len;

  cairo_surface_finish (surface);
  *status = cairo_surface_status (surface);
  out = cairo_surface_get_user_data (surface, &pdf_bytes_key);
  if (*status == CAIRO_STATUS_SUCCESS && out == NULL)
    *status = CAIRO_STATUS_NO_MEMORY;
  if (*status != CAIRO_STATUS_SUCCESS)
    return NULL;
  /* The surface keeps its reference to the emptied array until it goes. */
  data = g_byte_array_steal (out, &len);
  return g_bytes_new_take (data, len);
}

/**
 * okn_cairo_png_bytes:
 * @surface: an image surface
 * @status: (out): cairo's status when it failed
 *
 * Returns: (transfer full) (nullable): @surface as a PNG file's bytes, or
 *   %NULL with @status saying why
 */
GBytes *
okn_cairo_png_bytes (cairo_surface_t *surface,
                     cairo_status_t  *status)
{
  GByteArray *out = g_byte_array_new ();

  *status = cairo_surface_write_to_png_stream (surface, okn_cairo_write_to_array, out);
  if (*status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (out);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}
