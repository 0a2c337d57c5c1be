/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-schema.c: the schema, one migration per PRAGMA user_version
 *
 * Migration N takes a database from user_version N-1 to N. Each runs inside
 * one transaction with the version bump, so a crash leaves the old version
 * whole. Never edit a migration that has shipped: add the next one.
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <string.h>

#include "okienko/okn-record.h"
#include "okn-store-schema.h"

static const char migration_1[] =
  "CREATE TABLE station ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  code TEXT NOT NULL,"
  "  secret BLOB NOT NULL,"
  "  created_at TEXT NOT NULL"
  ") STRICT;"

  /* Per-station, per-year sequence; bumped in the transaction that stores
   * the record, so a number is never reused and never skipped visibly. */
  "CREATE TABLE counters ("
  "  station TEXT NOT NULL,"
  "  year INTEGER NOT NULL,"
  "  last_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (station, year)"
  ") STRICT;"

  "CREATE TABLE records ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  ticket TEXT NOT NULL UNIQUE,"
  "  station TEXT NOT NULL,"
  "  year INTEGER NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  kind TEXT NOT NULL CHECK (kind IN ('letter', 'report')),"
  "  channel TEXT NOT NULL,"
  "  operator TEXT NOT NULL,"
  "  created_at TEXT NOT NULL,"
  "  created_us INTEGER NOT NULL,"
  "  updated_at TEXT NOT NULL,"
  "  sync_state TEXT NOT NULL DEFAULT 'queued' CHECK (sync_state IN"
  "    ('queued', 'sending', 'awaiting-id', 'synced', 'needs-attention', 'cancelled')),"
  "  cancel_reason TEXT,"
  "  server_id TEXT,"
  "  server_token TEXT,"
  "  server_status TEXT,"
  "  server_status_notes TEXT,"
  "  server_error TEXT,"
  "  received_at TEXT,"
  "  received_us INTEGER,"
  "  delivery TEXT,"
  "  sender_name TEXT,"
  "  sender_address TEXT,"
  "  anonymous INTEGER NOT NULL DEFAULT 0,"
  "  letter_date TEXT,"
  "  reference TEXT,"
  "  subject TEXT,"
  "  pages INTEGER NOT NULL DEFAULT 0,"
  "  attachment_count INTEGER NOT NULL DEFAULT 0,"
  "  unit TEXT,"
  "  notes TEXT,"
  "  category TEXT,"
  "  description TEXT,"
  "  address TEXT,"
  "  lat REAL,"
  "  lon REAL,"
  "  contact_name TEXT,"
  "  contact_email TEXT,"
  "  contact_phone TEXT,"
  "  consent INTEGER NOT NULL DEFAULT 0,"
  "  purged_at TEXT,"
  "  UNIQUE (station, year, seq)"
  ") STRICT;"
  "CREATE INDEX records_created ON records (created_us);"
  "CREATE INDEX records_received ON records (received_us) WHERE kind = 'letter';"
  "CREATE INDEX records_state ON records (sync_state, created_us);"
  "CREATE INDEX records_server_id ON records (server_id) WHERE server_id IS NOT NULL;"

  "CREATE TABLE record_attributes ("
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  position INTEGER NOT NULL,"
  "  key TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (record_id, position)"
  ") STRICT;"

  /* Content-addressed: the same scan attached twice is stored once. */
  "CREATE TABLE blobs ("
  "  sha256 TEXT PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  data BLOB NOT NULL"
  ") STRICT;"
  "CREATE TABLE attachments ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  sha256 TEXT NOT NULL REFERENCES blobs (sha256),"
  "  filename TEXT NOT NULL,"
  "  mime_type TEXT NOT NULL,"
  "  added_at TEXT NOT NULL"
  ") STRICT;"
  "CREATE INDEX attachments_record ON attachments (record_id);"

  /* What the sync engine still owes the server. */
  "CREATE TABLE outbox ("
  "  record_id INTEGER PRIMARY KEY REFERENCES records (id),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_us INTEGER NOT NULL DEFAULT 0,"
  "  last_attempt_at TEXT,"
  "  last_error TEXT,"
  "  last_http_status INTEGER"
  ") STRICT;"

  "CREATE TABLE status_history ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id INTEGER NOT NULL REFERENCES records (id),"
  "  status TEXT,"
  "  status_notes TEXT,"
  "  agency_responsible TEXT,"
  "  server_updated_at TEXT,"
  "  expected_at TEXT,"
  "  fetched_at TEXT NOT NULL"
  ") STRICT;"
  "CREATE INDEX status_history_record ON status_history (record_id);"

  /* Append-only: written in the transaction of the change it records, and
   * the triggers refuse any rewrite of history. */
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  record_id INTEGER REFERENCES records (id),"
  "  at TEXT NOT NULL,"
  "  actor TEXT NOT NULL,"
  "  action TEXT NOT NULL,"
  "  details TEXT"
  ") STRICT;"
  "CREATE INDEX audit_log_record ON audit_log (record_id);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"

  /* The server's catalogue, cached for offline forms. */
  "CREATE TABLE services ("
  "  code TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  description TEXT,"
  "  group_name TEXT,"
  "  keywords TEXT,"
  "  type TEXT,"
  "  metadata INTEGER NOT NULL DEFAULT 0,"
  "  definition TEXT,"
  "  fetched_at TEXT NOT NULL"
  ") STRICT;"

  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT"
  ") STRICT;"

  /* The search index keeps its own folded copy of the text (see
   * okn-store-query.c: fts_fold): the store writes it in the transaction that
   * writes the record. */
  "CREATE VIRTUAL TABLE records_fts USING fts5 ("
  "  ticket, sender_name, subject, description, address,"
  "  tokenize = 'unicode61 remove_diacritics 2',"
  "  prefix = '2 3'"
  ");";

