/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench plotdata: result files into gnuplot-ready data for scripts/plot.sh.
 *
 *   memslot-bench plotdata DATADIR FILE... [-m FILE]...
 *
 * Each FILE is read with the report model; a FILE given with -m ("maybe", from a
 * directory) that is not a result file is skipped with a note instead of failing.
 * Runs are grouped by scenario and parameters (everything but guest_mem, reps and
 * warmup), across files: two kernels' files of the same configuration share a plot,
 * base vs new. Per group: the primary latency against the run's scale (plot_scaling.c)
 * and the distributions of the primary and of every other headline latency
 * (plot_dist.c). DATADIR/NAME.dat holds a plot's data (gnuplot index blocks),
 * DATADIR/NAME.gp its variables; DATADIR/manifest lists "TEMPLATE<TAB>NAME" lines.
 *
 * Exit: 0 (also when nothing is plottable; messages on stdout say why), 2 on bad input
 * with a one-line "memslot-bench plotdata: FILE: problem" on stderr. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../cmd.h"
#include "plotdata.h"
#include "report.h"
#include "util.h"

#define USAGE "usage: memslot-bench plotdata DATADIR FILE... [-m FILE]...\n"

/* Legend labels for a group's plots: the kernel release when it tells the group's files
 * apart, else the file name with the release. */
static void label_files(struct plot *p, const struct group *g)
{
	for (size_t i = 0; i < p->nfiles; i++) {
		struct pfile *f = &p->files[i];
		bool clash = false;

		for (size_t j = 0; j < p->nfiles; j++)
			clash |= j != i && in_group(g, i) && in_group(g, j) &&
				 !strcmp(f->release, p->files[j].release);
		if (!clash) {
			snprintf(f->label, sizeof(f->label), "%s", f->release);
			continue;
		}
		const char *b = strrchr(f->f->path, '/');
		b = b ? b + 1 : f->f->path;
		size_t l = strlen(b);
		snprintf(f->label, sizeof(f->label), "%.*s (%s)",
			 (int)(l > 5 && !strcmp(b + l - 5, ".json") ? l - 5 : l), b, f->release);
	}
}

static void add_file(struct plot *p, const char *path, bool maybe)
{
	char err[512];

	p->rs.allow_incomplete = true; /* an interrupted run plots as far as it went */
	if (rs_load(&p->rs, path, err, sizeof(err)) < 0) {
		if (maybe) {
			printf("skipping %s: not a result file\n", path);
			return;
		}
		msb_usage_error("plotdata", "%s", err);
	}
	p->files = msb_realloc(p->files, p->rs.nfiles, sizeof(*p->files));
	struct pfile *f = &p->files[p->rs.nfiles - 1];
	memset(f, 0, sizeof(*f));
	p->nfiles = p->rs.nfiles;
	for (size_t i = 0; i < p->nfiles; i++) /* the model's array may have moved */
		p->files[i].f = &p->rs.files[i];
	snprintf(f->release, sizeof(f->release), "%s",
		 jstr(f->f->root, "host.release", "unknown kernel"));
	env_desc(f->f->root, ENV_PLOT, f->env, sizeof(f->env));
}

/* ---- grouping ---- */

