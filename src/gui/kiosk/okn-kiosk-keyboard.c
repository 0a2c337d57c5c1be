/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-keyboard.c: the kiosk's on-screen keyboard
 *
 * Keys are plain GtkButtons: they act on release (GtkButton::clicked),
 * work from a physical keyboard or a switch (they can be focused with Tab)
 * but do not take the focus when tapped (focus-on-click off), so the field
 * being typed into keeps its cursor. The field is the window's focused
 * GtkEntry or GtkTextView, or the last one that was focused, for a switch
 * user whose focus is on the keys themselves.
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-kiosk-keyboard.h"

/* 56 px is 14 mm on a 15.6" 1280x800 panel, well above the 48 px (9 mm)
 * minimum, and leaves the screen above room for its question and field:
 * six rows of keys take 366 px of 800. */
#define KEY_PX 56
#define KEY_SPACING 6

struct _OknKioskKeyboard
{
  GtkBox parent_instance;

  GtkWidget *rows;            /* the layout's rows of character keys */
  GtkWidget *shift;
  GtkWidget *space;
  GtkWidget *backspace;
  GtkWidget *layout_buttons[OKN_LANGUAGE_LAST + 1];

  OknLanguage language;       /* of the accessible names */
  OknLanguage layout;         /* of the character keys */
  GtkWidget *target;          /* (weak) the field typed into */
  GtkWidget *toplevel;        /* (weak) whose focus is followed */
  gulong set_focus_id;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (OknKioskKeyboard, okn_kiosk_keyboard, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_LANGUAGE,
  PROP_LAYOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Each row is a string of keys, one character each. Polish programmer's
 * QWERTY with the nine Polish letters on a row of their own (a kiosk has
 * no AltGr); Ukrainian ЙЦУКЕН with ґ and the apostrophe (U+02BC, the
 * letter the orthography uses, not U+0027) on the third row. */
static const char *const layout_rows[OKN_LANGUAGE_LAST + 1][5] = {
  [OKN_LANGUAGE_PL] = { "1234567890-,./@", "qwertyuiop", "asdfghjkl", "zxcvbnm", "ąćęłńóśźż" },
  [OKN_LANGUAGE_EN] = { "1234567890-,./@", "qwertyuiop", "asdfghjkl", "zxcvbnm", NULL },
  [OKN_LANGUAGE_UK] = { "1234567890-,./@", "йцукенгшщзхї", "фівапролджє", "ґячсмитьбюʼ", NULL },
};

/* Keys whose glyph a screen reader or our speech would not say well. */
static const struct
{
  const char *key;
  const char *name;
} key_names[] = {
  { "-", NC_ ("keyboard", "Hyphen") },
  { ",", NC_ ("keyboard", "Comma") },
  { ".", NC_ ("keyboard", "Full stop") },
  { "/", NC_ ("keyboard", "Slash") },
  { "@", NC_ ("keyboard", "At sign") },
  { "ʼ", NC_ ("keyboard", "Apostrophe") },
};

static const char *const layout_titles[OKN_LANGUAGE_LAST + 1] = {
  [OKN_LANGUAGE_PL] = "PL",
  [OKN_LANGUAGE_EN] = "EN",
  [OKN_LANGUAGE_UK] = "УКР",
};

static const char *const layout_names[OKN_LANGUAGE_LAST + 1] = {
  [OKN_LANGUAGE_PL] = NC_ ("keyboard", "Polish keyboard"),
  [OKN_LANGUAGE_EN] = NC_ ("keyboard", "English keyboard"),
  [OKN_LANGUAGE_UK] = NC_ ("keyboard", "Ukrainian keyboard"),
};

static const char *
tr (OknKioskKeyboard *self,
    const char       *msgid)
{
  return okn_labels_gettext (self->language, "keyboard", msgid);
}

static void
set_name (GtkWidget  *widget,
          const char *name)
{
  AtkObject *acc = gtk_widget_get_accessible (widget);

  if (acc != NULL)
    atk_object_set_name (acc, name);
}

static gboolean
is_text_field (GtkWidget *widget)
{
  return GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget);
}

/* The field typed into: the window's focus when it is a field, else the
 * last field focused, while it can still take text. */
static GtkWidget *
current_target (OknKioskKeyboard *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));
  GtkWidget *focus = GTK_IS_WINDOW (toplevel) ? gtk_window_get_focus (GTK_WINDOW (toplevel)) : NULL;
  GtkWidget *target = is_text_field (focus) ? focus : self->target;

  if (target == NULL || !gtk_widget_is_sensitive (target) || !gtk_widget_get_mapped (target)
      || gtk_widget_get_toplevel (target) != toplevel)
    return NULL;
  if (GTK_IS_ENTRY (target) && !gtk_editable_get_editable (GTK_EDITABLE (target)))
    return NULL;
  if (GTK_IS_TEXT_VIEW (target) && !gtk_text_view_get_editable (GTK_TEXT_VIEW (target)))
    return NULL;
  return target;
}

