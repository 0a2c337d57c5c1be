/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-a11y.h: walk a window's accessible tree and say what a resident
 * who cannot see, aims badly or sees little would trip over */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define OKN_TEST_A11Y_MIN_TARGET_PX 48
#define OKN_TEST_A11Y_MIN_CONTRAST  4.5

/* What an audit looked at: for the test's report. */
typedef struct
{
  guint controls;
  guint texts;
  int smallest_target;    /* px, the shorter side */
  double lowest_contrast;
} OknTestA11yStats;

double     okn_test_a11y_contrast_ratio (const GdkRGBA *a,
                                         const GdkRGBA *b);
double     okn_test_a11y_text_contrast  (GtkWidget *widget);
GPtrArray *okn_test_a11y_audit          (GtkWidget        *root,
                                         OknTestA11yStats *stats);
char      *okn_test_a11y_describe       (GtkWidget *widget);
gboolean   okn_test_a11y_one_look_each  (void);
guint      okn_test_a11y_audit_looks    (GtkWidget  *window,
                                         const char *what,
                                         GString    *problems);

G_END_DECLS
