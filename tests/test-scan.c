/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan.c: what a scanner reads and what the store makes of it: the
 * payload forms, verdicts, forged and foreign codes, broken files, and
 * okienkoctl print/scan end to end (a keyboard scanner's bursts:
 * test-scan-burst.c) */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <zint.h>

#include "okn-image-test-util.h"
#include "okn-test-common.h"
#include "okienko/okn-barcode.h"

#define STATUS_TMPL "https://status.example.invalid/sprawa/{ticket}?kod={code}"

typedef struct
{
  char *dir;
  char *db;
  char *config_path;
  OknStore *store;
  OknConfig *config;
  OknRecord *record;
} Fixture;

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura w jezdni", "ul. Żeromskiego 3");
  const char *extra = data;
  g_autofree char *text = g_strdup_printf ("[office]\nname=Urząd Miasta Przykładowo\n%s", extra ? extra : "");

  f->dir = okn_test_make_tmpdir ();
  f->db = g_build_filename (f->dir, "okienko.db", NULL);
  f->config_path = g_build_filename (f->dir, "okienko.ini", NULL);
  f->config = okn_test_config_from_text (f->config_path, text);
  f->store = okn_test_open_store (f->dir, "K03");
  okn_store_register (f->store, r, "test", &error);
  g_assert_no_error (error);
  f->record = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  okn_record_free (f->record);
  okn_config_free (f->config);
  okn_store_close (f->store);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->config_path);
}

/* @data as the file @name in the fixture's folder: its path. */
static char *
write_file (Fixture      *f,
            const char   *name,
            const guint8 *data,
            gsize         len)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, (const char *) data, (gssize) len, &error);
  g_assert_no_error (error);
  return path;
}

/* A wrong but well-formed code: the right one with its first character
 * changed. */
static char *
forged_code (const char *code)
{
  char *c = g_strdup (code);

  c[0] = c[0] == 'A' ? 'B' : 'A';
  return c;
}

static void
test_parse_forms (Fixture      *f,
                  gconstpointer data)
{
  const char *t = f->record->ticket;
  const char *code = f->record->verification_code;
  g_autofree char *lower = g_ascii_strdown (t, -1);
  g_autofree char *lookalike = g_strdup (t);
  g_autofree char *qr = g_strdup_printf ("OKN1:%s:%s", t, code);
  g_autofree char *qr_lower = g_ascii_strdown (qr, -1);
  g_autofree char *url = g_strdup_printf ("https://status.example.invalid/sprawa/%s?kod=%s", t, code);
  g_autofree char *url_caps = g_ascii_strup (url, -1);
  const struct
  {
    const char *text;
    gboolean has_code;
  } good[] = {
    { t, FALSE }, { lower, FALSE }, { lookalike, FALSE }, { qr, TRUE }, { qr_lower, TRUE },
    { url, TRUE }, { url_caps, TRUE },
  };

  /* Zeros typed as the letter O, as a person or a mis-set scanner might. */
  for (char *p = lookalike; *p; p++)
    if (*p == '0')
      *p = 'O';

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *got_code = NULL;
      g_autofree char *formatted = NULL;
      OknTicketId id;

      g_test_message ("parsing %s", good[i].text);
      g_assert_true (okn_scan_parse_text (good[i].text, STATUS_TMPL, &id, &got_code, &error));
      g_assert_no_error (error);
      formatted = okn_ticket_id_format (&id);
      g_assert_cmpstr (formatted, ==, t);
      if (good[i].has_code)
        g_assert_cmpstr (got_code, ==, code);
      else
        g_assert_null (got_code);
    }

  {
    const char *bad[] = {
      "https://example.org/track?id=12345",
      "5901234123457",
      "INV-2026-0042",
      "OKN1:only-one-part",
      "",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (GError) error = NULL;
        OknTicketId id;

        g_assert_false (okn_scan_parse_text (bad[i], STATUS_TMPL, &id, NULL, &error));
        g_assert_nonnull (error);
        g_assert_true (error->domain == OKN_SCAN_ERROR || error->domain == OKN_TICKET_ERROR);
      }
  }
  /* Templates whose literal parts also occur inside a ticket ID, or with
   * the code first: the ID is taken whole, the code too. */
  {
    const char *tmpls[] = {
      "https://status.example.invalid/{ticket}-{code}",
      "https://status.example.invalid/{code}/{ticket}",
      "https://status.example.invalid/s?nr={ticket}&kod={code}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (tmpls); i++)
      {
        g_autoptr (GString) filled = g_string_new (tmpls[i]);
        g_autoptr (GError) error = NULL;
        g_autofree char *got_code = NULL;
        g_autofree char *formatted = NULL;
        g_autofree char *forged = NULL;
        OknTicketId id;

        g_string_replace (filled, "{ticket}", t, 0);
        g_string_replace (filled, "{code}", code, 0);
        g_test_message ("parsing %s against %s", filled->str, tmpls[i]);
        g_assert_true (okn_scan_parse_text (filled->str, tmpls[i], &id, &got_code, &error));
        g_assert_no_error (error);
        formatted = okn_ticket_id_format (&id);
        g_assert_cmpstr (formatted, ==, t);
        g_assert_cmpstr (got_code, ==, code);

        /* Another host with the same path is someone else's. */
        forged = g_strdup (filled->str);
        memcpy (strstr (forged, "example"), "exbmple", 7);
        g_assert_false (okn_scan_parse_text (forged, tmpls[i], &id, NULL, &error));
        g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_NOT_OURS);
      }
  }
  /* Spaces around the configured template (GKeyFile keeps trailing ones)
   * are not part of the printed URL. */
  {
    g_autofree char *spaced = g_strdup_printf ("  %s  ", STATUS_TMPL);
    g_autoptr (GError) error = NULL;
    g_autofree char *got_code = NULL;
    OknTicketId id;

    g_assert_true (okn_scan_parse_text (url, spaced, &id, &got_code, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (got_code, ==, code);
  }
  /* Without the template a status URL is just a foreign URL. */
  {
    g_autoptr (GError) error = NULL;
    OknTicketId id;

    g_assert_false (okn_scan_parse_text (url, NULL, &id, NULL, &error));
    g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_NOT_OURS);
  }
}

