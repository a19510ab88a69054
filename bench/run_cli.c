/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench run: option tables, parsing, and every check that needs no /dev/kvm. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opts.h"
#include "report/format.h"
#include "result.h"
#include "run.h"
#include "util.h"
#include "verdict.h"

#define CMD "run"
#define RUN(field) offsetof(struct run_cli, field)

/* The guest and the state under test: every one is written to the result's params. */
static const struct opt guest_opts[] = {
	{ .name = "guest-mem", .short_name = 'm', .kind = OPT_STRING, .off = RUN(guest_mem),
	  .metavar = "SIZE[,SIZE..]", .def = "1G", .help = "guest memory (a list sweeps sizes)" },
	{ .name = "slots", .short_name = 's', .kind = OPT_UINT, .off = RUN(o.nslots),
	  .metavar = "N", .def = "1", .min = 1, .max = 32000,
	  .help = "data memslots the guest memory is split into" },
	{ .name = "page-size", .short_name = 'p', .kind = OPT_CHOICE, .off = RUN(o.page_size),
	  .def = "4K", .posval = { { "4K", 0 }, { "2M", 1 } }, .help = "guest page size" },
	{ .name = "backing", .short_name = 'b', .kind = OPT_CHOICE, .off = RUN(o.backing),
	  .def = "memfd", .help = "host memory behind the data slots",
	  .posval = { { "anon", BACKING_ANON }, { "memfd", BACKING_MEMFD }, { "thp", BACKING_THP } } },
	{ .name = "host-mem", .kind = OPT_STRING, .off = RUN(host_mem), .metavar = "SIZE|auto",
	  .def = "auto", .help = "host memory behind the data slots; less than the guest "
	  "aliases it (memfd); auto = min(guest, 1G) for memfd" },
	{ .name = "vcpus", .short_name = 'c', .kind = OPT_UINT, .off = RUN(o.vcpus),
	  .metavar = "N", .def = "1", .min = 1, .max = ASPACE_MAX_VCPUS, .help = "vCPUs" },
	{ .name = "vcpu-mode", .kind = OPT_CHOICE, .off = RUN(o.vcpu_mode), .def = "idle",
	  .posval = { { "idle", VCPU_IDLE }, { "running", VCPU_RUNNING }, { "active", VCPU_ACTIVE } },
	  .help = "vCPUs 1..N-1: idle, touching slot 1, or touching the target slot (active)" },
	{ .name = "target", .short_name = 't', .kind = OPT_CHOICE, .off = RUN(o.target),
	  .def = "unrelated",
	  .posval = { { "unrelated", TARGET_UNRELATED }, { "populated", TARGET_POPULATED } },
	  .help = "slot to change: an unrelated 2M slot or the last data slot" },
	{ .name = "target-size", .kind = OPT_SIZE, .off = RUN(o.target_size), .metavar = "SIZE",
	  .def = "2M", .min = 4096, .max = 64ULL << 30, .help = "size of the unrelated slot "
	  "--target unrelated changes (zap-slot's cost grows with it)" },
	{ .name = "pt-placement", .kind = OPT_CHOICE, .off = RUN(o.pt_placement), .def = "slot0",
	  .legacy = "slot0", .posval = { { "slot0", PT_SLOT0 }, { "spread", PT_SPREAD } },
	  .help = "guest page tables: all in slot 0, or each at the start of the data slot it "
	  "maps, as a real guest's (zap-slot of a populated slot then zaps their shadow pages; "
	  "needs unaliased memory)" },
	{ .name = "extra-slots", .short_name = 'e', .kind = OPT_STRING, .off = RUN(extra_slots),
	  .metavar = "N|max", .def = "1", .help = "unrelated 2M slots besides the data slots" },
	{ .name = "touch-stride", .kind = OPT_SIZE, .off = RUN(o.touch_stride), .metavar = "SIZE",
	  .def = "4K", .min = 8, .max = 1ULL << 30, .help = "distance between addresses the "
	  "guest touches (2M: one per guest page table)" },
	{ .name = "running-set", .kind = OPT_SIZE, .off = RUN(o.running_set), .metavar = "SIZE",
	  .def = "4M", .min = 4096, .max = 1ULL << 30, .help = "memory each running vCPU "
	  "touches (--vcpu-mode running), in a slot of their own that vCPU 0 never touches" },
	{ .name = "settle", .kind = OPT_UINT, .off = RUN(o.settle_us), .metavar = "US",
	  .def = "5000", .max = 10000000, .legacy = "0", .help = "microseconds to wait before "
	  "the change that restores the state (a DELETE's CREATE), so that it is not timed "
	  "in the aftermath of the change before it" },
	{ .name = "reps", .short_name = 'r', .kind = OPT_UINT, .off = RUN(o.reps), .metavar = "N",
	  .def = "10", .min = 1, .max = 1000000, .help = "measured repetitions per VM" },
	{ .name = "warmup", .short_name = 'w', .kind = OPT_UINT, .off = RUN(o.warmup),
	  .metavar = "N", .def = "2", .max = 1000000,
	  .help = "discarded warm-up repetitions per VM" },
};

