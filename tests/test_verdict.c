/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/verdict (and the fit and upper-tail helpers of lib/sample): golden
 * values from R 4.2.2, each with the command that produced it. Ratio intervals:
 *   Rscript -e 'options(digits=17); w <- wilcox.test(log(y), log(x), conf.int=TRUE,
 *   exact=TRUE); exp(w$conf.int); median(y)/median(x)'
 * with x (base) and y (new) as in each test. */
#include "check.h"
#include "compare.h"
#include "sample.h"
#include "verdict.h"

#include <string.h>

#define EPS 1e-12
#define CHECK_STR(a, b) do { if (strcmp((a), (b))) { \
	fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b)); \
	check_failures++; } } while (0)

static const double b4[] = { 10.2, 9.8, 10.5, 10.1 }, n4[] = { 11.4, 11.9, 11.1, 12.0 };
static const double b5[] = { 38.4, 37.9, 39.2, 38.8, 40.1 };
static const double n5[] = { 0.276, 0.281, 0.270, 0.290, 0.265 };
static const double sb[] = { 1.00, 0.96, 1.05, 1.02, 0.98 };
static const double s5[] = { 2.51, 2.448, 2.5414, 2.5755, 2.4453 };

/* 4 vs 4, +15%: ratio_lo 1.0571428571428572 ratio_hi 1.2244897959183672, median ratio
 * 1.1477832512315274, level 1 - 2*pwilcox(0, 4, 4) = 0.97142857142857142. */
static void test_4v4(void)
{
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(verdict_vms(b4, 4, n4, 4, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_SLOWER);
	CHECK(v.log_scale && !v.pooled && v.exact && !v.level_is_bound);
	CHECK_NEAR(v.ratio_lo, 1.0571428571428572, EPS);
	CHECK_NEAR(v.ratio_hi, 1.2244897959183672, EPS);
	CHECK_NEAR(v.ratio, 1.1477832512315274, EPS);
	CHECK_NEAR(v.hl_ratio, 1.1380852759077835, EPS);
	CHECK_NEAR(v.level, 0.97142857142857142, EPS);
	CHECK_NEAR(v.median[0], 10.15, EPS);
	CHECK_NEAR(v.median[1], 11.65, EPS);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "+14.8% [+5.7% .. +22.4%]");
	verdict_format_level(&v, buf, sizeof(buf));
	CHECK_STR(buf, "97.1%");
	CHECK_STR(verdict_name(v.kind), "slower");
	CHECK_STR(verdict_word(&v, true), "slower");
	CHECK_STR(verdict_label(&v), "per-VM medians");
	verdict_format_units(&v, 0, buf, sizeof(buf));
	CHECK_STR(buf, "4 VMs");
	verdict_set_samples(&v, 0, 16, 4, 4);
	verdict_format_units(&v, 0, buf, sizeof(buf));
	CHECK_STR(buf, "4 VMs x 4");

	/* Sides swapped: a speed-up, the interval inverted. */
	CHECK_EQ_INT(verdict_vms(n4, 4, b4, 4, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_FASTER);
	CHECK_NEAR(v.ratio_lo, 1 / 1.2244897959183672, EPS);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "-12.9% [-18.3% .. -5.4%]");
	CHECK_STR(verdict_word(&v, false), "fewer");
}

/* 5 vs 5, x1/140: ratio_lo 0.0067602040816326569 ratio_hi 0.0074742268041237125, median
 * ratio 0.0071134020618556712 (1/140.58), level 1 - 2*pwilcox(2, 5, 5) =
 * 0.96825396825396826. */
static void test_5v5_big(void)
{
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(verdict_vms(b5, 5, n5, 5, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_FASTER);
	CHECK_NEAR(v.ratio_lo, 0.0067602040816326569, EPS);
	CHECK_NEAR(v.ratio_hi, 0.0074742268041237125, EPS);
	CHECK_NEAR(v.ratio, 0.0071134020618556712, EPS);
	CHECK_NEAR(v.level, 0.96825396825396826, EPS);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "x0.0071 [0.0068 .. 0.0075], 141x faster");
	verdict_format_level(&v, buf, sizeof(buf));
	CHECK_STR(buf, "96.8%");
}

/* A 2.5x slowdown is "slower" (the old max(b/n, n/b) printed "2.5x faster"):
 * ratio_lo 2.3904761904761904 ratio_hi 2.6280612244897958, median ratio 2.51. */
