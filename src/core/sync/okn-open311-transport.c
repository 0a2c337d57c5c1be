/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-open311-transport.c: how the Open311 client talks HTTP: its
 * settings, requests as transfers over one curl multi handle, and every
 * answer checked and its failure classified (transient, permanent, auth,
 * configuration, unknown outcome) with the api_key masked before any of
 * it is quoted. What the requests and answers mean: okn-open311.c
 *
 * Every HTTP exchange is a transfer run through the client's one curl
 * multi handle, so a single call and a batch of hundreds share the same
 * connection cache. A transfer holds no curl handle until it starts: a
 * batch of 10,000 posts costs 10,000 small bodies, not 10,000 easy handles.
 */
#define G_LOG_DOMAIN "okn-open311"

#include "config.h"

#include <string.h>
#include <time.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-json.h"
#include "okienko/okn-text.h"
#include "okn-open311-private.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CURLM, curl_multi_cleanup)

#define MAX_ANSWER_BYTES (16 * 1024 * 1024)
#define EXCERPT_CHARS    80
#define MASK             "********"


typedef struct
{
  int http_status;
  gint64 retry_after;
  char *server_description;
  OknSettingFix *fix;
} OknOpen311ErrorPrivate;

static void
okn_open311_error_private_init (OknOpen311ErrorPrivate *priv)
{
  priv->retry_after = -1;
}

static void
okn_open311_error_private_copy (const OknOpen311ErrorPrivate *src,
                                OknOpen311ErrorPrivate       *dest)
{
  dest->http_status = src->http_status;
  dest->retry_after = src->retry_after;
  dest->server_description = g_strdup (src->server_description);
  dest->fix = okn_setting_fix_copy (src->fix);
}

static void
okn_open311_error_private_clear (OknOpen311ErrorPrivate *priv)
{
  g_clear_pointer (&priv->server_description, g_free);
  g_clear_pointer (&priv->fix, okn_setting_fix_free);
}

G_DEFINE_EXTENDED_ERROR (OknOpen311Error, okn_open311_error)

static const char *letter_attr_keys[] = {
  "letters.attr_sender", "letters.attr_sender_address", "letters.attr_received_at",
  "letters.attr_delivery", "letters.attr_letter_date", "letters.attr_reference",
  "letters.attr_subject", "letters.attr_pages", "letters.attr_attachments",
  "letters.attr_unit", "letters.attr_notes",
};
G_STATIC_ASSERT (G_N_ELEMENTS (letter_attr_keys) == LA_NOTES + 1);

/* One character of server text as a server may have written it: itself,
 * %XX (also %25XX, encoded twice), '+' for a space (form encoding), a JSON
 * \uXXXX or \/ escape, an HTML &#NN; or &#xXX; reference. Sets @byte to
 * the byte it stands for and returns how many bytes of @p it takes. */
static gsize
decode_unit (const char *p,
             const char *end,
             int        *byte)
{
  gsize avail = (gsize) (end - p);

  if (avail >= 3 && p[0] == '%' && g_ascii_isxdigit (p[1]) && g_ascii_isxdigit (p[2]))
    {
      if (avail >= 5 && p[1] == '2' && p[2] == '5' && g_ascii_isxdigit (p[3]) && g_ascii_isxdigit (p[4]))
        {
          *byte = g_ascii_xdigit_value (p[3]) * 16 + g_ascii_xdigit_value (p[4]);
          return 5;
        }
      *byte = g_ascii_xdigit_value (p[1]) * 16 + g_ascii_xdigit_value (p[2]);
      return 3;
    }
  if (avail >= 6 && p[0] == '\\' && p[1] == 'u' && p[2] == '0' && p[3] == '0'
      && g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]))
    {
      *byte = g_ascii_xdigit_value (p[4]) * 16 + g_ascii_xdigit_value (p[5]);
      return 6;
    }
  if (avail >= 2 && p[0] == '\\' && p[1] == '/')
    {
      *byte = '/';
      return 2;
    }
  if (avail >= 4 && p[0] == '&' && p[1] == '#')
    {
      gboolean hex = p[2] == 'x' || p[2] == 'X';
      gsize i = hex ? 3 : 2;
      int v = 0;

      for (; i < avail && i < 8 && (hex ? g_ascii_isxdigit (p[i]) : g_ascii_isdigit (p[i])); i++)
        v = v * (hex ? 16 : 10) + (hex ? g_ascii_xdigit_value (p[i]) : g_ascii_digit_value (p[i]));
      if (i < avail && p[i] == ';' && i > (hex ? 3u : 2u) && v < 256)
        {
          *byte = v;
          return i + 1;
        }
    }
  *byte = (guchar) p[0];
  return 1;
}

static gboolean
same_char (int  byte,
           char key_char)
{
  return g_ascii_tolower ((char) byte) == g_ascii_tolower (key_char);
}

/* The length in bytes of the longest stretch of text at @p that spells
 * @key[@j..] in any of the forms decode_unit() reads; @matched is how many
 * key characters it covers. A character is taken as written or as
 * decoded, whichever goes further (a key may itself hold a '%'); @budget
 * bounds the work of such choices. */
static gsize
match_key (const char *p,
           const char *end,
           const char *key,
           gsize       key_len,
           gsize       j,
           guint      *budget,
           gsize      *matched)
{
  gsize best = 0;
  gsize best_matched = 0;
  gsize m;
  gsize n;
  int byte;

  *matched = 0;
  if (j >= key_len || p >= end || *budget == 0)
    return 0;
  (*budget)--;
  n = decode_unit (p, end, &byte);
  if (n > 1 && same_char (byte, key[j]))
    {
      best = n + match_key (p + n, end, key, key_len, j + 1, budget, &m);
      best_matched = m + 1;
    }
  if (same_char ((guchar) *p, key[j]) || (*p == '+' && key[j] == ' '))
    {
      gsize bytes = 1 + match_key (p + 1, end, key, key_len, j + 1, budget, &m);

      if (m + 1 > best_matched)
        {
          best = bytes;
          best_matched = m + 1;
        }
    }
  *matched = best_matched;
  return best;
}

