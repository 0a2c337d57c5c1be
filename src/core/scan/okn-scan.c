/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan.c: zbar over image files, PDF pages and camera frames; the
 * verdicts from the store */
#define G_LOG_DOMAIN "okn-scan"

#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include <jpeglib.h>
#include <poppler.h>
#include <zbar.h>
#include <glib/gi18n-lib.h>

#include "okn-scan-private.h"

G_DEFINE_QUARK (okn-scan-error-quark, okn_scan_error)

typedef zbar_image_scanner_t OknZbarScanner;
typedef zbar_image_t OknZbarImage;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarScanner, zbar_image_scanner_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarImage, zbar_image_destroy)
/* poppler-glib 22 defines no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

/* PDF pages are rasterised at this resolution: a 0.25 mm module is three
 * pixels, and an A4 page stays under 9 megapixels. */
#define PDF_DPI 300.0

/* Images are first read reduced to about this many pixels on the short
 * side: an A4 page at roughly 150 dpi. */
#define REDUCED_SIDE 1200

/* Paper grain (standard deviation, grey levels) from which zbar is given
 * a smoothed copy: below it every edge zbar sees is a real one. */
#define GRAINY 3.0

/* The most pixels an image or a rasterised PDF page may have: an A4 page
 * scanned at 600 dpi has 35 million. A file of a few kilobytes can claim
 * a picture of billions (a PNG of zeros compresses a thousandfold), which
 * would take gigabytes and minutes to read. */
#define MAX_PIXELS (48u * 1024 * 1024)

const char *
okn_scan_verdict_to_string (OknScanVerdict v)
{
  switch (v)
    {
    case OKN_SCAN_GENUINE:
      return "genuine";
    case OKN_SCAN_ID_ONLY:
      return "id-only";
    case OKN_SCAN_WRONG_CODE:
      return "wrong-code";
    case OKN_SCAN_UNKNOWN_TICKET:
      return "unknown-ticket";
    case OKN_SCAN_NOT_OURS:
    default:
      return "not-ours";
    }
}

void
okn_scan_symbol_free (OknScanSymbol *s)
{
  if (s == NULL)
    return;
  g_free (s->symbology);
  g_free (s->text);
  g_free (s);
}

void
okn_scan_result_free (OknScanResult *r)
{
  if (r == NULL)
    return;
  g_free (r->ticket);
  g_free (r->code);
  g_free (r->payload);
  g_free (r->symbology);
  g_free (r->message);
  g_free (r);
}

/* Decoding --------------------------------------------------------------- */

/* What a pass looks for. */
typedef enum
{
  PASS_ALL,      /* tickets' codes and the common foreign ones */
  PASS_QR,       /* QR codes only: the 1D codes are read by okn_scan_linear() */
} PassKind;

