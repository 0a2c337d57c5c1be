/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-desk.c: the clerk desk's real widgets, driven in-process under an
 * Xvfb the test starts itself
 *
 * Keys are synthesized GDK key events delivered to the window, as a
 * keyboard or a USB scanner in keyboard mode would; the outcome is read back
 * from the store, the PDF files the desk printed, and the widgets.
 */
#define G_LOG_DOMAIN "test-desk"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <sqlite3.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <gdk/gdkx.h>

#include "okn-test-common.h"
#include "okn-test-sql.h"
#include "okn-test-ui.h"
#include "okn-application.h"
#include "okn-clerk-window.h"
#include "okn-gui-util.h"
#include "okn-preferences-dialog.h"
#include "okn-setup-dialog.h"
#include "okienko/okn-scan.h"
#include "okn-open311-server.h"

#define WAIT_S 20

static char *tmpdir;
static OknApplication *app;
static OknClerkWindow *window;
static guint32 fake_time = 1000;

/* Helpers -------------------------------------------------------------------- */

/* Children die with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The X server, the main loop and the keys: tests/harness/okn-test-ui.c,
 * which the kiosk's tests share. */
#define start_xvfb() okn_test_ui_start_xvfb ("1280x900x24")
#define stop_xvfb()  okn_test_ui_stop_xvfb ()
#define pump()       okn_test_ui_pump ()

typedef gboolean (*Condition) (gpointer data);

static gboolean
wait_for (Condition cond,
          gpointer  data)
{
  return okn_test_ui_wait_for (cond, data);
}

static void
send_key_at (guint           keyval,
             GdkModifierType state,
             guint32         time)
{
  okn_test_ui_key (GTK_WIDGET (window), keyval, state, time);
}

/* A person: a tenth of a second between keys. */
static void
key (guint           keyval,
     GdkModifierType state)
{
  fake_time += 100;
  send_key_at (keyval, state, fake_time);
}

static void
type_text (const char *text,
           guint       gap_ms)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      fake_time += gap_ms;
      send_key_at (gdk_unicode_to_keyval (g_utf8_get_char (p)), 0, fake_time);
    }
}

static GtkWidget *
focus (void)
{
  return gtk_window_get_focus (GTK_WINDOW (window));
}

/* A label on screen under @root whose text holds @text. */
static GtkLabel *
find_shown_label (GtkWidget  *root,
                  const char *text)
{
  GtkLabel *found = NULL;
  g_autoptr (GList) children = NULL;

  if (!gtk_widget_is_visible (root))
    return NULL;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text))
    return GTK_LABEL (root);
  if (!GTK_IS_CONTAINER (root))
    return NULL;
  children = gtk_container_get_children (GTK_CONTAINER (root));
  for (GList *l = children; l && found == NULL; l = l->next)
    found = find_shown_label (l->data, text);
  return found;
}

static GtkWidget *
find_named (GtkWidget  *root,
            const char *accessible_name)
{
  return okn_test_ui_find_named (root, accessible_name);
}

/* A letter registered behind the desk's back, as another station or
 * okienkoctl would. */
static OknRecord *
store_letter (const char *sender,
              const char *subject)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GError) error = NULL;
  OknRecord *r = okn_test_letter (sender, subject);

  g_assert_true (okn_store_register (store, r, "test", &error));
  g_assert_no_error (error);
  return r;
}

static gint64
count_records (OknKind kind)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  OknListFilter filter = { .has_kind = TRUE, .kind = kind };
  g_autoptr (GPtrArray) all = okn_store_list (store, &filter, NULL);

  return all ? (gint64) all->len : -1;
}

/* A save shows its ticket on screen. */
static gboolean
status_has_saved (gpointer data)
{
  return okn_clerk_window_get_shown_ticket (window) != NULL;
}

static gboolean
one_result (gpointer data)
{
  return okn_search_page_get_n_results (data) == 1;
}

static gboolean
report_stored (gpointer data)
{
  return count_records (OKN_KIND_REPORT) == GPOINTER_TO_INT (data);
}

/* A letter or report form's session with no save running. */
static gboolean
session_idle (gpointer session)
{
  return !okn_form_session_get_busy (session);
}

static gboolean
form_not_reading (gpointer data)
{
  return !okn_report_form_is_reading (data);
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
page_is (gpointer data)
{
  return g_strcmp0 (okn_clerk_window_get_page (window), data) == 0;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* GTK without CSS transitions, in the test and in its children. A
 * transition that GTK's frame clock starts while it restyles a node leaks
 * the lengths it computed for it (GTK's own memory: 24-byte
 * GtkCssDimensionValues under the frame clock, no frame of ours), and how
 * many depends on which frames ran before the process exits: under the
 * sanitizer the leak check failed some runs and not others (7, 4 or
 * none). Nothing here waits for an animation. */
static void
without_animations (void)
{
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
}

static void
child_gtk_init (void)
{
  gtk_init (NULL, NULL);
  without_animations ();
}

static OknApplication *
start_app (void)
{
  g_autoptr (GError) error = NULL;
  OknApplication *a = okn_application_new ();

  g_application_register (G_APPLICATION (a), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (a));
  pump ();
  g_assert_nonnull (okn_application_get_clerk_window (a));
  return a;
}

/* Tests ---------------------------------------------------------------------- */

/* A letter, keyboard only: shortcut to the form, fields in tab order,
 * Ctrl+Enter; then the store, the printed PDFs (decoded back) and the
 * sticky fields. */
static void
test_letter_by_keyboard (void)
{
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  OknRecord *r;
  GtkWidget *unit;
  g_autofree char *label_pdf = NULL;
  g_autofree char *a4_pdf = NULL;

  key (GDK_KEY_l, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender"));
  /* A screen reader reads a field's problem with the field. */
  {
    g_autoptr (AtkRelationSet) rels = atk_object_ref_relation_set (gtk_widget_get_accessible (focus ()));
    g_assert_true (atk_relation_set_contains (rels, ATK_RELATION_DESCRIBED_BY));
  }

  type_text ("Anna Nowak-Żółć", 100);
  key (GDK_KEY_Tab, 0);                       /* the anonymous mark */
  key (GDK_KEY_Tab, 0);
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender’s address"));
  type_text ("ul. Piotrkowska 100, 90-001 Łódź", 100);
  key (GDK_KEY_Tab, 0);
  type_text ("Skarga na hałas nocny", 100);
  key (GDK_KEY_Tab, 0);
  type_text ("27.11.2026", 100);
  key (GDK_KEY_Tab, 0);
  type_text ("AN/2026/11", 100);
  key (GDK_KEY_Tab, 0);
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Pages"));
  type_text ("3", 100);
  key (GDK_KEY_Tab, 0);
  type_text ("2", 100);
  key (GDK_KEY_Tab, 0);                       /* delivery method */
  key (GDK_KEY_Tab, 0);
  unit = gtk_bin_get_child (GTK_BIN (find_named (GTK_WIDGET (window), "Unit")));
  g_assert_true (focus () == unit);
  type_text ("Wydział Gospodarki Komunalnej", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);

  g_assert_true (wait_for (status_has_saved, NULL));

  store = okn_test_open_app_store ();
  found = okn_store_search (store, "Nowak", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  r = g_ptr_array_index (found, 0);
  g_assert_cmpstr (r->sender_name, ==, "Anna Nowak-Żółć");
  g_assert_cmpstr (r->sender_address, ==, "ul. Piotrkowska 100, 90-001 Łódź");
  g_assert_cmpstr (r->subject, ==, "Skarga na hałas nocny");
  g_assert_cmpstr (r->letter_date, ==, "2026-11-27");
  g_assert_cmpstr (r->reference, ==, "AN/2026/11");
  g_assert_cmpint (r->pages, ==, 3);
  g_assert_cmpint (r->attachment_count, ==, 2);
  g_assert_cmpstr (r->unit, ==, "Wydział Gospodarki Komunalnej");
  g_assert_cmpint (r->delivery, ==, OKN_DELIVERY_IN_PERSON);
  g_assert_cmpint (r->channel, ==, OKN_CHANNEL_PAPER);
  g_assert_cmpstr (okn_clerk_window_get_shown_ticket (window), ==, r->ticket);

  /* The configured outputs printed (to the test's PDF folder) and carry the
   * ticket: decode the label's Code 128 back. */
  label_pdf = g_strdup_printf ("%s/out/%s-label.pdf", tmpdir, r->ticket);
  a4_pdf = g_strdup_printf ("%s/out/%s-a4-confirmation.pdf", tmpdir, r->ticket);
  g_assert_true (g_file_test (label_pdf, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (a4_pdf, G_FILE_TEST_EXISTS));
  g_assert_true (okn_test_file_carries (label_pdf, r->ticket, NULL) & OKN_TEST_CARRIED_ID);

  /* Ready for the next letter: cleared, unit kept, focus on the sender. */
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Sender"))), ==, "");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (unit)), ==, "Wydział Gospodarki Komunalnej");
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender"));
}

/* What the widget shows, as pixels, read back by zbar. */
static char *
decode_widget (GtkWidget *widget)
{
  int w = gtk_widget_get_allocated_width (widget), h = gtk_widget_get_allocated_height (widget);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (surface);
  g_autofree guint8 *gray = g_malloc ((gsize) w * h);
  g_autoptr (GPtrArray) symbols = NULL;
  g_autoptr (GError) error = NULL;
  const guint8 *data;
  int stride;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      gray[y * w + x] = data[y * stride + x * 4 + 1];   /* green of xRGB */
  cairo_surface_destroy (surface);
  symbols = okn_scan_decode_gray (gray, (guint) w, (guint) h, (guint) w, &error);
  g_assert_no_error (error);
  return symbols->len > 0 ? g_strdup (((OknScanSymbol *) g_ptr_array_index (symbols, 0))->text) : NULL;
}

static gboolean
reprint_done (gpointer data)
{
  return !g_str_equal (okn_ticket_screen_get_outcome (data), "Printing…");
}

static void
set_output_dir (const char *dir)
{
  g_autofree char *text = NULL;
  g_autofree char *changed = NULL;
  g_autoptr (GRegex) re = g_regex_new ("output_dir=.*", 0, 0, NULL);

  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &text, NULL, NULL));
  changed = g_regex_replace_literal (re, text, -1, 0, dir, 0, NULL);
  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), changed, -1, NULL));
}

/* The resident leaves with the ID, printer or not: after the save the
 * ticket is on screen in large type with its verification code and a QR
 * code that decodes to the printed payload; a failed print says so beside
 * it with "Print again", which prints once the printer is back; the
 * ticket stays until the next record starts, and no "saved" banner is
 * left over the next record's error. */
static void
test_ticket_on_screen (void)
{
  OknTicketScreen *screen = okn_clerk_window_get_ticket_screen (window);
  g_autofree char *blocker = g_build_filename (tmpdir, "not-a-folder", NULL);
  g_autofree char *broken_out = g_build_filename (blocker, "out", NULL);
  g_autofree char *good_out = g_build_filename (tmpdir, "out", NULL);
  g_autofree char *ok_dir = g_strdup_printf ("output_dir=%s", good_out);
  g_autofree char *bad_dir = g_strdup_printf ("output_dir=%s", broken_out);
  g_autofree char *payload = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *label_pdf = NULL;
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = NULL;
  OknRecord *r;

  g_assert_true (g_file_set_contents (blocker, "a file, so no folder can be made under it", -1, NULL));
  set_output_dir (bad_dir);
  key (GDK_KEY_l, GDK_CONTROL_MASK);
  type_text ("Zofia Ekranowa", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Prośba o informację", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (status_has_saved, NULL));
  set_output_dir (ok_dir);

  found = okn_store_search (store, "Ekranowa", 2, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  r = g_ptr_array_index (found, 0);
  g_assert_cmpstr (okn_clerk_window_get_shown_ticket (window), ==, r->ticket);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (okn_ticket_screen_get_ticket_label (screen))), ==, r->ticket);
  /* Very large: readable across the counter (the form's text is ~17 px). */
  g_assert_cmpint (gtk_widget_get_allocated_height (okn_ticket_screen_get_ticket_label (screen)), >=, 48);
  g_assert_cmpstr (okn_ticket_screen_get_code (screen), ==, r->verification_code);
  expected = g_strdup_printf ("OKN1:%s:%s", r->ticket, r->verification_code);
  payload = decode_widget (okn_ticket_screen_get_qr (screen));
  g_assert_cmpstr (payload, ==, expected);
  /* The print failed: said beside the ticket, with "Print again". */
  g_assert_true (okn_ticket_screen_print_failed (screen));
  g_assert_nonnull (strstr (okn_ticket_screen_get_outcome (screen), "Printing failed"));
  g_assert_true (gtk_widget_get_visible (okn_ticket_screen_get_print_again (screen)));
  g_assert_cmpstr (okn_clerk_window_get_status (window), ==, "");
  gtk_button_clicked (GTK_BUTTON (okn_ticket_screen_get_print_again (screen)));
  /* A Preferences reload while the reprint runs frees the configuration
   * (and its path) the task was started with: the task keeps copies, which
   * the sanitizer build checks. */
  g_assert_true (okn_application_reload_config (app, NULL));
  g_assert_true (wait_for (reprint_done, screen));
  g_assert_false (okn_ticket_screen_print_failed (screen));
  g_assert_false (gtk_widget_get_visible (okn_ticket_screen_get_print_again (screen)));
  label_pdf = g_strdup_printf ("%s/%s-label.pdf", good_out, r->ticket);
  g_assert_true (g_file_test (label_pdf, G_FILE_TEST_EXISTS));
  /* Still there on the other form; gone from a search. */
  key (GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_null (okn_clerk_window_get_shown_ticket (window));
  key (GDK_KEY_l, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_shown_ticket (window), ==, r->ticket);

  /* The next record starts: the ticket goes; that record's error is not
   * under an old "saved". */
  type_text ("Następny", 100);
  g_assert_null (okn_clerk_window_get_shown_ticket (window));
  gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Date on the letter")), "31.02.2026");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  pump ();
  g_assert_null (okn_clerk_window_get_shown_ticket (window));
  g_assert_null (strstr (okn_clerk_window_get_status (window), "Saved"));
  okn_letter_form_reset (okn_clerk_window_get_letter_form (window));
}

/* A report whose category requires an attribute: left empty, the error
 * shows next to it and nothing is stored; filled in, it is stored. */
static void
test_report_required_attribute (void)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  GtkWidget *size, *size_error;
  gint64 before = count_records (OKN_KIND_REPORT);
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;

  key (GDK_KEY_r, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  type_text ("dziura", 100);
  key (GDK_KEY_Return, 0);                  /* picks the first match */
  size = okn_report_form_get_attribute_widget (form, "size");
  size_error = okn_report_form_get_attribute_error (form, "size");
  g_assert_nonnull (size);
  g_assert_true (GTK_IS_COMBO_BOX (size));

  gtk_widget_grab_focus (find_named (GTK_WIDGET (window), "Description"));
  type_text ("Głęboka dziura przy przejściu dla pieszych", 100);
  gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Address")), "Piotrkowska 120, Łódź");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  pump ();

  g_assert_true (gtk_widget_get_visible (size_error));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (size_error)), "is required"));
  g_assert_true (focus () == size || gtk_widget_is_ancestor (focus (), size));
  g_assert_false (okn_form_session_get_busy (okn_report_form_get_session (form)));
  g_assert_cmpint (count_records (OKN_KIND_REPORT), ==, before);

  gtk_combo_box_set_active_id (GTK_COMBO_BOX (size), "large");
  /* A photo from a file goes with it. */
  {
    g_autofree char *photo = g_build_filename (tmpdir, "zdjęcie.png", NULL);
    g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 16);
    g_autoptr (GError) error = NULL;

    gdk_pixbuf_fill (pixbuf, 0x336699ff);
    g_assert_true (gdk_pixbuf_save (pixbuf, photo, "png", &error, NULL));
    okn_report_form_add_file (form, photo);
    /* Read by the core in a thread; saving waits for it. */
    g_assert_true (wait_for (form_not_reading, form));
    g_assert_false (gtk_widget_get_visible (okn_report_form_get_files_error (form)));
    okn_report_form_add_file (form, "/nonexistent/photo.png");
    g_assert_true (wait_for (form_not_reading, form));
    g_assert_true (gtk_widget_get_visible (okn_report_form_get_files_error (form)));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (okn_report_form_get_files_error (form))),
                              "photo.png"));
  }
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (report_stored, GINT_TO_POINTER ((int) before + 1)));
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
  g_assert_true (status_has_saved (NULL));
  g_assert_cmpint (count_records (OKN_KIND_REPORT), ==, before + 1);
  store = okn_test_open_app_store ();
  found = okn_store_search (store, "przejściu", 10, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (okn_record_get_attribute (g_ptr_array_index (found, 0), "size"), ==, "large");
  g_assert_cmpuint (((OknRecord *) g_ptr_array_index (found, 0))->files->len, ==, 1);
  g_assert_cmpstr (((OknAttachment *) g_ptr_array_index (((OknRecord *) g_ptr_array_index (found, 0))->files, 0))->mime_type,
                   ==, "image/png");
  /* The resident's receipt printed (the default report output). */
  {
    g_autofree char *receipt = g_strdup_printf ("%s/out/%s-receipt-80.pdf", tmpdir,
                                                ((OknRecord *) g_ptr_array_index (found, 0))->ticket);
    g_assert_true (g_file_test (receipt, G_FILE_TEST_EXISTS));
  }
  /* The form is ready for the next resident: no category, no attributes. */
  g_assert_null (okn_report_form_get_attribute_widget (form, "size"));
}

/* A scanner types fast and ends with Enter, wherever the focus is: the
 * record opens and the field it typed into keeps only what the clerk typed.
 * The same text typed at a person's pace opens nothing. */
static void
test_scanner_burst (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = okn_store_search (store, "Nowak", 1, NULL);
  const char *ticket = ((OknRecord *) g_ptr_array_index (found, 0))->ticket;
  GtkWidget *sender;
  const OknRecord *shown;

  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  g_assert_true (focus () == sender);
  type_text ("Ja", 150);

  /* At a person's pace: no scan, the text stays in the field. */
  type_text (ticket, 120);
  fake_time += 120;
  send_key_at (GDK_KEY_Return, 0, fake_time);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  gtk_entry_set_text (GTK_ENTRY (sender), "Ja");
  gtk_editable_set_position (GTK_EDITABLE (sender), -1);

  /* A scanner: 4 ms a key. */
  fake_time += 500;
  type_text (ticket, 4);
  fake_time += 4;
  send_key_at (GDK_KEY_Return, 0, fake_time);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  shown = okn_record_view_get_record (okn_clerk_window_get_record_view (window));
  g_assert_nonnull (shown);
  g_assert_cmpstr (shown->ticket, ==, ticket);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Ja");
  /* The keyboard moved with the page, not left in the hidden form. */
  g_assert_true (gtk_widget_is_ancestor (focus (), GTK_WIDGET (okn_clerk_window_get_record_view (window))));

  /* Escape goes back; clear the form so it leaves no draft behind. */
  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  okn_letter_form_reset (okn_clerk_window_get_letter_form (window));

  /* A scanned file (the printed label) opens the record too, decoded in a
   * thread. */
  {
    g_autofree char *label_pdf = g_strdup_printf ("%s/out/%s-label.pdf", tmpdir, ticket);

    okn_clerk_window_open_scan_file (window, label_pdf);
    g_assert_true (wait_for (page_is, (gpointer) "record"));
    g_assert_cmpstr (okn_record_view_get_record (okn_clerk_window_get_record_view (window))->ticket, ==, ticket);
    key (GDK_KEY_Escape, 0);
  }
}

/* A fast typist: 30 to 60 ms between keys, as people type in bursts. */
static const guint typist_gaps[] = { 48, 31, 60, 37, 52, 30, 44, 58, 35 };
static guint typist_i;

