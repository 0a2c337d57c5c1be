/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-clerk-window.h: the desk's main window */
#pragma once

#include <gtk/gtk.h>

#include "okn-application.h"
#include "okn-letter-form.h"
#include "okn-record-view.h"
#include "okn-register-page.h"
#include "okn-report-form.h"
#include "okn-search-page.h"
#include "okn-ticket-screen.h"

G_BEGIN_DECLS

#define OKN_TYPE_CLERK_WINDOW (okn_clerk_window_get_type ())

G_DECLARE_FINAL_TYPE (OknClerkWindow, okn_clerk_window, OKN, CLERK_WINDOW, GtkApplicationWindow)

OknClerkWindow  *okn_clerk_window_new               (OknApplication *app);
gboolean         okn_clerk_window_open_ticket       (OknClerkWindow *self,
                                                     const char     *text);
void             okn_clerk_window_open_scan_file    (OknClerkWindow *self,
                                                     const char     *path);
void             okn_clerk_window_show_page         (OknClerkWindow *self,
                                                     const char     *name);
const char      *okn_clerk_window_get_page          (OknClerkWindow *self);
const char      *okn_clerk_window_get_status        (OknClerkWindow *self);
gboolean         okn_clerk_window_has_draft_offer   (OknClerkWindow *self);
const char      *okn_clerk_window_get_draft_text    (OknClerkWindow *self);
void             okn_clerk_window_answer_draft      (OknClerkWindow *self,
                                                     gboolean        restore);
void             okn_clerk_window_update_sync       (OknClerkWindow *self);
void             okn_clerk_window_sync_now          (OknClerkWindow *self);
gboolean         okn_clerk_window_is_syncing        (OknClerkWindow *self);
const char      *okn_clerk_window_get_sync_text     (OknClerkWindow *self);
char            *okn_clerk_window_get_sync_tooltip  (OknClerkWindow *self);
gboolean         okn_clerk_window_can_close         (OknClerkWindow *self);
void             okn_clerk_window_reload_config     (OknClerkWindow *self);
OknLetterForm   *okn_clerk_window_get_letter_form   (OknClerkWindow *self);
OknReportForm   *okn_clerk_window_get_report_form   (OknClerkWindow *self);
OknSearchPage   *okn_clerk_window_get_search_page   (OknClerkWindow *self);
OknRegisterPage *okn_clerk_window_get_register_page (OknClerkWindow *self);
OknRecordView   *okn_clerk_window_get_record_view   (OknClerkWindow *self);
OknTicketScreen *okn_clerk_window_get_ticket_screen (OknClerkWindow *self);
const char      *okn_clerk_window_get_shown_ticket  (OknClerkWindow *self);

G_END_DECLS
