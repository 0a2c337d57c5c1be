/* SPDX-License-Identifier: GPL-3.0-or-later */
/* desk-screenshots.c: PNG pictures of the desk's main screens for
 * docs/screenshots/, drawn by GTK itself (gtk_widget_draw) from the real
 * windows filled with sample records. Run by build-aux/screenshots.sh
 * under Xvfb; not a test.
 */
#define G_LOG_DOMAIN "desk-screenshots"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "okn-application.h"
#include "okn-clerk-window.h"
#include "okn-preferences-dialog.h"
#include "okn-setup-dialog.h"
#include "okn-test-common.h"
#include "okn-test-ui.h"

static const char *outdir;

/* What the X server shows (tree view headers and other child windows
 * included), read back from the window: the window as a user sees it,
 * not its whole X window. A window with a header bar draws its own
 * frame (client-side decorations); with no compositor, as under Xvfb,
 * GTK keeps a margin around it to grab for resizing, and moving the
 * window to 0,0 put the visible frame there, so the margin's left and
 * top parts were off the screen: black when read back, a thin strip at
 * the picture's left edge. The window is now shown whole and only what a
 * user sees of it under a compositor is taken: the titlebar and the
 * content with the frame's one-pixel border around them. Dialogs without
 * a header bar have no such margin and are taken whole. */
static void
shoot (GtkWidget  *toplevel,
       const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", outdir, name);
  GtkWidget *parts[] = { gtk_window_get_titlebar (GTK_WINDOW (toplevel)),
                         gtk_bin_get_child (GTK_BIN (toplevel)) };
  GdkRectangle frame = { 0 };
  GdkWindow *window;

  gtk_window_move (GTK_WINDOW (toplevel), 40, 40);
  okn_test_ui_pump_for (500);
  window = gtk_widget_get_window (toplevel);
  frame.width = gdk_window_get_width (window);
  frame.height = gdk_window_get_height (window);
  if (parts[0] != NULL)
    {
      GdkRectangle content = { 0 };

      for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
        {
          GdkRectangle r;
          int x = 0, y = 0;

          if (parts[i] == NULL || !gtk_widget_get_visible (parts[i]))
            continue;
          gtk_widget_get_allocation (parts[i], &r);
          gtk_widget_translate_coordinates (parts[i], toplevel, 0, 0, &x, &y);
          r.x = x;
          r.y = y;
          if (content.width == 0)
            content = r;
          else
            gdk_rectangle_union (&content, &r, &content);
        }
      /* The frame's one-pixel border around them. */
      frame.x = MAX (content.x - 1, 0);
      frame.y = MAX (content.y - 1, 0);
      frame.width = MIN (content.x + content.width + 1, frame.width) - frame.x;
      frame.height = MIN (content.y + content.height + 1, frame.height) - frame.y;
    }
  okn_test_ui_save_png (toplevel, &frame, path);
}

static void
add_letter (OknStore   *store,
            const char *sender,
            const char *address,
            const char *subject,
            const char *unit,
            OknDelivery delivery,
            int         pages,
            int         minutes_ago)
{
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_LETTER);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) at = g_date_time_add_minutes (now, -minutes_ago);
  g_autoptr (GError) error = NULL;

  r->sender_name = g_strdup (sender);
  r->sender_address = g_strdup (address);
  r->subject = g_strdup (subject);
  r->unit = g_strdup (unit);
  r->delivery = delivery;
  r->pages = pages;
  r->received_at = okn_now_iso8601 (at);
  if (!okn_store_register (store, r, "kancelaria3", &error))
    g_error ("%s", error->message);
}

static char *
add_report (OknStore   *store,
            const char *category,
            const char *description,
            const char *address,
            const char *attr,
            const char *value)
{
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (GError) error = NULL;

  r->category = g_strdup (category);
  r->description = g_strdup (description);
  r->address = g_strdup (address);
  if (attr)
    okn_record_add_attribute (r, attr, value);
  if (!okn_store_register (store, r, "kancelaria3", &error))
    g_error ("%s", error->message);
  return g_strdup (r->ticket);
}

