/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-kiosk-check.c: check-my-ticket: the ticket scanned (the kiosk's
 * scanner, or its camera) or its number and code typed, and the answer
 *
 * The answer is the core's public view (okn_lookup_public): category,
 * dates, status in plain words, the city's public note and case number,
 * nothing personal. A wrong code and an unknown ticket read the same, and
 * after five failures in a row the lookup pauses; the core decides all of
 * it and words it in the resident's language. Here the screens only show
 * it, with the pause counting down.
 */
#define G_LOG_DOMAIN "okn-kiosk"

#include "config.h"

#include <glib/gi18n.h>
#include <zbar/zbargtk.h>

#include "okn-kiosk-check.h"
#include "okn-kiosk-window.h"
#include "okn-gui-util.h"

struct _OknKioskCheck
{
  GObject parent_instance;

  OknKioskWindow *window;     /* (unowned) it owns us */
  OknContext *context;
  OknPublicView *view;        /* the answer shown */
  guint countdown;            /* the pause's once-a-second source */

  OknKioskScreen *check_screen;
  GtkWidget *ticket;
  GtkWidget *code;
  GtkWidget *go;
  GtkWidget *message;
  GtkWidget *camera_button;
  GtkWidget *camera_box;
  GtkWidget *camera;

  OknKioskScreen *answer_screen;
  GtkWidget *answer_grid;
};

G_DEFINE_FINAL_TYPE (OknKioskCheck, okn_kiosk_check, G_TYPE_OBJECT)

/* Static helpers ---------------------------------------------------------- */

static OknLanguage
lang (OknKioskCheck *self)
{
  return okn_kiosk_window_get_language (self->window);
}

static void
show_message (OknKioskCheck *self,
              const char    *text)
{
  gtk_label_set_text (GTK_LABEL (self->message), text ? text : "");
  gtk_widget_set_visible (self->message, text != NULL);
  okn_kiosk_screen_set_announcement (self->check_screen, text);
}

static void stop_camera (OknKioskCheck *self);

/* The message under the fields in view, with the code's field above it
 * as far as both fit: with the keyboard up at large text it is under the
 * view, and a tap on Check would seem to do nothing (or, paused, grey the
 * button without a word). */
static void
reveal_message (OknKioskCheck *self)
{
  g_autoptr (GList) labels = gtk_widget_list_mnemonic_labels (self->code);

  if (gtk_widget_get_visible (self->message))
    okn_kiosk_window_reveal (self->window, self->message, labels ? labels->data : self->code);
}

/* The pause said with the seconds left, Check grey; once it is over,
 * Check back and the message gone. Returns whether the pause is on. */
static gboolean
say_pause (OknKioskCheck *self)
{
  guint left = okn_lookup_paused_seconds (okn_context_get_store (self->context), NULL);

  if (left == 0)
    {
      gtk_widget_set_sensitive (self->go, TRUE);
      show_message (self, NULL);
      return FALSE;
    }
  {
    g_autofree char *text = g_strdup_printf (OKN_TRC (lang (self), "lookup",
                                                      "Too many unsuccessful tries in a row. Try again in %u s."),
                                             left);
    show_message (self, text);
  }
  gtk_widget_set_sensitive (self->go, FALSE);
  return TRUE;
}

static gboolean
on_countdown (gpointer data)
{
  OknKioskCheck *self = data;

  if (say_pause (self))
    return G_SOURCE_CONTINUE;
  self->countdown = 0;
  return G_SOURCE_REMOVE;
}

/* The pause said, and counted down while it lasts. Also called when it
 * may be over (the screen relabelled: shown again, another language):
 * then its countdown goes at once. Called straight, on_countdown() only
 * forgot its source, which ticked once more later and hid what the
 * screen said by then (the next lookup's answer). */
static void
start_countdown (OknKioskCheck *self)
{
  if (!say_pause (self))
    g_clear_handle_id (&self->countdown, g_source_remove);
  else if (self->countdown == 0)
    self->countdown = g_timeout_add_seconds (1, on_countdown, self);
}

