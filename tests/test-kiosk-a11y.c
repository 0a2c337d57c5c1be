/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-a11y.c: the kiosk as a blind resident, a shaking hand and weak
 * eyes meet it, under an Xvfb the test starts itself
 *
 * The audit (tests/harness/okn-test-a11y.c) walks each kiosk screen's
 * accessible tree and fails on an interactive control without a name, a
 * target under 48 px, or text under 4.5:1 contrast, in the default theme
 * and in both high-contrast themes, at normal and double text size.
 */
#define G_LOG_DOMAIN "test-kiosk-a11y"

#include "config.h"

#include <math.h>
#include <string.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-a11y.h"
#include "okn-test-ui.h"
#include "okn-gui-resources.h"
#include "okn-kiosk-keyboard.h"
#include "okn-kiosk-theme.h"
#include "okn-ticket-screen.h"

/* Every theme and text size; fails listing every problem found. */
static void
assert_accessible (GtkWidget  *window,
                   const char *what)
{
  g_autoptr (GString) all = g_string_new (NULL);

  okn_test_a11y_audit_looks (window, what, all);
  if (all->len > 0)
    g_error ("accessibility problems:%s", all->str);
}

static GtkWidget *
window_new (void)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 960);
  return window;
}

static gboolean
has_problem (GPtrArray  *problems,
             const char *prefix,
             const char *about)
{
  for (guint i = 0; i < problems->len; i++)
    if (g_str_has_prefix (problems->pdata[i], prefix) && strstr (problems->pdata[i], about))
      return TRUE;
  return FALSE;
}

