/* SPDX-License-Identifier: GPL-2.0 */
/* One VM, one address space and one vCPU for the KVM test programs. Two steps, so a
 * test can add slots and mappings before the vCPU first runs (afterwards host-side
 * page-table edits would bypass KVM's write protection of the guest's tables). */
#ifndef MSB_GUEST_FIXTURE_H
#define MSB_GUEST_FIXTURE_H
#include <stdio.h>

#include "aspace.h"
#include "guest.h"
#include "kvm.h"

struct fixture {
	struct kvm_sys sys;
	struct kvm_vm vm;
	struct aspace as;
	struct kvm_vcpu vcpu;
	struct guest_ctl *ctl;
};

/* Open /dev/kvm, create the VM and build the address space. 77 (the automake skip
 * code) when /dev/kvm cannot be opened, else 0. */
static inline int fixture_build(struct fixture *f, const struct aspace_cfg *cfg)
{
	if (__kvm_open(&f->sys) < 0) {
		printf("SKIP: no usable /dev/kvm; tests/kvm-run.sh runs this in the lab\n");
		return 77;
	}
	vm_create(&f->sys, &f->vm);
	aspace_build(&f->vm, cfg, &f->as);
	return 0;
}

/* Load the guest and bring vCPU 0 to its entry loop. */
static inline void fixture_start(struct fixture *f)
{
	guest_load(&f->as);
	vcpu_create(&f->sys, &f->vm, 0, &f->vcpu);
	guest_vcpu_init(&f->sys, &f->as, &f->vcpu);
	f->ctl = guest_ctl(&f->as, 0);
}

static inline void fixture_close(struct fixture *f)
{
	vcpu_close(&f->vcpu);
	vm_close(&f->vm);
	aspace_destroy(&f->as);
	kvm_close(&f->sys);
}

#endif
