/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-speech.c: the kiosk's speech, synthesised by the real libespeak-ng
 * into memory
 *
 * What a blind resident depends on: every announcement is heard (the
 * audio is not silence), in the voice of the screen's language, Ukrainian
 * only where the city allowed it; speech is off until asked for, stops
 * when the resident acts, repeats, and spells a ticket ID.
 */
#define G_LOG_DOMAIN "test-speech"

#include "config.h"

#include <glib/gstdio.h>

#include "okn-test-common.h"
#include "okn-test-speech.h"

/* Quiet room noise is below 100; espeak's speech is in the thousands. */
#define AUDIBLE_RMS 500.0

/* What the kiosk's screens say on entry, as the kiosk's screens word them:
 * a sentence or two per screen, in each language. */
static const struct
{
  OknLanguage lang;
  const char *text;
} announcements[] = {
  { OKN_LANGUAGE_PL, "Zgłoś problem albo sprawdź swój kwit. Wybierz język: polski, angielski, ukraiński." },
  { OKN_LANGUAGE_PL, "Gdzie jest problem? Podaj ulicę i numer albo pomiń ten krok." },
  { OKN_LANGUAGE_EN, "Report a problem or check your ticket. Choose a language." },
  { OKN_LANGUAGE_EN, "Where is the problem? Enter the street and number, or skip this step." },
  { OKN_LANGUAGE_UK, "Повідомте про проблему або перевірте свою квитанцію." },
};

static void
wait_until (gboolean *flag)
{
  while (!*flag)
    g_main_context_iteration (NULL, TRUE);
}

static OknSpeechAudio *
synthesize (OknSpeech   *speech,
            OknLanguage  lang,
            const char  *text,
            GError     **error)
{
  OknTestSynthesis r = { 0 };

  okn_test_synthesize_async (speech, lang, text, &r);
  /* The call only queued: the answer comes through the main loop. */
  g_assert_false (r.done);
  wait_until (&r.done);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.audio;
}

static OknConfig *
config_with (const char *key,
             const char *value)
{
  OknConfig *config = okn_config_new ("/nonexistent/okienko.conf");
  g_autoptr (GError) error = NULL;

  g_assert_true (okn_config_set (config, key, value, &error));
  g_assert_no_error (error);
  return config;
}

static void
test_announcements_audible_in_language (void)
{
  g_autoptr (OknConfig) config = config_with ("kiosk.speech_languages", "pl,en,uk");
  g_autoptr (OknSpeech) speech = okn_speech_new (config);

  for (gsize i = 0; i < G_N_ELEMENTS (announcements); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (OknSpeechAudio) audio = synthesize (speech, announcements[i].lang, announcements[i].text, &error);
      const char *code = okn_language_to_string (announcements[i].lang);

      g_assert_no_error (error);
      g_test_message ("%s: %.1f s, RMS %.0f, voice %s (%s)", code, okn_speech_audio_seconds (audio),
                      okn_speech_audio_rms (audio), audio->voice_name, audio->voice_language);
      g_assert_cmpfloat (okn_speech_audio_seconds (audio), >, 1.0);
      g_assert_cmpfloat (okn_speech_audio_rms (audio), >, AUDIBLE_RMS);
      /* The voice is the screen's language, not a fallback. */
      g_assert_true (g_str_has_prefix (audio->voice_language, code));
      g_assert_cmpint (audio->language, ==, announcements[i].lang);
    }
}

static void
test_ukrainian_only_where_allowed (void)
{
  g_autoptr (OknSpeech) speech = okn_speech_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknSpeechAudio) audio = NULL;

  g_assert_true (okn_speech_allows_language (speech, OKN_LANGUAGE_PL));
  g_assert_true (okn_speech_allows_language (speech, OKN_LANGUAGE_EN));
  g_assert_false (okn_speech_allows_language (speech, OKN_LANGUAGE_UK));
  audio = synthesize (speech, OKN_LANGUAGE_UK, "Київ", &error);
  g_assert_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_LANGUAGE);
  g_assert_null (audio);

  okn_speech_set_enabled (speech, TRUE);
  g_assert_false (okn_speech_say (speech, OKN_LANGUAGE_UK, "Київ"));
}

static void
test_engine_from_config (void)
{
  g_autoptr (OknConfig) config = config_with ("kiosk.speech_engine", "speech-dispatcher");
  g_autoptr (OknSpeech) speech = okn_speech_new (config);
  g_autoptr (OknSpeech) default_speech = okn_speech_new (NULL);
  g_autoptr (OknConfig) bad = okn_config_new ("/nonexistent/okienko.conf");
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (okn_speech_get_engine (speech), ==, OKN_SPEECH_ENGINE_SPEECH_DISPATCHER);
  g_assert_cmpint (okn_speech_get_engine (default_speech), ==, OKN_SPEECH_ENGINE_ESPEAK_NG);
  g_assert_false (okn_config_set (bad, "kiosk.speech_engine", "festival", &error));
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (okn_config_set (bad, "kiosk.speech_languages", "pl,de", &error));
  g_assert_error (error, OKN_CONFIG_ERROR, OKN_CONFIG_ERROR_INVALID_VALUE);
}

/* Speech mode through a sink: what would reach the loudspeaker. */
typedef struct
{
  GPtrArray *heard;   /* of OknSpeechAudio's texts */
  GPtrArray *voices;
} Heard;

