/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-store.c: registrations per second with full durability, and lookup
 * and search latency at 1,000,000 records.
 *
 *   bench-store [--records N] [--db PATH]
 *
 * Fills a database (in a temporary directory unless --db names one; an
 * existing one is topped up) through the same okn_store_register_many() the
 * import uses, then measures on it. Search is shown side by side with the
 * naive alternative, a LIKE scan over the same columns, query by query. Targets from issue
 * "Foundation": durable registration median <= 5 ms, lookup by ticket
 * <= 1 ms, FTS search <= 30 ms at 1M records. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "okienko/okienko.h"

static const char *first_names[] = { "Jan", "Anna", "Piotr", "Katarzyna", "Tomasz", "Małgorzata", "Paweł",
                                     "Agnieszka", "Krzysztof", "Ewa", "Michał", "Zofia", "Łukasz", "Joanna" };
static const char *last_names[] = { "Kowalski", "Nowak", "Wiśniewska", "Wójcik", "Kowalczyk", "Kamińska",
                                    "Lewandowski", "Zieliński", "Szymańska", "Woźniak", "Dąbrowski",
                                    "Kozłowska", "Jankowski", "Mazur", "Brzęczyszczykiewicz" };
static const char *streets[] = { "Piotrkowska", "Zgierska", "Narutowicza", "Kościuszki", "Żeromskiego",
                                 "Pomorska", "Rewolucji 1905 r.", "Traktorowa", "Włókniarzy", "Łagiewnicka" };
static const char *subjects[] = { "Wniosek o wycinkę drzewa", "Skarga na hałas", "Odwołanie od decyzji",
                                  "Wniosek o dowód osobisty", "Zapytanie o podatek od nieruchomości",
                                  "Prośba o interwencję", "Wniosek o zajęcie pasa drogowego",
                                  "Informacja publiczna", "Zażalenie na postanowienie" };
static const char *problems[] = { "Dziura w jezdni", "Nie świeci latarnia", "Dzikie wysypisko śmieci",
                                  "Przewrócone drzewo", "Uszkodzony chodnik", "Zapchana studzienka" };

static OknRecord *
fake_record (GRand *rand)
{
  OknRecord *r;
  /* About one sender in 50,000 has a name no one else has: what a clerk
   * searching for one person usually types. */
  const char *last = g_rand_int_range (rand, 0, 50000) == 0
                     ? "Szczebrzeszyński"
                     : last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))];
  g_autofree char *who = g_strdup_printf ("%s %s", first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))],
                                          last);
  g_autofree char *where = g_strdup_printf ("ul. %s %d, Łódź", streets[g_rand_int_range (rand, 0, G_N_ELEMENTS (streets))],
                                            g_rand_int_range (rand, 1, 250));

  if (g_rand_boolean (rand))
    {
      r = okn_record_new (OKN_KIND_LETTER);
      r->sender_name = g_steal_pointer (&who);
      r->sender_address = g_steal_pointer (&where);
      r->subject = g_strdup (subjects[g_rand_int_range (rand, 0, G_N_ELEMENTS (subjects))]);
      r->pages = g_rand_int_range (rand, 1, 20);
    }
  else
    {
      r = okn_record_new (OKN_KIND_REPORT);
      r->category = g_strdup ("pothole");
      r->description = g_strdup_printf ("%s, zgłasza %s. Proszę o pilną interwencję.",
                                        problems[g_rand_int_range (rand, 0, G_N_ELEMENTS (problems))], who);
      r->address = g_steal_pointer (&where);
    }
  return r;
}

/* A million records span several years: a station's sequence holds 999,999
 * numbers a year. The fill registers them year by year. */
static GDateTime *fill_clock;

static GDateTime *
fill_now (gpointer data)
{
  return g_date_time_ref (fill_clock);
}

