/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-json-build.c: JSON we write, member by member
 *
 * json-glib only, so that the loopback Open311 test server can compile it
 * too: its answers and okienkoctl's --json output spell a missing string
 * the same way, as null.
 */
#define G_LOG_DOMAIN "okn-json"

#include "config.h"

#include "okienko/okn-json.h"

/**
 * okn_json_add_string:
 * @value: (nullable): the member's value; %NULL is JSON null
 *
 * Adds a string member to the object @b is building.
 */
void
okn_json_add_string (JsonBuilder *b,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}
