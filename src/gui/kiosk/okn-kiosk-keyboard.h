/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-keyboard.h: the kiosk's on-screen keyboard
 *
 * Debian 12's cage has no virtual-keyboard protocol, so the kiosk types
 * with its own buttons: they insert at the cursor of the window's focused
 * (or last focused) GtkEntry or GtkTextView and never take the focus from
 * it. Contract: docs/internals/kiosk-a11y.md
 */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_KIOSK_KEYBOARD (okn_kiosk_keyboard_get_type ())

G_DECLARE_FINAL_TYPE (OknKioskKeyboard, okn_kiosk_keyboard, OKN, KIOSK_KEYBOARD, GtkBox)

/* Every key is at least this wide and high (about 9 mm on a kiosk). */
#define OKN_KIOSK_MIN_TARGET_PX 48

GtkWidget   *okn_kiosk_keyboard_new          (void);
void         okn_kiosk_keyboard_set_language (OknKioskKeyboard *self,
                                              OknLanguage       lang);
void         okn_kiosk_keyboard_set_layout   (OknKioskKeyboard *self,
                                              OknLanguage       layout);
OknLanguage  okn_kiosk_keyboard_get_layout   (OknKioskKeyboard *self);
gboolean     okn_kiosk_keyboard_get_shift    (OknKioskKeyboard *self);
GtkWidget   *okn_kiosk_keyboard_get_key      (OknKioskKeyboard *self,
                                              const char       *text);
GtkWidget   *okn_kiosk_keyboard_get_target   (OknKioskKeyboard *self);

G_END_DECLS
