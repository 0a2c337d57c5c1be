/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-letter-form.c: registering (or correcting) a paper letter
 *
 * The form maps widgets to an OknRecord and back; the core checks it
 * (okn_intake_check) and the view only shows each problem next to its field.
 * The form's life (new, correcting, set aside, cleared, drafts, busy) is
 * the core's OknFormSession; this file fills and reads the widgets.
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-desk-tasks.h"
#include "okn-gui-util.h"
#include "okn-letter-form.h"
#include "okienko/okn-form-session.h"

struct _OknLetterForm
{
  GtkBox parent_instance;

  GtkLabel *title_label;
  GtkWidget *general_error;
  GtkWidget *grid;
  GtkEntry *sender_entry;
  GtkToggleButton *anonymous_check;
  GtkEntry *address_entry;
  GtkEntry *subject_entry;
  GtkEntry *letter_date_entry;
  GtkEntry *reference_entry;
  GtkSpinButton *pages_spin;
  GtkSpinButton *attachments_spin;
  GtkComboBoxText *delivery_combo;
  GtkComboBoxText *unit_combo;
  GtkEntry *received_entry;
  GtkEntry *notes_entry;
  GtkWidget *sender_error;
  GtkWidget *sender_address_error;
  GtkWidget *subject_error;
  GtkWidget *letter_date_error;
  GtkWidget *reference_error;
  GtkWidget *pages_error;
  GtkWidget *attachments_error;
  GtkWidget *delivery_error;
  GtkWidget *unit_error;
  GtkWidget *received_at_error;
  GtkWidget *notes_error;
  GtkWidget *save_button;
  GtkWidget *clear_button;

  OknContext *context;
  OknFormSession *session;   /* new or correcting, drafts, undo, busy */
  GtkListStore *senders;     /* earlier senders, for completion */
  GHashTable *sender_names;  /* the same, to add each name once */
  GCancellable *senders_cancellable;
  guint clock_source;
  gboolean received_touched; /* the clerk typed a received time */
  char *kept_delivery;       /* the new letter's sticky values while a correction */
  char *kept_unit;           /* fills the fields with an old record's */
};

G_DEFINE_FINAL_TYPE (OknLetterForm, okn_letter_form, GTK_TYPE_BOX)

/* Field name of okn_record_check() → the error label and the widget. */
#define F(name, err, w) OKN_FIELD_MAP (OknLetterForm, name, err, w)
static const OknFieldMap field_map[] = {
  F ("sender", sender_error, sender_entry),
  F ("anonymous", sender_error, anonymous_check),
  F ("sender_address", sender_address_error, address_entry),
  F ("subject", subject_error, subject_entry),
  F ("letter_date", letter_date_error, letter_date_entry),
  F ("reference", reference_error, reference_entry),
  F ("pages", pages_error, pages_spin),
  F ("attachments", attachments_error, attachments_spin),
  F ("delivery", delivery_error, delivery_combo),
  F ("unit", unit_error, unit_combo),
  F ("received_at", received_at_error, received_entry),
  F ("notes", notes_error, notes_entry),
};
#undef F

static const char *
unit_text (OknLetterForm *self)
{
  return gtk_entry_get_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))));
}

static void
clear_errors (OknLetterForm *self)
{
  okn_gui_clear_field_errors (self, field_map, G_N_ELEMENTS (field_map), self->general_error);
}

static gboolean
loading (OknLetterForm *self)
{
  return okn_form_session_is_loading (self->session);
}

static const OknRecord *
editing (OknLetterForm *self)
{
  return okn_form_session_get_editing (self->session);
}

