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
#define CTL_LOG 0x60       /* GVA of this vCPU's stall log (guest_stall_loop), 0 = none */

/* Stall log: what guest_stall_loop records for the host, one per vCPU in a slot of its
 * own. "host" fields are written by the host only, "guest" ones by the guest only; the
 * counters only grow, so the host reads a window as the difference of two reads. */
#define SLOG_NOW 0x00        /* guest: TSC at the last touch */
#define SLOG_TL_BASE 0x08    /* host: TSC where timeline bucket 0 begins */
#define SLOG_TL_INTERVAL 0x10 /* host: TSC ticks per timeline bucket (> 0) */
#define SLOG_TL_N 0x18       /* host: timeline buckets in use */
#define SLOG_TL_EPOCH 0x20   /* host: bumped after a new base: the guest restarts */
#define SLOG_THRESHOLD 0x28  /* host: gaps of at least this many ticks go to the ring */
#define SLOG_ACCESS 0x30     /* host: 0 write the touched qword, 1 read it */
#define SLOG_TOUCHES 0x38    /* guest: touches so far */
#define SLOG_RING_HEAD 0x40  /* guest: ring entries written so far */
#define SLOG_TL_SEEN 0x48    /* guest: the epoch its bucket state belongs to */
#define SLOG_TL_BUCKET 0x50  /* guest: current bucket (signed: -1 before the base) */
#define SLOG_TL_NEXT 0x58    /* guest: TSC where the next bucket begins */
#define SLOG_MAX_GAP 0x60    /* guest: longest gap ending in this epoch's buckets */
#define SLOG_MAX_AT 0x68     /* guest: TSC at the end of that gap */
#define SLOG_PASSES 0x70     /* host: return after this many passes (0: until ctl->stop) */
#define SLOG_HIST 0x80       /* guest: 64 counters, gaps of [2^k, 2^(k+1)) ticks */
#define SLOG_HIST_N 64
#define SLOG_RING 0x280      /* guest: (TSC at the end of the gap, gap) pairs */
#define SLOG_RING_N 256
#define SLOG_TIMELINE 0x1280 /* guest: touches per bucket, SLOG_TL_N buckets */
#define SLOG_BYTES 0x40000   /* 256 KiB per vCPU */
#define SLOG_TL_MAX ((SLOG_BYTES - SLOG_TIMELINE) / 8)

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
	volatile uint64_t log;
};
_Static_assert(__builtin_offsetof(struct guest_ctl, result) == CTL_RESULT, "ctl layout");
_Static_assert(__builtin_offsetof(struct guest_ctl, seq) == CTL_SEQ, "ctl layout");
_Static_assert(__builtin_offsetof(struct guest_ctl, max_gap) == CTL_MAX_GAP, "ctl layout");
_Static_assert(__builtin_offsetof(struct guest_ctl, log) == CTL_LOG, "ctl layout");

struct stall_log {
	volatile uint64_t now, tl_base, tl_interval, tl_n, tl_epoch, threshold, access;
	volatile uint64_t touches, ring_head, tl_seen;
	volatile int64_t tl_bucket;
	volatile uint64_t tl_next, max_gap, max_at, passes, reserved;
	volatile uint64_t hist[SLOG_HIST_N];
	struct { volatile uint64_t tsc, gap; } ring[SLOG_RING_N];
	volatile uint64_t timeline[];
};
_Static_assert(__builtin_offsetof(struct stall_log, touches) == SLOG_TOUCHES, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, tl_next) == SLOG_TL_NEXT, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, max_at) == SLOG_MAX_AT, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, passes) == SLOG_PASSES, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, hist) == SLOG_HIST, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, ring) == SLOG_RING, "log layout");
_Static_assert(__builtin_offsetof(struct stall_log, timeline) == SLOG_TIMELINE, "log layout");
#endif
#endif
