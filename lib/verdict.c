/* SPDX-License-Identifier: GPL-2.0 */
/* Verdicts from per-VM medians: ratio new/base with the exponentiated Hodges-Lehmann /
 * Mann-Whitney interval of the log medians, the narrowest one of at least 95%, and a
 * regression gate on those intervals with Holm-Bonferroni across rows. See verdict.h. */
#include "verdict.h"
#include "compare.h"
#include "sample.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ 1e-12 /* an exact hit of a level or threshold counts as reached */

static bool all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return false;
	return true;
}

static bool all_positive(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(v[i] > 0))
			return false;
	return true;
}

/* A copy of v, of log(v) when take_log. */
static double *scaled(const double *v, size_t n, bool take_log)
{
	double *out = msb_calloc(n, sizeof(*out));

	for (size_t i = 0; i < n; i++)
		out[i] = take_log ? log(v[i]) : v[i];
	return out;
}

static void init(struct verdict *v, bool pooled, size_t nb, size_t nn)
{
	memset(v, 0, sizeof(*v));
	v->kind = VERDICT_NOT_TESTED;
	v->pooled = pooled;
	v->units[0] = nb;
	v->units[1] = nn;
	v->median[0] = v->median[1] = NAN;
	v->ratio = v->ratio_lo = v->ratio_hi = v->hl_ratio = NAN;
	v->shift = v->shift_lo = v->shift_hi = v->level = NAN;
	v->gate_pct = v->p_worse = NAN;
	if (pooled) { /* every sample its own unit */
		for (int s = 0; s < 2; s++) {
			v->samples[s] = v->units[s];
			v->per_vm_min[s] = v->per_vm_max[s] = 1;
		}
	}
}

static void set_reason(struct verdict *v)
{
	const char *unit = v->pooled ? "samples" : "VMs";

	snprintf(v->reason, sizeof(v->reason), "not tested: %zu vs %zu %s, needs %d a side (%s)",
		 v->units[0], v->units[1], unit, VERDICT_ADVISE_UNITS,
		 v->pooled ? "more samples" : "use --rounds");
}

/* Interval, level and kind from x (base) and y (new) on the tested scale. */
static void test_shift(struct verdict *v, const double *x, const double *y)
{
	struct shift_ci ci;
	size_t nb = v->units[0], nn = v->units[1];

	if (hl_shift_ci_min(x, nb, y, nn, VERDICT_LEVEL, &ci) < 0) {
		snprintf(v->reason, sizeof(v->reason), "not tested: %zu x %zu pairs is too many",
			 nb, nn);
		return;
	}
	v->shift = ci.shift;
	v->level = ci.conf;
	v->exact = ci.exact;
	v->level_is_bound = ci.ties && nb < MW_EXACT_MAX && nn < MW_EXACT_MAX;
	if (v->log_scale)
		v->hl_ratio = exp(ci.shift);
	if (!ci.ok || nb < VERDICT_MIN_UNITS || nn < VERDICT_MIN_UNITS) {
		set_reason(v);
		return;
	}
	v->shift_lo = ci.lo;
	v->shift_hi = ci.hi;
	if (v->log_scale) {
		v->ratio_lo = exp(ci.lo);
		v->ratio_hi = exp(ci.hi);
	}
	if (ci.lo > 0)
		v->kind = VERDICT_SLOWER;
	else if (ci.hi < 0)
		v->kind = VERDICT_FASTER;
	else
		v->kind = VERDICT_NO_DIFFERENCE;
}

int verdict_compare(const double *base, size_t nb, const double *new_, size_t nn,
		    const struct verdict_opts *opts, struct verdict *out)
{
	struct summary s[2];

	init(out, opts && opts->pooled, nb, nn);
	if (!nb || !nn || !all_finite(base, nb) || !all_finite(new_, nn)) {
		snprintf(out->reason, sizeof(out->reason), "not tested: no data");
		return -1;
	}
	summarize(base, nb, &s[0]);
	summarize(new_, nn, &s[1]);
	out->median[0] = s[0].median;
	out->median[1] = s[1].median;
	out->ratio = s[0].median > 0 ? s[1].median / s[0].median : NAN;
	out->log_scale = all_positive(base, nb) && all_positive(new_, nn);

	double *x = scaled(base, nb, out->log_scale), *y = scaled(new_, nn, out->log_scale);

	test_shift(out, x, y);
	if (opts && opts->gate) {
		out->gate_pct = opts->gate_pct;
		if (out->log_scale && out->kind != VERDICT_NOT_TESTED) {
			double c = log1p(opts->gate_pct / 100);

			out->p_worse = hl_p_above(x, nb, y, nn, c);
			out->beyond = out->shift_lo > c;
		}
	}
	free(x);
	free(y);
	return 0;
}

