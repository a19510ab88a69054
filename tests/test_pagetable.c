/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/pagetable.c: mappings, translations, flags, errors, table counts. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "check.h"
#include "pagetable.h"
#include "util.h"

#define PAGE 4096ULL
#define POOL_GPA 0x200000ULL

struct pool_buf {
	struct pt_pool pool;
	struct pt pt;
	size_t len;
};

/* mmap so big pools cost nothing until touched; the pool writes zeroes itself anyway. */
static void pool_setup(struct pool_buf *b, uint64_t pages)
{
	void *p;

	b->len = pages * PAGE;
	p = mmap(NULL, b->len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		msb_die_errno("mmap %zu bytes", b->len);
	memset(p, 0xa5, PAGE); /* stale junk: pt_init must clear the PML4 */
	b->pool = (struct pt_pool){ .host = p, .gpa = POOL_GPA, .size = b->len };
	CHECK_EQ_INT(pt_init(&b->pt, &b->pool), 0);
	CHECK_EQ_U64(b->pt.pml4_gpa, POOL_GPA);
	CHECK_EQ_U64(b->pt.table_pages, 1);
}

static void pool_free(struct pool_buf *b)
{
	munmap(b->pool.host, b->len);
}

/* gva must translate to want with the given leaf level; returns the PTE. */
static uint64_t expect_map(const struct pt *pt, uint64_t gva, uint64_t want, int want_level)
{
	uint64_t gpa = ~0ULL, pte = 0;
	int level = 0;

	CHECK_EQ_INT(pt_translate(pt, gva, &gpa, &level, &pte), 0);
	CHECK_EQ_U64(gpa, want);
	CHECK_EQ_INT(level, want_level);
	return pte;
}

static void expect_hole(const struct pt *pt, uint64_t gva)
{
	uint64_t gpa;

	CHECK_EQ_INT(pt_translate(pt, gva, &gpa, NULL, NULL), -ENOENT);
}

static void test_init_errors(void)
{
	static uint64_t buf[1024];
	struct pt_pool pool = { .host = (uint8_t *)buf, .gpa = 0x1800, .size = sizeof(buf) };
	struct pt pt;

	CHECK_EQ_INT(pt_init(&pt, &pool), -EINVAL);
	pool.gpa = 0x1000;
	pool.size = PAGE - 8;
	CHECK_EQ_INT(pt_init(&pt, &pool), -ENOMEM);
	pool.size = PAGE;
	CHECK_EQ_INT(pt_init(&pt, &pool), 0);
	CHECK_EQ_U64(pool.used, PAGE);
}

static void test_4k(void)
{
	struct pool_buf b;
	uint64_t pte;

	pool_setup(&b, 64);
	CHECK_EQ_INT(pt_map(&b.pt, 0x1000, 0x1000, 0x10000, PAGE_SHIFT_4K, PTE_W | PTE_U), 0);
	/* PML4 + PDPT + PD + PT */
	CHECK_EQ_U64(b.pt.table_pages, 4);
	pte = expect_map(&b.pt, 0x1000, 0x1000, 1);
	CHECK_EQ_U64(pte & (PTE_P | PTE_W | PTE_U | PTE_PS), PTE_P | PTE_W | PTE_U);
	expect_map(&b.pt, 0x8abc, 0x8abc, 1);
	expect_map(&b.pt, 0x10fff, 0x10fff, 1);
	expect_hole(&b.pt, 0x0);
	expect_hole(&b.pt, 0xfff);
	expect_hole(&b.pt, 0x11000);

	/* adjacent range, different GPA, read-only: shares the PT */
	CHECK_EQ_INT(pt_map(&b.pt, 0x11000, 0x7654000, 0x2000, PAGE_SHIFT_4K, PTE_U), 0);
	CHECK_EQ_U64(b.pt.table_pages, 4);
	pte = expect_map(&b.pt, 0x12008, 0x7655008, 1);
	CHECK_EQ_U64(pte & (PTE_P | PTE_W | PTE_U), PTE_P | PTE_U);

	/* every non-leaf entry on the way is P|W|U */
	uint64_t *pml4 = (uint64_t *)(void *)b.pool.host;

	CHECK_EQ_U64(pml4[0] & (PTE_P | PTE_W | PTE_U | PTE_PS), PTE_P | PTE_W | PTE_U);
	CHECK_EQ_U64(pml4[0] & PTE_ADDR_MASK, POOL_GPA + PAGE);

	/* upper canonical half */
	CHECK_EQ_INT(pt_map(&b.pt, 0xffff800000000000ULL, 0x5000, 0x3000, PAGE_SHIFT_4K,
			    PTE_W | PTE_U), 0);
	expect_map(&b.pt, 0xffff800000002ff8ULL, 0x7ff8, 1);
	expect_hole(&b.pt, 0xffff800000003000ULL);
	/* very top of the address space: gva + size wraps to 0 */
	CHECK_EQ_INT(pt_map(&b.pt, 0xfffffffffffff000ULL, 0x9000, PAGE, PAGE_SHIFT_4K, PTE_U), 0);
	expect_map(&b.pt, 0xffffffffffffffffULL, 0x9fff, 1);
	pool_free(&b);
}

static void test_2m(void)
{
	struct pool_buf b;
	uint64_t pte;

	pool_setup(&b, 64);
	CHECK_EQ_INT(pt_map(&b.pt, 1 * GIB, 6 * GIB, 8 * MIB, PAGE_SHIFT_2M, PTE_W | PTE_U), 0);
	CHECK_EQ_U64(b.pt.table_pages, 3); /* PML4 + PDPT + PD */
	pte = expect_map(&b.pt, 1 * GIB, 6 * GIB, 2);
	CHECK_EQ_U64(pte & (PTE_P | PTE_W | PTE_U | PTE_PS), PTE_P | PTE_W | PTE_U | PTE_PS);
	expect_map(&b.pt, 1 * GIB + 3 * MIB + 0x12345, 6 * GIB + 3 * MIB + 0x12345, 2);
	expect_map(&b.pt, 1 * GIB + 8 * MIB - 1, 6 * GIB + 8 * MIB - 1, 2);
	expect_hole(&b.pt, 1 * GIB + 8 * MIB);
	expect_hole(&b.pt, 1 * GIB - 1);

	/* 4K pages next to 2M pages in the same PD */
	CHECK_EQ_INT(pt_map(&b.pt, 1 * GIB + 8 * MIB, 0x3000, PAGE, PAGE_SHIFT_4K, PTE_U), 0);
	CHECK_EQ_U64(b.pt.table_pages, 4);
	expect_map(&b.pt, 1 * GIB + 8 * MIB + 4, 0x3004, 1);
	pool_free(&b);
}

static void test_errors(void)
{
	struct pool_buf b;
	uint64_t fl = PTE_W | PTE_U, used, pages;

	pool_setup(&b, 64);
	CHECK_EQ_INT(pt_map(&b.pt, 0x200000, 0x200000, 0x400000, PAGE_SHIFT_4K, fl), 0);
	CHECK_EQ_INT(pt_map(&b.pt, 2 * GIB, 2 * GIB, 4 * MIB, PAGE_SHIFT_2M, fl), 0);
	used = b.pool.used;
	pages = b.pt.table_pages;

	/* misalignment */
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000800, 0x1000, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x1800, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x1000, 0x1800, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10001000, 0x0, 2 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x1000, 2 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x0, 3 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	/* bad size, page size, flags, GPA */
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x0, 0, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x40000000, 0x0, GIB, 30, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 0x0, PAGE, PAGE_SHIFT_4K, PTE_PS), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x10000000, 1ULL << 52, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	/* non-canonical start, end, and a range across the hole */
	CHECK_EQ_INT(pt_map(&b.pt, 0x0000800000000000ULL, 0, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0xffff7ffffffff000ULL, 0, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x00007ffffffff000ULL, 0, 2 * PAGE, PAGE_SHIFT_4K, fl),
		     -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0xffffffffffe00000ULL, 0, 4 * MIB, PAGE_SHIFT_2M, fl),
		     -EINVAL);
	/* overlaps: 4K in 4K, 4K range ending in a mapped page, 2M over 4K, 4K in 2M, 2M in 2M */
	CHECK_EQ_INT(pt_map(&b.pt, 0x300000, 0x0, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x100000, 0x0, 0x101000, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x200000, 0x0, 2 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 0x0, 0x0, 4 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 2 * GIB + 3 * MIB, 0x0, PAGE, PAGE_SHIFT_4K, fl), -EINVAL);
	CHECK_EQ_INT(pt_map(&b.pt, 2 * GIB - 2 * MIB, 0x0, 4 * MIB, PAGE_SHIFT_2M, fl), -EINVAL);
	/* failures leave everything as it was, including the part before an overlap */
	CHECK_EQ_U64(b.pool.used, used);
	CHECK_EQ_U64(b.pt.table_pages, pages);
	expect_hole(&b.pt, 0x100000);
	expect_hole(&b.pt, 2 * GIB - 2 * MIB);
	expect_map(&b.pt, 0x5ff000, 0x5ff000, 1);
	/* exactly adjacent is fine */
	CHECK_EQ_INT(pt_map(&b.pt, 0x100000, 0x0, 0x100000, PAGE_SHIFT_4K, fl), 0);
	CHECK_EQ_INT(pt_map(&b.pt, 2 * GIB - 2 * MIB, 0x0, 2 * MIB, PAGE_SHIFT_2M, fl), 0);
	pool_free(&b);
}

