/* SPDX-License-Identifier: GPL-2.0 */
/* The scaling plot: a group's primary latency (median, IQR bars) against the runs'
 * scale (the gauge that sizes the work, median per run), log-log, one series per file
 * and variant, and per series with three guest sizes or more a least-squares line
 * y = a + b*x over its per-VM medians (the VM is the unit, as in compare) with the 95%
 * confidence band of that line. Where a run has no scale above zero (TDP: no shadow
 * pages), against guest memory. No plot where every series has one guest size. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dist.h"
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

/* A fit needs three guest sizes at least: through two any line fits (nearly) exactly. */
#define FIT_MIN_SIZES 3
/* Points along the fitted line and its band (log-spaced: the x axis is log). */
#define BAND_POINTS 64
#define FIT_LEVEL 0.95

/* The (x, y in ms) points a series' line is fitted to. */
struct points {
	double *x, *y;
	size_t n;
};

/* One plotted series: the runs of one file and variant. */
struct pseries {
	size_t file, variant, n, nsizes, idx;
	double x0, x1;
	struct points vm;   /* per-VM medians: the fit's points, drawn as small circles */
	struct fit fit;     /* over vm; fitted says whether it is drawn */
	double mx, sxx, t;  /* for the band: mean and spread of x, t quantile */
	bool fitted;
};

struct scaling {
	struct x_axis xa;
	const char *primary;
	double xmin, xmax, ymin, ymax;
	struct pseries ser[64];
	size_t nser, nfit, maxsizes;
};

/* How many different values among v[0..n). */
static size_t distinct(const uint64_t *v, size_t n)
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

static void add_point(struct points *pt, double x, double y)
{
	pt->x = msb_realloc(pt->x, pt->n + 1, sizeof(double));
	pt->y = msb_realloc(pt->y, pt->n + 1, sizeof(double));
	pt->x[pt->n] = x;
	pt->y[pt->n++] = y;
}

/* The run's points for the fit: one per VM (its medians of the scale and of the
 * primary), or the run's own point (x, y) where the file has no per-VM index. */
static void vm_points(const struct scaling *sc, const struct prun *r, double x, double y,
		      struct points *pt)
{
	size_t ky = 0, kx = 0;
	double *ym = rs_vm_medians(r->run, rs_metric(r->run, sc->primary), &ky);
	double *xm = sc->xa.metric ? rs_vm_medians(r->run, rs_metric(r->run, sc->xa.metric), &kx)
				   : NULL;

	if (ym && (!sc->xa.metric || kx == ky)) {
		for (size_t i = 0; i < ky; i++)
			add_point(pt, xm ? xm[i] : x, ym[i] * 1e-6);
	} else {
		add_point(pt, x, y);
	}
	free(ym);
	free(xm);
}

/* The series' line over its points, with what its band needs; drawn only with
 * FIT_MIN_SIZES guest sizes and an interval (3 points or more). */
static void fit_series(struct pseries *s, const struct points *pt)
{
	s->fitted = s->nsizes >= FIT_MIN_SIZES &&
		    !linear_fit_ci(pt->x, pt->y, pt->n, FIT_LEVEL, &s->fit) && s->fit.have_ci;
	if (!s->fitted)
		return;
	for (size_t k = 0; k < pt->n; k++)
		s->mx += pt->x[k] / (double)pt->n;
	for (size_t k = 0; k < pt->n; k++)
		s->sxx += (pt->x[k] - s->mx) * (pt->x[k] - s->mx);
	s->t = t_quantile(0.5 + FIT_LEVEL / 2, (double)(pt->n - 2));
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
	struct points pt = { 0 };
	uint64_t mems[64];
	double xs[64], x, y;
	size_t np = 0;

	fprintf(dat, "# %s %s: x y q1 q3 guest_mem_MiB\n", p->files[r0->file].label,
		r0->run->variant);
	for (size_t j = first; j < g->n; j++) {
		const struct prun *r = &g->runs[j];

		if (r->file != r0->file || strcmp(r->run->variant, r0->run->variant) ||
		    !emit_point(sc, dat, r, &x, &y) || np == ARRAY_SIZE(xs))
			continue;
		mems[np] = r->mem;
		xs[np++] = x;
		vm_points(sc, r, x, y, &pt);
	}
	/* Unsupported everywhere: a NaN point keeps the index and the legend entry. */
	fputs(np ? "\n\n" : "NaN NaN NaN NaN NaN\n\n\n", dat);
	*s = (struct pseries){ .idx = sc->nser, .file = r0->file, .n = np,
			      .nsizes = distinct(mems, np),
			      .variant = variant_index(g, r0->run->variant) };
	fit_series(s, &pt);
	s->vm = pt;
	s->x0 = s->x1 = np ? xs[0] : 0;
	for (size_t k = 0; k < np; k++) {
		s->x0 = fmin(s->x0, xs[k]);
		s->x1 = fmax(s->x1, xs[k]);
	}
	sc->nfit += s->fitted;
	sc->maxsizes = s->nsizes > sc->maxsizes ? s->nsizes : sc->maxsizes;
	sc->nser++;
}

