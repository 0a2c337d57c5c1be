/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-issued.h: the high-water marks of ticket numbers given out,
 * kept in a file next to the database (okn-store-issued.c) */
#pragma once

#include <glib.h>

#include "okienko/okn-store.h"

G_BEGIN_DECLS

typedef struct
{
  char station[8];
  guint year;   /* two digits, as in the ticket */
  guint seq;    /* the highest number given out */
} OknIssued;

/* The size of a slot of the file: its lines, what a backup carries of
 * them (okn_issued_to_text()), are always shorter. */
#define OKN_ISSUED_SLOT_SIZE 4096

typedef struct _OknIssuedFile OknIssuedFile;

OknIssuedFile *okn_issued_open     (const char *db_path,
                                    gboolean    create,
                                    GError    **error);
void           okn_issued_close    (OknIssuedFile *f);
const char    *okn_issued_get_path (OknIssuedFile *f);
gboolean       okn_issued_read     (OknIssuedFile *f,
                                    GArray       **entries,
                                    gboolean      *damaged,
                                    GError       **error);
gboolean       okn_issued_raise    (OknIssuedFile *f,
                                    const GArray  *raise,
                                    GError       **error);
OknIssued     *okn_issued_find     (GArray     *entries,
                                    const char *station,
                                    guint       year);
const OknIssued *okn_issued_highest (const GArray *entries);
gboolean       okn_issued_merge    (GArray       *entries,
                                    const GArray *raise);
char          *okn_issued_to_text  (const GArray *entries);
GArray        *okn_issued_from_text (const char *text,
                                    guint      *bad_line);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknIssuedFile, okn_issued_close)

G_END_DECLS
