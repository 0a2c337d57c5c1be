/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-report.c: the report path: category, where, what, contact,
 * summary, and the ticket on the screen
 *
 * One question a screen, each an OknKioskScreen of the window's. The form's
 * life (busy while the intake stores and prints, wiped when the resident
 * walks away) is an OknFormSession without a draft file: what a resident
 * typed must not outlive them on the disk of a public machine. What is
 * wrong with an answer is the core's judgement (okn_intake_check); the
 * words for it are the resident's language's, by field.
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-kiosk-report.h"
#include "okn-kiosk-window.h"
#include "okn-gui-util.h"

typedef struct
{
  const OknAttrDef *def;      /* in self->def */
  GtkWidget *input;           /* an entry, or the box of a list's buttons */
  GtkWidget *error;
  GPtrArray *choices;         /* list types: the toggle buttons, data "okn-key" */
} AttrField;

struct _OknKioskReport
{
  GObject parent_instance;

  OknKioskWindow *window;     /* (unowned) it owns us */
  OknContext *context;
  OknFormSession *session;
  GCancellable *cancellable;

  GPtrArray *services;        /* OknService, read at begin */
  char *category;             /* the chosen code */
  OknServiceDef *def;         /* its attributes, or NULL */
  GPtrArray *attr_fields;     /* AttrField */
  OknIntakeResult *result;    /* the last stored report, for the last screen */
  guint resident;             /* one more with every wipe: whose report is sent */
  guint sent_by;              /* the resident whose report is being saved */

  OknKioskScreen *category_screen;
  GtkWidget *search;
  GtkWidget *groups;          /* box of group headings and flow boxes */
  GtkWidget *nothing_found;

  OknKioskScreen *where_screen;
  GtkWidget *address;
  GtkWidget *address_optional;  /* said when the kiosk can fall back on its own address */
  GtkWidget *address_error;

  OknKioskScreen *what_screen;
  GtkWidget *chosen_label;
  GtkWidget *description;
  GtkWidget *description_error;
  GtkWidget *attributes;      /* box the category's questions go in */

  OknKioskScreen *contact_screen;
  GtkWidget *consent;
  GtkWidget *contact_box;
  GtkWidget *contact_name;
  GtkWidget *contact_email;
  GtkWidget *contact_phone;
  GtkWidget *contact_error;

  OknKioskScreen *summary_screen;
  GtkWidget *summary_grid;
  GtkWidget *confirm;
  GtkWidget *busy_label;
  GtkWidget *summary_error;

  OknKioskScreen *done_screen;
  GtkWidget *ticket_label;
  GtkWidget *code_label;
  GtkWidget *qr;
  OknBarcode *qr_code;
  GtkWidget *print_label;

  OknKioskScreen *saving_screen;  /* the summary's stand-in once its resident is gone */

  OknKioskScreen *staff_screen;
};

G_DEFINE_FINAL_TYPE (OknKioskReport, okn_kiosk_report, G_TYPE_OBJECT)

/* Static helpers ---------------------------------------------------------- */

static void
attr_field_free (gpointer data)
{
  AttrField *f = data;

  g_clear_pointer (&f->choices, g_ptr_array_unref);
  g_free (f);
}

static OknLanguage
lang (OknKioskReport *self)
{
  return okn_kiosk_window_get_language (self->window);
}

static const char *
tr (OknKioskReport *self,
    const char     *msgid)
{
  return okn_labels_gettext (lang (self), NULL, msgid);
}

static char *
entry_text (GtkWidget *entry)
{
  g_autofree char *s = g_strdup (gtk_entry_get_text (GTK_ENTRY (entry)));

  g_strstrip (s);
  return *s ? g_steal_pointer (&s) : NULL;
}

static char *
description_text (OknKioskReport *self)
{
  g_autofree char *s = okn_gui_text_view_dup (GTK_TEXT_VIEW (self->description));

  if (s == NULL)
    return NULL;
  g_strstrip (s);
  return *s ? g_steal_pointer (&s) : NULL;
}

static GtkWidget *
kiosk_entry_new (const char *name)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (entry, name);
  gtk_style_context_add_class (gtk_widget_get_style_context (entry), "okn-kiosk-entry");
  gtk_widget_set_size_request (entry, -1, OKN_KIOSK_TARGET_PX);
  gtk_widget_show (entry);
  return entry;
}

static GtkWidget *
error_label_new (void)
{
  GtkWidget *label = okn_kiosk_label_new ("okn-field-error");

  gtk_widget_set_no_show_all (label, TRUE);
  gtk_widget_hide (label);
  return label;
}

/* @msgid (N_()) under a field, in the resident's language now and after a
 * switch; %NULL hides it. */
static void
show_error (GtkWidget  *label,
            const char *msgid)
{
  GtkWidget *screen = gtk_widget_get_ancestor (label, OKN_TYPE_KIOSK_SCREEN);

  if (screen)
    okn_kiosk_screen_translate (OKN_KIOSK_SCREEN (screen), label, msgid);
  if (msgid == NULL)
    gtk_label_set_text (GTK_LABEL (label), "");
  gtk_widget_set_visible (label, msgid != NULL);
}

/* The words for what the core found wrong with a field, in the resident's
 * language: the core's own messages are for staff (the process locale). */
static const char *
issue_words (const char *field)
{
  static const struct { const char *field; const char *msgid; } words[] = {
    { "category", N_("Please choose what the problem is about.") },
    { "description", N_("Please describe the problem in a few words (at most 4000 characters).") },
    { "location", N_("Please say where it is: a street and number, or a place everyone knows.") },
    { "address", N_("Please say where it is: a street and number, or a place everyone knows.") },
    { "email", N_("This e-mail address does not look right. Please check it.") },
    { "phone", N_("This phone number does not look right. Please check it.") },
    { "name", N_("Please check your name.") },
    { "consent", N_("Please tick the box to agree, or leave the contact details empty.") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (words[i].field, field))
      return words[i].msgid;
  return N_("Please answer this question.");
}

static AttrField *
find_attr_field (OknKioskReport *self,
                 const char     *code)
{
  for (guint i = 0; self->attr_fields && i < self->attr_fields->len; i++)
    {
      AttrField *f = g_ptr_array_index (self->attr_fields, i);

      if (g_str_equal (f->def->code, code))
        return f;
    }
  return NULL;
}

static void
collect_attributes (OknKioskReport *self,
                    OknRecord      *r)
{
  for (guint i = 0; self->attr_fields && i < self->attr_fields->len; i++)
    {
      AttrField *f = g_ptr_array_index (self->attr_fields, i);

      if (f->choices)
        {
          for (guint j = 0; j < f->choices->len; j++)
            {
              GtkToggleButton *b = g_ptr_array_index (f->choices, j);

              if (gtk_toggle_button_get_active (b))
                okn_record_add_attribute (r, f->def->code, g_object_get_data (G_OBJECT (b), "okn-key"));
            }
        }
      else if (f->input)
        {
          g_autofree char *v = entry_text (f->input);

          if (v)
            okn_record_add_attribute (r, f->def->code, v);
        }
    }
}

/* The report as the screens hold it now. */
static OknRecord *
build_record (OknKioskReport *self)
{
  OknRecord *r = okn_record_new (OKN_KIND_REPORT);

  r->channel = OKN_CHANNEL_KIOSK;
  r->category = g_strdup (self->category);
  r->description = description_text (self);
  r->address = entry_text (self->address);
  r->consent = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->consent));
  /* Without the resident's consent nothing of their contact is kept, even
   * what they typed before changing their mind. */
  if (r->consent)
    {
      r->contact_name = entry_text (self->contact_name);
      r->contact_email = entry_text (self->contact_email);
      r->contact_phone = entry_text (self->contact_phone);
    }
  collect_attributes (self, r);
  /* "Where" is optional: the core sends a report without one with the
   * kiosk's address, when the station has one (issue 12). */
  okn_intake_locate_kiosk_report (okn_context_get_config (self->context), r);
  return r;
}

