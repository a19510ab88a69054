/* Guest workloads for the scenarios; see lib/guest_rt.S for the calling convention
 * (args in rdi, rsi, rdx, rcx, control page in r8; CPL3; RIP-relative only). */
#include "guest_abi.h"

	.section msb_guest, "ax"
	.code64

/* touch_loop(seed, base, npages, stride): touch the range pass after pass until the
 * host sets ctl->stop; counts passes in ctl->iters. Keeps a vCPU busy in guest mode so
 * memslot updates have to kick it. */
	.globl guest_touch_loop
guest_touch_loop:
	xor	%eax, %eax
1:	cmpq	$0, CTL_STOP(%r8)
	jne	3f
	mov	%rsi, %r10
	xor	%r11d, %r11d
2:	cmp	%rdx, %r11
	jae	4f
	lea	(%rdi,%r11), %r9
	mov	%r9, (%r10)
	add	%rcx, %r10
	inc	%r11
	cmpq	$0, CTL_STOP(%r8)
	je	2b
	jmp	3f
4:	inc	%rax
	mov	%rax, CTL_ITERS(%r8)
	jmp	1b
3:	ret

	.section .note.GNU-stack, "", @progbits
