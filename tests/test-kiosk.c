/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk.c: the resident kiosk's real window, driven in-process under
 * an Xvfb the test starts itself
 *
 * Taps go through the X server as a touch screen's pointer would; keys
 * are GDK events with their own time stamps. What happened is read back
 * from the store, the tickets the kiosk printed (decoded again) and every
 * text in the window.
 */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#define G_LOG_DOMAIN "test-kiosk"

#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-ui.h"
#include "okn-test-kiosk.h"
#include "okn-application.h"
#include "okn-kiosk-window.h"
#include "okn-kiosk-keyboard.h"
#include "okn-kiosk-theme.h"
#include "okn-gui-util.h"
#include "okienko/okn-scan.h"

static char *tmpdir;
static OknApplication *app;
static OknKioskWindow *window;
static guint32 fake_time = 1000;
static GMutex log_lock;
static GString *kiosk_log;    /* the kiosk's messages for staff since the last read */

/* Helpers -------------------------------------------------------------------- */

/* Every log line goes out as ever; the kiosk's own (its words for staff
 * in the journal) are kept for a test to read too. */
static GLogWriterOutput
record_log (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
      domain = fields[i].value;
    else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      message = fields[i].value;
  if (message && g_strcmp0 (domain, "okn-kiosk") == 0)
    {
      g_mutex_lock (&log_lock);
      g_string_append_printf (kiosk_log, "%s\n", message);
      g_mutex_unlock (&log_lock);
    }
  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* Returns: (transfer full): what the kiosk logged since the last call */
static char *
take_kiosk_log (void)
{
  char *text;

  g_mutex_lock (&log_lock);
  text = g_strdup (kiosk_log->str);
  g_string_truncate (kiosk_log, 0);
  g_mutex_unlock (&log_lock);
  return text;
}

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
  okn_test_ui_tap (okn_test_kiosk_find (window, name));
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

static void
type_text (const char *text)
{
  fake_time = okn_test_ui_type (GTK_WIDGET (window), text, fake_time, 120);
}

/* A tap on a field, then typing at a person's pace. */
static void
fill (const char *field,
      const char *text)
{
  tap (field);
  g_assert_true (gtk_widget_has_focus (screen_widget (field)));
  type_text (text);
}

static guint
mapped_toplevels (void)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();
  guint mapped = 0;

  for (GList *l = toplevels; l; l = l->next)
    if (gtk_widget_get_mapped (l->data))
      mapped++;
  return mapped;
}

static char *
screen_text (void)
{
  return okn_test_ui_all_text (GTK_WIDGET (okn_kiosk_window_get_screen (window)));
}

/* A field's problem is said next to it: a shown error label beside the
 * field or beside one of its nearest enclosing boxes. */
static gboolean
error_shown_under (const char *name)
{
  GtkWidget *w = screen_widget (name);

  g_assert_nonnull (w);
  for (int up = 0; up < 3 && (w = gtk_widget_get_parent (w)) != NULL; up++)
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (w));

      for (GList *l = children; l; l = l->next)
        if (GTK_IS_LABEL (l->data) && gtk_widget_get_visible (l->data)
            && gtk_style_context_has_class (gtk_widget_get_style_context (l->data), "okn-field-error"))
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


static gboolean
size_buttons_at_min (gpointer data)
{
  return gtk_widget_get_sensitive (okn_test_kiosk_find (window, "larger"))
         && !gtk_widget_get_sensitive (okn_test_kiosk_find (window, "smaller"));
}

/* A resident wanted another language, high contrast, large text and
 * speech. */
static void
tap_own_settings (const char *language)
{
  tap (language);
  tap ("contrast");
  tap ("larger");
  tap ("speech");
}

/* The next resident meets the kiosk as it was set up: silent, in its own
 * language, default colours and text size (each a tap away on the start
 * screen), and the bar says so once drawn: A+ can raise the size again,
 * A− has nothing to lower. */
static void
assert_as_set_up (void)
{
  g_assert_cmpint (okn_kiosk_window_get_language (window), ==, OKN_LANGUAGE_PL);
  g_assert_cmpint (okn_kiosk_theme_get (GTK_WIDGET (window)), ==, OKN_KIOSK_THEME_DEFAULT);
  g_assert_cmpuint (okn_kiosk_text_size_get (GTK_WIDGET (window)), ==, OKN_KIOSK_TEXT_SIZE_MIN);
  g_assert_true (okn_test_ui_wait_for (size_buttons_at_min, NULL));
  g_assert_false (okn_speech_get_enabled (okn_kiosk_voice_get_speech (okn_kiosk_window_get_voice (window))));
}

/* The whole report path with taps, ending with a stored record and a
 * printed ticket that decodes back: the category from its group, where,
 * what with the category's required question, contact with consent, the
 * summary, confirm; the ticket prints in the resident's language. */
static void
test_report_path (void)
{
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *receipt = NULL;
  g_autofree char *pdf_text = NULL;
  const OknIntakeResult *result;
  OknRecord *r;

  okn_kiosk_window_show_start (window);
  tap ("report");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "category");
  /* Grouped as the catalogue groups them, each tile with its icon. */
  text = screen_text ();
  g_assert_nonnull (strstr (text, "Drogi"));
  g_assert_nonnull (strstr (text, "Oświetlenie"));
  g_assert_nonnull (strstr (text, "Dziura w jezdni"));
  g_assert_cmpstr (gtk_image_get_storage_type (g_object_get_data (G_OBJECT (screen_widget ("category:pothole")),
                                                                  "okn-kiosk-image")) == GTK_IMAGE_ICON_NAME
                   ? "icon" : "none", ==, "icon");
  /* Search narrows the tiles. */
  fill ("search", "latarnia");
  g_assert_false (gtk_widget_is_drawable (screen_widget ("category:pothole")));
  g_assert_true (gtk_widget_is_drawable (screen_widget ("category:streetlight")));
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("search")), "");
  okn_test_ui_pump ();
  tap ("category:pothole");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");

  /* Where is optional, and the screen says so. */
  g_assert_true (gtk_widget_is_drawable (okn_test_ui_find_by_text (GTK_WIDGET (okn_kiosk_window_get_screen (window)),
                                                                   "Możesz zostawić to pole puste")));
  /* A right click (a long press) opens no menu on a field. */
  okn_test_ui_right_click (screen_widget ("address"));
  g_assert_cmpuint (mapped_toplevels (), ==, 1);
  fill ("address", "Piotrkowska 120, Łódź");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");

  /* The description and the category's required question. */
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  g_assert_true (error_shown_under ("description"));
  g_assert_true (error_shown_under ("attr:size"));
  fill ("description", "Głęboka dziura przy przejściu");
  tap ("attr:size:large");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");

  /* Contact only with consent. */
  g_assert_false (gtk_widget_is_sensitive (screen_widget ("contact-email")));
  tap ("consent");
  g_assert_true (gtk_widget_is_sensitive (screen_widget ("contact-email")));
  fill ("contact-name", "Olena Kowalenko");
  fill ("contact-email", "olena@example.org");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
  /* Nothing is being saved before the resident sends it (the first
   * report of a kiosk said "Saving your report…" here). */
  g_assert_false (gtk_widget_is_drawable (okn_test_ui_find_by_text (GTK_WIDGET (okn_kiosk_window_get_screen (window)),
                                                                    "Zapisywanie zgłoszenia")));
  g_clear_pointer (&text, g_free);
  text = screen_text ();
  g_assert_nonnull (strstr (text, "Głęboka dziura przy przejściu"));
  g_assert_nonnull (strstr (text, "Piotrkowska 120, Łódź"));
  g_assert_nonnull (strstr (text, "Large"));
  g_assert_nonnull (strstr (text, "olena@example.org"));

  /* The resident reads Ukrainian: the summary and the ticket follow. */
  tap ("uk");
  g_clear_pointer (&text, g_free);
  text = screen_text ();
  g_assert_true (has_cyrillic (title_text ()));
  g_assert_nonnull (strstr (text, "Głęboka dziura przy przejściu"));
  tap ("confirm");
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));

  result = okn_kiosk_report_get_result (okn_kiosk_window_get_report (window));
  g_assert_nonnull (result);
  g_assert_null (result->print_error);
  store = okn_test_open_app_store ();
  found = okn_store_search (store, "przejściu", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  r = g_ptr_array_index (found, 0);
  g_assert_cmpstr (r->ticket, ==, result->record->ticket);
  g_assert_cmpint (r->channel, ==, OKN_CHANNEL_KIOSK);
  g_assert_cmpstr (r->operator_name, ==, "kiosk");
  g_assert_cmpstr (r->category, ==, "pothole");
  g_assert_cmpstr (r->address, ==, "Piotrkowska 120, Łódź");
  g_assert_cmpstr (okn_record_get_attribute (r, "size"), ==, "large");
  g_assert_true (r->consent);
  g_assert_cmpstr (r->contact_name, ==, "Olena Kowalenko");
  g_assert_cmpstr (r->contact_email, ==, "olena@example.org");

  /* The last screen: the ID in very large type, the code, the QR. */
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (screen_widget ("ticket"))), ==, r->ticket);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (screen_widget ("code"))), ==, r->verification_code);
  g_assert_true (gtk_style_context_has_class (gtk_widget_get_style_context (screen_widget ("ticket")),
                                              "okn-kiosk-ticket-id"));
  g_assert_true (has_cyrillic (gtk_label_get_text (GTK_LABEL (screen_widget ("print-status")))));

  /* The kiosk's receipt, in Ukrainian, decodes back to the ticket. */
  receipt = g_strdup_printf ("%s/out/%s-receipt-80.pdf", tmpdir, r->ticket);
  g_assert_true (g_file_test (receipt, G_FILE_TEST_IS_REGULAR));
  pdf_text = okn_test_pdf_file_text (receipt);
  g_assert_nonnull (strstr (pdf_text, "Номер звернення"));
  g_assert_cmpuint (okn_test_file_carries (receipt, r->ticket, r->verification_code), ==,
                    OKN_TEST_CARRIED_ID | OKN_TEST_CARRIED_ID_AND_CODE);
  /* Nothing else opened on the way: no print dialog, no file chooser. */
  g_assert_cmpuint (mapped_toplevels (), ==, 1);

  /* Finish: the start screen; nothing of this resident stays, not even
   * their settings. */
  tap_own_settings ("uk");
  tap ("finish");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  g_assert_false (okn_kiosk_report_has_input (okn_kiosk_window_get_report (window)));
  assert_as_set_up ();
}

