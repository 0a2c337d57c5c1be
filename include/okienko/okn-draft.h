/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-draft.h: what a clerk typed but has not saved yet
 *
 * A form's unsaved fields are written to a small file next to the database,
 * atomically and durably, every time they change; a crash, a power cut or a
 * SIGKILL leaves the last version behind and the next start offers it back.
 * The draft holds texts as typed (possibly invalid), not a record.
 * Contract: docs/internals/draft.md
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_DRAFT_ERROR (okn_draft_error_quark ())

typedef enum
{
  OKN_DRAFT_ERROR_NOT_FOUND,  /* there is no draft */
  OKN_DRAFT_ERROR_CORRUPT,    /* the file is not a draft Okienko wrote */
  OKN_DRAFT_ERROR_IO,         /* the file could not be read or written */
} OknDraftError;

typedef struct
{
  char *form;          /* "letter", "report" */
  char *saved_at;      /* ISO 8601 with zone */
  GHashTable *fields;  /* field name → text as typed */
} OknDraft;

GQuark    okn_draft_error_quark (void);

char     *okn_draft_path        (const char *db_path,
                                 const char *form);
char     *okn_draft_next_path   (const char *draft_path);
OknDraft *okn_draft_new         (const char *form);
OknDraft *okn_draft_copy        (OknDraft   *draft);
void      okn_draft_free        (OknDraft *draft);
void      okn_draft_set         (OknDraft   *draft,
                                 const char *field,
                                 const char *value);
const char *okn_draft_get       (OknDraft   *draft,
                                 const char *field);
gboolean  okn_draft_is_empty    (OknDraft *draft);
gboolean  okn_draft_save        (OknDraft   *draft,
                                 const char *path,
                                 GError    **error);
OknDraft *okn_draft_load        (const char *path,
                                 GError    **error);
gboolean  okn_draft_discard     (const char *path,
                                 GError    **error);

typedef struct _OknDraftWriter OknDraftWriter;
typedef void (*OknDraftWriterErrorFunc) (const GError *error,
                                         gpointer      user_data);

OknDraftWriter *okn_draft_writer_new     (OknDraftWriterErrorFunc on_error,
                                          gpointer                user_data);
void            okn_draft_writer_save    (OknDraftWriter *writer,
                                          OknDraft       *draft,
                                          const char     *path);
void            okn_draft_writer_discard (OknDraftWriter *writer,
                                          const char     *path);
void            okn_draft_writer_close   (OknDraftWriter *writer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknDraft, okn_draft_free)

G_END_DECLS
