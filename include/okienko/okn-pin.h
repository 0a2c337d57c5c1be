/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-pin.h: the administrator's PIN, kept only as a salted hash
 *
 * Leaving a kiosk needs the administrator's PIN. The configuration holds
 * PBKDF2-HMAC-SHA256 of it with a random salt, so a copy of the file does
 * not give the PIN away and the kiosk never holds it. Contract:
 * docs/internals/pin.md
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_PIN_MIN_DIGITS 4
#define OKN_PIN_MAX_DIGITS 12

gboolean  okn_pin_is_valid       (const char *pin);
char     *okn_pin_hash           (const char *pin);
gboolean  okn_pin_hash_is_valid  (const char *stored);
gboolean  okn_pin_verify         (const char *stored,
                                  const char *pin);

G_END_DECLS
