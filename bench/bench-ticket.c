/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-ticket.c: how fast a ticket is drawn and read back, and how many
 * scanned labels are found
 *
 *   bench-ticket [ROUNDS] [SECTIONS]
 *
 * SECTIONS: a comma-separated choice of raster, pages, sets, pdf (default:
 * all of them).
 *
 * 1. A receipt rendered to the 1-bit raster the thermal printer takes
 *    (target: median <= 10 ms).
 * 2. A ticket read from a 300 dpi scan of a whole A4 page, from the file
 *    to the verdict (target: median <= 120 ms, >= 10 times faster than
 *    `zbarimg` on the same file in the same run), in-process and side by
 *    side with zbar's own settings: the A4 confirmation (Code 128 + QR)
 *    and a letter with its label stuck on it. Both pages carry a little
 *    sensor noise (±12 grey levels); each is saved as an 8-bit grey PNG,
 *    as a scanner's grey mode saves it, and as an RGB PNG.
 * 3. Labels found on the generated scans of tests/test-scan-sets.c (24
 *    pages a set, tilted -45..45°, grain sigma 8; target >= 23/24), next
 *    to zbar with zbarimg's settings on the same pages.
 * 4. A 20-page scanned PDF at 200 and 300 dpi from the file to the verdict
 *    of every page (target: <= 4 s at 300 dpi, 20/20), next to what one
 *    would do otherwise: pdftoppm at 300 dpi and zbarimg on every page.
 *
 * The machine's load average is printed before and after: the figures
 * mean little on a busy machine.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include <jpeglib.h>
#include <glib/gstdio.h>

#include "okn-image-test-util.h"
#include "okn-test-zbar.h"
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

static void
print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("%s: load average %s", when, load);
}

/* An A4 page at @dpi as 8-bit grey, from a PDF page, with a little sensor
 * noise so the scan is not unrealistically clean. */
static guint8 *
rasterise (GBytes *pdf,
           double  dpi,
           guint  *w,
           guint  *h)
{
  g_autoptr (cairo_surface_t) page = okn_img_from_pdf (pdf, dpi);
  guint8 *gray = okn_img_to_gray (page, w, h);

  okn_gray_add_noise (gray, (gsize) *w * *h, 7, 12, 0);
  return gray;
}

/* The page as a PNG: 8-bit grey (cairo writes an A8 surface so), or RGB. */
static void
write_png (const char   *path,
           const guint8 *gray,
           guint         w,
           guint         h,
           gboolean      rgb)
{
  cairo_surface_t *s = cairo_image_surface_create (rgb ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_A8, (int) w, (int) h);
  int stride = cairo_image_surface_get_stride (s);
  guint8 *d = cairo_image_surface_get_data (s);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint v = gray[(gsize) y * w + x];

        if (rgb)
          ((guint32 *) (gpointer) (d + (gsize) y * stride))[x] = v << 16 | v << 8 | v;
        else
          d[(gsize) y * stride + x] = (guint8) v;
      }
  cairo_surface_mark_dirty (s);
  cairo_surface_write_to_png (s, path);
  cairo_surface_destroy (s);
}

