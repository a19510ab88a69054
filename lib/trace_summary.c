/* SPDX-License-Identifier: GPL-2.0 */
/* What a window's trace records say: the zap of an ioctl, the faults of a refault. Pure
 * functions of t->recs (time-ordered), so tests can feed them records. */
#include "trace.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static bool is_zap(const struct trace_rec *r, uint64_t t0, uint64_t t1)
{
	return r->ts >= t0 && r->ts <= t1 && (r->kind == TK_ZAP_ALL || r->kind == TK_PREPARE_ZAP);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The gaps between consecutive zap events in [t0, t1]; returns how many (0 or 1 zap
 * events: none). *gaps is malloc'd, or NULL. */
static size_t zap_gaps(const struct msb_trace *t, uint64_t t0, uint64_t t1, uint64_t **gaps)
{
	size_t n = 0;
	uint64_t last = 0;
	bool seen = false;

	*gaps = t->n ? malloc(t->n * sizeof(**gaps)) : NULL;
	if (t->n && !*gaps)
		msb_die("--trace: out of memory for %zu gaps", t->n);
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->recs[i];
		if (!is_zap(r, t0, t1))
			continue;
		if (seen)
			(*gaps)[n++] = r->ts - last;
		seen = true;
		last = r->ts;
	}
	return n;
}

/* Counts, first and last, and the gaps with a switch-out of the traced thread. */
static void count_zap_events(const struct msb_trace *t, uint64_t t0, uint64_t t1,
			     struct trace_zap *z)
{
	bool switched = false;

	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->recs[i];
		if (r->kind == TK_SWITCH_OUT && z->first)
			switched = true;
		if (!is_zap(r, t0, t1))
			continue;
		if (r->kind == TK_ZAP_ALL) {
			z->zap_all++;
			z->used_pages = r->val;
		} else {
			z->pages++;
		}
		if (!z->first)
			z->first = r->ts;
		z->yields += switched;
		switched = false;
		z->last = r->ts;
	}
}

void trace_zap_summary(const struct msb_trace *t, uint64_t t0, uint64_t t1,
		       unsigned long_factor, struct trace_zap *z)
{
	*z = (struct trace_zap){ 0 };
	count_zap_events(t, t0, t1, z);
	uint64_t *gaps;
	size_t n = zap_gaps(t, t0, t1, &gaps);
	if (n) {
		uint64_t *sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			msb_die("--trace: out of memory for %zu gaps", n);
		memcpy(sorted, gaps, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_value);
		z->gap_median = sorted[n / 2];
		z->gap_max = sorted[n - 1];
		free(sorted);
	}
	for (size_t i = 0; i < n; i++)
		z->long_gaps += gaps[i] > (uint64_t)long_factor * z->gap_median;
	free(gaps);
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

uint64_t trace_offcpu_ns(const struct msb_trace *t, uint64_t t0, uint64_t t1)
{
	uint64_t sum = 0, out = 0;
	bool off = false;

	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->recs[i];
		if (r->kind == TK_SWITCH_OUT) {
			off = true;
			out = r->ts;
		} else if (r->kind == TK_SWITCH_IN && off) {
			sum += overlap(out, r->ts, t0, t1);
			off = false;
		}
	}
	if (off) /* not back by the end of the records: off until t1 */
		sum += overlap(out, t1, t0, t1);
	return sum;
}

void trace_fault_count(const struct msb_trace *t, uint64_t t0, uint64_t t1,
		       uint64_t *faults, uint64_t *mapped)
{
	*faults = *mapped = 0;
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->recs[i];
		if (r->ts < t0 || r->ts > t1)
			continue;
		*faults += r->kind == TK_PAGE_FAULT;
		*mapped += r->kind == TK_SPTE_REQUESTED;
	}
}
