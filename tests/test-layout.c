/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-layout.c: every layout is rendered, "printed" and "scanned" back
 * (rasterised, resampled, rotated, skewed, stuck on a page, compressed,
 * dirtied) and zbar must find the same ticket with its verified code */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>
#include <poppler.h>

#include "okn-image-test-util.h"
#include "okn-test-common.h"
#include "okienko/okn-barcode.h"

typedef struct
{
  OknTestStation station;   /* with the office's configuration (write_config()) */
  OknRecord *letter;   /* as looked up: ticket and code filled */
  OknRecord *report;
} Fixture;

static const OknLayout all_layouts[] = {
  OKN_LAYOUT_RECEIPT_80, OKN_LAYOUT_RECEIPT_58, OKN_LAYOUT_A4_CONFIRMATION, OKN_LAYOUT_LABEL,
};

static OknRecord *
register_and_lookup (OknStore  *store,
                     OknRecord *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) owned = r;
  OknRecord *found;

  okn_store_register (store, owned, "test", &error);
  g_assert_no_error (error);
  found = okn_store_lookup (store, owned->ticket, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found->verification_code);
  return found;
}

static OknConfig *
write_config (const char *dir,
              const char *extra)
{
  g_autofree char *path = g_build_filename (dir, "okienko.ini", NULL);
  g_autofree char *text = g_strdup_printf ("[office]\n"
                                           "name=Urząd Miasta Przykładowo, Punkt Kancelaryjny nr 3\n"
                                           "address=ul. Źródlana 5, 90-001 Przykładowo\n"
                                           "hotline=+48 42 000 00 00\n%s",
                                           extra ? extra : "");
  OknConfig *config = okn_test_config_from_text (path, text);

  g_assert_cmpuint (okn_config_get_problems (config)->len, ==, 0);
  return config;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  OknRecord *letter = okn_test_letter ("Zażółć Gęślą-Jaźń", "Wniosek o usunięcie drzewa przy ul. Łąkowej 12");
  OknRecord *report = okn_test_report ("pothole", "Dziura w jezdni, głęboka na 10 cm", "ul. Żeromskiego 3");

  okn_test_station_init (&f->station, "K03");
  okn_config_free (f->station.config);
  f->station.config = write_config (f->station.dir, data);
  letter->delivery = OKN_DELIVERY_POST;
  letter->attachment_count = 1;
  f->letter = register_and_lookup (f->station.store, letter);
  f->report = register_and_lookup (f->station.store, report);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_record_free (f->letter);
  okn_record_free (f->report);
  okn_test_station_clear (&f->station);
}

static gboolean
layout_has_code (OknLayout layout)
{
  /* The label stays on the paper letter in the office: it carries the ID
   * only. Everything handed to a resident carries the QR with the code. */
  return layout != OKN_LAYOUT_LABEL;
}

/* Exactly one ticket found: @r's, with its code verified when the layout
 * carries one. */
static void
assert_ticket (GPtrArray       *results,
               const OknRecord *r,
               gboolean         with_code,
               const char      *what)
{
  const OknScanResult *res;

  g_test_message ("%s: %u result(s)", what, results ? results->len : 0);
  g_assert_nonnull (results);
  for (guint i = 0; i < results->len; i++)
    {
      const OknScanResult *x = g_ptr_array_index (results, i);

      g_test_message ("  %s %s %s", okn_scan_verdict_to_string (x->verdict), x->symbology, x->payload);
    }
  g_assert_cmpuint (results->len, ==, 1);
  res = g_ptr_array_index (results, 0);
  g_assert_cmpstr (res->ticket, ==, r->ticket);
  if (with_code)
    {
      g_assert_cmpint (res->verdict, ==, OKN_SCAN_GENUINE);
      g_assert_cmpstr (res->code, ==, r->verification_code);
    }
  else
    g_assert_cmpint (res->verdict, ==, OKN_SCAN_ID_ONLY);
}

static OknRecord *
record_for (Fixture  *f,
            OknLayout layout)
{
  /* Letters get labels and confirmations, reports receipts; both kinds go
   * through every layout somewhere below. */
  return layout == OKN_LAYOUT_A4_CONFIRMATION || layout == OKN_LAYOUT_LABEL ? f->letter : f->report;
}

