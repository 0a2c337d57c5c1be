/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-ui.h: what the UI tests share: an Xvfb of their own, a main loop
 * turned until something happens, keys and taps as a person makes them */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How long a UI test waits for what it expects before it fails. Every
 * wait ends as soon as its condition holds, so only a failing test waits
 * this long; it is long because a loaded 2-core machine running the
 * sanitizer build (a child process's desk starting, a frame of a large
 * screen) has taken more than 20 s. */
#define OKN_TEST_UI_WAIT_S 60

typedef gboolean (*OknTestCondition) (gpointer data);

void        okn_test_ui_start_xvfb   (const char *screen);
void        okn_test_ui_stop_xvfb    (void);
void        okn_test_ui_init         (int         *argc,
                                      char      ***argv,
                                      const char  *screen);
int         okn_test_ui_run          (void);
void        okn_test_ui_pump         (void);
void        okn_test_ui_pump_for     (guint ms);
void        okn_test_ui_settle       (GtkWidget *window);
void        okn_test_ui_save_png     (GtkWidget          *toplevel,
                                      const GdkRectangle *area,
                                      const char         *path);
gboolean    okn_test_ui_wait_for     (OknTestCondition cond,
                                      gpointer         data);
GtkWidget  *okn_test_ui_column_window (int        width,
                                       int        height,
                                       int        spacing,
                                       GtkWidget *first,
                                       ...) G_GNUC_NULL_TERMINATED;
void        okn_test_ui_show_window  (GtkWidget *window);
void        okn_test_ui_destroy      (GtkWidget *widget);
void        okn_test_ui_key          (GtkWidget       *toplevel,
                                      guint            keyval,
                                      GdkModifierType  state,
                                      guint32          time);
guint32     okn_test_ui_type         (GtkWidget  *toplevel,
                                      const char *text,
                                      guint32     time,
                                      guint       gap_ms);
void        okn_test_ui_tap          (GtkWidget *widget);
void        okn_test_ui_right_click  (GtkWidget *widget);
void        okn_test_ui_press        (GtkWidget *widget);
void        okn_test_ui_release      (GtkWidget *widget);
void        okn_test_ui_touch        (GtkWidget *widget);
void        okn_test_ui_tap_in_view  (GtkWidget *widget);
GtkWidget  *okn_test_ui_find_named   (GtkWidget  *root,
                                      const char *accessible_name);
GtkWidget  *okn_test_ui_find_by_name (GtkWidget  *root,
                                      const char *widget_name);
GtkWidget  *okn_test_ui_find_by_text (GtkWidget  *root,
                                      const char *prefix);
GtkWidget  *okn_test_ui_find_by_type (GtkWidget  *root,
                                      GType       type);
char       *okn_test_ui_all_text (GtkWidget *root);

G_END_DECLS
