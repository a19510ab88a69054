/* SPDX-License-Identifier: GPL-2.0 */
/* MOVE really moves: the guest writes a slot at GPA A, the host moves the slot to GPA B
 * (KVM_MR_MOVE: same slot id and host memory, new guest_phys_addr), and the guest then
 * reads at B what it wrote at A; accesses at A meanwhile exit as MMIO, which the vCPU
 * loop counts and resumes where told to; moved back, A reads the same again. */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "guest_fixture.h"
#include "util.h"

#define SLOT_SIZE (2 * MIB)
#define SEED 0xabcd000000000000ULL

int main(void)
{
	const struct aspace_cfg cfg = {
		.guest_mem = 64 * MIB, .nslots = 1, .page_shift = PAGE_SHIFT_4K,
		.backing = BACKING_MEMFD, .nvcpus = 1, .extra_pt_pages = 16,
	};
	struct fixture f;
	if (fixture_build(&f, &cfg))
		return 77;
	struct aspace *as = &f.as;
	unsigned idx = aspace_add_slot(as, 0, SLOT_SIZE, true);
	const uint64_t a = as->slots[idx].gpa, b = a + 1 * GIB;
	/* The guest maps B too, with no memslot behind it until the move. */
	if (pt_map(&as->pt, b, b, SLOT_SIZE, PAGE_SHIFT_4K, PTE_W | PTE_U) < 0)
		msb_die("cannot map GPA 0x%" PRIx64 " in the guest page tables", b);
	fixture_start(&f);
	struct kvm_vcpu *vcpu = &f.vcpu;
	struct guest_ctl *ctl = f.ctl;
	const uint64_t npages = SLOT_SIZE / 4096;
	uint64_t expect = 0;
	for (uint64_t i = 0; i < npages; i++)
		expect += SEED + i;

	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_touch), SEED, a, npages, 4096), npages);
	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_read_sum), 0, a, npages, 4096), expect);

	vm_set_memslot(&f.vm, as->slots[idx].id, 0, b, SLOT_SIZE, as->slots[idx].hva);
	uint64_t at_b = guest_call(vcpu, ctl, guest_fn(guest_read_sum), 0, b, npages, 4096);
	CHECK_EQ_U64(at_b, expect);
	printf("moved slot %u from GPA 0x%" PRIx64 " to 0x%" PRIx64 ": guest reads %s at the new GPA\n",
	       as->slots[idx].id, a, b, at_b == expect ? "what it wrote at the old one" : "WRONG data");

	/* A guest still using the old GPA (memslot_perf_test's "move active area"): with A
	 * tolerated, each access there is one MMIO exit, writes are dropped, reads give 0. */
	vcpu->mmio_lo = a;
	vcpu->mmio_hi = a + SLOT_SIZE;
	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_touch), SEED + 7, a, npages, 4096), npages);
	CHECK_EQ_U64(atomic_load(&vcpu->mmio_exits), npages);
	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_read_sum), 0, a, npages, 4096), 0);
	CHECK_EQ_U64(atomic_load(&vcpu->mmio_exits), 2 * npages);
	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_read_sum), 0, b, npages, 4096), expect);
	printf("old GPA while moved away: %" PRIu64 " MMIO exits for %" PRIu64 " writes and "
	       "reads, slot data untouched\n", (uint64_t)atomic_load(&vcpu->mmio_exits), 2 * npages);
	vcpu->mmio_lo = vcpu->mmio_hi = 0;

	/* Write new values at B, move back, read them at A. */
	CHECK_EQ_U64(guest_call(vcpu, ctl, guest_fn(guest_touch), SEED + 1, b, npages, 4096), npages);
	vm_set_memslot(&f.vm, as->slots[idx].id, 0, a, SLOT_SIZE, as->slots[idx].hva);
	uint64_t at_a = guest_call(vcpu, ctl, guest_fn(guest_read_sum), 0, a, npages, 4096);
	CHECK_EQ_U64(at_a, expect + npages);
	printf("moved back: guest reads at 0x%" PRIx64 " what it wrote at 0x%" PRIx64 ": %s\n", a, b,
	       at_a == expect + npages ? "yes" : "NO");

	fixture_close(&f);
	CHECK_DONE();
}
