/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-draft.c: unsaved form contents kept across crashes */
#define G_LOG_DOMAIN "okn-draft"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "okienko/okn-draft.h"
#include "okienko/okn-json.h"
#include "okienko/okn-record.h"

G_DEFINE_QUARK (okn-draft-error-quark, okn_draft_error)

#define DRAFT_FORMAT 1
#define DRAFT_MAX_BYTES (1024 * 1024)

/**
 * okn_draft_path:
 * @db_path: the database the form registers into
 * @form: the form's name ("letter", "report")
 *
 * Drafts live next to the database, so two databases (a test's and the
 * clerk's, or two stations on one machine) never see each other's drafts.
 *
 * Returns: (transfer full): the draft file's path
 */
char *
okn_draft_path (const char *db_path,
                const char *form)
{
  g_return_val_if_fail (db_path != NULL && form != NULL, NULL);
  return g_strdup_printf ("%s.draft-%s.json", db_path, form);
}

/**
 * okn_draft_next_path:
 * @draft_path: a form's draft file (okn_draft_path())
 *
 * What a clerk typed while a refused record came back into the form waits
 * aside (the form session's "next" record) in a file of its own beside the
 * form's draft, kept as durably: a crash or a close loses neither.
 *
 * Returns: (transfer full): for `<db>.draft-letter.json`,
 *   `<db>.draft-letter-next.json`
 */
char *
okn_draft_next_path (const char *draft_path)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (draft_path != NULL, NULL);
  if (!g_str_has_suffix (draft_path, ".json"))
    return g_strconcat (draft_path, "-next", NULL);
  base = g_strndup (draft_path, strlen (draft_path) - strlen (".json"));
  return g_strconcat (base, "-next.json", NULL);
}

OknDraft *
okn_draft_new (const char *form)
{
  OknDraft *d = g_new0 (OknDraft, 1);

  d->form = g_strdup (form);
  d->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return d;
}

/**
 * okn_draft_copy:
 *
 * Returns: (transfer full): a copy of @draft
 */
OknDraft *
okn_draft_copy (OknDraft *draft)
{
  OknDraft *d = okn_draft_new (draft->form);
  GHashTableIter iter;
  gpointer field, value;

  d->saved_at = g_strdup (draft->saved_at);
  g_hash_table_iter_init (&iter, draft->fields);
  while (g_hash_table_iter_next (&iter, &field, &value))
    okn_draft_set (d, field, value);
  return d;
}

void
okn_draft_free (OknDraft *draft)
{
  if (draft == NULL)
    return;
  g_free (draft->form);
  g_free (draft->saved_at);
  g_hash_table_unref (draft->fields);
  g_free (draft);
}

/**
 * okn_draft_set:
 * @value: (nullable): the text as typed; %NULL or "" removes the field
 */
void
okn_draft_set (OknDraft   *draft,
               const char *field,
               const char *value)
{
  if (value == NULL || *value == '\0')
    g_hash_table_remove (draft->fields, field);
  else
    g_hash_table_replace (draft->fields, g_strdup (field), g_strdup (value));
}

/**
 * okn_draft_get:
 *
 * Returns: (nullable): the field's text, or %NULL when it was empty
 */
const char *
okn_draft_get (OknDraft   *draft,
               const char *field)
{
  return g_hash_table_lookup (draft->fields, field);
}

gboolean
okn_draft_is_empty (OknDraft *draft)
{
  return g_hash_table_size (draft->fields) == 0;
}

/* The draft as the JSON text of its file. */
static char *
draft_to_json (OknDraft *draft)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonObject *fields = json_object_new ();
  g_autoptr (GList) keys = NULL;

  json_object_set_int_member (obj, "format", DRAFT_FORMAT);
  json_object_set_string_member (obj, "form", draft->form);
  json_object_set_string_member (obj, "saved_at", draft->saved_at);
  /* Sorted, so the same contents always give the same file. */
  keys = g_list_sort (g_hash_table_get_keys (draft->fields), (GCompareFunc) g_strcmp0);
  for (GList *l = keys; l; l = l->next)
    json_object_set_string_member (fields, l->data, g_hash_table_lookup (draft->fields, l->data));
  json_object_set_object_member (obj, "fields", fields);
  json_node_take_object (root, obj);
  return json_to_string (root, FALSE);
}

