/* SPDX-License-Identifier: GPL-3.0-or-later */
/* okn-scan-linear.c: 1D codes (Code 128, EAN-13, Code 39) at any angle
 *
 * zbar reads an image along its rows and columns. A Code 128 tilted by
 * more than about atan(height / width) of the symbol (13° for the label's)
 * is crossed end to end by no row or column, and on a noisy office scan
 * every grain of the paper is an edge to zbar. So the page is searched
 * first for patches where strong gradients all point one way (the bars of
 * a code; the strokes of text point every way), and each patch is read
 * across its bars with zbar's own line scanner and decoders, every sample
 * the mean of a few pixels taken along the bars: that takes the noise out
 * without blurring the bars. What is read on at least two lines counts.
 */
#define G_LOG_DOMAIN "okn-scan"

#include "config.h"

#include <math.h>
#include <string.h>
#include <zbar.h>

#include "okn-scan-private.h"

typedef zbar_decoder_t OknZbarDecoder;
typedef zbar_scanner_t OknZbarLineScanner;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarDecoder, zbar_decoder_destroy)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OknZbarLineScanner, zbar_scanner_destroy)

/* Patches are looked for on a copy about this many pixels on its short
 * side (an A4 page at about 100 dpi; the caller's 150 dpi copy of a larger
 * page serves as well), in cells of CELL × CELL pixels (2 mm at 100 dpi):
 * a label's Code 128 covers some 25 × 8 cells there. */
#define LOCATE_SIDE 800
#define CELL 8

/* A cell belongs to a code when its gradients agree on one direction at
 * least this much (1: all parallel; bars give 0.8-0.95, text 0.2-0.5). */
#define MIN_COHERENCE 0.55

/* Neighbouring cells whose directions differ by less than this are one
 * patch; a code's cells agree within a degree or two. */
#define SAME_DIRECTION (12.0 * G_PI / 180)

#define MIN_CELLS 3
#define MAX_PATCHES 48

/* Samples along the bars averaged into one: on each side of the line, one
 * for every BAR_PER_TAP pixels of the patch's height, within MIN_TAPS and
 * MAX_TAPS. The step along the line, in pixels of the image read. */
#define BAR_PER_TAP 30
#define MIN_TAPS 2
#define MAX_TAPS 8
#define STEP 0.8

typedef struct
{
  float energy;     /* mean squared gradient */
  float coherence;
  float angle;      /* of the gradient (across the bars), in [0, pi) */
  int patch;        /* -1: none yet */
} Cell;

typedef struct
{
  double cx, cy;    /* centre, in pixels of the localisation image */
  double ux, uy;    /* unit vector across the bars */
  double u0, u1;    /* extent across the bars, from the centre */
  double v0, v1;    /* extent along the bars */
  double weight;
} Patch;

typedef struct
{
  zbar_symbol_type_t type;
  char *text;
  gsize len;
  guint votes;
  guint patch;      /* where it was first read */
} Vote;

static void
vote_clear (Vote *v)
{
  g_free (v->text);
}

static gboolean
same_direction (float a,
                float b)
{
  float d = fabsf (a - b);

  return MIN (d, (float) G_PI - d) < SAME_DIRECTION;
}

/* The structure tensor of every cell: how strong its gradients are and
 * how much they agree on one direction. */
