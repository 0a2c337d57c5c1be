/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-backend.c: an in-memory central server implementing OknBackend
 *
 * Scripted faults: the next N calls (a push: N records) fail with a class
 * of the interface, optionally after the case was made (an answer lost on
 * the way back); or, with chaos, every pushed record fails at random. The
 * engine cannot tell this from a real server, so what it guarantees here
 * it guarantees through the interface alone.
 */
#define G_LOG_DOMAIN "okn-test-backend"

#include "config.h"

#include <string.h>

#include "okn-test-backend.h"

typedef struct
{
  char *id;
  char *ticket;
  char *uuid;
  char *scope;
  gint64 created_us;
  char *status;
  char *notes;
} Case;

typedef struct
{
  guint count;                 /* calls (records) left to fail; G_MAXUINT: until cleared */
  OknBackendError code;
  gboolean stored;             /* a push's case is made before the failure */
} Fault;

typedef struct
{
  Case *c;
  guint polls;
} Token;

struct _OknTestBackend
{
  GObject parent_instance;

  GMutex lock;
  GPtrArray *cases;            /* Case, in creation order */
  GHashTable *tokens;          /* token → Token */
  Fault faults[OKN_TEST_N_CALLS];
  gint64 retry_after;
  GRand *rand;                 /* (nullable) chaos */
  double chaos;
  gboolean honour_keys;
  GHashTable *refused;         /* scope → the server's words */
  char *blocked_why[OKN_KIND_REPORT + 1];
  guint token_polls;           /* 0: answer ids */
  guint search_limit;
  guint next_id;
  GQueue case_ids;             /* char *: the ids the next cases get, then T-<n> */
  OknSync *stop_sync;          /* (nullable) not owned: stopped after stop_after records */
  guint stop_after;
  OknTestBackendCounters counters;
};

static void okn_test_backend_iface_init (OknBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (OknTestBackend, okn_test_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (OKN_TYPE_BACKEND, okn_test_backend_iface_init))

static void
case_free (Case *c)
{
  g_free (c->id);
  g_free (c->ticket);
  g_free (c->uuid);
  g_free (c->scope);
  g_free (c->status);
  g_free (c->notes);
  g_free (c);
}

static const char *
scope_of (const OknRecord *record)
{
  return record->kind == OKN_KIND_LETTER ? "letter" : record->category;
}

/* Under the lock: whether this call (record) fails, and how. */
static gboolean
take_fault (OknTestBackend *self,
            OknTestCall     call,
            Fault          *out)
{
  Fault *f = &self->faults[call];

  if (f->count == 0)
    return FALSE;
  if (f->count != G_MAXUINT)
    f->count--;
  *out = *f;
  return TRUE;
}

static GError *
fault_error (OknTestBackend  *self,
             OknBackendError  code,
             const char      *what)
{
  g_autofree char *msg = g_strdup_printf ("test back end: %s failed (class %d)", what, code);

  return okn_backend_error_new (code, code == OKN_BACKEND_ERROR_AUTH ? 403 : 500,
                                code == OKN_BACKEND_ERROR_TRANSIENT ? self->retry_after : -1, NULL, msg);
}

/* Under the lock: counts one call (a push counts records instead, in
 * push_one()) and says whether a scripted fault fails it, with @error. */
static gboolean
call_fails (OknTestBackend  *self,
            OknTestCall      call,
            const char      *what,
            GError         **error)
{
  Fault f;

  self->counters.calls[call]++;
  if (!take_fault (self, call, &f))
    return FALSE;
  g_propagate_error (error, fault_error (self, f.code, what));
  return TRUE;
}

static Case *
find_by_uuid (OknTestBackend *self,
              const char     *uuid)
{
  for (guint i = 0; i < self->cases->len; i++)
    {
      Case *c = g_ptr_array_index (self->cases, i);

      if (g_strcmp0 (c->uuid, uuid) == 0)
        return c;
    }
  return NULL;
}

static Case *
find_by_id (OknTestBackend *self,
            const char     *id)
{
  for (guint i = 0; i < self->cases->len; i++)
    {
      Case *c = g_ptr_array_index (self->cases, i);

      if (g_str_equal (c->id, id))
        return c;
    }
  return NULL;
}

/* A key honoured: the same record twice is the same case. */
static Case *
create_case (OknTestBackend  *self,
             const OknRecord *record)
{
  Case *c = self->honour_keys ? find_by_uuid (self, record->uuid) : NULL;

  if (c)
    return c;
  c = g_new0 (Case, 1);
  ++self->next_id;
  c->id = g_queue_is_empty (&self->case_ids) ? g_strdup_printf ("T-%u", self->next_id)
                                             : g_queue_pop_head (&self->case_ids);
  c->ticket = g_strdup (record->ticket);
  c->uuid = g_strdup (record->uuid);
  c->scope = g_strdup (scope_of (record));
  c->created_us = g_get_real_time ();
  c->status = g_strdup ("open");
  g_ptr_array_add (self->cases, c);
  self->counters.created++;
  return c;
}

/* ---- the interface ------------------------------------------------------------- */

static GPtrArray *
test_fetch_catalogue (OknBackend   *backend,
                      GCancellable *cancellable,
                      GError      **error)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  static const char *const codes[] = { "dumping", "pothole", "letter" };
  GPtrArray *services;

  if (call_fails (self, OKN_TEST_CALL_CATALOGUE, "catalogue", error))
    return NULL;
  services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    {
      OknService *s = g_new0 (OknService, 1);

      s->code = g_strdup (codes[i]);
      s->name = g_strdup_printf ("Kategoria %s", codes[i]);
      g_ptr_array_add (services, s);
    }
  return services;
}

