/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-report-form.h: registering (or correcting) a walk-in report */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_REPORT_FORM (okn_report_form_get_type ())

G_DECLARE_FINAL_TYPE (OknReportForm, okn_report_form, OKN, REPORT_FORM, GtkBox)

void      okn_report_form_set_context (OknReportForm *self,
                                       OknContext    *context);
void      okn_report_form_reset           (OknReportForm *self);
gboolean  okn_report_form_save            (OknReportForm *self);
void      okn_report_form_edit_record     (OknReportForm   *self,
                                           const OknRecord *record);
OknFormSession *okn_report_form_get_session (OknReportForm *self);
gboolean  okn_report_form_select_category (OknReportForm *self,
                                           const char    *code);
void      okn_report_form_add_file        (OknReportForm *self,
                                           const char    *path);
gboolean  okn_report_form_is_reading      (OknReportForm *self);
GtkWidget *okn_report_form_get_files_error (OknReportForm *self);
void      okn_report_form_reload_catalogue (OknReportForm *self);
GtkWidget *okn_report_form_get_catalogue_hint (OknReportForm *self);
void      okn_report_form_focus_first     (OknReportForm *self);
GtkWidget *okn_report_form_get_attribute_widget (OknReportForm *self,
                                                 const char    *code);
GtkWidget *okn_report_form_get_attribute_error  (OknReportForm *self,
                                                 const char    *code);
GtkWidget *okn_report_form_get_kept_answer      (OknReportForm *self,
                                                 const char    *code);

G_END_DECLS
