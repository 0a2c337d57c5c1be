/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-report-form.c: registering (or correcting) a walk-in report
 *
 * The category comes from the cached Open311 catalogue; its extra
 * attributes are rendered from the cached service definition. The core
 * checks the record and the attribute values (okn_intake_check); the view
 * shows each problem next to its field.
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-desk-tasks.h"
#include "okn-gui-util.h"
#include "okn-report-form.h"
#include "okienko/okn-form-session.h"

struct _OknReportForm
{
  GtkBox parent_instance;

  GtkLabel *title_label;
  GtkWidget *general_error;
  GtkWidget *grid;
  GtkSearchEntry *category_search;
  GtkListBox *category_list;
  GtkWidget *catalogue_hint;
  GtkLabel *category_selected;
  GtkGrid *attributes_grid;
  GtkTextView *description_view;
  GtkEntry *address_entry;
  GtkEntry *lat_entry;
  GtkEntry *lon_entry;
  GtkToggleButton *consent_check;
  GtkEntry *name_entry;
  GtkEntry *email_entry;
  GtkEntry *phone_entry;
  GtkWidget *add_file_button;
  GtkWidget *remove_files_button;
  GtkLabel *files_names;
  GtkWidget *category_error;
  GtkWidget *attributes_error;
  GtkWidget *description_error;
  GtkWidget *address_error;
  GtkWidget *lat_error;
  GtkWidget *name_error;
  GtkWidget *email_error;
  GtkWidget *phone_error;
  GtkWidget *files_error;
  GtkWidget *save_button;
  GtkWidget *clear_button;

  OknContext *context;
  GPtrArray *services;       /* OknService, the cached catalogue */
  char *category;            /* the chosen code */
  OknServiceDef *def;        /* its definition */
  GHashTable *attr_widgets;  /* code → input widget (multi: the box of checks) */
  GHashTable *attr_errors;   /* code → error label */
  GPtrArray *kept;           /* a correction's answers without a field: their checks */
  GPtrArray *files;          /* paths, as the draft keeps them */
  OknRecord *attached;       /* the same files, read by the core in a thread */
  guint reading;             /* files still being read */
  guint files_generation;    /* bumped when the files are cleared */
  OknFormSession *session;   /* new or correcting, drafts, undo, busy */
};

G_DEFINE_FINAL_TYPE (OknReportForm, okn_report_form, GTK_TYPE_BOX)

#define F(name, err, w) OKN_FIELD_MAP (OknReportForm, name, err, w)
static const OknFieldMap field_map[] = {
  F ("category", category_error, category_search),
  F ("description", description_error, description_view),
  F ("address", address_error, address_entry),
  F ("location", address_error, address_entry),
  F ("lat", lat_error, lat_entry),
  F ("long", lat_error, lon_entry),
  F ("consent", name_error, consent_check),
  F ("name", name_error, name_entry),
  F ("email", email_error, email_entry),
  F ("phone", phone_error, phone_entry),
  F ("files", files_error, add_file_button),
  F ("attributes", attributes_error, category_search),
};
#undef F

static void on_field_changed (OknReportForm *self);

static void
clear_errors (OknReportForm *self)
{
  GHashTableIter iter;
  gpointer label;

  okn_gui_clear_field_errors (self, field_map, G_N_ELEMENTS (field_map), self->general_error);
  g_hash_table_iter_init (&iter, self->attr_errors);
  while (g_hash_table_iter_next (&iter, NULL, &label))
    okn_gui_clear_error (label);
}

static const OknRecord *
editing (OknReportForm *self)
{
  return okn_form_session_get_editing (self->session);
}

/* Attribute widgets ------------------------------------------------------ */

static void
attribute_values (OknReportForm *self,
                  const OknAttrDef *a,
                  GPtrArray     *out)
{
  GtkWidget *w = g_hash_table_lookup (self->attr_widgets, a->code);

  if (w == NULL)
    return;
  switch (a->datatype)
    {
    case OKN_ATTR_TEXT:
      {
        char *s = okn_gui_text_view_dup (GTK_TEXT_VIEW (w));
        if (s)
          g_ptr_array_add (out, s);
      }
      break;
    case OKN_ATTR_SINGLEVALUELIST:
      {
        const char *id = gtk_combo_box_get_active_id (GTK_COMBO_BOX (w));
        if (id && *id)
          g_ptr_array_add (out, g_strdup (id));
      }
      break;
    case OKN_ATTR_MULTIVALUELIST:
      {
        g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (w));

        for (GList *l = children; l; l = l->next)
          if (gtk_toggle_button_get_active (l->data))
            g_ptr_array_add (out, g_strdup (g_object_get_data (l->data, "okn-key")));
      }
      break;
    case OKN_ATTR_DATETIME:
      {
        const char *t = gtk_entry_get_text (GTK_ENTRY (w));
        char *iso = okn_parse_datetime_pl (t);

        if (iso == NULL && *t)
          iso = g_strdup (t);
        if (iso)
          g_ptr_array_add (out, iso);
      }
      break;
    case OKN_ATTR_STRING:
    case OKN_ATTR_NUMBER:
    default:
      {
        char *s = okn_gui_entry_dup (GTK_ENTRY (w));
        if (s)
          g_ptr_array_add (out, s);
      }
      break;
    }
}

