/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-bitmap.h: a 1-bit raster, as thermal printers take it
 *
 * Rows of bits, most significant bit first, 1 = black (printed dot). This is
 * the byte layout of ESC/POS "GS v 0" and of PBM, so back ends send rows as
 * they are.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint width;      /* dots */
  guint height;     /* dots */
  guint stride;     /* bytes per row: (width + 7) / 8 */
  guint8 *bits;
} OknBitmap;

OknBitmap *okn_bitmap_new       (guint width,
                                 guint height);
void       okn_bitmap_free      (OknBitmap *bitmap);
gboolean   okn_bitmap_get       (const OknBitmap *bitmap,
                                 guint            x,
                                 guint            y);
void       okn_bitmap_set       (OknBitmap *bitmap,
                                 guint      x,
                                 guint      y,
                                 gboolean   black);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknBitmap, okn_bitmap_free)

G_END_DECLS