/**
 * okn_draft_save:
 *
 * Writes the draft atomically (a temporary file, fsync, rename), readable by
 * the owner only: a draft may hold a resident's name and address. An empty
 * draft removes the file instead.
 */
gboolean
okn_draft_save (OknDraft   *draft,
                const char *path,
                GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *text = NULL;

  if (okn_draft_is_empty (draft))
    return okn_draft_discard (path, error);

  g_free (draft->saved_at);
  draft->saved_at = okn_now_iso8601 (NULL);
  text = draft_to_json (draft);
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_IO,
                   _("Could not keep the unsaved form as a draft: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static OknDraft *
corrupt (const char *path,
         GError    **error)
{
  g_set_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_CORRUPT,
               _("The draft file %s is damaged and cannot be offered back."), path);
  return NULL;
}

/**
 * okn_draft_load:
 *
 * Returns: (transfer full): the draft; %NULL with %OKN_DRAFT_ERROR_NOT_FOUND
 *   when there is none
 */
OknDraft *
okn_draft_load (const char *path,
                GError    **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (OknDraft) draft = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GList) members = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *obj, *fields;
  const char *form;
  gsize len;

  if (!g_file_get_contents (path, &text, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_NOT_FOUND, _("There is no draft."));
      else
        g_set_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_IO,
                     _("Could not read the draft: %s"), local_error->message);
      return NULL;
    }
  if (len > DRAFT_MAX_BYTES || (root = okn_json_parse (text, (gssize) len, NULL)) == NULL)
    return corrupt (path, error);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return corrupt (path, error);
  obj = json_node_get_object (root);
  form = json_object_get_string_member_with_default (obj, "form", NULL);
  if (form == NULL || json_object_get_int_member_with_default (obj, "format", 0) != DRAFT_FORMAT
      || !json_object_has_member (obj, "fields")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "fields")))
    return corrupt (path, error);

  draft = okn_draft_new (form);
  draft->saved_at = g_strdup (json_object_get_string_member_with_default (obj, "saved_at", NULL));
  fields = json_object_get_object_member (obj, "fields");
  members = json_object_get_members (fields);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (fields, l->data);

      if (!JSON_NODE_HOLDS_VALUE (v) || json_node_get_value_type (v) != G_TYPE_STRING)
        return corrupt (path, error);
      okn_draft_set (draft, l->data, json_node_get_string (v));
    }
  return g_steal_pointer (&draft);
}

/**
 * okn_draft_discard:
 *
 * Removes the draft (after a save, or when the clerk declines it). No draft
 * is not an error.
 */