/* A resident who walks away: a warning with a big button that gives the
 * time back; untouched, the form is wiped and the start screen returns,
 * in the kiosk's own language. */
static void
test_inactivity (void)
{
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknKioskReport *report = okn_kiosk_window_get_report (window);

  okn_kiosk_window_show_start (window);
  tap ("report");
  tap ("category:streetlight");
  fill ("address", "Zielona 3");
  g_assert_true (okn_kiosk_report_has_input (report));
  g_assert_false (okn_kiosk_window_is_warning (window));
  tap_own_settings ("en");

  /* The warning comes soon; the grace is longer than any wait of the
   * test, so a slow machine (ASan, load) cannot run it out before the
   * tap on "more time" arrives. */
  okn_inactivity_set_timeouts (clock, 300, 600 * 1000);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_warning (window, TRUE));
  /* "More time" starts the clock again with these timeouts: were the
   * warning still 300 ms away, a slow tap (its release is followed by 20
   * turns of the main loop, each a redraw of the large high-contrast
   * screen under ASan) would bring it back before the wait below looks. */
  okn_inactivity_set_timeouts (clock, 600 * 1000, 600 * 1000);
  g_assert_nonnull (okn_test_ui_find_by_name (GTK_WIDGET (window), "more-time"));
  okn_test_ui_tap (okn_test_ui_find_by_name (GTK_WIDGET (window), "more-time"));
  g_assert_true (okn_test_kiosk_wait_warning (window, FALSE));
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("address"))), ==, "Zielona 3");

  /* Untouched: the warning, then the start over. */
  okn_inactivity_set_timeouts (clock, 300, 300);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_warning (window, TRUE));
  g_assert_true (okn_test_kiosk_wait_screen (window, "start"));
  g_assert_false (okn_kiosk_window_is_warning (window));
  g_assert_false (okn_kiosk_report_has_input (report));
  assert_as_set_up ();
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  /* Back through the path: nothing of the last resident. */
  tap ("report");
  tap ("category:streetlight");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("address"))), ==, "");
  okn_kiosk_window_show_start (window);
}

/* Someone's report, with everything personal a report can hold. */
static OknRecord *
store_personal_report (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GError) error = NULL;
  OknRecord *r = okn_test_report ("pothole", "Sąsiad Zenobiusz Wrzos zostawił gruz", "Tajemnicza 77, Łódź");

  r->channel = OKN_CHANNEL_DESK;
  r->contact_name = g_strdup ("Zenobia Wrzos");
  r->contact_email = g_strdup ("zenobia@example.org");
  r->contact_phone = g_strdup ("+48 600 700 800");
  r->consent = TRUE;
  okn_record_add_attribute (r, "size", "small");
  g_assert_true (okn_store_register (store, r, "Anna", &error));
  g_assert_no_error (error);
  return r;
}

static void
scan_burst (const char *payload)
{
  fake_time += 1000;
  fake_time = okn_test_ui_type (GTK_WIDGET (window), payload, fake_time, 4);
  fake_time += 4;
  okn_test_ui_key (GTK_WIDGET (window), GDK_KEY_Return, 0, fake_time);
}

static const char *
label_of (const char *name)
{
  GtkWidget *w = okn_test_ui_find_by_name (GTK_WIDGET (window), name);

  g_assert_nonnull (w);
  return gtk_label_get_text (GTK_LABEL (w));
}

/* The ticket held under the kiosk's scanner (a keyboard wedge: fast keys
 * and Enter) shows the status and nothing personal: every text in the
 * whole window is searched for every personal value of the record. */
static void
test_check_scanned (void)
{
  g_autoptr (OknRecord) r = store_personal_report ();
  g_autofree char *payload = g_strdup_printf ("OKN1:%s:%s", r->ticket, r->verification_code);
  g_autofree char *all = NULL;
  const char *personal[] = { r->description, r->address, r->contact_name, r->contact_email,
                             r->contact_phone, "Zenobiusz", "Tajemnicza", "Anna" };

  okn_test_kiosk_reset_lookup_pause ();
  okn_kiosk_window_show_start (window);
  tap ("en");
  scan_burst (payload);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "answer");
  g_assert_cmpstr (label_of ("answer-ticket"), ==, r->ticket);
  g_assert_cmpstr (label_of ("answer-category"), ==, "Dziura w jezdni");
  g_assert_cmpstr (label_of ("answer-status"), ==, "Received here, waiting to be sent to the city");
  all = okn_test_ui_all_text (GTK_WIDGET (window));
  for (guint i = 0; i < G_N_ELEMENTS (personal); i++)
    if (strstr (all, personal[i]) != NULL)
      g_error ("the kiosk shows “%s” of someone's record", personal[i]);
  /* The answer speaks the resident's language too. */
  tap ("uk");
  g_assert_true (has_cyrillic (label_of ("answer-status")));
  g_assert_true (has_cyrillic (okn_kiosk_screen_get_announcement (okn_kiosk_window_get_screen (window))));
  /* Finish: the resident is done, and the next one meets the kiosk as it
   * was set up, not in this one's settings. */
  tap_own_settings ("uk");
  tap ("finish");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  assert_as_set_up ();
}

/* The check screen in English, its lookups not paused.
 *
 * Returns: a ticket ID of this station that was never given out */
static char *
open_check_in_english (void)
{
  OknTicketId unknown_id;

  okn_test_kiosk_reset_lookup_pause ();
  g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &unknown_id, NULL));
  okn_kiosk_window_show_start (window);
  tap ("en");
  tap ("check");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  return okn_ticket_id_format (&unknown_id);
}

/* Typed: a forged code and an unknown ticket read exactly the same; the
 * right code opens it; five failures in a row pause the lookup, said with
 * the time left, and the right code is refused until it is over. */
static void
test_check_typed_and_throttled (void)
{
  g_autoptr (OknRecord) r = store_personal_report ();
  g_autofree char *unknown = open_check_in_english ();
  g_autofree char *forged_answer = NULL;
  g_autofree char *unknown_answer = NULL;

  fill ("ticket-id", r->ticket);
  fill ("ticket-code", "ABCDEF");
  tap ("check-go");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  forged_answer = g_strdup (label_of ("check-message"));

  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), "");
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "");
  fill ("ticket-id", unknown);
  fill ("ticket-code", r->verification_code);
  tap ("check-go");
  unknown_answer = g_strdup (label_of ("check-message"));
  g_assert_cmpstr (forged_answer, ==, unknown_answer);
  g_assert_cmpstr (forged_answer, ==, "No ticket matches this number and verification code. Check both on your ticket.");

  /* The right one opens it. */
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), "");
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "");
  fill ("ticket-id", r->ticket);
  fill ("ticket-code", r->verification_code);
  tap ("check-go");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "answer");
  tap ("another");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("ticket-id"))), ==, "");

  /* Five wrong guesses in a row: the pause. */
  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), r->ticket);
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "ZZZZZ9");
      tap ("check-go");
    }
  g_assert_nonnull (strstr (label_of ("check-message"), "Try again in"));
  g_assert_false (gtk_widget_is_sensitive (screen_widget ("check-go")));
  /* The right code does not get through the pause either. */
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), r->verification_code);
  gtk_widget_activate (screen_widget ("ticket-code"));
  okn_test_ui_pump ();
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  g_assert_nonnull (strstr (label_of ("check-message"), "Try again in"));
  /* Nor a scan. */
  {
    g_autofree char *payload = g_strdup_printf ("OKN1:%s:%s", r->ticket, r->verification_code);

    scan_burst (payload);
    g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  }
  okn_test_kiosk_reset_lookup_pause ();
  tap ("back");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  tap ("pl");
}

/* A resident who misses a character of the code, five times over, is told
 * what a code looks like each time, and Check stays: a code that cannot
 * be one is not a guess, and does not bring the pause. */
static void
test_check_code_missing_a_character (void)
{
  g_autoptr (OknRecord) r = store_personal_report ();
  g_autofree char *unknown = open_check_in_english ();
  g_autofree char *five = g_strndup (r->verification_code, OKN_TICKET_CODE_LEN - 1);

  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), r->ticket);
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), five);
      tap ("check-go");
      g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
      g_assert_cmpstr (label_of ("check-message"), ==,
                       "The verification code has 6 letters and digits. Type it as printed on your ticket.");
    }
  g_assert_true (gtk_widget_is_sensitive (screen_widget ("check-go")));
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), r->verification_code);
  tap ("check-go");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "answer");
  okn_test_kiosk_reset_lookup_pause ();
  tap ("another");
  tap ("back");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  tap ("pl");
}

/* Five wrong codes for @ticket: the pause is on, Check is grey. */
static void
pause_lookups (const char *ticket)
{
  for (int i = 0; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), ticket);
      gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "ZZZZZ9");
      tap ("check-go");
    }
  g_assert_true (gtk_widget_get_visible (screen_widget ("check-message")));
  g_assert_false (gtk_widget_is_sensitive (screen_widget ("check-go")));
}

/* The pause over (its minute gone: the store's pause cleared, as the
 * clock would), its countdown goes whatever notices it first: the
 * resident's language switch, or the next lookup (Enter on the code and
 * the scanner still look up while Check is grey). Each used to leave the
 * countdown's once-a-second source behind, which at its next tick hid
 * what the screen said then (the next lookup's answer) and, after the
 * next five failures, ticked beside a second countdown. Both are done
 * here with no turn of the main loop between, so no tick can come first. */
