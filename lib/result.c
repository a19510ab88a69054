/* SPDX-License-Identifier: GPL-2.0 */
/* Result files: one JSON document per invocation, with every raw sample and the
 * environment that produced it. Written to a temporary name, fsynced and renamed so a
 * crash or a full disk never leaves half a file, and never over a file by accident. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#include "msb-git-rev.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf(), syscall() */
#endif
#include "result.h"
#include "hoststate.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif
#ifndef MSB_GIT_REV
#define MSB_GIT_REV "unknown"
#endif
#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* Integral values up to 2^53 are exact in a double: print them as JSON integers. */
#define EXACT_INT_LIMIT 9007199254740992.0

void format_double(double v, char *buf, size_t len)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* A number as JSON: integer when integral, shortest round-trip double otherwise;
 * null for NaN and infinities, which JSON cannot carry. */
static json_object *num_json(double v)
{
	char buf[32];

	if (!isfinite(v))
		return NULL;
	if (v == trunc(v) && fabs(v) < EXACT_INT_LIMIT)
		return json_object_new_int64((int64_t)v);
	format_double(v, buf, sizeof(buf));
	return json_object_new_double_s(v, buf);
}


/* "2026-11-25T07:01:02.345Z" */
static void iso_now(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000L);
}

/* Which environment produced the figures, in a few fields a reader of the file (or
 * a comparison) checks first: lab and bare-metal timings are not comparable. */
static json_object *environment_json(const struct host_env *h)
{
	json_object *o = json_object_new_object();
	bool tcg = h->lab && !strcmp(h->lab_accel, "tcg");

	json_object_object_add(o, "kind", str_or_null(h->kind));
	json_object_object_add(o, "detail", str_or_null(h->kind_detail));
	json_object_object_add(o, "emulated", json_object_new_boolean(tcg));
	json_object_object_add(o, "lab", lab_env_json(h));
	return o;
}

void result_begin(struct result_file *r, int argc, char **argv, const struct host_env *h,
		  const struct kvm_env *k, json_object *topology, json_object *kvm)
{
	char ts[40];

	r->root = json_object_new_object();
	r->runs = json_object_new_array();
	if (!r->root || !r->runs)
		msb_die("out of memory starting a result");

	json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("memslot-bench"));
	json_object_object_add(tool, "version", json_object_new_string(PACKAGE_VERSION));
	json_object_object_add(tool, "git_revision", json_object_new_string(MSB_GIT_REV));

	json_object *cmd = json_object_new_array();
	for (int i = 0; i < argc && argv[i]; i++)
		json_object_array_add(cmd, json_object_new_string(argv[i]));

	iso_now(ts, sizeof(ts));
	json_object_object_add(r->root, "schema", json_object_new_string(RESULT_SCHEMA));
	json_object_object_add(r->root, "tool", tool);
	json_object_object_add(r->root, "command_line", cmd);
	json_object_object_add(r->root, "start_time", json_object_new_string(ts));
	json_object_object_add(r->root, "host", h ? host_env_json(h) : NULL);
	json_object_object_add(r->root, "environment", h ? environment_json(h) : NULL);
	json_object_object_add(r->root, "kvm_env", k ? kvm_env_json(k) : NULL);
	json_object_object_add(r->root, "host_state", h ? host_state_json(h) : NULL);
	json_object_object_add(r->root, "topology", topology);
	json_object_object_add(r->root, "kvm", kvm);
	json_object_object_add(r->root, "runs", r->runs);
}

json_object *result_add_run(struct result_file *r, const char *scenario, const char *variant,
			    json_object *params, json_object *layout)
{
	json_object *run = json_object_new_object();

	if (!run)
		msb_die("out of memory adding a run");
	/* Readers may rely on params being an object, even an empty one. */
	if (!params)
		params = json_object_new_object();
	json_object_object_add(run, "scenario", json_object_new_string(scenario));
	json_object_object_add(run, "variant", json_object_new_string(variant));
	json_object_object_add(run, "params", params);
	json_object_object_add(run, "layout", layout);
	json_object_object_add(run, "status", json_object_new_string("measured"));
	json_object_object_add(run, "metrics", json_object_new_object());
	json_object_array_add(r->runs, run);
	return run;
}

