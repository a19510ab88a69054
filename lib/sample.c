/* SPDX-License-Identifier: GPL-2.0 */
/* Sample series and their summaries: order statistics first, because lab and
 * host noise has heavy tails; the mean and stddev are reported, never compared. */
#include "sample.h"
#include "dist.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

void series_init(struct series *s, const char *name, const char *unit)
{
	memset(s, 0, sizeof(*s));
	s->name = msb_strdup(name);
	s->unit = msb_strdup(unit);
}

void series_add(struct series *s, double value)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 32;
		s->v = msb_realloc(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = value;
}

void series_free(struct series *s)
{
	free(s->name);
	free(s->unit);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double percentile_sorted(const double *sorted, size_t n, double p)
{
	if (!n)
		return NAN;
	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];

	/* Type 7: h = (n - 1) p, interpolate between the order statistics around h. */
	double h = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + (h - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

int summarize(const double *v, size_t n, struct summary *out)
{
	memset(out, 0, sizeof(*out));
	if (!n)
		return -1;

	/* Sort a copy: callers keep their samples in measurement order. */
	double *s = msb_calloc(n, sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);

	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	double mean = sum / (double)n;

	/* Two passes: sum of squares around the mean does not cancel catastrophically. */
	double ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (s[i] - mean) * (s[i] - mean);

	out->n = n;
	out->min = s[0];
	out->max = s[n - 1];
	out->mean = mean;
	out->median = percentile_sorted(s, n, 50);
	out->p90 = percentile_sorted(s, n, 90);
	out->p99 = percentile_sorted(s, n, 99);
	out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
	free(s);
	return 0;
}

int linear_fit(const double *x, const double *y, size_t n, double *a, double *b, double *r2)
{
	if (n < 2)
		return -1;

	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;

	/* Centred sums, for the same reason as in summarize(). */
	double sxx = 0, sxy = 0, syy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;

		sxx += dx * dx;
		sxy += dx * dy;
		syy += dy * dy;
	}
	if (sxx == 0)
		return -1;

	double slope = sxy / sxx;

	if (a)
		*a = my - slope * mx;
	if (b)
		*b = slope;
	/* Constant y is fitted exactly by a flat line: call that r2 = 1, not 0/0. */
	if (r2)
		*r2 = syy == 0 ? 1.0 : (sxy * sxy) / (sxx * syy);
	return 0;
}

int linear_fit_ci(const double *x, const double *y, size_t n, double level, struct fit *out)
{
	memset(out, 0, sizeof(*out));
	out->b_lo = out->b_hi = out->se_b = NAN;
	out->level = level;
	out->n = n;
	if (linear_fit(x, y, n, &out->a, &out->b, &out->r2) < 0)
		return -1;
	if (n < 3)
		return 0;

	double mx = 0, sxx = 0, rss = 0;

	for (size_t i = 0; i < n; i++)
		mx += x[i];
	mx /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double r = y[i] - out->a - out->b * x[i];

		sxx += (x[i] - mx) * (x[i] - mx);
		rss += r * r;
	}
	double t = t_quantile(0.5 + level / 2, (double)(n - 2));

	out->se_b = sqrt(rss / (double)(n - 2) / sxx);
	out->b_lo = out->b - t * out->se_b;
	out->b_hi = out->b + t * out->se_b;
	out->have_ci = true;
	out->flat = out->b_lo <= 0 && out->b_hi >= 0;
	return 0;
}

const char *fit_phrase(const struct fit *f)
{
	return f->flat ? "flat (slope interval includes 0)" : "";
}

const char *upper_tail_name(size_t n)
{
	return n >= FEW_FOR_P99 ? "p99" : "max";
}

double upper_tail(const struct summary *s)
{
	return s->n >= FEW_FOR_P99 ? s->p99 : s->max;
}

#define CLOCK_READS 1001

double clock_overhead_ns(void)
{
	uint64_t t[CLOCK_READS];
	double d[CLOCK_READS - 1];

	for (size_t i = 0; i < CLOCK_READS; i++)
		t[i] = now_ns();
	for (size_t i = 0; i + 1 < CLOCK_READS; i++)
		d[i] = (double)(t[i + 1] - t[i]);

	struct summary sum;
	summarize(d, CLOCK_READS - 1, &sum);
	/* A clock coarser than its own cost reads the same value twice in a row:
	 * then the average over the whole chain is the better estimate. */
	if (sum.median == 0)
		return (double)(t[CLOCK_READS - 1] - t[0]) / (CLOCK_READS - 1);
	return sum.median;
}

double tsc_ns_per_tick(void)
{
	const struct timespec pause = { 0, 20 * 1000 * 1000 };
	uint64_t t0 = now_ns(), c0 = __rdtsc();
	nanosleep(&pause, NULL);
	uint64_t t1 = now_ns(), c1 = __rdtsc();
	return c1 > c0 ? (double)(t1 - t0) / (double)(c1 - c0) : 0;
}

double *group_medians(const double *v, const double *group, size_t n, size_t *k)
{
	*k = 0;
	if (!n)
		return NULL;
	double *buf = msb_calloc(n, sizeof(*buf)), *med = msb_calloc(n, sizeof(*med));
	bool *done = msb_calloc(n, sizeof(*done));

	for (size_t i = 0; i < n; i++) {
		size_t nb = 0;
		struct summary sum;

		if (done[i])
			continue;
		for (size_t j = i; j < n; j++)
			if (!done[j] && group[j] == group[i]) {
				buf[nb++] = v[j];
				done[j] = true;
			}
		if (summarize(buf, nb, &sum) == 0)
			med[(*k)++] = sum.median;
	}
	free(done);
	free(buf);
	return med;
}

double binom_half_cdf(size_t q, size_t n)
{
	if (q >= n)
		return 1;

	/* Terms C(n, i) / 2^n through logs: 2^-n underflows near n = 1075. */
	double sum = 0, ln2n = (double)n * log(2.0), lg = lgamma((double)n + 1);

	for (size_t i = 0; i <= q; i++)
		sum += exp(lg - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) - ln2n);
	return sum > 1 ? 1 : sum;
}

#define LEVEL_FUZZ 1e-12 /* an exact hit of the level counts as reached */

int median_ci(const double *v, size_t n, double min_level, struct median_ci *out)
{
	memset(out, 0, sizeof(*out));
	out->median = out->lo = out->hi = out->level = NAN;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (isnan(v[i]))
			return -1;

	double *s = msb_calloc(n, sizeof(*s));

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	out->n = n;
	out->median = percentile_sorted(s, n, 50);
	/* Rank k (1-based) covers with 1 - 2 P(X <= k - 1); k = 1 is [min, max]. */
	out->k = 1;
	out->level = 1 - 2 * binom_half_cdf(0, n);
	out->ok = out->level >= min_level - LEVEL_FUZZ;
	for (size_t k = 2; out->ok && 2 * k <= n + 1; k++) {
		double level = 1 - 2 * binom_half_cdf(k - 1, n);

		if (level < min_level - LEVEL_FUZZ)
			break;
		out->k = k;
		out->level = level;
	}
	out->lo = s[out->k - 1];
	out->hi = s[n - out->k];
	free(s);
	return 0;
}

size_t median_ci_min_n(double min_level)
{
	size_t n = 1;

	while (n < 1100 && 1 - 2 * binom_half_cdf(0, n) < min_level - LEVEL_FUZZ)
		n++;
	return n;
}
