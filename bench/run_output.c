/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench run: the summary line, the control and fit lines, and the schema-2
 * description of every metric, all from the scenario descriptor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "report/format.h"
#include "result.h"
#include "run.h"
#include "util.h"

const char *run_scale(const struct scenario *sc, bool tdp)
{
	const struct metric_def *d = sc->scale ? scenario_metric(sc, sc->scale) : NULL;
	/* The TDP MMU has no shadow pages: its work is sized by the SPTEs present. */
	return d && d->shadow_only && tdp ? "sptes_before" : sc->scale;
}

/* The median of s's per-VM medians (the VM is the unit, as in compare), or of all its
 * samples where they carry no VM index. */
static bool series_median(const struct metric_set *m, const struct series *s, double *out)
{
	const struct series *ix = NULL;
	struct summary sum;
	for (size_t i = 0; i < nr_harness_metrics && !ix; i++)
		if (harness_metrics[i].role == ROLE_INDEX)
			ix = metric_find(m, harness_metrics[i].name);
	if (!s || !s->n)
		return false;
	if (ix && ix->n == s->n) {
		size_t k;
		double *med = group_medians(s->v, ix->v, s->n, &k);
		int r = summarize(med, k, &sum);
		free(med);
		if (r == 0) {
			*out = sum.median;
			return true;
		}
	}
	if (summarize(s->v, s->n, &sum) < 0)
		return false;
	*out = sum.median;
	return true;
}

bool metric_median(const struct metric_set *m, const char *name, double *out)
{
	return series_median(m, metric_find(m, name), out);
}

/* " name=median" for a metric recorded in this run. */
static void print_median(FILE *f, const struct metric_set *m, const struct metric_def *d)
{
	double v;
	char buf[32];
	if (!d)
		return;
	if (!metric_median(m, d->name, &v)) {
		fprintf(f, " %s=n/a", d->name); /* not a 0: this MMU or kernel has no such figure */
		return;
	}
	if (d->role == ROLE_LATENCY)
		fmt_ns(v, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%.0f", v);
	fprintf(f, " %s=%s", d->name, buf);
}

/* Samples not attributable to the change alone (see the "flagged" metric), if any. */
static void print_flagged(FILE *f, const struct metric_set *m)
{
	const struct series *fl = metric_find(m, "flagged");
	size_t n = 0;
	for (size_t i = 0; fl && i < fl->n; i++)
		n += fl->v[i] > 0;
	if (n)
		fprintf(f, " flagged=%zu/%zu", n, fl->n);
}

void print_run_line(FILE *f, const struct scenario *sc, const struct metric_set *m,
		    int variant, uint64_t size, bool tdp)
{
	char med[24], tail[24], sz[24];
	const struct series *s = metric_find(m, sc->primary);
	struct summary sum;
	double median;
	if (!s || summarize(s->v, s->n, &sum) < 0 || !series_median(m, s, &median))
		return;
	fmt_ns(median, med, sizeof(med));
	fmt_ns(upper_tail(&sum), tail, sizeof(tail));
	format_size(size, sz, sizeof(sz));
	fprintf(f, "%-7s %-8s guest=%-5s mmu=%-6s n=%-4zu median=%-10s %s=%-10s", sc->name,
	       variant_names[variant], sz, tdp ? "tdp" : "shadow", sum.n, med,
	       upper_tail_name(sum.n), tail);
	if (sc->scale)
		print_median(f, m, scenario_metric(sc, run_scale(sc, tdp)));
	/* A scenario with repetitions of its own records what its options ask for: what
	 * it did not record is not a figure this MMU lacks, so it is left out, not n/a. */
	for (size_t i = 0; i < sc->nmetrics; i++)
		if (sc->metrics[i].headline && strcmp(sc->metrics[i].name, sc->primary) &&
		    (!sc->repeat || metric_find(m, sc->metrics[i].name)))
			print_median(f, m, &sc->metrics[i]);
	for (size_t i = 0; i < nr_harness_metrics; i++)
		if (harness_metrics[i].headline &&
		    (!sc->repeat || metric_find(m, harness_metrics[i].name)))
			print_median(f, m, &harness_metrics[i]);
	print_flagged(f, m);
	fputc('\n', f);
}

void run_describe_metrics(json_object *run, const struct scenario *sc, bool tdp)
{
	json_object *metrics;
	json_object_object_add(run, "primary", json_object_new_string(sc->primary));
	if (sc->scale)
		json_object_object_add(run, "scale", json_object_new_string(run_scale(sc, tdp)));
	if (!json_object_object_get_ex(run, "metrics", &metrics))
		return;
	json_object_object_foreach(metrics, name, m) {
		const struct metric_def *d = scenario_metric(sc, name);
		if (!d)
			msb_die("internal error: metric %s of %s has no descriptor", name, sc->name);
		result_metric_describe(m, metric_role_names[d->role], d->kind, d->desc,
				       d->headline || !strcmp(name, sc->primary));
	}
}

static void control_json(json_object *run, const struct metric_cmp *mc, double diff_pct,
			 bool interval)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "harness_median_ns", json_object_new_double(mc->median[1]));
	json_object_object_add(o, "bare_median_ns", json_object_new_double(mc->median[0]));
	json_object_object_add(o, "median_diff_pct", json_object_new_double(diff_pct));
	if (interval) {
		json_object_object_add(o, "shift_pct", json_object_new_double(mc->pct));
		json_object_object_add(o, "shift_pct_lo", json_object_new_double(mc->pct_lo));
		json_object_object_add(o, "shift_pct_hi", json_object_new_double(mc->pct_hi));
		json_object_object_add(o, "confidence", json_object_new_double(mc->ci.conf));
	}
	json_object_object_add(run, "overhead", o);
}

