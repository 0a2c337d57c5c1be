/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-records.c: init, register, show, list, search, edit, cancel,
 * status. Each command parses, calls the core and prints its answer: no
 * business rules here. */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "okienkoctl.h"

/* Options a record can be given on the command line ---------------------- */

typedef struct
{
  gboolean json;
  char *channel;
  char **files;
  /* reports */
  char *category;
  char *description;
  char *address;
  char *lat;
  char *lon;
  char *name;
  char *email;
  char *phone;
  gboolean consent;
  gboolean no_consent;
  char **attrs;
  /* letters */
  char *sender;
  char *sender_address;
  gboolean anonymous;
  gboolean not_anonymous;
  char *subject;
  char *letter_date;
  char *received;
  char *reference;
  char *pages;
  char *attachments;
  char *delivery;
  char *unit;
  char *notes;
} RecordOpts;

static void
record_opts_clear (RecordOpts *o)
{
  g_free (o->channel);
  g_strfreev (o->files);
  g_free (o->category);
  g_free (o->description);
  g_free (o->address);
  g_free (o->lat);
  g_free (o->lon);
  g_free (o->name);
  g_free (o->email);
  g_free (o->phone);
  g_strfreev (o->attrs);
  g_free (o->sender);
  g_free (o->sender_address);
  g_free (o->subject);
  g_free (o->letter_date);
  g_free (o->received);
  g_free (o->reference);
  g_free (o->pages);
  g_free (o->attachments);
  g_free (o->delivery);
  g_free (o->unit);
  g_free (o->notes);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RecordOpts, record_opts_clear)

static void
add_report_entries (GOptionContext *octx,
                    RecordOpts     *o,
                    gboolean        editing)
{
  GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &o->category, N_("Category (Open311 service code)"), N_("CODE") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &o->description, N_("What happened (up to 4000 characters)"), N_("TEXT") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &o->address, N_("Where: an address"), N_("TEXT") },
    { "lat", 0, 0, G_OPTION_ARG_STRING, &o->lat, N_("Where: latitude"), N_("N") },
    { "long", 0, 0, G_OPTION_ARG_STRING, &o->lon, N_("Where: longitude"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &o->name, N_("Contact name (needs --consent)"), N_("TEXT") },
    { "email", 0, 0, G_OPTION_ARG_STRING, &o->email, N_("Contact e-mail (needs --consent)"), N_("ADDRESS") },
    { "phone", 0, 0, G_OPTION_ARG_STRING, &o->phone, N_("Contact phone (needs --consent)"), N_("NUMBER") },
    { "consent", 0, 0, G_OPTION_ARG_NONE, &o->consent, N_("The resident agrees to be contacted"), NULL },
    { "attr", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->attrs, N_("A category attribute (repeat for lists)"), N_("KEY=VALUE") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &o->channel, N_("desk, phone, kiosk, email, epuap, app or other"), N_("CHANNEL") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, N_("Attach a photo or scan"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print the whole record as JSON"), NULL },
    { "no-consent", 0, 0, G_OPTION_ARG_NONE, &o->no_consent, N_("Withdraw consent (clears nothing by itself)"), NULL },
    { NULL },
  };

  if (!editing)
    entries[G_N_ELEMENTS (entries) - 2] = (GOptionEntry) { NULL };
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
}

static void
add_letter_entries (GOptionContext *octx,
                    RecordOpts     *o,
                    gboolean        editing)
{
  GOptionEntry entries[] = {
    { "sender", 0, 0, G_OPTION_ARG_STRING, &o->sender, N_("Sender’s name"), N_("TEXT") },
    { "sender-address", 0, 0, G_OPTION_ARG_STRING, &o->sender_address, N_("Sender’s address"), N_("TEXT") },
    { "anonymous", 0, 0, G_OPTION_ARG_NONE, &o->anonymous, N_("The letter has no sender"), NULL },
    { "subject", 0, 0, G_OPTION_ARG_STRING, &o->subject, N_("Subject (a short summary)"), N_("TEXT") },
    { "letter-date", 0, 0, G_OPTION_ARG_STRING, &o->letter_date, N_("Date on the letter"), N_("DATE") },
    { "received", 0, 0, G_OPTION_ARG_STRING, &o->received, N_("When it was received (default: now)"), N_("DATETIME") },
    { "reference", 0, 0, G_OPTION_ARG_STRING, &o->reference, N_("Sender’s reference number"), N_("TEXT") },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &o->pages, N_("Number of pages"), N_("N") },
    { "attachments", 0, 0, G_OPTION_ARG_STRING, &o->attachments, N_("Number of attachments"), N_("N") },
    { "delivery", 0, 0, G_OPTION_ARG_STRING, &o->delivery, N_("in-person, post, courier, email, epuap or other"), N_("METHOD") },
    { "unit", 0, 0, G_OPTION_ARG_STRING, &o->unit, N_("Organisational unit it is assigned to"), N_("CODE") },
    { "notes", 0, 0, G_OPTION_ARG_STRING, &o->notes, N_("Notes"), N_("TEXT") },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &o->channel, N_("paper, email, epuap or other"), N_("CHANNEL") },
    { "attach", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o->files, N_("Attach a scan"), N_("FILE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o->json, N_("Print the whole record as JSON"), NULL },
    { "not-anonymous", 0, 0, G_OPTION_ARG_NONE, &o->not_anonymous, N_("The letter has a sender after all"), NULL },
    { NULL },
  };

  if (!editing)
    entries[G_N_ELEMENTS (entries) - 2] = (GOptionEntry) { NULL };
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
}

#define field_error(error, label, ...) \
  okn_set_field_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, label, __VA_ARGS__)

