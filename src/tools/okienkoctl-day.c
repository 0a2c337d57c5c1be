/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-day.c: `okienkoctl day`: the daily register of incoming
 * letters, as the desk shows and exports it (okn-register) */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "okienkoctl.h"

int
okctl_cmd_day (OkctlContext *ctx,
               int           argc,
               char        **argv)
{
  g_autofree char *date = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *pdf = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (GPtrArray) letters = NULL;
  g_autoptr (GDateTime) when = NULL;
  GDate day;
  gboolean force = FALSE;
  OknFileWriteFlags flags;
  const GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day (dd.mm.yyyy or YYYY-MM-DD; default: today)"), N_("DAY") },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &csv, N_("Write the register as CSV to FILE"), N_("FILE") },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Write the register as an A4 PDF to FILE"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE when it exists (never the database or the configuration)"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("— the register of letters received on a day"), NULL, entries))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    return okctl_usage_error (_("day takes no arguments; see okienkoctl day --help."));

  if (date)
    {
      if (!okn_register_parse_day (date, &day))
        {
          g_autofree char *shown = okctl_quote (date);

          return okctl_usage_error (_("--date: “%s” is not a day: write 29.11.2026 or 2026-11-29."), shown);
        }
    }
  else
    {
      when = g_date_time_new_now_local ();
      okn_register_day_from_datetime (when, &day);
    }

  /* Both files are checked before either is written. */
  flags = force ? OKN_FILE_WRITE_REPLACE : OKN_FILE_WRITE_DEFAULT;
  store = okctl_open_store (ctx, &error);
  if (store == NULL || (csv && !okn_file_check_output (csv, flags, &error))
      || (pdf && !okn_file_check_output (pdf, flags, &error))
      || (letters = okn_register_day (store, &day, &error)) == NULL)
    return okctl_fail (g_steal_pointer (&error));

  if (csv && !okn_register_write_csv (letters, csv, flags, &error))
    return okctl_fail (g_steal_pointer (&error));
  if (pdf)
    {
      g_autofree OknRegisterHeading *heading = okn_register_heading_new (store, ctx->config);

      if (!okn_register_write_pdf (letters, &day, heading, pdf, flags, &error))
        return okctl_fail (g_steal_pointer (&error));
    }
  if (csv == NULL && pdf == NULL)
    {
      /* The register on standard output: one letter a line. */
      for (guint i = 0; i < letters->len; i++)
        {
          const OknRecord *r = g_ptr_array_index (letters, i);
          g_autofree char *received = okn_format_date_pl (r->received_at, TRUE);
          /* One letter a line, tab-separated: the texts are made safe and
           * flat (a tab or a line break in them would shift the columns). */
          g_autofree char *sender = okn_text_display_line (r->anonymous ? _("anonymous") : r->sender_name, -1);
          g_autofree char *subject = okn_text_display_line (r->subject, -1);
          g_autofree char *reason = okn_text_display_line (r->sync_state == OKN_SYNC_CANCELLED
                                                             ? r->cancel_reason : NULL, -1);

          g_print ("%u\t%s\t%s\t%s\t%s\t%s%s\n", i + 1, r->ticket, received, sender, subject,
                   r->sync_state == OKN_SYNC_CANCELLED ? _("CANCELLED: ") : "", reason);
        }
    }
  else
    g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u letter in the register.\n", "%u letters in the register.\n",
                             letters->len),
                letters->len);
  return OKCTL_EXIT_OK;
}
