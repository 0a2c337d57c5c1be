/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-test-common.h: what the test programs share */
#pragma once

#include <gio/gio.h>

#include "okienko/okienko.h"
#include "okienko/okn-ticket-layout.h"

G_BEGIN_DECLS

void       okn_test_init          (int    *argc,
                                   char ***argv);
char      *okn_test_make_tmpdir   (void);
void       okn_test_rm_rf         (const char *path);
void       okn_test_paths_make    (const char  *db_name,
                                   char       **dir,
                                   char       **db,
                                   char       **config);
void       okn_test_paths_clear   (char **dir,
                                   char **db,
                                   char **config);
OknStore  *okn_test_open_store    (const char *dir,
                                   const char *station);
OknStore  *okn_test_open_app_store (void);
OknConfig *okn_test_config_from_text (const char *path,
                                      const char *text);
OknRecord *okn_test_letter        (const char *sender,
                                   const char *subject);
OknRecord *okn_test_report        (const char *category,
                                   const char *description,
                                   const char *address);
int        okn_test_run_ctl       (const char  *db,
                                   const char  *config,
                                   const char  *input,
                                   char       **out,
                                   char       **err,
                                   ...) G_GNUC_NULL_TERMINATED;
GPtrArray *okn_test_ctl_argv      (const char        *db,
                                   const char        *config,
                                   const char *const *args);
int        okn_test_run_ctl_valist (const char  *db,
                                    const char  *config,
                                    const char  *input,
                                    char       **out,
                                    char       **err,
                                    va_list      args);
int        okn_test_run_ctlv      (const char  *db,
                                   const char  *config,
                                   const char  *input,
                                   char       **out,
                                   char       **err,
                                   const char *const *args);
/* The user okn_test_run_ctl_unprivileged() runs okienkoctl as, under root. */
#define OKN_TEST_UNPRIVILEGED_ID 65534
int        okn_test_run_ctl_unprivileged (const char        *db,
                                          const char        *config,
                                          const char *const *env,
                                          char             **out,
                                          char             **err,
                                          ...) G_GNUC_NULL_TERMINATED;
void       okn_test_give_unprivileged (const char *path);
/* A small tmpfs of the test's own, in a private mount namespace, filled. */
gboolean   okn_test_enter_private_mount (void);
gboolean   okn_test_can_mount_privately (void);
void       okn_test_fill_disk     (const char *dir);
void       okn_test_trap_private_mount (void (*scenario) (void),
                                        guint  seconds);
/* A station's database on such a tmpfs, filled but for a record. */
char      *okn_test_small_disk_station (const char *station);
void       okn_test_fill_disk_but_wal  (const char *db);
void       okn_test_small_disk_clear   (const char *db);
const char *okn_test_ctl_path     (void);
void       okn_test_assert_display_safe (const char *what,
                                         const char *text);
void       okn_test_assert_no_secret (const char *what,
                                      const char *data,
                                      gssize      len,
                                      const char *secret);

/* A station in a temporary folder: a store with its station code set, and
 * a configuration for a file beside it (written only when saved). */
typedef struct
{
  char *dir;
  char *db;
  char *conf;
  OknStore *store;
  OknConfig *config;
} OknTestStation;

void       okn_test_station_init  (OknTestStation *station,
                                   const char     *code);
void       okn_test_station_clear (OknTestStation *station);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (OknTestStation, okn_test_station_clear)

/* What the printing tests print (okn_test_printable_init()). */
typedef struct
{
  char *dir;
  char *db;
  OknStore *store;
  OknRecord *record;
  OknTicketContent *content;
} OknTestPrintable;

void       okn_test_printable_init  (OknTestPrintable *printable,
                                     const char       *station,
                                     const char       *sender,
                                     const char       *subject);
void       okn_test_printable_clear (OknTestPrintable *printable);
/* A category of a catalogue as a test caches it; all but code and name
 * may be NULL. */
typedef struct
{
  const char *code;
  const char *name;
  const char *group;
  const char *keywords;
  const char *definition;
} OknTestService;

void       okn_test_cache_services (OknStore             *store,
                                    const OknTestService *services,
                                    gsize                 n);
void       okn_test_cache_service (OknStore   *store,
                                   const char *code,
                                   const char *name,
                                   const char *definition);
void       okn_test_sample_catalogue (OknStore *store);
/* What the barcodes of a printed file carry of a ticket. */
typedef enum
{
  OKN_TEST_CARRIED_ID = 1 << 0,
  OKN_TEST_CARRIED_ID_AND_CODE = 1 << 1,
} OknTestCarried;

guint      okn_test_file_carries  (const char *path,
                                   const char *ticket,
                                   const char *code);
char      *okn_test_pdf_text      (GBytes *pdf);
char      *okn_test_pdf_file_text (const char *path);

G_END_DECLS
