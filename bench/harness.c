/* SPDX-License-Identifier: GPL-2.0 */
#include "harness.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pagetable.h"
#include "target.h"
#include "util.h"

#define TOUCH_SEED 0x7000000000000000ULL

const char *const variant_names[NR_VARIANTS] = { "zap-all", "zap-slot" };
const char *const vcpu_mode_names[] = { "idle", "running", "active" };

uint64_t running_slot_size(const struct run_opts *o)
{
	return o->vcpus > 1 ? (o->vcpus - 1) * o->running_set : 0;
}

void bench_aspace_cfg(const struct run_opts *o, struct aspace_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->guest_mem = o->guest_mem;
	cfg->nslots = (unsigned)o->nslots;
	cfg->page_shift = o->page_size ? PAGE_SHIFT_2M : PAGE_SHIFT_4K;
	cfg->backing = (enum aspace_backing)o->backing;
	cfg->nvcpus = (unsigned)o->vcpus;
	placement_mem_policy(&o->place, &cfg->mem_policy, &cfg->mem_nodes);
	cfg->pt_spread = o->pt_placement == PT_SPREAD;
	if (o->vcpu_mode == VCPU_RUNNING)
		cfg->extra_pt_pages = pt_pages_needed(running_slot_size(o), PAGE_SHIFT_4K) + 2;
	if (o->own_vcpu_threads)
		cfg->extra_pt_pages += pt_pages_needed(o->vcpus * SLOG_BYTES, PAGE_SHIFT_4K) + 2;
	/* --host-mem auto: memfd aliases guests above 1 GiB onto 1 GiB of host memory */
	cfg->host_mem = o->host_mem;
	if (!cfg->host_mem)
		cfg->host_mem = o->backing == BACKING_MEMFD && o->guest_mem > GIB ? GIB : o->guest_mem;
}