static void
set_attribute_values (OknReportForm    *self,
                      const OknAttrDef *a,
                      GStrv             values)
{
  GtkWidget *w = g_hash_table_lookup (self->attr_widgets, a->code);
  const char *first = values && values[0] ? values[0] : "";

  if (w == NULL)
    return;
  switch (a->datatype)
    {
    case OKN_ATTR_TEXT:
      okn_gui_text_view_set (GTK_TEXT_VIEW (w), first);
      break;
    case OKN_ATTR_SINGLEVALUELIST:
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (w), *first ? first : "");
      break;
    case OKN_ATTR_MULTIVALUELIST:
      {
        g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (w));

        for (GList *l = children; l; l = l->next)
          gtk_toggle_button_set_active (l->data, values && g_strv_contains ((const char *const *) values,
                                                                           g_object_get_data (l->data, "okn-key")));
      }
      break;
    case OKN_ATTR_DATETIME:
      {
        g_autofree char *pl = *first ? okn_format_date_pl (first, TRUE) : g_strdup ("");
        gtk_entry_set_text (GTK_ENTRY (w), pl);
      }
      break;
    case OKN_ATTR_STRING:
    case OKN_ATTR_NUMBER:
    default:
      gtk_entry_set_text (GTK_ENTRY (w), first);
      break;
    }
}

static void
on_kept_toggled (GtkToggleButton *check,
                 OknReportForm   *self)
{
  if (self->session == NULL)
    return;
  okn_form_session_keep_answer (self->session, g_object_get_data (G_OBJECT (check), "okn-answer"),
                                gtk_toggle_button_get_active (check));
  on_field_changed (self);
}

/* A correction's answers the form has no field for, which the core keeps
 * as stored (okn_form_session_get_kept_answers()): shown, not editable,
 * each with a tick to take it out (a server that refuses the dropped
 * question). */
static void
build_kept_answers (OknReportForm *self,
                    int            row)
{
  g_autoptr (GPtrArray) answers = okn_form_session_get_kept_answers (self->session);
  GtkWidget *heading = NULL;

  for (guint i = 0; i < answers->len; i++)
    {
      const OknKeptAnswer *at = g_ptr_array_index (answers, i);
      g_autofree char *raw = NULL;
      g_autofree char *text = NULL;
      GtkWidget *check;

      if (heading == NULL)
        {
          heading = gtk_label_new (_("Kept as stored: this form has no field for these answers. "
                                     "Untick one to remove it from the report."));
          gtk_label_set_xalign (GTK_LABEL (heading), 0);
          gtk_label_set_line_wrap (GTK_LABEL (heading), TRUE);
          gtk_style_context_add_class (gtk_widget_get_style_context (heading), "dim-label");
          gtk_grid_attach (self->attributes_grid, heading, 0, row++, 2, 1);
        }
      raw = g_strdup_printf ("%s: %s", at->code, at->value);
      text = okn_text_display_line (raw, -1);
      check = gtk_check_button_new_with_label (text);
      gtk_label_set_line_wrap (GTK_LABEL (gtk_bin_get_child (GTK_BIN (check))), TRUE);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check), at->kept);
      g_object_set_data_full (G_OBJECT (check), "okn-key", g_strdup (at->code), g_free);
      g_object_set_data (G_OBJECT (check), "okn-answer", (gpointer) at);
      g_signal_connect (check, "toggled", G_CALLBACK (on_kept_toggled), self);
      /* A screen reader reads the heading with each tick. */
      okn_gui_describe_by (check, heading);
      gtk_grid_attach (self->attributes_grid, check, 0, row++, 2, 1);
      g_ptr_array_add (self->kept, g_object_ref (check));
    }
}

