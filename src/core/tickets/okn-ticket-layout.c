/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-ticket-layout.c: receipts, the A4 confirmation and the label, with cairo and
 * pango */
#define G_LOG_DOMAIN "okn-layout"

#include "config.h"

#include <math.h>
#include <string.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-barcode.h"
#include "okienko/okn-cairo.h"
#include "okienko/okn-labels.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-ticket-id.h"

G_DEFINE_QUARK (okn-layout-error-quark, okn_layout_error)

/* DejaVu Sans covers Polish, Ukrainian and English; pango falls back to
 * whatever "Sans" is when it is missing. */
#define FONT_FAMILY "DejaVu Sans, Sans"

#define MM_PER_INCH 25.4
#define PT_PER_MM   (72.0 / MM_PER_INCH)

/* The narrowest Code 128 module cheap scanners read reliably off thermal
 * paper, and the widest that is still worth its paper
 * (docs/internals/barcode.md). */
#define CODE128_MIN_MM 0.25
#define CODE128_MAX_MM 0.38

/* How tall a receipt may grow before the layout is considered broken. */
#define RECEIPT_MAX_MM 400.0

struct _OknTicketContent
{
  char *ticket;          /* K03-26-004217-Q */
  char *compact;         /* K0326004217Q */
  char *code;            /* (nullable) verification code */
  OknKind kind;
  char *when;            /* received (letters) or created, local, for people */
  char *station;
  char *title;           /* subject of a letter, category of a report */
  char *sender;          /* (nullable) NULL for an anonymous letter */
  char *reference;
  char *address;
  int pages;
  int attachments;
  OknDelivery delivery;
  char *office_name;
  char *office_address;
  char *hotline;
  char *status_url;      /* (nullable) the template filled in */
  char *qr_payload;
  OknLanguage language;  /* of the ticket's own words: office.ticket_language or the resident's */
  gboolean cancelled;    /* a reprint of a cancelled record: marked so on every layout */
  double label_w_mm;
  double label_h_mm;
};

static const struct
{
  OknLayout layout;
  const char *name;
  const char *display;
} layout_names[] = {
  { OKN_LAYOUT_RECEIPT_80, "receipt-80", N_("80 mm receipt") },
  { OKN_LAYOUT_RECEIPT_58, "receipt-58", N_("58 mm receipt") },
  { OKN_LAYOUT_A4_CONFIRMATION, "a4-confirmation", N_("A4 confirmation of receipt") },
  { OKN_LAYOUT_LABEL, "label", N_("label for the letter") },
};

/**
 * okn_layout_from_string:
 * @s: "receipt-80", "receipt-58", "a4-confirmation" or "label"
 * @out: (out): the layout
 *
 * Returns: %FALSE when @s names no layout
 */
gboolean
okn_layout_from_string (const char *s,
                        OknLayout  *out)
{
  for (guint i = 0; s && i < G_N_ELEMENTS (layout_names); i++)
    if (g_ascii_strcasecmp (s, layout_names[i].name) == 0)
      {
        *out = layout_names[i].layout;
        return TRUE;
      }
  return FALSE;
}

const char *
okn_layout_to_string (OknLayout layout)
{
  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    if (layout_names[i].layout == layout)
      return layout_names[i].name;
  g_return_val_if_reached (NULL);
}

/**
 * okn_layout_display_name:
 *
 * The layout as a clerk knows it, in the user's language ("80 mm
 * receipt"), for messages; okn_layout_to_string() is the name in the
 * configuration and on the command line.
 *
 * Returns: (transfer none): the translated name
 */
const char *
okn_layout_display_name (OknLayout layout)
{
  for (guint i = 0; i < G_N_ELEMENTS (layout_names); i++)
    if (layout_names[i].layout == layout)
      return _(layout_names[i].display);
  g_return_val_if_reached (NULL);
}

gboolean
okn_layout_is_receipt (OknLayout layout)
{
  return layout == OKN_LAYOUT_RECEIPT_80 || layout == OKN_LAYOUT_RECEIPT_58;
}

/* Content ---------------------------------------------------------------- */

static char *
config_text (OknConfig  *config,
             const char *key)
{
  g_autofree char *v = config ? okn_config_get_string (config, key) : NULL;

  if (v == NULL)
    return NULL;
  g_strstrip (v);
  return *v ? g_steal_pointer (&v) : NULL;
}

static char *
fill_template (const char *tmpl,
               const char *ticket,
               const char *code)
{
  g_autoptr (GString) s = g_string_new (tmpl);

  g_string_replace (s, "{ticket}", ticket, 0);
  g_string_replace (s, "{code}", code ? code : "", 0);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static char *
format_when (const char *iso)
{
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso == NULL)
    return g_strdup ("");
  dt = g_date_time_new_from_iso8601 (iso, NULL);
  if (dt == NULL)
    return g_strdup (iso);
  local = g_date_time_to_local (dt);
  /* Day, month, year: read alike in the three languages a ticket is
   * printed in. */
  return g_date_time_format (local, "%d.%m.%Y, %H:%M");
}

/**
 * okn_ticket_content_new:
 * @record: a stored record with `ticket` and `verification_code` filled
 *   (okn_store_lookup() does that)
 * @config: (nullable): office name, address, hotline, status page, label size
 *
 * Collects what a printed ticket shows, so that rendering needs neither the
 * record nor the configuration any more (and may run in a thread).
 *
 * Returns: (transfer full): the content
 */
