/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-speech.c: the kiosk's speech output
 *
 * libespeak-ng keeps one global synthesiser and its synchronous mode
 * blocks until the utterance is synthesised (and, when it plays, heard).
 * So every engine call happens in one worker thread per OknSpeech, fed
 * through a queue, under a process-wide lock; the callers only queue. A
 * new utterance or okn_speech_stop() bumps a generation counter, and the
 * synthesis callback, which espeak calls every few milliseconds of audio,
 * aborts an utterance whose generation is past: speech stops as soon as
 * the resident acts. speech-dispatcher speaks asynchronously itself; its
 * connection (which may start the daemon) is made in the worker too.
 */
#define G_LOG_DOMAIN "okn-speech"

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <espeak-ng/espeak_ng.h>
#include <libspeechd.h>

#include "okienko/okn-speech.h"

G_DEFINE_QUARK (okn-speech-error-quark, okn_speech_error)

typedef enum
{
  JOB_SAY,        /* to the sound card, or the sink */
  JOB_SYNTH,      /* to memory, for a GTask */
  JOB_STOP,       /* speech-dispatcher: cancel what it is saying */
  JOB_QUIT,
} JobKind;

typedef struct _Worker Worker;

typedef struct
{
  JobKind kind;
  Worker *worker;
  guint generation;
  OknLanguage lang;
  char *text;
  gboolean to_sink;
  GTask *task;            /* JOB_SYNTH */
  GByteArray *samples;    /* while synthesising to memory */
} Job;

/* What the thread shares with its OknSpeech. */
struct _Worker
{
  gint ref_count;
  gint generation;        /* atomic */
  GAsyncQueue *queue;
  OknSpeechEngine engine;
  char *module;           /* (nullable) speech-dispatcher output module */
  GMainContext *context;  /* the creator's: sink and failures are said there */
  GWeakRef owner;
  SPDConnection *spd;     /* worker thread only */
  gboolean spd_failed;
};

struct _OknSpeech
{
  GObject parent_instance;

  Worker *worker;
  GThread *thread;
  gboolean enabled;
  gboolean allowed[OKN_LANGUAGE_LAST + 1];
  OknSpeechSinkFunc sink;
  gpointer sink_data;
  GDestroyNotify sink_destroy;
  OknLanguage last_lang;
  char *last_text;
};