/* Masks the api_key in @text wherever it shows, whole or any 8 characters
 * of it in a row, in any letter case, raw or encoded (decode_unit()): a
 * server that echoes the key, or cuts its own answer through it, must not
 * make us show it. */
static char *
mask_key (const char *text,
          gsize       len,
          const char *key)
{
  gsize key_len = key ? strlen (key) : 0;
  gsize min_run = MIN (key_len, 8);
  const char *end = text + len;
  GString *out = g_string_sized_new (len);
  const char *p = text;

  if (key_len == 0)
    return g_string_free (g_string_append_len (out, text, (gssize) len), FALSE);
  while (p < end)
    {
      /* Only these start an encoded character. */
      gboolean encoded = *p == '%' || *p == '\\' || *p == '&' || *p == '+';
      gsize best = 0;

      for (gsize j = 0; j + min_run <= key_len; j++)
        {
          guint budget = 4 * (guint) MIN (key_len, 1024);
          gsize matched = 0;
          gsize bytes;

          if (!encoded && !same_char ((guchar) *p, key[j]))
            continue;
          bytes = match_key (p, end, key, key_len, j, &budget, &matched);
          if (matched >= min_run && bytes > best)
            best = bytes;
        }
      if (best > 0)
        {
          g_string_append (out, MASK);
          p += best;
        }
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

/* Every message and every server text we keep leaves through here. */
static char *
scrub (OknOpen311Client *client,
       const char       *text)
{
  if (text == NULL)
    return NULL;
  if (client == NULL || client->api_key == NULL || *client->api_key == '\0')
    return g_strdup (text);
  return mask_key (text, strlen (text), client->api_key);
}

void
okn_open311_rescrub (OknOpen311Client  *client,
                     char             **text)
{
  char *clean = scrub (client, *text);

  g_free (*text);
  *text = clean;
}

/* @fix: (transfer full) (nullable): the setting that would fix it; its
 * sentence is the message, @message is then %NULL */
static void
set_error_full (OknOpen311Client *client,
                GError          **error,
                OknOpen311Error   code,
                int               http_status,
                gint64            retry_after,
                const char       *server_description,
                const char       *message,
                OknSettingFix    *fix)
{
  g_autoptr (OknSettingFix) owned = fix;
  g_autofree char *clean = NULL;
  OknOpen311ErrorPrivate *priv;

  if (error == NULL)
    return;
  if (owned)
    {
      /* What went wrong may quote the server or curl: masked as any message. */
      g_autofree char *what = scrub (client, owned->what);
      g_autofree char *details = scrub (client, owned->details);

      g_free (owned->what);
      owned->what = g_steal_pointer (&what);
      g_free (owned->details);
      owned->details = g_steal_pointer (&details);
      clean = okn_setting_fix_describe (owned, NULL, NULL);
    }
  else
    clean = scrub (client, message);
  g_set_error_literal (error, OKN_OPEN311_ERROR, code, clean);
  priv = okn_open311_error_get_private (*error);
  priv->http_status = http_status;
  priv->retry_after = retry_after;
  priv->server_description = scrub (client, server_description);
  priv->fix = g_steal_pointer (&owned);
}

static void
set_error (OknOpen311Client *client,
           GError          **error,
           OknOpen311Error   code,
           int               http_status,
           gint64            retry_after,
           const char       *server_description,
           const char       *message)
{
  set_error_full (client, error, code, http_status, retry_after, server_description, message, NULL);
}

void
okn_open311_set_simple_error (OknOpen311Client *client,
                              GError          **error,
                              OknOpen311Error   code,
                              const char       *message)
{
  set_error (client, error, code, 0, -1, NULL, message);
}

/**
 * okn_open311_set_setting_error:
 * @what: what went wrong, naming no key
 *
 * An error that a setting would fix: the setting travels as data
 * (okn_open311_error_get_setting_fix()), the message names its key.
 */
void
okn_open311_set_setting_error (OknOpen311Client *client,
                               GError          **error,
                               OknOpen311Error   code,
                               OknSettingAction  action,
                               const char       *key,
                               const char       *what)
{
  set_error_full (client, error, code, 0, -1, NULL, NULL, okn_setting_fix_new (action, key, NULL, what));
}

static gpointer
init_curl (gpointer data)
{
  curl_global_init (CURL_GLOBAL_DEFAULT);
  return NULL;
}

static char *
config_string (OknConfig  *config,
               const char *name)
{
  char *s = okn_config_get_string (config, name);

  if (s && *s == '\0')
    g_clear_pointer (&s, g_free);
  return s;
}

static gboolean
check_file (OknOpen311Client *client,
            const char       *key,
            const char       *path,
            GError          **error)
{
  g_autofree char *msg = NULL;

  if (path == NULL || g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  msg = g_strdup_printf (_("%s: the file %s does not exist."), key, path);
  okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_CONFIG, msg);
  return FALSE;
}

/* The station's private key proves who it is to the server: a copy that
 * another user could read is refused, as ssh refuses one, and as the
 * configuration file (which holds the api_key) is kept private. Its
 * contents are never read here, nor quoted anywhere. */
static gboolean
check_private_key (OknOpen311Client *client,
                   const char       *path,
                   GError          **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *msg = NULL;
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0 || (st.st_mode & 077) == 0)
    return TRUE;
  shown = okn_text_display_line (path, -1);
  msg = g_strdup_printf (_("server.client_key: other users can read the private key %s (mode %04o); "
                           "make it private: chmod 600 %s"),
                         shown, (guint) (st.st_mode & 07777), shown);
  okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_CONFIG, msg);
  return FALSE;
}

/* The TLS alerts a server sends when the client certificate it requires
 * is missing (TLS 1.3's certificate_required) or is not one it trusts.
 * curl has no code of its own for them: its message carries the alert's
 * name. */
static gboolean
names_client_cert_alert (const char *why)
{
  static const char *const alerts[] = {
    "alert certificate required", "alert unknown ca", "alert bad certificate",
    "alert certificate unknown", "alert certificate expired", "alert certificate revoked",
    "alert access denied",
  };
  g_autofree char *lower = g_ascii_strdown (why, -1);

  for (guint i = 0; i < G_N_ELEMENTS (alerts); i++)
    if (strstr (lower, alerts[i]))
      return TRUE;
  return FALSE;
}

