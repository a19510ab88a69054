/* SPDX-License-Identifier: GPL-2.0 */
#include "guest.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Bounds of the msb_guest section, defined by the linker. */
extern const char __start_msb_guest[], __stop_msb_guest[];
extern const char guest_entry[], guest_exc_stubs[];

#define SEL_KCODE 0x08
#define SEL_UCODE 0x1b /* GDT entry 3, RPL 3 */
#define SEL_UDATA 0x23 /* GDT entry 4, RPL 3 */
#define GDT_TSS_FIRST 5 /* one 16-byte TSS descriptor per vCPU from here */
#define TSS_SIZE 128
#define IDT_VECTORS 32

static const char *const vector_names[IDT_VECTORS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "?", "#TS", "#NP",
	"#SS", "#GP", "#PF", "?", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

uint64_t guest_fn(const void *host_symbol)
{
	/* Addresses as integers: the section bounds are distinct linker symbols. */
	uintptr_t p = (uintptr_t)host_symbol, start = (uintptr_t)__start_msb_guest;
	if (p < start || p >= (uintptr_t)__stop_msb_guest)
		msb_die("internal error: %p is not guest code (msb_guest section)", host_symbol);
	return SYS_CODE_GPA + (uint64_t)(p - start);
}

static uint16_t tss_selector(int vcpu_id)
{
	return (uint16_t)((GDT_TSS_FIRST + 2 * vcpu_id) * 8);
}

static uint64_t user_stack_top(int vcpu_id)
{
	return SYS_STACK_GPA + (uint64_t)vcpu_id * SYS_STACK_PER_VCPU + SYS_STACK_PER_VCPU / 2;
}

static uint64_t kernel_stack_top(int vcpu_id)
{
	return SYS_STACK_GPA + (uint64_t)(vcpu_id + 1) * SYS_STACK_PER_VCPU;
}

static void *sys_ptr(struct aspace *as, uint64_t gpa)
{
	return as->sys_host + gpa;
}

static void write_gdt(struct aspace *as)
{
	uint64_t *gdt = sys_ptr(as, SYS_GDT_GPA);
	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffULL; /* kernel code64, DPL0 */
	gdt[2] = 0x00cf93000000ffffULL; /* kernel data */
	gdt[3] = 0x00affb000000ffffULL; /* user code64, DPL3 */
	gdt[4] = 0x00cff3000000ffffULL; /* user data, DPL3 */
	for (unsigned i = 0; i < as->cfg.nvcpus; i++) {
		uint64_t base = SYS_TSS_GPA + (uint64_t)i * TSS_SIZE;
		uint64_t *d = &gdt[GDT_TSS_FIRST + 2 * i];
		/* busy 64-bit TSS (type 0xb), as TR is loaded through KVM_SET_SREGS; limit
		 * 0x67 fits the descriptor's low 16 limit bits */
		d[0] = 0x67 | ((base & 0xffffff) << 16) | (0x8bULL << 40) |
		       (((base >> 24) & 0xff) << 56);
		d[1] = base >> 32;

		uint8_t *tss = sys_ptr(as, base);
		uint64_t rsp0 = kernel_stack_top((int)i);
		memcpy(tss + 4, &rsp0, sizeof(rsp0));
		uint16_t iomap = 104; /* beyond the limit: no I/O bitmap; IOPL 3 allows out */
		memcpy(tss + 102, &iomap, sizeof(iomap));
	}
}

static void write_idt(struct aspace *as)
{
	uint8_t *idt = sys_ptr(as, SYS_IDT_GPA);
	uint64_t stubs = guest_fn(guest_exc_stubs);
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t off = stubs + 16 * v;
		uint64_t lo = (off & 0xffff) | ((uint64_t)SEL_KCODE << 16) |
			      (0x8eULL << 40) /* present, DPL0, 64-bit interrupt gate */ |
			      (((off >> 16) & 0xffff) << 48);
		uint64_t hi = off >> 32;
		memcpy(idt + 16 * v, &lo, 8);
		memcpy(idt + 16 * v + 8, &hi, 8);
	}
}