static void
measure_cells (const guint8 *img,
               guint         w,
               guint         h,
               Cell         *cells,
               guint         cw,
               guint         ch)
{
  for (guint cy = 0; cy < ch; cy++)
    for (guint cx = 0; cx < cw; cx++)
      {
        Cell *c = &cells[(gsize) cy * cw + cx];
        guint x0 = MAX (1, cx * CELL), x1 = MIN (w - 1, (cx + 1) * CELL);
        guint y0 = MAX (1, cy * CELL), y1 = MIN (h - 1, (cy + 1) * CELL);
        gint64 jxx = 0, jyy = 0, jxy = 0;
        double sum, diff;

        c->patch = -1;
        c->energy = c->coherence = c->angle = 0;
        if (x1 <= x0 || y1 <= y0)
          continue;
        for (guint y = y0; y < y1; y++)
          {
            const guint8 *row = img + (gsize) y * w, *up = row - w, *down = row + w;

            for (guint x = x0; x < x1; x++)
              {
                int gx = row[x + 1] - row[x - 1];
                int gy = down[x] - up[x];

                jxx += gx * gx;
                jyy += gy * gy;
                jxy += gx * gy;
              }
          }
        sum = (double) (jxx + jyy);
        if (sum <= 0)
          continue;
        diff = (double) (jxx - jyy);
        c->energy = (float) (sum / ((x1 - x0) * (y1 - y0)));
        c->coherence = (float) (sqrt (diff * diff + 4.0 * jxy * jxy) / sum);
        c->angle = (float) (0.5 * atan2 (2.0 * jxy, diff));
        if (c->angle < 0)
          c->angle += (float) G_PI;
      }
}

/* The median cell energy, to a quarter of a unit below 1024 (paper grain
 * lies far below; a count of cells, not a sort of them). */
static float
median_energy (const Cell *cells,
               gsize       n)
{
  guint hist[4097] = { 0 };
  gsize seen = 0;

  for (gsize i = 0; i < n; i++)
    hist[(guint) MIN (cells[i].energy * 4, 4096.0f)]++;
  for (guint b = 0; b <= 4096; b++)
    {
      seen += hist[b];
      if (seen > n / 2)
        return b / 4.0f;
    }
  return 1024;
}

static int
compare_patch_weight (gconstpointer a,
                      gconstpointer b)
{
  const Patch *x = a, *y = b;

  return x->weight > y->weight ? -1 : x->weight < y->weight;
}

/* Cells that are strong, coherent and agree with their neighbours, grown
 * into patches. */
