/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-burst.c: telling a keyboard-wedge scanner from a person typing
 *
 * Every key goes to the focused field as usual; this only watches. When
 * Enter ends a run of keys that came at scanner speed and the run, with the
 * scanner's optional prefix and suffix taken off, parses as a ticket
 * payload, the view is told so, together with the exact characters that
 * went into the field, and may take those (and only those) out again. A
 * person's text never parses as a ticket with its check character, so it
 * is never taken, whatever the speed.
 */
#define G_LOG_DOMAIN "okn-scan-burst"

#include "config.h"

#include "okienko/okn-scan-burst.h"
#include "okienko/okn-scan.h"

/* Longer than any payload we print (a status URL with ID and code). */
#define MAX_BURST 512

struct _OknScanBurst
{
  GString *run;          /* the keys of the current fast run, as typed */
  char *typed;           /* the last scan's keys, for the view to take out */
  char *prefix;          /* (nullable) what the scanner sends first */
  char *suffix;          /* (nullable) what it sends before Enter */
  char *status_url;      /* (nullable) office.status_url, a payload form */
  gint64 last_us;
  gint64 max_gap_us;
  gboolean have_last;
};

/**
 * okn_scan_burst_new:
 *
 * A recogniser with the default speed (%OKN_SCAN_BURST_DEFAULT_MAX_GAP_MS)
 * and no prefix or suffix; okn_scan_burst_configure() reads the station's.
 *
 * Returns: (transfer full): a new recogniser
 */
OknScanBurst *
okn_scan_burst_new (void)
{
  OknScanBurst *b = g_new0 (OknScanBurst, 1);

  b->run = g_string_new (NULL);
  b->max_gap_us = OKN_SCAN_BURST_DEFAULT_MAX_GAP_MS * 1000;
  return b;
}

void
okn_scan_burst_free (OknScanBurst *b)
{
  if (b == NULL)
    return;
  g_string_free (b->run, TRUE);
  g_free (b->typed);
  g_free (b->prefix);
  g_free (b->suffix);
  g_free (b->status_url);
  g_free (b);
}

/**
 * okn_scan_burst_configure:
 * @config: (nullable): `scanner.max_gap_ms`, `scanner.prefix`,
 *   `scanner.suffix` and `office.status_url`
 *
 * Takes the station's scanner settings; a %NULL @config, the defaults.
 */
void
okn_scan_burst_configure (OknScanBurst *b,
                          OknConfig    *config)
{
  g_autofree char *prefix = config ? okn_config_get_string (config, "scanner.prefix") : NULL;
  g_autofree char *suffix = config ? okn_config_get_string (config, "scanner.suffix") : NULL;
  gint64 gap_ms = config ? okn_config_get_int (config, "scanner.max_gap_ms")
                         : OKN_SCAN_BURST_DEFAULT_MAX_GAP_MS;

  okn_scan_burst_set_max_gap (b, gap_ms * 1000);
  okn_scan_burst_set_affixes (b, prefix, suffix);
  g_free (b->status_url);
  b->status_url = config ? okn_config_get_string (config, "office.status_url") : NULL;
}

/**
 * okn_scan_burst_set_max_gap:
 * @max_gap_us: the longest pause between two keys of one scan
 */
void
okn_scan_burst_set_max_gap (OknScanBurst *b,
                            gint64        max_gap_us)
{
  b->max_gap_us = max_gap_us > 0 ? max_gap_us : OKN_SCAN_BURST_DEFAULT_MAX_GAP_MS * 1000;
  okn_scan_burst_reset (b);
}

/**
 * okn_scan_burst_set_affixes:
 * @prefix: (nullable): what the scanner is set to send before each code
 * @suffix: (nullable): what it sends after the code, before Enter
 *
 * With a prefix, only a run that starts with it is a scan.
 */
void
okn_scan_burst_set_affixes (OknScanBurst *b,
                            const char   *prefix,
                            const char   *suffix)
{
  g_free (b->prefix);
  g_free (b->suffix);
  b->prefix = prefix && *prefix ? g_strdup (prefix) : NULL;
  b->suffix = suffix && *suffix ? g_strdup (suffix) : NULL;
  okn_scan_burst_reset (b);
}

/* The payload inside @run without the scanner's affixes, or NULL when the
 * affixes it should carry are missing. */
static char *
strip_affixes (OknScanBurst *b,
               const char   *run)
{
  gsize len = strlen (run);
  gsize start = 0;

  if (b->prefix)
    {
      if (!g_str_has_prefix (run, b->prefix))
        return NULL;
      start = strlen (b->prefix);
    }
  if (b->suffix)
    {
      if (len - start < strlen (b->suffix) || !g_str_has_suffix (run + start, b->suffix))
        return NULL;
      len -= strlen (b->suffix);
    }
  return g_strndup (run + start, len - start);
}

/**
 * okn_scan_burst_feed:
 * @ch: the key's character; '\r' or '\n' for Enter, '\t' for Tab, 0 for
 *   any other key that is not a character (arrows, BackSpace)
 * @time_us: when it was pressed (the event's time, in microseconds)
 *
 * Watches one key. The view lets every key reach the focused field as
 * usual, except an Enter for which this returns a payload: that Enter
 * ended a scan, and okn_scan_burst_get_typed() says which characters it
 * put into the field. Tab and keys that are not characters end a run and
 * are never a scan's.
 *
 * Returns: (transfer full) (nullable): the scanned payload, affixes
 *   removed, for okn_scan_verify_text(); %NULL for every key of a person
 */
char *
okn_scan_burst_feed (OknScanBurst *b,
                     gunichar      ch,
                     gint64        time_us)
{
  gboolean fast = b->have_last && time_us >= b->last_us && time_us - b->last_us <= b->max_gap_us;
  g_autofree char *payload = NULL;
  OknTicketId id;

  b->last_us = time_us;
  b->have_last = TRUE;
  if (ch == '\r' || ch == '\n')
    {
      if (fast && b->run->len > 0)
        payload = strip_affixes (b, b->run->str);
      if (payload && !okn_scan_parse_text (payload, b->status_url, &id, NULL, NULL))
        g_clear_pointer (&payload, g_free);
      g_free (b->typed);
      b->typed = payload ? g_strdup (b->run->str) : NULL;
      g_string_truncate (b->run, 0);
      return g_steal_pointer (&payload);
    }
  /* A pause starts a new run: the first key of a scan may follow anything. */
  if (!fast)
    g_string_truncate (b->run, 0);
  if (ch == 0 || ch == '\t' || !g_unichar_isprint (ch) || b->run->len > MAX_BURST)
    {
      g_string_truncate (b->run, 0);
      b->have_last = FALSE;
      return NULL;
    }
  g_string_append_unichar (b->run, ch);
  return NULL;
}

/**
 * okn_scan_burst_get_typed:
 *
 * Returns: (nullable): after okn_scan_burst_feed() returned a payload, the
 *   characters the scanner typed (affixes included), which went into the
 *   focused field just before the cursor; otherwise %NULL
 */
const char *
okn_scan_burst_get_typed (OknScanBurst *b)
{
  return b->typed;
}

/**
 * okn_scan_burst_reset:
 *
 * Forgets the current run, e.g. when the focus or the page changed.
 */
void
okn_scan_burst_reset (OknScanBurst *b)
{
  g_string_truncate (b->run, 0);
  g_clear_pointer (&b->typed, g_free);
  b->have_last = FALSE;
}
