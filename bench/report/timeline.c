/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench timeline FILE.json: the stall scenario's per-interval timelines as CSV,
 * one row per vCPU and interval, time relative to the update's ioctl start (control
 * windows: to the same point of the window, where no update was made), so that
 * scripts/plot.sh timeline draws each vCPU's dip around the shaded ioctl. */
#include "config.h"

#include <stdio.h>

#include "../cmd.h"
#include "model.h"
#include "opts.h"
#include "util.h"

struct timeline_opts {
	uint64_t vm, rep;      /* 0: every VM / the first recorded repetition of each */
	bool all_reps;
};

static double jnum(json_object *o, const char *key, double dflt)
{
	json_object *v;
	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : dflt;
}

/* The time the update was made, in ns from the window's start: the update's ioctl
 * start, or for a control window the same point of its own window (10%). */
static double origin_ns(json_object *w, size_t n, double interval)
{
	json_object *io;
	if (json_object_object_get_ex(w, "ioctl_ns", &io) && json_object_array_length(io) == 2)
		return json_object_get_double(json_object_array_get_idx(io, 0));
	return (double)n * interval / 10;
}

static void window_rows(const char *variant, size_t vm, json_object *w)
{
	json_object *vcpus, *io = NULL;
	double interval = jnum(w, "interval_ns", 0);
	int rep = (int)jnum(w, "rep", 0);
	const char *kind = json_object_get_string(json_object_object_get(w, "window"));
	if (!json_object_object_get_ex(w, "vcpus", &vcpus) || interval <= 0)
		msb_die("timeline: a window without vcpus or interval_ns");
	json_object_object_get_ex(w, "ioctl_ns", &io);
	for (size_t i = 0; i < json_object_array_length(vcpus); i++) {
		json_object *t = json_object_object_get(json_object_array_get_idx(vcpus, i), "touches");
		size_t n = t ? json_object_array_length(t) : 0;
		double t0 = origin_ns(w, n, interval);
		double ie = io ? json_object_get_double(json_object_array_get_idx(io, 1)) - t0 : 0;
		for (size_t k = 0; k < n; k++)
			printf("%s,%zu,%d,%s,%zu,%.3f,%lld,%.3f\n", variant, vm, rep, kind, i,
			       ((double)k * interval - t0) / 1e6,
			       (long long)json_object_get_int64(json_object_array_get_idx(t, k)),
			       ie / 1e6);
	}
}

static void run_rows(const struct rs_run *r, const struct timeline_opts *o)
{
	json_object *vms;
	if (!json_object_object_get_ex(r->obj, "stall_vms", &vms))
		return;
	for (size_t v = 0; v < json_object_array_length(vms); v++) {
		json_object *ws;
		if (o->vm && o->vm != v + 1)
			continue;
		if (!json_object_object_get_ex(json_object_array_get_idx(vms, v), "windows", &ws))
			continue;
		int first = -1;
		for (size_t k = 0; k < json_object_array_length(ws); k++) {
			json_object *w = json_object_array_get_idx(ws, k);
			int rep = (int)jnum(w, "rep", 0);
			if (first < 0)
				first = rep;
			bool want = o->all_reps || (o->rep ? (uint64_t)rep == o->rep - 1 : rep == first);
			if (want)
				window_rows(r->variant ? r->variant : "", v + 1, w);
		}
	}
}

int cmd_timeline(int argc, char **argv)
{
	static const char about[] =
		"The stall scenario's timelines from a result file as CSV: variant, vm, rep, "
		"window (update or control), vcpu, t_ms (interval start, from the update's "
		"ioctl start), touches (in that interval), ioctl_end_ms.";
	struct timeline_opts o = { 0 };
	struct result_set rs = { .allow_incomplete = true };
	char err[1024];
	const struct opt opts[] = {
		{ .name = "vm", .kind = OPT_UINT, .metavar = "N", .min = 1, .dest = &o.vm,
		  .help = "only the N-th VM of each run (default: every VM)" },
		{ .name = "rep", .kind = OPT_UINT, .metavar = "N", .min = 1, .dest = &o.rep,
		  .help = "the N-th repetition (default: each VM's first recorded one)" },
		{ .name = "all-reps", .kind = OPT_FLAG, .dest = &o.all_reps,
		  .help = "every recorded repetition" },
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "timeline [OPTIONS] FILE.json", about);
	if (first >= argc)
		msb_usage_error("timeline", "needs a result file of the stall scenario (FILE.json)");
	if (first + 1 < argc)
		msb_usage_error("timeline", "takes one result file, got %d", argc - first);
	if (rs_load(&rs, argv[first], err, sizeof(err)) < 0)
		msb_usage_error("timeline", "%s", err);
	size_t with = 0;
	for (size_t i = 0; i < rs.files[0].nruns; i++)
		with += json_object_object_get_ex(rs.files[0].runs[i].obj, "stall_vms", NULL);
	if (!with)
		msb_usage_error("timeline", "%s: no run has timelines (\"stall_vms\": run stall)",
				argv[first]);
	printf("variant,vm,rep,window,vcpu,t_ms,touches,ioctl_end_ms\n");
	for (size_t i = 0; i < rs.files[0].nruns; i++)
		run_rows(&rs.files[0].runs[i], &o);
	rs_free(&rs);
	if (fflush(stdout) != 0 || ferror(stdout))
		msb_die("timeline: write error on stdout");
	return 0;
}