/* A key on the field, as on a physical keyboard: @text (a letter, the
 * space) replaces the selection; %NULL, Backspace, deletes the selection
 * or else the character before the cursor. */
static void
key_on_target (OknKioskKeyboard *self,
               const char       *text)
{
  GtkWidget *target = current_target (self);

  if (target == NULL)
    return;
  if (GTK_IS_ENTRY (target))
    {
      GtkEditable *editable = GTK_EDITABLE (target);
      gboolean selected = gtk_editable_get_selection_bounds (editable, NULL, NULL);
      int pos;

      gtk_editable_delete_selection (editable);
      pos = gtk_editable_get_position (editable);
      if (text)
        {
          gtk_editable_insert_text (editable, text, -1, &pos);
          gtk_editable_set_position (editable, pos);
        }
      else if (!selected && pos > 0)
        gtk_editable_delete_text (editable, pos - 1, pos);
    }
  else
    {
      GtkTextView *view = GTK_TEXT_VIEW (target);
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
      gboolean selected = gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
      GtkTextIter iter;

      if (text)
        {
          gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
          gtk_text_view_scroll_mark_onscreen (view, gtk_text_buffer_get_insert (buffer));
        }
      else if (!selected)
        {
          gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
          gtk_text_buffer_backspace (buffer, &iter, TRUE, TRUE);
        }
    }
}

static gboolean
shifted (OknKioskKeyboard *self)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->shift));
}

static char *
key_text (OknKioskKeyboard *self,
          const char       *key)
{
  return shifted (self) ? g_utf8_strup (key, -1) : g_strdup (key);
}

static void
relabel_key (GtkWidget *button,
             gpointer   data)
{
  OknKioskKeyboard *self = data;
  const char *key = g_object_get_data (G_OBJECT (button), "okn-key");
  g_autofree char *text = NULL;

  if (key == NULL)
    return;
  text = key_text (self, key);
  gtk_button_set_label (GTK_BUTTON (button), text);
  for (gsize i = 0; i < G_N_ELEMENTS (key_names); i++)
    if (g_str_equal (key, key_names[i].key))
      set_name (button, tr (self, key_names[i].name));
}

static void
relabel_row (GtkWidget *row,
             gpointer   data)
{
  gtk_container_foreach (GTK_CONTAINER (row), relabel_key, data);
}

static void
relabel (OknKioskKeyboard *self)
{
  gtk_container_foreach (GTK_CONTAINER (self->rows), relabel_row, self);
  set_name (self->shift, tr (self, NC_ ("keyboard", "Capital letter")));
  gtk_button_set_label (GTK_BUTTON (self->space), tr (self, NC_ ("keyboard", "Space")));
  set_name (self->backspace, tr (self, NC_ ("keyboard", "Delete the letter before the cursor")));
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    set_name (self->layout_buttons[l], tr (self, layout_names[l]));
}

