/* SPDX-License-Identifier: GPL-2.0 */
/* Timing one memslot change (KVM_SET_USER_MEMORY_REGION) with the VM stats around it. */
#include "change.h"

#include <x86intrin.h>

#include <stdio.h>
#include <time.h>

#include "util.h"

static void add_gauges(struct bench_vm *b, const char *when, const struct kvm_stats_snap *s)
{
	static const char *const gauges[] = { "pages_4k", "pages_2m" };
	char name[48];
	for (size_t i = 0; i < ARRAY_SIZE(gauges); i++) {
		uint64_t v;
		if (!bench_stat_opt(b, s, gauges[i], &v))
			continue;
		snprintf(name, sizeof(name), "%s_%s", gauges[i], when);
		bench_add(b, name, "sptes", (double)v);
	}
}

static uint64_t sptes_of(struct bench_vm *b, const struct kvm_stats_snap *s)
{
	static const char *const levels[] = { "pages_4k", "pages_2m", "pages_1g" };
	uint64_t sptes = 0, v;
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (bench_stat_opt(b, s, levels[i], &v))
			sptes += v;
	return sptes;
}

/* Shadow pages present before the change. KVM has no gauge of them. With the quirk on,
 * DELETE and MOVE zap every shadow page (kvm_mmu_zap_all_fast) and mmu_shadow_zapped
 * counts each once: the change's delta is the count. Otherwise created minus zapped since
 * VM creation, exact while no in-use root has been zapped: KVM counts such a root twice,
 * at the zap and again when the vCPU frees it, so after zap-alls that difference drifts
 * one low per zap (and only zap-all zaps roots here). */
static bool shadow_pages_before(struct bench_vm *b, const struct memslot_change *c,
				const struct kvm_stats_snap *s0, const struct kvm_stats_snap *s1,
				uint64_t *pages)
{
	int64_t d;
	if (b->variant == VARIANT_ZAP_ALL && c->delete_or_move &&
	    stats_delta(&b->vm_stats, s0, s1, "mmu_shadow_zapped", &d)) {
		*pages = (uint64_t)d;
		return true;
	}
	uint64_t made, zapped;
	if (!bench_stat_opt(b, s0, "mmu_cache_miss", &made) ||
	    !bench_stat_opt(b, s0, "mmu_shadow_zapped", &zapped))
		return false;
	*pages = made - zapped;
	return true;
}

/* Events of the MMU that are not the change's own: recycled or flooded shadow pages,
 * NX huge pages split back. A sample where any moved is flagged, as is one where
 * zap-slot zapped shadow pages for a slot the guest never mapped. */
static void attribution(struct bench_vm *b, const struct memslot_change *c,
			const struct kvm_stats_snap *s0, const struct kvm_stats_snap *s1)
{
	static const char *const foreign[] = { "mmu_recycled", "mmu_flooded", "nx_lpage_splits" };
	int64_t d, events = 0, zapped = 0;
	for (size_t i = 0; i < ARRAY_SIZE(foreign); i++)
		if (stats_delta(&b->vm_stats, s0, s1, foreign[i], &d))
			events += d;
	bool unmapped = !c->mapped;
	if (b->variant == VARIANT_ZAP_SLOT && unmapped && !b->o->tdp)
		stats_delta(&b->vm_stats, s0, s1, "mmu_shadow_zapped", &zapped);
	bench_add(b, "foreign_mmu_events", "count", (double)events);
	bench_add(b, "flagged", "count", events > 0 || zapped > 0 ? 1 : 0);
}

/* SecPageTables from /proc/meminfo, in 4 KiB pages: the TDP MMU's page tables (since
 * 6.0). System-wide: other VMs' count too; tables freed after the ioctl returns (RCU)
 * are not yet subtracted when it is read right after. false where absent. */
static bool sec_pagetables(uint64_t *pages)
{
	char line[128];
	unsigned long long kb;
	bool ok = false;
	FILE *f = fopen("/proc/meminfo", "r");
	while (f && !ok && fgets(line, sizeof(line), f))
		ok = sscanf(line, "SecPageTables: %llu kB", &kb) == 1;
	if (f)
		fclose(f);
	*pages = ok ? kb / 4 : 0;
	return ok;
}

