/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-scan-payload.c: what a scanner read (a ticket ID, a QR code's
 * OKN1:<ticket>:<code>, a status-page URL) as the desk, the kiosk and
 * okienkoctl scan read it. An accepted payload gives a ticket that parses
 * on its own, and a code of the printed length. */
#include "config.h"

#include "okienko/okn-scan.h"
#include "okienko/okn-ticket-id.h"
#include "okn-fuzz.h"

#define STATUS_URL "https://um.example.pl/status?t={ticket}&c={code}"

static void
check (const char *payload,
       const char *template)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  OknTicketId id = { 0 };

  if (okn_scan_parse_text (payload, template, &id, &code, &error))
    {
      g_autofree char *text = okn_ticket_id_format (&id);
      OknTicketId again = { 0 };

      g_assert_true (okn_ticket_id_parse (text, &again, NULL));
      g_assert_true (code == NULL || strlen (code) == OKN_TICKET_CODE_LEN);
    }
  else
    g_assert_nonnull (error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *payload = okn_fuzz_string (data, size);
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  OknTicketId id = { 0 };

  okn_fuzz_init ();
  if (okn_ticket_parse_payload (payload, &id, &code, &error))
    g_assert_true (code == NULL || strlen (code) == OKN_TICKET_CODE_LEN);
  else
    g_assert_nonnull (error);
  check (payload, NULL);
  check (payload, STATUS_URL);
  return 0;
}
