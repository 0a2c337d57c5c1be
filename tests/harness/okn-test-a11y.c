/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-a11y.c: walk a window's accessible tree and say what a resident
 * who cannot see, aims badly or sees little would trip over
 *
 * The walk is over ATK, in process, as a screen reader sees the window
 * (only what is showing). For each object:
 * - an interactive control (a button, a field, a switch, a row one can
 *   activate, anything focusable) needs a name: a screen reader would say
 *   "button" and nothing else; and it must take the keyboard focus, or a
 *   keyboard, keypad or switch user cannot reach it;
 * - and at least 48 × 48 px (about 9 mm on a kiosk screen);
 * - every text (labels, fields) needs a contrast of 4.5:1 with what is
 *   behind it (WCAG 1.4.3). The colours come from the style contexts: the
 *   text's colour (with its opacity and its ancestors'), and the
 *   backgrounds of the widget and all its ancestors painted with
 *   gtk_render_background() one over the other (gradients and images
 *   included), then sampled over the text's area; the worst point counts.
 */
#define G_LOG_DOMAIN "okn-test"

#include "config.h"

#include <math.h>

#include "okn-test-a11y.h"
#include "okn-test-ui.h"
#include "okn-kiosk-theme.h"

#define SAMPLE_STEP 3

static double
channel (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (const GdkRGBA *c)
{
  return 0.2126 * channel (c->red) + 0.7152 * channel (c->green) + 0.0722 * channel (c->blue);
}

/**
 * okn_test_a11y_contrast_ratio:
 *
 * Returns: WCAG's contrast ratio of two opaque colours, 1 to 21
 */
double
okn_test_a11y_contrast_ratio (const GdkRGBA *a,
                              const GdkRGBA *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/**
 * okn_test_a11y_describe:
 *
 * Returns: (transfer full): where @widget is, for a message: its type,
 *   name or text, and its ancestors' types
 */
char *
okn_test_a11y_describe (GtkWidget *widget)
{
  GString *s = g_string_new (G_OBJECT_TYPE_NAME (widget));
  AtkObject *acc = gtk_widget_get_accessible (widget);
  const char *name = acc ? atk_object_get_name (acc) : NULL;

  if (name != NULL && *name)
    g_string_append_printf (s, " \"%s\"", name);
  else if (GTK_IS_LABEL (widget))
    g_string_append_printf (s, " \"%s\"", gtk_label_get_text (GTK_LABEL (widget)));
  else if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)))
    g_string_append_printf (s, " \"%s\"", gtk_button_get_label (GTK_BUTTON (widget)));
  if (gtk_widget_get_name (widget) && !g_str_equal (gtk_widget_get_name (widget), G_OBJECT_TYPE_NAME (widget)))
    g_string_append_printf (s, " #%s", gtk_widget_get_name (widget));
  g_string_append (s, " in");
  for (GtkWidget *p = gtk_widget_get_parent (widget); p; p = gtk_widget_get_parent (p))
    g_string_append_printf (s, " %s", G_OBJECT_TYPE_NAME (p));
  return g_string_free (s, FALSE);
}

static double
css_opacity (GtkWidget *widget)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  double opacity = 1;

  gtk_style_context_get (context, gtk_style_context_get_state (context), "opacity", &opacity, NULL);
  return opacity * gtk_widget_get_opacity (widget);
}

/**
 * okn_test_a11y_text_contrast:
 * @widget: a label, entry or text view, mapped
 *
 * Returns: the lowest contrast between @widget's text colour and the
 *   backgrounds painted behind it, over its content area
 */
