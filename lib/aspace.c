/* SPDX-License-Identifier: GPL-2.0 */
/* Guest address-space builder. Layout (GVA == GPA everywhere):
 *
 *   memslot 0   [0, sys_size)        GDT/IDT/TSS, control pages, code, stacks, then the
 *                                    page-table pool from SYS_PT_GPA; page 0 left unmapped
 *   memslot 1.. [ASPACE_DATA_GPA, +guest_mem)   nslots equal data slots
 *   extra       aspace_add_slot(), above the highest slot
 *
 * Without aliasing the data memory is one host VA range of guest_mem bytes and slot k
 * sits at data_host + k * slot_size. With aliasing (memfd, host_mem < guest_mem) the
 * slots share host VA, not only host memory: the range is max(host_mem, slot_size)
 * bytes, tiled with MAP_FIXED mappings of the memfd, and slot k sits at
 * (k * slot_size) mod that size. KVM allows memslots with overlapping userspace
 * addresses, and sharing the VA keeps the process RSS at that size: every extra
 * mapping of the same memfd would count again in RSS once KVM's GUP populates it.
 *
 * Guest page tables live in slot 0's pool, or with pt_spread (--pt-placement spread)
 * each table that maps only one data slot lives at the start of that slot, as a real
 * guest's do: KVM's shadow MMU indexes the shadow page of a guest table by the table's
 * gfn, so deleting the slot zaps them. Tables that map several slots stay in slot 0. */
#define _GNU_SOURCE
#include "aspace.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "placement.h"
#include "util.h"

#define PAGE_4K UINT64_C(4096)
#define ALIGN_2M (UINT64_C(2) << 20)
/* Keep the system slot clear of the 32-bit MMIO hole (APIC access page, VMX TSS). */
#define SYS_MAX_END (3 * GIB)
/* Identity mapping must stay in the lower canonical half. */
#define GVA_LIMIT (1ULL << 47)
#define PT_SLACK_PAGES 16

static inline uint64_t round_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) / align * align;
}

/* format_size() into a caller buffer, for one-line messages. */
#define SZ(v, buf) (format_size((v), (buf), sizeof(buf)), (buf))

static const char *backing_name(enum aspace_backing b)
{
	switch (b) {
	case BACKING_ANON:
		return "anon";
	case BACKING_MEMFD:
		return "memfd";
	case BACKING_THP:
		return "thp";
	}
	return "?";
}

static uint64_t host_mem_of(const struct aspace_cfg *cfg)
{
	return cfg->host_mem ? cfg->host_mem : cfg->guest_mem;
}

/* Host VA behind the data slots (see the layout comment above). */
static uint64_t data_va_size(const struct aspace_cfg *cfg)
{
	uint64_t host_mem = host_mem_of(cfg), slot_size = cfg->guest_mem / cfg->nslots;

	if (cfg->backing != BACKING_MEMFD || host_mem >= cfg->guest_mem)
		return cfg->guest_mem;
	return host_mem > slot_size ? host_mem : slot_size;
}


/* Aliasing cannot create more VMAs than vm.max_map_count allows. */
static int check_map_count(uint64_t chunks, const struct aspace_cfg *cfg, char *err,
			   size_t errlen)
{
	char text[32];
	uint64_t max = 65530;

	if (read_text_file("/proc/sys/vm/max_map_count", text, sizeof(text)))
		max = strtoull(text, NULL, 10);
	/* leave room for the rest of the process's mappings */
	if (chunks + 1000 > max) {
		char g[32], h[32];

		return msb_fail(err, errlen, "--host-mem %s is too small for --guest-mem %s: aliasing "
				"needs %" PRIu64 " mappings, vm.max_map_count is %" PRIu64,
				SZ(cfg->host_mem, h), SZ(cfg->guest_mem, g), chunks, max);
	}
	return 0;
}

/* The tables pt_map_local() puts in data slot k, rounded up to 2 MiB: the data after
 * them stays 2 MiB aligned (2M guest pages, THP, --touch-stride 2M as before). */
