/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-a11y-bar.c: speech, contrast and text size, on every kiosk screen */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-kiosk-a11y-bar.h"
#include "okn-kiosk-theme.h"

#define BUTTON_PX 64

struct _OknKioskA11yBar
{
  GtkBox parent_instance;

  OknKioskVoice *voice;
  GtkWidget *speech;
  GtkWidget *contrast;
  GtkWidget *smaller;
  GtkWidget *larger;
  OknLanguage lang;
  gulong enabled_id;
  GtkStyleContext *toplevel_style;  /* (weak) whose classes hold the text size */
  gulong toplevel_style_id;
};

G_DEFINE_FINAL_TYPE (OknKioskA11yBar, okn_kiosk_a11y_bar, GTK_TYPE_BOX)

static void
set_words (GtkWidget  *button,
           const char *label,
           const char *name)
{
  gtk_button_set_label (GTK_BUTTON (button), label);
  atk_object_set_name (gtk_widget_get_accessible (button), name);
}

static void
relabel (OknKioskA11yBar *self)
{
  OknLanguage l = self->lang;

  set_words (self->speech, OKN_TRC (l, "a11y", "Speech"),
             OKN_TRC (l, "a11y", "Read the screen aloud"));
  set_words (self->contrast, OKN_TRC (l, "a11y", "Contrast"),
             OKN_TRC (l, "a11y", "Change the colours for more contrast"));
  /* A− and A+: what a large-text control says on most devices. */
  set_words (self->smaller, "A−", OKN_TRC (l, "a11y", "Smaller text"));
  set_words (self->larger, "A+", OKN_TRC (l, "a11y", "Larger text"));
}

static void
update_size_buttons (OknKioskA11yBar *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  guint size = GTK_IS_WINDOW (toplevel) ? okn_kiosk_text_size_get (toplevel) : OKN_KIOSK_TEXT_SIZE_MIN;

  gtk_widget_set_sensitive (self->smaller, size > OKN_KIOSK_TEXT_SIZE_MIN);
  gtk_widget_set_sensitive (self->larger, size < OKN_KIOSK_TEXT_SIZE_MAX);
}

static void
on_speech_toggled (GtkToggleButton *button,
                   OknKioskA11yBar *self)
{
  if (gtk_toggle_button_get_active (button) != okn_speech_get_enabled (okn_kiosk_voice_get_speech (self->voice)))
    okn_kiosk_voice_toggle (self->voice);
}

