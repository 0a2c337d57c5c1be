/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk.c: the resident kiosk's real window, driven in-process under
 * an Xvfb the test starts itself
 *
 * Taps go through the X server as a touch screen's pointer would; keys
 * are GDK events with their own time stamps. What happened is read back
 * from the store, the tickets the kiosk printed (decoded again) and every
 * text in the window.
 */
#define G_LOG_DOMAIN "test-kiosk"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-ui.h"
#include "okn-application.h"
#include "okn-kiosk-window.h"

static char *tmpdir;
static OknApplication *app;
static OknKioskWindow *window;
static guint32 fake_time = 1000;

/* Helpers -------------------------------------------------------------------- */

static void
key (guint           keyval,
     GdkModifierType state)
{
  fake_time += 100;
  okn_test_ui_key (GTK_WIDGET (window), keyval, state, fake_time);
}

static GtkWidget *
screen_widget (const char *name)
{
  return okn_test_ui_find_by_name (GTK_WIDGET (okn_kiosk_window_get_screen (window)), name);
}

static void
tap (const char *name)
{
  GtkWidget *w = screen_widget (name);

  if (w == NULL)
    w = okn_test_ui_find_by_name (GTK_WIDGET (window), name);
  g_assert_nonnull (w);
  okn_test_ui_tap (w);
}

static const char *
title_text (void)
{
  return gtk_label_get_text (GTK_LABEL (okn_kiosk_screen_get_title_label (okn_kiosk_window_get_screen (window))));
}

static gboolean
has_cyrillic (const char *s)
{
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c >= 0x0400 && c <= 0x04FF)
        return TRUE;
    }
  return FALSE;
}

/* Tests ---------------------------------------------------------------------- */

/* `okienko --kiosk` opens the start screen: full screen, no title bar,
 * no close button, the two paths and the language switch. */
static void
test_start_screen (void)
{
  GdkRectangle area;
  GtkAllocation alloc;
  GtkWidget *report, *check;

  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  g_assert_false (gtk_window_get_decorated (GTK_WINDOW (window)));
  g_assert_false (gtk_window_get_deletable (GTK_WINDOW (window)));
  gdk_monitor_get_geometry (gdk_display_get_monitor (gdk_display_get_default (), 0), &area);
  gtk_widget_get_allocation (GTK_WIDGET (window), &alloc);
  g_assert_cmpint (alloc.width, ==, area.width);
  g_assert_cmpint (alloc.height, ==, area.height);

  report = screen_widget ("report");
  check = screen_widget ("check");
  g_assert_nonnull (report);
  g_assert_nonnull (check);
  gtk_widget_get_allocation (report, &alloc);
  g_assert_cmpint (alloc.height, >=, 48);
  g_assert_cmpint (alloc.width, >=, 48);
  /* Polish first (kiosk.language's default), the accessible names too. */
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (report)), ==, "Zgłoś problem w mieście");
  g_assert_cmpstr (okn_kiosk_screen_get_announcement (okn_kiosk_window_get_screen (window)), ==,
                   title_text ());
  g_assert_nonnull (okn_test_ui_find_by_name (GTK_WIDGET (window), "pl"));
  g_assert_nonnull (okn_test_ui_find_by_name (GTK_WIDGET (window), "en"));
  g_assert_nonnull (okn_test_ui_find_by_name (GTK_WIDGET (window), "uk"));
}

/* A tap on a language relabels the screen, its accessible names and its
 * announcement; the process's own language does not change. */
static void
test_language_switch (void)
{
  OknKioskScreen *screen = okn_kiosk_window_get_screen (window);
  g_autofree char *pl_title = g_strdup (title_text ());
  g_autofree char *en_title = NULL;
  g_autofree char *process_lang = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *prop = NULL;

  tap ("en");
  g_assert_cmpint (okn_kiosk_window_get_language (window), ==, OKN_LANGUAGE_EN);
  g_object_get (window, "language", &prop, NULL);
  g_assert_cmpstr (prop, ==, "en");
  en_title = g_strdup (title_text ());
  g_assert_cmpstr (en_title, !=, pl_title);
  g_assert_cmpstr (en_title, ==, "Welcome! What would you like to do?");
  g_assert_cmpstr (atk_object_get_name (gtk_widget_get_accessible (screen_widget ("report"))), ==,
                   "Report a problem in the city");
  g_assert_cmpstr (okn_kiosk_screen_get_announcement (screen), ==, en_title);

  tap ("uk");
  g_assert_cmpint (okn_kiosk_window_get_language (window), ==, OKN_LANGUAGE_UK);
  g_assert_true (has_cyrillic (title_text ()));
  g_assert_true (has_cyrillic (okn_kiosk_screen_get_announcement (screen)));
  g_assert_true (has_cyrillic (atk_object_get_name (gtk_widget_get_accessible (screen_widget ("check")))));
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, process_lang);

  tap ("pl");
  g_assert_cmpstr (title_text (), ==, pl_title);
}

