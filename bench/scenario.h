/* SPDX-License-Identifier: GPL-2.0 */
/* A scenario: everything the program knows about one kind of measured memslot update,
 * said once, in the scenario's own file under bench/scenarios/ (as memslot_perf_test.c's
 * tests[] table and fio's ioengines). Each file registers its descriptor from a
 * constructor; run, the harness, --help and the reading of old result files take
 * names, options, metrics and roles from here and nowhere else. */
#ifndef MSB_SCENARIO_H
#define MSB_SCENARIO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct bench_vm;
struct json_object;
struct metric_set;
struct opt;
struct run_opts;

/* What a metric is, as result files say it ("role"): readers choose rows, plots and
 * fits by role, never by name. */
enum metric_role {
	ROLE_LATENCY, /* a duration in ns */
	ROLE_COUNT,   /* events in one sample: a counter's delta */
	ROLE_GAUGE,   /* a level read at one point: pages present before the change */
	ROLE_INDEX,   /* the VM each sample came from: the unit of the statistics */
	NR_ROLES
};
extern const char *const metric_role_names[NR_ROLES];

struct metric_def {
	const char *name;      /* "delete_ns" */
	const char *unit;      /* "ns", "count", "pages", "sptes", "events", "index" */
	enum metric_role role;
	const char *kind;      /* the kvm_mr_change a latency times: "DELETE", or NULL */
	const char *desc;      /* one line: "the target slot deleted" */
	bool headline;         /* on the summary line, compared and plotted by default */
	bool shadow_only;      /* exists only under the shadow MMU: n/a under the TDP MMU */
};

struct scenario {
	const char *name;      /* `memslot-bench run NAME` */
	const char *help;      /* one line */
	/* Its own options (shared ones stay in run), offsetof into a struct of opts_size
	 * bytes that run allocates, fills with the defaults and hands to every hook. */
	const struct opt *opts;
	size_t nopts, opts_size;
	/* The metrics its step records itself; the harness's (refault, VM stat deltas,
	 * gauges, the VM index) are listed in harness_metrics. */
	const struct metric_def *metrics;
	size_t nmetrics;
	const char *primary;   /* the latency that names the run: one of metrics */
	const char *scale;     /* the gauge that sizes its work (fits, plots), or NULL */
	/* Default-suite entries, "LABEL ARGS...": scripts/suite.sh runs each as
	 * `memslot-bench run NAME ARGS` into LABEL.json. NULL-terminated; may be NULL. */
	const char *const *suite;
	bool kernel_ab;        /* scripts/kernel-ab.sh runs it on both kernels */
	/* Option combinations, before any VM exists: 0, or -1 with one line in err. */
	int (*check)(const struct run_opts *o, const void *sopts, char *err, size_t len);
	/* One repetition on a populated VM: the changes it times and their restore. The
	 * harness runs warm-up and reps, the running vCPUs' windows and vCPU 0's refault
	 * around it; record is false during warm-up. */
	void (*step)(struct bench_vm *b, const void *sopts, bool record);
	/* Optional: a control measurement on the same state (delete's bare ioctl loop),
	 * run before the step on odd repetitions and after it (and the refault) on even
	 * ones, so that an order effect cancels out of the medians. */
	void (*control)(struct bench_vm *b, const void *sopts, bool record);
	const char *control_metric; /* the latency control records, compared with primary */
	/* Optional: the scenario owns its repetitions (stall: windows with every vCPU
	 * running, no refault by vCPU 0); bench_repeat() is not used. It must stop at
	 * interrupt_requested() and call interrupt_note_reps(). */
	void (*repeat)(struct bench_vm *b, const void *sopts, uint64_t vm_index);
	/* Optional: after a VM's repetitions, before it is torn down: what does not fit a
	 * per-sample metric (histograms, per-vCPU detail), as an object that run appends to
	 * the run's array "NAME_vms" (one per VM, in VM order). */
	struct json_object *(*vm_done)(struct bench_vm *b, const void *sopts);
	/* Optional: a run's samples are complete (all its VMs): what is derived across
	 * them (tlb: the cost per running vCPU) goes to out and the run's JSON. */
	void (*run_done)(const struct metric_set *m, const void *sopts, struct json_object *run,
			 FILE *out, const char *variant);
	/* Every vCPU, vCPU 0 too, runs on a pinned thread of its own with a stall log
	 * (struct run_opts own_vcpu_threads). */
	bool own_vcpu_threads;
	/* Optional, with own_vcpu_threads: the most vCPU threads that run at once (tlb: its
	 * largest --running; halted and outside vCPUs do not), for the oversubscription
	 * check; NULL: every vCPU. */
	unsigned (*vcpus_at_once)(const struct run_opts *o, const void *sopts);
	/* Optional: its VMs get KVM's in-kernel irqchip (KVM_CREATE_IRQCHIP) where this
	 * says so for its options (tlb: halted rows), so that vCPUs can halt in KVM
	 * (struct run_opts in_kernel_irqchip). */
	bool (*in_kernel_irqchip)(const void *sopts);
};

void scenario_register(const struct scenario *sc);
/* By name, or NULL. */
const struct scenario *scenario_find(const char *name);
/* The registered scenarios, sorted by name; *n gets the count. */
const struct scenario *const *scenario_list(size_t *n);
/* "delete, flags or move" for messages. */
void scenario_names(char *buf, size_t len);
/* A metric of the scenario or of the harness, or NULL. */
const struct metric_def *scenario_metric(const struct scenario *sc, const char *name);

extern const struct metric_def harness_metrics[];
extern const size_t nr_harness_metrics;

/* In bench/scenarios/NAME.c: `SCENARIO_REGISTER(scenario_NAME);` after the descriptor. */
#define SCENARIO_REGISTER(desc)                                                        \
	static void __attribute__((constructor)) register_##desc(void)                 \
	{                                                                              \
		scenario_register(&desc);                                              \
	}

#endif