static void
test_names (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    {
      OknLayout back;

      g_assert_true (okn_layout_from_string (okn_layout_to_string (all_layouts[i]), &back));
      g_assert_cmpint (back, ==, all_layouts[i]);
    }
  {
    OknLayout l;

    g_assert_false (okn_layout_from_string ("receipt-100", &l));
    g_assert_false (okn_layout_from_string ("", &l));
  }
}

/* The rows of a bitmap that repeat longest: the Code 128's bars. */
static guint
longest_repeated_row (const OknBitmap *b)
{
  guint best = 0, best_len = 0, start = 0;

  for (guint y = 1; y <= b->height; y++)
    {
      gboolean same = y < b->height && memcmp (b->bits + (gsize) y * b->stride,
                                               b->bits + (gsize) start * b->stride, b->stride) == 0;
      gboolean inked = FALSE;

      if (same)
        continue;
      for (guint i = 0; i < b->stride && !inked; i++)
        inked = b->bits[(gsize) start * b->stride + i] != 0;
      if (inked && y - start > best_len)
        {
          best = start;
          best_len = y - start;
        }
      start = y;
    }
  return best;
}

/* 576 and 384 dots at 203 dpi, and the Code 128 on whole dots: every bar
 * and space is 1 to 4 times one module of at least 2 dots. */
static void
test_receipt_width (Fixture      *f,
                    gconstpointer data)
{
  for (guint i = 0; i < 2; i++)
    {
      OknLayout layout = i == 0 ? OKN_LAYOUT_RECEIPT_80 : OKN_LAYOUT_RECEIPT_58;
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->report, f->station.config);
      g_autoptr (GError) error = NULL;
      g_autoptr (OknBitmap) b = okn_layout_render_bitmap (layout, c, OKN_LAYOUT_THERMAL_DPI, &error);
      g_autoptr (OknBarcode) bc = NULL;
      guint row, first = G_MAXUINT, last = 0, module = G_MAXUINT, run = 0;
      g_autoptr (GArray) runs = g_array_new (FALSE, FALSE, sizeof (guint));

      g_assert_no_error (error);
      g_assert_cmpuint (b->width, ==, i == 0 ? 576 : 384);
      g_assert_cmpuint (b->stride, ==, b->width / 8);
      g_assert_cmpuint (b->height, >, 400);

      row = longest_repeated_row (b);
      for (guint x = 0; x < b->width; x++)
        if (okn_bitmap_get (b, x, row))
          {
            first = MIN (first, x);
            last = x;
          }
      for (guint x = first; x <= last + 1; x++)
        {
          if (x > first && (x > last || okn_bitmap_get (b, x, row) != okn_bitmap_get (b, x - 1, row)))
            {
              g_array_append_val (runs, run);
              module = MIN (module, run);
              run = 0;
            }
          run++;
        }
      g_assert_cmpuint (module, >=, 2);
      for (guint k = 0; k < runs->len; k++)
        {
          guint r = g_array_index (runs, guint, k);

          g_assert_cmpuint (r % module, ==, 0);
          g_assert_cmpuint (r / module, <=, 4);
        }
      bc = okn_barcode_encode (OKN_BARCODE_CODE128, okn_ticket_content_get_code128_data (c, layout), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (last - first + 1, ==, bc->width * module);
      /* The quiet zones fit on the paper. */
      g_assert_cmpuint (first, >=, bc->quiet * module);
      g_assert_cmpuint (b->width - 1 - last, >=, bc->quiet * module);
      /* 58 mm carries the compact form, 80 mm the one people read. */
      g_assert_cmpstr (bc->data, ==, i == 0 ? f->report->ticket : okn_ticket_content_get_code128_data (c, layout));
      if (i == 1)
        g_assert_null (strchr (bc->data, '-'));
    }
}