static void test_enomem(void)
{
	struct pool_buf b;

	pool_setup(&b, 3);
	/* PDPT + PD + PT needed, two pages left */
	CHECK_EQ_INT(pt_map(&b.pt, 0x1000, 0x1000, PAGE, PAGE_SHIFT_4K, PTE_W | PTE_U), -ENOMEM);
	CHECK_EQ_U64(b.pool.used, PAGE);
	CHECK_EQ_U64(b.pt.table_pages, 1);
	expect_hole(&b.pt, 0x1000);
	/* a 2M page needs only PDPT + PD */
	CHECK_EQ_INT(pt_map(&b.pt, 0, 0, 2 * MIB, PAGE_SHIFT_2M, PTE_W | PTE_U), 0);
	CHECK_EQ_U64(b.pool.used, 3 * PAGE);
	expect_map(&b.pt, 0x1234, 0x1234, 2);
	CHECK_EQ_INT(pt_map(&b.pt, 2 * MIB, 0, PAGE, PAGE_SHIFT_4K, PTE_U), -ENOMEM);
	pool_free(&b);
}

/* Map one range into a fresh pool; check the exact count and the pt_pages_needed bound. */
static void check_count(uint64_t gva, uint64_t size, unsigned shift, uint64_t want)
{
	struct pool_buf b;

	pool_setup(&b, 1024);
	CHECK_EQ_INT(pt_map(&b.pt, gva, gva, size, shift, PTE_W | PTE_U), 0);
	CHECK_EQ_U64(b.pt.table_pages, want);
	CHECK_EQ_U64(b.pool.used, want * PAGE);
	/* pt_pages_needed leaves out the PML4 */
	CHECK(pt_pages_needed(size, shift) + 1 >= b.pt.table_pages);
	expect_map(&b.pt, gva, gva, shift == PAGE_SHIFT_2M ? 2 : 1);
	expect_map(&b.pt, gva + size - 8, gva + size - 8, shift == PAGE_SHIFT_2M ? 2 : 1);
	pool_free(&b);
}