static gboolean
parse_count (const char *s,
             const char *label,
             int        *out,
             GError    **error)
{
  gint64 v;

  if (!g_ascii_string_to_signed (s, 10, 0, 9999, &v, NULL))
    {
      g_autofree char *shown = okctl_quote (s);

      return field_error (error, label, _("“%s” is not a number from 0 to 9999."), shown);
    }
  *out = (int) v;
  return TRUE;
}

static void
set_text (char      **field,
          const char *value)
{
  if (value == NULL)
    return;
  g_free (*field);
  *field = g_strdup (value);
}

/* Applies what was given on the command line; what was not given stays. */
static gboolean
apply_opts (const RecordOpts *o,
            OknRecord        *r,
            gboolean          editing,
            GError          **error)
{
  if (o->channel && !okn_channel_from_string (o->channel, &r->channel))
    {
      g_autofree char *shown = okctl_quote (o->channel);

      return field_error (error, _("Channel"), _("“%s” is not a channel."), shown);
    }

  for (guint i = 0; o->files && o->files[i]; i++)
    if (!okn_record_add_file (r, o->files[i], error))
      return FALSE;

  if (r->kind == OKN_KIND_REPORT)
    {
      set_text (&r->category, o->category);
      set_text (&r->description, o->description);
      set_text (&r->address, o->address);
      set_text (&r->contact_name, o->name);
      set_text (&r->contact_email, o->email);
      set_text (&r->contact_phone, o->phone);
      if (o->consent)
        r->consent = TRUE;
      if (o->no_consent)
        r->consent = FALSE;
      if (o->lat || o->lon)
        {
          g_autoptr (OknFieldIssue) issue = NULL;
          g_autofree char *lat = NULL;
          g_autofree char *lon = NULL;

          /* Editing one coordinate keeps the other. */
          if (r->has_location)
            {
              lat = g_strdup_printf ("%.7f", r->lat);
              lon = g_strdup_printf ("%.7f", r->lon);
            }
          issue = okn_record_set_location_text (r, o->lat ? o->lat : lat, o->lon ? o->lon : lon);
          if (issue)
            {
              g_set_error_literal (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID, issue->message);
              return FALSE;
            }
        }
      if (o->attrs && editing)
        g_ptr_array_set_size (r->attributes, 0);
      for (guint i = 0; o->attrs && o->attrs[i]; i++)
        {
          const char *eq = strchr (o->attrs[i], '=');
          g_autofree char *key = NULL;

          if (eq == NULL)
            {
              g_autofree char *shown = okctl_quote (o->attrs[i]);

              return field_error (error, _("Attributes"), _("“%s” is not KEY=VALUE."), shown);
            }
          key = g_strndup (o->attrs[i], (gsize) (eq - o->attrs[i]));
          okn_record_add_attribute (r, key, eq + 1);
        }
    }
  else
    {
      set_text (&r->sender_name, o->sender);
      set_text (&r->sender_address, o->sender_address);
      set_text (&r->subject, o->subject);
      set_text (&r->letter_date, o->letter_date);
      set_text (&r->received_at, o->received);
      set_text (&r->reference, o->reference);
      set_text (&r->unit, o->unit);
      set_text (&r->notes, o->notes);
      if (o->anonymous)
        r->anonymous = TRUE;
      if (o->not_anonymous)
        r->anonymous = FALSE;
      if (o->pages && !parse_count (o->pages, _("Pages"), &r->pages, error))
        return FALSE;
      if (o->attachments && !parse_count (o->attachments, _("Attachments"), &r->attachment_count, error))
        return FALSE;
      if (o->delivery)
        {
          if (!okn_delivery_from_string (o->delivery, &r->delivery))
            {
              g_autofree char *shown = okctl_quote (o->delivery);

              return field_error (error, _("Delivery method"),
                                  _("“%s” is not one of in-person, post, courier, email, epuap, "
                                    "other."),
                                  shown);
            }
        }
    }
  return TRUE;
}

