/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-window.c: the resident kiosk: full screen, no way out but the
 * administrator's, every screen in the resident's language
 *
 * The window is a flat stack of OknKioskScreens (start, the report path's
 * steps, check-my-ticket, the staff message) under a bar with the
 * accessibility buttons (speech, contrast, text size) and the language
 * switch, and above the on-screen keyboard, which shows whenever the
 * screen has a field to type in. The report and check paths are objects
 * of their own that add their screens here. The window holds only what is
 * the window's: the language, which screen shows and what is read aloud
 * on entering it, and the lock (shortcuts, right clicks and close requests
 * that would leave the kiosk do nothing).
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-kiosk-window.h"
#include "okn-kiosk-report.h"
#include "okn-kiosk-check.h"
#include "okn-kiosk-a11y-bar.h"
#include "okn-kiosk-keyboard.h"
#include "okn-kiosk-theme.h"
#include "okn-kiosk-voice.h"
#include "okn-gui-util.h"

struct _OknKioskWindow
{
  GtkWindow parent_instance;

  OknContext *context;
  OknLanguage lang;
  GtkWidget *overlay;
  GtkWidget *bar;                   /* the hidden corner, accessibility, languages */
  GtkWidget *stack;                 /* every OknKioskScreen, by name */
  GtkWidget *keyboard;              /* under the screens, never over a field */
  OknSpeech *speech;
  OknKioskVoice *voice;
  GtkWidget *a11y_bar;
  char *announced;                  /* the shown screen's words last read aloud */
  GtkWidget *lang_buttons[OKN_LANGUAGE_LAST + 1];
  OknKioskScreen *start;
  GtkWidget *start_report;
  GtkWidget *start_check;
  OknKioskScreen *still_there;      /* the inactivity warning, over the screens */
  GtkGesture *block_secondary;      /* right clicks never reach a widget */
  GtkGesture *touches;              /* every press, for the inactivity clock */
  OknInactivity *inactivity;
  OknKioskReport *report;
  OknKioskCheck *check;
  OknScanBurst *burst;              /* keystrokes that may be the scanner's */
  OknKioskScreen *admin;            /* the PIN that leaves kiosk mode */
  GtkWidget *pin;
  GtkWidget *pin_message;
  guint pin_failures;
  gint64 corner_taps[5];            /* the hidden gesture: five taps in the corner */
  guint n_corner_taps;
  gboolean unlocked;
  gboolean following_caret;         /* the text or caret moved since the resident last scrolled */
  gboolean scrolling;               /* keep_focus_in_view() moves a screen's body */
  gboolean focus_moved;             /* kept in view again once its body is laid out */
  GtkWidget *reveal;                /* a message to bring into view once laid out */
  GtkWidget *reveal_from;           /* and what it is about, above it */
};

G_DEFINE_FINAL_TYPE (OknKioskWindow, okn_kiosk_window, GTK_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_LANGUAGE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

/* The languages a resident picks, each named in its own language. */
static const char *const language_names[OKN_LANGUAGE_LAST + 1] = {
  [OKN_LANGUAGE_PL] = "Polski",
  [OKN_LANGUAGE_EN] = "English",
  [OKN_LANGUAGE_UK] = "Українська",
};

/* Static helpers ---------------------------------------------------------- */

static void
relabel_screen (GtkWidget *child,
                gpointer   data)
{
  OknKioskWindow *self = data;

  if (OKN_IS_KIOSK_SCREEN (child))
    okn_kiosk_screen_set_language (OKN_KIOSK_SCREEN (child), self->lang);
}

static void
update_language_buttons (OknKioskWindow *self)
{
  for (guint i = 0; i <= OKN_LANGUAGE_LAST; i++)
    {
      GtkStyleContext *style = gtk_widget_get_style_context (self->lang_buttons[i]);

      if (i == self->lang)
        gtk_style_context_add_class (style, "okn-kiosk-current");
      else
        gtk_style_context_remove_class (style, "okn-kiosk-current");
      gtk_widget_set_state_flags (self->lang_buttons[i],
                                  i == self->lang ? GTK_STATE_FLAG_CHECKED : 0, TRUE);
    }
}

static void
on_language_clicked (GtkButton      *button,
                     OknKioskWindow *self)
{
  OknLanguage lang = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "okn-language"));

  okn_kiosk_window_set_language (self, lang);
}

/* What would leave or break out of the kiosk from a keyboard: closing
 * (Alt+F4, Ctrl+Q, Ctrl+W), the menu bar (F10), context menus (the Menu
 * key, Shift+F10), the inspector (Ctrl+Shift+D/I). A compositor's own
 * keys (VT switching) are the session's to disable (README). */
static gboolean
is_escape_key (const GdkEventKey *event)
{
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();
  guint key = gdk_keyval_to_lower (event->keyval);

  if (key == GDK_KEY_F10 || key == GDK_KEY_Menu)
    return TRUE;
  if ((mods & GDK_MOD1_MASK) && (key == GDK_KEY_F4 || key == GDK_KEY_space))
    return TRUE;
  if ((mods & GDK_CONTROL_MASK) && (key == GDK_KEY_q || key == GDK_KEY_w
                                    || key == GDK_KEY_d || key == GDK_KEY_i))
    return TRUE;
  return FALSE;
}

/* The kiosk's keyboard-wedge scanner, told from a person by the core's
 * recogniser (okn-scan-burst, as the desk's): a whole ticket payload at a
 * scanner's speed, ending in Enter, on the screens where a resident may
 * check a ticket. */
static gboolean
feed_scanner (OknKioskWindow *self,
              GdkEventKey    *event)
{
  g_autofree char *code = okn_gui_feed_scan_burst (self->burst, event);
  const char *screen;

  if (code == NULL)
    return FALSE;
  screen = okn_kiosk_window_get_screen_name (self);
  if (!g_str_equal (screen, "start") && !g_str_equal (screen, "check") && !g_str_equal (screen, "answer"))
    return FALSE;
  okn_gui_remove_scanned_text (gtk_window_get_focus (GTK_WINDOW (self)), okn_scan_burst_get_typed (self->burst));
  okn_kiosk_check_scanned (self->check, code);
  return TRUE;
}

static gboolean
okn_kiosk_window_key_press_event (GtkWidget   *widget,
                                  GdkEventKey *event)
{
  OknKioskWindow *self = OKN_KIOSK_WINDOW (widget);

  if (self->inactivity)
    okn_inactivity_poke (self->inactivity);
  if (is_escape_key (event))
    return GDK_EVENT_STOP;
  if (self->burst && feed_scanner (self, event))
    return GDK_EVENT_STOP;
  return GTK_WIDGET_CLASS (okn_kiosk_window_parent_class)->key_press_event (widget, event);
}

/* A close request (a window manager's close, a stray Alt+F4 it handles)
 * is refused: leaving needs the administrator's PIN. */
