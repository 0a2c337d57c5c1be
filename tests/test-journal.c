/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-journal.c: okienkoctl sync's record events reach the systemd journal
 * with the fields TICKET, UUID, STATE, SERVICE_REQUEST_ID, SERVER_STATUS,
 * and never the API key
 *
 * The test plays journald: it binds a datagram socket in a temporary folder
 * and points okienkoctl at it ($OKIENKO_JOURNAL_SOCKET), then reads back and
 * decodes what arrived in journald's native protocol (both field forms).
 * okienkoctl runs as a real process against the loopback Open311 server.
 */
#define G_LOG_DOMAIN "test-journal"

#include "config.h"

#include <string.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "okn-test-open311.h"
#include "okn-test-common.h"
#include "okn-test-sync.h"

#define API_KEY "journal-KLUCZ-93c1/+="

typedef struct
{
  OknOpen311Server *server;
  OknTestStation station;
  GSocket *journal;
  char *journal_path;
} Fixture;

/* One journal entry: field name → value (the last one, as journalctl
 * shows a field given once). */
typedef GHashTable Entry;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) address = NULL;

  f->server = okn_test_open311_start (API_KEY);
  okn_test_open311_station_init (&f->station, "K03", f->server, API_KEY);

  f->journal_path = g_build_filename (f->station.dir, "journal.socket", NULL);
  f->journal = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT, &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (f->journal_path);
  g_socket_bind (f->journal, address, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (f->journal, FALSE);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->journal);
  g_clear_pointer (&f->server, okn_open311_server_free);
  okn_test_station_clear (&f->station);
  g_free (f->journal_path);
}

/* okienkoctl sync --once; with @journal its journal is the test's socket,
 * without it the environment has no OKIENKO_JOURNAL_SOCKET. */
static int
sync_once (Fixture  *f,
           gboolean  journal,
           char    **out,
           char    **err)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  if (journal)
    g_subprocess_launcher_setenv (launcher, "OKIENKO_JOURNAL_SOCKET", f->journal_path, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "OKIENKO_JOURNAL_SOCKET");
  proc = g_subprocess_launcher_spawn (launcher, &error, okn_test_ctl_path (), "--db", f->station.db,
                                      "--config", f->station.conf, "sync", "--once", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  return g_subprocess_get_exit_status (proc);
}

/* Decodes one datagram of the native protocol: KEY=value\n, or KEY\n, a
 * 64-bit little-endian length, the bytes and \n. Fails the test on
 * anything else, as journald would drop it. */
static Entry *
decode (const char *data,
        gsize       len)
{
  Entry *e = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = data;
  const char *end = data + len;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *eq = memchr (p, '=', end - p);

      g_assert_nonnull (eol);
      if (eq && eq < eol)
        {
          g_hash_table_insert (e, g_strndup (p, eq - p), g_strndup (eq + 1, eol - eq - 1));
          p = eol + 1;
        }
      else
        {
          guint64 le, n;
          char *key = g_strndup (p, eol - p);

          p = eol + 1;
          g_assert_cmpint (end - p, >=, 8);
          memcpy (&le, p, 8);
          n = GUINT64_FROM_LE (le);
          p += 8;
          g_assert_cmpuint (n + 1, <=, (guint64) (end - p));
          g_assert_cmpint (p[n], ==, '\n');
          g_hash_table_insert (e, key, g_strndup (p, n));
          p += n + 1;
        }
    }
  return e;
}

/* Everything that arrived since the last call. With @raw, the datagrams as
 * they were, to look for the key in any form. */
static GPtrArray *
read_entries (Fixture  *f,
              GString **raw)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  char buf[65536];

  if (raw)
    *raw = g_string_new (NULL);
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gssize n = g_socket_receive (f->journal, buf, sizeof buf, NULL, &error);

      if (n < 0)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
          break;
        }
      if (raw)
        g_string_append_len (*raw, buf, n);
      g_ptr_array_add (entries, decode (buf, n));
    }
  return entries;
}

/* The one entry about @ticket whose STATE is @state and whose
 * SERVER_STATUS is @server_status (%NULL: none). */
static Entry *
find (GPtrArray  *entries,
      const char *ticket,
      const char *state,
      const char *server_status)
{
  Entry *found = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (g_strcmp0 (g_hash_table_lookup (e, "TICKET"), ticket) == 0
          && g_strcmp0 (g_hash_table_lookup (e, "STATE"), state) == 0
          && g_strcmp0 (g_hash_table_lookup (e, "SERVER_STATUS"), server_status) == 0)
        {
          g_assert_null (found);
          found = e;
        }
    }
  if (found == NULL)
    g_error ("no journal entry with TICKET=%s STATE=%s SERVER_STATUS=%s among %u",
             ticket, state, server_status, entries->len);
  return found;
}

static void
assert_field (Entry      *e,
              const char *key,
              const char *want)
{
  g_assert_cmpstr (g_hash_table_lookup (e, key), ==, want);
}

/* ---- tests ------------------------------------------------------------------ */

