/* msb-plotdata: turn memslot-bench result files into gnuplot-ready data for
 * scripts/plot.sh.
 *
 *   msb-plotdata DATADIR FILE... [-m FILE]...
 *
 * Each FILE is read and validated with result_read(); a FILE given with -m ("maybe",
 * from a directory) that is not a result file is skipped with a note instead of failing.
 * Runs are grouped by scenario and parameters (everything but guest_mem, reps and warmup),
 * across files: two kernels' files of the same configuration share a plot, base vs new.
 * For each group and plot, DATADIR/NAME.dat holds the data (gnuplot index blocks) and
 * DATADIR/NAME.gp the plot's variables (title, labels, series names, colours) that the
 * template loads. DATADIR/manifest lists "TEMPLATE<TAB>NAME" lines, one per plot.
 * Adding a plot = an emit_*() function here + a template scripts/TEMPLATE.
 *
 * Exit: 0 (also when nothing is plottable; messages on stdout say why), 2 on bad input
 * with a one-line "msb-plotdata: FILE: problem" on stderr. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "result.h"
#include "sample.h"
#include "util.h"

struct file {
	const char *path;
	char label[128];  /* legend label when several files share a plot */
	char release[96]; /* host.release */
	char env[192];    /* "lab TCG (emulated), shadow MMU" */
	json_object *root, *runs;
};

struct run {
	size_t file;
	json_object *obj;
	const char *variant;
	uint64_t mem;
	bool measured;
};

struct group {
	char *key;
	char scenario[32];
	char desc[192]; /* "target unrelated, 4K pages, 1 slot, 1 vCPU idle" */
	char name[96];  /* output base name: "delete-unrelated" */
	struct run *runs;
	size_t n;
};

static struct file *files;
static size_t nfiles;
static struct group *groups;
static size_t ngroups;
static const char *datadir;
static FILE *manifest;

