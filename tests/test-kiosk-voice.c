/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-voice.c: a blind resident's kiosk: speech turned on from a
 * button and from a keypad, screens and focused controls read aloud,
 * silence the moment the resident acts
 *
 * The speech is the real libespeak-ng, synthesised into a sink instead of
 * the sound card; taps go through the X server of an Xvfb the test
 * starts itself.
 */
#define G_LOG_DOMAIN "test-kiosk-voice"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-speech.h"
#include "okn-test-ui.h"
#include "okn-kiosk-a11y-bar.h"
#include "okn-kiosk-voice.h"

#define WHERE "Gdzie jest problem? Podaj ulicę i numer."

typedef struct
{
  OknSpeech *speech;
  OknKioskVoice *voice;
  GtkWidget *window;
  GtkWidget *bar;
  GtkWidget *next;
  GtkWidget *words;
  GPtrArray *heard;
} Fixture;

static void
sink (const OknSpeechAudio *audio,
      gpointer              data)
{
  Fixture *f = data;

  /* Heard: real, audible speech in the window's language (Polish). */
  g_assert_cmpfloat (okn_speech_audio_rms (audio), >, 500);
  g_assert_true (g_str_has_prefix (audio->voice_language, "pl"));
  g_ptr_array_add (f->heard, g_strdup (audio->text));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->heard = g_ptr_array_new_with_free_func (g_free);
  f->speech = okn_speech_new (NULL);
  okn_speech_set_sink (f->speech, sink, f, NULL);
  f->voice = okn_kiosk_voice_new (f->speech);
  f->bar = okn_kiosk_a11y_bar_new (f->voice);
  f->next = gtk_button_new_with_label ("Dalej");
  gtk_widget_set_size_request (f->next, 200, 64);
  f->words = gtk_label_new ("Opisz problem w kilku słowach.");
  gtk_widget_set_size_request (f->words, 400, 100);
  f->window = okn_test_ui_column_window (1000, 600, 12, f->bar, f->next, f->words, NULL);
  okn_kiosk_voice_attach (f->voice, GTK_WINDOW (f->window));
  okn_test_ui_show_window (f->window);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  okn_test_ui_destroy (f->window);
  okn_speech_set_sink (f->speech, NULL, NULL, NULL);
  g_clear_object (&f->voice);
  g_clear_object (&f->speech);
  g_ptr_array_unref (f->heard);
}

/* A key of the keypad, as the X server would deliver it to the window. */
static void
keypad (Fixture *f,
        guint    keyval)
{
  GdkWindow *gdk_window = gtk_widget_get_window (f->window);
  GdkDisplay *display = gdk_window_get_display (gdk_window);
  GdkKeymapKey *keys = NULL;
  gint n_keys = 0;
  static guint32 time = 1000;

  for (int type = GDK_KEY_PRESS; type <= GDK_KEY_RELEASE; type++)
    {
      GdkEvent *ev = gdk_event_new ((GdkEventType) type);

      ev->key.window = g_object_ref (gdk_window);
      ev->key.send_event = TRUE;
      ev->key.time = time += 100;
      ev->key.keyval = keyval;
      ev->key.string = g_strdup ("");
      if (gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (display), keyval, &keys, &n_keys))
        {
          ev->key.hardware_keycode = (guint16) keys[0].keycode;
          g_free (keys);
        }
      gdk_event_set_device (ev, gdk_seat_get_keyboard (gdk_display_get_default_seat (display)));
      gtk_main_do_event (ev);
      gdk_event_free (ev);
    }
  okn_test_ui_pump ();
}

static void
test_on_from_button_and_keypad (Fixture       *f,
                                gconstpointer  data)
{
  GtkWidget *speech_button = okn_kiosk_a11y_bar_get_button (OKN_KIOSK_A11Y_BAR (f->bar), "speech");

  /* Off until asked: a screen and a focus say nothing. */
  okn_kiosk_voice_announce (f->voice, WHERE);
  gtk_widget_grab_focus (f->next);
  g_assert_false (okn_speech_get_enabled (f->speech));

  /* The button, reachable without sight (first in the bar, named). */
  okn_test_ui_tap (speech_button);
  g_assert_true (okn_speech_get_enabled (f->speech));
  g_assert_true (okn_test_speech_heard (f->heard, 1));
  g_assert_cmpstr (f->heard->pdata[0], ==, "Mowa jest włączona. " WHERE);

  /* The focused control, by its name and what it is. */
  gtk_widget_grab_focus (f->next);
  g_assert_true (okn_test_speech_heard (f->heard, 2));
  g_assert_cmpstr (f->heard->pdata[1], ==, "Dalej, przycisk");

  /* The keypad: '*' off (the button shows it), '*' on, '/' repeats. */
  keypad (f, OKN_KIOSK_VOICE_KEY_TOGGLE);
  g_assert_false (okn_speech_get_enabled (f->speech));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (speech_button)));
  keypad (f, OKN_KIOSK_VOICE_KEY_TOGGLE);
  g_assert_true (okn_speech_get_enabled (f->speech));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (speech_button)));
  g_assert_true (okn_test_speech_heard (f->heard, 3));
  g_assert_cmpstr (f->heard->pdata[2], ==, "Mowa jest włączona. " WHERE);
  keypad (f, OKN_KIOSK_VOICE_KEY_REPEAT);
  g_assert_true (okn_test_speech_heard (f->heard, 4));
  g_assert_cmpstr (f->heard->pdata[3], ==, "Mowa jest włączona. " WHERE);
}

