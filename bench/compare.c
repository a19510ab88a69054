/* memslot-bench compare BASE.json NEW.json [...]: match runs across result files (or
 * two variants inside one file), compare each metric's samples with lib/compare and
 * print a table: 72-column text for commit messages, Markdown or CSV. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "compare.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "util.h"

#define LEVEL 0.95
#define MIN_VMS 4 /* per-VM medians are compared from this many VMs a side (4 vs 4: 97% reachable) */
#define FEW 9 /* below this many samples a side is flagged */

enum fmt { FMT_TEXT, FMT_MARKDOWN, FMT_CSV };

struct mrow {
	const char *name, *unit;
	bool have[2];
	struct summary s[2];
	struct metric_cmp mc;
	bool compared;
	size_t vms[2]; /* > 0: compared per-VM medians of that many VMs (run --rounds) */
};

/* Two runs matched by scenario, params and layout; run[i] NULL = only on the other side. */
struct block {
	char *title;
	json_object *run[2];
	const char *reason[2]; /* non-NULL: unsupported on that side */
	struct mrow *rows;
	size_t nrows;
};

struct cmp {
	const char *path[2];
	json_object *root[2];
	const char *variant[2]; /* --variants: base and new variant in one file */
	struct block *blocks;
	size_t nblocks;
	char **common;          /* "key=value" shared by every run, for the header */
	size_t ncommon;
	bool across_layouts;    /* match runs whatever their layout (--across-layouts) */
};

struct cli {
	const char *variants, *fail_pct;
	int format;
	bool force, across_layouts;
	double fail;
	bool gate;
};

/* ---- formatting values ---- */

static void fmt_pct(double p, char *buf, size_t len)
{
	if (p != 0 && fabs(p) < 0.05)
		snprintf(buf, len, "%+.1g%%", p); /* not "-0.0%": which side of 0 matters */
	else
		snprintf(buf, len, fabs(p) >= 999.95 ? "%+.0f%%" : "%+.1f%%", p);
}

enum verdict { V_NA, V_NONE, V_LOWER, V_HIGHER };

static enum verdict verdict_of(const struct mrow *r)
{
	if (!r->compared || !r->mc.have_ci)
		return V_NA;
	if (!r->mc.proven)
		return V_NONE;
	return r->mc.ci.shift < 0 ? V_LOWER : V_HIGHER;
}

static const char *verdict_word(const struct mrow *r, enum verdict v)
{
	bool ns = is_ns(r->unit);

	switch (v) {
	case V_NONE: return "no difference proven at 95% confidence";
	case V_LOWER: return ns ? "faster" : "fewer";
	case V_HIGHER: return ns ? "slower" : "more";
	default: return "n/a";
	}
}

/* "-46.2% [-60.1% .. -20.3%]", or the absolute shift where the base median is 0. */
static void fmt_change_ci(const struct mrow *r, char *buf, size_t len);

/* The change, and over what: "(5 vs 5 VMs)" when per-VM medians were compared. */
static void fmt_change(const struct mrow *r, char *buf, size_t len)
{
	fmt_change_ci(r, buf, len);
	size_t l = strlen(buf);
	if (r->vms[0] && l < len)
		snprintf(buf + l, len - l, " (%zu vs %zu VMs)", r->vms[0], r->vms[1]);
}

static void fmt_change_ci(const struct mrow *r, char *buf, size_t len)
{
	const struct metric_cmp *m = &r->mc;
	char a[24], b[24], c[24];

	if (!r->compared || !m->have_ci) {
		snprintf(buf, len, "n/a");
	} else if (!m->ci.ok) {
		snprintf(buf, len, "n/a (too few samples for a 95%% interval)");
	} else if (m->relative) {
		fmt_pct(m->pct, a, sizeof(a));
		fmt_pct(m->pct_lo, b, sizeof(b));
		fmt_pct(m->pct_hi, c, sizeof(c));
		snprintf(buf, len, "%s [%s .. %s]", a, b, c);
	} else {
		fmt_val(m->ci.shift, r->unit, a, sizeof(a), true);
		fmt_val(m->ci.lo, r->unit, b, sizeof(b), true);
		fmt_val(m->ci.hi, r->unit, c, sizeof(c), true);
		snprintf(buf, len, "n/a (base median 0), shift %s [%s .. %s]", a, b, c);
	}
}

