/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-files.c: PNG, JPEG and PDF files to 8-bit grey for the
 * decoder, and what a file held, page by page
 *
 * PNG through libpng and JPEG through libjpeg, both asked for grey while
 * they decode: a 300 dpi A4 page is 8.7 million pixels, and a 32-bit
 * colour copy of it (what cairo's PNG loader makes) costs more than
 * finding the codes on it. PDF pages are drawn by poppler, one after the
 * other, with a page cap, a progress callback and a cancellable, so a
 * 500-page file neither runs unseen nor forever.
 */
#define G_LOG_DOMAIN "okn-scan"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cairo.h>
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>
#include <poppler.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-text.h"
#include "okn-scan-private.h"

/* poppler-glib 22 defines no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

/* PDF pages are rasterised at this resolution: a 0.25 mm module is three
 * pixels, and an A4 page stays under 9 megapixels. */
#define PDF_DPI 300.0

/* The most pixels an image or a rasterised PDF page may have: an A4 page
 * scanned at 600 dpi has 35 million. A file of a few kilobytes can claim
 * a picture of billions (a PNG of zeros compresses a thousandfold), which
 * would take gigabytes and minutes to read. */
#define MAX_PIXELS (48u * 1024 * 1024)

const char *
okn_scan_page_state_to_string (OknScanPageState state)
{
  switch (state)
    {
    case OKN_SCAN_PAGE_FOUND:
      return "found";
    case OKN_SCAN_PAGE_NOTHING:
      return "nothing-found";
    case OKN_SCAN_PAGE_NOT_READ:
    default:
      return "not-read";
    }
}

void
okn_scan_report_free (OknScanReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->results, g_ptr_array_unref);
  g_free (report);
}

/**
 * okn_scan_options_init:
 * @options: (out caller-allocates): the options to fill
 * @config: (nullable): `scan.max_pages`, the desk's page cap
 *
 * No progress callback, no cancellable, the configured page cap (or
 * %OKN_SCAN_DEFAULT_MAX_PAGES).
 */
void
okn_scan_options_init (OknScanOptions *options,
                       OknConfig      *config)
{
  gint64 cap = config ? okn_config_get_int (config, "scan.max_pages") : 0;

  memset (options, 0, sizeof *options);
  options->max_pages = cap > 0 && cap <= G_MAXUINT ? (guint) cap : OKN_SCAN_DEFAULT_MAX_PAGES;
}

/* Errors ------------------------------------------------------------------ */

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

/* A file cut short says so the same way whatever its format: the copy or
 * the scanner's upload stopped half-way, and what is there is not the
 * whole picture. */
static void
set_cut_short_error (GError    **error,
                     const char *name)
{
  g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
               _("%s is damaged: the file ends before the image does (it was cut short while copying "
                 "or saving). Scan or copy it again."),
               name);
}

static void
set_damaged_error (GError    **error,
                   const char *name,
                   const char *reason)
{
  g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is damaged (%s). Scan or copy it again."), name,
               reason);
}

/* A PDF poppler cannot open: said in the user's words when poppler's code
 * says why, with poppler's own (English) message only when it does not. */
static void
set_unreadable_pdf_error (GError      **error,
                          const char   *name,
                          const GError *why)
{
  g_autofree char *reason = NULL;

  if (why->domain == POPPLER_ERROR && (why->code == POPPLER_ERROR_DAMAGED || why->code == POPPLER_ERROR_BAD_CATALOG))
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                   _("%s is a damaged PDF file. Scan or copy it again."), name);
      return;
    }
  if (why->domain == POPPLER_ERROR && why->code == POPPLER_ERROR_ENCRYPTED)
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT,
                   _("%s is a PDF file protected by a password: save it without the password, or scan the paper."),
                   name);
      return;
    }
  reason = okn_text_display_line (why->message, 200);
  g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is not a readable PDF file (%s)."), name, reason);
}

/* PNG ---------------------------------------------------------------------- */

typedef struct
{
  const guint8 *data;
  gsize len;
  gsize pos;
  gboolean cut_short;
  gboolean in_image;       /* the header was read: failures now are damage */
  char message[160];
} PngSource;

