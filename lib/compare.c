/* SPDX-License-Identifier: GPL-2.0 */
/* Hodges-Lehmann shift with its Mann-Whitney confidence interval. The estimate is the
 * median of the n * m differences y_j - x_i; the interval runs between two order
 * statistics of those differences, picked by the null distribution of the Mann-Whitney
 * U (exact without ties and for small samples, normal approximation otherwise), as in
 * R's wilcox.test(conf.int = TRUE) and Hollander & Wolfe, Nonparametric Statistical
 * Methods, section 4.3. No assumption about the shape of the distributions. */
#include "compare.h"
#include "sample.h"
#include "util.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Counts of arrangements with U = k, k = 0..n*m, from the recurrence
 * c(k; i, j) = c(k - j; i - 1, j) + c(k; i, j - 1) (the largest of the i + j values
 * is an x, beating all j y's, or a y). Additions only: no cancellation in doubles. */
static double *mw_counts(size_t n, size_t m)
{
	size_t len = n * m + 1;
	double *buf = msb_calloc(2 * (m + 1) * len, sizeof(double));
	double *prev = buf, *cur = buf + (m + 1) * len;

	for (size_t j = 0; j <= m; j++)
		prev[j * len] = 1; /* i = 0: U = 0 only */
	for (size_t i = 1; i <= n; i++) {
		memset(cur, 0, (m + 1) * len * sizeof(double));
		cur[0] = 1; /* j = 0 */
		for (size_t j = 1; j <= m; j++)
			for (size_t k = 0; k <= i * j; k++)
				cur[j * len + k] = (k >= j ? prev[j * len + k - j] : 0) +
						   cur[(j - 1) * len + k];
		double *t = prev;
		prev = cur;
		cur = t;
	}
	double *out = msb_calloc(len, sizeof(double));
	memcpy(out, prev + m * len, len * sizeof(double));
	free(buf);
	return out;
}

static double total(const double *c, size_t len)
{
	double t = 0;

	for (size_t k = 0; k < len; k++)
		t += c[k];
	return t;
}

double mw_cdf(size_t q, size_t n, size_t m)
{
	size_t len = n * m + 1;
	double *c = mw_counts(n, m), t = total(c, len), s = 0;

	for (size_t k = 0; k <= q && k < len; k++)
		s += c[k];
	free(c);
	return s / t;
}

size_t mw_quantile(double p, size_t n, size_t m)
{
	size_t len = n * m + 1, q;
	double *c = mw_counts(n, m), t = total(c, len), s = 0;

	/* R's qwilcox() fuzz: an exact hit of p must not round up a step. */
	p -= 10 * DBL_EPSILON;
	for (q = 0; q + 1 < len; q++) {
		s += c[q] / t;
		if (s >= p)
			break;
	}
	free(c);
	return q;
}

/* Sum of t^3 - t over groups of tied values in the pooled sample. */
static double tie_sum(const double *x, size_t n, const double *y, size_t m)
{
	size_t len = n + m;
	double *all = msb_calloc(len, sizeof(double)), s = 0;

	memcpy(all, x, n * sizeof(double));
	memcpy(all + n, y, m * sizeof(double));
	qsort(all, len, sizeof(double), cmp_double);
	for (size_t i = 0; i < len;) {
		size_t j = i + 1;

		while (j < len && all[j] == all[i])
			j++;
		double t = (double)(j - i);
		s += t * t * t - t;
		i = j;
	}
	free(all);
	return s;
}

/* 1-based rank k of the lower bound: exact U quantile, R's way. */
static size_t exact_rank(size_t n, size_t m, double alpha, struct shift_ci *out)
{
	size_t k = mw_quantile(alpha / 2, n, m);

	if (k == 0)
		k = 1;
	double achieved = 2 * mw_cdf(k - 1, n, m);
	out->conf = 1 - achieved;
	out->ok = achieved - alpha <= alpha / 2; /* R warns "not achievable" beyond */
	return k;
}

/* Normal approximation with the tie correction of the variance of U (Hollander &
 * Wolfe eq. 4.43, the integer closest to nm/2 - z sqrt(var U)). */
static size_t approx_rank(const double *x, size_t n, const double *y, size_t m, double alpha,
			  struct shift_ci *out)
{
	double nm = (double)n * (double)m, big_n = (double)(n + m);
	double var = nm / 12 * ((big_n + 1) - tie_sum(x, n, y, m) / (big_n * (big_n - 1)));
	double c = floor(nm / 2 - norm_quantile(1 - alpha / 2) * sqrt(var > 0 ? var : 0) + 0.5);
	size_t pairs = n * m;

	out->conf = 1 - alpha;
	out->ok = c >= 1;
	if (c < 1)
		return 1;
	if ((size_t)c > (pairs + 1) / 2)
		return (pairs + 1) / 2;
	return (size_t)c;
}

/* The rank k of the interval [d(k), d(pairs + 1 - k)] over the sorted differences, for a
 * level; sets out's exact, conf, ok (and ties). */
typedef size_t (*hl_rank_fn)(const double *x, size_t n, const double *y, size_t m,
			     double level, struct shift_ci *out);

/* Hodges-Lehmann: the median of the n*m differences y[j] - x[i] as the shift, the
 * interval between the sorted differences at the rank from rank(). */
static int hl_interval(const double *x, size_t n, const double *y, size_t m, double level,
		       hl_rank_fn rank, struct shift_ci *out)
{
	memset(out, 0, sizeof(*out));
	if (!n || !m || n > MW_MAX_PAIRS / m)
		return -1;

	size_t pairs = n * m, k = 0;
	double *d = msb_calloc(pairs, sizeof(double));

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			d[k++] = y[j] - x[i];
	qsort(d, pairs, sizeof(double), cmp_double);
	out->shift = pairs % 2 ? d[pairs / 2] : (d[pairs / 2 - 1] + d[pairs / 2]) / 2;
	k = rank(x, n, y, m, level, out);
	out->lo = d[k - 1];
	out->hi = d[pairs - k];
	free(d);
	return 0;
}

/* hl_shift_ci's rank: exact without ties on small samples, else the normal approximation. */
static size_t rank_at_level(const double *x, size_t n, const double *y, size_t m, double level,
			    struct shift_ci *out)
{
	double alpha = 1 - level;

	out->exact = n < MW_EXACT_MAX && m < MW_EXACT_MAX && tie_sum(x, n, y, m) == 0;
	return out->exact ? exact_rank(n, m, alpha, out) : approx_rank(x, n, y, m, alpha, out);
}

int hl_shift_ci(const double *x, size_t n, const double *y, size_t m, double level,
		struct shift_ci *out)
{
	return hl_interval(x, n, y, m, level, rank_at_level, out);
}

int metric_compare(const double *x, size_t n, const double *y, size_t m, double level,
		   struct metric_cmp *out)
{
	struct summary s[2];

	memset(out, 0, sizeof(*out));
	if (summarize(x, n, &s[0]) < 0 || summarize(y, m, &s[1]) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		out->n[i] = s[i].n;
		out->median[i] = s[i].median;
		out->p99[i] = s[i].p99;
	}
	out->have_ci = hl_shift_ci(x, n, y, m, level, &out->ci) == 0;
	if (!out->have_ci)
		return 0;
	/* Relative to the base median; undefined for a zero base (zapped pages on
	 * zap-slot): callers print the absolute shift then. */
	out->relative = s[0].median > 0;
	if (out->relative) {
		out->pct = 100 * out->ci.shift / s[0].median;
		out->pct_lo = 100 * out->ci.lo / s[0].median;
		out->pct_hi = 100 * out->ci.hi / s[0].median;
	}
	out->proven = out->ci.ok && (out->ci.lo > 0 || out->ci.hi < 0);
	return 0;
}

/* ---- narrowest interval of at least a level, one-sided p, Student's t ---- */

/* P(U <= q) for q = 0..nm, one array. */
static double *mw_cumulative(size_t n, size_t m)
{
	size_t len = n * m + 1;
	double *c = mw_counts(n, m), t = total(c, len), s = 0;

	for (size_t k = 0; k < len; k++) {
		s += c[k];
		c[k] = s / t;
	}
	return c;
}

/* Variance of U under the null, corrected for ties (Hollander & Wolfe eq. 4.43). */
static double u_variance(const double *x, size_t n, const double *y, size_t m)
{
	double nm = (double)n * (double)m, big_n = (double)(n + m);
	double var = nm / 12 * ((big_n + 1) - tie_sum(x, n, y, m) / (big_n * (big_n - 1)));

	return var > 0 ? var : 0;
}

static double norm_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2));
}

