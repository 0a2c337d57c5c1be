/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-ticket.c: ticket IDs, check characters, parsing, verification codes */
#include "config.h"

#include <string.h>

#include "okn-test-common.h"

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static char *
make (const char *station,
      guint       year,
      guint       seq)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id;

  okn_ticket_id_make (station, year, seq, &id, &error);
  g_assert_no_error (error);
  return okn_ticket_id_format_compact (&id);
}

static gboolean
passes_check (const char *compact)
{
  OknTicketId id;
  g_autoptr (GError) error = NULL;
  gboolean ok = okn_ticket_id_parse (compact, &id, &error);

  /* Anything that is not accepted must be reported as a typo or as a
   * malformed ID, never as something else. */
  if (!ok)
    g_assert_true (error->domain == OKN_TICKET_ERROR);
  return ok;
}

/* Every single-character substitution and every adjacent transposition of
 * real IDs is caught: 12,000 IDs from several stations and years, each with
 * all 31 wrong values at every position and every swap of neighbours. */
static void
test_check_catches_every_typo (void)
{
  const char *stations[] = { "K03", "AB", "WZ12", "M7", "DZ4" };
  guint ids = 0, substitutions = 0, transpositions = 0;

  for (guint s = 0; s < G_N_ELEMENTS (stations); s++)
    for (guint n = 0; n < 2400; n++)
      {
        /* Sequences near the start, spread over the range, and near the end. */
        guint seq = n < 800 ? n + 1 : n < 1600 ? 1 + (n * 1237) % 999999 : 999999 - (n - 1600);
        g_autofree char *id = make (stations[s], 20 + (n % 80), seq);
        gsize len = strlen (id);

        g_assert_true (passes_check (id));
        ids++;
        for (gsize i = 0; i < len; i++)
          {
            char orig = id[i];

            for (const char *a = alphabet; *a; a++)
              {
                if (*a == orig)
                  continue;
                id[i] = *a;
                g_assert_false (passes_check (id));
                substitutions++;
              }
            id[i] = orig;
          }
        for (gsize i = 0; i + 1 < len; i++)
          {
            char t = id[i];

            if (t == id[i + 1])
              continue;
            id[i] = id[i + 1];
            id[i + 1] = t;
            g_assert_false (passes_check (id));
            transpositions++;
            id[i + 1] = id[i];
            id[i] = t;
          }
      }
  g_assert_cmpuint (ids, ==, 12000);
  g_test_message ("%u IDs, %u substitutions and %u transpositions all caught", ids, substitutions,
                  transpositions);
}

static void
test_format_and_parse (void)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id, back;
  g_autofree char *s = NULL;
  g_autofree char *compact = NULL;

  g_assert_true (okn_ticket_id_make ("k03", 26, 4217, &id, &error));
  s = okn_ticket_id_format (&id);
  g_assert_true (g_regex_match_simple ("^K03-26-004217-[0-9A-HJKMNP-TV-Z]$", s, 0, 0));
  compact = okn_ticket_id_format_compact (&id);

  /* Case, spaces, missing or extra hyphens and look-alikes are forgiven. */
  {
    g_autofree char *lower = g_ascii_strdown (s, -1);
    g_autofree char *spaced = g_strdup_printf (" %c %c %c 26 0042 17 %c ", s[0], s[1], s[2], id.check);
    g_autofree char *lookalike = g_strdup (s);
    const char *inputs[] = { s, compact, lower, spaced, lookalike };

    lookalike[1] = 'O'; /* K03 -> KO3 */
    lookalike[7] = 'o';
    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        g_assert_true (okn_ticket_id_parse (inputs[i], &back, &error));
        g_assert_no_error (error);
        g_assert_cmpstr (back.station, ==, "K03");
        g_assert_cmpuint (back.year, ==, 26);
        g_assert_cmpuint (back.seq, ==, 4217);
        g_assert_cmpint (back.check, ==, id.check);
      }
  }
}