/* Which screen asks for a field. */
static OknKioskScreen *
screen_of_field (OknKioskReport *self,
                 const char     *field)
{
  if (g_str_equal (field, "category"))
    return self->category_screen;
  if (g_str_equal (field, "location") || g_str_equal (field, "address")
      || g_str_equal (field, "lat") || g_str_equal (field, "long"))
    return self->where_screen;
  if (g_str_equal (field, "name") || g_str_equal (field, "email") || g_str_equal (field, "phone")
      || g_str_equal (field, "consent"))
    return self->contact_screen;
  return self->what_screen;
}

static GtkWidget *
error_label_of_field (OknKioskReport *self,
                      const char     *field)
{
  AttrField *f;

  if (g_str_equal (field, "description"))
    return self->description_error;
  if (screen_of_field (self, field) == self->where_screen)
    return self->address_error;
  if (screen_of_field (self, field) == self->contact_screen)
    return self->contact_error;
  f = find_attr_field (self, field);
  return f ? f->error : self->description_error;
}

static void
clear_errors (OknKioskReport *self)
{
  show_error (self->address_error, NULL);
  show_error (self->description_error, NULL);
  show_error (self->contact_error, NULL);
  show_error (self->summary_error, NULL);
  for (guint i = 0; self->attr_fields && i < self->attr_fields->len; i++)
    show_error (((AttrField *) g_ptr_array_index (self->attr_fields, i))->error, NULL);
}

/* What a field's message is about, above it: the question and its
 * answers (a category's question), the words that name the field, the
 * consent box. */
static GtkWidget *
question_of_field (OknKioskReport *self,
                   const char     *field)
{
  AttrField *f = find_attr_field (self, field);
  GtkWidget *input = NULL;
  g_autoptr (GList) labels = NULL;

  if (f && f->error)
    return gtk_widget_get_parent (f->error);
  if (g_str_equal (field, "consent"))
    return self->consent;
  if (g_str_equal (field, "name"))
    input = self->contact_name;
  else if (g_str_equal (field, "email"))
    input = self->contact_email;
  else if (g_str_equal (field, "phone"))
    input = self->contact_phone;
  else if (screen_of_field (self, field) == self->where_screen)
    input = self->address;
  else
    input = self->description;
  labels = gtk_widget_list_mnemonic_labels (input);
  return labels ? labels->data : input;
}

/* The words a widget shows: a label's, a button's, the first of a box's. */
static const char *
words_of (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (GTK_IS_BIN (widget) && gtk_bin_get_child (GTK_BIN (widget)))
    return words_of (gtk_bin_get_child (GTK_BIN (widget)));
  if (GTK_IS_CONTAINER (widget))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (widget));

      return children ? words_of (children->data) : NULL;
    }
  return NULL;
}

/* What speech says on @screen while a step is refused there: what is
 * asked, then what is wrong, in the screen's language (again after a
 * language switch); the title when nothing is. */
static void
announce_issue (OknKioskReport *self,
                OknKioskScreen *screen)
{
  const char *field = g_object_get_data (G_OBJECT (screen), "okn-kiosk-issue");
  g_autofree char *text = NULL;

  if (field)
    {
      const char *question = words_of (question_of_field (self, field));
      const char *words = okn_kiosk_screen_tr (screen, issue_words (field));

      text = question && *question ? g_strdup_printf ("%s %s", question, words) : g_strdup (words);
    }
  okn_kiosk_screen_set_announcement (screen, text);
}

/* @field's problem (or none) is what @screen says. A resident who cannot
 * see the message hears it, on every refused tap: the tap on Next
 * silenced the screen, and the same words would not be said again. */
static void
set_issue (OknKioskReport *self,
           OknKioskScreen *screen,
           const char     *field)
{
  g_autofree char *before = g_strdup (okn_kiosk_screen_get_announcement (screen));

  g_object_set_data_full (G_OBJECT (screen), "okn-kiosk-issue", g_strdup (field), g_free);
  announce_issue (self, screen);
  if (field && screen == okn_kiosk_window_get_screen (self->window)
      && g_strcmp0 (before, okn_kiosk_screen_get_announcement (screen)) == 0)
    okn_kiosk_voice_announce (okn_kiosk_window_get_voice (self->window), before);
}

/* Shows the core's issues that belong to @screen (all of them when NULL)
 * next to their fields, brings the first one's message into view and
 * has speech say it; returns the first one's screen, NULL when none. */
static OknKioskScreen *
show_issues (OknKioskReport *self,
             OknKioskScreen *screen)
{
  g_autoptr (OknRecord) r = build_record (self);
  g_autoptr (GPtrArray) issues = okn_intake_check (okn_context_get_store (self->context), r, NULL);
  OknKioskScreen *first = NULL;
  const char *first_field = NULL;

  clear_errors (self);
  for (guint i = 0; i < issues->len; i++)
    {
      OknFieldIssue *issue = g_ptr_array_index (issues, i);
      OknKioskScreen *where = screen_of_field (self, issue->field);

      if (screen != NULL && where != screen)
        continue;
      show_error (error_label_of_field (self, issue->field), issue_words (issue->field));
      if (first == NULL)
        {
          first = where;
          first_field = issue->field;
        }
    }
  /* Under the view, above the keyboard, the message would go unseen and
   * the tap on Next seem to do nothing. */
  if (first_field)
    okn_kiosk_window_reveal (self->window, error_label_of_field (self, first_field),
                             question_of_field (self, first_field));
  set_issue (self, self->where_screen, first == self->where_screen ? first_field : NULL);
  set_issue (self, self->what_screen, first == self->what_screen ? first_field : NULL);
  set_issue (self, self->contact_screen, first == self->contact_screen ? first_field : NULL);
  return first;
}

static GtkWidget *
nav_row (OknKioskReport *self,
         OknKioskScreen *screen,
         GCallback       back,
         GCallback       next,
         const char     *next_msgid)
{
  GtkWidget *row = okn_kiosk_screen_get_actions (screen);
  GtkWidget *b = okn_kiosk_button_new ("go-previous-symbolic", "okn-kiosk-back");

  gtk_widget_set_name (b, "back");
  okn_kiosk_screen_translate (screen, b, N_("Back"));
  g_signal_connect_swapped (b, "clicked", back, self);
  gtk_box_pack_start (GTK_BOX (row), b, FALSE, FALSE, 0);
  if (next)
    {
      b = okn_kiosk_button_new ("go-next-symbolic", "suggested-action");
      gtk_widget_set_name (b, "next");
      okn_kiosk_screen_translate (screen, b, next_msgid);
      g_signal_connect_swapped (b, "clicked", next, self);
      gtk_box_pack_end (GTK_BOX (row), b, FALSE, FALSE, 0);
    }
  gtk_widget_show_all (row);
  return row;
}

static void
show (OknKioskReport *self,
      OknKioskScreen *screen)
{
  okn_kiosk_window_show_screen (self->window, screen);
}

/* A tile or a choice in a flow box is one stop for a keyboard or switch
 * user, not two: the flow box child around it takes the focus, carries
 * the tile's name and activates it (Enter, Space); the button itself only
 * answers touches. */
static void
name_holder (GtkWidget *button)
{
  GtkWidget *holder = gtk_widget_get_parent (button);

  if (GTK_IS_FLOW_BOX_CHILD (holder))
    okn_gui_set_accessible (holder, atk_object_get_name (gtk_widget_get_accessible (button)));
}

static void
one_focus_stop (GtkWidget *button)
{
  gtk_widget_set_can_focus (button, FALSE);
  name_holder (button);
}

static void
on_child_activated (GtkFlowBox      *flow,
                    GtkFlowBoxChild *child,
                    gpointer         data)
{
  GtkWidget *button = gtk_bin_get_child (GTK_BIN (child));

  if (button)
    gtk_widget_activate (button);
}

/* A flow box of tiles: activated by the keyboard only (a touch is the
 * button's own click, never a second activation). */