static void
sink (const OknSpeechAudio *audio,
      gpointer              data)
{
  Heard *h = data;

  g_assert_cmpfloat (okn_speech_audio_rms (audio), >, AUDIBLE_RMS);
  g_ptr_array_add (h->heard, g_strdup (audio->text));
  g_ptr_array_add (h->voices, g_strdup (audio->voice_language));
}

static void
test_off_by_default_repeat_and_spell (void)
{
  g_autoptr (OknSpeech) speech = okn_speech_new (NULL);
  Heard h = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  OknTestSynthesis r = { 0 };

  okn_speech_set_sink (speech, sink, &h, NULL);
  /* Off until the resident asks: nothing is said. */
  g_assert_false (okn_speech_get_enabled (speech));
  g_assert_false (okn_speech_say (speech, OKN_LANGUAGE_PL, "Wybierz kategorię."));
  g_assert_false (okn_speech_repeat (speech));

  okn_speech_set_enabled (speech, TRUE);
  g_assert_true (okn_speech_say (speech, OKN_LANGUAGE_EN, "Choose a category."));
  g_assert_true (okn_test_speech_heard (h.heard, 1));
  g_assert_cmpstr (h.heard->pdata[0], ==, "Choose a category.");
  g_assert_true (g_str_has_prefix (h.voices->pdata[0], "en"));

  g_assert_true (okn_speech_repeat (speech));
  g_assert_true (okn_test_speech_heard (h.heard, 2));
  g_assert_cmpstr (h.heard->pdata[1], ==, "Choose a category.");

  /* A ticket ID one character at a time, the groups apart. */
  g_assert_true (okn_speech_say_characters (speech, OKN_LANGUAGE_PL, "K03-26-004217-Q"));
  g_assert_true (okn_test_speech_heard (h.heard, 3));
  g_assert_cmpstr (h.heard->pdata[2], ==, "K, 0, 3. 2, 6. 0, 0, 4, 2, 1, 7. Q");
  g_assert_true (g_str_has_prefix (h.voices->pdata[2], "pl"));

  /* Off: nothing more is said. A synthesis still answers, so the sink
   * would have had time to receive a stray utterance. */
  okn_speech_set_enabled (speech, FALSE);
  g_assert_false (okn_speech_say (speech, OKN_LANGUAGE_PL, "Dziękujemy."));
  okn_test_synthesize_async (speech, OKN_LANGUAGE_PL, "Dziękujemy.", &r);
  wait_until (&r.done);
  g_assert_no_error (r.error);
  okn_test_synthesis_clear (&r);
  g_assert_cmpuint (h.heard->len, ==, 3);

  okn_speech_set_sink (speech, NULL, NULL, NULL);
  g_ptr_array_unref (h.heard);
  g_ptr_array_unref (h.voices);
}

/* The resident acts: a long reading stops and is never heard. */
static void
test_stop_when_resident_acts (void)
{
  g_autoptr (OknSpeech) speech = okn_speech_new (NULL);
  g_autoptr (GString) long_text = g_string_new (NULL);
  Heard h = { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new_with_free_func (g_free) };
  OknTestSynthesis r = { 0 };

  for (int i = 0; i < 200; i++)
    g_string_append (long_text, "Proszę wybrać kategorię zgłoszenia z listy na ekranie. ");
  okn_speech_set_sink (speech, sink, &h, NULL);
  okn_speech_set_enabled (speech, TRUE);

  okn_test_synthesize_async (speech, OKN_LANGUAGE_PL, long_text->str, &r);
  g_assert_true (okn_speech_say (speech, OKN_LANGUAGE_PL, long_text->str));
  okn_speech_stop (speech);
  /* What is said after the stop is heard; what was stopped is not. */
  g_assert_true (okn_speech_say (speech, OKN_LANGUAGE_PL, "Wybrano: dziura w jezdni."));
  wait_until (&r.done);
  g_assert_error (r.error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED);
  g_assert_null (r.audio);
  okn_test_synthesis_clear (&r);
  g_assert_true (okn_test_speech_heard (h.heard, 1));
  g_assert_cmpstr (h.heard->pdata[0], ==, "Wybrano: dziura w jezdni.");

  okn_speech_set_sink (speech, NULL, NULL, NULL);
  g_ptr_array_unref (h.heard);
  g_ptr_array_unref (h.voices);
}

static void
test_spell (void)
{
  g_autofree char *a = okn_speech_spell ("K03-26-004217-Q");
  g_autofree char *b = okn_speech_spell ("7KQ 2MX");

  g_assert_cmpstr (a, ==, "K, 0, 3. 2, 6. 0, 0, 4, 2, 1, 7. Q");
  g_assert_cmpstr (b, ==, "7, K, Q. 2, M, X");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/speech/announcements-audible-in-language", test_announcements_audible_in_language);
  g_test_add_func ("/speech/ukrainian-only-where-allowed", test_ukrainian_only_where_allowed);
  g_test_add_func ("/speech/engine-from-config", test_engine_from_config);
  g_test_add_func ("/speech/off-by-default-repeat-and-spell", test_off_by_default_repeat_and_spell);
  g_test_add_func ("/speech/stop-when-resident-acts", test_stop_when_resident_acts);
  g_test_add_func ("/speech/spell", test_spell);
  return g_test_run ();
}
