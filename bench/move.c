/* move: MOVE a memslot to a new guest_phys_addr and back (KVM_MR_MOVE), as in the
 * kernel's memslot_perf_test "move inactive/active area"; the guest then refaults. */
#include "change.h"
#include "target.h"
#include "util.h"

/* A free, 1 GiB aligned GPA above every slot. */
static uint64_t free_gpa(const struct bench_vm *b)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < b->as.nslots_total; i++) {
		uint64_t end = b->as.slots[i].gpa + b->as.slots[i].size;
		if (end > top)
			top = end;
	}
	return (top + 2 * GIB - 1) & ~(GIB - 1);
}

static void measure(struct bench_vm *b)
{
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change away = change_of_slot(s), back = change_of_slot(s);
	away.gpa = free_gpa(b);
	away.delete_or_move = back.delete_or_move = true;
	uint64_t total = b->o->warmup + b->o->reps;

	bench_vcpus_start(b);
	for (uint64_t rep = 0; rep < total; rep++) {
		bool record = rep >= b->o->warmup;
		uint64_t exits = bench_mmio_exits(b);
		stall_window_start(b);
		change_run(b, "move", &away, true, record);
		change_run(b, "move_back", &back, false, record);
		active_exits_add(b, exits, record);
		refault_run(b, record);
		stall_window_add(b, record);
		bench_progress(b, rep + 1, total, "rep");
	}
	bench_vcpus_stop(b);
}

const struct scenario scenario_move = {
	"move", "MOVE a memslot to another GPA and back under a populated guest", measure,
};