static void
test_bitmap_round_trip (Fixture      *f,
                        gconstpointer data)
{
  const double dpis[] = { 203, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    for (guint d = 0; d < G_N_ELEMENTS (dpis); d++)
      {
        OknLayout layout = all_layouts[i];
        OknRecord *r = record_for (f, layout);
        g_autoptr (OknTicketContent) c = okn_ticket_content_new (r, f->station.config);
        g_autoptr (GError) error = NULL;
        g_autoptr (OknBitmap) b = okn_layout_render_bitmap (layout, c, dpis[d], &error);
        g_autoptr (cairo_surface_t) img = NULL;
        g_autoptr (GPtrArray) results = NULL;
        g_autofree char *what = g_strdup_printf ("bitmap %s at %.0f dpi", okn_layout_to_string (layout), dpis[d]);

        g_assert_no_error (error);
        img = okn_img_from_bitmap (b);
        results = okn_img_scan (f->station.store, f->station.config, img);
        assert_ticket (results, r, layout_has_code (layout), what);
      }
}

static void
test_pdf_round_trip (Fixture      *f,
                     gconstpointer data)
{
  const double dpis[] = { 203, 300 };

  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    {
      OknLayout layout = all_layouts[i];

      for (guint k = 0; k < 2; k++)
        {
          /* Both kinds of record through every layout. */
          OknRecord *r = k == 0 ? f->letter : f->report;
          g_autoptr (OknTicketContent) c = okn_ticket_content_new (r, f->station.config);
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) pdf = okn_layout_render_pdf (layout, c, &error);

          g_assert_no_error (error);
          g_assert_true (memcmp (g_bytes_get_data (pdf, NULL), "%PDF-", 5) == 0);
          for (guint d = 0; d < G_N_ELEMENTS (dpis); d++)
            {
              g_autoptr (cairo_surface_t) img = okn_img_from_pdf (pdf, dpis[d]);
              g_autoptr (GPtrArray) results = okn_img_scan (f->station.store, f->station.config, img);
              g_autofree char *what = g_strdup_printf ("PDF %s (%s) at %.0f dpi", okn_layout_to_string (layout),
                                                       okn_kind_to_string (r->kind), dpis[d]);

              assert_ticket (results, r, layout_has_code (layout), what);
            }

          /* The PDF as a file, read by the scanning code's own PDF path. */
          {
            g_autoptr (GPtrArray) symbols = okn_scan_decode_bytes (pdf, "ticket.pdf", &error);
            g_autoptr (GPtrArray) results = NULL;

            g_assert_no_error (error);
            results = okn_scan_verify (f->station.store, f->station.config, symbols, &error);
            g_assert_no_error (error);
            assert_ticket (results, r, layout_has_code (layout), "PDF file");
          }
        }
    }
}

static void
test_png_round_trip (Fixture      *f,
                     gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    {
      OknLayout layout = all_layouts[i];
      OknRecord *r = record_for (f, layout);
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (r, f->station.config);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) png = okn_layout_render_png (layout, c, 203, &error);
      g_autoptr (GPtrArray) symbols = NULL;
      g_autoptr (GPtrArray) results = NULL;

      g_assert_no_error (error);
      symbols = okn_scan_decode_bytes (png, "ticket.png", &error);
      g_assert_no_error (error);
      results = okn_scan_verify (f->station.store, f->station.config, symbols, &error);
      g_assert_no_error (error);
      assert_ticket (results, r, layout_has_code (layout), "PNG file");
    }
}

/* Turned by 90, 180 and 270 degrees, and skewed by a few degrees either
 * way, as a receipt lies on a scanner or under a camera. */
