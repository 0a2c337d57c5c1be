/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-keyboard.c: the kiosk's on-screen keyboard, tapped through
 * the X server of an Xvfb the test starts itself
 *
 * What a resident sees: the letters land at the cursor of the field they
 * were typing in, that field keeps the focus, a key acts when the finger
 * is lifted, and the keys are named in the resident's language.
 */
#define G_LOG_DOMAIN "test-kiosk-keyboard"

#include "config.h"

#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-ui.h"
#include "okn-kiosk-keyboard.h"

typedef struct
{
  GtkWidget *window;
  GtkWidget *entry;
  GtkWidget *other_entry;
  GtkWidget *text_view;
  OknKioskKeyboard *keyboard;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->entry = gtk_entry_new ();
  f->other_entry = gtk_entry_new ();
  f->text_view = gtk_text_view_new ();
  gtk_widget_set_size_request (f->text_view, -1, 80);
  f->keyboard = OKN_KIOSK_KEYBOARD (okn_kiosk_keyboard_new ());
  f->window = okn_test_ui_column_window (1200, 900, 6, f->entry, f->other_entry, f->text_view,
                                         GTK_WIDGET (f->keyboard), NULL);
  okn_test_ui_show_window (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  okn_test_ui_destroy (f->window);
}

static GtkWidget *
key (Fixture    *f,
     const char *text)
{
  GtkWidget *k = okn_kiosk_keyboard_get_key (f->keyboard, text);

  g_assert_nonnull (k);
  return k;
}

/* A resident's fingers: one tap per key, Shift before a capital. */
static void
tap_text (Fixture    *f,
          const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      g_autofree char *c = g_strndup (p, (gsize) (g_utf8_next_char (p) - p));
      g_autofree char *lower = g_utf8_strdown (c, -1);

      if (g_strcmp0 (c, " ") == 0)
        {
          okn_test_ui_tap (key (f, "space"));
          continue;
        }
      if (!g_str_equal (c, lower))
        {
          okn_test_ui_tap (key (f, "shift"));
          g_assert_true (okn_kiosk_keyboard_get_shift (f->keyboard));
        }
      okn_test_ui_tap (key (f, lower));
    }
}

static void
focus_entry_at (GtkWidget  *entry,
                const char *text,
                int         position)
{
  gtk_widget_grab_focus (entry);
  gtk_entry_set_text (GTK_ENTRY (entry), text);
  gtk_editable_set_position (GTK_EDITABLE (entry), position);
  okn_test_ui_pump ();
}

static void
test_types_polish_at_cursor (Fixture       *f,
                             gconstpointer  data)
{
  /* "ul. , Łódź" with the cursor after "ul. ": the name goes in between. */
  focus_entry_at (f->entry, "ul. , Łódź", 4);
  tap_text (f, "Zażółć");

  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "ul. Zażółć, Łódź");
  g_assert_cmpint (gtk_editable_get_position (GTK_EDITABLE (f->entry)), ==, 10);
  /* The taps did not take the focus from the field. */
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == f->entry);
  /* Shift was for one letter only. */
  g_assert_false (okn_kiosk_keyboard_get_shift (f->keyboard));
}

static void
test_types_ukrainian_at_cursor (Fixture       *f,
                                gconstpointer  data)
{
  focus_entry_at (f->entry, "м. , Україна", 3);
  okn_test_ui_tap (key (f, "layout-uk"));
  g_assert_cmpint (okn_kiosk_keyboard_get_layout (f->keyboard), ==, OKN_LANGUAGE_UK);
  tap_text (f, "Київ");

  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "м. Київ, Україна");
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == f->entry);

  /* The rest of ЙЦУКЕН's own letters and the apostrophe (U+02BC). */
  focus_entry_at (f->other_entry, "", 0);
  tap_text (f, "ґєіїʼ");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->other_entry)), ==, "ґєіїʼ");
}

static void
test_acts_on_release (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *a = key (f, "a");

  focus_entry_at (f->entry, "", 0);
  okn_test_ui_press (a);
  /* A finger resting on a key (or sliding off it) types nothing. */
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "");
  okn_test_ui_release (a);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "a");
}

static void
test_backspace_and_text_view (Fixture       *f,
                              gconstpointer  data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (f->text_view));
  GtkTextIter iter, start, end;
  g_autofree char *text = NULL;

  focus_entry_at (f->entry, "Łódźx", 5);
  okn_test_ui_tap (key (f, "backspace"));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "Łódź");

  gtk_widget_grab_focus (f->text_view);
  gtk_text_buffer_set_text (buffer, "Dziura  jezdni", -1);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 7);
  gtk_text_buffer_place_cursor (buffer, &iter);
  okn_test_ui_pump ();
  tap_text (f, "w");
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, "Dziura w jezdni");
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == f->text_view);
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
select_in_buffer (GtkTextBuffer *buffer,
                  int            from,
                  int            to)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start, from);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, to);
  gtk_text_buffer_select_range (buffer, &start, &end);
  okn_test_ui_pump ();
}

