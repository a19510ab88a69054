/* SPDX-License-Identifier: GPL-2.0 */
/* Leak check: CYCLES VMs (default 200) made and destroyed one after the other through
 * the benchmark's own code (bench_vm_setup: create, memslots, populate; one repetition of
 * the scenario's step: the memslot update it times; bench_vm_teardown), then no growth
 * in open fds (/proc/self/fd), mappings (/proc/self/maps lines) or RSS after the first
 * WARM cycles (allocator caches, lazily loaded code and the stats descriptors settle).
 *   kvm_leak [CYCLES [RUN ARGS...]]   RUN ARGS default: create --guest-mem 2M (the
 * cheapest cycle: a 2 MiB guest populated, a fresh slot created and deleted) */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "env.h"
#include "run.h"
#include "util.h"

#define WARM 10
/* RSS may move by a few allocator pages; a leak of one page per cycle would not fit */
#define RSS_SLACK_KIB 256

struct usage {
	unsigned fds, maps;
	uint64_t rss_kib;
};

static unsigned count_fds(void)
{
	unsigned n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		msb_die_errno("/proc/self/fd");
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own fd */
}

static unsigned count_lines(const char *path)
{
	unsigned n = 0;
	int ch;
	FILE *f = fopen(path, "r");
	if (!f)
		msb_die_errno("%s", path);
	while ((ch = getc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

static uint64_t rss_kib(void)
{
	char line[128];
	uint64_t kib = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		msb_die_errno("/proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %" SCNu64, &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void measure(struct usage *u)
{
	u->fds = count_fds();
	u->maps = count_lines("/proc/self/maps");
	u->rss_kib = rss_kib();
}

/* One VM: set up (create, populate), one repetition of the step, tear down. */
static void cycle(struct run_cli *c, struct kvm_sys *sys, uint64_t i)
{
	struct metric_set ms = { 0 };
	struct bench_vm b;
	char why[256];
	if (bench_vm_setup(&b, sys, &c->o, VARIANT_ZAP_ALL, &ms, why, sizeof(why)) < 0)
		msb_die("VM %llu: %s", (unsigned long long)i, why);
	bench_repeat(&b, c->sc, c->sopts, i);
	bench_vm_teardown(&b);
	if (!metric_find(&ms, c->sc->primary) || !metric_find(&ms, c->sc->primary)->n)
		msb_die("VM %llu: no %s sample", (unsigned long long)i, c->sc->primary);
	metric_set_free(&ms);
}

int main(int argc, char **argv)
{
	unsigned cycles = argc > 1 ? (unsigned)atoi(argv[1]) : 200;
	char *args[64] = { "run" };
	int n = 1;
	for (int i = 2; i < argc && n < 60; i++)
		args[n++] = argv[i];
	if (n == 1) {
		char *def[] = { "run", "create", "--guest-mem", "2M" };
		n = 4;
		memcpy(args, def, sizeof(def));
	}
	const char *fixed[] = { "--reps", "1", "--warmup", "0", "--quiet" };
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		args[n++] = (char *)fixed[i];
	if (cycles <= WARM + 1)
		msb_die("CYCLES must be more than %d", WARM + 1);

	struct run_cli c;
	struct kvm_sys sys;
	struct kvm_env kenv;
	run_parse(&c, n, args);
	c.o.guest_mem = c.sizes[0];
	kvm_env_probe(&kenv);
	c.o.tdp = !strncmp(kenv.mmu, "tdp", 3);
	kvm_open(&sys);

	struct usage *u = msb_calloc(cycles + 1, sizeof(*u));
	measure(&u[0]);
	uint64_t t0 = now_ns(), max_rss = 0;
	for (unsigned i = 1; i <= cycles; i++) {
		cycle(&c, &sys, i);
		measure(&u[i]);
		if (i > WARM && u[i].rss_kib > max_rss)
			max_rss = u[i].rss_kib;
	}
	double s = (double)(now_ns() - t0) / 1e9;
	printf("kvm_leak: %u VMs of %s (%s, MMU %s) in %.1f s (%.0f ms each)\n", cycles, args[3],
	       c.sc->name, kenv.mmu, s, 1e3 * s / cycles);
	printf("%8s %6s %6s %10s\n", "after", "fds", "maps", "RSS KiB");
	const unsigned show[] = { 0, 1, 2, WARM, cycles / 2, cycles };
	for (size_t k = 0; k < ARRAY_SIZE(show); k++)
		printf("%8u %6u %6u %10" PRIu64 "\n", show[k], u[show[k]].fds, u[show[k]].maps,
		       u[show[k]].rss_kib);
	printf("max RSS after %d: %" PRIu64 " KiB\n", WARM, max_rss);
	/* Every cycle after WARM: the same fds and mappings as at WARM, RSS within slack. */
	for (unsigned i = WARM + 1; i <= cycles; i++) {
		CHECK_EQ_INT(u[i].fds, u[WARM].fds);
		CHECK_EQ_INT(u[i].maps, u[WARM].maps);
		CHECK(u[i].rss_kib <= u[WARM].rss_kib + RSS_SLACK_KIB);
		if (check_failures) {
			fprintf(stderr, "kvm_leak: growth at VM %u\n", i);
			break;
		}
	}
	free(u);
	kvm_close(&sys);
	run_cli_free(&c);
	CHECK_DONE();
}
