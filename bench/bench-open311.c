/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-open311.c: the Open311 client's throughput against the loopback
 * test server, next to a naive loop that runs one curl process per record
 * (what a shell script would do).
 *
 *   bench-open311 [--records N] [--naive N] [--parallel N]
 *
 * The server runs in this process, so the peak RSS printed is client and
 * server together.
 */
#define G_LOG_DOMAIN "bench-open311"

#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"
#include "okn-open311-server.h"

static char *
make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("okienko-bench-XXXXXX", &error);

  if (dir == NULL)
    g_error ("%s", error->message);
  return dir;
}

static void
rm_dir (const char *dir)
{
  /* The database and the files the store keeps beside it. */
  const char *names[] = { "okienko.db", "okienko.db-wal", "okienko.db-shm", "okienko.db.issued",
                          "okienko.db.checked", NULL };

  for (guint i = 0; names[i]; i++)
    {
      g_autofree char *p = g_build_filename (dir, names[i], NULL);

      g_unlink (p);
    }
  g_rmdir (dir);
}

static gboolean
naive_post (const char      *url,
            const char      *api_key,
            const OknRecord *r)
{
  g_autofree char *desc = okn_open311_description_with_marker (r->description, r->ticket);
  g_autofree char *a_desc = g_strconcat ("description=", desc, NULL);
  g_autofree char *a_addr = g_strconcat ("address_string=", r->address, NULL);
  g_autofree char *a_key = g_strconcat ("api_key=", api_key, NULL);
  g_autofree char *a_idem = g_strconcat ("Idempotency-Key: ", r->uuid, NULL);
  g_autofree char *out = NULL;
  g_autofree char *post_url = g_strconcat (url, "requests.json", NULL);
  const char *argv[] = {
    "curl", "-s", "--max-time", "30", "-o", "/dev/null", "-w", "%{http_code}", "-H", a_idem,
    "--data-urlencode", "service_code=dumping", "--data-urlencode", a_desc,
    "--data-urlencode", a_addr, "--data-urlencode", a_key, post_url, NULL,
  };
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, NULL))
    return FALSE;
  return status == 0 && g_strcmp0 (out, "201") == 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknOpen311Server) server = okn_open311_server_new ();
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknOpen311Client) client = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GPtrArray) naive_records = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GPtrArray) results = NULL;
  g_autoptr (GPtrArray) statuses = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- Open311 client throughput");
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *url = NULL;
  g_autofree char *parallel_s = NULL;
  int n_records = 10000, n_naive = 300, parallel = 8;
  guint ok = 0, naive_ok = 0;
  gint64 t0, t1, t2, t3, t4;
  double client_rate, naive_rate, status_rate;
  struct rusage ru;
  OknOpen311ServerCounters c;
  GOptionEntry entries[] = {
    { "records", 'n', 0, G_OPTION_ARG_INT, &n_records, "Records posted by the client", "N" },
    { "naive", 0, 0, G_OPTION_ARG_INT, &n_naive, "Records posted by the curl loop", "N" },
    { "parallel", 'p', 0, G_OPTION_ARG_INT, &parallel, "server.parallel", "N" },
    { NULL },
  };

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || n_records < 1 || n_naive < 0
      || parallel < 1 || parallel > 64)
    {
      fprintf (stderr, "bench-open311: %s\n", error ? error->message : "bad arguments");
      return 2;
    }

  if (!okn_open311_server_start (server, 0, &error))
    g_error ("%s", error->message);
  url = okn_open311_server_get_url (server);
  parallel_s = g_strdup_printf ("%d", parallel);
  config = okn_config_new ("/nonexistent/okienko.conf");
  okn_config_set (config, "server.url", url, NULL);
  okn_config_set (config, "server.api_key", okn_open311_server_get_api_key (server), NULL);
  okn_config_set (config, "server.parallel", parallel_s, NULL);
  client = okn_open311_client_new (config, &error);
  if (client == NULL)
    g_error ("%s", error->message);

  store = okn_store_open (db, &error);
  if (store == NULL || !okn_store_init_station (store, "B01", "bench", &error))
    g_error ("%s", error->message);
  for (int i = 0; i < n_records + n_naive; i++)
    {
      g_autofree char *d = g_strdup_printf ("Dzikie wysypisko nr %d przy ul. Zielonej", i);
      OknRecord *r = okn_record_new (OKN_KIND_REPORT);

      r->category = g_strdup ("dumping");
      r->description = g_strdup (d);
      r->address = g_strdup ("ul. Zielona 7, Łódź");
      g_ptr_array_add (i < n_records ? records : naive_records, r);
    }
  if (!okn_store_register_many (store, records, "bench", &error)
      || !okn_store_register_many (store, naive_records, "bench", &error))
    g_error ("%s", error->message);

  t0 = g_get_monotonic_time ();
  results = okn_open311_client_post_many (client, records, &error);
  t1 = g_get_monotonic_time ();
  for (guint i = 0; i < results->len; i++)
    {
      OknOpen311PostResult *res = g_ptr_array_index (results, i);

      if (res->receipt && res->receipt->service_request_id)
        {
          ok++;
          g_ptr_array_add (ids, res->receipt->service_request_id);
        }
    }
  g_ptr_array_add (ids, NULL);

  t2 = g_get_monotonic_time ();
  statuses = okn_open311_client_get_requests (client, (const char *const *) ids->pdata, &error);
  t3 = g_get_monotonic_time ();
  if (statuses == NULL)
    g_error ("%s", error->message);

  for (guint i = 0; i < naive_records->len; i++)
    naive_ok += naive_post (url, okn_open311_server_get_api_key (server),
                            g_ptr_array_index (naive_records, i));
  t4 = g_get_monotonic_time ();

  getrusage (RUSAGE_SELF, &ru);
  okn_open311_server_get_counters (server, &c);
  client_rate = ok / ((t1 - t0) / 1e6);
  status_rate = statuses->len / ((t3 - t2) / 1e6);
  naive_rate = n_naive ? naive_ok / ((t4 - t3) / 1e6) : 0;

  printf ("Open311 POST requests.json, loopback test server (in process)\n");
  printf ("  %-44s %8s %10s %12s\n", "", "records", "seconds", "records/s");
  printf ("  %-44s %8u %10.2f %12.0f\n", "okn_open311_client_post_many (parallel)", ok,
          (t1 - t0) / 1e6, client_rate);
  printf ("  %-44s %8u %10.2f %12.0f\n", "naive: one curl process per record", naive_ok,
          (t4 - t3) / 1e6, naive_rate);
  if (naive_rate > 0)
    printf ("  client / naive: %.1fx\n", client_rate / naive_rate);
  printf ("  status pull of %u ids (batches of 50): %.2f s, %.0f ids/s\n", statuses->len,
          (t3 - t2) / 1e6, status_rate);
  printf ("  server.parallel = %d, TCP connections opened by all: %u\n", parallel, c.connections);
  printf ("  peak RSS (client + server + store): %ld MB\n", ru.ru_maxrss / 1024);

  g_clear_pointer (&store, okn_store_close);
  rm_dir (dir);
  return ok == (guint) n_records && naive_ok == (guint) n_naive && c.created == ok + naive_ok ? 0 : 1;
}