uint64_t aspace_pt_area(const struct aspace_cfg *cfg, unsigned k)
{
	uint64_t slot_size = cfg->guest_mem / cfg->nslots;
	uint64_t n = pt_tables_inside(ASPACE_DATA_GPA + k * slot_size, slot_size,
				      cfg->page_shift);

	return cfg->pt_spread ? round_up(n * PAGE_4K, ALIGN_2M) : 0;
}

/* pt_spread needs every data slot to hold a whole table and data beside it. Aliased
 * memory is refused, not worked around: there the slots share host pages (and the
 * tiles of one slot do), so tables placed in one would be overwritten by another's
 * tables and by the workload's touches; a private table area per slot would need a
 * host mapping per slot, which the shared VA exists to avoid. */
static int check_spread(const struct aspace_cfg *cfg, char *err, size_t errlen)
{
	char s[32], a[32];
	uint64_t slot_size = cfg->guest_mem / cfg->nslots;

	if (host_mem_of(cfg) < cfg->guest_mem && cfg->backing == BACKING_MEMFD) {
		char g[32], h[32];

		return msb_fail(err, errlen, "--pt-placement spread needs unaliased memory: with "
				"--host-mem %s < --guest-mem %s the slots share host pages and would "
				"overwrite each other's page tables (give --host-mem %s or --backing anon)",
				SZ(host_mem_of(cfg), h), SZ(cfg->guest_mem, g), g);
	}
	for (unsigned k = 0; k < cfg->nslots; k++) {
		uint64_t area = aspace_pt_area(cfg, k);

		if (!area)
			return msb_fail(err, errlen, "--pt-placement spread: data slot %u (%s) holds "
					"no whole guest page table (one maps %s with %s pages)", k + 1,
					SZ(slot_size, s), cfg->page_shift == PAGE_SHIFT_2M ? "1G" : "2M",
					cfg->page_shift == PAGE_SHIFT_2M ? "2M" : "4K");
		if (area >= slot_size)
			return msb_fail(err, errlen, "--pt-placement spread: data slot %u (%s) has no "
					"room for data beside its %s of page tables", k + 1,
					SZ(slot_size, s), SZ(area, a));
	}
	return 0;
}

int aspace_cfg_check(const struct aspace_cfg *cfg, char *err, size_t errlen)
{
	char g[32], h[32], p[32];
	uint64_t page, slot_size, host_mem = host_mem_of(cfg);

	if (cfg->nslots < 1)
		return msb_fail(err, errlen, "need at least 1 data slot (got %u)", cfg->nslots);
	if (cfg->page_shift != PAGE_SHIFT_4K && cfg->page_shift != PAGE_SHIFT_2M)
		return msb_fail(err, errlen, "guest page shift %u is not supported (12 = 4K or 21 = 2M)",
			cfg->page_shift);
	if (cfg->backing != BACKING_ANON && cfg->backing != BACKING_MEMFD &&
	    cfg->backing != BACKING_THP)
		return msb_fail(err, errlen, "unknown memory backing %d", (int)cfg->backing);
	if (cfg->nvcpus < 1 || cfg->nvcpus > ASPACE_MAX_VCPUS)
		return msb_fail(err, errlen, "--vcpus %u is out of range (1..%d)", cfg->nvcpus, ASPACE_MAX_VCPUS);

	page = 1ULL << cfg->page_shift;
	SZ(page, p);
	if (!cfg->guest_mem || cfg->guest_mem % ((uint64_t)cfg->nslots * page))
		return msb_fail(err, errlen, "--guest-mem %s is not a multiple of %u slots x %s pages",
			SZ(cfg->guest_mem, g), cfg->nslots, p);
	if (cfg->guest_mem > GVA_LIMIT - ASPACE_DATA_GPA)
		return msb_fail(err, errlen, "--guest-mem %s is too large: the data region must end below 128T",
			SZ(cfg->guest_mem, g));
	slot_size = cfg->guest_mem / cfg->nslots;

	if (host_mem > cfg->guest_mem)
		return msb_fail(err, errlen, "--host-mem %s is larger than --guest-mem %s", SZ(host_mem, h),
			SZ(cfg->guest_mem, g));
	if (host_mem % page)
		return msb_fail(err, errlen, "--host-mem %s is not a multiple of the %s guest page", SZ(host_mem, h), p);
	if (cfg->pt_spread && check_spread(cfg, err, errlen) < 0)
		return -1;
	if (host_mem == cfg->guest_mem)
		return 0;
	if (cfg->backing != BACKING_MEMFD)
		return msb_fail(err, errlen, "--host-mem %s < --guest-mem %s (aliasing) needs the memfd backing, not %s",
			SZ(host_mem, h), SZ(cfg->guest_mem, g), backing_name(cfg->backing));
	if (host_mem % slot_size && slot_size % host_mem) {
		char s[32];

		return msb_fail(err, errlen, "--host-mem %s and the slot size %s must divide one another for aliasing",
			SZ(host_mem, h), SZ(slot_size, s));
	}
	return check_map_count(data_va_size(cfg) / host_mem, cfg, err, errlen);
}

