/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-record.c: letters and reports, validation and JSON form */
#define G_LOG_DOMAIN "okn-record"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-field-error.h"
#include "okienko/okn-json.h"
#include "okienko/okn-record.h"
#include "okienko/okn-text.h"

G_DEFINE_QUARK (okn-record-error-quark, okn_record_error)

/* Limits in characters (not bytes): what a register line or a server field
 * can reasonably hold. */
#define SHORT_TEXT_MAX   200
#define LONG_TEXT_MAX    500
#define NOTES_MAX        2000
#define CODE_MAX         64
#define ATTR_VALUE_MAX   4000
/* Values of a category's attributes in one record (a multi-value list
 * gives one per item): far more than any form asks for, and few enough
 * that a record stays cheap to store, show and post. */
#define ATTR_VALUES_MAX  1000
#define COUNT_MAX        9999

static const char *field_label (const char *field);

static const char *kind_names[] = { "letter", "report" };
static const char *channel_names[] = { "paper", "desk", "phone", "kiosk", "email", "epuap", "app", "other" };
static const char *delivery_names[] = { "in-person", "post", "courier", "email", "epuap", "other" };
static const char *sync_state_names[] = {
  "queued", "sending", "awaiting-id", "synced", "needs-attention", "cancelled",
};

static gboolean
lookup_name (const char  *s,
             const char **names,
             guint        n,
             int         *out)
{
  if (s == NULL)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (g_ascii_strcasecmp (s, names[i]) == 0)
      {
        *out = (int) i;
        return TRUE;
      }
  return FALSE;
}

#define DEFINE_ENUM_STRINGS(Type, prefix, names)                               \
  const char *okn_##prefix##_to_string (Type v)                                \
  {                                                                            \
    g_return_val_if_fail ((guint) v < G_N_ELEMENTS (names), NULL);             \
    return names[v];                                                           \
  }                                                                            \
  gboolean okn_##prefix##_from_string (const char *s, Type *out)               \
  {                                                                            \
    int v;                                                                     \
    if (!lookup_name (s, names, G_N_ELEMENTS (names), &v))                     \
      return FALSE;                                                            \
    *out = (Type) v;                                                           \
    return TRUE;                                                               \
  }

DEFINE_ENUM_STRINGS (OknKind, kind, kind_names)
DEFINE_ENUM_STRINGS (OknChannel, channel, channel_names)
DEFINE_ENUM_STRINGS (OknDelivery, delivery, delivery_names)
DEFINE_ENUM_STRINGS (OknSyncState, sync_state, sync_state_names)

/**
 * okn_sync_state_is_editable:
 *
 * A record can be corrected until it is sent: queued records, and records
 * the server refused (corrected and then queued again).
 */
gboolean
okn_sync_state_is_editable (OknSyncState state)
{
  return state == OKN_SYNC_QUEUED || state == OKN_SYNC_NEEDS_ATTENTION;
}

char *
okn_now_iso8601 (GDateTime *now)
{
  g_autoptr (GDateTime) local = NULL;

  if (now == NULL)
    local = g_date_time_new_now_local ();
  else
    local = g_date_time_ref (now);
  return g_date_time_format (local, "%Y-%m-%dT%H:%M:%S%:z");
}

/* Reads 1 to @max_digits digits (exactly @max_digits when @exact). */
static gboolean
read_number (const char **p,
             guint        max_digits,
             gboolean     exact,
             guint       *out)
{
  guint n = 0, v = 0;

  while (n < max_digits && g_ascii_isdigit ((*p)[n]))
    {
      v = v * 10 + (guint) ((*p)[n] - '0');
      n++;
    }
  if (n == 0 || (exact && n != max_digits) || g_ascii_isdigit ((*p)[n]))
    return FALSE;
  *p += n;
  *out = v;
  return TRUE;
}

static void
skip_spaces (const char **p)
{
  while (g_ascii_isspace (**p))
    (*p)++;
}

/* "Z", "+01", "+01:00" or "+0100"; writes the zone as GLib names it. */
static gboolean
read_zone (const char **p,
           char         out[8])
{
  guint hh = 0, mm = 0;
  char sign = **p;

  if (sign == 'Z' || sign == 'z')
    {
      (*p)++;
      g_strlcpy (out, "+00:00", 8);
      return TRUE;
    }
  if (sign != '+' && sign != '-')
    return FALSE;
  (*p)++;
  if (!g_ascii_isdigit ((*p)[0]) || !g_ascii_isdigit ((*p)[1]))
    return FALSE;
  hh = (guint) ((*p)[0] - '0') * 10 + (guint) ((*p)[1] - '0');
  *p += 2;
  if (**p == ':')
    (*p)++;
  if (g_ascii_isdigit ((*p)[0]) && !read_number (p, 2, TRUE, &mm))
    return FALSE;
  if (hh > 14 || mm > 59)
    return FALSE;
  g_snprintf (out, 8, "%c%02u:%02u", sign, hh, mm);
  return TRUE;
}

/**
 * okn_datetime_parse:
 * @text: a date and time as a person or a script writes it
 * @tz: (nullable): the zone of a time written without one; %NULL for the
 *   station's (local) zone
 *
 * The one reader of typed dates and times, for the desk, okienkoctl and
 * imports alike. It takes the forms our messages and screens show:
 * ISO 8601 (`2026-11-29T10:15`, with seconds, with a space instead of `T`,
 * with `Z` or an offset) and the Polish `29.11.2026 10:15` (seconds and a
 * comma after the date allowed); a date alone is its midnight. White space
 * around is ignored; anything else after it is not (a typo is not dropped
 * silently).
 *
 * Returns: (transfer full) (nullable): the moment, or %NULL when @text is
 *   not one
 */
GDateTime *
okn_datetime_parse (const char *text,
                    GTimeZone  *tz)
{
  g_autoptr (GTimeZone) zone = NULL;
  const char *p = text;
  guint y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  double frac = 0;
  gboolean iso;
  char offset[8] = "";

  if (text == NULL)
    return NULL;
  skip_spaces (&p);
  iso = g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
        && g_ascii_isdigit (p[3]) && p[4] == '-';
  if (iso)
    {
      if (!read_number (&p, 4, TRUE, &y) || *p++ != '-' || !read_number (&p, 2, TRUE, &m)
          || *p++ != '-' || !read_number (&p, 2, TRUE, &d))
        return NULL;
    }
  else if (!read_number (&p, 2, FALSE, &d) || *p++ != '.' || !read_number (&p, 2, FALSE, &m)
           || *p++ != '.' || !read_number (&p, 4, TRUE, &y))
    return NULL;

  /* The time: "T10:15" or " 10:15" (ISO), ", 10:15" or " 10:15" (Polish). */
  if (iso && (*p == 'T' || *p == 't') && g_ascii_isdigit (p[1]))
    p++;
  else
    {
      const char *q = p;

      if (!iso && *q == ',')
        q++;
      skip_spaces (&q);
      if (g_ascii_isdigit (*q) && q != p)
        p = q;
    }
  if (g_ascii_isdigit (*p))
    {
      if (!read_number (&p, 2, FALSE, &hh) || *p++ != ':' || !read_number (&p, 2, TRUE, &mm))
        return NULL;
      if (*p == ':')
        {
          p++;
          if (!read_number (&p, 2, TRUE, &ss))
            return NULL;
          if ((*p == '.' || *p == ',') && g_ascii_isdigit (p[1]))
            {
              double scale = 0.1;

              for (p++; g_ascii_isdigit (*p); p++, scale /= 10)
                frac += (*p - '0') * scale;
            }
        }
      if (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-')
        {
          if (!read_zone (&p, offset))
            return NULL;
        }
    }
  skip_spaces (&p);
  if (*p != '\0')
    return NULL;
  if (y < 1 || y > 9999 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y)
      || hh > 23 || mm > 59 || ss > 59)
    return NULL;

  if (*offset)
    zone = g_time_zone_new_identifier (offset);
  else
    zone = tz ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  if (zone == NULL)
    return NULL;
  return g_date_time_new (zone, (int) y, (int) m, (int) d, (int) hh, (int) mm, ss + frac);
}