static void test_slowdown_direction(void)
{
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(verdict_vms(sb, 5, s5, 5, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_SLOWER);
	CHECK_NEAR(v.ratio_lo, 2.3904761904761904, EPS);
	CHECK_NEAR(v.ratio_hi, 2.6280612244897958, EPS);
	CHECK_NEAR(v.ratio, 2.51, EPS);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "x2.5 [2.4 .. 2.6], 2.5x slower");
}

/* The -100% boundary. x = 10..13, y = c(1, 2, 3, 30): the additive interval as a % of the
 * base median goes to 100*wilcox.test(y, x, conf.int=TRUE)$conf.int[1]/median(x) =
 * -104.34782608695652; the ratio interval is [0.076923076923076927, 2.9999999999999996],
 * median ratio 0.21739130434782608. */
static void test_minus_100(void)
{
	const double x[] = { 10, 11, 12, 13 }, y[] = { 1, 2, 3, 30 };
	struct metric_cmp mc;
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(metric_compare(x, 4, y, 4, 0.95, &mc), 0);
	CHECK_NEAR(mc.pct_lo, -104.34782608695652, 1e-9); /* the old, meaningless figure */
	CHECK_EQ_INT(verdict_vms(x, 4, y, 4, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_NO_DIFFERENCE);
	CHECK_NEAR(v.ratio_lo, 0.076923076923076927, EPS);
	CHECK_NEAR(v.ratio_hi, 2.9999999999999996, EPS);
	CHECK_NEAR(v.ratio, 0.21739130434782608, EPS);
	CHECK(v.ratio_lo > 0);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "x0.22 [0.077 .. 3.0]");
	CHECK_STR(verdict_word(&v, true), "no difference proven");
	CHECK_STR(verdict_name(v.kind), "no difference");

	/* A speed-up in percent form: new = 0.6 base, so the ratio is 0.6 and the bounds
	 * 0.6/1.03 and 0.6*1.03 (extreme ratios, 4 vs 4): -41.7% and -38.2%. */
	const double h[] = { 1, 1.01, 1.02, 1.03 }, f[] = { 0.6, 0.606, 0.612, 0.618 };

	CHECK_EQ_INT(verdict_vms(h, 4, f, 4, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_FASTER);
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "-40.0% [-41.7% .. -38.2%]");
}

/* Ties among per-VM medians: exact level kept as a lower bound. R: x <- c(10,10,11,12,13);
 * y <- c(12,13,14,15,15); d <- sort(outer(log(y), log(x), "-")); exp(d[3]); exp(d[23]);
 * median(y)/median(x) -> 1, 1.4999999999999998, 1.2727272727272727. */
static void test_ties(void)
{
	const double x[] = { 10, 10, 11, 12, 13 }, y[] = { 12, 13, 14, 15, 15 };
	struct verdict v;
	char buf[64];

	CHECK_EQ_INT(verdict_vms(x, 5, y, 5, &v), 0);
	CHECK(v.level_is_bound && !v.exact);
	CHECK_NEAR(v.ratio_lo, 1, EPS);
	CHECK_NEAR(v.ratio_hi, 1.4999999999999998, EPS);
	CHECK_NEAR(v.ratio, 1.2727272727272727, EPS);
	CHECK_NEAR(v.level, 0.96825396825396826, EPS);
	CHECK_EQ_INT(v.kind, VERDICT_NO_DIFFERENCE); /* the closed interval touches 1 */
	verdict_format_level(&v, buf, sizeof(buf));
	CHECK_STR(buf, ">= 96.8%");
}

/* No interval of 95%: 3 vs 3 (best 1 - 2*pwilcox(0, 3, 3) = 0.9), a 1-VM side (even 1 vs
 * 40, where 1 - 2/41 > 0.95). 3 vs 5 is tested: 1 - 2*pwilcox(0, 3, 5) = 0.9642857142857143. */
