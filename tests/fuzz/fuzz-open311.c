/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-open311.c: an Open311 server's answers read by the client's own
 * parsers (okn_open311_read_answer(), no network). Built once per answer
 * (OKN_FUZZ_ANSWER): services, definitions, requests, tokens and POST
 * receipts, and the error lists of 4xx/5xx answers. The first byte picks
 * the HTTP status (and, for errors, which call was answered); the rest is
 * the body. Whatever the answer, an error names the call and never holds
 * the api_key, in any case or encoding. */
#include "config.h"

#include "okienko/okn-config.h"
#include "okienko/okn-open311.h"
#include "okienko/okn-service-def.h"
#include "okn-open311-private.h"
#include "okn-fuzz.h"

#define API_KEY "Fuzz-Key-7d1c"

#ifndef OKN_FUZZ_ERRORS
#define OKN_FUZZ_ERRORS 0
#endif
#ifndef OKN_FUZZ_DEFINITIONS
#define OKN_FUZZ_DEFINITIONS 0
#endif

static OknOpen311Client *client;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr (OknConfig) config = NULL;
  g_autoptr (GError) error = NULL;

  okn_fuzz_init ();
  config = okn_config_new ("/nonexistent/okienko-fuzz.conf");
  if (!okn_config_set (config, "server.url", "https://open311.invalid/v2/", &error)
      || !okn_config_set (config, "server.api_key", API_KEY, &error)
      || (client = okn_open311_client_new (config, &error)) == NULL)
    g_error ("fuzz-open311: %s", error->message);
  return 0;
}

static void
assert_no_key (const char *text)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_autofree char *key = g_ascii_strdown (API_KEY, -1);

  g_assert_null (strstr (lower, key));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  OknOpen311Answer what = OKN_FUZZ_ANSWER;
  long status;

  if (size < 1)
    return 0;
#if OKN_FUZZ_ERRORS
  static const long bad[] = { 400, 401, 403, 404, 405, 409, 410, 413, 422, 429, 500, 502, 503, 301, 302, 100 };

  status = bad[data[0] % G_N_ELEMENTS (bad)];
  what = (OknOpen311Answer) ((data[0] / G_N_ELEMENTS (bad)) % (OKN_OPEN311_ANSWER_TOKEN + 1));
#else
  static const long ok[] = { 200, 201, 202, 200 };

  status = ok[data[0] % G_N_ELEMENTS (ok)];
  /* Requests answer GETs and POSTs alike. */
  if (what == OKN_OPEN311_ANSWER_REQUESTS && (data[0] & 0x80))
    what = OKN_OPEN311_ANSWER_POST;
#endif
  if (!okn_open311_read_answer (client, what, status, (const char *) data + 1, size - 1, &error))
    {
      const char *described = okn_open311_error_get_server_description (error);

      g_assert_nonnull (error);
      g_assert_true (error->domain == OKN_OPEN311_ERROR);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      assert_no_key (error->message);
      if (described)
        assert_no_key (described);
    }
#if OKN_FUZZ_DEFINITIONS
  /* The same text as a cached definition the forms read. */
  {
    g_autofree char *text = okn_fuzz_string (data + 1, size - 1);
    g_autoptr (OknServiceDef) def = okn_service_def_parse (text, NULL);

    if (def)
      for (guint i = 0; i < def->attributes->len; i++)
        g_assert_nonnull (((OknAttrDef *) g_ptr_array_index (def->attributes, i))->code);
  }
#endif
  return 0;
}
