/* memslot-bench kinds FILE.json...: the four kinds of memslot change KVM knows
 * (kvm_mr_change: CREATE, DELETE, MOVE, FLAGS_ONLY) side by side, one column group per
 * variant, from the runs that measure them: `run delete` (DELETE, then the re-CREATE),
 * `run move` (MOVE and back) and `run flags` (FLAGS_ONLY on and off). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "sample.h"
#include "util.h"

#define LABEL_WIDTH 16 /* "  populated 128G" */
#define CELL_WIDTH 27  /* " %4s %7s %7s %6s" less its leading blank */
#define TEXT_VARIANTS 2 /* column groups a 72-column line holds */
#define LINE_MAX_LEN 256

enum fmt { FMT_TEXT, FMT_MARKDOWN, FMT_CSV };

struct kind {
	const char *name;     /* "DELETE" */
	const char *scenario; /* the run that measures it */
	const char *metric;   /* its ioctl wall time */
	const char *what;     /* the change, in words */
	bool zaps;            /* the run's mmu_shadow_zapped samples are this change's */
};

/* kvm_mr_change order; each scenario's primary change is the one with the VM stats. */
static const struct kind kinds[] = {
	{ "CREATE", "delete", "create_ns", "the deleted slot created again", false },
	{ "DELETE", "delete", "delete_ns", "the target slot deleted", true },
	{ "MOVE", "move", "move_ns", "the target slot moved to another GPA", true },
	{ "MOVE back", "move", "move_back_ns", "moved back to its GPA", false },
	{ "FLAGS_ONLY on", "flags", "flags_on_ns", "KVM_MEM_LOG_DIRTY_PAGES set", true },
	{ "FLAGS_ONLY off", "flags", "flags_off_ns", "KVM_MEM_LOG_DIRTY_PAGES cleared", false },
};

/* One variant of one row: a run, or none (NULL). */
struct cell {
	json_object *run;
	const char *path;
	const char *reason; /* unsupported */
	bool have_time, have_zapped;
	struct summary time, zapped;
};

/* One kind measured by one configuration (scenario, params, layout). */
struct row {
	const struct kind *kind;
	char *key;
	char *label; /* "unrelated 1G" */
	struct cell *cells; /* one per variant */
};

struct table {
	const char **paths;
	json_object **roots;
	size_t nfiles;
	const char **variants;
	size_t nvariants;
	struct row *rows;
	size_t nrows;
};

static bool is_kind_scenario(const char *scenario)
{
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		if (!strcmp(kinds[k].scenario, scenario))
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
	for (size_t f = 0; f < t->nfiles; f++) {
		json_object *runs = jget(t->roots[f], "runs");

		for (size_t i = 0; i < json_object_array_length(runs); i++) {
			json_object *run = json_object_array_get_idx(runs, i);
			const char *v = jstr(run, "variant", "?");

			if (!is_kind_scenario(jstr(run, "scenario", "")) ||
			    variant_index(t, v) < t->nvariants)
				continue;
			t->variants = msb_realloc(t->variants, t->nvariants + 1, sizeof(char *));
			t->variants[t->nvariants++] = v;
		}
	}
}

static bool summarize_metric(json_object *m, struct summary *s)
{
	size_t n;
	double *v = samples_of(m, &n);
	bool ok = m && summarize(v, n, s) == 0;

	free(v);
	return ok;
}

static void fill_cell(struct cell *c, const struct kind *k, json_object *run, const char *path)
{
	c->run = run;
	c->path = path;
	c->reason = run_reason(run);
	if (c->reason)
		return;
	c->have_time = summarize_metric(jget(jget(run, "metrics"), k->metric), &c->time);
	if (k->zaps)
		c->have_zapped = summarize_metric(jget(run, "metrics.mmu_shadow_zapped"),
						  &c->zapped);
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
	for (size_t f = 0; f < t->nfiles; f++) {
		json_object *runs = jget(t->roots[f], "runs");

		for (size_t i = 0; i < json_object_array_length(runs); i++) {
			json_object *run = json_object_array_get_idx(runs, i);

			if (strcmp(jstr(run, "scenario", ""), k->scenario))
				continue;
			size_t v = variant_index(t, jstr(run, "variant", "?"));
			char *key = run_key(run, true);
			fill_cell(&row_for(t, k, key, v)->cells[v], k, run, t->paths[f]);
			free(key);
		}
	}
}

