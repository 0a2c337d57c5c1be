/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-day-register.c: the daily register of incoming letters (CSV, PDF) */
#define G_LOG_DOMAIN "okn-register"

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

#include "okienko/okn-cairo.h"
#include "okienko/okn-file.h"
#include "okienko/okn-day-register.h"

G_DEFINE_QUARK (okn-register-error-quark, okn_register_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_t, cairo_destroy)

/**
 * okn_delivery_label:
 *
 * Returns: the delivery method as a clerk reads it (translated)
 */
const char *
okn_delivery_label (OknDelivery delivery)
{
  switch (delivery)
    {
    case OKN_DELIVERY_IN_PERSON:
      return _("In person");
    case OKN_DELIVERY_POST:
      return _("Post");
    case OKN_DELIVERY_COURIER:
      return _("Courier");
    case OKN_DELIVERY_EMAIL:
      return _("E-mail");
    case OKN_DELIVERY_EPUAP:
      return _("ePUAP");
    case OKN_DELIVERY_OTHER:
    default:
      return _("Other");
    }
}

/**
 * okn_format_date_pl:
 * @iso8601: (nullable): a date (YYYY-MM-DD) or a date and time with zone
 * @with_time: add the local hour and minute
 *
 * Returns: (transfer full): the Polish form, "29.11.2026" or
 *   "29.11.2026 10:15"; "" for %NULL; the input itself when unreadable
 */
char *
okn_format_date_pl (const char *iso8601,
                    gboolean    with_time)
{
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) dt = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (iso8601 == NULL)
    return g_strdup ("");
  tz = g_time_zone_new_local ();
  dt = g_date_time_new_from_iso8601 (iso8601, tz);
  if (dt == NULL && strlen (iso8601) == 10)
    {
      g_autofree char *full = g_strconcat (iso8601, "T00:00:00", NULL);

      dt = g_date_time_new_from_iso8601 (full, tz);
      with_time = FALSE;
    }
  if (dt == NULL)
    return g_strdup (iso8601);
  local = g_date_time_to_local (dt);
  return g_date_time_format (local, with_time ? "%d.%m.%Y %H:%M" : "%d.%m.%Y");
}

static int
compare_received (gconstpointer a,
                  gconstpointer b)
{
  const OknRecord *x = *(OknRecord *const *) a;
  const OknRecord *y = *(OknRecord *const *) b;
  g_autoptr (GDateTime) dx = g_date_time_new_from_iso8601 (x->received_at, NULL);
  g_autoptr (GDateTime) dy = g_date_time_new_from_iso8601 (y->received_at, NULL);
  int c = 0;

  if (dx && dy)
    c = g_date_time_compare (dx, dy);
  if (c == 0)
    c = g_strcmp0 (x->ticket, y->ticket);
  return c;
}

/**
 * okn_register_day:
 * @day: the local calendar day
 *
 * The letters *received* on @day (the received date a clerk may set back,
 * not the moment of registration), cancelled ones included (the register
 * shows them struck out), oldest first.
 *
 * Returns: (transfer full) (element-type OknRecord): the letters
 */
GPtrArray *
okn_register_day (OknStore     *store,
                  const GDate  *day,
                  GError      **error)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_local ();
  g_autoptr (GDateTime) start = NULL;
  g_autoptr (GDateTime) end = NULL;
  GPtrArray *out;
  OknListFilter filter = { 0 };

  g_return_val_if_fail (g_date_valid (day), NULL);

  start = g_date_time_new (tz, g_date_get_year (day), g_date_get_month (day),
                           g_date_get_day (day), 0, 0, 0);
  end = g_date_time_add_days (start, 1);
  filter.has_kind = TRUE;
  filter.kind = OKN_KIND_LETTER;
  filter.received_since = start;
  filter.received_until = end;
  /* Not bounded by the moment of registration: a correction may move the
   * date received past it (a station whose clock was slow), and such a
   * letter would then be on no day's register. The partial index on
   * received_us narrows the search by itself. */
  out = okn_store_list (store, &filter, error);
  if (out == NULL)
    return NULL;
  g_ptr_array_sort (out, compare_received);
  return out;
}

