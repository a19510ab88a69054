/* SPDX-License-Identifier: GPL-2.0 */
/* Reading result files: JSON syntax, schema, required keys and types, with the line of
 * a syntax error; and the raw samples of a run, one per line, for ministat and gnuplot. */
#include "config.h"

#include "result.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	json_object *schema, *runs, *v;

	if (!json_object_is_type(root, json_type_object))
		return msb_fail(msg, len, "not a JSON object");
	if (want(root, "", "schema", json_type_string, &schema, msg, len))
		return -1;
	if (strcmp(json_object_get_string(schema), RESULT_SCHEMA_V1) &&
	    strcmp(json_object_get_string(schema), RESULT_SCHEMA_V2))
		return msb_fail(msg, len, "schema '%s' is not %s or %s",
				json_object_get_string(schema), RESULT_SCHEMA_V1, RESULT_SCHEMA_V2);
	if (want(root, "", "runs", json_type_array, &runs, msg, len))
		return -1;
	/* An interrupted run's file: "complete": false, and why in "incomplete". */
	if (json_object_object_get_ex(root, "complete", &v) &&
	    !json_object_is_type(v, json_type_boolean))
		return msb_fail(msg, len, "complete is not true or false");
	if (json_object_object_get_ex(root, "incomplete", &v) &&
	    !json_object_is_type(v, json_type_object))
		return msb_fail(msg, len, "incomplete is not an object");
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

void result_print_raw(FILE *f, FILE *hdr, json_object *run)
{
	const char *scenario = get_str(run, "scenario"), *variant = get_str(run, "variant");
	const char *primary = get_str(run, "primary");
	json_object *metrics, *m, *samples;

	if (!strcmp(get_str(run, "status"), "unsupported")) {
		if (hdr)
			fprintf(hdr, "# scenario=%s variant=%s unsupported: %s\n", scenario, variant,
				get_str(run, "reason"));
		return;
	}
	if (!json_object_object_get_ex(run, "metrics", &metrics) ||
	    !json_object_is_type(metrics, json_type_object) ||
	    !json_object_object_get_ex(metrics, primary, &m) ||
	    !json_object_object_get_ex(m, "samples", &samples) ||
	    !json_object_is_type(samples, json_type_array)) {
		if (hdr)
			fprintf(hdr, "# scenario=%s variant=%s: no samples of a primary metric (%s)\n",
				scenario, variant, primary);
		return;
	}
	size_t n = json_object_array_length(samples);
	if (hdr)
		fprintf(hdr, "# scenario=%s variant=%s metric=%s unit=%s n=%zu\n", scenario,
			variant, primary, get_str(m, "unit"), n);
	for (size_t i = 0; i < n; i++)
		print_value(f, json_object_array_get_idx(samples, i));
}
