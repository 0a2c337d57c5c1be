/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-a11y-bar.h: speech, contrast and text size, on every kiosk screen
 *
 * Four big buttons the kiosk window puts in its top bar: speech on or off
 * (first in the focus order, so a keypad's first Tab reaches it), the
 * next contrast theme, smaller and larger text. Contract:
 * docs/internals/kiosk-a11y.md
 */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"
#include "okn-kiosk-voice.h"

G_BEGIN_DECLS

#define OKN_TYPE_KIOSK_A11Y_BAR (okn_kiosk_a11y_bar_get_type ())

G_DECLARE_FINAL_TYPE (OknKioskA11yBar, okn_kiosk_a11y_bar, OKN, KIOSK_A11Y_BAR, GtkBox)

GtkWidget *okn_kiosk_a11y_bar_new          (OknKioskVoice   *voice);
void       okn_kiosk_a11y_bar_set_language (OknKioskA11yBar *self,
                                            OknLanguage      lang);
GtkWidget *okn_kiosk_a11y_bar_get_button   (OknKioskA11yBar *self,
                                            const char      *which);

G_END_DECLS