void rss_peak_reset(void)
{
	/* "5" resets the VmHWM high-water mark (Linux 4.0+), so each run gets its own */
	FILE *f = fopen("/proc/self/clear_refs", "w");
	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

uint64_t rss_peak_bytes(void)
{
	char line[128];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %" SCNu64, &kib) == 1)
			break;
	fclose(f);
	return kib * 1024;
}

static void open_vcpu_logs(struct bench_vm *b);

static uint64_t touch_pages(const struct bench_vm *b)
{
	return b->o->guest_mem / b->o->touch_stride;
}

int bench_vm_setup(struct bench_vm *b, struct kvm_sys *sys, const struct run_opts *o,
		   enum variant v, struct metric_set *m, char *why, size_t whylen)
{
	memset(b, 0, sizeof(*b));
	b->m = m;
	b->sys = sys;
	b->o = o;
	b->variant = v;
	uint64_t t0 = now_ns();
	vm_create(sys, &b->vm);
	if (v == VARIANT_ZAP_SLOT) {
		/* Quirk off: DELETE/MOVE zap only the slot's SPTEs (6.12+). */
		int r = __vm_disable_quirks(&b->vm, KVM_X86_QUIRK_SLOT_ZAP_ALL);
		if (r < 0) {
			snprintf(why, whylen, "KVM_X86_QUIRK_SLOT_ZAP_ALL cannot be disabled on "
				 "this kernel (%s): zap-slot needs Linux 6.12+", strerror(-r));
			vm_close(&b->vm);
			return -1;
		}
	}

	struct aspace_cfg cfg;
	bench_aspace_cfg(o, &cfg);
	aspace_build(&b->vm, &cfg, &b->as);
	b->first_extra = b->as.nslots_total;
	/* The middle extra slot is the unrelated target (target.h), sized --target-size. */
	for (uint64_t i = 0; i < o->extra_slots; i++)
		aspace_add_slot(&b->as, 0, i == o->extra_slots / 2 ? o->target_size : 2 * MIB,
				false);
	if (o->vcpu_mode == VCPU_RUNNING)
		b->running_slot = aspace_add_slot(&b->as, 0, running_slot_size(o), true);
	for (uint64_t i = 1; o->vcpu_mode == VCPU_RUNNING && i < o->vcpus; i++) /* --numa spread */
		placement_bind_vcpu_set(&o->place, (unsigned)i, (uint8_t *)b->as.slots[
			b->running_slot].hva + (i - 1) * o->running_set, o->running_set);
	if (o->own_vcpu_threads)
		b->log_slot = aspace_add_slot(&b->as, 0, o->vcpus * SLOG_BYTES, true);
	guest_load(&b->as);

	b->vcpus = msb_calloc(o->vcpus, sizeof(*b->vcpus));
	b->threads = msb_calloc(o->vcpus, sizeof(*b->threads));
	/* Before the vCPUs: KVM creates their LAPICs with them. */
	if (o->in_kernel_irqchip)
		vm_ioctl(&b->vm, KVM_CREATE_IRQCHIP, NULL);
	for (uint64_t i = 0; i < o->vcpus; i++) {
		vcpu_create(sys, &b->vm, (int)i, &b->vcpus[i]);
		/* with an in-kernel LAPIC, APs start waiting for INIT/SIPI: run them at once */
		struct kvm_mp_state runnable = { .mp_state = KVM_MP_STATE_RUNNABLE };
		if (o->in_kernel_irqchip)
			vcpu_ioctl(&b->vcpus[i], KVM_SET_MP_STATE, &runnable);
		guest_vcpu_init(sys, &b->as, &b->vcpus[i]);
	}
	if (stats_open(b->vm.fd, &b->vm_stats) < 0 || stats_open(b->vcpus[0].fd, &b->vcpu0_stats) < 0)
		msb_die("KVM_GET_STATS_FD failed: memslot-bench needs KVM binary stats (Linux 5.14+)");
	if (o->own_vcpu_threads)
		open_vcpu_logs(b);

	if ((o->vcpu_mode != VCPU_IDLE || o->own_vcpu_threads) &&
	    (b->ns_per_tick = tsc_ns_per_tick()) <= 0)
		msb_die("the TSC does not advance: cannot time the running vCPUs' stalls");
	/* Populate once: every later repetition starts from this state. */
	bench_touch(b, NULL);
	b->setup_ns = now_ns() - t0;
	return 0;
}

/* The range a running or active vCPU loops over: its own part of the running slot, or
 * (active) the target slot itself. */
static void loop_range(const struct bench_vm *b, int vcpu, uint64_t *gpa, uint64_t *size)
{
	if (b->o->vcpu_mode == VCPU_ACTIVE) {
		const struct aspace_slot *t = &b->as.slots[target_slot(b)];
		*gpa = t->gpa;
		*size = t->size;
		return;
	}
	*gpa = b->as.slots[b->running_slot].gpa + (uint64_t)(vcpu - 1) * b->o->running_set;
	*size = b->o->running_set;
}

/* A vCPU thread's work: one guest call, on the thread's own CPU. */
struct vcpu_call {
	struct bench_vm *b;
	struct kvm_vcpu *vcpu;
	unsigned pin_index;
	uint64_t fn, a[4];
};

static void *vcpu_thread(void *arg)
{
	struct vcpu_call call = *(struct vcpu_call *)arg;
	free(arg);
	char err[160];
	if (placement_bind_thread(&call.b->o->place, &call.b->o->pin, call.pin_index,
				  call.b->actual, err, sizeof(err)) < 0)
		msb_die("vCPU %d: %s", call.vcpu->id, err);
	guest_call(call.vcpu, guest_ctl(&call.b->as, call.vcpu->id), call.fn, call.a[0], call.a[1],
		   call.a[2], call.a[3]);
	return NULL;
}

static void vcpu_thread_start(struct bench_vm *b, unsigned i, unsigned pin_index,
			      uint64_t fn, const uint64_t a[4])
{
	struct vcpu_call *call = msb_calloc(1, sizeof(*call));
	*call = (struct vcpu_call){ .b = b, .vcpu = &b->vcpus[i], .pin_index = pin_index, .fn = fn,
				    .a = { a[0], a[1], a[2], a[3] } };
	guest_ctl(&b->as, (int)i)->stop = 0;
	int r = pthread_create(&b->threads[i], NULL, vcpu_thread, call);
	if (r)
		msb_die("pthread_create for vCPU %u: %s", i, strerror(r));
}

void bench_vcpus_start(struct bench_vm *b)
{
	if (b->o->vcpu_mode == VCPU_IDLE || b->threads_running)
		return;
	for (uint64_t i = 1; i < b->o->vcpus; i++) {
		uint64_t gpa, size;
		loop_range(b, (int)i, &gpa, &size);
		/* active: the loop's slot is the one that goes away during a change */
		if (b->o->vcpu_mode == VCPU_ACTIVE) {
			b->vcpus[i].mmio_lo = gpa;
			b->vcpus[i].mmio_hi = gpa + size;
		}
		uint64_t npages = size / b->o->touch_stride;
		const uint64_t a[4] = { TOUCH_SEED + (i << 40), gpa, npages ? npages : 1,
					b->o->touch_stride };
		vcpu_thread_start(b, (unsigned)i, (unsigned)i, guest_fn(guest_touch_loop), a);
	}
	b->first_thread = 1;
	b->end_thread = (unsigned)b->o->vcpus;
	b->threads_running = true;
}

void bench_vcpus_start_n(struct bench_vm *b, unsigned n, uint64_t fn, const uint64_t *a0,
			 const uint64_t *a1, const uint64_t *a2, uint64_t a3)
{
	if (b->threads_running)
		msb_die("internal error: vCPU threads started twice");
	for (unsigned i = 0; i < n; i++) {
		const uint64_t a[4] = { a0[i], a1[i], a2[i], a3 };
		vcpu_thread_start(b, i, 1 + i, fn, a);
	}
	b->threads_may_halt = fn == guest_fn(guest_halt);
	b->first_thread = 0;
	b->end_thread = n;
	b->threads_running = true;
}

static void on_kick(int sig)
{
	(void)sig; /* only ends KVM_RUN with EINTR */
}

/* A halted vCPU stays in KVM_RUN until something makes it runnable: immediate_exit (for
 * a thread not in KVM_RUN yet) and a signal (for one that is) end its KVM_RUN with EINTR,
 * and its thread (guest_call) makes it runnable. SA_RESTART off: KVM_RUN must return. */
static void kick_out_of_halt(struct bench_vm *b, unsigned i)
{
	static bool installed;
	if (!installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_kick;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
		installed = true;
	}
	__atomic_store_n(&b->vcpus[i].run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	int r = pthread_kill(b->threads[i], SIGUSR1);
	if (r && r != ESRCH) /* ESRCH: its KVM_RUN failed and it has ended already */
		msb_die("vCPU %u: pthread_kill: %s", i, strerror(r));
}

void bench_vcpus_stop(struct bench_vm *b)
{
	if (!b->threads_running)
		return;
	for (uint64_t i = b->first_thread; i < b->end_thread; i++)
		guest_ctl(&b->as, (int)i)->stop = 1;
	for (uint64_t i = b->first_thread; b->threads_may_halt && i < b->end_thread; i++)
		kick_out_of_halt(b, (unsigned)i);
	for (uint64_t i = b->first_thread; i < b->end_thread; i++)
		pthread_join(b->threads[i], NULL);
	b->threads_running = false;
	b->threads_may_halt = false;
}

/* Every vCPU's stats fd and its stall log, pointed to by its control page. */
static void open_vcpu_logs(struct bench_vm *b)
{
	b->vcpu_stats = msb_calloc(b->o->vcpus, sizeof(*b->vcpu_stats));
	for (unsigned i = 0; i < b->o->vcpus; i++) {
		if (stats_open(b->vcpus[i].fd, &b->vcpu_stats[i]) < 0)
			msb_die("KVM_GET_STATS_FD failed for vCPU %u", i);
		struct stall_log *l = bench_vcpu_log(b, i);
		memset((void *)l, 0, SLOG_BYTES);
		l->tl_next = UINT64_MAX; /* no timeline until the host starts one */
		l->tl_interval = 1;
		l->threshold = UINT64_MAX;
		guest_ctl(&b->as, (int)i)->log = b->as.slots[b->log_slot].gpa + (uint64_t)i * SLOG_BYTES;
	}
}

struct stall_log *bench_vcpu_log(struct bench_vm *b, unsigned i)
{
	return (struct stall_log *)((uint8_t *)b->as.slots[b->log_slot].hva +
				    (uint64_t)i * SLOG_BYTES);
}

uint64_t bench_mmio_exits(struct bench_vm *b)
{
	uint64_t n = 0;
	for (uint64_t i = 1; i < b->o->vcpus; i++)
		n += atomic_load(&b->vcpus[i].mmio_exits);
	return n;
}

void bench_vm_teardown(struct bench_vm *b)
{
	bench_vcpus_stop(b);
	stats_close(&b->vm_stats);
	stats_close(&b->vcpu0_stats);
	for (uint64_t i = 0; b->vcpu_stats && i < b->o->vcpus; i++)
		stats_close(&b->vcpu_stats[i]);
	free(b->vcpu_stats);
	for (uint64_t i = 0; i < b->o->vcpus; i++)
		vcpu_close(&b->vcpus[i]);
	vm_close(&b->vm);
	aspace_destroy(&b->as);
	free(b->vcpus);
	free(b->threads);
}

void metric_set_free(struct metric_set *m)
{
	for (size_t i = 0; i < m->n; i++)
		series_free(&m->s[i]);
	free(m->s);
	m->s = NULL;
	m->n = 0;
}

const struct series *metric_find(const struct metric_set *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->s[i].name, name))
			return &m->s[i];
	return NULL;
}