/* Series colours (colour-blind safe, Okabe-Ito) and point types. */
static const char *const colours[] = { "#D55E00", "#0072B2", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#000000", "#F0E442" };
static const int points[] = { 7, 5, 9, 11, 13, 15 };

static __attribute__((noreturn, format(printf, 1, 2))) void bad_input(const char *fmt, ...)
{
	va_list ap;
	fputs("msb-plotdata: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static const char *str_at(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *obj_at(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* ------------------------------------------------------------------ file metadata */

static void describe_env(struct file *f)
{
	json_object *env = obj_at(f->root, "environment"), *lab = obj_at(env, "lab");
	json_object *em = obj_at(env, "emulated");
	const char *kind = str_at(env, "kind"), *accel = str_at(lab, "accel");
	const char *mmu = str_at(obj_at(f->root, "kvm_env"), "mmu");
	char acc[16] = "";
	size_t i;

	if (!kind)
		kind = str_at(obj_at(f->root, "host"), "kind");
	for (i = 0; accel && accel[i] && i < sizeof(acc) - 1; i++)
		acc[i] = (char)(accel[i] >= 'a' && accel[i] <= 'z' ? accel[i] - 32 : accel[i]);
	acc[i] = 0;
	snprintf(f->env, sizeof(f->env), "%s%s%s%s%s%s", kind ? kind : "unknown environment",
		 acc[0] ? " " : "", acc, em && json_object_get_boolean(em) ? " (emulated)" : "",
		 mmu ? ", " : "", mmu ? (strcmp(mmu, "tdp") ? mmu : "TDP") : "");
	if (mmu)
		strncat(f->env, " MMU", sizeof(f->env) - strlen(f->env) - 1);
}

/* Whether a group has runs from file fi. */
static bool in_group(const struct group *g, size_t fi)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->runs[i].file == fi)
			return true;
	return false;
}

/* Legend labels for a group's plots: the kernel release when it tells the group's files
 * apart, else the file name with the release. */
static void label_files(const struct group *g)
{
	for (size_t i = 0; i < nfiles; i++) {
		bool clash = false;
		for (size_t j = 0; j < nfiles; j++)
			clash |= j != i && in_group(g, i) && in_group(g, j) &&
				 !strcmp(files[i].release, files[j].release);
		if (!clash) {
			snprintf(files[i].label, sizeof(files[i].label), "%s", files[i].release);
			continue;
		}
		const char *b = strrchr(files[i].path, '/');
		b = b ? b + 1 : files[i].path;
		snprintf(files[i].label, sizeof(files[i].label), "%.*s (%s)",
			 (int)(strlen(b) > 5 && !strcmp(b + strlen(b) - 5, ".json") ? strlen(b) - 5 : strlen(b)),
			 b, files[i].release);
	}
}

static void add_file(const char *path, bool maybe)
{
	char err[512];
	json_object *root;

	if (result_read(path, &root, err, sizeof(err)) < 0) {
		if (maybe) {
			printf("skipping %s: not a result file\n", path);
			return;
		}
		bad_input("%s", err);
	}
	files = msb_realloc(files, nfiles + 1, sizeof(*files));
	struct file *f = &files[nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->root = root;
	f->runs = obj_at(root, "runs");
	const char *rel = str_at(obj_at(root, "host"), "release");
	snprintf(f->release, sizeof(f->release), "%s", rel ? rel : "unknown kernel");
	describe_env(f);
}

/* ------------------------------------------------------------------ grouping */

static bool skipped_param(const char *k)
{
	return !strcmp(k, "guest_mem") || !strcmp(k, "reps") || !strcmp(k, "warmup");
}

static void describe_group(struct group *g, json_object *params)
{
	const char *target = str_at(params, "target"), *ps = str_at(params, "page_size");
	const char *mode = str_at(params, "vcpu_mode");
	json_object *slots = obj_at(params, "slots"), *vcpus = obj_at(params, "vcpus");
	char *p = g->desc, *end = g->desc + sizeof(g->desc);

#define ADD(...) (p += snprintf(p, (size_t)(end - p), __VA_ARGS__), p = p < end ? p : end - 1)
	if (target)
		ADD("%starget %s", p == g->desc ? "" : ", ", target);
	if (ps)
		ADD("%s%s pages", p == g->desc ? "" : ", ", ps);
	if (slots)
		ADD("%s%" PRId64 " slot%s", p == g->desc ? "" : ", ", json_object_get_int64(slots),
		    json_object_get_int64(slots) == 1 ? "" : "s");
	if (vcpus)
		ADD("%s%" PRId64 " vCPU%s%s%s", p == g->desc ? "" : ", ", json_object_get_int64(vcpus),
		    json_object_get_int64(vcpus) == 1 ? "" : "s", mode ? " " : "", mode ? mode : "");
#undef ADD
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void group_runs(void)
{
	for (size_t fi = 0; fi < nfiles; fi++) {
		size_t n = json_object_array_length(files[fi].runs);
		for (size_t ri = 0; ri < n; ri++) {
			json_object *run = json_object_array_get_idx(files[fi].runs, ri);
			json_object *params = obj_at(run, "params"), *gm = obj_at(params, "guest_mem");
			const char *scenario = str_at(run, "scenario"), *status = str_at(run, "status");
			char key[1024];
			size_t kl = (size_t)snprintf(key, sizeof(key), "%s", scenario), nk = 0;
			const char *keys[64] = { NULL };

			/* Parameters in name order: files may order them differently. */
			json_object_object_foreach(params, k, v) {
				(void)v;
				if (!skipped_param(k) && nk < ARRAY_SIZE(keys))
					keys[nk++] = k;
			}
			qsort(keys, nk, sizeof(keys[0]), cmp_str);
			for (size_t i = 0; i < nk && kl < sizeof(key); i++)
				kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "|%s=%s", keys[i],
						       json_object_to_json_string_ext(obj_at(params, keys[i]),
										      JSON_C_TO_STRING_PLAIN));
			size_t gi;
			for (gi = 0; gi < ngroups && strcmp(groups[gi].key, key); gi++)
				;
			if (gi == ngroups) {
				groups = msb_realloc(groups, ngroups + 1, sizeof(*groups));
				struct group *g = &groups[ngroups++];
				memset(g, 0, sizeof(*g));
				g->key = msb_strdup(key);
				snprintf(g->scenario, sizeof(g->scenario), "%s", scenario);
				describe_group(g, params);
				const char *target = str_at(params, "target");
				snprintf(g->name, sizeof(g->name), "%s%s%s", scenario, target ? "-" : "",
					 target ? target : "");
				/* Same scenario and target, other parameters: number them. */
				unsigned same = 0;
				for (size_t j = 0; j + 1 < ngroups; j++)
					same += !strncmp(groups[j].name, g->name, strlen(g->name));
				if (same) {
					size_t l = strlen(g->name);
					snprintf(g->name + l, sizeof(g->name) - l, "-%u", same + 1);
				}
			}
			struct group *g = &groups[gi];
			g->runs = msb_realloc(g->runs, g->n + 1, sizeof(*g->runs));
			g->runs[g->n++] = (struct run){
				.file = fi,
				.obj = run,
				.variant = str_at(run, "variant"),
				.mem = gm ? (uint64_t)json_object_get_int64(gm) : 0,
				.measured = status && !strcmp(status, "measured"),
			};
		}
	}
}

/* ------------------------------------------------------------------ samples */

/* Sorted copy of a run's samples of metric, scaled; NULL when absent or empty. */
static double *samples(const struct run *r, const char *metric, double scale, size_t *n)
{
	json_object *s = obj_at(obj_at(obj_at(r->obj, "metrics"), metric), "samples");
	*n = 0;
	if (!r->measured || !s || !json_object_is_type(s, json_type_array) ||
	    !json_object_array_length(s))
		return NULL;
	*n = json_object_array_length(s);
	double *v = msb_calloc(*n, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = json_object_get_double(json_object_array_get_idx(s, i)) * scale;
	for (size_t i = 1; i < *n; i++) /* insertion sort: a few dozen samples */
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static bool median_of(const struct run *r, const char *metric, double scale, double *out)
{
	size_t n;
	double *v = samples(r, metric, scale, &n);
	if (!v)
		return false;
	*out = percentile_sorted(v, n, 50);
	free(v);
	return true;
}

/* The latency a scenario is about: delete_ns, move_ns, flags_on_ns, else <scenario>_ns. */
static void primary_metric(const char *scenario, char *buf, size_t len)
{
	snprintf(buf, len, "%s_ns", !strcmp(scenario, "flags") ? "flags_on" : scenario);
}

static const char *op_name(const char *scenario)
{
	if (!strcmp(scenario, "delete"))
		return "memslot DELETE";
	if (!strcmp(scenario, "move"))
		return "memslot MOVE";
	if (!strcmp(scenario, "flags"))
		return "memslot FLAGS_ONLY change (dirty logging on)";
	return scenario;
}

/* ------------------------------------------------------------------ output helpers */

/* A gnuplot double-quoted string. */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static FILE *open_out(const char *name, const char *ext)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.%s", datadir, name, ext);
	FILE *f = fopen(path, "w");
	if (!f)
		msb_die_errno("cannot write %s", path);
	return f;
}

static void close_out(FILE *f)
{
	if (ferror(f) | fclose(f))
		msb_die("write error in %s", datadir);
}

static void add_unique(const char **list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(list[i], s))
			return;
	list[(*n)++] = s;
}

/* "6.1.0-56-amd64 vs 6.12.117+deb12-amd64", "zap-all, zap-slot", environment(s). */
static void join(char *buf, size_t len, const char **list, size_t n, const char *sep)
{
	size_t l = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? sep : "", list[i]);
}

/* Two-line title: what is plotted, then kernel(s), variant(s), environment(s). */
#define TITLE_COLS 110
static void write_title(FILE *gp, const struct group *g, const char *what)
{
	const char **kern = msb_calloc(nfiles, sizeof(char *)), **env = msb_calloc(nfiles, sizeof(char *));
	const char **var = msb_calloc(g->n, sizeof(char *));
	size_t nk = 0, ne = 0, nv = 0;
	char ks[512], es[512], vs[256], title[1600];

	for (size_t i = 0; i < g->n; i++) {
		add_unique(kern, &nk, files[g->runs[i].file].release);
		add_unique(env, &ne, files[g->runs[i].file].env);
		add_unique(var, &nv, g->runs[i].variant);
	}
	join(ks, sizeof(ks), kern, nk, " vs ");
	join(es, sizeof(es), env, ne, " vs ");
	join(vs, sizeof(vs), var, nv, ", ");
	char head[512], desc[256], kern_s[600], var_s[300];
	snprintf(head, sizeof(head), "%s: %s", g->scenario, what);
	snprintf(desc, sizeof(desc), "(%s)", g->desc);
	snprintf(kern_s, sizeof(kern_s), "kernel%s %s", nk > 1 ? "s" : "", ks);
	snprintf(var_s, sizeof(var_s), "%s %s", nv == 1 ? "variant" : "variants", vs);
	/* Greedy lines of at most TITLE_COLS characters: the plot is 1100 pixels wide. */
	const char *seg[] = { head, desc, kern_s, var_s, es };
	const char *sep[] = { "", " ", "\n", " | ", " | " };
	size_t tl = 0, line = 0;
	title[0] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(seg) && tl < sizeof(title); i++) {
		bool brk = sep[i][0] == '\n' || (i && line + strlen(sep[i]) + strlen(seg[i]) > TITLE_COLS);
		tl += (size_t)snprintf(title + tl, sizeof(title) - tl, "%s%s", brk ? "\n" : sep[i], seg[i]);
		line = brk ? strlen(seg[i]) : line + strlen(sep[i]) + strlen(seg[i]);
	}
	fputs("set title ", gp);
	gp_str(gp, title);
	fputs(" noenhanced\n", gp);
	free(kern);
	free(env);
	free(var);
}