static void
typist_key (guint keyval)
{
  fake_time += typist_gaps[typist_i++ % G_N_ELEMENTS (typist_gaps)];
  send_key_at (keyval, 0, fake_time);
}

static void
typist_text (const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    typist_key (gdk_unicode_to_keyval (g_utf8_get_char (p)));
}

/* A scanner: 5 ms a key, the ticket and Enter. */
static void
scanner_types (const char *ticket)
{
  fake_time += 700;
  type_text (ticket, 5);
  fake_time += 5;
  send_key_at (GDK_KEY_Return, 0, fake_time);
}

static char *
text_view_text (GtkWidget *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The issue's proof: a letter and a report typed by a fast typist (30-60
 * ms a key, Tabs between the fields, a few keys at 5 ms too) are stored
 * exactly as typed and open nothing; a scanner's burst (5 ms a key) in the
 * middle of a field, an entry or the description, opens its record and
 * leaves the field as the person left it. */
static void
test_scanner_versus_typist (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = okn_store_search (store, "Nowak", 1, NULL);
  g_autofree char *ticket = g_strdup (((OknRecord *) g_ptr_array_index (found, 0))->ticket);
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  GtkWidget *sender, *description;
  gint64 reports = count_records (OKN_KIND_REPORT);

  key (GDK_KEY_l, GDK_CONTROL_MASK);
  sender = find_named (GTK_WIDGET (window), "Sender");
  g_assert_true (focus () == sender);
  typist_text ("Bartłomiej Szybkopiszący");
  typist_key (GDK_KEY_Tab);                   /* the anonymous mark */
  typist_key (GDK_KEY_Tab);
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender’s address"));
  typist_text ("Wólczańska 215, 90-924 Łódź");
  typist_key (GDK_KEY_Tab);
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Subject"));
  typist_text ("Wniosek o ");
  /* The scanner fires mid-field: the record opens, the subject keeps only
   * what the person typed. */
  scanner_types (ticket);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  g_assert_cmpstr (okn_record_view_get_record (okn_clerk_window_get_record_view (window))->ticket, ==, ticket);
  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Subject"))), ==, "Wniosek o ");
  gtk_widget_grab_focus (find_named (GTK_WIDGET (window), "Subject"));
  gtk_editable_set_position (GTK_EDITABLE (focus ()), -1);
  typist_text ("wycinkę drzewa");
  typist_key (GDK_KEY_Tab);
  typist_text ("01.12.2026");
  typist_key (GDK_KEY_Tab);
  /* A reference that looks like an ID, typed at a scanner's speed and
   * ended by Tab, is still the person's. */
  type_text ("WA-26-000123", 5);
  typist_key (GDK_KEY_Tab);
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Pages"));
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (status_has_saved, NULL));
  {
    g_autoptr (GPtrArray) typed = okn_store_search (store, "Szybkopiszący", 2, NULL);
    OknRecord *r;

    g_assert_cmpuint (typed->len, ==, 1);
    r = g_ptr_array_index (typed, 0);
    g_assert_cmpstr (r->sender_name, ==, "Bartłomiej Szybkopiszący");
    g_assert_cmpstr (r->sender_address, ==, "Wólczańska 215, 90-924 Łódź");
    g_assert_cmpstr (r->subject, ==, "Wniosek o wycinkę drzewa");
    g_assert_cmpstr (r->letter_date, ==, "2026-12-01");
    g_assert_cmpstr (r->reference, ==, "WA-26-000123");
  }

  /* The description is a text view: the same rule. */
  key (GDK_KEY_r, GDK_CONTROL_MASK);
  typist_text ("latarnia");
  typist_key (GDK_KEY_Return);               /* picks the category */
  description = find_named (GTK_WIDGET (window), "Description");
  gtk_widget_grab_focus (description);
  typist_text ("Nie świeci od tygodnia, ");
  scanner_types (ticket);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  {
    g_autofree char *text = text_view_text (description);
    g_assert_cmpstr (text, ==, "Nie świeci od tygodnia, ");
  }
  gtk_widget_grab_focus (description);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (description));
    GtkTextIter end;

    gtk_text_buffer_get_end_iter (buffer, &end);
    gtk_text_buffer_place_cursor (buffer, &end);
  }
  typist_text ("róg Zielonej.");
  typist_key (GDK_KEY_Return);               /* a new line, not a scan */
  typist_text ("Zgłasza sąsiad.");
  gtk_widget_grab_focus (find_named (GTK_WIDGET (window), "Address"));
  typist_text ("Zielona 12, Łódź");
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (report_stored, GINT_TO_POINTER ((int) reports + 1)));
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
  {
    g_autoptr (GPtrArray) typed = okn_store_search (store, "sąsiad", 2, NULL);

    g_assert_cmpuint (typed->len, ==, 1);
    g_assert_cmpstr (((OknRecord *) g_ptr_array_index (typed, 0))->description, ==,
                     "Nie świeci od tygodnia, róg Zielonej.\nZgłasza sąsiad.");
    g_assert_cmpstr (((OknRecord *) g_ptr_array_index (typed, 0))->category, ==, "streetlight");
    g_assert_cmpstr (((OknRecord *) g_ptr_array_index (typed, 0))->address, ==, "Zielona 12, Łódź");
  }
}

/* Search by the sender's name, with the kind filter. */
static void
test_search_by_sender (void)
{
  OknSearchPage *page = okn_clerk_window_get_search_page (window);
  const OknRecord *first;

  key (GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "find");
  type_text ("nowak", 100);
  /* The search entry waits for a pause in typing before it searches. */
  g_assert_true (wait_for (one_result, page));
  g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 1);
  first = okn_search_page_get_result (page, 0);
  g_assert_cmpstr (first->sender_name, ==, "Anna Nowak-Żółć");

  /* Reports only: the letter is filtered out. */
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (find_named (GTK_WIDGET (window), "Kind")), "report");
  pump ();
  g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 0);
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (find_named (GTK_WIDGET (window), "Kind")), "all");
  pump ();

  /* Date filters take a day, in either form: from tomorrow nothing, from
   * today the letter. */
  {
    GtkWidget *from = find_named (GTK_WIDGET (window), "From");
    g_autoptr (GDateTime) now = g_date_time_new_now_local ();
    g_autoptr (GDateTime) tomorrow = g_date_time_add_days (now, 1);
    g_autofree char *today_text = g_date_time_format (now, "%d.%m.%Y");
    g_autofree char *tomorrow_text = g_date_time_format (tomorrow, "%Y-%m-%d");

    g_assert_nonnull (from);
    gtk_entry_set_text (GTK_ENTRY (from), tomorrow_text);
    okn_search_page_refresh (page);
    g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 0);
    gtk_entry_set_text (GTK_ENTRY (from), today_text);
    okn_search_page_refresh (page);
    g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 1);
    gtk_entry_set_text (GTK_ENTRY (from), "");
    okn_search_page_refresh (page);
  }

  /* Enter opens the first. */
  key (GDK_KEY_Return, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
}

static gboolean
search_finds (gpointer data)
{
  OknSearchPage *page = okn_clerk_window_get_search_page (window);

  return okn_search_page_get_n_results (page) == 1
         && g_strcmp0 (okn_search_page_get_result (page, 0)->ticket, data) == 0;
}

/* Issue 10: the clerk finds a report by the resident's name, a letter by
 * the sender's street, a report by its category's name, all typed without
 * diacritics; and the list names the category, not its code. */
static void
test_search_what_clerk_remembers (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) letter = okn_test_letter ("Jan Wiśniewski", "Wniosek o wycinkę drzewa");
  g_autoptr (OknRecord) light = okn_test_report ("streetlight", "Nie świeci od tygodnia", "ul. Piotrkowska 100");
  g_autoptr (GError) error = NULL;
  OknSearchPage *page = okn_clerk_window_get_search_page (window);
  GtkWidget *entry;
  g_autofree char *shown = NULL;

  /* The tests' catalogue again (an earlier test imported another). */
  okn_test_sample_catalogue (store);
  letter->sender_address = g_strdup ("ul. Żółkiewskiego 12, 90-001 Łódź");
  light->contact_name = g_strdup ("Grażyna Łęcka");
  light->consent = TRUE;
  g_assert_true (okn_store_register (store, letter, "test", &error));
  g_assert_true (okn_store_register (store, light, "test", &error));
  g_assert_no_error (error);

  key (GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "find");
  entry = focus ();
  g_assert_true (GTK_IS_ENTRY (entry));

  gtk_entry_set_text (GTK_ENTRY (entry), "");
  type_text ("zolkiewskiego", 100);
  g_assert_true (wait_for (search_finds, letter->ticket));

  gtk_entry_set_text (GTK_ENTRY (entry), "");
  type_text ("grazyna lecka", 100);
  g_assert_true (wait_for (search_finds, light->ticket));

  gtk_entry_set_text (GTK_ENTRY (entry), "");
  type_text ("latarnia piotrkowska", 100);
  g_assert_true (wait_for (search_finds, light->ticket));
  shown = okn_test_ui_all_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (shown, "Latarnia nie świeci"));
  g_assert_null (strstr (shown, "streetlight"));

  gtk_entry_set_text (GTK_ENTRY (entry), "");
  pump ();
}

static GtkWidget *
cancel_dialog (void)
{
  g_autoptr (GList) tops = gtk_window_list_toplevels ();

  for (GList *l = tops; l; l = l->next)
    if (g_strcmp0 (gtk_widget_get_name (l->data), "okn-cancel-dialog") == 0
        && gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static GtkWidget *
find_label_text (GtkWidget  *root,
                 const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *w = find_label_text (l->data, text);
          if (w)
            return w;
        }
    }
  return NULL;
}

static gboolean
view_idle (gpointer data)
{
  return !okn_record_view_is_busy (data);
}

/* Cancelling needs a reason: without one the dialog stays and says so;
 * with one the record is cancelled and keeps it. */
static void
test_cancel_with_reason (void)
{
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  g_autofree char *ticket = NULL;
  GtkWidget *dialog, *reason;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) r = NULL;

  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  ticket = g_strdup (okn_record_view_get_record (view)->ticket);

  /* Reprint a layout the save did not print. */
  {
    g_autofree char *receipt = g_strdup_printf ("%s/out/%s-receipt-58.pdf", tmpdir, ticket);
    GActionGroup *group = gtk_widget_get_action_group (GTK_WIDGET (view), "record");

    g_assert_false (g_file_test (receipt, G_FILE_TEST_EXISTS));
    g_action_group_activate_action (group, "reprint", g_variant_new_string ("receipt-58"));
    g_assert_true (wait_for (file_exists, receipt));
  }

  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Cancel the record…")));
  pump ();
  dialog = cancel_dialog ();
  g_assert_nonnull (dialog);

  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (wait_for (view_idle, view));
  g_assert_true (cancel_dialog () == dialog);
  store = okn_test_open_app_store ();
  r = okn_store_lookup (store, ticket, NULL);
  g_assert_cmpint (r->sync_state, ==, OKN_SYNC_QUEUED);
  g_clear_pointer (&r, okn_record_free);

  reason = find_named (dialog, "Reason");
  g_assert_nonnull (reason);
  gtk_entry_set_text (GTK_ENTRY (reason), "Pomyłka: pismo do innego urzędu");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  /* The store write runs in a thread. */
  g_assert_true (wait_for (view_idle, view));
  g_assert_null (cancel_dialog ());
  r = okn_store_lookup (store, ticket, NULL);
  g_assert_cmpint (r->sync_state, ==, OKN_SYNC_CANCELLED);
  g_assert_cmpstr (r->cancel_reason, ==, "Pomyłka: pismo do innego urzędu");
  g_assert_cmpstr (okn_record_view_get_record (view)->cancel_reason, ==, r->cancel_reason);
  /* A screen reader reads the value, labelled by its field's name. */
  {
    GtkWidget *value = find_label_text (GTK_WIDGET (view), "Pomyłka: pismo do innego urzędu");
    AtkObject *acc;
    g_autoptr (AtkRelationSet) rels = NULL;

    g_assert_nonnull (value);
    acc = gtk_widget_get_accessible (value);
    g_assert_cmpstr (atk_object_get_name (acc), ==, "Pomyłka: pismo do innego urzędu");
    rels = atk_object_ref_relation_set (acc);
    g_assert_true (atk_relation_set_contains (rels, ATK_RELATION_LABELLED_BY));
  }
  /* A cancelled record can no longer be corrected or cancelled. */
  g_assert_false (gtk_widget_get_sensitive (find_named (GTK_WIDGET (view), "Correct")));
  key (GDK_KEY_Escape, 0);
}

static gboolean
register_idle (gpointer data)
{
  return !okn_register_page_is_busy (data);
}

/* The daily register lists the day's letters (the cancelled one too),
 * exports CSV and prints (here: to the PDF folder) from a thread. */
static void
test_daily_register (void)
{
  OknRegisterPage *page = okn_clerk_window_get_register_page (window);
  g_autofree char *csv_path = g_build_filename (tmpdir, "register.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *printed = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  /* Every letter of the tests so far came in today. */
  guint today = (guint) count_records (OKN_KIND_LETTER);

  key (GDK_KEY_d, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "register");
  g_assert_cmpuint (today, >=, 1);
  g_assert_cmpuint (okn_register_page_get_n_letters (page), ==, today);
  /* The keyboard is on the page: Alt+Left and Alt+Right page the days. */
  g_assert_true (gtk_widget_is_ancestor (focus (), GTK_WIDGET (page)));
  key (GDK_KEY_Left, GDK_MOD1_MASK);
  g_assert_cmpuint (okn_register_page_get_n_letters (page), ==, 0);
  key (GDK_KEY_Right, GDK_MOD1_MASK);
  g_assert_cmpuint (okn_register_page_get_n_letters (page), ==, today);

  okn_register_page_export (page, OKN_EXPORT_CSV, csv_path);
  g_assert_true (wait_for (register_idle, page));
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_nonnull (strstr (csv, "\"Anna Nowak-Żółć, ul. Piotrkowska 100, 90-001 Łódź\""));
  g_assert_nonnull (strstr (csv, "CANCELLED: Pomyłka"));

  okn_register_page_export (page, OKN_EXPORT_PRINT, NULL);
  g_assert_true (wait_for (register_idle, page));
  printed = g_strdup_printf ("%s/out/register-%s.pdf", tmpdir, day);
  g_assert_true (g_file_test (printed, G_FILE_TEST_EXISTS));
  /* What the buttons did is said beside them, under the list, where the
   * clerk who pressed one looks (it was above the list, out of sight). */
  {
    GtkWidget *list = find_named (GTK_WIDGET (page), "Letters received on the day");
    GtkWidget *print = find_named (GTK_WIDGET (page), "Print");
    GtkLabel *said = NULL;
    GtkAllocation list_box, said_box, print_box;
    int list_y = 0, said_y = 0, print_y = 0;

    gtk_container_check_resize (GTK_CONTAINER (window));
    said = find_shown_label (GTK_WIDGET (page), "Saved the register to");
    g_assert_nonnull (said);
    list = gtk_widget_get_ancestor (list, GTK_TYPE_SCROLLED_WINDOW);
    gtk_widget_get_allocation (list, &list_box);
    gtk_widget_get_allocation (GTK_WIDGET (said), &said_box);
    gtk_widget_get_allocation (print, &print_box);
    g_assert_true (gtk_widget_translate_coordinates (list, GTK_WIDGET (page), 0, 0, NULL, &list_y));
    g_assert_true (gtk_widget_translate_coordinates (GTK_WIDGET (said), GTK_WIDGET (page), 0, 0, NULL, &said_y));
    g_assert_true (gtk_widget_translate_coordinates (print, GTK_WIDGET (page), 0, 0, NULL, &print_y));
    g_assert_cmpint (said_y, >=, list_y + list_box.height);
    /* On the buttons' row. */
    g_assert_cmpint (said_y, <, print_y + print_box.height);
    g_assert_cmpint (said_y + said_box.height, >, print_y);
  }

  /* Another day typed, and straight to Print without Enter: that day's
   * register is printed, the one the field shows. */
  {
    g_autoptr (GDateTime) before = g_date_time_add_days (now, -3);
    g_autofree char *typed = g_date_time_format (before, "%d.%m.%Y");
    g_autofree char *other = g_date_time_format (before, "%Y-%m-%d");
    g_autofree char *other_pdf = g_strdup_printf ("%s/out/register-%s.pdf", tmpdir, other);
    GtkWidget *day_entry;

    okn_register_page_focus (page);
    day_entry = focus ();
    g_assert_true (GTK_IS_ENTRY (day_entry));
    gtk_entry_set_text (GTK_ENTRY (day_entry), "");
    type_text (typed, 100);
    gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (page), "Print")));
    g_assert_true (wait_for (register_idle, page));
    g_assert_true (g_file_test (other_pdf, G_FILE_TEST_EXISTS));
    g_assert_cmpuint (okn_register_page_get_n_letters (page), ==, 0);
    key (GDK_KEY_Right, GDK_MOD1_MASK);
    key (GDK_KEY_Right, GDK_MOD1_MASK);
    key (GDK_KEY_Right, GDK_MOD1_MASK);
    g_assert_cmpuint (okn_register_page_get_n_letters (page), ==, today);
  }
  key (GDK_KEY_Escape, 0);
}

static GtkWidget *error_of (GtkWidget *field);

/* Preferences: the API key is masked and never shown; a bad value is
 * refused next to its field and nothing is saved; good values are saved. */
static void
test_preferences (void)
{
  OknPreferencesDialog *dialog;
  GtkWidget *key_entry, *url_entry, *office_entry;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr (OknConfig) config = NULL;
  g_autofree char *office = NULL;
  g_autofree char *api_key = NULL;
  const char *url_error;

  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &before, NULL, NULL));
  g_assert_nonnull (strstr (before, "api_key="));
  dialog = okn_preferences_dialog_new (app);
  key_entry = okn_preferences_dialog_get_field (dialog, "server.api_key");
  url_entry = okn_preferences_dialog_get_field (dialog, "server.url");
  office_entry = okn_preferences_dialog_get_field (dialog, "office.name");
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (key_entry)));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (key_entry)), ==, "");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (office_entry)), ==, "Urząd Miasta Łodzi");

  gtk_entry_set_text (GTK_ENTRY (url_entry), "ftp://nie-ten-protokół");
  gtk_entry_set_text (GTK_ENTRY (office_entry), "Urząd Miasta Łodzi, Punkt nr 3");
  g_assert_false (okn_preferences_dialog_apply (dialog));
  /* Named as the field is labelled, not by its key in the file. */
  url_error = gtk_label_get_text (GTK_LABEL (error_of (url_entry)));
  g_assert_true (g_str_has_prefix (url_error, "Server address: "));
  g_assert_null (strstr (url_error, "server.url"));
  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);

  gtk_entry_set_text (GTK_ENTRY (url_entry), "http://127.0.0.1:9/open311/v2/");
  /* Enter in a field saves and closes, as the Save button does. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_widget_activate (url_entry);
  /* A button pressed by the keyboard shows itself pressed for a moment. */
  g_assert_true (wait_for (pointer_is_null, &dialog));
  config = okn_config_load (g_getenv ("OKIENKO_CONFIG"), NULL);
  office = okn_config_get_string (config, "office.name");
  api_key = okn_config_get_string (config, "server.api_key");
  g_assert_cmpstr (office, ==, "Urząd Miasta Łodzi, Punkt nr 3");
  /* The empty masked entry kept the stored key. */
  g_assert_nonnull (api_key);
  office = (g_free (office), okn_config_get_string (okn_application_get_config (app), "office.name"));
  g_assert_cmpstr (office, ==, "Urząd Miasta Łodzi, Punkt nr 3");
}

/* A new machine: the setup asks for the station; a bad code is refused
 * next to the field, a good one makes the desk ready. */