static void
attribute_free (gpointer p)
{
  OknAttribute *a = p;

  g_free (a->key);
  g_free (a->value);
  g_free (a);
}

static void
attachment_free (gpointer p)
{
  OknAttachment *a = p;

  g_free (a->sha256);
  g_free (a->filename);
  g_free (a->mime_type);
  g_clear_pointer (&a->data, g_bytes_unref);
  g_free (a);
}

/* Every string member of a record: what okn_record_free() frees and
 * okn_record_copy() copies, so that a new member cannot be left out of one. */
static const gsize record_strings[] = {
  G_STRUCT_OFFSET (OknRecord, uuid), G_STRUCT_OFFSET (OknRecord, ticket),
  G_STRUCT_OFFSET (OknRecord, verification_code), G_STRUCT_OFFSET (OknRecord, station),
  G_STRUCT_OFFSET (OknRecord, operator_name), G_STRUCT_OFFSET (OknRecord, created_at),
  G_STRUCT_OFFSET (OknRecord, updated_at), G_STRUCT_OFFSET (OknRecord, cancel_reason),
  G_STRUCT_OFFSET (OknRecord, server_id), G_STRUCT_OFFSET (OknRecord, server_token),
  G_STRUCT_OFFSET (OknRecord, server_status), G_STRUCT_OFFSET (OknRecord, server_status_notes),
  G_STRUCT_OFFSET (OknRecord, server_error), G_STRUCT_OFFSET (OknRecord, received_at),
  G_STRUCT_OFFSET (OknRecord, sender_name), G_STRUCT_OFFSET (OknRecord, sender_address),
  G_STRUCT_OFFSET (OknRecord, letter_date), G_STRUCT_OFFSET (OknRecord, reference),
  G_STRUCT_OFFSET (OknRecord, subject), G_STRUCT_OFFSET (OknRecord, unit),
  G_STRUCT_OFFSET (OknRecord, notes), G_STRUCT_OFFSET (OknRecord, category),
  G_STRUCT_OFFSET (OknRecord, description), G_STRUCT_OFFSET (OknRecord, address),
  G_STRUCT_OFFSET (OknRecord, contact_name), G_STRUCT_OFFSET (OknRecord, contact_email),
  G_STRUCT_OFFSET (OknRecord, contact_phone), G_STRUCT_OFFSET (OknRecord, purged_at),
};

OknRecord *
okn_record_new (OknKind kind)
{
  OknRecord *r = g_new0 (OknRecord, 1);

  r->kind = kind;
  r->channel = kind == OKN_KIND_LETTER ? OKN_CHANNEL_PAPER : OKN_CHANNEL_DESK;
  r->delivery = OKN_DELIVERY_IN_PERSON;
  r->sync_state = OKN_SYNC_QUEUED;
  r->attributes = g_ptr_array_new_with_free_func (attribute_free);
  r->files = g_ptr_array_new_with_free_func (attachment_free);
  return r;
}

void
okn_record_free (OknRecord *r)
{
  if (r == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (record_strings); i++)
    g_free (G_STRUCT_MEMBER (char *, r, record_strings[i]));
  g_ptr_array_unref (r->attributes);
  g_ptr_array_unref (r->files);
  g_free (r);
}

OknRecord *
okn_record_copy (const OknRecord *src)
{
  OknRecord *r;

  g_return_val_if_fail (src != NULL, NULL);

  r = okn_record_new (src->kind);
  r->id = src->id;
  r->channel = src->channel;
  r->sync_state = src->sync_state;
  r->delivery = src->delivery;
  r->anonymous = src->anonymous;
  r->pages = src->pages;
  r->attachment_count = src->attachment_count;
  r->has_location = src->has_location;
  r->lat = src->lat;
  r->lon = src->lon;
  r->consent = src->consent;
  for (guint i = 0; i < G_N_ELEMENTS (record_strings); i++)
    {
      gsize offset = record_strings[i];

      G_STRUCT_MEMBER (char *, r, offset) = g_strdup (G_STRUCT_MEMBER (const char *, src, offset));
    }
  for (guint i = 0; i < src->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (src->attributes, i);
      okn_record_add_attribute (r, a->key, a->value);
    }
  for (guint i = 0; i < src->files->len; i++)
    {
      OknAttachment *a = g_ptr_array_index (src->files, i);
      OknAttachment *b = g_new0 (OknAttachment, 1);

      b->sha256 = g_strdup (a->sha256);
      b->filename = g_strdup (a->filename);
      b->mime_type = g_strdup (a->mime_type);
      b->size = a->size;
      b->data = a->data ? g_bytes_ref (a->data) : NULL;
      g_ptr_array_add (r->files, b);
    }
  return r;
}

void
okn_record_add_attribute (OknRecord  *record,
                          const char *key,
                          const char *value)
{
  OknAttribute *a = g_new0 (OknAttribute, 1);

  a->key = g_strdup (key);
  a->value = g_strdup (value);
  g_ptr_array_add (record->attributes, a);
}

const char *
okn_record_get_attribute (const OknRecord *record,
                          const char      *key)
{
  for (guint i = 0; i < record->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (record->attributes, i);

      if (g_str_equal (a->key, key))
        return a->value;
    }
  return NULL;
}

/* What a message may quote of text someone typed or a file held: made
 * safe for a terminal or a label, and cut, so a 10,000-character field does
 * not fill the screen. */
static char *
quote (const char *text)
{
  return okn_text_display_line (text, 60);
}

/* Reads at most @max bytes of @fd (plus one, to see that there was more).
 * Returns: the bytes read, or %NULL with errno set */
static GBytes *
read_bounded (int    fd,
              gsize  expected,
              gsize  max,
              gsize *total)
{
  gsize cap = MIN (expected, max) + 1;
  g_autofree guint8 *buf = g_malloc (cap);
  gsize n = 0;

  while (n < cap)
    {
      gssize got = read (fd, buf + n, cap - n);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return NULL;
      if (got == 0)
        break;
      n += (gsize) got;
    }
  *total = n;
  return g_bytes_new_take (g_steal_pointer (&buf), n);
}

