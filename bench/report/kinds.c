/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench kinds FILE.json...: the kinds of memslot change KVM knows
 * (kvm_mr_change: CREATE, DELETE, MOVE, FLAGS_ONLY) side by side, one column group per
 * variant, from every latency whose metric names the kind it times: in the files, and
 * in the scenario descriptors (so that a kind no file measures is said to be absent).
 * Tables in kinds_out.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "format.h"
#include "json_out.h"
#include "kinds.h"
#include "opts.h"
#include "report.h"
#include "util.h"

/* The kernel's enum kvm_mr_change, in its order: the order of the table. */
static const char *const change_order[] = { "CREATE", "DELETE", "MOVE", "FLAGS_ONLY" };

static int kind_order(const char *kind)
{
	size_t i = 0;

	while (i < ARRAY_SIZE(change_order) && strcmp(change_order[i], kind))
		i++;
	return (int)i;
}

/* Whether word (of len bytes) is one of the '_'-separated words of s, any case. */
static bool has_word(const char *s, const char *word, size_t len)
{
	while (*s) {
		size_t l = strcspn(s, "_");

		if (l == len && !strncasecmp(s, word, len))
			return true;
		s += l + (s[l] == '_');
	}
	return false;
}

/* "MOVE back" for move_back_ns of kind MOVE: the kind, then the words of the metric's
 * name that are neither the kind's nor its unit's. */
static char *kind_label(const char *kind, const char *metric, const char *unit)
{
	char *label = msb_strdup(kind);

	for (const char *w = metric; *w;) {
		size_t l = strcspn(w, "_");

		if (l && !has_word(kind, w, l) && !has_word(unit, w, l)) {
			size_t n = strlen(label);

			label = msb_realloc(label, n + l + 2, 1);
			snprintf(label + n, l + 2, " %.*s", (int)l, w);
		}
		w += l + (w[l] == '_');
	}
	return label;
}

static void add_kind(struct table *t, const char *scenario, const char *metric,
		     const char *unit, const char *kind, const char *desc, bool primary)
{
	for (size_t i = 0; i < t->nkinds; i++)
		if (!strcmp(t->kinds[i].scenario, scenario) && !strcmp(t->kinds[i].metric, metric))
			return;
	t->kinds = msb_realloc(t->kinds, t->nkinds + 1, sizeof(*t->kinds));
	t->kinds[t->nkinds++] = (struct kind){
		.label = kind_label(kind, metric, unit), .scenario = scenario, .metric = metric,
		.desc = desc, .primary = primary, .order = kind_order(kind),
	};
}

static int by_order(const void *a, const void *b)
{
	const struct kind *x = a, *y = b;

	if (x->order != y->order)
		return x->order - y->order;
	return y->primary - x->primary;
}

/* The kinds: every registered scenario's latencies with a kind, then those only the
 * files know; in kvm_mr_change order, a run's primary first. A scenario that owns its
 * repetitions (stall, tlb) times its change as part of something else: its kinds
 * show only where the files have its runs. */
static void collect_kinds(struct table *t)
{
	size_t ns;
	const struct scenario *const *sc = scenario_list(&ns);

	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; !sc[i]->repeat && j < sc[i]->nmetrics; j++) {
			const struct metric_def *d = &sc[i]->metrics[j];

			if (d->role == ROLE_LATENCY && d->kind)
				add_kind(t, sc[i]->name, d->name, d->unit, d->kind, d->desc,
					 sc[i]->primary && !strcmp(sc[i]->primary, d->name));
		}
	for (size_t f = 0; f < t->rs->nfiles; f++)
		for (size_t i = 0; i < t->rs->files[f].nruns; i++) {
			const struct rs_run *r = &t->rs->files[f].runs[i];

			for (size_t j = 0; j < r->nmetrics; j++) {
				const struct rs_metric *m = &r->metrics[j];

				if (m->role == ROLE_LATENCY && m->kind)
					add_kind(t, r->scenario, m->name, m->unit, m->kind, m->desc,
						 m->primary);
			}
		}
	/* Stable: insertion sort keeps the order of discovery among equals. */
	for (size_t i = 1; i < t->nkinds; i++)
		for (size_t j = i; j > 0 && by_order(&t->kinds[j - 1], &t->kinds[j]) > 0; j--) {
			struct kind k = t->kinds[j];

			t->kinds[j] = t->kinds[j - 1];
			t->kinds[j - 1] = k;
		}
}