static OknDraft *
collect_draft (gpointer       data,
               OknFormCollect purpose)
{
  OknLetterForm *self = data;
  OknDraft *d = okn_draft_new ("letter");
  g_autofree char *pages = NULL;
  g_autofree char *att = NULL;

  okn_draft_set (d, "sender", gtk_entry_get_text (self->sender_entry));
  okn_draft_set (d, "anonymous", gtk_toggle_button_get_active (self->anonymous_check) ? "1" : NULL);
  okn_draft_set (d, "sender_address", gtk_entry_get_text (self->address_entry));
  okn_draft_set (d, "subject", gtk_entry_get_text (self->subject_entry));
  okn_draft_set (d, "letter_date", gtk_entry_get_text (self->letter_date_entry));
  okn_draft_set (d, "reference", gtk_entry_get_text (self->reference_entry));
  okn_draft_set (d, "notes", gtk_entry_get_text (self->notes_entry));
  /* One page is the default of an empty form, not something typed. */
  if (gtk_spin_button_get_value_as_int (self->pages_spin) != 1)
    okn_draft_set (d, "pages", pages = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->pages_spin)));
  if (gtk_spin_button_get_value_as_int (self->attachments_spin) > 0)
    okn_draft_set (d, "attachments", att = g_strdup_printf ("%d", gtk_spin_button_get_value_as_int (self->attachments_spin)));
  /* Sticky and defaulted fields alone are not worth offering back. */
  if (!okn_draft_is_empty (d))
    {
      okn_draft_set (d, "delivery", gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->delivery_combo)));
      okn_draft_set (d, "unit", unit_text (self));
      okn_draft_set (d, "received_at", gtk_entry_get_text (self->received_entry));
    }
  /* An untouched received time keeps following the clock. */
  if (purpose == OKN_FORM_COLLECT_KEEP && !self->received_touched)
    okn_draft_set (d, "received_at", NULL);
  return d;
}

static void
on_field_changed (OknLetterForm *self,
                  GtkWidget     *edited)
{
  if (self->session == NULL || loading (self))
    return;
  okn_gui_field_edited (self, field_map, G_N_ELEMENTS (field_map), edited);
  if (gtk_widget_has_focus (GTK_WIDGET (self->received_entry)))
    self->received_touched = TRUE;
  okn_form_session_changed (self->session);
}

static void
on_anonymous_toggled (OknLetterForm *self)
{
  gboolean anon = gtk_toggle_button_get_active (self->anonymous_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->sender_entry), !anon);
  gtk_widget_set_sensitive (GTK_WIDGET (self->address_entry), !anon);
}

static void
set_received_now (OknLetterForm *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *text = g_date_time_format (now, "%d.%m.%Y %H:%M");

  okn_form_session_begin_load (self->session);
  gtk_entry_set_text (self->received_entry, text);
  okn_form_session_end_load (self->session);
  self->received_touched = FALSE;
}

/* An untouched received time follows the clock, so a form opened at eight
 * and saved at nine says nine. */
static gboolean
on_clock_tick (gpointer data)
{
  OknLetterForm *self = data;

  if (!self->received_touched && editing (self) == NULL)
    set_received_now (self);
  return G_SOURCE_CONTINUE;
}

static void
clear_fields (OknLetterForm *self,
              gboolean       keep_sticky)
{
  okn_form_session_begin_load (self->session);
  gtk_entry_set_text (self->sender_entry, "");
  gtk_toggle_button_set_active (self->anonymous_check, FALSE);
  gtk_entry_set_text (self->address_entry, "");
  gtk_entry_set_text (self->subject_entry, "");
  gtk_entry_set_text (self->letter_date_entry, "");
  gtk_entry_set_text (self->reference_entry, "");
  gtk_entry_set_text (self->notes_entry, "");
  gtk_spin_button_set_value (self->pages_spin, 1);
  gtk_spin_button_set_value (self->attachments_spin, 0);
  if (!keep_sticky)
    {
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->delivery_combo), "in-person");
      gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))), "");
    }
  else if (self->kept_unit)
    {
      /* Back from a correction: the next letter keeps what the clerk had
       * set, not the corrected record's values. */
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->delivery_combo), self->kept_delivery);
      gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))), self->kept_unit);
    }
  g_clear_pointer (&self->kept_delivery, g_free);
  g_clear_pointer (&self->kept_unit, g_free);
  set_received_now (self);
  okn_form_session_end_load (self->session);
  clear_errors (self);
}

/* The delegate's clear: the delivery method and the unit stay as they
 * were, since a clerk usually registers a pile of letters that came the
 * same way for the same unit. */
static void
clear_new (gpointer data)
{
  clear_fields (data, TRUE);
  okn_letter_form_focus_first (data);
}

void
okn_letter_form_focus_first (OknLetterForm *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->sender_entry));
}

void
okn_letter_form_reset (OknLetterForm *self)
{
  okn_form_session_reset (self->session);
}