/**
 * okn_record_add_file:
 * @path: a photo or scan to attach
 *
 * Attaches a regular file of 1 byte to %OKN_RECORD_FILE_MAX_BYTES (20 MiB),
 * at most %OKN_RECORD_FILES_MAX of them per record, and computes its
 * content address. The size is checked on the opened file before anything
 * is read, and the read stops at the limit: a device, a pipe or a folder is
 * refused at once (it could never end), and a file that grows while it is
 * read is refused instead of filling the memory.
 */
gboolean
okn_record_add_file (OknRecord  *record,
                     const char *path,
                     GError    **error)
{
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);
  g_autofree char *local = g_file_get_path (file);
  g_autofree char *shown = quote (path);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;
  OknAttachment *a;
  struct stat st;
  gsize size = 0;
  gconstpointer data;
  int fd;

  if (record->files->len >= OKN_RECORD_FILES_MAX)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%s: %s: a record holds at most %d file.",
                                "%s: %s: a record holds at most %d files.", OKN_RECORD_FILES_MAX),
                   field_label ("files"), shown, OKN_RECORD_FILES_MAX);
      return FALSE;
    }
  if (local == NULL)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("%s: %s is not a file on this computer."), field_label ("files"), shown);
      return FALSE;
    }
  /* O_NONBLOCK: opening a named pipe must not wait for a writer. */
  fd = g_open (local, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      /* The system's words say what failed; the clerk also needs to know
       * which field and file. */
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("%s: %s cannot be read: %s"), field_label ("files"), shown, g_strerror (saved));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   S_ISDIR (st.st_mode)
                     ? _("%s: %s is not a regular file but a folder; attach a photo or a scan.")
                     : _("%s: %s is not a regular file (a device or a pipe); attach a photo or a scan."),
                   field_label ("files"), shown);
      return FALSE;
    }
  if (st.st_size <= 0 || (guint64) st.st_size > OKN_RECORD_FILE_MAX_BYTES)
    {
      g_autofree char *has = g_format_size_full ((guint64) st.st_size, G_FORMAT_SIZE_IEC_UNITS);

      close (fd);
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   st.st_size <= 0 ? _("%s: %s is empty; a file must hold 1 byte to 20 MiB.")
                                   : _("%s: %s holds %s; a file must hold 1 byte to 20 MiB."),
                   field_label ("files"), shown, has);
      return FALSE;
    }
  bytes = read_bounded (fd, (gsize) st.st_size, OKN_RECORD_FILE_MAX_BYTES, &size);
  if (bytes == NULL)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("%s: %s cannot be read: %s"), field_label ("files"), shown, g_strerror (saved));
      return FALSE;
    }
  close (fd);
  if (size == 0 || size > OKN_RECORD_FILE_MAX_BYTES)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("%s: %s changed while it was read; a file must hold 1 byte to 20 MiB."),
                   field_label ("files"), shown);
      return FALSE;
    }
  data = g_bytes_get_data (bytes, NULL);

  a = g_new0 (OknAttachment, 1);
  a->sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  a->filename = g_file_get_basename (file);
  content_type = g_content_type_guess (a->filename, data, MIN (size, 4096), NULL);
  a->mime_type = g_content_type_get_mime_type (content_type);
  if (a->mime_type == NULL)
    a->mime_type = g_strdup ("application/octet-stream");
  a->size = (gint64) size;
  a->data = g_steal_pointer (&bytes);
  g_ptr_array_add (record->files, a);
  return TRUE;
}

/**
 * okn_record_title:
 *
 * Returns: what a list shows for the record: the subject of a letter, the
 *   category of a report
 */
const char *
okn_record_title (const OknRecord *record)
{
  if (record->kind == OKN_KIND_LETTER)
    return record->subject ? record->subject : "";
  return record->category ? record->category : "";
}

/* Validation ------------------------------------------------------------ */

void
okn_field_issue_free (OknFieldIssue *issue)
{
  if (issue == NULL)
    return;
  g_free (issue->message);
  g_free (issue);
}

