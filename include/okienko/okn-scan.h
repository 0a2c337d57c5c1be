/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan.h: reading tickets back: image files, PDF pages, camera frames
 * and USB scanners that type
 *
 * zbar finds the symbols; the store says whether the ticket is ours and
 * whether its verification code is right. Nothing here changes the store.
 * Contract: docs/internals/scan.md
 */
#pragma once

#include <gio/gio.h>

#include "okienko/okn-config.h"
#include "okienko/okn-store.h"
#include "okienko/okn-ticket-id.h"

G_BEGIN_DECLS

#define OKN_SCAN_ERROR (okn_scan_error_quark ())

typedef enum
{
  OKN_SCAN_ERROR_IO,       /* the file cannot be read */
  OKN_SCAN_ERROR_FORMAT,   /* not a PNG, JPEG or PDF, or a damaged one */
  OKN_SCAN_ERROR_INVALID,  /* a bad argument (empty frame, bad stride) */
  OKN_SCAN_ERROR_NOT_OURS, /* a scanned text is not an Okienko ticket */
} OknScanError;

typedef enum
{
  OKN_SCAN_GENUINE,        /* our ticket, and the code it carries is right */
  OKN_SCAN_ID_ONLY,        /* our ticket, but no code was scanned (Code 128, label) */
  OKN_SCAN_WRONG_CODE,     /* our ticket ID with a wrong code: forged or damaged */
  OKN_SCAN_UNKNOWN_TICKET, /* shaped like our tickets, but this store has no such record */
  OKN_SCAN_NOT_OURS,       /* some other system's code */
} OknScanVerdict;

/* One symbol zbar found. */
typedef struct
{
  char *symbology;         /* zbar's name: "CODE-128", "QR-Code", "EAN-13", ... */
  char *text;
  guint page;              /* 1-based page of a PDF; 1 for images and frames */
  gboolean binary;         /* the code held a NUL byte or bytes that are not
                            * UTF-8: @text shows them as U+FFFD */
} OknScanSymbol;

/* One ticket (or foreign code) found, with its verdict. The symbols of one
 * ticket (the Code 128 and the QR of one receipt) make one result. */
typedef struct
{
  OknScanVerdict verdict;
  char *ticket;            /* (nullable) canonical ID, unless NOT_OURS */
  char *code;              /* (nullable) the verification code scanned */
  char *payload;           /* the text of the symbol that said the most */
  char *symbology;
  guint page;
  char *message;           /* translated: what this means, for a person */
} OknScanResult;

/* How many pages of a PDF are read unless told otherwise (the desk reads
 * `scan.max_pages`): a scanned letter, not a whole binder. */
#define OKN_SCAN_DEFAULT_MAX_PAGES 50

/* Called before each page of a PDF is read; %FALSE stops the reading
 * (Ctrl+C, a closed window). */
typedef gboolean (*OknScanProgressFunc) (guint    page,
                                         guint    page_count,
                                         gpointer user_data);

typedef struct
{
  guint max_pages;                  /* pages of a PDF read at most; 0: all */
  OknScanProgressFunc progress;     /* (nullable) */
  gpointer progress_data;
  GCancellable *cancellable;        /* (nullable) checked between pages */
} OknScanOptions;

typedef enum
{
  OKN_SCAN_PAGE_FOUND,              /* at least one code was read on the page */
  OKN_SCAN_PAGE_NOTHING,            /* read, and nothing found on it */
  OKN_SCAN_PAGE_NOT_READ,           /* beyond the page cap, or reading was stopped */
} OknScanPageState;

/* What a file held, page by page. */
typedef struct
{
  GPtrArray *results;               /* (element-type OknScanResult) */
  guint page_count;                 /* pages in the file: 1 for an image */
  guint pages_read;                 /* pages 1 to pages_read were read */
  guint max_pages;                  /* the cap it was read with; 0: none */
  gboolean stopped;                 /* cancelled or stopped by the progress callback */
} OknScanReport;

GQuark          okn_scan_error_quark      (void);

const char     *okn_scan_verdict_to_string (OknScanVerdict verdict);
const char     *okn_scan_page_state_to_string (OknScanPageState state);
void            okn_scan_symbol_free      (OknScanSymbol *symbol);
void            okn_scan_result_free      (OknScanResult *result);
void            okn_scan_report_free      (OknScanReport *report);

void            okn_scan_options_init     (OknScanOptions *options,
                                           OknConfig      *config);

GPtrArray      *okn_scan_decode_gray      (const guint8 *gray,
                                           guint         width,
                                           guint         height,
                                           guint         stride,
                                           GError      **error);
GPtrArray      *okn_scan_decode_file      (const char   *path,
                                           GError      **error);
GPtrArray      *okn_scan_decode_bytes     (GBytes       *bytes,
                                           const char   *name,
                                           GError      **error);

gboolean        okn_scan_parse_text       (const char   *text,
                                           const char   *status_url_template,
                                           OknTicketId  *out_id,
                                           char        **out_code,
                                           GError      **error);

GPtrArray      *okn_scan_verify           (OknStore     *store,
                                           OknConfig    *config,
                                           GPtrArray    *symbols,
                                           GError      **error);
OknScanResult  *okn_scan_verify_text      (OknStore     *store,
                                           OknConfig    *config,
                                           const char   *text,
                                           GError      **error);
GPtrArray      *okn_scan_file             (OknStore     *store,
                                           OknConfig    *config,
                                           const char   *path,
                                           GError      **error);
OknScanReport  *okn_scan_file_report      (OknStore             *store,
                                           OknConfig            *config,
                                           const char           *path,
                                           const OknScanOptions *options,
                                           GError              **error);
OknScanPageState okn_scan_report_page_state (const OknScanReport *report,
                                             guint                page);
char           *okn_scan_report_summary   (const OknScanReport *report);
GPtrArray      *okn_scan_frame            (OknStore     *store,
                                           OknConfig    *config,
                                           const guint8 *gray,
                                           guint         width,
                                           guint         height,
                                           guint         stride,
                                           GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknScanSymbol, okn_scan_symbol_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknScanResult, okn_scan_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknScanReport, okn_scan_report_free)

G_END_DECLS