void
okn_open311_form_field_free (gpointer p)
{
  OknFormField *f = p;

  g_free (f->name);
  g_free (f->value);
  g_free (f);
}

void
okn_open311_transfer_free (OknTransfer *t)
{
  if (t == NULL)
    return;
  g_assert (t->easy == NULL);
  g_free (t->url);
  g_free (t->what);
  g_free (t->idempotency_key);
  g_free (t->body);
  g_clear_pointer (&t->fields, g_ptr_array_unref);
  g_clear_pointer (&t->media, g_ptr_array_unref);
  if (t->answer)
    g_string_free (t->answer, TRUE);
  g_free (t);
}

char *
okn_open311_escape (const char *s)
{
  return g_uri_escape_string (s ? s : "", NULL, FALSE);
}

/* @query: (nullable) already escaped "a=b&c=d" */
OknTransfer *
okn_open311_transfer_new_get (OknOpen311Client *client,
                              const char       *path,
                              const char       *query)
{
  OknTransfer *t = g_new0 (OknTransfer, 1);
  g_autoptr (GString) url = g_string_new (client->url);
  char sep = '?';

  g_string_append (url, path);
  if (query && *query)
    {
      g_string_append_c (url, sep);
      g_string_append (url, query);
      sep = '&';
    }
  if (client->jurisdiction_id)
    {
      g_autofree char *j = okn_open311_escape (client->jurisdiction_id);

      g_string_append_printf (url, "%cjurisdiction_id=%s", sep, j);
    }
  t->url = g_string_free (g_steal_pointer (&url), FALSE);
  t->what = g_strdup_printf ("GET %s", path);
  t->retry_after = -1;
  return t;
}

static size_t
write_cb (char   *data,
          size_t  size,
          size_t  nmemb,
          void   *user_data)
{
  OknTransfer *t = user_data;
  size_t n = size * nmemb;

  if (t->answer->len + n > MAX_ANSWER_BYTES)
    {
      t->too_big = TRUE;
      return 0;
    }
  g_string_append_len (t->answer, data, (gssize) n);
  return n;
}

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  nitems,
         void   *user_data)
{
  OknTransfer *t = user_data;
  size_t n = MIN (size * nitems, t->body_len - t->body_pos);

  memcpy (buffer, t->body + t->body_pos, n);
  t->body_pos += n;
  if (t->body_pos == t->body_len)
    t->body_served = TRUE;
  return n;
}

/* libcurl resends a POST on its own when a reused connection dies before
 * any answer, which would create a second case on a server that stored the
 * first. Refusing to rewind a body already handed out turns that into an
 * error we classify as an unknown outcome. */
static int
seek_cb (void       *user_data,
         curl_off_t  offset,
         int         origin)
{
  OknTransfer *t = user_data;

  if (t->body_pos > 0)
    {
      t->rewind_refused = TRUE;
      return CURL_SEEKFUNC_CANTSEEK;
    }
  if (origin != SEEK_SET || offset != 0)
    return CURL_SEEKFUNC_CANTSEEK;
  return CURL_SEEKFUNC_OK;
}

static CURL *
acquire_easy (OknOpen311Client *client)
{
  if (client->idle->len > 0)
    return g_ptr_array_steal_index_fast (client->idle, client->idle->len - 1);
  return curl_easy_init ();
}

static void
release_easy (OknOpen311Client *client,
              CURL             *easy)
{
  if (client->idle->len >= client->parallel)
    {
      curl_easy_cleanup (easy);
      return;
    }
  curl_easy_reset (easy);
  g_ptr_array_add (client->idle, easy);
}

static void
transfer_start (OknOpen311Client *client,
                OknTransfer         *t)
{
  CURL *easy = acquire_easy (client);

  t->easy = easy;
  t->answer = g_string_new (NULL);
  t->errbuf[0] = '\0';
  curl_easy_setopt (easy, CURLOPT_URL, t->url);
  curl_easy_setopt (easy, CURLOPT_PRIVATE, t);
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT, client->timeout);
  curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT, MIN (client->timeout, 15L));
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, "Okienko/" PACKAGE_VERSION);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt (easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (client->ca_file)
    curl_easy_setopt (easy, CURLOPT_CAINFO, client->ca_file);
  if (client->client_cert)
    curl_easy_setopt (easy, CURLOPT_SSLCERT, client->client_cert);
  if (client->client_key)
    curl_easy_setopt (easy, CURLOPT_SSLKEY, client->client_key);
  if (client->pinned_key)
    curl_easy_setopt (easy, CURLOPT_PINNEDPUBLICKEY, client->pinned_key);

  t->headers = curl_slist_append (t->headers, "Accept: application/json");
  if (t->is_post)
    {
      /* Without "Expect: 100-continue" a POST is one round trip. */
      t->headers = curl_slist_append (t->headers, "Expect:");
      if (t->idempotency_key)
        {
          g_autofree char *h = g_strdup_printf ("Idempotency-Key: %s", t->idempotency_key);

          t->headers = curl_slist_append (t->headers, h);
        }
      t->body_pos = 0;
      t->body_served = FALSE;
      if (t->fields)
        {
          curl_mimepart *part;

          t->mime = curl_mime_init (easy);
          for (guint i = 0; i < t->fields->len; i++)
            {
              OknFormField *f = g_ptr_array_index (t->fields, i);

              part = curl_mime_addpart (t->mime);
              curl_mime_name (part, f->name);
              curl_mime_data (part, f->value, CURL_ZERO_TERMINATED);
            }
          for (guint i = 0; t->media && i < t->media->len; i++)
            {
              OknAttachment *a = g_ptr_array_index (t->media, i);
              gsize len = 0;
              gconstpointer data = g_bytes_get_data (a->data, &len);

              part = curl_mime_addpart (t->mime);
              curl_mime_name (part, "media");
              curl_mime_data (part, data, len);
              curl_mime_filename (part, a->filename ? a->filename : "media");
              curl_mime_type (part, a->mime_type ? a->mime_type : "application/octet-stream");
            }
          /* The guard goes last: once it is read, the whole body was. */
          part = curl_mime_addpart (t->mime);
          curl_mime_name (part, "service_code");
          curl_mime_data_cb (part, (curl_off_t) t->body_len, read_cb, seek_cb, NULL, t);
          curl_easy_setopt (easy, CURLOPT_MIMEPOST, t->mime);
        }
      else
        {
          t->headers = curl_slist_append (t->headers,
                                          "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
          curl_easy_setopt (easy, CURLOPT_POST, 1L);
          curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) t->body_len);
          curl_easy_setopt (easy, CURLOPT_READFUNCTION, read_cb);
          curl_easy_setopt (easy, CURLOPT_READDATA, t);
          curl_easy_setopt (easy, CURLOPT_SEEKFUNCTION, seek_cb);
          curl_easy_setopt (easy, CURLOPT_SEEKDATA, t);
        }
    }
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, t->headers);
}

