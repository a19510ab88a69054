/* SPDX-License-Identifier: GPL-2.0 */
/* A guest exception ends the run with the exit reason, vector and guest RIP: the guest
 * writes to GVA 0, which the address space leaves unmapped, and must take a #PF. This
 * program is expected to die; tests/kvm-fault.sh checks its message. */
#include <stdio.h>

#include "guest_fixture.h"
#include "util.h"

int main(void)
{
	const struct aspace_cfg cfg = {
		.guest_mem = 4 * MIB, .nslots = 1, .page_shift = PAGE_SHIFT_4K,
		.backing = BACKING_ANON, .nvcpus = 1,
	};
	struct fixture f;
	if (fixture_build(&f, &cfg))
		return 77;
	fixture_start(&f);
	guest_call(&f.vcpu, f.ctl, guest_fn(guest_touch), 1, 0, 1, 4096);
	printf("the guest wrote to unmapped GVA 0 without a fault\n");
	return 0;
}