static void
test_first_start_setup (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "fresh.db", NULL);
  g_autofree char *old_db = g_strdup (g_getenv ("OKIENKO_DB"));
  g_autofree char *conf = g_build_filename (tmpdir, "fresh.conf", NULL);
  g_autofree char *old_conf = g_strdup (g_getenv ("OKIENKO_CONFIG"));
  g_autoptr (GError) error = NULL;
  OknApplication *fresh;
  OknSetupDialog *setup = NULL;
  g_autoptr (GList) tops = NULL;
  g_autofree char *station = NULL;

  g_setenv ("OKIENKO_DB", db, TRUE);
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  fresh = okn_application_new ();
  g_application_register (G_APPLICATION (fresh), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (fresh));
  pump ();
  g_assert_null (okn_application_get_clerk_window (fresh));
  tops = gtk_window_list_toplevels ();
  for (GList *l = tops; l; l = l->next)
    if (OKN_IS_SETUP_DIALOG (l->data))
      setup = l->data;
  g_assert_nonnull (setup);

  /* Issue 10: the ticket says which office, where, whom to call and
   * where to look the case up: the setup asks for all of it. */
  {
    GtkWidget *code = find_named (GTK_WIDGET (setup), "Station code");
    GtkWidget *address = find_named (GTK_WIDGET (setup), "Office address");
    GtkWidget *hotline = find_named (GTK_WIDGET (setup), "Hotline");
    GtkWidget *status_url = find_named (GTK_WIDGET (setup), "Status page");
    GtkWidget *code_error, *url_error;
    guint32 t = 5000;
    g_autoptr (OknConfig) saved = NULL;
    g_autofree char *v = NULL;

    g_assert_nonnull (code);
    g_assert_nonnull (address);
    g_assert_nonnull (hotline);
    g_assert_nonnull (status_url);
    code_error = error_of (code);
    url_error = error_of (status_url);

    /* A bad code: the error is said and stays while the code is still
     * wrong; typing a valid code takes it away before the next try. */
    gtk_widget_grab_focus (code);
    t = okn_test_ui_type (GTK_WIDGET (setup), "K!", t, 100);
    g_assert_false (okn_setup_dialog_apply (setup));
    g_assert_true (gtk_widget_get_visible (code_error));
    g_assert_true (gtk_window_get_focus (GTK_WINDOW (setup)) == code);
    okn_test_ui_key (GTK_WIDGET (setup), GDK_KEY_BackSpace, 0, t += 100);
    t = okn_test_ui_type (GTK_WIDGET (setup), "?", t, 100);
    g_assert_true (gtk_widget_get_visible (code_error));
    okn_test_ui_key (GTK_WIDGET (setup), GDK_KEY_BackSpace, 0, t += 100);
    okn_test_ui_key (GTK_WIDGET (setup), GDK_KEY_BackSpace, 0, t += 100);
    t = okn_test_ui_type (GTK_WIDGET (setup), "k05", t, 100);
    g_assert_false (gtk_widget_get_visible (code_error));

    gtk_widget_grab_focus (address);
    t = okn_test_ui_type (GTK_WIDGET (setup), "ul. Piotrkowska 104, 90-926 Łódź", t, 100);
    gtk_widget_grab_focus (hotline);
    t = okn_test_ui_type (GTK_WIDGET (setup), "42 638 40 00", t, 100);
    gtk_widget_grab_focus (status_url);
    t = okn_test_ui_type (GTK_WIDGET (setup), "ftp://status", t, 100);
    g_assert_false (okn_setup_dialog_apply (setup));
    g_assert_true (gtk_widget_get_visible (url_error));
    g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (url_error)), "Status page: "));
    g_assert_true (gtk_window_get_focus (GTK_WINDOW (setup)) == status_url);
    gtk_entry_set_text (GTK_ENTRY (status_url), "");
    t = okn_test_ui_type (GTK_WIDGET (setup), "https://uml.lodz.pl/sprawa/{ticket}", t, 100);
    g_assert_false (gtk_widget_get_visible (url_error));
    gtk_dialog_response (GTK_DIALOG (setup), GTK_RESPONSE_OK);
    pump ();

    saved = okn_config_load (g_getenv ("OKIENKO_CONFIG"), &error);
    g_assert_no_error (error);
    v = okn_config_get_string (saved, "office.address");
    g_assert_cmpstr (v, ==, "ul. Piotrkowska 104, 90-926 Łódź");
    g_clear_pointer (&v, g_free);
    v = okn_config_get_string (saved, "office.hotline");
    g_assert_cmpstr (v, ==, "42 638 40 00");
    g_clear_pointer (&v, g_free);
    v = okn_config_get_string (saved, "office.status_url");
    g_assert_cmpstr (v, ==, "https://uml.lodz.pl/sprawa/{ticket}");
  }
  g_assert_nonnull (okn_application_get_clerk_window (fresh));
  station = okn_store_get_station (okn_application_get_store (fresh), NULL);
  g_assert_cmpstr (station, ==, "K05");

  okn_test_ui_destroy (okn_application_get_clerk_window (fresh));
  g_object_unref (fresh);
  g_setenv ("OKIENKO_DB", old_db, TRUE);
  g_setenv ("OKIENKO_CONFIG", old_conf, TRUE);
}

static gboolean
model_has (gpointer data)
{
  GtkTreeModel *model = data;
  GtkTreeIter iter;
  gboolean found = FALSE;

  for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok && !found;
       ok = gtk_tree_model_iter_next (model, &iter))
    {
      g_autofree char *name = NULL;

      gtk_tree_model_get (model, &iter, 0, &name, -1);
      found = g_strcmp0 (name, "Anna Nowak-Żółć") == 0;
    }
  return found;
}

/* A configuration file that cannot be read does not stop the desk: it
 * opens with the defaults and says why in its status line. */
static void
test_broken_config (void)
{
  g_autofree char *conf = g_build_filename (tmpdir, "broken.conf", NULL);
  g_autofree char *old_conf = g_strdup (g_getenv ("OKIENKO_CONFIG"));
  OknApplication *other;
  GtkWidget *w;

  g_assert_true (g_file_set_contents (conf, "[desk\nthis is not a key file\n", -1, NULL));
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  other = start_app ();
  w = okn_application_get_clerk_window (other);
  g_assert_nonnull (strstr (okn_clerk_window_get_status (OKN_CLERK_WINDOW (w)), conf));
  g_assert_nonnull (strstr (okn_clerk_window_get_status (OKN_CLERK_WINDOW (w)), "default settings"));
  /* A fresh window offers earlier senders, read from the store in a
   * thread. */
  {
    GtkEntryCompletion *completion = gtk_entry_get_completion (GTK_ENTRY (find_named (w, "Sender")));

    g_assert_true (wait_for (model_has, gtk_entry_completion_get_model (completion)));
  }

  okn_test_ui_destroy (w);
  g_object_unref (other);
  g_setenv ("OKIENKO_CONFIG", old_conf, TRUE);
}

/* What the store fixed at open is said to the clerk (issue 8 left it to
 * okienkoctl's stderr): here a database others could read. */
static void
test_store_warnings (void)
{
  OknApplication *other;
  GtkWidget *w;

  g_assert_cmpint (g_chmod (g_getenv ("OKIENKO_DB"), 0644), ==, 0);
  other = start_app ();
  w = okn_application_get_clerk_window (other);
  g_assert_nonnull (strstr (okn_clerk_window_get_status (OKN_CLERK_WINDOW (w)), "could be read by other users"));
  g_assert_nonnull (strstr (okn_clerk_window_get_status (OKN_CLERK_WINDOW (w)), g_getenv ("OKIENKO_DB")));
  okn_test_ui_destroy (w);
  g_object_unref (other);
}

/* The child: a desk on a disk with room for a letter but not for the mark
 * of the numbers given out (as /okienkoctl/register-mark-not-written).
 * Exits 0 when the clerk was told under a ticket that stayed, and the
 * next letter could be typed at once. */
static int
mark_child (void)
{
  /* Before GTK starts a thread: a process of several cannot leave its
   * mount namespace. */
  g_autofree char *db = okn_test_small_disk_station ("K03");
  g_autofree char *issued = g_strconcat (db, ".issued", NULL);
  OknApplication *a;
  OknTicketScreen *screen;
  g_autoptr (OknRecord) stored = NULL;
  g_autoptr (GError) error = NULL;
  const char *told;
  const char *ticket;

  g_setenv ("OKIENKO_DB", db, TRUE);
  okn_application_setup_i18n ();
  child_gtk_init ();
  a = start_app ();
  window = OKN_CLERK_WINDOW (okn_application_get_clerk_window (a));
  screen = okn_clerk_window_get_ticket_screen (window);
  /* The desk's connection holds the -wal. */
  okn_test_fill_disk_but_wal (db);

  key (GDK_KEY_l, GDK_CONTROL_MASK);
  type_text ("Jan Pełnodyskowy", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Wniosek o dowód", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (status_has_saved, NULL));

  /* Stored, and its ticket on the screen. */
  ticket = okn_clerk_window_get_shown_ticket (window);
  stored = okn_store_lookup (okn_application_get_store (a), ticket, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->sender_name, ==, "Jan Pełnodyskowy");
  /* Under it, the clerk reads that the ticket holds, whom to tell, and
   * what to pass on: the store's words, naming the file and the ticket. */
  told = okn_ticket_screen_get_warning (screen);
  g_printerr ("the desk, the mark not written: %s\n", told ? told : "(nothing)");
  g_assert_nonnull (told);
  g_assert_nonnull (strstr (told, "The letter is stored and its ticket is valid"));
  g_assert_nonnull (strstr (told, "Tell the administrator"));
  g_assert_nonnull (strstr (told, issued));
  g_assert_nonnull (strstr (told, ticket));
  g_assert_true (gtk_widget_get_visible (okn_ticket_screen_get_ticket_label (screen)));
  g_assert_false (okn_ticket_screen_print_failed (screen));

  /* Nothing to answer: the next letter is typed at once, and the ticket
   * with what it said goes as it starts. */
  type_text ("Anna", 100);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Sender"))), ==, "Anna");
  g_assert_null (okn_clerk_window_get_shown_ticket (window));

  okn_letter_form_reset (okn_clerk_window_get_letter_form (window));
  okn_test_ui_destroy (GTK_WIDGET (window));
  g_object_unref (a);
  okn_test_small_disk_clear (db);
  return 0;
}

/* A letter stored while the file of numbers given out cannot be written
 * (a full disk): the desk shows its ticket and tells the clerk, in a child
 * with a small full tmpfs of its own. */
static void
test_mark_not_written (void)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

  if (!okn_test_can_mount_privately ())
    {
      g_test_skip ("no mount namespace for a small tmpfs here (neither root nor user namespaces)");
      return;
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--mark-child", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
}

/* A fast clerk's letters, one after another: the sender, the anonymous
 * mark passed with Tab, the address, the subject, Ctrl+Enter, and the
 * next letter at once, while the last one is being saved. */
static const struct
{
  const char *sender;
  const char *address;
  const char *subject;
} typed_letters[] = {
  { "Anna Nowak-Żółć", "ul. Piotrkowska 100, 90-001 Łódź", "Skarga na hałas nocny" },
  { "Jan Kowalski", "Zgierska 5/12", "Wniosek o dowód osobisty" },
  { "Ewa Ślęzak", "al. Kościuszki 7", "Prośba o informację publiczną (BIP)" },
  { "Michał Źdźbło", "Narutowicza 44 m. 3", "Odwołanie: AN/2026/11" },
  { "ZUS Oddział Łódź", "ul. Zamenhofa 2, 90-431 Łódź", "Zaświadczenie 123/45" },
};

#define TYPIST_GAP_MS 40

/* The X key code of every character the typist types: a spare code of
 * the Xvfb's keymap gets the letters it lacks (the Polish ones), lower
 * case and upper case, as xmodmap would bind them. Returns the codes
 * bound, for typist_unmap_keys(). */
static GArray *
typist_map_keys (GdkDisplay *display)
{
  GArray *bound = g_array_new (FALSE, FALSE, sizeof (int));
  Display *x = gdk_x11_display_get_xdisplay (display);
  GdkKeymap *keymap = gdk_keymap_get_for_display (display);
  int min_code, max_code, per_code;
  int next;
  KeySym *map;

  XDisplayKeycodes (x, &min_code, &max_code);
  map = XGetKeyboardMapping (x, (KeyCode) min_code, max_code - min_code + 1, &per_code);
  next = max_code;
  for (guint i = 0; i < G_N_ELEMENTS (typed_letters); i++)
    {
      const char *texts[] = { typed_letters[i].sender, typed_letters[i].address, typed_letters[i].subject };

      for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
        for (const char *p = texts[t]; *p; p = g_utf8_next_char (p))
          {
            guint keyval = gdk_unicode_to_keyval (g_utf8_get_char (p));
            g_autofree GdkKeymapKey *keys = NULL;
            g_autofree KeySym *syms = g_new0 (KeySym, per_code);
            gint n_keys = 0;

            if (gdk_keymap_get_entries_for_keyval (keymap, keyval, &keys, &n_keys))
              continue;
            /* A code with nothing on it, from the top. */
            while (next >= min_code && map[(next - min_code) * per_code] != NoSymbol)
              next--;
            g_assert_cmpint (next, >=, min_code);
            syms[0] = gdk_keyval_to_lower (keyval);
            syms[1] = gdk_keyval_to_upper (keyval);
            XChangeKeyboardMapping (x, next, per_code, syms, 1);
            map[(next - min_code) * per_code] = syms[0];
            g_array_append_val (bound, next);
            XSync (x, False);
            /* This process's keymap learns it from the server's notice. */
            while (!gdk_keymap_get_entries_for_keyval (keymap, keyval, &keys, &n_keys))
              {
                g_main_context_iteration (NULL, FALSE);
                g_usleep (1000);
              }
          }
    }
  XFree (map);
  return bound;
}

/* The Xvfb's keymap as it was, for the tests that follow. */
static void
typist_unmap_keys (GdkDisplay *display,
                   GArray     *bound)
{
  Display *x = gdk_x11_display_get_xdisplay (display);
  int min_code, max_code, per_code;
  KeySym *one;

  XDisplayKeycodes (x, &min_code, &max_code);
  one = XGetKeyboardMapping (x, (KeyCode) min_code, 1, &per_code);
  for (int i = 0; i < per_code; i++)
    one[i] = NoSymbol;
  for (guint i = 0; i < bound->len; i++)
    XChangeKeyboardMapping (x, g_array_index (bound, int, i), per_code, one, 1);
  XSync (x, False);
  XFree (one);
}

/* One key pressed and released, sent through the X server to the desk's
 * window (gdk_test_simulate_key(): an X event the desk's GDK reads from
 * its connection and translates by the server's keymap, as a keyboard's);
 * the next one comes 40 ms later whatever the desk is doing. Such events
 * carry no time stamp (0): the desk's scanner recogniser sees every key
 * at once, the hardest case for telling a person from a scanner. */
static void
clerk_x_key (GdkWindow      *target,
            guint           keyval,
            GdkModifierType state)
{
  g_assert_true (gdk_test_simulate_key (target, -1, -1, keyval, state, GDK_KEY_PRESS));
  g_assert_true (gdk_test_simulate_key (target, -1, -1, keyval, state, GDK_KEY_RELEASE));
  g_usleep (TYPIST_GAP_MS * 1000);
}

static void
clerk_x_text (GdkWindow  *target,
             const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    clerk_x_key (target, gdk_unicode_to_keyval (g_utf8_get_char (p)), 0);
}

/* The child: a clerk's hands, in a process of their own so that they do
 * not wait for the desk. Before each Ctrl+Enter it waits until the desk
 * has saved the letter before (OKN_TEST_TYPIST_SAVED holds how many), as
 * a clerk who sees the last ticket would: a save asked for while one is in
 * flight is refused by design, and this test is about keys, not about how
 * fast a loaded machine saves. */
static int
typist_child (const char *xid)
{
  GdkDisplay *display;
  g_autoptr (GdkWindow) target = NULL;
  g_autoptr (GArray) bound = NULL;
  const char *saved_path = g_getenv ("OKN_TEST_TYPIST_SAVED");

  gdk_init (NULL, NULL);
  display = gdk_display_get_default ();
  target = gdk_x11_window_foreign_new_for_display (GDK_X11_DISPLAY (display),
                                                   (Window) g_ascii_strtoull (xid, NULL, 10));
  g_assert_nonnull (target);
  bound = typist_map_keys (display);
  for (guint i = 0; i < G_N_ELEMENTS (typed_letters); i++)
    {
      clerk_x_text (target, typed_letters[i].sender);
      clerk_x_key (target, GDK_KEY_Tab, 0);      /* the anonymous mark */
      clerk_x_key (target, GDK_KEY_Tab, 0);
      clerk_x_text (target, typed_letters[i].address);
      clerk_x_key (target, GDK_KEY_Tab, 0);
      clerk_x_text (target, typed_letters[i].subject);
      for (;;)
        {
          g_autofree char *n = NULL;

          if (g_file_get_contents (saved_path, &n, NULL, NULL) && g_ascii_strtoull (n, NULL, 10) >= i)
            break;
          g_usleep (10 * 1000);
        }
      clerk_x_key (target, GDK_KEY_Return, GDK_CONTROL_MASK);
    }
  typist_unmap_keys (display, bound);
  return 0;
}

/* What the desk has saved of the typist's letters, told to the typist in
 * a file. */
typedef struct
{
  GPtrArray *tickets;
  const char *saved_path;
} TypistSaves;

static void
on_typist_saved (GtkWidget       *form,
                 OknIntakeResult *result,
                 TypistSaves     *saves)
{
  g_autofree char *n = NULL;

  g_ptr_array_add (saves->tickets, g_strdup (result->record->ticket));
  n = g_strdup_printf ("%u", saves->tickets->len);
  g_assert_true (g_file_set_contents (saves->saved_path, n, -1, NULL));
}

static gboolean
typist_done (gpointer data)
{
  GSubprocess *child = data;

  return g_subprocess_get_identifier (child) == NULL;
}

static gboolean
all_typed_saved (gpointer data)
{
  TypistSaves *saves = data;

  return saves->tickets->len == G_N_ELEMENTS (typed_letters);
}

/* "The 40 ms-a-key typing run": a clerk types whole letters at 40 ms a
 * key through the X server, each saved with Ctrl+Enter and the next one
 * begun at once; every letter is stored with exactly what was typed, no
 * key lost, none in the wrong field or the wrong letter. */
static void
test_typing_at_40ms (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  g_autofree char *saved = g_build_filename (tmpdir, "typist-saved", NULL);
  g_autofree char *xid = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GPtrArray) tickets = g_ptr_array_new_with_free_func (g_free);
  TypistSaves saves = { tickets, saved };
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GError) error = NULL;
  gulong handler;

  key (GDK_KEY_l, GDK_CONTROL_MASK);
  okn_letter_form_reset (form);
  g_assert_true (wait_for (session_idle, okn_letter_form_get_session (form)));
  pump ();
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender"));
  g_assert_true (g_file_set_contents (saved, "0", -1, NULL));
  handler = g_signal_connect (form, "saved", G_CALLBACK (on_typist_saved), &saves);

  xid = g_strdup_printf ("%lu", (gulong) gdk_x11_window_get_xid (gtk_widget_get_window (GTK_WIDGET (window))));
  g_subprocess_launcher_setenv (launcher, "OKN_TEST_TYPIST_SAVED", saved, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--typist-child", xid, NULL);
  g_assert_no_error (error);
  /* The desk runs its main loop as it would; the child's keys come as
   * they come. Bounded by the test's own timeout. */
  while (!typist_done (child))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);
  g_assert_true (wait_for (all_typed_saved, &saves));
  g_signal_handler_disconnect (form, handler);

  store = okn_test_open_app_store ();
  for (guint i = 0; i < G_N_ELEMENTS (typed_letters); i++)
    {
      g_autoptr (OknRecord) r = okn_store_lookup (store, g_ptr_array_index (tickets, i), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (r->sender_name, ==, typed_letters[i].sender);
      g_assert_cmpstr (r->sender_address, ==, typed_letters[i].address);
      g_assert_cmpstr (r->subject, ==, typed_letters[i].subject);
    }
  /* Nothing typed after the last Ctrl+Enter, nothing left over. */
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Sender"))), ==, "");
  okn_letter_form_reset (form);
}

