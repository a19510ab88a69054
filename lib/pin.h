/* SPDX-License-Identifier: GPL-2.0 */
/* Pinned threads: the thread doing the memslot ioctl (and vCPU 0) and every running
 * vCPU get a CPU of their own where there are enough; where there are not (the ioctl
 * thread plus running vCPUs outnumber the CPUs this process may use, or its cgroup's
 * cpu.max quota), the run is oversubscribed and says so. Binding goes through hwloc. */
#ifndef MSB_PIN_H
#define MSB_PIN_H
#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#define PIN_MAX_CPUS 1024
#define PIN_MAX_THREADS 256

struct pin_plan {
	bool on;                   /* --pin auto; false: threads float (--pin none) */
	unsigned usable;           /* CPUs in this process's affinity mask */
	int cpus[PIN_MAX_CPUS];    /* their OS indexes, cores before SMT siblings */
	double quota;              /* cgroup cpu.max in CPUs, 0 = no quota */
	unsigned threads;          /* threads that run at once: ioctl + running vCPUs */
	bool oversubscribed;       /* threads > usable CPUs or > quota */
	unsigned nplanned;         /* > 0: thread i on planned[i] (a NUMA layout's plan) */
	int planned[PIN_MAX_THREADS];
};

/* Plan for `threads` threads that run at once, from sched_getaffinity and the cgroup's
 * cpu.max (root: cgroup_root, normally "/sys/fs/cgroup"). 0, or -1 with err. */
int pin_plan(struct pin_plan *p, bool on, unsigned threads, const char *cgroup_root,
	     char *err, size_t errlen);
/* The CPU of thread i (0: the ioctl thread, i >= 1: running vCPU i), or -1 unpinned. */
int pin_cpu(const struct pin_plan *p, unsigned i);
/* Bind the calling thread to a CPU with hwloc. 0, or -1 with err. */
int pin_this_thread(int cpu, char *err, size_t errlen);
/* Bind the calling thread to a CPU list ("0-3,8"). 0, or -1 with err. */
int pin_this_thread_list(const char *list, char *err, size_t errlen);
/* The calling thread's affinity as the kernel reports it, list form ("0-3,8"). */
void pin_read_affinity(char *buf, size_t len);
/* Every usable CPU, list form (what --pin none leaves a thread to). */
void pin_usable_list(const struct pin_plan *p, char *buf, size_t len);
/* cpu.max of a cgroup v2 directory as CPUs ("max" = 0). */
double pin_read_quota(const char *cpu_max_path);
json_object *pin_json(const struct pin_plan *p);

#endif