static gboolean
texts_have (GPtrArray  *texts,
            const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (strstr (texts->pdata[i], text))
      return TRUE;
  return FALSE;
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

static guint8 *
jpeg_to_gray (GBytes *jpeg,
              guint  *w,
              guint  *h)
{
  struct jpeg_decompress_struct c;
  struct jpeg_error_mgr err;
  gsize len;
  const guint8 *data = g_bytes_get_data (jpeg, &len);
  guint8 *gray;

  c.err = jpeg_std_error (&err);
  jpeg_create_decompress (&c);
  jpeg_mem_src (&c, data, (unsigned long) len);
  jpeg_read_header (&c, TRUE);
  c.out_color_space = JCS_GRAYSCALE;
  jpeg_start_decompress (&c);
  gray = g_malloc ((gsize) c.output_width * c.output_height);
  while (c.output_scanline < c.output_height)
    {
      JSAMPROW row = gray + (gsize) c.output_scanline * c.output_width;

      jpeg_read_scanlines (&c, &row, 1);
    }
  *w = c.output_width;
  *h = c.output_height;
  jpeg_finish_decompress (&c);
  jpeg_destroy_decompress (&c);
  return gray;
}

/* At least one result on the page (0: any page) names @ticket as ours. */
static gboolean
results_have (GPtrArray  *results,
              const char *ticket,
              guint       page)
{
  for (guint i = 0; results && i < results->len; i++)
    {
      const OknScanResult *r = g_ptr_array_index (results, i);

      if ((page == 0 || r->page == page) && g_strcmp0 (r->ticket, ticket) == 0
          && (r->verdict == OKN_SCAN_GENUINE || r->verdict == OKN_SCAN_ID_ONLY))
        return TRUE;
    }
  return FALSE;
}

static void
bench_scan_page (const char *what,
                 const char *dir,
                 OknStore   *store,
                 OknConfig  *config,
                 guint8     *gray,
                 guint       w,
                 guint       h,
                 const char *ticket,
                 guint       rounds)
{
  g_autoptr (GArray) t_gray = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_file = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_rgb = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_zdef = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t_zimg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *png = g_build_filename (dir, "page-grey.png", NULL);
  g_autofree char *rgb = g_build_filename (dir, "page-rgb.png", NULL);
  guint found = 0, found_file = 0, found_rgb = 0, zdef_ok = 0, zimg_ok = 0;
  GStatBuf st_png, st_rgb;

  write_png (png, gray, w, h, FALSE);
  write_png (rgb, gray, w, h, TRUE);
  g_stat (png, &st_png);
  g_stat (rgb, &st_rgb);
  for (guint i = 0; i < rounds; i++)
    {
      g_autoptr (GPtrArray) a = NULL;
      g_autoptr (GPtrArray) b = NULL;
      g_autoptr (GPtrArray) c = NULL;
      g_autoptr (GPtrArray) z = NULL;
      double t0 = now_ms (), t1, t2, t3, t4, t5;
      gboolean ok;

      a = okn_scan_decode_gray (gray, w, h, w, NULL);
      t1 = now_ms ();
      b = okn_scan_file (store, config, png, NULL);
      t2 = now_ms ();
      c = okn_scan_file (store, config, rgb, NULL);
      t3 = now_ms ();
      z = okn_test_zbar_gray (gray, w, h);
      t4 = now_ms ();
      t5 = run_zbarimg (png, ticket, &ok);
      zimg_ok += ok;
      zdef_ok += texts_have (z, ticket);
      for (guint k = 0; a && k < a->len; k++)
        if (strstr (((OknScanSymbol *) a->pdata[k])->text, ticket))
          {
            found++;
            break;
          }
      found_file += results_have (b, ticket, 0);
      found_rgb += results_have (c, ticket, 0);
      g_array_append_val (t_gray, (double) { t1 - t0 });
      g_array_append_val (t_file, (double) { t2 - t1 });
      g_array_append_val (t_rgb, (double) { t3 - t2 });
      g_array_append_val (t_zdef, (double) { t4 - t3 });
      g_array_append_val (t_zimg, (double) { t5 });
    }

  printf ("\n%s, %u x %u px (300 dpi), %u rounds, medians:\n", what, w, h, rounds);
  printf ("  %-52s %8.1f ms   found %u/%u\n", "okn_scan_decode_gray (in-process, no file)", median (t_gray), found,
          rounds);
  printf ("  %-52s %8.1f ms   found %u/%u   (target <= 120 ms)\n", "okn_scan_file: grey PNG to verdict",
          median (t_file), found_file, rounds);
  printf ("  %-52s %8.1f ms   found %u/%u\n", "okn_scan_file: RGB PNG to verdict", median (t_rgb), found_rgb, rounds);
  printf ("  %-52s %8.1f ms   found %u/%u\n", "zbar with zbarimg's settings, in-process", median (t_zdef), zdef_ok,
          rounds);
  printf ("  %-52s %8.1f ms   found %u/%u\n", "zbarimg -q page-grey.png (process)", median (t_zimg), zimg_ok, rounds);
  printf ("  PNG files: grey %.1f MB, RGB %.1f MB; zbarimg / okn_scan_file (grey): %.1fx (target >= 10x)\n",
          st_png.st_size / 1e6, st_rgb.st_size / 1e6, median (t_zimg) / median (t_file));
  g_unlink (png);
  g_unlink (rgb);
}

/* Section 3: every set of tests/test-scan-sets.c. */
static void
bench_sets (OknStore        *store,
            const char      *ticket,
            cairo_surface_t *label)
{
  printf ("\nLabels found on generated A4 scans (tests/test-scan-sets.c: 24 pages a set, tilted -45..45°,\n"
          "grain sigma 8; target >= 23/24), next to zbar with zbarimg's settings on the same pages:\n");
  printf ("  %-14s %5s   %-9s %-12s %-9s   %s\n", "set", "dpi", "found", "median ms", "zbar", "zbar median ms");
  for (guint s = 0; okn_sim_set_names[s]; s++)
    for (guint d = 0; d < 2; d++)
      {
        const char *set = okn_sim_set_names[s];
        double dpi = d == 0 ? 200 : 300;
        g_autoptr (GArray) ours_ms = g_array_new (FALSE, FALSE, sizeof (double));
        g_autoptr (GArray) zbar_ms = g_array_new (FALSE, FALSE, sizeof (double));
        guint ours = 0, theirs = 0;

        for (guint i = 0; i < 24; i++)
          {
            g_autofree guint8 *gray = NULL;
            g_autofree guint8 *page = NULL;
            g_autoptr (GPtrArray) symbols = NULL;
            g_autoptr (GPtrArray) results = NULL;
            g_autoptr (GPtrArray) z = NULL;
            OknScanSim sim;
            guint w, h, pw = 0, ph = 0;
            double t0, t1, t2;

            okn_sim_set_page (set, dpi, i, &sim);
            gray = okn_sim_scan_page (label, 300, &sim, &w, &h);
            t0 = now_ms ();
            if (g_str_equal (set, "jpeg-40"))
              {
                g_autoptr (GBytes) jpeg = okn_gray_to_jpeg (gray, w, h, 40, OKN_JPEG_GRAY);

                symbols = okn_scan_decode_bytes (jpeg, "page.jpg", NULL);
                t1 = now_ms ();
                /* zbar gets what the JPEG holds, as zbarimg would. */
                page = jpeg_to_gray (jpeg, &pw, &ph);
                g_free (gray);
                gray = g_steal_pointer (&page);
                w = pw;
                h = ph;
              }
            else
              {
                symbols = okn_scan_decode_gray (gray, w, h, w, NULL);
                t1 = now_ms ();
              }
            results = okn_scan_verify (store, NULL, symbols, NULL);
            ours += results_have (results, ticket, 0);
            t2 = now_ms ();
            z = okn_test_zbar_gray (gray, w, h);
            theirs += texts_have (z, ticket);
            g_array_append_val (ours_ms, (double) { t1 - t0 });
            g_array_append_val (zbar_ms, (double) { now_ms () - t2 });
          }
        printf ("  %-14s %5.0f   %2u/24     %9.1f    %2u/24     %9.1f\n", set, dpi, ours, median (ours_ms), theirs,
                median (zbar_ms));
      }
}

/* Section 4: the feeder's PDF, ours and pdftoppm + zbarimg. */
static void
bench_pdf (const char      *dir,
           OknStore        *store,
           const char      *ticket,
           cairo_surface_t *label,
           guint            rounds)
{
  printf ("\nA 20-page scanned PDF (one grey JPEG a page, a label on each), file to every page's verdict:\n");
  for (guint d = 0; d < 2; d++)
    {
      double dpi = d == 0 ? 200 : 300;
      g_autoptr (GBytes) pdf = okn_sim_scanned_pdf (label, 300, "noise", dpi, 20);
      g_autofree char *path = g_build_filename (dir, "feeder.pdf", NULL);
      g_autoptr (GArray) ours_ms = g_array_new (FALSE, FALSE, sizeof (double));
      guint found = 0, theirs = 0;
      double t0, theirs_ms;

      g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), NULL);
      for (guint r = 0; r < rounds; r++)
        {
          g_autoptr (OknScanReport) report = NULL;

          t0 = now_ms ();
          report = okn_scan_file_report (store, NULL, path, NULL, NULL);
          g_array_append_val (ours_ms, (double) { now_ms () - t0 });
          found = 0;
          for (guint p = 1; report && p <= 20; p++)
            found += results_have (report->results, ticket, p);
        }

      /* What one would do otherwise: every page to an image, zbarimg on
       * each (once: it takes a while). */
      t0 = now_ms ();
      {
        g_autofree char *prefix = g_build_filename (dir, "pp", NULL);
        const char *pp[] = { "pdftoppm", "-r", "300", "-gray", path, prefix, NULL };
        int status = 0;

        g_spawn_sync (NULL, (char **) pp, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                      NULL, &status, NULL);
        for (guint p = 1; p <= 20; p++)
          {
            g_autofree char *page = g_strdup_printf ("%s-%02u.pgm", prefix, p);
            gboolean ok = FALSE;

            run_zbarimg (page, ticket, &ok);
            theirs += ok;
            g_unlink (page);
          }
      }
      theirs_ms = now_ms () - t0;
      printf ("  %3.0f dpi (%.1f MB): okn_scan_file_report %6.2f s (median of %u), %2u/20 pages   "
              "pdftoppm + zbarimg %6.2f s, %2u/20 pages   (target at 300 dpi: <= 4 s, 20/20)\n",
              dpi, g_bytes_get_size (pdf) / 1e6, median (ours_ms) / 1000, rounds, found, theirs_ms / 1000, theirs);
      g_unlink (path);
    }
}