/* The record view's audit trail speaks words, not the store's JSON. */
static void
test_audit_text (void)
{
  OknAuditEntry state = { .action = (char *) "sync-state",
                          .details = (char *) "{\"from\":\"queued\",\"to\":\"needs-attention\","
                                              "\"detail\":\"lane is required\"}" };
  OknAuditEntry cancel = { .action = (char *) "cancel", .details = (char *) "{\"reason\":\"Pomyłka\"}" };
  OknAuditEntry odd = { .action = (char *) "restore", .details = (char *) "not json" };
  g_autofree char *s1 = okn_gui_audit_text (&state);
  g_autofree char *s2 = okn_gui_audit_text (&cancel);
  g_autofree char *s3 = okn_gui_audit_text (&odd);

  g_assert_cmpstr (s1, ==, "Waiting to be sent → Needs attention: lane is required");
  g_assert_cmpstr (s2, ==, "Cancelled: Pomyłka");
  /* Unknown to the desk: shown as stored rather than lost. */
  g_assert_cmpstr (s3, ==, "restore  not json");
}

/* Escape clears a new letter's form in one key; Ctrl+Z brings it back. */
static void
test_escape_then_undo (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  GtkWidget *sender;

  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  type_text ("Ewa Cofnięta", 100);
  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "");
  g_assert_nonnull (strstr (okn_clerk_window_get_status (window), "Ctrl+Z"));

  key (GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Ewa Cofnięta");
  g_assert_true (focus () == sender);
  /* Only once: nothing is left to bring back. */
  g_assert_false (okn_form_session_can_undo_clear (okn_letter_form_get_session (form)));

  /* The Clear button is Escape's twin. */
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (form), "Clear form (Esc)")));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "");
  g_assert_true (okn_form_session_undo_clear (okn_letter_form_get_session (form)));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Ewa Cofnięta");

  /* An empty form cleared keeps nothing to bring back; no draft stays. */
  okn_letter_form_reset (form);
  key (GDK_KEY_Escape, 0);
  g_assert_false (okn_form_session_can_undo_clear (okn_letter_form_get_session (form)));
}

static gboolean
draft_has (gpointer data)
{
  g_autofree char *path = okn_draft_path (g_getenv ("OKIENKO_DB"), "letter");
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, data) != NULL;
}

/* A correction borrows the letter form: the new letter being typed is put
 * aside, keeps its draft, and is back when the correction is saved. */
static void
test_correction_keeps_new_letter (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = okn_store_search (store, "Zamknięty", 1, NULL);
  g_autofree char *ticket = NULL;
  g_autoptr (OknRecord) corrected = NULL;
  GtkWidget *sender;

  g_assert_cmpuint (found->len, ==, 1);
  ticket = g_strdup (((OknRecord *) g_ptr_array_index (found, 0))->ticket);
  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  type_text ("Połowa Listu", 100);

  g_assert_true (okn_clerk_window_open_ticket (window, ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  pump ();
  g_assert_true ((okn_form_session_get_editing (okn_letter_form_get_session (form)) != NULL));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Jan Zamknięty");
  gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Subject")), "Temat poprawiony");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (session_idle, okn_letter_form_get_session (form)));
  corrected = okn_store_lookup (store, ticket, NULL);
  g_assert_cmpstr (corrected->subject, ==, "Temat poprawiony");

  g_assert_false ((okn_form_session_get_editing (okn_letter_form_get_session (form)) != NULL));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Połowa Listu");
  g_assert_true (wait_for (draft_has, (gpointer) "Połowa Listu"));
  okn_letter_form_reset (form);
  okn_clerk_window_show_page (window, "letter");
}

/* A pothole as the catalogue asked it when the reports of the
 * corrections' tests were stored: its size, and the road's surface. */
static const OknTestService asked_surface = {
  .code = "pothole",
  .name = "Dziura w jezdni",
  .group = "Drogi",
  .definition = "{\"service_code\":\"pothole\",\"attributes\":["
                "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\","
                "\"required\":true,\"order\":1,\"description\":\"How big is it?\","
                "\"values\":[{\"key\":\"small\",\"name\":\"Small\"},{\"key\":\"large\",\"name\":\"Large\"},"
                "{\"key\":\"huge\",\"name\":\"Huge\"}]},"
                "{\"variable\":true,\"code\":\"surface\",\"datatype\":\"string\",\"required\":false,"
                "\"order\":3,\"description\":\"What is the road made of?\"}]}",
};

/* Stores @r (a pothole) as the catalogue asked it then (asked_surface);
 * with @synced, the desk's catalogue is the sample one since (size small
 * or large, and depth). */
static void
store_report_asked_surface (OknStore  *store,
                            OknRecord *r,
                            gboolean   synced)
{
  g_autoptr (GError) error = NULL;

  okn_test_cache_services (store, &asked_surface, 1);
  g_assert_true (okn_store_register (store, r, "test", &error));
  g_assert_no_error (error);
  if (synced)
    okn_test_sample_catalogue (store);
  okn_report_form_reload_catalogue (okn_clerk_window_get_report_form (window));
}

/* The report with this ticket opened at the desk and Correct pressed. */
static void
start_correction (const char *ticket)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);

  g_assert_true (okn_clerk_window_open_ticket (window, ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (okn_clerk_window_get_record_view (window)), "Correct")));
  pump ();
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  g_assert_true ((okn_form_session_get_editing (okn_report_form_get_session (form)) != NULL));
}

/* Types @description over the description of the correction in the
 * form, as a clerk would, and saves it.
 * Returns: the record as stored then */
static OknRecord *
save_description (OknStore   *store,
                  const char *ticket,
                  const char *description)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  OknRecord *corrected;
  GtkWidget *text;

  text = find_named (GTK_WIDGET (window), "Description");
  g_assert_true (GTK_IS_TEXT_VIEW (text));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (text)), description, -1);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
  /* Stored: the form left the correction. */
  g_assert_false ((okn_form_session_get_editing (okn_report_form_get_session (form)) != NULL));

  corrected = okn_store_lookup (store, ticket, NULL);
  g_assert_cmpstr (corrected->description, ==, description);
  key (GDK_KEY_Escape, 0);
  pump ();
  return corrected;
}

/* How many of @r's answers to @code are @value. */
static guint
count_answers (const OknRecord *r,
               const char      *code,
               const char      *value)
{
  guint n = 0;

  for (guint i = 0; i < r->attributes->len; i++)
    {
      const OknAttribute *at = g_ptr_array_index (r->attributes, i);

      n += g_strcmp0 (at->key, code) == 0 && g_strcmp0 (at->value, value) == 0;
    }
  return n;
}

/* Corrects the report with this ticket at the desk, its description only,
 * as a clerk would type it; the stored record then has the new
 * description and both answers it had ("size" and "surface"), no more. */
static void
correct_description_keeps_answers (OknStore   *store,
                                   const char *ticket,
                                   const char *description)
{
  g_autoptr (OknRecord) corrected = NULL;

  start_correction (ticket);
  corrected = save_description (store, ticket, description);
  g_assert_cmpstr (okn_record_get_attribute (corrected, "size"), ==, "large");
  g_assert_cmpstr (okn_record_get_attribute (corrected, "surface"), ==, "kostka brukowa");
  g_assert_cmpuint (corrected->attributes->len, ==, 2);
}

/* A synced catalogue can drop a question a stored report answered. The
 * clerk corrects the description: the answer the form has no field for
 * (shown as kept, not editable) stays in the record, as `okienkoctl edit`
 * keeps it; so does every answer of a category whose definition is not
 * cached. A report moved to another category leaves its old category's
 * answers. */
static void
test_correction_keeps_dropped_attribute (void)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura przy szkole", "ul. Kilińskiego 5");
  g_autoptr (OknRecord) corrected = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *kept;

  okn_test_cache_services (store, &asked_surface, 1);
  okn_record_add_attribute (r, "size", "large");
  okn_record_add_attribute (r, "surface", "kostka brukowa");
  g_assert_true (okn_store_register (store, r, "test", &error));
  g_assert_no_error (error);

  /* The catalogue synced since: "pothole" asks size and depth only. */
  okn_test_sample_catalogue (store);
  okn_report_form_reload_catalogue (form);
  correct_description_keeps_answers (store, r->ticket, "Dziura przy szkole, coraz głębsza");

  /* Shown as kept, not as a field to edit. */
  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (okn_clerk_window_get_record_view (window)), "Correct")));
  pump ();
  g_assert_nonnull (okn_report_form_get_attribute_widget (form, "size"));
  g_assert_null (okn_report_form_get_attribute_widget (form, "surface"));
  g_assert_null (okn_report_form_get_kept_answer (form, "size"));
  kept = okn_report_form_get_kept_answer (form, "surface");
  g_assert_nonnull (kept);
  g_assert_true (gtk_widget_is_visible (kept));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kept)));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (form), "surface: kostka brukowa"));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (form), "Untick one to remove it"));
  key (GDK_KEY_Escape, 0);
  pump ();

  /* The category has attributes, but their definition is not cached: the
   * form shows none and keeps them all. */
  {
    g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
    OknService *s = g_new0 (OknService, 1);

    s->code = g_strdup ("pothole");
    s->name = g_strdup ("Dziura w jezdni");
    s->type = g_strdup ("realtime");
    s->metadata = TRUE;
    g_ptr_array_add (services, s);
    g_assert_true (okn_store_replace_services (store, services, &error));
    g_assert_no_error (error);
  }
  okn_report_form_reload_catalogue (form);
  correct_description_keeps_answers (store, r->ticket, "Dziura przy szkole, już 20 cm");

  /* Moved to a category that asks nothing: the old answers go with it. */
  okn_test_sample_catalogue (store);
  okn_report_form_reload_catalogue (form);
  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (okn_clerk_window_get_record_view (window)), "Correct")));
  pump ();
  g_assert_true (okn_report_form_select_category (form, "streetlight"));
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
  corrected = okn_store_lookup (store, r->ticket, NULL);
  g_assert_cmpstr (corrected->category, ==, "streetlight");
  g_assert_cmpuint (corrected->attributes->len, ==, 0);
  key (GDK_KEY_Escape, 0);
}

/* A correction of a pothole report stored as the catalogue asked it then
 * (asked_surface): its answers, whether the catalogue changed since (the
 * sample one: size small or large, and depth), the answer the form shows
 * as kept (ticked, read-only), whether the clerk takes it out, and the
 * answers of the stored correction, the description corrected. */
typedef struct
{
  const char *stored[8];  /* code, value, ..., NULL */
  gboolean synced;
  const char *kept;       /* the kept answer's code... */
  const char *kept_text;  /* ...and its tick's words */
  gboolean untick;        /* unticked, then the same category chosen again */
  const char *after[8];   /* code, value, ..., NULL */
} KeptCase;

/* The clerk takes a kept answer out, then picks the same category again
 * (its row once more): the answer stays out, shown unticked, and the
 * stored correction does not have it. */
static const KeptCase untick_holds = {
  { "size", "large", "surface", "asfalt", NULL }, TRUE, "surface", "surface: asfalt", TRUE,
  { "size", "large", NULL },
};

/* A stored choice the category's list no longer offers (the catalogue
 * dropped "huge" since) is not lost: shown as kept, it stays unless the
 * clerk unticks it, and the core accepts it. */
static const KeptCase unoffered_choice = {
  { "size", "huge", NULL }, TRUE, "size", "size: huge", FALSE,
  { "size", "huge", NULL },
};

/* A question answered with several texts (as `register --json` may store
 * them) keeps them all: the first in its field, the others kept. */
static const KeptCase every_value = {
  { "size", "small", "surface", "kostka brukowa", "surface", "asfalt", NULL }, FALSE, "surface", "surface: asfalt", FALSE,
  { "size", "small", "surface", "kostka brukowa", "surface", "asfalt", NULL },
};

static void
test_correction_kept_answer (gconstpointer data)
{
  const KeptCase *c = data;
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("pothole", "Dziura przy przedszkolu", "ul. Piotrkowska 100");
  g_autoptr (OknRecord) corrected = NULL;
  GtkWidget *kept;
  guint n;

  for (n = 0; c->stored[n]; n += 2)
    okn_record_add_attribute (r, c->stored[n], c->stored[n + 1]);
  store_report_asked_surface (store, r, c->synced);

  start_correction (r->ticket);
  kept = okn_report_form_get_kept_answer (form, c->kept);
  g_assert_nonnull (kept);
  g_assert_true (gtk_widget_is_visible (kept));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kept)));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (form), c->kept_text));
  if (c->untick)
    {
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (kept), FALSE);
      g_assert_true (okn_report_form_select_category (form, "pothole"));
      pump ();
      kept = okn_report_form_get_kept_answer (form, c->kept);
      g_assert_nonnull (kept);
      g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (kept)));
      /* The category's own question is asked again. */
      gtk_combo_box_set_active_id (GTK_COMBO_BOX (okn_report_form_get_attribute_widget (form, "size")),
                                   okn_record_get_attribute (r, "size"));
    }
  corrected = save_description (store, r->ticket, "Dziura przy przedszkolu, coraz większa");
  for (n = 0; c->after[n]; n += 2)
    g_assert_cmpuint (count_answers (corrected, c->after[n], c->after[n + 1]), ==, 1);
  g_assert_cmpuint (corrected->attributes->len, ==, n / 2);
}

/* A correction of an older record is not shown under the ticket of the
 * last save: its large ID and "Print again" are another record's. When
 * the correction is left, the new letter's ticket is back on its form. */
static void
test_correction_hides_last_ticket (void)
{
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  g_autoptr (OknRecord) old = store_letter ("Stanisław Dawny", "Pismo sprzed tygodnia");
  g_autofree char *saved = NULL;

  key (GDK_KEY_l, GDK_CONTROL_MASK);
  type_text ("Ewa Świeża", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Wniosek złożony dziś", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (status_has_saved, NULL));
  saved = g_strdup (okn_clerk_window_get_shown_ticket (window));
  g_assert_cmpstr (saved, !=, old->ticket);

  g_assert_true (okn_clerk_window_open_ticket (window, old->ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  pump ();
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  g_assert_null (okn_clerk_window_get_shown_ticket (window));

  key (GDK_KEY_Escape, 0);                  /* leaves the correction */
  pump ();
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  key (GDK_KEY_l, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_shown_ticket (window), ==, saved);
}

/* A ticket ID typed with a typo into the search is said to be mistyped
 * (the brief: "a typo is reported as a typo, not as not found"). */
static void
test_search_ticket_typo (void)
{
  OknSearchPage *page = okn_clerk_window_get_search_page (window);
  g_autoptr (OknRecord) r = store_letter ("Zbigniew Literówka", "Pismo do odszukania");
  g_autofree char *typo = g_strdup (r->ticket);
  g_autofree char *text = NULL;
  char *check = typo + strlen (typo) - 1;

  /* Another check character: a typo the check always catches. */
  *check = *check == 'A' ? 'B' : 'A';
  key (GDK_KEY_f, GDK_CONTROL_MASK);
  okn_search_page_set_query (page, typo);
  g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 0);
  text = okn_test_ui_all_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (text, "mistyped"));
  g_assert_null (strstr (text, "Nothing found"));

  /* Words that find nothing are still nothing found. */
  g_clear_pointer (&text, g_free);
  okn_search_page_set_query (page, "Niktniepisał");
  text = okn_test_ui_all_text (GTK_WIDGET (page));
  g_assert_nonnull (strstr (text, "Nothing found"));
  okn_search_page_set_query (page, "");
  key (GDK_KEY_l, GDK_CONTROL_MASK);
}

/* Correcting an old letter does not change the next new letter's sticky
 * values (delivery method, unit). */
/* The window's stack of pages: the first GtkStack under it. */
static GtkWidget *
find_stack (GtkWidget *root)
{
  if (GTK_IS_STACK (root))
    return root;
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        {
          GtkWidget *w = find_stack (l->data);
          if (w)
            return w;
        }
    }
  return NULL;
}

/* The keyboard is somewhere a clerk can see and use: a shown, sensitive
 * field or button of the page in front of her. */
static void
assert_focus_usable (const char *after)
{
  GtkWidget *w = focus ();
  GtkWidget *page = gtk_stack_get_visible_child (GTK_STACK (find_stack (GTK_WIDGET (window))));

  if (w == NULL)
    g_error ("after %s no widget has the focus", after);
  if (!gtk_widget_is_drawable (w) || !gtk_widget_is_sensitive (w) || !gtk_widget_is_ancestor (w, page))
    g_error ("after %s the focus is on a %s that is %s", after, G_OBJECT_TYPE_NAME (w),
             !gtk_widget_is_drawable (w) ? "not shown" : !gtk_widget_is_sensitive (w) ? "greyed out"
                                                                                      : "not on the page shown");
  g_assert_true (gtk_window_get_focus_visible (GTK_WINDOW (window)));
}

/* Issue 10: after Correct, after going back from a correction, after
 * cancelling a record and after exporting the register, the clerk's next
 * key goes to a field or button she can see. */
static void
test_focus_after_actions (void)
{
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  OknRegisterPage *reg = okn_clerk_window_get_register_page (window);
  g_autoptr (OknRecord) r = store_letter ("Halina Ostrowska", "Prośba o kopię decyzji");
  g_autofree char *csv_path = g_build_filename (tmpdir, "focus-register.csv", NULL);
  GtkWidget *button, *dialog;

  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();

  /* Correct, chosen by the keyboard: the form's first field. */
  button = find_named (GTK_WIDGET (view), "Correct");
  gtk_widget_grab_focus (button);
  key (GDK_KEY_Return, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "letter");
  assert_focus_usable ("Correct");
  g_assert_true (focus () == find_named (GTK_WIDGET (window), "Sender"));

  /* Escape leaves the correction: back on the record. */
  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");
  assert_focus_usable ("leaving a correction");

  /* Cancel the record: its buttons go grey, the keyboard stays usable. */
  button = find_named (GTK_WIDGET (view), "Cancel the record…");
  gtk_widget_grab_focus (button);
  key (GDK_KEY_Return, 0);
  dialog = cancel_dialog ();
  g_assert_nonnull (dialog);
  gtk_entry_set_text (GTK_ENTRY (find_named (dialog, "Reason")), "Złożone dwa razy");
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_ACCEPT);
  g_assert_true (wait_for (view_idle, view));
  g_assert_null (cancel_dialog ());
  pump ();
  assert_focus_usable ("cancelling a record");

  /* Export the register as CSV (what the file chooser's Save starts). */
  key (GDK_KEY_d, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "register");
  button = find_named (GTK_WIDGET (reg), "Export CSV…");
  gtk_widget_grab_focus (button);
  okn_register_page_export (reg, OKN_EXPORT_CSV, csv_path);
  g_assert_true (wait_for (register_idle, reg));
  g_assert_true (g_file_test (csv_path, G_FILE_TEST_EXISTS));
  pump ();
  assert_focus_usable ("a CSV export");
  key (GDK_KEY_Escape, 0);
}

/* The pixels of @widget as drawn now, its own size. */
static cairo_surface_t *
draw_widget (GtkWidget *widget)
{
  cairo_surface_t *surface;
  cairo_t *cr;

  /* Laid out as the next frame would be: a change of state (the focus)
   * may have asked for a new allocation. */
  gtk_container_check_resize (GTK_CONTAINER (gtk_widget_get_toplevel (widget)));
  pump ();
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gtk_widget_get_allocated_width (widget),
                                        gtk_widget_get_allocated_height (widget));
  cr = cairo_create (surface);
  gtk_widget_draw (widget, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Pixels that differ in the outer @band pixels of two same-sized drawings:
 * the frame, where a focus ring is drawn (not the text's cursor). */
static guint
frame_pixels_changed (cairo_surface_t *a,
                      cairo_surface_t *b,
                      int              band)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);
  const guchar *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  guint changed = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if ((x < band || y < band || x >= w - band || y >= h - band)
          && memcmp (pa + y * stride + x * 4, pb + y * stride + x * 4, 4) != 0)
        changed++;
  return changed;
}

