/* memslot-bench run SCENARIO: set up a VM per variant (and per guest size of a sweep),
 * measure, print one grep-able line per run, and write the JSON result file. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cmd.h"
#include "compare.h"
#include "env.h"
#include "harness.h"
#include "opts.h"
#include "result.h"
#include "topo.h"
#include "util.h"

static const struct scenario *const scenarios[] = {
	&scenario_delete, &scenario_move, &scenario_flags,
};

struct run_cli {
	struct run_opts o;
	const char *guest_mem, *host_mem, *extra_slots, *variants, *json, *numa;
	bool force, raw;
	uint64_t sizes[16];
	unsigned nsizes;
	bool variant_on[NR_VARIANTS];
};

static void usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "memslot-bench run: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(2);
}

static void parse_lists(struct run_cli *c)
{
	char *list = msb_strdup(c->guest_mem), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (c->nsizes == ARRAY_SIZE(c->sizes))
			usage_error("--guest-mem: more than 16 sizes in '%s'", c->guest_mem);
		if (!parse_size(t, &c->sizes[c->nsizes]) || c->sizes[c->nsizes] < 2 * MIB)
			usage_error("--guest-mem: '%s' is not a size of at least 2M", t);
		c->nsizes++;
	}
	free(list);
	if (!c->nsizes)
		usage_error("--guest-mem: empty list '%s'", c->guest_mem);

	list = msb_strdup(c->variants);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v;
		for (v = 0; v < NR_VARIANTS && strcmp(t, variant_names[v]); v++)
			;
		if (v == NR_VARIANTS)
			usage_error("--variants: '%s' is not zap-all or zap-slot", t);
		c->variant_on[v] = true;
	}
	free(list);
	if (!c->variant_on[VARIANT_ZAP_ALL] && !c->variant_on[VARIANT_ZAP_SLOT])
		usage_error("--variants: no variant in '%s'", c->variants);

	if (!strcmp(c->host_mem, "auto"))
		c->o.host_mem = 0;
	else if (!parse_size(c->host_mem, &c->o.host_mem) || c->o.host_mem < 4096)
		usage_error("--host-mem: '%s' is not a size (or auto)", c->host_mem);

	if (strcmp(c->extra_slots, "max") &&
	    !parse_uint(c->extra_slots, 0, 1u << 20, &c->o.extra_slots))
		usage_error("--extra-slots: '%s' is not a number (or max)", c->extra_slots);
}

/* --extra-slots max: every memslot the kernel allows besides ours. */
static void resolve_max_slots(struct run_cli *c, struct kvm_sys *sys)
{
	int cap = kvm_check_cap(sys, NULL, KVM_CAP_NR_MEMSLOTS);
	if (cap <= 0 || (uint64_t)cap <= 1 + c->o.nslots)
		msb_die("KVM_CAP_NR_MEMSLOTS is %d: no room for --extra-slots max", cap);
	/* slot 0 is the system region; the data slots follow */
	c->o.extra_slots = (uint64_t)cap - 1 - c->o.nslots;
}

