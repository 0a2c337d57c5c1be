/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-screen.c: the ticket on screen
 *
 * After every save the resident must leave with the ID, printer or not:
 * the same ID, verification code and QR code as the printed ticket (the
 * core's okn_ticket_content_get_screen(), in the ticket's language), large
 * enough to read across the counter or photograph, and what printing did,
 * with "Print again" when it failed, and below it what the store warned
 * of while saving, for the clerk to pass on. The desk shows it until the
 * next record starts; the kiosk can show the same widget (never its
 * warnings: they are not a resident's business).
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <glib/gi18n.h>

#include "okn-gui-util.h"
#include "okn-ticket-screen.h"
#include "okienko/okn-barcode.h"

struct _OknTicketScreen
{
  GtkBox parent_instance;

  GtkWidget *qr_area;
  GtkLabel *note_label;
  GtkLabel *heading_label;
  GtkLabel *ticket_label;
  GtkLabel *code_label;
  GtkLabel *title_label;
  GtkLabel *keep_label;
  GtkLabel *outcome_label;
  GtkWidget *print_again_button;
  GtkLabel *warning_label;

  OknBarcode *qr;
  char *ticket;
  char *code;
  gboolean print_failed;
};

G_DEFINE_FINAL_TYPE (OknTicketScreen, okn_ticket_screen, GTK_TYPE_BOX)

enum
{
  PRINT_AGAIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Black modules on white with the quiet zone, as large as the area
 * allows, on whole pixels so that a phone's camera reads it. */
static gboolean
on_qr_draw (GtkWidget       *area,
            cairo_t         *cr,
            OknTicketScreen *self)
{
  guint modules;
  int side = MIN (gtk_widget_get_allocated_width (area), gtk_widget_get_allocated_height (area));
  int px;
  double x0, y0;

  if (self->qr == NULL)
    return GDK_EVENT_PROPAGATE;
  modules = self->qr->width + 2 * self->qr->quiet;
  px = MAX (1, side / (int) modules);
  x0 = (gtk_widget_get_allocated_width (area) - (int) modules * px) / 2;
  y0 = (gtk_widget_get_allocated_height (area) - (int) modules * px) / 2;
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x0, y0, modules * px, modules * px);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  okn_barcode_draw (self->qr, cr, x0 + self->qr->quiet * px, y0 + self->qr->quiet * px, px, 0);
  return GDK_EVENT_PROPAGATE;
}

static void
on_print_again (OknTicketScreen *self)
{
  g_signal_emit (self, signals[PRINT_AGAIN], 0, self->ticket);
}

/**
 * okn_ticket_screen_show_ticket:
 * @content: the stored record's ticket, as it prints
 *
 * Shows @content's ticket; what printing did follows with
 * okn_ticket_screen_set_printed().
 */
void
okn_ticket_screen_show_ticket (OknTicketScreen        *self,
                               const OknTicketContent *content)
{
  OknTicketScreenText text;
  g_autofree char *code_markup = NULL;

  okn_ticket_content_get_screen (content, &text);
  g_free (self->ticket);
  g_free (self->code);
  self->ticket = g_strdup (text.ticket);
  self->code = g_strdup (text.code);
  g_clear_pointer (&self->qr, okn_barcode_free);
  /* An unencodable payload leaves the ID and code, which are enough. */
  self->qr = okn_barcode_encode (OKN_BARCODE_QR, text.qr_payload, NULL);
  gtk_widget_set_visible (self->qr_area, self->qr != NULL);
  gtk_widget_queue_draw (self->qr_area);

  gtk_label_set_text (self->heading_label, text.heading);
  gtk_label_set_text (self->ticket_label, text.ticket);
  okn_gui_set_accessible (GTK_WIDGET (self->ticket_label), text.ticket);
  if (text.code)
    code_markup = g_markup_printf_escaped ("%s <b>%s</b>", text.code_label, text.code);
  gtk_label_set_markup (self->code_label, code_markup ? code_markup : "");
  gtk_widget_set_visible (GTK_WIDGET (self->code_label), text.code != NULL);
  {
    g_autofree char *title = text.title ? okn_text_display_line (text.title, 120) : NULL;

    gtk_label_set_text (self->title_label, title ? title : "");
    gtk_widget_set_visible (GTK_WIDGET (self->title_label), title != NULL);
  }
  gtk_label_set_text (self->keep_label, text.keep);
  okn_ticket_screen_set_note (self, NULL);
  okn_ticket_screen_set_warnings (self, OKN_KIND_LETTER, NULL);
  okn_ticket_screen_set_printing (self);
}

/**
 * okn_ticket_screen_set_note:
 * @note: (nullable): a line above the ticket, in the clerk's words
 *
 * Says whose ticket this is when that is not plain: the desk's form below
 * already holds the next record. %NULL: no line (as after
 * okn_ticket_screen_show_ticket()).
 */
void
okn_ticket_screen_set_note (OknTicketScreen *self,
                            const char      *note)
{
  gtk_label_set_text (self->note_label, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), note != NULL);
}

/**
 * okn_ticket_screen_get_note:
 *
 * Returns: (nullable): the line above the ticket, if one shows
 */
const char *
okn_ticket_screen_get_note (OknTicketScreen *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->note_label)) ? gtk_label_get_text (self->note_label) : NULL;
}

/**
 * okn_ticket_screen_set_printing:
 *
 * The ticket is being printed (again).
 */
void
okn_ticket_screen_set_printing (OknTicketScreen *self)
{
  self->print_failed = FALSE;
  gtk_label_set_text (self->outcome_label, _("Printing…"));
  gtk_style_context_remove_class (gtk_widget_get_style_context (GTK_WIDGET (self->outcome_label)),
                                  "okn-field-error");
  gtk_widget_hide (self->print_again_button);
}

