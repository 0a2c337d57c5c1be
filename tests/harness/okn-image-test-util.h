/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-image-test-util.h: what the ticket tests do to images: "print" and
 * "scan" them (resample, rotate, skew, paste on a page, JPEG, noise) */
#pragma once

#include <glib.h>
#include <cairo.h>
#include <poppler.h>

#include "okienko/okienko.h"
#include "okienko/okn-cairo.h"
#include "okienko/okn-ticket-layout.h"
#include "okienko/okn-scan.h"

G_BEGIN_DECLS

/* Images are cairo A8 surfaces of ink: 255 = black, 0 = paper. */
cairo_surface_t *okn_img_from_bitmap  (const OknBitmap *bitmap);
cairo_surface_t *okn_img_from_pdf     (GBytes *pdf,
                                       double  dpi);
cairo_surface_t *okn_img_from_pdf_page (PopplerPage *page,
                                        double       dpi);
cairo_surface_t *okn_img_from_png     (GBytes *png);
cairo_surface_t *okn_img_blank        (int width,
                                       int height);
cairo_surface_t *okn_img_transform    (cairo_surface_t *img,
                                       double           scale,
                                       double           angle_deg);
void             okn_img_paste        (cairo_surface_t *page,
                                       cairo_surface_t *img,
                                       double           x,
                                       double           y);
guint8          *okn_img_to_gray      (cairo_surface_t *img,
                                       guint           *width,
                                       guint           *height);
void             okn_gray_add_noise   (guint8 *gray,
                                       gsize   len,
                                       guint32 seed,
                                       int     amplitude,
                                       double  speckle);
/* The JPEGs scanners and phones write: plain gray; a colour photo or scan
 * (RGB, no chroma subsampling, progressive, which makes libjpeg keep every
 * coefficient of the image while decoding); CMYK as office scanners and
 * Photoshop write it (an Adobe marker, values inverted, gray as black ink). */
typedef enum
{
  OKN_JPEG_GRAY,
  OKN_JPEG_PROGRESSIVE_RGB,
  OKN_JPEG_CMYK,
} OknJpegKind;

GBytes          *okn_gray_to_jpeg     (const guint8 *gray,
                                       guint         width,
                                       guint         height,
                                       int           quality,
                                       OknJpegKind   kind);
GBytes          *okn_gray_to_png      (const guint8 *gray,
                                       guint         width,
                                       guint         height);

/* A page as an office scanner or a phone delivers it: a letter with its
 * label stuck on at an angle, resampled to the scan's resolution, blurred,
 * dirtied. The sets of tests/test-scan-sets.c and bench/bench-ticket.c. */
typedef struct
{
  double dpi;          /* resolution of the scan */
  double angle_deg;    /* the label's tilt on the page */
  double x, y;         /* the label's centre, as fractions of the page */
  double noise;        /* Gaussian sensor noise: sigma in grey levels */
  double blur_mm;      /* optics out of focus: Gaussian sigma in millimetres */
  int paper, ink;      /* grey levels of paper and print */
  double perspective;  /* 0: a flatbed; else a photo, corners moved by this fraction */
  guint32 seed;
} OknScanSim;

extern const char *const okn_sim_set_names[];

gboolean         okn_sim_set_page     (const char *set,
                                       double      dpi,
                                       guint       index,
                                       OknScanSim *sim);
guint8          *okn_sim_scan_page    (cairo_surface_t  *label,
                                       double            label_dpi,
                                       const OknScanSim *sim,
                                       guint            *width,
                                       guint            *height);
GBytes          *okn_sim_scanned_pdf  (cairo_surface_t *label,
                                       double           label_dpi,
                                       const char      *set,
                                       double           dpi,
                                       guint            pages);
void             okn_gray_add_gaussian_noise (guint8 *gray,
                                              gsize   len,
                                              guint32 seed,
                                              double  sigma);
void             okn_gray_gaussian_blur (guint8 *gray,
                                         guint   width,
                                         guint   height,
                                         double  sigma_px);

GPtrArray       *okn_img_scan         (OknStore        *store,
                                       OknConfig       *config,
                                       cairo_surface_t *img);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cairo_surface_t, cairo_surface_destroy)

G_END_DECLS
