/* Result files: versioned JSON ("schema": "memslot-bench/1") written with json-c to a
 * temporary name and renamed, never half-written and never overwriting by accident. */
#ifndef MSB_RESULT_H
#define MSB_RESULT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "env.h"
#include "sample.h"

#define RESULT_SCHEMA "memslot-bench/1"

struct result_file {
	json_object *root;
	json_object *runs; /* array, owned by root */
};

/* Start a result: schema, tool version, git revision, command line, start time (UTC,
 * ISO 8601), host and KVM environment. topology and kvm (caps/quirks facts) may be NULL;
 * ownership of the json objects passes to the result. */
void result_begin(struct result_file *r, int argc, char **argv, const struct host_env *h,
		  const struct kvm_env *k, json_object *topology, json_object *kvm);
/* Append a run; params and layout are owned by the run afterwards. */
json_object *result_add_run(struct result_file *r, const char *scenario, const char *variant,
			    json_object *params, json_object *layout);
/* Mark a run as not measured, with the reason ("SLOT_ZAP_ALL quirk not supported"). */
void result_run_unsupported(json_object *run, const char *why);
/* Add a metric: {"unit", "samples": [...every raw value...], "summary": {n, min, median,
 * mean, p90, p99, max, stddev}} under run.metrics[name]. */
void result_run_add_series(json_object *run, const struct series *s);
/* Set end time and write. path "-" = stdout. Refuses an existing file unless force.
 * Writes path.tmp.<pid>, fsyncs, renames. 0 or -1 with a one-line message in err. */
int result_write(struct result_file *r, const char *path, bool force, char *err, size_t errlen);
void result_free(struct result_file *r);

/* Read and validate a result file: JSON syntax, schema string, required keys and types
 * (runs[].scenario/variant/params, metrics[].samples numbers, summary consistent with
 * samples' count). 0, or -1 with "FILE: problem" in err. *root is owned by the caller. */
int result_read(const char *path, json_object **root, char *err, size_t errlen);

/* Raw samples one per line with '#' headers (ministat and gnuplot read them). */
void result_print_raw(FILE *f, json_object *run);

#endif
