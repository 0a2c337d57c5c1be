/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-outputs.c: where a saved record's tickets go */
#define G_LOG_DOMAIN "okn-outputs"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-escpos.h"
#include "okienko/okn-file.h"
#include "okienko/okn-layout.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-printer.h"

G_DEFINE_QUARK (okn-outputs-error-quark, okn_outputs_error)

/* Reprints of one ticket kept side by side in the PDF folder. */
#define MAX_COPIES 999

/**
 * okn_outputs_for_record:
 *
 * Returns: (transfer full): the layouts that print when @record is saved
 *   (`desk.letter_outputs` or `desk.report_outputs`)
 */
GStrv
okn_outputs_for_record (OknConfig       *config,
                        const OknRecord *record)
{
  GStrv list = okn_config_get_list (config, record->kind == OKN_KIND_LETTER ? "desk.letter_outputs"
                                                                             : "desk.report_outputs");
  return list ? list : g_new0 (char *, 1);
}

static const char *
printer_key (OknLayout layout)
{
  switch (layout)
    {
    case OKN_LAYOUT_RECEIPT_80:
    case OKN_LAYOUT_RECEIPT_58:
      return "desk.printer_receipt";
    case OKN_LAYOUT_LABEL:
      return "desk.printer_label";
    case OKN_LAYOUT_A4_CONFIRMATION:
    default:
      return "desk.printer_a4";
    }
}

/* The PDF folder: tickets and the register alike. A file already there
 * (a reprint, yesterday's register printed again) is kept and the new one
 * gets the next free name, "-2", "-3", ...: no output replaces a file
 * unless asked to (okn-file), and the desk cannot ask. */
static char *
write_to_folder (const char *dir,
                 const char *name,
                 GBytes     *pdf,
                 GError    **error)
{
  g_autofree char *stem = g_str_has_suffix (name, ".pdf") ? g_strndup (name, strlen (name) - 4)
                                                          : g_strdup (name);
  gsize len;
  const void *data = g_bytes_get_data (pdf, &len);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_IO,
                   _("Could not create the PDF folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }
  for (guint n = 1; n <= MAX_COPIES; n++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autofree char *file = n == 1 ? g_strdup_printf ("%s.pdf", stem)
                                     : g_strdup_printf ("%s-%u.pdf", stem, n);
      g_autofree char *path = g_build_filename (dir, file, NULL);

      if (okn_file_write_output (path, data, len, OKN_FILE_WRITE_DEFAULT, 0644, &local_error))
        return g_steal_pointer (&path);
      if (!g_error_matches (local_error, OKN_FILE_ERROR, OKN_FILE_ERROR_EXISTS))
        {
          g_set_error_literal (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_IO, local_error->message);
          return NULL;
        }
    }
  g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_IO,
               _("The PDF folder %s already holds %u copies of %s: clear it out, then print "
                 "again."),
               dir, MAX_COPIES, name);
  return NULL;
}

static char *
write_pdf (const char             *dir,
           OknLayout               layout,
           const OknTicketContent *content,
           GError                **error)
{
  g_autoptr (GBytes) pdf = NULL;
  g_autofree char *name = NULL;

  pdf = okn_layout_render_pdf (layout, content, error);
  if (pdf == NULL)
    return NULL;
  name = g_strdup_printf ("%s-%s.pdf", okn_ticket_content_get_ticket (content), okn_layout_to_string (layout));
  return write_to_folder (dir, name, pdf, error);
}

