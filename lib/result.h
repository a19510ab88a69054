/* SPDX-License-Identifier: GPL-2.0 */
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

/* The schemas the reader takes; readers upgrade memslot-bench/1 files on read. */
#define RESULT_SCHEMA_V1 "memslot-bench/1"
#define RESULT_SCHEMA_V2 "memslot-bench/2"
#define RESULT_SCHEMA RESULT_SCHEMA_V2 /* what result_begin() writes */

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
 * mean, p90, p99, max, stddev}} under run.metrics[name]; returns it. */
json_object *result_run_add_series(json_object *run, const struct series *s);
/* A metric's "summary" object of the n values v (only "n" when there are none). */
json_object *result_summary_json(const double *v, size_t n);
/* What a metric is (schema 2): "role" (latency, count, gauge, index), the
 * kvm_mr_change "kind" a latency times and a one-line "desc" (both may be NULL), and
 * "headline" for the metrics a run's summary shows. */
void result_metric_describe(json_object *m, const char *role, const char *kind,
			    const char *desc, bool headline);
/* Set end time and write. path "-" = stdout. Refuses an existing file unless force.
 * Writes path.tmp.<pid>, fsyncs, renames. 0 or -1 with a one-line message in err. */
int result_write(struct result_file *r, const char *path, bool force, char *err, size_t errlen);
/* The same for any JSON document (compare, info and kinds --json FILE): pretty-printed,
 * "-" = stdout, an existing file refused unless force, temporary name and rename. */
int json_write_file(json_object *root, const char *path, bool force, char *err,
		    size_t errlen);
void result_free(struct result_file *r);
/* Before a measurement: 0 if path can take the result (see result_write), or -1 with
 * one line in err: a directory (or a name ending in '/'), an existing file without
 * force, an empty name, or a directory where a probe file cannot be written. */
int result_check_path(const char *path, bool force, char *err, size_t errlen);
/* After result_write() failed (a full disk, the directory gone): write the result to
 * $TMPDIR (or /tmp)/memslot-bench-rescue.<pid>.json and name it on stderr. 0 or -1. */
int result_rescue(struct result_file *r);
/* Async-signal-safe: remove the temporary file a result_write() in progress has open,
 * for a handler that ends the process at once. */
void result_abandon_tmp(void);

/* Read and validate a result file: JSON syntax, schema string, required keys and types
 * (runs[].scenario/variant/params, metrics[].samples numbers, summary consistent with
 * samples' count). 0, or -1 with "FILE: problem" in err. *root is owned by the caller. */
int result_read(const char *path, json_object **root, char *err, size_t errlen);

/* Shortest %g that reads back as the same double: "0.1", not "0.10000000000000001". */
void format_double(double v, char *buf, size_t len);

/* A JSON string, or NULL (JSON null) for NULL and "": readers need not tell "" from
 * "unknown". */

/* run --raw: the samples of the run's primary metric (its "primary"), one per line and
 * nothing else on f, so that ministat and gnuplot read f as it is. The run's
 * "# scenario=.. variant=.. metric=.. unit=.. n=.." header, or why it has no samples
 * (unsupported, no primary), goes to hdr (NULL: nowhere). */
void result_print_raw(FILE *f, FILE *hdr, json_object *run);

#endif
