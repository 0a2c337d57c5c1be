/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-day-register.h: the daily register of incoming letters
 *
 * The rejestr przesyłek wpływających: the letters received on one day, in
 * the order received, as a list, a CSV file and a printable A4 PDF. No GTK:
 * the desk and okienkoctl produce the same files.
 * Contract: docs/internals/day-register.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-record.h"
#include "okienko/okn-file.h"
#include "okienko/okn-store.h"
#include "okienko/okn-config.h"

G_BEGIN_DECLS

#define OKN_REGISTER_ERROR (okn_register_error_quark ())

typedef enum
{
  OKN_REGISTER_ERROR_IO,      /* the file could not be written */
  OKN_REGISTER_ERROR_RENDER,  /* cairo could not draw the PDF */
} OknRegisterError;

typedef struct
{
  const char *office_name;  /* (nullable) printed in the heading */
  const char *station;      /* (nullable) */
} OknRegisterHeading;

GQuark      okn_register_error_quark (void);

GPtrArray  *okn_register_day         (OknStore     *store,
                                      const GDate  *day,
                                      GError      **error);
char       *okn_register_to_csv      (GPtrArray *letters);
gboolean    okn_register_write_csv   (GPtrArray         *letters,
                                      const char        *path,
                                      OknFileWriteFlags  flags,
                                      GError           **error);
GBytes     *okn_register_render_pdf  (GPtrArray                *letters,
                                      const GDate              *day,
                                      const OknRegisterHeading *heading,
                                      GError                  **error);
gboolean    okn_register_write_pdf   (GPtrArray                *letters,
                                      const GDate              *day,
                                      const OknRegisterHeading *heading,
                                      const char               *path,
                                      OknFileWriteFlags         flags,
                                      GError                  **error);

const char *okn_delivery_label       (OknDelivery delivery);
char       *okn_format_date_pl       (const char *iso8601,
                                      gboolean    with_time);
char       *okn_parse_datetime_pl    (const char *text);
gboolean    okn_register_parse_day   (const char *text,
                                      GDate      *day);
void        okn_register_day_from_datetime (GDateTime *dt,
                                            GDate     *day);
OknRegisterHeading *okn_register_heading_new (OknStore  *store,
                                              OknConfig *config);

G_END_DECLS