static void validate(const struct aspace_cfg *cfg)
{
	char err[256];

	if (aspace_cfg_check(cfg, err, sizeof(err)) < 0)
		msb_die("%s", err);
}

/* PROT_NONE reservation of exactly size bytes at a 2 MiB-aligned address (THP and huge
 * SPTEs need hva and gpa aligned alike); filled later with MAP_FIXED mappings. */
static uint8_t *reserve_va(uint64_t size)
{
	uint64_t len = size + ALIGN_2M;
	uint8_t *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
	uint8_t *base;

	if (p == MAP_FAILED)
		msb_die_errno("cannot reserve %" PRIu64 " bytes of host address space", size);
	base = (uint8_t *)round_up((uintptr_t)p, ALIGN_2M);
	if (base > p)
		munmap(p, base - p);
	munmap(base + size, p + len - (base + size));
	return base;
}

static void map_fixed(uint8_t *addr, uint64_t size, int flags, int fd, const char *what)
{
	if (mmap(addr, size, PROT_READ | PROT_WRITE, flags | MAP_FIXED | MAP_NORESERVE, fd, 0) ==
	    MAP_FAILED)
		msb_die_errno("cannot map %" PRIu64 " bytes of %s memory", size, what);
}

/* Guest memory follows --numa before its first touch. */
static void bind_guest_memory(const struct aspace_cfg *cfg, uint8_t *p, uint64_t size)
{
	placement_bind_memory(p, size, cfg->mem_policy, cfg->mem_nodes);
}

/* Fresh private anonymous memory, 2 MiB aligned. */
static uint8_t *alloc_anon(const struct aspace_cfg *cfg, uint64_t size, const char *what)
{
	uint8_t *p = reserve_va(size);

	map_fixed(p, size, MAP_PRIVATE | MAP_ANONYMOUS, -1, what);
	bind_guest_memory(cfg, p, size);
	return p;
}

static void alloc_data(struct aspace *as)
{
	const struct aspace_cfg *cfg = &as->cfg;
	uint64_t size = data_va_size(cfg);
	uint8_t *p;

	as->host_size = host_mem_of(cfg);
	if (cfg->backing != BACKING_MEMFD) {
		p = alloc_anon(cfg, size, "guest data");
		if (cfg->backing == BACKING_THP && madvise(p, size, MADV_HUGEPAGE))
			msb_die_errno("madvise(MADV_HUGEPAGE) on the guest data (is THP built in?)");
		as->data_host = p;
		return;
	}

	as->memfd = memfd_create("memslot-bench", MFD_CLOEXEC);
	if (as->memfd < 0)
		msb_die_errno("memfd_create");
	if (ftruncate(as->memfd, (off_t)as->host_size))
		msb_die_errno("ftruncate memfd to %" PRIu64 " bytes", as->host_size);
	p = reserve_va(size);
	for (uint64_t off = 0; off < size; off += as->host_size) {
		uint64_t len = size - off < as->host_size ? size - off : as->host_size;

		map_fixed(p + off, len, MAP_SHARED, as->memfd, "memfd");
	}
	bind_guest_memory(cfg, p, size);
	as->data_host = p;
}

