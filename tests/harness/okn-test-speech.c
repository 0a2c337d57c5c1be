/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-speech.c: a synthesis the speech tests ask for and wait on
 * (okn-test-speech.h) */
#define G_LOG_DOMAIN "okn-test-speech"

#include "config.h"

#include "okn-test-speech.h"

static void
synthesized (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  OknTestSynthesis *synthesis = data;

  synthesis->audio = okn_speech_synthesize_finish (OKN_SPEECH (source), res, &synthesis->error);
  synthesis->done = TRUE;
}

/**
 * okn_test_synthesize_async:
 * @synthesis: (out caller-allocates): zeroed; filled in when the answer comes
 *
 * okn_speech_synthesize_async() with the answer kept in @synthesis: the
 * main loop brings it (okn_test_synthesis_done() says when).
 */
void
okn_test_synthesize_async (OknSpeech        *speech,
                           OknLanguage       lang,
                           const char       *text,
                           OknTestSynthesis *synthesis)
{
  okn_speech_synthesize_async (speech, lang, text, NULL, synthesized, synthesis);
}

/**
 * okn_test_synthesis_done:
 * @synthesis: an #OknTestSynthesis
 *
 * Whether its answer came: a condition for okn_test_ui_wait_for().
 */
gboolean
okn_test_synthesis_done (gpointer synthesis)
{
  return ((OknTestSynthesis *) synthesis)->done;
}

/**
 * okn_test_synthesis_clear:
 *
 * Frees what the answer brought; @synthesis can be asked for again.
 */
void
okn_test_synthesis_clear (OknTestSynthesis *synthesis)
{
  g_clear_pointer (&synthesis->audio, okn_speech_audio_free);
  g_clear_error (&synthesis->error);
  synthesis->done = FALSE;
}

/**
 * okn_test_speech_heard:
 * @heard: (element-type utf8): what a speech sink appends to
 *
 * Turns the main loop until @heard holds @n texts, a minute at most; it
 * does not block in the loop, so a sink called from another thread is
 * seen as well.
 *
 * Returns: whether @n were heard
 */
gboolean
okn_test_speech_heard (GPtrArray *heard,
                       guint      n)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (heard->len < n && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return heard->len >= n;
}