static GArray *
find_patches (const guint8 *img,
              guint         w,
              guint         h,
              double       *noise)
{
  guint cw = w / CELL, ch = h / CELL;
  g_autofree Cell *cells = NULL;
  g_autofree guint *stack = NULL;
  g_autofree guint *members = NULL;
  GArray *patches = g_array_new (FALSE, FALSE, sizeof (Patch));
  float floor_energy, median;
  int next = 0;

  if (cw < 2 || ch < 2)
    return patches;
  cells = g_new (Cell, (gsize) cw * ch);
  measure_cells (img, w, h, cells, cw, ch);

  /* Most of a page is blank paper: its grain sets the bar. */
  median = median_energy (cells, (gsize) cw * ch);
  floor_energy = MAX (60.0f, 6.0f * median);
  /* Central differences of paper grain of deviation s have a mean
   * squared gradient of 4 s². */
  *noise = sqrt (median / 4);

  stack = g_new (guint, (gsize) cw * ch);
  members = g_new (guint, (gsize) cw * ch);
  for (guint start = 0; start < cw * ch; start++)
    {
      Cell *s = &cells[start];
      guint top = 0, n = 0;
      double sx = 0, sy = 0, wc = 0, ws = 0, wsum = 0, ux, uy, cx, cy;
      double u0 = G_MAXDOUBLE, u1 = -G_MAXDOUBLE, v0 = G_MAXDOUBLE, v1 = -G_MAXDOUBLE;
      Patch p;

      if (s->patch >= 0 || s->energy < floor_energy || s->coherence < MIN_COHERENCE)
        continue;
      s->patch = next;
      stack[top++] = start;
      while (top > 0)
        {
          guint i = stack[--top], x = i % cw, y = i / cw;
          const Cell *c = &cells[i];

          members[n++] = i;
          for (int dy = -1; dy <= 1; dy++)
            for (int dx = -1; dx <= 1; dx++)
              {
                int nx = (int) x + dx, ny = (int) y + dy;
                Cell *o;

                if (nx < 0 || ny < 0 || nx >= (int) cw || ny >= (int) ch)
                  continue;
                o = &cells[(gsize) ny * cw + nx];
                if (o->patch >= 0 || o->energy < floor_energy || o->coherence < MIN_COHERENCE
                    || !same_direction (o->angle, c->angle))
                  continue;
                o->patch = next;
                stack[top++] = (guint) (ny * (int) cw + nx);
              }
        }
      next++;
      if (n < MIN_CELLS)
        continue;

      /* The mean direction of doubled angles (a direction, not a vector),
       * weighted by how strong and clear each cell is. */
      for (guint k = 0; k < n; k++)
        {
          const Cell *c = &cells[members[k]];
          /* Text stuck to a code (the label's ID above its bars) joins
           * its patch; its strokes are less coherent than bars and must
           * not pull the direction off. */
          double c2 = c->coherence * c->coherence;
          double wt = c->energy * c2 * c2;

          wc += wt * cos (2 * c->angle);
          ws += wt * sin (2 * c->angle);
          sx += wt * ((members[k] % cw) + 0.5) * CELL;
          sy += wt * ((members[k] / cw) + 0.5) * CELL;
          wsum += wt;
        }
      ux = cos (0.5 * atan2 (ws, wc));
      uy = sin (0.5 * atan2 (ws, wc));
      cx = sx / wsum;
      cy = sy / wsum;
      for (guint k = 0; k < n; k++)
        {
          double px = ((members[k] % cw) + 0.5) * CELL - cx, py = ((members[k] / cw) + 0.5) * CELL - cy;
          double u = px * ux + py * uy, v = -px * uy + py * ux;

          u0 = MIN (u0, u);
          u1 = MAX (u1, u);
          v0 = MIN (v0, v);
          v1 = MAX (v1, v);
        }
      p.cx = cx;
      p.cy = cy;
      p.ux = ux;
      p.uy = uy;
      p.u0 = u0 - CELL / 2.0;
      p.u1 = u1 + CELL / 2.0;
      p.v0 = v0 - CELL / 2.0;
      p.v1 = v1 + CELL / 2.0;
      p.weight = wsum * sqrt (hypot (wc, ws) / wsum);
      g_array_append_val (patches, p);
    }
  g_array_sort (patches, compare_patch_weight);
  if (patches->len > MAX_PATCHES)
    g_array_set_size (patches, MAX_PATCHES);
  return patches;
}

/* The direction across the bars again, from the image read itself: on the
 * reduced copy a module is about one pixel and its gradients lean a
 * degree or two towards the pixel grid. */
static void
refine_direction (const guint8 *img,
                  guint         w,
                  guint         h,
                  Patch        *p,
                  double        scale)
{
  double cx = p->cx * scale, cy = p->cy * scale, ux = p->ux, uy = p->uy;
  double ru = MAX (fabs (p->u0), fabs (p->u1)) * scale, rv = MAX (fabs (p->v0), fabs (p->v1)) * scale;
  double r = hypot (ru, rv);
  int x0 = (int) MAX (1, cx - r), x1 = (int) MIN (w - 2.0, cx + r);
  int y0 = (int) MAX (1, cy - r), y1 = (int) MIN (h - 2.0, cy + r);
  double jxx = 0, jyy = 0, jxy = 0, a;

  for (int y = y0; y <= y1; y++)
    {
      const guint8 *row = img + (gsize) y * w, *up = row - w, *down = row + w;

      for (int x = x0; x <= x1; x++)
        {
          double px = x - cx, py = y - cy;
          double u = px * ux + py * uy, v = -px * uy + py * ux;
          int gx, gy;

          if (u < p->u0 * scale || u > p->u1 * scale || v < p->v0 * scale || v > p->v1 * scale)
            continue;
          gx = row[x + 1] - row[x - 1];
          gy = down[x] - up[x];
          jxx += gx * gx;
          jyy += gy * gy;
          jxy += gx * gy;
        }
    }
  if (jxx + jyy <= 0)
    return;
  a = 0.5 * atan2 (2 * jxy, jxx - jyy);
  /* Keep the orientation the patch had (the same axis, either sense). */
  if (cos (a) * ux + sin (a) * uy < 0)
    a += G_PI;
  p->ux = cos (a);
  p->uy = sin (a);
}

