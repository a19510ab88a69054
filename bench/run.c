/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench run SCENARIO: parse, validate, plan, execute (a VM per variant, round
 * and guest size), summarise (one grep-able line per run) and write the result file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "env.h"
#include "interrupt.h"
#include "layouts.h"
#include "memest.h"
#include "report/format.h"
#include "result.h"
#include "run.h"
#include "topo.h"
#include "util.h"

/* What execution needs beside the command line. */
struct run_state {
	struct kvm_sys sys;
	uint64_t rng;           /* --seed's generator */
	uint64_t vms;           /* VMs built so far: the schedule's numbering */
	json_object *schedule;  /* {vm, size, round, variant} in the order run */
	struct msb_trace trace;
	struct result_file res;
	double fit_x[NR_VARIANTS][RUN_MAX_SIZES], fit_y[NR_VARIANTS][RUN_MAX_SIZES];
	unsigned fit_n[NR_VARIANTS];
	uint64_t rounds;        /* rounds run at the current size */
	uint64_t rounds_max;    /* --rounds, or --max-rounds with --precision: for labels */
	struct bench_progress prog;
	struct run_layouts layouts; /* --numa: the layouts this machine makes */
};

/* One variant's runs at one guest size, gathered over its rounds. */
struct size_run {
	struct metric_set ms;
	json_object *json;
	bool on;
	uint64_t setup_ns, rss;
	unsigned layout;        /* index in run_state.layouts */
	struct placement_actual act; /* where its threads and memory were */
};

/* Threads that run at once: the ioctl thread (vCPU 0 runs on it) and, unless idle, the
 * other vCPUs. Pin them, or say why the times will include run-queue waits. */
static void pin_threads(struct run_cli *c)
{
	char err[256];
	unsigned own = c->sc->vcpus_at_once ? c->sc->vcpus_at_once(&c->o, c->sopts) :
		       (unsigned)c->o.vcpus;
	unsigned threads = 1 + (c->o.own_vcpu_threads ? own :
				c->o.vcpu_mode != VCPU_IDLE ? (unsigned)c->o.vcpus - 1 : 0);
	if (pin_plan(&c->o.pin, c->o.pin_mode == 0, threads, "/sys/fs/cgroup", err,
		     sizeof(err)) < 0)
		msb_die("%s", err);
	if (c->o.pin.oversubscribed)
		fprintf(stderr, "memslot-bench run: oversubscribed: %u threads run at once (ioctl "
			"+ running vCPUs) on %u usable CPUs%s; times include run-queue waits\n",
			threads, c->o.pin.usable, c->o.pin.quota > 0 ? " (or the cgroup's cpu.max)" :
			"");
	int cpu = pin_cpu(&c->o.pin, 0);
	if (cpu >= 0 && pin_this_thread(cpu, err, sizeof(err)) < 0)
		msb_die("%s", err);
}

/* /dev/kvm, the trace instance, and what needs KVM's answers (--extra-slots max). */
static void plan(struct run_cli *c, struct run_state *st)
{
	char err[256];
	pin_threads(c);
	layouts_plan(&st->layouts, c); /* --numa, after the pin plan it divides */
	kvm_open(&st->sys);
	if (c->o.trace && trace_open(&st->trace, err, sizeof(err)) < 0)
		msb_die("%s", err);
	int cap = kvm_check_cap(&st->sys, NULL, KVM_CAP_NR_MEMSLOTS);
	if (c->max_slots) {
		/* slot 0 is the system region; the data slots follow */
		if (cap <= 0 || (uint64_t)cap <= 1 + c->o.nslots)
			msb_die("KVM_CAP_NR_MEMSLOTS is %d: no room for --extra-slots max", cap);
		c->o.extra_slots = (uint64_t)cap - 1 - c->o.nslots;
		run_check_combination(c);
	}
	if (cap > 0 && 1 + c->o.nslots + c->o.extra_slots > (uint64_t)cap)
		msb_usage_error("run", "--slots %llu plus --extra-slots %llu need %llu memslots; this KVM allows "
			"%d (KVM_CAP_NR_MEMSLOTS)", (unsigned long long)c->o.nslots,
			(unsigned long long)c->o.extra_slots,
			(unsigned long long)(1 + c->o.nslots + c->o.extra_slots), cap);
}

