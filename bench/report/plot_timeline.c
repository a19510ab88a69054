/* SPDX-License-Identifier: GPL-2.0 */
/* The stall timeline: for runs that recorded timelines ("stall_vms"), each vCPU's
 * touches per interval around the update, one panel per variant (zap-all above
 * zap-slot), the ioctl shaded, the control window of the same repetition in grey. The
 * first file's first VM and its first recorded repetition: one typical update, shown
 * whole rather than averaged away. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plotdata.h"
#include "util.h"

#define TL_MAX_PANELS 2

/* The first recorded update and control windows of a run's first VM. */
static bool first_windows(const struct rs_run *r, json_object **upd, json_object **ctl)
{
	json_object *vms, *ws;
	*upd = *ctl = NULL;
	if (!json_object_object_get_ex(r->obj, "stall_vms", &vms) ||
	    !json_object_array_length(vms) ||
	    !json_object_object_get_ex(json_object_array_get_idx(vms, 0), "windows", &ws))
		return false;
	for (size_t k = 0; k < json_object_array_length(ws) && !(*upd && *ctl); k++) {
		json_object *w = json_object_array_get_idx(ws, k);
		const char *kind = json_object_get_string(json_object_object_get(w, "window"));
		json_object **slot = kind && !strcmp(kind, "update") ? upd : ctl;
		if (!*slot)
			*slot = w;
	}
	return *upd && *ctl;
}

static double wnum(json_object *w, const char *key)
{
	json_object *v;
	return json_object_object_get_ex(w, key, &v) ? json_object_get_double(v) : NAN;
}

/* One block: t_ms from t0 and a column per vCPU. Returns the vCPUs written. */
static size_t write_block(FILE *dat, json_object *w, double t0_ns)
{
	json_object *vcpus = json_object_object_get(w, "vcpus");
	size_t nv = vcpus ? json_object_array_length(vcpus) : 0, n = SIZE_MAX;
	double interval = wnum(w, "interval_ns");
	for (size_t i = 0; i < nv; i++) {
		json_object *t = json_object_object_get(json_object_array_get_idx(vcpus, i), "touches");
		size_t ni = t ? json_object_array_length(t) : 0;
		n = ni < n ? ni : n;
	}
	for (size_t k = 0; nv && k < n; k++) {
		fprintf(dat, "%.3f", ((double)k * interval - t0_ns) / 1e6);
		for (size_t i = 0; i < nv; i++) {
			json_object *t = json_object_object_get(json_object_array_get_idx(vcpus, i),
								"touches");
			fprintf(dat, " %lld", (long long)json_object_get_int64(
				json_object_array_get_idx(t, k)));
		}
		fputc('\n', dat);
	}
	fputs("\n\n", dat);
	return nv;
}

/* The latest recovery of the window's vCPUs, ns (0 when none was recorded). */
static double latest_recovery(json_object *w)
{
	json_object *vcpus = json_object_object_get(w, "vcpus");
	double latest = 0;
	for (size_t i = 0; vcpus && i < json_object_array_length(vcpus); i++) {
		double r = wnum(json_object_array_get_idx(vcpus, i), "recovery_ns");
		latest = r > latest ? r : latest;
	}
	return latest;
}

/* Panel i: its update block 2i and control block 2i + 1, the ioctl's end, the title. */
static double write_panel(FILE *dat, FILE *gp, const struct rs_run *r, size_t i,
			  json_object *upd, json_object *ctl, size_t *nv)
{
	json_object *io = json_object_object_get(upd, "ioctl_ns");
	double s = json_object_get_double(json_object_array_get_idx(io, 0));
	double e = json_object_get_double(json_object_array_get_idx(io, 1));
	size_t n = json_object_array_length(json_object_object_get(
		json_object_array_get_idx(json_object_object_get(ctl, "vcpus"), 0), "touches"));
	*nv = write_block(dat, upd, s);
	write_block(dat, ctl, (double)n * wnum(ctl, "interval_ns") / 10);
	fprintf(gp, "msb_ioctl_end_%zu = %.6f\n", i, (e - s) / 1e6);
	fprintf(gp, "msb_panel_%zu = ", i);
	gp_str(gp, r->variant ? r->variant : "?");
	fputc('\n', gp);
	return latest_recovery(upd);
}

void emit_timeline(const struct plot *p, const struct group *g)
{
	json_object *upd[TL_MAX_PANELS], *ctl[TL_MAX_PANELS];
	const struct rs_run *runs[TL_MAX_PANELS];
	size_t np = 0, nv = 0;
	for (size_t i = 0; i < g->n && np < TL_MAX_PANELS; i++)
		if (g->runs[i].file == g->runs[0].file &&
		    first_windows(g->runs[i].run, &upd[np], &ctl[np]))
			runs[np++] = g->runs[i].run;
	if (!np)
		return;
	char name[160];
	snprintf(name, sizeof(name), "%.95s-timeline", g->name);
	FILE *dat = plot_open(p, name, "dat"), *gp = plot_open(p, name, "gp");
	double xmax = 0, interval = wnum(upd[0], "interval_ns");
	for (size_t i = 0; i < np; i++) {
		double r = write_panel(dat, gp, runs[i], i, upd[i], ctl[i], &nv);
		xmax = r > xmax ? r : xmax;
	}
	plot_close(p, dat);
	/* from a little before the update to well past the latest recovery */
	fprintf(gp, "msb_panels = %zu\nmsb_vcpus = %zu\nmsb_xmin = %.3f\nmsb_xmax = %.3f\n", np, nv,
		-20 * interval / 1e6, fmax(xmax * 1.3, 60 * interval) / 1e6);
	fprintf(gp, "msb_ylabel = \"touches per %.3g ms interval\"\narray C_TL[8] = [", interval / 1e6);
	for (size_t i = 0; i < 8; i++)
		fprintf(gp, "%s\"%s\"", i ? ", " : "", plot_colours[i]);
	fputs("]\n", gp);
	write_title(p, gp, g, "what the running vCPUs did around one update");
	plot_close(p, gp);
	fprintf(p->manifest, "timeline.gp\t%s\n", name);
}
