/* SPDX-License-Identifier: GPL-2.0 */
/* Verdicts a maintainer can cite (issue 10). The VM is the unit: samples from one VM are
 * repeated measures, so two sides are compared through their per-VM medians, and the
 * change is the ratio new/base with the Hodges-Lehmann / Mann-Whitney interval of the
 * log per-VM medians, exponentiated (a time's change can never go below -100%). The
 * interval is the narrowest whose achieved level is at least 95% (hl_shift_ci_min());
 * where none exists there is no test, and no verdict. Direction words come from the
 * interval only.
 *
 * Wiring, per row:  verdict_vms(base_medians, nb, new_medians, nn, &v)  (or
 * verdict_compare() with options: --pooled, the gate), then verdict_name(v.kind) for
 * the CSV, verdict_format_change() for the text, verdict_format_units() for "5 VMs x 4";
 * the gate: verdict_gate() over the rows' verdicts gives the exit code. */
#ifndef MSB_VERDICT_H
#define MSB_VERDICT_H
#include <stdbool.h>
#include <stddef.h>

#define VERDICT_LEVEL 0.95    /* least achieved confidence of a reported interval */
#define VERDICT_MIN_UNITS 2   /* a side of one VM is never tested */
#define VERDICT_ADVISE_UNITS 4 /* "needs 4 a side": 4 vs 4 reaches 97.1%, 3 vs 3 only 90% */
/* verdict_format_change(): percent form while the ratio and both bounds lie within
 * [1/2, 2] (changes of -50% to +100%), "x0.0072 [..], 139x faster" beyond. */
#define VERDICT_PCT_LOW 0.5
#define VERDICT_PCT_HIGH 2.0

/* Exit codes of the gate (and of compare): 2 is bad input, the caller's. */
#define GATE_PASS 0
#define GATE_REGRESSION 1
#define GATE_NOTHING_TESTABLE 3

enum verdict_kind {
	VERDICT_NOT_TESTED,    /* no interval of >= 95% (3 vs 3, a 1-VM side), or no data */
	VERDICT_NO_DIFFERENCE, /* the interval contains ratio 1 (shift 0) */
	VERDICT_FASTER,        /* the whole interval below 1: new is faster (or fewer) */
	VERDICT_SLOWER,        /* the whole interval above 1: new is slower (or more) */
};

struct verdict_opts {
	bool pooled;     /* --pooled: every sample an independent unit, labelled as such */
	bool gate;       /* compute p_worse and beyond for gate_pct */
	double gate_pct; /* --fail-on-regression PCT: "new/base > 1 + PCT/100" is a regression */
};

struct verdict {
	enum verdict_kind kind;
	bool pooled;       /* units are samples taken as independent (verdict_pooled()) */
	bool log_scale;    /* ratio interval from log values; false: a value <= 0, so the
			    * interval is of the additive shift new - base (counters) */
	size_t units[2];   /* base, new: VMs compared (samples when pooled) */
	size_t samples[2]; /* samples behind them; 0 unknown (verdict_set_samples()) */
	size_t per_vm_min[2], per_vm_max[2]; /* samples per VM, for "5 VMs x 4" */
	double median[2];  /* median of the per-VM medians (pooled: of all samples): the
			    * figures the ratio is taken of, the ones to print */
	double ratio;      /* median[1] / median[0]; NAN where median[0] <= 0 */
	double ratio_lo, ratio_hi; /* exp(shift_lo), exp(shift_hi); NAN unless log_scale and
				    * tested */
	double hl_ratio;   /* exp(shift): the Hodges-Lehmann estimate of the ratio */
	double shift, shift_lo, shift_hi; /* HL shift and interval on the tested scale: of
					   * log values, or of the values (!log_scale) */
	double level;      /* achieved confidence of [shift_lo, shift_hi]; >= VERDICT_LEVEL
			    * when tested (the best reachable one when not) */
	bool exact;        /* level from the exact null distribution, no ties */
	bool level_is_bound; /* ties: the exact level is a lower bound of the coverage */
	/* The gate (opts.gate), on log-scale verdicts only: */
	double gate_pct;   /* NAN without a gate */
	double p_worse;    /* one-sided p of "ratio <= 1 + gate_pct/100" (hl_p_above()) */
	bool beyond;       /* tested and ratio_lo > 1 + gate_pct/100 */
	bool regression;   /* set by verdict_gate(): proven worse than gate_pct, Holm-adjusted */
	char reason[112];  /* NOT_TESTED: "not tested: 3 vs 3 VMs, needs 4 a side (use --rounds)" */
};

/* Per-VM medians of base and new (nb, nn of them): the verdict. -1 (verdict
 * NOT_TESTED, reason "no data") when a side is empty or has a NaN or infinity. */
int verdict_vms(const double *base, size_t nb, const double *new_, size_t nn,
		struct verdict *out);
