/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-voice.h: the kiosk window read aloud
 *
 * Ties an OknSpeech to a window: a screen's announcement on entry, the
 * focused control's name on focus, silence the moment the resident
 * touches the screen or presses a key, and a keypad's keys for speech on
 * or off and repeat. The language is the window's "language" property.
 * Contract: docs/internals/kiosk-a11y.md
 */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

/* A numeric keypad plugged into the kiosk: '*' turns speech on or off,
 * '/' repeats, as the keypad's tactile legend says. */
#define OKN_KIOSK_VOICE_KEY_TOGGLE GDK_KEY_KP_Multiply
#define OKN_KIOSK_VOICE_KEY_REPEAT GDK_KEY_KP_Divide

#define OKN_TYPE_KIOSK_VOICE (okn_kiosk_voice_get_type ())

G_DECLARE_FINAL_TYPE (OknKioskVoice, okn_kiosk_voice, OKN, KIOSK_VOICE, GObject)

OknKioskVoice *okn_kiosk_voice_new             (OknSpeech     *speech);
OknSpeech     *okn_kiosk_voice_get_speech      (OknKioskVoice *self);
void           okn_kiosk_voice_attach          (OknKioskVoice *self,
                                                GtkWindow     *window);
OknLanguage    okn_kiosk_voice_get_language    (OknKioskVoice *self);
void           okn_kiosk_voice_announce        (OknKioskVoice *self,
                                                const char    *text);
void           okn_kiosk_voice_announce_screen (OknKioskVoice *self,
                                                GtkWidget     *screen);
void           okn_kiosk_voice_toggle          (OknKioskVoice *self);
char          *okn_kiosk_voice_describe        (GtkWidget     *widget,
                                                OknLanguage    lang);

G_END_DECLS
