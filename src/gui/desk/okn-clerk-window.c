/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-clerk-window.c: the desk's main window
 *
 * Pages for a new letter, a new report, search and the daily register, and
 * the record view; the sync indicator; drafts offered back after a crash;
 * and the keyboard-wedge scanner: a whole ticket typed at a scanner's speed
 * and ended by Enter, anywhere in the window, opens the record it names
 * (the core's okn-scan-burst tells it from a person typing).
 */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okn-clerk-window.h"
#include "okn-desk-tasks.h"
#include "okn-gui-util.h"
#include "okn-preferences-dialog.h"
#include "okn-ticket-screen.h"
#include "okienko/okn-scan.h"
#include "okienko/okn-scan-open.h"
#include "okienko/okn-sync.h"
#include "okienko/okn-sync-status.h"
#include <zbar/zbargtk.h>

#define SYNC_REFRESH_S 5

struct _OknClerkWindow
{
  GtkApplicationWindow parent_instance;

  GtkWidget *draft_bar;
  GtkLabel *draft_label;
  GtkWidget *status_bar;
  GtkLabel *status_label;
  OknTicketScreen *ticket_screen;
  GtkStack *stack;
  GtkLabel *sync_label;
  GtkWidget *sync_button;
  GtkWidget *switcher;
  OknLetterForm *letter_form;
  OknReportForm *report_form;
  OknSearchPage *search_page;
  OknRegisterPage *register_page;
  OknRecordView *record_view;

  OknApplication *app;
  OknContext *context;       /* store, config, operator, sync monitor */
  OknDraft *offered;        /* the draft the bar offers */
  char *return_page;        /* where Back from the record view goes */
  OknScanBurst *burst;      /* tells a scanner's keys from a person's */
  gboolean syncing;
  char *catalogue_at;        /* catalogue.fetched_at the report form shows */
  gboolean ticket_pending;  /* the last save's ticket stays until the next record starts */
  gboolean next_started;    /* a form was changed while its save was in flight */
  gboolean ticket_kept;     /* the ticket came when the next record had started: it stays until that one is saved */
  gboolean disposed;        /* a thread's answer arriving later finds no window */
};

G_DEFINE_FINAL_TYPE (OknClerkWindow, okn_clerk_window, GTK_TYPE_APPLICATION_WINDOW)

/* Status line ----------------------------------------------------------- */

static void
show_status (OknClerkWindow *self,
             GtkMessageType  type,
             const char     *text)
{
  /* Messages may quote a server's or a file's words (okn-text.h); our own
   * line breaks stay. */
  g_autofree char *safe = okn_text_display_block (text);

  gtk_info_bar_set_message_type (GTK_INFO_BAR (self->status_bar), type);
  gtk_label_set_text (self->status_label, safe);
  gtk_widget_show (self->status_bar);
}

const char *
okn_clerk_window_get_status (OknClerkWindow *self)
{
  return gtk_widget_get_visible (self->status_bar) ? gtk_label_get_text (self->status_label) : "";
}

static void
on_status_response (OknClerkWindow *self)
{
  gtk_widget_hide (self->status_bar);
}

/* Pages ------------------------------------------------------------------ */

static void
focus_page (OknClerkWindow *self,
            const char     *name)
{
  if (g_str_equal (name, "letter"))
    okn_letter_form_focus_first (self->letter_form);
  else if (g_str_equal (name, "report"))
    okn_report_form_focus_first (self->report_form);
  else if (g_str_equal (name, "find"))
    okn_search_page_focus (self->search_page);
  else if (g_str_equal (name, "register"))
    okn_register_page_focus (self->register_page);
  else if (g_str_equal (name, "record"))
    okn_record_view_focus (self->record_view);
}

void
okn_clerk_window_show_page (OknClerkWindow *self,
                            const char     *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
  focus_page (self, name);
}

const char *
okn_clerk_window_get_page (OknClerkWindow *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

/* The form session of a page of the stack, or NULL for the other pages. */
static OknFormSession *
page_session (OknClerkWindow *self,
              const char     *page)
{
  if (g_strcmp0 (page, "letter") == 0)
    return okn_letter_form_get_session (self->letter_form);
  if (g_strcmp0 (page, "report") == 0)
    return okn_report_form_get_session (self->report_form);
  return NULL;
}

/* The ticket of the last save shows above the forms, where the next
 * record starts, not over a search, a record or the correction of
 * another record. */
static void
update_ticket_screen (OknClerkWindow *self)
{
  OknFormSession *session = page_session (self, gtk_stack_get_visible_child_name (self->stack));

  gtk_widget_set_visible (GTK_WIDGET (self->ticket_screen),
                          self->ticket_pending && session != NULL
                          && okn_form_session_get_editing (session) == NULL);
}

static void
on_page_changed (OknClerkWindow *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  update_ticket_screen (self);
  if (name == NULL)
    return;
  if (g_str_equal (name, "find"))
    okn_search_page_refresh (self->search_page);
  else if (g_str_equal (name, "register"))
    okn_register_page_refresh (self->register_page);
}

/**
 * okn_clerk_window_open_ticket:
 * @text: a ticket ID as typed or scanned, or a QR payload
 *
 * Shows the record; a typo or an unknown ticket is said in the status line.
 */
gboolean
okn_clerk_window_open_ticket (OknClerkWindow *self,
                              const char     *text)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *formatted = NULL;
  OknTicketId id;
  const char *current = gtk_stack_get_visible_child_name (self->stack);

  if (okn_ticket_parse_payload (text, &id, &code, NULL))
    formatted = okn_ticket_id_format (&id);
  if (!okn_record_view_show_ticket (self->record_view, formatted ? formatted : text, &error))
    {
      show_status (self, GTK_MESSAGE_WARNING, error->message);
      return FALSE;
    }
  if (current && !g_str_equal (current, "record"))
    {
      g_free (self->return_page);
      self->return_page = g_strdup (current);
    }
  gtk_widget_hide (self->status_bar);
  okn_clerk_window_show_page (self, "record");
  return TRUE;
}

static void
on_open_ticket (OknClerkWindow *self,
                const char     *ticket)
{
  okn_clerk_window_open_ticket (self, ticket);
}

static void
on_record_back (OknClerkWindow *self)
{
  okn_clerk_window_show_page (self, self->return_page ? self->return_page : "letter");
}

static void
on_record_correct (OknClerkWindow  *self,
                   const OknRecord *record)
{
  OknFormSession *session = record->kind == OKN_KIND_LETTER
                            ? okn_letter_form_get_session (self->letter_form)
                            : okn_report_form_get_session (self->report_form);

  /* The form still stores its last new record: were the correction to
   * take the form now, the end of that save would put the new record's
   * form back over it and the correction would be gone. */
  if (okn_form_session_get_busy (session))
    {
      show_status (self, GTK_MESSAGE_WARNING,
                   _("A record is still being saved in this form: correct this one once it is stored."));
      return;
    }
  if (record->kind == OKN_KIND_LETTER)
    {
      okn_letter_form_edit_record (self->letter_form, record);
      gtk_stack_set_visible_child_name (self->stack, "letter");
    }
  else
    {
      okn_report_form_edit_record (self->report_form, record);
      gtk_stack_set_visible_child_name (self->stack, "report");
    }
}

/* The next record started (a person changed a field of a form): the last
 * ticket goes. */
static void
on_form_edited (OknClerkWindow *self,
                OknFormSession *session)
{
  /* Typed while the last record is still being saved: its ticket comes
   * after this, and is kept (the next key would take it away at once, and
   * with it what printing did). */
  if (okn_form_session_get_busy (session))
    {
      self->next_started = TRUE;
      return;
    }
  if (self->ticket_kept)
    return;
  self->ticket_pending = FALSE;
  update_ticket_screen (self);
}

/* A save starts: a ticket kept from the one before goes, and its own
 * ticket follows when it is stored. */
static void
on_form_busy (OknClerkWindow *self,
              GParamSpec     *pspec,
              OknFormSession *session)
{
  if (!okn_form_session_get_busy (session))
    return;
  self->next_started = FALSE;
  self->ticket_kept = FALSE;
  self->ticket_pending = FALSE;
  update_ticket_screen (self);
}

static void
on_form_saved (OknClerkWindow *self,
               OknIntakeResult *result,
               GtkWidget       *form)
{
  const char *ticket = result->record->ticket;
  gboolean was_edit;

  /* A correction came from the record view: go back to it. */
  was_edit = self->return_page && g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "record") != 0
             && okn_record_view_get_record (self->record_view)
             && g_strcmp0 (okn_record_view_get_record (self->record_view)->ticket, ticket) == 0;
  if (was_edit)
    {
      g_autofree char *text = g_strdup_printf (_("Saved %s."), ticket);

      show_status (self, GTK_MESSAGE_INFO, text);
      okn_record_view_reload (self->record_view);
      okn_clerk_window_show_page (self, "record");
    }
  else
    {
      g_autoptr (OknTicketContent) content = okn_intake_ticket_content (okn_context_get_store (self->context),
                                                                         okn_context_get_config (self->context),
                                                                         result->record);

      /* The ticket on screen says it all: no banner from before stays
       * above it. */
      gtk_widget_hide (self->status_bar);
      okn_ticket_screen_show_ticket (self->ticket_screen, content);
      okn_ticket_screen_set_printed (self->ticket_screen, result->printed, result->print_error);
      /* Stored, but the station needs its administrator (a full disk): the
       * clerk reads it under the ticket and passes it on. */
      okn_ticket_screen_set_warnings (self->ticket_screen, result->record->kind, result->warnings);
      /* The clerk typed the next record while this one was saved: the
       * ticket stays above it until that one is saved, and says that it
       * is the one before. */
      self->ticket_kept = self->next_started
                          || okn_form_session_get_busy (page_session (self, form == GTK_WIDGET (self->letter_form)
                                                                              ? "letter" : "report"));
      self->next_started = FALSE;
      if (self->ticket_kept)
        okn_ticket_screen_set_note (self->ticket_screen,
                                    result->record->kind == OKN_KIND_LETTER
                                      ? _("This is the letter saved a moment ago: the form below is already the next one.")
                                      : _("This is the report saved a moment ago: the form below is already the next one."));
      self->ticket_pending = TRUE;
      update_ticket_screen (self);
    }
  okn_context_sync_changed (self->context);
}