static void
on_key_clicked (GtkButton        *button,
                OknKioskKeyboard *self)
{
  g_autofree char *text = key_text (self, g_object_get_data (G_OBJECT (button), "okn-key"));

  key_on_target (self, text);
  /* Shift is for one letter, as on a phone: a resident who wanted a
   * capital at the start of a name does not get a shouted word. */
  if (shifted (self))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->shift), FALSE);
}

static GtkWidget *
make_button (GtkWidget *button,
             const char *label)
{
  if (label != NULL)
    gtk_button_set_label (GTK_BUTTON (button), label);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_set_size_request (button, KEY_PX, KEY_PX);
  gtk_style_context_add_class (gtk_widget_get_style_context (button), "okn-kiosk-key");
  gtk_widget_show (button);
  return button;
}

static void
build_rows (OknKioskKeyboard *self)
{
  const char *const *rows = layout_rows[self->layout];

  gtk_container_foreach (GTK_CONTAINER (self->rows), (GtkCallback) gtk_widget_destroy, NULL);
  for (int r = 0; r < (int) G_N_ELEMENTS (layout_rows[0]) && rows[r] != NULL; r++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, KEY_SPACING);

      gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
      for (const char *p = rows[r]; *p; p = g_utf8_next_char (p))
        {
          GtkWidget *key = make_button (gtk_button_new (), NULL);

          g_object_set_data_full (G_OBJECT (key), "okn-key",
                                  g_strndup (p, (gsize) (g_utf8_next_char (p) - p)), g_free);
          g_signal_connect (key, "clicked", G_CALLBACK (on_key_clicked), self);
          gtk_container_add (GTK_CONTAINER (row), key);
        }
      gtk_widget_show (row);
      gtk_container_add (GTK_CONTAINER (self->rows), row);
    }
  relabel (self);
}

static void
on_shift_toggled (GtkToggleButton  *button,
                  OknKioskKeyboard *self)
{
  relabel (self);
}

static void
on_space_clicked (GtkButton        *button,
                  OknKioskKeyboard *self)
{
  key_on_target (self, " ");
}

static void
on_backspace_clicked (GtkButton        *button,
                      OknKioskKeyboard *self)
{
  key_on_target (self, NULL);
}

static void
on_layout_toggled (GtkToggleButton  *button,
                   OknKioskKeyboard *self)
{
  if (self->updating || !gtk_toggle_button_get_active (button))
    return;
  okn_kiosk_keyboard_set_layout (self,
                                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "okn-layout")));
}

static void
on_set_focus (GtkWindow        *window,
              GtkWidget        *widget,
              OknKioskKeyboard *self)
{
  if (is_text_field (widget))
    g_set_weak_pointer (&self->target, widget);
}

static void
follow_toplevel (OknKioskKeyboard *self)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (self));

  if (!GTK_IS_WINDOW (toplevel))
    toplevel = NULL;
  if (toplevel == self->toplevel)
    return;
  if (self->toplevel != NULL)
    g_clear_signal_handler (&self->set_focus_id, self->toplevel);
  g_set_weak_pointer (&self->toplevel, toplevel);
  if (toplevel != NULL)
    {
      GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (toplevel));

      self->set_focus_id = g_signal_connect (toplevel, "set-focus", G_CALLBACK (on_set_focus), self);
      if (is_text_field (focus))
        g_set_weak_pointer (&self->target, focus);
    }
}

static void
okn_kiosk_keyboard_hierarchy_changed (GtkWidget *widget,
                                      GtkWidget *previous_toplevel)
{
  follow_toplevel (OKN_KIOSK_KEYBOARD (widget));
}

static void
okn_kiosk_keyboard_dispose (GObject *object)
{
  OknKioskKeyboard *self = OKN_KIOSK_KEYBOARD (object);

  if (self->toplevel != NULL)
    g_clear_signal_handler (&self->set_focus_id, self->toplevel);
  g_clear_weak_pointer (&self->toplevel);
  g_clear_weak_pointer (&self->target);
  G_OBJECT_CLASS (okn_kiosk_keyboard_parent_class)->dispose (object);
}

