/* SPDX-License-Identifier: GPL-2.0 */
/* NUMA placement: the plan from lib/numaplan on this machine's hwloc topology (hwloc's
 * distances), CPU binding through hwloc, memory policy through mbind, the check through
 * move_pages. */
#include "placement.h"
#include "numaplan.h"
#include "topo.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <hwloc.h>
#include <numa.h>
#include <numaif.h>

static int load_topology(hwloc_topology_t *t, char *err, size_t errlen)
{
	return topo_load(NULL, t, err, errlen);
}

/* The layouts a run places today: one CPU node, memory bound to one node. */
static bool runs_today(const struct nplan *np)
{
	return !np->bound || (np->policy == NPLAN_MEM_BIND && np->nmem == 1 &&
			      np->cpu_node >= 0 && !strchr(np->layout, ','));
}

int placement_plan(const char *spec, struct placement *p, char *err, size_t errlen)
{
	struct nplan np;
	hwloc_topology_t t;

	memset(p, 0, sizeof(*p));
	if (strlen(spec) >= sizeof(p->spec) || strchr(spec, ','))
		return msb_fail_code(PLACEMENT_BAD, err, errlen, "--numa '%s': one layout per run (%s); "
				     "--plan shows several", spec, NPLAN_LAYOUTS);
	snprintf(p->spec, sizeof(p->spec), "%s", spec);
	if (!strcmp(spec, "default"))
		return PLACEMENT_OK;
	if (load_topology(&t, err, errlen) < 0)
		return PLACEMENT_CANNOT;
	/* the planner on this machine's topology; distances from hwloc (sysfs) */
	int r = nplan_make(t, spec, NULL, 1, &np, err, errlen);
	hwloc_topology_destroy(t);
	if (r == NPLAN_BAD)
		return PLACEMENT_BAD;
	if (r == NPLAN_CANNOT)
		return PLACEMENT_CANNOT;
	if (!runs_today(&np))
		return msb_fail_code(PLACEMENT_BAD, err, errlen, "--numa %s: planned (see --plan) but not "
				     "run yet: a run places default, local, remote and CPU_NODE:MEM_NODE",
				     spec);
	if (numa_available() < 0)
		return msb_fail_code(PLACEMENT_CANNOT, err, errlen, "--numa %s: this kernel has no NUMA "
				     "support (numa_available() failed)", spec);
	p->bound = true;
	p->cpu_node = np.cpu_node;
	p->mem_node = np.mem_node[0];
	p->distance = np.distance;
	/* the whole node's CPUs: the process binding, which lib/pin then divides */
	snprintf(p->cpus, sizeof(p->cpus), "%.127s", np.vcpu_set);
	return PLACEMENT_OK;
}

/* Each layout of the comma-separated list: printed (plan) or checked on t. */
static int plan_each(hwloc_topology_t t, const struct placement_cli *pc, FILE *f, char *err,
		     size_t errlen)
{
	char *list = msb_strdup(pc->numa), *save = NULL, why[256];
	struct nplan *np = msb_calloc(1, sizeof(*np));
	int r = 0, n = 0;

	for (char *l = strtok_r(list, ",", &save); l && !r; l = strtok_r(NULL, ",", &save)) {
		n++;
		int k = nplan_make(t, l, NULL, pc->nvcpus, np, why, sizeof(why));
		if (k == NPLAN_BAD)
			r = msb_fail_code(PLACEMENT_BAD, err, errlen, "%s", why);
		else if (k == NPLAN_CANNOT && f)
			fprintf(f, "layout %s: cannot: %s\n", l, why);
		else if (f)
			nplan_print(f, np);
	}
	if (!r && !n)
		r = msb_fail_code(PLACEMENT_BAD, err, errlen, "--numa '%s': no layout (%s)", pc->numa,
				  NPLAN_LAYOUTS);
	free(np);
	free(list);
	return r;
}

static void print_header(FILE *f, hwloc_topology_t t, const struct placement_cli *pc)
{
	bool measured = false;
	hwloc_obj_t a = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, 0),
		    b = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, 1);

	topo_distance(t, a->os_index, (b ? b : a)->os_index, &measured);
	fprintf(f, "# plan on %s: %d package(s), %d NUMA node(s), %d cores, %d CPUs; "
		"distances %s\n", pc->topology ? pc->topology : "this machine",
		hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE),
		hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE),
		hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE),
		hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU),
		measured ? "from hwloc's NUMA latency matrix" : "derived from the tree (no matrix)");
	fprintf(f, "# %u vCPU(s); vCPU 0 runs in the ioctl thread; no VM is created\n",
		pc->nvcpus);
}

int placement_cli(const struct placement_cli *pc, FILE *f, char *err, size_t errlen)
{
	hwloc_topology_t t;
	bool sets = nplan_sets_given(&pc->sets);
	int r;

	if (pc->topology && !pc->plan)
		return msb_fail_code(PLACEMENT_BAD, err, errlen, "--topology %s: only with --plan (a run "
				     "measures this machine)", pc->topology);
	if (sets && strcmp(pc->numa, "default"))
		return msb_fail_code(PLACEMENT_BAD, err, errlen, "--%s: explicit sets set the layout "
				     "themselves: not with --numa %s", pc->sets.vcpu_cpus ? "vcpu-cpus" :
				     pc->sets.mem_nodes ? "mem-nodes" : "ioctl-cpu", pc->numa);
	if (topo_load(pc->topology, &t, err, errlen) < 0) {
		if (pc->topology) {
			char why[256];
			snprintf(why, sizeof(why), "%s", err);
			return msb_fail_code(PLACEMENT_BAD, err, errlen, "--topology: %s", why);
		}
		return pc->plan ? PLACEMENT_CANNOT : 0; /* a run says so when it places */
	}
	if (pc->plan && f)
		print_header(f, t, pc);
	if (sets) {
		struct nplan *np = msb_calloc(1, sizeof(*np));
		r = nplan_make(t, NULL, &pc->sets, pc->nvcpus, np, err, errlen);
		if (r == NPLAN_OK && pc->plan && f)
			nplan_print(f, np);
		if (r == NPLAN_OK && !pc->plan)
			r = msb_fail_code(PLACEMENT_BAD, err, errlen, "--vcpu-cpus, --mem-nodes, --ioctl-cpu: "
					  "planned (see --plan) but not run yet");
		free(np);
	} else {
		r = plan_each(t, pc, pc->plan ? f : NULL, err, errlen);
	}
	hwloc_topology_destroy(t);
	return r < 0 ? PLACEMENT_BAD : 0;
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
