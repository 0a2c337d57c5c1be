/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl-admin.c: `okienkoctl backup`, `restore` and `check`: the
 * administrator's care of the database (the store's okn-store-backup.c
 * does the work) */
#define G_LOG_DOMAIN "okienkoctl"

#include "config.h"

#include <glib/gi18n.h>

#include "okienkoctl.h"

static void
print_backup (const char          *path,
              const OknBackupInfo *info)
{
  g_autofree char *shown = okn_text_display_line (path, -1);

  g_print (g_dngettext (GETTEXT_PACKAGE,
                        "Backup written to %s: %lld record, %lld bytes, checked.\n",
                        "Backup written to %s: %lld records, %lld bytes, checked.\n",
                        (gulong) MIN (info->records, G_MAXLONG)),
           shown, (long long) info->records, (long long) info->bytes);
}

static void
on_backup_progress (guint    done,
                    guint    total,
                    gpointer data)
{
  okctl_progress_update (data, done, total);
}

int
okctl_cmd_backup (OkctlContext *ctx,
                  int           argc,
                  char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  OknBackupInfo info;
  gboolean force = FALSE;
  gboolean rotate = FALSE;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace DEST when it exists (never the database or the configuration)"), NULL },
    { "rotate", 0, 0, G_OPTION_ARG_NONE, &rotate, N_("Instead of DEST: a dated backup into backup.dir, then remove those older than backup.keep_days days"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("DEST | --rotate — copy the database while the station works"),
                            _("Copies the database with SQLite's online backup into DEST (mode 0600), "
                              "checks the copy whole (integrity_check, foreign keys) and only then "
                              "moves it into place. Never replaces the database, its files or the "
                              "configuration, nor an existing DEST without --force.\n\n"
                              "Exit status: 0 the checked backup is written; 2 DEST exists, is "
                              "protected or not a file name; 3 the database cannot be read, the "
                              "disk failed or the copy failed its check.\n\n"
                              "--rotate (the nightly okienko-backup.timer): writes "
                              "okienko-<UTC time>.db into backup.dir (default: the folder "
                              "“backups” beside the database) and, once it is written and "
                              "checked, removes the dated backups there older than "
                              "backup.keep_days days (default 14)."), entries))
    return OKCTL_EXIT_USAGE;
  if (rotate)
    {
      g_autofree char *dir = NULL;
      OknBackupRotation rotation;
      gboolean ok;

      if (argc != 1 || force)
        return okctl_usage_error (_("backup --rotate takes no file and no --force; see okienkoctl backup --help."));
      dir = okn_config_get_string (ctx->config, "backup.dir");
      store = okctl_open_store (ctx, &error);
      if (store == NULL)
        return okctl_fail (g_steal_pointer (&error));
      ok = okn_store_backup_rotate (store, dir, (guint) okn_config_get_int (ctx->config, "backup.keep_days"),
                                    &rotation, &error);
      if (ok)
        {
          okctl_print_warnings (rotation.backup.warnings);
          print_backup (rotation.path, &rotation.backup);
          for (guint i = 0; i < rotation.removed->len; i++)
            {
              g_autofree char *old = okn_text_display_line (g_ptr_array_index (rotation.removed, i), -1);

              g_print (_("Removed the old backup %s.\n"), old);
            }
        }
      okn_backup_rotation_clear (&rotation);
      return ok ? OKCTL_EXIT_OK : okctl_fail (g_steal_pointer (&error));
    }
  if (argc != 2)
    return okctl_usage_error (_("backup takes one argument, the backup file; see okienkoctl backup --help."));

  store = okctl_open_store (ctx, &error);
  if (store == NULL)
    return okctl_fail (g_steal_pointer (&error));
  {
    /* TRANSLATORS: what the progress line of backup is doing (database
     * pages copied) */
    g_autoptr (OkctlProgress) progress = okctl_progress_new (_("Backing up"));

    if (!okn_store_backup_with_progress (store, argv[1],
                                         force ? OKN_FILE_WRITE_REPLACE : OKN_FILE_WRITE_DEFAULT,
                                         on_backup_progress, progress, &info, &error))
      {
        g_clear_pointer (&progress, okctl_progress_free);
        return okctl_fail (g_steal_pointer (&error));
      }
  }
  /* Still 0: the checked backup is written, and a script that saw a
   * failure would take a usable backup for none. */
  okctl_print_warnings (info.warnings);
  print_backup (argv[1], &info);
  okn_backup_info_clear (&info);
  return OKCTL_EXIT_OK;
}

