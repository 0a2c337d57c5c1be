/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-search-page.c: one search box over the store (FTS), with filters */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-search-page.h"

#define SEARCH_LIMIT 200

struct _OknSearchPage
{
  GtkBox parent_instance;

  GtkSearchEntry *search_entry;
  GtkComboBox *kind_combo;
  GtkComboBox *state_combo;
  GtkEntry *since_entry;
  GtkEntry *until_entry;
  GtkLabel *status_label;
  GtkListBox *results_list;

  OknContext *context;
  GPtrArray *results;
};

G_DEFINE_FINAL_TYPE (OknSearchPage, okn_search_page, GTK_TYPE_BOX)

void
okn_search_page_set_context (OknSearchPage *self,
                             OknContext    *context)
{
  /* Filled when the page is shown, not at start-up. */
  self->context = context;
}

guint
okn_search_page_get_n_results (OknSearchPage *self)
{
  return self->results ? self->results->len : 0;
}

const OknRecord *
okn_search_page_get_result (OknSearchPage *self,
                            guint          index)
{
  g_return_val_if_fail (self->results && index < self->results->len, NULL);
  return g_ptr_array_index (self->results, index);
}

void
okn_search_page_focus (OknSearchPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* "dd.mm.yyyy" (or what else the core reads as a day) → local midnight
 * of that day (plus @days). */
static GDateTime *
parse_day (GtkEntry *entry,
           int       days,
           gboolean *bad)
{
  const char *t = gtk_entry_get_text (entry);
  g_autoptr (GDateTime) midnight = NULL;
  GDate day;

  if (*t == '\0')
    return NULL;
  if (!okn_register_parse_day (t, &day))
    {
      *bad = TRUE;
      return NULL;
    }
  midnight = g_date_time_new_local (g_date_get_year (&day), g_date_get_month (&day), g_date_get_day (&day),
                                    0, 0, 0);
  return g_date_time_add_days (midnight, days);
}

/* A row of the results. A report is titled by its category as people
 * know it, the catalogue's name (@services, nullable); the code only when
 * the catalogue does not know it. */
static GtkWidget *
make_row (const OknRecord *r,
          GPtrArray       *services)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  g_autofree char *when = okn_format_date_pl (r->kind == OKN_KIND_LETTER && r->received_at
                                                  ? r->received_at : r->created_at, TRUE);
  /* One safe line each: the texts come from residents and imports. */
  g_autofree char *who = okn_text_display_line (r->kind == OKN_KIND_LETTER
                                                  ? (r->anonymous ? _("anonymous") : r->sender_name)
                                                  : r->address, -1);
  const OknService *service = r->kind == OKN_KIND_REPORT && services ? okn_service_find (services, r->category) : NULL;
  g_autofree char *what = okn_text_display_line (service && service->name && *service->name
                                                   ? service->name : okn_record_title (r), -1);
  g_autofree char *title = g_strdup_printf ("%s · %s", okn_labels_kind (okn_language_from_locale (), r->kind), what);
  GtkWidget *labels[] = {
    gtk_label_new (r->ticket), gtk_label_new (when), gtk_label_new (title),
    gtk_label_new (who), gtk_label_new (okn_labels_sync_state (okn_language_from_locale (), r->sync_state)),
  };
  g_autofree char *acc = g_strdup_printf ("%s, %s, %s, %s", r->ticket, when, title, who);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      gtk_label_set_xalign (GTK_LABEL (labels[i]), 0);
      gtk_label_set_ellipsize (GTK_LABEL (labels[i]), PANGO_ELLIPSIZE_END);
      gtk_box_pack_start (GTK_BOX (box), labels[i], i == 3, TRUE, 0);
    }
  /* Fixed widths: the columns line up from row to row. */
  gtk_label_set_width_chars (GTK_LABEL (labels[0]), 16);
  gtk_label_set_width_chars (GTK_LABEL (labels[1]), 16);
  gtk_label_set_width_chars (GTK_LABEL (labels[2]), 48);
  gtk_label_set_max_width_chars (GTK_LABEL (labels[2]), 48);
  gtk_label_set_width_chars (GTK_LABEL (labels[3]), 32);
  gtk_label_set_max_width_chars (GTK_LABEL (labels[3]), 32);
  gtk_style_context_add_class (gtk_widget_get_style_context (labels[0]), "okn-mono");
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_container_add (GTK_CONTAINER (row), box);
  okn_gui_set_accessible (row, acc);
  gtk_widget_show_all (row);
  return row;
}