OknTicketContent *
okn_ticket_content_new (const OknRecord *record,
                        OknConfig       *config)
{
  OknTicketContent *c = g_new0 (OknTicketContent, 1);
  g_autofree char *tmpl = NULL;
  OknTicketId id;

  g_return_val_if_fail (record != NULL && record->ticket != NULL, c);

  if (okn_ticket_id_parse (record->ticket, &id, NULL))
    {
      c->ticket = okn_ticket_id_format (&id);
      c->compact = okn_ticket_id_format_compact (&id);
    }
  else
    {
      c->ticket = g_strdup (record->ticket);
      c->compact = g_strdup (record->ticket);
    }
  c->code = g_strdup (record->verification_code);
  c->kind = record->kind;
  c->when = format_when (record->kind == OKN_KIND_LETTER && record->received_at
                           ? record->received_at : record->created_at);
  c->station = g_strdup (record->station ? record->station : "");
  c->title = g_strdup (okn_record_title (record));
  if (record->kind == OKN_KIND_LETTER)
    c->sender = record->anonymous ? NULL : g_strdup (record->sender_name);
  c->reference = g_strdup (record->reference);
  /* Where, for a report: its address, or the coordinates it was placed
   * by alone (a pin on the map, a phone's position). */
  if (record->address && *record->address)
    c->address = g_strdup (record->address);
  else
    c->address = okn_record_format_location (record);
  c->pages = record->pages;
  c->attachments = record->attachment_count;
  c->delivery = record->delivery;

  c->office_name = config_text (config, "office.name");
  c->office_address = config_text (config, "office.address");
  c->hotline = config_text (config, "office.hotline");
  tmpl = config_text (config, "office.status_url");
  if (tmpl)
    c->status_url = fill_template (tmpl, c->ticket, c->code);
  /* A template without both holes (a plain page address) or a record
   * without its code would put a QR on the ticket that identifies nothing
   * and never verifies: the page is still named in the help text, the QR
   * then carries OKN1:. */
  if (c->status_url && c->code && strstr (tmpl, "{ticket}") && strstr (tmpl, "{code}"))
    c->qr_payload = g_strdup (c->status_url);
  else
    c->qr_payload = okn_ticket_format_payload (c->ticket, c->code);

  c->language = OKN_LANGUAGE_PL;
  c->cancelled = record->sync_state == OKN_SYNC_CANCELLED;
  {
    g_autofree char *lang = config_text (config, "office.ticket_language");

    if (lang)
      okn_language_from_string (lang, &c->language);
  }
  c->label_w_mm = 70;
  c->label_h_mm = 36;
  if (config)
    {
      gint64 w = okn_config_get_int (config, "label.width_mm");
      gint64 h = okn_config_get_int (config, "label.height_mm");

      if (w > 0)
        c->label_w_mm = (double) w;
      if (h > 0)
        c->label_h_mm = (double) h;
    }
  return c;
}

void
okn_ticket_content_free (OknTicketContent *c)
{
  if (c == NULL)
    return;
  g_free (c->ticket);
  g_free (c->compact);
  g_free (c->code);
  g_free (c->when);
  g_free (c->station);
  g_free (c->title);
  g_free (c->sender);
  g_free (c->reference);
  g_free (c->address);
  g_free (c->office_name);
  g_free (c->office_address);
  g_free (c->hotline);
  g_free (c->status_url);
  g_free (c->qr_payload);
  g_free (c);
}

const char *
okn_ticket_content_get_ticket (const OknTicketContent *c)
{
  return c->ticket;
}

/**
 * okn_ticket_content_get_code:
 *
 * Returns: (nullable): the verification code printed on the ticket
 */
const char *
okn_ticket_content_get_code (const OknTicketContent *c)
{
  return c->code;
}

/**
 * okn_ticket_content_get_qr_payload:
 *
 * Returns: the status-page URL when one is configured, else
 *   `OKN1:<ticket>:<code>`
 */
const char *
okn_ticket_content_get_qr_payload (const OknTicketContent *c)
{
  return c->qr_payload;
}

/**
 * okn_ticket_content_get_screen:
 * @out: (out caller-allocates): the texts, borrowed from @content
 *
 * The ticket as a screen shows it to the resident (the desk after every
 * save, the kiosk): the same ID, code and QR payload as the printed
 * ticket, with the printed ticket's words in its language, so a photo of
 * the screen serves as the ticket when nothing printed.
 */
void
okn_ticket_content_get_screen (const OknTicketContent *c,
                               OknTicketScreenText    *out)
{
  out->heading = OKN_TRC (c->language, "ticket", "Ticket number");
  out->ticket = c->ticket;
  out->code_label = OKN_TRC (c->language, "ticket", "Verification code:");
  out->code = c->code;
  out->title = c->title;
  out->keep = OKN_TRC (c->language, "ticket",
                       "Keep this ticket: its number and verification code let you check the status of your case.");
  out->qr_payload = c->qr_payload;
}

/**
 * okn_ticket_content_get_code128_data:
 *
 * Returns: what the Code 128 of @layout carries: the compact ID on 58 mm
 *   paper (the hyphenated one does not fit at two dots a module), else the
 *   hyphenated ID
 */
const char *
okn_ticket_content_get_code128_data (const OknTicketContent *c,
                                     OknLayout               layout)
{
  return layout == OKN_LAYOUT_RECEIPT_58 ? c->compact : c->ticket;
}

/**
 * okn_ticket_content_set_title:
 * @content: the content
 * @title: what the ticket names the case by
 *
 * A report's record holds its category's code; a caller that knows the
 * category's name from the cached catalogue puts the name on the ticket.
 */
void
okn_ticket_content_set_title (OknTicketContent *c,
                              const char       *title)
{
  g_return_if_fail (title != NULL);
  g_free (c->title);
  c->title = g_strdup (title);
}

/**
 * okn_ticket_content_set_language:
 * @content: the content
 * @language: the language of the ticket's own words
 *
 * A ticket's words (headings, help, the delivery method) are in
 * `office.ticket_language` unless a caller, such as a kiosk serving a
 * resident in Ukrainian, asks for another. What the record holds is
 * printed as it was typed.
 */
void
okn_ticket_content_set_language (OknTicketContent *c,
                                 OknLanguage       language)
{
  c->language = language;
}

/**
 * okn_ticket_content_get_language:
 *
 * Returns: the language of the ticket's own words
 */
OknLanguage
okn_ticket_content_get_language (const OknTicketContent *c)
{
  return c->language;
}

