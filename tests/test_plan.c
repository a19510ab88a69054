/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test of the NUMA planner (lib/numaplan) on machines this one is not: synthetic
 * hwloc topologies, one restricted to be asymmetric, and XML exports with a distance
 * matrix under tests/data/topo/. */
#include "check.h"
#include "numaplan.h"
#include "topo.h"

#include <string.h>

static hwloc_topology_t load(const char *spec)
{
	hwloc_topology_t t;
	char err[256], path[512];
	const char *dir = getenv("top_srcdir");

	if (strstr(spec, ".xml")) {
		snprintf(path, sizeof(path), "%s/tests/data/topo/%s", dir ? dir : ".", spec);
		spec = path;
	}
	if (topo_load(spec, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "cannot load %s: %s\n", spec, err);
		exit(99);
	}
	return t;
}

/* Plan and expect rc; with NPLAN_OK, print the plan (the test's log shows it). */
static int plan(hwloc_topology_t t, const char *layout, unsigned nvcpus, struct nplan *p,
		int rc, const char *msg)
{
	char err[256] = "";
	int r = nplan_make(t, layout, NULL, nvcpus, p, err, sizeof(err));

	CHECK_EQ_INT(r, rc);
	if (r == NPLAN_OK)
		nplan_print(stdout, p);
	else
		printf("layout %s: cannot: %s\n", layout, err);
	if (msg && !strstr(err, msg)) {
		fprintf(stderr, "%s: '%s' does not say '%s'\n", layout, err, msg);
		check_failures++;
	}
	return r;
}

static int explicit_plan(hwloc_topology_t t, const char *layout, const char *v,
			 const char *m, const char *io, struct nplan *p, char *err)
{
	const struct nplan_sets s = { .vcpu_cpus = v, .mem_nodes = m, .ioctl_cpu = io };

	err[0] = '\0';
	return nplan_make(t, layout, &s, 4, p, err, 256);
}

/* Cores before SMT siblings: the order lib/pin gives a run's threads too. */
static void test_order(void)
{
	hwloc_topology_t t = load("pack:1 numa:1 core:2 pu:2");
	int cpus[8];

	CHECK_EQ_INT(topo_order_cpus(t, hwloc_topology_get_topology_cpuset(t), cpus, 8), 4);
	CHECK(cpus[0] == 0 && cpus[1] == 2 && cpus[2] == 1 && cpus[3] == 3);
	CHECK_EQ_INT(topo_order_cpus(t, hwloc_topology_get_topology_cpuset(t), cpus, 2), 2);
	hwloc_topology_destroy(t);
}

static void test_parse_list(void)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();

	CHECK_EQ_INT(nplan_parse_list("0-3,8", b), 0);
	CHECK_EQ_INT(hwloc_bitmap_weight(b), 5);
	CHECK(hwloc_bitmap_isset(b, 8) && !hwloc_bitmap_isset(b, 4));
	CHECK_EQ_INT(nplan_parse_list("7", b), 0);
	CHECK_EQ_INT(hwloc_bitmap_first(b), 7);
	static const char *const bad[] = { "", "-1", "3-1", "1,,2", "1,", "a", "1-", "0x3",
					   "99999", "1 2" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(nplan_parse_list(bad[i], b), -1);
	hwloc_bitmap_free(b);
}

/* 2 packages x 2 nodes x 8 cores x 2 PUs: distances derived from the tree. */
static void test_two_packages(void)
{
	hwloc_topology_t t = load("pack:2 numa:2 core:8 pu:2");
	struct nplan p;

	plan(t, "local", 4, &p, NPLAN_OK, NULL);
	CHECK(p.bound && p.policy == NPLAN_MEM_BIND && p.nmem == 1 && p.mem_node[0] == 0);
	/* one core each before SMT siblings: PUs 0, 2, 4, 6 */
	CHECK(p.ioctl_cpu == 0 && p.vcpu_cpu[0] == 0 && p.vcpu_cpu[1] == 2 && p.vcpu_cpu[3] == 6);
	CHECK(p.cpu_node == 0 && p.distance == 10 && !p.measured && !p.shared);
	CHECK(!strcmp(p.cpus, "0-15"));
	plan(t, "remote", 4, &p, NPLAN_OK, NULL);
	/* node 1 shares the package: the farthest is node 2, in the other one */
	CHECK(p.mem_node[0] == 2 && p.distance == 30 && p.ioctl_node == 0);
	plan(t, "remote-ioctl", 4, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 32 && p.ioctl_node == 2 && p.vcpu_cpu[0] == 32);
	CHECK(p.vcpu_cpu[1] == 0 && p.vcpu_node[1] == 0 && p.vcpu_cpu[3] == 4);
	CHECK(p.policy == NPLAN_MEM_BIND && p.mem_node[0] == 0 && p.cpu_node == -1);
	CHECK(!strcmp(p.cpus, "0-15,32-47") && !strcmp(p.vcpu_set, "0-15"));
	plan(t, "spread", 4, &p, NPLAN_OK, NULL);
	CHECK(p.policy == NPLAN_MEM_PER_VCPU && p.nmem == 4);
	CHECK(p.vcpu_cpu[0] == 0 && p.vcpu_cpu[1] == 16 && p.vcpu_cpu[2] == 32 &&
	      p.vcpu_cpu[3] == 48);
	CHECK(p.vcpu_node[1] == 1 && p.vcpu_node[2] == 2 && p.vcpu_node[3] == 3);
	plan(t, "interleave", 2, &p, NPLAN_OK, NULL);
	CHECK(p.policy == NPLAN_MEM_INTERLEAVE && p.nmem == 4 && p.mem_node[3] == 3);
	CHECK(p.distance == -1 && p.cpu_node == 0);
	plan(t, "1:3", 2, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 16 && p.vcpu_cpu[1] == 18 && p.mem_node[0] == 3 && p.distance == 30);
	plan(t, "default", 2, &p, NPLAN_OK, NULL);
	CHECK(!p.bound && p.policy == NPLAN_MEM_DEFAULT && p.ioctl_cpu == 0 && p.vcpu_cpu[1] == 2);
	plan(t, "1:9", 1, &p, NPLAN_BAD, "node 9 does not exist");
	plan(t, "9:1", 1, &p, NPLAN_BAD, "node 9 does not exist");
	plan(t, "1:", 1, &p, NPLAN_BAD, "not a layout");
	plan(t, "nearby", 1, &p, NPLAN_BAD, "default, local, remote, remote-ioctl, spread, "
	     "interleave, CPU_NODE:MEM_NODE");
	hwloc_topology_destroy(t);
}

