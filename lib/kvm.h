/* SPDX-License-Identifier: GPL-2.0 */
/* Thin KVM ioctl wrappers in the selftests' two-level style: __x() returns the raw
 * result (-errno on failure), x() dies with a message naming the ioctl, errno and VM. */
#ifndef MSB_KVM_H
#define MSB_KVM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>
#include "compat.h"

struct kvm_sys {
	int fd;
	int api;
};

struct kvm_vm {
	int fd;
	int id; /* process-local number, for messages */
};

struct kvm_vcpu {
	int fd;
	int id;
	struct kvm_vm *vm;
	struct kvm_run *run;
	size_t run_size;
	/* GPAs [mmio_lo, mmio_hi) may lack a memslot for a while (a slot deleted or moved
	 * under a guest that uses it): exits there are counted and resumed, not fatal. */
	uint64_t mmio_lo, mmio_hi;
	_Atomic uint64_t mmio_exits;
};

/* -errno if /dev/kvm cannot be opened (ENOENT: missing, EACCES: permissions). */
int __kvm_open(struct kvm_sys *sys);
/* The same, or one line on stderr and exit 77 (this machine cannot run it). */
void kvm_open(struct kvm_sys *sys);
void kvm_close(struct kvm_sys *sys);

int __kvm_ioctl_raw(int fd, unsigned long req, void *arg); /* -errno or result */
__attribute__((noreturn)) void kvm_ioctl_fail(const char *what, const char *name, int id, int err);

#define __sys_ioctl(sys, req, arg) __kvm_ioctl_raw((sys)->fd, (req), (arg))
#define __vm_ioctl(vm, req, arg) __kvm_ioctl_raw((vm)->fd, (req), (arg))
#define __vcpu_ioctl(vcpu, req, arg) __kvm_ioctl_raw((vcpu)->fd, (req), (arg))
#define sys_ioctl(sys, req, arg) ({ int r_ = __sys_ioctl(sys, req, arg); \
	if (r_ < 0) { kvm_ioctl_fail("system", #req, 0, -r_); } r_; })
#define vm_ioctl(vm, req, arg) ({ int r_ = __vm_ioctl(vm, req, arg); \
	if (r_ < 0) { kvm_ioctl_fail("VM", #req, (vm)->id, -r_); } r_; })
#define vcpu_ioctl(vcpu, req, arg) ({ int r_ = __vcpu_ioctl(vcpu, req, arg); \
	if (r_ < 0) { kvm_ioctl_fail("vCPU", #req, (vcpu)->vm->id, -r_); } r_; })

/* KVM_CHECK_EXTENSION on /dev/kvm (or the VM when vm != NULL); <0 is -errno. */
int kvm_check_cap(struct kvm_sys *sys, struct kvm_vm *vm, long cap);

void vm_create(struct kvm_sys *sys, struct kvm_vm *vm);
void vm_close(struct kvm_vm *vm);
/* KVM_ENABLE_CAP(KVM_CAP_DISABLE_QUIRKS2); -EINVAL where the kernel lacks a quirk. */
int __vm_disable_quirks(struct kvm_vm *vm, uint64_t mask);

int __vm_set_memslot(struct kvm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		     uint64_t size, void *hva);
/* A failed KVM_SET_USER_MEMORY_REGION (r = -errno) of the change called what: EIO as a
 * dead VM, anything else with the region's fields. Does not return. */
__attribute__((noreturn)) void vm_memslot_fail(struct kvm_vm *vm, const char *what, int r,
					       uint32_t slot, uint32_t flags, uint64_t gpa,
					       uint64_t size);
void vm_set_memslot(struct kvm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, void *hva);
void vm_delete_memslot(struct kvm_vm *vm, uint32_t slot);

void vcpu_create(struct kvm_sys *sys, struct kvm_vm *vm, int id, struct kvm_vcpu *vcpu);
void vcpu_close(struct kvm_vcpu *vcpu);
/* KVM_RUN; returns 0 or -errno (EINTR is returned, not retried, so callers can stop). */
int __vcpu_run(struct kvm_vcpu *vcpu);
/* KVM_SET_CPUID2 with everything KVM_GET_SUPPORTED_CPUID reports. */
void vcpu_set_supported_cpuid(struct kvm_sys *sys, struct kvm_vcpu *vcpu);

const char *kvm_exit_reason_name(uint32_t reason);
/* "SLOT_ZAP_ALL" for bit 7 of the KVM_X86_QUIRK_* mask; NULL for unknown bits. */
const char *kvm_quirk_name(unsigned bit);

#endif