static bool is_kind_scenario(const struct table *t, const char *scenario)
{
	for (size_t k = 0; k < t->nkinds; k++)
		if (!strcmp(t->kinds[k].scenario, scenario))
			return true;
	return false;
}

static size_t variant_index(const struct table *t, const char *variant)
{
	size_t j = 0;

	while (j < t->nvariants && strcmp(t->variants[j], variant))
		j++;
	return j;
}

/* Variants in the order the files first name them: zap-all, zap-slot. */
static void collect_variants(struct table *t)
{
	for (size_t f = 0; f < t->rs->nfiles; f++)
		for (size_t i = 0; i < t->rs->files[f].nruns; i++) {
			const struct rs_run *run = &t->rs->files[f].runs[i];

			if (!is_kind_scenario(t, run->scenario) ||
			    variant_index(t, run->variant) < t->nvariants)
				continue;
			t->variants = msb_realloc(t->variants, t->nvariants + 1, sizeof(char *));
			t->variants[t->nvariants++] = run->variant;
		}
}

/* The run's first headline count: what the zapped column shows for its primary. */
static const struct rs_metric *zap_metric(const struct rs_run *run)
{
	for (size_t i = 0; i < run->nmetrics; i++)
		if (run->metrics[i].role == ROLE_COUNT && run->metrics[i].headline)
			return &run->metrics[i];
	return NULL;
}

static void fill_cell(struct table *t, struct cell *c, const struct kind *k,
		      const struct rs_run *run)
{
	c->run = run;
	c->reason = run->reason;
	if (c->reason)
		return;
	c->have_time = rs_summary(rs_metric(run, k->metric), &c->time) == 0;
	if (!k->primary)
		return;
	const struct rs_metric *z = zap_metric(run);
	c->have_zapped = rs_summary(z, &c->zapped) == 0;
	if (z && !t->zapped)
		t->zapped = z->name;
}

/* The row of this kind and configuration whose cell for the variant is still free:
 * the same configuration run twice (two files) gets a second row, never pooled. */
static struct row *row_for(struct table *t, const struct kind *k, const char *key, size_t v)
{
	for (size_t i = 0; i < t->nrows; i++) {
		struct row *r = &t->rows[i];

		if (r->kind == k && !strcmp(r->key, key) && !r->cells[v].run)
			return r;
	}
	t->rows = msb_realloc(t->rows, t->nrows + 1, sizeof(*t->rows));
	struct row *r = &t->rows[t->nrows++];
	r->kind = k;
	r->key = msb_strdup(key);
	r->label = NULL;
	r->cells = msb_calloc(t->nvariants, sizeof(*r->cells));
	return r;
}

static void add_runs_of_kind(struct table *t, const struct kind *k)
{
	for (size_t f = 0; f < t->rs->nfiles; f++)
		for (size_t i = 0; i < t->rs->files[f].nruns; i++) {
			const struct rs_run *run = &t->rs->files[f].runs[i];

			if (strcmp(run->scenario, k->scenario))
				continue;
			size_t v = variant_index(t, run->variant);
			char *key = run_key(run->obj, true);
			fill_cell(t, &row_for(t, k, key, v)->cells[v], k, run);
			free(key);
		}
}

static void append(char **s, const char *more)
{
	size_t len = strlen(*s);

	*s = msb_realloc(*s, len + strlen(more) + 1, 1);
	strcpy(*s + len, more);
}

/* Another row of r's kind has the same target and guest size but another value of key. */
static bool param_tells_apart(const struct table *t, const struct row *r, const char *key)
{
	json_object *p = row_params(r, t->nvariants);

	for (size_t j = 0; j < t->nrows; j++) {
		json_object *q = row_params(&t->rows[j], t->nvariants);

		if (t->rows[j].kind == r->kind &&
		    json_object_equal(jget(q, "target"), jget(p, "target")) &&
		    json_object_equal(jget(q, "guest_mem"), jget(p, "guest_mem")) &&
		    !json_object_equal(jget(q, key), jget(p, key)))
			return true;
	}
	return false;
}

/* "target guest_mem"; then the other params (reps and warmup aside) that tell the row
 * from another of its kind with the same target and size; "#2" for a repeat. */