static void
test_check_pause_ends (void)
{
  OknKioskCheck *check = okn_kiosk_window_get_check (window);
  g_autofree char *unknown = open_check_in_english ();
  g_autofree char *not_found = NULL;
  pause_lookups (unknown);
  g_assert_nonnull (g_main_context_find_source_by_user_data (NULL, check));

  /* Over, and the resident switches to Ukrainian before the next tick. */
  okn_test_kiosk_reset_lookup_pause ();
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_UK);
  g_assert_true (gtk_widget_is_sensitive (screen_widget ("check-go")));
  g_assert_false (gtk_widget_get_visible (screen_widget ("check-message")));
  g_assert_null (g_main_context_find_source_by_user_data (NULL, check));

  /* Paused again, over again, and Enter on a wrong code before the next
   * tick: its answer stays, and Check is back. */
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-id")), unknown);
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "ZZZZZ9");
  tap ("check-go");
  not_found = g_strdup (label_of ("check-message"));
  pause_lookups (unknown);
  okn_test_kiosk_reset_lookup_pause ();
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("ticket-code")), "ZZZZZ9");
  gtk_widget_activate (screen_widget ("ticket-code"));
  g_assert_cmpstr (label_of ("check-message"), ==, not_found);
  g_assert_true (gtk_widget_get_visible (screen_widget ("check-message")));
  g_assert_true (gtk_widget_is_sensitive (screen_widget ("check-go")));
  g_assert_null (g_main_context_find_source_by_user_data (NULL, check));

  okn_test_kiosk_reset_lookup_pause ();
  tap ("back");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  tap ("pl");
}

static gboolean
window_gone (gpointer data)
{
  return window == NULL;
}

static void
tap_corner (guint times)
{
  GtkWidget *corner = okn_test_ui_find_by_name (GTK_WIDGET (window), "corner");

  for (guint i = 0; i < times; i++)
    okn_test_ui_tap (corner);
}

static void
type_pin (const char *pin)
{
  for (const char *p = pin; *p; p++)
    {
      char name[8];

      g_snprintf (name, sizeof name, "pin-%c", *p);
      tap (name);
    }
  tap ("pin-ok");
}

/* Leaving kiosk mode: five taps in the empty top left corner open the PIN
 * pad (four do not); a wrong PIN keeps the kiosk; the right one closes it.
 * Last: the window is gone afterwards. */
static void
test_admin_pin_leaves (void)
{
  okn_kiosk_window_show_start (window);
  tap_corner (4);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  tap_corner (1);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "admin");
  type_pin ("1111");
  g_assert_true (window_alive ());
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "admin");
  g_assert_cmpstr (label_of ("pin-message"), ==, "Wrong PIN.");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("pin"))), ==, "");
  tap ("pin-cancel");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");

  tap_corner (5);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "admin");
  type_pin ("4821");
  g_assert_true (okn_test_ui_wait_for (window_gone, NULL));
}

static void
click (const char *name)
{
  gtk_button_clicked (GTK_BUTTON (screen_widget (name)));
  okn_test_ui_pump ();
}

/* Through the report path to the summary, with buttons (the taps are
 * /kiosk/report-path's). */
static void
fill_report_to_summary (void)
{
  okn_kiosk_window_show_start (window);
  click ("report");
  click ("category:pothole");
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("address")), "Wólczańska 55");
  click ("next");
  okn_gui_text_view_set (GTK_TEXT_VIEW (screen_widget ("description")), "Zapadnięty asfalt");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (screen_widget ("attr:size:small")), TRUE);
  click ("next");
  click ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
}

static gboolean
confirm_sensitive (gpointer data)
{
  return gtk_widget_is_sensitive (data);
}

/* The reports in the kiosk's store, read as staff would. */
static guint
stored_reports (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  OknListFilter filter = { .has_kind = TRUE, .kind = OKN_KIND_REPORT };
  g_autoptr (GPtrArray) all = okn_store_list (store, &filter, NULL);

  return all->len;
}

/* Holds the kiosk's receipt printer: an ESC/POS "device" that is a FIFO
 * with a page of buffer, which the ticket's raster does not fit: the print
 * goes on until the test reads it. */
typedef struct
{
  char *path;
  int fd;
  GByteArray *printed;
  gboolean ended;       /* the kiosk closed it: the print is done */
  char *conf_text;      /* the configuration before, put back at the end */
} HeldPrinter;

static void
held_printer_open (HeldPrinter *printer)
{
  printer->path = g_build_filename (tmpdir, "receipt-printer", NULL);
  g_assert_cmpint (mkfifo (printer->path, 0600), ==, 0);
  printer->fd = open (printer->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  g_assert_cmpint (printer->fd, >=, 0);
  g_assert_cmpint (fcntl (printer->fd, F_SETPIPE_SZ, 4096), >=, 4096);
  printer->printed = g_byte_array_new ();
  /* The kiosk's receipts go to it, not to the PDF folder. */
  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &printer->conf_text, NULL, NULL));
  {
    g_autoptr (OknConfig) config = okn_config_load (g_getenv ("OKIENKO_CONFIG"), NULL);

    g_assert_true (okn_config_unset (config, "kiosk.output_dir", NULL));
    g_assert_true (okn_config_set (config, "escpos.device", printer->path, NULL));
    g_assert_true (okn_config_set (config, "escpos.timeout", "600", NULL));
    g_assert_true (okn_config_save (config, NULL));
  }
}

/* Bytes wait to be read: the kiosk is printing. */
static gboolean
held_printer_has_bytes (gpointer data)
{
  HeldPrinter *printer = data;
  struct pollfd pfd = { .fd = printer->fd, .events = POLLIN };

  return poll (&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/* Reads what is there; after the first bytes, an end of file is the
 * kiosk closing the device. */
static gboolean
held_printer_drained (gpointer data)
{
  HeldPrinter *printer = data;
  guint8 buf[4096];
  ssize_t n;

  while ((n = read (printer->fd, buf, sizeof buf)) > 0)
    g_byte_array_append (printer->printed, buf, (guint) n);
  if (n == 0 && printer->printed->len > 0)
    printer->ended = TRUE;
  return printer->ended;
}

static void
held_printer_close (HeldPrinter *printer)
{
  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), printer->conf_text, -1, NULL));
  g_free (printer->conf_text);
  close (printer->fd);
  g_unlink (printer->path);
  g_free (printer->path);
  g_byte_array_unref (printer->printed);
}

/* A report filed to its summary and sent, its ticket held at the
 * printer: the save goes on until the test drains the printer.
 * Returns: the summary's button that sent it */
static GtkWidget *
confirm_held (HeldPrinter *printer)
{
  GtkWidget *confirm;

  held_printer_open (printer);
  fill_report_to_summary ();
  confirm = screen_widget ("confirm");
  click ("confirm");
  g_assert_true (okn_test_ui_wait_for (held_printer_has_bytes, printer));
  return confirm;
}

/* A printer slower than the inactivity wait (print.timeout above
 * kiosk.inactivity_seconds): no warning while the report is saved and
 * printed, so the ticket, the resident's only proof, is on the screen when
 * the print ends, after more than the inactivity wait has passed; the
 * wait starts afresh once the ticket shows. (Past the wait and its
 * warning together: /kiosk/saving-past-the-wait.) */
static void
test_inactivity_while_saving (void)
{
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknKioskReport *report = okn_kiosk_window_get_report (window);
  HeldPrinter printer = { 0 };
  const OknIntakeResult *result;
  GtkWidget *confirm;

  confirm = confirm_held (&printer);
  g_assert_false (gtk_widget_is_sensitive (confirm));

  /* The resident waits without a touch, longer than the wait: the kiosk
   * neither warns nor starts over. */
  okn_inactivity_set_timeouts (clock, 50, 600 * 1000);
  okn_inactivity_poke (clock);
  okn_test_ui_pump_for (500);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
  g_assert_false (okn_kiosk_window_is_warning (window));
  g_assert_false (okn_inactivity_is_running (clock));
  g_assert_true (okn_inactivity_is_held (clock));
  g_assert_false (gtk_widget_is_sensitive (confirm));

  /* The printer takes the ticket: it shows, and the wait starts again. */
  okn_inactivity_set_timeouts (clock, 600 * 1000, 600 * 1000);
  g_assert_true (okn_test_ui_wait_for (held_printer_drained, &printer));
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));
  result = okn_kiosk_report_get_result (report);
  g_assert_nonnull (result);
  g_assert_null (result->print_error);
  g_assert_cmpstr (label_of ("ticket"), ==, result->record->ticket);
  g_assert_cmpuint (printer.printed->len, >, 4096);
  g_assert_cmpint (printer.printed->data[0], ==, 0x1b);   /* ESC @ */
  g_assert_cmpint (printer.printed->data[1], ==, 0x40);
  g_assert_true (okn_inactivity_is_running (clock));
  g_assert_false (okn_kiosk_window_is_warning (window));

  /* Untouched after that, the kiosk warns and starts over as ever. */
  okn_inactivity_set_timeouts (clock, 50, 50);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_screen (window, "start"));
  g_assert_null (okn_kiosk_report_get_result (report));
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  held_printer_close (&printer);
}

/* A resident who confirms, then goes Back to the start screen while the
 * ticket is still printing: the countdown is paused on the summary only, so
 * the next resident's screens count as ever; when the print ends, the
 * record is stored but the next resident is shown neither the last one's
 * ticket nor the form's answers. */
