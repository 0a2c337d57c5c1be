/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-labels.c: words in the language asked for, whatever the locale */
#include "config.h"

#include <libintl.h>
#include <locale.h>
#include <string.h>
#include <glib.h>

#include "okienko/okienko.h"
#include "okienko/okn-ticket-layout.h"
#include "okn-test-common.h"

/* Every word of every enumeration, in each language: Polish and Ukrainian
 * have their own (the few words that are the same in a language are named). */
static void
test_every_label_translated (void)
{
  const char *same[] = { "ePUAP", "Kiosk", "E-mail", NULL };

  for (OknLanguage lang = OKN_LANGUAGE_PL; lang <= OKN_LANGUAGE_LAST; lang++)
    {
      g_autoptr (GPtrArray) pairs = g_ptr_array_new ();

      if (lang == OKN_LANGUAGE_EN)
        continue;
      for (int k = OKN_KIND_LETTER; k <= OKN_KIND_REPORT; k++)
        {
          g_ptr_array_add (pairs, (gpointer) okn_labels_kind (OKN_LANGUAGE_EN, k));
          g_ptr_array_add (pairs, (gpointer) okn_labels_kind (lang, k));
        }
      for (int c = OKN_CHANNEL_PAPER; c <= OKN_CHANNEL_OTHER; c++)
        {
          g_ptr_array_add (pairs, (gpointer) okn_labels_channel (OKN_LANGUAGE_EN, c));
          g_ptr_array_add (pairs, (gpointer) okn_labels_channel (lang, c));
        }
      for (int d = OKN_DELIVERY_IN_PERSON; d <= OKN_DELIVERY_OTHER; d++)
        {
          g_ptr_array_add (pairs, (gpointer) okn_labels_delivery (OKN_LANGUAGE_EN, d));
          g_ptr_array_add (pairs, (gpointer) okn_labels_delivery (lang, d));
        }
      for (int s = OKN_SYNC_QUEUED; s <= OKN_SYNC_CANCELLED; s++)
        {
          g_ptr_array_add (pairs, (gpointer) okn_labels_sync_state (OKN_LANGUAGE_EN, s));
          g_ptr_array_add (pairs, (gpointer) okn_labels_sync_state (lang, s));
        }
      for (guint i = 0; i < pairs->len; i += 2)
        {
          const char *en = g_ptr_array_index (pairs, i);
          const char *tr = g_ptr_array_index (pairs, i + 1);

          g_assert_true (en && *en && tr && *tr);
          /* ePUAP is a name; "Kiosk" and "E-mail" are Polish words too. */
          if (g_str_equal (en, tr) && !(g_str_equal (en, "ePUAP")
                                        || (lang == OKN_LANGUAGE_PL && g_strv_contains (same, en))))
            g_error ("“%s” has no %s translation", en, okn_language_to_string (lang));
        }
    }
  g_assert_cmpstr (okn_labels_delivery (OKN_LANGUAGE_PL, OKN_DELIVERY_POST), ==, "poczta");
  g_assert_cmpstr (okn_labels_delivery (OKN_LANGUAGE_UK, OKN_DELIVERY_POST), ==, "пошта");
  g_assert_cmpstr (okn_labels_delivery (OKN_LANGUAGE_EN, OKN_DELIVERY_POST), ==, "post");
  g_assert_cmpstr (okn_labels_sync_state (OKN_LANGUAGE_UK, OKN_SYNC_QUEUED), ==, "Очікує надсилання");
  g_assert_cmpstr (okn_labels_channel (OKN_LANGUAGE_PL, OKN_CHANNEL_PHONE), ==, "Infolinia telefoniczna");
}

/* The process's language does not leak into the words asked for, and
 * asking does not change the process's locale. */
