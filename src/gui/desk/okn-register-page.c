/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-register-page.c: the daily register of incoming letters
 *
 * Lists okn_register_day(); the CSV and PDF come from the core's
 * okn_register_write_*(), in a thread.
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-register-page.h"

struct _OknRegisterPage
{
  GtkBox parent_instance;

  GtkEntry *day_entry;
  GtkWidget *prev_button;
  GtkWidget *next_button;
  GtkLabel *count_label;
  GtkWidget *day_error;      /* a day typed wrong, under its field */
  GtkWidget *message_label;  /* what the buttons did, beside them */
  GtkTreeView *letters_view;
  GtkListStore *letters_store;
  GtkWidget *csv_button;
  GtkWidget *pdf_button;
  GtkWidget *print_button;

  OknContext *context;
  GDate day;
  GPtrArray *letters;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (OknRegisterPage, okn_register_page, GTK_TYPE_BOX)

static void
show_message (OknRegisterPage *self,
              const char      *text,
              gboolean         is_error)
{
  okn_gui_show_message (self->message_label, text, is_error);
}

void
okn_register_page_refresh (OknRegisterPage *self)
{
  g_autoptr (GError) error = NULL;
  char text[16];
  g_autofree char *count = NULL;

  if (self->context == NULL)
    return;
  g_date_strftime (text, sizeof text, "%d.%m.%Y", &self->day);
  gtk_entry_set_text (self->day_entry, text);
  gtk_widget_hide (self->day_error);
  gtk_list_store_clear (self->letters_store);
  g_clear_pointer (&self->letters, g_ptr_array_unref);
  self->letters = okn_register_day (okn_context_get_store (self->context), &self->day, &error);
  if (self->letters == NULL)
    {
      show_message (self, error->message, TRUE);
      return;
    }
  for (guint i = 0; i < self->letters->len; i++)
    {
      const OknRecord *r = g_ptr_array_index (self->letters, i);
      g_autofree char *no = g_strdup_printf ("%u", i + 1);
      g_autofree char *when = okn_format_date_pl (r->received_at, TRUE);
      /* Every row's day is the page's ("dd.mm.yyyy hh:mm"): the hour says
       * the rest, and leaves the room to the sender and the subject. */
      const char *received = strlen (when) == 16 ? when + 11 : when;
      g_autofree char *pages = g_strdup_printf ("%d / %d", r->pages, r->attachment_count);
      g_autofree char *sender = okn_text_display_line (r->anonymous ? _("anonymous") : r->sender_name, -1);
      g_autofree char *subject = okn_text_display_line (r->subject, -1);
      g_autofree char *unit = okn_text_display_line (r->unit, -1);
      GtkTreeIter iter;

      gtk_list_store_insert_with_values (self->letters_store, &iter, -1,
                                         0, no, 1, r->ticket, 2, received,
                                         3, okn_delivery_label (r->delivery),
                                         4, sender, 5, subject, 6, pages, 7, unit,
                                         8, r->sync_state == OKN_SYNC_CANCELLED, -1);
    }
  count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u letter", "%u letters", self->letters->len),
                           self->letters->len);
  gtk_label_set_text (self->count_label, count);
}

void
okn_register_page_focus (OknRegisterPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->day_entry));
}

guint
okn_register_page_get_n_letters (OknRegisterPage *self)
{
  return self->letters ? self->letters->len : 0;
}

gboolean
okn_register_page_is_busy (OknRegisterPage *self)
{
  return self->busy;
}

void
okn_register_page_set_context (OknRegisterPage *self,
                               OknContext      *context)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  self->context = context;
  /* Filled when the page is shown, not at start-up. */
  okn_register_day_from_datetime (now, &self->day);
}

/* The day typed in the field becomes the page's day, Enter or not: a
 * clerk who typed another day and went straight to Print or Export gets
 * that day's register, the one the field shows. A day typed wrong is
 * said where the clerk looks: under the field after Enter, beside the
 * buttons after one of them. */
static gboolean
take_typed_day (OknRegisterPage *self,
                GtkWidget       *said_in)
{
  GDate day;

  gtk_widget_hide (self->day_error);
  gtk_widget_hide (self->message_label);
  if (!okn_register_parse_day (gtk_entry_get_text (self->day_entry), &day))
    {
      okn_gui_show_message (said_in, _("Day: type a date as dd.mm.yyyy."), TRUE);
      return FALSE;
    }
  self->day = day;
  okn_register_page_refresh (self);
  return TRUE;
}

static void
on_day_activate (OknRegisterPage *self)
{
  take_typed_day (self, self->day_error);
}

static void
on_prev_clicked (OknRegisterPage *self)
{
  g_date_subtract_days (&self->day, 1);
  okn_register_page_refresh (self);
}

static void
on_next_clicked (OknRegisterPage *self)
{
  g_date_add_days (&self->day, 1);
  okn_register_page_refresh (self);
}

