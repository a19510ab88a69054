/* SPDX-License-Identifier: GPL-2.0 */
/* Long-mode guest whose workloads run at CPL3 (CPL0 is fully emulated on PVM hosts, so
 * only CPL3 code builds real shadow pages there). State is valid for VMX, SVM and PVM.
 * Guest code (lib/guest_rt.S, bench/guest_*.S) lives in the "msb_guest" section and is
 * copied whole to SYS_CODE_GPA; the host and guest talk through a per-vCPU control page
 * and port-I/O exits. */
#ifndef MSB_GUEST_H
#define MSB_GUEST_H
#include <stdbool.h>
#include <stdint.h>
#include "aspace.h"
#include "kvm.h"
#include "guest_abi.h"

/* Copy guest code and write GDT, IDT and TSSs into the system region. */
void guest_load(struct aspace *as);
/* CPUID from KVM_GET_SUPPORTED_CPUID (before SREGS: 6.12.117 rejects long-mode EFER
 * otherwise), long-mode CPL3 segments, CR0/CR3/CR4/EFER, RIP at the guest entry. The
 * vCPU then runs to its first PORT_SYNC exit. */
void guest_vcpu_init(struct kvm_sys *sys, struct aspace *as, struct kvm_vcpu *vcpu);

/* Host view of a vCPU's control page. */
struct guest_ctl *guest_ctl(struct aspace *as, int vcpu_id);
/* GVA of a guest function in the msb_guest section (host symbol -> guest address). */
uint64_t guest_fn(const void *host_symbol);

/* Run the vCPU until its next PORT_SYNC exit. A guest failure (an exception, a triple
 * fault, MMIO to an unmapped GPA, any other unexpected exit, an internal error, KVM_RUN
 * failing with EIO from a dead VM) dies with the exit reason, vector and guest RIP, or
 * after guest_failures_recoverable(true) is recorded (guest_failure()) and returns -EIO.
 * Returns -EINTR if KVM_RUN was interrupted by a signal, else 0. */
int guest_run_to_sync(struct kvm_vcpu *vcpu);
/* Record guest failures instead of dying, so that a run can write what it has and
 * release everything; from the first one on, guest_call() returns 0 at once. */
void guest_failures_recoverable(bool on);
/* The memslot ioctl of the change called kind failed with err (EIO: the VM is dead):
 * a failure like the guest's, naming vcpu's RIP unless in_run (the vCPU may be in
 * KVM_RUN on another thread); dies unless recoverable; -EIO. */
int guest_memslot_failed(struct kvm_vcpu *vcpu, bool in_run, const char *kind, uint32_t slot,
			 int err);
/* The first guest failure's one-line message, or NULL. */
const char *guest_failure(void);
/* Set ctl->fn/args and run one command to completion; returns ctl->result. */
uint64_t guest_call(struct kvm_vcpu *vcpu, struct guest_ctl *ctl, uint64_t fn, uint64_t a0,
		    uint64_t a1, uint64_t a2, uint64_t a3);

/* Workloads in lib/guest_rt.S. touch: write a0 + i at the first qword of each of a2
 * pages starting at GVA a1, stride a3 bytes; returns pages written. read_sum: sum of the
 * same qwords. */
extern const char guest_touch[];
/* halt: `hlt` (at CPL0, through the #GP handler) until ctl->stop; needs an in-kernel
 * LAPIC (KVM_CREATE_IRQCHIP), or each hlt is a KVM_EXIT_HLT (an unexpected exit). */
extern const char guest_halt[];
extern const char guest_read_sum[];

#endif