static void
test_lookalikes_one (void)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id, back;
  g_autofree char *s = NULL;

  g_assert_true (okn_ticket_id_make ("K1", 26, 111, &id, &error));
  s = okn_ticket_id_format (&id);
  s[1] = 'l';          /* K1 typed as Kl */
  s[9] = 'I';          /* ...000111 typed as ...000I11 */
  g_assert_true (okn_ticket_id_parse (s, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (back.station, ==, "K1");
  g_assert_cmpuint (back.seq, ==, 111);
}

static void
test_typo_is_not_syntax (void)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id, back;
  g_autofree char *s = NULL;

  okn_ticket_id_make ("K03", 26, 4217, &id, NULL);
  s = okn_ticket_id_format (&id);
  s[9] = s[9] == '2' ? '3' : '2';
  g_assert_false (okn_ticket_id_parse (s, &back, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK);
  g_clear_error (&error);

  /* The typo candidates include the real ID. */
  {
    g_autoptr (GPtrArray) c = okn_ticket_typo_candidates (s);
    g_autofree char *real = okn_ticket_id_format (&id);
    gboolean found = FALSE;

    for (guint i = 0; i < c->len; i++)
      found |= g_str_equal (g_ptr_array_index (c, i), real);
    g_assert_true (found);
  }

  /* Not shaped like an ID at all. */
  g_assert_false (okn_ticket_id_parse ("hello", &back, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_false (okn_ticket_id_parse ("K03-26-00421U-Q", &back, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "13"));
  g_clear_error (&error);
  g_assert_false (okn_ticket_id_parse ("", &back, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_false (okn_ticket_id_parse ("K03-26-\xff\xfe-Q", &back, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
}

static void
test_station_codes (void)
{
  char out[OKN_TICKET_STATION_MAX + 1];
  g_autoptr (GError) error = NULL;

  g_assert_true (okn_station_code_normalize (" k0 3 ", out, &error));
  g_assert_cmpstr (out, ==, "K03");
  g_assert_true (okn_station_code_normalize ("ko3", out, &error));
  g_assert_cmpstr (out, ==, "K03");
  g_assert_false (okn_station_code_normalize ("K", out, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION);
  g_clear_error (&error);
  g_assert_false (okn_station_code_normalize ("KRAKOW", out, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION);
  g_clear_error (&error);
  g_assert_false (okn_station_code_normalize ("KU", out, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION);
  g_clear_error (&error);
  g_assert_false (okn_station_code_normalize ("Ł1", out, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION);
}

static void
test_sequence_range (void)
{
  g_autoptr (GError) error = NULL;
  OknTicketId id;

  g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &id, &error));
  g_assert_false (okn_ticket_id_make ("K03", 26, 1000000, &id, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (okn_ticket_id_make ("K03", 26, 0, &id, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_RANGE);
}

static void
test_verification_code (void)
{
  const guint8 secret_a[32] = { 1, 2, 3 };
  const guint8 secret_b[32] = { 1, 2, 4 };
  g_autofree char *a1 = okn_ticket_verification_code ("K03-26-004217-Q", secret_a, 32);
  g_autofree char *a2 = okn_ticket_verification_code ("K03-26-004217-Q", secret_a, 32);
  g_autofree char *b = okn_ticket_verification_code ("K03-26-004217-Q", secret_b, 32);
  g_autofree char *other = okn_ticket_verification_code ("K03-26-004218-Q", secret_a, 32);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *lower = NULL;

  g_assert_cmpuint (strlen (a1), ==, OKN_TICKET_CODE_LEN);
  g_assert_cmpstr (a1, ==, a2);
  g_assert_cmpstr (a1, !=, b);
  g_assert_cmpstr (a1, !=, other);
  for (const char *p = a1; *p; p++)
    g_assert_nonnull (strchr (alphabet, *p));

  lower = g_ascii_strdown (a1, -1);
  g_assert_true (okn_ticket_verification_code_equal (a1, lower));
  g_assert_false (okn_ticket_verification_code_equal (a1, b));
  g_assert_false (okn_ticket_verification_code_equal (a1, "ABC"));
  g_assert_false (okn_ticket_verification_code_equal (a1, NULL));

  /* Codes spread: 2,000 tickets, practically no collisions in 30 bits. */
  for (guint i = 1; i <= 2000; i++)
    {
      OknTicketId id;
      g_autofree char *t = NULL;

      okn_ticket_id_make ("K03", 26, i, &id, NULL);
      t = okn_ticket_id_format (&id);
      g_hash_table_add (seen, okn_ticket_verification_code (t, secret_a, 32));
    }
  g_assert_cmpuint (g_hash_table_size (seen), >=, 1998);
}

static void
test_payload (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *ticket = NULL;
  OknTicketId id, back;

  okn_ticket_id_make ("K03", 26, 42, &id, NULL);
  ticket = okn_ticket_id_format (&id);
  payload = g_strdup_printf ("OKN1:%s:ABC123", ticket);
  g_assert_true (okn_ticket_parse_payload (payload, &back, &code, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back.seq, ==, 42);
  g_assert_cmpstr (code, ==, "ABC123");
  g_clear_pointer (&code, g_free);

  g_assert_true (okn_ticket_parse_payload (ticket, &back, &code, &error));
  g_assert_null (code);

  g_assert_false (okn_ticket_parse_payload ("OKN1:garbage", &back, &code, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_false (okn_ticket_parse_payload ("https://example.org/x", &back, &code, &error));
  g_assert_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ticket/check-catches-every-typo", test_check_catches_every_typo);
  g_test_add_func ("/ticket/format-and-parse", test_format_and_parse);
  g_test_add_func ("/ticket/lookalikes-one", test_lookalikes_one);
  g_test_add_func ("/ticket/typo-is-not-syntax", test_typo_is_not_syntax);
  g_test_add_func ("/ticket/station-codes", test_station_codes);
  g_test_add_func ("/ticket/sequence-range", test_sequence_range);
  g_test_add_func ("/ticket/verification-code", test_verification_code);
  g_test_add_func ("/ticket/payload", test_payload);
  return g_test_run ();
}
