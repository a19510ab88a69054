/* SPDX-License-Identifier: GPL-2.0 */
/* The normal and Student t distributions the statistics need (quantiles, CDF). */
#ifndef MSB_DIST_H
#define MSB_DIST_H

/* Standard normal quantile (Acklam's rational approximation, one Newton step). */
double norm_quantile(double p);

/* Student's t quantile with df degrees of freedom (df >= 1): the inverse of the CDF
 * 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2, the regularized incomplete beta by Lentz's
 * continued fraction, inverted by bisection to about 1e-13 relative. */
double t_quantile(double p, double df);

/* Its CDF. */
double t_cdf(double t, double df);

#endif
