/* SPDX-License-Identifier: GPL-2.0 */
/* stall: what a memslot update does to running guests, as the guests see it. Every vCPU,
 * pinned, loops over its own working set (guest_stall_loop) and records touches per
 * interval, its longest gap and a gap histogram. Each repetition has two windows of the
 * same length: a control window with no update and an update window with one memslot
 * update at 10% of it (ABBA order); the stall and the recovery are read against the
 * control window of the same repetition. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "report/format.h"
#include "interrupt.h"
#include "opts.h"
#include "scenario.h"
#include "stall_window.h"
#include "stallcalc.h"
#include "target.h"
#include "util.h"

enum stall_change { STALL_DELETE, STALL_MOVE, STALL_FLAGS };
enum stall_access { ACCESS_WRITE, ACCESS_READ };

struct stall_opts {
	uint64_t working_set, gap_threshold, interval, window;
	int access, change;
};

#define SO(f) offsetof(struct stall_opts, f)
static const struct opt stall_opts[] = {
	{ .name = "change", .kind = OPT_CHOICE, .off = SO(change), .metavar = "KIND", .def = "delete",
	  .help = "the update: DELETE the --target slot (CREATE after the window), MOVE it "
		  "(and back), or FLAGS_ONLY (dirty logging on, then off)",
	  .posval = { { "delete", STALL_DELETE }, { "move", STALL_MOVE }, { "flags", STALL_FLAGS } } },
	{ .name = "working-set", .kind = OPT_SIZE, .off = SO(working_set), .metavar = "SIZE",
	  .min = 4096, .help = "bytes each vCPU loops over, vCPU i from i * SIZE in the guest "
	  "memory (default: --guest-mem / --vcpus)" },
	{ .name = "access", .kind = OPT_CHOICE, .off = SO(access), .metavar = "KIND", .def = "write",
	  .help = "each touch writes or reads a qword of the page",
	  .posval = { { "write", ACCESS_WRITE }, { "read", ACCESS_READ } } },
	{ .name = "interval", .kind = OPT_DURATION, .off = SO(interval), .metavar = "TIME",
	  .def = "1ms", .min = 50000, .max = 1000000000ULL,
	  .help = "timeline resolution: touches are counted per interval" },
	{ .name = "window", .kind = OPT_DURATION, .off = SO(window), .metavar = "TIME",
	  .min = 10000000ULL, .max = 600000000000ULL, .help = "length of every window, control "
	  "and update alike (default: twice the first VM's set-up, at least 200ms, the same "
	  "for every later VM)" },
	{ .name = "gap-threshold", .kind = OPT_DURATION, .off = SO(gap_threshold),
	  .metavar = "TIME", .def = "50us", .min = 1000, .max = 1000000000ULL,
	  .help = "gaps between touches this long or longer are counted (gaps_over)" },
};

static const struct metric_def stall_metrics[] = {
	{ .name = "recovery_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true,
	  .desc = "the update's ioctl start until the slowest vCPU touches at >= 90% of its "
		  "rate before the ioctl for 3 intervals" },
	{ .name = "stall_max_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true,
	  .desc = "the longest gap between two touches of any vCPU in the update window" },
	{ .name = "stall_before_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "the part of that gap before the ioctl started" },
	{ .name = "stall_inside_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "the part of that gap while the ioctl ran" },
	{ .name = "stall_after_ns", .unit = "ns", .role = ROLE_LATENCY,
	  .desc = "the part of that gap after the ioctl returned" },
	{ .name = "control_stall_max_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true,
	  .desc = "the longest gap of any vCPU in the control window (no update)" },
	{ .name = "delete_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true, .kind = "DELETE",
	  .desc = "the update's ioctl (--change delete)" },
	{ .name = "move_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true, .kind = "MOVE",
	  .desc = "the update's ioctl (--change move)" },
	{ .name = "flags_ns", .unit = "ns", .role = ROLE_LATENCY, .headline = true, .kind = "FLAGS_ONLY",
	  .desc = "the update's ioctl (--change flags)" },
	{ .name = "recovery_pf_fixed", .unit = "count", .role = ROLE_COUNT,
	  .desc = "pf_fixed of all vCPUs in the update window" },
	{ .name = "control_pf_fixed", .unit = "count", .role = ROLE_COUNT,
	  .desc = "pf_fixed of all vCPUs in the control window" },
	{ .name = "update_exits", .unit = "count", .role = ROLE_COUNT,
	  .desc = "exits of all vCPUs in the update window" },
	{ .name = "control_exits", .unit = "count", .role = ROLE_COUNT,
	  .desc = "exits of all vCPUs in the control window" },
	{ .name = "recovery_censored", .unit = "count", .role = ROLE_COUNT,
	  .desc = "vCPUs not recovered when the window ended (recovery_ns is then a lower bound)" },
	{ .name = "window_ns", .unit = "ns", .role = ROLE_GAUGE,
	  .desc = "the length of every window of the run" },
	{ .name = "baseline_rate", .unit = "count", .role = ROLE_GAUGE,
	  .desc = "touches per interval before the ioctl (median of intervals with any), "
		  "slowest vCPU: what recovery is measured against" },
};

/* One VM's state across its repetitions (the scenario runs one VM at a time). */
static struct {
	int64_t off[ASPACE_MAX_VCPUS];
	uint64_t n, interval, lead;   /* intervals per window; ticks */
	uint64_t hist[2][SLOG_HIST_N]; /* control, update: recorded windows */
	double bare_touch_ns, loop_touch_ns;
	json_object *windows;
} vm;
static uint64_t run_window_ns; /* no --window: resolved on the run's first VM */
/* Gap histograms per variant (control, update) over a run's VMs, for its summary. */
static uint64_t run_hist[NR_VARIANTS][2][SLOG_HIST_N];
static double run_tick_ns;