static gboolean
okn_kiosk_window_delete_event (GtkWidget   *widget,
                               GdkEventAny *event)
{
  return OKN_KIOSK_WINDOW (widget)->unlocked ? GDK_EVENT_PROPAGATE : GDK_EVENT_STOP;
}

/* The administrator's way out ------------------------------------------------ */

#define CORNER_TAPS       5
#define CORNER_WINDOW_US  (4 * G_USEC_PER_SEC)
#define PIN_TRIES         3

static void
on_pin_digit (GtkButton      *button,
              OknKioskWindow *self)
{
  const char *digit = g_object_get_data (G_OBJECT (button), "okn-digit");

  if (digit)
    {
      int pos = gtk_entry_get_text_length (GTK_ENTRY (self->pin));

      gtk_editable_insert_text (GTK_EDITABLE (self->pin), digit, -1, &pos);
    }
  else
    gtk_entry_set_text (GTK_ENTRY (self->pin), "");
}

static void
on_pin_cancel (OknKioskWindow *self)
{
  gtk_entry_set_text (GTK_ENTRY (self->pin), "");
  okn_kiosk_window_show_start (self);
}

/* The PIN is compared with its hash in the configuration and forgotten;
 * neither is ever logged. */
static void
on_pin_ok (OknKioskWindow *self)
{
  g_autofree char *stored = okn_config_get_string (okn_context_get_config (self->context), "kiosk.admin_pin");
  gboolean right;

  if (stored == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->pin_message),
                          _("No administrator PIN is set: kiosk mode cannot be left from the screen. "
                            "Set one with “okienkoctl config set kiosk.admin_pin -”."));
      gtk_entry_set_text (GTK_ENTRY (self->pin), "");
      return;
    }
  right = okn_pin_verify (stored, gtk_entry_get_text (GTK_ENTRY (self->pin)));
  gtk_entry_set_text (GTK_ENTRY (self->pin), "");
  if (!right)
    {
      g_message ("A wrong administrator PIN was typed at the kiosk");
      if (++self->pin_failures >= PIN_TRIES)
        {
          self->pin_failures = 0;
          okn_kiosk_window_show_start (self);
          return;
        }
      gtk_label_set_text (GTK_LABEL (self->pin_message), _("Wrong PIN."));
      return;
    }
  g_message ("Kiosk mode left with the administrator PIN");
  self->unlocked = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static OknKioskScreen *
make_admin_screen (OknKioskWindow *self)
{
  OknKioskScreen *screen = okn_kiosk_screen_new ("admin", NULL);
  GtkWidget *body = okn_kiosk_screen_get_body (screen);
  GtkWidget *title = okn_kiosk_label_new ("okn-kiosk-title");
  GtkWidget *pad = gtk_grid_new ();
  GtkWidget *ok = okn_kiosk_button_new ("system-log-out-symbolic", "destructive-action");
  GtkWidget *cancel = okn_kiosk_button_new ("go-previous-symbolic", NULL);
  static const char *const digits[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", NULL, "0", NULL };

  /* For staff, in the staff's language (the process locale). */
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (screen)), "okn-kiosk-staff");
  okn_kiosk_screen_set_keyboard_mode (screen, OKN_KIOSK_KEYBOARD_NEVER);
  gtk_label_set_text (GTK_LABEL (title), _("Administrator PIN"));
  okn_kiosk_screen_set_announcement (screen, _("Administrator PIN"));
  self->pin = gtk_entry_new ();
  gtk_widget_set_name (self->pin, "pin");
  gtk_entry_set_visibility (GTK_ENTRY (self->pin), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (self->pin), GTK_INPUT_PURPOSE_PIN);
  gtk_entry_set_max_length (GTK_ENTRY (self->pin), OKN_PIN_MAX_DIGITS);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->pin), "okn-kiosk-entry");
  okn_gui_set_accessible (self->pin, _("Administrator PIN"));
  g_signal_connect_swapped (self->pin, "activate", G_CALLBACK (on_pin_ok), self);
  gtk_grid_set_row_spacing (GTK_GRID (pad), 12);
  gtk_grid_set_column_spacing (GTK_GRID (pad), 12);
  gtk_widget_set_halign (pad, GTK_ALIGN_CENTER);
  for (guint i = 0; i < G_N_ELEMENTS (digits); i++)
    {
      GtkWidget *b;
      g_autofree char *name = NULL;

      if (i == 9)
        continue;
      b = okn_kiosk_button_new (digits[i] ? NULL : "edit-clear-symbolic", NULL);
      name = g_strdup_printf ("pin-%s", digits[i] ? digits[i] : "clear");
      gtk_widget_set_name (b, name);
      okn_kiosk_set_text (b, digits[i] ? digits[i] : _("Clear"));
      g_object_set_data (G_OBJECT (b), "okn-digit", (gpointer) digits[i]);
      g_signal_connect (b, "clicked", G_CALLBACK (on_pin_digit), self);
      gtk_widget_set_size_request (b, OKN_KIOSK_TARGET_PX * 2, OKN_KIOSK_TARGET_PX);
      gtk_grid_attach (GTK_GRID (pad), b, (int) (i % 3), (int) (i / 3), 1, 1);
    }
  self->pin_message = okn_kiosk_label_new ("okn-kiosk-warning");
  gtk_widget_set_name (self->pin_message, "pin-message");
  gtk_box_pack_start (GTK_BOX (body), title, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), self->pin, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), pad, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), self->pin_message, FALSE, FALSE, 0);
  gtk_widget_set_name (ok, "pin-ok");
  okn_kiosk_set_text (ok, _("Leave kiosk mode"));
  g_signal_connect_swapped (ok, "clicked", G_CALLBACK (on_pin_ok), self);
  gtk_widget_set_name (cancel, "pin-cancel");
  okn_kiosk_set_text (cancel, _("Cancel"));
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (on_pin_cancel), self);
  gtk_box_pack_start (GTK_BOX (okn_kiosk_screen_get_actions (screen)), cancel, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (okn_kiosk_screen_get_actions (screen)), ok, FALSE, FALSE, 0);
  gtk_widget_show_all (body);
  return screen;
}

/* Five taps within four seconds in the top left corner, where nothing is
 * drawn: a resident does not find it by chance, an administrator knows. */
static gboolean
on_corner_pressed (GtkWidget      *corner,
                   GdkEventButton *event,
                   OknKioskWindow *self)
{
  gint64 now = g_get_monotonic_time ();

  if (event->type != GDK_BUTTON_PRESS)
    return GDK_EVENT_STOP;
  if (self->n_corner_taps == CORNER_TAPS)
    {
      memmove (self->corner_taps, self->corner_taps + 1, sizeof self->corner_taps[0] * (CORNER_TAPS - 1));
      self->n_corner_taps--;
    }
  self->corner_taps[self->n_corner_taps++] = now;
  if (self->n_corner_taps == CORNER_TAPS && now - self->corner_taps[0] <= CORNER_WINDOW_US)
    {
      self->n_corner_taps = 0;
      self->pin_failures = 0;
      gtk_entry_set_text (GTK_ENTRY (self->pin), "");
      gtk_label_set_text (GTK_LABEL (self->pin_message), "");
      okn_kiosk_window_show_screen (self, self->admin);
    }
  return GDK_EVENT_STOP;
}