/* Page-table pages present before and zapped, in one vocabulary for both MMUs: the
 * shadow MMU's own counts, or the TDP MMU's SecPageTables around the change. */
static void pt_pages(struct bench_vm *b, const struct memslot_change *c,
		     const struct kvm_stats_snap *s0, const struct kvm_stats_snap *s1,
		     uint64_t sec0, uint64_t sec1)
{
	uint64_t before;
	int64_t zapped;
	if (b->o->tdp) {
		if (!sec0 && !sec1)
			return;
		bench_add(b, "pt_pages_before", "pages", (double)sec0);
		bench_add(b, "pt_pages_zapped", "pages", sec0 > sec1 ? (double)(sec0 - sec1) : 0);
		return;
	}
	if (shadow_pages_before(b, c, s0, s1, &before)) {
		bench_add(b, "shadow_pages_before", "pages", (double)before);
		bench_add(b, "pt_pages_before", "pages", (double)before);
	}
	if (stats_delta(&b->vm_stats, s0, s1, "mmu_shadow_zapped", &zapped))
		bench_add(b, "pt_pages_zapped", "pages", (double)zapped);
}

/* VM stat deltas and gauges around the primary change. */
static void record_vm_stats(struct bench_vm *b, const struct memslot_change *c,
			    const struct kvm_stats_snap *s0, const struct kvm_stats_snap *s1,
			    uint64_t sec0, uint64_t sec1)
{
	static const char *const deltas[] = { "mmu_shadow_zapped", "remote_tlb_flush",
					      "remote_tlb_flush_requests" };
	/* The TDP MMU keeps no shadow pages: its counters read 0, which is not a count. */
	for (size_t i = b->o->tdp ? 1 : 0; i < ARRAY_SIZE(deltas); i++) {
		int64_t d;
		if (stats_delta(&b->vm_stats, s0, s1, deltas[i], &d))
			bench_add(b, deltas[i], "count", (double)d);
	}
	uint64_t sptes0 = sptes_of(b, s0), sptes1 = sptes_of(b, s1);
	bench_add(b, "sptes_before", "sptes", (double)sptes0);
	bench_add(b, "sptes_zapped", "sptes", sptes0 > sptes1 ? (double)(sptes0 - sptes1) : 0);
	pt_pages(b, c, s0, s1, sec0, sec1);
	add_gauges(b, "before", s0);
	add_gauges(b, "after", s1);
	attribution(b, c, s0, s1);
}

/* --trace: a gap between two consecutive zap events longer than this many times their
 * median is a long gap. Zapping one shadow page costs about the same as the next (a
 * last-level table unlinks at most 512 SPTEs), so gaps stay within a few times their
 * median unless the zap stopped: a yield (cond_resched_rwlock_write(), checked every 10
 * pages, BATCH_ZAP_PAGES, runs another task first), a contended lock handed over, or the
 * CPU taken (interrupts; a nested host). results/README.md has the measured gaps. */
#define TRACE_LONG_GAP_FACTOR 10

/* --trace: what the zap events inside the ioctl [t0, t1] say. The shadow MMU zaps shadow
 * pages one kvm_mmu_prepare_zap_page event each; the TDP MMU zaps its roots without that
 * event (kvm_tdp_mmu_*), so under it only the kvm_mmu_zap_all_fast count is kept. */
