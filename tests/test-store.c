/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store.c: the durable store: migrations, station, counters, register,
 * lookup, FTS, corrections, cancellation, audit log, catalogue check */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "okn-test-common.h"
#include "okn-test-sql.h"

typedef struct
{
  char *dir;
  char *path;
  OknStore *store;
} Fixture;

/* A directory for the database, which is not made yet. */
static void
fixture_setup_empty (Fixture      *f,
                     gconstpointer data)
{
  f->dir = okn_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "okienko.db", NULL);
}

/* A fresh database of station K03. */
static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  fixture_setup_empty (f, data);
  f->store = okn_test_open_store (f->dir, "K03");
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  g_clear_pointer (&f->store, okn_store_close);
  okn_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* f->store opened again from its file, as the next process would. */
static void
reopen (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->store, okn_store_close);
  f->store = okn_store_open (f->path, &error);
  g_assert_no_error (error);
}

static OknRecord *
register_letter (OknStore   *store,
                 const char *sender,
                 const char *subject)
{
  g_autoptr (GError) error = NULL;
  OknRecord *r = okn_test_letter (sender, subject);

  g_assert_true (okn_store_register (store, r, "clerk1", &error));
  g_assert_no_error (error);
  return r;
}

/* Migrations ------------------------------------------------------------ */

static void
test_fresh_database (Fixture      *f,
                     gconstpointer data)
{
  struct stat st;

  g_assert_cmpint (okn_store_get_schema_version (f->store), ==, OKN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA user_version"), ==, OKN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"), ==, 1);
  /* The file holds the station secret: only its owner may read it. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_newer_database_refused (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len, after_len;

  g_clear_pointer (&f->store, okn_store_close);
  okn_test_sql_exec (f->path, "PRAGMA user_version = 99");
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  f->store = okn_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NEWER_SCHEMA);
  g_assert_nonnull (strstr (error->message, "newer"));

  /* Untouched, to the byte. */
  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA user_version"), ==, 99);
}

/* Makes the store's file what the first release wrote: schema 1, no
 * application_id. */
static void
make_version_1 (const char *path)
{
  okn_test_sql_exec (path, "DROP INDEX outbox_due;"
                     "ALTER TABLE outbox DROP COLUMN unknown_outcome;"
                     "ALTER TABLE records DROP COLUMN status_polled_us;"
                     "PRAGMA user_version = 1;"
                     "PRAGMA application_id = 0;");
}

static void
test_failed_migration_rolls_back (Fixture      *f,
                                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->store, okn_store_close);
  /* A version-1 file with something in the way of migration 2. */
  make_version_1 (f->path);
  okn_test_sql_exec (f->path, "CREATE INDEX outbox_due ON outbox (attempts);");
  f->store = okn_store_open (f->path, &error);
  g_assert_null (f->store);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE);

  /* Nothing half-done: the version and the schema are as they were. */
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA user_version"), ==, 1);
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA application_id"), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'unknown_outcome'"), ==, 0);
}

static void
test_reopen_keeps_data (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Wniosek");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GError) error = NULL;

  reopen (f);
  back = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->uuid, ==, r->uuid);
  g_assert_cmpstr (back->verification_code, ==, r->verification_code);
}

/* Station ------------------------------------------------------------- */

