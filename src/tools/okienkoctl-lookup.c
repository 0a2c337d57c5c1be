/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-lookup.c: lookup, what a resident sees of their case (the
 * kiosk's "check my ticket") from the command line. The core answers
 * (okn-lookup: the public view, the same "no" for every wrong guess, the
 * pause); this file picks options and prints. */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-lookup.h"

static JsonNode *
view_json (const OknPublicView *v,
           OknLanguage          lang)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  okctl_json_add_string (b, "ticket", v->ticket);
  okctl_json_add_string (b, "kind", okn_kind_to_string (v->kind));
  okctl_json_add_string (b, "category", v->category);
  okctl_json_add_string (b, "category_name", v->category_name);
  okctl_json_add_string (b, "unit", v->unit);
  okctl_json_add_string (b, "filed_at", v->filed_at);
  okctl_json_add_string (b, "updated_at", v->updated_at);
  okctl_json_add_string (b, "status", okn_public_status_to_string (v->status));
  okctl_json_add_string (b, "status_text", okn_public_status_label (lang, v->status));
  okctl_json_add_string (b, "status_note", v->status_note);
  okctl_json_add_string (b, "case_number", v->case_number);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
print_line (const char *label,
            const char *value)
{
  g_autofree char *shown = NULL;

  if (value == NULL)
    return;
  shown = okn_text_display_line (value, -1);
  g_print ("%-*s %s\n", okctl_width (label, 16), label, shown);
}

int
okctl_cmd_lookup (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknPublicView) view = NULL;
  g_autofree char *scanned = NULL;
  g_autofree char *language = NULL;
  gboolean json = FALSE;
  OknLanguage lang = okn_language_from_locale ();
  GOptionEntry entries[] = {
    { "scanned", 0, 0, G_OPTION_ARG_STRING, &scanned, N_("What a scanner read off the ticket (its QR code)"),
      N_("TEXT") },
    { "language", 0, 0, G_OPTION_ARG_STRING, &language, N_("The answer's language: pl, en or uk"), N_("LANG") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("TICKET CODE | --scanned TEXT"),
                            _("Shows what the holder of a ticket may see of the case: category, "
                              "dates, status, the city's note, case number; nothing personal. "
                              "A wrong code and an unknown ticket get the same answer; after 5 "
                              "in a row, lookups pause for a minute."), entries))
    return OKCTL_EXIT_USAGE;
  if (language && !okn_language_from_string (language, &lang))
    return okctl_usage_error (_("Unknown language “%s”: use pl, en or uk."), language);
  if (scanned ? argc != 1 : argc != 3)
    return okctl_usage_error (_("Give a ticket ID and its verification code: okienkoctl lookup "
                                "K03-26-004217-Q 7KQ2MX, or --scanned TEXT."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  view = scanned ? okn_lookup_public_scanned (store, scanned, lang, NULL, &error)
                 : okn_lookup_public (store, argv[1], argv[2], lang, NULL, &error);
  if (view == NULL)
    return okctl_fail (g_steal_pointer (&error));
  if (json)
    {
      g_autoptr (JsonNode) node = view_json (view, lang);

      okctl_print_json (node);
      return OKCTL_EXIT_OK;
    }
  print_line (_("Ticket:"), view->ticket);
  print_line (_("Category:"), view->category_name);
  print_line (_("Unit:"), view->unit);
  print_line (_("Filed:"), view->filed_at);
  print_line (_("Status:"), okn_public_status_label (lang, view->status));
  print_line (_("Note:"), view->status_note);
  print_line (_("Case number:"), view->case_number);
  return OKCTL_EXIT_OK;
}