static unsigned push_slot(struct aspace *as, uint32_t id, uint64_t gpa, uint64_t size,
			  void *hva, bool mapped)
{
	unsigned idx = as->nslots_total++;

	as->slots = msb_realloc(as->slots, as->nslots_total, sizeof(*as->slots));
	as->slots[idx] = (struct aspace_slot){
		.id = id, .gpa = gpa, .size = size, .hva = hva, .mapped = mapped,
	};
	return idx;
}

static void map_or_die(struct aspace *as, uint64_t gpa, uint64_t size, unsigned shift,
		       const char *what)
{
	char s[32];
	int r = pt_map(&as->pt, gpa, gpa, size, shift, PTE_W | PTE_U);

	if (r == -ENOMEM)
		msb_die("guest page-table pool is full mapping %s (%s at GPA 0x%" PRIx64
			"): raise extra_pt_pages (%" PRIu64 " pool pages free, up to %" PRIu64
			" needed)", what, SZ(size, s), gpa,
			(as->pool.size - as->pool.used) / PAGE_4K, pt_pages_needed(size, shift));
	if (r)
		msb_die("cannot map %s (%s at GPA 0x%" PRIx64 ") in the guest page tables: %s",
			what, SZ(size, s), gpa, strerror(-r));
}

/* Pool pages for the data and system mappings; the system region holds the pool itself,
 * so iterate until its own mapping fits. */
static uint64_t size_system(const struct aspace_cfg *cfg)
{
	uint64_t base = 1 + pt_pages_needed(cfg->guest_mem, cfg->page_shift) +
			cfg->extra_pt_pages + PT_SLACK_PAGES;
	uint64_t pool = base;

	for (;;) {
		uint64_t sys = round_up(SYS_PT_GPA + pool * PAGE_4K, ALIGN_2M);
		uint64_t need = base + pt_pages_needed(sys, PAGE_SHIFT_4K);

		if (need <= pool)
			return sys;
		pool = need;
	}
}

static void build_system(struct aspace *as)
{
	uint64_t sys = size_system(&as->cfg);

	if (sys > SYS_MAX_END) {
		char s[32], g[32];

		msb_die("guest page tables for --guest-mem %s do not fit: the system region "
			"would need %s (max 3G); use 2M guest pages or less memory",
			SZ(as->cfg.guest_mem, g), SZ(sys, s));
	}
	as->sys_size = sys;
	as->sys_host = alloc_anon(&as->cfg, sys, "system region");
	as->pool = (struct pt_pool){
		.host = as->sys_host + SYS_PT_GPA,
		.gpa = SYS_PT_GPA,
		.size = sys - SYS_PT_GPA,
	};
	if (pt_init(&as->pt, &as->pool))
		msb_die("cannot set up the guest page-table pool");
	/* skip page 0 so that guest NULL dereferences fault */
	map_or_die(as, PAGE_4K, sys - PAGE_4K, PAGE_SHIFT_4K, "the system region");
	push_slot(as, 0, 0, sys, as->sys_host, true);
	vm_set_memslot(as->vm, 0, 0, 0, sys, as->sys_host);
}

/* pt_spread: map each data slot with its tables in a pool at the slot's start. */
static void map_data_spread(struct aspace *as)
{
	const struct aspace_cfg *cfg = &as->cfg;
	uint64_t slot_size = cfg->guest_mem / cfg->nslots;

	as->slot_pools = msb_calloc(cfg->nslots, sizeof(*as->slot_pools));
	for (unsigned k = 0; k < cfg->nslots; k++)
		as->slot_pools[k] = (struct pt_pool){
			.host = as->data_host + (k * slot_size) % data_va_size(cfg),
			.gpa = ASPACE_DATA_GPA + k * slot_size,
			.size = aspace_pt_area(cfg, k),
		};
	as->pt.local = as->slot_pools;
	as->pt.nlocal = cfg->nslots;
	for (unsigned k = 0; k < cfg->nslots; k++) {
		struct pt_pool *pool = &as->slot_pools[k];
		int r = pt_map_local(&as->pt, pool, pool->gpa, pool->gpa, slot_size,
				     cfg->page_shift, PTE_W | PTE_U);

		if (r)
			msb_die("cannot map data slot %u with its page tables in it: %s", k + 1,
				strerror(-r));
	}
}