static void
on_reprinted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  g_autoptr (OknClerkWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *printed = okn_desk_reprint_finish (res, &error);

  if (self->disposed)
    return;
  okn_ticket_screen_set_printed (self->ticket_screen, printed, error);
}

static void
on_print_again (OknClerkWindow *self,
                const char     *ticket)
{
  okn_ticket_screen_set_printing (self->ticket_screen);
  okn_desk_reprint_async (self->context, ticket, NULL, NULL, on_reprinted, g_object_ref (self));
}

/**
 * okn_clerk_window_get_ticket_screen:
 *
 * Returns: (transfer none): the ticket on screen of the last save
 */
OknTicketScreen *
okn_clerk_window_get_ticket_screen (OknClerkWindow *self)
{
  return self->ticket_screen;
}

/**
 * okn_clerk_window_get_shown_ticket:
 *
 * Returns: (nullable): the ticket on screen now, if any
 */
const char *
okn_clerk_window_get_shown_ticket (OknClerkWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->ticket_screen))
           ? okn_ticket_screen_get_ticket (self->ticket_screen) : NULL;
}

static void
on_form_cancelled (OknClerkWindow *self)
{
  okn_clerk_window_show_page (self, "record");
}

/* What the store found at open and fixed or works around (ticket numbers
 * the database lost and will never give out again, a file others could
 * read): the clerk is told, as okienkoctl tells on stderr. */
