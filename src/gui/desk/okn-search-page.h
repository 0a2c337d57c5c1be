/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-search-page.h: one search box over the store, with filters */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

#define OKN_TYPE_SEARCH_PAGE (okn_search_page_get_type ())

G_DECLARE_FINAL_TYPE (OknSearchPage, okn_search_page, OKN, SEARCH_PAGE, GtkBox)

void   okn_search_page_set_context (OknSearchPage *self,
                                    OknContext    *context);
void   okn_search_page_set_query       (OknSearchPage *self,
                                        const char    *text);
void   okn_search_page_refresh         (OknSearchPage *self);
guint  okn_search_page_get_n_results   (OknSearchPage *self);
const OknRecord *okn_search_page_get_result (OknSearchPage *self,
                                             guint          index);
void   okn_search_page_focus           (OknSearchPage *self);

G_END_DECLS