static OknZbarScanner *
make_scanner (int      density,
              PassKind kind)
{
  zbar_image_scanner_t *sc = zbar_image_scanner_create ();

  /* Only what can be a ticket, plus the common codes of other systems so
   * that those are reported as foreign instead of not seen at all. */
  zbar_image_scanner_set_config (sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  if (kind == PASS_ALL)
    {
      zbar_image_scanner_set_config (sc, ZBAR_CODE128, ZBAR_CFG_ENABLE, 1);
      zbar_image_scanner_set_config (sc, ZBAR_EAN13, ZBAR_CFG_ENABLE, 1);
      zbar_image_scanner_set_config (sc, ZBAR_CODE39, ZBAR_CFG_ENABLE, 1);
    }
  zbar_image_scanner_set_config (sc, ZBAR_NONE, ZBAR_CFG_X_DENSITY, density);
  zbar_image_scanner_set_config (sc, ZBAR_NONE, ZBAR_CFG_Y_DENSITY, density);
  return sc;
}

void
okn_scan_box_add_point (OknScanBox *box,
                        int         x,
                        int         y)
{
  if (!box->any)
    {
      box->x0 = box->x1 = x;
      box->y0 = box->y1 = y;
      box->any = TRUE;
    }
  box->x0 = MIN (box->x0, x);
  box->x1 = MAX (box->x1, x);
  box->y0 = MIN (box->y0, y);
  box->y1 = MAX (box->y1, y);
}

static void
box_add_symbol (OknScanBox          *box,
                const zbar_symbol_t *sym,
                int                  scale)
{
  for (unsigned i = 0; i < zbar_symbol_get_loc_size (sym); i++)
    okn_scan_box_add_point (box, zbar_symbol_get_loc_x (sym, i) * scale, zbar_symbol_get_loc_y (sym, i) * scale);
}

/**
 * okn_scan_symbols_add: (skip)
 * @data: what the code carries, @len bytes, not necessarily text
 *
 * Adds a symbol unless the same symbology with the same text is there
 * (the label's Code 128 and QR code both carry the ID). A payload with a
 * NUL byte or bytes that are not UTF-8 is kept, made safe, and marked
 * binary: it is some other system's code (never an Okienko ticket), and
 * saying "nothing found" about it would be wrong.
 */
void
okn_scan_symbols_add (GPtrArray  *out,
                      const char *symbology,
                      const char *data,
                      gsize       len)
{
  gboolean binary = memchr (data, '\0', len) != NULL || !g_utf8_validate (data, (gssize) len, NULL);
  g_autofree char *text = NULL;
  OknScanSymbol *s;

  if (binary)
    {
      g_autoptr (GString) safe = g_string_sized_new (len);

      /* NUL bytes would end the string: show each as U+FFFD, as invalid
       * bytes are. */
      for (gsize i = 0; i < len; i++)
        if (data[i] == '\0')
          g_string_append (safe, "\xef\xbf\xbd");
        else
          g_string_append_c (safe, data[i]);
      text = g_utf8_make_valid (safe->str, (gssize) safe->len);
    }
  else
    text = g_strndup (data, len);
  for (guint i = 0; i < out->len; i++)
    {
      const OknScanSymbol *o = out->pdata[i];

      if (g_str_equal (o->text, text) && g_str_equal (o->symbology, symbology))
        return;
    }
  s = g_new0 (OknScanSymbol, 1);
  s->symbology = g_strdup (symbology);
  s->text = g_steal_pointer (&text);
  s->page = 1;
  s->binary = binary;
  g_ptr_array_add (out, s);
}

gboolean
okn_scan_symbols_have (GPtrArray  *symbols,
                       const char *symbology)
{
  for (guint i = 0; i < symbols->len; i++)
    if (g_str_equal (((OknScanSymbol *) symbols->pdata[i])->symbology, symbology))
      return TRUE;
  return FALSE;
}

/* One zbar pass; @box (in pixels of @gray times @scale) takes in what
 * was found. */
static int
scan_pass (const guint8 *gray,
           guint         width,
           guint         height,
           int           density,
           PassKind      kind,
           GPtrArray    *out,
           OknScanBox   *box,
           int           scale)
{
  g_autoptr (OknZbarScanner) sc = make_scanner (density, kind);
  g_autoptr (OknZbarImage) img = zbar_image_create ();
  const zbar_symbol_t *sym;
  int n;

  zbar_image_set_format (img, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (img, width, height);
  /* zbar only reads the buffer; it stays ours. */
  zbar_image_set_data (img, gray, (unsigned long) width * height, NULL);
  n = zbar_scan_image (sc, img);
  if (n <= 0)
    return n;
  for (sym = zbar_image_first_symbol (img); sym; sym = zbar_symbol_next (sym))
    {
      const char *data = zbar_symbol_get_data (sym);
      unsigned len = zbar_symbol_get_data_length (sym);

      if (data == NULL || len == 0)
        continue;
      if (box)
        box_add_symbol (box, sym, scale);
      okn_scan_symbols_add (out, zbar_get_symbol_name (zbar_symbol_get_type (sym)), data, len);
    }
  return n;
}

/* A @k times smaller copy, each pixel the mean of a k × k block. */
guint8 *
okn_scan_downscale (const guint8 *src,
           guint         w,
           guint         h,
           guint         k,
           guint        *ow,
           guint        *oh)
{
  guint nw = w / k, nh = h / k, kk = k * k;
  g_autofree guint32 *acc = g_new0 (guint32, nw);
  guint8 *out = g_malloc ((gsize) nw * nh);

  for (guint y = 0; y < nh; y++)
    {
      memset (acc, 0, sizeof (guint32) * nw);
      for (guint dy = 0; dy < k; dy++)
        {
          const guint8 *row = src + (gsize) (y * k + dy) * w;

          for (guint x = 0; x < nw; x++)
            for (guint dx = 0; dx < k; dx++)
              acc[x] += row[x * k + dx];
        }
      for (guint x = 0; x < nw; x++)
        out[(gsize) y * nw + x] = (guint8) ((acc[x] + kk / 2) / kk);
    }
  *ow = nw;
  *oh = nh;
  return out;
}

/* A 3 × 3 mean: separable running sums, two passes over the image. */
static guint8 *
box_blur (const guint8 *src,
          guint         w,
          guint         h)
{
  g_autofree guint16 *rows = g_new (guint16, (gsize) w * h);
  guint8 *out = g_malloc ((gsize) w * h);

  for (guint y = 0; y < h; y++)
    {
      const guint8 *s = src + (gsize) y * w;
      guint16 *d = rows + (gsize) y * w;

      for (guint x = 0; x < w; x++)
        d[x] = (guint16) (s[x ? x - 1 : x] + s[x] + s[x + 1 < w ? x + 1 : x]);
    }
  for (guint y = 0; y < h; y++)
    {
      const guint16 *up = rows + (gsize) (y ? y - 1 : y) * w;
      const guint16 *mid = rows + (gsize) y * w;
      const guint16 *down = rows + (gsize) (y + 1 < h ? y + 1 : y) * w;
      guint8 *d = out + (gsize) y * w;

      for (guint x = 0; x < w; x++)
        d[x] = (guint8) ((up[x] + mid[x] + down[x] + 4) / 9);
    }
  return out;
}

/* The standard deviation of the paper's grain: the median difference of
 * neighbouring pixels on every eighth row (most of a page is paper; for
 * Gaussian noise of deviation s the median difference is 0.95 s). */
static double
grain (const guint8 *gray,
       guint         w,
       guint         h)
{
  guint hist[256] = { 0 };
  guint64 n = 0, half, seen = 0;

  for (guint y = 0; y < h; y += 8)
    {
      const guint8 *row = gray + (gsize) y * w;

      for (guint x = 0; x + 1 < w; x++)
        hist[abs (row[x + 1] - row[x])]++;
      n += w - 1;
    }
  half = n / 2;
  for (guint i = 0; i < 256; i++)
    {
      seen += hist[i];
      if (seen > half)
        return i / 0.95;
    }
  return 0;
}

/* QR codes in and around @box (pixels of @gray), tried at full
 * resolution, smoothed and halved until one is read. */
static void
read_qr_near (const guint8     *gray,
              guint             w,
              guint             h,
              const OknScanBox *box,
              GPtrArray        *out)
{
  int margin = MAX (box->x1 - box->x0, box->y1 - box->y0) * 3 / 2;
  guint cx = (guint) CLAMP (box->x0 - margin, 0, (int) w - 1);
  guint cy = (guint) CLAMP (box->y0 - margin, 0, (int) h - 1);
  guint cw = (guint) CLAMP (box->x1 + margin + 1, (int) cx + 1, (int) w) - cx;
  guint ch = (guint) CLAMP (box->y1 + margin + 1, (int) cy + 1, (int) h) - cy;
  g_autofree guint8 *crop = g_malloc ((gsize) cw * ch);
  g_autofree guint8 *smooth = NULL;
  g_autofree guint8 *half = NULL;
  guint hw, hh;

  for (guint y = 0; y < ch; y++)
    memcpy (crop + (gsize) y * cw, gray + (gsize) (cy + y) * w + cx, cw);
  if (scan_pass (crop, cw, ch, 1, PASS_QR, out, NULL, 1) > 0)
    return;
  smooth = box_blur (crop, cw, ch);
  if (scan_pass (smooth, cw, ch, 1, PASS_QR, out, NULL, 1) > 0)
    return;
  if (MIN (cw, ch) >= 200)
    {
      half = okn_scan_downscale (crop, cw, ch, 2, &hw, &hh);
      scan_pass (half, hw, hh, 1, PASS_QR, out, NULL, 1);
    }
}

/**
 * okn_scan_decode_gray:
 * @gray: 8-bit luminance, 0 = black
 * @width: pixels
 * @height: pixels
 * @stride: bytes from one row to the next, at least @width
 * @error: return location for an #OKN_SCAN_ERROR_INVALID
 *
 * Finds every Code 128, QR, EAN-13 and Code 39 symbol in a grayscale image:
 * a camera frame, a scanned page. Any rotation works and a few degrees of
 * skew; the symbols are not interpreted here.
 *
 * Returns: (transfer full) (element-type OknScanSymbol): the symbols found,
 *   possibly none; %NULL only on a bad argument
 */
GPtrArray *
okn_scan_decode_gray (const guint8 *gray,
                      guint         width,
                      guint         height,
                      guint         stride,
                      GError      **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
  g_autofree guint8 *packed = NULL;
  g_autofree guint8 *reduced = NULL;
  const guint8 *src;
  guint side, k, rw, rh;
  int density = 1;
  gboolean grainy;
  OknScanBox box = { 0 };

  if (gray == NULL || width == 0 || height == 0 || stride < width)
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_INVALID,
                   _("The image to scan is empty or its row length is wrong."));
      return NULL;
    }
  if (stride != width)
    {
      packed = g_malloc ((gsize) width * height);
      for (guint y = 0; y < height; y++)
        memcpy (packed + (gsize) y * width, gray + (gsize) y * stride, width);
      gray = packed;
    }

  /* A whole page at 300 or 600 dpi is read at about 150 dpi first: box
   * averaging keeps 0.25 mm modules at 1.5 pixels or more and takes out
   * most of the sensor noise, which otherwise makes zbar slow (every grain
   * is an edge) and hides QR finder patterns. A page at 200 dpi or less
   * is smoothed instead when it is grainy. */
  side = MIN (width, height);
  grainy = grain (gray, width, height) > GRAINY;
  k = MIN (4, side / REDUCED_SIDE);
  if (k > 1)
    {
      reduced = okn_scan_downscale (gray, width, height, k, &rw, &rh);
      density = MIN (rw, rh) > 1000 ? 2 : 1;
    }
  else
    {
      k = 1;
      rw = width;
      rh = height;
      if (grainy)
        {
          reduced = box_blur (gray, width, height);
          density = side > 1000 ? 2 : 1;
        }
    }
  src = reduced ? reduced : gray;
  /* On a grainy page zbar's own 1D decoders spend most of the time on
   * edges of grain and read little: the 1D codes are left to
   * okn_scan_linear() there. */
  scan_pass (src, rw, rh, density, grainy ? PASS_QR : PASS_ALL, out, &box, (int) k);

  /* 1D codes at any angle, read from the full image. */
  okn_scan_linear (gray, width, height, out, &box);

  if (!okn_scan_symbols_have (out, "QR-Code"))
    {
      /* Specks of dust and grain break QR finder patterns long before they
       * break bars, and zbar's QR reader is sensitive to the scale: around
       * what was found (a ticket's QR sits next to its Code 128) try the
       * full image, a smoothed copy and a reduced one; with nothing found,
       * a smoothed copy of the whole image. */
      if (box.any)
        read_qr_near (gray, width, height, &box, out);
      else
        {
          g_autofree guint8 *smooth = box_blur (src, rw, rh);

          scan_pass (smooth, rw, rh, density, PASS_QR, out, NULL, 1);
        }
    }
  if (out->len == 0 && k > 1)
    {
      /* Nothing at all: the symbols may be too small for the reduced copy. */
      if (grainy)
        {
          g_autofree guint8 *smooth = box_blur (gray, width, height);

          scan_pass (smooth, width, height, 2, PASS_ALL, out, NULL, 1);
        }
      else
        scan_pass (gray, width, height, 2, PASS_ALL, out, NULL, 1);
    }
  return g_steal_pointer (&out);
}

