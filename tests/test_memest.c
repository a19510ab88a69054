/* SPDX-License-Identifier: GPL-2.0 */
/* lib/memest: the host-memory estimate of one VM, MemAvailable, RLIMIT_NOFILE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "check.h"
#include "memest.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static struct memest est(uint64_t guest, uint64_t host, unsigned shift, bool tdp)
{
	struct memest_in in = { .guest_mem = guest, .host_mem = host, .page_shift = shift,
				.nslots = 2, .nvcpus = 1, .tdp = tdp };
	struct memest e;
	memest_vm(&in, &e);
	return e;
}

static void test_parts(void)
{
	/* 1 GiB mapped with 4 KiB pages: 512 PTs + 1 PD + 1 PDPT, each +1 for a range
	 * that straddles one more table */
	struct memest e = est(GIB, GIB, 12, false);
	CHECK_EQ_U64(e.guest_pt, 517 * 4096ULL);
	CHECK(e.backing >= GIB + e.guest_pt && e.backing <= GIB + e.guest_pt + 4 * MIB);
	/* a shadow page (and its shadowed_translation) per guest table */
	CHECK(e.kvm_pt >= 517 * 8192ULL && e.kvm_pt <= 540 * 8192ULL + 540 * 256ULL);
	/* an 8-byte rmap head per 4 KiB frame: 2 MiB for 1 GiB */
	CHECK(e.rmap >= 2 * MIB && e.rmap < 2 * MIB + 64 * 1024);
	CHECK_EQ_U64(e.total, e.backing + e.kvm_pt + e.rmap + e.vcpu);
}

/* memfd aliasing: the host memory stays, KVM's share grows with the GPA space. */
static void test_aliasing(void)
{
	struct memest small = est(GIB, GIB, 12, false), big = est(64 * GIB, GIB, 12, false);
	CHECK(big.backing - small.backing < 256 * MIB); /* only the guest page tables */
	CHECK(big.kvm_pt >= 64 * small.kvm_pt - 64 * 64 * 8192ULL);
	CHECK(big.kvm_pt >= 32768 * 8192ULL); /* a shadow page per 2 MiB of guest */
	CHECK(big.rmap >= 128 * MIB);
	CHECK(big.total > small.total + 384 * MIB);
}

static void test_tdp_and_2m(void)
{
	struct memest t = est(64 * GIB, GIB, 12, true), s = est(64 * GIB, GIB, 12, false);
	CHECK_EQ_U64(t.rmap, 0);
	/* a 4 KiB table per 2 MiB of GPA, no shadowed_translation: about half the shadow's */
	CHECK(t.kvm_pt >= 32768 * 4096ULL && t.kvm_pt < s.kvm_pt);
	struct memest h = est(64 * GIB, 64 * GIB, 21, false);
	/* 2 MiB guest pages: 64 PDs and a PDPT, but KVM still splits them on 4 KiB host pages */
	CHECK(h.guest_pt < 80 * 4096ULL);
	CHECK(h.kvm_pt >= 32768 * 4096ULL);
	CHECK(h.backing >= 64 * GIB);
}

static void test_describe(void)
{
	char buf[400];
	struct memest e = est(GIB, GIB, 12, false);
	memest_describe(&e, false, buf, sizeof(buf));
	CHECK(strstr(buf, "shadow pages") && strstr(buf, "rmaps") && strstr(buf, "GiB"));
	memest_describe(&e, true, buf, sizeof(buf));
	CHECK(strstr(buf, "TDP page tables") != NULL);
}

static void test_meminfo(void)
{
	char path[] = "/tmp/test_memest.XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:    1000 kB\n", f);
	fclose(f);
	uint64_t b = 0;
	CHECK_EQ_INT(memest_mem_available(path, &b), 0);
	CHECK_EQ_U64(b, 1024000);
	f = fopen(path, "w");
	fputs("MemTotal:       24000000 kB\n", f); /* before Linux 3.14 */
	fclose(f);
	CHECK_EQ_INT(memest_mem_available(path, &b), -1);
	unlink(path);
	CHECK_EQ_INT(memest_mem_available("/nonexistent/meminfo", &b), -1);
}

static void test_nofile(void)
{
	char err[200] = "";
	struct rlimit rl = { .rlim_cur = 16, .rlim_max = 64 };
	CHECK_EQ_INT(setrlimit(RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_INT(memest_nofile_check(40, err, sizeof(err)), 0); /* raised to 40 */
	CHECK_EQ_INT(getrlimit(RLIMIT_NOFILE, &rl), 0);
	CHECK_EQ_U64(rl.rlim_cur, 40);
	CHECK_EQ_INT(memest_nofile_check(100, err, sizeof(err)), -1);
	CHECK(strstr(err, "RLIMIT_NOFILE is 40 (hard limit 64)") && strstr(err, "100"));
	CHECK(memest_files_needed(8) > memest_files_needed(1));
}

int main(void)
{
	test_parts();
	test_aliasing();
	test_tdp_and_2m();
	test_describe();
	test_meminfo();
	test_nofile();
	CHECK_DONE();
}
