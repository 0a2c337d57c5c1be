/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-report.h: a resident reports a problem, one question a screen */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

typedef struct _OknKioskWindow OknKioskWindow;

#define OKN_TYPE_KIOSK_REPORT (okn_kiosk_report_get_type ())
G_DECLARE_FINAL_TYPE (OknKioskReport, okn_kiosk_report, OKN, KIOSK_REPORT, GObject)

OknKioskReport  *okn_kiosk_report_new          (OknKioskWindow *window,
                                                OknContext     *context);
void             okn_kiosk_report_begin        (OknKioskReport *self);
void             okn_kiosk_report_wipe         (OknKioskReport *self);
gboolean         okn_kiosk_report_has_input    (OknKioskReport *self);
const OknIntakeResult *okn_kiosk_report_get_result (OknKioskReport *self);
OknFormSession  *okn_kiosk_report_get_session  (OknKioskReport *self);
gboolean         okn_kiosk_report_is_waiting_on (OknKioskReport *self,
                                                 GtkWidget      *screen);
gboolean         okn_kiosk_report_is_unattended_on (OknKioskReport *self,
                                                    GtkWidget      *screen);
gboolean         okn_kiosk_report_walked_away  (OknKioskReport *self);

G_END_DECLS
