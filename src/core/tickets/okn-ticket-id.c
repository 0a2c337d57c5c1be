/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-id.c: ticket IDs, check characters and verification codes
 *
 * The check character is a Damm check over GF(32): each character value v
 * moves the interim value s to 2*s + v (in the field, + is XOR). Because
 * s -> 2*s + v is a bijection for each v, a single wrong character always
 * changes the result; because 2 != 1, swapping two different neighbours x, y
 * changes it by (2 + 1) * (x + y) != 0. So every single substitution and every
 * adjacent transposition is caught, with a check character from the same
 * 32-character alphabet. test-ticket.c proves it exhaustively.
 */
#define G_LOG_DOMAIN "okn-ticket"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-ticket-id.h"

G_DEFINE_QUARK (okn-ticket-error-quark, okn_ticket_error)

/* canonical_chars() stops after this many characters of an ID. */
#define CANONICAL_MAX 64

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* Field polynomial x^5 + x^2 + 1. */
#define GF32_POLY 0x25

static inline guint
gf32_double (guint v)
{
  v <<= 1;
  if (v & 0x20)
    v ^= GF32_POLY;
  return v;
}

/* Value of a canonical character, or -1. */
static int
char_value (char c)
{
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr (alphabet, c);
  return p ? (int) (p - alphabet) : -1;
}

/* Maps what people type to the canonical character: case and the usual
 * look-alikes (O for zero, I and L for one) are forgiven. Returns 0 for a
 * separator that is skipped, -1 for a character that has no place in an ID. */
static int
normalize_char (gunichar c)
{
  if (c == ' ' || c == '-' || c == '_' || c == '.' || c == '/' || c == '\t'
      || c == 0x2010 || c == 0x2011 || c == 0x2012 || c == 0x2013 || c == 0x2014
      || c == 0x00A0 || c == 0x2212)
    return 0;
  if (c >= 'a' && c <= 'z')
    c = c - 'a' + 'A';
  switch (c)
    {
    case 'O':
      return '0';
    case 'I':
    case 'L':
      return '1';
    default:
      break;
    }
  if (c < 0x80 && char_value ((char) c) >= 0)
    return (int) c;
  return -1;
}

static guint
damm_interim (const char *chars,
              gsize       len)
{
  guint s = 0;

  for (gsize i = 0; i < len; i++)
    {
      int v = char_value (chars[i]);

      g_return_val_if_fail (v >= 0, 0);
      s = gf32_double (s) ^ (guint) v;
    }
  return s;
}

/**
 * okn_ticket_check_char:
 * @chars: canonical characters (station, year and sequence, no separators)
 * @len: how many of them
 *
 * Returns: the check character that makes the Damm check of @chars zero.
 */
char
okn_ticket_check_char (const char *chars,
                       gsize       len)
{
  return alphabet[gf32_double (damm_interim (chars, len))];
}

gboolean
okn_station_code_normalize (const char  *input,
                            char         out[OKN_TICKET_STATION_MAX + 1],
                            GError     **error)
{
  gsize n = 0;

  g_return_val_if_fail (input != NULL, FALSE);

  if (!g_utf8_validate (input, -1, NULL))
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION,
                   _("Station code is not valid UTF-8 text."));
      return FALSE;
    }

  for (const char *p = input; *p; p = g_utf8_next_char (p))
    {
      gunichar u = g_utf8_get_char (p);
      int c;

      if (u == ' ' || u == '\t')
        continue;
      c = normalize_char (u);
      if (c <= 0)
        {
          char buf[8] = { 0 };

          g_unichar_to_utf8 (u, buf);
          g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION,
                       _("Station code: “%s” cannot be used; use digits and the letters "
                         "A–Z without I, L, O and U."),
                       buf);
          return FALSE;
        }
      if (n == OKN_TICKET_STATION_MAX)
        {
          n++;
          break;
        }
      out[n++] = (char) c;
    }

  if (n < OKN_TICKET_STATION_MIN || n > OKN_TICKET_STATION_MAX)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_STATION,
                   _("Station code must have %d to %d characters."),
                   OKN_TICKET_STATION_MIN, OKN_TICKET_STATION_MAX);
      return FALSE;
    }
  out[n] = '\0';
  return TRUE;
}

