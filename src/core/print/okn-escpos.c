/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-escpos.c: raw ESC/POS raster output to a device file or TCP port */
#define G_LOG_DOMAIN "okn-escpos"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-escpos.h"

G_DEFINE_QUARK (okn-escpos-error-quark, okn_escpos_error)

#define ESC 0x1b
#define GS  0x1d

/**
 * okn_escpos_options_init:
 * @options: (out caller-allocates): the options to fill
 *
 * Sets the defaults: 4 lines of feed, a partial cut, 10 s timeout, bands of
 * %OKN_ESCPOS_DEFAULT_BAND_ROWS rows.
 */
void
okn_escpos_options_init (OknEscposOptions *options)
{
  options->feed_lines = 4;
  options->cut = OKN_ESCPOS_CUT_PARTIAL;
  options->timeout = 10;
  options->band_rows = OKN_ESCPOS_DEFAULT_BAND_ROWS;
  options->check_paper = FALSE;
}

gboolean
okn_escpos_cut_from_string (const char   *s,
                            OknEscposCut *out)
{
  static const char *const names[] = { "none", "partial", "full" };

  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (s, names[i]) == 0)
      {
        *out = (OknEscposCut) i;
        return TRUE;
      }
  return FALSE;
}

const char *
okn_escpos_cut_to_string (OknEscposCut cut)
{
  switch (cut)
    {
    case OKN_ESCPOS_CUT_NONE:
      return "none";
    case OKN_ESCPOS_CUT_PARTIAL:
      return "partial";
    case OKN_ESCPOS_CUT_FULL:
      return "full";
    default:
      return NULL;
    }
}

/**
 * okn_escpos_options_from_config:
 * @options: (out caller-allocates): the options to fill
 * @config: the configuration (`escpos.feed_lines`, `escpos.cut`,
 *   `escpos.timeout`, `escpos.check_paper`)
 *
 * Fills @options from the configuration, defaults where a key is unset.
 *
 * Returns: %FALSE with %OKN_ESCPOS_ERROR_INVALID when `escpos.cut` is not
 *   none, partial or full
 */
gboolean
okn_escpos_options_from_config (OknEscposOptions *options,
                                OknConfig        *config,
                                GError          **error)
{
  g_autofree char *cut = NULL;

  okn_escpos_options_init (options);
  options->feed_lines = (guint) CLAMP (okn_config_get_int (config, "escpos.feed_lines"), 0, 255);
  options->timeout = (guint) CLAMP (okn_config_get_int (config, "escpos.timeout"), 1, 600);
  options->check_paper = okn_config_get_bool (config, "escpos.check_paper");
  cut = okn_config_get_string (config, "escpos.cut");
  if (cut != NULL && !okn_escpos_cut_from_string (cut, &options->cut))
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                   _("escpos.cut: “%s” is not one of full, partial or none."), cut);
      return FALSE;
    }
  return TRUE;
}

/**
 * okn_escpos_encode:
 * @bitmap: the ticket, 1 = black, rows MSB first
 * @options: (nullable): feed, cut and banding; %NULL for the defaults
 *
 * Builds the byte stream: ESC @, then the raster as "GS v 0" commands
 * (m = 0, xL xH = bytes per row, yL yH = rows of the band), then ESC d n
 * when a feed is asked for, then GS V 0 (full cut) or GS V 1 (partial).
 *
 * Returns: (transfer full): the bytes to send
 */
