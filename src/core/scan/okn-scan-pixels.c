/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-pixels.c: the page buffer a scanned file is decoded into, kept
 * from one scan to the next
 *
 * A 300 dpi A4 page is 8.7 MB of grey. Memory fresh from the kernel is
 * handed out a 4 KiB page at a time, each on its first touch, and on a
 * virtual machine that costs more than decoding into it: 2,100 page
 * faults took 28 ms of the 126 ms from a PNG file to its verdict, as much
 * as zbar's whole pass. So one buffer (up to KEEP_MAX bytes) is kept after
 * a scan for the next one, and a new one is asked for in huge pages where
 * the kernel gives them on request (transparent huge pages in "madvise"
 * mode, Debian's default): 5 faults instead of 2,100.
 */
#define G_LOG_DOMAIN "okn-scan"

#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "okn-scan-private.h"

/* The largest buffer kept between scans: an A4 page at 400 dpi. Larger
 * pages (posters, 600 dpi scans) are rare, and keeping their 35 MB for a
 * desk's whole day is not worth their first faults. */
#define KEEP_MAX (16u * 1024 * 1024)

/* Under AddressSanitizer every buffer comes from malloc and goes back to
 * it at once: ASan sees neither into mappings nor into a kept buffer, and
 * the decoders' writes are what the fuzzers look at. */
#if defined(__SANITIZE_ADDRESS__)
#define CHECKED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECKED 1
#endif
#endif
#ifndef CHECKED
#define CHECKED 0
#endif

/* In front of the pixels: how large the mapping is. 64 bytes keep the
 * pixels as aligned as the mapping (cache lines, vector loads). */
typedef union
{
  gsize mapped;
  guint8 pad[64];
} Header;

static GMutex spare_lock;
static Header *spare;

static gsize
header_capacity (const Header *h)
{
  return h->mapped - sizeof (Header);
}

/**
 * okn_scan_pixels_take:
 * @size: bytes wanted, at least 1
 *
 * A buffer of at least @size bytes, its contents undefined: the spare one
 * from the last scan when it is large enough, else new memory. Give it
 * back with okn_scan_pixels_give().
 *
 * Returns: (transfer full): the buffer; never %NULL (like g_malloc(), the
 *   process stops when memory is exhausted)
 */
guint8 *
okn_scan_pixels_take (gsize size)
{
  Header *h = NULL;
  gsize mapped;
  void *p;

  if (CHECKED)
    {
      h = g_malloc (sizeof (Header) + MAX (size, 1));
      h->mapped = 0;
      return (guint8 *) (h + 1);
    }
  g_mutex_lock (&spare_lock);
  if (spare != NULL && header_capacity (spare) >= size)
    h = g_steal_pointer (&spare);
  g_mutex_unlock (&spare_lock);
  if (h != NULL)
    return (guint8 *) (h + 1);

  mapped = sizeof (Header) + MAX (size, 1);
  p = mmap (NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    g_error ("okn-scan: cannot map %" G_GSIZE_FORMAT " bytes for a page", mapped);
#ifdef MADV_HUGEPAGE
  /* Advice only: a kernel without transparent huge pages ignores it. */
  madvise (p, mapped, MADV_HUGEPAGE);
#endif
  h = p;
  h->mapped = mapped;
  return (guint8 *) (h + 1);
}

/**
 * okn_scan_pixels_give:
 * @pixels: (nullable) (transfer full): from okn_scan_pixels_take()
 *
 * Keeps the buffer for the next scan when it is the largest one kept so
 * far (up to 16 MiB); unmaps it otherwise.
 */
void
okn_scan_pixels_give (guint8 *pixels)
{
  Header *h, *drop;

  if (pixels == NULL)
    return;
  h = (Header *) (gpointer) pixels - 1;
  if (h->mapped == 0)
    {
      g_free (h);
      return;
    }
  drop = h;
  if (h->mapped <= KEEP_MAX)
    {
      g_mutex_lock (&spare_lock);
      if (spare == NULL || spare->mapped < h->mapped)
        {
          drop = spare;
          spare = h;
        }
      g_mutex_unlock (&spare_lock);
    }
  if (drop != NULL)
    munmap (drop, drop->mapped);
}