/* The characters the check covers: station, year, sequence. */
static gsize
ticket_body (const OknTicketId *id,
             char               buf[OKN_TICKET_MAX_LEN])
{
  return (gsize) g_snprintf (buf, OKN_TICKET_MAX_LEN, "%s%02u%06u", id->station, id->year, id->seq);
}

gboolean
okn_ticket_id_make (const char  *station,
                    guint        year,
                    guint        seq,
                    OknTicketId *out,
                    GError     **error)
{
  char body[OKN_TICKET_MAX_LEN];
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!okn_station_code_normalize (station, out->station, error))
    return FALSE;
  if (year > 99 || seq < 1 || seq > OKN_TICKET_SEQ_MAX)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_RANGE,
                   _("The ticket sequence of this station is exhausted for the year "
                     "(%u numbers)."),
                   (guint) OKN_TICKET_SEQ_MAX);
      return FALSE;
    }
  out->year = year;
  out->seq = seq;
  len = ticket_body (out, body);
  out->check = okn_ticket_check_char (body, len);
  return TRUE;
}

/* Strips separators and maps look-alikes. On a character that has no place
 * in an ID, says which one and where (1-based, as a person counts). */
static gboolean
canonical_chars (const char *input,
                 GString    *out,
                 GError    **error)
{
  guint pos = 0;

  if (!g_utf8_validate (input, -1, NULL))
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("The ticket ID is not valid text."));
      return FALSE;
    }

  for (const char *p = input; *p; p = g_utf8_next_char (p))
    {
      gunichar u = g_utf8_get_char (p);
      int c = normalize_char (u);

      pos++;
      if (c == 0)
        continue;
      if (c < 0)
        {
          char buf[8] = { 0 };

          g_unichar_to_utf8 (u, buf);
          g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                       _("Character %u of the ticket ID (“%s”) cannot appear in a ticket ID."),
                       pos, buf);
          return FALSE;
        }
      g_string_append_c (out, (char) c);
      /* Enough to say it is too long; a pasted page is not copied whole. */
      if (out->len > CANONICAL_MAX)
        break;
    }
  return TRUE;
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Splits canonical characters into fields without checking the check
 * character. */
static gboolean
split_canonical (const char  *s,
                 gsize        len,
                 OknTicketId *out,
                 GError     **error)
{
  gsize station_len;
  char digits[OKN_TICKET_SEQ_DIGITS + 1];

  if (len > CANONICAL_MAX)
    {
      /* canonical_chars() stopped counting: the real length is unknown
       * here, and "65" would be wrong. */
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("A ticket ID has %d to %d characters besides hyphens, like "
                     "K03-26-004217-Q; this one is far too long."),
                   OKN_TICKET_STATION_MIN + 9, OKN_TICKET_STATION_MAX + 9);
      return FALSE;
    }
  if (len < OKN_TICKET_STATION_MIN + 9 || len > OKN_TICKET_STATION_MAX + 9)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("A ticket ID has %d to %d characters besides hyphens, like "
                     "K03-26-004217-Q; this one has %u."),
                   OKN_TICKET_STATION_MIN + 9, OKN_TICKET_STATION_MAX + 9, (guint) len);
      return FALSE;
    }
  station_len = len - 9;
  if (!all_digits (s + station_len, 8))
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("The year and number in a ticket ID are digits, like K03-26-004217-Q."));
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  memcpy (out->station, s, station_len);
  out->year = (guint) (s[station_len] - '0') * 10 + (guint) (s[station_len + 1] - '0');
  memcpy (digits, s + station_len + 2, OKN_TICKET_SEQ_DIGITS);
  digits[OKN_TICKET_SEQ_DIGITS] = '\0';
  out->seq = (guint) g_ascii_strtoull (digits, NULL, 10);
  out->check = s[len - 1];
  if (out->seq == 0)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("A ticket number is never 000000."));
      return FALSE;
    }
  return TRUE;
}