static char *
date_of (const char *iso)
{
  g_autoptr (GDateTime) dt = iso ? okn_datetime_parse (iso, NULL) : NULL;
  g_autoptr (GDateTime) local = dt ? g_date_time_to_local (dt) : NULL;

  /* Numbers only: month names would come from the process locale, not the
   * resident's language. */
  return local ? g_date_time_format (local, "%d.%m.%Y") : g_strdup (iso ? iso : "");
}

/* The public view, every field of it that has a value. */
static void
fill_answer (OknKioskScreen *screen,
             OknKioskCheck  *self)
{
  const OknPublicView *v = self->view;
  GtkWidget *grid = self->answer_grid;
  g_autofree char *filed = NULL;
  g_autofree char *announcement = NULL;
  const char *status;

  okn_kiosk_summary_clear (grid);
  if (v == NULL)
    {
      okn_kiosk_screen_set_announcement (screen, NULL);
      return;
    }
  filed = date_of (v->filed_at);
  status = okn_public_status_label (okn_kiosk_screen_get_language (screen), v->status);
  okn_kiosk_summary_add (grid, "answer-ticket", okn_kiosk_screen_tr (screen, N_("Ticket")), v->ticket);
  if (v->kind == OKN_KIND_REPORT)
    okn_kiosk_summary_add (grid, "answer-category", okn_kiosk_screen_tr (screen, N_("Problem")),
                           v->category_name ? v->category_name : v->category);
  else
    okn_kiosk_summary_add (grid, "answer-category", okn_kiosk_screen_tr (screen, N_("Problem")),
                           okn_labels_kind (okn_kiosk_screen_get_language (screen), v->kind));
  okn_kiosk_summary_add (grid, "answer-filed", okn_kiosk_screen_tr (screen, N_("Filed on")), filed);
  okn_kiosk_summary_add (grid, "answer-status", okn_kiosk_screen_tr (screen, N_("Status")), status);
  if (v->unit)
    okn_kiosk_summary_add (grid, "answer-unit", okn_kiosk_screen_tr (screen, N_("Dealt with by")), v->unit);
  if (v->case_number)
    okn_kiosk_summary_add (grid, "answer-case", okn_kiosk_screen_tr (screen, N_("City case number")),
                           v->case_number);
  if (v->status_note)
    okn_kiosk_summary_add (grid, "answer-note", okn_kiosk_screen_tr (screen, N_("Note from the city")),
                           v->status_note);
  if (v->updated_at)
    {
      g_autofree char *updated = date_of (v->updated_at);

      okn_kiosk_summary_add (grid, "answer-updated", okn_kiosk_screen_tr (screen, N_("Last change")), updated);
    }
  gtk_widget_show_all (grid);
  announcement = g_strdup_printf ("%s %s: %s.", okn_kiosk_screen_tr (screen, N_("Your report")),
                                  okn_kiosk_screen_tr (screen, N_("Status")), status);
  okn_kiosk_screen_set_announcement (screen, announcement);
}

static void
answer (OknKioskCheck *self,
        OknPublicView *view,
        GError        *error)
{
  if (view)
    {
      g_clear_pointer (&self->view, okn_public_view_free);
      self->view = view;
      stop_camera (self);
      show_message (self, NULL);
      gtk_entry_set_text (GTK_ENTRY (self->code), "");
      okn_kiosk_window_show_screen (self->window, self->answer_screen);
      fill_answer (self->answer_screen, self);
      return;
    }
  okn_kiosk_window_show_screen (self->window, self->check_screen);
  if (g_error_matches (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_PAUSED))
    {
      start_countdown (self);
      reveal_message (self);
      return;
    }
  if (g_error_matches (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NO_CODE))
    gtk_widget_grab_focus (self->code);
  /* The core's words, already in the resident's language; a store error
   * is staff's business. */
  if (error->domain == OKN_LOOKUP_ERROR)
    show_message (self, error->message);
  else
    {
      g_warning ("The kiosk's lookup failed: %s", error->message);
      show_message (self, okn_kiosk_screen_tr (self->check_screen,
                                               N_("The ticket cannot be checked right now. Please ask at the desk.")));
    }
  if (okn_lookup_paused_seconds (okn_context_get_store (self->context), NULL) > 0)
    start_countdown (self);
  reveal_message (self);
}