/* Before any VM: the largest VM's host memory against MemAvailable (--ignore-memory
 * overrides) and the open files against RLIMIT_NOFILE. This machine cannot run it: 77. */
static void check_resources(const struct run_cli *c)
{
	struct run_opts o = c->o;
	struct memest worst, e;
	struct kvm_env k;
	char desc[320], sz[24];
	const char *meminfo = getenv("MSB_TEST_MEMINFO"); /* tests: a fake MemAvailable */
	uint64_t avail, size = 0;
	kvm_env_probe(&k);
	bool tdp = !strncmp(k.mmu, "tdp", 3);
	memset(&worst, 0, sizeof(worst));
	for (unsigned i = 0; i < c->nsizes; i++) {
		struct aspace_cfg cfg;
		o.guest_mem = c->sizes[i];
		bench_aspace_cfg(&o, &cfg);
		struct memest_in in = {
			.guest_mem = cfg.guest_mem, .host_mem = cfg.host_mem,
			.extra_mem = running_slot_size(&o) + (o.extra_slots ?
				(o.extra_slots - 1) * 2 * MIB + o.target_size : 0),
			.page_shift = cfg.page_shift, .nslots = 1 + cfg.nslots +
			(unsigned)o.extra_slots + (running_slot_size(&o) > 0),
			.nvcpus = cfg.nvcpus, .tdp = tdp,
		};
		memest_vm(&in, &e);
		if (e.total > worst.total) {
			worst = e;
			size = c->sizes[i];
		}
	}
	memest_describe(&worst, tdp, desc, sizeof(desc));
	format_size(size, sz, sizeof(sz));
	if (memest_mem_available(meminfo ? meminfo : "/proc/meminfo", &avail) == 0 &&
	    worst.total > avail) {
		char av[24];
		memest_format(avail, av, sizeof(av));
		fprintf(stderr, "memslot-bench run: %s: a VM of --guest-mem %s needs up to %s; "
			"MemAvailable is %s%s\n", c->ignore_memory ? "--ignore-memory" :
			"not enough memory", sz, desc, av, c->ignore_memory ? "" :
			" (--ignore-memory runs it anyway)");
		if (!c->ignore_memory)
			exit(77);
	}
	if (memest_nofile_check(memest_files_needed((unsigned)o.vcpus), desc, sizeof(desc)) < 0) {
		fprintf(stderr, "memslot-bench run: %s\n", desc);
		exit(77);
	}
}

/* The result file's header, and the same facts as # lines (on stdout, or stderr when
 * stdout carries data alone). */
static void begin(struct run_cli *c, struct run_state *st, int argc, char **argv)
{
	struct host_env host;
	struct kvm_env kenv;
	struct topo_summary topo;
	char err[256];
	host_env_probe(&host);
	kvm_env_probe(&kenv);
	c->o.tdp = !strncmp(kenv.mmu, "tdp", 3);
	json_object *topo_json = NULL;
	if (topo_summarize(NULL, &topo, err, sizeof(err)) == 0) {
		topo_json = topo_summary_json(&topo);
		topo_summary_free(&topo);
	}
	result_begin(&st->res, argc, argv, &host, &kenv, topo_json, NULL);
	double clk = clock_overhead_ns();
	json_object_object_add(st->res.root, "clock_overhead_ns", json_object_new_double(clk));
	json_object_object_add(st->res.root, "pinning", pin_json(&c->o.pin));
	fprintf(c->out, "# memslot-bench %s: %s on %s, kernel %s, KVM MMU %s\n", PACKAGE_VERSION,
		c->sc->name, host.nodename, host.release, kenv.mmu);
	fprintf(c->out, "# environment: %s: %s%s\n", host.kind, host.kind_detail, host.lab ?
		" (emulated: times prove mechanisms and ratios, not hardware latency)" : "");
	fprintf(c->out, "# clock: CLOCK_MONOTONIC, %.0f ns per read pair (median of 1001), not "
		"subtracted\n", clk);
	layouts_describe(&st->layouts, c->out, st->res.root);
	if (c->o.pin.on)
		fprintf(c->out, "# threads: pinned with hwloc, ioctl thread and vCPU 0 on CPU %d, %u "
			"thread(s) on %u usable CPU(s)%s\n", pin_cpu(&c->o.pin, 0),
			c->o.pin.threads, c->o.pin.usable,
			c->o.pin.oversubscribed ? ": oversubscribed" : "");
	else
		fprintf(c->out, "# threads: unpinned (--pin none)%s\n",
			c->o.pin.oversubscribed ? ", oversubscribed" : "");
}

