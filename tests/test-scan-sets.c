/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan-sets.c: labels on scanned A4 pages, found or not: sets of 24
 * generated pages per fault (noise, blur, a phone's perspective, grey on
 * grey, JPEG quality 40) at 200 and 300 dpi, every label tilted somewhere
 * between -45° and +45°; and 20-page scanned PDFs */
#include "config.h"

#include <string.h>
#include <cairo-pdf.h>

#include "okn-image-test-util.h"
#include "okn-test-common.h"

/* The bar: at most one label of a set of 24 may be missed. */
#define SET_SIZE 24
#define SET_MIN_FOUND 23

typedef struct
{
  char *dir;
  OknStore *store;
  OknRecord *letter;
  cairo_surface_t *label;   /* the label's ink as a 300 dpi label printer prints it */
} Fixture;

typedef struct
{
  const char *set;
  double dpi;
} SetCase;

/* @letter's label as a 300 dpi label printer prints it. */
static cairo_surface_t *
label_ink (const OknRecord *letter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (letter, NULL);
  g_autoptr (OknBitmap) b = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, c, 300, &error);

  g_assert_no_error (error);
  return okn_img_from_bitmap (b);
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_letter ("Zażółć Gęślą-Jaźń", "Wniosek o usunięcie drzewa");

  f->dir = okn_test_make_tmpdir ();
  f->store = okn_test_open_store (f->dir, "K03");
  okn_store_register (f->store, r, "test", &error);
  g_assert_no_error (error);
  f->letter = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_no_error (error);
  f->label = label_ink (f->letter);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  cairo_surface_destroy (f->label);
  okn_record_free (f->letter);
  okn_store_close (f->store);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
}

static gboolean
has_symbol (GPtrArray  *symbols,
            const char *symbology,
            const char *text)
{
  for (guint i = 0; i < symbols->len; i++)
    {
      const OknScanSymbol *s = g_ptr_array_index (symbols, i);

      if (g_str_equal (s->symbology, symbology) && g_str_equal (s->text, text))
        return TRUE;
    }
  return FALSE;
}

static gboolean
found_label (Fixture   *f,
             GPtrArray *symbols)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) results = okn_scan_verify (f->store, NULL, symbols, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    {
      const OknScanResult *r = g_ptr_array_index (results, i);

      if (r->verdict == OKN_SCAN_ID_ONLY && g_strcmp0 (r->ticket, f->letter->ticket) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
test_set (Fixture      *f,
          gconstpointer data)
{
  const SetCase *sc = data;
  guint found = 0, bars = 0, qr = 0;
  double total_ms = 0;
  g_autoptr (GString) missed = g_string_new (NULL);

  for (guint i = 0; i < SET_SIZE; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) symbols = NULL;
      g_autofree guint8 *gray = NULL;
      OknScanSim sim;
      guint w, h;
      gint64 t0;

      g_assert_true (okn_sim_set_page (sc->set, sc->dpi, i, &sim));
      gray = okn_sim_scan_page (f->label, 300, &sim, &w, &h);
      t0 = g_get_monotonic_time ();
      if (g_str_equal (sc->set, "jpeg-40"))
        {
          g_autoptr (GBytes) jpeg = okn_gray_to_jpeg (gray, w, h, 40, OKN_JPEG_GRAY);

          symbols = okn_scan_decode_bytes (jpeg, "page.jpg", &error);
        }
      else
        symbols = okn_scan_decode_gray (gray, w, h, w, &error);
      total_ms += (g_get_monotonic_time () - t0) / 1000.0;
      g_assert_no_error (error);
      bars += has_symbol (symbols, "CODE-128", f->letter->ticket);
      qr += has_symbol (symbols, "QR-Code", f->letter->ticket);
      if (found_label (f, symbols))
        found++;
      else
        g_string_append_printf (missed, " %+.1f°", sim.angle_deg);
    }
  g_test_message ("%s at %.0f dpi: %u/%u labels found (Code 128 read on %u, QR on %u; %.0f ms a page); missed:%s",
                  sc->set, sc->dpi, found, SET_SIZE, bars, qr, total_ms / SET_SIZE, missed->str);
  /* Not an assertion: every set is run and reported, then the test fails. */
  if (found < SET_MIN_FOUND)
    g_test_fail_printf ("%s at %.0f dpi: only %u of %u labels found", sc->set, sc->dpi, found, SET_SIZE);
  /* Labels printed before the QR code was added carry the Code 128 alone:
   * it must be found as often by itself. */
  else if (bars < SET_MIN_FOUND)
    g_test_fail_printf ("%s at %.0f dpi: the Code 128 was read on only %u of %u labels", sc->set, sc->dpi, bars,
                        SET_SIZE);
}

/* A 20-page PDF from a scanner's feeder, a label on every page: every
 * page is read, and every label found, on its page. */
static void
test_pdf (Fixture      *f,
          gconstpointer data)
{
  const SetCase *sc = data;
  g_autoptr (GBytes) pdf = okn_sim_scanned_pdf (f->label, 300, sc->set, sc->dpi, 20);
  g_autofree char *path = g_build_filename (f->dir, "feeder.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknScanReport) report = NULL;
  g_autoptr (GString) missed = g_string_new (NULL);
  guint found = 0;
  gint64 t0;

  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  report = okn_scan_file_report (f->store, NULL, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->page_count, ==, 20);
  g_assert_cmpuint (report->pages_read, ==, 20);
  for (guint p = 1; p <= 20; p++)
    {
      gboolean here = FALSE;

      for (guint i = 0; i < report->results->len; i++)
        {
          const OknScanResult *r = g_ptr_array_index (report->results, i);

          here |= r->page == p && r->verdict == OKN_SCAN_ID_ONLY && g_strcmp0 (r->ticket, f->letter->ticket) == 0;
        }
      if (here)
        found++;
      else
        g_string_append_printf (missed, " %u", p);
    }
  g_test_message ("20-page PDF at %.0f dpi (%.1f MB): %u/20 pages with their label found in %.1f s; missed:%s",
                  sc->dpi, g_bytes_get_size (pdf) / 1e6, found, (g_get_monotonic_time () - t0) / 1e6, missed->str);
  g_assert_cmpuint (found, ==, 20);
}

int
main (int    argc,
      char **argv)
{
  static SetCase cases[16];
  static const SetCase pdf_cases[] = { { "noise", 200 }, { "noise", 300 } };
  guint n = 0;

  g_test_init (&argc, &argv, NULL);
  for (guint s = 0; okn_sim_set_names[s]; s++)
    for (guint d = 0; d < 2; d++)
      {
        g_autofree char *path = NULL;

        cases[n].set = okn_sim_set_names[s];
        cases[n].dpi = d == 0 ? 200 : 300;
        path = g_strdup_printf ("/scan-sets/%s/%.0fdpi", cases[n].set, cases[n].dpi);
        g_test_add (path, Fixture, &cases[n], fixture_setup, test_set, fixture_teardown);
        n++;
      }
  for (guint i = 0; i < G_N_ELEMENTS (pdf_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/scan-sets/pdf-20-pages/%.0fdpi", pdf_cases[i].dpi);

      g_test_add (path, Fixture, &pdf_cases[i], fixture_setup, test_pdf, fixture_teardown);
    }
  return g_test_run ();
}
