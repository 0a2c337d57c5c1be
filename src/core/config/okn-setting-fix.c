/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-setting-fix.c: a setting that keeps something from working, as data
 *
 * The sentence is put together here once, in every language, from what
 * went wrong and the names a front end gives the settings: the core's
 * messages use the keys, okienkoctl adds the command that sets them, the
 * desk names the Preferences fields. Kept as JSON, the same fix is named
 * the same way when a status line reads the sync's last error back.
 */
#define G_LOG_DOMAIN "okn-config"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-config.h"
#include "okienko/okn-json.h"
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

/* The actions' names in JSON, in the enum's order. */
static const char *const action_names[] = {
  [OKN_SETTING_SET] = "set",
  [OKN_SETTING_CHECK] = "check",
  [OKN_SETTING_CHECK_NETWORK] = "check-network",
  [OKN_SETTING_CHECK_TLS] = "check-tls",
};

static void
add_string (JsonObject *object,
            const char *name,
            const char *value)
{
  if (value)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

/**
 * okn_setting_fix_to_json:
 *
 * The fix as data to keep: "action" ("set", "check", "check-network",
 * "check-tls"), "key", "also", "what", "details" (null when none). No
 * value of any setting is in it.
 *
 * Returns: (transfer full): a new object
 */
JsonObject *
okn_setting_fix_to_json (const OknSettingFix *fix)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "action", action_names[fix->action]);
  add_string (object, "key", fix->key);
  add_string (object, "also", fix->also);
  add_string (object, "what", fix->what);
  add_string (object, "details", fix->details);
  return object;
}

/**
 * okn_setting_fix_new_from_json:
 * @object: (nullable): what okn_setting_fix_to_json() made
 *
 * Reads a kept fix back. Anything this version would not have written
 * (an action or a key it does not know, no key or no words) reads as
 * no fix, so that a reader falls back to the error's text.
 *
 * Returns: (transfer full) (nullable): the fix, or %NULL
 */
OknSettingFix *
okn_setting_fix_new_from_json (JsonObject *object)
{
  g_autofree char *action = okn_json_member_text (object, "action");
  g_autofree char *key = okn_json_member_text (object, "key");
  g_autofree char *also = okn_json_member_text (object, "also");
  g_autofree char *what = okn_json_member_text (object, "what");
  OknSettingFix *fix;

  if (action == NULL || key == NULL || what == NULL || okn_config_find_key (key) == NULL
      || (also && okn_config_find_key (also) == NULL))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (action_names); i++)
    if (g_strcmp0 (action, action_names[i]) == 0)
      {
        fix = okn_setting_fix_new ((OknSettingAction) i, key, also, what);
        fix->details = okn_json_member_text (object, "details");
        return fix;
      }
  return NULL;
}
