/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan-burst.c: a scanner's burst told from a person's typing by what
 * it is, not by speed alone */
#include "config.h"

#include <locale.h>
#include <glib.h>

#include "okienko/okienko.h"
#include "okn-test-common.h"

/* Types @text from *@t with @gap_ms between keys (each key's time in ms),
 * Enter last; returns what the recogniser said at the Enter. */
static char *
type_line (OknScanBurst *b,
           const char   *text,
           gint64       *t,
           const guint  *gaps_ms,
           guint         n_gaps)
{
  guint i = 0;
  char *got;

  for (const char *p = text; *p; p = g_utf8_next_char (p), i++)
    {
      *t += (gint64) gaps_ms[i % n_gaps] * 1000;
      g_assert_null (okn_scan_burst_feed (b, g_utf8_get_char (p), *t));
    }
  *t += (gint64) gaps_ms[i % n_gaps] * 1000;
  got = okn_scan_burst_feed (b, '\r', *t);
  return got;
}

/* Types @text as type_line() does: the recogniser hands back @expected
 * at the Enter, or nothing when it is NULL. */
static void
assert_typed (OknScanBurst *b,
              const char   *text,
              gint64       *t,
              const guint  *gaps_ms,
              guint         n_gaps,
              const char   *expected)
{
  g_autofree char *got = type_line (b, text, t, gaps_ms, n_gaps);

  g_assert_cmpstr (got, ==, expected);
}

static char *
make_ticket (guint seq)
{
  OknTicketId id;

  g_assert_true (okn_ticket_id_make ("K03", 26, seq, &id, NULL));
  return okn_ticket_id_format (&id);
}

/* A scanner at 5 ms a key opens; a person at 30-60 ms a key (a fast
 * typist) never does, whatever is typed, a valid ticket included. */
static void
test_speed_and_content (void)
{
  g_autoptr (OknScanBurst) b = okn_scan_burst_new ();
  g_autofree char *ticket = make_ticket (4217);
  g_autofree char *qr = g_strdup_printf ("OKN1:%s:ABCDEF", ticket);
  static const guint scanner[] = { 5 };
  static const guint person[] = { 48, 31, 60, 37, 52, 30, 44 };
  gint64 t = 1000000;

  assert_typed (b, ticket, &t, scanner, 1, ticket);
  g_assert_cmpstr (okn_scan_burst_get_typed (b), ==, ticket);
  assert_typed (b, qr, &t, scanner, 1, qr);
  t += 500000;
  assert_typed (b, ticket, &t, person, G_N_ELEMENTS (person), NULL);
  g_assert_null (okn_scan_burst_get_typed (b));
  /* Fast, but not a ticket: a person's name, a wrong check character, half
   * an ID. None is a scan, so the view never touches what was typed. */
  {
    g_autofree char *typo = g_strdup (ticket);
    g_autofree char *half = g_strndup (ticket, 7);
    const char *texts[] = { "Anna Nowak-Żółć", "Piotrkowska 100", typo, half };

    typo[strlen (typo) - 1] = typo[strlen (typo) - 1] == 'A' ? 'B' : 'A';
    for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
      assert_typed (b, texts[i], &t, scanner, 1, NULL);
  }
}

/* A person's letters, then the scanner: only the scanner's run counts, and
 * only its characters are handed back to be taken out of the field. Tab is
 * never part of a scan. */
static void
test_run_after_typing (void)
{
  g_autoptr (OknScanBurst) b = okn_scan_burst_new ();
  g_autofree char *ticket = make_ticket (12);
  g_autofree char *joined = NULL;
  static const guint person[] = { 150 };
  static const guint scanner[] = { 4 };
  gint64 t = 1000000;

  for (const char *p = "Ja"; *p; p++)
    {
      t += 150000;
      g_assert_null (okn_scan_burst_feed (b, (gunichar) *p, t));
    }
  t += 800000;
  assert_typed (b, ticket, &t, scanner, 1, ticket);
  g_assert_cmpstr (okn_scan_burst_get_typed (b), ==, ticket);
  /* A Tab inside a fast run breaks it: what follows alone is no ticket. */
  joined = g_strdup_printf ("%.*s", 5, ticket);
  for (const char *p = joined; *p; p++)
    {
      t += 4000;
      g_assert_null (okn_scan_burst_feed (b, (gunichar) *p, t));
    }
  t += 4000;
  g_assert_null (okn_scan_burst_feed (b, '\t', t));
  assert_typed (b, ticket + 5, &t, scanner, 1, NULL);
  /* Slow: nothing. */
  assert_typed (b, ticket, &t, person, 1, NULL);
}

/* The station's settings: a slower scanner, a prefix and a suffix, the
 * status page's URL as a payload. */
static void
test_configured (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *conf_path = g_build_filename (dir, "okienko.conf", NULL);
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (OknScanBurst) b = okn_scan_burst_new ();
  g_autofree char *ticket = make_ticket (77);
  g_autofree char *wrapped = g_strdup_printf ("#%s$", ticket);
  g_autofree char *url = g_strdup_printf ("https://status.example.invalid/sprawa/%s?kod=ABCDEF", ticket);
  g_autofree char *wrapped_url = g_strdup_printf ("#%s$", url);
  static const guint slow_scanner[] = { 35 };
  gint64 t = 1000000;

  config = okn_test_config_from_text (conf_path,
                                      "[scanner]\nmax_gap_ms=40\nprefix=#\nsuffix=$\n"
                                      "[office]\nstatus_url=https://status.example.invalid/sprawa/{ticket}?kod={code}\n");
  okn_scan_burst_configure (b, config);
  assert_typed (b, wrapped, &t, slow_scanner, 1, ticket);
  g_assert_cmpstr (okn_scan_burst_get_typed (b), ==, wrapped);
  assert_typed (b, wrapped_url, &t, slow_scanner, 1, url);
  /* Without its prefix a burst is not this scanner's. */
  assert_typed (b, ticket, &t, slow_scanner, 1, NULL);
  okn_scan_burst_configure (b, NULL);
  assert_typed (b, ticket, &t, slow_scanner, 1, NULL);   /* 35 ms is a person's speed by default */
  okn_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scan-burst/speed-and-content", test_speed_and_content);
  g_test_add_func ("/scan-burst/run-after-typing", test_run_after_typing);
  g_test_add_func ("/scan-burst/configured", test_configured);
  return g_test_run ();
}