static json_object *row_params(const struct row *r, size_t nvariants)
{
	for (size_t v = 0; v < nvariants; v++)
		if (r->cells[v].run)
			return jget(r->cells[v].run, "params");
	return NULL;
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
		if (strcmp(key, "target") && strcmp(key, "guest_mem") && strcmp(key, "reps") &&
		    strcmp(key, "warmup") && param_tells_apart(t, r, key)) {
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
	collect_variants(t);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
		add_runs_of_kind(t, &kinds[k]);
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
}

/* ---- output ---- */

static void header_lines(const struct table *t, header_line_fn *line, FILE *f)
{
	char buf[512];
	size_t off = 0;

	env_desc(t->roots[0], buf, sizeof(buf));
	line(f, "env", buf);
	host_desc(t->roots[0], buf, sizeof(buf));
	line(f, "host", buf);
	if (result_emulated(t->roots[0]))
		line(f, "note", EMULATED_NOTE);
	buf[0] = '\0';
	for (size_t i = 0; i < t->nfiles && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
					t->paths[i]);
	line(f, "files", buf);
	line(f, "columns", "per variant: n samples; median and p99 of the ioctl's wall time "
	     "(KVM_SET_USER_MEMORY_REGION, CLOCK_MONOTONIC around the ioctl only); zapped: "
	     "median mmu_shadow_zapped per change, - where the run does not count it for "
	     "that change");
}

/* "run delete, create_ns: the deleted slot created again" */
static void kind_source(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, "run %s, %s: %s", k->scenario, k->metric, k->what);
}

static bool kind_has_rows(const struct table *t, const struct kind *k)
{
	for (size_t i = 0; i < t->nrows; i++)
		if (t->rows[i].kind == k)
			return true;
	return false;
}

static bool reason_listed_before(const struct table *t, size_t row, size_t v)
{
	const char *why = t->rows[row].cells[v].reason;

	for (size_t i = 0; i < row; i++)
		if (t->rows[i].cells[v].reason && !strcmp(t->rows[i].cells[v].reason, why))
			return true;
	return false;
}

/* Each variant's reasons once: "zap-slot unsupported: KVM_X86_QUIRK_SLOT_ZAP_ALL ..." */
static void unsupported_lines(const struct table *t, FILE *f, header_line_fn *line)
{
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t v = 0; v < t->nvariants; v++) {
			char key[96];

			if (!t->rows[i].cells[v].reason || reason_listed_before(t, i, v))
				continue;
			snprintf(key, sizeof(key), "%s unsupported", t->variants[v]);
			line(f, key, t->rows[i].cells[v].reason);
		}
}

/* Append to a line; what does not fit is cut (such a line is too wide anyway). */
static __attribute__((format(printf, 3, 4))) void line_add(char *line, size_t *off,
							   const char *fmt, ...)
{
	va_list ap;

	if (*off >= LINE_MAX_LEN - 1)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(line + *off, LINE_MAX_LEN - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = *off + (size_t)n < LINE_MAX_LEN ? *off + (size_t)n : LINE_MAX_LEN - 1;
}

/* Without trailing blanks: an unsupported last cell leaves some. */
static void line_print(FILE *f, char *line, size_t len)
{
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	fprintf(f, "%s\n", line);
}

struct cell_text {
	char n[24], median[16], p99[16], zapped[24];
};

/* A measured cell's numbers as the tables show them, "-" where there are none. */
static void cell_text(const struct cell *c, struct cell_text *s)
{
	strcpy(s->n, "-");
	strcpy(s->median, "-");
	strcpy(s->p99, "-");
	strcpy(s->zapped, "-");
	if (c->have_time) {
		snprintf(s->n, sizeof(s->n), "%zu", c->time.n);
		fmt_ns_short(c->time.median, s->median, sizeof(s->median));
		fmt_ns_short(c->time.p99, s->p99, sizeof(s->p99));
	}
	if (c->have_zapped)
		fmt_val(c->zapped.median, "count", s->zapped, sizeof(s->zapped), false);
}

/* No run of this variant, or an unsupported one: what stands in its cells. */
static const char *cell_absence(const struct cell *c)
{
	return !c->run ? "no run" : c->reason ? "unsupported" : NULL;
}

static void text_cell(const struct cell *c, char *buf, size_t len)
{
	struct cell_text s;

	if (cell_absence(c)) {
		snprintf(buf, len, " %4s %-22s", "", cell_absence(c));
		return;
	}
	cell_text(c, &s);
	snprintf(buf, len, " %4s %7s %7s %6s", s.n, s.median, s.p99, s.zapped);
}

/* The variant names over their columns, then the column names. */
static void text_heads(const struct table *t, FILE *f, size_t v0, size_t v1)
{
	char line[LINE_MAX_LEN], dashes[CELL_WIDTH + 1];
	size_t off = 0;

	memset(dashes, '-', CELL_WIDTH);
	dashes[CELL_WIDTH] = '\0';
	line_add(line, &off, "%-*s", LABEL_WIDTH, "");
	for (size_t v = v0; v < v1; v++) {
		int name = (int)strlen(t->variants[v]) + 2;
		int left = name < CELL_WIDTH ? (CELL_WIDTH - name) / 2 : 0;
		int right = name < CELL_WIDTH ? CELL_WIDTH - name - left : 0;

		line_add(line, &off, " %.*s %s %.*s", left, dashes, t->variants[v], right, dashes);
	}
	line_print(f, line, off);
	off = 0;
	line_add(line, &off, "%-*s", LABEL_WIDTH, "change / target");
	for (size_t v = v0; v < v1; v++)
		line_add(line, &off, " %4s %7s %7s %6s", "n", "median", "p99", "zapped");
	line_print(f, line, off);
}

static void text_row(const struct row *r, FILE *f, size_t v0, size_t v1)
{
	char line[LINE_MAX_LEN], cell[128];
	size_t off = 0;
	bool own_line = strlen(r->label) + 2 > LABEL_WIDTH;

	/* A label too wide for its column gets a line of its own. */
	if (own_line)
		fprintf(f, "  %s\n", r->label);
	line_add(line, &off, "  %-*s", LABEL_WIDTH - 2, own_line ? "" : r->label);
	for (size_t v = v0; v < v1; v++) {
		text_cell(&r->cells[v], cell, sizeof(cell));
		line_add(line, &off, "%s", cell);
	}
	line_print(f, line, off);
}

/* Column groups for variants [v0, v1). */
static void text_table(const struct table *t, FILE *f, size_t v0, size_t v1)
{
	char first[LABEL_WIDTH + 1], source[128];

	text_heads(t, f, v0, v1);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		kind_source(&kinds[k], source, sizeof(source));
		snprintf(first, sizeof(first), "%-*s", LABEL_WIDTH, kinds[k].name);
		wrap(f, first, LABEL_WIDTH, source);
		if (!kind_has_rows(t, &kinds[k]))
			fprintf(f, "  (no run %s in these files)\n", kinds[k].scenario);
		for (size_t i = 0; i < t->nrows; i++)
			if (t->rows[i].kind == &kinds[k])
				text_row(&t->rows[i], f, v0, v1);
	}
}

