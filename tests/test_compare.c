/* SPDX-License-Identifier: GPL-2.0 */
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

/* hl_shift_ci_min: the narrowest interval of at least 95%, its exact level. References:
 * R 4.2.2, Rscript -e 'options(digits=17); 1 - 2*pwilcox(0, 4, 4); 1 - 2*pwilcox(2, 5, 5);
 * 1 - 2*pwilcox(0, 3, 5); 1 - 2*pwilcox(0, 3, 3); qwilcox(0.025, 5, 5)'
 * -> 0.97142857142857142 0.96825396825396826 0.9642857142857143 0.90000000000000002 3. */
static void test_min_level_exact(void)
{
	const double a[] = { 1, 2, 3, 4, 5 }, b[] = { 11, 12, 13, 14, 15 };
	struct shift_ci ci;

	CHECK_EQ_INT(hl_shift_ci_min(a, 4, b, 4, 0.95, &ci), 0); /* 4 vs 4: D(1), D(16) */
	CHECK(ci.ok && ci.exact && !ci.ties);
	CHECK_NEAR(ci.conf, 0.97142857142857142, EPS);
	CHECK_NEAR(ci.lo, 7, EPS);
	CHECK_NEAR(ci.hi, 13, EPS);
	CHECK_EQ_INT(hl_shift_ci_min(a, 5, b, 5, 0.95, &ci), 0); /* 5 vs 5: D(3), D(23) */
	CHECK(ci.ok);
	CHECK_NEAR(ci.conf, 0.96825396825396826, EPS);
	CHECK_NEAR(ci.lo, 7, EPS); /* differences 6, 7, 7, 8, 8, 8, ..., 13, 13, 14 */
	CHECK_NEAR(ci.hi, 13, EPS);
	CHECK_EQ_INT(hl_shift_ci_min(a, 3, b, 5, 0.95, &ci), 0);
	CHECK(ci.ok);
	CHECK_NEAR(ci.conf, 0.9642857142857143, EPS);
	CHECK_EQ_INT(hl_shift_ci_min(a, 3, b, 3, 0.95, &ci), 0); /* 3 vs 3: 90% at best */
	CHECK(!ci.ok);
	CHECK_NEAR(ci.conf, 0.90000000000000002, EPS);
	/* Agrees with hl_shift_ci() (R's rule) where that one reaches the level. */
	const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	struct shift_ci r;

	hl_shift_ci(x, 10, y, 5, 0.95, &r);
	hl_shift_ci_min(x, 10, y, 5, 0.95, &ci);
	CHECK_NEAR(ci.lo, r.lo, 0);
	CHECK_NEAR(ci.hi, r.hi, 0);
	CHECK_NEAR(ci.conf, r.conf, EPS);
}

/* Ties: the exact level stays (a lower bound), the interval from the sorted differences.
 * R: x <- c(10,10,11,12,13); y <- c(12,13,14,15,15); d <- sort(outer(y, x, "-"));
 * cat(d[3], d[23], median(d)) -> 0 5 3 (k = qwilcox(0.025, 5, 5) = 3). */
static void test_min_level_ties(void)
{
	const double x[] = { 10, 10, 11, 12, 13 }, y[] = { 12, 13, 14, 15, 15 };
	struct shift_ci ci;

	CHECK_EQ_INT(hl_shift_ci_min(x, 5, y, 5, 0.95, &ci), 0);
	CHECK(ci.ok && ci.ties && !ci.exact);
	CHECK_NEAR(ci.conf, 0.96825396825396826, EPS);
	CHECK_NEAR(ci.lo, 0, EPS);
	CHECK_NEAR(ci.hi, 5, EPS);
	CHECK_NEAR(ci.shift, 3, EPS);
}

/* n = m = 60: normal approximation, k = floor(nm/2 + 1/2 + sd z(0.025)). scipy 1.10.1:
 * python3 -c 'from scipy.stats import norm; import math; nm=3600;
 * sd=math.sqrt(3600*121/12); k=math.floor(nm/2+0.5+sd*norm.ppf(0.025));
 * print(k, 1-2*norm.cdf((k-0.5-nm/2)/sd))' -> 1427 0.9500470427264741; D(1427) = 93.5
 * (see test_large). hl_p_above(c = 100): L = #{d <= 100} = 1770,
 * norm.cdf((1770.5-1800)/sd) -> 0.4384757600934123. */
