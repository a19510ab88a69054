/* SPDX-License-Identifier: GPL-2.0 */
/* Host state that changes what a memslot update costs, with where each item was read:
 * probed in lib/hoststate.c, written and compared in lib/hoststate_json.c. */
#ifndef MSB_HOSTSTATE_H
#define MSB_HOSTSTATE_H
#include <json-c/json.h>

#include "env.h"

/* Host state that changes what a memslot update costs (lib/hoststate.c): the preemption
 * model, THP, NUMA balancing, KVM module parameters, mitigations, the CPU governor,
 * the clock source the timings read and the lab's TCG thread mode. Each item is a
 * value ("unknown" where it could not be read, never 0 or false; "n/a" where it does
 * not apply) and where it was read. */
enum hs_id {
	HS_PREEMPT,             /* none, voluntary, full, lazy, rt, none-or-voluntary */
	HS_RWLOCK_NEEDBREAK,    /* yes/no: does a contended mmu_lock make the zap yield */
	HS_THP_ENABLED, HS_THP_DEFRAG, HS_KHUGEPAGED_DEFRAG,
	HS_NUMA_BALANCING,
	HS_NX_HUGE_PAGES, HS_EAGER_PAGE_SPLIT, HS_HALT_POLL_NS, HS_TDP_MMU, HS_EPT, HS_NPT,
	HS_MITIGATIONS,         /* /sys/devices/system/cpu/vulnerabilities/ summarised */
	HS_MITIGATIONS_CMDLINE, /* mitigations= on the kernel command line, "not set" */
	HS_CPU_GOVERNOR,        /* scaling_governor of each CPU, summarised */
	HS_CLOCKSOURCE,         /* what every timestamp reads: tsc, kvm-clock, hpet, ... */
	HS_TCG_THREAD,          /* the lab's -accel tcg,thread=; n/a outside a TCG lab */
	HS_NITEMS
};

#define HS_MAX_VULNS 40

struct hs_item {
	char value[160];
	char source[256];  /* where it was read, relative to the probed root */
	char detail[256];  /* a human note, "" if none */
};

struct host_state {
	struct hs_item item[HS_NITEMS];
	unsigned nvulns;   /* each vulnerabilities file, for the record */
	char vuln_name[HS_MAX_VULNS][48];
	char vuln_text[HS_MAX_VULNS][160];
};

/* The item's JSON key: "preempt", "thp_enabled", ... */
const char *host_state_name(enum hs_id id);
/* Probe under root ("/" or NULL for this host; a fake tree in the tests). h gives the
 * lab's TCG thread mode and may be NULL (tcg_thread is then "unknown"). */
void host_state_probe(struct host_state *s, const char *root, const struct host_env *h);
/* {"preempt": {"value", "source", "detail"?}, ..., "mitigations": {..., "files": {}}} */
json_object *host_state_to_json(const struct host_state *s);
/* Probe this host ("/") and return its JSON: the result file's "host_state". */
json_object *host_state_json(const struct host_env *h);
/* The items whose values differ between two result roots (their "host_state"
 * objects), as "name: A vs B; ..." in buf (truncated with "..."); returns how many.
 * A root without host_state (files from before it was recorded) differs in one item,
 * "host_state", unless neither has it. */
int host_state_diff(json_object *a, json_object *b, char *buf, size_t len);

#endif
