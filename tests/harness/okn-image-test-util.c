/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-image-test-util.c: image manipulation for the ticket round trips */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <poppler.h>

#include "okn-image-test-util.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

cairo_surface_t *
okn_img_blank (int width,
               int height)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  return s;
}

cairo_surface_t *
okn_img_from_bitmap (const OknBitmap *b)
{
  cairo_surface_t *s = okn_img_blank ((int) b->width, (int) b->height);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  for (guint y = 0; y < b->height; y++)
    for (guint x = 0; x < b->width; x++)
      data[(gsize) y * stride + x] = okn_bitmap_get (b, x, y) ? 255 : 0;
  cairo_surface_mark_dirty (s);
  return s;
}

/* Ink of an RGB24/ARGB32 surface drawn on white. */
static cairo_surface_t *
ink_of (cairo_surface_t *rgb)
{
  int w = cairo_image_surface_get_width (rgb);
  int h = cairo_image_surface_get_height (rgb);
  int ss = cairo_image_surface_get_stride (rgb);
  cairo_surface_t *s = okn_img_blank (w, h);
  guint8 *dst = cairo_image_surface_get_data (s);
  int ds = cairo_image_surface_get_stride (s);
  const guint8 *src;

  cairo_surface_flush (rgb);
  src = cairo_image_surface_get_data (rgb);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = ((const guint32 *) (gconstpointer) (src + (gsize) y * ss))[x];
        guint a = cairo_image_surface_get_format (rgb) == CAIRO_FORMAT_ARGB32 ? px >> 24 : 255;
        guint l = ((((px >> 16) & 0xff) * 77 + ((px >> 8) & 0xff) * 150 + (px & 0xff) * 29) >> 8) + 255 - a;

        dst[(gsize) y * ds + x] = (guint8) (255 - MIN (l, 255));
      }
  cairo_surface_mark_dirty (s);
  return s;
}

cairo_surface_t *
okn_img_from_pdf (GBytes *pdf,
                  double  dpi)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  g_autoptr (PopplerPage) page = NULL;
  g_autoptr (cairo_surface_t) rgb = NULL;
  double w, h;
  cairo_t *cr;

  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  page = poppler_document_get_page (doc, 0);
  poppler_page_get_size (page, &w, &h);
  rgb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (w * dpi / 72), (int) ceil (h * dpi / 72));
  cr = cairo_create (rgb);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72, dpi / 72);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  return ink_of (rgb);
}

typedef struct
{
  const guint8 *data;
  gsize len, pos;
} Reader;

static cairo_status_t
read_mem (void          *closure,
          unsigned char *data,
          unsigned int   length)
{
  Reader *r = closure;

  if (r->len - r->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, r->data + r->pos, length);
  r->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
okn_img_from_png (GBytes *png)
{
  Reader r = { 0 };
  g_autoptr (cairo_surface_t) s = NULL;

  r.data = g_bytes_get_data (png, &r.len);
  s = cairo_image_surface_create_from_png_stream (read_mem, &r);
  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  if (cairo_image_surface_get_format (s) == CAIRO_FORMAT_A8)
    {
      /* Gray PNGs load as their value in alpha: invert into ink. */
      int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
      int st = cairo_image_surface_get_stride (s);
      guint8 *d = cairo_image_surface_get_data (s);

      for (gsize i = 0; i < (gsize) st * h; i++)
        d[i] = (guint8) (255 - d[i]);
      cairo_surface_mark_dirty (s);
      (void) w;
      return g_steal_pointer (&s);
    }
  return ink_of (s);
}

/* Scales by @scale and rotates by @angle_deg around the centre, on a canvas
 * large enough for the result: what a scanner at another resolution, or a
 * label stuck on askew, does. */
cairo_surface_t *
okn_img_transform (cairo_surface_t *img,
                   double           scale,
                   double           angle_deg)
{
  double w = cairo_image_surface_get_width (img) * scale;
  double h = cairo_image_surface_get_height (img) * scale;
  double a = angle_deg * G_PI / 180;
  int nw = (int) ceil (fabs (w * cos (a)) + fabs (h * sin (a)));
  int nh = (int) ceil (fabs (w * sin (a)) + fabs (h * cos (a)));
  cairo_surface_t *out = okn_img_blank (nw, nh);
  cairo_t *cr = cairo_create (out);

  cairo_translate (cr, nw / 2.0, nh / 2.0);
  cairo_rotate (cr, a);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -cairo_image_surface_get_width (img) / 2.0, -cairo_image_surface_get_height (img) / 2.0);
  cairo_set_source_surface (cr, img, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return out;
}

void
okn_img_paste (cairo_surface_t *page,
               cairo_surface_t *img,
               double           x,
               double           y)
{
  cairo_t *cr = cairo_create (page);

  cairo_set_source_surface (cr, img, x, y);
  cairo_paint (cr);
  cairo_destroy (cr);
}

guint8 *
okn_img_to_gray (cairo_surface_t *img,
                 guint           *width,
                 guint           *height)
{
  int w = cairo_image_surface_get_width (img);
  int h = cairo_image_surface_get_height (img);
  int st = cairo_image_surface_get_stride (img);
  const guint8 *d;
  guint8 *g = g_malloc ((gsize) w * h);

  cairo_surface_flush (img);
  d = cairo_image_surface_get_data (img);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      g[(gsize) y * w + x] = (guint8) (255 - d[(gsize) y * st + x]);
  *width = (guint) w;
  *height = (guint) h;
  return g;
}

/* Sensor noise of ±@amplitude on every pixel and @speckle of the pixels
 * flipped to black or white (dust, toner). */
void
okn_gray_add_noise (guint8 *gray,
                    gsize   len,
                    guint32 seed,
                    int     amplitude,
                    double  speckle)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < len; i++)
    {
      int v = gray[i] + g_rand_int_range (rand, -amplitude, amplitude + 1);

      if (speckle > 0 && g_rand_double (rand) < speckle)
        v = g_rand_boolean (rand) ? 0 : 255;
      gray[i] = (guint8) CLAMP (v, 0, 255);
    }
}

