/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-gui-util.c: small helpers the desk's views share */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "okn-gui-util.h"

void
okn_gui_set_accessible (GtkWidget  *widget,
                        const char *name)
{
  AtkObject *acc = gtk_widget_get_accessible (widget);

  if (acc != NULL && name != NULL)
    atk_object_set_name (acc, name);
}

static void
name_one (GtkWidget *widget,
          gpointer   data)
{
  if (GTK_IS_LABEL (widget))
    {
      GtkWidget *target = gtk_label_get_mnemonic_widget (GTK_LABEL (widget));

      /* A field is named by its label, without the mnemonic underline and
       * the colon, so a screen reader says "Sender", not "_Sender:". */
      if (target != NULL)
        {
          g_autofree char *name = g_strdup (gtk_label_get_text (GTK_LABEL (widget)));

          g_strstrip (name);
          if (g_str_has_suffix (name, ":"))
            name[strlen (name) - 1] = '\0';
          if (g_str_has_suffix (name, " *"))
            name[strlen (name) - 2] = '\0';
          okn_gui_set_accessible (target, name);
        }
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), name_one, NULL);
}

/**
 * okn_gui_name_accessibles:
 *
 * Gives every field that has a mnemonic label the label's text as its
 * accessible name.
 */
void
okn_gui_name_accessibles (GtkWidget *root)
{
  name_one (root, NULL);
}

/**
 * okn_gui_entry_dup:
 *
 * Returns: (transfer full) (nullable): the entry's text, %NULL when empty
 */
char *
okn_gui_entry_dup (GtkEntry *entry)
{
  const char *s = gtk_entry_get_text (entry);

  return s && *s ? g_strdup (s) : NULL;
}

