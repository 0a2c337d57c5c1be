/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-preferences-dialog.c: station, printing, server, office texts
 *
 * Every field is a configuration key; the core checks and saves them
 * (okn_config_set, okn_config_save). The API key is never shown: its entry
 * is masked and starts empty, and an empty entry keeps the stored key.
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-preferences-dialog.h"
#include "okienko/okn-printer.h"

typedef enum
{
  PAGE_STATION,
  PAGE_PRINTING,
  PAGE_SERVER,
  PAGE_OFFICE,
} Page;

typedef struct
{
  const char *key;
  const char *label;
  Page page;
} Field;

static const Field fields[] = {
  { "letters.units", N_("_Units (comma-separated):"), PAGE_STATION },
  { "desk.printer_receipt", N_("_Receipt printer:"), PAGE_PRINTING },
  { "desk.printer_label", N_("_Label printer:"), PAGE_PRINTING },
  { "desk.printer_a4", N_("_A4 printer:"), PAGE_PRINTING },
  { "desk.output_dir", N_("PDF _folder (instead of printers):"), PAGE_PRINTING },
  { "server.url", N_("Server _address:"), PAGE_SERVER },
  { "server.api_key", N_("API _key:"), PAGE_SERVER },
  { "server.jurisdiction_id", N_("_Jurisdiction:"), PAGE_SERVER },
  /* Not _S: Alt+S is the dialog's Save. */
  { "letters.service_code", N_("Service code for _letters:"), PAGE_SERVER },
  { "server.timeout", N_("_Timeout (seconds):"), PAGE_SERVER },
  { "office.name", N_("Office _name:"), PAGE_OFFICE },
  { "office.address", N_("Office a_ddress:"), PAGE_OFFICE },
  { "office.hotline", N_("_Hotline:"), PAGE_OFFICE },
  { "office.status_url", N_("Status _page:"), PAGE_OFFICE },
};

/**
 * okn_preferences_field_name:
 * @key: a configuration key
 *
 * How a message for a clerk names a setting this dialog has a field for
 * (“API key” in Preferences (Ctrl+,)), for okn_setting_fix_describe().
 *
 * Returns: (transfer full) (nullable): the name, %NULL when the dialog
 *   has no field for @key
 */
char *
okn_preferences_field_name (const char *key)
{
  for (guint i = 0; key && i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      {
        g_autoptr (GString) label = g_string_new (_(fields[i].label));

        /* "API _key:" reads "API key". */
        for (char *u; (u = strchr (label->str, '_'));)
          g_string_erase (label, u - label->str, 1);
        if (label->len > 0 && label->str[label->len - 1] == ':')
          g_string_truncate (label, label->len - 1);
        /* TRANSLATORS: a field of the Preferences dialog, named in a
         * message: “API key” in Preferences (Ctrl+,) */
        return g_strdup_printf (_("“%s” in Preferences (Ctrl+,)"), label->str);
      }
  return NULL;
}

/* Outputs that print on save: a key and the choices it lists. */
static const struct { const char *key; const char *value; const char *label; } outputs[] = {
  { "desk.letter_outputs", "label", N_("Letter: la_bel for the paper") },
  /* Not _c: Alt+C is the dialog's Cancel. */
  { "desk.letter_outputs", "a4-confirmation", N_("Letter: A4 c_onfirmation of receipt") },
  { "desk.report_outputs", "receipt-80", N_("Report: receipt _80 mm") },
  { "desk.report_outputs", "receipt-58", N_("Report: receipt _58 mm") },
};

struct _OknPreferencesDialog
{
  GtkDialog parent_instance;

  GtkWidget *general_error;
  GtkGrid *station_grid;
  GtkGrid *printing_grid;
  GtkGrid *server_grid;
  GtkGrid *office_grid;

  OknApplication *app;
  GtkWidget *entries[G_N_ELEMENTS (fields)];
  GtkWidget *errors[G_N_ELEMENTS (fields)];
  GtkWidget *output_checks[G_N_ELEMENTS (outputs)];
  GtkWidget *outputs_error;
  GList *printer_combos;
  GCancellable *cancellable;
  int rows[4];
};

G_DEFINE_FINAL_TYPE (OknPreferencesDialog, okn_preferences_dialog, GTK_TYPE_DIALOG)

static GtkGrid *
page_grid (OknPreferencesDialog *self,
           Page                  page)
{
  GtkGrid *grids[] = { self->station_grid, self->printing_grid, self->server_grid, self->office_grid };

  return grids[page];
}

GtkWidget *
okn_preferences_dialog_get_field (OknPreferencesDialog *self,
                                  const char           *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].key, key))
      return self->entries[i];
  return NULL;
}