/* --vcpu-cpus, --mem-nodes, --ioctl-cpu on the same machine. */
static void test_explicit(void)
{
	hwloc_topology_t t = load("pack:2 numa:2 core:8 pu:2");
	struct nplan p;
	char err[256];

	CHECK_EQ_INT(explicit_plan(t, NULL, "4-5,8", "1", "20", &p, err), NPLAN_OK);
	nplan_print(stdout, &p);
	/* vCPUs on 4 and 8 (cores) before 5 (4's sibling) */
	CHECK(p.ioctl_cpu == 20 && p.ioctl_node == 1 && p.vcpu_cpu[0] == 20);
	CHECK(p.vcpu_cpu[1] == 4 && p.vcpu_cpu[2] == 8 && p.vcpu_cpu[3] == 5);
	CHECK(p.bound && p.policy == NPLAN_MEM_BIND && p.nmem == 1 && p.mem_node[0] == 1);
	CHECK(!strcmp(p.layout, "explicit"));
	CHECK_EQ_INT(explicit_plan(t, NULL, "0-3", "0,2", NULL, &p, err), NPLAN_OK);
	CHECK(p.ioctl_cpu == 0 && p.vcpu_cpu[1] == 2 && p.nmem == 2 && p.mem_node[1] == 2);
	CHECK_EQ_INT(explicit_plan(t, NULL, "0-999", "0", NULL, &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--vcpu-cpus 0-999") && strstr(err, "64-999"));
	CHECK_EQ_INT(explicit_plan(t, NULL, "0", "7", NULL, &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--mem-nodes 7") && strstr(err, "not on this machine"));
	CHECK_EQ_INT(explicit_plan(t, NULL, "0", "0", "-1", &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--ioctl-cpu") != NULL);
	CHECK_EQ_INT(explicit_plan(t, NULL, "0", "0", "1-2", &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--ioctl-cpu 1-2: one CPU") != NULL);
	CHECK_EQ_INT(explicit_plan(t, NULL, "0,x", "0", NULL, &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--vcpu-cpus '0,x'") != NULL);
	CHECK_EQ_INT(explicit_plan(t, NULL, NULL, NULL, "3", &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--ioctl-cpu") && strstr(err, "needs --vcpu-cpus"));
	CHECK_EQ_INT(explicit_plan(t, "local", "0", "0", NULL, &p, err), NPLAN_BAD);
	CHECK(strstr(err, "--vcpu-cpus") && strstr(err, "not with --numa local"));
	printf("explicit errors: %s\n", err);
	hwloc_topology_destroy(t);
}

/* 4 packages of one node each: every other node is equally far. */
static void test_four_packages(void)
{
	hwloc_topology_t t = load("pack:4 numa:1 core:4 pu:1");
	struct nplan p;

	plan(t, "remote", 2, &p, NPLAN_OK, NULL);
	CHECK(p.mem_node[0] == 1 && p.distance == 30 && p.ioctl_cpu == 0 && p.vcpu_cpu[1] == 1);
	plan(t, "remote-ioctl", 2, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 4 && p.vcpu_cpu[1] == 0 && p.mem_node[0] == 0);
	plan(t, "spread", 6, &p, NPLAN_OK, NULL);
	CHECK(p.vcpu_cpu[1] == 4 && p.vcpu_cpu[3] == 12 && p.vcpu_cpu[4] == 1 &&
	      p.vcpu_cpu[5] == 5);
	CHECK(!p.shared);
	/* 8 threads on a node of 4 CPUs: they share, in turn */
	plan(t, "local", 8, &p, NPLAN_OK, NULL);
	CHECK(p.shared && p.vcpu_cpu[3] == 3 && p.vcpu_cpu[4] == 0 && p.vcpu_cpu[5] == 1);
	hwloc_topology_destroy(t);
}

/* Asymmetric: node 0 with 2 CPUs, node 1 with 1, node 2 memory only. */
static void test_asymmetric(void)
{
	hwloc_topology_t t = load("pack:3 numa:1 core:2 pu:1");
	hwloc_bitmap_t keep = hwloc_bitmap_alloc();
	struct nplan p;

	hwloc_bitmap_set_range(keep, 0, 2);
	CHECK_EQ_INT(hwloc_topology_restrict(t, keep, 0), 0);
	hwloc_bitmap_free(keep);
	CHECK_EQ_INT(hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE), 3);
	plan(t, "remote-ioctl", 3, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 2 && p.vcpu_cpu[1] == 0 && p.vcpu_cpu[2] == 1 && p.mem_node[0] == 0);
	plan(t, "spread", 3, &p, NPLAN_OK, NULL);
	CHECK(p.nmem == 2 && p.vcpu_cpu[1] == 2 && p.vcpu_cpu[2] == 1);
	plan(t, "interleave", 1, &p, NPLAN_OK, NULL);
	CHECK(p.nmem == 3);
	plan(t, "2:0", 1, &p, NPLAN_BAD, "node 2 has no CPUs");
	plan(t, "0:2", 1, &p, NPLAN_OK, NULL);
	hwloc_topology_destroy(t);

	/* one node: every layout that needs two says so */
	t = load("pack:1 numa:1 core:2 pu:1");
	plan(t, "local", 2, &p, NPLAN_OK, NULL);
	plan(t, "remote", 1, &p, NPLAN_CANNOT, "--numa remote needs a second NUMA node");
	plan(t, "remote-ioctl", 1, &p, NPLAN_CANNOT, "remote-ioctl needs 2 NUMA nodes with "
	     "CPUs, this machine has 1");
	plan(t, "spread", 1, &p, NPLAN_CANNOT, "spread needs 2 NUMA nodes");
	plan(t, "interleave", 1, &p, NPLAN_CANNOT, "interleave needs 2 NUMA nodes");
	hwloc_topology_destroy(t);
}

/* XML exports with hwloc's NUMALatency matrix: the distances, not the tree, decide. */
static void test_xml(void)
{
	hwloc_topology_t t = load("2pack-4node.xml");
	struct nplan p;

	plan(t, "remote", 2, &p, NPLAN_OK, NULL);
	CHECK(p.mem_node[0] == 2 && p.distance == 21 && p.measured);
	plan(t, "1:0", 1, &p, NPLAN_OK, NULL);
	CHECK(p.distance == 12 && p.measured && p.ioctl_cpu == 8);
	plan(t, "remote-ioctl", 2, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 16 && p.vcpu_cpu[1] == 0);
	hwloc_topology_destroy(t);

	t = load("asym-cxl.xml");
	/* the farthest memory is node 2, which has no CPUs (28 from node 0) */
	plan(t, "remote", 2, &p, NPLAN_OK, NULL);
	CHECK(p.mem_node[0] == 2 && p.distance == 28 && p.measured);
	plan(t, "remote-ioctl", 2, &p, NPLAN_OK, NULL);
	CHECK(p.ioctl_cpu == 2 && p.ioctl_node == 1 && p.mem_node[0] == 0);
	plan(t, "spread", 2, &p, NPLAN_OK, NULL);
	CHECK(p.nmem == 2 && p.vcpu_node[1] == 1);
	hwloc_topology_destroy(t);
}

static void test_summary(void)
{
	struct topo_summary s;
	char err[256], path[512];
	const char *dir = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/topo/asym-cxl.xml", dir ? dir : ".");
	CHECK_EQ_INT(topo_summarize(path, &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(s.nnodes, 3);
	CHECK(s.distances_measured && s.distances && s.distances[2] == 28 && s.distances[5] == 22);
	CHECK_EQ_U64(s.nodes[1].mem_bytes, 512ULL << 20);
	CHECK(!strcmp(s.nodes[2].cpuset, "") && s.nodes[2].npus == 0);
	topo_summary_free(&s);
	CHECK_EQ_INT(topo_summarize("pack:2 numa:2 core:1 pu:1", &s, err, sizeof(err)), 0);
	CHECK(!s.distances_measured && s.distances[1] == 20 && s.distances[2] == 30 &&
	      s.distances[0] == 10);
	topo_summary_free(&s);
	CHECK_EQ_INT(topo_summarize("/nonexistent/machine.xml", &s, err, sizeof(err)), -1);
	CHECK(strstr(err, "/nonexistent/machine.xml") != NULL);
	CHECK_EQ_INT(topo_summarize("pack:two", &s, err, sizeof(err)), -1);
	CHECK(strstr(err, "bad synthetic topology") != NULL);
}

int main(void)
{
	test_order();
	test_parse_list();
	test_two_packages();
	test_explicit();
	test_four_packages();
	test_asymmetric();
	test_xml();
	test_summary();
	CHECK_DONE();
}
