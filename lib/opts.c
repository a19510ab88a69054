/* SPDX-License-Identifier: GPL-2.0 */
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void opt_param_key(const struct opt *o, char *buf, size_t len)
{
	snprintf(buf, len, "%s", o->name);
	for (char *k = buf; *k; k++)
		if (*k == '-')
			*k = '_';
}

void opt_choices(const struct opt *o, char *buf, size_t len)
{
	size_t l = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < OPT_MAX_POSVAL && o->posval[i].ival && l < len; i++)
		l += (size_t)snprintf(buf + l, len - l, "%s%s", i ? "|" : "", o->posval[i].ival);
}

uint64_t opt_number(const struct opt *o, const char *text)
{
	uint64_t v = 0;
	if (!text)
		return 0;
	bool ok = o->kind == OPT_SIZE ? parse_size(text, &v) :
		  o->kind == OPT_DURATION ? parse_duration_ns(text, &v) :
		  parse_uint(text, 0, UINT64_MAX, &v);
	if (!ok)
		v = 0;
	return v;
}

const char *opt_choice_name(const struct opt *o, const void *base)
{
	const int *v = o->dest ? o->dest : (const int *)((const char *)base + o->off);
	for (size_t i = 0; i < OPT_MAX_POSVAL && o->posval[i].ival; i++)
		if (o->posval[i].oval == *v)
			return o->posval[i].ival;
	return NULL;
}

static bool set_choice(const struct opt *o, int *dest, const char *val, char *err,
		       size_t errlen)
{
	bool found = false;
	int v = 0;
	for (size_t i = 0; !found && i < OPT_MAX_POSVAL && o->posval[i].ival; i++)
		if (!strcmp(o->posval[i].ival, val)) {
			v = o->posval[i].oval;
			found = true;
		}
	if (!found) {
		char all[160];
		opt_choices(o, all, sizeof(all));
		snprintf(err, errlen, "--%s: '%s' is not one of %s", o->name, val, all);
		return false;
	}
	*dest = v;
	return true;
}

static bool set_number(const struct opt *o, uint64_t *dest, const char *val, char *err,
		       size_t errlen)
{
	uint64_t max = o->max ? o->max : UINT64_MAX;
	uint64_t v;
	if (o->kind == OPT_UINT) {
		if (!parse_uint(val, o->min, max, &v)) {
			snprintf(err, errlen, "--%s: '%s' is not a whole number in %llu..%llu",
				 o->name, val, (unsigned long long)o->min, (unsigned long long)max);
			return false;
		}
	} else if (o->kind == OPT_DURATION) {
		if (!parse_duration_ns(val, &v) || v < o->min || v > max) {
			char lo[32], hi[32];
			format_duration_ns(o->min, lo, sizeof(lo));
			format_duration_ns(max, hi, sizeof(hi));
			snprintf(err, errlen, "--%s: '%s' is not a duration in %s..%s (units ns, us, "
				 "ms, s, m, h)", o->name, val, lo, o->max ? hi : "any");
			return false;
		}
	} else if (!parse_size(val, &v) || v < o->min || v > max) {
		char lo[32], hi[32];
		format_size(o->min, lo, sizeof(lo));
		format_size(max, hi, sizeof(hi));
		snprintf(err, errlen, "--%s: '%s' is not a size in %s..%s (suffixes K, M, G, T)",
			 o->name, val, lo, o->max ? hi : "any");
		return false;
	}
	*dest = v;
	return true;
}

bool opt_set(const struct opt *o, void *base, const char *val, char *err, size_t errlen)
{
	void *dest = o->dest ? o->dest : (char *)base + o->off;
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)dest = true;
		return true;
	case OPT_STRING:
		if (!*val) {
			snprintf(err, errlen, "--%s: empty value", o->name);
			return false;
		}
		*(const char **)dest = val;
		return true;
	case OPT_CHOICE:
		return set_choice(o, dest, val, err, errlen);
	case OPT_UINT:
	case OPT_SIZE:
	case OPT_DURATION:
		return set_number(o, dest, val, err, errlen);
	}
	snprintf(err, errlen, "--%s: internal error: unknown option kind", o->name);
	return false;
}

/* Where getopt's value code c points: tables flattened in order, long options from 256. */
struct flat {
	const struct opt *o;
	void *base;
};

static size_t flatten(const struct opt_table *t, size_t nt, struct flat **out)
{
	size_t n = 0, k = 0;
	for (size_t i = 0; i < nt; i++)
		n += t[i].n;
	*out = msb_calloc(n ? n : 1, sizeof(**out));
	for (size_t i = 0; i < nt; i++)
		for (size_t j = 0; j < t[i].n; j++)
			(*out)[k++] = (struct flat){ &t[i].opts[j], t[i].base };
	return n;
}

