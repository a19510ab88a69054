/* SPDX-License-Identifier: GPL-2.0 */
#include "stallcalc.h"

#include <stdlib.h>

#include "util.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

double stall_rate(const uint64_t *t, size_t n)
{
	uint64_t *v = msb_calloc(n ? n : 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i])
			v[k++] = t[i];
	qsort(v, k, sizeof(*v), cmp_u64);
	double m = !k ? 0 : k % 2 ? (double)v[k / 2] : ((double)v[k / 2 - 1] + (double)v[k / 2]) / 2;
	free(v);
	return m;
}

size_t stall_recovered_at(const uint64_t *t, size_t n, double rate, size_t from)
{
	double need = STALL_RECOVERED_FRACTION * rate;
	size_t run = 0;
	for (size_t i = from; i < n; i++) {
		run = (double)t[i] >= need ? run + 1 : 0;
		if (run == STALL_RECOVERED_RUN)
			return i + 1 - STALL_RECOVERED_RUN;
	}
	return n;
}

static uint64_t overlap(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
	uint64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

struct stall_split stall_split(uint64_t end, uint64_t gap, uint64_t s, uint64_t e)
{
	uint64_t start = end >= gap ? end - gap : 0;
	struct stall_split r = {
		.before = overlap(start, end, 0, s),
		.inside = overlap(start, end, s, e),
		.after = overlap(start, end, e, UINT64_MAX),
	};
	return r;
}

int64_t stall_offset_bound(const uint64_t *g, const uint64_t *h, size_t n)
{
	int64_t best = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t d = (int64_t)(g[i] - h[i]);
		if (d > best)
			best = d;
	}
	return best;
}