static void
png_read_memory (png_structp png,
                 png_bytep   out,
                 size_t      n)
{
  PngSource *src = png_get_io_ptr (png);

  if (src->len - src->pos < n)
    {
      src->cut_short = TRUE;
      png_error (png, "the file ends early");
    }
  memcpy (out, src->data + src->pos, n);
  src->pos += n;
}

static void
png_fail (png_structp     png,
          png_const_charp message)
{
  PngSource *src = png_get_error_ptr (png);

  g_strlcpy (src->message, message, sizeof src->message);
  png_longjmp (png, 1);
}

static void
png_quiet (png_structp     png,
           png_const_charp message)
{
  /* Warnings (an unknown chunk, a bad gamma value): read the picture. */
}

static guint8 *
load_png (const guint8 *data,
          gsize         len,
          const char   *name,
          guint        *width,
          guint        *height,
          GError      **error)
{
  PngSource src = { data, len, 0, FALSE, FALSE, "" };
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &src, png_fail, png_quiet);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  guint8 *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  guint8 *gray = NULL;
  png_uint_32 w, h;
  int depth, color, channels;

  /* The size stands in the IHDR chunk right after the signature: refused
   * from there, before libpng checks anything or allocates for it. */
  if (len >= 24 && memcmp (data + 12, "IHDR", 4) == 0)
    {
      guint32 cw, ch;

      memcpy (&cw, data + 16, 4);
      memcpy (&ch, data + 20, 4);
      cw = GUINT32_FROM_BE (cw);
      ch = GUINT32_FROM_BE (ch);
      if ((guint64) cw * ch > MAX_PIXELS)
        {
          png_destroy_read_struct (&png, &info, NULL);
          set_too_large_error (error, name, cw, ch);
          return NULL;
        }
    }
  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s cannot be read: out of memory."), name);
      return NULL;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      if (src.cut_short)
        set_cut_short_error (error, name);
      else if (src.in_image)
        set_damaged_error (error, name, src.message);
      else
        g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is not a readable PNG image (%s)."), name,
                     src.message);
      png_destroy_read_struct (&png, &info, NULL);
      okn_scan_pixels_give (pixels);
      g_free (rows);
      return NULL;
    }
  png_set_read_fn (png, &src, png_read_memory);
  png_read_info (png, info);
  png_get_IHDR (png, info, &w, &h, &depth, &color, NULL, NULL, NULL);
  if ((guint64) w * h > MAX_PIXELS)
    {
      set_too_large_error (error, name, w, h);
      png_destroy_read_struct (&png, &info, NULL);
      return NULL;
    }

  /* Grey (with alpha when there is any), 8 bits, whatever the file has.
   * Colour becomes grey on the encoded values, as the scanner saved them:
   * no gamma round trip for a page that is black and white anyway. */
  if (color == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (depth == 16)
    png_set_strip_16 (png);
  if (color & PNG_COLOR_MASK_COLOR)
    png_set_rgb_to_gray_fixed (png, 1, -1, -1);
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  channels = png_get_channels (png, info);
  if ((channels != 1 && channels != 2) || png_get_rowbytes (png, info) != (gsize) w * channels)
    png_error (png, "unexpected pixel layout");

  src.in_image = TRUE;
  pixels = okn_scan_pixels_take ((gsize) w * h * channels);
  rows = g_new (png_bytep, h);
  for (png_uint_32 y = 0; y < h; y++)
    rows[y] = pixels + (gsize) y * w * channels;
  png_read_image (png, rows);
  /* The chunks after the image, up to IEND: a file cut off after its last
   * row is damaged too. */
  png_read_end (png, NULL);
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);

  if (channels == 2)
    {
      /* What is transparent shows the paper. */
      gray = okn_scan_pixels_take ((gsize) w * h);
      for (gsize i = 0; i < (gsize) w * h; i++)
        {
          guint v = pixels[2 * i], a = pixels[2 * i + 1];

          gray[i] = (guint8) ((v * a + 255 * (255 - a) + 127) / 255);
        }
      okn_scan_pixels_give (pixels);
    }
  else
    gray = pixels;
  *width = w;
  *height = h;
  return gray;
}

