/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench run: the summary line, the control and fit lines, and the schema-2
 * description of every metric, all from the scenario descriptor. */
#include <stdio.h>
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

bool metric_median(const struct metric_set *m, const char *name, double *out)
{
	const struct series *s = metric_find(m, name);
	struct summary sum;
	if (!s || summarize(s->v, s->n, &sum) < 0)
		return false;
	*out = sum.median;
	return true;
}

/* " name=median" for a metric recorded in this run. */
static void print_median(const struct metric_set *m, const struct metric_def *d)
{
	double v;
	char buf[32];
	if (!d)
		return;
	if (!metric_median(m, d->name, &v)) {
		printf(" %s=n/a", d->name); /* not a 0: this MMU or kernel has no such figure */
		return;
	}
	if (d->role == ROLE_LATENCY)
		fmt_ns(v, buf, sizeof(buf));
	else
		snprintf(buf, sizeof(buf), "%.0f", v);
	printf(" %s=%s", d->name, buf);
}

void print_run_line(const struct scenario *sc, const struct metric_set *m, int variant,
		    uint64_t size, bool tdp)
{
	char med[24], tail[24], sz[24];
	const struct series *s = metric_find(m, sc->primary);
	struct summary sum;
	if (!s || summarize(s->v, s->n, &sum) < 0)
		return;
	fmt_ns(sum.median, med, sizeof(med));
	fmt_ns(upper_tail(&sum), tail, sizeof(tail));
	format_size(size, sz, sizeof(sz));
	printf("%-7s %-8s guest=%-5s mmu=%-6s n=%-4zu median=%-10s %s=%-10s", sc->name,
	       variant_names[variant], sz, tdp ? "tdp" : "shadow", sum.n, med,
	       upper_tail_name(sum.n), tail);
	if (sc->scale)
		print_median(m, scenario_metric(sc, run_scale(sc, tdp)));
	for (size_t i = 0; i < sc->nmetrics; i++)
		if (sc->metrics[i].headline && strcmp(sc->metrics[i].name, sc->primary))
			print_median(m, &sc->metrics[i]);
	for (size_t i = 0; i < nr_harness_metrics; i++)
		if (harness_metrics[i].headline)
			print_median(m, &harness_metrics[i]);
	putchar('\n');
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
void control_report(json_object *run, const struct scenario *sc, const struct metric_set *m,
		    int variant, uint64_t size)
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
	printf("%-7s %-8s guest=%-5s harness median %s vs bare ioctl loop median %s "
	       "(%+.1f%%%s, n=%zu each)\n", sc->name, variant_names[variant], sz, hm, bm,
	       diff_pct, ci, mc.n[0]);
	control_json(run, &mc, diff_pct, interval);
}

/* Cost per unit of the scenario's scale (zap-all: per zapped shadow page). */
void print_fit(const char *variant, const char *scale, const double *x, const double *y,
	       unsigned n)
{
	struct fit f;
	if (n < 3 || linear_fit_ci(x, y, n, 0.95, &f) < 0) {
		printf("fit     %-8s needs 3 sizes with a nonzero scale, has %u\n", variant, n);
		return;
	}
	printf("fit     %-8s %.1f ns per %s [%.1f .. %.1f at 95%%] + %.1f us fixed "
	       "(r2=%.3f, %u sizes)%s%s\n", variant, f.b, scale, f.b_lo, f.b_hi, f.a / 1e3, f.r2, n,
	       f.flat ? ": " : "", fit_phrase(&f));
}
