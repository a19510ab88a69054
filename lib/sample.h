/* Sample series and their summaries. Summaries rest on medians and order statistics:
 * lab noise has heavy tails, so the mean is reported but never used to compare. */
#ifndef MSB_SAMPLE_H
#define MSB_SAMPLE_H
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
/* qsort comparator for doubles, ascending. */
int cmp_double(const void *a, const void *b);
/* Median of back-to-back CLOCK_MONOTONIC reads, ns: the timer's own cost. */
double clock_overhead_ns(void);
/* Nanoseconds per TSC tick, against CLOCK_MONOTONIC over about 20 ms: a KVM guest's TSC
 * runs at the host's rate unless TSC scaling is set, which memslot-bench never does. */
double tsc_ns_per_tick(void);

#endif
