/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-screen.c: one screen of the resident kiosk, in the resident's
 * language
 *
 * The process locale is the kiosk's staff language and never changes; a
 * resident's language is a value the screens carry. So the widgets do not
 * hold translated strings once: each registers its msgid, and a language
 * switch sets every registered text again (and the accessible names with
 * them, which a screen reader and the accessibility walker read).
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include "okn-kiosk-screen.h"
#include "okn-gui-util.h"

typedef struct
{
  char *name;
  GtkWidget *title;
  GtkWidget *body;
  GtkWidget *actions;
  OknLanguage lang;
  char *title_msgid;
  char *announcement;
  gboolean announcement_set;   /* the owner's, not the title */
  GHashTable *texts;           /* GtkWidget* → msgid (static strings) */
  OknKioskKeyboardMode keyboard;
} OknKioskScreenPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (OknKioskScreen, okn_kiosk_screen, GTK_TYPE_BOX)

enum
{
  PROP_0,
  PROP_ANNOUNCEMENT,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum
{
  RELABEL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Static helpers ---------------------------------------------------------- */

static void
on_text_widget_destroyed (gpointer  data,
                          GObject  *where)
{
  OknKioskScreenPrivate *priv = data;

  g_hash_table_remove (priv->texts, where);
}

/**
 * okn_kiosk_set_text:
 * @widget: a label, a button made by okn_kiosk_button_new() or an entry
 * @text: the words, already in the resident's language
 *
 * Shows @text on @widget (an entry's placeholder) and makes it the
 * widget's accessible name.
 */
void
okn_kiosk_set_text (GtkWidget  *widget,
                    const char *text)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (widget), "okn-kiosk-label");

  if (GTK_IS_LABEL (widget))
    gtk_label_set_text (GTK_LABEL (widget), text);
  else if (label != NULL)
    gtk_label_set_text (GTK_LABEL (label), text);
  else if (GTK_IS_ENTRY (widget))
    gtk_entry_set_placeholder_text (GTK_ENTRY (widget), text);
  else if (GTK_IS_BUTTON (widget))
    gtk_button_set_label (GTK_BUTTON (widget), text);
  if (!GTK_IS_LABEL (widget))
    okn_gui_set_accessible (widget, text);
}

/* The buttons of the actions row (Back, Next, Finish) carry their icon
 * beside their words, not above: one button high, so that a screen keeps
 * room for its question when the on-screen keyboard shows under it. */
static void
flatten_action (GtkWidget *button,
                gpointer   data)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (button), "okn-kiosk-label");
  GtkWidget *box = label ? gtk_widget_get_parent (label) : NULL;

  if (GTK_IS_BOX (box))
    gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
}

/* GObject ------------------------------------------------------------------ */

static void
okn_kiosk_screen_finalize (GObject *object)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (OKN_KIOSK_SCREEN (object));
  GHashTableIter iter;
  gpointer widget;

  g_hash_table_iter_init (&iter, priv->texts);
  while (g_hash_table_iter_next (&iter, &widget, NULL))
    g_object_weak_unref (widget, on_text_widget_destroyed, priv);
  g_hash_table_unref (priv->texts);
  g_free (priv->name);
  g_free (priv->title_msgid);
  g_free (priv->announcement);
  G_OBJECT_CLASS (okn_kiosk_screen_parent_class)->finalize (object);
}