/* JPEG --------------------------------------------------------------------- */

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  gboolean cut_short;
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
jpeg_note (j_common_ptr cinfo,
           int          level)
{
  JpegError *err = (JpegError *) (gpointer) cinfo->err;

  /* Warnings about slightly damaged data: decode what is there. A file
   * that ends early is not slightly damaged: libjpeg fills the missing
   * rows with grey, and the answer would be "no code" on half a page. */
  if (level < 0 && err->pub.msg_code == JWRN_JPEG_EOF)
    err->cut_short = TRUE;
}

/* CMYK scans, as office scanners and Photoshop save them, to luminance.
 * Adobe's files store the values inverted (255 = no ink). */
static void
cmyk_row_to_gray (const guint8 *cmyk,
                  guint8       *gray,
                  guint         width,
                  gboolean      inverted)
{
  for (guint x = 0; x < width; x++)
    {
      guint c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
      guint r, g, b;

      if (!inverted)
        {
          c = 255 - c;
          m = 255 - m;
          y = 255 - y;
          k = 255 - k;
        }
      r = c * k / 255;
      g = m * k / 255;
      b = y * k / 255;
      gray[x] = (guint8) ((r * 77 + g * 150 + b * 29) >> 8);
    }
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
  guint8 *volatile cmyk = NULL;
  volatile gboolean started = FALSE;
  guint64 pixels;
  volatile guint denom = 1;
  gboolean four;

  memset (&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error (&jerr.pub);
  jerr.pub.error_exit = jpeg_fail;
  jerr.pub.emit_message = jpeg_note;
  jerr.message[0] = '\0';
  jerr.cut_short = FALSE;
  if (setjmp (jerr.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      okn_scan_pixels_give (gray);
      g_free (cmyk);
      if (started)
        set_damaged_error (error, name, jerr.message);
      else
        g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is not a readable JPEG image (%s)."), name,
                     jerr.message);
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
  /* libjpeg converts YCbCr and grey to luminance itself; CMYK and YCCK it
   * can only hand over as CMYK. */
  four = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = four ? JCS_CMYK : JCS_GRAYSCALE;
  started = TRUE;
  jpeg_start_decompress (&cinfo);
  gray = okn_scan_pixels_take ((gsize) cinfo.output_width * cinfo.output_height);
  if (four)
    cmyk = g_malloc ((gsize) cinfo.output_width * 4);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      guint8 *dst = gray + (gsize) cinfo.output_scanline * cinfo.output_width;
      JSAMPROW row = four ? cmyk : dst;

      jpeg_read_scanlines (&cinfo, &row, 1);
      if (four)
        cmyk_row_to_gray (cmyk, dst, cinfo.output_width, cinfo.saw_Adobe_marker);
    }
  *width = cinfo.output_width;
  *height = cinfo.output_height;
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (cmyk);
  if (jerr.cut_short)
    {
      okn_scan_pixels_give (gray);
      set_cut_short_error (error, name);
      return NULL;
    }
  return gray;
}

/* PDF ---------------------------------------------------------------------- */

/* Pages are read by up to PDF_WORKERS threads at once, each with a
 * PopplerDocument of its own (poppler may be used by several threads on
 * separate documents, not on one) and drawn one at a time (draw_lock); a
 * page takes 0.1-0.3 s to draw and as long to read, so on two cores a
 * scanner's PDF is read in about half the time. The caller's thread hands
 * out the progress and stops them. */
#define PDF_WORKERS 4

/* poppler draws text with one FreeType library for the whole process, and
 * a FreeType library may not make or drop faces in two threads at once:
 * two documents loading their fonts together broke its list of faces (a
 * 500-page PDF aborted now and then in cairo, helgrind showing
 * FT_New_Memory_Face racing FT_New_Memory_Face). So pages are drawn, and
 * documents that drew pages are dropped, one at a time in the process;
 * a worker reads its page (the other half of the time) while another
 * draws. */
static GMutex draw_lock;

static void
drop_document (PopplerDocument *doc)
{
  if (doc == NULL)
    return;
  g_mutex_lock (&draw_lock);
  g_object_unref (doc);
  g_mutex_unlock (&draw_lock);
}

/* Buffers a worker draws into, kept from one page to the next: a 300 dpi
 * page is 35 MB of colour, and fresh pages of memory cost more than
 * drawing into them. */
typedef struct
{
  guint8 *rgb;
  gsize rgb_size;
  guint8 *gray;
  gsize gray_size;
} Canvas;

static void
canvas_clear (Canvas *c)
{
  g_free (c->rgb);
  g_free (c->gray);
}

typedef struct
{
  GBytes *bytes;
  const char *name;
  guint limit;             /* pages to read */
  gint next;               /* atomic: the next page a worker takes */
  gint stop;               /* atomic: take no more pages */
  GMutex lock;
  GCond cond;
  GPtrArray **found;       /* [limit] each page's symbols, once read */
  GError *error;           /* the first page that could not be drawn */
} PdfJob;

/* Draws page @index at up to 300 dpi as grey into @canvas; %NULL with
 * nothing set in @error for a page without a usable size (nothing to
 * draw on it). */
static const guint8 *
render_page (PopplerDocument *doc,
             int              index,
             const char      *name,
             Canvas          *canvas,
             guint           *width,
             guint           *height,
             GError         **error)
{
  g_autoptr (PopplerPage) page = poppler_document_get_page (doc, index);
  cairo_surface_t *surface;
  cairo_t *cr;
  double w_pt, h_pt, scale = PDF_DPI / 72.0;
  int w, h, stride;

  if (page == NULL)
    return NULL;
  poppler_page_get_size (page, &w_pt, &h_pt);
  if (!(w_pt >= 1 && h_pt >= 1 && w_pt < 1e6 && h_pt < 1e6))
    return NULL;
  /* A poster-sized page is drawn at less than 300 dpi rather than at a
   * size that cannot be held (cairo's images stop at 32767 pixels a
   * side). */
  if (w_pt * scale * h_pt * scale > MAX_PIXELS)
    scale = sqrt (MAX_PIXELS / (w_pt * h_pt));
  scale = MIN (scale, MIN (32767 / w_pt, 32767 / h_pt));
  w = MAX (1, (int) (w_pt * scale + 0.5));
  h = MAX (1, (int) (h_pt * scale + 0.5));
  stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, w);
  if (canvas->rgb_size < (gsize) stride * h)
    {
      g_free (canvas->rgb);
      canvas->rgb_size = (gsize) stride * h;
      canvas->rgb = g_malloc (canvas->rgb_size);
    }
  if (canvas->gray_size < (gsize) w * h)
    {
      g_free (canvas->gray);
      canvas->gray_size = (gsize) w * h;
      canvas->gray = g_malloc (canvas->gray_size);
    }
  surface = cairo_image_surface_create_for_data (canvas->rgb, CAIRO_FORMAT_RGB24, w, h, stride);
  /* Until the context is gone: dropping it may drop the last use of a
   * font, and poppler's face with it. */
  g_mutex_lock (&draw_lock);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  g_mutex_unlock (&draw_lock);
  cairo_surface_flush (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("Page %d of %s cannot be drawn (%s)."), index + 1,
                   name, cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_destroy (surface);

  /* Luminance of what poppler drew on white paper. */
  for (int y = 0; y < h; y++)
    {
      const guint32 *row = (const guint32 *) (gconstpointer) (canvas->rgb + (gsize) y * stride);
      guint8 *dst = canvas->gray + (gsize) y * w;

      for (int x = 0; x < w; x++)
        {
          guint32 px = row[x];

          dst[x] = (guint8) ((((px >> 16) & 0xff) * 77 + ((px >> 8) & 0xff) * 150 + (px & 0xff) * 29) >> 8);
        }
    }
  *width = (guint) w;
  *height = (guint) h;
  return canvas->gray;
}

static gpointer
pdf_worker (gpointer data)
{
  PdfJob *job = data;
  PopplerDocument *doc = poppler_document_new_from_bytes (job->bytes, NULL, NULL);
  Canvas canvas = { 0 };

  while (!g_atomic_int_get (&job->stop))
    {
      guint i = (guint) g_atomic_int_add (&job->next, 1);
      g_autoptr (GError) error = NULL;
      GPtrArray *found = NULL;
      const guint8 *gray = NULL;
      guint w = 0, h = 0;

      if (i >= job->limit)
        break;
      if (doc == NULL)
        g_set_error (&error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is not a readable PDF file."), job->name);
      else
        gray = render_page (doc, (int) i, job->name, &canvas, &w, &h, &error);
      if (gray)
        found = okn_scan_decode_gray (gray, w, h, w, NULL);
      if (found == NULL)
        found = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
      for (guint k = 0; k < found->len; k++)
        ((OknScanSymbol *) found->pdata[k])->page = i + 1;

      g_mutex_lock (&job->lock);
      job->found[i] = found;
      if (error && job->error == NULL)
        {
          job->error = g_steal_pointer (&error);
          g_atomic_int_set (&job->stop, 1);
        }
      g_cond_broadcast (&job->cond);
      g_mutex_unlock (&job->lock);
    }
  canvas_clear (&canvas);
  drop_document (doc);
  return NULL;
}

/* The caller's say before a page: go on, or stop. */
static gboolean
want_page (const OknScanOptions *options,
           guint                 page,
           guint                 page_count)
{
  if (options->cancellable && g_cancellable_is_cancelled (options->cancellable))
    return FALSE;
  return options->progress == NULL || options->progress (page, page_count, options->progress_data);
}

static GPtrArray *
decode_pdf (GBytes               *bytes,
            const char           *name,
            const OknScanOptions *options,
            guint                *page_count,
            guint                *pages_read,
            gboolean             *stopped,
            GError              **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (PopplerDocument) doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);
  g_autoptr (GPtrArray) out = NULL;
  GThread *threads[PDF_WORKERS] = { NULL };
  PdfJob job = { 0 };
  guint pages, workers, confirmed = 0, read = 0;

  if (doc == NULL)
    {
      set_unreadable_pdf_error (error, name, local_error);
      return NULL;
    }
  out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
  pages = (guint) MAX (0, poppler_document_get_n_pages (doc));
  g_clear_object (&doc);
  *page_count = pages;
  *pages_read = 0;
  job.limit = options->max_pages > 0 ? MIN (pages, options->max_pages) : pages;
  if (job.limit == 0)
    return g_steal_pointer (&out);
  if (!want_page (options, 1, pages))
    {
      *stopped = TRUE;
      return g_steal_pointer (&out);
    }

  job.bytes = bytes;
  job.name = name;
  job.found = g_new0 (GPtrArray *, job.limit);
  g_mutex_init (&job.lock);
  g_cond_init (&job.cond);
  workers = MIN (job.limit, (guint) CLAMP (g_get_num_processors (), 1, PDF_WORKERS));
  for (guint t = 0; t < workers; t++)
    threads[t] = g_thread_try_new ("okn-scan-pdf", pdf_worker, &job, NULL);
  if (threads[0] == NULL)
    pdf_worker (&job);

  /* Pages are confirmed in order; before each next one the caller may
   * stop the reading (Ctrl+C, a closed window). */
  g_mutex_lock (&job.lock);
  while (confirmed < job.limit)
    {
      while (job.found[confirmed] == NULL && job.error == NULL)
        g_cond_wait (&job.cond, &job.lock);
      if (job.error)
        break;
      confirmed++;
      if (confirmed < job.limit)
        {
          gboolean go_on;

          g_mutex_unlock (&job.lock);
          go_on = want_page (options, confirmed + 1, pages);
          g_mutex_lock (&job.lock);
          if (!go_on)
            break;
        }
    }
  g_atomic_int_set (&job.stop, 1);
  g_mutex_unlock (&job.lock);
  for (guint t = 0; t < workers; t++)
    if (threads[t])
      g_thread_join (threads[t]);

  /* Pages read are those from the first on without a gap: a page read
   * ahead of one that was stopped is not reported on its own. */
  while (read < job.limit && job.found[read])
    read++;
  if (job.error == NULL)
    for (guint i = 0; i < read; i++)
      while (job.found[i]->len > 0)
        g_ptr_array_add (out, g_ptr_array_steal_index (job.found[i], 0));
  for (guint i = 0; i < job.limit; i++)
    g_clear_pointer (&job.found[i], g_ptr_array_unref);
  g_free (job.found);
  g_mutex_clear (&job.lock);
  g_cond_clear (&job.cond);
  if (job.error)
    {
      g_propagate_error (error, job.error);
      return NULL;
    }
  *pages_read = read;
  *stopped = read < job.limit;
  return g_steal_pointer (&out);
}

/**
 * okn_scan_load_gray:
 * @data: (array length=len): a PNG, JPEG or PDF file's contents
 * @name: what to call it in messages, already safe to show
 * @page: the page of a PDF to draw, from 0
 *
 * What every scan of a file does before zbar: the PNG or JPEG read to grey,
 * or the page of a PDF drawn to grey as the scan's workers draw it. The
 * fuzz harness (tests/fuzz/fuzz-image.c) feeds it.
 *
 * Returns: (transfer full) (nullable): @width × @height grey pixels, to
 *   give back with okn_scan_pixels_give(); %NULL with an %OKN_SCAN_ERROR, or without one for a PDF page that has
 *   nothing to draw
 */
guint8 *
okn_scan_load_gray (const guint8 *data,
                    gsize         len,
                    const char   *name,
                    guint         page,
                    guint        *width,
                    guint        *height,
                    GError      **error)
{
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) local_error = NULL;
  PopplerDocument *doc = NULL;
  Canvas canvas = { 0 };
  const guint8 *gray;
  guint8 *out = NULL;

  *width = *height = 0;
  if (len >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return load_png (data, len, name, width, height, error);
  if (len >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return load_jpeg (data, len, name, width, height, error);
  if (!(len >= 5 && memcmp (data, "%PDF-", 5) == 0))
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is not a PNG, JPEG or PDF file."), name);
      return NULL;
    }
  bytes = g_bytes_new (data, len);
  doc = poppler_document_new_from_bytes (bytes, NULL, &local_error);
  if (doc == NULL)
    {
      set_unreadable_pdf_error (error, name, local_error);
      return NULL;
    }
  if ((int) page >= poppler_document_get_n_pages (doc))
    {
      g_object_unref (doc);
      return NULL;
    }
  gray = render_page (doc, (int) page, name, &canvas, width, height, error);
  if (gray != NULL)
    {
      out = okn_scan_pixels_take ((gsize) *width * *height);
      memcpy (out, gray, (gsize) *width * *height);
    }
  canvas_clear (&canvas);
  drop_document (doc);
  return out;
}

/* Files -------------------------------------------------------------------- */

/* The symbols in a PNG, JPEG or PDF file's contents (%NULL when it is
 * none this can read); @report, when given, gets how many pages there are,
 * how many were read and whether the reading was stopped. */
static GPtrArray *
decode_bytes (GBytes               *bytes,
              const char           *name,
              const OknScanOptions *options,
              OknScanReport        *report,
              GError              **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree char *shown = okn_text_display_line (name, -1);
  g_autoptr (OknScanPixels) gray = NULL;
  OknScanOptions defaults;
  guint w = 0, h = 0, count = 1, read = 0;
  gboolean halted = FALSE;
  GPtrArray *symbols = NULL;

  if (options == NULL)
    {
      okn_scan_options_init (&defaults, NULL);
      options = &defaults;
    }
  if (len == 0)
    g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT, _("%s is empty: no image in it."), shown);
  else if (len >= 5 && memcmp (data, "%PDF-", 5) == 0)
    symbols = decode_pdf (bytes, shown, options, &count, &read, &halted, error);
  else
    gray = okn_scan_load_gray (data, len, shown, 0, &w, &h, error);
  if (gray)
    {
      symbols = okn_scan_decode_gray (gray, w, h, w, error);
      read = 1;
    }
  if (report)
    {
      report->page_count = count;
      report->pages_read = read;
      report->stopped = halted;
    }
  return symbols;
}