double
okn_test_a11y_text_contrast (GtkWidget *widget)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GtkStateFlags state = gtk_style_context_get_state (context);
  int width = gtk_widget_get_allocated_width (widget);
  int height = gtk_widget_get_allocated_height (widget);
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  GdkRGBA fg;
  GtkBorder border, padding;
  double opacity = 1, worst = 21;
  guchar *data;
  int stride, x0, y0, x1, y1;

  if (width <= 0 || height <= 0)
    return 21;
  gtk_style_context_get_color (context, state, &fg);
  for (GtkWidget *w = widget; w; w = gtk_widget_get_parent (w))
    {
      g_ptr_array_insert (chain, 0, w);
      opacity *= css_opacity (w);
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  /* Under everything: every theme paints an opaque window background over
   * this. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint i = 0; i < chain->len; i++)
    {
      GtkWidget *w = chain->pdata[i];
      int x = 0, y = 0;

      if (!gtk_widget_translate_coordinates (widget, w, 0, 0, &x, &y))
        continue;
      cairo_save (cr);
      /* A window's and a viewport's backgrounds are under all their
       * content, also what is scrolled out of their allocation now (and
       * shows when the resident scrolls to it). */
      if (GTK_IS_WINDOW (w) || GTK_IS_VIEWPORT (w))
        gtk_render_background (gtk_widget_get_style_context (w), cr, 0, 0, width, height);
      else
        gtk_render_background (gtk_widget_get_style_context (w), cr, -x, -y,
                               gtk_widget_get_allocated_width (w), gtk_widget_get_allocated_height (w));
      cairo_restore (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* The text sits inside the border and padding (a field's frame and its
   * rounded corners are not behind any letter). */
  gtk_style_context_get_border (context, state, &border);
  gtk_style_context_get_padding (context, state, &padding);
  x0 = MIN (border.left + padding.left, width - 1);
  y0 = MIN (border.top + padding.top, height - 1);
  x1 = MAX (width - border.right - padding.right, x0 + 1);
  y1 = MAX (height - border.bottom - padding.bottom, y0 + 1);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = y0; y < y1; y += SAMPLE_STEP)
    for (int x = x0; x < x1; x += SAMPLE_STEP)
      {
        guint32 px = *(guint32 *) (data + y * stride + x * 4);
        GdkRGBA bg = { ((px >> 16) & 0xff) / 255.0, ((px >> 8) & 0xff) / 255.0, (px & 0xff) / 255.0, 1 };
        double a = fg.alpha * opacity;
        GdkRGBA text = { fg.red * a + bg.red * (1 - a), fg.green * a + bg.green * (1 - a),
                         fg.blue * a + bg.blue * (1 - a), 1 };

        worst = MIN (worst, okn_test_a11y_contrast_ratio (&text, &bg));
      }
  cairo_surface_destroy (surface);
  return worst;
}

static gboolean
is_interactive (GtkWidget *widget,
                AtkObject *acc)
{
  g_autoptr (AtkStateSet) states = atk_object_ref_state_set (acc);

  /* A scrolled window's scrollbar is not a control a resident has to
   * hit: a swipe anywhere on the content scrolls it (kinetic scrolling),
   * and the focus moving through the content scrolls it too. */
  if (GTK_IS_LABEL (widget) || GTK_IS_SCROLLBAR (widget))
    return FALSE;
  if (GTK_IS_BUTTON (widget) || GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget)
      || GTK_IS_SWITCH (widget) || GTK_IS_COMBO_BOX (widget) || GTK_IS_RANGE (widget))
    return TRUE;
  if ((GTK_IS_LIST_BOX_ROW (widget) && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (widget)))
      || GTK_IS_FLOW_BOX_CHILD (widget))
    return gtk_widget_get_can_focus (widget);
  return atk_state_set_contains_state (states, ATK_STATE_FOCUSABLE)
         && !GTK_IS_SCROLLED_WINDOW (widget) && !GTK_IS_LIST_BOX (widget) && !GTK_IS_FLOW_BOX (widget);
}

static const char *
visible_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_ENTRY (widget))
    return gtk_entry_get_text (GTK_ENTRY (widget));
  if (GTK_IS_TEXT_VIEW (widget))
    return "text";
  return NULL;
}

