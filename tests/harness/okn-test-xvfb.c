/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-xvfb.c: an X server of the test's own, and real taps on it
 *
 * A tap is a pointer press and release sent through the X server (XTest,
 * via gdk_test_simulate_button) at the middle of the widget, so it reaches
 * the widget as a resident's finger would: hit-testing, grabs and focus
 * rules included.
 */
#define G_LOG_DOMAIN "okn-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "okn-test-xvfb.h"

static GSubprocess *xvfb;

/* Children die with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/**
 * okn_test_xvfb_start:
 *
 * Starts Xvfb on a display it picks itself (-displayfd) and points GDK at
 * it; call before gtk_init().
 */
void
okn_test_xvfb_start (void)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  g_autofree char *display = NULL;
  int fds[2];
  char buf[32] = { 0 };
  gssize n = 0, r;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                      "-screen", "0", "1280x1024x24", "-nocursor", NULL);
  g_assert_no_error (error);
  /* Xvfb writes the display number once it accepts clients; a dead Xvfb
   * closes the pipe. */
  while (n < (gssize) sizeof buf - 1 && !strchr (buf, '\n'))
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
okn_test_xvfb_stop (void)
{
  if (xvfb == NULL)
    return;
  g_subprocess_send_signal (xvfb, SIGTERM);
  g_subprocess_wait (xvfb, NULL, NULL);
  g_clear_object (&xvfb);
}

void
okn_test_pump (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/**
 * okn_test_wait_for:
 *
 * Runs the main loop until @cond holds, for at most %OKN_TEST_WAIT_S.
 *
 * Returns: whether it held
 */
gboolean
okn_test_wait_for (OknTestCondition cond,
                   gpointer         data)
{
  gint64 deadline = g_get_monotonic_time () + OKN_TEST_WAIT_S * G_USEC_PER_SEC;

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
 * okn_test_show_window:
 *
 * Shows @window and waits until the X server has mapped it and GTK has
 * drawn it once.
 */
void
okn_test_show_window (GtkWidget *window)
{
  gtk_widget_show_all (window);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (okn_test_wait_for (is_viewable, window));
  gdk_display_sync (gtk_widget_get_display (window));
  okn_test_pump ();
}

static void
button_event (GtkWidget    *widget,
              GdkEventType  type)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);
  int x = 0, y = 0;

  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_translate_coordinates (widget, toplevel,
                                                   gtk_widget_get_allocated_width (widget) / 2,
                                                   gtk_widget_get_allocated_height (widget) / 2,
                                                   &x, &y));
  g_assert_true (gdk_test_simulate_button (gtk_widget_get_window (toplevel), x, y, 1, 0, type));
  /* The event went through the X server: wait for it to come back. */
  gdk_display_sync (gtk_widget_get_display (widget));
  for (int i = 0; i < 20; i++)
    {
      okn_test_pump ();
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

/* A finger down on @widget, not yet lifted: the widget shows it pressed. */
void
okn_test_press (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_PRESS);
  g_assert_true (okn_test_wait_for (is_pressed, widget));
}

void
okn_test_release (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_RELEASE);
  g_assert_true (okn_test_wait_for (is_released, widget));
}

void
okn_test_tap (GtkWidget *widget)
{
  okn_test_press (widget);
  okn_test_release (widget);
}

/* A finger on something that is not a control (a label, the background):
 * nothing there shows it was pressed. */
void
okn_test_touch (GtkWidget *widget)
{
  button_event (widget, GDK_BUTTON_PRESS);
  button_event (widget, GDK_BUTTON_RELEASE);
}
