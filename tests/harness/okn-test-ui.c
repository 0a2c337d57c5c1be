/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-ui.c: an Xvfb of the test's own, keys and taps as a person makes
 * them
 *
 * Taps go through the X server (XTest, gdk_test_simulate_button): the
 * pointer moves onto the widget, the button goes down and up, and GTK
 * handles the events as it would a touch screen's emulated pointer, with
 * every gesture and capture on the way. Keys are GDK events delivered to
 * the window with their own time stamps, so that a test decides whether
 * they come at a person's or a scanner's pace.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <gio/gio.h>

#include "okn-test-ui.h"

static GSubprocess *xvfb;

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * okn_test_ui_start_xvfb:
 * @screen: (nullable): WIDTHxHEIGHTxDEPTH, default 1280x800x24
 *
 * Starts an Xvfb on a display it picks itself (-displayfd) and points GDK
 * at it.
 */
void
okn_test_ui_start_xvfb (const char *screen)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  int fds[2];
  char buf[32] = { 0 };
  gssize n = 0, r;
  gint64 deadline = g_get_monotonic_time () + OKN_TEST_UI_WAIT_S * G_USEC_PER_SEC;
  g_autofree char *display = NULL;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                      "-screen", "0", screen ? screen : "1280x800x24", "-nocursor", NULL);
  g_assert_no_error (error);
  while (n < (gssize) sizeof buf - 1 && !strchr (buf, '\n') && g_get_monotonic_time () < deadline)
    {
      r = read (fds[0], buf + n, sizeof buf - 1 - (gsize) n);
      if (r <= 0)
        break;
      n += r;
    }
  close (fds[0]);
  g_assert_true (strchr (buf, '\n') != NULL);
  display = g_strdup_printf (":%d", (int) g_ascii_strtoll (buf, NULL, 10));
  g_setenv ("DISPLAY", display, TRUE);
  g_unsetenv ("WAYLAND_DISPLAY");
  g_setenv ("GDK_BACKEND", "x11", TRUE);
}

void
okn_test_ui_stop_xvfb (void)
{
  if (xvfb == NULL)
    return;
  g_subprocess_send_signal (xvfb, SIGTERM);
  g_subprocess_wait (xvfb, NULL, NULL);
  g_clear_object (&xvfb);
}

void
okn_test_ui_pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * okn_test_ui_init:
 * @screen: the Xvfb's screen, e.g. "1280x1024x24"
 *
 * An Xvfb of the test's own, and GTK's test set-up on it: the start of a
 * UI test's main().
 */
void
okn_test_ui_init (int         *argc,
                  char      ***argv,
                  const char  *screen)
{
  okn_test_ui_start_xvfb (screen);
  gtk_test_init (argc, argv, NULL);
  /* No CSS transitions (the theme's buttons have them): GTK loses a few
   * of the lengths it computes for one started while it restyles, at
   * random points, and the sanitizer build's leak check would fail some
   * runs for GTK's memory. No test waits for an animation. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

/**
 * okn_test_ui_run:
 *
 * g_test_run(), then the Xvfb goes: the end of a UI test's main().
 *
 * Returns: g_test_run()'s status
 */
int
okn_test_ui_run (void)
{
  int status = g_test_run ();

  okn_test_ui_stop_xvfb ();
  return status;
}

/**
 * okn_test_ui_pump_for:
 *
 * Turns the main loop for @ms milliseconds: for what GTK does on later
 * frames (allocation, animations) rather than on pending events.
 */
void
okn_test_ui_pump_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      okn_test_ui_pump ();
      g_usleep (5000);
    }
}

/**
 * okn_test_ui_settle:
 *
 * After a theme, text size or screen change: @window re-styles and
 * re-allocates, which takes a few frames.
 */
void
okn_test_ui_settle (GtkWidget *window)
{
  gtk_widget_queue_resize (window);
  for (int i = 0; i < 10; i++)
    {
      okn_test_ui_pump ();
      g_usleep (5000);
    }
}

/**
 * okn_test_ui_save_png:
 * @area: (nullable): the part of @toplevel's window to take; %NULL: all
 *
 * What the X server shows of @toplevel (child windows such as tree view
 * headers included), read back and saved as a PNG at @path; the path is
 * printed. Fails the program if it cannot.
 */
