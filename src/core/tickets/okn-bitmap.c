/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-bitmap.c: 1-bit rasters */
#define G_LOG_DOMAIN "okn-bitmap"

#include "config.h"

#include "okienko/okn-bitmap.h"

OknBitmap *
okn_bitmap_new (guint width,
                guint height)
{
  OknBitmap *b = g_new0 (OknBitmap, 1);

  b->width = width;
  b->height = height;
  b->stride = (width + 7) / 8;
  b->bits = g_malloc0_n ((gsize) b->stride * MAX (height, 1), 1);
  return b;
}

void
okn_bitmap_free (OknBitmap *b)
{
  if (b == NULL)
    return;
  g_free (b->bits);
  g_free (b);
}

gboolean
okn_bitmap_get (const OknBitmap *b,
                guint            x,
                guint            y)
{
  g_return_val_if_fail (x < b->width && y < b->height, FALSE);
  return (b->bits[(gsize) y * b->stride + x / 8] >> (7 - x % 8)) & 1;
}

void
okn_bitmap_set (OknBitmap *b,
                guint      x,
                guint      y,
                gboolean   black)
{
  guint8 mask;

  g_return_if_fail (x < b->width && y < b->height);
  mask = (guint8) (0x80 >> (x % 8));
  if (black)
    b->bits[(gsize) y * b->stride + x / 8] |= mask;
  else
    b->bits[(gsize) y * b->stride + x / 8] &= (guint8) ~mask;
}
