/* SPDX-License-Identifier: GPL-2.0 */
/* Formatting for the report commands: see format.h. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "report.h"
#include "result.h"
#include "util.h"

void fmt_ns(double ns, char *buf, size_t len)
{
	double a = fabs(ns);

	if (a >= 1e9)
		snprintf(buf, len, "%.3fs", ns / 1e9);
	else if (a >= 1e6)
		snprintf(buf, len, "%.3fms", ns / 1e6);
	else if (a >= 1e3)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else
		snprintf(buf, len, "%.0fns", ns);
}

bool is_ns(const char *unit)
{
	return !strcmp(unit, "ns");
}

void fmt_val(double v, const char *unit, char *buf, size_t len, bool sign)
{
	const char *sg = sign && v >= 0 ? "+" : "";

	if (is_ns(unit)) {
		char ns[32];

		fmt_ns(v, ns, sizeof(ns));
		snprintf(buf, len, "%s%s", sg, ns);
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

void csv_num(FILE *f, bool have, double v, const char *sep)
{
	if (have) {
		char buf[32];

		format_double(v, buf, sizeof(buf));
		fputs(buf, f);
	}
	fputs(sep, f);
}
