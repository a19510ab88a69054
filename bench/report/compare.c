/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench compare BASE.json NEW.json [...]: match runs across result files (or two
 * variants in one file, or two plain sample files), give each latency and headline
 * counter a verdict with lib/verdict (the VM is the unit; rows chosen by the metrics'
 * roles), gate and print a table (compare_out.c): 72-column text, Markdown or CSV. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "cmp.h"
#include "format.h"
#include "json_out.h"
#include "opts.h"
#include "report.h"
#include "util.h"

struct cli {
	const char *variants, *fail_pct, *layouts, *json;
	int format;
	bool any_host, force, across_layouts, pooled, samples, gate;
	double fail;
};

/* Compared: every latency, and the counters and gauges the file marks headline. */
static bool wanted_metric(const struct rs_metric *m, int pass)
{
	if (pass == 0)
		return m->role == ROLE_LATENCY;
	return (m->role == ROLE_COUNT || m->role == ROLE_GAUGE) && m->headline;
}

/* The per-VM medians of m (as rs_vm_medians()) and the fewest and most samples of a VM;
 * a run without a per-VM index is one VM. */
static double *side_medians(const struct rs_run *run, const struct rs_metric *m,
			    const struct summary *all, size_t *k, size_t *lo, size_t *hi)
{
	double *med = rs_vm_medians(run, m, k);

	*lo = *hi = m->n;
	if (!med) {
		med = msb_calloc(1, sizeof(*med));
		med[0] = all->median;
		*k = 1;
		return med;
	}
	*lo = (size_t)-1;
	*hi = 0;
	for (double want = 0; want <= (double)m->n; want++) {
		size_t c = 0;

		for (size_t i = 0; i < m->n; i++)
			c += run->index->samples[i] == want;
		if (c && c < *lo)
			*lo = c;
		if (c > *hi)
			*hi = c;
	}
	return med;
}

/* One row's numbers: each side's summary, and the verdict over per-VM medians (all
 * samples with --pooled). The one place that does a row's statistics. */
static void row_compare(struct mrow *r, const struct rs_run *run[2],
			const struct rs_metric *m[2], const struct verdict_opts *vo)
{
	double *vm[2] = { NULL, NULL };
	struct verdict_opts o = *vo;

	for (int i = 0; i < 2; i++) {
		r->have[i] = m[i] && rs_summary(m[i], &r->s[i]) == 0;
		if (r->have[i])
			vm[i] = side_medians(run[i], m[i], &r->s[i], &r->vms[i], &r->per_vm[i][0],
					     &r->per_vm[i][1]);
	}
	if (r->have[0] && r->have[1]) {
		/* The gate's family: the latencies. */
		o.gate = vo->gate && r->role == ROLE_LATENCY;
		r->gated = o.gate;
		if (o.pooled)
			verdict_compare(m[0]->samples, m[0]->n, m[1]->samples, m[1]->n, &o, &r->v);
		else
			verdict_compare(vm[0], r->vms[0], vm[1], r->vms[1], &o, &r->v);
		for (int s = 0; s < 2 && !o.pooled; s++)
			verdict_set_samples(&r->v, s, r->s[s].n, r->per_vm[s][0], r->per_vm[s][1]);
		r->compared = true;
	}
	free(vm[0]);
	free(vm[1]);
}

static void add_row(const struct cmp *c, struct block *b, const struct rs_metric *m[2])
{
	const struct rs_metric *any = m[0] ? m[0] : m[1];
	struct mrow *r;

	b->rows = msb_realloc(b->rows, b->nrows + 1, sizeof(*b->rows));
	r = &b->rows[b->nrows++];
	memset(r, 0, sizeof(*r));
	r->name = any->name;
	r->unit = any->unit;
	r->role = any->role;

	const struct verdict_opts vo = { .pooled = c->pooled, .gate = c->gate,
					 .gate_pct = c->gate_pct };

	row_compare(r, b->run, m, &vo);
}