static void
build_attributes (OknReportForm *self)
{
  g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (self->attributes_grid));
  int row = 0;

  for (GList *l = children; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_hash_table_remove_all (self->attr_widgets);
  g_hash_table_remove_all (self->attr_errors);
  g_ptr_array_set_size (self->kept, 0);

  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      g_autofree char *text = NULL;
      GtkWidget *label, *input, *error;

      if (!a->variable)
        {
          /* The catalogue's words come from the server. */
          g_autofree char *safe = okn_text_display_block (a->description ? a->description : a->code);

          label = gtk_label_new (safe);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
          gtk_grid_attach (self->attributes_grid, label, 0, row++, 2, 1);
          continue;
        }
      {
        g_autofree char *safe = okn_text_display_line (a->description ? a->description : a->code, -1);

        text = g_strdup_printf ("%s%s", safe, a->required ? " *" : "");
      }
      label = gtk_label_new (text);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_style_context_add_class (gtk_widget_get_style_context (label), "dim-label");

      switch (a->datatype)
        {
        case OKN_ATTR_TEXT:
          input = gtk_text_view_new ();
          gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (input), GTK_WRAP_WORD_CHAR);
          gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (input), FALSE);
          gtk_widget_set_size_request (input, -1, 48);
          g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (input)), "changed",
                                    G_CALLBACK (on_field_changed), self);
          break;
        case OKN_ATTR_SINGLEVALUELIST:
          input = gtk_combo_box_text_new ();
          gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), "", _("(choose)"));
          for (guint j = 0; j < a->values->len; j++)
            {
              OknAttrValue *v = g_ptr_array_index (a->values, j);
              g_autofree char *name = okn_text_display_line (v->name, -1);

              gtk_combo_box_text_append (GTK_COMBO_BOX_TEXT (input), v->key, name);
            }
          gtk_combo_box_set_active_id (GTK_COMBO_BOX (input), "");
          g_signal_connect_swapped (input, "changed", G_CALLBACK (on_field_changed), self);
          break;
        case OKN_ATTR_MULTIVALUELIST:
          input = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
          for (guint j = 0; j < a->values->len; j++)
            {
              OknAttrValue *v = g_ptr_array_index (a->values, j);
              g_autofree char *name = okn_text_display_line (v->name, -1);
              GtkWidget *check = gtk_check_button_new_with_label (name);

              g_object_set_data_full (G_OBJECT (check), "okn-key", g_strdup (v->key), g_free);
              g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_field_changed), self);
              gtk_container_add (GTK_CONTAINER (input), check);
            }
          break;
        case OKN_ATTR_DATETIME:
          input = gtk_entry_new ();
          gtk_entry_set_placeholder_text (GTK_ENTRY (input), _("dd.mm.yyyy hh:mm"));
          g_signal_connect_swapped (input, "changed", G_CALLBACK (on_field_changed), self);
          break;
        case OKN_ATTR_NUMBER:
          input = gtk_entry_new ();
          gtk_entry_set_input_purpose (GTK_ENTRY (input), GTK_INPUT_PURPOSE_NUMBER);
          g_signal_connect_swapped (input, "changed", G_CALLBACK (on_field_changed), self);
          break;
        case OKN_ATTR_STRING:
        default:
          input = gtk_entry_new ();
          g_signal_connect_swapped (input, "changed", G_CALLBACK (on_field_changed), self);
          break;
        }
      gtk_widget_set_hexpand (input, TRUE);
      gtk_widget_set_name (input, a->code);
      okn_gui_set_accessible (input, a->description ? a->description : a->code);
      if (GTK_IS_LABEL (label) && a->datatype != OKN_ATTR_MULTIVALUELIST)
        gtk_label_set_mnemonic_widget (GTK_LABEL (label), input);
      error = okn_gui_error_label_new ();
      gtk_grid_attach (self->attributes_grid, label, 0, row, 1, 1);
      gtk_grid_attach (self->attributes_grid, input, 1, row, 1, 1);
      gtk_grid_attach (self->attributes_grid, error, 1, row + 1, 1, 1);
      row += 2;
      okn_gui_describe_by (input, error);
      g_hash_table_insert (self->attr_widgets, g_strdup (a->code), input);
      g_hash_table_insert (self->attr_errors, g_strdup (a->code), error);
    }
  build_kept_answers (self, row);
  gtk_widget_show_all (GTK_WIDGET (self->attributes_grid));
}

GtkWidget *
okn_report_form_get_attribute_widget (OknReportForm *self,
                                      const char    *code)
{
  return g_hash_table_lookup (self->attr_widgets, code);
}

GtkWidget *
okn_report_form_get_files_error (OknReportForm *self)
{
  return self->files_error;
}

GtkWidget *
okn_report_form_get_attribute_error (OknReportForm *self,
                                     const char    *code)
{
  return g_hash_table_lookup (self->attr_errors, code);
}

/**
 * okn_report_form_get_kept_answer:
 *
 * Returns: (transfer none) (nullable): the tick of a correction's first
 *   answer to @code that the form has no field for
 */
GtkWidget *
okn_report_form_get_kept_answer (OknReportForm *self,
                                 const char    *code)
{
  for (guint i = 0; i < self->kept->len; i++)
    if (g_strcmp0 (g_object_get_data (g_ptr_array_index (self->kept, i), "okn-key"), code) == 0)
      return g_ptr_array_index (self->kept, i);
  return NULL;
}

/* Category ------------------------------------------------------------ */

/**
 * okn_report_form_get_catalogue_hint:
 *
 * Returns: (transfer none): the line that says where categories come from,
 *   visible while there are none
 */
GtkWidget *
okn_report_form_get_catalogue_hint (OknReportForm *self)
{
  return self->catalogue_hint;
}