GBytes *
okn_escpos_encode (const OknBitmap        *bitmap,
                   const OknEscposOptions *options,
                   GError                **error)
{
  OknEscposOptions defaults;
  g_autoptr (GByteArray) out = NULL;
  guint band;

  if (options == NULL)
    {
      okn_escpos_options_init (&defaults);
      options = &defaults;
    }
  if (bitmap == NULL || bitmap->bits == NULL || bitmap->width == 0 || bitmap->height == 0
      || bitmap->stride != (bitmap->width + 7) / 8 || bitmap->stride > 0xffff)
    {
      g_set_error_literal (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                           _("The ticket image is empty or too wide for an ESC/POS printer."));
      return NULL;
    }
  if (options->feed_lines > 255 || options->band_rows == 0 || options->band_rows > 4095
      || options->cut > OKN_ESCPOS_CUT_FULL)
    {
      g_set_error_literal (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                           _("ESC/POS options out of range: feed lines must be 0-255 and "
                             "band rows 1-4095."));
      return NULL;
    }

  out = g_byte_array_sized_new ((guint) ((gsize) bitmap->stride * bitmap->height
                                         + 8 * (bitmap->height / options->band_rows + 2)));
  {
    const guint8 init[] = { ESC, '@' };

    g_byte_array_append (out, init, sizeof init);
  }

  for (guint y = 0; y < bitmap->height; y += band)
    {
      guint8 header[8];

      band = MIN (options->band_rows, bitmap->height - y);
      header[0] = GS;
      header[1] = 'v';
      header[2] = '0';
      header[3] = 0; /* normal density */
      header[4] = (guint8) (bitmap->stride & 0xff);
      header[5] = (guint8) (bitmap->stride >> 8);
      header[6] = (guint8) (band & 0xff);
      header[7] = (guint8) (band >> 8);
      g_byte_array_append (out, header, sizeof header);
      g_byte_array_append (out, bitmap->bits + (gsize) y * bitmap->stride,
                           (guint) ((gsize) band * bitmap->stride));
    }

  if (options->feed_lines > 0)
    {
      const guint8 feed[] = { ESC, 'd', (guint8) options->feed_lines };

      g_byte_array_append (out, feed, sizeof feed);
    }
  if (options->cut != OKN_ESCPOS_CUT_NONE)
    {
      const guint8 cut[] = { GS, 'V', options->cut == OKN_ESCPOS_CUT_FULL ? 0 : 1 };

      g_byte_array_append (out, cut, sizeof cut);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* DLE EOT 4: "transmit roll paper sensor status". The printer answers one
 * byte: 0xx1 0x10 fixed (mask 0x93 = 0x12), bits 5-6 set when the roll is
 * out, bits 2-3 when it is nearly out. */
static const guint8 paper_status_request[] = { 0x10, 0x04, 0x04 };

/**
 * okn_escpos_paper_status_ok:
 * @status: the byte a printer answered to DLE EOT 4
 * @paper_out: (out): whether the roll is out
 *
 * Returns: %FALSE when @status is not a DLE EOT 4 answer at all
 */
gboolean
okn_escpos_paper_status_ok (guint8    status,
                            gboolean *paper_out)
{
  *paper_out = (status & 0x60) != 0;
  return (status & 0x93) == 0x12;
}

static gboolean
judge_paper_status (const char *destination,
                    guint8      status,
                    GError    **error)
{
  gboolean out;

  if (!okn_escpos_paper_status_ok (status, &out))
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                   _("Receipt printer %s answered the paper status request with 0x%02x, which "
                     "is not a paper status: set escpos.check_paper to false for this printer."),
                   destination, status);
      return FALSE;
    }
  if (out)
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_PAPER,
                   _("Receipt printer %s is out of paper. Load a new roll, then print again."),
                   destination);
      return FALSE;
    }
  return TRUE;
}

static void
set_no_answer_error (GError    **error,
                     const char *destination,
                     guint       timeout)
{
  g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT,
               _("Receipt printer %s did not answer the paper status request within %u s: is "
                 "it switched on? If it cannot answer, set escpos.check_paper to false."),
               destination, timeout);
}

typedef enum
{
  WAIT_READY,
  WAIT_TIMED_OUT,
  WAIT_FAILED,     /* errno says why */
  WAIT_CANCELLED,  /* @error is set */
} WaitResult;

