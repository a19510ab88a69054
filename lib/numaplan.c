/* SPDX-License-Identifier: GPL-2.0 */
/* The NUMA planner on a given hwloc topology: which node is A (the first with CPUs and
 * memory), which is farthest by hwloc's distances, and which CPUs the ioctl thread and
 * the vCPUs get (one core each before SMT siblings, one CPU per thread while there are
 * enough). */
#include "numaplan.h"
#include "topo.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

struct np_node {
	unsigned os;
	hwloc_obj_t obj;
	bool cpus, mem;
};

struct np_ctx {
	hwloc_topology_t t;
	struct np_node nodes[NPLAN_MAX_NODES];
	unsigned n;
	const struct np_node *a; /* the first node with CPUs and memory */
	hwloc_bitmap_t used;     /* CPUs given to a thread so far */
	unsigned wrap;           /* picks made after a set ran out */
};

const char *nplan_policy_name(enum nplan_policy policy)
{
	static const char *const names[] = { "default", "bind", "interleave", "per-vcpu" };

	return (unsigned)policy < 4 ? names[policy] : "?";
}

bool nplan_sets_given(const struct nplan_sets *s)
{
	return s && (s->vcpu_cpus || s->mem_nodes || s->ioctl_cpu);
}

/* A number of at most 4095, digits only; the end in *end. */
static bool number(const char *s, const char **end, unsigned *out)
{
	unsigned long v = 0;
	const char *p = s;

	while (isdigit((unsigned char)*p) && v <= 4095)
		v = v * 10 + (unsigned)(*p++ - '0');
	*end = p;
	*out = (unsigned)v;
	return p > s && v <= 4095;
}

int nplan_parse_list(const char *s, hwloc_bitmap_t set)
{
	const char *p = s;

	hwloc_bitmap_zero(set);
	if (!s || !*s)
		return -1;
	for (;;) {
		unsigned lo, hi;
		if (!number(p, &p, &lo))
			return -1;
		hi = lo;
		if (*p == '-' && (!number(p + 1, &p, &hi) || hi < lo))
			return -1;
		hwloc_bitmap_set_range(set, lo, (int)hi);
		if (!*p)
			return 0;
		if (*p++ != ',')
			return -1;
	}
}

static void list_nodes(struct np_ctx *c)
{
	hwloc_obj_t o = NULL;

	c->n = 0;
	c->a = NULL;
	while (c->n < NPLAN_MAX_NODES &&
	       (o = hwloc_get_next_obj_by_type(c->t, HWLOC_OBJ_NUMANODE, o))) {
		struct np_node *nd = &c->nodes[c->n++];
		nd->os = o->os_index;
		nd->obj = o;
		nd->cpus = o->cpuset && !hwloc_bitmap_iszero(o->cpuset);
		nd->mem = o->attr && o->attr->numanode.local_memory > 0;
		if (!c->a && nd->cpus && nd->mem)
			c->a = nd;
	}
}

static const struct np_node *find_node(const struct np_ctx *c, unsigned os)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->nodes[i].os == os)
			return &c->nodes[i];
	return NULL;
}

static unsigned count_nodes(const struct np_ctx *c, bool cpus, bool mem)
{
	unsigned k = 0;

	for (unsigned i = 0; i < c->n; i++)
		k += (!cpus || c->nodes[i].cpus) && (!mem || c->nodes[i].mem);
	return k;
}

/* The node farthest from `from` among those with CPUs (cpus) or memory, the first of
 * equals; NULL when there is no other. */
static const struct np_node *farthest(const struct np_ctx *c, const struct np_node *from,
				      bool cpus)
{
	const struct np_node *best = NULL;
	int best_d = -1;

	for (unsigned i = 0; i < c->n; i++) {
		const struct np_node *nd = &c->nodes[i];
		if (nd == from || !(cpus ? nd->cpus : nd->mem))
			continue;
		int d = topo_distance(c->t, from->os, nd->os, NULL);
		if (d > best_d) {
			best = nd;
			best_d = d;
		}
	}
	return best;
}