char *
okn_gui_text_view_dup (GtkTextView *view)
{
  GtkTextBuffer *buf = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;
  char *s;

  gtk_text_buffer_get_bounds (buf, &start, &end);
  s = gtk_text_buffer_get_text (buf, &start, &end, FALSE);
  if (*s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

void
okn_gui_text_view_set (GtkTextView *view,
                       const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

static void
on_text_view_state (GtkWidget     *view,
                    GtkStateFlags  old,
                    GtkWidget     *frame)
{
  GtkStyleContext *style = gtk_widget_get_style_context (frame);

  if (gtk_widget_get_state_flags (view) & GTK_STATE_FLAG_FOCUSED)
    gtk_style_context_add_class (style, "okn-focused");
  else
    gtk_style_context_remove_class (style, "okn-focused");
}

/**
 * okn_gui_text_view_show_focus:
 * @view: a text view inside a scrolled window with a frame
 *
 * Draws a focus ring round the text view's frame while it has the
 * keyboard, as the theme does for one-line entries (a text view in a
 * scrolled window shows none, so a clerk cannot see where she types).
 * The frame gets the style classes `okn-text-frame` and, while focused,
 * `okn-focused` (ui/okienko.css).
 */
void
okn_gui_text_view_show_focus (GtkTextView *view)
{
  GtkWidget *frame = gtk_widget_get_parent (GTK_WIDGET (view));

  g_return_if_fail (GTK_IS_SCROLLED_WINDOW (frame));
  gtk_style_context_add_class (gtk_widget_get_style_context (frame), "okn-text-frame");
  g_signal_connect_object (view, "state-flags-changed", G_CALLBACK (on_text_view_state), frame, 0);
}

void
okn_gui_show_error (GtkWidget  *error_label,
                    const char *message)
{
  const char *old = gtk_label_get_text (GTK_LABEL (error_label));
  /* A message may quote what was typed, imported or answered. */
  g_autofree char *safe = okn_text_display_block (message);

  /* One field may get two problems: show both. */
  if (gtk_widget_get_visible (error_label) && old && *old)
    {
      g_autofree char *both = g_strconcat (old, "\n", safe, NULL);
      gtk_label_set_text (GTK_LABEL (error_label), both);
    }
  else
    gtk_label_set_text (GTK_LABEL (error_label), safe);
  gtk_widget_show (error_label);
}

/**
 * okn_gui_show_setting_error:
 * @error_label: the field's error label
 * @field: the field, named by its label (okn_gui_name_accessibles())
 * @error: the core's refusal of the field's value
 *
 * Shows the core's refusal of a setting next to its field, naming the
 * field as the dialog labels it ("Timeout (seconds): ...") rather than by
 * its key in the configuration file ("server.timeout: ..."): the core
 * gives the problem apart from the key (okn_config_error_get_problem()).
 */
void
okn_gui_show_setting_error (GtkWidget    *error_label,
                            GtkWidget    *field,
                            const GError *error)
{
  const char *problem = okn_config_error_get_problem (error);
  const char *name = atk_object_get_name (gtk_widget_get_accessible (field));
  g_autofree char *named = NULL;

  if (problem && name && *name)
    /* TRANSLATORS: "<field's label>: <what is wrong with its value>" */
    named = g_strdup_printf (_("%s: %s"), name, problem);
  okn_gui_show_error (error_label, named ? named : error->message);
}

/**
 * okn_gui_error_label_new:
 *
 * Returns: (transfer floating): a hidden, wrapping label for a field's
 *   problem, styled as the desk's inline errors
 */
GtkWidget *
okn_gui_error_label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_no_show_all (label, TRUE);
  gtk_style_context_add_class (gtk_widget_get_style_context (label), "okn-field-error");
  return label;
}

/**
 * okn_gui_show_message:
 * @is_error: styled as an error, else as a plain note
 *
 * A page's one-line message ("Printed: …", or why not).
 */
void
okn_gui_show_message (GtkWidget  *label,
                      const char *text,
                      gboolean    is_error)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (label);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (is_error)
    gtk_style_context_add_class (ctx, "okn-field-error");
  else
    gtk_style_context_remove_class (ctx, "okn-field-error");
  gtk_widget_show (label);
}

void
okn_gui_clear_error (GtkWidget *error_label)
{
  gtk_label_set_text (GTK_LABEL (error_label), "");
  gtk_widget_hide (error_label);
}

static const char *
state_label (const char *name)
{
  OknSyncState state;

  return name && okn_sync_state_from_string (name, &state) ? okn_labels_sync_state (okn_language_from_locale (), state) : name;
}

/**
 * okn_gui_audit_text:
 *
 * Says an audit entry in the clerk's words: the store keeps an action code
 * and JSON details, which are for scripts (okienkoctl), not for the desk.
 *
 * Returns: (transfer full): what happened, e.g. "Waiting to be sent →
 *   Needs attention: lane is required"
 */
char *
okn_gui_audit_text (const OknAuditEntry *entry)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *details = NULL;
  const char *action = entry->action ? entry->action : "";

  if (entry->details && json_parser_load_from_data (parser, entry->details, -1, NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    details = json_node_get_object (json_parser_get_root (parser));
#define DETAIL(key) (details ? json_object_get_string_member_with_default (details, key, NULL) : NULL)
  if (g_str_equal (action, "register"))
    return g_strdup (_("Registered"));
  if (g_str_equal (action, "correct"))
    return g_strdup (_("Corrected before sending"));
  if (g_str_equal (action, "cancel"))
    return DETAIL ("reason") ? g_strdup_printf (_("Cancelled: %s"), DETAIL ("reason"))
                             : g_strdup (_("Cancelled"));
  if (g_str_equal (action, "sync-state") && DETAIL ("from") && DETAIL ("to"))
    {
      /* TRANSLATORS: a record's sync state changed from one to the other */
      g_autofree char *change = g_strdup_printf (_("%s → %s"), state_label (DETAIL ("from")),
                                                 state_label (DETAIL ("to")));

      return DETAIL ("detail") ? g_strdup_printf ("%s: %s", change, DETAIL ("detail"))
                               : g_steal_pointer (&change);
    }
#undef DETAIL
  return g_strdup_printf ("%s%s%s", action, entry->details ? "  " : "",
                          entry->details ? entry->details : "");
}

/**
 * okn_gui_focus_error:
 *
 * Moves the keyboard focus to a field that has a problem.
 */
GtkWidget *
okn_gui_focus_error (GtkWidget *field)
{
  /* A combo box is not focusable itself but passes the focus to its
   * button. */
  if (field != NULL && (gtk_widget_get_can_focus (field) || GTK_IS_COMBO_BOX (field)))
    gtk_widget_grab_focus (field);
  return field;
}

/**
 * okn_gui_describe_by:
 *
 * Tells assistive technology that @error_label describes @field, so a
 * screen reader reads the problem with the field.
 */
void
okn_gui_describe_by (GtkWidget *field,
                     GtkWidget *error_label)
{
  AtkObject *f, *e;

  if (field == NULL || error_label == NULL)
    return;
  f = gtk_widget_get_accessible (field);
  e = gtk_widget_get_accessible (error_label);
  if (f == NULL || e == NULL)
    return;
  atk_object_add_relationship (f, ATK_RELATION_DESCRIBED_BY, e);
  atk_object_add_relationship (e, ATK_RELATION_DESCRIPTION_FOR, f);
}

#define MEMBER(form, offset) (*(GtkWidget **) G_STRUCT_MEMBER_P (form, offset))

/**
 * okn_gui_describe_fields:
 *
 * okn_gui_describe_by() for every field of @map.
 */
void
okn_gui_describe_fields (gpointer           form,
                         const OknFieldMap *map,
                         gsize              n_map)
{
  for (gsize i = 0; i < n_map; i++)
    okn_gui_describe_by (MEMBER (form, map[i].widget_offset), MEMBER (form, map[i].error_offset));
}

void
okn_gui_clear_field_errors (gpointer           form,
                            const OknFieldMap *map,
                            gsize              n_map,
                            GtkWidget         *general_error)
{
  okn_gui_clear_error (general_error);
  for (gsize i = 0; i < n_map; i++)
    okn_gui_clear_error (MEMBER (form, map[i].error_offset));
}

/**
 * okn_gui_field_edited:
 * @edited: the widget a person just changed
 *
 * A field's problem is said until the field changes: then its error goes
 * (the check runs again on save), so no error stays next to a fixed value.
 */
void
okn_gui_field_edited (gpointer           form,
                      const OknFieldMap *map,
                      gsize              n_map,
                      GtkWidget         *edited)
{
  for (gsize i = 0; i < n_map; i++)
    {
      GtkWidget *w = MEMBER (form, map[i].widget_offset);

      if (w && (w == edited || gtk_widget_is_ancestor (edited, w)))
        okn_gui_clear_error (MEMBER (form, map[i].error_offset));
    }
}

/* Whether @a is shown above @b (or level with it and to its left) in
 * @form: the order a clerk reads the fields in. A field not laid out
 * yet comes after the others. */
static gboolean
shown_before (GtkWidget *a,
              GtkWidget *b,
              GtkWidget *form)
{
  int ax, ay, bx, by;

  if (!gtk_widget_translate_coordinates (a, form, 0, 0, &ax, &ay))
    return FALSE;
  if (!gtk_widget_translate_coordinates (b, form, 0, 0, &bx, &by))
    return TRUE;
  return ay < by || (ay == by && ax < bx);
}

/**
 * okn_gui_show_issues:
 * @issues: (element-type OknFieldIssue): the core's answer
 * @lookup: (nullable): fields outside @map
 *
 * Shows each problem next to its field (one the form has no place for in
 * @general_error) and moves the focus to the topmost field with a problem.
 * The errors shown before are cleared first; what was typed stays.
 */
void
okn_gui_show_issues (gpointer            form,
                     const OknFieldMap  *map,
                     gsize               n_map,
                     GtkWidget          *general_error,
                     GPtrArray          *issues,
                     OknFieldLookupFunc  lookup,
                     gpointer            lookup_data)
{
  GtkWidget *first = NULL;

  okn_gui_clear_field_errors (form, map, n_map, general_error);
  for (guint i = 0; i < issues->len; i++)
    {
      OknFieldIssue *issue = g_ptr_array_index (issues, i);
      GtkWidget *label = NULL, *widget = NULL;

      if (lookup == NULL || !lookup (issue->field, &label, &widget, lookup_data))
        for (gsize j = 0; j < n_map; j++)
          if (g_str_equal (map[j].field, issue->field))
            {
              label = MEMBER (form, map[j].error_offset);
              widget = MEMBER (form, map[j].widget_offset);
              break;
            }
      okn_gui_show_error (label ? label : general_error, issue->message);
      if (widget && (first == NULL || shown_before (widget, first, GTK_WIDGET (form))))
        first = widget;
    }
  /* A group of check boxes takes the focus on its first box. */
  if (first && GTK_IS_BOX (first))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (first));
      first = children ? children->data : first;
    }
  if (first)
    okn_gui_focus_error (first);
}