static void
on_go (OknKioskCheck *self)
{
  g_autoptr (GError) error = NULL;
  OknPublicView *view = okn_lookup_public (okn_context_get_store (self->context),
                                           gtk_entry_get_text (GTK_ENTRY (self->ticket)),
                                           gtk_entry_get_text (GTK_ENTRY (self->code)),
                                           lang (self), NULL, &error);

  answer (self, view, error);
}

static void
on_decoded (GtkWidget     *zbar,
            int            symbol_type,
            const char    *data,
            OknKioskCheck *self)
{
  okn_kiosk_check_scanned (self, data);
}

static void
stop_camera (OknKioskCheck *self)
{
  if (self->camera)
    {
      zbar_gtk_set_video_enabled (ZBAR_GTK (self->camera), FALSE);
      gtk_widget_destroy (self->camera);
      self->camera = NULL;
    }
  if (self->camera_box)
    gtk_widget_hide (self->camera_box);
}

static char *
camera_device (OknKioskCheck *self)
{
  g_autofree char *device = okn_config_get_string (okn_context_get_config (self->context), "kiosk.camera_device");

  return device && g_file_test (device, G_FILE_TEST_EXISTS) ? g_steal_pointer (&device) : NULL;
}

static void
on_camera (OknKioskCheck *self)
{
  g_autofree char *device = camera_device (self);

  if (device == NULL || self->camera)
    return;
  self->camera = zbar_gtk_new ();
  gtk_widget_set_size_request (self->camera, 480, 360);
  okn_gui_set_accessible (self->camera, okn_kiosk_screen_tr (self->check_screen, N_("Camera")));
  g_signal_connect (self->camera, "decoded", G_CALLBACK (on_decoded), self);
  gtk_box_pack_start (GTK_BOX (self->camera_box), self->camera, FALSE, FALSE, 0);
  zbar_gtk_set_video_device (ZBAR_GTK (self->camera), device);
  zbar_gtk_set_video_enabled (ZBAR_GTK (self->camera), TRUE);
  gtk_widget_show_all (self->camera_box);
}

static void
on_relabel_check (OknKioskScreen *screen,
                  OknKioskCheck  *self)
{
  /* The pause is said again in the new language; another answer was
   * worded by the core in the old one and goes. */
  if (self->countdown)
    start_countdown (self);
  else if (gtk_widget_get_visible (self->message))
    show_message (self, NULL);
}

static void
on_another (OknKioskCheck *self)
{
  okn_kiosk_check_begin (self);
}

static void
on_back (OknKioskCheck *self)
{
  okn_kiosk_check_wipe (self);
  okn_kiosk_window_show_start (self->window);
}

/* The resident is done: the next one meets the kiosk as it was set up. */
static void
on_finish (OknKioskCheck *self)
{
  okn_kiosk_window_start_over (self->window);
}

static GtkWidget *
field (OknKioskScreen *screen,
       GtkWidget      *box,
       const char     *name,
       const char     *msgid)
{
  GtkWidget *label = okn_kiosk_label_new (NULL);
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_name (entry, name);
  gtk_style_context_add_class (gtk_widget_get_style_context (entry), "okn-kiosk-entry");
  gtk_widget_set_size_request (entry, -1, OKN_KIOSK_TARGET_PX);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  okn_kiosk_screen_translate (screen, label, msgid);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), entry);
  gtk_box_pack_start (GTK_BOX (box), label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), entry, FALSE, FALSE, 0);
  return entry;
}

static void
name_fields (OknKioskScreen *screen,
             OknKioskCheck  *self)
{
  okn_gui_set_accessible (self->ticket, okn_kiosk_screen_tr (screen, N_("Ticket number")));
  okn_gui_set_accessible (self->code, okn_kiosk_screen_tr (screen, N_("Verification code")));
}

