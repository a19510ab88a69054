/* SPDX-License-Identifier: GPL-2.0 */
/* What a vCPU's timeline (touches per interval) says about a stall: its normal rate, when
 * it recovered, and how its longest gap splits around the ioctl. Pure functions, on
 * numbers the guest recorded; unit-tested in tests/test_stallcalc.c. */
#ifndef MSB_STALLCALC_H
#define MSB_STALLCALC_H
#include <stddef.h>
#include <stdint.h>

/* Recovered: the rate is back to this fraction of the control window's rate ... */
#define STALL_RECOVERED_FRACTION 0.9
/* ... for this many intervals in a row. */
#define STALL_RECOVERED_RUN 3

/* A vCPU's running rate: the median of those of the n interval counts that are not 0
 * (intervals in which the host had descheduled its thread entirely say nothing of its
 * rate). 0 when all are 0. */
double stall_rate(const uint64_t *t, size_t n);
/* The first interval at or after `from` that starts a run of STALL_RECOVERED_RUN
 * intervals at >= STALL_RECOVERED_FRACTION * rate; n when there is none (the window
 * ended first: censored). */
size_t stall_recovered_at(const uint64_t *t, size_t n, double rate, size_t from);

/* The longest gap [end - gap, end] split against the ioctl [s, e] (one time base). */
struct stall_split {
	uint64_t before, inside, after;
};
struct stall_split stall_split(uint64_t end, uint64_t gap, uint64_t s, uint64_t e);

/* The offset of a guest clock from the host's (guest = host + offset) from pairs read
 * as: g the guest's clock as last published, h the host's clock read just after g. The
 * guest published g at or before h, so every g - h is a lower bound; the largest is the
 * tightest. */
int64_t stall_offset_bound(const uint64_t *g, const uint64_t *h, size_t n);

#endif
