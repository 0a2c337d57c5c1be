/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-text.c: text from outside made safe to show
 *
 * Why replace rather than drop: a clerk who sees U+FFFD knows something odd
 * was there, and text that was shortened silently could mislead (a dropped
 * U+202E would still have been an attack, but a dropped "\r" joins words).
 */
#define G_LOG_DOMAIN "okn-text"

#include "config.h"

#include <string.h>

#include "okienko/okn-text.h"

#define REPLACEMENT 0xFFFD

/* Characters that change how the text around them is displayed rather than
 * being displayed: C0 and C1 controls, DEL, the bidi embeddings, overrides,
 * isolates and marks, the line and paragraph separators, and the
 * interlinear annotation and object replacement oddities. */
static gboolean
is_unsafe (gunichar c)
{
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
    return TRUE;
  switch (c)
    {
    case 0x061C:              /* Arabic letter mark */
    case 0x200E: case 0x200F: /* LRM, RLM */
    case 0x2028: case 0x2029: /* line and paragraph separators */
    case 0xFFF9: case 0xFFFA: case 0xFFFB:
      return TRUE;
    default:
      break;
    }
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static char *
sanitize (const char *text,
          gssize      max_chars,
          gboolean    keep_newlines)
{
  GString *out;
  const char *p;
  const char *end;
  gssize n = 0;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text));
  p = text;
  end = text + strlen (text);
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);
      gsize len;

      if (max_chars >= 0 && n >= max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Invalid UTF-8: one replacement per bad byte. */
          g_string_append_unichar (out, REPLACEMENT);
          p++;
          n++;
          continue;
        }
      len = g_utf8_next_char (p) - p;
      if (c == '\r' && p + 1 < end && p[1] == '\n')
        {
          /* CR LF is one line break. */
          p++;
          continue;
        }
      if (c == '\n' || c == '\r')
        g_string_append_c (out, keep_newlines ? '\n' : ' ');
      else if (c == '\t')
        g_string_append_c (out, ' ');
      else if (is_unsafe (c))
        g_string_append_unichar (out, REPLACEMENT);
      else
        g_string_append_len (out, p, len);
      p += len;
      n++;
    }
  return g_string_free (out, FALSE);
}

/**
 * okn_text_display_line:
 * @text: (nullable): text from outside (a server, a scan, a file, a user)
 * @max_chars: cut after this many characters, adding "…"; -1 for no limit
 *
 * Makes @text safe to show on one line of a terminal, a log or a label:
 * invalid UTF-8 bytes, control characters (ESC and the rest of C0/C1, DEL)
 * and bidi overrides become U+FFFD; tabs and line breaks become spaces, so
 * a "\r\n" in a server's answer cannot forge a line of our output.
 *
 * Returns: (transfer full): the safe text; "" for %NULL
 */
char *
okn_text_display_line (const char *text,
                       gssize      max_chars)
{
  return sanitize (text, max_chars, FALSE);
}

/**
 * okn_text_display_block:
 * @text: (nullable): text from outside that may have several lines
 *
 * As okn_text_display_line(), but keeps line breaks (CR LF and lone CR
 * become "\n"), for a description or a note shown as a paragraph.
 *
 * Returns: (transfer full): the safe text; "" for %NULL
 */
char *
okn_text_display_block (const char *text)
{
  return sanitize (text, -1, TRUE);
}

/**
 * okn_text_is_display_safe:
 * @text: (nullable): text to look at
 *
 * Returns: %TRUE when @text is valid UTF-8 without any character that
 *   okn_text_display_line() would replace (newlines count as unsafe)
 */
gboolean
okn_text_is_display_safe (const char *text)
{
  g_autofree char *safe = NULL;

  if (text == NULL)
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  safe = okn_text_display_line (text, -1);
  return strcmp (safe, text) == 0;
}
