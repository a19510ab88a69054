/* SPDX-License-Identifier: GPL-2.0 */
#include "stall_window.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#include "stallcalc.h"
#include "util.h"

const char *const stall_vstat_names[STALL_NR_VSTATS] = {
	"pf_fixed", "exits", "io_exits", "mmio_exits", "halt_exits", "irq_exits",
	"signal_exits", "request_irq_exits", "tlb_flush",
};

/* The timeline starts this far after it is set up: every guest must have taken the new
 * epoch, and the host zeroed the buckets, before the first interval begins. */
#define STALL_LEAD_NS (5 * 1000000ULL)
#define STALL_PROGRESS_TIMEOUT_NS (10 * 1000000000ULL)
#define STALL_OFFSET_READS 64

double stall_ticks_ns(const struct bench_vm *b, uint64_t ticks)
{
	return (double)ticks * b->ns_per_tick;
}

static uint64_t ns_ticks(const struct bench_vm *b, uint64_t ns)
{
	return (uint64_t)((double)ns / b->ns_per_tick);
}

void stall_sleep_until(const struct bench_vm *b, uint64_t tsc)
{
	for (uint64_t now = __rdtsc(); now < tsc; now = __rdtsc()) {
		uint64_t ns = (uint64_t)stall_ticks_ns(b, tsc - now);
		struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ULL),
				       .tv_nsec = (long)(ns % 1000000000ULL) };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

/* Wait until vCPU i's log field changes from `from` (it runs). */
static uint64_t wait_change(unsigned i, const volatile uint64_t *field, uint64_t from,
			    const char *what)
{
	uint64_t t0 = now_ns(), v;
	while ((v = *field) == from && !guest_failure()) /* a failed guest: its loop ended */
		if (now_ns() - t0 > STALL_PROGRESS_TIMEOUT_NS)
			msb_die("vCPU %u: %s for 10 s (its touch loop is stuck)", i, what);
	return v;
}

void stall_offsets(struct bench_vm *b, int64_t *off)
{
	uint64_t g[STALL_OFFSET_READS], h[STALL_OFFSET_READS];
	for (unsigned i = 0; i < b->o->vcpus; i++) {
		struct stall_log *l = bench_vcpu_log(b, i);
		for (unsigned k = 0; k < STALL_OFFSET_READS; k++) {
			/* a freshly published value: the guest wrote it just now */
			g[k] = wait_change(i, &l->now, l->now, "published no TSC");
			h[k] = __rdtsc();
		}
		off[i] = stall_offset_bound(g, h, STALL_OFFSET_READS);
	}
}

static void snapshot_vcpu(struct bench_vm *b, unsigned i, struct stall_vcpu_window *v,
			  struct kvm_stats_snap *s)
{
	struct stall_log *l = bench_vcpu_log(b, i);
	v->touches = l->touches;
	v->gaps_over = l->ring_head;
	for (unsigned k = 0; k < SLOG_HIST_N; k++)
		v->hist[k] = l->hist[k];
	stats_snapshot(&b->vcpu_stats[i], s);
}

void stall_window_open(struct bench_vm *b, struct stall_window *w, const int64_t *off,
		       uint64_t n, uint64_t interval, uint64_t threshold)
{
	unsigned nv = (unsigned)b->o->vcpus;
	memset(w, 0, sizeof(*w));
	w->nvcpus = nv;
	w->n = n;
	w->interval = interval;
	w->v = msb_calloc(nv, sizeof(*w->v));
	do {
		w->base = __rdtsc() + ns_ticks(b, STALL_LEAD_NS);
		for (unsigned i = 0; i < nv; i++) {
			struct stall_log *l = bench_vcpu_log(b, i);
			l->tl_n = 0; /* nothing counted until the buckets are zeroed */
			l->tl_base = w->base + (uint64_t)off[i];
			l->tl_interval = interval;
			l->threshold = threshold;
			uint64_t epoch = l->tl_epoch + 1;
			l->tl_epoch = epoch;
			while (l->tl_seen != epoch)
				wait_change(i, &l->tl_seen, l->tl_seen, "took no new timeline");
			memset((void *)l->timeline, 0, n * sizeof(uint64_t));
			l->tl_n = n;
		}
		/* set up after the base had passed (this thread was preempted): again */
	} while (__rdtsc() >= w->base);
	w->snap0 = msb_calloc(nv, sizeof(*w->snap0));
	for (unsigned i = 0; i < nv; i++)
		snapshot_vcpu(b, i, &w->v[i], &w->snap0[i]);
}

/* The differences from open to close of what only grows. */
static void read_deltas(struct bench_vm *b, unsigned i, struct stall_window *w)
{
	struct stall_vcpu_window *v = &w->v[i], now;
	struct kvm_stats_snap s1;
	snapshot_vcpu(b, i, &now, &s1);
	v->touches = now.touches - v->touches;
	v->gaps_over = now.gaps_over - v->gaps_over;
	for (unsigned k = 0; k < SLOG_HIST_N; k++)
		v->hist[k] = now.hist[k] - v->hist[k];
	for (unsigned k = 0; k < STALL_NR_VSTATS; k++)
		if (!stats_delta(&b->vcpu_stats[i], &w->snap0[i], &s1, stall_vstat_names[k],
				 &v->vstat[k]))
			v->vstat[k] = -1;
	stats_snap_free(&w->snap0[i]);
	stats_snap_free(&s1);
}

void stall_window_close(struct bench_vm *b, struct stall_window *w, const int64_t *off)
{
	/* a touch that read the TSC just before the end may still be counting */
	stall_sleep_until(b, w->base + w->n * w->interval + ns_ticks(b, 100000));
	for (unsigned i = 0; i < w->nvcpus; i++) {
		struct stall_log *l = bench_vcpu_log(b, i);
		struct stall_vcpu_window *v = &w->v[i];
		l->tl_n = 0;
		v->timeline = msb_calloc(w->n, sizeof(uint64_t));
		for (uint64_t k = 0; k < w->n; k++)
			v->timeline[k] = l->timeline[k];
		v->max_gap = l->max_gap;
		v->max_end = v->max_gap ? l->max_at - (uint64_t)off[i] : 0;
		read_deltas(b, i, w);
	}
	free(w->snap0);
	w->snap0 = NULL;
}

void stall_window_free(struct stall_window *w)
{
	for (unsigned i = 0; w->v && i < w->nvcpus; i++)
		free(w->v[i].timeline);
	free(w->v);
	w->v = NULL;
}
