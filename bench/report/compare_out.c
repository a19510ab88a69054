/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench compare's tables: 72-column text, Markdown and CSV. Every figure of a
 * row comes from its struct verdict: the medians shown are the ones compared. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cmp.h"
#include "format.h"
#include "json_out.h"
#include "report.h"
#include "util.h"

bool row_is_time(const struct mrow *r)
{
	return r->role == ROLE_LATENCY;
}

const char *cmp_path(const struct cmp *c, int side)
{
	return c->sset[side] ? c->sset[side]->path : c->file[side]->path;
}

/* ---- the gate's lines ---- */

/* One stderr line per proven regression; the first gated row's reason in *why. */
void cmp_report_gate(const struct cmp *c, const char **why)
{
	for (size_t i = 0; i < c->nblocks; i++)
		for (size_t j = 0; j < c->blocks[i].nrows; j++) {
			const struct mrow *r = &c->blocks[i].rows[j];
			char ch[160], lv[16];

			if (r->gated && !*why && r->v.kind == VERDICT_NOT_TESTED)
				*why = r->v.reason;
			if (!r->v.regression)
				continue;
			verdict_format_change(&r->v, true, ch, sizeof(ch));
			verdict_format_level(&r->v, lv, sizeof(lv));
			fprintf(stderr, "memslot-bench compare: regression: %s %s %s (%s), "
				"beyond +%g%% [%s vs %s]\n", c->blocks[i].title, r->name, ch, lv,
				c->gate_pct, cmp_path(c, 0), cmp_path(c, 1));
		}
}

bool cmp_any_matched(const struct cmp *c)
{
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].matched)
			return true;
	return false;
}

/* ---- formatting a row ---- */

/* The median shown: the one compared (median of per-VM medians; pooled: of samples). */
static double shown_median(const struct mrow *r, int s)
{
	return r->compared && !isnan(r->v.median[s]) ? r->v.median[s] : r->s[s].median;
}

/* "5x4", "5x3-5" (narrow), or "5 VMs x 4", "5 VMs x 3-5" (wide). */
static void fmt_units(const struct mrow *r, int s, bool wide, char *buf, size_t len)
{
	size_t k = r->vms[s], lo = r->per_vm[s][0], hi = r->per_vm[s][1];
	const char *vms = wide ? (k == 1 ? " VM x " : " VMs x ") : "x";

	if (lo == hi)
		snprintf(buf, len, "%zu%s%zu", k, vms, lo);
	else
		snprintf(buf, len, "%zu%s%zu-%zu", k, vms, lo, hi);
	if (!wide && strlen(buf) > 5)
		snprintf(buf, len, "%zuVM", k);
}

/* The upper-tail column's name: max below FEW_FOR_P99 samples (lib/sample), else p99. */
static const char *tail_label(const struct cmp *c)
{
	bool lo = false, hi = false;

	for (size_t i = 0; i < c->nblocks; i++)
		for (size_t j = 0; j < c->blocks[i].nrows; j++)
			for (int s = 0; s < 2; s++) {
				const struct mrow *r = &c->blocks[i].rows[j];

				if (!r->have[s])
					continue;
				lo |= r->s[s].n < FEW_FOR_P99;
				hi |= r->s[s].n >= FEW_FOR_P99;
			}
	return lo && hi ? "max|p99" : hi ? "p99" : "max";
}

/* Counters that never moved: one short line instead of a zero-width interval. */
static bool constant(const struct mrow *r)
{
	return r->have[0] && r->have[1] && r->s[0].min == r->s[0].max &&
	       r->s[1].min == r->s[1].max && r->s[0].min == r->s[1].min;
}

/* The change and its verdict word: "+12.4% [+3.1% .. +22.0%], slower", or the reason
 * it was not tested. */