static bool several_files(const struct group *g)
{
	for (size_t i = 1; i < g->n; i++)
		if (g->runs[i].file != g->runs[0].file)
			return true;
	return false;
}

/* Index of a variant among a group's variants, in order of first appearance. */
static size_t variant_index(const struct group *g, const char *variant)
{
	const char **var = msb_calloc(g->n, sizeof(char *));
	size_t nv = 0, idx = 0;
	for (size_t i = 0; i < g->n; i++)
		add_unique(var, &nv, g->runs[i].variant);
	for (size_t i = 0; i < nv; i++)
		if (!strcmp(var[i], variant))
			idx = i;
	free(var);
	return idx;
}

static void size_label(uint64_t bytes, char *buf, size_t len)
{
	if (bytes >= GIB && !(bytes % GIB))
		snprintf(buf, len, "%" PRIu64 " GiB", (uint64_t)(bytes / GIB));
	else
		snprintf(buf, len, "%" PRIu64 " MiB", (uint64_t)(bytes / MIB));
}

/* ------------------------------------------------------------------ plot 1: scaling */

/* Rank of file fi among the files of a group (point and dash types). */
static size_t file_rank(const struct group *g, size_t fi)
{
	size_t rank = 0;
	for (size_t j = 0; j < fi; j++)
		rank += in_group(g, j);
	return rank;
}

