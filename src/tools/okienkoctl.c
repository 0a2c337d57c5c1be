/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl.c: the headless tool: global options and command dispatch */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"

static const OkctlCommand commands[] = {
  { "init", okctl_cmd_init, N_("Create or upgrade the database and set the station code") },
  { "register", okctl_cmd_register, N_("Register a letter or a report and print its ticket ID") },
  { "show", okctl_cmd_show, N_("Show one record by its ticket ID") },
  { "list", okctl_cmd_list, N_("List records, newest first") },
  { "search", okctl_cmd_search, N_("Search senders, subjects, descriptions, addresses and IDs") },
  { "edit", okctl_cmd_edit, N_("Correct a record that has not been sent") },
  { "cancel", okctl_cmd_cancel, N_("Cancel a record that has not been sent") },
  { "status", okctl_cmd_status, N_("Show the station and its queue") },
  { "config", okctl_cmd_config, N_("Get, set, unset or list configuration keys") },
  { "printers", okctl_cmd_printers, N_("List the CUPS printers with their state") },
  { "print", okctl_cmd_print, N_("Print a ticket to a PDF or PNG file or a printer") },
  { "scan", okctl_cmd_scan, N_("Read tickets from image or PDF files and check them") },
  { "sync", okctl_cmd_sync, N_("Send the queue to the Open311 server and pull statuses (--once, --watch)") },
  { "services", okctl_cmd_services, N_("List, refresh or import (from a file) the cached Open311 service catalogue") },
  { "requeue", okctl_cmd_requeue, N_("Queue records the server refused again, without a correction") },
  { "day", okctl_cmd_day, N_("The register of letters received on a day, as text, CSV or PDF") },
  { "lookup", okctl_cmd_lookup, N_("What a ticket's holder may see of the case (ID and verification code)") },
  { "backup", okctl_cmd_backup, N_("Copy the database while the station works, checked, to a file") },
  { "restore", okctl_cmd_restore, N_("Put a backup in the place of the database (the station stopped)") },
  { "check", okctl_cmd_check, N_("Check the database, its outbox and its ticket numbers") },
  { "purge", okctl_cmd_purge, N_("Clear personal data past privacy.retention_days (--dry-run lists)") },
};

int
okctl_fail (GError *error)
{
  int code = OKCTL_EXIT_USAGE;

  if (error->domain == OKN_STORE_ERROR)
    {
      switch ((OknStoreError) error->code)
        {
        case OKN_STORE_ERROR_NOT_FOUND:
          code = OKCTL_EXIT_NOT_FOUND;
          break;
        case OKN_STORE_ERROR_STORAGE:
        case OKN_STORE_ERROR_DISK_FULL:
        case OKN_STORE_ERROR_BUSY:
        case OKN_STORE_ERROR_NEWER_SCHEMA:
        case OKN_STORE_ERROR_NOT_OKIENKO:
        case OKN_STORE_ERROR_DAMAGED:
          code = OKCTL_EXIT_STORAGE;
          break;
        case OKN_STORE_ERROR_IN_USE:
          code = OKCTL_EXIT_BUSY;
          break;
        /* No database yet is "no station yet": run init. */
        case OKN_STORE_ERROR_NO_DATABASE:
        case OKN_STORE_ERROR_NO_STATION:
        case OKN_STORE_ERROR_READ_ONLY:
        case OKN_STORE_ERROR_CONFLICT:
        case OKN_STORE_ERROR_INVALID:
        default:
          code = OKCTL_EXIT_USAGE;
          break;
        }
    }
  else if (error->domain == OKN_CONFIG_ERROR && error->code == OKN_CONFIG_ERROR_IO)
    code = OKCTL_EXIT_STORAGE;
  else if (error->domain == OKN_REGISTER_ERROR)
    code = OKCTL_EXIT_STORAGE;
  /* An output path that may not be written is the user's to change; a
   * disk that failed is storage. */
  else if (error->domain == OKN_FILE_ERROR)
    code = error->code == OKN_FILE_ERROR_IO ? OKCTL_EXIT_STORAGE : OKCTL_EXIT_USAGE;
  /* A printer that is not there is "not found"; one that cannot print now
   * (scheduler down, stopped, out of paper, no answer) is like the network. */
  else if (error->domain == OKN_PRINTER_ERROR)
    code = error->code == OKN_PRINTER_ERROR_UNKNOWN_PRINTER ? OKCTL_EXIT_NOT_FOUND
           : error->code == OKN_PRINTER_ERROR_INVALID       ? OKCTL_EXIT_USAGE
                                                            : OKCTL_EXIT_NETWORK;
  else if (error->domain == OKN_ESCPOS_ERROR)
    code = error->code == OKN_ESCPOS_ERROR_INVALID ? OKCTL_EXIT_USAGE : OKCTL_EXIT_NETWORK;
  /* A wrong guess and a pause are "not found" to a script; a mistyped ID
   * or a missing code is the caller's to fix. */
  else if (error->domain == OKN_LOOKUP_ERROR)
    code = error->code == OKN_LOOKUP_ERROR_NOT_FOUND || error->code == OKN_LOOKUP_ERROR_PAUSED
             ? OKCTL_EXIT_NOT_FOUND : OKCTL_EXIT_USAGE;

  okctl_print_error (error->message);
  g_error_free (error);
  return code;
}

