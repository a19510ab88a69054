/* SPDX-License-Identifier: GPL-2.0 */
/* Host topology summary through hwloc: packages, NUMA nodes, cores, PUs, memory,
 * and per node its memory and CPUs, for `info` and result files. */
#include "topo.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hwloc.h>


static unsigned count(hwloc_topology_t t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t, type);

	/* -1 means "several depths"; never for these types, but do not wrap */
	return n > 0 ? (unsigned)n : 0;
}

static unsigned count_inside(hwloc_topology_t t, hwloc_const_cpuset_t set, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_inside_cpuset_by_type(t, set, type);

	return n > 0 ? (unsigned)n : 0;
}

int topo_summarize(const char *synthetic, struct topo_summary *out, char *err, size_t errlen)
{
	hwloc_topology_t t;
	hwloc_obj_t root;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (hwloc_topology_init(&t) < 0)
		return msb_fail(err, errlen, "hwloc_topology_init failed");
	if (synthetic && hwloc_topology_set_synthetic(t, synthetic) < 0) {
		hwloc_topology_destroy(t);
		return msb_fail(err, errlen, "bad synthetic topology \"%s\"", synthetic);
	}
	if (hwloc_topology_load(t) < 0) {
		hwloc_topology_destroy(t);
		return msb_fail(err, errlen, "hwloc_topology_load failed");
	}

	out->npackages = count(t, HWLOC_OBJ_PACKAGE);
	out->nnodes = count(t, HWLOC_OBJ_NUMANODE);
	out->ncores = count(t, HWLOC_OBJ_CORE);
	out->npus = count(t, HWLOC_OBJ_PU);
	root = hwloc_get_root_obj(t);
	out->mem_bytes = root->total_memory;

	out->nodes = msb_calloc(out->nnodes, sizeof(*out->nodes));
	for (unsigned i = 0; i < out->nnodes; i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, i);
		struct topo_node *n = &out->nodes[i];

		if (!node)
			break;
		n->os_index = node->os_index;
		n->mem_bytes = node->attr ? node->attr->numanode.local_memory : 0;
		/* a memory-only node (CXL, hot-plug) has an empty cpuset: 0 cores, "" */
		if (node->cpuset) {
			n->ncores = count_inside(t, node->cpuset, HWLOC_OBJ_CORE);
			n->npus = count_inside(t, node->cpuset, HWLOC_OBJ_PU);
			if (hwloc_bitmap_list_snprintf(n->cpuset, sizeof(n->cpuset), node->cpuset) < 0)
				n->cpuset[0] = '\0';
		}
	}
	/* some VMs report no node memory at the root: add up the nodes */
	if (!out->mem_bytes)
		for (unsigned i = 0; i < out->nnodes; i++)
			out->mem_bytes += out->nodes[i].mem_bytes;

	hwloc_topology_destroy(t);
	return 0;
}

void topo_summary_free(struct topo_summary *s)
{
	free(s->nodes);
	memset(s, 0, sizeof(*s));
}

json_object *topo_summary_json(const struct topo_summary *s)
{
	json_object *o = json_object_new_object();
	json_object *nodes = json_object_new_array();

	json_object_object_add(o, "packages", json_object_new_int64(s->npackages));
	json_object_object_add(o, "numa_nodes", json_object_new_int64(s->nnodes));
	json_object_object_add(o, "cores", json_object_new_int64(s->ncores));
	json_object_object_add(o, "pus", json_object_new_int64(s->npus));
	json_object_object_add(o, "memory_bytes", json_object_new_uint64(s->mem_bytes));
	for (unsigned i = 0; i < s->nnodes; i++) {
		const struct topo_node *n = &s->nodes[i];
		json_object *jn = json_object_new_object();

		json_object_object_add(jn, "os_index", json_object_new_int64(n->os_index));
		json_object_object_add(jn, "memory_bytes", json_object_new_uint64(n->mem_bytes));
		json_object_object_add(jn, "cores", json_object_new_int64(n->ncores));
		json_object_object_add(jn, "pus", json_object_new_int64(n->npus));
		json_object_object_add(jn, "cpus", json_object_new_string(n->cpuset));
		json_object_array_add(nodes, jn);
	}
	json_object_object_add(o, "nodes", nodes);
	return o;
}