void
okn_test_ui_save_png (GtkWidget          *toplevel,
                      const GdkRectangle *area,
                      const char         *path)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) error = NULL;
  GdkWindow *window = gtk_widget_get_window (toplevel);
  GdkRectangle all = { 0, 0, gdk_window_get_width (window), gdk_window_get_height (window) };

  if (area == NULL)
    area = &all;
  pixbuf = gdk_pixbuf_get_from_window (window, area->x, area->y, area->width, area->height);
  if (pixbuf == NULL || !gdk_pixbuf_save (pixbuf, path, "png", &error, "compression", "9", NULL))
    g_error ("cannot write %s: %s", path, error ? error->message : "no picture");
  g_print ("%s\n", path);
}

/**
 * okn_test_ui_wait_for:
 *
 * Turns the main loop until @cond holds, for at most
 * %OKN_TEST_UI_WAIT_S seconds.
 *
 * Returns: whether it came true
 */
gboolean
okn_test_ui_wait_for (OknTestCondition cond,
                      gpointer         data)
{
  gint64 deadline = g_get_monotonic_time () + OKN_TEST_UI_WAIT_S * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  return TRUE;
}

static gboolean
is_viewable (gpointer data)
{
  GdkWindow *window = gtk_widget_get_window (data);

  return window != NULL && gdk_window_is_viewable (window);
}

/**
 * okn_test_ui_column_window:
 * @spacing: pixels between the widgets
 * @first: the first widget, followed by more and %NULL
 *
 * A toplevel of @width×@height holding the widgets one under another,
 * not shown yet (okn_test_ui_show_window()).
 *
 * Returns: (transfer none): the window, which GTK owns
 */
GtkWidget *
okn_test_ui_column_window (int        width,
                           int        height,
                           int        spacing,
                           GtkWidget *first,
                           ...)
{
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, spacing);
  va_list ap;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  va_start (ap, first);
  for (GtkWidget *w = first; w; w = va_arg (ap, GtkWidget *))
    gtk_container_add (GTK_CONTAINER (box), w);
  va_end (ap);
  gtk_container_add (GTK_CONTAINER (window), box);
  return window;
}

/**
 * okn_test_ui_show_window:
 *
 * Shows @window and waits until the X server has mapped it and GTK has
 * drawn it once.
 */
void
okn_test_ui_show_window (GtkWidget *window)
{
  gtk_widget_show_all (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (okn_test_ui_wait_for (is_viewable, window));
  gdk_display_sync (gtk_widget_get_display (window));
  okn_test_ui_pump ();
}

/**
 * okn_test_ui_destroy:
 *
 * Destroys @widget and turns the main loop for what that sets off (the
 * unmapping, idles of the widget's own).
 */
void
okn_test_ui_destroy (GtkWidget *widget)
{
  gtk_widget_destroy (widget);
  okn_test_ui_pump ();
}

/**
 * okn_test_ui_key:
 * @time: the event's time stamp in milliseconds
 *
 * A key pressed and released on @toplevel, as a keyboard or a USB scanner
 * in keyboard mode sends it.
 */
void
okn_test_ui_key (GtkWidget       *toplevel,
                 guint            keyval,
                 GdkModifierType  state,
                 guint32          time)
{
  GdkWindow *gdk_window = gtk_widget_get_window (toplevel);
  GdkDisplay *display = gdk_window_get_display (gdk_window);
  GdkDevice *keyboard = gdk_seat_get_keyboard (gdk_display_get_default_seat (display));
  GdkKeymapKey *keys = NULL;
  gint n_keys = 0;

  for (int type = GDK_KEY_PRESS; type <= GDK_KEY_RELEASE; type++)
    {
      GdkEvent *ev = gdk_event_new ((GdkEventType) type);
      gunichar c = gdk_keyval_to_unicode (keyval);
      char utf8[8] = { 0 };

      ev->key.window = g_object_ref (gdk_window);
      ev->key.send_event = TRUE;
      ev->key.time = time;
      ev->key.state = state;
      ev->key.keyval = keyval;
      if (c && !(state & GDK_CONTROL_MASK))
        g_unichar_to_utf8 (c, utf8);
      ev->key.string = g_strdup (utf8);
      ev->key.length = (gint) strlen (utf8);
      if (gdk_keymap_get_entries_for_keyval (gdk_keymap_get_for_display (display), keyval, &keys, &n_keys))
        {
          ev->key.hardware_keycode = (guint16) keys[0].keycode;
          ev->key.group = (guint8) keys[0].group;
          g_free (keys);
        }
      gdk_event_set_device (ev, keyboard);
      gtk_main_do_event (ev);
      gdk_event_free (ev);
    }
  okn_test_ui_pump ();
}

/**
 * okn_test_ui_type:
 * @time: the first key's time stamp (ms)
 * @gap_ms: between keys: 100 or more for a person, a few for a scanner
 *
 * Returns: the last key's time stamp
 */
guint32
okn_test_ui_type (GtkWidget  *toplevel,
                  const char *text,
                  guint32     time,
                  guint       gap_ms)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      time += gap_ms;
      okn_test_ui_key (toplevel, gdk_unicode_to_keyval (g_utf8_get_char (p)), 0, time);
    }
  return time;
}