static void
test_station (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autoptr (OknRecord) r = NULL;
  gint64 secrets_before;

  /* Idempotent: the same code again changes nothing, not even the secret. */
  secrets_before = okn_test_sql_int (f->path, "SELECT count(*) FROM station");
  g_assert_true (okn_store_init_station (f->store, "k03", "admin", &error));
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM station"), ==, secrets_before);

  /* A station with no records may still change its code. */
  g_assert_true (okn_store_init_station (f->store, "K04", "admin", &error));
  code = okn_store_get_station (f->store, &error);
  g_assert_cmpstr (code, ==, "K04");

  /* Not once tickets carry it. */
  r = register_letter (f->store, "Jan", "Wniosek");
  g_assert_true (g_str_has_prefix (r->ticket, "K04-"));
  g_assert_false (okn_store_init_station (f->store, "K05", "admin", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_CONFLICT);
  g_clear_error (&error);

  g_assert_false (okn_store_init_station (f->store, "TOOLONG", "admin", &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION);
}

static void
test_no_station (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (OknRecord) r = okn_test_letter ("Jan", "Wniosek");
  g_autoptr (GError) error = NULL;

  f->store = okn_test_open_store (f->dir, NULL);
  g_assert_false (okn_store_register (f->store, r, NULL, &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NO_STATION);
  g_assert_nonnull (strstr (error->message, "init --station"));
}

/* Counters and registration ---------------------------------------------- */

static GDateTime *
clock_func (gpointer data)
{
  return g_date_time_ref (*(GDateTime **) data);
}

static void
test_counters (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Warsaw");
  GDateTime *now = g_date_time_new (tz, 2026, 12, 31, 23, 59, 0);
  g_autoptr (OknRecord) a = NULL;
  g_autoptr (OknRecord) b = NULL;
  g_autoptr (OknRecord) c = NULL;
  g_autoptr (OknRecord) d = NULL;

  okn_store_set_now_func (f->store, clock_func, &now);
  a = register_letter (f->store, "Jan", "1");
  b = register_letter (f->store, "Jan", "2");
  g_assert_true (g_str_has_prefix (a->ticket, "K03-26-000001-"));
  g_assert_true (g_str_has_prefix (b->ticket, "K03-26-000002-"));

  /* A new year starts the sequence again. */
  g_date_time_unref (now);
  now = g_date_time_new (tz, 2027, 1, 1, 0, 0, 30);
  c = register_letter (f->store, "Jan", "3");
  d = register_letter (f->store, "Jan", "4");
  g_assert_true (g_str_has_prefix (c->ticket, "K03-27-000001-"));
  g_assert_true (g_str_has_prefix (d->ticket, "K03-27-000002-"));
  g_assert_cmpstr (c->created_at, ==, "2027-01-01T00:00:30+01:00");
  g_date_time_unref (now);
  okn_store_set_now_func (f->store, NULL, NULL);
}

static void
test_invalid_writes_nothing (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) next = NULL;

  g_ptr_array_add (batch, okn_test_letter ("Jan", "ok"));
  g_ptr_array_add (batch, okn_test_report ("pothole", NULL, "Piotrkowska 1"));
  g_assert_false (okn_store_register_many (f->store, batch, NULL, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Record 2"));
  g_assert_nonnull (strstr (error->message, "Description"));
  g_assert_null (((OknRecord *) g_ptr_array_index (batch, 0))->ticket);

  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records"), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM counters"), ==, 0);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log WHERE record_id IS NOT NULL"), ==, 0);

  /* No number was used up by the failure. */
  next = register_letter (f->store, "Jan", "after");
  g_assert_true (g_str_has_prefix (next->ticket, "K03-26-000001-") || g_str_has_prefix (next->ticket, "K03-"));
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT max(seq) FROM records"), ==, 1);
}

static void
test_register_many (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 50; i++)
    g_ptr_array_add (batch, okn_test_report ("pothole", "Dziura", "Piotrkowska 1"));
  g_assert_true (okn_store_register_many (f->store, batch, "import", &error));
  g_assert_no_error (error);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records"), ==, 50);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM outbox"), ==, 50);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(DISTINCT uuid) FROM records"), ==, 50);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT max(seq) - min(seq) FROM records"), ==, 49);
  for (guint i = 0; i < batch->len; i++)
    {
      OknRecord *r = g_ptr_array_index (batch, i);

      g_assert_nonnull (r->verification_code);
      g_assert_cmpuint (strlen (r->uuid), ==, 36);
      g_assert_cmpint (r->sync_state, ==, OKN_SYNC_QUEUED);
    }
}

/* Lookup -------------------------------------------------------------------- */

static void
test_lookup (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan Kowalski", "Wniosek");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (OknRecord) missing = NULL;
  g_autoptr (OknRecord) typo = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *messy = g_ascii_strdown (r->ticket, -1);
  g_autofree char *mistyped = g_strdup (r->ticket);
  OknTicketId id, other;
  g_autofree char *unknown = NULL;

  /* Forgiving: lower case, no hyphens. */
  g_strdelimit (messy, "-", ' ');
  back = okn_store_lookup (f->store, messy, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->ticket, ==, r->ticket);
  g_assert_cmpstr (back->sender_name, ==, "Jan Kowalski");
  g_assert_cmpstr (back->operator_name, ==, "clerk1");

  /* A valid ID that is not here: not found. */
  okn_ticket_id_parse (r->ticket, &id, NULL);
  okn_ticket_id_make (id.station, id.year, id.seq + 500, &other, NULL);
  unknown = okn_ticket_id_format (&other);
  missing = okn_store_lookup (f->store, unknown, &error);
  g_assert_null (missing);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A typo: said to be a typo, with the character and the likely ticket. */
  mistyped[11] = mistyped[11] == '1' ? '7' : '1';
  typo = okn_store_lookup (f->store, mistyped, &error);
  g_assert_null (typo);
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK);
  g_assert_nonnull (strstr (error->message, r->ticket));
  g_assert_nonnull (strstr (error->message, "character 10"));
}

static void
test_transposition_explained (Fixture      *f,
                              gconstpointer data)
{
  g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  g_autoptr (GError) error = NULL;
  OknRecord *target = NULL;
  g_autofree char *swapped = NULL;
  g_autoptr (OknRecord) none = NULL;

  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Warsaw");
  GDateTime *now = g_date_time_new (tz, 2026, 6, 1, 12, 0, 0);

  /* A fixed year: which tickets are one typo away depends on it. */
  okn_store_set_now_func (f->store, clock_func, &now);
  for (int i = 0; i < 30; i++)
    g_ptr_array_add (batch, okn_test_letter ("Jan", "x"));
  g_assert_true (okn_store_register_many (f->store, batch, NULL, &error));
  okn_store_set_now_func (f->store, NULL, NULL);
  g_date_time_unref (now);
  target = g_ptr_array_index (batch, 22); /* K03-26-000023-? */
  swapped = g_strdup (target->ticket);
  /* Swap the last two digits: 23 -> 32. */
  swapped[11] = target->ticket[12];
  swapped[12] = target->ticket[11];
  none = okn_store_lookup (f->store, swapped, &error);
  g_assert_null (none);
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK);
  g_assert_nonnull (strstr (error->message, "swapped"));
  g_assert_nonnull (strstr (error->message, target->ticket));
}

/* Full-text search -------------------------------------------------------- */

