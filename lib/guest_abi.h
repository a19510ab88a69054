/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between host C code and guest assembly: ports and control-page layout. */
#ifndef MSB_GUEST_ABI_H
#define MSB_GUEST_ABI_H

#define GUEST_PORT_SYNC 0x10      /* guest waits for the next command */
#define GUEST_PORT_EXCEPTION 0x11 /* r8=vector r9=error code r10=RIP r11=CR2 */

/* Control page offsets (bytes). */
#define CTL_FN 0x00     /* GVA of the function to call, 0 = none */
#define CTL_ARG0 0x08
#define CTL_ARG1 0x10
#define CTL_ARG2 0x18
#define CTL_ARG3 0x20
#define CTL_RESULT 0x28
#define CTL_STOP 0x30   /* host sets non-zero to end looping workloads */
#define CTL_ITERS 0x38  /* looping workloads count completed passes here */
#define CTL_SEQ 0x40    /* incremented by the guest after each command */
#define CTL_GAP_EPOCH 0x48 /* host bumps it to restart the longest-gap measurement */
#define CTL_GAP_SEEN 0x50  /* the epoch the guest's CTL_MAX_GAP belongs to */
#define CTL_MAX_GAP 0x58   /* longest TSC ticks between two touches of a looping workload */

#ifndef __ASSEMBLER__
#include <stdint.h>
struct guest_ctl {
	volatile uint64_t fn;
	volatile uint64_t arg[4];
	volatile uint64_t result;
	volatile uint64_t stop;
	volatile uint64_t iters;
	volatile uint64_t seq;
	volatile uint64_t gap_epoch, gap_seen, max_gap;
};
_Static_assert(__builtin_offsetof(struct guest_ctl, result) == CTL_RESULT, "ctl layout");
_Static_assert(__builtin_offsetof(struct guest_ctl, seq) == CTL_SEQ, "ctl layout");
_Static_assert(__builtin_offsetof(struct guest_ctl, max_gap) == CTL_MAX_GAP, "ctl layout");
#endif
#endif