/* The node whose CPUs hold cpu (the first), -1 if none. */
static int node_of_cpu(const struct np_ctx *c, int cpu)
{
	for (unsigned i = 0; i < c->n; i++)
		if (c->nodes[i].cpus && hwloc_bitmap_isset(c->nodes[i].obj->cpuset, (unsigned)cpu))
			return (int)c->nodes[i].os;
	return -1;
}

/* A CPU of set for one more thread: the first unused one in topo_order_cpus() order
 * (cores before SMT siblings), as lib/pin gives them; in turn once all are used. */
static int pick_cpu(struct np_ctx *c, hwloc_const_cpuset_t set, bool *shared)
{
	int order[NPLAN_MAX_CPUS];
	unsigned n = topo_order_cpus(c->t, set, order, NPLAN_MAX_CPUS);

	for (unsigned i = 0; i < n; i++)
		if (!hwloc_bitmap_isset(c->used, (unsigned)order[i])) {
			hwloc_bitmap_set(c->used, (unsigned)order[i]);
			return order[i];
		}
	*shared = true;
	return n ? order[c->wrap++ % n] : -1;
}

/* The ioctl thread (and vCPU 0) on a CPU of ioctl_set, vCPU i >= 1 on a CPU of
 * vsets[i % nsets]. */
static void assign(struct np_ctx *c, struct nplan *p, hwloc_const_cpuset_t ioctl_set,
		   hwloc_const_cpuset_t const *vsets, unsigned nsets)
{
	hwloc_bitmap_t all = hwloc_bitmap_dup(ioctl_set), vall = hwloc_bitmap_alloc();

	p->ioctl_cpu = pick_cpu(c, ioctl_set, &p->shared);
	p->ioctl_node = node_of_cpu(c, p->ioctl_cpu);
	p->vcpu_cpu[0] = p->ioctl_cpu;
	p->vcpu_node[0] = p->ioctl_node;
	for (unsigned i = 1; i < p->nvcpus; i++) {
		p->vcpu_cpu[i] = pick_cpu(c, vsets[i % nsets], &p->shared);
		p->vcpu_node[i] = node_of_cpu(c, p->vcpu_cpu[i]);
	}
	for (unsigned i = 0; i < nsets; i++) {
		hwloc_bitmap_or(all, all, vsets[i]);
		hwloc_bitmap_or(vall, vall, vsets[i]);
	}
	hwloc_bitmap_list_snprintf(p->cpus, sizeof(p->cpus), all);
	hwloc_bitmap_list_snprintf(p->vcpu_set, sizeof(p->vcpu_set), vall);
	p->cpu_node = p->vcpu_node[0];
	for (unsigned i = 1; i < p->nvcpus; i++)
		if (p->vcpu_node[i] != p->cpu_node)
			p->cpu_node = -1;
	hwloc_bitmap_free(all);
	hwloc_bitmap_free(vall);
}

static void set_mem(struct nplan *p, enum nplan_policy pol, const struct np_node *nd)
{
	p->policy = pol;
	if (nd && p->nmem < NPLAN_MAX_NODES)
		p->mem_node[p->nmem++] = (int)nd->os;
}

/* vCPUs (and the ioctl thread) on one node's CPUs, memory by policy. */
static void on_node(struct np_ctx *c, struct nplan *p, const struct np_node *cpu,
		    const struct np_node *ioctl)
{
	hwloc_const_cpuset_t v = cpu->obj->cpuset;

	assign(c, p, ioctl->obj->cpuset, &v, 1);
}

static int plan_remote(struct np_ctx *c, struct nplan *p, bool ioctl_remote, char *err,
		       size_t errlen)
{
	const struct np_node *b = farthest(c, c->a, ioctl_remote);

	if (!b && ioctl_remote)
		return msb_fail_code(NPLAN_CANNOT, err, errlen, "--numa remote-ioctl needs 2 NUMA nodes "
				     "with CPUs, this machine has %u", count_nodes(c, true, false));
	if (!b)
		return msb_fail_code(NPLAN_CANNOT, err, errlen, "--numa remote needs a second NUMA node "
				     "with memory; this machine has %u", count_nodes(c, false, true));
	on_node(c, p, c->a, ioctl_remote ? b : c->a);
	set_mem(p, NPLAN_MEM_BIND, ioctl_remote ? c->a : b);
	return NPLAN_OK;
}