void result_run_unsupported(json_object *run, const char *why)
{
	json_object_object_add(run, "status", json_object_new_string("unsupported"));
	json_object_object_add(run, "reason", json_object_new_string(why));
	/* Nothing was measured: no empty metrics to mistake for results. */
	json_object_object_del(run, "metrics");
}

json_object *result_summary_json(const double *v, size_t n)
{
	json_object *sum = json_object_new_object();
	struct summary st;

	json_object_object_add(sum, "n", json_object_new_int64((int64_t)n));
	if (summarize(v, n, &st) == 0) {
		json_object_object_add(sum, "min", num_json(st.min));
		json_object_object_add(sum, "median", num_json(st.median));
		json_object_object_add(sum, "mean", num_json(st.mean));
		json_object_object_add(sum, "p90", num_json(st.p90));
		json_object_object_add(sum, "p99", num_json(st.p99));
		json_object_object_add(sum, "max", num_json(st.max));
		json_object_object_add(sum, "stddev", num_json(st.stddev));
	}
	return sum;
}

json_object *result_run_add_series(json_object *run, const struct series *s)
{
	json_object *metrics, *m, *samples, *sum;
	double *v = msb_calloc(s->n, sizeof(*v));
	size_t n = 0;

	if (!json_object_object_get_ex(run, "metrics", &metrics) ||
	    !json_object_is_type(metrics, json_type_object)) {
		metrics = json_object_new_object();
		json_object_object_add(run, "metrics", metrics);
	}

	/* JSON has no NaN: a non-finite sample is a bug upstream, dropped with a word. */
	samples = json_object_new_array_ext((int)s->n);
	for (size_t i = 0; i < s->n; i++) {
		if (!isfinite(s->v[i]))
			continue;
		v[n++] = s->v[i];
		json_object_array_add(samples, num_json(s->v[i]));
	}
	if (n != s->n)
		msb_warn("%s: dropped %zu non-finite sample(s)", s->name, s->n - n);

	sum = result_summary_json(v, n);
	free(v);

	m = json_object_new_object();
	json_object_object_add(m, "unit", json_object_new_string(s->unit));
	json_object_object_add(m, "samples", samples);
	json_object_object_add(m, "summary", sum);
	json_object_object_add(metrics, s->name, m);
	return m;
}

void result_metric_describe(json_object *m, const char *role, const char *kind,
			    const char *desc, bool headline)
{
	json_object_object_add(m, "role", json_object_new_string(role));
	if (kind)
		json_object_object_add(m, "kind", json_object_new_string(kind));
	if (desc)
		json_object_object_add(m, "desc", json_object_new_string(desc));
	if (headline)
		json_object_object_add(m, "headline", json_object_new_boolean(true));
}


static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Move tmp to path without replacing a file that appeared since the existence check:
 * RENAME_NOREPLACE, else link()+unlink() where the file system lacks it, else (no hard
 * links either, e.g. vfat) a last check and a plain rename. 0 or -1 with errno. */