int
okctl_usage_error (const char *format,
                   ...)
{
  g_autofree char *msg = NULL;
  va_list args;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  okctl_print_error (msg);
  return OKCTL_EXIT_USAGE;
}

/**
 * okctl_print_error:
 * @message: our message, which may quote what someone typed, a file held or
 *   a server said
 *
 * Prints "okienkoctl: MESSAGE" on standard error, every line of it made
 * safe for the terminal first: an escape sequence, a carriage return or a
 * bidi override in the quoted text must not act on the screen.
 */
void
okctl_print_error (const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);
  g_autoptr (GString) out = g_string_new ("okienkoctl: ");

  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *safe = okn_text_display_line (lines[i], -1);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, safe);
    }
  g_printerr ("%s\n", out->str);
}

/**
 * okctl_width:
 * @text: valid UTF-8 (our words, or text made safe for display)
 * @columns: how many characters wide its column is
 *
 * A Polish or Ukrainian letter takes two bytes but one column, and
 * printf's "%-22s" pads by bytes: "%-*s" with this width pads @text to
 * @columns characters, so that the values after it line up.
 *
 * Returns: the field width to give printf for @text
 */
int
okctl_width (const char *text,
             int         columns)
{
  return columns + (int) (strlen (text) - (gsize) g_utf8_strlen (text, -1));
}

/**
 * okctl_quote:
 * @text: (nullable): outside text a message quotes (an argument, a value)
 *
 * Returns: (transfer full): @text on one safe line, cut after 60 characters
 */
char *
okctl_quote (const char *text)
{
  return okn_text_display_line (text, 60);
}

/* Commands that only read: they never create, upgrade or write the
 * database (a read-only SQLite connection). Only init creates one; the
 * others that write upgrade an older schema first. */
static const char *const read_only_commands[] = {
  "show", "list", "search", "status", "day", "print", "scan", "backup", "check",
};

/* What the store found and fixed or works around (lost ticket numbers,
 * a database others could read), a restore's, or the configuration's
 * problems: on stderr, so output stays clean. */
void
okctl_print_warnings (const GPtrArray *warnings)
{
  for (guint i = 0; warnings && i < warnings->len; i++)
    {
      g_autofree char *line = g_strdup_printf ("%s: %s", _("warning"),
                                               (const char *) g_ptr_array_index (warnings, i));
      okctl_print_error (line);
    }
}