static const char *
field_label (const char *field)
{
  static const struct { const char *field; const char *label; } labels[] = {
    { "sender", N_("Sender") },
    { "sender_address", N_("Sender’s address") },
    { "anonymous", N_("Anonymous") },
    { "subject", N_("Subject") },
    { "letter_date", N_("Date on the letter") },
    { "received_at", N_("Date received") },
    { "reference", N_("Sender’s reference") },
    { "pages", N_("Pages") },
    { "attachments", N_("Attachments") },
    { "unit", N_("Unit") },
    { "notes", N_("Notes") },
    { "delivery", N_("Delivery method") },
    { "category", N_("Category") },
    { "description", N_("Description") },
    { "address", N_("Address") },
    { "lat", N_("Latitude") },
    { "long", N_("Longitude") },
    { "location", N_("Location") },
    { "name", N_("Contact name") },
    { "email", N_("E-mail") },
    { "phone", N_("Phone") },
    { "consent", N_("Consent to contact") },
    { "attributes", N_("Attributes") },
    { "files", N_("Files") },
    { "channel", N_("Channel") },
    { "kind", N_("Kind") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (labels[i].field, field))
      return _(labels[i].label);
  return field;
}

/**
 * okn_field_issue_add:
 * @issues: (element-type OknFieldIssue): where the issue goes
 * @field: the field's name (a record's JSON name, an attribute's code);
 *   not copied: it must live as long as the issue
 * @label: (nullable): what the person sees the field called; %NULL: the
 *   label of the record's field @field
 * @format: what is wrong, printf-style
 *
 * Adds the issue "<label>: <what is wrong>", the one wording of a
 * record's checks and a category's attribute checks.
 */
void
okn_field_issue_add (GPtrArray  *issues,
                     const char *field,
                     const char *label,
                     const char *format,
                     ...)
{
  OknFieldIssue *issue = g_new0 (OknFieldIssue, 1);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  issue->field = field;
  /* TRANSLATORS: "<field label or attribute's question>: <what is wrong>" */
  issue->message = g_strdup_printf (_("%s: %s"), label ? label : field_label (field), what);
  g_ptr_array_add (issues, issue);
}

static gboolean
is_forbidden_char (gunichar c,
                   gboolean multiline)
{
  if (multiline && (c == '\n' || c == '\t'))
    return FALSE;
  if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
    return TRUE;
  /* Bidirectional overrides can make a printed line say something else. */
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
    return TRUE;
  return FALSE;
}

/* Normalises a text field in place (line ends, surrounding white space; an
 * empty field becomes NULL) and checks it. @label: (nullable): as for
 * okn_field_issue_add() */
static void
check_labelled_text (GPtrArray  *issues,
                     const char *field,
                     const char *label,
                     char      **value,
                     guint       max_chars,
                     gboolean    multiline)
{
  char *s = *value;
  glong n;
  guint pos = 0;

  if (s == NULL)
    return;
  if (!g_utf8_validate (s, -1, NULL))
    {
      okn_field_issue_add (issues, field, label, _("is not valid text (UTF-8)."));
      return;
    }
  if (multiline && strchr (s, '\r'))
    {
      g_auto (GStrv) parts = g_strsplit (s, "\r\n", -1);
      char *joined = g_strjoinv ("\n", parts);

      g_free (s);
      *value = s = joined;
    }
  g_strstrip (s);
  if (*s == '\0')
    {
      g_clear_pointer (value, g_free);
      return;
    }
  for (const char *p = s; *p; p = g_utf8_next_char (p))
    {
      pos++;
      if (is_forbidden_char (g_utf8_get_char (p), multiline))
        {
          okn_field_issue_add (issues, field, label, _("contains a control character (at character %u)."), pos);
          return;
        }
    }
  n = g_utf8_strlen (s, -1);
  if ((gulong) n > max_chars)
    okn_field_issue_add (issues, field, label,
                         g_dngettext (GETTEXT_PACKAGE, "is too long: %ld character, at most %u.",
                                      "is too long: %ld characters, at most %u.", (gulong) n),
                         n, max_chars);
}

static void
check_text (GPtrArray  *issues,
            const char *field,
            char      **value,
            guint       max_chars,
            gboolean    multiline)
{
  check_labelled_text (issues, field, NULL, value, max_chars, multiline);
}

static void
forbid_other_kind (GPtrArray  *issues,
                   const char *field,
                   gboolean    is_set,
                   OknKind     kind)
{
  if (!is_set)
    return;
  if (kind == OKN_KIND_LETTER)
    okn_field_issue_add (issues, field, NULL, _("belongs to reports, not letters."));
  else
    okn_field_issue_add (issues, field, NULL, _("belongs to letters, not reports."));
}

/* Accepts YYYY-MM-DD and the Polish DD.MM.YYYY; writes YYYY-MM-DD. */
static GDate *
parse_date (const char *s)
{
  guint y = 0, m = 0, d = 0;
  char tail;

  if (sscanf (s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) == 3 && strlen (s) == 10)
    ;
  else if (sscanf (s, "%2u.%2u.%4u%c", &d, &m, &y, &tail) == 3)
    ;
  else
    return NULL;
  if (y < 1 || y > 9999 || !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static void
check_email (GPtrArray  *issues,
             const char *s)
{
  const char *at = strchr (s, '@');

  if (at == NULL || at == s || strchr (at + 1, '@') || strchr (at + 1, '.') == NULL
      || strchr (s, ' ') || g_str_has_suffix (s, ".") || strlen (s) > 254)
    {
      g_autofree char *shown = quote (s);

      okn_field_issue_add (issues, "email", NULL, _("“%s” is not an e-mail address."), shown);
    }
}

static void
check_phone (GPtrArray  *issues,
             const char *s)
{
  guint digits = 0;

  for (const char *p = s; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!strchr ("+ -()/", *p) || (*p == '+' && p != s))
        {
          okn_field_issue_add (issues, "phone", NULL, _("use digits, spaces and a leading +."));
          return;
        }
    }
  if (digits < 6 || digits > 15)
    okn_field_issue_add (issues, "phone", NULL,
                         g_dngettext (GETTEXT_PACKAGE, "has %u digit; a phone number has 6 to 15.",
                                      "has %u digits; a phone number has 6 to 15.", digits),
                         digits);
}

static gboolean
is_code (const char *s)
{
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("_-.:/", *p))
      return FALSE;
  return TRUE;
}

static void
check_letter (OknRecord *r,
              GDateTime *now,
              GPtrArray *issues)
{
  g_autoptr (GDateTime) received = NULL;

  check_text (issues, "sender", &r->sender_name, SHORT_TEXT_MAX, FALSE);
  check_text (issues, "sender_address", &r->sender_address, LONG_TEXT_MAX, TRUE);
  check_text (issues, "subject", &r->subject, LONG_TEXT_MAX, FALSE);
  check_text (issues, "reference", &r->reference, CODE_MAX * 2, FALSE);
  check_text (issues, "unit", &r->unit, CODE_MAX, FALSE);
  check_text (issues, "notes", &r->notes, NOTES_MAX, TRUE);

  if (r->anonymous && (r->sender_name || r->sender_address))
    okn_field_issue_add (issues, "sender", NULL, _("an anonymous letter has no sender; clear the sender or "
                                                   "the anonymous mark."));
  else if (!r->anonymous && r->sender_name == NULL)
    okn_field_issue_add (issues, "sender", NULL, _("is required (or mark the letter anonymous)."));

  /* A letter that came by e-mail or ePUAP came through that channel, not on
   * paper. */
  if (r->channel == OKN_CHANNEL_PAPER && r->delivery == OKN_DELIVERY_EMAIL)
    r->channel = OKN_CHANNEL_EMAIL;
  else if (r->channel == OKN_CHANNEL_PAPER && r->delivery == OKN_DELIVERY_EPUAP)
    r->channel = OKN_CHANNEL_EPUAP;

  if (r->pages < 0 || r->pages > COUNT_MAX)
    okn_field_issue_add (issues, "pages", NULL, _("must be a number from 0 to %d."), COUNT_MAX);
  if (r->attachment_count < 0 || r->attachment_count > COUNT_MAX)
    okn_field_issue_add (issues, "attachments", NULL, _("must be a number from 0 to %d."), COUNT_MAX);

  if (r->received_at == NULL)
    r->received_at = okn_now_iso8601 (now);
  received = okn_datetime_parse (r->received_at, NULL);
  if (received == NULL)
    {
      g_autofree char *shown = quote (r->received_at);

      okn_field_issue_add (issues, "received_at", NULL,
                           _("“%s” is not a date and time: write 29.11.2026 10:15 or 2026-11-29T10:15."),
                           shown);
    }
  else
    {
      g_autoptr (GDateTime) earliest = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
      g_autoptr (GDateTime) latest = g_date_time_add_minutes (now, 10);

      if (g_date_time_compare (received, earliest) < 0 || g_date_time_compare (received, latest) > 0)
        okn_field_issue_add (issues, "received_at", NULL, _("must be between 2000 and now."));
      else
        {
          g_autoptr (GDateTime) local = g_date_time_to_local (received);

          g_free (r->received_at);
          r->received_at = okn_now_iso8601 (local);
        }
    }

  if (r->letter_date)
    {
      g_autoptr (GDate) date = parse_date (r->letter_date);

      if (date == NULL)
        {
          g_autofree char *shown = quote (r->letter_date);

          okn_field_issue_add (issues, "letter_date", NULL, _("“%s” is not a date: write 29.11.2026 or 2026-11-29."),
                               shown);
        }
      else
        {
          g_autoptr (GDate) first = g_date_new_dmy (1, 1, 1900);
          g_autoptr (GDate) last = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (now),
                                                   (GDateMonth) g_date_time_get_month (now),
                                                   (GDateYear) g_date_time_get_year (now));
          char buf[16];

          /* A letter dated a day ahead happens across time zones. */
          g_date_add_days (last, 1);
          if (g_date_compare (date, first) < 0 || g_date_compare (date, last) > 0)
            okn_field_issue_add (issues, "letter_date", NULL, _("must be between 1900 and today."));
          else
            {
              g_date_strftime (buf, sizeof buf, "%Y-%m-%d", date);
              g_free (r->letter_date);
              r->letter_date = g_strdup (buf);
            }
        }
    }

  forbid_other_kind (issues, "category", r->category != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "description", r->description != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "address", r->address != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "location", r->has_location, OKN_KIND_LETTER);
  forbid_other_kind (issues, "name", r->contact_name != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "email", r->contact_email != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "phone", r->contact_phone != NULL, OKN_KIND_LETTER);
  forbid_other_kind (issues, "attributes", r->attributes->len > 0, OKN_KIND_LETTER);
}