static void check_combination(const struct run_cli *c)
{
	const struct run_opts *o = &c->o;
	if (o->target == TARGET_UNRELATED && o->extra_slots == 0)
		usage_error("--target unrelated needs --extra-slots >= 1 (it changes one of them)%s", "");
	if (o->vcpu_mode != VCPU_IDLE && o->vcpus < 2)
		usage_error("--vcpu-mode %s needs --vcpus >= 2 (vCPU 0 measures refaults)",
			    vcpu_mode_names[o->vcpu_mode]);
	if (o->vcpu_mode == VCPU_ACTIVE && o->target != TARGET_POPULATED)
		usage_error("--vcpu-mode active needs --target populated: the guest maps no "
			    "unrelated slot, so it cannot use one%s", "");
	if (o->vcpu_mode == VCPU_RUNNING && o->target == TARGET_POPULATED && o->nslots < 2)
		usage_error("--vcpu-mode running with --target populated needs --slots >= 2: the "
			    "running vCPUs touch slot 1%s", "");
	if (o->vcpus > ASPACE_MAX_VCPUS)
		usage_error("--vcpus: at most 64%s", "");
	/* Every size of a sweep, now: not minutes into the run. */
	for (unsigned i = 0; i < c->nsizes; i++) {
		struct run_opts one = *o;
		struct aspace_cfg cfg;
		char err[256], sz[24];
		one.guest_mem = c->sizes[i];
		bench_aspace_cfg(&one, &cfg);
		if (aspace_cfg_check(&cfg, err, sizeof(err)) < 0)
			usage_error("%s", err);
		format_size(c->sizes[i] / o->nslots, sz, sizeof(sz));
		if (o->touch_stride > c->sizes[i] / o->nslots)
			usage_error("--touch-stride is larger than a data slot (%s): the guest would "
				    "touch nothing", sz);
	}
}

