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
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
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

/* Shortest %g that reads back as the same double: "0.1", not "0.10000000000000001". */
static void format_double(double v, char *buf, size_t len)
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

static json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
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

void result_run_add_series(json_object *run, const struct series *s)
{
	json_object *metrics, *m, *samples, *sum;
	struct summary st;
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

	sum = json_object_new_object();
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
	free(v);

	m = json_object_new_object();
	json_object_object_add(m, "unit", json_object_new_string(s->unit));
	json_object_object_add(m, "samples", samples);
	json_object_object_add(m, "summary", sum);
	json_object_object_add(metrics, s->name, m);
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

int result_write(struct result_file *r, const char *path, bool force, char *err, size_t errlen)
{
	const char *text;
	char ts[40], *tmp = NULL;
	struct stat st;
	int fd = -1, e;

	iso_now(ts, sizeof(ts));
	json_object_object_add(r->root, "end_time", json_object_new_string(ts));
	text = json_object_to_json_string_ext(r->root, JSON_C_TO_STRING_PRETTY |
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
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
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
	fsync_parent(path);
	free(tmp);
	return 0;

out_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

void result_free(struct result_file *r)
{
	json_object_put(r->root);
	r->root = NULL;
	r->runs = NULL;
}

/* ---- reading and validation ---- */

static bool is_number(json_object *o)
{
	return json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double);
}

static const char *type_phrase(enum json_type t)
{
	switch (t) {
	case json_type_object: return "an object";
	case json_type_array: return "an array";
	case json_type_string: return "a string";
	case json_type_int: return "an integer";
	default: return "of the right type";
	}
}

/* o[key] of type t, or -1 with "<ctx><key> is missing / is not ..." in msg. */
static int want(json_object *o, const char *ctx, const char *key, enum json_type t,
		json_object **out, char *msg, size_t len)
{
	if (!json_object_object_get_ex(o, key, out))
		return msb_fail(msg, len, "%s%s is missing", ctx, key);
	if (!json_object_is_type(*out, t))
		return msb_fail(msg, len, "%s%s is not %s", ctx, key, type_phrase(t));
	return 0;
}

static int check_metric(json_object *m, const char *ctx, char *msg, size_t len)
{
	static const char *const stats[] = { "min", "median", "mean", "p90", "p99", "max",
					     "stddev" };
	json_object *unit, *samples, *sum, *n, *v;
	size_t count;

	if (!json_object_is_type(m, json_type_object))
		return msb_fail(msg, len, "%s is not an object", ctx);

	char sub[512];
	snprintf(sub, sizeof(sub), "%s.", ctx);
	if (want(m, sub, "unit", json_type_string, &unit, msg, len) ||
	    want(m, sub, "samples", json_type_array, &samples, msg, len) ||
	    want(m, sub, "summary", json_type_object, &sum, msg, len))
		return -1;

	count = json_object_array_length(samples);
	for (size_t i = 0; i < count; i++) {
		v = json_object_array_get_idx(samples, i);
		if (!is_number(v))
			return msb_fail(msg, len, "%s.samples[%zu] is not a number", ctx, i);
		if (!isfinite(json_object_get_double(v)))
			return msb_fail(msg, len, "%s.samples[%zu] is not finite", ctx, i);
	}

	snprintf(sub, sizeof(sub), "%s.summary.", ctx);
	if (want(sum, sub, "n", json_type_int, &n, msg, len))
		return -1;
	if (json_object_get_int64(n) < 0 || (uint64_t)json_object_get_int64(n) != count)
		return msb_fail(msg, len, "%s.summary.n is %" PRId64 " but there are %zu samples",
			    ctx, json_object_get_int64(n), count);
	if (!count)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(stats); i++) {
		if (!json_object_object_get_ex(sum, stats[i], &v))
			return msb_fail(msg, len, "%s.summary.%s is missing", ctx, stats[i]);
		if (!is_number(v))
			return msb_fail(msg, len, "%s.summary.%s is not a number", ctx, stats[i]);
	}
	return 0;
}

static int check_run(json_object *run, size_t idx, char *msg, size_t len)
{
	json_object *v, *status, *metrics;
	char ctx[64];

	if (!json_object_is_type(run, json_type_object))
		return msb_fail(msg, len, "runs[%zu] is not an object", idx);
	snprintf(ctx, sizeof(ctx), "runs[%zu].", idx);
	if (want(run, ctx, "scenario", json_type_string, &v, msg, len) ||
	    want(run, ctx, "variant", json_type_string, &v, msg, len) ||
	    want(run, ctx, "params", json_type_object, &v, msg, len) ||
	    want(run, ctx, "status", json_type_string, &status, msg, len))
		return -1;

	const char *s = json_object_get_string(status);
	if (!strcmp(s, "unsupported"))
		return want(run, ctx, "reason", json_type_string, &v, msg, len);
	if (strcmp(s, "measured"))
		return msb_fail(msg, len, "runs[%zu].status '%s' is neither measured nor unsupported",
			    idx, s);
	if (want(run, ctx, "metrics", json_type_object, &metrics, msg, len))
		return -1;

	json_object_object_foreach(metrics, name, m) {
		char mctx[320];

		snprintf(mctx, sizeof(mctx), "runs[%zu].metrics.%s", idx, name);
		if (check_metric(m, mctx, msg, len))
			return -1;
	}
	return 0;
}

static int validate(json_object *root, char *msg, size_t len)
{
	json_object *schema, *runs;

	if (!json_object_is_type(root, json_type_object))
		return msb_fail(msg, len, "not a JSON object");
	if (want(root, "", "schema", json_type_string, &schema, msg, len))
		return -1;
	if (strcmp(json_object_get_string(schema), RESULT_SCHEMA))
		return msb_fail(msg, len, "schema '%s' is not %s", json_object_get_string(schema),
			    RESULT_SCHEMA);
	if (want(root, "", "runs", json_type_array, &runs, msg, len))
		return -1;
	for (size_t i = 0; i < json_object_array_length(runs); i++)
		if (check_run(json_object_array_get_idx(runs, i), i, msg, len))
			return -1;
	return 0;
}

static unsigned line_of(const char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/* Whole file in a NUL-terminated buffer; NULL with errno on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	size_t cap = 8192, n = 0;
	char *buf;

	if (!f)
		return NULL;
	buf = msb_realloc(NULL, cap, 1);
	for (;;) {
		size_t got = fread(buf + n, 1, cap - n - 1, f);

		n += got;
		if (n + 1 < cap)
			break;
		cap *= 2;
		buf = msb_realloc(buf, cap, 1);
	}
	if (ferror(f)) {
		int e = errno ? errno : EIO;

		fclose(f);
		free(buf);
		errno = e;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int result_read(const char *path, json_object **root, char *err, size_t errlen)
{
	struct json_tokener *tok;
	enum json_tokener_error je;
	json_object *o;
	char msg[512];
	size_t len, end;
	char *buf;

	*root = NULL;
	buf = slurp(path, &len);
	if (!buf)
		return msb_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (len >= INT32_MAX) {
		free(buf);
		return msb_fail(err, errlen, "%s: too large for a result file", path);
	}

	tok = json_tokener_new();
	if (!tok)
		msb_die("out of memory");
	/* Hand the tokener the terminating NUL too, so that it sees the end of input. */
	o = json_tokener_parse_ex(tok, buf, (int)len + 1);
	je = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || je != json_tokener_success) {
		json_object_put(o);
		msb_fail(err, errlen, "%s: invalid JSON at line %u: %s", path,
		     line_of(buf, end < len ? end : len), json_tokener_error_desc(je));
		free(buf);
		return -1;
	}
	while (end < len && strchr(" \t\r\n", buf[end]))
		end++;
	if (end < len && buf[end]) {
		json_object_put(o);
		msb_fail(err, errlen, "%s: invalid JSON at line %u: text after the document", path,
		     line_of(buf, end));
		free(buf);
		return -1;
	}
	free(buf);

	if (validate(o, msg, sizeof(msg))) {
		json_object_put(o);
		return msb_fail(err, errlen, "%s: %s", path, msg);
	}
	*root = o;
	return 0;
}