static void fmt_change(const struct mrow *r, char *ch, size_t chlen, char *tail,
		       size_t tlen)
{
	const struct verdict *v = &r->v;
	const char *word = verdict_word(v, row_is_time(r));
	char lv[24];

	verdict_format_change(v, row_is_time(r), ch, chlen);
	tail[0] = '\0';
	if (v->kind == VERDICT_NOT_TESTED)
		return;
	verdict_format_level(v, lv, sizeof(lv));
	snprintf(tail, tlen, "%s%s(%s CI, %zu vs %zu %s)", strstr(ch, word) ? "" : word,
		 strstr(ch, word) ? "" : " ", lv, v->units[0], v->units[1],
		 v->pooled ? "pooled samples" : "VMs");
}

/* ---- the header ---- */

static void side_desc(const struct cmp *c, int s, char *buf, size_t len)
{
	if (c->sset[s]) {
		const struct sample_set *set = c->sset[s];

		snprintf(buf, len, "%zu %s, %zu samples (%s) [%s]", set->nvm,
			 set->nvm == 1 ? "VM" : "VMs", set->nsamples,
			 set->columns == 2 ? "VM VALUE" : "one value per line", set->path);
		return;
	}

	size_t off = c->variant[s] ? (size_t)snprintf(buf, len, "%s, ", c->variant[s]) : 0;

	if (off < len)
		env_desc(c->file[s]->root, ENV_TEXT, buf + off, len - off);
	off = strlen(buf);
	if (off < len)
		snprintf(buf + off, len - off, " [%s]", c->file[s]->path);
}

static const char *method_vm =
	"ratio new/base of the medians shown, with the narrowest Hodges-Lehmann / "
	"Mann-Whitney interval of the log per-VM medians (exponentiated) reaching 95%, "
	"its exact level printed; verdict from the interval; fewer than 4 VMs a side "
	"(3 vs 5 excepted): not tested";
static const char *method_pooled =
	"ratio new/base of the medians shown, with the narrowest Hodges-Lehmann / "
	"Mann-Whitney interval of the log samples (exponentiated) reaching 95%, its "
	"exact level printed";
static const char *unit_vm =
	"the VM: medians are medians of per-VM medians; VMxn = VMs x samples a VM";
static const char *unit_pooled =
	"pooled samples, taken as independent (--pooled): samples of one VM are not, "
	"so where VMs differ the interval is too narrow and differences are made up";

static void gate_desc(const struct cmp *c, char *buf, size_t len)
{
	const struct gate_summary *g = c->gsum;

	snprintf(buf, len, "--fail-on-regression %g: fails a latency whose whole ratio "
		 "interval lies above +%g%%, Holm-Bonferroni over the %zu gated (tested) "
		 "latency rows of this invocation, family-wise 2.5%% one-sided: %zu "
		 "regression(s) proven", c->gate_pct, c->gate_pct, g ? g->gated : 0,
		 g ? g->regressions : 0);
}

static void env_lines(const struct cmp *c, header_line_fn *line, FILE *f)
{
	char buf[512], host[256];
	struct env_facts e;

	host_desc(c->file[0]->root, host, sizeof(host));
	line(f, "host", host);
	host_desc(c->file[1]->root, buf, sizeof(buf));
	if (strcmp(host, buf))
		line(f, "new host", buf);
	if (c->across_layouts) {
		char l[2][128];
		for (int s = 0; s < 2; s++)
			layout_desc(c->file[s]->nruns ? c->file[s]->runs[0].obj : NULL, l[s],
				    sizeof(l[s]));
		snprintf(buf, sizeof(buf), "base %s; new %s", l[0], l[1]);
		line(f, "layouts", buf);
	}
	env_facts(c->file[0]->root, &e);
	if (e.emulated)
		line(f, "note", EMULATED_NOTE);

	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->ncommon && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
					c->common[i]);
	if (c->ncommon)
		line(f, "params", buf);
}

