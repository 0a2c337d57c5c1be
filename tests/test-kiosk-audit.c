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

typedef struct
{
  GString *all;
  guint audits;
} Audit;

/* A stop of the tour: what shows audited; the category's tiles a second
 * time with the keyboard up for the search. */
static void
audit_stop (OknKioskWindow *kiosk,
            const char     *where,
            gpointer        data)
{
  Audit *audit = data;

  audit_here (where, audit->all, &audit->audits);
  if (g_str_equal (where, "category"))
    {
      gtk_widget_grab_focus (named ("search"));
      audit_here ("category, keyboard", audit->all, &audit->audits);
    }
}

/* Every screen the window has, each as a resident meets it. */
static void
test_every_screen (void)
{
  g_autoptr (GString) all = g_string_new (NULL);
  Audit audit = { all, 0 };
  guint screens = okn_test_kiosk_tour (window, audit_stop, &audit);

  g_test_message ("%u screens, %u audits", screens, audit.audits);
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
