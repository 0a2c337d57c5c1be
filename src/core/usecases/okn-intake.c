/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-intake.c: a letter or a report comes in: checked, stored, printed
 *
 * The ticket's life starts here for every front end: okn_intake_submit()
 * stores the record (okn_store_register gives it its ticket number and
 * checks it again, so no path skips a check), reads it back so the ticket
 * prints what the disk holds, and prints the profile's outputs. A printer
 * that fails leaves the record stored and says why in the result. */
#define G_LOG_DOMAIN "okn-intake"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-context.h"
#include "okienko/okn-intake.h"
#include "okienko/okn-service-def.h"
#include "okienko/okn-sync-status.h"

/**
 * okn_intake_check:
 * @store: the store holding the cached catalogue
 * @record: the record as a form built it
 * @now: (nullable): the time to check dates against; %NULL for now
 *
 * What a form shows next to its fields before it submits: the record's
 * own checks (okn_record_check) and, for a report, its category's
 * attributes against the cached definition (okn_service_def_check; a
 * stored record's codes stay accepted in its correction). A station
 * without a catalogue checks no attributes. The store makes the same
 * checks when the record is submitted.
 *
 * Returns: (transfer full) (element-type OknFieldIssue): the problems;
 *   empty when there are none. An attribute's issue names the attribute's
 *   code as its field.
 */
GPtrArray *
okn_intake_check (OknStore  *store,
                  OknRecord *record,
                  GDateTime *now)
{
  GPtrArray *issues = okn_record_check (record, now);
  g_autoptr (GPtrArray) services = NULL;
  g_autoptr (OknServiceDef) def = NULL;
  g_autoptr (GPtrArray) attr_issues = NULL;
  g_autoptr (OknRecord) stored = NULL;
  const OknService *s;

  if (record->kind != OKN_KIND_REPORT || record->category == NULL || store == NULL)
    return issues;
  services = okn_store_list_services (store, NULL);
  s = services ? okn_service_find (services, record->category) : NULL;
  if (s == NULL || (def = okn_service_def_for_service (s->definition, s->metadata)) == NULL)
    return issues;
  /* A correction: the stored record's codes stay accepted. */
  if (record->id > 0 && record->uuid)
    stored = okn_store_lookup_uuid (store, record->uuid, NULL);
  attr_issues = okn_service_def_check (def, record, stored);
  for (guint i = 0; i < attr_issues->len; i++)
    {
      OknFieldIssue *issue = g_ptr_array_index (attr_issues, i);

      /* The field pointed into the definition (or the stored record),
       * which goes now. */
      issue->field = g_intern_string (issue->field);
    }
  g_ptr_array_extend_and_steal (issues, g_steal_pointer (&attr_issues));
  return issues;
}

/**
 * okn_intake_ticket_content:
 * @store: the store holding the cached catalogue
 * @config: (nullable): the office's texts, the ticket's language
 * @record: a stored record
 *
 * What @record's ticket shows, with a report's category named as the
 * catalogue names it (not by its code). Saving, a desk's reprint and
 * `okienkoctl print` print the same ticket.
 *
 * Returns: (transfer full): the ticket's content
 */
OknTicketContent *
okn_intake_ticket_content (OknStore        *store,
                           OknConfig       *config,
                           const OknRecord *record)
{
  OknTicketContent *content = okn_ticket_content_new (record, config);

  if (record->kind == OKN_KIND_REPORT && record->category)
    {
      g_autofree char *name = okn_labels_category (store, record->category,
                                                   okn_ticket_content_get_language (content));

      okn_ticket_content_set_title (content, name);
    }
  return content;
}

static void
note_kiosk_print (OknStore     *store,
                  const GError *print_error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *at = print_error ? okn_now_iso8601 (now) : NULL;
  /* Best effort: the record is stored and the resident has the ticket on
   * the screen; a note that cannot be written changes neither. */
  g_autofree char *had = print_error ? NULL : okn_store_get_meta (store, OKN_META_KIOSK_PRINT_ERROR);

  if (print_error == NULL && had == NULL)
    return;
  okn_store_set_meta (store, OKN_META_KIOSK_PRINT_ERROR, print_error ? print_error->message : NULL, NULL);
  okn_store_set_meta (store, OKN_META_KIOSK_PRINT_ERROR_AT, at, NULL);
}

