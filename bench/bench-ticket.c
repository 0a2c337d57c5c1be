/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-ticket.c: how fast a ticket is drawn and read back
 *
 *   bench-ticket [ROUNDS]
 *
 * 1. A receipt rendered to the 1-bit raster the thermal printer takes
 *    (target: median <= 10 ms).
 * 2. A ticket decoded from a 300 dpi scan of a whole A4 page, in-process
 *    (target: median <= 60 ms), side by side with `zbarimg` on the same
 *    file and with zbar's own default settings in-process: the A4
 *    confirmation (Code 128 + QR), and a letter with its label stuck on it
 *    (Code 128 only, so the decoder also tries a smoothed copy for a QR).
 *    Both pages carry a little sensor noise (±12 grey levels).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include <poppler.h>
#include <zbar.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-scan.h"

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *ms)
{
  g_array_sort (ms, cmp_double);
  return g_array_index (ms, double, ms->len / 2);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* An A4 page at @dpi as 8-bit gray, from a PDF page, with a little sensor
 * noise so the scan is not unrealistically clean. */
static guint8 *
rasterise (GBytes *pdf,
           double  dpi,
           guint  *w,
           guint  *h)
{
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, NULL);
  PopplerPage *page = poppler_document_get_page (doc, 0);
  double pw, ph;
  cairo_surface_t *s;
  cairo_t *cr;
  guint8 *gray, *data;
  int stride;
  GRand *rand = g_rand_new_with_seed (7);

  poppler_page_get_size (page, &pw, &ph);
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) round (pw * dpi / 72), (int) round (ph * dpi / 72));
  cr = cairo_create (s);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72, dpi / 72);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  *w = (guint) cairo_image_surface_get_width (s);
  *h = (guint) cairo_image_surface_get_height (s);
  stride = cairo_image_surface_get_stride (s);
  data = cairo_image_surface_get_data (s);
  gray = g_malloc ((gsize) *w * *h);
  for (guint y = 0; y < *h; y++)
    for (guint x = 0; x < *w; x++)
      {
        int v = data[(gsize) y * stride + x * 4 + 1] + g_rand_int_range (rand, -12, 13);

        gray[(gsize) y * *w + x] = (guint8) CLAMP (v, 0, 255);
      }
  g_rand_free (rand);
  cairo_surface_destroy (s);
  g_object_unref (page);
  g_object_unref (doc);
  return gray;
}

static void
write_png (const char   *path,
           const guint8 *gray,
           guint         w,
           guint         h)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  int stride = cairo_image_surface_get_stride (s);
  guint8 *d = cairo_image_surface_get_data (s);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint v = gray[(gsize) y * w + x];

        ((guint32 *) (gpointer) (d + (gsize) y * stride))[x] = v << 16 | v << 8 | v;
      }
  cairo_surface_mark_dirty (s);
  cairo_surface_write_to_png (s, path);
  cairo_surface_destroy (s);
}

/* zbar as zbarimg configures it: every symbology, every line. */
static int
zbar_default (const guint8 *gray,
              guint         w,
              guint         h)
{
  zbar_image_scanner_t *sc = zbar_image_scanner_create ();
  zbar_image_t *img = zbar_image_create ();
  int n;

  zbar_image_scanner_set_config (sc, 0, ZBAR_CFG_ENABLE, 1);
  zbar_image_set_format (img, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (img, w, h);
  zbar_image_set_data (img, gray, (unsigned long) w * h, NULL);
  n = zbar_scan_image (sc, img);
  zbar_image_destroy (img);
  zbar_image_scanner_destroy (sc);
  return n;
}

static double
run_zbarimg (const char *path,
             const char *expect,
             gboolean   *ok)
{
  const char *argv[] = { "zbarimg", "-q", "--raw", path, NULL };
  g_autofree char *out = NULL;
  int status = 0;
  double t0 = now_ms ();

  *ok = g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                      &out, NULL, &status, NULL)
        && out && strstr (out, expect) != NULL;
  return now_ms () - t0;
}

static void
bench_scan_page (const char     *what,
                 const char     *dir,
                 guint8         *gray,
                 guint           w,
                 guint           h,
                 const char     *ticket,
                 guint           rounds)
{
  g_autoptr (GArray) t_gray = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_file = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_zdef = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_zimg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *png = g_build_filename (dir, "page.png", NULL);
  guint found = 0, zimg_ok = 0;

  write_png (png, gray, w, h);
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr (GPtrArray) a = NULL;
      g_autoptr (GPtrArray) b = NULL;
      double t0 = now_ms (), t1, t2, t3, t4;
      gboolean ok;

      a = okn_scan_decode_gray (gray, w, h, w, NULL);
      t1 = now_ms ();
      b = okn_scan_decode_file (png, NULL);
      t2 = now_ms ();
      zbar_default (gray, w, h);
      t3 = now_ms ();
      t4 = run_zbarimg (png, ticket, &ok);
      zimg_ok += ok;
      for (guint k = 0; a && k < a->len; k++)
        if (strstr (((OknScanSymbol *) a->pdata[k])->text, ticket))
          {
            found++;
            break;
          }
      g_array_append_val (t_gray, (double) { t1 - t0 });
      g_array_append_val (t_file, (double) { t2 - t1 });
      g_array_append_val (t_zdef, (double) { t3 - t2 });
      g_array_append_val (t_zimg, (double) { t4 });
    }

  printf ("\n%s, %u x %u px (300 dpi), %u rounds, medians:\n", what, w, h, rounds);
  printf ("  %-46s %8.1f ms   found %u/%u\n", "okn_scan_decode_gray (in-process)", median (t_gray), found, rounds);
  printf ("  %-46s %8.1f ms\n", "okn_scan_decode_file (PNG load + decode)", median (t_file));
  printf ("  %-46s %8.1f ms\n", "zbar with zbarimg's settings, in-process", median (t_zdef));
  printf ("  %-46s %8.1f ms   found %u/%u\n", "zbarimg -q PAGE.png (process)", median (t_zimg), zimg_ok, rounds);
  printf ("  ratio zbarimg / okn_scan_decode_file: %.1fx; zbarimg / in-process decode: %.1fx\n",
          median (t_zimg) / median (t_file), median (t_zimg) / median (t_gray));
  g_unlink (png);
}