/* Output ------------------------------------------------------------------ */

static JsonNode *
record_json_full (OknStore  *store,
                  OknRecord *r)
{
  JsonNode *node = okn_record_to_json (r, TRUE);
  JsonObject *obj = json_node_get_object (node);
  g_autoptr (GPtrArray) history = okn_store_status_history (store, r->id, NULL);
  g_autoptr (GPtrArray) audit = okn_store_audit_log (store, r->id, NULL);
  JsonArray *h = json_array_new ();
  JsonArray *a = json_array_new ();

  for (guint i = 0; history && i < history->len; i++)
    {
      OknStatusChange *c = g_ptr_array_index (history, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "status", c->status);
      if (c->status_notes)
        json_object_set_string_member (o, "status_notes", c->status_notes);
      if (c->agency_responsible)
        json_object_set_string_member (o, "agency_responsible", c->agency_responsible);
      if (c->server_updated_at)
        json_object_set_string_member (o, "updated_datetime", c->server_updated_at);
      if (c->expected_at)
        json_object_set_string_member (o, "expected_datetime", c->expected_at);
      json_object_set_string_member (o, "fetched_at", c->fetched_at);
      json_array_add_object_element (h, o);
    }
  for (guint i = 0; audit && i < audit->len; i++)
    {
      OknAuditEntry *e = g_ptr_array_index (audit, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "at", e->at);
      json_object_set_string_member (o, "actor", e->actor);
      json_object_set_string_member (o, "action", e->action);
      if (e->details)
        {
          JsonNode *d = json_from_string (e->details, NULL);
          if (d)
            json_object_set_member (o, "details", d);
        }
      json_array_add_object_element (a, o);
    }
  json_object_set_array_member (obj, "status_history", h);
  json_object_set_array_member (obj, "audit", a);
  return node;
}

/* "Label:   value". The value may come from anyone (a resident, an
 * import, the server): it is made safe for the terminal, and the lines of
 * a multi-line value are indented, so that a description cannot forge a
 * "Status:" line of ours. */
static void
print_line (const char *label,
            const char *value)
{
  g_autofree char *safe = NULL;
  g_auto (GStrv) lines = NULL;

  if (value == NULL || *value == '\0')
    return;
  safe = okn_text_display_block (value);
  lines = g_strsplit (safe, "\n", -1);
  g_print ("%-*s %s\n", okctl_width (label, 22), label, lines[0]);
  for (guint i = 1; lines[i]; i++)
    g_print ("%-22s %s\n", "", lines[i]);
}