/* Luminance of a cairo surface, drawn on white paper. */
static guint8 *
surface_to_gray (cairo_surface_t *surface,
                 guint           *width,
                 guint           *height)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  cairo_format_t format = cairo_image_surface_get_format (surface);
  const guint8 *data;
  guint8 *gray;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  gray = g_malloc ((gsize) w * h);
  for (int y = 0; y < h; y++)
    {
      const guint8 *row = data + (gsize) y * stride;
      guint8 *dst = gray + (gsize) y * w;

      switch (format)
        {
        case CAIRO_FORMAT_ARGB32:
        case CAIRO_FORMAT_RGB24:
          for (int x = 0; x < w; x++)
            {
              guint32 px = ((const guint32 *) (gconstpointer) row)[x];
              guint a = format == CAIRO_FORMAT_ARGB32 ? px >> 24 : 255;
              guint r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
              /* Premultiplied: what is transparent shows the paper. */
              guint l = (r * 77 + g * 150 + b * 29) >> 8;

              dst[x] = (guint8) MIN (255, l + (255 - a));
            }
          break;
        case CAIRO_FORMAT_A8:
          for (int x = 0; x < w; x++)
            dst[x] = (guint8) (255 - row[x]);
          break;
        case CAIRO_FORMAT_A1:
          for (int x = 0; x < w; x++)
            {
              guint32 word = ((const guint32 *) (gconstpointer) row)[x / 32];
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
              gboolean on = (word >> (x % 32)) & 1;
#else
              gboolean on = (word >> (31 - x % 32)) & 1;
#endif
              dst[x] = on ? 0 : 255;
            }
          break;
        case CAIRO_FORMAT_INVALID:
        case CAIRO_FORMAT_RGB16_565:
        case CAIRO_FORMAT_RGB30:
        default:
          memset (dst, 255, w);
          break;
        }
    }
  *width = (guint) w;
  *height = (guint) h;
  return gray;
}

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
} ReadClosure;

