/* SPDX-License-Identifier: GPL-2.0 */
/* What the report commands share besides the model and the formatting: JSON paths,
 * canonical JSON for matching runs, the same-environment rule and the description of
 * a file's environment and host. */
#ifndef MSB_REPORT_H
#define MSB_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

/* ---- JSON ---- */

/* The value at a dotted path of object keys ("environment.lab.accel"), or NULL. */
json_object *jget(json_object *o, const char *path);
/* The string at path, or def when it is absent or not a string. */
const char *jstr(json_object *o, const char *path, const char *def);
/* qsort() comparison of two char *. */
int cmp_str(const void *a, const void *b);
/* Canonical text of a value: sorted keys, integral numbers as integers, so key order and
 * number spelling do not matter. skip_reps leaves "reps" and "warmup" out of an object.
 * Caller frees. */
char *canon_str(json_object *o, bool skip_reps);
/* scenario + params (without reps and warmup) + layout: what must be equal for two runs
 * to measure the same thing; without the layout to compare NUMA layouts. Caller frees. */
char *run_key(json_object *run, bool with_layout);
/* "reps" and "warmup": params that may differ between runs that measure the same. */
bool param_is_reps(const char *key);

/* 0, or -1 with every differing field and both values in err (one line). Not the kernel
 * release: comparing kernels is compare's point. */
int same_environment(json_object *a, json_object *b, char *err, size_t len);
/* A warning on stderr naming the host-state items (preemption, THP, mitigations, ...)
 * in which two result files differ, if any. */
void host_state_warn(json_object *a, json_object *b, const char *pa, const char *pb);

/* ---- describing a file ---- */

/* What a file says about where it ran, with "?" (or NULL) where it does not. */
struct env_facts {
	const char *release, *kind, *accel, *qemu, *mmu;
	const char *kvm_build; /* the rebuilt KVM's build key (lab --kvm-modules), or NULL */
	int kvm_patches;       /* the patches in that build */
	bool emulated;
};
void env_facts(json_object *root, struct env_facts *e);
/* Two spellings of one environment: ENV_TEXT for tables,
 * "kernel 6.12.117+deb12-amd64, lab (QEMU 7.2.22 tcg), MMU shadow" (", KVM build
 * bb42ff8f17c663e7 with 1 patch" where the lab ran a rebuilt KVM);
 * ENV_PLOT for plot titles, "lab TCG (emulated), shadow MMU" (no kernel). */
enum env_style { ENV_TEXT, ENV_PLOT };
void env_desc(json_object *root, enum env_style style, char *buf, size_t len);
/* "vm-lab, AMD EPYC-Rome Processor, 2 CPUs, 2.9 GiB, 1 NUMA node(s)" */
void host_desc(json_object *root, char *buf, size_t len);
/* A run's NUMA layout in words: "local: CPUs of node 0, memory on node 0 (distance
 * 10)", or the default policy. */
void layout_desc(json_object *run, char *buf, size_t len);
#define EMULATED_NOTE "emulated (lab): times show mechanisms and ratios, not hardware latency"

#endif