static void
show_store_warnings (OknClerkWindow *self)
{
  GPtrArray *warnings = okn_store_get_warnings (okn_context_get_store (self->context));
  g_autoptr (GString) text = NULL;

  if (warnings == NULL || warnings->len == 0)
    return;
  text = g_string_new (okn_clerk_window_get_status (self));
  for (guint i = 0; i < warnings->len; i++)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, g_ptr_array_index (warnings, i));
    }
  show_status (self, GTK_MESSAGE_WARNING, text->str);
}

/* Drafts ----------------------------------------------------------------- */

static gboolean
offer_draft (OknClerkWindow *self,
             const char     *form)
{
  g_autofree char *path = okn_draft_path (okn_context_get_db_path (self->context), form);
  g_autoptr (GError) error = NULL;
  g_autoptr (OknDraft) draft = okn_draft_load (path, &error);
  g_autofree char *when = NULL;
  g_autofree char *text = NULL;
  const char *what;

  if (draft == NULL)
    {
      if (!g_error_matches (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_NOT_FOUND))
        show_status (self, GTK_MESSAGE_WARNING, error->message);
      return FALSE;
    }
  when = okn_format_date_pl (draft->saved_at, TRUE);
  if (g_str_equal (form, "letter"))
    {
      what = okn_draft_get (draft, "sender");
      if (what)
        /* TRANSLATORS: %s is the sender as typed, then when the draft was kept */
        text = g_strdup_printf (_("A letter from %s was being typed when Okienko stopped (kept %s). Restore it?"),
                                what, when);
      else
        text = g_strdup_printf (_("A letter with no sender yet was being typed when Okienko stopped (kept %s). Restore it?"),
                                when);
    }
  else
    {
      g_autofree char *start = NULL;

      /* The description's first line is enough to recognise it. */
      what = okn_draft_get (draft, "description");
      if (what)
        {
          start = g_strndup (what, strcspn (what, "\n"));
          if (g_utf8_strlen (start, -1) > 60)
            {
              g_autofree char *cut = g_utf8_substring (start, 0, 60);

              g_free (start);
              start = g_strconcat (cut, "…", NULL);
            }
        }
      text = g_strdup_printf (_("A report was being typed when Okienko stopped (%s, kept %s). Restore it?"),
                              start ? start : _("no description yet"), when);
    }
  gtk_label_set_text (self->draft_label, text);
  g_clear_pointer (&self->offered, okn_draft_free);
  self->offered = g_steal_pointer (&draft);
  gtk_widget_show (self->draft_bar);
  return TRUE;
}

static void
offer_drafts (OknClerkWindow *self)
{
  if (!offer_draft (self, "letter"))
    offer_draft (self, "report");
}

gboolean
okn_clerk_window_has_draft_offer (OknClerkWindow *self)
{
  return gtk_widget_get_visible (self->draft_bar) && self->offered != NULL;
}

const char *
okn_clerk_window_get_draft_text (OknClerkWindow *self)
{
  return gtk_label_get_text (self->draft_label);
}

void
okn_clerk_window_answer_draft (OknClerkWindow *self,
                               gboolean        restore)
{
  g_autoptr (OknDraft) draft = g_steal_pointer (&self->offered);
  gboolean letter;

  gtk_widget_hide (self->draft_bar);
  if (draft == NULL)
    return;
  letter = g_str_equal (draft->form, "letter");
  if (restore)
    {
      okn_form_session_restore (page_session (self, letter ? "letter" : "report"), draft);
      gtk_stack_set_visible_child_name (self->stack, letter ? "letter" : "report");
      focus_page (self, letter ? "letter" : "report");
    }
  else
    okn_form_session_drop_offered_draft (page_session (self, letter ? "letter" : "report"));
  /* The other form may have left a draft too. */
  if (letter)
    offer_draft (self, "report");
}