static void test_not_tested(void)
{
	double many[40];
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(verdict_vms(b5, 3, n5, 3, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_NOT_TESTED);
	CHECK_STR(v.reason, "not tested: 3 vs 3 VMs, needs 4 a side (use --rounds)");
	CHECK_NEAR(v.level, 0.90000000000000002, EPS);
	CHECK(isnan(v.ratio_lo) && isnan(v.ratio_hi));
	CHECK(v.ratio > 0); /* the medians and their ratio are still shown */
	verdict_format_change(&v, true, buf, sizeof(buf));
	CHECK_STR(buf, "not tested: 3 vs 3 VMs, needs 4 a side (use --rounds)");
	CHECK_STR(verdict_name(v.kind), "not tested");

	CHECK_EQ_INT(verdict_vms(b5, 1, n5, 5, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_NOT_TESTED);
	CHECK_STR(v.reason, "not tested: 1 vs 5 VMs, needs 4 a side (use --rounds)");
	for (int i = 0; i < 40; i++)
		many[i] = 1 + i / 100.0;
	CHECK_EQ_INT(verdict_vms(b5, 1, many, 40, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_NOT_TESTED);

	CHECK_EQ_INT(verdict_vms(b5, 3, n5, 5, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_FASTER);
	CHECK_NEAR(v.level, 0.9642857142857143, EPS);

	CHECK_EQ_INT(verdict_pooled(b5, 3, n5, 3, &v), 0);
	CHECK(v.pooled);
	CHECK_STR(v.reason, "not tested: 3 vs 3 samples, needs 4 a side (more samples)");
	CHECK_STR(verdict_label(&v), "pooled samples (taken as independent)");
	verdict_format_units(&v, 1, buf, sizeof(buf));
	CHECK_STR(buf, "3 samples (pooled)");

	const double bad[] = { 1, NAN, 3, 4 };

	CHECK_EQ_INT(verdict_vms(bad, 4, n4, 4, &v), -1);
	CHECK_EQ_INT(v.kind, VERDICT_NOT_TESTED);
	CHECK_EQ_INT(verdict_vms(b4, 0, n4, 4, &v), -1);
}

/* Counters with zeros (mmu_shadow_zapped 37 -> 0): no log, the additive shift. */
static void test_counter(void)
{
	const double z37[] = { 37, 37, 37, 37 }, z0[] = { 0, 0, 0, 0 };
	struct verdict v;
	char buf[128];

	CHECK_EQ_INT(verdict_vms(z37, 4, z0, 4, &v), 0);
	CHECK(!v.log_scale);
	CHECK_EQ_INT(v.kind, VERDICT_FASTER);
	CHECK_NEAR(v.ratio, 0, 0);
	CHECK(isnan(v.ratio_lo));
	verdict_format_change(&v, false, buf, sizeof(buf));
	CHECK_STR(buf, "shift -37 [-37 .. -37], fewer");
	CHECK_EQ_INT(verdict_vms(z37, 4, z37, 4, &v), 0); /* all tied: [1, 1] */
	CHECK_EQ_INT(v.kind, VERDICT_NO_DIFFERENCE);
}

/* The gate on the interval: 4 vs 4 at +14.8% [+5.7% .. +22.4%]. PCT 10: the point is
 * beyond, the interval is not: pass. R: L <- sum(outer(log(n4), log(b4), "-") <=
 * log(1.10)); pwilcox(L, 4, 4) -> 0.17142857142857143; for log(1.05): 0.014285714285714285
 * (= 1/70 <= 0.025: the interval [1.057 ..] lies beyond +5%: regression). */
static void test_gate_interval(void)
{
	const struct verdict_opts g10 = { .gate = true, .gate_pct = 10 };
	const struct verdict_opts g5 = { .gate = true, .gate_pct = 5 };
	struct verdict v, *rows[1] = { &v };
	struct gate_summary sum;

	CHECK_EQ_INT(verdict_compare(b4, 4, n4, 4, &g10, &v), 0);
	CHECK(v.ratio > 1.10 && !v.beyond);
	CHECK_NEAR(v.p_worse, 0.17142857142857143, EPS);
	CHECK_EQ_INT(verdict_gate(rows, 1, &sum), GATE_PASS);
	CHECK(!v.regression);
	CHECK_EQ_INT(sum.gated, 1);

	CHECK_EQ_INT(verdict_compare(b4, 4, n4, 4, &g5, &v), 0);
	CHECK(v.beyond);
	CHECK_NEAR(v.p_worse, 0.014285714285714285, EPS);
	CHECK_EQ_INT(verdict_gate(rows, 1, &sum), GATE_REGRESSION);
	CHECK(v.regression);
	CHECK_EQ_INT(sum.regressions, 1);

	/* A speed-up is never a regression. */
	CHECK_EQ_INT(verdict_compare(b5, 5, n5, 5, &g5, &v), 0);
	CHECK_EQ_INT(verdict_gate(rows, 1, NULL), GATE_PASS);
}

/* Holm over the gated rows. Two 4 vs 4 rows, each beyond +5% alone: R: p.adjust(c(1/70,
 * 1/70), "holm") -> 0.028571428571428571 twice, > 0.025: neither fails. Two 5 vs 5 rows
 * at x2.5 gated at 10% (p = 1/252 each) and one not beyond: p.adjust(c(1/252, 1/252,
 * 0.5), "holm") -> 0.011904761904761904 0.011904761904761904 0.5: both fail. */
static void test_gate_holm(void)
{
	const struct verdict_opts g5 = { .gate = true, .gate_pct = 5 };
	const struct verdict_opts g10 = { .gate = true, .gate_pct = 10 };
	struct verdict v[3], *rows[3] = { &v[0], &v[1], &v[2] };
	struct gate_summary sum;

	verdict_compare(b4, 4, n4, 4, &g5, &v[0]);
	verdict_compare(b4, 4, n4, 4, &g5, &v[1]);
	CHECK(v[0].beyond && v[1].beyond);
	CHECK_EQ_INT(verdict_gate(rows, 2, &sum), GATE_PASS);
	CHECK(!v[0].regression && !v[1].regression);

	verdict_compare(sb, 5, s5, 5, &g10, &v[0]);
	verdict_compare(sb, 5, s5, 5, &g10, &v[1]);
	verdict_compare(b4, 4, n4, 4, &g10, &v[2]);
	CHECK_NEAR(v[0].p_worse, 1.0 / 252, EPS);
	CHECK_EQ_INT(verdict_gate(rows, 3, &sum), GATE_REGRESSION);
	CHECK(v[0].regression && v[1].regression && !v[2].regression);
	CHECK_EQ_INT(sum.gated, 3);
	CHECK_EQ_INT(sum.regressions, 2);
}

/* Nothing testable: 3 vs 3, a 1-VM side on each side (issue 10: exit 3), no rows. */
static void test_gate_nothing(void)
{
	const struct verdict_opts g = { .gate = true, .gate_pct = 5 };
	struct verdict v[2], *rows[2] = { &v[0], &v[1] };
	struct gate_summary sum;

	verdict_compare(sb, 3, s5, 3, &g, &v[0]);
	verdict_compare(sb, 1, s5, 1, &g, &v[1]);
	CHECK(isnan(v[0].p_worse));
	CHECK_EQ_INT(verdict_gate(rows, 2, &sum), GATE_NOTHING_TESTABLE);
	CHECK_EQ_INT(sum.gated, 0);
	CHECK_EQ_INT(verdict_gate(rows, 0, &sum), GATE_NOTHING_TESTABLE);
}

/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005, NA), "holm") -> 0.03 0.06 0.06 0.02 NA: at 0.05
 * the first and the fourth are rejected. */
static void test_holm(void)
{
	const double p[] = { 0.01, 0.04, 0.03, 0.005, NAN };
	bool r[5];

	CHECK_EQ_INT(holm_reject(p, 5, 0.05, r), 2);
	CHECK(r[0] && !r[1] && !r[2] && r[3] && !r[4]);
	CHECK_EQ_INT(holm_reject(p, 5, 0.029, r), 1); /* adjusted 0.02 only */
	CHECK(r[3] && !r[0]);
}

/* R: x <- c(10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5); y <- c(8.04, 6.95, 7.58, 8.81, 8.33,
 * 9.96, 7.24, 4.26, 10.84, 4.82, 5.68); f <- lm(y ~ x); confint(f)[2,];
 * summary(f)$coefficients[2,2] -> 0.23337013638518744 0.76681168179663084,
 * 0.11790550059563409. A flat one (zap-slot-like): x <- c(256, 512, 1024, 2048, 4096);
 * y <- c(30100, 52000, 31000, 90500, 70800) -> slope 10.858219926075272, interval
 * -12.418845539708464 34.135285391859007, r2 0.42350428572666599. */
static void test_fit(void)
{
	const double x[] = { 10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5 };
	const double y[] = { 8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68 };
	const double fx[] = { 256, 512, 1024, 2048, 4096 };
	const double fy[] = { 30100, 52000, 31000, 90500, 70800 };
	struct fit f;

	CHECK_EQ_INT(linear_fit_ci(x, y, 11, 0.95, &f), 0);
	CHECK(f.have_ci && !f.flat);
	CHECK_NEAR(f.b_lo, 0.23337013638518744, 1e-9);
	CHECK_NEAR(f.b_hi, 0.76681168179663084, 1e-9);
	CHECK_NEAR(f.se_b, 0.11790550059563409, 1e-12);
	CHECK_STR(fit_phrase(&f), "");
	CHECK_EQ_INT(linear_fit_ci(fx, fy, 5, 0.95, &f), 0);
	CHECK_NEAR(f.b, 10.858219926075272, 1e-9);
	CHECK_NEAR(f.b_lo, -12.418845539708464, 1e-8);
	CHECK_NEAR(f.b_hi, 34.135285391859007, 1e-8);
	CHECK_NEAR(f.r2, 0.42350428572666599, 1e-12);
	CHECK(f.flat);
	CHECK_STR(fit_phrase(&f), "flat (slope interval includes 0)");
	CHECK_EQ_INT(linear_fit_ci(fx, fy, 2, 0.95, &f), 0); /* a line, no interval */
	CHECK(!f.have_ci && !f.flat);
	CHECK_EQ_INT(linear_fit_ci(fx, fy, 1, 0.95, &f), -1);
}

/* "max", not "p99", below 100 samples. */
static void test_upper_tail(void)
{
	double v[100];
	struct summary s;

	for (int i = 0; i < 100; i++)
		v[i] = i + 1;
	summarize(v, 12, &s);
	CHECK_STR(upper_tail_name(s.n), "max");
	CHECK_NEAR(upper_tail(&s), 12, 0);
	summarize(v, 100, &s);
	CHECK_STR(upper_tail_name(s.n), "p99");
	CHECK_NEAR(upper_tail(&s), 99.01, 1e-9); /* numpy.percentile(range(1, 101), 99) */
}

/* run --precision: how far the interval reaches from the estimate. Golden values from
 * R 4.2.2: the 4 vs 4 case of test_4v4(),
 *   Rscript -e 'options(digits=17); x <- c(10.2, 9.8, 10.5, 10.1);
 *   y <- c(11.4, 11.9, 11.1, 12.0); ci <- exp(wilcox.test(log(y), log(x), conf.int=TRUE,
 *   exact=TRUE)$conf.int); r <- median(y)/median(x); 100*max(ci[2]/r-1, 1-ci[1]/r)'
 * and a median of 6 VMs (its interval is [min, max] at 96.875%):
 *   Rscript -e 'm <- median(c(15.2, 14.8, 16.1, 15.5, 15.0, 14.9)); 100*max(16.1/m-1, 1-14.8/m)' */
static void test_precision(void)
{
	const double six[] = { 15.2, 14.8, 16.1, 15.5, 15.0, 14.9 };
	struct precision p;

	CHECK_EQ_INT(precision_ratio(b4, 4, n4, 4, &p), 0);
	CHECK(p.ratio && p.ok);
	CHECK_NEAR(p.estimate, 1.1477832512315274, EPS);
	CHECK_NEAR(p.lo, 1.0571428571428572, EPS);
	CHECK_NEAR(p.hi, 1.2244897959183672, EPS);
	CHECK_NEAR(p.level, 0.97142857142857142, EPS);
	CHECK_NEAR(p.pct, 7.896995708154531, 1e-9);
	CHECK_EQ_INT(p.units[0], 4);
	/* 3 vs 3: no 95% interval, no precision */
	CHECK_EQ_INT(precision_ratio(b4, 3, n4, 3, &p), 0);
	CHECK(!p.ok && isinf(p.pct));
	CHECK_EQ_INT(precision_median(six, 6, &p), 0);
	CHECK(!p.ratio && p.ok);
	CHECK_NEAR(p.estimate, 15.1, EPS);
	CHECK_NEAR(p.lo, 14.8, EPS);
	CHECK_NEAR(p.hi, 16.1, EPS);
	CHECK_NEAR(p.level, 0.96875, EPS);
	CHECK_NEAR(p.pct, 6.6225165562914023, 1e-9);
	CHECK_EQ_INT(precision_median(six, 5, &p), 0);
	CHECK(!p.ok && isinf(p.pct));
	CHECK_EQ_INT(precision_median(six, 0, &p), -1);
	CHECK(!p.ok);
	CHECK_EQ_INT(precision_min_units(2), 4);
	CHECK_EQ_INT(precision_min_units(1), 6);
}

int main(void)
{
	test_4v4();
	test_5v5_big();
	test_slowdown_direction();
	test_minus_100();
	test_ties();
	test_not_tested();
	test_counter();
	test_gate_interval();
	test_gate_holm();
	test_gate_nothing();
	test_holm();
	test_fit();
	test_upper_tail();
	test_precision();
	CHECK_DONE();
}
