/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-store-issued.c: the ticket numbers already given out, outside the
 * database file
 *
 * A database can lose its last transactions (a -wal deleted while a
 * process held it, then a crash) or be replaced by an older backup; its
 * counters then start again below numbers that are printed on tickets in
 * residents' hands. This small file next to the database remembers, per
 * station and year, the highest number ever confirmed, so such numbers are
 * never given again (docs/internals/store.md, "Ticket numbers").
 *
 * Layout: two slots of SLOT_SIZE bytes. A write goes to the slot after the
 * newest one with the next generation, then fdatasync(); the file never
 * grows, so that is one small data write. A write torn by a crash spoils
 * only its own slot (its checksum fails) and the other slot still holds
 * the previous state. Each slot is text, so an administrator can read it:
 *
 *   okienko-issued-tickets 1
 *   generation 42
 *   K03 26 4217
 *   sha256 <64 hex digits of the lines above>
 */
#define G_LOG_DOMAIN "okn-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "okienko/okn-ticket-id.h"
#include "okn-store-issued.h"
#include "okn-store-private.h"

#define SLOT_SIZE OKN_ISSUED_SLOT_SIZE
#define N_SLOTS 2
#define MAGIC "okienko-issued-tickets 1"
/* Far more station-year pairs than a station lives through; a slot holds
 * about 250. */
#define MAX_ENTRIES 200

struct _OknIssuedFile
{
  char *path;
  int fd;
};

/* One "STATION YY SEQ" line appended to @entries; FALSE when it is not one. */
static gboolean
parse_entry (const char *line,
             GArray     *entries)
{
  g_auto (GStrv) f = g_strsplit (line, " ", 3);
  OknIssued e = { 0 };
  guint64 year, seq;

  if (g_strv_length (f) != 3 || strlen (f[0]) >= sizeof e.station
      || !g_ascii_string_to_unsigned (f[1], 10, 0, 99, &year, NULL)
      || !g_ascii_string_to_unsigned (f[2], 10, 0, G_MAXUINT32, &seq, NULL))
    return FALSE;
  g_strlcpy (e.station, f[0], sizeof e.station);
  e.year = (guint) year;
  e.seq = (guint) seq;
  g_array_append_val (entries, e);
  return TRUE;
}

static void
append_entries (GString      *s,
                const GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const OknIssued *e = &g_array_index (entries, OknIssued, i);

      g_string_append_printf (s, "%s %02u %u\n", e->station, e->year, e->seq);
    }
}

/* Parses one slot; FALSE when it is empty, torn or not ours. */
static gboolean
parse_slot (const char *slot,
            guint64    *generation,
            GArray     *entries)
{
  g_autofree char *text = g_strndup (slot, SLOT_SIZE);
  g_autofree char *sum = NULL;
  g_auto (GStrv) lines = NULL;
  const char *check = strstr (text, "\nsha256 ");
  guint n;

  if (check == NULL || !g_str_has_prefix (text, MAGIC "\n"))
    return FALSE;
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text,
                                     (gsize) (check - text) + 1);
  if (strncmp (check + 8, sum, 64) != 0 || check[8 + 64] != '\n')
    return FALSE;

  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  if (n < 3 || !g_str_has_prefix (lines[1], "generation ")
      || !g_ascii_string_to_unsigned (lines[1] + 11, 10, 0, G_MAXUINT64, generation, NULL))
    return FALSE;
  for (guint i = 2; i < n && !g_str_has_prefix (lines[i], "sha256 "); i++)
    if (!parse_entry (lines[i], entries))
      return FALSE;
  return TRUE;
}

static char *
format_slot (guint64       generation,
             const GArray *entries)
{
  GString *s = g_string_new (MAGIC "\n");
  g_autofree char *sum = NULL;

  g_string_append_printf (s, "generation %" G_GUINT64_FORMAT "\n", generation);
  append_entries (s, entries);
  sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) s->str, s->len);
  g_string_append_printf (s, "sha256 %s\n", sum);
  return g_string_free (s, FALSE);
}