static void
print_record_text (OknStore  *store,
                   OknRecord *r)
{
  g_autoptr (GPtrArray) history = okn_store_status_history (store, r->id, NULL);
  g_autoptr (GPtrArray) audit = okn_store_audit_log (store, r->id, NULL);
  OknLanguage lang = okn_language_from_locale ();
  char num[32];

  print_line (_("Ticket ID:"), r->ticket);
  print_line (_("Verification code:"), r->verification_code);
  print_line (_("Kind:"), r->kind == OKN_KIND_LETTER ? _("letter") : _("report"));
  {
    /* The state's words, and the word okienkoctl list --state takes. */
    g_autofree char *state = g_strdup_printf ("%s (%s)", okn_labels_sync_state (lang, r->sync_state),
                                              okn_sync_state_to_string (r->sync_state));

    print_line (_("State:"), state);
  }
  /* Sent, but the server's case number could not be kept: why, in its
   * place (the engine's words, not the server's). */
  if (r->server_id == NULL && r->sync_state == OKN_SYNC_SYNCED && r->server_error)
    print_line (_("Case number:"), r->server_error);
  else
    {
      print_line (_("Case number:"), r->server_id);
      print_line (_("Server said:"), r->server_error);
    }
  print_line (_("Status:"), r->server_status);
  print_line (_("Status notes:"), r->server_status_notes);
  print_line (_("Cancelled because:"), r->cancel_reason);
  if (r->purged_at)
    {
      /* TRANSLATORS: okienkoctl show of a record whose personal fields the
       * retention purge cleared; %s: when (ISO 8601) */
      g_autofree char *line = g_strdup_printf (_("removed on %s under the retention rule "
                                                 "(privacy.retention_days); the fields that "
                                                 "held it are empty"),
                                               r->purged_at);

      print_line (_("Personal data:"), line);
    }
  print_line (_("Registered:"), r->created_at);
  print_line (_("Station:"), r->station);
  print_line (_("Operator:"), r->operator_name);
  print_line (_("Channel:"), okn_labels_channel (lang, r->channel));
  if (r->kind == OKN_KIND_LETTER)
    {
      print_line (_("Received:"), r->received_at);
      print_line (_("Delivery:"), okn_labels_delivery (lang, r->delivery));
      print_line (_("Sender:"), r->anonymous ? _("anonymous") : r->sender_name);
      print_line (_("Sender’s address:"), r->sender_address);
      print_line (_("Date on the letter:"), r->letter_date);
      print_line (_("Reference:"), r->reference);
      print_line (_("Subject:"), r->subject);
      g_snprintf (num, sizeof num, "%d", r->pages);
      print_line (_("Pages:"), num);
      g_snprintf (num, sizeof num, "%d", r->attachment_count);
      print_line (_("Attachments:"), num);
      print_line (_("Unit:"), r->unit);
      print_line (_("Notes:"), r->notes);
    }
  else
    {
      print_line (_("Category:"), r->category);
      print_line (_("Description:"), r->description);
      print_line (_("Address:"), r->address);
      if (r->has_location)
        {
          g_autofree char *where = okn_record_format_location (r);

          print_line (_("Coordinates:"), where);
        }
      print_line (_("Contact name:"), r->contact_name);
      print_line (_("E-mail:"), r->contact_email);
      print_line (_("Phone:"), r->contact_phone);
      for (guint i = 0; i < r->attributes->len; i++)
        {
          OknAttribute *a = g_ptr_array_index (r->attributes, i);
          g_autofree char *line = g_strdup_printf ("%s = %s", a->key, a->value);
          print_line (_("Attribute:"), line);
        }
    }
  for (guint i = 0; i < r->files->len; i++)
    {
      OknAttachment *a = g_ptr_array_index (r->files, i);
      g_autofree char *line = g_strdup_printf ("%s (%s, %" G_GINT64_FORMAT " B)", a->filename, a->mime_type, a->size);
      print_line (_("File:"), line);
    }
  for (guint i = 0; history && i < history->len; i++)
    {
      OknStatusChange *c = g_ptr_array_index (history, i);
      g_autofree char *line = g_strdup_printf ("%s %s%s%s", c->server_updated_at ? c->server_updated_at : c->fetched_at,
                                               c->status, c->status_notes ? ": " : "",
                                               c->status_notes ? c->status_notes : "");
      print_line (_("Status history:"), line);
    }
  for (guint i = 0; audit && i < audit->len; i++)
    {
      OknAuditEntry *e = g_ptr_array_index (audit, i);
      g_autofree char *line = g_strdup_printf ("%s %s %s%s%s", e->at, e->actor, e->action,
                                               e->details ? " " : "", e->details ? e->details : "");
      print_line (_("Audit:"), line);
    }
}

static void
print_record_row (OknRecord *r)
{
  const char *title = r->kind == OKN_KIND_LETTER
                        ? (r->subject ? r->subject : (r->anonymous ? _("(anonymous)") : r->sender_name))
                        : r->category;
  g_autofree char *flat = okn_text_display_line (title, 80);
  const char *kind = r->kind == OKN_KIND_LETTER ? _("letter") : _("report");
  /* Both kinds' words in one column, whatever their lengths in the
   * language (pismo, zgłoszenie). */
  int kind_columns = (int) MAX (g_utf8_strlen (_("letter"), -1), g_utf8_strlen (_("report"), -1));

  g_print ("%-16s  %.19s  %-*s  %-15s  %s\n", r->ticket, r->created_at,
           okctl_width (kind, kind_columns), kind, okn_sync_state_to_string (r->sync_state), flat);
}

