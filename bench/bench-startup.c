/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-startup.c: the clerk desk's start-up to its first drawn frame, and
 * its memory, with 10,000 records in the store, next to Chromium showing an
 * equivalent local HTML form, under the same Xvfb.
 *
 *   bench-startup [--kiosk] [--runs N] [--records N] [--chromium PATH]
 *
 * --kiosk measures `okienko --kiosk` instead (100,000 records by default):
 * its start screen's first frame, and, once it shows, how long a reset
 * (the inactivity's expiry, after a resident began a report) takes to
 * draw the start screen again; Chromium runs in --kiosk mode on an
 * equivalent start page, whose reset swaps the page's screen back in
 * script and pings after the next frame.
 *
 * Each run is a new process: `okienko`'s own start-up path (this program
 * re-executed with --child: the application object, the store, the window)
 * until the first frame is drawn; the child then reports its RSS and exits.
 * Chromium runs with the flags this machine needs (no sandbox as root, no
 * GPU, no background networking, a fresh profile) and --app=file://form.html;
 * the page pings a loopback listener from its second animation frame, that
 * is after its first paint. Chromium's memory is summed over all its
 * processes: Pss (shared pages split fairly) and Rss (an upper bound).
 * The first run of each is a warm-up and not counted.
 */
#define G_LOG_DOMAIN "bench-startup"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "okn-application.h"
#include "okn-kiosk-window.h"

/* The child ----------------------------------------------------------------- */

static gint64
proc_status_kb (const char *field)
{
  g_autofree char *text = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) || (p = strstr (text, field)) == NULL)
    return -1;
  return g_ascii_strtoll (p + strlen (field) + 1, NULL, 10);
}

static gboolean
report_and_exit (gpointer data)
{
  printf ("FRAME %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", proc_status_kb ("VmRSS"),
          proc_status_kb ("VmHWM"));
  fflush (stdout);
  _exit (0);
  return G_SOURCE_REMOVE;
}

/* The kiosk: after the first frame, a resident starts a report and walks
 * away; the reset's frame is timed from the expiry. */
static gint64 reset_at;
static OknKioskWindow *kiosk_window;

static gboolean
report_reset_and_exit (gpointer data)
{
  printf ("RESET %" G_GINT64_FORMAT "\n", g_get_monotonic_time () - reset_at);
  return report_and_exit (NULL);
}

static gboolean
on_reset_draw (GtkWidget *widget,
               cairo_t   *cr,
               gpointer   data)
{
  if (reset_at && g_strcmp0 (okn_kiosk_window_get_screen_name (kiosk_window), "start") == 0)
    {
      g_signal_handlers_disconnect_by_func (widget, on_reset_draw, data);
      g_idle_add_full (G_PRIORITY_LOW, report_reset_and_exit, NULL, NULL);
    }
  return FALSE;
}

static gboolean
walk_away (gpointer data)
{
  okn_kiosk_report_begin (okn_kiosk_window_get_report (kiosk_window));
  okn_kiosk_window_set_language (kiosk_window, OKN_LANGUAGE_UK);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_signal_connect_after (kiosk_window, "draw", G_CALLBACK (on_reset_draw), NULL);
  reset_at = g_get_monotonic_time ();
  g_signal_emit_by_name (okn_kiosk_window_get_inactivity (kiosk_window), "expired");
  return G_SOURCE_REMOVE;
}

static gboolean
on_draw (GtkWidget *widget,
         cairo_t   *cr,
         gpointer   data)
{
  static gboolean seen;

  /* Report once the frame this draw belongs to is done. */
  if (!seen)
    {
      seen = TRUE;
      if (OKN_IS_KIOSK_WINDOW (widget))
        {
          printf ("FIRST %" G_GINT64_FORMAT "\n", proc_status_kb ("VmRSS"));
          fflush (stdout);
          kiosk_window = OKN_KIOSK_WINDOW (widget);
          g_idle_add_full (G_PRIORITY_LOW, walk_away, NULL, NULL);
        }
      else
        g_idle_add_full (G_PRIORITY_LOW, report_and_exit, NULL, NULL);
    }
  return FALSE;
}

