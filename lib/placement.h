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
#include "pin.h"

/* The spec as written when placement is off. Older result files carry it as the
 * layout's "numa", so default runs still match them. */
#define PLACEMENT_DEFAULT_DESC "default policy, unbound"

/* One thread per vCPU at most (ASPACE_MAX_VCPUS). */
#define PLACEMENT_MAX_THREADS 64

struct placement {
	bool bound;   /* false: --numa default, no memory policy (threads still pinned) */
	char spec[32]; /* "local", "remote-ioctl", "C:M", "explicit" or "default" */
	struct nplan plan; /* the planner's output on this machine (bound layouts) */
	/* the layout object of older files, for default, local, remote and C:M */
	int cpu_node; /* OS index of the node whose CPUs run every vCPU, -1 when several */
	int mem_node; /* OS index of the one node the memory is bound to, else -1 */
	int distance; /* hwloc's distance cpu_node -> mem_node (10 = local) */
	char cpus[128]; /* every vCPU's CPU set, list form */
	bool legacy;  /* the layout object as before (one CPU node, one bound node) */
};

/* Where a run's threads and memory really were, gathered over its VMs. */
struct placement_actual {
	char thread_cpus[PLACEMENT_MAX_THREADS][64]; /* affinity read back; "" no thread */
	unsigned nthreads;        /* threads 0 (ioctl + vCPU 0) .. nthreads-1 */
	bool own_threads;         /* thread 0 is the ioctl thread alone, vCPU i is thread 1+i */
	unsigned by_node[NPLAN_MAX_NODES]; /* sampled pages on each node (index: OS index) */
	unsigned checked, absent; /* pages sampled; of them not present (move_pages -ENOENT) */
	bool thread_differs[PLACEMENT_MAX_THREADS]; /* another VM read back another set */
	char mismatch[256];       /* the first difference from the plan; "" none */
};

enum { PLACEMENT_OK = 0, PLACEMENT_BAD = -1, PLACEMENT_CANNOT = -2 };

/* Plan one --numa layout (spec; NULL with sets given: explicit) for nvcpus vCPUs on
 * this machine with lib/numaplan. PLACEMENT_BAD for a malformed spec or a node or CPU
 * that does not exist; PLACEMENT_CANNOT when the machine cannot make it (remote on one
 * node, no NUMA support): both with a one-line reason in err. */
int placement_plan(const char *spec, const struct nplan_sets *sets, unsigned nvcpus,
		   struct placement *p, char *err, size_t errlen);
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
/* The CPU of each thread the planner chose, into the pin plan (pin->on only; default
 * keeps lib/pin's choice): thread i is vCPU i (vCPU 0 runs in the ioctl thread), or with
 * own_threads thread 0 is the ioctl thread and thread 1+i vCPU i. Returns whether
 * threads that run at once share a CPU. */
bool placement_pin(const struct placement *p, struct pin_plan *pin, bool own_threads);
/* The CPU set thread i (0: the ioctl thread and vCPU 0, i: vCPU i) must run on, list
 * form: its pinned CPU, else (--pin none) the vCPUs' CPU set of a bound layout or every
 * usable CPU. */
void placement_thread_set(const struct placement *p, const struct pin_plan *pin, unsigned i,
			  char *buf, size_t len);
/* Bind the calling thread as placement_thread_set() says, and record its affinity as
 * read back in a->thread_cpus[i] (a may be NULL). 0, or -1 with err. */
int placement_bind_thread(const struct placement *p, const struct pin_plan *pin, unsigned i,
			  struct placement_actual *a, char *err, size_t errlen);
/* The memory policy guest memory gets before its first touch: *mode 0 (none),
 * MPOL_BIND or MPOL_INTERLEAVE, *nodes a mask of node OS indexes. spread binds
 * everything to vCPU 0's node; placement_bind_vcpu_set() moves the others' sets. */
void placement_mem_policy(const struct placement *p, int *mode, unsigned long *nodes);
/* Apply a policy to [addr, addr + len) before anything touches it: shmem (memfd) keeps
 * it with the file's pages, so aliased mappings share it. Dies on error. */
void placement_bind_memory(void *addr, size_t len, int mode, unsigned long nodes);
/* spread: bind vCPU i's working set [addr, addr + len) to its vCPU's node. */
void placement_bind_vcpu_set(const struct placement *p, unsigned i, void *addr, size_t len);
/* Sample up to max_pages pages spread over [addr, addr + len) (move_pages) and check
 * them against the node set expected (a mask, 0: anywhere), adding to a->by_node. -1
 * when move_pages fails (errno kept). */
int placement_sample(struct placement_actual *a, const void *addr, size_t len,
		     unsigned max_pages, unsigned long expect, const char *what);
/* The node mask vCPU i's working set must be on (0: anywhere, default). */
unsigned long placement_expect_nodes(const struct placement *p, unsigned i);
/* Check the threads' affinity against the plan, and under interleave that each node
 * holds at least half of an even share of the pages sampled; then a->mismatch says the
 * first difference of threads or memory. true when everything matched. */
bool placement_verify(const struct placement *p, const struct pin_plan *pin,
		      struct placement_actual *a);
/* The layout object of a result file for this placement (as before for default, local,
 * remote and C:M, so their runs still match older files). */
json_object *placement_layout_json(const struct placement *p);
/* The run's "placement" block: requested, planned, actual, match. */
json_object *placement_json(const struct placement *p, const struct pin_plan *pin,
			    const struct placement_actual *a, bool match);

#endif