static gint64
parse_retry_after (const char *value)
{
  guint64 secs;
  time_t when;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &secs, NULL))
    return (gint64) secs;
  when = curl_getdate (value, NULL);
  if (when < 0)
    return -1;
  /* Not time (): glibc reads a coarse clock for it, which may lag the
   * server's clock by a tick and make its "now + 37 s" read as 38 s. */
  return MAX ((gint64) when - g_get_real_time () / G_USEC_PER_SEC, 0);
}

/* JSON never starts with '<'; a web page (an error page of a proxy or of
 * the web server in front of the endpoint) does. */
static gboolean
starts_with_tag (const GString *answer)
{
  for (gsize i = 0; answer && i < answer->len; i++)
    if (!g_ascii_isspace (answer->str[i]))
      return answer->str[i] == '<';
  return FALSE;
}

static void
transfer_finish (OknOpen311Client *client,
                 OknTransfer         *t,
                 CURLcode          result)
{
  struct curl_header *h = NULL;

  const char *type = NULL;

  t->done = TRUE;
  t->result = result;
  curl_easy_getinfo (t->easy, CURLINFO_RESPONSE_CODE, &t->status);
  curl_easy_getinfo (t->easy, CURLINFO_CONTENT_TYPE, &type);
  t->html = (type && g_ascii_strncasecmp (type, "text/html", 9) == 0) || starts_with_tag (t->answer);
  if (curl_easy_header (t->easy, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h)
    t->retry_after = parse_retry_after (h->value);
  release_easy (client, t->easy);
  t->easy = NULL;
  g_clear_pointer (&t->mime, curl_mime_free);
  g_clear_pointer (&t->headers, curl_slist_free_all);
}

/* A transfer that is over, with @status and @body as the server's answer:
 * what okn_open311_read_answer() reads without a network. */
OknTransfer *
okn_open311_transfer_new_answer (const char *what,
                                 gboolean    is_post,
                                 long        status,
                                 const char *body,
                                 gsize       len)
{
  OknTransfer *t = g_new0 (OknTransfer, 1);

  t->what = g_strdup (what);
  t->is_post = is_post;
  t->done = TRUE;
  t->result = CURLE_OK;
  t->status = status;
  t->retry_after = -1;
  t->answer = g_string_new_len (body, (gssize) len);
  t->html = starts_with_tag (t->answer);
  return t;
}

/* Runs the transfers, at most @max at a time, until all are done. */
void
okn_open311_run_transfers (OknOpen311Client *client,
                           OknTransfer        **transfers,
                           guint             n,
                           guint             max)
{
  guint next = 0;
  guint in_flight = 0;

  while (next < n || in_flight > 0)
    {
      int still = 0;
      int left;
      CURLMsg *msg;

      if (g_cancellable_is_cancelled (client->cancellable))
        for (; next < n; next++)
          if (transfers[next] && !transfers[next]->done)
            {
              transfers[next]->done = TRUE;
              transfers[next]->cancelled = TRUE;
            }
      while (in_flight < max && next < n)
        {
          OknTransfer *t = transfers[next++];

          if (t == NULL || t->done)
            continue;
          transfer_start (client, t);
          if (curl_multi_add_handle (client->multi, t->easy) != CURLM_OK)
            {
              /* Never leave it counted as running: finish it as failed. */
              transfer_finish (client, t, CURLE_FAILED_INIT);
              continue;
            }
          in_flight++;
        }
      curl_multi_perform (client->multi, &still);
      while ((msg = curl_multi_info_read (client->multi, &left)))
        {
          OknTransfer *t = NULL;
          CURL *easy = msg->easy_handle;
          CURLcode result = msg->data.result;

          if (msg->msg != CURLMSG_DONE)
            continue;
          curl_easy_getinfo (easy, CURLINFO_PRIVATE, (char **) &t);
          curl_multi_remove_handle (client->multi, easy);
          transfer_finish (client, t, result);
          in_flight--;
        }
      if (still > 0)
        curl_multi_poll (client->multi, NULL, 0, 1000, NULL);
    }
}

void
okn_open311_run_one (OknOpen311Client *client,
                     OknTransfer         *t)
{
  okn_open311_run_transfers (client, &t, 1, 1);
}

/* A short, one-line quote of an answer that is not what we expected.
 * The key is masked before the cut: cut first, a key straddling the cut
 * would keep its first half unmasked. The masked prefix holds the quote
 * and a key encoded at its very end. */
static char *
excerpt (OknOpen311Client *client,
         const GString    *answer)
{
  gsize key_len = client && client->api_key ? strlen (client->api_key) : 0;
  gsize take = MIN (answer->len, 4 * EXCERPT_CHARS + 12 * key_len + 16);
  g_autofree char *masked = key_len ? mask_key (answer->str, take, client->api_key)
                                    : g_strndup (answer->str, take);
  g_autofree char *valid = g_utf8_make_valid (masked, -1);
  g_autoptr (GString) s = g_string_new (NULL);
  glong n = 0;

  for (const char *p = valid; *p && n < EXCERPT_CHARS; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (s, ' ');
      else
        g_string_append_unichar (s, c);
    }
  if (*valid && n >= EXCERPT_CHARS)
    g_string_append (s, "…");
  return g_string_free (g_steal_pointer (&s), FALSE);
}

gboolean
okn_open311_member_double (JsonObject *o,
                           const char *name,
                           double     *out)
{
  g_autofree char *s = okn_json_member_text (o, name);
  char *end = NULL;

  if (s == NULL || *s == '\0')
    return FALSE;
  *out = g_ascii_strtod (s, &end);
  return *end == '\0';
}

JsonObject *
okn_open311_first_object (JsonNode *root)
{
  if (root && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *a = json_node_get_array (root);

      if (json_array_get_length (a) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (a, 0)))
        return json_array_get_object_element (a, 0);
      return NULL;
    }
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    return json_node_get_object (root);
  return NULL;
}

