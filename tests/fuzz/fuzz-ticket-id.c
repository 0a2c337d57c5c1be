/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-ticket-id.c: the forgiving ticket ID parser (what a clerk or a
 * resident types), and what it promises: an ID it accepts formats to one
 * that parses back to the same ticket, in either printed form, and every
 * typo candidate is a valid ID. */
#include "config.h"

#include "okienko/okn-ticket-id.h"
#include "okn-fuzz.h"

static void
assert_same (const OknTicketId *a,
             const OknTicketId *b)
{
  g_assert_cmpstr (a->station, ==, b->station);
  g_assert_cmpuint (a->year, ==, b->year);
  g_assert_cmpuint (a->seq, ==, b->seq);
  g_assert_cmpint (a->check, ==, b->check);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *input = okn_fuzz_string (data, size);
  g_autofree char *canonical = NULL;
  g_autoptr (GError) error = NULL;
  OknTicketId id = { 0 };

  okn_fuzz_init ();
  canonical = okn_ticket_canonical_chars (input);
  if (okn_ticket_id_parse (input, &id, &error))
    {
      g_autofree char *text = okn_ticket_id_format (&id);
      g_autofree char *compact = okn_ticket_id_format_compact (&id);
      OknTicketId again = { 0 };

      g_assert_no_error (error);
      g_assert_nonnull (canonical);
      g_assert_true (okn_ticket_id_parse (text, &again, NULL));
      assert_same (&id, &again);
      g_assert_true (okn_ticket_id_parse (compact, &again, NULL));
      assert_same (&id, &again);
    }
  else
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == OKN_TICKET_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (error->code == OKN_TICKET_ERROR_CHECK)
        {
          g_autoptr (GPtrArray) candidates = okn_ticket_typo_candidates (input);

          for (guint i = 0; i < candidates->len; i++)
            {
              OknTicketId c = { 0 };

              g_assert_true (okn_ticket_id_parse (g_ptr_array_index (candidates, i), &c, NULL));
            }
        }
    }
  return 0;
}
