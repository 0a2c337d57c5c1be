/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-backend.h: an in-memory central server for the sync engine's tests
 *
 * A second implementation of OknBackend, next to Open311: cases live in
 * memory, every call can be made to fail with any of the interface's
 * classes (after storing the case, for a lost answer), and counters tell
 * what the engine asked. It proves that the engine's guarantees come from
 * the interface, not from Open311.
 */
#pragma once

#include "okienko/okn-backend.h"
#include "okienko/okn-sync.h"

G_BEGIN_DECLS

typedef enum
{
  OKN_TEST_CALL_CATALOGUE,
  OKN_TEST_CALL_PUSH,         /* counted per record */
  OKN_TEST_CALL_RESOLVE,
  OKN_TEST_CALL_SEARCH,
  OKN_TEST_CALL_PULL,
} OknTestCall;

#define OKN_TEST_N_CALLS (OKN_TEST_CALL_PULL + 1)

typedef struct
{
  guint calls[OKN_TEST_N_CALLS];   /* how often each was asked (push: records) */
  guint created;                   /* cases made */
  guint catalogues_set;            /* okn_backend_set_catalogue() calls */
} OknTestBackendCounters;

#define OKN_TYPE_TEST_BACKEND (okn_test_backend_get_type ())

G_DECLARE_FINAL_TYPE (OknTestBackend, okn_test_backend, OKN, TEST_BACKEND, GObject)

OknTestBackend *okn_test_backend_new           (void);
void            okn_test_backend_fail          (OknTestBackend  *self,
                                                OknTestCall      call,
                                                OknBackendError  code,
                                                guint            count,
                                                gboolean         stored);
void            okn_test_backend_set_retry_after (OknTestBackend *self,
                                                  gint64          seconds);
void            okn_test_backend_chaos         (OknTestBackend *self,
                                                double          probability,
                                                guint32         seed);
void            okn_test_backend_honour_keys   (OknTestBackend *self,
                                                gboolean        honour);
void            okn_test_backend_refuse_scope  (OknTestBackend *self,
                                                const char     *scope,
                                                const char     *words);
void            okn_test_backend_block_kind    (OknTestBackend *self,
                                                OknKind         kind,
                                                const char     *why);
void            okn_test_backend_answer_tokens (OknTestBackend *self,
                                                guint           polls);
void            okn_test_backend_set_search_limit (OknTestBackend *self,
                                                   guint           limit);
void            okn_test_backend_add_case_id   (OknTestBackend *self,
                                                const char     *id);
gboolean        okn_test_backend_set_status    (OknTestBackend *self,
                                                const char     *case_id,
                                                const char     *status,
                                                const char     *notes);
guint           okn_test_backend_cases_for     (OknTestBackend *self,
                                                const char     *ticket);
char           *okn_test_backend_case_of       (OknTestBackend *self,
                                                const char     *ticket);
void            okn_test_backend_stop_after    (OknTestBackend *self,
                                                OknSync        *sync,
                                                guint           records);
void            okn_test_backend_get_counters  (OknTestBackend         *self,
                                                OknTestBackendCounters *out);

G_END_DECLS