static void
on_draft_response (OknClerkWindow *self,
                   int             response)
{
  okn_clerk_window_answer_draft (self, response == GTK_RESPONSE_ACCEPT);
}

/* Sync indicator --------------------------------------------------------- */

/* A sync error that a setting would fix, with the setting named as
 * Preferences names it; %NULL without @fix. */
static char *
named_in_preferences (const OknSettingFix *fix)
{
  g_autofree char *name = NULL;
  g_autofree char *also = NULL;

  if (fix == NULL)
    return NULL;
  name = okn_preferences_field_name (fix->key);
  also = okn_preferences_field_name (fix->also);
  return okn_setting_fix_describe (fix, name, also);
}

/**
 * okn_clerk_window_update_sync:
 *
 * Online or offline, the queue, the last success and the last error.
 */
void
okn_clerk_window_update_sync (OknClerkWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknSyncStatus) status = okn_sync_status_read (okn_context_get_store (self->context),
                                                           okn_context_get_config (self->context),
                                                           NULL, &error);
  g_autofree char *last = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  g_autofree char *queued = NULL;
  gboolean online = g_network_monitor_get_network_available (g_network_monitor_get_default ());
  gboolean configured;
  gint64 attention;

  if (status == NULL)
    {
      gtk_label_set_text (self->sync_label, error->message);
      return;
    }
  /* A catalogue fetched or imported by another process (the sync service,
   * okienkoctl services import) reaches the form without a restart. */
  if (g_strcmp0 (status->catalogue_fetched_at, self->catalogue_at) != 0)
    {
      g_free (self->catalogue_at);
      self->catalogue_at = g_strdup (status->catalogue_fetched_at);
      okn_report_form_reload_catalogue (self->report_form);
    }
  configured = status->health != OKN_SYNC_HEALTH_NOT_CONFIGURED;
  attention = status->stats.per_state[OKN_SYNC_NEEDS_ATTENTION];
  if (self->syncing && configured)
    last = g_strdup (_("sending…"));
  else
    switch (status->health)
      {
      case OKN_SYNC_HEALTH_NOT_CONFIGURED:
        last = g_strdup (_("sync not configured"));
        break;
      case OKN_SYNC_HEALTH_FAILED:
        last = g_strdup (_("last sync failed"));
        break;
      case OKN_SYNC_HEALTH_OK:
        {
          g_autofree char *when = okn_format_date_pl (status->last_success_at, TRUE);
          last = g_strdup_printf (_("last sync %s"), when);
        }
        break;
      case OKN_SYNC_HEALTH_NEVER:
      default:
        last = g_strdup (_("never synced"));
        break;
      }
  queued = g_strdup_printf ("%" G_GINT64_FORMAT, status->stats.per_state[OKN_SYNC_QUEUED]);
  /* TRANSLATORS: station · online/offline · number queued[ · needs attention] · last sync */
  text = g_strdup_printf (_("%s · %s · %s queued%s · %s"),
                          status->stats.station ? status->stats.station : "", online ? _("online") : _("offline"),
                          queued, attention > 0 ? _(" · needs attention") : "", last);
  gtk_label_set_text (self->sync_label, text);
  okn_gui_set_accessible (GTK_WIDGET (self->sync_label), text);
  if (status->last_error && status->last_error_at)
    {
      g_autofree char *when = okn_format_date_pl (status->last_error_at, TRUE);
      g_autofree char *named = named_in_preferences (status->last_error_fix);
      /* A network error's second line is its details line: kept. */
      g_autofree char *said = okn_text_display_block (named ? named : status->last_error);

      tooltip = g_strdup_printf (_("Last error (%s): %s"), when, said);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_label), tooltip);
  gtk_widget_set_sensitive (self->sync_button, configured && !self->syncing);
  gtk_widget_set_tooltip_text (self->sync_button,
                               configured ? NULL : _("Set the server address in Preferences first."));
}

const char *
okn_clerk_window_get_sync_text (OknClerkWindow *self)
{
  return gtk_label_get_text (self->sync_label);
}

/**
 * okn_clerk_window_get_sync_tooltip:
 *
 * Returns: (transfer full) (nullable): what the sync line's tooltip says
 *   (the last error), %NULL when it has none
 */
char *
okn_clerk_window_get_sync_tooltip (OknClerkWindow *self)
{
  return gtk_widget_get_tooltip_text (GTK_WIDGET (self->sync_label));
}

