/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-open.h: what a scan opens
 *
 * A scanner, a camera frame or a scanned file gives verdicts (okn-scan);
 * which of them opens a record, and what to say when none does, is decided
 * here once for the desk's wedge, camera and file scans, and the kiosk's.
 * Contract: docs/internals/scan-open.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-scan.h"

G_BEGIN_DECLS

gboolean             okn_scan_result_opens  (const OknScanResult *result);
const OknScanResult *okn_scan_results_pick  (GPtrArray           *results);

G_END_DECLS