static void print_value(FILE *f, json_object *v)
{
	if (json_object_is_type(v, json_type_int)) {
		fprintf(f, "%" PRId64 "\n", json_object_get_int64(v));
	} else {
		char buf[32];

		format_double(json_object_get_double(v), buf, sizeof(buf));
		fprintf(f, "%s\n", buf);
	}
}

static const char *get_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "?";
	return json_object_get_string(v);
}

void result_print_raw(FILE *f, json_object *run)
{
	const char *scenario = get_str(run, "scenario"), *variant = get_str(run, "variant");
	json_object *metrics;
	bool first = true;

	if (!strcmp(get_str(run, "status"), "unsupported")) {
		fprintf(f, "# scenario=%s variant=%s unsupported: %s\n", scenario, variant,
			get_str(run, "reason"));
		return;
	}
	if (!json_object_object_get_ex(run, "metrics", &metrics) ||
	    !json_object_is_type(metrics, json_type_object))
		return;

	json_object_object_foreach(metrics, name, m) {
		json_object *samples;
		size_t n;

		if (!json_object_object_get_ex(m, "samples", &samples) ||
		    !json_object_is_type(samples, json_type_array))
			continue;
		n = json_object_array_length(samples);
		if (!first)
			fputc('\n', f);
		first = false;
		fprintf(f, "# scenario=%s variant=%s metric=%s unit=%s n=%zu\n", scenario,
			variant, name, get_str(m, "unit"), n);
		for (size_t i = 0; i < n; i++)
			print_value(f, json_object_array_get_idx(samples, i));
	}
}
