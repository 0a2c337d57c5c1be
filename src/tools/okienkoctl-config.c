/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-config.c: config get|set|unset|list, like git config */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"

#define SECRET_STDIN_MAX (64 * 1024)

/* A secret is read from standard input when the value is "-", so it never
 * appears in the shell history or the process list. Its first line, whole
 * (a long token must not be cut), as a file saved by an editor holds it:
 * without a byte order mark or the spaces around it.
 * Returns: %NULL when nothing came, or (with *too_long) more than
 *   SECRET_STDIN_MAX bytes */
static char *
read_secret_stdin (gboolean *too_long)
{
  g_autoptr (GString) line = g_string_new (NULL);
  int c;

  *too_long = FALSE;
  while ((c = getc (stdin)) != EOF && c != '\n')
    {
      if (line->len >= SECRET_STDIN_MAX)
        {
          *too_long = TRUE;
          return NULL;
        }
      g_string_append_c (line, (char) c);
    }
  if (c == EOF && line->len == 0)
    return NULL;
  if (g_str_has_prefix (line->str, "\xef\xbb\xbf"))
    g_string_erase (line, 0, 3);
  g_strstrip (line->str);
  return g_strdup (line->str);
}

int
okctl_cmd_config (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (_("get|set|unset|list [SECTION.KEY] [VALUE]"));
  g_autoptr (GError) error = NULL;
  gboolean all = FALSE;
  const char *action;
  GOptionEntry entries[] = {
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("With list: every known key, its type and default"), NULL },
    { NULL },
  };

  g_option_context_set_summary (octx, _("Reads and writes the configuration file. "
                                        "Secrets are never printed; “config set server.api_key -” "
                                        "reads the key from standard input."));
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);

  /* Parsed by hand: a value may itself start with a dash ("-5", "-" for
   * standard input), which GOption would take for an option. */
  {
    int kept = 1;

    for (int i = 1; i < argc; i++)
      {
        if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
          {
            g_autofree char *help = g_option_context_get_help (octx, TRUE, NULL);
            g_print ("%s", help);
            return OKCTL_EXIT_OK;
          }
        if (g_str_equal (argv[i], "--all"))
          all = TRUE;
        else
          argv[kept++] = argv[i];
      }
    argc = kept;
  }
  if (argc < 2)
    return okctl_usage_error (_("Say get, set, unset or list; see okienkoctl config --help."));
  action = argv[1];

  if (g_str_equal (action, "list"))
    {
      if (all)
        {
          guint n;
          const OknConfigKey *keys = okn_config_keys (&n);
          int name_w = 0, type_w = 0, default_w = 1;

          /* Columns as wide as their longest entry (names, types and
           * defaults are ASCII). */
          for (guint i = 0; i < n; i++)
            {
              name_w = MAX (name_w, (int) strlen (keys[i].name));
              type_w = MAX (type_w, (int) strlen (okn_config_type_to_string (keys[i].type)));
              if (keys[i].default_value)
                default_w = MAX (default_w, (int) strlen (keys[i].default_value));
            }
          for (guint i = 0; i < n; i++)
            g_print ("%-*s %-*s %-*s %s\n", name_w, keys[i].name, type_w, okn_config_type_to_string (keys[i].type),
                     default_w, keys[i].default_value ? keys[i].default_value : "-", _(keys[i].summary));
          return OKCTL_EXIT_OK;
        }
      {
        g_autoptr (GPtrArray) set = okn_config_list_set (ctx->config);

        for (guint i = 0; i < set->len; i++)
          {
            const char *name = g_ptr_array_index (set, i);
            g_autofree char *value = okn_config_get_string (ctx->config, name);
            g_autofree char *shown = okn_config_display_value (okn_config_find_key (name), value);
            /* One key a line: an address's line breaks become spaces. */
            g_autofree char *safe = okn_text_display_line (shown, -1);

            g_print ("%s=%s\n", name, safe);
          }
      }
      return OKCTL_EXIT_OK;
    }

  if (g_str_equal (action, "get"))
    {
      const OknConfigKey *key;
      g_autofree char *value = NULL;
      g_autofree char *shown = NULL;

      if (argc != 3)
        return okctl_usage_error (_("Usage: okienkoctl config get SECTION.KEY"));
      key = okn_config_find_key (argv[2]);
      if (key == NULL)
        {
          g_autofree char *name = okctl_quote (argv[2]);

          return okctl_usage_error (_("Unknown configuration key “%s”. Known keys: okienkoctl config list --all"),
                                    name);
        }
      if (!okn_config_is_set (ctx->config, argv[2]))
        return OKCTL_EXIT_NOT_FOUND;
      value = okn_config_get_string (ctx->config, argv[2]);
      shown = okn_config_display_value (key, value);
      {
        g_autofree char *safe = okn_text_display_block (shown);

        g_print ("%s\n", safe);
      }
      return OKCTL_EXIT_OK;
    }

  if (g_str_equal (action, "set"))
    {
      const OknConfigKey *key;
      g_autofree char *value = NULL;
      g_autoptr (GPtrArray) before = NULL;

      if (argc != 4)
        return okctl_usage_error (_("Usage: okienkoctl config set SECTION.KEY VALUE"));
      key = okn_config_find_key (argv[2]);
      if (key && key->type == OKN_CONFIG_TYPE_SECRET && g_str_equal (argv[3], "-"))
        {
          gboolean too_long;

          value = read_secret_stdin (&too_long);
          if (too_long)
            return okctl_usage_error (_("%s: the line on standard input is longer than %d KiB."),
                                      key->name, SECRET_STDIN_MAX / 1024);
          if (value == NULL)
            return okctl_usage_error (_("%s: nothing was given on standard input."), key->name);
        }
      else
        value = g_strdup (argv[3]);
      /* What was risky before was said as the file was loaded. */
      before = okn_config_check_combination (ctx->config);
      if (!okn_config_set (ctx->config, argv[2], value, &error) || !okn_config_save (ctx->config, &error))
        return okctl_fail (g_steal_pointer (&error));
      {
        /* Saved, but say at once what is newly risky about it. */
        g_autoptr (GPtrArray) warnings = okn_config_check_combination (ctx->config);

        for (guint i = 0; i < warnings->len; i++)
          {
            const char *warning = g_ptr_array_index (warnings, i);
            g_autofree char *line = NULL;

            if (g_ptr_array_find_with_equal_func (before, warning, g_str_equal, NULL))
              continue;
            line = g_strdup_printf ("%s: %s", _("warning"), warning);
            okctl_print_error (line);
          }
      }
      return OKCTL_EXIT_OK;
    }

  if (g_str_equal (action, "unset"))
    {
      if (argc != 3)
        return okctl_usage_error (_("Usage: okienkoctl config unset SECTION.KEY"));
      if (!okn_config_unset (ctx->config, argv[2], &error) || !okn_config_save (ctx->config, &error))
        return okctl_fail (g_steal_pointer (&error));
      return OKCTL_EXIT_OK;
    }

  {
    g_autofree char *shown = okctl_quote (action);

    return okctl_usage_error (_("Unknown config action “%s”: use get, set, unset or list."), shown);
  }
}