static void
test_back_while_saving (void)
{
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknKioskReport *report = okn_kiosk_window_get_report (window);
  HeldPrinter printer = { 0 };
  GtkWidget *confirm;
  guint before = stored_reports ();

  confirm = confirm_held (&printer);
  g_assert_false (okn_inactivity_is_running (clock));
  for (int i = 0; i < 8 && g_strcmp0 (okn_kiosk_window_get_screen_name (window), "start") != 0; i++)
    click ("back");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");

  /* The next resident's path counts down while the print goes on. */
  click ("report");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), !=, "start");
  g_assert_true (okn_inactivity_is_running (clock));
  g_assert_false (gtk_widget_is_sensitive (confirm));
  okn_inactivity_set_timeouts (clock, 50, 50);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_screen (window, "start"));
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);

  /* The print ends: stored, and nothing of it on the screen. */
  g_assert_true (okn_test_ui_wait_for (held_printer_drained, &printer));
  g_assert_true (okn_test_ui_wait_for (confirm_sensitive, confirm));
  okn_test_ui_pump ();
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  g_assert_null (okn_kiosk_report_get_result (report));
  g_assert_false (okn_kiosk_report_has_input (report));
  g_assert_cmpuint (stored_reports (), ==, before + 1);
  held_printer_close (&printer);
}

/* A resident who confirms and walks away from a printer slower than the
 * whole wait and its grace: the summary, with their words, leaves the
 * screen when the countdown would have run out, for one that says only
 * that the report is being saved, in their language, and gives nothing
 * back to a tap (no warning: it has nothing to lose). The print goes on
 * and the record is stored; when it ends, the kiosk starts over for the
 * next person, with no ticket on the screen, and says so in the log. */
static void
test_saving_past_the_wait (void)
{
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknKioskReport *report = okn_kiosk_window_get_report (window);
  HeldPrinter printer = { 0 };
  guint before = stored_reports ();
  g_autofree char *text = NULL;
  g_autofree char *logged = NULL;
  g_autofree char *logged_at_end = NULL;

  held_printer_open (&printer);
  fill_report_to_summary ();
  /* With the contact details a resident may give. */
  click ("back");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (screen_widget ("consent")), TRUE);
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("contact-name")), "Olena Kowalenko");
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("contact-email")), "olena@example.org");
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("contact-phone")), "+48 600 100 200");
  click ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
  text = okn_test_ui_all_text (GTK_WIDGET (window));
  g_assert_nonnull (strstr (text, "olena@example.org"));
  g_clear_pointer (&text, g_free);
  click ("confirm");
  g_assert_true (okn_test_ui_wait_for (held_printer_has_bytes, &printer));
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_EN);
  g_free (take_kiosk_log ());

  /* Nobody touches the kiosk for the wait and its grace. */
  okn_inactivity_set_timeouts (clock, 50, 50);
  okn_inactivity_poke (clock);
  g_assert_true (okn_test_kiosk_wait_screen (window, "saving"));
  logged = take_kiosk_log ();
  g_assert_true (g_pattern_match_simple ("*walked away while their report was being saved*", logged));
  g_assert_cmpstr (title_text (), ==, "Saving your report…");
  g_assert_false (okn_kiosk_window_is_warning (window));
  g_assert_false (okn_kiosk_report_has_input (report));
  g_assert_null (screen_widget ("back"));
  text = okn_test_ui_all_text (GTK_WIDGET (window));
  g_assert_null (strstr (text, "Zapadnięty asfalt"));
  g_assert_null (strstr (text, "Wólczańska 55"));
  g_assert_null (strstr (text, "Olena Kowalenko"));
  g_assert_null (strstr (text, "olena@example.org"));
  g_assert_null (strstr (text, "+48 600 100 200"));
  okn_test_ui_touch (okn_kiosk_screen_get_title_label (okn_kiosk_window_get_screen (window)));
  okn_test_ui_pump_for (300);
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "saving");
  g_assert_false (okn_kiosk_window_is_warning (window));
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_UK);
  g_assert_true (has_cyrillic (title_text ()));

  /* The print ends: stored and printed whole, and the next person meets
   * the start screen in the kiosk's language, with nothing of it. */
  g_assert_true (okn_test_ui_wait_for (held_printer_drained, &printer));
  g_assert_true (okn_test_kiosk_wait_screen (window, "start"));
  logged_at_end = take_kiosk_log ();
  g_assert_true (g_pattern_match_simple ("*The kiosk's ticket *-* was stored after its resident had gone*",
                                         logged_at_end));
  g_assert_cmpuint (printer.printed->len, >, 4096);
  g_assert_cmpuint (stored_reports (), ==, before + 1);
  g_assert_null (okn_kiosk_report_get_result (report));
  g_assert_false (okn_kiosk_report_has_input (report));
  g_assert_cmpint (okn_kiosk_window_get_language (window), ==, OKN_LANGUAGE_PL);
  g_assert_false (okn_inactivity_is_running (clock));
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  held_printer_close (&printer);
}

/* The printer is out of paper (here: the kiosk's PDF folder cannot be
 * written): the record is stored, the ticket ID, code and QR show with
 * words that say to write them down, and staff see it in okienkoctl
 * status. */
static void
test_print_failure (void)
{
  g_autofree char *conf_text = NULL;
  g_autofree char *blocker = g_build_filename (tmpdir, "no-paper", NULL);
  g_autofree char *status = NULL;
  const OknIntakeResult *result;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) stored = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &conf_text, NULL, NULL));
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  {
    g_autoptr (OknConfig) config = okn_config_load (g_getenv ("OKIENKO_CONFIG"), NULL);

    g_assert_true (okn_config_set (config, "kiosk.output_dir", blocker, NULL));
    g_assert_true (okn_config_save (config, NULL));
  }
  fill_report_to_summary ();
  tap ("en");
  tap ("confirm");
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));
  result = okn_kiosk_report_get_result (okn_kiosk_window_get_report (window));
  g_assert_nonnull (result->print_error);
  g_assert_cmpstr (label_of ("ticket"), ==, result->record->ticket);
  g_assert_cmpstr (label_of ("code"), ==, result->record->verification_code);
  g_assert_cmpstr (label_of ("print-status"), ==,
                   "The ticket could not be printed. Please write down the number and the code, or show this "
                   "screen at the desk.");
  store = okn_test_open_app_store ();
  stored = okn_store_lookup (store, result->record->ticket, NULL);
  g_assert_nonnull (stored);
  g_assert_cmpint (okn_test_run_ctl (g_getenv ("OKIENKO_DB"), g_getenv ("OKIENKO_CONFIG"), NULL, &status, NULL,
                                     "status", NULL), ==, 0);
  g_assert_nonnull (strstr (status, "Kiosk printer:"));
  tap ("finish");
  tap ("pl");
  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), conf_text, -1, NULL));
}

/* A kiosk that never received a catalogue says so, to staff, instead of
 * an empty screen; a resident can still go back. */
static void
test_no_categories (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) saved = okn_store_list_services (store, NULL);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  g_assert_true (okn_store_replace_services (store, none, NULL));
  okn_kiosk_window_show_start (window);
  tap ("report");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "no-categories");
  g_assert_nonnull (strstr (label_of ("staff-message"), "okienkoctl services refresh"));
  tap ("back");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
  g_assert_true (okn_store_replace_services (store, saved, NULL));
}

/* A category's question comes from the server: a bidirectional override
 * in it (U+202E, which turns the rest of the line around) is shown
 * neither on the "what" screen nor on the summary; the summary showed
 * it as it came. */
static void
test_server_question_made_safe (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) saved = okn_store_list_services (store, NULL);
  g_autofree char *what = NULL;
  g_autofree char *summary = NULL;
  const char *rlo = "\xe2\x80\xae";

  okn_test_cache_service (store, "bidi", "Dziwna kategoria",
                          "{\"service_code\":\"bidi\",\"attributes\":[{\"variable\":true,\"code\":\"size\","
                          "\"datatype\":\"singlevaluelist\",\"required\":true,\"order\":1,"
                          "\"description\":\"Jak du\\u017ca \\u202ejest dziura?\","
                          "\"values\":[{\"key\":\"small\",\"name\":\"Ma\\u0142a\"}]}]}");
  okn_kiosk_window_show_start (window);
  click ("report");
  click ("category:bidi");
  click ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  what = screen_text ();
  g_assert_nonnull (strstr (what, "Jak duża"));
  g_assert_null (strstr (what, rlo));
  okn_gui_text_view_set (GTK_TEXT_VIEW (screen_widget ("description")), "Zapadnięty asfalt");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (screen_widget ("attr:size:small")), TRUE);
  click ("next");
  click ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
  summary = screen_text ();
  g_test_message ("%s", summary);
  g_assert_nonnull (strstr (summary, "Jak duża"));
  g_assert_null (strstr (summary, rlo));
  okn_kiosk_window_show_start (window);
  g_assert_true (okn_store_replace_services (store, saved, NULL));
}

/* Every resident-facing msgid of the kiosk's sources (N_(...)); the
 * staff's words are _() and speak the process's language. */
