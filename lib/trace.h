/* SPDX-License-Identifier: GPL-2.0 */
/* Optional tracefs capture (root only, libtracefs) of what KVM's MMU does during a
 * measured window: kvmmmu:kvm_mmu_zap_all_fast and kvm_mmu_prepare_zap_page (each shadow
 * page zapped), the page faults KVM handles (kvm:kvm_page_fault, and
 * kvmmmu:kvm_mmu_spte_requested for those that install a mapping), and sched:sched_switch
 * of the ioctl thread (when it gave up its CPU). Events go to a private trace instance
 * filtered to the thread that opened it (the ioctl thread, which also runs vCPU 0), with
 * the "mono" trace clock so their times compare with CLOCK_MONOTONIC; tracing is on
 * only between trace_window_start() and trace_window_end(). Nothing global is touched;
 * the instance (and a tracefs mount made for it) is removed at exit, on SIGINT/SIGTERM
 * too. */
#ifndef MSB_TRACE_H
#define MSB_TRACE_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tracefs_instance;
struct tep_handle;

enum trace_kind {
	TK_ZAP_ALL,        /* kvmmmu:kvm_mmu_zap_all_fast */
	TK_PREPARE_ZAP,    /* kvmmmu:kvm_mmu_prepare_zap_page: one shadow page zapped */
	TK_PAGE_FAULT,     /* kvm:kvm_page_fault: a guest fault KVM handled */
	TK_SPTE_REQUESTED, /* kvmmmu:kvm_mmu_spte_requested: a fault that maps a page */
	TK_SWITCH_OUT,     /* sched:sched_switch with the traced thread as prev */
	NR_TRACE_KINDS,
	TK_SWITCH_IN = NR_TRACE_KINDS, /* the same event, the traced thread as next */
};
extern const char *const trace_event_names[NR_TRACE_KINDS]; /* "kvmmmu:kvm_mmu_zap_all_fast" */

struct trace_rec {
	uint64_t ts;  /* trace clock "mono": CLOCK_MONOTONIC ns */
	uint32_t kind;
	uint32_t val; /* TK_ZAP_ALL: used_pages (n_used_mmu_pages before the zap) */
};

struct msb_trace {
	char dir[256];   /* the instance directory (for the signal handler's rmdir) */
	char mount[64];  /* where we mounted tracefs ourselves, "" if it was there */
	sigset_t sigmask; /* the thread's mask while a libtracefs call holds SIGINT/SIGTERM */
	struct tracefs_instance *inst;
	struct tep_handle *tep;
	int ids[NR_TRACE_KINDS]; /* tep event ids; -1: this kernel has no such event */
	long tid;        /* the traced thread */
	size_t buffer_kb; /* per-CPU ring buffer size set so far (0: the kernel's default) */
	struct trace_rec *recs; /* the window's events, in time order */
	size_t n, cap;
	uint64_t lost;   /* events the ring buffer dropped or overwrote in this window */
};

/* Create the instance and enable the events. 0, or -1 with a one-line reason in err
 * (not root, no tracefs, a kernel without kvm_mmu_zap_all_fast). Events other than
 * that one are optional: ids[] says which exist. */
int trace_open(struct msb_trace *t, char *err, size_t errlen);
/* Forget earlier events and start recording. expected_events sizes the ring buffer
 * (faults of a refault; it only grows, up to a cap); cpu: the CPU the traced thread is
 * pinned to, or -1 (then every CPU's buffer is sized). */
void trace_window_start(struct msb_trace *t, uint64_t expected_events, int cpu);
/* Append the events recorded since the last call to t->recs (consumed from the ring
 * buffer) and add its losses to t->lost. 0, or -1 when unreadable. */
int trace_collect(struct msb_trace *t);
/* Stop recording. */
void trace_window_end(struct msb_trace *t);
/* Remove the instance (and unmount what we mounted). Idempotent. */
void trace_close(struct msb_trace *t);

/* What the zap events in [t0, t1] (an ioctl's clock reads) say. */
struct trace_zap {
	unsigned zap_all;     /* kvm_mmu_zap_all_fast events */
	uint64_t used_pages;  /* used_pages of the last of them */
	uint64_t pages;       /* kvm_mmu_prepare_zap_page events: shadow pages zapped */
	uint64_t first, last; /* the first and last zap event (either kind); 0: none */
	uint64_t gap_median, gap_max; /* of the gaps between consecutive zap events */
	unsigned long_gaps;   /* gaps longer than long_factor times their median */
	/* Gaps in which the traced thread switched out. The shadow MMU zaps under mmu_lock
	 * held for write (preemption off): it can leave its CPU only where
	 * cond_resched_rwlock_write() drops the lock, so each such gap is a yield. */
	unsigned yields;
};
void trace_zap_summary(const struct msb_trace *t, uint64_t t0, uint64_t t1,
		       unsigned long_factor, struct trace_zap *z);
/* Time in [t0, t1] the traced thread spent off its CPU (switched out until switched
 * in again: sleeping, or waiting on a run queue). */
uint64_t trace_offcpu_ns(const struct msb_trace *t, uint64_t t0, uint64_t t1);
/* kvm_page_fault and kvm_mmu_spte_requested events in [t0, t1]. */
void trace_fault_count(const struct msb_trace *t, uint64_t t0, uint64_t t1,
		       uint64_t *faults, uint64_t *mapped);

#endif