/* How the run is carried out and reported: not part of what is measured. */
/* --format (enum report_format), -1 when not given; resolved by apply_format(). */
static int run_format = -1;

static const struct opt control_opts[] = {
	{ .name = "rounds", .short_name = 'R', .kind = OPT_UINT, .off = RUN(o.rounds),
	  .metavar = "N", .def = "4", .min = 1, .max = 1000, .help = "fresh VMs per variant, "
	  "variants interleaved; compare tests per-VM medians from 4 a side (4 vs 4 VMs: a "
	  "97.1% interval), so the default output is comparable" },
	{ .name = "precision", .kind = OPT_STRING, .off = RUN(precision_arg), .metavar = "PCT",
	  .help = "add rounds, per guest size, until the primary metric's 95% interval lies "
	  "within +-PCT% of its estimate: the ratio zap-slot/zap-all of per-VM medians, or "
	  "with one variant its median (starts at max(--rounds, 4), or 6 with one variant)" },
	{ .name = "max-rounds", .kind = OPT_STRING, .off = RUN(max_rounds_arg), .metavar = "N",
	  .help = "with --precision: at most N rounds per guest size (default: 30)" },
	{ .name = "max-time", .kind = OPT_STRING, .off = RUN(max_time_arg),
	  .metavar = "DURATION", .help = "with --precision: no round is started, per guest "
	  "size, that would end past DURATION at the rounds' average length (90s, 10m, 1h30m; "
	  "default: " RUN_DEFAULT_MAX_TIME ")" },
	{ .name = "order", .kind = OPT_CHOICE, .off = RUN(order), .def = "abba",
	  .posval = { { "abba", ORDER_ABBA }, { "random", ORDER_RANDOM } },
	  .help = "variant order within each round: alternating (ABBA) or drawn from --seed; "
	  "the sizes of a sweep are shuffled with --seed either way" },
	{ .name = "seed", .kind = OPT_UINT, .off = RUN(seed), .metavar = "N", .def = "1",
	  .help = "seed of the schedule's random choices (recorded in the result file)" },
	{ .name = "variants", .kind = OPT_STRING, .off = RUN(variants),
	  .metavar = "LIST", .def = "zap-all,zap-slot", .help = "zap-all (quirk on, the "
	  "default) and/or zap-slot (KVM_X86_QUIRK_SLOT_ZAP_ALL disabled)" },
	{ .name = "numa", .kind = OPT_STRING, .off = RUN(numa), .metavar = "LIST",
	  .def = "default", .help = "NUMA layouts, comma-separated, each run in turn (rounds "
	  "interleave them): default (no memory policy), local, remote (memory on the node "
	  "farthest from the CPUs), remote-ioctl (the ioctl thread on the farthest node), "
	  "spread (vCPUs and their working sets round-robin over nodes), interleave, "
	  "CPU_NODE:MEM_NODE; one the machine cannot make is skipped (77 if all are)" },
	{ .name = "plan", .kind = OPT_FLAG, .off = RUN(plan), .help = "print the plan of each "
	  "--numa layout (ioctl thread's CPU, each vCPU's CPU, memory nodes and policy, or why "
	  "the machine cannot) and exit 0 without creating a VM" },
	{ .name = "topology", .kind = OPT_STRING, .off = RUN(topology),
	  .metavar = "SYNTHETIC|FILE.xml", .help = "with --plan: plan for this machine instead "
	  "(an hwloc synthetic description such as \"pack:2 numa:2 core:8 pu:2\", or lstopo's "
	  "XML)" },
	{ .name = "vcpu-cpus", .kind = OPT_STRING, .off = RUN(vcpu_cpus), .metavar = "LIST",
	  .help = "explicit placement instead of --numa: the vCPUs' CPUs, 0-3,8" },
	{ .name = "mem-nodes", .kind = OPT_STRING, .off = RUN(mem_nodes), .metavar = "LIST",
	  .help = "explicit placement: guest memory bound to these nodes (MPOL_BIND)" },
	{ .name = "ioctl-cpu", .kind = OPT_STRING, .off = RUN(ioctl_cpu), .metavar = "N",
	  .help = "explicit placement: the ioctl thread's CPU (default: the "
	  "first of --vcpu-cpus)" },
	{ .name = "pin", .kind = OPT_CHOICE, .off = RUN(o.pin_mode), .def = "auto",
	  .posval = { { "auto", 0 }, { "none", 1 } }, .help = "auto: the ioctl thread (with "
	  "vCPU 0) and each running vCPU on a CPU of its own (hwloc), oversubscription "
	  "reported; none: threads float" },
	{ .name = "trace", .kind = OPT_FLAG, .off = RUN(o.trace), .help = "also trace KVM's "
	  "MMU from each measured change to the end of its refault: zap events (shadow pages "
	  "zapped, the zap's span, rate and mmu_lock yields, time outside it), faults, the "
	  "ioctl thread's switches (root; a private tracefs instance, removed on exit)" },
	FORMAT_OPT(&run_format, "stdout: text (the summary lines; the default), json (the "
		   "result file, as --json -) or raw (the primary metric's samples, as --raw)",
		   NULL, FORMAT_TEXT, FORMAT_JSON, FORMAT_RAW),
	{ .name = "json", .short_name = 'j', .kind = OPT_STRING, .off = RUN(json),
	  .metavar = "FILE", .help = "write the result file (-: to stdout, and every other "
	  "line to stderr)" },
	{ .name = "force", .short_name = 'f', .kind = OPT_FLAG, .off = RUN(force),
	  .help = "overwrite an existing result file" },
	{ .name = "ignore-memory", .kind = OPT_FLAG, .off = RUN(ignore_memory),
	  .help = "run even where the host-memory estimate of the largest VM exceeds "
	  "MemAvailable (otherwise refused with exit 77)" },
	{ .name = "raw", .kind = OPT_FLAG, .off = RUN(raw),
	  .help = "stdout: nothing but the samples of the primary metric, one per line, as "
	  "ministat and gnuplot read them; every other line (# headers, summary) goes to "
	  "stderr. One run only: one variant (--variants) and one --guest-mem size" },
	{ .name = "quiet", .short_name = 'q', .kind = OPT_FLAG, .off = RUN(o.quiet),
	  .help = "no progress on stderr" },
	{ .name = "list", .kind = OPT_STRING, .off = RUN(list), .metavar = "WHAT",
	  .help = "print and exit: scenarios (names), suite (the default suite: LABEL "
	  "SCENARIO ARGS per line) or ab (scenarios kernel-ab.sh runs)" },
};

