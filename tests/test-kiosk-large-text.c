/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-kiosk-large-text.c: the kiosk's real window on a 1280x800 panel at
 * every text size, with the on-screen keyboard up
 *
 * A resident who raised the text to 200 % must still reach every key,
 * the bottom row (Space, Backspace, the layouts) included, and see the
 * field they type into: the window never grows past the panel, the
 * screen's body above the keyboard is what gives way (it scrolls). Each
 * screen with a field is checked in Polish (the tallest keyboard, six
 * rows), English and Ukrainian (the longest words), with the focus in
 * each of its fields. And every screen, the ones without the keyboard
 * too (start, the tiles, the summary, the ticket, the answer, the
 * inactivity warning, the errors of an unanswered question, the PIN, no
 * categories), each reached as a resident reaches it: the window no wider
 * or taller than the panel, every button a resident may tap on it (in a
 * screen's body, which scrolls, once a swipe brought it into view), the
 * ticket's codes whole.
 *
 * Nothing here waits for a time: after a change the test turns the main
 * loop until GTK has painted frames with the same layout twice in a row.
 */
#define G_LOG_DOMAIN "test-kiosk-large-text"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "okn-test-common.h"
#include "okn-test-ui.h"
#include "okn-test-kiosk.h"
#include "okn-kiosk-window.h"
#include "okn-kiosk-keyboard.h"
#include "okn-kiosk-theme.h"
#include "okn-gui-util.h"

static OknKioskWindow *window;
static GdkRectangle panel;        /* the monitor the kiosk covers */
static guint frames;              /* frames painted */
static guint frames_wanted;       /* paint until this many */

/* Helpers -------------------------------------------------------------------- */

static GtkWidget *
named (const char *name)
{
  return okn_test_kiosk_find (window, name);
}

static void
press (const char *name)
{
  okn_test_kiosk_press (window, name);
}

static GtkWidget *
keyboard (void)
{
  return okn_kiosk_window_get_keyboard (window);
}

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  frames++;
  /* Keep frames coming until the test has seen what it waits for. */
  if (frames < frames_wanted && window != NULL)
    gtk_widget_queue_draw (GTK_WIDGET (window));
}

static gboolean
painted (gpointer data)
{
  return frames >= frames_wanted;
}

/* What the layout looks like now: the window's size, where the keyboard
 * and the focus are, how far the body is scrolled. */
static char *
layout_now (void)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));
  GtkWidget *viewport = focus ? gtk_widget_get_ancestor (focus, GTK_TYPE_VIEWPORT) : NULL;
  int kx = 0, ky = -1, fx = 0, fy = -1;

  if (gtk_widget_get_mapped (keyboard ()))
    gtk_widget_translate_coordinates (keyboard (), GTK_WIDGET (window), 0, 0, &kx, &ky);
  if (focus && gtk_widget_get_mapped (focus))
    gtk_widget_translate_coordinates (focus, GTK_WIDGET (window), 0, 0, &fx, &fy);
  return g_strdup_printf ("%dx%d kb %d+%d focus %p %d+%d scroll %g", gtk_widget_get_allocated_width (GTK_WIDGET (window)),
                          gtk_widget_get_allocated_height (GTK_WIDGET (window)), ky,
                          gtk_widget_get_allocated_height (keyboard ()), (void *) focus, fy,
                          focus ? gtk_widget_get_allocated_height (focus) : 0,
                          viewport ? gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport)))
                                   : -1.0);
}

/* Turns the main loop until GTK has restyled, laid out and painted what
 * changed: frames are painted until two in a row show the same layout.
 * A slow machine takes longer, never differently. */
static void
settle (void)
{
  g_autofree char *last = NULL;

  gdk_display_sync (gdk_display_get_default ());
  gtk_widget_queue_resize (GTK_WIDGET (window));
  for (int stable = 0, n = 0; stable < 2; n++)
    {
      g_autofree char *now = NULL;

      /* A layout that never settles is a failure of its own. */
      if (n >= 100)
        g_error ("the layout changes on every frame: %s", last);

      frames_wanted = frames + 1;
      gtk_widget_queue_draw (GTK_WIDGET (window));
      g_assert_true (okn_test_ui_wait_for (painted, NULL));
      okn_test_ui_pump ();
      now = layout_now ();
      stable = g_strcmp0 (now, last) == 0 ? stable + 1 : 0;
      g_free (last);
      last = g_steal_pointer (&now);
    }
}

static void
collect_buttons (GtkWidget *widget,
                 gpointer   data)
{
  if (GTK_IS_BUTTON (widget))
    g_ptr_array_add (data, widget);
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_buttons, data);
}