static void
test_rotations (Fixture      *f,
                gconstpointer data)
{
  const double angles[] = { 90, 180, 270, 3, -3, 5, 183, 88 };
  const OknLayout layouts[] = { OKN_LAYOUT_RECEIPT_80, OKN_LAYOUT_RECEIPT_58, OKN_LAYOUT_LABEL };

  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    {
      OknRecord *r = record_for (f, layouts[i]);
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (r, f->station.config);
      g_autoptr (GError) error = NULL;
      g_autoptr (OknBitmap) b = okn_layout_render_bitmap (layouts[i], c, 203, &error);
      g_autoptr (cairo_surface_t) img = NULL;

      g_assert_no_error (error);
      img = okn_img_from_bitmap (b);
      for (guint a = 0; a < G_N_ELEMENTS (angles); a++)
        {
          /* Scanned at 300 dpi what was printed at 203. */
          g_autoptr (cairo_surface_t) turned = okn_img_transform (img, 300.0 / 203, angles[a]);
          g_autoptr (cairo_surface_t) page = okn_img_blank (cairo_image_surface_get_width (turned) + 200,
                                                            cairo_image_surface_get_height (turned) + 200);
          g_autoptr (GPtrArray) results = NULL;
          g_autofree char *what = g_strdup_printf ("%s turned %.0f°", okn_layout_to_string (layouts[i]), angles[a]);

          okn_img_paste (page, turned, 100, 100);
          results = okn_img_scan (f->station.store, f->station.config, page);
          assert_ticket (results, r, layout_has_code (layouts[i]), what);
        }
    }
}

/* A whole A4 page scanned at 150, 300 and 600 dpi with the label (printed
 * at 300 dpi) stuck on it a little askew, the page turned every way. */
static void
test_a4_page_with_label (Fixture      *f,
                         gconstpointer data)
{
  const double scan_dpis[] = { 150, 300, 600 };
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->letter, f->station.config);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknBitmap) label = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, c, 300, &error);
  g_autoptr (cairo_surface_t) label_img = NULL;

  g_assert_no_error (error);
  label_img = okn_img_from_bitmap (label);
  for (guint d = 0; d < G_N_ELEMENTS (scan_dpis); d++)
    for (guint turn = 0; turn < 4; turn++)
      {
        double dpi = scan_dpis[d];
        double skew = turn % 2 ? -2.0 : 2.0;
        int pw = (int) round (210 / 25.4 * dpi), ph = (int) round (297 / 25.4 * dpi);
        g_autoptr (cairo_surface_t) stuck = okn_img_transform (label_img, dpi / 300, skew);
        g_autoptr (cairo_surface_t) page = okn_img_blank (pw, ph);
        g_autoptr (cairo_surface_t) scanned = NULL;
        g_autoptr (GPtrArray) results = NULL;
        g_autofree char *what = g_strdup_printf ("A4 at %.0f dpi, label at %+.0f°, page turned %u°", dpi, skew,
                                                 turn * 90);

        /* Some text on the page too: the letter itself. */
        {
          cairo_t *cr = cairo_create (page);
          PangoLayout *pl = pango_cairo_create_layout (cr);
          PangoFontDescription *fd = pango_font_description_from_string ("DejaVu Sans");

          pango_font_description_set_absolute_size (fd, 4 * dpi / 25.4 * PANGO_SCALE);
          pango_layout_set_font_description (pl, fd);
          pango_layout_set_width (pl, (int) (pw * 0.75) * PANGO_SCALE);
          pango_layout_set_text (pl, "Szanowni Państwo, zwracam się z uprzejmą prośbą o usunięcie drzewa, "
                                     "które zagraża przechodniom. Z poważaniem, Zażółć Gęślą-Jaźń", -1);
          cairo_move_to (cr, pw * 0.12, ph * 0.3);
          pango_cairo_show_layout (cr, pl);
          pango_font_description_free (fd);
          g_object_unref (pl);
          cairo_destroy (cr);
        }
        okn_img_paste (page, stuck, pw * 0.55, ph * 0.04);
        scanned = okn_img_transform (page, 1, turn * 90.0);
        results = okn_img_scan (f->station.store, f->station.config, scanned);
        assert_ticket (results, f->letter, FALSE, what);
      }
}

/* The A4 confirmation and a receipt as photos and cheap scans: sensor
 * noise, specks of dust, JPEG compression, read through the file path. */
