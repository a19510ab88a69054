/* SPDX-License-Identifier: GPL-2.0 */
/* NUMA placement: the plan from lib/numaplan on this machine's hwloc topology (hwloc's
 * distances), CPU binding through hwloc, memory policy through mbind, the check through
 * move_pages. */
#include "placement.h"
#include "numaplan.h"
#include "topo.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
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

/* The layout object of older files fits: one CPU node, memory bound to one node. */
static bool legacy_layout(const struct nplan *np)
{
	return np->policy == NPLAN_MEM_BIND && np->nmem == 1 && np->cpu_node >= 0 &&
	       np->ioctl_node == np->cpu_node && strcmp(np->layout, "explicit") != 0;
}

int placement_plan(const char *spec, const struct nplan_sets *sets, unsigned nvcpus,
		   struct placement *p, char *err, size_t errlen)
{
	hwloc_topology_t t;
	const char *name = spec ? spec : "explicit";

	memset(p, 0, sizeof(*p));
	p->cpu_node = p->mem_node = p->distance = -1;
	snprintf(p->spec, sizeof(p->spec), "%s", name);
	if (spec && !strcmp(spec, "default"))
		return PLACEMENT_OK;
	if (load_topology(&t, err, errlen) < 0)
		return PLACEMENT_CANNOT;
	/* the planner on this machine's topology; distances from hwloc (sysfs) */
	int r = nplan_make(t, spec, sets, nvcpus, &p->plan, err, errlen);
	hwloc_topology_destroy(t);
	if (r == NPLAN_BAD)
		return PLACEMENT_BAD;
	if (r == NPLAN_CANNOT)
		return PLACEMENT_CANNOT;
	if (numa_available() < 0)
		return msb_fail_code(PLACEMENT_CANNOT, err, errlen, "--numa %s: this kernel has no NUMA "
				     "support (numa_available() failed)", name);
	p->bound = true;
	p->legacy = legacy_layout(&p->plan);
	p->cpu_node = p->plan.cpu_node;
	p->mem_node = p->plan.nmem == 1 ? p->plan.mem_node[0] : -1;
	p->distance = p->plan.distance;
	snprintf(p->cpus, sizeof(p->cpus), "%.127s", p->plan.vcpu_set);
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
		free(np);
	} else {
		r = plan_each(t, pc, pc->plan ? f : NULL, err, errlen);
	}
	hwloc_topology_destroy(t);
	return r < 0 ? PLACEMENT_BAD : 0;
}

bool placement_pin(const struct placement *p, struct pin_plan *pin, bool own_threads)
{
	bool shared = false;
	unsigned k = own_threads ? 1 : 0;

	if (!p->bound || !pin->on)
		return false;
	pin->nplanned = p->plan.nvcpus + k < PIN_MAX_THREADS ? p->plan.nvcpus + k : PIN_MAX_THREADS;
	pin->planned[0] = p->plan.ioctl_cpu;
	for (unsigned i = k; i < pin->nplanned; i++)
		pin->planned[i] = p->plan.vcpu_cpu[i - k]; /* vCPU 0's is the ioctl thread's */
	for (unsigned i = 0; i < pin->threads && i < pin->nplanned; i++)
		for (unsigned j = 0; j < i; j++)
			shared |= pin->planned[i] == pin->planned[j];
	pin->oversubscribed |= shared;
	return shared;
}

void placement_thread_set(const struct placement *p, const struct pin_plan *pin, unsigned i,
			  char *buf, size_t len)
{
	int cpu = pin_cpu(pin, i);

	if (cpu >= 0)
		snprintf(buf, len, "%d", cpu);
	else if (p->bound)
		snprintf(buf, len, "%s", p->plan.vcpu_set);
	else
		pin_usable_list(pin, buf, len);
}

int placement_bind_thread(const struct placement *p, const struct pin_plan *pin, unsigned i,
			  struct placement_actual *a, char *err, size_t errlen)
{
	char set[256], got[64];

	placement_thread_set(p, pin, i, set, sizeof(set));
	if (*set && pin_this_thread_list(set, err, errlen) < 0)
		return -1;
	if (!a || i >= PLACEMENT_MAX_THREADS)
		return 0;
	pin_read_affinity(got, sizeof(got));
	/* each thread writes its own slot: no lock */
	if (!a->thread_cpus[i][0])
		snprintf(a->thread_cpus[i], sizeof(a->thread_cpus[i]), "%s", got);
	else if (strcmp(a->thread_cpus[i], got))
		a->thread_differs[i] = true;
	return 0;
}

