/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-escpos.c: raw ESC/POS to a TCP listener on 127.0.0.1 and to a file
 *
 * The byte stream is parsed back (ESC @, GS v 0 bands, feed, cut), the
 * raster is reassembled from it and zbar must read the ticket off it. */
#define _GNU_SOURCE /* posix_openpt() */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "okienko/okn-escpos.h"
#include "okienko/okn-ticket-layout.h"
#include "okn-test-common.h"
#include "okn-test-zbar.h"

static OknTestPrintable sample;

/* --- a TCP listener on 127.0.0.1 --------------------------------------- */

enum
{
  REPLY_NONE = -1,           /* not asked: read everything */
  REPLY_SILENT = -2,         /* asked, but never answers */
};

typedef struct
{
  GSocketListener *listener;
  guint16 port;
  gboolean read;             /* FALSE: accept, then never read */
  int reply;                 /* REPLY_NONE, REPLY_SILENT or the status byte to
                              * answer DLE EOT 4 with */
  GCancellable *stop;
  GByteArray *received;
  GThread *thread;
} Server;

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) conn = g_socket_listener_accept (s->listener, NULL, s->stop,
                                                                 &error);
  GInputStream *is;
  guint8 buf[65536];
  gssize n;

  if (conn == NULL)
    return NULL;
  if (!s->read)
    {
      /* A printer that took the connection and then stopped taking paper
       * data; bounded by the test, which cancels s->stop. */
      while (!g_cancellable_is_cancelled (s->stop))
        g_usleep (10000);
      return NULL;
    }
  is = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  if (s->reply != REPLY_NONE)
    {
      gsize got = 0;

      /* A printer that answers the paper status request first. */
      g_input_stream_read_all (is, buf, 3, &got, s->stop, &error);
      g_assert_no_error (error);
      g_byte_array_append (s->received, buf, (guint) got);
      if (s->reply == REPLY_SILENT)
        {
          while (!g_cancellable_is_cancelled (s->stop))
            g_usleep (10000);
          return NULL;
        }
      buf[0] = (guint8) s->reply;
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), buf, 1, NULL,
                                 s->stop, &error);
      g_assert_no_error (error);
    }
  while ((n = g_input_stream_read (is, buf, sizeof buf, s->stop, &error)) > 0)
    g_byte_array_append (s->received, buf, (guint) n);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_assert_no_error (error);
  return NULL;
}