static void test_counts(void)
{
	check_count(4 * GIB, GIB, PAGE_SHIFT_4K, 1 + 1 + 1 + 512);
	check_count(4 * GIB, GIB, PAGE_SHIFT_2M, 1 + 1 + 1);
	check_count(4 * GIB, 4 * GIB, PAGE_SHIFT_2M, 1 + 1 + 4);
	/* straddles a 1G and a 2M boundary: 2 PDs, 2 PTs */
	check_count(GIB - PAGE, 2 * PAGE, PAGE_SHIFT_4K, 1 + 1 + 2 + 2);
	/* straddles a 512G boundary: 2 PDPTs */
	check_count(512 * GIB - 2 * MIB, 4 * MIB, PAGE_SHIFT_2M, 1 + 2 + 2);
	check_count(512 * GIB - PAGE, 2 * PAGE, PAGE_SHIFT_4K, 1 + 2 + 2 + 2);

	CHECK_EQ_U64(pt_pages_needed(0, PAGE_SHIFT_4K), 0);
	CHECK(pt_pages_needed(64 * GIB, PAGE_SHIFT_4K) >= 32768 + 64 + 1);
	CHECK(pt_pages_needed(64 * GIB, PAGE_SHIFT_4K) <= 32768 + 64 + 1 + 8);
	CHECK(pt_pages_needed(64 * GIB, PAGE_SHIFT_2M) >= 64 + 1);
	CHECK(pt_pages_needed(64 * GIB, PAGE_SHIFT_2M) < 100);
}