/* Latencies first (in file order), then the headline counters. */
static void fill_rows(const struct cmp *c, struct block *b)
{
	const struct rs_run *lead = b->reason[0] ? (b->reason[1] ? NULL : b->run[1]) : b->run[0];
	int li = lead == b->run[0] ? 0 : 1;

	if (!lead)
		return;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < lead->nmetrics; i++) {
			const struct rs_metric *pm[2] = { NULL, NULL };

			if (!wanted_metric(&lead->metrics[i], pass))
				continue;
			pm[li] = &lead->metrics[i];
			pm[!li] = rs_metric(b->run[!li], pm[li]->name);
			if (!b->reason[!li] && !pm[!li])
				continue; /* measured on both sides but this metric only on one */
			add_row(c, b, pm);
		}
	}
}

static bool run_selected(const struct cmp *c, int side, const struct rs_run *run)
{
	return !c->variant[side] || !strcmp(run->variant, c->variant[side]);
}

/* The runs that take part, for labels: from both files, or the two variants. */
static size_t all_runs(const struct cmp *c, const struct rs_run ***out)
{
	size_t n = 0;
	const struct rs_run **v = NULL;

	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; i < c->file[s]->nruns; i++) {
			const struct rs_run *r = &c->file[s]->runs[i];

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
static void params_split(struct cmp *c, const struct rs_run **runs, size_t n, char ***varying,
			 size_t *nvar)
{
	*varying = NULL;
	*nvar = 0;
	if (!n)
		return;
	json_object *p0 = runs[0]->params;
	json_object_object_foreach(p0, key, v0) {
		if (param_is_reps(key))
			continue;
		char *c0 = canon_str(v0, false);
		bool same = true;

		for (size_t i = 1; i < n && same; i++) {
			char *ci = canon_str(jget(runs[i]->params, key), false);

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

static char *run_title(const struct cmp *c, const struct rs_run *run, char **varying, size_t nvar,
		       bool layout_varies)
{
	char *t = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&t, &len);

	if (!f)
		msb_die("out of memory");
	fprintf(f, "%s", run->scenario);
	if (!c->variant[0])
		fprintf(f, " %s", run->variant);
	for (size_t i = 0; i < nvar; i++) {
		json_object *v = jget(run->params, varying[i]);
		char val[64];

		if (!v)
			continue;
		fmt_param(varying[i], v, val, sizeof(val));
		fprintf(f, " %s=%s", varying[i], val);
	}
	if (layout_varies) {
		char *l = canon_str(run->layout, false);

		fprintf(f, " layout=%s", l);
		free(l);
	}
	fclose(f);
	return t;
}

static bool layouts_vary(const struct rs_run **runs, size_t n)
{
	bool vary = false;
	char *l0 = n ? canon_str(runs[0]->layout, false) : NULL;

	for (size_t i = 1; i < n && !vary; i++) {
		char *l = canon_str(runs[i]->layout, false);

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

/* The first unused run of the new side that matches r0: the same key (and variant,
 * unless --variants), or NULL. */
static const struct rs_run *match(const struct cmp *c, const struct rs_run *r0, bool *used)
{
	const struct rs_file *nf = c->file[1];
	char *k0 = run_key(r0->obj, !c->across_layouts);
	const struct rs_run *r1 = NULL;

	for (size_t j = 0; j < nf->nruns && !r1; j++) {
		const struct rs_run *r = &nf->runs[j];

		if (used[j] || !run_selected(c, 1, r))
			continue;
		if (!c->variant[0] && strcmp(r0->variant, r->variant))
			continue;
		char *k1 = run_key(r->obj, !c->across_layouts);
		if (!strcmp(k0, k1)) {
			r1 = r;
			used[j] = true;
		}
		free(k1);
	}
	free(k0);
	return r1;
}

/* Pair base runs with new runs of the same key (and variant, unless --variants);
 * runs on one side only become blocks with the other side NULL. */
static void build(struct cmp *c)
{
	const struct rs_file *bf = c->file[0], *nf = c->file[1];
	bool *used = msb_calloc(nf->nruns + 1, sizeof(bool));
	const struct rs_run **all;
	size_t nall = all_runs(c, &all), nvar;
	char **varying;

	params_split(c, all, nall, &varying, &nvar);
	bool lv = !c->across_layouts && layouts_vary(all, nall);

	for (size_t i = 0; i < bf->nruns; i++) {
		if (!run_selected(c, 0, &bf->runs[i]))
			continue;
		struct block *b = new_block(c);
		b->run[0] = &bf->runs[i];
		b->run[1] = match(c, &bf->runs[i], used);
	}
	for (size_t j = 0; j < nf->nruns; j++)
		if (!used[j] && run_selected(c, 1, &nf->runs[j]))
			new_block(c)->run[1] = &nf->runs[j];
	for (size_t i = 0; i < c->nblocks; i++) {
		struct block *b = &c->blocks[i];

		b->title = run_title(c, b->run[0] ? b->run[0] : b->run[1], varying, nvar, lv);
		for (int s = 0; s < 2; s++)
			b->reason[s] = b->run[s] ? b->run[s]->reason : NULL;
		b->matched = b->run[0] && b->run[1];
		if (b->matched)
			fill_rows(c, b);
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

/* ---- plain sample files (--samples) ---- */

/* One block, one row: the two files' values, as times. */
static void build_samples(struct cmp *c, const struct sample_set *set[2])
{
	struct block *b = new_block(c);
	struct mrow *r = msb_calloc(1, sizeof(*r));
	const struct verdict_opts vo = { .pooled = c->pooled, .gate = c->gate,
					 .gate_pct = c->gate_pct };

	b->title = msb_strdup("samples");
	b->matched = true;
	b->rows = r;
	b->nrows = 1;
	r->name = "value";
	r->unit = "";
	r->role = ROLE_LATENCY;
	for (int s = 0; s < 2; s++) {
		double *all = samplefile_all(set[s]);

		r->have[s] = summarize(all, set[s]->nsamples, &r->s[s]) == 0;
		r->vms[s] = set[s]->nvm;
		r->per_vm[s][0] = (size_t)-1;
		for (size_t i = 0; i < set[s]->nvm; i++) {
			size_t k = set[s]->vm[i].n;

			r->per_vm[s][0] = k < r->per_vm[s][0] ? k : r->per_vm[s][0];
			r->per_vm[s][1] = k > r->per_vm[s][1] ? k : r->per_vm[s][1];
		}
		free(all);
		c->sset[s] = set[s];
	}
	r->gated = c->gate;
	samplefile_verdict(set[0], set[1], &vo, &r->v);
	r->compared = true;
}

/* ---- the gate and the exit code ---- */

/* --fail-on-regression over every comparison of the invocation: one family, the gated
 * rows (latencies), Holm-Bonferroni in verdict_gate(). */
static int gate_all(struct cmp *cs, size_t n, struct gate_summary *sum)
{
	struct verdict **rows = NULL;
	size_t nr = 0;

	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < cs[k].nblocks; i++)
			for (size_t j = 0; j < cs[k].blocks[i].nrows; j++) {
				struct mrow *r = &cs[k].blocks[i].rows[j];

				if (!r->gated)
					continue;
				rows = msb_realloc(rows, nr + 1, sizeof(*rows));
				rows[nr++] = &r->v;
			}

	int rc = verdict_gate(rows, nr, sum);

	free(rows);
	return rc;
}

/* Gate, print, report and free every comparison: the exit code. 1 (a regression
 * proven) wins over 3 (nothing comparable or, with the gate, nothing testable). */
static int finish(const struct cli *o, struct cmp *cs, size_t n)
{
	struct gate_summary g = { 0 };
	int rc = o->gate ? gate_all(cs, n, &g) : GATE_PASS;
	const char *why = NULL;
	char whybuf[256] = "";
	bool none = false;

	for (size_t i = 0; i < n; i++)
		cs[i].gsum = o->gate ? &g : NULL;
	cmp_print_all(cs, n, o->format, o->json, o->force);
	for (size_t i = 0; i < n; i++) {
		cmp_report_gate(&cs[i], &why);
		if (why && why != whybuf) /* it points into cs[i], freed below */
			why = strncpy(whybuf, why, sizeof(whybuf) - 1);
		if (!cmp_any_matched(&cs[i])) {
			fprintf(stderr, "memslot-bench compare: nothing comparable: no run of %s "
				"matches one of %s\n", cmp_path(&cs[i], 0), cmp_path(&cs[i], 1));
			none = true;
		}
		cmp_free(&cs[i]);
	}
	if (!none && rc == GATE_NOTHING_TESTABLE)
		fprintf(stderr, "memslot-bench compare: nothing testable by --fail-on-regression: "
			"%s\n", why ? why : "no latency compared");
	if (none && rc != GATE_REGRESSION)
		rc = GATE_NOTHING_TESTABLE;
	return rc;
}

static void parse_cli(struct cli *o, const char *variants[2], char *vbuf, size_t vlen)
{
	if (o->fail_pct) {
		char *end;

		o->fail = strtod(o->fail_pct, &end);
		if (end == o->fail_pct || *end || !isfinite(o->fail) || o->fail < 0)
			msb_usage_error("compare", "--fail-on-regression: '%s' is not a percentage "
					"(a number >= 0)", o->fail_pct);
		o->gate = true;
	}
	if (!o->variants)
		return;
	if (o->samples)
		msb_usage_error("compare", "--variants and --samples do not go together");
	snprintf(vbuf, vlen, "%s", o->variants);
	char *comma = strchr(vbuf, ',');
	if (!comma || comma == vbuf || !comma[1] || strchr(comma + 1, ','))
		msb_usage_error("compare", "--variants: '%s' is not two variants BASE,NEW "
				"(zap-all,zap-slot)", o->variants);
	*comma = '\0';
	variants[0] = vbuf;
	variants[1] = comma + 1;
	if (!strcmp(variants[0], variants[1]))
		msb_usage_error("compare", "--variants: '%s' names the same variant twice",
				o->variants);
}

static bool has_variant(const struct rs_file *f, const char *v)
{
	for (size_t i = 0; i < f->nruns; i++)
		if (!strcmp(f->runs[i].variant, v))
			return true;
	return false;
}

static void cmp_init(struct cmp *c, const struct cli *o, const char *variants[2])
{
	memset(c, 0, sizeof(*c));
	c->variant[0] = variants[0];
	c->variant[1] = variants[1];
	c->across_layouts = o->across_layouts;
	c->pooled = o->pooled;
	c->gate = o->gate;
	c->gate_pct = o->fail;
}

/* --variants: two variants of the one file; else each NEW file against BASE. */
static int compare_all(const struct cli *o, const char *variants[2],
		       const struct result_set *rs)
{
	const struct rs_file *f = rs->files;
	size_t n = variants[0] ? 1 : rs->nfiles - 1;
	struct cmp *cs = msb_calloc(n, sizeof(*cs));
	char err[1024];

	for (int s = 0; variants[0] && s < 2; s++)
		if (!has_variant(&f[0], variants[s]))
			msb_usage_error("compare", "%s: no run has variant '%s'", f[0].path,
					variants[s]);
	for (size_t i = 1; i < rs->nfiles; i++) {
		host_state_warn(f[0].root, f[i].root, f[0].path, f[i].path);
		if (!o->any_host && same_host(f[0].root, f[i].root, err, sizeof(err)) < 0)
			msb_usage_error("compare", "%s and %s are from different hosts or "
					"environments: %s (use --any-host to compare anyway)",
					f[0].path, f[i].path, err);
	}
	for (size_t i = 0; i < n; i++) {
		cmp_init(&cs[i], o, variants);
		cs[i].file[0] = &f[0];
		cs[i].file[1] = variants[0] ? &f[0] : &f[i + 1];
		build(&cs[i]);
	}

	int rc = finish(o, cs, n);

	free(cs);
	return rc;
}

/* --samples BASE.txt NEW.txt */
static int compare_samples(const struct cli *o, char **paths)
{
	const char *none[2] = { NULL, NULL };
	struct sample_set set[2];
	const struct sample_set *sp[2] = { &set[0], &set[1] };
	char err[1024];
	struct cmp c;

	for (int s = 0; s < 2; s++)
		if (samplefile_read(paths[s], &set[s], err, sizeof(err)) < 0)
			msb_usage_error("compare", "%s", err);
	cmp_init(&c, o, none);
	build_samples(&c, sp);

	int rc = finish(o, &c, 1);

	samplefile_free(&set[0]);
	samplefile_free(&set[1]);
	return rc;
}

static const char usage[] =
	"compare [OPTIONS] BASE.json NEW.json [NEW2.json ...]\n"
	"       memslot-bench compare --variants BASE,NEW FILE.json\n"
	"       memslot-bench compare --samples BASE.txt NEW.txt";
static const char about[] =
	"Compare result files run by run, each NEW against BASE, or two variants inside\n"
	"one file, or two plain sample files (a value per line, or VM VALUE; # comments).\n"
	"The VM is the unit: per latency and headline counter, the median of per-VM\n"
	"medians a side (VMs x samples), the ratio new/base with the narrowest\n"
	"Hodges-Lehmann / Mann-Whitney interval of log per-VM medians reaching 95% (its\n"
	"exact level printed: 97.1% for 4 vs 4 VMs) and a verdict from the interval:\n"
	"faster, slower, no difference proven, or not tested (fewer than 4 VMs a side;\n"
	"3 vs 5 is tested). Refuses files from different hosts or environments unless\n"
	"--any-host; the kernels may differ.\n"
	"--fail-on-regression PCT gates every latency row that is tested: it fails only\n"
	"where the whole interval lies above +PCT%, after Holm-Bonferroni over all gated\n"
	"rows of the invocation (family-wise 2.5%, one-sided); counters are not gated.\n"
	"Exit: 0 pass, 1 regression proven, 2 bad input, 3 nothing comparable (no run\n"
	"matches) or, with the gate, nothing testable.";

int cmd_compare(int argc, char **argv)
{
	struct cli o = { .format = -1 };
	struct result_set rs = { 0 };
	const char *variants[2] = { NULL, NULL };
	char vbuf[128], err[1024];
	const struct opt opts[] = {
		{ .name = "variants", .kind = OPT_STRING, .metavar = "BASE,NEW",
		  .help = "compare two variants inside one file (zap-all,zap-slot) instead of "
			  "files", .dest = &o.variants },
		FORMAT_OPT(&o.format, "stdout: 72-column text (the default), Markdown table, "
			   "CSV or JSON", NULL, FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_CSV,
			   FORMAT_JSON),
		JSON_FILE_OPT(&o.json, "the comparison"), JSON_FORCE_OPT(&o.force),
		CMP_LAYOUTS_OPT(&o.layouts),
		{ .name = "fail-on-regression", .kind = OPT_STRING, .metavar = "PCT",
		  .help = "exit 1 when a latency's whole ratio interval lies above +PCT% "
			  "(Holm-Bonferroni over all gated latency rows)", .dest = &o.fail_pct },
		{ .name = "pooled", .kind = OPT_FLAG, .dest = &o.pooled,
		  .help = "test all samples as independent units, not per-VM medians (only "
			  "where they are: samples of one VM are not)" },
		{ .name = "samples", .kind = OPT_FLAG, .dest = &o.samples,
		  .help = "BASE and NEW are plain sample files: one value per line, or VM VALUE" },
		{ .name = "any-host", .kind = OPT_FLAG, .dest = &o.any_host,
		  .help = "compare files from different hosts or environments" },
		{ .name = "across-layouts", .short_name = 'L', .kind = OPT_FLAG,
		  .help = "match runs whatever their NUMA layout (run --numa local vs remote)",
		  .dest = &o.across_layouts }, RS_ALLOW_INCOMPLETE_OPT(&rs.allow_incomplete),
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts), usage, about);

	parse_cli(&o, variants, vbuf, sizeof(vbuf));
	o.format = json_out_format("compare", o.format, o.json);
	json_out_check("compare", o.json, o.force);
	int nfiles = argc - first;
	if (o.samples && nfiles != 2)
		msb_usage_error("compare", "--samples needs BASE.txt and NEW.txt (got %d files)",
				nfiles);
	if (o.samples)
		return compare_samples(&o, argv + first);
	if (variants[0] && nfiles != 1)
		msb_usage_error("compare", "--variants compares inside one file: give exactly "
				"one (got %s)", nfiles ? "several" : "none");
	if (!variants[0] && !o.layouts && nfiles < 2)
		msb_usage_error("compare", "needs BASE.json and NEW.json (or --variants BASE,NEW "
				"FILE.json)");
	for (int i = first; i < argc; i++)
		if (rs_load(&rs, argv[i], err, sizeof(err)) < 0)
			msb_usage_error("compare", "%s", err);
	cmp_layouts(&rs, o.layouts, variants[0] != NULL, &o.across_layouts);
	int rc = compare_all(&o, variants, &rs);
	rs_free(&rs);
	return rc;
}