/* The focus reaches a control itself, or the flow box child or list box
 * row around it that activates it (one stop per tile, not two). */
static gboolean
takes_focus (GtkWidget *widget)
{
  GtkWidget *holder;

  if (gtk_widget_get_can_focus (widget))
    return TRUE;
  holder = gtk_widget_get_parent (widget);
  return (GTK_IS_FLOW_BOX_CHILD (holder) || GTK_IS_LIST_BOX_ROW (holder)) && gtk_widget_get_can_focus (holder);
}

typedef struct
{
  GPtrArray *problems;
  OknTestA11yStats stats;
} Audit;

static void
audit_one (AtkObject *acc,
           Audit     *audit)
{
  GPtrArray *problems = audit->problems;
  g_autoptr (AtkStateSet) states = atk_object_ref_state_set (acc);
  GtkWidget *widget = GTK_IS_ACCESSIBLE (acc) ? gtk_accessible_get_widget (GTK_ACCESSIBLE (acc)) : NULL;
  int n;

  if (!atk_state_set_contains_state (states, ATK_STATE_SHOWING))
    return;
  if (widget != NULL && gtk_widget_get_mapped (widget) && is_interactive (widget, acc))
    {
      const char *name = atk_object_get_name (acc);
      g_autofree char *stripped = g_strstrip (g_strdup (name ? name : ""));
      g_autofree char *where = okn_test_a11y_describe (widget);
      int w = gtk_widget_get_allocated_width (widget), h = gtk_widget_get_allocated_height (widget);

      audit->stats.controls++;
      audit->stats.smallest_target = MIN (audit->stats.smallest_target, MIN (w, h));
      if (*stripped == '\0')
        g_ptr_array_add (problems, g_strdup_printf ("no accessible name: %s", where));
      /* A resident with a keyboard, a keypad or a switch moves the focus:
       * a control it cannot reach is not there for them. */
      if (gtk_widget_is_sensitive (widget) && !takes_focus (widget))
        g_ptr_array_add (problems, g_strdup_printf ("not focusable: %s", where));
      if (w < OKN_TEST_A11Y_MIN_TARGET_PX || h < OKN_TEST_A11Y_MIN_TARGET_PX)
        g_ptr_array_add (problems, g_strdup_printf ("target %d × %d px (< %d): %s", w, h,
                                                    OKN_TEST_A11Y_MIN_TARGET_PX, where));
    }
  n = atk_object_get_n_accessible_children (acc);
  for (int i = 0; i < n; i++)
    {
      g_autoptr (AtkObject) child = atk_object_ref_accessible_child (acc, i);

      if (child != NULL)
        audit_one (child, audit);
    }
}

/* Text is checked over the widget tree, not ATK's: a button's label is
 * its accessible name there, not a child, but its colours still count. */
static void
audit_text (GtkWidget *widget,
            gpointer   data)
{
  Audit *audit = data;
  GPtrArray *problems = audit->problems;
  const char *text;

  if (!gtk_widget_is_drawable (widget))
    return;
  text = visible_text (widget);
  /* Disabled controls are exempt (WCAG 1.4.3). */
  if (text != NULL && *text && gtk_widget_is_sensitive (widget))
    {
      double ratio = okn_test_a11y_text_contrast (widget);

      audit->stats.texts++;
      audit->stats.lowest_contrast = MIN (audit->stats.lowest_contrast, ratio);
      if (ratio < OKN_TEST_A11Y_MIN_CONTRAST)
        {
          g_autofree char *where = okn_test_a11y_describe (widget);

          g_ptr_array_add (problems, g_strdup_printf ("text contrast %.2f:1 (< %.1f): %s", ratio,
                                                      OKN_TEST_A11Y_MIN_CONTRAST, where));
        }
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), audit_text, audit);
}

