/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-window.h: the resident kiosk's one window */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"
#include "okn-kiosk-screen.h"
#include "okn-kiosk-report.h"
#include "okn-kiosk-check.h"
#include "okn-kiosk-voice.h"

G_BEGIN_DECLS

#define OKN_TYPE_KIOSK_WINDOW (okn_kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (OknKioskWindow, okn_kiosk_window, OKN, KIOSK_WINDOW, GtkWindow)

OknKioskWindow *okn_kiosk_window_new              (GtkApplication *app,
                                                   OknContext     *context);
OknLanguage     okn_kiosk_window_get_language     (OknKioskWindow *self);
void            okn_kiosk_window_set_language     (OknKioskWindow *self,
                                                   OknLanguage     lang);
OknKioskScreen *okn_kiosk_window_get_screen       (OknKioskWindow *self);
const char     *okn_kiosk_window_get_screen_name  (OknKioskWindow *self);
void            okn_kiosk_window_show_start       (OknKioskWindow *self);
void            okn_kiosk_window_start_over       (OknKioskWindow *self);
void            okn_kiosk_window_add_screen       (OknKioskWindow *self,
                                                   OknKioskScreen *screen);
void            okn_kiosk_window_show_screen      (OknKioskWindow *self,
                                                   OknKioskScreen *screen);
void            okn_kiosk_window_reveal           (OknKioskWindow *self,
                                                   GtkWidget      *message,
                                                   GtkWidget      *from);
GPtrArray      *okn_kiosk_window_list_screens     (OknKioskWindow *self);
OknInactivity  *okn_kiosk_window_get_inactivity   (OknKioskWindow *self);
OknKioskReport *okn_kiosk_window_get_report       (OknKioskWindow *self);
OknKioskCheck  *okn_kiosk_window_get_check        (OknKioskWindow *self);
gboolean        okn_kiosk_window_is_warning       (OknKioskWindow *self);
OknKioskVoice  *okn_kiosk_window_get_voice        (OknKioskWindow *self);
GtkWidget      *okn_kiosk_window_get_keyboard     (OknKioskWindow *self);
GtkWidget      *okn_kiosk_window_get_a11y_bar     (OknKioskWindow *self);

G_END_DECLS