/* Labelled tics on a log axis from lo to hi: 1-2-5 per decade, finer when the range is
 * narrow (gnuplot labels only powers of ten, none at all within one decade). */
static void log_tics(FILE *gp, const char *axis, double lo, double hi)
{
	static const double coarse[] = { 1, 2, 5 }, fine[] = { 1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9 };
	const double *m = coarse;
	size_t nm = ARRAY_SIZE(coarse), count = 0;

	if (!(lo > 0) || !(hi > lo))
		return;
	for (double d = pow(10, floor(log10(lo))); d <= hi; d *= 10)
		for (size_t i = 0; i < nm; i++)
			count += d * m[i] >= lo && d * m[i] <= hi;
	if (count < 4) {
		m = fine;
		nm = ARRAY_SIZE(fine);
	}
	count = 0;
	fprintf(gp, "set %stics (", axis);
	for (double d = pow(10, floor(log10(lo))); d <= hi && count < 40; d *= 10)
		for (size_t i = 0; i < nm; i++) {
			double t = d * m[i];
			if (t >= lo && t <= hi)
				fprintf(gp, "%s%.6g", count++ ? ", " : "", t);
		}
	fputs(")\n", gp);
}

/* The x axis of the scaling plot: the first measure of the guest's population that every
 * measured run has, above zero. With the TDP MMU there are no shadow pages: guest memory. */
static const struct x_axis {
	const char *metric; /* NULL: guest memory */
	const char *file;   /* in the output name: NAME-latency-vs-FILE */
	const char *what;   /* in the title */
	const char *label;  /* x axis */
	const char *unit;   /* of the slope */
} x_axes[] = {
	{ "shadow_pages_before", "shadow-pages", "populated shadow pages",
	  "shadow pages populated before the operation (median of shadow_pages_before, pages)",
	  "page" },
	{ "mmu_shadow_zapped", "shadow-pages", "shadow pages zapped",
	  "shadow pages zapped by the operation (median of mmu_shadow_zapped, pages)", "page" },
	{ "sptes_before", "sptes", "populated SPTEs",
	  "SPTEs populated before the operation (median of sptes_before)", "SPTE" },
	{ NULL, "guest-memory", "guest memory (no shadow page counts in some runs)",
	  "guest memory touched (MiB)", "MiB" },
};