static void
test_jpeg_and_noise (Fixture      *f,
                     gconstpointer data)
{
  const struct
  {
    OknLayout layout;
    double dpi;
    int quality;
    int noise;
    double speckle;
    double angle;
  } cases[] = {
    { OKN_LAYOUT_A4_CONFIRMATION, 300, 40, 40, 0.002, 1.5 },
    { OKN_LAYOUT_A4_CONFIRMATION, 150, 60, 25, 0.001, 0 },
    { OKN_LAYOUT_RECEIPT_80, 300, 30, 40, 0.002, -2 },
    { OKN_LAYOUT_RECEIPT_58, 300, 50, 30, 0.001, 90 },
    { OKN_LAYOUT_LABEL, 300, 50, 30, 0.001, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      OknRecord *r = record_for (f, cases[i].layout);
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (r, f->station.config);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pdf = okn_layout_render_pdf (cases[i].layout, c, &error);
      g_autoptr (cairo_surface_t) img = NULL;
      g_autoptr (cairo_surface_t) turned = NULL;
      g_autoptr (GBytes) jpeg = NULL;
      g_autoptr (GPtrArray) symbols = NULL;
      g_autoptr (GPtrArray) results = NULL;
      g_autofree guint8 *gray = NULL;
      g_autofree char *what = g_strdup_printf ("%s as JPEG q%d, %.0f dpi, noise ±%d", okn_layout_to_string (cases[i].layout),
                                               cases[i].quality, cases[i].dpi, cases[i].noise);
      guint w, h;

      g_assert_no_error (error);
      img = okn_img_from_pdf (pdf, cases[i].dpi);
      turned = okn_img_transform (img, 1, cases[i].angle);
      gray = okn_img_to_gray (turned, &w, &h);
      okn_gray_add_noise (gray, (gsize) w * h, 42 + i, cases[i].noise, cases[i].speckle);
      jpeg = okn_gray_to_jpeg (gray, w, h, cases[i].quality, OKN_JPEG_GRAY);
      symbols = okn_scan_decode_bytes (jpeg, "photo.jpg", &error);
      g_assert_no_error (error);
      results = okn_scan_verify (f->station.store, f->station.config, symbols, &error);
      g_assert_no_error (error);
      assert_ticket (results, r, layout_has_code (cases[i].layout), what);
    }
}

/* Polish renders: the fonts pango picks cover every character of the
 * tickets, and a character no font has is counted, so the check can fail. */
static void
test_polish_glyphs (Fixture      *f,
                    gconstpointer data)
{
  const char *pangram = "Zażółć gęślą jaźń ZAŻÓŁĆ GĘŚLĄ JAŹŃ";
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *ctx = pango_font_map_create_context (map);
  PangoFontDescription *fd = pango_font_description_from_string ("DejaVu Sans 12");
  PangoFont *font = pango_font_map_load_font (map, ctx, fd);

  pango_font_description_free (fd);
  g_assert_nonnull (font);
  for (const char *p = pangram; *p; p = g_utf8_next_char (p))
    g_assert_true (pango_font_has_char (font, g_utf8_get_char (p)));
  g_object_unref (font);
  g_object_unref (ctx);

  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    {
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->letter, f->station.config);

      g_assert_cmpuint (okn_layout_unknown_glyphs (all_layouts[i], c), ==, 0);
    }

  {
    g_autoptr (OknRecord) odd = okn_record_copy (f->letter);
    g_autoptr (OknTicketContent) c = NULL;

    g_free (odd->subject);
    /* A private-use character of plane 16: no font maps it. */
    odd->subject = g_strdup ("Skarga \xf4\x8f\xbf\xbd");
    c = okn_ticket_content_new (odd, f->station.config);
    g_assert_cmpuint (okn_layout_unknown_glyphs (OKN_LAYOUT_A4_CONFIRMATION, c), >, 0);
  }
}

static void
pdf_page_mm (GBytes *pdf,
             double *w,
             double *h)
{
  g_autoptr (GError) error = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes (pdf, NULL, &error);
  PopplerPage *page;

  g_assert_no_error (error);
  page = poppler_document_get_page (doc, 0);
  poppler_page_get_size (page, w, h);
  *w *= 25.4 / 72;
  *h *= 25.4 / 72;
  g_object_unref (page);
  g_object_unref (doc);
}

