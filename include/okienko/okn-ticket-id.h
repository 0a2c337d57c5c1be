/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-id.h: ticket IDs, their check character and verification codes
 *
 * A ticket ID is STATION-YY-NNNNNN-C: a station code of 2 to 4 characters,
 * the two-digit year, a per-station yearly sequence of 6 digits and one check
 * character. All characters come from Crockford's base-32 alphabet (digits and
 * upper-case letters without I, L, O and U), so nothing can be misread as
 * something else. The contract is in docs/internals/ticket-id.md.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define OKN_TICKET_ERROR (okn_ticket_error_quark ())

typedef enum
{
  /* Not shaped like a ticket at all (length, characters). */
  OKN_TICKET_ERROR_SYNTAX,
  /* Shaped like a ticket but the check character does not match: a typo. */
  OKN_TICKET_ERROR_CHECK,
  /* A station code that cannot be used (length, characters). */
  OKN_TICKET_ERROR_STATION,
  /* Year or sequence out of range. */
  OKN_TICKET_ERROR_RANGE,
} OknTicketError;

#define OKN_TICKET_STATION_MIN   2
#define OKN_TICKET_STATION_MAX   4
#define OKN_TICKET_SEQ_DIGITS    6
#define OKN_TICKET_SEQ_MAX       999999
#define OKN_TICKET_CODE_LEN      6
/* "STAT-YY-NNNNNN-C" plus the terminator. */
#define OKN_TICKET_MAX_LEN       (OKN_TICKET_STATION_MAX + 1 + 2 + 1 + OKN_TICKET_SEQ_DIGITS + 1 + 1 + 1)

typedef struct
{
  char station[OKN_TICKET_STATION_MAX + 1];
  guint year;  /* 0..99 */
  guint seq;   /* 1..OKN_TICKET_SEQ_MAX */
  char check;
} OknTicketId;

GQuark    okn_ticket_error_quark       (void);

gboolean  okn_station_code_normalize   (const char  *input,
                                        char         out[OKN_TICKET_STATION_MAX + 1],
                                        GError     **error);

gboolean  okn_ticket_id_make           (const char  *station,
                                        guint        year,
                                        guint        seq,
                                        OknTicketId *out,
                                        GError     **error);

gboolean  okn_ticket_id_parse          (const char  *input,
                                        OknTicketId *out,
                                        GError     **error);

char     *okn_ticket_id_format         (const OknTicketId *id);
char     *okn_ticket_canonical_chars   (const char  *input);
char     *okn_ticket_id_format_compact (const OknTicketId *id);

char      okn_ticket_check_char        (const char  *chars,
                                        gsize        len);

GPtrArray *okn_ticket_typo_candidates  (const char  *input);

char     *okn_ticket_verification_code (const char   *ticket,
                                        const guint8 *secret,
                                        gsize         secret_len);

gboolean  okn_ticket_verification_code_equal (const char *a,
                                              const char *b);

char     *okn_ticket_format_payload    (const char  *ticket,
                                        const char  *code);
gboolean  okn_ticket_parse_payload     (const char  *payload,
                                        OknTicketId *out_id,
                                        char       **out_code,
                                        GError     **error);

G_END_DECLS