static void
on_synced (GObject      *source,
           GAsyncResult *res,
           gpointer      data)
{
  g_autoptr (OknClerkWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *summary = okn_desk_sync_finish (res, &error);

  self->syncing = FALSE;
  if (self->disposed)
    return;
  if (summary == NULL)
    {
      if (g_error_matches (error, OKN_SYNC_ERROR, OKN_SYNC_ERROR_LOCKED))
        show_status (self, GTK_MESSAGE_INFO,
                     _("The sync service is already sending the queue; nothing else to do here."));
      else
        {
          g_autofree char *said = named_in_preferences (okn_sync_error_get_setting_fix (error));

          show_status (self, GTK_MESSAGE_WARNING, said ? said : error->message);
        }
    }
  else
    show_status (self, GTK_MESSAGE_INFO, summary);
  okn_report_form_reload_catalogue (self->report_form);
  okn_context_sync_changed (self->context);
}

/**
 * okn_clerk_window_sync_now:
 *
 * Runs the core's sync engine once, in a thread; the window stays live.
 */
void
okn_clerk_window_sync_now (OknClerkWindow *self)
{
  g_autofree char *server = okn_config_get_string (okn_context_get_config (self->context), "server.url");

  if (self->syncing)
    return;
  if (server == NULL)
    {
      show_status (self, GTK_MESSAGE_INFO,
                   _("Sync is not configured: set the server address in Preferences. Records wait safely in the queue."));
      return;
    }
  self->syncing = TRUE;
  okn_clerk_window_update_sync (self);
  okn_desk_sync_async (self->context, NULL, on_synced, g_object_ref (self));
}

gboolean
okn_clerk_window_is_syncing (OknClerkWindow *self)
{
  return self->syncing;
}

static void
on_sync_now (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  okn_clerk_window_sync_now (data);
}

/* Keyboard --------------------------------------------------------------- */

/* A scan the burst recogniser found: open what it names, or say why not. */
static void
open_scanned (OknClerkWindow *self,
              const char     *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknScanResult) result = okn_scan_verify_text (okn_context_get_store (self->context),
                                                           okn_context_get_config (self->context),
                                                           text, &error);

  if (result == NULL)
    {
      show_status (self, GTK_MESSAGE_WARNING, error->message);
      return;
    }
  if (okn_scan_result_opens (result))
    okn_clerk_window_open_ticket (self, result->ticket);
  else
    show_status (self, GTK_MESSAGE_WARNING, result->message);
}

/* Every key reaches the focused field as usual; the core's recogniser
 * only watches, and an Enter that ended a whole valid ticket typed at a
 * scanner's speed opens it instead of reaching the field. */
static gboolean
on_key_press (GtkWidget      *widget,
              GdkEventKey    *event,
              OknClerkWindow *self)
{
  g_autofree char *code = okn_gui_feed_scan_burst (self->burst, event);

  if (code == NULL)
    return GDK_EVENT_PROPAGATE;
  okn_gui_remove_scanned_text (gtk_window_get_focus (GTK_WINDOW (self)), okn_scan_burst_get_typed (self->burst));
  open_scanned (self, code);
  return GDK_EVENT_STOP;
}

static void
on_form_cleared (OknClerkWindow *self)
{
  show_status (self, GTK_MESSAGE_INFO, _("The form is cleared. Ctrl+Z brings back what was in it."));
}

static void
on_undo_clear (GSimpleAction *action,
               GVariant      *param,
               gpointer       data)
{
  OknClerkWindow *self = data;
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  OknFormSession *session = page_session (self, page);

  if (session && okn_form_session_undo_clear (session))
    gtk_widget_hide (self->status_bar);
}

static gboolean
on_key_press_after (GtkWidget      *widget,
                    GdkEventKey    *event,
                    OknClerkWindow *self)
{
  const char *page;

  if (event->keyval != GDK_KEY_Escape)
    return GDK_EVENT_PROPAGATE;
  page = gtk_stack_get_visible_child_name (self->stack);
  if (page_session (self, page))
    okn_form_session_cancel (page_session (self, page));
  else if (g_str_equal (page, "record"))
    on_record_back (self);
  else
    okn_clerk_window_show_page (self, "letter");
  return GDK_EVENT_STOP;
}

static void
on_save (GSimpleAction *action,
         GVariant      *param,
         gpointer       data)
{
  OknClerkWindow *self = data;
  const char *page = gtk_stack_get_visible_child_name (self->stack);

  if (g_str_equal (page, "letter"))
    okn_letter_form_save (self->letter_form);
  else if (g_str_equal (page, "report"))
    okn_report_form_save (self->report_form);
}

#define PAGE_ACTION(fn, page)                                        \
  static void fn (GSimpleAction *a, GVariant *p, gpointer data)      \
  {                                                                  \
    okn_clerk_window_show_page (OKN_CLERK_WINDOW (data), page);      \
  }
PAGE_ACTION (on_new_letter, "letter")
PAGE_ACTION (on_new_report, "report")
PAGE_ACTION (on_find, "find")
PAGE_ACTION (on_register, "register")
#undef PAGE_ACTION