static GtkWidget *
tile_box_new (void)
{
  GtkWidget *flow = gtk_flow_box_new ();

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_activate_on_single_click (GTK_FLOW_BOX (flow), FALSE);
  g_signal_connect (flow, "child-activated", G_CALLBACK (on_child_activated), NULL);
  return flow;
}

/* Category ------------------------------------------------------------------ */

static void on_tile_clicked (GtkButton *tile, OknKioskReport *self);

static void
filter_tiles (OknKioskReport *self)
{
  const char *text = gtk_entry_get_text (GTK_ENTRY (self->search));
  g_autoptr (GList) groups = gtk_container_get_children (GTK_CONTAINER (self->groups));
  guint shown = 0;

  for (GList *g = groups; g; g = g->next)
    {
      GtkWidget *group = g->data;
      GtkWidget *flow = g_object_get_data (G_OBJECT (group), "okn-flow");
      g_autoptr (GList) tiles = NULL;
      guint in_group = 0;

      if (flow == NULL)
        continue;
      tiles = gtk_container_get_children (GTK_CONTAINER (flow));
      for (GList *t = tiles; t; t = t->next)
        {
          GtkWidget *child = t->data;
          GtkWidget *tile = gtk_bin_get_child (GTK_BIN (child));
          const OknService *s = okn_service_find (self->services,
                                                  g_object_get_data (G_OBJECT (tile), "okn-code"));
          gboolean match = s != NULL && okn_service_matches (s, text);

          gtk_widget_set_visible (child, match);
          in_group += match;
        }
      gtk_widget_set_visible (group, in_group > 0);
      shown += in_group;
    }
  gtk_widget_set_visible (self->nothing_found, shown == 0);
}

static const char *
group_of (const OknService *s)
{
  return s->group && *s->group ? s->group : "";
}

static void
relabel_category (OknKioskScreen *screen,
                  OknKioskReport *self)
{
  g_autoptr (GList) groups = gtk_container_get_children (GTK_CONTAINER (self->groups));

  /* The heading of categories without a group is ours; the catalogue's
   * names are looked up for the resident's language (the catalogue has
   * one today, okn_labels_category). */
  for (GList *g = groups; g; g = g->next)
    {
      GtkWidget *heading = g_object_get_data (G_OBJECT (g->data), "okn-heading");
      GtkWidget *flow = g_object_get_data (G_OBJECT (g->data), "okn-flow");
      g_autoptr (GList) tiles = flow ? gtk_container_get_children (GTK_CONTAINER (flow)) : NULL;

      if (heading && g_object_get_data (G_OBJECT (heading), "okn-no-group"))
        gtk_label_set_text (GTK_LABEL (heading), tr (self, N_("Other problems")));
      for (GList *t = tiles; t; t = t->next)
        {
          GtkWidget *tile = gtk_bin_get_child (GTK_BIN (t->data));
          g_autofree char *name = okn_labels_category (okn_context_get_store (self->context),
                                                       g_object_get_data (G_OBJECT (tile), "okn-code"),
                                                       lang (self));
          g_autofree char *shown = okn_text_display_line (name, -1);

          okn_kiosk_set_text (tile, shown);
          name_holder (tile);
        }
    }
}

static GtkWidget *
make_group (OknKioskReport *self,
            const char     *group)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *heading = okn_kiosk_label_new ("okn-kiosk-group");
  GtkWidget *flow = tile_box_new ();
  g_autofree char *shown = okn_text_display_line (group, -1);

  gtk_label_set_xalign (GTK_LABEL (heading), 0.0);
  if (*group)
    gtk_label_set_text (GTK_LABEL (heading), shown);
  else
    {
      g_object_set_data (G_OBJECT (heading), "okn-no-group", GINT_TO_POINTER (1));
      gtk_label_set_text (GTK_LABEL (heading), tr (self, N_("Other problems")));
    }
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (flow), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 16);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 16);
  gtk_box_pack_start (GTK_BOX (box), heading, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), flow, FALSE, FALSE, 0);
  g_object_set_data (G_OBJECT (box), "okn-flow", flow);
  g_object_set_data (G_OBJECT (box), "okn-heading", heading);
  g_object_set_data_full (G_OBJECT (box), "okn-group", g_strdup (group), g_free);
  gtk_widget_show_all (box);
  gtk_box_pack_start (GTK_BOX (self->groups), box, FALSE, FALSE, 0);
  return box;
}

