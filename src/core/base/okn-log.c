/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-log.c: log lines for the systemd journal, with fields to filter on
 *
 * Why our own journal writer rather than GLib's: GLib's default writer
 * drops info lines (the sync's record events) unless G_MESSAGES_DEBUG is
 * set, and its journal writer only knows journald's one socket, so a test
 * could not read back what the daemon sends. This writer speaks journald's
 * native protocol (systemd.journal-fields(7), "Native Protocol") to
 * /run/systemd/journal/socket when standard error is the journal (as
 * under systemd), or to $OKIENKO_JOURNAL_SOCKET when that is set; anywhere
 * else it leaves the line to GLib's default writer, unchanged.
 */
#define G_LOG_DOMAIN "okn-log"

#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "okienko/okn-log.h"
#include "okienko/okn-text.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* ---- the journal's native protocol ------------------------------------------ */

typedef struct
{
  char *path;                  /* (nullable) NULL: not logging to a journal */
  int fd;
} Journal;

static Journal *
journal_get (void)
{
  static Journal journal = { NULL, -1 };
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      const char *override = g_getenv ("OKIENKO_JOURNAL_SOCKET");

      if (override && *override)
        journal.path = g_strdup (override);
      else if (g_log_writer_is_journald (fileno (stderr)))
        journal.path = g_strdup (JOURNAL_SOCKET);
      if (journal.path)
        journal.fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      g_once_init_leave (&once, 1);
    }
  return &journal;
}

/* KEY=value, or for a value with a newline KEY, its length as 64-bit
 * little-endian and the bytes, each field ending in a newline. */
static void
append_field (GString    *out,
              const char *key,
              const void *value,
              gsize       length)
{
  g_string_append (out, key);
  if (memchr (value, '\n', length) == NULL)
    {
      g_string_append_c (out, '=');
      g_string_append_len (out, value, length);
    }
  else
    {
      guint64 le = GUINT64_TO_LE ((guint64) length);

      g_string_append_c (out, '\n');
      g_string_append_len (out, (const char *) &le, sizeof le);
      g_string_append_len (out, value, length);
    }
  g_string_append_c (out, '\n');
}

/* Journal field names are upper case letters, digits and _, not starting
 * with a digit or _ (those are journald's own). */
static gboolean
is_journal_key (const char *key)
{
  if (key == NULL || !g_ascii_isupper (key[0]))
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_isupper (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
journal_send (Journal         *journal,
              const GLogField *fields,
              gsize            n_fields)
{
  g_autoptr (GString) out = g_string_new (NULL);
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  gboolean identified = FALSE;
  ssize_t sent;

  if (journal->fd < 0 || strlen (journal->path) >= sizeof sa.sun_path)
    return FALSE;
  g_strlcpy (sa.sun_path, journal->path, sizeof sa.sun_path);

  for (gsize i = 0; i < n_fields; i++)
    {
      const GLogField *f = &fields[i];
      gsize length = f->length < 0 ? strlen (f->value) : (gsize) f->length;

      /* A structured caller may pass a key journald would refuse. */
      if (!is_journal_key (f->key))
        continue;
      identified |= g_str_equal (f->key, "SYSLOG_IDENTIFIER");
      append_field (out, f->key, f->value ? f->value : "", f->value ? length : 0);
    }
  /* The program, not the command ("okienkoctl sync" is one prgname). */
  if (!identified && g_get_prgname ())
    append_field (out, "SYSLOG_IDENTIFIER", g_get_prgname (), strcspn (g_get_prgname (), " "));

  do
    sent = sendto (journal->fd, out->str, out->len, MSG_NOSIGNAL, (struct sockaddr *) &sa, sizeof sa);
  while (sent < 0 && errno == EINTR);
  return sent == (ssize_t) out->len;
}

static const char *
priority_of (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "3";
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return "4";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "5";
  if (level & G_LOG_LEVEL_INFO)
    return "6";
  return "7";
}

/* ---- public ----------------------------------------------------------------- */

/**
 * okn_log_record:
 * @log_domain: the caller's G_LOG_DOMAIN
 * @level: G_LOG_LEVEL_INFO for the expected, WARNING for what needs a person
 * @record: the record's public facts
 * @format: the human-readable message (printf format)
 *
 * Logs one event about a record with the journal fields TICKET, UUID,
 * STATE and, when known, SERVICE_REQUEST_ID and SERVER_STATUS. Every
 * value is made safe to show first (the server's words are outside text).
 *
 * @level sets the journal's PRIORITY only: the line itself is logged at
 * GLib's info level, so that a refusal is never fatal in a test
 * (g_test_init() makes warnings abort) and GLib's default writer, which
 * drops info lines, does not repeat on a terminal what the front ends
 * already say there.
 */
void
okn_log_record (const char         *log_domain,
                GLogLevelFlags      level,
                const OknLogRecord *record,
                const char         *format,
                ...)
{
  g_autofree char *raw = NULL;
  g_autofree char *message = NULL;
  g_autofree char *ticket = okn_text_display_line (record->ticket ? record->ticket : "", -1);
  g_autofree char *uuid = okn_text_display_line (record->uuid ? record->uuid : "", -1);
  g_autofree char *id = record->service_request_id
                          ? okn_text_display_line (record->service_request_id, -1) : NULL;
  g_autofree char *status = record->server_status ? okn_text_display_line (record->server_status, -1) : NULL;
  GLogField fields[9];
  gsize n = 0;
  va_list ap;

  va_start (ap, format);
  raw = g_strdup_vprintf (format, ap);
  va_end (ap);
  message = okn_text_display_line (raw, -1);

  fields[n++] = (GLogField) { "MESSAGE", message, -1 };
  fields[n++] = (GLogField) { "PRIORITY", priority_of (level), -1 };
  fields[n++] = (GLogField) { "GLIB_DOMAIN", log_domain, -1 };
  fields[n++] = (GLogField) { "TICKET", ticket, -1 };
  fields[n++] = (GLogField) { "UUID", uuid, -1 };
  fields[n++] = (GLogField) { "STATE", okn_sync_state_to_string (record->state), -1 };
  if (id)
    fields[n++] = (GLogField) { "SERVICE_REQUEST_ID", id, -1 };
  if (status)
    fields[n++] = (GLogField) { "SERVER_STATUS", status, -1 };
  g_log_structured_array (G_LOG_LEVEL_INFO, fields, n);
}

/**
 * okn_log_writer:
 *
 * A #GLogWriterFunc for g_log_set_writer_func(): to the systemd journal,
 * info lines included, when standard error is the journal or
 * $OKIENKO_JOURNAL_SOCKET names a journal socket; everywhere else GLib's
 * default writer, as if this one were not installed.
 *
 * Returns: whether the line was handled
 */
GLogWriterOutput
okn_log_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  Journal *journal = journal_get ();
  const char *domain = NULL;

  if (journal->path == NULL)
    return g_log_writer_default (log_level, fields, n_fields, user_data);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      domain = fields[i].value;
  if ((log_level & G_LOG_LEVEL_DEBUG) && g_log_writer_default_would_drop (log_level, domain))
    return G_LOG_WRITER_HANDLED;
  if (journal_send (journal, fields, n_fields))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}