/* As a person would before touching it: scrolls every scrolled window
 * around @widget until it is in view. */
static void
scroll_into_view (GtkWidget *widget)
{
  for (GtkWidget *sw = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW); sw != NULL;
       sw = gtk_widget_get_ancestor (gtk_widget_get_parent (sw), GTK_TYPE_SCROLLED_WINDOW))
    {
      GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (sw));
      int x = 0, y = 0;
      int h = gtk_widget_get_allocated_height (widget);
      int view = gtk_widget_get_allocated_height (sw);

      if (!gtk_widget_translate_coordinates (widget, sw, 0, 0, &x, &y))
        continue;
      if (y >= 0 && y + h <= view)
        continue;
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) + y - MAX (0, (view - h) / 2));
      for (int i = 0; i < 5; i++)
        {
          okn_test_ui_pump ();
          g_usleep (2000);
        }
      if (gtk_widget_get_parent (sw) == NULL)
        break;
    }
}

static void
click (GtkWidget *widget,
       guint      button)
{
  GdkWindow *window = gtk_widget_get_window (widget);
  GdkDisplay *display = gtk_widget_get_display (widget);
  GtkAllocation alloc;
  int x, y;
  gint64 deadline = g_get_monotonic_time () + OKN_TEST_UI_WAIT_S * G_USEC_PER_SEC;

  /* A widget just shown is laid out and drawn on the next frames; a
   * layout still pending (a keyboard just hidden) is done now, so the tap
   * lands where the widget will be, as a person aims at what they see. */
  do
    {
      okn_test_ui_pump ();
      gtk_container_check_resize (GTK_CONTAINER (gtk_widget_get_toplevel (widget)));
      gtk_widget_get_allocation (widget, &alloc);
      if (gtk_widget_is_drawable (widget) && alloc.width > 1 && gtk_widget_get_realized (widget))
        break;
      g_usleep (2000);
    }
  while (g_get_monotonic_time () < deadline);
  g_assert_true (gtk_widget_is_drawable (widget));
  g_assert_cmpint (alloc.width, >, 1);
  scroll_into_view (widget);
  gtk_widget_get_allocation (widget, &alloc);
  x = alloc.x + alloc.width / 2;
  y = alloc.y + alloc.height / 2;
  /* A widget with a window of its own is allocated in its parent's. */
  if (gtk_widget_get_has_window (widget))
    {
      x = alloc.width / 2;
      y = alloc.height / 2;
    }
  g_assert_true (gdk_test_simulate_button (window, x, y, button, 0, GDK_BUTTON_PRESS));
  gdk_display_sync (display);
  okn_test_ui_pump ();
  g_usleep (20000);
  gdk_display_sync (display);
  okn_test_ui_pump ();
  g_assert_true (gdk_test_simulate_button (window, x, y, button, 0, GDK_BUTTON_RELEASE));
  gdk_display_sync (display);
  for (int i = 0; i < 10; i++)
    {
      okn_test_ui_pump ();
      g_usleep (5000);
      gdk_display_sync (display);
    }
  okn_test_ui_pump ();
}

/**
 * okn_test_ui_tap:
 *
 * A finger (the pointer) down and up in the middle of @widget, through
 * the X server.
 */
void
okn_test_ui_tap (GtkWidget *widget)
{
  click (widget, GDK_BUTTON_PRIMARY);
}