G_DEFINE_FINAL_TYPE (OknSpeech, okn_speech, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* espeak-ng is one synthesiser per process. */
static GMutex espeak_lock;
static gboolean espeak_initialized;
static int espeak_output = -1;

/* Helpers ----------------------------------------------------------------- */

static Worker *
worker_ref (Worker *w)
{
  g_atomic_int_inc (&w->ref_count);
  return w;
}

static void
worker_unref (Worker *w)
{
  if (!g_atomic_int_dec_and_test (&w->ref_count))
    return;
  g_async_queue_unref (w->queue);
  g_main_context_unref (w->context);
  g_weak_ref_clear (&w->owner);
  g_free (w->module);
  g_free (w);
}

static void
job_free (Job *job)
{
  g_free (job->text);
  g_clear_object (&job->task);
  if (job->samples != NULL)
    g_byte_array_unref (job->samples);
  g_free (job);
}

static gboolean
job_is_stale (Job *job)
{
  if ((guint) g_atomic_int_get (&job->worker->generation) != job->generation)
    return TRUE;
  return job->task != NULL && g_cancellable_is_cancelled (g_task_get_cancellable (job->task));
}

static void
audio_clear (OknSpeechAudio *audio)
{
  g_clear_pointer (&audio->samples, g_bytes_unref);
  g_clear_pointer (&audio->voice_name, g_free);
  g_clear_pointer (&audio->voice_language, g_free);
  g_clear_pointer (&audio->text, g_free);
}

typedef struct
{
  Worker *worker;
  guint generation;
  OknSpeechAudio *audio;  /* (nullable) for the sink */
  char *failure;          /* (nullable) for ::failed */
} Delivery;

static gboolean
deliver_main (gpointer data)
{
  Delivery *d = data;
  g_autoptr (OknSpeech) self = g_weak_ref_get (&d->worker->owner);

  if (self == NULL)
    return G_SOURCE_REMOVE;
  if (d->failure != NULL)
    g_signal_emit (self, signals[FAILED], 0, d->failure);
  /* Stopped or replaced while on its way: not heard, not delivered. */
  else if (d->audio != NULL && self->sink != NULL
           && (guint) g_atomic_int_get (&d->worker->generation) == d->generation)
    self->sink (d->audio, self->sink_data);
  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  g_clear_pointer (&d->audio, okn_speech_audio_free);
  g_free (d->failure);
  worker_unref (d->worker);
  g_free (d);
}

static void
deliver (Worker         *w,
         guint           generation,
         OknSpeechAudio *audio,
         const char     *failure)
{
  Delivery *d = g_new0 (Delivery, 1);

  d->worker = worker_ref (w);
  d->generation = generation;
  d->audio = audio;
  d->failure = g_strdup (failure);
  g_main_context_invoke_full (w->context, G_PRIORITY_DEFAULT, deliver_main, d, delivery_free);
}

/* espeak-ng (worker thread, under espeak_lock) ---------------------------- */

static int
espeak_callback (short        *wav,
                 int           n_samples,
                 espeak_EVENT *events)
{
  Job *job = events != NULL ? events->user_data : NULL;

  if (job == NULL)
    return 0;
  if (wav != NULL && n_samples > 0 && job->samples != NULL)
    g_byte_array_append (job->samples, (const guint8 *) wav, (guint) n_samples * sizeof (short));
  return job_is_stale (job) ? 1 : 0;
}

static gboolean
espeak_status_ok (espeak_ng_STATUS status,
                  GError         **error)
{
  char message[512] = "";

  if (status == ENS_OK)
    return TRUE;
  espeak_ng_GetStatusCodeMessage (status, message, sizeof message);
  g_set_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_ENGINE,
               _("The speech engine espeak-ng failed: %s"), message);
  return FALSE;
}

static gboolean
espeak_prepare (int       output,
                GError  **error)
{
  if (!espeak_initialized)
    {
      espeak_ng_InitializePath (NULL);
      if (!espeak_status_ok (espeak_ng_Initialize (NULL), error))
        return FALSE;
      espeak_SetSynthCallback (espeak_callback);
      espeak_initialized = TRUE;
    }
  if (espeak_output != output)
    {
      /* Synchronous: the call returns when the utterance is done, which
       * the worker thread waits for. */
      if (!espeak_status_ok (espeak_ng_InitializeOutput (output, 0, NULL), error))
        {
          espeak_output = -1;
          return FALSE;
        }
      espeak_output = output;
    }
  return TRUE;
}

static gboolean
espeak_select_voice (OknLanguage     lang,
                     OknSpeechAudio *audio,
                     GError        **error)
{
  const char *code = okn_language_to_string (lang);
  espeak_VOICE selector = { 0 };
  espeak_VOICE *voice;
  const char *languages;

  selector.languages = code;
  voice = espeak_ng_SetVoiceByProperties (&selector) == ENS_OK ? espeak_GetCurrentVoice () : NULL;
  /* Its languages are pairs of a priority byte and a name. */
  languages = voice != NULL && voice->languages != NULL ? voice->languages : "";
  if (*languages != '\0' && (guchar) *languages < 32)
    languages++;
  /* espeak-ng falls back to some other voice for a language it lacks:
   * English words read with Ukrainian rules help nobody. */
  if (!g_str_has_prefix (languages, code))
    {
      g_set_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_LANGUAGE,
                   _("The speech engine has no voice for the language “%s”."), code);
      return FALSE;
    }
  audio->voice_name = g_strdup (voice->name);
  audio->voice_language = g_strdup (languages);
  return TRUE;
}