static void
test_search (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) l1 = register_letter (f->store, "Grzegorz Brzęczyszczykiewicz", "Wniosek o dowód");
  g_autoptr (OknRecord) l2 = register_letter (f->store, "Anna Nowak", "Skarga na hałas");
  g_autoptr (OknRecord) rep = okn_test_report ("pothole", "Głęboka dziura przy przejściu", "ul. Żeromskiego 15");
  struct { const char *q; const char *expect; } cases[] = {
    { "Brzęczyszczykiewicz", NULL },
    { "brzeczyszczykiewicz", NULL },   /* without diacritics */
    { "halas", NULL },                  /* subject */
    { "dziura", NULL },                 /* description */
    { "Żeromskiego", NULL },            /* address */
    { "Brzęcz", NULL },                 /* prefix of the last word */
    { "anna skarga", NULL },            /* all words, any field */
  };
  const OknRecord *expected[] = { l1, l1, l2, rep, rep, l1, l2 };

  g_assert_true (okn_store_register (f->store, rep, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GPtrArray) found = okn_store_search (f->store, cases[i].q, 0, &error);

      g_assert_no_error (error);
      if (found->len != 1)
        g_error ("search “%s” found %u records", cases[i].q, found->len);
      g_assert_cmpstr (((OknRecord *) g_ptr_array_index (found, 0))->ticket, ==, expected[i]->ticket);
    }

  /* By ticket ID, in any spelling. */
  {
    g_autofree char *lower = g_ascii_strdown (l2->ticket, -1);
    g_autoptr (GPtrArray) found = okn_store_search (f->store, lower, 0, &error);

    g_assert_cmpuint (found->len, ==, 1);
    g_assert_cmpstr (((OknRecord *) g_ptr_array_index (found, 0))->ticket, ==, l2->ticket);
  }

  /* Query syntax in user text is just text. */
  {
    const char *odd[] = { "\"", "AND OR NOT", "a*b*", "NEAR(", "-", "" };

    for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
      {
        g_autoptr (GPtrArray) found = okn_store_search (f->store, odd[i], 0, &error);

        g_assert_no_error (error);
        g_assert_nonnull (found);
      }
  }

  /* Filters apply to a text search in the store, not in the views. */
  {
    OknListFilter reports = { .has_kind = TRUE, .kind = OKN_KIND_REPORT };
    OknListFilter letters = { .has_kind = TRUE, .kind = OKN_KIND_LETTER };
    OknListFilter cancelled = { .has_state = TRUE, .state = OKN_SYNC_CANCELLED };
    g_autoptr (GPtrArray) a = okn_store_search_filtered (f->store, "Brzęczyszczykiewicz", &reports, &error);
    g_autoptr (GPtrArray) b = okn_store_search_filtered (f->store, "Brzęczyszczykiewicz", &letters, &error);
    g_autoptr (GPtrArray) c = okn_store_search_filtered (f->store, l1->ticket, &cancelled, &error);

    g_assert_cmpuint (a->len, ==, 0);
    g_assert_cmpuint (b->len, ==, 1);
    g_assert_cmpuint (c->len, ==, 0);
  }

  /* A correction is searchable at once; the old text is gone. */
  g_free (l2->subject);
  l2->subject = g_strdup ("Wniosek o parking");
  g_assert_true (okn_store_update (f->store, l2, "clerk1", &error));
  {
    g_autoptr (GPtrArray) old = okn_store_search (f->store, "halas", 0, &error);
    g_autoptr (GPtrArray) now = okn_store_search (f->store, "parking", 0, &error);

    g_assert_cmpuint (old->len, ==, 0);
    g_assert_cmpuint (now->len, ==, 1);
  }
}

/* Asserts that searching @q finds exactly the record @ticket. */
static void
assert_finds (OknStore   *store,
              const char *q,
              const char *ticket)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = okn_store_search (store, q, 0, &error);

  g_assert_no_error (error);
  if (found->len != 1 || g_strcmp0 (((OknRecord *) g_ptr_array_index (found, 0))->ticket, ticket) != 0)
    g_error ("search “%s” found %u records, not only %s", q, found->len, ticket);
}

/* Issue 10: a clerk finds a record by what she remembers of it: the
 * resident's contact name, the sender's address, the category's name or
 * group, typed without diacritics. */
static void
test_search_names_addresses_categories (Fixture      *f,
                                        gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) letter = okn_test_letter ("Jan Kowalski", "Wniosek o wycinkę drzewa");
  g_autoptr (OknRecord) light = okn_test_report ("streetlight", "Nie świeci od tygodnia", "ul. Piotrkowska 100");

  okn_test_sample_catalogue (f->store);
  letter->sender_address = g_strdup ("ul. Żółkiewskiego 12, 90-001 Łódź");
  light->contact_name = g_strdup ("Grażyna Łęcka");
  light->consent = TRUE;
  g_assert_true (okn_store_register (f->store, letter, "clerk1", &error));
  g_assert_true (okn_store_register (f->store, light, "clerk1", &error));
  g_assert_no_error (error);

  assert_finds (f->store, "zolkiewskiego", letter->ticket);   /* sender's address */
  assert_finds (f->store, "Żółkiewskiego 12", letter->ticket);
  assert_finds (f->store, "lecka", light->ticket);            /* contact name */
  assert_finds (f->store, "grazyna lecka", light->ticket);
  assert_finds (f->store, "latarnia", light->ticket);         /* category name */
  assert_finds (f->store, "oswietlenie", light->ticket);      /* category group */
  assert_finds (f->store, "latarnia piotrkowska", light->ticket);

  /* A correction re-indexes them too. */
  g_free (light->contact_name);
  light->contact_name = g_strdup ("Zdzisław Śmiały");
  g_assert_true (okn_store_update (f->store, light, "clerk1", &error));
  g_assert_no_error (error);
  assert_finds (f->store, "smialy", light->ticket);
  {
    g_autoptr (GPtrArray) old = okn_store_search (f->store, "lecka", 0, &error);

    g_assert_cmpuint (old->len, ==, 0);
  }
}