/* --pt-placement spread: one call per data slot, past the page tables at its start.
 * Returns the pages touched; *want gets the pages asked for. */
static uint64_t touch_spread(struct bench_vm *b, uint64_t *want)
{
	uint64_t n = 0;
	*want = 0;
	for (unsigned k = 1; k <= b->as.ndata; k++) {
		uint64_t gpa, size;
		aspace_slot_data(&b->as.slots[k], &gpa, &size);
		uint64_t pages = size / b->o->touch_stride;
		*want += pages;
		n += guest_call(&b->vcpus[0], guest_ctl(&b->as, 0), guest_fn(guest_touch),
				TOUCH_SEED + (gpa - ASPACE_DATA_GPA) / b->o->touch_stride, gpa, pages,
				b->o->touch_stride);
	}
	return n;
}

uint64_t bench_touch(struct bench_vm *b, int64_t *pf_fixed)
{
	struct kvm_stats_snap s0, s1;
	if (pf_fixed)
		stats_snapshot(&b->vcpu0_stats, &s0);
	uint64_t t0 = now_ns(), n, want = touch_pages(b);
	if (b->o->pt_placement == PT_SPREAD)
		n = touch_spread(b, &want);
	else
		n = guest_call(&b->vcpus[0], guest_ctl(&b->as, 0), guest_fn(guest_touch),
			       TOUCH_SEED, ASPACE_DATA_GPA, touch_pages(b), b->o->touch_stride);
	uint64_t dt = now_ns() - t0;
	if (n != want && !guest_failure()) /* a failed guest: the run ends after this rep */
		msb_die("guest touched %llu of %llu pages", (unsigned long long)n,
			(unsigned long long)want);
	if (pf_fixed) {
		stats_snapshot(&b->vcpu0_stats, &s1);
		if (!stats_delta(&b->vcpu0_stats, &s0, &s1, "pf_fixed", pf_fixed))
			msb_die("vCPU stat pf_fixed is not exported by this kernel");
		stats_snap_free(&s0);
		stats_snap_free(&s1);
	}
	return dt;
}