static void test_min_level_large(void)
{
	double x[60], y[60];
	struct shift_ci ci;

	for (int i = 0; i < 60; i++) {
		x[i] = i;
		y[i] = i + 100.5;
	}
	CHECK_EQ_INT(hl_shift_ci_min(x, 60, y, 60, 0.95, &ci), 0);
	CHECK(!ci.exact && ci.ok);
	CHECK_NEAR(ci.conf, 0.9500470427264741, 1e-12);
	CHECK_NEAR(ci.lo, 93.5, EPS);
	CHECK_NEAR(ci.hi, 107.5, EPS);
	CHECK_NEAR(hl_p_above(x, 60, y, 60, 100), 0.4384757600934123, 1e-12);
}

/* One-sided p of "shift <= c". R: b4 <- c(10.2, 9.8, 10.5, 10.1);
 * n4 <- c(11.4, 11.9, 11.1, 12.0); L <- sum(outer(log(n4), log(b4), "-") <= log(1.10));
 * pwilcox(L, 4, 4) -> L = 4, 0.17142857142857143; with log(1.05): L = 0,
 * 0.014285714285714285. */
static void test_p_above(void)
{
	const double b[] = { 10.2, 9.8, 10.5, 10.1 }, n[] = { 11.4, 11.9, 11.1, 12.0 };
	double lb[4], ln[4];

	for (int i = 0; i < 4; i++) {
		lb[i] = log(b[i]);
		ln[i] = log(n[i]);
	}
	CHECK_NEAR(hl_p_above(lb, 4, ln, 4, log(1.10)), 0.17142857142857143, EPS);
	CHECK_NEAR(hl_p_above(lb, 4, ln, 4, log(1.05)), 0.014285714285714285, EPS);
	CHECK(isnan(hl_p_above(lb, 0, ln, 4, 0)));
}

/* R: qt(c(0.975, 0.995, 0.9), df) and pt(2.5, 3), pt(-1.2, 7), pt(0.3, 1). */
static void test_t(void)
{
	static const struct { double df, q975, q995, q90; } ref[] = {
		{ 1, 12.706204736174694, 63.656741162871526, 3.0776835371752544 },
		{ 2, 4.3026527297494619, 9.9248432009182892, 1.8856180831641269 },
		{ 3, 3.1824463052837078, 5.8409093097333544, 1.6377443536962091 },
		{ 5, 2.5705818356363137, 4.0321429835552287, 1.4758840488244804 },
		{ 10, 2.2281388519862739, 3.16927267261695, 1.3721836411103356 },
		{ 30, 2.0422724563012378, 2.7499956535672254, 1.3104150253913955 },
		{ 1000, 1.9623390808264076, 2.5807546980659501, 1.2823987214609247 },
	};

	for (size_t i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		CHECK_NEAR(t_quantile(0.975, ref[i].df), ref[i].q975, 1e-10 * ref[i].q975);
		CHECK_NEAR(t_quantile(0.995, ref[i].df), ref[i].q995, 1e-10 * ref[i].q995);
		CHECK_NEAR(t_quantile(0.9, ref[i].df), ref[i].q90, 1e-10 * ref[i].q90);
		CHECK_NEAR(t_quantile(0.025, ref[i].df), -ref[i].q975, 1e-10 * ref[i].q975);
	}
	CHECK_NEAR(t_cdf(2.5, 3), 0.95614667649596718, 1e-13);
	CHECK_NEAR(t_cdf(-1.2, 7), 0.13458596841360321, 1e-13);
	CHECK_NEAR(t_cdf(0.3, 1), 0.59277357907774231, 1e-13);
	CHECK_NEAR(t_quantile(0.5, 4), 0, 1e-12);
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
	test_min_level_exact();
	test_min_level_ties();
	test_min_level_large();
	test_p_above();
	test_t();
	CHECK_DONE();
}
