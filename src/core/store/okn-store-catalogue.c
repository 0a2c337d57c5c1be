/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-catalogue.c: the server's catalogue as last fetched, and the
 * check of a report's category and attributes against it
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "okienko/okn-service-def.h"
#include "okn-store-private.h"

/* The text columns of a service, in the order of the queries below; the
 * flag "metadata" comes after them. */
static const gsize service_text[] = {
  G_STRUCT_OFFSET (OknService, code), G_STRUCT_OFFSET (OknService, name),
  G_STRUCT_OFFSET (OknService, description), G_STRUCT_OFFSET (OknService, group),
  G_STRUCT_OFFSET (OknService, keywords), G_STRUCT_OFFSET (OknService, type),
  G_STRUCT_OFFSET (OknService, definition),
};

static gpointer
row_to_service (OknStore     *store,
                sqlite3_stmt *stmt,
                GError      **error)
{
  OknService *s = g_new0 (OknService, 1);

  okn_sql_columns_dup (stmt, 0, s, service_text, G_N_ELEMENTS (service_text));
  s->metadata = sqlite3_column_int (stmt, G_N_ELEMENTS (service_text)) != 0;
  return s;
}

/* The category against the cached catalogue, and the report's attribute
 * values against the category's cached definition (okn_service_def_check):
 * a required attribute missing here, or one the category does not have,
 * would only be refused by the server, after the resident has left.
 * @stored: the record as stored when @r corrects it (its codes stay
 * accepted), or %NULL. */
gboolean
okn_store_check_category (OknStore        *store,
                          OknRecord       *r,
                          const OknRecord *stored,
                          GError         **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (OknServiceDef) def = NULL;
  g_autoptr (GPtrArray) issues = NULL;
  const char *definition;
  int rc;

  if (r->kind != OKN_KIND_REPORT || r->category == NULL)
    return TRUE;
  /* A station that has never seen the catalogue accepts any code; the sync
   * checks it again with the server. */
  stmt = okn_store_prepare (store,
                            "SELECT (SELECT count(*) FROM services), "
                            "(SELECT count(*) FROM services WHERE code = ?1), "
                            "(SELECT definition FROM services WHERE code = ?1), "
                            "(SELECT metadata FROM services WHERE code = ?1)",
                            error);
  if (stmt == NULL)
    return FALSE;
  okn_sql_bind_text (stmt, 1, r->category);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return okn_store_set_error_from_db (store, rc, _("reading the catalogue"), error);
  if (sqlite3_column_int64 (stmt, 0) > 0 && sqlite3_column_int64 (stmt, 1) == 0)
    {
      g_set_error (error, OKN_RECORD_ERROR, OKN_RECORD_ERROR_INVALID,
                   _("Category: “%s” is not in the server’s catalogue."), r->category);
      return FALSE;
    }
  if (sqlite3_column_int64 (stmt, 1) == 0)
    return TRUE;
  definition = (const char *) sqlite3_column_text (stmt, 2);
  /* A definition the server sent damaged is reported by the forms; it
   * cannot say what is required, so it does not block the report. */
  def = okn_service_def_for_service (definition, sqlite3_column_int (stmt, 3) != 0);
  if (def == NULL)
    return TRUE;
  issues = okn_service_def_check (def, r, stored);
  return okn_field_issues_to_error (issues, error);
}

/**
 * okn_store_replace_services:
 * @services: (element-type OknService): the server's whole catalogue
 *
 * Replaces the cached catalogue in one transaction.
 */
gboolean
okn_store_replace_services (OknStore  *store,
                            GPtrArray *services,
                            GError   **error)
{
  g_autoptr (sqlite3_stmt) ins = NULL;
  g_autofree char *at = okn_store_now_iso8601 (store);

  if (!okn_store_begin (store, error))
    return FALSE;
  if (!okn_store_exec (store, "DELETE FROM services", _("saving the catalogue"), error))
    goto fail;
  ins = okn_store_prepare (store,
                           "INSERT OR REPLACE INTO services (code, name, description, group_name, keywords, "
                           "type, metadata, definition, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (ins == NULL)
    goto fail;
  for (guint i = 0; i < services->len; i++)
    {
      OknService *s = g_ptr_array_index (services, i);

      sqlite3_reset (ins);
      okn_sql_bind_text (ins, 1, s->code);
      okn_sql_bind_text (ins, 2, s->name ? s->name : s->code);
      okn_sql_bind_text (ins, 3, s->description);
      okn_sql_bind_text (ins, 4, s->group);
      okn_sql_bind_text (ins, 5, s->keywords);
      okn_sql_bind_text (ins, 6, s->type);
      sqlite3_bind_int (ins, 7, s->metadata);
      okn_sql_bind_text (ins, 8, s->definition);
      okn_sql_bind_text (ins, 9, at);
      if (!okn_store_step_done (store, ins, _("saving the catalogue"), error))
        goto fail;
    }
  return okn_store_end (store, TRUE, error);

fail:
  return okn_store_end (store, FALSE, error);
}

/**
 * okn_store_list_services:
 *
 * Returns: (transfer full) (element-type OknService): the cached catalogue
 */
GPtrArray *
okn_store_list_services (OknStore *store,
                         GError  **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = okn_store_prepare (store,
                            "SELECT code, name, description, group_name, keywords, type, definition, metadata "
                            "FROM services ORDER BY group_name, name",
                            error);
  if (stmt == NULL)
    return NULL;
  return okn_store_collect_rows (store, stmt, row_to_service, (GDestroyNotify) okn_service_free,
                                 _("reading the catalogue"), error);
}

void
okn_service_free (OknService *s)
{
  okn_struct_free_strings (s, service_text, G_N_ELEMENTS (service_text));
}