int
okctl_cmd_restore (OkctlContext *ctx,
                   int           argc,
                   char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *aside = NULL;
  OknRestoreInfo info;
  int rc = OKCTL_EXIT_OK;
  int skip = OKN_STORE_RESTORE_NO_SKIP;
  g_autofree char *skip_text = NULL;
  const GOptionEntry entries[] = {
    { "skip-numbers", 0, 0, G_OPTION_ARG_STRING, &skip_text, N_("Only when DB.issued does not know the numbers given out after the backup (a new disk): leave out N numbers after the backup's last ticket, for those given out since (0 to 100000)"), N_("N") },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("SRC — put a backup in the place of the database"),
                            _("Checks the backup SRC whole, keeps the database as "
                              "DB.before-restore-TIME and puts the backup in its place. Refuses "
                              "while the desk, the kiosk or a sync has the database open. Ticket "
                              "numbers given out after the backup are never given out again (they "
                              "are named in a warning: register those letters and reports again "
                              "from their tickets), and records the server may already have are "
                              "searched for on the server before they are sent.\n\n"
                              "Those numbers are known from the file of ticket numbers given out, "
                              "DB.issued, beside the database. When it is missing or does not "
                              "know them (a new disk after the old one failed), restore refuses "
                              "(exit 2, nothing changed): the backup alone would give them out "
                              "again to other residents. Find out how many tickets were given out "
                              "after the backup (the newest printed ticket, or this station's "
                              "newest case on the central server) and add --skip-numbers N with "
                              "room to spare: numbering goes on N numbers after the backup's last "
                              "ticket. The audit log records it.\n\n"
                              "Exit status: 0 restored; 2 SRC is not a file, is of another "
                              "station or is the database itself, or the numbers given out after "
                              "it are unknown and --skip-numbers was not given; 3 SRC is damaged, "
                              "not an Okienko database or of a newer Okienko, or the disk failed; "
                              "6 another program has the database open (nothing was changed)."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc != 2)
    return okctl_usage_error (_("restore takes one argument, the backup file; see okienkoctl restore --help."));
  if (skip_text)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (skip_text, 10, 0, OKN_STORE_RESTORE_SKIP_MAX, &n, NULL))
        return okctl_usage_error (_("--skip-numbers: give a number from 0 to %d."), OKN_STORE_RESTORE_SKIP_MAX);
      skip = (int) n;
    }

  if (!okn_store_restore_full (ctx->db_path, argv[1], skip, NULL, &info, &error))
    {
      okn_restore_info_clear (&info);
      return okctl_fail (g_steal_pointer (&error));
    }
  okctl_print_warnings (info.warnings);
  shown = okn_text_display_line (argv[1], -1);
  g_print (g_dngettext (GETTEXT_PACKAGE, "Restored from %s: %lld record.\n",
                        "Restored from %s: %lld records.\n", (gulong) MIN (info.records, G_MAXLONG)),
           shown, (long long) info.records);
  if (info.aside)
    {
      aside = okn_text_display_line (info.aside, -1);
      g_print (_("The replaced database is kept as %s.\n"), aside);
    }
  if (info.to_search > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE,
                          "%u record waiting to be sent is searched for on the server first, so "
                          "it is not sent twice.\n",
                          "%u records waiting to be sent are searched for on the server first, so "
                          "they are not sent twice.\n",
                          info.to_search),
             info.to_search);
  okn_restore_info_clear (&info);
  return rc;
}

/* check --json: one object for monitoring, a failure too: "ok", "records",
 * "quick_check" ("ok", or "failed" when a page is damaged), "problems"
 * (the same sentences as the text), "error" when the check could not run.
 * The exit status is the same as without --json. */
static void
print_check_json (const OknStoreCheck *report,
                  const GError        *error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (b);
  okctl_json_add_bool (b, "ok", error == NULL && report->problems->len == 0);
  if (error == NULL)
    {
      okctl_json_add_int (b, "records", report->records);
    }
  if (error == NULL || g_error_matches (error, OKN_STORE_ERROR, OKN_STORE_ERROR_DAMAGED))
    okn_json_add_string (b, "quick_check", error == NULL ? "ok" : "failed");
  if (error == NULL)
    {
      json_builder_set_member_name (b, "problems");
      json_builder_begin_array (b);
      for (guint i = 0; i < report->problems->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (report->problems, i));
      json_builder_end_array (b);
    }
  else
    okn_json_add_string (b, "error", error->message);
  json_builder_end_object (b);
  node = json_builder_get_root (b);
  okctl_print_json (node);
}

