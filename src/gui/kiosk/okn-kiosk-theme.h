/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-theme.h: high contrast and large text for the kiosk, at run time
 *
 * GTK3's built-in HighContrast and HighContrastInverse themes, and text up
 * to twice its size through a CSS class on the window. The kiosk window
 * calls these from its accessibility buttons. Contract:
 * docs/internals/kiosk-a11y.md
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  OKN_KIOSK_THEME_DEFAULT,
  OKN_KIOSK_THEME_HIGH_CONTRAST,
  OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE,
} OknKioskTheme;

#define OKN_KIOSK_THEME_LAST OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE

#define OKN_KIOSK_TEXT_SIZE_MIN  100
#define OKN_KIOSK_TEXT_SIZE_MAX  200
#define OKN_KIOSK_TEXT_SIZE_STEP 25

void          okn_kiosk_theme_set      (GtkWidget     *widget,
                                        OknKioskTheme  theme);
OknKioskTheme okn_kiosk_theme_get      (GtkWidget     *widget);
OknKioskTheme okn_kiosk_theme_next     (OknKioskTheme  theme);
void          okn_kiosk_text_size_set  (GtkWidget *window,
                                        guint      percent);
guint         okn_kiosk_text_size_get  (GtkWidget *window);

G_END_DECLS
