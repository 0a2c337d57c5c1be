/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-sync-chaos.c: 2,000 records through a server that misbehaves at
 * random, with the sync process SIGKILLed at random moments
 *
 * The server runs in this process (loopback, ephemeral port) with every
 * fault mode drawn at random for a share of all requests, GETs included.
 * `okienkoctl sync --once` runs as a child, again and again; about half the
 * runs are killed with SIGKILL at a random moment. When the queue is empty
 * (bounded in rounds and time), every record must be on the server exactly
 * once by its ticket marker, and the records the server refused on purpose
 * must be in needs-attention with the server's words: nothing lost.
 */
#define G_LOG_DOMAIN "test-sync-chaos"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <gio/gio.h>

#include "okienko/okn-sync.h"
#include "okn-test-common.h"
#include "okn-test-open311.h"
#include "okn-test-sync.h"

#define API_KEY      "chaos-key-91"
#define N_RECORDS    2000
#define REFUSE_EVERY 50        /* every 50th record has a category the server does not know */
#define MAX_ROUNDS   400
#define MIN_KILLS    10
#define MAX_TIME     (8 * 60 * G_TIME_SPAN_SECOND)
#define RUN_LIMIT    (90 * G_TIME_SPAN_SECOND)

typedef struct
{
  const char *idempotency;
  const char *tokens;
} Variant;

/* Runs `okienkoctl sync --once`; kills it with SIGKILL after @kill_after_us
 * (0: never, but RUN_LIMIT bounds it). Returns TRUE when it was killed. */
static gboolean
run_sync (const char *db,
          const char *conf,
          gint64      kill_after_us,
          int        *exit_status)
{
  g_autoptr (GSubprocess) proc = okn_test_start_sync (db, conf, "--once");
  gboolean killed = FALSE;

  if (!okn_test_wait_exit (proc, kill_after_us > 0 ? kill_after_us : RUN_LIMIT))
    {
      if (kill_after_us == 0)
        g_error ("sync --once did not finish in %d s", (int) (RUN_LIMIT / G_TIME_SPAN_SECOND));
      g_subprocess_send_signal (proc, SIGKILL);
      killed = TRUE;
      if (!okn_test_wait_exit (proc, RUN_LIMIT))
        g_error ("sync --once did not end after SIGKILL");
    }
  *exit_status = g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
  return killed && !g_subprocess_get_if_exited (proc);
}

static void
register_records (OknStore *store,
                  guint    *n_refused)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GError) error = NULL;

  *n_refused = 0;
  for (guint i = 0; i < N_RECORDS; i++)
    {
      g_autofree char *text = g_strdup_printf ("Zgłoszenie chaosu nr %u: gruz, opony, meble", i);
      OknRecord *r;

      if (i % REFUSE_EVERY == REFUSE_EVERY - 1)
        {
          r = okn_test_report ("nosuch", text, "ul. Nieznana 1, Łódź");
          (*n_refused)++;
        }
      else if (i % 10 == 3)
        {
          g_autofree char *subject = g_strdup_printf ("Pismo nr %u w sprawie drzewa", i);

          r = okn_test_letter ("Anna Wiśniewska", subject);
        }
      else if (i % 10 == 7)
        {
          r = okn_test_report ("pothole", text, "al. Włókniarzy 20, Łódź");
          okn_record_add_attribute (r, "depth", "8");
          okn_record_add_attribute (r, "lane", "right");
        }
      else
        r = okn_test_report ("dumping", text, "ul. Zielona 7, Łódź");
      g_ptr_array_add (batch, r);
    }
  okn_store_register_many (store, batch, "test", &error);
  g_assert_no_error (error);
}

static void
get_stats (OknStore      *store,
           OknStoreStats *stats)
{
  g_autoptr (GError) error = NULL;

  okn_store_get_stats (store, stats, &error);
  g_assert_no_error (error);
}