static int publish_noreplace(const char *tmp, const char *path)
{
	struct stat st;

#ifdef SYS_renameat2
	if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -1;
#endif
	if (link(tmp, path) == 0) {
		unlink(tmp);
		return 0;
	}
	if (errno != EPERM && errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	if (lstat(path, &st) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(tmp, path);
}

/* Make the rename itself durable; best effort, the data are already on disk. */
static void fsync_parent(const char *path)
{
	char *dir = msb_strdup(path);
	char *slash = strrchr(dir, '/');
	int fd;

	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* The temporary file result_write() has open, for result_abandon_tmp() in a signal
 * handler: the name is complete before tmp_live is set. */
static char tmp_live_path[4096];
static volatile sig_atomic_t tmp_live;

void result_abandon_tmp(void)
{
	if (tmp_live)
		unlink(tmp_live_path);
}

int result_check_path(const char *path, bool force, char *err, size_t errlen)
{
	struct stat st;
	size_t n = strlen(path);
	char *probe = NULL;

	if (!strcmp(path, "-"))
		return 0;
	if (!n)
		return msb_fail(err, errlen, "the result file name is empty");
	if (path[n - 1] == '/' || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		return msb_fail(err, errlen, "%s names a directory, not a result file", path);
	if (!force && lstat(path, &st) == 0)
		return msb_fail(err, errlen, "%s exists (use --force to overwrite)", path);
	/* A probe beside it: a missing directory, one that is not a directory, not
	 * writable or on a read-only file system, even for root. */
	if (asprintf(&probe, "%s.probe.%ld", path, (long)getpid()) < 0)
		msb_die("out of memory");
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int e = errno;
	if (fd >= 0 && (write_all(fd, "\n", 1) || close(fd))) {
		e = errno;
		fd = -2;
	}
	if (fd != -1)
		unlink(probe);
	free(probe);
	if (fd < 0)
		return msb_fail(err, errlen, "cannot write the result file %s: %s", path,
				strerror(e));
	return 0;
}

int result_write(struct result_file *r, const char *path, bool force, char *err, size_t errlen)
{
	char ts[40];

	iso_now(ts, sizeof(ts));
	json_object_object_add(r->root, "end_time", json_object_new_string(ts));
	return json_write_file(r->root, path, force, err, errlen);
}

int json_write_file(json_object *root, const char *path, bool force, char *err, size_t errlen)
{
	const char *text;
	char *tmp = NULL;
	struct stat st;
	int fd = -1, e;

	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text)
		return msb_fail(err, errlen, "%s: out of memory formatting the result", path);

	if (!strcmp(path, "-")) {
		if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout))
			return msb_fail(err, errlen, "stdout: %s", strerror(errno));
		return 0;
	}

	/* Early and friendly; publish_noreplace() closes the race. */
	if (!force && lstat(path, &st) == 0)
		return msb_fail(err, errlen, "%s exists (use --force to overwrite)", path);

	/* Same directory as the target, so the rename never crosses file systems. */
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) < 0)
		msb_die("out of memory");
	/* Live before it exists: a handler's unlink of a name not yet there is harmless. */
	snprintf(tmp_live_path, sizeof(tmp_live_path), "%s", tmp);
	tmp_live = strlen(tmp) < sizeof(tmp_live_path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		tmp_live = 0;
		msb_fail(err, errlen, "%s: cannot create %s: %s", path, tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_all(fd, text, strlen(text)) || write_all(fd, "\n", 1)) {
		e = errno;
		msb_fail(err, errlen, "%s: writing %s: %s", path, tmp, strerror(e));
		goto out_unlink;
	}
	if (fsync(fd)) {
		e = errno;
		msb_fail(err, errlen, "%s: fsync of %s: %s", path, tmp, strerror(e));
		goto out_unlink;
	}
	e = close(fd);
	fd = -1;
	if (e) {
		e = errno;
		msb_fail(err, errlen, "%s: closing %s: %s", path, tmp, strerror(e));
		goto out_unlink;
	}
	if (force ? rename(tmp, path) : publish_noreplace(tmp, path)) {
		e = errno;
		if (e == EEXIST)
			msb_fail(err, errlen, "%s exists (use --force to overwrite)", path);
		else
			msb_fail(err, errlen, "%s: cannot rename %s into place: %s", path, tmp,
			     strerror(e));
		goto out_unlink;
	}
	tmp_live = 0;
	fsync_parent(path);
	free(tmp);
	return 0;

out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	tmp_live = 0;
	free(tmp);
	return -1;
}

int result_rescue(struct result_file *r)
{
	const char *dir = getenv("TMPDIR");
	char path[4096], err[512];

	snprintf(path, sizeof(path), "%s/memslot-bench-rescue.%ld.json",
		 dir && *dir ? dir : "/tmp", (long)getpid());
	if (result_write(r, path, false, err, sizeof(err)) < 0) {
		fprintf(stderr, "memslot-bench: the samples are lost: %s\n", err);
		return -1;
	}
	fprintf(stderr, "memslot-bench: the samples are saved in %s instead\n", path);
	return 0;
}

void result_free(struct result_file *r)
{
	json_object_put(r->root);
	r->root = NULL;
	r->runs = NULL;
}

/* ---- reading and validation ---- */
