/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "okienko/okn-store.h"

G_BEGIN_DECLS

/* The search index's row of a record, as one SELECT over records and the
 * cached catalogue, for the store's writes and the migration that rebuilt
 * the index alike: every text folded by okn_fts_fold() (registered on each
 * connection, okn-store-query.c), and the category as the words a clerk
 * knows it by (name, group, keywords), not its code. Append a WHERE. */
#define OKN_STORE_FTS_COLUMNS \
  "ticket, sender_name, sender_address, subject, description, address, contact_name, category"
#define OKN_STORE_FTS_INSERT \
  "INSERT INTO records_fts (rowid, " OKN_STORE_FTS_COLUMNS ") " \
  "SELECT r.id, okn_fts_fold (r.ticket), okn_fts_fold (r.sender_name), okn_fts_fold (r.sender_address), " \
  "okn_fts_fold (r.subject), okn_fts_fold (r.description), okn_fts_fold (r.address), " \
  "okn_fts_fold (r.contact_name), " \
  "okn_fts_fold (s.name || ' ' || coalesce (s.group_name, '') || ' ' || coalesce (s.keywords, '')) " \
  "FROM records r LEFT JOIN services s ON s.code = r.category"

const char *okn_store_schema_migration (int version);
int         okn_store_schema_register  (sqlite3 *db);

G_END_DECLS