static char *row_label(const struct table *t, size_t i)
{
	const struct row *r = &t->rows[i];
	json_object *p = row_params(r, t->nvariants), *g = jget(p, "guest_mem");
	char size[32] = "?", val[64], *label;

	if (g)
		fmt_param("guest_mem", g, size, sizeof(size));
	if (asprintf(&label, "%s %s", jstr(p, "target", "?"), size) < 0)
		msb_die("out of memory");
	json_object_object_foreach(p, key, v) {
		if (strcmp(key, "target") && strcmp(key, "guest_mem") && !param_is_reps(key) &&
		    param_tells_apart(t, r, key)) {
			fmt_param(key, v, val, sizeof(val));
			append(&label, " ");
			append(&label, key);
			append(&label, "=");
			append(&label, val);
		}
	}
	size_t repeat = 1;
	for (size_t j = 0; j < i; j++)
		repeat += t->rows[j].kind == r->kind && !strcmp(t->rows[j].label, label);
	if (repeat > 1) {
		snprintf(val, sizeof(val), " #%zu", repeat);
		append(&label, val);
	}
	return label;
}

static void build(struct table *t)
{
	collect_kinds(t);
	collect_variants(t);
	for (size_t k = 0; k < t->nkinds; k++)
		add_runs_of_kind(t, &t->kinds[k]);
	for (size_t i = 0; i < t->nrows; i++)
		t->rows[i].label = row_label(t, i);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		free(t->rows[i].key);
		free(t->rows[i].label);
		free(t->rows[i].cells);
	}
	free(t->rows);
	free(t->variants);
	for (size_t k = 0; k < t->nkinds; k++)
		free(t->kinds[k].label);
	free(t->kinds);
}

/* ---- command line ---- */

/* One environment and one kernel per table, else a one-line error and exit 2. */
static void check_same_source(const struct result_set *rs)
{
	const struct rs_file *f = rs->files;
	char err[1024];

	for (size_t i = 1; i < rs->nfiles; i++) {
		const char *k0 = jstr(f[0].root, "host.release", "?");
		const char *ki = jstr(f[i].root, "host.release", "?");

		if (same_environment(f[0].root, f[i].root, err, sizeof(err)) < 0)
			msb_usage_error("kinds", "%s and %s are from different hosts or "
					"environments: %s", f[0].path, f[i].path, err);
		if (strcmp(k0, ki))
			msb_usage_error("kinds", "%s and %s are from different kernels (%s vs %s): a "
					"table shows one kernel (memslot-bench compare compares "
					"kernels)", f[0].path, f[i].path, k0, ki);
	}
}

static const char about[] =
	"The memslot changes KVM knows (kvm_mr_change: CREATE, DELETE, MOVE, FLAGS_ONLY)\n"
	"side by side, one column group per variant, from the latencies in the result\n"
	"files that time them: n, median and p99 of the ioctl's time, and for a run's\n"
	"primary change the median of its first headline counter (shadow pages zapped).\n"
	"The files must come from one host, environment and kernel.";

int cmd_kinds(int argc, char **argv)
{
	struct result_set rs = { 0 };
	struct table t = { .rs = &rs };
	int format = -1;
	const char *json = NULL;
	bool force = false;
	char err[1024];
	const struct opt opts[] = {
		FORMAT_OPT(&format, "stdout: 72-column text (the default), Markdown table, CSV "
			   "or JSON", NULL, FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_CSV, FORMAT_JSON),
		JSON_FILE_OPT(&json, "the table"), JSON_FORCE_OPT(&force),
		RS_ALLOW_INCOMPLETE_OPT(&rs.allow_incomplete) };
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "kinds [OPTIONS] FILE.json [FILE.json ...]", about);

	format = json_out_format("kinds", format, json);
	if (first >= argc)
		msb_usage_error("kinds", "needs at least one result file (FILE.json ...)");
	for (int i = first; i < argc; i++)
		if (rs_load(&rs, argv[i], err, sizeof(err)) < 0)
			msb_usage_error("kinds", "%s", err);
	check_same_source(&rs);
	json_out_check("kinds", json, force); /* a path that cannot be written: bad input */
	build(&t);
	if (format == REPORT_TEXT)
		kinds_print_text(&t, stdout);
	else if (format == REPORT_MARKDOWN)
		kinds_print_markdown(&t, stdout);
	else if (format == REPORT_CSV)
		kinds_print_csv(&t, stdout);
	if (format == REPORT_JSON || json) {
		json_object *j = kinds_json(&t);

		json_out_emit("kinds", j, format, json, force);
		json_object_put(j);
	}
	table_free(&t);
	rs_free(&rs);
	return 0;
}
