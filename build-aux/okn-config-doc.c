/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-config-doc.c: the configuration's documentation, from the core's table
 *
 * The table of known keys in src/core/config/okn-config.c is the one truth
 * about the configuration. This build tool turns it into the sample file
 * that is installed (every key commented out at its default, so the sample
 * cannot drift), and into the line okienko.conf(5) must have for each key
 * (its type, range and default), which tests/check-docs.py looks for.
 *
 *   okn-config-doc sample      the sample okienko.conf
 *   okn-config-doc man-keys    one expected okienko.conf(5) key line a key
 *
 * English only: the sample and the man pages are not translated.
 */
#define G_LOG_DOMAIN "okn-config-doc"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "okienko/okn-config.h"

/* The man page's words: okienkoctl's short names, spelt out where prose
 * needs it. */
static const char *
type_words (OknConfigType type)
{
  if (type == OKN_CONFIG_TYPE_TEXT)
    return "multi-line text";
  if (type == OKN_CONFIG_TYPE_STRING)
    return "text";
  if (type == OKN_CONFIG_TYPE_INT)
    return "integer";
  if (type == OKN_CONFIG_TYPE_BOOL)
    return "boolean";
  return okn_config_type_to_string (type);
}

/* "integer, 1 to 600, default: 30": the same words in the man page and
 * the sample. */
static char *
describe (const OknConfigKey *k)
{
  GString *s = g_string_new (type_words (k->type));

  if (k->type == OKN_CONFIG_TYPE_INT)
    g_string_append_printf (s, ", %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT, k->min, k->max);
  if (k->default_value)
    g_string_append_printf (s, ", default: %s", k->default_value);
  return g_string_free (s, FALSE);
}

/* "# words" lines of at most 78 columns. */
static void
print_comment (const char *text)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  g_autoptr (GString) line = g_string_new ("#");

  for (guint i = 0; words[i]; i++)
    {
      if (line->len > 1 && g_utf8_strlen (line->str, -1) + 1 + g_utf8_strlen (words[i], -1) > 78)
        {
          g_print ("%s\n", line->str);
          g_string_assign (line, "#");
        }
      g_string_append_printf (line, " %s", words[i]);
    }
  g_print ("%s\n", line->str);
}

static void
print_sample (void)
{
  guint n;
  const OknConfigKey *keys = okn_config_keys (&n);
  g_autofree char *section = NULL;

  g_print ("# okienko.conf: the configuration of Okienko's desk, kiosk and okienkoctl.\n"
           "#\n"
           "# Every key Okienko knows, commented out at its default: a key that is\n"
           "# not set has its default. Uncomment a line to change it, or use\n"
           "#   okienkoctl config set SECTION.KEY VALUE\n"
           "# okienko.conf(5) says more about each key.\n"
           "#\n"
           "# Where: ~/.config/okienko/okienko.conf for a desk's user (or --config,\n"
           "# $OKIENKO_CONFIG); /etc/okienko/okienko.conf for the okienko-sync service.\n"
           "# The file must be readable by its owner only (chmod 600). Set the API key\n"
           "# with \"okienkoctl config set server.api_key -\" (it reads standard input),\n"
           "# never in an editor on a screen someone else can see.\n");
  for (guint i = 0; i < n; i++)
    {
      const OknConfigKey *k = &keys[i];
      const char *dot = strchr (k->name, '.');
      g_autofree char *group = g_strndup (k->name, (gsize) (dot - k->name));
      g_autofree char *what = describe (k);

      if (g_strcmp0 (group, section) != 0)
        {
          g_print ("\n[%s]\n", group);
          g_free (section);
          section = g_steal_pointer (&group);
        }
      g_print ("\n");
      print_comment (k->summary);
      if (k->choices)
        {
          g_auto (GStrv) choices = g_strsplit (k->choices, "|", -1);
          g_autofree char *words = g_strjoinv (", ", choices);

          g_print ("# %s %s\n", k->check == OKN_CONFIG_CHECK_CHOICE_LIST ? "Any of:" : "One of:",
                   words);
        }
      g_print ("# (%s)\n#%s=%s\n", what, dot + 1, k->default_value ? k->default_value : "");
    }
}

static void
print_man_keys (void)
{
  guint n;
  const OknConfigKey *keys = okn_config_keys (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *what = describe (&keys[i]);

      g_print ("*%s* (%s)\n", keys[i].name, what);
    }
}

int
main (int    argc,
      char **argv)
{
  if (argc == 2 && g_str_equal (argv[1], "sample"))
    print_sample ();
  else if (argc == 2 && g_str_equal (argv[1], "man-keys"))
    print_man_keys ();
  else
    {
      g_printerr ("usage: %s sample|man-keys\n", argv[0]);
      return 2;
    }
  return 0;
}