/* @widget's rectangle in the window's coordinates. */
static GdkRectangle
in_window (GtkWidget *widget)
{
  GdkRectangle r = { 0, 0, gtk_widget_get_allocated_width (widget), gtk_widget_get_allocated_height (widget) };

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (window), 0, 0, &r.x, &r.y));
  return r;
}

/* The heights that decide whether the screen fits, for the log. */
static void
log_heights (const char *where)
{
  OknKioskScreen *screen = okn_kiosk_window_get_screen (window);
  GtkWidget *body = okn_kiosk_screen_get_body (screen);
  GtkWidget *scroll = gtk_widget_get_ancestor (body, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *bar = gtk_widget_get_ancestor (okn_kiosk_window_get_a11y_bar (window), GTK_TYPE_BOX);
  int min = 0, nat = 0, min_w = 0, nat_w = 0, screen_min = 0, screen_nat = 0;

  gtk_widget_get_preferred_height (GTK_WIDGET (window), &min, &nat);
  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), panel.width, &min_w, &nat_w);
  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (screen), panel.width, &screen_min, &screen_nat);
  g_test_message ("%s: window min %d nat %d (for %d px: min %d nat %d), allocated %d; "
                  "top bar %d, screen %d (min %d), title %d, body view %d, actions %d, keyboard %d",
                  where, min, nat, panel.width, min_w, nat_w, gtk_widget_get_allocated_height (GTK_WIDGET (window)),
                  gtk_widget_get_allocated_height (bar), gtk_widget_get_allocated_height (GTK_WIDGET (screen)),
                  screen_min, gtk_widget_get_allocated_height (okn_kiosk_screen_get_title_label (screen)),
                  gtk_widget_get_allocated_height (scroll),
                  gtk_widget_get_allocated_height (okn_kiosk_screen_get_actions (screen)),
                  gtk_widget_get_allocated_height (keyboard ()));
}

/* The window fits the panel (its minimum height too), every key of the
 * keyboard (its bottom row too) lies inside it at a finger's size, and
 * the focused field shows above the keyboard inside the body's view: all
 * of an entry, the caret's line of the description. */
static void
assert_fits (const char *where)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (window));
  GdkRectangle win = in_window (GTK_WIDGET (window));
  GdkRectangle kb, f, view;
  GtkWidget *viewport;
  int min = 0, nat = 0;

  settle ();
  log_heights (where);
  gtk_widget_get_preferred_height (GTK_WIDGET (window), &min, &nat);
  g_assert_cmpint (min, <=, panel.height);
  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), panel.width, &min, &nat);
  g_assert_cmpint (min, <=, panel.height);
  g_assert_cmpint (win.height, <=, panel.height);
  g_assert_cmpint (win.width, <=, panel.width);

  g_assert_true (gtk_widget_get_mapped (keyboard ()));
  kb = in_window (keyboard ());
  collect_buttons (keyboard (), keys);
  g_assert_cmpuint (keys->len, >=, 40);
  for (guint i = 0; i < keys->len; i++)
    {
      GdkRectangle k = in_window (keys->pdata[i]);

      if (k.y + k.height > win.height || k.y < 0 || k.height < OKN_KIOSK_MIN_TARGET_PX
          || k.width < OKN_KIOSK_MIN_TARGET_PX)
        g_test_message ("%s: key %s at %d,%d %dx%d, window %dx%d", where,
                        gtk_button_get_label (keys->pdata[i]), k.x, k.y, k.width, k.height, win.width, win.height);
      g_assert_cmpint (k.y, >=, 0);
      g_assert_cmpint (k.x, >=, 0);
      g_assert_cmpint (k.y + k.height, <=, win.height);
      g_assert_cmpint (k.x + k.width, <=, win.width);
      g_assert_cmpint (k.height, >=, OKN_KIOSK_MIN_TARGET_PX);
      g_assert_cmpint (k.width, >=, OKN_KIOSK_MIN_TARGET_PX);
    }
  {
    GtkWidget *space = okn_kiosk_keyboard_get_key (OKN_KIOSK_KEYBOARD (keyboard ()), "space");
    GdkRectangle s = in_window (space);

    g_assert_cmpint (s.y + s.height, <=, win.height);
  }

  g_assert_nonnull (focus);
  g_assert_true (GTK_IS_ENTRY (focus) || GTK_IS_TEXT_VIEW (focus));
  f = in_window (focus);
  viewport = gtk_widget_get_ancestor (focus, GTK_TYPE_VIEWPORT);
  g_assert_nonnull (viewport);
  view = in_window (viewport);
  g_test_message ("%s: focus %s y %d..%d, view y %d..%d, keyboard y %d..%d", where, gtk_widget_get_name (focus),
                  f.y, f.y + f.height, view.y, view.y + view.height, kb.y, kb.y + kb.height);
  /* A text view taller than the view: the line with the caret. */
  if (GTK_IS_TEXT_VIEW (focus))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));
      GtkTextIter iter;
      GdkRectangle line;
      int x = 0, y = 0;

      g_assert_cmpint (f.height, >=, OKN_KIOSK_MIN_TARGET_PX);
      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      gtk_text_view_get_iter_location (GTK_TEXT_VIEW (focus), &iter, &line);
      gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (focus), GTK_TEXT_WINDOW_WIDGET, line.x, line.y, &x, &y);
      g_assert_true (gtk_widget_translate_coordinates (focus, GTK_WIDGET (window), x, y, &x, &f.y));
      f.height = line.height;
      g_test_message ("%s: caret's line y %d..%d", where, f.y, f.y + f.height);
    }
  else
    g_assert_cmpint (f.height, >=, OKN_KIOSK_MIN_TARGET_PX);
  g_assert_cmpint (f.y, >=, view.y);
  g_assert_cmpint (f.y + f.height, <=, view.y + view.height);
  g_assert_cmpint (f.y + f.height, <=, kb.y);
  g_assert_cmpint (view.y + view.height, <=, kb.y);
}

