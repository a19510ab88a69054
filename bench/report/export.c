/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench export FILE.json: the samples of a saved result file back out, as
 * plain values (one per line, nothing else: ministat and gnuplot read them) or as CSV
 * with the run, scenario, variant, params, VM and metric of every value. Runs and
 * metrics come from the result model (model.h): the default metric is each run's
 * primary, the VM is the run's index metric. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "format.h"
#include "model.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "util.h"

struct export_opts {
	const char *metric;  /* NULL: each run's primary */
	const char *variant; /* NULL: every variant */
	uint64_t run;        /* 0: every run; else the 1-based run index */
	int format;
};

/* The metric to export from r, or NULL (with why in err) when it has none. */
static const struct rs_metric *pick_metric(const struct rs_run *r, const char *name,
					   char *err, size_t len)
{
	const struct rs_metric *m = name ? rs_metric(r, name) : rs_primary(r);

	if (r->reason)
		msb_fail(err, len, "unsupported: %s", r->reason);
	else if (!m && name)
		msb_fail(err, len, "no metric '%s'", name);
	else if (!m)
		msb_fail(err, len, "no primary metric");
	else if (m->n == 0)
		msb_fail(err, len, "no samples of %s", m->name);
	return r->reason || !m || m->n == 0 ? NULL : m;
}

static bool selected(const struct export_opts *o, const struct rs_run *r, size_t idx)
{
	if (o->run && o->run != idx + 1)
		return false;
	return !o->variant || (r->variant && !strcmp(r->variant, o->variant));
}

/* "guest_mem=1G slots=2 ..." from the run's params, in file order. */
static void params_summary(const struct rs_run *r, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (!r->params || !json_object_is_type(r->params, json_type_object))
		return;
	json_object_object_foreach(r->params, key, v)
	{
		char val[128];
		int w;

		fmt_param(key, v, val, sizeof(val));
		w = snprintf(buf + used, len - used, "%s%s=%s", used ? " " : "", key, val);
		if (w < 0 || (size_t)w >= len - used)
			return;
		used += (size_t)w;
	}
}

static void print_value(FILE *f, double v, const char *end)
{
	char num[40];

	format_double(v, num, sizeof(num));
	fprintf(f, "%s%s", num, end);
}

static void csv_rows(FILE *f, const struct rs_run *r, size_t idx, const struct rs_metric *m)
{
	char params[1024];
	const struct rs_metric *vm = r->index && r->index->n == m->n ? r->index : NULL;

	params_summary(r, params, sizeof(params));
	for (size_t i = 0; i < m->n; i++) {
		fprintf(f, "%zu,", idx + 1);
		csv_str(f, r->scenario ? r->scenario : "");
		csv_str(f, r->variant ? r->variant : "");
		csv_str(f, params);
		if (vm)
			print_value(f, vm->samples[i], ",");
		else
			fputs(",", f);
		csv_str(f, m->name);
		print_value(f, m->samples[i], "\n");
	}
}

/* Raw: exactly one run must be chosen, or the values of different runs would mix. */
static void export_raw(const struct rs_file *file, const struct export_opts *o)
{
	char err[512];
	size_t pick = 0, count = 0;

	for (size_t i = 0; i < file->nruns; i++)
		if (selected(o, &file->runs[i], i) && count++ == 0)
			pick = i;
	if (count == 0)
		msb_usage_error("export", "%s: no run matches (the file has %zu; see --format csv)",
				file->path, file->nruns);
	if (count > 1)
		msb_usage_error("export",
				"%s: %zu runs match; raw output takes one: choose with --variant or "
				"--run N (--format csv lists them)",
				file->path, count);
	const struct rs_run *r = &file->runs[pick];
	const struct rs_metric *m = pick_metric(r, o->metric, err, sizeof(err));

	if (!m)
		msb_usage_error("export", "%s: run %zu (%s): %s", file->path, pick + 1,
				r->variant ? r->variant : "?", err);
	for (size_t i = 0; i < m->n; i++)
		print_value(stdout, m->samples[i], "\n");
}

/* CSV: every chosen run that has the metric; an error only when none has. */
static void export_csv(const struct rs_file *file, const struct export_opts *o)
{
	char err[512] = "no run matches";
	size_t rows = 0;

	for (size_t i = 0; i < file->nruns; i++) {
		const struct rs_run *r = &file->runs[i];
		const struct rs_metric *m;

		if (!selected(o, r, i) || !(m = pick_metric(r, o->metric, err, sizeof(err))))
			continue;
		if (rows++ == 0)
			fputs("run,scenario,variant,params,vm,metric,value\n", stdout);
		csv_rows(stdout, r, i, m);
	}
	if (!rows)
		msb_usage_error("export", "%s: nothing to export: %s", file->path, err);
}

static const char about[] =
	"Print the samples of a saved result file (run --json FILE). raw: one value per\n"
	"line and nothing else (ministat, gnuplot), from one run: pick it with --variant\n"
	"or --run when the file has several. csv: a header, then run,scenario,variant,\n"
	"params,vm,metric,value per sample. Values are in the metric's unit (ns for\n"
	"latencies). Exit status: 0 done, 2 bad usage or input (one line on stderr).";

int cmd_export(int argc, char **argv)
{
	struct export_opts o = { .format = REPORT_RAW };
	struct result_set rs = { .allow_incomplete = true }; /* its samples, as far as they go */
	char err[1024];
	const struct opt opts[] = {
		{ .name = "metric", .short_name = 'M', .kind = OPT_STRING, .metavar = "NAME",
		  .help = "metric to export (default: each run's primary latency)",
		  .dest = &o.metric },
		{ .name = "variant", .kind = OPT_STRING, .metavar = "NAME",
		  .help = "only runs of this variant (zap-all, zap-slot)", .dest = &o.variant },
		{ .name = "run", .kind = OPT_UINT, .metavar = "N", .min = 1,
		  .help = "only the N-th run of the file (the csv run column)", .dest = &o.run },
		FORMAT_OPT(&o.format, "raw: values only; csv: with run, params, VM and metric",
			   "raw", FORMAT_RAW, FORMAT_CSV),
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "export [OPTIONS] FILE.json", about);

	if (first >= argc)
		msb_usage_error("export", "needs a result file (FILE.json)");
	if (first + 1 < argc)
		msb_usage_error("export", "takes one result file, got %d", argc - first);
	if (rs_load(&rs, argv[first], err, sizeof(err)) < 0)
		msb_usage_error("export", "%s", err);
	if (o.format == REPORT_RAW)
		export_raw(&rs.files[0], &o);
	else
		export_csv(&rs.files[0], &o);
	rs_free(&rs);
	if (fflush(stdout) != 0 || ferror(stdout))
		msb_die("export: write error on stdout");
	return 0;
}