/* Bilinear, clamped to the image. */
static inline double
sample (const guint8 *img,
        guint         w,
        guint         h,
        double        x,
        double        y)
{
  int ix, iy;
  double fx, fy;
  const guint8 *p;

  x = CLAMP (x, 0, w - 1.001);
  y = CLAMP (y, 0, h - 1.001);
  ix = (int) x;
  iy = (int) y;
  fx = x - ix;
  fy = y - iy;
  p = img + (gsize) iy * w + ix;
  return (p[0] + (p[1] - p[0]) * fx) * (1 - fy) + (p[w] + (p[w + 1] - p[w]) * fx) * fy;
}

static void
record (zbar_decoder_t *dcode,
        GArray         *votes,
        guint           patch)
{
  const char *data = zbar_decoder_get_data (dcode);
  gsize len = zbar_decoder_get_data_length (dcode);
  zbar_symbol_type_t type = zbar_decoder_get_type (dcode);
  Vote v;

  if (data == NULL || len == 0)
    return;
  for (guint i = 0; i < votes->len; i++)
    {
      Vote *o = &g_array_index (votes, Vote, i);

      if (o->type == type && o->len == len && memcmp (o->text, data, len) == 0)
        {
          o->votes++;
          return;
        }
    }
  v.type = type;
  v.text = g_memdup2 (data, len + 1);
  v.text[len] = '\0';
  v.len = len;
  v.votes = 1;
  v.patch = patch;
  g_array_append_val (votes, v);
}

/* Reads one patch on lines across its bars, spread over its height. */
static void
read_patch (const guint8       *img,
            guint               w,
            guint               h,
            const Patch        *p,
            double              scale,
            double              noise,
            guint               index,
            zbar_scanner_t     *scn,
            zbar_decoder_t     *dcode,
            GArray             *votes)
{
  double ux = p->ux, uy = p->uy, vx = -p->uy, vy = p->ux;
  double cx = p->cx * scale, cy = p->cy * scale;
  double u0 = p->u0 * scale, u1 = p->u1 * scale, v0 = p->v0 * scale, v1 = p->v1 * scale;
  /* The ends of a code and its quiet zones are weaker than its middle
   * and may have been left out of the patch. */
  double margin = 0.3 * (u1 - u0) + 2 * CELL * scale;
  double cell = CELL * scale;
  int lines = (int) CLAMP (ceil ((v1 - v0) / (cell / 2)), 6, 64);
  int taps = (int) CLAMP ((v1 - v0) / BAR_PER_TAP, MIN_TAPS, MAX_TAPS);
  /* zbar takes every change of its input's slope of at least 4 for an
   * edge once the last real edge is a few modules away: in a quiet zone,
   * paper grain would make edges that break the start and stop patterns.
   * The samples are scaled so that what is left of the grain after
   * averaging stays below that. */
  double grain = noise / sqrt (2 * taps + 1);
  double gain = CLAMP (1.2 / MAX (grain, 0.05), 0.25, 4.0) / (2 * taps + 1);
  guint steps;

  u0 -= margin;
  u1 += margin;
  steps = (guint) ((u1 - u0) / STEP);
  for (int l = 0; l < lines; l++)
    {
      double v = v0 + (v1 - v0) * (l + 0.5) / lines;
      double x = cx + ux * u0 + vx * v, y = cy + uy * u0 + vy * v;
      zbar_symbol_type_t t;

      zbar_scanner_new_scan (scn);
      for (guint s = 0; s < steps; s++, x += ux * STEP, y += uy * STEP)
        {
          double sum = 0;

          for (int k = -taps; k <= taps; k++)
            sum += sample (img, w, h, x + vx * k, y + vy * k);
          t = zbar_scan_y (scn, (int) lrint (sum * gain));
          if (t > ZBAR_PARTIAL)
            record (dcode, votes, index);
        }
      /* The far quiet zone: flush what the scanner holds. */
      for (int k = 0; k < 2; k++)
        if (zbar_scanner_flush (scn) > ZBAR_PARTIAL)
          record (dcode, votes, index);
    }
}

