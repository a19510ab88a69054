/* flags: FLAGS_ONLY changes, toggling KVM_MEM_LOG_DIRTY_PAGES on the target slot (what a
 * VMM does to start and stop live migration); the guest then refaults (write faults on
 * the pages that dirty logging write-protected). */
#include "change.h"
#include "target.h"
#include "util.h"

static void measure(struct bench_vm *b)
{
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change on = change_of_slot(s), off = change_of_slot(s);
	on.flags |= KVM_MEM_LOG_DIRTY_PAGES;
	uint64_t total = b->o->warmup + b->o->reps;

	bench_vcpus_start(b);
	for (uint64_t rep = 0; rep < total; rep++) {
		bool record = rep >= b->o->warmup;
		stall_window_start(b);
		change_run(b, "flags_on", &on, true, record);
		change_run(b, "flags_off", &off, false, record);
		refault_run(b, record);
		stall_window_add(b, record);
		bench_progress(b, rep + 1, total, "rep");
	}
	bench_vcpus_stop(b);
}

const struct scenario scenario_flags = {
	"flags", "FLAGS_ONLY: toggle KVM_MEM_LOG_DIRTY_PAGES on a slot under a populated guest",
	measure,
};