/* Lists of records -------------------------------------------------------- */

/**
 * okn_gui_list_class_add_open_signal:
 * @klass: the class of a page that lists records
 *
 * The page's ::open (@ticket: the ticket ID of the record the clerk chose),
 * the same on every such page: the window opens the record.
 */
void
okn_gui_list_class_add_open_signal (GObjectClass *klass)
{
  g_signal_new ("open", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                G_TYPE_NONE, 1, G_TYPE_STRING);
}

/**
 * okn_gui_list_open:
 * @page: a page with ::open (okn_gui_list_class_add_open_signal())
 * @records: (nullable) (element-type OknRecord): the records it lists, in
 *   the order of its rows
 * @index: the row chosen
 *
 * Emits ::open with the ticket of the record in row @index; a row that
 * does not list one (none yet, or out of range) opens nothing.
 */
void
okn_gui_list_open (GtkWidget *page,
                   GPtrArray *records,
                   int        index)
{
  if (records && index >= 0 && (guint) index < records->len)
    g_signal_emit_by_name (page, "open", ((OknRecord *) g_ptr_array_index (records, index))->ticket);
}

/* Form sessions ----------------------------------------------------------- */

#define CHROME_KEY "okn-form-chrome"
#define BUSY_NOTE_KEY "okn-form-busy-note"

