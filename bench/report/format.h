/* SPDX-License-Identifier: GPL-2.0 */
/* How the report commands (compare, kinds, plotdata) write values: one ns formatter,
 * the output formats they share, header lines, word wrap and CSV fields. */
#ifndef MSB_REPORT_FORMAT_H
#define MSB_REPORT_FORMAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <json-c/json.h>

#define REPORT_WIDTH 72 /* text tables go into commit messages and cover letters */

/* The output formats of every command (--format): one enum, each command taking the
 * ones it can write (run: text|json|raw, info: text|json, compare and kinds:
 * text|markdown|csv, export: raw|csv). */
enum report_format { REPORT_TEXT, REPORT_MARKDOWN, REPORT_CSV, REPORT_JSON, REPORT_RAW };

/* Their spellings, for an option's posval list. */
#define FORMAT_TEXT { "text", REPORT_TEXT }
#define FORMAT_MARKDOWN { "markdown", REPORT_MARKDOWN }
#define FORMAT_CSV { "csv", REPORT_CSV }
#define FORMAT_JSON { "json", REPORT_JSON }
#define FORMAT_RAW { "raw", REPORT_RAW }

/* A command's -F/--format: the spellings it takes (FORMAT_*), its help and default
 * (NULL: *dest keeps its value, for a command that must tell "not given" apart). */
#define FORMAT_OPT(dest_ptr, help_text, def_spelling, ...)                            \
	{ .name = "format", .short_name = 'F', .kind = OPT_CHOICE, .help = (help_text), \
	  .def = (def_spelling), .posval = { __VA_ARGS__ }, .dest = (dest_ptr) }

/* The --format option of a report command, storing an enum report_format in *dest. */
#define REPORT_FORMAT_OPT(dest_ptr)                                                  \
	FORMAT_OPT(dest_ptr, "output: 72-column text, Markdown table or CSV", "text",  \
		   FORMAT_TEXT, FORMAT_MARKDOWN, FORMAT_CSV)

/* ns as "130.549ms", "691.3us", "1.938s", "412ns". */
void fmt_ns(double ns, char *buf, size_t len);
bool is_ns(const char *unit);
/* ns values with fmt_ns, other units as plain numbers. sign: "+" too. */
void fmt_val(double v, const char *unit, char *buf, size_t len, bool sign);
/* ns with four significant digits, at most 7 characters below 10000 s: "130.5ms",
 * "1.241ms", "691.3us", "1.938s", for tables with many columns. */
void fmt_ns_short(double ns, char *buf, size_t len);
/* A param's value for labels: sizes as 64M, strings bare. */
void fmt_param(const char *key, json_object *v, char *buf, size_t len);

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