/* assert_fits, where the messages say what is checked (@format, a
 * screen and a field) and in which language at which size (@at). */
static void
assert_fits_at (const char *at,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

static void
assert_fits_at (const char *at,
                const char *format,
                ...)
{
  g_autofree char *what = NULL;
  g_autofree char *where = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  where = g_strdup_printf ("%s, %s", what, at);
  assert_fits (where);
}

/* As a resident sets it: A+ and A- in the top bar. */
static void
set_text_size (guint percent)
{
  while (okn_kiosk_text_size_get (GTK_WIDGET (window)) < percent)
    press ("larger");
  while (okn_kiosk_text_size_get (GTK_WIDGET (window)) > percent)
    press ("smaller");
  g_assert_cmpuint (okn_kiosk_text_size_get (GTK_WIDGET (window)), ==, percent);
}

/* As a finger does it: on what the screen shows, laid out. */
static void
focus_field (const char *name)
{
  settle ();
  gtk_widget_grab_focus (named (name));
  g_assert_true (gtk_widget_has_focus (named (name)));
}

/* Every screen with a field, every field focused in turn, in @lang at
 * @percent text. */
static void
check_screens (OknLanguage lang,
               guint       percent)
{
  g_autofree char *at = g_strdup_printf ("%s at %u %%", okn_language_to_string (lang), percent);

  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_kiosk_window_show_start (window);
  okn_kiosk_window_set_language (window, lang);
  set_text_size (percent);
  settle ();

  /* The categories: the keys come with the search. */
  press ("report");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "category");
  focus_field ("search");
  assert_fits_at (at, "category, search");

  press ("category:pothole");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "where");
  g_assert_true (gtk_widget_has_focus (named ("address")));
  assert_fits_at (at, "where, address");
  gtk_entry_set_text (GTK_ENTRY (named ("address")), "ul. Piotrkowska 120, Łódź");

  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  g_assert_true (gtk_widget_has_focus (named ("description")));
  assert_fits_at (at, "what, description");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (named ("description"))),
                            "Głęboka dziura przy przejściu dla pieszych.", -1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("attr:size:large")), TRUE);
  focus_field ("description");
  assert_fits_at (at, "what, description typed");

  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("consent")), TRUE);
  {
    static const char *const fields[] = { "contact-name", "contact-email", "contact-phone", "contact-name" };

    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      {
        focus_field (fields[i]);
        assert_fits_at (at, "contact, %s", fields[i]);
      }
  }
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));

  okn_kiosk_window_show_start (window);
  press ("check");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  g_assert_true (gtk_widget_has_focus (named ("ticket-id")));
  assert_fits_at (at, "check, ticket-id");
  focus_field ("ticket-code");
  assert_fits_at (at, "check, ticket-code");
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));

  set_text_size (OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  okn_kiosk_window_show_start (window);
  settle ();
}

/* Every screen, keyboard or not ------------------------------------------ */

static void
collect_shown_buttons (GtkWidget *widget,
                       gpointer   data)
{
  if (!gtk_widget_is_drawable (widget))
    return;
  if (GTK_IS_BUTTON (widget))
    {
      if (gtk_widget_is_sensitive (widget))
        g_ptr_array_add (data, widget);
    }
  else if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), collect_shown_buttons, data);
}