static void
on_scanned (GObject      *source,
            GAsyncResult *res,
            gpointer      data)
{
  g_autoptr (OknClerkWindow) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknScanReport) report = okn_desk_scan_file_finish (res, &error);
  g_autofree char *summary = NULL;
  g_autofree char *message = NULL;
  const OknScanResult *pick;

  if (self->disposed)
    return;
  if (report == NULL)
    {
      show_status (self, GTK_MESSAGE_WARNING, error->message);
      return;
    }
  pick = okn_scan_results_pick (report->results);
  if (okn_scan_result_opens (pick))
    {
      okn_clerk_window_open_ticket (self, pick->ticket);
      return;
    }
  /* No ticket of ours: what was found instead, and which pages held
   * nothing or were not read. */
  summary = okn_scan_report_summary (report);
  if (pick)
    message = g_strjoin (" ", pick->message, summary, NULL);
  show_status (self, GTK_MESSAGE_WARNING,
               message ? message : summary ? summary : _("No ticket was found in that file."));
}

/**
 * okn_clerk_window_open_scan_file:
 *
 * Finds tickets in a scanned image or PDF (in a thread) and opens the
 * first genuine one.
 */
void
okn_clerk_window_open_scan_file (OknClerkWindow *self,
                                 const char     *path)
{
  show_status (self, GTK_MESSAGE_INFO, _("Reading the scan…"));
  okn_desk_scan_file_async (self->context, path, NULL, on_scanned, g_object_ref (self));
}

static void
on_scan_chosen (GtkDialog      *dialog,
                int             response,
                OknClerkWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autofree char *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (dialog));
      okn_clerk_window_open_scan_file (self, path);
    }
  gtk_widget_destroy (GTK_WIDGET (dialog));
}

