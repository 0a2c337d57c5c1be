/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-fuzz.h: what every libFuzzer harness of tests/fuzz shares */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

G_BEGIN_DECLS

/* libFuzzer's entry points (the harness defines the first, some the second). */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);
int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);

/* A critical is a broken precondition in our code: a crash, as the test
 * suites treat it (G_DEBUG=fatal-criticals). Messages are dropped: a
 * harness prints nothing per input. */
static inline void
okn_fuzz_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      g_setenv ("G_DEBUG", "fatal-criticals", TRUE);
      g_setenv ("TZ", "Europe/Warsaw", TRUE);
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_FATAL_MASK);
      g_once_init_leave (&once, 1);
    }
}

/* The input as a NUL-terminated string (it may hold NULs of its own). */
static inline char *
okn_fuzz_string (const uint8_t *data,
                 size_t         size)
{
  char *s = g_malloc (size + 1);

  memcpy (s, data, size);
  s[size] = '\0';
  return s;
}

G_END_DECLS
