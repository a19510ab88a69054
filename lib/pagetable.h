/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 4-level guest page-table builder. Pure code: it writes page-table pages into
 * caller-provided buffers (pools) that stand for ranges of guest-physical memory. */
#ifndef MSB_PAGETABLE_H
#define MSB_PAGETABLE_H
#include <stdbool.h>
#include <stdint.h>

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2) /* needed: guest workloads run at CPL3 */
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#define PAGE_SHIFT_4K 12
#define PAGE_SHIFT_2M 21

/* Guest-physical pool the page-table pages are allocated from. */
struct pt_pool {
	uint8_t *host;     /* host mapping of the pool */
	uint64_t gpa;      /* guest-physical address of host[0]; 4 KiB aligned */
	uint64_t size;     /* bytes */
	uint64_t used;     /* bytes handed out */
};

struct pt {
	struct pt_pool *pool;  /* the PML4 and every table no local pool takes */
	struct pt_pool *local; /* optional caller array of pools for pt_map_local(), sorted by
				* gpa and disjoint from each other and from pool; set it
				* after pt_init(), which clears it */
	unsigned nlocal;
	uint64_t pml4_gpa;
	uint64_t table_pages; /* page-table pages allocated, PML4 included */
};

/* Allocate and zero the PML4. -ENOMEM if the pool is too small, -EINVAL if misaligned. */
int pt_init(struct pt *pt, struct pt_pool *pool);
/* Map [gva, gva+size) to [gpa, gpa+size) with 4 KiB (shift 12) or 2 MiB (shift 21) pages;
 * flags are OR-ed into every level (pass PTE_W | PTE_U). -EINVAL on misalignment, a
 * non-canonical GVA or an overlap with an existing mapping; -ENOMEM when the pool is full. */
int pt_map(struct pt *pt, uint64_t gva, uint64_t gpa, uint64_t size, unsigned page_shift,
	   uint64_t flags);
/* pt_map(), but each new table that maps nothing outside [gva, gva+size) comes from
 * local (pt->pool or one of pt->local): a guest whose page tables live in the memory
 * they map. Tables that also map other addresses still come from pt->pool. */
int pt_map_local(struct pt *pt, struct pt_pool *local, uint64_t gva, uint64_t gpa,
		 uint64_t size, unsigned page_shift, uint64_t flags);
/* Software walk: translate gva. Returns 0 and fills gpa/leaf level (1=4K, 2=2M), or
 * -ENOENT if not mapped. Any output pointer may be NULL. */
int pt_translate(const struct pt *pt, uint64_t gva, uint64_t *gpa, int *level, uint64_t *pte);
/* Upper bound of page-table pages needed to map size bytes at an aligned gva, not
 * counting the PML4 (pt_init allocates that). */
uint64_t pt_pages_needed(uint64_t size, unsigned page_shift);
/* Tables (below the PML4) that map nothing outside [gva, gva+size): exactly what
 * pt_map_local() takes from its local pool when nothing in the range is mapped yet. */
uint64_t pt_tables_inside(uint64_t gva, uint64_t size, unsigned page_shift);

#endif
