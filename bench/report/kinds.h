/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench kinds, inside: the table kinds.c builds from the model and kinds_out.c
 * prints. */
#ifndef MSB_REPORT_KINDS_H
#define MSB_REPORT_KINDS_H
#include <stdbool.h>
#include <stdio.h>

#include "model.h"
#include "sample.h"

/* A latency that times one kind of memslot change (its metric's "kind"). */
struct kind {
	char *label;          /* "DELETE", "MOVE back": the kind and what tells it apart */
	const char *scenario; /* the run that measures it */
	const char *metric;   /* its ioctl wall time */
	const char *desc;     /* the change, in words */
	bool primary;         /* the run's primary: its zapped count is this change's */
	int order;            /* kvm_mr_change order of the kind */
};

/* One variant of one row: a run, or none (run NULL). */
struct cell {
	const struct rs_run *run;
	const char *reason; /* unsupported */
	bool have_time, have_zapped;
	struct summary time, zapped;
};

/* One kind measured by one configuration (scenario, params, layout). */
struct row {
	const struct kind *kind;
	char *key;
	char *label; /* "unrelated 1G" */
	struct cell *cells; /* one per variant */
};

struct table {
	const struct result_set *rs;
	struct kind *kinds;
	size_t nkinds;
	const char **variants;
	size_t nvariants;
	struct row *rows;
	size_t nrows;
	const char *zapped;   /* the headline count shown as "zapped", or NULL */
};

json_object *row_params(const struct row *r, size_t nvariants);
void kinds_print_text(const struct table *t, FILE *f);
void kinds_print_markdown(const struct table *t, FILE *f);
void kinds_print_csv(const struct table *t, FILE *f);
/* The table as JSON: {"zapped": NAME, "rows": [{kind, scenario, metric, label, params,
 * variants: {VARIANT: {status, reason, file, n, median_ns, p99_ns, zapped_median}}}]}. */
json_object *kinds_json(const struct table *t);

#endif