static OknSpeechAudio *
espeak_run (Job     *job,
            gboolean to_memory,
            GError **error)
{
  g_autoptr (OknSpeechAudio) audio = g_new0 (OknSpeechAudio, 1);
  g_autoptr (GMutexLocker) locker G_GNUC_UNUSED = g_mutex_locker_new (&espeak_lock);
  int output = to_memory ? ENOUTPUT_MODE_SYNCHRONOUS
                         : ENOUTPUT_MODE_SYNCHRONOUS | ENOUTPUT_MODE_SPEAK_AUDIO;
  espeak_ng_STATUS status;

  if (!espeak_prepare (output, error) || !espeak_select_voice (job->lang, audio, error))
    return NULL;
  job->samples = g_byte_array_new ();
  status = espeak_ng_Synthesize (job->text, strlen (job->text) + 1, 0, POS_CHARACTER, 0,
                                 espeakCHARS_UTF8, NULL, job);
  if (job_is_stale (job))
    {
      g_set_error_literal (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED,
                           _("The speech was stopped."));
      return NULL;
    }
  if (!espeak_status_ok (status, error))
    return NULL;
  audio->sample_rate = (guint) espeak_ng_GetSampleRate ();
  audio->samples = g_byte_array_free_to_bytes (g_steal_pointer (&job->samples));
  audio->language = job->lang;
  audio->text = g_strdup (job->text);
  return g_steal_pointer (&audio);
}

/* speech-dispatcher (worker thread) --------------------------------------- */

static gboolean
spd_connect (Worker  *w,
             GError **error)
{
  g_autofree char *message = NULL;

  if (w->spd != NULL)
    return TRUE;
  w->spd = spd_open2 ("okienko", "kiosk", NULL, SPD_MODE_THREADED, NULL, TRUE, &message);
  if (w->spd == NULL)
    {
      g_set_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_ENGINE,
                   _("The speech engine speech-dispatcher cannot be reached: %s"),
                   message ? message : _("no answer"));
      return FALSE;
    }
  if (w->module != NULL && spd_set_output_module (w->spd, w->module) != 0)
    {
      g_set_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_ENGINE,
                   _("speech-dispatcher has no output module “%s” (kiosk.speech_module)."), w->module);
      g_clear_pointer (&w->spd, spd_close);
      return FALSE;
    }
  return TRUE;
}

static gboolean
spd_run (Worker  *w,
         Job     *job,
         GError **error)
{
  const char *code = okn_language_to_string (job->lang);

  if (!spd_connect (w, error))
    return FALSE;
  spd_cancel (w->spd);
  if (spd_set_language (w->spd, code) != 0)
    {
      g_set_error (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_LANGUAGE,
                   _("The speech engine has no voice for the language “%s”."), code);
      return FALSE;
    }
  if (spd_say (w->spd, SPD_MESSAGE, job->text) < 0)
    {
      g_set_error_literal (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_ENGINE,
                           _("speech-dispatcher refused to speak."));
      g_clear_pointer (&w->spd, spd_close);
      return FALSE;
    }
  return TRUE;
}

/* The worker -------------------------------------------------------------- */

static void
run_job (Worker *w,
         Job    *job)
{
  g_autoptr (GError) error = NULL;
  OknSpeechAudio *audio = NULL;

  switch (job->kind)
    {
    case JOB_SYNTH:
      if (job_is_stale (job))
        g_set_error_literal (&error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED,
                             _("The speech was stopped."));
      else if (w->engine == OKN_SPEECH_ENGINE_SPEECH_DISPATCHER)
        g_set_error_literal (&error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_ENGINE,
                             _("speech-dispatcher plays speech itself; it cannot be synthesised to memory."));
      else
        audio = espeak_run (job, TRUE, &error);
      if (audio != NULL)
        g_task_return_pointer (job->task, audio, (GDestroyNotify) okn_speech_audio_free);
      else
        g_task_return_error (job->task, g_steal_pointer (&error));
      break;
    case JOB_SAY:
      if (job_is_stale (job))
        break;
      if (w->engine == OKN_SPEECH_ENGINE_SPEECH_DISPATCHER && !job->to_sink)
        {
          if (!spd_run (w, job, &error))
            deliver (w, job->generation, NULL, error->message);
          break;
        }
      audio = espeak_run (job, job->to_sink, &error);
      if (audio != NULL && job->to_sink)
        deliver (w, job->generation, audio, NULL);
      else if (audio != NULL)
        okn_speech_audio_free (audio);
      else if (!g_error_matches (error, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_STOPPED))
        deliver (w, job->generation, NULL, error->message);
      break;
    case JOB_STOP:
      if (w->spd != NULL)
        spd_cancel (w->spd);
      break;
    case JOB_QUIT:
      break;
    default:
      g_assert_not_reached ();
    }
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (w->queue);
      gboolean quit = job->kind == JOB_QUIT;

      run_job (w, job);
      job_free (job);
      if (quit)
        break;
    }
  g_clear_pointer (&w->spd, spd_close);
  worker_unref (w);
  return NULL;
}