static void
test_set_catalogue (OknBackend *backend,
                    GPtrArray  *services)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->counters.catalogues_set++;
}

static gboolean
test_can_send (OknBackend *backend,
               OknKind     kind,
               GError    **error)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);

  if (self->blocked_why[kind] == NULL)
    return TRUE;
  g_propagate_error (error, okn_backend_error_new (OKN_BACKEND_ERROR_CONFIG, 0, -1, NULL,
                                                   self->blocked_why[kind]));
  return FALSE;
}

static OknBackendReceipt *
push_one (OknTestBackend  *self,
          const OknRecord *record,
          GCancellable    *cancellable)
{
  OknBackendReceipt *receipt = g_new0 (OknBackendReceipt, 1);
  const char *words = g_hash_table_lookup (self->refused, scope_of (record));
  Case *c;
  Fault f = { 0 };
  gboolean faulted = take_fault (self, OKN_TEST_CALL_PUSH, &f);

  self->counters.calls[OKN_TEST_CALL_PUSH]++;
  /* okn_sync_stop() from "another thread" in the middle of a batch. */
  if (self->stop_sync && self->counters.calls[OKN_TEST_CALL_PUSH] == self->stop_after + 1)
    okn_sync_stop (self->stop_sync);
  if (g_cancellable_is_cancelled (cancellable))
    {
      receipt->error = okn_backend_error_new (OKN_BACKEND_ERROR_CANCELLED, 0, -1, NULL, "not sent: stopping");
      return receipt;
    }
  if (!faulted && self->rand && g_rand_double (self->rand) < self->chaos)
    {
      static const OknBackendError classes[] = {
        OKN_BACKEND_ERROR_TRANSIENT, OKN_BACKEND_ERROR_UNKNOWN_OUTCOME, OKN_BACKEND_ERROR_UNKNOWN_OUTCOME,
      };

      faulted = TRUE;
      f.code = classes[g_rand_int_range (self->rand, 0, G_N_ELEMENTS (classes))];
      f.stored = f.code == OKN_BACKEND_ERROR_UNKNOWN_OUTCOME && g_rand_boolean (self->rand);
    }
  if (faulted)
    {
      if (f.stored)
        create_case (self, record);
      receipt->error = fault_error (self, f.code, "push");
      return receipt;
    }
  if (words)
    {
      receipt->error = okn_backend_error_new (OKN_BACKEND_ERROR_PERMANENT, 400, -1, words,
                                              "test back end: the record was refused");
      return receipt;
    }
  c = create_case (self, record);
  if (self->token_polls > 0)
    {
      Token *t = g_new0 (Token, 1);

      t->c = c;
      receipt->token = g_strdup_printf ("tok-%s", c->id);
      g_hash_table_replace (self->tokens, g_strdup (receipt->token), t);
    }
  else
    receipt->case_id = g_strdup (c->id);
  return receipt;
}

