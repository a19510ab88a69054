/* SPDX-License-Identifier: GPL-2.0 */
/* Two-sample comparison for `memslot-bench compare`: the Hodges-Lehmann shift of the
 * location with its distribution-free Mann-Whitney confidence interval (Bauer 1972,
 * Hollander & Wolfe ch. 4; what R's wilcox.test(x, y, conf.int = TRUE) reports).
 * Rank methods, because lab and host noise has heavy tails and outliers. */
#ifndef MSB_COMPARE_H
#define MSB_COMPARE_H
#include <stdbool.h>
#include <stddef.h>

#include "dist.h"

/* Largest n or m for the exact null distribution (R's limit); beyond it, or with ties,
 * the normal approximation picks the order statistics. */
#define MW_EXACT_MAX 50
/* Most pairwise differences compare will sort (n * m). */
#define MW_MAX_PAIRS (1u << 25)

struct shift_ci {
	double shift;  /* Hodges-Lehmann: median of all y_j - x_i */
	double lo, hi; /* confidence interval of the shift, order statistics of y_j - x_i */
	double conf;   /* confidence achieved (exact) or nominal (normal approximation) */
	bool exact;    /* exact null distribution: no ties and n, m < MW_EXACT_MAX */
	bool ok;       /* the requested level was achievable with these n and m */
	bool ties;     /* tied values in the pooled sample (hl_shift_ci_min: conf is then
			* a lower bound where n, m < MW_EXACT_MAX) */
};

/* Shift of y (new) against x (base) at confidence level (0.95). -1 when a side is
 * empty or n * m > MW_MAX_PAIRS. */
int hl_shift_ci(const double *x, size_t n, const double *y, size_t m, double level,
		struct shift_ci *out);

/* Null distribution of the Mann-Whitney U for sample sizes n and m (no ties):
 * P(U <= q), and R's qwilcox(p, n, m): the smallest q with P(U <= q) >= p. */
double mw_cdf(size_t q, size_t n, size_t m);
size_t mw_quantile(double p, size_t n, size_t m);


/* The narrowest interval whose achieved level is at least min_level (0.95): the largest
 * rank k with 1 - 2 P(U <= k - 1) >= min_level, so where the nominal level falls between
 * two attainable ones the next wider interval is taken, and conf is its level (4 vs 4:
 * 1 - 2/70 = 0.9714). For n, m < MW_EXACT_MAX the exact null distribution is used even
 * with ties: the closed interval [D(k), D(nm + 1 - k)] then covers with at least that
 * probability (counting tied differences on the interval's side only adds coverage),
 * so conf is a lower bound there (out->exact false). Larger samples: normal
 * approximation with the tie-corrected variance and a continuity correction, its
 * approximate level in conf. ok false (conf the best reachable, the widest interval
 * given) when no interval reaches min_level: 3 vs 3 reaches 0.90. -1 as hl_shift_ci(). */
int hl_shift_ci_min(const double *x, size_t n, const double *y, size_t m, double min_level,
		    struct shift_ci *out);

/* One-sided p-value of H0 "shift <= c" against "shift > c", for y (new) against x
 * (base): with L the number of differences y_j - x_i <= c (ties count against the
 * alternative: conservative), P(U <= L) under the null, exact for n, m < MW_EXACT_MAX,
 * else normal with continuity correction. Consistent with hl_shift_ci_min(): its lower
 * bound exceeds c exactly when this p is at most the interval's (1 - conf) / 2.
 * NAN when a side is empty or n * m > MW_MAX_PAIRS. */
double hl_p_above(const double *x, size_t n, const double *y, size_t m, double c);


/* A metric compared between two sides. Medians and p99 as in lib/sample (type 7). */
struct metric_cmp {
	size_t n[2];
	double median[2], p99[2];
	struct shift_ci ci;
	bool have_ci;  /* hl_shift_ci() succeeded */
	bool relative; /* base median > 0: pct, pct_lo, pct_hi are defined */
	double pct, pct_lo, pct_hi; /* 100 * shift / base median, and its interval */
	bool proven;   /* have_ci, ci.ok and the interval excludes 0 */
};

/* Compare samples y (new) with x (base) at the given level. -1 as hl_shift_ci() or
 * when a side is empty. */
int metric_compare(const double *x, size_t n, const double *y, size_t m, double level,
		   struct metric_cmp *out);

#endif