static void
test_chaos (gconstpointer data)
{
  const Variant *v = data;
  g_autoptr (OknOpen311Server) server = okn_test_open311_start (API_KEY);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) cases = NULL;
  g_autoptr (GHashTable) by_marker = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "okienko.db", NULL);
  g_autofree char *conf = g_build_filename (dir, "okienko.conf", NULL);
  g_autofree char *seed = g_strdup_printf ("%u", g_test_rand_int ());
  OknListFilter filter = { 0 };
  OknOpen311ServerCounters c;
  OknStoreStats stats;
  gint64 started = g_get_monotonic_time ();
  guint n_refused, rounds = 0, kills = 0, clean = 0, synced = 0, attention = 0, adopted = 0;
  gboolean drained = FALSE;
  const char *options[][2] = {
    { "chaos", "0.3" }, { "seed", seed }, { "fault_scope", "all" }, { "delay_ms", "50" },
    { "retry_after", "1" }, { "idempotency", v->idempotency }, { "tokens", v->tokens },
  };
  const char *keys[][2] = {
    { "server.timeout", "5" }, { "server.parallel", "8" }, { "office.address", "ul. Piotrkowska 104, Łódź" },
    { "sync.batch_size", "100" }, { "sync.backoff_base_seconds", "1" }, { "sync.backoff_cap_seconds", "2" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (options); i++)
    okn_test_server_set (server, options[i][0], options[i][1]);
  config = okn_test_open311_config (conf, server, API_KEY);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    okn_test_config_set (config, keys[i][0], keys[i][1]);
  store = okn_test_open_store (dir, "K07");
  register_records (store, &n_refused);

  while (rounds < MAX_ROUNDS && g_get_monotonic_time () - started < MAX_TIME)
    {
      /* The first runs all die at a random moment within their first
       * 0.3 s (a run over a full queue takes longer than that even on a
       * fast machine), later ones half the time within 1.5 s. */
      gint64 kill_after = rounds < MIN_KILLS ? g_test_rand_int_range (5, 300) * G_TIME_SPAN_MILLISECOND
                          : g_test_rand_bit () ? g_test_rand_int_range (5, 1500) * G_TIME_SPAN_MILLISECOND
                                               : 0;
      int status = 0;
      gint64 due;

      rounds++;
      if (run_sync (db, conf, kill_after, &status))
        kills++;
      else
        {
          g_assert_cmpint (status, !=, 2);
          g_assert_cmpint (status, !=, 3);
          clean++;
        }
      get_stats (store, &stats);
      drained = stats.per_state[OKN_SYNC_QUEUED] == 0 && stats.per_state[OKN_SYNC_SENDING] == 0
                && stats.per_state[OKN_SYNC_AWAITING_ID] == 0;
      okn_store_stats_clear (&stats);
      if (drained)
        break;
      /* Wait for the next retry that is due, but not long. */
      due = okn_store_outbox_next_due_us (store, &error);
      g_assert_no_error (error);
      if (due > 0)
        g_usleep ((gulong) CLAMP (due - g_get_real_time (), 0, 2 * G_TIME_SPAN_SECOND));
    }

  c = okn_test_server_counters (server);
  get_stats (store, &stats);
  g_test_message ("%s, tokens %s, seed %s: %u rounds (%u killed, %u finished) in %.1f s",
                  v->idempotency, v->tokens, seed, rounds, kills, clean,
                  (double) (g_get_monotonic_time () - started) / G_TIME_SPAN_SECOND);
  g_test_message ("server: %u requests, %u POSTs, %u created, %u replays, %u faults, %u drops, "
                  "%u rejected, %u queries, %u token polls",
                  c.requests, c.posts, c.created, c.replays, c.faults, c.drops, c.rejected, c.queries,
                  c.token_polls);
  g_test_message ("store: %" G_GINT64_FORMAT " synced, %" G_GINT64_FORMAT " needs-attention, %"
                  G_GINT64_FORMAT " queued, %" G_GINT64_FORMAT " sending, %" G_GINT64_FORMAT " awaiting-id",
                  stats.per_state[OKN_SYNC_SYNCED], stats.per_state[OKN_SYNC_NEEDS_ATTENTION],
                  stats.per_state[OKN_SYNC_QUEUED], stats.per_state[OKN_SYNC_SENDING],
                  stats.per_state[OKN_SYNC_AWAITING_ID]);
  okn_store_stats_clear (&stats);
  if (!drained)
    g_error ("the queue did not drain in %u rounds", rounds);
  /* Kills really happened: a run may finish just before its kill. */
  g_assert_cmpuint (kills, >=, MIN_KILLS / 2);
  g_assert_cmpuint (c.faults, >, 0);

  /* Every case on the server, by the marker in its description. */
  cases = okn_open311_server_list_requests (server);
  for (guint i = 0; i < cases->len; i++)
    {
      OknOpen311StoredRequest *s = g_ptr_array_index (cases, i);
      char *m = okn_open311_find_marker (s->description);

      g_assert_nonnull (m);
      if (g_hash_table_contains (by_marker, m))
        g_error ("%s is on the server twice", m);
      g_hash_table_insert (by_marker, m, s);
    }

  all = okn_store_list (store, &filter, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, N_RECORDS);
  for (guint i = 0; i < all->len; i++)
    {
      OknRecord *r = g_ptr_array_index (all, i);
      OknOpen311StoredRequest *s = g_hash_table_lookup (by_marker, r->ticket);

      if (g_strcmp0 (r->category, "nosuch") == 0)
        {
          /* Refused on purpose: kept for the clerk with the server's words. */
          g_assert_cmpint (r->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
          g_assert_nonnull (r->server_error);
          g_assert_nonnull (strstr (r->server_error, "nosuch"));
          g_assert_null (s);
          attention++;
          continue;
        }
      if (r->sync_state != OKN_SYNC_SYNCED)
        g_error ("%s ended %s: %s", r->ticket, okn_sync_state_to_string (r->sync_state),
                 r->server_error ? r->server_error : "");
      if (s == NULL)
        g_error ("%s is synced but not on the server", r->ticket);
      /* The case number kept is the case that carries the marker. */
      g_assert_cmpstr (r->server_id, ==, s->id);
      synced++;
      {
        g_autoptr (GPtrArray) audit = okn_store_audit_log (store, r->id, &error);

        g_assert_no_error (error);
        for (guint j = 0; j < audit->len; j++)
          {
            OknAuditEntry *e = g_ptr_array_index (audit, j);

            if (e->details && strstr (e->details, "\"adopted\":true"))
              adopted++;
          }
      }
    }
  g_assert_cmpuint (attention, ==, n_refused);
  g_assert_cmpuint (synced, ==, N_RECORDS - n_refused);
  g_assert_cmpuint (g_hash_table_size (by_marker), ==, synced);
  g_assert_cmpuint (c.created, ==, synced);
  g_test_message ("exactly once: %u records on the server once each (%u of them adopted by their "
                  "marker after a lost answer or a kill), %u refused on purpose and kept as "
                  "needs-attention, 0 lost, 0 duplicates",
                  synced, adopted, attention);

  okn_open311_server_stop (server);
  g_clear_pointer (&store, okn_store_close);
  okn_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  static const Variant honour = { "honour", "0" };
  static const Variant ignore_tokens = { "ignore", "1" };

  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/sync-chaos/key-honoured", &honour, test_chaos);
  g_test_add_data_func ("/sync-chaos/key-ignored-tokens", &ignore_tokens, test_chaos);
  return g_test_run ();
}
