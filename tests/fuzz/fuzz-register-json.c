/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-register-json.c: `okienkoctl register --json` input, through the
 * import it runs (okn_record_import_json()), then each record checked as
 * before it is stored and written out as JSON, as okienkoctl prints it.
 * The import never hands over zero records, and a record that passes the
 * check is written out as JSON that parses again. */
#include "config.h"

#include <json-glib/json-glib.h>

#include "okienko/okn-json.h"
#include "okienko/okn-record.h"
#include "okienko/okn-record-import.h"
#include "okn-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 12, 4, 6, 0, 0);
  OknRecordImportShape shape;

  okn_fuzz_init ();
  records = okn_record_import_json ((const char *) data, size, &shape, &error);
  if (records == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_cmpuint (records->len, >, 0);
  for (guint i = 0; i < records->len; i++)
    {
      OknRecord *r = g_ptr_array_index (records, i);
      g_autoptr (GPtrArray) issues = okn_record_check (r, now);
      g_autoptr (JsonNode) node = NULL;
      g_autofree char *text = NULL;
      g_autoptr (JsonNode) again = NULL;

      g_assert_cmpuint (issues->len, <, 1000);
      /* Only a record that passes is stored and printed. */
      if (issues->len > 0)
        continue;
      node = okn_record_to_json (r, TRUE);
      text = json_to_string (node, FALSE);
      again = okn_json_parse (text, -1, NULL);
      g_assert_nonnull (again);
    }
  return 0;
}