static void
csv_field (GString    *s,
           const char *value,
           gboolean    last)
{
  if (value == NULL)
    value = "";
  /* A cell starting with = + - @ would be a formula in a spreadsheet. */
  if (strchr ("=+-@", value[0]) && value[0] != '\0')
    g_string_append (s, "\"'");
  else
    g_string_append_c (s, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
  g_string_append (s, last ? "\r\n" : ",");
}

static char *
sender_text (const OknRecord *r)
{
  if (r->anonymous)
    return g_strdup (_("anonymous"));
  if (r->sender_address)
    {
      g_autofree char *addr = g_strdup (r->sender_address);

      g_strdelimit (addr, "\n", ',');
      return g_strdup_printf ("%s, %s", r->sender_name ? r->sender_name : "", addr);
    }
  return g_strdup (r->sender_name ? r->sender_name : "");
}

/**
 * okn_register_to_csv:
 * @letters: (element-type OknRecord): from okn_register_day()
 *
 * RFC 4180 with a header row, UTF-8 with a byte-order mark (so a spreadsheet
 * shows the diacritics), CRLF line ends, every cell quoted.
 *
 * Returns: (transfer full): the CSV text
 */
char *
okn_register_to_csv (GPtrArray *letters)
{
  GString *s = g_string_new ("\xEF\xBB\xBF");
  const char *header[] = {
    _("No."), _("Ticket ID"), _("Date received"), _("Delivery method"), _("Sender"),
    _("Date on the letter"), _("Sender’s reference"), _("Subject"), _("Pages"),
    _("Attachments"), _("Unit"), _("Case number"), _("Notes"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    csv_field (s, header[i], i + 1 == G_N_ELEMENTS (header));
  for (guint i = 0; i < letters->len; i++)
    {
      const OknRecord *r = g_ptr_array_index (letters, i);
      g_autofree char *no = g_strdup_printf ("%u", i + 1);
      g_autofree char *received = okn_format_date_pl (r->received_at, TRUE);
      g_autofree char *sender = sender_text (r);
      g_autofree char *letter_date = okn_format_date_pl (r->letter_date, FALSE);
      g_autofree char *pages = g_strdup_printf ("%d", r->pages);
      g_autofree char *att = g_strdup_printf ("%d", r->attachment_count);
      g_autofree char *notes = NULL;

      if (r->sync_state == OKN_SYNC_CANCELLED)
        notes = g_strdup_printf (_("CANCELLED: %s"), r->cancel_reason ? r->cancel_reason : "");
      else
        notes = g_strdup (r->notes);
      csv_field (s, no, FALSE);
      csv_field (s, r->ticket, FALSE);
      csv_field (s, received, FALSE);
      csv_field (s, okn_delivery_label (r->delivery), FALSE);
      csv_field (s, sender, FALSE);
      csv_field (s, letter_date, FALSE);
      csv_field (s, r->reference, FALSE);
      csv_field (s, r->subject, FALSE);
      csv_field (s, pages, FALSE);
      csv_field (s, att, FALSE);
      csv_field (s, r->unit, FALSE);
      csv_field (s, r->server_id, FALSE);
      csv_field (s, notes, TRUE);
    }
  return g_string_free (s, FALSE);
}

/**
 * okn_register_write_csv:
 * @flags: %OKN_FILE_WRITE_REPLACE to replace an existing file
 *
 * Writes okn_register_to_csv() to @path under the output rule of
 * okn_file_write_output(): atomically, never over the database or the
 * configuration, over another existing file only with
 * %OKN_FILE_WRITE_REPLACE.
 *
 * Returns: %TRUE when written; else %FALSE with an %OKN_FILE_ERROR
 */
gboolean
okn_register_write_csv (GPtrArray         *letters,
                        const char        *path,
                        OknFileWriteFlags  flags,
                        GError           **error)
{
  g_autofree char *csv = okn_register_to_csv (letters);

  return okn_file_write_output (path, csv, strlen (csv), flags, 0666, error);
}

/* PDF ------------------------------------------------------------------- */

/* A4 landscape in points. */
#define PAGE_W 841.89
#define PAGE_H 595.28
#define MARGIN 36.0
#define ROW_PAD 3.0

typedef struct
{
  const char *title;
  double width;  /* fraction of the usable width */
} Column;

static double
draw_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      width,
           const char *font,
           gboolean    strike)
{
  g_autoptr (PangoLayout) layout = pango_cairo_create_layout (cr);
  PangoFontDescription *desc = pango_font_description_from_string (font);
  int h;

  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  if (strike)
    {
      PangoAttrList *attrs = pango_attr_list_new ();

      pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_set_text (layout, text ? text : "", -1);
  pango_layout_get_size (layout, NULL, &h);
  if (cr != NULL && x >= 0)
    {
      cairo_move_to (cr, x, y);
      pango_cairo_show_layout (cr, layout);
    }
  return (double) h / PANGO_SCALE;
}

static void
draw_heading (cairo_t                  *cr,
              const GDate              *day,
              const OknRegisterHeading *heading,
              int                       page,
              double                   *y)
{
  char date[16];
  g_autofree char *title = NULL;
  g_autofree char *sub = NULL;

  g_date_strftime (date, sizeof date, "%d.%m.%Y", day);
  title = g_strdup_printf (_("Register of incoming letters, %s"), date);
  sub = g_strdup_printf (_("%s · station %s · page %d"),
                         heading && heading->office_name ? heading->office_name : "",
                         heading && heading->station ? heading->station : "",
                         page);
  *y += draw_text (cr, title, MARGIN, *y, PAGE_W - 2 * MARGIN, "Sans Bold 14", FALSE);
  *y += draw_text (cr, sub, MARGIN, *y, PAGE_W - 2 * MARGIN, "Sans 9", FALSE) + 6;
}

/**
 * okn_register_render_pdf:
 * @letters: (element-type OknRecord): from okn_register_day()
 * @day: the day the register is for (the heading)
 * @heading: (nullable): office and station for the heading
 *
 * An A4 landscape table, repeated header on every page, cancelled letters
 * struck out with their reason. Slow for long days: call it from a thread.
 *
 * Returns: (transfer full): the PDF, or %NULL with %OKN_REGISTER_ERROR_RENDER
 */
GBytes *
okn_register_render_pdf (GPtrArray                *letters,
                         const GDate              *day,
                         const OknRegisterHeading *heading,
                         GError                  **error)
{
  const Column cols[] = {
    /* The ticket ID never wraps: it is what people read out and type. */
    { N_("No."), 0.035 },
    { N_("Ticket ID"), 0.14 },
    { N_("Date received"), 0.09 },
    { N_("Delivery method"), 0.075 },
    { N_("Sender"), 0.185 },
    { N_("Date and reference"), 0.105 },
    { N_("Subject"), 0.195 },
    { N_("Pages / att."), 0.06 },
    { N_("Unit"), 0.115 },
  };
  const double usable = PAGE_W - 2 * MARGIN;
  g_autoptr (cairo_surface_t) surface = NULL;
  g_autoptr (cairo_t) cr = NULL;
  cairo_status_t status;
  GBytes *pdf;
  double y = MARGIN;
  int page = 1;

  surface = okn_cairo_pdf_new (PAGE_W, PAGE_H);
  cr = cairo_create (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, OKN_REGISTER_ERROR, OKN_REGISTER_ERROR_RENDER,
                   _("Could not draw the register: %s"),
                   cairo_status_to_string (cairo_surface_status (surface)));
      return NULL;
    }

  for (guint i = 0; i <= letters->len; i++)
    {
      const OknRecord *r = i > 0 ? g_ptr_array_index (letters, i - 1) : NULL;
      char *cells[G_N_ELEMENTS (cols)] = { NULL };
      gboolean strike = r && r->sync_state == OKN_SYNC_CANCELLED;
      double row_h = 0, x;

      if (r == NULL)
        {
          draw_heading (cr, day, heading, page, &y);
          for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
            cells[c] = g_strdup (_(cols[c].title));
        }
      else
        {
          g_autofree char *letter_date = okn_format_date_pl (r->letter_date, FALSE);

          cells[0] = g_strdup_printf ("%u", i);
          cells[1] = g_strdup (r->ticket);
          cells[2] = okn_format_date_pl (r->received_at, TRUE);
          cells[3] = g_strdup (okn_delivery_label (r->delivery));
          cells[4] = sender_text (r);
          cells[5] = g_strdup_printf ("%s%s%s", letter_date, r->reference ? "\n" : "",
                                      r->reference ? r->reference : "");
          if (strike)
            cells[6] = g_strdup_printf (_("%s\nCANCELLED: %s"), r->subject ? r->subject : "",
                                        r->cancel_reason ? r->cancel_reason : "");
          else
            cells[6] = g_strdup (r->subject);
          cells[7] = g_strdup_printf ("%d / %d", r->pages, r->attachment_count);
          cells[8] = g_strdup (r->unit);
        }

      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        row_h = MAX (row_h, draw_text (cr, cells[c], -1, 0, cols[c].width * usable - 4,
                                       r ? "Sans 8" : "Sans Bold 8", FALSE));
      row_h += 2 * ROW_PAD;

      if (r != NULL && y + row_h > PAGE_H - MARGIN)
        {
          cairo_show_page (cr);
          page++;
          y = MARGIN;
          i--;  /* this row goes on the next page, after its header */
          draw_heading (cr, day, heading, page, &y);
          x = MARGIN;
          {
            double hh = 0;

            for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
              hh = MAX (hh, draw_text (cr, _(cols[c].title), -1, 0, cols[c].width * usable - 4,
                                       "Sans Bold 8", FALSE));
            hh += 2 * ROW_PAD;
            for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
              {
                draw_text (cr, _(cols[c].title), x + 2, y + ROW_PAD, cols[c].width * usable - 4,
                           "Sans Bold 8", FALSE);
                x += cols[c].width * usable;
              }
            y += hh;
            cairo_set_line_width (cr, 0.8);
            cairo_move_to (cr, MARGIN, y);
            cairo_line_to (cr, PAGE_W - MARGIN, y);
            cairo_stroke (cr);
          }
          for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
            g_free (cells[c]);
          continue;
        }

      x = MARGIN;
      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        {
          draw_text (cr, cells[c], x + 2, y + ROW_PAD, cols[c].width * usable - 4,
                     r ? "Sans 8" : "Sans Bold 8", strike && c >= 4 && c <= 5);
          x += cols[c].width * usable;
        }
      y += row_h;
      cairo_set_line_width (cr, r ? 0.3 : 0.8);
      cairo_move_to (cr, MARGIN, y);
      cairo_line_to (cr, PAGE_W - MARGIN, y);
      cairo_stroke (cr);
      for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
        g_free (cells[c]);
    }

  if (letters->len == 0)
    draw_text (cr, _("No letters were received on this day."), MARGIN, y + 8, usable,
               "Sans Italic 9", FALSE);

  cairo_show_page (cr);
  pdf = okn_cairo_pdf_finish (surface, &status);
  if (pdf == NULL)
    g_set_error (error, OKN_REGISTER_ERROR, OKN_REGISTER_ERROR_RENDER,
                 _("Could not draw the register: %s"), cairo_status_to_string (status));
  return pdf;
}

/**
 * okn_register_write_pdf:
 * @flags: %OKN_FILE_WRITE_REPLACE to replace an existing file
 *
 * okn_register_render_pdf() written to @path under the output rule of
 * okn_file_write_output().
 *
 * Returns: %TRUE when written; else %FALSE with %OKN_REGISTER_ERROR_RENDER
 *   or an %OKN_FILE_ERROR
 */
gboolean
okn_register_write_pdf (GPtrArray                *letters,
                        const GDate              *day,
                        const OknRegisterHeading *heading,
                        const char               *path,
                        OknFileWriteFlags         flags,
                        GError                  **error)
{
  g_autoptr (GBytes) pdf = NULL;
  gsize len;
  const void *data;

  /* Refused before the work of drawing a long day. */
  if (!okn_file_check_output (path, flags, error))
    return FALSE;
  pdf = okn_register_render_pdf (letters, day, heading, error);
  if (pdf == NULL)
    return FALSE;
  data = g_bytes_get_data (pdf, &len);
  return okn_file_write_output (path, data, len, flags, 0666, error);
}

/**
 * okn_parse_datetime_pl:
 * @text: what a clerk typed: "29.11.2026 10:15", "29.11.2026" (midnight),
 *   or ISO 8601 (okn_datetime_parse(), the one reader of typed times)
 *
 * Returns: (transfer full) (nullable): ISO 8601 with the local zone, or
 *   %NULL when @text is not a date and time
 */
char *
okn_parse_datetime_pl (const char *text)
{
  g_autoptr (GDateTime) dt = okn_datetime_parse (text, NULL);
  g_autoptr (GDateTime) local = NULL;

  if (dt == NULL)
    return NULL;
  local = g_date_time_to_local (dt);
  return okn_now_iso8601 (local);
}

/**
 * okn_register_parse_day:
 * @text: what a clerk typed: "29.11.2026" or "2026-11-29" (a time after
 *   it is allowed and ignored)
 * @day: (out): the local calendar day
 *
 * Returns: %TRUE when @text is a day
 */
gboolean
okn_register_parse_day (const char *text,
                        GDate      *day)
{
  g_autofree char *iso = NULL;
  g_autoptr (GDateTime) dt = NULL;

  /* A bare ISO day has no time: read it as that day's midnight. */
  if (text && strlen (text) == 10 && text[4] == '-')
    {
      g_autofree char *full = g_strconcat (text, "T00:00:00", NULL);
      g_autoptr (GTimeZone) tz = g_time_zone_new_local ();

      dt = g_date_time_new_from_iso8601 (full, tz);
      if (dt == NULL)
        return FALSE;
    }
  else
    {
      iso = okn_parse_datetime_pl (text);
      dt = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;
      if (dt == NULL)
        return FALSE;
    }
  okn_register_day_from_datetime (dt, day);
  return TRUE;
}

/**
 * okn_register_day_from_datetime:
 * @day: (out): the local calendar day @dt falls on
 */
void
okn_register_day_from_datetime (GDateTime *dt,
                                GDate     *day)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (dt);

  g_date_clear (day, 1);
  g_date_set_dmy (day, (GDateDay) g_date_time_get_day_of_month (local),
                  (GDateMonth) g_date_time_get_month (local), (GDateYear) g_date_time_get_year (local));
}

/**
 * okn_register_heading_new:
 *
 * The heading the office's registers carry, wherever they are made:
 * `office.name` from @config and the station of @store (each left out
 * when it is not set).
 *
 * Returns: (transfer full): the heading, its texts in the same block: one
 *   g_free() frees it all
 */
OknRegisterHeading *
okn_register_heading_new (OknStore  *store,
                          OknConfig *config)
{
  g_autofree char *office = okn_config_get_string (config, "office.name");
  g_autofree char *station = okn_store_get_station (store, NULL);
  gsize office_size = office ? strlen (office) + 1 : 0;
  gsize station_size = station ? strlen (station) + 1 : 0;
  OknRegisterHeading *heading = g_malloc0 (sizeof *heading + office_size + station_size);
  char *texts = (char *) (heading + 1);

  if (office)
    heading->office_name = memcpy (texts, office, office_size);
  if (station)
    heading->station = memcpy (texts + office_size, station, station_size);
  return heading;
}