static Server *
server_start_full (gboolean read,
                   int      reply)
{
  Server *s = g_new0 (Server, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) sock = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  /* A small receive buffer makes a reader that stops show up quickly. */
  if (!read)
    g_socket_set_option (sock, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  g_socket_bind (sock, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (sock, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (sock, &error);
  g_assert_no_error (error);
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  s->listener = g_socket_listener_new ();
  g_socket_listener_add_socket (s->listener, sock, NULL, &error);
  g_assert_no_error (error);
  s->read = read;
  s->reply = reply;
  s->stop = g_cancellable_new ();
  s->received = g_byte_array_new ();
  s->thread = g_thread_new ("escpos-server", server_thread, s);
  return s;
}

static Server *
server_start (gboolean read)
{
  return server_start_full (read, REPLY_NONE);
}

static char *
server_destination (Server *s)
{
  return g_strdup_printf ("127.0.0.1:%u", s->port);
}

/* Waits for the client to finish (the thread reads to EOF), then frees.
 * @abort: the client failed and may never have connected. */
static GBytes *
server_finish_full (Server  *s,
                    gboolean abort)
{
  GBytes *bytes;

  if (!s->read || abort || s->reply == REPLY_SILENT)
    g_cancellable_cancel (s->stop);
  g_thread_join (s->thread);
  g_socket_listener_close (s->listener);
  g_object_unref (s->listener);
  g_object_unref (s->stop);
  bytes = g_byte_array_free_to_bytes (s->received);
  g_free (s);
  return bytes;
}

static GBytes *
server_finish (Server *s)
{
  return server_finish_full (s, FALSE);
}

/* --- parsing the stream back ------------------------------------------- */

/* Checks the stream's shape and returns the raster it carries. */
static OknBitmap *
parse_stream (GBytes                 *bytes,
              guint                   expect_stride,
              const OknEscposOptions *options,
              guint                  *n_bands)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  const guint8 *end = p + len;
  g_autoptr (GByteArray) raster = g_byte_array_new ();
  guint rows = 0;
  OknBitmap *bitmap;

  *n_bands = 0;
  g_assert_cmpuint (len, >=, 2);
  g_assert_cmphex (p[0], ==, 0x1b); /* ESC @: initialise */
  g_assert_cmphex (p[1], ==, '@');
  p += 2;

  while (end - p >= 8 && p[0] == 0x1d && p[1] == 'v' && p[2] == '0')
    {
      guint stride = p[4] | (p[5] << 8);
      guint band = p[6] | (p[7] << 8);

      g_assert_cmpuint (p[3], ==, 0); /* m = 0: normal density */
      g_assert_cmpuint (stride, ==, expect_stride);
      g_assert_cmpuint (band, >=, 1);
      g_assert_cmpuint (band, <=, options->band_rows);
      p += 8;
      g_assert_cmpint (end - p, >=, (gssize) stride * band);
      g_byte_array_append (raster, p, stride * band);
      p += (gsize) stride * band;
      rows += band;
      (*n_bands)++;
    }
  g_assert_cmpuint (*n_bands, >=, 1);

  if (options->feed_lines > 0)
    {
      g_assert_cmpint (end - p, >=, 3);
      g_assert_cmphex (p[0], ==, 0x1b); /* ESC d n: print and feed n lines */
      g_assert_cmphex (p[1], ==, 'd');
      g_assert_cmpuint (p[2], ==, options->feed_lines);
      p += 3;
    }
  if (options->cut != OKN_ESCPOS_CUT_NONE)
    {
      g_assert_cmpint (end - p, >=, 3);
      g_assert_cmphex (p[0], ==, 0x1d); /* GS V m: cut */
      g_assert_cmphex (p[1], ==, 'V');
      g_assert_cmpuint (p[2], ==, options->cut == OKN_ESCPOS_CUT_FULL ? 0 : 1);
      p += 3;
    }
  g_assert_true (p == end);

  bitmap = okn_bitmap_new (expect_stride * 8, rows);
  g_assert_cmpuint (raster->len, ==, (gsize) bitmap->stride * rows);
  memcpy (bitmap->bits, raster->data, raster->len);
  return bitmap;
}

static OknBitmap *
render (OknLayout layout)
{
  g_autoptr (GError) error = NULL;
  OknBitmap *bitmap = okn_layout_render_bitmap (layout, sample.content, OKN_LAYOUT_THERMAL_DPI, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bitmap);
  return bitmap;
}

/* The reassembled raster is the rendered one, bit for bit, and both codes
 * read back to this ticket. */
static void
assert_same_ticket (const OknBitmap *sent,
                    const OknBitmap *got,
                    OknLayout        layout)
{
  g_autoptr (GPtrArray) texts = NULL;

  g_assert_cmpuint (got->width, ==, sent->width);
  g_assert_cmpuint (got->height, ==, sent->height);
  g_assert_cmpmem (got->bits, (gsize) got->stride * got->height, sent->bits,
                   (gsize) sent->stride * sent->height);
  texts = okn_test_zbar_bitmap (got);
  for (guint i = 0; i < texts->len; i++)
    g_test_message ("zbar: %s", (const char *) g_ptr_array_index (texts, i));
  g_assert_true (okn_test_strv_has (texts, okn_ticket_content_get_code128_data (sample.content, layout)));
  g_assert_true (okn_test_strv_has (texts, okn_ticket_content_get_qr_payload (sample.content)));
  g_assert_nonnull (strstr (okn_ticket_content_get_qr_payload (sample.content), sample.record->ticket));
}

/* --- tests ------------------------------------------------------------- */

static void
test_encode_bands (void)
{
  g_autoptr (OknBitmap) b = okn_bitmap_new (385, 250);
  g_autoptr (OknBitmap) got = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  OknEscposOptions o;
  guint bands;

  /* An odd width and a pattern in every row, so a misplaced band shows. */
  for (guint y = 0; y < b->height; y++)
    okn_bitmap_set (b, (y * 7) % b->width, y, TRUE);
  okn_bitmap_set (b, 384, 249, TRUE);

  okn_escpos_options_init (&o);
  o.band_rows = 100;
  o.feed_lines = 0;
  o.cut = OKN_ESCPOS_CUT_NONE;
  bytes = okn_escpos_encode (b, &o, &error);
  g_assert_no_error (error);
  got = parse_stream (bytes, 49, &o, &bands);
  g_assert_cmpuint (bands, ==, 3);
  g_assert_cmpuint (got->height, ==, 250);
  g_assert_cmpmem (got->bits, (gsize) got->stride * 250, b->bits, (gsize) b->stride * 250);
  /* ESC @ + 3 headers + raster, nothing else. */
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, 2 + 3 * 8 + 49 * 250);
}

static void
test_encode_bad (void)
{
  g_autoptr (OknBitmap) empty = okn_bitmap_new (0, 0);
  g_autoptr (OknBitmap) b = okn_bitmap_new (8, 8);
  g_autoptr (GError) error = NULL;
  OknEscposOptions o;
  OknEscposCut cut;

  g_assert_null (okn_escpos_encode (empty, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID);
  g_clear_error (&error);

  okn_escpos_options_init (&o);
  o.feed_lines = 256;
  g_assert_null (okn_escpos_encode (b, &o, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID);

  g_assert_true (okn_escpos_cut_from_string ("FULL", &cut));
  g_assert_cmpint (cut, ==, OKN_ESCPOS_CUT_FULL);
  g_assert_true (okn_escpos_cut_from_string ("none", &cut));
  g_assert_cmpint (cut, ==, OKN_ESCPOS_CUT_NONE);
  g_assert_false (okn_escpos_cut_from_string ("half", &cut));
}

static void
test_config (void)
{
  g_autofree char *path = g_build_filename (sample.dir, "escpos.conf", NULL);
  g_autoptr (OknConfig) config = okn_config_new (path);
  g_autoptr (GError) error = NULL;
  OknEscposOptions o;

  g_assert_true (okn_escpos_options_from_config (&o, config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (o.feed_lines, ==, 4);
  g_assert_cmpint (o.cut, ==, OKN_ESCPOS_CUT_PARTIAL);
  g_assert_cmpuint (o.timeout, ==, 10);

  g_assert_true (okn_config_set (config, "escpos.feed_lines", "0", &error));
  g_assert_true (okn_config_set (config, "escpos.cut", "full", &error));
  g_assert_true (okn_config_set (config, "escpos.timeout", "3", &error));
  g_assert_no_error (error);
  g_assert_true (okn_escpos_options_from_config (&o, config, &error));
  g_assert_cmpuint (o.feed_lines, ==, 0);
  g_assert_cmpint (o.cut, ==, OKN_ESCPOS_CUT_FULL);
  g_assert_cmpuint (o.timeout, ==, 3);

  /* A cut that is none of the three is refused as it is set (and read
   * as the default when a file holds it). */
  g_assert_false (okn_config_set (config, "escpos.cut", "sometimes", &error));
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "escpos.cut"));
  g_clear_error (&error);
  g_assert_true (okn_escpos_options_from_config (&o, config, &error));
  g_assert_cmpint (o.cut, ==, OKN_ESCPOS_CUT_FULL);
}

static void
roundtrip_tcp (OknLayout    layout,
               guint        expect_stride,
               OknEscposCut cut)
{
  g_autoptr (OknBitmap) sent = render (layout);
  g_autoptr (OknBitmap) got = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = NULL;
  Server *s = server_start (TRUE);
  OknEscposOptions o;
  guint bands;

  g_assert_cmpuint (sent->width, ==, expect_stride * 8);
  okn_escpos_options_init (&o);
  o.feed_lines = 5;
  o.cut = cut;
  o.timeout = 10;
  dest = server_destination (s);
  g_assert_true (okn_escpos_print (dest, sent, &o, NULL, &error));
  g_assert_no_error (error);
  bytes = server_finish (s);
  g_test_message ("%s: %u x %u dots, %" G_GSIZE_FORMAT " bytes over TCP",
                  okn_layout_to_string (layout), sent->width, sent->height,
                  g_bytes_get_size (bytes));

  got = parse_stream (bytes, expect_stride, &o, &bands);
  g_assert_cmpuint (bands, ==, (sent->height + o.band_rows - 1) / o.band_rows);
  assert_same_ticket (sent, got, layout);
}

static void
test_tcp_receipt_80 (void)
{
  roundtrip_tcp (OKN_LAYOUT_RECEIPT_80, 72, OKN_ESCPOS_CUT_PARTIAL);
}

static void
test_tcp_receipt_58 (void)
{
  roundtrip_tcp (OKN_LAYOUT_RECEIPT_58, 48, OKN_ESCPOS_CUT_FULL);
}

static void
test_device_file (void)
{
  g_autoptr (OknBitmap) sent = render (OKN_LAYOUT_RECEIPT_58);
  g_autoptr (OknBitmap) got = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (sample.dir, "lp0", NULL);
  g_autofree char *data = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize len;
  OknEscposOptions o;
  guint bands;

  /* Something left from before must not survive in front of the ticket. */
  g_file_set_contents (path, "old contents, longer than nothing", -1, &error);
  g_assert_no_error (error);
  okn_escpos_options_init (&o);
  o.cut = OKN_ESCPOS_CUT_NONE;
  o.feed_lines = 0;
  o.check_paper = TRUE; /* a regular file is not asked: it cannot answer */
  g_assert_true (okn_escpos_print (path, sent, &o, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (data, len);
  got = parse_stream (bytes, 48, &o, &bands);
  assert_same_ticket (sent, got, OKN_LAYOUT_RECEIPT_58);
}

static void
test_device_missing (void)
{
  g_autoptr (OknBitmap) b = okn_bitmap_new (384, 8);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (sample.dir, "no-such-lp", NULL);

  g_assert_false (okn_escpos_print (path, b, NULL, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, path));
  /* and no file was made in its place */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (okn_escpos_print (sample.dir, b, NULL, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID);
}

/* A receipt printer on a device that takes the paper status request and
 * never answers; a pseudo-terminal stands in for /dev/usb/lp0. Closing the
 * window or the kiosk cancels the send: it must stop waiting then, not at
 * escpos.timeout (up to ten minutes). */
typedef struct
{
  int master;
  GCancellable *cancellable;
} SilentDevice;

static gpointer
cancel_once_asked (gpointer data)
{
  SilentDevice *d = data;
  guint8 first;
  ssize_t n;

  /* Blocks until the request arrives (or the device is closed). */
  while ((n = read (d->master, &first, 1)) < 0 && errno == EINTR)
    ;
  if (n == 1)
    g_assert_cmphex (first, ==, 0x10); /* DLE EOT 4 */
  g_cancellable_cancel (d->cancellable);
  return NULL;
}

static void
test_device_cancel_while_waiting (void)
{
  g_autoptr (OknBitmap) sent = render (OKN_LAYOUT_RECEIPT_80);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  SilentDevice d = { .cancellable = cancellable };
  struct termios raw;
  OknEscposOptions o;
  GThread *thread;
  const char *path;

  d.master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (d.master < 0)
    {
      g_test_skip_printf ("no pseudo-terminal to stand in for the printer: %s", g_strerror (errno));
      return;
    }
  g_assert_cmpint (grantpt (d.master), ==, 0);
  g_assert_cmpint (unlockpt (d.master), ==, 0);
  path = ptsname (d.master);
  g_assert_nonnull (path);
  /* Bytes pass as they are, and nothing is echoed back. */
  g_assert_cmpint (tcgetattr (d.master, &raw), ==, 0);
  cfmakeraw (&raw);
  g_assert_cmpint (tcsetattr (d.master, TCSANOW, &raw), ==, 0);

  okn_escpos_options_init (&o);
  o.check_paper = TRUE;
  o.timeout = 20;
  thread = g_thread_new ("silent-device", cancel_once_asked, &d);
  g_assert_false (okn_escpos_print (path, sent, &o, cancellable, &error));
  g_thread_join (thread);
  close (d.master);
  /* Without heeding the cancellation: "did not answer ... within 20 s". */
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_destination (void)
{
  g_autoptr (OknBitmap) b = okn_bitmap_new (384, 8);
  g_autoptr (GError) error = NULL;

  g_assert_false (okn_escpos_print ("", b, NULL, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (okn_escpos_print ("printer:notaport", b, NULL, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "printer:notaport"));
}

static void
test_refused (void)
{
  g_autoptr (OknBitmap) b = okn_bitmap_new (576, 8);
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = NULL;
  OknEscposOptions o;
  guint16 port;

  /* A port that was free a moment ago and now has no listener. */
  {
    g_autoptr (GSocketListener) l = g_socket_listener_new ();

    port = g_socket_listener_add_any_inet_port (l, NULL, &error);
    g_assert_no_error (error);
    g_socket_listener_close (l);
  }
  dest = g_strdup_printf ("127.0.0.1:%u", port);
  okn_escpos_options_init (&o);
  o.timeout = 5;
  g_assert_false (okn_escpos_print (dest, b, &o, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, dest));
}

static void
test_stalled_reader (void)
{
  /* More than the kernel buffers on both sides (4 MiB send maximum, a
   * 4 KiB receive buffer), so the write must wait on the reader. */
  g_autoptr (OknBitmap) b = okn_bitmap_new (576, 150000);
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = NULL;
  Server *s = server_start (FALSE);
  OknEscposOptions o;

  okn_escpos_options_init (&o);
  o.timeout = 1;
  dest = server_destination (s);
  g_assert_false (okn_escpos_print (dest, b, &o, NULL, &error));
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, dest));
  g_test_message ("%s", error->message);
  received = server_finish (s);
}

static void
test_paper_status_bits (void)
{
  gboolean out;

  g_assert_true (okn_escpos_paper_status_ok (0x12, &out));
  g_assert_false (out);
  g_assert_true (okn_escpos_paper_status_ok (0x1e, &out)); /* nearly out: still prints */
  g_assert_false (out);
  g_assert_true (okn_escpos_paper_status_ok (0x72, &out));
  g_assert_true (out);
  g_assert_false (okn_escpos_paper_status_ok (0x00, &out));
  g_assert_false (okn_escpos_paper_status_ok (0xff, &out));
}

/* With check_paper the printer is asked first, on the same connection. */
static void
run_paper (int      reply,
           GBytes **received,
           GError **error)
{
  g_autoptr (OknBitmap) sent = render (OKN_LAYOUT_RECEIPT_80);
  g_autofree char *dest = NULL;
  Server *s = server_start_full (TRUE, reply);
  OknEscposOptions o;
  gboolean ok;

  okn_escpos_options_init (&o);
  o.check_paper = TRUE;
  o.timeout = 1;
  dest = server_destination (s);
  ok = okn_escpos_print (dest, sent, &o, NULL, error);
  g_assert_true (ok == (*error == NULL));
  *received = server_finish (s);
  if (ok)
    {
      g_autoptr (GBytes) rest = NULL;
      g_autoptr (OknBitmap) got = NULL;
      guint bands;

      g_assert_cmpuint (g_bytes_get_size (*received), >, 3);
      rest = g_bytes_new_from_bytes (*received, 3, g_bytes_get_size (*received) - 3);
      got = parse_stream (rest, 72, &o, &bands);
      assert_same_ticket (sent, got, OKN_LAYOUT_RECEIPT_80);
    }
}

static void
assert_asked_only (GBytes *received,
                   gboolean only)
{
  const guint8 *p = g_bytes_get_data (received, NULL);

  g_assert_cmpuint (g_bytes_get_size (received), >=, 3);
  g_assert_cmphex (p[0], ==, 0x10); /* DLE EOT 4 */
  g_assert_cmphex (p[1], ==, 0x04);
  g_assert_cmphex (p[2], ==, 0x04);
  if (only)
    g_assert_cmpuint (g_bytes_get_size (received), ==, 3);
}

static void
test_paper_present (void)
{
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GError) error = NULL;

  run_paper (0x12, &received, &error);
  g_assert_no_error (error);
  assert_asked_only (received, FALSE);
}

static void
test_paper_out (void)
{
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GError) error = NULL;

  run_paper (0x72, &received, &error);
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_PAPER);
  g_test_message ("%s", error->message);
  /* Nothing of the ticket was sent to a printer without paper. */
  assert_asked_only (received, TRUE);
}

static void
test_paper_no_answer (void)
{
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GError) error = NULL;

  run_paper (REPLY_SILENT, &received, &error);
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "escpos.check_paper"));
  g_test_message ("%s", error->message);
  assert_asked_only (received, TRUE);
}

static void
test_paper_garbage (void)
{
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GError) error = NULL;

  run_paper (0xff, &received, &error);
  g_assert_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "0xff"));
  assert_asked_only (received, TRUE);
}