/* A long reading is going on (a synthesis of the same generation stands
 * for it: it ends early only when speech is stopped). */
static void
start_long_reading (Fixture          *f,
                    OknTestSynthesis *r)
{
  g_autoptr (GString) long_text = g_string_new (NULL);

  for (int i = 0; i < 200; i++)
    g_string_append (long_text, "Proszę wybrać kategorię zgłoszenia z listy na ekranie. ");
  okn_kiosk_voice_announce (f->voice, long_text->str);
  okn_test_synthesize_async (f->speech, OKN_LANGUAGE_PL, long_text->str, r);
}

static gboolean
last_heard_is_next (gpointer data)
{
  Fixture *f = data;

  return f->heard->len > 0 && g_str_equal (f->heard->pdata[f->heard->len - 1], "Dalej, przycisk");
}

static void
test_silence_when_resident_acts (Fixture       *f,
                                 gconstpointer  data)
{
  OknTestSynthesis touched = { 0 }, pressed = { 0 };

  okn_speech_set_enabled (f->speech, TRUE);

  /* A touch on words, not on a control: nothing new to say, speech stops. */
  start_long_reading (f, &touched);
  okn_test_ui_touch (f->words);
  g_assert_true (okn_test_ui_wait_for (okn_test_synthesis_done, &touched));
  g_assert_error (touched.error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED);
  okn_test_synthesis_clear (&touched);

  /* A key: the same. */
  start_long_reading (f, &pressed);
  keypad (f, GDK_KEY_KP_5);
  g_assert_true (okn_test_ui_wait_for (okn_test_synthesis_done, &pressed));
  g_assert_error (pressed.error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED);
  okn_test_synthesis_clear (&pressed);

  /* A tap on a control: what is heard is the control, not the rest of
   * the reading. */
  okn_kiosk_voice_announce (f->voice, "Proszę wybrać kategorię zgłoszenia z listy na ekranie.");
  okn_test_ui_tap (f->next);
  g_assert_true (okn_test_ui_wait_for (last_heard_is_next, f));
}

/* A field is read with what it holds, but a hidden one (the
 * administrator's PIN) never: someone may stand behind the resident. */
static void
test_hidden_field_not_read (void)
{
  GtkWidget *pin = g_object_ref_sink (gtk_entry_new ());
  GtkWidget *street = g_object_ref_sink (gtk_entry_new ());
  g_autofree char *said_pin = NULL;
  g_autofree char *said_street = NULL;

  atk_object_set_name (gtk_widget_get_accessible (pin), "PIN");
  gtk_entry_set_visibility (GTK_ENTRY (pin), FALSE);
  gtk_entry_set_text (GTK_ENTRY (pin), "4821");
  atk_object_set_name (gtk_widget_get_accessible (street), "Ulica");
  gtk_entry_set_text (GTK_ENTRY (street), "Zielona 3");
  said_pin = okn_kiosk_voice_describe (pin, OKN_LANGUAGE_PL);
  said_street = okn_kiosk_voice_describe (street, OKN_LANGUAGE_PL);
  g_test_message ("said: “%s”, “%s”", said_pin, said_street);
  g_assert_nonnull (strstr (said_pin, "PIN"));
  g_assert_null (strstr (said_pin, "4821"));
  g_assert_nonnull (strstr (said_street, "Zielona 3"));
  g_object_unref (pin);
  g_object_unref (street);
}

int
main (int    argc,
      char **argv)
{
  okn_test_ui_init (&argc, &argv, "1280x1024x24");

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/kiosk-voice/on-from-button-and-keypad", test_on_from_button_and_keypad);
  ADD ("/kiosk-voice/silence-when-resident-acts", test_silence_when_resident_acts);
  g_test_add_func ("/kiosk-voice/hidden-field-not-read", test_hidden_field_not_read);
#undef ADD

  return okn_test_ui_run ();
}