/* Issue 10: the description box shows that it has the keyboard, as the
 * one-line fields do. */
static void
test_description_focus_ring (void)
{
  GtkWidget *description, *frame, *category;
  cairo_surface_t *before, *after;
  guint changed;

  key (GDK_KEY_r, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  description = find_named (GTK_WIDGET (window), "Description");
  frame = gtk_widget_get_parent (description);
  category = focus ();
  g_assert_true (category != description);
  pump ();
  before = draw_widget (frame);
  gtk_widget_grab_focus (description);
  pump ();
  after = draw_widget (frame);
  changed = frame_pixels_changed (before, after, 2);
  g_test_message ("%u pixels of the description's frame changed with the focus (of %d×%d)", changed,
                  cairo_image_surface_get_width (after), cairo_image_surface_get_height (after));
  /* A ring all round: at least the frame's perimeter once. */
  g_assert_cmpuint (changed, >=, (guint) (cairo_image_surface_get_width (after)
                                          + cairo_image_surface_get_height (after)));
  cairo_surface_destroy (before);
  cairo_surface_destroy (after);
  okn_report_form_reset (okn_clerk_window_get_report_form (window));
}

static void
test_correction_keeps_sticky (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) old = okn_test_letter ("Stary Nadawca", "Stara sprawa");
  g_autoptr (GError) error = NULL;
  GtkWidget *unit = gtk_bin_get_child (GTK_BIN (find_named (GTK_WIDGET (window), "Unit")));
  GtkWidget *delivery = find_named (GTK_WIDGET (window), "Delivery method");

  old->unit = g_strdup ("Wydział Gospodarki Komunalnej");
  old->delivery = OKN_DELIVERY_COURIER;
  g_assert_true (okn_store_register (store, old, "test", &error));
  okn_letter_form_reset (form);
  okn_clerk_window_show_page (window, "letter");
  gtk_entry_set_text (GTK_ENTRY (unit), "Biuro Rady Miejskiej");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (delivery), "post");

  g_assert_true (okn_clerk_window_open_ticket (window, old->ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  pump ();
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (unit)), ==, "Wydział Gospodarki Komunalnej");
  gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Subject")), "Stara sprawa, poprawiona");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (session_idle, okn_letter_form_get_session (form)));
  okn_clerk_window_show_page (window, "letter");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (unit)), ==, "Biuro Rady Miejskiej");
  g_assert_cmpstr (gtk_combo_box_get_active_id (GTK_COMBO_BOX (delivery)), ==, "post");
  okn_letter_form_reset (form);
}

/* While the store is locked (the sync service in a long transaction) the
 * save waits in its thread: the window stays live and refuses to close, so
 * the letter is not left half-done with its draft offered again. */
static void
test_close_waits_for_save (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  gint64 before = count_records (OKN_KIND_LETTER);
  sqlite3 *db = NULL;

  g_assert_true (okn_clerk_window_can_close (window));
  g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  okn_clerk_window_show_page (window, "letter");
  type_text ("Jan Zamknięty", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (okn_form_session_get_busy (okn_letter_form_get_session (form)));
  g_assert_false (okn_clerk_window_can_close (window));
  g_assert_nonnull (strstr (okn_clerk_window_get_status (window), "close Okienko again"));
  /* The main loop still runs: keys still reach the window. */
  key (GDK_KEY_f, GDK_CONTROL_MASK);
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "find");

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (wait_for (session_idle, okn_letter_form_get_session (form)));
  g_assert_cmpint (count_records (OKN_KIND_LETTER), ==, before + 1);
  g_assert_true (okn_clerk_window_can_close (window));
}

/* Ctrl+Enter on the next letter while the last one is still being stored
 * queues nothing (a queued letter could be lost when the last one is
 * refused): the form keeps it, says to press again, and it is stored
 * after the second Ctrl+Enter once the first save ended. */
static void
test_save_next_while_saving (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  OknFormSession *session = okn_letter_form_get_session (form);
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) first = NULL;
  g_autoptr (GPtrArray) second = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *sender = NULL;
  GtkWidget *address = NULL;
  sqlite3 *db = NULL;

  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  address = find_named (GTK_WIDGET (window), "Sender’s address");
  g_assert_true (focus () == sender);
  g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  type_text ("Anna Pierwsza", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 1", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (okn_form_session_get_busy (session));
  type_text ("Bogdan Drugi", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 2", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_nonnull (find_shown_label (GTK_WIDGET (window), "Press Ctrl+Enter again"));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Bogdan Drugi");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (address)), ==, "Zgierska 2");

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (wait_for (session_idle, session));
  store = okn_test_open_app_store ();
  first = okn_store_search (store, "Pierwsza", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 1);
  second = okn_store_search (store, "Drugi", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 0);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Bogdan Drugi");
  g_assert_null (find_shown_label (GTK_WIDGET (window), "Press Ctrl+Enter again"));

  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (session_idle, session));
  again = okn_store_search (store, "Drugi", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->len, ==, 1);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "");
}

/* A correction asked for while the letter form still stores the last new
 * letter: the form would be the correction's, and the end of that save
 * would put the new letter's form back over it, throwing the correction
 * away. The desk says to wait instead; the letter typed meanwhile stays. */
static void
test_correction_waits_for_save (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  OknFormSession *session = okn_letter_form_get_session (form);
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) earlier = okn_store_search (store, "Pierwsza", 1, NULL);
  g_autoptr (GPtrArray) saved = NULL;
  g_autofree char *ticket = NULL;
  GtkWidget *sender = NULL;
  sqlite3 *db = NULL;

  g_assert_cmpuint (earlier->len, ==, 1);
  ticket = g_strdup (((OknRecord *) g_ptr_array_index (earlier, 0))->ticket);
  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  gtk_widget_grab_focus (sender);
  g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  type_text ("Celina Trzecia", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 3", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (okn_form_session_get_busy (session));
  gtk_widget_grab_focus (sender);
  type_text ("Dorota", 100);

  g_assert_true (okn_clerk_window_open_ticket (window, ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  pump ();
  g_assert_null (okn_form_session_get_editing (session));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (window), "correct this one once it is stored"));

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (wait_for (session_idle, session));
  saved = okn_store_search (store, "Trzecia", 10, NULL);
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Dorota");

  /* Stored: now the correction takes the form, and the letter begun
   * meanwhile is set aside for after it. */
  g_assert_true (okn_clerk_window_open_ticket (window, ticket));
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  pump ();
  g_assert_nonnull (okn_form_session_get_editing (session));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Anna Pierwsza");
  key (GDK_KEY_Escape, 0);                  /* leaves the correction */
  pump ();
  g_assert_null (okn_form_session_get_editing (session));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Dorota");
  okn_letter_form_reset (form);
  okn_clerk_window_show_page (window, "letter");
}

/* A fast clerk types the next letter's sender right after Ctrl+Enter,
 * while the last one is still being stored and printed: the keys go to
 * the next letter's form, and the end of the save wipes none of them. The
 * database held locked keeps the save running, whatever the machine's
 * speed. */
static void
test_type_next_while_saving (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *sender = NULL;
  sqlite3 *db = NULL;

  okn_clerk_window_show_page (window, "letter");
  sender = find_named (GTK_WIDGET (window), "Sender");
  g_assert_true (focus () == sender);
  g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  type_text ("Jan Pośpieszny", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 5", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (okn_form_session_get_busy (okn_letter_form_get_session (form)));
  /* The next letter at once, in its first field. */
  g_assert_true (focus () == sender);
  type_text ("Ewa Następna", 100);

  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (wait_for (session_idle, okn_letter_form_get_session (form)));

  store = okn_test_open_app_store ();
  found = okn_store_search (store, "Pośpieszny", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (found, 0))->sender_name, ==, "Jan Pośpieszny");
  g_assert_cmpstr (((OknRecord *) g_ptr_array_index (found, 0))->sender_address, ==, "Zgierska 5");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "Ewa Następna");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Sender’s address"))), ==, "");
  g_assert_true (focus () == sender);
  /* The ticket of the stored letter is on screen above the next one, says
   * it is the one before, and stays while the next one is typed: the next
   * key took it (and what printing did) away as soon as it came. */
  g_assert_nonnull (okn_clerk_window_get_shown_ticket (window));
  g_assert_nonnull (find_shown_label (GTK_WIDGET (window), "the form below is already the next one"));
  type_text ("k", 100);
  g_assert_nonnull (okn_clerk_window_get_shown_ticket (window));
  key (GDK_KEY_BackSpace, 0);

  key (GDK_KEY_Escape, 0);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (sender)), ==, "");

  /* A report, and the next one's category search typed at once: the
   * search is not part of a draft, and stays too. */
  key (GDK_KEY_r, GDK_CONTROL_MASK);
  g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  type_text ("latarnia", 100);
  key (GDK_KEY_Return, 0);
  type_text ("Nie świeci", 100);
  /* The keys come here with no frame between them: the category's
   * questions (and the last letter's ticket above the form) are laid out
   * before Tab looks for the field after the description, as the frames
   * between a person's keys do. */
  gtk_container_check_resize (GTK_CONTAINER (window));
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 7", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (okn_form_session_get_busy (okn_report_form_get_session (okn_clerk_window_get_report_form (window))));
  type_text ("ław", 100);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (okn_clerk_window_get_report_form (window))));
  g_assert_true (GTK_IS_ENTRY (focus ()));
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (focus ())), ==, "ław");
  key (GDK_KEY_Escape, 0);
  okn_clerk_window_show_page (window, "letter");
}

/* The child: types into the letter form and then waits to be killed. */
static int
draft_child (void)
{
  OknApplication *a = start_app ();
  OknClerkWindow *w = OKN_CLERK_WINDOW (okn_application_get_clerk_window (a));

  window = w;
  type_text ("Maria Draftowa", 100);
  key (GDK_KEY_Tab, 0);
  key (GDK_KEY_Tab, 0);
  type_text ("Zgierska 5", 100);
  /* Only the draft on disk counts: once it holds the last field typed,
   * say so to the parent and wait for the kill. */
  while (!draft_has ((gpointer) "Zgierska 5"))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
  g_assert_true (g_file_set_contents (g_getenv ("OKN_TEST_DRAFT_SAVED"), "", 0, NULL));
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* SIGKILL a desk in the middle of a letter; the next start offers it back
 * and restores every typed field. */
static void
test_draft_after_kill (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "draft.db", NULL);
  g_autofree char *old_db = g_strdup (g_getenv ("OKIENKO_DB"));
  g_autofree char *draft = okn_draft_path (db, "letter");
  g_autofree char *saved = g_build_filename (tmpdir, "draft-child-saved", NULL);
  gint64 deadline = g_get_monotonic_time () + 240 * G_USEC_PER_SEC;
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  OknApplication *second;
  OknClerkWindow *w;
  OknStore *store;
  gboolean ready;

  store = okn_store_open (db, &error);
  g_assert_no_error (error);
  okn_store_init_station (store, "K04", "test", &error);
  g_assert_no_error (error);
  okn_store_close (store);

  g_subprocess_launcher_setenv (launcher, "OKIENKO_DB", db, TRUE);
  g_subprocess_launcher_setenv (launcher, "OKN_TEST_DRAFT_SAVED", saved, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--draft-child", NULL);
  g_assert_no_error (error);
  /* Killed once its draft holds every field typed, however long a
   * loaded machine takes to start the child's desk under the sanitizers
   * (the test's own timeout bounds the wait); a kill at a fixed moment
   * after the draft's first write could come before the last field's. */
  while (!(ready = g_file_test (saved, G_FILE_TEST_EXISTS)) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (ready);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);

  g_setenv ("OKIENKO_DB", db, TRUE);
  second = start_app ();
  w = OKN_CLERK_WINDOW (okn_application_get_clerk_window (second));
  g_assert_true (okn_clerk_window_has_draft_offer (w));
  g_assert_nonnull (strstr (okn_clerk_window_get_draft_text (w), "Maria Draftowa"));
  okn_clerk_window_answer_draft (w, TRUE);
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (w), "Sender"))), ==, "Maria Draftowa");
  g_assert_cmpstr (gtk_entry_get_text (GTK_ENTRY (find_named (GTK_WIDGET (w), "Sender’s address"))), ==,
                   "Zgierska 5");
  g_assert_cmpstr (okn_clerk_window_get_page (w), ==, "letter");
  g_assert_false (okn_clerk_window_has_draft_offer (w));

  okn_test_ui_destroy (GTK_WIDGET (w));
  g_object_unref (second);

  /* Declined after typing a new letter: the file is that letter's draft
   * now and stays. Declined with nothing typed: it goes. */
  for (int typed = 1; typed >= 0; typed--)
    {
      OknApplication *again = start_app ();

      w = OKN_CLERK_WINDOW (okn_application_get_clerk_window (again));
      g_assert_true (okn_clerk_window_has_draft_offer (w));
      if (typed)
        {
          gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (w), "Sender")), "Nowy Nadawca");
          g_assert_true (wait_for (draft_has, (gpointer) "Nowy Nadawca"));
        }
      okn_clerk_window_answer_draft (w, FALSE);
      okn_test_ui_destroy (GTK_WIDGET (w));
      g_object_unref (again);
      if (typed)
        g_assert_true (draft_has ((gpointer) "Nowy Nadawca"));
      else
        g_assert_false (g_file_test (draft, G_FILE_TEST_EXISTS));
    }
  g_setenv ("OKIENKO_DB", old_db, TRUE);
}

static gboolean
sync_done (gpointer data)
{
  return !okn_clerk_window_is_syncing (window);
}

static gboolean
report_state_is (gpointer data)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = okn_store_search (store, "przejściu", 1, NULL);

  return found && found->len == 1
         && ((OknRecord *) g_ptr_array_index (found, 0))->sync_state == (OknSyncState) GPOINTER_TO_INT (data);
}

/* "Sync now" runs the core's engine in a thread against a loopback Open311
 * server while the window keeps running; the server refuses the report
 * (its catalogue requires other attributes), the record view shows the
 * server's words, and a correction re-queues it until it is sent. */
static void
test_sync_now_and_attention (void)
{
  g_autoptr (OknOpen311Server) server = okn_open311_server_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *conf_add = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) found = NULL;
  OknRecordView *view = okn_clerk_window_get_record_view (window);
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  const OknRecord *shown;
  g_autofree char *ticket = NULL;
  guint ticks = 0;

  g_assert_nonnull (strstr (okn_clerk_window_get_sync_text (window), "sync not configured"));
  okn_open311_server_start (server, 0, &error);
  g_assert_no_error (error);
  url = okn_open311_server_get_url (server);
  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &conf_text, NULL, NULL));
  conf_add = g_strdup_printf ("%s[server]\nurl=%s\napi_key=%s\n", conf_text, url,
                              okn_open311_server_get_api_key (server));
  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), conf_add, -1, NULL));
  okn_application_reload_config (app, &error);
  g_assert_no_error (error);
  okn_clerk_window_reload_config (window);

  /* The engine's writes wait while the test holds the store: it is surely
   * still running when the key has been handled. */
  {
    sqlite3 *db = NULL;

    g_assert_cmpint (sqlite3_open (g_getenv ("OKIENKO_DB"), &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
    key (GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
    g_assert_true (okn_clerk_window_is_syncing (window));
    g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  /* The main loop keeps turning while the engine works. */
  while (okn_clerk_window_is_syncing (window) && ticks < WAIT_S * 500)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
      ticks++;
    }
  g_assert_false (okn_clerk_window_is_syncing (window));
  g_assert_true (wait_for (report_state_is, GINT_TO_POINTER (OKN_SYNC_NEEDS_ATTENTION)));

  store = okn_test_open_app_store ();
  found = okn_store_search (store, "przejściu", 1, NULL);
  ticket = g_strdup (((OknRecord *) g_ptr_array_index (found, 0))->ticket);
  g_assert_true (okn_clerk_window_open_ticket (window, ticket));
  shown = okn_record_view_get_record (view);
  g_assert_cmpint (shown->sync_state, ==, OKN_SYNC_NEEDS_ATTENTION);
  g_assert_nonnull (shown->server_error);
  g_assert_nonnull (find_named (GTK_WIDGET (view), "Correct"));
  g_assert_true (gtk_widget_get_sensitive (find_named (GTK_WIDGET (view), "Correct")));
  g_assert_nonnull (strstr (okn_clerk_window_get_sync_text (window), "needs attention"));

  /* Correct it with the refreshed catalogue's attributes and send again;
   * the answer to the question the server dropped is kept unless the
   * clerk takes it out. */
  gtk_button_clicked (GTK_BUTTON (find_named (GTK_WIDGET (view), "Correct")));
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  g_assert_true ((okn_form_session_get_editing (okn_report_form_get_session (form)) != NULL));
  g_assert_nonnull (okn_report_form_get_kept_answer (form, "size"));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (okn_report_form_get_kept_answer (form, "size")), FALSE);
  g_assert_nonnull (okn_report_form_get_attribute_widget (form, "depth"));
  gtk_entry_set_text (GTK_ENTRY (okn_report_form_get_attribute_widget (form, "depth")), "12");
  gtk_combo_box_set_active_id (GTK_COMBO_BOX (okn_report_form_get_attribute_widget (form, "lane")), "both");
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  g_assert_true (wait_for (report_state_is, GINT_TO_POINTER (OKN_SYNC_QUEUED)));
  g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "record");

  okn_clerk_window_sync_now (window);
  g_assert_true (wait_for (sync_done, NULL));
  g_assert_true (wait_for (report_state_is, GINT_TO_POINTER (OKN_SYNC_SYNCED)));
  okn_record_view_reload (view);
  g_assert_nonnull (okn_record_view_get_record (view)->server_id);
  g_assert_nonnull (strstr (okn_clerk_window_get_sync_text (window), "last sync"));
  okn_open311_server_stop (server);
  key (GDK_KEY_Escape, 0);
}

/* A sync stopped by a setting the Preferences dialog has points the
 * clerk at that field by its label, not at a configuration key or an
 * okienkoctl command. */