/**
 * okn_report_form_select_category:
 *
 * Chooses a category and renders its attributes. With no catalogue cached
 * yet, any code is taken as typed (the sync checks it with the server).
 */
gboolean
okn_report_form_select_category (OknReportForm *self,
                                 const char    *code)
{
  const OknService *s = code ? okn_service_find (self->services, code) : NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->def, okn_service_def_free);
  okn_gui_clear_error (self->category_error);
  if (code == NULL || *code == '\0' || (s == NULL && self->services->len > 0))
    {
      gtk_list_box_unselect_all (self->category_list);
      gtk_label_set_text (self->category_selected, _("No category chosen"));
      okn_form_session_set_category (self->session, NULL, NULL);
      build_attributes (self);
      return code == NULL || *code == '\0';
    }
  self->category = g_strdup (code);
  if (s && s->definition)
    {
      self->def = okn_service_def_parse (s->definition, &error);
      if (self->def == NULL)
        okn_gui_show_error (self->category_error, error->message);
    }
  /* The category as people know it; its code is in the row's tooltip. */
  {
    g_autofree char *name = okn_text_display_line (s && s->name ? s->name : code, -1);

    /* TRANSLATORS: the chosen category's name */
    text = g_strdup_printf (_("Chosen: %s"), name);
  }
  {
    g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->category_list));

    for (GList *l = rows; l; l = l->next)
      if (g_object_get_data (l->data, "okn-service") == s)
        gtk_list_box_select_row (self->category_list, l->data);
  }
  gtk_label_set_text (self->category_selected, text);
  okn_form_session_set_category (self->session, self->category, self->def);
  build_attributes (self);
  on_field_changed (self);
  return TRUE;
}

static gboolean
filter_row (GtkListBoxRow *row,
            gpointer       data)
{
  OknReportForm *self = data;
  const OknService *s = g_object_get_data (G_OBJECT (row), "okn-service");

  return s && okn_service_matches (s, gtk_entry_get_text (GTK_ENTRY (self->category_search)));
}

void
okn_report_form_reload_catalogue (OknReportForm *self)
{
  g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->category_list));
  g_autoptr (GError) error = NULL;

  for (GList *l = rows; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  self->services = okn_store_list_services (okn_context_get_store (self->context), &error);
  if (self->services == NULL)
    {
      self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
      okn_gui_show_error (self->category_error, error->message);
    }
  /* Saying "category is required" with nothing to choose from helps
   * nobody: say where the categories come from. */
  gtk_widget_set_visible (self->catalogue_hint, self->services->len == 0);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->category_search),
                                  self->services->len == 0
                                    ? _("No catalogue cached yet: type the category code")
                                    : _("Type to search the categories, Enter picks the first"));
  for (guint i = 0; i < self->services->len; i++)
    {
      OknService *s = g_ptr_array_index (self->services, i);
      /* Name and group, as a clerk knows them; the code (which the search
       * also finds) only when she asks: the row's tooltip. */
      g_autofree char *raw = g_strdup_printf ("%s%s%s", s->name && *s->name ? s->name : s->code,
                                              s->group ? "  ·  " : "", s->group ? s->group : "");
      g_autofree char *text = okn_text_display_line (raw, -1);
      g_autofree char *safe_code = okn_text_display_line (s->code, -1);
      /* TRANSLATORS: a category's tooltip: its Open311 service code */
      g_autofree char *tip = g_strdup_printf (_("Code: %s"), safe_code);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_widget_set_tooltip_text (row, tip);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_set_margin_start (label, 6);
      gtk_container_add (GTK_CONTAINER (row), label);
      g_object_set_data (G_OBJECT (row), "okn-service", s);
      gtk_widget_show_all (row);
      gtk_container_add (GTK_CONTAINER (self->category_list), row);
    }
  gtk_list_box_set_filter_func (self->category_list, filter_row, self, NULL);
}

static void
on_category_search_changed (OknReportForm *self)
{
  gtk_list_box_invalidate_filter (self->category_list);
}

static GtkListBoxRow *
first_visible_row (OknReportForm *self)
{
  g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->category_list));

  for (GList *l = rows; l; l = l->next)
    if (gtk_widget_get_child_visible (l->data) && filter_row (l->data, self))
      return l->data;
  return NULL;
}

/* After the category: its first question, else the description. The
 * list and the rebuilt attributes must not take the keyboard (typed text
 * once went into the category search). */
static void
focus_after_category (OknReportForm *self)
{
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      GtkWidget *w = a->variable ? g_hash_table_lookup (self->attr_widgets, a->code) : NULL;

      if (w)
        {
          if (!gtk_widget_get_can_focus (w))
            gtk_widget_child_focus (w, GTK_DIR_TAB_FORWARD);
          else
            gtk_widget_grab_focus (w);
          return;
        }
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->description_view));
}

/* Escape in the search entry clears the form, as the Clear button says;
 * the entry would otherwise take it for itself. */
static void
on_category_stop_search (OknReportForm *self)
{
  okn_form_session_cancel (self->session);
}

