/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record-view.c: one record, its history, reprint, correct, cancel */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-desk-tasks.h"
#include "okn-gui-util.h"
#include "okn-record-view.h"

struct _OknRecordView
{
  GtkBox parent_instance;

  GtkLabel *ticket_label;
  GtkLabel *state_label;
  GtkWidget *attention_label;
  GtkWidget *message_label;
  GtkGrid *fields_grid;
  GtkLabel *history_label;
  GtkLabel *audit_label;
  GtkWidget *back_button;
  GtkWidget *reprint_button;
  GtkWidget *correct_button;
  GtkWidget *cancel_button;

  OknContext *context;
  OknRecord *record;
  GtkWidget *cancel_dialog;  /* (nullable) the open "why cancel" dialog */
  int row;
  gboolean cancelling;
  gboolean reprinting;
};

G_DEFINE_FINAL_TYPE (OknRecordView, okn_record_view, GTK_TYPE_BOX)

enum
{
  BACK,
  CORRECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
okn_record_view_set_context (OknRecordView *self,
                             OknContext    *context)
{
  self->context = context;
}

/**
 * okn_record_view_focus:
 *
 * The keyboard starts on Back: Enter or Escape returns, Alt and a letter
 * reach the rest.
 */
void
okn_record_view_focus (OknRecordView *self)
{
  gtk_widget_grab_focus (self->back_button);
}

const OknRecord *
okn_record_view_get_record (OknRecordView *self)
{
  return self->record;
}

static void
add_row (OknRecordView *self,
         const char    *label,
         const char    *value)
{
  GtkWidget *l, *v;
  g_autofree char *safe_label = NULL;
  g_autofree char *safe_value = NULL;

  if (value == NULL || *value == '\0')
    return;
  /* Values (and the catalogue's questions) come from residents, imports
   * and the server: no bidi override or control character reaches the
   * screen (okn-text.h). */
  safe_label = okn_text_display_line (label, -1);
  safe_value = okn_text_display_block (value);
  l = gtk_label_new (safe_label);
  v = gtk_label_new (safe_value);
  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_label_set_yalign (GTK_LABEL (l), 0);
  gtk_style_context_add_class (gtk_widget_get_style_context (l), "dim-label");
  gtk_label_set_xalign (GTK_LABEL (v), 0);
  gtk_label_set_line_wrap (GTK_LABEL (v), TRUE);
  /* A value pasted without a space (a long reference or identifier) breaks
   * where it must, not the window's width. */
  gtk_label_set_line_wrap_mode (GTK_LABEL (v), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (v), TRUE);
  gtk_widget_set_can_focus (v, FALSE);
  gtk_widget_set_hexpand (v, TRUE);
  /* The value keeps its text as its accessible name (a screen reader reads
   * the value), and says which label names it. */
  {
    AtkObject *la = gtk_widget_get_accessible (l), *va = gtk_widget_get_accessible (v);

    if (la && va)
      {
        atk_object_add_relationship (va, ATK_RELATION_LABELLED_BY, la);
        atk_object_add_relationship (la, ATK_RELATION_LABEL_FOR, va);
      }
  }
  gtk_grid_attach (self->fields_grid, l, 0, self->row, 1, 1);
  gtk_grid_attach (self->fields_grid, v, 1, self->row, 1, 1);
  self->row++;
}

static void
add_date_row (OknRecordView *self,
              const char    *label,
              const char    *iso,
              gboolean       with_time)
{
  g_autofree char *pl = okn_format_date_pl (iso, with_time);

  add_row (self, label, pl);
}

static void
fill (OknRecordView *self)
{
  const OknRecord *r = self->record;
  OknStore *store = okn_context_get_store (self->context);
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->fields_grid));
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (GPtrArray) audit = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *title = NULL;
  char buf[64];
  gboolean editable = okn_sync_state_is_editable (r->sync_state);

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  self->row = 0;

  /* TRANSLATORS: "Letter K03-26-000001-J" */
  title = g_strdup_printf ("%s %s", okn_labels_kind (okn_language_from_locale (), r->kind), r->ticket);
  gtk_label_set_text (self->ticket_label, title);
  gtk_label_set_text (self->state_label, okn_labels_sync_state (okn_language_from_locale (), r->sync_state));

  if (r->sync_state == OKN_SYNC_NEEDS_ATTENTION && r->server_error)
    {
      g_autofree char *said = okn_text_display_block (r->server_error);
      g_autofree char *msg = g_strdup_printf (_("The server refused this record: “%s”. Correct it "
                                                "and save: it is sent again."), said);
      gtk_label_set_text (GTK_LABEL (self->attention_label), msg);
      gtk_widget_show (self->attention_label);
    }
  else
    gtk_widget_hide (self->attention_label);

  add_row (self, _("Verification code"), r->verification_code);
  /* Sent, but the server's case number could not be kept: the sync's
   * words why, where the number would be. */
  if (r->server_id == NULL && r->sync_state == OKN_SYNC_SYNCED && r->server_error)
    add_row (self, _("Case number"), r->server_error);
  else
    add_row (self, _("Case number"), r->server_id ? r->server_id : _("not known yet"));
  add_row (self, _("Server status"), r->server_status);
  add_row (self, _("Status note"), r->server_status_notes);
  add_row (self, _("Cancelled because"), r->cancel_reason);
  if (r->kind == OKN_KIND_LETTER)
    {
      add_date_row (self, _("Received"), r->received_at, TRUE);
      add_row (self, _("Delivery method"), okn_delivery_label (r->delivery));
      add_row (self, _("Sender"), r->anonymous ? _("anonymous") : r->sender_name);
      add_row (self, _("Sender’s address"), r->sender_address);
      add_date_row (self, _("Date on the letter"), r->letter_date, FALSE);
      add_row (self, _("Sender’s reference"), r->reference);
      add_row (self, _("Subject"), r->subject);
      g_snprintf (buf, sizeof buf, "%d", r->pages);
      add_row (self, _("Pages"), buf);
      g_snprintf (buf, sizeof buf, "%d", r->attachment_count);
      add_row (self, _("Attachments"), buf);
      add_row (self, _("Unit"), r->unit);
      add_row (self, _("Notes"), r->notes);
    }
  else
    {
      g_autoptr (GPtrArray) services = okn_store_list_services (store, NULL);
      const OknService *service;
      g_autoptr (OknServiceDef) def = NULL;
      g_autofree char *category = NULL;

      service = okn_service_find (services, r->category);
      if (service && service->definition)
        def = okn_service_def_parse (service->definition, NULL);
      category = service && service->name ? g_strdup_printf ("%s (%s)", service->name, r->category)
                                          : g_strdup (r->category);
      add_row (self, _("Category"), category);
      /* Attributes as the catalogue names them: the question and, for
       * lists, the choice's name rather than its key. */
      for (guint i = 0; i < r->attributes->len; i++)
        {
          OknAttribute *a = g_ptr_array_index (r->attributes, i);
          const OknAttrDef *ad = def ? okn_service_def_find (def, a->key) : NULL;
          /* A date and time as the form takes it (dd.mm.yyyy hh:mm), not
           * the ISO 8601 the server is sent. */
          g_autofree char *when = ad && ad->datatype == OKN_ATTR_DATETIME ? okn_format_date_pl (a->value, TRUE)
                                                                          : NULL;

          add_row (self, ad && ad->description ? ad->description : a->key,
                   when && *when ? when : okn_attr_def_value_name (ad, a->value));
        }
      add_row (self, _("Description"), r->description);
      add_row (self, _("Address"), r->address);
      if (r->has_location)
        {
          g_autofree char *where = okn_record_format_location (r);

          add_row (self, _("Coordinates"), where);
        }
      add_row (self, _("Contact name"), r->contact_name);
      add_row (self, _("E-mail"), r->contact_email);
      add_row (self, _("Phone"), r->contact_phone);
      for (guint i = 0; i < r->files->len; i++)
        {
          OknAttachment *a = g_ptr_array_index (r->files, i);
          g_autofree char *size = g_format_size ((guint64) a->size);
          g_autofree char *f = g_strdup_printf ("%s (%s, %s)", a->filename, a->mime_type, size);
          add_row (self, _("File"), f);
        }
    }
  add_row (self, _("Station"), r->station);
  add_row (self, _("Operator"), r->operator_name);
  add_row (self, _("Channel"), okn_labels_channel (okn_language_from_locale (), r->channel));
  add_date_row (self, _("Registered"), r->created_at, TRUE);
  add_date_row (self, _("Last changed"), r->updated_at, TRUE);
  gtk_widget_show_all (GTK_WIDGET (self->fields_grid));

  history = okn_store_status_history (store, r->id, NULL);
  for (guint i = 0; history && i < history->len; i++)
    {
      OknStatusChange *c = g_ptr_array_index (history, i);
      g_autofree char *when = okn_format_date_pl (c->server_updated_at ? c->server_updated_at : c->fetched_at, TRUE);
      g_autofree char *status = okn_text_display_line (c->status, -1);
      g_autofree char *notes = okn_text_display_line (c->status_notes, -1);

      g_string_append_printf (text, "%s  %s%s%s\n", when, status, c->status_notes ? " — " : "", notes);
    }
  if (text->len == 0)
    g_string_append (text, _("No status from the server yet."));
  gtk_label_set_text (self->history_label, g_strchomp (text->str));

  g_string_truncate (text, 0);
  audit = okn_store_audit_log (store, r->id, NULL);
  for (guint i = 0; audit && i < audit->len; i++)
    {
      OknAuditEntry *e = g_ptr_array_index (audit, i);
      g_autofree char *when = okn_format_date_pl (e->at, TRUE);
      g_autofree char *what = okn_gui_audit_text (e);
      /* The store names the sync engine "sync". */
      g_autofree char *who = okn_text_display_line (g_strcmp0 (e->actor, "sync") == 0 ? _("sync service")
                                                                                     : e->actor, -1);
      g_autofree char *safe_what = okn_text_display_line (what, -1);

      g_string_append_printf (text, "%s  %s  %s\n", when, who, safe_what);
    }
  gtk_label_set_text (self->audit_label, g_strchomp (text->str));

  gtk_widget_set_sensitive (self->correct_button, editable);
  gtk_widget_set_sensitive (self->cancel_button, editable);
  gtk_widget_set_tooltip_text (self->correct_button,
                               editable ? NULL : _("Sent or cancelled records cannot be changed here."));
  gtk_widget_set_tooltip_text (self->cancel_button,
                               editable ? NULL : _("Sent or cancelled records cannot be changed here."));
}