static void
check_report (OknRecord *r,
              GPtrArray *issues)
{
  check_text (issues, "category", &r->category, CODE_MAX, FALSE);
  check_text (issues, "description", &r->description, OKN_DESCRIPTION_MAX, TRUE);
  check_text (issues, "address", &r->address, LONG_TEXT_MAX, FALSE);
  check_text (issues, "name", &r->contact_name, SHORT_TEXT_MAX, FALSE);
  check_text (issues, "email", &r->contact_email, 254, FALSE);
  check_text (issues, "phone", &r->contact_phone, 32, FALSE);

  if (r->category == NULL)
    okn_field_issue_add (issues, "category", NULL, _("is required."));
  else if (!is_code (r->category))
    {
      g_autofree char *shown = quote (r->category);

      okn_field_issue_add (issues, "category", NULL, _("“%s” is not a category code."), shown);
    }
  if (r->description == NULL)
    okn_field_issue_add (issues, "description", NULL, _("is required: say what happened and where."));

  if (r->has_location)
    {
      if (!isfinite (r->lat) || r->lat < -90.0 || r->lat > 90.0)
        okn_field_issue_add (issues, "lat", NULL, _("must be between -90 and 90."));
      if (!isfinite (r->lon) || r->lon < -180.0 || r->lon > 180.0)
        okn_field_issue_add (issues, "long", NULL, _("must be between -180 and 180."));
    }
  else if (r->address == NULL)
    okn_field_issue_add (issues, "location", NULL, _("give an address or the coordinates."));

  if (r->contact_email)
    check_email (issues, r->contact_email);
  if (r->contact_phone)
    check_phone (issues, r->contact_phone);
  if (!r->consent && (r->contact_name || r->contact_email || r->contact_phone))
    okn_field_issue_add (issues, "consent", NULL, _("contact details are kept only when the resident agrees "
                                                    "to be contacted."));

  if (r->attributes->len > ATTR_VALUES_MAX)
    okn_field_issue_add (issues, "attributes", NULL,
                         g_dngettext (GETTEXT_PACKAGE, "has %u value, at most %u.",
                                      "has %u values, at most %u.", r->attributes->len),
                         r->attributes->len, (guint) ATTR_VALUES_MAX);
  for (guint i = 0; i < r->attributes->len && r->attributes->len <= ATTR_VALUES_MAX; i++)
    {
      OknAttribute *a = g_ptr_array_index (r->attributes, i);

      if (a->key == NULL || *a->key == '\0' || strlen (a->key) > CODE_MAX || !is_code (a->key))
        {
          g_autofree char *shown = quote (a->key);

          okn_field_issue_add (issues, "attributes", NULL, _("“%s” is not an attribute name."), shown);
          continue;
        }
      {
        /* A report may have several: name the one. */
        g_autofree char *label = g_strdup_printf (_("Attribute “%s”"), a->key);

        check_labelled_text (issues, "attributes", label, &a->value, ATTR_VALUE_MAX, TRUE);
      }
      if (a->value == NULL)
        a->value = g_strdup ("");
    }

  forbid_other_kind (issues, "sender", r->sender_name != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "sender_address", r->sender_address != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "subject", r->subject != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "letter_date", r->letter_date != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "reference", r->reference != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "unit", r->unit != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "notes", r->notes != NULL, OKN_KIND_REPORT);
  forbid_other_kind (issues, "anonymous", r->anonymous, OKN_KIND_REPORT);
  forbid_other_kind (issues, "pages", r->pages != 0, OKN_KIND_REPORT);
}

/**
 * okn_record_check:
 * @record: the record; text fields are normalised in place (white space,
 *   line ends, date formats)
 * @now: (nullable): the current time, for date ranges
 *
 * Returns: (transfer full) (element-type OknFieldIssue): every problem, one
 *   per field at most as far as it can tell; empty when the record is fine
 */
GPtrArray *
okn_record_check (OknRecord *record,
                  GDateTime *now)
{
  g_autoptr (GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_field_issue_free);
  g_autoptr (GDateTime) clock = now ? g_date_time_ref (now) : g_date_time_new_now_local ();

  g_return_val_if_fail (record != NULL, NULL);

  if (record->kind == OKN_KIND_LETTER)
    check_letter (record, clock, issues);
  else
    check_report (record, issues);

  for (guint i = 0; i < record->files->len; i++)
    {
      OknAttachment *a = g_ptr_array_index (record->files, i);

      check_text (issues, "files", &a->filename, LONG_TEXT_MAX, FALSE);
      if (a->filename == NULL)
        a->filename = g_strdup ("file");
    }
  return g_steal_pointer (&issues);
}

/**
 * okn_record_validate:
 *
 * okn_record_check() as a #GError: %OKN_RECORD_ERROR_INVALID with every
 * problem, one per line.
 */
gboolean
okn_record_validate (OknRecord *record,
                     GDateTime *now,
                     GError   **error)
{
  g_autoptr (GPtrArray) issues = okn_record_check (record, now);

  return okn_field_issues_to_error (issues, error);
}

/**
 * okn_field_issues_to_error:
 * @issues: (element-type OknFieldIssue): the problems found, maybe none
 *
 * Where a caller wants one #GError rather than an issue per field (the
 * record's checks, a category's attribute checks in the store):
 * %OKN_RECORD_ERROR_INVALID with every problem, one per line.
 *
 * Returns: %TRUE when @issues is empty; else %FALSE with @error set
 */
gboolean
okn_field_issues_to_error (GPtrArray *issues,
                           GError   **error)
{
  g_autoptr (GString) msg = NULL;

  if (issues->len == 0)
    return TRUE;
  msg = g_string_new (NULL);
  for (guint i = 0; i < issues->len; i++)
    {
      OknFieldIssue *issue = g_ptr_array_index (issues, i);

      if (i > 0)
        g_string_append_c (msg, '\n');
      g_string_append (msg, issue->message);
    }
  g_set_error_literal (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, msg->str);
  return FALSE;
}

/**
 * okn_record_format_location:
 *
 * The coordinates as a person reads them, the same in every language:
 * "51.759200, 19.456000". A decimal comma would make that "51,759200,
 * 19,456000", four numbers or two; okn_record_set_location_text() takes
 * this form back.
 *
 * Returns: (transfer full) (nullable): %NULL when the record has none
 */