static void
fill_tiles (OknKioskReport *self)
{
  OknConfig *config = okn_context_get_config (self->context);
  g_auto (GStrv) icons = okn_config_get_list (config, "kiosk.icons");
  g_autoptr (GList) old = gtk_container_get_children (GTK_CONTAINER (self->groups));
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  /* Groups in the catalogue's order of first appearance, as the catalogue
   * groups them; categories without a group last. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->services->len; i++)
      {
        OknService *s = g_ptr_array_index (self->services, i);
        const char *group = group_of (s);
        GtkWidget *box, *tile;
        g_autofree char *icon = NULL;
        g_autofree char *name = NULL;
        g_autofree char *widget_name = NULL;

        if ((pass == 0) != (*group != '\0'))
          continue;
        box = g_hash_table_lookup (groups, group);
        if (box == NULL)
          {
            box = make_group (self, group);
            g_hash_table_insert (groups, (gpointer) g_object_get_data (G_OBJECT (box), "okn-group"), box);
          }
        icon = okn_service_icon_name (s, (const char *const *) icons);
        tile = okn_kiosk_button_new (icon, "okn-kiosk-tile");
        name = okn_labels_category (okn_context_get_store (self->context), s->code, lang (self));
        {
          g_autofree char *shown = okn_text_display_line (name, -1);

          okn_kiosk_set_text (tile, shown);
        }
        widget_name = g_strconcat ("category:", s->code, NULL);
        gtk_widget_set_name (tile, widget_name);
        g_object_set_data_full (G_OBJECT (tile), "okn-code", g_strdup (s->code), g_free);
        g_signal_connect (tile, "clicked", G_CALLBACK (on_tile_clicked), self);
        gtk_container_add (GTK_CONTAINER (g_object_get_data (G_OBJECT (box), "okn-flow")), tile);
        one_focus_stop (tile);
        gtk_widget_show_all (gtk_widget_get_parent (tile));
      }
  filter_tiles (self);
}

static void
go_start (OknKioskReport *self)
{
  okn_kiosk_report_wipe (self);
  okn_kiosk_window_show_start (self->window);
}

static void
on_search_changed (OknKioskReport *self)
{
  filter_tiles (self);
  okn_form_session_changed (self->session);
}

/* What (the category's questions) ------------------------------------------ */

static void
on_choice_toggled (GtkToggleButton *button,
                   OknKioskReport  *self)
{
  okn_form_session_changed (self->session);
}

static void
on_field_changed (OknKioskReport *self)
{
  okn_form_session_changed (self->session);
}

static void
add_attr_field (OknKioskReport   *self,
                const OknAttrDef *a)
{
  AttrField *f = g_new0 (AttrField, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *question = okn_kiosk_label_new (NULL);
  g_autofree char *text = okn_text_display_line (a->description ? a->description : a->code, -1);
  g_autofree char *name = g_strconcat ("attr:", a->code, NULL);

  f->def = a;
  gtk_label_set_xalign (GTK_LABEL (question), 0.0);
  gtk_label_set_text (GTK_LABEL (question), text);
  gtk_box_pack_start (GTK_BOX (box), question, FALSE, FALSE, 0);
  if (!a->variable)
    {
      gtk_widget_show_all (box);
      gtk_box_pack_start (GTK_BOX (self->attributes), box, FALSE, FALSE, 0);
      g_free (f);
      return;
    }
  if (a->required)
    {
      GtkWidget *required = okn_kiosk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (required), 0.0);
      gtk_box_pack_start (GTK_BOX (box), required, FALSE, FALSE, 0);
      okn_kiosk_screen_translate (self->what_screen, required, N_("An answer is needed."));
    }
  switch (a->datatype)
    {
    case OKN_ATTR_SINGLEVALUELIST:
    case OKN_ATTR_MULTIVALUELIST:
      {
        GtkWidget *flow = tile_box_new ();
        GtkRadioButton *group = NULL;

        gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (flow), 2);
        gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (flow), 4);
        gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (flow), 16);
        gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (flow), 16);
        f->choices = g_ptr_array_new ();
        for (guint i = 0; a->values && i < a->values->len; i++)
          {
            OknAttrValue *v = g_ptr_array_index (a->values, i);
            g_autofree char *label = okn_text_display_line (v->name ? v->name : v->key, -1);
            g_autofree char *bname = g_strconcat (name, ":", v->key, NULL);
            GtkWidget *b;

            /* A single choice: radio buttons in one group, drawn as big
             * toggles; none is chosen until the resident chooses. */
            if (a->datatype == OKN_ATTR_SINGLEVALUELIST)
              {
                b = gtk_radio_button_new_with_label_from_widget (group, label);
                if (group == NULL)
                  {
                    GtkWidget *none = gtk_radio_button_new_from_widget (GTK_RADIO_BUTTON (b));

                    /* The hidden "nothing chosen yet" of the group. */
                    g_object_ref_sink (none);
                    g_object_set_data_full (G_OBJECT (flow), "okn-none", none, g_object_unref);
                    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (none), TRUE);
                    group = GTK_RADIO_BUTTON (b);
                  }
                gtk_toggle_button_set_mode (GTK_TOGGLE_BUTTON (b), FALSE);
              }
            else
              b = gtk_check_button_new_with_label (label);
            gtk_widget_set_name (b, bname);
            gtk_widget_set_size_request (b, OKN_KIOSK_TARGET_PX * 2, OKN_KIOSK_TARGET_PX);
            gtk_style_context_add_class (gtk_widget_get_style_context (b), "okn-kiosk-button");
            okn_gui_set_accessible (b, label);
            g_object_set_data_full (G_OBJECT (b), "okn-key", g_strdup (v->key), g_free);
            g_signal_connect (b, "toggled", G_CALLBACK (on_choice_toggled), self);
            gtk_container_add (GTK_CONTAINER (flow), b);
            one_focus_stop (b);
            g_ptr_array_add (f->choices, b);
          }
        f->input = flow;
        gtk_widget_set_name (flow, name);
        okn_gui_set_accessible (flow, text);
        break;
      }
    case OKN_ATTR_NUMBER:
    case OKN_ATTR_STRING:
    case OKN_ATTR_TEXT:
    case OKN_ATTR_DATETIME:
    default:
      f->input = kiosk_entry_new (name);
      if (a->datatype == OKN_ATTR_NUMBER)
        gtk_entry_set_input_purpose (GTK_ENTRY (f->input), GTK_INPUT_PURPOSE_NUMBER);
      okn_gui_set_accessible (f->input, text);
      /* The question names the field: with the keyboard up, the window
       * keeps it in view above the field (keep_focus_in_view()). */
      gtk_label_set_mnemonic_widget (GTK_LABEL (question), f->input);
      g_signal_connect_swapped (f->input, "changed", G_CALLBACK (on_field_changed), self);
      break;
    }
  gtk_box_pack_start (GTK_BOX (box), f->input, FALSE, FALSE, 0);
  f->error = error_label_new ();
  gtk_box_pack_start (GTK_BOX (box), f->error, FALSE, FALSE, 0);
  gtk_widget_show_all (box);
  gtk_box_pack_start (GTK_BOX (self->attributes), box, FALSE, FALSE, 0);
  g_ptr_array_add (self->attr_fields, f);
}

static void
set_category (OknKioskReport *self,
              const char     *code)
{
  const OknService *s = code ? okn_service_find (self->services, code) : NULL;
  g_autoptr (GList) old = gtk_container_get_children (GTK_CONTAINER (self->attributes));

  for (GList *l = old; l; l = l->next)
    gtk_widget_destroy (l->data);
  g_clear_pointer (&self->attr_fields, g_ptr_array_unref);
  g_clear_pointer (&self->def, okn_service_def_free);
  g_free (self->category);
  self->category = g_strdup (s ? s->code : NULL);
  self->attr_fields = g_ptr_array_new_with_free_func (attr_field_free);
  if (s && s->definition)
    {
      g_autoptr (GError) error = NULL;

      self->def = okn_service_def_parse (s->definition, &error);
      if (self->def == NULL)
        g_message ("The cached definition of category %s cannot be read: %s", s->code, error->message);
    }
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    add_attr_field (self, g_ptr_array_index (self->def->attributes, i));
  if (s)
    {
      g_autofree char *name = okn_labels_category (okn_context_get_store (self->context), s->code, lang (self));
      g_autofree char *shown = okn_text_display_line (name, -1);

      gtk_label_set_text (GTK_LABEL (self->chosen_label), shown);
    }
  else
    gtk_label_set_text (GTK_LABEL (self->chosen_label), "");
}

static void
on_tile_clicked (GtkButton      *tile,
                 OknKioskReport *self)
{
  const char *code = g_object_get_data (G_OBJECT (tile), "okn-code");

  if (g_strcmp0 (code, self->category) != 0)
    set_category (self, code);
  okn_form_session_changed (self->session);
  show (self, self->where_screen);
}

/* Steps ---------------------------------------------------------------------- */

static void
where_back (OknKioskReport *self)
{
  show (self, self->category_screen);
}

static void
where_next (OknKioskReport *self)
{
  if (show_issues (self, self->where_screen) == NULL)
    show (self, self->what_screen);
}

static void
what_back (OknKioskReport *self)
{
  show (self, self->where_screen);
}

static void
what_next (OknKioskReport *self)
{
  if (show_issues (self, self->what_screen) == NULL)
    show (self, self->contact_screen);
}

static void
contact_back (OknKioskReport *self)
{
  show (self, self->what_screen);
}

static void
fill_summary (OknKioskReport *self)
{
  g_autoptr (OknRecord) r = build_record (self);
  GtkWidget *grid = self->summary_grid;
  g_autofree char *category = NULL;

  okn_kiosk_summary_clear (grid);
  if (self->category == NULL)
    return;
  category = okn_labels_category (okn_context_get_store (self->context), self->category, lang (self));
  okn_kiosk_summary_add (grid, NULL, tr (self, N_("Problem")), category);
  {
    g_autofree char *given = entry_text (self->address);
    g_autofree char *where = given || r->address == NULL
                               ? NULL
                               : g_strdup_printf ("%s\n%s", tr (self, N_("Not given: the report goes with the address of this kiosk.")),
                                                  r->address);

    okn_kiosk_summary_add (grid, NULL, tr (self, N_("Where")), where ? where : r->address);
  }
  okn_kiosk_summary_add (grid, NULL, tr (self, N_("What happened")), r->description);
  for (guint i = 0; self->def && i < self->def->attributes->len; i++)
    {
      const OknAttrDef *a = g_ptr_array_index (self->def->attributes, i);
      g_autoptr (GString) values = g_string_new (NULL);

      if (!a->variable)
        continue;
      for (guint j = 0; j < r->attributes->len; j++)
        {
          OknAttribute *at = g_ptr_array_index (r->attributes, j);

          if (g_str_equal (at->key, a->code))
            {
              const char *name = okn_attr_def_value_name (a, at->value);

              if (values->len)
                g_string_append (values, ", ");
              g_string_append (values, name ? name : at->value);
            }
        }
      if (values->len)
        okn_kiosk_summary_add (grid, NULL, a->description ? a->description : a->code, values->str);
    }
  if (r->consent && (r->contact_name || r->contact_email || r->contact_phone))
    {
      g_autofree char *contact = g_strjoin ("\n", r->contact_name ? r->contact_name : "",
                                            r->contact_email ? r->contact_email : "",
                                            r->contact_phone ? r->contact_phone : "", NULL);

      g_strstrip (contact);
      okn_kiosk_summary_add (grid, NULL, tr (self, N_("Contact")), contact);
    }
  else
    okn_kiosk_summary_add (grid, NULL, tr (self, N_("Contact")),
                           tr (self, N_("No contact details: the city will not contact you.")));
  gtk_widget_show_all (grid);
}

