/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-sync.h: what the sync tests share
 *
 * Queued records in a test store, one run with the outcome it must have,
 * the engine run until the queue drains, the token and status promises
 * and okienkoctl sync as a process that dies with the test: the same for
 * the engine over the in-memory back end (test-sync-engine), over the
 * loopback Open311 server (test-sync) and under chaos (test-sync-chaos).
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

void         okn_test_config_set    (OknConfig  *config,
                                     const char *key,
                                     const char *value);
void         okn_test_config_unset  (OknConfig  *config,
                                     const char *key);

OknRecord   *okn_test_add_report    (OknStore   *store,
                                     const char *category,
                                     const char *description);
OknRecord   *okn_test_add_letter    (OknStore   *store,
                                     const char *sender,
                                     const char *subject);
void         okn_test_add_reports   (OknStore   *store,
                                     guint       n);
OknRecord   *okn_test_reload        (OknStore        *store,
                                     const OknRecord *record);
gint64       okn_test_count_state   (OknStore     *store,
                                     OknSyncState  state);
gboolean     okn_test_audit_has     (OknStore   *store,
                                     gint64      record_id,
                                     const char *action,
                                     const char *detail);
/* How many cases a server holds for a ticket, and the first one's id. */
typedef guint (*OknTestCasesFor) (gpointer    server,
                                  const char *ticket);
typedef char *(*OknTestCaseOf)   (gpointer    server,
                                  const char *ticket);
void         okn_test_assert_each_once (OknStore        *store,
                                        OknTestCasesFor  cases_for,
                                        OknTestCaseOf    case_of,
                                        gpointer         server);
/* okn_test_sync_run()'s @code when the run must succeed. */
#define OKN_TEST_SYNC_OK (-1)
void         okn_test_sync_run      (OknSync       *sync,
                                     OknSyncReport *report,
                                     int            code);
void         okn_test_sync_run_sends (OknSync *sync,
                                      int      code,
                                      guint    sent);
/* Promises every server keeps the same way, checked against either. */
typedef gboolean (*OknTestSetStatus) (gpointer    server,
                                      const char *case_id,
                                      const char *status,
                                      const char *notes);
void         okn_test_check_tokens   (OknStore        *store,
                                      OknSync         *sync,
                                      const OknRecord *record,
                                      guint            n);
void         okn_test_check_statuses (OknStore         *store,
                                      OknSync          *sync,
                                      const OknRecord  *record,
                                      OknTestSetStatus  set_status,
                                      gpointer          server);
guint        okn_test_drain         (OknStore *store,
                                     OknSync  *sync,
                                     guint     max_runs);

GSubprocess *okn_test_start_sync    (const char *db,
                                     const char *config,
                                     const char *mode);
gboolean     okn_test_wait_exit     (GSubprocess *proc,
                                     gint64       timeout_us);

G_END_DECLS
