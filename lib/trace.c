/* SPDX-License-Identifier: GPL-2.0 */
/* A private tracefs instance for KVM's MMU events, read with libtracefs; see trace.h. */
#define _GNU_SOURCE
#include "trace.h"
#include "util.h"

#include <errno.h>
#include <event-parse.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <tracefs.h>
#include <unistd.h>

const char *const trace_event_names[NR_TRACE_KINDS] = {
	[TK_ZAP_ALL] = "kvmmmu:kvm_mmu_zap_all_fast",
	[TK_PREPARE_ZAP] = "kvmmmu:kvm_mmu_prepare_zap_page",
	[TK_PAGE_FAULT] = "kvm:kvm_page_fault",
	[TK_SPTE_REQUESTED] = "kvmmmu:kvm_mmu_spte_requested",
	[TK_SWITCH_OUT] = "sched:sched_switch",
};

/* Ring-buffer bytes per expected fault: a kvm_page_fault record (40 bytes of fields
 * and header) and a kvm_mmu_spte_requested one (32), each with its 4-8 byte ring-buffer
 * header, rounded up. */
#define BYTES_PER_EVENT 96
/* The most a window may take per CPU: one pinned CPU may have a large buffer; sizing
 * every CPU of a large host alike would take that much memory on each. Past the cap,
 * losses are counted (t->lost), never hidden. */
#define BUFFER_CAP_KB_ONE (256 * 1024)
#define BUFFER_CAP_KB_ALL (16 * 1024)

/* The one open capture, for the exit and signal handlers that must remove it: the only
 * state kept outside the caller's struct, because a handler gets no argument. */
static struct msb_trace *open_trace;

static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static bool has_instances(const char *dir)
{
	char p[128];
	struct stat st;

	snprintf(p, sizeof(p), "%s/instances", dir);
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* SIGINT and SIGTERM wait while this thread is in libtracefs, which opens instance
 * files: a handler that ran meanwhile could not close them, and rmdir would fail with
 * EBUSY. */
static void hold_signals(struct msb_trace *t)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &t->sigmask);
}

static void release_signals(struct msb_trace *t)
{
	pthread_sigmask(SIG_SETMASK, &t->sigmask, NULL);
}

static int write_file(struct msb_trace *t, const char *name, const char *val)
{
	hold_signals(t);
	int r = tracefs_instance_file_write(t->inst, name, val);
	int e = errno;
	release_signals(t);
	errno = e;
	return r == (int)strlen(val) ? 0 : -1;
}

/* Async-signal-safe: rmdir and umount only. Another thread (a vCPU's) may take the
 * signal while the main thread is in libtracefs with a file open for a moment: retry
 * EBUSY for up to a second. */
static void remove_instance(struct msb_trace *t)
{
	for (int i = 0; t->dir[0] && rmdir(t->dir) != 0 && errno == EBUSY && i < 200; i++)
		nanosleep(&(struct timespec){ .tv_nsec = 5000000 }, NULL);
	t->dir[0] = '\0';
	if (t->mount[0])
		umount(t->mount);
	t->mount[0] = '\0';
}

static void at_exit(void)
{
	if (open_trace)
		remove_instance(open_trace);
}

static void on_signal(int sig)
{
	at_exit();
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *find_tracefs(struct msb_trace *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(tracefs_dirs); i++)
		if (has_instances(tracefs_dirs[i]))
			return tracefs_dirs[i];
	/* Not mounted: mount it where the kernel provides the mount point, and undo it. */
	if (mount("tracefs", tracefs_dirs[0], "tracefs", 0, NULL) == 0) {
		snprintf(t->mount, sizeof(t->mount), "%s", tracefs_dirs[0]);
		return tracefs_dirs[0];
	}
	return NULL;
}

/* The formats of the systems we read, and each event's id (-1 where absent). */
static int parse_formats(struct msb_trace *t, const char *fs)
{
	static const char *const systems[] = { "kvm", "kvmmmu", "sched", NULL };

	t->tep = tracefs_local_events_system(fs, systems);
	if (!t->tep)
		return -1;
	for (int k = 0; k < NR_TRACE_KINDS; k++) {
		char sys[32];
		const char *name = strchr(trace_event_names[k], ':') + 1;
		snprintf(sys, sizeof(sys), "%.*s", (int)(name - 1 - trace_event_names[k]),
			 trace_event_names[k]);
		struct tep_event *ev = tep_find_event_by_name(t->tep, sys, name);
		t->ids[k] = ev ? ev->id : -1;
	}
	return 0;
}