static void
contact_next (OknKioskReport *self)
{
  if (show_issues (self, self->contact_screen) != NULL)
    return;
  fill_summary (self);
  show (self, self->summary_screen);
}

static void
summary_back (OknKioskReport *self)
{
  show (self, self->contact_screen);
}

static void
on_consent_toggled (GtkToggleButton *button,
                    OknKioskReport  *self)
{
  gboolean active = gtk_toggle_button_get_active (button);

  gtk_widget_set_sensitive (self->contact_box, active);
  /* The resident who ticks the box means to give a name next: the
   * on-screen keyboard types into the focused field, and the box kept
   * the focus, so the keys did nothing until the name field was tapped.
   * Only a tick on the screen shown (not a draft put back, not a wipe). */
  if (active && gtk_widget_is_focus (GTK_WIDGET (button)))
    gtk_widget_grab_focus (self->contact_name);
  okn_form_session_changed (self->session);
}

static void
on_busy_changed (OknFormSession *session,
                 GParamSpec     *pspec,
                 OknKioskReport *self)
{
  gboolean busy = okn_form_session_get_busy (session);

  gtk_widget_set_sensitive (self->confirm, !busy);
  gtk_widget_set_visible (self->busy_label, busy);
}

static void
draw_qr (GtkDrawingArea *area,
         cairo_t        *cr,
         OknKioskReport *self)
{
  int w = gtk_widget_get_allocated_width (GTK_WIDGET (area));
  int h = gtk_widget_get_allocated_height (GTK_WIDGET (area));
  guint total;
  double module;

  if (self->qr_code == NULL)
    return;
  total = okn_barcode_total_width (self->qr_code);
  module = MAX (1, MIN (w, h) / total);
  /* A code must be dark on light, whatever the theme, or no scanner reads
   * it: these are the symbol's colours, not the interface's. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, (w - module * total) / 2, (h - module * total) / 2, module * total, module * total);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  /* The modules start inside the quiet zone. */
  okn_barcode_draw (self->qr_code, cr, (w - module * total) / 2 + module * self->qr_code->quiet,
                    (h - module * total) / 2 + module * self->qr_code->quiet, module, 0);
}

static void
relabel_done (OknKioskScreen *screen,
              OknKioskReport *self)
{
  g_autofree char *announce = NULL;
  g_autofree char *spelled = NULL;
  const char *print_words;

  if (self->result == NULL)
    return;
  if (self->result->print_error)
    print_words = tr (self, N_("The ticket could not be printed. Please write down the number and the code, or show this screen at the desk."));
  else
    print_words = tr (self, N_("Your ticket is printing. Keep it: with its number and code you can check the status here."));
  gtk_label_set_text (GTK_LABEL (self->print_label), print_words);
  okn_gui_set_accessible (self->ticket_label, self->result->record->ticket);
  /* Speech reads the ticket character by character. */
  {
    GString *s = g_string_new (NULL);

    for (const char *p = self->result->record->ticket; *p; p++)
      g_string_append_printf (s, "%s%c", s->len ? " " : "", *p == '-' ? ',' : *p);
    spelled = g_string_free (s, FALSE);
  }
  announce = g_strdup_printf ("%s %s: %s. %s", tr (self, N_("Thank you! Your report is registered.")),
                              tr (self, N_("Your ticket number")), spelled, print_words);
  okn_kiosk_screen_set_announcement (screen, announce);
}

static void
show_done (OknKioskReport *self)
{
  g_autoptr (OknTicketContent) content = okn_intake_ticket_content (okn_context_get_store (self->context),
                                                                   okn_context_get_config (self->context),
                                                                   self->result->record);
  g_autoptr (GError) error = NULL;

  gtk_label_set_text (GTK_LABEL (self->ticket_label), self->result->record->ticket);
  gtk_label_set_text (GTK_LABEL (self->code_label), self->result->record->verification_code);
  g_clear_pointer (&self->qr_code, okn_barcode_free);
  self->qr_code = okn_barcode_encode (OKN_BARCODE_QR, okn_ticket_content_get_qr_payload (content), &error);
  if (self->qr_code == NULL)
    g_message ("The QR code of %s cannot be drawn: %s", self->result->record->ticket, error->message);
  gtk_widget_queue_draw (self->qr);
  show (self, self->done_screen);
  relabel_done (self->done_screen, self);
}

static void
on_submitted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  g_autoptr (OknKioskReport) self = data;
  g_autoptr (GError) error = NULL;
  OknIntakeResult *result = okn_form_session_submit_finish (OKN_FORM_SESSION (source), res, &error);

  /* Stored, but the station needs its administrator (the mark of the
   * numbers given out not written on a full disk): the journal tells
   * staff; a resident is never shown it, the ticket holds. */
  for (guint i = 0; result && i < result->warnings->len; i++)
    g_warning ("The kiosk's ticket %s is stored, but: %s", result->record->ticket,
               (const char *) g_ptr_array_index (result->warnings, i));

  /* The kiosk started over while it was saved (the resident walked away
   * from a slow printer): the next resident sees neither this ticket nor
   * the form's questions. */
  if (self->sent_by != self->resident)
    {
      if (result)
        g_message ("The kiosk's ticket %s was stored after its resident had gone", result->record->ticket);
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      else
        g_message ("A kiosk report was not stored, its resident gone: %s", error->message);
      g_clear_pointer (&result, okn_intake_result_free);
      /* The saving screen waited for this save: the kiosk is the next
       * person's now. */
      if (okn_kiosk_window_get_screen (self->window) == self->saving_screen)
        okn_kiosk_window_start_over (self->window);
      return;
    }
  if (result == NULL)
    {
      OknKioskScreen *where;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Refused by the store's own check (the catalogue changed under us,
       * say): back to the question, in the resident's words. */
      g_message ("A kiosk report was not stored: %s", error->message);
      where = show_issues (self, NULL);
      if (where)
        show (self, where);
      else
        show_error (self->summary_error, N_("Your report could not be saved. Please ask at the desk."));
      return;
    }
  g_clear_pointer (&self->result, okn_intake_result_free);
  self->result = result;
  if (result->print_error)
    /* For staff, in the journal; okienkoctl status says it too. A
     * message, not a warning: the kiosk goes on, and the resident has
     * the ticket on the screen. */
    g_message ("The kiosk's ticket %s did not print: %s", result->record->ticket,
               result->print_error->message);
  okn_context_sync_changed (self->context);
  show_done (self);
}

static void
on_confirm (OknKioskReport *self)
{
  OknIntakeOptions options = {
    .mode = OKN_INTAKE_NEW,
    .actor = "kiosk",
    .print = TRUE,
    .profile = OKN_OUTPUTS_KIOSK,
    .has_language = TRUE,
    .language = lang (self),
  };

  if (okn_form_session_get_busy (self->session))
    return;
  self->sent_by = self->resident;
  show_error (self->summary_error, NULL);
  okn_form_session_submit_async (self->session, self->context, build_record (self), &options,
                                 self->cancellable, on_submitted, g_object_ref (self));
}

/* The resident is done: the next one meets the kiosk as it was set up. */
static void
on_finish (OknKioskReport *self)
{
  okn_kiosk_window_start_over (self->window);
}

/* The last ticket and summary on the screens: a form the session cleared
 * after storing it still shows them until the resident finishes. */
static void
forget_shown (OknKioskReport *self)
{
  g_clear_pointer (&self->result, okn_intake_result_free);
  g_clear_pointer (&self->qr_code, okn_barcode_free);
  gtk_label_set_text (GTK_LABEL (self->ticket_label), "");
  gtk_label_set_text (GTK_LABEL (self->code_label), "");
  gtk_label_set_text (GTK_LABEL (self->print_label), "");
  okn_kiosk_screen_set_announcement (self->done_screen, NULL);
  okn_kiosk_summary_clear (self->summary_grid);
}