/**
 * okn_scan_linear:
 * @gray: 8-bit luminance, rows of @width bytes
 * @reduced: (nullable): @gray box-averaged by @k, when the caller has it
 * @k: its factor
 * @out: (element-type OknScanSymbol): where symbols found are added
 * @box: grown to take in the patches where they were found
 *
 * Finds the patches of @gray that look like the bars of a 1D code and
 * reads them across their bars, at any angle.
 */
void
okn_scan_linear (const guint8 *gray,
                 guint         width,
                 guint         height,
                 const guint8 *reduced,
                 guint         k,
                 GPtrArray    *out,
                 OknScanBox   *box)
{
  g_autoptr (OknZbarDecoder) dcode = zbar_decoder_create ();
  g_autoptr (OknZbarLineScanner) scn = NULL;
  g_autoptr (GArray) patches = NULL;
  g_autoptr (GArray) votes = g_array_new (FALSE, FALSE, sizeof (Vote));
  g_autofree guint8 *small = NULL;
  const guint8 *loc = gray;
  double noise = 0;
  guint lw = width, lh = height;

  g_array_set_clear_func (votes, (GDestroyNotify) vote_clear);
  if (reduced && k > 1)
    {
      loc = reduced;
      lw = width / k;
      lh = height / k;
    }
  else
    {
      k = MAX (1, (MIN (width, height) + LOCATE_SIDE / 2) / LOCATE_SIDE);
      if (k > 1)
        {
          small = okn_scan_downscale (gray, width, height, k, &lw, &lh);
          loc = small;
        }
    }
  patches = find_patches (loc, lw, lh, &noise);
  /* The grain of the image read, not of its reduced copy. */
  noise *= k;
  if (patches->len == 0)
    return;

  zbar_decoder_set_config (dcode, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_decoder_set_config (dcode, ZBAR_CODE128, ZBAR_CFG_ENABLE, 1);
  zbar_decoder_set_config (dcode, ZBAR_EAN13, ZBAR_CFG_ENABLE, 1);
  zbar_decoder_set_config (dcode, ZBAR_CODE39, ZBAR_CFG_ENABLE, 1);
  scn = zbar_scanner_create (dcode);
  for (guint i = 0; i < patches->len; i++)
    {
      Patch *p = &g_array_index (patches, Patch, i);

      refine_direction (gray, width, height, p, k);
      read_patch (gray, width, height, p, k, noise, i, scn, dcode, votes);
    }
  for (guint i = 0; i < votes->len; i++)
    {
      const Vote *v = &g_array_index (votes, Vote, i);
      const Patch *p = &g_array_index (patches, Patch, v->patch);

      if (v->votes < 2)
        continue;
      okn_scan_symbols_add (out, zbar_get_symbol_name (v->type), v->text, v->len);
      for (int c = 0; c < 4; c++)
        {
          double u = c & 1 ? p->u1 : p->u0, vv = c & 2 ? p->v1 : p->v0;

          okn_scan_box_add_point (box, (int) ((p->cx + u * p->ux - vv * p->uy) * k),
                                  (int) ((p->cy + u * p->uy + vv * p->ux) * k));
        }
    }
}
