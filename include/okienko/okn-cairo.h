/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-cairo.h: cairo's PDF and PNG output collected in memory
 *
 * The tickets and the daily register are drawn with cairo and handed on as
 * bytes (to a file, a printer, the screen): one writer for both, so a PDF
 * is finished and checked the same way wherever it is drawn.
 */
#pragma once

#include <glib.h>
#include <cairo.h>

G_BEGIN_DECLS

cairo_status_t   okn_cairo_write_to_array (void                *closure,
                                           const unsigned char *data,
                                           unsigned int         length);
cairo_surface_t *okn_cairo_pdf_new        (double               width_pt,
                                           double               height_pt);
GBytes          *okn_cairo_pdf_finish     (cairo_surface_t     *surface,
                                           cairo_status_t      *status);
GBytes          *okn_cairo_png_bytes      (cairo_surface_t     *surface,
                                           cairo_status_t      *status);

G_END_DECLS