/* @r lies inside @area, all of it. */
static gboolean
inside (GdkRectangle r,
        GdkRectangle area)
{
  return r.x >= area.x && r.y >= area.y && r.x + r.width <= area.x + area.width
         && r.y + r.height <= area.y + area.height;
}

/* The size of @widget's text, in the theme's units. */
static double
font_size_of (GtkWidget *widget)
{
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  double size = 0;

  gtk_style_context_get (context, gtk_style_context_get_state (context), "font-size", &size, NULL);
  return size;
}

/* The first shown label under @root with @style_class. */
static GtkWidget *
label_with_class (GtkWidget  *root,
                  const char *style_class)
{
  g_autoptr (GList) children = NULL;

  if (GTK_IS_LABEL (root) && gtk_widget_get_visible (root)
      && gtk_style_context_has_class (gtk_widget_get_style_context (root), style_class))
    return root;
  if (!GTK_IS_CONTAINER (root))
    return NULL;
  children = gtk_container_get_children (GTK_CONTAINER (root));
  for (GList *l = children; l; l = l->next)
    {
      GtkWidget *found = label_with_class (l->data, style_class);

      if (found)
        return found;
    }
  return NULL;
}

/* @widget on the panel, all of it, as a resident reaches it: in a
 * screen's body (which scrolls) once a swipe has brought it into the
 * body's view; anywhere else (the top bar, the action row) as it is. A
 * control taller than the body's view (the consent box's long words
 * above the keyboard) is scrolled to its top: what shows of it must be a
 * finger's height, the rest a swipe away. */
static void
assert_reachable (const char *where,
                  GtkWidget  *widget,
                  gboolean    target)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (widget, GTK_TYPE_VIEWPORT);
  GdkRectangle win = in_window (GTK_WIDGET (window));
  GdkRectangle r = in_window (widget);
  GdkRectangle view = win;
  GdkRectangle shown;

  if (viewport)
    {
      GtkAdjustment *v = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (viewport));

      view = in_window (viewport);
      if (!inside (r, view))
        {
          double top = r.y - view.y + gtk_adjustment_get_value (v);

          /* A swipe: the body scrolled just far enough. */
          gtk_adjustment_clamp_page (v, top, top + MIN (r.height, view.height));
          settle ();
          view = in_window (viewport);
          r = in_window (widget);
        }
    }
  shown = r;
  if (shown.height > view.height)
    {
      g_test_message ("%s: %s (%s) is %d px tall, its view %d px: its top shows", where, gtk_widget_get_name (widget),
                      G_OBJECT_TYPE_NAME (widget), r.height, view.height);
      shown.height = view.height;
    }
  if (!inside (shown, view) || !inside (shown, win)
      || (target && (r.width < OKN_KIOSK_MIN_TARGET_PX || shown.height < OKN_KIOSK_MIN_TARGET_PX)))
    g_test_message ("%s: %s (%s) at %d,%d %dx%d, view %d,%d %dx%d, window %dx%d", where,
                    gtk_widget_get_name (widget), G_OBJECT_TYPE_NAME (widget), r.x, r.y, r.width, r.height, view.x,
                    view.y, view.width, view.height, win.width, win.height);
  g_assert_true (inside (shown, win));
  g_assert_true (inside (shown, view));
  if (target)
    {
      g_assert_cmpint (r.width, >=, OKN_KIOSK_MIN_TARGET_PX);
      g_assert_cmpint (shown.height, >=, OKN_KIOSK_MIN_TARGET_PX);
    }
}

/* What shows now fits the panel: the window's minimum size, and every
 * button a resident may tap (the top bar's, the screen's, the keys when
 * they show; the warning's alone while it covers the rest). */
static void
assert_screen_fits (const char *where)
{
  g_autoptr (GPtrArray) buttons = g_ptr_array_new ();
  GtkWidget *root = GTK_WIDGET (window);
  GdkRectangle win;
  int min_w = 0, nat_w = 0, min_h = 0, nat_h = 0, min_hw = 0, nat_hw = 0;

  if (okn_kiosk_window_is_warning (window))
    {
      g_autoptr (GPtrArray) screens = okn_kiosk_window_list_screens (window);

      root = g_ptr_array_index (screens, screens->len - 1);
    }
  settle ();
  win = in_window (GTK_WIDGET (window));
  gtk_widget_get_preferred_width (GTK_WIDGET (window), &min_w, &nat_w);
  gtk_widget_get_preferred_height (GTK_WIDGET (window), &min_h, &nat_h);
  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), panel.width, &min_hw, &nat_hw);
  g_test_message ("fits: %s: window min width %d, min height %d (%d for %d px), allocated %dx%d", where, min_w,
                  min_h, min_hw, panel.width, win.width, win.height);
  g_assert_cmpint (min_w, <=, panel.width);
  g_assert_cmpint (min_h, <=, panel.height);
  g_assert_cmpint (min_hw, <=, panel.height);
  g_assert_cmpint (win.width, <=, panel.width);
  g_assert_cmpint (win.height, <=, panel.height);

  collect_shown_buttons (root, buttons);
  g_assert_cmpuint (buttons->len, >, 0);
  for (guint i = 0; i < buttons->len; i++)
    assert_reachable (where, buttons->pdata[i], TRUE);
}

