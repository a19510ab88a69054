/* SPDX-License-Identifier: GPL-2.0 */
#include "memest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "pagetable.h"

#define PAGE 4096ULL
#define MIB (1ULL << 20)
/* struct kvm_mmu_page, rounded up from its slab object (184-200 bytes on 6.x) */
#define SP_HEADER 256ULL
/* A page-table page KVM allocates: the table and its header. A shadow page of a guest
 * table (indirect) also has its shadowed_translation page (6.0+; gfns before). */
#define DIRECT_SP (PAGE + SP_HEADER)
#define INDIRECT_SP (2 * PAGE + SP_HEADER)
/* The program itself (a few MiB of RSS), the VM (struct kvm, its memslot arrays) and a vCPU
 * (struct vcpu_svm/vcpu_vmx, kvm_run, FPU state and the MMU caches KVM tops up to 40
 * objects each before every fault): generous upper bounds. */
#define VM_BASE (8 * MIB)
#define PER_VCPU (512 * 1024ULL)
/* Files open besides one per vCPU: stdio, /dev/kvm, the VM, its stats and vCPU 0's,
 * the memfd, a tracefs instance's files, /proc and /sys reads, hwloc's. */
#define FILES_BASE 24

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + !!(a % b);
}

/* KVM's page tables over a GPA space: a leaf table per 2 MiB (4 KiB host mappings,
 * the worst case), then one per 1 GiB and per 512 GiB, and the root. */
static uint64_t tdp_tables(uint64_t gpa)
{
	return div_up(gpa, 2 * MIB) + div_up(gpa, 1ULL << 30) + div_up(gpa, 1ULL << 39) + 1;
}

/* The shadow MMU: one shadow page per guest page table in use (all of them: the guest
 * touches every page it maps), and with 2 MiB guest pages a direct shadow page per guest
 * page that the host backs with 4 KiB pages. */
static uint64_t shadow_bytes(uint64_t gpa, uint64_t guest_pt_pages, unsigned shift)
{
	uint64_t b = guest_pt_pages * INDIRECT_SP;
	if (shift == PAGE_SHIFT_2M)
		b += div_up(gpa, 2 * MIB) * DIRECT_SP;
	return b;
}

/* Per memslot and page size: an 8-byte rmap head per frame, and a 4-byte lpage_info
 * per 2 MiB and 1 GiB frame. The TDP MMU allocates them only for a shadow root
 * (nested guests), which the benchmark never makes. */
static uint64_t rmap_bytes(uint64_t gpa, unsigned nslots)
{
	uint64_t b = gpa / PAGE * 8 + div_up(gpa, 2 * MIB) * 12 + div_up(gpa, 1ULL << 30) * 12;
	return b + (uint64_t)nslots * 3 * 12; /* a straddled large frame at each end */
}

void memest_vm(const struct memest_in *in, struct memest *out)
{
	uint64_t gpa = in->guest_mem + in->extra_mem;
	uint64_t pt_pages = pt_pages_needed(gpa, in->page_shift);
	/* the system region: its first 2 MiB (GDT to stacks) and the page-table pool */
	uint64_t sys = div_up(2 * MIB + pt_pages * PAGE, 2 * MIB) * 2 * MIB;

	memset(out, 0, sizeof(*out));
	out->guest_pt = pt_pages * PAGE;
	out->backing = in->host_mem + in->extra_mem + sys;
	out->kvm_pt = in->tdp ? (tdp_tables(gpa) + tdp_tables(sys)) * DIRECT_SP :
		      shadow_bytes(gpa, pt_pages + pt_pages_needed(sys, PAGE_SHIFT_4K),
				   in->page_shift);
	out->rmap = in->tdp ? 0 : rmap_bytes(gpa + sys, in->nslots);
	out->vcpu = VM_BASE + (uint64_t)in->nvcpus * PER_VCPU;
	/* guest_pt lies inside the system region: counted once, in backing */
	out->total = out->backing + out->kvm_pt + out->rmap + out->vcpu;
}

void memest_format(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= 1ULL << 30)
		snprintf(buf, len, "%.1f GiB", (double)bytes / (double)(1ULL << 30));
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (double)MIB);
}

void memest_describe(const struct memest *e, bool tdp, char *buf, size_t len)
{
	char t[24], b[24], g[24], k[24], r[24], v[24];
	memest_format(e->total, t, sizeof(t));
	memest_format(e->backing, b, sizeof(b));
	memest_format(e->guest_pt, g, sizeof(g));
	memest_format(e->kvm_pt, k, sizeof(k));
	memest_format(e->rmap, r, sizeof(r));
	memest_format(e->vcpu, v, sizeof(v));
	snprintf(buf, len, "%s (guest memory and system region %s, of which guest page tables "
		 "%s; KVM %s %s; rmaps %s; program, VM and vCPUs %s)", t, b, g,
		 tdp ? "TDP page tables" : "shadow pages", k, r, v);
}

int memest_mem_available(const char *meminfo, uint64_t *bytes)
{
	char line[128];
	uint64_t kib;
	FILE *f = fopen(meminfo, "r");
	int r = -1;
	if (!f)
		return -1;
	while (r < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kib) == 1) {
			*bytes = kib * 1024;
			r = 0;
		}
	fclose(f);
	return r;
}

uint64_t memest_files_needed(unsigned nvcpus)
{
	return FILES_BASE + (uint64_t)nvcpus;
}

int memest_nofile_check(uint64_t need, char *err, size_t errlen)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need) {
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return 0;
	}
	snprintf(err, errlen, "RLIMIT_NOFILE is %llu (hard limit %llu): this run needs about "
		 "%llu open files (raise it with ulimit -n)", (unsigned long long)rl.rlim_cur,
		 (unsigned long long)rl.rlim_max, (unsigned long long)need);
	return -1;
}