static void
print_records (OknStore  *store,
               GPtrArray *records,
               gboolean   json)
{
  if (json)
    {
      g_autoptr (JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *arr = json_array_new ();

      for (guint i = 0; i < records->len; i++)
        json_array_add_element (arr, okn_record_to_json (g_ptr_array_index (records, i), TRUE));
      json_node_take_array (root, arr);
      okctl_print_json (root);
      return;
    }
  for (guint i = 0; i < records->len; i++)
    print_record_row (g_ptr_array_index (records, i));
  (void) store;
}

/* init --------------------------------------------------------------------- */

int
okctl_cmd_init (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autofree char *station = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autofree char *code = NULL;
  GOptionEntry entries[] = {
    { "station", 0, 0, G_OPTION_ARG_STRING, &station, N_("Station code, 2-4 characters (e.g. K03)"), N_("CODE") },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, NULL,
                            _("Creates or upgrades the database and sets the station up. "
                              "Running it again changes nothing."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    return okctl_usage_error (_("init takes no arguments besides --station."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  if (station == NULL)
    {
      code = okn_store_get_station (store, NULL);
      if (code == NULL)
        return okctl_usage_error (_("Station: give the station code: okienkoctl init --station CODE"));
    }
  else
    {
      if (!okn_store_init_station (store, station, NULL, &error))
        return okctl_fail (g_steal_pointer (&error));
      code = okn_store_get_station (store, NULL);
    }
  g_print (_("Station %s, database %s (schema %d)\n"), code, okn_store_get_path (store),
           okn_store_get_schema_version (store));
  return OKCTL_EXIT_OK;
}

/* register ----------------------------------------------------------------- */

/* Reads the JSON input, standard input ("-") or a file, and stops at
 * OKN_RECORD_JSON_MAX_BYTES: a wrong file (/dev/urandom, a disk image) must
 * cost a bounded amount of memory and say so, not grow until the machine
 * gives up. */
static GString *
read_json_input (const char *source,
                 GError    **error)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autofree char *shown = okctl_quote (source);
  const gsize max = OKN_RECORD_JSON_MAX_BYTES;
  struct stat st;
  int fd = STDIN_FILENO;
  int saved = 0;

  if (!g_str_equal (source, "-"))
    {
      fd = g_open (source, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
      if (fd < 0)
        {
          saved = errno;
          g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                       _("The input file %s cannot be read: %s"), shown, g_strerror (saved));
          return NULL;
        }
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("The input %s is a folder, not a file of JSON records."), shown);
      goto fail;
    }
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && (guint64) st.st_size > max)
    goto too_large;
  while (s->len <= max)
    {
      char buf[65536];
      gssize n = read (fd, buf, MIN (sizeof buf, max + 1 - s->len));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                       _("The input %s cannot be read: %s"), shown, g_strerror (saved));
          goto fail;
        }
      if (n == 0)
        break;
      g_string_append_len (s, buf, n);
    }
  if (s->len > max)
    goto too_large;
  if (fd != STDIN_FILENO)
    close (fd);
  return g_steal_pointer (&s);

too_large:
  g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
               _("The input is larger than %u MiB, the most one import takes; split it into "
                 "smaller files."),
               (guint) (max / (1024 * 1024)));
fail:
  if (fd != STDIN_FILENO)
    close (fd);
  return NULL;
}

/* What the store said while registering, after what it said at open
 * (okctl_open_store()): a mark of the numbers given out that could not be
 * written. The records are stored all the same, so the exit status stays
 * 0, as the desk shows the saved ticket: registering again would store
 * them twice. */
static void
print_warnings_since (OknStore *store,
                      guint     from)
{
  GPtrArray *warnings = okn_store_get_warnings (store);
  g_autoptr (GPtrArray) since = g_ptr_array_new ();

  for (guint i = from; warnings && i < warnings->len; i++)
    g_ptr_array_add (since, g_ptr_array_index (warnings, i));
  okctl_print_warnings (since);
}

static void
on_register_progress (guint    done,
                      guint    total,
                      gpointer data)
{
  okctl_progress_update (data, done, total);
}

static int
register_from_json (OkctlContext *ctx,
                    const char   *source)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) input = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (OknStore) store = NULL;
  OknRecordImportShape shape = OKN_RECORD_IMPORT_OBJECT;
  guint opened;

  input = read_json_input (source, &error);
  if (input == NULL)
    return okctl_fail (g_steal_pointer (&error));
  records = okn_record_import_json (input->str, input->len, &shape, &error);
  if (records == NULL)
    return okctl_fail (g_steal_pointer (&error));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  opened = okn_store_get_warnings (store)->len;
  {
    /* TRANSLATORS: what the progress line of register --json - is doing */
    g_autoptr (OkctlProgress) progress = okctl_progress_new (_("Registering"));

    if (!okn_store_register_many_with_progress (store, records, NULL, on_register_progress, progress, &error))
      return okctl_fail (g_steal_pointer (&error));
  }
  print_warnings_since (store, opened);

  if (shape == OKN_RECORD_IMPORT_ARRAY)
    print_records (store, records, TRUE);
  else
    for (guint i = 0; i < records->len; i++)
      {
        g_autoptr (JsonNode) node = okn_record_to_json (g_ptr_array_index (records, i), TRUE);
        okctl_print_json (node);
      }
  return OKCTL_EXIT_OK;
}

