/* SPDX-License-Identifier: GPL-2.0 */
/* tracefs instance for kvmmmu:kvm_mmu_zap_all_fast; see trace.h. */
#include "trace.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define EVENT "events/kvmmmu/kvm_mmu_zap_all_fast"

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

/* SIGINT and SIGTERM wait while this thread has an instance file open: a handler that
 * ran between open() and the store into t->fd could not close that file, and rmdir
 * would fail with EBUSY. */
static void block_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, old);
}

/* Open an instance file and note it in t->fd, so a signal handler can close it. */
static int open_file(struct msb_trace *t, const char *name, int flags)
{
	char p[384];

	snprintf(p, sizeof(p), "%s/%s", t->dir, name);
	block_signals(&t->sigmask);
	t->fd = open(p, flags | O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;
		pthread_sigmask(SIG_SETMASK, &t->sigmask, NULL);
		errno = e;
	}
	return t->fd;
}

static void close_file(struct msb_trace *t)
{
	int fd = t->fd;

	t->fd = -1;
	close(fd);
	pthread_sigmask(SIG_SETMASK, &t->sigmask, NULL);
}

static int write_file(struct msb_trace *t, const char *name, const char *val)
{
	if (open_file(t, name, O_WRONLY | O_TRUNC) < 0)
		return -1;
	ssize_t n = write(t->fd, val, strlen(val));
	int e = errno;
	close_file(t);
	errno = e;
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* Async-signal-safe: close, rmdir and umount only. A signal may come while the main
 * thread has an instance file open, and rmdir fails with EBUSY until it is closed. */
static void remove_instance(struct msb_trace *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	/* Another thread (a vCPU's) may take the signal while the main thread has a file
	 * open for a moment: retry EBUSY for up to a second. */
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

int trace_open(struct msb_trace *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	if (geteuid() != 0)
		return msb_fail(err, errlen, "--trace needs root (tracefs)");
	const char *fs = find_tracefs(t);
	if (!fs)
		return msb_fail(err, errlen, "--trace: no tracefs with instances at %s or %s, and "
				"mounting it failed (%s)", tracefs_dirs[0], tracefs_dirs[1],
				strerror(errno));
	char ev[384];
	snprintf(ev, sizeof(ev), "%s/%s", fs, EVENT);
	if (access(ev, F_OK) != 0) {
		remove_instance(t);
		return msb_fail(err, errlen, "--trace: this kernel has no kvmmmu:kvm_mmu_zap_all_fast "
				"event (is kvm loaded?)");
	}
	snprintf(t->dir, sizeof(t->dir), "%s/instances/memslot-bench.%ld", fs, (long)getpid());
	if (mkdir(t->dir, 0700) != 0) {
		int e = errno;
		t->dir[0] = '\0';
		remove_instance(t);
		return msb_fail(err, errlen, "--trace: cannot create the trace instance: %s",
				strerror(e));
	}
	open_trace = t;
	atexit(at_exit);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	char pid[24];
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (write_file(t, "set_event_pid", pid) || write_file(t, EVENT "/enable", "1")) {
		int e = errno;
		trace_close(t);
		return msb_fail(err, errlen, "--trace: cannot enable the event: %s", strerror(e));
	}
	return 0;
}

void trace_clear(struct msb_trace *t)
{
	if (write_file(t, "trace", ""))
		msb_die_errno("--trace: cannot clear %s/trace", t->dir);
}

int trace_zap_all_fast(struct msb_trace *t, unsigned *events, uint64_t *used_pages)
{
	char line[512];

	if (open_file(t, "trace", O_RDONLY) < 0)
		return -1;
	FILE *f = fdopen(t->fd, "r");
	if (!f) {
		close_file(t);
		return -1;
	}
	*events = 0;
	*used_pages = 0;
	while (fgets(line, sizeof(line), f)) {
		const char *at = strstr(line, "kvm_mmu_zap_all_fast:");
		const char *used = at ? strstr(at, "used_pages ") : NULL;
		if (!used)
			continue;
		/* print fmt: "kvm-mmu-valid-gen %u used_pages %x" */
		*used_pages = strtoull(used + strlen("used_pages "), NULL, 16);
		(*events)++;
	}
	t->fd = -1;
	fclose(f); /* closes the fd; signals are still held, so no handler runs between */
	pthread_sigmask(SIG_SETMASK, &t->sigmask, NULL);
	return 0;
}

void trace_close(struct msb_trace *t)
{
	if (t->dir[0])
		write_file(t, EVENT "/enable", "0");
	remove_instance(t);
	if (open_trace == t)
		open_trace = NULL;
}
