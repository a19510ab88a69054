/* SPDX-License-Identifier: GPL-2.0 */
/* move: MOVE a memslot to a new guest_phys_addr and back (KVM_MR_MOVE), as in the
 * kernel's memslot_perf_test "move inactive/active area"; the guest then refaults. */
#include "change.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

static const struct metric_def move_metrics[] = {
	{ .name = "move_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "MOVE",
	  .desc = "the target slot moved to another GPA", .headline = true },
	{ .name = "move_back_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "MOVE",
	  .desc = "moved back to its GPA (after --settle)" },
};

static void step(struct bench_vm *b, const void *sopts, bool record)
{
	(void)sopts;
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change away = change_of_slot(s), back = change_of_slot(s);
	away.gpa = free_gpa(b);
	away.delete_or_move = back.delete_or_move = true;
	change_run(b, "move", &away, true, record);
	bench_settle(b);
	change_run(b, "move_back", &back, false, record);
}

static const char *const move_suite[] = { "move-unrelated --target unrelated", NULL };

static const struct scenario scenario_move = {
	.name = "move",
	.help = "MOVE a memslot to another GPA and back under a populated guest",
	.metrics = move_metrics,
	.nmetrics = ARRAY_SIZE(move_metrics),
	.primary = "move_ns",
	.scale = "shadow_pages_before",
	.suite = move_suite,
	.kernel_ab = true,
	.step = step,
};
SCENARIO_REGISTER(scenario_move)
