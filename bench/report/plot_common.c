/* SPDX-License-Identifier: GPL-2.0 */
/* What the plots share: output files, gnuplot strings, titles, series and tics. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plotdata.h"
#include "util.h"

/* Series colours (colour-blind safe, Okabe-Ito) and point types. */
const char *const plot_colours[8] = { "#D55E00", "#0072B2", "#009E73", "#CC79A7",
				      "#E69F00", "#56B4E9", "#000000", "#F0E442" };
const int plot_points[6] = { 7, 5, 9, 11, 13, 15 };

FILE *plot_open(const struct plot *p, const char *name, const char *ext)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s", p->datadir, name, ext);
	FILE *f = fopen(path, "w");
	if (!f)
		msb_die_errno("cannot write %s", path);
	return f;
}

void plot_close(const struct plot *p, FILE *f)
{
	if (ferror(f) | fclose(f))
		msb_die("write error in %s", p->datadir);
}

void op_name(const struct group *g, char *buf, size_t len)
{
	const struct rs_metric *m = NULL;

	for (size_t i = 0; i < g->n && !m; i++)
		m = rs_primary(g->runs[i].run);
	if (m && m->kind)
		snprintf(buf, len, "memslot %s", m->kind);
	else
		snprintf(buf, len, "%s", g->scenario);
}

/* Whether a group has runs from file fi. */
bool in_group(const struct group *g, size_t fi)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->runs[i].file == fi)
			return true;
	return false;
}

/* A gnuplot double-quoted string. */
void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

void add_unique(const char **list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], s))
			return;
	list[(*n)++] = s;
}

/* "6.1.0-56-amd64 vs 6.12.117+deb12-amd64", "zap-all, zap-slot", environment(s). */
static void join(char *buf, size_t len, const char **list, size_t n, const char *sep)
{
	size_t l = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? sep : "", list[i]);
}

/* What the group's runs share, each list joined: "6.1.0-56-amd64 vs 6.12.117+deb12-amd64",
 * "zap-all, zap-slot" and the environment(s); the number of kernels and variants. */
struct title_facts {
	char kern[512], env[512], var[256];
	size_t nk, nv;
};

static void title_facts(const struct plot *p, const struct group *g, struct title_facts *t)
{
	const char **kern = msb_calloc(g->n, sizeof(char *));
	const char **env = msb_calloc(g->n, sizeof(char *));
	const char **var = msb_calloc(g->n, sizeof(char *));
	size_t ne = 0;

	t->nk = t->nv = 0;
	for (size_t i = 0; i < g->n; i++) {
		add_unique(kern, &t->nk, p->files[g->runs[i].file].release);
		add_unique(env, &ne, p->files[g->runs[i].file].env);
		add_unique(var, &t->nv, g->runs[i].run->variant);
	}
	join(t->kern, sizeof(t->kern), kern, t->nk, " vs ");
	join(t->env, sizeof(t->env), env, ne, " vs ");
	join(t->var, sizeof(t->var), var, t->nv, ", ");
	free(kern);
	free(env);
	free(var);
}

/* Two-line title: what is plotted, then kernel(s), variant(s), environment(s); greedy
 * lines of at most TITLE_COLS characters: the plot is 1100 pixels wide. */
#define TITLE_COLS 110
void write_title(const struct plot *p, FILE *gp, const struct group *g, const char *what)
{
	struct title_facts t;
	char head[512], desc[256], kern_s[600], var_s[300], title[1600];

	title_facts(p, g, &t);
	snprintf(head, sizeof(head), "%s: %s", g->scenario, what);
	snprintf(desc, sizeof(desc), "(%s)", g->desc);
	snprintf(kern_s, sizeof(kern_s), "kernel%s %s", t.nk > 1 ? "s" : "", t.kern);
	snprintf(var_s, sizeof(var_s), "%s %s", t.nv == 1 ? "variant" : "variants", t.var);
	const char *seg[] = { head, desc, kern_s, var_s, t.env };
	const char *sep[] = { "", " ", "\n", " | ", " | " };
	size_t tl = 0, line = 0;

	title[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(seg) && tl < sizeof(title); i++) {
		size_t w = strlen(sep[i]) + strlen(seg[i]);
		bool brk = sep[i][0] == '\n' || (i && line + w > TITLE_COLS);

		tl += (size_t)snprintf(title + tl, sizeof(title) - tl, "%s%s", brk ? "\n" : sep[i],
				       seg[i]);
		line = brk ? strlen(seg[i]) : line + w;
	}
	fputs("set title ", gp);
	gp_str(gp, title);
	fputs(" noenhanced\n", gp);
}

bool several_files(const struct group *g)
{
	for (size_t i = 1; i < g->n; i++)
		if (g->runs[i].file != g->runs[0].file)
			return true;
	return false;
}

/* Index of a variant among a group's variants, in order of first appearance. */
size_t variant_index(const struct group *g, const char *variant)
{
	const char **var = msb_calloc(g->n, sizeof(char *));
	size_t nv = 0, idx = 0;
	for (size_t i = 0; i < g->n; i++)
		add_unique(var, &nv, g->runs[i].run->variant);
	for (size_t i = 0; i < nv; i++)
		if (!strcmp(var[i], variant))
			idx = i;
	free(var);
	return idx;
}

/* Rank of file fi among the files of a group (point and dash types). */
size_t file_rank(const struct group *g, size_t fi)
{
	size_t rank = 0;
	for (size_t j = 0; j < fi; j++)
		rank += in_group(g, j);
	return rank;
}

/* Labelled tics on a log axis from lo to hi: 1-2-5 per decade, finer when the range is
 * narrow (gnuplot labels only powers of ten, none at all within one decade). */
void log_tics(FILE *gp, const char *axis, double lo, double hi)
{
	static const double coarse[] = { 1, 2, 5 }, fine[] = { 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 };
	const double *m = coarse;
	size_t nm = ARRAY_SIZE(coarse), count = 0;

	if (!(lo > 0) || !(hi > lo))
		return;
	for (double d = pow(10, floor(log10(lo))); d <= hi; d *= 10)
		for (size_t i = 0; i < nm; i++)
			count += d * m[i] >= lo && d * m[i] <= hi;
	if (count < 4) {
		m = fine;
		nm = ARRAY_SIZE(fine);
	}
	count = 0;
	fprintf(gp, "set %stics (", axis);
	for (double d = pow(10, floor(log10(lo))); d <= hi && count < 40; d *= 10)
		for (size_t i = 0; i < nm; i++) {
			double t = d * m[i];
			if (t >= lo && t <= hi)
				fprintf(gp, "%s%.6g", count++ ? ", " : "", t);
		}
	fputs(")\n", gp);
}