/**
 * okn_gui_form_class_add_signals:
 * @klass: a record form's class
 *
 * A record form's signals, the same for every form:
 * - ::saved (@result: the OknIntakeResult: the stored record, what printed);
 * - ::cancelled: a correction was given up;
 * - ::cleared: a new record's form that held something was cleared; the
 *   session's undo brings it back (Ctrl+Z).
 */
void
okn_gui_form_class_add_signals (GObjectClass *klass)
{
  GType type = G_TYPE_FROM_CLASS (klass);

  g_signal_new ("saved", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  g_signal_new ("cancelled", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  g_signal_new ("cleared", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
on_session_editing (GtkWidget      *form,
                    GParamSpec     *pspec,
                    OknFormSession *session)
{
  const OknFormChrome *c = g_object_get_data (G_OBJECT (form), CHROME_KEY);
  const OknRecord *record = okn_form_session_get_editing (session);
  g_autofree char *title = NULL;

  /* Not a printf: the title is the form's own translated string, filled
   * by hand so that no format travels through a struct. */
  if (record)
    {
      GString *t = g_string_new (c->editing_title);

      g_string_replace (t, "%s", record->ticket, 1);
      title = g_string_free (t, FALSE);
    }
  gtk_label_set_text (c->title, record ? title : c->new_title);
  gtk_button_set_label (GTK_BUTTON (c->save_button), record ? _("_Save correction (Ctrl+Enter)") : c->new_save);
  gtk_button_set_label (GTK_BUTTON (c->clear_button), record ? _("_Cancel correction (Esc)")
                                                             : _("_Clear form (Esc)"));
  if (c->new_only)
    gtk_widget_set_sensitive (c->new_only, record == NULL);
}

static void
on_session_busy (GtkWidget      *form,
                 GParamSpec     *pspec,
                 OknFormSession *session)
{
  const OknFormChrome *c = g_object_get_data (G_OBJECT (form), CHROME_KEY);
  gboolean busy = okn_form_session_get_busy (session);

  /* A new record's form is clean for the next one as soon as it is
   * submitted: its fields take the clerk's keys while it is stored. */
  gtk_widget_set_sensitive (c->grid, !okn_form_session_get_fields_locked (session));
  gtk_widget_set_sensitive (c->save_button, !busy);
  gtk_widget_set_sensitive (c->clear_button, !busy);
  /* "Still being saved" is true no more once the save ended. */
  if (!busy && g_object_steal_data (G_OBJECT (form), BUSY_NOTE_KEY))
    okn_gui_clear_error (c->general_error);
}

static void
on_session_draft_error (GtkWidget    *form,
                        const GError *error)
{
  const OknFormChrome *c = g_object_get_data (G_OBJECT (form), CHROME_KEY);

  okn_gui_show_error (c->general_error, error->message);
}

static void
on_session_cleared (GtkWidget *form)
{
  g_signal_emit_by_name (form, "cleared");
}

static void
on_session_cancelled (GtkWidget *form)
{
  g_signal_emit_by_name (form, "cancelled");
}

/**
 * okn_gui_form_bind_session:
 * @form: a record form with "cleared" and "cancelled" signals
 * @session: the form's session
 * @chrome: what the form shows of it; copied
 * @delegate: how the session reads and fills the form's fields (@form is
 *   their data)
 *
 * The titles and buttons follow the session (new or correcting), the
 * Clear button clears (or gives up a correction), the fields wait while
 * they hold the record being submitted, a draft that cannot be written is said in
 * the form, and the session's ::cleared and ::cancelled become the form's.
 */
void
okn_gui_form_bind_session (GtkWidget             *form,
                           OknFormSession        *session,
                           const OknFormChrome   *chrome,
                           const OknFormDelegate *delegate)
{
  g_object_set_data_full (G_OBJECT (form), CHROME_KEY, g_memdup2 (chrome, sizeof *chrome), g_free);
  okn_form_session_set_delegate (session, delegate, form);
  g_signal_connect_object (session, "notify::editing", G_CALLBACK (on_session_editing), form,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (on_session_busy), form, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "draft-error", G_CALLBACK (on_session_draft_error), form,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "cleared", G_CALLBACK (on_session_cleared), form, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "cancelled", G_CALLBACK (on_session_cancelled), form, G_CONNECT_SWAPPED);
  /* The Clear button is Escape's twin: clear, or give up a correction. */
  g_signal_connect_object (chrome->clear_button, "clicked", G_CALLBACK (okn_form_session_cancel), session,
                           G_CONNECT_SWAPPED);
  on_session_editing (form, NULL, session);
}

/**
 * okn_gui_form_unbind_session:
 * @session: (inout): the form's session; cleared
 *
 * For the form's dispose: whatever is pending reaches the disk while the
 * widgets are still there; after that the session asks them nothing (a
 * save still in flight finishes without them).
 */
void
okn_gui_form_unbind_session (GtkWidget       *form,
                             OknFormSession **session)
{
  if (*session == NULL)
    return;
  okn_form_session_flush (*session);
  okn_form_session_set_delegate (*session, &(OknFormDelegate) { 0 }, NULL);
  g_signal_handlers_disconnect_by_data (*session, form);
  g_clear_object (session);
}

typedef struct
{
  GtkWidget *form;
  OknFormStoredFunc stored;
} Submit;

static void
on_form_submitted (GObject      *source,
                   GAsyncResult *res,
                   gpointer      data)
{
  Submit *submit = data;
  g_autoptr (GtkWidget) form = submit->form;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) result = okn_form_session_submit_finish (OKN_FORM_SESSION (source), res, &error);
  const OknFormChrome *c = g_object_get_data (G_OBJECT (form), CHROME_KEY);
  OknFormStoredFunc stored = submit->stored;

  g_free (submit);
  if (result == NULL)
    {
      /* Nothing typed is lost: the form and its draft stay as they were. */
      if (c)
        okn_gui_show_error (c->general_error, error->message);
      return;
    }
  if (stored)
    stored (form, result);
  g_signal_emit_by_name (form, "saved", result);
}

/**
 * okn_gui_form_may_save:
 * @next_note: what to say when the last record, cleared at its submit,
 *   is still being stored
 *
 * A save asked for (Ctrl+Enter) while the form's session is busy does
 * nothing: one record is in flight at a time and nothing is queued. The
 * form keeps what is typed and says so where it shows general errors,
 * until the save in flight ends.
 *
 * Returns: %TRUE when the form's fields may be checked and submitted now
 */
gboolean
okn_gui_form_may_save (GtkWidget      *form,
                       OknFormSession *session,
                       const char     *next_note)
{
  const OknFormChrome *c = g_object_get_data (G_OBJECT (form), CHROME_KEY);

  if (!okn_form_session_get_busy (session))
    return TRUE;
  if (c)
    {
      okn_gui_show_error (c->general_error, okn_form_session_get_fields_locked (session)
                                              ? _("This form is still being saved: wait a moment.")
                                              : next_note);
      g_object_set_data (G_OBJECT (form), BUSY_NOTE_KEY, GINT_TO_POINTER (TRUE));
    }
  return FALSE;
}

/**
 * okn_gui_form_submit:
 * @record: (transfer full): the record the form built, checked
 * @stored: (nullable): called with the stored record before ::saved
 *
 * A desk form's save: through its session into the intake, as the
 * station's operator, printing the desk's outputs. Refused, the core's
 * words go where the form shows general errors; stored, the form says
 * ::saved with the OknIntakeResult.
 */
void
okn_gui_form_submit (GtkWidget         *form,
                     OknFormSession    *session,
                     OknContext        *context,
                     OknRecord         *record,
                     OknFormStoredFunc  stored)
{
  OknIntakeOptions options = { .actor = okn_context_get_operator (context), .print = TRUE,
                               .profile = OKN_OUTPUTS_DESK };
  Submit *submit = g_new0 (Submit, 1);

  submit->form = g_object_ref (form);
  submit->stored = stored;
  okn_form_session_submit_async (session, context, record, &options, NULL, on_form_submitted, submit);
}

/**
 * okn_gui_feed_scan_burst:
 * @burst: the window's scan recogniser
 * @event: a key the window saw
 *
 * Feeds @event to the core's recogniser (okn-scan-burst) as the character
 * a keyboard-wedge scanner typed: Enter and Tab as themselves, a key with
 * Ctrl or Alt as none. Modifier keys alone are passed over: Shift and the
 * like come between a scanner's characters too.
 *
 * Returns: (transfer full) (nullable): the payload of a whole scan that
 *   this key ended, or %NULL
 */
char *
okn_gui_feed_scan_burst (OknScanBurst *burst,
                         GdkEventKey  *event)
{
  gint64 time_us = (gint64) gdk_event_get_time ((GdkEvent *) event) * 1000;
  gunichar c = gdk_keyval_to_unicode (event->keyval);

  if (event->is_modifier)
    return NULL;
  if (event->state & (GDK_CONTROL_MASK | GDK_MOD1_MASK))
    c = 0;
  else if (event->keyval == GDK_KEY_Return || event->keyval == GDK_KEY_KP_Enter)
    c = '\r';
  else if (event->keyval == GDK_KEY_Tab || event->keyval == GDK_KEY_ISO_Left_Tab)
    c = '\t';
  return okn_scan_burst_feed (burst, c, time_us);
}

/**
 * okn_gui_remove_scanned_text:
 * @focus: (nullable): the focused widget when the scan ended
 * @typed: (nullable): what the scanner typed (okn_scan_burst_get_typed())
 *
 * A keyboard-wedge scanner's keys went into the focused field just before
 * its cursor before the recogniser knew they were a scan: take out exactly
 * those, an entry's or a text view's, and nothing the person typed.
 */
void
okn_gui_remove_scanned_text (GtkWidget  *focus,
                             const char *typed)
{
  glong n;

  if (typed == NULL)
    return;
  n = g_utf8_strlen (typed, -1);
  if (GTK_IS_ENTRY (focus))
    {
      int end = gtk_editable_get_position (GTK_EDITABLE (focus));
      g_autofree char *before = NULL;

      if (end < n)
        return;
      before = gtk_editable_get_chars (GTK_EDITABLE (focus), end - (int) n, end);
      if (g_str_equal (before, typed))
        gtk_editable_delete_text (GTK_EDITABLE (focus), end - (int) n, end);
    }
  else if (GTK_IS_TEXT_VIEW (focus))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (focus));
      GtkTextIter start, end;
      g_autofree char *before = NULL;

      gtk_text_buffer_get_iter_at_mark (buffer, &end, gtk_text_buffer_get_insert (buffer));
      start = end;
      if (!gtk_text_iter_backward_chars (&start, (int) n))
        return;
      before = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      if (g_str_equal (before, typed))
        gtk_text_buffer_delete (buffer, &start, &end);
    }
}
