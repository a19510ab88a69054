/* SPDX-License-Identifier: GPL-2.0 */
/* tlb: what the kicks and remote TLB flushes of a memslot update cost. The same DELETE
 * of an unrelated slot is made with 0, 1, 2, ... vCPUs running in the guest (--running
 * LIST) and with 1, 2, ... vCPUs halted in the guest (--halted LIST: `hlt` with KVM's
 * in-kernel LAPIC, the vCPU blocked in KVM); the VM's other vCPUs are outside the guest
 * (their threads are not in KVM_RUN). Same populated state each time. Per row: the
 * ioctl's time, the VM's remote_tlb_flush(_requests) deltas and every vCPU's tlb_flush,
 * exits, irq_exits (a kick that reaches a vCPU in guest mode exits it with an external
 * interrupt) and halt_wakeup (a request that wakes a halted vCPU). Across VMs, the ioctl
 * time's fit against the running vCPUs is the cost per kicked vCPU; rows where the
 * running vCPUs and the ioctl thread outnumber the CPUs are left out of it. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "change.h"
#include "interrupt.h"
#include "opts.h"
#include "scenario.h"
#include "target.h"
#include "util.h"

#define TLB_MAX_RUNNING 8

struct tlb_opts {
	const char *running; /* "0,1,2" */
	const char *halted;  /* "1", or "" for none */
};

/* --running and --halted parsed: the rows, running ones first, in the order given. */
struct rows {
	unsigned k[2 * (TLB_MAX_RUNNING + 1)], n;
	bool halted[2 * (TLB_MAX_RUNNING + 1)];
};

static const struct opt tlb_opts[] = {
	{ .name = "running", .kind = OPT_STRING, .off = offsetof(struct tlb_opts, running),
	  .metavar = "LIST", .def = "0,1", .help = "the numbers of vCPUs running in the guest "
	  "during the update, a row each (0 must be one: the baseline; at most 8; --vcpus at "
	  "least the largest)" },
	{ .name = "halted", .kind = OPT_STRING, .off = offsetof(struct tlb_opts, halted),
	  .metavar = "LIST", .def = "1", .legacy = "", .help = "the numbers of vCPUs halted in "
	  "the guest (hlt; the VM gets KVM's in-kernel irqchip) during the update, a row each "
	  "(1..8; \"\" for none: no irqchip, as before this option)" },
};