static OknLanguage
language_from_value (const GValue *value)
{
  OknLanguage lang = OKN_LANGUAGE_PL;

  if (!okn_language_from_string (g_value_get_string (value), &lang))
    lang = OKN_LANGUAGE_PL;
  return lang;
}

static void
okn_kiosk_keyboard_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  OknKioskKeyboard *self = OKN_KIOSK_KEYBOARD (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_value_set_string (value, okn_language_to_string (self->language));
      break;
    case PROP_LAYOUT:
      g_value_set_string (value, okn_language_to_string (self->layout));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_kiosk_keyboard_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  OknKioskKeyboard *self = OKN_KIOSK_KEYBOARD (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      okn_kiosk_keyboard_set_language (self, language_from_value (value));
      break;
    case PROP_LAYOUT:
      okn_kiosk_keyboard_set_layout (self, language_from_value (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_kiosk_keyboard_class_init (OknKioskKeyboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_kiosk_keyboard_dispose;
  object_class->get_property = okn_kiosk_keyboard_get_property;
  object_class->set_property = okn_kiosk_keyboard_set_property;
  widget_class->hierarchy_changed = okn_kiosk_keyboard_hierarchy_changed;

  /* "pl", "en" or "uk": the kiosk window binds its current language here;
   * the layout follows it. */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, "pl",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYOUT] =
    g_param_spec_string ("layout", NULL, NULL, "pl",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "okn-kiosk-keyboard");
}

static void
okn_kiosk_keyboard_init (OknKioskKeyboard *self)
{
  GtkWidget *bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, KEY_SPACING);
  GSList *group = NULL;

  self->language = OKN_LANGUAGE_PL;
  self->layout = OKN_LANGUAGE_PL;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), KEY_SPACING);

  self->rows = gtk_box_new (GTK_ORIENTATION_VERTICAL, KEY_SPACING);
  gtk_widget_show (self->rows);
  gtk_container_add (GTK_CONTAINER (self), self->rows);

  gtk_widget_set_halign (bottom, GTK_ALIGN_CENTER);
  for (int l = 0; l <= OKN_LANGUAGE_LAST; l++)
    {
      GtkWidget *button = make_button (gtk_radio_button_new_with_label (group, layout_titles[l]), NULL);

      gtk_toggle_button_set_mode (GTK_TOGGLE_BUTTON (button), FALSE);
      group = gtk_radio_button_get_group (GTK_RADIO_BUTTON (button));
      g_object_set_data (G_OBJECT (button), "okn-layout", GINT_TO_POINTER (l));
      g_signal_connect (button, "toggled", G_CALLBACK (on_layout_toggled), self);
      self->layout_buttons[l] = button;
      gtk_container_add (GTK_CONTAINER (bottom), button);
    }
  self->shift = make_button (gtk_toggle_button_new_with_label ("⇧"), NULL);
  g_signal_connect (self->shift, "toggled", G_CALLBACK (on_shift_toggled), self);
  gtk_container_add (GTK_CONTAINER (bottom), self->shift);
  self->space = make_button (gtk_button_new (), NULL);
  gtk_widget_set_size_request (self->space, KEY_PX * 5, KEY_PX);
  g_signal_connect (self->space, "clicked", G_CALLBACK (on_space_clicked), self);
  gtk_container_add (GTK_CONTAINER (bottom), self->space);
  self->backspace = make_button (gtk_button_new_with_label ("⌫"), NULL);
  gtk_widget_set_size_request (self->backspace, KEY_PX * 2, KEY_PX);
  g_signal_connect (self->backspace, "clicked", G_CALLBACK (on_backspace_clicked), self);
  gtk_container_add (GTK_CONTAINER (bottom), self->backspace);
  gtk_widget_show (bottom);
  gtk_container_add (GTK_CONTAINER (self), bottom);

  build_rows (self);
}

/* Public ------------------------------------------------------------------ */

