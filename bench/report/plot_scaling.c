/* SPDX-License-Identifier: GPL-2.0 */
/* The scaling plot: a group's primary latency (median, IQR bars) against the runs'
 * scale (the gauge that sizes the work, median per run), log-log, one series per file
 * and variant, a fitted y = a + b*x per series with three sizes or more. Where a run has
 * no scale above zero (TDP: no shadow pages), against guest memory. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"
#include "sample.h"
#include "util.h"

struct x_axis {
	const char *metric; /* NULL: guest memory */
	char file[64];      /* in the output name: NAME-latency-vs-FILE */
	char what[96];      /* in the title: the gauge's name in words, "shadow pages before" */
	char label[256];    /* x axis */
	char unit[32];      /* of the slope */
};

static bool median_of(const struct prun *r, const char *metric, double scale, double *out)
{
	size_t n;
	double *v = rs_sorted(rs_metric(r->run, metric), scale, &n);

	if (!v)
		return false;
	*out = percentile_sorted(v, n, 50);
	free(v);
	return true;
}

/* The scale every run that measured the primary has above zero, else guest memory. */
static void pick_axis(const struct group *g, struct x_axis *xa)
{
	const struct rs_metric *m = NULL;
	double x;

	for (size_t i = 0; i < g->n; i++) {
		const struct rs_metric *s = rs_metric(g->runs[i].run, g->runs[i].run->scale);

		if (!median_of(&g->runs[i], g->primary, 1, &x))
			continue;
		if (!s || !median_of(&g->runs[i], s->name, 1, &x) || !(x > 0)) {
			m = NULL;
			break;
		}
		m = m ? m : s;
	}
	memset(xa, 0, sizeof(*xa));
	if (!m) {
		snprintf(xa->file, sizeof(xa->file), "guest-memory");
		snprintf(xa->what, sizeof(xa->what), "guest memory (no scale in some runs)");
		snprintf(xa->label, sizeof(xa->label), "guest memory touched (MiB)");
		snprintf(xa->unit, sizeof(xa->unit), "MiB");
		return;
	}
	xa->metric = m->name;
	snprintf(xa->file, sizeof(xa->file), "%s", m->name);
	for (char *c = xa->file; *c; c++)
		*c = *c == '_' ? '-' : *c;
	snprintf(xa->what, sizeof(xa->what), "%s", m->name);
	for (char *c = xa->what; *c; c++)
		*c = *c == '_' ? ' ' : *c;
	/* The axis says what the gauge is: "shadow pages present before the change". */
	snprintf(xa->label, sizeof(xa->label), "%.160s (median of %.40s, %.20s)",
		 m->desc ? m->desc : m->name, m->name, m->unit);
	size_t ul = strlen(m->unit);
	snprintf(xa->unit, sizeof(xa->unit), "%.*s", (int)(ul > 1 && m->unit[ul - 1] == 's' ?
							     ul - 1 : ul), m->unit);
}

/* A fit needs three sizes at least: through two points any line fits exactly. */
#define FIT_MIN_SIZES 3

/* One plotted series: the runs of one file and variant. */
struct pseries {
	size_t file, variant, n, idx;
	double x0, x1, a, b;
	bool fit;
};

struct scaling {
	struct x_axis xa;
	const char *primary;
	double xmin, xmax, ymin, ymax;
	struct pseries ser[64];
	size_t nser, nfit;
};

/* How many different values among v[0..n). */
static size_t distinct(const double *v, size_t n)
{
	size_t d = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < i && v[j] != v[i])
			j++;
		d += j == i;
	}
	return d;
}

/* One point of a block: the run's median and quartiles against its x; false when the
 * run has no primary samples. */
