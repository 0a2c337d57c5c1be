/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sync.c: drain 10,000 queued records into the Open311 test server
 *
 * The server runs as its own process (okn-open311-server, well-behaved, on
 * a loopback ephemeral port). `okienkoctl sync --once` drains the queue as a
 * child process: its wall time gives records per second and wait4() its
 * peak RSS. Next to it, in the same run, the naive way: one `curl` process
 * per record POSTing the same form to the same server, on a sample, with
 * the rate extrapolated to the whole queue.
 *
 * Then the cost of bounding JSON nesting (okn_json_parse: a pre-scan, then
 * json-glib) on a search answer of 1,000 requests, next to json-glib alone.
 *
 * Usage: bench-sync [N_RECORDS [N_NAIVE_SAMPLE]]
 */
#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <gio/gio.h>

#include "okienko/okienko.h"

#define API_KEY "bench-key-3c1d"

extern char **environ;

/* Runs @argv to its end; returns the wall time in seconds and, through
 * @maxrss_kb, the child's peak resident set. */
static double
run_child (const char *const *argv,
           long              *maxrss_kb,
           int               *status)
{
  struct rusage usage = { 0 };
  posix_spawn_file_actions_t actions;
  gint64 start = g_get_monotonic_time ();
  pid_t pid;
  int rc;

  posix_spawn_file_actions_init (&actions);
  posix_spawn_file_actions_addopen (&actions, 1, "/dev/null", O_WRONLY, 0);
  rc = posix_spawn (&pid, argv[0], &actions, NULL, (char *const *) argv, environ);
  posix_spawn_file_actions_destroy (&actions);
  if (rc != 0)
    g_error ("cannot run %s: %s", argv[0], g_strerror (rc));
  if (wait4 (pid, status, 0, &usage) < 0)
    g_error ("wait4: %s", g_strerror (errno));
  if (maxrss_kb)
    *maxrss_kb = usage.ru_maxrss;
  return (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_SECOND;
}

static GSubprocess *
start_server (char **url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  GSubprocess *proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, OKN_OPEN311_SERVER_PATH,
                                        "--set", "api_key=" API_KEY, NULL);

  if (proc == NULL)
    g_error ("cannot start the test server: %s", error->message);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

      if (line == NULL)
        g_error ("the test server said nothing: %s", error ? error->message : "end of output");
      if (g_str_has_prefix (line, "url="))
        {
          *url = g_strdup (line + 4);
          return proc;
        }
    }
}

/* The best of 21 parses of @text in milliseconds, bounded or json-glib
 * alone: the least disturbed by the other work of a shared machine. */
static double
parse_ms (const char *text,
          gboolean    bounded)
{
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < 21; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (bounded)
        {
          g_autoptr (JsonNode) root = okn_json_parse (text, -1, NULL);

          if (root == NULL)
            g_error ("the answer did not parse");
        }
      else
        {
          g_autoptr (JsonParser) parser = json_parser_new ();

          if (!json_parser_load_from_data (parser, text, -1, NULL))
            g_error ("the answer did not parse");
        }
      best = MIN (best, (double) (g_get_monotonic_time () - start) / 1000.0);
    }
  return best;
}