/* Longer than the test may run: the 90 s clock must not send a slow run
 * back to the start. */
#define QUIET_MS (60 * 60 * 1000)

typedef struct
{
  OknLanguage lang;
  guint percent;
} Fit;

/* The ticket's codes on the done screen, whole: a resident copies them
 * from here. */
static void
assert_codes_whole (const char *where)
{
  static const char *const codes[] = { "ticket", "code", "qr" };
  const OknIntakeResult *result = okn_kiosk_report_get_result (okn_kiosk_window_get_report (window));

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      GtkWidget *w = named (codes[i]);
      int min = 0, nat = 0;

      g_assert_true (gtk_widget_is_drawable (w));
      assert_reachable (where, w, FALSE);
      gtk_widget_get_preferred_width (w, &min, &nat);
      g_test_message ("%s: %s %d px wide (natural %d), allocated %d", where, codes[i], min, nat,
                      gtk_widget_get_allocated_width (w));
      g_assert_cmpint (gtk_widget_get_allocated_width (w), >=, nat);
      /* On one line: not broken at a hyphen. */
      if (GTK_IS_LABEL (w))
        g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (w))), ==, 1);
    }
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (named ("ticket"))), ==, result->record->ticket);
}

/* The inactivity warning's title is the largest text on it, as on every
 * screen. */
static void
assert_warning_title_largest (const char *where)
{
  g_autoptr (GPtrArray) all = okn_kiosk_window_list_screens (window);
  OknKioskScreen *warning = g_ptr_array_index (all, all->len - 1);
  GtkWidget *title = okn_kiosk_screen_get_title_label (warning);
  GtkWidget *text = label_with_class (okn_kiosk_screen_get_body (warning), "okn-kiosk-warning");

  g_assert_nonnull (text);
  g_test_message ("%s: title %g, text %g", where, font_size_of (title), font_size_of (text));
  g_assert_cmpfloat (font_size_of (title), >, font_size_of (text));
}

/* A stop of the tour: the screen fits the panel. */
static void
fits_stop (OknKioskWindow *kiosk,
           const char     *where,
           gpointer        data)
{
  const Fit *fit = data;
  g_autofree char *at = g_strdup_printf ("%s, %s at %u %%", where, okn_language_to_string (fit->lang), fit->percent);

  /* At the size and in the language it says, also after a Finish. */
  g_assert_cmpuint (okn_kiosk_text_size_get (GTK_WIDGET (kiosk)), ==, fit->percent);
  g_assert_cmpint (okn_kiosk_window_get_language (kiosk), ==, fit->lang);
  if (g_str_equal (where, "category"))
    g_assert_false (gtk_widget_get_mapped (keyboard ()));
  assert_screen_fits (at);
  if (g_str_equal (where, "done"))
    assert_codes_whole (at);
  if (g_str_equal (where, "still-there"))
    assert_warning_title_largest (at);
}

/* Every screen of the window, each reached as a resident reaches it (the
 * harness's tour, as tests/test-kiosk-audit.c takes it), in @lang at
 * @percent text. */
static void
check_every_screen (OknLanguage lang,
                    guint       percent)
{
  Fit fit = { lang, percent };

  okn_kiosk_window_set_language (window, lang);
  set_text_size (percent);
  okn_test_kiosk_tour (window, fits_stop, &fit);
  set_text_size (OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  settle ();
}

/* Messages in view ------------------------------------------------------- */

/* A new report in @lang at @percent text, its place given, on the "what"
 * screen with its description typed and the category's question left. */
static void
describe_report (OknLanguage lang,
                 guint       percent)
{
  g_test_message ("a report described, %s at %u %%", okn_language_to_string (lang), percent);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  okn_kiosk_window_show_start (window);
  okn_kiosk_window_set_language (window, lang);
  set_text_size (percent);
  press ("report");
  press ("category:pothole");
  gtk_entry_set_text (GTK_ENTRY (named ("address")), "ul. Piotrkowska 120, Łódź");
  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  okn_gui_text_view_set (GTK_TEXT_VIEW (named ("description")), "Głęboka dziura przy przejściu");
}

/* The same with the question answered: Next takes it to the contact
 * screen. */
static void
answer_report (OknLanguage lang,
               guint       percent)
{
  describe_report (lang, percent);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("attr:size:large")), TRUE);
}

