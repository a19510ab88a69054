/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/samplefile: the fixtures in tests/data/samples/, both formats, every
 * kind of bad input, and the verdict from them. Reference values from R 4.2.2 (commands
 * with each test, run in tests/data/samples/). */
#include "check.h"
#include "samplefile.h"

#include <stdlib.h>
#include <string.h>

#define EPS 1e-12
#define CHECK_STR(a, b) do { if (strcmp((a), (b))) { \
	fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__, (a), (b)); \
	check_failures++; } } while (0)

static char path[4096];

/* make check exports top_srcdir; run by hand from the source tree otherwise. */
static const char *fixture(const char *name)
{
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof(path), "%s/tests/data/samples/%s", top ? top : ".", name);
	return path;
}

/* The error for a fixture, with the directory cut off: "nan.txt:2: ...". */
static const char *error_of(const char *name)
{
	static char err[512];
	struct sample_set s;
	const char *p = fixture(name);
	size_t dir = strlen(p) - strlen(name);

	err[0] = '\0';
	if (samplefile_read(p, &s, err, sizeof(err)) == 0) {
		samplefile_free(&s);
		return "(no error)";
	}
	return strncmp(err, p, dir) ? err : err + dir;
}

/* R: o <- scan("one-col.txt", comment.char="#"); median(o); length(o) -> 38810 5. */
static void test_one_column(void)
{
	struct sample_set s;
	char err[256];

	CHECK_EQ_INT(samplefile_read(fixture("one-col.txt"), &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(s.columns, 1);
	CHECK_EQ_INT(s.nvm, 1);
	CHECK_EQ_INT(s.nsamples, 5);
	CHECK_STR(s.vm[0].name, path); /* the file is the VM */
	CHECK_NEAR(s.vm[0].v[2], 39105, 0);

	double *m = samplefile_vm_medians(&s);

	CHECK_NEAR(m[0], 38810, 0);
	free(m);
	samplefile_free(&s);
}

/* R: rd <- function(f) read.table(f, comment.char="#", col.names=c("vm","v"));
 * b <- rd("base-vms.txt"); n <- rd("new-vms.txt"); x <- tapply(b$v, b$vm, median);
 * y <- tapply(n$v, n$vm, median); w <- wilcox.test(log(y), log(x), conf.int=TRUE,
 * exact=TRUE); median(y)/median(x); exp(w$conf.int) -> 1.1477832512315274,
 * 1.0571428571428572 1.2244897959183672. Pooled (ties: the exact distribution, k =
 * qwilcox(0.025, 12, 12) = 38): d <- sort(outer(log(n$v), log(b$v), "-")); exp(d[38]);
 * exp(d[107]); 1 - 2*pwilcox(37, 12, 12) -> 1.1089108910891088 1.1782178217821782
 * 0.95509800470091222. */
static void test_two_columns(void)
{
	struct sample_set b, n;
	struct verdict v;
	char err[256], buf[128];

	CHECK_EQ_INT(samplefile_read(fixture("base-vms.txt"), &b, err, sizeof(err)), 0);
	CHECK_EQ_INT(samplefile_read(fixture("new-vms.txt"), &n, err, sizeof(err)), 0);
	CHECK_EQ_INT(b.columns, 2);
	CHECK_EQ_INT(b.nvm, 4);
	CHECK_EQ_INT(b.nsamples, 12);
	CHECK_STR(b.vm[1].name, "vm-b");
	CHECK_EQ_INT(b.vm[1].n, 3);
	CHECK_NEAR(b.vm[1].v[1], 9.9, 0); /* tab-separated line */

	double *m = samplefile_vm_medians(&b);

	CHECK_NEAR(m[0], 10.2, EPS);
	CHECK_NEAR(m[1], 9.8, EPS);
	free(m);

	CHECK_EQ_INT(samplefile_verdict(&b, &n, NULL, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_SLOWER);
	CHECK_NEAR(v.ratio, 1.1477832512315274, EPS);
	CHECK_NEAR(v.ratio_lo, 1.0571428571428572, EPS);
	CHECK_NEAR(v.ratio_hi, 1.2244897959183672, EPS);
	verdict_format_units(&v, 0, buf, sizeof(buf));
	CHECK_STR(buf, "4 VMs x 3");

	const struct verdict_opts pooled = { .pooled = true };

	CHECK_EQ_INT(samplefile_verdict(&b, &n, &pooled, &v), 0);
	CHECK(v.pooled && v.level_is_bound);
	CHECK_NEAR(v.ratio_lo, 1.1089108910891088, EPS);
	CHECK_NEAR(v.ratio_hi, 1.1782178217821782, EPS);
	CHECK_NEAR(v.level, 0.95509800470091222, EPS);
	verdict_format_units(&v, 1, buf, sizeof(buf));
	CHECK_STR(buf, "12 samples (pooled)");
	samplefile_free(&b);
	samplefile_free(&n);
}

/* One VM a side (two one-column files): never tested; the gate has nothing (exit 3). */
static void test_one_vm_each(void)
{
	const struct verdict_opts g = { .gate = true, .gate_pct = 5 };
	struct sample_set s;
	struct verdict v, *rows[1] = { &v };
	char err[256];

	CHECK_EQ_INT(samplefile_read(fixture("one-col.txt"), &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(samplefile_verdict(&s, &s, &g, &v), 0);
	CHECK_EQ_INT(v.kind, VERDICT_NOT_TESTED);
	CHECK_STR(v.reason, "not tested: 1 vs 1 VMs, needs 4 a side (use --rounds)");
	CHECK_EQ_INT(verdict_gate(rows, 1, NULL), GATE_NOTHING_TESTABLE);
	samplefile_free(&s);
}

static void test_bad_input(void)
{
	CHECK_STR(error_of("no-numbers.txt"), "no-numbers.txt: no numbers (4 lines, all blank or "
		  "comments)");
	CHECK_STR(error_of("non-numeric.txt"), "non-numeric.txt:3: non-numeric value '13x'");
	CHECK_STR(error_of("negative.txt"), "negative.txt:2: time must be > 0, not -5");
	CHECK_STR(error_of("zero.txt"), "zero.txt:3: time must be > 0, not 0");
	CHECK_STR(error_of("nan.txt"), "nan.txt:2: not a finite number: nan");
	CHECK_STR(error_of("inf.txt"), "inf.txt:2: not a finite number: inf");
	CHECK_STR(error_of("mixed.txt"), "mixed.txt:4: 1 column, but line 2 has 2");
	CHECK_STR(error_of("three-col.txt"),
		  "three-col.txt:1: 3 or more columns; expected VALUE or VM VALUE");
	CHECK(strstr(error_of("absent.txt"), "absent.txt: No such file"));
}

/* From a stream: an empty file, and CRLF line ends. */
static void test_stream(void)
{
	char text[] = "# crlf\r\nvm0 1.5\r\nvm1 2.5\r\n", err[256];
	struct sample_set s;
	FILE *f = fmemopen(text, strlen(text), "r");

	CHECK_EQ_INT(samplefile_parse(f, "crlf.txt", &s, err, sizeof(err)), 0);
	CHECK_EQ_INT(s.nvm, 2);
	CHECK_NEAR(s.vm[1].v[0], 2.5, 0);
	samplefile_free(&s);
	fclose(f);
	f = fmemopen(text, 0, "r");
	if (f) { /* glibc: a zero-size buffer is EINVAL before 2.22, an empty stream after */
		CHECK_EQ_INT(samplefile_parse(f, "empty.txt", &s, err, sizeof(err)), -1);
		CHECK_STR(err, "empty.txt: no numbers (0 lines, all blank or comments)");
		fclose(f);
	}
}

int main(void)
{
	test_one_column();
	test_two_columns();
	test_one_vm_each();
	test_bad_input();
	test_stream();
	CHECK_DONE();
}
