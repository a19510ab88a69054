/* A guest exception ends the run with the exit reason, vector and guest RIP: the guest
 * writes to GVA 0, which the address space leaves unmapped, and must take a #PF. This
 * program is expected to die; tests/kvm-fault.sh checks its message. */
#include <stdio.h>

#include "aspace.h"
#include "guest.h"
#include "kvm.h"
#include "util.h"

int main(void)
{
	struct kvm_sys sys;
	if (__kvm_open(&sys) < 0) {
		printf("SKIP: no usable /dev/kvm; tests/kvm-run.sh runs this in the lab\n");
		return 77;
	}
	const struct aspace_cfg cfg = {
		.guest_mem = 4 * MIB, .nslots = 1, .page_shift = PAGE_SHIFT_4K,
		.backing = BACKING_ANON, .nvcpus = 1,
	};
	struct kvm_vm vm;
	struct aspace as;
	struct kvm_vcpu vcpu;
	vm_create(&sys, &vm);
	aspace_build(&vm, &cfg, &as);
	guest_load(&as);
	vcpu_create(&sys, &vm, 0, &vcpu);
	guest_vcpu_init(&sys, &as, &vcpu);
	guest_call(&vcpu, guest_ctl(&as, 0), guest_fn(guest_touch), 1, 0, 1, 4096);
	printf("the guest wrote to unmapped GVA 0 without a fault\n");
	return 0;
}
