/* SPDX-License-Identifier: GPL-2.0 */
/* SIGINT/SIGTERM during a run: a flag for the run loop, and the second signal ends
 * the process at once (see interrupt.h). */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "interrupt.h"
#include "result.h"

static volatile sig_atomic_t got; /* the first signal, or 0 */
static struct sigaction before[2]; /* SIGINT's and SIGTERM's, before ours */
static uint64_t reps_done, reps_total;
static char where[256];

static void on_signal(int sig)
{
	if (!got) {
		got = sig;
		return;
	}
	/* The second: no more waiting. Async-signal-safe calls only. */
	result_abandon_tmp();
	sigaction(sig, &before[sig == SIGTERM], NULL);
	raise(sig); /* taken when this handler returns */
}

void interrupt_install(void)
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	for (int i = 0; i < 2; i++) {
		sigaction(sigs[i], NULL, &before[i]);
		if (before[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

/* A guest failure (lib/guest.h, recoverable during run) ends the run the same way. */
bool interrupt_requested(void)
{
	return got != 0 || guest_failure();
}

int interrupt_exit_code(void)
{
	return got ? 128 + got : guest_failure() ? 1 : 0;
}

void interrupt_note_reps(uint64_t done, uint64_t total)
{
	reps_done = done;
	reps_total = total;
}

void interrupt_reps(uint64_t *done, uint64_t *total)
{
	*done = reps_done;
	*total = reps_total;
}

void interrupt_stopped_at(const char *fmt, ...)
{
	va_list ap;

	if (where[0])
		return;
	va_start(ap, fmt);
	vsnprintf(where, sizeof(where), fmt, ap);
	va_end(ap);
}

json_object *interrupt_json(void)
{
	const char *name = got == SIGTERM ? "SIGTERM" : "SIGINT";
	char reason[600];

	if (!interrupt_requested())
		return NULL;
	json_object *o = json_object_new_object();
	if (got)
		snprintf(reason, sizeof(reason), "interrupted by %s", name);
	else
		snprintf(reason, sizeof(reason), "guest failure: %s", guest_failure());
	json_object_object_add(o, "reason", json_object_new_string(reason));
	if (got)
		json_object_object_add(o, "signal", json_object_new_string(name));
	json_object_object_add(o, "stopped_at", json_object_new_string(where[0] ? where :
									  "unknown"));
	return o;
}