void
okn_test_ui_right_click (GtkWidget *widget)
{
  click (widget, GDK_BUTTON_SECONDARY);
}

/* One half of a tap, at the middle of @widget in its toplevel's
 * coordinates, so that a test can look between finger down and finger up. */
static void
button_event (GtkWidget    *widget,
              GdkEventType  type)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  int x = 0, y = 0;

  g_assert_true (gtk_widget_get_mapped (widget));
  gtk_container_check_resize (GTK_CONTAINER (toplevel));
  if (type == GDK_BUTTON_PRESS)
    scroll_into_view (widget);
  g_assert_true (gtk_widget_translate_coordinates (widget, toplevel,
                                                   gtk_widget_get_allocated_width (widget) / 2,
                                                   gtk_widget_get_allocated_height (widget) / 2,
                                                   &x, &y));
  g_assert_true (gdk_test_simulate_button (gtk_widget_get_window (toplevel), x, y,
                                           GDK_BUTTON_PRIMARY, 0, type));
  /* The event went through the X server: wait for it to come back. */
  gdk_display_sync (gtk_widget_get_display (widget));
  for (int i = 0; i < 20; i++)
    {
      okn_test_ui_pump ();
      g_usleep (1000);
    }
}

static gboolean
is_pressed (gpointer data)
{
  return (gtk_widget_get_state_flags (data) & GTK_STATE_FLAG_ACTIVE) != 0;
}

static gboolean
is_released (gpointer data)
{
  return (gtk_widget_get_state_flags (data) & GTK_STATE_FLAG_ACTIVE) == 0;
}

/**
 * okn_test_ui_press:
 *
 * A finger down on @widget, not yet lifted: waits until the widget shows
 * it pressed.
 */
void
okn_test_ui_press (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_PRESS);
  g_assert_true (okn_test_ui_wait_for (is_pressed, widget));
}

/**
 * okn_test_ui_release:
 *
 * The finger of okn_test_ui_press() lifted again.
 */
void
okn_test_ui_release (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_RELEASE);
  g_assert_true (okn_test_ui_wait_for (is_released, widget));
}

/**
 * okn_test_ui_touch:
 *
 * A finger on something that is not a control (a label, the background):
 * down and up, with nothing to show it was pressed.
 */
void
okn_test_ui_touch (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_PRESS);
  button_event (widget, GDK_BUTTON_RELEASE);
}

/**
 * okn_test_ui_tap_in_view:
 *
 * A finger down and up in the middle of what the scrolled windows around
 * @widget show of it, with nothing scrolled first: as a person taps a
 * control that the view shows only in part. (okn_test_ui_tap() scrolls
 * @widget wholly into view first, which a finger does not.)
 */
void
okn_test_ui_tap_in_view (GtkWidget *widget)
{
  static const GdkEventType halves[] = { GDK_BUTTON_PRESS, GDK_BUTTON_RELEASE };
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  GdkRectangle shown = { 0, 0, 0, 0 };

  g_assert_true (gtk_widget_get_mapped (widget));
  gtk_container_check_resize (GTK_CONTAINER (toplevel));
  g_assert_true (gtk_widget_translate_coordinates (widget, toplevel, 0, 0, &shown.x, &shown.y));
  shown.width = gtk_widget_get_allocated_width (widget);
  shown.height = gtk_widget_get_allocated_height (widget);
  for (GtkWidget *sw = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW); sw != NULL;
       sw = gtk_widget_get_ancestor (gtk_widget_get_parent (sw), GTK_TYPE_SCROLLED_WINDOW))
    {
      GdkRectangle view = { 0, 0, gtk_widget_get_allocated_width (sw), gtk_widget_get_allocated_height (sw) };

      g_assert_true (gtk_widget_translate_coordinates (sw, toplevel, 0, 0, &view.x, &view.y));
      g_assert_true (gdk_rectangle_intersect (&shown, &view, &shown));
      if (gtk_widget_get_parent (sw) == NULL)
        break;
    }
  for (guint half = 0; half < G_N_ELEMENTS (halves); half++)
    {
      g_assert_true (gdk_test_simulate_button (gtk_widget_get_window (toplevel), shown.x + shown.width / 2,
                                               shown.y + shown.height / 2, GDK_BUTTON_PRIMARY, 0, halves[half]));
      /* The event went through the X server: wait for it to come back. */
      gdk_display_sync (gtk_widget_get_display (widget));
      for (int i = 0; i < 20; i++)
        {
          okn_test_ui_pump ();
          g_usleep (1000);
        }
    }
}

