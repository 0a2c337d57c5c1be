/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-layout.h: what a printed ticket looks like
 *
 * Four layouts (two thermal receipts, an A4 confirmation of receipt, an
 * adhesive label) drawn with cairo and pango into a 1-bit raster, a PNG or
 * a PDF. What they show comes from a record and the configuration; nothing
 * city-specific lives in the code. Contract: docs/internals/ticket-layout.md
 */
#pragma once

#include <glib.h>

#include "okienko/okn-bitmap.h"
#include "okienko/okn-config.h"
#include "okienko/okn-labels.h"
#include "okienko/okn-record.h"

G_BEGIN_DECLS

#define OKN_LAYOUT_ERROR (okn_layout_error_quark ())

typedef enum
{
  OKN_LAYOUT_ERROR_INVALID,  /* a bad argument: resolution out of range, no ticket */
  OKN_LAYOUT_ERROR_RENDER,   /* cairo or the barcode encoder failed */
} OknLayoutError;

typedef enum
{
  OKN_LAYOUT_RECEIPT_80,
  OKN_LAYOUT_RECEIPT_58,
  OKN_LAYOUT_A4_CONFIRMATION,
  OKN_LAYOUT_LABEL,
} OknLayout;

/* Resolution of the thermal receipt printers: 576 dots on 80 mm paper,
 * 384 on 58 mm. */
#define OKN_LAYOUT_THERMAL_DPI       203.0
#define OKN_LAYOUT_RECEIPT_80_DOTS   576
#define OKN_LAYOUT_RECEIPT_58_DOTS   384
#define OKN_LAYOUT_MIN_DPI           72.0
#define OKN_LAYOUT_MAX_DPI           1200.0

typedef struct _OknTicketContent OknTicketContent;

/* What a screen shows of a ticket for the resident to read or photograph
 * (the desk after a save, the kiosk): the ticket's own words, in its
 * language. Borrowed from the content. */
typedef struct
{
  const char *heading;      /* "Ticket number" */
  const char *ticket;       /* K03-26-004217-Q */
  const char *code_label;   /* "Verification code:" */
  const char *code;         /* (nullable) */
  const char *title;        /* (nullable) the category's name or the letter's subject */
  const char *keep;         /* "Keep this ticket: …" */
  const char *qr_payload;   /* what the QR code carries, as printed */
} OknTicketScreenText;

GQuark            okn_layout_error_quark      (void);

gboolean          okn_layout_from_string      (const char *s,
                                               OknLayout  *out);
const char       *okn_layout_to_string        (OknLayout layout);
const char       *okn_layout_display_name     (OknLayout layout);
gboolean          okn_layout_is_receipt       (OknLayout layout);

OknTicketContent *okn_ticket_content_new      (const OknRecord *record,
                                               OknConfig       *config);
void              okn_ticket_content_free     (OknTicketContent *content);
const char       *okn_ticket_content_get_ticket       (const OknTicketContent *content);
const char       *okn_ticket_content_get_code         (const OknTicketContent *content);
const char       *okn_ticket_content_get_qr_payload   (const OknTicketContent *content);
const char       *okn_ticket_content_get_code128_data (const OknTicketContent *content,
                                                       OknLayout               layout);
void              okn_ticket_content_set_title        (OknTicketContent       *content,
                                                       const char             *title);
void              okn_ticket_content_set_language     (OknTicketContent       *content,
                                                       OknLanguage             language);
OknLanguage       okn_ticket_content_get_language     (const OknTicketContent *content);
void              okn_ticket_content_get_screen       (const OknTicketContent *content,
                                                       OknTicketScreenText    *out);

OknBitmap        *okn_layout_render_bitmap    (OknLayout               layout,
                                               const OknTicketContent *content,
                                               double                  dpi,
                                               GError                **error);
GBytes           *okn_layout_render_pdf       (OknLayout               layout,
                                               const OknTicketContent *content,
                                               GError                **error);
GBytes           *okn_layout_render_png       (OknLayout               layout,
                                               const OknTicketContent *content,
                                               double                  dpi,
                                               GError                **error);
void              okn_layout_page_size_mm     (OknLayout               layout,
                                               const OknTicketContent *content,
                                               double                 *width_mm,
                                               double                 *height_mm);
guint             okn_layout_unknown_glyphs   (OknLayout               layout,
                                               const OknTicketContent *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknTicketContent, okn_ticket_content_free)

G_END_DECLS