/* Whether every run that measured the primary latency has metric above zero. */
static bool axis_fits(const struct group *g, const char *primary, const char *metric)
{
	for (size_t i = 0; i < g->n; i++) {
		double x;
		if (median_of(&g->runs[i], primary, 1, &x) &&
		    !(median_of(&g->runs[i], metric, 1, &x) && x > 0))
			return false;
	}
	return true;
}

/* Latency (median, IQR bars) against populated shadow pages, log-log, one series per
 * (file, variant), a fitted y = a + b*x per series with two sizes or more. */
static void emit_scaling(const struct group *g)
{
	char primary[48], name[160];
	const struct x_axis *xa = x_axes;
	double xmin = INFINITY, xmax = 0, ymin = INFINITY, ymax = 0;
	bool multi = several_files(g);

	primary_metric(g->scenario, primary, sizeof(primary));
	while (xa->metric && !axis_fits(g, primary, xa->metric))
		xa++;
	const char *xmetric = xa->metric;

	snprintf(name, sizeof(name), "%s-latency-vs-%s", g->name, xa->file);
	FILE *dat = open_out(name, "dat"), *gp = open_out(name, "gp");
	size_t nser = 0, nfit = 0;
	/* Series: files in order, variants in order of appearance. */
	struct {
		size_t file, variant, n, idx;
		double x0, x1, a, b;
		bool fit;
	} ser[64], t;

	for (size_t fi = 0; fi < nfiles; fi++) {
		const char **done = msb_calloc(g->n, sizeof(char *));
		size_t ndone = 0;
		for (size_t i = 0; i < g->n && nser < ARRAY_SIZE(ser); i++) {
			const struct run *r0 = &g->runs[i];
			size_t before = ndone;
			if (r0->file != fi)
				continue;
			add_unique(done, &ndone, r0->variant);
			if (ndone == before)
				continue;
			/* One block: every measured size of this file and variant. */
			double xs[64], ys[64];
			size_t np = 0;
			fprintf(dat, "# %s %s: x y q1 q3 guest_mem_MiB\n", files[fi].label, r0->variant);
			for (size_t j = i; j < g->n; j++) {
				const struct run *r = &g->runs[j];
				double x = 0, y;
				size_t n;
				if (r->file != fi || strcmp(r->variant, r0->variant) ||
				    !median_of(r, primary, 1e-6, &y))
					continue;
				if (xmetric)
					median_of(r, xmetric, 1, &x);
				else
					x = (double)r->mem / (double)MIB;
				double *v = samples(r, primary, 1e-6, &n);
				double q1 = percentile_sorted(v, n, 25), q3 = percentile_sorted(v, n, 75);
				free(v);
				fprintf(dat, "%.9g %.9g %.9g %.9g %.9g\n", x, y, q1, q3,
					(double)r->mem / (double)MIB);
				if (np < ARRAY_SIZE(xs)) {
					xs[np] = x;
					ys[np++] = y;
				}
				xmin = fmin(xmin, x);
				xmax = fmax(xmax, x);
				ymin = fmin(ymin, q1 > 0 ? q1 : y);
				ymax = fmax(ymax, q3);
			}
			/* Unsupported everywhere: a NaN point keeps the index and the legend entry. */
			fputs(np ? "\n\n" : "NaN NaN NaN NaN NaN\n\n\n", dat);
			ser[nser].a = ser[nser].b = 0;
			ser[nser].idx = nser;
			ser[nser].file = fi;
			ser[nser].variant = variant_index(g, r0->variant);
			ser[nser].n = np;
			ser[nser].fit = np >= 2 &&
					!linear_fit(xs, ys, np, &ser[nser].a, &ser[nser].b, &(double){ 0 });
			ser[nser].x0 = ser[nser].x1 = np ? xs[0] : 0;
			for (size_t k = 0; k < np; k++) {
				ser[nser].x0 = fmin(ser[nser].x0, xs[k]);
				ser[nser].x1 = fmax(ser[nser].x1, xs[k]);
			}
			nfit += ser[nser].fit;
			nser++;
		}
		free(done);
	}
	close_out(dat);
	/* Fitted series first: the key's second column (the fits) then lines up with the first. */
	for (size_t i = 1; i < nser; i++)
		for (size_t j = i; j > 0 && ser[j].fit && !ser[j - 1].fit; j--) {
			t = ser[j];
			ser[j] = ser[j - 1];
			ser[j - 1] = t;
		}

	char what[256];
	snprintf(what, sizeof(what), "%s latency vs %s", op_name(g->scenario), xa->what);
	write_title(gp, g, what);
	fprintf(gp, "set xlabel \"%s\" noenhanced\n", xa->label);
	fprintf(gp, "set ylabel \"%s latency, median (ms); bars: 25th-75th percentile\" noenhanced\n",
		primary);
	fprintf(gp, "xunit = \"%s\"\n", xa->unit);
	if (xmax > 0) {
		fprintf(gp, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", xmin / 1.5, xmax * 1.5,
			ymin / 2, ymax * 2);
		log_tics(gp, "x", xmin / 1.5, xmax * 1.5);
		log_tics(gp, "y", ymin / 2, ymax * 2);
	}
	fprintf(gp, "nser = %zu\n", nser);
	if (nser) {
		fprintf(gp, "array T[%zu]\narray C[%zu]\narray PT[%zu]\narray DT[%zu]\narray IDX[%zu]\n", nser,
			nser, nser, nser, nser);
		fprintf(gp, "set key vertical maxrows %zu\n", nser);
		fprintf(gp, "array FIT[%zu]\narray A[%zu]\narray B[%zu]\narray X0[%zu]\narray X1[%zu]\n",
			nser, nser, nser, nser, nser);
	}
	for (size_t s = 0; s < nser; s++) {
		const char **var = msb_calloc(g->n, sizeof(char *));
		size_t nv = 0;
		char title[256];
		for (size_t i = 0; i < g->n; i++)
			add_unique(var, &nv, g->runs[i].variant);
		if (multi)
			snprintf(title, sizeof(title), "%s, %s%s", var[ser[s].variant], files[ser[s].file].label,
				 ser[s].n ? "" : ": unsupported");
		else
			snprintf(title, sizeof(title), "%s%s", var[ser[s].variant], ser[s].n ? "" : ": unsupported");
		free(var);
		fprintf(gp, "T[%zu] = ", s + 1);
		gp_str(gp, title);
		fprintf(gp, "\nIDX[%zu] = %zu", s + 1, ser[s].idx);
		fprintf(gp, "\nC[%zu] = \"%s\"\nPT[%zu] = %d\nDT[%zu] = %zu\n", s + 1,
			colours[ser[s].variant % ARRAY_SIZE(colours)], s + 1,
			points[file_rank(g, ser[s].file) % ARRAY_SIZE(points)], s + 1,
			1 + file_rank(g, ser[s].file) % 5);
		/* Start values for gnuplot's fit: the least-squares solution, never exactly 0. */
		fprintf(gp, "FIT[%zu] = %d\nA[%zu] = %.9g\nB[%zu] = %.9g\nX0[%zu] = %.9g\nX1[%zu] = %.9g\n",
			s + 1, ser[s].fit, s + 1, ser[s].a != 0 ? ser[s].a : 1e-3, s + 1,
			ser[s].b != 0 ? ser[s].b : 1e-6, s + 1, ser[s].x0, s + 1, ser[s].x1);
	}
	if (!nfit)
		fputs("set label 1 \"one guest size per series: no fitted line\" at graph 0.02, graph 0.05\n",
		      gp);
	close_out(gp);
	fprintf(manifest, "scaling.gp\t%s\n", name);
}

