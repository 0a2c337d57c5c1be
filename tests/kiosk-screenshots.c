/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kiosk-screenshots.c: PNG pictures of every kiosk screen, in Polish,
 * English and Ukrainian and in GTK's HighContrast theme, for
 * docs/screenshots/kiosk-*.png. The real window, driven through its own
 * buttons, filled with a sample station. Run by
 * build-aux/screenshots.sh under Xvfb (a 1280x800 screen); not a test.
 */
#define G_LOG_DOMAIN "kiosk-screenshots"

#include "config.h"

#include <string.h>
#include <gtk/gtk.h>

#include "okn-application.h"
#include "okn-kiosk-window.h"
#include "okn-kiosk-theme.h"
#include "okn-test-kiosk.h"
#include "okn-test-ui.h"

static const char *outdir;
static char *workdir;
static OknKioskWindow *window;
static char *known_ticket;
static char *known_code;

static void
shoot (const char *variant,
       const char *screen)
{
  g_autofree char *path = g_strdup_printf ("%s/kiosk-%s-%s.png", outdir, variant, screen);

  okn_test_ui_pump_for (400);
  okn_test_ui_save_png (GTK_WIDGET (window), NULL, path);
}

static GtkWidget *
named (const char *name)
{
  return okn_test_kiosk_find (window, name);
}

static void
set_entry (const char *name,
           const char *text)
{
  gtk_entry_set_text (GTK_ENTRY (named (name)), text);
}

static gboolean
is_done (void)
{
  return g_strcmp0 (okn_kiosk_window_get_screen_name (window), "done") == 0;
}

/* Every screen, in the window's current language and theme. */
static void
shoot_all (const char *variant)
{
  GtkTextBuffer *buf;
  gint64 deadline;
  OknInactivity *clock = okn_kiosk_window_get_inactivity (window);
  OknLanguage lang = okn_kiosk_window_get_language (window);
  OknKioskTheme theme = okn_kiosk_theme_get (GTK_WIDGET (window));

  okn_kiosk_window_show_start (window);
  shoot (variant, "start");
  okn_test_kiosk_press (window, "report");
  shoot (variant, "category");
  okn_test_kiosk_press (window, "category:pothole");
  set_entry ("address", "ul. Piotrkowska 120, Łódź");
  shoot (variant, "where");
  okn_test_kiosk_press (window, "next");
  buf = gtk_text_view_get_buffer (GTK_TEXT_VIEW (named ("description")));
  gtk_text_buffer_set_text (buf, "Głęboka dziura przy przejściu dla pieszych.", -1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("attr:size:large")), TRUE);
  shoot (variant, "what");
  okn_test_kiosk_press (window, "next");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (named ("consent")), TRUE);
  set_entry ("contact-name", "Olena Kowalenko");
  set_entry ("contact-email", "olena@example.org");
  shoot (variant, "contact");
  okn_test_kiosk_press (window, "next");
  shoot (variant, "summary");
  okn_test_kiosk_press (window, "confirm");
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!is_done () && g_get_monotonic_time () < deadline)
    okn_test_ui_pump_for (50);
  shoot (variant, "done");
  okn_test_kiosk_press (window, "finish");
  /* Finish starts over in the kiosk's own language and theme. */
  okn_kiosk_window_set_language (window, lang);
  okn_kiosk_theme_set (GTK_WIDGET (window), theme);

  okn_test_kiosk_press (window, "check");
  set_entry ("ticket-id", known_ticket);
  set_entry ("ticket-code", "XXXXXX");
  okn_test_kiosk_press (window, "check-go");
  shoot (variant, "check");
  set_entry ("ticket-id", known_ticket);
  set_entry ("ticket-code", known_code);
  okn_test_kiosk_press (window, "check-go");
  shoot (variant, "answer");
  okn_test_kiosk_press (window, "finish");
  /* Finish starts over in the kiosk's own language and theme. */
  okn_kiosk_window_set_language (window, lang);
  okn_kiosk_theme_set (GTK_WIDGET (window), theme);

  /* The inactivity warning, brought on by a quick clock. */
  okn_test_kiosk_press (window, "report");
  okn_test_kiosk_press (window, "category:streetlight");
  okn_inactivity_set_timeouts (clock, 20, 60 * 1000);
  okn_inactivity_poke (clock);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!okn_kiosk_window_is_warning (window) && g_get_monotonic_time () < deadline)
    okn_test_ui_pump_for (20);
  shoot (variant, "still-there");
  okn_inactivity_set_timeouts (clock, 90 * 1000, OKN_INACTIVITY_GRACE_SECONDS * 1000);
  okn_inactivity_poke (clock);
  okn_kiosk_report_wipe (okn_kiosk_window_get_report (window));

  /* The screens no path above reaches: the staff's message (a kiosk
   * without categories), the administrator's PIN pad and what stands in
   * for the summary of a resident gone while the report is saved. */
  {
    g_autoptr (GPtrArray) screens = okn_kiosk_window_list_screens (window);

    for (guint i = 0; i < screens->len; i++)
      {
        OknKioskScreen *s = g_ptr_array_index (screens, i);
        const char *name = okn_kiosk_screen_get_name (s);

        if (g_str_equal (name, "no-categories") || g_str_equal (name, "admin") || g_str_equal (name, "saving"))
          {
            okn_kiosk_window_show_screen (window, s);
            shoot (variant, name);
          }
      }
  }
  okn_kiosk_window_show_start (window);
}