/**
 * okn_scan_decode_bytes:
 * @bytes: the contents of a PNG, JPEG or PDF file, told apart by their
 *   first bytes
 * @name: what to call it in messages (the file name)
 * @error: return location for an #OKN_SCAN_ERROR_FORMAT
 *
 * The first %OKN_SCAN_DEFAULT_MAX_PAGES pages of a PDF are read; see
 * okn_scan_file_report() for another cap, progress and the pages read.
 *
 * Returns: (transfer full) (element-type OknScanSymbol) (nullable): the
 *   symbols on the image or on every page read, possibly none; %NULL when
 *   the data is no image this can read
 */
GPtrArray *
okn_scan_decode_bytes (GBytes     *bytes,
                       const char *name,
                       GError    **error)
{
  return decode_bytes (bytes, name, NULL, NULL, error);
}

/* Why @path (@shown) could not be read, naming it once: permissions in
 * a clerk's words (the library's said "open() failed" and named the file
 * again), anything else in the system's. */
static void
set_read_error (GError    **error,
                const char *shown,
                int         err)
{
  if (err == EACCES || err == EPERM)
    g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO,
                 _("Cannot read %s: this program is not allowed to read it. Copy the file into a "
                   "folder of your own and scan the copy, or ask the administrator for access."),
                 shown);
  else
    g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO, _("Cannot read %s: %s."), shown, g_strerror (err));
}