static void fmt_ns(double ns, char *buf, size_t len)
{
	if (ns >= 1e9)
		snprintf(buf, len, "%.3fs", ns / 1e9);
	else if (ns >= 1e6)
		snprintf(buf, len, "%.3fms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

static double median_of(const struct metric_set *m, const char *name, bool *ok)
{
	const struct series *s = metric_find(m, name);
	struct summary sum;
	*ok = s && summarize(s->v, s->n, &sum) == 0;
	return *ok ? sum.median : 0;
}

/* One line per run: scenario, variant, size, n, median, p99, zapped, refault. */
static const char *primary_metric(const struct scenario *sc)
{
	return sc == &scenario_flags ? "flags_on_ns" : sc == &scenario_move ? "move_ns" : "delete_ns";
}

static void print_run_line(const struct scenario *sc, const struct metric_set *m, int variant,
			   uint64_t size)
{
	char med[24], p99[24], ref[24], sz[24];
	const struct series *s = metric_find(m, primary_metric(sc));
	struct summary sum;
	if (!s || summarize(s->v, s->n, &sum) < 0)
		return;
	fmt_ns(sum.median, med, sizeof(med));
	fmt_ns(sum.p99, p99, sizeof(p99));
	format_size(size, sz, sizeof(sz));
	bool ok;
	double zapped = median_of(m, "mmu_shadow_zapped", &ok);
	double shadow = median_of(m, "shadow_pages_before", &ok);
	double refault = median_of(m, "refault_ns", &ok);
	fmt_ns(refault, ref, sizeof(ref));
	printf("%-7s %-8s guest=%-5s n=%-4zu median=%-10s p99=%-10s shadow=%-6.0f zapped=%-6.0f "
	       "refault=%s\n", sc->name, variant_names[variant], sz, sum.n, med, p99, shadow,
	       zapped, ref);
}

/* --overhead-check: the harness's delete against the bare loop's, both from the same VMs,
 * with the Hodges-Lehmann shift's 95% interval so that noise is not read as overhead. */
static void overhead_report(json_object *run, const struct metric_set *m, int variant,
			    uint64_t size)
{
	const struct series *h = metric_find(m, "delete_ns"), *bare = metric_find(m, "bare_delete_ns");
	struct metric_cmp mc;
	if (!h || !bare || metric_compare(bare->v, bare->n, h->v, h->n, 0.95, &mc) < 0)
		return;
	char hm[24], bm[24], sz[24], ci[64] = "";
	fmt_ns(mc.median[1], hm, sizeof(hm));
	fmt_ns(mc.median[0], bm, sizeof(bm));
	format_size(size, sz, sizeof(sz));
	double diff_pct = 100.0 * (mc.median[1] - mc.median[0]) / mc.median[0];
	bool interval = mc.relative && mc.have_ci && mc.ci.ok;
	if (interval)
		snprintf(ci, sizeof(ci), ", shift %+.1f%% [%+.1f%% .. %+.1f%%] at 95%%", mc.pct,
			 mc.pct_lo, mc.pct_hi);
	printf("delete  %-8s guest=%-5s harness median %s vs bare ioctl loop median %s "
	       "(%+.1f%%%s, n=%zu each)\n", variant_names[variant], sz, hm, bm, diff_pct, ci,
	       mc.n[0]);

	json_object *o = json_object_new_object();
	json_object_object_add(o, "harness_median_ns", json_object_new_double(mc.median[1]));
	json_object_object_add(o, "bare_median_ns", json_object_new_double(mc.median[0]));
	json_object_object_add(o, "median_diff_pct", json_object_new_double(diff_pct));
	if (interval) {
		json_object_object_add(o, "shift_pct", json_object_new_double(mc.pct));
		json_object_object_add(o, "shift_pct_lo", json_object_new_double(mc.pct_lo));
		json_object_object_add(o, "shift_pct_hi", json_object_new_double(mc.pct_hi));
		json_object_object_add(o, "confidence", json_object_new_double(mc.ci.conf));
	}
	json_object_object_add(run, "overhead", o);
}

static json_object *params_json(const struct run_cli *c, uint64_t size)
{
	static const char *const backing[] = { "anon", "memfd", "thp" };
	const struct run_opts *o = &c->o;
	json_object *p = json_object_new_object();
	json_object_object_add(p, "guest_mem", json_object_new_int64((int64_t)size));
	json_object_object_add(p, "page_size", json_object_new_string(o->page_size ? "2M" : "4K"));
	json_object_object_add(p, "slots", json_object_new_int64((int64_t)o->nslots));
	json_object_object_add(p, "backing", json_object_new_string(backing[o->backing]));
	json_object_object_add(p, "host_mem", json_object_new_string(c->host_mem));
	json_object_object_add(p, "vcpus", json_object_new_int64((int64_t)o->vcpus));
	json_object_object_add(p, "vcpu_mode", json_object_new_string(vcpu_mode_names[o->vcpu_mode]));
	json_object_object_add(p, "target", json_object_new_string(o->target ? "populated" : "unrelated"));
	json_object_object_add(p, "extra_slots", json_object_new_int64((int64_t)o->extra_slots));
	json_object_object_add(p, "touch_stride", json_object_new_int64((int64_t)o->touch_stride));
	json_object_object_add(p, "reps", json_object_new_int64((int64_t)o->reps));
	json_object_object_add(p, "warmup", json_object_new_int64((int64_t)o->warmup));
	return p;
}

/* --numa: plan on this machine and bind the process's threads now, so every vCPU thread
 * inherits it; the guest memory is bound as each VM builds it. A machine that cannot
 * (one node for remote) skips the run: exit 77, as automake's test drivers read it. */
static void place(struct run_cli *c)
{
	char err[256];
	int r = placement_plan(c->numa, &c->o.place, err, sizeof(err));
	if (r == PLACEMENT_BAD)
		usage_error("%s", err);
	if (r == PLACEMENT_CANNOT) {
		fprintf(stderr, "memslot-bench run: skipped: %s\n", err);
		exit(77);
	}
	if (placement_bind_cpus(&c->o.place, err, sizeof(err)) < 0)
		msb_die("%s", err);
}

static void print_placement(const struct placement *p)
{
	if (p->bound)
		printf("# placement: --numa %s: threads on the CPUs of node %d (%s), guest memory "
		       "bound to node %d (distance %d)\n", p->spec, p->cpu_node, p->cpus,
		       p->mem_node, p->distance);
	else
		printf("# placement: %s (--numa default)\n", PLACEMENT_DEFAULT_DESC);
}

/* Where the populated guest memory was, summed over a run's VMs (--numa only). */
static void placement_check_report(json_object *run, const struct placement *p,
				   unsigned checked, unsigned on_node, const char *what)
{
	if (!p->bound)
		return;
	json_object *o = json_object_new_object();
	json_object_object_add(o, "mem_node", json_object_new_int(p->mem_node));
	json_object_object_add(o, "pages_checked", json_object_new_int64(checked));
	json_object_object_add(o, "pages_on_mem_node", json_object_new_int64(on_node));
	json_object_object_add(run, "placement_check", o);
	printf("# %s: guest memory on node %d: %u of %u sampled pages (move_pages)\n", what,
	       p->mem_node, on_node, checked);
}

/* Fitted cost per populated shadow page over a sweep, per variant (zap-all zaps them
 * all, so for it this is the cost per zapped page). */
static void print_fit(const char *variant, const double *x, const double *y, unsigned n)
{
	double a, b, r2;
	if (n < 2 || linear_fit(x, y, n, &a, &b, &r2) < 0) {
		printf("fit     %-8s not enough sizes with populated shadow pages for a fit\n", variant);
		return;
	}
	printf("fit     %-8s %.1f ns per populated shadow page + %.1f us fixed (r2=%.3f, %u "
	       "sizes)\n", variant, b, a / 1e3, r2, n);
}

int cmd_run(int argc, char **argv)
{
	struct run_cli c;
	memset(&c, 0, sizeof(c));
	int page = 0, backing = 0, mode = 0, target = 0;
	const struct opt opts[] = {
		{ "guest-mem", 'm', OPT_STRING, "SIZE[,SIZE..]", "guest memory (a list sweeps sizes)", "1G", NULL, 0, 0, &c.guest_mem },
		{ "slots", 's', OPT_UINT, "N", "data memslots the guest memory is split into", "1", NULL, 1, 32000, &c.o.nslots },
		{ "page-size", 'p', OPT_CHOICE, NULL, "guest page size", "4K", "4K|2M", 0, 0, &page },
		{ "backing", 'b', OPT_CHOICE, NULL, "host memory behind the data slots", "memfd", "anon|memfd|thp", 0, 0, &backing },
		{ "host-mem", 0, OPT_STRING, "SIZE|auto", "host memory behind the data slots; less than the guest aliases it (memfd); auto = min(guest, 1G) for memfd", "auto", NULL, 0, 0, &c.host_mem },
		{ "vcpus", 'c', OPT_UINT, "N", "vCPUs", "1", NULL, 1, ASPACE_MAX_VCPUS, &c.o.vcpus },
		{ "vcpu-mode", 0, OPT_CHOICE, NULL, "vCPUs 1..N-1: idle, touching slot 1, or touching the target slot (active)", "idle", "idle|running|active", 0, 0, &mode },
		{ "target", 't', OPT_CHOICE, NULL, "slot to change: an unrelated 2M slot or the last data slot", "unrelated", "unrelated|populated", 0, 0, &target },
		{ "extra-slots", 'e', OPT_STRING, "N|max", "unrelated 2M slots besides the data slots", "1", NULL, 0, 0, &c.extra_slots },
		{ "touch-stride", 0, OPT_SIZE, "SIZE", "distance between addresses the guest touches (2M: one per guest page table)", "4K", NULL, 8, 1ULL << 30, &c.o.touch_stride },
		{ "reps", 'r', OPT_UINT, "N", "measured repetitions per VM", "30", NULL, 1, 1000000, &c.o.reps },
		{ "warmup", 'w', OPT_UINT, "N", "discarded warm-up repetitions per VM", "2", NULL, 0, 1000000, &c.o.warmup },
		{ "rounds", 'R', OPT_UINT, "N", "fresh VMs per variant, variants interleaved (compare tests per-VM medians from 4)", "1", NULL, 1, 1000, &c.o.rounds },
		{ "variants", 'V', OPT_STRING, "LIST", "zap-all (quirk on, the default) and/or zap-slot (KVM_X86_QUIRK_SLOT_ZAP_ALL disabled)", "zap-all,zap-slot", NULL, 0, 0, &c.variants },
		{ "numa", 0, OPT_STRING, "SPEC", "NUMA placement: default (unbound), local, remote (memory on the node farthest from the CPUs) or CPU_NODE:MEM_NODE", "default", NULL, 0, 0, &c.numa },
		{ "trace", 0, OPT_FLAG, NULL, "also record kvmmmu:kvm_mmu_zap_all_fast per change: the kernel's count of shadow pages at a zap-all (root; a private tracefs instance, removed on exit)", NULL, NULL, 0, 0, &c.o.trace },
		{ "overhead-check", 0, OPT_FLAG, NULL, "also time a bare ioctl loop on the same state (delete)", NULL, NULL, 0, 0, &c.o.overhead_check },
		{ "json", 'j', OPT_STRING, "FILE", "write the result file (- for stdout)", NULL, NULL, 0, 0, &c.json },
		{ "force", 'f', OPT_FLAG, NULL, "overwrite an existing result file", NULL, NULL, 0, 0, &c.force },
		{ "raw", 0, OPT_FLAG, NULL, "print raw samples, one per line with # headers", NULL, NULL, 0, 0, &c.raw },
		{ "quiet", 'q', OPT_FLAG, NULL, "no progress on stderr", NULL, NULL, 0, 0, &c.o.quiet },
	};
	char about[768];
	size_t al = (size_t)snprintf(about, sizeof(about), "Measure one kind of memslot update. Scenarios:");
	for (size_t i = 0; i < ARRAY_SIZE(scenarios) && al < sizeof(about); i++)
		al += (size_t)snprintf(about + al, sizeof(about) - al, "\n  %-7s %s", scenarios[i]->name,
				       scenarios[i]->help);
	if (al < sizeof(about))
		snprintf(about + al, sizeof(about) - al, "\nExit status: 0 measured (a variant the "
			 "kernel lacks is reported unsupported), 1 failed, 2 bad usage, 77 skipped "
			 "(this machine cannot make the --numa layout).");
	/* `run delete --reps 5` and `run --reps 5 delete` both work: take a leading
	 * scenario name out before option parsing. */
	const char *name = NULL;
	int argc0 = argc;
	char **argv0 = argv; /* the command line as given, for the result file */
	char *arg1 = argc > 1 ? argv[1] : NULL;
	if (argc > 1 && argv[1][0] != '-') {
		name = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts), "run SCENARIO [OPTIONS]", about);
	if (!name && first < argc)
		name = argv[first++];
	if (!name)
		usage_error("missing SCENARIO (delete, move or flags)%s", "");
	if (first < argc)
		usage_error("unexpected argument '%s'", argv[first]);
	const struct scenario *sc = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		if (!strcmp(name, scenarios[i]->name))
			sc = scenarios[i];
	if (!sc)
		usage_error("unknown scenario '%s' (delete, move or flags)", name);
	if (c.o.overhead_check && sc != &scenario_delete)
		usage_error("--overhead-check is implemented for delete only, not %s", sc->name);
	c.o.page_size = page;
	c.o.backing = backing == 0 ? BACKING_ANON : backing == 1 ? BACKING_MEMFD : BACKING_THP;
	c.o.vcpu_mode = mode;
	c.o.target = target;

	/* Usage errors before touching /dev/kvm; "max" needs KVM's slot count first. */
	parse_lists(&c);
	bool max_slots = !strcmp(c.extra_slots, "max");
	if (!max_slots)
		check_combination(&c);
	if (c.json && strcmp(c.json, "-")) {
		if (!c.force && access(c.json, F_OK) == 0)
			usage_error("%s exists (use --force to overwrite)", c.json);
		/* Fail now, not after minutes of measuring. */
		char *dir = msb_strdup(c.json), *slash = strrchr(dir, '/');
		if (slash)
			*(slash == dir ? slash + 1 : slash) = '\0';
		if (access(slash ? dir : ".", W_OK) != 0)
			usage_error("cannot write the result file %s: its directory is missing or "
				    "not writable", c.json);
		free(dir);
	}

	place(&c);
	struct kvm_sys sys;
	kvm_open(&sys);
	struct msb_trace trace;
	char err[256];
	if (c.o.trace && trace_open(&trace, err, sizeof(err)) < 0)
		msb_die("%s", err);
	if (max_slots) {
		resolve_max_slots(&c, &sys);
		check_combination(&c);
	}
	int cap = kvm_check_cap(&sys, NULL, KVM_CAP_NR_MEMSLOTS);
	if (cap > 0 && 1 + c.o.nslots + c.o.extra_slots > (uint64_t)cap)
		msb_die("--slots %llu plus --extra-slots %llu need %llu memslots; this KVM allows "
			"%d (KVM_CAP_NR_MEMSLOTS)", (unsigned long long)c.o.nslots,
			(unsigned long long)c.o.extra_slots,
			(unsigned long long)(1 + c.o.nslots + c.o.extra_slots), cap);

	struct host_env host;
	struct kvm_env kenv;
	struct topo_summary topo;
	host_env_probe(&host);
	kvm_env_probe(&kenv);
	json_object *topo_json = NULL;
	if (topo_summarize(NULL, &topo, err, sizeof(err)) == 0) {
		topo_json = topo_summary_json(&topo);
		topo_summary_free(&topo);
	}
	struct result_file res;
	if (arg1)
		argv0[1] = arg1; /* undo the shuffle above */
	result_begin(&res, argc0, argv0, &host, &kenv, topo_json, NULL);
	double clk = clock_overhead_ns();
	json_object_object_add(res.root, "clock_overhead_ns", json_object_new_double(clk));

	printf("# memslot-bench %s: %s on %s, kernel %s, KVM MMU %s\n", PACKAGE_VERSION, sc->name,
	       host.nodename, host.release, kenv.mmu);
	printf("# environment: %s: %s%s\n", host.kind, host.kind_detail,
	       host.lab ? " (emulated: times prove mechanisms and ratios, not hardware latency)" : "");
	printf("# clock: CLOCK_MONOTONIC, %.0f ns per read pair (median of 1001), not subtracted\n",
	       clk);
	print_placement(&c.o.place);

	double fit_x[NR_VARIANTS][16], fit_y[NR_VARIANTS][16];
	unsigned fit_n[NR_VARIANTS] = { 0 };
	for (unsigned si = 0; si < c.nsizes; si++) {
		struct metric_set ms[NR_VARIANTS];
		json_object *runs[NR_VARIANTS] = { NULL };
		bool on[NR_VARIANTS];
		uint64_t setup[NR_VARIANTS] = { 0 }, rss[NR_VARIANTS] = { 0 };
		unsigned checked[NR_VARIANTS] = { 0 }, on_node[NR_VARIANTS] = { 0 };
		char sz[24];
		memset(ms, 0, sizeof(ms));
		format_size(c.sizes[si], sz, sizeof(sz));
		c.o.guest_mem = c.sizes[si];
		for (int v = 0; v < NR_VARIANTS; v++) {
			on[v] = c.variant_on[v];
			if (on[v])
				runs[v] = result_add_run(&res, sc->name, variant_names[v],
							 params_json(&c, c.sizes[si]),
							 placement_layout_json(&c.o.place));
		}
		/* Rounds interleave the variants, a fresh VM each time, so drift and the
		 * VM-to-VM spread fall on both alike. */
		for (uint64_t r = 0; r < c.o.rounds; r++) {
			for (int v = 0; v < NR_VARIANTS; v++) {
				if (!on[v])
					continue;
				struct bench_vm b;
				char why[256], label[64];
				rss_peak_reset();
				if (bench_vm_setup(&b, &sys, &c.o, (enum variant)v, &ms[v], why,
						   sizeof(why)) < 0) {
					/* The kernel decides on the first VM; later ones cannot differ. */
					if (r > 0)
						msb_die("%s %s: VM %llu of %llu failed: %s", sc->name,
							variant_names[v], (unsigned long long)r + 1,
							(unsigned long long)c.o.rounds, why);
					printf("%-7s %-8s guest=%-5s unsupported: %s\n", sc->name,
					       variant_names[v], sz, why);
					result_run_unsupported(runs[v], why);
					on[v] = false;
					continue;
				}
				snprintf(label, sizeof(label), "%s guest=%s round %llu/%llu", sc->name, sz,
					 (unsigned long long)r + 1, (unsigned long long)c.o.rounds);
				b.progress_label = label;
				b.trace = c.o.trace ? &trace : NULL;
				const struct series *p = metric_find(&ms[v], primary_metric(sc));
				size_t before = p ? p->n : 0;
				sc->measure(&b);
				/* Count first: bench_add() may move the series p points into. */
				p = metric_find(&ms[v], primary_metric(sc));
				size_t after = p ? p->n : 0;
				for (size_t i = before; i < after; i++)
					bench_add(&b, "vm_round", "index", (double)r);
				if (b.setup_ns > setup[v])
					setup[v] = b.setup_ns;
				if (rss_peak_bytes() > rss[v])
					rss[v] = rss_peak_bytes();
				checked[v] += b.pages_checked;
				on_node[v] += b.pages_on_node;
				bench_vm_teardown(&b);
			}
		}
		for (int v = 0; v < NR_VARIANTS; v++) {
			if (!on[v]) {
				metric_set_free(&ms[v]);
				continue;
			}
			json_object_object_add(runs[v], "rounds", json_object_new_int64((int64_t)c.o.rounds));
			json_object_object_add(runs[v], "setup_ns", json_object_new_int64((int64_t)setup[v]));
			json_object_object_add(runs[v], "peak_rss_bytes", rss[v] ?
					       json_object_new_int64((int64_t)rss[v]) : NULL);
			for (size_t i = 0; i < ms[v].n; i++)
				result_run_add_series(runs[v], &ms[v].s[i]);
			print_run_line(sc, &ms[v], v, c.sizes[si]);
			if (c.o.overhead_check)
				overhead_report(runs[v], &ms[v], v, c.sizes[si]);
			bool okx, oky;
			double x = median_of(&ms[v], "shadow_pages_before", &okx);
			double y = median_of(&ms[v], primary_metric(sc), &oky);
			if (okx && oky && x > 0) {
				fit_x[v][fit_n[v]] = x;
				fit_y[v][fit_n[v]++] = y;
			}
			if (c.raw)
				result_print_raw(stdout, runs[v]);
			char st[24];
			fmt_ns((double)setup[v], st, sizeof(st));
			printf("# %s %s guest=%s: set-up %s (slowest of %llu VMs), peak RSS %.1f MiB "
			       "(VmHWM of its VMs)\n", sc->name, variant_names[v], sz, st,
			       (unsigned long long)c.o.rounds, (double)rss[v] / (double)MIB);
			char what[64];
			snprintf(what, sizeof(what), "%s %s guest=%s", sc->name, variant_names[v], sz);
			placement_check_report(runs[v], &c.o.place, checked[v], on_node[v], what);
			metric_set_free(&ms[v]);
		}
	}
	if (c.nsizes > 1)
		for (int v = 0; v < NR_VARIANTS; v++)
			if (c.variant_on[v])
				print_fit(variant_names[v], fit_x[v], fit_y[v], fit_n[v]);
	kvm_close(&sys);
	if (c.o.trace)
		trace_close(&trace);

	int rc = 0;
	if (c.json && result_write(&res, c.json, c.force, err, sizeof(err)) < 0) {
		fprintf(stderr, "memslot-bench run: %s\n", err);
		rc = 1;
	}
	result_free(&res);
	return rc;
}