static void
make_station (const char *db,
              const char *conf)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okn_store_open (db, &error);
  g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_status_change_free);
  g_autofree char *conf_text = NULL;
  struct { const char *code, *name, *group, *def; } cats[] = {
    { "pothole", "Dziura w jezdni", "Drogi i chodniki",
      "{\"service_code\":\"pothole\",\"attributes\":[{\"variable\":true,\"code\":\"size\","
      "\"datatype\":\"singlevaluelist\",\"required\":true,\"order\":1,\"description\":\"Jak duża jest dziura?\","
      "\"values\":[{\"key\":\"small\",\"name\":\"Mała\"},{\"key\":\"large\",\"name\":\"Duża\"}]}]}" },
    { "sidewalk", "Uszkodzony chodnik", "Drogi i chodniki", NULL },
    { "streetlight", "Latarnia nie świeci", "Oświetlenie", NULL },
    { "dumping", "Dzikie wysypisko śmieci", "Czystość", NULL },
    { "graffiti", "Graffiti na budynku", "Czystość", NULL },
    { "tree", "Przewrócone drzewo", "Zieleń", NULL },
    { "hydrant", "Wyciek wody z hydrantu", NULL, NULL },
  };

  if (store == NULL || !okn_store_init_station (store, "K03", "admin", &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (cats); i++)
    {
      OknService *s = g_new0 (OknService, 1);

      s->code = g_strdup (cats[i].code);
      s->name = g_strdup (cats[i].name);
      s->group = g_strdup (cats[i].group);
      s->type = g_strdup ("realtime");
      s->definition = g_strdup (cats[i].def);
      s->metadata = cats[i].def != NULL;
      g_ptr_array_add (services, s);
    }
  if (!okn_store_replace_services (store, services, &error))
    g_error ("%s", error->message);
  r->channel = OKN_CHANNEL_KIOSK;
  r->category = g_strdup ("streetlight");
  r->description = g_strdup ("Latarnia nie świeci od tygodnia.");
  r->address = g_strdup ("ul. Wólczańska 55, Łódź");
  if (!okn_store_register (store, r, "kiosk", &error))
    g_error ("%s", error->message);
  known_ticket = g_strdup (r->ticket);
  known_code = g_strdup (r->verification_code);
  conf_text = g_strdup_printf ("[office]\nname=Urząd Miasta Łodzi\naddress=ul. Piotrkowska 104, 90-926 Łódź\n"
                               "[kiosk]\noutput_dir=%s/out\n", workdir);
  if (!g_file_set_contents (conf, conf_text, -1, &error))
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  static const char *const langs[] = { "pl", "en", "uk" };
  g_autoptr (OknApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;

  if (argc != 2)
    {
      g_printerr ("usage: kiosk-screenshots OUTDIR\n");
      return 2;
    }
  outdir = argv[1];
  workdir = g_dir_make_tmp ("okienko-kiosk-shots-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (workdir, "okienko.db", NULL);
  conf = g_build_filename (workdir, "okienko.conf", NULL);
  g_setenv ("OKIENKO_DB", db, TRUE);
  g_setenv ("OKIENKO_CONFIG", conf, TRUE);
  make_station (db, conf);

  okn_application_setup_i18n ();
  gtk_init (&argc, &argv);
  app = okn_application_new ();
  okn_application_set_kiosk (app, TRUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = OKN_KIOSK_WINDOW (okn_application_get_kiosk_window (app));
  okn_test_ui_pump_for (500);

  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      OknLanguage lang;

      okn_language_from_string (langs[i], &lang);
      okn_kiosk_window_set_language (window, lang);
      shoot_all (langs[i]);
    }
  g_object_set (gtk_settings_get_default (), "gtk-theme-name", "HighContrast", NULL);
  okn_kiosk_window_set_language (window, OKN_LANGUAGE_PL);
  shoot_all ("hc");

  gtk_widget_destroy (GTK_WIDGET (window));
  okn_test_ui_pump_for (100);
  return 0;
}