static void
test_page_sizes (Fixture      *f,
                 gconstpointer data)
{
  const struct
  {
    OknLayout layout;
    double w, h;   /* h < 0: fits the content */
  } expect[] = {
    { OKN_LAYOUT_RECEIPT_80, 80, -1 },
    { OKN_LAYOUT_RECEIPT_58, 58, -1 },
    { OKN_LAYOUT_A4_CONFIRMATION, 210, 297 },
    { OKN_LAYOUT_LABEL, 70, 36 },
  };
  g_autoptr (OknConfig) big_label = write_config (f->station.dir, "[label]\nwidth_mm=100\nheight_mm=50\n");

  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->report, f->station.config);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pdf = okn_layout_render_pdf (expect[i].layout, c, &error);
      double w, h, pw, ph;

      g_assert_no_error (error);
      okn_layout_page_size_mm (expect[i].layout, c, &w, &h);
      pdf_page_mm (pdf, &pw, &ph);
      g_assert_cmpfloat_with_epsilon (pw, expect[i].w, 0.05);
      g_assert_cmpfloat_with_epsilon (w, expect[i].w, 0.05);
      g_assert_cmpfloat_with_epsilon (ph, h, 0.05);
      if (expect[i].h > 0)
        g_assert_cmpfloat_with_epsilon (h, expect[i].h, 0.05);
      else
        g_assert_true (h > 60 && h < 400);
    }

  {
    g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->letter, big_label);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) pdf = okn_layout_render_pdf (OKN_LAYOUT_LABEL, c, &error);
    g_autoptr (cairo_surface_t) img = NULL;
    g_autoptr (GPtrArray) results = NULL;
    double pw, ph;

    g_assert_no_error (error);
    pdf_page_mm (pdf, &pw, &ph);
    g_assert_cmpfloat_with_epsilon (pw, 100, 0.05);
    g_assert_cmpfloat_with_epsilon (ph, 50, 0.05);
    img = okn_img_from_pdf (pdf, 203);
    results = okn_img_scan (f->station.store, big_label, img);
    assert_ticket (results, f->letter, FALSE, "100 x 50 mm label");
  }

  {
    g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->report, f->station.config);
    g_autoptr (GError) error = NULL;

    g_assert_null (okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, c, 10, &error));
    g_assert_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_INVALID);
  }
}

/* Nothing goes out cut off: a label too narrow for its Code 128 at one
 * dot a module and a receipt too long for its raster fail with an error; a
 * label a little wider prints and scans. */
static void
test_nothing_cut_off (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (OknConfig) narrow = write_config (f->station.dir, "[label]\nwidth_mm=20\nheight_mm=20\n");
  g_autoptr (OknConfig) small = write_config (f->station.dir, "[label]\nwidth_mm=32\nheight_mm=20\n");
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->letter, narrow);
  g_autoptr (OknTicketContent) s = okn_ticket_content_new (f->letter, small);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknBitmap) bitmap = NULL;
  g_autoptr (cairo_surface_t) img = NULL;
  g_autoptr (GPtrArray) results = NULL;

  g_assert_null (okn_layout_render_bitmap (OKN_LAYOUT_LABEL, c, 203, &error));
  g_assert_error (error, OKN_BARCODE_ERROR, OKN_BARCODE_ERROR_TOO_WIDE);
  g_assert_nonnull (strstr (error->message, "label.width_mm"));
  g_clear_error (&error);
  g_assert_null (okn_layout_render_png (OKN_LAYOUT_LABEL, c, 300, &error));
  g_assert_error (error, OKN_BARCODE_ERROR, OKN_BARCODE_ERROR_TOO_WIDE);
  g_clear_error (&error);

  {
    /* A receipt that would outgrow the raster is an error too, not a
     * receipt cut off before its QR code. */
    g_autoptr (GString) text = g_string_new (NULL);
    g_autoptr (OknConfig) absurd = write_config (f->station.dir, NULL);
    g_autoptr (OknTicketContent) ac = NULL;

    for (guint i = 0; i < 300; i++)
      g_string_append (text, "+48 42 000 00 00 wew. 123, ");
    g_assert_true (okn_config_set (absurd, "office.hotline", text->str, &error));
    g_assert_no_error (error);
    ac = okn_ticket_content_new (f->report, absurd);
    g_assert_null (okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_58, ac, 203, &error));
    g_assert_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_RENDER);
    g_clear_error (&error);
  }

  bitmap = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, s, 203, &error);
  g_assert_no_error (error);
  img = okn_img_from_bitmap (bitmap);
  results = okn_img_scan (f->station.store, small, img);
  assert_ticket (results, f->letter, FALSE, "32 mm label at 203 dpi");
}