int
okctl_cmd_check (OkctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  OknStoreCheck report = { 0 };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object (for monitoring): ok, records, quick_check, problems, or error; the same exit status"), NULL },
    { NULL },
  };
  guint n;

  if (!okctl_parse_command (&argc, &argv, _("— check the database and what it promises"),
                            _("Reads every page (PRAGMA quick_check) and checks the foreign keys, "
                              "the outbox (every record waiting to be sent is queued, every sent "
                              "one has its case number) and the ticket numbers (none above its "
                              "counter; the file of numbers given out, DB.issued, not behind the "
                              "database; numbers given out that the database lost). Changes "
                              "nothing.\n\n"
                              "Exit status: 0 everything holds; 5 problems were found (each "
                              "named); 3 the database is damaged or cannot be read; 2 there is "
                              "no database."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    return okctl_usage_error (_("check takes no arguments; see okienkoctl check --help."));

  /* Not okctl_open_store(): what it would warn about is in the report. */
  store = okn_store_open_full (ctx->db_path, OKN_STORE_OPEN_READ_ONLY, &error);
  if (store == NULL || !okn_store_check (store, &report, &error))
    {
      if (json)
        print_check_json (&report, error);
      okn_store_check_clear (&report);
      return okctl_fail (g_steal_pointer (&error));
    }
  n = report.problems->len;
  if (json)
    {
      print_check_json (&report, NULL);
      okn_store_check_clear (&report);
      return n == 0 ? OKCTL_EXIT_OK : OKCTL_EXIT_ATTENTION;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = okn_text_display_line (g_ptr_array_index (report.problems, i), -1);

      g_print ("%s: %s\n", _("problem"), line);
    }
  g_print (g_dngettext (GETTEXT_PACKAGE, "%lld record; quick_check ok. ",
                        "%lld records; quick_check ok. ", (gulong) MIN (report.records, G_MAXLONG)),
           (long long) report.records);
  if (n == 0)
    g_print ("%s\n", _("Everything holds."));
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u problem found.\n", "%u problems found.\n", n), n);
  okn_store_check_clear (&report);
  return n == 0 ? OKCTL_EXIT_OK : OKCTL_EXIT_ATTENTION;
}

int
okctl_cmd_purge (OkctlContext *ctx,
                 int           argc,
                 char        **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = NULL;
  OknPurgeReport report;
  gboolean dry_run = FALSE;
  guint days;
  const GOptionEntry entries[] = {
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run, N_("Only list the records whose personal data would be cleared; change nothing"), NULL },
    { NULL },
  };

  if (!okctl_parse_command (&argc, &argv, _("— clear personal data past its retention period"),
                            _("For every record the server has (or that was cancelled) and that was "
                              "registered more than privacy.retention_days days ago (default 365), "
                              "clears the sender's name and address, the contact's name, e-mail and "
                              "phone, and the photos and scans, leaving nothing of them in the "
                              "database's files; the ticket, category, status, dates and case number "
                              "stay. Each purge is in the audit log (the kinds of data, not the data). "
                              "Form drafts abandoned for longer are removed. The sync runs this "
                              "daily. Prints the tickets, one a line.\n\n"
                              "Exit status: 0 done (or, with --dry-run, listed); 2 no database; 3 "
                              "the database cannot be read or written."), entries))
    return OKCTL_EXIT_USAGE;
  if (argc > 1)
    return okctl_usage_error (_("purge takes no arguments; see okienkoctl purge --help."));

  days = (guint) okn_config_get_int (ctx->config, "privacy.retention_days");
  /* A dry run never writes: the store opened read-only. */
  store = okctl_open_store_full (ctx, dry_run ? OKN_STORE_OPEN_READ_ONLY : OKN_STORE_OPEN_DEFAULT, &error);
  if (store == NULL || !okn_store_purge (store, days, dry_run, NULL, &report, &error))
    return okctl_fail (g_steal_pointer (&error));
  for (guint i = 0; i < report.tickets->len; i++)
    g_print ("%s\n", (const char *) g_ptr_array_index (report.tickets, i));
  if (dry_run)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "Would clear the personal data of %u record (%u photos and scans) and "
                             "remove %u abandoned drafts (retention: %u days).\n",
                             "Would clear the personal data of %u records (%u photos and scans) and "
                             "remove %u abandoned drafts (retention: %u days).\n",
                             report.records),
                report.records, report.files, report.drafts, days);
  else
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "Cleared the personal data of %u record (%u photos and scans) and "
                             "removed %u abandoned drafts (retention: %u days).\n",
                             "Cleared the personal data of %u records (%u photos and scans) and "
                             "removed %u abandoned drafts (retention: %u days).\n",
                             report.records),
                report.records, report.files, report.drafts, days);
  okn_purge_report_clear (&report);
  return OKCTL_EXIT_OK;
}