static void
test_locale_untouched (void)
{
  g_autofree char *before = g_strdup (setlocale (LC_ALL, NULL));

  g_setenv ("LANGUAGE", "pl", TRUE);
  g_assert_cmpstr (okn_labels_kind (OKN_LANGUAGE_EN, OKN_KIND_LETTER), ==, "Letter");
  g_assert_cmpstr (okn_labels_kind (OKN_LANGUAGE_UK, OKN_KIND_LETTER), ==, "Лист");
  g_assert_cmpint (okn_language_from_locale (), ==, OKN_LANGUAGE_PL);
  g_setenv ("LANGUAGE", "uk", TRUE);
  g_assert_cmpint (okn_language_from_locale (), ==, OKN_LANGUAGE_UK);
  g_assert_cmpstr (okn_labels_kind (OKN_LANGUAGE_PL, OKN_KIND_LETTER), ==, "Pismo");
  g_unsetenv ("LANGUAGE");
  g_assert_cmpstr (setlocale (LC_ALL, NULL), ==, before);
}

/* The language okn_language_from_locale() names (the sync tags its stored
 * words with it) is the one gettext writes in: gettext ignores LANGUAGE
 * while the messages' locale is "C" (POSIX is C by another name), not
 * under C.UTF-8. Asked of gettext itself, locale by locale. */
