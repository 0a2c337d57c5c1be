/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-field-error.h: an error that names the field it is about */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean okn_set_field_error (GError    **error,
                              GQuark      domain,
                              gint        code,
                              const char *field,
                              const char *format,
                              ...) G_GNUC_PRINTF (5, 6);

G_END_DECLS