static void
build (OknPreferencesDialog *self)
{
  OknConfig *config = okn_application_get_config (self->app);
  g_autofree char *station = okn_store_get_station (okn_application_get_store (self->app), NULL);
  g_autofree char *station_text = NULL;
  GtkWidget *w;

  station_text = g_strdup_printf (_("Station code: %s (set at installation; it starts every ticket ID)"),
                                  station ? station : _("none"));
  w = gtk_label_new (station_text);
  gtk_label_set_xalign (GTK_LABEL (w), 0);
  gtk_label_set_selectable (GTK_LABEL (w), TRUE);
  gtk_grid_attach (self->station_grid, w, 0, self->rows[PAGE_STATION]++, 2, 1);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const OknConfigKey *k = okn_config_find_key (fields[i].key);
      GtkGrid *grid = page_grid (self, fields[i].page);
      int row = self->rows[fields[i].page];
      GtkWidget *label = gtk_label_new_with_mnemonic (_(fields[i].label));
      GtkWidget *entry, *field;
      g_autofree char *value = NULL;

      /* Printers: the scheduler's list (filled from a thread), or any name. */
      if (g_str_has_prefix (fields[i].key, "desk.printer_"))
        {
          field = gtk_combo_box_text_new_with_entry ();
          entry = gtk_bin_get_child (GTK_BIN (field));
          self->printer_combos = g_list_prepend (self->printer_combos, field);
        }
      else
        field = entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
      /* Enter in any field saves, as the Save button would. */
      gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
      gtk_widget_set_hexpand (field, TRUE);
      if (k && k->summary)
        gtk_widget_set_tooltip_text (entry, _(k->summary));
      if (k && k->type == OKN_CONFIG_TYPE_SECRET)
        {
          /* Never put the key itself into a widget. */
          gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
          gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PASSWORD);
          gtk_entry_set_placeholder_text (GTK_ENTRY (entry),
                                          okn_config_is_set (config, fields[i].key)
                                              ? _("set (hidden); type a new key to replace it")
                                              : _("not set"));
        }
      else
        {
          value = okn_config_is_set (config, fields[i].key) ? okn_config_get_string (config, fields[i].key) : NULL;
          gtk_entry_set_text (GTK_ENTRY (entry), value ? value : "");
          if (k && k->default_value)
            gtk_entry_set_placeholder_text (GTK_ENTRY (entry), k->default_value);
        }
      self->entries[i] = entry;
      self->errors[i] = okn_gui_error_label_new ();
      okn_gui_describe_by (entry, self->errors[i]);
      gtk_grid_attach (grid, label, 0, row, 1, 1);
      gtk_grid_attach (grid, field, 1, row, 1, 1);
      gtk_grid_attach (grid, self->errors[i], 1, row + 1, 1, 1);
      self->rows[fields[i].page] += 2;
    }

  w = gtk_label_new (_("Print when a record is saved:"));
  gtk_label_set_xalign (GTK_LABEL (w), 0);
  gtk_grid_attach (self->printing_grid, w, 0, self->rows[PAGE_PRINTING]++, 2, 1);
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_auto (GStrv) list = okn_config_get_list (config, outputs[i].key);

      self->output_checks[i] = gtk_check_button_new_with_mnemonic (_(outputs[i].label));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->output_checks[i]),
                                    list && g_strv_contains ((const char *const *) list, outputs[i].value));
      gtk_grid_attach (self->printing_grid, self->output_checks[i], 1, self->rows[PAGE_PRINTING]++, 1, 1);
    }
  self->outputs_error = okn_gui_error_label_new ();
  gtk_grid_attach (self->printing_grid, self->outputs_error, 1, self->rows[PAGE_PRINTING]++, 1, 1);
  gtk_widget_show_all (GTK_WIDGET (self));
  okn_gui_name_accessibles (GTK_WIDGET (self));
}

static void
list_printers_thread (GTask        *task,
                      gpointer      source,
                      gpointer      data,
                      GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *printers = okn_printer_list (&error);

  if (printers == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, printers, (GDestroyNotify) g_ptr_array_unref);
}

