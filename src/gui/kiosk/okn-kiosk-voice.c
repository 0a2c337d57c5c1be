/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-voice.c: the kiosk window read aloud
 *
 * The window's own key-press handler and a capture-phase gesture see every
 * key and touch before any widget does, so speech stops before the
 * resident's action has any effect; what that action brings (a new screen,
 * a new focus) is then said in its place.
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-kiosk-voice.h"

struct _OknKioskVoice
{
  GObject parent_instance;

  OknSpeech *speech;
  GtkWindow *window;          /* (weak) */
  GtkGesture *touch;
  gulong set_focus_id;
  gulong key_press_id;
  char *announcement;         /* the current screen's, said again when speech comes on */
};

G_DEFINE_FINAL_TYPE (OknKioskVoice, okn_kiosk_voice, G_TYPE_OBJECT)

static void
detach (OknKioskVoice *self)
{
  if (self->window != NULL)
    {
      g_clear_signal_handler (&self->set_focus_id, self->window);
      g_clear_signal_handler (&self->key_press_id, self->window);
    }
  g_clear_object (&self->touch);
  g_clear_weak_pointer (&self->window);
}

/* What a control is, in words, after its name. */
static const char *
role_word (GtkWidget   *widget,
           OknLanguage  lang)
{
  if (GTK_IS_TOGGLE_BUTTON (widget))
    return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget))
             ? OKN_TRC (lang, "speech", "switched on")
             : OKN_TRC (lang, "speech", "switched off");
  if (GTK_IS_BUTTON (widget) || GTK_IS_FLOW_BOX_CHILD (widget) || GTK_IS_LIST_BOX_ROW (widget))
    return OKN_TRC (lang, "speech", "button");
  if (GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget))
    return OKN_TRC (lang, "speech", "text field");
  return NULL;
}

static void
on_set_focus (GtkWindow     *window,
              GtkWidget     *widget,
              OknKioskVoice *self)
{
  g_autofree char *text = NULL;

  if (widget == NULL)
    return;
  text = okn_kiosk_voice_describe (widget, okn_kiosk_voice_get_language (self));
  if (text != NULL)
    okn_speech_say (self->speech, okn_kiosk_voice_get_language (self), text);
}

static gboolean
on_key_press (GtkWidget     *widget,
              GdkEventKey   *event,
              OknKioskVoice *self)
{
  switch (event->keyval)
    {
    case OKN_KIOSK_VOICE_KEY_TOGGLE:
      okn_kiosk_voice_toggle (self);
      return GDK_EVENT_STOP;
    case OKN_KIOSK_VOICE_KEY_REPEAT:
      okn_speech_repeat (self->speech);
      return GDK_EVENT_STOP;
    default:
      break;
    }
  if (!event->is_modifier)
    okn_speech_stop (self->speech);
  return GDK_EVENT_PROPAGATE;
}

static void
on_touch (GtkGestureMultiPress *gesture,
          int                   n_press,
          double                x,
          double                y,
          OknKioskVoice        *self)
{
  okn_speech_stop (self->speech);
}

static void
okn_kiosk_voice_dispose (GObject *object)
{
  OknKioskVoice *self = OKN_KIOSK_VOICE (object);

  detach (self);
  g_clear_object (&self->speech);
  G_OBJECT_CLASS (okn_kiosk_voice_parent_class)->dispose (object);
}

static void
okn_kiosk_voice_finalize (GObject *object)
{
  OknKioskVoice *self = OKN_KIOSK_VOICE (object);

  g_free (self->announcement);
  G_OBJECT_CLASS (okn_kiosk_voice_parent_class)->finalize (object);
}

static void
okn_kiosk_voice_class_init (OknKioskVoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = okn_kiosk_voice_dispose;
  object_class->finalize = okn_kiosk_voice_finalize;
}

static void
okn_kiosk_voice_init (OknKioskVoice *self)
{
}

/**
 * okn_kiosk_voice_new:
 * @speech: the kiosk's speech output
 *
 * Returns: (transfer full): a voice for a window, attached with
 *   okn_kiosk_voice_attach()
 */
OknKioskVoice *
okn_kiosk_voice_new (OknSpeech *speech)
{
  OknKioskVoice *self;

  g_return_val_if_fail (OKN_IS_SPEECH (speech), NULL);

  self = g_object_new (OKN_TYPE_KIOSK_VOICE, NULL);
  self->speech = g_object_ref (speech);
  return self;
}

OknSpeech *
okn_kiosk_voice_get_speech (OknKioskVoice *self)
{
  g_return_val_if_fail (OKN_IS_KIOSK_VOICE (self), NULL);
  return self->speech;
}

/**
 * okn_kiosk_voice_attach:
 * @window: the kiosk window; its "language" property (pl, en, uk), when
 *   it has one, is the language spoken
 *
 * Follows @window's focus and input from now on.
 */
