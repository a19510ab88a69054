/* SPDX-License-Identifier: GPL-2.0 */
/* NUMA placement: the plan from hwloc's view of the nodes and libnuma's distances, CPU
 * binding through hwloc, memory policy through mbind, the check through move_pages. */
#include "placement.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hwloc.h>
#include <numa.h>
#include <numaif.h>

/* A node can run the vCPUs if it has CPUs, hold the guest if it has memory. */
struct node_info {
	int os_index;
	bool cpus, mem;
};

static int load_topology(hwloc_topology_t *t, char *err, size_t errlen)
{
	if (hwloc_topology_init(t) < 0)
		return msb_fail(err, errlen, "hwloc_topology_init failed");
	if (hwloc_topology_load(*t) < 0) {
		hwloc_topology_destroy(*t);
		return msb_fail(err, errlen, "hwloc_topology_load failed");
	}
	return 0;
}

static unsigned list_nodes(hwloc_topology_t t, struct node_info *out, unsigned max)
{
	unsigned n = 0;
	hwloc_obj_t o = NULL;

	while (n < max && (o = hwloc_get_next_obj_by_type(t, HWLOC_OBJ_NUMANODE, o))) {
		out[n].os_index = (int)o->os_index;
		out[n].cpus = o->cpuset && !hwloc_bitmap_iszero(o->cpuset);
		out[n].mem = o->attr && o->attr->numanode.local_memory > 0;
		n++;
	}
	return n;
}

static const struct node_info *find_node(const struct node_info *nodes, unsigned n, int os)
{
	for (unsigned i = 0; i < n; i++)
		if (nodes[i].os_index == os)
			return &nodes[i];
	return NULL;
}

static int parse_nodes(const char *spec, int *cpu, int *mem)
{
	char *end;
	long c = strtol(spec, &end, 10);

	if (end == spec || *end != ':' || c < 0 || c > 4095)
		return -1;
	const char *m = end + 1;
	long v = strtol(m, &end, 10);
	if (end == m || *end || v < 0 || v > 4095)
		return -1;
	*cpu = (int)c;
	*mem = (int)v;
	return 0;
}

/* The node farthest from cpu (libnuma's distance table), the first of equals. */
static int farthest_from(const struct node_info *nodes, unsigned n, int cpu)
{
	int best = -1, best_d = -1;

	for (unsigned i = 0; i < n; i++) {
		int d = nodes[i].os_index == cpu || !nodes[i].mem ? -1 :
			numa_distance(cpu, nodes[i].os_index);
		if (d > best_d) {
			best = nodes[i].os_index;
			best_d = d;
		}
	}
	return best;
}

static void cpus_of(hwloc_topology_t t, int node, char *buf, size_t len)
{
	hwloc_obj_t o = hwloc_get_numanode_obj_by_os_index(t, (unsigned)node);

	buf[0] = '\0';
	if (o && o->cpuset)
		hwloc_bitmap_list_snprintf(buf, len, o->cpuset);
}

