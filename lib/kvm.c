/* SPDX-License-Identifier: GPL-2.0 */
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static int next_vm_id = 1;

int __kvm_ioctl_raw(int fd, unsigned long req, void *arg)
{
	int r = ioctl(fd, req, arg);
	return r < 0 ? -errno : r;
}

void kvm_ioctl_fail(const char *what, const char *name, int id, int err)
{
	/* KVM answers EIO on every ioctl once it has marked the VM bugged/dead. */
	if (err == EIO)
		msb_die("%s %s (VM %d): KVM killed the VM (EIO)", what, name, id);
	msb_die("%s %s (VM %d) failed: %s (errno %d)", what, name, id, strerror(err), err);
}

int __kvm_open(struct kvm_sys *sys)
{
	sys->fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (sys->fd < 0)
		return -errno;
	sys->api = ioctl(sys->fd, KVM_GET_API_VERSION, 0);
	if (sys->api != KVM_API_VERSION) {
		int api = sys->api;
		close(sys->fd);
		sys->fd = -1;
		msb_warn("/dev/kvm reports API %d, expected %d", api, KVM_API_VERSION);
		return -EPROTO;
	}
	return 0;
}

void kvm_open(struct kvm_sys *sys)
{
	int r = __kvm_open(sys);
	/* This machine cannot run it: 77, as for a --numa layout it cannot make. */
	if (r == -ENOENT)
		fprintf(stderr, "memslot-bench: /dev/kvm does not exist: no KVM on this kernel (run "
			"`memslot-bench info`; scripts/lab.sh runs KVM inside QEMU)\n");
	else if (r < 0)
		fprintf(stderr, "memslot-bench: cannot open /dev/kvm: %s\n", strerror(-r));
	if (r < 0)
		exit(77);
}

void kvm_close(struct kvm_sys *sys)
{
	if (sys->fd >= 0)
		close(sys->fd);
	sys->fd = -1;
}

int kvm_check_cap(struct kvm_sys *sys, struct kvm_vm *vm, long cap)
{
	int fd = vm ? vm->fd : sys->fd;
	return __kvm_ioctl_raw(fd, KVM_CHECK_EXTENSION, (void *)cap);
}

void vm_create(struct kvm_sys *sys, struct kvm_vm *vm)
{
	memset(vm, 0, sizeof(*vm));
	vm->id = next_vm_id++;
	vm->fd = sys_ioctl(sys, KVM_CREATE_VM, (void *)0);
}

void vm_close(struct kvm_vm *vm)
{
	if (vm->fd >= 0)
		close(vm->fd);
	vm->fd = -1;
}

int __vm_disable_quirks(struct kvm_vm *vm, uint64_t mask)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_DISABLE_QUIRKS2,
		.args = { mask },
	};
	return __vm_ioctl(vm, KVM_ENABLE_CAP, &cap);
}

/* MSB_TEST_MEMSLOT_EIO=N (tests only): from the process's Nth memslot ioctl on, that VM
 * answers EIO to every memslot ioctl, as KVM does once it has marked a VM dead (a real
 * KVM_BUG_ON cannot be provoked from userspace). */
static bool fake_dead_vm(const struct kvm_vm *vm)
{
	static unsigned long calls, at;
	static int dead_id;
	static bool read_env;
	if (!read_env) {
		const char *e = getenv("MSB_TEST_MEMSLOT_EIO");
		at = e ? strtoul(e, NULL, 10) : 0;
		read_env = true;
	}
	if (at && ++calls == at)
		dead_id = vm->id;
	return dead_id && dead_id == vm->id;
}

int __vm_set_memslot(struct kvm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		     uint64_t size, void *hva)
{
	if (fake_dead_vm(vm))
		return -EIO;
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};
	return __vm_ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r);
}

void vm_memslot_fail(struct kvm_vm *vm, const char *what, int r, uint32_t slot,
		     uint32_t flags, uint64_t gpa, uint64_t size)
{
	if (r == -EIO)
		kvm_ioctl_fail("VM", "KVM_SET_USER_MEMORY_REGION", vm->id, EIO);
	msb_die("%s: KVM_SET_USER_MEMORY_REGION (VM %d, slot %u, gpa 0x%llx, size 0x%llx, "
		"flags 0x%x) failed: %s", what, vm->id, slot, (unsigned long long)gpa,
		(unsigned long long)size, flags, strerror(-r));
}

void vm_set_memslot(struct kvm_vm *vm, uint32_t slot, uint32_t flags, uint64_t gpa,
		    uint64_t size, void *hva)
{
	int r = __vm_set_memslot(vm, slot, flags, gpa, size, hva);
	if (r < 0)
		vm_memslot_fail(vm, "VM", r, slot, flags, gpa, size);
}

void vm_delete_memslot(struct kvm_vm *vm, uint32_t slot)
{
	vm_set_memslot(vm, slot, 0, 0, 0, NULL);
}

void vcpu_create(struct kvm_sys *sys, struct kvm_vm *vm, int id, struct kvm_vcpu *vcpu)
{
	memset(vcpu, 0, sizeof(*vcpu));
	vcpu->id = id;
	vcpu->vm = vm;
	vcpu->fd = vm_ioctl(vm, KVM_CREATE_VCPU, (void *)(long)id);
	int sz = sys_ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, (void *)0);
	vcpu->run_size = (size_t)sz;
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		msb_die_errno("mmap of vCPU %d kvm_run (VM %d)", id, vm->id);
}

void vcpu_close(struct kvm_vcpu *vcpu)
{
	if (vcpu->run && vcpu->run != MAP_FAILED)
		munmap(vcpu->run, vcpu->run_size);
	vcpu->run = NULL;
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	vcpu->fd = -1;
}

int __vcpu_run(struct kvm_vcpu *vcpu)
{
	int r = __vcpu_ioctl(vcpu, KVM_RUN, NULL);
	if (r < 0 && r != -EINTR)
		kvm_ioctl_fail("vCPU", "KVM_RUN", vcpu->vm->id, -r);
	return r < 0 ? r : 0;
}

void vcpu_set_supported_cpuid(struct kvm_sys *sys, struct kvm_vcpu *vcpu)
{
	int n = 100;
	for (;;) {
		struct kvm_cpuid2 *c = msb_calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		c->nent = n;
		int r = __sys_ioctl(sys, KVM_GET_SUPPORTED_CPUID, c);
		if (r == -E2BIG && n < 4096) {
			free(c);
			n *= 2;
			continue;
		}
		if (r < 0) {
			free(c);
			kvm_ioctl_fail("system", "KVM_GET_SUPPORTED_CPUID", 0, -r);
		}
		vcpu_ioctl(vcpu, KVM_SET_CPUID2, c);
		free(c);
		return;
	}
}

const char *kvm_exit_reason_name(uint32_t reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT", [KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN", [KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR", [KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_NMI] = "NMI", [KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
		[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	};
	if (reason < ARRAY_SIZE(names) && names[reason])
		return names[reason];
	return "?";
}

const char *kvm_quirk_name(unsigned bit)
{
	static const char *const names[] = {
		"LINT0_REENABLED", "CD_NW_CLEARED", "LAPIC_MMIO_HOLE", "OUT_7E_INC_RIP",
		"MISC_ENABLE_NO_MWAIT", "FIX_HYPERCALL_INSN", "MWAIT_NEVER_UD_FAULTS",
		"SLOT_ZAP_ALL", "STUFF_FEATURE_MSRS", "IGNORE_GUEST_PAT",
	};
	return bit < ARRAY_SIZE(names) ? names[bit] : NULL;
}
