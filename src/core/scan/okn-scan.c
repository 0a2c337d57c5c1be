/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan.c: finding codes in a grey image (zbar and okn-scan-linear.c),
 * what their payloads mean and the verdicts from the store.
 * Files and PDF pages: okn-scan-files.c */
#define G_LOG_DOMAIN "okn-scan"

#include "config.h"

#include <math.h>
#include <string.h>
#include <zbar.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-text.h"
#include "okn-scan-private.h"

G_DEFINE_QUARK (okn-scan-error-quark, okn_scan_error)

typedef zbar_image_scanner_t OknZbarScanner;
typedef zbar_image_t OknZbarImage;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarScanner, zbar_image_scanner_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarImage, zbar_image_destroy)

/* Images are first read reduced to about this many pixels on the short
 * side: an A4 page at roughly 150 dpi. */
#define REDUCED_SIDE 1200

/* From this size on (a page at 100 dpi) the zbar pass and the 1D reader
 * run in two threads: a thread costs less than a millisecond. */
#define PARALLEL_PIXELS (1000u * 1000u)

/* Paper grain (standard deviation, grey levels) from which zbar is given
 * a smoothed copy: below it every edge zbar sees is a real one. */
#define GRAINY 3.0

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

/* Sums of @K pixels across, @K rows added up in @acc: the compiler unrolls
 * the inner loop for each K it is called with. */