void guest_load(struct aspace *as)
{
	size_t len = (size_t)((uintptr_t)__stop_msb_guest - (uintptr_t)__start_msb_guest);
	if (len > SYS_CODE_MAX)
		msb_die("internal error: guest code is %zu bytes, the system region holds %llu",
			len, (unsigned long long)SYS_CODE_MAX);
	if (as->cfg.nvcpus > ASPACE_MAX_VCPUS)
		msb_die("%u vCPUs requested, at most %d supported", as->cfg.nvcpus,
			ASPACE_MAX_VCPUS);
	memcpy(sys_ptr(as, SYS_CODE_GPA), __start_msb_guest, len);
	write_gdt(as);
	write_idt(as);
}

struct guest_ctl *guest_ctl(struct aspace *as, int vcpu_id)
{
	return sys_ptr(as, SYS_CTL_GPA + (uint64_t)vcpu_id * 4096);
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
	memset(s, 0, sizeof(*s));
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 3;
	s->s = 1;
	s->g = 1;
	s->l = code;
	s->db = !code;
}

void guest_vcpu_init(struct kvm_sys *sys, struct aspace *as, struct kvm_vcpu *vcpu)
{
	if (vcpu->id < 0 || (unsigned)vcpu->id >= as->cfg.nvcpus)
		msb_die("internal error: vCPU %d outside the %u the address space was built for",
			vcpu->id, as->cfg.nvcpus);
	vcpu_set_supported_cpuid(sys, vcpu);

	struct kvm_sregs sr;
	vcpu_ioctl(vcpu, KVM_GET_SREGS, &sr);
	set_seg(&sr.cs, SEL_UCODE, 0xb, true);
	set_seg(&sr.ds, SEL_UDATA, 0x3, false);
	sr.es = sr.fs = sr.gs = sr.ss = sr.ds;

	memset(&sr.tr, 0, sizeof(sr.tr));
	sr.tr.base = SYS_TSS_GPA + (uint64_t)vcpu->id * TSS_SIZE;
	sr.tr.limit = 0x67;
	sr.tr.selector = tss_selector(vcpu->id);
	sr.tr.type = 0xb;
	sr.tr.present = 1;

	memset(&sr.ldt, 0, sizeof(sr.ldt));
	sr.ldt.type = 2;
	sr.ldt.unusable = 1;

	sr.gdt.base = SYS_GDT_GPA;
	sr.gdt.limit = 4095;
	sr.idt.base = SYS_IDT_GPA;
	sr.idt.limit = IDT_VECTORS * 16 - 1;
	sr.cr0 = 0x80050033; /* PG AM WP NE ET MP PE */
	sr.cr4 = 0x620;      /* OSXMMEXCPT OSFXSR PAE */
	sr.efer = 0x500;     /* LMA LME */
	sr.cr3 = as->pt.pml4_gpa;
	vcpu_ioctl(vcpu, KVM_SET_SREGS, &sr);

	struct kvm_regs regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = guest_fn(guest_entry);
	regs.rsp = user_stack_top(vcpu->id);
	regs.rdi = SYS_CTL_GPA + (uint64_t)vcpu->id * 4096;
	regs.rflags = 0x3002; /* IOPL 3: CPL3 code may leave with `out` */
	vcpu_ioctl(vcpu, KVM_SET_REGS, &regs);

	memset(guest_ctl(as, vcpu->id), 0, sizeof(struct guest_ctl));
	/* a guest failure (recoverable) is left for the caller's guest_failure() */
	if (guest_run_to_sync(vcpu) == -EINTR)
		msb_die("vCPU %d: interrupted before reaching the guest entry loop", vcpu->id);
}

/* Guest failures (guest.h): dying at once, or recorded for the run to end cleanly. */
static bool failures_recoverable;
static atomic_bool failed;
static char failure_msg[512];
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;

void guest_failures_recoverable(bool on)
{
	failures_recoverable = on;
}

const char *guest_failure(void)
{
	return atomic_load(&failed) ? failure_msg : NULL;
}