/* "47.7x" when the medians differ by 2x or more and the difference is proven. */
static void fmt_ratio(const struct mrow *r, char *buf, size_t len)
{
	double b = r->mc.median[0], n = r->mc.median[1];

	buf[0] = '\0';
	if (verdict_of(r) < V_LOWER || b <= 0 || n <= 0)
		return;
	double x = b > n ? b / n : n / b;
	if (x >= 2)
		snprintf(buf, len, x >= 100 ? "%.0fx " : "%.1fx ", x);
}

/* ---- building the comparison ---- */

static bool wanted_metric(const char *name, json_object *m)
{
	size_t l = strlen(name);

	if (!strcmp(name, "mmu_shadow_zapped") || !strcmp(name, "remote_tlb_flush"))
		return true;
	return l > 3 && !strcmp(name + l - 3, "_ns") && !strcmp(jstr(m, "unit", "ns"), "ns");
}

/* Medians of a metric per VM instance (the "vm_round" of each sample, from run
 * --rounds), or NULL when the run has no rounds or they do not line up. */
static double *vm_medians(json_object *m, json_object *rounds, size_t *k)
{
	size_t n, nr;
	double *v, *r, *med = NULL;

	*k = 0;
	if (!m || !rounds)
		return NULL;
	v = samples_of(m, &n);
	r = samples_of(rounds, &nr);
	if (n && n == nr) {
		double *buf = msb_calloc(n, sizeof(*buf));
		med = msb_calloc(n, sizeof(*med));
		for (double want = 0; want <= (double)n; want++) {
			size_t nb = 0;
			struct summary sum;
			for (size_t i = 0; i < n; i++)
				if (r[i] == want)
					buf[nb++] = v[i];
			if (nb && summarize(buf, nb, &sum) == 0)
				med[(*k)++] = sum.median;
		}
		free(buf);
	}
	free(v);
	free(r);
	return med;
}

static void add_row(struct block *b, const char *name, json_object *m[2], json_object *rounds[2])
{
	struct mrow *r;
	double *v[2] = { NULL, NULL }, *vm[2] = { NULL, NULL };
	size_t n[2] = { 0, 0 }, k[2] = { 0, 0 };

	b->rows = msb_realloc(b->rows, b->nrows + 1, sizeof(*b->rows));
	r = &b->rows[b->nrows++];
	memset(r, 0, sizeof(*r));
	r->name = name;
	r->unit = jstr(m[0] ? m[0] : m[1], "unit", "");
	for (int i = 0; i < 2; i++) {
		if (!m[i])
			continue;
		v[i] = samples_of(m[i], &n[i]);
		r->have[i] = summarize(v[i], n[i], &r->s[i]) == 0;
		vm[i] = vm_medians(m[i], rounds[i], &k[i]);
	}
	/* Samples of one VM are not independent of each other: where both runs have several
	 * VMs, the VM is the unit and the test compares per-VM medians. */
	if (k[0] >= MIN_VMS && k[1] >= MIN_VMS) {
		r->vms[0] = k[0];
		r->vms[1] = k[1];
		if (r->have[0] && r->have[1])
			r->compared = metric_compare(vm[0], k[0], vm[1], k[1], LEVEL, &r->mc) == 0;
	} else if (r->have[0] && r->have[1]) {
		r->compared = metric_compare(v[0], n[0], v[1], n[1], LEVEL, &r->mc) == 0;
	}
	for (int i = 0; i < 2; i++) {
		free(v[i]);
		free(vm[i]);
	}
}

