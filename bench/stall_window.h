/* SPDX-License-Identifier: GPL-2.0 */
/* One observation window of the stall and tlb scenarios: every vCPU runs
 * guest_stall_loop, the host starts a timeline of TIMELINE_N intervals in each vCPU's
 * stall log at a common instant, may make one memslot update inside it, and reads
 * back what each guest saw (touches per interval, its longest gap, the gap histogram)
 * with the vCPU's own stat deltas. Times are on the host's TSC; each vCPU's guest TSC
 * is mapped onto it by an offset measured from the guest's published TSC. */
#ifndef MSB_STALL_WINDOW_H
#define MSB_STALL_WINDOW_H
#include <stdbool.h>
#include <stdint.h>

#include "harness.h"

/* vCPU stats read per window: faults taken, exits, and the exits by reason. */
#define STALL_NR_VSTATS 9
extern const char *const stall_vstat_names[STALL_NR_VSTATS];

struct stall_vcpu_window {
	uint64_t *timeline;         /* touches per interval, n of them */
	uint64_t touches;           /* all touches from open to close (the lead included) */
	uint64_t hist[SLOG_HIST_N]; /* gaps by log2 ticks, open to close */
	uint64_t gaps_over;         /* gaps at or above the threshold, open to close */
	uint64_t max_gap, max_end;  /* the longest gap ending in the timeline: ticks, host TSC */
	int64_t vstat[STALL_NR_VSTATS]; /* deltas, -1 when the kernel lacks one */
};

struct stall_window {
	unsigned nvcpus;
	uint64_t n, interval;       /* intervals, TSC ticks each */
	uint64_t base;              /* host TSC where interval 0 begins */
	bool update;                /* a memslot update was made in it */
	uint64_t ioctl[2];          /* host TSC around that update's ioctl */
	struct stall_vcpu_window *v;
	struct kvm_stats_snap *snap0; /* each vCPU's stats at open, until close */
};

/* Each vCPU's guest TSC minus the host's, measured while the vCPUs run (they must). */
void stall_offsets(struct bench_vm *b, int64_t *off);
/* Start a timeline of n intervals of `interval` ticks, beginning a few ms from now on
 * every vCPU at once, with the gap threshold in ticks. */
void stall_window_open(struct bench_vm *b, struct stall_window *w, const int64_t *off,
		       uint64_t n, uint64_t interval, uint64_t threshold);
/* Sleep until the host TSC reaches tsc. */
void stall_sleep_until(const struct bench_vm *b, uint64_t tsc);
/* Wait for the window's end and read everything back. */
void stall_window_close(struct bench_vm *b, struct stall_window *w, const int64_t *off);
void stall_window_free(struct stall_window *w);
/* Ticks to ns on this host. */
double stall_ticks_ns(const struct bench_vm *b, uint64_t ticks);

#endif
