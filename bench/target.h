/* SPDX-License-Identifier: GPL-2.0 */
/* Which memslot a scenario changes. */
#ifndef MSB_TARGET_H
#define MSB_TARGET_H
#include "harness.h"
#include "util.h"

/* --target unrelated: the middle extra 2 MiB slot, which the guest never maps or touches;
 * --target populated: the last data slot, part of the guest's working set. */
static inline unsigned target_slot(const struct bench_vm *b)
{
	if (b->o->target == TARGET_POPULATED)
		return b->as.ndata;
	return b->first_extra + (unsigned)(b->o->extra_slots / 2);
}

/* A free, 1 GiB aligned GPA above every slot: where a slot can move or a fresh one go. */
static inline uint64_t free_gpa(const struct bench_vm *b)
{
	uint64_t top = 0;
	for (unsigned i = 0; i < b->as.nslots_total; i++) {
		uint64_t end = b->as.slots[i].gpa + b->as.slots[i].size;
		if (end > top)
			top = end;
	}
	return (top + 2 * GIB - 1) & ~(GIB - 1);
}

#endif
