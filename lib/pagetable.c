/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64 4-level page-table builder. Levels are numbered like the hardware walk seen from
 * the leaf: 1 = PT (4 KiB leaves), 2 = PD (2 MiB leaves), 3 = PDPT, 4 = PML4.
 *
 * pt_map() runs in two passes over the range: a check pass that finds overlaps and counts
 * the tables that are missing, then an apply pass that cannot fail. A failed call therefore
 * leaves the tables and the pool untouched. Both passes descend once per table, not once
 * per page, and the leaf level is a tight loop, so 16M 4 KiB PTEs take a fraction of a
 * second. */
#include "pagetable.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PT_PAGE 4096ULL
#define PT_ENTRIES 512
#define PT_LEVELS 4
#define PT_TABLE_FLAGS (PTE_P | PTE_W | PTE_U)
#define PT_MAX_PA (1ULL << 52) /* architectural MAXPHYADDR limit */

/* log2 of the bytes one entry at this level maps. */
static inline unsigned entry_shift(int level)
{
	return PAGE_SHIFT_4K + 9 * (level - 1);
}

static inline unsigned pt_index(int level, uint64_t va)
{
	return (va >> entry_shift(level)) & (PT_ENTRIES - 1);
}

static inline uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* The pool whose range holds gpa: pt->pool, else the last local pool starting at or
 * below it (binary search: one local pool per memslot can mean thousands). */
