/* SPDX-License-Identifier: GPL-2.0 */
/* Sample series and their summaries. Summaries rest on medians and order statistics:
 * lab noise has heavy tails, so the mean is reported but never used to compare. */
#ifndef MSB_SAMPLE_H
#define MSB_SAMPLE_H
#include <stdbool.h>
#include <stddef.h>

struct series {
	char *name;   /* "delete_ns", "refault_ns", "mmu_shadow_zapped", ... */
	char *unit;   /* "ns", "pages", "count" */
	double *v;
	size_t n, cap;
};

void series_init(struct series *s, const char *name, const char *unit);
void series_add(struct series *s, double value);
void series_free(struct series *s);

struct summary {
	size_t n;
	double min, median, mean, p90, p99, max, stddev; /* stddev: sample (n-1) */
};

/* -1 when n == 0. Percentiles interpolate linearly between order statistics
 * (Hyndman-Fan type 7, numpy's default). */
int summarize(const double *v, size_t n, struct summary *out);
/* p in [0, 100] of an ascending array. */
double percentile_sorted(const double *sorted, size_t n, double p);
/* Least-squares y = a + b*x; r2 is the coefficient of determination. -1 if n < 2 or
 * all x are equal. */
int linear_fit(const double *x, const double *y, size_t n, double *a, double *b, double *r2);
/* linear_fit() with the slope's interval: b +- t(level, n - 2) * se(b), se(b) from the
 * residuals, t from t_quantile() (lib/dist). n >= 3 for an interval (have_ci);
 * flat: the interval includes 0. -1 as linear_fit(). */
struct fit {
	size_t n;
	double a, b, r2;     /* as linear_fit() */
	double se_b;         /* standard error of the slope */
	double b_lo, b_hi;   /* the slope's interval at level; NAN without have_ci */
	double level;
	bool have_ci;
	bool flat;           /* have_ci and b_lo <= 0 <= b_hi */
};
int linear_fit_ci(const double *x, const double *y, size_t n, double level, struct fit *out);
/* "flat (slope interval includes 0)" when flat, "" otherwise. */
const char *fit_phrase(const struct fit *f);
/* The upper percentile worth printing: p99 from FEW_FOR_P99 samples on, below that the
 * 99th percentile is an interpolation near the maximum, so the maximum, named "max". */
#define FEW_FOR_P99 100
const char *upper_tail_name(size_t n);
double upper_tail(const struct summary *s);
/* qsort comparator for doubles, ascending. */
int cmp_double(const void *a, const void *b);
/* Median of back-to-back CLOCK_MONOTONIC reads, ns: the timer's own cost. */
double clock_overhead_ns(void);
/* Nanoseconds per TSC tick, against CLOCK_MONOTONIC over about 20 ms: a KVM guest's TSC
 * runs at the host's rate unless TSC scaling is set, which memslot-bench never does. */
double tsc_ns_per_tick(void);

/* Medians of the groups of v[i] that share a value of group[i] (per-VM medians, by the
 * run's "vm_round" index), in the order of each group's first sample; *k of them. NULL
 * with *k 0 when n is 0. */
double *group_medians(const double *v, const double *group, size_t n, size_t *k);

/* P(X <= q) for X ~ Binomial(n, 1/2) (R: pbinom(q, n, 0.5)). */
double binom_half_cdf(size_t q, size_t n);

/* Distribution-free interval of a median from order statistics (Hollander & Wolfe,
 * 3rd ed., 3.6): [x(k), x(n+1-k)] of the sorted values, k the largest rank whose
 * achieved level 1 - 2 P(Bin(n, 1/2) <= k - 1) is at least min_level, so that where
 * the nominal level falls between two attainable ones the wider interval is taken (the
 * same rule as hl_shift_ci_min()). With ties the closed interval covers with at least
 * that probability. ok false (the widest interval, [min, max], and its level) when no
 * k reaches min_level: 5 values reach only 93.75%, 6 reach 96.9%. -1 when n is 0 or a
 * value is NaN. */
struct median_ci {
	size_t n, k;
	double median;   /* type 7, as summarize() */
	double lo, hi;
	double level;    /* achieved (exact for continuous data) */
	bool ok;
};
int median_ci(const double *v, size_t n, double min_level, struct median_ci *out);
/* The fewest values whose median has an interval of at least min_level (6 for 0.95). */
size_t median_ci_min_n(double min_level);

#endif