static GPtrArray *
kiosk_msgids (void)
{
  const char *files[] = { "okn-kiosk-window.c", "okn-kiosk-report.c", "okn-kiosk-check.c", "okn-kiosk-screen.c" };
  g_autoptr (GRegex) re = g_regex_new ("N_\\s*\\(\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*\\)", 0, 0, NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (OKN_SOURCE_ROOT, "src", "gui", "kiosk", files[i], NULL);
      g_autofree char *text = NULL;
      g_autoptr (GMatchInfo) m = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      for (g_regex_match (re, text, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
        g_ptr_array_add (ids, g_match_info_fetch (m, 1));
    }
  g_assert_cmpuint (ids->len, >, 50);
  return ids;
}

static gboolean
is_staff (GtkWidget *w)
{
  for (; w; w = gtk_widget_get_parent (w))
    if (gtk_style_context_has_class (gtk_widget_get_style_context (w), "okn-kiosk-staff"))
      return TRUE;
  return FALSE;
}

static void
collect_words (GtkWidget *w,
               gpointer   data)
{
  if (GTK_IS_LABEL (w) && !is_staff (w))
    g_ptr_array_add (data, g_strdup (gtk_label_get_text (GTK_LABEL (w))));
  else if (GTK_IS_ENTRY (w) && !is_staff (w) && gtk_entry_get_placeholder_text (GTK_ENTRY (w)))
    g_ptr_array_add (data, g_strdup (gtk_entry_get_placeholder_text (GTK_ENTRY (w))));
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect_words, data);
}

/* Every kiosk string has its Polish and Ukrainian words, and no screen
 * shows a kiosk string in another language than the resident's: each
 * screen is walked in English and Ukrainian (with what the paths above
 * left on them, and the report path's summary and errors filled in), and
 * a text that is a kiosk msgid or its translation must be the
 * translation into the screen's language. */
static void
test_no_untranslated_strings (void)
{
  g_autoptr (GPtrArray) ids = kiosk_msgids ();
  g_autoptr (GPtrArray) screens = NULL;
  static const OknLanguage langs[] = { OKN_LANGUAGE_EN, OKN_LANGUAGE_UK, OKN_LANGUAGE_PL };
  guint checked = 0;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);

      /* Missing, the msgid itself comes back; a translation that happens
       * to read the same ("Problem") comes from the catalogue. */
      if (okn_labels_gettext (OKN_LANGUAGE_UK, NULL, id) == id)
        g_error ("no Ukrainian words for the kiosk's “%s” (po/uk.po)", id);
      if (okn_labels_gettext (OKN_LANGUAGE_PL, NULL, id) == id)
        g_error ("no Polish words for the kiosk's “%s” (po/pl.po)", id);
    }

  /* Screens with their dynamic words: a summary, errors, an answer. */
  okn_kiosk_window_show_start (window);
  gtk_button_clicked (GTK_BUTTON (screen_widget ("report")));
  gtk_button_clicked (GTK_BUTTON (screen_widget ("category:pothole")));
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("address")), "Zielona 3");
  gtk_button_clicked (GTK_BUTTON (screen_widget ("next")));
  gtk_button_clicked (GTK_BUTTON (screen_widget ("next")));
  okn_gui_text_view_set (GTK_TEXT_VIEW (screen_widget ("description")), "Dziura");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (screen_widget ("attr:size:small")), TRUE);
  gtk_button_clicked (GTK_BUTTON (screen_widget ("next")));
  gtk_button_clicked (GTK_BUTTON (screen_widget ("next")));
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");

  screens = okn_kiosk_window_list_screens (window);
  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      okn_kiosk_window_set_language (window, langs[l]);
      okn_test_ui_pump ();
      for (guint s = 0; s < screens->len; s++)
        {
          OknKioskScreen *screen = g_ptr_array_index (screens, s);
          g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);

          collect_words (GTK_WIDGET (screen), words);
          g_ptr_array_add (words, g_strdup (okn_kiosk_screen_get_announcement (screen)));
          for (guint w = 0; w < words->len; w++)
            for (guint i = 0; i < ids->len; i++)
              {
                const char *text = g_ptr_array_index (words, w);
                const char *id = g_ptr_array_index (ids, i);
                const char *want = okn_labels_gettext (langs[l], NULL, id);

                for (guint o = 0; o < G_N_ELEMENTS (langs); o++)
                  {
                    const char *other = okn_labels_gettext (langs[o], NULL, id);

                    if (o != l && !g_str_equal (other, want) && strstr (text, other) != NULL
                        && strstr (text, want) == NULL)
                      g_error ("screen %s in %s shows “%s” (%s words)", okn_kiosk_screen_get_name (screen),
                               okn_language_to_string (langs[l]), other, okn_language_to_string (langs[o]));
                  }
                checked++;
              }
        }
    }
  g_assert_cmpuint (checked, >, 1000);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  okn_kiosk_window_show_start (window);
}


/* "Where" left empty: the resident goes on, the summary says the report
 * goes with the kiosk's address, and that is what is stored (and later
 * sent), marked as the kiosk's. */
static void
test_where_optional (void)
{
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  OknRecord *r;

  okn_kiosk_window_show_start (window);
  tap ("report");
  tap ("category:streetlight");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("address"))), ==, "");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  fill ("description", "Latarnia miga całą noc");
  tap ("next");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "summary");
  text = screen_text ();
  g_assert_nonnull (strstr (text, "Nie podano: zgłoszenie trafi do urzędu z adresem tego kiosku."));
  g_assert_nonnull (strstr (text, "ul. Piotrkowska 104, 90-926 Łódź"));
  tap ("confirm");
  g_assert_true (okn_test_kiosk_wait_screen (window, "done"));
  store = okn_test_open_app_store ();
  found = okn_store_search (store, "miga", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  r = g_ptr_array_index (found, 0);
  g_assert_cmpstr (r->address, ==, "ul. Piotrkowska 104, 90-926 Łódź (adres kiosku: mieszkaniec nie podał miejsca)");
  g_assert_false (r->has_location);
  tap ("finish");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "start");
}

/* Accessibility wired into the window ------------------------------------- */

static OknKioskKeyboard *
keyboard (void)
{
  return OKN_KIOSK_KEYBOARD (okn_kiosk_window_get_keyboard (window));
}

/* Taps on the on-screen keys, one per character ("⇧" for Shift). */
static void
tap_keys (const char *keys)
{
  for (const char *p = keys; *p; p = g_utf8_next_char (p))
    {
      g_autofree char *one = g_strndup (p, (gsize) (g_utf8_next_char (p) - p));
      GtkWidget *k;

      if (g_str_equal (one, " "))
        k = okn_kiosk_keyboard_get_key (keyboard (), "space");
      else if (g_str_equal (one, "⇧"))
        k = okn_kiosk_keyboard_get_key (keyboard (), "shift");
      else
        k = okn_kiosk_keyboard_get_key (keyboard (), one);
      g_assert_nonnull (k);
      okn_test_ui_tap (k);
    }
}

static gboolean
keyboard_mapped (gpointer data)
{
  return gtk_widget_get_mapped (okn_kiosk_window_get_keyboard (window));
}

/* Shown means mapped, which GTK does on its next frame. */
static gboolean
keyboard_shown (void)
{
  if (gtk_widget_get_visible (okn_kiosk_window_get_keyboard (window)))
    return okn_test_ui_wait_for (keyboard_mapped, NULL);
  return keyboard_mapped (NULL);
}

/* @field is wholly inside the window and above the keyboard's top edge. */
static void
assert_above_keyboard (GtkWidget *field)
{
  GtkWidget *kb = okn_kiosk_window_get_keyboard (window);
  int fx = 0, fy = 0, ky = 0, kx = 0;

  g_assert_true (gtk_widget_translate_coordinates (field, GTK_WIDGET (window), 0, 0, &fx, &fy));
  g_assert_true (gtk_widget_translate_coordinates (kb, GTK_WIDGET (window), 0, 0, &kx, &ky));
  g_assert_cmpint (fy, >=, 0);
  g_assert_cmpint (fy + MIN (gtk_widget_get_allocated_height (field), 2 * 64), <=, ky);
}

static char *
field_text (const char *name)
{
  GtkWidget *w = screen_widget (name);

  if (GTK_IS_ENTRY (w))
    return g_strdup (gtk_entry_get_text (GTK_ENTRY (w)));
  return okn_gui_text_view_dup (GTK_TEXT_VIEW (w));
}

static void
settle (void)
{
  gdk_display_sync (gdk_display_get_default ());
  for (int i = 0; i < 10; i++)
    {
      okn_test_ui_pump ();
      g_usleep (5000);
    }
}

static void
collect_entries (GtkWidget *widget,
                 gpointer   data)
{
  if (GTK_IS_ENTRY (widget))
    g_ptr_array_add (data, widget);
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_entries, data);
}

/* The question asked of @field: the label that names it (labelled()),
 * else the first label of the box it sits in (a category's question). */
static GtkWidget *
question_of (GtkWidget *field)
{
  g_autoptr (GList) labels = gtk_widget_list_mnemonic_labels (field);
  g_autoptr (GList) siblings = NULL;

  if (labels)
    return labels->data;
  siblings = gtk_container_get_children (GTK_CONTAINER (gtk_widget_get_parent (field)));
  g_assert_true (siblings && GTK_IS_LABEL (siblings->data));
  return siblings->data;
}

/* With the keyboard up and @name focused, its question is wholly inside
 * what the screen's scrolled body shows, and under it the field's first
 * touch target (all of a one-line field). The description's box is taller
 * than what 1280x800 leaves above the keyboard with its question. */
static void
assert_question_in_view (const char *name)
{
  GtkWidget *field = screen_widget (name);
  GtkWidget *question = question_of (field);
  GtkWidget *viewport = gtk_widget_get_ancestor (field, GTK_TYPE_VIEWPORT);
  int qx = 0, qy = 0, fx = 0, fy = 0;
  int qh = gtk_widget_get_allocated_height (question);
  int fh = MIN (gtk_widget_get_allocated_height (field), OKN_KIOSK_TARGET_PX);
  int vh = gtk_widget_get_allocated_height (viewport);

  g_assert_true (keyboard_shown ());
  settle ();
  g_assert_true (gtk_widget_has_focus (field));
  g_assert_true (gtk_widget_translate_coordinates (question, viewport, 0, 0, &qx, &qy));
  g_assert_true (gtk_widget_translate_coordinates (field, viewport, 0, 0, &fx, &fy));
  g_test_message ("%s: question y %d..%d, field y %d..%d, viewport 0..%d", name, qy, qy + qh, fy, fy + fh, vh);
  g_assert_cmpint (qy, >=, 0);
  g_assert_cmpint (qy + qh, <=, vh);
  g_assert_cmpint (fy + fh, <=, vh);
  assert_above_keyboard (field);
}

/* Whenever a field has the focus with the keyboard up, the question above
 * it shows whole with it: on a 1280x800 panel the body scrolls, and a
 * label cut at the top edge leaves the resident not knowing what is asked. */
