/* Option parsing: sizes, bounds, choices, defaults, errors. */
#include <stdbool.h>
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

static int parse(struct o *o, int argc, const char **argv, char *err)
{
	const struct opt t[] = {
		{ "reps", 'r', OPT_UINT, "N", "repetitions", "30", NULL, 1, 100000, &o->reps },
		{ "guest-mem", 'm', OPT_SIZE, "SIZE", "guest memory", "1G", NULL, 2 * MIB, 0, &o->mem },
		{ "mmu", 0, OPT_CHOICE, NULL, "MMU", "shadow", "shadow|tdp", 0, 0, &o->mmu },
		{ "quiet", 'q', OPT_FLAG, NULL, "no progress", NULL, NULL, 0, 0, &o->quiet },
		{ "json", 'j', OPT_STRING, "FILE", "result file", NULL, NULL, 0, 0, &o->json },
	};
	memset(o, 0, sizeof(*o));
	return opts_parse(argc, (char **)argv, t, sizeof(t) / sizeof(t[0]), err, 256);
}

int main(void)
{
	uint64_t v;
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

	struct o o;
	char err[256];
	const char *a1[] = { "run", NULL };
	CHECK_EQ_INT(parse(&o, 1, a1, err), 1);
	CHECK_EQ_U64(o.reps, 30);
	CHECK_EQ_U64(o.mem, GIB);
	CHECK_EQ_INT(o.mmu, 0);
	CHECK(!o.quiet && !o.json);

	const char *a2[] = { "run", "-r", "5", "--guest-mem=64G", "--mmu", "tdp", "-q",
			     "--json", "out.json", "delete", NULL };
	CHECK_EQ_INT(parse(&o, 10, a2, err), 9);
	CHECK_EQ_U64(o.reps, 5);
	CHECK_EQ_U64(o.mem, 64 * GIB);
	CHECK_EQ_INT(o.mmu, 1);
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
	CHECK_DONE();
}
