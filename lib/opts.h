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
	OPT_CHOICE, /* int: index into choices "a|b|c" */
};

struct opt {
	const char *name;    /* long name without "--" */
	char short_name;     /* 0 for none */
	enum opt_kind kind;
	const char *metavar; /* shown in help: N, SIZE, FILE */
	const char *help;
	const char *def;     /* default, as the user would type it; NULL for none */
	const char *choices; /* OPT_CHOICE: "shadow|tdp" */
	uint64_t min, max;   /* OPT_UINT / OPT_SIZE bounds (max 0 = no bound) */
	void *dest;
};

/* Apply defaults, then parse argv[1..]. Returns the index of the first positional
 * argument (>= 1), OPTS_HELP when --help was given, or -1 with a one-line message in
 * err (unknown option, bad value, missing argument). Resets getopt state itself. */
#define OPTS_HELP (-2)
int opts_parse(int argc, char **argv, const struct opt *opts, size_t n, char *err,
	       size_t errlen);
/* "  -r, --reps N            repetitions (default: 30)" lines. */
void opts_print_help(FILE *f, const struct opt *opts, size_t n);
/* Store one value (also used for defaults); false with a message in err. */
bool opt_set(const struct opt *o, const char *val, char *err, size_t errlen);

#endif