/* Sent, then closed on the server: what an administrator filters on. */
static void
test_sent_and_status (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (OknRecord) a = okn_test_add_letter (f->station.store, "Jan Kowalski", "Wniosek o dowód");
  g_autoptr (OknRecord) b = okn_test_add_letter (f->station.store, "Jan Kowalski", "Skarga na hałas");
  g_autoptr (OknRecord) again = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  OknRecord *records[] = { a, b };
  Entry *e;

  g_assert_cmpint (sync_once (f, TRUE, NULL, &err), ==, 0);
  entries = read_entries (f, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr (OknRecord) stored = okn_store_lookup (f->station.store, records[i]->ticket, &error);

      g_assert_no_error (error);
      g_assert_nonnull (stored->server_id);
      e = find (entries, records[i]->ticket, "synced", NULL);
      assert_field (e, "UUID", records[i]->uuid);
      assert_field (e, "SERVICE_REQUEST_ID", stored->server_id);
      assert_field (e, "PRIORITY", "6");
      assert_field (e, "SYSLOG_IDENTIFIER", "okienkoctl");
      assert_field (e, "GLIB_DOMAIN", "okn-sync");
      g_assert_nonnull (strstr (g_hash_table_lookup (e, "MESSAGE"), records[i]->ticket));
      g_assert_nonnull (strstr (g_hash_table_lookup (e, "MESSAGE"), stored->server_id));
      /* The same run's status pull learnt the new case is open. */
      e = find (entries, records[i]->ticket, "synced", "open");
      assert_field (e, "SERVICE_REQUEST_ID", stored->server_id);
    }
  /* A run that changes nothing says nothing per record. */
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_assert_cmpint (sync_once (f, TRUE, NULL, NULL), ==, 0);
  entries = read_entries (f, NULL);
  for (guint i = 0; i < entries->len; i++)
    g_assert_false (g_hash_table_contains (g_ptr_array_index (entries, i), "TICKET"));

  /* The server closes one case: the next run logs its new status. */
  again = okn_store_lookup (f->station.store, a->ticket, &error);
  g_assert_no_error (error);
  g_assert_true (okn_open311_server_set_status (f->server, again->server_id, "closed", "Wydano dowód"));
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_assert_cmpint (sync_once (f, TRUE, NULL, NULL), ==, 0);
  entries = read_entries (f, NULL);
  e = find (entries, a->ticket, "synced", "closed");
  assert_field (e, "UUID", a->uuid);
  assert_field (e, "SERVICE_REQUEST_ID", again->server_id);
  g_assert_nonnull (strstr (g_hash_table_lookup (e, "MESSAGE"), "closed"));
  for (guint i = 0; i < entries->len; i++)
    g_assert_cmpstr (g_hash_table_lookup (g_ptr_array_index (entries, i), "TICKET"), !=, b->ticket);
}

/* A refusal is a warning with the server's words made safe, a failure a
 * retry; the key, which the server echoes back, is in no entry. */
static void
test_refused_and_retry (Fixture       *f,
                        gconstpointer  data)
{
  static const char *const hostile = "\033[2J\r\nGENUINE line \xe2\x80\xae" "exe";
  g_autoptr (OknRecord) refused = okn_test_add_letter (f->station.store, "Jan Kowalski", "Odmowa");
  g_autoptr (OknRecord) echoed = NULL;
  g_autoptr (OknRecord) later = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GString) raw = NULL;
  g_autoptr (GString) all = g_string_new (NULL);
  const char *message;
  Entry *e;

  okn_test_server_set (f->server, "refuse_text", hostile);
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_REFUSE, 1);
  g_assert_cmpint (sync_once (f, TRUE, NULL, NULL), ==, 5);
  entries = read_entries (f, &raw);
  g_string_append_len (all, raw->str, raw->len);
  e = find (entries, refused->ticket, "needs-attention", NULL);
  assert_field (e, "PRIORITY", "4");
  assert_field (e, "UUID", refused->uuid);
  message = g_hash_table_lookup (e, "MESSAGE");
  g_assert_nonnull (strstr (message, "GENUINE"));
  g_assert_nonnull (strstr (message, "400"));
  okn_test_assert_display_safe ("the refusal's journal message", message);

  /* The server answers with the key it received in its words. */
  echoed = okn_test_add_letter (f->station.store, "Jan Kowalski", "Echo");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_ECHO, 1);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_string_free (g_steal_pointer (&raw), TRUE);
  sync_once (f, TRUE, NULL, NULL);
  entries = read_entries (f, &raw);
  g_string_append_len (all, raw->str, raw->len);
  find (entries, echoed->ticket, "needs-attention", NULL);

  /* The server down: the record waits, and the journal says so. */
  later = okn_test_add_letter (f->station.store, "Jan Kowalski", "Później");
  okn_open311_server_set_fault (f->server, OKN_OPEN311_FAULT_503, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_string_free (g_steal_pointer (&raw), TRUE);
  g_assert_cmpint (sync_once (f, TRUE, NULL, NULL), ==, 4);
  entries = read_entries (f, &raw);
  g_string_append_len (all, raw->str, raw->len);
  e = find (entries, later->ticket, "queued", NULL);
  assert_field (e, "PRIORITY", "6");
  g_assert_nonnull (strstr (g_hash_table_lookup (e, "MESSAGE"), "503"));

  okn_test_assert_no_secret ("the journal's datagrams", all->str, all->len, API_KEY);
}

/* Not under systemd and no journal socket: a terminal sees no info lines. */
static void
test_terminal_unchanged (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (OknRecord) r = okn_test_add_letter (f->station.store, "Jan Kowalski", "Wniosek");
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (sync_once (f, FALSE, &out, &err), ==, 0);
  g_assert_true (g_str_has_prefix (out, "sent 1"));
  /* Its one warning (the test server is http://), no record events. */
  g_assert_null (strstr (err, r->ticket));
  g_assert_null (strstr (err, "okn-sync"));
  entries = read_entries (f, NULL);
  g_assert_cmpuint (entries->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/journal/sent-and-status", test_sent_and_status);
  ADD ("/journal/refused-and-retry", test_refused_and_retry);
  ADD ("/journal/terminal-unchanged", test_terminal_unchanged);
  return g_test_run ();
}