static void
fill_units (OknLetterForm *self)
{
  OknConfig *config = okn_context_get_config (self->context);
  g_auto (GStrv) units = okn_config_get_list (config, "letters.units");

  gtk_combo_box_text_remove_all (self->unit_combo);
  for (guint i = 0; units && units[i]; i++)
    gtk_combo_box_text_append (self->unit_combo, units[i], units[i]);
}

void
okn_letter_form_reload_config (OknLetterForm *self)
{
  g_autofree char *keep = g_strdup (unit_text (self));

  okn_form_session_begin_load (self->session);
  fill_units (self);
  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))), keep);
  okn_form_session_end_load (self->session);
}

static void
add_sender (OknLetterForm *self,
            const char    *name)
{
  GtkTreeIter iter;

  if (name == NULL || !g_hash_table_add (self->sender_names, g_strdup (name)))
    return;
  gtk_list_store_insert_with_values (self->senders, &iter, -1, 0, name, -1);
}

static void
on_senders_loaded (GObject      *source,
                   GAsyncResult *res,
                   gpointer      data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = okn_desk_senders_finish (res, &error);
  OknLetterForm *self;

  /* The form went away (its dispose cancels): nothing to fill. A store
   * that cannot be read only means no completion; saving says why. */
  if (names == NULL)
    return;
  self = data;
  for (guint i = 0; i < names->len; i++)
    add_sender (self, g_ptr_array_index (names, i));
}

void
okn_letter_form_set_context (OknLetterForm *self,
                             OknContext    *context)
{
  g_autofree char *draft = okn_draft_path (okn_context_get_db_path (context), "letter");

  self->context = context;
  okn_form_session_set_draft_path (self->session, draft);
  fill_units (self);
  clear_fields (self, FALSE);
  /* Earlier senders are only needed once the clerk types. */
  self->senders_cancellable = g_cancellable_new ();
  okn_desk_senders_async (context, self->senders_cancellable, on_senders_loaded, self);
  self->clock_source = g_timeout_add_seconds (20, on_clock_tick, self);
}

/**
 * okn_letter_form_get_session:
 *
 * Returns: (transfer none): the form's life: clear, undo, drafts, busy
 */
OknFormSession *
okn_letter_form_get_session (OknLetterForm *self)
{
  return self->session;
}

static OknRecord *
build_record (OknLetterForm *self)
{
  OknRecord *r = editing (self) ? okn_record_copy (editing (self)) : okn_record_new (OKN_KIND_LETTER);
  const char *delivery = gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->delivery_combo));
  const char *received = gtk_entry_get_text (self->received_entry);
  const char *unit = unit_text (self);

#define SET(field, value) G_STMT_START { g_free (r->field); r->field = (value); } G_STMT_END
  SET (sender_name, okn_gui_entry_dup (self->sender_entry));
  SET (sender_address, okn_gui_entry_dup (self->address_entry));
  SET (subject, okn_gui_entry_dup (self->subject_entry));
  SET (letter_date, okn_gui_entry_dup (self->letter_date_entry));
  SET (reference, okn_gui_entry_dup (self->reference_entry));
  SET (notes, okn_gui_entry_dup (self->notes_entry));
  SET (unit, unit && *unit ? g_strdup (unit) : NULL);
  /* Untouched: the moment of saving (the core's default). Not a date the
   * core understands: pass it on as typed, so the check names it next to
   * the field. */
  if (!self->received_touched && editing (self) == NULL)
    SET (received_at, NULL);
  else
    {
      SET (received_at, okn_parse_datetime_pl (received));
      if (r->received_at == NULL && *received)
        SET (received_at, g_strdup (received));
    }
#undef SET
  r->anonymous = gtk_toggle_button_get_active (self->anonymous_check);
  if (r->anonymous)
    {
      g_clear_pointer (&r->sender_name, g_free);
      g_clear_pointer (&r->sender_address, g_free);
    }
  gtk_spin_button_update (self->pages_spin);
  gtk_spin_button_update (self->attachments_spin);
  r->pages = gtk_spin_button_get_value_as_int (self->pages_spin);
  r->attachment_count = gtk_spin_button_get_value_as_int (self->attachments_spin);
  if (delivery)
    okn_delivery_from_string (delivery, &r->delivery);
  return r;
}