static void
okn_kiosk_screen_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OknKioskScreen *self = OKN_KIOSK_SCREEN (object);

  switch (prop_id)
    {
    case PROP_ANNOUNCEMENT:
      g_value_set_string (value, okn_kiosk_screen_get_announcement (self));
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, okn_language_to_string (okn_kiosk_screen_get_language (self)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_kiosk_screen_class_init (OknKioskScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = okn_kiosk_screen_finalize;
  object_class->get_property = okn_kiosk_screen_get_property;

  /**
   * OknKioskScreen:announcement:
   *
   * What speech reads when the screen is entered, in the screen's
   * language.
   */
  props[PROP_ANNOUNCEMENT] = g_param_spec_string ("announcement", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                                  | G_PARAM_STATIC_STRINGS);
  /**
   * OknKioskScreen:language:
   *
   * The resident's language the screen speaks: `pl`, `en` or `uk`.
   */
  props[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, "pl",
                                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY
                                              | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  /**
   * OknKioskScreen::relabel:
   *
   * The language changed (or the owner asked): set the words that are
   * not registered msgids.
   */
  signals[RELABEL] = g_signal_new ("relabel", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   G_STRUCT_OFFSET (OknKioskScreenClass, relabel), NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "kioskscreen");
}

static void
okn_kiosk_screen_init (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  priv->texts = g_hash_table_new (NULL, NULL);
  priv->lang = OKN_LANGUAGE_PL;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 24);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "okn-kiosk-screen");

  priv->title = okn_kiosk_label_new ("okn-kiosk-title");
  gtk_label_set_line_wrap (GTK_LABEL (priv->title), TRUE);
  gtk_label_set_justify (GTK_LABEL (priv->title), GTK_JUSTIFY_CENTER);
  gtk_box_pack_start (GTK_BOX (self), priv->title, FALSE, FALSE, 0);
  /* The body scrolls, so a long answer or 200 % text never pushes the
   * screen's buttons (the actions, below it) off a small screen. */
  {
    GtkWidget *scroll = gtk_scrolled_window_new (NULL, NULL);

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
    gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroll), TRUE);
    gtk_widget_set_vexpand (scroll, TRUE);
    priv->body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 16);
    gtk_widget_set_halign (priv->body, GTK_ALIGN_FILL);
    gtk_container_add (GTK_CONTAINER (scroll), priv->body);
    gtk_box_pack_start (GTK_BOX (self), scroll, TRUE, TRUE, 0);
  }
  priv->actions = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_box_pack_end (GTK_BOX (self), priv->actions, FALSE, FALSE, 0);
  gtk_widget_show_all (GTK_WIDGET (self));
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_kiosk_screen_new:
 * @name: the screen's name in the kiosk's stacks ("start", "category", ...)
 * @title_msgid: (nullable): the title, an English msgid marked with N_()
 *
 * Returns: (transfer floating): an empty screen, in Polish until told
 */
OknKioskScreen *
okn_kiosk_screen_new (const char *name,
                      const char *title_msgid)
{
  OknKioskScreen *self = g_object_new (OKN_TYPE_KIOSK_SCREEN, NULL);
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  priv->name = g_strdup (name);
  gtk_widget_set_name (GTK_WIDGET (self), name);
  okn_kiosk_screen_translate_title (self, title_msgid);
  return self;
}

const char *
okn_kiosk_screen_get_name (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->name;
}

/**
 * okn_kiosk_screen_get_body:
 *
 * Returns: (transfer none): the vertical box under the title, for the
 *   screen's owner to fill
 */
GtkWidget *
okn_kiosk_screen_get_body (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->body;
}

/**
 * okn_kiosk_screen_get_actions:
 *
 * Returns: (transfer none): the row of buttons under the body (Back,
 *   Next, Finish), always on the screen
 */
GtkWidget *
okn_kiosk_screen_get_actions (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->actions;
}

/**
 * okn_kiosk_screen_get_title_label:
 *
 * Returns: (transfer none): the title's label
 */
GtkWidget *
okn_kiosk_screen_get_title_label (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->title;
}

/**
 * okn_kiosk_screen_set_language:
 *
 * Sets every registered text in @lang, lets the screen's owner set its
 * own (::relabel), and announces the new announcement.
 */
void
okn_kiosk_screen_set_language (OknKioskScreen *self,
                               OknLanguage     lang)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);
  gboolean changed = priv->lang != lang;

  priv->lang = lang;
  gtk_container_foreach (GTK_CONTAINER (priv->actions), flatten_action, NULL);
  okn_kiosk_screen_relabel (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LANGUAGE]);
}

OknLanguage
okn_kiosk_screen_get_language (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->lang;
}

/**
 * okn_kiosk_screen_tr:
 * @msgid: an English msgid marked with N_()
 *
 * Returns: (transfer none): @msgid in the screen's language
 */
const char *
okn_kiosk_screen_tr (OknKioskScreen *self,
                     const char     *msgid)
{
  return okn_labels_gettext (okn_kiosk_screen_get_language (self), NULL, msgid);
}

/**
 * okn_kiosk_screen_get_announcement:
 *
 * Returns: what speech reads on entering the screen: the owner's words
 *   when it set them, else the title
 */
