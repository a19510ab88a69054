/* SPDX-License-Identifier: GPL-2.0 */
/* lib/stallcalc: the control rate, recovery, the stall's split around the ioctl and the
 * guest clock's offset, on hand-made timelines whose answers are counted by hand. */
#include "check.h"
#include "stallcalc.h"

static void test_rate(void)
{
	const uint64_t odd[] = { 9, 1, 5 }, even[] = { 10, 2, 4, 100 };
	CHECK_NEAR(stall_rate(odd, 3), 5, 0);
	CHECK_NEAR(stall_rate(even, 4), 7, 0);
	/* a vCPU descheduled in most intervals still has its running rate */
	const uint64_t busy[] = { 0, 0, 0, 0, 0, 0, 0, 1000, 900, 1100 };
	CHECK_NEAR(stall_rate(busy, 10), 1000, 0);
	const uint64_t none[] = { 0, 0 };
	CHECK_NEAR(stall_rate(none, 2), 0, 0);
	CHECK_NEAR(stall_rate(odd, 0), 0, 0);
}

static void test_recovery(void)
{
	/* rate 100: 90 is enough, 89 is not; the run of three starts at index 6 */
	const uint64_t t[] = { 100, 100, 0, 0, 95, 89, 90, 91, 100 };
	CHECK_EQ_INT(stall_recovered_at(t, 9, 100, 2), 6);
	/* a run of two that breaks, then censored: the window ends first */
	const uint64_t u[] = { 0, 95, 95, 10, 95, 95 };
	CHECK_EQ_INT(stall_recovered_at(u, 6, 100, 0), 6);
	/* from: the search starts at the ioctl's interval, not before */
	const uint64_t v[] = { 100, 100, 100, 0, 100, 100 };
	CHECK_EQ_INT(stall_recovered_at(v, 6, 100, 0), 0);
	CHECK_EQ_INT(stall_recovered_at(v, 6, 100, 1), 6);
	/* a rate of 0 (a vCPU that never ran in the control window) recovers at once */
	CHECK_EQ_INT(stall_recovered_at(u, 6, 0, 0), 0);
}

static void test_split(void)
{
	/* gap [10, 50] against the ioctl [20, 30]: 10 before, 10 inside, 20 after */
	struct stall_split s = stall_split(50, 40, 20, 30);
	CHECK_EQ_U64(s.before, 10);
	CHECK_EQ_U64(s.inside, 10);
	CHECK_EQ_U64(s.after, 20);
	/* a gap wholly after the ioctl */
	s = stall_split(100, 10, 20, 30);
	CHECK_EQ_U64(s.before + s.inside, 0);
	CHECK_EQ_U64(s.after, 10);
	/* a gap inside it */
	s = stall_split(29, 5, 20, 30);
	CHECK_EQ_U64(s.inside, 5);
	CHECK_EQ_U64(s.before + s.after, 0);
}

static void test_offset(void)
{
	/* true offset 1000; the guest published 3, 40 and 1 ticks before the host read */
	const uint64_t h[] = { 500, 700, 900 };
	const uint64_t g[] = { 1497, 1660, 1899 };
	CHECK_EQ_INT(stall_offset_bound(g, h, 3), 999);
	/* a negative offset (the guest clock behind the host's) */
	const uint64_t h2[] = { 5000 }, g2[] = { 4000 };
	CHECK_EQ_INT(stall_offset_bound(g2, h2, 1), -1000);
}

int main(void)
{
	test_rate();
	test_recovery();
	test_split();
	test_offset();
	CHECK_DONE();
}