static int check(const struct run_opts *o, const void *sopts, char *err, size_t len)
{
	const struct stall_opts *so = sopts;
	uint64_t ws = so->working_set ? so->working_set : o->guest_mem / o->vcpus;
	if (o->vcpu_mode != VCPU_IDLE)
		return snprintf(err, len, "--vcpu-mode: stall runs every vCPU itself; leave it idle"), -1;
	if (o->pt_placement == PT_SPREAD)
		return snprintf(err, len, "--pt-placement spread: not supported by stall (its "
				"working sets would cover the page tables)"), -1;
	if (o->vcpus > ASPACE_MAX_VCPUS)
		return snprintf(err, len, "--vcpus: at most %d for stall", ASPACE_MAX_VCPUS), -1;
	if (ws < o->touch_stride || ws * o->vcpus > o->guest_mem)
		return snprintf(err, len, "--working-set: %llu vCPUs x %llu bytes do not fit the "
				"guest's %llu bytes (or are below --touch-stride)",
				(unsigned long long)o->vcpus, (unsigned long long)ws,
				(unsigned long long)o->guest_mem), -1;
	if (so->window && so->window < 10 * so->interval)
		return snprintf(err, len, "--window: at least 10 intervals (--interval)"), -1;
	if (so->window / so->interval > SLOG_TL_MAX)
		return snprintf(err, len, "--window: at most %d intervals of --interval",
				(int)SLOG_TL_MAX), -1;
	if (so->change == STALL_FLAGS && o->target != TARGET_POPULATED)
		return snprintf(err, len, "--change flags needs --target populated: dirty "
				"logging on an unmapped slot write-protects nothing"), -1;
	return 0;
}

static uint64_t working_set(const struct bench_vm *b, const struct stall_opts *so)
{
	return so->working_set ? so->working_set : b->o->guest_mem / b->o->vcpus;
}

/* The window's length, the same for every VM of the run. */
static uint64_t window_ns(const struct bench_vm *b, const struct stall_opts *so)
{
	if (so->window)
		return so->window;
	if (!run_window_ns) {
		run_window_ns = 2 * b->setup_ns > 200000000ULL ? 2 * b->setup_ns : 200000000ULL;
		if (run_window_ns / so->interval > SLOG_TL_MAX)
			run_window_ns = SLOG_TL_MAX * so->interval;
		char w[24];
		format_duration_ns(run_window_ns, w, sizeof(w));
		if (!b->o->quiet)
			fprintf(stderr, "stall: --window 0: every window is %s (twice the first "
				"VM's set-up)\n", w);
	}
	return run_window_ns;
}