static void
on_secondary_pressed (GtkGestureMultiPress *gesture,
                      int                   n_press,
                      double                x,
                      double                y,
                      OknKioskWindow       *self)
{
  /* Claimed in the capture phase: the entry under the finger never sees
   * the click, so no context menu opens. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_touch (GtkGestureMultiPress *gesture,
          int                   n_press,
          double                x,
          double                y,
          OknKioskWindow       *self)
{
  okn_inactivity_poke (self->inactivity);
}

static gboolean
on_popup_menu (GtkWidget *widget,
               gpointer   data)
{
  return GDK_EVENT_STOP;
}

/* Entries and text views have context menus of their own (keyboard and
 * long press): refuse them wherever one is added. */
static void
block_popups (GtkWidget *widget,
              gpointer   data)
{
  if (GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_LABEL (widget))
    {
      if (!g_object_get_data (G_OBJECT (widget), "okn-kiosk-no-popup"))
        {
          g_signal_connect (widget, "popup-menu", G_CALLBACK (on_popup_menu), NULL);
          g_object_set_data (G_OBJECT (widget), "okn-kiosk-no-popup", GINT_TO_POINTER (1));
        }
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), block_popups, data);
}

/* A field the on-screen keyboard types into, as the resident sees it:
 * shown, in a shown part of the screen (sensitive or not: the keyboard
 * does not jump away while a consent box greys the fields). */
static GtkWidget *
find_text_field (GtkWidget *widget,
                 gboolean   sensitive_only)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget))
    return NULL;
  if (GTK_IS_ENTRY (widget) || GTK_IS_TEXT_VIEW (widget))
    return !sensitive_only || gtk_widget_is_sensitive (widget) ? widget : NULL;
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *found = find_text_field (l->data, sensitive_only);

          if (found)
            return found;
        }
    }
  return NULL;
}

/* The screen's words, and the field it starts in: what a blind resident
 * needs to know to go on. Said only when they changed, so a relabel that
 * changes nothing does not interrupt. */
static void
announce (OknKioskWindow *self,
          OknKioskScreen *screen)
{
  const char *text = okn_kiosk_screen_get_announcement (screen);
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  g_autofree char *field = NULL;
  g_autofree char *said = NULL;

  if (self->voice == NULL || g_strcmp0 (self->announced, text) == 0)
    return;
  g_free (self->announced);
  self->announced = g_strdup (text);
  if (focus && gtk_widget_is_ancestor (focus, GTK_WIDGET (screen)))
    field = okn_kiosk_voice_describe (focus, self->lang);
  said = field && *text ? g_strdup_printf ("%s %s", text, field) : g_strdup (field ? field : text);
  okn_kiosk_voice_announce (self->voice, said);
}

static void
on_announcement (OknKioskScreen *screen,
                 GParamSpec     *pspec,
                 OknKioskWindow *self)
{
  if (screen == okn_kiosk_window_get_screen (self) && !okn_kiosk_window_is_warning (self))
    announce (self, screen);
}

/* Where @widget lies in @body, when it shows there. */
static gboolean
span_in (GtkWidget *widget,
         GtkWidget *body,
         int       *top,
         int       *bottom)
{
  if (!gtk_widget_get_visible (widget) || !gtk_widget_is_ancestor (widget, body)
      || !gtk_widget_translate_coordinates (widget, body, 0, 0, NULL, top))
    return FALSE;
  *bottom = *top + gtk_widget_get_allocated_height (widget);
  return TRUE;
}

/* The line with the caret in @view, in @body's coordinates. */
static gboolean
caret_line_in (GtkTextView *view,
               GtkWidget   *body,
               int         *top,
               int         *bottom)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter iter;
  GdkRectangle line;
  int x = 0, y = 0;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  gtk_text_view_get_iter_location (view, &iter, &line);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, line.x, line.y, &x, &y);
  /* Where the line will be once the text view has grown to hold it: until
   * then (its text is laid out over the next frames) it scrolls its text
   * itself, which the body must not follow. */
  y += (int) gtk_adjustment_get_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)));
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (view), body, x, y, NULL, top))
    return FALSE;
  *bottom = *top + line.height;
  return TRUE;
}

/* gtk_adjustment_clamp_page()'s value: @top wins when it does not fit. */
static double
clamp_page (double value,
            double page,
            int    top,
            int    bottom)
{
  if (value + page < bottom)
    value = bottom - page;
  if (value > top)
    value = top;
  return value;
}

/* The focused field and its question (the label that names it, above it,
 * or the text a control answers, okn_kiosk_set_context()) in view
 * together in the screen's scrolled body. GTK's focus adjustment brought
 * only the field itself in: a field above the view came in at the top
 * edge with its question cut off; and it scrolled when the focus moved,
 * before the keyboard that comes with it had shrunk the view. So this
 * runs when the focus moves and again when the view's height changes
 * (on_body_view_allocated()); the question wins when both do not fit,
 * but never over what the resident must see of the focus: the line being
 * typed (an entry, a text view's caret line), a control's first touch
 * target, a check box's words with the box in their middle. @caret_moved: a text view's text or caret moved
 * (follow_caret()): its line is kept in view with the question when both
 * fit, else alone, scrolled no further than it takes. */
static void
keep_focus_in_view (OknKioskWindow *self,
                    gboolean        caret_moved)
{
  OknKioskScreen *screen = okn_kiosk_window_get_screen (self);
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  GtkWidget *body, *scroll;
  GtkAdjustment *vadj;
  int top = 0, bottom = 0, must_top, must_bottom;
  double value, page;

  if (screen == NULL || focus == NULL)
    return;
  body = okn_kiosk_screen_get_body (screen);
  scroll = gtk_widget_get_ancestor (body, GTK_TYPE_SCROLLED_WINDOW);
  if (scroll == NULL || !span_in (focus, body, &top, &bottom))
    return;
  must_top = top;
  must_bottom = GTK_IS_ENTRY (focus) ? bottom : top + MIN (bottom - top, OKN_KIOSK_TARGET_PX);
  /* A check box's words, and its box that GTK draws halfway down them,
   * whenever they fit: not only their first lines. */
  if (GTK_IS_CHECK_BUTTON (focus) && gtk_bin_get_child (GTK_BIN (focus)))
    {
      GtkAdjustment *v = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
      int y0, y1;

      if (span_in (gtk_bin_get_child (GTK_BIN (focus)), body, &y0, &y1)
          && y1 - y0 <= gtk_adjustment_get_page_size (v))
        {
          must_top = MIN (must_top, y0);
          must_bottom = MAX (must_bottom, y1);
        }
    }
  if (GTK_IS_TEXT_VIEW (focus) && !caret_line_in (GTK_TEXT_VIEW (focus), body, &must_top, &must_bottom))
    return;
  if (caret_moved)
    bottom = must_bottom;
  {
    g_autoptr (GList) labels = gtk_widget_list_mnemonic_labels (focus);
    GtkWidget *context = okn_kiosk_get_context (focus);
    int y0, y1;

    if (context)
      labels = g_list_prepend (labels, context);
    for (GList *l = labels; l; l = l->next)
      if (span_in (l->data, body, &y0, &y1))
        {
          top = MIN (top, y0);
          bottom = MAX (bottom, y1);
        }
  }
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
  page = gtk_adjustment_get_page_size (vadj);
  if (page <= 0)
    return;
  value = gtk_adjustment_get_value (vadj);
  if (!caret_moved || bottom - top <= page)
    value = clamp_page (value, page, top, bottom);
  value = clamp_page (value, page, must_top, must_bottom);
  value = CLAMP (value, gtk_adjustment_get_lower (vadj), gtk_adjustment_get_upper (vadj) - page);
  if (value == gtk_adjustment_get_value (vadj))
    return;
  self->scrolling = TRUE;
  gtk_adjustment_set_value (vadj, value);
  self->scrolling = FALSE;
}

