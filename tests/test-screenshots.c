/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-screenshots.c: the pictures in docs/screenshots/ show a window and
 * nothing beside it
 *
 * A picture read back from an X window includes whatever of that window
 * is off the screen as black: the desk's pictures once had a thin black
 * strip at their left edge (the margin of the window's own frame, moved
 * off the screen). Here every picture's edges are looked at: the left and
 * the right edge alike (a window's frame is the same on both sides), and
 * no edge black.
 */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "okn-test-common.h"

#define SCREENSHOTS OKN_SOURCE_ROOT "/docs/screenshots"

static void
pixel (GdkPixbuf *p,
       int        x,
       int        y,
       guint8     rgb[3])
{
  const guint8 *px = gdk_pixbuf_read_pixels (p) + y * gdk_pixbuf_get_rowstride (p)
                     + x * gdk_pixbuf_get_n_channels (p);

  rgb[0] = px[0];
  rgb[1] = px[1];
  rgb[2] = px[2];
}

static gboolean
alike (const guint8 a[3],
       const guint8 b[3])
{
  return ABS (a[0] - b[0]) <= 8 && ABS (a[1] - b[1]) <= 8 && ABS (a[2] - b[2]) <= 8;
}

/* Pixels of the edge line from (x, y) in steps (dx, dy) that are black. */
static guint
black_on_edge (GdkPixbuf *p,
               int        x,
               int        y,
               int        dx,
               int        dy,
               guint      n)
{
  const guint8 black[3] = { 0, 0, 0 };
  guint count = 0;

  for (guint i = 0; i < n; i++, x += dx, y += dy)
    {
      guint8 rgb[3];

      pixel (p, x, y, rgb);
      count += alike (rgb, black);
    }
  return count;
}

static void
test_edges (void)
{
  g_autoptr (GDir) dir = g_dir_open (SCREENSHOTS, 0, NULL);
  g_autoptr (GString) bad = g_string_new (NULL);
  const char *name;
  guint pictures = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      g_autoptr (GdkPixbuf) p = NULL;
      g_autoptr (GError) error = NULL;
      int w, h;
      guint same = 0, black;

      if (!g_str_has_suffix (name, ".png"))
        continue;
      path = g_build_filename (SCREENSHOTS, name, NULL);
      p = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
      w = gdk_pixbuf_get_width (p);
      h = gdk_pixbuf_get_height (p);
      pictures++;
      for (int y = 0; y < h; y++)
        {
          guint8 left[3], right[3];

          pixel (p, 0, y, left);
          pixel (p, w - 1, y, right);
          same += alike (left, right);
        }
      black = black_on_edge (p, 0, 0, 0, 1, (guint) h) + black_on_edge (p, w - 1, 0, 0, 1, (guint) h)
              + black_on_edge (p, 0, 0, 1, 0, (guint) w) + black_on_edge (p, 0, h - 1, 1, 0, (guint) w);
      g_test_message ("%s: %dx%d, left and right edge alike in %u of %d rows, %u black edge pixels",
                      name, w, h, same, h, black);
      /* A tenth of the rows may differ: a scroll bar or a button can
       * touch one edge of a full-screen kiosk page. */
      if (same * 10 < (guint) h * 9 || black * 4 > (guint) (2 * (w + h)))
        g_string_append_printf (bad, "%s (left and right edge alike in %u of %d rows, %u black edge "
                                     "pixels) ",
                                name, same, h, black);
    }
  g_assert_cmpuint (pictures, >=, 10);
  g_assert_cmpstr (bad->str, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/screenshots/edges", test_edges);
  return g_test_run ();
}
