/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-config.h: the one configuration file every Okienko program reads
 *
 * A GKeyFile of known keys ("section.key"). Unknown keys and bad values are
 * reported, never silently ignored; secrets are never shown. Saving is atomic
 * and leaves the file readable by its owner only.
 * Contract: docs/internals/config.md
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_CONFIG_ERROR (okn_config_error_quark ())

typedef enum
{
  OKN_CONFIG_ERROR_UNKNOWN_KEY,
  OKN_CONFIG_ERROR_INVALID_VALUE,
  OKN_CONFIG_ERROR_PARSE,
  OKN_CONFIG_ERROR_IO,
  OKN_CONFIG_ERROR_UNSAFE,  /* the file is a link to, or is, a file others can read */
  OKN_CONFIG_ERROR_READ_ONLY, /* saving: its owner made the file read-only */
} OknConfigError;

typedef enum
{
  OKN_CONFIG_TYPE_STRING,
  OKN_CONFIG_TYPE_TEXT,     /* may span lines */
  OKN_CONFIG_TYPE_INT,
  OKN_CONFIG_TYPE_BOOL,
  OKN_CONFIG_TYPE_URL,
  OKN_CONFIG_TYPE_SECRET,   /* never printed or logged */
  OKN_CONFIG_TYPE_PATH,
  OKN_CONFIG_TYPE_LIST,     /* comma-separated */
} OknConfigType;

/* What a value must look like beyond its type; checked on set and on load. */
typedef enum
{
  OKN_CONFIG_CHECK_NONE,
  OKN_CONFIG_CHECK_CHOICE,        /* one of `choices` */
  OKN_CONFIG_CHECK_CHOICE_LIST,   /* comma-separated, each one of `choices` */
  OKN_CONFIG_CHECK_CODE,          /* an Open311 code: no white space or brackets (empty: none) */
  OKN_CONFIG_CHECK_ABSOLUTE_PATH, /* starts with "/": every program reads it alike */
  OKN_CONFIG_CHECK_PRINTER,       /* a CUPS queue name */
  OKN_CONFIG_CHECK_ESCPOS_DEVICE, /* /dev/... or HOST[:PORT] */
  OKN_CONFIG_CHECK_PINNED_KEY,    /* sha256//BASE64[;sha256//BASE64...] or a key file */
  OKN_CONFIG_CHECK_STATUS_URL,    /* http(s) page, with {ticket} or {ticket} and {code} */
  OKN_CONFIG_CHECK_PIN,           /* a PIN (4-12 digits), kept as its salted hash */
} OknConfigCheck;

typedef struct
{
  const char *name;          /* "section.key" */
  OknConfigType type;
  const char *default_value; /* (nullable) */
  gint64 min;                /* for ints */
  gint64 max;
  const char *summary;       /* translatable */
  OknConfigCheck check;
  const char *choices;       /* for the choice checks: "full|partial|none" */
} OknConfigKey;

typedef struct _OknConfig OknConfig;

GQuark              okn_config_error_quark  (void);
const char         *okn_config_error_get_key     (const GError *error);
const char         *okn_config_error_get_problem (const GError *error);

char               *okn_config_default_path (void);
const OknConfigKey *okn_config_keys         (guint *n_keys);
const OknConfigKey *okn_config_find_key     (const char *name);
const char         *okn_config_type_to_string (OknConfigType type);

OknConfig          *okn_config_new          (const char *path);
OknConfig          *okn_config_load         (const char *path,
                                             GError    **error);
void                okn_config_free         (OknConfig *config);
const char         *okn_config_get_path     (OknConfig *config);
const GPtrArray    *okn_config_get_problems (OknConfig *config);

char               *okn_config_get_string   (OknConfig  *config,
                                             const char *name);
gint64              okn_config_get_int      (OknConfig  *config,
                                             const char *name);
gboolean            okn_config_get_bool     (OknConfig  *config,
                                             const char *name);
GStrv               okn_config_get_list     (OknConfig  *config,
                                             const char *name);
gboolean            okn_config_is_set       (OknConfig  *config,
                                             const char *name);

gboolean            okn_config_set          (OknConfig  *config,
                                             const char *name,
                                             const char *value,
                                             GError    **error);
gboolean            okn_config_unset        (OknConfig  *config,
                                             const char *name,
                                             GError    **error);
gboolean            okn_config_save         (OknConfig *config,
                                             GError   **error);
GPtrArray          *okn_config_list_set     (OknConfig *config);

char               *okn_config_display_value (const OknConfigKey *key,
                                              const char         *value);
GPtrArray          *okn_config_check_combination (OknConfig *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknConfig, okn_config_free)

G_END_DECLS
