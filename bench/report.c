/* Shared by the commands that read result files: see report.h. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
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

static int cmp_str(const void *a, const void *b)
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
			if (skip_reps && (!strcmp(keys[i], "reps") || !strcmp(keys[i], "warmup")))
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

const char *run_reason(json_object *run)
{
	if (!run || strcmp(jstr(run, "status", ""), "unsupported"))
		return NULL;
	return jstr(run, "reason", "unsupported");
}

double *samples_of(json_object *m, size_t *n)
{
	json_object *a = jget(m, "samples");
	double *v;

	*n = a ? json_object_array_length(a) : 0;
	v = msb_calloc(*n ? *n : 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = json_object_get_double(json_object_array_get_idx(a, i));
	return v;
}

/* ---- formatting ---- */

bool is_ns(const char *unit)
{
	return !strcmp(unit, "ns");
}

void fmt_val(double v, const char *unit, char *buf, size_t len, bool sign)
{
	const char *sg = sign && v >= 0 ? "+" : "";

	if (is_ns(unit)) {
		double a = fabs(v);

		if (a >= 1e9)
			snprintf(buf, len, "%s%.3fs", sg, v / 1e9);
		else if (a >= 1e6)
			snprintf(buf, len, "%s%.3fms", sg, v / 1e6);
		else if (a >= 1e3)
			snprintf(buf, len, "%s%.1fus", sg, v / 1e3);
		else
			snprintf(buf, len, "%s%.0fns", sg, v);
	} else {
		snprintf(buf, len, v == trunc(v) ? "%s%.0f" : "%s%.1f", sg, v);
	}
}

void fmt_ns_short(double ns, char *buf, size_t len)
{
	static const struct { double scale; const char *unit; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" }, { 1, "ns" },
	};
	char sig[32];
	size_t u = 0;

	/* Round to four digits first, so 999.96us is 1.000ms, not 1000.0us. */
	snprintf(sig, sizeof(sig), "%.3e", ns);
	double r = strtod(sig, NULL), a = fabs(r);
	while (u + 1 < ARRAY_SIZE(units) && a < units[u].scale)
		u++;
	double v = r / units[u].scale;
	int decimals = u + 1 == ARRAY_SIZE(units) ? 0 : fabs(v) >= 100 ? 1 : fabs(v) >= 10 ? 2 : 3;
	snprintf(buf, len, "%.*f%s", decimals, v, units[u].unit);
}

void fmt_param(const char *key, json_object *v, char *buf, size_t len)
{
	size_t kl = strlen(key);

	if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0 &&
	    ((kl > 4 && !strcmp(key + kl - 4, "_mem")) || strstr(key, "stride") ||
	     strstr(key, "bytes"))) {
		format_size((uint64_t)json_object_get_int64(v), buf, len);
	} else if (json_object_is_type(v, json_type_string)) {
		snprintf(buf, len, "%s", json_object_get_string(v));
	} else {
		char *c = canon_str(v, false);

		snprintf(buf, len, "%s", c);
		free(c);
	}
}

void wrap(FILE *f, const char *first, int cont, const char *text)
{
	int col = fprintf(f, "%s", first);
	bool start = true;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (!start && col + 1 + (int)w > REPORT_WIDTH) {
			col = fprintf(f, "\n%*s", cont, "") - 1;
			start = true;
		}
		if (!start)
			col += fprintf(f, " ");
		/* A word wider than the line (a long path) is cut, never let past REPORT_WIDTH. */
		while (col + (int)w > REPORT_WIDTH && REPORT_WIDTH - col > 0) {
			int part = REPORT_WIDTH - col;
			fprintf(f, "%.*s", part, text);
			text += part;
			w -= (size_t)part;
			col = fprintf(f, "\n%*s", cont, "") - 1;
		}
		col += fprintf(f, "%.*s", (int)w, text);
		start = false;
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

/* ---- same host and environment? ---- */

struct env_field {
	const char *path;
	double tolerance; /* relative, for numbers */
};

/* Not the kernel release: comparing kernels is the point. host.* describes the lab
 * guest in the lab; its memory moves a little with the kernel's own reservations. */
static const struct env_field env_fields[] = {
	{ "host.nodename", 0 },		{ "host.cpu_model", 0 },
	{ "host.ncpus", 0 },		{ "host.memory_bytes", 0.02 },
	{ "topology.numa_nodes", 0 },	{ "environment.kind", 0 },
	{ "environment.lab.qemu", 0 },	{ "environment.lab.accel", 0 },
	{ "environment.lab.cpu", 0 },	{ "environment.lab.mmu", 0 },
	{ "environment.lab.nodes", 0 }, { "kvm_env.mmu", 0 },
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

		if (field_equal(x, y, env_fields[i].tolerance))
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

/* ---- describing a file ---- */

void env_desc(json_object *r, char *buf, size_t len)
{
	const char *kind = jstr(r, "environment.kind", jstr(r, "host.kind", "?"));
	const char *accel = jstr(r, "environment.lab.accel", NULL);
	const char *qemu = jstr(r, "environment.lab.qemu", NULL);
	char lab[64] = "";

	if (accel)
		snprintf(lab, sizeof(lab), " (QEMU %s %s)", qemu ? qemu : "", accel);
	snprintf(buf, len, "kernel %s, %s%s, MMU %s", jstr(r, "host.release", "?"), kind, lab,
		 jstr(r, "kvm_env.mmu", "?"));
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

bool result_emulated(json_object *root)
{
	json_object *emu = jget(root, "environment.emulated");

	return emu && json_object_get_boolean(emu);
}

/* ---- text, Markdown, CSV ---- */

void text_line(FILE *f, const char *key, const char *val)
{
	char first[16];

	snprintf(first, sizeof(first), "%-8s ", key);
	wrap(f, first, 9, val);
}

void md_line(FILE *f, const char *key, const char *val)
{
	fprintf(f, "- **%s**: %s\n", key, val);
}

void csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputs("\",", f);
}

/* Shortest %g that reads back as the same double. */
void csv_num(FILE *f, bool have, double v, const char *sep)
{
	char buf[32];

	for (int prec = 15; have && prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	if (have)
		fputs(buf, f);
	fputs(sep, f);
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