static const struct pt_pool *pool_of(const struct pt *pt, uint64_t gpa)
{
	unsigned lo = 0, hi = pt->nlocal;

	if (gpa - pt->pool->gpa < pt->pool->used)
		return pt->pool;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (pt->local[mid].gpa <= gpa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &pt->local[lo - 1] : NULL;
}

/* Host pointer of the table at gpa, NULL if it is not a table handed out by a pool
 * (a corrupt entry must not make us write outside the buffer). */
static uint64_t *table_ptr(const struct pt *pt, uint64_t gpa)
{
	const struct pt_pool *pool = pool_of(pt, gpa);

	if (!pool || gpa - pool->gpa >= pool->used || (gpa & (PT_PAGE - 1)))
		return NULL;
	return (uint64_t *)(void *)(pool->host + (gpa - pool->gpa));
}

/* Caller has checked there is room (pt_init, or pt_map's check pass). */
static uint64_t alloc_table(struct pt *pt, struct pt_pool *pool)
{
	uint64_t off = pool->used;

	memset(pool->host + off, 0, PT_PAGE);
	pool->used += PT_PAGE;
	pt->table_pages++;
	return pool->gpa + off;
}

static uint64_t pool_free_pages(const struct pt_pool *pool)
{
	return pool->size > pool->used ? (pool->size - pool->used) / PT_PAGE : 0;
}

int pt_init(struct pt *pt, struct pt_pool *pool)
{
	if (!pool->host || ((uintptr_t)pool->host & 7) || (pool->gpa & (PT_PAGE - 1)) ||
	    (pool->used & (PT_PAGE - 1)))
		return -EINVAL;
	if (pool_free_pages(pool) < 1)
		return -ENOMEM;
	pt->pool = pool;
	pt->local = NULL;
	pt->nlocal = 0;
	pt->table_pages = 0;
	pt->pml4_gpa = alloc_table(pt, pool);
	return 0;
}

struct map_op {
	struct pt *pt;
	struct pt_pool *local;  /* tables inside [first, last] come from here */
	uint64_t first, last;   /* the range the call maps */
	uint64_t gpa_minus_gva; /* modulo 2^64 */
	uint64_t leaf_flags;
	uint64_t table_flags;
	int leaf;               /* leaf level: 1 or 2 */
	bool apply;             /* false: check pass */
	uint64_t missing;       /* check pass: tables to allocate */
	uint64_t missing_local; /* check pass: of those, tables inside [first, last] */
};

/* Tables of levels [leaf, top] needed to cover [start, last] where none exist yet. */
static uint64_t tables_for_range(int top, int leaf, uint64_t start, uint64_t last)
{
	uint64_t n = 0;

	for (int lvl = top; lvl >= leaf; lvl--) {
		/* a table at level lvl covers what one entry at level lvl + 1 maps */
		unsigned span = entry_shift(lvl + 1);

		n += (last >> span) - (start >> span) + 1;
	}
	return n;
}

/* Of the tables lo..hi, each covering 2^span bytes, those inside [first, last]. */
static uint64_t count_inside(unsigned span, uint64_t lo, uint64_t hi, uint64_t first,
			     uint64_t last)
{
	uint64_t mask = (1ULL << span) - 1;
	uint64_t in_lo = (first >> span) + ((first & mask) != 0);
	uint64_t in_hi = last >> span;

	if ((last & mask) != mask) { /* the table holding last reaches past it */
		if (!in_hi)
			return 0;
		in_hi--;
	}
	lo = lo > in_lo ? lo : in_lo;
	hi = hi < in_hi ? hi : in_hi;
	return hi >= lo ? hi - lo + 1 : 0;
}

/* tables_for_range(), counting only the tables inside [first, last]. */
static uint64_t tables_inside_range(int top, int leaf, uint64_t start, uint64_t last,
				    uint64_t first, uint64_t range_last)
{
	uint64_t n = 0;

	for (int lvl = top; lvl >= leaf; lvl--) {
		unsigned span = entry_shift(lvl + 1);

		n += count_inside(span, start >> span, last >> span, first, range_last);
	}
	return n;
}

/* The pool for a new table below an entry at level that maps va: local when the whole
 * table lies inside the call's range. */
static struct pt_pool *pool_for(const struct map_op *op, int level, uint64_t va)
{
	uint64_t span_mask = (1ULL << entry_shift(level)) - 1;
	uint64_t base = va & ~span_mask;

	if (base >= op->first && (base | span_mask) <= op->last)
		return op->local;
	return op->pt->pool;
}

/* Leaf entries for [start, last], all inside this one table: the hot loop. */
static int map_leaves(struct map_op *op, uint64_t *table, int level, uint64_t start,
		      uint64_t last)
{
	unsigned first = pt_index(level, start), end = pt_index(level, last) + 1;
	uint64_t step = 1ULL << entry_shift(level);

	if (!op->apply) {
		for (unsigned i = first; i < end; i++)
			if (table[i] & PTE_P)
				return -EINVAL;
		return 0;
	}

	uint64_t pte = (start + op->gpa_minus_gva) | op->leaf_flags;

	for (unsigned i = first; i < end; i++, pte += step)
		table[i] = pte;
	return 0;
}

/* Walk one non-leaf table over [start, last]: descend into existing tables; where one is
 * missing, count it (check pass) or allocate it (apply pass). */
static int map_level(struct map_op *op, uint64_t *table, int level, uint64_t start,
		     uint64_t last)
{
	if (level == op->leaf)
		return map_leaves(op, table, level, start, last);

	unsigned first = pt_index(level, start), end = pt_index(level, last) + 1;
	uint64_t span_mask = (1ULL << entry_shift(level)) - 1;
	uint64_t va = start, sub_last;

	for (unsigned i = first; i < end; i++, va = sub_last + 1) {
		uint64_t entry = table[i];
		uint64_t *child;
		int r;

		sub_last = min_u64(last, va | span_mask);
		if (!(entry & PTE_P)) {
			if (!op->apply) {
				op->missing += tables_for_range(level - 1, op->leaf, va, sub_last);
				op->missing_local += tables_inside_range(level - 1, op->leaf, va,
									 sub_last, op->first,
									 op->last);
				continue;
			}
			entry = alloc_table(op->pt, pool_for(op, level, va)) | op->table_flags;
		} else if (entry & PTE_PS) {
			return -EINVAL; /* a large page already maps part of the range */
		} else {
			/* a later mapping may need a permission the earlier one did not */
			entry |= op->table_flags;
		}
		if (op->apply)
			table[i] = entry;
		child = table_ptr(op->pt, entry & PTE_ADDR_MASK);
		if (!child)
			return -EINVAL;
		r = map_level(op, child, level - 1, va, sub_last);
		if (r)
			return r;
	}
	return 0;
}

static int check_map_args(uint64_t gva, uint64_t gpa, uint64_t size, unsigned page_shift,
			  uint64_t flags)
{
	uint64_t mask = (1ULL << page_shift) - 1;
	uint64_t last = gva + size - 1;

	if (page_shift != PAGE_SHIFT_4K && page_shift != PAGE_SHIFT_2M)
		return -EINVAL;
	if (!size || ((gva | gpa | size) & mask))
		return -EINVAL;
	if (flags & (PTE_ADDR_MASK | PTE_P | PTE_PS))
		return -EINVAL; /* flags, not an address or a page size */
	if (last < gva || !canonical(gva) || !canonical(last) || (gva >> 47) != (last >> 47))
		return -EINVAL; /* wraps, or leaves (or crosses) a canonical half */
	if (gpa >= PT_MAX_PA || size > PT_MAX_PA - gpa)
		return -EINVAL;
	return 0;
}

/* local is pt->pool or one of pt->local (by address: no scan per call). */
static bool known_pool(const struct pt *pt, const struct pt_pool *local)
{
	uintptr_t off = (uintptr_t)local - (uintptr_t)pt->local;

	return local == pt->pool || (pt->local && off < pt->nlocal * sizeof(*local) &&
				     off % sizeof(*local) == 0);
}

/* Room in each pool for what the check pass counted. */
static bool pools_have_room(const struct map_op *op)
{
	struct pt_pool *pool = op->pt->pool;

	if (op->local == pool)
		return op->missing <= pool_free_pages(pool);
	return op->missing - op->missing_local <= pool_free_pages(pool) &&
	       op->missing_local <= pool_free_pages(op->local);
}

int pt_map(struct pt *pt, uint64_t gva, uint64_t gpa, uint64_t size, unsigned page_shift,
	   uint64_t flags)
{
	return pt_map_local(pt, pt->pool, gva, gpa, size, page_shift, flags);
}

int pt_map_local(struct pt *pt, struct pt_pool *local, uint64_t gva, uint64_t gpa,
		 uint64_t size, unsigned page_shift, uint64_t flags)
{
	int r = check_map_args(gva, gpa, size, page_shift, flags);
	uint64_t last = gva + size - 1;
	uint64_t *pml4 = table_ptr(pt, pt->pml4_gpa);

	if (r)
		return r;
	if (!pml4 || !known_pool(pt, local))
		return -EINVAL;

	struct map_op op = {
		.pt = pt,
		.local = local,
		.first = gva,
		.last = last,
		.gpa_minus_gva = gpa - gva,
		.leaf = page_shift == PAGE_SHIFT_2M ? 2 : 1,
		.leaf_flags = PTE_P | flags | (page_shift == PAGE_SHIFT_2M ? PTE_PS : 0),
		.table_flags = PT_TABLE_FLAGS | flags,
	};

	r = map_level(&op, pml4, PT_LEVELS, gva, last);
	if (r)
		return r;
	if (!pools_have_room(&op))
		return -ENOMEM;
	op.apply = true;
	return map_level(&op, pml4, PT_LEVELS, gva, last);
}

int pt_translate(const struct pt *pt, uint64_t gva, uint64_t *gpa, int *level, uint64_t *pte)
{
	const uint64_t *table = table_ptr(pt, pt->pml4_gpa);

	if (!canonical(gva))
		return -ENOENT;
	for (int lvl = PT_LEVELS; lvl >= 1 && table; lvl--) {
		uint64_t entry = table[pt_index(lvl, gva)];

		if (!(entry & PTE_P))
			return -ENOENT;
		if (lvl == 1 || (lvl <= 3 && (entry & PTE_PS))) {
			uint64_t off_mask = (1ULL << entry_shift(lvl)) - 1;

			if (gpa)
				*gpa = (entry & PTE_ADDR_MASK & ~off_mask) | (gva & off_mask);
			if (level)
				*level = lvl;
			if (pte)
				*pte = entry;
			return 0;
		}
		table = table_ptr(pt, entry & PTE_ADDR_MASK);
	}
	return -ENOENT; /* entry points outside the pool: not a table we built */
}

static uint64_t div_round_up(uint64_t n, unsigned shift)
{
	return (n >> shift) + !!(n & ((1ULL << shift) - 1));
}

uint64_t pt_pages_needed(uint64_t size, unsigned page_shift)
{
	uint64_t n;

	if (!size)
		return 0;
	/* +1 per level: a range that is only page aligned can straddle one more table */
	n = div_round_up(size, entry_shift(3)) + 1;      /* PDs */
	n += div_round_up(size, entry_shift(4)) + 1;     /* PDPTs */
	if (page_shift != PAGE_SHIFT_2M)
		n += div_round_up(size, entry_shift(2)) + 1; /* PTs */
	return n;
}

uint64_t pt_tables_inside(uint64_t gva, uint64_t size, unsigned page_shift)
{
	uint64_t last = gva + size - 1;

	if (!size || last < gva)
		return 0;
	return tables_inside_range(PT_LEVELS - 1, page_shift == PAGE_SHIFT_2M ? 2 : 1, gva,
				   last, gva, last);
}