/* With a status page configured the QR carries its URL with the ticket and
 * the code filled in, and scanning that URL verifies the code. */
static void
test_status_url (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->report, f->station.config);
  g_autofree char *expected = g_strdup_printf ("https://status.example.invalid/sprawa?nr=%s&kod=%s",
                                               f->report->ticket, f->report->verification_code);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (cairo_surface_t) img = NULL;
  g_autoptr (GPtrArray) results = NULL;

  g_assert_cmpstr (okn_ticket_content_get_qr_payload (c), ==, expected);
  pdf = okn_layout_render_pdf (OKN_LAYOUT_RECEIPT_80, c, &error);
  g_assert_no_error (error);
  img = okn_img_from_pdf (pdf, 203);
  results = okn_img_scan (f->station.store, f->station.config, img);
  assert_ticket (results, f->report, TRUE, "receipt with a status URL");
}

static void
test_default_payload (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->report, f->station.config);
  g_autofree char *expected = g_strdup_printf ("OKN1:%s:%s", f->report->ticket, f->report->verification_code);

  g_assert_cmpstr (okn_ticket_content_get_qr_payload (c), ==, expected);
  g_assert_cmpstr (okn_ticket_content_get_ticket (c), ==, f->report->ticket);
  g_assert_cmpstr (okn_ticket_content_get_code (c), ==, f->report->verification_code);

  /* A status page without {ticket} and {code} is a page to visit, not
   * something the QR can carry: the QR stays OKN1: and verifies. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (OknConfig) plain =
        write_config (f->station.dir, i == 0 ? "status_url=https://status.example.invalid/\n"
                                             : "status_url=https://status.example.invalid/{ticket}\n");
      g_autoptr (OknTicketContent) pc = okn_ticket_content_new (f->report, plain);
      g_autoptr (GError) error = NULL;
      g_autoptr (OknBitmap) bitmap = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_58, pc, 203, &error);
      g_autoptr (cairo_surface_t) img = NULL;
      g_autoptr (GPtrArray) results = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (okn_ticket_content_get_qr_payload (pc), ==, expected);
      img = okn_img_from_bitmap (bitmap);
      results = okn_img_scan (f->station.store, plain, img);
      assert_ticket (results, f->report, TRUE, "receipt with a plain status page");
    }
}

/* No office configured and a record with little in it: every layout still
 * renders, leaves the missing parts out, and scans back. */