/* The harness's primary against the control's bare loop, both from the same VMs, with
 * the Hodges-Lehmann shift's interval so that noise is not read as overhead. */
void control_report(FILE *f, json_object *run, const struct scenario *sc,
		    const struct metric_set *m, int variant, uint64_t size)
{
	const struct series *h = metric_find(m, sc->primary);
	const struct series *bare = sc->control_metric ? metric_find(m, sc->control_metric) : NULL;
	struct metric_cmp mc;
	if (!h || !bare || metric_compare(bare->v, bare->n, h->v, h->n, 0.95, &mc) < 0)
		return;
	char hm[24], bm[24], sz[24], ci[80] = "";
	fmt_ns(mc.median[1], hm, sizeof(hm));
	fmt_ns(mc.median[0], bm, sizeof(bm));
	format_size(size, sz, sizeof(sz));
	double diff_pct = 100.0 * (mc.median[1] - mc.median[0]) / mc.median[0];
	bool interval = mc.relative && mc.have_ci && mc.ci.ok;
	if (interval)
		snprintf(ci, sizeof(ci), ", shift %+.1f%% [%+.1f%% .. %+.1f%%] at %.1f%%", mc.pct,
			 mc.pct_lo, mc.pct_hi, 100 * mc.ci.conf);
	fprintf(f, "%-7s %-8s guest=%-5s harness median %s vs bare ioctl loop median %s "
		"(%+.1f%%%s, n=%zu each)\n", sc->name, variant_names[variant], sz, hm, bm,
		diff_pct, ci, mc.n[0]);
	control_json(run, &mc, diff_pct, interval);
}

/* Cost per unit of the scenario's scale (zap-all: per zapped shadow page). */
void print_fit(FILE *out, const char *variant, const char *scale, const double *x,
	       const double *y, unsigned n)
{
	struct fit f;
	if (n < 3 || linear_fit_ci(x, y, n, 0.95, &f) < 0) {
		fprintf(out, "fit     %-8s needs 3 sizes with a nonzero scale, has %u\n", variant, n);
		return;
	}
	fprintf(out, "fit     %-8s %.1f ns per %s [%.1f .. %.1f at 95%%] + %.1f us fixed "
		"(r2=%.3f, %u sizes)%s%s\n", variant, f.b, scale, f.b_lo, f.b_hi, f.a / 1e3, f.r2,
		n, f.flat ? ": " : "", fit_phrase(&f));
}

/* ---- --precision ---- */

uint64_t run_precision_start(const struct run_cli *c, int variants)
{
	uint64_t need = precision_min_units(variants);
	uint64_t start = c->o.rounds > need ? c->o.rounds : need;
	return start < c->max_rounds ? start : c->max_rounds;
}