/* Waits until @fd is ready for @events, the deadline passes or
 * @cancellable is cancelled. The cancellable's fd wakes the poll at once:
 * a send cancelled while the printer is silent stops then, not at
 * escpos.timeout. */
static WaitResult
wait_fd (int           fd,
         short         events,
         gint64        deadline,
         GCancellable *cancellable,
         GError      **error)
{
  GPollFD cancel_fd = { .fd = -1 };
  WaitResult result;
  int saved = 0;

  if (cancellable)
    g_cancellable_make_pollfd (cancellable, &cancel_fd);
  for (;;)
    {
      struct pollfd pfd[2] = { { .fd = fd, .events = events },
                               { .fd = cancel_fd.fd, .events = POLLIN } };
      gint64 left = deadline - g_get_monotonic_time ();
      int n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          result = WAIT_CANCELLED;
          break;
        }
      if (left <= 0)
        {
          result = WAIT_TIMED_OUT;
          break;
        }
      n = poll (pfd, cancel_fd.fd >= 0 ? 2 : 1, (int) MIN (left / 1000 + 1, 200));
      if (n > 0 && pfd[0].revents != 0)
        {
          result = WAIT_READY;
          break;
        }
      if (n < 0 && errno != EINTR)
        {
          saved = errno;
          result = WAIT_FAILED;
          break;
        }
    }
  if (cancellable)
    g_cancellable_release_fd (cancellable);
  errno = saved;
  return result;
}

static gboolean
write_fd (int           fd,
          const char   *path,
          const guint8 *p,
          gsize         len,
          guint         timeout,
          gint64        deadline,
          GCancellable *cancellable,
          GError      **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n;
      WaitResult ready;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      n = write (fd, p + done, len - done);
      if (n > 0)
        {
          done += (gsize) n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        {
          int saved = errno;

          g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                       _("Writing to receipt printer %s failed after %lu of %lu bytes: %s"),
                       path, (unsigned long) done, (unsigned long) len, g_strerror (saved));
          return FALSE;
        }
      ready = wait_fd (fd, POLLOUT, deadline, cancellable, error);
      if (ready == WAIT_CANCELLED)
        return FALSE;
      if (ready == WAIT_FAILED)
        {
          int saved = errno;

          g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                       _("Waiting for receipt printer %s failed: %s"), path, g_strerror (saved));
          return FALSE;
        }
      if (ready == WAIT_TIMED_OUT)
        {
          g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT,
                       _("Receipt printer %s took more than %u s to accept the ticket "
                         "(%lu of %lu bytes sent): is it out of paper or switched off?"),
                       path, timeout, (unsigned long) done, (unsigned long) len);
          return FALSE;
        }
    }
  return TRUE;
}

/* A device file: open without blocking, so that a printer that is switched
 * off or out of paper cannot hang us; then wait for it with poll() up to the
 * deadline. */