/* Create the instance directory (noted for the handlers at once). */
static int create_instance(struct msb_trace *t, char *err, size_t errlen)
{
	char name[64];

	snprintf(name, sizeof(name), "memslot-bench.%ld", (long)getpid());
	hold_signals(t);
	t->inst = tracefs_instance_create(name);
	char *dir = t->inst ? tracefs_instance_get_dir(t->inst) : NULL;
	if (dir)
		snprintf(t->dir, sizeof(t->dir), "%s", dir);
	tracefs_put_tracing_file(dir);
	int e = errno;
	if (t->dir[0]) {
		open_trace = t;
		atexit(at_exit);
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
	}
	release_signals(t);
	if (!t->dir[0])
		return msb_fail(err, errlen, "--trace: cannot create the trace instance: %s",
				strerror(e));
	return 0;
}

/* Off until a window starts, the mono clock, this thread only, the events on. */
static int configure(struct msb_trace *t)
{
	char tid[24];

	snprintf(tid, sizeof(tid), "%ld", t->tid);
	if (write_file(t, "tracing_on", "0") || write_file(t, "trace_clock", "mono") ||
	    write_file(t, "set_event_pid", tid))
		return -1;
	for (int k = 0; k < NR_TRACE_KINDS; k++) {
		if (t->ids[k] < 0)
			continue;
		char file[96];
		snprintf(file, sizeof(file), "events/%s/enable", trace_event_names[k]);
		*strchr(file + strlen("events/"), ':') = '/';
		if (write_file(t, file, "1"))
			return -1;
	}
	return 0;
}

int trace_open(struct msb_trace *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	if (geteuid() != 0)
		return msb_fail(err, errlen, "--trace needs root (tracefs)");
	const char *fs = find_tracefs(t);
	if (!fs)
		return msb_fail(err, errlen, "--trace: no tracefs with instances at %s or %s, and "
				"mounting it failed (%s)", tracefs_dirs[0], tracefs_dirs[1],
				strerror(errno));
	char fsdir[64];
	snprintf(fsdir, sizeof(fsdir), "%s", fs);
	if (tracefs_set_tracing_dir(fsdir) < 0 || parse_formats(t, fsdir) < 0) {
		remove_instance(t);
		return msb_fail(err, errlen, "--trace: cannot read the event formats under %s", fs);
	}
	if (t->ids[TK_ZAP_ALL] < 0) {
		trace_close(t);
		return msb_fail(err, errlen, "--trace: this kernel has no kvmmmu:kvm_mmu_zap_all_fast "
				"event (is kvm loaded?)");
	}
	t->tid = syscall(SYS_gettid);
	if (create_instance(t, err, errlen) < 0) {
		trace_close(t);
		return -1;
	}
	if (configure(t)) {
		int e = errno;
		trace_close(t);
		return msb_fail(err, errlen, "--trace: cannot set up the trace instance: %s",
				strerror(e));
	}
	return 0;
}

/* Grow the ring buffer to hold expected_events (never shrink: a sweep's sizes vary). */
static void size_buffer(struct msb_trace *t, uint64_t expected_events, int cpu)
{
	uint64_t kb = expected_events * BYTES_PER_EVENT / 1024 + 1;
	uint64_t cap = cpu >= 0 ? BUFFER_CAP_KB_ONE : BUFFER_CAP_KB_ALL;
	if (kb > cap)
		kb = cap;
	if (kb <= t->buffer_kb)
		return;
	hold_signals(t);
	int r = tracefs_instance_set_buffer_size(t->inst, kb, cpu);
	release_signals(t);
	/* A smaller buffer is no error: losses are counted. */
	if (r == 0)
		t->buffer_kb = kb;
}