/* A record just stored: its ticket ID, or with --json the whole record. */
static void
print_saved (OknRecord *r,
             gboolean   json)
{
  if (json)
    {
      g_autoptr (JsonNode) node = okn_record_to_json (r, TRUE);
      okctl_print_json (node);
    }
  else
    g_print ("%s\n", r->ticket);
}

/* The record of @ticket, from the store opened into @store.
 * Returns: (transfer full) (nullable): the record, or %NULL with @error */
static OknRecord *
open_and_lookup (OkctlContext *ctx,
                 const char   *ticket,
                 OknStore    **store,
                 GError      **error)
{
  *store = okctl_open_store (ctx, error);
  return *store ? okn_store_lookup (*store, ticket, error) : NULL;
}

int
okctl_cmd_register (OkctlContext *ctx,
                    int           argc,
                    char        **argv)
{
  g_auto (RecordOpts) o = { 0 };
  g_autoptr (GOptionContext) octx = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) r = NULL;
  g_autoptr (OknIntakeResult) result = NULL;
  OknIntakeOptions options = { .mode = OKN_INTAKE_NEW };
  OknKind kind;
  guint opened;

  if (argc < 2 || !okn_kind_from_string (argv[1], &kind))
    {
      gboolean json = FALSE;
      GOptionEntry entries[] = {
        { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Read JSON records from FILE (- for standard input)"), NULL },
        { NULL },
      };

      octx = g_option_context_new (_("report|letter [OPTIONS] | --json -"));
      g_option_context_set_summary (octx,
                                    _("Registers a record and prints its ticket ID.\n\n"
                                      "  okienkoctl register report --help\n"
                                      "  okienkoctl register letter --help\n"
                                      "  okienkoctl register --json - < records.json   "
                                      "(one object, an array or NDJSON; all or none are stored)"));
      g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
      if (!okctl_parse_options (octx, &argc, &argv))
        return OKCTL_EXIT_USAGE;
      if (json && argc == 2)
        return register_from_json (ctx, argv[1]);
      return okctl_usage_error (_("Say what to register: “register report”, “register letter” "
                                  "or “register --json -”."));
    }

  octx = g_option_context_new (kind == OKN_KIND_REPORT ? _("report --category CODE --description TEXT "
                                                           "(--address TEXT | --lat N --long N)")
                                                       : _("letter (--sender TEXT | --anonymous)"));
  if (kind == OKN_KIND_REPORT)
    add_report_entries (octx, &o, FALSE);
  else
    add_letter_entries (octx, &o, FALSE);
  if (!okctl_parse_options (octx, &argc, &argv))
    return OKCTL_EXIT_USAGE;
  if (argc > 2)
    {
      g_autofree char *shown = okctl_quote (argv[2]);

      return okctl_usage_error (_("Unexpected argument “%s”; values go after their option, quoted."),
                                shown);
    }

  r = okn_record_new (kind);
  if (!apply_opts (&o, r, FALSE, &error))
    return okctl_fail (g_steal_pointer (&error));

  /* The core's intake: the record's checks and its category's attributes
   * from the cached catalogue. Nothing prints: okienkoctl print does. */
  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  opened = okn_store_get_warnings (store)->len;
  if ((result = okn_intake_submit (store, NULL, r, &options, NULL, &error)) == NULL)
    return okctl_fail (g_steal_pointer (&error));

  print_saved (r, o.json);
  print_warnings_since (store, opened);
  return OKCTL_EXIT_OK;
}

/* show, list, search ----------------------------------------------------- */

int
okctl_cmd_show (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) r = NULL;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("TICKET"),
                            _("Shows a record, its status history and its audit trail. "
                              "Case, spaces, hyphens and look-alike characters are forgiven."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc != 2)
    return okctl_usage_error (_("Give one ticket ID: okienkoctl show K03-26-004217-Q"));

  r = open_and_lookup (ctx, argv[1], &store, &error);
  if (r == NULL)
    return okctl_fail (g_steal_pointer (&error));
  if (json)
    {
      g_autoptr (JsonNode) node = record_json_full (store, r);
      okctl_print_json (node);
    }
  else
    print_record_text (store, r);
  return OKCTL_EXIT_OK;
}

