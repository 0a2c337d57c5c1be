/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-server-main.c: the test server as its own process
 *
 * For tests and benchmarks that must kill the client, not the server.
 * Prints "port=N" and "url=..." on stdout once listening, then serves until
 * SIGTERM or SIGINT. Options are the names of okn_open311_server_set().
 */
#define G_LOG_DOMAIN "okn-open311-server"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib-unix.h>

#include "okn-open311-server.h"

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (OknOpen311Server) server = okn_open311_server_new ();
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) sets = NULL;
  g_autofree char *url = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  int port = 0;
  GOptionEntry entries[] = {
    { "port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (default: ephemeral)", "N" },
    { "set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &sets,
      "Set an option, e.g. fault=drop, chaos=0.3, seed=7, tokens=2, idempotency=ignore",
      "NAME=VALUE" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "Serve HTTPS with this PEM certificate", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "The certificate's PEM private key", "FILE" },
    { NULL },
  };

  ctx = g_option_context_new ("- loopback Open311 GeoReport v2 test server");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "okn-open311-server: %s\n", error->message);
      return 2;
    }
  if (port < 0 || port > 65535)
    {
      fprintf (stderr, "okn-open311-server: --port must be 0..65535\n");
      return 2;
    }
  for (guint i = 0; sets && sets[i]; i++)
    {
      g_auto (GStrv) kv = g_strsplit (sets[i], "=", 2);

      if (kv[0] == NULL || kv[1] == NULL)
        {
          fprintf (stderr, "okn-open311-server: --set %s: expected NAME=VALUE\n", sets[i]);
          return 2;
        }
      if (!okn_open311_server_set (server, kv[0], kv[1], &error))
        {
          fprintf (stderr, "okn-open311-server: %s\n", error->message);
          return 2;
        }
    }
  if (tls_cert || tls_key)
    {
      g_autofree char *cert = NULL;
      g_autofree char *key = NULL;

      if (!tls_cert || !tls_key || !g_file_get_contents (tls_cert, &cert, NULL, &error)
          || !g_file_get_contents (tls_key, &key, NULL, &error))
        {
          fprintf (stderr, "okn-open311-server: --tls-cert and --tls-key: %s\n",
                   error ? error->message : "both are needed");
          return 2;
        }
      if (!okn_open311_server_set_tls (server, cert, key))
        {
          fprintf (stderr, "okn-open311-server: libmicrohttpd has no TLS support\n");
          return 2;
        }
    }
  if (!okn_open311_server_start (server, (guint16) port, &error))
    {
      fprintf (stderr, "okn-open311-server: %s\n", error->message);
      return 1;
    }
  url = okn_open311_server_get_url (server);
  printf ("port=%u\nurl=%s\n", okn_open311_server_get_port (server), url);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_main_loop_run (loop);
  okn_open311_server_stop (server);
  return 0;
}
