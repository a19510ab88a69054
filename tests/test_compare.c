/* Unit test for lib/compare: Hodges-Lehmann shift and Mann-Whitney interval against
 * R's documented example and hand computations written out below. */
#include "check.h"
#include "compare.h"

#include <math.h>
#include <string.h>

#define EPS 1e-12

/* ?wilcox.test in R (Hollander & Wolfe 1973, p. 69f): permeability constants of the
 * human chorioamnion at term (x) and at 12-26 weeks (y). wilcox.test(x, y, conf.int = TRUE) prints W = 35, "95 percent confidence
 * interval: -0.15 0.76", "difference in location 0.305" (x - y). We compute y - x,
 * so the signs flip: shift -0.305, interval [-0.76, 0.15]. Exact case (no ties,
 * n, m < 50): qwilcox(0.025, 10, 5) = 9, so the bounds are the 9th smallest and 9th
 * largest of the 50 differences; the achieved level is 1 - 2 P(U <= 8) = 1 - 120/3003. */
static void test_r_example(void)
{
	const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	struct shift_ci ci;

	CHECK_EQ_INT(hl_shift_ci(x, 10, y, 5, 0.95, &ci), 0);
	CHECK(ci.exact);
	CHECK(ci.ok);
	CHECK_NEAR(ci.shift, -0.305, EPS);
	CHECK_NEAR(ci.lo, -0.76, EPS);
	CHECK_NEAR(ci.hi, 0.15, EPS);
	CHECK_NEAR(ci.conf, 1 - 120.0 / 3003, EPS);
	CHECK_EQ_INT(mw_quantile(0.025, 10, 5), 9);
	CHECK_NEAR(mw_cdf(8, 10, 5), 60.0 / 3003, EPS);

	/* Swapping the sides flips the shift and the interval. */
	CHECK_EQ_INT(hl_shift_ci(y, 5, x, 10, 0.95, &ci), 0);
	CHECK_NEAR(ci.shift, 0.305, EPS);
	CHECK_NEAR(ci.lo, -0.15, EPS);
	CHECK_NEAR(ci.hi, 0.76, EPS);
}

/* n = m = 2: the 6 orderings give U = 0, 1, 2, 2, 3, 4 (counts 1 1 2 1 1). */
static void test_null_distribution(void)
{
	CHECK_NEAR(mw_cdf(0, 2, 2), 1.0 / 6, EPS);
	CHECK_NEAR(mw_cdf(1, 2, 2), 2.0 / 6, EPS);
	CHECK_NEAR(mw_cdf(2, 2, 2), 4.0 / 6, EPS);
	CHECK_NEAR(mw_cdf(4, 2, 2), 1, EPS);
	CHECK_EQ_INT(mw_quantile(0.2, 2, 2), 1);
	CHECK_EQ_INT(mw_quantile(1.0 / 6, 2, 2), 0); /* an exact hit does not step up */
	/* Symmetric: P(U <= q) = P(U >= nm - q). */
	CHECK_NEAR(mw_cdf(3, 4, 7), 1 - mw_cdf(24, 4, 7), EPS);
}

/* Too few samples: n = m = 3 cannot reach 95% (best is 1 - 2/20 = 90%); n = m = 4
 * can, with the extreme differences: 1 - 2/70. */
static void test_small(void)
{
	const double a[] = { 1, 2, 3, 4 }, b[] = { 11, 12, 13, 14 };
	struct shift_ci ci;
	struct metric_cmp mc;

	CHECK_EQ_INT(hl_shift_ci(a, 3, b, 3, 0.95, &ci), 0);
	CHECK(!ci.ok);
	CHECK_NEAR(ci.conf, 0.9, EPS);
	CHECK_EQ_INT(metric_compare(a, 3, b, 3, 0.95, &mc), 0);
	CHECK(!mc.proven); /* the interval excludes 0, but only at 90% */

	CHECK_EQ_INT(hl_shift_ci(a, 4, b, 4, 0.95, &ci), 0);
	CHECK(ci.ok);
	CHECK_NEAR(ci.conf, 1 - 2.0 / 70, EPS);
	CHECK_NEAR(ci.lo, 11 - 4, EPS);
	CHECK_NEAR(ci.hi, 14 - 1, EPS);
	CHECK_NEAR(ci.shift, 10, EPS);
	CHECK_EQ_INT(hl_shift_ci(a, 0, b, 4, 0.95, &ci), -1);
}

