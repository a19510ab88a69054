/* SPDX-License-Identifier: GPL-2.0 */
/* Optional tracefs capture of KVM's kvmmmu:kvm_mmu_zap_all_fast event (root only): the
 * kernel's own count of shadow pages in use when a change zaps them all. Events go to a
 * private trace instance filtered to this process, so nothing global is touched; the
 * instance (and a tracefs mount made for it) is removed at exit, on SIGINT/SIGTERM too. */
#ifndef MSB_TRACE_H
#define MSB_TRACE_H
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msb_trace {
	char dir[256];   /* the instance directory */
	char mount[64];  /* where we mounted tracefs ourselves, "" if it was there */
	volatile int fd; /* an instance file open right now, else -1: rmdir fails while it is */
	sigset_t sigmask; /* the thread's mask while fd is open (signals held meanwhile) */
};

/* Create the instance and enable the event. 0, or -1 with a one-line reason in err
 * (not root, no tracefs, a kernel without the event). */
int trace_open(struct msb_trace *t, char *err, size_t errlen);
/* Forget the events so far. */
void trace_clear(struct msb_trace *t);
/* The kvm_mmu_zap_all_fast events since the last clear: how many, and used_pages
 * (n_used_mmu_pages before the zap) of the last one. 0, or -1 when unreadable. */
int trace_zap_all_fast(struct msb_trace *t, unsigned *events, uint64_t *used_pages);
/* Remove the instance (and unmount what we mounted). Idempotent. */
void trace_close(struct msb_trace *t);

#endif
