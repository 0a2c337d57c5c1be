/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-inactivity.c: after a while without a touch, a warning; a grace
 * period later, "expired"
 *
 * Four states: stopped (nothing to lose: the start screen), running (a
 * resident is at it), warning, and held (the resident waits on the kiosk:
 * no warning, but not for ever). A touch (poke) while running starts the
 * wait again; while warning it gives the resident the time back
 * (::resumed); while held it starts the hold's time again. The sources
 * run on the main context that was the thread's default when the object
 * was made.
 */
#define G_LOG_DOMAIN "okn-inactivity"

#include "config.h"

#include "okienko/okn-inactivity.h"

struct _OknInactivity
{
  GObject parent_instance;

  GMainContext *context;
  guint warn_after_ms;
  guint grace_ms;
  GSource *timer;
  gboolean running;
  gboolean warning;
  gboolean held;
};

G_DEFINE_FINAL_TYPE (OknInactivity, okn_inactivity, G_TYPE_OBJECT)

enum
{
  WARN,
  EXPIRED,
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Static helpers ---------------------------------------------------------- */

static void
clear_timer (OknInactivity *self)
{
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static void arm (OknInactivity *self, guint ms, GSourceFunc func);

static gboolean
on_grace_over (gpointer data)
{
  OknInactivity *self = data;

  g_clear_pointer (&self->timer, g_source_unref);
  self->warning = FALSE;
  self->running = FALSE;
  g_signal_emit (self, signals[EXPIRED], 0);
  return G_SOURCE_REMOVE;
}

/* Held, and nobody touched the kiosk for as long as the wait and the
 * warning together would have lasted: the resident is gone. */
static gboolean
on_hold_over (gpointer data)
{
  OknInactivity *self = data;

  g_clear_pointer (&self->timer, g_source_unref);
  self->held = FALSE;
  g_signal_emit (self, signals[EXPIRED], 0);
  return G_SOURCE_REMOVE;
}

static gboolean
on_quiet_too_long (gpointer data)
{
  OknInactivity *self = data;

  g_clear_pointer (&self->timer, g_source_unref);
  self->warning = TRUE;
  arm (self, self->grace_ms, on_grace_over);
  g_signal_emit (self, signals[WARN], 0);
  return G_SOURCE_REMOVE;
}

static void
arm (OknInactivity *self,
     guint          ms,
     GSourceFunc    func)
{
  clear_timer (self);
  self->timer = g_timeout_source_new (ms);
  g_source_set_callback (self->timer, func, self, NULL);
  g_source_set_static_name (self->timer, "okn-inactivity");
  g_source_attach (self->timer, self->context);
}

/* GObject ------------------------------------------------------------------ */

static void
okn_inactivity_dispose (GObject *object)
{
  OknInactivity *self = OKN_INACTIVITY (object);

  clear_timer (self);
  G_OBJECT_CLASS (okn_inactivity_parent_class)->dispose (object);
}

static void
okn_inactivity_finalize (GObject *object)
{
  OknInactivity *self = OKN_INACTIVITY (object);

  g_main_context_unref (self->context);
  G_OBJECT_CLASS (okn_inactivity_parent_class)->finalize (object);
}

static void
okn_inactivity_class_init (OknInactivityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = okn_inactivity_dispose;
  object_class->finalize = okn_inactivity_finalize;

  /**
   * OknInactivity::warn:
   *
   * Nobody touched the kiosk for the warning time: say it, with a big
   * "I need more time" button that pokes.
   */
  signals[WARN] = g_signal_new ("warn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * OknInactivity::expired:
   *
   * The grace period passed without a touch: wipe the form and start over.
   * Held, the wait and the grace period together passed without one.
   * The clock is stopped until okn_inactivity_start() or
   * okn_inactivity_hold().
   */
  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * OknInactivity::resumed:
   *
   * A touch during the warning: the resident is back; hide the warning.
   */
  signals[RESUMED] = g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
okn_inactivity_init (OknInactivity *self)
{
  self->context = g_main_context_ref_thread_default ();
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_inactivity_new:
 * @warn_after_ms: quiet time before the warning (kiosk.inactivity_seconds)
 * @grace_ms: the warning's time before expiry
 *   (%OKN_INACTIVITY_GRACE_SECONDS)
 *
 * Returns: (transfer full): a stopped clock
 */
OknInactivity *
okn_inactivity_new (guint warn_after_ms,
                    guint grace_ms)
{
  OknInactivity *self = g_object_new (OKN_TYPE_INACTIVITY, NULL);

  okn_inactivity_set_timeouts (self, warn_after_ms, grace_ms);
  return self;
}

/**
 * okn_inactivity_set_timeouts:
 *
 * Takes effect at the next start or poke.
 */
void
okn_inactivity_set_timeouts (OknInactivity *self,
                             guint          warn_after_ms,
                             guint          grace_ms)
{
  self->warn_after_ms = MAX (warn_after_ms, 1);
  self->grace_ms = MAX (grace_ms, 1);
}

/**
 * okn_inactivity_start:
 *
 * A resident began something that would be lost: the clock runs (again
 * from zero).
 */
void
okn_inactivity_start (OknInactivity *self)
{
  gboolean was_warning = self->warning;

  self->running = TRUE;
  self->warning = FALSE;
  self->held = FALSE;
  arm (self, self->warn_after_ms, on_quiet_too_long);
  if (was_warning)
    g_signal_emit (self, signals[RESUMED], 0);
}

/**
 * okn_inactivity_stop:
 *
 * Nothing to lose any more (the start screen): no warning, no expiry.
 */
void
okn_inactivity_stop (OknInactivity *self)
{
  clear_timer (self);
  self->running = FALSE;
  self->warning = FALSE;
  self->held = FALSE;
}

/**
 * okn_inactivity_hold:
 *
 * The resident waits on the kiosk (their report being stored and
 * printed): no warning, but should nobody touch it for as long as the
 * wait and the warning together would have lasted, ::expired all the
 * same. Not running while held: okn_inactivity_start() or
 * okn_inactivity_stop() ends the hold; a poke starts its time again.
 */
void
okn_inactivity_hold (OknInactivity *self)
{
  guint64 ms = (guint64) self->warn_after_ms + self->grace_ms;

  self->running = FALSE;
  self->warning = FALSE;
  self->held = TRUE;
  arm (self, (guint) MIN (ms, G_MAXUINT), on_hold_over);
}

/**
 * okn_inactivity_poke:
 *
 * A touch or a key: while running, the wait starts again; during the
 * warning the resident gets the time back (::resumed); held, the hold's
 * time starts again. Stopped: nothing.
 */
void
okn_inactivity_poke (OknInactivity *self)
{
  if (self->running)
    okn_inactivity_start (self);
  else if (self->held)
    okn_inactivity_hold (self);
}

gboolean
okn_inactivity_is_running (OknInactivity *self)
{
  return self->running;
}

gboolean
okn_inactivity_is_warning (OknInactivity *self)
{
  return self->warning;
}

gboolean
okn_inactivity_is_held (OknInactivity *self)
{
  return self->held;
}

guint
okn_inactivity_get_grace_ms (OknInactivity *self)
{
  return self->grace_ms;
}