/* As on a physical keyboard: a letter replaces what is selected, and
 * Backspace deletes the selection and nothing more, in an entry and in a
 * text view alike. */
static void
test_selection (Fixture       *f,
                gconstpointer  data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (f->text_view));
  g_autofree char *deleted = NULL;
  g_autofree char *before = NULL;
  g_autofree char *typed = NULL;

  focus_entry_at (f->entry, "ul. Zgierska 5", 0);
  gtk_editable_select_region (GTK_EDITABLE (f->entry), 4, 12);
  tap_text (f, "Lutomierska");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "ul. Lutomierska 5");
  gtk_editable_select_region (GTK_EDITABLE (f->entry), 0, 4);
  okn_test_ui_tap (key (f, "backspace"));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "Lutomierska 5");

  gtk_widget_grab_focus (f->text_view);
  gtk_text_buffer_set_text (buffer, "Dziura w jezdni", -1);
  select_in_buffer (buffer, 6, 8);
  okn_test_ui_tap (key (f, "backspace"));
  deleted = buffer_text (buffer);
  g_assert_cmpstr (deleted, ==, "Dziura jezdni");
  /* Nothing selected any more: the letter before the cursor goes. */
  okn_test_ui_tap (key (f, "backspace"));
  before = buffer_text (buffer);
  g_assert_cmpstr (before, ==, "Dziur jezdni");
  select_in_buffer (buffer, 0, 5);
  tap_text (f, "Dziura w");
  typed = buffer_text (buffer);
  g_assert_cmpstr (typed, ==, "Dziura w jezdni");
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (f->window)) == f->text_view);
}

/* A switch or keyboard user moves the focus onto the keys themselves: the
 * letters still go to the field last typed in. */
static void
test_focus_on_keys_types_into_last_field (Fixture       *f,
                                          gconstpointer  data)
{
  focus_entry_at (f->other_entry, "", 0);
  gtk_widget_grab_focus (key (f, "k"));
  g_signal_emit_by_name (key (f, "k"), "clicked");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->other_entry)), ==, "k");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (f->entry)), ==, "");
}

static const char *
name_of (GtkWidget *widget)
{
  return atk_object_get_name (gtk_widget_get_accessible (widget));
}

static void
test_names_in_language (Fixture       *f,
                        gconstpointer  data)
{
  okn_kiosk_keyboard_set_language (f->keyboard, OKN_LANGUAGE_EN);
  g_assert_cmpstr (name_of (key (f, "backspace")), ==, "Delete the letter before the cursor");
  g_assert_cmpstr (name_of (key (f, "layout-uk")), ==, "Ukrainian keyboard");
  g_assert_cmpstr (name_of (key (f, ",")), ==, "Comma");

  okn_kiosk_keyboard_set_language (f->keyboard, OKN_LANGUAGE_PL);
  g_assert_cmpstr (name_of (key (f, "backspace")), ==, "Usuń literę przed kursorem");
  g_assert_cmpstr (name_of (key (f, "layout-uk")), ==, "Klawiatura ukraińska");

  /* Ukrainian: the names and the layout follow the resident's language. */
  g_object_set (f->keyboard, "language", "uk", NULL);
  g_assert_cmpint (okn_kiosk_keyboard_get_layout (f->keyboard), ==, OKN_LANGUAGE_UK);
  g_assert_cmpstr (name_of (key (f, "backspace")), ==, "Стерти літеру перед курсором");
  g_assert_cmpstr (name_of (key (f, "ʼ")), ==, "Апостроф");
  g_assert_nonnull (okn_kiosk_keyboard_get_key (f->keyboard, "ї"));
}

int
main (int    argc,
      char **argv)
{
  okn_test_ui_init (&argc, &argv, "1280x1024x24");

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/kiosk-keyboard/types-polish-at-cursor", test_types_polish_at_cursor);
  ADD ("/kiosk-keyboard/types-ukrainian-at-cursor", test_types_ukrainian_at_cursor);
  ADD ("/kiosk-keyboard/acts-on-release", test_acts_on_release);
  ADD ("/kiosk-keyboard/backspace-and-text-view", test_backspace_and_text_view);
  ADD ("/kiosk-keyboard/selection", test_selection);
  ADD ("/kiosk-keyboard/focus-on-keys-types-into-last-field", test_focus_on_keys_types_into_last_field);
  ADD ("/kiosk-keyboard/names-in-language", test_names_in_language);
#undef ADD

  return okn_test_ui_run ();
}