static char *
print_one (OknConfig              *config,
           OknLayout               layout,
           const OknTicketContent *content,
           GCancellable           *cancellable,
           GError                **error)
{
  g_autofree char *dir = okn_config_get_string (config, "desk.output_dir");
  g_autofree char *printer = okn_config_get_string (config, printer_key (layout));
  g_autofree char *escpos = okn_config_get_string (config, "escpos.device");

  /* A folder wins: it is what tests, archives and printer-less desks use. */
  if (dir && *dir)
    {
      g_autofree char *path = write_pdf (dir, layout, content, error);

      return path ? g_strdup_printf ("%s → %s", okn_layout_to_string (layout), path) : NULL;
    }
  if (okn_layout_is_receipt (layout) && escpos && *escpos)
    {
      g_autoptr (OknBitmap) bitmap = NULL;
      OknEscposOptions eo;

      if (!okn_escpos_options_from_config (&eo, config, error))
        return NULL;
      bitmap = okn_layout_render_bitmap (layout, content, OKN_LAYOUT_THERMAL_DPI, error);
      if (bitmap == NULL || !okn_escpos_print (escpos, bitmap, &eo, cancellable, error))
        return NULL;
      return g_strdup_printf ("%s → %s", okn_layout_to_string (layout), escpos);
    }
  if (printer && *printer)
    {
      g_autoptr (GBytes) pdf = okn_layout_render_pdf (layout, content, error);
      g_autofree char *title = NULL;
      OknPrintJobOptions job = { 0 };

      if (pdf == NULL)
        return NULL;
      title = g_strdup_printf ("Okienko %s", okn_ticket_content_get_ticket (content));
      job.title = title;
      job.timeout = (guint) okn_config_get_int (config, "print.timeout");
      okn_layout_page_size_mm (layout, content, &job.width_mm, &job.height_mm);
      if (!okn_printer_print_pdf (printer, pdf, &job, NULL, cancellable, error))
        return NULL;
      return g_strdup_printf ("%s → %s", okn_layout_to_string (layout), printer);
    }
  g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_NOT_CONFIGURED,
               _("No printer is set for the %s: choose one in Preferences (Printing), or a PDF folder."),
               okn_layout_to_string (layout));
  return NULL;
}

/**
 * okn_outputs_print:
 * @layouts: (array zero-terminated=1): layout names ("label", "receipt-80", ...)
 *
 * Renders and delivers each layout in turn; stops at the first failure
 * (what printed before it stays printed: the message says which failed).
 *
 * Returns: (transfer full) (nullable): what went where, comma-separated
 *   ("" for no layouts); %NULL with @error set on a failure
 */
char *
okn_outputs_print (OknConfig          *config,
                   const OknRecord    *record,
                   const char *const  *layouts,
                   GCancellable       *cancellable,
                   GError            **error)
{
  g_autoptr (OknTicketContent) content = NULL;
  g_autoptr (GString) done = g_string_new (NULL);

  if (layouts == NULL || layouts[0] == NULL)
    return g_strdup ("");
  content = okn_ticket_content_new (record, config);
  for (guint i = 0; layouts[i]; i++)
    {
      OknLayout layout;
      g_autofree char *one = NULL;

      if (!okn_layout_from_string (layouts[i], &layout))
        {
          g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_UNKNOWN_LAYOUT,
                       _("“%s” is not a ticket layout (receipt-80, receipt-58, label, a4-confirmation)."),
                       layouts[i]);
          return NULL;
        }
      one = print_one (config, layout, content, cancellable, error);
      if (one == NULL)
        {
          if (done->len > 0)
            g_prefix_error (error, _("Printed %s; then: "), done->str);
          return NULL;
        }
      if (done->len > 0)
        g_string_append (done, ", ");
      g_string_append (done, one);
    }
  return g_string_free (g_steal_pointer (&done), FALSE);
}

/**
 * okn_outputs_print_a4_document:
 * @pdf: an A4 document (the daily register)
 * @name: its file name in the PDF folder, e.g. "register-2026-11-29.pdf"
 * @landscape: the page is A4 turned sideways
 *
 * Sends a document that is not a ticket where A4 goes: the PDF folder when
 * `desk.output_dir` is set, else the `desk.printer_a4` CUPS printer.
 *
 * Returns: (transfer full) (nullable): where it went, for the status line
 */
char *
okn_outputs_print_a4_document (OknConfig    *config,
                               GBytes       *pdf,
                               const char   *name,
                               gboolean      landscape,
                               GCancellable *cancellable,
                               GError      **error)
{
  g_autofree char *dir = okn_config_get_string (config, "desk.output_dir");
  g_autofree char *printer = okn_config_get_string (config, "desk.printer_a4");

  if (dir && *dir)
    return write_to_folder (dir, name, pdf, error);
  if (printer && *printer)
    {
      OknPrintJobOptions job = { 0 };
      g_autofree char *title = g_strdup_printf ("Okienko %s", name);

      job.title = title;
      job.width_mm = landscape ? 297 : 210;
      job.height_mm = landscape ? 210 : 297;
      job.timeout = (guint) okn_config_get_int (config, "print.timeout");
      if (!okn_printer_print_pdf (printer, pdf, &job, NULL, cancellable, error))
        return NULL;
      return g_strdup (printer);
    }
  g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_NOT_CONFIGURED,
               _("No A4 printer is set: choose one in Preferences (Printing), or a PDF folder."));
  return NULL;
}
