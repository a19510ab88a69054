/* SPDX-License-Identifier: GPL-2.0 */
/* lib/trace_summary: what --trace derives from a window's records (no tracefs needed). */
#include "check.h"
#include "trace.h"

#define US 1000ULL

static struct trace_rec recs[64];
static struct msb_trace t = { .recs = recs };

static void add(uint64_t ts, enum trace_kind kind, uint32_t val)
{
	recs[t.n++] = (struct trace_rec){ .ts = ts, .kind = kind, .val = val };
}

/* A zap-all at 100 us: the zap_all_fast event, then 20 shadow pages 10 us apart with one
 * 500 us gap after page 10 (a yield, the thread switched out inside it), one page zapped
 * before the ioctl (not its own), a refault's faults after it. */
static void zap_all_window(void)
{
	t.n = 0;
	add(50 * US, TK_PREPARE_ZAP, 0);
	add(100 * US, TK_ZAP_ALL, 517);
	uint64_t ts = 100 * US;
	for (int i = 0; i < 20; i++) {
		ts += i == 10 ? 500 * US : 10 * US;
		if (i == 10) {
			add(ts - 400 * US, TK_SWITCH_OUT, 0);
			add(ts - 100 * US, TK_SWITCH_IN, 0);
		}
		add(ts, TK_PREPARE_ZAP, 0);
	}
	add(ts + 10 * US, TK_SWITCH_OUT, 0); /* after the zap: not inside its span */
	add(ts + 30 * US, TK_SWITCH_IN, 0);
	add(ts + 40 * US, TK_SWITCH_OUT, 0); /* and not back by the end */
	add(2000 * US, TK_PAGE_FAULT, 0);
	add(2001 * US, TK_SPTE_REQUESTED, 0);
	add(2002 * US, TK_PAGE_FAULT, 0);
}

int main(void)
{
	struct trace_zap z;
	uint64_t faults, mapped;

	zap_all_window();
	trace_zap_summary(&t, 90 * US, 1000 * US, 10, &z);
	CHECK_EQ_INT(z.zap_all, 1);
	CHECK_EQ_INT(z.used_pages, 517);
	CHECK_EQ_INT(z.pages, 20);
	CHECK_EQ_U64(z.first, 100 * US);
	CHECK_EQ_U64(z.last, (100 + 19 * 10 + 500) * US);
	CHECK_EQ_U64(z.gap_median, 10 * US);
	CHECK_EQ_U64(z.gap_max, 500 * US);
	CHECK_EQ_INT(z.long_gaps, 1);
	CHECK_EQ_INT(z.yields, 1);
	/* Off the CPU: 300 us inside the span; 20 + (1000 - 830) us after it, to t1. */
	CHECK_EQ_U64(trace_offcpu_ns(&t, z.first, z.last), 300 * US);
	CHECK_EQ_U64(trace_offcpu_ns(&t, 90 * US, 1000 * US), (300 + 20 + 170) * US);
	CHECK_EQ_U64(trace_offcpu_ns(&t, 0, 100 * US), 0);
	/* A factor above the gap: no long gap, the yield stays. */
	trace_zap_summary(&t, 90 * US, 1000 * US, 60, &z);
	CHECK_EQ_INT(z.long_gaps, 0);
	CHECK_EQ_INT(z.yields, 1);
	/* The window decides: the page before the ioctl counts only in a wider one. */
	trace_zap_summary(&t, 0, 1000 * US, 10, &z);
	CHECK_EQ_INT(z.pages, 21);
	CHECK_EQ_U64(z.first, 50 * US);
	/* A window without zap events (zap-slot): nothing, no span. */
	trace_zap_summary(&t, 1500 * US, 3000 * US, 10, &z);
	CHECK_EQ_INT(z.zap_all + z.pages + z.yields + z.long_gaps, 0);
	CHECK_EQ_U64(z.first, 0);
	trace_fault_count(&t, 1500 * US, 3000 * US, &faults, &mapped);
	CHECK_EQ_U64(faults, 2);
	CHECK_EQ_U64(mapped, 1);
	trace_fault_count(&t, 0, 1000 * US, &faults, &mapped);
	CHECK_EQ_U64(faults + mapped, 0);
	CHECK_DONE();
}