/* The file's contents, mapped; a folder or a device is named as what it
 * is rather than passed to mmap(). */
static GBytes *
file_bytes (const char *path,
            GError    **error)
{
  g_autofree char *shown = okn_text_display_line (path, -1);
  g_autoptr (GMappedFile) map = NULL;
  GStatBuf st;
  int fd;

  if (g_stat (path, &st) != 0)
    {
      set_read_error (error, shown, errno);
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO,
                   _("%s is a folder, not a file: give the scanned PNG, JPEG or PDF files in it."), shown);
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO,
                   _("%s is not a regular file: give a scanned PNG, JPEG or PDF file."), shown);
      return NULL;
    }
  /* Opened here, so that the reason is the system's error, not a
   * library's sentence around the file's name. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_read_error (error, shown, errno);
      return NULL;
    }
  map = g_mapped_file_new_from_fd (fd, FALSE, NULL);
  close (fd);
  if (map == NULL)
    {
      set_read_error (error, shown, EIO);
      return NULL;
    }
  return g_mapped_file_get_bytes (map);
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
  g_autoptr (GBytes) bytes = file_bytes (path, error);

  if (bytes == NULL)
    return NULL;
  return okn_scan_decode_bytes (bytes, path, error);
}

/**
 * okn_scan_file:
 * @store: where tickets are looked up (read only)
 * @config: (nullable): for `office.status_url` and `scan.max_pages`
 * @path: a PNG, JPEG or PDF file
 * @error: return location for an #OKN_SCAN_ERROR or a storage error
 *
 * Returns: (transfer full) (element-type OknScanResult) (nullable): every
 *   ticket and foreign code on the file (on the pages read of a PDF),
 *   possibly none
 */