static int plan_spread(struct np_ctx *c, struct nplan *p, char *err, size_t errlen)
{
	hwloc_const_cpuset_t sets[NPLAN_MAX_NODES];
	const struct np_node *first = NULL;
	unsigned k = 0;

	for (unsigned i = 0; i < c->n; i++) {
		if (!c->nodes[i].cpus || !c->nodes[i].mem)
			continue;
		first = first ? first : &c->nodes[i];
		set_mem(p, NPLAN_MEM_PER_VCPU, &c->nodes[i]);
		/* vCPU i on sets[i % k]: vCPU 0 (the ioctl thread) on the first node */
		sets[k++] = c->nodes[i].obj->cpuset;
	}
	if (k < 2)
		return msb_fail_code(NPLAN_CANNOT, err, errlen, "--numa spread needs 2 NUMA nodes with CPUs "
				     "and memory, this machine has %u", k);
	assign(c, p, first->obj->cpuset, sets, k);
	return NPLAN_OK;
}

static int plan_interleave(struct np_ctx *c, struct nplan *p, char *err, size_t errlen)
{
	unsigned k = count_nodes(c, false, true);

	if (k < 2)
		return msb_fail_code(NPLAN_CANNOT, err, errlen, "--numa interleave needs 2 NUMA nodes with "
				     "memory, this machine has %u", k);
	on_node(c, p, c->a, c->a);
	for (unsigned i = 0; i < c->n; i++)
		if (c->nodes[i].mem)
			set_mem(p, NPLAN_MEM_INTERLEAVE, &c->nodes[i]);
	return NPLAN_OK;
}

/* "C:M": node OS indexes. 1 when spec is not of that form. */
static int plan_nodes(struct np_ctx *c, struct nplan *p, const char *spec, char *err,
		      size_t errlen)
{
	unsigned cn, mn;
	const char *e;

	if (!number(spec, &e, &cn) || *e != ':' || !number(e + 1, &e, &mn) || *e)
		return 1;
	const struct np_node *cpu = find_node(c, cn), *mem = find_node(c, mn);
	if (!cpu || !cpu->cpus)
		return msb_fail_code(NPLAN_BAD, err, errlen, "--numa %s: node %u %s", spec, cn,
				     cpu ? "has no CPUs" : "does not exist on this machine");
	if (!mem || !mem->mem)
		return msb_fail_code(NPLAN_BAD, err, errlen, "--numa %s: node %u %s", spec, mn,
				     mem ? "has no memory" : "does not exist on this machine");
	on_node(c, p, cpu, cpu);
	set_mem(p, NPLAN_MEM_BIND, mem);
	return NPLAN_OK;
}

/* A list option's set, a subset of what the topology has. */
static int parse_set(const char *opt, const char *s, hwloc_const_bitmap_t have, bool nodes,
		     hwloc_bitmap_t set, char *err, size_t errlen)
{
	char has[128], extra[128];

	bool ok = nplan_parse_list(s, set) == 0;
	if (!ok && !strcmp(opt, "--ioctl-cpu"))
		return msb_fail_code(NPLAN_BAD, err, errlen, "%s '%s': not a CPU number", opt, s);
	if (!ok)
		return msb_fail_code(NPLAN_BAD, err, errlen, "%s '%s': not a list of %s numbers such as "
				     "0-3,8", opt, s, nodes ? "node" : "CPU");
	if (hwloc_bitmap_isincluded(set, have))
		return NPLAN_OK;
	hwloc_bitmap_t out = hwloc_bitmap_dup(set);
	hwloc_bitmap_andnot(out, out, have);
	hwloc_bitmap_list_snprintf(extra, sizeof(extra), out);
	hwloc_bitmap_list_snprintf(has, sizeof(has), have);
	hwloc_bitmap_free(out);
	return msb_fail_code(NPLAN_BAD, err, errlen, "%s %s: %s %s not on this machine (it has %s %s)",
			     opt, s, nodes ? "node(s)" : "CPU(s)", extra, nodes ? "nodes" : "CPUs", has);
}