/**
 * okn_test_ui_find_named:
 *
 * Returns: (transfer none) (nullable): the first widget under @root, not
 *   a label, whose accessible name is @accessible_name
 */
GtkWidget *
okn_test_ui_find_named (GtkWidget  *root,
                        const char *accessible_name)
{
  AtkObject *acc = gtk_widget_get_accessible (root);
  const char *name = acc ? atk_object_get_name (acc) : NULL;

  if (name && g_str_equal (name, accessible_name) && !GTK_IS_LABEL (root))
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *w = okn_test_ui_find_named (l->data, accessible_name);
          if (w)
            return w;
        }
      if (GTK_IS_BIN (root) && gtk_bin_get_child (GTK_BIN (root)) && children == NULL)
        return okn_test_ui_find_named (gtk_bin_get_child (GTK_BIN (root)), accessible_name);
    }
  return NULL;
}

/**
 * okn_test_ui_find_by_name:
 *
 * Returns: (transfer none) (nullable): the first widget under @root whose
 *   gtk_widget_get_name() is @widget_name
 */
GtkWidget *
okn_test_ui_find_by_name (GtkWidget  *root,
                          const char *widget_name)
{
  if (g_strcmp0 (gtk_widget_get_name (root), widget_name) == 0)
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *w = okn_test_ui_find_by_name (l->data, widget_name);
          if (w)
            return w;
        }
    }
  return NULL;
}

/**
 * okn_test_ui_find_by_text:
 *
 * Returns: (transfer none) (nullable): the first label under @root whose
 *   text starts with @prefix
 */
GtkWidget *
okn_test_ui_find_by_text (GtkWidget  *root,
                          const char *prefix)
{
  if (GTK_IS_LABEL (root) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (root)), prefix))
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *w = okn_test_ui_find_by_text (l->data, prefix);

          if (w)
            return w;
        }
    }
  return NULL;
}

static void
prepend_child (GtkWidget *child,
               GList    **list)
{
  *list = g_list_prepend (*list, child);
}

/**
 * okn_test_ui_find_by_type:
 *
 * Returns: (transfer none) (nullable): the first widget under @root, in
 *   tree order, that is a @type, internal children included
 */
GtkWidget *
okn_test_ui_find_by_type (GtkWidget *root,
                          GType      type)
{
  g_autoptr (GList) children = NULL;

  if (g_type_is_a (G_OBJECT_TYPE (root), type))
    return root;
  if (!GTK_IS_CONTAINER (root))
    return NULL;
  gtk_container_forall (GTK_CONTAINER (root), (GtkCallback) prepend_child, &children);
  children = g_list_reverse (children);
  for (GList *l = children; l; l = l->next)
    {
      GtkWidget *w = okn_test_ui_find_by_type (l->data, type);

      if (w)
        return w;
    }
  return NULL;
}

static void
collect_text (GtkWidget *w,
                 gpointer   data)
{
  if (GTK_IS_LABEL (w))
    g_string_append_printf (data, "%s\n", gtk_label_get_text (GTK_LABEL (w)));
  else if (GTK_IS_ENTRY (w))
    g_string_append_printf (data, "%s\n%s\n", gtk_entry_get_text (GTK_ENTRY (w)),
                            gtk_entry_get_placeholder_text (GTK_ENTRY (w)) ?: "");
  else if (GTK_IS_TEXT_VIEW (w))
    {
      GtkTextBuffer *buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (w));
      GtkTextIter a, b;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buf, &a, &b);
      text = gtk_text_buffer_get_text (buf, &a, &b, FALSE);
      g_string_append_printf (data, "%s\n", text);
    }
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect_text, data);
}

/**
 * okn_test_ui_all_text:
 *
 * Returns: (transfer full): every text under @root, shown or not (labels,
 *   entries and their placeholders, text views), one a line
 */
char *
okn_test_ui_all_text (GtkWidget *root)
{
  GString *s = g_string_new (NULL);

  collect_text (root, s);
  return g_string_free (s, FALSE);
}