/* All samples as independent units (--pooled); pooled is set and the reason and label
 * say "samples". Only valid where the samples are independent, which repeated
 * measurements in one VM are not (tests/sim_coverage.c: ~70% coverage, ~30% false
 * differences on A/A with 5 VMs x 4 a side). */
int verdict_pooled(const double *base, size_t nb, const double *new_, size_t nn,
		   struct verdict *out);
/* Either, with options (opts NULL: per-VM, no gate). */
int verdict_compare(const double *base, size_t nb, const double *new_, size_t nn,
		    const struct verdict_opts *opts, struct verdict *out);
/* Record the samples behind side (0 base, 1 new): total and per-VM range. */
void verdict_set_samples(struct verdict *v, int side, size_t total, size_t per_vm_min,
			 size_t per_vm_max);

/* CSV words: "faster", "slower", "no difference", "not tested". */
const char *verdict_name(enum verdict_kind kind);
/* The word for the text: "faster"/"slower" for times, "fewer"/"more" for counts,
 * "no difference proven", "not tested". */
const char *verdict_word(const struct verdict *v, bool is_time);
/* "per-VM medians" or "pooled samples (taken as independent)". */
const char *verdict_label(const struct verdict *v);
/* The change: "+12.4% [+3.1% .. +22.0%]", or "x0.0072 [0.0056 .. 0.0095], 139x faster"
 * beyond VERDICT_PCT_LOW..HIGH ("139x faster" only when proven; "x3.1 [0.8 .. 9.0]"
 * otherwise); the reason when not tested; "shift +12 [+3 .. +20]" when !log_scale
 * (time words from is_time). Returns snprintf's count. */
int verdict_format_change(const struct verdict *v, bool is_time, char *buf, size_t len);
/* "5 VMs x 4", "5 VMs x 3-5", "5 VMs" (samples unknown), "20 samples (pooled)". */
void verdict_format_units(const struct verdict *v, int side, char *buf, size_t len);
/* The level as printed: "97.1%", or ">= 97.1%" (level_is_bound), "~95.0%" (normal
 * approximation). */
void verdict_format_level(const struct verdict *v, char *buf, size_t len);

/* Holm-Bonferroni: reject[i] for the step-down procedure at family-wise level alpha
 * over n p-values (NAN p: not part of the family, never rejected). Returns the number
 * rejected. */
size_t holm_reject(const double *p, size_t n, double alpha, bool *reject);

struct gate_summary {
	size_t rows;        /* rows given */
	size_t gated;       /* of them tested on the log scale with a p_worse: the family */
	size_t regressions; /* proven worse than gate_pct after Holm */
};

/* --fail-on-regression: a row is a regression only when its whole ratio interval lies
 * beyond 1 + PCT/100 and it survives Holm-Bonferroni over the gated rows at family-wise
 * level (1 - VERDICT_LEVEL) / 2 = 0.025, one-sided, on the rows' p_worse (computed by
 * verdict_compare() with opts.gate; one-sided exact Mann-Whitney p-values, not
 * intervals recomputed at adjusted levels). With one row this is exactly "the 95%
 * interval lies beyond PCT". Sets each row's regression. Returns GATE_PASS,
 * GATE_REGRESSION, or GATE_NOTHING_TESTABLE when no row could be gated. */
int verdict_gate(struct verdict *const *rows, size_t n, struct gate_summary *sum);

/* ---- precision (run --precision) ---- */

/* How far a 95% interval reaches from its estimate: of the ratio new/base of two sides'
 * per-VM medians (verdict_vms()), or of the median of one side's per-VM medians
 * (median_ci() of lib/sample). The run keeps adding rounds until pct <= its target. */
struct precision {
	bool ratio;      /* two sides: the ratio new/base; else the median of one side */
	bool ok;         /* an interval of at least VERDICT_LEVEL exists */
	double estimate; /* verdict.ratio (median of new / median of base), or the median */
	double lo, hi;   /* the interval (of the ratio, or of the median) */
	double level;    /* its achieved level */
	double pct;      /* 100 * max(hi / estimate - 1, 1 - lo / estimate): the interval
			  * lies within +-pct% of the estimate; INFINITY unless ok */
	size_t units[2]; /* VMs: base, new (one side: units[0]) */
};

/* Base and new per-VM medians: the ratio's precision. -1 (ok false) as verdict_vms(). */
int precision_ratio(const double *base, size_t nb, const double *new_, size_t nn,
		    struct precision *out);
/* One side's per-VM medians: the median's precision. -1 (ok false) when n is 0 or a
 * value is not finite. */
int precision_median(const double *v, size_t n, struct precision *out);
/* VMs a side needs for an interval of at least VERDICT_LEVEL: 4 (4 vs 4 reaches 97.1%)
 * with two sides, 6 (96.9%) with one. */
size_t precision_min_units(int sides);

#endif