int
main (int    argc,
      char **argv)
{
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("okienko-bench-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *cfg_path = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (OknRecord) stored = NULL;
  g_autoptr (OknTicketContent) content = NULL;
  g_autoptr (GArray) t80 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t58 = g_array_new (FALSE, FALSE, sizeof (double));

  if (rounds == 0)
    rounds = 100;
  g_assert_no_error (error);
  db = g_build_filename (dir, "bench.db", NULL);
  cfg_path = g_build_filename (dir, "bench.ini", NULL);
  store = okn_store_open (db, &error);
  g_assert_no_error (error);
  okn_store_init_station (store, "K03", "bench", &error);
  g_assert_no_error (error);
  config = okn_config_new (cfg_path);
  okn_config_set (config, "office.name", "Urząd Miasta Przykładowo, Punkt Kancelaryjny nr 3", &error);
  okn_config_set (config, "office.address", "ul. Źródlana 5, 90-001 Przykładowo", &error);
  okn_config_set (config, "office.hotline", "+48 42 000 00 00", &error);
  g_assert_no_error (error);
  r->category = g_strdup ("pothole");
  r->description = g_strdup ("Głęboka dziura na przejściu dla pieszych.");
  r->address = g_strdup ("ul. Żeromskiego 3");
  okn_store_register (store, r, "bench", &error);
  g_assert_no_error (error);
  stored = okn_store_lookup (store, r->ticket, &error);
  g_assert_no_error (error);
  content = okn_ticket_content_new (stored, config);

  /* Warm up fonts and caches once, as a running desk has them. */
  okn_bitmap_free (okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, content, 203, NULL));
  for (guint i = 0; i < rounds; i++)
    {
      double t0 = now_ms (), t1, t2;
      g_autoptr (OknBitmap) b80 = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, content, 203, NULL);
      g_autoptr (OknBitmap) b58 = NULL;

      t1 = now_ms ();
      b58 = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_58, content, 203, NULL);
      t2 = now_ms ();
      g_assert_true (b80 && b80->width == 576 && b58 && b58->width == 384);
      g_array_append_val (t80, (double) { t1 - t0 });
      g_array_append_val (t58, (double) { t2 - t1 });
    }
  printf ("Receipt to 1-bit raster at 203 dpi, %u rounds, medians (target <= 10 ms):\n", rounds);
  printf ("  %-46s %8.2f ms\n", "receipt-80 (576 dots wide)", median (t80));
  printf ("  %-46s %8.2f ms\n", "receipt-58 (384 dots wide)", median (t58));

  {
    g_autoptr (GBytes) a4 = okn_layout_render_pdf (OKN_LAYOUT_A4_CONFIRMATION, content, &error);
    guint scan_rounds = MAX (5, MIN (rounds, 25));

    g_autofree guint8 *page = NULL;
    g_autoptr (OknBitmap) label = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, content, 300, NULL);
    guint w, h;

    g_assert_no_error (error);
    page = rasterise (a4, 300, &w, &h);
    bench_scan_page ("A4 confirmation (Code 128 + QR), target <= 60 ms", dir, page, w, h, stored->ticket,
                     scan_rounds);

    /* A letter with its label (Code 128 only) stuck on the top right. */
    memset (page, 255, (gsize) w * h);
    for (guint y = 0; y < label->height; y++)
      for (guint x = 0; x < label->width; x++)
        if (okn_bitmap_get (label, x, y))
          page[(gsize) (y + 120) * w + (x + w - label->width - 150)] = 20;
    {
      GRand *rand = g_rand_new_with_seed (11);

      for (gsize i = 0; i < (gsize) w * h; i++)
        {
          int v = page[i] + g_rand_int_range (rand, -12, 13);

          page[i] = (guint8) CLAMP (v, 0, 255);
        }
      g_rand_free (rand);
    }
    bench_scan_page ("A4 letter with its label (Code 128 only)", dir, page, w, h, stored->ticket, scan_rounds);
  }

  okn_store_close (g_steal_pointer (&store));
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);

        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
