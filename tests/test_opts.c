/* SPDX-License-Identifier: GPL-2.0 */
/* Option parsing: sizes, bounds, choices, defaults, errors. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "opts.h"
#include "util.h"

struct o {
	uint64_t reps, mem;
	int mmu;
	bool quiet;
	const char *json;
};

enum mmu { MMU_SHADOW = 3, MMU_TDP = 7 };

static int parse(struct o *o, int argc, const char **argv, char *err)
{
	static const struct opt t[] = {
		{ .name = "reps", .short_name = 'r', .kind = OPT_UINT, .off = offsetof(struct o, reps),
		  .metavar = "N", .help = "repetitions", .def = "30", .min = 1, .max = 100000 },
		{ .name = "guest-mem", .short_name = 'm', .kind = OPT_SIZE, .off = offsetof(struct o, mem),
		  .metavar = "SIZE", .help = "guest memory", .def = "1G", .min = 2 * MIB },
		{ .name = "mmu", .kind = OPT_CHOICE, .off = offsetof(struct o, mmu), .help = "MMU",
		  .def = "shadow", .posval = { { "shadow", MMU_SHADOW }, { "tdp", MMU_TDP } } },
		{ .name = "quiet", .short_name = 'q', .kind = OPT_FLAG, .off = offsetof(struct o, quiet),
		  .help = "no progress" },
		{ .name = "json", .short_name = 'j', .kind = OPT_STRING, .off = offsetof(struct o, json),
		  .metavar = "FILE", .help = "result file" },
	};
	const struct opt_table tab = { t, sizeof(t) / sizeof(t[0]), o };
	memset(o, 0, sizeof(*o));
	return opts_parse_tables(argc, (char **)argv, &tab, 1, err, 256);
}

/* Durations: a unit is required (but for 0), decimals are allowed, the spelling the
 * formatter picks reads back to the same value, and OPT_DURATION keeps its bounds. */
static void check_durations(void)
{
	uint64_t v;
	char buf[32];
	CHECK(parse_duration_ns("1ms", &v) && v == 1000000);
	CHECK(parse_duration_ns("250us", &v) && v == 250000);
	CHECK(parse_duration_ns("1.5s", &v) && v == 1500000000ULL);
	CHECK(parse_duration_ns("2m", &v) && v == 120000000000ULL);
	CHECK(parse_duration_ns("0", &v) && v == 0);
	CHECK(!parse_duration_ns("5", &v));
	CHECK(!parse_duration_ns("-1ms", &v));
	CHECK(!parse_duration_ns("1 ms", &v));
	CHECK(!parse_duration_ns("1xs", &v));
	CHECK(!parse_duration_ns("1e30h", &v));
	const uint64_t back[] = { 1, 999, 1000, 250000, 1000000, 1500000000ULL, 3600000000000ULL };
	for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
		format_duration_ns(back[i], buf, sizeof(buf));
		CHECK(parse_duration_ns(buf, &v) && v == back[i]);
	}
	format_duration_ns(1500000000ULL, buf, sizeof(buf));
	CHECK(!strcmp(buf, "1500ms"));
	struct { uint64_t ns; } d = { 0 };
	const struct opt t = { .name = "window", .kind = OPT_DURATION, .min = 1000000,
			       .max = 60000000000ULL, .off = 0 };
	char err[256];
	CHECK(opt_set(&t, &d, "2s", err, sizeof(err)) && d.ns == 2000000000ULL);
	CHECK(!opt_set(&t, &d, "10us", err, sizeof(err)) && strstr(err, "1ms..1m"));
	CHECK(opt_number(&t, "3ms") == 3000000);
}

/* Options of two tables fill two structs (run's and a scenario's); a choice's value
 * reads back as its spelling. */
static void check_two_tables(void)
{
	struct o a;
	struct { bool flag; } b = { false };
	static const struct opt extra[] = {
		{ .name = "flag", .kind = OPT_FLAG, .off = 0, .help = "a scenario's flag" },
	};
	static const struct opt mmu[] = {
		{ .name = "mmu", .kind = OPT_CHOICE, .off = offsetof(struct o, mmu), .help = "MMU",
		  .def = "shadow", .posval = { { "shadow", MMU_SHADOW }, { "tdp", MMU_TDP } } },
	};
	const struct opt_table t[] = { { mmu, 1, &a }, { extra, 1, &b } };
	const char *argv[] = { "run", "--flag", "--mmu", "tdp", NULL };
	char err[256];
	memset(&a, 0, sizeof(a));
	CHECK_EQ_INT(opts_parse_tables(4, (char **)argv, t, 2, err, sizeof(err)), 4);
	CHECK(b.flag);
	CHECK_EQ_INT(a.mmu, MMU_TDP);
	CHECK(!strcmp(opt_choice_name(&mmu[0], &a), "tdp"));
}

