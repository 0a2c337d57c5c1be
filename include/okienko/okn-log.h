/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-log.h: log lines for the systemd journal, with fields to filter on
 *
 * The sync daemon's record events carry TICKET, UUID, STATE and, when
 * known, SERVICE_REQUEST_ID and SERVER_STATUS as journal fields, so an
 * administrator asks `journalctl -u okienko-sync TICKET=K03-26-000001-X`.
 * Never a secret: callers pass a record's public facts only.
 * Contract: docs/internals/log.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-record.h"

G_BEGIN_DECLS

/* What one record event says about the record; strings may be NULL. */
typedef struct
{
  const char *ticket;
  const char *uuid;
  OknSyncState state;              /* the state the record is in now */
  const char *service_request_id;  /* (nullable) the server's case number */
  const char *server_status;       /* (nullable) the case's status on the server */
} OknLogRecord;

void              okn_log_record (const char         *log_domain,
                                  GLogLevelFlags      level,
                                  const OknLogRecord *record,
                                  const char         *format,
                                  ...) G_GNUC_PRINTF (4, 5);

GLogWriterOutput  okn_log_writer (GLogLevelFlags   log_level,
                                  const GLogField *fields,
                                  gsize            n_fields,
                                  gpointer         user_data);

G_END_DECLS
