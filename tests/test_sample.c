/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/sample: summaries and fits against values worked out by hand
 * (and cross-checked with numpy's percentile, whose default is type 7). */
#include "check.h"
#include "sample.h"

#include <math.h>
#include <string.h>

#define EPS 1e-12

static void test_one_to_ten(void)
{
	const double v[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct summary s;

	CHECK_EQ_INT(summarize(v, 10, &s), 0);
	CHECK_EQ_INT(s.n, 10);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 10, 0);
	CHECK_NEAR(s.median, 5.5, EPS);
	CHECK_NEAR(s.mean, 5.5, EPS);
	/* h = 9 * 0.9 = 8.1: 9 + 0.1 * (10 - 9) */
	CHECK_NEAR(s.p90, 9.1, EPS);
	/* h = 9 * 0.99 = 8.91 */
	CHECK_NEAR(s.p99, 9.91, EPS);
	/* sqrt(82.5 / 9) */
	CHECK_NEAR(s.stddev, 3.0276503540974917, EPS);
}

static void test_single(void)
{
	const double v[] = { 42.5 };
	struct summary s;

	CHECK_EQ_INT(summarize(v, 1, &s), 0);
	CHECK_EQ_INT(s.n, 1);
	CHECK_NEAR(s.min, 42.5, 0);
	CHECK_NEAR(s.median, 42.5, 0);
	CHECK_NEAR(s.mean, 42.5, 0);
	CHECK_NEAR(s.p90, 42.5, 0);
	CHECK_NEAR(s.p99, 42.5, 0);
	CHECK_NEAR(s.max, 42.5, 0);
	CHECK_NEAR(s.stddev, 0, 0);
}

static void test_odd_unsorted(void)
{
	double v[] = { 3, 1, 2 };
	struct summary s;

	CHECK_EQ_INT(summarize(v, 3, &s), 0);
	CHECK_NEAR(s.min, 1, 0);
	CHECK_NEAR(s.max, 3, 0);
	CHECK_NEAR(s.median, 2, EPS);
	CHECK_NEAR(s.mean, 2, EPS);
	CHECK_NEAR(s.p90, 2.8, EPS);  /* h = 1.8 */
	CHECK_NEAR(s.p99, 2.98, EPS); /* h = 1.98 */
	CHECK_NEAR(s.stddev, 1, EPS); /* sqrt((1 + 0 + 1) / 2) */
	/* The caller's array keeps measurement order. */
	CHECK(v[0] == 3 && v[1] == 1 && v[2] == 2);
}

static void test_even(void)
{
	const double v[] = { 4, 1, 3, 2 };
	struct summary s;

	CHECK_EQ_INT(summarize(v, 4, &s), 0);
	CHECK_NEAR(s.median, 2.5, EPS);
	CHECK_NEAR(s.mean, 2.5, EPS);
	CHECK_NEAR(s.p90, 3.7, EPS);  /* h = 2.7 */
	CHECK_NEAR(s.p99, 3.97, EPS); /* h = 2.97 */
	CHECK_NEAR(s.stddev, 1.2909944487358056, EPS); /* sqrt(5 / 3) */
}

static void test_heavy_tail(void)
{
	/* The lab's shape: one outlier moves the mean, not the median. */
	const double v[] = { 1, 1, 100, 1, 1 };
	struct summary s;

	CHECK_EQ_INT(summarize(v, 5, &s), 0);
	CHECK_NEAR(s.median, 1, 0);
	CHECK_NEAR(s.mean, 20.8, EPS);
	CHECK_NEAR(s.p90, 60.4, EPS); /* h = 3.6: 1 + 0.6 * 99 */
	CHECK_NEAR(s.max, 100, 0);
}

static void test_empty(void)
{
	struct summary s;
	double v = 1;

	CHECK_EQ_INT(summarize(&v, 0, &s), -1);
	CHECK_EQ_INT(s.n, 0);
}

static void test_percentile(void)
{
	const double v[] = { 1, 2, 3, 4 };

	CHECK_NEAR(percentile_sorted(v, 4, 0), 1, 0);
	CHECK_NEAR(percentile_sorted(v, 4, 100), 4, 0);
	CHECK_NEAR(percentile_sorted(v, 4, -5), 1, 0);
	CHECK_NEAR(percentile_sorted(v, 4, 150), 4, 0);
	CHECK_NEAR(percentile_sorted(v, 4, 25), 1.75, EPS); /* numpy: 1.75 */
	CHECK_NEAR(percentile_sorted(v, 4, 50), 2.5, EPS);
	CHECK_NEAR(percentile_sorted(v, 4, 75), 3.25, EPS);
	CHECK_NEAR(percentile_sorted(v, 1, 37), 1, 0);
	CHECK(isnan(percentile_sorted(v, 0, 50)));
}

static void test_fit_exact(void)
{
	double x[10], y[10], a = 0, b = 0, r2 = 0;

	for (int i = 0; i < 10; i++) {
		x[i] = i;
		y[i] = 3 + 2 * i;
	}
	CHECK_EQ_INT(linear_fit(x, y, 10, &a, &b, &r2), 0);
	CHECK_NEAR(a, 3, EPS);
	CHECK_NEAR(b, 2, EPS);
	CHECK_NEAR(r2, 1, EPS);
	/* Any output may be left out. */
	CHECK_EQ_INT(linear_fit(x, y, 10, NULL, &b, NULL), 0);
	CHECK_NEAR(b, 2, EPS);
}

static void test_fit_anscombe(void)
{
	/* Anscombe (1973), set I: y = 3.00 + 0.500 x, r2 = 0.67 (0.6665 to four places). */
	const double x[] = { 10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5 };
	const double y[] = { 8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68 };
	double a, b, r2;

	CHECK_EQ_INT(linear_fit(x, y, 11, &a, &b, &r2), 0);
	CHECK_NEAR(a, 3.0001, 5e-5);
	CHECK_NEAR(b, 0.5001, 5e-5);
	CHECK_NEAR(r2, 0.6665, 5e-5);
}

static void test_fit_degenerate(void)
{
	const double x[] = { 2, 2, 2 }, y[] = { 1, 2, 3 }, xs[] = { 1, 2, 3 }, c[] = { 5, 5, 5 };
	double a = 0, b = 0, r2 = 0;

	CHECK_EQ_INT(linear_fit(x, y, 1, &a, &b, &r2), -1);
	CHECK_EQ_INT(linear_fit(x, y, 3, &a, &b, &r2), -1); /* vertical line */
	CHECK_EQ_INT(linear_fit(xs, c, 3, &a, &b, &r2), 0); /* flat line, fitted exactly */
	CHECK_NEAR(a, 5, EPS);
	CHECK_NEAR(b, 0, EPS);
	CHECK_NEAR(r2, 1, 0);
}

static void test_series(void)
{
	struct series s;

	series_init(&s, "delete_ns", "ns");
	CHECK(!strcmp(s.name, "delete_ns"));
	CHECK(!strcmp(s.unit, "ns"));
	CHECK_EQ_INT(s.n, 0);
	for (int i = 0; i < 1000; i++)
		series_add(&s, i * 0.5);
	CHECK_EQ_INT(s.n, 1000);
	CHECK(s.cap >= s.n);
	CHECK_NEAR(s.v[0], 0, 0);
	CHECK_NEAR(s.v[999], 499.5, 0);
	series_free(&s);
	CHECK(s.v == NULL && s.name == NULL && s.unit == NULL && s.n == 0);
}

static void test_clock(void)
{
	double o = clock_overhead_ns();

	printf("clock_gettime overhead: %.1f ns\n", o);
	CHECK(o > 0);
	CHECK(o < 1e6);
}

/* The median's order-statistic interval: golden values from R 4.2.2,
 *   Rscript -e 'options(digits=17); f <- function(x) { n <- length(x);
 *   k <- max(qbinom(0.025, n, 0.5), 1); s <- sort(x);
 *   cat(n, k, s[k], s[n+1-k], 1 - 2*pbinom(k-1, n, 0.5), median(x), "\\n") }; f(...)'
 * (k = qbinom(0.025, n, 0.5) is the largest rank whose level reaches 95%). */
static void check_mci(const double *v, size_t n, size_t k, double lo, double hi, double level,
		      double median, bool ok)
{
	struct median_ci m;

	CHECK_EQ_INT(median_ci(v, n, 0.95, &m), 0);
	CHECK_EQ_INT(m.n, n);
	CHECK_EQ_INT(m.k, k);
	CHECK_NEAR(m.lo, lo, EPS);
	CHECK_NEAR(m.hi, hi, EPS);
	CHECK_NEAR(m.level, level, EPS);
	CHECK_NEAR(m.median, median, EPS);
	CHECK(m.ok == ok);
}

static void test_median_ci(void)
{
	const double six[] = { 15.2, 14.8, 16.1, 15.5, 15.0, 14.9 };
	const double ten[] = { 3.1, 2.7, 2.9, 3.4, 3.0, 2.8, 3.3, 2.6, 3.2, 3.6 };
	/* ties: twenty values, nine of them 5 */
	const double tied[] = { 5, 5, 4, 6, 5, 7, 5, 3, 5, 6, 4, 5, 8, 5, 2, 5, 6, 4, 5, 9 };
	double thirty[30];
	struct median_ci m;

	for (int i = 0; i < 30; i++)
		thirty[i] = 30 - i;
	check_mci(six, 6, 1, 14.8, 16.1, 0.96875, 15.1, true);
	/* 5 values: [min, max] reaches only 1 - 2/32 = 93.75%: no interval of 95% */
	check_mci(six, 5, 1, 14.8, 16.1, 0.9375, 15.2, false);
	check_mci(ten, 10, 2, 2.7, 3.4, 0.978515625, 3.05, true);
	check_mci(tied, 20, 6, 5, 6, 0.95861053466796875, 5, true);
	check_mci(thirty, 30, 10, 10, 21, 0.95722605474293232, 15.5, true);
	CHECK_EQ_INT(median_ci(six, 0, 0.95, &m), -1);
	const double nan1[] = { 1, NAN, 3 };
	CHECK_EQ_INT(median_ci(nan1, 3, 0.95, &m), -1);
	CHECK_EQ_INT(median_ci_min_n(0.95), 6);
	CHECK_EQ_INT(median_ci_min_n(0.99), 8); /* 1 - 2/256 = 0.9922; 7: 0.984 */
	/* pbinom(0, 6, .5), pbinom(1, 10, .5), pbinom(5, 20, .5), pbinom(9, 30, .5),
	 * pbinom(400, 1000, .5) */
	CHECK_NEAR(binom_half_cdf(0, 6), 0.015625, EPS);
	CHECK_NEAR(binom_half_cdf(1, 10), 0.010742187500000007, EPS);
	CHECK_NEAR(binom_half_cdf(5, 20), 0.020694732666015642, EPS);
	CHECK_NEAR(binom_half_cdf(9, 30), 0.02138697262853383, EPS);
	CHECK_NEAR(binom_half_cdf(400, 1000) / 1.3642320780330136e-10, 1, 1e-9);
	CHECK_NEAR(binom_half_cdf(30, 30), 1, 0);
}

/* Per-VM medians: groups by the index value, in order of first appearance. */
static void test_group_medians(void)
{
	const double v[] = { 5, 1, 7, 2, 9, 3, 100 };
	const double g[] = { 0, 1, 0, 1, 0, 1, 2 };
	size_t k;
	double *m = group_medians(v, g, 7, &k);

	CHECK_EQ_INT(k, 3);
	CHECK_NEAR(m[0], 7, 0);
	CHECK_NEAR(m[1], 2, 0);
	CHECK_NEAR(m[2], 100, 0);
	free(m);
	CHECK(group_medians(v, g, 0, &k) == NULL && k == 0);
}

int main(void)
{
	test_one_to_ten();
	test_single();
	test_odd_unsorted();
	test_even();
	test_heavy_tail();
	test_empty();
	test_percentile();
	test_fit_exact();
	test_fit_anscombe();
	test_fit_degenerate();
	test_series();
	test_clock();
	test_median_ci();
	test_group_medians();
	CHECK_DONE();
}