char *
okn_record_format_location (const OknRecord *record)
{
  char lat[G_ASCII_DTOSTR_BUF_SIZE];
  char lon[G_ASCII_DTOSTR_BUF_SIZE];

  if (!record->has_location)
    return NULL;
  return g_strdup_printf ("%s, %s", g_ascii_formatd (lat, sizeof lat, "%.6f", record->lat),
                          g_ascii_formatd (lon, sizeof lon, "%.6f", record->lon));
}

/**
 * okn_record_set_location_text:
 * @lat: (nullable): the latitude as typed (a decimal comma is fine)
 * @lon: (nullable): the longitude as typed
 *
 * Sets the coordinates from what a person typed; both empty clears them.
 * The range is checked by okn_record_check().
 *
 * Returns: (transfer full) (nullable): %NULL when understood, else the
 *   problem, for the field it concerns
 */
OknFieldIssue *
okn_record_set_location_text (OknRecord  *record,
                              const char *lat,
                              const char *lon)
{
  g_autofree char *a = g_strstrip (g_strdup (lat ? lat : ""));
  g_autofree char *b = g_strstrip (g_strdup (lon ? lon : ""));
  g_autoptr (GPtrArray) issues = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_field_issue_free);
  const char *texts[] = { a, b };
  const char *fields[] = { "lat", "long" };
  double values[2] = { 0, 0 };

  record->has_location = FALSE;
  record->lat = record->lon = 0;
  if (*a == '\0' && *b == '\0')
    return NULL;
  if (*a == '\0' || *b == '\0')
    {
      okn_field_issue_add (issues, "location", NULL, _("give both latitude and longitude."));
      return g_ptr_array_steal_index (issues, 0);
    }
  for (guint i = 0; i < 2; i++)
    {
      char *end = NULL;

      /* Polish writes 51,7592. */
      g_strdelimit ((char *) texts[i], ",", '.');
      values[i] = g_ascii_strtod (texts[i], &end);
      if (end == texts[i] || *end != '\0')
        {
          g_autofree char *shown = quote (i == 0 ? lat : lon);

          okn_field_issue_add (issues, fields[i], NULL, _("“%s” is not a number (e.g. 51.7592 or 51,7592)."),
                               shown);
          return g_ptr_array_steal_index (issues, 0);
        }
    }
  record->has_location = TRUE;
  record->lat = values[0];
  record->lon = values[1];
  return NULL;
}

/* JSON ------------------------------------------------------------------ */

#define json_fail(error, field, ...) \
  okn_set_field_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, field_label (field), __VA_ARGS__)

/* What a member of the JSON form holds. */
typedef enum
{
  MEMBER_TEXT,        /* char * */
  MEMBER_BOOL,        /* gboolean */
  MEMBER_INT,         /* int */
  MEMBER_ENUM,        /* an enum of this file, by its name in names[] */
  MEMBER_COORDINATE,  /* double; written with has_location, read in pairs */
} MemberType;

typedef enum
{
  LETTER_ONLY = 1 << 0,  /* written for letters only */
  REPORT_ONLY = 1 << 1,  /* written for reports only */
  PERSONAL    = 1 << 2,  /* left out of the public view */
  SETTABLE    = 1 << 3,  /* okn_record_from_json() takes it from a script */
} MemberFlags;

typedef struct
{
  const char  *name;
  MemberType   type;
  gsize        offset;
  MemberFlags  flags;
  const char **names;
  guint        n_names;
} JsonMember;

/* MEMBER_ENUM reads and writes the enums as ints. */
G_STATIC_ASSERT (sizeof (OknKind) == sizeof (int));
G_STATIC_ASSERT (sizeof (OknChannel) == sizeof (int));
G_STATIC_ASSERT (sizeof (OknSyncState) == sizeof (int));
G_STATIC_ASSERT (sizeof (OknDelivery) == sizeof (int));

#define OFFSET(m)    G_STRUCT_OFFSET (OknRecord, m)
#define NAMES(table) table, G_N_ELEMENTS (table)

/* The plain members of the JSON form, in the order okn_record_to_json()
 * writes them; its "attributes" and "files" follow them. "kind" is read on
 * its own, before the others: the record is made for it. */
static const JsonMember json_members[] = {
  { "ticket", MEMBER_TEXT, OFFSET (ticket), 0 },
  { "verification_code", MEMBER_TEXT, OFFSET (verification_code), PERSONAL },
  { "uuid", MEMBER_TEXT, OFFSET (uuid), PERSONAL },
  { "kind", MEMBER_ENUM, OFFSET (kind), 0, NAMES (kind_names) },
  { "channel", MEMBER_ENUM, OFFSET (channel), SETTABLE, NAMES (channel_names) },
  { "station", MEMBER_TEXT, OFFSET (station), 0 },
  { "operator", MEMBER_TEXT, OFFSET (operator_name), PERSONAL },
  { "created_at", MEMBER_TEXT, OFFSET (created_at), 0 },
  { "updated_at", MEMBER_TEXT, OFFSET (updated_at), 0 },
  { "sync_state", MEMBER_ENUM, OFFSET (sync_state), 0, NAMES (sync_state_names) },
  { "cancel_reason", MEMBER_TEXT, OFFSET (cancel_reason), PERSONAL },
  { "purged_at", MEMBER_TEXT, OFFSET (purged_at), PERSONAL },
  { "service_request_id", MEMBER_TEXT, OFFSET (server_id), 0 },
  { "status", MEMBER_TEXT, OFFSET (server_status), 0 },
  { "status_notes", MEMBER_TEXT, OFFSET (server_status_notes), 0 },
  { "server_error", MEMBER_TEXT, OFFSET (server_error), PERSONAL },
  { "received_at", MEMBER_TEXT, OFFSET (received_at), LETTER_ONLY | SETTABLE },
  { "delivery", MEMBER_ENUM, OFFSET (delivery), LETTER_ONLY | SETTABLE, NAMES (delivery_names) },
  { "unit", MEMBER_TEXT, OFFSET (unit), LETTER_ONLY | SETTABLE },
  { "sender", MEMBER_TEXT, OFFSET (sender_name), LETTER_ONLY | PERSONAL | SETTABLE },
  { "sender_address", MEMBER_TEXT, OFFSET (sender_address), LETTER_ONLY | PERSONAL | SETTABLE },
  { "anonymous", MEMBER_BOOL, OFFSET (anonymous), LETTER_ONLY | PERSONAL | SETTABLE },
  { "letter_date", MEMBER_TEXT, OFFSET (letter_date), LETTER_ONLY | PERSONAL | SETTABLE },
  { "reference", MEMBER_TEXT, OFFSET (reference), LETTER_ONLY | PERSONAL | SETTABLE },
  { "subject", MEMBER_TEXT, OFFSET (subject), LETTER_ONLY | PERSONAL | SETTABLE },
  { "pages", MEMBER_INT, OFFSET (pages), LETTER_ONLY | PERSONAL | SETTABLE },
  { "attachments", MEMBER_INT, OFFSET (attachment_count), LETTER_ONLY | PERSONAL | SETTABLE },
  { "notes", MEMBER_TEXT, OFFSET (notes), LETTER_ONLY | PERSONAL | SETTABLE },
  { "category", MEMBER_TEXT, OFFSET (category), REPORT_ONLY | SETTABLE },
  { "description", MEMBER_TEXT, OFFSET (description), REPORT_ONLY | PERSONAL | SETTABLE },
  { "address", MEMBER_TEXT, OFFSET (address), REPORT_ONLY | PERSONAL | SETTABLE },
  { "lat", MEMBER_COORDINATE, OFFSET (lat), REPORT_ONLY | PERSONAL | SETTABLE },
  { "long", MEMBER_COORDINATE, OFFSET (lon), REPORT_ONLY | PERSONAL | SETTABLE },
  { "name", MEMBER_TEXT, OFFSET (contact_name), REPORT_ONLY | PERSONAL | SETTABLE },
  { "email", MEMBER_TEXT, OFFSET (contact_email), REPORT_ONLY | PERSONAL | SETTABLE },
  { "phone", MEMBER_TEXT, OFFSET (contact_phone), REPORT_ONLY | PERSONAL | SETTABLE },
  { "consent", MEMBER_BOOL, OFFSET (consent), REPORT_ONLY | PERSONAL | SETTABLE },
};

