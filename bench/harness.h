/* SPDX-License-Identifier: GPL-2.0 */
/* What every scenario shares: one VM with a populated guest address space, its vCPUs
 * (idle, or running a touch loop on their own threads), stats, and the run's options. */
#ifndef MSB_HARNESS_H
#define MSB_HARNESS_H
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "aspace.h"
#include "guest.h"
#include "kvm.h"
#include "pin.h"
#include "placement.h"
#include "trace.h"
#include "sample.h"
#include "scenario.h"
#include "stats.h"

enum variant { VARIANT_ZAP_ALL, VARIANT_ZAP_SLOT, NR_VARIANTS };
enum target { TARGET_UNRELATED, TARGET_POPULATED };
/* Where the guest's page tables live: all in slot 0, or each one that maps a single data
 * slot in that slot (so that zap-slot of a populated slot zaps their shadow pages). */
enum pt_placement { PT_SLOT0, PT_SPREAD };
/* vCPUs 1..N-1: idle; running a touch loop, each on its own part of a slot created for
 * them that vCPU 0 never touches (so vCPU 0's refault is measured alone); or active: the
 * touch loop on the target slot itself, as in memslot_perf_test's "move active area"
 * (their accesses while the slot is gone exit as MMIO). */
enum vcpu_mode { VCPU_IDLE, VCPU_RUNNING, VCPU_ACTIVE };

struct run_opts {
	uint64_t guest_mem;     /* current size of a sweep */
	uint64_t nslots;
	int page_size;          /* 0: 4K, 1: 2M guest mappings */
	int backing;            /* enum aspace_backing */
	uint64_t host_mem;      /* 0: min(guest_mem, 1G) for memfd, guest_mem otherwise */
	uint64_t vcpus;
	int vcpu_mode;
	int target;
	int pt_placement;       /* enum pt_placement */
	uint64_t extra_slots;   /* unrelated 2 MiB slots besides the data slots */
	uint64_t target_size;   /* --target unrelated: the size of the extra slot it changes */
	uint64_t touch_stride;  /* bytes between touched addresses in the working set */
	uint64_t running_set;   /* bytes each running vCPU touches in the running slot */
	uint64_t settle_us;     /* pause before a restoring change: deferred frees drain */
	uint64_t reps, warmup;  /* per VM */
	uint64_t rounds;        /* VMs per variant, interleaved with the other variant's */
	struct placement place; /* --numa: threads bound by run, memory by the aspace */
	int pin_mode;           /* --pin: 0 auto, 1 none */
	bool tdp;               /* KVM runs the TDP MMU: no shadow-page counts */
	struct pin_plan pin;    /* the CPU of each thread that runs */
	bool trace;             /* --trace: KVM's MMU events around each change (lib/trace.h) */
	/* The scenario runs every vCPU, vCPU 0 too, on a thread of its own (pin thread
	 * 1 + id) and gives each a stall log (SLOG_BYTES) in a slot of their own. */
	bool own_vcpu_threads;
	/* The scenario's VMs have KVM's in-kernel irqchip (LAPIC): its vCPUs can halt in
	 * KVM (guest_halt), as in a VMM's VM. */
	bool in_kernel_irqchip;
	bool quiet;
};

struct metric_set {
	struct series *s;
	size_t n;
};

struct bench_vm {
	struct kvm_sys *sys;
	const struct run_opts *o;
	enum variant variant;
	struct kvm_vm vm;
	struct aspace as;
	struct kvm_vcpu *vcpus;
	pthread_t *threads;
	bool threads_running;
	bool threads_may_halt;  /* the running threads may be halted in KVM: see stop */
	struct kvm_stats vm_stats, vcpu0_stats;
	struct kvm_stats *vcpu_stats; /* every vCPU's (own_vcpu_threads), else NULL */
	unsigned log_slot;      /* own_vcpu_threads: the slot of the vCPUs' stall logs */
	unsigned first_thread, end_thread; /* threads[first .. end-1] run while threads_running */
	unsigned first_extra;   /* index in as.slots of the first extra slot */
	unsigned running_slot;  /* --vcpu-mode running: the slot only vCPUs 1..N-1 touch */
	uint64_t setup_ns;
	struct placement_actual *actual; /* where threads ran (read back), or NULL */
	struct msb_trace *trace; /* --trace: the run's capture, else NULL */
	double ns_per_tick;     /* TSC, for the running vCPUs' stall (not with idle vCPUs) */
	uint64_t ioctl_tsc[2];  /* host TSC just before and after the last timed ioctl */
	struct metric_set *m;   /* where samples go; the caller's, kept across VMs */
	struct bench_progress *progress; /* NULL: none */
};

/* Progress on stderr, fio-style, unless --quiet: "[VM 3/8 31%] delete guest=256M round
 * 2/2 zap-all: rep 7/12, elapsed 4s, ETA 9s". On a terminal one line rewritten with \r
 * (cleared after each VM); otherwise plain lines: one as each VM's set-up starts, at
 * most one per PROGRESS_PLAIN_GAP_S seconds, and within a VM's repetitions one per
 * PROGRESS_HEARTBEAT_S seconds at most. */