static void
on_category_search_activate (OknReportForm *self)
{
  GtkListBoxRow *row = first_visible_row (self);
  const char *typed = gtk_entry_get_text (GTK_ENTRY (self->category_search));

  if (row)
    {
      const OknService *s = g_object_get_data (G_OBJECT (row), "okn-service");
      okn_report_form_select_category (self, s->code);
    }
  else if (self->services->len == 0 && *typed)
    okn_report_form_select_category (self, typed);
  else
    {
      okn_gui_show_error (self->category_error, _("No category matches what you typed."));
      return;
    }
  focus_after_category (self);
}

static void
on_category_row_activated (OknReportForm *self,
                           GtkListBoxRow *row)
{
  const OknService *s = g_object_get_data (G_OBJECT (row), "okn-service");

  if (s && okn_report_form_select_category (self, s->code))
    focus_after_category (self);
}

/* Files ------------------------------------------------------------------ */

static void
update_files_names (OknReportForm *self)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < self->files->len; i++)
    {
      g_autofree char *base = g_path_get_basename (g_ptr_array_index (self->files, i));
      g_autofree char *safe = g_filename_display_name (base);
      g_autofree char *shown = okn_text_display_line (safe, -1);

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, shown);
    }
  gtk_label_set_text (self->files_names, s->str);
  gtk_widget_set_sensitive (self->remove_files_button, self->files->len > 0);
}

typedef struct
{
  OknReportForm *form;
  char *path;
  guint generation;
} FileRead;

static void
on_file_read (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  FileRead *fr = data;
  g_autoptr (OknReportForm) self = fr->form;
  g_autofree char *path = fr->path;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) holder = okn_desk_read_file_finish (res, &error);
  gboolean current = fr->generation == self->files_generation;

  g_free (fr);
  self->reading--;
  /* The form was cleared (or saved) meanwhile: the file is not wanted. */
  if (!current)
    return;
  if (holder == NULL)
    {
      okn_gui_show_error (self->files_error, error->message);
      return;
    }
  while (holder->files->len > 0)
    g_ptr_array_add (self->attached->files, g_ptr_array_steal_index (holder->files, 0));
  g_ptr_array_add (self->files, g_steal_pointer (&path));
  update_files_names (self);
  on_field_changed (self);
}

/**
 * okn_report_form_add_file:
 *
 * Attaches a photo or scan. The core reads and checks it now, in a thread,
 * so a bad file is refused (next to the Files field) while the clerk still
 * has it in hand, not at save time.
 */
void
okn_report_form_add_file (OknReportForm *self,
                          const char    *path)
{
  FileRead *fr = g_new0 (FileRead, 1);

  fr->form = g_object_ref (self);
  fr->path = g_strdup (path);
  fr->generation = self->files_generation;
  self->reading++;
  okn_desk_read_file_async (path, NULL, on_file_read, fr);
}

/**
 * okn_report_form_is_reading:
 *
 * Returns: %TRUE while an added file is still being read
 */
gboolean
okn_report_form_is_reading (OknReportForm *self)
{
  return self->reading > 0;
}

static void
forget_files (OknReportForm *self)
{
  self->files_generation++;
  g_ptr_array_set_size (self->files, 0);
  g_ptr_array_set_size (self->attached->files, 0);
  update_files_names (self);
}