/* @text verified: @verdict, and words to show with it. */
static OknScanResult *
verify (Fixture        *f,
        const char     *text,
        OknScanVerdict  verdict)
{
  g_autoptr (GError) error = NULL;
  OknScanResult *r = okn_scan_verify_text (f->store, f->config, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  g_assert_cmpint (r->verdict, ==, verdict);
  g_assert_nonnull (r->message);
  g_assert_cmpstr (r->message, !=, "");
  return r;
}

static void
test_verdicts (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *bad_code = forged_code (f->record->verification_code);
  g_autofree char *genuine = g_strdup_printf ("OKN1:%s:%s", f->record->ticket, f->record->verification_code);
  g_autofree char *forged = g_strdup_printf ("OKN1:%s:%s", f->record->ticket, bad_code);
  g_autofree char *other_station = NULL;
  g_autoptr (OknScanResult) r1 = NULL;
  g_autoptr (OknScanResult) r2 = NULL;
  g_autoptr (OknScanResult) r3 = NULL;
  g_autoptr (OknScanResult) r4 = NULL;
  g_autoptr (OknScanResult) r5 = NULL;
  OknTicketId id;

  g_assert_true (okn_ticket_id_make ("WZ12", 26, 4217, &id, NULL));
  other_station = okn_ticket_id_format (&id);

  r1 = verify (f, genuine, OKN_SCAN_GENUINE);
  g_assert_cmpstr (r1->ticket, ==, f->record->ticket);
  r2 = verify (f, forged, OKN_SCAN_WRONG_CODE);
  g_assert_cmpstr (r2->ticket, ==, f->record->ticket);
  g_assert_nonnull (strstr (r2->message, "forged"));
  r3 = verify (f, other_station, OKN_SCAN_UNKNOWN_TICKET);
  r4 = verify (f, "https://example.org/parcel/123", OKN_SCAN_NOT_OURS);
  g_assert_null (r4->ticket);
  r5 = verify (f, f->record->ticket, OKN_SCAN_ID_ONLY);

  /* A long foreign payload is quoted, shortened. */
  {
    g_autoptr (GString) longer = g_string_new ("https://example.org/");
    g_autoptr (OknScanResult) r6 = NULL;

    for (guint i = 0; i < 40; i++)
      g_string_append (longer, "żółw/");
    r6 = verify (f, longer->str, OKN_SCAN_NOT_OURS);
    g_assert_nonnull (strstr (r6->message, "…"));
    g_assert_null (strstr (r6->message, longer->str));
  }
}

/* Symbols drawn into an image file, as another system or a forger would
 * print them. */
static char *
write_symbols_png (Fixture    *f,
                   const char *name,
                   const char *code128,
                   const char *qr)
{
  g_autoptr (cairo_surface_t) img = okn_img_blank (900, 700);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *gray = NULL;
  g_autoptr (GBytes) png = NULL;
  cairo_t *cr = cairo_create (img);
  guint w, h;

  if (code128)
    {
      g_autoptr (OknBarcode) bc = okn_barcode_encode (OKN_BARCODE_CODE128, code128, &error);

      g_assert_no_error (error);
      okn_barcode_draw (bc, cr, 60, 40, 3, 120);
    }
  if (qr)
    {
      g_autoptr (OknBarcode) bc = okn_barcode_encode (OKN_BARCODE_QR, qr, &error);

      g_assert_no_error (error);
      okn_barcode_draw (bc, cr, 80, 260, 8, 0);
    }
  cairo_destroy (cr);
  gray = okn_img_to_gray (img, &w, &h);
  png = okn_gray_to_png (gray, w, h);
  return write_file (f, name, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
}

static GPtrArray *
scan_path (Fixture    *f,
           const char *path)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *results = okn_scan_file (f->store, f->config, path, &error);

  g_assert_no_error (error);
  return results;
}

/* The fixture's record's 80 mm receipt, a 300 dpi PNG as it prints. */
static GBytes *
receipt_png (Fixture *f)
{
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->record, f->config);
  g_autoptr (GError) error = NULL;
  GBytes *png = okn_layout_render_png (OKN_LAYOUT_RECEIPT_80, c, 300, &error);

  g_assert_no_error (error);
  return png;
}

/* The same receipt saved by a scanner as a JPEG of @kind. */
static GBytes *
receipt_jpeg (Fixture     *f,
              int          quality,
              OknJpegKind  kind)
{
  g_autoptr (GBytes) png = receipt_png (f);
  g_autoptr (cairo_surface_t) img = okn_img_from_png (png);
  g_autofree guint8 *gray = NULL;
  guint w, h;

  gray = okn_img_to_gray (img, &w, &h);
  return okn_gray_to_jpeg (gray, w, h, quality, kind);
}

/* @path holds one code, the fixture's record's, read as genuine: the page
 * it was found on. */
static guint
assert_one_genuine (Fixture    *f,
                    const char *path)
{
  g_autoptr (GPtrArray) results = scan_path (f, path);
  const OknScanResult *r;

  g_assert_cmpuint (results->len, ==, 1);
  r = g_ptr_array_index (results, 0);
  g_assert_cmpint (r->verdict, ==, OKN_SCAN_GENUINE);
  g_assert_cmpstr (r->ticket, ==, f->record->ticket);
  return r->page;
}

static void
test_forged_and_foreign_images (Fixture      *f,
                                gconstpointer data)
{
  g_autofree char *bad_code = forged_code (f->record->verification_code);
  g_autofree char *forged_qr = g_strdup_printf ("OKN1:%s:%s", f->record->ticket, bad_code);
  g_autofree char *forged = write_symbols_png (f, "forged.png", f->record->ticket, forged_qr);
  g_autofree char *foreign = write_symbols_png (f, "foreign.png", "INV-2026-0042", "https://example.org/x?id=7");
  g_autoptr (GPtrArray) r1 = scan_path (f, forged);
  g_autoptr (GPtrArray) r2 = scan_path (f, foreign);

  /* The genuine Code 128 and the forged QR make one ticket: suspect. */
  g_assert_cmpuint (r1->len, ==, 1);
  g_assert_cmpint (((OknScanResult *) r1->pdata[0])->verdict, ==, OKN_SCAN_WRONG_CODE);
  g_assert_cmpstr (((OknScanResult *) r1->pdata[0])->code, ==, bad_code);

  g_assert_cmpuint (r2->len, ==, 2);
  for (guint i = 0; i < r2->len; i++)
    {
      OknScanResult *r = r2->pdata[i];

      g_assert_cmpint (r->verdict, ==, OKN_SCAN_NOT_OURS);
      g_assert_nonnull (strstr (r->message, "not an Okienko ticket"));
    }
}