static int plan_explicit(struct np_ctx *c, struct nplan *p, const struct nplan_sets *x,
			 char *err, size_t errlen)
{
	hwloc_const_cpuset_t cpus = hwloc_topology_get_topology_cpuset(c->t);
	hwloc_bitmap_t v = hwloc_bitmap_alloc(), io = hwloc_bitmap_alloc(),
		       m = hwloc_bitmap_alloc();
	int r = NPLAN_OK;

	if (!x->vcpu_cpus || !x->mem_nodes)
		r = msb_fail_code(NPLAN_BAD, err, errlen, "--%s: explicit placement needs --vcpu-cpus LIST "
				  "and --mem-nodes LIST (--ioctl-cpu N optional)", x->vcpu_cpus ? "vcpu-cpus"
				  : x->mem_nodes ? "mem-nodes" : "ioctl-cpu");
	if (!r)
		r = parse_set("--vcpu-cpus", x->vcpu_cpus, cpus, false, v, err, errlen);
	if (!r)
		r = parse_set("--mem-nodes", x->mem_nodes,
			      hwloc_topology_get_topology_nodeset(c->t), true, m, err, errlen);
	if (!r && x->ioctl_cpu) {
		r = parse_set("--ioctl-cpu", x->ioctl_cpu, cpus, false, io, err, errlen);
		if (!r && hwloc_bitmap_weight(io) != 1)
			r = msb_fail_code(NPLAN_BAD, err, errlen, "--ioctl-cpu %s: one CPU number",
					  x->ioctl_cpu);
	}
	if (!r) {
		hwloc_bitmap_t ioset = x->ioctl_cpu ? io : v;
		hwloc_const_cpuset_t vs = v;
		/* the ioctl CPU first, so vCPUs 1.. take the others of the set */
		assign(c, p, ioset, &vs, 1);
		for (int i = hwloc_bitmap_first(m); i >= 0; i = hwloc_bitmap_next(m, i))
			set_mem(p, NPLAN_MEM_BIND, find_node(c, (unsigned)i));
	}
	hwloc_bitmap_free(v);
	hwloc_bitmap_free(io);
	hwloc_bitmap_free(m);
	return r;
}

static int plan_named(struct np_ctx *c, struct nplan *p, const char *l, char *err,
		      size_t errlen)
{
	if (!strcmp(l, "default")) {
		hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(c->t);
		assign(c, p, all, &all, 1);
		return NPLAN_OK;
	}
	int r = plan_nodes(c, p, l, err, errlen);
	if (r <= 0)
		return r;
	bool known = !strcmp(l, "local") || !strcmp(l, "remote") || !strcmp(l, "remote-ioctl") ||
		     !strcmp(l, "spread") || !strcmp(l, "interleave");
	if (!known)
		return msb_fail_code(NPLAN_BAD, err, errlen, "--numa '%s': not a layout (%s)", l,
				     NPLAN_LAYOUTS);
	if (!c->a)
		return msb_fail_code(NPLAN_CANNOT, err, errlen, "--numa %s: no NUMA node has both CPUs and "
				     "memory", l);
	if (!strcmp(l, "local")) {
		on_node(c, p, c->a, c->a);
		set_mem(p, NPLAN_MEM_BIND, c->a);
		return NPLAN_OK;
	}
	if (!strcmp(l, "spread"))
		return plan_spread(c, p, err, errlen);
	if (!strcmp(l, "interleave"))
		return plan_interleave(c, p, err, errlen);
	return plan_remote(c, p, !strcmp(l, "remote-ioctl"), err, errlen);
}