static void
on_open_scan (GSimpleAction *action,
              GVariant      *param,
              gpointer       data)
{
  OknClerkWindow *self = data;
  GtkWidget *dialog;
  GtkFileFilter *filter;

  dialog = gtk_file_chooser_dialog_new (_("Open a scanned image or PDF"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Cancel"), GTK_RESPONSE_CANCEL,
                                        _("_Open"), GTK_RESPONSE_ACCEPT, NULL);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Scans (PNG, JPEG, PDF)"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_scan_chosen), self);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_widget_show (dialog);
}

/* Camera ------------------------------------------------------------------- */

static void
on_camera_decoded (GtkWidget      *zbar,
                   int             symbol_type,
                   const char     *data,
                   OknClerkWindow *self)
{
  GtkWidget *dialog = gtk_widget_get_toplevel (zbar);
  GtkWidget *label = g_object_get_data (G_OBJECT (dialog), "okn-message");
  g_autoptr (GError) error = NULL;
  g_autoptr (OknScanResult) result = okn_scan_verify_text (okn_context_get_store (self->context),
                                                           okn_context_get_config (self->context),
                                                           data, &error);

  if (okn_scan_result_opens (result))
    {
      g_autofree char *ticket = g_strdup (result->ticket);

      gtk_widget_destroy (dialog);
      okn_clerk_window_open_ticket (self, ticket);
      return;
    }
  /* Keep the camera on: the next frame may read better. */
  gtk_label_set_text (GTK_LABEL (label), result ? result->message : error->message);
}

static void
on_camera_scan (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  OknClerkWindow *self = data;
  g_autofree char *device = okn_config_get_string (okn_context_get_config (self->context), "desk.camera_device");
  GtkWidget *dialog, *area, *zbar, *label;

  if (device == NULL || !g_file_test (device, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf (_("No camera at %s: connect one, or set desk.camera_device in the configuration."),
                                              device ? device : "");
      show_status (self, GTK_MESSAGE_WARNING, msg);
      return;
    }
  dialog = gtk_dialog_new_with_buttons (_("Scan a ticket with the camera"), GTK_WINDOW (self),
                                        GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                        _("_Close"), GTK_RESPONSE_CLOSE, NULL);
  area = gtk_dialog_get_content_area (GTK_DIALOG (dialog));
  zbar = zbar_gtk_new ();
  gtk_widget_set_size_request (zbar, 640, 480);
  label = gtk_label_new (_("Hold the ticket's barcode or QR code in front of the camera."));
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_container_add (GTK_CONTAINER (area), zbar);
  gtk_container_add (GTK_CONTAINER (area), label);
  g_object_set_data (G_OBJECT (dialog), "okn-message", label);
  okn_gui_set_accessible (zbar, _("Camera"));
  g_signal_connect (zbar, "decoded", G_CALLBACK (on_camera_decoded), self);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  zbar_gtk_set_video_device (ZBAR_GTK (zbar), device);
  zbar_gtk_set_video_enabled (ZBAR_GTK (zbar), TRUE);
  gtk_widget_show_all (dialog);
}

/**
 * okn_clerk_window_can_close:
 *
 * A record being stored and printed, a cancellation, a reprint or the
 * register being printed finishes first: closing now would stop the thread half-way and
 * leave the draft of a letter that was in fact stored, offered again on the
 * next start.
 *
 * Returns: %TRUE when nothing is in flight; otherwise says so in the status
 *   line
 */
gboolean
okn_clerk_window_can_close (OknClerkWindow *self)
{
  if (okn_form_session_get_busy (page_session (self, "letter"))
      || okn_form_session_get_busy (page_session (self, "report"))
      || okn_record_view_is_busy (self->record_view) || okn_register_page_is_busy (self->register_page))
    {
      show_status (self, GTK_MESSAGE_WARNING,
                   _("A record is still being saved or printed: close Okienko again once it is done."));
      return FALSE;
    }
  return TRUE;
}

static gboolean
on_delete_event (GtkWidget *widget,
                 GdkEvent  *event,
                 gpointer   data)
{
  return okn_clerk_window_can_close (OKN_CLERK_WINDOW (widget)) ? GDK_EVENT_PROPAGATE : GDK_EVENT_STOP;
}

void
okn_clerk_window_reload_config (OknClerkWindow *self)
{
  okn_letter_form_reload_config (self->letter_form);
  okn_scan_burst_configure (self->burst, okn_context_get_config (self->context));
  okn_clerk_window_update_sync (self);
}

OknLetterForm *
okn_clerk_window_get_letter_form (OknClerkWindow *self)
{
  return self->letter_form;
}

OknReportForm *
okn_clerk_window_get_report_form (OknClerkWindow *self)
{
  return self->report_form;
}

OknSearchPage *
okn_clerk_window_get_search_page (OknClerkWindow *self)
{
  return self->search_page;
}

OknRegisterPage *
okn_clerk_window_get_register_page (OknClerkWindow *self)
{
  return self->register_page;
}

OknRecordView *
okn_clerk_window_get_record_view (OknClerkWindow *self)
{
  return self->record_view;
}

/* A window manager fits a new window to the screen; without one (a
 * kiosk-like session) nobody does, and the desk opened 1110×816 on a 768 px
 * screen with Save and Sync below its edge. So once mapped, a window that
 * overflows its monitor's work area is moved into it and shrunk by what
 * overflows, measured on the real window (client-side decorations and the
 * header bar included). Every page's minimum fits 1024×768
 * (tests/test-desk.c: /desk/fits-small-screens, /desk/fits-screen-without-wm). */
static void
okn_clerk_window_map (GtkWidget *widget)
{
  GdkWindow *gdk_window;
  GdkMonitor *monitor;
  GdkRectangle area, frame;
  int w = 0, h = 0, over_w, over_h;

  GTK_WIDGET_CLASS (okn_clerk_window_parent_class)->map (widget);
  gdk_window = gtk_widget_get_window (widget);
  monitor = gdk_display_get_monitor_at_window (gtk_widget_get_display (widget), gdk_window);
  if (monitor == NULL || gtk_window_is_maximized (GTK_WINDOW (widget)))
    return;
  gdk_monitor_get_workarea (monitor, &area);
  gdk_window_get_frame_extents (gdk_window, &frame);
  over_w = frame.width - area.width;
  over_h = frame.height - area.height;
  if (over_w <= 0 && over_h <= 0 && frame.x >= area.x && frame.y >= area.y
      && frame.x + frame.width <= area.x + area.width && frame.y + frame.height <= area.y + area.height)
    return;
  gtk_window_get_size (GTK_WINDOW (widget), &w, &h);
  gtk_window_resize (GTK_WINDOW (widget), MAX (1, w - MAX (0, over_w)), MAX (1, h - MAX (0, over_h)));
  /* The X window itself, decorations and all, at the area's corner:
   * gtk_window_move() places what it takes for the visible content, which
   * left the header bar's top row above the screen. */
  gdk_window_move (gdk_window, area.x, area.y);
}

OknClerkWindow *
okn_clerk_window_new (OknApplication *app)
{
  OknClerkWindow *self = g_object_new (OKN_TYPE_CLERK_WINDOW, "application", app, NULL);
  OknContext *context = okn_application_get_context (app);
  g_autofree char *station = okn_store_get_station (okn_context_get_store (context), NULL);
  g_autofree char *title = g_strdup_printf (_("Okienko — station %s"), station ? station : "");
  const GPtrArray *problems = okn_config_get_problems (okn_context_get_config (context));

  self->app = app;
  self->context = g_object_ref (context);
  gtk_window_set_title (GTK_WINDOW (self), title);
  okn_letter_form_set_context (self->letter_form, context);
  okn_report_form_set_context (self->report_form, context);
  okn_search_page_set_context (self->search_page, context);
  okn_register_page_set_context (self->register_page, context);
  okn_record_view_set_context (self->record_view, context);
  okn_scan_burst_configure (self->burst, okn_context_get_config (context));
  okn_clerk_window_update_sync (self);
  /* The sync service runs in another process: the monitor says when to
   * look again. */
  g_signal_connect_swapped (context, "sync-changed", G_CALLBACK (okn_clerk_window_update_sync), self);
  okn_context_watch_sync (context, SYNC_REFRESH_S);
  if (okn_application_get_config_error (app))
    {
      /* TRANSLATORS: %s says why the configuration file could not be read */
      g_autofree char *text = g_strdup_printf (_("%s — until the file is fixed, Okienko works with the default settings."),
                                               okn_application_get_config_error (app));
      show_status (self, GTK_MESSAGE_WARNING, text);
    }
  else if (problems->len > 0)
    show_status (self, GTK_MESSAGE_WARNING, g_ptr_array_index (problems, 0));
  show_store_warnings (self);
  gtk_stack_set_visible_child_name (self->stack, "letter");
  offer_drafts (self);
  okn_letter_form_focus_first (self->letter_form);
  return self;
}

static void
okn_clerk_window_dispose (GObject *object)
{
  OknClerkWindow *self = OKN_CLERK_WINDOW (object);

  self->disposed = TRUE;
  if (self->context)
    {
      okn_context_watch_sync (self->context, 0);
      g_signal_handlers_disconnect_by_data (self->context, self);
      g_clear_object (&self->context);
    }
  g_clear_pointer (&self->offered, okn_draft_free);
  G_OBJECT_CLASS (okn_clerk_window_parent_class)->dispose (object);
}

static void
okn_clerk_window_finalize (GObject *object)
{
  OknClerkWindow *self = OKN_CLERK_WINDOW (object);

  g_clear_pointer (&self->burst, okn_scan_burst_free);
  g_free (self->catalogue_at);
  g_free (self->return_page);
  G_OBJECT_CLASS (okn_clerk_window_parent_class)->finalize (object);
}

static void
okn_clerk_window_class_init (OknClerkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = okn_clerk_window_dispose;
  object_class->finalize = okn_clerk_window_finalize;
  widget_class->map = okn_clerk_window_map;

  g_type_ensure (OKN_TYPE_LETTER_FORM);
  g_type_ensure (OKN_TYPE_REPORT_FORM);
  g_type_ensure (OKN_TYPE_SEARCH_PAGE);
  g_type_ensure (OKN_TYPE_REGISTER_PAGE);
  g_type_ensure (OKN_TYPE_RECORD_VIEW);
  g_type_ensure (OKN_TYPE_TICKET_SCREEN);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/okienko/Desk/okn-clerk-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, OknClerkWindow, name)
  CHILD (draft_bar);
  CHILD (draft_label);
  CHILD (status_bar);
  CHILD (status_label);
  CHILD (ticket_screen);
  CHILD (stack);
  CHILD (sync_label);
  CHILD (sync_button);
  CHILD (switcher);
  CHILD (letter_form);
  CHILD (report_form);
  CHILD (search_page);
  CHILD (register_page);
  CHILD (record_view);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, on_status_response);
  gtk_widget_class_bind_template_callback (widget_class, on_draft_response);
  gtk_widget_class_bind_template_callback (widget_class, on_page_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_form_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_print_again);
  gtk_widget_class_bind_template_callback (widget_class, on_form_cancelled);
  gtk_widget_class_bind_template_callback (widget_class, on_open_ticket);
  gtk_widget_class_bind_template_callback (widget_class, on_record_back);
  gtk_widget_class_bind_template_callback (widget_class, on_record_correct);
}