/* The touch's cost with and without the stall loop's bookkeeping, measured alike: a
 * whole pass of vCPU 0 over its working set (on this thread, before the vCPU threads
 * start), plain guest_touch and guest_stall_loop bounded to one pass, best of 3 each. */
#define OVERHEAD_PASSES 3
static void time_instrumentation(struct bench_vm *b, const struct stall_opts *so)
{
	uint64_t pages = working_set(b, so) / b->o->touch_stride, best[2] = { UINT64_MAX, UINT64_MAX };
	const void *fn[2] = { guest_touch, guest_stall_loop };
	struct stall_log *l = bench_vcpu_log(b, 0);
	l->passes = 1;
	l->access = so->access == ACCESS_READ;
	for (unsigned k = 0; k < 2 * OVERHEAD_PASSES; k++) {
		uint64_t t0 = now_ns();
		guest_call(&b->vcpus[0], guest_ctl(&b->as, 0), guest_fn(fn[k % 2]), 0,
			   ASPACE_DATA_GPA, pages, b->o->touch_stride);
		uint64_t dt = now_ns() - t0;
		best[k % 2] = dt < best[k % 2] ? dt : best[k % 2];
	}
	l->passes = 0;
	vm.bare_touch_ns = (double)best[0] / (double)pages;
	vm.loop_touch_ns = (double)best[1] / (double)pages;
}

static void start_vcpus(struct bench_vm *b, const struct stall_opts *so)
{
	uint64_t a0[ASPACE_MAX_VCPUS], a1[ASPACE_MAX_VCPUS], a2[ASPACE_MAX_VCPUS];
	uint64_t ws = working_set(b, so);
	const struct aspace_slot *t = &b->as.slots[target_slot(b)];
	for (unsigned i = 0; i < b->o->vcpus; i++) {
		a0[i] = (uint64_t)i << 40;
		a1[i] = ASPACE_DATA_GPA + i * ws;
		a2[i] = ws / b->o->touch_stride;
		bench_vcpu_log(b, i)->access = so->access == ACCESS_READ;
		/* the target slot is gone for a while: its accesses exit as MMIO */
		b->vcpus[i].mmio_lo = t->gpa;
		b->vcpus[i].mmio_hi = t->gpa + t->size;
	}
	bench_vcpus_start_n(b, (unsigned)b->o->vcpus, guest_fn(guest_stall_loop), a0, a1, a2,
			    b->o->touch_stride);
}

/* The update, and what puts the slot back afterwards. */
static void make_changes(struct bench_vm *b, const struct stall_opts *so,
			 struct memslot_change *upd, struct memslot_change *restore,
			 const char **kind)
{
	const struct aspace_slot *s = &b->as.slots[target_slot(b)];
	*upd = change_of_slot(s);
	*restore = change_of_slot(s);
	if (so->change == STALL_DELETE) {
		upd->size = 0;
		upd->delete_or_move = true;
		*kind = "delete";
	} else if (so->change == STALL_MOVE) {
		upd->gpa = free_gpa(b);
		upd->delete_or_move = restore->delete_or_move = true;
		*kind = "move";
	} else {
		upd->flags |= KVM_MEM_LOG_DIRTY_PAGES;
		*kind = "flags";
	}
}

/* Every vCPU completes two more passes over its working set: whatever the update
 * zapped has been faulted back in before the next window opens. */
static void quiesce(struct bench_vm *b)
{
	uint64_t want[ASPACE_MAX_VCPUS], t0 = now_ns();
	for (unsigned i = 0; i < b->o->vcpus; i++)
		want[i] = guest_ctl(&b->as, (int)i)->iters + 2;
	for (unsigned i = 0; i < b->o->vcpus; i++)
		while (guest_ctl(&b->as, (int)i)->iters < want[i] && !guest_failure())
			if (now_ns() - t0 > 600 * 1000000000ULL)
				msb_die("stall: vCPU %u did not finish a pass in 10 minutes", i);
}