/**
 * okn_ticket_id_parse:
 * @input: what a person typed or a scanner read
 * @out: (out caller-allocates): the ticket
 * @error: %OKN_TICKET_ERROR_SYNTAX for something that is not a ticket ID,
 *   %OKN_TICKET_ERROR_CHECK for a ticket ID with a typo in it
 *
 * Forgives case, spaces, missing or extra hyphens and look-alike characters.
 */
gboolean
okn_ticket_id_parse (const char  *input,
                     OknTicketId *out,
                     GError     **error)
{
  g_autoptr (GString) s = g_string_new (NULL);

  g_return_val_if_fail (input != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (!canonical_chars (input, s, error))
    return FALSE;
  if (s->len == 0)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("The ticket ID is empty."));
      return FALSE;
    }
  if (!split_canonical (s->str, s->len, out, error))
    return FALSE;
  if (damm_interim (s->str, s->len) != 0)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_CHECK,
                   _("Ticket ID %s is mistyped: its last character does not match the "
                     "others. Check each character, or two neighbours swapped."),
                   input);
      return FALSE;
    }
  return TRUE;
}

/**
 * okn_ticket_canonical_chars:
 * @input: what a person typed
 *
 * Returns: (transfer full) (nullable): the characters of @input as the
 *   check sees them (separators dropped, look-alikes mapped), or %NULL when
 *   one of them has no place in a ticket ID
 */
char *
okn_ticket_canonical_chars (const char *input)
{
  g_autoptr (GString) s = g_string_new (NULL);

  if (!canonical_chars (input, s, NULL))
    return NULL;
  return g_string_free (g_steal_pointer (&s), FALSE);
}

char *
okn_ticket_id_format (const OknTicketId *id)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_strdup_printf ("%s-%02u-%06u-%c", id->station, id->year, id->seq, id->check);
}

char *
okn_ticket_id_format_compact (const OknTicketId *id)
{
  g_return_val_if_fail (id != NULL, NULL);
  return g_strdup_printf ("%s%02u%06u%c", id->station, id->year, id->seq, id->check);
}

static void
add_candidate (GPtrArray  *out,
               const char *s,
               gsize       len)
{
  OknTicketId id;
  char *formatted;

  if (damm_interim (s, len) != 0 || !split_canonical (s, len, &id, NULL))
    return;
  formatted = okn_ticket_id_format (&id);
  for (guint i = 0; i < out->len; i++)
    if (g_str_equal (g_ptr_array_index (out, i), formatted))
      {
        g_free (formatted);
        return;
      }
  g_ptr_array_add (out, formatted);
}

/**
 * okn_ticket_typo_candidates:
 * @input: a ticket ID that failed its check
 *
 * Every valid ticket ID one typo away from @input: one character changed or
 * two neighbours swapped. The caller keeps those it knows (the store looks
 * them up) to tell the person which character is wrong.
 *
 * Returns: (transfer full) (element-type utf8): formatted ticket IDs
 */
GPtrArray *
okn_ticket_typo_candidates (const char *input)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GString) s = g_string_new (NULL);

  g_return_val_if_fail (input != NULL, NULL);

  if (!canonical_chars (input, s, NULL) || s->len < OKN_TICKET_STATION_MIN + 9
      || s->len > OKN_TICKET_STATION_MAX + 9)
    return g_steal_pointer (&out);

  for (gsize i = 0; i < s->len; i++)
    {
      char orig = s->str[i];

      for (const char *a = alphabet; *a; a++)
        {
          if (*a == orig)
            continue;
          s->str[i] = *a;
          add_candidate (out, s->str, s->len);
        }
      s->str[i] = orig;
    }
  for (gsize i = 0; i + 1 < s->len; i++)
    {
      char t = s->str[i];

      if (t == s->str[i + 1])
        continue;
      s->str[i] = s->str[i + 1];
      s->str[i + 1] = t;
      add_candidate (out, s->str, s->len);
      s->str[i + 1] = s->str[i];
      s->str[i] = t;
    }
  return g_steal_pointer (&out);
}

/**
 * okn_ticket_verification_code:
 * @ticket: the formatted ticket ID
 * @secret: the station secret
 * @secret_len: its length
 *
 * The first 30 bits of HMAC-SHA256(secret, ticket) as 6 characters of the
 * ticket alphabet. Without the secret nobody can make the code of a ticket
 * they have not been given.
 *
 * Returns: (transfer full): the code
 */
