/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-form-session.c: the life of a form that registers a record
 *
 * States: new (drafts follow the typing), editing (a stored record's
 * correction; drafts stop, the new form is set aside), busy (a submit in
 * flight: no clear, no undo; a desk form is clean at once for the next
 * record, see okn_form_session_set_clear_at_submit()). What a clear took is kept in memory for one
 * undo and never written: a clerk who cleared a form on purpose does not
 * get it offered back after a restart. */
#define G_LOG_DOMAIN "okn-form-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-form-session.h"

struct _OknFormSession
{
  GObject parent_instance;

  char *draft_path;          /* (nullable) no drafts without it */
  OknDraftWriter *drafts;    /* writes in a thread, in order */
  OknFormDelegate delegate;
  gpointer delegate_data;
  OknRecord *editing;        /* the stored record being corrected, or NULL */
  GPtrArray *answers;        /* Answer: its stored answers, in order */
  OknDraft *cleared;         /* what the last clear took, for one undo */
  OknDraft *set_aside;       /* the new record's form, while a correction uses it */
  guint draft_source;
  guint loading;             /* filling fields: not a change by a person */
  gboolean busy;
  gboolean clear_at_submit;
  OknDraft *submitted;       /* the new record in flight, its form cleared */
  OknDraft *next;            /* typed while a record in flight was refused: back once that one is stored */
  char *next_path;           /* (nullable) where @next waits on disk, beside the draft */
};

/* A stored answer of the record being corrected. */
typedef struct
{
  OknKeptAnswer kept;        /* first: what the form is given */
  gboolean shown;            /* the chosen category's form has no field for it: kept as stored */
  gboolean in_field;         /* its field shows it (okn_form_session_dup_field_values) */
} Answer;

