/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-form-session.c: a form's life without any widget: drafts, set
 * aside, clear and undo, busy while submitting */
#include "config.h"

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "okienko/okienko.h"
#include "okienko/okn-form-session.h"
#include "okn-test-common.h"

/* The submit in flight (a session has one at a time): where
 * on_submitted() puts its outcome. */
typedef struct
{
  GError **error;
  OknIntakeResult *result;
  gboolean done;
} Submit;

/* A form with two fields, as a kiosk step or a desk form would map its
 * widgets: "subject" typed, "received_at" following the clock until
 * touched. Submitted in the desk's context: its own connection, the
 * station's configuration. */
typedef struct
{
  OknTestStation station;
  OknContext *desk;
  char *draft_path;
  OknFormSession *session;
  char *subject;
  char *received_at;
  gboolean received_touched;
  guint cleared;
  guint cancelled;
  guint busy_changes;
  Submit submit;
} Fixture;

static OknDraft *
collect (gpointer       data,
         OknFormCollect purpose)
{
  Fixture *f = data;
  OknDraft *d = okn_draft_new ("letter");

  okn_draft_set (d, "subject", f->subject);
  if (!okn_draft_is_empty (d))
    okn_draft_set (d, "received_at", f->received_at);
  if (purpose == OKN_FORM_COLLECT_KEEP && !f->received_touched)
    okn_draft_set (d, "received_at", NULL);
  return d;
}

static void
restore (gpointer  data,
         OknDraft *draft)
{
  Fixture *f = data;
  const char *s;

  g_free (f->subject);
  f->subject = g_strdup (okn_draft_get (draft, "subject"));
  if ((s = okn_draft_get (draft, "received_at")))
    {
      g_free (f->received_at);
      f->received_at = g_strdup (s);
      f->received_touched = TRUE;
    }
}

static void
clear (gpointer data)
{
  Fixture *f = data;

  g_clear_pointer (&f->subject, g_free);
  g_free (f->received_at);
  f->received_at = g_strdup ("01.12.2026 08:00");
  f->received_touched = FALSE;
}

static void
type (Fixture    *f,
      const char *subject)
{
  g_free (f->subject);
  f->subject = g_strdup (subject);
  okn_form_session_changed (f->session);
}

static void
count (guint *counter)
{
  (*counter)++;
}

/* The form's session as the desk makes it when it starts: its draft
 * file, its fields read and filled through the fixture. */
static OknFormSession *
open_session (Fixture *f)
{
  static const OknFormDelegate delegate = { collect, restore, clear };
  OknFormSession *session = okn_form_session_new (f->draft_path);

  okn_form_session_set_delegate (session, &delegate, f);
  return session;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  okn_test_station_init (&f->station, "K03");
  f->desk = okn_context_new (f->station.db, okn_store_open (f->station.db, NULL),
                             okn_config_new (f->station.conf), "Anna");
  f->draft_path = okn_draft_path (f->station.db, "letter");
  f->session = open_session (f);
  clear (f);
  g_signal_connect_swapped (f->session, "cleared", G_CALLBACK (count), &f->cleared);
  g_signal_connect_swapped (f->session, "cancelled", G_CALLBACK (count), &f->cancelled);
  g_signal_connect_swapped (f->session, "notify::busy", G_CALLBACK (count), &f->busy_changes);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->desk);
  okn_test_station_clear (&f->station);
  g_free (f->draft_path);
  g_free (f->subject);
  g_free (f->received_at);
}

/* Runs the main loop until the draft file holds @subject (NULL: until
 * there is no draft file). Bounded: a broken writer fails, not hangs. */