static void
on_stored (GtkWidget             *form,
           const OknIntakeResult *result)
{
  add_sender (OKN_LETTER_FORM (form), result->record->sender_name);
}

/**
 * okn_letter_form_save:
 *
 * Checks the form with the core; with problems, shows them and stores
 * nothing. Otherwise stores (and prints) in a thread and clears the form
 * when that is done.
 *
 * Returns: %TRUE when the save started
 */
gboolean
okn_letter_form_save (OknLetterForm *self)
{
  g_autoptr (OknRecord) record = NULL;
  g_autoptr (GPtrArray) issues = NULL;

  if (self->context == NULL
      || !okn_gui_form_may_save (GTK_WIDGET (self), self->session,
                                 _("The previous letter is still being saved: this one stays in the form. "
                                   "Press Ctrl+Enter again in a moment.")))
    return FALSE;
  record = build_record (self);
  issues = okn_intake_check (okn_context_get_store (self->context), record, NULL);
  if (issues->len > 0)
    {
      okn_gui_show_issues (self, field_map, G_N_ELEMENTS (field_map), self->general_error, issues,
                           NULL, NULL);
      return FALSE;
    }
  clear_errors (self);
  okn_gui_form_submit (GTK_WIDGET (self), self->session, self->context, g_steal_pointer (&record), on_stored);
  return TRUE;
}

static void
on_save_clicked (OknLetterForm *self)
{
  okn_letter_form_save (self);
}

void
okn_letter_form_edit_record (OknLetterForm   *self,
                             const OknRecord *record)
{
  g_autofree char *received = okn_format_date_pl (record->received_at, TRUE);
  g_autofree char *letter_date = okn_format_date_pl (record->letter_date, FALSE);

  if (editing (self) == NULL)
    {
      g_free (self->kept_delivery);
      g_free (self->kept_unit);
      self->kept_delivery = g_strdup (gtk_combo_box_get_active_id (GTK_COMBO_BOX (self->delivery_combo)));
      self->kept_unit = g_strdup (unit_text (self));
    }
  okn_form_session_edit (self->session, record);
  okn_form_session_begin_load (self->session);
  gtk_entry_set_text (self->sender_entry, record->sender_name ? record->sender_name : "");
  gtk_toggle_button_set_active (self->anonymous_check, record->anonymous);
  gtk_entry_set_text (self->address_entry, record->sender_address ? record->sender_address : "");
  gtk_entry_set_text (self->subject_entry, record->subject ? record->subject : "");
  gtk_entry_set_text (self->letter_date_entry, letter_date);
  gtk_entry_set_text (self->reference_entry, record->reference ? record->reference : "");
  gtk_entry_set_text (self->notes_entry, record->notes ? record->notes : "");
  gtk_spin_button_set_value (self->pages_spin, record->pages);
  gtk_spin_button_set_value (self->attachments_spin, record->attachment_count);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->delivery_combo),
                               okn_delivery_to_string (record->delivery));
  gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))),
                      record->unit ? record->unit : "");
  gtk_entry_set_text (self->received_entry, received);
  self->received_touched = TRUE;
  okn_form_session_end_load (self->session);
  clear_errors (self);
  okn_letter_form_focus_first (self);
}

/* The delegate's restore: the session has cleared the fields and holds
 * the changes until this returns. */
static void
restore_fields (gpointer  data,
                OknDraft *draft)
{
  OknLetterForm *self = data;
  const char *s;

#define TEXT(entry, key) gtk_entry_set_text (entry, (s = okn_draft_get (draft, key)) ? s : "")
  TEXT (self->sender_entry, "sender");
  TEXT (self->address_entry, "sender_address");
  TEXT (self->subject_entry, "subject");
  TEXT (self->letter_date_entry, "letter_date");
  TEXT (self->reference_entry, "reference");
  TEXT (self->notes_entry, "notes");
  if ((s = okn_draft_get (draft, "received_at")))
    {
      gtk_entry_set_text (self->received_entry, s);
      self->received_touched = TRUE;
    }
#undef TEXT
  gtk_toggle_button_set_active (self->anonymous_check, okn_draft_get (draft, "anonymous") != NULL);
  gtk_spin_button_set_value (self->pages_spin,
                             (s = okn_draft_get (draft, "pages")) ? g_ascii_strtod (s, NULL) : 1);
  gtk_spin_button_set_value (self->attachments_spin,
                             (s = okn_draft_get (draft, "attachments")) ? g_ascii_strtod (s, NULL) : 0);
  if ((s = okn_draft_get (draft, "delivery")))
    gtk_combo_box_set_active_id (GTK_COMBO_BOX (self->delivery_combo), s);
  if ((s = okn_draft_get (draft, "unit")))
    gtk_entry_set_text (GTK_ENTRY (gtk_bin_get_child (GTK_BIN (self->unit_combo))), s);
  okn_letter_form_focus_first (self);
}