G_DEFINE_FINAL_TYPE (OknFormSession, okn_form_session, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_EDITING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CLEARED,
  CANCELLED,
  DRAFT_ERROR,
  EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static OknDraft *
collect (OknFormSession *self,
         OknFormCollect  purpose)
{
  if (self->delegate.collect == NULL)
    return okn_draft_new ("form");
  return self->delegate.collect (self->delegate_data, purpose);
}

static void
clear_fields (OknFormSession *self)
{
  okn_form_session_begin_load (self);
  if (self->delegate.clear)
    self->delegate.clear (self->delegate_data);
  okn_form_session_end_load (self);
}

static gboolean
save_draft_now (gpointer data)
{
  OknFormSession *self = data;

  /* A record cleared at its submit is on disk only in the draft file
   * until it is stored: the next record's draft waits for that (the end of
   * the submit writes it). */
  if (self->submitted != NULL)
    return G_SOURCE_CONTINUE;
  self->draft_source = 0;
  if (self->draft_path == NULL || self->editing != NULL)
    return G_SOURCE_REMOVE;
  okn_draft_writer_save (self->drafts, collect (self, OKN_FORM_COLLECT_DRAFT), self->draft_path);
  return G_SOURCE_REMOVE;
}

static void
on_draft_error (const GError *error,
                gpointer      data)
{
  OknFormSession *self = data;

  g_signal_emit (self, signals[DRAFT_ERROR], 0, error);
}

static void
answer_free (gpointer data)
{
  Answer *a = data;

  g_free (a->kept.code);
  g_free (a->kept.value);
  g_free (a);
}

static void
set_editing (OknFormSession  *self,
             const OknRecord *record)
{
  if (self->editing == NULL && record == NULL)
    return;
  g_clear_pointer (&self->editing, okn_record_free);
  g_ptr_array_set_size (self->answers, 0);
  if (record)
    {
      self->editing = okn_record_copy (record);
      for (guint i = 0; i < record->attributes->len; i++)
        {
          const OknAttribute *at = g_ptr_array_index (record->attributes, i);
          Answer *a = g_new0 (Answer, 1);

          a->kept.code = g_strdup (at->key);
          a->kept.value = g_strdup (at->value);
          a->kept.kept = TRUE;
          g_ptr_array_add (self->answers, a);
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITING]);
}

static void
set_busy (OknFormSession *self,
          gboolean        busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* What was typed while the record in flight was refused waits aside,
 * in memory and in a file beside the draft: a crash or a close of the
 * desk meanwhile must not lose it. */
static void
save_next (OknFormSession *self)
{
  if (self->next && self->next_path)
    okn_draft_writer_save (self->drafts, okn_draft_copy (self->next), self->next_path);
}

/* At the start: a record that waited aside when the desk stopped waits
 * again. Without a draft of the refused one (stored or cleared, and the
 * desk stopped before the one aside came back into the form) it is the
 * draft now, offered as any other; the rename leaves one of the two
 * files whenever it stops. */
static void
load_next (OknFormSession *self)
{
  g_autoptr (OknDraft) next = NULL;

  if (self->next_path == NULL || !g_file_test (self->next_path, G_FILE_TEST_EXISTS))
    return;
  if (!g_file_test (self->draft_path, G_FILE_TEST_EXISTS) && g_rename (self->next_path, self->draft_path) == 0)
    return;
  /* One that cannot be read stays where it is: nothing is removed. */
  next = okn_draft_load (self->next_path, NULL);
  if (next)
    {
      g_clear_pointer (&self->next, okn_draft_free);
      self->next = g_steal_pointer (&next);
    }
}

static void
set_draft_path (OknFormSession *self,
                const char     *draft_path)
{
  g_free (self->draft_path);
  g_clear_pointer (&self->next_path, g_free);
  self->draft_path = g_strdup (draft_path);
  if (draft_path)
    self->next_path = okn_draft_next_path (draft_path);
  load_next (self);
}

/* The new record's form comes back after a correction, or a clean one. */
static void
back_to_new (OknFormSession *self)
{
  g_autoptr (OknDraft) d = g_steal_pointer (&self->set_aside);

  if (d)
    okn_form_session_restore (self, d);
  else
    okn_form_session_reset (self);
}

/* A record typed while the one before was refused (self->next) comes
 * back into a clean new form once that one is stored or cleared. */
static void
take_back_next (OknFormSession *self)
{
  g_autoptr (OknDraft) now = NULL;
  g_autoptr (OknDraft) next = NULL;

  if (self->next == NULL || self->editing != NULL)
    return;
  now = collect (self, OKN_FORM_COLLECT_KEEP);
  if (!okn_draft_is_empty (now))
    return;
  next = g_steal_pointer (&self->next);
  okn_form_session_restore (self, next);
  okn_form_session_changed (self);
  /* Its file goes only once the form's draft holds it. */
  if (self->next_path)
    {
      g_clear_handle_id (&self->draft_source, g_source_remove);
      okn_draft_writer_save (self->drafts, collect (self, OKN_FORM_COLLECT_DRAFT), self->draft_path);
      okn_draft_writer_discard (self->drafts, self->next_path);
    }
}

static void
okn_form_session_dispose (GObject *object)
{
  OknFormSession *self = OKN_FORM_SESSION (object);

  /* Whatever is pending reaches the disk before the form goes away. */
  okn_form_session_flush (self);
  g_clear_pointer (&self->drafts, okn_draft_writer_close);
  g_clear_pointer (&self->submitted, okn_draft_free);
  G_OBJECT_CLASS (okn_form_session_parent_class)->dispose (object);
}

static void
okn_form_session_finalize (GObject *object)
{
  OknFormSession *self = OKN_FORM_SESSION (object);

  g_free (self->draft_path);
  g_free (self->next_path);
  g_clear_pointer (&self->editing, okn_record_free);
  g_clear_pointer (&self->answers, g_ptr_array_unref);
  g_clear_pointer (&self->cleared, okn_draft_free);
  g_clear_pointer (&self->set_aside, okn_draft_free);
  g_clear_pointer (&self->next, okn_draft_free);
  G_OBJECT_CLASS (okn_form_session_parent_class)->finalize (object);
}

static void
okn_form_session_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  OknFormSession *self = OKN_FORM_SESSION (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_EDITING:
      g_value_set_boolean (value, self->editing != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_form_session_class_init (OknFormSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = okn_form_session_dispose;
  object_class->finalize = okn_form_session_finalize;
  object_class->get_property = okn_form_session_get_property;

  /**
   * OknFormSession:busy:
   *
   * A submit is in flight: the form's fields and buttons wait.
   */
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * OknFormSession:editing:
   *
   * The form corrects a stored record (okn_form_session_get_editing()).
   */
  properties[PROP_EDITING] = g_param_spec_boolean ("editing", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OknFormSession::cleared:
   *
   * A new record's form that held something was cleared;
   * okn_form_session_undo_clear() brings it back.
   */
  signals[CLEARED] = g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * OknFormSession::cancelled:
   *
   * A correction was given up; the new record's form is back.
   */
  signals[CANCELLED] = g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                     NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * OknFormSession::draft-error:
   * @error: (type GLib.Error): why the draft could not be written
   */
  signals[DRAFT_ERROR] = g_signal_new ("draft-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * OknFormSession::edited:
   *
   * A person changed a field (not a fill by the program): the next record
   * has started, so a ticket still on screen for the last one can go.
   */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
okn_form_session_init (OknFormSession *self)
{
  self->drafts = okn_draft_writer_new (on_draft_error, self);
  self->answers = g_ptr_array_new_with_free_func (answer_free);
}

/**
 * okn_form_session_new:
 * @draft_path: (nullable): the form's draft file (okn_draft_path()); %NULL
 *   keeps no drafts
 *
 * Returns: (transfer full): a session for a new record's form
 */
OknFormSession *
okn_form_session_new (const char *draft_path)
{
  OknFormSession *self = g_object_new (OKN_TYPE_FORM_SESSION, NULL);

  set_draft_path (self, draft_path);
  return self;
}

/**
 * okn_form_session_set_delegate:
 * @delegate: how to read and fill the form's fields; copied
 * @data: passed to the delegate's functions
 */
void
okn_form_session_set_delegate (OknFormSession        *self,
                               const OknFormDelegate *delegate,
                               gpointer               data)
{
  g_return_if_fail (OKN_IS_FORM_SESSION (self));
  self->delegate = *delegate;
  self->delegate_data = data;
}

/**
 * okn_form_session_set_draft_path:
 * @draft_path: (nullable): the form's draft file; %NULL keeps no drafts
 *
 * For a form that learns its store after it is made. A record that waited
 * aside when the form last stopped (okn_draft_next_path()) waits again.
 */
void
okn_form_session_set_draft_path (OknFormSession *self,
                                 const char     *draft_path)
{
  g_clear_handle_id (&self->draft_source, g_source_remove);
  set_draft_path (self, draft_path);
}

/**
 * okn_form_session_get_draft_path:
 *
 * Returns: (nullable): the draft file
 */
const char *
okn_form_session_get_draft_path (OknFormSession *self)
{
  return self->draft_path;
}

/**
 * okn_form_session_begin_load:
 *
 * The form is about to fill its fields itself: changes until
 * okn_form_session_end_load() are not a person's and write no draft.
 * Calls nest.
 */
void
okn_form_session_begin_load (OknFormSession *self)
{
  self->loading++;
}

void
okn_form_session_end_load (OknFormSession *self)
{
  g_return_if_fail (self->loading > 0);
  self->loading--;
}

gboolean
okn_form_session_is_loading (OknFormSession *self)
{
  return self->loading > 0;
}

/**
 * okn_form_session_changed:
 *
 * A person changed a field: ::edited is emitted, and the draft is written
 * a moment later (OKN_FORM_SESSION_DRAFT_DELAY_MS), once for a burst of
 * typing. Nothing while loading; no draft while correcting a stored
 * record or without a draft file.
 */
void
okn_form_session_changed (OknFormSession *self)
{
  g_return_if_fail (OKN_IS_FORM_SESSION (self));
  if (self->loading > 0)
    return;
  g_signal_emit (self, signals[EDITED], 0);
  if (self->draft_path == NULL || self->editing != NULL)
    return;
  if (self->draft_source == 0)
    self->draft_source = g_timeout_add (OKN_FORM_SESSION_DRAFT_DELAY_MS, save_draft_now, self);
}

/**
 * okn_form_session_flush:
 *
 * A pending draft is written now (before the form goes away, or before it
 * stops following the typing); while a record cleared at its submit is
 * being stored, once it is.
 */
void
okn_form_session_flush (OknFormSession *self)
{
  if (self->draft_source && self->submitted == NULL)
    {
      g_clear_handle_id (&self->draft_source, g_source_remove);
      save_draft_now (self);
    }
}

/**
 * okn_form_session_reset:
 *
 * A clean form for the next new record: no correction, empty fields (the
 * delegate may keep what a pile of records shares, such as a letter's
 * delivery method), and no draft file.
 */
void
okn_form_session_reset (OknFormSession *self)
{
  g_clear_handle_id (&self->draft_source, g_source_remove);
  set_editing (self, NULL);
  clear_fields (self);
  if (self->draft_path)
    okn_draft_writer_discard (self->drafts, self->draft_path);
}

/**
 * okn_form_session_wipe:
 *
 * Nothing of what was typed stays: a clean new form, no draft file, no
 * cleared form to undo, no form set aside. A public kiosk does this when a
 * resident walks away, so the next one cannot bring the last one's text
 * back (a reset keeps the undo: a clerk's Escape is one key away).
 */
void
okn_form_session_wipe (OknFormSession *self)
{
  g_clear_pointer (&self->cleared, okn_draft_free);
  g_clear_pointer (&self->set_aside, okn_draft_free);
  g_clear_pointer (&self->next, okn_draft_free);
  if (self->next_path)
    okn_draft_writer_discard (self->drafts, self->next_path);
  okn_form_session_reset (self);
}

/**
 * okn_form_session_restore:
 * @draft: texts as typed (a draft offered after a crash, an undone clear)
 *
 * A new record's form with @draft's texts in its fields.
 */
void
okn_form_session_restore (OknFormSession *self,
                          OknDraft       *draft)
{
  set_editing (self, NULL);
  clear_fields (self);
  okn_form_session_begin_load (self);
  if (self->delegate.restore)
    self->delegate.restore (self->delegate_data, draft);
  okn_form_session_end_load (self);
}

/**
 * okn_form_session_edit:
 * @record: the stored record to correct
 *
 * A correction borrows the form: what was typed for a new record is set
 * aside (its draft file, written first, is left alone meanwhile) and comes
 * back when the correction is saved or given up. The form fills its
 * fields from @record between okn_form_session_begin_load() and
 * okn_form_session_end_load().
 */
void
okn_form_session_edit (OknFormSession  *self,
                       const OknRecord *record)
{
  g_return_if_fail (record != NULL);
  if (self->editing == NULL)
    {
      g_autoptr (OknDraft) d = NULL;

      okn_form_session_flush (self);
      d = collect (self, OKN_FORM_COLLECT_KEEP);
      g_clear_pointer (&self->set_aside, okn_draft_free);
      if (!okn_draft_is_empty (d))
        self->set_aside = g_steal_pointer (&d);
    }
  g_clear_handle_id (&self->draft_source, g_source_remove);
  set_editing (self, record);
}

/**
 * okn_form_session_get_editing:
 *
 * Returns: (nullable) (transfer none): the stored record being corrected
 */
const OknRecord *
okn_form_session_get_editing (OknFormSession *self)
{
  return self->editing;
}

/* Whether the form of a category with this definition has a field that
 * shows the stored answer @value to @code, beside the answers it shows
 * already (@in_fields, which it joins): a question it asks (not one given
 * for information only); of a list, a choice it still offers; one value
 * a field (the first stored), a multi-value list's each choice once. */
static gboolean
has_field (const OknServiceDef *def,
           GHashTable          *in_fields,
           const char          *code,
           const char          *value)
{
  const OknAttrDef *a = def ? okn_service_def_find (def, code) : NULL;
  char *place;

  if (a == NULL || !a->variable)
    return FALSE;
  if ((a->datatype == OKN_ATTR_SINGLEVALUELIST || a->datatype == OKN_ATTR_MULTIVALUELIST)
      && !okn_attr_def_offers (a, value))
    return FALSE;
  place = a->datatype == OKN_ATTR_MULTIVALUELIST ? g_strconcat (code, "\n", value, NULL) : g_strdup (code);
  if (g_hash_table_contains (in_fields, place))
    {
      g_free (place);
      return FALSE;
    }
  g_hash_table_add (in_fields, place);
  return TRUE;
}

/**
 * okn_form_session_set_category:
 * @category: (nullable): the category the form has chosen
 * @def: (nullable): its definition, as the form renders it; %NULL when not
 *   known (its form has no field for any answer)
 *
 * A correction's stored answers that the form of @category has no field
 * for are kept as stored (okn_form_session_get_kept_answers()): a question
 * the catalogue dropped after the report was stored, a list's choice it
 * no longer offers (the core's check accepts it in this correction), a
 * second value of a field that shows one (every value stays), or every
 * answer while the category's definition is not known. A report moved to
 * another category leaves its old category's answers. Call it whenever the
 * form's category (or its definition) changes, before asking for them; an
 * answer the person took out stays out for the whole correction.
 */
void
okn_form_session_set_category (OknFormSession      *self,
                               const char          *category,
                               const OknServiceDef *def)
{
  g_autoptr (GHashTable) in_fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean same;

  g_return_if_fail (OKN_IS_FORM_SESSION (self));
  same = self->editing != NULL && category != NULL && g_strcmp0 (self->editing->category, category) == 0;
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *a = g_ptr_array_index (self->answers, i);

      /* Taken out stays taken out: the person's untick holds when the
       * same category is chosen again. */
      a->in_field = same && has_field (def, in_fields, a->kept.code, a->kept.value);
      a->shown = same && !a->in_field;
    }
}

/**
 * okn_form_session_dup_field_values:
 * @code: a question of the chosen category
 *
 * What a correction's form fills the field of @code with: the stored
 * answers it shows (one, the first stored, for a field of one value; a
 * multi-value list's choices it offers); the others are kept answers.
 *
 * Returns: (transfer full) (array zero-terminated=1): the values, in the
 *   order stored; empty for a new record
 */
GStrv
okn_form_session_dup_field_values (OknFormSession *self,
                                   const char     *code)
{
  g_autoptr (GStrvBuilder) values = g_strv_builder_new ();

  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *a = g_ptr_array_index (self->answers, i);

      if (a->in_field && g_strcmp0 (a->kept.code, code) == 0)
        g_strv_builder_add (values, a->kept.value);
    }
  return g_strv_builder_end (values);
}

/**
 * okn_form_session_get_kept_answers:
 *
 * Returns: (transfer container) (element-type OknKeptAnswer): the
 *   correction's stored answers its form has no field for, in the order
 *   stored; each valid until the next okn_form_session_set_category() or
 *   the end of the correction
 */
GPtrArray *
okn_form_session_get_kept_answers (OknFormSession *self)
{
  GPtrArray *kept = g_ptr_array_new ();

  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *a = g_ptr_array_index (self->answers, i);

      if (a->shown)
        g_ptr_array_add (kept, &a->kept);
    }
  return kept;
}

/**
 * okn_form_session_keep_answer:
 * @answer: one of okn_form_session_get_kept_answers()
 * @kept: %FALSE to take it out of the correction (a server that refuses
 *   the dropped question), %TRUE to keep it
 */
void
okn_form_session_keep_answer (OknFormSession      *self,
                              const OknKeptAnswer *answer,
                              gboolean             kept)
{
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *a = g_ptr_array_index (self->answers, i);

      if (&a->kept == answer)
        a->kept.kept = kept;
    }
}

/**
 * okn_form_session_add_kept_answers:
 * @record: the correction the form built from its fields
 *
 * Adds the kept answers the person did not take out to @record, as stored.
 */
void
okn_form_session_add_kept_answers (OknFormSession *self,
                                   OknRecord      *record)
{
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *a = g_ptr_array_index (self->answers, i);

      if (a->shown && a->kept.kept)
        okn_record_add_attribute (record, a->kept.code, a->kept.value);
    }
}

/**
 * okn_form_session_cancel:
 *
 * Escape or the Clear button. A correction is given up (the new record's
 * form comes back; ::cancelled). A new record's form is cleared, and what
 * it held is kept in memory for okn_form_session_undo_clear() (::cleared
 * when there was something).
 *
 * Returns: %FALSE while busy: nothing happened
 */
gboolean
okn_form_session_cancel (OknFormSession *self)
{
  g_autoptr (OknDraft) d = NULL;
  gboolean kept;

  if (self->busy)
    return FALSE;
  if (self->editing)
    {
      back_to_new (self);
      g_signal_emit (self, signals[CANCELLED], 0);
      return TRUE;
    }
  /* Escape is one key away: keep what it cleared, in memory only. */
  d = collect (self, OKN_FORM_COLLECT_KEEP);
  kept = !okn_draft_is_empty (d);
  if (kept)
    {
      g_clear_pointer (&self->cleared, okn_draft_free);
      self->cleared = g_steal_pointer (&d);
    }
  okn_form_session_reset (self);
  /* The refused record given up: what waited behind it comes back. */
  take_back_next (self);
  if (kept)
    g_signal_emit (self, signals[CLEARED], 0);
  return TRUE;
}

/**
 * okn_form_session_can_undo_clear:
 *
 * Returns: %TRUE when okn_form_session_undo_clear() has something to bring back
 */
gboolean
okn_form_session_can_undo_clear (OknFormSession *self)
{
  return self->cleared != NULL && !self->busy && self->editing == NULL;
}

/**
 * okn_form_session_undo_clear:
 *
 * Brings back what the last clear took, over whatever is in the form now;
 * it is unsaved again, so it is a draft again.
 *
 * Returns: %TRUE when something was brought back
 */
gboolean
okn_form_session_undo_clear (OknFormSession *self)
{
  g_autoptr (OknDraft) d = NULL;

  if (!okn_form_session_can_undo_clear (self))
    return FALSE;
  d = g_steal_pointer (&self->cleared);
  okn_form_session_restore (self, d);
  okn_form_session_changed (self);
  return TRUE;
}

/**
 * okn_form_session_drop_offered_draft:
 *
 * The person declined the draft offered at start-up. If the form already
 * holds something typed since, the file is that text's draft now and
 * stays; otherwise it is removed, in order with the form's own writes,
 * and a record that waited aside behind the declined one comes back.
 */
void
okn_form_session_drop_offered_draft (OknFormSession *self)
{
  g_autoptr (OknDraft) d = NULL;

  if (self->draft_path == NULL || self->editing != NULL)
    return;
  d = collect (self, OKN_FORM_COLLECT_DRAFT);
  if (okn_draft_is_empty (d))
    {
      okn_draft_writer_discard (self->drafts, self->draft_path);
      take_back_next (self);
    }
}

gboolean
okn_form_session_get_busy (OknFormSession *self)
{
  return self->busy;
}

/**
 * okn_form_session_get_fields_locked:
 *
 * Returns: %TRUE while the form's fields show the record being submitted
 *   (a correction, or a form not cleared at the submit): they wait for it
 */
gboolean
okn_form_session_get_fields_locked (OknFormSession *self)
{
  return self->busy && self->submitted == NULL;
}

/**
 * okn_form_session_set_clear_at_submit:
 * @clear: %TRUE for a clean form as soon as a new record is submitted
 *
 * A desk clerk types the next record right after saving one, while it is
 * still being stored and printed: with @clear, the form is cleared when
 * the submit starts (and its delegate puts the focus on the first field),
 * so those keys go to the next record and the end of the save wipes none
 * of them. Refused, the record comes back into the form; what was typed
 * meanwhile waits aside, on disk too (okn_draft_next_path()), and comes
 * back once the refused one is stored or cleared. A correction still
 * stays in its form until it is stored.
 */
void
okn_form_session_set_clear_at_submit (OknFormSession *self,
                                      gboolean        clear)
{
  g_return_if_fail (OKN_IS_FORM_SESSION (self));
  self->clear_at_submit = clear;
}

static void
on_submitted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  g_autoptr (GTask) task = data;
  OknFormSession *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  OknIntakeResult *result = okn_intake_submit_finish (res, &error);

  g_autoptr (OknDraft) submitted = g_steal_pointer (&self->submitted);

  set_busy (self, FALSE);
  if (result == NULL)
    {
      /* Nothing typed is lost: the form and its draft are as they were.
       * What was typed for the next record meanwhile waits aside (not as
       * the undo, which a save or a clear replaces) and comes back once
       * this one is stored or cleared. */
      if (submitted)
        {
          g_autoptr (OknDraft) next = collect (self, OKN_FORM_COLLECT_KEEP);

          if (!okn_draft_is_empty (next) && self->next == NULL)
            self->next = g_steal_pointer (&next);
          else if (!okn_draft_is_empty (next))
            {
              /* A second refusal with another record typed: the first
               * one typed waits aside, this one is the undo. */
              g_clear_pointer (&self->cleared, okn_draft_free);
              self->cleared = g_steal_pointer (&next);
            }
          g_clear_handle_id (&self->draft_source, g_source_remove);
          okn_form_session_restore (self, submitted);
          if (self->draft_path)
            okn_draft_writer_save (self->drafts, collect (self, OKN_FORM_COLLECT_DRAFT), self->draft_path);
          /* After the refused one's draft, in the writer's order. */
          save_next (self);
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->editing)
    back_to_new (self);
  else if (submitted)
    {
      /* The form was cleared at the submit: what is in it now is the next
       * record's, typed meanwhile (a search or a number not yet in the
       * draft too), and stays; the draft file becomes its draft. */
      g_autoptr (OknDraft) next = collect (self, OKN_FORM_COLLECT_KEEP);

      g_clear_pointer (&self->cleared, okn_draft_free);
      if (!okn_draft_is_empty (next))
        okn_form_session_flush (self);
      else if (self->draft_path)
        {
          g_clear_handle_id (&self->draft_source, g_source_remove);
          okn_draft_writer_discard (self->drafts, self->draft_path);
        }
      take_back_next (self);
    }
  else
    {
      g_clear_pointer (&self->cleared, okn_draft_free);
      okn_form_session_reset (self);
    }
  g_task_return_pointer (task, result, (GDestroyNotify) okn_intake_result_free);
}

/**
 * okn_form_session_submit_async:
 * @context: the station's database and configuration
 * @record: (transfer full): the record the form built, checked
 *   (okn_intake_check)
 * @options: who and what prints; the mode (new or correction) is the
 *   session's
 *
 * Submits through okn_intake_submit_async() while busy. When the record is
 * stored, the form goes on: after a correction the new record's form comes
 * back, after a new record a clean form (no draft, no undo). When it is
 * refused, the form and its draft stay as they were.
 */
void
okn_form_session_submit_async (OknFormSession         *self,
                               OknContext             *context,
                               OknRecord              *record,
                               const OknIntakeOptions *options,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OknIntakeOptions o = *options;

  g_task_set_source_tag (task, okn_form_session_submit_async);
  if (self->busy)
    {
      okn_record_free (record);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "%s",
                               _("This form is still being saved: wait a moment."));
      g_object_unref (task);
      return;
    }
  o.mode = self->editing ? OKN_INTAKE_CORRECTION : OKN_INTAKE_NEW;
  if (self->clear_at_submit && self->editing == NULL)
    {
      /* The draft file keeps the record in flight until it is stored. */
      okn_form_session_flush (self);
      g_clear_pointer (&self->submitted, okn_draft_free);
      self->submitted = collect (self, OKN_FORM_COLLECT_KEEP);
      clear_fields (self);
    }
  set_busy (self, TRUE);
  okn_intake_submit_async (okn_context_get_db_path (context), okn_context_get_config_path (context), record, &o,
                           cancellable, on_submitted, task);
}

/**
 * okn_form_session_submit_finish:
 *
 * Returns: (transfer full) (nullable): as okn_intake_submit()
 */
OknIntakeResult *
okn_form_session_submit_finish (OknFormSession  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