/* The message okn_kiosk_window_reveal() asked for in view in the screen's
 * scrolled body, and what it is about above it as far as both fit; the
 * message wins. Until the resident types again, the caret is not
 * followed away from it. */
static void
reveal_now (OknKioskWindow *self,
            GtkWidget      *scroll)
{
  GtkWidget *body = okn_kiosk_screen_get_body (okn_kiosk_window_get_screen (self));
  g_autoptr (GtkWidget) message = g_steal_pointer (&self->reveal);
  g_autoptr (GtkWidget) from = g_steal_pointer (&self->reveal_from);
  GtkAdjustment *vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll));
  double page = gtk_adjustment_get_page_size (vadj);
  double value = gtk_adjustment_get_value (vadj);
  int top, bottom, must_top, must_bottom, y0, y1;

  if (page <= 0 || !span_in (message, body, &must_top, &must_bottom))
    return;
  top = must_top;
  bottom = must_bottom;
  if (from && span_in (from, body, &y0, &y1))
    {
      top = MIN (top, y0);
      bottom = MAX (bottom, y1);
    }
  value = clamp_page (value, page, top, bottom);
  value = clamp_page (value, page, must_top, must_bottom);
  value = CLAMP (value, gtk_adjustment_get_lower (vadj), gtk_adjustment_get_upper (vadj) - page);
  self->following_caret = FALSE;
  self->scrolling = TRUE;
  gtk_adjustment_set_value (vadj, value);
  self->scrolling = FALSE;
}

/* A message to reveal, once the body it is in has been laid out with it
 * (it wins over a focus that moved before); a focus that moved into the
 * body, once the body is laid out as it now is (on_focus_moved()); else
 * only when the view's height changed (the keyboard came or went), and
 * for a field the keys type into: a focused button (the contact screen's
 * consent) keeps the text above it where it was. */
static void
on_body_view_allocated (GtkWidget      *scroll,
                        GtkAllocation  *allocation,
                        OknKioskWindow *self)
{
  int last = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (scroll), "okn-kiosk-view-height"));
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));
  gboolean moved = self->focus_moved && focus && gtk_widget_is_ancestor (focus, scroll);

  if (moved)
    self->focus_moved = FALSE;
  if (self->reveal && gtk_widget_is_ancestor (self->reveal, scroll))
    {
      g_object_set_data (G_OBJECT (scroll), "okn-kiosk-view-height", GINT_TO_POINTER (allocation->height));
      reveal_now (self, scroll);
      return;
    }
  if (!moved && allocation->height == last)
    return;
  g_object_set_data (G_OBJECT (scroll), "okn-kiosk-view-height", GINT_TO_POINTER (allocation->height));
  if (moved || GTK_IS_ENTRY (focus) || GTK_IS_TEXT_VIEW (focus))
    keep_focus_in_view (self, FALSE);
}

/* The resident scrolled the view themselves (or it was clamped to a
 * shorter text): the caret is not followed until it moves again, so a
 * view they scrolled to read stays where they put it. */
static void
on_body_scrolled (GtkAdjustment  *vadj,
                  OknKioskWindow *self)
{
  if (!self->scrolling)
    self->following_caret = FALSE;
}

/* A text view in the body grows as the resident types (it has no
 * scroller of its own) and lays its text out over the next frames: the
 * caret's line is kept in view from the keystroke or caret move on, each
 * time the text view grows or shrinks, until the resident scrolls. */
static void
follow_caret (OknKioskWindow *self,
              GtkTextBuffer  *buffer)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (!GTK_IS_TEXT_VIEW (focus) || gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus)) != buffer)
    return;
  self->following_caret = TRUE;
  keep_focus_in_view (self, TRUE);
}

static void
on_text_changed (GtkTextBuffer  *buffer,
                 OknKioskWindow *self)
{
  follow_caret (self, buffer);
}

static void
on_mark_set (GtkTextBuffer     *buffer,
             const GtkTextIter *where,
             GtkTextMark       *mark,
             OknKioskWindow    *self)
{
  if (mark == gtk_text_buffer_get_insert (buffer))
    follow_caret (self, buffer);
}

static void
on_text_view_allocated (GtkWidget      *view,
                        GtkAllocation  *allocation,
                        OknKioskWindow *self)
{
  if (self->following_caret && gtk_window_get_focus (GTK_WINDOW (self)) == view)
    keep_focus_in_view (self, TRUE);
}

/* The focus in view with its question, now and again once the body is
 * laid out as it will be shown (on_body_view_allocated()). Now is not
 * enough: the focus often moves before that layout, as a screen comes
 * that was last laid out in another language (its first field, or the
 * consent box, takes the focus at once), or from a handler of a tap that
 * came in with it (the consent box's tick passes the focus to the name
 * field); and when the view's height stays, nothing else looks again. */
static void
on_focus_moved (GtkWindow *window,
                GtkWidget *focus,
                gpointer   data)
{
  OknKioskWindow *self = OKN_KIOSK_WINDOW (window);
  OknKioskScreen *screen = okn_kiosk_window_get_screen (self);
  GtkWidget *scroll = screen ? gtk_widget_get_ancestor (okn_kiosk_screen_get_body (screen), GTK_TYPE_SCROLLED_WINDOW)
                             : NULL;

  self->focus_moved = focus && scroll && gtk_widget_is_ancestor (focus, scroll);
  if (self->focus_moved)
    gtk_widget_queue_allocate (scroll);
  self->following_caret = FALSE;
  if (GTK_IS_TEXT_VIEW (focus) && !g_object_get_data (G_OBJECT (focus), "okn-kiosk-caret-followed"))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));

      g_object_set_data (G_OBJECT (focus), "okn-kiosk-caret-followed", GINT_TO_POINTER (TRUE));
      g_signal_connect_object (buffer, "changed", G_CALLBACK (on_text_changed), self, G_CONNECT_AFTER);
      g_signal_connect_object (buffer, "mark-set", G_CALLBACK (on_mark_set), self, G_CONNECT_AFTER);
      g_signal_connect_object (focus, "size-allocate", G_CALLBACK (on_text_view_allocated), self,
                               G_CONNECT_AFTER);
    }
  keep_focus_in_view (self, FALSE);
}