/**
 * okn_ticket_screen_set_printed:
 * @printed: (nullable): what went where, as the core says it
 * @print_error: (nullable): why printing failed; the record is stored
 *
 * Says what printing did beside the ticket; a failure offers "Print again".
 */
void
okn_ticket_screen_set_printed (OknTicketScreen *self,
                               const char      *printed,
                               const GError    *print_error)
{
  g_autofree char *text = NULL;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (self->outcome_label));

  self->print_failed = print_error != NULL;
  if (print_error)
    {
      g_autofree char *why = okn_text_display_block (print_error->message);

      /* TRANSLATORS: %s says why; the ticket on screen is all the resident has */
      text = g_strdup_printf (_("Printing failed: %s The record is saved: show this screen to the resident, or print again."),
                              why);
      gtk_style_context_add_class (style, "okn-field-error");
    }
  else
    {
      if (printed && *printed)
        text = g_strdup_printf (_("Saved and printed: %s."), printed);
      else
        text = g_strdup (_("Saved. Nothing is set to print: show this screen to the resident."));
      gtk_style_context_remove_class (style, "okn-field-error");
    }
  gtk_label_set_text (self->outcome_label, text);
  gtk_widget_set_visible (self->print_again_button, print_error != NULL);
}

/**
 * okn_ticket_screen_set_warnings:
 * @kind: the saved record's kind, for the clerk's words
 * @warnings: (nullable) (element-type utf8): what the store warned of
 *   while saving (OknIntakeResult's warnings); %NULL or empty: nothing
 *
 * The record is stored and its ticket valid, but something on the station
 * needs its administrator (the mark of the numbers given out not written
 * on a full disk): the clerk reads that the ticket holds, that the next
 * record may follow, and what to pass on. Below the ticket, which stays;
 * nothing waits for an answer. Until the next ticket shows.
 */
void
okn_ticket_screen_set_warnings (OknTicketScreen *self,
                                OknKind          kind,
                                GPtrArray       *warnings)
{
  g_autoptr (GString) text = NULL;

  if (warnings == NULL || warnings->len == 0)
    {
      gtk_label_set_text (self->warning_label, "");
      gtk_widget_hide (GTK_WIDGET (self->warning_label));
      return;
    }
  text = g_string_new (kind == OKN_KIND_LETTER
                         ? _("Saved, but this station has a problem. The letter is stored and its ticket is "
                             "valid: give it to the resident and take the next letter. Tell the administrator "
                             "today and pass on this message:")
                         : _("Saved, but this station has a problem. The report is stored and its ticket is "
                             "valid: give it to the resident and take the next report. Tell the administrator "
                             "today and pass on this message:"));
  for (guint i = 0; i < warnings->len; i++)
    {
      g_autofree char *shown = okn_text_display_block (g_ptr_array_index (warnings, i));

      g_string_append_printf (text, "\n%s", shown);
    }
  gtk_label_set_text (self->warning_label, text->str);
  gtk_widget_show (GTK_WIDGET (self->warning_label));
}

/**
 * okn_ticket_screen_get_warning:
 *
 * Returns: (nullable): what the clerk is asked to pass on, if it shows
 */
const char *
okn_ticket_screen_get_warning (OknTicketScreen *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->warning_label)) ? gtk_label_get_text (self->warning_label)
                                                                    : NULL;
}

/**
 * okn_ticket_screen_get_ticket:
 *
 * Returns: (nullable): the ticket shown
 */
const char *
okn_ticket_screen_get_ticket (OknTicketScreen *self)
{
  return self->ticket;
}

const char *
okn_ticket_screen_get_code (OknTicketScreen *self)
{
  return self->code;
}

const char *
okn_ticket_screen_get_outcome (OknTicketScreen *self)
{
  return gtk_label_get_text (self->outcome_label);
}

gboolean
okn_ticket_screen_print_failed (OknTicketScreen *self)
{
  return self->print_failed;
}

GtkWidget *
okn_ticket_screen_get_qr (OknTicketScreen *self)
{
  return self->qr_area;
}

GtkWidget *
okn_ticket_screen_get_ticket_label (OknTicketScreen *self)
{
  return GTK_WIDGET (self->ticket_label);
}

GtkWidget *
okn_ticket_screen_get_print_again (OknTicketScreen *self)
{
  return self->print_again_button;
}

GtkWidget *
okn_ticket_screen_new (void)
{
  return g_object_new (OKN_TYPE_TICKET_SCREEN, NULL);
}

static void
okn_ticket_screen_finalize (GObject *object)
{
  OknTicketScreen *self = OKN_TICKET_SCREEN (object);

  g_clear_pointer (&self->qr, okn_barcode_free);
  g_free (self->ticket);
  g_free (self->code);
  G_OBJECT_CLASS (okn_ticket_screen_parent_class)->finalize (object);
}

static void
okn_ticket_screen_class_init (OknTicketScreenClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = okn_ticket_screen_finalize;

  /**
   * OknTicketScreen::print-again:
   * @ticket: the ticket shown
   */
  signals[PRINT_AGAIN] = g_signal_new ("print-again", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-ticket-screen.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, OknTicketScreen, name)
  CHILD (qr_area);
  CHILD (note_label);
  CHILD (heading_label);
  CHILD (ticket_label);
  CHILD (code_label);
  CHILD (title_label);
  CHILD (keep_label);
  CHILD (outcome_label);
  CHILD (print_again_button);
  CHILD (warning_label);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_print_again);
}

static void
okn_ticket_screen_init (OknTicketScreen *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->qr_area, "draw", G_CALLBACK (on_qr_draw), self);
  okn_gui_set_accessible (self->qr_area, _("QR code of the ticket"));
}
