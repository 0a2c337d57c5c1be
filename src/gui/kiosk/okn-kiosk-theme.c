/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-theme.c: high contrast and large text for the kiosk, at run time
 *
 * The theme is GtkSettings' gtk-theme-name, which every widget on the
 * screen follows at once; the theme the kiosk started with is kept on the
 * settings object so "default" goes back to it (Adwaita, or what the
 * session chose). Text size is a class on the window (okienko.css:
 * .okn-text-125 … .okn-text-200) whose font-size every descendant
 * inherits, so relative sizes inside (a title at 150%) grow with it.
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include "okn-kiosk-theme.h"

#define DEFAULT_THEME_KEY "okn-kiosk-default-theme"

static const char *const theme_names[OKN_KIOSK_THEME_LAST + 1] = {
  [OKN_KIOSK_THEME_DEFAULT] = NULL,
  [OKN_KIOSK_THEME_HIGH_CONTRAST] = "HighContrast",
  [OKN_KIOSK_THEME_HIGH_CONTRAST_INVERSE] = "HighContrastInverse",
};

static const char *
default_theme (GtkSettings *settings)
{
  const char *saved = g_object_get_data (G_OBJECT (settings), DEFAULT_THEME_KEY);
  g_autofree char *current = NULL;

  if (saved != NULL)
    return saved;
  g_object_get (settings, "gtk-theme-name", &current, NULL);
  if (current == NULL || g_str_has_prefix (current, "HighContrast"))
    {
      g_free (current);
      current = g_strdup ("Adwaita");
    }
  g_object_set_data_full (G_OBJECT (settings), DEFAULT_THEME_KEY, g_steal_pointer (&current), g_free);
  return g_object_get_data (G_OBJECT (settings), DEFAULT_THEME_KEY);
}

/**
 * okn_kiosk_theme_set:
 * @widget: any widget on the kiosk's screen
 *
 * Switches the whole screen to @theme at once.
 */
void
okn_kiosk_theme_set (GtkWidget     *widget,
                     OknKioskTheme  theme)
{
  GtkSettings *settings;
  const char *name;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail ((guint) theme <= OKN_KIOSK_THEME_LAST);

  settings = gtk_widget_get_settings (widget);
  name = theme_names[theme] ? theme_names[theme] : default_theme (settings);
  default_theme (settings);
  /* A dark preference would turn HighContrast's variant inside out. */
  g_object_set (settings,
                "gtk-theme-name", name,
                "gtk-application-prefer-dark-theme", FALSE,
                NULL);
}

OknKioskTheme
okn_kiosk_theme_get (GtkWidget *widget)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), OKN_KIOSK_THEME_DEFAULT);

  g_object_get (gtk_widget_get_settings (widget), "gtk-theme-name", &name, NULL);
  for (int t = 0; t <= OKN_KIOSK_THEME_LAST; t++)
    if (theme_names[t] != NULL && g_strcmp0 (name, theme_names[t]) == 0)
      return (OknKioskTheme) t;
  return OKN_KIOSK_THEME_DEFAULT;
}

/**
 * okn_kiosk_theme_next:
 *
 * Returns: the theme after @theme, for a button that cycles through them
 */
OknKioskTheme
okn_kiosk_theme_next (OknKioskTheme theme)
{
  return theme >= OKN_KIOSK_THEME_LAST ? OKN_KIOSK_THEME_DEFAULT : (OknKioskTheme) (theme + 1);
}

/**
 * okn_kiosk_text_size_set:
 * @window: the kiosk's window
 * @percent: 100 to 200, in steps of 25 (rounded down, clamped)
 *
 * Sets the size of every text in @window.
 */
void
okn_kiosk_text_size_set (GtkWidget *window,
                         guint      percent)
{
  GtkStyleContext *context;

  g_return_if_fail (GTK_IS_WIDGET (window));

  percent = CLAMP (percent, OKN_KIOSK_TEXT_SIZE_MIN, OKN_KIOSK_TEXT_SIZE_MAX);
  percent -= percent % OKN_KIOSK_TEXT_SIZE_STEP;
  context = gtk_widget_get_style_context (window);
  for (guint p = OKN_KIOSK_TEXT_SIZE_MIN + OKN_KIOSK_TEXT_SIZE_STEP; p <= OKN_KIOSK_TEXT_SIZE_MAX;
       p += OKN_KIOSK_TEXT_SIZE_STEP)
    {
      g_autofree char *name = g_strdup_printf ("okn-text-%u", p);

      if (p == percent)
        gtk_style_context_add_class (context, name);
      else
        gtk_style_context_remove_class (context, name);
    }
}

/**
 * okn_kiosk_text_size_get:
 *
 * Returns: the text size of @window in percent
 */
guint
okn_kiosk_text_size_get (GtkWidget *window)
{
  GtkStyleContext *context;

  g_return_val_if_fail (GTK_IS_WIDGET (window), OKN_KIOSK_TEXT_SIZE_MIN);

  context = gtk_widget_get_style_context (window);
  for (guint p = OKN_KIOSK_TEXT_SIZE_MAX; p > OKN_KIOSK_TEXT_SIZE_MIN; p -= OKN_KIOSK_TEXT_SIZE_STEP)
    {
      g_autofree char *name = g_strdup_printf ("okn-text-%u", p);

      if (gtk_style_context_has_class (context, name))
        return p;
    }
  return OKN_KIOSK_TEXT_SIZE_MIN;
}