/* Latencies first (in file order), then the counters. */
static void fill_rows(struct block *b)
{
	json_object *ms[2] = { NULL, NULL }, *rounds[2] = { NULL, NULL };

	for (int i = 0; i < 2; i++)
		if (b->run[i] && !b->reason[i]) {
			ms[i] = jget(b->run[i], "metrics");
			rounds[i] = jget(b->run[i], "metrics.vm_round");
		}
	int lead = ms[0] ? 0 : 1;
	if (!ms[lead])
		return;
	for (int pass = 0; pass < 2; pass++) {
		json_object_object_foreach(ms[lead], name, m) {
			json_object *pm[2] = { NULL, NULL };

			if (!wanted_metric(name, m) || is_ns(jstr(m, "unit", "")) != !pass)
				continue;
			pm[lead] = m;
			if (ms[!lead] && !json_object_object_get_ex(ms[!lead], name, &pm[!lead]))
				continue; /* measured on both sides but this metric only on one */
			add_row(b, name, pm, rounds);
		}
	}
}

static bool run_selected(const struct cmp *c, int side, json_object *run)
{
	return !c->variant[side] || !strcmp(jstr(run, "variant", ""), c->variant[side]);
}

/* The runs that take part, for labels: from both files, or the two variants. */
static size_t all_runs(const struct cmp *c, json_object ***out)
{
	size_t n = 0;
	json_object **v = NULL;

	for (int s = 0; s < 2; s++) {
		json_object *runs = jget(c->root[s], "runs");

		for (size_t i = 0; i < json_object_array_length(runs); i++) {
			json_object *r = json_object_array_get_idx(runs, i);

			if (!c->variant[0] || run_selected(c, 0, r) || run_selected(c, 1, r)) {
				v = msb_realloc(v, n + 1, sizeof(*v));
				v[n++] = r;
			}
		}
	}
	*out = v;
	return n;
}

/* Params that differ between runs go into each run's title; the rest, shared by all,
 * into the header once. */
static void params_split(struct cmp *c, json_object **runs, size_t n, char ***varying,
			 size_t *nvar)
{
	*varying = NULL;
	*nvar = 0;
	if (!n)
		return;
	json_object *p0 = jget(runs[0], "params");
	json_object_object_foreach(p0, key, v0) {
		if (!strcmp(key, "reps") || !strcmp(key, "warmup"))
			continue;
		char *c0 = canon_str(v0, false);
		bool same = true;

		for (size_t i = 1; i < n && same; i++) {
			char *ci = canon_str(jget(jget(runs[i], "params"), key), false);

			same = !strcmp(c0, ci);
			free(ci);
		}
		free(c0);
		if (same) {
			char val[64], *kv;

			fmt_param(key, v0, val, sizeof(val));
			if (asprintf(&kv, "%s=%s", key, val) < 0)
				msb_die("out of memory");
			c->common = msb_realloc(c->common, c->ncommon + 1, sizeof(char *));
			c->common[c->ncommon++] = kv;
		} else {
			*varying = msb_realloc(*varying, *nvar + 1, sizeof(char *));
			(*varying)[(*nvar)++] = key;
		}
	}
}

static char *run_title(const struct cmp *c, json_object *run, char **varying, size_t nvar,
		       bool layout_varies)
{
	char *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);

	if (!f)
		msb_die("out of memory");
	fprintf(f, "%s", jstr(run, "scenario", "?"));
	if (!c->variant[0])
		fprintf(f, " %s", jstr(run, "variant", "?"));
	for (size_t i = 0; i < nvar; i++) {
		json_object *v = jget(jget(run, "params"), varying[i]);
		char val[64];

		if (!v)
			continue;
		fmt_param(varying[i], v, val, sizeof(val));
		fprintf(f, " %s=%s", varying[i], val);
	}
	if (layout_varies) {
		char *l = canon_str(jget(run, "layout"), false);

		fprintf(f, " layout=%s", l);
		free(l);
	}
	fclose(f);
	return t;
}

static bool layouts_vary(json_object **runs, size_t n)
{
	bool vary = false;
	char *l0 = n ? canon_str(jget(runs[0], "layout"), false) : NULL;

	for (size_t i = 1; i < n && !vary; i++) {
		char *l = canon_str(jget(runs[i], "layout"), false);

		vary = strcmp(l0, l) != 0;
		free(l);
	}
	free(l0);
	return vary;
}