/* A one-page PDF with text and no code at all. */
static char *
write_pdf_without_code (Fixture *f)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 595, 842);
  cairo_t *cr = cairo_create (s);

  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 14);
  cairo_move_to (cr, 72, 100);
  cairo_show_text (cr, "Pismo bez kodu kreskowego.");
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  return write_file (f, "nocode.pdf", out->data, out->len);
}

static char *
write_corrupt_png (Fixture *f)
{
  guint8 data[300];

  memcpy (data, "\x89PNG\r\n\x1a\n", 8);
  for (guint i = 8; i < sizeof data; i++)
    data[i] = (guint8) (i * 37 + 11);
  return write_file (f, "corrupt.png", data, sizeof data);
}

/* A scanned letter as a PDF of page images: a cover page with text only,
 * then the page with the receipt on it, scanned at 200 dpi and a little
 * askew. Every page is read; the result says which one. */
static void
test_pdf_pages (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->record, f->config);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknBitmap) receipt = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, c, 203, &error);
  g_autoptr (cairo_surface_t) ink = NULL;
  g_autoptr (cairo_surface_t) scanned = NULL;
  g_autoptr (cairo_surface_t) page = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 595, 842);
  cairo_t *cr = cairo_create (pdf);

  g_assert_no_error (error);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 14);
  cairo_move_to (cr, 72, 100);
  cairo_show_text (cr, "Strona tytułowa, bez kodu.");
  cairo_show_page (cr);

  /* The receipt as a 200 dpi scan would show it, on a page of that scan. */
  ink = okn_img_from_bitmap (receipt);
  scanned = okn_img_transform (ink, 200.0 / 203, 2);
  page = okn_img_blank (1654, 2339);
  okn_img_paste (page, scanned, 300, 200);
  {
    g_autofree guint8 *gray = NULL;
    g_autoptr (cairo_surface_t) rgb = NULL;
    guint w, h;
    int stride;
    guint8 *d;

    gray = okn_img_to_gray (page, &w, &h);
    rgb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
    stride = cairo_image_surface_get_stride (rgb);
    d = cairo_image_surface_get_data (rgb);
    for (guint y = 0; y < h; y++)
      for (guint x = 0; x < w; x++)
        {
          guint v = gray[(gsize) y * w + x];

          ((guint32 *) (gpointer) (d + (gsize) y * stride))[x] = v << 16 | v << 8 | v;
        }
    cairo_surface_mark_dirty (rgb);
    cairo_save (cr);
    cairo_scale (cr, 72.0 / 200, 72.0 / 200);
    cairo_set_source_surface (cr, rgb, 0, 0);
    cairo_paint (cr);
    cairo_restore (cr);
  }
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (pdf);
  path = write_file (f, "letter.pdf", out->data, out->len);

  g_assert_cmpuint (assert_one_genuine (f, path), ==, 2);
}

static void
test_bad_files (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *png = write_corrupt_png (f);
  g_autofree char *jpeg = write_file (f, "corrupt.jpg", (const guint8 *) "\xff\xd8\xff\xe0garbage-not-a-jpeg", 22);
  g_autofree char *pdf = write_file (f, "corrupt.pdf", (const guint8 *) "%PDF-1.4\nnothing here\n", 22);
  g_autofree char *text = write_file (f, "notes.txt", (const guint8 *) "hello", 5);
  g_autofree char *missing = g_build_filename (f->dir, "missing.png", NULL);
  g_autofree char *nocode = write_pdf_without_code (f);
  const char *broken[] = { png, jpeg, pdf, text };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (okn_scan_file (f->store, f->config, broken[i], &error));
      g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT);
      /* The message names the file. */
      g_assert_nonnull (strstr (error->message, broken[i]));
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (okn_scan_file (f->store, f->config, missing, &error));
    g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO);
  }
  {
    g_autoptr (GPtrArray) results = scan_path (f, nocode);

    g_assert_cmpuint (results->len, ==, 0);
  }
  {
    g_autoptr (GError) error = NULL;
    guint8 frame[16] = { 0 };

    g_assert_null (okn_scan_decode_gray (frame, 8, 2, 4, &error));
    g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_INVALID);
  }
}

/* Small files that claim huge pictures are refused before anything is
 * allocated for them; a huge PDF page is drawn smaller and still read. */
