/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench info: everything that decides what a measurement means. */
#include "config.h"
#include "msb-git-rev.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "report/format.h"
#include "report/json_out.h"
#include "env.h"
#include "kvm.h"
#include "opts.h"
#include "result.h"
#include "stats.h"
#include "topo.h"
#include "hoststate.h"
#include "util.h"

struct kvm_facts {
	int api;
	int nr_memslots, max_vcpus;
	int quirks;         /* KVM_CAP_DISABLE_QUIRKS2 mask, <= 0 if none */
	int slot_zap_all;   /* 1: disabling it on a VM works, 0: EINVAL, -1 unknown */
	bool binary_stats;
	struct kvm_stats vm_stats, vcpu_stats;
	bool have_vm_stats, have_vcpu_stats;
	char tracefs[160];
};

static void probe_tracefs(char *buf, size_t len)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		char p[128];
		snprintf(p, sizeof(p), "%s/events/kvmmmu/kvm_mmu_zap_all_fast", dirs[i]);
		if (access(p, F_OK) == 0) {
			snprintf(buf, len, "kvmmmu events available at %s", dirs[i]);
			return;
		}
		snprintf(p, sizeof(p), "%s/events", dirs[i]);
		if (access(p, F_OK) == 0) {
			snprintf(buf, len, "mounted at %s, but no kvmmmu events (is kvm loaded?)",
				 dirs[i]);
			return;
		}
	}
	snprintf(buf, len, "not mounted (as root: mount -t tracefs none /sys/kernel/tracing)");
}

static void probe_kvm(struct kvm_sys *sys, struct kvm_facts *f)
{
	f->api = sys->api;
	f->nr_memslots = kvm_check_cap(sys, NULL, KVM_CAP_NR_MEMSLOTS);
	f->max_vcpus = kvm_check_cap(sys, NULL, KVM_CAP_MAX_VCPUS);
	f->quirks = kvm_check_cap(sys, NULL, KVM_CAP_DISABLE_QUIRKS2);
	f->binary_stats = kvm_check_cap(sys, NULL, KVM_CAP_BINARY_STATS_FD) > 0;

	/* The mask says what the kernel knows; a scratch VM proves the quirk can go. */
	struct kvm_vm vm;
	vm_create(sys, &vm);
	int r = __vm_disable_quirks(&vm, KVM_X86_QUIRK_SLOT_ZAP_ALL);
	f->slot_zap_all = r == 0 ? 1 : r == -EINVAL ? 0 : -1;
	if (f->binary_stats) {
		struct kvm_vcpu vcpu;
		vcpu_create(sys, &vm, 0, &vcpu);
		f->have_vm_stats = stats_open(vm.fd, &f->vm_stats) == 0;
		f->have_vcpu_stats = stats_open(vcpu.fd, &f->vcpu_stats) == 0;
		vcpu_close(&vcpu);
	}
	vm_close(&vm);
}

/* Name of quirk bit b if the kernel has it, "" if not; false past the last bit. */
static bool quirk_label(const struct kvm_facts *f, unsigned b, char *buf, size_t len)
{
	if (b >= 32)
		return false;
	buf[0] = '\0';
	if (f->quirks > 0 && ((unsigned)f->quirks & (1u << b))) {
		const char *n = kvm_quirk_name(b);
		if (n)
			snprintf(buf, len, "%s", n);
		else
			snprintf(buf, len, "bit%u", b);
	}
	return true;
}

static json_object *stats_names_json(const struct kvm_stats *st)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < st->nfields; i++)
		json_object_array_add(a, json_object_new_string(st->fields[i].name));
	return a;
}

