/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-print.c: print (a ticket to a file or a printer) and scan (read
 * tickets back from image files and PDFs). The core renders, decodes and
 * judges; this file only picks options and prints answers. */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "okienkoctl.h"
#include "okienko/okn-escpos.h"
#include "okienko/okn-layout.h"
#include "okienko/okn-printer.h"
#include "okienko/okn-scan.h"

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

static int
print_to_file (const OknTicketContent *content,
               const PrintOpts        *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *lower = g_ascii_strdown (o->output, -1);
  double dpi = o->dpi > 0 ? o->dpi
                          : okn_layout_is_receipt (o->layout) ? OKN_LAYOUT_THERMAL_DPI : 300;
  g_autofree char *shown = NULL;
  OknFileWriteFlags flags;

  flags = o->force ? OKN_FILE_WRITE_REPLACE : OKN_FILE_WRITE_DEFAULT;
  if (!okn_file_check_output (o->output, flags, &error))
    return okctl_fail (g_steal_pointer (&error));
  if (g_str_has_suffix (lower, ".pdf"))
    bytes = okn_layout_render_pdf (o->layout, content, &error);
  else if (g_str_has_suffix (lower, ".png"))
    bytes = okn_layout_render_png (o->layout, content, dpi, &error);
  else
    {
      shown = okctl_quote (o->output);
      return okctl_usage_error (_("--output must name a .pdf or .png file, not “%s”."), shown);
    }
  if (bytes == NULL)
    return okctl_fail (g_steal_pointer (&error));

  if (!okn_file_write_output (o->output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), flags,
                              0666, &error))
    return okctl_fail (g_steal_pointer (&error));
  shown = okn_text_display_line (o->output, -1);
  g_print (_("Ticket %s written to %s (%s).\n"), okn_ticket_content_get_ticket (content),
           shown, okn_layout_to_string (o->layout));
  return OKCTL_EXIT_OK;
}

/* A CUPS queue: the layout's PDF on a page of its size; waits for the job
 * (print.timeout) so that a stopped printer or an empty roll is reported. */
static int
print_to_printer (OkctlContext           *ctx,
                  const OknTicketContent *content,
                  const PrintOpts        *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pdf = okn_layout_render_pdf (o->layout, content, &error);
  g_autofree char *title = NULL;
  OknPrintJobOptions job = { 0 };
  int job_id = 0;
  g_autofree char *shown = NULL;

  if (pdf == NULL)
    return okctl_fail (g_steal_pointer (&error));
  title = g_strdup_printf ("Okienko %s", okn_ticket_content_get_ticket (content));
  job.title = title;
  job.timeout = (guint) okn_config_get_int (ctx->config, "print.timeout");
  okn_layout_page_size_mm (o->layout, content, &job.width_mm, &job.height_mm);
  if (!okn_printer_print_pdf (o->printer, pdf, &job, &job_id, NULL, &error))
    return okctl_fail (g_steal_pointer (&error));
  shown = okn_text_display_line (o->printer, -1);
  g_print (_("Ticket %s printed on %s (%s, job %d).\n"), okn_ticket_content_get_ticket (content),
           shown, okn_layout_to_string (o->layout), job_id);
  return OKCTL_EXIT_OK;
}

/* A raw ESC/POS receipt printer: the receipt's 203 dpi raster, then the
 * configured feed and cut. */
static int
print_to_escpos (OkctlContext           *ctx,
                 const OknTicketContent *content,
                 const PrintOpts        *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknBitmap) bitmap = NULL;
  OknEscposOptions eo;
  g_autofree char *shown = NULL;

  if (!okn_layout_is_receipt (o->layout))
    return okctl_usage_error (_("--escpos prints receipts only: use --layout receipt-80 or receipt-58."));
  if (!okn_escpos_options_from_config (&eo, ctx->config, &error))
    return okctl_fail (g_steal_pointer (&error));
  bitmap = okn_layout_render_bitmap (o->layout, content, OKN_LAYOUT_THERMAL_DPI, &error);
  if (bitmap == NULL || !okn_escpos_print (o->escpos, bitmap, &eo, NULL, &error))
    return okctl_fail (g_steal_pointer (&error));
  shown = okn_text_display_line (o->escpos, -1);
  g_print (_("Ticket %s sent to receipt printer %s (%s).\n"), okn_ticket_content_get_ticket (content),
           shown, okn_layout_to_string (o->layout));
  return OKCTL_EXIT_OK;
}

/* Where the ticket goes: one branch per output, chosen here and nowhere
 * else. */
static int
print_deliver (OkctlContext           *ctx,
               const OknTicketContent *content,
               const PrintOpts        *o)
{
  if ((o->output != NULL) + (o->printer != NULL) + (o->escpos != NULL) > 1)
    return okctl_usage_error (_("Give only one of --output, --printer and --escpos."));
  if (o->printer)
    return print_to_printer (ctx, content, o);
  if (o->escpos)
    return print_to_escpos (ctx, content, o);
  if (o->output)
    return print_to_file (content, o);
  return okctl_usage_error (_("Say where the ticket goes: --output ticket.pdf, --output ticket.png, "
                              "--printer NAME or --escpos DEVICE|HOST:PORT."));
}

