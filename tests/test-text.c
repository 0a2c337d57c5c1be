/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-text.c: hostile text made safe to show */
#include "config.h"

#include <string.h>

#include "okn-test-common.h"

/* What an attacker puts in a server's answer or a QR code, and what a
 * terminal must receive instead. */
static void
test_line_neutralises_controls (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "Dziura w jezdni, Łódź", "Dziura w jezdni, Łódź" },
    { "\033]0;owned\007title", "\xef\xbf\xbd]0;owned\xef\xbf\xbdtitle" },
    { "\033[2Jcleared", "\xef\xbf\xbd[2Jcleared" },
    { "bad\r\nGENUINE ticket", "bad GENUINE ticket" },
    { "bad\rGENUINE", "bad GENUINE" },
    { "a\tb", "a b" },
    { "abc\xe2\x80\xae" "fdp.exe", "abc\xef\xbf\xbd" "fdp.exe" },         /* U+202E */
    { "x\xe2\x81\xa6y\xe2\x81\xa9", "x\xef\xbf\xbdy\xef\xbf\xbd" },      /* isolates */
    { "c1\xc2\x9b" "31m", "c1\xef\xbf\xbd" "31m" },                        /* CSI as C1 */
    { "del\x7f", "del\xef\xbf\xbd" },
    { "bad\xff" "byte", "bad\xef\xbf\xbd" "byte" },
    { "Київ, вул. Хрещатик", "Київ, вул. Хрещатик" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *safe = okn_text_display_line (cases[i].in, -1);

      g_assert_cmpstr (safe, ==, cases[i].out);
      g_assert_true (okn_text_is_display_safe (safe));
      g_assert_true (g_utf8_validate (safe, -1, NULL));
    }
  g_assert_false (okn_text_is_display_safe ("\033[2J"));
  g_assert_false (okn_text_is_display_safe ("line\nbreak"));
  g_assert_true (okn_text_is_display_safe ("zażółć gęślą jaźń"));
  g_assert_true (okn_text_is_display_safe (NULL));
}

static void
test_block_keeps_lines (void)
{
  g_autofree char *safe = okn_text_display_block ("one\r\ntwo\rthree\n\033[1mfour");

  g_assert_cmpstr (safe, ==, "one\ntwo\nthree\n\xef\xbf\xbd[1mfour");
}

static void
test_line_cut_counts_characters (void)
{
  g_autofree char *cut = okn_text_display_line ("żółw żółw", 4);
  g_autofree char *whole = okn_text_display_line ("żółw", 4);
  g_autofree char *none = okn_text_display_line (NULL, 4);

  g_assert_cmpstr (cut, ==, "żółw…");
  g_assert_cmpstr (whole, ==, "żółw");
  g_assert_cmpstr (none, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/text/line-neutralises-controls", test_line_neutralises_controls);
  g_test_add_func ("/text/block-keeps-lines", test_block_keeps_lines);
  g_test_add_func ("/text/line-cut-counts-characters", test_line_cut_counts_characters);
  return g_test_run ();
}