static gboolean
send_to_device (const char   *path,
                GBytes       *data,
                guint         timeout,
                gboolean      check_paper,
                GCancellable *cancellable,
                GError      **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout * G_USEC_PER_SEC;
  gboolean ok = FALSE;
  GStatBuf st;
  int fd;

  /* O_TRUNC matters for a regular file standing in for the device; Linux
   * ignores it on character devices. No O_CREAT: a missing /dev/usb/lp0
   * must be an error, not a new file. Read access only to ask for the
   * paper status. */
  fd = g_open (path, (check_paper ? O_RDWR : O_WRONLY) | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_TRUNC,
               0);
  if (fd < 0)
    {
      int saved = errno;

      if (saved == ENOENT || saved == ENODEV || saved == ENXIO)
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_DEVICE,
                     _("Receipt printer %s not found: is it connected and switched on?"), path);
      else if (saved == EACCES || saved == EPERM)
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_DEVICE,
                     _("No permission to write to receipt printer %s: the user must be in "
                       "the group that owns it (usually “lp”)."),
                     path);
      else if (saved == EISDIR)
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                     _("Receipt printer %s is a folder, not a device."), path);
      else
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_NO_DEVICE,
                     _("Cannot open receipt printer %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  /* A regular file standing in for a printer cannot answer. */
  if (check_paper && fstat (fd, &st) == 0 && S_ISCHR (st.st_mode))
    {
      guint8 status;
      ssize_t n = -1;
      WaitResult ready;

      if (!write_fd (fd, path, paper_status_request, sizeof paper_status_request, timeout,
                     deadline, cancellable, error))
        goto out;
      while ((ready = wait_fd (fd, POLLIN, deadline, cancellable, error)) == WAIT_READY
             && (n = read (fd, &status, 1)) < 0 && (errno == EAGAIN || errno == EINTR))
        ;
      if (ready == WAIT_CANCELLED)
        goto out;
      if (n != 1)
        {
          set_no_answer_error (error, path, timeout);
          goto out;
        }
      if (!judge_paper_status (path, status, error))
        goto out;
    }

  ok = write_fd (fd, path, p, len, timeout, deadline, cancellable, error);

out:
  if (close (fd) < 0 && ok)
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                   _("Writing to receipt printer %s failed: %s"), path, g_strerror (errno));
      ok = FALSE;
    }
  return ok;
}

static void
set_network_error (GError    **error,
                   const char *destination,
                   guint       timeout,
                   GError     *cause,
                   gboolean    connected,
                   gsize       done,
                   gsize       len)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      if (connected)
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT,
                     _("Receipt printer %s stopped taking data for %u s (%lu of %lu "
                       "bytes sent): is it out of paper or busy?"),
                     destination, timeout, (unsigned long) done, (unsigned long) len);
      else
        g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_TIMEOUT,
                     _("Receipt printer %s did not answer within %u s: is it switched on "
                       "and on the network?"),
                     destination, timeout);
    }
  else if (!connected)
    g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_REFUSED,
                 _("Cannot connect to receipt printer %s: %s"), destination, cause->message);
  else
    g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                 _("Sending to receipt printer %s failed after %lu of %lu "
                   "bytes: %s"),
                 destination, (unsigned long) done, (unsigned long) len, cause->message);
}

/* DLE EOT 4 over the connection that will carry the ticket. */
static gboolean
check_paper_network (const char        *destination,
                     GSocketConnection *conn,
                     guint              timeout,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_autoptr (GError) local_error = NULL;
  GOutputStream *os = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GInputStream *is = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  guint8 status;
  gssize n;

  if (!g_output_stream_write_all (os, paper_status_request, sizeof paper_status_request, NULL,
                                  cancellable, &local_error))
    {
      set_network_error (error, destination, timeout, local_error, TRUE, 0,
                         sizeof paper_status_request);
      return FALSE;
    }
  n = g_input_stream_read (is, &status, 1, cancellable, &local_error);
  if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (n < 0 && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      set_no_answer_error (error, destination, timeout);
      return FALSE;
    }
  if (n != 1)
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_IO,
                   _("Receipt printer %s closed the connection instead of answering the paper "
                     "status request%s%s"),
                   destination, local_error ? ": " : ".",
                   local_error ? local_error->message : "");
      return FALSE;
    }
  return judge_paper_status (destination, status, error);
}

