/* SPDX-License-Identifier: GPL-2.0 */
/* NUMA placement of a run: which node's CPUs run the vCPU threads (hwloc binding) and
 * which node holds the guest memory (libnuma/mbind memory policy), planned from a
 * --numa spec, and a check of where the memory really landed (move_pages). */
#ifndef MSB_PLACEMENT_H
#define MSB_PLACEMENT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#include "numaplan.h"

/* The spec as written when placement is off. Older result files carry it as the
 * layout's "numa", so default runs still match them. */
#define PLACEMENT_DEFAULT_DESC "default policy, unbound"

struct placement {
	bool bound;   /* false: kernel default policy, threads unbound */
	char spec[16]; /* "local", "remote", "C:M" or "default" */
	int cpu_node; /* OS index of the node whose CPUs run every thread */
	int mem_node; /* OS index of the node the guest memory is bound to */
	int distance; /* hwloc's distance cpu_node -> mem_node (10 = local) */
	char cpus[128]; /* cpu_node's CPUs, list form */
};

enum { PLACEMENT_OK = 0, PLACEMENT_BAD = -1, PLACEMENT_CANNOT = -2 };

/* Plan a --numa spec on this machine with lib/numaplan: "default"; "local" (CPUs and
 * memory of the first node that has both); "remote" (CPUs of that node, memory on the
 * node farthest from it by hwloc's distances); "C:M" (node OS indexes). PLACEMENT_BAD
 * for a malformed spec, a node that does not exist, or a layout the planner knows but a
 * run does not place yet (remote-ioctl, spread, interleave); PLACEMENT_CANNOT when the
 * machine cannot do it (remote on one node, no NUMA support): both with a one-line
 * reason in err. */
int placement_plan(const char *spec, struct placement *p, char *err, size_t errlen);
/* The placement options of a command line, checked before any VM. */
struct placement_cli {
	const char *numa;      /* --numa LIST, comma-separated */
	const char *topology;  /* --topology SYNTHETIC|FILE.xml, NULL: this machine */
	struct nplan_sets sets; /* --vcpu-cpus, --mem-nodes, --ioctl-cpu */
	unsigned nvcpus;
	bool plan;             /* --plan: print the plan of each layout to f */
};
/* Check every layout (and explicit set) on the topology: PLACEMENT_BAD with a one-line
 * reason naming the option for a malformed or impossible request (an unknown layout, a
 * node or CPU the machine lacks, an unreadable --topology, sets with a named layout,
 * --topology without --plan); a layout the machine cannot make is not an error here (a
 * run skips it, --plan says "cannot"). With pc->plan, print the plans to f. 0 when
 * fine. */
int placement_cli(const struct placement_cli *pc, FILE *f, char *err, size_t errlen);
/* Bind the process (its threads now and the ones it creates later) to cpu_node's CPUs.
 * 0, or -1 with a reason in err. No-op when !p->bound. */
int placement_bind_cpus(const struct placement *p, char *err, size_t errlen);
/* MPOL_BIND [addr, addr + len) to node before anything touches it: shmem (memfd)
 * keeps the policy with the file's pages, so aliased mappings share it. Dies on error. */
void placement_bind_memory(void *addr, size_t len, int node);
/* Query the nodes of up to max_pages pages spread evenly over [addr, addr + len), all
 * touched before: how many are on node, and how many were checked. -1 when move_pages
 * fails (errno kept). */
int placement_count_on_node(const void *addr, size_t len, int node, unsigned max_pages,
			    unsigned *on_node, unsigned *checked);
/* The layout object of a result file for this placement. */
json_object *placement_layout_json(const struct placement *p);

#endif