gboolean
okn_draft_discard (const char *path,
                   GError    **error)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, OKN_DRAFT_ERROR, OKN_DRAFT_ERROR_IO,
                   _("Could not remove the draft: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The writer ------------------------------------------------------------- */

struct _OknDraftWriter
{
  gatomicrefcount ref;
  GThreadPool *pool;              /* one thread: jobs run in order */
  GMutex lock;                    /* guards @latest and @seq */
  GHashTable *latest;             /* path → the number of the last job queued for it */
  guint seq;                      /* the last job's number */
  GMainContext *context;          /* where @on_error runs */
  OknDraftWriterErrorFunc on_error;
  gpointer user_data;
};

typedef struct
{
  OknDraft *draft;                /* NULL: discard */
  char *path;
  guint seq;                      /* its number, in the order queued */
} Job;

typedef struct
{
  OknDraftWriter *writer;
  GError *error;
} Report;

static OknDraftWriter *
writer_ref (OknDraftWriter *writer)
{
  g_atomic_ref_count_inc (&writer->ref);
  return writer;
}

static void
writer_unref (OknDraftWriter *writer)
{
  if (!g_atomic_ref_count_dec (&writer->ref))
    return;
  g_hash_table_unref (writer->latest);
  g_mutex_clear (&writer->lock);
  g_main_context_unref (writer->context);
  g_free (writer);
}

static void
report_free (gpointer data)
{
  Report *r = data;

  writer_unref (r->writer);
  g_clear_error (&r->error);
  g_free (r);
}

/* In the writer's context: closing the writer there drops the callback, so a
 * report that arrives later finds nobody to tell. */
static gboolean
report_dispatch (gpointer data)
{
  Report *r = data;

  if (r->writer->on_error)
    r->writer->on_error (r->error, r->writer->user_data);
  return G_SOURCE_REMOVE;
}

static void
run_job (gpointer job_data,
         gpointer pool_data)
{
  Job *job = job_data;
  OknDraftWriter *writer = pool_data;
  g_autoptr (GError) error = NULL;
  gboolean last;
  gboolean ok;

  g_mutex_lock (&writer->lock);
  last = GPOINTER_TO_UINT (g_hash_table_lookup (writer->latest, job->path)) == job->seq;
  if (last)
    g_hash_table_remove (writer->latest, job->path);
  g_mutex_unlock (&writer->lock);
  /* A later job for the same file makes this save moot: the fields
   * changed again, or the form was saved or cleared. A discard always
   * runs; a job for another file (what waits aside) changes nothing. */
  if (!last && job->draft)
    ok = TRUE;
  else if (job->draft)
    ok = okn_draft_save (job->draft, job->path, &error);
  else
    ok = okn_draft_discard (job->path, &error);
  if (!ok)
    {
      Report *r = g_new0 (Report, 1);

      r->writer = writer_ref (writer);
      r->error = g_steal_pointer (&error);
      g_main_context_invoke_full (writer->context, G_PRIORITY_DEFAULT, report_dispatch, r, report_free);
    }
  okn_draft_free (job->draft);
  g_free (job->path);
  g_free (job);
}

/**
 * okn_draft_writer_new:
 * @on_error: (nullable): called in the thread-default main context of the
 *   caller when a draft could not be written or removed
 *
 * A writer saves and discards one form's draft in a thread of its own, in
 * the order asked: the durable write (an fsync) never holds up the main
 * loop, and a discard after a save is never overtaken by it.
 *
 * Returns: (transfer full): the writer; close it with okn_draft_writer_close()
 */
OknDraftWriter *
okn_draft_writer_new (OknDraftWriterErrorFunc on_error,
                      gpointer                user_data)
{
  OknDraftWriter *writer = g_new0 (OknDraftWriter, 1);

  g_atomic_ref_count_init (&writer->ref);
  g_mutex_init (&writer->lock);
  writer->latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  writer->context = g_main_context_ref_thread_default ();
  writer->on_error = on_error;
  writer->user_data = user_data;
  /* Not exclusive, at most one thread: never fails. */
  writer->pool = g_thread_pool_new (run_job, writer, 1, FALSE, NULL);
  return writer;
}

static void
push (OknDraftWriter *writer,
      OknDraft       *draft,
      const char     *path)
{
  Job *job = g_new0 (Job, 1);

  job->draft = draft;
  job->path = g_strdup (path);
  g_mutex_lock (&writer->lock);
  /* Never 0, which a path without a job reads as. */
  if (++writer->seq == 0)
    ++writer->seq;
  job->seq = writer->seq;
  g_hash_table_replace (writer->latest, g_strdup (path), GUINT_TO_POINTER (job->seq));
  g_mutex_unlock (&writer->lock);
  g_thread_pool_push (writer->pool, job, NULL);
}

/**
 * okn_draft_writer_save:
 * @draft: (transfer full): the form's fields now
 *
 * Queues okn_draft_save() of @draft to @path.
 */
void
okn_draft_writer_save (OknDraftWriter *writer,
                       OknDraft       *draft,
                       const char     *path)
{
  g_return_if_fail (writer != NULL && draft != NULL && path != NULL);
  push (writer, draft, path);
}

/**
 * okn_draft_writer_discard:
 *
 * Queues okn_draft_discard() of @path, after every save queued before.
 */
void
okn_draft_writer_discard (OknDraftWriter *writer,
                          const char     *path)
{
  g_return_if_fail (writer != NULL && path != NULL);
  push (writer, NULL, path);
}

/**
 * okn_draft_writer_close:
 *
 * Waits for the queued jobs (they are small), then frees the writer. Errors
 * from here on are not reported: whoever asked is going away.
 */
void
okn_draft_writer_close (OknDraftWriter *writer)
{
  if (writer == NULL)
    return;
  writer->on_error = NULL;
  g_thread_pool_free (writer->pool, FALSE, TRUE);
  writer->pool = NULL;
  writer_unref (writer);
}
