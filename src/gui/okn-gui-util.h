/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-gui-util.h: small helpers the desk's views share */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

void        okn_gui_name_accessibles  (GtkWidget *root);
void        okn_gui_set_accessible    (GtkWidget  *widget,
                                       const char *name);
char       *okn_gui_entry_dup         (GtkEntry *entry);
char       *okn_gui_text_view_dup     (GtkTextView *view);
void        okn_gui_text_view_set     (GtkTextView *view,
                                       const char  *text);
void        okn_gui_show_error        (GtkWidget  *error_label,
                                       const char *message);
void        okn_gui_clear_error       (GtkWidget *error_label);
const char *okn_gui_sync_state_label  (OknSyncState state);
const char *okn_gui_kind_label        (OknKind kind);
const char *okn_gui_channel_label     (OknChannel channel);
GtkWidget  *okn_gui_focus_error       (GtkWidget *field);
void        okn_gui_describe_by       (GtkWidget *field,
                                       GtkWidget *error_label);

G_END_DECLS