static cairo_status_t
read_from_memory (void          *closure,
                  unsigned char *data,
                  unsigned int   length)
{
  ReadClosure *rc = closure;

  if (rc->len - rc->pos < length)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, rc->data + rc->pos, length);
  rc->pos += length;
  return CAIRO_STATUS_SUCCESS;
}

/* Plain %u: xgettext cannot see through G_GUINT64_FORMAT, and PNG and
 * JPEG sizes are 32-bit anyway. */
static void
set_too_large_error (GError    **error,
                     const char *name,
                     guint       width,
                     guint       height)
{
  g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
               _("%s is too large to scan: %u × %u pixels (at most %u million). Scan the page "
                 "at 600 dpi or less."),
               name, width, height, MAX_PIXELS / 1000000);
}

static guint8 *
load_png (const guint8 *data,
          gsize         len,
          const char   *name,
          guint        *width,
          guint        *height,
          GError      **error)
{
  ReadClosure rc = { data, len, 0 };
  cairo_surface_t *surface;
  guint8 *gray = NULL;

  /* The size stands in the IHDR chunk right after the signature; cairo
   * would allocate it whole before reading a single row. */
  if (len >= 24 && memcmp (data + 12, "IHDR", 4) == 0)
    {
      guint32 w, h;

      memcpy (&w, data + 16, 4);
      memcpy (&h, data + 20, 4);
      w = GUINT32_FROM_BE (w);
      h = GUINT32_FROM_BE (h);
      if ((guint64) w * h > MAX_PIXELS)
        {
          set_too_large_error (error, name, w, h);
          return NULL;
        }
    }

  surface = cairo_image_surface_create_from_png_stream (read_from_memory, &rc);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                 _("%s is not a readable PNG image (%s)."), name,
                 cairo_status_to_string (cairo_surface_status (surface)));
  else
    gray = surface_to_gray (surface, width, height);
  cairo_surface_destroy (surface);
  return gray;
}

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_fail (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) (gpointer) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_quiet (j_common_ptr cinfo,
            int          level)
{
  /* Warnings about slightly damaged data: decode what is there. */
}

