/* SPDX-License-Identifier: GPL-2.0 */
/* The NUMA planner: (layout, topology) -> the CPU of the ioctl thread, the CPU of every
 * vCPU, and the memory nodes with their policy, or "cannot" with a one-line reason.
 * Pure: it reads nothing but the hwloc topology it is given (this machine's, a synthetic
 * description or an XML export, see topo_load()), with distances from hwloc's distances
 * API, so a layout can be planned and unit-tested for a machine one does not have.
 * vCPU 0 runs in the ioctl thread (it measures the refaults after each change), so its
 * CPU is always the ioctl thread's. */
#ifndef MSB_NUMAPLAN_H
#define MSB_NUMAPLAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <hwloc.h>

#define NPLAN_MAX_VCPUS 256
#define NPLAN_MAX_NODES 64
#define NPLAN_MAX_CPUS 4096

/* The layouts --numa takes, for messages and help. */
#define NPLAN_LAYOUTS "default, local, remote, remote-ioctl, spread, interleave, " \
	"CPU_NODE:MEM_NODE"

enum { NPLAN_OK = 0, NPLAN_BAD = -1, NPLAN_CANNOT = -2 };

enum nplan_policy {
	NPLAN_MEM_DEFAULT,    /* no memory policy: where the kernel puts it */
	NPLAN_MEM_BIND,       /* MPOL_BIND to mem_node[] */
	NPLAN_MEM_INTERLEAVE, /* MPOL_INTERLEAVE over mem_node[] */
	NPLAN_MEM_PER_VCPU,   /* each vCPU's working set on its vCPU's node (spread) */
};

/* --vcpu-cpus LIST, --mem-nodes LIST, --ioctl-cpu N as typed ("0-3,8"); NULL: not given. */
struct nplan_sets {
	const char *vcpu_cpus, *mem_nodes, *ioctl_cpu;
};

struct nplan {
	char layout[32];          /* as asked: "local", "0:1", "explicit" */
	bool bound;               /* false: "default", no NUMA binding (threads still pinned) */
	int ioctl_cpu, ioctl_node;
	unsigned nvcpus;
	int vcpu_cpu[NPLAN_MAX_VCPUS], vcpu_node[NPLAN_MAX_VCPUS];
	enum nplan_policy policy;
	unsigned nmem;
	int mem_node[NPLAN_MAX_NODES];
	int cpu_node;             /* the node of every vCPU's CPU, -1 when several */
	int distance;             /* cpu_node -> the one bound memory node, else -1 */
	int ioctl_distance;       /* ioctl_node -> the one bound memory node, else -1 */
	bool measured;            /* distance from hwloc's matrix, not derived from the tree */
	char cpus[256];           /* every CPU the threads may run on (the process binding) */
	char vcpu_set[256];       /* the CPU set the vCPUs were planned on, list form */
	bool shared;              /* more threads than CPUs in a set: some share one */
};

/* Plan layout (one --numa item, or NULL with sets given: "explicit") for nvcpus vCPUs
 * on topology t. NPLAN_BAD: a malformed layout or set, a node or CPU t does not have;
 * NPLAN_CANNOT: t cannot make the layout (remote on one node). Both with a one-line
 * reason naming the option in err. */
int nplan_make(hwloc_topology_t t, const char *layout, const struct nplan_sets *sets,
	       unsigned nvcpus, struct nplan *p, char *err, size_t errlen);
/* Whether any explicit set is given. */
bool nplan_sets_given(const struct nplan_sets *s);
/* Parse "0-3,8" into set (allocated by the caller); -1 when malformed. */
int nplan_parse_list(const char *s, hwloc_bitmap_t set);
/* The plan, a few indented lines under "layout NAME:". */
void nplan_print(FILE *f, const struct nplan *p);
/* "bind", "interleave", "per-vcpu" or "default". */
const char *nplan_policy_name(enum nplan_policy policy);

#endif