static struct block *new_block(struct cmp *c)
{
	c->blocks = msb_realloc(c->blocks, c->nblocks + 1, sizeof(*c->blocks));
	memset(&c->blocks[c->nblocks], 0, sizeof(*c->blocks));
	return &c->blocks[c->nblocks++];
}

/* Pair base runs with new runs of the same key (and variant, unless --variants);
 * runs on one side only become blocks with the other side NULL. */
static void build(struct cmp *c)
{
	json_object *runs[2] = { jget(c->root[0], "runs"), jget(c->root[1], "runs") };
	const size_t n[2] = { json_object_array_length(runs[0]),
			      json_object_array_length(runs[1]) };
	bool *used = msb_calloc(n[1] + 1, sizeof(bool));
	json_object **all;
	size_t nall = all_runs(c, &all), nvar;
	char **varying;

	params_split(c, all, nall, &varying, &nvar);
	bool lv = !c->across_layouts && layouts_vary(all, nall);

	for (size_t i = 0; i < n[0]; i++) {
		json_object *r0 = json_object_array_get_idx(runs[0], i), *r1 = NULL;

		if (!run_selected(c, 0, r0))
			continue;
		char *k0 = run_key(r0, !c->across_layouts);
		for (size_t j = 0; j < n[1] && !r1; j++) {
			json_object *r = json_object_array_get_idx(runs[1], j);

			if (used[j] || !run_selected(c, 1, r))
				continue;
			if (!c->variant[0] && strcmp(jstr(r0, "variant", ""), jstr(r, "variant", "")))
				continue;
			char *k1 = run_key(r, !c->across_layouts);
			if (!strcmp(k0, k1)) {
				r1 = r;
				used[j] = true;
			}
			free(k1);
		}
		free(k0);
		struct block *b = new_block(c);
		b->run[0] = r0;
		b->run[1] = r1;
	}
	for (size_t j = 0; j < n[1]; j++) {
		json_object *r = json_object_array_get_idx(runs[1], j);

		if (!used[j] && run_selected(c, 1, r))
			new_block(c)->run[1] = r;
	}
	for (size_t i = 0; i < c->nblocks; i++) {
		struct block *b = &c->blocks[i];

		b->title = run_title(c, b->run[0] ? b->run[0] : b->run[1], varying, nvar, lv);
		for (int s = 0; s < 2; s++)
			b->reason[s] = run_reason(b->run[s]);
		if (b->run[0] && b->run[1])
			fill_rows(b);
	}
	free(varying);
	free(all);
	free(used);
}

static void cmp_free(struct cmp *c)
{
	for (size_t i = 0; i < c->nblocks; i++) {
		free(c->blocks[i].title);
		free(c->blocks[i].rows);
	}
	free(c->blocks);
	for (size_t i = 0; i < c->ncommon; i++)
		free(c->common[i]);
	free(c->common);
}

/* ---- output ---- */

static void side_desc(const struct cmp *c, int s, char *buf, size_t len)
{
	size_t off = c->variant[s] ? (size_t)snprintf(buf, len, "%s, ", c->variant[s]) : 0;

	if (off < len)
		env_desc(c->root[s], buf + off, len - off);
}

static const char *method =
	"Hodges-Lehmann shift (new - base) / base median, 95% CI Mann-Whitney "
	"(distribution-free; exact without ties and n < 50, else normal "
	"approximation); over per-VM medians where both runs used --rounds >= 4, "
	"else over samples";

static void header_lines(const struct cmp *c, header_line_fn *line, FILE *f)
{
	char buf[512], host[256];

	for (int s = 0; s < 2; s++) {
		char d[256];

		side_desc(c, s, d, sizeof(d));
		snprintf(buf, sizeof(buf), "%s [%s]", d, c->path[s]);
		line(f, s ? "new" : "base", buf);
	}
	host_desc(c->root[0], host, sizeof(host));
	line(f, "host", host);
	host_desc(c->root[1], buf, sizeof(buf));
	if (strcmp(host, buf))
		line(f, "new host", buf);
	if (c->across_layouts) {
		char l[2][128];
		for (int s = 0; s < 2; s++)
			layout_desc(json_object_array_get_idx(jget(c->root[s], "runs"), 0), l[s],
				    sizeof(l[s]));
		snprintf(buf, sizeof(buf), "base %s; new %s", l[0], l[1]);
		line(f, "layouts", buf);
	}
	if (result_emulated(c->root[0]))
		line(f, "note", EMULATED_NOTE);
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < c->ncommon && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
					c->common[i]);
	if (c->ncommon)
		line(f, "params", buf);
	line(f, "change", method);
}

