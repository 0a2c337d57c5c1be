/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-letter-form.h: registering (or correcting) a paper letter */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_LETTER_FORM (okn_letter_form_get_type ())

G_DECLARE_FINAL_TYPE (OknLetterForm, okn_letter_form, OKN, LETTER_FORM, GtkBox)

void      okn_letter_form_set_context (OknLetterForm *self,
                                       OknContext    *context);
void      okn_letter_form_reset           (OknLetterForm *self);
gboolean  okn_letter_form_save            (OknLetterForm *self);
void      okn_letter_form_edit_record     (OknLetterForm   *self,
                                           const OknRecord *record);
OknFormSession *okn_letter_form_get_session (OknLetterForm *self);
void      okn_letter_form_reload_config   (OknLetterForm *self);
void      okn_letter_form_focus_first     (OknLetterForm *self);

G_END_DECLS