/* The index of a database written by Okienko before issue 10 (schema 3:
 * tests/fixtures/store-v3.db, made by that version's okienkoctl: init K07,
 * services import tests/fixtures/catalogue.json, a letter from ul.
 * Żółkiewskiego, a "17" street-light report with the contact Grażyna
 * Łęcka, a pothole report) is rebuilt when the database is opened. */
static void
test_search_index_migrated (Fixture      *f,
                            gconstpointer data)
{
  g_autofree char *fixture = g_build_filename (OKN_SOURCE_ROOT, "tests", "fixtures", "store-v3.db", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (fixture, &bytes, &len, &error));
  g_assert_true (g_file_set_contents_full (f->path, bytes, (gssize) len, G_FILE_SET_CONTENTS_NONE, 0600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA user_version"), ==, 3);

  reopen (f);
  g_assert_cmpint (okn_store_get_schema_version (f->store), ==, OKN_STORE_SCHEMA_VERSION);
  assert_finds (f->store, "zolkiewskiego", "K07-26-000001-N");
  assert_finds (f->store, "wycinke", "K07-26-000001-N");        /* what was indexed before */
  assert_finds (f->store, "grazyna", "K07-26-000002-K");
  assert_finds (f->store, "latarnia", "K07-26-000002-K");
  assert_finds (f->store, "oswietlenie", "K07-26-000002-K");
  assert_finds (f->store, "jezdnia", "K07-26-000003-H");        /* a category keyword */
  assert_finds (f->store, "glęboka", "K07-26-000003-H");

  /* Opened again: migrated once, the index holds each record once. */
  reopen (f);
  assert_finds (f->store, "latarnia", "K07-26-000002-K");
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records_fts"), ==, 3);
}

/* Corrections, cancellation, audit ----------------------------------------- */

static void
test_corrections_until_sent (Fixture      *f,
                             gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Wniosek");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (GError) error = NULL;
  OknAuditEntry *last;

  r->pages = 7;
  g_free (r->subject);
  r->subject = g_strdup ("Wniosek poprawiony");
  g_assert_true (okn_store_update (f->store, r, "clerk2", &error));
  g_assert_no_error (error);
  back = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_cmpint (back->pages, ==, 7);
  g_assert_cmpstr (back->subject, ==, "Wniosek poprawiony");

  /* The audit log says who changed which fields, not the values. */
  audit = okn_store_audit_log (f->store, r->id, &error);
  g_assert_cmpuint (audit->len, ==, 2);
  last = g_ptr_array_index (audit, 1);
  g_assert_cmpstr (last->action, ==, "correct");
  g_assert_cmpstr (last->actor, ==, "clerk2");
  g_assert_nonnull (strstr (last->details, "pages"));
  g_assert_nonnull (strstr (last->details, "subject"));
  g_assert_null (strstr (last->details, "poprawiony"));

  /* Nothing changed: nothing written. */
  g_assert_true (okn_store_update (f->store, r, "clerk2", &error));
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log WHERE action = 'correct'"), ==, 1);

  /* Once sent, read-only. */
  g_assert_true (okn_store_set_sync_state (f->store, r->id, OKN_SYNC_SENDING, "sync", NULL, &error));
  r->pages = 8;
  g_assert_false (okn_store_update (f->store, r, "clerk2", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_false (okn_store_cancel (f->store, r->ticket, "mistake", "clerk2", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT pages FROM records"), ==, 7);
}

static void
test_needs_attention_requeued (Fixture      *f,
                               gconstpointer data)
{
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura", "Piotrkowska 1");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (okn_store_register (f->store, r, NULL, &error));
  g_assert_true (okn_store_set_sync_state (f->store, r->id, OKN_SYNC_SENDING, NULL, NULL, &error));
  g_assert_true (okn_store_set_sync_state (f->store, r->id, OKN_SYNC_NEEDS_ATTENTION, NULL,
                                           "address_string: unknown street", &error));
  back = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_cmpint (back->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  g_assert_cmpstr (back->server_error, ==, "address_string: unknown street");

  g_free (back->address);
  back->address = g_strdup ("ul. Piotrkowska 1, Łódź");
  g_assert_true (okn_store_update (f->store, back, "clerk1", &error));
  g_assert_no_error (error);
  g_assert_cmpint (back->sync_state, ==, OKN_SYNC_QUEUED);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records WHERE sync_state = 'queued' AND server_error IS NULL"), ==, 1);
}

static void
test_cancel (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Wniosek");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_false (okn_store_cancel (f->store, r->ticket, "   ", "clerk1", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (okn_store_cancel (f->store, r->ticket, NULL, "clerk1", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (okn_store_cancel (f->store, r->ticket, "Registered twice by mistake", "clerk1", &error));
  back = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_cmpint (back->sync_state, ==, OKN_SYNC_CANCELLED);
  g_assert_cmpstr (back->cancel_reason, ==, "Registered twice by mistake");
  audit = okn_store_audit_log (f->store, r->id, &error);
  g_assert_cmpstr (((OknAuditEntry *) g_ptr_array_index (audit, audit->len - 1))->action, ==, "cancel");
  g_assert_nonnull (strstr (((OknAuditEntry *) g_ptr_array_index (audit, audit->len - 1))->details, "twice"));

  /* Cancelled stays cancelled. */
  g_assert_false (okn_store_cancel (f->store, r->ticket, "again", "clerk1", &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY);
}

static void
test_audit_append_only (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Wniosek");
  gint64 n = okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log");

  g_assert_cmpint (n, >=, 2); /* init-station and register */
  g_assert_cmpint (okn_test_sql_try_exec (f->path, "UPDATE audit_log SET actor = 'someone else'", NULL), !=, SQLITE_OK);
  g_assert_cmpint (okn_test_sql_try_exec (f->path, "DELETE FROM audit_log", NULL), !=, SQLITE_OK);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log"), ==, n);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log WHERE actor = 'clerk1' AND action = 'register'"), ==, 1);
}

/* Catalogue and attachments ------------------------------------------------ */

static void
test_category_against_catalogue (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr (OknRecord) before = okn_test_report ("anything-goes", "Dziura", "Piotrkowska 1");
  g_autoptr (OknRecord) unknown = okn_test_report ("anything-goes", "Dziura", "Piotrkowska 1");
  g_autoptr (OknRecord) known = okn_test_report ("pothole", "Dziura", "Piotrkowska 1");
  g_autoptr (GError) error = NULL;

  /* Never synced: any code is accepted, the sync checks it later. */
  g_assert_true (okn_store_register (f->store, before, NULL, &error));

  okn_test_cache_service (f->store, "pothole", "Dziura w jezdni", NULL);

  g_assert_false (okn_store_register (f->store, unknown, NULL, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "anything-goes"));
  g_clear_error (&error);
  g_assert_true (okn_store_register (f->store, known, NULL, &error));
  g_assert_no_error (error);
}

static void
test_attachments_content_addressed (Fixture      *f,
                                    gconstpointer data)
{
  g_autofree char *file = g_build_filename (f->dir, "scan.png", NULL);
  g_autoptr (OknRecord) a = okn_test_report ("pothole", "Dziura", "Piotrkowska 1");
  g_autoptr (OknRecord) b = okn_test_report ("pothole", "Dziura 2", "Piotrkowska 2");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const char png[] = "\x89PNG\r\n\x1a\n-pretend-image-bytes";

  g_assert_true (g_file_set_contents (file, png, sizeof png - 1, NULL));
  g_assert_true (okn_record_add_file (a, file, &error));
  g_assert_true (okn_record_add_file (b, file, &error));
  g_assert_true (okn_store_register (f->store, a, NULL, &error));
  g_assert_true (okn_store_register (f->store, b, NULL, &error));

  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM blobs"), ==, 1);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM attachments"), ==, 2);
  back = okn_store_lookup (f->store, b->ticket, &error);
  g_assert_cmpuint (back->files->len, ==, 1);
  g_assert_cmpstr (((OknAttachment *) g_ptr_array_index (back->files, 0))->filename, ==, "scan.png");
  g_assert_cmpstr (((OknAttachment *) g_ptr_array_index (back->files, 0))->mime_type, ==, "image/png");
  bytes = okn_store_read_file (f->store, ((OknAttachment *) g_ptr_array_index (back->files, 0))->sha256, &error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), png, sizeof png - 1);
}

static void
test_list_filters (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (OknRecord) l = register_letter (f->store, "Jan", "Wniosek");
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura", "Piotrkowska 1");
  g_autoptr (GError) error = NULL;
  OknListFilter letters = { .has_kind = TRUE, .kind = OKN_KIND_LETTER };
  OknListFilter cancelled = { .has_state = TRUE, .state = OKN_SYNC_CANCELLED };
  OknListFilter future = { 0 };
  g_autoptr (GPtrArray) a = NULL;
  g_autoptr (GPtrArray) b = NULL;
  g_autoptr (GPtrArray) c = NULL;
  g_autoptr (GPtrArray) all = NULL;

  g_assert_true (okn_store_register (f->store, r, NULL, &error));
  g_assert_true (okn_store_cancel (f->store, r->ticket, "duplicate", NULL, &error));
  {
    g_autoptr (GDateTime) today = g_date_time_new_now_local ();
    future.since = g_date_time_add_days (today, 1);
  }

  a = okn_store_list (f->store, &letters, &error);
  b = okn_store_list (f->store, &cancelled, &error);
  c = okn_store_list (f->store, &future, &error);
  all = okn_store_list (f->store, NULL, &error);
  g_assert_cmpuint (a->len, ==, 1);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (a, 0))->ticket, ==, l->ticket);
  g_assert_cmpuint (b->len, ==, 1);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (b, 0))->ticket, ==, r->ticket);
  g_assert_cmpuint (c->len, ==, 0);
  g_date_time_unref (future.since);
  /* Newest first. */
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (all, 0))->ticket, ==, r->ticket);
}

