/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-kiosk.c: `okienko --kiosk` on a station of a test's own
 *
 * Everything the kiosk reads is in one temporary folder: HOME and the XDG
 * folders (no user's settings leak in), the store (station K03 with the
 * sample catalogue), the configuration (the office's name and address, a
 * PDF folder for the kiosk's tickets). The window opens on an Xvfb of
 * 1280x800, a common kiosk panel.
 */
#include "config.h"

#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-kiosk.h"
#include "okn-test-ui.h"
#include "okn-gui-util.h"
#include "okn-kiosk-theme.h"

/**
 * okn_test_kiosk_station:
 *
 * Makes the station and points the environment at it; the staff's (the
 * process's) language is English, residents pick theirs.
 */
void
okn_test_kiosk_station (OknTestKiosk *kiosk)
{
  g_autofree char *out = NULL;
  g_autofree char *text = NULL;

  kiosk->dir = okn_test_make_tmpdir ();
  g_setenv ("HOME", kiosk->dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", kiosk->dir, TRUE);
  g_setenv ("XDG_DATA_HOME", kiosk->dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", kiosk->dir, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", kiosk->dir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  g_unsetenv ("GTK_THEME");
  kiosk->db = g_build_filename (kiosk->dir, "okienko.db", NULL);
  kiosk->conf = g_build_filename (kiosk->dir, "okienko.conf", NULL);
  out = g_build_filename (kiosk->dir, "out", NULL);
  text = g_strdup_printf ("[office]\nname=Urząd Miasta Łodzi\naddress=ul. Piotrkowska 104, 90-926 Łódź\n"
                          "[kiosk]\noutput_dir=%s\n", out);
  g_assert_true (g_file_set_contents (kiosk->conf, text, -1, NULL));
  g_setenv ("OKIENKO_DB", kiosk->db, TRUE);
  g_setenv ("OKIENKO_CONFIG", kiosk->conf, TRUE);
  {
    OknStore *store = okn_test_open_store (kiosk->dir, "K03");

    okn_test_sample_catalogue (store);
    okn_store_close (store);
  }
}

/**
 * okn_test_kiosk_open:
 *
 * Starts the Xvfb, GTK and the application in kiosk mode; the window is
 * mapped on its start screen when this returns.
 */
void
okn_test_kiosk_open (OknTestKiosk *kiosk,
                     int          *argc,
                     char       ***argv)
{
  g_autoptr (GError) error = NULL;

  okn_test_ui_start_xvfb ("1280x800x24");
  okn_application_setup_i18n ();
  gtk_test_init (argc, argv, NULL);
  /* No CSS transitions, as okn_test_ui_init() says why. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  kiosk->app = okn_application_new ();
  okn_application_set_kiosk (kiosk->app, TRUE);
  g_application_register (G_APPLICATION (kiosk->app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (kiosk->app));
  kiosk->window = OKN_KIOSK_WINDOW (okn_application_get_kiosk_window (kiosk->app));
  g_assert_nonnull (kiosk->window);
  /* A test may close it. */
  g_object_add_weak_pointer (G_OBJECT (kiosk->window), (gpointer *) &kiosk->window);
  okn_test_ui_show_window (GTK_WIDGET (kiosk->window));
}

/**
 * okn_test_kiosk_run:
 *
 * Runs the tests added, then closes the kiosk as okn_test_kiosk_close()
 * does.
 *
 * Returns: g_test_run()'s status
 */
int
okn_test_kiosk_run (OknTestKiosk *kiosk)
{
  int status = g_test_run ();

  okn_test_kiosk_close (kiosk);
  return status;
}

/**
 * okn_test_kiosk_close:
 *
 * The window (unless a test closed it), the application, the Xvfb and
 * the folder go.
 */
void
okn_test_kiosk_close (OknTestKiosk *kiosk)
{
  if (kiosk->window)
    gtk_widget_destroy (GTK_WIDGET (kiosk->window));
  okn_test_ui_pump ();
  g_clear_object (&kiosk->app);
  okn_test_ui_stop_xvfb ();
  okn_test_rm_rf (kiosk->dir);
  g_clear_pointer (&kiosk->dir, g_free);
  g_clear_pointer (&kiosk->db, g_free);
  g_clear_pointer (&kiosk->conf, g_free);
}

/**
 * okn_test_kiosk_press:
 * @name: a button's widget name (okn_test_kiosk_find())
 *
 * Clicks the button as GTK does on a tap, without the X server in
 * between, and turns the main loop for what the click sets off.
 */
void
okn_test_kiosk_press (OknKioskWindow *window,
                      const char     *name)
{
  gtk_button_clicked (GTK_BUTTON (okn_test_kiosk_find (window, name)));
  okn_test_ui_pump ();
}

/**
 * okn_test_kiosk_find:
 * @name: a widget name (gtk_widget_set_name())
 *
 * Returns: (transfer none): the widget named @name on @window's current
 *   screen, or else elsewhere in the window (the language bar); the
 *   program fails if there is none
 */
GtkWidget *
okn_test_kiosk_find (OknKioskWindow *window,
                     const char     *name)
{
  GtkWidget *w = okn_test_ui_find_by_name (GTK_WIDGET (okn_kiosk_window_get_screen (window)), name);

  if (w == NULL)
    w = okn_test_ui_find_by_name (GTK_WIDGET (window), name);
  if (w == NULL)
    g_error ("no widget named %s on screen %s", name, okn_kiosk_window_get_screen_name (window));
  return w;
}

typedef struct
{
  OknKioskWindow *window;
  const char *screen;
  gboolean warning;
} KioskState;

static gboolean
screen_is (gpointer data)
{
  const KioskState *s = data;

  return g_strcmp0 (okn_kiosk_window_get_screen_name (s->window), s->screen) == 0;
}

static gboolean
warning_is (gpointer data)
{
  const KioskState *s = data;

  return !okn_kiosk_window_is_warning (s->window) == !s->warning;
}

/**
 * okn_test_kiosk_wait_screen:
 * @screen: a screen's name (okn_kiosk_window_get_screen_name())
 *
 * Returns: whether @window came to @screen within okn_test_ui_wait_for()'s
 *   bounded wait
 */
gboolean
okn_test_kiosk_wait_screen (OknKioskWindow *window,
                            const char     *screen)
{
  KioskState s = { window, screen, FALSE };

  return okn_test_ui_wait_for (screen_is, &s);
}

/**
 * okn_test_kiosk_wait_warning:
 * @shown: whether to wait for the inactivity warning to show or to go
 *
 * Returns: whether it did within okn_test_ui_wait_for()'s bounded wait
 */
gboolean
okn_test_kiosk_wait_warning (OknKioskWindow *window,
                             gboolean        shown)
{
  KioskState s = { window, NULL, shown };

  return okn_test_ui_wait_for (warning_is, &s);
}

/**
 * okn_test_kiosk_reset_lookup_pause:
 *
 * Forgets the ticket check's failures in a row and its pause, so that a
 * test's lookups do not find the throttle an earlier test set off.
 */
void
okn_test_kiosk_reset_lookup_pause (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();

  okn_store_set_meta (store, "lookup.failures", NULL, NULL);
  okn_store_set_meta (store, "lookup.failed_at", NULL, NULL);
  okn_store_set_meta (store, "lookup.paused_until", NULL, NULL);
}

/* Longer than a whole test may run (meson's timeout): one stop may take
 * minutes under the sanitizers, and the kiosk's 90 s clock must not send
 * the window back to the start meanwhile. */
#define TOUR_QUIET_MS (60 * 60 * 1000)

typedef struct
{
  OknKioskWindow *window;
  OknTestKioskStop stop;
  gpointer data;
  GHashTable *seen;
  OknLanguage language;      /* the resident's, picked again after Finish */
  guint percent;             /* and their text size */
} Tour;

/* Finish starts over for the next resident, at 100 % in the kiosk's own
 * language: the tour picks the language and the text size it began with
 * again, on the a11y bar's buttons, as the next resident would. */
static void
tour_pick_again (Tour *tour)
{
  GtkWidget *widget = GTK_WIDGET (tour->window);

  okn_kiosk_window_set_language (tour->window, tour->language);
  while (okn_kiosk_text_size_get (widget) < tour->percent)
    okn_test_kiosk_press (tour->window, "larger");
  while (okn_kiosk_text_size_get (widget) > tour->percent)
    okn_test_kiosk_press (tour->window, "smaller");
  g_assert_cmpuint (okn_kiosk_text_size_get (widget), ==, tour->percent);
}

/* @screen: the screen the window must be on, or NULL under the warning */
static void
tour_stop (Tour       *tour,
           const char *screen,
           const char *where)
{
  if (screen != NULL)
    g_assert_cmpstr (okn_kiosk_window_get_screen_name (tour->window), ==, screen);
  g_hash_table_add (tour->seen, g_strdup (screen != NULL ? screen : "still-there"));
  tour->stop (tour->window, where, tour->data);
}

/**
 * okn_test_kiosk_tour:
 * @stop: called on each screen
 *
 * Takes @window to every screen it has, each reached as a resident
 * reaches it, in the window's language and text size (picked again after
 * each Finish, which starts over in the kiosk's): a report filed (the
 * category's questions first left unanswered, their errors showing), its
 * ticket on the screen, that ticket checked with a wrong code and then the
 * right one, the inactivity warning over a screen; then what no resident's path
 * reaches (the PIN behind the hidden corner, a kiosk without categories),
 * shown as it is. The kiosk's clock is kept quiet meanwhile; at the end
 * it is the kiosk's own again and the window is on its start.
 *
 * Returns: how many screens the tour stopped at (the warning one of them)
 */
guint
okn_test_kiosk_tour (OknKioskWindow  *window,
                     OknTestKioskStop stop,
                     gpointer         data)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) screens = NULL;
  g_autofree char *ticket = NULL;
  g_autofree char *code = NULL;
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  const OknIntakeResult *result;
  Tour tour = { window, stop, data, seen, okn_kiosk_window_get_language (window),
                okn_kiosk_text_size_get (GTK_WIDGET (window)) };

  okn_inactivity_set_timeouts (clock, TOUR_QUIET_MS, TOUR_QUIET_MS);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_kiosk_window_show_start (window);
  tour_stop (&tour, "start", "start");
  okn_test_kiosk_press (window, "report");
  tour_stop (&tour, "category", "category");
  okn_test_kiosk_press (window, "category:pothole");
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "address")), "ul. Piotrkowska 120, Łódź");
  tour_stop (&tour, "where", "where");
  okn_test_kiosk_press (window, "next");
  /* The category's questions unanswered: their errors show. */
  okn_test_kiosk_press (window, "next");
  tour_stop (&tour, "what", "what, unanswered");
  okn_gui_text_view_set (GTK_TEXT_VIEW (okn_test_kiosk_find (window, "description")),
                         "Głęboka dziura przy przejściu");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (okn_test_kiosk_find (window, "attr:size:large")), TRUE);
  okn_test_kiosk_press (window, "next");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (okn_test_kiosk_find (window, "consent")), TRUE);
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "contact-name")), "Olena Kowalenko");
  tour_stop (&tour, "contact", "contact");
  okn_test_kiosk_press (window, "next");
  tour_stop (&tour, "summary", "summary");
  okn_test_kiosk_press (window, "confirm");
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));
  result = okn_kiosk_report_get_result (okn_kiosk_window_get_report (window));
  ticket = g_strdup (result->record->ticket);
  code = g_strdup (result->record->verification_code);
  tour_stop (&tour, "done", "done");
  okn_test_kiosk_press (window, "finish");
  tour_pick_again (&tour);

  okn_test_kiosk_press (window, "check");
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "ticket-id")), ticket);
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "ticket-code")), "XXXXXX");
  okn_test_kiosk_press (window, "check-go");
  tour_stop (&tour, "check", "check, wrong code");
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "ticket-id")), ticket);
  gtk_entry_set_text (GTK_ENTRY (okn_test_kiosk_find (window, "ticket-code")), code);
  okn_test_kiosk_press (window, "check-go");
  g_assert_true (okn_test_kiosk_wait_screen (window, "answer"));
  tour_stop (&tour, "answer", "answer");
  okn_test_kiosk_press (window, "finish");
  tour_pick_again (&tour);

  /* The inactivity warning, over a screen, brought on by a quick clock:
   * waited for, however long the machine takes. */
  okn_test_kiosk_press (window, "report");
  okn_test_kiosk_press (window, "category:streetlight");
  okn_inactivity_set_timeouts (clock, 20, TOUR_QUIET_MS);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_warning (window, TRUE));
  okn_inactivity_set_timeouts (clock, TOUR_QUIET_MS, TOUR_QUIET_MS);
  tour_stop (&tour, NULL, "still-there");
  okn_test_kiosk_press (window, "more-time");
  g_assert_true (okn_test_kiosk_wait_warning (window, FALSE));
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));

  /* What no resident's path reaches: shown as it is. */
  screens = okn_kiosk_window_list_screens (window);
  for (guint i = 0; i < screens->len; i++)
    {
      OknKioskScreen *screen = g_ptr_array_index (screens, i);
      const char *name = okn_kiosk_screen_get_name (screen);

      if (g_hash_table_contains (seen, name))
        continue;
      okn_kiosk_window_show_screen (window, screen);
      tour_stop (&tour, name, name);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, screens->len);

  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  okn_kiosk_window_show_start (window);
  return g_hash_table_size (seen);
}