/* ------------------------------------------------------------------ plots 2, 3: distributions */

/* Box plots (with every sample as a point) of metric for each run, grouped by guest size
 * and variant; boxes side by side per file (base vs new). */
static void emit_dist(const struct group *g, const char *metric, const char *suffix,
		      const char *what, const char *ylabel)
{
	char name[160];
	bool any = false;

	for (size_t i = 0; i < g->n; i++) {
		size_t n;
		double *v = samples(&g->runs[i], metric, 1, &n);
		any |= v != NULL;
		free(v);
	}
	if (!any) {
		printf("no %s samples in %s runs (%s)\n", metric, g->name, g->desc);
		return;
	}
	snprintf(name, sizeof(name), "%s-%s", g->name, suffix);
	FILE *dat = open_out(name, "dat"), *gp = open_out(name, "gp");
	bool multi = several_files(g);

	/* Categories: (guest size, variant), sizes ascending. */
	struct cat {
		uint64_t mem;
		const char *variant;
	} *cat = msb_calloc(g->n, sizeof(*cat));
	size_t ncat = 0;
	for (size_t i = 0; i < g->n; i++) {
		size_t c;
		for (c = 0; c < ncat && !(cat[c].mem == g->runs[i].mem &&
					  !strcmp(cat[c].variant, g->runs[i].variant)); c++)
			;
		if (c == ncat)
			cat[ncat++] = (struct cat){ g->runs[i].mem, g->runs[i].variant };
	}
	for (size_t i = 1; i < ncat; i++) /* stable insertion sort by size */
		for (size_t j = i; j > 0 && cat[j - 1].mem > cat[j].mem; j--) {
			struct cat t = cat[j];
			cat[j] = cat[j - 1];
			cat[j - 1] = t;
		}
	const char **fl = msb_calloc(nfiles, sizeof(char *));
	size_t nf = 0; /* files in this group, in order */
	for (size_t fi = 0; fi < nfiles; fi++)
		for (size_t i = 0; i < g->n; i++)
			if (g->runs[i].file == fi) {
				fl[nf++] = files[fi].path;
				break;
			}

	double width = 0.8 / (double)nf, lo = INFINITY, hi = 0;
	size_t nbox = 0;
	char *lines = NULL; /* gp statements for the boxes, written after nbox is known */
	size_t lsz = 0;
	FILE *ls = open_memstream(&lines, &lsz);
	bool titled[64] = { false };

	fputs("set xtics (", gp);
	for (size_t c = 0; c < ncat; c++) {
		char sz[32];
		size_label(cat[c].mem, sz, sizeof(sz));
		fprintf(gp, "%s\"%s\\n%s\" %zu", c ? ", " : "", sz, cat[c].variant, c + 1);
	}
	fputs(")\n", gp);
	for (size_t c = 0; c < ncat; c++) {
		for (size_t k = 0; k < nf; k++) {
			double x = (double)(c + 1) + ((double)k - (double)(nf - 1) / 2) * width;
			const struct run *r = NULL;
			for (size_t i = 0; i < g->n && !r; i++)
				if (!strcmp(files[g->runs[i].file].path, fl[k]) && g->runs[i].mem == cat[c].mem &&
				    !strcmp(g->runs[i].variant, cat[c].variant))
					r = &g->runs[i];
			if (!r)
				continue;
			size_t n;
			double *v = samples(r, metric, 1e-6, &n);
			if (!v) {
				char lab[256];
				snprintf(lab, sizeof(lab), "%s%s%s", r->measured ? "no samples" : "unsupported",
					 multi ? "\\non " : "", multi ? files[r->file].label : "");
				fprintf(gp, "set label \"%s\" at first %.4g, graph 0.5 center rotate by 90 "
					    "tc rgb \"#555555\" noenhanced\n", lab, x);
				continue;
			}
			fprintf(dat, "# %s %s %" PRIu64 " MiB: %s (ms)\n", files[r->file].label, r->variant,
				(uint64_t)(r->mem / MIB), metric);
			for (size_t i = 0; i < n; i++)
				fprintf(dat, "%.9g\n", v[i]);
			fputs("\n\n", dat);
			lo = fmin(lo, v[0]);
			hi = fmax(hi, v[n - 1]);
			free(v);
			/* Colour by file (base vs new) when several, else by variant. */
			size_t key = multi ? k : variant_index(g, r->variant);
			nbox++;
			fprintf(ls, "X[%zu] = %.6g\nC[%zu] = \"%s\"\nT[%zu] = ", nbox, x, nbox,
				colours[key % ARRAY_SIZE(colours)], nbox);
			gp_str(ls, key < ARRAY_SIZE(titled) && !titled[key]
					   ? (multi ? files[r->file].label : r->variant)
					   : "");
			fputc('\n', ls);
			if (key < ARRAY_SIZE(titled))
				titled[key] = true;
		}
	}
	fclose(ls);
	close_out(dat);

	write_title(gp, g, what);
	fputs("set xlabel \"guest memory touched, variant   (box: 25th-75th percentile, line: median, "
	      "whiskers: 1.5 IQR, dots: every sample)\"\n", gp);
	fputs("set ylabel ", gp);
	gp_str(gp, ylabel);
	fputs(" noenhanced\n", gp);
	fprintf(gp, "set xrange [0.4:%zu.6]\nBW = %.4g\n", ncat, fmin(width * 0.8, 0.45));
	/* Log scale when the runs span more than a factor 20 (zap-all vs zap-slot). */
	if (lo > 0 && hi / lo > 20) {
		fprintf(gp, "set logscale y\nset yrange [%.6g:%.6g]\n", lo / 2, hi * 2);
		log_tics(gp, "y", lo / 2, hi * 2);
	} else {
		fputs("set yrange [0:*]\n", gp);
	}
	fprintf(gp, "nbox = %zu\n", nbox);
	if (nbox)
		fprintf(gp, "array X[%zu]\narray C[%zu]\narray T[%zu]\n", nbox, nbox, nbox);
	fputs(lines, gp);
	free(lines);
	free(cat);
	free(fl);
	close_out(gp);
	fprintf(manifest, "box.gp\t%s\n", name);
}