static void text_side(FILE *f, const struct block *b, const struct mrow *r, int s)
{
	char m[24], p[24];

	if (b->reason[s]) {
		fprintf(f, s ? " %s" : " %-25s", "      unsupported"); /* no trailing blanks */
	} else if (!r->have[s]) {
		fprintf(f, " %25s", "-");
	} else {
		fmt_val(r->s[s].median, r->unit, m, sizeof(m), false);
		fmt_val(r->s[s].p99, r->unit, p, sizeof(p), false);
		fprintf(f, " %4zu %10s %9s", r->s[s].n, m, p);
	}
}

/* Counters that never moved: one short line instead of a zero-width interval. */
static bool constant(const struct mrow *r)
{
	return r->have[0] && r->have[1] && r->s[0].min == r->s[0].max &&
	       r->s[1].min == r->s[1].max && r->s[0].min == r->s[1].min;
}

/* Thin evidence: fewer than FEW of what the test compared (VMs or samples) a side. */
static bool few(const struct mrow *r)
{
	if (r->vms[0])
		return r->vms[0] < FEW || r->vms[1] < FEW;
	return (r->have[0] && r->s[0].n < FEW) || (r->have[1] && r->s[1].n < FEW);
}

static void print_text(const struct cmp *c, FILE *f)
{
	bool any_few = false, only = false;

	fprintf(f, "memslot-bench compare%s\n",
		c->variant[0] ? ": two variants in one file" : ": base vs new");
	header_lines(c, text_line, f);
	fprintf(f, "\n%-20s %-25s %-25s\n", "", "------------ base -------",
		"------------ new --------");
	fprintf(f, "%-20s %4s %10s %9s %4s %10s %9s\n", "metric", "n", "median", "p99", "n",
		"median", "p99");
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];

		if (!b->run[0] || !b->run[1]) {
			only = true;
			continue;
		}
		fprintf(f, "%s\n", b->title);
		for (int s = 0; s < 2; s++) {
			char why[320];

			if (!b->reason[s])
				continue;
			snprintf(why, sizeof(why), "%s", b->reason[s]);
			wrap(f, s ? "  new unsupported: " : "  base unsupported: ", 4, why);
		}
		for (size_t j = 0; j < b->nrows; j++) {
			const struct mrow *r = &b->rows[j];
			char name[32], ch[160], ratio[16], line[256];

			snprintf(name, sizeof(name), "  %s%s", r->name, few(r) ? "*" : "");
			any_few |= few(r);
			fprintf(f, "%-20s", name);
			text_side(f, b, r, 0);
			text_side(f, b, r, 1);
			fputc('\n', f);
			if (!r->compared)
				continue;
			if (constant(r)) {
				fmt_val(r->s[0].min, r->unit, ratio, sizeof(ratio), false);
				fprintf(f, "    same value (%s) in every sample on both sides\n", ratio);
				continue;
			}
			fmt_change(r, ch, sizeof(ch));
			fmt_ratio(r, ratio, sizeof(ratio));
			enum verdict v = verdict_of(r);
			snprintf(line, sizeof(line), "%s%s", ratio,
				 v == V_NA || (v == V_NONE && !r->mc.ci.ok) ? "" : verdict_word(r, v));
			/* The verdict stays in one piece: on the change line or below it. */
			if (!line[0])
				fprintf(f, "    change %s\n", ch);
			else if (strlen(ch) + strlen(line) + 13 <= REPORT_WIDTH)
				fprintf(f, "    change %s, %s\n", ch, line);
			else
				fprintf(f, "    change %s,\n      %s\n", ch, line);
		}
	}
	if (any_few)
		fprintf(f, "* fewer than %d samples (or VMs, where VMs were compared) on a side:\n  wide interval, weak evidence\n", FEW);
	for (size_t i = 0; only && i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];

		if (!b->run[0] != !b->run[1])
			wrap(f, b->run[0] ? "only in base: " : "only in new: ", 4, b->title);
	}
}