const struct opt *run_guest_options(size_t *n)
{
	*n = ARRAY_SIZE(guest_opts);
	return guest_opts;
}

const struct opt *run_control_options(size_t *n)
{
	*n = ARRAY_SIZE(control_opts);
	return control_opts;
}

static void print_help(const struct scenario *only)
{
	size_t n;
	const struct scenario *const *all = scenario_list(&n);
	printf("usage: memslot-bench run SCENARIO [OPTIONS]\n"
	       "Measure one kind of memslot update. Scenarios:\n");
	for (size_t i = 0; i < n; i++)
		printf("  %-7s %s\n", all[i]->name, all[i]->help);
	printf("Exit status: 0 measured (a variant the kernel lacks is reported unsupported),\n"
	       "1 failed, 2 bad input, 77 this machine cannot run it (no usable /dev/kvm, no\n"
	       "--numa layout it can make), 130/143 interrupted by SIGINT/SIGTERM (the\n"
	       "samples so far are written, marked \"complete\": false; a second signal ends\n"
	       "it at once).\n"
	       "\nguest options (written to the result's params):\n");
	opts_print_help(stdout, guest_opts, ARRAY_SIZE(guest_opts));
	printf("\nrun options:\n");
	opts_print_help(stdout, control_opts, ARRAY_SIZE(control_opts));
	for (size_t i = 0; i < n; i++) {
		if (!all[i]->nopts || (only && only != all[i]))
			continue;
		printf("\n%s options:\n", all[i]->name);
		opts_print_help(stdout, all[i]->opts, all[i]->nopts);
	}
	exit(0);
}

