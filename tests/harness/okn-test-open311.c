/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-open311.c: the loopback Open311 server as the tests set it up
 * (okn-test-open311.h) */
#define G_LOG_DOMAIN "okn-test-open311"

#include "config.h"

#include "okn-test-open311.h"
#include "okn-test-sync.h"

/* Returns: (transfer full): a server taking @api_key, listening */
OknOpen311Server *
okn_test_open311_start (const char *api_key)
{
  g_autoptr (GError) error = NULL;
  OknOpen311Server *server = okn_open311_server_new ();

  okn_test_server_set (server, "api_key", api_key);
  okn_open311_server_start (server, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (okn_open311_server_get_port (server), >, 0);
  return server;
}

void
okn_test_server_set (OknOpen311Server *server,
                     const char       *option,
                     const char       *value)
{
  g_autoptr (GError) error = NULL;

  okn_open311_server_set (server, option, value, &error);
  g_assert_no_error (error);
}

OknOpen311ServerCounters
okn_test_server_counters (OknOpen311Server *server)
{
  OknOpen311ServerCounters c;

  okn_open311_server_get_counters (server, &c);
  return c;
}

/* How many cases on the server carry @ticket's marker. */
guint
okn_test_server_cases_for (OknOpen311Server *server,
                           const char       *ticket)
{
  g_autoptr (GPtrArray) list = okn_open311_server_list_requests (server);
  guint n = 0;

  for (guint i = 0; i < list->len; i++)
    {
      OknOpen311StoredRequest *s = g_ptr_array_index (list, i);
      g_autofree char *m = okn_open311_find_marker (s->description);

      if (g_strcmp0 (m, ticket) == 0)
        n++;
    }
  return n;
}

/* Returns: (transfer full): a configuration saved at @path that sends to
 *   @server with @api_key (timeout 10 s, letters under "letter") */
OknConfig *
okn_test_open311_config (const char       *path,
                         OknOpen311Server *server,
                         const char       *api_key)
{
  g_autofree char *url = okn_open311_server_get_url (server);
  OknConfig *config = okn_config_new (path);

  okn_test_config_set (config, "server.url", url);
  okn_test_config_set (config, "server.api_key", api_key);
  okn_test_config_set (config, "server.timeout", "10");
  okn_test_config_set (config, "letters.service_code", "letter");
  return config;
}

/**
 * okn_test_open311_station_init:
 * @code: the station's code, e.g. "K03"
 *
 * A fresh station (okn_test_station_init()) whose configuration, saved,
 * talks to @server with @api_key (okn_test_open311_config());
 * okn_test_station_clear() removes it.
 */
void
okn_test_open311_station_init (OknTestStation   *station,
                               const char       *code,
                               OknOpen311Server *server,
                               const char       *api_key)
{
  okn_test_station_init (station, code);
  g_clear_pointer (&station->config, okn_config_free);
  station->config = okn_test_open311_config (station->conf, server, api_key);
}
