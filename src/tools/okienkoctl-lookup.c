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

/* A member of the public view: its name in --json and, when the text
 * shows it, its label there. */
typedef struct
{
  const char *member;
  const char *label;   /* (nullable) translatable; NULL: --json only */
  const char *value;   /* (nullable) */
} ViewField;

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
  {
    /* What lookup shows, once for both outputs, in their order. */
    const ViewField fields[] = {
      { "ticket", N_("Ticket:"), view->ticket },
      { "kind", NULL, okn_kind_to_string (view->kind) },
      { "category", NULL, view->category },
      { "category_name", N_("Category:"), view->category_name },
      { "unit", N_("Unit:"), view->unit },
      { "filed_at", N_("Filed:"), view->filed_at },
      { "updated_at", NULL, view->updated_at },
      { "status", NULL, okn_public_status_to_string (view->status) },
      { "status_text", N_("Status:"), okn_public_status_label (lang, view->status) },
      { "status_note", N_("Note:"), view->status_note },
      { "case_number", N_("Case number:"), view->case_number },
    };

    if (json)
      {
        g_autoptr (JsonBuilder) b = json_builder_new ();
        g_autoptr (JsonNode) node = NULL;

        json_builder_begin_object (b);
        for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
          okn_json_add_string (b, fields[i].member, fields[i].value);
        json_builder_end_object (b);
        node = json_builder_get_root (b);
        okctl_print_json (node);
        return OKCTL_EXIT_OK;
      }
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      if (fields[i].label)
        print_line (_(fields[i].label), fields[i].value);
  }
  return OKCTL_EXIT_OK;
}
