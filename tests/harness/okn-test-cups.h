/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-cups.h: a private CUPS scheduler for tests
 *
 * Starts cupsd with its own configuration in a temporary folder, listening
 * only on a domain socket there; points libcups (this process and the
 * programs it starts) at it through CUPS_SERVER and a client.conf under
 * CUPS_SERVERROOT; adds cups-pdf queues; stops the scheduler by its PID.
 *
 * cups-pdf writes into /etc/cups/cups-pdf.conf's "Out", the job user's
 * ${HOME}/PDF. To keep the output away from any real home folder, jobs are
 * sent as a user name that does not exist on the system: cups-pdf then
 * writes into its AnonDirName (/var/spool/cups-pdf/ANONYMOUS);
 * okn_test_cups_take_pdf() finds the job's file there by its unique title
 * and moves its content out, so nothing is left behind.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _OknTestCups OknTestCups;

/* Name of the cups-pdf queue okn_test_cups_start() creates. */
#define OKN_TEST_CUPS_PDF_QUEUE "OkienkoPDF"

gboolean     okn_test_cups_available      (char **why_not);
OknTestCups *okn_test_cups_start          (void);
void         okn_test_cups_stop           (OknTestCups *cups);

char        *okn_test_cups_unique_title   (OknTestCups *cups);

void         okn_test_cups_add_pdf_queue  (OknTestCups *cups,
                                           const char  *name);
void         okn_test_cups_add_slow_queue (OknTestCups *cups,
                                           const char  *name);
void         okn_test_cups_kill           (OknTestCups *cups);
void         okn_test_cups_run_tool       (OknTestCups *cups,
                                           const char  *tool,
                                           ...) G_GNUC_NULL_TERMINATED;
void         okn_test_cups_set_reasons    (OknTestCups *cups,
                                           const char  *printer,
                                           const char  *reasons,
                                           const char  *message);
GBytes      *okn_test_cups_take_pdf       (OknTestCups *cups,
                                           const char  *title,
                                           guint        timeout_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknTestCups, okn_test_cups_stop)

G_END_DECLS