/**
 * okn_test_a11y_audit:
 * @root: a mapped window or widget
 * @stats: (out) (optional): what was looked at
 *
 * Returns: (transfer full) (element-type utf8): one line per problem,
 *   empty when there is none
 */
GPtrArray *
okn_test_a11y_audit (GtkWidget        *root,
                     OknTestA11yStats *stats)
{
  Audit audit = { g_ptr_array_new_with_free_func (g_free), { 0, 0, G_MAXINT, 21 } };

  audit_one (gtk_widget_get_accessible (root), &audit);
  audit_text (root, &audit);
  if (stats != NULL)
    *stats = audit.stats;
  return audit.problems;
}

/**
 * okn_test_a11y_one_look_each:
 *
 * Under AddressSanitizer with full unwinding (the UI tests' setting in the
 * sanitizer build) one audit of a kiosk screen takes about ten seconds,
 * and every screen in every language, theme and text size would take
 * longer than the test may run. There the sanitizers look for memory
 * errors, not for contrast: each screen is drawn in one language and one
 * theme, in turn, so every screen, language and theme is still drawn. The
 * ordinary build audits the whole matrix.
 *
 * Returns: whether to audit one language and one theme a screen
 */
gboolean
okn_test_a11y_one_look_each (void)
{
#if defined(__SANITIZE_ADDRESS__)
  return TRUE;
#else
  return FALSE;
#endif
}

/**
 * okn_test_a11y_audit_looks:
 * @window: a mapped window
 * @what: what shows, for the messages
 * @problems: each problem found is appended to it on a line of its own,
 *   with @what, the theme and the text size
 *
 * Audits @window in every kiosk theme, at the smallest and the largest
 * text size, then sets both back. Problems are collected, not fatal, so
 * that one run lists them all; an audit that found no control or no text
 * at all is.
 *
 * Returns: how many audits were made
 */
guint
okn_test_a11y_audit_looks (GtkWidget  *window,
                           const char *what,
                           GString    *problems)
{
  guint audits = 0;
  int first = OKN_KIOSK_THEME_DEFAULT;
  int last = OKN_KIOSK_THEME_LAST;

  if (okn_test_a11y_one_look_each ())
    {
      /* One theme a call, in turn: every theme still seen, in a third
       * of the time. */
      static int next;

      first = last = OKN_KIOSK_THEME_DEFAULT + next++ % (OKN_KIOSK_THEME_LAST - OKN_KIOSK_THEME_DEFAULT + 1);
    }
  for (int t = first; t <= last; t++)
    for (guint size = OKN_KIOSK_TEXT_SIZE_MIN; size <= OKN_KIOSK_TEXT_SIZE_MAX; size += 100)
      {
        g_autoptr (GPtrArray) found = NULL;
        g_autofree char *theme = NULL;
        OknTestA11yStats stats;

        okn_kiosk_theme_set (window, (OknKioskTheme) t);
        okn_kiosk_text_size_set (window, size);
        okn_test_ui_settle (window);
        g_object_get (gtk_widget_get_settings (window), "gtk-theme-name", &theme, NULL);
        found = okn_test_a11y_audit (window, &stats);
        audits++;
        g_test_message ("%s, %s, text %u%%: %u controls (smallest side %d px), %u texts (lowest contrast %.2f:1)",
                        what, theme, size, stats.controls, stats.smallest_target, stats.texts,
                        stats.lowest_contrast);
        g_assert_cmpuint (stats.controls, >, 0);
        g_assert_cmpuint (stats.texts, >, 0);
        for (guint i = 0; i < found->len; i++)
          g_string_append_printf (problems, "\n  %s, %s theme, text %u%%: %s", what, theme, size,
                                  (char *) found->pdata[i]);
      }
  okn_kiosk_theme_set (window, OKN_KIOSK_THEME_DEFAULT);
  okn_kiosk_text_size_set (window, OKN_KIOSK_TEXT_SIZE_MIN);
  okn_test_ui_settle (window);
  return audits;
}