void placement_mem_policy(const struct placement *p, int *mode, unsigned long *nodes)
{
	const struct nplan *np = &p->plan;

	*mode = 0;
	*nodes = 0;
	if (!p->bound)
		return;
	*mode = np->policy == NPLAN_MEM_INTERLEAVE ? MPOL_INTERLEAVE : MPOL_BIND;
	if (np->policy == NPLAN_MEM_PER_VCPU) {
		*nodes = 1UL << np->vcpu_node[0];
		return;
	}
	for (unsigned i = 0; i < np->nmem; i++)
		*nodes |= 1UL << np->mem_node[i];
}

void placement_bind_memory(void *addr, size_t len, int mode, unsigned long nodes)
{
	/* maxnode counts bits and the kernel reads one less: pass the width + 1 */
	if (mode && mbind(addr, len, mode, &nodes, 8 * sizeof(nodes) + 1, 0))
		msb_die_errno("mbind (%s) of %zu bytes of guest memory to NUMA node mask 0x%lx",
			      mode == MPOL_INTERLEAVE ? "interleave" : "bind", len, nodes);
}

unsigned long placement_expect_nodes(const struct placement *p, unsigned i)
{
	const struct nplan *np = &p->plan;
	int mode;
	unsigned long nodes;

	if (p->bound && np->policy == NPLAN_MEM_PER_VCPU)
		return i < np->nvcpus ? 1UL << np->vcpu_node[i] : 0;
	placement_mem_policy(p, &mode, &nodes);
	return nodes;
}

void placement_bind_vcpu_set(const struct placement *p, unsigned i, void *addr, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uintptr_t lo = ((uintptr_t)addr + page - 1) / page * page,
		  hi = ((uintptr_t)addr + len) / page * page;

	if (p->bound && p->plan.policy == NPLAN_MEM_PER_VCPU && hi > lo)
		placement_bind_memory((void *)lo, hi - lo, MPOL_BIND, placement_expect_nodes(p, i));
}

static void note_mismatch(struct placement_actual *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void note_mismatch(struct placement_actual *a, const char *fmt, ...)
{
	va_list ap;

	if (a->mismatch[0])
		return;
	va_start(ap, fmt);
	vsnprintf(a->mismatch, sizeof(a->mismatch), fmt, ap);
	va_end(ap);
}

/* Interleave: every node of the set holds at least half its fair share of the pages. */
static void check_share(struct placement_actual *a, const unsigned *on, unsigned present,
			unsigned long expect, const char *what)
{
	unsigned k = (unsigned)__builtin_popcountl(expect);

	for (unsigned n = 0; n < NPLAN_MAX_NODES; n++)
		if ((expect >> n & 1) && 2 * k * on[n] < present)
			note_mismatch(a, "%s: %u of %u sampled pages on node %u, under half of an "
				      "even share over %u nodes", what, on[n], present, n, k);
}

int placement_sample(struct placement_actual *a, const void *addr, size_t len,
		     unsigned max_pages, unsigned long expect, const char *what)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), npages = len / page;
	unsigned n = npages < max_pages ? (unsigned)npages : max_pages, present = 0, off = 0;
	unsigned on[NPLAN_MAX_NODES] = { 0 };
	void **pages = msb_calloc(n ? n : 1, sizeof(*pages));
	int *status = msb_calloc(n ? n : 1, sizeof(*status));

	/* one page at a hashed offset in each of n equal buckets: an even stride would
	 * alias with interleave's node pattern (every 8th page: always the same node) */
	for (unsigned i = 0; i < n; i++) {
		size_t lo = npages * i / n, width = npages * (i + 1) / n - lo;
		pages[i] = (char *)addr + (lo + (size_t)(i * 2654435761u >> 7) % width) * page;
	}
	/* nodes == NULL: move nothing, report each page's node in status */
	long r = n ? move_pages(0, n, pages, NULL, status, 0) : 0;
	for (unsigned i = 0; r == 0 && i < n; i++) {
		if (status[i] < 0 || status[i] >= NPLAN_MAX_NODES) {
			a->absent++;
			continue;
		}
		on[status[i]]++;
		present++;
		off += expect && !(expect >> status[i] & 1);
	}
	free(pages);
	free(status);
	if (r != 0)
		return -1;
	a->checked += n;
	for (unsigned i = 0; i < NPLAN_MAX_NODES; i++)
		a->by_node[i] += on[i];
	if (off)
		note_mismatch(a, "%s: %u of %u sampled pages on a node outside mask 0x%lx", what,
			      off, present, expect);
	return 0;
}

bool placement_verify(const struct placement *p, const struct pin_plan *pin,
		      struct placement_actual *a)
{
	char want[256];

