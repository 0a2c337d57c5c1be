/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan-open.c: which scan opens a record, decided once */
#include "config.h"

#include <locale.h>
#include <glib.h>

#include "okienko/okienko.h"
#include "okienko/okn-scan-open.h"
#include "okn-test-common.h"

static OknScanResult *
verify (OknStore   *store,
        const char *text)
{
  g_autoptr (GError) error = NULL;
  OknScanResult *r = okn_scan_verify_text (store, NULL, text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (r);
  return r;
}

/* Real verdicts from a store: a genuine code and a bare ID open the
 * record; a wrong code, an unknown ticket and a foreign code do not, and
 * say why. */
static void
test_verdicts (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autoptr (OknStore) store = okn_test_open_store (dir, "K03");
  g_autoptr (OknRecord) r = okn_test_letter ("Jan Kowalski", "Wniosek");
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *genuine_text = NULL;
  g_autofree char *forged_text = NULL;
  g_autoptr (OknScanResult) genuine = NULL;
  g_autoptr (OknScanResult) bare = NULL;
  g_autoptr (OknScanResult) forged = NULL;
  g_autoptr (OknScanResult) unknown = NULL;
  g_autoptr (OknScanResult) foreign = NULL;
  g_autoptr (GPtrArray) mixed = g_ptr_array_new ();
  g_autoptr (GPtrArray) none_open = g_ptr_array_new ();
  g_autoptr (GPtrArray) empty = g_ptr_array_new ();

  g_assert_true (okn_store_register (store, r, "test", &error));
  code = okn_store_verification_code (store, r->ticket, &error);
  genuine_text = g_strdup_printf ("OKN1:%s:%s", r->ticket, code);
  forged_text = g_strdup_printf ("OKN1:%s:%s", r->ticket, g_str_equal (code, "AAAAAA") ? "BBBBBB" : "AAAAAA");
  genuine = verify (store, genuine_text);
  bare = verify (store, r->ticket);
  forged = verify (store, forged_text);
  {
    OknTicketId id;
    g_autofree char *missing = NULL;

    g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &id, NULL));
    missing = okn_ticket_id_format (&id);
    unknown = verify (store, missing);
    g_assert_cmpint (unknown->verdict, ==, OKN_SCAN_UNKNOWN_TICKET);
  }
  foreign = verify (store, "5901234123457");

  g_assert_true (okn_scan_result_opens (genuine));
  g_assert_true (okn_scan_result_opens (bare));
  g_assert_cmpstr (bare->ticket, ==, r->ticket);
  g_assert_false (okn_scan_result_opens (forged));
  g_assert_false (okn_scan_result_opens (unknown));
  g_assert_false (okn_scan_result_opens (foreign));
  g_assert_false (okn_scan_result_opens (NULL));
  g_assert_nonnull (forged->message);

  /* A page with a foreign code, a forged ticket and a genuine one opens the
   * genuine one; without it, the first tells why. */
  g_ptr_array_add (mixed, foreign);
  g_ptr_array_add (mixed, forged);
  g_ptr_array_add (mixed, genuine);
  g_assert_true (okn_scan_results_pick (mixed) == genuine);
  g_ptr_array_add (none_open, forged);
  g_ptr_array_add (none_open, foreign);
  g_assert_true (okn_scan_results_pick (none_open) == forged);
  g_assert_null (okn_scan_results_pick (empty));
  g_assert_null (okn_scan_results_pick (NULL));
  okn_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/scan-open/verdicts", test_verdicts);
  return g_test_run ();
}
