/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the commands that read result files: see report.h. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "hoststate.h"
#include "util.h"

/* ---- JSON ---- */

json_object *jget(json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += len + (path[len] == '.');
	}
	return o;
}

const char *jstr(json_object *o, const char *path, const char *def)
{
	json_object *v = jget(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : def;
}

int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Key order and number spelling do not matter: sorted keys, integral numbers as
 * integers. "reps" and "warmup" may differ between files being compared. */
static void canon(FILE *f, json_object *o, bool skip_reps)
{
	switch (json_object_get_type(o)) {
	case json_type_object: {
		size_t n = 0, i = 0;
		json_object_object_foreach(o, k0, v0) {
			(void)k0;
			(void)v0;
			n++;
		}
		char **keys = msb_calloc(n + 1, sizeof(*keys));
		json_object_object_foreach(o, k, v) {
			(void)v;
			keys[i++] = k;
		}
		qsort(keys, n, sizeof(*keys), cmp_str);
		fputc('{', f);
		for (i = 0; i < n; i++) {
			if (skip_reps && param_is_reps(keys[i]))
				continue;
			fprintf(f, "\"%s\":", keys[i]);
			canon(f, json_object_object_get(o, keys[i]), false);
			fputc(',', f);
		}
		fputc('}', f);
		free(keys);
		break;
	}
	case json_type_array:
		fputc('[', f);
		for (size_t i = 0; i < json_object_array_length(o); i++) {
			canon(f, json_object_array_get_idx(o, i), false);
			fputc(',', f);
		}
		fputc(']', f);
		break;
	case json_type_int:
	case json_type_double: {
		double d = json_object_get_double(o);

		if (d == trunc(d) && fabs(d) < 9e15)
			fprintf(f, "%lld", (long long)d);
		else
			fprintf(f, "%.17g", d);
		break;
	}
	case json_type_null:
		fputs("null", f);
		break;
	default:
		fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
	}
}

char *canon_str(json_object *o, bool skip_reps)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	if (!f)
		msb_die("out of memory");
	if (o)
		canon(f, o, skip_reps);
	fclose(f);
	return s;
}

char *run_key(json_object *run, bool with_layout)
{
	char *p = canon_str(jget(run, "params"), true);
	char *l = with_layout ? canon_str(jget(run, "layout"), false) : msb_strdup("*");
	char *k = NULL;

	if (asprintf(&k, "%s|%s|%s", jstr(run, "scenario", "?"), p, l) < 0)
		msb_die("out of memory");
	free(p);
	free(l);
	return k;
}

bool param_is_reps(const char *key)
{
	return !strcmp(key, "reps") || !strcmp(key, "warmup");
}

/* ---- same host and environment? ---- */

struct env_field {
	const char *path;
	double tolerance; /* relative, for numbers */
	bool optional;    /* compared only where both files record it (newer than schema 1) */
};

/* Not the kernel release: comparing kernels is the point. host.* describes the lab
 * guest in the lab; its memory moves a little with the kernel's own reservations. */
static const struct env_field env_fields[] = {
	{ .path = "host.nodename" },		{ .path = "host.cpu_model" },
	{ .path = "host.ncpus" },		{ .path = "host.memory_bytes", .tolerance = 0.02 },
	{ .path = "topology.numa_nodes" },	{ .path = "environment.kind" },
	{ .path = "environment.lab.qemu" },	{ .path = "environment.lab.accel" },
	{ .path = "environment.lab.cpu" },	{ .path = "environment.lab.mmu" },
	{ .path = "environment.lab.nodes" },	{ .path = "kvm_env.mmu" },
	/* An oversubscribed run's times include run-queue waits: never the same host. */
	{ .path = "pinning.oversubscribed", .optional = true },
};

static bool field_equal(json_object *a, json_object *b, double tol)
{
	if (!a || !b)
		return !a && !b;
	bool num = json_object_is_type(a, json_type_int) || json_object_is_type(a, json_type_double);
	if (num && tol > 0 && (json_object_is_type(b, json_type_int) ||
			       json_object_is_type(b, json_type_double))) {
		double x = json_object_get_double(a), y = json_object_get_double(b);

		return fabs(x - y) <= tol * fmax(fabs(x), fabs(y));
	}
	char *ca = canon_str(a, false), *cb = canon_str(b, false);
	bool eq = !strcmp(ca, cb);
	free(ca);
	free(cb);
	return eq;
}

