/* SPDX-License-Identifier: GPL-2.0 */
/* Host topology through hwloc: summary for `info` and result files. */
#ifndef MSB_TOPO_H
#define MSB_TOPO_H
#include <stdint.h>
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
};

/* Load this machine's topology (or a synthetic one, e.g. "pack:2 numa:2 core:4 pu:1",
 * when synthetic != NULL). Returns 0 or -1 with a message in err. */
int topo_summarize(const char *synthetic, struct topo_summary *out, char *err, size_t errlen);
void topo_summary_free(struct topo_summary *s);
json_object *topo_summary_json(const struct topo_summary *s);

#endif