/* A screen whose keyboard comes with the focus: shown while the focus is
 * in one of its fields, or on the keys themselves (a switch user moved it
 * there to type), hidden when something else of the screen takes it. */
static void
on_set_focus (GtkWindow      *window,
              GtkWidget      *focus,
              OknKioskWindow *self)
{
  OknKioskScreen *screen = okn_kiosk_window_get_screen (self);

  if (screen == NULL || okn_kiosk_screen_get_keyboard_mode (screen) != OKN_KIOSK_KEYBOARD_ON_FOCUS
      || focus == NULL || gtk_widget_is_ancestor (focus, self->keyboard))
    return;
  gtk_widget_set_visible (self->keyboard, (GTK_IS_ENTRY (focus) || GTK_IS_TEXT_VIEW (focus))
                                            && gtk_widget_is_ancestor (focus, GTK_WIDGET (screen)));
}

static void on_resumed (OknInactivity  *inactivity,
                        OknKioskWindow *self);

/* Nothing to lose on the start screen, nor on the one that stands in for
 * a summary whose resident is gone; anywhere else a resident who walks
 * away is warned, then forgotten. On the summary while the report
 * confirmed there is being saved and printed, the clock is held: a printer
 * slower than the wait (print.timeout may be longer than
 * kiosk.inactivity_seconds) must not start the kiosk over under the
 * ticket, the resident's only proof; but should nobody touch the kiosk for
 * as long as the wait and its warning together, the resident is gone and
 * their words leave the screen (on_expired()). The wait starts afresh when
 * the save ends; a resident who leaves the summary meanwhile (Back) has
 * the countdown on every other screen. */
static void
update_inactivity (OknKioskWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (GTK_STACK (self->stack));

  if (self->inactivity == NULL)
    return;
  if (child == GTK_WIDGET (self->start)
      || (self->report && okn_kiosk_report_is_unattended_on (self->report, child)))
    okn_inactivity_stop (self->inactivity);
  else if (self->report && okn_kiosk_report_is_waiting_on (self->report, child))
    {
      if (!okn_inactivity_is_held (self->inactivity))
        okn_inactivity_hold (self->inactivity);
    }
  else
    {
      if (!okn_inactivity_is_running (self->inactivity))
        okn_inactivity_start (self->inactivity);
      return;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->still_there)))
    on_resumed (self->inactivity, self);
}

static void
on_visible_child (GObject        *stack,
                  GParamSpec     *pspec,
                  OknKioskWindow *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (GTK_STACK (self->stack));

  if (child)
    block_popups (child, self);
  if (child && OKN_IS_KIOSK_SCREEN (child))
    {
      /* The keyboard under every screen with a field, and the cursor in
       * the first field so that the keys type at once; a field keeps what
       * it holds (no select-all on focus). */
      OknKioskKeyboardMode mode = okn_kiosk_screen_get_keyboard_mode (OKN_KIOSK_SCREEN (child));
      gboolean typing = mode == OKN_KIOSK_KEYBOARD_AUTO && find_text_field (child, FALSE) != NULL;
      GtkWidget *first = typing ? find_text_field (child, TRUE) : NULL;

      gtk_widget_set_visible (self->keyboard, typing);
      if (mode == OKN_KIOSK_KEYBOARD_ON_FOCUS)
        gtk_window_set_focus (GTK_WINDOW (self), NULL);
      if (first && GTK_IS_ENTRY (first))
        gtk_entry_grab_focus_without_selecting (GTK_ENTRY (first));
      else if (first)
        gtk_widget_grab_focus (first);
      g_clear_pointer (&self->announced, g_free);
      announce (self, OKN_KIOSK_SCREEN (child));
    }
  update_inactivity (self);
}

static void
on_warn (OknInactivity  *inactivity,
         OknKioskWindow *self)
{
  okn_kiosk_screen_set_language (self->still_there, self->lang);
  gtk_widget_show (GTK_WIDGET (self->still_there));
  g_clear_pointer (&self->announced, g_free);
  announce (self, self->still_there);
}

static void
on_resumed (OknInactivity  *inactivity,
            OknKioskWindow *self)
{
  gtk_widget_hide (GTK_WIDGET (self->still_there));
  g_clear_pointer (&self->announced, g_free);
}

static void
on_more_time (OknKioskWindow *self)
{
  okn_inactivity_poke (self->inactivity);
}

static OknLanguage
default_language (OknKioskWindow *self)
{
  g_autofree char *first = okn_config_get_string (okn_context_get_config (self->context), "kiosk.language");
  OknLanguage lang = OKN_LANGUAGE_PL;

  if (first)
    okn_language_from_string (first, &lang);
  return lang;
}

/* The resident walked away. From a summary whose report is still being
 * saved, the report path hides their words and starts over when the save
 * ends. */
static void
on_expired (OknInactivity  *inactivity,
            OknKioskWindow *self)
{
  gtk_widget_hide (GTK_WIDGET (self->still_there));
  if (self->report && okn_kiosk_report_walked_away (self->report))
    return;
  okn_kiosk_window_start_over (self);
}

static OknKioskScreen *
make_still_there (OknKioskWindow *self)
{
  OknKioskScreen *screen = okn_kiosk_screen_new ("still-there", N_("Are you still there?"));
  GtkWidget *body = okn_kiosk_screen_get_body (screen);
  GtkWidget *text = okn_kiosk_label_new ("okn-kiosk-warning");
  GtkWidget *more = okn_kiosk_button_new ("alarm-symbolic", "okn-kiosk-choice");
  g_autofree char *announcement = NULL;

  okn_kiosk_screen_translate (screen, text, N_("In 20 seconds the kiosk starts over and forgets what you entered."));
  gtk_widget_set_name (more, "more-time");
  gtk_style_context_add_class (gtk_widget_get_style_context (more), "suggested-action");
  okn_kiosk_screen_translate (screen, more, N_("I need more time"));
  g_signal_connect_swapped (more, "clicked", G_CALLBACK (on_more_time), self);
  gtk_box_pack_start (GTK_BOX (body), text, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), more, TRUE, TRUE, 0);
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (screen)), "okn-kiosk-dialog");
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (screen)), "background");
  gtk_widget_set_halign (GTK_WIDGET (screen), GTK_ALIGN_FILL);
  gtk_widget_set_valign (GTK_WIDGET (screen), GTK_ALIGN_FILL);
  gtk_widget_show_all (body);
  return screen;
}

