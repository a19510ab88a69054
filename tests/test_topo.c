/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/topo on a synthetic machine (no dependence on the host's layout),
 * plus a sanity pass over the real host. */
#include "check.h"
#include "topo.h"

#include <string.h>

static void test_synthetic(void)
{
	struct topo_summary s;
	char err[200];
	json_object *j, *nodes, *n1, *v;

	CHECK_EQ_INT(topo_summarize("pack:2 numa:2 core:4 pu:1", &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(s.npackages, 2);
	CHECK_EQ_INT(s.nnodes, 4);
	CHECK_EQ_INT(s.ncores, 16);
	CHECK_EQ_INT(s.npus, 16);
	CHECK(s.nodes != NULL);
	if (s.nodes && s.nnodes == 4) {
		uint64_t sum = 0;

		for (unsigned i = 0; i < 4; i++) {
			CHECK_EQ_INT(s.nodes[i].os_index, i);
			CHECK_EQ_INT(s.nodes[i].ncores, 4);
			CHECK_EQ_INT(s.nodes[i].npus, 4);
			sum += s.nodes[i].mem_bytes;
		}
		CHECK(!strcmp(s.nodes[0].cpuset, "0-3"));
		CHECK(!strcmp(s.nodes[3].cpuset, "12-15"));
		CHECK_EQ_U64(s.mem_bytes, sum);
	}

	j = topo_summary_json(&s);
	CHECK(json_object_object_get_ex(j, "numa_nodes", &v) && json_object_get_int(v) == 4);
	CHECK(json_object_object_get_ex(j, "pus", &v) && json_object_get_int(v) == 16);
	CHECK(json_object_object_get_ex(j, "nodes", &nodes) &&
	      json_object_array_length(nodes) == 4);
	n1 = json_object_array_get_idx(nodes, 1);
	CHECK(n1 && json_object_object_get_ex(n1, "cpus", &v) &&
	      !strcmp(json_object_get_string(v), "4-7"));
	printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
	json_object_put(j);
	topo_summary_free(&s);
	CHECK(s.nodes == NULL && s.nnodes == 0);

	err[0] = '\0';
	CHECK_EQ_INT(topo_summarize("pack:2 nonsense:3", &s, err, sizeof(err)), -1);
	CHECK(err[0] != '\0');
}

static void test_host(void)
{
	struct topo_summary s;
	char err[200];

	CHECK_EQ_INT(topo_summarize(NULL, &s, err, sizeof(err)), 0);
	CHECK(s.npus >= 1);
	CHECK(s.ncores >= 1 && s.ncores <= s.npus);
	CHECK(s.nnodes >= 1);
	CHECK(s.mem_bytes > 0);
	printf("host: %u packages, %u nodes, %u cores, %u PUs, %llu bytes\n", s.npackages,
	       s.nnodes, s.ncores, s.npus, (unsigned long long)s.mem_bytes);
	topo_summary_free(&s);
}

int main(void)
{
	test_synthetic();
	test_host();
	CHECK_DONE();
}