/* Opens the store as @flags say and prints its warnings. */
OknStore *
okctl_open_store_full (OkctlContext       *ctx,
                       OknStoreOpenFlags   flags,
                       GError            **error)
{
  OknStore *store = okn_store_open_full (ctx->db_path, flags, error);

  if (store != NULL)
    okctl_print_warnings (okn_store_get_warnings (store));
  return store;
}

/* Opens the store as the command needs it (read_only_commands). */
OknStore *
okctl_open_store (OkctlContext *ctx,
                  GError      **error)
{
  OknStoreOpenFlags flags = OKN_STORE_OPEN_DEFAULT;

  if (g_strcmp0 (ctx->command, "init") == 0)
    flags = OKN_STORE_OPEN_CREATE;
  for (guint i = 0; i < G_N_ELEMENTS (read_only_commands); i++)
    if (g_strcmp0 (ctx->command, read_only_commands[i]) == 0)
      flags = OKN_STORE_OPEN_READ_ONLY;
  return okctl_open_store_full (ctx, flags, error);
}

/* Parses a command's options; on a usage error says so and what --help
 * shows. */
gboolean
okctl_parse_options (GOptionContext *octx,
                     int            *argc,
                     char         ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *not_utf8 = NULL;
  int bad = 0;

  /* GOption says only "Invalid byte sequence in conversion input": find
   * the argument, and the option it belongs to, before it parses. */
  for (int j = 1; j < *argc && bad == 0; j++)
    if (!g_utf8_validate ((*argv)[j], -1, NULL))
      bad = j;
  if (bad > 0)
    {
      const char *arg = (*argv)[bad];
      const char *eq = strchr (arg, '=');

      if (arg[0] == '-' && eq)
        not_utf8 = g_strndup (arg, (gsize) (eq - arg));
      else if (bad > 1 && (*argv)[bad - 1][0] == '-' && !strchr ((*argv)[bad - 1], '='))
        not_utf8 = g_strdup ((*argv)[bad - 1]);
    }

  if (!g_option_context_parse (octx, argc, argv, &error))
    {
      if (bad > 0 && error->domain == G_CONVERT_ERROR)
        {
          g_autofree char *shown = okctl_quote (not_utf8);

          if (not_utf8)
            okctl_usage_error (_("%s: the value is not valid UTF-8 text; okienkoctl reads its "
                                 "arguments as UTF-8 whatever the locale."),
                               shown);
          else
            okctl_usage_error (_("Argument %d is not valid UTF-8 text; okienkoctl reads its "
                                 "arguments as UTF-8 whatever the locale."),
                               bad);
        }
      else
        okctl_print_error (error->message);
      return FALSE;
    }
  return TRUE;
}

/* A command's options, as most commands have them: what --help shows
 * (@parameter_string, @summary) and @entries, parsed out of @argv. */
gboolean
okctl_parse_command (int                 *argc,
                     char              ***argv,
                     const char          *parameter_string,
                     const char          *summary,
                     const GOptionEntry  *entries)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (parameter_string);

  if (summary != NULL)
    g_option_context_set_summary (octx, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  return okctl_parse_options (octx, argc, argv);
}