/* The first failure wins; -EIO for guest_run_to_sync to return. */
static __attribute__((format(printf, 1, 2))) int guest_fail(const char *fmt, ...)
{
	char msg[sizeof(failure_msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!failures_recoverable)
		msb_die("%s", msg);
	pthread_mutex_lock(&failure_lock);
	if (!atomic_load(&failed)) {
		memcpy(failure_msg, msg, sizeof(msg));
		atomic_store(&failed, true);
	}
	pthread_mutex_unlock(&failure_lock);
	return -EIO;
}

/* The registers of a vCPU that may belong to a dead VM (KVM_GET_REGS: EIO). */
static bool get_regs(struct kvm_vcpu *vcpu, struct kvm_regs *r)
{
	return __vcpu_ioctl(vcpu, KVM_GET_REGS, r) == 0;
}

static int fail_exception(struct kvm_vcpu *vcpu)
{
	struct kvm_regs r;
	if (!get_regs(vcpu, &r))
		return guest_fail("guest exception on vCPU %d (VM %d): its registers are "
				  "unreadable", vcpu->id, vcpu->vm->id);
	unsigned v = (unsigned)r.r8;
	return guest_fail("guest exception on vCPU %d (VM %d): exit IO port 0x%x, vector %u %s, "
			  "error code 0x%llx, guest RIP 0x%llx, CR2 0x%llx", vcpu->id,
			  vcpu->vm->id, GUEST_PORT_EXCEPTION, v,
			  v < IDT_VECTORS && vector_names[v] ? vector_names[v] : "",
			  (unsigned long long)r.r9, (unsigned long long)r.r10,
			  (unsigned long long)r.r11);
}

static int fail_exit(struct kvm_vcpu *vcpu, const char *what)
{
	struct kvm_regs r;
	char rip[48] = "guest RIP unreadable";
	if (get_regs(vcpu, &r))
		snprintf(rip, sizeof(rip), "guest RIP 0x%llx", (unsigned long long)r.rip);
	return guest_fail("vCPU %d (VM %d): unexpected exit %s (%u)%s, %s", vcpu->id,
			  vcpu->vm->id, kvm_exit_reason_name(vcpu->run->exit_reason),
			  vcpu->run->exit_reason, what, rip);
}

int guest_memslot_failed(struct kvm_vcpu *vcpu, bool in_run, const char *kind, uint32_t slot,
			 int err)
{
	struct kvm_regs r;
	char rip[48] = "guest RIP unreadable";
	if (in_run) /* KVM_GET_REGS would wait for its KVM_RUN to end */
		snprintf(rip, sizeof(rip), "guest RIP not read (vCPU in KVM_RUN)");
	else if (get_regs(vcpu, &r))
		snprintf(rip, sizeof(rip), "guest RIP 0x%llx", (unsigned long long)r.rip);
	return guest_fail("VM %d: KVM_SET_USER_MEMORY_REGION (%s of slot %u) failed: %s%s, "
			  "vCPU %d's %s", vcpu->vm->id, kind, slot, strerror(err),
			  err == EIO ? " (KVM marked the VM dead)" : "", vcpu->id, rip);
}

/* KVM_RUN itself failed: EIO from a VM that KVM killed (KVM_BUG_ON), EFAULT, ... */
static int fail_run(struct kvm_vcpu *vcpu, int err)
{
	struct kvm_regs r;
	char rip[48] = "guest RIP unreadable";
	if (get_regs(vcpu, &r))
		snprintf(rip, sizeof(rip), "guest RIP 0x%llx", (unsigned long long)r.rip);
	return guest_fail("vCPU %d (VM %d): KVM_RUN failed: %s%s, %s", vcpu->id, vcpu->vm->id,
			  strerror(err), err == EIO ? " (KVM marked the VM dead)" : "", rip);
}

int guest_run_to_sync(struct kvm_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	char what[160];
	for (;;) {
		int r = __vcpu_ioctl(vcpu, KVM_RUN, NULL);
		if (r == -EINTR)
			return -EINTR;
		if (r < 0)
			return fail_run(vcpu, -r);
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			if (run->io.port == GUEST_PORT_SYNC)
				return 0;
			if (run->io.port == GUEST_PORT_EXCEPTION)
				return fail_exception(vcpu);
			snprintf(what, sizeof(what), " on port 0x%x", run->io.port);
			return fail_exit(vcpu, what);
		case KVM_EXIT_INTR:
			return -EINTR;
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr >= vcpu->mmio_lo && run->mmio.phys_addr < vcpu->mmio_hi) {
				/* reads of the missing slot return zeros, writes are dropped */
				if (!run->mmio.is_write)
					memset(run->mmio.data, 0, sizeof(run->mmio.data));
				atomic_fetch_add(&vcpu->mmio_exits, 1);
				continue;
			}
			snprintf(what, sizeof(what), ": guest accessed GPA 0x%llx, which no memslot "
				 "covers", (unsigned long long)run->mmio.phys_addr);
			return fail_exit(vcpu, what);
		case KVM_EXIT_SHUTDOWN:
			return fail_exit(vcpu, ": triple fault");
		case KVM_EXIT_FAIL_ENTRY:
			snprintf(what, sizeof(what), ": hardware entry failure reason 0x%llx",
				 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
			return fail_exit(vcpu, what);
		case KVM_EXIT_INTERNAL_ERROR:
			snprintf(what, sizeof(what), ": suberror %u", run->internal.suberror);
			return fail_exit(vcpu, what);
		default:
			return fail_exit(vcpu, "");
		}
	}
}