static void
on_enabled_changed (OknSpeech       *speech,
                    GParamSpec      *pspec,
                    OknKioskA11yBar *self)
{
  /* The keypad's key turned it on or off: the button shows it. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->speech), okn_speech_get_enabled (speech));
}

static void
on_contrast_clicked (GtkButton       *button,
                     OknKioskA11yBar *self)
{
  okn_kiosk_theme_set (GTK_WIDGET (self), okn_kiosk_theme_next (okn_kiosk_theme_get (GTK_WIDGET (self))));
}

static void
change_size (OknKioskA11yBar *self,
             int              step)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (!GTK_IS_WINDOW (toplevel))
    return;
  okn_kiosk_text_size_set (toplevel, (guint) ((int) okn_kiosk_text_size_get (toplevel) + step));
  update_size_buttons (self);
}

static void
on_smaller_clicked (GtkButton       *button,
                    OknKioskA11yBar *self)
{
  change_size (self, -OKN_KIOSK_TEXT_SIZE_STEP);
}

static void
on_larger_clicked (GtkButton       *button,
                   OknKioskA11yBar *self)
{
  change_size (self, OKN_KIOSK_TEXT_SIZE_STEP);
}

static GtkWidget *
add_button (OknKioskA11yBar *self,
            GtkWidget       *button,
            const char      *name)
{
  gtk_widget_set_name (button, name);
  gtk_widget_set_size_request (button, BUTTON_PX, BUTTON_PX);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "okn-kiosk-a11y");
  gtk_widget_show (button);
  gtk_container_add (GTK_CONTAINER (self), button);
  return button;
}

static void
forget_toplevel_style (OknKioskA11yBar *self)
{
  if (self->toplevel_style == NULL)
    return;
  g_clear_signal_handler (&self->toplevel_style_id, self->toplevel_style);
  g_object_remove_weak_pointer (G_OBJECT (self->toplevel_style), (gpointer *) &self->toplevel_style);
  self->toplevel_style = NULL;
}

/* A− and A+ follow the text size whoever sets it: the window puts it back
 * to 100 % when a resident walks away, and A+ greyed out from the last
 * resident's 200 % would leave the next one unable to raise it. */
static void
okn_kiosk_a11y_bar_hierarchy_changed (GtkWidget *widget,
                                      GtkWidget *previous_toplevel)
{
  OknKioskA11yBar *self = OKN_KIOSK_A11Y_BAR (widget);
  GtkWidget *toplevel = gtk_widget_get_toplevel (widget);

  forget_toplevel_style (self);
  if (GTK_IS_WINDOW (toplevel))
    {
      self->toplevel_style = gtk_widget_get_style_context (toplevel);
      g_object_add_weak_pointer (G_OBJECT (self->toplevel_style), (gpointer *) &self->toplevel_style);
      self->toplevel_style_id = g_signal_connect_swapped (self->toplevel_style, "changed",
                                                          G_CALLBACK (update_size_buttons), self);
    }
  update_size_buttons (self);
}

static void
okn_kiosk_a11y_bar_dispose (GObject *object)
{
  OknKioskA11yBar *self = OKN_KIOSK_A11Y_BAR (object);

  forget_toplevel_style (self);
  if (self->voice != NULL)
    g_clear_signal_handler (&self->enabled_id, okn_kiosk_voice_get_speech (self->voice));
  g_clear_object (&self->voice);
  G_OBJECT_CLASS (okn_kiosk_a11y_bar_parent_class)->dispose (object);
}

static void
okn_kiosk_a11y_bar_class_init (OknKioskA11yBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_kiosk_a11y_bar_dispose;
  widget_class->hierarchy_changed = okn_kiosk_a11y_bar_hierarchy_changed;
}

static void
okn_kiosk_a11y_bar_init (OknKioskA11yBar *self)
{
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->speech = add_button (self, gtk_toggle_button_new (), "speech");
  self->contrast = add_button (self, gtk_button_new (), "contrast");
  self->smaller = add_button (self, gtk_button_new (), "smaller");
  self->larger = add_button (self, gtk_button_new (), "larger");
  g_signal_connect (self->speech, "toggled", G_CALLBACK (on_speech_toggled), self);
  g_signal_connect (self->contrast, "clicked", G_CALLBACK (on_contrast_clicked), self);
  g_signal_connect (self->smaller, "clicked", G_CALLBACK (on_smaller_clicked), self);
  g_signal_connect (self->larger, "clicked", G_CALLBACK (on_larger_clicked), self);
  self->lang = OKN_LANGUAGE_PL;
  relabel (self);
}

/**
 * okn_kiosk_a11y_bar_new:
 * @voice: the window's voice (its speech is switched by the first button)
 *
 * Returns: (transfer floating): the bar
 */
GtkWidget *
okn_kiosk_a11y_bar_new (OknKioskVoice *voice)
{
  OknKioskA11yBar *self;

  g_return_val_if_fail (OKN_IS_KIOSK_VOICE (voice), NULL);

  self = g_object_new (OKN_TYPE_KIOSK_A11Y_BAR, NULL);
  self->voice = g_object_ref (voice);
  self->enabled_id = g_signal_connect (okn_kiosk_voice_get_speech (voice), "notify::enabled",
                                       G_CALLBACK (on_enabled_changed), self);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->speech),
                                okn_speech_get_enabled (okn_kiosk_voice_get_speech (voice)));
  return GTK_WIDGET (self);
}

/**
 * okn_kiosk_a11y_bar_set_language:
 *
 * Names the buttons in @lang: the kiosk window's language, set by the
 * window whenever it changes.
 */
void
okn_kiosk_a11y_bar_set_language (OknKioskA11yBar *self,
                                 OknLanguage      lang)
{
  g_return_if_fail (OKN_IS_KIOSK_A11Y_BAR (self));

  if (lang == self->lang)
    return;
  self->lang = lang;
  relabel (self);
}

/**
 * okn_kiosk_a11y_bar_get_button:
 * @which: "speech", "contrast", "smaller" or "larger"
 *
 * Returns: (transfer none) (nullable): the button
 */
GtkWidget *
okn_kiosk_a11y_bar_get_button (OknKioskA11yBar *self,
                               const char      *which)
{
  g_return_val_if_fail (OKN_IS_KIOSK_A11Y_BAR (self), NULL);

  if (g_strcmp0 (which, "speech") == 0)
    return self->speech;
  if (g_strcmp0 (which, "contrast") == 0)
    return self->contrast;
  if (g_strcmp0 (which, "smaller") == 0)
    return self->smaller;
  if (g_strcmp0 (which, "larger") == 0)
    return self->larger;
  return NULL;
}
