/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record-view.h: one record, its history, reprint, correct, cancel */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_RECORD_VIEW (okn_record_view_get_type ())

G_DECLARE_FINAL_TYPE (OknRecordView, okn_record_view, OKN, RECORD_VIEW, GtkBox)

void             okn_record_view_set_context (OknRecordView *self,
                                              OknContext    *context);
gboolean         okn_record_view_show_ticket     (OknRecordView *self,
                                                  const char    *ticket,
                                                  GError       **error);
const OknRecord *okn_record_view_get_record      (OknRecordView *self);
gboolean         okn_record_view_is_busy         (OknRecordView *self);
void             okn_record_view_reload          (OknRecordView *self);
void             okn_record_view_focus           (OknRecordView *self);

G_END_DECLS