char *
okn_ticket_verification_code (const char   *ticket,
                              const guint8 *secret,
                              gsize         secret_len)
{
  g_autoptr (GHmac) hmac = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  guint32 bits;
  char *code;

  g_return_val_if_fail (ticket != NULL, NULL);
  g_return_val_if_fail (secret != NULL && secret_len > 0, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA256, secret, secret_len);
  g_hmac_update (hmac, (const guchar *) ticket, -1);
  g_hmac_get_digest (hmac, digest, &digest_len);

  bits = ((guint32) digest[0] << 24) | ((guint32) digest[1] << 16)
         | ((guint32) digest[2] << 8) | digest[3];
  code = g_malloc (OKN_TICKET_CODE_LEN + 1);
  for (int i = 0; i < OKN_TICKET_CODE_LEN; i++)
    code[i] = alphabet[(bits >> (27 - 5 * i)) & 0x1f];
  code[OKN_TICKET_CODE_LEN] = '\0';
  memset (digest, 0, sizeof digest);
  return code;
}

/**
 * okn_ticket_verification_code_equal:
 *
 * Compares a typed or scanned code with the real one, forgiving case and
 * look-alikes, in time that does not depend on where they differ.
 */
gboolean
okn_ticket_verification_code_equal (const char *a,
                                    const char *b)
{
  g_autoptr (GString) na = g_string_new (NULL);
  g_autoptr (GString) nb = g_string_new (NULL);
  guint diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  if (!canonical_chars (a, na, NULL) || !canonical_chars (b, nb, NULL))
    return FALSE;
  if (na->len != OKN_TICKET_CODE_LEN || nb->len != OKN_TICKET_CODE_LEN)
    return FALSE;
  for (gsize i = 0; i < OKN_TICKET_CODE_LEN; i++)
    diff |= (guint) (na->str[i] ^ nb->str[i]);
  return diff == 0;
}

/**
 * okn_ticket_format_payload:
 * @ticket: a ticket ID
 * @code: (nullable): its verification code
 *
 * The payload okn_ticket_parse_payload() reads back.
 *
 * Returns: (transfer full): `OKN1:<ticket>:<code>`, or @ticket alone
 *   when there is no code
 */
char *
okn_ticket_format_payload (const char *ticket,
                           const char *code)
{
  if (code == NULL || *code == '\0')
    return g_strdup (ticket);
  return g_strdup_printf ("OKN1:%s:%s", ticket, code);
}

/**
 * okn_ticket_parse_payload:
 * @payload: a scanned code: a bare ticket ID or `OKN1:<ticket>:<code>`
 * @out_id: (out caller-allocates): the ticket
 * @out_code: (out) (optional) (nullable) (transfer full): the verification
 *   code when the payload carries one
 */
gboolean
okn_ticket_parse_payload (const char  *payload,
                          OknTicketId *out_id,
                          char       **out_code,
                          GError     **error)
{
  g_autofree char *trimmed = NULL;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (payload != NULL, FALSE);

  if (out_code)
    *out_code = NULL;
  trimmed = g_strstrip (g_strdup (payload));
  if (g_ascii_strncasecmp (trimmed, "OKN1:", 5) != 0)
    return okn_ticket_id_parse (trimmed, out_id, error);

  parts = g_strsplit (trimmed + 5, ":", 3);
  if (g_strv_length (parts) != 2)
    {
      g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                   _("The scanned code is not an Okienko ticket."));
      return FALSE;
    }
  if (!okn_ticket_id_parse (parts[0], out_id, error))
    return FALSE;
  if (out_code)
    {
      g_autoptr (GString) code = g_string_new (NULL);

      if (!canonical_chars (parts[1], code, NULL) || code->len != OKN_TICKET_CODE_LEN)
        {
          g_set_error (error, OKN_TICKET_ERROR, OKN_TICKET_ERROR_SYNTAX,
                       _("The verification code in the scanned ticket is damaged."));
          return FALSE;
        }
      *out_code = g_string_free (g_steal_pointer (&code), FALSE);
    }
  return TRUE;
}
