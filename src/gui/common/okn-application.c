/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-application.c: start-up, the store and config, the first-start setup */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "okn-application.h"
#include "okn-gui-resources.h"
#include "okn-clerk-window.h"
#include "okn-kiosk-window.h"
#include "okn-preferences-dialog.h"
#include "okn-setup-dialog.h"

struct _OknApplication
{
  GtkApplication parent_instance;

  char *db_path;
  char *config_path;
  char *operator_name;
  OknContext *context;   /* the store (main thread's connection), config, operator */
  OknConfig *config;     /* until the context takes it */
  char *config_error;    /* (nullable) why the configuration did not load */
  GtkWidget *window;
  gboolean kiosk;        /* `--kiosk`: the resident kiosk, not the desk */
};

G_DEFINE_FINAL_TYPE (OknApplication, okn_application, GTK_TYPE_APPLICATION)

/**
 * okn_application_setup_i18n:
 *
 * Polish by default, English when the locale or LANGUAGE asks for it;
 * OKIENKO_LOCALEDIR points at a build tree's compiled catalogues. Before
 * GTK starts: GTK then leaves the locale as set here.
 */
void
okn_application_setup_i18n (void)
{
  const char *dir = g_getenv ("OKIENKO_LOCALEDIR");
  const char *messages;

  /* The locale is set here, once: gtk_init() would set it from the
   * environment again and undo the C.UTF-8 below. */
  gtk_disable_setlocale ();
  setlocale (LC_ALL, "");
  /* A desk with no language chosen (the C locale, as on a freshly installed
   * kiosk-like machine) speaks Polish; LANG=en_GB.UTF-8 or LANGUAGE=en
   * chooses English. */
  messages = setlocale (LC_MESSAGES, NULL);
  if (g_getenv ("LANGUAGE") == NULL
      && (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX")
          || g_str_has_prefix (messages, "C.")))
    g_setenv ("LANGUAGE", "pl", TRUE);
  /* gettext ignores LANGUAGE while the messages' locale is C (POSIX is C
   * by another name), so the desk's own words would stay English there;
   * C.UTF-8 is the same locale for messages, and there it is read. */
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

OknApplication *
okn_application_new (void)
{
  /* The desk draws with cairo only. Without this GTK opens the GL driver
   * to choose visuals, which costs ~45 MB (Mesa with LLVM) and start-up
   * time; a setting of the user's own wins. */
  g_setenv ("GDK_GL", "disable", FALSE);
  return g_object_new (OKN_TYPE_APPLICATION,
                       "application-id", "org.okienko.Desk",
                       /* Every desk is its own process: no session bus is
                        * needed (kiosks, tests under Xvfb). */
                       "flags", G_APPLICATION_NON_UNIQUE,
                       NULL);
}

/**
 * okn_application_get_context:
 *
 * Returns: (transfer none) (nullable): what the views work with, once the
 *   store is open
 */
OknContext *
okn_application_get_context (OknApplication *self)
{
  return self->context;
}

OknStore *
okn_application_get_store (OknApplication *self)
{
  return self->context ? okn_context_get_store (self->context) : NULL;
}

OknConfig *
okn_application_get_config (OknApplication *self)
{
  return self->context ? okn_context_get_config (self->context) : self->config;
}

const char *
okn_application_get_operator (OknApplication *self)
{
  return self->operator_name;
}

/**
 * okn_application_get_config_error:
 *
 * Returns: (nullable): why the configuration file could not be read at
 *   start-up (the desk then works with the defaults)
 */
const char *
okn_application_get_config_error (OknApplication *self)
{
  return self->config_error;
}

GtkWidget *
okn_application_get_clerk_window (OknApplication *self)
{
  return self->kiosk ? NULL : self->window;
}

/**
 * okn_application_set_kiosk:
 *
 * Runs as the resident kiosk (what `--kiosk` does); before the application
 * is registered.
 */
void
okn_application_set_kiosk (OknApplication *self,
                           gboolean        kiosk)
{
  self->kiosk = kiosk;
}

/**
 * okn_application_get_kiosk_window:
 *
 * Returns: (transfer none) (nullable): the kiosk's window, in kiosk mode
 */
GtkWidget *
okn_application_get_kiosk_window (OknApplication *self)
{
  return self->kiosk ? self->window : NULL;
}

gboolean
okn_application_reload_config (OknApplication *self,
                               GError        **error)
{
  OknConfig *config = okn_config_load (self->config_path, error);

  if (config == NULL)
    return FALSE;
  g_clear_pointer (&self->config_error, g_free);
  if (self->context)
    okn_context_set_config (self->context, config);
  else
    {
      g_clear_pointer (&self->config, okn_config_free);
      self->config = config;
    }
  return TRUE;
}

static void
show_fatal (OknApplication *self,
            const char     *message)
{
  GtkWidget *dialog = gtk_message_dialog_new (NULL, 0, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                              "%s", _("Okienko cannot start"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", message);
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_widget_destroy), NULL);
  gtk_widget_show (dialog);
}

static void
open_clerk_window (OknApplication *self)
{
  if (self->window == NULL)
    {
      self->window = GTK_WIDGET (okn_clerk_window_new (self));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
open_kiosk_window (OknApplication *self)
{
  if (self->window == NULL)
    {
      self->window = GTK_WIDGET (okn_kiosk_window_new (GTK_APPLICATION (self), self->context));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
    }
  gtk_window_present (GTK_WINDOW (self->window));
}

static void
on_setup_done (OknSetupDialog *dialog,
               gboolean        done,
               OknApplication *self)
{
  gtk_widget_destroy (GTK_WIDGET (dialog));
  if (done)
    open_clerk_window (self);
}

static void
okn_application_activate (GApplication *app)
{
  OknApplication *self = OKN_APPLICATION (app);
  g_autoptr (GError) error = NULL;
  g_autofree char *station = NULL;

  if (self->context == NULL)
    {
      OknStore *store = okn_store_open (self->db_path, &error);

      if (store == NULL)
        {
          show_fatal (self, error->message);
          return;
        }
      self->context = okn_context_new (self->db_path, store, g_steal_pointer (&self->config),
                                       self->operator_name);
    }

  /* A kiosk never asks a resident to set the station up: it says so to
   * staff on its own screen. */
  if (self->kiosk)
    {
      open_kiosk_window (self);
      return;
    }
  station = okn_store_get_station (okn_context_get_store (self->context), NULL);
  if (station == NULL && self->window == NULL)
    {
      OknSetupDialog *dialog = okn_setup_dialog_new (self);

      g_signal_connect (dialog, "finished", G_CALLBACK (on_setup_done), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  open_clerk_window (self);
}

static void
load_css (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/okienko/Desk/okienko.css");
  gtk_style_context_add_provider_for_screen (gdk_screen_get_default (), GTK_STYLE_PROVIDER (css),
                                             GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
on_quit (GSimpleAction *action,
         GVariant      *param,
         gpointer       user_data)
{
  OknApplication *self = user_data;

  if (self->window)
    {
      if (!okn_clerk_window_can_close (OKN_CLERK_WINDOW (self->window)))
        return;
      gtk_widget_destroy (self->window);
    }
  g_application_quit (G_APPLICATION (self));
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  OknApplication *self = user_data;
  OknPreferencesDialog *dialog = okn_preferences_dialog_new (self);

  if (self->window)
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self->window));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_about (GSimpleAction *action,
          GVariant      *param,
          gpointer       user_data)
{
  OknApplication *self = user_data;

  gtk_show_about_dialog (self->window ? GTK_WINDOW (self->window) : NULL,
                         "program-name", "Okienko",
                         "version", PACKAGE_VERSION,
                         "comments", _("Registers letters and walk-in reports and prints tickets"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "logo-icon-name", "org.okienko.Desk",
                         NULL);
}

static gsize app_name_set;

static void
okn_application_startup (GApplication *app)
{
  OknApplication *self = OKN_APPLICATION (app);
  static const GActionEntry actions[] = {
    { "quit", on_quit },
    { "preferences", on_preferences },
    { "about", on_about },
  };
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.save", { "<Control>Return", "<Control>KP_Enter", NULL } },
    { "win.new-letter", { "<Control>l", NULL } },
    { "win.new-report", { "<Control>r", NULL } },
    { "win.find", { "<Control>f", NULL } },
    { "win.register", { "<Control>d", NULL } },
    { "win.sync-now", { "<Control><Shift>s", NULL } },
    { "win.open-scan", { "<Control>o", NULL } },
    { "win.camera-scan", { "<Control>k", NULL } },
    { "win.undo-clear", { "<Control>z", NULL } },
  };
  g_autoptr (GError) error = NULL;

  G_APPLICATION_CLASS (okn_application_parent_class)->startup (app);

  /* A kiosk has none of the desk's actions and shortcuts: Ctrl+Q and the
   * rest must not exist there at all. */
  if (!self->kiosk)
    {
      g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), app);
      for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
        gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
    }

  /* Once per process: a test may start the desk twice. */
  if (g_once_init_enter (&app_name_set))
    {
      g_set_application_name (_("Okienko"));
      g_once_init_leave (&app_name_set, 1);
    }
  gtk_window_set_default_icon_name ("org.okienko.Desk");
  load_css ();

  if (self->db_path == NULL)
    self->db_path = okn_store_default_path ();
  self->operator_name = g_strdup (g_get_user_name ());
  self->config = okn_config_load (self->config_path, &error);
  if (self->config == NULL)
    {
      /* An unreadable file must not stop the desk: work with defaults and
       * say why in the window (and in the journal, for the administrator). */
      g_message ("%s", error->message);
      self->config_error = g_strdup (error->message);
      self->config = okn_config_new (self->config_path);
    }
}

static int
okn_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  OknApplication *self = OKN_APPLICATION (app);
  const char *s;

  if (g_variant_dict_contains (options, "kiosk"))
    self->kiosk = TRUE;
  if (g_variant_dict_lookup (options, "db", "^&ay", &s))
    self->db_path = g_strdup (s);
  if (g_variant_dict_lookup (options, "config", "^&ay", &s))
    self->config_path = g_strdup (s);
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("okienko %s\n", PACKAGE_VERSION);
      return 0;
    }
  return -1;
}

static void
okn_application_finalize (GObject *object)
{
  OknApplication *self = OKN_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_pointer (&self->config, okn_config_free);
  g_free (self->db_path);
  g_free (self->config_path);
  g_free (self->config_error);
  g_free (self->operator_name);
  G_OBJECT_CLASS (okn_application_parent_class)->finalize (object);
}

static void
okn_application_class_init (OknApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  okn_gui_register_resource ();
  object_class->finalize = okn_application_finalize;
  app_class->startup = okn_application_startup;
  app_class->activate = okn_application_activate;
  app_class->handle_local_options = okn_application_handle_local_options;
}

static void
okn_application_init (OknApplication *self)
{
  static const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The database (default: $OKIENKO_DB or the user data folder)"), N_("PATH") },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("The configuration file (default: $OKIENKO_CONFIG or the user config folder)"), N_("PATH") },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run as the resident kiosk: full screen, for residents, no desk shortcuts"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}