int nplan_make(hwloc_topology_t t, const char *layout, const struct nplan_sets *sets,
	       unsigned nvcpus, struct nplan *p, char *err, size_t errlen)
{
	struct np_ctx c = { .t = t };
	const char *l = layout ? layout : "explicit";
	int r;

	memset(p, 0, sizeof(*p));
	p->distance = p->ioctl_distance = -1;
	p->nvcpus = nvcpus < 1 ? 1 : nvcpus > NPLAN_MAX_VCPUS ? NPLAN_MAX_VCPUS : nvcpus;
	if (strlen(l) >= sizeof(p->layout))
		return msb_fail_code(NPLAN_BAD, err, errlen, "--numa '%.40s...': not a layout (%s)", l,
				     NPLAN_LAYOUTS);
	snprintf(p->layout, sizeof(p->layout), "%s", l);
	if (layout && nplan_sets_given(sets))
		return msb_fail_code(NPLAN_BAD, err, errlen, "--%s: explicit sets set the layout "
				     "themselves: not with --numa %s", sets->vcpu_cpus ? "vcpu-cpus" :
				     sets->mem_nodes ? "mem-nodes" : "ioctl-cpu", layout);
	list_nodes(&c);
	c.used = hwloc_bitmap_alloc();
	r = layout ? plan_named(&c, p, layout, err, errlen) :
		     plan_explicit(&c, p, sets, err, errlen);
	hwloc_bitmap_free(c.used);
	if (r != NPLAN_OK)
		return r;
	p->bound = strcmp(l, "default") != 0;
	if (p->policy == NPLAN_MEM_BIND && p->nmem == 1 && p->cpu_node >= 0)
		p->distance = topo_distance(t, (unsigned)p->cpu_node, (unsigned)p->mem_node[0],
					    &p->measured);
	if (p->policy == NPLAN_MEM_BIND && p->nmem == 1 && p->ioctl_node >= 0)
		p->ioctl_distance = topo_distance(t, (unsigned)p->ioctl_node,
						  (unsigned)p->mem_node[0], &p->measured);
	return NPLAN_OK;
}

static void print_nodes(FILE *f, const struct nplan *p)
{
	for (unsigned i = 0; i < p->nmem; i++)
		fprintf(f, "%s%d", i ? "," : "", p->mem_node[i]);
}

void nplan_print(FILE *f, const struct nplan *p)
{
	fprintf(f, "layout %s:\n", p->layout);
	fprintf(f, "  ioctl thread  CPU %d (node %d)\n", p->ioctl_cpu, p->ioctl_node);
	for (unsigned i = 0; i < p->nvcpus; i++)
		fprintf(f, "  vCPU %-7u  CPU %d (node %d)%s\n", i, p->vcpu_cpu[i], p->vcpu_node[i],
			i ? "" : ", runs in the ioctl thread");
	fprintf(f, "  memory        ");
	switch (p->policy) {
	case NPLAN_MEM_DEFAULT:
		fprintf(f, "no policy (where the kernel puts it)");
		break;
	case NPLAN_MEM_BIND:
		fprintf(f, "bind to node ");
		print_nodes(f, p);
		if (p->distance > 0)
			fprintf(f, " (distance %d from node %d, %s)", p->distance, p->cpu_node,
				p->measured ? "hwloc matrix" : "derived from the tree");
		else if (p->ioctl_distance > 0)
			fprintf(f, " (distance %d from the ioctl thread's node %d, %s)",
				p->ioctl_distance, p->ioctl_node, p->measured ? "hwloc matrix" :
				"derived from the tree");
		break;
	case NPLAN_MEM_INTERLEAVE:
		fprintf(f, "interleave over nodes ");
		print_nodes(f, p);
		break;
	case NPLAN_MEM_PER_VCPU:
		fprintf(f, "each vCPU's working set on its vCPU's node (nodes ");
		print_nodes(f, p);
		fprintf(f, "); vCPU 0's on node %d", p->vcpu_node[0]);
		break;
	}
	fprintf(f, "\n%s", p->shared ? "  note          more threads than CPUs: some share "
		"one\n" : "");
}
