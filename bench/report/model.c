/* SPDX-License-Identifier: GPL-2.0 */
/* The report commands' model of a result set: see model.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report.h"
#include "result.h"
#include "util.h"

int rs_role(const char *name)
{
	for (int i = 0; i < NR_ROLES; i++)
		if (!strcmp(metric_role_names[i], name))
			return i;
	return -1;
}

double *rs_json_samples(json_object *m, size_t *n)
{
	json_object *a = jget(m, "samples");
	double *v;

	*n = a ? json_object_array_length(a) : 0;
	v = msb_calloc(*n ? *n : 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = json_object_get_double(json_object_array_get_idx(a, i));
	return v;
}

/* 0, or -1 with the problem in err. */
static int load_metric(struct rs_metric *m, const char *name, json_object *o, size_t ri,
		       char *err, size_t len)
{
	json_object *hl = jget(o, "headline");
	const char *role = jstr(o, "role", "");
	int r = rs_role(role);

	if (r < 0)
		return msb_fail(err, len, "runs[%zu].metrics.%s.role '%s' is not latency, count, "
				"gauge or index", ri, name, role);
	m->name = name;
	m->unit = jstr(o, "unit", "");
	m->role = (enum metric_role)r;
	m->kind = jstr(o, "kind", NULL);
	m->desc = jstr(o, "desc", NULL);
	m->headline = hl && json_object_get_boolean(hl);
	m->samples = rs_json_samples(o, &m->n);
	return 0;
}

/* The run's metrics, its primary marked and its index found: 0, or -1 with err. */
static int load_metrics(struct rs_run *r, size_t ri, char *err, size_t len)
{
	json_object *ms = jget(r->obj, "metrics");

	if (r->reason || !ms)
		return 0;
	r->metrics = msb_calloc((size_t)json_object_object_length(ms) + 1, sizeof(*r->metrics));
	json_object_object_foreach(ms, name, o) {
		struct rs_metric *m = &r->metrics[r->nmetrics];

		if (load_metric(m, name, o, ri, err, len) < 0)
			return -1;
		r->nmetrics++;
		m->primary = r->primary && !strcmp(r->primary, name);
		m->headline |= m->primary;
		if (m->role == ROLE_INDEX && r->index)
			return msb_fail(err, len, "runs[%zu]: two index metrics, %s and %s", ri,
					r->index->name, name);
		if (m->role == ROLE_INDEX)
			r->index = m;
	}
	if (r->primary && !rs_primary(r))
		return msb_fail(err, len, "runs[%zu].primary '%s' is not one of its latencies", ri,
				r->primary);
	return 0;
}

static int load_run(struct rs_run *r, const struct rs_file *f, size_t ri, char *err,
		    size_t len)
{
	r->file = f;
	r->obj = json_object_array_get_idx(jget(f->root, "runs"), ri);
	r->scenario = jstr(r->obj, "scenario", "?");
	r->variant = jstr(r->obj, "variant", "?");
	r->params = jget(r->obj, "params");
	r->layout = jget(r->obj, "layout");
	if (!strcmp(jstr(r->obj, "status", ""), "unsupported"))
		r->reason = jstr(r->obj, "reason", "unsupported");
	r->primary = jstr(r->obj, "primary", NULL);
	r->scale = jstr(r->obj, "scale", NULL);
	return load_metrics(r, ri, err, len);
}

static void file_free(struct rs_file *f)
{
	for (size_t i = 0; i < f->nruns; i++) {
		for (size_t j = 0; j < f->runs[i].nmetrics; j++)
			free(f->runs[i].metrics[j].samples);
		free(f->runs[i].metrics);
	}
	free(f->runs);
	json_object_put(f->root);
}

void rs_keep_runs(struct rs_file *f, bool (*keep)(const struct rs_run *, const void *),
		  const void *arg)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nruns; i++) {
		struct rs_run r = f->runs[i];
		if (keep(&r, arg)) {
			f->runs[n++] = r;
			continue;
		}
		for (size_t j = 0; j < r.nmetrics; j++)
			free(r.metrics[j].samples);
		free(r.metrics);
	}
	f->nruns = n;
}