static void
print_outputs (OknStore               *store,
               OknConfig              *config,
               OknIntakeResult        *result,
               const OknIntakeOptions *options,
               GCancellable           *cancellable)
{
  g_auto (GStrv) layouts = okn_outputs_for_record (config, options->profile, result->record);
  g_autoptr (OknTicketContent) content = okn_intake_ticket_content (store, config, result->record);

  if (options->has_language)
    okn_ticket_content_set_language (content, options->language);
  result->printed = okn_outputs_print (config, options->profile, content, (const char *const *) layouts,
                                       cancellable, &result->print_error);
  /* Nobody stands at a kiosk's printer: its trouble is kept for staff
   * (okienkoctl status) until a later ticket prints. */
  if (options->profile == OKN_OUTPUTS_KIOSK && layouts != NULL && layouts[0] != NULL)
    note_kiosk_print (store, result->print_error);
}

/**
 * okn_intake_submit:
 * @store: the station's store
 * @config: (nullable): the configuration; %NULL prints nothing
 * @record: the record; on success it holds its ticket, code and times
 * @options: a new record or a correction, who, and what to print
 * @cancellable: (nullable): cancels a print waiting for its printer
 * @error: return location for an error
 *
 * Checks and stores @record in one transaction (okn_store_register or
 * okn_store_update: an invalid record is refused with
 * %OKN_RECORD_ERROR_INVALID naming each field, a required attribute of the
 * cached category included), reads it back, and for a new record with
 * @options->print prints the profile's outputs. Blocking: call it from a
 * thread (okn_intake_submit_async).
 *
 * What the store warned of while storing (okn_store_get_warnings(): the
 * mark of the numbers given out not written, say, on a full disk) comes
 * in the result's warnings: the record is stored and its ticket valid,
 * and the front end tells whoever can act on it.
 *
 * Returns: (transfer full) (nullable): the stored record and what printed,
 *   or why printing failed, and the store's warnings of this call; %NULL
 *   with @error set when nothing was stored
 */
OknIntakeResult *
okn_intake_submit (OknStore               *store,
                   OknConfig              *config,
                   OknRecord              *record,
                   const OknIntakeOptions *options,
                   GCancellable           *cancellable,
                   GError                **error)
{
  g_autoptr (OknIntakeResult) result = NULL;
  GPtrArray *store_warnings;
  guint before;
  gboolean ok;

  g_return_val_if_fail (store != NULL && record != NULL && options != NULL, NULL);
  /* Only what this call adds: what the store said at its open was told
   * then, and a thread's connection would say it again at every save. */
  store_warnings = okn_store_get_warnings (store);
  before = store_warnings->len;
  if (options->mode == OKN_INTAKE_CORRECTION)
    ok = okn_store_update (store, record, options->actor, error);
  else
    ok = okn_store_register (store, record, options->actor, error);
  if (!ok)
    return NULL;
  result = g_new0 (OknIntakeResult, 1);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  for (guint i = before; i < store_warnings->len; i++)
    g_ptr_array_add (result->warnings, g_strdup (g_ptr_array_index (store_warnings, i)));
  /* Read it back: what the ticket prints is what the disk holds. */
  result->record = okn_store_lookup (store, record->ticket, error);
  if (result->record == NULL)
    return NULL;
  if (result->record->verification_code == NULL && record->verification_code)
    result->record->verification_code = g_strdup (record->verification_code);
  if (options->mode == OKN_INTAKE_NEW && options->print && config)
    print_outputs (store, config, result, options, cancellable);
  return g_steal_pointer (&result);
}

/* What the thread is given: the record, the options, and the strings they
 * point to, owned here (the caller's may go before the thread runs). */
enum { PATH_DB, PATH_CONFIG, ACTOR, N_STRINGS };

typedef struct
{
  OknRecord *record;
  OknIntakeOptions options;
  char *strings[N_STRINGS + 1];
} SubmitData;

static void
submit_data_free (gpointer p)
{
  SubmitData *d = p;

  okn_record_free (d->record);
  for (guint i = 0; i < N_STRINGS; i++)
    g_free (d->strings[i]);
  g_free (d);
}