/* For staff, in the journal: the resident hears nothing either way. */
static void
on_speech_failed (OknSpeech      *speech,
                  const char     *message,
                  OknKioskWindow *self)
{
  g_message ("Kiosk speech failed: %s", message);
}

static void
on_report_chosen (OknKioskWindow *self)
{
  okn_kiosk_report_begin (self->report);
}

static void
on_check_chosen (OknKioskWindow *self)
{
  okn_kiosk_check_begin (self->check);
}

static OknKioskScreen *
make_start_screen (OknKioskWindow *self)
{
  OknKioskScreen *screen = okn_kiosk_screen_new ("start", N_("Welcome! What would you like to do?"));
  GtkWidget *body = okn_kiosk_screen_get_body (screen);
  GtkWidget *hint = okn_kiosk_label_new (NULL);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 32);
  GtkWidget *report = okn_kiosk_button_new ("document-new-symbolic", "okn-kiosk-choice");
  GtkWidget *check = okn_kiosk_button_new ("edit-find-symbolic", "okn-kiosk-choice");

  okn_kiosk_screen_translate (screen, hint, N_("Touch one of the two buttons. The language can be changed at the top of the screen."));
  gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
  gtk_widget_set_name (report, "report");
  self->start_report = report;
  self->start_check = check;
  gtk_widget_set_name (check, "check");
  okn_kiosk_screen_translate (screen, report, N_("Report a problem in the city"));
  okn_kiosk_screen_translate (screen, check, N_("Check my ticket"));
  gtk_box_pack_start (GTK_BOX (row), report, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (row), check, TRUE, TRUE, 0);
  gtk_widget_set_vexpand (row, TRUE);
  gtk_box_pack_start (GTK_BOX (body), hint, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), row, TRUE, TRUE, 0);
  gtk_widget_show_all (body);
  return screen;
}

/* GObject ------------------------------------------------------------------ */

static void
okn_kiosk_window_dispose (GObject *object)
{
  OknKioskWindow *self = OKN_KIOSK_WINDOW (object);

  /* The screens go first: their signals call into the paths. */
  if (self->overlay)
    {
      gtk_widget_destroy (self->overlay);
      self->overlay = NULL;
    }
  if (self->inactivity)
    {
      g_signal_handlers_disconnect_by_data (self->inactivity, self);
      okn_inactivity_stop (self->inactivity);
    }
  g_clear_object (&self->inactivity);
  if (self->speech)
    g_signal_handlers_disconnect_by_data (self->speech, self);
  g_clear_object (&self->voice);
  g_clear_object (&self->speech);
  g_clear_pointer (&self->announced, g_free);
  g_clear_object (&self->reveal);
  g_clear_object (&self->reveal_from);
  if (self->report)
    g_signal_handlers_disconnect_by_data (okn_kiosk_report_get_session (self->report), self);
  g_clear_object (&self->report);
  g_clear_object (&self->check);
  g_clear_pointer (&self->burst, okn_scan_burst_free);
  g_clear_object (&self->block_secondary);
  g_clear_object (&self->touches);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (okn_kiosk_window_parent_class)->dispose (object);
}

static void
okn_kiosk_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OknKioskWindow *self = OKN_KIOSK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      g_value_set_string (value, okn_language_to_string (self->lang));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_kiosk_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  OknKioskWindow *self = OKN_KIOSK_WINDOW (object);
  OknLanguage lang;

  switch (prop_id)
    {
    case PROP_LANGUAGE:
      if (okn_language_from_string (g_value_get_string (value), &lang))
        okn_kiosk_window_set_language (self, lang);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_kiosk_window_class_init (OknKioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_kiosk_window_dispose;
  object_class->get_property = okn_kiosk_window_get_property;
  object_class->set_property = okn_kiosk_window_set_property;
  widget_class->key_press_event = okn_kiosk_window_key_press_event;
  widget_class->delete_event = okn_kiosk_window_delete_event;

  /**
   * OknKioskWindow:language:
   *
   * The resident's language: `pl`, `en` or `uk`. Every screen speaks it;
   * the process locale does not change.
   */
  props[PROP_LANGUAGE] = g_param_spec_string ("language", NULL, NULL, "pl",
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                              | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
okn_kiosk_window_init (OknKioskWindow *self)
{
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  self->bar = bar;
  self->lang = OKN_LANGUAGE_PL;
  gtk_style_context_add_class (gtk_widget_get_style_context (GTK_WIDGET (self)), "okn-kiosk");
  gtk_window_set_decorated (GTK_WINDOW (self), FALSE);
  gtk_window_set_deletable (GTK_WINDOW (self), FALSE);
  gtk_window_set_title (GTK_WINDOW (self), "Okienko");

  gtk_style_context_add_class (gtk_widget_get_style_context (bar), "okn-kiosk-bar");
  {
    GtkWidget *corner = gtk_event_box_new ();

    gtk_widget_set_name (corner, "corner");
    gtk_event_box_set_visible_window (GTK_EVENT_BOX (corner), FALSE);
    gtk_widget_set_size_request (corner, OKN_KIOSK_TARGET_PX, OKN_KIOSK_TARGET_PX);
    gtk_widget_add_events (corner, GDK_BUTTON_PRESS_MASK);
    g_signal_connect (corner, "button-press-event", G_CALLBACK (on_corner_pressed), self);
    gtk_box_pack_start (GTK_BOX (bar), corner, FALSE, FALSE, 0);
  }
  for (int i = OKN_LANGUAGE_LAST; i >= 0; i--)
    {
      GtkWidget *button = okn_kiosk_button_new (NULL, "okn-kiosk-language");

      okn_kiosk_set_text (button, language_names[i]);
      gtk_widget_set_name (button, okn_language_to_string ((OknLanguage) i));
      g_object_set_data (G_OBJECT (button), "okn-language", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_language_clicked), self);
      gtk_box_pack_end (GTK_BOX (bar), button, FALSE, FALSE, 0);
      self->lang_buttons[i] = button;
    }
  gtk_box_pack_start (GTK_BOX (outer), bar, FALSE, FALSE, 0);

  self->stack = gtk_stack_new ();
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_NONE);
  /* Sized by the screen shown, not by the largest of them all (a stack's
   * default): otherwise the tallest screen (the ticket's, with its big
   * Finish button) sets the minimum height of every other one, 40 px at
   * 200 % text that the screens with the keyboard up do not have on a
   * 800 px panel to spare; the widest would do the same sideways. */
  gtk_stack_set_vhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_stack_set_hhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_widget_set_vexpand (self->stack, TRUE);
  g_signal_connect (self->stack, "notify::visible-child", G_CALLBACK (on_visible_child), self);
  g_signal_connect (self, "set-focus", G_CALLBACK (on_set_focus), self);
  g_signal_connect_after (self, "set-focus", G_CALLBACK (on_focus_moved), NULL);
  gtk_box_pack_start (GTK_BOX (outer), self->stack, TRUE, TRUE, 0);
  /* Below the screens, never over them: the field being typed into stays
   * in view (a screen's body scrolls to its focus). */
  self->keyboard = okn_kiosk_keyboard_new ();
  gtk_widget_set_name (self->keyboard, "keyboard");
  gtk_widget_set_no_show_all (self->keyboard, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->keyboard), "okn-kiosk-keyboard");
  g_object_bind_property (self, "language", self->keyboard, "language", G_BINDING_SYNC_CREATE);
  gtk_box_pack_end (GTK_BOX (outer), self->keyboard, FALSE, FALSE, 0);

  self->overlay = gtk_overlay_new ();
  gtk_container_add (GTK_CONTAINER (self->overlay), outer);
  gtk_container_add (GTK_CONTAINER (self), self->overlay);

  self->start = make_start_screen (self);
  okn_kiosk_window_add_screen (self, self->start);
  self->admin = make_admin_screen (self);
  okn_kiosk_window_add_screen (self, self->admin);

  self->block_secondary = gtk_gesture_multi_press_new (GTK_WIDGET (self));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->block_secondary), GDK_BUTTON_SECONDARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->block_secondary),
                                              GTK_PHASE_CAPTURE);
  g_signal_connect (self->block_secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  self->touches = gtk_gesture_multi_press_new (GTK_WIDGET (self));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (self->touches), 0);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (self->touches), GTK_PHASE_CAPTURE);
  g_signal_connect (self->touches, "pressed", G_CALLBACK (on_touch), self);

  self->still_there = make_still_there (self);
  g_signal_connect (self->still_there, "notify::announcement", G_CALLBACK (on_announcement), self);
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->still_there));
  gtk_widget_set_no_show_all (GTK_WIDGET (self->still_there), TRUE);

  update_language_buttons (self);
  gtk_widget_show_all (self->overlay);
  gtk_widget_hide (GTK_WIDGET (self->still_there));
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_default (), "/org/okienko/Desk/icons");
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_kiosk_window_new:
 * @context: the station's store and configuration
 *
 * Returns: (transfer full): the kiosk, full screen, on its start screen
 */