/* okienkoctl print --escpos, with feed and cut from the configuration. */
static void
test_ctl_escpos (void)
{
  g_autofree char *conf = g_build_filename (sample.dir, "ctl.conf", NULL);
  g_autoptr (OknConfig) config = okn_config_new (conf);
  g_autoptr (OknBitmap) got = NULL;
  g_autoptr (OknBitmap) sent = render (OKN_LAYOUT_RECEIPT_58);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dest = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  Server *s;
  OknEscposOptions o;
  guint bands;
  int rc;

  okn_config_set (config, "escpos.cut", "full", &error);
  okn_config_set (config, "escpos.feed_lines", "2", &error);
  okn_config_save (config, &error);
  g_assert_no_error (error);

  s = server_start (TRUE);
  dest = server_destination (s);
  rc = okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket, "--layout",
                         "receipt-58", "--escpos", dest, NULL);
  g_test_message ("%s%s", out, err);
  bytes = server_finish_full (s, rc != 0);
  g_assert_cmpint (rc, ==, 0);
  okn_escpos_options_init (&o);
  o.cut = OKN_ESCPOS_CUT_FULL;
  o.feed_lines = 2;
  got = parse_stream (bytes, 48, &o, &bands);
  /* The command line renders the same ticket as the core does here. */
  assert_same_ticket (sent, got, OKN_LAYOUT_RECEIPT_58);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Only receipts go raw. */
  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket,
                                     "--layout", "label", "--escpos", dest, NULL),
                   ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nothing listens there any more: exit 4, the address named. */
  g_assert_cmpint (okn_test_run_ctl (sample.db, conf, NULL, &out, &err, "print", sample.record->ticket,
                                     "--escpos", dest, NULL),
                   ==, 4);
  g_assert_nonnull (strstr (err, dest));
}

