/* SPDX-License-Identifier: GPL-2.0 */
#include "dist.h"

#include <math.h>

double norm_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02,
				    -2.759285104469687e+02, 1.383577518672690e+02,
				    -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02,
				    -1.556989798598866e+02, 6.680131188771972e+01,
				    -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01,
				    -2.400758277161838e+00, -2.549732539343734e+00,
				    4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01,
				    2.445134137142996e+00, 3.754408661907416e+00 };
	const double plow = 0.02425;
	double q, x;

	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < plow || p > 1 - plow) {
		q = sqrt(-2 * log(p < plow ? p : 1 - p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
		if (p > 1 - plow)
			x = -x;
	} else {
		double r;

		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	/* One Halley step against erfc brings the 1e-9 approximation to full precision. */
	double e = 0.5 * erfc(-x / sqrt(2)) - p;
	double u = e * 2.5066282746310002 * exp(x * x / 2); /* sqrt(2 pi) */
	return x - u / (1 + x * u / 2);
}

/* Continued fraction of the incomplete beta (modified Lentz; Numerical Recipes 6.4). */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d = 1 - qab * x / qap, h;

	d = 1 / (fabs(d) < tiny ? tiny : d);
	h = d;
	for (int i = 1; i <= 1000; i++) {
		double m2 = 2.0 * i, aa = i * (b - i) * x / ((qam + m2) * (a + m2));

		for (int step = 0; step < 2; step++) {
			d = 1 + aa * d;
			d = 1 / (fabs(d) < tiny ? tiny : d);
			c = 1 + aa / c;
			c = fabs(c) < tiny ? tiny : c;
			h *= d * c;
			aa = -(a + i) * (qab + i) * x / ((a + m2) * (qap + m2));
		}
		if (fabs(d * c - 1) < 1e-16)
			break;
	}
	return h;
}

/* Regularized incomplete beta I_x(a, b). */
static double beta_inc(double a, double b, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;

	double lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);

	if (x < (a + 1) / (a + b + 2))
		return exp(lbt) * beta_cf(a, b, x) / a;
	return 1 - exp(lbt) * beta_cf(b, a, 1 - x) / b;
}

double t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;

	double tail = beta_inc(df / 2, 0.5, df / (df + t * t)) / 2; /* P(T > |t|) */

	return t > 0 ? 1 - tail : tail;
}

double t_quantile(double p, double df)
{
	if (isnan(p) || !(df > 0))
		return NAN;
	if (p <= 0)
		return -INFINITY;
	if (p >= 1)
		return INFINITY;
	if (p < 0.5)
		return -t_quantile(1 - p, df);

	double lo = 0, hi = 1;

	while (t_cdf(hi, df) < p && hi < 1e300)
		hi *= 2;
	while (hi - lo > 1e-14 * hi) {
		double mid = (lo + hi) / 2;

		if (mid <= lo || mid >= hi)
			break;
		if (t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}
