/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-screen.h: one screen of the resident kiosk
 *
 * Every kiosk screen is an OknKioskScreen: a title, a body the screen's
 * owner fills, and the words of both in the resident's language. The
 * words are English msgids looked up per language (okn_labels_gettext),
 * never through the process locale, so that a language switch relabels
 * the screen at once. "announcement" is what speech reads on entry, in
 * the current language (the contract with src/core/speech).
 */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_KIOSK_SCREEN (okn_kiosk_screen_get_type ())
G_DECLARE_DERIVABLE_TYPE (OknKioskScreen, okn_kiosk_screen, OKN, KIOSK_SCREEN, GtkBox)

struct _OknKioskScreenClass
{
  GtkBoxClass parent_class;

  /* ::relabel: the screen's own words that are not fixed msgids (a
   * summary, an answer): set them in the screen's language. */
  void (*relabel) (OknKioskScreen *self);
};

/* When the window's on-screen keyboard shows under a screen. */
typedef enum
{
  OKN_KIOSK_KEYBOARD_AUTO,      /* whenever the screen has a field; the cursor starts in the first */
  OKN_KIOSK_KEYBOARD_ON_FOCUS,  /* only while one of its fields has the focus (a search beside tiles) */
  OKN_KIOSK_KEYBOARD_NEVER,     /* the screen has keys of its own (the PIN's digits) */
} OknKioskKeyboardMode;

/* Touch targets: at least 48 px, here larger (a finger, a shaking hand). */
#define OKN_KIOSK_TARGET_PX 64

OknKioskScreen *okn_kiosk_screen_new              (const char     *name,
                                                   const char     *title_msgid);
const char     *okn_kiosk_screen_get_name         (OknKioskScreen *self);
GtkWidget      *okn_kiosk_screen_get_body         (OknKioskScreen *self);
GtkWidget      *okn_kiosk_screen_get_actions      (OknKioskScreen *self);
GtkWidget      *okn_kiosk_screen_get_title_label  (OknKioskScreen *self);
void            okn_kiosk_screen_set_language     (OknKioskScreen *self,
                                                   OknLanguage     lang);
OknLanguage     okn_kiosk_screen_get_language     (OknKioskScreen *self);
const char     *okn_kiosk_screen_tr               (OknKioskScreen *self,
                                                   const char     *msgid);
const char     *okn_kiosk_screen_get_announcement (OknKioskScreen *self);
void            okn_kiosk_screen_set_announcement (OknKioskScreen *self,
                                                   const char     *text);
void            okn_kiosk_screen_translate        (OknKioskScreen *self,
                                                   GtkWidget      *widget,
                                                   const char     *msgid);
void            okn_kiosk_screen_translate_title  (OknKioskScreen *self,
                                                   const char     *msgid);
void            okn_kiosk_screen_relabel          (OknKioskScreen *self);
void            okn_kiosk_screen_set_keyboard_mode (OknKioskScreen       *self,
                                                    OknKioskKeyboardMode  mode);
OknKioskKeyboardMode okn_kiosk_screen_get_keyboard_mode (OknKioskScreen *self);

GtkWidget      *okn_kiosk_button_new              (const char *icon_name,
                                                   const char *style_class);
GtkWidget      *okn_kiosk_label_new               (const char *style_class);
GtkWidget      *okn_kiosk_summary_new             (void);
void            okn_kiosk_summary_add             (GtkWidget  *summary,
                                                   const char *name,
                                                   const char *key,
                                                   const char *value);
void            okn_kiosk_summary_clear           (GtkWidget  *summary);
void            okn_kiosk_set_text                (GtkWidget  *widget,
                                                   const char *text);
void            okn_kiosk_set_context             (GtkWidget  *control,
                                                   GtkWidget  *text);
GtkWidget      *okn_kiosk_get_context             (GtkWidget  *control);

G_END_DECLS
