/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-image.c: the image loaders a scanned file goes through before zbar
 * (okn_scan_load_gray()): PNG (libpng), JPEG (libjpeg, CMYK too) and the
 * first page of a PDF drawn by poppler, told apart by their first bytes.
 * What loads is a grey image of a size that can be held. */
#include "config.h"

#include "okienko/okn-scan.h"
#include "okn-scan-private.h"
#include "okn-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (OknScanPixels) gray = NULL;
  guint w = 0, h = 0;
  guint64 sum = 0;

  okn_fuzz_init ();
  gray = okn_scan_load_gray (data, size, "fuzz", 0, &w, &h, &error);
  if (gray == NULL)
    return 0;
  g_assert_no_error (error);
  g_assert_true (w > 0 && h > 0);
  /* Every pixel is there to be read (ASan sees a short buffer). */
  for (guint64 i = 0; i < (guint64) w * h; i++)
    sum += gray[i];
  g_assert_cmpuint (sum, <=, (guint64) w * h * 255);
  return 0;
}
