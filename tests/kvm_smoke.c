/* SPDX-License-Identifier: GPL-2.0 */
/* KVM smoke test: a CPL3 guest touches every 4 KiB page of a 1 GiB address space made of
 * memfd-aliased memslots. Asserts from KVM's own stats that shadow pages/SPTEs were
 * really built and that the guest wrote every page (host reads the values back). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "env.h"
#include "guest_fixture.h"
#include "stats.h"
#include "util.h"

#define SEED 0x5eed000000000000ULL

static int64_t delta_or_die(const struct kvm_stats *st, const struct kvm_stats_snap *a,
			    const struct kvm_stats_snap *b, const char *name)
{
	int64_t d;
	if (!stats_delta(st, a, b, name, &d))
		msb_die("stat %s is not exported by this kernel (%s)", name, st->id);
	return d;
}

int main(void)
{
	struct host_env host;
	struct kvm_env kenv;
	host_env_probe(&host);
	kvm_env_probe(&kenv);
	printf("environment: %s (%s), kernel %s, KVM MMU %s\n", host.kind, host.kind_detail,
	       host.release, kenv.mmu);

	const struct aspace_cfg cfg = {
		.guest_mem = GIB, .nslots = 4, .page_shift = PAGE_SHIFT_4K,
		.backing = BACKING_MEMFD, .host_mem = 256 * MIB, .nvcpus = 1,
	};
	const uint64_t npages = cfg.guest_mem >> PAGE_SHIFT_4K;
	const uint64_t host_pages = cfg.host_mem >> PAGE_SHIFT_4K;

	struct fixture f;
	if (fixture_build(&f, &cfg))
		return 77;
	fixture_start(&f);
	struct aspace *as = &f.as;

	struct kvm_stats vms, vcs;
	if (stats_open(f.vm.fd, &vms) < 0 || stats_open(f.vcpu.fd, &vcs) < 0)
		msb_die("KVM_GET_STATS_FD failed: the smoke test needs KVM binary stats (5.14+)");
	struct kvm_stats_snap vm0, vm1, vc0, vc1;
	stats_snapshot(&vms, &vm0);
	stats_snapshot(&vcs, &vc0);

	struct guest_ctl *ctl = f.ctl;
	uint64_t t0 = now_ns();
	uint64_t done = guest_call(&f.vcpu, ctl, guest_fn(guest_touch), SEED, ASPACE_DATA_GPA,
				   npages, 4096);
	uint64_t t1 = now_ns();
	stats_snapshot(&vms, &vm1);
	stats_snapshot(&vcs, &vc1);
	CHECK_EQ_U64(done, npages);

	int64_t pf_fixed = delta_or_die(&vcs, &vc0, &vc1, "pf_fixed");
	int64_t pages_4k = delta_or_die(&vms, &vm0, &vm1, "pages_4k");
	int64_t cache_miss = delta_or_die(&vms, &vm0, &vm1, "mmu_cache_miss");
	printf("touched %" PRIu64 " pages of a 1G guest (%u memslots aliasing 256M of memfd) in "
	       "%.1f ms: pf_fixed +%" PRId64 ", pages_4k +%" PRId64 ", mmu_cache_miss +%" PRId64 "\n",
	       done, cfg.nslots, (double)(t1 - t0) / 1e6, pf_fixed, pages_4k, cache_miss);

	/* Every page faulted in: KVM maps up to 8 SPTEs per fault (prefetch), so at least
	 * npages/8 faults, and one 4K SPTE per guest page, aliases included. */
	CHECK(pf_fixed >= (int64_t)(npages / 8));
	CHECK(pages_4k >= (int64_t)npages);
	/* Shadow paging builds one shadow page per guest page table: >= 512 for 1 GiB. */
	if (strncmp(kenv.mmu, "tdp", 3) != 0)
		CHECK(cache_miss >= (int64_t)(npages / 512));

	/* Read back: aliases share host pages, so the last slot to write a page wins. */
	uint64_t bad = 0, expect_sum = 0;
	for (uint64_t p = 0; p < npages; p++) {
		const uint64_t *hva = aspace_gpa_to_hva(as, ASPACE_DATA_GPA + p * 4096);
		uint64_t last = p + ((npages - 1 - p) / host_pages) * host_pages;
		if (!hva || *hva != SEED + last)
			bad++;
		expect_sum += SEED + last;
	}
	CHECK_EQ_U64(bad, 0);
	uint64_t sum = guest_call(&f.vcpu, ctl, guest_fn(guest_read_sum), 0, ASPACE_DATA_GPA,
				  npages, 4096);
	CHECK_EQ_U64(sum, expect_sum);
	printf("host read back all %" PRIu64 " pages: %" PRIu64 " wrong; guest read sum %s\n",
	       npages, bad, sum == expect_sum ? "matches" : "differs");

	stats_snap_free(&vm0);
	stats_snap_free(&vm1);
	stats_snap_free(&vc0);
	stats_snap_free(&vc1);
	stats_close(&vms);
	stats_close(&vcs);
	fixture_close(&f);
	CHECK_DONE();
}