static GDateTime *
parse_since (const char *s)
{
  return okn_datetime_parse (s, NULL);
}

/* What list and search keep: --kind, --state, --since. */
typedef struct
{
  char *kind;
  char *state;
  char *since;
} FilterArgs;

static void
filter_args_clear (FilterArgs *a)
{
  g_clear_pointer (&a->kind, g_free);
  g_clear_pointer (&a->state, g_free);
  g_clear_pointer (&a->since, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FilterArgs, filter_args_clear)

static void
add_filter_options (GOptionContext *octx,
                    FilterArgs     *a)
{
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &a->kind, N_("letter or report"), N_("KIND") },
    { "state", 0, 0, G_OPTION_ARG_STRING, &a->state, N_("queued, sending, awaiting-id, synced, needs-attention or cancelled"), N_("STATE") },
    { "since", 0, 0, G_OPTION_ARG_STRING, &a->since, N_("Registered on or after (YYYY-MM-DD or ISO 8601)"), N_("DATE") },
    { NULL },
  };

  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
}

/* Returns: %OKCTL_EXIT_OK with @filter set from @a, or a usage error */
static int
parse_filter (const FilterArgs *a,
              OknListFilter    *filter)
{
  if (a->kind && !(filter->has_kind = okn_kind_from_string (a->kind, &filter->kind)))
    {
      g_autofree char *shown = okctl_quote (a->kind);

      return okctl_usage_error (_("Kind: “%s” is not letter or report."), shown);
    }
  if (a->state && !(filter->has_state = okn_sync_state_from_string (a->state, &filter->state)))
    {
      g_autofree char *shown = okctl_quote (a->state);

      return okctl_usage_error (_("State: “%s” is not a sync state."), shown);
    }
  if (a->since && (filter->since = parse_since (a->since)) == NULL)
    {
      g_autofree char *shown = okctl_quote (a->since);

      return okctl_usage_error (_("Since: “%s” is not a date: write 29.11.2026 or 2026-11-29."), shown);
    }
  return OKCTL_EXIT_OK;
}

/* The records @filter keeps (of those @text finds, when given), printed. */
static int
print_found (OkctlContext  *ctx,
             const char    *text,
             OknListFilter *filter,
             gboolean       json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okctl_open_store (ctx, &error);
  g_autoptr (GPtrArray) records = NULL;

  if (store != NULL)
    records = text ? okn_store_search_filtered (store, text, filter, &error) : okn_store_list (store, filter, &error);
  g_clear_pointer (&filter->since, g_date_time_unref);
  if (records == NULL)
    return okctl_fail (g_steal_pointer (&error));
  print_records (store, records, json);
  return OKCTL_EXIT_OK;
}

int
okctl_cmd_list (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (NULL);
  g_auto (FilterArgs) args = { 0 };
  int limit = 0;
  gboolean json = FALSE;
  OknListFilter filter = { 0 };
  GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N records"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { NULL },
  };
  int status;

  add_filter_options (octx, &args);
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!okctl_parse_options (octx, &argc, &argv))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    {
      g_autofree char *shown = okctl_quote (argv[1]);

      return okctl_usage_error (_("Unexpected argument “%s”."), shown);
    }
  if ((status = parse_filter (&args, &filter)) != OKCTL_EXIT_OK)
    return status;
  if (limit < 0)
    {
      g_clear_pointer (&filter.since, g_date_time_unref);
      return okctl_usage_error (_("Limit: must not be negative."));
    }
  filter.limit = (guint) limit;
  return print_found (ctx, NULL, &filter, json);
}

int
okctl_cmd_search (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GOptionContext) octx = g_option_context_new (_("TEXT"));
  g_auto (FilterArgs) args = { 0 };
  gboolean json = FALSE;
  int limit = 100;
  OknListFilter filter = { 0 };
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON array"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N records (default 100)"), N_("N") },
    { NULL },
  };
  int status;

  g_option_context_set_summary (octx, _("Finds records by ticket ID or by words from the sender, "
                                        "subject, description or address."));
  add_filter_options (octx, &args);
  g_option_context_add_main_entries (octx, entries, GETTEXT_PACKAGE);
  if (!okctl_parse_options (octx, &argc, &argv))
    return OKCTL_EXIT_USAGE;
  if (argc != 2)
    return okctl_usage_error (_("Give the text to search for, quoted."));
  if (limit <= 0)
    return okctl_usage_error (_("Limit: must be at least 1."));
  if ((status = parse_filter (&args, &filter)) != OKCTL_EXIT_OK)
    return status;
  filter.limit = (guint) limit;
  return print_found (ctx, argv[1], &filter, json);
}