static void describe_group(struct group *g, json_object *params)
{
	const char *target = jstr(params, "target", NULL), *ps = jstr(params, "page_size", NULL);
	const char *mode = jstr(params, "vcpu_mode", NULL);
	json_object *slots = jget(params, "slots"), *vcpus = jget(params, "vcpus");
	/* the mode is that of vCPUs 1..N-1: nothing to say with one vCPU */
	if (vcpus && json_object_get_int64(vcpus) == 1)
		mode = NULL;
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

/* scenario|key=value|... over the params in name order, guest_mem, reps and warmup
 * aside: files may order them differently. */
static void group_key(const struct rs_run *run, char *key, size_t len)
{
	size_t kl = (size_t)snprintf(key, len, "%s", run->scenario), nk = 0;
	const char *keys[64] = { NULL };

	json_object_object_foreach(run->params, k, v) {
		(void)v;
		if (strcmp(k, "guest_mem") && !param_is_reps(k) && nk < ARRAY_SIZE(keys))
			keys[nk++] = k;
	}
	qsort(keys, nk, sizeof(keys[0]), cmp_str);
	for (size_t i = 0; i < nk && kl < len; i++)
		kl += (size_t)snprintf(key + kl, len - kl, "|%s=%s", keys[i],
				       json_object_to_json_string_ext(jget(run->params, keys[i]),
								      JSON_C_TO_STRING_PLAIN));
}

static struct group *new_group(struct plot *p, const char *key, const struct rs_run *run)
{
	p->groups = msb_realloc(p->groups, p->ngroups + 1, sizeof(*p->groups));
	struct group *g = &p->groups[p->ngroups++];
	const char *target = jstr(run->params, "target", NULL);

	memset(g, 0, sizeof(*g));
	g->key = msb_strdup(key);
	g->scenario = run->scenario;
	describe_group(g, run->params);
	snprintf(g->name, sizeof(g->name), "%s%s%s", run->scenario, target ? "-" : "",
		 target ? target : "");
	/* Same scenario and target, other parameters: number them. */
	unsigned same = 0;
	for (size_t j = 0; j + 1 < p->ngroups; j++)
		same += !strncmp(p->groups[j].name, g->name, strlen(g->name));
	if (same) {
		size_t l = strlen(g->name);
		snprintf(g->name + l, sizeof(g->name) - l, "-%u", same + 1);
	}
	return g;
}

static void group_runs(struct plot *p)
{
	for (size_t fi = 0; fi < p->nfiles; fi++)
		for (size_t ri = 0; ri < p->files[fi].f->nruns; ri++) {
			const struct rs_run *run = &p->files[fi].f->runs[ri];
			json_object *gm = jget(run->params, "guest_mem");
			char key[1024];
			size_t gi;

			group_key(run, key, sizeof(key));
			for (gi = 0; gi < p->ngroups && strcmp(p->groups[gi].key, key); gi++)
				;
			struct group *g = gi < p->ngroups ? &p->groups[gi] : new_group(p, key, run);
			if (!g->primary)
				g->primary = run->primary;
			g->runs = msb_realloc(g->runs, g->n + 1, sizeof(*g->runs));
			g->runs[g->n++] = (struct prun){
				.file = fi,
				.run = run,
				.mem = gm ? (uint64_t)json_object_get_int64(gm) : 0,
			};
		}
}

/* ---- plans ---- */

/* A metric's name less its unit, its underscores as sep: "x_y_ns" -> "x-y" for file
 * names, "x y" for titles. */
static void metric_stem(const struct rs_metric *m, char sep, char *buf, size_t len)
{
	size_t n = strlen(m->name), u = strlen(m->unit);

	if (n > u + 1 && m->name[n - u - 1] == '_' && !strcmp(m->name + n - u, m->unit))
		n -= u + 1;
	snprintf(buf, len, "%.*s", (int)n, m->name);
	for (char *c = buf; *c; c++)
		if (*c == '_')
			*c = sep;
}

/* The distribution of every headline latency besides the primary, in file order. */
static void emit_headlines(const struct plot *p, const struct group *g, const char *op)
{
	const char **done = msb_calloc(1, sizeof(char *));
	size_t ndone = 0;

	for (size_t i = 0; i < g->n; i++)
		for (size_t j = 0; j < g->runs[i].run->nmetrics; j++) {
			const struct rs_metric *m = &g->runs[i].run->metrics[j];
			char stem[64], words[64], suffix[80], what[256], ylabel[256];
			size_t before = ndone;

			if (m->role != ROLE_LATENCY || !m->headline || m->primary)
				continue;
			done = msb_realloc(done, ndone + 1, sizeof(char *));
			add_unique(done, &ndone, m->name);
			if (ndone == before)
				continue;
			metric_stem(m, '-', stem, sizeof(stem));
			metric_stem(m, ' ', words, sizeof(words));
			snprintf(suffix, sizeof(suffix), "%s-dist", stem);
			snprintf(what, sizeof(what), "%s time in each %s repetition", words, op);
			/* In words and ms, not "refault_ns: ... (ms)", which reads as a clash;
			 * two lines, so that a long description fits the axis. */
			snprintf(ylabel, sizeof(ylabel), "%s time (ms)\n%s", words,
				 m->desc ? m->desc : m->name);
			emit_dist(p, g, m->name, suffix, what, ylabel);
		}
	free(done);
}

static void emit_latency_family(const struct plot *p, const struct group *g)
{
	char ylabel[256], what[160], op[96];
	const struct rs_metric *m = NULL;

	for (size_t i = 0; i < g->n && !m; i++)
		m = rs_primary(g->runs[i].run);
	op_name(g, op, sizeof(op));
	emit_scaling(p, g);
	snprintf(what, sizeof(what), "%s latency per run", op);
	/* What the change is, under the unit: "FLAGS_ONLY latency (ms)" over
	 * "KVM_MEM_LOG_DIRTY_PAGES set". */
	snprintf(ylabel, sizeof(ylabel), "%s latency (ms)\n%s",
		 strncmp(op, "memslot ", 8) ? op : op + 8,
		 m && m->desc ? m->desc : "one operation");
	emit_dist(p, g, g->primary, "latency-dist", what, ylabel);
	emit_headlines(p, g, op);
	emit_timeline(p, g);
}

static void plot_free(struct plot *p)
{
	for (size_t gi = 0; gi < p->ngroups; gi++) {
		free(p->groups[gi].key);
		free(p->groups[gi].runs);
	}
	free(p->groups);
	free(p->files);
	rs_free(&p->rs);
}

/* DATADIR, then FILE... and -m FILE...: 0, or exits 2 on bad usage. */
static void parse_args(struct plot *p, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf(USAGE);
			exit(0);
		}
		if (!strcmp(argv[i], "-m") && i + 1 < argc)
			add_file(p, argv[++i], true);
		else if (argv[i][0] == '-' && argv[i][1])
			msb_usage_error("plotdata", "unknown option %s (" USAGE ")", argv[i]);
		else if (!p->datadir)
			p->datadir = argv[i];
		else
			add_file(p, argv[i], false);
	}
	if (p->datadir && !p->nfiles)
		msb_usage_error("plotdata", "no result files among the inputs");
	if (!p->datadir) {
		fprintf(stderr, USAGE);
		exit(2);
	}
}

int cmd_plotdata(int argc, char **argv)
{
	struct plot p = { 0 };
	char mpath[4096];

	parse_args(&p, argc, argv);
	if (mkdir(p.datadir, 0777) < 0 && errno != EEXIST)
		msb_usage_error("plotdata", "cannot create %s: %s", p.datadir, strerror(errno));
	group_runs(&p);
	snprintf(mpath, sizeof(mpath), "%s/manifest", p.datadir);
	p.manifest = fopen(mpath, "w");
	if (!p.manifest)
		msb_die_errno("cannot write %s", mpath);
	for (size_t gi = 0; gi < p.ngroups; gi++) {
		label_files(&p, &p.groups[gi]);
		if (p.groups[gi].primary)
			emit_latency_family(&p, &p.groups[gi]);
		else
			printf("%s runs: no primary latency to plot\n", p.groups[gi].scenario);
	}
	plot_close(&p, p.manifest);
	plot_free(&p);
	return 0;
}
