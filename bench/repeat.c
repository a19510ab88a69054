/* SPDX-License-Identifier: GPL-2.0 */
/* The repetition loop, once for every scenario: warm-up and measured repetitions of its
 * step (and control), with the running vCPUs' windows and vCPU 0's refault around each. */
#include "change.h"
#include "interrupt.h"
#include "scenario.h"

/* A guest that failed during a repetition (lib/guest.h) left it half-recorded: keep the
 * repetitions that completed, which the index metric counts, and drop the rest. */
void bench_drop_failed_rep(struct metric_set *m)
{
	const struct series *ix = metric_find(m, "vm_round");
	size_t keep = ix ? ix->n : 0, k = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->s[i].n > keep)
			m->s[i].n = keep;
		if (m->s[i].n)
			m->s[k++] = m->s[i];
		else
			series_free(&m->s[i]);
	}
	m->n = k;
}

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
		if (record && !guest_failure())
			bench_add(b, "vm_round", "index", (double)vm_index);
		bench_progress(b, rep + 1, total, "rep");
	}
	if (guest_failure() && rep > 0) {
		bench_drop_failed_rep(b->m);
		rep--; /* the one under way did not count */
	}
	interrupt_note_reps(rep, total);
	bench_vcpus_stop(b);
}