static int
cmp_double (const void *a,
            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

typedef struct
{
  double median;
  double p95;
  double max;
} Stats;

static Stats
stats_of (GArray *ms)
{
  Stats s = { 0 };

  if (ms->len == 0)
    return s;
  qsort (ms->data, ms->len, sizeof (double), cmp_double);
  s.median = g_array_index (ms, double, ms->len / 2);
  s.p95 = g_array_index (ms, double, (guint) (ms->len * 0.95));
  s.max = g_array_index (ms, double, ms->len - 1);
  return s;
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static gint64
count_records (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n = 0;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK
      && sqlite3_prepare_v2 (db, "SELECT count(*) FROM records", -1, &stmt, NULL) == SQLITE_OK
      && sqlite3_step (stmt) == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* What PRAGMA quick_check costs on the whole file, on its own connection:
 * the check the store would run at every open if it did not keep the
 * file's fingerprint (okn-store.c, check_integrity). */
static double
quick_check_ms (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double t0;

  sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL);
  sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
  t0 = now_ms ();
  if (sqlite3_step (stmt) != SQLITE_ROW || strcmp ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    g_printerr ("quick_check: %s\n", sqlite3_column_text (stmt, 0));
  t0 = now_ms () - t0;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return t0;
}

/* The alternative without an index: what a LIKE over the same text costs.
 * It reads from the newest record down and stops at the 100th hit, so a
 * common word is cheap and a rare one reads the whole table; it neither
 * folds diacritics nor matches word prefixes, so its hits differ from
 * FTS's (both counts are printed). */
static double
like_scan_ms (sqlite3    *db,
              const char *word,
              guint      *hits)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", word);
  double t0;

  sqlite3_prepare_v2 (db,
                      "SELECT id FROM records WHERE sender_name LIKE ?1 OR subject LIKE ?1 OR "
                      "description LIKE ?1 OR address LIKE ?1 ORDER BY id DESC LIMIT 100",
                      -1, &stmt, NULL);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  *hits = 0;
  t0 = now_ms ();
  while (sqlite3_step (stmt) == SQLITE_ROW)
    (*hits)++;
  t0 = now_ms () - t0;
  sqlite3_finalize (stmt);
  return t0;
}

/* A rare name (one record in 50,000) and common words (a surname one
 * sender in 15 has, a subject every ninth letter has): LIKE, which reads
 * from the newest record until its 100th hit, is cheap for common words
 * only. */
static const char *queries[] = { "Szczebrzeszyński", "Brzęczyszczykiewicz", "wycinkę drzewa", "Żeromskiego", "latarnia",
                                 "Kozłowska Piotrkowska", "hałas", "studzienka", "Włókniarzy 17", "zażalenie",
                                 "Mazur" };
#define N_QUERIES G_N_ELEMENTS (queries)
#define SEARCH_ROUNDS 5

typedef struct
{
  GArray *fts;
  GArray *like;
  guint fts_hits;
  guint like_hits;
} QueryTimes;

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GArray) reg = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) look = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) search = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) like = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) opens = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) check = g_array_new (FALSE, FALSE, sizeof (double));
  double first_open = 0;
  g_autoptr (GPtrArray) known = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gint64 target = 1000000, have;
  OknStore *store;
  QueryTimes per_query[N_QUERIES];
  Stats s;
  double fill_ms;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--records") && i + 1 < argc)
        target = g_ascii_strtoll (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--db") && i + 1 < argc)
        path = g_strdup (argv[++i]);
      else
        {
          g_printerr ("usage: %s [--records N] [--db PATH]\n", argv[0]);
          return 2;
        }
    }
  if (path == NULL)
    {
      dir = g_dir_make_tmp ("okienko-bench-XXXXXX", &error);
      g_assert_no_error (error);
      path = g_build_filename (dir, "okienko.db", NULL);
    }

  store = okn_store_open (path, &error);
  if (store == NULL || !okn_store_init_station (store, "K03", "bench", &error))
    {
      g_printerr ("%s\n", error->message);
      return 3;
    }

  /* Fill: batches of 10,000 in one transaction each, as an import would. */
  have = count_records (path);
  fill_ms = now_ms ();
  while (have < target)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
      gint64 n = MIN (10000, target - have);

      g_autoptr (GDateTime) today = g_date_time_new_now_local ();

      for (gint64 i = 0; i < n; i++)
        g_ptr_array_add (batch, fake_record (rand));
      g_clear_pointer (&fill_clock, g_date_time_unref);
      fill_clock = g_date_time_add_years (today, (int) MIN (0, have / 250000 - 4));
      okn_store_set_now_func (store, fill_now, NULL);
      if (!okn_store_register_many (store, batch, "bench", &error))
        {
          g_printerr ("fill: %s\n", error->message);
          return 3;
        }
      have += n;
      if (have % 100000 == 0)
        g_printerr ("  filled %" G_GINT64_FORMAT " records\n", have);
    }
  fill_ms = now_ms () - fill_ms;
  okn_store_set_now_func (store, NULL, NULL);

  /* Durable registrations, one transaction (and one fsync) each. */
  for (int i = 0; i < 500; i++)
    {
      g_autoptr (OknRecord) r = fake_record (rand);
      double t0 = now_ms ();

      if (!okn_store_register (store, r, "bench", &error))
        {
          g_printerr ("register: %s\n", error->message);
          return 3;
        }
      t0 = now_ms () - t0;
      g_array_append_val (reg, t0);
      if (i % 5 == 0)
        g_ptr_array_add (known, g_strdup (r->ticket));
    }
  /* Tickets spread over the whole sequence. */
  for (int i = 0; i < 2000; i++)
    {
      OknTicketId id;
      char *station = NULL;
      g_autoptr (GDateTime) now = g_date_time_new_now_local ();

      station = okn_store_get_station (store, NULL);
      /* Any year of the fill, any number of that year. */
      okn_ticket_id_make (station, (guint) (g_date_time_get_year (now) - g_rand_int_range (rand, 1, 5)) % 100,
                          (guint) g_rand_int_range (rand, 1, (gint32) MIN (have / 4, 250000)), &id, NULL);
      g_ptr_array_add (known, okn_ticket_id_format (&id));
      g_free (station);
    }

  for (guint i = 0; i < known->len; i++)
    {
      double t0 = now_ms ();
      g_autoptr (OknRecord) r = okn_store_lookup (store, g_ptr_array_index (known, i), NULL);

      t0 = now_ms () - t0;
      if (r)
        g_array_append_val (look, t0);
    }

  /* Search: every query as often through FTS as through LIKE, the two
   * interleaved so that both meet the same page cache. */
  {
    sqlite3 *like_db = NULL;

    sqlite3_open_v2 (path, &like_db, SQLITE_OPEN_READONLY, NULL);
    for (guint q = 0; q < N_QUERIES; q++)
      {
        per_query[q].fts = g_array_new (FALSE, FALSE, sizeof (double));
        per_query[q].like = g_array_new (FALSE, FALSE, sizeof (double));
      }
    for (int round = 0; round < SEARCH_ROUNDS; round++)
      for (guint q = 0; q < N_QUERIES; q++)
        {
          double t0 = now_ms ();
          g_autoptr (GPtrArray) found = okn_store_search (store, queries[q], 100, &error);

          t0 = now_ms () - t0;
          if (found == NULL)
            {
              g_printerr ("search: %s\n", error->message);
              return 3;
            }
          per_query[q].fts_hits = found->len;
          g_array_append_val (per_query[q].fts, t0);
          g_array_append_val (search, t0);
          t0 = like_scan_ms (like_db, queries[q], &per_query[q].like_hits);
          g_array_append_val (per_query[q].like, t0);
          g_array_append_val (like, t0);
        }
    sqlite3_close (like_db);
  }

  /* Opening: the first open after the file changed behind the store's
   * back runs the full quick_check; the others compare the fingerprint. */
  okn_store_close (store);
  store = NULL;
  {
    g_autofree char *checked = g_strconcat (path, ".checked", NULL);

    g_unlink (checked);
  }
  for (int i = 0; i < 3; i++)
    {
      double t = quick_check_ms (path);

      g_array_append_val (check, t);
    }
  for (int i = 0; i < 51; i++)
    {
      double t0 = now_ms ();
      OknStore *s2 = okn_store_open_full (path, i % 2 ? OKN_STORE_OPEN_READ_ONLY : OKN_STORE_OPEN_DEFAULT,
                                          &error);

      t0 = now_ms () - t0;
      if (s2 == NULL)
        {
          g_printerr ("open: %s\n", error->message);
          return 3;
        }
      if (i == 0)
        first_open = t0;
      else
        g_array_append_val (opens, t0);
      if (i == 50)
        store = s2;
      else
        okn_store_close (s2);
    }

  printf ("\nOkienko store benchmark: %" G_GINT64_FORMAT " records (filled in %.1f s)\n", have + 500,
          fill_ms / 1000.0);
  printf ("SQLite %s, WAL, synchronous=FULL\n\n", sqlite3_libversion ());
  printf ("%-44s %10s %10s %10s %10s\n", "measure", "median", "p95", "max", "target");
  s = stats_of (reg);
  printf ("%-44s %8.2fms %8.2fms %8.2fms %10s\n", "register one record (durable commit)", s.median, s.p95, s.max, "<= 5 ms");
  printf ("%-44s %9.0f/s\n", "  = registrations per second (1 / median)", 1000.0 / s.median);
  s = stats_of (look);
  printf ("%-44s %8.3fms %8.3fms %8.3fms %10s\n", "lookup by ticket ID", s.median, s.p95, s.max, "<= 1 ms");
  s = stats_of (search);
  printf ("%-44s %8.2fms %8.2fms %8.2fms %10s\n", "FTS search, 100 newest hits, all queries", s.median, s.p95, s.max, "<= 30 ms");
  s = stats_of (like);
  printf ("%-44s %8.2fms %8.2fms %8.2fms %10s\n", "  alternative: LIKE scan, same columns", s.median, s.p95, s.max, "-");
  s = stats_of (opens);
  printf ("%-44s %8.2fms %8.2fms %8.2fms %10s\n", "open the store (file unchanged)", s.median, s.p95, s.max, "-");
  printf ("%-44s %8.0fms %10s %10s %10s\n", "open after the file changed (quick_check)", first_open, "", "", "-");
  s = stats_of (check);
  printf ("%-44s %8.0fms %8.0fms %8.0fms %10s\n", "  alternative: quick_check at every open", s.median, s.p95, s.max, "-");

  printf ("\n%-26s %9s %9s %12s %12s\n", "search, per query", "FTS hits", "LIKE hits", "FTS median", "LIKE median");
  for (guint q = 0; q < N_QUERIES; q++)
    {
      Stats f = stats_of (per_query[q].fts), l = stats_of (per_query[q].like);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", queries[q]);

      printf ("%-*s %9u %9u %10.2fms %10.2fms\n",
              26 + (int) (strlen (quoted) - g_utf8_strlen (quoted, -1)), quoted,
              per_query[q].fts_hits, per_query[q].like_hits, f.median, l.median);
      g_array_unref (per_query[q].fts);
      g_array_unref (per_query[q].like);
    }
  printf ("(%d rounds each; LIKE neither folds diacritics nor matches word prefixes)\n", SEARCH_ROUNDS);

  okn_store_close (store);
  if (dir)
    {
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *shm = g_strconcat (path, "-shm", NULL);

      g_autofree char *issued = g_strconcat (path, ".issued", NULL);
      g_autofree char *checked = g_strconcat (path, ".checked", NULL);

      g_unlink (path);
      g_unlink (wal);
      g_unlink (shm);
      g_unlink (issued);
      g_unlink (checked);
      g_rmdir (dir);
    }
  return 0;
}