static void
test_sync_names_preferences (void)
{
  g_autoptr (OknOpen311Server) server = okn_open311_server_new ();
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("streetlight", "Latarnia miga", "ul. Zgierska 3");
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *conf_add = NULL;
  g_autofree char *tooltip = NULL;
  const char *status;

  okn_test_sample_catalogue (store);
  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  okn_open311_server_start (server, 0, &error);
  g_assert_no_error (error);
  url = okn_open311_server_get_url (server);
  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &conf_text, NULL, NULL));
  conf_add = g_strdup_printf ("%s[server]\nurl=%s\n", conf_text, url);
  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), conf_add, -1, NULL));
  okn_application_reload_config (app, &error);
  g_assert_no_error (error);
  okn_clerk_window_reload_config (window);

  okn_clerk_window_sync_now (window);
  g_assert_true (wait_for (sync_done, NULL));
  status = okn_clerk_window_get_status (window);
  g_test_message ("%s", status);
  /* Alone, the key is missing; after other tests, the letters' service
   * code first. The core says which setting as data; the window names
   * its field. */
  if (strstr (status, "API key"))
    g_assert_cmpstr (status, ==, "No API key is set: the server takes no requests without it. "
                                 "Set “API key” in Preferences (Ctrl+,).");
  else
    g_assert_cmpstr (status, ==, "Letters are not sent: no service code for letters is set; reports are "
                                 "sent as usual. Set “Service code for letters” in Preferences (Ctrl+,).");
  /* The sync line's tooltip reads the error the run stored, and names
   * the same field, not its key. */
  tooltip = okn_clerk_window_get_sync_tooltip (window);
  g_test_message ("%s", tooltip);
  g_assert_nonnull (tooltip);
  g_assert_nonnull (strstr (tooltip, status));
  g_assert_null (strstr (tooltip, "server."));
  g_assert_null (strstr (tooltip, "letters."));

  /* A sync that ran in Polish (okienkoctl, as a service might) stored its
   * words in Polish: this English desk shows them whole, not with its own
   * English hint after them. */
  {
    static const char *const sync_once[] = { "sync", "--once", NULL };
    g_autoptr (GPtrArray) argv = okn_test_ctl_argv (g_getenv ("OKIENKO_DB"), g_getenv ("OKIENKO_CONFIG"),
                                                    sync_once);
    g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                          | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_autoptr (GSubprocess) ctl = NULL;
    g_autofree char *stored = NULL;
    g_autofree char *polish = NULL;

    g_subprocess_launcher_setenv (launcher, "LANGUAGE", "pl", TRUE);
    ctl = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait (ctl, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_subprocess_get_exit_status (ctl), ==, 2);
    stored = okn_store_get_meta (store, "sync.last_error");
    g_test_message ("%s", stored);
    g_assert_nonnull (strstr (stored, "Ustaw"));
    okn_clerk_window_update_sync (window);
    polish = okn_clerk_window_get_sync_tooltip (window);
    g_test_message ("%s", polish);
    g_assert_nonnull (strstr (polish, stored));
    g_assert_null (strstr (polish, "Preferences"));
  }

  /* Two fields the dialog has; a key it lacks keeps its name. */
  {
    g_autoptr (OknSettingFix) two = okn_setting_fix_new (OKN_SETTING_CHECK, "server.jurisdiction_id",
                                                         "server.api_key", "Refused.");
    g_autoptr (OknSettingFix) other = okn_setting_fix_new (OKN_SETTING_CHECK, "server.ca_file", NULL,
                                                           "Refused.");
    g_autofree char *name = okn_preferences_field_name (two->key);
    g_autofree char *also = okn_preferences_field_name (two->also);
    g_autofree char *said = okn_setting_fix_describe (two, name, also);
    g_autofree char *none = okn_preferences_field_name (other->key);
    g_autofree char *said_other = okn_setting_fix_describe (other, none, NULL);

    g_assert_cmpstr (said, ==, "Refused. Check “Jurisdiction” in Preferences (Ctrl+,) and "
                               "“API key” in Preferences (Ctrl+,).");
    g_assert_null (none);
    g_assert_cmpstr (said_other, ==, "Refused. Check server.ca_file.");
  }

  g_assert_true (g_file_set_contents (g_getenv ("OKIENKO_CONFIG"), conf_text, -1, NULL));
  okn_application_reload_config (app, &error);
  g_assert_no_error (error);
  okn_clerk_window_reload_config (window);
  okn_open311_server_stop (server);
}

/* Every label's text under @w, one a line. */
static void
collect_labels (GtkWidget *w,
                gpointer   data)
{
  if (GTK_IS_LABEL (w))
    g_string_append_printf (data, "%s\n", gtk_label_get_text (GTK_LABEL (w)));
  if (GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), collect_labels, data);
}

/* The server's words, and text that came in by other ways than the form,
 * are shown with their control characters and bidi overrides neutralised:
 * the record view, the search results and the daily register. */
static void
test_outside_text_safe (void)
{
  const char *hostile = "Odrzucono\x1b]0;pwned\a\r\nzmiana \xe2\x80\xae""cod.exe";
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_letter ("Jan Zewnętrzny", "Wniosek");
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) labels = g_string_new (NULL);
  OknSearchPage *page = okn_clerk_window_get_search_page (window);
  char *sql;

  g_assert_true (okn_store_register (store, r, NULL, &error));
  sql = sqlite3_mprintf ("UPDATE records SET server_status = %Q, server_status_notes = %Q, "
                         "server_error = %Q, subject = %Q WHERE ticket = %Q",
                         hostile, hostile, hostile, hostile, r->ticket);
  okn_test_sql_exec (g_getenv ("OKIENKO_DB"), sql);
  sqlite3_free (sql);

  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();
  collect_labels (GTK_WIDGET (okn_clerk_window_get_record_view (window)), labels);
  g_assert_nonnull (strstr (labels->str, "Odrzucono"));
  okn_test_assert_display_safe ("record view", labels->str);

  okn_search_page_set_query (page, "Zewnętrzny");
  okn_search_page_refresh (page);
  g_assert_cmpuint (okn_search_page_get_n_results (page), ==, 1);
  g_string_truncate (labels, 0);
  collect_labels (GTK_WIDGET (page), labels);
  g_assert_nonnull (strstr (labels->str, "Odrzucono"));
  okn_test_assert_display_safe ("search results", labels->str);

  {
    OknRegisterPage *reg = okn_clerk_window_get_register_page (window);
    GtkWidget *view = find_named (GTK_WIDGET (reg), "Letters received on the day");
    GtkTreeModel *model;
    GtkTreeIter iter;
    gboolean found = FALSE;

    okn_register_page_refresh (reg);
    g_assert_true (GTK_IS_TREE_VIEW (view));
    model = gtk_tree_view_get_model (GTK_TREE_VIEW (view));
    for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok;
         ok = gtk_tree_model_iter_next (model, &iter))
      {
        g_autofree char *subject = NULL;

        gtk_tree_model_get (model, &iter, 5, &subject, -1);
        if (subject && strstr (subject, "Odrzucono"))
          {
            found = TRUE;
            okn_test_assert_display_safe ("register", subject);
          }
      }
    g_assert_true (found);
  }
  key (GDK_KEY_Escape, 0);
}

static gboolean
hint_shown (gpointer data)
{
  return gtk_widget_get_visible (okn_report_form_get_catalogue_hint (data)) == GPOINTER_TO_INT (g_object_get_data (data, "want"));
}

/* A fresh offline station: with no categories the report form says where
 * they come from; a catalogue imported by okienkoctl, another process,
 * reaches the running desk without a restart. */
static void
test_catalogue_reaches_desk (void)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) none = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *file = g_build_filename (OKN_SOURCE_ROOT, "tests", "fixtures", "catalogue.json", NULL);
  g_autofree char *err = NULL;

  g_assert_false (gtk_widget_get_visible (okn_report_form_get_catalogue_hint (form)));
  g_assert_true (okn_store_replace_services (store, none, &error));
  g_assert_true (okn_store_set_meta (store, "catalogue.fetched_at", "2026-01-01T08:00:00+01:00", &error));
  g_assert_no_error (error);
  key (GDK_KEY_r, GDK_CONTROL_MASK);
  g_object_set_data (G_OBJECT (form), "want", GINT_TO_POINTER (TRUE));
  g_assert_true (wait_for (hint_shown, form));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (okn_report_form_get_catalogue_hint (form))),
                            "okienkoctl services import"));

  g_assert_cmpint (okn_test_run_ctl (g_getenv ("OKIENKO_DB"), g_getenv ("OKIENKO_CONFIG"), NULL, NULL, &err,
                                     "services", "import", file, NULL), ==, 0);
  g_object_set_data (G_OBJECT (form), "want", GINT_TO_POINTER (FALSE));
  g_assert_true (wait_for (hint_shown, form));
  g_assert_true (okn_report_form_select_category (form, "bench"));
  g_assert_false (okn_report_form_select_category (form, "no-such-category"));
  okn_report_form_reset (form);
  key (GDK_KEY_Escape, 0);
}

/* The category chosen by search + Enter: the keyboard goes on to its first
 * question (or the description), never back into the search; Escape in
 * the search clears the form, as its button says. */
static void
test_category_keys (void)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  GtkWidget *description = find_named (GTK_WIDGET (window), "Description");

  key (GDK_KEY_r, GDK_CONTROL_MASK);
  type_text ("dziura", 100);
  key (GDK_KEY_Return, 0);
  g_assert_nonnull (okn_report_form_get_attribute_widget (form, "size"));
  g_assert_true (focus () == okn_report_form_get_attribute_widget (form, "size")
                 || gtk_widget_is_ancestor (focus (), okn_report_form_get_attribute_widget (form, "size")));
  okn_report_form_reset (form);
  okn_report_form_focus_first (form);
  type_text ("latarnia", 100);
  key (GDK_KEY_Return, 0);
  g_assert_true (focus () == description);
  type_text ("Ciemno", 100);
  {
    g_autofree char *text = text_view_text (description);
    g_assert_cmpstr (text, ==, "Ciemno");
  }
  /* Back in the search, Escape clears the whole form. */
  okn_report_form_focus_first (form);
  type_text ("dzi", 100);
  key (GDK_KEY_Escape, 0);
  {
    g_autofree char *text = text_view_text (description);
    g_assert_cmpstr (text, ==, "");
  }
  g_assert_nonnull (strstr (okn_clerk_window_get_status (window), "Ctrl+Z"));
  g_assert_cmpstr (okn_clerk_window_get_page (window), ==, "report");
  okn_report_form_reset (form);
  okn_clerk_window_show_page (window, "letter");
}

/* The smallest size the window can take now, whatever page it shows. */
static void
assert_fits (const char *what,
             int         width,
             int         height)
{
  int min_w = 0, min_h = 0;

  gtk_widget_get_preferred_width (GTK_WIDGET (window), &min_w, NULL);
  gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), width, &min_h, NULL);
  if (min_w > width || min_h > height)
    g_error ("%s needs at least %d×%d px, more than a %d×%d screen", what, min_w, min_h, width, height);
}

/* A letter with long texts, cancelled with a long reason: the record
 * page at its widest. */
static OknRecord *
long_cancelled_letter (OknStore *store)
{
  g_autoptr (OknRecord) r = okn_test_letter ("Przedsiębiorstwo Wodociągów i Kanalizacji Spółka z ograniczoną odpowiedzialnością w Łodzi",
                                             "Wniosek o wydanie zaświadczenia o niezaleganiu z opłatami za dostawę wody i odprowadzanie ścieków za rok 2026");
  g_autoptr (GError) error = NULL;

  r->sender_address = g_strdup ("ul. Księdza Biskupa Wincentego Tymienieckiego 123/456, 90-365 Łódź, skrytka pocztowa 789");
  /* A notes field may hold 2000 characters, pasted without a space: a
   * reference number, an identifier from ePUAP. */
  r->notes = g_strdup ("Uwagi bardzo długie, bez przerw: ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
  g_assert_true (okn_store_register (store, r, "test", &error));
  g_assert_true (okn_store_cancel (store, r->ticket, "Pomyłka: wpis zdublowany przez drugie stanowisko kancelarii", "test", &error));
  g_assert_no_error (error);
  return g_steal_pointer (&r);
}

/* Every page fits 1024×768 and 1280×720 at any time: after a long,
 * cancelled record was opened too (it once raised the window's minimum
 * width to ~1120 px for the rest of the session), with the ticket on
 * screen, and with a report category's attributes shown; 1024×768 with
 * large text too. */
static void
test_fits_small_screens (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = long_cancelled_letter (store);
  const char *pages[] = { "letter", "report", "find", "register", "record", "letter" };

  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      if (!g_str_equal (pages[i], "record"))
        okn_clerk_window_show_page (window, pages[i]);
      else
        g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
      pump ();
      assert_fits (pages[i], 1024, 768 - 40);
      assert_fits (pages[i], 1280, 720 - 40);
    }
  /* A category with its attributes on the report form. */
  okn_clerk_window_show_page (window, "report");
  g_assert_true (okn_report_form_select_category (okn_clerk_window_get_report_form (window), "pothole"));
  pump ();
  assert_fits ("report with attributes", 1024, 768 - 40);
  assert_fits ("report with attributes", 1280, 720 - 40);
  okn_report_form_reset (okn_clerk_window_get_report_form (window));

  /* And with GNOME's Large Text (fonts at 125 %) turned on while the desk
   * runs: the search's result columns once needed 1345 px there.
   * /desk/fits-larger-text starts the desk with larger text. */
  {
    GtkSettings *settings = gtk_settings_get_default ();
    int dpi = 0;

    g_object_get (settings, "gtk-xft-dpi", &dpi, NULL);
    g_object_set (settings, "gtk-xft-dpi", 96 * 1024 * 5 / 4, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        g_autofree char *what = g_strconcat (pages[i], " in large text", NULL);

        if (!g_str_equal (pages[i], "record"))
          okn_clerk_window_show_page (window, pages[i]);
        else
          g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
        pump ();
        assert_fits (what, 1024, 768 - 40);
      }
    g_object_set (settings, "gtk-xft-dpi", dpi, NULL);
    pump ();
  }
  okn_clerk_window_show_page (window, "letter");
}

/* The error label a field is described by (the form says so for screen
 * readers). */
static GtkWidget *
error_of (GtkWidget *field)
{
  g_autoptr (AtkRelationSet) rels = atk_object_ref_relation_set (gtk_widget_get_accessible (field));
  AtkRelation *rel = atk_relation_set_get_relation_by_type (rels, ATK_RELATION_DESCRIBED_BY);
  GPtrArray *targets = rel ? atk_relation_get_target (rel) : NULL;

  g_assert_nonnull (targets);
  g_assert_cmpuint (targets->len, >, 0);
  return gtk_accessible_get_widget (GTK_ACCESSIBLE (g_ptr_array_index (targets, 0)));
}

/* An inline error goes as soon as its field is changed, typed by the
 * keyboard; the others stay until the next save checks again. Saving
 * puts the keyboard on the topmost field with a problem. */
static void
test_inline_errors_clear (void)
{
  OknLetterForm *form = okn_clerk_window_get_letter_form (window);
  GtkWidget *date, *date_error, *pages_error;

  okn_letter_form_reset (form);
  key (GDK_KEY_l, GDK_CONTROL_MASK);
  type_text ("Ewa Błędna", 100);
  date = find_named (GTK_WIDGET (window), "Date on the letter");
  date_error = error_of (date);
  pages_error = error_of (find_named (GTK_WIDGET (window), "Received"));
  gtk_widget_grab_focus (date);
  type_text ("31.02.2026", 100);
  gtk_widget_grab_focus (find_named (GTK_WIDGET (window), "Received"));
  gtk_editable_delete_text (GTK_EDITABLE (focus ()), 0, -1);
  type_text ("45.13.2026 25:61", 100);
  key (GDK_KEY_Return, GDK_CONTROL_MASK);
  pump ();
  g_assert_true (gtk_widget_get_visible (date_error));
  g_assert_true (gtk_widget_get_visible (pages_error));
  /* The keyboard goes to the topmost wrong field, where the clerk reads
   * from, not to whichever the core checked first. */
  g_assert_true (focus () == date);
  key (GDK_KEY_BackSpace, 0);
  type_text ("5", 100);
  g_assert_false (gtk_widget_get_visible (date_error));
  g_assert_true (gtk_widget_get_visible (pages_error));
  okn_letter_form_reset (form);
}

/* Words ------------------------------------------------------------------ */

/* A .po string's text from its quoted lines. */
static void
po_append (GString    *to,
           const char *quoted)
{
  const char *q = strchr (quoted, '"');

  if (q == NULL)
    return;
  for (const char *c = q + 1; *c && *c != '"'; c++)
    {
      if (*c == '\\' && c[1])
        {
          c++;
          g_string_append_c (to, *c == 'n' ? '\n' : *c == 't' ? '\t' : *c);
        }
      else
        g_string_append_c (to, *c);
    }
}

static char *
strip_mnemonic (const char *s)
{
  GString *out = g_string_new (NULL);

  for (const char *c = s; *c; c++)
    if (*c != '_' || c[1] == '_')
      g_string_append_c (out, *c);
  return g_string_free (out, FALSE);
}

/* msgid → msgstr (singular, translated, mnemonics taken out) of a catalogue
 * in the source tree. */
static GHashTable *
load_catalogue (const char *lang)
{
  g_autofree char *path = g_strdup_printf ("%s/po/%s.po", OKN_SOURCE_ROOT, lang);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GString) id = g_string_new (NULL);
  g_autoptr (GString) str = g_string_new (NULL);
  GString *cur = NULL;
  gboolean fuzzy = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *l = lines[i];

      if (g_str_has_prefix (l, "#,") && strstr (l, "fuzzy"))
        fuzzy = TRUE;
      if (g_str_has_prefix (l, "msgid "))
        {
          g_string_truncate (id, 0);
          g_string_truncate (str, 0);
          cur = id;
          po_append (cur, l);
        }
      else if (g_str_has_prefix (l, "msgstr \"") || g_str_has_prefix (l, "msgstr[0]"))
        {
          cur = str;
          po_append (cur, l);
        }
      else if (g_str_has_prefix (l, "msgid_plural") || g_str_has_prefix (l, "msgstr["))
        cur = NULL;
      else if (l[0] == '"' && cur)
        po_append (cur, l);
      else if (l[0] == '\0')
        {
          if (id->len > 0 && str->len > 0 && !fuzzy)
            g_hash_table_insert (map, strip_mnemonic (id->str), strip_mnemonic (str->str));
          g_string_truncate (id, 0);
          g_string_truncate (str, 0);
          cur = NULL;
          fuzzy = FALSE;
        }
    }
  if (id->len > 0 && str->len > 0 && !fuzzy)
    g_hash_table_insert (map, strip_mnemonic (id->str), strip_mnemonic (str->str));
  return map;
}

typedef struct
{
  GHashTable *pl;       /* English msgid → Polish */
  GHashTable *pl_back;  /* Polish → English msgid */
  gboolean polish;
  GString *bad;
} Words;

static void
check_text (Words      *w,
            GtkWidget  *widget,
            const char *what,
            const char *text)
{
  static const char *raw[] = { "label", "receipt-80", "receipt-58", "a4-confirmation", "queued", "sending",
                               "needs-attention", "synced", "in-person", "(keyboard)", "keyboard" };
  const char *pl;
  g_auto (GStrv) lines = NULL;

  if (text == NULL || *text == '\0')
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      const char *t = lines[i];

      if (*t == '\0')
        continue;
      if (w->polish)
        {
          pl = g_hash_table_lookup (w->pl, t);
          if (pl && !g_str_equal (pl, t))
            g_string_append_printf (w->bad, "%s %s: English “%s” (Polish: “%s”)\n", G_OBJECT_TYPE_NAME (widget), what, t, pl);
          for (guint k = 0; k < G_N_ELEMENTS (raw); k++)
            if (g_str_equal (t, raw[k]) || (strstr (t, raw[k]) && strstr (t, " → ")))
              g_string_append_printf (w->bad, "%s %s: raw value “%s”\n", G_OBJECT_TYPE_NAME (widget), what, t);
        }
      else
        {
          const char *en = g_hash_table_lookup (w->pl_back, t);

          if ((en && !g_str_equal (en, t)) || strstr (t, "rrrr"))
            g_string_append_printf (w->bad, "%s %s: Polish “%s” in English\n", G_OBJECT_TYPE_NAME (widget), what, t);
        }
    }
}

static void
walk_words (GtkWidget *widget,
            gpointer   data)
{
  Words *w = data;

  if (GTK_IS_LABEL (widget))
    check_text (w, widget, "label", gtk_label_get_text (GTK_LABEL (widget)));
  if (GTK_IS_ENTRY (widget))
    check_text (w, widget, "placeholder", gtk_entry_get_placeholder_text (GTK_ENTRY (widget)));
  if (gtk_widget_get_has_tooltip (widget))
    {
      g_autofree char *tip = gtk_widget_get_tooltip_text (widget);

      check_text (w, widget, "tooltip", tip);
    }
  if (GTK_IS_COMBO_BOX (widget) && gtk_combo_box_get_model (GTK_COMBO_BOX (widget))
      && gtk_tree_model_get_n_columns (gtk_combo_box_get_model (GTK_COMBO_BOX (widget))) > 0
      && gtk_tree_model_get_column_type (gtk_combo_box_get_model (GTK_COMBO_BOX (widget)), 0) == G_TYPE_STRING)
    {
      GtkTreeModel *model = gtk_combo_box_get_model (GTK_COMBO_BOX (widget));
      GtkTreeIter iter;

      for (gboolean ok = gtk_tree_model_get_iter_first (model, &iter); ok; ok = gtk_tree_model_iter_next (model, &iter))
        {
          g_autofree char *item = NULL;

          gtk_tree_model_get (model, &iter, 0, &item, -1);
          check_text (w, widget, "item", item);
        }
    }
  if (GTK_IS_CONTAINER (widget))
    gtk_container_forall (GTK_CONTAINER (widget), walk_words, data);
}