static void
test_question_in_view (void)
{
  okn_kiosk_window_show_start (window);
  settle ();
  tap ("report");
  tap ("category:pothole");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");
  assert_question_in_view ("address");
  tap_keys ("⇧łódź 12");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  assert_question_in_view ("description");
  tap_keys ("dziura");
  /* Each of the category's typed answers, and back to the description. */
  {
    GtkWidget *what = GTK_WIDGET (okn_kiosk_window_get_screen (window));
    g_autoptr (GPtrArray) entries = g_ptr_array_new ();

    collect_entries (what, entries);
    for (guint i = 0; i < entries->len; i++)
      if (gtk_widget_is_drawable (entries->pdata[i]))
        {
          gtk_widget_grab_focus (entries->pdata[i]);
          assert_question_in_view (gtk_widget_get_name (entries->pdata[i]));
        }
  }
  /* Down to the category's question and back up to the description. */
  tap ("attr:size:large");
  tap ("description");
  assert_question_in_view ("description");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  tap ("consent");
  tap ("contact-phone");
  assert_question_in_view ("contact-phone");
  tap ("contact-name");
  assert_question_in_view ("contact-name");
  tap ("contact-phone");
  assert_question_in_view ("contact-phone");
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
  settle ();
  tap ("check");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  assert_question_in_view ("ticket-id");
  tap ("ticket-code");
  assert_question_in_view ("ticket-code");
  tap ("ticket-id");
  assert_question_in_view ("ticket-id");
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_kiosk_window_show_start (window);
}

/* Where @widget lies in the viewport of the scrolled body around it, and
 * how tall that viewport is. */
static void
view_position (GtkWidget *widget,
               int       *top,
               int       *bottom,
               int       *view_height)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);
  int x = 0;

  g_assert_true (gtk_widget_translate_coordinates (widget, viewport, 0, 0, &x, top));
  *bottom = *top + gtk_widget_get_allocated_height (widget);
  *view_height = gtk_widget_get_allocated_height (viewport);
}

/* The widget packed just above @widget in its box. */
static GtkWidget *
widget_above (GtkWidget *widget)
{
  g_autoptr (GList) siblings = gtk_container_get_children (GTK_CONTAINER (gtk_widget_get_parent (widget)));
  GList *l = g_list_find (siblings, widget);

  g_assert_true (l && l->prev);
  return l->prev->data;
}

/* Where, what (a description), on to the contact screen. */
static void
go_to_contact (void)
{
  okn_kiosk_window_show_start (window);
  settle ();
  tap ("report");
  tap ("category:pothole");
  g_assert_true (gtk_widget_has_focus (screen_widget ("address")));
  type_text ("Łódź 12");
  tap ("next");
  g_assert_true (gtk_widget_has_focus (screen_widget ("description")));
  type_text ("dziura");
  tap ("attr:size:large");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  g_assert_true (keyboard_shown ());
  settle ();
  /* The window keeps its screens from one resident to the next, and with
   * them where an earlier test left the body scrolled: start at the top. */
  {
    GtkWidget *viewport = gtk_widget_get_ancestor (screen_widget ("consent"), GTK_TYPE_VIEWPORT);

    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)), 0);
  }
  settle ();
}

/* The box ticked, and the focus (where the keys type) in the name. */
static gboolean
name_takes_keys (gpointer data)
{
  return gtk_toggle_button_get_active (data) && gtk_widget_has_focus (screen_widget ("contact-name"));
}

/* The explanation above the consent (what the resident agrees to) wholly
 * in view, and the consent's first touch target with it. */
static void
assert_consent_with_its_text (const char *when)
{
  GtkWidget *consent = screen_widget ("consent");
  GtkWidget *explain = widget_above (consent);
  int et, eb, ct, cb, vh;

  settle ();
  g_assert_true (gtk_widget_has_focus (consent));
  view_position (explain, &et, &eb, &vh);
  view_position (consent, &ct, &cb, &vh);
  g_test_message ("%s: explanation y %d..%d, consent y %d..%d, viewport 0..%d", when, et, eb, ct, cb, vh);
  g_assert_cmpint (et, >=, 0);
  g_assert_cmpint (eb, <=, vh);
  g_assert_cmpint (ct, >=, 0);
  g_assert_cmpint (ct + MIN (cb - ct, OKN_KIOSK_TARGET_PX), <=, vh);
}

/* With the keyboard up, the contact screen shows its explanation whole
 * and the consent box under it, all but the box's lower padding. A tap on
 * what shows of the box (a finger does not scroll first) ticks it and
 * leaves the explanation whole; so does coming back to the box from the
 * fields below it (Tab, Shift+Tab). */
static void
test_consent_keeps_its_text (void)
{
  GtkWidget *consent;
  GtkWidget *explain;
  int et, eb, ct, cb, vh;

  go_to_contact ();
  consent = screen_widget ("consent");
  explain = widget_above (consent);
  view_position (explain, &et, &eb, &vh);
  view_position (consent, &ct, &cb, &vh);
  g_test_message ("before the tap: explanation y %d..%d, consent y %d..%d, viewport 0..%d", et, eb, ct, cb, vh);
  g_assert_cmpint (et, ==, 0);
  g_assert_cmpint (eb, <=, vh);
  g_assert_cmpint (ct, <, vh);

  /* A tap on the language shown takes the focus from the box. */
  tap ("pl");
  g_assert_false (gtk_widget_has_focus (consent));
  okn_test_ui_tap_in_view (consent);
  /* The tick sends the keys on to the name (test_consent_types_name). */
  g_assert_true (okn_test_ui_wait_for (name_takes_keys, consent));
  gtk_widget_grab_focus (consent);
  assert_consent_with_its_text ("after the tap");

  tap ("contact-phone");
  g_assert_true (gtk_widget_has_focus (screen_widget ("contact-phone")));
  view_position (explain, &et, &eb, &vh);
  g_assert_cmpint (eb, <=, 0);
  gtk_widget_grab_focus (consent);
  assert_consent_with_its_text ("back from the phone");

  /* At 200 % text the explanation and the box do not fit together: the
   * explanation comes first, but never at the cost of the box's first
   * touch target (nor of its words and checkbox: test-kiosk-large-text). */
  okn_kiosk_text_size_set (GTK_WIDGET (window), 200);
  okn_test_ui_settle (GTK_WIDGET (window));
  tap ("contact-phone");
  gtk_widget_grab_focus (consent);
  settle ();
  view_position (explain, &et, &eb, &vh);
  view_position (consent, &ct, &cb, &vh);
  g_test_message ("200 %%: explanation y %d..%d, consent y %d..%d, viewport 0..%d", et, eb, ct, cb, vh);
  g_assert_cmpint (cb - et, >, vh);
  g_assert_cmpint (ct, >=, 0);
  g_assert_cmpint (ct + OKN_KIOSK_TARGET_PX, <=, vh);
  okn_kiosk_text_size_set (GTK_WIDGET (window), 100);
  okn_test_ui_settle (GTK_WIDGET (window));

  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
}

/* A resident who ticks the box goes on to type their name on the keys:
 * the keys type into the name field, which shows above them, without a
 * tap on it first (the box kept the focus, and the keys typed nowhere). */
static void
test_consent_types_name (void)
{
  GtkWidget *consent;

  go_to_contact ();
  consent = screen_widget ("consent");
  okn_test_ui_tap_in_view (consent);
  g_assert_true (okn_test_ui_wait_for (name_takes_keys, consent));
  settle ();
  g_assert_true (keyboard_shown ());
  tap_keys ("⇧ola");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (screen_widget ("contact-name"))), ==, "Ola");
  settle ();
  assert_above_keyboard (screen_widget ("contact-name"));
  /* A tick taken back leaves the focus where it is. */
  okn_test_ui_tap (consent);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (consent)));
  g_assert_true (gtk_widget_has_focus (consent));

  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
}

/* The caret's line in the description, in the viewport of the scrolled
 * body; FALSE while the text view has not grown to hold it yet (typing
 * lays the text out again over the next frames; meanwhile the text view
 * scrolls its own text). */
static gboolean
caret_position (int *top,
                int *bottom,
                int *view_height)
{
  GtkWidget *view = screen_widget ("description");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkWidget *viewport = gtk_widget_get_ancestor (view, GTK_TYPE_VIEWPORT);
  GtkTextIter iter;
  GdkRectangle line;
  int x = 0, y = 0;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, &line);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (view), GTK_TEXT_WINDOW_WIDGET, line.x, line.y, &x, &y);
  if (y < 0 || y + line.height > gtk_widget_get_allocated_height (view)
      || gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view))) != 0)
    return FALSE;
  g_assert_true (gtk_widget_translate_coordinates (view, viewport, x, y, &x, top));
  *bottom = *top + line.height;
  *view_height = gtk_widget_get_allocated_height (viewport);
  return TRUE;
}

static gboolean
caret_shown (gpointer data)
{
  int top, bottom, vh;

  return caret_position (&top, &bottom, &vh) && top >= 0 && bottom <= vh;
}

/* Waits until the text view holds the caret's line and that line is
 * wholly in view; fails saying where it is. */
static void
assert_caret_in_view (const char *when)
{
  int top = 0, bottom = 0, vh = 0;
  gboolean shown = okn_test_ui_wait_for (caret_shown, NULL);
  gboolean laid_out = caret_position (&top, &bottom, &vh);

  g_test_message ("%s: caret's line y %d..%d, viewport 0..%d%s", when, top, bottom, vh,
                  laid_out ? "" : " (not laid out)");
  g_assert_true (gtk_widget_has_focus (screen_widget ("description")));
  g_assert_true (shown);
}

static double
body_scroll (void)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (screen_widget ("description"), GTK_TYPE_VIEWPORT);

  return gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)));
}

/* Typing a long description with the keyboard up: the line being typed
 * stays in view above the keyboard, line after line, and wherever the
 * caret goes (arrow keys, Ctrl+Home and Ctrl+End, a tap); with the caret
 * on the first line, the question shows too. A view the resident scrolled
 * themselves stays where they put it until they type again. */