/* The audit itself finds each kind of problem, and only those. */
static void
test_audit_finds_problems (void)
{
  GtkWidget *window = window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  /* A picture only (GTK names a few stock icons itself, not a drawing). */
  GtkWidget *icon_only = gtk_button_new ();
  GtkWidget *tiny = gtk_button_new_with_label ("Tiny");
  GtkWidget *good = gtk_button_new_with_label ("Good");
  GtkWidget *unreachable = gtk_button_new_with_label ("Unreachable");
  GtkWidget *faint = gtk_label_new ("Faint grey words");
  GtkWidget *plain = gtk_label_new ("Plain words");
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
  g_autoptr (GPtrArray) problems = NULL;
  GdkRGBA black = { 0, 0, 0, 1 }, white = { 1, 1, 1, 1 }, grey = { 0.6, 0.6, 0.6, 1 };

  g_assert_cmpfloat (fabs (okn_test_a11y_contrast_ratio (&black, &white) - 21), <, 0.01);
  g_assert_cmpfloat (okn_test_a11y_contrast_ratio (&grey, &white), <, 3);

  gtk_css_provider_load_from_data (css, "label.faint { color: #aaaaaa; }", -1, NULL);
  gtk_style_context_add_provider (gtk_widget_get_style_context (faint), GTK_STYLE_PROVIDER (css),
                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_style_context_add_class (gtk_widget_get_style_context (faint), "faint");
  gtk_container_add (GTK_CONTAINER (icon_only), gtk_drawing_area_new ());
  gtk_widget_set_size_request (icon_only, 64, 64);
  gtk_widget_set_size_request (good, 64, 64);
  gtk_widget_set_size_request (unreachable, 64, 64);
  gtk_widget_set_can_focus (unreachable, FALSE);
  gtk_widget_set_halign (tiny, GTK_ALIGN_START);
  gtk_widget_set_valign (tiny, GTK_ALIGN_START);
  gtk_container_add (GTK_CONTAINER (box), icon_only);
  gtk_container_add (GTK_CONTAINER (box), tiny);
  gtk_container_add (GTK_CONTAINER (box), good);
  gtk_container_add (GTK_CONTAINER (box), unreachable);
  gtk_container_add (GTK_CONTAINER (box), faint);
  gtk_container_add (GTK_CONTAINER (box), plain);
  gtk_container_add (GTK_CONTAINER (window), box);
  okn_test_ui_show_window (window);

  problems = okn_test_a11y_audit (window, NULL);
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("found: %s", (char *) problems->pdata[i]);
  g_assert_true (has_problem (problems, "no accessible name", "GtkButton"));
  g_assert_true (has_problem (problems, "target", "\"Tiny\""));
  g_assert_true (has_problem (problems, "text contrast", "Faint grey words"));
  g_assert_true (has_problem (problems, "not focusable", "\"Unreachable\""));
  g_assert_false (has_problem (problems, "", "\"Good\""));
  g_assert_false (has_problem (problems, "", "Plain words"));
  g_assert_cmpuint (problems->len, ==, 4);
  gtk_widget_destroy (window);
}

static void
test_themes_and_text_size (void)
{
  GtkWidget *window = window_new ();
  GtkWidget *label = gtk_label_new ("Zgłoś problem");
  GtkStyleContext *context = gtk_widget_get_style_context (label);
  GdkRGBA normal, contrast, inverse;
  double size_100 = 0, size_200 = 0;

  gtk_container_add (GTK_CONTAINER (window), label);
  okn_test_ui_show_window (window);
  gtk_style_context_get_color (context, GTK_STATE_FLAG_NORMAL, &normal);
  gtk_style_context_get (context, GTK_STATE_FLAG_NORMAL, "font-size", &size_100, NULL);

  okn_kiosk_theme_set (window, OKN_KIOSK_THEME_HIGH_CONTRAST);
  okn_test_ui_settle (window);
  g_assert_cmpint (okn_kiosk_theme_get (window), ==, OKN_KIOSK_THEME_HIGH_CONTRAST);
  gtk_style_context_get_color (context, GTK_STATE_FLAG_NORMAL, &contrast);
  /* HighContrast: black text, where Adwaita's is dark grey. */
  g_assert_false (gdk_rgba_equal (&normal, &contrast));
  g_assert_cmpfloat (okn_test_a11y_text_contrast (label), >=, 7); /* WCAG AAA */

  okn_kiosk_theme_set (window, OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE);
  okn_test_ui_settle (window);
  gtk_style_context_get_color (context, GTK_STATE_FLAG_NORMAL, &inverse);
  /* Inverse: light text on a dark background. */
  g_assert_cmpfloat (inverse.red + inverse.green + inverse.blue, >, 2.5);
  g_assert_cmpfloat (okn_test_a11y_text_contrast (label), >=, 7); /* WCAG AAA */

  okn_kiosk_theme_set (window, OKN_KIOSK_THEME_DEFAULT);
  okn_test_ui_settle (window);
  g_assert_cmpint (okn_kiosk_theme_get (window), ==, OKN_KIOSK_THEME_DEFAULT);
  gtk_style_context_get_color (context, GTK_STATE_FLAG_NORMAL, &contrast);
  g_assert_true (gdk_rgba_equal (&normal, &contrast));

  okn_kiosk_text_size_set (window, 200);
  okn_test_ui_settle (window);
  gtk_style_context_get (context, GTK_STATE_FLAG_NORMAL, "font-size", &size_200, NULL);
  g_test_message ("text size: %.1f px at 100%%, %.1f px at 200%%", size_100, size_200);
  g_assert_cmpfloat (fabs (size_200 - 2 * size_100), <, 0.5);
  g_assert_cmpuint (okn_kiosk_text_size_get (window), ==, 200);
  /* Never beyond 200%, never below 100%, in steps. */
  okn_kiosk_text_size_set (window, 400);
  g_assert_cmpuint (okn_kiosk_text_size_get (window), ==, 200);
  okn_kiosk_text_size_set (window, 160);
  g_assert_cmpuint (okn_kiosk_text_size_get (window), ==, 150);
  okn_kiosk_text_size_set (window, 10);
  g_assert_cmpuint (okn_kiosk_text_size_get (window), ==, 100);
  gtk_widget_destroy (window);
}

static void
test_keyboard (void)
{
  GtkWidget *window = window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *entry = gtk_entry_new ();
  GtkWidget *keyboard = okn_kiosk_keyboard_new ();

  atk_object_set_name (gtk_widget_get_accessible (entry), "Street and number");
  gtk_widget_set_size_request (entry, -1, 64);
  gtk_container_add (GTK_CONTAINER (box), entry);
  gtk_container_add (GTK_CONTAINER (box), keyboard);
  gtk_container_add (GTK_CONTAINER (window), box);
  okn_test_ui_show_window (window);
  gtk_widget_grab_focus (entry);

  for (int lang = 0; lang <= OKN_LANGUAGE_LAST; lang++)
    {
      g_autofree char *what = g_strdup_printf ("keyboard (%s)", okn_language_to_string (lang));

      okn_kiosk_keyboard_set_language (OKN_KIOSK_KEYBOARD (keyboard), (OknLanguage) lang);
      assert_accessible (window, what);
    }
  gtk_widget_destroy (window);
}

static double
rgba_luminance (const GdkRGBA *c)
{
  GdkRGBA black = { 0, 0, 0, 1 };

  /* Contrast with black, 1 to 21: a light background is far from it. */
  return okn_test_a11y_contrast_ratio (c, &black);
}

/* The ticket on the desk's screen follows the theme: light on dark in
 * HighContrastInverse as everything around it, never a white box with
 * hard-coded black text that the theme cannot change; its texts keep
 * 4.5:1 in every theme. (The QR code itself stays dark on light: those
 * are the symbol's colours, not the interface's.) */
static void
test_ticket_screen_follows_theme (void)
{
  GtkWidget *window = window_new ();
  GtkWidget *screen = okn_ticket_screen_new ();
  GtkWidget *label = okn_ticket_screen_get_ticket_label (OKN_TICKET_SCREEN (screen));
  GtkStyleContext *context = gtk_widget_get_style_context (screen);
  GdkRGBA bg[OKN_KIOSK_THEME_LAST + 1], fg;

  gtk_container_add (GTK_CONTAINER (window), screen);
  okn_test_ui_show_window (window);
  gtk_label_set_text (GTK_LABEL (label), "K03-26-004217-Q");
  for (int t = OKN_KIOSK_THEME_DEFAULT; t <= OKN_KIOSK_THEME_LAST; t++)
    {
      g_autofree char *theme = NULL;

      okn_kiosk_theme_set (window, (OknKioskTheme) t);
      okn_test_ui_settle (window);
      g_object_get (gtk_widget_get_settings (window), "gtk-theme-name", &theme, NULL);
      {
        GdkRGBA *c = NULL;

        gtk_style_context_get (context, gtk_style_context_get_state (context), "background-color", &c, NULL);
        bg[t] = *c;
        gdk_rgba_free (c);
      }
      gtk_style_context_get_color (gtk_widget_get_style_context (label),
                                   gtk_style_context_get_state (gtk_widget_get_style_context (label)), &fg);
      {
        g_autofree char *bg_text = gdk_rgba_to_string (&bg[t]);
        g_autofree char *fg_text = gdk_rgba_to_string (&fg);

        g_test_message ("%s: background %s, ticket text %s, contrast %.2f:1", theme,
                        bg_text, fg_text, okn_test_a11y_text_contrast (label));
      }
      g_assert_cmpfloat (okn_test_a11y_text_contrast (label), >=, OKN_TEST_A11Y_MIN_CONTRAST);
    }
  /* Inverse: a dark ticket area, as dark as the theme's. */
  g_assert_cmpfloat (rgba_luminance (&bg[OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE]), <, 3);
  g_assert_cmpfloat (rgba_luminance (&bg[OKN_KIOSK_THEME_HIGH_CONTRAST]), >, 15);
  okn_kiosk_theme_set (window, OKN_KIOSK_THEME_DEFAULT);
  okn_test_ui_settle (window);
  gtk_widget_destroy (window);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GtkCssProvider) css = NULL;

  g_unsetenv ("GTK_THEME");
  okn_test_ui_init (&argc, &argv, "1280x1024x24");
  okn_gui_register_resource ();
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/okienko/Desk/okienko.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_test_add_func ("/kiosk-a11y/audit-finds-problems", test_audit_finds_problems);
  g_test_add_func ("/kiosk-a11y/themes-and-text-size", test_themes_and_text_size);
  g_test_add_func ("/kiosk-a11y/keyboard", test_keyboard);
  g_test_add_func ("/kiosk-a11y/ticket-screen-follows-theme", test_ticket_screen_follows_theme);

  return okn_test_ui_run ();
}
