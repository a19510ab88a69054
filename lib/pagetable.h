/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 4-level guest page-table builder. Pure code: it writes page-table pages into a
 * caller-provided buffer that stands for a range of guest-physical memory. */
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
	struct pt_pool *pool;
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
/* Software walk: translate gva. Returns 0 and fills gpa/leaf level (1=4K, 2=2M), or
 * -ENOENT if not mapped. Any output pointer may be NULL. */
int pt_translate(const struct pt *pt, uint64_t gva, uint64_t *gpa, int *level, uint64_t *pte);
/* Upper bound of page-table pages needed to map size bytes at an aligned gva, not
 * counting the PML4 (pt_init allocates that). */
uint64_t pt_pages_needed(uint64_t size, unsigned page_shift);

#endif