/* The message under @field: a shown label with the okn-field-error class
 * beside the field or beside one of its nearest enclosing boxes. */
static GtkWidget *
error_under (GtkWidget *field)
{
  GtkWidget *w = field;

  for (int up = 0; up < 3 && (w = gtk_widget_get_parent (w)) != NULL; up++)
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (w));

      for (GList *l = children; l; l = l->next)
        if (GTK_IS_LABEL (l->data) && gtk_widget_get_visible (l->data)
            && gtk_style_context_has_class (gtk_widget_get_style_context (l->data), "okn-field-error"))
          return l->data;
    }
  g_error ("no message shows under %s", gtk_widget_get_name (field));
  return NULL;
}

/* @message wholly inside what the screen's scrolled body shows (above the
 * keyboard), with no swipe: the resident reads why nothing went on. One
 * taller than the view (a long message at 200 % text) shows from its
 * first line, the rest a swipe away. */
static void
assert_in_view (const char *where,
                GtkWidget  *message)
{
  GtkWidget *viewport = gtk_widget_get_ancestor (message, GTK_TYPE_VIEWPORT);
  GdkRectangle r, view;

  settle ();
  g_assert_true (gtk_widget_is_drawable (message));
  g_assert_nonnull (viewport);
  r = in_window (message);
  view = in_window (viewport);
  g_test_message ("%s: “%s” y %d..%d, view y %d..%d", where, gtk_label_get_text (GTK_LABEL (message)), r.y,
                  r.y + r.height, view.y, view.y + view.height);
  if (r.height > view.height)
    {
      g_assert_cmpint (r.y, ==, view.y);
      r.height = view.height;
    }
  g_assert_true (inside (r, view));
}

/* And no taller than that view: read whole, with no swipe. */
static void
assert_whole_in_view (const char *where,
                      GtkWidget  *message)
{
  assert_in_view (where, message);
  g_assert_cmpint (gtk_widget_get_allocated_height (message), <=,
                   gtk_widget_get_allocated_height (gtk_widget_get_ancestor (message, GTK_TYPE_VIEWPORT)));
}

/* A tap on Next with a question unanswered, or on Check with a wrong
 * code, shows a message under the fields, at @percent text in @lang
 * with the keyboard up: in view at once, not under it; the check's
 * message whole (it is the only thing the screen says). */
static void
check_messages_in_view (OknLanguage lang,
                        guint       percent)
{
  g_autofree char *at = g_strdup_printf ("%s at %u %%", okn_language_to_string (lang), percent);
  g_autofree char *w = NULL;
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknTicketId unknown_id;
  g_autofree char *unknown = NULL;

  /* A ticket of this station that was never given out. */
  g_assert_true (okn_ticket_id_make ("K03", 26, 999999, &unknown_id, NULL));
  unknown = okn_ticket_id_format (&unknown_id);
  okn_inactivity_set_timeouts (clock, QUIET_MS, QUIET_MS);
  okn_test_kiosk_reset_lookup_pause ();
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  /* The description typed, the category's question below it left. */
  describe_report (lang, percent);
  focus_field ("description");
  settle ();
  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "what");
  w = g_strdup_printf ("what, the question unanswered, %s", at);
  assert_in_view (w, error_under (named ("attr:size")));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("attr:size:large")), TRUE);
  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("consent")), TRUE);
  gtk_entry_set_text (GTK_ENTRY (named ("contact-email")), "olena@");
  focus_field ("contact-name");
  settle ();
  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  g_free (w);
  w = g_strdup_printf ("contact, a wrong e-mail, %s", at);
  assert_in_view (w, error_under (named ("contact-email")));
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));

  okn_kiosk_window_show_start (window);
  press ("check");
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-id")), unknown);
  gtk_entry_set_text (GTK_ENTRY (named ("ticket-code")), "ZZZZZ9");
  focus_field ("ticket-code");
  settle ();
  press ("check-go");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "check");
  g_free (w);
  w = g_strdup_printf ("check, a wrong code, %s", at);
  assert_whole_in_view (w, named ("check-message"));
  /* The pause: the button greys, and the message says why. */
  for (int i = 1; i < OKN_LOOKUP_MAX_FAILURES; i++)
    {
      gtk_entry_set_text (GTK_ENTRY (named ("ticket-code")), "ZZZZZ9");
      focus_field ("ticket-code");
      press ("check-go");
    }
  g_assert_false (gtk_widget_is_sensitive (named ("check-go")));
  g_free (w);
  w = g_strdup_printf ("check, paused, %s", at);
  assert_whole_in_view (w, named ("check-message"));
  /* And again when the next resident comes to the screen during it. */
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  okn_kiosk_window_show_start (window);
  settle ();
  press ("check");
  g_free (w);
  w = g_strdup_printf ("check, paused on entry, %s", at);
  assert_whole_in_view (w, named ("check-message"));

  okn_test_kiosk_reset_lookup_pause ();
  okn_kiosk_check_wipe (okn_kiosk_window_get_check (window));
  set_text_size (OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_show_start (window);
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  settle ();
}