/* 16M PTEs: must be a tight loop, not a walk per page. */
static void test_big(void)
{
	const uint64_t base = 4 * GIB, size = 64 * GIB, want = 1 + 1 + 64 + 32768;
	struct pool_buf b;
	uint64_t t0, ns;

	pool_setup(&b, 130 * MIB / PAGE);
	CHECK(pt_pages_needed(size, PAGE_SHIFT_4K) + 1 <= b.len / PAGE);
	t0 = now_ns();
	CHECK_EQ_INT(pt_map(&b.pt, base, base, size, PAGE_SHIFT_4K, PTE_W | PTE_U), 0);
	ns = now_ns() - t0;
	printf("64 GiB of 4 KiB pages mapped in %.3f s\n", ns / 1e9);
	CHECK(ns < 2000000000ULL);
	CHECK_EQ_U64(b.pt.table_pages, want);
	expect_map(&b.pt, base, base, 1);
	expect_map(&b.pt, base + size - 1, base + size - 1, 1);
	expect_map(&b.pt, base + size / 2 + 0x1238, base + size / 2 + 0x1238, 1);
	expect_map(&b.pt, base + 37 * GIB + 123 * PAGE, base + 37 * GIB + 123 * PAGE, 1);
	expect_hole(&b.pt, base - 1);
	expect_hole(&b.pt, base + size);
	pool_free(&b);
}

/* A host buffer standing for the first pages of a slot at gpa (pt_map_local's pool). */
static struct pt_pool local_pool(uint64_t gpa, uint64_t pages)
{
	void *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		msb_die_errno("mmap %llu pages", (unsigned long long)pages);
	return (struct pt_pool){ .host = p, .gpa = gpa, .size = pages * PAGE };
}

/* pt_map_local: tables that map only the range come from the local pool (the slot's own
 * memory), tables that reach past it from the main pool; walks cross pools. */
