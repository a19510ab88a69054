/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench compare, inside: the comparison that compare.c builds from the model
 * (or from two plain sample files, --samples) and compare_out.c prints. Every row's
 * figures come from one struct verdict (lib/verdict.h): the medians shown are the ones
 * the ratio is taken of. */
#ifndef MSB_REPORT_CMP_H
#define MSB_REPORT_CMP_H
#include <stdbool.h>
#include <stdio.h>

#include "compare_numa.h"
#include "model.h"
#include "sample.h"
#include "samplefile.h" /* lib/samplefile.h */
#include "verdict.h"    /* lib/verdict.h */

/* One metric of a block, both sides. */
struct mrow {
	const char *name, *unit;
	enum metric_role role;
	bool have[2];
	struct summary s[2];  /* every sample of a side: n and the upper tail */
	size_t vms[2];        /* VMs a side (1 where a run has no per-VM index) */
	size_t per_vm[2][2];  /* fewest and most samples of one VM, a side */
	struct verdict v;     /* medians, ratio, interval, level, verdict */
	bool compared;        /* both sides have samples: v is set */
	bool gated;           /* a latency under --fail-on-regression: in the family */
};

/* Two runs matched by scenario, params and layout; run[i] NULL = only on the other side. */
struct block {
	char *title;
	const struct rs_run *run[2];
	const char *reason[2]; /* non-NULL: unsupported on that side */
	bool matched;          /* both sides (always with --samples) */
	struct mrow *rows;
	size_t nrows;
};

struct cmp {
	const struct rs_file *file[2];     /* NULL with --samples */
	const struct sample_set *sset[2];  /* --samples: the two files, else NULL */
	const char *variant[2]; /* --variants: base and new variant in one file */
	struct block *blocks;
	size_t nblocks;
	char **common;          /* "key=value" shared by every run, for the header */
	size_t ncommon;
	bool across_layouts;    /* match runs whatever their layout (--across-layouts) */
	bool pooled;            /* --pooled: samples taken as independent */
	bool gate;              /* --fail-on-regression */
	double gate_pct;
	const struct gate_summary *gsum; /* over every comparison of the invocation */
};

/* Times get faster/slower, counts fewer/more. */
bool row_is_time(const struct mrow *r);
/* The base or new file's path. */
const char *cmp_path(const struct cmp *c, int side);

/* One stderr line per proven regression; the first gated, untested row's reason in
 * *why (when still NULL). */
void cmp_report_gate(const struct cmp *c, const char **why);
/* Why a block has no comparison: "only in base", "only in new", "base unsupported",
 * "new unsupported", "unsupported on both"; NULL when both sides ran (the CSV's verdict
 * column and the JSON's run status). */
const char *cmp_block_status(const struct block *b);
/* Some block has runs on both sides. */
bool cmp_any_matched(const struct cmp *c);

void cmp_print_text(const struct cmp *c, FILE *f);
void cmp_print_markdown(const struct cmp *c, FILE *f);
void cmp_print_csv(const struct cmp *c, FILE *f, bool header);
/* Every comparison of the invocation: tables on stdout in format, or the JSON document
 * (an array of cmp_json()) there with --format json, and to the --json FILE. */
void cmp_print_all(const struct cmp *cs, size_t n, int format, const char *json,
		   bool force);
/* The comparison as JSON (compare_json.c): files, kernels, and per run its rows with
 * both sides' figures and the verdict's, absent figures null. */
json_object *cmp_json(const struct cmp *c);

#endif
