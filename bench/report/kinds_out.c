/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench kinds' tables: 72-column text, Markdown and CSV. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "kinds.h"
#include "report.h"
#include "util.h"

#define LABEL_WIDTH 16 /* "  populated 128G" */
#define CELL_WIDTH 27  /* " %4s %7s %7s %6s" less its leading blank */
#define TEXT_VARIANTS 2 /* column groups a 72-column line holds */
#define LINE_MAX_LEN 256

/* ---- output ---- */

json_object *row_params(const struct row *r, size_t nvariants)
{
	for (size_t v = 0; v < nvariants; v++)
		if (r->cells[v].run)
			return r->cells[v].run->params;
	return NULL;
}

static void header_lines(const struct table *t, header_line_fn *line, FILE *f)
{
	const struct rs_file *f0 = &t->rs->files[0];
	struct env_facts e;
	char buf[512];
	size_t off = 0;

	env_desc(f0->root, ENV_TEXT, buf, sizeof(buf));
	line(f, "env", buf);
	host_desc(f0->root, buf, sizeof(buf));
	line(f, "host", buf);
	env_facts(f0->root, &e);
	if (e.emulated)
		line(f, "note", EMULATED_NOTE);
	buf[0] = '\0';
	for (size_t i = 0; i < t->rs->nfiles && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s", i ? " " : "",
					t->rs->files[i].path);
	line(f, "files", buf);
	snprintf(buf, sizeof(buf), "per variant: n samples; median and p99 of the ioctl's "
		 "wall time (KVM_SET_USER_MEMORY_REGION, CLOCK_MONOTONIC around the ioctl "
		 "only); zapped: median %s per change, - where the run does not count it for "
		 "that change", t->zapped ? t->zapped : "-");
	line(f, "columns", buf);
}

/* "run delete, create_ns: the deleted slot created again" */
static void kind_source(const struct kind *k, char *buf, size_t len)
{
	snprintf(buf, len, "run %s, %s: %s", k->scenario, k->metric, k->desc ? k->desc : "");
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
	char first[LABEL_WIDTH + 1], source[128], none[128];

	text_heads(t, f, v0, v1);
	for (size_t k = 0; k < t->nkinds; k++) {
		const struct kind *kd = &t->kinds[k];

		kind_source(kd, source, sizeof(source));
		snprintf(first, sizeof(first), "%-*s", LABEL_WIDTH, kd->label);
		wrap(f, first, LABEL_WIDTH, source);
		/* Wrapped: a scenario's name may be long, the table keeps to REPORT_WIDTH. */
		snprintf(none, sizeof(none), "(no run %s in these files)", kd->scenario);
		if (!kind_has_rows(t, kd))
			wrap(f, "  ", 3, none);
		for (size_t i = 0; i < t->nrows; i++)
			if (t->rows[i].kind == kd)
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

void kinds_print_text(const struct table *t, FILE *f)
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

void kinds_print_markdown(const struct table *t, FILE *f)
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
	for (size_t k = 0; k < t->nkinds; k++) {
		const struct kind *kd = &t->kinds[k];
		char src[128];

		kind_source(kd, src, sizeof(src));
		if (!kind_has_rows(t, kd)) {
			fprintf(f, "| %s | %s | no run %s in these files |", kd->label, src,
				kd->scenario);
			for (size_t v = 0; v < t->nvariants; v++)
				fprintf(f, " | | | |");
			fputc('\n', f);
		}
		for (size_t i = 0; i < t->nrows; i++) {
			if (t->rows[i].kind != kd)
				continue;
			fprintf(f, "| %s | %s | %s |", kd->label, src, t->rows[i].label);
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
	csv_str(f, c->run ? c->run->file->path : "");
	csv_num(f, c->have_time, c->have_time ? (double)c->time.n : 0, ",");
	csv_num(f, c->have_time, c->have_time ? c->time.median : 0, ",");
	csv_num(f, c->have_time, c->have_time ? c->time.p99 : 0, ",");
	csv_num(f, c->have_zapped, c->have_zapped ? c->zapped.median : 0, last ? "\n" : ",");
}

void kinds_print_csv(const struct table *t, FILE *f)
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

		csv_str(f, r->kind->label);
		csv_str(f, r->kind->scenario);
		csv_str(f, r->kind->metric);
		csv_str(f, jstr(p, "target", ""));
		csv_num(f, g != NULL, g ? json_object_get_double(g) : 0, ",");
		csv_str(f, r->label);
		for (size_t v = 0; v < t->nvariants; v++)
			csv_cell(f, &r->cells[v], v + 1 == t->nvariants);
	}
}


/* One variant of a row as CSV has it: status, reason, file, n, median, p99 (ns),
 * zapped median; figures a cell lacks are left out. */
static json_object *json_cell(const struct cell *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "status", json_object_new_string(
		!c->run ? "absent" : c->reason ? "unsupported" : "measured"));
	if (c->reason)
		json_object_object_add(o, "reason", json_object_new_string(c->reason));
	if (c->run)
		json_object_object_add(o, "file", json_object_new_string(c->run->file->path));
	if (c->have_time) {
		json_object_object_add(o, "n", json_object_new_int64((int64_t)c->time.n));
		json_object_object_add(o, "median_ns", json_object_new_double(c->time.median));
		json_object_object_add(o, "p99_ns", json_object_new_double(c->time.p99));
	}
	if (c->have_zapped)
		json_object_object_add(o, "zapped_median",
				       json_object_new_double(c->zapped.median));
	return o;
}

json_object *kinds_json(const struct table *t)
{
	json_object *root = json_object_new_object(), *rows = json_object_new_array();

	json_object_object_add(root, "zapped", t->zapped ? json_object_new_string(t->zapped)
							 : NULL);
	for (size_t i = 0; i < t->nrows; i++) {
		const struct row *r = &t->rows[i];
		json_object *o = json_object_new_object(), *cells = json_object_new_object();
		json_object *p = row_params(r, t->nvariants);

		json_object_object_add(o, "kind", json_object_new_string(r->kind->label));
		json_object_object_add(o, "scenario", json_object_new_string(r->kind->scenario));
		json_object_object_add(o, "metric", json_object_new_string(r->kind->metric));
		json_object_object_add(o, "label", json_object_new_string(r->label));
		json_object_object_add(o, "params", p ? json_object_get(p) : NULL);
		for (size_t v = 0; v < t->nvariants; v++)
			json_object_object_add(cells, t->variants[v], json_cell(&r->cells[v]));
		json_object_object_add(o, "variants", cells);
		json_object_array_add(rows, o);
	}
	json_object_object_add(root, "rows", rows);
	return root;
}