/* One fresh VM: set up, repeat, tear down. false when the kernel lacks the variant. */
/* A scenario's per-VM detail (vm_done) appended to the run's array "NAME_vms". */
static void add_vm_detail(json_object *run, const char *scenario, json_object *vm)
{
	char key[64];
	json_object *vms;
	snprintf(key, sizeof(key), "%s_vms", scenario);
	if (!json_object_object_get_ex(run, key, &vms)) {
		vms = json_object_new_array();
		json_object_object_add(run, key, vms);
	}
	json_object_array_add(vms, vm);
}

static bool measure_vm(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		       int v, uint64_t round, const char *sz)
{
	struct bench_vm b;
	struct run_opts o;
	char why[256], label[128];
	json_object *e = json_object_new_object();
	json_object_object_add(e, "vm", json_object_new_int64((int64_t)st->vms++));
	json_object_object_add(e, "size", json_object_new_int64((int64_t)c->o.guest_mem));
	json_object_object_add(e, "round", json_object_new_int64((int64_t)round));
	json_object_object_add(e, "variant", json_object_new_string(variant_names[v]));
	if (st->layouts.n > 1)
		json_object_object_add(e, "layout", json_object_new_string(
					       st->layouts.place[sr->layout].spec));
	json_object_array_add(st->schedule, e);
	rss_peak_reset();
	snprintf(label, sizeof(label), "%s guest=%s round %llu/%llu %s", c->sc->name, sz,
		 (unsigned long long)round + 1, (unsigned long long)st->rounds_max,
		 variant_names[v]);
	progress_vm(&st->prog, label, c->o.guest_mem / c->o.touch_stride);
	layouts_apply(&st->layouts, sr->layout, &c->o, &o, &sr->act);
	if (bench_vm_setup(&b, &st->sys, &o, (enum variant)v, &sr->ms, why, sizeof(why)) < 0) {
		progress_vm_done(&st->prog);
		/* nor will it run in a later round: out of the ETA */
		st->prog.vms_total -= (double)(st->rounds_max - 1);
		/* The kernel decides on the first VM; later ones cannot differ. */
		if (round > 0)
			msb_die("%s %s: VM %llu of %llu failed: %s", c->sc->name, variant_names[v],
				(unsigned long long)round + 1, (unsigned long long)st->rounds_max, why);
		fprintf(c->out, "%-7s %-8s guest=%-5s unsupported: %s\n", c->sc->name, variant_names[v], sz,
			why);
		result_run_unsupported(sr->json, why);
		return false;
	}
	b.progress = &st->prog;
	b.actual = &sr->act;
	b.trace = c->o.trace ? &st->trace : NULL;
	if (c->sc->repeat)
		c->sc->repeat(&b, c->sopts, round);
	else
		bench_repeat(&b, c->sc, c->sopts, round);
	if (c->sc->vm_done)
		add_vm_detail(sr->json, c->sc->name, c->sc->vm_done(&b, c->sopts));
	progress_vm_done(&st->prog);
	uint64_t done, total;
	interrupt_reps(&done, &total);
	if (interrupt_requested())
		interrupt_stopped_at("VM %llu (%s) after %llu of %llu repetitions",
				     (unsigned long long)st->vms - 1, label,
				     (unsigned long long)done, (unsigned long long)total);
	if (b.setup_ns > sr->setup_ns)
		sr->setup_ns = b.setup_ns;
	if (rss_peak_bytes() > sr->rss)
		sr->rss = rss_peak_bytes();
	layouts_sample_vm(&b, &sr->act);
	bench_vm_teardown(&b);
	return true;
}

