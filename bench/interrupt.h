/* SPDX-License-Identifier: GPL-2.0 */
/* SIGINT and SIGTERM during `run`: the first sets a flag that the run loop checks
 * between repetitions and between VMs, so that the current VM is torn down (its vCPUs
 * stopped), tracefs restored, and the samples so far written as a result file marked
 * "complete": false; the run then exits 128 + the signal (130, 143). The second ends
 * the process at once: the result's temporary file is removed and the disposition
 * before interrupt_install() (lib/trace's handler, which removes its instance, or the
 * default) takes the signal. */
#ifndef MSB_INTERRUPT_H
#define MSB_INTERRUPT_H
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

/* Install the handlers; a signal ignored at start (a background job's SIGINT) stays
 * ignored. Call after trace_open(), so that the second signal reaches its handler. */
void interrupt_install(void);
/* A signal asked the run to stop, or a guest failed (lib/guest.h: the run then ends
 * as after a signal, exit code 1, "reason": "guest failure: ..."). */
bool interrupt_requested(void);
/* 128 + the signal, or 0 when none came. */
int interrupt_exit_code(void);
/* The repetition loop's position when it stopped: repetitions done of total (warm-up
 * included). */
void interrupt_note_reps(uint64_t done, uint64_t total);
void interrupt_reps(uint64_t *done, uint64_t *total);
/* Where the run stopped, in words; the first call wins. */
__attribute__((format(printf, 1, 2))) void interrupt_stopped_at(const char *fmt, ...);
/* {"reason": "interrupted by SIGINT", "signal": "SIGINT", "stopped_at": "..."}, for
 * the result file's "incomplete"; NULL when no signal came. */
json_object *interrupt_json(void);

#endif