static void
on_file_chosen (GtkDialog     *dialog,
                int            response,
                OknReportForm *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GSList) names = gtk_file_chooser_get_filenames (GTK_FILE_CHOOSER (dialog));

      okn_gui_clear_error (self->files_error);
      for (GSList *l = names; l; l = l->next)
        {
          okn_report_form_add_file (self, l->data);
          g_free (l->data);
        }
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_add_file_clicked (OknReportForm *self)
{
  GtkWidget *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_dialog_new (_("Add a photo or scan"),
                                        GTK_WINDOW (gtk_widget_get_toplevel (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Cancel"), GTK_RESPONSE_CANCEL,
                                        _("_Add"), GTK_RESPONSE_ACCEPT, NULL);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Photos, scans and PDF files"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_file_chosen), self);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_widget_show (dialog);
}

static void
on_remove_files_clicked (OknReportForm *self)
{
  forget_files (self);
  on_field_changed (self);
}

/* Drafts ----------------------------------------------------------------- */

static OknDraft *
collect_draft (gpointer       data,
               OknFormCollect purpose)
{
  OknReportForm *self = data;
  OknDraft *d = okn_draft_new ("report");
  g_autofree char *description = okn_gui_text_view_dup (self->description_view);

  okn_draft_set (d, "category", self->category);
  okn_draft_set (d, "description", description);
  okn_draft_set (d, "address", gtk_entry_get_text (self->address_entry));
  okn_draft_set (d, "lat", gtk_entry_get_text (self->lat_entry));
  okn_draft_set (d, "long", gtk_entry_get_text (self->lon_entry));
  okn_draft_set (d, "consent", gtk_toggle_button_get_active (self->consent_check) ? "1" : NULL);
  okn_draft_set (d, "name", gtk_entry_get_text (self->name_entry));
  okn_draft_set (d, "email", gtk_entry_get_text (self->email_entry));
  okn_draft_set (d, "phone", gtk_entry_get_text (self->phone_entry));
  if (self->files->len > 0)
    {
      g_ptr_array_add (self->files, NULL);
      {
        g_autofree char *joined = g_strjoinv ("\n", (char **) self->files->pdata);
        okn_draft_set (d, "files", joined);
      }
      g_ptr_array_remove_index (self->files, self->files->len - 1);
    }
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *key = g_strconcat ("attribute.", a->code, NULL);

      attribute_values (self, a, values);
      if (values->len == 0)
        continue;
      g_ptr_array_add (values, NULL);
      {
        g_autofree char *joined = g_strjoinv ("\n", (char **) values->pdata);
        okn_draft_set (d, key, joined);
      }
    }
  return d;
}

static void
on_field_changed (OknReportForm *self)
{
  if (self->session == NULL || okn_form_session_is_loading (self->session))
    return;
  okn_form_session_changed (self->session);
}

/* A field of the template changed: its error goes, and the session hears. */
static void
on_field_edited (OknReportForm *self,
                 GtkWidget     *edited)
{
  if (self->session == NULL || okn_form_session_is_loading (self->session))
    return;
  okn_gui_field_edited (self, field_map, G_N_ELEMENTS (field_map), edited);
  on_field_changed (self);
}

static void
on_consent_toggled (OknReportForm *self)
{
  gboolean on = gtk_toggle_button_get_active (self->consent_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->name_entry), on);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_entry), on);
  gtk_widget_set_sensitive (GTK_WIDGET (self->phone_entry), on);
  on_field_changed (self);
}

/* Form ------------------------------------------------------------------- */

static void
clear_fields (OknReportForm *self)
{
  okn_form_session_begin_load (self->session);
  gtk_entry_set_text (GTK_ENTRY (self->category_search), "");
  okn_report_form_select_category (self, NULL);
  okn_gui_text_view_set (self->description_view, "");
  gtk_entry_set_text (self->address_entry, "");
  gtk_entry_set_text (self->lat_entry, "");
  gtk_entry_set_text (self->lon_entry, "");
  gtk_entry_set_text (self->name_entry, "");
  gtk_entry_set_text (self->email_entry, "");
  gtk_entry_set_text (self->phone_entry, "");
  gtk_toggle_button_set_active (self->consent_check, FALSE);
  forget_files (self);
  okn_form_session_end_load (self->session);
  clear_errors (self);
}

static void
clear_new (gpointer data)
{
  clear_fields (data);
  okn_report_form_focus_first (data);
}

void
okn_report_form_focus_first (OknReportForm *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->category_search));
}

void
okn_report_form_reset (OknReportForm *self)
{
  okn_form_session_reset (self->session);
}

void
okn_report_form_set_context (OknReportForm *self,
                             OknContext    *context)
{
  g_autofree char *draft = okn_draft_path (okn_context_get_db_path (context), "report");

  self->context = context;
  okn_form_session_set_draft_path (self->session, draft);
  okn_report_form_reload_catalogue (self);
  clear_fields (self);
}

/**
 * okn_report_form_get_session:
 *
 * Returns: (transfer none): the form's life: clear, undo, drafts, busy
 */
OknFormSession *
okn_report_form_get_session (OknReportForm *self)
{
  return self->session;
}

static OknRecord *
build_record (OknReportForm *self,
              GPtrArray     *issues)
{
  OknRecord *r = editing (self) ? okn_record_copy (editing (self)) : okn_record_new (OKN_KIND_REPORT);
  const char *lat = gtk_entry_get_text (self->lat_entry);
  const char *lon = gtk_entry_get_text (self->lon_entry);

#define SET(field, value) G_STMT_START { g_free (r->field); r->field = (value); } G_STMT_END
  SET (category, g_strdup (self->category));
  SET (description, okn_gui_text_view_dup (self->description_view));
  SET (address, okn_gui_entry_dup (self->address_entry));
  r->consent = gtk_toggle_button_get_active (self->consent_check);
  SET (contact_name, r->consent ? okn_gui_entry_dup (self->name_entry) : NULL);
  SET (contact_email, r->consent ? okn_gui_entry_dup (self->email_entry) : NULL);
  SET (contact_phone, r->consent ? okn_gui_entry_dup (self->phone_entry) : NULL);
#undef SET
  {
    OknFieldIssue *issue = okn_record_set_location_text (r, lat, lon);

    if (issue)
      g_ptr_array_add (issues, issue);
  }

  g_ptr_array_set_size (r->attributes, 0);
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

      attribute_values (self, a, values);
      for (guint j = 0; j < values->len; j++)
        okn_record_add_attribute (r, a->code, g_ptr_array_index (values, j));
    }
  /* The answers the form has no field for stay as stored, unless unticked. */
  okn_form_session_add_kept_answers (self->session, r);
  /* The files were read when they were added. */
  if (editing (self) == NULL)
    {
      g_autoptr (OknRecord) files = okn_record_copy (self->attached);

      while (files->files->len > 0)
        g_ptr_array_add (r->files, g_ptr_array_steal_index (files->files, 0));
    }
  return r;
}