static void print_list(const char *what)
{
	size_t n;
	const struct scenario *const *all = scenario_list(&n);
	bool suite = !strcmp(what, "suite"), ab = !strcmp(what, "ab");
	if (!suite && !ab && strcmp(what, "scenarios"))
		msb_usage_error(CMD, "--list: '%s' is not scenarios, suite or ab", what);
	/* The suite leads with the patch's scenarios (those kernel-ab runs): its first
	 * entry is the one scripts/suite.sh repeats across NUMA layouts. */
	for (size_t k = 0; k < 2 * n; k++) {
		const struct scenario *sc = all[k % n];
		if ((k < n) != sc->kernel_ab)
			continue;
		for (size_t j = 0; suite && sc->suite && sc->suite[j]; j++) {
			const char *args = strchr(sc->suite[j], ' ');
			int label = args ? (int)(args - sc->suite[j]) : (int)strlen(sc->suite[j]);
			printf("%.*s %s%s\n", label, sc->suite[j], sc->name, args ? args : "");
		}
		if ((ab && sc->kernel_ab) || (!suite && !ab))
			printf("%s\n", sc->name);
	}
	exit(0);
}

/* The scenario: the first positional argument, wherever it stands. A first pass with
 * every scenario's options finds it; options of another scenario then fail the real
 * parse as unknown. */
static const struct scenario *find_scenario(struct run_cli *c, int argc, char **argv,
					    int *at)
{
	size_t n;
	const struct scenario *const *all = scenario_list(&n);
	struct opt_table t[2 + 32];
	void *scratch[32] = { NULL };
	size_t nt = 0;
	char err[256];
	t[nt++] = (struct opt_table){ guest_opts, ARRAY_SIZE(guest_opts), c };
	t[nt++] = (struct opt_table){ control_opts, ARRAY_SIZE(control_opts), c };
	for (size_t i = 0; i < n && i < 32; i++) {
		scratch[i] = msb_calloc(1, all[i]->opts_size ? all[i]->opts_size : 1);
		t[nt++] = (struct opt_table){ all[i]->opts, all[i]->nopts, scratch[i] };
	}
	int first = opts_parse_tables(argc, argv, t, nt, err, sizeof(err));
	for (size_t i = 0; i < n && i < 32; i++)
		free(scratch[i]);
	if (first == OPTS_HELP)
		print_help(NULL);
	if (first < 0)
		msb_usage_error(CMD, "%s", err);
	if (c->list)
		print_list(c->list);
	char names[256];
	scenario_names(names, sizeof(names));
	if (first >= argc)
		msb_usage_error(CMD, "missing SCENARIO (%s)", names);
	const struct scenario *sc = scenario_find(argv[first]);
	if (!sc)
		msb_usage_error(CMD, "unknown scenario '%s' (%s)", argv[first], names);
	*at = first;
	return sc;
}

/* An option the first pass took but this scenario has not: say whose it is. */
static void other_scenario_option(const struct scenario *sc, const char *err)
{
	size_t n;
	const struct scenario *const *all = scenario_list(&n);
	const char *p = strstr(err, "unknown option --");
	char name[64] = "";
	if (p)
		sscanf(p + strlen("unknown option --"), "%63[^ =]", name);
	for (size_t i = 0; *name && i < n; i++)
		for (size_t j = 0; j < all[i]->nopts; j++)
			if (!strcmp(all[i]->opts[j].name, name))
				msb_usage_error(CMD, "--%s is an option of %s, not of %s", name,
						all[i]->name, sc->name);
	msb_usage_error(CMD, "%s", err);
}

/* Parse a copy without the scenario name (getopt stops at the first positional
 * argument), so that options may stand before or after it and argv stays as given for
 * the result file. */