void aspace_build(struct kvm_vm *vm, const struct aspace_cfg *cfg, struct aspace *as)
{
	uint64_t slot_size;

	validate(cfg);
	memset(as, 0, sizeof(*as));
	as->vm = vm;
	as->cfg = *cfg;
	as->cfg.host_mem = host_mem_of(cfg);
	as->memfd = -1;

	build_system(as);
	alloc_data(as);
	if (cfg->pt_spread)
		map_data_spread(as);
	else
		map_or_die(as, ASPACE_DATA_GPA, cfg->guest_mem, cfg->page_shift, "the data region");

	slot_size = cfg->guest_mem / cfg->nslots;
	for (unsigned k = 0; k < cfg->nslots; k++) {
		uint64_t gpa = ASPACE_DATA_GPA + k * slot_size;
		uint8_t *hva = as->data_host + (k * slot_size) % data_va_size(cfg);

		unsigned idx = push_slot(as, k + 1, gpa, slot_size, hva, true);

		as->slots[idx].pt_bytes = aspace_pt_area(cfg, k);
		vm_set_memslot(vm, k + 1, 0, gpa, slot_size, hva);
	}
	as->ndata = cfg->nslots;
	as->next_slot_id = cfg->nslots + 1;
}

void aspace_destroy(struct aspace *as)
{
	for (unsigned i = as->ndata + 1; i < as->nslots_total; i++)
		munmap(as->slots[i].hva, as->slots[i].size);
	if (as->data_host)
		munmap(as->data_host, data_va_size(&as->cfg));
	if (as->sys_host)
		munmap(as->sys_host, as->sys_size);
	if (as->memfd >= 0)
		close(as->memfd);
	free(as->slots);
	free(as->slot_pools);
	memset(as, 0, sizeof(*as));
	as->memfd = -1;
}

void *aspace_gpa_to_hva(const struct aspace *as, uint64_t gpa)
{
	for (unsigned i = 0; i < as->nslots_total; i++) {
		const struct aspace_slot *s = &as->slots[i];

		if (gpa >= s->gpa && gpa - s->gpa < s->size)
			return (uint8_t *)s->hva + (gpa - s->gpa);
	}
	return NULL;
}

static uint64_t slots_end(const struct aspace *as)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < as->nslots_total; i++) {
		uint64_t e = as->slots[i].gpa + as->slots[i].size;

		if (e > end)
			end = e;
	}
	return end;
}

unsigned aspace_add_slot(struct aspace *as, uint64_t gpa, uint64_t size, bool map)
{
	char s[32];
	uint8_t *hva;
	uint32_t id = as->next_slot_id;

	if (!size || size % PAGE_4K || gpa % PAGE_4K)
		msb_die("extra slot of %" PRIu64 " bytes at GPA 0x%" PRIx64 " is not 4K aligned",
			size, gpa);
	if (!gpa)
		gpa = round_up(slots_end(as), ALIGN_2M);
	for (unsigned i = 0; i < as->nslots_total; i++) {
		const struct aspace_slot *o = &as->slots[i];

		if (gpa < o->gpa + o->size && o->gpa < gpa + size)
			msb_die("extra slot at GPA 0x%" PRIx64 " (%s) overlaps slot %u", gpa,
				SZ(size, s), o->id);
	}
	if (map && (gpa >= GVA_LIMIT || size > GVA_LIMIT - gpa))
		msb_die("extra slot at GPA 0x%" PRIx64 " cannot be identity-mapped (above 128T)",
			gpa);

	hva = alloc_anon(&as->cfg, size, "extra slot");
	/* not-present -> present only, so this is safe while vCPUs run */
	if (map)
		map_or_die(as, gpa, size, PAGE_SHIFT_4K, "an extra slot");
	vm_set_memslot(as->vm, id, 0, gpa, size, hva);
	as->next_slot_id++;
	return push_slot(as, id, gpa, size, hva, map);
}
