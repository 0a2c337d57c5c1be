/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setup-dialog.c: first start on a new machine: station code, and the
 * office's name, address, hotline and status page that every ticket prints */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-setup-dialog.h"

/* The office's texts the setup asks for. */
typedef enum
{
  OFFICE_NAME,
  OFFICE_ADDRESS,
  OFFICE_HOTLINE,
  OFFICE_STATUS_URL,
  N_OFFICE_FIELDS
} OfficeField;

/* Each one's configuration key, and the ids of its entry and its error
 * label in the template (bound straight into entries[] and errors[]). */
static const struct
{
  const char *key;
  const char *entry;
  const char *error;
} office_fields[N_OFFICE_FIELDS] = {
  [OFFICE_NAME] = { "office.name", "office_entry", "office_error" },
  [OFFICE_ADDRESS] = { "office.address", "address_entry", "address_error" },
  [OFFICE_HOTLINE] = { "office.hotline", "hotline_entry", "hotline_error" },
  [OFFICE_STATUS_URL] = { "office.status_url", "status_url_entry", "status_url_error" },
};

struct _OknSetupDialog
{
  GtkDialog parent_instance;

  GtkEntry *station_entry;
  GtkWidget *station_error;
  GtkEntry *entries[N_OFFICE_FIELDS];
  GtkWidget *errors[N_OFFICE_FIELDS];

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

  okn_gui_clear_error (self->station_error);
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    okn_gui_clear_error (self->errors[i]);
  /* The office first: saving it twice is harmless, while storing the
   * station is audited, and a retry after a refused office text would
   * store it again. The core checks each value (a status page must be an
   * http(s) address with {ticket}). */
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    {
      const char *text = gtk_entry_get_text (self->entries[i]);
      gboolean ok = *text ? okn_config_set (config, office_fields[i].key, text, &error)
                          : okn_config_unset (config, office_fields[i].key, &error);

      if (!ok)
        {
          okn_gui_show_setting_error (self->errors[i], GTK_WIDGET (self->entries[i]), error);
          gtk_widget_grab_focus (GTK_WIDGET (self->entries[i]));
          return FALSE;
        }
    }
  if (!okn_config_save (config, &error))
    {
      okn_gui_show_error (self->errors[OFFICE_NAME], error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->entries[OFFICE_NAME]));
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

/* The station code's error stays while the code is still wrong and goes
 * the moment it is right (the core's rule), not only at the next try. */
static void
on_station_changed (OknSetupDialog *self)
{
  char code[OKN_TICKET_STATION_MAX + 1];

  if (okn_station_code_normalize (gtk_entry_get_text (self->station_entry), code, NULL))
    okn_gui_clear_error (self->station_error);
}

/* An office text is checked when saved: its error goes once it is edited. */
static void
on_office_changed (GtkEntry       *entry,
                   OknSetupDialog *self)
{
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    if (self->entries[i] == entry)
      okn_gui_clear_error (self->errors[i]);
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
  OknConfig *config = okn_application_get_config (app);

  self->app = app;
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    {
      g_autofree char *value = okn_config_is_set (config, office_fields[i].key)
                                 ? okn_config_get_string (config, office_fields[i].key) : NULL;

      if (value)
        gtk_entry_set_text (self->entries[i], value);
    }
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
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    {
      gtk_widget_class_bind_template_child_full (widget_class, office_fields[i].entry, FALSE,
                                                 G_STRUCT_OFFSET (OknSetupDialog, entries)
                                                   + i * sizeof (GtkEntry *));
      gtk_widget_class_bind_template_child_full (widget_class, office_fields[i].error, FALSE,
                                                 G_STRUCT_OFFSET (OknSetupDialog, errors)
                                                   + i * sizeof (GtkWidget *));
    }
}

static void
okn_setup_dialog_init (OknSetupDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  okn_gui_describe_by (GTK_WIDGET (self->station_entry), self->station_error);
  g_signal_connect_swapped (self->station_entry, "changed", G_CALLBACK (on_station_changed), self);
  for (guint i = 0; i < N_OFFICE_FIELDS; i++)
    {
      okn_gui_describe_by (GTK_WIDGET (self->entries[i]), self->errors[i]);
      g_signal_connect (self->entries[i], "changed", G_CALLBACK (on_office_changed), self);
    }
  okn_gui_name_accessibles (GTK_WIDGET (self));
}