/* Ties: x = 1..5, y = 3..7 (y = x + 2). Differences y_j - x_i = 2 + (j - i): -2 once,
 * -1 twice, 0 three times, ... 6 once; the median (13th of 25) is 2. Pooled ties: 3,
 * 4, 5 twice each, sum t^3 - t = 18; var U = 25/12 (11 - 18/90) = 22.5;
 * C = round(12.5 - 1.959964 * 4.743416) = round(3.203) = 3: [D(3), D(23)] = [-1, 5]. */
static void test_ties(void)
{
	const double x[] = { 1, 2, 3, 4, 5 }, y[] = { 3, 4, 5, 6, 7 };
	struct shift_ci ci;

	CHECK_EQ_INT(hl_shift_ci(x, 5, y, 5, 0.95, &ci), 0);
	CHECK(!ci.exact);
	CHECK(ci.ok);
	CHECK_NEAR(ci.shift, 2, EPS);
	CHECK_NEAR(ci.lo, -1, EPS);
	CHECK_NEAR(ci.hi, 5, EPS);
	CHECK_NEAR(ci.conf, 0.95, EPS);
}

/* n = m = 60, no ties: normal approximation. x = 0..59, y = x + 100.5. var U =
 * 3600 * 121 / 12 = 36300; C = round(1800 - 1.959964 * 190.526) = round(1426.57) = 1427.
 * Differences 100.5 + k, k = -59..59, k occurring 60 - |k| times: the first r values
 * of k hold r (r + 1) / 2 differences, 1378 for r = 52, 1431 for r = 53, so D(1427) is
 * at k = -7: 93.5, and by symmetry the upper bound is 107.5. */
static void test_large(void)
{
	double x[60], y[60];
	struct shift_ci ci;

	for (int i = 0; i < 60; i++) {
		x[i] = i;
		y[i] = i + 100.5;
	}
	CHECK_EQ_INT(hl_shift_ci(x, 60, y, 60, 0.95, &ci), 0);
	CHECK(!ci.exact);
	CHECK_NEAR(ci.shift, 100.5, EPS);
	CHECK_NEAR(ci.lo, 93.5, EPS);
	CHECK_NEAR(ci.hi, 107.5, EPS);
}

/* Constant counters, as mmu_shadow_zapped is: 37 everywhere on zap-all, 0 on zap-slot. */
static void test_constant_and_zero(void)
{
	double z37[10], z0[10];
	struct metric_cmp mc;

	for (int i = 0; i < 10; i++) {
		z37[i] = 37;
		z0[i] = 0;
	}
	/* All ties: var U = 0, the interval collapses onto the shift 0: nothing proven. */
	CHECK_EQ_INT(metric_compare(z37, 10, z37, 10, 0.95, &mc), 0);
	CHECK_NEAR(mc.ci.shift, 0, 0);
	CHECK_NEAR(mc.ci.lo, 0, 0);
	CHECK_NEAR(mc.ci.hi, 0, 0);
	CHECK(mc.relative);
	CHECK(!mc.proven);

	/* 37 -> 0: every difference is -37; -100%, proven. */
	CHECK_EQ_INT(metric_compare(z37, 10, z0, 10, 0.95, &mc), 0);
	CHECK(mc.proven);
	CHECK(mc.relative);
	CHECK_NEAR(mc.pct, -100, EPS);
	CHECK_NEAR(mc.pct_lo, -100, EPS);
	CHECK_NEAR(mc.pct_hi, -100, EPS);
	CHECK_NEAR(mc.median[0], 37, 0);
	CHECK_NEAR(mc.median[1], 0, 0);

	/* 0 -> 37: no relative change from a zero base, the absolute shift stands. */
	CHECK_EQ_INT(metric_compare(z0, 10, z37, 10, 0.95, &mc), 0);
	CHECK(!mc.relative);
	CHECK(mc.proven);
	CHECK_NEAR(mc.ci.shift, 37, 0);
}

/* Reference values: Python's statistics.NormalDist().inv_cdf. */
static void test_norm_quantile(void)
{
	CHECK_NEAR(norm_quantile(0.975), 1.9599639845400536, 1e-12);
	CHECK_NEAR(norm_quantile(0.001), -3.090232306167813, 1e-12);
	CHECK_NEAR(norm_quantile(0.3), -0.5244005127080407, 1e-12);
	CHECK_NEAR(norm_quantile(0.5), 0, 1e-15);
}

int main(void)
{
	test_r_example();
	test_null_distribution();
	test_small();
	test_ties();
	test_large();
	test_constant_and_zero();
	test_norm_quantile();
	CHECK_DONE();
}