int verdict_vms(const double *base, size_t nb, const double *new_, size_t nn,
		struct verdict *out)
{
	return verdict_compare(base, nb, new_, nn, NULL, out);
}

int verdict_pooled(const double *base, size_t nb, const double *new_, size_t nn,
		   struct verdict *out)
{
	const struct verdict_opts o = { .pooled = true };

	return verdict_compare(base, nb, new_, nn, &o, out);
}

void verdict_set_samples(struct verdict *v, int side, size_t total, size_t per_vm_min,
			 size_t per_vm_max)
{
	v->samples[side] = total;
	v->per_vm_min[side] = per_vm_min;
	v->per_vm_max[side] = per_vm_max;
}

const char *verdict_name(enum verdict_kind kind)
{
	switch (kind) {
	case VERDICT_FASTER: return "faster";
	case VERDICT_SLOWER: return "slower";
	case VERDICT_NO_DIFFERENCE: return "no difference";
	default: return "not tested";
	}
}

const char *verdict_word(const struct verdict *v, bool is_time)
{
	switch (v->kind) {
	case VERDICT_FASTER: return is_time ? "faster" : "fewer";
	case VERDICT_SLOWER: return is_time ? "slower" : "more";
	case VERDICT_NO_DIFFERENCE: return "no difference proven";
	default: return "not tested";
	}
}

const char *verdict_label(const struct verdict *v)
{
	return v->pooled ? "pooled samples (taken as independent)" : "per-VM medians";
}

/* Two significant digits, never an exponent: 0.0072, 0.56, 3.1, 47, 139. */
static void fmt_ratio(double r, char *buf, size_t len)
{
	if (!(r > 0) || !isfinite(r)) {
		snprintf(buf, len, "n/a");
		return;
	}
	int dec = r >= 10 ? 0 : 1 - (int)floor(log10(r));

	snprintf(buf, len, "%.*f", dec > 15 ? 15 : dec, r);
}

/* The ratio as a change in percent; a ratio is > 0, so never below -100%. */
static void fmt_pct(double r, char *buf, size_t len)
{
	double p = 100 * (r - 1);

	if (p != 0 && fabs(p) < 0.05)
		snprintf(buf, len, "%+.1g%%", p); /* not "-0.0%": which side of 0 matters */
	else
		snprintf(buf, len, "%+.1f%%", p);
}

static bool in_pct_range(double r)
{
	return r >= VERDICT_PCT_LOW && r <= VERDICT_PCT_HIGH;
}

static int fmt_shift(const struct verdict *v, bool is_time, char *buf, size_t len)
{
	bool proven = v->kind == VERDICT_FASTER || v->kind == VERDICT_SLOWER;

	return snprintf(buf, len, "shift %+.4g [%+.4g .. %+.4g]%s%s", v->shift, v->shift_lo,
			v->shift_hi, proven ? ", " : "", proven ? verdict_word(v, is_time) : "");
}

int verdict_format_change(const struct verdict *v, bool is_time, char *buf, size_t len)
{
	char a[32], b[32], c[32];

	if (v->kind == VERDICT_NOT_TESTED)
		return snprintf(buf, len, "%s", v->reason);
	if (!v->log_scale)
		return fmt_shift(v, is_time, buf, len);
	if (in_pct_range(v->ratio) && in_pct_range(v->ratio_lo) && in_pct_range(v->ratio_hi)) {
		fmt_pct(v->ratio, a, sizeof(a));
		fmt_pct(v->ratio_lo, b, sizeof(b));
		fmt_pct(v->ratio_hi, c, sizeof(c));
		return snprintf(buf, len, "%s [%s .. %s]", a, b, c);
	}
	fmt_ratio(v->ratio, a, sizeof(a));
	fmt_ratio(v->ratio_lo, b, sizeof(b));
	fmt_ratio(v->ratio_hi, c, sizeof(c));

	double f = 0;

	if (v->kind == VERDICT_FASTER && v->ratio < 1)
		f = 1 / v->ratio;
	else if (v->kind == VERDICT_SLOWER && v->ratio > 1)
		f = v->ratio;
	if (f == 0)
		return snprintf(buf, len, "x%s [%s .. %s]", a, b, c);
	return snprintf(buf, len, f >= 10 ? "x%s [%s .. %s], %.0fx %s" : "x%s [%s .. %s], %.1fx %s",
			a, b, c, f, verdict_word(v, is_time));
}