/* Section 2: two whole A4 pages, file to verdict. */
static void
bench_pages (const char             *dir,
             OknStore               *store,
             OknConfig              *config,
             const OknTicketContent *content,
             const OknBitmap        *label,
             const char             *receipt_ticket,
             const char             *letter_ticket,
             guint                   rounds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) a4 = okn_layout_render_pdf (OKN_LAYOUT_A4_CONFIRMATION, content, &error);
  guint scan_rounds = MAX (5, MIN (rounds, 25));
  g_autofree guint8 *page = NULL;
  guint w, h;

  g_assert_no_error (error);
  page = rasterise (a4, 300, &w, &h);
  bench_scan_page ("A4 confirmation (Code 128 + QR)", dir, store, config, page, w, h, receipt_ticket, scan_rounds);

  /* A letter with its label stuck on the top right. */
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
  bench_scan_page ("A4 letter with its label (Code 128 + QR of the ID)", dir, store, config, page, w, h,
                   letter_ticket, scan_rounds);
}

int
main (int    argc,
      char **argv)
{
  guint rounds = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100;
  g_auto (GStrv) sections = g_strsplit (argc > 2 ? argv[2] : "raster,pages,sets,pdf", ",", -1);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("okienko-bench-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *cfg_path = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (OknRecord) l = okn_record_new (OKN_KIND_LETTER);
  g_autoptr (OknRecord) stored = NULL;
  g_autoptr (OknRecord) letter = NULL;
  g_autoptr (OknTicketContent) content = NULL;
  g_autoptr (OknTicketContent) letter_content = NULL;
  g_autoptr (GArray) t80 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) t58 = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (OknBitmap) label = NULL;
  g_autoptr (cairo_surface_t) label_ink = NULL;

  if (rounds == 0)
    rounds = 100;
  g_assert_no_error (error);
  /* A line at a time: the sections take minutes. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  print_load ("start");
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
  l->sender_name = g_strdup ("Zażółć Gęślą-Jaźń");
  l->subject = g_strdup ("Wniosek o usunięcie drzewa");
  l->pages = 2;
  okn_store_register (store, l, "bench", &error);
  g_assert_no_error (error);
  letter = okn_store_lookup (store, l->ticket, &error);
  g_assert_no_error (error);
  letter_content = okn_ticket_content_new (letter, config);

  /* Warm up fonts and caches once, as a running desk has them. */
  okn_bitmap_free (okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, content, 203, NULL));
  for (guint i = 0; g_strv_contains ((const char *const *) sections, "raster") && i < rounds; i++)
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
  if (t80->len > 0)
    {
      printf ("Receipt to 1-bit raster at 203 dpi, %u rounds, medians (target <= 10 ms):\n", rounds);
      printf ("  %-52s %8.2f ms\n", "receipt-80 (576 dots wide)", median (t80));
      printf ("  %-52s %8.2f ms\n", "receipt-58 (384 dots wide)", median (t58));
    }

  label = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, letter_content, 300, &error);
  g_assert_no_error (error);
  label_ink = okn_img_from_bitmap (label);
  if (g_strv_contains ((const char *const *) sections, "pages"))
    bench_pages (dir, store, config, content, label, stored->ticket, letter->ticket, rounds);
  if (g_strv_contains ((const char *const *) sections, "sets"))
    bench_sets (store, letter->ticket, label_ink);
  if (g_strv_contains ((const char *const *) sections, "pdf"))
    bench_pdf (dir, store, letter->ticket, label_ink, 3);
  print_load ("end");

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