OknKioskWindow *
okn_kiosk_window_new (GtkApplication *app,
                      OknContext     *context)
{
  OknKioskWindow *self = g_object_new (OKN_TYPE_KIOSK_WINDOW, "application", app, NULL);
  GdkDisplay *display = gdk_display_get_default ();
  GdkMonitor *monitor = display ? gdk_display_get_primary_monitor (display) : NULL;
  gint64 quiet;

  self->context = g_object_ref (context);
  self->lang = default_language (self);
  update_language_buttons (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LANGUAGE]);

  /* Speech, off until the resident turns it on from the bar's first
   * button or the keypad; the bar goes first after the hidden corner, so
   * the first Tab reaches it. */
  self->speech = okn_speech_new (okn_context_get_config (context));
  g_signal_connect (self->speech, "failed", G_CALLBACK (on_speech_failed), self);
  self->voice = okn_kiosk_voice_new (self->speech);
  okn_kiosk_voice_attach (self->voice, GTK_WINDOW (self));
  self->a11y_bar = okn_kiosk_a11y_bar_new (self->voice);
  gtk_widget_set_name (self->a11y_bar, "a11y");
  okn_kiosk_a11y_bar_set_language (OKN_KIOSK_A11Y_BAR (self->a11y_bar), self->lang);
  gtk_box_pack_start (GTK_BOX (self->bar), self->a11y_bar, FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (self->bar), self->a11y_bar, 1);
  gtk_widget_show (self->a11y_bar);
  self->report = okn_kiosk_report_new (self, context);
  g_signal_connect_swapped (self->start_report, "clicked",
                            G_CALLBACK (on_report_chosen), self);
  self->check = okn_kiosk_check_new (self, context);
  g_signal_connect_swapped (self->start_check, "clicked", G_CALLBACK (on_check_chosen), self);
  self->burst = okn_scan_burst_new ();
  okn_scan_burst_configure (self->burst, okn_context_get_config (context));
  quiet = okn_config_get_int (okn_context_get_config (context), "kiosk.inactivity_seconds");
  self->inactivity = okn_inactivity_new ((guint) quiet * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  g_signal_connect (self->inactivity, "warn", G_CALLBACK (on_warn), self);
  g_signal_connect (self->inactivity, "resumed", G_CALLBACK (on_resumed), self);
  g_signal_connect (self->inactivity, "expired", G_CALLBACK (on_expired), self);
  g_signal_connect_swapped (okn_kiosk_report_get_session (self->report), "notify::busy",
                            G_CALLBACK (update_inactivity), self);
  gtk_container_foreach (GTK_CONTAINER (self->stack), relabel_screen, self);

  /* Without a window manager (X with no WM) fullscreen is not honoured:
   * cover the monitor ourselves. */
  if (display && monitor == NULL)
    monitor = gdk_display_get_monitor (display, 0);
  if (monitor)
    {
      GdkRectangle area;

      gdk_monitor_get_geometry (monitor, &area);
      gtk_window_set_default_size (GTK_WINDOW (self), area.width, area.height);
      gtk_window_move (GTK_WINDOW (self), area.x, area.y);
    }
  gtk_window_fullscreen (GTK_WINDOW (self));
  return self;
}

OknLanguage
okn_kiosk_window_get_language (OknKioskWindow *self)
{
  return self->lang;
}

/**
 * okn_kiosk_window_set_language:
 *
 * Every screen speaks @lang from now on; what was typed stays.
 */
void
okn_kiosk_window_set_language (OknKioskWindow *self,
                               OknLanguage     lang)
{
  if (self->lang == lang)
    return;
  self->lang = lang;
  update_language_buttons (self);
  gtk_container_foreach (GTK_CONTAINER (self->stack), relabel_screen, self);
  okn_kiosk_screen_set_language (self->still_there, lang);
  if (self->a11y_bar != NULL)
    okn_kiosk_a11y_bar_set_language (OKN_KIOSK_A11Y_BAR (self->a11y_bar), lang);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LANGUAGE]);
}

/**
 * okn_kiosk_window_reveal:
 * @message: a message in the shown screen's body, shown now (what is
 *   wrong with an answer, the lookup's verdict)
 * @from: (nullable): what it is about, above it (the question, the field)
 *
 * Scrolls the screen's body, once it is laid out with @message, so that
 * @message is in view, with @from above it as far as both fit. A message
 * under the view (with the keyboard up, at large text) is otherwise never
 * seen: the tap on Next or Check would seem to do nothing.
 */
void
okn_kiosk_window_reveal (OknKioskWindow *self,
                         GtkWidget      *message,
                         GtkWidget      *from)
{
  g_return_if_fail (GTK_IS_WIDGET (message));

  g_set_object (&self->reveal, message);
  g_set_object (&self->reveal_from, from);
  /* Laid out again, whether or not its words changed: the body's scroller
   * is allocated after it, and reveals it then (on_body_view_allocated). */
  gtk_widget_queue_resize (message);
}

