/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setting-fix.c: a setting that keeps something from working, as data
 *
 * The sentence is put together here once, in every language, from what
 * went wrong and the names a front end gives the settings: the core's
 * messages use the keys, okienkoctl adds the command that sets them, the
 * desk names the Preferences fields.
 */
#define G_LOG_DOMAIN "okn-config"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-setting-fix.h"

/**
 * okn_setting_fix_new:
 * @key: the setting that would fix it
 * @also: (nullable): a second setting to check with it
 * @what: what went wrong, translated, naming no key (a front end may not
 *   call the setting by its key)
 *
 * Returns: (transfer full): the fix, without details
 */
OknSettingFix *
okn_setting_fix_new (OknSettingAction  action,
                     const char       *key,
                     const char       *also,
                     const char       *what)
{
  OknSettingFix *fix = g_new0 (OknSettingFix, 1);

  fix->action = action;
  fix->key = g_strdup (key);
  fix->also = g_strdup (also);
  fix->what = g_strdup (what);
  return fix;
}

OknSettingFix *
okn_setting_fix_copy (const OknSettingFix *fix)
{
  OknSettingFix *copy;

  if (fix == NULL)
    return NULL;
  copy = okn_setting_fix_new (fix->action, fix->key, fix->also, fix->what);
  copy->details = g_strdup (fix->details);
  return copy;
}

void
okn_setting_fix_free (OknSettingFix *fix)
{
  if (fix == NULL)
    return;
  g_free (fix->key);
  g_free (fix->also);
  g_free (fix->what);
  g_free (fix->details);
  g_free (fix);
}

/* "Set %s." and its kin, for one setting or two. */
static char *
hint (OknSettingAction  action,
      const char       *name,
      const char       *also_name)
{
  switch (action)
    {
    case OKN_SETTING_SET:
      /* TRANSLATORS: %s names a setting: a configuration key
       * (server.api_key), or a field: “API key” in Preferences (Ctrl+,) */
      return also_name ? g_strdup_printf (_("Set %s and %s."), name, also_name)
                       : g_strdup_printf (_("Set %s."), name);
    case OKN_SETTING_CHECK_NETWORK:
      /* TRANSLATORS: %s names a setting, as in "Set %s." */
      return g_strdup_printf (_("Check %s and the network connection."), name);
    case OKN_SETTING_CHECK_TLS:
      /* TRANSLATORS: %s names a setting, as in "Set %s." */
      return g_strdup_printf (_("Check %s and the TLS settings."), name);
    case OKN_SETTING_CHECK:
    default:
      /* TRANSLATORS: %s names a setting, as in "Set %s." */
      return also_name ? g_strdup_printf (_("Check %s and %s."), name, also_name)
                       : g_strdup_printf (_("Check %s."), name);
    }
}

/**
 * okn_setting_fix_describe:
 * @name: (nullable): what the reader calls the setting; %NULL: its key
 * @also_name: (nullable): the same for the second setting
 *
 * The sentence for people: what went wrong, what to do about which
 * setting, then the details line if any. With both names %NULL it is the
 * message of the error that carries @fix.
 *
 * Returns: (transfer full): the text
 */
char *
okn_setting_fix_describe (const OknSettingFix *fix,
                          const char          *name,
                          const char          *also_name)
{
  g_autofree char *todo = hint (fix->action, name ? name : fix->key,
                                fix->also ? (also_name ? also_name : fix->also) : NULL);
  /* TRANSLATORS: "<what went wrong> <what to do about a setting>" */
  g_autofree char *sentence = g_strdup_printf (_("%s %s"), fix->what, todo);

  if (fix->details == NULL)
    return g_steal_pointer (&sentence);
  /* TRANSLATORS: the second line of a network error: libcurl's own
   * (English) description, for an administrator */
  return g_strdup_printf (_("%s\nDetails: %s"), sentence, fix->details);
}