static void
okn_clerk_window_init (OknClerkWindow *self)
{
  static const GActionEntry actions[] = {
    { "save", on_save },
    { "new-letter", on_new_letter },
    { "new-report", on_new_report },
    { "find", on_find },
    { "register", on_register },
    { "sync-now", on_sync_now },
    { "open-scan", on_open_scan },
    { "camera-scan", on_camera_scan },
    { "undo-clear", on_undo_clear },
  };

  gtk_widget_init_template (GTK_WIDGET (self));
  self->burst = okn_scan_burst_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  g_signal_connect (self, "key-press-event", G_CALLBACK (on_key_press), self);
  g_signal_connect_after (self, "key-press-event", G_CALLBACK (on_key_press_after), self);
  g_signal_connect (self, "delete-event", G_CALLBACK (on_delete_event), NULL);
  g_signal_connect_swapped (self->letter_form, "cleared", G_CALLBACK (on_form_cleared), self);
  g_signal_connect_swapped (self->report_form, "cleared", G_CALLBACK (on_form_cleared), self);
  g_signal_connect_object (okn_letter_form_get_session (self->letter_form), "edited",
                           G_CALLBACK (on_form_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (okn_report_form_get_session (self->report_form), "edited",
                           G_CALLBACK (on_form_edited), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (okn_letter_form_get_session (self->letter_form), "notify::busy",
                           G_CALLBACK (on_form_busy), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (okn_report_form_get_session (self->report_form), "notify::busy",
                           G_CALLBACK (on_form_busy), self, G_CONNECT_SWAPPED);
  okn_gui_set_accessible (GTK_WIDGET (self->sync_label), _("Sync state"));
  okn_gui_set_accessible (GTK_WIDGET (self->stack), _("Desk pages"));

  /* The page buttons say their shortcuts when hovered. */
  {
    const char *hints[] = { N_("New letter (Ctrl+L)"), N_("New walk-in report (Ctrl+R)"),
                            N_("Find a record (Ctrl+F)"), N_("Daily register of incoming letters (Ctrl+D)") };
    g_autoptr (GList) buttons = gtk_container_get_children (GTK_CONTAINER (self->switcher));
    guint i = 0;

    for (GList *l = buttons; l && i < G_N_ELEMENTS (hints); l = l->next, i++)
      gtk_widget_set_tooltip_text (l->data, _(hints[i]));
  }
}