static void
reverse_into (gpointer key,
              gpointer value,
              gpointer data)
{
  g_hash_table_insert (data, g_strdup (value), g_strdup (key));
}

/* Runs this test program again as a child (`--NAME-child ARG [ARG2]`) in
 * @language, with @config if given; its standard output goes to @out.
 * Returns: whether it exited 0 (it prints what is wrong) */
static gboolean
run_child (const char  *mode,
           const char  *arg,
           const char  *arg2,
           const char  *language,
           const char  *config,
           char       **out)
{
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "LANGUAGE", language, TRUE);
  if (config)
    g_subprocess_launcher_setenv (launcher, "OKIENKO_CONFIG", config, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  child = g_subprocess_launcher_spawn (launcher, &error, self_path, mode, arg, arg2, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, out, NULL, &error));
  g_assert_no_error (error);
  if (*out == NULL)
    *out = g_strdup ("(crashed)\n");
  g_test_message ("%s", *out);
  return g_subprocess_get_if_exited (child) && g_subprocess_get_exit_status (child) == 0;
}

/* In a child process: the desk started as the program starts it, its
 * window made the tests' window. */
static OknApplication *
child_app (void)
{
  OknApplication *a = start_app ();

  window = OKN_CLERK_WINDOW (okn_application_get_clerk_window (a));
  return a;
}

/* Where a widget lies on the screen: its window's origin on the root
 * window plus its place in the toplevel. */
static GdkRectangle
screen_rect (GtkWidget *widget)
{
  GtkWidget *top = gtk_widget_get_toplevel (widget);
  GdkRectangle r = { 0 };
  int ox = 0, oy = 0;

  gdk_window_get_origin (gtk_widget_get_window (top), &ox, &oy);
  gtk_widget_translate_coordinates (widget, top, 0, 0, &r.x, &r.y);
  r.x += ox;
  r.y += oy;
  r.width = gtk_widget_get_allocated_width (widget);
  r.height = gtk_widget_get_allocated_height (widget);
  return r;
}

/* Every button and entry shown on @root (outside scrolled areas, which
 * scroll) lies inside the screen: nothing a clerk needs is cut off. */
static void
check_on_screen (GtkWidget  *root,
                 int         sw,
                 int         sh,
                 const char *page,
                 GString    *bad)
{
  if (!gtk_widget_get_mapped (root) || GTK_IS_SCROLLED_WINDOW (root))
    return;
  if (GTK_IS_BUTTON (root) || GTK_IS_ENTRY (root))
    {
      GdkRectangle r = screen_rect (root);
      AtkObject *acc = gtk_widget_get_accessible (root);

      if (r.x < 0 || r.y < 0 || r.x + r.width > sw || r.y + r.height > sh)
        g_string_append_printf (bad, "%s: %s “%s” at %d,%d %d×%d is cut off by the %d×%d screen\n", page,
                                G_OBJECT_TYPE_NAME (root), acc ? atk_object_get_name (acc) : "", r.x, r.y,
                                r.width, r.height, sw, sh);
      return;
    }
  if (GTK_IS_CONTAINER (root))
    {
      g_autoptr (GList) children = gtk_container_get_children (GTK_CONTAINER (root));

      for (GList *l = children; l; l = l->next)
        check_on_screen (l->data, sw, sh, page, bad);
    }
}

/* Lets a window that changed its size settle: GTK asks the X server for
 * the new size and allocates when the answer comes. */
static void
settle (GtkWidget *top)
{
  for (int i = 0; i < 20; i++)
    {
      gdk_display_sync (gtk_widget_get_display (top));
      pump ();
      g_usleep (10000);
    }
}

/* In a child process with an Xvfb of @screen (WIDTHxHEIGHT) and no window
 * manager, as on a kiosk-like session: the desk opens, every page is shown
 * (a record with long texts open, a category with its questions), and the
 * window's place and size on the root window are measured against the
 * screen, and every button and field against it too. Prints what is cut
 * off and the sizes measured. */
static int
screen_child (const char *screen,
              const char *ticket)
{
  g_auto (GStrv) dims = g_strsplit (screen, "x", 3);
  int sw = (int) g_ascii_strtoll (dims[0], NULL, 10), sh = (int) g_ascii_strtoll (dims[1], NULL, 10);
  g_autofree char *xvfb_screen = g_strdup_printf ("%dx%dx24", sw, sh);
  g_autoptr (GString) bad = g_string_new (NULL);
  OknApplication *other;
  OknClerkWindow *w;
  const char *pages[] = { "letter", "report", "report+category", "find", "register", "record",
                          "record of a report", "letter" };
  g_auto (GStrv) tickets = g_strsplit (ticket, ",", 2);

  okn_test_ui_start_xvfb (xvfb_screen);
  okn_application_setup_i18n ();
  child_gtk_init ();
  other = child_app ();
  w = window;
  settle (GTK_WIDGET (w));
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GdkRectangle frame;

      if (g_str_equal (pages[i], "record"))
        g_assert_true (okn_clerk_window_open_ticket (w, tickets[0]));
      else if (g_str_equal (pages[i], "record of a report"))
        g_assert_true (okn_clerk_window_open_ticket (w, tickets[1]));
      else if (g_str_equal (pages[i], "report+category"))
        okn_report_form_select_category (okn_clerk_window_get_report_form (w), "pothole");
      else
        okn_clerk_window_show_page (w, pages[i]);
      settle (GTK_WIDGET (w));
      gdk_window_get_frame_extents (gtk_widget_get_window (GTK_WIDGET (w)), &frame);
      g_print ("# %s on %dx%d: window at %d,%d %d×%d\n", pages[i], sw, sh, frame.x, frame.y, frame.width,
               frame.height);
      if (frame.x < 0 || frame.y < 0 || frame.x + frame.width > sw || frame.y + frame.height > sh)
        g_string_append_printf (bad, "%s: the window at %d,%d %d×%d does not fit the %d×%d screen\n", pages[i],
                                frame.x, frame.y, frame.width, frame.height, sw, sh);
      check_on_screen (GTK_WIDGET (w), sw, sh, pages[i], bad);
    }
  g_print ("%s", bad->str);
  okn_report_form_reset (okn_clerk_window_get_report_form (w));
  okn_test_ui_destroy (GTK_WIDGET (w));
  g_object_unref (other);
  okn_test_ui_stop_xvfb ();
  return bad->len > 0 ? 1 : 0;
}

/* The first widget of @type under @root (itself included). */
static GtkWidget *
find_first (GtkWidget *root,
            GType      type)
{
  GtkWidget *found = NULL;
  g_autoptr (GList) children = NULL;

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  if (!GTK_IS_CONTAINER (root))
    return NULL;
  children = gtk_container_get_children (GTK_CONTAINER (root));
  for (GList *l = children; l && found == NULL; l = l->next)
    found = find_first (l->data, type);
  return found;
}

static gboolean
window_width_is (gpointer data)
{
  int width = 0;

  gtk_window_get_size (GTK_WINDOW (window), &width, NULL);
  return width == GPOINTER_TO_INT (data);
}

/* The register as a 1024 px wide screen shows it (the window made that
 * wide): the sender's and the subject's columns show at least 12
 * characters each, every column is in sight without scrolling sideways,
 * and the status line at the bottom is whole, not cut with "…". Says in
 * @bad what is not. */
static void
check_register_readable (const char *what,
                         GString    *bad)
{
  GtkWidget *page = GTK_WIDGET (okn_clerk_window_get_register_page (window));
  GtkTreeView *view = GTK_TREE_VIEW (find_first (page, GTK_TYPE_TREE_VIEW));
  GtkLabel *sync = find_shown_label (GTK_WIDGET (window), okn_clerk_window_get_sync_text (window));
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (view));
  g_autoptr (PangoFontDescription) font = NULL;
  PangoFontMetrics *metrics = NULL;
  GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (view));
  int ch;

  g_assert_nonnull (sync);
  g_assert_cmpuint (okn_register_page_get_n_letters (OKN_REGISTER_PAGE (page)), >, 0);
  gtk_window_resize (GTK_WINDOW (window), 1024, 768 - 40);
  g_assert_true (wait_for (window_width_is, GINT_TO_POINTER (1024)));
  gtk_container_check_resize (GTK_CONTAINER (window));
  gtk_style_context_get (style, gtk_style_context_get_state (style), GTK_STYLE_PROPERTY_FONT, &font, NULL);
  metrics = pango_context_get_metrics (gtk_widget_get_pango_context (GTK_WIDGET (view)), font, NULL);
  ch = pango_font_metrics_get_approximate_char_width (metrics) / PANGO_SCALE;
  pango_font_metrics_unref (metrics);
  for (int i = 4; i <= 5; i++)
    {
      GtkTreeViewColumn *column = gtk_tree_view_get_column (view, i);
      int width = gtk_tree_view_column_get_width (column);

      g_print ("# %s: the register's %s column %d px, a character %d px\n", what,
               gtk_tree_view_column_get_title (column), width, ch);
      if (width < 12 * ch)
        g_string_append_printf (bad, "%s: the register's %s column is %d px, under 12 characters (%d px)\n", what,
                                gtk_tree_view_column_get_title (column), width, 12 * ch);
    }
  if (gtk_adjustment_get_upper (h) > gtk_adjustment_get_page_size (h) + 0.5)
    g_string_append_printf (bad, "%s: the register's columns need %.0f px, %.0f in sight\n", what,
                            gtk_adjustment_get_upper (h), gtk_adjustment_get_page_size (h));
  if (pango_layout_is_ellipsized (gtk_label_get_layout (sync)))
    g_string_append_printf (bad, "%s: the status line is cut: %s\n", what, okn_clerk_window_get_sync_text (window));
}

/* In a child process: the desk started with its text at @dpi (GTK's
 * gtk-xft-dpi, 1024ths of a dot per inch) as GNOME's text scaling sets
 * it before a program starts, every page shown (the record @ticket open,
 * a category's questions on the report form) and the window's smallest
 * size measured against a 1024×768 screen less GNOME's top bar. Prints
 * every size measured and what does not fit. */
static int
scale_child (const char *dpi,
             const char *ticket)
{
  g_autoptr (GString) bad = g_string_new (NULL);
  const char *pages[] = { "letter", "report", "report+category", "find", "find+typo", "register", "record",
                          "letter" };
  g_autofree char *typo = g_strdup (ticket);
  char *check = typo + strlen (typo) - 1;
  OknApplication *other;

  /* Another check character: the search says at length that the ID is
   * mistyped. */
  *check = *check == 'A' ? 'B' : 'A';
  /* Polish and Ukrainian words are what does not fit: a run without
   * their catalogue would measure English and pass. */
  if (!g_str_equal (g_getenv ("LANGUAGE"), "en") && g_str_equal (g_dgettext (GETTEXT_PACKAGE, "Any"), "Any"))
    {
      g_print ("no catalogue for %s under OKIENKO_LOCALEDIR: the words measured would be English\n",
               g_getenv ("LANGUAGE"));
      return 1;
    }
  child_gtk_init ();
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) g_ascii_strtoll (dpi, NULL, 10), NULL);
  other = child_app ();
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      int min_w = 0, min_h = 0;

      if (g_str_equal (pages[i], "record"))
        g_assert_true (okn_clerk_window_open_ticket (window, ticket));
      else if (g_str_equal (pages[i], "report+category"))
        g_assert_true (okn_report_form_select_category (okn_clerk_window_get_report_form (window), "pothole"));
      else if (g_str_equal (pages[i], "find+typo"))
        okn_search_page_set_query (okn_clerk_window_get_search_page (window), typo);
      else
        okn_clerk_window_show_page (window, pages[i]);
      pump ();
      gtk_widget_get_preferred_width (GTK_WIDGET (window), &min_w, NULL);
      gtk_widget_get_preferred_height_for_width (GTK_WIDGET (window), 1024, &min_h, NULL);
      g_print ("# %s: at least %d×%d\n", pages[i], min_w, min_h);
      if (g_str_equal (pages[i], "register"))
        check_register_readable (pages[i], bad);
      if (min_w > 1024 || min_h > 768 - 40)
        g_string_append_printf (bad, "%s needs at least %d×%d px, more than 1024×%d\n", pages[i], min_w, min_h,
                                768 - 40);
    }
  g_print ("%s", bad->str);
  okn_search_page_set_query (okn_clerk_window_get_search_page (window), "");
  okn_report_form_reset (okn_clerk_window_get_report_form (window));
  okn_test_ui_destroy (GTK_WIDGET (window));
  g_object_unref (other);
  return bad->len > 0 ? 1 : 0;
}

/* The desk started with larger text fits a 1024×768 screen (less the top
 * bar) on every page, the long cancelled letter open, in each of its
 * languages (Polish and Ukrainian have longer words): GNOME's Large Text
 * (125 %) and 150 % (GNOME Tweaks' scaling factor 1.5, what a clerk with
 * weak eyes sets). The search's filter row (up to 1170 px), its line
 * saying that a ticket ID is mistyped (up to 1399 px) and the register's
 * header (up to 1337 px; over 1024 already at 125 % in Polish and
 * Ukrainian) once made the window wider than the screen, its buttons out
 * of reach. And the register stays readable there: at 150 % its sender
 * and subject once shrank to a few characters, its last column went out
 * of sight (Ukrainian), and the Ukrainian status line ended in "…". Each in a child process: a combo box keeps the width it
 * measured at the old scale, so a scale changed under a running desk does
 * not show this. */
static void
test_fits_larger_text (void)
{
  const char *scales[][2] = { { "125", "122880" }, { "150", "147456" } };
  const char *languages[] = { "en", "pl", "uk" };
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = long_cancelled_letter (store);
  g_autoptr (GString) report = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    for (guint j = 0; j < G_N_ELEMENTS (languages); j++)
      {
        g_autofree char *out = NULL;

        if (!run_child ("--scale-child", scales[i][1], r->ticket, languages[j], NULL, &out))
          g_string_append_printf (report, "[%s %% text, %s]\n%s", scales[i][0], languages[j], out);
      }
  if (report->len > 0)
    g_error ("the desk does not fit 1024×768 with larger text:\n%s", report->str);
}

/* Issue 10: with no window manager (a kiosk-like session) the desk's
 * window fits a 1366×768 and a 1024×768 screen on every page, nothing cut
 * off; each screen is an Xvfb of its own in a child process. */
static void
test_fits_screen_without_wm (void)
{
  const char *screens[] = { "1366x768", "1024x768" };
  g_autoptr (GString) report = g_string_new (NULL);
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_letter ("Miejskie Przedsiębiorstwo Oczyszczania Spółka z ograniczoną "
                                             "odpowiedzialnością w Łodzi, Oddział Zachodni",
                                             "Odwołanie od decyzji w sprawie opłaty za gospodarowanie "
                                             "odpadami komunalnymi za drugie półrocze 2026 roku");
  g_autoptr (OknRecord) queued = okn_test_report ("bench", "Ławka przy przystanku złamana",
                                                  "ul. Piotrkowska 104, Łódź");
  g_autoptr (GPtrArray) catalogue = okn_store_list_services (store, NULL);
  g_autoptr (GError) store_error = NULL;
  g_autofree char *tickets = NULL;

  /* A record with long texts, opened on the record page; and a report
   * still queued, whose page has every button (Correct, Cancel). */
  r->sender_address = g_strdup ("ul. Księdza Biskupa Wincentego Tymienieckiego 123/456, 90-365 Łódź");
  g_assert_true (okn_store_register (store, r, "test", &store_error));
  g_assert_true (okn_store_cancel (store, r->ticket, "Wpis zdublowany przez drugie stanowisko kancelarii",
                                   "test", &store_error));
  /* Its category asks nothing more, whatever the earlier tests cached;
   * their catalogue is put back. */
  okn_test_cache_service (store, "bench", "Zniszczona ławka", NULL);
  g_assert_true (okn_store_register (store, queued, "test", &store_error));
  g_assert_true (okn_store_replace_services (store, catalogue, &store_error));
  g_assert_no_error (store_error);
  tickets = g_strdup_printf ("%s,%s", r->ticket, queued->ticket);

  for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
    {
      g_autofree char *out = NULL;

      /* Polish: the desk's language, and its longer words. */
      if (!run_child ("--screen-child", screens[i], tickets, "pl", NULL, &out))
        g_string_append_printf (report, "[%s]\n%s", screens[i], out);
    }
  if (report->len > 0)
    g_error ("the desk does not fit the screen without a window manager:\n%s", report->str);
}

/* Issue 10: the report form's category list and its "chosen" line name
 * categories as people know them; the code only when a clerk asks (the
 * row's tooltip). */
static void
test_category_list_names (void)
{
  OknReportForm *form = okn_clerk_window_get_report_form (window);
  g_autofree char *shown = NULL;
  GtkListBoxRow *row;
  g_autofree char *tip = NULL;

  okn_report_form_reload_catalogue (form);
  okn_clerk_window_show_page (window, "report");
  g_assert_true (okn_report_form_select_category (form, "pothole"));
  pump ();
  shown = okn_test_ui_all_text (GTK_WIDGET (form));
  g_assert_nonnull (strstr (shown, "Dziura w jezdni"));
  g_assert_nonnull (strstr (shown, "Latarnia nie świeci"));
  g_assert_null (strstr (shown, "pothole"));
  g_assert_null (strstr (shown, "streetlight"));
  row = gtk_list_box_get_selected_row (GTK_LIST_BOX (find_named (GTK_WIDGET (form), "Categories")));
  g_assert_nonnull (row);
  tip = gtk_widget_get_tooltip_text (GTK_WIDGET (row));
  g_assert_nonnull (tip);
  g_assert_nonnull (strstr (tip, "pothole"));
  okn_report_form_reset (form);
  okn_clerk_window_show_page (window, "letter");
}

/* Issue 10, "Words": a date-time answer of a category's question reads
 * as the clerk typed it (dd.mm.yyyy hh:mm), not as ISO 8601; a wrong one
 * is explained in that form too. */
static void
test_record_datetime_in_words (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("noticed", "Znak drogowy przewrócony", "ul. Zgierska 1");
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = NULL;

  okn_test_cache_service (store, "noticed", "Uszkodzony znak",
                          "{\"service_code\":\"noticed\",\"attributes\":[{\"variable\":true,"
                          "\"code\":\"seen_at\",\"datatype\":\"datetime\",\"required\":false,"
                          "\"order\":1,\"description\":\"Kiedy zauważono\"}]}");
  okn_report_form_reload_catalogue (okn_clerk_window_get_report_form (window));

  /* Typed wrong, the hint is in the form the field asks for. */
  {
    OknReportForm *form = okn_clerk_window_get_report_form (window);
    GtkWidget *seen_at;
    g_autofree char *shown_error = NULL;

    okn_clerk_window_show_page (window, "report");
    g_assert_true (okn_report_form_select_category (form, "noticed"));
    pump ();
    seen_at = okn_report_form_get_attribute_widget (form, "seen_at");
    g_assert_nonnull (seen_at);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_named (GTK_WIDGET (window),
                                                                                   "Description"))),
                              "Znak leży na chodniku", -1);
    gtk_entry_set_text (GTK_ENTRY (find_named (GTK_WIDGET (window), "Address")), "ul. Zgierska 1");
    gtk_entry_set_text (GTK_ENTRY (seen_at), "wczoraj wieczorem");
    key (GDK_KEY_Return, GDK_CONTROL_MASK);
    g_assert_true (wait_for (session_idle, okn_report_form_get_session (form)));
    shown_error = okn_test_ui_all_text (error_of (seen_at));
    g_test_message ("%s", shown_error);
    g_assert_nonnull (strstr (shown_error, "29.11.2026 10:15"));
    okn_report_form_reset (form);
  }

  okn_record_add_attribute (r, "seen_at", "2026-12-03T18:45:00+01:00");
  g_assert_true (okn_store_register (store, r, "test", &error));
  g_assert_no_error (error);
  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();
  shown = okn_test_ui_all_text (GTK_WIDGET (okn_clerk_window_get_record_view (window)));
  g_assert_nonnull (strstr (shown, "Kiedy zauważono"));
  g_assert_null (strstr (shown, "2026-12-03T18:45"));
  {
    /* 18:45 in Warsaw, in the test's own time zone. */
    g_autoptr (GDateTime) at = g_date_time_new_from_iso8601 ("2026-12-03T18:45:00+01:00", NULL);
    g_autoptr (GDateTime) local = g_date_time_to_local (at);
    g_autofree char *expected = g_date_time_format (local, "%d.%m.%Y %H:%M");

    g_assert_nonnull (strstr (shown, expected));
  }
  okn_test_sample_catalogue (store);
  key (GDK_KEY_Escape, 0);
}