static void
test_huge_images (Fixture      *f,
                  gconstpointer data)
{
  guint8 gray[16 * 16];
  g_autoptr (GBytes) png = NULL;
  g_autoptr (GBytes) jpeg = NULL;
  g_autofree guint8 *png_data = NULL;
  g_autofree guint8 *jpeg_data = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *jpeg_path = NULL;
  gsize png_len, jpeg_len, sof = 0;

  memset (gray, 200, sizeof gray);
  png = okn_gray_to_png (gray, 16, 16);
  png_data = g_bytes_unref_to_data (g_steal_pointer (&png), &png_len);
  /* IHDR: width and height, big-endian, at bytes 16 and 20. */
  g_assert_cmpmem (png_data + 12, 4, "IHDR", 4);
  memcpy (png_data + 16, "\x00\x00\x75\x30\x00\x00\x75\x30", 8);
  png_path = write_file (f, "huge.png", png_data, png_len);

  jpeg = okn_gray_to_jpeg (gray, 16, 16, 90, OKN_JPEG_GRAY);
  jpeg_data = g_bytes_unref_to_data (g_steal_pointer (&jpeg), &jpeg_len);
  for (gsize i = 2; i + 9 < jpeg_len && sof == 0; i++)
    if (jpeg_data[i] == 0xff && jpeg_data[i + 1] == 0xc0)
      sof = i;
  g_assert_cmpuint (sof, >, 0);
  /* SOF0: marker, length, precision, then height and width: 65000 each,
   * too many pixels even at the 1/8 scale libjpeg can read at. */
  memcpy (jpeg_data + sof + 5, "\xfd\xe8\xfd\xe8", 4);
  jpeg_path = write_file (f, "huge.jpg", jpeg_data, jpeg_len);

  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? png_path : jpeg_path;
      g_autoptr (GError) error = NULL;

      g_assert_null (okn_scan_file (f->store, f->config, path, &error));
      g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "too large"));
      g_assert_nonnull (strstr (error->message, path));
    }

  {
    /* Under the limit nothing is refused: an A4 confirmation scanned at
     * 600 dpi in colour and saved as a progressive JPEG, whose decoding
     * needs 210 MB of libjpeg's memory. */
    g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->record, f->config);
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) pdf = okn_layout_render_pdf (OKN_LAYOUT_A4_CONFIRMATION, c, &error);
    g_autoptr (cairo_surface_t) page = NULL;
    g_autoptr (GBytes) photo = NULL;
    g_autofree guint8 *page_gray = NULL;
    g_autofree char *path = NULL;
    guint w, h;

    g_assert_no_error (error);
    page = okn_img_from_pdf (pdf, 600);
    page_gray = okn_img_to_gray (page, &w, &h);
    g_assert_cmpuint ((guint64) w * h, >, 30000000);
    photo = okn_gray_to_jpeg (page_gray, w, h, 75, OKN_JPEG_PROGRESSIVE_RGB);
    path = write_file (f, "a4-600dpi.jpg", g_bytes_get_data (photo, NULL), g_bytes_get_size (photo));
    assert_one_genuine (f, path);
  }

  {
    /* A 100 × 100 inch page (30000 pixels a side at 300 dpi, more than
     * cairo can hold) with the receipt drawn six times its size. */
    g_autoptr (GByteArray) out = g_byte_array_new ();
    g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->record, f->config);
    g_autoptr (GError) error = NULL;
    g_autoptr (OknBitmap) receipt = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, c, 203, &error);
    g_autoptr (cairo_surface_t) ink = NULL;
    g_autofree char *path = NULL;
    cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 7200, 7200);
    cairo_t *cr = cairo_create (pdf);
    cairo_pattern_t *pattern;

    g_assert_no_error (error);
    ink = okn_img_from_bitmap (receipt);
    cairo_translate (cr, 360, 360);
    cairo_scale (cr, 6, 6);
    cairo_set_source_surface (cr, ink, 0, 0);
    pattern = cairo_get_source (cr);
    cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
    cairo_paint (cr);
    cairo_show_page (cr);
    cairo_destroy (cr);
    cairo_surface_destroy (pdf);
    path = write_file (f, "poster.pdf", out->data, out->len);

    assert_one_genuine (f, path);
  }
}

/* okienkoctl with the arguments after @err, NULL-terminated, on the
 * fixture's files (the test closes its own store first where the tool
 * must have the database to itself). It must exit with @status. Returns
 * what it printed, and its errors in @err unless NULL; both are logged. */
static G_GNUC_NULL_TERMINATED char *
ctl (Fixture  *f,
     int       status,
     char    **err,
     ...)
{
  g_autofree char *out = NULL;
  g_autofree char *errors = NULL;
  va_list ap;
  int rc;

  va_start (ap, err);
  rc = okn_test_run_ctl_valist (f->db, f->config_path, NULL, &out, &errors, ap);
  va_end (ap);
  g_test_message ("okienkoctl: %d\nstdout: %s\nstderr: %s", rc, out, errors);
  g_assert_cmpint (rc, ==, status);
  if (err)
    *err = g_steal_pointer (&errors);
  return g_steal_pointer (&out);
}

static char *
json_of (const char *ticket,
         Fixture    *f)
{
  g_autofree char *out = ctl (f, 0, NULL, "show", "--json", ticket, NULL);
  g_autofree char *list = ctl (f, 0, NULL, "list", "--json", NULL);

  return g_strconcat (out, list, NULL);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr (JsonParser) p = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (p, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (p));
}

/* The first file in what `okienkoctl scan --json` printed. */
static JsonObject *
first_file (JsonNode *root)
{
  return json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "files"), 0);
}

/* okienkoctl print writes every layout as PDF and PNG, okienkoctl scan reads
 * them back; bad input gets a clear message and exit 1 or 2, and the store
 * is left as it was. */