GBytes *
okn_gray_to_jpeg (const guint8 *gray,
                  guint         width,
                  guint         height,
                  int           quality)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  GBytes *out;

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &len);
  c.image_width = width;
  c.image_height = height;
  c.input_components = 1;
  c.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, quality, TRUE);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < c.image_height)
    {
      JSAMPROW row = (JSAMPROW) gray + (gsize) c.next_scanline * width;

      jpeg_write_scanlines (&c, &row, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  out = g_bytes_new (buf, len);
  free (buf);
  return out;
}

/* A colour photo or scan as many scanners save it: RGB, no chroma
 * subsampling, progressive, which makes libjpeg keep every coefficient of
 * the image while decoding. */
GBytes *
okn_gray_to_progressive_rgb_jpeg (const guint8 *gray,
                                  guint         width,
                                  guint         height,
                                  int           quality)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * 3);
  GBytes *out;

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &len);
  c.image_width = width;
  c.image_height = height;
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, quality, TRUE);
  for (int i = 0; i < c.num_components; i++)
    c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
  jpeg_simple_progression (&c);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < c.image_height)
    {
      const guint8 *src = gray + (gsize) c.next_scanline * width;
      JSAMPROW r = row;

      for (guint x = 0; x < width; x++)
        row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = src[x];
      jpeg_write_scanlines (&c, &r, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  out = g_bytes_new (buf, len);
  free (buf);
  return out;
}

static cairo_status_t
write_mem (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
okn_gray_to_png (const guint8 *gray,
                 guint         width,
                 guint         height)
{
  g_autoptr (cairo_surface_t) s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) width, (int) height);
  GByteArray *out = g_byte_array_new ();
  int st = cairo_image_surface_get_stride (s);
  guint8 *d = cairo_image_surface_get_data (s);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      {
        guint v = gray[(gsize) y * width + x];

        ((guint32 *) (gpointer) (d + (gsize) y * st))[x] = 0xff000000u | v << 16 | v << 8 | v;
      }
  cairo_surface_mark_dirty (s);
  g_assert_cmpint (cairo_surface_write_to_png_stream (s, write_mem, out), ==, CAIRO_STATUS_SUCCESS);
  return g_byte_array_free_to_bytes (out);
}

GPtrArray *
okn_img_scan (OknStore        *store,
              OknConfig       *config,
              cairo_surface_t *img)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *gray = NULL;
  guint w, h;
  GPtrArray *results;

  gray = okn_img_to_gray (img, &w, &h);
  results = okn_scan_frame (store, config, gray, w, h, w, &error);
  g_assert_no_error (error);
  return results;
}