/* A category's attribute: its own error label and input. */
static gboolean
lookup_attribute (const char  *field,
                  GtkWidget  **error_label,
                  GtkWidget  **widget,
                  gpointer     data)
{
  OknReportForm *self = data;

  *error_label = g_hash_table_lookup (self->attr_errors, field);
  *widget = g_hash_table_lookup (self->attr_widgets, field);
  return *error_label != NULL;
}

static void
show_issues (OknReportForm *self,
             GPtrArray     *issues)
{
  clear_errors (self);
  okn_gui_show_issues (self, field_map, G_N_ELEMENTS (field_map), self->general_error, issues,
                       lookup_attribute, self);
}

/**
 * okn_report_form_save:
 *
 * Checks the form with the core (record fields and the category's
 * attributes); with problems, shows them next to their fields and stores
 * nothing.
 *
 * Returns: %TRUE when the save started
 */
gboolean
okn_report_form_save (OknReportForm *self)
{
  g_autoptr (GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_field_issue_free);
  g_autoptr (GPtrArray) record_issues = NULL;
  g_autoptr (OknRecord) record = NULL;

  if (self->context == NULL
      || !okn_gui_form_may_save (GTK_WIDGET (self), self->session,
                                 _("The previous report is still being saved: this one stays in the form. "
                                   "Press Ctrl+Enter again in a moment.")))
    return FALSE;
  if (self->reading > 0)
    {
      okn_gui_show_error (self->files_error, _("Files: a file is still being read; save again in a moment."));
      return FALSE;
    }
  record = build_record (self, issues);
  record_issues = okn_intake_check (okn_context_get_store (self->context), record, NULL);
  g_ptr_array_extend_and_steal (issues, g_steal_pointer (&record_issues));
  if (issues->len > 0)
    {
      show_issues (self, issues);
      return FALSE;
    }
  clear_errors (self);
  okn_gui_form_submit (GTK_WIDGET (self), self->session, self->context, g_steal_pointer (&record), NULL);
  return TRUE;
}

static void
on_save_clicked (OknReportForm *self)
{
  okn_report_form_save (self);
}

/* The attributes' fields from @draft, or (%NULL) from the correction's
 * stored answers that the session says they show. */
static void
fill_attributes_from (OknReportForm *self,
                      OknDraft      *draft)
{
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      g_auto (GStrv) values = NULL;

      if (draft == NULL)
        values = okn_form_session_dup_field_values (self->session, a->code);
      else
        {
          g_autofree char *key = g_strconcat ("attribute.", a->code, NULL);
          const char *s = okn_draft_get (draft, key);

          values = s ? g_strsplit (s, "\n", -1) : NULL;
        }
      set_attribute_values (self, a, values);
    }
}

void
okn_report_form_edit_record (OknReportForm   *self,
                             const OknRecord *record)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  okn_form_session_edit (self->session, record);
  clear_fields (self);
  okn_form_session_begin_load (self->session);
  okn_report_form_select_category (self, record->category);
  okn_gui_text_view_set (self->description_view, record->description);
  gtk_entry_set_text (self->address_entry, record->address ? record->address : "");
  if (record->has_location)
    {
      gtk_entry_set_text (self->lat_entry, g_ascii_dtostr (buf, sizeof buf, record->lat));
      gtk_entry_set_text (self->lon_entry, g_ascii_dtostr (buf, sizeof buf, record->lon));
    }
  gtk_toggle_button_set_active (self->consent_check, record->consent);
  gtk_entry_set_text (self->name_entry, record->contact_name ? record->contact_name : "");
  gtk_entry_set_text (self->email_entry, record->contact_email ? record->contact_email : "");
  gtk_entry_set_text (self->phone_entry, record->contact_phone ? record->contact_phone : "");
  fill_attributes_from (self, NULL);
  okn_form_session_end_load (self->session);
  gtk_widget_grab_focus (GTK_WIDGET (self->description_view));
}

/* The delegate's restore: the session has cleared the fields and holds
 * the changes until this returns. */