static void run_window(struct bench_vm *b, const struct stall_opts *so,
		       struct stall_window *w, bool update, bool record)
{
	stall_window_open(b, w, vm.off, vm.n, vm.interval,
			  (uint64_t)((double)so->gap_threshold / b->ns_per_tick));
	stall_sleep_until(b, w->base + vm.lead);
	if (update) {
		struct memslot_change upd, restore;
		const char *kind;
		make_changes(b, so, &upd, &restore, &kind);
		change_run(b, kind, &upd, true, record);
		w->update = true;
		w->ioctl[0] = b->ioctl_tsc[0];
		w->ioctl[1] = b->ioctl_tsc[1];
		stall_window_close(b, w, vm.off);
		bench_settle(b);
		change_run(b, "restore", &restore, false, false);
		quiesce(b);
		return;
	}
	stall_window_close(b, w, vm.off);
}

/* The rate vCPU i is measured against: its running rate in the update window before
 * the ioctl (10% of the window), or in the control window where that lead had too few
 * intervals. The lead, not the control window, because on the PVM host the touch rate
 * drifts between windows seconds apart (medians 17k-29k touches/ms, 1 GiB). */
#define STALL_MIN_LEAD_INTERVALS 20
static double baseline_rate(const struct stall_window *u, const struct stall_window *c,
			    unsigned i)
{
	uint64_t lead = (u->ioctl[0] - u->base) / u->interval;
	if (lead >= STALL_MIN_LEAD_INTERVALS)
		return stall_rate(u->v[i].timeline, lead);
	return stall_rate(c->v[i].timeline, c->n);
}

/* The ns from the ioctl's start to vCPU i's recovery; *censored when the window ended
 * first (then the window's remainder: a lower bound). */
static double recovery_ns(const struct bench_vm *b, const struct stall_window *u,
			  const struct stall_window *c, unsigned i, bool *censored)
{
	double rate = baseline_rate(u, c, i);
	uint64_t from = (u->ioctl[0] - u->base) / u->interval;
	size_t at = stall_recovered_at(u->v[i].timeline, u->n, rate, from);
	uint64_t t = u->base + at * u->interval;
	*censored = at == u->n;
	return t > u->ioctl[0] ? stall_ticks_ns(b, t - u->ioctl[0]) : 0;
}

static uint64_t sum_vstat(const struct stall_window *w, unsigned k)
{
	uint64_t s = 0;
	for (unsigned i = 0; i < w->nvcpus; i++)
		s += w->v[i].vstat[k] > 0 ? (uint64_t)w->v[i].vstat[k] : 0;
	return s;
}

static unsigned longest_gap_vcpu(const struct stall_window *w)
{
	unsigned at = 0;
	for (unsigned i = 1; i < w->nvcpus; i++)
		if (w->v[i].max_gap > w->v[at].max_gap)
			at = i;
	return at;
}

static void add_metrics(struct bench_vm *b, const struct stall_window *u,
			const struct stall_window *c)
{
	double rec = 0, rate = -1;
	unsigned censored = 0;
	for (unsigned i = 0; i < u->nvcpus; i++) {
		bool cens;
		double r = recovery_ns(b, u, c, i, &cens);
		double ri = baseline_rate(u, c, i);
		rec = r > rec ? r : rec;
		censored += cens;
		rate = rate < 0 || ri < rate ? ri : rate;
	}
	unsigned g = longest_gap_vcpu(u);
	struct stall_split sp = stall_split(u->v[g].max_end, u->v[g].max_gap, u->ioctl[0],
					    u->ioctl[1]);
	bench_add(b, "recovery_ns", "ns", rec);
	bench_add(b, "stall_max_ns", "ns", stall_ticks_ns(b, u->v[g].max_gap));
	bench_add(b, "stall_before_ns", "ns", stall_ticks_ns(b, sp.before));
	bench_add(b, "stall_inside_ns", "ns", stall_ticks_ns(b, sp.inside));
	bench_add(b, "stall_after_ns", "ns", stall_ticks_ns(b, sp.after));
	bench_add(b, "control_stall_max_ns", "ns",
		  stall_ticks_ns(b, c->v[longest_gap_vcpu(c)].max_gap));
	bench_add(b, "recovery_pf_fixed", "count", (double)sum_vstat(u, 0));
	bench_add(b, "control_pf_fixed", "count", (double)sum_vstat(c, 0));
	bench_add(b, "update_exits", "count", (double)sum_vstat(u, 1));
	bench_add(b, "control_exits", "count", (double)sum_vstat(c, 1));
	bench_add(b, "recovery_censored", "count", censored);
	bench_add(b, "window_ns", "ns", stall_ticks_ns(b, u->n * u->interval));
	bench_add(b, "baseline_rate", "count", rate);
}

