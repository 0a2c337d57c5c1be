/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-speech.h: the kiosk's speech output
 *
 * What a screen says on entry and what a focused control is called, read
 * aloud in the resident's language by libespeak-ng (or speech-dispatcher,
 * for a city that installed a better voice). All synthesis runs in a worker
 * thread: no call here blocks its caller. GIO only, never GTK.
 * Contract: docs/internals/speech.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-labels.h"

G_BEGIN_DECLS

#define OKN_SPEECH_ERROR (okn_speech_error_quark ())

typedef enum
{
  OKN_SPEECH_ERROR_ENGINE,    /* the engine cannot start or speak */
  OKN_SPEECH_ERROR_LANGUAGE,  /* no voice, or the configuration does not allow it */
  OKN_SPEECH_ERROR_STOPPED,   /* stopped before it was said to the end */
} OknSpeechError;

typedef enum
{
  OKN_SPEECH_ENGINE_ESPEAK_NG,
  OKN_SPEECH_ENGINE_SPEECH_DISPATCHER,
} OknSpeechEngine;

/* One utterance synthesised to memory: signed 16-bit mono samples. */
typedef struct
{
  GBytes *samples;
  guint sample_rate;
  OknLanguage language;
  char *voice_name;       /* the engine's voice, "Polish" */
  char *voice_language;   /* the voice's language, "pl", "en-gb" */
  char *text;             /* what was said */
} OknSpeechAudio;

/* Where speech goes instead of the sound card (a test, a recorder):
 * called on the thread-default main context of the OknSpeech's creator. */
typedef void (*OknSpeechSinkFunc) (const OknSpeechAudio *audio,
                                   gpointer              data);

#define OKN_TYPE_SPEECH (okn_speech_get_type ())

G_DECLARE_FINAL_TYPE (OknSpeech, okn_speech, OKN, SPEECH, GObject)

GQuark           okn_speech_error_quark         (void);

OknSpeech       *okn_speech_new                 (OknConfig   *config);
OknSpeechEngine  okn_speech_get_engine          (OknSpeech   *self);
gboolean         okn_speech_allows_language     (OknSpeech   *self,
                                                 OknLanguage  lang);
gboolean         okn_speech_get_enabled         (OknSpeech   *self);
void             okn_speech_set_enabled         (OknSpeech   *self,
                                                 gboolean     enabled);
void             okn_speech_set_sink            (OknSpeech         *self,
                                                 OknSpeechSinkFunc  sink,
                                                 gpointer           data,
                                                 GDestroyNotify     destroy);

gboolean         okn_speech_say                 (OknSpeech   *self,
                                                 OknLanguage  lang,
                                                 const char  *text);
gboolean         okn_speech_say_characters      (OknSpeech   *self,
                                                 OknLanguage  lang,
                                                 const char  *text);
void             okn_speech_stop                (OknSpeech   *self);
gboolean         okn_speech_repeat              (OknSpeech   *self);
char            *okn_speech_spell               (const char  *text);

void             okn_speech_synthesize_async    (OknSpeech           *self,
                                                 OknLanguage          lang,
                                                 const char          *text,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
OknSpeechAudio  *okn_speech_synthesize_finish   (OknSpeech     *self,
                                                 GAsyncResult  *result,
                                                 GError       **error);

void             okn_speech_audio_free          (OknSpeechAudio *audio);
double           okn_speech_audio_rms           (const OknSpeechAudio *audio);
double           okn_speech_audio_seconds       (const OknSpeechAudio *audio);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknSpeechAudio, okn_speech_audio_free)

G_END_DECLS