static void
on_window_added (GtkApplication *app,
                 GtkWindow      *window)
{
  g_signal_connect_after (window, "draw", G_CALLBACK (on_draw), NULL);
}

static int
child_main (int    argc,
            char **argv)
{
  g_autoptr (OknApplication) app = NULL;
  char *args[] = { argv[0], NULL };

  /* What src/main.c does, plus the frame hook. */
  okn_application_setup_i18n ();
  app = okn_application_new ();
  if (argc > 2 && g_str_equal (argv[2], "--kiosk"))
    okn_application_set_kiosk (app, TRUE);
  g_signal_connect (app, "window-added", G_CALLBACK (on_window_added), NULL);
  return g_application_run (G_APPLICATION (app), 1, args);
}

/* The parent ---------------------------------------------------------------- */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  setpgid (0, 0);
}

static char *
start_xvfb (GSubprocess **out)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;
  char buf[32] = { 0 };
  gssize n = 0, r;
  int fds[2];

  g_assert (pipe (fds) == 0);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  *out = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                      "-screen", "0", "1920x1080x24", NULL);
  if (*out == NULL)
    g_error ("Xvfb: %s", error->message);
  while (n < (gssize) sizeof buf - 1 && !strchr (buf, '\n'))
    {
      r = read (fds[0], buf + n, sizeof buf - 1 - (gsize) n);
      if (r <= 0)
        break;
      n += r;
    }
  close (fds[0]);
  return g_strdup_printf (":%d", (int) g_ascii_strtoll (buf, NULL, 10));
}

static const char *first_names[] = { "Jan", "Anna", "Piotr", "Maria", "Krzysztof", "Katarzyna", "Tomasz",
                                     "Małgorzata", "Paweł", "Agnieszka", "Michał", "Zofia" };
static const char *last_names[] = { "Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński",
                                    "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski",
                                    "Jankowski", "Mazur", "Krawczyk", "Piotrowski", "Grabowski", "Pawłowski" };
static const char *subjects[] = { "Wniosek o wycinkę drzewa", "Skarga na hałas", "Odwołanie od decyzji",
                                  "Prośba o informację publiczną", "Wezwanie do zapłaty", "Uzgodnienie remontu" };

static void
fill_store (const char *db,
            guint       n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okn_store_open (db, &error);
  GRand *rand = g_rand_new_with_seed (42);

  if (store == NULL || !okn_store_init_station (store, "K03", "bench", &error))
    g_error ("%s", error->message);
  for (guint done = 0; done < n;)
    {
      g_autoptr (GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_record_free);

      for (guint i = 0; i < 1000 && done < n; i++, done++)
        {
          OknRecord *r;

          if (done % 4 == 3)
            {
              r = okn_record_new (OKN_KIND_REPORT);
              r->category = g_strdup ("pothole");
              r->description = g_strdup_printf ("Dziura w jezdni numer %u przy przejściu", done);
              r->address = g_strdup_printf ("ul. Piotrkowska %u, Łódź", 1 + done % 300);
            }
          else
            {
              r = okn_record_new (OKN_KIND_LETTER);
              r->sender_name = g_strdup_printf ("%s %s", first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))],
                                                last_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (last_names))]);
              r->subject = g_strdup (subjects[done % G_N_ELEMENTS (subjects)]);
              r->pages = 1 + (int) (done % 7);
            }
          g_ptr_array_add (batch, r);
        }
      if (!okn_store_register_many (store, batch, "bench", &error))
        g_error ("%s", error->message);
    }
  g_rand_free (rand);
}

/* The HTML equivalent: the same fields, the same completion list (the
 * distinct senders of the last 2,000 letters) and units. */
