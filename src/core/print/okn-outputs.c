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
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-printer.h"

G_DEFINE_QUARK (okn-outputs-error-quark, okn_outputs_error)

/* Reprints of one ticket kept side by side in the PDF folder. */
#define MAX_COPIES 999

/* Each profile's keys. A kiosk takes no letters and has no label
 * printer: NULL keys read as "nothing set". */
typedef struct
{
  const char *letter_outputs;
  const char *report_outputs;
  const char *output_dir;
  const char *printer_receipt;
  const char *printer_label;
  const char *printer_a4;
} ProfileKeys;

static const ProfileKeys profile_keys[] = {
  [OKN_OUTPUTS_DESK] = { "desk.letter_outputs", "desk.report_outputs", "desk.output_dir",
                         "desk.printer_receipt", "desk.printer_label", "desk.printer_a4" },
  [OKN_OUTPUTS_KIOSK] = { NULL, "kiosk.report_outputs", "kiosk.output_dir",
                          "kiosk.printer_receipt", NULL, "kiosk.printer_a4" },
};

static const ProfileKeys *
keys_of (OknOutputsProfile profile)
{
  return &profile_keys[(guint) profile < G_N_ELEMENTS (profile_keys) ? profile : OKN_OUTPUTS_DESK];
}

/* A key's value, or NULL when unset, empty or not in this profile. */
static char *
setting (OknConfig  *config,
         const char *key)
{
  g_autofree char *v = key ? okn_config_get_string (config, key) : NULL;

  return v && *v ? g_steal_pointer (&v) : NULL;
}

/**
 * okn_outputs_for_record:
 * @profile: the desk's or the kiosk's settings
 *
 * Returns: (transfer full): the layouts that print when @record is saved
 *   (`desk.letter_outputs`, `desk.report_outputs`, `kiosk.report_outputs`)
 */
GStrv
okn_outputs_for_record (OknConfig         *config,
                        OknOutputsProfile  profile,
                        const OknRecord   *record)
{
  const ProfileKeys *k = keys_of (profile);
  const char *key = record->kind == OKN_KIND_LETTER ? k->letter_outputs : k->report_outputs;
  GStrv list = key ? okn_config_get_list (config, key) : NULL;

  return list ? list : g_new0 (char *, 1);
}

static const char *
printer_key (const ProfileKeys *k,
             OknLayout          layout)
{
  switch (layout)
    {
    case OKN_LAYOUT_RECEIPT_80:
    case OKN_LAYOUT_RECEIPT_58:
      return k->printer_receipt;
    case OKN_LAYOUT_LABEL:
      return k->printer_label;
    case OKN_LAYOUT_A4_CONFIRMATION:
    default:
      return k->printer_a4;
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
deliver_cups (OknConfig              *config,
              OknLayout               layout,
              const OknTicketContent *content,
              OknOutputTarget        *target,
              GCancellable           *cancellable,
              GError                **error)
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
  if (!okn_printer_print_pdf (target->where, pdf, &job, &target->job_id, cancellable, error))
    return NULL;
  return g_strdup (target->where);
}

static char *
deliver_escpos (OknConfig              *config,
                OknLayout               layout,
                const OknTicketContent *content,
                OknOutputTarget        *target,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr (OknBitmap) bitmap = NULL;
  OknEscposOptions eo;

  if (!okn_layout_is_receipt (layout))
    {
      g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_INVALID,
                   _("An ESC/POS printer prints receipts only, not the %s."), okn_layout_display_name (layout));
      return NULL;
    }
  if (!okn_escpos_options_from_config (&eo, config, error))
    return NULL;
  bitmap = okn_layout_render_bitmap (layout, content, OKN_LAYOUT_THERMAL_DPI, error);
  if (bitmap == NULL || !okn_escpos_print (target->where, bitmap, &eo, cancellable, error))
    return NULL;
  return g_strdup (target->where);
}

/* One file named by the caller: PDF or PNG by its suffix. */
static char *
deliver_file (OknLayout               layout,
              const OknTicketContent *content,
              OknOutputTarget        *target,
              GError                **error)
{
  g_autofree char *lower = g_ascii_strdown (target->where, -1);
  double dpi = target->dpi > 0 ? target->dpi
                               : okn_layout_is_receipt (layout) ? OKN_LAYOUT_THERMAL_DPI : 300;
  g_autoptr (GBytes) bytes = NULL;

  if (!g_str_has_suffix (lower, ".pdf") && !g_str_has_suffix (lower, ".png"))
    {
      g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_INVALID,
                   _("A ticket is written as a .pdf or .png file, not “%s”."), target->where);
      return NULL;
    }
  /* Refused before rendering: the database, the configuration, a file
   * without leave to replace it (okn-file). */
  if (!okn_file_check_output (target->where, target->flags, error))
    return NULL;
  bytes = g_str_has_suffix (lower, ".pdf") ? okn_layout_render_pdf (layout, content, error)
                                           : okn_layout_render_png (layout, content, dpi, error);
  if (bytes == NULL
      || !okn_file_write_output (target->where, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                 target->flags, 0666, error))
    return NULL;
  return g_strdup (target->where);
}

