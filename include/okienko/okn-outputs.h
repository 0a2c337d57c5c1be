/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-outputs.h: where a saved record's tickets go
 *
 * A desk or a kiosk prints the outputs configured for a kind of record (a
 * label and an A4 confirmation for a letter, a receipt for a report) when it
 * is saved, and any layout on a reprint. This module decides, from the
 * profile's settings, where each one goes (a PDF folder, a CUPS printer, or
 * an ESC/POS receipt printer) and delivers it; `okienkoctl print` delivers
 * to a target it names through the same code. Blocking: call it from a
 * thread. Contract: docs/internals/outputs.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-file.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-record.h"

G_BEGIN_DECLS

#define OKN_OUTPUTS_ERROR (okn_outputs_error_quark ())

typedef enum
{
  OKN_OUTPUTS_ERROR_NOT_CONFIGURED,  /* no printer or folder is set for a layout */
  OKN_OUTPUTS_ERROR_UNKNOWN_LAYOUT,  /* a name that is not a layout */
  OKN_OUTPUTS_ERROR_IO,              /* the PDF file could not be written */
  OKN_OUTPUTS_ERROR_INVALID,         /* a target that cannot take this layout or format */
} OknOutputsError;

/* Whose settings pick the outputs: a clerk's desk (`desk.*`) or a
 * resident's kiosk (`kiosk.*`). */
typedef enum
{
  OKN_OUTPUTS_DESK,
  OKN_OUTPUTS_KIOSK,
} OknOutputsProfile;

typedef enum
{
  OKN_OUTPUT_FOLDER,  /* a PDF named after the ticket, in a folder; never over a file */
  OKN_OUTPUT_FILE,    /* one file, PDF or PNG by its suffix */
  OKN_OUTPUT_CUPS,    /* a CUPS queue, waiting (print.timeout) for the job */
  OKN_OUTPUT_ESCPOS,  /* a raw ESC/POS receipt printer: a device or HOST[:PORT] */
} OknOutputKind;

/* Where one ticket goes. */
typedef struct
{
  OknOutputKind kind;
  const char *where;        /* the folder, file, queue or device */
  OknFileWriteFlags flags;  /* FILE: whether it may replace a file */
  double dpi;               /* FILE as PNG: 0 for the layout's own */
  int job_id;               /* (out) CUPS: the job's id */
} OknOutputTarget;

GQuark   okn_outputs_error_quark (void);

GStrv    okn_outputs_for_record  (OknConfig         *config,
                                  OknOutputsProfile  profile,
                                  const OknRecord   *record);
char    *okn_outputs_print       (OknConfig              *config,
                                  OknOutputsProfile       profile,
                                  const OknTicketContent *content,
                                  const char *const      *layouts,
                                  GCancellable           *cancellable,
                                  GError                **error);
char    *okn_outputs_deliver     (OknConfig              *config,
                                  OknLayout               layout,
                                  const OknTicketContent *content,
                                  OknOutputTarget        *target,
                                  GCancellable           *cancellable,
                                  GError                **error);

char    *okn_outputs_print_a4_document (OknConfig         *config,
                                        OknOutputsProfile  profile,
                                        GBytes            *pdf,
                                        const char        *name,
                                        gboolean           landscape,
                                        GCancellable      *cancellable,
                                        GError           **error);

G_END_DECLS
