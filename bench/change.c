/* Timing one memslot change (KVM_SET_USER_MEMORY_REGION) with the VM stats around it. */
#include "change.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static void add_gauges(struct bench_vm *b, const char *when, const struct kvm_stats_snap *s)
{
	static const char *const gauges[] = { "pages_4k", "pages_2m" };
	char name[48];
	for (size_t i = 0; i < ARRAY_SIZE(gauges); i++) {
		uint64_t v;
		if (!bench_stat_opt(b, s, gauges[i], &v))
			continue;
		snprintf(name, sizeof(name), "%s_%s", gauges[i], when);
		bench_add(b, name, "sptes", (double)v);
	}
}

void change_run(struct bench_vm *b, const char *kind, const struct memslot_change *c,
		bool primary, bool record)
{
	struct kvm_stats_snap s0, s1;
	if (primary && record)
		stats_snapshot(&b->vm_stats, &s0);

	/* Only the ioctl sits between the two clock reads. */
	uint64_t t0 = now_ns();
	int r = __vm_set_memslot(&b->vm, c->slot, c->flags, c->gpa, c->size, c->hva);
	uint64_t t1 = now_ns();
	if (r < 0) {
		if (r == -EIO)
			kvm_ioctl_fail("VM", "KVM_SET_USER_MEMORY_REGION", b->vm.id, EIO);
		msb_die("%s of memslot %u (gpa 0x%llx, size 0x%llx, flags 0x%x) failed: %s", kind,
			c->slot, (unsigned long long)c->gpa, (unsigned long long)c->size, c->flags,
			strerror(-r));
	}
	if (!record)
		return;

	char name[48];
	snprintf(name, sizeof(name), "%s_ns", kind);
	bench_add(b, name, "ns", (double)(t1 - t0));
	if (!primary)
		return;

	stats_snapshot(&b->vm_stats, &s1);
	static const char *const deltas[] = { "mmu_shadow_zapped", "remote_tlb_flush",
					      "remote_tlb_flush_requests" };
	for (size_t i = 0; i < ARRAY_SIZE(deltas); i++) {
		int64_t d;
		if (stats_delta(&b->vm_stats, &s0, &s1, deltas[i], &d))
			bench_add(b, deltas[i], "count", (double)d);
	}
	/* Shadow pages alive before the change: created minus zapped since VM creation. */
	uint64_t made, zapped;
	if (bench_stat_opt(b, &s0, "mmu_cache_miss", &made) &&
	    bench_stat_opt(b, &s0, "mmu_shadow_zapped", &zapped))
		bench_add(b, "shadow_pages_before", "pages", (double)(made - zapped));
	uint64_t sptes = 0, v;
	static const char *const levels[] = { "pages_4k", "pages_2m", "pages_1g" };
	for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
		if (bench_stat_opt(b, &s0, levels[i], &v))
			sptes += v;
	bench_add(b, "sptes_before", "sptes", (double)sptes);
	add_gauges(b, "before", &s0);
	add_gauges(b, "after", &s1);
	stats_snap_free(&s0);
	stats_snap_free(&s1);
}

struct memslot_change change_of_slot(const struct aspace_slot *s)
{
	struct memslot_change c = {
		.slot = s->id, .flags = s->flags, .gpa = s->gpa, .size = s->size, .hva = s->hva,
	};
	return c;
}

void refault_run(struct bench_vm *b, bool record)
{
	int64_t pf;
	uint64_t ns = bench_touch(b, &pf);
	if (!record)
		return;
	bench_add(b, "refault_ns", "ns", (double)ns);
	bench_add(b, "refault_pf_fixed", "count", (double)pf);
}