/* A finished run: its samples into the file, its lines on stdout, its fit point. */
static void summarise(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		      int v, uint64_t size)
{
	char sz[24], setup[24], what[96];
	json_object *j = sr->json;
	format_size(size, sz, sizeof(sz));
	json_object_object_add(j, "rounds", json_object_new_int64((int64_t)st->rounds));
	json_object_object_add(j, "setup_ns", json_object_new_int64((int64_t)sr->setup_ns));
	json_object_object_add(j, "peak_rss_bytes", sr->rss ?
			       json_object_new_int64((int64_t)sr->rss) : NULL);
	for (size_t i = 0; i < sr->ms.n; i++)
		result_run_add_series(j, &sr->ms.s[i]);
	run_describe_metrics(j, c->sc, c->o.tdp);
	if (st->layouts.n > 1) /* which layout the grep-able line below is */
		fprintf(c->out, "# --numa %s:\n", st->layouts.place[sr->layout].spec);
	print_run_line(c->out, c->sc, &sr->ms, v, size, c->o.tdp);
	if (c->o.vcpu_mode != VCPU_IDLE)
		json_object_object_add(j, "racy_after", json_object_new_string(
			"running vCPUs may fault pages back in between the change and the "
			"*_after reads"));
	control_report(c->out, j, c->sc, &sr->ms, v, size);
	if (c->sc->run_done)
		c->sc->run_done(&sr->ms, c->sopts, j, c->out, variant_names[v]);
	double x, y;
	if (c->sc->scale && st->layouts.n == 1 && /* a sweep's fit: one layout */
	    metric_median(&sr->ms, run_scale(c->sc, c->o.tdp), &x) && x > 0 &&
	    metric_median(&sr->ms, c->sc->primary, &y)) {
		st->fit_x[v][st->fit_n[v]] = x;
		st->fit_y[v][st->fit_n[v]++] = y;
	}
	if (c->raw)
		result_print_raw(stdout, c->out, j);
	fmt_ns((double)sr->setup_ns, setup, sizeof(setup));
	fprintf(c->out, "# %s %s guest=%s: set-up %s (slowest of %llu VMs), peak RSS %.1f MiB (VmHWM "
		"of its VMs)\n", c->sc->name, variant_names[v], sz, setup,
		(unsigned long long)st->rounds, (double)sr->rss / (double)MIB);
	snprintf(what, sizeof(what), "%s %s guest=%s%s%s", c->sc->name, variant_names[v], sz,
		 st->layouts.n > 1 ? " numa=" : "", st->layouts.n > 1 ?
		 st->layouts.place[sr->layout].spec : "");
	layouts_report(&st->layouts, sr->layout, &sr->act, j, c->out, what);
}

/* Which variant a round starts with: ABBA alternates, so neither always runs first (on
 * the process's first, cold VM) nor always follows the other. */
static int variant_first(const struct run_cli *c, struct run_state *st, uint64_t round)
{
	if (c->order == ORDER_RANDOM)
		return (int)(msb_rand_next(&st->rng) % NR_VARIANTS);
	return (int)(round % NR_VARIANTS);
}

/* One round: a fresh VM of every layout and variant still on, the layouts in an order
 * that rotates from round to round (drawn from --seed with --order random), the
 * variants of each in the round's order. */
static void run_round(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		      const char *sz)
{
	uint64_t r = st->rounds++;
	unsigned nl = st->layouts.n;
	unsigned lfirst = nl < 2 ? 0 : c->order == ORDER_RANDOM ?
			  (unsigned)(msb_rand_next(&st->rng) % nl) : (unsigned)(r % nl);
	for (unsigned j = 0; j < nl; j++) {
		struct size_run *cell = &sr[(lfirst + j) % nl * NR_VARIANTS];
		int first = variant_first(c, st, r);
		for (int k = 0; k < NR_VARIANTS; k++) {
			int v = (first + k) % NR_VARIANTS;
			if (cell[v].on && !interrupt_requested())
				cell[v].on = measure_vm(c, st, &cell[v], v, r, sz);
		}
	}
}

/* Runs still on among n (a layout's variants: NR_VARIANTS). */
static int cells_on(const struct size_run *sr, unsigned n)
{
	int on = 0;
	for (unsigned i = 0; i < n; i++)
		on += sr[i].on;
	return on;
}

static int variants_on(const struct size_run *sr)
{
	return cells_on(sr, NR_VARIANTS);
}

/* The primary's per-VM medians of one variant's VMs so far (by the harness's index
 * metric: the VM of each sample). */
static double *primary_vm_medians(const struct run_cli *c, const struct size_run *sr,
				  size_t *k)
{
	const struct series *p = metric_find(&sr->ms, c->sc->primary), *ix = NULL;
	for (size_t i = 0; i < nr_harness_metrics && !ix; i++)
		if (harness_metrics[i].role == ROLE_INDEX)
			ix = metric_find(&sr->ms, harness_metrics[i].name);
	*k = 0;
	if (!p || !ix || p->n != ix->n)
		return NULL;
	return group_medians(p->v, ix->v, p->n, k);
}

