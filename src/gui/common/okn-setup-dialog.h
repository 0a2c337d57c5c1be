/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setup-dialog.h: first start on a new machine: station code, office */
#pragma once

#include <gtk/gtk.h>

#include "okn-application.h"

G_BEGIN_DECLS

#define OKN_TYPE_SETUP_DIALOG (okn_setup_dialog_get_type ())

G_DECLARE_FINAL_TYPE (OknSetupDialog, okn_setup_dialog, OKN, SETUP_DIALOG, GtkDialog)

OknSetupDialog *okn_setup_dialog_new    (OknApplication *app);
gboolean        okn_setup_dialog_apply  (OknSetupDialog *self);

G_END_DECLS