static void md_side(FILE *f, const struct block *b, const struct mrow *r, int s)
{
	char m[24], p[24];

	if (b->reason[s]) {
		fprintf(f, " | unsupported | | ");
	} else if (!r->have[s]) {
		fprintf(f, " | - | - | - ");
	} else {
		fmt_val(r->s[s].median, r->unit, m, sizeof(m), false);
		fmt_val(r->s[s].p99, r->unit, p, sizeof(p), false);
		fprintf(f, " | %zu | %s | %s ", r->s[s].n, m, p);
	}
}

static void print_markdown(const struct cmp *c, FILE *f)
{
	bool any_few = false;

	fprintf(f, "### memslot-bench compare%s\n\n",
		c->variant[0] ? ": two variants in one file" : ": base vs new");
	header_lines(c, md_line, f);
	fprintf(f, "\n| run | metric | base n | base median | base p99 | new n | new median "
		   "| new p99 | change [95%% CI] | verdict |\n"
		   "|---|---|--:|--:|--:|--:|--:|--:|---|---|\n");
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];

		if (!b->run[0] || !b->run[1]) {
			fprintf(f, "| %s | | %s | | | %s | | | | |\n", b->title,
				b->run[0] ? "" : "absent", b->run[1] ? "" : "absent");
			continue;
		}
		if (!b->nrows)
			fprintf(f, "| %s | | %s | | | %s | | | | |\n", b->title,
				b->reason[0] ? "unsupported" : "", b->reason[1] ? "unsupported" : "");
		for (size_t j = 0; j < b->nrows; j++) {
			const struct mrow *r = &b->rows[j];
			char ch[160] = "", ratio[16];

			any_few |= few(r);
			fprintf(f, "| %s | %s%s", b->title, r->name, few(r) ? "\\*" : "");
			md_side(f, b, r, 0);
			md_side(f, b, r, 1);
			const char *v = b->reason[0] ? "base unsupported" :
					b->reason[1] ? "new unsupported" : "";
			if (r->compared)
				fmt_change(r, ch, sizeof(ch));
			fmt_ratio(r, ratio, sizeof(ratio));
			if (r->compared)
				v = constant(r) ? "same value in every sample" :
						  verdict_word(r, verdict_of(r));
			fprintf(f, "| %s | %s%s |\n", ch, ratio, v);
		}
	}
	if (any_few)
		fprintf(f, "\n\\* fewer than %d samples (or VMs, where VMs were compared) on a side: wide interval, weak evidence\n",
			FEW);
}