/* Whether an error entry names a field of the request, e.g. "no value
 * given for required entry attribute[depth]": the one a clerk can act on,
 * unlike a leading "Bad Request". */
static gboolean
names_field (const char *description)
{
  static const char *const fields[] = {
    "attribute", "service_code", "description", "lat", "address_string", "address_id", "email",
    "device_id", "account_id", "first_name", "last_name", "phone", "media",
  };
  g_autofree char *lower = g_ascii_strdown (description, -1);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    for (const char *p = strstr (lower, fields[i]); p; p = strstr (p + 1, fields[i]))
      {
        char after = p[strlen (fields[i])];

        /* A word of its own: "lat" but not "later". */
        if ((p == lower || !g_ascii_isalpha (p[-1])) && !g_ascii_isalpha (after))
          return TRUE;
      }
  return FALSE;
}

/* Every description of the spec's [{"code":..,"description":..}, ...]
 * (some servers send one object, {"errors": [...]}, or "message"), masked,
 * those that name a field first.
 * Returns: (transfer full) (nullable): %NULL when the answer is no such list */
static GPtrArray *
error_entries (OknOpen311Client *client,
               const GString    *answer)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) named = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) other = g_ptr_array_new_with_free_func (g_free);
  JsonArray *list = NULL;
  guint n = 1;

  if (answer->len == 0 || (root = okn_json_parse (answer->str, (gssize) answer->len, NULL)) == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonNode *errors = json_object_get_member (json_node_get_object (root), "errors");

      if (errors && JSON_NODE_HOLDS_ARRAY (errors))
        list = json_node_get_array (errors);
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    list = json_node_get_array (root);
  if (list)
    n = json_array_get_length (list);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = list ? json_array_get_element (list, i) : root;
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *said = okn_json_member_text (o, "description");
      g_autofree char *field = okn_json_member_text (o, "field");

      if (said == NULL)
        said = okn_json_member_text (o, "message");
      if (said == NULL || *g_strstrip (said) == '\0')
        continue;
      if (field && *field && !strstr (said, field))
        {
          char *with = g_strdup_printf ("%s (%s)", said, field);

          g_free (said);
          said = with;
        }
      g_ptr_array_add (names_field (said) || (field && *field) ? named : other, scrub (client, said));
    }
  for (guint i = 0; i < other->len; i++)
    g_ptr_array_add (named, g_steal_pointer (&other->pdata[i]));
  if (named->len == 0)
    return NULL;
  return g_steal_pointer (&named);
}

/* An error list that refuses the station's settings rather than the
 * record: "jurisdiction_id was not provided", "api_key ... is not valid". */
static gboolean
names_settings (GPtrArray *entries)
{
  for (guint i = 0; entries && i < entries->len; i++)
    {
      g_autofree char *lower = g_ascii_strdown (g_ptr_array_index (entries, i), -1);

      if (strstr (lower, "jurisdiction_id") || strstr (lower, "api_key"))
        return TRUE;
    }
  return FALSE;
}

static char *
join_entries (GPtrArray  *entries,
              const char *separator)
{
  g_ptr_array_add (entries, NULL);
  {
    char *joined = g_strjoinv (separator, (char **) entries->pdata);

    g_ptr_array_remove_index (entries, entries->len - 1);
    return joined;
  }
}

/* 409 is what a server honouring the Idempotency-Key answers a copy that
 * arrives while the first is still being processed: not a refusal. */
static OknOpen311Error
classify_status (long status)
{
  if (status == 401 || status == 403)
    return OKN_OPEN311_ERROR_AUTH;
  if (status == 408 || status == 409 || status == 425 || status == 429 || status >= 500)
    return OKN_OPEN311_ERROR_TRANSIENT;
  if (status >= 300 && status < 400)
    return OKN_OPEN311_ERROR_CONFIG;
  return OKN_OPEN311_ERROR_PERMANENT;
}

/* A non-2xx answer. The web server in front of a wrong server.url answers
 * 404, 405 or 410 without the spec's error list, or a web page: that is
 * the configuration, not the record, and must not send every record to
 * needs-attention. So is a list that refuses jurisdiction_id or api_key.
 * A web page refusing a body that is too large is the record's. */