static void
wait_for_draft (Fixture    *f,
                const char *subject)
{
  gint64 end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  for (;;)
    {
      g_autoptr (OknDraft) d = okn_draft_load (f->draft_path, NULL);
      gboolean done = subject ? d && g_strcmp0 (okn_draft_get (d, "subject"), subject) == 0 : d == NULL;

      if (done)
        return;
      if (g_get_monotonic_time () > end)
        g_error ("the draft never held “%s”", subject ? subject : "(nothing)");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* Typing writes the draft; the form filling its own fields does not. */
static void
test_drafts_follow_typing (Fixture       *f,
                           gconstpointer  data)
{
  okn_form_session_begin_load (f->session);
  type (f, "Loaded, not typed");
  okn_form_session_end_load (f->session);
  g_assert_false (okn_form_session_is_loading (f->session));
  type (f, "Wniosek o dowód");
  wait_for_draft (f, "Wniosek o dowód");
  type (f, "Wniosek o paszport");
  okn_form_session_flush (f->session);
  wait_for_draft (f, "Wniosek o paszport");
}

/* A correction sets the new form aside (its draft stays on disk) and
 * gives it back when it is given up; no draft is written meanwhile. */
static void
test_correction_sets_aside (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (OknRecord) stored = okn_test_letter ("Jan Kowalski", "Stary wniosek");
  g_autoptr (GError) error = NULL;

  g_assert_true (okn_store_register (f->station.store, stored, "test", &error));
  type (f, "Nowy wniosek");
  okn_form_session_edit (f->session, stored);
  wait_for_draft (f, "Nowy wniosek");
  g_assert_cmpstr (okn_form_session_get_editing (f->session)->ticket, ==, stored->ticket);
  type (f, "Stary wniosek, poprawiony");
  okn_form_session_flush (f->session);
  g_assert_false (okn_form_session_can_undo_clear (f->session));

  g_assert_true (okn_form_session_cancel (f->session));
  g_assert_cmpuint (f->cancelled, ==, 1);
  g_assert_null (okn_form_session_get_editing (f->session));
  g_assert_cmpstr (f->subject, ==, "Nowy wniosek");
  /* The received time followed the clock: it still does. */
  g_assert_false (f->received_touched);
  wait_for_draft (f, "Nowy wniosek");
}

/* A clear keeps what it took in memory (not on disk) for one undo; the
 * undo makes it a draft again. */
static void
test_clear_and_undo (Fixture       *f,
                     gconstpointer  data)
{
  type (f, "Skarga na hałas");
  wait_for_draft (f, "Skarga na hałas");
  g_assert_true (okn_form_session_cancel (f->session));
  g_assert_cmpuint (f->cleared, ==, 1);
  g_assert_null (f->subject);
  wait_for_draft (f, NULL);
  g_assert_true (okn_form_session_can_undo_clear (f->session));
  g_assert_true (okn_form_session_undo_clear (f->session));
  g_assert_cmpstr (f->subject, ==, "Skarga na hałas");
  wait_for_draft (f, "Skarga na hałas");
  g_assert_false (okn_form_session_undo_clear (f->session));

  /* Clearing an empty form keeps nothing and says nothing. */
  okn_form_session_reset (f->session);
  g_assert_true (okn_form_session_cancel (f->session));
  g_assert_cmpuint (f->cleared, ==, 1);
  g_assert_false (okn_form_session_can_undo_clear (f->session));
}

/* A wipe (a kiosk's resident walked away) leaves nothing to bring back:
 * no undo, no draft, no set-aside form. */
static void
test_wipe (Fixture       *f,
           gconstpointer  data)
{
  type (f, "Moje dane");
  wait_for_draft (f, "Moje dane");
  okn_form_session_cancel (f->session);
  g_assert_true (okn_form_session_can_undo_clear (f->session));
  type (f, "Jeszcze coś");
  okn_form_session_wipe (f->session);
  g_assert_null (f->subject);
  g_assert_false (okn_form_session_can_undo_clear (f->session));
  g_assert_false (okn_form_session_undo_clear (f->session));
  g_assert_null (f->subject);
  wait_for_draft (f, NULL);
}

/* Declining an offered draft removes it, unless something was typed
 * since (then the file is that text's draft). */
static void
test_drop_offered_draft (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (OknDraft) old = okn_draft_new ("letter");
  g_autoptr (GError) error = NULL;

  okn_draft_set (old, "subject", "Z wczoraj");
  g_assert_true (okn_draft_save (old, f->draft_path, &error));
  type (f, "Dzisiejsze");
  g_clear_pointer (&f->subject, g_free);
  okn_form_session_flush (f->session);
  okn_form_session_drop_offered_draft (f->session);
  wait_for_draft (f, NULL);

  g_assert_true (okn_draft_save (old, f->draft_path, &error));
  type (f, "Dzisiejsze");
  okn_form_session_drop_offered_draft (f->session);
  wait_for_draft (f, "Dzisiejsze");
}

static void
on_submitted (GObject      *source,
              GAsyncResult *res,
              gpointer      data)
{
  Submit *s = data;

  s->result = okn_form_session_submit_finish (OKN_FORM_SESSION (source), res, s->error);
  s->done = TRUE;
}

/* Starts submitting @record, its error to go to @error: busy at once. */
static void
start_submit (Fixture   *f,
              OknRecord *record,
              GError   **error)
{
  OknIntakeOptions options = { .actor = "Anna" };

  f->submit = (Submit) { .error = error };
  okn_form_session_submit_async (f->session, f->desk, record, &options, NULL, on_submitted, &f->submit);
  g_assert_true (okn_form_session_get_busy (f->session));
}

/* Runs the main loop until the submit has ended. */
static OknIntakeResult *
finish_submit (Fixture *f)
{
  while (!f->submit.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (okn_form_session_get_busy (f->session));
  return f->submit.result;
}

static OknIntakeResult *
submit (Fixture    *f,
        OknRecord  *record,
        GError    **error)
{
  start_submit (f, record, error);
  /* A second clear or undo waits. */
  g_assert_false (okn_form_session_cancel (f->session));
  g_assert_false (okn_form_session_can_undo_clear (f->session));
  return finish_submit (f);
}

/* Submitting: busy, then a clean form and no draft when stored; the form
 * and its draft as they were when refused. A stored correction gives the
 * set-aside form back. */
static void
test_submit (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) refused = NULL;
  g_autoptr (OknIntakeResult) stored = NULL;
  g_autoptr (OknIntakeResult) corrected = NULL;
  OknRecord *bad = okn_record_new (OKN_KIND_LETTER);
  OknRecord *fix = NULL;

  type (f, "Wniosek");
  wait_for_draft (f, "Wniosek");
  okn_form_session_cancel (f->session);
  type (f, "Wniosek o zasiłek");
  wait_for_draft (f, "Wniosek o zasiłek");

  refused = submit (f, bad, &error);
  g_assert_null (refused);
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (f->subject, ==, "Wniosek o zasiłek");
  wait_for_draft (f, "Wniosek o zasiłek");
  g_assert_cmpuint (f->busy_changes, ==, 2);

  stored = submit (f, okn_test_letter ("Jan Kowalski", f->subject), &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored->record->ticket);
  g_assert_cmpstr (stored->record->operator_name, ==, "Anna");
  g_assert_null (f->subject);
  wait_for_draft (f, NULL);
  /* Saved: the earlier clear is not brought back over it. */
  g_assert_false (okn_form_session_can_undo_clear (f->session));

  type (f, "Następny wniosek");
  okn_form_session_edit (f->session, stored->record);
  fix = okn_record_copy (stored->record);
  g_free (fix->subject);
  fix->subject = g_strdup ("Wniosek o zasiłek celowy");
  corrected = submit (f, fix, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (corrected->record->ticket, ==, stored->record->ticket);
  g_assert_cmpstr (corrected->record->subject, ==, "Wniosek o zasiłek celowy");
  g_assert_null (okn_form_session_get_editing (f->session));
  g_assert_cmpstr (f->subject, ==, "Następny wniosek");
}

/* Submits as a desk form that clears at the submit; @next is typed into
 * the clean form while the record is stored (NULL: nothing). */
static OknIntakeResult *
submit_typing_next (Fixture    *f,
                    OknRecord  *record,
                    const char *next,
                    GError    **error)
{
  start_submit (f, record, error);
  g_assert_false (okn_form_session_get_fields_locked (f->session));
  g_assert_null (f->subject);
  if (next)
    type (f, next);
  g_assert_true (okn_form_session_get_busy (f->session));
  return finish_submit (f);
}

/* As submit_typing_next() with a record the intake refuses: the form
 * has what it had back (its draft is written again later: callers that
 * need it wait for it). */
static void
submit_refused (Fixture    *f,
                const char *next)
{
  g_autofree char *subject = g_strdup (f->subject);
  g_autoptr (GError) error = NULL;

  g_assert_null (submit_typing_next (f, okn_record_new (OKN_KIND_LETTER), next, &error));
  g_assert_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID);
  g_assert_cmpstr (f->subject, ==, subject);
}

/* A desk form is clean for the next record as soon as one is submitted:
 * what is typed meanwhile stays when it is stored; refused, the record
 * comes back and what was typed meanwhile waits aside until it is stored. */
static void
test_clear_at_submit (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) stored = NULL;
  g_autoptr (OknIntakeResult) alone = NULL;

  okn_form_session_set_clear_at_submit (f->session, TRUE);
  type (f, "Wniosek o zasiłek");
  wait_for_draft (f, "Wniosek o zasiłek");

  submit_refused (f, "Następny");
  wait_for_draft (f, "Wniosek o zasiłek");
  /* Not the undo (a Ctrl+Z over the refused one would lose it): it waits
   * aside and comes back once the refused one is stored. */
  g_assert_false (okn_form_session_can_undo_clear (f->session));
  stored = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->record->subject, ==, "Wniosek o zasiłek");
  g_assert_cmpstr (f->subject, ==, "Następny");
  wait_for_draft (f, "Następny");
  g_clear_pointer (&stored, okn_intake_result_free);

  stored = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), "Trzeci", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->record->subject, ==, "Następny");
  g_assert_cmpstr (f->subject, ==, "Trzeci");
  wait_for_draft (f, "Trzeci");
  g_assert_false (okn_form_session_can_undo_clear (f->session));

  alone = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (f->subject);
  wait_for_draft (f, NULL);
}