static gboolean
set_io_error (OknIssuedFile *f,
              const char    *what,
              int            saved_errno,
              GError       **error)
{
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The disk is full: the file of ticket numbers already given out, %s, cannot "
                   "be written. Free some space and try again."),
                 f->path);
  else
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The file of ticket numbers already given out, %s, cannot be %s: %s"),
                 f->path, what, g_strerror (saved_errno));
  return FALSE;
}

/* A mark that could not be written: the numbers are in the database
 * already (a registration committed, or the counters being copied), only
 * not in this file. The message names the highest of @raise and says what
 * writes it (any writable open: `okienkoctl init`), since a registration
 * must not simply be tried again: that would store the record twice. */
static gboolean
set_raise_error (OknIssuedFile *f,
                 const GArray  *raise,
                 int            saved_errno,
                 GError       **error)
{
  const OknIssued *top = okn_issued_highest (raise);
  g_autofree char *ticket = NULL;

  if (top == NULL)
    return set_io_error (f, C_("file", "written"), saved_errno, error);
  ticket = okn_store_format_ticket (top->station, top->year, top->seq);
  if (saved_errno == ENOSPC || saved_errno == EDQUOT)
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The file of ticket numbers already given out, %s, could not be written: the "
                   "disk is full. The database holds the tickets up to %s, but this file does not "
                   "yet; until it does, a database that loses its latest changes could give them "
                   "out again. Free some space on that disk, then run “okienkoctl init”, which "
                   "writes it."),
                 f->path, ticket);
  else
    g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                 _("The file of ticket numbers already given out, %s, could not be written: %s. "
                   "The database holds the tickets up to %s, but this file does not yet; until it "
                   "does, a database that loses its latest changes could give them out again. "
                   "Fix the cause, then run “okienkoctl init”, which writes it."),
                 f->path, g_strerror (saved_errno), ticket);
  return FALSE;
}

/* Reads the newest valid slot. *damaged is set when the file has content
 * but no slot is valid. */
static gboolean
read_newest (OknIssuedFile *f,
             guint64       *generation,
             GArray        *entries,
             gboolean      *damaged,
             GError       **error)
{
  char buf[SLOT_SIZE * N_SLOTS];
  gboolean found = FALSE;
  ssize_t got;

  *generation = 0;
  *damaged = FALSE;
  got = pread (f->fd, buf, sizeof buf, 0);
  if (got < 0)
    return set_io_error (f, C_("file", "read"), errno, error);
  if (got == 0)
    return TRUE;
  if ((gsize) got < sizeof buf)
    memset (buf + got, 0, sizeof buf - (gsize) got);
  for (guint i = 0; i < N_SLOTS; i++)
    {
      g_autoptr (GArray) slot = g_array_new (FALSE, TRUE, sizeof (OknIssued));
      guint64 gen = 0;

      if (parse_slot (buf + i * SLOT_SIZE, &gen, slot) && (!found || gen > *generation))
        {
          found = TRUE;
          *generation = gen;
          g_array_set_size (entries, 0);
          g_array_append_vals (entries, slot->data, slot->len);
        }
    }
  *damaged = !found;
  return TRUE;
}

/**
 * okn_issued_open:
 * @db_path: the database file; the numbers live in "@db_path.issued"
 * @create: create the file when it is missing (a store opened for writing)
 *
 * Returns: (transfer full): the file; with @create %FALSE and no file, an
 *   object that reads as empty and cannot be written
 */