static json_object *kvm_facts_json(const struct kvm_facts *f)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "api", json_object_new_int(f->api));
	json_object_object_add(o, "nr_memslots", json_object_new_int(f->nr_memslots));
	json_object_object_add(o, "max_vcpus", json_object_new_int(f->max_vcpus));
	json_object_object_add(o, "quirks_mask", json_object_new_int(f->quirks > 0 ? f->quirks : 0));
	json_object *q = json_object_new_array();
	char label[24];
	for (unsigned b = 0; quirk_label(f, b, label, sizeof(label)); b++)
		if (*label)
			json_object_array_add(q, json_object_new_string(label));
	json_object_object_add(o, "quirks", q);
	json_object_object_add(o, "slot_zap_all_quirk",
			       f->slot_zap_all < 0 ? NULL : json_object_new_boolean(f->slot_zap_all));
	json_object_object_add(o, "binary_stats", json_object_new_boolean(f->binary_stats));
	if (f->have_vm_stats)
		json_object_object_add(o, "vm_stats", stats_names_json(&f->vm_stats));
	if (f->have_vcpu_stats)
		json_object_object_add(o, "vcpu_stats", stats_names_json(&f->vcpu_stats));
	json_object_object_add(o, "tracefs", json_object_new_string(f->tracefs));
	return o;
}

static void print_size(const char *label, uint64_t bytes)
{
	printf("%s%.1f GiB", label, (double)bytes / (double)GIB);
}

/* Packages, nodes with their CPUs and memory, and the node distance matrix. */
static void print_topology(const struct topo_summary *t)
{
	printf("topology:     %u package(s), %u NUMA node(s), %u cores, %u PUs\n",
	       t->npackages, t->nnodes, t->ncores, t->npus);
	for (unsigned i = 0; i < t->nnodes; i++) {
		printf("numa node %u:  cpus %s, %u cores", t->nodes[i].os_index,
		       *t->nodes[i].cpuset ? t->nodes[i].cpuset : "none (memory only)",
		       t->nodes[i].ncores);
		print_size(", ", t->nodes[i].mem_bytes);
		putchar('\n');
	}
	if (!t->distances)
		return;
	printf("distances:    %s\n", t->distances_measured ? "hwloc NUMA latency matrix" :
	       "derived from the tree (no matrix: 10 itself, 20 same package, 30 across)");
	printf("  from\\to");
	for (unsigned j = 0; j < t->nnodes; j++)
		printf(" %5u", t->nodes[j].os_index);
	putchar('\n');
	for (unsigned i = 0; i < t->nnodes; i++) {
		printf("  %7u", t->nodes[i].os_index);
		for (unsigned j = 0; j < t->nnodes; j++)
			printf(" %5d", t->distances[i * t->nnodes + j]);
		putchar('\n');
	}
}

struct info_out;
static void emit_json(struct info_out *o, json_object *j);
static bool info_json_stdout(const struct info_out *o);

/* info --topology SPEC: that machine only, no probing of this one. */
static int show_topology(const char *spec, struct info_out *out)
{
	struct topo_summary topo;
	char err[256];

	if (topo_summarize(spec, &topo, err, sizeof(err)) < 0) {
		fprintf(stderr, "memslot-bench info: --topology: %s\n", err);
		return 2;
	}
	if (!info_json_stdout(out)) {
		printf("machine:      %s (not this one: --topology)\n", spec);
		print_topology(&topo);
	}
	json_object *o = json_object_new_object();
	json_object_object_add(o, "topology_source", json_object_new_string(spec));
	json_object_object_add(o, "topology", topo_summary_json(&topo));
	emit_json(out, o);
	json_object_put(o);
	topo_summary_free(&topo);
	return 0;
}

static void print_host(const struct host_env *h, const struct topo_summary *t)
{
	printf("version:      memslot-bench %s (git %s)\n", PACKAGE_VERSION, MSB_GIT_REV);
	printf("host:         %s, %s %s %s, %s, %u CPUs", h->nodename, h->sysname, h->release,
	       h->machine, h->cpu_model, h->ncpus);
	print_size(", ", h->mem_bytes);
	printf("\nenvironment:  %s: %s\n", h->kind, h->kind_detail);
	if (!t) {
		printf("topology:     unavailable\n");
		return;
	}
	print_topology(t);
}