static bool emit_point(struct scaling *sc, FILE *dat, const struct prun *r, double *x,
		       double *y)
{
	size_t n;
	double *v;

	if (!median_of(r, sc->primary, 1e-6, y))
		return false;
	*x = 0;
	if (sc->xa.metric)
		median_of(r, sc->xa.metric, 1, x);
	else
		*x = (double)r->mem / (double)MIB;
	v = rs_sorted(rs_metric(r->run, sc->primary), 1e-6, &n);
	double q1 = percentile_sorted(v, n, 25), q3 = percentile_sorted(v, n, 75);
	free(v);
	fprintf(dat, "%.9g %.9g %.9g %.9g %.9g\n", *x, *y, q1, q3, (double)r->mem / (double)MIB);
	sc->xmin = fmin(sc->xmin, *x);
	sc->xmax = fmax(sc->xmax, *x);
	sc->ymin = fmin(sc->ymin, q1 > 0 ? q1 : *y);
	sc->ymax = fmax(sc->ymax, q3);
	return true;
}

/* One index block: every measured size of the file and variant of g->runs[first], and
 * its series with the least-squares fit where there are enough sizes. */
static void emit_block(const struct plot *p, const struct group *g, struct scaling *sc,
		       FILE *dat, size_t first)
{
	const struct prun *r0 = &g->runs[first];
	struct pseries *s = &sc->ser[sc->nser];
	double xs[64], ys[64], x, y;
	size_t np = 0;

	fprintf(dat, "# %s %s: x y q1 q3 guest_mem_MiB\n", p->files[r0->file].label,
		r0->run->variant);
	for (size_t j = first; j < g->n; j++) {
		const struct prun *r = &g->runs[j];

		if (r->file != r0->file || strcmp(r->run->variant, r0->run->variant) ||
		    !emit_point(sc, dat, r, &x, &y) || np == ARRAY_SIZE(xs))
			continue;
		xs[np] = x;
		ys[np++] = y;
	}
	/* Unsupported everywhere: a NaN point keeps the index and the legend entry. */
	fputs(np ? "\n\n" : "NaN NaN NaN NaN NaN\n\n\n", dat);
	*s = (struct pseries){ .idx = sc->nser, .file = r0->file, .n = np,
			      .variant = variant_index(g, r0->run->variant) };
	s->fit = distinct(xs, np) >= FIT_MIN_SIZES &&
		 !linear_fit(xs, ys, np, &s->a, &s->b, &(double){ 0 });
	s->x0 = s->x1 = np ? xs[0] : 0;
	for (size_t k = 0; k < np; k++) {
		s->x0 = fmin(s->x0, xs[k]);
		s->x1 = fmax(s->x1, xs[k]);
	}
	sc->nfit += s->fit;
	sc->nser++;
}

/* Series: files in order, variants in order of appearance; fitted series first, so
 * that the key's second column (the fits) lines up with the first. */
static void emit_blocks(const struct plot *p, const struct group *g, struct scaling *sc,
			FILE *dat)
{
	for (size_t fi = 0; fi < p->nfiles; fi++) {
		const char **done = msb_calloc(g->n, sizeof(char *));
		size_t ndone = 0;

		for (size_t i = 0; i < g->n && sc->nser < ARRAY_SIZE(sc->ser); i++) {
			size_t before = ndone;

			if (g->runs[i].file != fi)
				continue;
			add_unique(done, &ndone, g->runs[i].run->variant);
			if (ndone > before)
				emit_block(p, g, sc, dat, i);
		}
		free(done);
	}
	for (size_t i = 1; i < sc->nser; i++)
		for (size_t j = i; j > 0 && sc->ser[j].fit && !sc->ser[j - 1].fit; j--) {
			struct pseries t = sc->ser[j];
			sc->ser[j] = sc->ser[j - 1];
			sc->ser[j - 1] = t;
		}
}

/* Title, axis labels, ranges and tics. */
static void write_axes(const struct plot *p, const struct group *g, const struct scaling *sc,
		       FILE *gp)
{
	char what[320], op[96];

	op_name(g, op, sizeof(op));
	snprintf(what, sizeof(what), "%.95s latency vs %.159s", op, sc->xa.what);
	write_title(p, gp, g, what);
	fputs("set xlabel ", gp);
	gp_str(gp, sc->xa.label);
	fputs(" noenhanced\nset ylabel ", gp);
	snprintf(what, sizeof(what), "%s latency, median (ms); bars: 25th-75th percentile",
		 sc->primary);
	gp_str(gp, what);
	fprintf(gp, " noenhanced\nxunit = \"%s\"\n", sc->xa.unit);
	if (sc->xmax > 0) {
		fprintf(gp, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", sc->xmin / 1.5,
			sc->xmax * 1.5, sc->ymin / 2, sc->ymax * 2);
		log_tics(gp, "x", sc->xmin / 1.5, sc->xmax * 1.5);
		log_tics(gp, "y", sc->ymin / 2, sc->ymax * 2);
	}
}

