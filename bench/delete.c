/* delete: DELETE a memslot while the guest has a populated address space, re-CREATE it,
 * and time the guest's refault of its working set. Every repetition starts from the same
 * state: the refault repopulates what the delete zapped. */
#include <errno.h>
#include <string.h>

#include "change.h"
#include "target.h"
#include "util.h"

/* The same delete with nothing around the ioctl but the two clock reads, so a run can
 * show that the harness adds no cost of its own. */
static void bare_delete(struct bench_vm *b, const struct aspace_slot *s, bool record)
{
	uint64_t t0 = now_ns();
	int r = __vm_set_memslot(&b->vm, s->id, 0, s->gpa, 0, NULL);
	uint64_t t1 = now_ns();
	if (r < 0)
		msb_die("bare-loop delete of memslot %u failed: %s", s->id, strerror(-r));
	struct memslot_change create = change_of_slot(s);
	change_run(b, "bare_create", &create, false, false);
	bench_touch(b, NULL);
	if (record)
		bench_add(b, "bare_delete_ns", "ns", (double)(t1 - t0));
}

static void measure(struct bench_vm *b)
{
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change del = change_of_slot(s), create = change_of_slot(s);
	del.size = 0;
	del.delete_or_move = true;
	uint64_t total = b->o->warmup + b->o->reps;

	bench_vcpus_start(b);
	for (uint64_t rep = 0; rep < total; rep++) {
		bool record = rep >= b->o->warmup;
		/* With the bare loop, alternate which of the two goes first, so that neither
		 * always follows the other and an order effect cancels out of the medians. */
		bool bare_first = b->o->overhead_check && rep % 2;
		if (bare_first)
			bare_delete(b, s, record);
		uint64_t exits = bench_mmio_exits(b);
		stall_window_start(b);
		change_run(b, "delete", &del, true, record);
		change_run(b, "create", &create, false, record);
		active_exits_add(b, exits, record);
		refault_run(b, record);
		stall_window_add(b, record);
		if (b->o->overhead_check && !bare_first)
			bare_delete(b, s, record);
		bench_progress(b, rep + 1, total, "rep");
	}
	bench_vcpus_stop(b);
}

const struct scenario scenario_delete = {
	"delete", "DELETE a memslot (then CREATE it again) under a populated guest", measure,
};