static void
http_error (OknOpen311Client *client,
            OknTransfer         *t,
            long              status,
            GPtrArray        *entries,
            GError          **error)
{
  OknOpen311Error code = classify_status (status);
  g_autofree char *described = entries ? join_entries (entries, "\n") : NULL;
  g_autofree char *shown = entries ? join_entries (entries, "; ") : excerpt (client, t->answer);
  g_autofree char *msg = NULL;
  OknSettingFix *fix = NULL;
  gboolean no_endpoint = FALSE;

  /* A proxy's 503 often comes with no body: say so, not end in ": ". */
  if (*g_strstrip (shown) == '\0')
    {
      g_free (shown);
      shown = g_strdup (_("the server gave no details"));
    }
  if (code == OKN_OPEN311_ERROR_PERMANENT)
    {
      no_endpoint = (entries == NULL && (status == 404 || status == 405 || status == 410))
                    || (t->html && status != 413 && status != 414 && status != 431);
      if (no_endpoint || ((status == 400 || status == 404) && names_settings (entries)))
        code = OKN_OPEN311_ERROR_CONFIG;
    }
  switch (code)
    {
    case OKN_OPEN311_ERROR_AUTH:
      msg = g_strdup_printf (_("The Open311 server refused access (%s, HTTP %ld): %s."),
                             t->what, status, shown);
      fix = okn_setting_fix_new (OKN_SETTING_CHECK_TLS, "server.api_key", NULL, msg);
      break;
    case OKN_OPEN311_ERROR_CONFIG:
      if (status >= 300 && status < 400)
        msg = g_strdup_printf (_("The Open311 server redirects %s (HTTP %ld): the server’s address "
                                 "must be its final one."),
                               t->what, status);
      else if (no_endpoint)
        msg = g_strdup_printf (_("There is no Open311 endpoint at the server’s address: %s was "
                                 "answered with HTTP %ld and %s."),
                               t->what, status, t->html ? _("a web page") : _("no Open311 error list"));
      else
        msg = g_strdup_printf (_("The Open311 server refused this station's settings (%s, HTTP %ld): %s."),
                               t->what, status, shown);
      fix = (status >= 300 && status < 400) || no_endpoint
              ? okn_setting_fix_new (OKN_SETTING_CHECK, "server.url", NULL, msg)
              : okn_setting_fix_new (OKN_SETTING_CHECK, "server.jurisdiction_id", "server.api_key", msg);
      break;
    case OKN_OPEN311_ERROR_TRANSIENT:
      msg = g_strdup_printf (_("The Open311 server is unavailable (%s, HTTP %ld): %s"),
                             t->what, status, shown);
      break;
    /* classify_status() never gives the last three: they are named so
     * that a new class is not silently worded as a refusal. */
    case OKN_OPEN311_ERROR_PERMANENT:
    case OKN_OPEN311_ERROR_UNKNOWN_OUTCOME:
    case OKN_OPEN311_ERROR_INVALID:
    case OKN_OPEN311_ERROR_CANCELLED:
      msg = g_strdup_printf (_("The Open311 server refused %s (HTTP %ld): %s"),
                             t->what, status, shown);
      break;
    }
  set_error_full (client, error, code, (int) status, t->retry_after, described, msg, fix);
}

/* An answer that is no answer: for a POST we cannot know whether the
 * server created the request. @why: (nullable) what is wrong with it */
void
okn_open311_bad_answer (OknOpen311Client *client,
                        OknTransfer         *t,
                        const char       *why,
                        GError          **error)
{
  g_autofree char *ex = why ? g_strdup (why) : excerpt (client, t->answer);
  g_autofree char *msg = NULL;

  if (t->is_post)
    msg = g_strdup_printf (_("The Open311 server's answer to %s is not valid (HTTP %ld): “%s”; "
                             "it may have created the request."),
                           t->what, t->status, ex);
  else
    msg = g_strdup_printf (_("The Open311 server's answer to %s is not valid JSON (HTTP %ld): “%s”"),
                           t->what, t->status, ex);
  set_error (client, error,
             t->is_post ? OKN_OPEN311_ERROR_UNKNOWN_OUTCOME : OKN_OPEN311_ERROR_TRANSIENT,
             (int) t->status, t->retry_after, NULL, msg);
}

/* What a network failure means, in the user's language: curl's own words
 * are English and technical, so they go on a details line after it. */
static const char *
network_reason (CURLcode result)
{
  if (result == CURLE_COULDNT_RESOLVE_HOST || result == CURLE_COULDNT_RESOLVE_PROXY)
    return _("the server’s name cannot be found");
  if (result == CURLE_COULDNT_CONNECT)
    return _("nothing answers at that address: the server is down or the network is off");
  if (result == CURLE_OPERATION_TIMEDOUT)
    return _("the server did not answer in time");
  if (result == CURLE_SSL_CONNECT_ERROR)
    return _("a secure (TLS) connection could not be set up");
  if (result == CURLE_SEND_ERROR || result == CURLE_RECV_ERROR || result == CURLE_GOT_NOTHING
      || result == CURLE_PARTIAL_FILE)
    return _("the connection broke off");
  return _("the network failed");
}

