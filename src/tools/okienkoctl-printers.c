/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-printers.c: list the CUPS printers with their state */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-printer.h"

static JsonNode *
printer_to_json (const OknPrinterInfo *info)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  okn_json_add_string (b, "name", info->name);
  okn_json_add_string (b, "state", info->state == OKN_PRINTER_STATE_STOPPED      ? "stopped"
                                   : info->state == OKN_PRINTER_STATE_PROCESSING ? "processing"
                                                                                 : "idle");
  okctl_json_add_bool (b, "accepting_jobs", info->accepting);
  okctl_json_add_bool (b, "default", info->is_default);
  json_builder_set_member_name (b, "state_reasons");
  json_builder_begin_array (b);
  for (guint i = 0; info->state_reasons && info->state_reasons[i]; i++)
    json_builder_add_string_value (b, info->state_reasons[i]);
  json_builder_end_array (b);
  okn_json_add_string (b, "state_message", info->state_message);
  okn_json_add_string (b, "info", info->info);
  okn_json_add_string (b, "location", info->location);
  okn_json_add_string (b, "make_and_model", info->make_and_model);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

int
okctl_cmd_printers (OkctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  g_autoptr (GPtrArray) printers = NULL;
  GError *error = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, NULL,
                            _("Lists the printers of the CUPS print server with their "
                              "state. The default printer is marked with “*”."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    return okctl_usage_error (_("printers takes no arguments; see okienkoctl printers --help."));

  printers = okn_printer_list (&error);
  if (printers == NULL)
    return okctl_fail (error);

  if (json)
    {
      g_autoptr (JsonArray) array = json_array_new ();
      g_autoptr (JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < printers->len; i++)
        json_array_add_element (array, printer_to_json (g_ptr_array_index (printers, i)));
      json_node_set_array (root, array);
      okctl_print_json (root);
      return OKCTL_EXIT_OK;
    }

  if (printers->len == 0)
    {
      g_print ("%s\n", _("The print server has no printers."));
      return OKCTL_EXIT_OK;
    }
  for (guint i = 0; i < printers->len; i++)
    {
      const OknPrinterInfo *info = g_ptr_array_index (printers, i);
      g_autofree char *state = okn_printer_info_describe (info);
      /* Names, descriptions and state messages come from the print server
       * (and whoever set the printers up): shown safe, one printer a line. */
      g_autofree char *name = okn_text_display_line (info->name, -1);
      g_autofree char *safe_state = okn_text_display_line (state, -1);
      g_autofree char *about = okn_text_display_line (info->info, 80);
      g_autofree char *location = okn_text_display_line (info->location, 80);

      g_print ("%s %-24s %s", info->is_default ? "*" : " ", name, safe_state);
      if (info->info && g_strcmp0 (info->info, info->name) != 0)
        g_print (" — %s", about);
      if (info->location)
        g_print (" [%s]", location);
      g_print ("\n");
    }
  return OKCTL_EXIT_OK;
}