static void parse_options(struct run_cli *c, int argc, char **argv)
{
	char *args[argc + 1]; /* on the stack: usage errors exit from inside */
	int at = 0, n = 0;
	memcpy(args, argv, (size_t)(argc + 1) * sizeof(*args));
	c->sc = find_scenario(c, argc, args, &at);
	for (int i = 0; i < argc; i++)
		if (i != at)
			args[n++] = argv[i];
	c->sopts = msb_calloc(1, c->sc->opts_size ? c->sc->opts_size : 1);
	c->o.own_vcpu_threads = c->sc->own_vcpu_threads;
	const struct opt_table t[] = {
		{ guest_opts, ARRAY_SIZE(guest_opts), c },
		{ control_opts, ARRAY_SIZE(control_opts), c },
		{ c->sc->opts, c->sc->nopts, c->sopts },
	};
	char err[256];
	int first = opts_parse_tables(n, args, t, ARRAY_SIZE(t), err, sizeof(err));
	if (first == OPTS_HELP)
		print_help(c->sc);
	if (first < 0)
		other_scenario_option(c->sc, err);
	if (first < n)
		msb_usage_error(CMD, "unexpected argument '%s'", args[first]);
	c->o.in_kernel_irqchip = c->sc->in_kernel_irqchip && c->sc->in_kernel_irqchip(c->sopts);
}

static void parse_sizes(struct run_cli *c)
{
	char *list = msb_strdup(c->guest_mem), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (c->nsizes == RUN_MAX_SIZES)
			msb_usage_error(CMD, "--guest-mem: more than %d sizes in '%s'", RUN_MAX_SIZES,
					c->guest_mem);
		if (!parse_size(t, &c->sizes[c->nsizes]) || c->sizes[c->nsizes] < 2 * MIB)
			msb_usage_error(CMD, "--guest-mem: '%s' is not a size of at least 2M", t);
		c->nsizes++;
	}
	free(list);
	if (!c->nsizes)
		msb_usage_error(CMD, "--guest-mem: empty list '%s'", c->guest_mem);
}

static void parse_variants(struct run_cli *c)
{
	char *list = msb_strdup(c->variants), *save = NULL;
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int v;
		for (v = 0; v < NR_VARIANTS && strcmp(t, variant_names[v]); v++)
			;
		if (v == NR_VARIANTS)
			msb_usage_error(CMD, "--variants: '%s' is not zap-all or zap-slot", t);
		c->variant_on[v] = true;
	}
	free(list);
	if (!c->variant_on[VARIANT_ZAP_ALL] && !c->variant_on[VARIANT_ZAP_SLOT])
		msb_usage_error(CMD, "--variants: no variant in '%s'", c->variants);
}

static void parse_lists(struct run_cli *c)
{
	parse_sizes(c);
	parse_variants(c);
	if (!strcmp(c->host_mem, "auto"))
		c->o.host_mem = 0;
	else if (!parse_size(c->host_mem, &c->o.host_mem) || c->o.host_mem < 4096)
		msb_usage_error(CMD, "--host-mem: '%s' is not a size (or auto)", c->host_mem);
	c->max_slots = !strcmp(c->extra_slots, "max");
	if (!c->max_slots && !parse_uint(c->extra_slots, 0, 1u << 20, &c->o.extra_slots))
		msb_usage_error(CMD, "--extra-slots: '%s' is not a number (or max)", c->extra_slots);
}

static void check_modes(const struct run_opts *o)
{
	if (o->target == TARGET_UNRELATED && o->extra_slots == 0)
		msb_usage_error(CMD, "--target unrelated needs --extra-slots >= 1 (it changes one "
				"of them)");
	if (o->target_size % 4096)
		msb_usage_error(CMD, "--target-size: %llu bytes is not a multiple of 4K",
				(unsigned long long)o->target_size);
	if (o->target == TARGET_POPULATED && o->target_size != 2 * MIB)
		msb_usage_error(CMD, "--target-size sizes the unrelated slot: --target populated "
				"changes a data slot, whose size --guest-mem and --slots set");
	if (o->vcpu_mode != VCPU_IDLE && o->vcpus < 2)
		msb_usage_error(CMD, "--vcpu-mode %s needs --vcpus >= 2 (vCPU 0 measures refaults)",
				vcpu_mode_names[o->vcpu_mode]);
	if (o->vcpu_mode == VCPU_ACTIVE && o->pt_placement == PT_SPREAD)
		msb_usage_error(CMD, "--vcpu-mode active cannot run with --pt-placement spread: the "
				"target slot holds the page tables the active vCPUs walk, so their "
				"accesses while it is gone fault instead of exiting as MMIO");
	if (o->vcpu_mode == VCPU_ACTIVE && o->target != TARGET_POPULATED)
		msb_usage_error(CMD, "--vcpu-mode active needs --target populated: the guest maps "
				"no unrelated slot, so it cannot use one");
	if (o->vcpu_mode == VCPU_RUNNING && o->touch_stride > o->running_set)
		msb_usage_error(CMD, "--touch-stride is larger than --running-set: the running "
				"vCPUs would touch nothing");
}

