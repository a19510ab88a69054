/* SPDX-License-Identifier: GPL-2.0 */
/* compare and NUMA: the topology check, and --layouts. */
#include "config.h"

#include "compare_numa.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "placement.h"
#include "report.h"
#include "util.h"

#define NODE_MEM_TOLERANCE 0.02 /* a kernel's own reservations move a node's memory a little */

static bool same_value(json_object *a, json_object *b)
{
	char *ca = canon_str(a, false), *cb = canon_str(b, false);
	bool eq = !strcmp(ca, cb);

	free(ca);
	free(cb);
	return eq;
}

/* One node of each: its OS index, CPUs and memory. */
static int same_node(json_object *x, json_object *y, char *err, size_t len)
{
	const char *cx = jstr(x, "cpus", "?"), *cy = jstr(y, "cpus", "?");
	double mx = json_object_get_double(jget(x, "memory_bytes")),
	       my = json_object_get_double(jget(y, "memory_bytes"));
	int ix = json_object_get_int(jget(x, "os_index")), iy = json_object_get_int(jget(y, "os_index"));

	if (ix != iy)
		return msb_fail(err, len, "different NUMA topologies: node %d vs node %d", ix, iy);
	if (strcmp(cx, cy))
		return msb_fail(err, len, "different NUMA topologies: node %d has CPUs %s vs %s", ix,
				cx, cy);
	if (fabs(mx - my) > NODE_MEM_TOLERANCE * fmax(mx, my))
		return msb_fail(err, len, "different NUMA topologies: node %d has %.2f GiB vs %.2f "
				"GiB of memory", ix, mx / (double)GIB, my / (double)GIB);
	return 0;
}

int same_topology(json_object *a, json_object *b, char *err, size_t len)
{
	json_object *na = jget(a, "topology.nodes"), *nb = jget(b, "topology.nodes");
	json_object *da = jget(a, "topology.distances"), *db = jget(b, "topology.distances");

	if (!na || !nb)
		return 0; /* older files: same_environment compared the node count */
	size_t n = json_object_array_length(na);
	if (n != json_object_array_length(nb))
		return msb_fail(err, len, "different NUMA topologies: %zu vs %zu nodes", n,
				json_object_array_length(nb));
	static const char *const keys[] = { "packages", "pus" };
	for (size_t i = 0; i < 2; i++) {
		json_object *x = jget(a, "topology"), *y = jget(b, "topology");
		if (!same_value(jget(x, keys[i]), jget(y, keys[i])))
			return msb_fail(err, len, "different NUMA topologies: %d vs %d %s",
					json_object_get_int(jget(x, keys[i])),
					json_object_get_int(jget(y, keys[i])), keys[i]);
	}
	for (size_t i = 0; i < n; i++)
		if (same_node(json_object_array_get_idx(na, i), json_object_array_get_idx(nb, i),
			      err, len) < 0)
			return -1;
	if (da && db && !same_value(da, db))
		return msb_fail(err, len, "different NUMA topologies: distances %s vs %s",
				json_object_to_json_string_ext(da, JSON_C_TO_STRING_PLAIN),
				json_object_to_json_string_ext(db, JSON_C_TO_STRING_PLAIN));
	return 0;
}

int same_host(json_object *a, json_object *b, char *err, size_t len)
{
	if (same_environment(a, b, err, len) < 0)
		return -1;
	return same_topology(a, b, err, len);
}

/* A run's --numa layout as run wrote it ("default policy, unbound" for default). */
static bool layout_is(const struct rs_run *r, const void *arg)
{
	const char *want = arg;

	if (!strcmp(want, "default"))
		want = PLACEMENT_DEFAULT_DESC;
	return !strcmp(jstr(r->layout, "numa", PLACEMENT_DEFAULT_DESC), want);
}

/* "FILE [--numa local]", kept for the set's life (compare prints paths). */
static const char *side_name(const char *path, const char *layout, int side)
{
	static char *names[2];

	free(names[side]);
	if (asprintf(&names[side], "%s [--numa %s]", path, layout) < 0)
		msb_die("out of memory");
	return names[side];
}

void cmp_layouts(struct result_set *rs, const char *spec, bool variants, bool *across)
{
	char buf[128], err[1024], *comma;

	if (!spec)
		return;
	snprintf(buf, sizeof(buf), "%s", spec);
	comma = strchr(buf, ',');
	if (!comma || comma == buf || !comma[1] || strchr(comma + 1, ',') || !strcmp(buf, comma + 1))
		msb_usage_error("compare", "--layouts: '%s' is not two layouts BASE,NEW (local,remote)",
				spec);
	*comma = '\0';
	if (variants)
		msb_usage_error("compare", "--layouts and --variants do not go together (runs are "
				"paired variant by variant)");
	if (rs->nfiles != 1)
		msb_usage_error("compare", "--layouts compares inside one file: give exactly one "
				"(got %zu)", rs->nfiles);
	const char *path = rs->files[0].path, *name[2] = { buf, comma + 1 };
	if (rs_load(rs, path, err, sizeof(err)) < 0)
		msb_usage_error("compare", "%s", err);
	for (int s = 0; s < 2; s++) {
		rs_keep_runs(&rs->files[s], layout_is, name[s]);
		if (!rs->files[s].nruns)
			msb_usage_error("compare", "--layouts: %s has no run of --numa %s", path, name[s]);
		rs->files[s].path = side_name(path, name[s], s);
	}
	*across = true;
}
