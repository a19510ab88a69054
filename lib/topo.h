/* SPDX-License-Identifier: GPL-2.0 */
/* Host topology through hwloc: summary for `info` and result files. */
#ifndef MSB_TOPO_H
#define MSB_TOPO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <hwloc.h>
#include <json-c/json.h>

struct topo_node {
	unsigned os_index;
	uint64_t mem_bytes;
	unsigned ncores;
	unsigned npus;
	char cpuset[128]; /* list form, e.g. "0-3,8" */
};

struct topo_summary {
	unsigned npackages, nnodes, ncores, npus;
	uint64_t mem_bytes;
	struct topo_node *nodes;
	int *distances;       /* nnodes x nnodes, row = from (nodes[] order) */
	bool distances_measured; /* from hwloc's NUMA latency matrix, not derived */
};

/* Load a topology: this machine's (spec NULL or ""), an hwloc XML export (a spec that
 * ends in ".xml" or names a file), or a synthetic description ("pack:2 numa:2 core:4
 * pu:1"). 0, or -1 with a one-line reason in err. */
int topo_load(const char *spec, hwloc_topology_t *t, char *err, size_t errlen);
/* Distance between two NUMA nodes (OS indexes): hwloc's NUMA latency matrix (10 =
 * local, as the ACPI SLIT), or where the topology has none (synthetic ones) derived
 * from the tree: 10 itself, 20 within a package, 30 across; -1 for an unknown node.
 * *measured (may be NULL) says which. */
int topo_distance(hwloc_topology_t t, unsigned from, unsigned to, bool *measured);
/* The CPUs (OS indexes) of set in the order threads get them: one PU of each core
 * first (lowest rank within its core, cores in hwloc's logical order), then the SMT
 * siblings. Returns how many (at most max written). */
unsigned topo_order_cpus(hwloc_topology_t t, hwloc_const_cpuset_t set, int *out, unsigned max);
/* Summarise a topology as topo_load() reads spec. Returns 0 or -1 with a message in
 * err. */
int topo_summarize(const char *spec, struct topo_summary *out, char *err, size_t errlen);
/* The same from a loaded topology. */
void topo_summarize_loaded(hwloc_topology_t t, struct topo_summary *out);
void topo_summary_free(struct topo_summary *s);
json_object *topo_summary_json(const struct topo_summary *s);

#endif