/* Defaults, getopt_long's long table and short string. 0, or -1 with err set. */
static int prepare(const struct flat *f, size_t n, struct option *lo, char *shorts,
		   size_t shortlen, char *err, size_t errlen)
{
	size_t sl = 1;
	shorts[0] = '+'; /* stop at the first positional argument */
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = f[i].o;
		if (o->def && o->kind != OPT_FLAG && !opt_set(o, f[i].base, o->def, err, errlen))
			return -1;
		lo[i].name = o->name;
		lo[i].has_arg = o->kind == OPT_FLAG ? no_argument : required_argument;
		lo[i].val = 256 + (int)i;
		if (o->short_name && sl + 3 < shortlen) {
			shorts[sl++] = o->short_name;
			if (o->kind != OPT_FLAG)
				shorts[sl++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	shorts[sl++] = 'h';
	shorts[sl] = '\0';
	return 0;
}

static void getopt_error(const struct flat *f, const char *shorts, char **argv, char *err,
			 size_t errlen)
{
	if (optopt && optopt < 256 && strchr(shorts, optopt))
		snprintf(err, errlen, "option -%c needs a value", optopt);
	else if (optopt >= 256)
		snprintf(err, errlen, "option --%s needs a value", f[optopt - 256].o->name);
	else if (optopt)
		snprintf(err, errlen, "unknown option -%c (see --help)", optopt);
	else
		snprintf(err, errlen, "unknown option %s (see --help)", argv[optind - 1]);
}

int opts_parse_tables(int argc, char **argv, const struct opt_table *t, size_t nt,
		      char *err, size_t errlen)
{
	struct flat *f;
	size_t n = flatten(t, nt, &f);
	struct option *lo = msb_calloc(n + 2, sizeof(*lo));
	char shorts[2 * 64 + 4];
	int ret = -1;
	if (prepare(f, n, lo, shorts, sizeof(shorts), err, errlen) < 0)
		goto out;
	optind = 0; /* full reset of getopt's state: parse may run several times */
	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, shorts, lo, NULL);
		if (c == -1)
			break;
		if (c == 'h') {
			ret = OPTS_HELP;
			goto out;
		}
		const struct flat *hit = c >= 256 && c < 256 + (int)n ? &f[c - 256] : NULL;
		for (size_t i = 0; !hit && i < n; i++)
			if (f[i].o->short_name && f[i].o->short_name == c)
				hit = &f[i];
		if (!hit) {
			getopt_error(f, shorts, argv, err, errlen);
			goto out;
		}
		if (!opt_set(hit->o, hit->base, optarg, err, errlen))
			goto out;
	}
	ret = optind;
out:
	free(lo);
	free(f);
	return ret;
}

int opts_parse(int argc, char **argv, const struct opt *opts, size_t n, char *err,
	       size_t errlen)
{
	const struct opt_table t = { opts, n, NULL };
	return opts_parse_tables(argc, argv, &t, 1, err, errlen);
}

/* Help text wrapped to 80 columns under a 35-column left part. */
static void print_wrapped(FILE *f, const char *left, const char *text)
{
	const int indent = 35, width = 80;
	int col = fprintf(f, "  %-32s", left);
	if (col > indent) {
		fputc('\n', f);
		col = fprintf(f, "%*s", indent, "");
	}
	while (*text) {
		size_t w = strcspn(text, " ");
		if (col > indent && col + 1 + (int)w > width)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		fputc(' ', f);
		col++;
		col += fprintf(f, "%.*s", (int)w, text);
		text += w;
		text += strspn(text, " ");
	}
	fputc('\n', f);
}

void opts_print_help(FILE *f, const struct opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &opts[i];
		char left[256], mv[160], text[512];
		if (o->kind == OPT_CHOICE)
			opt_choices(o, mv, sizeof(mv));
		else
			snprintf(mv, sizeof(mv), "%s", o->kind == OPT_FLAG ? "" :
				 o->metavar ? o->metavar : "X");
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 *mv ? " " : "", mv);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, *mv ? " " : "", mv);
		snprintf(text, sizeof(text), "%s%s%s%s", o->help, o->def ? " (default: " : "",
			 o->def ? o->def : "", o->def ? ")" : "");
		print_wrapped(f, left, text);
	}
	print_wrapped(f, "-h, --help", "show this help");
}