static void
test_okienkoctl (Fixture      *f,
                 gconstpointer data)
{
  const char *layouts[] = { "receipt-80", "receipt-58", "a4-confirmation", "label" };
  const char *t = f->record->ticket;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  /* The cached catalogue names the category on the ticket. */
  okn_test_cache_service (f->store, "pothole", "Dziura w jezdni", NULL);
  /* Close our connection so the tool has the database to itself. */
  g_clear_pointer (&f->store, okn_store_close);
  before = json_of (t, f);

  for (guint i = 0; i < G_N_ELEMENTS (layouts); i++)
    for (guint k = 0; k < 2; k++)
      {
        g_autofree char *name = g_strdup_printf ("%s.%s", layouts[i], k ? "png" : "pdf");
        char *path = g_build_filename (f->dir, name, NULL);
        g_autofree char *out = NULL;
        g_autofree char *err = NULL;
        int rc = okn_test_run_ctl (f->db, f->config_path, NULL, &out, &err, "print", t, "--layout", layouts[i],
                                   "--output", path, NULL);

        if (rc != 0)
          g_test_message ("print --layout %s --output %s: %d\n%s", layouts[i], name, rc, err);
        g_assert_cmpint (rc, ==, 0);
        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
        if (k == 0)
          {
            /* Real text in the PDF, Polish letters and all. */
            g_autofree char *text = okn_test_pdf_file_text (path);

            g_assert_nonnull (strstr (text, t));
            g_assert_nonnull (strstr (text, i < 3 ? "Numer zgłoszenia" : "Wpłynęło"));
            if (i < 3)
              g_assert_nonnull (strstr (text, "Dziura w jezdni"));
          }
        g_ptr_array_add (files, path);
      }

  for (guint i = 0; i < files->len; i++)
    {
      const char *file = files->pdata[i];
      gboolean label = strstr (file, "label") != NULL;
      g_autofree char *out = ctl (f, 0, NULL, "scan", "--json", file, NULL);
      g_autoptr (JsonNode) root = parse_json (out);
      JsonObject *res = json_array_get_object_element (json_object_get_array_member (first_file (root), "results"), 0);

      g_assert_cmpstr (json_object_get_string_member (res, "ticket"), ==, t);
      g_assert_cmpstr (json_object_get_string_member (res, "verdict"), ==, label ? "id-only" : "genuine");
      if (!label)
        g_assert_cmpstr (json_object_get_string_member (res, "code"), ==, f->record->verification_code);
    }

  /* Bad input, each with its message and exit status. */
  {
    g_autofree char *bad_code = forged_code (f->record->verification_code);
    g_autofree char *forged_qr = g_strdup_printf ("OKN1:%s:%s", t, bad_code);
    g_autofree char *forged = write_symbols_png (f, "forged.png", NULL, forged_qr);
    g_autofree char *foreign = write_symbols_png (f, "foreign.png", "INV-2026-0042", NULL);
    g_autofree char *corrupt = write_corrupt_png (f);
    g_autofree char *nocode = write_pdf_without_code (f);
    const struct
    {
      const char *file;
      int rc;
      const char *out, *err;
    } cases[] = {
      { corrupt, 2, NULL, "is not a readable PNG image" },
      { nocode, 1, "nothing found", NULL },
      { foreign, 1, "not an Okienko ticket", NULL },
      { forged, 1, "forged or damaged", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *err = NULL;
        g_autofree char *out = ctl (f, cases[i].rc, &err, "scan", cases[i].file, NULL);

        if (cases[i].out)
          g_assert_nonnull (strstr (out, cases[i].out));
        if (cases[i].err)
          g_assert_nonnull (strstr (err, cases[i].err));
      }
    /* One bad file among good ones still fails the whole run. */
    {
      int rc = okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "scan", (char *) files->pdata[0],
                                 corrupt, NULL);

      g_assert_cmpint (rc, ==, 2);
    }
  }

  /* print's own mistakes. */
  {
    g_autofree char *out_pdf = g_build_filename (f->dir, "x.pdf", NULL);
    g_autofree char *out_txt = g_build_filename (f->dir, "x.txt", NULL);

    g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "print", t, "--layout", "poster",
                                       "--output", out_pdf, NULL), ==, 2);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "print", "K03-26-999999-X",
                                       "--output", out_pdf, NULL), !=, 0);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "print", t, NULL), ==, 2);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "print", t, "--output", out_txt,
                                       NULL), ==, 2);
    g_assert_false (g_file_test (out_pdf, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (out_txt, G_FILE_TEST_EXISTS));
  }
  {
    /* A ticket that is well formed but not in this database: not found. */
    OknTicketId id;
    g_autofree char *unknown = NULL;
    g_autofree char *out_pdf = g_build_filename (f->dir, "y.pdf", NULL);

    g_assert_true (okn_ticket_id_make ("K03", 26, 777777, &id, NULL));
    unknown = okn_ticket_id_format (&id);
    g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "print", unknown, "--output",
                                       out_pdf, NULL), ==, 1);
  }

  after = json_of (t, f);
  g_assert_cmpstr (before, ==, after);
}

/* Never lie, never stay silent ------------------------------------------ */

/* A QR code of any bytes (NUL and control characters too), drawn with
 * zint directly: okn_barcode_encode() takes C strings. */
static char *
write_raw_qr_png (Fixture    *f,
                  const char *name,
                  const char *data,
                  gsize       len)
{
  struct zint_symbol *sym = ZBarcode_Create ();
  const int module = 8, quiet = 4;
  g_autofree guint8 *gray = NULL;
  g_autoptr (GBytes) png = NULL;
  guint w, h;

  sym->symbology = BARCODE_QRCODE;
  sym->input_mode = DATA_MODE;
  g_assert_cmpint (ZBarcode_Encode (sym, (const unsigned char *) data, (int) len), <, ZINT_ERROR);
  w = (guint) (sym->width + 2 * quiet) * module;
  h = (guint) (sym->rows + 2 * quiet) * module;
  gray = g_malloc ((gsize) w * h);
  memset (gray, 255, (gsize) w * h);
  for (int r = 0; r < sym->rows; r++)
    for (int c = 0; c < sym->width; c++)
      if ((sym->encoded_data[r][c >> 3] >> (c & 7)) & 1)
        for (int dy = 0; dy < module; dy++)
          memset (gray + (gsize) ((r + quiet) * module + dy) * w + (gsize) (c + quiet) * module, 0, module);
  ZBarcode_Delete (sym);
  png = okn_gray_to_png (gray, w, h);
  return write_file (f, name, g_bytes_get_data (png, NULL), g_bytes_get_size (png));
}