GPtrArray *
okn_scan_file (OknStore   *store,
               OknConfig  *config,
               const char *path,
               GError    **error)
{
  OknScanOptions options;
  g_autoptr (OknScanReport) report = NULL;

  okn_scan_options_init (&options, config);
  report = okn_scan_file_report (store, config, path, &options, error);
  if (report == NULL)
    return NULL;
  return g_steal_pointer (&report->results);
}

/**
 * okn_scan_file_report:
 * @store: where tickets are looked up (read only)
 * @config: (nullable): for `office.status_url`
 * @path: a PNG, JPEG or PDF file
 * @options: (nullable): page cap, progress and cancellation; %NULL: see
 *   okn_scan_options_init() with @config
 * @error: return location for an #OKN_SCAN_ERROR or a storage error
 *
 * Reads a file and says what every page held: the results with their
 * pages, how many pages there are and how many were read.
 *
 * Returns: (transfer full) (nullable): the report; %NULL when the file
 *   cannot be read or the store failed
 */
OknScanReport *
okn_scan_file_report (OknStore             *store,
                      OknConfig            *config,
                      const char           *path,
                      const OknScanOptions *options,
                      GError              **error)
{
  g_autoptr (GBytes) bytes = file_bytes (path, error);
  g_autoptr (GPtrArray) symbols = NULL;
  g_autoptr (OknScanReport) report = g_new0 (OknScanReport, 1);
  OknScanOptions defaults;

  if (bytes == NULL)
    return NULL;
  if (options == NULL)
    {
      okn_scan_options_init (&defaults, config);
      options = &defaults;
    }
  report->max_pages = options->max_pages;
  symbols = decode_bytes (bytes, path, options, report, error);
  if (symbols == NULL)
    return NULL;
  report->results = okn_scan_verify (store, config, symbols, error);
  if (report->results == NULL)
    return NULL;
  return g_steal_pointer (&report);
}