static void
write_form (const char *db,
            const char *path,
            guint16     port)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknStore) store = okn_store_open (db, &error);
  OknListFilter filter = { .has_kind = TRUE, .kind = OKN_KIND_LETTER, .limit = 2000 };
  g_autoptr (GPtrArray) letters = okn_store_list (store, &filter, &error);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GString *html = g_string_new (NULL);

  g_string_append (html,
                   "<!DOCTYPE html><html lang=pl><head><meta charset=utf-8><title>Okienko</title>"
                   "<style>body{font:14px sans-serif;margin:18px}label{display:inline-block;width:180px;"
                   "text-align:right;margin-right:12px;color:#666}input,select{width:60%;padding:6px;margin:3px}"
                   "nav button{padding:6px 12px}</style></head><body>"
                   "<nav><button>Pismo</button><button>Zgłoszenie</button><button>Szukaj</button>"
                   "<button>Rejestr dzienny</button> <span>K03 · 10000 w kolejce</span></nav>"
                   "<h2>Nowe pismo</h2><form>"
                   "<div><label>Nadawca:</label><input list=senders autofocus></div>"
                   "<div><label><input type=checkbox style=width:auto>Pismo anonimowe</label></div>"
                   "<div><label>Adres nadawcy:</label><input></div><div><label>Temat:</label><input></div>"
                   "<div><label>Data pisma:</label><input placeholder=dd.mm.rrrr></div>"
                   "<div><label>Znak pisma:</label><input></div>"
                   "<div><label>Liczba stron:</label><input type=number value=1></div>"
                   "<div><label>Liczba załączników:</label><input type=number value=0></div>"
                   "<div><label>Sposób doręczenia:</label><select><option>Osobiście<option>Poczta"
                   "<option>Kurier<option>E-mail<option>ePUAP<option>Inny</select></div>"
                   "<div><label>Komórka organizacyjna:</label><input list=units></div>"
                   "<div><label>Data wpływu:</label><input></div><div><label>Uwagi:</label><input></div>"
                   "<button type=button>Wyczyść formularz (Esc)</button> <button>Zapisz i drukuj (Ctrl+Enter)</button>"
                   "</form><datalist id=units><option>Wydział Gospodarki Komunalnej<option>Biuro Prawne</datalist>"
                   "<datalist id=senders>");
  for (guint i = 0; letters && i < letters->len; i++)
    {
      const char *s = ((OknRecord *) g_ptr_array_index (letters, i))->sender_name;

      if (s && !g_hash_table_contains (seen, s))
        {
          g_autofree char *esc = g_markup_escape_text (s, -1);
          g_hash_table_add (seen, (gpointer) s);
          g_string_append_printf (html, "<option>%s", esc);
        }
    }
  g_string_append_printf (html,
                          "</datalist><script>requestAnimationFrame(function(){requestAnimationFrame(function(){"
                          "new Image().src='http://127.0.0.1:%u/frame';});});</script></body></html>",
                          port);
  if (!g_file_set_contents (path, html->str, -1, &error))
    g_error ("%s", error->message);
  g_string_free (html, TRUE);
}

/* The kiosk's equivalent page: the start screen with the language switch
 * and the two paths, full screen (--kiosk). After its first frame it
 * pings; then it opens the category screen (the catalogue's tiles), swaps
 * the start screen back in as a reset does, and pings the reset's time
 * after the next frame. */
static void
write_kiosk_page (const char *path,
                  guint16     port)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *html = g_strdup_printf (
    "<!DOCTYPE html><html lang=pl><head><meta charset=utf-8><title>Okienko</title>"
    "<style>body{font:24px sans-serif;margin:0}nav{text-align:right;padding:8px}"
    "nav button{min-height:64px;font-size:24px;margin:4px}h1{text-align:center}"
    "main{display:flex;gap:32px;padding:24px 48px}main button{flex:1;min-height:480px;font-size:40px}"
    ".tiles button{width:22%%;min-height:96px;margin:8px;font-size:24px}</style></head><body>"
    "<nav><button>Polski</button><button>English</button><button>Українська</button></nav>"
    "<div id=screen></div><script>"
    "var start='<h1>Dzień dobry! Co chcesz zrobić?</h1><p style=text-align:center>Dotknij jednego z dwóch"
    " przycisków.</p><main><button>Zgłoś problem w mieście</button><button>Sprawdź swoje zgłoszenie</button></main>';"
    "var cats='<h1>Czego dotyczy problem?</h1><div class=tiles>';"
    "['Dziura w jezdni','Uszkodzony chodnik','Latarnia nie świeci','Dzikie wysypisko','Graffiti',"
    "'Przewrócone drzewo','Wyciek wody'].forEach(function(c){cats+='<button>'+c+'</button>';});cats+='</div>';"
    "var s=document.getElementById('screen');s.innerHTML=start;"
    "function ping(p){new Image().src='http://127.0.0.1:%u/'+p;}"
    "requestAnimationFrame(function(){requestAnimationFrame(function(){ping('frame');"
    "setTimeout(function(){s.innerHTML=cats;requestAnimationFrame(function(){requestAnimationFrame(function(){"
    "var t0=performance.now();s.innerHTML=start;requestAnimationFrame(function(){requestAnimationFrame(function(){"
    "ping('reset?us='+Math.round((performance.now()-t0)*1000));});});});});},50);});});"
    "</script></body></html>", port);

  if (!g_file_set_contents (path, html, -1, &error))
    g_error ("%s", error->message);
}