static GPtrArray *
test_push (OknBackend   *backend,
           GPtrArray    *records,
           GCancellable *cancellable)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GPtrArray *receipts = g_ptr_array_new_full (records->len, (GDestroyNotify) okn_backend_receipt_free);

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (receipts, push_one (self, g_ptr_array_index (records, i), cancellable));
  return receipts;
}

static gboolean
test_resolve_token (OknBackend   *backend,
                    const char   *token,
                    char        **case_id,
                    GCancellable *cancellable,
                    GError      **error)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Token *t = g_hash_table_lookup (self->tokens, token);

  if (call_fails (self, OKN_TEST_CALL_RESOLVE, "resolve", error))
    return FALSE;
  if (t == NULL)
    {
      g_propagate_error (error, okn_backend_error_new (OKN_BACKEND_ERROR_PERMANENT, 404, -1, NULL,
                                                       "test back end: no such token"));
      return FALSE;
    }
  if (++t->polls >= self->token_polls)
    *case_id = g_strdup (t->c->id);
  return TRUE;
}

static const char *
test_search_scope (OknBackend      *backend,
                   const OknRecord *record)
{
  return scope_of (record);
}

static OknBackendSearch *
test_search (OknBackend   *backend,
             const char   *scope,
             gint64        from_us,
             gint64        until_us,
             GCancellable *cancellable,
             GError      **error)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  OknBackendSearch *found;
  guint n = 0;

  if (call_fails (self, OKN_TEST_CALL_SEARCH, "search", error))
    return NULL;
  found = okn_backend_search_new ();
  for (guint i = 0; i < self->cases->len; i++)
    {
      Case *c = g_ptr_array_index (self->cases, i);

      if (g_strcmp0 (c->scope, scope) != 0 || c->created_us < from_us || c->created_us > until_us)
        continue;
      if (n == self->search_limit)
        {
          found->full = TRUE;
          break;
        }
      n++;
      found->oldest_us = MIN (found->oldest_us, c->created_us);
      found->newest_us = MAX (found->newest_us, c->created_us);
      g_hash_table_replace (found->cases, g_strdup (c->ticket), g_strdup (c->id));
    }
  return found;
}

static GPtrArray *
test_pull_statuses (OknBackend        *backend,
                    const char *const *case_ids,
                    GCancellable      *cancellable,
                    GError           **error)
{
  OknTestBackend *self = OKN_TEST_BACKEND (backend);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GPtrArray *statuses;

  if (call_fails (self, OKN_TEST_CALL_PULL, "pull", error))
    return NULL;
  statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_backend_status_free);
  for (guint i = 0; case_ids[i]; i++)
    {
      Case *c = find_by_id (self, case_ids[i]);
      OknBackendStatus *s;

      if (c == NULL)
        continue;
      s = g_new0 (OknBackendStatus, 1);
      s->case_id = g_strdup (c->id);
      s->status = g_strdup (c->status);
      s->status_notes = g_strdup (c->notes);
      g_ptr_array_add (statuses, s);
    }
  return statuses;
}

static void
okn_test_backend_iface_init (OknBackendInterface *iface)
{
  iface->fetch_catalogue = test_fetch_catalogue;
  iface->set_catalogue = test_set_catalogue;
  iface->can_send = test_can_send;
  iface->push = test_push;
  iface->resolve_token = test_resolve_token;
  iface->search_scope = test_search_scope;
  iface->search = test_search;
  iface->pull_statuses = test_pull_statuses;
}

/* ---- the object ------------------------------------------------------------------ */

static void
okn_test_backend_finalize (GObject *object)
{
  OknTestBackend *self = OKN_TEST_BACKEND (object);

  g_ptr_array_unref (self->cases);
  g_hash_table_unref (self->tokens);
  g_hash_table_unref (self->refused);
  g_queue_clear_full (&self->case_ids, g_free);
  g_clear_pointer (&self->rand, g_rand_free);
  for (guint i = 0; i < G_N_ELEMENTS (self->blocked_why); i++)
    g_free (self->blocked_why[i]);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (okn_test_backend_parent_class)->finalize (object);
}

static void
okn_test_backend_class_init (OknTestBackendClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = okn_test_backend_finalize;
}

static void
okn_test_backend_init (OknTestBackend *self)
{
  g_mutex_init (&self->lock);
  self->cases = g_ptr_array_new_with_free_func ((GDestroyNotify) case_free);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->retry_after = -1;
  self->search_limit = 1000;
}