static guint8 *
load_jpeg (const guint8 *data,
           gsize         len,
           const char   *name,
           guint        *width,
           guint        *height,
           GError      **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegError jerr;
  guint8 *volatile gray = NULL;
  guint64 pixels;
  volatile guint denom = 1;

  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = jpeg_fail;
  jerr.pub.emit_message = jpeg_quiet;
  jerr.message[0] = '\0';
  if (setjmp (jerr.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (gray);
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                   _("%s is not a readable JPEG image (%s)."), name, jerr.message);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  /* Progressive files keep every coefficient of the whole image, 2 bytes
   * a pixel and colour component (a 600 dpi A4 colour scan needs 210 MB);
   * without a limit a forged header makes libjpeg ask for gigabytes. This
   * one holds 100 million pixels in colour. */
  cinfo.mem->max_memory_to_use = 12L * MAX_PIXELS;
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  /* A photo larger than the limit is read at 1/2, 1/4 or 1/8 of its size
   * (libjpeg scales while decoding); a ticket still has modules of several
   * pixels there. */
  pixels = (guint64) cinfo.image_width * cinfo.image_height;
  while (denom < 8 && pixels / ((guint64) denom * denom) > MAX_PIXELS)
    denom *= 2;
  if (pixels / ((guint64) denom * denom) > MAX_PIXELS)
    {
      set_too_large_error (error, name, cinfo.image_width, cinfo.image_height);
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }
  cinfo.scale_num = 1;
  cinfo.scale_denom = denom;
  /* libjpeg converts YCbCr and gray to luminance itself. */
  cinfo.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress (&cinfo);
  gray = g_malloc ((gsize) cinfo.output_width * cinfo.output_height);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = gray + (gsize) cinfo.output_scanline * cinfo.output_width;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  *width = cinfo.output_width;
  *height = cinfo.output_height;
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return gray;
}

static GPtrArray *
decode_pdf (GBytes     *bytes,
            const char *name,
            GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);
  g_autoptr (GPtrArray) out = NULL;
  int pages;

  if (doc == NULL)
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                   _("%s is not a readable PDF file (%s)."), name, local_error->message);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
  pages = poppler_document_get_n_pages (doc);
  for (int i = 0; i < pages; i++)
    {
      g_autoptr (PopplerPage) page = poppler_document_get_page (doc, i);
      g_autoptr (GPtrArray) found = NULL;
      g_autofree guint8 *gray = NULL;
      cairo_surface_t *surface;
      cairo_t *cr;
      double w_pt, h_pt, scale = PDF_DPI / 72.0;
      guint w, h;

      if (page == NULL)
        continue;
      poppler_page_get_size (page, &w_pt, &h_pt);
      /* A page without a usable size has nothing to draw. */
      if (!(w_pt >= 1 && h_pt >= 1 && w_pt < 1e6 && h_pt < 1e6))
        continue;
      /* A poster-sized page is drawn at less than 300 dpi rather than at a
       * size that cannot be held (cairo's images stop at 32767 pixels a
       * side). */
      if (w_pt * scale * h_pt * scale > MAX_PIXELS)
        scale = sqrt (MAX_PIXELS / (w_pt * h_pt));
      scale = MIN (scale, MIN (32767 / w_pt, 32767 / h_pt));
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) (w_pt * scale + 0.5),
                                            (int) (h_pt * scale + 0.5));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
      poppler_page_render_for_printing (page, cr);
      cairo_destroy (cr);
      if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
        {
          g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                       _("Page %d of %s cannot be drawn (%s)."), i + 1, name,
                       cairo_status_to_string (cairo_surface_status (surface)));
          cairo_surface_destroy (surface);
          return NULL;
        }
      gray = surface_to_gray (surface, &w, &h);
      cairo_surface_destroy (surface);
      found = okn_scan_decode_gray (gray, w, h, w, NULL);
      for (guint j = 0; found && j < found->len; j++)
        {
          OknScanSymbol *s = g_ptr_array_steal_index (found, j--);

          s->page = (guint) i + 1;
          g_ptr_array_add (out, s);
        }
    }
  return g_steal_pointer (&out);
}

