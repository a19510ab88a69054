/* SPDX-License-Identifier: GPL-2.0 */
/* One timed memslot change and the refault that follows it. */
#ifndef MSB_CHANGE_H
#define MSB_CHANGE_H
#include "harness.h"

struct memslot_change {
	uint32_t slot, flags;
	uint64_t gpa, size;
	void *hva;
	bool delete_or_move; /* KVM_MR_DELETE or KVM_MR_MOVE: zap-all zaps everything */
	bool mapped;         /* the guest's page tables map it (its SPTEs can exist) */
};

/* Parameters that (re)create slot s as recorded in the address space. */
struct memslot_change change_of_slot(const struct aspace_slot *s);
/* Time the ioctl as "<kind>_ns". The primary change of a scenario also records VM stat
 * deltas (mmu_shadow_zapped, remote_tlb_flush[_requests]) and what was mapped before
 * (shadow_pages_before, sptes_before, pages_4k/2m before and after). Warm-up repetitions
 * pass record = false. */
void change_run(struct bench_vm *b, const char *kind, const struct memslot_change *c,
		bool primary, bool record);
/* The change with nothing around the ioctl but the clock reads (a control): wall ns. */
uint64_t change_time_bare(struct bench_vm *b, const struct memslot_change *c);
/* --vcpu-mode active: "active_mmio_exits", the running vCPUs' accesses to the target
 * slot since bench_mmio_exits() returned since (while it was deleted or moved away). */
void active_exits_add(struct bench_vm *b, uint64_t since, bool record);
/* Running vCPUs (not --vcpu-mode idle): restart their longest gap between two touches
 * and wait until each has seen that; then "vcpu_stall_max_ns", the longest any of them
 * went without a touch since (the change, the restore and vCPU 0's refault). */
void stall_window_start(struct bench_vm *b);
void stall_window_add(struct bench_vm *b, bool record);
/* vCPU 0 touches the working set again: refault_ns and refault_pf_fixed. */
void refault_run(struct bench_vm *b, bool record);

#endif