static void
test_language_as_gettext (void)
{
  static const char *const locales[] = { "C", "POSIX", "C.UTF-8", "pl_PL.UTF-8" };
  static const char *const msgid = "Case number";
  g_autofree char *before = g_strdup (setlocale (LC_MESSAGES, NULL));
  const char *dir = g_getenv ("OKIENKO_LOCALEDIR");

  g_assert_nonnull (dir);
  bindtextdomain (GETTEXT_PACKAGE, dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  g_setenv ("LANGUAGE", "pl", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      gboolean polish;

      /* A locale this machine does not have is C to gettext. */
      if (setlocale (LC_MESSAGES, locales[i]) == NULL)
        g_assert_nonnull (setlocale (LC_MESSAGES, "C"));
      polish = g_strcmp0 (dgettext (GETTEXT_PACKAGE, msgid), msgid) != 0;
      g_test_message ("LC_MESSAGES=%s LANGUAGE=pl: gettext writes %s", locales[i], polish ? "Polish" : "English");
      g_assert_cmpint (okn_language_from_locale (), ==, (polish ? OKN_LANGUAGE_PL : OKN_LANGUAGE_EN));
    }
  g_assert_nonnull (setlocale (LC_MESSAGES, "C"));
  g_assert_cmpint (okn_language_from_locale (), ==, OKN_LANGUAGE_EN);
  g_assert_nonnull (setlocale (LC_MESSAGES, "C.UTF-8"));
  g_assert_cmpint (okn_language_from_locale (), ==, OKN_LANGUAGE_PL);
  g_unsetenv ("LANGUAGE");
  setlocale (LC_MESSAGES, before);
}

static void
test_language_names (void)
{
  OknLanguage lang = OKN_LANGUAGE_EN;

  g_assert_true (okn_language_from_string ("uk_UA.UTF-8", &lang));
  g_assert_cmpint (lang, ==, OKN_LANGUAGE_UK);
  g_assert_true (okn_language_from_string ("PL", &lang));
  g_assert_cmpint (lang, ==, OKN_LANGUAGE_PL);
  g_assert_false (okn_language_from_string ("de_DE", &lang));
  g_assert_false (okn_language_from_string ("u", &lang));
  g_assert_false (okn_language_from_string ("", &lang));
  g_assert_cmpstr (okn_language_to_string (OKN_LANGUAGE_UK), ==, "uk");
}

/* A category is named as the catalogue names it; before any sync, by
 * its code. */
static void
test_category_name (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autoptr (OknStore) store = okn_test_open_store (dir, "K03");
  g_autofree char *before = okn_labels_category (store, "pothole", OKN_LANGUAGE_PL);
  g_autofree char *after = NULL;
  g_autofree char *unknown = NULL;

  g_assert_cmpstr (before, ==, "pothole");
  okn_test_cache_service (store, "pothole", "Dziura w jezdni", NULL);
  after = okn_labels_category (store, "pothole", OKN_LANGUAGE_UK);
  g_assert_cmpstr (after, ==, "Dziura w jezdni");
  unknown = okn_labels_category (store, "graffiti", OKN_LANGUAGE_EN);
  g_assert_cmpstr (unknown, ==, "graffiti");
  g_assert_null (okn_labels_category (store, NULL, OKN_LANGUAGE_EN));
  okn_test_rm_rf (dir);
}

static char *
render_a4 (OknConfig   *config,
           int          language)
{
  g_autoptr (OknRecord) r = okn_test_letter (NULL, "Wniosek o dowód");
  g_autoptr (OknTicketContent) c = NULL;
  g_autoptr (GBytes) pdf = NULL;
  g_autoptr (GError) error = NULL;

  r->anonymous = TRUE;
  r->ticket = g_strdup ("K03-26-000001-7");
  r->verification_code = g_strdup ("ABCD-EFGH");
  r->created_at = g_strdup ("2026-11-30T10:00:00+01:00");
  r->station = g_strdup ("K03");
  r->delivery = OKN_DELIVERY_IN_PERSON;
  c = okn_ticket_content_new (r, config);
  if (language >= 0)
    okn_ticket_content_set_language (c, (OknLanguage) language);
  pdf = okn_layout_render_pdf (OKN_LAYOUT_A4_CONFIRMATION, c, &error);
  g_assert_no_error (error);
  return okn_test_pdf_text (pdf);
}

/* @text (a ticket's words) holds each of @phrases. */
static void
assert_says (const char        *text,
             const char *const *phrases)
{
  for (guint i = 0; phrases[i]; i++)
    if (strstr (text, phrases[i]) == NULL)
      g_error ("“%s” is not in: %s", phrases[i], text);
}

/* The ticket's words follow the language asked for, in the C locale,
 * with LANGUAGE=pl set as the desk sets it; the station's default is
 * office.ticket_language (Polish unless set). */
static void
test_ticket_language (void)
{
  g_autofree char *dir = okn_test_make_tmpdir ();
  g_autofree char *conf = g_build_filename (dir, "okienko.conf", NULL);
  g_autoptr (OknConfig) config = okn_config_new (conf);
  g_autoptr (GError) error = NULL;
  g_autofree char *pl = NULL;
  g_autofree char *uk = NULL;
  g_autofree char *en = NULL;
  g_autofree char *station_en = NULL;
  static const char *const pl_says[] = { "Potwierdzenie przyjęcia pisma", "(pismo anonimowe)", "osobiście", NULL };
  /* What the resident wrote is printed as written, in any language. */
  static const char *const uk_says[] = {
    "Підтвердження прийняття листа", "(анонімний лист)", "особисто", "Wniosek o dowód", NULL,
  };
  static const char *const en_says[] = { "Confirmation of receipt of a letter", "(anonymous letter)", "in person", NULL };

  g_setenv ("LANGUAGE", "pl", TRUE);
  pl = render_a4 (config, -1);
  uk = render_a4 (config, OKN_LANGUAGE_UK);
  en = render_a4 (config, OKN_LANGUAGE_EN);
  g_unsetenv ("LANGUAGE");
  okn_config_set (config, "office.ticket_language", "en", &error);
  g_assert_no_error (error);
  station_en = render_a4 (config, -1);

  assert_says (pl, pl_says);
  assert_says (uk, uk_says);
  g_assert_null (strstr (uk, "Potwierdzenie"));
  assert_says (en, en_says);
  assert_says (station_en, en_says);
  okn_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  okn_test_init (&argc, &argv);
  g_test_add_func ("/labels/every-label-translated", test_every_label_translated);
  g_test_add_func ("/labels/locale-untouched", test_locale_untouched);
  g_test_add_func ("/labels/language-names", test_language_names);
  g_test_add_func ("/labels/language-as-gettext", test_language_as_gettext);
  g_test_add_func ("/labels/category-name", test_category_name);
  g_test_add_func ("/labels/ticket-language", test_ticket_language);
  return g_test_run ();
}