static Job *
job_new (OknSpeech   *self,
         JobKind      kind,
         OknLanguage  lang,
         const char  *text)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->worker = self->worker;
  job->generation = (guint) g_atomic_int_get (&self->worker->generation);
  job->lang = lang;
  job->text = g_strdup (text);
  return job;
}

/* Replaces whatever is being said: the generation moves on. */
static void
supersede (OknSpeech *self)
{
  g_atomic_int_inc (&self->worker->generation);
}

/* GObject ----------------------------------------------------------------- */

static void
okn_speech_finalize (GObject *object)
{
  OknSpeech *self = OKN_SPEECH (object);

  supersede (self);
  g_async_queue_push (self->worker->queue, job_new (self, JOB_QUIT, OKN_LANGUAGE_PL, NULL));
  /* A synthesis's GTask may drop the last reference in the worker itself:
   * it ends by itself after the quit, holding its own reference. */
  if (g_thread_self () == self->thread)
    g_thread_unref (self->thread);
  else
    g_thread_join (self->thread);
  worker_unref (self->worker);
  if (self->sink_destroy != NULL)
    self->sink_destroy (self->sink_data);
  g_free (self->last_text);
  G_OBJECT_CLASS (okn_speech_parent_class)->finalize (object);
}

static void
okn_speech_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  OknSpeech *self = OKN_SPEECH (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_speech_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  OknSpeech *self = OKN_SPEECH (object);

  switch (prop_id)
    {
    case PROP_ENABLED:
      okn_speech_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
okn_speech_class_init (OknSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = okn_speech_finalize;
  object_class->get_property = okn_speech_get_property;
  object_class->set_property = okn_speech_set_property;

  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * OknSpeech::failed:
   * @message: what went wrong, in the program's language, for staff
   *
   * The engine could not speak (no sound card, no daemon, no voice).
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
okn_speech_init (OknSpeech *self)
{
  Worker *w = g_new0 (Worker, 1);

  w->ref_count = 1;
  w->queue = g_async_queue_new_full ((GDestroyNotify) job_free);
  w->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&w->owner, self);
  self->worker = w;
}

/* Public ------------------------------------------------------------------ */

/**
 * okn_speech_new:
 * @config: (nullable): `kiosk.speech_engine`, `kiosk.speech_languages`,
 *   `kiosk.speech_module`; %NULL for the defaults (espeak-ng, Polish and
 *   English)
 *
 * Speech starts switched off: okn_speech_set_enabled() turns it on. The
 * engine is started by the first utterance, in the worker thread.
 *
 * Returns: (transfer full): the speech output
 */
OknSpeech *
okn_speech_new (OknConfig *config)
{
  OknSpeech *self = g_object_new (OKN_TYPE_SPEECH, NULL);
  g_autofree char *engine = config ? okn_config_get_string (config, "kiosk.speech_engine") : NULL;
  g_auto (GStrv) languages = config ? okn_config_get_list (config, "kiosk.speech_languages") : NULL;

  self->worker->engine = g_strcmp0 (engine, "speech-dispatcher") == 0
                           ? OKN_SPEECH_ENGINE_SPEECH_DISPATCHER
                           : OKN_SPEECH_ENGINE_ESPEAK_NG;
  self->worker->module = config ? okn_config_get_string (config, "kiosk.speech_module") : NULL;
  if (self->worker->module != NULL && *self->worker->module == '\0')
    g_clear_pointer (&self->worker->module, g_free);
  if (languages == NULL)
    {
      /* Ukrainian only where a city chose it (a better voice installed). */
      self->allowed[OKN_LANGUAGE_PL] = TRUE;
      self->allowed[OKN_LANGUAGE_EN] = TRUE;
    }
  for (guint i = 0; languages && languages[i]; i++)
    {
      OknLanguage lang;

      if (okn_language_from_string (languages[i], &lang))
        self->allowed[lang] = TRUE;
    }
  self->thread = g_thread_new ("okn-speech", worker_main, worker_ref (self->worker));
  return self;
}

OknSpeechEngine
okn_speech_get_engine (OknSpeech *self)
{
  g_return_val_if_fail (OKN_IS_SPEECH (self), OKN_SPEECH_ENGINE_ESPEAK_NG);
  return self->worker->engine;
}

/**
 * okn_speech_allows_language:
 *
 * Returns: whether the configuration lets the kiosk speak @lang
 */
gboolean
okn_speech_allows_language (OknSpeech   *self,
                            OknLanguage  lang)
{
  g_return_val_if_fail (OKN_IS_SPEECH (self), FALSE);
  return (guint) lang <= OKN_LANGUAGE_LAST && self->allowed[lang];
}

gboolean
okn_speech_get_enabled (OknSpeech *self)
{
  g_return_val_if_fail (OKN_IS_SPEECH (self), FALSE);
  return self->enabled;
}

/**
 * okn_speech_set_enabled:
 *
 * Speech mode on or off; off stops what is being said.
 */
void
okn_speech_set_enabled (OknSpeech *self,
                        gboolean   enabled)
{
  g_return_if_fail (OKN_IS_SPEECH (self));

  enabled = !!enabled;
  if (enabled == self->enabled)
    return;
  if (!enabled)
    okn_speech_stop (self);
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

/**
 * okn_speech_set_sink:
 * @sink: (nullable): where utterances go instead of the sound card
 *
 * With a sink, okn_speech_say() synthesises to memory (espeak-ng) and
 * hands each finished utterance to @sink on the creator's main context.
 */
void
okn_speech_set_sink (OknSpeech         *self,
                     OknSpeechSinkFunc  sink,
                     gpointer           data,
                     GDestroyNotify     destroy)
{
  g_return_if_fail (OKN_IS_SPEECH (self));

  if (self->sink_destroy != NULL)
    self->sink_destroy (self->sink_data);
  self->sink = sink;
  self->sink_data = data;
  self->sink_destroy = destroy;
}

/**
 * okn_speech_say:
 * @lang: the language of @text
 * @text: what to say
 *
 * Says @text in place of whatever is being said, and remembers it for
 * okn_speech_repeat(). Returns at once.
 *
 * Returns: %FALSE when nothing will be said: speech is off, @text is
 *   empty, or the configuration does not allow @lang
 */
gboolean
okn_speech_say (OknSpeech   *self,
                OknLanguage  lang,
                const char  *text)
{
  Job *job;

  g_return_val_if_fail (OKN_IS_SPEECH (self), FALSE);

  if (!self->enabled || text == NULL || *text == '\0' || !okn_speech_allows_language (self, lang)
      || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  if (self->last_text != text)
    {
      g_free (self->last_text);
      self->last_text = g_strdup (text);
    }
  self->last_lang = lang;
  supersede (self);
  job = job_new (self, JOB_SAY, lang, text);
  job->to_sink = self->sink != NULL;
  g_async_queue_push (self->worker->queue, job);
  return TRUE;
}

/**
 * okn_speech_say_characters:
 *
 * Says @text one character at a time (a ticket ID, a verification code),
 * with a pause where it has a hyphen or a space.
 *
 * Returns: as okn_speech_say()
 */
gboolean
okn_speech_say_characters (OknSpeech   *self,
                           OknLanguage  lang,
                           const char  *text)
{
  g_autofree char *spelled = NULL;

  g_return_val_if_fail (OKN_IS_SPEECH (self), FALSE);

  if (text == NULL)
    return FALSE;
  spelled = okn_speech_spell (text);
  return okn_speech_say (self, lang, spelled);
}

/**
 * okn_speech_stop:
 *
 * Stops what is being said and drops what was waiting, at once (the
 * resident acted).
 */
void
okn_speech_stop (OknSpeech *self)
{
  g_return_if_fail (OKN_IS_SPEECH (self));

  supersede (self);
  if (self->worker->engine == OKN_SPEECH_ENGINE_SPEECH_DISPATCHER)
    g_async_queue_push (self->worker->queue, job_new (self, JOB_STOP, OKN_LANGUAGE_PL, NULL));
}

/**
 * okn_speech_repeat:
 *
 * Says again the last thing said.
 *
 * Returns: %FALSE when there is nothing to repeat or speech is off
 */
gboolean
okn_speech_repeat (OknSpeech *self)
{
  g_return_val_if_fail (OKN_IS_SPEECH (self), FALSE);

  if (self->last_text == NULL)
    return FALSE;
  return okn_speech_say (self, self->last_lang, self->last_text);
}

/**
 * okn_speech_spell:
 * @text: a ticket ID, a code
 *
 * "K03-26-004217-Q" → "K, 0, 3. 2, 6. 0, 0, 4, 2, 1, 7. Q": one
 * character at a time (an engine reads a lone letter by its name), a
 * longer pause between the groups.
 *
 * Returns: (transfer full): the text to say
 */
char *
okn_speech_spell (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean group_break = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '-' || g_unichar_isspace (c))
        {
          group_break = TRUE;
          continue;
        }
      if (out->len > 0)
        g_string_append (out, group_break ? ". " : ", ");
      group_break = FALSE;
      g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/**
 * okn_speech_synthesize_async:
 *
 * Synthesises @text in @lang's voice to memory in the worker thread,
 * whether speech is on or not (checks and tests). Stopped (and finished
 * with %OKN_SPEECH_ERROR_STOPPED) by okn_speech_stop(), a new utterance or
 * @cancellable.
 */
void
okn_speech_synthesize_async (OknSpeech           *self,
                             OknLanguage          lang,
                             const char          *text,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  Job *job;

  g_return_if_fail (OKN_IS_SPEECH (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, okn_speech_synthesize_async);
  if (!okn_speech_allows_language (self, lang))
    {
      g_task_return_new_error (task, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_LANGUAGE,
                               _("Speech in the language “%s” is not enabled on this kiosk (kiosk.speech_languages)."),
                               okn_language_to_string (lang));
      return;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_task_return_new_error (task, OKN_SPEECH_ERROR, OKN_SPEECH_ERROR_LANGUAGE,
                               _("The text to say is not valid UTF-8."));
      return;
    }
  job = job_new (self, JOB_SYNTH, lang, text);
  job->task = g_steal_pointer (&task);
  g_async_queue_push (self->worker->queue, job);
}

/**
 * okn_speech_synthesize_finish:
 *
 * Returns: (transfer full): the utterance, or %NULL with @error
 */
OknSpeechAudio *
okn_speech_synthesize_finish (OknSpeech     *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
okn_speech_audio_free (OknSpeechAudio *audio)
{
  if (audio == NULL)
    return;
  audio_clear (audio);
  g_free (audio);
}

/**
 * okn_speech_audio_rms:
 *
 * Returns: the root mean square of the samples, 0 to 32768 (silence: 0)
 */
double
okn_speech_audio_rms (const OknSpeechAudio *audio)
{
  gsize size = 0;
  const gint16 *s = audio->samples ? g_bytes_get_data (audio->samples, &size) : NULL;
  gsize n = size / sizeof (gint16);
  double sum = 0;

  if (n == 0)
    return 0;
  for (gsize i = 0; i < n; i++)
    sum += (double) s[i] * s[i];
  return sqrt (sum / (double) n);
}

double
okn_speech_audio_seconds (const OknSpeechAudio *audio)
{
  if (audio->samples == NULL || audio->sample_rate == 0)
    return 0;
  return (double) g_bytes_get_size (audio->samples) / sizeof (gint16) / audio->sample_rate;
}
