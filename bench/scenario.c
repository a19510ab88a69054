/* SPDX-License-Identifier: GPL-2.0 */
/* The scenario registry, and the metrics every scenario gets from the harness. */
#include "scenario.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const metric_role_names[NR_ROLES] = { "latency", "count", "gauge", "index" };

/* Recorded around every scenario's primary change (bench/change.c) and by the harness. */
const struct metric_def harness_metrics[] = {
	{ .name = "mmu_shadow_zapped", .unit = "count", .role = ROLE_COUNT, .headline = true,
	  .desc = "shadow pages the change zapped (VM stat delta)", .shadow_only = true },
	{ .name = "sptes_zapped", .unit = "sptes", .role = ROLE_COUNT, .headline = true,
	  .desc = "SPTEs the change dropped: pages_4k + 2m + 1g before minus after (both MMUs)" },
	{ .name = "remote_tlb_flush", .unit = "count", .role = ROLE_COUNT, .headline = true,
	  .desc = "remote TLB flushes during the change (VM stat delta)" },
	{ .name = "remote_tlb_flush_requests", .unit = "count", .role = ROLE_COUNT,
	  .desc = "remote TLB flush requests during the change (VM stat delta)" },
	{ .name = "sptes_before", .unit = "sptes", .role = ROLE_GAUGE,
	  .desc = "SPTEs present before the change (pages_4k + 2m + 1g)" },
	{ .name = "shadow_pages_before", .unit = "pages", .role = ROLE_GAUGE,
	  .desc = "shadow pages present before the change", .shadow_only = true },
	{ .name = "pt_pages_before", .unit = "pages", .role = ROLE_GAUGE,
	  .desc = "page-table pages before the change: shadow pages (shadow MMU), or "
		  "SecPageTables (TDP MMU: system-wide, RCU-deferred frees lag)" },
	{ .name = "pt_pages_zapped", .unit = "pages", .role = ROLE_COUNT, .headline = true,
	  .desc = "page-table pages the change zapped (shadow MMU: mmu_shadow_zapped; TDP MMU: "
		  "the drop of SecPageTables)" },
	{ .name = "pages_4k_before", .unit = "sptes", .role = ROLE_GAUGE,
	  .desc = "4 KiB SPTEs before the change" },
	{ .name = "pages_2m_before", .unit = "sptes", .role = ROLE_GAUGE,
	  .desc = "2 MiB SPTEs before the change" },
	{ .name = "pages_4k_after", .unit = "sptes", .role = ROLE_GAUGE,
	  .desc = "4 KiB SPTEs after the change" },
	{ .name = "pages_2m_after", .unit = "sptes", .role = ROLE_GAUGE,
	  .desc = "2 MiB SPTEs after the change" },
	{ .name = "trace_zap_all_fast", .unit = "events", .role = ROLE_COUNT,
	  .desc = "kvmmmu:kvm_mmu_zap_all_fast events during the change (--trace)" },
	{ .name = "trace_used_pages", .unit = "pages", .role = ROLE_GAUGE,
	  .desc = "the kernel's n_used_mmu_pages at kvm_mmu_zap_all_fast (--trace)" },
	{ .name = "trace_lost_events", .unit = "count", .role = ROLE_COUNT,
	  .desc = "trace events the ring buffer lost up to the change's end (--trace)" },
	{ .name = "trace_zap_pages", .unit = "pages", .role = ROLE_COUNT, .shadow_only = true,
	  .desc = "kvmmmu:kvm_mmu_prepare_zap_page events in the ioctl: shadow pages zapped "
		  "(--trace)" },
	{ .name = "trace_zap_span_ns", .unit = "ns", .role = ROLE_LATENCY, .shadow_only = true,
	  .desc = "first to last zap event (zap_all_fast, prepare_zap_page) in the ioctl; 0: "
		  "none (--trace)" },
	{ .name = "trace_outside_zap_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .shadow_only = true, .desc = "ioctl time outside the zap span (--trace)" },
	{ .name = "trace_zap_ns_per_page", .unit = "ns", .role = ROLE_LATENCY,
	  .shadow_only = true, .desc = "zap span per shadow page zapped: the zap's rate (--trace)" },
	{ .name = "trace_zap_gap_median_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .shadow_only = true, .desc = "median gap between two consecutive zap events (--trace)" },
	{ .name = "trace_zap_gap_max_ns", .unit = "ns", .role = ROLE_LATENCY, .shadow_only = true,
	  .desc = "longest gap between two consecutive zap events (--trace)" },
	{ .name = "trace_zap_long_gaps", .unit = "count", .role = ROLE_COUNT, .shadow_only = true,
	  .desc = "gaps between consecutive zap events over 10 times their median: the zap "
		  "stopped (yield, contention, the CPU taken) (--trace)" },
	{ .name = "trace_zap_yields", .unit = "count", .role = ROLE_COUNT, .shadow_only = true,
	  .desc = "gaps between zap events in which the ioctl thread switched out: mmu_lock "
		  "dropped and the CPU given up (--trace)" },
	{ .name = "trace_zap_offcpu_ns", .unit = "ns", .role = ROLE_LATENCY, .shadow_only = true,
	  .desc = "time the ioctl thread was off its CPU inside the zap span (--trace)" },
	{ .name = "trace_outside_zap_offcpu_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .shadow_only = true, .desc = "time the ioctl thread was off its CPU in the ioctl "
				       "outside the zap span: SRCU waits, run queues (--trace)" },
	{ .name = "trace_refault_faults", .unit = "count", .role = ROLE_COUNT,
	  .desc = "kvm:kvm_page_fault events of vCPU 0's refault: #PF/NPF exits (kvm_amd, "
		  "kvm_intel; PVM's fault path does not fire it) (--trace)" },
	{ .name = "trace_refault_spte_requested", .unit = "count", .role = ROLE_COUNT,
	  .desc = "kvmmmu:kvm_mmu_spte_requested events of vCPU 0's refault: faults that map "
		  "a page (--trace)" },
	{ .name = "trace_refault_lost_events", .unit = "count", .role = ROLE_COUNT,
	  .desc = "trace events the ring buffer lost up to the refault's end (--trace)" },
	{ .name = "refault_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true,
	  .desc = "vCPU 0 touching its working set again after the repetition" },
	{ .name = "refault_pf_fixed", .unit = "count", .role = ROLE_COUNT,
	  .desc = "vCPU 0's pf_fixed during the refault" },
	{ .name = "vcpu_stall_max_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "longest gap between two touches of the running vCPUs" },
	{ .name = "active_mmio_exits", .unit = "count", .role = ROLE_COUNT,
	  .desc = "MMIO exits of the active vCPUs while the slot was gone" },
	{ .name = "ioctl_cpu_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "CPU time the ioctl thread used during the change (beside its wall time)" },
	{ .name = "ioctl_runq_wait_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "time the ioctl thread waited on a run queue during the change (schedstat)" },
	{ .name = "foreign_mmu_events", .unit = "count", .role = ROLE_COUNT,
	  .desc = "mmu_recycled + mmu_flooded + nx_lpage_splits during the change: not its own" },
	{ .name = "flagged", .unit = "count", .role = ROLE_COUNT,
	  .desc = "1: the sample is not the change's alone (foreign MMU events, or zap-slot "
		  "zapping shadow pages for a slot the guest never mapped)" },
	{ .name = "vm_round", .unit = "index", .role = ROLE_INDEX,
	  .desc = "the VM (round) the sample came from" },
};
const size_t nr_harness_metrics = ARRAY_SIZE(harness_metrics);

#define MAX_SCENARIOS 32
/* Written only by constructors before main, read-only afterwards. */
static const struct scenario *registry[MAX_SCENARIOS];
static size_t nr_registered;

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct scenario *const *)a)->name,
		      (*(const struct scenario *const *)b)->name);
}

void scenario_register(const struct scenario *sc)
{
	if (nr_registered == MAX_SCENARIOS || scenario_find(sc->name)) {
		fprintf(stderr, "memslot-bench: internal error: scenario '%s' registered twice or "
			"more than %d scenarios\n", sc->name, MAX_SCENARIOS);
		abort();
	}
	registry[nr_registered++] = sc;
	qsort(registry, nr_registered, sizeof(registry[0]), by_name);
}

const struct scenario *scenario_find(const char *name)
{
	for (size_t i = 0; i < nr_registered; i++)
		if (!strcmp(registry[i]->name, name))
			return registry[i];
	return NULL;
}

const struct scenario *const *scenario_list(size_t *n)
{
	*n = nr_registered;
	return registry;
}

void scenario_names(char *buf, size_t len)
{
	size_t l = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < nr_registered && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, "%s%s", registry[i]->name,
				      i + 2 < nr_registered ? ", " :
				      i + 1 < nr_registered ? " or " : "");
}

const struct metric_def *scenario_metric(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; sc && i < sc->nmetrics; i++)
		if (!strcmp(sc->metrics[i].name, name))
			return &sc->metrics[i];
	for (size_t i = 0; i < nr_harness_metrics; i++)
		if (!strcmp(harness_metrics[i].name, name))
			return &harness_metrics[i];
	return NULL;
}