/* While a record cleared at the submit is still being stored, its draft
 * file is all there is of it on disk: the next record typed meanwhile does
 * not replace it there until it is stored (a crash then would lose the
 * letter), and then does. The store is held so the submit waits. */
static void
test_in_flight_keeps_draft (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) stored = NULL;
  sqlite3 *db = NULL;
  gint64 until;

  okn_form_session_set_clear_at_submit (f->session, TRUE);
  type (f, "Wniosek o zasiłek");
  wait_for_draft (f, "Wniosek o zasiłek");

  /* The desk's connection was opened before the store is held: opening
   * it would wait too. */
  g_assert_cmpint (sqlite3_open (f->station.db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  start_submit (f, okn_test_letter ("Jan Kowalski", f->subject), &error);
  type (f, "Następny");
  /* Several times the draft's delay: its timer has run. */
  until = g_get_monotonic_time () + 5 * OKN_FORM_SESSION_DRAFT_DELAY_MS * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  g_assert_true (okn_form_session_get_busy (f->session));
  {
    g_autoptr (OknDraft) d = okn_draft_load (f->draft_path, NULL);

    g_assert_nonnull (d);
    g_assert_cmpstr (okn_draft_get (d, "subject"), ==, "Wniosek o zasiłek");
  }
  g_assert_cmpint (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  stored = finish_submit (f);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->record->subject, ==, "Wniosek o zasiłek");
  g_assert_cmpstr (f->subject, ==, "Następny");
  wait_for_draft (f, "Następny");
}

/* A desk clerk types the next record while the last one is still being
 * stored: nothing waits or is queued (a save asked for meanwhile does
 * nothing, the desk says so); what is typed stays in the form and becomes
 * the draft once the last one is stored, then it is saved like any other.
 * Refused, the last one comes back into the form and the one typed
 * meanwhile waits aside, not as the undo: once the refused one is fixed
 * and stored (or cleared), it is back in the form and its draft. */
static void
test_submit_when_done (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) first = NULL;
  g_autoptr (OknIntakeResult) second = NULL;
  g_autoptr (OknIntakeResult) fixed = NULL;

  okn_form_session_set_clear_at_submit (f->session, TRUE);
  type (f, "Pierwszy");
  first = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), "Drugi", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first->record->subject, ==, "Pierwszy");
  g_assert_cmpstr (f->subject, ==, "Drugi");
  wait_for_draft (f, "Drugi");
  /* Saved again once the first is stored. */
  second = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->record->subject, ==, "Drugi");

  /* Refused (as a full disk would), with the next one typed meanwhile. */
  type (f, "Trzeci");
  submit_refused (f, "Czwarty");
  wait_for_draft (f, "Trzeci");
  /* Fixed and saved again: the one typed meanwhile is back, not dropped. */
  fixed = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fixed->record->subject, ==, "Trzeci");
  g_assert_cmpstr (f->subject, ==, "Czwarty");
  wait_for_draft (f, "Czwarty");

  /* Refused again, and this time the refused one is cleared (Escape):
   * the one typed meanwhile comes back, the refused one is the undo. */
  type (f, "Piąty");
  /* Escape before the draft is written again. */
  submit_refused (f, "Szósty");
  g_assert_true (okn_form_session_cancel (f->session));
  g_assert_cmpstr (f->subject, ==, "Szósty");
  g_assert_true (okn_form_session_undo_clear (f->session));
  g_assert_cmpstr (f->subject, ==, "Piąty");
}