/* Each item, its value and where it was read; the note on the preemption items. */
static void print_host_state(const struct host_state *s)
{
	printf("host state:   (value, then where it was read; --json for the details)\n");
	for (unsigned i = 0; i < HS_NITEMS; i++) {
		const struct hs_item *it = &s->item[i];

		printf("  %-20s %-24s %s\n", host_state_name(i), it->value, it->source);
		if (it->detail[0] && (i == HS_PREEMPT || i == HS_RWLOCK_NEEDBREAK))
			printf("  %-20s   %s\n", "", it->detail);
	}
}

static void print_names(const char *label, const struct kvm_stats *st)
{
	printf("%s%zu:", label, st->nfields);
	for (size_t i = 0; i < st->nfields; i++)
		printf(" %s", st->fields[i].name);
	putchar('\n');
}

static void print_kvm(const struct kvm_env *k, const struct kvm_facts *f)
{
	printf("kvm module:   %s\n", *k->module ? k->module : "none");
	printf("kvm mmu:      %s (tdp_mmu=%s npt=%s ept=%s)\n", k->mmu,
	       *k->tdp_mmu ? k->tdp_mmu : "-", *k->npt ? k->npt : "-", *k->ept ? k->ept : "-");
	if (!k->dev_kvm) {
		printf("kvm:          %s\n", k->why_missing);
		return;
	}
	if (!f) {
		printf("kvm:          /dev/kvm exists but cannot be opened (see the warning above)\n");
		return;
	}
	printf("kvm api:      %d\n", f->api);
	printf("max memslots: %d\n", f->nr_memslots);
	printf("max vcpus:    %d\n", f->max_vcpus);
	printf("quirks:       0x%x", f->quirks > 0 ? f->quirks : 0);
	char label[24];
	for (unsigned b = 0; quirk_label(f, b, label, sizeof(label)); b++)
		if (*label)
			printf(" %s", label);
	putchar('\n');
	printf("slot_zap_all: %s\n", f->slot_zap_all == 1 ? "supported (zap-slot variant available)" :
	       f->slot_zap_all == 0 ? "not supported (kernel before 6.12: every DELETE/MOVE zaps all)" :
	       "unknown (disabling the quirk failed unexpectedly)");
	if (f->have_vm_stats)
		print_names("vm stats:     ", &f->vm_stats);
	else
		printf("vm stats:     unavailable (KVM_GET_STATS_FD)\n");
	if (f->have_vcpu_stats)
		print_names("vcpu stats:   ", &f->vcpu_stats);
	printf("tracefs:      %s\n", f->tracefs);
}

/* Where the output goes: text or JSON on stdout (--format), and JSON to a file. */
struct info_out {
	int format;           /* enum report_format; -1 until resolved */
	const char *json;     /* --json FILE; "-": stdout */
	bool force;           /* overwrite FILE */
};

/* The old `info --json` (a flag, JSON on stdout) is `--json -` now: a --json/-j that is
 * last or followed by another option gets "-". A new argv (caller frees), or argv. */
static char **legacy_json_flag(int argc, char **argv)
{
	char **v = msb_calloc((size_t)argc * 2 + 1, sizeof(char *));
	int n = 0;

	for (int i = 0; i < argc; i++) {
		v[n++] = argv[i];
		if (i > 0 && (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) &&
		    (i + 1 == argc || (argv[i + 1][0] == '-' && strcmp(argv[i + 1], "-"))))
			v[n++] = (char *)"-";
	}
	return v;
}

static bool info_json_stdout(const struct info_out *o)
{
	return o->format == REPORT_JSON;
}

static void emit_json(struct info_out *o, json_object *j)
{
	json_out_emit("info", j, o->format, o->json, o->force);
}