/**
 * okn_scan_decode_bytes:
 * @bytes: the contents of a PNG, JPEG or PDF file
 * @name: what to call it in messages (the file name)
 * @error: return location for an #OKN_SCAN_ERROR_FORMAT
 *
 * Returns: (transfer full) (element-type OknScanSymbol) (nullable): the
 *   symbols on the image or on every page, possibly none; %NULL when the
 *   data is no image this can read
 */
GPtrArray *
okn_scan_decode_bytes (GBytes     *bytes,
                       const char *name,
                       GError    **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree guint8 *gray = NULL;
  guint w = 0, h = 0;

  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    gray = load_png (data, len, name, &w, &h, error);
  else if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    gray = load_jpeg (data, len, name, &w, &h, error);
  else if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return decode_pdf (bytes, name, error);
  else
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                   _("%s is not a PNG, JPEG or PDF file."), name);
      return NULL;
    }
  if (gray == NULL)
    return NULL;
  return okn_scan_decode_gray (gray, w, h, w, error);
}

/**
 * okn_scan_decode_file:
 * @path: a PNG, JPEG or PDF file
 *
 * Returns: (transfer full) (element-type OknScanSymbol) (nullable): see
 *   okn_scan_decode_bytes()
 */
GPtrArray *
okn_scan_decode_file (const char *path,
                      GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, &local_error);
  g_autoptr (GBytes) bytes = NULL;

  if (map == NULL)
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO, _("Cannot read %s: %s"), path,
                   local_error->message);
      return NULL;
    }
  bytes = g_mapped_file_get_bytes (map);
  return okn_scan_decode_bytes (bytes, path, error);
}

/* Interpreting ----------------------------------------------------------- */

/* Matches @text against a status-page template with {ticket} and {code}.
 * The template becomes an anchored pattern: its literal parts quoted and
 * compared without regard to case (scanners with caps lock, hosts), the
 * ticket as letters, digits, hyphens and spaces, the code as letters and
 * digits. Splitting at the first occurrence of the next literal part, as
 * before, cut "{ticket}-{code}" at the ticket's own first hyphen. */
static gboolean
match_template (const char *text,
                const char *tmpl,
                char      **ticket,
                char      **code)
{
  g_autoptr (GString) pattern = g_string_new ("^");
  g_autoptr (GRegex) re = NULL;
  g_autoptr (GMatchInfo) match = NULL;
  const char *p = tmpl;

  *ticket = NULL;
  *code = NULL;
  while (*p)
    {
      const char *t = strstr (p, "{ticket}"), *c = strstr (p, "{code}");
      const char *hole = t && (!c || t < c) ? t : c;
      g_autofree char *lit = g_strndup (p, hole ? (gsize) (hole - p) : strlen (p));
      g_autofree char *quoted = g_regex_escape_string (lit, -1);

      g_string_append (pattern, quoted);
      if (hole == NULL)
        break;
      g_string_append (pattern, hole == t ? "(?<ticket>[[:alnum:] -]+)" : "(?<code>[[:alnum:]]+)");
      p = hole + (hole == t ? 8 : 6);
    }
  g_string_append (pattern, "$");

  /* A template naming a hole twice is not a pattern: nothing matches it. */
  re = g_regex_new (pattern->str, G_REGEX_CASELESS, 0, NULL);
  if (re == NULL || !g_regex_match (re, text, 0, &match))
    return FALSE;
  *ticket = g_match_info_fetch_named (match, "ticket");
  *code = g_match_info_fetch_named (match, "code");
  if (*ticket == NULL || **ticket == '\0')
    {
      g_clear_pointer (ticket, g_free);
      g_clear_pointer (code, g_free);
      return FALSE;
    }
  return TRUE;
}

/**
 * okn_scan_parse_text:
 * @text: what a scanner read: a ticket ID (with or without hyphens), a QR
 *   payload `OKN1:<ticket>:<code>`, or a status-page URL
 * @status_url_template: (nullable): the configured `office.status_url`
 * @out_id: (out caller-allocates): the ticket
 * @out_code: (out) (optional) (nullable) (transfer full): the verification
 *   code when @text carries one
 * @error: return location for an #OKN_TICKET_ERROR (a damaged ID) or
 *   #OKN_SCAN_ERROR_NOT_OURS
 *
 * Case, spaces, hyphens and look-alike characters are forgiven as by
 * okn_ticket_id_parse().
 */