static void
curl_failure (OknOpen311Client *client,
              OknTransfer         *t,
              GError          **error)
{
  const char *detail = t->errbuf[0] ? t->errbuf : curl_easy_strerror (t->result);
  const char *why = network_reason (t->result);
  g_autofree char *msg = NULL;
  g_autofree char *said = NULL;
  OknSettingFix *fix = NULL;
  OknOpen311Error code;

  /* curl's words when it wanted to send a POST a second time on a new
   * connection and our seek callback refused ("seek callback returned
   * error 2") mean nothing to a clerk or an administrator. */
  if (t->rewind_refused || t->result == CURLE_SEND_FAIL_REWIND)
    {
      why = _("the connection closed before the answer, and a request is never sent twice "
              "before the server was searched for it");
      detail = NULL;
    }

  /* CURLcode has some 100 values and gains more with libcurl releases:
   * the few that say the server's identity or our settings are wrong are
   * picked out, every other failure is the network's. An if-chain, because
   * a switch would have to name every value (-Wswitch-enum). */
  if (t->result == CURLE_PEER_FAILED_VERIFICATION || t->result == CURLE_SSL_PINNEDPUBKEYNOTMATCH
      || t->result == CURLE_SSL_ISSUER_ERROR)
    {
      code = OKN_OPEN311_ERROR_AUTH;
      said = g_strdup_printf (_("The Open311 server's TLS identity was refused (%s). "
                                "Check server.ca_file and server.pinned_key."),
                              t->what);
    }
  else if (t->result == CURLE_SSL_CERTPROBLEM || t->result == CURLE_SSL_CACERT_BADFILE
           || t->result == CURLE_SSL_CRL_BADFILE || t->result == CURLE_UNSUPPORTED_PROTOCOL
           || t->result == CURLE_URL_MALFORMAT)
    {
      code = OKN_OPEN311_ERROR_CONFIG;
      said = g_strdup_printf (_("The Open311 connection is misconfigured (%s)."), t->what);
      fix = okn_setting_fix_new (OKN_SETTING_CHECK_TLS, "server.url", NULL, said);
    }
  /* Refused in the handshake: the server never read the request, so a
   * POST created nothing. */
  else if (detail != NULL && names_client_cert_alert (detail))
    {
      code = OKN_OPEN311_ERROR_AUTH;
      if (client->client_cert == NULL)
        said = g_strdup_printf (_("The Open311 server requires a client certificate (%s): %s. "
                                  "Set server.client_cert and server.client_key."),
                                t->what, detail);
      else
        said = g_strdup_printf (_("The Open311 server refused this station's client certificate (%s): %s. "
                                  "Check server.client_cert, server.client_key and who issued the "
                                  "certificate."),
                                t->what, detail);
      detail = NULL;
    }
  else if (t->result == CURLE_WRITE_ERROR && t->too_big)
    {
      code = t->is_post ? OKN_OPEN311_ERROR_UNKNOWN_OUTCOME : OKN_OPEN311_ERROR_TRANSIENT;
      said = g_strdup_printf (_("The Open311 server's answer to %s is too large."), t->what);
      detail = NULL;
    }
  else if (t->is_post && (t->body_served || t->rewind_refused))
    {
      code = OKN_OPEN311_ERROR_UNKNOWN_OUTCOME;
      said = g_strdup_printf (_("%s was sent but no answer came back (%s): the server may "
                                "have created the request."),
                              t->what, why);
    }
  else
    {
      code = OKN_OPEN311_ERROR_TRANSIENT;
      said = g_strdup_printf (_("Cannot reach the Open311 server (%s): %s."), t->what, why);
      /* A name that leads nowhere: a typo in the address, or no network. */
      if (t->result == CURLE_COULDNT_RESOLVE_HOST || t->result == CURLE_COULDNT_RESOLVE_PROXY)
        fix = okn_setting_fix_new (OKN_SETTING_CHECK_NETWORK, "server.url", NULL, said);
    }
  /* TRANSLATORS: the second line of a network error: libcurl's own
   * (English) description, for an administrator */
  if (fix)
    fix->details = g_strdup (detail);
  else
    msg = detail ? g_strdup_printf (_("%s\nDetails: %s"), said, detail) : g_steal_pointer (&said);
  set_error_full (client, error, code, (int) t->status, t->retry_after, NULL, msg, fix);
}

/* Checks curl's result and the HTTP status; parses a 2xx answer, its
 * nesting bounded (okn_json_parse()).
 * Returns: (transfer full) (nullable): the JSON root */
JsonNode *
okn_open311_transfer_json (OknOpen311Client *client,
                           OknTransfer         *t,
                           GError          **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) parse_error = NULL;
  JsonObject *o;

  if (t->cancelled)
    {
      g_autofree char *msg = g_strdup_printf (_("%s was not sent: the sync is stopping."), t->what);

      okn_open311_set_simple_error (client, error, OKN_OPEN311_ERROR_CANCELLED, msg);
      return NULL;
    }
  if (t->result != CURLE_OK)
    {
      curl_failure (client, t, error);
      return NULL;
    }
  if (t->status < 200 || t->status > 299)
    {
      g_autoptr (GPtrArray) entries = error_entries (client, t->answer);

      http_error (client, t, t->status, entries, error);
      return NULL;
    }
  if (t->answer->len == 0 || !g_utf8_validate (t->answer->str, (gssize) t->answer->len, NULL))
    {
      okn_open311_bad_answer (client, t, NULL, error);
      return NULL;
    }
  root = okn_json_parse (t->answer->str, (gssize) t->answer->len, &parse_error);
  if (root == NULL)
    {
      okn_open311_bad_answer (client, t,
                              g_error_matches (parse_error, OKN_JSON_ERROR, OKN_JSON_ERROR_TOO_DEEP) ? parse_error->message : NULL,
                              error);
      return NULL;
    }
  if (!(JSON_NODE_HOLDS_ARRAY (root) || JSON_NODE_HOLDS_OBJECT (root)))
    {
      okn_open311_bad_answer (client, t, NULL, error);
      return NULL;
    }
  /* Some servers send the error array with a 200. */
  o = okn_open311_first_object (root);
  if (o && json_object_has_member (o, "code") && json_object_has_member (o, "description")
      && !json_object_has_member (o, "service_request_id") && !json_object_has_member (o, "token")
      && !json_object_has_member (o, "service_code"))
    {
      g_autofree char *code_s = okn_json_member_text (o, "code");
      g_autoptr (GPtrArray) entries = error_entries (client, t->answer);
      gint64 code = code_s ? g_ascii_strtoll (code_s, NULL, 10) : 0;

      http_error (client, t, code >= 300 && code < 600 ? (long) code : 400, entries, error);
      return NULL;
    }
  return g_steal_pointer (&root);
}

JsonNode *
okn_open311_get_json (OknOpen311Client *client,
                      const char       *path,
                      const char       *query,
                      GError          **error)
{
  g_autoptr (OknTransfer) t = okn_open311_transfer_new_get (client, path, query);

  okn_open311_run_one (client, t);
  return okn_open311_transfer_json (client, t, error);
}

/**
 * okn_open311_error_get_http_status:
 *
 * Returns: the HTTP status the server answered with, 0 when none came
 */
int
okn_open311_error_get_http_status (const GError *error)
{
  if (error == NULL || error->domain != OKN_OPEN311_ERROR)
    return 0;
  return okn_open311_error_get_private (error)->http_status;
}

/**
 * okn_open311_error_get_retry_after:
 *
 * Returns: the seconds the server asked us to wait (Retry-After, as seconds
 *   or as a date), -1 when it did not say
 */
gint64
okn_open311_error_get_retry_after (const GError *error)
{
  if (error == NULL || error->domain != OKN_OPEN311_ERROR)
    return -1;
  return okn_open311_error_get_private (error)->retry_after;
}

/**
 * okn_open311_error_get_server_description:
 *
 * Returns: (nullable): the server's own description of what it refused
 */