void bench_add(struct bench_vm *b, const char *name, const char *unit, double v)
{
	struct metric_set *m = b->m;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->s[i].name, name)) {
			series_add(&m->s[i], v);
			return;
		}
	m->s = msb_realloc(m->s, m->n + 1, sizeof(*m->s));
	series_init(&m->s[m->n], name, unit);
	series_add(&m->s[m->n++], v);
}

bool bench_stat_opt(struct bench_vm *b, const struct kvm_stats_snap *s, const char *name,
		    uint64_t *v)
{
	return stats_get(&b->vm_stats, s, name, v);
}

void bench_settle(const struct bench_vm *b)
{
	uint64_t us = b->o->settle_us;
	struct timespec ts = { .tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000 };
	while (us && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

void fmt_duration(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);
	if (t < 60)
		snprintf(buf, len, "%lus", t);
	else if (t < 3600)
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(buf, len, "%luh%02lum", t / 3600, t / 60 % 60);
}

void progress_start(struct bench_progress *p, bool quiet, double vms_total)
{
	memset(p, 0, sizeof(*p));
	p->on = !quiet;
	p->tty = isatty(STDERR_FILENO);
	p->t0 = now_ns();
	p->vms_total = vms_total;
}

/* One line: on a terminal over the last one, else a plain line. frac: of the current
 * VM done (its repetitions). */
static void progress_line(struct bench_progress *p, double frac, const char *what)
{
	char el[24], eta[24] = "?";
	uint64_t now = now_ns();
	double elapsed = (double)(now - p->t0) / 1e9;
	double done = p->vms_total > 0 ? (p->vms_done + frac) / p->vms_total : 0;
	if (done > 0 && done <= 1)
		fmt_duration(elapsed / done - elapsed, eta, sizeof(eta));
	fmt_duration(elapsed, el, sizeof(el));
	fprintf(stderr, "%s[VM %.0f/%.0f %.0f%%] %s: %s, elapsed %s, ETA %s%s", p->tty ? "\r" : "",
		p->vms_done + 1, p->vms_total, 100 * done, p->label, what, el, eta,
		p->tty ? "\033[K" : "\n");
	p->shown = p->tty;
	p->last_ns = now;
}

void progress_vm(struct bench_progress *p, const char *label, uint64_t pages)
{
	char what[64];
	snprintf(p->label, sizeof(p->label), "%s", label);
	if (!p->on || (!p->tty && p->last_ns &&
		       now_ns() - p->last_ns < PROGRESS_PLAIN_GAP_S * 1000000000ULL))
		return;
	snprintf(what, sizeof(what), "set-up, touching %llu pages", (unsigned long long)pages);
	progress_line(p, 0, what);
}

void progress_vm_done(struct bench_progress *p)
{
	p->vms_done++;
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}

void bench_progress(struct bench_vm *b, uint64_t rep, uint64_t total, const char *what)
{
	struct bench_progress *p = b->progress;
	char buf[64];
	if (!p || !p->on || (!p->tty && now_ns() - p->last_ns <
			     PROGRESS_HEARTBEAT_S * 1000000000ULL))
		return;
	snprintf(buf, sizeof(buf), "%s %llu/%llu", what, (unsigned long long)rep,
		 (unsigned long long)total);
	progress_line(p, (double)rep / (double)total, buf);
}