/* Alt+Left and Alt+Right page through the days from anywhere on the page. */
static gboolean
on_key_press (GtkWidget   *widget,
              GdkEventKey *event,
              gpointer     data)
{
  OknRegisterPage *self = OKN_REGISTER_PAGE (widget);
  GdkModifierType mods = event->state & gtk_accelerator_get_default_mod_mask ();

  if (mods != GDK_MOD1_MASK)
    return GDK_EVENT_PROPAGATE;
  if (event->keyval == GDK_KEY_Left || event->keyval == GDK_KEY_KP_Left)
    on_prev_clicked (self);
  else if (event->keyval == GDK_KEY_Right || event->keyval == GDK_KEY_KP_Right)
    on_next_clicked (self);
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

static void
on_row_activated (OknRegisterPage   *self,
                  GtkTreePath       *path)
{
  okn_gui_list_open (GTK_WIDGET (self), self->letters, gtk_tree_path_get_indices (path)[0]);
}

static void
on_exported (GObject      *source,
             GAsyncResult *res,
             gpointer      data)
{
  g_autoptr (OknRegisterPage) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *where = okn_desk_export_finish (res, &error);

  self->busy = FALSE;
  gtk_widget_set_sensitive (self->csv_button, TRUE);
  gtk_widget_set_sensitive (self->pdf_button, TRUE);
  gtk_widget_set_sensitive (self->print_button, TRUE);
  /* The button that had the keyboard went grey while the file was written,
   * and GTK left the keyboard nowhere: give it back to the page, on the
   * day, where the next register is chosen (unless the clerk went on). */
  {
    GtkWidget *top = gtk_widget_get_toplevel (GTK_WIDGET (self));

    if (GTK_IS_WINDOW (top) && gtk_window_get_focus (GTK_WINDOW (top)) == NULL
        && gtk_widget_is_drawable (GTK_WIDGET (self)))
      okn_register_page_focus (self);
  }
  if (where == NULL)
    show_message (self, error->message, TRUE);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("Saved the register to %s."), where);
      show_message (self, msg, FALSE);
    }
}

void
okn_register_page_export (OknRegisterPage *self,
                          OknExportFormat  format,
                          const char      *path)
{
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->csv_button, FALSE);
  gtk_widget_set_sensitive (self->pdf_button, FALSE);
  gtk_widget_set_sensitive (self->print_button, FALSE);
  show_message (self, format == OKN_EXPORT_PRINT ? _("Printing the register…") : _("Writing the register…"),
                FALSE);
  okn_desk_export_async (self->context, &self->day, format, path, NULL, on_exported, g_object_ref (self));
}

static void
on_save_response (GtkDialog       *dialog,
                  int              response,
                  OknRegisterPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (dialog));
      OknExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "okn-format"));

      okn_register_page_export (self, format, path);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
ask_path (OknRegisterPage *self,
          OknExportFormat  format)
{
  GtkWidget *dialog;
  char day[16];
  g_autofree char *name = NULL;

  g_date_strftime (day, sizeof day, "%Y-%m-%d", &self->day);
  /* TRANSLATORS: file name of the exported register; %s is the date */
  name = g_strdup_printf (_("register-%s.%s"), day, format == OKN_EXPORT_CSV ? "csv" : "pdf");
  dialog = gtk_file_chooser_dialog_new (format == OKN_EXPORT_CSV ? _("Export the register as CSV")
                                                                 : _("Export the register as PDF"),
                                        GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Cancel"), GTK_RESPONSE_CANCEL,
                                        _("_Save"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_file_chooser_set_do_overwrite_confirmation (GTK_FILE_CHOOSER (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data (G_OBJECT (dialog), "okn-format", GINT_TO_POINTER (format));
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_response), self);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_widget_show (dialog);
}

static void
on_csv_clicked (OknRegisterPage *self)
{
  if (take_typed_day (self, self->message_label))
    ask_path (self, OKN_EXPORT_CSV);
}

static void
on_pdf_clicked (OknRegisterPage *self)
{
  if (take_typed_day (self, self->message_label))
    ask_path (self, OKN_EXPORT_PDF);
}

static void
on_print_clicked (OknRegisterPage *self)
{
  if (take_typed_day (self, self->message_label))
    okn_register_page_export (self, OKN_EXPORT_PRINT, NULL);
}

static void
okn_register_page_finalize (GObject *object)
{
  OknRegisterPage *self = OKN_REGISTER_PAGE (object);

  g_clear_pointer (&self->letters, g_ptr_array_unref);
  G_OBJECT_CLASS (okn_register_page_parent_class)->finalize (object);
}

static void
okn_register_page_class_init (OknRegisterPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = okn_register_page_finalize;
  okn_gui_list_class_add_open_signal (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-register-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, day_entry);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, prev_button);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, next_button);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, day_error);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, letters_view);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, letters_store);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, csv_button);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, pdf_button);
  gtk_widget_class_bind_template_child (widget_class, OknRegisterPage, print_button);
  gtk_widget_class_bind_template_callback (widget_class, on_day_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_prev_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_csv_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_pdf_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_print_clicked);
}

static void
okn_register_page_init (OknRegisterPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_date_clear (&self->day, 1);
  okn_gui_name_accessibles (GTK_WIDGET (self));
  okn_gui_set_accessible (GTK_WIDGET (self->letters_view), _("Letters received on the day"));
  okn_gui_set_accessible (self->prev_button, _("Previous day"));
  okn_gui_set_accessible (self->next_button, _("Next day"));
  okn_gui_describe_by (GTK_WIDGET (self->day_entry), self->day_error);
  g_signal_connect (self, "key-press-event", G_CALLBACK (on_key_press), NULL);
}