OknIssuedFile *
okn_issued_open (const char *db_path,
                 gboolean    create,
                 GError    **error)
{
  OknIssuedFile *f = g_new0 (OknIssuedFile, 1);

  f->path = g_strconcat (db_path, ".issued", NULL);
  /* O_NONBLOCK: a FIFO put in its place must not hang the open (a restore
   * reads it before any store opens); it is refused below, as anything
   * but a regular file of one name is. */
  f->fd = g_open (f->path, (create ? O_RDWR | O_CREAT : O_RDONLY) | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
  if (f->fd < 0 && !(errno == ENOENT && !create))
    {
      int saved = errno;

      set_io_error (f, C_("file", "opened"), saved, error);
      okn_issued_close (f);
      return NULL;
    }
  if (f->fd >= 0)
    {
      struct stat st;
      int flags;

      if (fstat (f->fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_nlink != 1
          || (flags = fcntl (f->fd, F_GETFL)) < 0 || fcntl (f->fd, F_SETFL, flags & ~O_NONBLOCK) != 0)
        {
          g_set_error (error, OKN_STORE_ERROR, OKN_STORE_ERROR_STORAGE,
                       _("The file of ticket numbers already given out, %s, is not a plain file of "
                         "its own (a pipe, a device, or a file with other names): it cannot be "
                         "trusted. Move it away, then run “okienkoctl init”. Nothing was changed."),
                       f->path);
          okn_issued_close (f);
          return NULL;
        }
    }
  return f;
}

void
okn_issued_close (OknIssuedFile *f)
{
  if (f == NULL)
    return;
  if (f->fd >= 0)
    close (f->fd);
  g_free (f->path);
  g_free (f);
}

const char *
okn_issued_get_path (OknIssuedFile *f)
{
  return f->path;
}

/**
 * okn_issued_read:
 * @entries: (out) (transfer full) (element-type OknIssued): per station and
 *   year, the highest number given out (empty for a missing file)
 * @damaged: (out): the file has content but no readable state
 */
gboolean
okn_issued_read (OknIssuedFile *f,
                 GArray       **entries,
                 gboolean      *damaged,
                 GError       **error)
{
  g_autoptr (GArray) out = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  guint64 generation;

  *damaged = FALSE;
  if (f->fd >= 0 && !read_newest (f, &generation, out, damaged, error))
    return FALSE;
  *entries = g_steal_pointer (&out);
  return TRUE;
}

/* The entry of @station and @year in @entries, or NULL. */
OknIssued *
okn_issued_find (GArray     *entries,
                 const char *station,
                 guint       year)
{
  for (guint i = 0; entries && i < entries->len; i++)
    {
      OknIssued *e = &g_array_index (entries, OknIssued, i);

      if (e->year == year && g_str_equal (e->station, station))
        return e;
    }
  return NULL;
}

/**
 * okn_issued_highest:
 * @entries: (element-type OknIssued): marks
 *
 * Returns: (nullable): the highest of @entries, the newest year's: the
 *   last ticket they name
 */
const OknIssued *
okn_issued_highest (const GArray *entries)
{
  const OknIssued *top = NULL;

  for (guint i = 0; i < entries->len; i++)
    {
      const OknIssued *e = &g_array_index (entries, OknIssued, i);

      if (top == NULL || e->year > top->year || (e->year == top->year && e->seq > top->seq))
        top = e;
    }
  return top;
}

/**
 * okn_issued_merge:
 * @entries: (element-type OknIssued): marks, raised in place
 * @raise: (element-type OknIssued): numbers given out
 *
 * Raises each mark of @entries to at least @raise's (a station-year it
 * lacks is added); a mark never goes down.
 *
 * Returns: whether @entries changed
 */
gboolean
okn_issued_merge (GArray       *entries,
                  const GArray *raise)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < raise->len; i++)
    {
      const OknIssued *r = &g_array_index (raise, OknIssued, i);
      OknIssued *e = okn_issued_find (entries, r->station, r->year);

      if (e == NULL)
        {
          g_array_append_val (entries, *r);
          changed = TRUE;
        }
      else if (e->seq < r->seq)
        {
          e->seq = r->seq;
          changed = TRUE;
        }
    }
  return changed;
}

/**
 * okn_issued_raise:
 * @raise: (element-type OknIssued): numbers now given out
 *
 * Raises the high-water marks to at least @raise, durably. Other processes
 * write the same file: the read, merge and write happen under an exclusive
 * lock, so a mark never goes down.
 */
