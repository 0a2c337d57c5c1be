/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-scan-burst.c: the keyboard-wedge recogniser fed keys at any pace.
 * Input: a prefix and a suffix (the first two bytes give their lengths),
 * then (gap, character) pairs: the gap in milliseconds, the character as
 * UTF-8. Whatever it returns as a scan must be a payload the scan parser
 * accepts, and what the scanner typed (valid UTF-8) holds it. */
#include "config.h"

#include "okienko/okn-scan.h"
#include "okienko/okn-scan-burst.h"
#include "okn-fuzz.h"

static char *
take_text (const uint8_t **p,
           const uint8_t  *end,
           gsize           n)
{
  gsize len = MIN (n, (gsize) (end - *p));
  char *s = g_strndup ((const char *) *p, len);

  *p += len;
  if (!g_utf8_validate (s, -1, NULL))
    g_clear_pointer (&s, g_free);
  return s;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (OknScanBurst) burst = okn_scan_burst_new ();
  const uint8_t *p = data, *end = data + size;
  g_autofree char *prefix = NULL;
  g_autofree char *suffix = NULL;
  gint64 now = 1000000;
  guint np, ns;

  okn_fuzz_init ();
  if (size < 2)
    return 0;
  np = p[0] % 4;
  ns = p[1] % 4;
  p += 2;
  prefix = take_text (&p, end, np);
  suffix = take_text (&p, end, ns);
  okn_scan_burst_set_affixes (burst, prefix, suffix);
  while (end - p >= 2)
    {
      gint64 gap_ms = *p++;
      const char *c = (const char *) p;
      gunichar ch = g_utf8_get_char_validated (c, end - p);
      g_autofree char *scanned = NULL;

      if (ch == (gunichar) -1 || ch == (gunichar) -2)
        {
          ch = *p;
          p++;
        }
      else
        p = (const uint8_t *) g_utf8_next_char (c);
      /* Control bytes stand for the keys the desk feeds: Enter, Tab. */
      if (ch == '\r')
        ch = '\n';
      now += gap_ms * 1000;
      scanned = okn_scan_burst_feed (burst, ch, now);
      if (scanned)
        {
          const char *typed = okn_scan_burst_get_typed (burst);
          OknTicketId id = { 0 };

          g_assert_true (okn_scan_parse_text (scanned, NULL, &id, NULL, NULL));
          g_assert_true (g_utf8_validate (typed, -1, NULL));
          g_assert_nonnull (strstr (typed, scanned));
        }
    }
  return 0;
}
