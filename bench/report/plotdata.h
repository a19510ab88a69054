/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench plotdata, inside: runs grouped for plots (plotdata.c) and the plots
 * (plot_scaling.c, plot_dist.c). */
#ifndef MSB_REPORT_PLOTDATA_H
#define MSB_REPORT_PLOTDATA_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

struct pfile {
	const struct rs_file *f;
	char label[128];  /* legend label when several files share a plot */
	char release[96]; /* host.release */
	char env[192];    /* "lab TCG (emulated), shadow MMU" */
};

struct prun {
	size_t file;
	const struct rs_run *run;
	uint64_t mem;     /* guest_mem */
};

struct group {
	char *key;
	const char *scenario;
	const char *primary; /* the runs' primary latency, or NULL */
	char desc[192];   /* "target unrelated, 4K pages, 1 slot, 1 vCPU idle" */
	char name[96];    /* output base name: "delete-unrelated" */
	struct prun *runs;
	size_t n;
};

struct plot {
	const char *datadir;
	FILE *manifest;
	struct result_set rs;
	struct pfile *files;
	size_t nfiles;
	struct group *groups;
	size_t ngroups;
};

extern const char *const plot_colours[8];
extern const int plot_points[6];

FILE *plot_open(const struct plot *p, const char *name, const char *ext);
void plot_close(const struct plot *p, FILE *f);
void gp_str(FILE *f, const char *s);
void add_unique(const char **list, size_t *n, const char *s);
void write_title(const struct plot *p, FILE *gp, const struct group *g, const char *what);
bool several_files(const struct group *g);
bool in_group(const struct group *g, size_t fi);
size_t variant_index(const struct group *g, const char *variant);
size_t file_rank(const struct group *g, size_t fi);
void log_tics(FILE *gp, const char *axis, double lo, double hi);
/* "memslot DELETE": the change the group's primary times, else its scenario. */
void op_name(const struct group *g, char *buf, size_t len);

void emit_scaling(const struct plot *p, const struct group *g);
/* Runs with timelines (stall): touches per interval around one update, per variant. */
void emit_timeline(const struct plot *p, const struct group *g);
void emit_dist(const struct plot *p, const struct group *g, const char *metric,
	       const char *suffix, const char *what, const char *ylabel);

#endif
