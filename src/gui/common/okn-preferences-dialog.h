/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-preferences-dialog.h: station, printing, server, office texts */
#pragma once

#include <gtk/gtk.h>

#include "okn-application.h"

G_BEGIN_DECLS

#define OKN_TYPE_PREFERENCES_DIALOG (okn_preferences_dialog_get_type ())

G_DECLARE_FINAL_TYPE (OknPreferencesDialog, okn_preferences_dialog, OKN, PREFERENCES_DIALOG, GtkDialog)

OknPreferencesDialog *okn_preferences_dialog_new   (OknApplication *app);
gboolean              okn_preferences_dialog_apply (OknPreferencesDialog *self);
GtkWidget            *okn_preferences_dialog_get_field (OknPreferencesDialog *self,
                                                        const char           *key);
char                 *okn_preferences_field_name   (const char *key);

G_END_DECLS
