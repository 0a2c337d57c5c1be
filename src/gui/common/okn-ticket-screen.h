/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-screen.h: the ticket on screen, for the resident to read or
 * photograph: the ID in very large type, the verification code, the QR
 * code, what printing did, and what the clerk must pass on */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_TICKET_SCREEN (okn_ticket_screen_get_type ())
G_DECLARE_FINAL_TYPE (OknTicketScreen, okn_ticket_screen, OKN, TICKET_SCREEN, GtkBox)

GtkWidget  *okn_ticket_screen_new           (void);
void        okn_ticket_screen_show_ticket   (OknTicketScreen        *self,
                                             const OknTicketContent *content);
void        okn_ticket_screen_set_note      (OknTicketScreen *self,
                                             const char      *note);
const char *okn_ticket_screen_get_note      (OknTicketScreen *self);
void        okn_ticket_screen_set_printing  (OknTicketScreen *self);
void        okn_ticket_screen_set_printed   (OknTicketScreen *self,
                                             const char      *printed,
                                             const GError    *print_error);
void        okn_ticket_screen_set_warnings  (OknTicketScreen *self,
                                             OknKind          kind,
                                             GPtrArray       *warnings);
const char *okn_ticket_screen_get_warning   (OknTicketScreen *self);
const char *okn_ticket_screen_get_ticket    (OknTicketScreen *self);
const char *okn_ticket_screen_get_code      (OknTicketScreen *self);
const char *okn_ticket_screen_get_outcome   (OknTicketScreen *self);
gboolean    okn_ticket_screen_print_failed  (OknTicketScreen *self);
GtkWidget  *okn_ticket_screen_get_qr        (OknTicketScreen *self);
GtkWidget  *okn_ticket_screen_get_ticket_label (OknTicketScreen *self);
GtkWidget  *okn_ticket_screen_get_print_again (OknTicketScreen *self);

G_END_DECLS