static void add_trace(struct bench_vm *b, uint64_t t0, uint64_t t1)
{
	struct trace_zap z;
	if (trace_collect(b->trace) < 0)
		msb_die_errno("--trace: cannot read the trace in %s", b->trace->dir);
	trace_zap_summary(b->trace, t0, t1, TRACE_LONG_GAP_FACTOR, &z);
	bench_add(b, "trace_zap_all_fast", "events", z.zap_all);
	if (z.zap_all)
		bench_add(b, "trace_used_pages", "pages", (double)z.used_pages);
	bench_add(b, "trace_lost_events", "count", (double)b->trace->lost);
	if (b->o->tdp || b->trace->ids[TK_PREPARE_ZAP] < 0)
		return;
	uint64_t span = z.first ? z.last - z.first : 0;
	bench_add(b, "trace_zap_pages", "pages", (double)z.pages);
	bench_add(b, "trace_zap_span_ns", "ns", (double)span);
	bench_add(b, "trace_outside_zap_ns", "ns", (double)(t1 - t0 - span));
	bench_add(b, "trace_zap_long_gaps", "count", z.long_gaps);
	if (z.pages) {
		bench_add(b, "trace_zap_ns_per_page", "ns", (double)span / (double)z.pages);
		bench_add(b, "trace_zap_gap_median_ns", "ns", (double)z.gap_median);
		bench_add(b, "trace_zap_gap_max_ns", "ns", (double)z.gap_max);
	}
	if (b->trace->ids[TK_SWITCH_OUT] < 0)
		return;
	uint64_t off = trace_offcpu_ns(b->trace, t0, t1);
	uint64_t off_span = span ? trace_offcpu_ns(b->trace, z.first, z.last) : 0;
	bench_add(b, "trace_zap_yields", "count", z.yields);
	bench_add(b, "trace_zap_offcpu_ns", "ns", (double)off_span);
	bench_add(b, "trace_outside_zap_offcpu_ns", "ns", (double)(off - off_span));
}

/* --trace: the faults KVM handled for vCPU 0's refault [t0, t1] (it runs on the traced
 * thread); the window ends here. */
static void add_refault_trace(struct bench_vm *b, uint64_t t0, uint64_t t1)
{
	uint64_t faults, mapped;
	if (trace_collect(b->trace) < 0)
		msb_die_errno("--trace: cannot read the trace in %s", b->trace->dir);
	trace_window_end(b->trace);
	trace_fault_count(b->trace, t0, t1, &faults, &mapped);
	bench_add(b, "trace_refault_lost_events", "count", (double)b->trace->lost);
	if (b->trace->ids[TK_PAGE_FAULT] >= 0)
		bench_add(b, "trace_refault_faults", "count", (double)faults);
	if (b->trace->ids[TK_SPTE_REQUESTED] >= 0)
		bench_add(b, "trace_refault_spte_requested", "count", (double)mapped);
}

/* This thread's run-queue wait (schedstat's second field), ns; false where the kernel
 * has no schedstats. Read outside the timed window. */