const char *
okn_open311_error_get_server_description (const GError *error)
{
  if (error == NULL || error->domain != OKN_OPEN311_ERROR)
    return NULL;
  return okn_open311_error_get_private (error)->server_description;
}

/**
 * okn_open311_error_get_setting_fix:
 *
 * Returns: (nullable): the setting that would fix @error (no API key, an
 *   address that leads nowhere), %NULL when no setting would
 */
const OknSettingFix *
okn_open311_error_get_setting_fix (const GError *error)
{
  if (error == NULL || error->domain != OKN_OPEN311_ERROR)
    return NULL;
  return okn_open311_error_get_private (error)->fix;
}

/**
 * okn_open311_client_new:
 * @config: read now; later changes to it are not seen
 *
 * Returns: (transfer full) (nullable): a client, or %NULL with
 *   %OKN_OPEN311_ERROR_CONFIG when server.url is not set (the station works
 *   offline) or a TLS file named in the configuration does not exist
 */
OknOpen311Client *
okn_open311_client_new (OknConfig *config,
                        GError   **error)
{
  static GOnce once = G_ONCE_INIT;
  g_autoptr (OknOpen311Client) client = NULL;
  g_autofree char *url = config_string (config, "server.url");
  g_autofree char *address = NULL;

  g_once (&once, init_curl, NULL);
  if (url == NULL)
    {
      okn_open311_set_setting_error (NULL, error, OKN_OPEN311_ERROR_CONFIG, OKN_SETTING_SET, "server.url",
                                     _("No server address is set: this station works offline."));
      return NULL;
    }
  client = g_new0 (OknOpen311Client, 1);
  client->url = g_str_has_suffix (url, "/") ? g_strdup (url) : g_strconcat (url, "/", NULL);
  client->api_key = config_string (config, "server.api_key");
  if (client->api_key)
    client->api_key_escaped = g_uri_escape_string (client->api_key, NULL, FALSE);
  client->jurisdiction_id = config_string (config, "server.jurisdiction_id");
  client->timeout = (long) okn_config_get_int (config, "server.timeout");
  client->ca_file = config_string (config, "server.ca_file");
  client->client_cert = config_string (config, "server.client_cert");
  client->client_key = config_string (config, "server.client_key");
  client->pinned_key = config_string (config, "server.pinned_key");
  client->media_upload = okn_config_get_bool (config, "server.media_upload");
  client->parallel = (guint) CLAMP (okn_config_get_int (config, "server.parallel"), 1, 64);
  client->batch_size = (guint) CLAMP (okn_config_get_int (config, "server.batch_size"), 1, 500);
  client->letter_service = config_string (config, "letters.service_code");
  for (guint i = 0; i < G_N_ELEMENTS (letter_attr_keys); i++)
    client->letter_attr[i] = config_string (config, letter_attr_keys[i]);
  address = config_string (config, "office.address");
  if (address == NULL)
    address = config_string (config, "office.name");
  if (address)
    {
      /* One line: "ul. Piotrkowska 104, 90-926 Łódź". */
      g_auto (GStrv) lines = g_strsplit_set (address, "\r\n", -1);
      g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
      g_auto (GStrv) kept = NULL;

      for (guint i = 0; lines[i]; i++)
        if (*g_strstrip (lines[i]))
          g_strv_builder_add (b, lines[i]);
      kept = g_strv_builder_end (b);
      if (kept[0])
        client->letter_address = g_strjoinv (", ", kept);
    }
  client->multi_attrs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  client->idle = g_ptr_array_new_with_free_func ((GDestroyNotify) curl_easy_cleanup);
  if (client->timeout <= 0)
    client->timeout = 30;

  if (!check_file (client, "server.ca_file", client->ca_file, error)
      || !check_file (client, "server.client_cert", client->client_cert, error)
      || !check_file (client, "server.client_key", client->client_key, error)
      || !check_private_key (client, client->client_key, error))
    return NULL;

  client->multi = curl_multi_init ();
  curl_multi_setopt (client->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) client->parallel);
  curl_multi_setopt (client->multi, CURLMOPT_MAXCONNECTS, (long) client->parallel);
  return g_steal_pointer (&client);
}

void
okn_open311_client_free (OknOpen311Client *client)
{
  if (client == NULL)
    return;
  /* Easy handles go before the multi handle that owns their connections. */
  g_clear_pointer (&client->idle, g_ptr_array_unref);
  g_clear_pointer (&client->multi, curl_multi_cleanup);
  g_clear_pointer (&client->multi_attrs, g_hash_table_unref);
  g_free (client->url);
  if (client->api_key)
    memset (client->api_key, 0, strlen (client->api_key));
  g_free (client->api_key);
  g_free (client->api_key_escaped);
  g_free (client->jurisdiction_id);
  g_free (client->ca_file);
  g_free (client->client_cert);
  g_free (client->client_key);
  g_free (client->pinned_key);
  g_free (client->letter_service);
  g_free (client->letter_address);
  for (guint i = 0; i < G_N_ELEMENTS (client->letter_attr); i++)
    g_free (client->letter_attr[i]);
  g_free (client);
}

const char *
okn_open311_client_get_url (OknOpen311Client *client)
{
  return client->url;
}

guint
okn_open311_client_get_parallel (OknOpen311Client *client)
{
  return client->parallel;
}

/**
 * okn_open311_client_get_media_upload:
 *
 * Returns: whether POSTs carry the records' attachments (server.media_upload);
 *   the caller must then load their data first
 */
gboolean
okn_open311_client_get_media_upload (OknOpen311Client *client)
{
  return client->media_upload;
}

/**
 * okn_open311_client_set_cancellable:
 * @cancellable: (nullable): cancelled from any thread; it must outlive the
 *   client or be unset first
 *
 * Once @cancellable is cancelled, requests of a call that have not started
 * yet are not sent and fail with %OKN_OPEN311_ERROR_CANCELLED; those in
 * flight finish. A stopping sync thus waits for a few requests, not a batch.
 */
void
okn_open311_client_set_cancellable (OknOpen311Client *client,
                                    GCancellable     *cancellable)
{
  client->cancellable = cancellable;
}