typedef struct
{
  GMutex lock;
  GCond cond;
  gint64 at;
  gint64 reset_us;
} Beacon;

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *conn,
             GObject           *source,
             gpointer           data)
{
  Beacon *b = data;
  char buf[512];
  const char *answer = "HTTP/1.0 204 No Content\r\nConnection: close\r\n\r\n";
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  gssize n = g_input_stream_read (in, buf, sizeof buf - 1, NULL, NULL);

  if (n > 0)
    {
      buf[n] = '\0';
      if (strstr (buf, "GET /reset?us="))
        {
          g_mutex_lock (&b->lock);
          b->reset_us = g_ascii_strtoll (strstr (buf, "GET /reset?us=") + 14, NULL, 10);
          g_cond_signal (&b->cond);
          g_mutex_unlock (&b->lock);
        }
      if (strstr (buf, "GET /frame"))
        {
          g_mutex_lock (&b->lock);
          if (b->at == 0)
            b->at = g_get_monotonic_time ();
          g_cond_signal (&b->cond);
          g_mutex_unlock (&b->lock);
        }
    }
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), answer, strlen (answer),
                             NULL, NULL, NULL);
  return TRUE;
}

/* Memory of a process tree: every process whose parent chain reaches @root. */
static void
tree_memory (GPid    root,
             gint64 *rss_kb,
             gint64 *pss_kb)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr (GHashTable) parent = g_hash_table_new (NULL, NULL);
  const char *name;

  *rss_kb = *pss_kb = 0;
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      const char *p;
      GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10);

      if (pid <= 0)
        continue;
      path = g_strdup_printf ("/proc/%d/status", pid);
      if (!g_file_get_contents (path, &text, NULL, NULL) || (p = strstr (text, "PPid:")) == NULL)
        continue;
      g_hash_table_insert (parent, GINT_TO_POINTER (pid), GINT_TO_POINTER ((int) g_ascii_strtoll (p + 5, NULL, 10)));
    }
  {
    GHashTableIter it;
    gpointer k, v;

    g_hash_table_iter_init (&it, parent);
    while (g_hash_table_iter_next (&it, &k, &v))
      {
        GPid pid = GPOINTER_TO_INT (k), up = pid;
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        const char *p;

        for (int depth = 0; up > 1 && up != root && depth < 64; depth++)
          up = GPOINTER_TO_INT (g_hash_table_lookup (parent, GINT_TO_POINTER (up)));
        if (up != root)
          continue;
        path = g_strdup_printf ("/proc/%d/smaps_rollup", pid);
        if (!g_file_get_contents (path, &text, NULL, NULL))
          continue;
        if ((p = strstr (text, "\nRss:")))
          *rss_kb += g_ascii_strtoll (p + 5, NULL, 10);
        if ((p = strstr (text, "\nPss:")))
          *pss_kb += g_ascii_strtoll (p + 5, NULL, 10);
      }
  }
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One figure a run: milliseconds or megabytes. */
static GArray *
samples_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (double));
}

