/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-xvfb.h: an X server of the test's own, and real taps on it */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OKN_TEST_WAIT_S 20

typedef gboolean (*OknTestCondition) (gpointer data);

void      okn_test_xvfb_start  (void);
void      okn_test_xvfb_stop   (void);
void      okn_test_pump        (void);
gboolean  okn_test_wait_for    (OknTestCondition cond,
                                gpointer         data);
void      okn_test_show_window (GtkWidget *window);
void      okn_test_press       (GtkWidget *widget);
void      okn_test_release     (GtkWidget *widget);
void      okn_test_tap         (GtkWidget *widget);
void      okn_test_touch       (GtkWidget *widget);

G_END_DECLS
