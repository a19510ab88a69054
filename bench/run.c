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
};

/* One variant's runs at one guest size, gathered over its rounds. */
struct size_run {
	struct metric_set ms;
	json_object *json;
	bool on;
	uint64_t setup_ns, rss;
	unsigned pages_checked, pages_on_node;
};

/* --numa: plan on this machine and bind the process's threads now, so every vCPU thread
 * inherits it; the guest memory is bound as each VM builds it. A machine that cannot
 * (one node for remote) skips the run: exit 77, as automake's test drivers read it. */
static void place(struct run_cli *c)
{
	char err[256];
	int r = placement_plan(c->numa, &c->o.place, err, sizeof(err));
	if (r == PLACEMENT_BAD)
		msb_usage_error("run", "%s", err);
	if (r == PLACEMENT_CANNOT) {
		fprintf(stderr, "memslot-bench run: skipped: %s\n", err);
		exit(77);
	}
	if (placement_bind_cpus(&c->o.place, err, sizeof(err)) < 0)
		msb_die("%s", err);
}

/* Threads that run at once: the ioctl thread (vCPU 0 runs on it) and, unless idle, the
 * other vCPUs. Pin them, or say why the times will include run-queue waits. */
static void pin_threads(struct run_cli *c)
{
	char err[256];
	unsigned threads = 1 + (c->o.vcpu_mode != VCPU_IDLE ? (unsigned)c->o.vcpus - 1 : 0);
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
	place(c);
	pin_threads(c);
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
	const struct placement *p = &c->o.place;
	if (p->bound)
		fprintf(c->out, "# placement: --numa %s: threads on the CPUs of node %d (%s), guest memory "
			"bound to node %d (distance %d)\n", p->spec, p->cpu_node, p->cpus,
			p->mem_node, p->distance);
	else
		fprintf(c->out, "# placement: %s (--numa default)\n", PLACEMENT_DEFAULT_DESC);
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
static bool measure_vm(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		       int v, uint64_t round, const char *sz)
{
	struct bench_vm b;
	char why[256], label[128];
	json_object *e = json_object_new_object();
	json_object_object_add(e, "vm", json_object_new_int64((int64_t)st->vms++));
	json_object_object_add(e, "size", json_object_new_int64((int64_t)c->o.guest_mem));
	json_object_object_add(e, "round", json_object_new_int64((int64_t)round));
	json_object_object_add(e, "variant", json_object_new_string(variant_names[v]));
	json_object_array_add(st->schedule, e);
	rss_peak_reset();
	snprintf(label, sizeof(label), "%s guest=%s round %llu/%llu %s", c->sc->name, sz,
		 (unsigned long long)round + 1, (unsigned long long)st->rounds_max,
		 variant_names[v]);
	progress_vm(&st->prog, label, c->o.guest_mem / c->o.touch_stride);
	if (bench_vm_setup(&b, &st->sys, &c->o, (enum variant)v, &sr->ms, why, sizeof(why)) < 0) {
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
	b.trace = c->o.trace ? &st->trace : NULL;
	bench_repeat(&b, c->sc, c->sopts, round);
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
	sr->pages_checked += b.pages_checked;
	sr->pages_on_node += b.pages_on_node;
	bench_vm_teardown(&b);
	return true;
}

/* Where the populated guest memory was, summed over a run's VMs (--numa only). */
static void placement_check_report(const struct run_cli *c, const struct size_run *sr,
				   const char *what)
{
	const struct placement *p = &c->o.place;
	if (!p->bound)
		return;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "mem_node", json_object_new_int(p->mem_node));
	json_object_object_add(o, "pages_checked", json_object_new_int64(sr->pages_checked));
	json_object_object_add(o, "pages_on_mem_node", json_object_new_int64(sr->pages_on_node));
	json_object_object_add(sr->json, "placement_check", o);
	fprintf(c->out, "# %s: guest memory on node %d: %u of %u sampled pages (move_pages)\n", what,
		p->mem_node, sr->pages_on_node, sr->pages_checked);
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
	print_run_line(c->out, c->sc, &sr->ms, v, size, c->o.tdp);
	if (c->o.vcpu_mode != VCPU_IDLE)
		json_object_object_add(j, "racy_after", json_object_new_string(
			"running vCPUs may fault pages back in between the change and the "
			"*_after reads"));
	control_report(c->out, j, c->sc, &sr->ms, v, size);
	double x, y;
	if (c->sc->scale && metric_median(&sr->ms, run_scale(c->sc, c->o.tdp), &x) && x > 0 &&
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
	snprintf(what, sizeof(what), "%s %s guest=%s", c->sc->name, variant_names[v], sz);
	placement_check_report(c, sr, what);
}

/* Which variant a round starts with: ABBA alternates, so neither always runs first (on
 * the process's first, cold VM) nor always follows the other. */
static int variant_first(const struct run_cli *c, struct run_state *st, uint64_t round)
{
	if (c->order == ORDER_RANDOM)
		return (int)(msb_rand_next(&st->rng) % NR_VARIANTS);
	return (int)(round % NR_VARIANTS);
}

/* One round: a fresh VM of every variant still on, in the round's order. */
static void run_round(const struct run_cli *c, struct run_state *st, struct size_run *sr,
		      const char *sz)
{
	uint64_t r = st->rounds++;
	int first = variant_first(c, st, r);
	for (int k = 0; k < NR_VARIANTS; k++) {
		int v = (first + k) % NR_VARIANTS;
		if (sr[v].on && !interrupt_requested())
			sr[v].on = measure_vm(c, st, &sr[v], v, r, sz);
	}
}

static int variants_on(const struct size_run *sr)
{
	int on = 0;
	for (int v = 0; v < NR_VARIANTS; v++)
		on += sr[v].on;
	return on;
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
	bool prec = c->precision > 0;
	do {
		run_round(c, st, sr, sz);
		/* A variant the kernel lacks is known after the first round. */
	} while (variants_on(sr) && !interrupt_requested() && st->rounds < (prec ? run_precision_start(c,
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

/* Every variant at one guest size. Rounds interleave the variants, a fresh VM each
 * time, so drift and the VM-to-VM spread fall on both alike. */
static void execute_size(struct run_cli *c, struct run_state *st, uint64_t size)
{
	struct size_run sr[NR_VARIANTS];
	struct run_precision rp;
	char sz[24];
	memset(&rp, 0, sizeof(rp));
	memset(sr, 0, sizeof(sr));
	format_size(size, sz, sizeof(sz));
	c->o.guest_mem = size;
	for (int v = 0; v < NR_VARIANTS; v++) {
		sr[v].on = c->variant_on[v];
		if (sr[v].on)
			sr[v].json = result_add_run(&st->res, c->sc->name, variant_names[v],
						    run_params_json(c, size),
						    placement_layout_json(&c->o.place));
	}
	st->rounds = 0;
	st->rounds_max = c->precision > 0 ? c->max_rounds : c->o.rounds;
	run_rounds(c, st, sr, sz, &rp);
	/* --precision reached before --max-rounds: the ETA counted on more */
	st->prog.vms_total -= (double)((st->rounds_max - st->rounds) * (uint64_t)variants_on(sr));
	for (int v = 0; v < NR_VARIANTS; v++)
		if (sr[v].on && !sr[v].ms.n && interrupt_requested()) {
			result_run_unsupported(sr[v].json, "not measured: the run was interrupted "
					       "before any of its samples");
			sr[v].on = false;
		}
	for (int v = 0; v < NR_VARIANTS; v++)
		if (sr[v].on)
			summarise(c, st, &sr[v], v, size);
	if (rp.stopped) {
		json_object *j[NR_VARIANTS] = { NULL };
		for (int v = 0; v < NR_VARIANTS; v++)
			j[v] = sr[v].on ? sr[v].json : NULL;
		run_precision_report(c, &rp, sz, j, NR_VARIANTS);
	}
	for (int v = 0; v < NR_VARIANTS; v++)
		metric_set_free(&sr[v].ms);
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
	interrupt_install(); /* after trace_open(): a second signal reaches its handler */
	begin(&c, &st, argc, argv);
	int variants = 0;
	for (int v = 0; v < NR_VARIANTS; v++)
		variants += c.variant_on[v];
	progress_start(&st.prog, c.o.quiet, (double)(c.nsizes * variants *
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
	if (c.nsizes > 1 && c.sc->scale)
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
	run_cli_free(&c);
	return rc;
}
