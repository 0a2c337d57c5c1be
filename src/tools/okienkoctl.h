/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okienkoctl.h: what the command files of okienkoctl share */
#pragma once

#include <glib.h>

#include "okienko/okienko.h"

G_BEGIN_DECLS

/* Exit codes: the contract with scripts (docs/internals/okienkoctl.md). */
enum
{
  OKCTL_EXIT_OK = 0,
  OKCTL_EXIT_NOT_FOUND = 1,
  OKCTL_EXIT_USAGE = 2,
  OKCTL_EXIT_STORAGE = 3,
  OKCTL_EXIT_NETWORK = 4,
  OKCTL_EXIT_ATTENTION = 5,    /* sync: the server refused records; check: problems found */
  OKCTL_EXIT_BUSY = 6,         /* restore: another program has the database open */
};

typedef struct
{
  const char *command;   /* the command being run, e.g. "show" */
  char *db_path;
  char *config_path;
  OknConfig *config;
} OkctlContext;

void okctl_context_clear (OkctlContext *ctx);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OkctlContext, okctl_context_clear)

typedef int (*OkctlCommandFunc) (OkctlContext *ctx,
                                  int           argc,
                                  char        **argv);

typedef struct
{
  const char *name;
  OkctlCommandFunc func;
  const char *summary;
} OkctlCommand;

int        okctl_fail             (GError *error);
int        okctl_usage_error      (const char *format,
                                   ...) G_GNUC_PRINTF (1, 2);
void       okctl_print_error      (const char *message);
char      *okctl_quote            (const char *text);
int        okctl_width            (const char *text,
                                   int         columns);
OknStore  *okctl_open_store       (OkctlContext *ctx,
                                   GError      **error);
OknStore  *okctl_open_store_full  (OkctlContext       *ctx,
                                   OknStoreOpenFlags   flags,
                                   GError            **error);
void       okctl_print_warnings   (const GPtrArray *warnings);
gboolean   okctl_parse_options    (GOptionContext *octx,
                                   int            *argc,
                                   char         ***argv);
gboolean   okctl_parse_command    (int                 *argc,
                                   char              ***argv,
                                   const char          *parameter_string,
                                   const char          *summary,
                                   const GOptionEntry  *entries);
void       okctl_print_json       (JsonNode *node);
void       okctl_json_add_int     (JsonBuilder *b,
                                   const char  *name,
                                   gint64       value);
void       okctl_json_add_bool    (JsonBuilder *b,
                                   const char  *name,
                                   gboolean     value);

int okctl_cmd_init     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_register (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_show     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_list     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_search   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_edit     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_cancel   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_status   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_config   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_printers (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_print    (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_scan     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_sync     (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_services (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_requeue  (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_day      (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_lookup   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_backup   (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_restore  (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_check    (OkctlContext *ctx, int argc, char **argv);
int okctl_cmd_purge    (OkctlContext *ctx, int argc, char **argv);

/* A progress line on a terminal (okienkoctl-progress.c); NULL elsewhere. */
typedef struct _OkctlProgress OkctlProgress;
OkctlProgress *okctl_progress_new    (const char    *what);
void           okctl_progress_update (OkctlProgress *progress,
                                      guint64        done,
                                      guint64        total);
void           okctl_progress_free   (OkctlProgress *progress);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OkctlProgress, okctl_progress_free)

void okctl_sync_status_json (const OknSyncStatus *status, JsonBuilder *b);
void okctl_sync_status_text (const OknSyncStatus *status);
void okctl_sync_status_prometheus (const OknSyncStatus *status);

G_END_DECLS