static void
sample_data (const char *db)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okn_store_open (db, &error);
  g_autoptr (OknRecord) refused = NULL;
  g_autofree char *ticket = NULL;
  static const OknTestService services[] = {
    {
      .code = "pothole",
      .name = "Dziura w jezdni",
      .group = "Drogi",
      .keywords = "dziura,jezdnia,asfalt",
      .definition = "{\"attributes\":["
                    "{\"variable\":true,\"code\":\"depth\",\"datatype\":\"number\",\"required\":true,\"order\":1,\"description\":\"Głębokość (cm)\"},"
                    "{\"variable\":true,\"code\":\"lane\",\"datatype\":\"singlevaluelist\",\"required\":false,\"order\":2,\"description\":\"Pas ruchu\","
                    "\"values\":[{\"key\":\"left\",\"name\":\"Lewy pas\"},{\"key\":\"right\",\"name\":\"Prawy pas\"},{\"key\":\"both\",\"name\":\"Cała jezdnia\"}]},"
                    "{\"variable\":true,\"code\":\"noticed_at\",\"datatype\":\"datetime\",\"required\":false,\"order\":3,\"description\":\"Kiedy zauważono\"}]}",
    },
    {
      .code = "streetlight",
      .name = "Niedziałająca latarnia",
      .group = "Oświetlenie",
      .definition = "{\"attributes\":[{\"variable\":true,\"code\":\"issues\",\"datatype\":\"multivaluelist\",\"required\":true,\"order\":1,"
                    "\"description\":\"Co jest nie tak\",\"values\":[{\"key\":\"dark\",\"name\":\"Nie świeci\"},{\"key\":\"flicker\",\"name\":\"Miga\"}]}]}",
    },
    { .code = "dumping", .name = "Dzikie wysypisko", .group = "Czystość" },
    { .code = "tree", .name = "Powalone drzewo", .group = "Zieleń" },
  };

  if (store == NULL || !okn_store_init_station (store, "K03", "admin", &error))
    g_error ("%s", error->message);
  okn_test_cache_services (store, services, G_N_ELEMENTS (services));

  add_letter (store, "Jan Kowalski", "ul. Piotrkowska 104, 90-001 Łódź", "Wniosek o wycinkę drzewa",
              "Wydział Ochrony Środowiska", OKN_DELIVERY_IN_PERSON, 3, 200);
  add_letter (store, "Spółdzielnia Mieszkaniowa „Widzew”", "al. Piłsudskiego 12, 90-368 Łódź",
              "Uzgodnienie remontu chodnika", "Zarząd Dróg i Transportu", OKN_DELIVERY_POST, 5, 170);
  add_letter (store, "Małgorzata Wiśniewska", "ul. Zgierska 51 m. 4, 91-446 Łódź", "Skarga na hałas nocny",
              "Straż Miejska", OKN_DELIVERY_IN_PERSON, 1, 120);
  add_letter (store, "Kancelaria Adwokacka Żak i Wspólnicy", "ul. Narutowicza 8, 90-135 Łódź",
              "Wezwanie do zapłaty", "Biuro Prawne", OKN_DELIVERY_COURIER, 12, 95);
  add_letter (store, "Piotr Kowalczyk", "ul. Rzgowska 22, 93-172 Łódź", "Odwołanie od decyzji",
              "Wydział Gospodarki Komunalnej", OKN_DELIVERY_POST, 2, 60);
  add_letter (store, "Zofia Kowalewska", "ul. Łagiewnicka 9, 91-456 Łódź", "Prośba o ławkę w parku",
              "Zarząd Zieleni Miejskiej", OKN_DELIVERY_IN_PERSON, 1, 20);
  ticket = add_report (store, "pothole", "Głęboka dziura przy przejściu dla pieszych, woda stoi po deszczu.",
                       "ul. Piotrkowska 120, Łódź", "depth", "15");
  refused = okn_store_lookup (store, ticket, NULL);
  okn_store_set_sync_state (store, refused->id, OKN_SYNC_NEEDS_ATTENTION, "sync",
                            "lane: Pas ruchu is required", NULL);
  g_free (add_report (store, "streetlight", "Latarnia nie świeci od tygodnia.", "ul. Wólczańska 55, Łódź",
                      "issues", "dark"));
  {
    g_autoptr (GPtrArray) found = okn_store_search (store, "Kowalczyk", 1, NULL);
    okn_store_cancel (store, ((OknRecord *) g_ptr_array_index (found, 0))->ticket,
                      "Pismo złożone omyłkowo, zwrócone nadawcy", "kancelaria3", NULL);
  }
}

static void
type_into (GtkWidget  *entry,
           const char *text)
{
  gtk_entry_set_text (GTK_ENTRY (entry), text);
}

/* A desk form's field by its id in the form's template: the screens are
 * in Polish, their labels too. */
