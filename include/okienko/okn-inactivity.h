/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-inactivity.h: a resident who walked away
 *
 * A kiosk warns after a while without a touch and, a grace period later,
 * starts over with the form wiped (WCAG 2.2.1: a warning and a simple way
 * to get more time). The clock is here, GIO-only, so the rule is tested
 * without a screen; the kiosk's window only pokes it and shows what it
 * says. Contract: docs/internals/inactivity.md
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define OKN_TYPE_INACTIVITY (okn_inactivity_get_type ())
G_DECLARE_FINAL_TYPE (OknInactivity, okn_inactivity, OKN, INACTIVITY, GObject)

/* The warning stays this long before the kiosk starts over. */
#define OKN_INACTIVITY_GRACE_SECONDS 20

OknInactivity *okn_inactivity_new             (guint warn_after_ms,
                                               guint grace_ms);
void           okn_inactivity_set_timeouts    (OknInactivity *self,
                                               guint          warn_after_ms,
                                               guint          grace_ms);
void           okn_inactivity_start           (OknInactivity *self);
void           okn_inactivity_stop            (OknInactivity *self);
void           okn_inactivity_hold            (OknInactivity *self);
void           okn_inactivity_poke            (OknInactivity *self);
gboolean       okn_inactivity_is_running      (OknInactivity *self);
gboolean       okn_inactivity_is_warning      (OknInactivity *self);
gboolean       okn_inactivity_is_held         (OknInactivity *self);
guint          okn_inactivity_get_grace_ms    (OknInactivity *self);

G_END_DECLS