/* No control character but the line feed in what a person reads. */
static void
assert_display_safe (const char *text)
{
  for (const char *p = text; *p; p++)
    {
      if (*p == '\n')
        continue;
      if ((guchar) *p < 0x20 || *p == 0x7f)
        g_error ("control character 0x%02x in output: %s", (guchar) *p, text);
    }
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* A QR code that tries to set the terminal's title, clear the screen and
 * forge a line of okienkoctl's own output; a file name that tries the
 * same. Every human-readable output shows the characters as U+FFFD; JSON
 * keeps them, escaped. */
static void
test_hostile_payloads (Fixture      *f,
                       gconstpointer data)
{
  g_autofree char *forged_line = g_strdup_printf ("\033]0;pwned\007\033[2J\r\n%s: genuine: Ticket %s is genuine.",
                                                  f->record->ticket, f->record->ticket);
  g_autofree char *hostile = write_raw_qr_png (f, "hostile.png", forged_line, strlen (forged_line));
  g_autofree char *evil_name = g_build_filename (f->dir, "evil\033[2J\r.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *json = NULL;
  g_autoptr (GPtrArray) results = scan_path (f, hostile);
  const OknScanResult *r;

  /* The core's message is safe for the desk and logs as it is. */
  g_assert_cmpuint (results->len, ==, 1);
  r = g_ptr_array_index (results, 0);
  g_assert_cmpint (r->verdict, ==, OKN_SCAN_NOT_OURS);
  assert_display_safe (r->message);
  g_assert_nonnull (strstr (r->message, "\xef\xbf\xbd"));

  g_assert_no_errno (link (hostile, evil_name));
  g_clear_pointer (&f->store, okn_store_close);
  out = ctl (f, 1, &err, "scan", hostile, evil_name, NULL);
  assert_display_safe (out);
  assert_display_safe (err);
  g_assert_nonnull (strstr (out, "not-ours"));
  /* The escape shows as U+FFFD, the carriage return as a space. */
  g_assert_nonnull (strstr (out, "evil\xef\xbf\xbd[2J .png"));

  /* JSON carries the payload as it was, escaped by the JSON writer. */
  json = ctl (f, 1, NULL, "scan", "--json", hostile, NULL);
  g_assert_null (strchr (json, '\033'));
  {
    g_autoptr (JsonNode) root = parse_json (json);
    JsonObject *res = json_array_get_object_element (json_object_get_array_member (first_file (root), "results"), 0);

    g_assert_cmpstr (json_object_get_string_member (res, "payload"), ==, forged_line);
  }
}

/* A payload with a NUL byte is somebody else's code, not "no barcode". */
static void
test_nul_payload (Fixture      *f,
                  gconstpointer data)
{
  g_autofree char *payload = g_strdup_printf ("OKN1:%s:%s", f->record->ticket, f->record->verification_code);
  g_autofree char *path = NULL;
  g_autoptr (GPtrArray) results = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const OknScanResult *r;

  /* Our own payload with a NUL in the middle: still not ours. */
  payload[5] = '\0';
  path = write_raw_qr_png (f, "nul.png", payload, strlen (payload + 6) + 6);
  results = scan_path (f, path);
  g_assert_cmpuint (results->len, ==, 1);
  r = g_ptr_array_index (results, 0);
  g_assert_cmpint (r->verdict, ==, OKN_SCAN_NOT_OURS);
  g_assert_null (r->ticket);
  g_assert_nonnull (strstr (r->message, "not an Okienko ticket"));
  assert_display_safe (r->message);

  g_clear_pointer (&f->store, okn_store_close);
  out = ctl (f, 1, &err, "scan", path, NULL);
  g_assert_nonnull (strstr (out, "not-ours"));
  g_assert_null (strstr (err, "no barcode found"));
}

/* The same fault gets the same answer: a PNG and a JPEG cut short (a copy
 * that stopped half-way) are both damaged files, exit 2. A folder is
 * named as a folder. */
static void
test_damaged_files (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GBytes) png = receipt_png (f);
  g_autoptr (GBytes) jpeg = receipt_jpeg (f, 90, OKN_JPEG_GRAY);
  g_autoptr (GError) error = NULL;
  g_autofree char *png_path = NULL;
  g_autofree char *jpeg_path = NULL;
  g_autofree char *folder = g_build_filename (f->dir, "scans", NULL);
  const char *paths[2];

  png_path = write_file (f, "cut.png", g_bytes_get_data (png, NULL), g_bytes_get_size (png) * 6 / 10);
  jpeg_path = write_file (f, "cut.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg) * 6 / 10);
  paths[0] = png_path;
  paths[1] = jpeg_path;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GError) e = NULL;

      g_assert_null (okn_scan_file (f->store, f->config, paths[i], &e));
      g_test_message ("%s: %s", paths[i], e->message);
      g_assert_error (e, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT);
      g_assert_nonnull (strstr (e->message, "is damaged"));
      g_assert_nonnull (strstr (e->message, paths[i]));
    }

  g_assert_no_errno (g_mkdir (folder, 0700));
  g_assert_null (okn_scan_file (f->store, f->config, folder, &error));
  g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "is a folder"));

  g_clear_pointer (&f->store, okn_store_close);
  for (guint i = 0; i < 3; i++)
    {
      const char *path = i < 2 ? paths[i] : folder;
      g_autofree char *err = NULL;
      g_autofree char *out = ctl (f, 2, &err, "scan", path, NULL);

      g_assert_nonnull (strstr (err, i < 2 ? "is damaged" : "is a folder"));
      g_assert_null (strstr (err, "mmap"));
      g_assert_null (strstr (err, "no barcode found"));
    }
}

/* Files scanned one after another (the page buffer is kept between
 * scans): each answers for itself, never with a code of the one before,
 * whatever their sizes and whether one before failed half-way. */
static void
test_one_after_another (Fixture      *f,
                        gconstpointer data)
{
  g_autofree char *foreign = write_symbols_png (f, "foreign.png", "INV-2026-0042", "https://example.org/x?id=7");
  g_autofree char *blank = write_symbols_png (f, "blank.png", NULL, NULL);
  g_autoptr (cairo_surface_t) small = okn_img_blank (640, 480);
  g_autofree guint8 *small_gray = NULL;
  g_autoptr (GBytes) small_png = NULL;
  g_autofree char *small_path = NULL;
  g_autofree char *cut_path = NULL;
  guint w, h;

  small_gray = okn_img_to_gray (small, &w, &h);
  small_png = okn_gray_to_png (small_gray, w, h);
  small_path = write_file (f, "small-blank.png", g_bytes_get_data (small_png, NULL), g_bytes_get_size (small_png));
  {
    g_autoptr (GBytes) whole = NULL;
    gsize len;
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (foreign, &contents, &len, NULL));
    whole = g_bytes_new_take (g_steal_pointer (&contents), len);
    cut_path = write_file (f, "cut.png", g_bytes_get_data (whole, NULL), len / 2);
  }

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (GPtrArray) coded = scan_path (f, foreign);
      g_autoptr (GPtrArray) after = scan_path (f, blank);
      g_autoptr (GPtrArray) smaller = scan_path (f, small_path);
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) cut = okn_scan_file (f->store, f->config, cut_path, &error);
      g_autoptr (GPtrArray) after_cut = scan_path (f, blank);

      g_assert_cmpuint (coded->len, ==, 2);
      g_assert_cmpuint (after->len, ==, 0);
      g_assert_cmpuint (smaller->len, ==, 0);
      g_assert_null (cut);
      g_assert_error (error, OKN_SCAN_ERROR, OKN_SCAN_ERROR_FORMAT);
      g_assert_cmpuint (after_cut->len, ==, 0);
    }
}

