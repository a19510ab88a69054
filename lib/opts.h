/* SPDX-License-Identifier: GPL-2.0 */
/* One option table drives parsing (getopt_long), defaults and --help, as in fio. */
#ifndef MSB_OPTS_H
#define MSB_OPTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind {
	OPT_FLAG,   /* bool */
	OPT_UINT,   /* uint64_t, within [min, max] */
	OPT_SIZE,   /* uint64_t bytes, K/M/G/T suffixes, within [min, max] */
	OPT_STRING, /* const char * */
	OPT_CHOICE, /* int: the value posval maps the spelling to */
	OPT_DURATION, /* uint64_t ns, "1ms"/"250us"/"2s", within [min, max] */
};

/* OPT_CHOICE: a spelling and the enum value it stores (fio's posval). */
struct opt_posval {
	const char *ival;
	int oval;
};
#define OPT_MAX_POSVAL 8

/* One option, written with designated initialisers: the value goes to base + off of the
 * options struct its table is parsed into (fio's offsetof style). */
struct opt {
	const char *name;    /* long name without "--" */
	char short_name;     /* 0 for none */
	enum opt_kind kind;
	const char *metavar; /* shown in help: N, SIZE, FILE */
	const char *help;
	const char *def;     /* default, as the user would type it; NULL for none */
	uint64_t min, max;   /* OPT_UINT / OPT_SIZE bounds (max 0 = no bound) */
	void *dest;          /* a local variable of a small command; NULL: base + off */
	size_t off;          /* offsetof() the field in the options struct */
	struct opt_posval posval[OPT_MAX_POSVAL]; /* OPT_CHOICE spellings -> values */
	const char *legacy;  /* what runs did before the option existed, if not def */
};

/* A table and the options struct it fills. */
struct opt_table {
	const struct opt *opts;
	size_t n;
	void *base;
};

/* Apply defaults, then parse argv[1..] against every table. Returns the index of the
 * first positional argument (>= 1), OPTS_HELP when --help was given, or -1 with a
 * one-line message in err (unknown option, bad value, missing argument). Resets getopt
 * state itself. */
#define OPTS_HELP (-2)
int opts_parse_tables(int argc, char **argv, const struct opt_table *t, size_t nt,
		      char *err, size_t errlen);
/* One table whose options all carry dest pointers (small commands: info, compare). */
int opts_parse(int argc, char **argv, const struct opt *opts, size_t n, char *err,
	       size_t errlen);
/* "  -r, --reps N            repetitions (default: 30)" lines, wrapped at 80 columns. */
void opts_print_help(FILE *f, const struct opt *opts, size_t n);
/* Store one value (also used for defaults) into base; false with a message in err. */
bool opt_set(const struct opt *o, void *base, const char *val, char *err, size_t errlen);
/* text ("4M", a default) as an OPT_UINT/OPT_SIZE option reads it; 0 if it does not
 * parse. */
uint64_t opt_number(const struct opt *o, const char *text);
/* The spelling of a choice option's current value in base ("4K"), or NULL. */
const char *opt_choice_name(const struct opt *o, const void *base);
/* The key an option's value has in a result file's params: its name, '-' as '_'
 * ("guest-mem" -> "guest_mem"), so writer and reader derive it alike. */
void opt_param_key(const struct opt *o, char *buf, size_t len);
/* "4K|2M" for help and messages. */
void opt_choices(const struct opt *o, char *buf, size_t len);

#endif