/* An interrupted run's file ("complete": false): refused, or taken with a note. */
static int check_complete(const struct result_set *s, struct rs_file *f, char *err,
			  size_t len)
{
	json_object *c = jget(f->root, "complete");

	if (!c || json_object_get_boolean(c))
		return 0;
	const char *why = jstr(f->root, "incomplete.reason", "interrupted"),
		   *at = jstr(f->root, "incomplete.stopped_at", "an unknown point");
	if (s->allow_incomplete) {
		fprintf(stderr, "memslot-bench: note: %s is incomplete (%s at %s): its runs have "
			"the samples gathered before that\n", f->path, why, at);
		return 0;
	}
	msb_fail(err, len, "%s: incomplete result (%s at %s); --allow-incomplete takes it",
		 f->path, why, at);
	json_object_put(f->root);
	return -1;
}

int rs_load(struct result_set *s, const char *path, char *err, size_t len)
{
	struct rs_file f = { .path = path };
	char msg[512];

	if (result_read(path, &f.root, err, len) < 0)
		return -1;
	if (check_complete(s, &f, err, len) < 0)
		return -1;
	rs_upgrade(f.root);
	f.nruns = json_object_array_length(jget(f.root, "runs"));
	f.runs = msb_calloc(f.nruns + 1, sizeof(*f.runs));
	s->files = msb_realloc(s->files, s->nfiles + 1, sizeof(*s->files));
	for (size_t i = 0; i < s->nfiles; i++) /* the array may have moved */
		for (size_t j = 0; j < s->files[i].nruns; j++)
			s->files[i].runs[j].file = &s->files[i];
	/* Runs point at their file: load them where the file will stay. */
	struct rs_file *at = &s->files[s->nfiles];
	*at = f;
	for (size_t i = 0; i < at->nruns; i++)
		if (load_run(&at->runs[i], at, i, msg, sizeof(msg)) < 0) {
			at->nruns = i + 1;
			file_free(at);
			return msb_fail(err, len, "%s: %s", path, msg);
		}
	s->nfiles++;
	return 0;
}

void rs_free(struct result_set *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		file_free(&s->files[i]);
	free(s->files);
	s->files = NULL;
	s->nfiles = 0;
}

const struct rs_metric *rs_metric(const struct rs_run *r, const char *name)
{
	for (size_t i = 0; name && i < r->nmetrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

const struct rs_metric *rs_primary(const struct rs_run *r)
{
	const struct rs_metric *m = rs_metric(r, r->primary);

	return m && m->role == ROLE_LATENCY ? m : NULL;
}

int rs_summary(const struct rs_metric *m, struct summary *s)
{
	return m && m->n ? summarize(m->samples, m->n, s) : -1;
}

double *rs_sorted(const struct rs_metric *m, double scale, size_t *n)
{
	*n = 0;
	if (!m || !m->n)
		return NULL;
	double *v = msb_calloc(m->n, sizeof(*v));
	for (size_t i = 0; i < m->n; i++)
		v[i] = m->samples[i] * scale;
	qsort(v, m->n, sizeof(*v), cmp_double);
	*n = m->n;
	return v;
}

double *rs_vm_medians(const struct rs_run *r, const struct rs_metric *m, size_t *k)
{
	const struct rs_metric *ix = r->index;
	size_t n = m ? m->n : 0;

	*k = 0;
	if (!ix || !n || ix->n != n)
		return NULL;
	double *buf = msb_calloc(n, sizeof(*buf)), *med = msb_calloc(n, sizeof(*med));
	for (double want = 0; want <= (double)n; want++) {
		size_t nb = 0;
		struct summary sum;

		for (size_t i = 0; i < n; i++)
			if (ix->samples[i] == want)
				buf[nb++] = m->samples[i];
		if (nb && summarize(buf, nb, &sum) == 0)
			med[(*k)++] = sum.median;
	}
	free(buf);
	return med;
}
