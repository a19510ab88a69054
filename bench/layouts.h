/* SPDX-License-Identifier: GPL-2.0 */
/* The --numa layouts of one run (run.c): planned on this machine before any VM, the ones
 * it cannot make skipped with a line each, and per VM the placement applied (the ioctl
 * thread bound, the options carrying the layout's memory policy and thread CPUs) and
 * verified (affinity read back, move_pages on sampled pages). */
#ifndef MSB_LAYOUTS_H
#define MSB_LAYOUTS_H
#include <stdio.h>
#include <json-c/json.h>

#include "harness.h"
#include "placement.h"

struct run_cli;

struct run_layouts {
	unsigned n;              /* layouts this machine makes, in --numa order */
	struct placement *place; /* [n] */
	struct pin_plan *pin;    /* [n]: the run's pin plan with each layout's CPUs */
	json_object *skipped;    /* [{layout, reason}], owned until layouts_describe() */
};

/* Plan every layout of --numa (or the explicit sets) on this machine from the run's pin
 * plan (c->o.pin); one line on stderr for each layout it cannot make; exit 77 when it
 * can make none, 2 for combinations no layout can run with (--pin none with per-thread
 * layouts, --precision with several layouts). */
void layouts_plan(struct run_layouts *L, const struct run_cli *c);
/* The # placement lines, and "numa_skipped" and the topology facts in the result. */
void layouts_describe(struct run_layouts *L, FILE *out, json_object *root);
/* Before a VM of layout i: o is base with the layout's placement and pins, the calling
 * (ioctl) thread is bound, and its affinity recorded in a. */
void layouts_apply(const struct run_layouts *L, unsigned i, const struct run_opts *base,
		   struct run_opts *o, struct placement_actual *a);
/* After a VM's repetitions: sample where its memory is (vCPU 0's working set, each
 * running vCPU's own) into a. */
void layouts_sample_vm(const struct bench_vm *b, struct placement_actual *a);
/* A finished run of layout i: "placement" (and for one bound node "placement_check", as
 * before) in its result, a # line on out, a warning on stderr where it does not match. */
void layouts_report(const struct run_layouts *L, unsigned i, struct placement_actual *a,
		    json_object *run, FILE *out, const char *what);
void layouts_free(struct run_layouts *L);

#endif