/* Geometry --------------------------------------------------------------- */

/* Printable width of a receipt, in 203 dpi dots. */
static guint
receipt_dots (OknLayout layout)
{
  return layout == OKN_LAYOUT_RECEIPT_58 ? OKN_LAYOUT_RECEIPT_58_DOTS : OKN_LAYOUT_RECEIPT_80_DOTS;
}

static double
receipt_paper_mm (OknLayout layout)
{
  return layout == OKN_LAYOUT_RECEIPT_58 ? 58.0 : 80.0;
}

static double
receipt_printable_mm (OknLayout layout)
{
  return receipt_dots (layout) * MM_PER_INCH / OKN_LAYOUT_THERMAL_DPI;
}

static void
fixed_page_mm (OknLayout               layout,
               const OknTicketContent *c,
               double                 *w,
               double                 *h)
{
  if (layout == OKN_LAYOUT_A4_CONFIRMATION)
    {
      *w = 210;
      *h = 297;
    }
  else
    {
      *w = c->label_w_mm;
      *h = c->label_h_mm;
    }
}

/* Drawing ---------------------------------------------------------------- */

typedef struct
{
  cairo_t *cr;
  PangoLayout *pl;
  double ppmm;        /* device units per millimetre */
  gboolean raster;    /* device units are dots: barcodes on whole dots */
  gboolean thermal;   /* modules snap to 203 dpi dots even on vector output */
  double x0;          /* the content box */
  double w;
  double y;
  double hang;        /* the next paragraph's lines after the first start this far in */
  guint unknown;      /* glyphs the fonts could not show */
  GError *error;      /* the first failure */
} Pen;