static void header_lines(const struct cmp *c, header_line_fn *line, FILE *f)
{
	char buf[640];

	for (int s = 0; s < 2; s++) {
		side_desc(c, s, buf, sizeof(buf));
		line(f, s ? "new" : "base", buf);
	}
	if (c->file[0])
		env_lines(c, line, f);
	line(f, "unit", c->pooled ? unit_pooled : unit_vm);
	line(f, "change", c->pooled ? method_pooled : method_vm);
	if (c->gate) {
		gate_desc(c, buf, sizeof(buf));
		line(f, "gate", buf);
	}
	if (!strcmp(tail_label(c), "max|p99"))
		line(f, "max|p99", "the maximum below 100 samples a side, else the 99th "
		     "percentile");
}

/* ---- text ---- */

static void text_side(FILE *f, const struct block *b, const struct mrow *r, int s)
{
	char u[24], m[24], p[24];

	if (b->reason[s]) {
		fprintf(f, s ? " %s" : " %-25s", "      unsupported"); /* no trailing blanks */
	} else if (!r->have[s]) {
		fprintf(f, " %25s", "-");
	} else {
		fmt_units(r, s, false, u, sizeof(u));
		fmt_val(shown_median(r, s), r->unit, m, sizeof(m), false);
		fmt_val(upper_tail(&r->s[s]), r->unit, p, sizeof(p), false);
		fprintf(f, " %5s %9s %9s", u, m, p);
	}
}

/* The lines under a row: the change and verdict (in one piece: on the change line or
 * below it), or why there is none, and a proven regression. */
static void text_verdict(const struct cmp *c, const struct mrow *r, FILE *f)
{
	if (!r->compared)
		return;
	if (constant(r)) {
		char v[24];

		fmt_val(r->s[0].min, r->unit, v, sizeof(v), false);
		fprintf(f, "    same value (%s) in every sample on both sides\n", v);
	} else if (r->v.kind == VERDICT_NOT_TESTED) {
		wrap(f, "    ", 6, r->v.reason);
	} else {
		char ch[192], tail[96];

		fmt_change(r, ch, sizeof(ch), tail, sizeof(tail));
		/* tail: "slower (97.1% CI, ...)", or "(...)" where ch has the word */
		const char *sep = tail[0] == '(' ? "" : ",";

		if (strlen(ch) + strlen(tail) + 13 <= REPORT_WIDTH)
			fprintf(f, "    change %s%s %s\n", ch, sep, tail);
		else
			fprintf(f, "    change %s%s\n      %s\n", ch, sep, tail);
	}
	if (r->v.regression)
		fprintf(f, "    REGRESSION: whole interval above +%g%% (gate, Holm)\n",
			c->gate_pct);
}

static void text_block(const struct cmp *c, const struct block *b, FILE *f)
{
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
		char name[32];

		snprintf(name, sizeof(name), "  %s", r->name);
		fprintf(f, "%-20s", name);
		text_side(f, b, r, 0);
		text_side(f, b, r, 1);
		fputc('\n', f);
		text_verdict(c, r, f);
	}
}

void cmp_print_text(const struct cmp *c, FILE *f)
{
	const char *tl = tail_label(c);

	fprintf(f, "memslot-bench compare%s\n", c->sset[0] ? ": sample files" :
		c->variant[0] ? ": two variants in one file" : ": base vs new");
	header_lines(c, text_line, f);
	fprintf(f, "\n%-20s %-25s %-25s\n", "", "------------ base -------",
		"------------ new --------");
	fprintf(f, "%-20s %5s %9s %9s %5s %9s %9s\n", "metric", "VMxn", "median", tl, "VMxn",
		"median", tl);
	for (size_t i = 0; i < c->nblocks; i++)
		if (c->blocks[i].matched)
			text_block(c, &c->blocks[i], f);
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];

		if (!b->matched)
			wrap(f, b->run[0] ? "only in base: " : "only in new: ", 4, b->title);
	}
}

/* ---- Markdown ---- */

