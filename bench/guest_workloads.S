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

	.section .note.GNU-stack, "", @progbits