void
okn_kiosk_voice_attach (OknKioskVoice *self,
                        GtkWindow     *window)
{
  g_return_if_fail (OKN_IS_KIOSK_VOICE (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  detach (self);
  g_set_weak_pointer (&self->window, window);
  self->set_focus_id = g_signal_connect (window, "set-focus", G_CALLBACK (on_set_focus), self);
  self->key_press_id = g_signal_connect (window, "key-press-event", G_CALLBACK (on_key_press), self);
  self->touch = gtk_gesture_multi_press_new (GTK_WIDGET (window));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->touch), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->touch), GTK_PHASE_CAPTURE);
  g_signal_connect (self->touch, "pressed", G_CALLBACK (on_touch), self);
}

/**
 * okn_kiosk_voice_get_language:
 *
 * Returns: the attached window's language (Polish without one)
 */
OknLanguage
okn_kiosk_voice_get_language (OknKioskVoice *self)
{
  g_autofree char *code = NULL;
  OknLanguage lang = OKN_LANGUAGE_PL;

  g_return_val_if_fail (OKN_IS_KIOSK_VOICE (self), OKN_LANGUAGE_PL);

  if (self->window != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (self->window), "language"))
    g_object_get (self->window, "language", &code, NULL);
  if (code == NULL || !okn_language_from_string (code, &lang))
    lang = OKN_LANGUAGE_PL;
  return lang;
}

/**
 * okn_kiosk_voice_announce:
 * @text: (nullable): a screen's announcement, in the window's language
 *
 * Says @text in place of whatever was being said, and keeps it to say
 * when speech is turned on.
 */
void
okn_kiosk_voice_announce (OknKioskVoice *self,
                          const char    *text)
{
  g_return_if_fail (OKN_IS_KIOSK_VOICE (self));

  if (self->announcement != text)
    {
      g_free (self->announcement);
      self->announcement = g_strdup (text);
    }
  if (text != NULL)
    okn_speech_say (self->speech, okn_kiosk_voice_get_language (self), text);
}

/**
 * okn_kiosk_voice_announce_screen:
 * @screen: a kiosk screen: a widget with a string property "announcement"
 *
 * What the window calls when @screen is entered.
 */
void
okn_kiosk_voice_announce_screen (OknKioskVoice *self,
                                 GtkWidget     *screen)
{
  g_autofree char *text = NULL;

  g_return_if_fail (OKN_IS_KIOSK_VOICE (self));
  g_return_if_fail (GTK_IS_WIDGET (screen));

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (screen), "announcement"))
    g_object_get (screen, "announcement", &text, NULL);
  okn_kiosk_voice_announce (self, text);
}

/**
 * okn_kiosk_voice_toggle:
 *
 * Speech mode on (it says so, then the current screen) or off.
 */
void
okn_kiosk_voice_toggle (OknKioskVoice *self)
{
  OknLanguage lang;
  g_autofree char *text = NULL;

  g_return_if_fail (OKN_IS_KIOSK_VOICE (self));

  if (okn_speech_get_enabled (self->speech))
    {
      okn_speech_set_enabled (self->speech, FALSE);
      return;
    }
  okn_speech_set_enabled (self->speech, TRUE);
  lang = okn_kiosk_voice_get_language (self);
  text = g_strjoin (" ", OKN_TRC (lang, "speech", "Speech is on."), self->announcement ? self->announcement : "",
                    NULL);
  okn_speech_say (self->speech, lang, g_strstrip (text));
}

/**
 * okn_kiosk_voice_describe:
 *
 * Returns: (transfer full) (nullable): what is said when @widget takes
 *   the focus: its accessible name and what it is ("Next, button"), a
 *   field's text too
 */
char *
okn_kiosk_voice_describe (GtkWidget   *widget,
                          OknLanguage  lang)
{
  AtkObject *acc;
  const char *name;
  const char *role;
  GString *s;

  /* A tile's flow box child takes the focus for the tile: what is said
   * is the tile (a choice's state included). */
  if (GTK_IS_FLOW_BOX_CHILD (widget) && GTK_IS_BUTTON (gtk_bin_get_child (GTK_BIN (widget))))
    widget = gtk_bin_get_child (GTK_BIN (widget));
  acc = gtk_widget_get_accessible (widget);
  name = acc ? atk_object_get_name (acc) : NULL;
  role = role_word (widget, lang);

  if ((name == NULL || *name == '\0') && role == NULL)
    return NULL;
  s = g_string_new (name);
  if (role != NULL)
    g_string_append_printf (s, "%s%s", s->len ? ", " : "", role);
  /* A hidden field (the administrator's PIN) is never read out. */
  if (GTK_IS_ENTRY (widget) && gtk_entry_get_visibility (GTK_ENTRY (widget))
      && *gtk_entry_get_text (GTK_ENTRY (widget)))
    g_string_append_printf (s, ": %s", gtk_entry_get_text (GTK_ENTRY (widget)));
  return g_string_free (s, FALSE);
}
