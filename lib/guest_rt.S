/* SPDX-License-Identifier: GPL-2.0 */
/* Guest runtime: entry loop, exception stubs and the basic workloads. Everything here is
 * in the "msb_guest" section, copied whole to SYS_CODE_GPA, so only RIP-relative
 * references are allowed. Runs at CPL3 (exception stubs at CPL0). */
#include "guest_abi.h"

	.section msb_guest, "ax"
	.code64

/* rdi = this vCPU's control page. Wait at PORT_SYNC, call ctl->fn(arg0..3, ctl),
 * store its result, repeat. */
	.globl guest_entry
guest_entry:
	mov	%rdi, %r15
1:	mov	$GUEST_PORT_SYNC, %dx
	out	%al, (%dx)
	mov	CTL_FN(%r15), %rax
	test	%rax, %rax
	jz	1b
	mov	CTL_ARG0(%r15), %rdi
	mov	CTL_ARG1(%r15), %rsi
	mov	CTL_ARG2(%r15), %rdx
	mov	CTL_ARG3(%r15), %rcx
	mov	%r15, %r8
	call	*%rax
	mov	%rax, CTL_RESULT(%r15)
	incq	CTL_SEQ(%r15)
	jmp	1b

/* touch(seed, base, npages, stride): write seed + i to the first qword of each page. */
	.globl guest_touch
guest_touch:
	xor	%eax, %eax
	test	%rdx, %rdx
	jz	2f
1:	lea	(%rdi,%rax), %r9
	mov	%r9, (%rsi)
	add	%rcx, %rsi
	inc	%rax
	cmp	%rdx, %rax
	jb	1b
2:	ret

/* read_sum(unused, base, npages, stride): sum of the first qword of each page. */
	.globl guest_read_sum
guest_read_sum:
	xor	%eax, %eax
	xor	%r9d, %r9d
	test	%rdx, %rdx
	jz	2f
1:	add	(%rsi), %rax
	add	%rcx, %rsi
	inc	%r9
	cmp	%rdx, %r9
	jb	1b
2:	ret

/* halt(): `hlt` until the host sets ctl->stop (r8 = ctl, from guest_entry). With an
 * in-kernel LAPIC the vCPU blocks in KVM (halted); the host ends it by making the vCPU
 * runnable (KVM_SET_MP_STATE) after setting stop. Returns the halts taken. */
	.globl guest_halt
guest_halt:
	xor	%eax, %eax
1:	hlt
	inc	%rax
	cmpq	$0, CTL_STOP(%r8)
	je	1b
	ret

/* Exception stubs, 16 bytes apart: stub for vector v is guest_exc_stubs + 16 * v.
 * The CPU pushes an error code only for these vectors; the others push 0 to match. */
	.balign 16
	.globl guest_exc_stubs
guest_exc_stubs:
	.irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.balign 16
	.if (\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
	.else
	pushq	$0
	.endif
	.if \vec == 13
	jmp	gp_handler
	.else
	pushq	$\vec
	jmp	exc_common
	.endif
	.endr

/* #GP: PVM hosts (kvm_pvm on 6.18) fault `out` at CPL3 despite IOPL 3. Do the guest's
 * `out %al, (%dx)` here at CPL0 and resume after it; the same for `hlt` (guest_halt:
 * privileged, so always a #GP at CPL3), halting here with interrupts off until the host
 * makes the vCPU runnable again. Any other #GP is reported. */
gp_handler:
	push	%rax
	mov	16(%rsp), %rax		/* RIP; below it: saved rax, error code */
	movzbl	(%rax), %eax
	cmp	$0xee, %eax		/* out %al, (%dx) */
	je	2f
	cmp	$0xf4, %eax		/* hlt */
	je	3f
	pop	%rax
	pushq	$13
	jmp	exc_common
2:	pop	%rax
	out	%al, (%dx)
	jmp	4f
3:	pop	%rax
	hlt
4:	add	$8, %rsp		/* the error code */
	incq	(%rsp)			/* past the one-byte instruction */
	iretq

/* CPL0, stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. Report and stop. */
exc_common:
	mov	(%rsp), %r8
	mov	8(%rsp), %r9
	mov	16(%rsp), %r10
	mov	%cr2, %r11
	mov	$GUEST_PORT_EXCEPTION, %dx
	out	%al, (%dx)
1:	jmp	1b

	.section .note.GNU-stack, "", @progbits
