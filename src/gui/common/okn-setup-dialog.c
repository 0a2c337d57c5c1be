/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setup-dialog.c: first start on a new machine: station code, office */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-setup-dialog.h"

struct _OknSetupDialog
{
  GtkDialog parent_instance;

  GtkEntry *station_entry;
  GtkWidget *station_error;
  GtkEntry *office_entry;
  GtkWidget *office_error;

  OknApplication *app;
};

G_DEFINE_FINAL_TYPE (OknSetupDialog, okn_setup_dialog, GTK_TYPE_DIALOG)

enum
{
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * okn_setup_dialog_apply:
 *
 * Sets the station (the core checks the code) and the office name.
 *
 * Returns: %TRUE when the desk can start
 */
gboolean
okn_setup_dialog_apply (OknSetupDialog *self)
{
  g_autoptr (GError) error = NULL;
  OknConfig *config = okn_application_get_config (self->app);
  const char *office = gtk_entry_get_text (self->office_entry);

  okn_gui_clear_error (self->station_error);
  okn_gui_clear_error (self->office_error);
  /* The office first: saving it twice is harmless, while storing the
   * station is audited, and a retry after a refused office name would
   * store it again. */
  if (*office && (!okn_config_set (config, "office.name", office, &error)
                  || !okn_config_save (config, &error)))
    {
      okn_gui_show_error (self->office_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->office_entry));
      return FALSE;
    }
  if (!okn_store_init_station (okn_application_get_store (self->app),
                               gtk_entry_get_text (self->station_entry),
                               okn_application_get_operator (self->app), &error))
    {
      okn_gui_show_error (self->station_error, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->station_entry));
      return FALSE;
    }
  return TRUE;
}

static void
on_response (GtkDialog *dialog,
             int        response)
{
  OknSetupDialog *self = OKN_SETUP_DIALOG (dialog);

  if (response == GTK_RESPONSE_OK)
    {
      if (okn_setup_dialog_apply (self))
        g_signal_emit (self, signals[FINISHED], 0, TRUE);
      return;
    }
  g_signal_emit (self, signals[FINISHED], 0, FALSE);
}

OknSetupDialog *
okn_setup_dialog_new (OknApplication *app)
{
  OknSetupDialog *self = g_object_new (OKN_TYPE_SETUP_DIALOG, "application", app,
                                       "use-header-bar", FALSE, NULL);
  g_autofree char *office = okn_config_get_string (okn_application_get_config (app), "office.name");

  self->app = app;
  if (office)
    gtk_entry_set_text (self->office_entry, office);
  return self;
}

static void
okn_setup_dialog_class_init (OknSetupDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);

  dialog_class->response = on_response;
  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-setup-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OknSetupDialog, station_entry);
  gtk_widget_class_bind_template_child (widget_class, OknSetupDialog, station_error);
  gtk_widget_class_bind_template_child (widget_class, OknSetupDialog, office_entry);
  gtk_widget_class_bind_template_child (widget_class, OknSetupDialog, office_error);
}

static void
okn_setup_dialog_init (OknSetupDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  okn_gui_name_accessibles (GTK_WIDGET (self));
}