#define PROGRESS_PLAIN_GAP_S 3
#define PROGRESS_HEARTBEAT_S 30
struct bench_progress {
	bool on, tty, shown;    /* shown: a \r line is on the terminal */
	uint64_t t0, last_ns;   /* the run's start; the last plain line */
	double vms_done, vms_total; /* the ETA's measure (an upper bound with --precision) */
	char label[128];        /* "delete guest=256M round 2/2 zap-all" */
};
void progress_start(struct bench_progress *p, bool quiet, double vms_total);
/* A VM's set-up begins (touching pages): its label and the line. */
void progress_vm(struct bench_progress *p, const char *label, uint64_t pages);
/* The VM is done (or failed): clears a terminal's line. */
void progress_vm_done(struct bench_progress *p);
/* "42s", "3m28s", "1h02m". */
void fmt_duration(double s, char *buf, size_t len);

/* Build the VM for one variant. Returns 0, or -1 with a reason in why when the variant
 * cannot run on this kernel (zap-slot before 6.12). */
int bench_vm_setup(struct bench_vm *b, struct kvm_sys *sys, const struct run_opts *o,
		   enum variant v, struct metric_set *m, char *why, size_t whylen);
void metric_set_free(struct metric_set *m);
const struct series *metric_find(const struct metric_set *m, const char *name);
void bench_vm_teardown(struct bench_vm *b);
/* Bytes of the running vCPUs' own slot (--vcpu-mode running): running_set each. */
uint64_t running_slot_size(const struct run_opts *o);
/* The address-space configuration a run's options ask for. */
void bench_aspace_cfg(const struct run_opts *o, struct aspace_cfg *cfg);
/* Peak RSS of this process since the last reset (VmHWM), in bytes; 0 if unknown. */
void rss_peak_reset(void);
uint64_t rss_peak_bytes(void);
/* Start / stop vCPUs 1..N-1 running the touch loop (not with VCPU_IDLE). */
void bench_vcpus_start(struct bench_vm *b);
void bench_vcpus_stop(struct bench_vm *b);
/* own_vcpu_threads: vCPUs 0..n-1 each call guest function fn(a0[i], a1[i], a2[i], a3) on
 * a pinned thread of their own; bench_vcpus_stop() sets ctl->stop and joins them. fn
 * guest_halt (in_kernel_irqchip): the vCPUs halt in KVM; stop gets each out of KVM_RUN
 * (immediate_exit and a signal) and makes it runnable again (lib/guest.c). */
void bench_vcpus_start_n(struct bench_vm *b, unsigned n, uint64_t fn, const uint64_t *a0,
			 const uint64_t *a1, const uint64_t *a2, uint64_t a3);
/* vCPU i's stall log (own_vcpu_threads), host view. */
struct stall_log *bench_vcpu_log(struct bench_vm *b, unsigned i);
/* MMIO exits the running vCPUs have taken so far (VCPU_ACTIVE: accesses to the target
 * slot while it was deleted or moved away). */
uint64_t bench_mmio_exits(struct bench_vm *b);

/* vCPU 0 touches the working set; returns wall ns, adds vCPU 0's pf_fixed delta to
 * *pf_fixed when non-NULL. */
uint64_t bench_touch(struct bench_vm *b, int64_t *pf_fixed);

/* Named series of the current run, created on first use. */
void bench_add(struct bench_vm *b, const char *name, const char *unit, double v);
/* A VM stat's value in snapshot s; false when the kernel does not export it. */
bool bench_stat_opt(struct bench_vm *b, const struct kvm_stats_snap *s, const char *name,
		    uint64_t *v);
/* Wait --settle before a change that restores the state (the CREATE after a DELETE):
 * KVM frees zapped page tables partly after the ioctl (RCU), and the restore should
 * not be timed inside that aftermath. */
void bench_settle(const struct bench_vm *b);
/* Progress of the repetitions (see struct bench_progress). */
void bench_progress(struct bench_vm *b, uint64_t rep, uint64_t total, const char *what);

extern const char *const variant_names[NR_VARIANTS];
extern const char *const vcpu_mode_names[]; /* --vcpu-mode spellings, by enum vcpu_mode */

/* Warm-up and measured repetitions of a scenario on a set-up VM: its step (and control),
 * the running vCPUs' windows and vCPU 0's refault around each, the VM index of every
 * sample of the primary metric. */
/* After a guest failure (guest_failure()) in a repetition: every series back to the
 * length of "vm_round", which a repetition adds last, so the failed one leaves nothing. */
void bench_drop_failed_rep(struct metric_set *m);
void bench_repeat(struct bench_vm *b, const struct scenario *sc, const void *sopts,
		  uint64_t vm_index);

/* Guest workload in bench/guest_workloads.S: touch(seed, base, npages, stride) again and
 * again until ctl->stop; returns passes. */
extern const char guest_touch_loop[];
/* The same loop keeping the stall log (ctl->log, guest_abi.h) for the stall scenario. */
extern const char guest_stall_loop[];

#endif