/* Office scanners save CMYK JPEGs (Adobe, inverted): read like any other. */
static void
test_cmyk_jpeg (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GBytes) jpeg = receipt_jpeg (f, 85, OKN_JPEG_CMYK);
  g_autofree char *path = write_file (f, "cmyk.jpg", g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));

  assert_one_genuine (f, path);
}

/* A PDF of @pages pages: the receipt on page 1 (unless @first_blank), text
 * only on the others. */
static char *
write_pdf_pages (Fixture    *f,
                 const char *name,
                 guint       pages,
                 gboolean    with_label)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (OknTicketContent) c = okn_ticket_content_new (f->record, f->config);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknBitmap) receipt = okn_layout_render_bitmap (OKN_LAYOUT_RECEIPT_80, c, 203, &error);
  g_autoptr (OknBitmap) label = okn_layout_render_bitmap (OKN_LAYOUT_LABEL, c, 300, &error);
  g_autoptr (cairo_surface_t) receipt_img = NULL;
  g_autoptr (cairo_surface_t) label_img = NULL;
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 595, 842);
  cairo_t *cr = cairo_create (pdf);

  g_assert_no_error (error);
  receipt_img = okn_img_from_bitmap (receipt);
  label_img = okn_img_from_bitmap (label);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 14);
  for (guint i = 0; i < pages; i++)
    {
      g_autofree char *line = g_strdup_printf ("Strona %u: pismo bez kodu.", i + 1);

      cairo_move_to (cr, 72, 400);
      cairo_show_text (cr, line);
      if (i == 0 || (with_label && i == pages - 1))
        {
          /* Ink as a mask: black where the bitmap is set. */
          cairo_save (cr);
          cairo_translate (cr, 300, 60);
          cairo_scale (cr, i == 0 ? 72.0 / 203 : 72.0 / 300, i == 0 ? 72.0 / 203 : 72.0 / 300);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_mask_surface (cr, i == 0 ? receipt_img : label_img, 0, 0);
          cairo_restore (cr);
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (pdf);
  return write_file (f, name, out->data, out->len);
}

/* Several PDFs read at once (a clerk's burst of scans, each PDF read by
 * several workers) ---------------------------------------------------- */

typedef struct
{
  GBytes *pdf;
  guint rounds;
} ConcurrentPdf;

static gpointer
read_pdf_rounds (gpointer data)
{
  ConcurrentPdf *c = data;

  for (guint r = 0; r < c->rounds; r++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) found = okn_scan_decode_bytes (c->pdf, "fonts.pdf", &error);

      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpuint (found->len, ==, 0);
    }
  return NULL;
}

/* poppler draws with one FreeType library for the whole process, and
 * FreeType's library may not make faces in two threads at once: the
 * workers' documents, each loading its fonts as it drew, broke the
 * library's list of faces, and reading a 500-page PDF aborted now and
 * then in cairo ("hash != ZOMBIE"), helgrind showing FT_New_Memory_Face
 * racing in FT_List_Add. Pages are drawn one at a time; every page's
 * fonts are new to the document that draws it. Whether the race hits is
 * chance: this reads many fonts from many threads, often enough that the
 * old code failed it now and then, not every time. */
static void
test_pdf_fonts_threads (Fixture      *f,
                        gconstpointer data)
{
  const char *families[] = { "DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono", "Liberation Sans",
                             "Liberation Serif", "Liberation Mono", "Nimbus Roman", "Nimbus Sans",
                             "Nimbus Mono PS", "C059", "Noto Mono", "URW Bookman" };
  g_autoptr (GByteArray) out = g_byte_array_new ();
  /* Small pages: the fonts are what counts, not the pixels. */
  cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream (okn_cairo_write_to_array, out, 200, 200);
  cairo_t *cr = cairo_create (pdf);
  ConcurrentPdf c = { NULL, 6 };
  GThread *threads[4];

  for (guint page = 0; page < 8; page++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (families); i++)
        for (guint style = 0; style < 4; style++)
          {
            cairo_select_font_face (cr, families[i], style & 1 ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                                    style & 2 ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
            cairo_set_font_size (cr, 3);
            cairo_move_to (cr, 10 + 45 * style, 10 + 4 * (i + 12 * (page % 4)));
            cairo_show_text (cr, "Zażółć gęślą jaźń 0123");
          }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  g_assert_cmpint (cairo_surface_status (pdf), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (pdf);
  c.pdf = g_bytes_new (out->data, out->len);

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("read-pdf", read_pdf_rounds, &c);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    g_thread_join (threads[t]);
  g_bytes_unref (c.pdf);
}

/* Every page of a PDF is reported, found or not, in text and JSON; a page
 * with nothing on it makes the exit status 1. */
static void
test_pdf_every_page (Fixture      *f,
                     gconstpointer data)
{
  g_autofree char *path = write_pdf_pages (f, "letter.pdf", 3, TRUE);
  /* Each page as the text says it and as the JSON does. */
  const struct
  {
    const char *says;
    const char *status;
  } pages[] = {
    { "genuine", "found" },
    { "nothing found", "nothing-found" },
    { "id-only", "found" },
  };
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *file;
  JsonArray *listed;

  g_clear_pointer (&f->store, okn_store_close);
  out = ctl (f, 1, NULL, "scan", path, NULL);
  json = ctl (f, 1, NULL, "scan", "--json", path, NULL);
  root = parse_json (json);
  file = first_file (root);
  listed = json_object_get_array_member (file, "pages");
  g_assert_cmpint (json_object_get_int_member (file, "page_count"), ==, G_N_ELEMENTS (pages));
  g_assert_cmpuint (json_array_get_length (listed), ==, G_N_ELEMENTS (pages));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *line = g_strdup_printf ("%s (page %u): %s", path, i + 1, pages[i].says);
      JsonObject *p = json_array_get_object_element (listed, i);

      g_assert_nonnull (strstr (out, line));
      g_assert_cmpint (json_object_get_int_member (p, "page"), ==, i + 1);
      g_assert_cmpstr (json_object_get_string_member (p, "status"), ==, pages[i].status);
    }
}

/* A long PDF stops at the page cap (scan.max_pages for the desk,
 * --max-pages for okienkoctl), and says which pages were not read. */
static void
test_page_cap (Fixture      *f,
               gconstpointer data)
{
  g_autofree char *path = write_pdf_pages (f, "long.pdf", 6, TRUE);
  g_autofree char *out = NULL;
  g_autofree char *json = NULL;
  g_autoptr (GError) error = NULL;
  OknScanOptions options;
  g_autoptr (OknScanReport) report = NULL;

  /* The desk's cap comes from the configuration: 2 pages here. */
  okn_config_set (f->config, "scan.max_pages", "2", &error);
  g_assert_no_error (error);
  okn_scan_options_init (&options, f->config);
  g_assert_cmpuint (options.max_pages, ==, 2);
  report = okn_scan_file_report (f->store, f->config, path, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->page_count, ==, 6);
  g_assert_cmpuint (report->pages_read, ==, 2);
  g_assert_cmpint (okn_scan_report_page_state (report, 1), ==, OKN_SCAN_PAGE_FOUND);
  g_assert_cmpint (okn_scan_report_page_state (report, 2), ==, OKN_SCAN_PAGE_NOTHING);
  g_assert_cmpint (okn_scan_report_page_state (report, 3), ==, OKN_SCAN_PAGE_NOT_READ);
  {
    g_autofree char *summary = okn_scan_report_summary (report);

    g_test_message ("%s", summary);
    g_assert_nonnull (strstr (summary, "scan.max_pages"));
  }

  /* okienkoctl: --max-pages overrides, and 0 reads every page. */
  g_clear_pointer (&f->store, okn_store_close);
  out = ctl (f, 1, NULL, "scan", "--max-pages", "3", path, NULL);
  g_assert_nonnull (strstr (out, "(page 3): nothing found"));
  g_assert_nonnull (strstr (out, "(pages 4\xe2\x80\x93" "6): not read"));
  g_assert_nonnull (strstr (out, "--max-pages"));
  json = ctl (f, 1, NULL, "scan", "--json", "--max-pages", "0", path, NULL);
  {
    g_autoptr (JsonNode) root = parse_json (json);
    JsonObject *file = first_file (root);

    g_assert_cmpint (json_object_get_int_member (file, "pages_read"), ==, 6);
    g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (json_object_get_array_member (file, "pages"), 5), "status"),
                     ==, "found");
  }
  g_assert_cmpint (okn_test_run_ctl (f->db, f->config_path, NULL, NULL, NULL, "scan", "--max-pages", "x", path, NULL),
                   ==, 2);
}

