/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-zbar.h: decode what a test printed, with zbar and poppler */
#pragma once

#include <glib.h>

#include "okienko/okn-bitmap.h"

G_BEGIN_DECLS

GPtrArray *okn_test_zbar_gray   (const guint8 *gray,
                                 guint         width,
                                 guint         height);
GPtrArray *okn_test_zbar_bitmap (const OknBitmap *bitmap);
GPtrArray *okn_test_zbar_pdf    (GBytes *pdf,
                                 double  dpi,
                                 double *page_width_mm,
                                 double *page_height_mm);
gboolean   okn_test_strv_has    (GPtrArray  *texts,
                                 const char *text);

G_END_DECLS
