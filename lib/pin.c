/* SPDX-License-Identifier: GPL-2.0 */
#define _GNU_SOURCE
#include "pin.h"

#include <hwloc.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "topo.h"
#include "util.h"

double pin_read_quota(const char *cpu_max_path)
{
	char buf[64], quota[32];
	unsigned long long period;
	if (!read_text_file(cpu_max_path, buf, sizeof(buf)) ||
	    sscanf(buf, "%31s %llu", quota, &period) != 2 || !strcmp(quota, "max") || !period)
		return 0;
	return strtod(quota, NULL) / (double)period;
}

/* The cgroup v2 directory of this process ("0::/path" in /proc/self/cgroup). */
static double own_quota(const char *cgroup_root)
{
	char line[512], path[1024];
	FILE *f = fopen("/proc/self/cgroup", "r");
	double q = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s%s/cpu.max", cgroup_root, line + 3);
		q = pin_read_quota(path);
	}
	fclose(f);
	return q;
}

/* The usable CPUs in the order lib/numaplan gives them (topo_order_cpus: a PU of each
 * core before the SMT siblings), so a run's threads land where --plan says. Ascending
 * OS order where hwloc cannot load the topology. */
static void order_like_planner(struct pin_plan *p)
{
	hwloc_topology_t t;
	int ordered[PIN_MAX_CPUS];

	if (topo_load(NULL, &t, NULL, 0) < 0)
		return;
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	for (unsigned i = 0; i < p->usable; i++)
		hwloc_bitmap_set(set, (unsigned)p->cpus[i]);
	unsigned n = topo_order_cpus(t, set, ordered, PIN_MAX_CPUS);
	if (n == p->usable)
		memcpy(p->cpus, ordered, n * sizeof(*ordered));
	hwloc_bitmap_free(set);
	hwloc_topology_destroy(t);
}

int pin_plan(struct pin_plan *p, bool on, unsigned threads, const char *cgroup_root,
	     char *err, size_t errlen)
{
	cpu_set_t set;
	memset(p, 0, sizeof(*p));
	p->on = on;
	p->threads = threads;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return msb_fail(err, errlen, "sched_getaffinity: %s", strerror(errno));
	for (int c = 0; c < CPU_SETSIZE && p->usable < PIN_MAX_CPUS; c++)
		if (CPU_ISSET(c, &set))
			p->cpus[p->usable++] = c;
	order_like_planner(p);
	p->quota = own_quota(cgroup_root);
	p->oversubscribed = threads > p->usable || (p->quota > 0 && threads > p->quota);
	return 0;
}

int pin_cpu(const struct pin_plan *p, unsigned i)
{
	if (p->on && p->nplanned)
		return p->planned[i % p->nplanned];
	if (!p->on || !p->usable)
		return -1;
	return p->cpus[i % p->usable];
}

/* One topology for every thread that pins itself (vCPU threads start by the dozen):
 * loaded once, kept for the process's life; binding only reads it. */
static hwloc_topology_t pin_topology;
static int pin_topology_ok;
static pthread_once_t pin_topology_once = PTHREAD_ONCE_INIT;

static void load_pin_topology(void)
{
	if (hwloc_topology_init(&pin_topology) < 0)
		return;
	if (hwloc_topology_load(pin_topology) < 0) {
		hwloc_topology_destroy(pin_topology);
		return;
	}
	pin_topology_ok = 1;
}

int pin_this_thread_list(const char *list, char *err, size_t errlen)
{
	pthread_once(&pin_topology_once, load_pin_topology);
	if (!pin_topology_ok)
		return msb_fail(err, errlen, "hwloc: cannot load the topology");
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	int r = hwloc_bitmap_list_sscanf(set, list);
	if (r == 0)
		r = hwloc_set_cpubind(pin_topology, set, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT);
	int e = errno;
	hwloc_bitmap_free(set);
	if (r < 0)
		return msb_fail(err, errlen, "cannot pin a thread to CPU(s) %s: %s", list, strerror(e));
	return 0;
}

int pin_this_thread(int cpu, char *err, size_t errlen)
{
	char list[16];
	snprintf(list, sizeof(list), "%d", cpu);
	return pin_this_thread_list(list, err, errlen);
}

void pin_read_affinity(char *buf, size_t len)
{
	cpu_set_t set;
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				hwloc_bitmap_set(b, (unsigned)c);
	hwloc_bitmap_list_snprintf(buf, len, b);
	hwloc_bitmap_free(b);
}

void pin_usable_list(const struct pin_plan *p, char *buf, size_t len)
{
	hwloc_bitmap_t b = hwloc_bitmap_alloc();
	for (unsigned i = 0; i < p->usable; i++)
		hwloc_bitmap_set(b, (unsigned)p->cpus[i]);
	hwloc_bitmap_list_snprintf(buf, len, b);
	hwloc_bitmap_free(b);
}

json_object *pin_json(const struct pin_plan *p)
{
	json_object *o = json_object_new_object(), *cpus = json_object_new_array();
	for (unsigned i = 0; i < p->threads; i++)
		json_object_array_add(cpus, json_object_new_int(pin_cpu(p, i)));
	json_object_object_add(o, "pinned", json_object_new_boolean(p->on));
	json_object_object_add(o, "thread_cpus", cpus); /* 0: ioctl + vCPU 0, then running vCPUs */
	json_object_object_add(o, "usable_cpus", json_object_new_int((int)p->usable));
	json_object_object_add(o, "cpu_quota", p->quota > 0 ? json_object_new_double(p->quota) :
			       NULL);
	json_object_object_add(o, "threads", json_object_new_int((int)p->threads));
	json_object_object_add(o, "oversubscribed", json_object_new_boolean(p->oversubscribed));
	return o;
}