/* ------------------------------------------------------------------ plans */

static void emit_latency_family(const struct group *g)
{
	char primary[48], ylabel[160], what[160];

	primary_metric(g->scenario, primary, sizeof(primary));
	emit_scaling(g);
	snprintf(what, sizeof(what), "%s latency per run", op_name(g->scenario));
	snprintf(ylabel, sizeof(ylabel), "%s: latency of one operation (ms)", primary);
	emit_dist(g, primary, "latency-dist", what, ylabel);
	snprintf(what, sizeof(what), "guest refault time after the %s", op_name(g->scenario));
	emit_dist(g, "refault_ns", "refault-dist", what,
		  "refault_ns: guest re-touches its working set (ms)");
}

/* Scenarios that have no plot yet. To add one: an emit_*() for its data and a template
 * scripts/NAME.gp; then move it into plans[]. */
static const char *const planned[] = { "stall", "tlb" };

static bool is_planned(const char *scenario)
{
	for (size_t k = 0; k < ARRAY_SIZE(planned); k++)
		if (!strcmp(planned[k], scenario))
			return true;
	return false;
}

static const struct {
	const char *scenario;
	void (*emit)(const struct group *g);
} plans[] = {
	{ "delete", emit_latency_family },
	{ "move", emit_latency_family },
	{ "flags", emit_latency_family },
};

