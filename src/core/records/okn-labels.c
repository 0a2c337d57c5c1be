/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-labels.c: the words for the record's enumerations, in a chosen language
 *
 * gettext picks a catalogue from the process locale, and switching the
 * locale per call is neither thread-safe nor possible in the C locale. So
 * the core reads the same compiled catalogues (LOCALEDIR, or the build
 * tree's through OKIENKO_LOCALEDIR) itself: one .mo file per language,
 * parsed once into a table of msgid → translation. English is the msgids
 * themselves; a catalogue that is missing or damaged falls back to them. */
#define G_LOG_DOMAIN "okn-labels"

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "okienko/okn-labels.h"

#define MO_MAGIC 0x950412deu

static const char *const language_names[] = {
  [OKN_LANGUAGE_PL] = "pl",
  [OKN_LANGUAGE_EN] = "en",
  [OKN_LANGUAGE_UK] = "uk",
};

/* Loaded on first use, kept for the process's life: the strings the
 * tables hold point into the file's contents. */
G_LOCK_DEFINE_STATIC (catalogues);
static GHashTable *catalogues[OKN_LANGUAGE_LAST + 1];
static gboolean catalogue_tried[OKN_LANGUAGE_LAST + 1];

typedef struct
{
  const guint8 *data;
  gsize len;
  gboolean big_endian;
} MoFile;

static gboolean
mo_u32 (const MoFile *mo,
        guint64       offset,
        guint32      *out)
{
  const guint8 *p;

  if (offset + 4 > mo->len)
    return FALSE;
  p = mo->data + offset;
  if (mo->big_endian)
    *out = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  else
    *out = ((guint32) p[3] << 24) | ((guint32) p[2] << 16) | ((guint32) p[1] << 8) | p[0];
  return TRUE;
}

/* The string of table entry @i: inside the file and NUL-terminated, or
 * NULL. A plural entry's later forms follow its first after a NUL; the
 * first is the one a label needs. */
static const char *
mo_string (const MoFile *mo,
           guint32       table,
           guint32       i)
{
  guint32 len, offset;

  if (!mo_u32 (mo, (guint64) table + 8 * (guint64) i, &len)
      || !mo_u32 (mo, (guint64) table + 8 * (guint64) i + 4, &offset)
      || (guint64) offset + len >= mo->len || mo->data[(gsize) offset + len] != '\0')
    return NULL;
  return (const char *) mo->data + offset;
}

static GHashTable *
load_catalogue (OknLanguage lang)
{
  const char *env = g_getenv ("OKIENKO_LOCALEDIR");
  g_autofree char *path = g_build_filename (env && *env ? env : LOCALEDIR, language_names[lang],
                                            "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  char *contents = NULL;
  gsize len = 0;
  MoFile mo;
  guint32 magic, n, originals, translations;
  GHashTable *table;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return NULL;
  mo.data = (const guint8 *) contents;
  mo.len = len;
  mo.big_endian = FALSE;
  if (!mo_u32 (&mo, 0, &magic))
    goto bad;
  if (magic != MO_MAGIC)
    {
      mo.big_endian = TRUE;
      if (!mo_u32 (&mo, 0, &magic) || magic != MO_MAGIC)
        goto bad;
    }
  if (!mo_u32 (&mo, 8, &n) || !mo_u32 (&mo, 12, &originals) || !mo_u32 (&mo, 16, &translations))
    goto bad;
  table = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid = mo_string (&mo, originals, i);
      const char *msgstr = mo_string (&mo, translations, i);

      /* The empty msgid is the catalogue's header. */
      if (msgid == NULL || msgstr == NULL || *msgid == '\0' || *msgstr == '\0')
        continue;
      g_hash_table_insert (table, (gpointer) msgid, (gpointer) msgstr);
    }
  /* contents stays alive with the table, for the process's life. */
  return table;

bad:
  g_warning ("%s is not a gettext catalogue: ticket words in %s fall back to English", path,
             language_names[lang]);
  g_free (contents);
  return NULL;
}

/**
 * okn_language_from_string:
 * @s: "pl", "en" or "uk", or a locale name such as "uk_UA.UTF-8"
 * @out: (out): the language
 *
 * Returns: %TRUE when @s names one of the three languages
 */
gboolean
okn_language_from_string (const char  *s,
                          OknLanguage *out)
{
  gsize n;

  if (s == NULL)
    return FALSE;
  n = strcspn (s, "_.@-");
  for (guint i = 0; i < G_N_ELEMENTS (language_names); i++)
    if (n == strlen (language_names[i]) && g_ascii_strncasecmp (s, language_names[i], n) == 0)
      {
        *out = (OknLanguage) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * okn_language_to_string:
 *
 * Returns: the language's two-letter code ("pl", "en", "uk")
 */
const char *
okn_language_to_string (OknLanguage lang)
{
  if ((guint) lang > OKN_LANGUAGE_LAST)
    return "en";
  return language_names[lang];
}

/**
 * okn_language_from_locale:
 *
 * The language the program's own messages are shown in, from the process
 * locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG): the desk shows its lists in
 * it. English when the locale names none of the three.
 *
 * As gettext does: while the messages' locale (setlocale()'s LC_MESSAGES,
 * "C" also when the locale asked for is not installed) is "C" or POSIX,
 * LANGUAGE is ignored and the messages are English; under C.UTF-8 it is
 * not.
 *
 * Returns: the language
 */
OknLanguage
okn_language_from_locale (void)
{
  const char *messages = setlocale (LC_MESSAGES, NULL);
  const char *const *names;
  OknLanguage lang;

  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    return OKN_LANGUAGE_EN;
  names = g_get_language_names ();
  for (guint i = 0; names[i]; i++)
    {
      /* "C" ends the list: what follows is not asked for. */
      if (g_str_equal (names[i], "C"))
        break;
      if (okn_language_from_string (names[i], &lang))
        return lang;
    }
  return OKN_LANGUAGE_EN;
}

/**
 * okn_labels_gettext:
 * @lang: the language wanted
 * @context: (nullable): the msgctxt, as `C_()` would take it
 * @msgid: the English text, marked for translation (OKN_TR, OKN_TRC)
 *
 * Looks @msgid up in @lang's catalogue, whatever the process locale.
 * Thread-safe.
 *
 * Returns: (transfer none): the translation, or @msgid when there is none
 */
const char *
okn_labels_gettext (OknLanguage  lang,
                    const char  *context,
                    const char  *msgid)
{
  g_autofree char *key = NULL;
  GHashTable *table;
  const char *found;

  g_return_val_if_fail (msgid != NULL, "");
  if ((guint) lang > OKN_LANGUAGE_LAST || lang == OKN_LANGUAGE_EN)
    return msgid;
  G_LOCK (catalogues);
  if (!catalogue_tried[lang])
    {
      catalogues[lang] = load_catalogue (lang);
      catalogue_tried[lang] = TRUE;
    }
  table = catalogues[lang];
  G_UNLOCK (catalogues);
  if (table == NULL)
    return msgid;
  /* gettext's key for a msgctxt: context, EOT, msgid. */
  key = context ? g_strconcat (context, "\004", msgid, NULL) : NULL;
  found = g_hash_table_lookup (table, key ? key : msgid);
  return found ? found : msgid;
}

/**
 * okn_labels_kind:
 *
 * Returns: (transfer none): "Letter" or "Report" in @lang
 */
const char *
okn_labels_kind (OknLanguage lang,
                 OknKind     kind)
{
  return kind == OKN_KIND_LETTER ? OKN_TR (lang, "Letter") : OKN_TR (lang, "Report");
}

/**
 * okn_labels_channel:
 *
 * Returns: (transfer none): how the record came in, in @lang
 */
const char *
okn_labels_channel (OknLanguage lang,
                    OknChannel  channel)
{
  switch (channel)
    {
    case OKN_CHANNEL_PAPER:
      return OKN_TR (lang, "Paper letter");
    case OKN_CHANNEL_DESK:
      return OKN_TR (lang, "In person at the desk");
    case OKN_CHANNEL_PHONE:
      return OKN_TR (lang, "Phone hotline");
    case OKN_CHANNEL_KIOSK:
      return OKN_TR (lang, "Kiosk");
    case OKN_CHANNEL_EMAIL:
      return OKN_TR (lang, "E-mail");
    case OKN_CHANNEL_EPUAP:
      return OKN_TR (lang, "ePUAP");
    case OKN_CHANNEL_APP:
      return OKN_TR (lang, "Mobile app");
    case OKN_CHANNEL_OTHER:
    default:
      return OKN_TR (lang, "Other");
    }
}

/**
 * okn_labels_delivery:
 *
 * Returns: (transfer none): how a letter was delivered, in @lang, in lower
 *   case as a ticket's field value ("in person", "post")
 */
const char *
okn_labels_delivery (OknLanguage lang,
                     OknDelivery delivery)
{
  switch (delivery)
    {
    case OKN_DELIVERY_IN_PERSON:
      return OKN_TRC (lang, "delivery", "in person");
    case OKN_DELIVERY_POST:
      return OKN_TRC (lang, "delivery", "post");
    case OKN_DELIVERY_COURIER:
      return OKN_TRC (lang, "delivery", "courier");
    case OKN_DELIVERY_EMAIL:
      return OKN_TRC (lang, "delivery", "e-mail");
    case OKN_DELIVERY_EPUAP:
      return OKN_TRC (lang, "delivery", "ePUAP");
    case OKN_DELIVERY_OTHER:
    default:
      return OKN_TRC (lang, "delivery", "other");
    }
}

/**
 * okn_labels_sync_state:
 *
 * Returns: (transfer none): where the record stands with the server, in
 *   @lang, as the desk shows it to the clerk
 */
const char *
okn_labels_sync_state (OknLanguage  lang,
                       OknSyncState state)
{
  switch (state)
    {
    case OKN_SYNC_QUEUED:
      return OKN_TR (lang, "Waiting to be sent");
    case OKN_SYNC_SENDING:
      return OKN_TR (lang, "Being sent");
    case OKN_SYNC_AWAITING_ID:
      return OKN_TR (lang, "Sent, waiting for the case number");
    case OKN_SYNC_SYNCED:
      return OKN_TR (lang, "Sent");
    case OKN_SYNC_NEEDS_ATTENTION:
      return OKN_TR (lang, "Needs attention");
    case OKN_SYNC_CANCELLED:
      return OKN_TR (lang, "Cancelled");
    default:
      return "";
    }
}

/**
 * okn_labels_category:
 * @store: the store holding the cached catalogue
 * @code: (nullable): a category's service code
 * @lang: the language wanted
 *
 * A category as people know it: the catalogue's name, not its code. An
 * Open311 catalogue names each service in the server's one language, so
 * @lang does not change it today; it is here so that a catalogue with
 * names per language needs no change in the callers. Without a cached
 * catalogue (a station that never synced), the code is all there is.
 *
 * Returns: (transfer full) (nullable): the name, the code, or %NULL for a
 *   %NULL code
 */
char *
okn_labels_category (OknStore    *store,
                     const char  *code,
                     OknLanguage  lang)
{
  g_autoptr (GPtrArray) services = NULL;

  if (code == NULL)
    return NULL;
  services = store ? okn_store_list_services (store, NULL) : NULL;
  for (guint i = 0; services && i < services->len; i++)
    {
      const OknService *s = g_ptr_array_index (services, i);

      if (g_strcmp0 (s->code, code) == 0 && s->name && *s->name)
        return g_strdup (s->name);
    }
  return g_strdup (code);
}
