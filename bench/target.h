/* Which memslot a scenario changes. */
#ifndef MSB_TARGET_H
#define MSB_TARGET_H
#include "harness.h"

/* --target unrelated: the middle extra 2 MiB slot, which the guest never maps or touches;
 * --target populated: the last data slot, part of the guest's working set. */
static inline unsigned target_slot(const struct bench_vm *b)
{
	if (b->o->target == TARGET_POPULATED)
		return b->as.ndata;
	return b->first_extra + (unsigned)(b->o->extra_slots / 2);
}

#endif
