/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-progress.c: one progress line on a terminal for long work
 *
 * Why only on a terminal: scripts and the journal read okienkoctl's
 * standard error line by line; a line rewritten with \r a hundred times is
 * noise there. The line goes to standard error, so standard output (the
 * tickets, the JSON) stays exactly what a pipe expects. At most ten
 * updates a second: a terminal over SSH must not slow the work down.
 */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"

#define REDRAW_US (G_USEC_PER_SEC / 10)

struct _OkctlProgress
{
  char *what;                  /* "Registering", "Sending" */
  gint64 last_us;              /* monotonic time of the last line; 0: none yet */
  gboolean shown;              /* a line is on the terminal, to be cleared */
  GMutex mutex;                /* the sync reports from its own thread */
};

/**
 * okctl_progress_new:
 * @what: the work, as the line begins ("Registering")
 *
 * Returns: (transfer full) (nullable): a progress line, or %NULL when
 *   standard error is not a terminal; every okctl_progress_* call takes
 *   %NULL and does nothing with it
 */
OkctlProgress *
okctl_progress_new (const char *what)
{
  OkctlProgress *p;

  if (!isatty (STDERR_FILENO))
    return NULL;
  p = g_new0 (OkctlProgress, 1);
  p->what = g_strdup (what);
  g_mutex_init (&p->mutex);
  return p;
}

/**
 * okctl_progress_update:
 * @done: units done so far
 * @total: units in all; 0 when unknown
 *
 * Redraws the line ("Registering: 1200 of 5000 (24%)"), at most ten times
 * a second, and always for the last unit.
 */
void
okctl_progress_update (OkctlProgress *p,
                       guint64        done,
                       guint64        total)
{
  gint64 now;

  if (p == NULL)
    return;
  g_mutex_lock (&p->mutex);
  now = g_get_monotonic_time ();
  if (p->last_us == 0 || now - p->last_us >= REDRAW_US || (total > 0 && done >= total))
    {
      g_autofree char *line = NULL;

      p->last_us = now;
      p->shown = TRUE;
      if (total > 0)
        {
          /* TRANSLATORS: progress on a terminal: the work, units done, all
           * units, percent, e.g. "Registering: 1200 of 5000 (24%)" */
          line = g_strdup_printf (_("%s: %u of %u (%u%%)"), p->what, (guint) MIN (done, G_MAXUINT),
                                  (guint) MIN (total, G_MAXUINT), (guint) (MIN (done, total) * 100 / total));
        }
      else
        line = g_strdup_printf ("%s: %u", p->what, (guint) MIN (done, G_MAXUINT));
      /* \r and erase to the end of the line: a shorter line leaves no tail. */
      fprintf (stderr, "\r%s\033[K", line);
      fflush (stderr);
    }
  g_mutex_unlock (&p->mutex);
}

/**
 * okctl_progress_free:
 *
 * Clears the line, so that what okienkoctl prints next starts on a clean
 * line, and frees @p.
 */
void
okctl_progress_free (OkctlProgress *p)
{
  if (p == NULL)
    return;
  if (p->shown)
    {
      fputs ("\r\033[K", stderr);
      fflush (stderr);
    }
  g_mutex_clear (&p->mutex);
  g_free (p->what);
  g_free (p);
}