#undef OFFSET
#undef NAMES

static gboolean
json_string (JsonNode   *node,
             const char *field,
             char      **out,
             GError    **error)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      json_fail (error, field, _("must be text."));
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* @names: the enum's table (channel_names, ...), matched the way its
 * okn_*_from_string() matches it. */
static gboolean
json_enum (JsonNode    *node,
           const char  *field,
           const char **names,
           guint        n_names,
           int         *out,
           GError     **error)
{
  g_autofree char *s = NULL;

  if (!json_string (node, field, &s, error))
    return FALSE;
  if (s && !lookup_name (s, names, n_names, out))
    {
      g_autofree char *shown = quote (s);

      json_fail (error, field, _("“%s” is not one of the allowed values."), shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
json_attributes (JsonNode   *node,
                 OknRecord  *r,
                 GError    **error)
{
  JsonObject *obj;
  g_autoptr (GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      json_fail (error, "attributes", _("must be an object of names and values."));
      return FALSE;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      JsonNode *v = json_object_get_member (obj, l->data);

      if (JSON_NODE_HOLDS_ARRAY (v))
        {
          JsonArray *arr = json_node_get_array (v);

          for (guint i = 0; i < json_array_get_length (arr); i++)
            {
              JsonNode *e = json_array_get_element (arr, i);
              g_autofree char *s = NULL;

              if (!json_string (e, "attributes", &s, error))
                return FALSE;
              okn_record_add_attribute (r, l->data, s ? s : "");
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (v))
        {
          g_autofree char *s = okn_json_node_text (v);

          okn_record_add_attribute (r, l->data, s ? s : "");
        }
      else
        {
          g_autofree char *shown = quote (l->data);

          json_fail (error, "attributes", _("“%s” must be text or a list of texts."), shown);
          return FALSE;
        }
    }
  return TRUE;
}


/* A member's text, or %NULL when it is missing or not a string: json-glib's
 * own getter cries a critical on an object or a list. */
static const char *
string_member (JsonObject *obj,
               const char *name)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}
static gboolean
json_files (JsonNode   *node,
            OknRecord  *r,
            GError    **error)
{
  JsonArray *arr;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      json_fail (error, "files", _("must be a list of file paths."));
      return FALSE;
    }
  arr = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *e = json_array_get_element (arr, i);
      const char *path = NULL;

      if (JSON_NODE_HOLDS_VALUE (e) && json_node_get_value_type (e) == G_TYPE_STRING)
        path = json_node_get_string (e);
      else if (JSON_NODE_HOLDS_OBJECT (e))
        path = string_member (json_node_get_object (e), "path");
      if (path == NULL)
        {
          json_fail (error, "files", _("must be a list of file paths."));
          return FALSE;
        }
      if (!okn_record_add_file (r, path, error))
        return FALSE;
    }
  return TRUE;
}

static const JsonMember *
settable_member (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (json_members); i++)
    if ((json_members[i].flags & SETTABLE) && g_str_equal (json_members[i].name, name))
      return &json_members[i];
  return NULL;
}

/* One plain member a script gave, read into the record when it is of the
 * member's type. */
static gboolean
json_member (JsonNode         *node,
             const JsonMember *m,
             OknRecord        *r,
             GError          **error)
{
  GType t = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  gpointer at = G_STRUCT_MEMBER_P (r, m->offset);

  switch (m->type)
    {
    case MEMBER_TEXT:
      return json_string (node, m->name, at, error);
    case MEMBER_ENUM:
      return json_enum (node, m->name, m->names, m->n_names, at, error);
    case MEMBER_BOOL:
      if (t != G_TYPE_BOOLEAN)
        return json_fail (error, m->name, _("must be true or false."));
      *(gboolean *) at = json_node_get_boolean (node);
      return TRUE;
    case MEMBER_INT:
      if (t != G_TYPE_INT64)
        return json_fail (error, m->name, _("must be a whole number."));
      if (json_node_get_int (node) < G_MININT || json_node_get_int (node) > G_MAXINT)
        return json_fail (error, m->name, _("is out of range."));
      *(int *) at = (int) json_node_get_int (node);
      return TRUE;
    case MEMBER_COORDINATE:
      if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
        return json_fail (error, m->name, _("must be a number."));
      *(double *) at = json_node_get_double (node);
      return TRUE;
    }
  g_return_val_if_reached (FALSE);
}

/**
 * okn_record_from_json:
 * @node: one JSON object, as `okienkoctl register --json -` reads it
 *
 * Takes the fields a script may set when it registers a record; unknown
 * members are refused by name rather than ignored, so a misspelt field never
 * loses data silently.
 *
 * Returns: (transfer full): a record that still has to be validated
 */
OknRecord *
okn_record_from_json (JsonNode *node,
                      GError  **error)
{
  g_autoptr (OknRecord) r = NULL;
  g_autoptr (GList) members = NULL;
  JsonObject *obj;
  const char *kind_s;
  OknKind kind;
  guint coordinates = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("Each record must be a JSON object."));
      return NULL;
    }
  obj = json_node_get_object (node);
  kind_s = string_member (obj, "kind");
  if (kind_s == NULL || !okn_kind_from_string (kind_s, &kind))
    {
      json_fail (error, "kind", _("must be “letter” or “report”."));
      return NULL;
    }
  r = okn_record_new (kind);

  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *k = l->data;
      JsonNode *v = json_object_get_member (obj, k);
      const JsonMember *m = settable_member (k);
      gboolean ok;

      if (g_str_equal (k, "kind"))
        continue;
      else if (m != NULL)
        {
          ok = json_member (v, m, r, error);
          coordinates += m->type == MEMBER_COORDINATE;
        }
      else if (g_str_equal (k, "attributes"))
        ok = json_attributes (v, r, error);
      else if (g_str_equal (k, "files"))
        ok = json_files (v, r, error);
      else
        {
          g_autofree char *shown = quote (k);

          g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                       _("Unknown field “%s”."), shown);
          ok = FALSE;
        }
      if (!ok)
        return NULL;
    }

  if (coordinates == 1)
    {
      json_fail (error, "location", _("give both latitude and longitude."));
      return NULL;
    }
  r->has_location = coordinates == 2;
  return g_steal_pointer (&r);
}

