/* SPDX-License-Identifier: GPL-2.0 */
/* The repetition loop, once for every scenario: warm-up and measured repetitions of its
 * step (and control), with the running vCPUs' windows and vCPU 0's refault around each. */
#include "change.h"
#include "interrupt.h"
#include "scenario.h"

void bench_repeat(struct bench_vm *b, const struct scenario *sc, const void *sopts,
		  uint64_t vm_index)
{
	uint64_t total = b->o->warmup + b->o->reps;
	bench_vcpus_start(b);
	uint64_t rep;
	/* SIGINT/SIGTERM: stop after the repetition under way (bench/interrupt.h). */
	for (rep = 0; rep < total && !interrupt_requested(); rep++) {
		bool record = rep >= b->o->warmup;
		bool control_first = sc->control && rep % 2;
		if (control_first)
			sc->control(b, sopts, record);
		uint64_t exits = bench_mmio_exits(b);
		stall_window_start(b);
		sc->step(b, sopts, record);
		active_exits_add(b, exits, record);
		refault_run(b, record);
		stall_window_add(b, record);
		if (sc->control && !control_first)
			sc->control(b, sopts, record);
		if (record)
			bench_add(b, "vm_round", "index", (double)vm_index);
		bench_progress(b, rep + 1, total, "rep");
	}
	interrupt_note_reps(rep, total);
	bench_vcpus_stop(b);
}