/* Reads what the child writes on the terminal until @needle shows or the
 * child ends; at most @seconds. */
static gboolean
read_pty_until (int         fd,
                GString    *seen,
                const char *needle,
                guint       seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      GPollFD pfd = { fd, G_IO_IN | G_IO_HUP, 0 };
      char buf[4096];
      gssize n;

      if (needle && strstr (seen->str, needle))
        return TRUE;
      if (g_poll (&pfd, 1, 200) <= 0)
        continue;
      n = read (fd, buf, sizeof buf);
      if (n <= 0)
        return needle == NULL;
      g_string_append_len (seen, buf, n);
    }
  return needle ? strstr (seen->str, needle) != NULL : FALSE;
}

/* A 300-page PDF on a terminal: progress shows while it reads, Ctrl+C
 * stops it with a report of the pages read so far (exit 130); piped, no
 * progress is written. */
static void
test_progress_and_interrupt (Fixture      *f,
                             gconstpointer data)
{
  g_autofree char *path = write_pdf_pages (f, "big.pdf", 300, FALSE);
  g_autoptr (GString) seen = g_string_new (NULL);
  int master, status = 0;
  pid_t pid;

  g_clear_pointer (&f->store, okn_store_close);
  pid = forkpty (&master, NULL, NULL, NULL);
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      execl (okn_test_ctl_path (), "okienkoctl", "--db", f->db, "--config", f->config_path, "scan", "--max-pages",
             "0", path, (char *) NULL);
      _exit (127);
    }
  /* Progress names the page and the count. */
  if (!read_pty_until (master, seen, "page 3 of 300", 120))
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      g_error ("no progress on the terminal; it wrote: %s", seen->str);
    }
  g_assert_no_errno (kill (pid, SIGINT));
  read_pty_until (master, seen, NULL, 60);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (master);
  g_test_message ("terminal: %s", seen->str);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 130);
  g_assert_nonnull (strstr (seen->str, "(page 1): genuine"));
  g_assert_nonnull (strstr (seen->str, "interrupted"));
  g_assert_null (strstr (seen->str, "(page 300)"));

  /* Piped: the same lines, no progress. */
  {
    g_autofree char *small = write_pdf_pages (f, "small.pdf", 3, TRUE);
    g_autofree char *err = NULL;
    g_autofree char *out = ctl (f, 1, &err, "scan", small, NULL);

    g_assert_null (strstr (err, " of 3"));
    g_assert_null (strchr (err, '\r'));
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func, extra) \
  g_test_add (path, Fixture, extra, fixture_setup, func, fixture_teardown)
  ADD ("/scan/parse-forms", test_parse_forms, NULL);
  ADD ("/scan/verdicts", test_verdicts, "status_url=" STATUS_TMPL "\n");
  ADD ("/scan/forged-and-foreign-images", test_forged_and_foreign_images, NULL);
  ADD ("/scan/pdf-pages", test_pdf_pages, NULL);
  ADD ("/scan/bad-files", test_bad_files, NULL);
  ADD ("/scan/huge-images", test_huge_images, NULL);
  ADD ("/scan/okienkoctl", test_okienkoctl, "hotline=+48 42 000 00 00\n");
  ADD ("/scan/hostile-payloads", test_hostile_payloads, NULL);
  ADD ("/scan/nul-payload", test_nul_payload, NULL);
  ADD ("/scan/damaged-files", test_damaged_files, NULL);
  ADD ("/scan/cmyk-jpeg", test_cmyk_jpeg, NULL);
  ADD ("/scan/one-after-another", test_one_after_another, NULL);
  ADD ("/scan/pdf-every-page", test_pdf_every_page, NULL);
  ADD ("/scan/pdf-fonts-threads", test_pdf_fonts_threads, NULL);
  ADD ("/scan/page-cap", test_page_cap, NULL);
  ADD ("/scan/progress-and-interrupt", test_progress_and_interrupt, NULL);
#undef ADD
  return g_test_run ();
}