/* Outbox ------------------------------------------------------------------ */

static void
test_migration_from_v1 (Fixture      *f,
                        gconstpointer data)
{
  g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Sprzed migracji");
  g_autoptr (OknRecord) back = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&f->store, okn_store_close);
  make_version_1 (f->path);

  reopen (f);
  g_assert_cmpint (okn_store_get_schema_version (f->store), ==, OKN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (okn_test_sql_int (f->path, "PRAGMA application_id"), ==, OKN_STORE_APPLICATION_ID);
  back = okn_store_lookup (f->store, r->ticket, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->subject, ==, "Sprzed migracji");
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'unknown_outcome'"), ==, 1);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT unknown_outcome FROM outbox"), ==, 0);
}

static gboolean
warnings_mention (OknStore   *store,
                  const char *text)
{
  GPtrArray *warnings = okn_store_get_warnings (store);

  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), text))
      return TRUE;
  return FALSE;
}

/* Issue 8, item 2: the -wal is deleted while another process (sync
 * --watch) holds the database, then that process is killed. The records
 * committed since the last checkpoint are gone with the WAL; their ticket
 * numbers are printed on tickets in residents' hands and must never be
 * given out again, and the store must say what happened. */
static void
test_lost_wal_never_reissues (Fixture      *f,
                              gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autoptr (GPtrArray) handed_out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) lost = NULL;
  g_autoptr (OknRecord) next = NULL;
  int ready[2];
  char byte;
  pid_t holder;
  int status;

  g_clear_pointer (&f->store, okn_store_close);
  g_assert_cmpint (pipe (ready), ==, 0);
  holder = fork ();
  g_assert_cmpint (holder, >=, 0);
  if (holder == 0)
    {
      /* The holder: the database open, as sync --watch keeps it, until it
       * is killed (60 s at most). */
      OknStore *held = okn_store_open (f->path, NULL);

      if (held == NULL || write (ready[1], "r", 1) != 1)
        _exit (1);
      for (int i = 0; i < 600; i++)
        g_usleep (100000);
      _exit (0);
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);

  /* Ten letters registered by other processes (desk, okienkoctl): each
   * closes its connection, none checkpoints while the holder is there. */
  for (int i = 0; i < 10; i++)
    {
      g_autoptr (OknRecord) r = NULL;

      reopen (f);
      r = register_letter (f->store, "Jan Kowalski", "Wniosek");
      g_ptr_array_add (handed_out, g_strdup (r->ticket));
      g_clear_pointer (&f->store, okn_store_close);
    }
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (wal), ==, 0);
  g_assert_cmpint (kill (holder, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (holder, &status, 0), ==, holder);

  reopen (f);
  /* The loss itself (a WAL is the database's latest changes). */
  lost = okn_store_lookup (f->store, g_ptr_array_index (handed_out, 9), &error);
  g_assert_null (lost);
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A new letter gets a number no ticket carries yet. */
  next = register_letter (f->store, "Anna Nowak", "Skarga");
  g_test_message ("handed out %s … %s before the loss; next: %s",
                  (char *) g_ptr_array_index (handed_out, 0),
                  (char *) g_ptr_array_index (handed_out, 9), next->ticket);
  for (guint i = 0; i < handed_out->len; i++)
    g_assert_cmpstr (next->ticket, !=, g_ptr_array_index (handed_out, i));
  g_assert_true (g_str_has_prefix (next->ticket, "K03-"));
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT last_seq FROM counters"), ==, 11);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log WHERE action = 'skip-numbers'"), ==, 1);
  g_assert_true (warnings_mention (f->store, g_ptr_array_index (handed_out, 0)));
}

