/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-open.c: what a scan opens */
#define G_LOG_DOMAIN "okn-scan-open"

#include "config.h"

#include "okienko/okn-scan-open.h"

/**
 * okn_scan_result_opens:
 * @result: (nullable): a verdict
 *
 * A ticket of ours opens its record when its code is right, or when it
 * carries no code to check (a letter's label, a receipt's bars). A wrong
 * code (forged or damaged), an unknown ticket or someone else's code opens
 * nothing: its message says why.
 *
 * Returns: %TRUE when @result names a record to open
 */
gboolean
okn_scan_result_opens (const OknScanResult *result)
{
  if (result == NULL || result->ticket == NULL)
    return FALSE;
  switch (result->verdict)
    {
    case OKN_SCAN_GENUINE:
    case OKN_SCAN_ID_ONLY:
      return TRUE;
    case OKN_SCAN_WRONG_CODE:
    case OKN_SCAN_UNKNOWN_TICKET:
    case OKN_SCAN_NOT_OURS:
    default:
      return FALSE;
    }
}

/**
 * okn_scan_results_pick:
 * @results: (element-type OknScanResult): what a file or a frame held
 *
 * The first result that opens a record (okn_scan_result_opens()); when none
 * does, the first result, whose message tells the person what was found
 * instead.
 *
 * Returns: (transfer none) (nullable): the result to act on; %NULL when
 *   @results is empty
 */
const OknScanResult *
okn_scan_results_pick (GPtrArray *results)
{
  if (results == NULL || results->len == 0)
    return NULL;
  for (guint i = 0; i < results->len; i++)
    if (okn_scan_result_opens (g_ptr_array_index (results, i)))
      return g_ptr_array_index (results, i);
  return g_ptr_array_index (results, 0);
}
