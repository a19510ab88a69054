/* SPDX-License-Identifier: GPL-2.0 */
/* create: CREATE a fresh memslot at a free GPA, as a VMM does to hot-plug memory, and
 * DELETE it again to restore the state. The fresh slot aliases the target slot's host
 * memory, and the guest never maps it: what the CREATE costs, and what its DELETE then
 * zaps under each variant, with the guest's working set populated. */
#include "change.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

static const struct metric_def create_metrics[] = {
	{ .name = "create_fresh_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "CREATE",
	  .desc = "a fresh slot created at a free GPA", .headline = true },
	{ .name = "delete_fresh_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "DELETE",
	  .desc = "the fresh slot deleted again" },
};

/* The target's host memory at a free GPA, in the next unused slot id. */
static struct memslot_change fresh_slot(const struct bench_vm *b)
{
	struct memslot_change c = change_of_slot(&b->as.slots[target_slot(b)]);
	c.gpa = free_gpa(b);
	c.slot = b->as.next_slot_id;
	c.flags = 0;
	return c;
}

static void step(struct bench_vm *b, const void *sopts, bool record)
{
	(void)sopts;
	struct memslot_change create = fresh_slot(b), del = create;
	del.size = 0;
	del.delete_or_move = true;
	change_run(b, "create_fresh", &create, true, record);
	bench_settle(b);
	change_run(b, "delete_fresh", &del, false, record);
}

static const char *const create_suite[] = { "create-fresh --target unrelated", NULL };

static const struct scenario scenario_create = {
	.name = "create",
	.help = "CREATE a fresh slot at a free GPA (then DELETE it), guest populated",
	.metrics = create_metrics,
	.nmetrics = ARRAY_SIZE(create_metrics),
	.primary = "create_fresh_ns",
	.scale = "shadow_pages_before",
	.suite = create_suite,
	.step = step,
};
SCENARIO_REGISTER(scenario_create)