/* "zap-slot unsupported: why", wrapped: the key is wider than text_line's. */
static void text_reason(FILE *f, const char *key, const char *why)
{
	char first[128];

	snprintf(first, sizeof(first), "%s: ", key);
	wrap(f, first, 4, why);
}

static void print_text(const struct table *t, FILE *f)
{
	fprintf(f, "memslot-bench kinds: memslot changes (kvm_mr_change) side by side\n");
	header_lines(t, text_line, f);
	/* Two variants fit in 72 columns; a third (or none at all) gets a table of its own. */
	size_t v = 0;
	do {
		size_t end = v + TEXT_VARIANTS < t->nvariants ? v + TEXT_VARIANTS : t->nvariants;

		fputc('\n', f);
		text_table(t, f, v, end);
		v = end;
	} while (v < t->nvariants);
	unsupported_lines(t, f, text_reason);
}

static void md_cell(FILE *f, const struct cell *c)
{
	struct cell_text s;

	if (cell_absence(c)) {
		fprintf(f, " %s | | | |", cell_absence(c));
		return;
	}
	cell_text(c, &s);
	fprintf(f, " %s | %s | %s | %s |", s.n, s.median, s.p99, s.zapped);
}

static void print_markdown(const struct table *t, FILE *f)
{
	fprintf(f, "### memslot-bench kinds: memslot changes (kvm_mr_change) side by side\n\n");
	header_lines(t, md_line, f);
	fprintf(f, "\n| change | measured by | target, guest |");
	for (size_t v = 0; v < t->nvariants; v++)
		fprintf(f, " %s n | %s median | %s p99 | %s zapped |", t->variants[v],
			t->variants[v], t->variants[v], t->variants[v]);
	fprintf(f, "\n|---|---|---|");
	for (size_t v = 0; v < t->nvariants; v++)
		fprintf(f, "--:|--:|--:|--:|");
	fputc('\n', f);
	for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
		char src[128];

		kind_source(&kinds[k], src, sizeof(src));
		if (!kind_has_rows(t, &kinds[k])) {
			fprintf(f, "| %s | %s | no run %s in these files |", kinds[k].name, src,
				kinds[k].scenario);
			for (size_t v = 0; v < t->nvariants; v++)
				fprintf(f, " | | | |");
			fputc('\n', f);
		}
		for (size_t i = 0; i < t->nrows; i++) {
			if (t->rows[i].kind != &kinds[k])
				continue;
			fprintf(f, "| %s | %s | %s |", kinds[k].name, src, t->rows[i].label);
			for (size_t v = 0; v < t->nvariants; v++)
				md_cell(f, &t->rows[i].cells[v]);
			fputc('\n', f);
		}
	}
	if (t->nrows)
		fputc('\n', f);
	unsupported_lines(t, f, md_line);
}

