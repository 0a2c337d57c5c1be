/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-application.h: the clerk desk application */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_APPLICATION (okn_application_get_type ())

G_DECLARE_FINAL_TYPE (OknApplication, okn_application, OKN, APPLICATION, GtkApplication)

void            okn_application_setup_i18n     (void);
OknApplication *okn_application_new            (void);
OknContext     *okn_application_get_context    (OknApplication *self);
OknStore       *okn_application_get_store      (OknApplication *self);
OknConfig      *okn_application_get_config     (OknApplication *self);
const char     *okn_application_get_operator   (OknApplication *self);
gboolean        okn_application_reload_config  (OknApplication *self,
                                                GError        **error);
const char     *okn_application_get_config_error (OknApplication *self);
GtkWidget      *okn_application_get_clerk_window (OknApplication *self);
void            okn_application_set_kiosk        (OknApplication *self,
                                                  gboolean        kiosk);
GtkWidget      *okn_application_get_kiosk_window (OknApplication *self);

G_END_DECLS