static void
on_printers_listed (GObject      *source,
                    GAsyncResult *res,
                    gpointer      data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) printers = g_task_propagate_pointer (G_TASK (res), &error);
  OknPreferencesDialog *self;

  /* The dialog may have been closed meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = OKN_PREFERENCES_DIALOG (data);
  if (printers == NULL)
    {
      /* No scheduler: names can still be typed; say why the list is empty. */
      for (GList *l = self->printer_combos; l; l = l->next)
        gtk_widget_set_tooltip_text (l->data, error->message);
      return;
    }
  for (GList *l = self->printer_combos; l; l = l->next)
    for (guint i = 0; i < printers->len; i++)
      {
        OknPrinterInfo *p = g_ptr_array_index (printers, i);
        gtk_combo_box_text_append (l->data, p->name, p->name);
      }
}

/**
 * okn_preferences_dialog_apply:
 *
 * Hands every field to the core; a refused value is shown next to its
 * field and nothing is saved.
 *
 * Returns: %TRUE when the configuration was saved
 */
gboolean
okn_preferences_dialog_apply (OknPreferencesDialog *self)
{
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok = TRUE;
  const char *path = okn_config_get_path (okn_application_get_config (self->app));

  okn_gui_clear_error (self->general_error);
  /* Work on a fresh copy: a refused value leaves the running one alone. */
  config = okn_config_load (path, &error);
  if (config == NULL)
    {
      okn_gui_show_error (self->general_error, error->message);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *text = gtk_entry_get_text (GTK_ENTRY (self->entries[i]));
      const OknConfigKey *k = okn_config_find_key (fields[i].key);
      g_autoptr (GError) field_error = NULL;
      gboolean done;

      okn_gui_clear_error (self->errors[i]);
      if (*text == '\0')
        done = (k && k->type == OKN_CONFIG_TYPE_SECRET) || okn_config_unset (config, fields[i].key, &field_error);
      else
        done = okn_config_set (config, fields[i].key, text, &field_error);
      if (!done)
        {
          okn_gui_show_setting_error (self->errors[i], self->entries[i], field_error);
          if (ok)
            gtk_widget_grab_focus (self->entries[i]);
          ok = FALSE;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i += 2)
    {
      g_autoptr (GPtrArray) chosen = g_ptr_array_new ();
      g_autofree char *joined = NULL;
      g_autoptr (GError) field_error = NULL;

      for (guint j = i; j < i + 2; j++)
        if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->output_checks[j])))
          g_ptr_array_add (chosen, (gpointer) outputs[j].value);
      g_ptr_array_add (chosen, NULL);
      joined = g_strjoinv (",", (char **) chosen->pdata);
      if (!okn_config_set (config, outputs[i].key, joined, &field_error))
        {
          okn_gui_show_error (self->outputs_error, field_error->message);
          ok = FALSE;
        }
    }
  if (!ok)
    return FALSE;
  if (!okn_config_save (config, &error) || !okn_application_reload_config (self->app, &error))
    {
      okn_gui_show_error (self->general_error, error->message);
      return FALSE;
    }
  return TRUE;
}

static void
on_response (GtkDialog *dialog,
             int        response)
{
  OknPreferencesDialog *self = OKN_PREFERENCES_DIALOG (dialog);

  if (response == GTK_RESPONSE_OK && !okn_preferences_dialog_apply (self))
    return;
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

OknPreferencesDialog *
okn_preferences_dialog_new (OknApplication *app)
{
  OknPreferencesDialog *self = g_object_new (OKN_TYPE_PREFERENCES_DIALOG, "use-header-bar", FALSE, NULL);
  g_autoptr (GTask) task = NULL;

  self->app = app;
  build (self);
  /* Asking CUPS can take a while (or time out): never on the main loop. */
  self->cancellable = g_cancellable_new ();
  task = g_task_new (NULL, self->cancellable, on_printers_listed, self);
  g_task_run_in_thread (task, list_printers_thread);
  return self;
}

static void
okn_preferences_dialog_dispose (GObject *object)
{
  OknPreferencesDialog *self = OKN_PREFERENCES_DIALOG (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->printer_combos, g_list_free);
  G_OBJECT_CLASS (okn_preferences_dialog_parent_class)->dispose (object);
}

static void
okn_preferences_dialog_class_init (OknPreferencesDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkDialogClass *dialog_class = GTK_DIALOG_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = okn_preferences_dialog_dispose;
  dialog_class->response = on_response;
  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-preferences-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, OknPreferencesDialog, general_error);
  gtk_widget_class_bind_template_child (widget_class, OknPreferencesDialog, station_grid);
  gtk_widget_class_bind_template_child (widget_class, OknPreferencesDialog, printing_grid);
  gtk_widget_class_bind_template_child (widget_class, OknPreferencesDialog, server_grid);
  gtk_widget_class_bind_template_child (widget_class, OknPreferencesDialog, office_grid);
}

static void
okn_preferences_dialog_init (OknPreferencesDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