/* A window in the result: every vCPU's timeline and what was derived from it. */
static json_object *window_json(const struct bench_vm *b, const struct stall_window *w,
				const struct stall_window *c, uint64_t rep)
{
	json_object *o = json_object_new_object(), *vs = json_object_new_array();
	json_object_object_add(o, "rep", json_object_new_int64((int64_t)rep));
	json_object_object_add(o, "window", json_object_new_string(w->update ? "update" : "control"));
	json_object_object_add(o, "interval_ns", json_object_new_double(stall_ticks_ns(b, w->interval)));
	if (w->update) {
		json_object *io = json_object_new_array();
		for (int k = 0; k < 2; k++)
			json_object_array_add(io, json_object_new_double(
				stall_ticks_ns(b, w->ioctl[k] - w->base)));
		json_object_object_add(o, "ioctl_ns", io);
	}
	for (unsigned i = 0; i < w->nvcpus; i++) {
		const struct stall_vcpu_window *v = &w->v[i];
		json_object *jv = json_object_new_object(), *t = json_object_new_array();
		for (uint64_t k = 0; k < w->n; k++)
			json_object_array_add(t, json_object_new_int64((int64_t)v->timeline[k]));
		json_object_object_add(jv, "touches", t);
		json_object_object_add(jv, "touches_all", json_object_new_int64((int64_t)v->touches));
		json_object_object_add(jv, "gaps_over", json_object_new_int64((int64_t)v->gaps_over));
		json_object_object_add(jv, "max_gap_ns", json_object_new_double(stall_ticks_ns(b, v->max_gap)));
		json_object_object_add(jv, "max_gap_end_ns", json_object_new_double(v->max_end > w->base ?
			stall_ticks_ns(b, v->max_end - w->base) : 0));
		if (w->update) {
			bool cens;
			json_object_object_add(jv, "recovery_ns",
					       json_object_new_double(recovery_ns(b, w, c, i, &cens)));
			json_object_object_add(jv, "recovery_censored", json_object_new_boolean(cens));
		}
		for (unsigned k = 0; k < STALL_NR_VSTATS; k++)
			if (v->vstat[k] >= 0)
				json_object_object_add(jv, stall_vstat_names[k],
						       json_object_new_int64(v->vstat[k]));
		json_object_array_add(vs, jv);
	}
	json_object_object_add(o, "vcpus", vs);
	return o;
}

static void keep_window(const struct bench_vm *b, const struct stall_window *w,
			const struct stall_window *c, uint64_t rep)
{
	for (unsigned i = 0; i < w->nvcpus; i++)
		for (unsigned k = 0; k < SLOG_HIST_N; k++)
			vm.hist[w->update][k] += w->v[i].hist[k];
	json_object_array_add(vm.windows, window_json(b, w, c, rep));
}

static void stall_repeat(struct bench_vm *b, const void *sopts, uint64_t vm_index)
{
	const struct stall_opts *so = sopts;
	memset(&vm, 0, sizeof(vm));
	vm.windows = json_object_new_array();
	uint64_t wns = window_ns(b, so);
	vm.interval = (uint64_t)((double)so->interval / b->ns_per_tick);
	vm.n = wns / so->interval;
	vm.lead = vm.n * vm.interval / 10;
	time_instrumentation(b, so);
	start_vcpus(b, so);
	stall_offsets(b, vm.off);
	uint64_t total = b->o->warmup + b->o->reps, rep;
	for (rep = 0; rep < total && !interrupt_requested(); rep++) {
		bool record = rep >= b->o->warmup;
		struct stall_window c, u;
		if (rep % 2)
			run_window(b, so, &c, false, record);
		run_window(b, so, &u, true, record);
		if (!(rep % 2))
			run_window(b, so, &c, false, record);
		if (guest_failure()) { /* the run ends: this repetition leaves nothing */
			stall_window_free(&c);
			stall_window_free(&u);
			bench_drop_failed_rep(b->m);
			break;
		}
		if (record) {
			add_metrics(b, &u, &c);
			bench_add(b, "vm_round", "index", (double)vm_index);
			keep_window(b, &c, &c, rep);
			keep_window(b, &u, &c, rep);
		}
		stall_window_free(&c);
		stall_window_free(&u);
		bench_progress(b, rep + 1, total, "rep");
	}
	interrupt_note_reps(rep, total);
	bench_vcpus_stop(b);
}