/* edit, cancel -------------------------------------------------------------- */

int
okctl_cmd_edit (OkctlContext *ctx,
                int           argc,
                char        **argv)
{
  g_auto (RecordOpts) o = { 0 };
  g_autoptr (GOptionContext) octx = g_option_context_new (_("TICKET [FIELD OPTIONS]"));
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknRecord) r = NULL;
  OknKind kind = OKN_KIND_LETTER;

  g_option_context_set_summary (octx, _("Corrects fields of a record that has not been sent. "
                                        "An empty value clears a field."));
  /* The record's kind decides which options exist. Only a ticket opens the
   * database: "edit --help" must not create one. */
  if (argc >= 2 && argv[1][0] != '-')
    {
      r = open_and_lookup (ctx, argv[1], &store, &error);
      if (r == NULL)
        return okctl_fail (g_steal_pointer (&error));
      kind = r->kind;
    }
  if (kind == OKN_KIND_REPORT)
    add_report_entries (octx, &o, TRUE);
  else
    add_letter_entries (octx, &o, TRUE);
  if (!okctl_parse_options (octx, &argc, &argv))
    return OKCTL_EXIT_USAGE;
  if (r == NULL || argc != 2)
    return okctl_usage_error (_("Give one ticket ID, then the fields to correct."));

  if (!apply_opts (&o, r, TRUE, &error) || !okn_store_update (store, r, NULL, &error))
    return okctl_fail (g_steal_pointer (&error));
  print_saved (r, o.json);
  return OKCTL_EXIT_OK;
}

int
okctl_cmd_cancel (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the record is cancelled (required)"), N_("TEXT") },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("TICKET --reason TEXT"),
                            _("Cancels a record that has not been sent. The reason stays "
                              "in the record and its audit trail."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc != 2)
    return okctl_usage_error (_("Give one ticket ID and --reason."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL || !okn_store_cancel (store, argv[1], reason, NULL, &error))
    return okctl_fail (g_steal_pointer (&error));
  return OKCTL_EXIT_OK;
}

/* status ---------------------------------------------------------------------- */

int
okctl_cmd_status (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  g_autoptr (OknSyncStatus) status = NULL;
  const OknStoreStats *stats;
  gboolean json = FALSE;
  gboolean prometheus = FALSE;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object (for monitoring)"), NULL },
    { "prometheus", 0, 0, G_OPTION_ARG_NONE, &prometheus,
      N_("Print metrics in the Prometheus text format (for node_exporter's textfile collector)"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, NULL, NULL, entries))
    return OKCTL_EXIT_USAGE;
  if (json && prometheus)
    return okctl_usage_error (_("--json and --prometheus cannot be used together."));
  if (argc > 1)
    return okctl_usage_error (_("status takes no arguments; see okienkoctl status --help."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL || (status = okn_sync_status_read (store, ctx->config, NULL, &error)) == NULL)
    return okctl_fail (g_steal_pointer (&error));
  stats = &status->stats;

  if (prometheus)
    okctl_sync_status_prometheus (status);
  else if (json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;

      json_builder_begin_object (b);
      okn_json_add_string (b, "database", okn_store_get_path (store));
      okn_json_add_string (b, "station", stats->station);
      okctl_json_add_int (b, "total", stats->total);
      json_builder_set_member_name (b, "states");
      json_builder_begin_object (b);
      for (int s = 0; s <= OKN_SYNC_CANCELLED; s++)
        {
          okctl_json_add_int (b, okn_sync_state_to_string ((OknSyncState) s), stats->per_state[s]);
        }
      json_builder_end_object (b);
      okn_json_add_string (b, "oldest_queued_at", stats->oldest_queued_at);
      okctl_sync_status_json (status, b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      okctl_print_json (root);
    }
  else
    {
      g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, stats->total);

      print_line (_("Database:"), okn_store_get_path (store));
      print_line (_("Station:"), stats->station ? stats->station : _("not set up: run okienkoctl init --station CODE"));
      print_line (_("Server:"), status->server_url ? status->server_url : _("none configured (working offline)"));
      print_line (_("Records:"), total);
      for (int s = 0; s <= OKN_SYNC_CANCELLED; s++)
        if (stats->per_state[s] > 0)
          g_print ("  %-20s %" G_GINT64_FORMAT "\n", okn_sync_state_to_string ((OknSyncState) s), stats->per_state[s]);
      print_line (_("Oldest queued:"), stats->oldest_queued_at);
      okctl_sync_status_text (status);
    }
  return OKCTL_EXIT_OK;
}