static gpointer
submit_work (gpointer                data,
             const OknContextThread *thread,
             GError                **error)
{
  SubmitData *d = data;
  OknIntakeResult *result;

  result = okn_intake_submit (thread->store, thread->config, d->record, &d->options,
                              thread->cancellable, error);
  /* A configuration that cannot be read stops the printing, not the
   * storing. */
  if (result && thread->config_error && result->print_error == NULL)
    result->print_error = g_error_copy (thread->config_error);
  return result;
}

/**
 * okn_intake_submit_async:
 * @db_path: the store's file; the thread opens its own connection
 * @config_path: (nullable): the configuration file, loaded in the thread
 *   (%NULL: the default one)
 * @record: (transfer full): the record
 * @options: as okn_intake_submit(); copied
 *
 * okn_intake_submit() in a thread of its own (GTask), so a front end's
 * main loop never waits for the disk or a printer.
 */
void
okn_intake_submit_async (const char             *db_path,
                         const char             *config_path,
                         OknRecord              *record,
                         const OknIntakeOptions *options,
                         GCancellable           *cancellable,
                         GAsyncReadyCallback     callback,
                         gpointer                user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  SubmitData *d = g_new0 (SubmitData, 1);

  d->record = record;
  d->options = *options;
  d->strings[PATH_DB] = g_strdup (db_path);
  /* Only what prints needs the configuration. */
  if (options->print && options->mode == OKN_INTAKE_NEW)
    d->strings[PATH_CONFIG] = config_path ? g_strdup (config_path) : okn_config_default_path ();
  d->strings[ACTOR] = g_strdup (options->actor);
  d->options.actor = d->strings[ACTOR];
  g_task_set_source_tag (task, okn_intake_submit_async);
  okn_context_run_in_thread (task, d->strings[PATH_DB], d->strings[PATH_CONFIG],
                             submit_work, d, submit_data_free,
                             (GDestroyNotify) okn_intake_result_free);
}

/**
 * okn_intake_submit_finish:
 *
 * Returns: (transfer full) (nullable): as okn_intake_submit()
 */
OknIntakeResult *
okn_intake_submit_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * okn_intake_locate_kiosk_report:
 * @config: the station's configuration (`office.address`,
 *   `office.ticket_language`)
 * @record: a report a kiosk is about to check or submit
 *
 * "Where" is optional for a resident at the kiosk (issue 12), but the
 * store and Open311 need a location. A kiosk report with neither an
 * address nor coordinates is sent with the kiosk's own address
 * (`office.address`, its lines joined with commas) and a note, in the
 * office's language, that the resident did not say where: the caseworker
 * knows to ask, and the case is not taken for one at the town hall.
 *
 * Nothing changes for a record with a location, a record that is not a
 * kiosk report, or a station without `office.address` (the kiosk then
 * asks for a location, as the desk does).
 *
 * Returns: whether @record's address was filled in
 */
gboolean
okn_intake_locate_kiosk_report (OknConfig *config,
                                OknRecord *record)
{
  g_autofree char *office = NULL;
  g_autofree char *code = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  OknLanguage lang = OKN_LANGUAGE_PL;

  g_return_val_if_fail (record != NULL, FALSE);

  if (record->kind != OKN_KIND_REPORT || record->channel != OKN_CHANNEL_KIOSK || record->has_location
      || (record->address != NULL && *g_strstrip (record->address) != '\0') || config == NULL)
    return FALSE;
  office = okn_config_get_string (config, "office.address");
  if (office == NULL)
    return FALSE;
  lines = g_strsplit (office, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*g_strstrip (lines[i]) != '\0')
      g_ptr_array_add (parts, lines[i]);
  if (parts->len == 0)
    return FALSE;
  g_ptr_array_add (parts, NULL);
  joined = g_strjoinv (", ", (char **) parts->pdata);
  code = okn_config_get_string (config, "office.ticket_language");
  if (code == NULL || !okn_language_from_string (code, &lang))
    lang = OKN_LANGUAGE_PL;
  g_free (record->address);
  record->address = g_strdup_printf ("%s (%s)", joined,
                                     okn_labels_gettext (lang, NULL,
                                                         N_("the kiosk's address: the resident did not say where")));
  return TRUE;
}

void
okn_intake_result_free (OknIntakeResult *result)
{
  if (result == NULL)
    return;
  okn_record_free (result->record);
  g_free (result->printed);
  g_clear_error (&result->print_error);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}