static inline void
add_row (guint32      *acc,
         const guint8 *row,
         guint         nw,
         guint         K)
{
  for (guint x = 0; x < nw; x++)
    {
      guint32 v = 0;

      for (guint dx = 0; dx < K; dx++)
        v += row[x * K + dx];
      acc[x] += v;
    }
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
  guint8 *out = g_malloc ((gsize) MAX (nw, 1) * MAX (nh, 1));

  for (guint y = 0; y < nh; y++)
    {
      memset (acc, 0, sizeof (guint32) * nw);
      for (guint dy = 0; dy < k; dy++)
        {
          const guint8 *row = src + (gsize) (y * k + dy) * w;

          switch (k)
            {
            case 2:
              add_row (acc, row, nw, 2);
              break;
            case 3:
              add_row (acc, row, nw, 3);
              break;
            case 4:
              add_row (acc, row, nw, 4);
              break;
            default:
              add_row (acc, row, nw, k);
              break;
            }
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

/* A copy of the rectangle @x, @y, @w × @h of @img (rows of @stride). */
static guint8 *
crop (const guint8 *img,
      guint         stride,
      guint         x,
      guint         y,
      guint         w,
      guint         h)
{
  guint8 *out = g_malloc ((gsize) w * h);

  for (guint r = 0; r < h; r++)
    memcpy (out + (gsize) r * w, img + (gsize) (y + r) * stride + x, w);
  return out;
}

/* QR codes around @box (pixels of @gray): a ticket's QR code lies within
 * about its Code 128's length of it (below it on receipts and the A4
 * confirmation, beside it on the label). zbar finds a tilted QR code only
 * when it reads every line, and reads a grainy one better at full
 * resolution: tried on the reduced copy @src (1/@k of @gray), then on the
 * full image, then smoothed, until one is read. */
static void
read_qr_near (const guint8     *gray,
              guint             w,
              guint             h,
              const guint8     *src,
              guint             k,
              const OknScanBox *box,
              GPtrArray        *out)
{
  int margin = MAX (box->x1 - box->x0, box->y1 - box->y0) * 4 / 5;
  guint cx = (guint) CLAMP (box->x0 - margin, 0, (int) w - 1);
  guint cy = (guint) CLAMP (box->y0 - margin, 0, (int) h - 1);
  guint cw = (guint) CLAMP (box->x1 + margin + 1, (int) cx + 1, (int) w) - cx;
  guint ch = (guint) CLAMP (box->y1 + margin + 1, (int) cy + 1, (int) h) - cy;
  g_autofree guint8 *full = NULL;
  g_autofree guint8 *smooth = NULL;

  if (k > 1 && cw / k > 0 && ch / k > 0)
    {
      g_autofree guint8 *small = crop (src, w / k, cx / k, cy / k, MIN (cw / k, w / k - cx / k),
                                       MIN (ch / k, h / k - cy / k));

      if (scan_pass (small, MIN (cw / k, w / k - cx / k), MIN (ch / k, h / k - cy / k), 1, PASS_QR, out, NULL, 1) > 0)
        return;
    }
  full = crop (gray, w, cx, cy, cw, ch);
  if (scan_pass (full, cw, ch, 1, PASS_QR, out, NULL, 1) > 0)
    return;
  smooth = box_blur (full, cw, ch);
  scan_pass (smooth, cw, ch, 1, PASS_QR, out, NULL, 1);
}

/* Moves the symbols of @from to @out, each symbology and text once. */
static void
take_symbols (GPtrArray *out,
              GPtrArray *from)
{
  while (from->len > 0)
    {
      OknScanSymbol *sym = g_ptr_array_steal_index (from, 0);
      gboolean dup = FALSE;

      for (guint i = 0; i < out->len && !dup; i++)
        {
          const OknScanSymbol *o = out->pdata[i];

          dup = g_str_equal (o->text, sym->text) && g_str_equal (o->symbology, sym->symbology);
        }
      if (dup)
        okn_scan_symbol_free (sym);
      else
        g_ptr_array_add (out, sym);
    }
}

/* The first zbar pass, possibly in a thread of its own. */
typedef struct
{
  const guint8 *img;
  guint w, h;
  int density;
  PassKind kind;
  int scale;
  GPtrArray *out;
  OknScanBox box;
} ZbarPass;

static gpointer
zbar_pass_thread (gpointer data)
{
  ZbarPass *p = data;

  scan_pass (p->img, p->w, p->h, p->density, p->kind, p->out, &p->box, p->scale);
  return NULL;
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
   * okn_scan_linear() there, which reads them at any angle from the full
   * image (the reduced copy of a large page serves to find them). The two
   * share nothing: on a whole page they run side by side. */
  {
    ZbarPass pass = { src, rw, rh, density, grainy ? PASS_QR : PASS_ALL, (int) k, NULL, { 0 } };
    GThread *thread = NULL;

    pass.out = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);
    if ((guint64) width * height >= PARALLEL_PIXELS)
      thread = g_thread_try_new ("okn-scan-zbar", zbar_pass_thread, &pass, NULL);
    if (thread == NULL)
      zbar_pass_thread (&pass);
    {
      g_autoptr (GPtrArray) linear = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_symbol_free);

      okn_scan_linear (gray, width, height, k > 1 ? reduced : NULL, k, linear, &box);
      if (thread)
        g_thread_join (thread);
      /* zbar's symbols first, as they always came. */
      take_symbols (out, pass.out);
      take_symbols (out, linear);
      if (pass.box.any)
        {
          okn_scan_box_add_point (&box, pass.box.x0, pass.box.y0);
          okn_scan_box_add_point (&box, pass.box.x1, pass.box.y1);
        }
      g_ptr_array_unref (pass.out);
    }
  }

  if (!okn_scan_symbols_have (out, "QR-Code"))
    {
      /* Specks of dust and grain break QR finder patterns long before they
       * break bars, and zbar finds a tilted QR code only when it reads
       * every line: look again around what was found (a ticket's QR sits
       * next to its Code 128), or, with nothing found, on every line of
       * the whole copy. */
      if (box.any)
        read_qr_near (gray, width, height, src, k, &box, out);
      else
        scan_pass (src, rw, rh, 1, PASS_QR, out, NULL, 1);
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
      g_autofree char *payload = okn_ticket_format_payload (ticket, code);

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
  guint page;
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

/* A symbology as a person says it, for messages: zbar's names ("QR-Code",
 * "CODE-128") are for programs (okienkoctl scan --json keeps them), and a
 * keyboard-wedge scan has none. */
static const char *
symbology_display (const char *symbology)
{
  if (g_strcmp0 (symbology, "keyboard") == 0)
    return _("typed, or from a scanner");
  if (g_strcmp0 (symbology, "QR-Code") == 0)
    return _("QR code");
  if (g_strcmp0 (symbology, "CODE-128") == 0)
    return "Code 128";
  if (g_strcmp0 (symbology, "CODE-39") == 0)
    return "Code 39";
  return symbology ? symbology : "";
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

      /* A code that holds a NUL or bytes that are not text is nobody's
       * ticket, whatever text is around them. */
      if (s->binary || !okn_scan_parse_text (s->text, tmpl, &id, &code, &parse_error))
        {
          OknScanResult *r = result_new (OKN_SCAN_NOT_OURS, s);
          /* Quote at most 80 characters of whatever the code says, made
           * safe to show: a payload may try to drive the terminal. */
          g_autofree char *shown = okn_text_display_line (s->text, 80);

          /* A damaged ID says what is wrong with it; anything else is
           * simply someone else's code. */
          if (s->binary)
            r->message = g_strdup_printf (_("“%s” (%s) is not an Okienko ticket: it holds bytes that are not "
                                            "text."),
                                          shown, symbology_display (s->symbology));
          else if (parse_error->domain == OKN_TICKET_ERROR)
            {
              g_autofree char *why = okn_text_display_line (parse_error->message, -1);

              r->message = g_strdup_printf (_("“%s” (%s) is not an Okienko ticket: %s"), shown,
                                            symbology_display (s->symbology), why);
            }
          else
            r->message = g_strdup_printf (_("“%s” (%s) is not an Okienko ticket."), shown,
                                          symbology_display (s->symbology));
          g_ptr_array_add (out, r);
          continue;
        }
      ticket = okn_ticket_id_format (&id);
      /* One ticket on two pages of a PDF is reported on each page. */
      for (guint k = 0; k < groups->len && g == NULL; k++)
        {
          TicketGroup *o = groups->pdata[k];

          if (g_str_equal (o->ticket, ticket) && o->page == s->page)
            g = o;
        }
      if (g == NULL)
        {
          guint slot = out->len;

          g = g_new0 (TicketGroup, 1);
          g->ticket = g_steal_pointer (&ticket);
          g->page = s->page;
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
