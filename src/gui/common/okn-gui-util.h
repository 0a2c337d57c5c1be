/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-gui-util.h: small helpers the desk's views share */
#pragma once

#include <gtk/gtk.h>

#include "okienko/okienko.h"
#include "okienko/okn-scan-burst.h"

G_BEGIN_DECLS

void        okn_gui_name_accessibles  (GtkWidget *root);
void        okn_gui_set_accessible    (GtkWidget  *widget,
                                       const char *name);
char       *okn_gui_entry_dup         (GtkEntry *entry);
char       *okn_gui_text_view_dup     (GtkTextView *view);
void        okn_gui_text_view_set     (GtkTextView *view,
                                       const char  *text);
void        okn_gui_text_view_show_focus (GtkTextView *view);
void        okn_gui_show_error        (GtkWidget  *error_label,
                                       const char *message);
void        okn_gui_show_setting_error (GtkWidget    *error_label,
                                        GtkWidget    *field,
                                        const GError *error);
void        okn_gui_clear_error       (GtkWidget *error_label);
GtkWidget  *okn_gui_error_label_new   (void);
void        okn_gui_show_message      (GtkWidget  *label,
                                       const char *text,
                                       gboolean    is_error);
char       *okn_gui_audit_text        (const OknAuditEntry *entry);
char       *okn_gui_feed_scan_burst   (OknScanBurst *burst,
                                       GdkEventKey  *event);
void        okn_gui_remove_scanned_text (GtkWidget  *focus,
                                         const char *typed);
GtkWidget  *okn_gui_focus_error       (GtkWidget *field);
void        okn_gui_describe_by       (GtkWidget *field,
                                       GtkWidget *error_label);

/* A page that lists records for the clerk to open (search, register). */
void        okn_gui_list_class_add_open_signal (GObjectClass *klass);
void        okn_gui_list_open         (GtkWidget *page,
                                       GPtrArray *records,
                                       int        index);

/* A form's field, as okn_record_check() names it, → its error label and
 * its input, both members of the form's instance struct. */
typedef struct
{
  const char *field;
  gsize error_offset;
  gsize widget_offset;
} OknFieldMap;

#define OKN_FIELD_MAP(Type, name, error, widget) \
  { name, G_STRUCT_OFFSET (Type, error), G_STRUCT_OFFSET (Type, widget) }

/* Fields the map does not know (a category's attributes): %TRUE with the
 * error label and the input when @field is one. */
typedef gboolean (*OknFieldLookupFunc) (const char  *field,
                                        GtkWidget  **error_label,
                                        GtkWidget  **widget,
                                        gpointer     data);

void        okn_gui_describe_fields   (gpointer           form,
                                       const OknFieldMap *map,
                                       gsize              n_map);
void        okn_gui_clear_field_errors (gpointer           form,
                                        const OknFieldMap *map,
                                        gsize              n_map,
                                        GtkWidget         *general_error);
void        okn_gui_field_edited      (gpointer           form,
                                       const OknFieldMap *map,
                                       gsize              n_map,
                                       GtkWidget         *edited);
void        okn_gui_show_issues       (gpointer            form,
                                       const OknFieldMap  *map,
                                       gsize               n_map,
                                       GtkWidget          *general_error,
                                       GPtrArray          *issues,
                                       OknFieldLookupFunc  lookup,
                                       gpointer            lookup_data);

/* What a record form shows of its OknFormSession: titles for a new record
 * and a correction, and the widgets that wait while it is busy. The
 * strings are translated; the widgets belong to the form. */
typedef struct
{
  GtkLabel *title;
  GtkWidget *grid;              /* the fields: insensitive while busy */
  GtkWidget *save_button;
  GtkWidget *clear_button;
  GtkWidget *general_error;     /* where a draft that cannot be written is said */
  GtkWidget *new_only;          /* (nullable) sensitive for a new record only */
  const char *new_title;        /* "New letter" */
  const char *new_save;         /* "_Save and print (Ctrl+Enter)" */
  const char *editing_title;    /* "Correcting letter %s" (the ticket) */
} OknFormChrome;

void        okn_gui_form_class_add_signals (GObjectClass *klass);
void        okn_gui_form_bind_session   (GtkWidget             *form,
                                         OknFormSession        *session,
                                         const OknFormChrome   *chrome,
                                         const OknFormDelegate *delegate);
void        okn_gui_form_unbind_session (GtkWidget       *form,
                                         OknFormSession **session);
/* What a form does with a stored record besides announcing it (::saved). */
typedef void (*OknFormStoredFunc) (GtkWidget             *form,
                                   const OknIntakeResult *result);

gboolean    okn_gui_form_may_save       (GtkWidget         *form,
                                         OknFormSession    *session,
                                         const char        *next_note);
void        okn_gui_form_submit         (GtkWidget         *form,
                                         OknFormSession    *session,
                                         OknContext        *context,
                                         OknRecord         *record,
                                         OknFormStoredFunc  stored);

G_END_DECLS