void verdict_format_units(const struct verdict *v, int side, char *buf, size_t len)
{
	size_t u = v->units[side], lo = v->per_vm_min[side], hi = v->per_vm_max[side];
	const char *vms = u == 1 ? "VM" : "VMs";

	if (v->pooled)
		snprintf(buf, len, "%zu samples (pooled)", u);
	else if (!v->samples[side])
		snprintf(buf, len, "%zu %s", u, vms);
	else if (lo == hi)
		snprintf(buf, len, "%zu %s x %zu", u, vms, lo);
	else
		snprintf(buf, len, "%zu %s x %zu-%zu", u, vms, lo, hi);
}

void verdict_format_level(const struct verdict *v, char *buf, size_t len)
{
	const char *pre = v->level_is_bound ? ">= " : v->exact ? "" : "~";

	if (isnan(v->level))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%s%.1f%%", pre, 100 * v->level);
}

/* ---- the gate ---- */

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i); /* stable */
}

size_t holm_reject(const double *p, size_t n, double alpha, bool *reject)
{
	struct pidx *s = msb_calloc(n ? n : 1, sizeof(*s));
	size_t m = 0, r = 0;

	for (size_t i = 0; i < n; i++) {
		reject[i] = false;
		if (!isnan(p[i]))
			s[m++] = (struct pidx){ p[i], i };
	}
	qsort(s, m, sizeof(*s), cmp_pidx);
	/* Step down: the k-th smallest (0-based) against alpha / (m - k), stop at the first
	 * that fails. */
	while (r < m && s[r].p <= alpha / (double)(m - r) + FUZZ)
		reject[s[r++].i] = true;
	free(s);
	return r;
}

int verdict_gate(struct verdict *const *rows, size_t n, struct gate_summary *sum)
{
	double *p = msb_calloc(n ? n : 1, sizeof(*p));
	bool *rej = msb_calloc(n ? n : 1, sizeof(*rej));
	struct gate_summary g = { .rows = n };

	for (size_t i = 0; i < n; i++) {
		const struct verdict *v = rows[i];
		bool gated = v->log_scale && v->kind != VERDICT_NOT_TESTED && !isnan(v->p_worse);

		p[i] = gated ? v->p_worse : NAN;
		g.gated += gated;
	}
	holm_reject(p, n, (1 - VERDICT_LEVEL) / 2, rej);
	for (size_t i = 0; i < n; i++) {
		/* Both: for one row they agree exactly; the interval keeps "whole interval
		 * beyond PCT" literally true where a normal approximation is used. */
		rows[i]->regression = rej[i] && rows[i]->beyond;
		g.regressions += rows[i]->regression;
	}
	free(p);
	free(rej);
	if (sum)
		*sum = g;
	if (!g.gated)
		return GATE_NOTHING_TESTABLE;
	return g.regressions ? GATE_REGRESSION : GATE_PASS;
}

/* ---- precision ---- */

static void precision_init(struct precision *p, bool ratio, size_t nb, size_t nn)
{
	memset(p, 0, sizeof(*p));
	p->ratio = ratio;
	p->units[0] = nb;
	p->units[1] = nn;
	p->estimate = p->lo = p->hi = p->level = NAN;
	p->pct = INFINITY;
}

/* pct from estimate, lo, hi: the farther end of the interval, in percent. */
static void precision_pct(struct precision *p)
{
	if (!p->ok || !(p->estimate > 0) || !isfinite(p->lo) || !isfinite(p->hi)) {
		p->ok = false;
		p->pct = INFINITY;
		return;
	}
	double up = p->hi / p->estimate - 1, down = 1 - p->lo / p->estimate;

	p->pct = 100 * (up > down ? up : down);
}

int precision_ratio(const double *base, size_t nb, const double *new_, size_t nn,
		    struct precision *out)
{
	struct verdict v;

	precision_init(out, true, nb, nn);
	if (verdict_vms(base, nb, new_, nn, &v) < 0)
		return -1;
	out->estimate = v.ratio;
	out->level = v.level;
	out->ok = v.log_scale && v.kind != VERDICT_NOT_TESTED;
	out->lo = v.ratio_lo;
	out->hi = v.ratio_hi;
	precision_pct(out);
	return 0;
}

int precision_median(const double *v, size_t n, struct precision *out)
{
	struct median_ci m;

	precision_init(out, false, n, 0);
	if (!n || !all_finite(v, n) || median_ci(v, n, VERDICT_LEVEL, &m) < 0)
		return -1;
	out->estimate = m.median;
	out->level = m.level;
	out->lo = m.lo;
	out->hi = m.hi;
	out->ok = m.ok;
	precision_pct(out);
	return 0;
}

size_t precision_min_units(int sides)
{
	if (sides < 2)
		return median_ci_min_n(VERDICT_LEVEL);

	size_t n = VERDICT_MIN_UNITS;

	while (n < MW_EXACT_MAX && 1 - 2 * mw_cdf(0, n, n) < VERDICT_LEVEL - FUZZ)
		n++;
	return n;
}