static gboolean
send_to_network (const char         *destination,
                 GSocketConnectable *address,
                 GBytes             *data,
                 guint               timeout,
                 gboolean            check_paper,
                 GCancellable       *cancellable,
                 GError            **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) local_error = NULL;
  GOutputStream *os;
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  gsize done = 0;

  /* The timeout covers the connect and then every single write: a printer
   * that stops reading (paper out, cover open) is noticed. */
  g_socket_client_set_timeout (client, timeout);
  g_socket_client_set_protocol (client, G_SOCKET_PROTOCOL_TCP);
  conn = g_socket_client_connect (client, address, cancellable, &local_error);
  if (conn == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      set_network_error (error, destination, timeout, local_error, FALSE, 0, len);
      return FALSE;
    }
  if (check_paper && !check_paper_network (destination, conn, timeout, cancellable, error))
    return FALSE;

  os = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  if (!g_output_stream_write_all (os, p, len, &done, cancellable, &local_error)
      || !g_output_stream_flush (os, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_network_error (error, destination, timeout, local_error, TRUE, done, len);
      return FALSE;
    }
  if (!g_io_stream_close (G_IO_STREAM (conn), cancellable, &local_error))
    {
      set_network_error (error, destination, timeout, local_error, TRUE, done, len);
      return FALSE;
    }
  return TRUE;
}

static gboolean
send_full (const char   *destination,
           GBytes       *data,
           guint         timeout,
           gboolean      check_paper,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GSocketConnectable) address = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *target;

  g_return_val_if_fail (data != NULL, FALSE);
  if (timeout == 0)
    timeout = 10;
  if (destination == NULL || *destination == '\0')
    {
      g_set_error_literal (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                           _("No receipt printer given: name a device such as /dev/usb/lp0 "
                             "or a network address such as 192.168.1.50:9100."));
      return FALSE;
    }

  if (strchr (destination, '/') && !g_str_has_prefix (destination, "tcp://"))
    return send_to_device (destination, data, timeout, check_paper, cancellable, error);

  target = g_str_has_prefix (destination, "tcp://") ? destination + 6 : destination;
  if (strchr (target, '/') != NULL)
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                   _("“%s” is not a network address: use HOST or HOST:PORT."), destination);
      return FALSE;
    }
  address = g_network_address_parse (target, OKN_ESCPOS_DEFAULT_PORT, &local_error);
  if (address == NULL)
    {
      g_set_error (error, OKN_ESCPOS_ERROR, OKN_ESCPOS_ERROR_INVALID,
                   _("“%s” is neither a device path nor a network address (HOST:PORT): %s"),
                   destination, local_error->message);
      return FALSE;
    }
  return send_to_network (destination, address, data, timeout, check_paper, cancellable, error);
}

/**
 * okn_escpos_send:
 * @destination: a device path (anything with a `/`, e.g. `/dev/usb/lp0`)
 *   or `HOST[:PORT]` / `[IPv6]:PORT` (port 9100 when none is given); a
 *   `tcp://` prefix is allowed
 * @data: the bytes, usually from okn_escpos_encode()
 * @timeout: seconds for the connect and for each write
 *
 * Sends @data as it is. Blocks: call it from a worker thread.
 *
 * Returns: %TRUE when every byte was handed to the printer
 */
gboolean
okn_escpos_send (const char   *destination,
                 GBytes       *data,
                 guint         timeout,
                 GCancellable *cancellable,
                 GError      **error)
{
  return send_full (destination, data, timeout, FALSE, cancellable, error);
}

/**
 * okn_escpos_print:
 * @destination: see okn_escpos_send()
 * @bitmap: the ticket
 * @options: (nullable): feed, cut, timeout, paper check; %NULL for the
 *   defaults
 *
 * Encodes @bitmap and sends it; with @options->check_paper, first asks the
 * printer for its paper status (DLE EOT 4) on the same connection and sends
 * nothing when the roll is out. Blocks.
 */
gboolean
okn_escpos_print (const char             *destination,
                  const OknBitmap        *bitmap,
                  const OknEscposOptions *options,
                  GCancellable           *cancellable,
                  GError                **error)
{
  g_autoptr (GBytes) data = okn_escpos_encode (bitmap, options, error);

  if (data == NULL)
    return FALSE;
  return send_full (destination, data, options ? options->timeout : 10,
                    options ? options->check_paper : FALSE, cancellable, error);
}
