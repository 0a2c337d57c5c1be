/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-open311.h: the loopback Open311 server as the tests set it up
 *
 * Started in-process on an ephemeral 127.0.0.1 port with the test's
 * api_key, options set with an assertion, its counters and cases read
 * back, and a configuration pointing at it: what test-open311, test-sync
 * and test-sync-chaos each wrote again.
 */
#pragma once

#include "okienko/okienko.h"
#include "okn-open311-server.h"
#include "okn-test-common.h"

G_BEGIN_DECLS

OknOpen311Server         *okn_test_open311_start      (const char *api_key);
void                      okn_test_server_set         (OknOpen311Server *server,
                                                       const char       *option,
                                                       const char       *value);
OknOpen311ServerCounters  okn_test_server_counters    (OknOpen311Server *server);
guint                     okn_test_server_cases_for   (OknOpen311Server *server,
                                                       const char       *ticket);
OknConfig                *okn_test_open311_config     (const char       *path,
                                                       OknOpen311Server *server,
                                                       const char       *api_key);
void                      okn_test_open311_station_init (OknTestStation   *station,
                                                         const char       *code,
                                                         OknOpen311Server *server,
                                                         const char       *api_key);

G_END_DECLS
