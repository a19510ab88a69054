#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int choice_index(const char *choices, const char *val)
{
	size_t vlen = strlen(val);
	int i = 0;
	for (const char *p = choices; *p; i++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == vlen && !strncmp(p, val, len))
			return i;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

bool opt_set(const struct opt *o, const char *val, char *err, size_t errlen)
{
	uint64_t max = o->max ? o->max : UINT64_MAX;
	uint64_t v;
	switch (o->kind) {
	case OPT_FLAG:
		*(bool *)o->dest = true;
		return true;
	case OPT_STRING:
		if (!*val) {
			snprintf(err, errlen, "--%s: empty value", o->name);
			return false;
		}
		*(const char **)o->dest = val;
		return true;
	case OPT_CHOICE: {
		int i = choice_index(o->choices, val);
		if (i < 0) {
			snprintf(err, errlen, "--%s: '%s' is not one of %s", o->name, val, o->choices);
			return false;
		}
		*(int *)o->dest = i;
		return true;
	}
	case OPT_UINT:
		if (!parse_uint(val, o->min, max, &v)) {
			snprintf(err, errlen, "--%s: '%s' is not a whole number in %llu..%llu",
				 o->name, val, (unsigned long long)o->min, (unsigned long long)max);
			return false;
		}
		*(uint64_t *)o->dest = v;
		return true;
	case OPT_SIZE:
		if (!parse_size(val, &v) || v < o->min || v > max) {
			char lo[32], hi[32];
			format_size(o->min, lo, sizeof(lo));
			format_size(max, hi, sizeof(hi));
			snprintf(err, errlen, "--%s: '%s' is not a size in %s..%s (suffixes K, M, G, T)",
				 o->name, val, lo, o->max ? hi : "any");
			return false;
		}
		*(uint64_t *)o->dest = v;
		return true;
	}
	snprintf(err, errlen, "--%s: internal error: unknown option kind", o->name);
	return false;
}

int opts_parse(int argc, char **argv, const struct opt *opts, size_t n, char *err,
	       size_t errlen)
{
	struct option *lo = msb_calloc(n + 2, sizeof(*lo));
	char shorts[2 * 64 + 4] = "+"; /* stop at the first positional argument */
	size_t sl = 1;
	int ret = -1;

	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &opts[i];
		if (o->def && o->kind != OPT_FLAG && !opt_set(o, o->def, err, errlen))
			goto out;
		lo[i].name = o->name;
		lo[i].has_arg = o->kind == OPT_FLAG ? no_argument : required_argument;
		lo[i].val = 256 + (int)i;
		if (o->short_name && sl + 3 < sizeof(shorts)) {
			shorts[sl++] = o->short_name;
			if (o->kind != OPT_FLAG)
				shorts[sl++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	shorts[sl++] = 'h';
	shorts[sl] = '\0';

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
		const struct opt *o = NULL;
		if (c >= 256 && c < 256 + (int)n)
			o = &opts[c - 256];
		for (size_t i = 0; !o && i < n; i++)
			if (opts[i].short_name && opts[i].short_name == c)
				o = &opts[i];
		if (!o) {
			if (optopt && optopt < 256 && strchr(shorts, optopt))
				snprintf(err, errlen, "option -%c needs a value", optopt);
			else if (optopt >= 256)
				snprintf(err, errlen, "option --%s needs a value", opts[optopt - 256].name);
			else if (optopt)
				snprintf(err, errlen, "unknown option -%c (see --help)", optopt);
			else
				snprintf(err, errlen, "unknown option %s (see --help)", argv[optind - 1]);
			goto out;
		}
		if (!opt_set(o, optarg, err, errlen))
			goto out;
	}
	ret = optind;
out:
	free(lo);
	return ret;
}

void opts_print_help(FILE *f, const struct opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &opts[i];
		char left[64];
		const char *mv = o->kind == OPT_FLAG ? "" :
				 o->kind == OPT_CHOICE ? o->choices : (o->metavar ? o->metavar : "X");
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 *mv ? " " : "", mv);
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, *mv ? " " : "", mv);
		fprintf(f, "  %-32s %s", left, o->help);
		if (o->def)
			fprintf(f, " (default: %s)", o->def);
		fputc('\n', f);
	}
	fprintf(f, "  %-32s %s\n", "-h, --help", "show this help");
}
