/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-labels.h: the words for the record's enumerations, in a chosen language
 *
 * A ticket is printed in the resident's language (Polish, English or
 * Ukrainian) while the program runs in another: these functions take the
 * language as an argument and never follow or change the process locale.
 * The words come from the project's own gettext catalogues (po/), read by
 * the core per language. Contract: docs/internals/labels.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-record.h"
#include "okienko/okn-store.h"

G_BEGIN_DECLS

typedef enum
{
  OKN_LANGUAGE_PL,
  OKN_LANGUAGE_EN,
  OKN_LANGUAGE_UK,
} OknLanguage;

#define OKN_LANGUAGE_LAST OKN_LANGUAGE_UK

/* Mark a msgid for xgettext (po/meson.build: --keyword=OKN_TR:2 and
 * OKN_TRC:2c,3) and look it up in @lang's catalogue. */
#define OKN_TR(lang, msgid)           okn_labels_gettext ((lang), NULL, (msgid))
#define OKN_TRC(lang, context, msgid) okn_labels_gettext ((lang), (context), (msgid))

gboolean    okn_language_from_string  (const char  *s,
                                       OknLanguage *out);
const char *okn_language_to_string    (OknLanguage  lang);
OknLanguage okn_language_from_locale  (void);

const char *okn_labels_gettext        (OknLanguage  lang,
                                       const char  *context,
                                       const char  *msgid) G_GNUC_FORMAT (3);
const char *okn_labels_kind           (OknLanguage  lang,
                                       OknKind      kind);
const char *okn_labels_channel        (OknLanguage  lang,
                                       OknChannel   channel);
const char *okn_labels_delivery       (OknLanguage  lang,
                                       OknDelivery  delivery);
const char *okn_labels_sync_state     (OknLanguage  lang,
                                       OknSyncState state);
char       *okn_labels_category       (OknStore    *store,
                                       const char  *code,
                                       OknLanguage  lang);

G_END_DECLS
