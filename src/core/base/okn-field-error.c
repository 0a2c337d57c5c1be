/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-field-error.c: an error that names the field it is about
 *
 * The configuration, a record read from JSON and okienkoctl's options all
 * word a bad value the same way, "<field>: <what is wrong>", so a clerk
 * or an administrator reads one form whichever program refused it.
 */
#define G_LOG_DOMAIN "okn-field-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-field-error.h"

/**
 * okn_set_field_error:
 * @field: the field's name as the user knows it (a configuration key, a
 *   form's label, an option)
 * @format: what is wrong with its value, printf-style
 *
 * Sets @error to "<field>: <what>".
 *
 * Returns: %FALSE, for a caller that fails with it
 */
gboolean
okn_set_field_error (GError    **error,
                     GQuark      domain,
                     gint        code,
                     const char *field,
                     const char *format,
                     ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  /* TRANSLATORS: "<field>: <what is wrong with its value>" */
  g_set_error (error, domain, code, _("%s: %s"), field, what);
  return FALSE;
}
