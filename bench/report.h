/* What the commands that read result files (compare, kinds) share: JSON paths,
 * canonical JSON for matching runs, the same-environment rule, and the formatting of
 * values, header lines and CSV fields in their tables. */
#ifndef MSB_REPORT_H
#define MSB_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#define REPORT_WIDTH 72 /* text tables go into commit messages and cover letters */

/* ---- JSON ---- */

/* The value at a dotted path of object keys ("environment.lab.accel"), or NULL. */
json_object *jget(json_object *o, const char *path);
/* The string at path, or def when it is absent or not a string. */
const char *jstr(json_object *o, const char *path, const char *def);
/* Canonical text of a value: sorted keys, integral numbers as integers, so key order and
 * number spelling do not matter. skip_reps leaves "reps" and "warmup" out of an object.
 * Caller frees. */
char *canon_str(json_object *o, bool skip_reps);
/* scenario + params (without reps and warmup) + layout: what must be equal for two runs
 * to measure the same thing; without the layout to compare NUMA layouts. Caller frees. */
char *run_key(json_object *run, bool with_layout);
/* A run's "unsupported" reason, or NULL when it was measured. */
const char *run_reason(json_object *run);
/* A metric's samples as a new array (caller frees; never NULL), count in *n. */
double *samples_of(json_object *metric, size_t *n);

/* 0, or -1 with every differing field and both values in err (one line). Not the kernel
 * release: comparing kernels is compare's point. */
int same_environment(json_object *a, json_object *b, char *err, size_t len);

/* ---- formatting ---- */

bool is_ns(const char *unit);
/* ns as "130.549ms", "691.3us", "1.938s"; other units as plain numbers. sign: "+" too. */
void fmt_val(double v, const char *unit, char *buf, size_t len, bool sign);
/* ns with four significant digits, at most 7 characters below 10000 s: "130.5ms",
 * "1.241ms", "691.3us", "1.938s", for tables with many columns. */
void fmt_ns_short(double ns, char *buf, size_t len);
/* A param's value for labels: sizes as 64M, strings bare. */
void fmt_param(const char *key, json_object *v, char *buf, size_t len);

/* "kernel 6.12.117+deb12-amd64, lab (QEMU 7.2.22 tcg), MMU shadow" */
void env_desc(json_object *root, char *buf, size_t len);
/* "vm-lab, AMD EPYC-Rome Processor, 2 CPUs, 2.9 GiB, 1 NUMA node(s)" */
void host_desc(json_object *root, char *buf, size_t len);
/* A run's NUMA layout in words: "local: CPUs of node 0, memory on node 0 (distance
 * 10)", or the default policy. */
void layout_desc(json_object *run, char *buf, size_t len);
/* The file came from an emulated environment (the lab): say so beside its times. */
bool result_emulated(json_object *root);
#define EMULATED_NOTE "emulated (lab): times show mechanisms and ratios, not hardware latency"

/* Greedy word wrap at REPORT_WIDTH; continuation lines indented by cont spaces. */
void wrap(FILE *f, const char *first, int cont, const char *text);
/* Header lines: "key      value" wrapped for text, "- **key**: value" for Markdown;
 * a table's header is written once for both through a header_line_fn. */
typedef void header_line_fn(FILE *f, const char *key, const char *val);
void text_line(FILE *f, const char *key, const char *val);
void md_line(FILE *f, const char *key, const char *val);

/* A quoted CSV field and its comma. */
void csv_str(FILE *f, const char *s);
/* The shortest number that reads back as v (nothing when !have), then sep. */
void csv_num(FILE *f, bool have, double v, const char *sep);

#endif
