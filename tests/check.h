/* SPDX-License-Identifier: GPL-2.0 */
/* Minimal assertions for the unit tests (automake plain driver: exit 0 pass, 1 fail,
 * 77 skip, 99 hard error). */
#ifndef MSB_CHECK_H
#define MSB_CHECK_H
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
	check_failures++; } } while (0)
#define CHECK_EQ_U64(a, b) do { uint64_t a_ = (a), b_ = (b); if (a_ != b_) { \
	fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
		__FILE__, __LINE__, #a, #b, a_, b_); check_failures++; } } while (0)
#define CHECK_EQ_INT(a, b) do { long long a_ = (a), b_ = (b); if (a_ != b_) { \
	fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", \
		__FILE__, __LINE__, #a, #b, a_, b_); check_failures++; } } while (0)
#define CHECK_NEAR(a, b, tol) do { double a_ = (a), b_ = (b); \
	if (!(fabs(a_ - b_) <= (tol))) { \
		fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g != %.17g\n", \
			__FILE__, __LINE__, #a, #b, a_, b_); check_failures++; } } while (0)
/* End of main(): report and pick the exit code. */
#define CHECK_DONE() do { if (check_failures) { \
	fprintf(stderr, "%d check(s) failed\n", check_failures); return 1; } \
	printf("all checks passed\n"); return 0; } while (0)

#endif