/**
 * okn_scan_report_page_state:
 * @page: 1-based
 *
 * Returns: whether something was found on @page, nothing, or the page was
 *   not read (beyond the cap, or the reading was stopped)
 */
OknScanPageState
okn_scan_report_page_state (const OknScanReport *report,
                            guint                page)
{
  if (page == 0 || page > report->pages_read)
    return OKN_SCAN_PAGE_NOT_READ;
  for (guint i = 0; i < report->results->len; i++)
    if (((const OknScanResult *) report->results->pdata[i])->page == page)
      return OKN_SCAN_PAGE_FOUND;
  return OKN_SCAN_PAGE_NOTHING;
}

/* "3, 5–9, 12" */
static void
append_ranges (GString *s,
               GArray  *pages)
{
  for (guint i = 0; i < pages->len;)
    {
      guint first = g_array_index (pages, guint, i), last = first;

      while (i + 1 < pages->len && g_array_index (pages, guint, i + 1) == last + 1)
        last = g_array_index (pages, guint, ++i);
      i++;
      if (s->len > 0)
        g_string_append (s, ", ");
      if (last == first)
        g_string_append_printf (s, "%u", first);
      else
        g_string_append_printf (s, "%u–%u", first, last);
    }
}

/**
 * okn_scan_report_summary:
 *
 * What a person must know besides the results: the pages where nothing
 * was found and the pages not read, and why.
 *
 * Returns: (transfer full) (nullable): a translated sentence or two;
 *   %NULL when every page was read and held something
 */
char *
okn_scan_report_summary (const OknScanReport *report)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) empty = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GString) list = g_string_new (NULL);

  for (guint p = 1; p <= report->pages_read; p++)
    if (okn_scan_report_page_state (report, p) == OKN_SCAN_PAGE_NOTHING)
      g_array_append_val (empty, p);
  if (empty->len > 0 && report->page_count == 1)
    g_string_append (out, _("No code was found in the file."));
  else if (empty->len > 0)
    {
      append_ranges (list, empty);
      g_string_append_printf (out,
                              g_dngettext (GETTEXT_PACKAGE, "No code was found on page %s of %u.",
                                           "No code was found on pages %s of %u.", empty->len),
                              list->str, report->page_count);
    }
  if (report->pages_read < report->page_count)
    {
      if (out->len > 0)
        g_string_append_c (out, ' ');
      if (report->stopped)
        g_string_append_printf (out, _("Reading stopped after page %u of %u."), report->pages_read,
                                report->page_count);
      else
        g_string_append_printf (out,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "Only the first %u page of %u was read (scan.max_pages).",
                                             "Only the first %u pages of %u were read (scan.max_pages).",
                                             report->pages_read),
                                report->pages_read, report->page_count);
    }
  return out->len > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}