static void
test_caret_in_view (void)
{
  GtkWidget *view;
  GtkWidget *question;
  int top, bottom, vh, qt, qb;

  okn_kiosk_window_show_start (window);
  settle ();
  tap ("report");
  tap ("category:pothole");
  type_text ("Łódź 12");
  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  view = screen_widget ("description");
  question = question_of (view);
  g_assert_true (keyboard_shown ());
  g_assert_true (gtk_widget_has_focus (view));
  tap_keys ("dziura");
  assert_caret_in_view ("first line");
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *when = g_strdup_printf ("line %d", i + 1);

      key (GDK_KEY_Return, 0);
      type_text ("i dalej");
      assert_caret_in_view (when);
    }
  /* A line long enough to wrap. */
  type_text (", dziura na dziurze przy przejściu dla pieszych, głęboka na dwadzieścia centymetrów, "
             "po każdym deszczu stoi w niej woda i samochody ochlapują ludzi na przystanku");
  assert_caret_in_view ("a wrapped line");
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
    GtkTextIter iter;
    GdkRectangle caret;
    int y, height;

    gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
    gtk_text_view_get_iter_location (GTK_TEXT_VIEW (view), &iter, &caret);
    gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (view), &iter, &y, &height);
    g_assert_cmpint (height, >=, 2 * caret.height);
  }
  view_position (view, &top, &bottom, &vh);
  g_test_message ("description y %d..%d, viewport 0..%d", top, bottom, vh);
  g_assert_cmpint (bottom - top, >, 2 * vh);

  key (GDK_KEY_Home, GDK_CONTROL_MASK);
  assert_caret_in_view ("Ctrl+Home");
  view_position (question, &qt, &qb, &vh);
  g_test_message ("Ctrl+Home: question y %d..%d", qt, qb);
  g_assert_cmpint (qt, >=, 0);
  g_assert_cmpint (qb, <=, vh);
  for (int i = 0; i < 5; i++)
    key (GDK_KEY_Down, 0);
  assert_caret_in_view ("5 × Down");
  key (GDK_KEY_End, GDK_CONTROL_MASK);
  assert_caret_in_view ("Ctrl+End");
  /* A caret moving inside the view moves nothing else. */
  {
    double scrolled = body_scroll ();

    key (GDK_KEY_Up, 0);
    key (GDK_KEY_Up, 0);
    assert_caret_in_view ("2 × Up");
    g_assert_cmpfloat (body_scroll (), ==, scrolled);
  }

  /* The resident swipes up to read the question again: the view stays. */
  {
    GtkWidget *viewport = gtk_widget_get_ancestor (view, GTK_TYPE_VIEWPORT);

    gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)), 0);
  }
  settle ();
  okn_test_ui_pump_for (200);
  g_assert_cmpfloat (body_scroll (), ==, 0);
  g_assert_false (caret_shown (NULL));
  /* And follows again when they type. */
  tap_keys ("a");
  assert_caret_in_view ("typing after a swipe");

  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
}

/* Every screen with a field shows the on-screen keyboard under it, with
 * the cursor already in the first field, and the keys type there; a
 * screen without one (the start, the PIN with its own digits) does not. */
static void
test_keyboard_under_every_field (void)
{
  g_autoptr (GPtrArray) screens = okn_kiosk_window_list_screens (window);
  g_autofree char *text = NULL;
  guint with_fields = 0;

  okn_kiosk_window_show_start (window);
  settle ();
  g_assert_false (keyboard_shown ());

  /* The categories: the tiles are the answer, the keys come to search. */
  tap ("report");
  settle ();
  g_assert_false (keyboard_shown ());
  tap ("search");
  g_assert_true (keyboard_shown ());
  g_assert_true (gtk_widget_has_focus (screen_widget ("search")));
  tap_keys ("lat");
  text = field_text ("search");
  g_assert_cmpstr (text, ==, "lat");
  g_assert_false (gtk_widget_is_drawable (screen_widget ("category:pothole")));
  gtk_entry_set_text (GTK_ENTRY (screen_widget ("search")), "");
  okn_test_ui_pump ();

  tap ("category:pothole");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");
  g_assert_true (keyboard_shown ());
  g_assert_true (gtk_widget_has_focus (screen_widget ("address")));
  assert_above_keyboard (screen_widget ("address"));
  tap_keys ("⇧łódź 12");
  g_clear_pointer (&text, g_free);
  text = field_text ("address");
  g_assert_cmpstr (text, ==, "Łódź 12");

  tap ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  g_assert_true (keyboard_shown ());
  g_assert_true (gtk_widget_has_focus (screen_widget ("description")));
  assert_above_keyboard (screen_widget ("description"));
  tap_keys ("dziura");
  g_clear_pointer (&text, g_free);
  text = field_text ("description");
  g_assert_cmpstr (text, ==, "dziura");
  /* The layout follows the resident's language. */
  tap ("uk");
  g_assert_cmpint (okn_kiosk_keyboard_get_layout (keyboard ()), ==, OKN_LANGUAGE_UK);
  tap_keys (" київ");
  g_clear_pointer (&text, g_free);
  text = field_text ("description");
  g_assert_cmpstr (text, ==, "dziura київ");
  tap ("pl");

  /* The check path's fields too. */
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
  settle ();
  tap ("check");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  settle ();
  g_assert_true (keyboard_shown ());
  g_assert_true (gtk_widget_has_focus (screen_widget ("ticket-id")));

  /* And every other screen: a field means the keyboard. */
  for (guint i = 0; i < screens->len; i++)
    {
      OknKioskScreen *screen = g_ptr_array_index (screens, i);
      const char *name = okn_kiosk_screen_get_name (screen);
      gboolean fields = okn_test_ui_find_by_type (GTK_WIDGET (screen), GTK_TYPE_ENTRY) != NULL
                        || okn_test_ui_find_by_type (GTK_WIDGET (screen), GTK_TYPE_TEXT_VIEW) != NULL;

      if (g_str_equal (name, "still-there"))
        continue;
      okn_kiosk_window_show_screen (window, screen);
      settle ();
      if (fields && okn_kiosk_screen_get_keyboard_mode (screen) == OKN_KIOSK_KEYBOARD_ON_FOCUS)
        {
          g_assert_false (keyboard_shown ());
          okn_test_ui_tap (okn_test_ui_find_by_type (GTK_WIDGET (screen), GTK_TYPE_ENTRY));
        }
      g_test_message ("screen %s: fields %d, keyboard %d", name, fields, keyboard_shown ());
      if (g_str_equal (name, "admin"))
        g_assert_false (keyboard_shown ());
      else
        {
          g_assert_cmpint (keyboard_shown (), ==, fields);
          with_fields += fields;
        }
    }
  g_assert_cmpuint (with_fields, >=, 5);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_kiosk_window_show_start (window);
}

/* One pixel of what the X server shows. */
static guint32
pixel_at (int x,
          int y)
{
  GdkPixbuf *pb;
  const guchar *p;
  guint32 rgb;

  gdk_display_sync (gdk_display_get_default ());
  pb = gdk_pixbuf_get_from_window (gtk_widget_get_window (GTK_WIDGET (window)), x, y, 1, 1);
  g_assert_nonnull (pb);
  p = gdk_pixbuf_read_pixels (pb);
  rgb = ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
  g_object_unref (pb);
  return rgb;
}

typedef struct
{
  int x, y;
  guint32 not;
} PixelWait;

static gboolean
pixel_changed (gpointer data)
{
  PixelWait *w = data;

  okn_test_ui_pump ();
  return pixel_at (w->x, w->y) != w->not;
}