/* The primary's precision so far: of the ratio zap-slot/zap-all with both variants
 * measured, else of the one variant's median. */
static void evaluate_precision(const struct run_cli *c, const struct size_run *sr,
			       struct run_precision *rp)
{
	double *m[NR_VARIANTS] = { NULL };
	size_t k[NR_VARIANTS] = { 0 };
	for (int v = 0; v < NR_VARIANTS; v++)
		if (sr[v].on)
			m[v] = primary_vm_medians(c, &sr[v], &k[v]);
	int only = sr[VARIANT_ZAP_ALL].on ? VARIANT_ZAP_ALL : VARIANT_ZAP_SLOT;
	if (variants_on(sr) == NR_VARIANTS) {
		precision_ratio(m[VARIANT_ZAP_ALL], k[VARIANT_ZAP_ALL], m[VARIANT_ZAP_SLOT],
				k[VARIANT_ZAP_SLOT], &rp->p);
		snprintf(rp->what, sizeof(rp->what), "ratio %s/%s", variant_names[VARIANT_ZAP_SLOT],
			 variant_names[VARIANT_ZAP_ALL]);
	} else {
		precision_median(m[only], k[only], &rp->p);
		snprintf(rp->what, sizeof(rp->what), "median %s", variant_names[only]);
	}
	for (int v = 0; v < NR_VARIANTS; v++)
		free(m[v]);
}

/* --rounds rounds; with --precision at least those an interval needs, then more until
 * the interval is within +-PCT%, --max-rounds, or --max-time (no round started that
 * would end past it at the average round's length). */
static void run_rounds(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		       const char *sz, struct run_precision *rp)
{
	uint64_t t0 = now_ns();
	bool prec = c->precision > 0; /* one layout only (layouts_plan) */
	unsigned cells = st->layouts.n * NR_VARIANTS;
	do {
		run_round(c, st, sr, sz);
		/* A variant the kernel lacks is known after the first round. */
	} while (cells_on(sr, cells) && !interrupt_requested() && st->rounds < (prec ? run_precision_start(c,
			variants_on(sr)) : c->o.rounds));
	if (!prec || !variants_on(sr))
		return;
	while (!interrupt_requested()) {
		evaluate_precision(c, sr, rp);
		double el = (double)(now_ns() - t0) / 1e9;
		rp->elapsed_s = el;
		rp->rounds = st->rounds;
		if (rp->p.ok && rp->p.pct <= c->precision)
			rp->stopped = "reached";
		else if (st->rounds >= c->max_rounds)
			rp->stopped = "max-rounds";
		else if (el + el / (double)st->rounds > c->max_time_s)
			rp->stopped = "max-time";
		else {
			run_precision_progress(c, rp);
			run_round(c, st, sr, sz);
			continue;
		}
		return;
	}
}

/* Every layout and variant at one guest size. Rounds interleave them, a fresh VM each
 * time, so drift and the VM-to-VM spread fall on all alike. */
static void execute_size(struct run_cli *c, struct run_state *st, uint64_t size)
{
	unsigned n = st->layouts.n * NR_VARIANTS;
	struct size_run *sr = msb_calloc(n, sizeof(*sr));
	struct run_precision rp;
	char sz[24];
	memset(&rp, 0, sizeof(rp));
	format_size(size, sz, sizeof(sz));
	c->o.guest_mem = size;
	for (unsigned i = 0; i < n; i++) {
		sr[i].layout = i / NR_VARIANTS;
		sr[i].on = c->variant_on[i % NR_VARIANTS];
		if (sr[i].on)
			sr[i].json = result_add_run(&st->res, c->sc->name,
						    variant_names[i % NR_VARIANTS], run_params_json(c, size),
						    placement_layout_json(&st->layouts.place[sr[i].layout]));
	}
	st->rounds = 0;
	st->rounds_max = c->precision > 0 ? c->max_rounds : c->o.rounds;
	run_rounds(c, st, sr, sz, &rp);
	/* --precision reached before --max-rounds: the ETA counted on more */
	st->prog.vms_total -= (double)((st->rounds_max - st->rounds) * (uint64_t)cells_on(sr, n));
	for (unsigned i = 0; i < n; i++)
		if (sr[i].on && !sr[i].ms.n && interrupt_requested()) {
			result_run_unsupported(sr[i].json, "not measured: the run stopped "
					       "(interrupted, or a guest failure) before "
					       "any of its samples");
			sr[i].on = false;
		}
	for (unsigned i = 0; i < n; i++)
		if (sr[i].on)
			summarise(c, st, &sr[i], (int)(i % NR_VARIANTS), size);
	if (rp.stopped) {
		json_object *j[NR_VARIANTS] = { NULL };
		for (int v = 0; v < NR_VARIANTS; v++)
			j[v] = sr[v].on ? sr[v].json : NULL;
		run_precision_report(c, &rp, sz, j, NR_VARIANTS);
	}
	for (unsigned i = 0; i < n; i++)
		metric_set_free(&sr[i].ms);
	free(sr);
}

