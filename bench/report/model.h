/* SPDX-License-Identifier: GPL-2.0 */
/* One in-memory model of a set of result files, for every report command: files ->
 * runs -> metrics, each metric with the role, kind and headline the file gives it
 * (schema memslot-bench/2; memslot-bench/1 files are upgraded on read from the
 * scenario descriptors). Readers choose rows, columns and plots by role, never by a
 * scenario's or a metric's name. */
#ifndef MSB_REPORT_MODEL_H
#define MSB_REPORT_MODEL_H
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "../scenario.h"
#include "sample.h"

struct rs_metric {
	const char *name, *unit;
	enum metric_role role;
	const char *kind;      /* the kvm_mr_change a latency times, or NULL */
	const char *desc;      /* one line, or NULL */
	bool headline;         /* the primary is always headline */
	bool primary;          /* the run's primary metric */
	double *samples;       /* in file order */
	size_t n;
};

struct rs_file;

struct rs_run {
	const struct rs_file *file;
	json_object *obj;      /* the run in the file's JSON */
	const char *scenario, *variant;
	json_object *params, *layout;
	const char *reason;    /* NULL: measured; else why it is unsupported */
	const char *primary;   /* name of the primary metric (a latency), or NULL */
	const char *scale;     /* name of the gauge that sizes the work, or NULL */
	struct rs_metric *metrics; /* file order */
	size_t nmetrics;
	const struct rs_metric *index; /* the per-VM index (ROLE_INDEX), or NULL */
};

struct rs_file {
	const char *path;
	json_object *root;     /* upgraded to memslot-bench/2 */
	struct rs_run *runs;
	size_t nruns;
};

struct result_set {
	struct rs_file *files;
	size_t nfiles;
	/* Take files marked "complete": false (an interrupted run), with a note on stderr;
	 * else rs_load() refuses them. */
	bool allow_incomplete;
};

/* --allow-incomplete for the commands that refuse interrupted runs' files. */
#define RS_ALLOW_INCOMPLETE_OPT(dest_ptr)                                             \
	{ .name = "allow-incomplete", .kind = OPT_FLAG, .dest = (dest_ptr),            \
	  .help = "take result files of interrupted runs (\"complete\": false); the "  \
		  "output says which" }

/* Read, validate and upgrade path and append it to the set: 0, or -1 with
 * "FILE: problem" in err (the set is unchanged then; an incomplete file is refused
 * unless s->allow_incomplete). path must outlive the set. */
int rs_load(struct result_set *s, const char *path, char *err, size_t len);
void rs_free(struct result_set *s);
/* Keep only the runs of f that keep() accepts, in order (the others are freed). */
void rs_keep_runs(struct rs_file *f, bool (*keep)(const struct rs_run *, const void *),
		  const void *arg);

/* A run's metric by name, or NULL (also for an unsupported run). */
const struct rs_metric *rs_metric(const struct rs_run *r, const char *name);
/* The run's primary metric, or NULL (unsupported, or no primary). */
const struct rs_metric *rs_primary(const struct rs_run *r);
/* 0 and the summary of a metric's samples, or -1 when m is NULL or has none. */
int rs_summary(const struct rs_metric *m, struct summary *s);
/* A sorted copy of m's samples times scale (caller frees), or NULL when m is NULL or
 * has none; count in *n. */
double *rs_sorted(const struct rs_metric *m, double scale, size_t *n);
/* The median of m's samples per VM (by the run's index metric), VMs in index order:
 * a new array (caller frees) and its length in *k, or NULL when the run has no index
 * or it does not line up with m. */
double *rs_vm_medians(const struct rs_run *r, const struct rs_metric *m, size_t *k);

/* The "samples" array of a metric's JSON object as a new array of doubles (caller
 * frees; never NULL), its length in *n (0 without one). */
double *rs_json_samples(json_object *m, size_t *n);

/* Upgrade a memslot-bench/1 document in place to memslot-bench/2 from the scenario
 * descriptors (bench/report/upgrade.c); a memslot-bench/2 one is left as it is. */
void rs_upgrade(json_object *root);
/* A metric's role by name ("latency"), or -1. */
int rs_role(const char *name);

#endif