/* The same loss seen at open: the warning names the first and the last
 * ticket the database no longer holds. */
static void
test_lost_numbers_named_at_open (Fixture      *f,
                                 gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *vacuum = g_strdup_printf ("VACUUM INTO '%s'", backup);
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr (OknRecord) next = NULL;

  /* An older copy of the database, as a backup restore would bring back. */
  {
    g_autoptr (OknRecord) r = register_letter (f->store, "Jan", "Przed kopią");
  }
  g_clear_pointer (&f->store, okn_store_close);
  okn_test_sql_exec (f->path, vacuum);

  reopen (f);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (OknRecord) r = register_letter (f->store, "Ewa", "Po kopii");

      if (i == 0)
        first = g_strdup (r->ticket);
      g_free (last);
      last = g_strdup (r->ticket);
    }
  g_clear_pointer (&f->store, okn_store_close);
  g_assert_cmpint (g_rename (backup, f->path), ==, 0);

  reopen (f);
  g_assert_true (okn_store_get_warnings (f->store)->len > 0);
  g_test_message ("%s", (char *) g_ptr_array_index (okn_store_get_warnings (f->store), 0));
  g_assert_true (warnings_mention (f->store, first));
  g_assert_true (warnings_mention (f->store, last));
  next = register_letter (f->store, "Ola", "Po przywróceniu");
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT seq FROM records ORDER BY id DESC LIMIT 1"), ==, 7);

  /* The counter has passed the mark: nothing more to say. */
  reopen (f);
  g_assert_cmpint (okn_store_get_warnings (f->store)->len, ==, 0);
}

static OknOutcome *
outcome (gint64         id,
         OknOutcomeKind kind)
{
  OknOutcome *o = g_new0 (OknOutcome, 1);

  o->record_id = id;
  o->kind = kind;
  return o;
}