/* With the keyboard up at @percent text in @lang, the consent box on the
 * contact screen shows its words whole, and with them its checkbox (GTK
 * draws it halfway down them), above the keyboard when it has the focus
 * (a tap, a Tab, back from the fields below it). */
static void
check_consent_in_view (OknLanguage lang,
                       guint       percent)
{
  g_autofree char *at = g_strdup_printf ("%s at %u %%", okn_language_to_string (lang), percent);
  GtkWidget *consent, *words, *viewport;
  GdkRectangle r, w, view;

  answer_report (lang, percent);
  press ("next");
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("consent")), TRUE);
  /* Down to the last field, and back up to the box. */
  focus_field ("contact-phone");
  settle ();
  focus_field ("consent");
  settle ();
  g_assert_true (gtk_widget_get_mapped (keyboard ()));
  consent = named ("consent");
  words = gtk_bin_get_child (GTK_BIN (consent));
  viewport = gtk_widget_get_ancestor (consent, GTK_TYPE_VIEWPORT);
  r = in_window (consent);
  w = in_window (words);
  view = in_window (viewport);
  g_test_message ("consent, %s: the box y %d..%d (%d px), its words y %d..%d, view y %d..%d (%d px)", at, r.y,
                  r.y + r.height, r.height, w.y, w.y + w.height, view.y, view.y + view.height, view.height);
  g_assert_true (inside (w, view));
  {
    /* The checkbox grows with the words beside it (the theme's is 16 px
     * at every size): as large as they are tall, give or take. */
    g_autoptr (GtkStyleContext) check = gtk_style_context_new ();
    g_autoptr (GtkWidgetPath) path = gtk_widget_path_copy (gtk_widget_get_path (consent));
    int box = 0;

    gtk_widget_path_append_type (path, G_TYPE_NONE);
    gtk_widget_path_iter_set_object_name (path, -1, "check");
    gtk_style_context_set_path (check, path);
    gtk_style_context_set_parent (check, gtk_widget_get_style_context (consent));
    gtk_style_context_set_screen (check, gtk_widget_get_screen (consent));
    gtk_style_context_get (check, GTK_STATE_FLAG_CHECKED, "min-height", &box, NULL);
    g_test_message ("consent, %s: the checkbox %d px, its words %g", at, box, font_size_of (words));
    g_assert_cmpfloat (box, >=, font_size_of (words) * 0.9);
  }
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
  set_text_size (OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  okn_kiosk_window_show_start (window);
  settle ();
}

/* On the contact screen at @percent text in @lang, a tick on the consent
 * box passes the focus to the name field (the keys type there), and the
 * name field shows above the keyboard: @laid_out, the tick after the
 * screen was laid out; else Next and the tick taken in one go, as a busy
 * kiosk takes the taps that came in before its next frame, before the
 * screen is laid out in @lang (it was last laid out in the language
 * before, at the same size). */
static void
check_tick_shows_name (OknLanguage lang,
                       guint       percent,
                       gboolean    laid_out)
{
  g_autofree char *at = g_strdup_printf ("contact, ticked %s, %s at %u %%",
                                         laid_out ? "once laid out" : "at once", okn_language_to_string (lang),
                                         percent);

  answer_report (lang, percent);
  if (laid_out)
    {
      press ("next");
      settle ();
    }
  else
    gtk_button_clicked (GTK_BUTTON (named ("next")));
  g_assert_cmpstr (okn_kiosk_window_get_screen_name (window), ==, "contact");
  g_assert_true (gtk_widget_has_focus (named ("consent")));
  gtk_button_clicked (GTK_BUTTON (named ("consent")));
  g_assert_true (gtk_widget_has_focus (named ("contact-name")));
  assert_fits (at);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));
}

