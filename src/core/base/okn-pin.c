/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-pin.c: PBKDF2-HMAC-SHA256 of the administrator's PIN, salted
 *
 * Stored as `pbkdf2-sha256$ITERATIONS$SALT$HASH` (salt and hash in
 * base64), the shape other tools use, so an administrator can tell what
 * it is. GLib has HMAC but no PBKDF2: one 32-byte block is all a 32-byte
 * hash needs (RFC 8018, 5.2).
 */
#define G_LOG_DOMAIN "okn-pin"

#include "config.h"

#include <string.h>

#include "okienko/okn-pin.h"

#define PIN_PREFIX      "pbkdf2-sha256"
#define PIN_ITERATIONS  60000
#define PIN_SALT_BYTES  16
#define PIN_HASH_BYTES  32

/* Static helpers ---------------------------------------------------------- */

static void
pbkdf2_sha256 (const char   *pin,
               const guint8 *salt,
               gsize         salt_len,
               guint         iterations,
               guint8        out[PIN_HASH_BYTES])
{
  g_autofree guint8 *first = g_malloc (salt_len + 4);
  guint8 u[PIN_HASH_BYTES];
  gsize len = sizeof u;
  g_autoptr (GHmac) hmac = NULL;

  memcpy (first, salt, salt_len);
  first[salt_len] = 0;
  first[salt_len + 1] = 0;
  first[salt_len + 2] = 0;
  first[salt_len + 3] = 1;
  hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) pin, strlen (pin));
  g_hmac_update (hmac, first, salt_len + 4);
  g_hmac_get_digest (hmac, u, &len);
  memcpy (out, u, PIN_HASH_BYTES);
  for (guint i = 1; i < iterations; i++)
    {
      g_autoptr (GHmac) h = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) pin, strlen (pin));

      len = sizeof u;
      g_hmac_update (h, u, PIN_HASH_BYTES);
      g_hmac_get_digest (h, u, &len);
      for (guint j = 0; j < PIN_HASH_BYTES; j++)
        out[j] ^= u[j];
    }
}

/* The stored parts, or FALSE when @stored is not one of our hashes. */
static gboolean
parse_stored (const char  *stored,
              guint       *iterations,
              guint8     **salt,
              gsize       *salt_len,
              guint8     **hash,
              gsize       *hash_len)
{
  g_auto (GStrv) parts = stored ? g_strsplit (stored, "$", -1) : NULL;
  guint64 n;

  if (parts == NULL || g_strv_length (parts) != 4 || !g_str_equal (parts[0], PIN_PREFIX)
      || !g_ascii_string_to_unsigned (parts[1], 10, 1000, 10000000, &n, NULL)
      || *parts[2] == '\0' || *parts[3] == '\0')
    return FALSE;
  *iterations = (guint) n;
  *salt = g_base64_decode (parts[2], salt_len);
  *hash = g_base64_decode (parts[3], hash_len);
  if (*salt_len < 8 || *hash_len != PIN_HASH_BYTES)
    {
      g_clear_pointer (salt, g_free);
      g_clear_pointer (hash, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Public ------------------------------------------------------------------- */

/**
 * okn_pin_is_valid:
 *
 * Returns: whether @pin is 4 to 12 digits (what a kiosk's keypad types)
 */
gboolean
okn_pin_is_valid (const char *pin)
{
  gsize n = pin ? strlen (pin) : 0;

  if (n < OKN_PIN_MIN_DIGITS || n > OKN_PIN_MAX_DIGITS)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

/**
 * okn_pin_hash:
 * @pin: a valid PIN (okn_pin_is_valid())
 *
 * Returns: (transfer full): a new salted hash of @pin, for the
 *   configuration (kiosk.admin_pin)
 */
char *
okn_pin_hash (const char *pin)
{
  guint8 salt[PIN_SALT_BYTES];
  guint8 hash[PIN_HASH_BYTES];
  g_autofree char *salt64 = NULL;
  g_autofree char *hash64 = NULL;

  g_return_val_if_fail (okn_pin_is_valid (pin), NULL);
  for (guint i = 0; i < PIN_SALT_BYTES; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (salt + i, &r, 4);
    }
  pbkdf2_sha256 (pin, salt, sizeof salt, PIN_ITERATIONS, hash);
  salt64 = g_base64_encode (salt, sizeof salt);
  hash64 = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf ("%s$%u$%s$%s", PIN_PREFIX, PIN_ITERATIONS, salt64, hash64);
}

/**
 * okn_pin_hash_is_valid:
 *
 * Returns: whether @stored is a hash okn_pin_hash() made
 */
gboolean
okn_pin_hash_is_valid (const char *stored)
{
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *hash = NULL;
  gsize salt_len, hash_len;
  guint iterations;

  return parse_stored (stored, &iterations, &salt, &salt_len, &hash, &hash_len);
}

/**
 * okn_pin_verify:
 * @stored: (nullable): kiosk.admin_pin
 * @pin: what was typed
 *
 * Compares in constant time, so the time taken tells nothing of how much
 * of the PIN was right.
 *
 * Returns: whether @pin is the PIN @stored was made from; %FALSE when no
 *   PIN is set
 */
gboolean
okn_pin_verify (const char *stored,
                const char *pin)
{
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *hash = NULL;
  gsize salt_len, hash_len;
  guint iterations;
  guint8 typed[PIN_HASH_BYTES];
  guint8 diff = 0;

  if (!okn_pin_is_valid (pin) || !parse_stored (stored, &iterations, &salt, &salt_len, &hash, &hash_len))
    return FALSE;
  pbkdf2_sha256 (pin, salt, salt_len, iterations, typed);
  for (guint i = 0; i < PIN_HASH_BYTES; i++)
    diff |= typed[i] ^ hash[i];
  return diff == 0;
}