/**
 * okn_record_view_show_ticket:
 * @ticket: a ticket ID, typed or scanned (look-alikes are forgiven)
 */
gboolean
okn_record_view_show_ticket (OknRecordView *self,
                             const char    *ticket,
                             GError       **error)
{
  OknRecord *r = okn_store_lookup (okn_context_get_store (self->context), ticket, error);

  if (r == NULL)
    return FALSE;
  g_clear_pointer (&self->record, okn_record_free);
  self->record = r;
  gtk_widget_hide (self->message_label);
  fill (self);
  return TRUE;
}

void
okn_record_view_reload (OknRecordView *self)
{
  g_autofree char *ticket = NULL;

  if (self->record == NULL)
    return;
  ticket = g_strdup (self->record->ticket);
  okn_record_view_show_ticket (self, ticket, NULL);
}

static void
show_message (OknRecordView *self,
              const char    *text,
              gboolean       is_error)
{
  okn_gui_show_message (self->message_label, text, is_error);
}

gboolean
okn_record_view_is_busy (OknRecordView *self)
{
  return self->cancelling || self->reprinting;
}

static void
on_cancelled (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  g_autoptr (OknRecordView) self = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = okn_desk_cancel_finish (res, &error);
  GtkWidget *dialog = self->cancel_dialog;

  self->cancelling = FALSE;
  if (dialog)
    {
      GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "okn-reason");
      GtkWidget *error_label = g_object_get_data (G_OBJECT (dialog), "okn-error");

      gtk_dialog_set_response_sensitive (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT, TRUE);
      if (!ok)
        {
          /* Keep the dialog and what was typed; say what is wrong. */
          okn_gui_clear_error (error_label);
          okn_gui_show_error (error_label, error->message);
          gtk_widget_grab_focus (GTK_WIDGET (entry));
          return;
        }
      gtk_widget_destroy (dialog);
    }
  else if (!ok)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  okn_record_view_reload (self);
  show_message (self, _("The record is cancelled. It stays in the register, struck out."), FALSE);
  /* Correct and Cancel went grey with the dialog's parent focus on one of
   * them: the keyboard goes to Back, where a clerk's next key is useful. */
  okn_record_view_focus (self);
}

