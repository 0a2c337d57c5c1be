/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-config.c: the configuration file loader (okn_config_load()) on any
 * bytes, then every key read as every program reads it. A file that loads
 * has only values its keys accept, and a problem or an error never quotes
 * a line of the file (it may hold the api_key). */
#include "config.h"

#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "okienko/okn-config.h"
#include "okn-fuzz.h"

static char *dir;
static char *path;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  okn_fuzz_init ();
  dir = g_dir_make_tmp ("okn-fuzz-config-XXXXXX", NULL);
  g_assert_nonnull (dir);
  path = g_build_filename (dir, "okienko.conf", NULL);
  return 0;
}

static void
write_private (const uint8_t *data,
               size_t         size)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (ssize_t) size);
  close (fd);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GError) error = NULL;
  const OknConfigKey *keys;
  guint n_keys = 0;

  write_private (data, size);
  config = okn_config_load (path, &error);
  if (config == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  for (guint i = 0; i < okn_config_get_problems (config)->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (okn_config_get_problems (config), i), -1, NULL));
  keys = okn_config_keys (&n_keys);
  for (guint i = 0; i < n_keys; i++)
    {
      g_autofree char *value = okn_config_get_string (config, keys[i].name);
      g_autofree char *shown = okn_config_display_value (&keys[i], value);

      switch (keys[i].type)
        {
        case OKN_CONFIG_TYPE_INT:
          {
            gint64 v = okn_config_get_int (config, keys[i].name);

            if (okn_config_is_set (config, keys[i].name))
              g_assert_true (v >= keys[i].min && v <= keys[i].max);
          }
          break;
        case OKN_CONFIG_TYPE_BOOL:
          (void) okn_config_get_bool (config, keys[i].name);
          break;
        case OKN_CONFIG_TYPE_LIST:
          {
            g_auto (GStrv) list = okn_config_get_list (config, keys[i].name);

            for (guint j = 0; list && list[j]; j++)
              g_assert_true (g_utf8_validate (list[j], -1, NULL));
          }
          break;
        case OKN_CONFIG_TYPE_SECRET:
          g_assert_true (shown == NULL || g_str_equal (shown, "********"));
          break;
        case OKN_CONFIG_TYPE_STRING:
        case OKN_CONFIG_TYPE_TEXT:
        case OKN_CONFIG_TYPE_URL:
        case OKN_CONFIG_TYPE_PATH:
          break;
        }
      /* What loaded can be set again as it is. */
      if (value && okn_config_is_set (config, keys[i].name) && keys[i].type != OKN_CONFIG_TYPE_SECRET)
        {
          g_autoptr (GError) set_error = NULL;

          if (!okn_config_set (config, keys[i].name, value, &set_error))
            g_error ("%s loaded but cannot be set again: %s", keys[i].name, set_error->message);
        }
    }
  {
    g_autoptr (GPtrArray) set = okn_config_list_set (config);
    g_autoptr (GPtrArray) risky = okn_config_check_combination (config);

    g_assert_nonnull (set);
    g_assert_nonnull (risky);
  }
  return 0;
}
