/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-audit.c: the accessibility audit over every screen of the
 * real kiosk window, in Polish, English and Ukrainian, in the default,
 * HighContrast and HighContrastInverse themes, at 100 % and 200 % text
 *
 * Each screen is reached as a resident reaches it (a report filed, its
 * ticket on the screen, that ticket checked, the inactivity warning) so
 * that the audit sees what a resident sees, the summary's and the answer's
 * words included. The audit (tests/harness/okn-test-a11y.c) fails on any
 * control without an accessible name, one no keyboard or switch can
 * reach, a target under 48 px, or a text under 4.5:1 contrast.
 */
#define G_LOG_DOMAIN "test-kiosk-audit"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-a11y.h"
#include "okn-test-ui.h"
#include "okn-test-kiosk.h"
#include "okn-kiosk-window.h"
#include "okn-kiosk-theme.h"
#include "okn-gui-util.h"

static OknKioskWindow *window;

static GtkWidget *
named (const char *name)
{
  return okn_test_kiosk_find (window, name);
}

static void
press (const char *name)
{
  okn_test_kiosk_press (window, name);
}

/* The audit of what shows now, in every language, theme and text size. */
static void
audit_here (const char *what,
            GString    *all,
            guint      *audits)
{
  static int next;
  int first = 0;
  int last = OKN_LANGUAGE_LAST;

  /* Under the sanitizers, one language a screen, in turn. */
  if (okn_test_a11y_one_look_each ())
    first = last = next++ % (OKN_LANGUAGE_LAST + 1);
  for (int l = first; l <= last; l++)
    {
      g_autofree char *in_language = g_strdup_printf ("%s, %s", what, okn_language_to_string ((OknLanguage) l));

      okn_kiosk_window_set_language (window, (OknLanguage) l);
      *audits += okn_test_a11y_audit_looks (GTK_WIDGET (window), in_language, all);
    }
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  okn_test_ui_settle (GTK_WIDGET (window));
}

/* Longer than the whole test may run (meson's timeout). */
#define AUDIT_QUIET_MS (60 * 60 * 1000)

static void
audit_screen (const char *name,
              GString    *all,
              GHashTable *seen,
              guint      *audits)
{
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, name);
  audit_here (name, all, audits);
  g_hash_table_add (seen, g_strdup (name));
}

/* Every screen the window has, each as a resident meets it. */
static void
test_every_screen (void)
{
  g_autoptr (GString) all = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) screens = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *code = NULL;
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  const OknIntakeResult *result;
  guint audits = 0;

  /* One screen's audits take minutes under the sanitizers: the kiosk's
   * 90 s clock must not send it back to the start meanwhile. */
  okn_inactivity_set_timeouts (clock, AUDIT_QUIET_MS, AUDIT_QUIET_MS);
  okn_kiosk_window_show_start (window);
  audit_screen ("start", all, seen, &audits);
  press ("report");
  audit_screen ("category", all, seen, &audits);
  /* With the keyboard for the search. */
  gtk_widget_grab_focus (named ("search"));
  g_hash_table_remove (seen, "category");
  audit_screen ("category", all, seen, &audits);
  press ("category:pothole");
  gtk_entry_set_text (GTK_ENTRY (named ("address")), "ul. Piotrkowska 120, Łódź");
  audit_screen ("where", all, seen, &audits);
  press ("next");
  /* The category's questions unanswered: their errors show too. */
  press ("next");
  audit_screen ("what", all, seen, &audits);
  okn_gui_text_view_set (GTK_TEXT_VIEW (named ("description")), "Głęboka dziura przy przejściu");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("attr:size:large")), TRUE);
  press ("next");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("consent")), TRUE);
  gtk_entry_set_text (GTK_ENTRY (named ("contact-name")), "Olena Kowalenko");
  audit_screen ("contact", all, seen, &audits);
  press ("next");
  audit_screen ("summary", all, seen, &audits);
  press ("confirm");
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));
  result = okn_kiosk_report_get_result (okn_kiosk_window_get_report (window));
  ticket = g_strdup (result->record->ticket);
  code = g_strdup (result->record->verification_code);
  audit_screen ("done", all, seen, &audits);
  press ("finish");

  press ("check");
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-id")), ticket);
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-code")), "XXXXXX");
  press ("check-go");
  audit_screen ("check", all, seen, &audits);
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-id")), ticket);
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-code")), code);
  press ("check-go");
  audit_screen ("answer", all, seen, &audits);
  press ("finish");

  /* The inactivity warning, over a screen, brought on by a quick clock. */
  press ("report");
  press ("category:streetlight");
  okn_inactivity_set_timeouts (clock, 20, 10 * 60 * 1000);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_warning (window, TRUE));
  audit_here ("still-there", all, &audits);
  g_hash_table_add (seen, g_strdup ("still-there"));
  okn_inactivity_set_timeouts (clock, AUDIT_QUIET_MS, AUDIT_QUIET_MS);
  okn_inactivity_poke (clock);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));

  /* What no path above reaches: shown as they are. */
  screens = okn_kiosk_window_list_screens (window);
  for (guint i = 0; i < screens->len; i++)
    {
      OknKioskScreen *screen = g_ptr_array_index (screens, i);
      const char *name = okn_kiosk_screen_get_name (screen);

      if (g_hash_table_contains (seen, name))
        continue;
      okn_kiosk_window_show_screen (window, screen);
      audit_screen (name, all, seen, &audits);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, screens->len);
  g_test_message ("%u screens, %u audits", g_hash_table_size (seen), audits);
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  okn_kiosk_window_show_start (window);
  if (all->len > 0)
    g_error ("accessibility problems:%s", all->str);
}

int
main (int    argc,
      char **argv)
{
  OknTestKiosk kiosk = { 0 };

  okn_test_kiosk_station (&kiosk);
  okn_test_kiosk_open (&kiosk, &argc, &argv);
  window = kiosk.window;

  g_test_add_func ("/kiosk-audit/every-screen", test_every_screen);
  return okn_test_kiosk_run (&kiosk);
}