/* Version 2: the outbox remembers a POST whose answer was lost, so the sync
 * engine searches the server for the ticket marker before sending again;
 * and when each record's status was last asked for. */
static const char migration_2[] =
  "ALTER TABLE outbox ADD COLUMN unknown_outcome INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE records ADD COLUMN status_polled_us INTEGER;"
  "CREATE INDEX outbox_due ON outbox (next_attempt_us);";

/* Version 3: the file says it is Okienko's (PRAGMA application_id, "OKNO"),
 * so a database of another program is told apart and refused untouched.
 * Keep the number in step with OKN_STORE_APPLICATION_ID. */
static const char migration_3[] =
  "PRAGMA application_id = 1330335311;";

/* Version 4 (issue 10): the search index also holds the sender's address,
 * the resident's contact name and the category's name, group and
 * keywords; rebuilt from the records of the older index. */
static const char migration_4[] =
  "DROP TABLE records_fts;"
  "CREATE VIRTUAL TABLE records_fts USING fts5 ("
  "  " OKN_STORE_FTS_COLUMNS ","
  "  tokenize = 'unicode61 remove_diacritics 2',"
  "  prefix = '2 3'"
  ");"
  OKN_STORE_FTS_INSERT ";";

/* Version 5: a case number no server issues (okn_record_case_id_usable():
 * over 255 bytes, a control character or a bidi override, not UTF-8),
 * kept by a version from before the sync refused them, goes as the sync
 * now lets one go: the record stays sent, without a case number, and its
 * server_error says why (okn_case_id_refusal(), registered on each
 * connection), so that show, the desk and check agree; an audit entry
 * each. */
static const char migration_5[] =
  "INSERT INTO audit_log (record_id, at, actor, action, details) "
  "SELECT id, strftime ('%Y-%m-%dT%H:%M:%S+00:00', 'now'), 'upgrade', 'sync-state', "
  "json_object ('from', sync_state, 'to', sync_state, 'detail', okn_case_id_refusal (server_id, ticket)) "
  "FROM records WHERE server_id IS NOT NULL AND okn_case_id_refusal (server_id, ticket) IS NOT NULL "
  "ORDER BY id;"
  "UPDATE records SET server_error = okn_case_id_refusal (server_id, ticket), server_id = NULL "
  "WHERE server_id IS NOT NULL AND okn_case_id_refusal (server_id, ticket) IS NOT NULL;";

static const char *const migrations[] = {
  migration_1,
  migration_2,
  migration_3,
  migration_4,
  migration_5,
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == OKN_STORE_SCHEMA_VERSION);

const char *
okn_store_schema_migration (int version)
{
  g_return_val_if_fail (version >= 1 && version <= OKN_STORE_SCHEMA_VERSION, NULL);
  return migrations[version - 1];
}

/* okn_case_id_refusal(server_id, ticket): what the record says in place
 * of a case number it cannot keep, NULL for one it can
 * (okn_record_case_id_refusal()). A NUL byte inside the text counts as
 * the control character it is. */
static void
sql_case_id_refusal (sqlite3_context *ctx,
                     int              argc,
                     sqlite3_value  **argv)
{
  const char *id = (const char *) sqlite3_value_text (argv[0]);
  int len = sqlite3_value_bytes (argv[0]);
  const char *ticket = (const char *) sqlite3_value_text (argv[1]);
  g_autofree char *copy = NULL;
  char *said;

  if (id == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  if (memchr (id, '\0', (size_t) len))
    {
      copy = g_malloc ((gsize) len + 1);
      memcpy (copy, id, (size_t) len);
      copy[len] = '\0';
      for (int i = 0; i < len; i++)
        if (copy[i] == '\0')
          copy[i] = '\x01';
      id = copy;
    }
  said = okn_record_case_id_refusal (id, ticket ? ticket : "");
  if (said)
    sqlite3_result_text (ctx, said, -1, g_free);
  else
    sqlite3_result_null (ctx);
}

/* Makes the functions the migrations call known to the connection. */
int
okn_store_schema_register (sqlite3 *db)
{
  return sqlite3_create_function (db, "okn_case_id_refusal", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                  sql_case_id_refusal, NULL, NULL);
}