static GtkWidget *
form_field (GtkWidget  *form,
            const char *id)
{
  return GTK_WIDGET (gtk_widget_get_template_child (form, G_OBJECT_TYPE (form), id));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("okienko-shots-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (tmp, "okienko.db", NULL);
  g_autofree char *db2 = g_build_filename (tmp, "new.db", NULL);
  g_autofree char *conf = g_build_filename (tmp, "okienko.conf", NULL);
  OknApplication *app;
  OknClerkWindow *window;
  GtkWidget *w;
  g_autoptr (GPtrArray) found = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: %s OUTPUT_DIR\n", argv[0]);
      return 2;
    }
  outdir = argv[1];
  g_setenv ("OKIENKO_DB", db, TRUE);
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  g_file_set_contents (conf,
                       "[office]\nname=Urząd Miasta Łodzi, Punkt Kancelaryjny nr 3\n"
                       "hotline=42 638 44 44\n"
                       "[letters]\nunits=Wydział Gospodarki Komunalnej,Zarząd Dróg i Transportu,"
                       "Wydział Ochrony Środowiska,Biuro Prawne,Straż Miejska,Zarząd Zieleni Miejskiej\n",
                       -1, NULL);
  sample_data (db);

  okn_application_setup_i18n ();
  gtk_init (&argc, &argv);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  app = okn_application_new ();
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_application_activate (G_APPLICATION (app));
  window = OKN_CLERK_WINDOW (okn_application_get_clerk_window (app));
  gtk_window_resize (GTK_WINDOW (window), 1180, 780);

  /* The letter form, half typed, with the check's answer next to a field. */
  okn_clerk_window_show_page (window, "letter");
  w = GTK_WIDGET (okn_clerk_window_get_letter_form (window));
  type_into (form_field (w, "address_entry"), "ul. Kilińskiego 85, 90-119 Łódź");
  type_into (form_field (w, "subject_entry"), "Wniosek o dowód osobisty – zmiana adresu");
  type_into (form_field (w, "letter_date_entry"), "31.11.2026");
  okn_letter_form_save (OKN_LETTER_FORM (w));
  shoot (GTK_WIDGET (window), "desk-letter");

  okn_letter_form_reset (OKN_LETTER_FORM (w));
  okn_clerk_window_show_page (window, "report");
  w = GTK_WIDGET (okn_clerk_window_get_report_form (window));
  okn_report_form_select_category (OKN_REPORT_FORM (w), "pothole");
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (form_field (w, "description_view"))),
                            "Zapadnięta studzienka na pasie do skrętu w lewo.", -1);
  type_into (form_field (w, "address_entry"), "al. Mickiewicza / ul. Żeromskiego, Łódź");
  type_into (okn_report_form_get_attribute_widget (OKN_REPORT_FORM (w), "depth"), "20");
  /* The clerk typing the description: its frame shows the focus. */
  gtk_widget_grab_focus (form_field (w, "description_view"));
  shoot (GTK_WIDGET (window), "desk-report");
  /* Saved: the ticket on screen for the resident, as it stays until the
   * next record starts; then the same at 1024×768. */
  okn_report_form_save (OKN_REPORT_FORM (w));
  for (int i = 0; i < 300 && okn_clerk_window_get_shown_ticket (window) == NULL; i++)
    okn_test_ui_pump_for (20);
  shoot (GTK_WIDGET (window), "desk-ticket");
  gtk_window_resize (GTK_WINDOW (window), 1024, 768 - 40);
  okn_test_ui_pump_for (200);
  shoot (GTK_WIDGET (window), "desk-1024x768");
  gtk_window_resize (GTK_WINDOW (window), 1180, 780);
  okn_test_ui_pump_for (100);
  okn_report_form_reset (OKN_REPORT_FORM (w));

  okn_clerk_window_show_page (window, "find");
  /* The sender's address finds a letter, the category's name names a report. */
  okn_search_page_set_query (okn_clerk_window_get_search_page (window), "piotrkowska");
  shoot (GTK_WIDGET (window), "desk-find");

  {
    g_autoptr (OknStore) store = okn_store_open (db, NULL);
    found = okn_store_search (store, "studzienka dziura przejściu", 1, NULL);
    if (found == NULL || found->len == 0)
      found = okn_store_search (store, "przejściu", 1, NULL);
    okn_clerk_window_open_ticket (window, ((OknRecord *) g_ptr_array_index (found, 0))->ticket);
  }
  shoot (GTK_WIDGET (window), "desk-record");

  okn_clerk_window_show_page (window, "register");
  shoot (GTK_WIDGET (window), "desk-register");

  okn_clerk_window_show_page (window, "letter");
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  okn_test_ui_pump_for (200);
  {
    g_autoptr (GList) tops = gtk_window_list_toplevels ();
    for (GList *l = tops; l; l = l->next)
      if (OKN_IS_PREFERENCES_DIALOG (l->data))
        {
          GtkWidget *notebook = okn_test_ui_find_by_type (l->data, GTK_TYPE_NOTEBOOK);

          gtk_window_resize (GTK_WINDOW (l->data), 720, 460);
          gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), 1);
          shoot (l->data, "desk-preferences");
          gtk_widget_destroy (l->data);
        }
  }

  /* A machine with no station yet. */
  {
    g_autoptr (OknStore) fresh = okn_store_open (db2, NULL);
    OknApplication *app2;

    g_setenv ("OKIENKO_DB", db2, TRUE);
    app2 = okn_application_new ();
    g_application_register (G_APPLICATION (app2), NULL, NULL);
    g_application_activate (G_APPLICATION (app2));
    okn_test_ui_pump_for (200);
    {
      g_autoptr (GList) tops = gtk_window_list_toplevels ();
      for (GList *l = tops; l; l = l->next)
        if (OKN_IS_SETUP_DIALOG (l->data))
          {
            shoot (l->data, "desk-setup");
            gtk_widget_destroy (l->data);
          }
    }
    g_object_unref (app2);
  }

  gtk_widget_destroy (GTK_WIDGET (window));
  g_object_unref (app);
  return 0;
}
