/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of what a run does with a plan (lib/placement): each thread's CPU set from
 * the plan and the pin plan, the memory policy and the node each vCPU's working set
 * must be on, the check of read-back affinities against the plan, and the move_pages
 * sample of memory on this machine. */
#include "check.h"
#include "placement.h"
#include "topo.h"

#include <errno.h>
#include <numaif.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* A bound placement of layout on a synthetic topology, pinned, two threads running. */
static void make(const char *topo, const char *layout, struct placement *p,
		 struct pin_plan *pin)
{
	hwloc_topology_t t;
	char err[256];

	memset(p, 0, sizeof(*p));
	memset(pin, 0, sizeof(*pin));
	CHECK_EQ_INT(topo_load(topo, &t, err, sizeof(err)), 0);
	CHECK_EQ_INT(nplan_make(t, layout, NULL, 2, &p->plan, err, sizeof(err)), NPLAN_OK);
	hwloc_topology_destroy(t);
	snprintf(p->spec, sizeof(p->spec), "%s", layout);
	p->bound = true;
	pin->on = true;
	pin->threads = 2;
	pin->usable = 1;
}

static void set_of(const struct placement *p, const struct pin_plan *pin, unsigned i,
		   const char *want)
{
	char got[64];

	placement_thread_set(p, pin, i, got, sizeof(got));
	if (strcmp(got, want)) {
		fprintf(stderr, "%s thread %u: CPU set %s, expected %s\n", p->spec, i, got, want);
		check_failures++;
	}
}

static void test_threads(void)
{
	struct placement p;
	struct pin_plan pin;
	struct placement_actual a;

	make("pack:2 numa:1 core:2 pu:1", "remote-ioctl", &p, &pin);
	CHECK(!placement_pin(&p, &pin, false));
	set_of(&p, &pin, 0, "2"); /* the ioctl thread (vCPU 0) on the farthest node */
	set_of(&p, &pin, 1, "0");
	memset(&a, 0, sizeof(a));
	a.nthreads = 2;
	strcpy(a.thread_cpus[0], "2");
	strcpy(a.thread_cpus[1], "0");
	CHECK(placement_verify(&p, &pin, &a));
	strcpy(a.thread_cpus[1], "1");
	CHECK(!placement_verify(&p, &pin, &a));
	CHECK(strstr(a.mismatch, "vCPU 1: on CPU(s) 1, planned 0") != NULL);

	/* an idle vCPU has no thread: nothing to check */
	memset(&a, 0, sizeof(a));
	a.nthreads = 2;
	strcpy(a.thread_cpus[0], "2");
	CHECK(placement_verify(&p, &pin, &a));
	a.thread_differs[0] = true;
	CHECK(!placement_verify(&p, &pin, &a) && strstr(a.mismatch, "differed from VM to VM"));

	/* one CPU a node: local's two threads share it, and say so */
	make("pack:2 numa:1 core:1 pu:1", "local", &p, &pin);
	CHECK(placement_pin(&p, &pin, false) && pin.oversubscribed);
	set_of(&p, &pin, 1, "0");
	/* vCPU 0 on a thread of its own: thread 0 the ioctl thread, thread 1 vCPU 0 */
	make("pack:2 numa:1 core:2 pu:1", "remote-ioctl", &p, &pin);
	pin.threads = 3;
	CHECK(placement_pin(&p, &pin, true));
	set_of(&p, &pin, 0, "2");
	set_of(&p, &pin, 1, "2");
	set_of(&p, &pin, 2, "0");
	/* --pin none: threads float over the layout's vCPU set */
	make("pack:2 numa:1 core:2 pu:1", "remote", &p, &pin);
	pin.on = false;
	set_of(&p, &pin, 0, "0-1");
}

static void test_memory(void)
{
	struct placement p;
	struct pin_plan pin;
	int mode;
	unsigned long nodes;

	make("pack:2 numa:1 core:2 pu:1", "spread", &p, &pin);
	placement_mem_policy(&p, &mode, &nodes);
	CHECK(mode == MPOL_BIND && nodes == 1UL); /* vCPU 0's set: the data slots */
	CHECK_EQ_U64(placement_expect_nodes(&p, 1), 2UL);
	make("pack:2 numa:1 core:2 pu:1", "interleave", &p, &pin);
	placement_mem_policy(&p, &mode, &nodes);
	CHECK(mode == MPOL_INTERLEAVE && nodes == 3UL);
	/* interleave: each node at least half an even share of every page sampled */
	struct placement_actual a;
	memset(&a, 0, sizeof(a));
	a.checked = 700;
	a.by_node[0] = 600;
	a.by_node[1] = 100;
	CHECK(!placement_verify(&p, &pin, &a) && strstr(a.mismatch, "100 of 700 sampled pages on node 1"));
	memset(&a, 0, sizeof(a));
	a.checked = 710;
	a.absent = 10;
	a.by_node[0] = 400;
	a.by_node[1] = 300;
	CHECK(placement_verify(&p, &pin, &a));
	make("pack:2 numa:1 core:2 pu:1", "remote", &p, &pin);
	placement_mem_policy(&p, &mode, &nodes);
	CHECK(mode == MPOL_BIND && nodes == 2UL && placement_expect_nodes(&p, 1) == 2UL);
	memset(&p, 0, sizeof(p)); /* default: no policy, pages anywhere */
	placement_mem_policy(&p, &mode, &nodes);
	CHECK(mode == 0 && nodes == 0 && placement_expect_nodes(&p, 0) == 0);
}

/* move_pages on touched memory of this machine: every page on some node; a mask without
 * that node is a mismatch, with it none. */
static void test_sample(void)
{
	struct placement_actual a;
	size_t len = 64 * 4096;
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED);
	memset(m, 1, len);
	memset(&a, 0, sizeof(a));
	if (placement_sample(&a, m, len, 16, 0, "test") < 0) {
		printf("move_pages unavailable here (%s): sample not tested\n", strerror(errno));
		munmap(m, len);
		return;
	}
	CHECK_EQ_INT(a.checked, 16);
	int node = -1;
	for (int n = 0; n < NPLAN_MAX_NODES; n++)
		if (a.by_node[n] == 16)
			node = n;
	CHECK(node >= 0 && !a.mismatch[0]);
	if (node < 0) {
		munmap(m, len);
		return;
	}
	/* every node but the one the pages are on */
	CHECK_EQ_INT(placement_sample(&a, m, len, 16, ~(1UL << node), "elsewhere"), 0);
	CHECK(strstr(a.mismatch, "elsewhere: 16 of 16 sampled pages on a node outside") != NULL);
	CHECK_EQ_INT(a.checked, 32);
	munmap(m, len);
}

int main(void)
{
	test_threads();
	test_memory();
	test_sample();
	CHECK_DONE();
}