/* An exact hit of the level counts as reached (1 - 2/70 is not 0.97142857... in binary). */
#define LEVEL_FUZZ 1e-12

/* Largest 1-based rank k with 1 - 2 P(U <= k - 1) >= min_level, exact distribution. */
static size_t exact_rank_min(size_t n, size_t m, double min_level, struct shift_ci *out)
{
	double *cdf = mw_cumulative(n, m), alpha = 1 - min_level;
	size_t k = 1, half = (n * m + 1) / 2;

	while (k < half && 2 * cdf[k] <= alpha + LEVEL_FUZZ)
		k++;
	out->conf = 1 - 2 * cdf[k - 1];
	out->ok = 2 * cdf[k - 1] <= alpha + LEVEL_FUZZ;
	free(cdf);
	return k;
}

/* The same with U normal: level(k) = 1 - 2 Phi((k - 1/2 - nm/2) / sd). */
static size_t approx_rank_min(const double *x, size_t n, const double *y, size_t m,
			      double min_level, struct shift_ci *out)
{
	double nm = (double)n * (double)m, sd = sqrt(u_variance(x, n, y, m));
	size_t half = (n * m + 1) / 2;

	if (sd == 0) { /* every value equal: every difference 0, any rank gives [0, 0] */
		out->conf = 1;
		out->ok = true;
		return half;
	}
	double k = floor(nm / 2 + 0.5 + sd * norm_quantile((1 - min_level) / 2) + LEVEL_FUZZ);
	out->ok = k >= 1;
	if (k < 1)
		k = 1;
	if (k > (double)half)
		k = (double)half;
	out->conf = 1 - 2 * norm_cdf((k - 0.5 - nm / 2) / sd);
	return (size_t)k;
}

