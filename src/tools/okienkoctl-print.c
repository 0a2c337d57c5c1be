/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-print.c: print (a ticket to a file or a printer). The core
 * renders and delivers (okn_outputs_deliver); this file only picks options
 * and prints answers. Scanning is in okienkoctl-scan.c. */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-outputs.h"

/* print ------------------------------------------------------------------ */

typedef struct
{
  OknLayout layout;
  double dpi;             /* 0: the layout's own (203 receipts, 300 else) */
  char *output;           /* --output FILE.pdf|FILE.png */
  char *printer;          /* --printer NAME: a CUPS queue */
  char *escpos;           /* --escpos DEVICE|HOST:PORT: raw ESC/POS */
  gboolean force;         /* --force: --output may replace a file */
} PrintOpts;

static void
print_opts_clear (PrintOpts *o)
{
  g_free (o->output);
  g_free (o->printer);
  g_free (o->escpos);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PrintOpts, print_opts_clear)

/* Where the ticket goes, as the options name it; the core's outputs
 * render and deliver it (the desk's and the kiosk's printing go the same
 * way). Checks of the options come first, so a bad command changes
 * nothing. */
static int
print_deliver (OkctlContext           *ctx,
               const OknTicketContent *content,
               const PrintOpts        *o)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *where = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *shown = NULL;
  OknOutputTarget target = { 0 };
  const char *ticket = okn_ticket_content_get_ticket (content);
  const char *layout = okn_layout_to_string (o->layout);

  if ((o->output != NULL) + (o->printer != NULL) + (o->escpos != NULL) > 1)
    return okctl_usage_error (_("Give only one of --output, --printer and --escpos."));
  if (o->printer)
    target = (OknOutputTarget) { .kind = OKN_OUTPUT_CUPS, .where = o->printer };
  else if (o->escpos)
    {
      if (!okn_layout_is_receipt (o->layout))
        return okctl_usage_error (_("--escpos prints receipts only: use --layout receipt-80 or receipt-58."));
      target = (OknOutputTarget) { .kind = OKN_OUTPUT_ESCPOS, .where = o->escpos };
    }
  else if (o->output)
    {
      lower = g_ascii_strdown (o->output, -1);
      if (!g_str_has_suffix (lower, ".pdf") && !g_str_has_suffix (lower, ".png"))
        {
          shown = okctl_quote (o->output);
          return okctl_usage_error (_("--output must name a .pdf or .png file, not “%s”."), shown);
        }
      target = (OknOutputTarget) { .kind = OKN_OUTPUT_FILE, .where = o->output, .dpi = o->dpi,
                                   .flags = o->force ? OKN_FILE_WRITE_REPLACE : OKN_FILE_WRITE_DEFAULT };
    }
  else
    return okctl_usage_error (_("Say where the ticket goes: --output ticket.pdf, --output ticket.png, "
                                "--printer NAME or --escpos DEVICE|HOST:PORT."));

  where = okn_outputs_deliver (ctx->config, o->layout, content, &target, NULL, &error);
  if (where == NULL)
    return okctl_fail (g_steal_pointer (&error));
  shown = okn_text_display_line (where, -1);
  switch (target.kind)
    {
    case OKN_OUTPUT_CUPS:
      g_print (_("Ticket %s printed on %s (%s, job %d).\n"), ticket, shown, layout, target.job_id);
      break;
    case OKN_OUTPUT_ESCPOS:
      g_print (_("Ticket %s sent to receipt printer %s (%s).\n"), ticket, shown, layout);
      break;
    case OKN_OUTPUT_FILE:
    case OKN_OUTPUT_FOLDER:
    default:
      g_print (_("Ticket %s written to %s (%s).\n"), ticket, shown, layout);
      break;
    }
  return OKCTL_EXIT_OK;
}

int
okctl_cmd_print (OkctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) record = NULL;
  g_autoptr (OknTicketContent) content = NULL;
  g_autofree char *layout_name = NULL;
  g_auto (PrintOpts) o = { 0 };
  int rc;
  GOptionEntry entries[] = {
    { "layout", 'l', 0, G_OPTION_ARG_STRING, &layout_name,
      N_("receipt-80, receipt-58, a4-confirmation or label (default: receipt-80)"), N_("LAYOUT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, N_("Write a PDF or PNG file"), N_("FILE") },
    { "printer", 'p', 0, G_OPTION_ARG_STRING, &o.printer, N_("Print on a CUPS printer (see okienkoctl printers)"),
      N_("NAME") },
    { "escpos", 0, 0, G_OPTION_ARG_STRING, &o.escpos,
      N_("Send a receipt raw to an ESC/POS printer: a device such as /dev/usb/lp0 or HOST[:PORT]"),
      N_("DEVICE|HOST:PORT") },
    { "dpi", 0, 0, G_OPTION_ARG_DOUBLE, &o.dpi, N_("Resolution of a PNG (default: 203 for receipts, 300 else)"),
      N_("DPI") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
      N_("Let --output replace an existing file (never the database or the configuration)"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("TICKET"),
                            _("Prints the ticket of a record in one of the layouts."), entries))
    return OKCTL_EXIT_USAGE;
  o.layout = OKN_LAYOUT_RECEIPT_80;
  if (argc != 2)
    rc = okctl_usage_error (_("Give one ticket ID: okienkoctl print K03-26-004217-Q --layout label --output label.pdf"));
  else if (layout_name && !okn_layout_from_string (layout_name, &o.layout))
    rc = okctl_usage_error (_("Unknown layout “%s”: use receipt-80, receipt-58, a4-confirmation or label."),
                            layout_name);
  else if ((store = okctl_open_store (ctx, &error)) == NULL
           || (record = okn_store_lookup (store, argv[1], &error)) == NULL)
    rc = okctl_fail (g_steal_pointer (&error));
  else
    {
      content = okn_intake_ticket_content (store, ctx->config, record);
      rc = print_deliver (ctx, content, &o);
    }
  return rc;
}