/* The series' gnuplot arrays: legend title, colour, point and dash type, block index,
 * and whether and from where to fit. */
static void write_series(const struct plot *p, const struct group *g, const struct scaling *sc,
			 FILE *gp)
{
	const char **var = msb_calloc(g->n, sizeof(char *));
	size_t nv = 0, n = sc->nser;
	bool multi = several_files(g);

	for (size_t i = 0; i < g->n; i++)
		add_unique(var, &nv, g->runs[i].run->variant);
	fprintf(gp, "nser = %zu\n", n);
	if (n)
		fprintf(gp, "array T[%zu]\narray C[%zu]\narray PT[%zu]\narray DT[%zu]\n"
			"array IDX[%zu]\nset key vertical maxrows %zu\narray FIT[%zu]\n"
			"array A[%zu]\narray B[%zu]\narray X0[%zu]\narray X1[%zu]\n",
			n, n, n, n, n, n, n, n, n, n, n);
	for (size_t i = 0; i < n; i++) {
		const struct pseries *s = &sc->ser[i];
		size_t rank = file_rank(g, s->file);
		char title[256];

		snprintf(title, sizeof(title), "%s%s%s%s", var[s->variant], multi ? ", " : "",
			 multi ? p->files[s->file].label : "", s->n ? "" : ": unsupported");
		fprintf(gp, "T[%zu] = ", i + 1);
		gp_str(gp, title);
		fprintf(gp, "\nIDX[%zu] = %zu\nC[%zu] = \"%s\"\nPT[%zu] = %d\nDT[%zu] = %zu\n",
			i + 1, s->idx, i + 1, plot_colours[s->variant % ARRAY_SIZE(plot_colours)],
			i + 1, plot_points[rank % ARRAY_SIZE(plot_points)], i + 1, 1 + rank % 5);
		/* Start values for gnuplot's fit: the least-squares solution, never exactly 0. */
		fprintf(gp, "FIT[%zu] = %d\nA[%zu] = %.9g\nB[%zu] = %.9g\nX0[%zu] = %.9g\n"
			"X1[%zu] = %.9g\n", i + 1, s->fit, i + 1, s->a != 0 ? s->a : 1e-3, i + 1,
			s->b != 0 ? s->b : 1e-6, i + 1, s->x0, i + 1, s->x1);
	}
	free(var);
}

/* The primary latency (median, IQR bars) against the runs' scale, log-log, one series
 * per (file, variant), a fitted y = a + b*x per series with FIT_MIN_SIZES sizes or more. */
void emit_scaling(const struct plot *p, const struct group *g)
{
	struct scaling *sc = msb_calloc(1, sizeof(*sc));
	char name[256];

	pick_axis(g, &sc->xa);
	sc->primary = g->primary;
	sc->xmin = sc->ymin = INFINITY;
	snprintf(name, sizeof(name), "%.95s-latency-vs-%.63s", g->name, sc->xa.file);
	FILE *dat = plot_open(p, name, "dat"), *gp = plot_open(p, name, "gp");

	emit_blocks(p, g, sc, dat);
	plot_close(p, dat);
	write_axes(p, g, sc, gp);
	write_series(p, g, sc, gp);
	if (!sc->nfit)
		fprintf(gp, "set label 1 \"fewer than %d guest sizes per series: no fitted line\" "
			"at graph 0.02, graph 0.05\n", FIT_MIN_SIZES);
	plot_close(p, gp);
	fprintf(p->manifest, "scaling.gp\t%s\n", name);
	free(sc);
}