/* One fitted series' block: x, the line, and its 95% confidence band (lower, upper),
 * from the series' smallest to its largest x. The lower edge stays above floor: on a
 * log axis a bound at or below 0 cannot be drawn. */
static void emit_band(const struct pseries *s, double floor, FILE *dat)
{
	double s_res = s->fit.se_b * sqrt(s->sxx);

	fprintf(dat, "# band of series %zu: x fit lower upper\n", s->idx);
	for (int k = 0; k < BAND_POINTS; k++) {
		double x = s->x0 > 0 ? s->x0 * pow(s->x1 / s->x0, k / (BAND_POINTS - 1.0))
				     : s->x0 + (s->x1 - s->x0) * k / (BAND_POINTS - 1.0);
		double y = s->fit.a + s->fit.b * x;
		double h = s->t * s_res * sqrt(1.0 / (double)s->fit.n +
					       (x - s->mx) * (x - s->mx) / s->sxx);

		fprintf(dat, "%.9g %.9g %.9g %.9g\n", x, y, fmax(y - h, floor), y + h);
	}
	fputs("\n\n", dat);
}

/* After the bands, one block per series of its per-VM points (block 2 nser + idx). */
static void emit_vm_points(const struct scaling *sc, FILE *dat)
{
	for (size_t want = 0; want < sc->nser; want++)
		for (size_t i = 0; i < sc->nser; i++) {
			const struct points *pt = &sc->ser[i].vm;

			if (sc->ser[i].idx != want)
				continue;
			fprintf(dat, "# per-VM medians of series %zu: x y\n", want);
			for (size_t k = 0; k < pt->n; k++)
				fprintf(dat, "%.9g %.9g\n", pt->x[k], pt->y[k]);
			fputs(pt->n ? "\n\n" : "NaN NaN\n\n\n", dat);
		}
}

/* After the series' blocks, one band block per series in the series' emission order
 * (block nser + idx): a NaN point where the series is not fitted, which draws nothing. */
static void emit_bands(const struct scaling *sc, FILE *dat)
{
	for (size_t want = 0; want < sc->nser; want++)
		for (size_t i = 0; i < sc->nser; i++) {
			if (sc->ser[i].idx != want)
				continue;
			if (sc->ser[i].fitted)
				emit_band(&sc->ser[i], sc->ymin / 2.5, dat);
			else
				fputs("# no fit\nNaN NaN NaN NaN\n\n\n", dat);
		}
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
		for (size_t j = i; j > 0 && sc->ser[j].fitted && !sc->ser[j - 1].fitted; j--) {
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
	fputs("set ylabel ", gp);
	/* In words and ms, not the metric's name: "delete_ns ... (ms)" reads as a unit clash. */
	snprintf(what, sizeof(what), "%.95s latency (ms)\nmedian; bars: 25th-75th percentile",
		 strncmp(op, "memslot ", 8) ? op : op + 8);
	gp_str(gp, what);
	fprintf(gp, " noenhanced\nxunit = \"%s\"\n", sc->xa.unit);
	if (sc->xmax > 0) {
		fprintf(gp, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", sc->xmin / 1.5,
			sc->xmax * 1.5, sc->ymin / 2, sc->ymax * 2);
		log_tics(gp, "x", sc->xmin / 1.5, sc->xmax * 1.5);
		log_tics(gp, "y", sc->ymin / 2, sc->ymax * 2);
	}
}

/* The fitted line's legend entry, short enough for the key's second column (the label
 * under the plot gives the units): "fit 0.054 + 0.0116 x, slope [0.009, 0.014]", and
 * "flat" where the slope's interval includes 0. */
static void fit_title(const struct pseries *s, char *buf, size_t len)
{
	const struct fit *f = &s->fit;

	snprintf(buf, len, "fit %.3g %s %.3g x, slope [%.2g, %.2g]%s", f->a, f->b < 0 ? "-" : "+",
		 fabs(f->b), f->b_lo, f->b_hi, f->flat ? ": flat" : "");
}

/* The series' gnuplot arrays: legend titles, colour, point and dash type, block index,
 * and the block of its fitted line and band (BIDX; FT empty: not fitted). */
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
			"array IDX[%zu]\nset key vertical maxrows %zu\narray BIDX[%zu]\n"
			"array VIDX[%zu]\narray FT[%zu]\n", n, n, n, n, n, n, n, n, n);
	for (size_t i = 0; i < n; i++) {
		const struct pseries *s = &sc->ser[i];
		size_t rank = file_rank(g, s->file);
		char title[256], ft[256] = "";

		snprintf(title, sizeof(title), "%s%s%s%s", var[s->variant], multi ? ", " : "",
			 multi ? p->files[s->file].label : "", s->n ? "" : ": unsupported");
		fprintf(gp, "T[%zu] = ", i + 1);
		gp_str(gp, title);
		fprintf(gp, "\nIDX[%zu] = %zu\nC[%zu] = \"%s\"\nPT[%zu] = %d\nDT[%zu] = %zu",
			i + 1, s->idx, i + 1, plot_colours[s->variant % ARRAY_SIZE(plot_colours)],
			i + 1, plot_points[rank % ARRAY_SIZE(plot_points)], i + 1, 1 + rank % 5);
		if (s->fitted)
			fit_title(s, ft, sizeof(ft));
		fprintf(gp, "\nBIDX[%zu] = %zu\nVIDX[%zu] = %zu\nFT[%zu] = ", i + 1,
			sc->nser + s->idx, i + 1, 2 * sc->nser + s->idx, i + 1);
		gp_str(gp, ft);
		fputc('\n', gp);
	}
	free(var);
}

