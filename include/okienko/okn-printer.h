/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-printer.h: printing PDFs through CUPS (libcups, IPP)
 *
 * Lists the scheduler's printers with their state, and prints a PDF to a
 * named printer on a page of the layout's size, then waits (bounded) for the
 * job to finish so that a stopped printer, an empty paper roll or a failed
 * job comes back as an error the clerk can act on.
 * The scheduler is the one libcups finds: $CUPS_SERVER, ~/.cups/client.conf,
 * /etc/cups/client.conf, else the local one.
 * Contract: docs/internals/printing.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"

G_BEGIN_DECLS

#define OKN_PRINTER_ERROR (okn_printer_error_quark ())

typedef enum
{
  OKN_PRINTER_ERROR_UNREACHABLE,      /* the CUPS scheduler does not answer */
  OKN_PRINTER_ERROR_UNKNOWN_PRINTER,  /* no printer of that name */
  OKN_PRINTER_ERROR_STOPPED,          /* stopped, paused or not accepting jobs */
  OKN_PRINTER_ERROR_MEDIA_EMPTY,      /* out of paper */
  OKN_PRINTER_ERROR_JOB_FAILED,       /* the job was aborted, cancelled or held */
  OKN_PRINTER_ERROR_TIMEOUT,          /* the job did not finish in time */
  OKN_PRINTER_ERROR_INVALID,          /* bad name, empty document, bad size */
  OKN_PRINTER_ERROR_FAILED,           /* any other refusal by the scheduler */
  OKN_PRINTER_ERROR_SERVER_STOPPED,   /* the scheduler died or went silent mid-job */
} OknPrinterError;

/* The values of IPP printer-state. */
typedef enum
{
  OKN_PRINTER_STATE_IDLE = 3,
  OKN_PRINTER_STATE_PROCESSING = 4,
  OKN_PRINTER_STATE_STOPPED = 5,
} OknPrinterState;

typedef struct
{
  char *name;
  char *info;            /* (nullable) description */
  char *location;        /* (nullable) */
  char *make_and_model;  /* (nullable) */
  char *state_message;   /* (nullable) printer-state-message */
  GStrv state_reasons;   /* printer-state-reasons, without "none" */
  OknPrinterState state;
  gboolean accepting;    /* printer-is-accepting-jobs */
  gboolean is_default;
} OknPrinterInfo;

typedef struct
{
  char *title;          /* (nullable) job-name; "Okienko" when unset */
  double width_mm;      /* page size; 0 × 0 leaves the printer's default */
  double height_mm;
  guint timeout;        /* seconds to wait for the job; 0 = 30 */
  guint copies;         /* 0 or 1 = one copy */
} OknPrintJobOptions;

GQuark          okn_printer_error_quark   (void);

void            okn_printer_info_free     (OknPrinterInfo *info);
const char     *okn_printer_state_to_string (OknPrinterState state);
char           *okn_printer_info_describe (const OknPrinterInfo *info);

GPtrArray      *okn_printer_list          (GError **error);
OknPrinterInfo *okn_printer_get           (const char *name,
                                           GError    **error);
gboolean        okn_printer_check_ready   (const char *name,
                                           GError    **error);

char           *okn_printer_media_name    (double width_mm,
                                           double height_mm);

gboolean        okn_printer_print_pdf     (const char               *printer,
                                           GBytes                   *pdf,
                                           const OknPrintJobOptions *options,
                                           int                      *job_id,
                                           GCancellable             *cancellable,
                                           GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknPrinterInfo, okn_printer_info_free)

G_END_DECLS
