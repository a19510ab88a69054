/* SPDX-License-Identifier: GPL-2.0 */
/* Guest address-space builder: a system region (GDT, IDT, TSS, guest code, stacks, control
 * pages, page tables) in memslot 0 at GPA 0, and a data region of N memslots from
 * ASPACE_DATA_GPA up, mapped GVA == GPA. With memfd aliasing every data slot maps the same
 * host range, so a 64 GiB guest needs only host_mem bytes of host memory; aliased frames
 * still get their own SPTEs and shadow pages. */
#ifndef MSB_ASPACE_H
#define MSB_ASPACE_H
#include <stdbool.h>
#include <stdint.h>
#include "kvm.h"
#include "pagetable.h"

#define ASPACE_DATA_GPA (4ULL << 30) /* above the system region and the 32-bit hole */
#define ASPACE_MAX_VCPUS 64

enum aspace_backing {
	BACKING_ANON,  /* private anonymous memory, 4 KiB host pages */
	BACKING_MEMFD, /* shared memfd, aliasable */
	BACKING_THP,   /* anonymous with MADV_HUGEPAGE */
};

struct aspace_cfg {
	uint64_t guest_mem;       /* data region size, bytes */
	unsigned nslots;          /* data memslots (>= 1) */
	unsigned page_shift;      /* guest mapping: 12 (4K) or 21 (2M) */
	enum aspace_backing backing;
	uint64_t host_mem;        /* host bytes behind the data region; 0 = guest_mem.
				   * Less than guest_mem means aliasing (memfd only). */
	unsigned nvcpus;          /* vCPUs that get a stack and a control page */
	uint64_t extra_pt_pages;  /* page-table headroom for aspace_add_slot(map=true) */
	bool pt_spread;           /* --pt-placement spread: each guest page table that maps
				   * only one data slot lives in that slot (aspace_pt_area) */
	int mem_policy;           /* guest memory's NUMA policy before first touch: 0 none,
				   * MPOL_BIND or MPOL_INTERLEAVE over mem_nodes */
	unsigned long mem_nodes;  /* node OS indexes, a mask */
};

struct aspace_slot {
	uint32_t id;
	uint32_t flags;
	uint64_t gpa;
	uint64_t size;
	void *hva;
	bool mapped; /* present in the guest page tables */
	uint64_t pt_bytes; /* pt_spread: the slot's first bytes hold guest page tables */
};

/* Fixed layout of the system region (all GPAs, GVA == GPA). */
#define SYS_GDT_GPA 0x1000ULL
#define SYS_IDT_GPA 0x2000ULL
#define SYS_TSS_GPA 0x3000ULL      /* one 128-byte TSS per vCPU */
#define SYS_CTL_GPA 0x6000ULL      /* one 4 KiB control page per vCPU (up to 64) */
#define SYS_CODE_GPA 0x50000ULL    /* guest code, up to 64 KiB */
#define SYS_CODE_MAX 0x10000ULL
#define SYS_STACK_GPA 0x60000ULL   /* per vCPU: 8 KiB user stack + 8 KiB kernel stack */
#define SYS_STACK_PER_VCPU 0x4000ULL
#define SYS_PT_GPA 0x200000ULL     /* page-table pool */

struct aspace {
	struct kvm_vm *vm;
	struct aspace_cfg cfg;
	uint8_t *sys_host;
	uint64_t sys_size;
	struct pt_pool pool;
	struct pt pt;
	struct pt_pool *slot_pools; /* pt_spread: one per data slot (pt.local), else NULL */
	struct aspace_slot *slots; /* slots[0] is the system slot; data slots follow */
	unsigned nslots_total;
	unsigned ndata;            /* data slots are slots[1 .. ndata] */
	int memfd;                 /* -1 unless BACKING_MEMFD */
	uint8_t *data_host;        /* host range behind the data slots */
	uint64_t host_size;
	uint32_t next_slot_id;
};

/* Check a configuration without building it: 0, or -1 with a one-line message. */
int aspace_cfg_check(const struct aspace_cfg *cfg, char *err, size_t errlen);
/* Build memory, page tables and memslots. Dies with a clear message on failure.
 * as->pt points at as->pool: do not copy or move *as afterwards. */
void aspace_build(struct kvm_vm *vm, const struct aspace_cfg *cfg, struct aspace *as);
/* Unmap all host memory and close the memfd; memslots are left alone, so call it after
 * vm_close(). */
void aspace_destroy(struct aspace *as);
/* pt_spread: bytes at the start of data slot k (0-based) that hold its page tables, a
 * multiple of 2 MiB; 0 without pt_spread. The working set must stay off them. */
uint64_t aspace_pt_area(const struct aspace_cfg *cfg, unsigned k);
/* The part of a slot that is not page tables: what a workload may touch. */
static inline void aspace_slot_data(const struct aspace_slot *s, uint64_t *gpa,
				    uint64_t *size)
{
	*gpa = s->gpa + s->pt_bytes;
	*size = s->size - s->pt_bytes;
}
/* Host pointer for a guest-physical address, NULL if no slot covers it. */
void *aspace_gpa_to_hva(const struct aspace *as, uint64_t gpa);
/* Add a memslot of size bytes at gpa (0 = right after the highest slot, 2 MiB aligned)
 * with fresh host memory; map it in the guest page tables when map is true.
 * Returns the index in as->slots. */
unsigned aspace_add_slot(struct aspace *as, uint64_t gpa, uint64_t size, bool map);

#endif
