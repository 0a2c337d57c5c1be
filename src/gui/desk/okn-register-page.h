/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-register-page.h: the daily register of incoming letters */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"
#include "okn-desk-tasks.h"

G_BEGIN_DECLS

#define OKN_TYPE_REGISTER_PAGE (okn_register_page_get_type ())

G_DECLARE_FINAL_TYPE (OknRegisterPage, okn_register_page, OKN, REGISTER_PAGE, GtkBox)

void   okn_register_page_set_context (OknRegisterPage *self,
                                      OknContext      *context);
void   okn_register_page_refresh         (OknRegisterPage *self);
guint  okn_register_page_get_n_letters   (OknRegisterPage *self);
void      okn_register_page_focus         (OknRegisterPage *self);
void   okn_register_page_export          (OknRegisterPage *self,
                                          OknExportFormat  format,
                                          const char      *path);
gboolean okn_register_page_is_busy       (OknRegisterPage *self);

G_END_DECLS
