/* SPDX-License-Identifier: GPL-2.0 */
/* Host topology summary through hwloc: packages, NUMA nodes, cores, PUs, memory,
 * and per node its memory and CPUs, for `info` and result files. */
#include "topo.h"
#include "util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

int topo_load(const char *spec, hwloc_topology_t *t, char *err, size_t errlen)
{
	size_t n = spec ? strlen(spec) : 0;
	bool xml = n > 4 && !strcmp(spec + n - 4, ".xml");

	if (hwloc_topology_init(t) < 0)
		return msb_fail(err, errlen, "hwloc_topology_init failed");
	if (n && !xml && access(spec, F_OK) == 0)
		xml = true;
	if (xml && hwloc_topology_set_xml(*t, spec) < 0) {
		hwloc_topology_destroy(*t);
		return msb_fail(err, errlen, "cannot read the hwloc XML topology %s", spec);
	}
	if (n && !xml && hwloc_topology_set_synthetic(*t, spec) < 0) {
		hwloc_topology_destroy(*t);
		return msb_fail(err, errlen, "bad synthetic topology \"%s\" (e.g. \"pack:2 "
				"numa:2 core:4 pu:1\", or a FILE.xml from lstopo)", spec);
	}
	if (hwloc_topology_load(*t) < 0) {
		hwloc_topology_destroy(*t);
		return msb_fail(err, errlen, "%s: hwloc cannot load this topology", n ? spec :
				"this machine");
	}
	if (hwloc_get_nbobjs_by_type(*t, HWLOC_OBJ_NUMANODE) < 1 ||
	    hwloc_get_nbobjs_by_type(*t, HWLOC_OBJ_PU) < 1) {
		hwloc_topology_destroy(*t);
		return msb_fail(err, errlen, "%s: no NUMA node or no CPU in this topology", n ?
				spec : "this machine");
	}
	return 0;
}

/* 10 itself, 20 within a package (or on one object), 30 across packages. */
static int derived_distance(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
	if (a == b)
		return 10;
	hwloc_obj_t pa = a->parent, pb = b->parent;
	if (!pa || !pb)
		return 30;
	hwloc_obj_t anc = pa == pb ? pa : hwloc_get_common_ancestor_obj(t, pa, pb);
	if (anc && (anc->type == HWLOC_OBJ_PACKAGE ||
		    hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, anc)))
		return 20;
	return pa == pb ? 20 : 30;
}

int topo_distance(hwloc_topology_t t, unsigned from, unsigned to, bool *measured)
{
	hwloc_obj_t a = hwloc_get_numanode_obj_by_os_index(t, from),
		    b = hwloc_get_numanode_obj_by_os_index(t, to);
	struct hwloc_distances_s *d = NULL;
	unsigned nr = 1;
	hwloc_uint64_t ab = 0, ba = 0;
	int r = -1;

	if (measured)
		*measured = false;
	if (!a || !b)
		return -1;
	if (hwloc_distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nr, &d,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) == 0 && nr == 1) {
		if (hwloc_distances_obj_pair_values(d, a, b, &ab, &ba) == 0 && ab > 0) {
			r = ab > 100000 ? 100000 : (int)ab;
			if (measured)
				*measured = true;
		}
		hwloc_distances_release(t, d);
	}
	return r > 0 ? r : derived_distance(t, a, b);
}

unsigned topo_order_cpus(hwloc_topology_t t, hwloc_const_cpuset_t set, int *out, unsigned max)
{
	unsigned n = 0;

	for (unsigned rank = 0; rank < 256; rank++) {
		hwloc_obj_t pu = NULL;
		bool any = false;
		while ((pu = hwloc_get_next_obj_inside_cpuset_by_type(t, set, HWLOC_OBJ_PU, pu))) {
			if (pu->sibling_rank > rank)
				any = true;
			if (pu->sibling_rank == rank && n < max)
				out[n++] = (int)pu->os_index;
		}
		if (!any)
			break;
	}
	return n;
}

void topo_summarize_loaded(hwloc_topology_t t, struct topo_summary *out)
{
	memset(out, 0, sizeof(*out));
	out->npackages = count(t, HWLOC_OBJ_PACKAGE);
	out->nnodes = count(t, HWLOC_OBJ_NUMANODE);
	out->ncores = count(t, HWLOC_OBJ_CORE);
	out->npus = count(t, HWLOC_OBJ_PU);
	out->mem_bytes = hwloc_get_root_obj(t)->total_memory;
	out->nodes = msb_calloc(out->nnodes ? out->nnodes : 1, sizeof(*out->nodes));
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
	out->distances = msb_calloc((size_t)out->nnodes * out->nnodes + 1, sizeof(int));
	for (unsigned i = 0; i < out->nnodes; i++)
		for (unsigned j = 0; j < out->nnodes; j++)
			out->distances[i * out->nnodes + j] =
				topo_distance(t, out->nodes[i].os_index, out->nodes[j].os_index,
					      &out->distances_measured);
}

int topo_summarize(const char *spec, struct topo_summary *out, char *err, size_t errlen)
{
	hwloc_topology_t t;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (topo_load(spec, &t, err, errlen) < 0)
		return -1;
	topo_summarize_loaded(t, out);
	hwloc_topology_destroy(t);
	return 0;
}

void topo_summary_free(struct topo_summary *s)
{
	free(s->nodes);
	free(s->distances);
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
	json_object *rows = json_object_new_array();
	for (unsigned i = 0; s->distances && i < s->nnodes; i++) {
		json_object *row = json_object_new_array();
		for (unsigned k = 0; k < s->nnodes; k++)
			json_object_array_add(row, json_object_new_int(s->distances[i * s->nnodes + k]));
		json_object_array_add(rows, row);
	}
	/* rows and columns in the order of "nodes"; "derived": no matrix, from the tree */
	json_object_object_add(o, "distances", rows);
	json_object_object_add(o, "distances_source", json_object_new_string(
		s->distances_measured ? "hwloc NUMA latency matrix" : "derived from the tree"));
	return o;
}