/* Runs the main loop until @path is there (or gone). Bounded. */
static void
wait_for_file (const char *path,
               gboolean    there)
{
  gint64 end = g_get_monotonic_time () + 20 * G_TIME_SPAN_SECOND;

  while (g_file_test (path, G_FILE_TEST_EXISTS) != there)
    {
      if (g_get_monotonic_time () > end)
        g_error ("%s never %s", path, there ? "came" : "went");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* Starts the desk's form again over the same database, after the last
 * one stopped (closed, or killed: then it is never asked anything again):
 * the draft offered at the start is restored (@restore) or declined. */
static void
start_again (Fixture *f,
             gboolean restore)
{
  g_autoptr (OknDraft) offered = NULL;

  f->session = open_session (f);
  okn_form_session_set_clear_at_submit (f->session, TRUE);
  clear (f);
  /* After the session started: it may have made the draft. */
  offered = okn_draft_load (f->draft_path, NULL);
  g_assert_nonnull (offered);
  if (restore)
    okn_form_session_restore (f->session, offered);
  else
    okn_form_session_drop_offered_draft (f->session);
}

/* What was typed while a refused record came back into the form waits
 * aside (the "next" record) on disk too, as a draft does: when the desk is
 * closed or killed meanwhile, the next start offers the refused one and,
 * once it is stored or declined, gives back the one that waited. */
static void
test_next_survives_restart (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknIntakeResult) stored = NULL;
  g_autofree char *next_path = okn_draft_path (f->station.db, "letter-next");
  OknFormSession *killed;

  okn_form_session_set_clear_at_submit (f->session, TRUE);
  type (f, "Wniosek o zasiłek");
  wait_for_draft (f, "Wniosek o zasiłek");
  submit_refused (f, "Następny");
  wait_for_draft (f, "Wniosek o zasiłek");

  /* Closed, started again, the refused one restored and stored. */
  g_clear_object (&f->session);
  start_again (f, TRUE);
  g_assert_cmpstr (f->subject, ==, "Wniosek o zasiłek");
  stored = submit_typing_next (f, okn_test_letter ("Jan Kowalski", f->subject), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (stored->record->subject, ==, "Wniosek o zasiłek");
  g_assert_cmpstr (f->subject, ==, "Następny");
  wait_for_draft (f, "Następny");
  /* It is the form's draft now, and waits nowhere else. */
  wait_for_file (next_path, FALSE);

  /* Refused again; killed once what waits is on disk (after the refused
   * one's draft: the writer's order); started again, the refused one
   * declined: the one that waited is back, and its draft. */
  submit_refused (f, "Trzeci");
  wait_for_file (next_path, TRUE);
  wait_for_draft (f, "Następny");
  killed = g_steal_pointer (&f->session);
  start_again (f, FALSE);
  g_assert_cmpstr (f->subject, ==, "Trzeci");
  wait_for_draft (f, "Trzeci");
  wait_for_file (next_path, FALSE);
  g_clear_object (&killed);

  /* Stopped after the refused one was stored, before the one that waited
   * was back in the form's draft: that one is the draft offered. */
  {
    g_autoptr (OknDraft) waited = okn_draft_new ("letter");

    okn_draft_set (waited, "subject", "Czwarty");
    g_assert_true (okn_draft_save (waited, next_path, &error));
    g_assert_true (okn_draft_discard (f->draft_path, &error));
    g_clear_object (&f->session);
    start_again (f, TRUE);
    g_assert_cmpstr (f->subject, ==, "Czwarty");
    g_assert_false (g_file_test (next_path, G_FILE_TEST_EXISTS));
  }
}

/* The pothole's definition now: size and depth; "info" only tells. */
static const char pothole_now[] =
  "{\"service_code\":\"pothole\",\"attributes\":["
  "{\"variable\":true,\"code\":\"size\",\"datatype\":\"singlevaluelist\",\"required\":true,"
  "\"values\":[{\"key\":\"small\"},{\"key\":\"large\"}]},"
  "{\"variable\":true,\"code\":\"depth\",\"datatype\":\"number\"},"
  "{\"variable\":false,\"code\":\"info\",\"description\":\"Tylko informacja\"}]}";

/* Chooses @category (@def its definition) in the session's form; then
 * okn_form_session_add_kept_answers() adds @expected to an empty record:
 * "code=value" one after another, ", " between. */
static void
assert_kept (OknFormSession      *session,
             const char          *category,
             const OknServiceDef *def,
             const char          *expected)
{
  g_autoptr (OknRecord) r = okn_record_new (OKN_KIND_REPORT);
  g_autoptr (GString) s = g_string_new (NULL);

  okn_form_session_set_category (session, category, def);
  okn_form_session_add_kept_answers (session, r);
  for (guint i = 0; i < r->attributes->len; i++)
    {
      const OknAttribute *at = g_ptr_array_index (r->attributes, i);

      g_string_append_printf (s, "%s%s=%s", s->len ? ", " : "", at->key, at->value);
    }
  g_assert_cmpstr (s->str, ==, expected);
}

/* A correction keeps the stored answers its category's form has no field
 * for (asked no more, or given for information only; a list's choice it
 * no longer offers; a second value of a field of one; all of them while
 * the definition is not known), in the order stored, unless the person
 * takes one out; a report moved to another category leaves them, and a
 * new record has none. The form only shows them. */
static void
test_kept_answers (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknServiceDef) def = okn_service_def_parse (pothole_now, &error);
  g_autoptr (OknRecord) stored = okn_test_report ("pothole", "Dziura", "ul. Zgierska 5");
  g_autoptr (GPtrArray) kept = NULL;
  g_auto (GStrv) values = NULL;

  g_assert_no_error (error);
  okn_record_add_attribute (stored, "size", "large");
  okn_record_add_attribute (stored, "surface", "kostka brukowa");
  okn_record_add_attribute (stored, "info", "x");
  okn_record_add_attribute (stored, "lane", "2");

  /* A new record keeps nothing. */
  assert_kept (f->session, "pothole", def, "");

  okn_form_session_edit (f->session, stored);
  assert_kept (f->session, "pothole", def, "surface=kostka brukowa, info=x, lane=2");
  kept = okn_form_session_get_kept_answers (f->session);
  g_assert_cmpuint (kept->len, ==, 3);
  g_assert_cmpstr (((OknKeptAnswer *) g_ptr_array_index (kept, 0))->code, ==, "surface");
  g_assert_cmpstr (((OknKeptAnswer *) g_ptr_array_index (kept, 0))->value, ==, "kostka brukowa");
  g_assert_true (((OknKeptAnswer *) g_ptr_array_index (kept, 0))->kept);

  /* Taken out: the correction goes without it, and still does when the
   * same category is chosen again; it is shown, unticked. */
  okn_form_session_keep_answer (f->session, g_ptr_array_index (kept, 2), FALSE);
  g_assert_false (((OknKeptAnswer *) g_ptr_array_index (kept, 2))->kept);
  g_clear_pointer (&kept, g_ptr_array_unref);
  assert_kept (f->session, "pothole", def, "surface=kostka brukowa, info=x");
  kept = okn_form_session_get_kept_answers (f->session);
  g_assert_cmpuint (kept->len, ==, 3);
  g_assert_false (((OknKeptAnswer *) g_ptr_array_index (kept, 2))->kept);

  /* Another category: none; a definition not known: all of them, the one
   * taken out still out. */
  assert_kept (f->session, "streetlight", NULL, "");
  assert_kept (f->session, "pothole", NULL, "size=large, surface=kostka brukowa, info=x");

  /* Corrected again from the start: every answer kept again. */
  okn_form_session_edit (f->session, stored);
  assert_kept (f->session, "pothole", def, "surface=kostka brukowa, info=x, lane=2");

  /* The correction given up: nothing is kept any more. */
  g_assert_true (okn_form_session_cancel (f->session));
  assert_kept (f->session, "pothole", NULL, "");

  /* A list's choice the catalogue no longer offers has no field to show
   * it: kept too. */
  g_ptr_array_set_size (stored->attributes, 0);
  okn_record_add_attribute (stored, "size", "huge");
  okn_record_add_attribute (stored, "depth", "12");
  okn_form_session_edit (f->session, stored);
  assert_kept (f->session, "pothole", def, "size=huge");

  /* A field shows one value, the first stored: the others are kept. */
  okn_record_add_attribute (stored, "depth", "15");
  okn_record_add_attribute (stored, "size", "small");
  okn_record_add_attribute (stored, "size", "large");
  okn_form_session_edit (f->session, stored);
  assert_kept (f->session, "pothole", def, "size=huge, depth=15, size=large");
  values = okn_form_session_dup_field_values (f->session, "depth");
  g_assert_cmpstrv (values, ((const char *[]) { "12", NULL }));
  g_clear_pointer (&values, g_strfreev);
  values = okn_form_session_dup_field_values (f->session, "size");
  g_assert_cmpstrv (values, ((const char *[]) { "small", NULL }));
}

int
main (int   argc,
      char *argv[])
{
  okn_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/form-session/drafts-follow-typing", test_drafts_follow_typing);
  ADD ("/form-session/correction-sets-aside", test_correction_sets_aside);
  ADD ("/form-session/clear-and-undo", test_clear_and_undo);
  ADD ("/form-session/drop-offered-draft", test_drop_offered_draft);
  ADD ("/form-session/wipe", test_wipe);
  ADD ("/form-session/submit", test_submit);
  ADD ("/form-session/clear-at-submit", test_clear_at_submit);
  ADD ("/form-session/in-flight-keeps-draft", test_in_flight_keeps_draft);
  ADD ("/form-session/submit-when-done", test_submit_when_done);
  ADD ("/form-session/next-survives-restart", test_next_survives_restart);
  ADD ("/form-session/kept-answers", test_kept_answers);
#undef ADD
  return g_test_run ();
}
