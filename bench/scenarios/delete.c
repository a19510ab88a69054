/* SPDX-License-Identifier: GPL-2.0 */
/* delete: DELETE a memslot while the guest has a populated address space and CREATE it
 * again; the harness then times the guest's refault of its working set, so every
 * repetition starts from the same state. */
#include <stddef.h>
#include <string.h>

#include "change.h"
#include "opts.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

struct delete_opts {
	bool overhead_check;
};

static const struct opt delete_opts[] = {
	{ .name = "overhead-check", .kind = OPT_FLAG, .off = offsetof(struct delete_opts, overhead_check),
	  .help = "also time a bare ioctl loop on the same state, to show the harness adds "
		  "no cost of its own" },
};

static const struct metric_def delete_metrics[] = {
	{ .name = "delete_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "DELETE",
	  .desc = "the target slot deleted", .headline = true },
	{ .name = "create_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "CREATE",
	  .desc = "the deleted slot created again (after --settle)" },
	{ .name = "bare_delete_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "the same delete in a bare ioctl loop (--overhead-check)" },
};

static struct memslot_change deletion(const struct bench_vm *b)
{
	struct memslot_change del = change_of_slot(&b->as.slots[target_slot(b)]);
	del.size = 0;
	del.delete_or_move = true;
	return del;
}

static void step(struct bench_vm *b, const void *sopts, bool record)
{
	(void)sopts;
	struct memslot_change del = deletion(b);
	struct memslot_change create = change_of_slot(&b->as.slots[target_slot(b)]);
	change_run(b, "delete", &del, true, record);
	bench_settle(b);
	change_run(b, "create", &create, false, record);
}

/* The same delete with nothing around the ioctl but the two clock reads. */
static void bare_delete(struct bench_vm *b, const void *sopts, bool record)
{
	const struct delete_opts *d = sopts;
	if (!d->overhead_check)
		return;
	struct memslot_change del = deletion(b);
	struct memslot_change create = change_of_slot(&b->as.slots[target_slot(b)]);
	uint64_t ns = change_time_bare(b, &del);
	change_run(b, "bare_create", &create, false, false);
	bench_touch(b, NULL);
	if (record)
		bench_add(b, "bare_delete_ns", "ns", (double)ns);
}

static const char *const delete_suite[] = {
	/* The patch's case: an unrelated 2 MiB slot deleted under a populated guest, in
	 * three guest sizes, so the report fits the cost against the shadow pages present
	 * (zap-all grows with them, zap-slot stays flat). suite.sh scales the sizes down
	 * with --quick. */
	"delete-unrelated --target unrelated --guest-mem 256M,512M,1G",
	/* A slot the guest uses: both variants must zap it. */
	"delete-populated --slots 2 --target populated",
	NULL,
};

static const struct scenario scenario_delete = {
	.name = "delete",
	.help = "DELETE a memslot (then CREATE it again) under a populated guest",
	.opts = delete_opts,
	.nopts = ARRAY_SIZE(delete_opts),
	.opts_size = sizeof(struct delete_opts),
	.metrics = delete_metrics,
	.nmetrics = ARRAY_SIZE(delete_metrics),
	.primary = "delete_ns",
	.scale = "shadow_pages_before",
	.suite = delete_suite,
	.kernel_ab = true,
	.step = step,
	.control = bare_delete,
	.control_metric = "bare_delete_ns",
};
SCENARIO_REGISTER(scenario_delete)