static void
okn_letter_form_dispose (GObject *object)
{
  OknLetterForm *self = OKN_LETTER_FORM (object);

  /* Whatever is pending reaches the disk before the widgets go away; after
   * that the session asks them nothing. */
  okn_gui_form_unbind_session (GTK_WIDGET (self), &self->session);
  g_cancellable_cancel (self->senders_cancellable);
  g_clear_object (&self->senders_cancellable);
  g_clear_handle_id (&self->clock_source, g_source_remove);
  g_clear_object (&self->senders);
  g_clear_pointer (&self->sender_names, g_hash_table_unref);
  g_clear_pointer (&self->kept_delivery, g_free);
  g_clear_pointer (&self->kept_unit, g_free);
  G_OBJECT_CLASS (okn_letter_form_parent_class)->dispose (object);
}

static void
okn_letter_form_class_init (OknLetterFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_letter_form_dispose;

  okn_gui_form_class_add_signals (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-letter-form.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, OknLetterForm, name)
  CHILD (title_label);
  CHILD (general_error);
  CHILD (grid);
  CHILD (sender_entry);
  CHILD (anonymous_check);
  CHILD (address_entry);
  CHILD (subject_entry);
  CHILD (letter_date_entry);
  CHILD (reference_entry);
  CHILD (pages_spin);
  CHILD (attachments_spin);
  CHILD (delivery_combo);
  CHILD (unit_combo);
  CHILD (received_entry);
  CHILD (notes_entry);
  CHILD (sender_error);
  CHILD (sender_address_error);
  CHILD (subject_error);
  CHILD (letter_date_error);
  CHILD (reference_error);
  CHILD (pages_error);
  CHILD (attachments_error);
  CHILD (delivery_error);
  CHILD (unit_error);
  CHILD (received_at_error);
  CHILD (notes_error);
  CHILD (save_button);
  CHILD (clear_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
}

static void
okn_letter_form_init (OknLetterForm *self)
{
  GtkEntryCompletion *completion;

  static const OknFormDelegate delegate = { collect_draft, restore_fields, clear_new };

  OknFormChrome chrome;

  gtk_widget_init_template (GTK_WIDGET (self));
  chrome = (OknFormChrome) {
    self->title_label, self->grid, self->save_button, self->clear_button, self->general_error, NULL,
    _("New letter"), _("_Save and print (Ctrl+Enter)"),
    /* TRANSLATORS: %s is a ticket ID */
    _("Correcting letter %s"),
  };
  self->session = okn_form_session_new (NULL);
  okn_form_session_set_clear_at_submit (self->session, TRUE);
  okn_gui_form_bind_session (GTK_WIDGET (self), self->session, &chrome, &delegate);
  g_signal_connect_swapped (self->anonymous_check, "toggled", G_CALLBACK (on_anonymous_toggled), self);

  self->senders = gtk_list_store_new (1, G_TYPE_STRING);
  self->sender_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (self->senders));
  gtk_entry_completion_set_text_column (completion, 0);
  gtk_entry_completion_set_minimum_key_length (completion, 2);
  gtk_entry_completion_set_inline_completion (completion, FALSE);
  gtk_entry_set_completion (self->sender_entry, completion);
  g_object_unref (completion);

  okn_gui_set_accessible (GTK_WIDGET (self->anonymous_check), _("Anonymous letter"));
  okn_gui_set_accessible (self->unit_combo ? gtk_bin_get_child (GTK_BIN (self->unit_combo)) : NULL,
                          _("Unit"));
  okn_gui_name_accessibles (GTK_WIDGET (self));
  okn_gui_describe_fields (self, field_map, G_N_ELEMENTS (field_map));
}
