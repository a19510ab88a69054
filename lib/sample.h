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

#endif
