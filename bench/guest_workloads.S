/* SPDX-License-Identifier: GPL-2.0 */
/* Guest workloads for the scenarios; see lib/guest_rt.S for the calling convention
 * (args in rdi, rsi, rdx, rcx, control page in r8; CPL3; RIP-relative only). */
#include "guest_abi.h"

	.section msb_guest, "ax"
	.code64

/* touch_loop(seed, base, npages, stride): touch the range pass after pass until the
 * host sets ctl->stop; counts passes in ctl->iters. Keeps a vCPU busy in guest mode so
 * memslot updates have to kick it. Between two touches it reads the TSC and keeps the
 * longest gap in ctl->max_gap: how long the vCPU stalled. The host restarts that by
 * bumping ctl->gap_epoch; the guest then zeroes max_gap and copies the epoch to
 * ctl->gap_seen. rbx, r12-r14 are saved: the entry loop keeps r15. */
	.globl guest_touch_loop
guest_touch_loop:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	mov	%rdx, %r12		/* npages */
	xor	%r13d, %r13d		/* passes */
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r14		/* TSC at the last touch */
1:	cmpq	$0, CTL_STOP(%r8)
	jne	3f
	mov	%rsi, %r10
	xor	%r11d, %r11d
2:	cmp	%r12, %r11
	jae	4f
	lea	(%rdi,%r11), %r9
	mov	%r9, (%r10)
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %rbx
	sub	%r14, %rbx		/* gap since the last touch */
	mov	%rax, %r14
	mov	CTL_GAP_EPOCH(%r8), %rax
	cmp	CTL_GAP_SEEN(%r8), %rax
	je	5f
	movq	$0, CTL_MAX_GAP(%r8)
	mov	%rax, CTL_GAP_SEEN(%r8)
5:	cmp	CTL_MAX_GAP(%r8), %rbx
	jbe	6f
	mov	%rbx, CTL_MAX_GAP(%r8)
6:	add	%rcx, %r10
	inc	%r11
	cmpq	$0, CTL_STOP(%r8)
	je	2b
	jmp	3f
4:	inc	%r13
	mov	%r13, CTL_ITERS(%r8)
	jmp	1b
3:	mov	%r13, %rax
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

/* stall_loop(seed, base, npages, stride): touch_loop with everything the stall scenario
 * reads in this vCPU's stall log (ctl->log, layout in guest_abi.h): the TSC of the last
 * touch, a log2 histogram of the gaps between touches, a ring of the gaps above the
 * host's threshold, and touches per timeline bucket with the longest gap among them.
 * The host starts a timeline by writing base, interval and buckets, then bumping the
 * epoch. No division: buckets advance by adding the interval. Returns passes (after
 * log->passes of them when that is not 0). */
	.globl guest_stall_loop
guest_stall_loop:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	CTL_LOG(%r8), %r15
	mov	%rdx, %r12		/* npages */
	xor	%r13d, %r13d		/* passes */
	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %r14		/* TSC at the last touch */
1:	cmpq	$0, CTL_STOP(%r8)
	jne	3f
	mov	%rsi, %r10
	xor	%r11d, %r11d
2:	cmp	%r12, %r11
	jae	4f
	cmpq	$0, SLOG_ACCESS(%r15)
	jne	7f
	lea	(%rdi,%r11), %r9
	mov	%r9, (%r10)
	jmp	8f
7:	mov	(%r10), %r9
8:	rdtsc
	shl	$32, %rdx
	or	%rdx, %rax
	mov	%rax, %rbx
	sub	%r14, %rbx		/* gap since the last touch */
	mov	%rax, %r14
	mov	%rax, SLOG_NOW(%r15)
	incq	SLOG_TOUCHES(%r15)
	mov	%rbx, %rdx		/* histogram bucket: floor(log2(gap | 1)) */
	or	$1, %rdx
	bsr	%rdx, %rdx
	incq	SLOG_HIST(%r15,%rdx,8)
	cmp	SLOG_THRESHOLD(%r15), %rbx
	jb	5f
	mov	SLOG_RING_HEAD(%r15), %rdx
	and	$(SLOG_RING_N - 1), %rdx
	shl	$4, %rdx
	mov	%rax, SLOG_RING(%r15,%rdx)
	mov	%rbx, SLOG_RING+8(%r15,%rdx)
	incq	SLOG_RING_HEAD(%r15)
5:	mov	SLOG_TL_EPOCH(%r15), %rdx	/* a new timeline: bucket -1 until its base */
	cmp	SLOG_TL_SEEN(%r15), %rdx
	je	6f
	movq	$-1, SLOG_TL_BUCKET(%r15)
	mov	SLOG_TL_BASE(%r15), %r9
	mov	%r9, SLOG_TL_NEXT(%r15)
	movq	$0, SLOG_MAX_GAP(%r15)
	mov	%rdx, SLOG_TL_SEEN(%r15)
6:	cmp	SLOG_TL_NEXT(%r15), %rax
	jb	9f
	incq	SLOG_TL_BUCKET(%r15)
	mov	SLOG_TL_INTERVAL(%r15), %rdx
	add	%rdx, SLOG_TL_NEXT(%r15)
	jmp	6b
9:	mov	SLOG_TL_BUCKET(%r15), %rdx
	cmp	SLOG_TL_N(%r15), %rdx	/* unsigned: bucket -1 is out too */
	jae	10f
	incq	SLOG_TIMELINE(%r15,%rdx,8)
	cmp	SLOG_MAX_GAP(%r15), %rbx
	jbe	10f
	mov	%rbx, SLOG_MAX_GAP(%r15)
	mov	%rax, SLOG_MAX_AT(%r15)
10:	add	%rcx, %r10
	inc	%r11
	cmpq	$0, CTL_STOP(%r8)
	je	2b
	jmp	3f
4:	inc	%r13
	mov	%r13, CTL_ITERS(%r8)
	mov	SLOG_PASSES(%r15), %rdx	/* a bounded run: the host times one pass */
	test	%rdx, %rdx
	jz	1b
	cmp	%rdx, %r13
	jb	1b
3:	mov	%r13, %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.section .note.GNU-stack, "", @progbits