static void md_side(FILE *f, const struct block *b, const struct mrow *r, int s)
{
	char u[32], m[24], p[24];

	if (b->reason[s]) {
		fprintf(f, " | unsupported | | ");
	} else if (!r->have[s]) {
		fprintf(f, " | - | - | - ");
	} else {
		fmt_units(r, s, true, u, sizeof(u));
		fmt_val(shown_median(r, s), r->unit, m, sizeof(m), false);
		fmt_val(upper_tail(&r->s[s]), r->unit, p, sizeof(p), false);
		fprintf(f, " | %s | %s | %s ", u, m, p);
	}
}

static void md_row(const struct block *b, const struct mrow *r, FILE *f)
{
	char ch[192] = "", tail[128] = "";
	const char *v = b->reason[0] ? "base unsupported" : b->reason[1] ? "new unsupported" : "";

	fprintf(f, "| %s | %s", b->title, r->name);
	md_side(f, b, r, 0);
	md_side(f, b, r, 1);
	if (r->compared && constant(r)) {
		v = "same value in every sample";
	} else if (r->compared) {
		fmt_change(r, ch, sizeof(ch), tail, sizeof(tail));
		v = r->v.kind == VERDICT_NOT_TESTED ? "not tested" : tail;
		if (r->v.kind == VERDICT_NOT_TESTED)
			snprintf(tail, sizeof(tail), "%s", r->v.reason);
	}
	fprintf(f, "| %s | %s%s |\n", r->v.kind == VERDICT_NOT_TESTED ? tail : ch, v,
		r->v.regression ? ", **regression**" : "");
}

void cmp_print_markdown(const struct cmp *c, FILE *f)
{
	const char *tl = tail_label(c);

	fprintf(f, "### memslot-bench compare%s\n\n", c->sset[0] ? ": sample files" :
		c->variant[0] ? ": two variants in one file" : ": base vs new");
	header_lines(c, md_line, f);
	fprintf(f, "\n| run | metric | base VMs x n | base median | base %s | new VMs x n "
		   "| new median | new %s | change [interval] | verdict |\n"
		   "|---|---|--:|--:|--:|--:|--:|--:|---|---|\n", tl, tl);
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];

		if (!b->matched) {
			fprintf(f, "| %s | | %s | | | %s | | | | |\n", b->title,
				b->run[0] ? "" : "absent", b->run[1] ? "" : "absent");
			continue;
		}
		if (!b->nrows)
			fprintf(f, "| %s | | %s | | | %s | | | | |\n", b->title,
				b->reason[0] ? "unsupported" : "", b->reason[1] ? "unsupported" : "");
		for (size_t j = 0; j < b->nrows; j++)
			md_row(b, &b->rows[j], f);
	}
}

/* ---- CSV ---- */

static const char *csv_header =
	"base_file,new_file,base_kernel,new_kernel,run,base_variant,new_variant,metric,"
	"unit,base_n,base_median,base_p99,new_n,new_median,new_p99,shift,shift_lo,"
	"shift_hi,ci_level,change_pct,change_lo_pct,change_hi_pct,verdict,ratio,ratio_lo,"
	"ratio_hi,base_vms,new_vms,tested_on\n";

const char *cmp_block_status(const struct block *b)
{
	if (!b->matched)
		return b->run[0] ? "only in base" : "only in new";
	if (b->reason[0] || b->reason[1])
		return b->reason[0] ? (b->reason[1] ? "unsupported on both" : "base unsupported")
				    : "new unsupported";
	return NULL;
}

static const char *csv_verdict(const struct block *b, const struct mrow *r)
{
	const char *status = cmp_block_status(b);
	if (status)
		return status;
	return r && r->compared ? verdict_name(r->v.kind) : "not tested";
}