gboolean
okn_scan_parse_text (const char  *text,
                     const char  *status_url_template,
                     OknTicketId *out_id,
                     char       **out_code,
                     GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *code = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  if (out_code)
    *out_code = NULL;
  trimmed = g_strstrip (g_strdup (text));
  /* The layouts print the template without the spaces a hand-edited
   * config may leave around it; with them every printed QR was refused. */
  tmpl = status_url_template ? g_strstrip (g_strdup (status_url_template)) : NULL;

  if (tmpl && *tmpl && match_template (trimmed, tmpl, &ticket, &code))
    {
      g_autofree char *payload = code && *code ? g_strdup_printf ("OKN1:%s:%s", ticket, code)
                                               : g_strdup (ticket);

      return okn_ticket_parse_payload (payload, out_id, out_code, error);
    }

  /* A URL or anything with characters no ticket has is someone else's. */
  if (strstr (trimmed, "://") || strchr (trimmed, '/') || strchr (trimmed, '?')
      || (strchr (trimmed, ':') && g_ascii_strncasecmp (trimmed, "OKN1:", 5) != 0))
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_NOT_OURS,
                   _("The scanned code is not an Okienko ticket."));
      return FALSE;
    }
  return okn_ticket_parse_payload (trimmed, out_id, out_code, error);
}

typedef struct
{
  char *ticket;
  GPtrArray *symbols;   /* borrowed OknScanSymbol */
} TicketGroup;

static void
ticket_group_free (TicketGroup *g)
{
  g_free (g->ticket);
  g_ptr_array_unref (g->symbols);
  g_free (g);
}

static OknScanResult *
result_new (OknScanVerdict       verdict,
            const OknScanSymbol *sym)
{
  OknScanResult *r = g_new0 (OknScanResult, 1);

  r->verdict = verdict;
  r->payload = g_strdup (sym ? sym->text : "");
  r->symbology = g_strdup (sym ? sym->symbology : "");
  r->page = sym ? sym->page : 1;
  return r;
}

/* Judges one ticket from the symbols that carry it. */
static OknScanResult *
judge (OknStore    *store,
       const char  *tmpl,
       TicketGroup *g,
       GError     **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (OknRecord) record = NULL;
  const OknScanSymbol *best = g->symbols->pdata[0];
  g_autofree char *code = NULL;
  gboolean mismatch = FALSE;
  OknScanResult *r;

  record = okn_store_lookup (store, g->ticket, &local_error);
  if (record == NULL && !g_error_matches (local_error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* The symbol that carries a code says the most; any wrong code among
   * them makes the whole ticket suspect. */
  for (guint i = 0; i < g->symbols->len; i++)
    {
      const OknScanSymbol *s = g->symbols->pdata[i];
      OknTicketId id;
      g_autofree char *c = NULL;

      if (!okn_scan_parse_text (s->text, tmpl, &id, &c, NULL) || c == NULL)
        continue;
      if (record && !okn_ticket_verification_code_equal (c, record->verification_code))
        {
          mismatch = TRUE;
          best = s;
          g_free (code);
          code = g_steal_pointer (&c);
        }
      else if (code == NULL)
        {
          best = s;
          code = g_steal_pointer (&c);
        }
    }

  if (record == NULL)
    {
      r = result_new (OKN_SCAN_UNKNOWN_TICKET, best);
      r->message = g_strdup_printf (_("Ticket %s is not in this station’s records."), g->ticket);
    }
  else if (mismatch)
    {
      r = result_new (OKN_SCAN_WRONG_CODE, best);
      r->message = g_strdup_printf (_("Ticket %s exists, but the verification code %s on it is "
                                      "wrong: the ticket is forged or damaged."),
                                    g->ticket, code);
    }
  else if (code == NULL)
    {
      r = result_new (OKN_SCAN_ID_ONLY, best);
      r->message = g_strdup_printf (_("Ticket %s is ours; the scan carries no verification code."),
                                    g->ticket);
    }
  else
    {
      r = result_new (OKN_SCAN_GENUINE, best);
      r->message = g_strdup_printf (_("Ticket %s is genuine."), g->ticket);
    }
  r->ticket = g_strdup (g->ticket);
  r->code = g_steal_pointer (&code);
  return r;
}

/**
 * okn_scan_verify:
 * @store: where the tickets are looked up (read only)
 * @config: (nullable): for the status-page template of `office.status_url`
 * @symbols: (element-type OknScanSymbol): what a decoder found
 * @error: return location for a storage error
 *
 * Turns symbols into tickets with verdicts: the symbols of one ticket (the
 * Code 128 and the QR of one receipt) become one result, foreign codes one
 * result each. Changes nothing in the store.
 *
 * Returns: (transfer full) (element-type OknScanResult) (nullable): the
 *   results in the order first seen; %NULL only when the store failed
 */
GPtrArray *
okn_scan_verify (OknStore  *store,
                 OknConfig *config,
                 GPtrArray *symbols,
                 GError   **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_result_free);
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) ticket_group_free);
  g_autofree char *tmpl = config ? okn_config_get_string (config, "office.status_url") : NULL;
  /* Results in the order their first symbol was seen: a group's slot is
   * kept as NULL in @out until it is judged. */
  g_autoptr (GArray) group_slot = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; symbols && i < symbols->len; i++)
    {
      OknScanSymbol *s = g_ptr_array_index (symbols, i);
      g_autoptr (GError) parse_error = NULL;
      g_autofree char *code = NULL;
      g_autofree char *ticket = NULL;
      OknTicketId id;
      TicketGroup *g = NULL;

      if (!okn_scan_parse_text (s->text, tmpl, &id, &code, &parse_error))
        {
          OknScanResult *r = result_new (OKN_SCAN_NOT_OURS, s);
          g_autofree char *shown = g_utf8_make_valid (s->text, -1);

          /* Quote at most 80 characters of whatever the code says. */
          if (g_utf8_strlen (shown, -1) > 80)
            {
              char *cut = g_utf8_offset_to_pointer (shown, 80);

              cut[0] = '\0';
              cut = g_strconcat (shown, "…", NULL);
              g_free (shown);
              shown = cut;
            }

          /* A damaged ID says what is wrong with it; anything else is
           * simply someone else's code. */
          if (parse_error->domain == OKN_TICKET_ERROR)
            r->message = g_strdup_printf (_("“%s” (%s) is not an Okienko ticket: %s"), shown,
                                          s->symbology, parse_error->message);
          else
            r->message = g_strdup_printf (_("“%s” (%s) is not an Okienko ticket."), shown, s->symbology);
          g_ptr_array_add (out, r);
          continue;
        }
      ticket = okn_ticket_id_format (&id);
      for (guint k = 0; k < groups->len && g == NULL; k++)
        if (g_str_equal (((TicketGroup *) groups->pdata[k])->ticket, ticket))
          g = groups->pdata[k];
      if (g == NULL)
        {
          guint slot = out->len;

          g = g_new0 (TicketGroup, 1);
          g->ticket = g_steal_pointer (&ticket);
          g->symbols = g_ptr_array_new ();
          g_ptr_array_add (groups, g);
          g_ptr_array_add (out, NULL);
          g_array_append_val (group_slot, slot);
        }
      g_ptr_array_add (g->symbols, s);
    }

  for (guint k = 0; k < groups->len; k++)
    {
      OknScanResult *r = judge (store, tmpl, groups->pdata[k], error);

      if (r == NULL)
        return NULL;
      out->pdata[g_array_index (group_slot, guint, k)] = r;
    }
  return g_steal_pointer (&out);
}

