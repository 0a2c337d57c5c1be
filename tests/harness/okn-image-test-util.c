/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-image-test-util.c: image manipulation for the ticket round trips */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
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

/* @page printed at @dpi: its ink as on paper. */
cairo_surface_t *
okn_img_from_pdf_page (PopplerPage *page,
                       double       dpi)
{
  g_autoptr (cairo_surface_t) rgb = NULL;
  double w, h;
  cairo_t *cr;

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

cairo_surface_t *
okn_img_from_pdf (GBytes *pdf,
                  double  dpi)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  g_autoptr (PopplerPage) page = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (poppler_document_get_n_pages (doc), ==, 1);
  page = poppler_document_get_page (doc, 0);
  return okn_img_from_pdf_page (page, dpi);
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

/* What differs between the kinds of JPEG: the colour space, and for the
 * colour photo no chroma subsampling and progressive. */
typedef struct
{
  int components;
  J_COLOR_SPACE space;
  gboolean progressive;
} JpegFlavour;

static const JpegFlavour jpeg_flavours[] = {
  [OKN_JPEG_GRAY] = { 1, JCS_GRAYSCALE, FALSE },
  [OKN_JPEG_PROGRESSIVE_RGB] = { 3, JCS_RGB, TRUE },
  [OKN_JPEG_CMYK] = { 4, JCS_CMYK, FALSE },
};

static void
gray_row_to (const JpegFlavour *flavour,
             const guint8      *src,
             guint              width,
             guint8            *row)
{
  for (guint x = 0; x < width; x++)
    switch (flavour->components)
      {
      case 3:
        row[3 * x] = row[3 * x + 1] = row[3 * x + 2] = src[x];
        break;
      case 4:
        /* Adobe's inverted values (255 = no ink): gray is black ink only. */
        row[4 * x] = row[4 * x + 1] = row[4 * x + 2] = 255;
        row[4 * x + 3] = src[x];
        break;
      default:
        row[x] = src[x];
        break;
      }
}

GBytes *
okn_gray_to_jpeg (const guint8 *gray,
                  guint         width,
                  guint         height,
                  int           quality,
                  OknJpegKind   kind)
{
  const JpegFlavour *flavour = &jpeg_flavours[kind];
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) width * (gsize) flavour->components);
  GBytes *out;

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &len);
  c.image_width = width;
  c.image_height = height;
  c.input_components = flavour->components;
  c.in_color_space = flavour->space;
  jpeg_set_defaults (&c);
  if (flavour->space == JCS_CMYK)
    g_assert_true (c.write_Adobe_marker);
  jpeg_set_quality (&c, quality, TRUE);
  if (flavour->progressive)
    {
      for (int i = 0; i < c.num_components; i++)
        c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
      jpeg_simple_progression (&c);
    }
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < c.image_height)
    {
      JSAMPROW r = row;

      gray_row_to (flavour, gray + (gsize) c.next_scanline * width, width, row);
      jpeg_write_scanlines (&c, &r, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  out = g_bytes_new (buf, len);
  free (buf);
  return out;
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
  g_assert_cmpint (cairo_surface_write_to_png_stream (s, okn_cairo_write_to_array, out), ==, CAIRO_STATUS_SUCCESS);
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

/* Simulated scans ---------------------------------------------------------- */

/* A small fast generator: xorshift32, never 0. */
static guint32
xorshift (guint32 *state)
{
  guint32 x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

/* Gaussian noise of standard deviation @sigma (sum of four uniforms,
 * close enough to a bell for sensor noise). */
void
okn_gray_add_gaussian_noise (guint8 *gray,
                             gsize   len,
                             guint32 seed,
                             double  sigma)
{
  guint32 state = seed * 2654435761u + 1;
  /* Four uniforms on [0, 65536) sum to a variance of 4 * 2^32 / 12. */
  double scale = sigma / sqrt (4.0 * 65536.0 * 65536.0 / 12.0);

  if (state == 0)
    state = 1;
  for (gsize i = 0; i < len; i++)
    {
      guint32 a = xorshift (&state), b = xorshift (&state);
      double u = (double) (a & 0xffff) + (a >> 16) + (b & 0xffff) + (b >> 16) - 2.0 * 65535.0;
      int v = gray[i] + (int) lrint (u * scale);

      gray[i] = (guint8) CLAMP (v, 0, 255);
    }
}

/* Separable Gaussian blur, in place. */
void
okn_gray_gaussian_blur (guint8 *gray,
                        guint   width,
                        guint   height,
                        double  sigma_px)
{
  int r = (int) ceil (3 * sigma_px);
  g_autofree int *k = NULL;
  g_autofree guint8 *tmp = NULL;
  int sum = 0;

  if (sigma_px <= 0.05)
    return;
  k = g_new (int, 2 * r + 1);
  for (int i = -r; i <= r; i++)
    {
      k[i + r] = (int) lrint (4096 * exp (-(double) i * i / (2 * sigma_px * sigma_px)));
      sum += k[i + r];
    }
  tmp = g_malloc ((gsize) width * height);
  for (guint y = 0; y < height; y++)
    {
      const guint8 *s = gray + (gsize) y * width;
      guint8 *d = tmp + (gsize) y * width;

      for (int x = 0; x < (int) width; x++)
        {
          int acc = 0;

          for (int i = -r; i <= r; i++)
            acc += k[i + r] * s[CLAMP (x + i, 0, (int) width - 1)];
          d[x] = (guint8) ((acc + sum / 2) / sum);
        }
    }
  for (int y = 0; y < (int) height; y++)
    for (guint x = 0; x < width; x++)
      {
        int acc = 0;

        for (int i = -r; i <= r; i++)
          acc += k[i + r] * tmp[(gsize) CLAMP (y + i, 0, (int) height - 1) * width + x];
        gray[(gsize) y * width + x] = (guint8) ((acc + sum / 2) / sum);
      }
}

const char *const okn_sim_set_names[] = { "noise", "blur", "perspective", "gray-on-gray", "jpeg-40", NULL };

/**
 * okn_sim_set_page:
 * @set: one of okn_sim_set_names
 * @index: the page of the set, from 0
 *
 * Every set has ordinary scanner noise (sigma 8) and the label tilted
 * evenly from -45° to +45° over 24 pages, stuck anywhere in the page's top
 * third; each set adds one more fault. "jpeg-40" is the plain scan, which
 * the caller saves as a JPEG of quality 40.
 *
 * Returns: %FALSE for an unknown set
 */
gboolean
okn_sim_set_page (const char *set,
                  double      dpi,
                  guint       index,
                  OknScanSim *sim)
{
  guint32 state = 0x9e3779b9u ^ (index * 7919u + (guint32) dpi);

  memset (sim, 0, sizeof *sim);
  sim->dpi = dpi;
  sim->angle_deg = -45.0 + 90.0 * (index % 24) / 23.0;
  xorshift (&state);
  sim->x = 0.3 + 0.4 * (xorshift (&state) % 1000) / 1000.0;
  sim->y = 0.16 + 0.04 * (xorshift (&state) % 1000) / 1000.0;
  sim->noise = 8;
  sim->paper = 238;
  sim->ink = 28;
  sim->seed = index * 31 + (guint32) dpi;
  if (g_str_equal (set, "noise") || g_str_equal (set, "jpeg-40"))
    return TRUE;
  if (g_str_equal (set, "blur"))
    {
      /* Slightly out of focus: a 0.25 mm line spreads over twice its width. */
      sim->blur_mm = 0.1;
      return TRUE;
    }
  if (g_str_equal (set, "perspective"))
    {
      /* A phone held over the desk: the page a trapezium, a little soft. */
      sim->perspective = 0.06;
      sim->blur_mm = 0.05;
      return TRUE;
    }
  if (g_str_equal (set, "gray-on-gray"))
    {
      /* Grey recycled paper and a faded thermal label. */
      sim->paper = 170;
      sim->ink = 95;
      return TRUE;
    }
  return FALSE;
}

/* Maps the page through a homography that moves its corners inwards (a
 * photo taken at an angle); what lies outside the page is the dark desk. */
static guint8 *
warp_perspective (const guint8 *src,
                  guint         w,
                  guint         h,
                  double        amount,
                  guint32       seed)
{
  guint32 state = seed * 2246822519u + 3;
  double dst[4][2], m[9];
  guint8 *out = g_malloc ((gsize) w * h);

  /* Where the page's corners land in the photo. */
  for (int i = 0; i < 4; i++)
    {
      double jx = amount * (0.3 + 0.7 * (xorshift (&state) % 1000) / 1000.0);
      double jy = amount * (0.3 + 0.7 * (xorshift (&state) % 1000) / 1000.0);

      dst[i][0] = (i == 1 || i == 2) ? w * (1 - jx) : w * jx;
      dst[i][1] = (i >= 2) ? h * (1 - jy) : h * jy;
    }
  /* The homography from the photo's square back to the page: map the unit
   * square to the quad (Heckbert), then invert by solving per pixel. */
  {
    double x0 = dst[0][0], y0 = dst[0][1], x1 = dst[1][0], y1 = dst[1][1];
    double x2 = dst[2][0], y2 = dst[2][1], x3 = dst[3][0], y3 = dst[3][1];
    double sx = x0 - x1 + x2 - x3, sy = y0 - y1 + y2 - y3;
    double dx1 = x1 - x2, dx2 = x3 - x2, dy1 = y1 - y2, dy2 = y3 - y2;
    double den = dx1 * dy2 - dx2 * dy1;
    double g = (sx * dy2 - dx2 * sy) / den, hh = (dx1 * sy - sx * dy1) / den;

    /* unit square (u,v) -> photo (x,y) */
    m[0] = x1 - x0 + g * x1;
    m[1] = x3 - x0 + hh * x3;
    m[2] = x0;
    m[3] = y1 - y0 + g * y1;
    m[4] = y3 - y0 + hh * y3;
    m[5] = y0;
    m[6] = g;
    m[7] = hh;
    m[8] = 1;
  }
  {
    /* The inverse (adjugate) maps the photo back to the unit square. */
    double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], hh = m[7], i = m[8];
    double inv[9] = { e * i - f * hh, c * hh - b * i, b * f - c * e,
                      f * g - d * i,  a * i - c * g,  c * d - a * f,
                      d * hh - e * g, b * g - a * hh, a * e - b * d };

    for (guint y = 0; y < h; y++)
      for (guint x = 0; x < w; x++)
        {
          double X = x + 0.5, Y = y + 0.5;
          double q = inv[6] * X + inv[7] * Y + inv[8];
          double u = (inv[0] * X + inv[1] * Y + inv[2]) / q * w - 0.5;
          double v = (inv[3] * X + inv[4] * Y + inv[5]) / q * h - 0.5;
          int ix = (int) floor (u), iy = (int) floor (v);
          double fx = u - ix, fy = v - iy;
          /* Light falls off towards one side of the photo. */
          double light = 1.0 - 0.12 * (double) x / w;

          if (ix < 0 || iy < 0 || ix + 1 >= (int) w || iy + 1 >= (int) h)
            out[(gsize) y * w + x] = 60;
          else
            {
              const guint8 *p = src + (gsize) iy * w + ix;
              double val = (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) + (p[w] * (1 - fx) + p[w + 1] * fx) * fy;

              out[(gsize) y * w + x] = (guint8) CLAMP (lrint (val * light), 0, 255);
            }
        }
  }
  return out;
}

/**
 * okn_sim_scan_page:
 * @label: the label's ink (A8, 255 = black) as printed at @label_dpi
 *
 * Returns: (transfer full): the page as 8-bit gray, 0 = black
 */
guint8 *
okn_sim_scan_page (cairo_surface_t  *label,
                   double            label_dpi,
                   const OknScanSim *sim,
                   guint            *width,
                   guint            *height)
{
  double dpi = sim->dpi, ppmm = dpi / 25.4;
  int pw = (int) lrint (210 * ppmm), ph = (int) lrint (297 * ppmm);
  g_autoptr (cairo_surface_t) ink = okn_img_blank (pw, ph);
  cairo_t *cr = cairo_create (ink);
  guint8 *gray;
  const guint8 *d;
  int st;

  /* The letter: a heading and a few paragraphs below the label's third. */
  {
    PangoLayout *pl = pango_cairo_create_layout (cr);
    PangoFontDescription *fd = pango_font_description_from_string ("DejaVu Serif");
    const char *text =
      "Szanowni Państwo,\n\nzwracam się z uprzejmą prośbą o usunięcie drzewa rosnącego przy ul. Łąkowej 12, "
      "które po ostatniej wichurze pochyliło się nad chodnikiem i zagraża przechodniom. Proszę o pilne "
      "zajęcie się sprawą oraz o informację, kiedy prace zostaną wykonane.\n\nW załączeniu przesyłam "
      "zdjęcia drzewa wykonane 3 marca. Jestem dostępna pod numerem telefonu podanym w nagłówku pisma.\n\n"
      "Z poważaniem,\nZażółć Gęślą-Jaźń";

    pango_font_description_set_absolute_size (fd, 3.9 * ppmm * PANGO_SCALE);
    pango_layout_set_font_description (pl, fd);
    pango_layout_set_width (pl, (int) (pw * 0.72) * PANGO_SCALE);
    pango_layout_set_text (pl, "Zażółć Gęślą-Jaźń\nul. Łąkowa 14 m. 3\n90-001 Przykładowo", -1);
    cairo_move_to (cr, pw * 0.12, ph * 0.05);
    pango_cairo_show_layout (cr, pl);
    pango_layout_set_text (pl, text, -1);
    cairo_move_to (cr, pw * 0.14, ph * 0.36);
    pango_cairo_show_layout (cr, pl);
    pango_font_description_free (fd);
    g_object_unref (pl);
  }
  /* The label, tilted, where someone stuck it. */
  cairo_translate (cr, sim->x * pw, sim->y * ph);
  cairo_rotate (cr, sim->angle_deg * G_PI / 180);
  cairo_scale (cr, dpi / label_dpi, dpi / label_dpi);
  cairo_translate (cr, -cairo_image_surface_get_width (label) / 2.0, -cairo_image_surface_get_height (label) / 2.0);
  cairo_set_source_surface (cr, label, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);

  cairo_surface_flush (ink);
  d = cairo_image_surface_get_data (ink);
  st = cairo_image_surface_get_stride (ink);
  gray = g_malloc ((gsize) pw * ph);
  for (int y = 0; y < ph; y++)
    for (int x = 0; x < pw; x++)
      gray[(gsize) y * pw + x] = (guint8) (sim->paper - (sim->paper - sim->ink) * d[(gsize) y * st + x] / 255);

  okn_gray_gaussian_blur (gray, (guint) pw, (guint) ph, sim->blur_mm * ppmm);
  if (sim->perspective > 0)
    {
      guint8 *warped = warp_perspective (gray, (guint) pw, (guint) ph, sim->perspective, sim->seed);

      g_free (gray);
      gray = warped;
    }
  okn_gray_add_gaussian_noise (gray, (gsize) pw * ph, sim->seed, sim->noise);
  *width = (guint) pw;
  *height = (guint) ph;
  return gray;
}

/**
 * okn_sim_scanned_pdf:
 * @set: which faults (okn_sim_set_page()); page i is page i of the set,
 *   the tilts spread over the whole range
 *
 * A PDF as a scanner's document feeder makes it: every page one grey
 * JPEG (quality 75) at @dpi filling an A4 page.
 *
 * Returns: (transfer full): the PDF
 */
GBytes *
okn_sim_scanned_pdf (cairo_surface_t *label,
                     double           label_dpi,
                     const char      *set,
                     double           dpi,
                     guint            pages)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 595.276, 841.89);
  cairo_t *cr = cairo_create (pdf);

  for (guint i = 0; i < pages; i++)
    {
      OknScanSim sim;
      g_autofree guint8 *gray = NULL;
      GBytes *jpeg;
      cairo_surface_t *img;
      guint w, h;

      g_assert_true (okn_sim_set_page (set, dpi, pages > 1 ? i * 23 / (pages - 1) : 0, &sim));
      gray = okn_sim_scan_page (label, label_dpi, &sim, &w, &h);
      jpeg = okn_gray_to_jpeg (gray, w, h, 75, OKN_JPEG_GRAY);
      /* The pixels are never drawn: the PDF takes the JPEG as it is. */
      img = cairo_image_surface_create (CAIRO_FORMAT_A8, (int) w, (int) h);
      cairo_surface_set_mime_data (img, CAIRO_MIME_TYPE_JPEG, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                   (cairo_destroy_func_t) g_bytes_unref, jpeg);
      cairo_save (cr);
      cairo_scale (cr, 72.0 / dpi, 72.0 / dpi);
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_show_page (cr);
      cairo_surface_destroy (img);
    }
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  cairo_surface_destroy (pdf);
  return g_byte_array_free_to_bytes (out);
}
