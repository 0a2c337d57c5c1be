/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-kiosk.h: `okienko --kiosk` on a station of a test's own */
#pragma once

#include <gtk/gtk.h>

#include "okn-application.h"
#include "okn-kiosk-window.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;                  /* HOME, the XDG folders, the store, the configuration */
  char *db;
  char *conf;
  OknApplication *app;
  OknKioskWindow *window;
} OknTestKiosk;

void okn_test_kiosk_station (OknTestKiosk *kiosk);
void okn_test_kiosk_open    (OknTestKiosk *kiosk,
                             int          *argc,
                             char       ***argv);
int  okn_test_kiosk_run     (OknTestKiosk *kiosk);
void okn_test_kiosk_close   (OknTestKiosk *kiosk);
GtkWidget *okn_test_kiosk_find (OknKioskWindow *window,
                                const char     *name);
void okn_test_kiosk_press   (OknKioskWindow *window,
                             const char     *name);
gboolean okn_test_kiosk_wait_screen  (OknKioskWindow *window,
                                      const char     *screen);
gboolean okn_test_kiosk_wait_warning (OknKioskWindow *window,
                                      gboolean        shown);
void okn_test_kiosk_reset_lookup_pause (void);

/**
 * OknTestKioskStop:
 * @window: the kiosk window, on the screen (or under the warning) to look at
 * @where: what shows, for messages: the screen's name, or what is special
 *   about it ("what, unanswered", "still-there")
 * @data: okn_test_kiosk_tour()'s @data
 *
 * What a test does at each stop of the tour; it leaves the window on the
 * screen it found.
 */
typedef void (*OknTestKioskStop) (OknKioskWindow *window,
                                  const char     *where,
                                  gpointer        data);

guint okn_test_kiosk_tour (OknKioskWindow   *window,
                           OknTestKioskStop  stop,
                           gpointer          data);

G_END_DECLS