static double
median (GArray *a)
{
  g_array_sort (a, compare_double);
  if (a->len == 0)
    return 0;
  return a->len % 2 ? g_array_index (a, double, a->len / 2)
                    : (g_array_index (a, double, a->len / 2 - 1) + g_array_index (a, double, a->len / 2)) / 2;
}

int
main (int    argc,
      char **argv)
{
  int runs = 7, records = 10000;
  const char *chromium = "/usr/bin/chromium";
  g_autofree char *tmp = NULL;
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *form = NULL;
  g_autofree char *display = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GSubprocess) xvfb = NULL;
  g_autoptr (GArray) desk_ms = samples_new ();
  g_autoptr (GArray) desk_rss = samples_new ();
  g_autoptr (GArray) desk_hwm = samples_new ();
  g_autoptr (GArray) chr_ms = samples_new ();
  g_autoptr (GArray) chr_rss = samples_new ();
  g_autoptr (GArray) chr_pss = samples_new ();
  g_autoptr (GSocketService) service = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) reset_ms = samples_new ();
  g_autoptr (GArray) chr_reset_ms = samples_new ();
  Beacon beacon = { 0 };
  guint16 port;
  gboolean have_chromium;
  gboolean kiosk = FALSE;
  const char *what;

  if (argc > 1 && g_str_equal (argv[1], "--child"))
    return child_main (argc, argv);
  setlocale (LC_ALL, "");
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--kiosk"))
        {
          kiosk = TRUE;
          records = 100000;
        }
      else if (g_str_equal (argv[i], "--runs") && i + 1 < argc)
        runs = (int) g_ascii_strtoll (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--records") && i + 1 < argc)
        records = (int) g_ascii_strtoll (argv[++i], NULL, 10);
      else if (g_str_equal (argv[i], "--chromium") && i + 1 < argc)
        chromium = argv[++i];
      else
        {
          g_printerr ("usage: %s [--kiosk] [--runs N] [--records N] [--chromium PATH]\n", argv[0]);
          return 2;
        }
    }

  tmp = g_dir_make_tmp ("okienko-bench-startup-XXXXXX", NULL);
  db = g_build_filename (tmp, "okienko.db", NULL);
  conf = g_build_filename (tmp, "okienko.conf", NULL);
  form = g_build_filename (tmp, "form.html", NULL);
  g_file_set_contents (conf, "[office]\nname=Urząd Miasta Łodzi\n[letters]\nunits=Wydział Gospodarki Komunalnej,Biuro Prawne\n",
                       -1, NULL);
  g_print ("filling the store with %d records…\n", records);
  fill_store (db, (guint) records);
  if (kiosk)
    {
      g_autoptr (OknStore) store = okn_store_open (db, &error);
      g_autoptr (GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) okn_service_free);
      const char *names[] = { "Dziura w jezdni", "Uszkodzony chodnik", "Latarnia nie świeci", "Dzikie wysypisko",
                              "Graffiti", "Przewrócone drzewo", "Wyciek wody" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          OknService *s = g_new0 (OknService, 1);

          s->code = g_strdup_printf ("cat%u", i);
          s->name = g_strdup (names[i]);
          s->group = g_strdup (i < 2 ? "Drogi" : "Miasto");
          g_ptr_array_add (services, s);
        }
      if (store == NULL || !okn_store_replace_services (store, services, &error))
        g_error ("%s", error->message);
    }
  display = start_xvfb (&xvfb);

  /* The desk. */
  for (int run = 0; run <= runs; run++)
    {
      g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                     | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr (GSubprocess) child = NULL;
      g_autoptr (GDataInputStream) in = NULL;
      g_autofree char *line = NULL;
      gint64 t0, t1, rss = 0, hwm = 0;

      g_subprocess_launcher_setenv (l, "DISPLAY", display, TRUE);
      g_subprocess_launcher_setenv (l, "OKIENKO_DB", db, TRUE);
      g_subprocess_launcher_setenv (l, "OKIENKO_CONFIG", conf, TRUE);
      g_subprocess_launcher_setenv (l, "HOME", tmp, TRUE);
      g_subprocess_launcher_setenv (l, "XDG_RUNTIME_DIR", tmp, TRUE);
      g_subprocess_launcher_setenv (l, "NO_AT_BRIDGE", "1", TRUE);
      g_subprocess_launcher_setenv (l, "GSETTINGS_BACKEND", "memory", TRUE);
      g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
      t0 = g_get_monotonic_time ();
      child = g_subprocess_launcher_spawn (l, &error, self_path, "--child", kiosk ? "--kiosk" : NULL, NULL);
      if (child == NULL)
        g_error ("%s", error->message);
      in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
      line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
      t1 = g_get_monotonic_time ();
      if (kiosk)
        {
          g_autofree char *reset = g_data_input_stream_read_line (in, NULL, NULL, NULL);
          gint64 us = 0;

          if (reset == NULL || sscanf (reset, "RESET %" G_GINT64_FORMAT, &us) != 1)
            g_error ("the kiosk did not draw its start screen again after a reset");
          if (run > 0)
            {
              double r = (double) us / 1000.0;
              g_array_append_val (reset_ms, r);
            }
          g_free (line);
          /* FRAME: the memory once the reset is drawn too. */
          line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
        }
      g_subprocess_wait (child, NULL, NULL);
      if (line == NULL || sscanf (line, "FRAME %" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &rss, &hwm) != 2)
        g_error ("the desk did not draw a frame");
      if (run > 0)
        {
          double ms = (double) (t1 - t0) / 1000.0, r = (double) rss / 1024.0, h = (double) hwm / 1024.0;
          g_array_append_val (desk_ms, ms);
          g_array_append_val (desk_rss, r);
          g_array_append_val (desk_hwm, h);
        }
    }

  /* Chromium. */
  have_chromium = g_file_test (chromium, G_FILE_TEST_IS_EXECUTABLE);
  if (have_chromium)
    {
      service = g_socket_service_new ();
      {
        g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
        g_autoptr (GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
        g_autoptr (GSocketAddress) bound = NULL;

        if (!g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error))
          g_error ("%s", error->message);
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
      }
      g_signal_connect (service, "incoming", G_CALLBACK (on_incoming), &beacon);
      g_socket_service_start (service);
      if (kiosk)
        write_kiosk_page (form, port);
      else
        write_form (db, form, port);

      for (int run = 0; run <= runs; run++)
        {
          g_autoptr (GSubprocessLauncher) l = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                                         | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
          g_autoptr (GSubprocess) child = NULL;
          g_autofree char *profile = g_strdup_printf ("%s/profile-%d", tmp, run);
          g_autofree char *profile_arg = g_strdup_printf ("--user-data-dir=%s", profile);
          g_autofree char *app_arg = g_strdup_printf (kiosk ? "file://%s" : "--app=file://%s", form);
          gint64 t0, deadline, rss = 0, pss = 0, at;

          g_subprocess_launcher_setenv (l, "DISPLAY", display, TRUE);
          g_subprocess_launcher_setenv (l, "HOME", tmp, TRUE);
          g_subprocess_launcher_set_child_setup (l, die_with_parent, NULL, NULL);
          beacon.at = 0;
          beacon.reset_us = 0;
          t0 = g_get_monotonic_time ();
          child = g_subprocess_launcher_spawn (l, &error, chromium, "--no-sandbox", "--disable-gpu",
                                               "--disable-quic", "--no-first-run", "--disable-background-networking",
                                               "--disable-component-update", "--disable-sync",
                                               "--no-default-browser-check", "--password-store=basic",
                                               kiosk ? "--kiosk" : "--disable-extensions",
                                               profile_arg, app_arg, NULL);
          if (child == NULL)
            g_error ("%s", error->message);
          deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
          g_mutex_lock (&beacon.lock);
          while (beacon.at == 0 && g_get_monotonic_time () < deadline)
            {
              g_mutex_unlock (&beacon.lock);
              g_main_context_iteration (NULL, FALSE);
              g_usleep (1000);
              g_mutex_lock (&beacon.lock);
            }
          at = beacon.at;
          g_mutex_unlock (&beacon.lock);
          if (at == 0)
            g_error ("Chromium did not draw the form within 60 s");
          if (kiosk)
            {
              gint64 us;

              g_mutex_lock (&beacon.lock);
              while (beacon.reset_us == 0 && g_get_monotonic_time () < deadline)
                {
                  g_mutex_unlock (&beacon.lock);
                  g_main_context_iteration (NULL, FALSE);
                  g_usleep (1000);
                  g_mutex_lock (&beacon.lock);
                }
              us = beacon.reset_us;
              g_mutex_unlock (&beacon.lock);
              if (run > 0 && us > 0)
                {
                  double r = (double) us / 1000.0;
                  g_array_append_val (chr_reset_ms, r);
                }
            }
          tree_memory ((GPid) g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10), &rss, &pss);
          /* The whole process group: Chromium's helpers too. */
          kill (-(pid_t) g_ascii_strtoll (g_subprocess_get_identifier (child), NULL, 10), SIGKILL);
          g_subprocess_wait (child, NULL, NULL);
          if (run > 0)
            {
              double ms = (double) (at - t0) / 1000.0, r = (double) rss / 1024.0, p = (double) pss / 1024.0;
              g_array_append_val (chr_ms, ms);
              g_array_append_val (chr_rss, r);
              g_array_append_val (chr_pss, p);
            }
        }
      g_socket_service_stop (service);
    }

  what = kiosk ? "okienko --kiosk (GTK3), start screen" : "okienko (GTK3 desk)";
  g_print ("\nStart-up to the first drawn frame, %d records in the store, median of %d runs (after one warm-up), "
           "Xvfb %s\n\n", records, runs, display);
  if (kiosk)
    {
      g_print ("| program | first frame | back to the start screen after a reset | memory |\n|---|---|---|---|\n");
      g_print ("| %s | %.0f ms | %.1f ms | RSS %.1f MB (peak %.1f MB) |\n", what, median (desk_ms),
               median (reset_ms), median (desk_rss), median (desk_hwm));
      if (have_chromium)
        g_print ("| Chromium --kiosk, equivalent local page | %.0f ms | %.1f ms | PSS %.1f MB, RSS sum %.1f MB "
                 "(all processes) |\n", median (chr_ms), median (chr_reset_ms), median (chr_pss), median (chr_rss));
      else
        g_print ("| Chromium | not installed (%s) | — | — |\n", chromium);
    }
  else
    {
      g_print ("| program | first frame | memory at first frame |\n|---|---|---|\n");
      g_print ("| %s | %.0f ms | RSS %.1f MB (peak %.1f MB) |\n", what, median (desk_ms), median (desk_rss),
               median (desk_hwm));
      if (have_chromium)
        g_print ("| Chromium, same form as a local HTML page | %.0f ms | PSS %.1f MB, RSS sum %.1f MB (all processes) |\n",
                 median (chr_ms), median (chr_pss), median (chr_rss));
      else
        g_print ("| Chromium | not installed (%s) | — |\n", chromium);
    }
  if (have_chromium)
    g_print ("\nokienko starts %.1f× faster and uses %.1f× less memory (its RSS against Chromium's PSS).\n",
             median (chr_ms) / median (desk_ms), median (chr_pss) / median (desk_rss));
  if (kiosk)
    g_print ("Targets: first frame ≤ 300 ms: %s; ≥ 3× faster than Chromium: %s; RSS ≤ 80 MB: %s\n",
             median (desk_ms) <= 300 ? "met" : "NOT met",
             !have_chromium ? "not measured" : median (chr_ms) >= 3 * median (desk_ms) ? "met" : "NOT met",
             median (desk_rss) <= 80 ? "met" : "NOT met");
  else
    g_print ("Targets: first frame ≤ 400 ms: %s; RSS ≤ 120 MB: %s\n", median (desk_ms) <= 400 ? "met" : "NOT met",
             median (desk_rss) <= 120 ? "met" : "NOT met");

  g_subprocess_send_signal (xvfb, SIGTERM);
  g_subprocess_wait (xvfb, NULL, NULL);
  remove_tree (tmp);
  return 0;
}