static void
test_minimal_content (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (OknRecord) bare = okn_record_copy (f->letter);

  g_clear_pointer (&bare->sender_name, g_free);
  bare->anonymous = TRUE;
  g_clear_pointer (&bare->reference, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    {
      g_autoptr (OknTicketContent) c = okn_ticket_content_new (bare, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pdf = okn_layout_render_pdf (all_layouts[i], c, &error);
      g_autoptr (cairo_surface_t) img = NULL;
      g_autoptr (GPtrArray) results = NULL;
      g_autoptr (OknBitmap) b = NULL;

      g_assert_no_error (error);
      img = okn_img_from_pdf (pdf, 300);
      results = okn_img_scan (f->station.store, NULL, img);
      assert_ticket (results, bare, layout_has_code (all_layouts[i]), okn_layout_to_string (all_layouts[i]));
      b = okn_layout_render_bitmap (all_layouts[i], c, 203, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (okn_layout_unknown_glyphs (all_layouts[i], c), ==, 0);
    }
}

/* The resident's A4 confirmation of a report says where: the address, or,
 * for a report placed by its coordinates alone (a pin, a phone's GPS),
 * the coordinates as the record view shows them. */
static void
test_a4_report_place (Fixture      *f,
                      gconstpointer data)
{
  g_autoptr (OknRecord) pinned = okn_record_copy (f->report);

  for (int by_address = 1; by_address >= 0; by_address--)
    {
      g_autoptr (OknTicketContent) c = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) pdf = NULL;
      g_autofree char *text = NULL;

      pinned->has_location = TRUE;
      pinned->lat = 51.7592;
      pinned->lon = 19.456;
      if (!by_address)
        g_clear_pointer (&pinned->address, g_free);
      c = okn_ticket_content_new (pinned, f->station.config);
      pdf = okn_layout_render_pdf (OKN_LAYOUT_A4_CONFIRMATION, c, &error);
      g_assert_no_error (error);
      text = okn_test_pdf_text (pdf);
      g_test_message ("%s", text);
      if (by_address)
        g_assert_nonnull (strstr (text, f->report->address));
      else
        g_assert_nonnull (strstr (text, "51.759200, 19.456000"));
    }
}

/* A cancelled record reprints with the mark on every layout, in the
 * ticket's language and Polish; a live one never carries it; both scan. */
static void
test_cancelled_mark (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (OknRecord) cancelled = okn_record_copy (f->letter);

  cancelled->sync_state = OKN_SYNC_CANCELLED;
  for (guint i = 0; i < G_N_ELEMENTS (all_layouts); i++)
    for (int marked = 0; marked <= 1; marked++)
      for (OknLanguage lang = OKN_LANGUAGE_PL; lang <= OKN_LANGUAGE_EN; lang++)
        {
          g_autoptr (OknTicketContent) c = okn_ticket_content_new (marked ? cancelled : f->letter, f->station.config);
          g_autoptr (GError) error = NULL;
          g_autoptr (GBytes) pdf = NULL;
          g_autofree char *text = NULL;
          g_autoptr (cairo_surface_t) img = NULL;
          g_autoptr (GPtrArray) results = NULL;

          okn_ticket_content_set_language (c, lang);
          pdf = okn_layout_render_pdf (all_layouts[i], c, &error);
          g_assert_no_error (error);
          text = okn_test_pdf_text (pdf);
          g_test_message ("%s %s: %s", okn_layout_to_string (all_layouts[i]), marked ? "cancelled" : "live", text);
          g_assert_true ((strstr (text, "ANULOWANE") != NULL) == marked);
          if (lang == OKN_LANGUAGE_EN)
            g_assert_true ((strstr (text, "CANCELLED / ANULOWANE") != NULL) == marked);
          img = okn_img_from_pdf (pdf, 300);
          results = okn_img_scan (f->station.store, NULL, img);
          g_assert_cmpuint (results->len, >=, 1);
        }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/layout/names", test_names);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/layout/receipt-width-and-whole-dots", test_receipt_width);
  ADD ("/layout/default-payload", test_default_payload);
  ADD ("/layout/round-trip/bitmap", test_bitmap_round_trip);
  ADD ("/layout/round-trip/pdf", test_pdf_round_trip);
  ADD ("/layout/round-trip/png", test_png_round_trip);
  ADD ("/layout/round-trip/rotations-and-skew", test_rotations);
  ADD ("/layout/round-trip/a4-page-with-label", test_a4_page_with_label);
  ADD ("/layout/round-trip/jpeg-and-noise", test_jpeg_and_noise);
  /* The one station with a status page of its own. */
  g_test_add ("/layout/round-trip/status-url", Fixture,
              "status_url=https://status.example.invalid/sprawa?nr={ticket}&kod={code}\n", fixture_setup,
              test_status_url, fixture_teardown);
  ADD ("/layout/polish-glyphs", test_polish_glyphs);
  ADD ("/layout/minimal-content", test_minimal_content);
  ADD ("/layout/a4-report-place", test_a4_report_place);
  ADD ("/layout/cancelled-mark", test_cancelled_mark);
  ADD ("/layout/page-sizes", test_page_sizes);
  ADD ("/layout/nothing-cut-off", test_nothing_cut_off);
#undef ADD
  return g_test_run ();
}