static double
luminance (guint32 rgb)
{
  return (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / (3.0 * 255);
}

static int
title_height (void)
{
  int w = 0, h = 0;

  settle ();
  pango_layout_get_pixel_size (gtk_label_get_layout (GTK_LABEL (okn_kiosk_screen_get_title_label (
                                 okn_kiosk_window_get_screen (window)))), &w, &h);
  return h;
}

/* The accessibility buttons are in the window on every screen, and what
 * they do shows: the colours on the screen change (HighContrastInverse:
 * light on dark), the text grows and shrinks, speech comes on and off. */
static void
test_a11y_bar_changes_the_screen (void)
{
  GtkWidget *bar = okn_kiosk_window_get_a11y_bar (window);
  OknSpeech *speech = okn_kiosk_voice_get_speech (okn_kiosk_window_get_voice (window));
  PixelWait w = { 0 };
  guint32 normal, contrast, inverse;
  int small, large;

  okn_kiosk_window_show_start (window);
  settle ();
  g_assert_true (gtk_widget_is_ancestor (bar, GTK_WIDGET (window)));
  g_assert_true (gtk_widget_get_mapped (bar));
  /* A point of the screen's own background, beside its title. */
  g_assert_true (gtk_widget_translate_coordinates (okn_kiosk_screen_get_title_label (okn_kiosk_window_get_screen (window)),
                                                   GTK_WIDGET (window), 0, 0, &w.x, &w.y));
  w.x = 8;
  normal = pixel_at (w.x, w.y);

  tap ("contrast");
  g_assert_cmpint (okn_kiosk_theme_get (GTK_WIDGET (window)), ==, OKN_KIOSK_THEME_HIGH_CONTRAST);
  w.not = normal;
  g_assert_true (okn_test_ui_wait_for (pixel_changed, &w));
  contrast = pixel_at (w.x, w.y);
  tap ("contrast");
  g_assert_cmpint (okn_kiosk_theme_get (GTK_WIDGET (window)), ==, OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE);
  w.not = contrast;
  g_assert_true (okn_test_ui_wait_for (pixel_changed, &w));
  inverse = pixel_at (w.x, w.y);
  g_test_message ("background: #%06x default, #%06x HighContrast, #%06x HighContrastInverse",
                  normal, contrast, inverse);
  g_assert_cmpfloat (luminance (normal), >, 0.8);
  g_assert_cmpfloat (luminance (inverse), <, 0.2);
  tap ("contrast");
  g_assert_cmpint (okn_kiosk_theme_get (GTK_WIDGET (window)), ==, OKN_KIOSK_THEME_DEFAULT);
  w.not = inverse;
  g_assert_true (okn_test_ui_wait_for (pixel_changed, &w));
  g_assert_cmpuint (pixel_at (w.x, w.y), ==, normal);

  /* Larger text, on every screen, until 200 %; then back. */
  small = title_height ();
  tap ("larger");
  tap ("larger");
  tap ("larger");
  tap ("larger");
  g_assert_cmpuint (okn_kiosk_text_size_get (GTK_WIDGET (window)), ==, 200);
  g_assert_false (gtk_widget_is_sensitive (okn_test_ui_find_by_name (GTK_WIDGET (window), "larger")));
  large = title_height ();
  g_test_message ("title height: %d px at 100 %%, %d px at 200 %%", small, large);
  g_assert_cmpint (large, >=, small * 3 / 2);
  tap ("report");
  g_assert_true (gtk_widget_get_mapped (bar));
  okn_kiosk_window_show_start (window);
  for (int i = 0; i < 4; i++)
    tap ("smaller");
  g_assert_cmpuint (okn_kiosk_text_size_get (GTK_WIDGET (window)), ==, 100);
  g_assert_cmpint (title_height (), ==, small);

  /* Speech: the bar's first button. */
  g_assert_false (okn_speech_get_enabled (speech));
  tap ("speech");
  g_assert_true (okn_speech_get_enabled (speech));
  tap ("speech");
  g_assert_false (okn_speech_get_enabled (speech));
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
}

/* What the kiosk said, kept as the sink got it. */
static void
listen (const OknSpeechAudio *audio,
        gpointer              data)
{
  OknSpeechAudio *said = g_new0 (OknSpeechAudio, 1);

  *said = *audio;
  said->samples = g_bytes_ref (audio->samples);
  said->voice_name = g_strdup (audio->voice_name);
  said->voice_language = g_strdup (audio->voice_language);
  said->text = g_strdup (audio->text);
  g_ptr_array_add (data, said);
}

typedef struct
{
  GPtrArray *heard;
  const char *words;
} HeardWait;

static gboolean
heard_words (gpointer data)
{
  HeardWait *w = data;

  for (guint i = 0; i < w->heard->len; i++)
    if (strstr (((OknSpeechAudio *) w->heard->pdata[i])->text, w->words))
      return TRUE;
  return FALSE;
}

static const OknSpeechAudio *
wait_to_hear (GPtrArray  *heard,
              const char *words)
{
  HeardWait w = { heard, words };

  if (!okn_test_ui_wait_for (heard_words, &w))
    {
      for (guint i = 0; i < heard->len; i++)
        g_test_message ("heard: %s", ((OknSpeechAudio *) heard->pdata[i])->text);
      g_error ("never heard “%s”", words);
    }
  for (guint i = heard->len; i > 0; i--)
    if (strstr (((OknSpeechAudio *) heard->pdata[i - 1])->text, words))
      return heard->pdata[i - 1];
  g_assert_not_reached ();
}

/* Speech on: each screen is read on entry in the resident's language,
 * with a voice of that language (real espeak-ng, synthesised to memory
 * in place of the sound card): the start screen when speech comes on, the
 * category screen after a tap, its English title after a language switch,
 * the inactivity warning when it shows. */
static void
test_speech_announces_screens (void)
{
  OknSpeech *speech = okn_kiosk_voice_get_speech (okn_kiosk_window_get_voice (window));
  g_autoptr (GPtrArray) heard = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_speech_audio_free);
  const OknSpeechAudio *h;

  okn_kiosk_window_show_start (window);
  okn_speech_set_sink (speech, listen, heard, NULL);
  tap ("speech");
  h = wait_to_hear (heard, okn_labels_gettext (OKN_LANGUAGE_PL, NULL, "Welcome! What would you like to do?"));
  g_assert_true (g_str_has_prefix (h->voice_language, "pl"));

  tap ("report");
  h = wait_to_hear (heard, okn_labels_gettext (OKN_LANGUAGE_PL, NULL, "What is the problem about?"));
  g_test_message ("heard “%s”: %.2f s, RMS %.0f, voice %s", h->text, okn_speech_audio_seconds (h), okn_speech_audio_rms (h), h->voice_language);
  g_assert_true (g_str_has_prefix (h->voice_language, "pl"));
  g_assert_cmpfloat (okn_speech_audio_rms (h), >, 500);
  g_assert_cmpfloat (okn_speech_audio_seconds (h), >, 0.5);

  tap ("en");
  h = wait_to_hear (heard, "What is the problem about?");
  g_test_message ("heard “%s”: %.2f s, RMS %.0f, voice %s", h->text, okn_speech_audio_seconds (h), okn_speech_audio_rms (h), h->voice_language);
  g_assert_true (g_str_has_prefix (h->voice_language, "en"));
  g_assert_cmpfloat (okn_speech_audio_rms (h), >, 500);

  /* A step refused is said: what is asked, and what is missing (a blind
   * resident's tap on Next met silence). */
  tap ("category:pothole");
  h = wait_to_hear (heard, "Where is it?");
  fill ("address", "Piotrkowska 120");
  tap ("next");
  h = wait_to_hear (heard, "What happened?");
  tap ("next");
  h = wait_to_hear (heard, "Please describe the problem in a few words");
  g_assert_nonnull (strstr (h->text, "Describe the problem in a few words"));
  g_assert_true (g_str_has_prefix (h->voice_language, "en"));
  /* Again on the next tap: the tap itself silenced the last words. */
  g_ptr_array_set_size (heard, 0);
  tap ("next");
  wait_to_hear (heard, "Please describe the problem in a few words");
  fill ("description", "Dziura");
  tap ("next");
  h = wait_to_hear (heard, "Please answer this question.");
  g_assert_nonnull (strstr (h->text, "How big is it?"));
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
  tap ("report");

  /* The inactivity warning is said too. */
  okn_inactivity_set_timeouts (okn_kiosk_window_get_inactivity (window), 300, 60 * 1000);
  okn_inactivity_poke (okn_kiosk_window_get_inactivity (window));
  h = wait_to_hear (heard, "Are you still there?");
  g_assert_true (g_str_has_prefix (h->voice_language, "en"));
  okn_inactivity_set_timeouts (okn_kiosk_window_get_inactivity (window), 90 * 1000,
                               OKN_INACTIVITY_GRACE_SECONDS * 1000);
  tap ("more-time");
  g_assert_true (okn_test_kiosk_wait_warning (window, FALSE));

  tap ("speech");
  g_assert_false (okn_speech_get_enabled (speech));
  okn_speech_set_sink (speech, NULL, NULL, NULL);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  tap ("pl");
  okn_kiosk_window_show_start (window);
}


/* Setup ------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  OknTestKiosk kiosk = { 0 };

  kiosk_log = g_string_new (NULL);
  g_log_set_writer_func (record_log, NULL, NULL);
  okn_test_kiosk_station (&kiosk);
  tmpdir = kiosk.dir;
  /* The administrator's PIN, set as an administrator sets it. */
  g_assert_cmpint (okn_test_run_ctl (kiosk.db, kiosk.conf, "4821\n", NULL, NULL, "config", "set",
                                     "kiosk.admin_pin", "-", NULL), ==, 0);
  okn_test_kiosk_open (&kiosk, &argc, &argv);
  app = kiosk.app;
  window = kiosk.window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  okn_test_ui_pump ();

  g_test_add_func ("/kiosk/start-screen", test_start_screen);
  g_test_add_func ("/kiosk/language-switch", test_language_switch);
  g_test_add_func ("/kiosk/escape-keys-do-nothing", test_escape_keys_do_nothing);
  g_test_add_func ("/kiosk/report-path", test_report_path);
  g_test_add_func ("/kiosk/inactivity", test_inactivity);
  g_test_add_func ("/kiosk/inactivity-while-saving", test_inactivity_while_saving);
  g_test_add_func ("/kiosk/back-while-saving", test_back_while_saving);
  g_test_add_func ("/kiosk/saving-past-the-wait", test_saving_past_the_wait);
  g_test_add_func ("/kiosk/check-scanned", test_check_scanned);
  g_test_add_func ("/kiosk/check-typed-and-throttled", test_check_typed_and_throttled);
  g_test_add_func ("/kiosk/check-pause-ends", test_check_pause_ends);
  g_test_add_func ("/kiosk/check-code-missing-a-character", test_check_code_missing_a_character);
  g_test_add_func ("/kiosk/print-failure", test_print_failure);
  g_test_add_func ("/kiosk/no-categories", test_no_categories);
  g_test_add_func ("/kiosk/server-question-made-safe", test_server_question_made_safe);
  g_test_add_func ("/kiosk/no-untranslated-strings", test_no_untranslated_strings);
  g_test_add_func ("/kiosk/where-optional", test_where_optional);
  g_test_add_func ("/kiosk/keyboard-under-every-field", test_keyboard_under_every_field);
  g_test_add_func ("/kiosk/question-in-view", test_question_in_view);
  g_test_add_func ("/kiosk/caret-in-view", test_caret_in_view);
  g_test_add_func ("/kiosk/consent-keeps-its-text", test_consent_keeps_its_text);
  g_test_add_func ("/kiosk/consent-types-name", test_consent_types_name);
  g_test_add_func ("/kiosk/a11y-bar-changes-the-screen", test_a11y_bar_changes_the_screen);
  g_test_add_func ("/kiosk/speech-announces-screens", test_speech_announces_screens);
  g_test_add_func ("/kiosk/admin-pin-leaves", test_admin_pin_leaves);
  return okn_test_kiosk_run (&kiosk);
}