static void print_csv(const struct cmp *c, FILE *f, bool header)
{
	if (header)
		fprintf(f, "base_file,new_file,base_kernel,new_kernel,run,base_variant,"
			   "new_variant,metric,unit,base_n,base_median,base_p99,new_n,new_median,"
			   "new_p99,shift,shift_lo,shift_hi,ci_level,change_pct,change_lo_pct,"
			   "change_hi_pct,verdict\n");
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];
		size_t nr = b->nrows ? b->nrows : 1;

		for (size_t j = 0; j < nr; j++) {
			const struct mrow *r = b->nrows ? &b->rows[j] : NULL;
			bool cmpd = r && r->compared && r->mc.have_ci;
			const char *v;

			csv_str(f, c->path[0]);
			csv_str(f, c->path[1]);
			csv_str(f, jstr(c->root[0], "host.release", ""));
			csv_str(f, jstr(c->root[1], "host.release", ""));
			csv_str(f, b->title);
			csv_str(f, b->run[0] ? jstr(b->run[0], "variant", "") : "");
			csv_str(f, b->run[1] ? jstr(b->run[1], "variant", "") : "");
			csv_str(f, r ? r->name : "");
			csv_str(f, r ? r->unit : "");
			for (int s = 0; s < 2; s++) {
				bool h = r && r->have[s];

				csv_num(f, h, h ? (double)r->s[s].n : 0, ",");
				csv_num(f, h, h ? r->s[s].median : 0, ",");
				csv_num(f, h, h ? r->s[s].p99 : 0, ",");
			}
			csv_num(f, cmpd, cmpd ? r->mc.ci.shift : 0, ",");
			csv_num(f, cmpd, cmpd ? r->mc.ci.lo : 0, ",");
			csv_num(f, cmpd, cmpd ? r->mc.ci.hi : 0, ",");
			csv_num(f, cmpd, cmpd ? r->mc.ci.conf : 0, ",");
			bool rel = cmpd && r->mc.relative && r->mc.ci.ok;
			csv_num(f, rel, rel ? r->mc.pct : 0, ",");
			csv_num(f, rel, rel ? r->mc.pct_lo : 0, ",");
			csv_num(f, rel, rel ? r->mc.pct_hi : 0, ",");
			if (!b->run[0] || !b->run[1])
				v = b->run[0] ? "only in base" : "only in new";
			else if (b->reason[0] || b->reason[1])
				v = b->reason[0] ? (b->reason[1] ? "unsupported on both"
						   : "base unsupported") : "new unsupported";
			else
				v = r ? verdict_word(r, verdict_of(r)) : "n/a";
			fprintf(f, "\"%s\"\n", v);
		}
	}
}

/* --fail-on-regression: latencies slower by more than pct, interval above zero. */
static bool regressed(const struct cmp *c, double pct)
{
	bool any = false;

	for (size_t i = 0; i < c->nblocks; i++)
		for (size_t j = 0; j < c->blocks[i].nrows; j++) {
			const struct mrow *r = &c->blocks[i].rows[j];

			if (!is_ns(r->unit) || verdict_of(r) != V_HIGHER || !r->mc.relative ||
			    r->mc.pct <= pct)
				continue;
			fprintf(stderr, "memslot-bench compare: regression: %s %s %+.1f%% "
				"(95%% CI %+.1f%% .. %+.1f%%) > %g%% [%s vs %s]\n",
				c->blocks[i].title, r->name, r->mc.pct, r->mc.pct_lo, r->mc.pct_hi,
				pct, c->path[0], c->path[1]);
			any = true;
		}
	return any;
}

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "memslot-bench compare: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static void parse_cli(struct cli *o, const char *variants[2], char *vbuf, size_t vlen)
{
	if (o->fail_pct) {
		char *end;

		o->fail = strtod(o->fail_pct, &end);
		if (end == o->fail_pct || *end || !isfinite(o->fail) || o->fail < 0)
			usage_error("--fail-on-regression: '%s' is not a percentage (a number >= 0)",
				    o->fail_pct);
		o->gate = true;
	}
	if (!o->variants)
		return;
	snprintf(vbuf, vlen, "%s", o->variants);
	char *comma = strchr(vbuf, ',');
	if (!comma || comma == vbuf || !comma[1] || strchr(comma + 1, ','))
		usage_error("--variants: '%s' is not two variants BASE,NEW (zap-all,zap-slot)",
			    o->variants);
	*comma = '\0';
	variants[0] = vbuf;
	variants[1] = comma + 1;
	if (!strcmp(variants[0], variants[1]))
		usage_error("--variants: '%s' names the same variant twice", o->variants);
}

static bool has_variant(json_object *root, const char *v)
{
	json_object *runs = jget(root, "runs");

	for (size_t i = 0; i < json_object_array_length(runs); i++)
		if (!strcmp(jstr(json_object_array_get_idx(runs, i), "variant", ""), v))
			return true;
	return false;
}

/* Compare roots[0] with roots[k]; 1 on a gated regression. */
static int compare_one(struct cli *o, const char *variants[2], const char *paths[2],
		       json_object *roots[2], bool csv_header)
{
	struct cmp c;

	memset(&c, 0, sizeof(c));
	for (int s = 0; s < 2; s++) {
		c.path[s] = paths[s];
		c.root[s] = roots[s];
		c.variant[s] = variants[s];
	}
	c.across_layouts = o->across_layouts;
	build(&c);
	if (o->format == FMT_TEXT)
		print_text(&c, stdout);
	else if (o->format == FMT_MARKDOWN)
		print_markdown(&c, stdout);
	else
		print_csv(&c, stdout, csv_header);
	int rc = o->gate && regressed(&c, o->fail);
	cmp_free(&c);
	return rc;
}