void run_check_combination(const struct run_cli *c)
{
	const struct run_opts *o = &c->o;
	char err[256];
	check_modes(o);
	/* Every size of a sweep, now: not minutes into the run. */
	for (unsigned i = 0; i < c->nsizes; i++) {
		struct run_opts one = *o;
		struct aspace_cfg cfg;
		char sz[24];
		one.guest_mem = c->sizes[i];
		if (c->sc->check && c->sc->check(&one, c->sopts, err, sizeof(err)) < 0)
			msb_usage_error(CMD, "%s", err);
		bench_aspace_cfg(&one, &cfg);
		if (aspace_cfg_check(&cfg, err, sizeof(err)) < 0)
			msb_usage_error(CMD, "%s", err);
		/* spread: the page tables at a slot's start are not touched */
		uint64_t area = 0;
		for (unsigned k = 0; cfg.pt_spread && k < cfg.nslots; k++)
			if (aspace_pt_area(&cfg, k) > area)
				area = aspace_pt_area(&cfg, k);
		uint64_t data = c->sizes[i] / o->nslots - area;
		format_size(data, sz, sizeof(sz));
		if (o->touch_stride > data)
			msb_usage_error(CMD, "--touch-stride is larger than a data slot (%s%s): the "
					"guest would touch nothing", sz, cfg.pt_spread ?
					" beside its page tables" : "");
	}
}

/* "90", "90s", "10m", "1h30m", "1.5h": seconds, > 0; false otherwise. */
static bool parse_duration(const char *s, double *out)
{
	double total = 0;
	const char *p = s;

	if (!*p)
		return false;
	while (*p) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || !isfinite(x) || x < 0 || *p == '-' || *p == '+')
			return false;
		double unit = *end == 'h' ? 3600 : *end == 'm' ? 60 : 1;
		if (*end == 'h' || *end == 'm' || *end == 's')
			end++;
		else if (*end || p != s) /* a bare number only alone */
			return false;
		total += x * unit;
		p = end;
	}
	*out = total;
	return total > 0 && isfinite(total);
}

/* --precision, --max-rounds, --max-time: all checked before any VM. */
static void parse_precision(struct run_cli *c)
{
	char *end = NULL;
	int sides = c->variant_on[VARIANT_ZAP_ALL] + c->variant_on[VARIANT_ZAP_SLOT];

	if (!c->precision_arg) {
		if (c->max_rounds_arg || c->max_time_arg)
			msb_usage_error(CMD, "--%s needs --precision", c->max_rounds_arg ?
					"max-rounds" : "max-time");
		return;
	}
	c->precision = strtod(c->precision_arg, &end);
	if (*end == '%')
		end++;
	if (end == c->precision_arg || *end || !(c->precision > 0 && c->precision < 100))
		msb_usage_error(CMD, "--precision: '%s' is not a percentage above 0 and below 100",
				c->precision_arg);
	c->max_rounds = RUN_DEFAULT_MAX_ROUNDS;
	if (c->max_rounds_arg && !parse_uint(c->max_rounds_arg, 1, 1000, &c->max_rounds))
		msb_usage_error(CMD, "--max-rounds: '%s' is not a number of 1 to 1000",
				c->max_rounds_arg);
	if (c->max_rounds < c->o.rounds)
		msb_usage_error(CMD, "--max-rounds %llu is below --rounds %llu",
				(unsigned long long)c->max_rounds, (unsigned long long)c->o.rounds);
	size_t need = precision_min_units(sides);
	if (c->max_rounds < need)
		msb_usage_error(CMD, "--max-rounds %llu: a 95%% interval needs %zu rounds with %s",
				(unsigned long long)c->max_rounds, need,
				sides > 1 ? "two variants" : "one variant");
	const char *t = c->max_time_arg ? c->max_time_arg : RUN_DEFAULT_MAX_TIME;
	if (!parse_duration(t, &c->max_time_s))
		msb_usage_error(CMD, "--max-time: '%s' is not a duration (90s, 10m, 1h30m)", t);
}