/* The form session's delegate: the screens' fields as a draft in memory. */

static OknDraft *
delegate_collect (gpointer       data,
                  OknFormCollect purpose)
{
  OknKioskReport *self = data;
  OknDraft *draft = okn_draft_new ("kiosk-report");
  g_autofree char *description = okn_gui_text_view_dup (GTK_TEXT_VIEW (self->description));

  okn_draft_set (draft, "category", self->category);
  okn_draft_set (draft, "address", gtk_entry_get_text (GTK_ENTRY (self->address)));
  okn_draft_set (draft, "description", description);
  okn_draft_set (draft, "name", gtk_entry_get_text (GTK_ENTRY (self->contact_name)));
  okn_draft_set (draft, "email", gtk_entry_get_text (GTK_ENTRY (self->contact_email)));
  okn_draft_set (draft, "phone", gtk_entry_get_text (GTK_ENTRY (self->contact_phone)));
  return draft;
}

static void
delegate_restore (gpointer  data,
                  OknDraft *draft)
{
  OknKioskReport *self = data;

  set_category (self, okn_draft_get (draft, "category"));
  gtk_entry_set_text (GTK_ENTRY (self->address), okn_draft_get (draft, "address") ?: "");
  okn_gui_text_view_set (GTK_TEXT_VIEW (self->description), okn_draft_get (draft, "description") ?: "");
  gtk_entry_set_text (GTK_ENTRY (self->contact_name), okn_draft_get (draft, "name") ?: "");
  gtk_entry_set_text (GTK_ENTRY (self->contact_email), okn_draft_get (draft, "email") ?: "");
  gtk_entry_set_text (GTK_ENTRY (self->contact_phone), okn_draft_get (draft, "phone") ?: "");
}

static void
delegate_clear (gpointer data)
{
  OknKioskReport *self = data;

  set_category (self, NULL);
  gtk_entry_set_text (GTK_ENTRY (self->search), "");
  gtk_entry_set_text (GTK_ENTRY (self->address), "");
  okn_gui_text_view_set (GTK_TEXT_VIEW (self->description), "");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->consent), FALSE);
  gtk_entry_set_text (GTK_ENTRY (self->contact_name), "");
  gtk_entry_set_text (GTK_ENTRY (self->contact_email), "");
  gtk_entry_set_text (GTK_ENTRY (self->contact_phone), "");
  forget_shown (self);
  clear_errors (self);
  set_issue (self, self->where_screen, NULL);
  set_issue (self, self->what_screen, NULL);
  set_issue (self, self->contact_screen, NULL);
}

static const OknFormDelegate delegate = {
  delegate_collect,
  delegate_restore,
  delegate_clear,
};

/* Building the screens ------------------------------------------------------- */

static void
name_field (OknKioskScreen *screen,
            GtkWidget      *field)
{
  okn_gui_set_accessible (field, okn_kiosk_screen_tr (screen, g_object_get_data (G_OBJECT (field),
                                                                                "okn-kiosk-name-msgid")));
}

/* A field under its label's words, which name it for a screen reader in
 * every language (the placeholder would otherwise). @packed: what holds
 * @field on the screen, when not @field itself. */
static GtkWidget *
labelled (OknKioskScreen *screen,
          const char     *msgid,
          GtkWidget      *field,
          GtkWidget      *packed)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *label = okn_kiosk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  okn_kiosk_screen_translate (screen, label, msgid);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), field);
  g_object_set_data (G_OBJECT (field), "okn-kiosk-name-msgid", (gpointer) msgid);
  g_signal_connect_object (screen, "relabel", G_CALLBACK (name_field), field, 0);
  name_field (screen, field);
  gtk_box_pack_start (GTK_BOX (box), label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), packed ? packed : field, FALSE, FALSE, 0);
  gtk_widget_show_all (box);
  return box;
}

static void
build_category_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("category", N_("What is the problem about?"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);

  self->category_screen = s;
  /* The tiles are the answer; the keys come only to search. */
  okn_kiosk_screen_set_keyboard_mode (s, OKN_KIOSK_KEYBOARD_ON_FOCUS);
  self->search = kiosk_entry_new ("search");
  gtk_entry_set_icon_from_icon_name (GTK_ENTRY (self->search), GTK_ENTRY_ICON_PRIMARY, "edit-find-symbolic");
  okn_kiosk_screen_translate (s, self->search, N_("Search, e.g. street light"));
  g_signal_connect_swapped (self->search, "changed", G_CALLBACK (on_search_changed), self);
  gtk_box_pack_start (GTK_BOX (body), self->search, FALSE, FALSE, 0);

  self->groups = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_box_pack_start (GTK_BOX (body), self->groups, TRUE, TRUE, 0);
  self->nothing_found = okn_kiosk_label_new (NULL);
  okn_kiosk_screen_translate (s, self->nothing_found, N_("Nothing found. Try another word, or clear the search."));
  gtk_widget_set_no_show_all (self->nothing_found, TRUE);
  gtk_box_pack_start (GTK_BOX (body), self->nothing_found, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (go_start), NULL, NULL);
  g_signal_connect (s, "relabel", G_CALLBACK (relabel_category), self);
  gtk_widget_show_all (body);
}

static void
build_where_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("where", N_("Where is it?"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);

  self->where_screen = s;
  self->address = kiosk_entry_new ("address");
  g_signal_connect_swapped (self->address, "changed", G_CALLBACK (on_field_changed), self);
  gtk_box_pack_start (GTK_BOX (body),
                      labelled (s, N_("Street and number, or a place everyone knows (e.g. the main entrance of the park)"),
                                self->address, NULL),
                      FALSE, FALSE, 0);
  self->address_optional = okn_kiosk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->address_optional), 0.0);
  okn_kiosk_screen_translate (s, self->address_optional,
                              N_("You may leave this empty: the report then goes with the address of this kiosk."));
  gtk_widget_set_no_show_all (self->address_optional, TRUE);
  gtk_box_pack_start (GTK_BOX (body), self->address_optional, FALSE, FALSE, 0);
  self->address_error = error_label_new ();
  gtk_box_pack_start (GTK_BOX (body), self->address_error, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (where_back), G_CALLBACK (where_next), N_("Next"));
  g_signal_connect_swapped (s, "relabel", G_CALLBACK (announce_issue), self);
}

static void
build_what_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("what", N_("What happened?"));
  GtkWidget *inner = okn_kiosk_screen_get_body (s);
  GtkWidget *frame = gtk_frame_new (NULL);

  self->what_screen = s;
  self->chosen_label = okn_kiosk_label_new ("okn-kiosk-chosen");
  gtk_label_set_xalign (GTK_LABEL (self->chosen_label), 0.0);
  gtk_box_pack_start (GTK_BOX (inner), self->chosen_label, FALSE, FALSE, 0);
  self->description = gtk_text_view_new ();
  gtk_widget_set_name (self->description, "description");
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (self->description), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (self->description), FALSE);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->description), "okn-kiosk-entry");
  gtk_widget_set_size_request (self->description, -1, OKN_KIOSK_TARGET_PX * 2);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->description)), "changed",
                            G_CALLBACK (on_field_changed), self);
  gtk_container_add (GTK_CONTAINER (frame), self->description);
  gtk_box_pack_start (GTK_BOX (inner), labelled (s, N_("Describe the problem in a few words"),
                                                 self->description, frame),
                      FALSE, FALSE, 0);
  self->description_error = error_label_new ();
  gtk_box_pack_start (GTK_BOX (inner), self->description_error, FALSE, FALSE, 0);
  self->attributes = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_box_pack_start (GTK_BOX (inner), self->attributes, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (what_back), G_CALLBACK (what_next), N_("Next"));
  g_signal_connect_swapped (s, "relabel", G_CALLBACK (announce_issue), self);
  gtk_widget_show_all (inner);
}

