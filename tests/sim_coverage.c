/* SPDX-License-Identifier: GPL-2.0 */
/* Coverage simulation for lib/verdict (issue 10); built by make check, not run by it:
 *   build/tests/sim_coverage [REPS [SEED]]      (defaults 10000 and 1: deterministic)
 * Each side: VMS VMs x PER samples; a VM's level is lognormal around the side's true
 * median (sd of log 0.15: VM-to-VM spread 15%), each sample lognormal around its VM's
 * level (sd of log 0.08: within-VM 8%); new = base x the true ratio. Per case and method
 * it prints a Markdown row: how often a verdict was given (tested), how often the ratio
 * interval covered the true ratio, how often it claimed a difference (for A/A all of
 * them are false; otherwise a claim in the wrong direction is counted as false), and the
 * median width hi/lo of the interval. */
#include "verdict.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SD_VM 0.15
#define SD_WITHIN 0.08
#define MAX_UNITS 64

static uint64_t rng_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Standard normal, Box-Muller (the second value thrown away: simpler, still exact). */
static double gauss(void)
{
	double u1 = ((double)(splitmix64() >> 11) + 0.5) / 9007199254740992.0;
	double u2 = (double)(splitmix64() >> 11) / 9007199254740992.0;

	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

struct layout {
	const char *name;
	size_t vms[2], per;
	bool pooled;
};

struct tally {
	size_t reps, tested, covered, claims, wrong;
	double *width;
};

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One side: per-VM medians into med, all samples into all. */
static void draw_side(const struct layout *l, int side, double mu, double *med, double *all)
{
	double vm[MAX_UNITS];

	for (size_t i = 0; i < l->vms[side]; i++) {
		double level = mu * exp(SD_VM * gauss());

		for (size_t j = 0; j < l->per; j++)
			vm[j] = all[i * l->per + j] = level * exp(SD_WITHIN * gauss());
		med[i] = median_of(vm, l->per);
	}
}

static void one_rep(const struct layout *l, double ratio, struct tally *t)
{
	double med[2][MAX_UNITS], all[2][MAX_UNITS * 32];
	struct verdict v;

	draw_side(l, 0, 1000, med[0], all[0]);
	draw_side(l, 1, 1000 * ratio, med[1], all[1]);
	if (l->pooled)
		verdict_pooled(all[0], l->vms[0] * l->per, all[1], l->vms[1] * l->per, &v);
	else
		verdict_vms(med[0], l->vms[0], med[1], l->vms[1], &v);
	t->reps++;
	if (v.kind == VERDICT_NOT_TESTED)
		return;
	t->width[t->tested++] = v.ratio_hi / v.ratio_lo;
	t->covered += v.ratio_lo <= ratio && ratio <= v.ratio_hi;
	if (v.kind == VERDICT_NO_DIFFERENCE)
		return;
	t->claims++;
	t->wrong += ratio == 1 || (ratio > 1) != (v.kind == VERDICT_SLOWER);
}

static double pct(size_t a, size_t b)
{
	return b ? 100.0 * (double)a / (double)b : NAN;
}

static void run_case(const char *cname, double ratio, const struct layout *l, size_t reps)
{
	struct tally t = { 0 };
	char units[64];

	t.width = calloc(reps, sizeof(*t.width));
	if (!t.width)
		exit(1);
	for (size_t r = 0; r < reps; r++)
		one_rep(l, ratio, &t);
	if (l->pooled)
		snprintf(units, sizeof(units), "%zu vs %zu samples (%zu VM%s x %zu)",
			 l->vms[0] * l->per, l->vms[1] * l->per, l->vms[0],
			 l->vms[0] == 1 ? "" : "s", l->per);
	else
		snprintf(units, sizeof(units), "%zu vs %zu VMs x %zu", l->vms[0], l->vms[1], l->per);
	double w = t.tested ? median_of(t.width, t.tested) : NAN;

	printf("| %s | %s | %s | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.3f |\n", cname, l->name,
	       units, pct(t.tested, t.reps), pct(t.covered, t.tested), pct(t.claims, t.tested),
	       pct(t.wrong, t.tested), w);
	free(t.width);
}

int main(int argc, char **argv)
{
	size_t reps = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
	static const struct layout layouts[] = {
		{ "per-VM medians", { 5, 5 }, 4, false },
		{ "pooled (--pooled)", { 5, 5 }, 4, true },
		{ "pooled (--pooled)", { 1, 1 }, 20, true },
	};
	static const struct { const char *name; double ratio; } cases[] = {
		{ "A/A", 1 }, { "x1.3", 1.3 }, { "x1/140", 1 / 140.0 },
	};

	if (!reps)
		return 2;
	printf("sim_coverage: %zu replicates per row, seed %llu; VM-to-VM sd(log) %.2f, "
	       "within-VM sd(log) %.2f\n\n", reps, (unsigned long long)seed, SD_VM, SD_WITHIN);
	printf("| case | method | units a side | tested | interval covers true ratio | "
	       "claims a difference | false claims | median hi/lo |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++)
		for (size_t l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++) {
			rng_state = seed * 1000003 + c * 101 + l; /* each row reproducible alone */
			run_case(cases[c].name, cases[c].ratio, &layouts[l], reps);
		}
	return 0;
}