int same_environment(json_object *a, json_object *b, char *err, size_t len)
{
	size_t off = 0;

	err[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(env_fields); i++) {
		json_object *x = jget(a, env_fields[i].path), *y = jget(b, env_fields[i].path);

		if ((env_fields[i].optional && (!x || !y)) ||
		    field_equal(x, y, env_fields[i].tolerance))
			continue;
		char *cx = x ? canon_str(x, false) : msb_strdup("(missing)");
		char *cy = y ? canon_str(y, false) : msb_strdup("(missing)");
		if (off < len)
			off += (size_t)snprintf(err + off, len - off, "%s%s %s vs %s%s",
						off ? ", " : "", env_fields[i].path, cx, cy,
						env_fields[i].tolerance > 0 ? " (over 2% apart)" : "");
		free(cx);
		free(cy);
	}
	return off ? -1 : 0;
}

void host_state_warn(json_object *a, json_object *b, const char *pa, const char *pb)
{
	char diff[512];
	if (host_state_diff(a, b, diff, sizeof(diff)) > 0)
		fprintf(stderr, "memslot-bench: warning: %s and %s differ in host state that "
			"changes these costs: %s\n", pa, pb, diff);
}

/* ---- describing a file ---- */

void env_facts(json_object *r, struct env_facts *e)
{
	json_object *emu = jget(r, "environment.emulated");

	e->release = jstr(r, "host.release", NULL);
	e->kind = jstr(r, "environment.kind", jstr(r, "host.kind", NULL));
	e->accel = jstr(r, "environment.lab.accel", NULL);
	e->qemu = jstr(r, "environment.lab.qemu", NULL);
	e->mmu = jstr(r, "kvm_env.mmu", NULL);
	e->emulated = emu && json_object_get_boolean(emu);
	e->kvm_build = jstr(r, "environment.lab.kvm_build.key", NULL);
	json_object *p = jget(r, "environment.lab.kvm_build.patches");
	e->kvm_patches = json_object_is_type(p, json_type_array) ? (int)json_object_array_length(p) : 0;
}

/* "lab TCG (emulated), shadow MMU": plot titles. */
static void env_plot(const struct env_facts *e, char *buf, size_t len)
{
	char acc[16] = "";
	size_t i;

	for (i = 0; e->accel && e->accel[i] && i < sizeof(acc) - 1; i++)
		acc[i] = (char)(e->accel[i] >= 'a' && e->accel[i] <= 'z' ? e->accel[i] - 32
								     : e->accel[i]);
	acc[i] = 0;
	snprintf(buf, len, "%s%s%s%s%s%s%s", e->kind ? e->kind : "unknown environment",
		 acc[0] ? " " : "", acc, e->emulated ? " (emulated)" : "", e->mmu ? ", " : "",
		 e->mmu ? (strcmp(e->mmu, "tdp") ? e->mmu : "TDP") : "", e->mmu ? " MMU" : "");
}

void env_desc(json_object *r, enum env_style style, char *buf, size_t len)
{
	struct env_facts e;
	char lab[64] = "";

	env_facts(r, &e);
	if (style == ENV_PLOT) {
		env_plot(&e, buf, len);
		return;
	}
	if (e.accel)
		snprintf(lab, sizeof(lab), " (QEMU %s %s)", e.qemu ? e.qemu : "", e.accel);
	char build[96] = "";
	if (e.kvm_build)
		snprintf(build, sizeof(build), ", KVM build %.16s with %d patch%s", e.kvm_build,
			 e.kvm_patches, e.kvm_patches == 1 ? "" : "es");
	json_object *done = jget(r, "complete");
	snprintf(buf, len, "kernel %s, %s%s, MMU %s%s%s", e.release ? e.release : "?",
		 e.kind ? e.kind : "?", lab, e.mmu ? e.mmu : "?", build,
		 done && !json_object_get_boolean(done) ? ", INCOMPLETE (interrupted)" : "");
}

void host_desc(json_object *r, char *buf, size_t len)
{
	json_object *nc = jget(r, "host.ncpus"), *mem = jget(r, "host.memory_bytes"),
		    *nodes = jget(r, "topology.numa_nodes");

	snprintf(buf, len, "%s, %s, %d CPUs, %.1f GiB, %d NUMA node(s)",
		 jstr(r, "host.nodename", "?"), jstr(r, "host.cpu_model", "?"),
		 nc ? json_object_get_int(nc) : 0,
		 mem ? json_object_get_double(mem) / (double)GIB : 0.0,
		 nodes ? json_object_get_int(nodes) : 0);
}

void layout_desc(json_object *run, char *buf, size_t len)
{
	json_object *l = jget(run, "layout"), *cpu = jget(l, "cpu_node"), *mem = jget(l, "mem_node");

	if (!cpu || !mem) {
		snprintf(buf, len, "%s", jstr(l, "numa", "no layout"));
		return;
	}
	snprintf(buf, len, "%s: CPUs of node %d, memory on node %d (distance %d)",
		 jstr(l, "numa", "?"), json_object_get_int(cpu), json_object_get_int(mem),
		 json_object_get_int(jget(l, "numa_distance")));
}