static void
add_str (JsonBuilder *b,
         const char  *name,
         const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_member (JsonBuilder      *b,
            const JsonMember *m,
            const OknRecord  *r)
{
  switch (m->type)
    {
    case MEMBER_TEXT:
      add_str (b, m->name, G_STRUCT_MEMBER (const char *, r, m->offset));
      return;
    case MEMBER_ENUM:
      {
        guint v = (guint) G_STRUCT_MEMBER (int, r, m->offset);

        /* As okn_*_to_string() refuses a value outside the enum. */
        g_return_if_fail (v < m->n_names);
        add_str (b, m->name, m->names[v]);
        return;
      }
    case MEMBER_BOOL:
      json_builder_set_member_name (b, m->name);
      json_builder_add_boolean_value (b, G_STRUCT_MEMBER (gboolean, r, m->offset));
      return;
    case MEMBER_INT:
      json_builder_set_member_name (b, m->name);
      json_builder_add_int_value (b, G_STRUCT_MEMBER (int, r, m->offset));
      return;
    case MEMBER_COORDINATE:
      if (r->has_location)
        {
          json_builder_set_member_name (b, m->name);
          json_builder_add_double_value (b, G_STRUCT_MEMBER (double, r, m->offset));
        }
      return;
    }
}

/* The values of the category's attributes, by their codes. */
static void
add_attributes (JsonBuilder     *b,
                const OknRecord *r)
{
  json_builder_set_member_name (b, "attributes");
  json_builder_begin_object (b);
  for (guint i = 0; i < r->attributes->len; i++)
    {
      OknAttribute *a = g_ptr_array_index (r->attributes, i);
      guint n = 0;

      /* A key given more than once is a multi-value list. */
      for (guint j = 0; j < r->attributes->len; j++)
        if (g_str_equal (((OknAttribute *) g_ptr_array_index (r->attributes, j))->key, a->key))
          n++;
      if (n == 1)
        {
          add_str (b, a->key, a->value);
          continue;
        }
      if (okn_record_get_attribute (r, a->key) != a->value)
        continue;
      json_builder_set_member_name (b, a->key);
      json_builder_begin_array (b);
      for (guint j = 0; j < r->attributes->len; j++)
        {
          OknAttribute *c = g_ptr_array_index (r->attributes, j);
          if (g_str_equal (c->key, a->key))
            json_builder_add_string_value (b, c->value);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/**
 * okn_record_to_json:
 * @with_personal: %FALSE leaves out everything that could identify a person
 *   or that they wrote (for a status shown to the public)
 *
 * Returns: (transfer full): the record as one JSON object
 */
JsonNode *
okn_record_to_json (const OknRecord *r,
                    gboolean         with_personal)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  for (guint i = 0; i < G_N_ELEMENTS (json_members); i++)
    {
      const JsonMember *m = &json_members[i];

      if (((m->flags & PERSONAL) && !with_personal)
          || ((m->flags & LETTER_ONLY) && r->kind != OKN_KIND_LETTER)
          || ((m->flags & REPORT_ONLY) && r->kind != OKN_KIND_REPORT))
        continue;
      add_member (b, m, r);
    }

  if (with_personal && r->kind == OKN_KIND_REPORT)
    add_attributes (b, r);
  if (with_personal && r->files->len > 0)
    {
      json_builder_set_member_name (b, "files");
      json_builder_begin_array (b);
      for (guint i = 0; i < r->files->len; i++)
        {
          OknAttachment *a = g_ptr_array_index (r->files, i);

          json_builder_begin_object (b);
          add_str (b, "sha256", a->sha256);
          add_str (b, "filename", a->filename);
          add_str (b, "mime_type", a->mime_type);
          json_builder_set_member_name (b, "size");
          json_builder_add_int_value (b, a->size);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * okn_record_case_id_usable:
 * @case_id: (nullable): a case number as a server gave it
 * @why: (out) (optional) (transfer full): when it cannot be used, what is
 *   wrong with it, in words (to end a sentence); %NULL otherwise
 *
 * Whether a server's case number can be kept as a record's and asked
 * about again. The spec sets no length or alphabet, but no real system
 * issues a case number longer than %OKN_RECORD_CASE_ID_MAX bytes, or
 * with a control character, a line break or a bidi override in it, or
 * that is not UTF-8 text: kept, such a number would be shown as it is
 * and would not fit in a request that asks about it (with the case
 * numbers of its batch).
 *
 * Returns: %TRUE when it can be kept
 */
gboolean
okn_record_case_id_usable (const char  *case_id,
                           char       **why)
{
  gsize len = case_id ? strlen (case_id) : 0;
  char *said = NULL;

  if (len == 0)
    said = g_strdup (_("it is empty"));
  else if (len > OKN_RECORD_CASE_ID_MAX)
    said = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "it is %lu byte long, at most %d are kept",
                                         "it is %lu bytes long, at most %d are kept", (gulong) len),
                            (gulong) len, OKN_RECORD_CASE_ID_MAX);
  else if (!g_utf8_validate (case_id, (gssize) len, NULL))
    said = g_strdup (_("it is not UTF-8 text"));
  else if (!okn_text_is_display_safe (case_id))
    said = g_strdup (_("it holds a control character"));
  if (why)
    *why = said;
  else
    g_free (said);
  return said == NULL;
}

/**
 * okn_record_case_id_refusal:
 * @case_id: (nullable): a case number as a server gave it
 * @ticket: the ticket ID of the record it was given for
 *
 * What a record says in place of a case number it cannot keep
 * (okn_record_case_id_usable()): the server made the case, so the record
 * is sent, without a case number. The sync engine and the store's upgrade
 * of numbers an older version kept say it alike.
 *
 * Returns: (transfer full) (nullable): the sentence, %NULL when @case_id
 *   can be kept
 */
char *
okn_record_case_id_refusal (const char *case_id,
                            const char *ticket)
{
  g_autofree char *why = NULL;

  if (okn_record_case_id_usable (case_id, &why))
    return NULL;
  /* TRANSLATORS: a record's sync error, shown as its case number; the
   * first %s says what is wrong with the number the server gave ("it is
   * 1000000 bytes long, at most 255 are kept"), the second is the ticket ID */
  return g_strdup_printf (_("The server made the case, but its case number cannot be used (%s): the "
                            "record is sent and is not sent again, but it has no case number and its "
                            "status is not updated here. On the server, the case’s description carries "
                            "the ticket ID %s."),
                          why, ticket);
}