/* A row's metrics: x is r (running) or h (halted), k the vCPUs in that state. */
#define TLB_ROW(x, k, state)                                                                   \
	{ .name = "ioctl_" #x #k "_ns", .unit = "ns", .role = ROLE_LATENCY, .kind = "DELETE",  \
	  .headline = true, .desc = "the DELETE with " #k " vCPUs " state " in the guest" },    \
	{ .name = "remote_tlb_flush_" #x #k, .unit = "count", .role = ROLE_COUNT,              \
	  .desc = "the VM's remote_tlb_flush delta, " #k " vCPUs " state },                     \
	{ .name = "remote_tlb_flush_requests_" #x #k, .unit = "count", .role = ROLE_COUNT,     \
	  .desc = "the VM's remote_tlb_flush_requests delta, " #k " vCPUs " state },            \
	{ .name = "vcpu_tlb_flush_" #x #k, .unit = "count", .role = ROLE_COUNT,                \
	  .desc = "every vCPU's tlb_flush delta, summed, " #k " vCPUs " state },                \
	{ .name = "vcpu_exits_" #x #k, .unit = "count", .role = ROLE_COUNT,                    \
	  .desc = "every vCPU's exits delta, summed, " #k " vCPUs " state },                    \
	{ .name = "vcpu_irq_exits_" #x #k, .unit = "count", .role = ROLE_COUNT,                \
	  .desc = "every vCPU's irq_exits delta (kicks taken in guest mode), " #k " " state },  \
	{ .name = "vcpu_halt_wakeup_" #x #k, .unit = "count", .role = ROLE_COUNT,              \
	  .desc = "every vCPU's halt_wakeup delta (halted vCPUs woken), " #k " " state }
#define RUN_ROW(k) TLB_ROW(r, k, "running")
#define HALT_ROW(k) TLB_ROW(h, k, "halted")

static const struct metric_def tlb_metrics[] = {
	RUN_ROW(0), RUN_ROW(1), RUN_ROW(2), RUN_ROW(3), RUN_ROW(4), RUN_ROW(5), RUN_ROW(6),
	RUN_ROW(7), RUN_ROW(8), HALT_ROW(1), HALT_ROW(2), HALT_ROW(3), HALT_ROW(4),
	HALT_ROW(5), HALT_ROW(6), HALT_ROW(7), HALT_ROW(8),
};

/* vCPU stats summed per row. */
static const char *const row_vstats[] = { "tlb_flush", "exits", "irq_exits", "halt_wakeup" };

/* Index of a row in tlb.per_vcpu: running rows 0..8, halted rows 9..16 (k 1..8). */
#define ROW_SLOTS (2 * TLB_MAX_RUNNING + 1)
static unsigned row_slot(unsigned k, bool halted)
{
	return halted ? TLB_MAX_RUNNING + k : k;
}

static struct {
	unsigned usable;  /* CPUs this process may use: rows above it are oversubscribed */
	/* per VM: per row and vCPU, the sums of row_vstats over recorded repetitions */
	uint64_t per_vcpu[ROW_SLOTS][ASPACE_MAX_VCPUS][ARRAY_SIZE(row_vstats)];
	uint64_t reps;
} tlb;

/* Appends LIST's numbers (lo..TLB_MAX_RUNNING, distinct) to r as rows of one kind. */
static int parse_list(const char *opt, const char *list, unsigned lo, bool halted,
		      struct rows *r, char *err, size_t len)
{
	char *copy = msb_strdup(list), *save = NULL;
	unsigned first = r->n;
	int ret = 0;
	for (char *s = strtok_r(copy, ",", &save); s && !ret; s = strtok_r(NULL, ",", &save)) {
		uint64_t k;
		if (!parse_uint(s, lo, TLB_MAX_RUNNING, &k) || r->n - first == TLB_MAX_RUNNING + 1) {
			snprintf(err, len, "--%s: '%s' is not a list of distinct numbers %u..%d",
				 opt, list, lo, TLB_MAX_RUNNING);
			ret = -1;
			break;
		}
		for (unsigned i = first; i < r->n && !ret; i++)
			if (r->k[i] == k) {
				snprintf(err, len, "--%s: %llu twice in '%s'", opt,
					 (unsigned long long)k, list);
				ret = -1;
			}
		r->halted[r->n] = halted;
		r->k[r->n++] = (unsigned)k;
	}
	free(copy);
	return ret;
}

static int parse_running(const struct tlb_opts *t, struct rows *r, char *err, size_t len)
{
	r->n = 0;
	if (parse_list("running", t->running, 0, false, r, err, len) < 0 ||
	    parse_list("halted", t->halted, 1, true, r, err, len) < 0)
		return -1;
	for (unsigned i = 0; i < r->n; i++)
		if (!r->halted[i] && r->k[i] == 0)
			return 0;
	return snprintf(err, len, "--running: '%s' lacks 0, the baseline the cost per "
			"running vCPU is measured from", t->running), -1;
}

/* The rows of a checked --running. */
static struct rows rows_of(const void *sopts)
{
	struct rows r;
	char err[160];
	if (parse_running(sopts, &r, err, sizeof(err)) < 0)
		msb_die("internal error: %s", err);
	return r;
}

/* Halted rows need KVM's in-kernel LAPIC; without them the VM is the same as before
 * --halted existed (its legacy value ""). */
static bool has_halted_rows(const void *sopts)
{
	struct rows r;
	char err[160];
	if (parse_running(sopts, &r, err, sizeof(err)) < 0)
		return false; /* check() refuses it */
	for (unsigned i = 0; i < r.n; i++)
		if (r.halted[i])
			return true;
	return false;
}

static unsigned most_running(const struct run_opts *o, const void *sopts)
{
	const struct rows t = rows_of(sopts);
	unsigned most = 0;
	(void)o;
	for (unsigned i = 0; i < t.n; i++)
		if (!t.halted[i] && t.k[i] > most)
			most = t.k[i];
	return most;
}

static int check(const struct run_opts *o, const void *sopts, char *err, size_t len)
{
	struct rows r;
	if (parse_running(sopts, &r, err, len) < 0)
		return -1;
	for (unsigned i = 0; i < r.n; i++)
		if (r.k[i] > o->vcpus)
			return snprintf(err, len, "--%s %u needs --vcpus >= %u",
					r.halted[i] ? "halted" : "running", r.k[i], r.k[i]), -1;
	if (o->vcpu_mode != VCPU_IDLE)
		return snprintf(err, len, "--vcpu-mode: tlb runs the vCPUs itself (--running)"), -1;
	if (o->target != TARGET_UNRELATED)
		return snprintf(err, len, "--target: tlb deletes an unrelated slot"), -1;
	if (o->pt_placement == PT_SPREAD)
		return snprintf(err, len, "--pt-placement spread: not supported by tlb"), -1;
	if (o->guest_mem / o->vcpus < o->touch_stride)
		return snprintf(err, len, "--guest-mem: too small for --vcpus %llu working sets",
				(unsigned long long)o->vcpus), -1;
	return 0;
}

/* vCPUs 0..k-1 run the touch loop, each on its share of the guest memory; returns when
 * each has touched its memory since it started. */
static void start_running(struct bench_vm *b, unsigned k)
{
	uint64_t a0[TLB_MAX_RUNNING], a1[TLB_MAX_RUNNING], a2[TLB_MAX_RUNNING];
	uint64_t ws = b->o->guest_mem / b->o->vcpus, seen[TLB_MAX_RUNNING];
	for (unsigned i = 0; i < k; i++) {
		a0[i] = (uint64_t)i << 40;
		a1[i] = ASPACE_DATA_GPA + i * ws;
		a2[i] = ws / b->o->touch_stride;
		seen[i] = bench_vcpu_log(b, i)->touches;
	}
	if (!k)
		return;
	bench_vcpus_start_n(b, k, guest_fn(guest_stall_loop), a0, a1, a2, b->o->touch_stride);
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < k; i++)
		while (bench_vcpu_log(b, i)->touches < seen[i] + 1000 && !guest_failure())
			if (now_ns() - t0 > 10000000000ULL)
				msb_die("tlb: vCPU %u did not start touching in 10 s", i);
}

/* vCPUs 0..k-1 halt in the guest; returns when each is blocked in KVM (its "blocking"
 * stat: halt-polling is over and the thread sleeps). */
static void start_halted(struct bench_vm *b, unsigned k)
{
	uint64_t zero[TLB_MAX_RUNNING] = { 0 };
	bench_vcpus_start_n(b, k, guest_fn(guest_halt), zero, zero, zero, 0);
	uint64_t t0 = now_ns();
	for (unsigned i = 0; i < k; i++)
		for (;;) {
			struct kvm_stats_snap s;
			uint64_t blocking = 0;
			stats_snapshot(&b->vcpu_stats[i], &s);
			bool known = stats_get(&b->vcpu_stats[i], &s, "blocking", &blocking);
			stats_snap_free(&s);
			if (!known)
				msb_die("tlb: vCPU %u has no \"blocking\" stat: cannot tell that it "
					"halted (Linux 5.16+)", i);
			if (blocking || guest_failure())
				break;
			if (now_ns() - t0 > 10000000000ULL)
				msb_die("tlb: vCPU %u did not halt in KVM in 10 s", i);
			nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
		}
}

static uint64_t vm_delta(struct bench_vm *b, const struct kvm_stats_snap *s0,
			 const struct kvm_stats_snap *s1, const char *name)
{
	int64_t d;
	return stats_delta(&b->vm_stats, s0, s1, name, &d) && d > 0 ? (uint64_t)d : 0;
}

static void add_row(struct bench_vm *b, unsigned k, bool halted,
		    const struct kvm_stats_snap *v0, const struct kvm_stats_snap *v1,
		    const struct kvm_stats_snap *c0, const struct kvm_stats_snap *c1)
{
	static const char *const row_names[] = { "vcpu_tlb_flush_%c%u", "vcpu_exits_%c%u",
						  "vcpu_irq_exits_%c%u", "vcpu_halt_wakeup_%c%u" };
	char name[48], x = halted ? 'h' : 'r';
	snprintf(name, sizeof(name), "remote_tlb_flush_%c%u", x, k);
	bench_add(b, name, "count", (double)vm_delta(b, v0, v1, "remote_tlb_flush"));
	snprintf(name, sizeof(name), "remote_tlb_flush_requests_%c%u", x, k);
	bench_add(b, name, "count", (double)vm_delta(b, v0, v1, "remote_tlb_flush_requests"));
	for (unsigned j = 0; j < ARRAY_SIZE(row_vstats); j++) {
		uint64_t sum = 0;
		for (unsigned i = 0; i < b->o->vcpus; i++) {
			int64_t d;
			if (!stats_delta(&b->vcpu_stats[i], &c0[i], &c1[i], row_vstats[j], &d) ||
			    d < 0)
				d = 0;
			tlb.per_vcpu[row_slot(k, halted)][i][j] += (uint64_t)d;
			sum += (uint64_t)d;
		}
		snprintf(name, sizeof(name), row_names[j], x, k);
		bench_add(b, name, "count", (double)sum);
	}
}

/* The update with k vCPUs running (or halted), its restore, and the state populated
 * again. */
static void row(struct bench_vm *b, unsigned k, bool halted, bool record)
{
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	struct memslot_change del = change_of_slot(s), create = change_of_slot(s);
	struct kvm_stats_snap v0, v1, c0[ASPACE_MAX_VCPUS], c1[ASPACE_MAX_VCPUS];
	unsigned nv = (unsigned)b->o->vcpus;
	char kind[32];
	del.size = 0;
	del.delete_or_move = true;
	if (halted)
		start_halted(b, k);
	else
		start_running(b, k);
	stats_snapshot(&b->vm_stats, &v0);
	for (unsigned i = 0; i < nv; i++)
		stats_snapshot(&b->vcpu_stats[i], &c0[i]);
	snprintf(kind, sizeof(kind), "ioctl_%c%u", halted ? 'h' : 'r', k);
	change_run(b, kind, &del, false, record);
	/* read while the vCPUs still run: their stop would add exits of its own */
	stats_snapshot(&b->vm_stats, &v1);
	for (unsigned i = 0; i < nv; i++)
		stats_snapshot(&b->vcpu_stats[i], &c1[i]);
	bench_vcpus_stop(b);
	if (record && !guest_failure())
		add_row(b, k, halted, &v0, &v1, c0, c1);
	stats_snap_free(&v0);
	stats_snap_free(&v1);
	for (unsigned i = 0; i < nv; i++) {
		stats_snap_free(&c0[i]);
		stats_snap_free(&c1[i]);
	}
	if (guest_failure()) /* the run ends: no restore on a failed VM */
		return;
	bench_settle(b);
	change_run(b, "restore", &create, false, false);
	bench_touch(b, NULL);
}

static void tlb_repeat(struct bench_vm *b, const void *sopts, uint64_t vm_index)
{
	const struct rows t = rows_of(sopts);
	memset(tlb.per_vcpu, 0, sizeof(tlb.per_vcpu));
	tlb.reps = 0;
	tlb.usable = b->o->pin.usable;
	uint64_t total = b->o->warmup + b->o->reps, rep;
	for (rep = 0; rep < total && !interrupt_requested(); rep++) {
		bool record = rep >= b->o->warmup;
		/* rows ascending in even repetitions, descending in odd ones (ABBA) */
		for (unsigned i = 0; i < t.n && !guest_failure(); i++) {
			unsigned j = rep % 2 ? t.n - 1 - i : i;
			row(b, t.k[j], t.halted[j], record);
		}
		if (guest_failure()) { /* the run ends: this repetition leaves nothing */
			bench_drop_failed_rep(b->m);
			break;
		}
		if (record) {
			bench_add(b, "vm_round", "index", (double)vm_index);
			tlb.reps++;
		}
		bench_progress(b, rep + 1, total, "rep");
	}
	interrupt_note_reps(rep, total);
}

/* Per VM: every vCPU's own counts per row, summed over the recorded repetitions. */
static json_object *tlb_vm_done(struct bench_vm *b, const void *sopts)
{
	const struct rows t = rows_of(sopts);
	json_object *o = json_object_new_object(), *rows = json_object_new_object();
	json_object_object_add(o, "reps", json_object_new_int64((int64_t)tlb.reps));
	for (unsigned r = 0; r < t.n; r++) {
		unsigned k = t.k[r];
		json_object *vs = json_object_new_array();
		char key[16];
		for (unsigned i = 0; i < b->o->vcpus; i++) {
			json_object *v = json_object_new_object();
			json_object_object_add(v, "state", json_object_new_string(
				i >= k ? "outside" : t.halted[r] ? "halted" : "running"));
			for (unsigned j = 0; j < ARRAY_SIZE(row_vstats); j++)
				json_object_object_add(v, row_vstats[j], json_object_new_int64(
					(int64_t)tlb.per_vcpu[row_slot(k, t.halted[r])][i][j]));
			json_object_array_add(vs, v);
		}
		snprintf(key, sizeof(key), "%s%u", t.halted[r] ? "h" : "r", k);
		json_object_object_add(rows, key, vs);
	}
	json_object_object_add(o, "per_vcpu_by_row", rows);
	return o;
}

/* The cost per running vCPU: ioctl time against running vCPUs over per-VM medians,
 * rows that were oversubscribed left out and named. */
static void tlb_run_done(const struct metric_set *m, const void *sopts, json_object *run,
			 FILE *out, const char *variant)
{
	const struct rows t = rows_of(sopts);
	const struct series *ix = metric_find(m, "vm_round");
	double x[(TLB_MAX_RUNNING + 1) * 64], y[(TLB_MAX_RUNNING + 1) * 64];
	unsigned n = 0;
	json_object *over = json_object_new_array(), *shared = json_object_new_array();
	for (unsigned r = 0; r < t.n; r++) {
		char name[32];
		if (t.halted[r] && t.k[r] + 1 > tlb.usable)
			json_object_array_add(shared, json_object_new_int((int)t.k[r]));
		if (t.halted[r])
			continue;
		snprintf(name, sizeof(name), "ioctl_r%u_ns", t.k[r]);
		const struct series *s = metric_find(m, name);
		if (t.k[r] + 1 > tlb.usable) {
			json_object_array_add(over, json_object_new_int((int)t.k[r]));
			continue;
		}
		size_t k = 0;
		double *med = s && ix && s->n == ix->n ? group_medians(s->v, ix->v, s->n, &k) : NULL;
		for (size_t i = 0; i < k && n < ARRAY_SIZE(x); i++, n++) {
			x[n] = t.k[r];
			y[n] = med[i];
		}
		free(med);
	}
	json_object *fit = json_object_new_object();
	json_object_object_add(fit, "oversubscribed_rows", over);
	/* halted vCPUs pinned beside the ioctl thread: their wake-ups compete with it */
	json_object_object_add(fit, "halted_rows_sharing_cpus", shared);
	struct fit f;
	if (n >= 3 && linear_fit_ci(x, y, n, 0.95, &f) == 0) {
		fprintf(out, "fit     %-8s %.1f ns per running vCPU [%.1f .. %.1f at 95%%] + %.1f "
			"us with none (per-VM medians, %u points)%s%s\n", variant, f.b, f.b_lo, f.b_hi,
			f.a / 1e3, n, f.flat ? ": " : "", fit_phrase(&f));
		json_object_object_add(fit, "ns_per_running_vcpu", json_object_new_double(f.b));
		json_object *ci = json_object_new_array();
		json_object_array_add(ci, json_object_new_double(f.b_lo));
		json_object_array_add(ci, json_object_new_double(f.b_hi));
		json_object_object_add(fit, "ci95", ci);
		json_object_object_add(fit, "fixed_ns", json_object_new_double(f.a));
	} else {
		fprintf(out, "fit     %-8s cost per running vCPU: needs 3 points within the CPUs, "
			"has %u\n", variant, n);
	}
	if (json_object_array_length(over))
		fprintf(out, "# tlb %s: rows with %s running vCPUs oversubscribed (ioctl thread + "
			"vCPUs > %u CPUs): left out of the fit\n", variant,
			json_object_to_json_string(over), tlb.usable);
	if (json_object_array_length(shared))
		fprintf(out, "# tlb %s: rows with %s halted vCPUs share CPUs with the ioctl thread "
			"(ioctl thread + halted vCPUs > %u CPUs): their wake-ups compete with the "
			"ioctl\n", variant,
			json_object_to_json_string(shared), tlb.usable);
	json_object_object_add(run, "per_running_vcpu", fit);
}

static const struct scenario scenario_tlb = {
	.name = "tlb",
	.help = "kicks and remote TLB flushes: one DELETE with 0, 1, 2, ... vCPUs running, "
		"halted or outside the guest",
	.opts = tlb_opts,
	.nopts = ARRAY_SIZE(tlb_opts),
	.opts_size = sizeof(struct tlb_opts),
	.metrics = tlb_metrics,
	.nmetrics = ARRAY_SIZE(tlb_metrics),
	.primary = "ioctl_r0_ns",
	.check = check,
	.repeat = tlb_repeat,
	.vm_done = tlb_vm_done,
	.run_done = tlb_run_done,
	.own_vcpu_threads = true,
	.in_kernel_irqchip = has_halted_rows,
	.vcpus_at_once = most_running,
};
SCENARIO_REGISTER(scenario_tlb)
