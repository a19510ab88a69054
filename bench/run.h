/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench run: the parsed command line and the steps of a run (run_cli.c parses
 * and validates, run_output.c prints and describes, run.c executes). */
#ifndef MSB_RUN_H
#define MSB_RUN_H
#include <json-c/json.h>
#include <stdio.h>

#include "harness.h"
#include "scenario.h"
#include "verdict.h"

#define RUN_MAX_SIZES 16

/* The order of the variants within a round: alternating (zap-all first in odd rounds,
 * zap-slot first in even ones: ABBA) or drawn from --seed. */
enum run_order { ORDER_ABBA, ORDER_RANDOM };

struct run_cli {
	struct run_opts o;
	const struct scenario *sc;
	void *sopts;            /* the scenario's own options (sc->opts_size bytes) */
	const char *guest_mem, *host_mem, *extra_slots, *variants, *json, *numa, *list;
	bool force, raw;
	bool ignore_memory;     /* --ignore-memory: run even where the estimate does not fit */
	/* Where everything but the data goes: stdout, or stderr when stdout carries data
	 * alone (--raw: samples; --json -: the result file). */
	FILE *out;
	/* --plan [--topology SYNTHETIC|FILE.xml]: print each --numa layout's plan and exit;
	 * --vcpu-cpus, --mem-nodes, --ioctl-cpu: explicit sets (lib/placement.h). */
	const char *topology, *vcpu_cpus, *mem_nodes, *ioctl_cpu;
	bool plan;
	uint64_t sizes[RUN_MAX_SIZES];
	unsigned nsizes;
	bool variant_on[NR_VARIANTS];
	bool max_slots;         /* --extra-slots max: resolved once /dev/kvm is open */
	int order;              /* enum run_order */
	uint64_t seed;
	/* --precision PCT: rounds are added, per guest size, until the primary's 95%
	 * interval lies within +-PCT% of its estimate (the ratio zap-slot/zap-all, or one
	 * variant's median), within --max-rounds and --max-time. 0: off. */
	const char *precision_arg, *max_rounds_arg, *max_time_arg;
	double precision;
	uint64_t max_rounds;
	double max_time_s;
};

#define RUN_DEFAULT_MAX_ROUNDS 30
#define RUN_DEFAULT_MAX_TIME "10m"

/* Parse and check everything that needs no /dev/kvm; --help and --list print and exit
 * 0, bad usage prints one line and exits 2. argv is left as given. */
void run_parse(struct run_cli *c, int argc, char **argv);
/* Option combinations, for every size of a sweep (again after --extra-slots max). */
void run_check_combination(const struct run_cli *c);
/* A run's params: every option of the guest table and of the scenario's, as written
 * ("page_size": "4K"), with the sweep's current size. */
json_object *run_params_json(const struct run_cli *c, uint64_t size);
void run_cli_free(struct run_cli *c);
/* The guest options table (what a run's params hold besides the scenario's own). */
const struct opt *run_guest_options(size_t *n);
/* The run options table (schedule, variants, output), for the man page. */
const struct opt *run_control_options(size_t *n);

/* Output (run_output.c). */
/* The grep-able line of one run: scenario, variant, size, n, the primary's median and
 * max/p99, then every other headline metric's median. */
void print_run_line(FILE *f, const struct scenario *sc, const struct metric_set *m, int variant,
		    uint64_t size, bool tdp);
/* Describe every metric of a finished run in the result file (schema 2), and the run's
 * primary and scale. */
void run_describe_metrics(json_object *run, const struct scenario *sc, bool tdp);
/* The gauge that sizes the scenario's work under this MMU (fits, plots). */
const char *run_scale(const struct scenario *sc, bool tdp);
/* The primary against the scenario's control (--overhead-check), if both were recorded. */
void control_report(FILE *f, json_object *run, const struct scenario *sc, const struct metric_set *m,
		    int variant, uint64_t size);
/* Median of a metric in m; false when it was not recorded. */
bool metric_median(const struct metric_set *m, const char *name, double *out);
/* Cost per unit of the scenario's scale over a sweep, with the slope's interval. */
void print_fit(FILE *f, const char *variant, const char *scale, const double *x, const double *y,
	       unsigned n);

/* --precision (run.c measures, run_output.c reports). */
struct run_precision {
	struct precision p;  /* at the last check */
	char what[48];       /* "ratio zap-slot/zap-all", "median zap-all" */
	uint64_t rounds;     /* rounds run at this size */
	double elapsed_s;    /* their wall time */
	const char *stopped; /* "reached", "max-rounds", "max-time"; NULL: no --precision */
};
/* The rounds a size starts with: max(--rounds, what a 95% interval needs with this many
 * variants measured), at most --max-rounds. */
uint64_t run_precision_start(const struct run_cli *c, int variants);
/* A line on stderr after each check that asks for another round (not with --quiet). */
void run_precision_progress(const struct run_cli *c, const struct run_precision *rp);
/* The # line, and "precision" in the result of each variant run at this size (json[v],
 * NULL for a variant not measured). */
void run_precision_report(const struct run_cli *c, const struct run_precision *rp,
			  const char *sz, json_object *const *json, int n);

#endif