int main(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "-m:h")) != -1) {
		switch (c) {
		case 1:
			if (!datadir)
				datadir = optarg;
			else
				add_file(optarg, false);
			break;
		case 'm':
			add_file(optarg, true);
			break;
		case 'h':
			printf("usage: msb-plotdata DATADIR FILE... [-m FILE]...\n");
			return 0;
		default:
			fprintf(stderr, "usage: msb-plotdata DATADIR FILE... [-m FILE]...\n");
			return 2;
		}
	}
	if (!datadir || !nfiles) {
		if (datadir && !nfiles)
			bad_input("no result files among the inputs");
		fprintf(stderr, "usage: msb-plotdata DATADIR FILE... [-m FILE]...\n");
		return 2;
	}
	if (mkdir(datadir, 0777) < 0 && errno != EEXIST)
		msb_die_errno("cannot create %s", datadir);
	group_runs();

	char mpath[4096];
	snprintf(mpath, sizeof(mpath), "%s/manifest", datadir);
	manifest = fopen(mpath, "w");
	if (!manifest)
		msb_die_errno("cannot write %s", mpath);
	for (size_t gi = 0; gi < ngroups; gi++) {
		size_t p;
		for (p = 0; p < ARRAY_SIZE(plans) && strcmp(plans[p].scenario, groups[gi].scenario); p++)
			;
		label_files(&groups[gi]);
		if (p < ARRAY_SIZE(plans))
			plans[p].emit(&groups[gi]);
		else if (!is_planned(groups[gi].scenario))
			printf("%s runs: no plot for this scenario yet\n", groups[gi].scenario);
	}
	/* Scenarios without a plot: planned ones (stall, tlb) file by file, others once. */
	for (size_t k = 0; k < ARRAY_SIZE(planned); k++)
		for (size_t fi = 0; fi < nfiles; fi++) {
			bool has = false;
			for (size_t gi = 0; gi < ngroups; gi++)
				for (size_t i = 0; i < groups[gi].n; i++)
					has |= groups[gi].runs[i].file == fi &&
					       !strcmp(groups[gi].scenario, planned[k]);
			if (!has)
				printf("no %s runs in %s\n", planned[k], files[fi].path);
			else
				printf("%s runs in %s: no %s plot yet\n", planned[k], files[fi].path,
				       planned[k]);
		}
	close_out(manifest);
	for (size_t fi = 0; fi < nfiles; fi++)
		json_object_put(files[fi].root);
	for (size_t gi = 0; gi < ngroups; gi++) {
		free(groups[gi].key);
		free(groups[gi].runs);
	}
	free(groups);
	free(files);
	return 0;
}