static void
build_contact_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("contact", N_("Would you like news about your report?"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *explain = okn_kiosk_label_new (NULL);

  self->contact_screen = s;
  gtk_label_set_xalign (GTK_LABEL (explain), 0.0);
  okn_kiosk_screen_translate (s, explain, N_("You do not have to give any contact details. If you do, the city uses them only to tell you about this report, and deletes them when the case is over."));
  gtk_box_pack_start (GTK_BOX (body), explain, FALSE, FALSE, 0);
  self->consent = gtk_check_button_new ();
  {
    /* The button's own size (150 %, as every kiosk button's words), not
     * a kiosk text's on top of it (225 %): at 200 % text those words
     * were taller than the view above the keyboard, and the checkbox
     * halfway down them under it. */
    GtkWidget *label = gtk_label_new (NULL);

    gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
    gtk_label_set_xalign (GTK_LABEL (label), 0.0);
    gtk_widget_show (label);
    gtk_container_add (GTK_CONTAINER (self->consent), label);
    g_object_set_data (G_OBJECT (self->consent), "okn-kiosk-label", label);
  }
  gtk_widget_set_name (self->consent, "consent");
  gtk_widget_set_size_request (self->consent, -1, OKN_KIOSK_TARGET_PX);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->consent), "okn-kiosk-button");
  okn_kiosk_screen_translate (s, self->consent, N_("Yes, the city may contact me about this report"));
  g_signal_connect (self->consent, "toggled", G_CALLBACK (on_consent_toggled), self);
  /* What the box agrees to: in view with it when it takes the focus. */
  okn_kiosk_set_context (self->consent, explain);
  gtk_box_pack_start (GTK_BOX (body), self->consent, FALSE, FALSE, 0);

  self->contact_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  self->contact_name = kiosk_entry_new ("contact-name");
  self->contact_email = kiosk_entry_new ("contact-email");
  gtk_entry_set_input_purpose (GTK_ENTRY (self->contact_email), GTK_INPUT_PURPOSE_EMAIL);
  self->contact_phone = kiosk_entry_new ("contact-phone");
  gtk_entry_set_input_purpose (GTK_ENTRY (self->contact_phone), GTK_INPUT_PURPOSE_PHONE);
  gtk_box_pack_start (GTK_BOX (self->contact_box), labelled (s, N_("Your name"), self->contact_name, NULL), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self->contact_box), labelled (s, N_("E-mail address"), self->contact_email, NULL), FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self->contact_box), labelled (s, N_("Phone number"), self->contact_phone, NULL), FALSE, FALSE, 0);
  g_signal_connect_swapped (self->contact_name, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->contact_email, "changed", G_CALLBACK (on_field_changed), self);
  g_signal_connect_swapped (self->contact_phone, "changed", G_CALLBACK (on_field_changed), self);
  gtk_widget_set_sensitive (self->contact_box, FALSE);
  gtk_box_pack_start (GTK_BOX (body), self->contact_box, FALSE, FALSE, 0);
  self->contact_error = error_label_new ();
  gtk_box_pack_start (GTK_BOX (body), self->contact_error, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (contact_back), G_CALLBACK (contact_next), N_("Next"));
  g_signal_connect_swapped (s, "relabel", G_CALLBACK (announce_issue), self);
  gtk_widget_show_all (body);
  gtk_widget_hide (self->contact_error);
}

static void
build_summary_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("summary", N_("Please check your report"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);

  self->summary_screen = s;
  self->summary_grid = okn_kiosk_summary_new ();
  gtk_box_pack_start (GTK_BOX (body), self->summary_grid, TRUE, TRUE, 0);
  self->busy_label = okn_kiosk_label_new (NULL);
  okn_kiosk_screen_translate (s, self->busy_label, N_("Saving your report…"));
  /* Only while the intake stores: a kiosk label is made shown, and a
   * resident who read "Saving" before sending would walk away. */
  gtk_widget_set_no_show_all (self->busy_label, TRUE);
  gtk_widget_hide (self->busy_label);
  gtk_box_pack_start (GTK_BOX (body), self->busy_label, FALSE, FALSE, 0);
  self->summary_error = error_label_new ();
  gtk_box_pack_start (GTK_BOX (body), self->summary_error, FALSE, FALSE, 0);
  self->confirm = okn_kiosk_button_new ("document-send-symbolic", "okn-kiosk-choice");
  gtk_style_context_add_class (gtk_widget_get_style_context (self->confirm), "suggested-action");
  gtk_widget_set_name (self->confirm, "confirm");
  okn_kiosk_screen_translate (s, self->confirm, N_("Send the report and print my ticket"));
  g_signal_connect_swapped (self->confirm, "clicked", G_CALLBACK (on_confirm), self);
  gtk_box_pack_start (GTK_BOX (body), self->confirm, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (summary_back), NULL, NULL);
  g_signal_connect_swapped (s, "relabel", G_CALLBACK (fill_summary), self);
}

static void
build_done_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("done", N_("Thank you! Your report is registered."));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 48);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *caption = okn_kiosk_label_new (NULL);
  GtkWidget *code_caption = okn_kiosk_label_new (NULL);
  GtkWidget *finish = okn_kiosk_button_new ("go-home-symbolic", "okn-kiosk-choice");

  self->done_screen = s;
  okn_kiosk_screen_translate (s, caption, N_("Your ticket number"));
  self->ticket_label = okn_kiosk_label_new ("okn-kiosk-ticket-id");
  gtk_widget_set_name (self->ticket_label, "ticket");
  okn_kiosk_screen_translate (s, code_caption, N_("Verification code"));
  self->code_label = okn_kiosk_label_new ("okn-kiosk-code");
  gtk_widget_set_name (self->code_label, "code");
  /* Each on one line, whole, never broken at a hyphen: a resident copies
   * them from here (the CSS keeps them narrow enough beside the QR code). */
  gtk_label_set_line_wrap (GTK_LABEL (self->ticket_label), FALSE);
  gtk_label_set_line_wrap (GTK_LABEL (self->code_label), FALSE);
  gtk_box_pack_start (GTK_BOX (texts), caption, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (texts), self->ticket_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (texts), code_caption, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (texts), self->code_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), texts, TRUE, TRUE, 0);
  self->qr = gtk_drawing_area_new ();
  gtk_widget_set_name (self->qr, "qr");
  gtk_widget_set_size_request (self->qr, 280, 280);
  gtk_widget_set_valign (self->qr, GTK_ALIGN_CENTER);
  g_signal_connect (self->qr, "draw", G_CALLBACK (draw_qr), self);
  gtk_box_pack_start (GTK_BOX (row), self->qr, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), row, TRUE, TRUE, 0);
  self->print_label = okn_kiosk_label_new (NULL);
  gtk_widget_set_name (self->print_label, "print-status");
  gtk_box_pack_start (GTK_BOX (body), self->print_label, FALSE, FALSE, 0);
  gtk_widget_set_name (finish, "finish");
  okn_kiosk_screen_translate (s, finish, N_("Finish"));
  g_signal_connect_swapped (finish, "clicked", G_CALLBACK (on_finish), self);
  gtk_box_pack_end (GTK_BOX (okn_kiosk_screen_get_actions (s)), finish, FALSE, FALSE, 0);
  g_signal_connect (s, "relabel", G_CALLBACK (relabel_done), self);
  gtk_widget_show_all (body);
}

/* What shows instead of the summary when its resident walked away while
 * the report is saved (okn_kiosk_report_walked_away()): nothing of
 * theirs, no way back to it, only that something is being saved, until
 * the kiosk starts over. */