static void
pen_init (Pen      *p,
          cairo_t  *cr,
          double    ppmm,
          gboolean  raster)
{
  cairo_font_options_t *opts = cairo_font_options_create ();

  memset (p, 0, sizeof *p);
  p->cr = cr;
  p->ppmm = ppmm;
  p->raster = raster;
  p->pl = pango_cairo_create_layout (cr);
  /* Metrics must not depend on the output: the receipt measured for the
   * PDF page is the receipt drawn into it. */
  cairo_font_options_set_hint_metrics (opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (opts, raster ? CAIRO_HINT_STYLE_SLIGHT : CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias (opts, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (pango_layout_get_context (p->pl), opts);
  pango_layout_context_changed (p->pl);
  cairo_font_options_destroy (opts);
  cairo_set_source_rgb (cr, 0, 0, 0);
}

static void
pen_clear (Pen *p)
{
  g_clear_object (&p->pl);
  g_clear_error (&p->error);
}

static double
mm (const Pen *p,
    double     v)
{
  return v * p->ppmm;
}

static void
pen_gap (Pen   *p,
         double gap_mm)
{
  p->y += mm (p, gap_mm);
}

static void
pen_set_font (Pen     *p,
              double   size_mm,
              gboolean bold)
{
  PangoFontDescription *fd = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (fd, mm (p, size_mm) * PANGO_SCALE);
  pango_font_description_set_weight (fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (p->pl, fd);
  pango_font_description_free (fd);
}

/* Lays out one paragraph at the cursor; markup when @markup is set.
 * @max_lines > 0 ellipsizes what would go beyond. */
static void
pen_paragraph (Pen           *p,
               double         x,
               double         width,
               const char    *text,
               gboolean       markup,
               double         size_mm,
               gboolean       bold,
               PangoAlignment align,
               int            max_lines)
{
  PangoRectangle logical;

  if (text == NULL || *text == '\0')
    return;
  pen_set_font (p, size_mm, bold);
  pango_layout_set_width (p->pl, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (p->pl, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (p->pl, align);
  pango_layout_set_ellipsize (p->pl, max_lines > 0 ? PANGO_ELLIPSIZE_END : PANGO_ELLIPSIZE_NONE);
  pango_layout_set_height (p->pl, max_lines > 0 ? -max_lines : -1);
  pango_layout_set_indent (p->pl, (int) (-p->hang * PANGO_SCALE));
  p->hang = 0;
  if (markup)
    pango_layout_set_markup (p->pl, text, -1);
  else
    {
      pango_layout_set_attributes (p->pl, NULL);
      pango_layout_set_text (p->pl, text, -1);
    }
  p->unknown += (guint) pango_layout_get_unknown_glyphs_count (p->pl);
  pango_layout_get_extents (p->pl, NULL, &logical);
  cairo_move_to (p->cr, x, p->y);
  pango_cairo_show_layout (p->cr, p->pl);
  p->y += (double) logical.height / PANGO_SCALE;
}

static void
pen_text (Pen           *p,
          const char    *text,
          double         size_mm,
          gboolean       bold,
          PangoAlignment align,
          int            max_lines)
{
  pen_paragraph (p, p->x0, p->w, text, FALSE, size_mm, bold, align, max_lines);
}

static void
pen_markup (Pen           *p,
            const char    *markup,
            double         size_mm,
            PangoAlignment align)
{
  pen_paragraph (p, p->x0, p->w, markup, TRUE, size_mm, FALSE, align, 0);
}

/* One line, centred, as large as @size_mm allows within the box: the ticket
 * ID must never wrap. */
static void
pen_text_fit (Pen        *p,
              const char *text,
              double      size_mm,
              gboolean    bold)
{
  PangoRectangle logical;

  pen_set_font (p, size_mm, bold);
  pango_layout_set_attributes (p->pl, NULL);
  pango_layout_set_width (p->pl, -1);
  pango_layout_set_height (p->pl, -1);
  pango_layout_set_ellipsize (p->pl, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_indent (p->pl, 0);
  pango_layout_set_text (p->pl, text, -1);
  /* Glyph positions are rounded to whole device units, so the width does
   * not shrink in proportion to the size: on a small label one scaling
   * left the ID a few dots too wide, and pango cut it off with "…". */
  for (int i = 0; i < 8; i++)
    {
      pango_layout_get_extents (p->pl, NULL, &logical);
      if (logical.width <= p->w * PANGO_SCALE)
        break;
      size_mm *= p->w * PANGO_SCALE / logical.width * 0.98;
      pen_set_font (p, size_mm, bold);
    }
  pen_paragraph (p, p->x0, p->w, text, FALSE, size_mm, bold, PANGO_ALIGN_CENTER, 1);
}

/* A label in the left column, its value wrapped in the right one. */
static void
pen_field (Pen        *p,
           const char *label,
           const char *value,
           double      size_mm,
           double      label_mm)
{
  double top = p->y, after_label, lw = mm (p, label_mm);

  if (value == NULL || *value == '\0')
    return;
  pen_paragraph (p, p->x0, lw - mm (p, 2), label, FALSE, size_mm, FALSE, PANGO_ALIGN_LEFT, 0);
  after_label = p->y;
  p->y = top;
  pen_paragraph (p, p->x0 + lw, p->w - lw, value, FALSE, size_mm, TRUE, PANGO_ALIGN_LEFT, 4);
  p->y = MAX (p->y, after_label) + mm (p, size_mm * 0.45);
}

static void
pen_rule (Pen   *p,
          double x,
          double width,
          double thick_mm)
{
  double t = mm (p, thick_mm);

  if (p->raster)
    {
      t = MAX (1, round (t));
      cairo_rectangle (p->cr, round (x), round (p->y), round (width), t);
    }
  else
    cairo_rectangle (p->cr, x, p->y, width, t);
  cairo_fill (p->cr);
  p->y += t;
}

/* The module size in device units for @total modules across the box, or 0
 * when even @min_mm does not fit. Rasters get whole dots; thermal layouts
 * get whole 203 dpi dots on vector output too, so a PDF printed on a
 * receipt printer lands its bars on dots. */
static double
pen_module (const Pen *p,
            guint      total,
            double     min_mm,
            double     max_mm)
{
  double fit = p->w / total;
  double m = MIN (fit, mm (p, max_mm));

  if (p->raster)
    {
      m = floor (m + 1e-6);
      if (m < MAX (1, round (mm (p, min_mm))))
        return 0;
      return m;
    }
  if (p->thermal)
    {
      double dot = mm (p, MM_PER_INCH / OKN_LAYOUT_THERMAL_DPI);

      m = floor (m / dot + 1e-6) * dot;
    }
  return m >= mm (p, min_mm) - 1e-6 ? m : 0;
}

static OknBarcode *
pen_encode (Pen           *p,
            OknBarcodeType type,
            const char    *data)
{
  OknBarcode *bc;

  if (p->error)
    return NULL;
  bc = okn_barcode_encode (type, data, &p->error);
  return bc;
}

static void
pen_code128 (Pen        *p,
             const char *data,
             double      height_mm)
{
  g_autoptr (OknBarcode) bc = pen_encode (p, OKN_BARCODE_CODE128, data);
  guint total;
  double m, x, h;

  if (bc == NULL)
    return;
  total = okn_barcode_total_width (bc);
  m = pen_module (p, total, CODE128_MIN_MM, CODE128_MAX_MM);
  /* Below the reliable minimum the symbol still goes out as narrow as the
   * space allows: a hard-to-read code beats none. */
  if (m == 0)
    m = p->raster ? MAX (1, floor (p->w / total)) : p->w / total;
  /* Not even one dot a module: the bars would be cut off at the edge and
   * the ticket would print "fine" and never scan. */
  if (p->raster && bc->width * m > p->w + 1e-6)
    {
      g_set_error (&p->error, OKN_BARCODE_ERROR, OKN_BARCODE_ERROR_TOO_WIDE,
                   _("The barcode of ticket %s does not fit: it needs %u dots across and the "
                     "ticket has %u. Use a wider label (label.width_mm) or a higher resolution."),
                   data, bc->width, (guint) p->w);
      return;
    }
  x = p->x0 + (p->w - total * m) / 2 + bc->quiet * m;
  h = mm (p, height_mm);
  if (p->raster)
    {
      x = round (x);
      p->y = round (p->y);
      h = round (h);
    }
  okn_barcode_draw (bc, p->cr, x, p->y, m, h);
  p->y += h;
}

/* A QR code of about @size_mm including its quiet zone, its left edge at
 * @x (or centred when @x < 0). */
static void
pen_qr (Pen        *p,
        const char *data,
        double      x,
        double      size_mm)
{
  g_autoptr (OknBarcode) bc = pen_encode (p, OKN_BARCODE_QR, data);
  guint total;
  double m;

  if (bc == NULL)
    return;
  total = okn_barcode_total_width (bc);
  m = MIN (mm (p, size_mm), p->w) / total;
  if (p->raster)
    m = MAX (1, floor (m));
  if (x < 0)
    x = p->x0 + (p->w - total * m) / 2;
  x += bc->quiet * m;
  if (p->raster)
    {
      x = round (x);
      p->y = round (p->y);
    }
  okn_barcode_draw (bc, p->cr, x, p->y + bc->quiet * m, m, 0);
  p->y += total * m;
}

/* One item of a list: the lines after the first start under its text,
 * not under the bullet. */
static void
pen_bullet (Pen        *p,
            const char *text,
            double      size_mm)
{
  PangoRectangle logical;

  pen_set_font (p, size_mm, FALSE);
  pango_layout_set_attributes (p->pl, NULL);
  pango_layout_set_indent (p->pl, 0);
  pango_layout_set_width (p->pl, -1);
  pango_layout_set_text (p->pl, "• ", -1);
  pango_layout_get_extents (p->pl, NULL, &logical);
  p->hang = (double) logical.width / PANGO_SCALE;
  pen_text (p, text, size_mm, FALSE, PANGO_ALIGN_LEFT, 0);
}

/* Any of the items may be missing (no status page, no hotline), so none
 * ends in a comma or a full stop. */
static void
draw_status_help (Pen                    *p,
                  const OknTicketContent *c,
                  gboolean                page,
                  double                  size_mm)
{
  g_autofree char *url = NULL;
  g_autofree char *phone = NULL;

  pen_text (p, OKN_TRC (c->language, "ticket", "How to check the status of your case:"), size_mm, TRUE, PANGO_ALIGN_LEFT, 0);
  pen_gap (p, size_mm * 0.2);
  /* The A4 confirmation is no "bilet": it is the paper the resident keeps. */
  pen_bullet (p, page ? OKN_TRC (c->language, "ticket", "• scan the code on this confirmation at the kiosk in the office")
                      : OKN_TRC (c->language, "ticket", "• scan this ticket at the kiosk in the office"),
              size_mm);
  if (c->status_url)
    {
      url = g_strdup_printf (OKN_TRC (c->language, "ticket", "• scan the QR code with a phone or open %s"), c->status_url);
      pen_bullet (p, url, size_mm);
    }
  if (c->hotline)
    {
      phone = g_strdup_printf (OKN_TRC (c->language, "ticket", "• call %s and give the ticket number"), c->hotline);
      pen_bullet (p, phone, size_mm);
    }
}

static void
draw_code_line (Pen                    *p,
                const OknTicketContent *c,
                double                  size_mm)
{
  g_autofree char *markup = NULL;

  if (c->code == NULL)
    return;
  markup = g_markup_printf_escaped ("%s <b>%s</b>", OKN_TRC (c->language, "ticket", "Verification code:"), c->code);
  pen_markup (p, markup, size_mm, PANGO_ALIGN_CENTER);
}

/* A cancelled record reprints, but never as a valid one: the mark sits under
 * the ID in the ticket's language and, for a foreign one, in the office's
 * Polish too ("CANCELLED / ANULOWANE"). */
static void
draw_cancelled (Pen                    *p,
                const OknTicketContent *c,
                double                  size_mm)
{
  g_autofree char *mark = NULL;

  if (!c->cancelled)
    return;
  if (c->language == OKN_LANGUAGE_PL)
    mark = g_strdup (OKN_TRC (OKN_LANGUAGE_PL, "ticket", "CANCELLED"));
  else
    mark = g_strdup_printf ("%s / %s", OKN_TRC (c->language, "ticket", "CANCELLED"),
                            OKN_TRC (OKN_LANGUAGE_PL, "ticket", "CANCELLED"));
  pen_text_fit (p, mark, size_mm, TRUE);
}

/* A thermal receipt: everything in one column, the ID as large as the paper
 * allows. */
static void
draw_receipt (Pen                    *p,
              OknLayout               layout,
              const OknTicketContent *c)
{
  gboolean narrow = layout == OKN_LAYOUT_RECEIPT_58;
  double s = narrow ? 0.85 : 1.0;
  g_autofree char *when = NULL;

  p->thermal = TRUE;
  pen_gap (p, 2);
  if (c->office_name)
    {
      pen_text (p, c->office_name, 3.6 * s, TRUE, PANGO_ALIGN_CENTER, 3);
      pen_gap (p, 0.5);
    }
  pen_text (p, c->office_address, 2.6 * s, FALSE, PANGO_ALIGN_CENTER, 3);
  pen_gap (p, 1.5);
  pen_rule (p, p->x0, p->w, 0.25);
  pen_gap (p, 2);
  pen_text (p, OKN_TRC (c->language, "ticket", "Ticket number"), 3.2 * s, FALSE, PANGO_ALIGN_CENTER, 0);
  pen_text_fit (p, c->ticket, narrow ? 6.5 : 8.0, TRUE);
  draw_cancelled (p, c, narrow ? 5.0 : 6.0);
  pen_gap (p, 1);
  draw_code_line (p, c, 3.6 * s);
  pen_gap (p, 1.5);
  when = g_strdup_printf (OKN_TRC (c->language, "ticket", "%s · desk %s"), c->when, c->station);
  pen_text (p, when, 2.8 * s, FALSE, PANGO_ALIGN_CENTER, 0);
  pen_text (p, c->title, 2.8 * s, FALSE, PANGO_ALIGN_CENTER, 3);
  pen_gap (p, 3);
  pen_code128 (p, okn_ticket_content_get_code128_data (c, layout), narrow ? 10 : 12);
  pen_gap (p, 2);
  pen_qr (p, c->qr_payload, -1, narrow ? 27 : 30);
  pen_gap (p, 1);
  draw_status_help (p, c, FALSE, 2.6 * s);
  pen_gap (p, 1.5);
  pen_text (p, OKN_TRC (c->language, "ticket", "Keep this ticket: its number and verification code let you check the status of your case."),
            2.4 * s, FALSE, PANGO_ALIGN_CENTER, 0);
  /* Room for the cutter: the blade sits a few millimetres above the head. */
  pen_gap (p, 5);
}

/* The label's QR code: the ID again, in a symbol a scanner finds at any
 * angle and through a stain across the bars. Version 1 (21 modules) holds
 * the hyphenated ID in alphanumeric mode; about 0.5 mm a module keeps it
 * at 2.5 pixels or more on a 150 dpi copy of a scanned page. */
#define LABEL_QR_MM 11.0

/* Text beside the label's QR code needs at least this much width. */
#define LABEL_TEXT_MIN_MM 38.0

/* Draws a QR code with its top right module at (@right, @top) and its
 * quiet zone outside that, in the label's margins; returns where its
 * quiet zone begins on the left, or -1 when it was not drawn. */
static double
pen_qr_top_right (Pen        *p,
                  const char *data,
                  double      right,
                  double      top,
                  double      symbol_mm)
{
  g_autoptr (OknBarcode) bc = pen_encode (p, OKN_BARCODE_QR, data);
  double m, x;

  if (bc == NULL)
    return -1;
  m = mm (p, symbol_mm) / bc->width;
  if (p->raster)
    {
      m = MAX (1, floor (m));
      right = round (right);
      top = round (top);
    }
  x = right - bc->width * m;
  okn_barcode_draw (bc, p->cr, x, top, m, 0);
  return x - bc->quiet * m;
}

static void
draw_label (Pen                    *p,
            const OknTicketContent *c,
            double                  page_h)
{
  g_autofree char *when = NULL;
  double left, bar_mm, top = p->y, text_bottom, qr_bottom = top, saved_w = p->w;

  /* The QR code in the top right corner when the text still fits beside
   * it; a narrow label keeps the Code 128 alone. */
  if (p->w - mm (p, LABEL_QR_MM + 2 + LABEL_TEXT_MIN_MM) >= 0)
    {
      double qr_left = pen_qr_top_right (p, c->ticket, p->x0 + p->w, top, LABEL_QR_MM);

      if (qr_left > 0)
        {
          p->w = qr_left - p->x0;
          qr_bottom = top + mm (p, LABEL_QR_MM);
        }
    }
  if (c->office_name)
    pen_text (p, c->office_name, 2.3, TRUE, PANGO_ALIGN_CENTER, 1);
  pen_text_fit (p, c->ticket, 5.5, TRUE);
  draw_cancelled (p, c, 3.5);
  when = g_strdup_printf (OKN_TRC (c->language, "ticket", "Received: %s · %s"), c->when, c->station);
  /* The date received is what the label is for: smaller, never cut. */
  pen_text_fit (p, when, 2.5, FALSE);
  text_bottom = p->y;
  p->w = saved_w;
  p->y = MAX (text_bottom, qr_bottom);
  pen_gap (p, 1);
  /* The bars take what the text left, within what a scanner needs. */
  left = (page_h - p->y) / p->ppmm - 2.5;
  bar_mm = CLAMP (left, 5, 20);
  pen_code128 (p, okn_ticket_content_get_code128_data (c, OKN_LAYOUT_LABEL), bar_mm);
}

static void
draw_a4 (Pen                    *p,
         const OknTicketContent *c,
         double                  page_h)
{
  const double field = 4.2, label_col = 62;
  g_autofree char *pages = NULL;
  g_autofree char *attachments = NULL;
  double qr_top, sig_y, sig_w;

  pen_text (p, c->office_name, 5, TRUE, PANGO_ALIGN_LEFT, 2);
  pen_text (p, c->office_address, 3.5, FALSE, PANGO_ALIGN_LEFT, 4);
  pen_gap (p, 12);
  pen_text (p, c->kind == OKN_KIND_LETTER ? OKN_TRC (c->language, "ticket", "Confirmation of receipt of a letter")
                                          : OKN_TRC (c->language, "ticket", "Confirmation of receipt of a report"),
            7, TRUE, PANGO_ALIGN_CENTER, 0);
  pen_gap (p, 8);
  pen_text (p, OKN_TRC (c->language, "ticket", "Ticket number"), 4, FALSE, PANGO_ALIGN_CENTER, 0);
  pen_text_fit (p, c->ticket, 11, TRUE);
  draw_cancelled (p, c, 9);
  pen_gap (p, 1);
  draw_code_line (p, c, 5);
  pen_gap (p, 10);

  pen_field (p, c->kind == OKN_KIND_LETTER ? OKN_TRC (c->language, "ticket", "Date and time received")
                                           : OKN_TRC (c->language, "ticket", "Date and time reported"),
             c->when, field, label_col);
  pen_field (p, OKN_TRC (c->language, "ticket", "Desk"), c->station, field, label_col);
  if (c->kind == OKN_KIND_LETTER)
    {
      pen_field (p, OKN_TRC (c->language, "ticket", "Sender"),
                 c->sender ? c->sender : OKN_TRC (c->language, "ticket", "(anonymous letter)"), field,
                 label_col);
      pen_field (p, OKN_TRC (c->language, "ticket", "Letter reference"), c->reference, field, label_col);
      pen_field (p, OKN_TRC (c->language, "ticket", "Subject"), c->title, field, label_col);
      pages = g_strdup_printf ("%d", c->pages);
      attachments = g_strdup_printf ("%d", c->attachments);
      pen_field (p, OKN_TRC (c->language, "ticket", "Pages"), pages, field, label_col);
      pen_field (p, OKN_TRC (c->language, "ticket", "Attachments"), attachments, field, label_col);
      pen_field (p, OKN_TRC (c->language, "ticket", "Delivery"), okn_labels_delivery (c->language, c->delivery), field, label_col);
    }
  else
    {
      pen_field (p, OKN_TRC (c->language, "ticket", "Category"), c->title, field, label_col);
      pen_field (p, OKN_TRC (c->language, "ticket", "Place"), c->address, field, label_col);
    }
  pen_gap (p, 8);
  pen_code128 (p, okn_ticket_content_get_code128_data (c, OKN_LAYOUT_A4_CONFIRMATION), 15);
  pen_gap (p, 8);

  /* The QR code on the left, how to ask about the case on its right. */
  qr_top = p->y;
  pen_qr (p, c->qr_payload, p->x0, 32);
  {
    double after_qr = p->y, saved_x0 = p->x0, saved_w = p->w;

    p->y = qr_top + mm (p, 3);
    p->x0 += mm (p, 38);
    p->w -= mm (p, 38);
    draw_status_help (p, c, TRUE, 3.6);
    p->x0 = saved_x0;
    p->w = saved_w;
    p->y = MAX (p->y, after_qr);
  }

  /* The clerk signs at the foot of the page, or below the content when a
   * long subject pushed it that far. */
  sig_y = MAX (p->y + mm (p, 15), page_h - mm (p, 45));
  sig_w = mm (p, 75);
  p->y = sig_y;
  pen_rule (p, p->x0 + p->w - sig_w, sig_w, 0.2);
  pen_gap (p, 1);
  pen_paragraph (p, p->x0 + p->w - sig_w, sig_w, OKN_TRC (c->language, "ticket", "signature of the receiving clerk"),
                 FALSE, 3, FALSE, PANGO_ALIGN_CENTER, 0);
}

/* Draws @layout with the content box already set; returns the height used
 * in device units and sets @error on failure. */
static double
draw_layout (Pen                    *p,
             OknLayout               layout,
             const OknTicketContent *c,
             double                  page_h)
{
  switch (layout)
    {
    case OKN_LAYOUT_RECEIPT_80:
    case OKN_LAYOUT_RECEIPT_58:
      draw_receipt (p, layout, c);
      break;
    case OKN_LAYOUT_A4_CONFIRMATION:
      draw_a4 (p, c, page_h);
      break;
    case OKN_LAYOUT_LABEL:
    default:
      draw_label (p, c, page_h);
      break;
    }
  return p->y;
}

/* Margins: receipts use the whole printable width (the printer has its own
 * margins), the label a few millimetres, the A4 page 20 mm. */
static void
content_box_mm (OknLayout               layout,
                const OknTicketContent *c,
                double                 *left,
                double                 *top,
                double                 *width)
{
  double w, h;

  if (okn_layout_is_receipt (layout))
    {
      *left = 1;
      *top = 0;
      *width = receipt_printable_mm (layout) - 2;
      return;
    }
  fixed_page_mm (layout, c, &w, &h);
  if (layout == OKN_LAYOUT_A4_CONFIRMATION)
    {
      *left = 20;
      *top = 18;
    }
  else
    {
      *left = 2.5;
      *top = 2;
    }
  *width = w - 2 * *left;
}

/* Runs the drawing on @cr; @ox is where the printable area starts on the
 * page (the receipt's side margin on PDF). */
static double
run_layout (cairo_t                *cr,
            OknLayout               layout,
            const OknTicketContent *c,
            double                  ppmm,
            gboolean                raster,
            double                  ox,
            double                  page_h,
            guint                  *unknown,
            GError                **error)
{
  Pen p;
  double left, top, width, used;

  content_box_mm (layout, c, &left, &top, &width);
  pen_init (&p, cr, ppmm, raster);
  p.x0 = ox + left * ppmm;
  p.w = width * ppmm;
  p.y = top * ppmm;
  used = draw_layout (&p, layout, c, page_h);
  if (unknown)
    *unknown = p.unknown;
  if (p.error)
    {
      g_propagate_error (error, g_steal_pointer (&p.error));
      used = -1;
    }
  else if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_RENDER,
                   _("Cannot draw the ticket: %s"), cairo_status_to_string (cairo_status (cr)));
      used = -1;
    }
  pen_clear (&p);
  return used;
}

/* Measures a receipt's height in millimetres on a recording surface. */
static double
receipt_height_mm (OknLayout               layout,
                   const OknTicketContent *c,
                   GError                **error)
{
  cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create (rec);
  /* In points, as the PDF is drawn, so the page fits what is drawn on it. */
  double used = run_layout (cr, layout, c, PT_PER_MM, FALSE, 0, 0, NULL, error);

  cairo_destroy (cr);
  cairo_surface_destroy (rec);
  return used < 0 ? -1 : ceil (used / PT_PER_MM);
}

void
okn_layout_page_size_mm (OknLayout               layout,
                         const OknTicketContent *c,
                         double                 *width_mm,
                         double                 *height_mm)
{
  double w, h;

  if (okn_layout_is_receipt (layout))
    {
      w = receipt_paper_mm (layout);
      h = receipt_height_mm (layout, c, NULL);
      if (h < 0)
        h = 100;
    }
  else
    fixed_page_mm (layout, c, &w, &h);
  if (width_mm)
    *width_mm = w;
  if (height_mm)
    *height_mm = h;
}

/**
 * okn_layout_unknown_glyphs:
 *
 * Returns: how many characters of the ticket the installed fonts cannot
 *   show (drawn as boxes); 0 for a ticket that prints correctly
 */
guint
okn_layout_unknown_glyphs (OknLayout               layout,
                           const OknTicketContent *c)
{
  cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_ALPHA, NULL);
  cairo_t *cr = cairo_create (rec);
  guint unknown = 0;
  double w, h;

  okn_layout_page_size_mm (layout, c, &w, &h);
  run_layout (cr, layout, c, PT_PER_MM, FALSE, 0, h * PT_PER_MM, &unknown, NULL);
  cairo_destroy (cr);
  cairo_surface_destroy (rec);
  return unknown;
}

static gboolean
check_dpi (double   dpi,
           GError **error)
{
  if (!(dpi >= OKN_LAYOUT_MIN_DPI && dpi <= OKN_LAYOUT_MAX_DPI))
    {
      g_set_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_INVALID,
                   _("The resolution %.0f dpi is out of range (%.0f to %.0f)."),
                   dpi, OKN_LAYOUT_MIN_DPI, OKN_LAYOUT_MAX_DPI);
      return FALSE;
    }
  return TRUE;
}

/* Renders into an A8 surface (alpha = ink) of the layout's exact size at
 * @dpi: receipts as tall as their content, pages and labels fixed. */
static cairo_surface_t *
render_alpha (OknLayout               layout,
              const OknTicketContent *c,
              double                  dpi,
              GError                **error)
{
  double ppmm = dpi / MM_PER_INCH;
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  int width, height;
  double used;

  if (!check_dpi (dpi, error))
    return NULL;

  if (okn_layout_is_receipt (layout))
    {
      /* Whole dots at the printer's resolution: 576 or 384 at 203 dpi. */
      width = (int) round (receipt_dots (layout) * dpi / OKN_LAYOUT_THERMAL_DPI);
      height = (int) ceil (RECEIPT_MAX_MM * ppmm);
    }
  else
    {
      double w, h;

      fixed_page_mm (layout, c, &w, &h);
      width = (int) round (w * ppmm);
      height = (int) round (h * ppmm);
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_A8, width, height);
  cr = cairo_create (surface);
  used = run_layout (cr, layout, c, ppmm, TRUE, 0, height, NULL, error);
  cairo_destroy (cr);
  if (used < 0)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }

  if (okn_layout_is_receipt (layout) && used > height)
    {
      /* Only absurd configured texts get here; a receipt without its end
       * (the QR, the help) must not go out as if it were whole. */
      g_set_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_RENDER,
                   _("The ticket would be longer than %.0f mm: shorten the office texts "
                     "(office.name, office.address, office.hotline, office.status_url)."),
                   RECEIPT_MAX_MM);
      cairo_surface_destroy (surface);
      return NULL;
    }
  if (okn_layout_is_receipt (layout))
    {
      /* Keep the rows the receipt used, no more paper than that. */
      int h = MIN ((int) ceil (used), height);
      cairo_surface_t *cut = cairo_image_surface_create (CAIRO_FORMAT_A8, width, h);
      int stride = cairo_image_surface_get_stride (surface);

      cairo_surface_flush (surface);
      g_assert (stride == cairo_image_surface_get_stride (cut));
      memcpy (cairo_image_surface_get_data (cut), cairo_image_surface_get_data (surface),
              (gsize) stride * h);
      cairo_surface_mark_dirty (cut);
      cairo_surface_destroy (surface);
      surface = cut;
    }
  cairo_surface_flush (surface);
  return surface;
}

/**
 * okn_layout_render_bitmap:
 * @layout: which layout
 * @content: what the ticket shows
 * @dpi: dots per inch; receipts are 576 (80 mm) or 384 (58 mm) dots wide at
 *   203 dpi
 * @error: return location for an error
 *
 * Renders the ticket into a 1-bit raster (text thresholded at half ink),
 * every barcode module a whole number of dots.
 *
 * Returns: (transfer full) (nullable): the raster
 */
OknBitmap *
okn_layout_render_bitmap (OknLayout               layout,
                          const OknTicketContent *content,
                          double                  dpi,
                          GError                **error)
{
  cairo_surface_t *surface = render_alpha (layout, content, dpi, error);
  OknBitmap *bitmap;
  const guint8 *data;
  int w, h, stride;

  if (surface == NULL)
    return NULL;
  w = cairo_image_surface_get_width (surface);
  h = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  bitmap = okn_bitmap_new ((guint) w, (guint) h);
  for (int y = 0; y < h; y++)
    {
      const guint8 *src = data + (gsize) y * stride;
      guint8 *dst = bitmap->bits + (gsize) y * bitmap->stride;

      for (int x = 0; x < w; x++)
        if (src[x] >= 128)
          dst[x >> 3] |= (guint8) (0x80 >> (x & 7));
    }
  cairo_surface_destroy (surface);
  return bitmap;
}

/**
 * okn_layout_render_png:
 * @layout: which layout
 * @content: what the ticket shows
 * @dpi: resolution of the image
 * @error: return location for an error
 *
 * Renders the ticket as an 8-bit grayscale PNG (antialiased text, barcode
 * modules on whole pixels).
 *
 * Returns: (transfer full) (nullable): the PNG file's bytes
 */
GBytes *
okn_layout_render_png (OknLayout               layout,
                       const OknTicketContent *content,
                       double                  dpi,
                       GError                **error)
{
  cairo_surface_t *surface = render_alpha (layout, content, dpi, error);
  GBytes *png;
  cairo_status_t status;
  guint8 *data;
  int h, stride;

  if (surface == NULL)
    return NULL;
  /* cairo writes an A8 surface as a gray PNG of its alpha: turn ink into
   * black on white. */
  h = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  data = cairo_image_surface_get_data (surface);
  for (gsize i = 0; i < (gsize) stride * h; i++)
    data[i] = (guint8) (255 - data[i]);
  cairo_surface_mark_dirty (surface);

  png = okn_cairo_png_bytes (surface, &status);
  cairo_surface_destroy (surface);
  if (png == NULL)
    g_set_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_RENDER,
                 _("Cannot write the ticket as PNG: %s"), cairo_status_to_string (status));
  return png;
}