	for (unsigned i = 0; i < a->nthreads && i < PLACEMENT_MAX_THREADS; i++) {
		if (!a->thread_cpus[i][0])
			continue; /* an idle vCPU: no thread */
		placement_thread_set(p, pin, i, want, sizeof(want));
		if (a->thread_differs[i])
			note_mismatch(a, "%s %u: its affinity differed from VM to VM", i ? "vCPU" :
				      "ioctl thread / vCPU", i);
		else if (strcmp(want, a->thread_cpus[i]))
			note_mismatch(a, "%s %u: on CPU(s) %s, planned %s", i ? "vCPU" :
				      "ioctl thread / vCPU", i, a->thread_cpus[i], want);
	}
	if (p->bound && a->checked && a->absent == a->checked)
		note_mismatch(a, "no sampled page was present");
	/* over every sampled page: a small set touched in part (THP interleaves per 2 MiB
	 * folio) may sit on one node alone */
	if (p->bound && p->plan.policy == NPLAN_MEM_INTERLEAVE)
		check_share(a, a->by_node, a->checked - a->absent, placement_expect_nodes(p, 0),
			    "guest memory");
	return !a->mismatch[0];
}

static json_object *int_array(const int *v, unsigned n)
{
	json_object *a = json_object_new_array();

	for (unsigned i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_int(v[i]));
	return a;
}

json_object *placement_layout_json(const struct placement *p)
{
	json_object *l = json_object_new_object();
	const struct nplan *np = &p->plan;

	if (!p->bound) {
		json_object_object_add(l, "numa", json_object_new_string(PLACEMENT_DEFAULT_DESC));
		return l;
	}
	json_object_object_add(l, "numa", json_object_new_string(p->spec));
	if (p->legacy) {
		json_object_object_add(l, "cpu_node", json_object_new_int(p->cpu_node));
		json_object_object_add(l, "mem_node", json_object_new_int(p->mem_node));
		json_object_object_add(l, "numa_distance", json_object_new_int(p->distance));
		json_object_object_add(l, "cpus", json_object_new_string(p->cpus));
		return l;
	}
	json_object_object_add(l, "ioctl_cpu", json_object_new_int(np->ioctl_cpu));
	json_object_object_add(l, "vcpu_cpus", int_array(np->vcpu_cpu, np->nvcpus));
	json_object_object_add(l, "mem_policy", json_object_new_string(
				       nplan_policy_name(np->policy)));
	json_object_object_add(l, "mem_nodes", int_array(np->mem_node, np->nmem));
	return l;
}

static json_object *actual_json(const struct placement_actual *a)
{
	json_object *o = json_object_new_object(), *v = json_object_new_array(),
		    *m = json_object_new_object();
	char key[16];

	for (unsigned i = a->own_threads; i < a->nthreads && i < PLACEMENT_MAX_THREADS; i++)
		json_object_array_add(v, a->thread_cpus[i][0] ?
				      json_object_new_string(a->thread_cpus[i]) : NULL);
	json_object_object_add(o, "vcpu_cpus", v); /* null: an idle vCPU, no thread */
	json_object_object_add(o, "ioctl_cpu", json_object_new_string(a->thread_cpus[0]));
	for (unsigned n = 0; n < NPLAN_MAX_NODES; n++)
		if (a->by_node[n]) {
			snprintf(key, sizeof(key), "%u", n);
			json_object_object_add(m, key, json_object_new_int((int)a->by_node[n]));
		}
	json_object_object_add(o, "mem_pages_by_node", m);
	json_object_object_add(o, "pages_sampled", json_object_new_int((int)a->checked));
	json_object_object_add(o, "pages_absent", json_object_new_int((int)a->absent));
	return o;
}

json_object *placement_json(const struct placement *p, const struct pin_plan *pin,
			    const struct placement_actual *a, bool match)
{
	json_object *o = json_object_new_object(), *planned = json_object_new_array();
	char set[256];

	json_object_object_add(o, "requested", json_object_new_string(p->spec));
	for (unsigned i = 0; i < a->nthreads && i < PLACEMENT_MAX_THREADS; i++) {
		placement_thread_set(p, pin, i, set, sizeof(set));
		json_object_array_add(planned, json_object_new_string(set));
	}
	json_object_object_add(o, "planned_cpus", planned);
	json_object_object_add(o, "oversubscribed", json_object_new_boolean(pin->oversubscribed));
	json_object_object_add(o, "mem_policy", json_object_new_string(
				       p->bound ? nplan_policy_name(p->plan.policy) : "default"));
	json_object_object_add(o, "mem_nodes", p->bound ?
			       int_array(p->plan.mem_node, p->plan.nmem) : NULL);
	json_object_object_add(o, "actual", actual_json(a));
	json_object_object_add(o, "match", json_object_new_boolean(match));
	json_object_object_add(o, "mismatch", a->mismatch[0] ?
			       json_object_new_string(a->mismatch) : NULL);
	return o;
}