/* Tests ---------------------------------------------------------------------- */

/* @check in each language in turn, at @percent text. */
static void
each_language (void (*check) (OknLanguage lang, guint percent),
               guint percent)
{
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    check ((OknLanguage) l, percent);
}

/* The consent and its checkbox at the largest text sizes, in every
 * language: not just the top of its words with the box a swipe away. */
static void
test_consent_in_view (void)
{
  for (guint p = OKN_KIOSK_TEXT_SIZE_MIN; p <= OKN_KIOSK_TEXT_SIZE_MAX; p += OKN_KIOSK_TEXT_SIZE_STEP)
    each_language (check_consent_in_view, p);
}

/* What went wrong with an answer or a lookup is said where the resident
 * looks, at the smallest text and the largest, in every language. */
static void
test_messages_in_view (void)
{
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    {
      check_messages_in_view ((OknLanguage) l, OKN_KIOSK_TEXT_SIZE_MIN);
      check_messages_in_view ((OknLanguage) l, OKN_KIOSK_TEXT_SIZE_MAX);
    }
}

/* The consent box ticked at 200 % text, in every language: the resident
 * types their name next, in a field they see above the keyboard. */
static void
test_tick_shows_name (void)
{
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    check_tick_shows_name ((OknLanguage) l, OKN_KIOSK_TEXT_SIZE_MAX, FALSE);
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    check_tick_shows_name ((OknLanguage) l, OKN_KIOSK_TEXT_SIZE_MAX, TRUE);
  set_text_size (OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  okn_kiosk_window_show_start (window);
  settle ();
}

/* At 200 % text, the largest a resident can pick: the whole keyboard and
 * the field being typed into on the 800 px panel, in every language. */
static void
test_keyboard_fits_at_200 (void)
{
  each_language (check_screens, OKN_KIOSK_TEXT_SIZE_MAX);
}

/* And at each size on the way, in the language with the longest words and
 * the one with the tallest keyboard. */
static void
test_keyboard_fits_at_every_size (void)
{
  for (guint p = OKN_KIOSK_TEXT_SIZE_MIN; p < OKN_KIOSK_TEXT_SIZE_MAX; p += OKN_KIOSK_TEXT_SIZE_STEP)
    {
      check_screens (OKN_LANGUAGE_UK, p);
      check_screens (OKN_LANGUAGE_PL, p);
    }
}

/* At 200 % text, every screen, the ones without the keyboard too (the
 * tiles, the summary, the ticket, the answer, the warning, the PIN): the
 * window no wider or taller than the panel, every button a resident may
 * tap on it (a screen's body scrolled to it), the ticket's codes whole. */
static void
test_every_screen_fits_at_200 (void)
{
  each_language (check_every_screen, OKN_KIOSK_TEXT_SIZE_MAX);
}

/* And at each size on the way, 100 % included, in every language. */
static void
test_every_screen_fits_at_every_size (void)
{
  for (guint p = OKN_KIOSK_TEXT_SIZE_MIN; p < OKN_KIOSK_TEXT_SIZE_MAX; p += OKN_KIOSK_TEXT_SIZE_STEP)
    each_language (check_every_screen, p);
}

/* Setup ------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  OknTestKiosk kiosk = { 0 };
  GdkMonitor *monitor;

  okn_test_kiosk_station (&kiosk);
  okn_test_kiosk_open (&kiosk, &argc, &argv);
  window = kiosk.window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  monitor = gdk_display_get_monitor (gdk_display_get_default (), 0);
  gdk_monitor_get_geometry (monitor, &panel);
  g_assert_cmpint (panel.height, ==, 800);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint", G_CALLBACK (on_after_paint),
                    NULL);
  okn_test_ui_pump ();

  g_test_add_func ("/kiosk-large-text/messages-in-view", test_messages_in_view);
  g_test_add_func ("/kiosk-large-text/consent-in-view", test_consent_in_view);
  g_test_add_func ("/kiosk-large-text/tick-shows-name", test_tick_shows_name);
  g_test_add_func ("/kiosk-large-text/keyboard-fits-at-200", test_keyboard_fits_at_200);
  g_test_add_func ("/kiosk-large-text/keyboard-fits-at-every-size", test_keyboard_fits_at_every_size);
  g_test_add_func ("/kiosk-large-text/every-screen-fits-at-200", test_every_screen_fits_at_200);
  g_test_add_func ("/kiosk-large-text/every-screen-fits-at-every-size", test_every_screen_fits_at_every_size);
  return okn_test_kiosk_run (&kiosk);
}