static void csv_cell(FILE *f, const struct cell *c, bool last)
{
	csv_str(f, !c->run ? "absent" : c->reason ? "unsupported" : "measured");
	csv_str(f, c->reason ? c->reason : "");
	csv_str(f, c->path ? c->path : "");
	csv_num(f, c->have_time, c->have_time ? (double)c->time.n : 0, ",");
	csv_num(f, c->have_time, c->have_time ? c->time.median : 0, ",");
	csv_num(f, c->have_time, c->have_time ? c->time.p99 : 0, ",");
	csv_num(f, c->have_zapped, c->have_zapped ? c->zapped.median : 0, last ? "\n" : ",");
}

static void print_csv(const struct table *t, FILE *f)
{
	fprintf(f, "kind,scenario,metric,target,guest_mem,label");
	for (size_t v = 0; v < t->nvariants; v++) {
		const char *n = t->variants[v];

		fprintf(f, ",%s_status,%s_reason,%s_file,%s_n,%s_median_ns,%s_p99_ns,"
			"%s_zapped_median", n, n, n, n, n, n, n);
	}
	fputc('\n', f);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];
		json_object *p = row_params(r, t->nvariants), *g = jget(p, "guest_mem");

		csv_str(f, r->kind->name);
		csv_str(f, r->kind->scenario);
		csv_str(f, r->kind->metric);
		csv_str(f, jstr(p, "target", ""));
		csv_num(f, g != NULL, g ? json_object_get_double(g) : 0, ",");
		csv_str(f, r->label);
		for (size_t v = 0; v < t->nvariants; v++)
			csv_cell(f, &r->cells[v], v + 1 == t->nvariants);
	}
}

/* ---- command line ---- */

static __attribute__((format(printf, 1, 2))) void kinds_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memslot-bench kinds: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* One environment and one kernel per table: 0, or -1 after a one-line error. */
static int check_same_source(const struct table *t)
{
	char err[1024];

	for (size_t i = 1; i < t->nfiles; i++) {
		const char *k0 = jstr(t->roots[0], "host.release", "?");
		const char *ki = jstr(t->roots[i], "host.release", "?");

		if (same_environment(t->roots[0], t->roots[i], err, sizeof(err)) < 0) {
			kinds_error("%s and %s are from different hosts or environments: %s",
				    t->paths[0], t->paths[i], err);
			return -1;
		}
		if (strcmp(k0, ki)) {
			kinds_error("%s and %s are from different kernels (%s vs %s): a table shows "
				    "one kernel (memslot-bench compare compares kernels)",
				    t->paths[0], t->paths[i], k0, ki);
			return -1;
		}
	}
	return 0;
}

int cmd_kinds(int argc, char **argv)
{
	struct table t;
	int format = FMT_TEXT, rc = 0;
	char err[1024];

	memset(&t, 0, sizeof(t));
	const struct opt opts[] = {
		{ "format", 'F', OPT_CHOICE, NULL, "output: 72-column text, Markdown table or CSV", "text", "text|markdown|csv", 0, 0, &format },
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "kinds [OPTIONS] FILE.json [FILE.json ...]",
				   "The memslot changes KVM knows (kvm_mr_change) side by side: CREATE, "
				   "DELETE,\nMOVE and FLAGS_ONLY, one column group per variant, from the "
				   "result files of run\ndelete (DELETE, then the re-CREATE), run move "
				   "(MOVE and back) and run flags\n(FLAGS_ONLY on and off): n, median and "
				   "p99 of the ioctl's time, median shadow\npages zapped. The files must "
				   "come from one host, environment and kernel.");
	if (first >= argc) {
		kinds_error("needs at least one result file (FILE.json ...)");
		return 2;
	}
	t.nfiles = (size_t)(argc - first);
	t.paths = (const char **)argv + first;
	t.roots = msb_calloc(t.nfiles, sizeof(*t.roots));
	for (size_t i = 0; i < t.nfiles && !rc; i++)
		if (result_read(t.paths[i], &t.roots[i], err, sizeof(err)) < 0) {
			kinds_error("%s", err);
			rc = 2;
		}
	if (!rc && check_same_source(&t) < 0)
		rc = 2;
	if (!rc) {
		build(&t);
		if (format == FMT_TEXT)
			print_text(&t, stdout);
		else if (format == FMT_MARKDOWN)
			print_markdown(&t, stdout);
		else
			print_csv(&t, stdout);
	}
	table_free(&t);
	for (size_t i = 0; i < t.nfiles; i++)
		json_object_put(t.roots[i]);
	free(t.roots);
	return rc;
}