/* Nothing found: for a ticket ID with a typo in it, the store says so and
 * names the ticket it most likely is (okn_store_lookup()); a clerk who
 * misread a digit is not told that the record does not exist. */
static char *
nothing_found (OknSearchPage *self,
               const char    *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknRecord) r = okn_store_lookup (okn_context_get_store (self->context), text, &error);

  if (g_error_matches (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK))
    return okn_text_display_line (error->message, -1);
  return g_strdup (_("Nothing found."));
}

/**
 * okn_search_page_refresh:
 *
 * Runs the query: full-text search when something is typed, else the
 * newest records; the store applies the kind, state and date filters.
 */
void
okn_search_page_refresh (OknSearchPage *self)
{
  g_autoptr (GList) rows = gtk_container_get_children (GTK_CONTAINER (self->results_list));
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) since = NULL;
  g_autoptr (GDateTime) until = NULL;
  const char *text = gtk_entry_get_text (GTK_ENTRY (self->search_entry));
  const char *kind = gtk_combo_box_get_active_id (self->kind_combo);
  const char *state = gtk_combo_box_get_active_id (self->state_combo);
  OknListFilter filter = { 0 };
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) services = NULL;
  gboolean bad_date = FALSE;
  g_autofree char *status = NULL;

  if (self->context == NULL)
    return;
  for (GList *l = rows; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_clear_pointer (&self->results, g_ptr_array_unref);

  since = parse_day (self->since_entry, 0, &bad_date);
  until = parse_day (self->until_entry, 1, &bad_date);
  filter.has_kind = kind && !g_str_equal (kind, "all") && okn_kind_from_string (kind, &filter.kind);
  filter.has_state = state && !g_str_equal (state, "all") && okn_sync_state_from_string (state, &filter.state);
  filter.since = since;
  filter.until = until;
  filter.limit = SEARCH_LIMIT;

  if (*text)
    found = okn_store_search_filtered (okn_context_get_store (self->context), text, &filter, &error);
  else
    found = okn_store_list (okn_context_get_store (self->context), &filter, &error);
  if (found == NULL)
    {
      gtk_label_set_text (self->status_label, error->message);
      return;
    }

  /* Without the catalogue the rows show codes: nothing to say about it here. */
  services = okn_store_list_services (okn_context_get_store (self->context), NULL);
  self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);
  for (guint i = 0; i < found->len && self->results->len < SEARCH_LIMIT; i++)
    {
      OknRecord *r = g_ptr_array_index (found, i);

      g_ptr_array_add (self->results, g_steal_pointer (&found->pdata[i]));
      gtk_container_add (GTK_CONTAINER (self->results_list), make_row (r, services));
    }
  if (bad_date)
    status = g_strdup (_("A date filter is not a date (dd.mm.yyyy) and is ignored."));
  else if (self->results->len == 0)
    status = *text ? nothing_found (self, text) : g_strdup (_("No records yet."));
  else
    status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u record; Enter opens the first.",
                                           "%u records; Enter opens the first.", self->results->len),
                              self->results->len);
  gtk_label_set_text (self->status_label, status);
}

void
okn_search_page_set_query (OknSearchPage *self,
                           const char    *text)
{
  gtk_entry_set_text (GTK_ENTRY (self->search_entry), text);
  okn_search_page_refresh (self);
}

static void
on_query_changed (OknSearchPage *self)
{
  okn_search_page_refresh (self);
}

static void
on_search_activate (OknSearchPage *self)
{
  okn_search_page_refresh (self);
  okn_gui_list_open (GTK_WIDGET (self), self->results, 0);
}

static void
on_row_activated (OknSearchPage *self,
                  GtkListBoxRow *row)
{
  okn_gui_list_open (GTK_WIDGET (self), self->results, gtk_list_box_row_get_index (row));
}

static void
okn_search_page_finalize (GObject *object)
{
  OknSearchPage *self = OKN_SEARCH_PAGE (object);

  g_clear_pointer (&self->results, g_ptr_array_unref);
  G_OBJECT_CLASS (okn_search_page_parent_class)->finalize (object);
}

static void
okn_search_page_class_init (OknSearchPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = okn_search_page_finalize;
  okn_gui_list_class_add_open_signal (object_class);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-search-page.ui");
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, kind_combo);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, state_combo);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, since_entry);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, until_entry);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, OknSearchPage, results_list);
  gtk_widget_class_bind_template_callback (widget_class, on_query_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
okn_search_page_init (OknSearchPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  okn_gui_name_accessibles (GTK_WIDGET (self));
  okn_gui_set_accessible (GTK_WIDGET (self->results_list), _("Search results"));
}
