/* SPDX-License-Identifier: GPL-2.0 */
/* Distribution plots: box plots, with every sample as a point, of one latency per run,
 * by guest size and variant; boxes side by side per file (base vs new). */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"
#include "util.h"

static void size_label(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= GIB && !(bytes % GIB))
		snprintf(buf, len, "%" PRIu64 " GiB", (uint64_t)(bytes / GIB));
	else
		snprintf(buf, len, "%" PRIu64 " MiB", (uint64_t)(bytes / MIB));
}

/* A box's place on the x axis: (guest size, variant), sizes ascending. */
struct cat {
	uint64_t mem;
	const char *variant;
};

struct dist {
	const char *metric;
	struct cat *cat;
	size_t ncat;
	const char **fl;  /* the paths of the group's files, in order */
	size_t nf;
	bool multi;       /* runs from several files: boxes side by side, coloured by file */
	double width, lo, hi;
	size_t nbox;
	FILE *ls;         /* gp statements for the boxes, written after nbox is known */
	bool titled[64];  /* a legend entry per colour, once */
};

static bool any_samples(const struct group *g, const char *metric)
{
	bool any = false;

	for (size_t i = 0; i < g->n; i++) {
		size_t n;
		double *v = rs_sorted(rs_metric(g->runs[i].run, metric), 1, &n);
		any |= v != NULL;
		free(v);
	}
	return any;
}

/* The categories (guest size, variant), sizes ascending, and the group's files. */
static void find_categories(const struct plot *p, const struct group *g, struct dist *d)
{
	d->cat = msb_calloc(g->n, sizeof(*d->cat));
	for (size_t i = 0; i < g->n; i++) {
		size_t c;
		for (c = 0; c < d->ncat && !(d->cat[c].mem == g->runs[i].mem &&
					     !strcmp(d->cat[c].variant, g->runs[i].run->variant)); c++)
			;
		if (c == d->ncat)
			d->cat[d->ncat++] = (struct cat){ g->runs[i].mem, g->runs[i].run->variant };
	}
	for (size_t i = 1; i < d->ncat; i++) /* stable insertion sort by size */
		for (size_t j = i; j > 0 && d->cat[j - 1].mem > d->cat[j].mem; j--) {
			struct cat t = d->cat[j];
			d->cat[j] = d->cat[j - 1];
			d->cat[j - 1] = t;
		}
	d->fl = msb_calloc(p->nfiles, sizeof(char *));
	for (size_t fi = 0; fi < p->nfiles; fi++)
		if (in_group(g, fi))
			d->fl[d->nf++] = p->files[fi].f->path;
}

/* The run of file k in category c, or NULL. */
static const struct prun *run_at(const struct plot *p, const struct group *g,
				 const struct dist *d, size_t c, size_t k)
{
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(p->files[g->runs[i].file].f->path, d->fl[k]) &&
		    g->runs[i].mem == d->cat[c].mem &&
		    !strcmp(g->runs[i].run->variant, d->cat[c].variant))
			return &g->runs[i];
	return NULL;
}

/* One box at x: the run's samples as a data block and its gp variables, or a label
 * saying why there is none. */
static void emit_box(const struct plot *p, const struct group *g, struct dist *d, FILE *dat,
		     FILE *gp, const struct prun *r, size_t k, double x)
{
	size_t n;
	double *v = rs_sorted(rs_metric(r->run, d->metric), 1e-6, &n);

	if (!v) {
		fprintf(gp, "set label \"%s%s%s\" at first %.4g, graph 0.5 center rotate by 90 "
			    "tc rgb \"#555555\" noenhanced\n",
			!r->run->reason ? "no samples" : "unsupported", d->multi ? "\\non " : "",
			d->multi ? p->files[r->file].label : "", x);
		return;
	}
	fprintf(dat, "# %s %s %" PRIu64 " MiB: %s (ms)\n", p->files[r->file].label,
		r->run->variant, (uint64_t)(r->mem / MIB), d->metric);
	for (size_t i = 0; i < n; i++)
		fprintf(dat, "%.9g\n", v[i]);
	fputs("\n\n", dat);
	d->lo = fmin(d->lo, v[0]);
	d->hi = fmax(d->hi, v[n - 1]);
	free(v);
	/* Colour by file (base vs new) when several, else by variant. */
	size_t key = d->multi ? k : variant_index(g, r->run->variant);
	bool title = key < ARRAY_SIZE(d->titled) && !d->titled[key];
	d->nbox++;
	fprintf(d->ls, "X[%zu] = %.6g\nC[%zu] = \"%s\"\nT[%zu] = ", d->nbox, x, d->nbox,
		plot_colours[key % ARRAY_SIZE(plot_colours)], d->nbox);
	gp_str(d->ls, !title ? "" : d->multi ? p->files[r->file].label : r->run->variant);
	fputc('\n', d->ls);
	if (title)
		d->titled[key] = true;
}