static void
build_check_screen (OknKioskCheck *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("check", N_("Check your ticket"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *hint = okn_kiosk_label_new (NULL);
  GtkWidget *fields = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *row = okn_kiosk_screen_get_actions (s);
  GtkWidget *back = okn_kiosk_button_new ("go-previous-symbolic", "okn-kiosk-back");

  self->check_screen = s;
  okn_kiosk_screen_translate (s, hint, N_("Hold the QR code of your ticket under the scanner, or type the ticket number and the verification code printed on it."));
  gtk_box_pack_start (GTK_BOX (body), hint, FALSE, FALSE, 0);
  self->ticket = field (s, fields, "ticket-id", N_("Ticket number"));
  self->code = field (s, fields, "ticket-code", N_("Verification code"));
  gtk_entry_set_max_length (GTK_ENTRY (self->code), 16);
  g_signal_connect_swapped (self->ticket, "activate", G_CALLBACK (gtk_widget_grab_focus), self->code);
  g_signal_connect_swapped (self->code, "activate", G_CALLBACK (on_go), self);
  gtk_box_pack_start (GTK_BOX (body), fields, FALSE, FALSE, 0);
  /* What is wrong, as the report's screens say it under their fields
   * (150 %, bold, the error colour): at 200 % text the warning's 200 %
   * made the wrong-code message taller than the view above the keyboard,
   * and a resident saw its first lines only. */
  self->message = okn_kiosk_label_new ("okn-field-error");
  gtk_widget_set_name (self->message, "check-message");
  gtk_widget_set_no_show_all (self->message, TRUE);
  gtk_box_pack_start (GTK_BOX (body), self->message, FALSE, FALSE, 0);
  self->go = okn_kiosk_button_new ("edit-find-symbolic", NULL);
  gtk_style_context_add_class (gtk_widget_get_style_context (self->go), "suggested-action");
  gtk_widget_set_name (self->go, "check-go");
  okn_kiosk_screen_translate (s, self->go, N_("Check"));
  g_signal_connect_swapped (self->go, "clicked", G_CALLBACK (on_go), self);
  gtk_box_pack_end (GTK_BOX (row), self->go, FALSE, FALSE, 0);
  self->camera_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_no_show_all (self->camera_box, TRUE);
  gtk_box_pack_start (GTK_BOX (body), self->camera_box, FALSE, FALSE, 0);

  gtk_widget_set_name (back, "back");
  okn_kiosk_screen_translate (s, back, N_("Back"));
  g_signal_connect_swapped (back, "clicked", G_CALLBACK (on_back), self);
  gtk_box_pack_start (GTK_BOX (row), back, FALSE, FALSE, 0);
  self->camera_button = okn_kiosk_button_new ("camera-photo-symbolic", NULL);
  gtk_widget_set_name (self->camera_button, "camera");
  okn_kiosk_screen_translate (s, self->camera_button, N_("Use the camera"));
  g_signal_connect_swapped (self->camera_button, "clicked", G_CALLBACK (on_camera), self);
  gtk_widget_set_no_show_all (self->camera_button, TRUE);
  gtk_box_pack_end (GTK_BOX (row), self->camera_button, FALSE, FALSE, 0);
  g_signal_connect (s, "relabel", G_CALLBACK (on_relabel_check), self);
  g_signal_connect (s, "relabel", G_CALLBACK (name_fields), self);
  name_fields (s, self);
  gtk_widget_show_all (body);
}

static void
build_answer_screen (OknKioskCheck *self)
{
  OknKioskScreen *s = okn_kiosk_screen_new ("answer", N_("Your report"));
  GtkWidget *body = okn_kiosk_screen_get_body (s);
  GtkWidget *row = okn_kiosk_screen_get_actions (s);
  GtkWidget *another = okn_kiosk_button_new ("edit-find-symbolic", NULL);
  GtkWidget *finish = okn_kiosk_button_new ("go-home-symbolic", "suggested-action");

  self->answer_screen = s;
  self->answer_grid = okn_kiosk_summary_new ();
  gtk_box_pack_start (GTK_BOX (body), self->answer_grid, TRUE, TRUE, 0);
  gtk_widget_set_name (another, "another");
  okn_kiosk_screen_translate (s, another, N_("Check another ticket"));
  g_signal_connect_swapped (another, "clicked", G_CALLBACK (on_another), self);
  gtk_widget_set_name (finish, "finish");
  okn_kiosk_screen_translate (s, finish, N_("Finish"));
  g_signal_connect_swapped (finish, "clicked", G_CALLBACK (on_finish), self);
  gtk_box_pack_start (GTK_BOX (row), another, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (row), finish, FALSE, FALSE, 0);
  gtk_widget_show_all (row);
  g_signal_connect (s, "relabel", G_CALLBACK (fill_answer), self);
  gtk_widget_show_all (body);
}

/* GObject ------------------------------------------------------------------ */

static void
okn_kiosk_check_dispose (GObject *object)
{
  OknKioskCheck *self = OKN_KIOSK_CHECK (object);

  g_clear_handle_id (&self->countdown, g_source_remove);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (okn_kiosk_check_parent_class)->dispose (object);
}

static void
okn_kiosk_check_finalize (GObject *object)
{
  OknKioskCheck *self = OKN_KIOSK_CHECK (object);

  g_clear_pointer (&self->view, okn_public_view_free);
  G_OBJECT_CLASS (okn_kiosk_check_parent_class)->finalize (object);
}

static void
okn_kiosk_check_class_init (OknKioskCheckClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = okn_kiosk_check_dispose;
  object_class->finalize = okn_kiosk_check_finalize;
}

static void
okn_kiosk_check_init (OknKioskCheck *self)
{
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_kiosk_check_new:
 * @window: the kiosk's window, which shows the path's screens
 *
 * Returns: (transfer full): the check-my-ticket path, its screens made
 */
OknKioskCheck *
okn_kiosk_check_new (OknKioskWindow *window,
                     OknContext     *context)
{
  OknKioskCheck *self = g_object_new (OKN_TYPE_KIOSK_CHECK, NULL);

  self->window = window;
  self->context = g_object_ref (context);
  build_check_screen (self);
  build_answer_screen (self);
  okn_kiosk_window_add_screen (window, self->check_screen);
  okn_kiosk_window_add_screen (window, self->answer_screen);
  return self;
}

/**
 * okn_kiosk_check_begin:
 *
 * The screen to scan or type a ticket on, empty, with the pause said when
 * one is on.
 */
void
okn_kiosk_check_begin (OknKioskCheck *self)
{
  g_autofree char *device = camera_device (self);

  okn_kiosk_check_wipe (self);
  gtk_widget_set_visible (self->camera_button, device != NULL);
  okn_kiosk_window_show_screen (self->window, self->check_screen);
  gtk_widget_grab_focus (self->ticket);
  if (okn_lookup_paused_seconds (okn_context_get_store (self->context), NULL) > 0)
    {
      start_countdown (self);
      reveal_message (self);
    }
}

/**
 * okn_kiosk_check_scanned:
 * @payload: what the kiosk's scanner or camera read (the ticket's QR)
 *
 * Looks the scanned ticket up and shows the answer; a label's bars (the
 * ID without the code) ask for the code.
 */
void
okn_kiosk_check_scanned (OknKioskCheck *self,
                         const char    *payload)
{
  g_autoptr (GError) error = NULL;
  OknPublicView *view = okn_lookup_public_scanned (okn_context_get_store (self->context), payload,
                                                   lang (self), NULL, &error);

  if (view == NULL && g_error_matches (error, OKN_LOOKUP_ERROR, OKN_LOOKUP_ERROR_NO_CODE))
    {
      OknTicketId id;

      if (okn_scan_parse_text (payload, NULL, &id, NULL, NULL))
        {
          g_autofree char *ticket = okn_ticket_id_format (&id);

          okn_kiosk_check_begin (self);
          gtk_entry_set_text (GTK_ENTRY (self->ticket), ticket);
        }
    }
  answer (self, view, error);
}

/**
 * okn_kiosk_check_wipe:
 *
 * Forgets the ticket typed and the answer shown.
 */
void
okn_kiosk_check_wipe (OknKioskCheck *self)
{
  stop_camera (self);
  gtk_entry_set_text (GTK_ENTRY (self->ticket), "");
  gtk_entry_set_text (GTK_ENTRY (self->code), "");
  g_clear_pointer (&self->view, okn_public_view_free);
  fill_answer (self->answer_screen, self);
  if (self->countdown == 0)
    show_message (self, NULL);
}
