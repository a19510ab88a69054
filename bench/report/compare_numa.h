/* SPDX-License-Identifier: GPL-2.0 */
/* compare and NUMA: two result files are one host only where their topologies agree
 * (nodes, their CPUs and memory, the distance matrix), and --layouts BASE,NEW compares
 * two --numa layouts of one file (run --numa LIST writes them side by side). */
#ifndef MSB_REPORT_COMPARE_NUMA_H
#define MSB_REPORT_COMPARE_NUMA_H
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "model.h"

/* --layouts BASE,NEW for compare's option table. */
#define CMP_LAYOUTS_OPT(dest_ptr)                                                      \
	{ .name = "layouts", .kind = OPT_STRING, .metavar = "BASE,NEW", .dest = (dest_ptr), \
	  .help = "compare two --numa layouts inside one file (local,remote): the runs of "  \
		  "NEW against those of BASE, variant by variant" }

/* Same host and environment (report.c's same_environment) and the same NUMA topology;
 * files too old to record the nodes are compared by their node count only. 0, or -1
 * with the differences in err. */
int same_host(json_object *a, json_object *b, char *err, size_t len);
/* The topologies alone: 0, or -1 with the first difference in err. */
int same_topology(json_object *a, json_object *b, char *err, size_t len);
/* --layouts BASE,NEW (spec; NULL: nothing to do): the one file of rs is split into two,
 * BASE's runs and NEW's, matched across layouts (*across set). Bad input (two files,
 * --variants, a layout no run has) exits 2 with one line. */
void cmp_layouts(struct result_set *rs, const char *spec, bool variants, bool *across);

#endif