static void
test_outbox_flow (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) a = register_letter (f->store, "A", "a");
  g_autoptr (OknRecord) b = register_letter (f->store, "B", "b");
  g_autoptr (OknRecord) c = register_letter (f->store, "C", "c");
  g_autoptr (OknRecord) d = register_letter (f->store, "D", "d");
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) outcomes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (OknRecord) back = NULL;
  OknOutcome *o;
  gint64 later = g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC;

  g_assert_cmpint (okn_store_outbox_next_due_us (f->store, &error), ==, 0);
  claimed = okn_store_outbox_claim (f->store, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (claimed->len, ==, 4);
  g_assert_cmpuint (((OknOutboxItem *) g_ptr_array_index (claimed, 0))->attempts, ==, 1);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records WHERE sync_state = 'sending'"), ==, 4);

  /* Held records are neither claimed twice nor editable. */
  again = okn_store_outbox_claim (f->store, 10, &error);
  g_assert_cmpuint (again->len, ==, 0);
  a->pages = 5;
  g_assert_false (okn_store_update (f->store, a, NULL, &error));
  g_assert_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);

  o = outcome (a->id, OKN_OUTCOME_SENT);
  o->server_id = "1001";
  g_ptr_array_add (outcomes, o);
  o = outcome (b->id, OKN_OUTCOME_RETRY);
  o->next_attempt_us = later;
  o->error = "HTTP 503";
  o->http_status = 503;
  g_ptr_array_add (outcomes, o);
  o = outcome (c->id, OKN_OUTCOME_REFUSED);
  o->error = "address_string: unknown street";
  o->http_status = 400;
  g_ptr_array_add (outcomes, o);
  o = outcome (d->id, OKN_OUTCOME_TOKEN);
  o->token = "tok-42";
  g_ptr_array_add (outcomes, o);
  g_assert_true (okn_store_outbox_apply (f->store, outcomes, &error));
  g_assert_no_error (error);

  back = okn_store_lookup (f->store, a->ticket, &error);
  g_assert_cmpint (back->sync_state, ==, OKN_SYNC_SYNCED);
  g_assert_cmpstr (back->server_id, ==, "1001");
  g_clear_pointer (&back, okn_record_free);
  back = okn_store_lookup (f->store, c->ticket, &error);
  g_assert_cmpint (back->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  g_assert_cmpstr (back->server_error, ==, "address_string: unknown street");
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM outbox"), ==, 3);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM audit_log WHERE action = 'sync-state'"), ==, 8);

  /* The retry waits its turn. */
  g_clear_pointer (&again, g_ptr_array_unref);
  again = okn_store_outbox_claim (f->store, 10, &error);
  g_assert_cmpuint (again->len, ==, 0);
  g_assert_cmpint (okn_store_outbox_next_due_us (f->store, &error), ==, later);

  /* A retry time beyond any the engine schedules means the clock was
   * turned back: it is due now rather than in a year. */
  {
    g_autoptr (GPtrArray) far = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GPtrArray) turned_back = NULL;
    OknOutboxItem *item;

    okn_test_sql_exec (f->path, "UPDATE outbox SET next_attempt_us = next_attempt_us + 365 * 86400000000");
    g_assert_cmpint (okn_store_outbox_next_due_us (f->store, &error), ==, 0);
    turned_back = okn_store_outbox_claim (f->store, 10, &error);
    g_assert_cmpuint (turned_back->len, ==, 1);
    item = g_ptr_array_index (turned_back, 0);
    g_assert_cmpint (item->record->id, ==, b->id);
    o = outcome (b->id, OKN_OUTCOME_RETRY);
    o->next_attempt_us = later;
    g_ptr_array_add (far, o);
    g_assert_true (okn_store_outbox_apply (f->store, far, &error));
  }

  /* The token resolves later. */
  {
    g_autoptr (GPtrArray) waiting = okn_store_list_awaiting_id (f->store, 10, &error);
    g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func (g_free);

    g_assert_cmpuint (waiting->len, ==, 1);
    g_assert_cmpstr (((OknRecord *) g_ptr_array_index (waiting, 0))->server_token, ==, "tok-42");
    o = outcome (d->id, OKN_OUTCOME_SENT);
    o->server_id = "1004";
    g_ptr_array_add (done, o);
    g_assert_true (okn_store_outbox_apply (f->store, done, &error));
    g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records WHERE sync_state = 'synced'"), ==, 2);
  }

  /* The clerk fixes the refused one: it is queued again with a clean slate. */
  g_free (back->notes);
  back->notes = g_strdup ("poprawiony adres");
  g_assert_true (okn_store_update (f->store, back, "clerk1", &error));
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT attempts FROM outbox WHERE record_id = (SELECT id FROM records WHERE sender_name = 'C')"), ==, 0);
}

static void
test_outbox_recover (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) a = register_letter (f->store, "A", "a");
  g_autoptr (GPtrArray) claimed = okn_store_outbox_claim (f->store, 10, &error);
  g_autoptr (GPtrArray) recovered = NULL;
  g_autoptr (GPtrArray) reclaimed = NULL;

  g_assert_cmpuint (claimed->len, ==, 1);
  /* The sync process dies here. The next one finds the record in
   * 'sending' and cannot know whether the POST arrived. */
  recovered = okn_store_outbox_recover (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recovered->len, ==, 1);
  reclaimed = okn_store_outbox_claim (f->store, 10, &error);
  g_assert_cmpuint (reclaimed->len, ==, 1);
  g_assert_true (((OknOutboxItem *) g_ptr_array_index (reclaimed, 0))->unknown_outcome);
  g_assert_cmpuint (((OknOutboxItem *) g_ptr_array_index (reclaimed, 0))->attempts, ==, 2);
}