/**
 * okn_kiosk_window_get_screen:
 *
 * Returns: (transfer none): the screen the resident sees
 */
OknKioskScreen *
okn_kiosk_window_get_screen (OknKioskWindow *self)
{
  return OKN_KIOSK_SCREEN (gtk_stack_get_visible_child (GTK_STACK (self->stack)));
}

const char *
okn_kiosk_window_get_screen_name (OknKioskWindow *self)
{
  return okn_kiosk_screen_get_name (okn_kiosk_window_get_screen (self));
}

/**
 * okn_kiosk_window_start_over:
 *
 * The resident is done (Finish) or walked away: everything they gave is
 * wiped from memory, and the next one meets the kiosk as it was set up at
 * the start screen: in the kiosk's language, silent, in the default
 * colours and text size (each a tap away there).
 */
void
okn_kiosk_window_start_over (OknKioskWindow *self)
{
  g_return_if_fail (OKN_IS_KIOSK_WINDOW (self));

  okn_kiosk_report_wipe (self->report);
  okn_kiosk_check_wipe (self->check);
  okn_kiosk_window_set_language (self, default_language (self));
  if (self->speech)
    okn_speech_set_enabled (self->speech, FALSE);
  okn_kiosk_theme_set (GTK_WIDGET (self), OKN_KIOSK_THEME_DEFAULT);
  okn_kiosk_text_size_set (GTK_WIDGET (self), OKN_KIOSK_TEXT_SIZE_MIN);
  okn_kiosk_window_show_start (self);
}

void
okn_kiosk_window_show_start (OknKioskWindow *self)
{
  okn_kiosk_window_show_screen (self, self->start);
}

/**
 * okn_kiosk_window_show_screen:
 * @screen: a screen of this window's, added with okn_kiosk_window_show_screen()
 *   before or now
 *
 * Shows @screen in the current language; the first time, it joins the
 * window's screens.
 */
void
okn_kiosk_window_show_screen (OknKioskWindow *self,
                              OknKioskScreen *screen)
{
  okn_kiosk_window_add_screen (self, screen);
  okn_kiosk_screen_set_language (screen, self->lang);
  gtk_widget_show (GTK_WIDGET (screen));
  gtk_stack_set_visible_child (GTK_STACK (self->stack), GTK_WIDGET (screen));
}

/**
 * okn_kiosk_window_add_screen:
 * @screen: (transfer floating): a path's screen
 *
 * Makes @screen one of the window's (it speaks the window's language from
 * now on); shown later with okn_kiosk_window_show_screen().
 */
void
okn_kiosk_window_add_screen (OknKioskWindow *self,
                             OknKioskScreen *screen)
{
  if (gtk_widget_get_parent (GTK_WIDGET (screen)) != NULL)
    return;
  gtk_stack_add_named (GTK_STACK (self->stack), GTK_WIDGET (screen), okn_kiosk_screen_get_name (screen));
  okn_kiosk_screen_set_language (screen, self->lang);
  g_signal_connect (screen, "notify::announcement", G_CALLBACK (on_announcement), self);
  /* The focused field scrolls into view above the keyboard, with its
   * question; again when the keyboard shows and the view shrinks. Only
   * keep_focus_in_view() scrolls for the focus: the viewport that
   * GtkScrolledWindow adds around the body comes with focus adjustments
   * of its own, which brought every focused widget wholly in (88 px of
   * the consent box in 144 px, cutting the text above it). */
  {
    GtkWidget *body = okn_kiosk_screen_get_body (screen);
    GtkWidget *scroll = gtk_widget_get_ancestor (body, GTK_TYPE_SCROLLED_WINDOW);
    GtkWidget *viewport = gtk_widget_get_parent (body);

    if (GTK_IS_VIEWPORT (viewport))
      {
        gtk_container_set_focus_vadjustment (GTK_CONTAINER (viewport), NULL);
        gtk_container_set_focus_hadjustment (GTK_CONTAINER (viewport), NULL);
      }
    if (scroll)
      {
        g_signal_connect_object (scroll, "size-allocate", G_CALLBACK (on_body_view_allocated), self,
                                 G_CONNECT_AFTER);
        g_signal_connect_object (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll)),
                                 "value-changed", G_CALLBACK (on_body_scrolled), self, 0);
      }
  }
}

static void
add_screen (GtkWidget *child,
            gpointer   data)
{
  if (OKN_IS_KIOSK_SCREEN (child))
    g_ptr_array_add (data, child);
}

/**
 * okn_kiosk_window_list_screens:
 *
 * Returns: (transfer container) (element-type OknKioskScreen): every
 *   screen of the window, the start screen first, the inactivity warning
 *   last
 */
GPtrArray *
okn_kiosk_window_list_screens (OknKioskWindow *self)
{
  GPtrArray *screens = g_ptr_array_new ();

  gtk_container_foreach (GTK_CONTAINER (self->stack), add_screen, screens);
  g_ptr_array_add (screens, self->still_there);
  return screens;
}

/**
 * okn_kiosk_window_get_inactivity:
 *
 * Returns: (transfer none): the clock that warns and starts over
 */
OknInactivity *
okn_kiosk_window_get_inactivity (OknKioskWindow *self)
{
  return self->inactivity;
}

/**
 * okn_kiosk_window_get_report:
 *
 * Returns: (transfer none): the report path
 */
OknKioskReport *
okn_kiosk_window_get_report (OknKioskWindow *self)
{
  return self->report;
}

/**
 * okn_kiosk_window_is_warning:
 *
 * Returns: whether the inactivity warning shows
 */
gboolean
okn_kiosk_window_is_warning (OknKioskWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->still_there));
}

/**
 * okn_kiosk_window_get_check:
 *
 * Returns: (transfer none): the check-my-ticket path
 */
OknKioskCheck *
okn_kiosk_window_get_check (OknKioskWindow *self)
{
  return self->check;
}

/**
 * okn_kiosk_window_get_voice:
 *
 * Returns: (transfer none): what reads the screens aloud (its speech
 *   is off until the resident turns it on)
 */
OknKioskVoice *
okn_kiosk_window_get_voice (OknKioskWindow *self)
{
  return self->voice;
}

/**
 * okn_kiosk_window_get_keyboard:
 *
 * Returns: (transfer none): the on-screen keyboard, shown under every
 *   screen with a field to type in
 */
GtkWidget *
okn_kiosk_window_get_keyboard (OknKioskWindow *self)
{
  return self->keyboard;
}

/**
 * okn_kiosk_window_get_a11y_bar:
 *
 * Returns: (transfer none): speech, contrast and text size, in the top bar
 */
GtkWidget *
okn_kiosk_window_get_a11y_bar (OknKioskWindow *self)
{
  return self->a11y_bar;
}