OknTestBackend *
okn_test_backend_new (void)
{
  return g_object_new (OKN_TYPE_TEST_BACKEND, NULL);
}

/**
 * okn_test_backend_fail:
 * @count: how many calls (for a push: records) fail; 0 clears, G_MAXUINT:
 *   until cleared
 * @stored: for a push, the case is made before the failure: the answer is
 *   what got lost
 */
void
okn_test_backend_fail (OknTestBackend  *self,
                       OknTestCall      call,
                       OknBackendError  code,
                       guint            count,
                       gboolean         stored)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->faults[call].count = count;
  self->faults[call].code = code;
  self->faults[call].stored = stored;
}

/* What a TRANSIENT fault says about waiting (-1: nothing). */
void
okn_test_backend_set_retry_after (OknTestBackend *self,
                                  gint64          seconds)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->retry_after = seconds;
}

/* Every pushed record fails with @probability: not processed, or an
 * unknown outcome with or without the case made. */
void
okn_test_backend_chaos (OknTestBackend *self,
                        double          probability,
                        guint32         seed)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_clear_pointer (&self->rand, g_rand_free);
  self->chaos = probability;
  if (probability > 0)
    self->rand = g_rand_new_with_seed (seed);
}

void
okn_test_backend_honour_keys (OknTestBackend *self,
                              gboolean        honour)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->honour_keys = honour;
}

/* Records of @scope are refused for good with @words. */
void
okn_test_backend_refuse_scope (OknTestBackend *self,
                               const char     *scope,
                               const char     *words)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_hash_table_replace (self->refused, g_strdup (scope), g_strdup (words));
}

/* Records of @kind cannot be sent (okn_backend_can_send()): @why says so.
 * Read when the engine is made. */
void
okn_test_backend_block_kind (OknTestBackend *self,
                             OknKind         kind,
                             const char     *why)
{
  g_free (self->blocked_why[kind]);
  self->blocked_why[kind] = g_strdup (why);
}

/* Pushes answer tokens, resolved at their @polls-th poll (0: ids). */
void
okn_test_backend_answer_tokens (OknTestBackend *self,
                                guint           polls)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->token_polls = polls;
}

/* A search answers at most @limit cases, oldest first, and says it is full. */
void
okn_test_backend_set_search_limit (OknTestBackend *self,
                                   guint           limit)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->search_limit = limit;
}

/* The next cases made get @id, in the order of the calls; then T-<n>
 * again. The engine must cope with whatever a server calls its cases. */
void
okn_test_backend_add_case_id (OknTestBackend *self,
                              const char     *id)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  g_queue_push_tail (&self->case_ids, g_strdup (id));
}

gboolean
okn_test_backend_set_status (OknTestBackend *self,
                             const char     *case_id,
                             const char     *status,
                             const char     *notes)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Case *c = find_by_id (self, case_id);

  if (c == NULL)
    return FALSE;
  g_free (c->status);
  g_free (c->notes);
  c->status = g_strdup (status);
  c->notes = g_strdup (notes);
  return TRUE;
}

/* How many cases carry @ticket. */
guint
okn_test_backend_cases_for (OknTestBackend *self,
                            const char     *ticket)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  guint n = 0;

  for (guint i = 0; i < self->cases->len; i++)
    n += g_str_equal (((Case *) g_ptr_array_index (self->cases, i))->ticket, ticket);
  return n;
}

/* Returns: (transfer full) (nullable): the id of the first case carrying @ticket */
char *
okn_test_backend_case_of (OknTestBackend *self,
                          const char     *ticket)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  for (guint i = 0; i < self->cases->len; i++)
    {
      Case *c = g_ptr_array_index (self->cases, i);

      if (g_str_equal (c->ticket, ticket))
        return g_strdup (c->id);
    }
  return NULL;
}

/* Stops @sync (okn_sync_stop()) when a push reaches its record number
 * @records + 1: what SIGTERM does in the middle of a batch. */
void
okn_test_backend_stop_after (OknTestBackend *self,
                             OknSync        *sync,
                             guint           records)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  self->stop_sync = sync;
  self->stop_after = records;
}

void
okn_test_backend_get_counters (OknTestBackend         *self,
                               OknTestBackendCounters *out)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  *out = self->counters;
}
