/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-text.h: text from outside made safe to show
 *
 * Server answers, scanned payloads, imported records and file names can hold
 * terminal escape sequences, carriage returns that forge lines, or bidi
 * overrides that flip what a reader sees. Every human-readable output (the
 * CLI, the desk, logs, tickets) passes such text through here first; JSON
 * output escapes by itself. Contract: docs/internals/text.md
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *okn_text_display_line    (const char *text,
                                    gssize      max_chars);
char     *okn_text_display_block   (const char *text);
gboolean  okn_text_is_display_safe (const char *text);

G_END_DECLS