/* --help lines stay within 80 columns, long help wrapped under its column. */
static void check_help_width(void)
{
	static const struct opt t[] = {
		{ .name = "a-rather-long-option-name", .kind = OPT_STRING, .metavar = "SIZE[,SIZE..]",
		  .help = "a help text long enough that it must wrap at least once or twice, since "
			  "nobody reads a terminal wider than eighty columns", .def = "1G" },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	opts_print_help(f, t, 1);
	fclose(f);
	size_t lines = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"), lines++)
		CHECK(strlen(line) <= 80);
	CHECK(lines >= 3);
	free(buf);
}

int main(void)
{
	uint64_t v;
	check_durations();
	CHECK(parse_size("4G", &v) && v == 4 * GIB);
	CHECK(parse_size("512m", &v) && v == 512 * MIB);
	CHECK(parse_size("2MiB", &v) && v == 2 * MIB);
	CHECK(parse_size("1T", &v) && v == 1ULL << 40);
	CHECK(parse_size("4096", &v) && v == 4096);
	CHECK(!parse_size("", &v));
	CHECK(!parse_size("G", &v));
	CHECK(!parse_size("-1G", &v));
	CHECK(!parse_size("4X", &v));
	CHECK(!parse_size("4GG", &v));
	CHECK(!parse_size("99999999999T", &v));
	CHECK(parse_uint("10", 1, 10, &v) && v == 10);
	CHECK(!parse_uint("11", 1, 10, &v));
	CHECK(!parse_uint("0", 1, 10, &v));
	CHECK(!parse_uint("1x", 0, 10, &v));
	CHECK(!parse_uint("18446744073709551616", 0, UINT64_MAX, &v));

	char buf[32];
	format_size(4 * GIB, buf, sizeof(buf));
	CHECK(!strcmp(buf, "4G"));
	format_size(3 * MIB + 1, buf, sizeof(buf));
	CHECK(!strcmp(buf, "3145729"));

	struct o o = { 0 };
	char err[256];
	const char *a1[] = { "run", NULL };
	CHECK_EQ_INT(parse(&o, 1, a1, err), 1);
	CHECK_EQ_U64(o.reps, 30);
	CHECK_EQ_U64(o.mem, GIB);
	CHECK_EQ_INT(o.mmu, MMU_SHADOW);
	CHECK(!o.quiet && !o.json);

	const char *a2[] = { "run", "-r", "5", "--guest-mem=64G", "--mmu", "tdp", "-q",
			     "--json", "out.json", "delete", NULL };
	CHECK_EQ_INT(parse(&o, 10, a2, err), 9);
	CHECK_EQ_U64(o.reps, 5);
	CHECK_EQ_U64(o.mem, 64 * GIB);
	CHECK_EQ_INT(o.mmu, MMU_TDP);
	CHECK(o.quiet);
	CHECK(o.json && !strcmp(o.json, "out.json"));

	const char *bad[][3] = {
		{ "run", "--reps=0", "reps" },
		{ "run", "--reps=abc", "reps" },
		{ "run", "--guest-mem=1K", "guest-mem" },
		{ "run", "--mmu=ept", "mmu" },
		{ "run", "--bogus", "unknown option" },
		{ "run", "--json", "needs a value" },
		{ "run", "-r", "needs a value" },
		{ "run", "--json=", "empty" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { bad[i][0], bad[i][1], NULL };
		err[0] = '\0';
		int r = parse(&o, 2, argv, err);
		CHECK_EQ_INT(r, -1);
		if (!strstr(err, bad[i][2]))
			fprintf(stderr, "case %zu: error '%s' lacks '%s'\n", i, err, bad[i][2]);
		CHECK(strstr(err, bad[i][2]) != NULL);
	}
	const char *h[] = { "run", "--help", NULL };
	CHECK_EQ_INT(parse(&o, 2, h, err), OPTS_HELP);
	check_two_tables();
	check_help_width();
	CHECK_DONE();
}