static json_object *hist_json(const uint64_t *h)
{
	json_object *a = json_object_new_array();
	for (unsigned k = 0; k < SLOG_HIST_N; k++)
		json_object_array_add(a, json_object_new_int64((int64_t)h[k]));
	return a;
}

/* Per VM: the windows, the gap histograms, and the instrumentation's cost. */
static json_object *stall_vm_done(struct bench_vm *b, const void *sopts)
{
	(void)sopts;
	json_object *o = json_object_new_object(), *h = json_object_new_object();
	json_object_object_add(h, "tick_ns", json_object_new_double(b->ns_per_tick));
	json_object_object_add(h, "buckets", json_object_new_string(
		"k: gaps of [2^k, 2^(k+1)) TSC ticks (k = 0: 0 or 1)"));
	json_object_object_add(h, "control", hist_json(vm.hist[0]));
	json_object_object_add(h, "update", hist_json(vm.hist[1]));
	json_object_object_add(o, "gap_histogram", h);
	for (unsigned w = 0; w < 2; w++)
		for (unsigned k = 0; k < SLOG_HIST_N; k++)
			run_hist[b->variant][w][k] += vm.hist[w][k];
	run_tick_ns = b->ns_per_tick;
	json_object_object_add(o, "bare_touch_ns", json_object_new_double(vm.bare_touch_ns));
	json_object_object_add(o, "stall_loop_touch_ns", json_object_new_double(vm.loop_touch_ns));
	json_object_object_add(o, "windows", vm.windows);
	vm.windows = NULL;
	return o;
}

/* The run's gap histograms as '#' lines (cyclictest style), beside the summary line:
 * on stderr when stdout carries data alone (--raw, --json -). */
static void stall_run_done(const struct metric_set *m, const void *sopts, json_object *run,
			   FILE *out, const char *variant)
{
	(void)m;
	(void)sopts;
	(void)run;
	int v = strcmp(variant, variant_names[VARIANT_ZAP_ALL]) ? VARIANT_ZAP_SLOT : VARIANT_ZAP_ALL;
	fprintf(out, "# stall %s: gaps between touches, all vCPUs and VMs (TSC tick %.3f ns)\n"
		"# %-22s %14s %14s\n", variant, run_tick_ns, "gap", "control", "update");
	for (unsigned k = 0; k < SLOG_HIST_N; k++) {
		char lo[24], hi[24], range[64];
		if (!run_hist[v][0][k] && !run_hist[v][1][k])
			continue;
		fmt_ns(k ? (double)(1ULL << k) * run_tick_ns : 0, lo, sizeof(lo));
		fmt_ns((double)(2ULL << k) * run_tick_ns, hi, sizeof(hi));
		snprintf(range, sizeof(range), "%s .. %s", lo, hi);
		fprintf(out, "# %-22s %14llu %14llu\n", range, (unsigned long long)run_hist[v][0][k],
			(unsigned long long)run_hist[v][1][k]);
	}
	memset(run_hist[v], 0, sizeof(run_hist[v]));
}

static const struct scenario scenario_stall = {
	.name = "stall",
	.help = "running vCPUs' stall and recovery around one update, against a control window",
	.opts = stall_opts,
	.nopts = ARRAY_SIZE(stall_opts),
	.opts_size = sizeof(struct stall_opts),
	.metrics = stall_metrics,
	.nmetrics = ARRAY_SIZE(stall_metrics),
	.primary = "recovery_ns",
	.check = check,
	.repeat = stall_repeat,
	.vm_done = stall_vm_done,
	.run_done = stall_run_done,
	.own_vcpu_threads = true,
};
SCENARIO_REGISTER(scenario_stall)
