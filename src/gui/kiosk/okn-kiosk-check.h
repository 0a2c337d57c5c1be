/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-check.h: a resident checks a ticket: scanned or typed */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

typedef struct _OknKioskWindow OknKioskWindow;

#define OKN_TYPE_KIOSK_CHECK (okn_kiosk_check_get_type ())
G_DECLARE_FINAL_TYPE (OknKioskCheck, okn_kiosk_check, OKN, KIOSK_CHECK, GObject)

OknKioskCheck *okn_kiosk_check_new      (OknKioskWindow *window,
                                         OknContext     *context);
void           okn_kiosk_check_begin    (OknKioskCheck  *self);
void           okn_kiosk_check_scanned  (OknKioskCheck  *self,
                                         const char     *payload);
void           okn_kiosk_check_wipe     (OknKioskCheck  *self);

G_END_DECLS