/* The most guest sizes any (file, variant) of g measured its primary in. */
static size_t most_sizes(const struct group *g)
{
	uint64_t *mems = msb_calloc(g->n, sizeof(*mems));
	size_t most = 0;

	for (size_t i = 0; i < g->n; i++) {
		size_t n = 0;

		for (size_t j = 0; j < g->n; j++) {
			const struct prun *r = &g->runs[j], *r0 = &g->runs[i];

			if (r->file == r0->file && !strcmp(r->run->variant, r0->run->variant) &&
			    rs_primary(r->run))
				mems[n++] = r->mem;
		}
		n = distinct(mems, n);
		most = n > most ? n : most;
	}
	free(mems);
	return most;
}

/* The primary latency (median, IQR bars) against the runs' scale, log-log, one series
 * per (file, variant), a fitted line with its band per series with FIT_MIN_SIZES sizes
 * or more. Nothing where no series has two sizes: the distribution plot shows those. */
void emit_scaling(const struct plot *p, const struct group *g)
{
	struct scaling *sc;
	char name[256];

	if (most_sizes(g) < 2) {
		printf("%s: one guest size per series, no scaling plot (a sweep makes one: "
		       "--guest-mem 256M,512M,1G)\n", g->name);
		return;
	}
	sc = msb_calloc(1, sizeof(*sc));
	pick_axis(g, &sc->xa);
	sc->primary = g->primary;
	sc->xmin = sc->ymin = INFINITY;
	snprintf(name, sizeof(name), "%.95s-latency-vs-%.63s", g->name, sc->xa.file);
	FILE *dat = plot_open(p, name, "dat"), *gp = plot_open(p, name, "gp");

	emit_blocks(p, g, sc, dat);
	emit_bands(sc, dat);
	emit_vm_points(sc, dat);
	plot_close(p, dat);
	write_axes(p, g, sc, gp);
	write_series(p, g, sc, gp);
	/* What the lines are, under the x axis' own label: inside the plot it would cover
	 * points. */
	fputs("set xlabel ", gp);
	gp_str(gp, sc->xa.label);
	/* The last, empty line keeps the key below off the text. */
	if (!sc->nfit)
		fprintf(gp, " . \"\\nfewer than %d guest sizes per series: no fitted line\\n\"\n",
			FIT_MIN_SIZES);
	else
		fprintf(gp, " . \"\\nline: y (ms) = a + b x (x in %ss), least squares over the per-VM "
			"medians (circles); slope and band: 95%% confidence\\n\"\n", sc->xa.unit);
	plot_close(p, gp);
	fprintf(p->manifest, "scaling.gp\t%s\n", name);
	for (size_t i = 0; i < sc->nser; i++) {
		free(sc->ser[i].vm.x);
		free(sc->ser[i].vm.y);
	}
	free(sc);
}