static void
on_cancel_response (GtkDialog     *dialog,
                    int            response,
                    OknRecordView *self)
{
  GtkEntry *entry = g_object_get_data (G_OBJECT (dialog), "okn-reason");

  if (response != GTK_RESPONSE_ACCEPT)
    {
      gtk_widget_destroy (GTK_WIDGET (dialog));
      return;
    }
  if (self->cancelling)
    return;
  /* A store write: in a thread, as it may wait for the sync service. The
   * core says when the reason is missing. */
  self->cancelling = TRUE;
  gtk_dialog_set_response_sensitive (dialog, GTK_RESPONSE_ACCEPT, FALSE);
  okn_desk_cancel_async (self->context, self->record->ticket, gtk_entry_get_text (entry), NULL,
                         on_cancelled, g_object_ref (self));
}

static void
on_cancel_clicked (OknRecordView *self)
{
  GtkWidget *dialog, *area, *label, *entry, *error;
  g_autofree char *text = NULL;

  dialog = gtk_dialog_new_with_buttons (_("Cancel the record"),
                                        GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
                                        GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                        _("_Keep the record"), GTK_RESPONSE_CANCEL,
                                        _("_Cancel the record"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_widget_set_name (dialog, "okn-cancel-dialog");
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  area = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  gtk_container_set_border_width (GTK_CONTAINER (area), 12);
  gtk_box_set_spacing (GTK_BOX (area), 6);
  text = g_strdup_printf (_("Why is %s cancelled? The reason is kept in the record and its audit trail."),
                          self->record->ticket);
  label = gtk_label_new_with_mnemonic (_("_Reason:"));
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  okn_gui_set_accessible (entry, _("Reason"));
  error = okn_gui_error_label_new ();
  okn_gui_describe_by (entry, error);
  gtk_container_add (GTK_CONTAINER (area), gtk_label_new (text));
  gtk_container_add (GTK_CONTAINER (area), label);
  gtk_container_add (GTK_CONTAINER (area), entry);
  gtk_container_add (GTK_CONTAINER (area), error);
  g_object_set_data (G_OBJECT (dialog), "okn-reason", entry);
  g_object_set_data (G_OBJECT (dialog), "okn-error", error);
  g_signal_connect (dialog, "response", G_CALLBACK (on_cancel_response), self);
  self->cancel_dialog = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->cancel_dialog);
  gtk_widget_show_all (dialog);
}

static void
on_correct_clicked (OknRecordView *self)
{
  if (self->record)
    g_signal_emit (self, signals[CORRECT], 0, self->record);
}

static void
on_back_clicked (OknRecordView *self)
{
  g_signal_emit (self, signals[BACK], 0);
}

static void
on_reprinted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  g_autoptr (OknRecordView) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *printed = okn_desk_reprint_finish (res, &error);

  self->reprinting = FALSE;
  gtk_widget_set_sensitive (self->reprint_button, TRUE);
  if (printed == NULL)
    show_message (self, error->message, TRUE);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Printed: %s"), printed);
      show_message (self, msg, FALSE);
    }
}

