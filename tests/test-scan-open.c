/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-scan-open.c: which scan opens a record, decided once */
#include "config.h"

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
  enum { GENUINE, BARE, FORGED, UNKNOWN, FOREIGN, N_SCANS };
  g_auto (OknTestStation) station = { 0 };
  g_autoptr (OknRecord) r = okn_test_letter ("Jan Kowalski", "Wniosek");
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *genuine_text = NULL;
  g_autofree char *forged_text = NULL;
  g_autofree char *missing = NULL;
  OknTicketId id;
  const char *text[N_SCANS];
  OknScanResult *scan[N_SCANS];
  g_autoptr (GPtrArray) owned = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_scan_result_free);
  g_autoptr (GPtrArray) mixed = g_ptr_array_new ();
  g_autoptr (GPtrArray) none_open = g_ptr_array_new ();
  g_autoptr (GPtrArray) empty = g_ptr_array_new ();

  okn_test_station_init (&station, "K03");
  g_assert_true (okn_store_register (station.store, r, "test", &error));
  code = okn_store_verification_code (station.store, r->ticket, &error);
  genuine_text = g_strdup_printf ("OKN1:%s:%s", r->ticket, code);
  forged_text = g_strdup_printf ("OKN1:%s:%s", r->ticket, g_str_equal (code, "AAAAAA") ? "BBBBBB" : "AAAAAA");
  g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &id, NULL));
  missing = okn_ticket_id_format (&id);
  text[GENUINE] = genuine_text;
  text[BARE] = r->ticket;
  text[FORGED] = forged_text;
  text[UNKNOWN] = missing;
  text[FOREIGN] = "5901234123457";
  for (guint i = 0; i < N_SCANS; i++)
    {
      scan[i] = verify (station.store, text[i]);
      g_ptr_array_add (owned, scan[i]);
      g_assert_cmpint (okn_scan_result_opens (scan[i]), ==, i == GENUINE || i == BARE);
    }
  g_assert_cmpint (scan[UNKNOWN]->verdict, ==, OKN_SCAN_UNKNOWN_TICKET);
  g_assert_cmpstr (scan[BARE]->ticket, ==, r->ticket);
  g_assert_false (okn_scan_result_opens (NULL));
  g_assert_nonnull (scan[FORGED]->message);

  /* A page with a foreign code, a forged ticket and a genuine one opens the
   * genuine one; without it, the first tells why. */
  g_ptr_array_add (mixed, scan[FOREIGN]);
  g_ptr_array_add (mixed, scan[FORGED]);
  g_ptr_array_add (mixed, scan[GENUINE]);
  g_assert_true (okn_scan_results_pick (mixed) == scan[GENUINE]);
  g_ptr_array_add (none_open, scan[FORGED]);
  g_ptr_array_add (none_open, scan[FOREIGN]);
  g_assert_true (okn_scan_results_pick (none_open) == scan[FORGED]);
  g_assert_null (okn_scan_results_pick (empty));
  g_assert_null (okn_scan_results_pick (NULL));
}

int
main (int   argc,
      char *argv[])
{
  okn_test_init (&argc, &argv);
  g_test_add_func ("/scan-open/verdicts", test_verdicts);
  return g_test_run ();
}