static void test_local(void)
{
	const uint64_t a = 4 * GIB, slot = 256 * MIB;
	struct pt_pool stray = { 0 };
	struct pt_pool local[3] = { local_pool(a, 512), local_pool(a + slot, 512),
				    local_pool(a + 2 * slot, 1) };
	struct pool_buf b;

	pool_setup(&b, 64);
	b.pt.local = local;
	b.pt.nlocal = 3;
	/* 128 PTs in the slot; the PDPT and the 1G PD reach past it */
	CHECK_EQ_INT(pt_map_local(&b.pt, &local[0], a, a, slot, PAGE_SHIFT_4K, PTE_W | PTE_U), 0);
	CHECK_EQ_U64(local[0].used, 128 * PAGE);
	CHECK_EQ_U64(b.pool.used, 3 * PAGE);
	CHECK_EQ_INT(pt_map_local(&b.pt, &local[1], a + slot, a + slot, slot, PAGE_SHIFT_4K,
				  PTE_W | PTE_U), 0);
	CHECK_EQ_U64(local[1].used, 128 * PAGE);
	CHECK_EQ_U64(b.pool.used, 3 * PAGE); /* the PD is shared, not allocated again */
	CHECK_EQ_U64(b.pt.table_pages, 3 + 256);
	expect_map(&b.pt, a, a, 1);
	expect_map(&b.pt, a + slot - 8, a + slot - 8, 1);
	expect_map(&b.pt, a + slot + 0x123458, a + slot + 0x123458, 1);
	/* the PD's entry for the slot's first 2M points into the slot's own pool */
	const uint64_t *pd = (const uint64_t *)(const void *)(b.pool.host + 2 * PAGE);
	CHECK_EQ_U64(pd[0] & PTE_ADDR_MASK, a);
	CHECK_EQ_U64(pd[128] & PTE_ADDR_MASK, a + slot);
	/* a full local pool fails the call and leaves every pool as it was */
	CHECK_EQ_INT(pt_map_local(&b.pt, &local[2], a + 2 * slot, a + 2 * slot, 4 * MIB,
				  PAGE_SHIFT_4K, PTE_W | PTE_U), -ENOMEM);
	CHECK_EQ_U64(local[2].used, 0);
	CHECK_EQ_U64(b.pool.used, 3 * PAGE);
	expect_hole(&b.pt, a + 2 * slot);
	/* only the pt's own pools */
	CHECK_EQ_INT(pt_map_local(&b.pt, &stray, a + 2 * slot, a + 2 * slot, PAGE, PAGE_SHIFT_4K,
				  PTE_W | PTE_U), -EINVAL);
	for (int i = 0; i < 3; i++)
		munmap(local[i].host, local[i].size);
	pool_free(&b);
}

/* A 1G-aligned 1G range holds its PD as well; what pt_tables_inside predicts. */
static void test_local_pd(void)
{
	struct pt_pool local = local_pool(4 * GIB, 1024);
	struct pool_buf b;

	pool_setup(&b, 64);
	b.pt.local = &local;
	b.pt.nlocal = 1;
	CHECK_EQ_INT(pt_map_local(&b.pt, &local, 4 * GIB, 4 * GIB, GIB, PAGE_SHIFT_4K,
				  PTE_W | PTE_U), 0);
	CHECK_EQ_U64(local.used, pt_tables_inside(4 * GIB, GIB, PAGE_SHIFT_4K) * PAGE);
	CHECK_EQ_U64(local.used, 513 * PAGE);
	CHECK_EQ_U64(b.pool.used, 2 * PAGE); /* PML4, PDPT */
	expect_map(&b.pt, 5 * GIB - 8, 5 * GIB - 8, 1);
	munmap(local.host, local.size);
	pool_free(&b);
}

static void test_tables_inside(void)
{
	CHECK_EQ_U64(pt_tables_inside(4 * GIB, 256 * MIB, PAGE_SHIFT_4K), 128);
	CHECK_EQ_U64(pt_tables_inside(4 * GIB, GIB, PAGE_SHIFT_4K), 513);
	CHECK_EQ_U64(pt_tables_inside(4 * GIB, GIB, PAGE_SHIFT_2M), 1);
	CHECK_EQ_U64(pt_tables_inside(4 * GIB, 512 * MIB, PAGE_SHIFT_2M), 0);
	CHECK_EQ_U64(pt_tables_inside(0, 512 * GIB, PAGE_SHIFT_2M), 1 + 512);
	/* unaligned: only [4G+2M, 4G+4M) lies inside */
	CHECK_EQ_U64(pt_tables_inside(4 * GIB + PAGE, 4 * MIB, PAGE_SHIFT_4K), 1);
	CHECK_EQ_U64(pt_tables_inside(4 * GIB + PAGE, 2 * MIB, PAGE_SHIFT_4K), 0);
	CHECK_EQ_U64(pt_tables_inside(4 * GIB, 0, PAGE_SHIFT_4K), 0);
	/* the top of the address space: no overflow */
	CHECK_EQ_U64(pt_tables_inside(0xffffffffffe00000ULL, 2 * MIB, PAGE_SHIFT_4K), 1);
}

int main(void)
{
	test_init_errors();
	test_4k();
	test_2m();
	test_errors();
	test_enomem();
	test_counts();
	test_big();
	test_local();
	test_local_pd();
	test_tables_inside();
	CHECK_DONE();
}