/* A value of the estimate: a ratio (3 significant digits), or the primary's median in
 * its unit. */
static void fmt_estimate(const struct run_cli *c, const struct run_precision *rp, double v,
			 char *buf, size_t len)
{
	const struct metric_def *d = scenario_metric(c->sc, c->sc->primary);
	if (!rp->p.ratio && d && d->role == ROLE_LATENCY)
		fmt_ns(v, buf, len);
	else
		snprintf(buf, len, "%.3g", v);
}

/* "ratio zap-slot/zap-all x0.00147 [0.00139 .. 0.00155] at 97.1% (4 vs 4 VMs)". */
static void fmt_interval(const struct run_cli *c, const struct run_precision *rp, char *buf,
			 size_t len)
{
	char e[24], lo[24], hi[24], vms[48];
	const struct precision *p = &rp->p;
	if (p->ratio)
		snprintf(vms, sizeof(vms), "%zu vs %zu VMs", p->units[0], p->units[1]);
	else
		snprintf(vms, sizeof(vms), "%zu VMs", p->units[0]);
	if (!p->ok) {
		snprintf(buf, len, "%s: no 95%% interval (%s)", rp->what, vms);
		return;
	}
	fmt_estimate(c, rp, p->estimate, e, sizeof(e));
	fmt_estimate(c, rp, p->lo, lo, sizeof(lo));
	fmt_estimate(c, rp, p->hi, hi, sizeof(hi));
	snprintf(buf, len, "%s %s%s [%s .. %s] at %.1f%% (%s): within +-%.1f%%", rp->what,
		 p->ratio ? "x" : "", e, lo, hi, 100 * p->level, vms, p->pct);
}

void run_precision_progress(const struct run_cli *c, const struct run_precision *rp)
{
	char iv[320], el[24];
	if (c->o.quiet)
		return;
	fmt_interval(c, rp, iv, sizeof(iv));
	fmt_duration(rp->elapsed_s, el, sizeof(el));
	fprintf(stderr, "memslot-bench run: precision after %llu rounds (%s): %s, target "
		"+-%g%%: another round\n", (unsigned long long)rp->rounds, el, iv, c->precision);
}

static json_object *precision_json(const struct run_cli *c, const struct run_precision *rp)
{
	const struct precision *p = &rp->p;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "target_pct", json_object_new_double(c->precision));
	json_object_object_add(o, "achieved_pct", p->ok ? json_object_new_double(p->pct) : NULL);
	json_object_object_add(o, "rounds", json_object_new_int64((int64_t)rp->rounds));
	json_object_object_add(o, "stopped", json_object_new_string(rp->stopped));
	json_object_object_add(o, "of", json_object_new_string(rp->what));
	json_object_object_add(o, "estimate", json_object_new_double(p->estimate));
	json_object_object_add(o, "lo", p->ok ? json_object_new_double(p->lo) : NULL);
	json_object_object_add(o, "hi", p->ok ? json_object_new_double(p->hi) : NULL);
	json_object_object_add(o, "level", p->ok ? json_object_new_double(p->level) : NULL);
	json_object_object_add(o, "max_rounds", json_object_new_int64((int64_t)c->max_rounds));
	json_object_object_add(o, "max_time_s", json_object_new_double(c->max_time_s));
	json_object_object_add(o, "elapsed_s", json_object_new_double(rp->elapsed_s));
	return o;
}

void run_precision_report(const struct run_cli *c, const struct run_precision *rp,
			  const char *sz, json_object *const *json, int n)
{
	char iv[320], el[24];
	fmt_interval(c, rp, iv, sizeof(iv));
	fmt_duration(rp->elapsed_s, el, sizeof(el));
	fprintf(c->out, "# precision %s guest=%s: %s, target +-%g%%: %s after %llu rounds "
		"(%s)\n", c->sc->name, sz, iv, c->precision, rp->stopped,
		(unsigned long long)rp->rounds, el);
	for (int v = 0; v < n; v++)
		if (json[v])
			json_object_object_add(json[v], "precision", precision_json(c, rp));
}
