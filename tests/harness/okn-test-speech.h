/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-speech.h: a synthesis the speech tests ask for and wait on */
#pragma once

#include "okienko/okienko.h"

G_BEGIN_DECLS

/* A synthesis under way; @done once its answer (@audio or @error) came. */
typedef struct
{
  OknSpeechAudio *audio;
  GError *error;
  gboolean done;
} OknTestSynthesis;

void      okn_test_synthesize_async  (OknSpeech        *speech,
                                      OknLanguage       lang,
                                      const char       *text,
                                      OknTestSynthesis *synthesis);
gboolean  okn_test_synthesis_done    (gpointer          synthesis);
void      okn_test_synthesis_clear   (OknTestSynthesis *synthesis);
gboolean  okn_test_speech_heard      (GPtrArray        *heard,
                                      guint             n);

G_END_DECLS