/* A one-line reason in err, and the caller's code. */
static __attribute__((format(printf, 4, 5))) int failed(int code, char *err, size_t errlen,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

#define BAD_SPEC "--numa '%s': not default, local, remote or CPU_NODE:MEM_NODE"

static int plan_nodes(const char *spec, hwloc_topology_t t, struct placement *p, char *err,
		      size_t errlen)
{
	struct node_info nodes[256];
	unsigned n = list_nodes(t, nodes, 256);
	const struct node_info *first = NULL;

	for (unsigned i = 0; i < n && !first; i++)
		if (nodes[i].cpus && nodes[i].mem)
			first = &nodes[i];
	if (!strcmp(spec, "local") || !strcmp(spec, "remote")) {
		if (!first)
			return failed(PLACEMENT_CANNOT, err, errlen,
				      "--numa %s: no NUMA node has both CPUs and memory", spec);
		p->cpu_node = p->mem_node = first->os_index;
		if (!strcmp(spec, "remote")) {
			p->mem_node = farthest_from(nodes, n, first->os_index);
			if (p->mem_node < 0)
				return failed(PLACEMENT_CANNOT, err, errlen, "--numa remote needs a "
					      "second NUMA node with memory; this host has %u", n);
		}
	} else if (parse_nodes(spec, &p->cpu_node, &p->mem_node) == 0) {
		const struct node_info *c = find_node(nodes, n, p->cpu_node),
				       *m = find_node(nodes, n, p->mem_node);
		if (!c || !c->cpus)
			return failed(PLACEMENT_BAD, err, errlen, "--numa %s: node %d %s", spec,
				      p->cpu_node, c ? "has no CPUs" : "does not exist on this host");
		if (!m || !m->mem)
			return failed(PLACEMENT_BAD, err, errlen, "--numa %s: node %d %s", spec,
				      p->mem_node, m ? "has no memory" : "does not exist on this host");
	} else {
		return failed(PLACEMENT_BAD, err, errlen, BAD_SPEC, spec);
	}
	p->bound = true;
	p->distance = numa_distance(p->cpu_node, p->mem_node);
	cpus_of(t, p->cpu_node, p->cpus, sizeof(p->cpus));
	return PLACEMENT_OK;
}

int placement_plan(const char *spec, struct placement *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	if (strlen(spec) >= sizeof(p->spec))
		return failed(PLACEMENT_BAD, err, errlen, BAD_SPEC, spec);
	snprintf(p->spec, sizeof(p->spec), "%s", spec);
	if (!strcmp(spec, "default"))
		return PLACEMENT_OK;
	int c, m;
	if (strcmp(spec, "local") && strcmp(spec, "remote") && parse_nodes(spec, &c, &m) < 0)
		return failed(PLACEMENT_BAD, err, errlen, BAD_SPEC, spec);
	if (numa_available() < 0)
		return failed(PLACEMENT_CANNOT, err, errlen, "--numa %s: this kernel has no NUMA "
			      "support (numa_available() failed)", spec);
	hwloc_topology_t t;
	if (load_topology(&t, err, errlen) < 0)
		return PLACEMENT_CANNOT;
	int r = plan_nodes(spec, t, p, err, errlen);
	hwloc_topology_destroy(t);
	return r;
}

int placement_bind_cpus(const struct placement *p, char *err, size_t errlen)
{
	if (!p->bound)
		return 0;
	hwloc_topology_t t;
	if (load_topology(&t, err, errlen) < 0)
		return -1;
	hwloc_obj_t o = hwloc_get_numanode_obj_by_os_index(t, (unsigned)p->cpu_node);
	int r = o && o->cpuset ? hwloc_set_cpubind(t, o->cpuset, HWLOC_CPUBIND_PROCESS) : -1;
	int e = errno;
	hwloc_topology_destroy(t);
	if (r < 0)
		return msb_fail(err, errlen, "cannot bind to the CPUs of NUMA node %d (%s): %s",
				p->cpu_node, p->cpus, strerror(e));
	return 0;
}

void placement_bind_memory(void *addr, size_t len, int node)
{
	struct bitmask *mask = numa_allocate_nodemask();

	numa_bitmask_setbit(mask, (unsigned)node);
	/* maxnode counts bits and the kernel reads one less: pass size + 1 */
	if (mbind(addr, len, MPOL_BIND, mask->maskp, mask->size + 1, 0))
		msb_die_errno("mbind of %zu bytes of guest memory to NUMA node %d", len, node);
	numa_free_nodemask(mask);
}

int placement_count_on_node(const void *addr, size_t len, int node, unsigned max_pages,
			    unsigned *on_node, unsigned *checked)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), npages = len / page;
	unsigned n = npages < max_pages ? (unsigned)npages : max_pages;
	void **pages = msb_calloc(n ? n : 1, sizeof(*pages));
	int *status = msb_calloc(n ? n : 1, sizeof(*status));

	for (unsigned i = 0; i < n; i++)
		pages[i] = (char *)addr + (npages * i / n) * page;
	/* nodes == NULL: move nothing, report each page's node in status */
	long r = n ? move_pages(0, n, pages, NULL, status, 0) : 0;
	*on_node = 0;
	for (unsigned i = 0; r == 0 && i < n; i++)
		*on_node += status[i] == node;
	*checked = n;
	free(pages);
	free(status);
	return r == 0 ? 0 : -1;
}

json_object *placement_layout_json(const struct placement *p)
{
	json_object *l = json_object_new_object();

	if (!p->bound) {
		json_object_object_add(l, "numa", json_object_new_string(PLACEMENT_DEFAULT_DESC));
		return l;
	}
	json_object_object_add(l, "numa", json_object_new_string(p->spec));
	json_object_object_add(l, "cpu_node", json_object_new_int(p->cpu_node));
	json_object_object_add(l, "mem_node", json_object_new_int(p->mem_node));
	json_object_object_add(l, "numa_distance", json_object_new_int(p->distance));
	json_object_object_add(l, "cpus", json_object_new_string(p->cpus));
	return l;
}
