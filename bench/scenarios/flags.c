/* SPDX-License-Identifier: GPL-2.0 */
/* flags: FLAGS_ONLY changes, toggling KVM_MEM_LOG_DIRTY_PAGES on the target slot (what a
 * VMM does to start and stop live migration); the guest then refaults (write faults on
 * the pages that dirty logging write-protected). */
#include "change.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

static const struct metric_def flags_metrics[] = {
	{ .name = "flags_on_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "FLAGS_ONLY",
	  .desc = "KVM_MEM_LOG_DIRTY_PAGES set", .headline = true },
	{ .name = "flags_off_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "FLAGS_ONLY",
	  .desc = "KVM_MEM_LOG_DIRTY_PAGES cleared (after --settle)" },
};

static void step(struct bench_vm *b, const void *sopts, bool record)
{
	(void)sopts;
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change on = change_of_slot(s), off = change_of_slot(s);
	on.flags |= KVM_MEM_LOG_DIRTY_PAGES;
	change_run(b, "flags_on", &on, true, record);
	bench_settle(b);
	change_run(b, "flags_off", &off, false, record);
}

static const char *const flags_suite[] = { "flags-populated --slots 2 --target populated", NULL };

static const struct scenario scenario_flags = {
	.name = "flags",
	.help = "FLAGS_ONLY: toggle KVM_MEM_LOG_DIRTY_PAGES on a populated slot",
	.metrics = flags_metrics,
	.nmetrics = ARRAY_SIZE(flags_metrics),
	.primary = "flags_on_ns",
	.scale = "shadow_pages_before",
	.suite = flags_suite,
	.step = step,
};
SCENARIO_REGISTER(scenario_flags)
