/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-outputs.h: where a saved record's tickets go
 *
 * The desk prints the outputs configured for a kind of record (a label and
 * an A4 confirmation for a letter, a receipt for a report) when it is saved,
 * and any layout on a reprint. This module decides, from the configuration,
 * where each one goes: a PDF folder, a CUPS printer, or an ESC/POS receipt
 * printer. Blocking: call it from a thread. Contract: docs/internals/outputs.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-record.h"

G_BEGIN_DECLS

#define OKN_OUTPUTS_ERROR (okn_outputs_error_quark ())

typedef enum
{
  OKN_OUTPUTS_ERROR_NOT_CONFIGURED,  /* no printer or folder is set for a layout */
  OKN_OUTPUTS_ERROR_UNKNOWN_LAYOUT,  /* a name that is not a layout */
  OKN_OUTPUTS_ERROR_IO,              /* the PDF file could not be written */
} OknOutputsError;

GQuark   okn_outputs_error_quark (void);

GStrv    okn_outputs_for_record  (OknConfig       *config,
                                  const OknRecord *record);
char    *okn_outputs_print       (OknConfig          *config,
                                  const OknRecord    *record,
                                  const char *const  *layouts,
                                  GCancellable       *cancellable,
                                  GError            **error);

char    *okn_outputs_print_a4_document (OknConfig    *config,
                                        GBytes       *pdf,
                                        const char   *name,
                                        gboolean      landscape,
                                        GCancellable *cancellable,
                                        GError      **error);

G_END_DECLS
