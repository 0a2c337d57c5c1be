/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-inactivity.c: a warning after a quiet while, the start over after
 * the grace period, a touch that gives the time back, and a hold
 *
 * The clock's lengths are tiny so the tests run fast; they assert what
 * follows what, never how long it took. */
#include "config.h"

#include <glib.h>

#include "okienko/okienko.h"

typedef struct
{
  GString *events;   /* "w" warn, "e" expired, "r" resumed */
} Log;

static void
on_warn (OknInactivity *clock,
         Log           *log)
{
  g_string_append_c (log->events, 'w');
}

static void
on_expired (OknInactivity *clock,
            Log           *log)
{
  g_string_append_c (log->events, 'e');
}

static void
on_resumed (OknInactivity *clock,
            Log           *log)
{
  g_string_append_c (log->events, 'r');
}

static OknInactivity *
make_clock (Log *log)
{
  OknInactivity *clock = okn_inactivity_new (20, 20);

  log->events = g_string_new (NULL);
  g_signal_connect (clock, "warn", G_CALLBACK (on_warn), log);
  g_signal_connect (clock, "expired", G_CALLBACK (on_expired), log);
  g_signal_connect (clock, "resumed", G_CALLBACK (on_resumed), log);
  return clock;
}

static void
run_until (Log        *log,
           const char *events)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!g_str_equal (log->events->str, events) && g_get_monotonic_time () < deadline)
    {
      g_assert_true (g_str_has_prefix (events, log->events->str));
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpstr (log->events->str, ==, events);
}

/* Nobody touches: a warning, then the start over, then nothing more. */
static void
test_warn_then_expire (void)
{
  Log log;
  g_autoptr (OknInactivity) clock = make_clock (&log);

  g_assert_false (okn_inactivity_is_running (clock));
  okn_inactivity_start (clock);
  g_assert_true (okn_inactivity_is_running (clock));
  run_until (&log, "w");
  g_assert_true (okn_inactivity_is_warning (clock));
  run_until (&log, "we");
  g_assert_false (okn_inactivity_is_running (clock));
  g_assert_false (okn_inactivity_is_warning (clock));
  /* Stopped: a touch on the start screen arms nothing. */
  okn_inactivity_poke (clock);
  g_assert_false (okn_inactivity_is_running (clock));
  g_string_free (log.events, TRUE);
}

/* A touch during the warning gives the time back: no start over follows
 * it; the next one comes only after another warning. */
static void
test_touch_resumes (void)
{
  Log log;
  g_autoptr (OknInactivity) clock = make_clock (&log);

  okn_inactivity_start (clock);
  run_until (&log, "w");
  okn_inactivity_poke (clock);
  g_assert_cmpstr (log.events->str, ==, "wr");
  g_assert_false (okn_inactivity_is_warning (clock));
  run_until (&log, "wrw");
  run_until (&log, "wrwe");
  g_string_free (log.events, TRUE);
}

/* Back at the start screen: no warning, whatever the wait. */
static void
test_stop (void)
{
  Log log;
  g_autoptr (OknInactivity) clock = make_clock (&log);
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  okn_inactivity_start (clock);
  okn_inactivity_stop (clock);
  /* Longer than the warning and the grace together, with the clock's own
   * sources free to fire if they were still there. */
  okn_inactivity_set_timeouts (clock, 10, 10);
  g_timeout_add (200, (GSourceFunc) g_main_loop_quit, loop);
  g_main_loop_run (loop);
  g_assert_cmpstr (log.events->str, ==, "");
  g_string_free (log.events, TRUE);
}

/* Held (a resident waits for the save): no warning, and expiry only once
 * the wait and the grace together pass without a touch; a touch starts
 * that time again; a start ends the hold and runs the clock as ever. */
static void
test_hold (void)
{
  Log log;
  g_autoptr (OknInactivity) clock = make_clock (&log);

  okn_inactivity_start (clock);
  okn_inactivity_hold (clock);
  g_assert_true (okn_inactivity_is_held (clock));
  g_assert_false (okn_inactivity_is_running (clock));
  okn_inactivity_poke (clock);
  g_assert_true (okn_inactivity_is_held (clock));
  run_until (&log, "e");
  g_assert_false (okn_inactivity_is_held (clock));
  g_assert_false (okn_inactivity_is_running (clock));

  okn_inactivity_hold (clock);
  okn_inactivity_start (clock);
  g_assert_false (okn_inactivity_is_held (clock));
  g_assert_true (okn_inactivity_is_running (clock));
  run_until (&log, "ew");
  run_until (&log, "ewe");
  g_string_free (log.events, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/inactivity/warn-then-expire", test_warn_then_expire);
  g_test_add_func ("/inactivity/touch-resumes", test_touch_resumes);
  g_test_add_func ("/inactivity/stop", test_stop);
  g_test_add_func ("/inactivity/hold", test_hold);
  return g_test_run ();
}
