/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-intake.h: a letter or a report comes in: checked, stored, printed
 *
 * One call does what the desk's save button, the kiosk's confirm screen
 * and `okienkoctl register` do: check the record (its fields and its
 * category's attributes from the cached catalogue), store it (the ticket
 * number is born here), read it back, and print the profile's outputs.
 * The record is stored before anything prints: a failed print is reported
 * beside the stored record, never instead of it.
 * Contract: docs/internals/intake.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-labels.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-outputs.h"
#include "okienko/okn-record.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

typedef enum
{
  OKN_INTAKE_NEW,         /* register a new record */
  OKN_INTAKE_CORRECTION,  /* store a correction of a stored record; nothing prints */
} OknIntakeMode;

typedef struct
{
  OknIntakeMode mode;
  const char *actor;           /* (nullable) the operator, for the audit log */
  gboolean print;              /* print the profile's outputs for a new record */
  OknOutputsProfile profile;   /* the desk's or the kiosk's outputs */
  gboolean has_language;       /* FALSE: office.ticket_language */
  OknLanguage language;        /* the ticket's words, e.g. the resident's */
} OknIntakeOptions;

typedef struct
{
  OknRecord *record;       /* as stored: ticket, code, times */
  char *printed;           /* (nullable) what went where, for a status line */
  GError *print_error;     /* (nullable) why printing failed; the record is stored */
  GPtrArray *warnings;     /* (element-type utf8) what the store warned of during this call
                            * (a mark of the numbers given out not written): the record
                            * is stored, an administrator must be told; empty when none */
} OknIntakeResult;

GPtrArray        *okn_intake_check           (OknStore        *store,
                                              OknRecord       *record,
                                              GDateTime       *now);
OknTicketContent *okn_intake_ticket_content  (OknStore        *store,
                                              OknConfig       *config,
                                              const OknRecord *record);
OknIntakeResult  *okn_intake_submit          (OknStore               *store,
                                              OknConfig              *config,
                                              OknRecord              *record,
                                              const OknIntakeOptions *options,
                                              GCancellable           *cancellable,
                                              GError                **error);
void              okn_intake_submit_async    (const char             *db_path,
                                              const char             *config_path,
                                              OknRecord              *record,
                                              const OknIntakeOptions *options,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
OknIntakeResult  *okn_intake_submit_finish   (GAsyncResult  *result,
                                              GError       **error);
gboolean          okn_intake_locate_kiosk_report (OknConfig *config,
                                                  OknRecord *record);
void              okn_intake_result_free     (OknIntakeResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknIntakeResult, okn_intake_result_free)

G_END_DECLS