int
main (int    argc,
      char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  okn_test_printable_init (&sample, "K03", "Zażółć Gęślą-Jaźń", "Wniosek o wycięcie drzewa");

  g_test_add_func ("/escpos/encode/bands", test_encode_bands);
  g_test_add_func ("/escpos/encode/bad", test_encode_bad);
  g_test_add_func ("/escpos/config", test_config);
  g_test_add_func ("/escpos/tcp/receipt-80", test_tcp_receipt_80);
  g_test_add_func ("/escpos/tcp/receipt-58", test_tcp_receipt_58);
  g_test_add_func ("/escpos/device/file", test_device_file);
  g_test_add_func ("/escpos/device/missing", test_device_missing);
  g_test_add_func ("/escpos/device/cancel-while-waiting", test_device_cancel_while_waiting);
  g_test_add_func ("/escpos/bad-destination", test_bad_destination);
  g_test_add_func ("/escpos/tcp/refused", test_refused);
  g_test_add_func ("/escpos/tcp/stalled", test_stalled_reader);
  g_test_add_func ("/escpos/okienkoctl", test_ctl_escpos);
  g_test_add_func ("/escpos/paper/status-bits", test_paper_status_bits);
  g_test_add_func ("/escpos/paper/present", test_paper_present);
  g_test_add_func ("/escpos/paper/out", test_paper_out);
  g_test_add_func ("/escpos/paper/no-answer", test_paper_no_answer);
  g_test_add_func ("/escpos/paper/garbage", test_paper_garbage);
  rc = g_test_run ();

  okn_test_printable_clear (&sample);
  return rc;
}