/**
 * okn_outputs_deliver:
 * @layout: the ticket's layout
 * @content: what the ticket shows
 * @target: where it goes; its `job_id` is set for a CUPS job
 *
 * Renders one ticket and delivers it: the one place that turns a layout
 * into a PDF file, a CUPS job or ESC/POS bytes. okn_outputs_print() picks
 * targets from the configuration; `okienkoctl print` names one.
 *
 * Returns: (transfer full) (nullable): where it went (a path, a queue, a
 *   device), or %NULL with @error set
 */
char *
okn_outputs_deliver (OknConfig              *config,
                     OknLayout               layout,
                     const OknTicketContent *content,
                     OknOutputTarget        *target,
                     GCancellable           *cancellable,
                     GError                **error)
{
  switch (target->kind)
    {
    case OKN_OUTPUT_FOLDER:
      {
        g_autoptr (GBytes) pdf = okn_layout_render_pdf (layout, content, error);
        g_autofree char *name = NULL;

        if (pdf == NULL)
          return NULL;
        name = g_strdup_printf ("%s-%s.pdf", okn_ticket_content_get_ticket (content),
                                okn_layout_to_string (layout));
        return write_to_folder (target->where, name, pdf, error);
      }
    case OKN_OUTPUT_FILE:
      return deliver_file (layout, content, target, error);
    case OKN_OUTPUT_CUPS:
      return deliver_cups (config, layout, content, target, cancellable, error);
    case OKN_OUTPUT_ESCPOS:
      return deliver_escpos (config, layout, content, target, cancellable, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* Where the profile sends @layout: a folder wins (it is what tests,
 * archives and printer-less desks use), then ESC/POS for receipts, then
 * the layout's CUPS printer. */
static char *
print_one (OknConfig              *config,
           const ProfileKeys      *k,
           OknLayout               layout,
           const OknTicketContent *content,
           GCancellable           *cancellable,
           GError                **error)
{
  g_autofree char *dir = setting (config, k->output_dir);
  g_autofree char *printer = setting (config, printer_key (k, layout));
  g_autofree char *escpos = setting (config, "escpos.device");
  g_autofree char *where = NULL;
  OknOutputTarget target = { 0 };

  if (dir)
    target = (OknOutputTarget) { .kind = OKN_OUTPUT_FOLDER, .where = dir };
  else if (okn_layout_is_receipt (layout) && escpos)
    target = (OknOutputTarget) { .kind = OKN_OUTPUT_ESCPOS, .where = escpos };
  else if (printer)
    target = (OknOutputTarget) { .kind = OKN_OUTPUT_CUPS, .where = printer };
  else
    {
      g_set_error (error, OKN_OUTPUTS_ERROR, OKN_OUTPUTS_ERROR_NOT_CONFIGURED,
                   _("No printer is set for the %s: choose one in Preferences (Printing), or a PDF folder."),
                   okn_layout_display_name (layout));
      return NULL;
    }
  where = okn_outputs_deliver (config, layout, content, &target, cancellable, error);
  /* TRANSLATORS: what printed where: "80 mm receipt → /srv/tickets/K03-….pdf" */
  return where ? g_strdup_printf (_("%s → %s"), okn_layout_display_name (layout), where) : NULL;
}

/**
 * okn_outputs_print:
 * @profile: the desk's or the kiosk's settings
 * @content: the ticket (okn_intake_ticket_content() names the category and
 *   picks the language)
 * @layouts: (array zero-terminated=1): layout names ("label", "receipt-80", ...)
 *
 * Renders and delivers each layout in turn; stops at the first failure
 * (what printed before it stays printed: the message says which failed).
 *
 * Returns: (transfer full) (nullable): what went where, comma-separated
 *   ("" for no layouts); %NULL with @error set on a failure
 */
char *
okn_outputs_print (OknConfig              *config,
                   OknOutputsProfile       profile,
                   const OknTicketContent *content,
                   const char *const      *layouts,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr (GString) done = g_string_new (NULL);

  if (layouts == NULL || layouts[0] == NULL)
    return g_strdup ("");
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
      one = print_one (config, keys_of (profile), layout, content, cancellable, error);
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
 * Sends a document that is not a ticket where A4 goes: the profile's PDF
 * folder when set (`desk.output_dir`), else its A4 CUPS printer
 * (`desk.printer_a4`).
 *
 * Returns: (transfer full) (nullable): where it went, for the status line
 */
char *
okn_outputs_print_a4_document (OknConfig         *config,
                               OknOutputsProfile  profile,
                               GBytes            *pdf,
                               const char        *name,
                               gboolean           landscape,
                               GCancellable      *cancellable,
                               GError           **error)
{
  g_autofree char *dir = setting (config, keys_of (profile)->output_dir);
  g_autofree char *printer = setting (config, keys_of (profile)->printer_a4);

  if (dir)
    return write_to_folder (dir, name, pdf, error);
  if (printer)
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