int cmd_compare(int argc, char **argv)
{
	struct cli o;
	const char *variants[2] = { NULL, NULL };
	char vbuf[128], err[1024];

	memset(&o, 0, sizeof(o));
	const struct opt opts[] = {
		{ "variants", 'V', OPT_STRING, "BASE,NEW", "compare two variants inside one file (zap-all,zap-slot) instead of files", NULL, NULL, 0, 0, &o.variants },
		{ "format", 'F', OPT_CHOICE, NULL, "output: 72-column text, Markdown table or CSV", "text", "text|markdown|csv", 0, 0, &o.format },
		{ "fail-on-regression", 0, OPT_STRING, "PCT", "exit 1 when a latency median got slower by more than PCT percent, the 95% interval excluding zero", NULL, NULL, 0, 0, &o.fail_pct },
		{ "force", 'f', OPT_FLAG, NULL, "compare files from different hosts or environments", NULL, NULL, 0, 0, &o.force },
		{ "across-layouts", 'L', OPT_FLAG, NULL, "match runs whatever their NUMA layout (run --numa local vs remote)", NULL, NULL, 0, 0, &o.across_layouts },
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "compare [OPTIONS] BASE.json NEW.json [NEW2.json ...]\n"
				   "       memslot-bench compare --variants BASE,NEW FILE.json",
				   "Compare result files run by run, each NEW against BASE, or two "
				   "variants inside one\nfile. Per metric: n, median and p99 per side, "
				   "the change of the median with a\n95% confidence interval "
				   "(Hodges-Lehmann shift / base median, Mann-Whitney), or\n"
				   "\"no difference proven\". Refuses files from different hosts or "
				   "environments unless\n--force; the kernels may differ.");
	parse_cli(&o, variants, vbuf, sizeof(vbuf));
	int nfiles = argc - first;
	if (variants[0] && nfiles != 1)
		usage_error("--variants compares inside one file: give exactly one (got %s)",
			    nfiles ? "several" : "none");
	if (!variants[0] && nfiles < 2)
		usage_error("needs BASE.json and NEW.json (or --variants BASE,NEW FILE.json)%s", "");

	json_object **roots = msb_calloc((size_t)nfiles, sizeof(*roots));
	int rc = 0;

	for (int i = 0; i < nfiles; i++) {
		if (result_read(argv[first + i], &roots[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "memslot-bench compare: %s\n", err);
			rc = 2;
			goto out;
		}
	}
	if (variants[0]) {
		for (int s = 0; s < 2; s++)
			if (!has_variant(roots[0], variants[s])) {
				fprintf(stderr, "memslot-bench compare: %s: no run has variant '%s'\n",
					argv[first], variants[s]);
				rc = 2;
				goto out;
			}
		const char *paths[2] = { argv[first], argv[first] };
		json_object *pair[2] = { roots[0], roots[0] };
		rc = compare_one(&o, variants, paths, pair, true);
		goto out;
	}
	for (int i = 1; i < nfiles && !o.force; i++) {
		if (same_environment(roots[0], roots[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "memslot-bench compare: %s and %s are from different hosts or "
				"environments: %s (use --force to compare anyway)\n", argv[first],
				argv[first + i], err);
			rc = 2;
			goto out;
		}
	}
	for (int i = 1; i < nfiles; i++) {
		const char *paths[2] = { argv[first], argv[first + i] };
		json_object *pair[2] = { roots[0], roots[i] };

		if (i > 1 && o.format != FMT_CSV)
			putchar('\n');
		rc |= compare_one(&o, variants, paths, pair, i == 1);
	}
out:
	for (int i = 0; i < nfiles; i++)
		json_object_put(roots[i]);
	free(roots);
	return rc;
}
