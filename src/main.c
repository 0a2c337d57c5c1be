/* SPDX-License-Identifier: GPL-3.0-or-later */
/* main.c: the clerk desk, `okienko` */
#define G_LOG_DOMAIN "okienko"

#include "config.h"

#include "okn-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr (OknApplication) app = NULL;

  okn_application_setup_i18n ();
  app = okn_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