/* A report's ticket names its category as the catalogue does, not by its
 * code; without a cached catalogue the code is all there is. */
static void
set_category_name (OknStore         *store,
                   const OknRecord  *record,
                   OknTicketContent *content)
{
  g_autoptr (GPtrArray) services = NULL;

  if (record->kind != OKN_KIND_REPORT || record->category == NULL)
    return;
  services = okn_store_list_services (store, NULL);
  for (guint i = 0; services && i < services->len; i++)
    {
      const OknService *s = g_ptr_array_index (services, i);

      if (g_strcmp0 (s->code, record->category) == 0 && s->name && *s->name)
        {
          okn_ticket_content_set_title (content, s->name);
          return;
        }
    }
}

int
okctl_cmd_print (OkctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (_("TICKET"));
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) record = NULL;
  g_autoptr (OknTicketContent) content = NULL;
  g_autofree char *layout_name = NULL;
  PrintOpts o = { 0 };
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

  g_option_context_set_summary (octx, _("Prints the ticket of a record in one of the layouts."));
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!okctl_parse_options (octx, &argc, &argv))
    {
      print_opts_clear (&o);
      return OKCTL_EXIT_USAGE;
    }
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
      content = okn_ticket_content_new (record, ctx->config);
      set_category_name (store, record, content);
      rc = print_deliver (ctx, content, &o);
    }
  print_opts_clear (&o);
  return rc;
}

/* scan ------------------------------------------------------------------- */

static JsonNode *
result_json (const OknScanResult *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "verdict");
  json_builder_add_string_value (b, okn_scan_verdict_to_string (r->verdict));
  json_builder_set_member_name (b, "ticket");
  if (r->ticket)
    json_builder_add_string_value (b, r->ticket);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "code");
  if (r->code)
    json_builder_add_string_value (b, r->code);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "symbology");
  json_builder_add_string_value (b, r->symbology);
  json_builder_set_member_name (b, "payload");
  json_builder_add_string_value (b, r->payload);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, r->page);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, r->message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
result_is_good (const OknScanResult *r)
{
  return r->verdict == OKN_SCAN_GENUINE || r->verdict == OKN_SCAN_ID_ONLY;
}

/* Exit status: 0 when every file holds only tickets of ours that are
 * genuine or carry no code to check (a letter's label), 1 when a file holds
 * no ticket or a doubtful one (wrong code, unknown, foreign), 2 when a file
 * cannot be read as an image at all. */
int
okctl_cmd_scan (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (_("FILE…"));
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gboolean json = FALSE;
  int rc = OKCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL },
  };

  g_option_context_set_summary (octx, _("Reads tickets from PNG, JPEG or PDF files (scans, photos) and says "
                                        "whether each is genuine. Changes nothing."));
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!okctl_parse_options (octx, &argc, &argv))
    return OKCTL_EXIT_USAGE;
  if (argc < 2)
    return okctl_usage_error (_("Give at least one file: okienkoctl scan page.pdf"));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) file_error = NULL;
      g_autoptr (GPtrArray) results = okn_scan_file (store, ctx->config, argv[i], &file_error);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, argv[i]);
      if (results == NULL)
        {
          if (file_error->domain != OKN_SCAN_ERROR)
            return okctl_fail (g_steal_pointer (&file_error));
          g_printerr ("okienkoctl: %s\n", file_error->message);
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, file_error->message);
          json_builder_end_object (b);
          rc = OKCTL_EXIT_USAGE;
          continue;
        }
      if (results->len == 0)
        {
          g_printerr ("okienkoctl: %s: %s\n", argv[i], _("no barcode found"));
          if (rc == OKCTL_EXIT_OK)
            rc = OKCTL_EXIT_NOT_FOUND;
        }
      json_builder_set_member_name (b, "results");
      json_builder_begin_array (b);
      for (guint k = 0; k < results->len; k++)
        {
          const OknScanResult *r = g_ptr_array_index (results, k);

          json_builder_add_value (b, result_json (r));
          if (!json)
            {
              if (r->page > 1)
                g_print ("%s (%s %u): %s: %s\n", argv[i], _("page"), r->page,
                         okn_scan_verdict_to_string (r->verdict), r->message);
              else
                g_print ("%s: %s: %s\n", argv[i], okn_scan_verdict_to_string (r->verdict), r->message);
            }
          if (!result_is_good (r) && rc == OKCTL_EXIT_OK)
            rc = OKCTL_EXIT_NOT_FOUND;
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  if (json)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);

      okctl_print_json (root);
    }
  return rc;
}