/* MSB_TEST_GUEST_FAULT=KIND:N (tests only): vCPU 0's Nth command makes the guest fail.
 * exception: a call to an unmapped address (#PF); shutdown: the same with the IDT
 * cleared, so the #PF cannot be delivered (triple fault); io: an `out` to an unknown
 * port (guest_entry's own `out`, reached with the port in the command's a2). */
#define FAULT_GVA 0x00007f0000000000ULL
#define ENTRY_OUT_OFFSET 7 /* guest_entry: mov %rdi,%r15 (3); mov $port,%dx (4); out */
static void inject_fault(struct kvm_vcpu *vcpu, struct guest_ctl *ctl)
{
	static unsigned long calls, at;
	static const char *kind;
	if (!kind) {
		const char *e = getenv("MSB_TEST_GUEST_FAULT");
		kind = e ? e : "";
		const char *colon = e ? strchr(e, ':') : NULL;
		at = colon ? strtoul(colon + 1, NULL, 10) : 0;
	}
	if (vcpu->id != 0 || !at || ++calls != at)
		return;
	ctl->fn = FAULT_GVA;
	if (!strncmp(kind, "shutdown:", 9))
		memset((uint8_t *)ctl - SYS_CTL_GPA + SYS_IDT_GPA, 0, IDT_VECTORS * 16);
	if (!strncmp(kind, "io:", 3)) {
		const uint8_t *out = (const uint8_t *)guest_entry + ENTRY_OUT_OFFSET;
		if (*out != 0xee) /* out %al,(%dx) */
			msb_die("internal error: MSB_TEST_GUEST_FAULT=io: no `out` in guest_entry");
		ctl->fn = guest_fn(out);
		ctl->arg[2] = 0x99;
	}
}

/* The host stops a halted vCPU (guest_halt) with immediate_exit and a signal: runnable
 * again, it returns from its hlt and sees ctl->stop. */
static void unhalt(struct kvm_vcpu *vcpu)
{
	struct kvm_mp_state runnable = { .mp_state = KVM_MP_STATE_RUNNABLE };
	__atomic_store_n(&vcpu->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
	int r = __vcpu_ioctl(vcpu, KVM_SET_MP_STATE, &runnable);
	if (r < 0)
		guest_fail("vCPU %d (VM %d): KVM_SET_MP_STATE (runnable, to end its halt) failed: "
			   "%s", vcpu->id, vcpu->vm->id, strerror(-r));
}

uint64_t guest_call(struct kvm_vcpu *vcpu, struct guest_ctl *ctl, uint64_t fn, uint64_t a0,
		    uint64_t a1, uint64_t a2, uint64_t a3)
{
	uint64_t seq = ctl->seq;
	ctl->arg[0] = a0;
	ctl->arg[1] = a1;
	ctl->arg[2] = a2;
	ctl->arg[3] = a3;
	ctl->fn = fn;
	inject_fault(vcpu, ctl);
	/* A signal (run's SIGINT: bench/interrupt.h) only ends KVM_RUN early: the command
	 * is finished, the caller checks for the interruption after it. After a guest
	 * failure (recoverable) nothing more runs: the caller checks guest_failure(). */
	while (ctl->seq == seq && !guest_failure())
		if (guest_run_to_sync(vcpu) == -EINTR && vcpu->run->immediate_exit)
			unhalt(vcpu);
	ctl->fn = 0;
	return guest_failure() ? 0 : ctl->result;
}