static bool runq_wait_ns(uint64_t *ns)
{
	char buf[96];
	unsigned long long run, wait;
	if (!read_text_file("/proc/thread-self/schedstat", buf, sizeof(buf)) ||
	    sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return false;
	*ns = wait;
	return true;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The ioctl alone between two clock reads; a failure ends the run naming the change. */
static uint64_t time_memslot_ioctl(struct bench_vm *b, const char *kind,
				   const struct memslot_change *c, uint64_t *start)
{
	b->ioctl_tsc[0] = __rdtsc();
	uint64_t t0 = now_ns();
	*start = t0;
	int r = __vm_set_memslot(&b->vm, c->slot, c->flags, c->gpa, c->size, c->hva);
	uint64_t t1 = now_ns();
	b->ioctl_tsc[1] = __rdtsc();
	/* A dead VM ends the run like a failed guest: the samples so far are kept. */
	if (r == -EIO) {
		guest_memslot_failed(&b->vcpus[0], b->threads_running && b->first_thread == 0, kind,
				     c->slot, EIO);
		return 0;
	}
	if (r < 0)
		vm_memslot_fail(&b->vm, kind, r, c->slot, c->flags, c->gpa, c->size);
	return t1 - t0;
}

uint64_t change_time_bare(struct bench_vm *b, const struct memslot_change *c)
{
	uint64_t t0;
	return time_memslot_ioctl(b, "bare-loop change", c, &t0);
}

void change_run(struct bench_vm *b, const char *kind, const struct memslot_change *c,
		bool primary, bool record)
{
	struct kvm_stats_snap s0, s1;
	/* In warm-up too: the ring buffer is sized then, not before a measured change. */
	if (primary && b->trace)
		trace_window_start(b->trace, b->o->guest_mem / b->o->touch_stride,
				   pin_cpu(&b->o->pin, 0));
	uint64_t sec0 = 0, sec1 = 0;
	if (primary && record) {
		if (b->o->tdp)
			sec_pagetables(&sec0);
		stats_snapshot(&b->vm_stats, &s0);
	}
	uint64_t wait0 = 0, wait1 = 0;
	bool waits = primary && record && runq_wait_ns(&wait0);
	uint64_t cpu0 = thread_cpu_ns();

	uint64_t t0;
	uint64_t ns = time_memslot_ioctl(b, kind, c, &t0);
	uint64_t cpu1 = thread_cpu_ns();
	waits = waits && runq_wait_ns(&wait1);
	if (primary && guest_failure()) {
		if (record)
			stats_snap_free(&s0);
		if (b->trace) /* no refault follows to end the window */
			trace_window_end(b->trace);
	}
	if (!record || guest_failure())
		return;

	char name[48];
	snprintf(name, sizeof(name), "%s_ns", kind);
	bench_add(b, name, "ns", (double)ns);
	if (!primary)
		return;

	stats_snapshot(&b->vm_stats, &s1);
	if (b->o->tdp)
		sec_pagetables(&sec1);
	bench_add(b, "ioctl_cpu_ns", "ns", (double)(cpu1 - cpu0));
	if (waits)
		bench_add(b, "ioctl_runq_wait_ns", "ns", (double)(wait1 - wait0));
	record_vm_stats(b, c, &s0, &s1, sec0, sec1);
	if (b->trace)
		add_trace(b, t0, t0 + ns);
	stats_snap_free(&s0);
	stats_snap_free(&s1);
}

struct memslot_change change_of_slot(const struct aspace_slot *s)
{
	struct memslot_change c = {
		.slot = s->id, .flags = s->flags, .gpa = s->gpa, .size = s->size, .hva = s->hva,
		.mapped = s->mapped,
	};
	return c;
}

void active_exits_add(struct bench_vm *b, uint64_t since, bool record)
{
	if (record && b->o->vcpu_mode == VCPU_ACTIVE)
		bench_add(b, "active_mmio_exits", "count", (double)(bench_mmio_exits(b) - since));
}

#define STALL_ACK_NS (10 * 1000000000ULL)

void stall_window_start(struct bench_vm *b)
{
	if (b->o->vcpu_mode == VCPU_IDLE)
		return;
	for (uint64_t i = 1; i < b->o->vcpus; i++)
		guest_ctl(&b->as, (int)i)->gap_epoch++;
	uint64_t t0 = now_ns();
	for (uint64_t i = 1; i < b->o->vcpus; i++) {
		struct guest_ctl *ctl = guest_ctl(&b->as, (int)i);
		while (ctl->gap_seen != ctl->gap_epoch && !guest_failure())
			if (now_ns() - t0 > STALL_ACK_NS)
				msb_die("vCPU %llu touched no memory for 10 s (its touch loop is stuck)",
					(unsigned long long)i);
	}
}

void stall_window_add(struct bench_vm *b, bool record)
{
	if (!record || b->o->vcpu_mode == VCPU_IDLE)
		return;
	uint64_t ticks = 0;
	for (uint64_t i = 1; i < b->o->vcpus; i++) {
		struct guest_ctl *ctl = guest_ctl(&b->as, (int)i);
		if (ctl->max_gap > ticks)
			ticks = ctl->max_gap;
	}
	bench_add(b, "vcpu_stall_max_ns", "ns", (double)ticks * b->ns_per_tick);
}

void refault_run(struct bench_vm *b, bool record)
{
	int64_t pf;
	uint64_t t0 = now_ns();
	uint64_t ns = bench_touch(b, &pf);
	if (!record)
		return;
	if (b->trace)
		add_refault_trace(b, t0, now_ns());
	bench_add(b, "refault_ns", "ns", (double)ns);
	bench_add(b, "refault_pf_fixed", "count", (double)pf);
}