/* hl_shift_ci_min's rank: the narrowest interval reaching min_level, exact on small
 * samples (ties or not), else the normal approximation. */
static size_t rank_min_level(const double *x, size_t n, const double *y, size_t m,
			     double min_level, struct shift_ci *out)
{
	out->ties = tie_sum(x, n, y, m) != 0;

	bool small = n < MW_EXACT_MAX && m < MW_EXACT_MAX;

	out->exact = small && !out->ties;
	return small ? exact_rank_min(n, m, min_level, out)
		     : approx_rank_min(x, n, y, m, min_level, out);
}

int hl_shift_ci_min(const double *x, size_t n, const double *y, size_t m, double min_level,
		    struct shift_ci *out)
{
	return hl_interval(x, n, y, m, min_level, rank_min_level, out);
}

double hl_p_above(const double *x, size_t n, const double *y, size_t m, double c)
{
	if (!n || !m || n > MW_MAX_PAIRS / m)
		return NAN;

	size_t below = 0; /* L: differences y_j - x_i <= c */

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < m; j++)
			below += y[j] - x[i] <= c;
	if (n < MW_EXACT_MAX && m < MW_EXACT_MAX) {
		double *cdf = mw_cumulative(n, m), p = cdf[below];

		free(cdf);
		return p;
	}

	double nm = (double)n * (double)m, sd = sqrt(u_variance(x, n, y, m));

	if (sd == 0)
		return (double)below < nm / 2 ? 0 : 1;
	return fmin(1, norm_cdf(((double)below + 0.5 - nm / 2) / sd));
}