void trace_window_start(struct msb_trace *t, uint64_t expected_events, int cpu)
{
	size_buffer(t, expected_events, cpu);
	/* Writing the trace file empties every CPU's buffer and zeroes its loss counts. */
	if (write_file(t, "tracing_on", "0") || write_file(t, "trace", "") ||
	    write_file(t, "tracing_on", "1"))
		msb_die_errno("--trace: cannot restart the trace in %s", t->dir);
	t->n = 0;
	t->lost = 0;
}

void trace_window_end(struct msb_trace *t)
{
	if (write_file(t, "tracing_on", "0"))
		msb_die_errno("--trace: cannot stop the trace in %s", t->dir);
}

static void push(struct msb_trace *t, uint64_t ts, enum trace_kind kind, uint32_t val)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 4096;
		t->recs = realloc(t->recs, t->cap * sizeof(*t->recs));
		if (!t->recs)
			msb_die("--trace: out of memory for %zu events", t->cap);
	}
	t->recs[t->n++] = (struct trace_rec){ .ts = ts, .kind = kind, .val = val };
}

/* sched_switch is recorded when either side is the traced thread: which one. */
static void on_switch(struct msb_trace *t, struct tep_event *ev, struct tep_record *rec)
{
	unsigned long long pid;

	if (!tep_get_field_val(NULL, ev, "prev_pid", rec, &pid, 0) && (long)pid == t->tid)
		push(t, rec->ts, TK_SWITCH_OUT, 0);
	if (!tep_get_field_val(NULL, ev, "next_pid", rec, &pid, 0) && (long)pid == t->tid)
		push(t, rec->ts, TK_SWITCH_IN, 0);
}

static int on_event(struct tep_event *ev, struct tep_record *rec, int cpu, void *arg)
{
	struct msb_trace *t = arg;
	unsigned long long v = 0;
	(void)cpu;

	if (ev->id == t->ids[TK_SWITCH_OUT]) {
		on_switch(t, ev, rec);
		return 0;
	}
	for (int k = 0; k < NR_TRACE_KINDS; k++) {
		if (ev->id != t->ids[k])
			continue;
		if (k == TK_ZAP_ALL)
			tep_get_field_val(NULL, ev, "mmu_used_pages", rec, &v, 0);
		push(t, rec->ts, (enum trace_kind)k, (uint32_t)v);
	}
	return 0;
}

/* Events the ring buffers overwrote (overrun) or refused (dropped) since the clear. */
static uint64_t losses(struct msb_trace *t)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t lost = 0;

	for (long c = 0; c < ncpu; c++) {
		char file[64];
		snprintf(file, sizeof(file), "per_cpu/cpu%ld/stats", c);
		char *s = tracefs_instance_file_read(t->inst, file, NULL);
		const char *p;
		if (s && (p = strstr(s, "overrun: ")))
			lost += strtoull(p + strlen("overrun: "), NULL, 10);
		if (s && (p = strstr(s, "dropped events: ")))
			lost += strtoull(p + strlen("dropped events: "), NULL, 10);
		free(s);
	}
	return lost;
}

static int by_time(const void *a, const void *b)
{
	const struct trace_rec *x = a, *y = b;
	return x->ts < y->ts ? -1 : x->ts > y->ts;
}

int trace_collect(struct msb_trace *t)
{
	size_t from = t->n;

	hold_signals(t);
	int r = tracefs_iterate_raw_events(t->tep, t->inst, NULL, 0, on_event, t);
	t->lost = losses(t);
	release_signals(t);
	/* One CPU's events come in order; another CPU's (a migrated thread) interleave. */
	qsort(t->recs + from, t->n - from, sizeof(*t->recs), by_time);
	return r < 0 ? -1 : 0;
}

void trace_close(struct msb_trace *t)
{
	if (t->inst) {
		write_file(t, "tracing_on", "0");
		hold_signals(t);
		tracefs_instance_free(t->inst);
		release_signals(t);
		t->inst = NULL;
	}
	remove_instance(t);
	if (open_trace == t)
		open_trace = NULL;
	if (t->tep)
		tep_free(t->tep);
	t->tep = NULL;
	free(t->recs);
	t->recs = NULL;
	t->n = t->cap = 0;
}