const char *
okn_kiosk_screen_get_announcement (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  if (priv->announcement_set)
    return priv->announcement ? priv->announcement : "";
  return priv->title_msgid ? okn_kiosk_screen_tr (self, priv->title_msgid) : "";
}

/**
 * okn_kiosk_screen_set_announcement:
 * @text: (nullable): already in the screen's language; %NULL: the title
 */
void
okn_kiosk_screen_set_announcement (OknKioskScreen *self,
                                   const char     *text)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  if (priv->announcement_set && g_strcmp0 (priv->announcement, text) == 0)
    return;
  g_free (priv->announcement);
  priv->announcement = g_strdup (text);
  priv->announcement_set = text != NULL;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ANNOUNCEMENT]);
}

/**
 * okn_kiosk_screen_translate:
 * @widget: a label, a button of okn_kiosk_button_new() or an entry on
 *   this screen
 * @msgid: (nullable): a static English msgid marked with N_(); %NULL
 *   forgets the widget (its text is the owner's)
 *
 * Shows @msgid in the screen's language on @widget now and after every
 * language switch.
 */
void
okn_kiosk_screen_translate (OknKioskScreen *self,
                            GtkWidget      *widget,
                            const char     *msgid)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  if (!g_hash_table_contains (priv->texts, widget))
    {
      if (msgid == NULL)
        return;
      g_object_weak_ref (G_OBJECT (widget), on_text_widget_destroyed, priv);
    }
  else if (msgid == NULL)
    {
      g_object_weak_unref (G_OBJECT (widget), on_text_widget_destroyed, priv);
      g_hash_table_remove (priv->texts, widget);
      return;
    }
  g_hash_table_insert (priv->texts, widget, (gpointer) msgid);
  okn_kiosk_set_text (widget, okn_kiosk_screen_tr (self, msgid));
}

void
okn_kiosk_screen_translate_title (OknKioskScreen *self,
                                  const char     *msgid)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  g_free (priv->title_msgid);
  priv->title_msgid = g_strdup (msgid);
  gtk_widget_set_visible (priv->title, msgid != NULL);
  okn_kiosk_screen_translate (self, priv->title, msgid);
  if (!priv->announcement_set)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ANNOUNCEMENT]);
}

/**
 * okn_kiosk_screen_relabel:
 *
 * Sets every text again in the screen's language: after the owner
 * changed what its own words depend on.
 */
void
okn_kiosk_screen_relabel (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);
  GHashTableIter iter;
  gpointer widget, msgid;

  g_hash_table_iter_init (&iter, priv->texts);
  while (g_hash_table_iter_next (&iter, &widget, &msgid))
    okn_kiosk_set_text (widget, okn_kiosk_screen_tr (self, msgid));
  g_signal_emit (self, signals[RELABEL], 0);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ANNOUNCEMENT]);
}

/**
 * okn_kiosk_screen_set_keyboard_mode:
 *
 * When the window shows its on-screen keyboard under this screen
 * (%OKN_KIOSK_KEYBOARD_AUTO unless told).
 */
void
okn_kiosk_screen_set_keyboard_mode (OknKioskScreen       *self,
                                    OknKioskKeyboardMode  mode)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  priv->keyboard = mode;
}

OknKioskKeyboardMode
okn_kiosk_screen_get_keyboard_mode (OknKioskScreen *self)
{
  OknKioskScreenPrivate *priv = okn_kiosk_screen_get_instance_private (self);

  return priv->keyboard;
}

/**
 * okn_kiosk_button_new:
 * @icon_name: (nullable): a symbolic icon shown above the words
 * @style_class: (nullable): a style class besides `okn-kiosk-button`
 *
 * A large touch target (at least %OKN_KIOSK_TARGET_PX, activated on
 * release as every GtkButton is) whose words okn_kiosk_set_text() sets.
 *
 * Returns: (transfer floating): the button
 */