/**
 * okn_kiosk_keyboard_new:
 *
 * Returns: (transfer floating): a keyboard with the Polish layout and
 *   Polish names; put it in the kiosk window below the screens
 */
GtkWidget *
okn_kiosk_keyboard_new (void)
{
  return g_object_new (OKN_TYPE_KIOSK_KEYBOARD, NULL);
}

/**
 * okn_kiosk_keyboard_set_language:
 * @lang: the resident's language
 *
 * Names the keys in @lang for screen readers and speech, and switches the
 * layout to @lang's; the resident may still pick another layout.
 */
void
okn_kiosk_keyboard_set_language (OknKioskKeyboard *self,
                                 OknLanguage       lang)
{
  g_return_if_fail (OKN_IS_KIOSK_KEYBOARD (self));
  g_return_if_fail ((guint) lang <= OKN_LANGUAGE_LAST);

  if (lang != self->language)
    {
      self->language = lang;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
    }
  okn_kiosk_keyboard_set_layout (self, lang);
  relabel (self);
}

/**
 * okn_kiosk_keyboard_set_layout:
 * @layout: whose letters the keys type
 *
 * What the layout buttons do; the names stay in the current language.
 */
void
okn_kiosk_keyboard_set_layout (OknKioskKeyboard *self,
                               OknLanguage       layout)
{
  g_return_if_fail (OKN_IS_KIOSK_KEYBOARD (self));
  g_return_if_fail ((guint) layout <= OKN_LANGUAGE_LAST);

  self->updating = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->layout_buttons[layout]), TRUE);
  self->updating = FALSE;
  if (layout == self->layout)
    return;
  self->layout = layout;
  build_rows (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYOUT]);
}

OknLanguage
okn_kiosk_keyboard_get_layout (OknKioskKeyboard *self)
{
  g_return_val_if_fail (OKN_IS_KIOSK_KEYBOARD (self), OKN_LANGUAGE_PL);
  return self->layout;
}

/**
 * okn_kiosk_keyboard_get_shift:
 *
 * Returns: whether the next letter is a capital
 */
gboolean
okn_kiosk_keyboard_get_shift (OknKioskKeyboard *self)
{
  g_return_val_if_fail (OKN_IS_KIOSK_KEYBOARD (self), FALSE);
  return shifted (self);
}

/**
 * okn_kiosk_keyboard_get_key:
 * @text: a character of the current layout (either case), or one of
 *   "shift", "space", "backspace", "layout-pl", "layout-en", "layout-uk"
 *
 * Returns: (transfer none) (nullable): the key's button
 */
GtkWidget *
okn_kiosk_keyboard_get_key (OknKioskKeyboard *self,
                            const char       *text)
{
  g_autofree char *lower = NULL;
  OknLanguage lang;

  g_return_val_if_fail (OKN_IS_KIOSK_KEYBOARD (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  if (g_str_equal (text, "shift"))
    return self->shift;
  if (g_str_equal (text, "space"))
    return self->space;
  if (g_str_equal (text, "backspace"))
    return self->backspace;
  if (g_str_has_prefix (text, "layout-") && okn_language_from_string (text + strlen ("layout-"), &lang))
    return self->layout_buttons[lang];

  lower = g_utf8_strdown (text, -1);
  {
    g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->rows));

    for (GList *r = rows; r; r = r->next)
      {
        g_autoptr (GList) keys = gtk_container_get_children (GTK_CONTAINER (r->data));

        for (GList *k = keys; k; k = k->next)
          if (g_strcmp0 (g_object_get_data (G_OBJECT (k->data), "okn-key"), lower) == 0)
            return k->data;
      }
  }
  return NULL;
}

/**
 * okn_kiosk_keyboard_get_target:
 *
 * Returns: (transfer none) (nullable): the field the keys type into now
 */
GtkWidget *
okn_kiosk_keyboard_get_target (OknKioskKeyboard *self)
{
  g_return_val_if_fail (OKN_IS_KIOSK_KEYBOARD (self), NULL);
  return current_target (self);
}
