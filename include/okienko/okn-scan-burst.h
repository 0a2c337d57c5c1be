/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-burst.h: telling a keyboard-wedge scanner from a person typing
 *
 * A USB scanner in keyboard mode types its code and Enter a few
 * milliseconds a key; a fast typist types 30-60 ms a key. Timing alone
 * mistakes one for the other, so a burst counts as a scan only when it is
 * fast AND the whole burst is a complete, valid ticket payload (an ID, an
 * OKN1 code or the status URL) ending in Enter. The desk's window and the
 * kiosk's feed every key here and act on the answer.
 * Contract: docs/internals/scan-burst.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-config.h"

G_BEGIN_DECLS

/* Scanners send a key every few ms; people not below ~30 ms. */
#define OKN_SCAN_BURST_DEFAULT_MAX_GAP_MS 20

typedef struct _OknScanBurst OknScanBurst;

OknScanBurst *okn_scan_burst_new         (void);
void          okn_scan_burst_free        (OknScanBurst *burst);
void          okn_scan_burst_configure   (OknScanBurst *burst,
                                          OknConfig    *config);
void          okn_scan_burst_set_max_gap (OknScanBurst *burst,
                                          gint64        max_gap_us);
void          okn_scan_burst_set_affixes (OknScanBurst *burst,
                                          const char   *prefix,
                                          const char   *suffix);
char         *okn_scan_burst_feed        (OknScanBurst *burst,
                                          gunichar      ch,
                                          gint64        time_us);
const char   *okn_scan_burst_get_typed   (OknScanBurst *burst);
void          okn_scan_burst_reset       (OknScanBurst *burst);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknScanBurst, okn_scan_burst_free)

G_END_DECLS