static void
on_reprint (GSimpleAction *action,
            GVariant      *param,
            gpointer       data)
{
  OknRecordView *self = data;

  if (self->record == NULL)
    return;
  self->reprinting = TRUE;
  gtk_widget_set_sensitive (self->reprint_button, FALSE);
  show_message (self, _("Printing…"), FALSE);
  okn_desk_reprint_async (self->context, self->record->ticket, g_variant_get_string (param, NULL), NULL,
                          on_reprinted, g_object_ref (self));
}

static void
okn_record_view_finalize (GObject *object)
{
  OknRecordView *self = OKN_RECORD_VIEW (object);

  if (self->cancel_dialog)
    g_object_remove_weak_pointer (G_OBJECT (self->cancel_dialog), (gpointer *) &self->cancel_dialog);
  g_clear_pointer (&self->record, okn_record_free);
  G_OBJECT_CLASS (okn_record_view_parent_class)->finalize (object);
}

static void
okn_record_view_class_init (OknRecordViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = okn_record_view_finalize;
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CORRECT] = g_signal_new ("correct", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-record-view.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, OknRecordView, name)
  CHILD (ticket_label);
  CHILD (state_label);
  CHILD (attention_label);
  CHILD (message_label);
  CHILD (fields_grid);
  CHILD (history_label);
  CHILD (audit_label);
  CHILD (back_button);
  CHILD (reprint_button);
  CHILD (correct_button);
  CHILD (cancel_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_correct_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
}

static void
okn_record_view_init (OknRecordView *self)
{
  static const GActionEntry actions[] = {
    { "reprint", on_reprint, "s" },
  };
  g_autoptr (GSimpleActionGroup) group = g_simple_action_group_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_action_map_add_action_entries (G_ACTION_MAP (group), actions, G_N_ELEMENTS (actions), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "record", G_ACTION_GROUP (group));
  okn_gui_set_accessible (GTK_WIDGET (self->ticket_label), _("Ticket ID"));
  okn_gui_set_accessible (GTK_WIDGET (self->state_label), _("Sync state"));
}