/* Parses argv into o and *topology; returns like cmd_parse_opts. */
static void parse_info(int argc, char **argv, struct info_out *o, const char **topology)
{
	const struct opt opts[] = {
		FORMAT_OPT(&o->format, "stdout: text (the default) or JSON (the host facts a "
			   "result file records)", NULL, FORMAT_TEXT, FORMAT_JSON),
		JSON_FILE_OPT(&o->json, "the facts (a bare --json, the old flag, means -)"),
		JSON_FORCE_OPT(&o->force),
		{ .name = "topology", .kind = OPT_STRING, .dest = topology,
		  .metavar = "SYNTHETIC|FILE.xml", .help = "show that machine's topology instead "
		  "(nodes with their CPUs, memory and distances): an hwloc synthetic description "
		  "such as \"pack:2 numa:2 core:8 pu:2\", or lstopo's XML export" },
	};
	char **v = legacy_json_flag(argc, argv);
	int vc = 0;

	while (v[vc])
		vc++;
	int first = cmd_parse_opts(vc, v, opts, ARRAY_SIZE(opts),
				   "info [--format text|json] [--json FILE|-] [--force] "
				   "[--topology SYNTHETIC|FILE.xml]",
				   "Print the facts that decide what a measurement here means.");
	if (first < vc)
		msb_usage_error("info", "unexpected argument '%s'", v[first]);
	free(v);
	o->format = json_out_format("info", o->format, o->json);
	json_out_check("info", o->json, o->force); /* before any probing */
}

static json_object *info_json(const struct host_env *host, const struct topo_summary *topo,
			      const struct kvm_env *kenv, const struct host_state *hs,
			      const struct kvm_facts *facts)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "schema", json_object_new_string(RESULT_SCHEMA));
	json_object_object_add(o, "tool_version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(o, "git_revision", json_object_new_string(MSB_GIT_REV));
	json_object_object_add(o, "host", host_env_json(host));
	json_object_object_add(o, "topology", topo ? topo_summary_json(topo) : NULL);
	json_object_object_add(o, "kvm_env", kvm_env_json(kenv));
	json_object_object_add(o, "host_state", host_state_to_json(hs));
	json_object_object_add(o, "kvm", facts ? kvm_facts_json(facts) : NULL);
	return o;
}

/* /dev/kvm's facts, where it opens: true and facts filled. */
static bool probe_facts(const struct kvm_env *kenv, struct kvm_facts *facts)
{
	struct kvm_sys sys = { .fd = -1 };

	memset(facts, 0, sizeof(*facts));
	if (!kenv->dev_kvm)
		return false;
	int r = __kvm_open(&sys);
	if (r < 0) {
		msb_warn("cannot open /dev/kvm: %s", strerror(-r));
		return false;
	}
	probe_kvm(&sys, facts);
	probe_tracefs(facts->tracefs, sizeof(facts->tracefs));
	kvm_close(&sys);
	return true;
}

int cmd_info(int argc, char **argv)
{
	struct info_out out = { .format = -1 };
	const char *topology = NULL;

	parse_info(argc, argv, &out, &topology);
	/* cppcheck-suppress knownConditionTrueFalse ; set through opts[].dest */
	if (topology)
		return show_topology(topology, &out);

	struct host_env host;
	struct kvm_env kenv;
	struct topo_summary topo;
	struct kvm_facts facts;
	char err[200];
	host_env_probe(&host);
	kvm_env_probe(&kenv);
	struct host_state *hs = msb_calloc(1, sizeof(*hs));
	host_state_probe(hs, "/", &host);
	bool have_topo = topo_summarize(NULL, &topo, err, sizeof(err)) == 0;
	if (!have_topo)
		msb_warn("topology: %s", err);
	bool have_facts = probe_facts(&kenv, &facts);

	if (out.format == REPORT_TEXT) {
		print_host(&host, have_topo ? &topo : NULL);
		print_kvm(&kenv, have_facts ? &facts : NULL);
		print_host_state(hs);
	}
	if (out.format == REPORT_JSON || out.json) {
		json_object *j = info_json(&host, have_topo ? &topo : NULL, &kenv, hs,
					   have_facts ? &facts : NULL);
		emit_json(&out, j);
		json_object_put(j);
	}
	free(hs);
	if (have_topo)
		topo_summary_free(&topo);
	if (facts.have_vm_stats)
		stats_close(&facts.vm_stats);
	if (facts.have_vcpu_stats)
		stats_close(&facts.vcpu_stats);
	return 0;
}