/* The x tics, one per category, and every box. */
static void emit_boxes(const struct plot *p, const struct group *g, struct dist *d,
		       FILE *dat, FILE *gp)
{
	fputs("set xtics (", gp);
	for (size_t c = 0; c < d->ncat; c++) {
		char sz[32];
		size_label(d->cat[c].mem, sz, sizeof(sz));
		fprintf(gp, "%s\"%s\\n%s\" %zu", c ? ", " : "", sz, d->cat[c].variant, c + 1);
	}
	fputs(")\n", gp);
	for (size_t c = 0; c < d->ncat; c++)
		for (size_t k = 0; k < d->nf; k++) {
			double x = (double)(c + 1) + ((double)k - (double)(d->nf - 1) / 2) * d->width;
			const struct prun *r = run_at(p, g, d, c, k);

			if (r)
				emit_box(p, g, d, dat, gp, r, k, x);
		}
}

/* Title, labels, the y scale (log when the runs span more than a factor 20: zap-all vs
 * zap-slot) and the box variables. */
static void write_dist_gp(const struct plot *p, const struct group *g, const struct dist *d,
			  FILE *gp, const char *what, const char *ylabel, const char *lines)
{
	write_title(p, gp, g, what);
	/* The last, empty line keeps the key below off the text. */
	fputs("set xlabel \"guest memory touched, variant   (box: 25th-75th percentile, "
	      "line: median, whiskers: 1.5 IQR, dots: every sample)\\n\"\n", gp);
	fputs("set ylabel ", gp);
	gp_str(gp, ylabel);
	fputs(" noenhanced\n", gp);
	fprintf(gp, "set xrange [0.4:%zu.6]\nBW = %.4g\n", d->ncat, fmin(d->width * 0.8, 0.45));
	if (d->lo > 0 && d->hi / d->lo > 20) {
		fprintf(gp, "set logscale y\nset yrange [%.6g:%.6g]\n", d->lo / 2, d->hi * 2);
		log_tics(gp, "y", d->lo / 2, d->hi * 2);
	} else {
		fputs("set yrange [0:*]\n", gp);
	}
	fprintf(gp, "nbox = %zu\n", d->nbox);
	if (d->nbox)
		fprintf(gp, "array X[%zu]\narray C[%zu]\narray T[%zu]\n", d->nbox, d->nbox,
			d->nbox);
	fputs(lines, gp);
}

/* Box plots (with every sample as a point) of metric for each run, grouped by guest size
 * and variant; boxes side by side per file (base vs new). */
void emit_dist(const struct plot *p, const struct group *g, const char *metric,
	       const char *suffix, const char *what, const char *ylabel)
{
	struct dist *d;
	char name[160], *lines = NULL;
	size_t lsz = 0;

	if (!any_samples(g, metric)) {
		printf("no %s samples in %s runs (%s)\n", metric, g->name, g->desc);
		return;
	}
	d = msb_calloc(1, sizeof(*d));
	d->metric = metric;
	d->multi = several_files(g);
	d->lo = INFINITY;
	find_categories(p, g, d);
	d->width = 0.8 / (double)d->nf;
	snprintf(name, sizeof(name), "%s-%s", g->name, suffix);
	FILE *dat = plot_open(p, name, "dat"), *gp = plot_open(p, name, "gp");

	d->ls = open_memstream(&lines, &lsz);
	if (!d->ls)
		msb_die_errno("open_memstream");
	emit_boxes(p, g, d, dat, gp);
	fclose(d->ls);
	plot_close(p, dat);
	write_dist_gp(p, g, d, gp, what, ylabel, lines);
	plot_close(p, gp);
	fprintf(p->manifest, "box.gp\t%s\n", name);
	free(lines);
	free(d->cat);
	free(d->fl);
	free(d);
}