GtkWidget *
okn_kiosk_button_new (const char *icon_name,
                      const char *style_class)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *label = gtk_label_new (NULL);
  GtkStyleContext *style = gtk_widget_get_style_context (button);

  gtk_style_context_add_class (style, "okn-kiosk-button");
  if (style_class)
    gtk_style_context_add_class (style, style_class);
  gtk_widget_set_size_request (button, OKN_KIOSK_TARGET_PX, OKN_KIOSK_TARGET_PX);
  if (icon_name)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon_name, GTK_ICON_SIZE_DIALOG);

      gtk_image_set_pixel_size (GTK_IMAGE (image), 48);
      gtk_box_pack_start (GTK_BOX (box), image, FALSE, FALSE, 0);
      g_object_set_data (G_OBJECT (button), "okn-kiosk-image", image);
    }
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_box_pack_start (GTK_BOX (box), label, TRUE, TRUE, 0);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_container_add (GTK_CONTAINER (button), box);
  g_object_set_data (G_OBJECT (button), "okn-kiosk-label", label);
  gtk_widget_show_all (button);
  return button;
}

/**
 * okn_kiosk_label_new:
 * @style_class: (nullable): e.g. `okn-kiosk-title`
 *
 * Returns: (transfer floating): a wrapping label for a resident's eyes
 */
GtkWidget *
okn_kiosk_label_new (const char *style_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0.5);
  gtk_style_context_add_class (gtk_widget_get_style_context (label), "okn-kiosk-text");
  if (style_class)
    gtk_style_context_add_class (gtk_widget_get_style_context (label), style_class);
  gtk_widget_show (label);
  return label;
}

/**
 * okn_kiosk_summary_new:
 *
 * Returns: (transfer floating): a table of answers, what each is on the
 *   left and the answer on the right (a report's summary before it is
 *   sent, a checked ticket's answer); rows added with
 *   okn_kiosk_summary_add()
 */
GtkWidget *
okn_kiosk_summary_new (void)
{
  GtkWidget *grid = gtk_grid_new ();

  gtk_grid_set_row_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 24);
  gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
  return grid;
}

/**
 * okn_kiosk_summary_add:
 * @summary: made by okn_kiosk_summary_new()
 * @name: (nullable): the answer's widget name
 * @key: what the answer is: our words, or a server's (an attribute's
 *   question)
 * @value: (nullable): the answer, of one line or several
 *
 * Adds a row under the others. Both texts may come from outside (the
 * server, the resident): they are shown made safe.
 */
void
okn_kiosk_summary_add (GtkWidget  *summary,
                       const char *name,
                       const char *key,
                       const char *value)
{
  GtkWidget *k = okn_kiosk_label_new ("okn-kiosk-summary-key");
  GtkWidget *v = okn_kiosk_label_new (NULL);
  g_autofree char *key_shown = okn_text_display_line (key, -1);
  g_autofree char *shown = okn_text_display_block (value);

  gtk_label_set_text (GTK_LABEL (k), key_shown);
  gtk_label_set_xalign (GTK_LABEL (k), 1.0);
  gtk_label_set_yalign (GTK_LABEL (k), 0.0);
  gtk_label_set_text (GTK_LABEL (v), shown);
  gtk_label_set_xalign (GTK_LABEL (v), 0.0);
  gtk_label_set_max_width_chars (GTK_LABEL (v), 60);
  if (name)
    gtk_widget_set_name (v, name);
  gtk_grid_attach_next_to (GTK_GRID (summary), k, NULL, GTK_POS_BOTTOM, 1, 1);
  gtk_grid_attach_next_to (GTK_GRID (summary), v, k, GTK_POS_RIGHT, 1, 1);
}

/**
 * okn_kiosk_summary_clear:
 *
 * Removes every row of @summary.
 */
void
okn_kiosk_summary_clear (GtkWidget *summary)
{
  gtk_container_foreach (GTK_CONTAINER (summary), (GtkCallback) gtk_widget_destroy, NULL);
}

/**
 * okn_kiosk_set_context:
 * @control: a control of a screen's body
 * @text: the text above @control that says what it answers (the contact
 *   screen's explanation above its consent box)
 *
 * The window keeps @text in view together with @control whenever
 * @control has the focus, as it keeps a field's question (its mnemonic
 * label) with the field.
 */
void
okn_kiosk_set_context (GtkWidget *control,
                       GtkWidget *text)
{
  g_object_set_data_full (G_OBJECT (control), "okn-kiosk-context", g_object_ref (text), g_object_unref);
}

/**
 * okn_kiosk_get_context:
 *
 * Returns: (transfer none) (nullable): the text set with
 *   okn_kiosk_set_context()
 */
GtkWidget *
okn_kiosk_get_context (GtkWidget *control)
{
  return g_object_get_data (G_OBJECT (control), "okn-kiosk-context");
}