/* --format: raw is --raw, json is --json -, text (the default) neither. */
static void apply_format(struct run_cli *c)
{
	bool json_stdout = c->json && !strcmp(c->json, "-");

	if (run_format == REPORT_TEXT && (c->raw || json_stdout))
		msb_usage_error(CMD, "--format text: stdout carries the summary lines, so it "
				"cannot go with %s", c->raw ? "--raw" : "--json -");
	if (run_format == REPORT_RAW)
		c->raw = true;
	if (run_format == REPORT_JSON && c->json && !json_stdout)
		msb_usage_error(CMD, "--format json writes the result file to stdout: give "
				"--json FILE or --format json, not both");
	if (run_format == REPORT_JSON)
		c->json = "-";
}

/* Fail now, not after minutes of measuring. stdout carries the data alone with --raw
 * (one run's samples) and --json - (the result file): the rest goes to stderr. */
static void check_outputs(struct run_cli *c)
{
	char err[512];

	apply_format(c);
	bool json_stdout = c->json && !strcmp(c->json, "-");
	if (c->json && result_check_path(c->json, c->force, err, sizeof(err)) < 0)
		msb_usage_error(CMD, "--json: %s", err); /* a directory, exists, unwritable */
	if (c->raw && json_stdout)
		msb_usage_error(CMD, "--raw and --json - both write stdout: give --json a file");
	int variants = 0;
	for (int v = 0; v < NR_VARIANTS; v++)
		variants += c->variant_on[v];
	if (c->raw && (variants > 1 || c->nsizes > 1))
		msb_usage_error(CMD, "--raw prints one run's samples: choose one variant "
				"(--variants) and one --guest-mem size, or write --json FILE and "
				"use memslot-bench export");
	c->out = c->raw || json_stdout ? stderr : stdout;
}

/* --numa, --plan, --topology and the explicit sets, on the planner: before any VM. */
static void check_placement(const struct run_cli *c)
{
	char err[256];
	const struct placement_cli pc = { .numa = c->numa, .topology = c->topology,
		.sets = { c->vcpu_cpus, c->mem_nodes, c->ioctl_cpu }, .nvcpus = (unsigned)c->o.vcpus,
		.plan = c->plan };
	int r = placement_cli(&pc, stdout, err, sizeof(err));
	if (r == PLACEMENT_BAD)
		msb_usage_error(CMD, "%s", err);
	if (c->plan)
		exit(r == 0 ? 0 : 77);
}

void run_parse(struct run_cli *c, int argc, char **argv)
{
	memset(c, 0, sizeof(*c));
	parse_options(c, argc, argv);
	parse_lists(c);
	parse_precision(c);
	if (!c->max_slots)
		run_check_combination(c);
	check_outputs(c);
	if (c->list) /* after the scenario: the first pass stopped before --list */
		print_list(c->list);
	check_placement(c);
}

static void add_param(json_object *p, const struct opt *o, const void *base)
{
	char key[64];
	const char *field = (const char *)base + o->off;
	opt_param_key(o, key, sizeof(key));
	json_object *v = NULL;
	switch (o->kind) {
	case OPT_FLAG:
		v = json_object_new_boolean(*(const bool *)field);
		break;
	case OPT_UINT:
	case OPT_SIZE:
	case OPT_DURATION:
		v = json_object_new_int64((int64_t)*(const uint64_t *)field);
		break;
	case OPT_STRING:
		v = *(const char *const *)field ? json_object_new_string(*(const char *const *)field)
						 : NULL;
		break;
	case OPT_CHOICE:
		v = json_object_new_string(opt_choice_name(o, base));
		break;
	}
	json_object_object_add(p, key, v);
}

json_object *run_params_json(const struct run_cli *c, uint64_t size)
{
	json_object *p = json_object_new_object();
	for (size_t i = 0; i < ARRAY_SIZE(guest_opts); i++)
		add_param(p, &guest_opts[i], c);
	for (size_t i = 0; i < c->sc->nopts; i++)
		add_param(p, &c->sc->opts[i], c->sopts);
	/* The sweep's current size and the resolved slot count, not the lists as typed. */
	json_object_object_add(p, "guest_mem", json_object_new_int64((int64_t)size));
	json_object_object_add(p, "extra_slots", json_object_new_int64((int64_t)c->o.extra_slots));
	return p;
}

void run_cli_free(struct run_cli *c)
{
	free(c->sopts);
	c->sopts = NULL;
}