/* "complete" in the result, and after SIGINT/SIGTERM why and where it stopped: 0, or
 * the exit code of the interruption (130, 143). */
static int mark_complete(const struct run_cli *c, struct run_state *st)
{
	json_object_object_add(st->res.root, "complete",
			       json_object_new_boolean(!interrupt_requested()));
	if (!interrupt_requested())
		return 0;
	interrupt_stopped_at("between VMs, after %llu VMs", (unsigned long long)st->vms);
	json_object *why = interrupt_json();
	json_object_object_add(st->res.root, "incomplete", why);
	fprintf(stderr, "memslot-bench run: %s at %s; %s\n",
		json_object_get_string(json_object_object_get(why, "reason")),
		json_object_get_string(json_object_object_get(why, "stopped_at")), c->json ?
		"the samples so far go to the result file, marked \"complete\": false" :
		"the samples so far are above");
	return interrupt_exit_code();
}

/* How the schedule is drawn, and the list that measure_vm() fills as it runs. */
static void record_schedule(const struct run_cli *c, struct run_state *st)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "order", json_object_new_string(c->order == ORDER_RANDOM ?
								  "random" : "abba"));
	json_object_object_add(o, "seed", json_object_new_int64((int64_t)c->seed));
	st->schedule = json_object_new_array();
	json_object_object_add(o, "vms", st->schedule);
	json_object_object_add(st->res.root, "schedule", o);
}

int cmd_run(int argc, char **argv)
{
	struct run_cli c;
	struct run_state st;
	memset(&st, 0, sizeof(st));
	run_parse(&c, argc, argv);
	plan(&c, &st);
	check_resources(&c);
	interrupt_install();
	guest_failures_recoverable(true); /* a failed guest ends the run like a signal */ /* after trace_open(): a second signal reaches its handler */
	begin(&c, &st, argc, argv);
	int variants = 0;
	for (int v = 0; v < NR_VARIANTS; v++)
		variants += c.variant_on[v];
	progress_start(&st.prog, c.o.quiet, (double)(c.nsizes * variants * st.layouts.n *
			(c.precision > 0 ? c.max_rounds : c.o.rounds)));
	/* Sweep sizes in a shuffled order, so that size is not confounded with drift. */
	unsigned order[RUN_MAX_SIZES];
	for (unsigned i = 0; i < c.nsizes; i++)
		order[i] = i;
	st.rng = c.seed;
	msb_shuffle(order, c.nsizes, &st.rng);
	record_schedule(&c, &st);
	for (unsigned i = 0; i < c.nsizes && !interrupt_requested(); i++)
		execute_size(&c, &st, c.sizes[order[i]]);
	if (c.nsizes > 1 && c.sc->scale && st.layouts.n == 1) /* no fit across layouts */
		for (int v = 0; v < NR_VARIANTS; v++)
			if (c.variant_on[v])
				print_fit(c.out, variant_names[v], run_scale(c.sc, c.o.tdp), st.fit_x[v],
					  st.fit_y[v], st.fit_n[v]);
	kvm_close(&st.sys);
	if (c.o.trace)
		trace_close(&st.trace);
	int rc = mark_complete(&c, &st);
	char err[256];
	if (c.json && result_write(&st.res, c.json, c.force, err, sizeof(err)) < 0) {
		fprintf(stderr, "memslot-bench run: %s\n", err);
		rc = 1;
		result_rescue(&st.res); /* the samples are not lost: a file named on stderr */
	}
	result_free(&st.res);
	layouts_free(&st.layouts);
	run_cli_free(&c);
	return rc;
}