/* Coordinates read as two numbers where numbers take a decimal comma:
 * "51,759200, 19,456000" could as well be four. */
static void
test_record_coordinates (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("streetlight", "Latarnia przy przejściu", "ul. Zgierska 2");
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = NULL;

  okn_test_sample_catalogue (store);
  g_assert_null (okn_record_set_location_text (r, "51,7592", "19,456"));
  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  if (setlocale (LC_NUMERIC, "pl_PL.UTF-8") == NULL)
    g_error ("no locale pl_PL.UTF-8 here: build-aux/okienko-dev test compiles it (localedef -i pl_PL -f UTF-8 pl_PL.UTF-8)");
  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();
  shown = okn_test_ui_all_text (GTK_WIDGET (okn_clerk_window_get_record_view (window)));
  setlocale (LC_NUMERIC, "C");
  g_test_message ("%s", shown);
  g_assert_nonnull (strstr (shown, "51.759200, 19.456000"));
  key (GDK_KEY_Escape, 0);
}

/* A record the server made a case for but whose case number could not be
 * kept (the sync's words in server_error): the clerk reads why where the
 * case number goes, not "not known yet", which would promise one. */
static void
test_record_case_number_unusable (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (OknRecord) r = okn_test_report ("streetlight", "Latarnia nie świeci", "ul. Zgierska 4");
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *shown = NULL;
  static const char *said = "The server made the case, but its case number cannot be used (it holds a control "
                            "character): the record is sent and is not sent again.";

  okn_test_sample_catalogue (store);
  okn_store_register (store, r, "test", &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("DELETE FROM outbox WHERE record_id = %" G_GINT64_FORMAT "; "
                         "UPDATE records SET sync_state = 'synced', server_error = '%s' WHERE id = %" G_GINT64_FORMAT,
                         r->id, said, r->id);
  okn_test_sql_exec (g_getenv ("OKIENKO_DB"), sql);
  g_assert_true (okn_clerk_window_open_ticket (window, r->ticket));
  pump ();
  shown = okn_test_ui_all_text (GTK_WIDGET (okn_clerk_window_get_record_view (window)));
  g_test_message ("%s", shown);
  g_assert_nonnull (strstr (shown, said));
  g_assert_null (strstr (shown, "not known yet"));
  key (GDK_KEY_Escape, 0);
}

static gboolean
not_syncing (gpointer data)
{
  return !okn_clerk_window_is_syncing (data);
}

/* Words of curl, layout names and zbar's symbologies that must never reach
 * a Polish clerk as they are. */
static void
check_polish_message (GString    *bad,
                      const char *what,
                      const char *text)
{
  static const char *raw[] = { "label →", "receipt-80", "receipt-58", "a4-confirmation", "(keyboard)",
                                "QR-Code", "Failed to connect", "Couldn't connect", "Connection refused",
                                "Could not resolve" };
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  {
    g_autofree char *one_line = g_strjoinv (" ⏎ ", lines);

    g_print ("# %s: %s\n", what, text ? one_line : "(nothing)");
  }
  if (text == NULL || *text == '\0')
    {
      g_string_append_printf (bad, "%s: no message\n", what);
      return;
    }
  for (guint k = 0; k < G_N_ELEMENTS (raw); k++)
    if (strstr (lines[0], raw[k]))
      g_string_append_printf (bad, "%s: “%s” in “%s”\n", what, raw[k], lines[0]);
}

/* In a child process in Polish, with a configuration whose server address
 * answers nothing: the messages a clerk gets from a reprint, a scanned
 * code that is not a ticket and a sync that cannot reach the server.
 * Prints what is not Polish. */
static int
messages_child (const char *ticket)
{
  g_autoptr (GString) bad = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  OknApplication *other = child_app ();
  OknClerkWindow *w = window;
  OknRecordView *view;
  g_autoptr (OknScanResult) scanned = NULL;

  view = okn_clerk_window_get_record_view (w);

  /* A reprint says what printed where. */
  g_assert_true (okn_clerk_window_open_ticket (w, ticket));
  g_action_group_activate_action (gtk_widget_get_action_group (GTK_WIDGET (view), "record"), "reprint",
                                  g_variant_new_string ("label"));
  g_assert_true (wait_for (view_idle, view));
  {
    GtkWidget *message = okn_test_ui_find_by_name (GTK_WIDGET (view), "okn-record-message");

    g_assert_nonnull (message);
    check_polish_message (bad, "reprint", gtk_label_get_text (GTK_LABEL (message)));
  }

  /* A code that is not a ticket, typed or from a wedge scanner. */
  scanned = okn_scan_verify_text (okn_context_get_store (okn_application_get_context (other)), NULL,
                                  "ZAMÓWIENIE 123", &error);
  g_assert_no_error (error);
  check_polish_message (bad, "scan", scanned->message);

  /* Sync now, with nothing at the server's address. */
  key (GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_true (wait_for (not_syncing, w));
  {
    const char *status = okn_clerk_window_get_status (w);
    g_auto (GStrv) lines = g_strsplit (status, "\n", -1);

    check_polish_message (bad, "sync", status);
    if (g_strv_length (lines) < 2 || !g_str_has_prefix (lines[1], "Szczegóły: "))
      g_string_append_printf (bad, "sync: no details line under “%s”\n", lines[0]);
  }

  g_print ("%s", bad->str);
  okn_test_ui_destroy (GTK_WIDGET (w));
  g_object_unref (other);
  return bad->len > 0 ? 1 : 0;
}

/* A loopback port nothing listens on (just given up by a listener). */
static guint16
closed_port (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* In a child process: the desk's language set up as the program sets it
 * up; prints a word of its own (gettext) and the core's language, which
 * names the lists' words and the sync's stored ones. */
static int
i18n_child (void)
{
  g_autofree char *line = NULL;

  okn_application_setup_i18n ();
  /* As the desk starts: GTK's own start-up comes after (it would set the
   * locale from the environment again, C where none is chosen). No
   * display is needed for that part. */
  gtk_init_check (NULL, NULL);
  /* As bytes: g_print() would convert them to the C locale's ASCII. */
  line = g_strdup_printf ("%s|%s\n", g_dgettext (GETTEXT_PACKAGE, "Case number"),
                          okn_language_to_string (okn_language_from_locale ()));
  fputs (line, stdout);
  return 0;
}

/* A desk started with no language chosen speaks Polish, its own words and
 * the core's lists alike, in the pure C locale too (LC_ALL=C, or no LANG
 * as on a fresh system), where gettext ignores LANGUAGE; and LANGUAGE=en
 * or uk chooses there as anywhere. */
static void
test_language_in_c_locale (void)
{
  static const struct
  {
    const char *lc_all;
    const char *language;   /* NULL: unset */
    const char *out;
  } runs[] = {
    { "C", NULL, "Numer sprawy|pl\n" },
    { "POSIX", NULL, "Numer sprawy|pl\n" },
    { "C.UTF-8", NULL, "Numer sprawy|pl\n" },
    { "C", "en", "Case number|en\n" },
    { "C", "uk", "Номер справи|uk\n" },
  };
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;

      g_subprocess_launcher_setenv (launcher, "LC_ALL", runs[i].lc_all, TRUE);
      g_subprocess_launcher_unsetenv (launcher, "LANG");
      g_subprocess_launcher_unsetenv (launcher, "LC_MESSAGES");
      if (runs[i].language)
        g_subprocess_launcher_setenv (launcher, "LANGUAGE", runs[i].language, TRUE);
      else
        g_subprocess_launcher_unsetenv (launcher, "LANGUAGE");
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      child = g_subprocess_launcher_spawn (launcher, &error, self_path, "--i18n-child", NULL);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error));
      g_assert_no_error (error);
      g_test_message ("LC_ALL=%s LANGUAGE=%s: %s", runs[i].lc_all, runs[i].language ? runs[i].language : "(unset)",
                      out);
      g_assert_cmpstr (out, ==, runs[i].out);
    }
}

/* Issue 10, "Words": a reprint's "printed" names the layout in Polish, not
 * "label →"; a code that is not a ticket is not "(keyboard)"; a network
 * failure says in Polish what happened, libcurl's English on a details
 * line below. */
static void
test_words_of_messages (void)
{
  g_autofree char *conf = g_build_filename (tmpdir, "messages.conf", NULL);
  g_autofree char *conf_text = NULL;
  g_autofree char *base = NULL;
  g_autoptr (OknRecord) r = store_letter ("Teresa Wójcik", "Wniosek o odpis");
  g_autofree char *out = NULL;

  g_assert_true (g_file_get_contents (g_getenv ("OKIENKO_CONFIG"), &base, NULL, NULL));
  /* The desk's configuration with a server address nothing answers at
   * (and letters to send, so that the network is all that fails). */
  {
    g_auto (GStrv) parts = g_strsplit (base, "[letters]\n", 2);
    g_autofree char *with_code = g_strjoinv ("[letters]\nservice_code=letter\n", parts);

    conf_text = g_strdup_printf ("%s\n[server]\nurl=http://127.0.0.1:%u/\napi_key=test-key\n", with_code, closed_port ());
  }
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));

  if (!run_child ("--messages-child", r->ticket, NULL, "pl", conf, &out))
    g_error ("messages not in Polish:\n%s", out);
}

/* In a child process started with LANGUAGE=@lang (GLib decides once per
 * process whether to translate): a window filled as a clerk sees it (a
 * record open, results found, a category's questions shown) and the
 * preferences, every widget's words checked. Prints what is wrong. */
static int
words_child (const char *lang)
{
  g_autoptr (GHashTable) pl = load_catalogue ("pl");
  g_autoptr (GHashTable) back = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Words words = { pl, back, g_str_equal (lang, "pl"), g_string_new (NULL) };
  g_autoptr (OknStore) store = okn_test_open_app_store ();
  g_autoptr (GPtrArray) found = okn_store_search (store, "Nowak", 1, NULL);
  OknApplication *other;
  OknClerkWindow *w;
  int rc;

  g_hash_table_foreach (pl, reverse_into, back);
  other = child_app ();
  w = window;
  okn_report_form_select_category (okn_clerk_window_get_report_form (w), "pothole");
  okn_search_page_set_query (okn_clerk_window_get_search_page (w), "Nowak");
  okn_search_page_refresh (okn_clerk_window_get_search_page (w));
  okn_clerk_window_show_page (w, "register");
  if (found && found->len > 0)
    okn_clerk_window_open_ticket (w, ((OknRecord *) g_ptr_array_index (found, 0))->ticket);
  pump ();
  walk_words (GTK_WIDGET (w), &words);
  g_action_group_activate_action (G_ACTION_GROUP (other), "preferences", NULL);
  pump ();
  {
    g_autoptr (GList) tops = gtk_window_list_toplevels ();

    for (GList *l = tops; l; l = l->next)
      if (OKN_IS_PREFERENCES_DIALOG (l->data))
        walk_words (l->data, &words);
  }
  g_print ("%s", words.bad->str);
  rc = words.bad->len > 0 ? 1 : 0;
  g_string_free (words.bad, TRUE);
  okn_report_form_reset (okn_clerk_window_get_report_form (w));
  return rc;
}

/* Every widget of every page (and the preferences), in Polish and in
 * English: no English words or raw values in the Polish desk, no Polish
 * ones in the English desk. */
static void
test_words (void)
{
  const char *langs[] = { "pl", "en" };
  g_autoptr (GString) report = g_string_new (NULL);

  for (guint li = 0; li < G_N_ELEMENTS (langs); li++)
    {
      g_autofree char *out = NULL;

      if (!run_child ("--words-child", langs[li], NULL, langs[li], NULL, &out))
        g_string_append_printf (report, "[%s]\n%s", langs[li], out);
    }
  if (report->len > 0)
    g_error ("words not in the desk's language:\n%s", report->str);
}

/* Setup ------------------------------------------------------------------ */

static void
write_catalogue (void)
{
  g_autoptr (OknStore) store = okn_test_open_app_store ();

  okn_test_sample_catalogue (store);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *conf_text = NULL;
  g_autofree char *out = NULL;
  int rc;

  if (argc > 1 && g_str_equal (argv[1], "--i18n-child"))
    return i18n_child ();
  if (argc > 2 && g_str_equal (argv[1], "--words-child"))
    {
      okn_application_setup_i18n ();
      child_gtk_init ();
      return words_child (argv[2]);
    }
  if (argc > 2 && g_str_equal (argv[1], "--messages-child"))
    {
      okn_application_setup_i18n ();
      child_gtk_init ();
      return messages_child (argv[2]);
    }
  if (argc > 3 && g_str_equal (argv[1], "--screen-child"))
    return screen_child (argv[2], argv[3]);
  if (argc > 3 && g_str_equal (argv[1], "--scale-child"))
    {
      okn_application_setup_i18n ();
      return scale_child (argv[2], argv[3]);
    }
  if (argc > 2 && g_str_equal (argv[1], "--typist-child"))
    return typist_child (argv[2]);
  if (argc > 1 && g_str_equal (argv[1], "--mark-child"))
    return mark_child ();
  if (argc > 1 && g_str_equal (argv[1], "--draft-child"))
    {
      okn_application_setup_i18n ();
      child_gtk_init ();
      return draft_child ();
    }

  tmpdir = okn_test_make_tmpdir ();
  g_setenv ("HOME", tmpdir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", tmpdir, TRUE);
  g_setenv ("XDG_DATA_HOME", tmpdir, TRUE);
  g_setenv ("XDG_CACHE_HOME", tmpdir, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", tmpdir, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("NO_AT_BRIDGE", "1", TRUE);
  /* The assertions read English source strings; the desk's default is
   * Polish. */
  g_setenv ("LANGUAGE", "en", TRUE);
  db = g_build_filename (tmpdir, "okienko.db", NULL);
  conf = g_build_filename (tmpdir, "okienko.conf", NULL);
  out = g_build_filename (tmpdir, "out", NULL);
  conf_text = g_strdup_printf ("[office]\nname=Urząd Miasta Łodzi\n[letters]\nunits=Wydział Gospodarki "
                               "Komunalnej,Biuro Rady Miejskiej\n[desk]\nletter_outputs=label,a4-confirmation\n"
                               "output_dir=%s\n", out);
  g_assert_true (g_file_set_contents (conf, conf_text, -1, NULL));
  g_setenv ("OKIENKO_DB", db, TRUE);
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  okn_store_close (okn_test_open_store (tmpdir, "K03"));

  start_xvfb ();
  okn_application_setup_i18n ();
  gtk_test_init (&argc, &argv, NULL);
  without_animations ();
  write_catalogue ();
  app = start_app ();
  window = OKN_CLERK_WINDOW (okn_application_get_clerk_window (app));

  g_test_add_func ("/desk/letter-by-keyboard", test_letter_by_keyboard);
  g_test_add_func ("/desk/ticket-on-screen", test_ticket_on_screen);
  g_test_add_func ("/desk/report-required-attribute", test_report_required_attribute);
  g_test_add_func ("/desk/category-keys", test_category_keys);
  g_test_add_func ("/desk/scanner-burst", test_scanner_burst);
  g_test_add_func ("/desk/scanner-versus-typist", test_scanner_versus_typist);
  g_test_add_func ("/desk/search-by-sender", test_search_by_sender);
  g_test_add_func ("/desk/cancel-with-reason", test_cancel_with_reason);
  g_test_add_func ("/desk/daily-register", test_daily_register);
  g_test_add_func ("/desk/sync-now-and-attention", test_sync_now_and_attention);
  g_test_add_func ("/desk/sync-names-preferences", test_sync_names_preferences);
  g_test_add_func ("/desk/preferences", test_preferences);
  g_test_add_func ("/desk/first-start-setup", test_first_start_setup);
  g_test_add_func ("/desk/draft-after-kill", test_draft_after_kill);
  g_test_add_func ("/desk/close-waits-for-save", test_close_waits_for_save);
  g_test_add_func ("/desk/type-next-while-saving", test_type_next_while_saving);
  g_test_add_func ("/desk/save-next-while-saving", test_save_next_while_saving);
  g_test_add_func ("/desk/broken-config", test_broken_config);
  g_test_add_func ("/desk/store-warnings", test_store_warnings);
  g_test_add_func ("/desk/mark-not-written", test_mark_not_written);
  g_test_add_func ("/desk/typing-at-40ms", test_typing_at_40ms);
  g_test_add_func ("/desk/audit-text", test_audit_text);
  g_test_add_func ("/desk/escape-then-undo", test_escape_then_undo);
  g_test_add_func ("/desk/correction-keeps-new-letter", test_correction_keeps_new_letter);
  g_test_add_func ("/desk/correction-waits-for-save", test_correction_waits_for_save);
  g_test_add_func ("/desk/correction-keeps-sticky", test_correction_keeps_sticky);
  g_test_add_func ("/desk/correction-hides-last-ticket", test_correction_hides_last_ticket);
  g_test_add_func ("/desk/focus-after-actions", test_focus_after_actions);
  g_test_add_func ("/desk/description-focus-ring", test_description_focus_ring);
  g_test_add_func ("/desk/inline-errors-clear", test_inline_errors_clear);
  g_test_add_func ("/desk/outside-text-safe", test_outside_text_safe);
  g_test_add_func ("/desk/words", test_words);
  g_test_add_func ("/desk/words-of-messages", test_words_of_messages);
  g_test_add_func ("/desk/fits-small-screens", test_fits_small_screens);
  g_test_add_func ("/desk/fits-screen-without-wm", test_fits_screen_without_wm);
  g_test_add_func ("/desk/fits-larger-text", test_fits_larger_text);
  g_test_add_func ("/desk/catalogue-reaches-desk", test_catalogue_reaches_desk);
  g_test_add_func ("/desk/search-what-clerk-remembers", test_search_what_clerk_remembers);
  g_test_add_func ("/desk/search-ticket-typo", test_search_ticket_typo);
  g_test_add_func ("/desk/record-datetime-in-words", test_record_datetime_in_words);
  g_test_add_func ("/desk/record-coordinates", test_record_coordinates);
  g_test_add_func ("/desk/record-case-number-unusable", test_record_case_number_unusable);
  g_test_add_func ("/desk/language-in-c-locale", test_language_in_c_locale);
  g_test_add_func ("/desk/category-list-names", test_category_list_names);
  g_test_add_func ("/desk/correction-keeps-dropped-attribute", test_correction_keeps_dropped_attribute);
  g_test_add_data_func ("/desk/correction-untick-holds", &untick_holds, test_correction_kept_answer);
  g_test_add_data_func ("/desk/correction-keeps-unoffered-choice", &unoffered_choice, test_correction_kept_answer);
  g_test_add_data_func ("/desk/correction-keeps-every-value", &every_value, test_correction_kept_answer);
  rc = g_test_run ();

  okn_test_ui_destroy (GTK_WIDGET (window));
  g_clear_object (&app);
  stop_xvfb ();
  okn_test_rm_rf (tmpdir);
  g_free (tmpdir);
  return rc;
}
