/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-zbar.c: decode what a test printed, with zbar and poppler
 *
 * The tests decode with zbar directly rather than through the core's
 * scanner, so a printing test does not depend on the scanning code it is
 * not about. */
#include "config.h"

#include <string.h>
#include <cairo.h>
#include <poppler.h>
#include <zbar.h>

#include "okn-image-test-util.h"
#include "okn-test-zbar.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (zbar_image_scanner_t, zbar_image_scanner_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (zbar_image_t, zbar_image_destroy)

/**
 * okn_test_zbar_gray:
 * @gray: 8-bit gray, 0 = black, rows of @width bytes
 *
 * zbar as zbarimg configures it: every symbology, every line.
 *
 * Returns: (transfer full) (element-type utf8): the text of every symbol
 */
GPtrArray *
okn_test_zbar_gray (const guint8 *gray,
                    guint         width,
                    guint         height)
{
  g_autoptr (zbar_image_scanner_t) scanner = zbar_image_scanner_create ();
  g_autoptr (zbar_image_t) image = zbar_image_create ();
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  /* zbar only reads the buffer; it stays the caller's. */
  zbar_image_set_data (image, gray, (unsigned long) width * height, NULL);
  zbar_scan_image (scanner, image);
  for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s; s = zbar_symbol_next (s))
    g_ptr_array_add (texts, g_strdup (zbar_symbol_get_data (s)));
  return texts;
}

/* 1-bit to 8-bit gray, with a white quiet zone around it as paper has. */
GPtrArray *
okn_test_zbar_bitmap (const OknBitmap *bitmap)
{
  const guint margin = 32;
  guint w = bitmap->width + 2 * margin;
  guint h = bitmap->height + 2 * margin;
  g_autofree guint8 *gray = g_malloc ((gsize) w * h);

  memset (gray, 0xff, (gsize) w * h);
  for (guint y = 0; y < bitmap->height; y++)
    for (guint x = 0; x < bitmap->width; x++)
      if (okn_bitmap_get (bitmap, x, y))
        gray[(gsize) (y + margin) * w + x + margin] = 0;
  return okn_test_zbar_gray (gray, w, h);
}

/**
 * okn_test_zbar_pdf:
 * @page_width_mm: (out) (optional): size of the first page
 *
 * Rasterises every page with poppler at @dpi and decodes it.
 */
GPtrArray *
okn_test_zbar_pdf (GBytes *pdf,
                   double  dpi,
                   double *page_width_mm,
                   double *page_height_mm)
{
  g_autoptr (GError) error = NULL;
  /* poppler-glib 22 has no autoptr declarations. */
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  GPtrArray *all = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (int i = 0; i < poppler_document_get_n_pages (doc); i++)
    {
      PopplerPage *page = poppler_document_get_page (doc, i);
      g_autoptr (GPtrArray) texts = NULL;
      g_autofree guint8 *gray = NULL;
      cairo_surface_t *ink;
      double pw, ph;
      guint w, h;

      poppler_page_get_size (page, &pw, &ph);
      if (i == 0 && page_width_mm)
        *page_width_mm = pw * 25.4 / 72;
      if (i == 0 && page_height_mm)
        *page_height_mm = ph * 25.4 / 72;
      ink = okn_img_from_pdf_page (page, dpi);
      g_object_unref (page);
      gray = okn_img_to_gray (ink, &w, &h);
      cairo_surface_destroy (ink);
      texts = okn_test_zbar_gray (gray, w, h);
      for (guint t = 0; t < texts->len; t++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (texts, t)));
    }
  g_object_unref (doc);
  return all;
}

gboolean
okn_test_strv_has (GPtrArray  *texts,
                   const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}
