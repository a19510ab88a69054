/* SPDX-License-Identifier: GPL-2.0 */
/* Host memory one VM of the benchmark needs, estimated before any VM is created, so that
 * a run that cannot fit is refused up front instead of dying in the OOM killer (or
 * swapping its timings away) hours into a sweep. The figures are upper bounds: every
 * guest page touched, every guest page table shadowed, 4 KiB host mappings. */
#ifndef MSB_MEMEST_H
#define MSB_MEMEST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct memest_in {
	uint64_t guest_mem;   /* the data region's GPA space, bytes */
	uint64_t host_mem;    /* host bytes behind it (less than guest_mem: memfd aliasing) */
	uint64_t extra_mem;   /* extra and running slots: GPA space and host bytes alike */
	unsigned page_shift;  /* guest mapping: 12 (4K) or 21 (2M) */
	unsigned nslots;      /* memslots in all, the system region's included */
	unsigned nvcpus;
	bool tdp;             /* KVM's TDP MMU (else the shadow MMU) */
};

struct memest {
	uint64_t backing;   /* guest memory and the system region (page tables, code, stacks) */
	uint64_t guest_pt;  /* the guest's own page tables (inside the system region) */
	uint64_t kvm_pt;    /* KVM's shadow pages or TDP page tables, with their metadata */
	uint64_t rmap;      /* KVM's per-memslot rmaps and large-page info (shadow MMU) */
	uint64_t vcpu;      /* the program, the VM and per vCPU: kvm_run, the vCPU structure,
			     * its MMU caches */
	uint64_t total;
};

/* The estimate (pure: no system call). */
void memest_vm(const struct memest_in *in, struct memest *out);
/* "1.0 GiB (guest memory and system region 1.0 GiB, of which guest page tables 2.0 MiB;
 * KVM shadow pages 4.2 MiB; rmaps 2.0 MiB; program, VM and vCPUs 8.5 MiB)" */
void memest_describe(const struct memest *e, bool tdp, char *buf, size_t len);
/* "1.3 GiB", "265.1 MiB" */
void memest_format(uint64_t bytes, char *buf, size_t len);
/* MemAvailable of a meminfo file (/proc/meminfo), bytes: 0, or -1 when absent. */
int memest_mem_available(const char *meminfo, uint64_t *bytes);
/* Open files a run needs at once: the process's own, /dev/kvm, one VM's fds (VM, vCPUs
 * and their stats, memfd), tracefs. */
uint64_t memest_files_needed(unsigned nvcpus);
/* RLIMIT_NOFILE: raise the soft limit towards the hard one when it is short; -1 with one
 * line in err when even the hard limit is short. */
int memest_nofile_check(uint64_t need, char *err, size_t errlen);

#endif