/* A search answer as the test server gives it: 1,000 requests. */
static void
bench_json_bound (void)
{
  g_autoptr (GString) answer = g_string_new ("[");
  g_autoptr (GString) deep = g_string_new (NULL);
  double plain, bounded, refuse;
  gint64 start;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (answer,
                            "%s{\"service_request_id\":\"%u\",\"status\":\"open\",\"status_notes\":null,"
                            "\"service_name\":\"Dzikie wysypisko\",\"service_code\":\"dumping\","
                            "\"description\":\"Dzikie wysypisko przy garażach, zgłoszenie %u: opony, gruz, "
                            "meble [a \\\"quoted\\\" word]\\n\\n[Okienko B01-26-%06u-X]\","
                            "\"agency_responsible\":\"Zarząd Dróg i Transportu\",\"service_notice\":null,"
                            "\"requested_datetime\":\"2026-11-29T10:15:00+01:00\","
                            "\"updated_datetime\":\"2026-11-29T10:15:00+01:00\",\"expected_datetime\":null,"
                            "\"address\":\"ul. Zielona 7, 90-001 Łódź\",\"address_id\":null,\"zipcode\":null,"
                            "\"lat\":51.7592,\"long\":19.4560,\"media_url\":null}",
                            i ? "," : "", i, i, i);
  g_string_append_c (answer, ']');
  plain = parse_ms (answer->str, FALSE);
  bounded = parse_ms (answer->str, TRUE);
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  start = g_get_monotonic_time ();
  if (okn_json_parse (deep->str, (gssize) deep->len, NULL) != NULL)
    g_error ("200,000 nested arrays were not refused");
  refuse = (double) (g_get_monotonic_time () - start) / 1000.0;

  g_print ("\nbounded JSON nesting, a search answer of 1,000 requests (%.0f KB), best of 21:\n",
           answer->len / 1024.0);
  g_print ("%-44s %10.2f ms\n", "json-glib alone", plain);
  g_print ("%-44s %10.2f ms  (%+.1f%%)\n", "okn_json_parse (pre-scan, then json-glib)", bounded,
           100.0 * (bounded - plain) / plain);
  g_print ("%-44s %10.2f ms  (json-glib alone: stack overflow)\n", "refusing 200,000 nested '['", refuse);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 10000;
  guint sample = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 500;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autofree char *dir = g_dir_make_tmp ("okienko-bench-sync-XXXXXX", &error);
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *url = NULL;
  g_autofree char *post_url = NULL;
  OknStoreStats stats;
  double sync_s, naive_s, sync_rate, naive_rate;
  long maxrss = 0;
  int status = 0;

  if (dir == NULL || n == 0 || sample == 0)
    g_error ("usage: bench-sync [N_RECORDS [N_NAIVE_SAMPLE]]");
  db = g_build_filename (dir, "okienko.db", NULL);
  conf = g_build_filename (dir, "okienko.conf", NULL);
  server = start_server (&url);
  post_url = g_strconcat (url, "requests.json", NULL);

  config = okn_config_new (conf);
  if (!okn_config_set (config, "server.url", url, &error)
      || !okn_config_set (config, "server.api_key", API_KEY, &error)
      || !okn_config_save (config, &error))
    g_error ("%s", error->message);
  store = okn_store_open (db, &error);
  if (store == NULL || !okn_store_init_station (store, "B01", "bench", &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < n; i++)
    {
      OknRecord *r = okn_record_new (OKN_KIND_REPORT);

      r->category = g_strdup ("dumping");
      r->description = g_strdup_printf ("Dzikie wysypisko przy garażach, zgłoszenie %u: opony, gruz, meble", i);
      r->address = g_strdup ("ul. Zielona 7, 90-001 Łódź");
      g_ptr_array_add (records, r);
    }
  if (!okn_store_register_many (store, records, "bench", &error))
    g_error ("%s", error->message);

  g_print ("bench-sync: %u queued records, Open311 test server (own process) at %s\n\n", n, url);

  /* okienkoctl sync --once: catalogue, push, status pull of every case. */
  {
    const char *const args[] = { OKIENKOCTL_PATH, "--db", db, "--config", conf, "sync", "--once", NULL };

    sync_s = run_child (args, &maxrss, &status);
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
      g_error ("okienkoctl sync --once failed (status %d)", status);
  }
  if (!okn_store_get_stats (store, &stats, &error))
    g_error ("%s", error->message);
  if (stats.per_state[OKN_SYNC_SYNCED] != (gint64) n)
    g_error ("only %" G_GINT64_FORMAT " of %u records synced", stats.per_state[OKN_SYNC_SYNCED], n);
  okn_store_stats_clear (&stats);
  sync_rate = n / sync_s;

  /* The naive loop: one curl process per record, the same form. */
  {
    gint64 start = g_get_monotonic_time ();

    for (guint i = 0; i < sample; i++)
      {
        OknRecord *r = g_ptr_array_index (records, i);
        g_autofree char *desc = okn_open311_description_with_marker (r->description, r->ticket);
        g_autofree char *d_desc = g_strconcat ("description=", desc, NULL);
        g_autofree char *d_addr = g_strconcat ("address_string=", r->address, NULL);
        g_autofree char *key = g_strdup_printf ("Idempotency-Key: naive-%s", r->uuid);
        const char *const args[] = {
          "/usr/bin/curl", "-s", "-f", "--max-time", "30", "-o", "/dev/null", "-H", key,
          "--data-urlencode", "api_key=" API_KEY, "--data-urlencode", "service_code=dumping",
          "--data-urlencode", d_desc, "--data-urlencode", d_addr, post_url, NULL,
        };

        run_child (args, NULL, &status);
        if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
          g_error ("curl failed for record %u (status %d)", i, status);
      }
    naive_s = (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_SECOND;
    naive_rate = sample / naive_s;
  }

  g_print ("%-44s %10s %12s %14s\n", "", "records/s", "time", "peak RSS");
  g_print ("%-44s %10.0f %10.2f s %11.1f MB\n", "okienkoctl sync --once (one process)", sync_rate, sync_s,
           maxrss / 1024.0);
  g_print ("%-44s %10.0f %10.2f s %14s\n", "naive: one curl process per record", naive_rate,
           n / naive_rate, "-");
  g_print ("\n(the naive loop ran on %u records in %.2f s; its time for %u is extrapolated)\n", sample,
           naive_s, n);
  g_print ("speed-up: %.1fx   targets: >= 2000 records/s, >= 20x, peak RSS <= 30 MB: %s\n",
           sync_rate / naive_rate,
           sync_rate >= 2000 && sync_rate / naive_rate >= 20 && maxrss <= 30 * 1024 ? "met" : "NOT met");

  bench_json_bound ();

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  g_clear_pointer (&store, okn_store_close);
  {
    const char *const args[] = { "/bin/rm", "-rf", dir, NULL };

    run_child (args, NULL, &status);
  }
  return 0;
}