void
okctl_json_add_int (JsonBuilder *b,
                    const char  *name,
                    gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
okctl_json_add_bool (JsonBuilder *b,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

void
okctl_print_json (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (gen, FALSE);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, NULL);
  /* Raw UTF-8 whatever the locale: g_print() would convert to the locale's
   * character set and turn "Łódź" into "??d?". */
  fflush (stdout);
  fwrite (text, 1, strlen (text), stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

static void
print_help (void)
{
  g_print ("%s\n\n", _("Usage: okienkoctl [--db PATH] [--config PATH] COMMAND [OPTIONS]"));
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, _(commands[i].summary));
  g_print ("\n%s\n", _("Global options:"));
  g_print ("  --db PATH      %s\n", _("the database (default: $OKIENKO_DB or the user data folder)"));
  g_print ("  --config PATH  %s\n", _("the configuration file (default: $OKIENKO_CONFIG or the user config folder)"));
  g_print ("\n%s\n", _("“okienkoctl COMMAND --help” describes a command."));
}

static void
setup_i18n (void)
{
  const char *dir = g_getenv ("OKIENKO_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* Arguments, JSON and the database are UTF-8 whatever the locale:
   * scripts and services often run in the C locale, where GOption would
   * convert arguments from ASCII (refusing "Łódź") and g_print() would
   * convert the output to it ("??d?"). Only the character set changes; the
   * language of the messages stays the user's. */
  if (!g_get_charset (NULL) && setlocale (LC_CTYPE, "C.UTF-8") == NULL)
    setlocale (LC_CTYPE, "en_US.UTF-8");
  bindtextdomain (GETTEXT_PACKAGE, dir && *dir ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* What main() holds, freed on every way out (LeakSanitizer saw the paths
 * given on the command line lost when the configuration was refused). */
void
okctl_context_clear (OkctlContext *ctx)
{
  g_clear_pointer (&ctx->config, okn_config_free);
  g_clear_pointer (&ctx->db_path, g_free);
  g_clear_pointer (&ctx->config_path, g_free);
}

int
main (int    argc,
      char **argv)
{
  g_auto (OkctlContext) ctx = { 0 };
  g_autoptr (GError) error = NULL;
  int i = 1;
  int rc;

  setup_i18n ();
  /* Under systemd (okienko-sync.service) the sync's record events go to
   * the journal with their fields; on a terminal nothing changes. */
  g_log_set_writer_func (okn_log_writer, NULL, NULL);

  /* Global options come before the command. */
  while (i < argc && argv[i][0] == '-')
    {
      const char *a = argv[i];

      if ((g_str_equal (a, "--db") || g_str_equal (a, "--config")) && i + 1 < argc)
        {
          char **slot = g_str_equal (a, "--db") ? &ctx.db_path : &ctx.config_path;

          g_free (*slot);
          *slot = g_strdup (argv[i + 1]);
          i += 2;
        }
      else if (g_str_has_prefix (a, "--db="))
        {
          g_free (ctx.db_path);
          ctx.db_path = g_strdup (a + 5);
          i++;
        }
      else if (g_str_has_prefix (a, "--config="))
        {
          g_free (ctx.config_path);
          ctx.config_path = g_strdup (a + 9);
          i++;
        }
      else if (g_str_equal (a, "--help") || g_str_equal (a, "-h"))
        {
          print_help ();
          return OKCTL_EXIT_OK;
        }
      else if (g_str_equal (a, "--version"))
        {
          g_print ("okienkoctl %s\n", PACKAGE_VERSION);
          return OKCTL_EXIT_OK;
        }
      else
        {
          g_autofree char *shown = okctl_quote (a);

          return okctl_usage_error (_("Unknown option %s; see okienkoctl --help."), shown);
        }
    }

  if (i >= argc)
    {
      print_help ();
      return OKCTL_EXIT_USAGE;
    }

  if (ctx.db_path == NULL)
    ctx.db_path = okn_store_default_path ();
  ctx.config = okn_config_load (ctx.config_path, &error);
  if (ctx.config == NULL)
    return okctl_fail (g_steal_pointer (&error));
  okctl_print_warnings (okn_config_get_problems (ctx.config));

  rc = -1;
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (g_str_equal (commands[c].name, argv[i]))
      {
        /* "Usage: okienkoctl config [OPTION…] …" in every command's help. */
        g_autofree char *prgname = g_strconcat ("okienkoctl ", commands[c].name, NULL);

        g_set_prgname (prgname);
        ctx.command = commands[c].name;
        rc = commands[c].func (&ctx, argc - i, argv + i);
        break;
      }
  if (rc < 0)
    {
      g_autofree char *shown = okctl_quote (argv[i]);

      rc = okctl_usage_error (_("Unknown command “%s”; see okienkoctl --help."), shown);
    }

  return rc;
}