static void
test_statuses (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) a = register_letter (f->store, "A", "a");
  g_autoptr (GPtrArray) claimed = okn_store_outbox_claim (f->store, 10, &error);
  g_autoptr (GPtrArray) outcomes = g_ptr_array_new_with_free_func (g_free);
  OknOutcome *o = outcome (a->id, OKN_OUTCOME_SENT);
  OknStatusChange c = { .record_id = a->id, .status = (char *) "open", .status_notes = (char *) "Przyjęto" };
  g_autoptr (GPtrArray) changes = g_ptr_array_new ();
  guint n = 99;

  o->server_id = "7";
  g_ptr_array_add (outcomes, o);
  g_assert_true (okn_store_outbox_apply (f->store, outcomes, &error));
  {
    g_autoptr (GPtrArray) poll = okn_store_list_to_poll (f->store, 0, 10, &error);
    g_assert_cmpuint (poll->len, ==, 1);
  }

  g_ptr_array_add (changes, &c);
  g_assert_true (okn_store_apply_statuses (f->store, changes, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  /* The same again: nothing changed, nothing added. */
  g_assert_true (okn_store_apply_statuses (f->store, changes, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  c.status = (char *) "closed";
  c.status_notes = (char *) "Naprawiono";
  g_assert_true (okn_store_apply_statuses (f->store, changes, &n, &error));
  g_assert_cmpuint (n, ==, 1);
  {
    g_autoptr (GPtrArray) history = okn_store_status_history (f->store, a->id, &error);
    g_autoptr (OknRecord) back = okn_store_lookup (f->store, a->ticket, &error);
    g_autoptr (GPtrArray) poll = okn_store_list_to_poll (f->store, 0, 10, &error);

    g_assert_cmpuint (history->len, ==, 2);
    g_assert_cmpstr (back->server_status, ==, "closed");
    g_assert_cmpstr (back->server_status_notes, ==, "Naprawiono");
    /* Closed cases are not asked about any more. */
    g_assert_cmpuint (poll->len, ==, 0);
  }
}

/* A counter beyond a ticket's range (a database changed or damaged, or a
 * backup of one restored) is never read down into it: 2^32 + 3 is not
 * ticket 3, which was given out already; the registration is refused and
 * stores nothing. */
static void
test_counter_out_of_range (Fixture      *f,
                           gconstpointer data)
{
  g_autoptr (OknRecord) third = okn_test_letter ("Anna Nowak", "Skarga");
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (OknRecord) r = okn_test_letter ("Jan Kowalski", "Wniosek");

      g_assert_true (okn_store_register (f->store, r, NULL, &error));
      g_assert_no_error (error);
    }
  okn_test_sql_exec (f->path, "UPDATE counters SET last_seq = 4294967298");
  if (okn_store_register (f->store, third, NULL, &error))
    g_error ("a counter of 2^32 + 2 gave out %s", third->ticket);
  g_assert_nonnull (error);
  g_assert_cmpint (okn_test_sql_int (f->path, "SELECT count(*) FROM records"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_EMPTY(path, func) g_test_add (path, Fixture, NULL, fixture_setup_empty, func, fixture_teardown)
  ADD ("/store/fresh-database", test_fresh_database);
  ADD ("/store/newer-database-refused", test_newer_database_refused);
  ADD ("/store/failed-migration-rolls-back", test_failed_migration_rolls_back);
  ADD ("/store/reopen-keeps-data", test_reopen_keeps_data);
  ADD ("/store/station", test_station);
  ADD_EMPTY ("/store/no-station", test_no_station);
  ADD ("/store/counters", test_counters);
  ADD ("/store/invalid-writes-nothing", test_invalid_writes_nothing);
  ADD ("/store/register-many", test_register_many);
  ADD ("/store/lookup", test_lookup);
  ADD ("/store/transposition-explained", test_transposition_explained);
  ADD ("/store/search", test_search);
  ADD ("/store/corrections-until-sent", test_corrections_until_sent);
  ADD ("/store/needs-attention-requeued", test_needs_attention_requeued);
  ADD ("/store/cancel", test_cancel);
  ADD ("/store/audit-append-only", test_audit_append_only);
  ADD ("/store/category-against-catalogue", test_category_against_catalogue);
  ADD ("/store/attachments-content-addressed", test_attachments_content_addressed);
  ADD ("/store/list-filters", test_list_filters);
  ADD ("/store/migration-from-v1", test_migration_from_v1);
  ADD_EMPTY ("/store/search-index-migrated", test_search_index_migrated);
  ADD ("/store/lost-wal-never-reissues", test_lost_wal_never_reissues);
  ADD ("/store/counter-out-of-range-refused", test_counter_out_of_range);
  ADD ("/store/lost-numbers-named-at-open", test_lost_numbers_named_at_open);
  ADD ("/store/search-names-addresses-categories", test_search_names_addresses_categories);
  ADD ("/store/outbox-flow", test_outbox_flow);
  ADD ("/store/outbox-recover", test_outbox_recover);
  ADD ("/store/statuses", test_statuses);
#undef ADD
#undef ADD_EMPTY
  return g_test_run ();
}
