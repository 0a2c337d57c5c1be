/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-form-session.h: the life of a form that registers a record
 *
 * A form is new or correcting a stored record; what is typed into a new
 * one is kept as a draft file a moment after each change; a correction
 * sets the new record aside and gives it back afterwards; clearing a form
 * keeps what it held in memory for one undo; saving makes it busy. The
 * desk's letter and report forms and the kiosk's steps have this life
 * alike: the session holds it, GIO-only, and the widgets only fill and
 * read fields through a delegate (as GNOME Text Editor's EditorSession
 * holds its documents' life). Contract: docs/internals/form-session.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-context.h"
#include "okienko/okn-draft.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-record.h"
#include "okienko/okn-service-def.h"

G_BEGIN_DECLS

#define OKN_TYPE_FORM_SESSION (okn_form_session_get_type ())
G_DECLARE_FINAL_TYPE (OknFormSession, okn_form_session, OKN, FORM_SESSION, GObject)

/* How long after the last change the draft is written. */
#define OKN_FORM_SESSION_DRAFT_DELAY_MS 300

typedef enum
{
  OKN_FORM_COLLECT_DRAFT,  /* for the draft file: everything typed */
  OKN_FORM_COLLECT_KEEP,   /* to give back later (set aside, cleared): without values that follow the clock */
} OknFormCollect;

/* What the session asks of the form's widgets. */
typedef struct
{
  OknDraft *(*collect) (gpointer       data,
                        OknFormCollect purpose);  /* the fields' texts; (transfer full) */
  void      (*restore) (gpointer       data,
                        OknDraft      *draft);    /* the fields from a draft */
  void      (*clear)   (gpointer       data);     /* empty fields for the next new record */
} OknFormDelegate;

/* A stored answer that a correction's form has no field for (a question
 * the category's catalogue dropped since, a list's choice it no longer
 * offers, a second value of a field that shows one, or any while its
 * definition is not known): the form shows it, and it stays as stored
 * unless the person takes it out. */
typedef struct
{
  char *code;
  char *value;
  gboolean kept;   /* FALSE: taken out, the correction goes without it */
} OknKeptAnswer;

OknFormSession  *okn_form_session_new                 (const char            *draft_path);
void             okn_form_session_set_delegate        (OknFormSession        *self,
                                                       const OknFormDelegate *delegate,
                                                       gpointer               data);
void             okn_form_session_set_draft_path      (OknFormSession *self,
                                                       const char     *draft_path);
const char      *okn_form_session_get_draft_path      (OknFormSession *self);

void             okn_form_session_begin_load          (OknFormSession *self);
void             okn_form_session_end_load            (OknFormSession *self);
gboolean         okn_form_session_is_loading          (OknFormSession *self);
void             okn_form_session_changed             (OknFormSession *self);
void             okn_form_session_flush               (OknFormSession *self);

void             okn_form_session_reset               (OknFormSession *self);
void             okn_form_session_wipe                (OknFormSession *self);
void             okn_form_session_restore             (OknFormSession *self,
                                                       OknDraft       *draft);
void             okn_form_session_edit                (OknFormSession  *self,
                                                       const OknRecord *record);
const OknRecord *okn_form_session_get_editing         (OknFormSession *self);
void             okn_form_session_set_category        (OknFormSession      *self,
                                                       const char          *category,
                                                       const OknServiceDef *def);
GPtrArray       *okn_form_session_get_kept_answers    (OknFormSession *self);
GStrv            okn_form_session_dup_field_values    (OknFormSession *self,
                                                       const char     *code);
void             okn_form_session_keep_answer         (OknFormSession      *self,
                                                       const OknKeptAnswer *answer,
                                                       gboolean             kept);
void             okn_form_session_add_kept_answers    (OknFormSession *self,
                                                       OknRecord      *record);
gboolean         okn_form_session_cancel              (OknFormSession *self);
gboolean         okn_form_session_can_undo_clear      (OknFormSession *self);
gboolean         okn_form_session_undo_clear          (OknFormSession *self);
void             okn_form_session_drop_offered_draft  (OknFormSession *self);

gboolean         okn_form_session_get_busy            (OknFormSession *self);
gboolean         okn_form_session_get_fields_locked   (OknFormSession *self);
void             okn_form_session_set_clear_at_submit (OknFormSession *self,
                                                       gboolean        clear);
void             okn_form_session_submit_async        (OknFormSession         *self,
                                                       OknContext             *context,
                                                       OknRecord              *record,
                                                       const OknIntakeOptions *options,
                                                       GCancellable           *cancellable,
                                                       GAsyncReadyCallback     callback,
                                                       gpointer                user_data);
OknIntakeResult *okn_form_session_submit_finish       (OknFormSession  *self,
                                                       GAsyncResult    *result,
                                                       GError         **error);

G_END_DECLS