gboolean
okn_issued_raise (OknIssuedFile *f,
                  const GArray  *raise,
                  GError       **error)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  g_autofree char *text = NULL;
  char slot[SLOT_SIZE];
  guint64 generation = 0;
  gboolean damaged = FALSE, changed = FALSE, ok = FALSE;
  ssize_t written;
  gsize len;

  if (f->fd < 0)
    return TRUE;
  if (flock (f->fd, LOCK_EX) != 0)
    return set_io_error (f, C_("file", "locked"), errno, error);
  if (!read_newest (f, &generation, entries, &damaged, error))
    goto out;
  changed = okn_issued_merge (entries, raise);
  if (!changed && !damaged)
    {
      ok = TRUE;
      goto out;
    }
  /* Keep the newest years when a slot would overflow: old years' tickets
   * cannot be issued again unless the clock goes back decades. */
  while (entries->len > MAX_ENTRIES)
    {
      guint oldest = 0;

      for (guint i = 1; i < entries->len; i++)
        if (g_array_index (entries, OknIssued, i).year < g_array_index (entries, OknIssued, oldest).year)
          oldest = i;
      g_array_remove_index (entries, oldest);
    }

  text = format_slot (generation + 1, entries);
  len = strlen (text);
  g_assert (len <= SLOT_SIZE);
  memset (slot, 0, sizeof slot);
  memcpy (slot, text, len);
  /* The slot after the newest: the newest stays whole until this one is. */
  written = pwrite (f->fd, slot, sizeof slot, (off_t) (((generation + 1) % N_SLOTS) * SLOT_SIZE));
  if (written >= 0 && written != (ssize_t) sizeof slot)
    errno = ENOSPC;
  if (written != (ssize_t) sizeof slot || fdatasync (f->fd) != 0)
    {
      set_raise_error (f, raise, errno, error);
      goto out;
    }
  ok = TRUE;
out:
  flock (f->fd, LOCK_UN);
  return ok;
}

/**
 * okn_issued_to_text:
 * @entries: (element-type OknIssued): marks
 *
 * The marks as the slots hold them, one "STATION YY SEQ" line each: what a
 * backup carries (okn-store-backup.c).
 *
 * Returns: (transfer full): the lines
 */
char *
okn_issued_to_text (const GArray *entries)
{
  GString *s = g_string_new (NULL);

  append_entries (s, entries);
  return g_string_free (s, FALSE);
}

/* parse_entry() for a line exactly as append_entries() writes it, of a
 * station code and a number a ticket can have (0: a counter that gave
 * none out yet). */
static gboolean
parse_exact_entry (const char *line,
                   GArray     *entries)
{
  const OknIssued *e;
  g_autofree char *again = NULL;
  OknTicketId id;

  if (!parse_entry (line, entries))
    return FALSE;
  e = &g_array_index (entries, OknIssued, entries->len - 1);
  again = g_strdup_printf ("%s %02u %u", e->station, e->year, e->seq);
  return g_str_equal (again, line) && e->seq <= OKN_TICKET_SEQ_MAX
         && okn_ticket_id_make (e->station, e->year, MAX (e->seq, 1), &id, NULL)
         && g_str_equal (id.station, e->station);
}

/**
 * okn_issued_from_text:
 * @text: (nullable): okn_issued_to_text()'s lines
 * @bad_line: (out) (optional): on %NULL, the first line (from 1) that is
 *   not one
 *
 * Reads what a backup carries, which may have been changed since it was
 * written (a backup is a file like any other): each line must be exactly
 * as okn_issued_to_text() writes one.
 *
 * Returns: (transfer full) (nullable) (element-type OknIssued): the
 *   marks, or %NULL when a line is not one
 */
GArray *
okn_issued_from_text (const char *text,
                      guint      *bad_line)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, TRUE, sizeof (OknIssued));
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      /* The last line's newline leaves an empty string after it. */
      if (*lines[i] == '\0' && lines[i + 1] == NULL)
        break;
      if (!parse_exact_entry (lines[i], entries))
        {
          if (bad_line)
            *bad_line = i + 1;
          return NULL;
        }
    }
  return g_steal_pointer (&entries);
}
