/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setting-fix.h: a setting that keeps something from working, as data
 *
 * An error that a setting can fix (no API key, a server address that
 * leads nowhere) carries the key, not only a sentence naming it: each
 * front end names the setting the way its user knows it (okienkoctl by
 * its key and the command that sets it, the desk by the Preferences
 * field) through okn_setting_fix_describe(). As JSON it outlives the
 * error: the sync keeps its last one in the store for status lines.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  OKN_SETTING_SET,           /* it is not set: "Set <setting>." */
  OKN_SETTING_CHECK,         /* it does not work: "Check <setting>." */
  OKN_SETTING_CHECK_NETWORK, /* "Check <setting> and the network connection." */
  OKN_SETTING_CHECK_TLS,     /* "Check <setting> and the TLS settings." */
} OknSettingAction;

typedef struct
{
  char *key;                 /* the setting, "section.key" */
  char *also;                /* (nullable) a second key to check with it */
  OknSettingAction action;
  char *what;                /* what went wrong, translated, naming no key */
  char *details;             /* (nullable) a technical details line */
} OknSettingFix;

OknSettingFix *okn_setting_fix_new      (OknSettingAction  action,
                                         const char       *key,
                                         const char       *also,
                                         const char       *what);
OknSettingFix *okn_setting_fix_copy     (const OknSettingFix *fix);
void           okn_setting_fix_free     (OknSettingFix *fix);
char          *okn_setting_fix_describe (const OknSettingFix *fix,
                                         const char          *name,
                                         const char          *also_name);
JsonObject    *okn_setting_fix_to_json  (const OknSettingFix *fix);
OknSettingFix *okn_setting_fix_new_from_json (JsonObject *object);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknSettingFix, okn_setting_fix_free)

G_END_DECLS