static void
build_saving_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("saving", N_("Saving your report…"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *spinner = gtk_spinner_new ();

  self->saving_screen = s;
  okn_kiosk_screen_set_keyboard_mode (s, OKN_KIOSK_KEYBOARD_NEVER);
  gtk_widget_set_size_request (spinner, OKN_KIOSK_TARGET_PX * 2, OKN_KIOSK_TARGET_PX * 2);
  gtk_widget_set_halign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
  gtk_widget_set_vexpand (spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_box_pack_start (GTK_BOX (body), spinner, TRUE, TRUE, 0);
  gtk_widget_show_all (body);
}

static void
build_staff_screen (OknKioskReport *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("no-categories", N_("Reporting is not available at this kiosk right now"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *resident = okn_kiosk_label_new (NULL);
  GtkWidget *staff = gtk_label_new (NULL);

  self->staff_screen = s;
  okn_kiosk_screen_translate (s, resident, N_("Please ask at the desk. You can still check a ticket you already have."));
  /* For staff: in the staff's language (the process locale), with what to do. */
  gtk_label_set_text (GTK_LABEL (staff), _("For staff: this kiosk has no report categories. It has never "
                                           "received the city’s catalogue: set server.url and run "
                                           "“okienkoctl services refresh” (or okienkoctl sync --once), "
                                           "then go back with the arrow button."));
  gtk_label_set_line_wrap (GTK_LABEL (staff), TRUE);
  gtk_widget_set_name (staff, "staff-message");
  gtk_style_context_add_class (gtk_widget_get_style_context (staff), "okn-kiosk-staff");
  gtk_box_pack_start (GTK_BOX (body), resident, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (body), staff, FALSE, FALSE, 0);
  nav_row (self, s, G_CALLBACK (go_start), NULL, NULL);
  gtk_widget_show_all (body);
}

/* GObject ------------------------------------------------------------------ */

static void
okn_kiosk_report_dispose (GObject *object)
{
  OknKioskReport *self = OKN_KIOSK_REPORT (object);

  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (okn_kiosk_report_parent_class)->dispose (object);
}

static void
okn_kiosk_report_finalize (GObject *object)
{
  OknKioskReport *self = OKN_KIOSK_REPORT (object);

  g_clear_pointer (&self->services, g_ptr_array_unref);
  g_clear_pointer (&self->attr_fields, g_ptr_array_unref);
  g_clear_pointer (&self->def, okn_service_def_free);
  g_clear_pointer (&self->result, okn_intake_result_free);
  g_clear_pointer (&self->qr_code, okn_barcode_free);
  g_free (self->category);
  G_OBJECT_CLASS (okn_kiosk_report_parent_class)->finalize (object);
}

static void
okn_kiosk_report_class_init (OknKioskReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = okn_kiosk_report_dispose;
  object_class->finalize = okn_kiosk_report_finalize;
}

static void
okn_kiosk_report_init (OknKioskReport *self)
{
  self->cancellable = g_cancellable_new ();
  self->attr_fields = g_ptr_array_new_with_free_func (attr_field_free);
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_kiosk_report_new:
 * @window: the kiosk's window, which shows the path's screens
 *
 * Returns: (transfer full): the report path, its screens made
 */
OknKioskReport *
okn_kiosk_report_new (OknKioskWindow *window,
                      OknContext     *context)
{
  OknKioskReport *self = g_object_new (OKN_TYPE_KIOSK_REPORT, NULL);

  self->window = window;
  self->context = g_object_ref (context);
  self->session = okn_form_session_new (NULL);
  build_category_screen (self);
  build_where_screen (self);
  build_what_screen (self);
  build_contact_screen (self);
  build_summary_screen (self);
  build_done_screen (self);
  build_saving_screen (self);
  build_staff_screen (self);
  {
    OknKioskScreen *screens[] = { self->category_screen, self->where_screen, self->what_screen,
                                  self->contact_screen, self->summary_screen, self->done_screen,
                                  self->saving_screen, self->staff_screen };

    for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
      okn_kiosk_window_add_screen (window, screens[i]);
  }
  okn_form_session_set_delegate (self->session, &delegate, self);
  g_signal_connect (self->session, "notify::busy", G_CALLBACK (on_busy_changed), self);
  return self;
}

/**
 * okn_kiosk_report_begin:
 *
 * A resident chose to report: the categories of the cached catalogue, or
 * the message for staff when there are none.
 */
void
okn_kiosk_report_begin (OknKioskReport *self)
{
  g_autoptr (GError) error = NULL;

  okn_form_session_wipe (self->session);
  g_clear_pointer (&self->services, g_ptr_array_unref);
  self->services = okn_store_list_services (okn_context_get_store (self->context), &error);
  if (self->services == NULL)
    {
      g_message ("The kiosk cannot read the catalogue: %s", error->message);
      self->services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
    }
  if (self->services->len == 0)
    {
      show (self, self->staff_screen);
      return;
    }
  fill_tiles (self);
  gtk_widget_set_visible (self->address_optional,
                          okn_config_is_set (okn_context_get_config (self->context), "office.address"));
  show (self, self->category_screen);
}

/**
 * okn_kiosk_report_wipe:
 *
 * Forgets everything the resident gave (fields, undo, the last ticket on
 * the screen): the next resident cannot bring any of it back.
 */
void
okn_kiosk_report_wipe (OknKioskReport *self)
{
  self->resident++;
  okn_form_session_wipe (self->session);
  forget_shown (self);
}

/**
 * okn_kiosk_report_has_input:
 *
 * Returns: whether anything the resident gave is held (a wipe would
 *   lose it)
 */
gboolean
okn_kiosk_report_has_input (OknKioskReport *self)
{
  g_autoptr (OknDraft) draft = delegate_collect (self, OKN_FORM_COLLECT_KEEP);

  return !okn_draft_is_empty (draft) || self->result != NULL;
}

/**
 * okn_kiosk_report_get_result:
 *
 * Returns: (nullable): the report stored last, while its ticket shows
 */
const OknIntakeResult *
okn_kiosk_report_get_result (OknKioskReport *self)
{
  return self->result;
}

/**
 * okn_kiosk_report_get_session:
 *
 * Returns: (transfer none): the report's form session (busy while it is
 *   stored and printed)
 */
OknFormSession *
okn_kiosk_report_get_session (OknKioskReport *self)
{
  return self->session;
}

/**
 * okn_kiosk_report_is_waiting_on:
 * @screen: the screen on view
 *
 * Returns: whether @screen is the summary and the report confirmed there
 *   is still being saved and printed: its ticket comes to this screen
 */
gboolean
okn_kiosk_report_is_waiting_on (OknKioskReport *self,
                                GtkWidget      *screen)
{
  return screen == GTK_WIDGET (self->summary_screen) && okn_form_session_get_busy (self->session);
}

/**
 * okn_kiosk_report_is_unattended_on:
 * @screen: the screen on view
 *
 * Returns: whether @screen is the one that stands in for the summary of a
 *   resident who walked away while the report is saved: nothing of theirs
 *   is on it, nor anything of anyone else's
 */
gboolean
okn_kiosk_report_is_unattended_on (OknKioskReport *self,
                                   GtkWidget      *screen)
{
  return screen == GTK_WIDGET (self->saving_screen);
}

/**
 * okn_kiosk_report_walked_away:
 *
 * The kiosk's countdown ran out. If it ran out on the summary while the
 * report confirmed there is still being saved and printed (a printer
 * slower than the wait and its warning together), what the resident gave
 * is forgotten and leaves the screen for one that says only that a report
 * is being saved; the save goes on, and when it ends the kiosk starts
 * over, its ticket not shown (okn_kiosk_window_start_over()).
 *
 * Returns: whether it was so; otherwise the caller starts over now
 */
gboolean
okn_kiosk_report_walked_away (OknKioskReport *self)
{
  if (!okn_kiosk_report_is_waiting_on (self, GTK_WIDGET (okn_kiosk_window_get_screen (self->window))))
    return FALSE;
  /* For staff, in the journal: the resident's summary left the screen
   * before their ticket could come to it. */
  g_message ("A kiosk resident walked away while their report was being saved: its summary is hidden, "
             "and the kiosk starts over when the save ends");
  okn_kiosk_report_wipe (self);
  show (self, self->saving_screen);
  return TRUE;
}