static void
restore_fields (gpointer  data,
                OknDraft *draft)
{
  OknReportForm *self = data;
  const char *s;

  if ((s = okn_draft_get (draft, "category")))
    okn_report_form_select_category (self, s);
  okn_gui_text_view_set (self->description_view, okn_draft_get (draft, "description"));
#define TEXT(entry, key) gtk_entry_set_text (entry, (s = okn_draft_get (draft, key)) ? s : "")
  TEXT (self->address_entry, "address");
  TEXT (self->lat_entry, "lat");
  TEXT (self->lon_entry, "long");
  TEXT (self->name_entry, "name");
  TEXT (self->email_entry, "email");
  TEXT (self->phone_entry, "phone");
#undef TEXT
  gtk_toggle_button_set_active (self->consent_check, okn_draft_get (draft, "consent") != NULL);
  fill_attributes_from (self, draft);
  if ((s = okn_draft_get (draft, "files")))
    {
      g_auto (GStrv) paths = g_strsplit (s, "\n", -1);

      /* Read again: a file that is gone since is said next to Files. */
      for (guint i = 0; paths[i]; i++)
        okn_report_form_add_file (self, paths[i]);
    }
  okn_report_form_focus_first (self);
}

static void
okn_report_form_dispose (GObject *object)
{
  OknReportForm *self = OKN_REPORT_FORM (object);

  /* Whatever is pending reaches the disk before the widgets go away; after
   * that the session asks them nothing. */
  okn_gui_form_unbind_session (GTK_WIDGET (self), &self->session);
  g_clear_pointer (&self->def, okn_service_def_free);
  g_clear_pointer (&self->category, g_free);
  G_OBJECT_CLASS (okn_report_form_parent_class)->dispose (object);
}

static void
okn_report_form_finalize (GObject *object)
{
  OknReportForm *self = OKN_REPORT_FORM (object);

  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->attr_widgets, g_hash_table_unref);
  g_clear_pointer (&self->attr_errors, g_hash_table_unref);
  g_clear_pointer (&self->kept, g_ptr_array_unref);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  g_clear_pointer (&self->attached, okn_record_free);
  G_OBJECT_CLASS (okn_report_form_parent_class)->finalize (object);
}

static void
okn_report_form_class_init (OknReportFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_report_form_dispose;
  object_class->finalize = okn_report_form_finalize;

  okn_gui_form_class_add_signals (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-report-form.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, OknReportForm, name)
  CHILD (title_label);
  CHILD (general_error);
  CHILD (grid);
  CHILD (category_search);
  CHILD (catalogue_hint);
  CHILD (category_list);
  CHILD (category_selected);
  CHILD (attributes_grid);
  CHILD (description_view);
  CHILD (address_entry);
  CHILD (lat_entry);
  CHILD (lon_entry);
  CHILD (consent_check);
  CHILD (name_entry);
  CHILD (email_entry);
  CHILD (phone_entry);
  CHILD (add_file_button);
  CHILD (remove_files_button);
  CHILD (files_names);
  CHILD (category_error);
  CHILD (attributes_error);
  CHILD (description_error);
  CHILD (address_error);
  CHILD (lat_error);
  CHILD (name_error);
  CHILD (email_error);
  CHILD (phone_error);
  CHILD (files_error);
  CHILD (save_button);
  CHILD (clear_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_field_edited);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_category_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_category_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_category_stop_search);
  gtk_widget_class_bind_template_callback (widget_class, on_category_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_add_file_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_files_clicked);
}

static void
okn_report_form_init (OknReportForm *self)
{
  static const OknFormDelegate delegate = { collect_draft, restore_fields, clear_new };

  OknFormChrome chrome;

  gtk_widget_init_template (GTK_WIDGET (self));
  chrome = (OknFormChrome) {
    self->title_label, self->grid, self->save_button, self->clear_button, self->general_error, self->add_file_button,
    _("New walk-in report"), _("_Save and print ticket (Ctrl+Enter)"),
    /* TRANSLATORS: %s is a ticket ID */
    _("Correcting report %s"),
  };
  self->session = okn_form_session_new (NULL);
  okn_form_session_set_clear_at_submit (self->session, TRUE);
  okn_gui_form_bind_session (GTK_WIDGET (self), self->session, &chrome, &delegate);
  self->attr_widgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->attr_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->kept = g_ptr_array_new_with_free_func (g_object_unref);
  self->files = g_ptr_array_new_with_free_func (g_free);
  self->attached = okn_record_new (OKN_KIND_REPORT);
  self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_signal_connect_swapped (self->consent_check, "toggled", G_CALLBACK (on_consent_toggled), self);
  g_signal_connect_swapped (gtk_text_view_get_buffer (self->description_view), "changed",
                            G_CALLBACK (on_field_changed), self);
  on_consent_toggled (self);
  okn_gui_text_view_show_focus (self->description_view);
  okn_gui_set_accessible (GTK_WIDGET (self->consent_check), _("Consent to be contacted"));
  okn_gui_set_accessible (GTK_WIDGET (self->lon_entry), _("Longitude"));
  okn_gui_set_accessible (GTK_WIDGET (self->category_list), _("Categories"));
  okn_gui_name_accessibles (GTK_WIDGET (self));
  okn_gui_set_accessible (GTK_WIDGET (self->lat_entry), _("Latitude"));
  okn_gui_describe_fields (self, field_map, G_N_ELEMENTS (field_map));
}