/**
 * okn_layout_render_pdf:
 * @layout: which layout
 * @content: what the ticket shows
 * @error: return location for an error
 *
 * Renders the ticket as a one-page PDF with vector text and barcodes. The
 * page is the paper: 80 or 58 mm wide and as tall as the receipt, A4, or the
 * configured label size.
 *
 * Returns: (transfer full) (nullable): the PDF file's bytes
 */
GBytes *
okn_layout_render_pdf (OknLayout               layout,
                       const OknTicketContent *content,
                       GError                **error)
{
  cairo_surface_t *surface = NULL;
  cairo_t *cr = NULL;
  cairo_status_t status;
  double w_mm, h_mm, ox = 0;
  GBytes *result = NULL;

  if (okn_layout_is_receipt (layout))
    {
      w_mm = receipt_paper_mm (layout);
      h_mm = receipt_height_mm (layout, content, error);
      if (h_mm < 0)
        goto out;
      /* The printable width centred on the paper, as the printer has it. */
      ox = (w_mm - receipt_printable_mm (layout)) / 2 * PT_PER_MM;
    }
  else
    fixed_page_mm (layout, content, &w_mm, &h_mm);

  surface = okn_cairo_pdf_new (w_mm * PT_PER_MM, h_mm * PT_PER_MM);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, content->ticket);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, PACKAGE_NAME " " PACKAGE_VERSION);
  cr = cairo_create (surface);
  if (run_layout (cr, layout, content, PT_PER_MM, FALSE, ox, h_mm * PT_PER_MM, NULL, error) < 0)
    goto out;
  cairo_show_page (cr);
  cairo_destroy (g_steal_pointer (&cr));
  result = okn_cairo_pdf_finish (surface, &status);
  if (result == NULL)
    g_set_error (error, OKN_LAYOUT_ERROR, OKN_LAYOUT_ERROR_RENDER,
                 _("Cannot write the ticket as PDF: %s"), cairo_status_to_string (status));

out:
  if (cr)
    cairo_destroy (cr);
  if (surface)
    cairo_surface_destroy (surface);
  return result;
}