static gboolean
window_alive (void)
{
  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}

/* The keys that close or escape a window elsewhere do nothing here, and a
 * window manager's close request is refused. */
static void
test_escape_keys_do_nothing (void)
{
  GdkEvent *delete_ev;

  key (GDK_KEY_F4, GDK_MOD1_MASK);
  g_assert_true (window_alive ());
  key (GDK_KEY_q, GDK_CONTROL_MASK);
  g_assert_true (window_alive ());
  key (GDK_KEY_w, GDK_CONTROL_MASK);
  g_assert_true (window_alive ());
  key (GDK_KEY_F10, 0);
  key (GDK_KEY_Menu, 0);
  key (GDK_KEY_F10, GDK_SHIFT_MASK);
  g_assert_true (window_alive ());
  /* No desk shortcut exists in kiosk mode. */
  {
    g_auto (GStrv) actions = gtk_application_get_actions_for_accel (GTK_APPLICATION (app), "<Control>q");

    g_assert_null (actions[0]);
  }
  g_assert_null (g_action_map_lookup_action (G_ACTION_MAP (app), "quit"));

  delete_ev = gdk_event_new (GDK_DELETE);
  delete_ev->any.window = g_object_ref (gtk_widget_get_window (GTK_WIDGET (window)));
  gtk_main_do_event (delete_ev);
  gdk_event_free (delete_ev);
  okn_test_ui_pump ();
  g_assert_true (window_alive ());
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  /* Nothing else opened: no menu, no dialog. */
  {
    g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
    guint mapped = 0;

    for (GList *l = toplevels; l; l = l->next)
      if (gtk_widget_get_mapped (l->data))
        mapped++;
    g_assert_cmpuint (mapped, ==, 1);
  }
}

/* Setup ------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int rc;

  tmpdir = okn_test_make_tmpdir ();
  g_setenv ("HOME", tmpdir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmpdir, TRUE);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmpdir, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  /* The staff's language (the process's) is English; residents pick theirs. */
  g_setenv ("LANGUAGE", "en", TRUE);
  db = g_build_filename (tmpdir, "okienko.db", NULL);
  conf = g_build_filename (tmpdir, "okienko.conf", NULL);
  out = g_build_filename (tmpdir, "out", NULL);
  conf_text = g_strdup_printf ("[office]\nname=Urząd Miasta Łodzi\n[kiosk]\noutput_dir=%s\n", out);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_setenv ("OKIENKO_DB", db, TRUE);
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  okn_store_close (okn_test_open_store (tmpdir, "K03"));

  okn_test_ui_start_xvfb ("1280x800x24");
  okn_application_setup_i18n ();
  gtk_test_init (&argc, &argv, NULL);

  app = okn_application_new ();
  okn_application_set_kiosk (app, TRUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = OKN_KIOSK_WINDOW (okn_application_get_kiosk_window (app));
  g_assert_nonnull (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_assert_true (okn_test_ui_wait_for ((OknTestCondition) window_alive, NULL));
  okn_test_ui_pump ();

  g_test_add_func ("/kiosk/start-screen", test_start_screen);
  g_test_add_func ("/kiosk/language-switch", test_language_switch);
  g_test_add_func ("/kiosk/escape-keys-do-nothing", test_escape_keys_do_nothing);
  rc = g_test_run ();

  if (window)
    gtk_widget_destroy (GTK_WIDGET (window));
  okn_test_ui_pump ();
  g_clear_object (&app);
  okn_test_ui_stop_xvfb ();
  okn_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return rc;
}