/* The figures of a row from base_n on. */
static void csv_figures(const struct block *b, const struct mrow *r, FILE *f)
{
	const struct verdict *v = r ? &r->v : NULL;
	bool cmpd = r && r->compared, tested = cmpd && v->kind != VERDICT_NOT_TESTED;
	bool shift = tested && !v->log_scale, rat = cmpd && isfinite(v->ratio);
	bool rci = tested && v->log_scale;

	for (int s = 0; s < 2; s++) {
		bool h = r && r->have[s];

		csv_num(f, h, h ? (double)r->s[s].n : 0, ",");
		csv_num(f, h, h ? shown_median(r, s) : 0, ",");
		csv_num(f, h, h ? r->s[s].p99 : 0, ",");
	}
	csv_num(f, shift, shift ? v->shift : 0, ",");
	csv_num(f, shift, shift ? v->shift_lo : 0, ",");
	csv_num(f, shift, shift ? v->shift_hi : 0, ",");
	csv_num(f, tested, tested ? v->level : 0, ",");
	csv_num(f, rat, rat ? 100 * (v->ratio - 1) : 0, ",");
	csv_num(f, rci, rci ? 100 * (v->ratio_lo - 1) : 0, ",");
	csv_num(f, rci, rci ? 100 * (v->ratio_hi - 1) : 0, ",");
	csv_str(f, csv_verdict(b, r));
	csv_num(f, rat, rat ? v->ratio : 0, ",");
	csv_num(f, rci, rci ? v->ratio_lo : 0, ",");
	csv_num(f, rci, rci ? v->ratio_hi : 0, ",");
	for (int s = 0; s < 2; s++)
		csv_num(f, r && r->have[s], r && r->have[s] ? (double)r->vms[s] : 0, ",");
	fprintf(f, "\"%s\"\n", cmpd ? verdict_label(v) : "");
}

void cmp_print_csv(const struct cmp *c, FILE *f, bool header)
{
	if (header)
		fputs(csv_header, f);
	for (size_t i = 0; i < c->nblocks; i++) {
		const struct block *b = &c->blocks[i];
		size_t nr = b->nrows ? b->nrows : 1;

		for (size_t j = 0; j < nr; j++) {
			const struct mrow *r = b->nrows ? &b->rows[j] : NULL;
			bool res = c->file[0] != NULL;

			csv_str(f, cmp_path(c, 0));
			csv_str(f, cmp_path(c, 1));
			csv_str(f, res ? jstr(c->file[0]->root, "host.release", "") : "");
			csv_str(f, res ? jstr(c->file[1]->root, "host.release", "") : "");
			csv_str(f, b->title);
			csv_str(f, b->run[0] ? b->run[0]->variant : "");
			csv_str(f, b->run[1] ? b->run[1]->variant : "");
			csv_str(f, r ? r->name : "");
			csv_str(f, r ? r->unit : "");
			csv_figures(b, r, f);
		}
	}
}

/* ---- all of them ---- */

/* The tables on stdout (--format), and the JSON document: an array of comparisons,
 * to stdout (--format json) and/or the --json FILE. */
void cmp_print_all(const struct cmp *cs, size_t n, int format, const char *json, bool force)
{
	for (size_t i = 0; i < n && format != REPORT_JSON; i++) {
		if (i && format != REPORT_CSV)
			putchar('\n');
		if (format == REPORT_TEXT)
			cmp_print_text(&cs[i], stdout);
		else if (format == REPORT_MARKDOWN)
			cmp_print_markdown(&cs[i], stdout);
		else
			cmp_print_csv(&cs[i], stdout, i == 0);
	}
	fflush(stdout);
	if (format != REPORT_JSON && !json)
		return;
	json_object *doc = json_object_new_object(), *a = json_object_new_array();
	json_object_object_add(doc, "schema", json_object_new_string("memslot-bench-compare/1"));
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, cmp_json(&cs[i]));
	json_object_object_add(doc, "comparisons", a);
	json_out_emit("compare", doc, format, json, force);
	json_object_put(doc);
}