/**
 * okn_scan_verify_text:
 * @store: where the ticket is looked up (read only)
 * @config: (nullable): for `office.status_url`
 * @text: what a keyboard-wedge scanner typed, or a person
 * @error: return location for a storage error
 *
 * Returns: (transfer full) (nullable): the verdict; %NULL only when the
 *   store failed
 */
OknScanResult *
okn_scan_verify_text (OknStore   *store,
                      OknConfig  *config,
                      const char *text,
                      GError    **error)
{
  g_autoptr (GPtrArray) symbols = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
  g_autoptr (GPtrArray) results = NULL;
  OknScanSymbol *s = g_new0 (OknScanSymbol, 1);

  s->symbology = g_strdup ("keyboard");
  s->text = g_strdup (text);
  s->page = 1;
  g_ptr_array_add (symbols, s);
  results = okn_scan_verify (store, config, symbols, error);
  if (results == NULL)
    return NULL;
  return g_ptr_array_steal_index (results, 0);
}

/**
 * okn_scan_file:
 * @store: where tickets are looked up (read only)
 * @config: (nullable): for `office.status_url`
 * @path: a PNG, JPEG or PDF file
 * @error: return location for an #OKN_SCAN_ERROR or a storage error
 *
 * Returns: (transfer full) (element-type OknScanResult) (nullable): every
 *   ticket and foreign code on the file, possibly none
 */
GPtrArray *
okn_scan_file (OknStore   *store,
               OknConfig  *config,
               const char *path,
               GError    **error)
{
  g_autoptr (GPtrArray) symbols = okn_scan_decode_file (path, error);

  if (symbols == NULL)
    return NULL;
  return okn_scan_verify (store, config, symbols, error);
}

/**
 * okn_scan_frame:
 * @gray: a camera frame as 8-bit luminance (the Y plane of YUV frames)
 *
 * What the desk and the kiosk call for each camera frame: see
 * okn_scan_decode_gray() and okn_scan_verify().
 *
 * Returns: (transfer full) (element-type OknScanResult) (nullable): the
 *   results, usually none
 */
GPtrArray *
okn_scan_frame (OknStore     *store,
                OknConfig    *config,
                const guint8 *gray,
                guint         width,
                guint         height,
                guint         stride,
                GError      **error)
{
  g_autoptr (GPtrArray) symbols = okn_scan_decode_gray (gray, width, height, stride, error);

  if (symbols == NULL)
    return NULL;
  return okn_scan_verify (store, config, symbols, error);
}
