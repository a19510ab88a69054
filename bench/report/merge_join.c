/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench merge's joining of one run into another (bench/report/merge.c decides
 * which runs join): samples appended with the VM index offset, metric descriptions and
 * placement compared, summaries computed again, the schedule renumbered. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge_join.h"
#include "model.h"
#include "report.h"
#include "result.h"
#include "util.h"

static double num(json_object *o, const char *key, double dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return dflt;
	return json_object_get_double(v);
}

static void set_int(json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)v));
}

static bool is_index(json_object *m)
{
	const char *role = jstr(m, "role", NULL);

	return role && !strcmp(role, "index");
}

/* A run with samples but no index metric: its VMs could not be told apart joined. */
static bool lacks_index(json_object *run)
{
	json_object *metrics;

	if (!json_object_object_get_ex(run, "metrics", &metrics))
		return false;
	json_object_object_foreach(metrics, name, m)
	{
		(void)name;
		if (is_index(m))
			return false;
	}
	return true;
}

/* The VMs (rounds) a run already holds: its rounds, or one past its largest index. */
static double run_vms(json_object *run)
{
	double vms = num(run, "rounds", 0);
	json_object *metrics;

	if (!json_object_object_get_ex(run, "metrics", &metrics))
		return vms;
	json_object_object_foreach(metrics, name, m)
	{
		size_t n;
		double *v;

		(void)name;
		if (!is_index(m))
			continue;
		v = rs_json_samples(m, &n);
		for (size_t i = 0; i < n; i++)
			vms = fmax(vms, v[i] + 1);
		free(v);
	}
	return vms;
}

bool same_keys(json_object *a, json_object *b, const char *const *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!json_object_equal(json_object_object_get(a, keys[i]),
				       json_object_object_get(b, keys[i])))
			return false;
	return true;
}

/* Two metrics' descriptions (unit, role, kind, headline, ...): all but their values. */
static bool same_metric_kind(json_object *a, json_object *b)
{
	json_object *v;

	json_object_object_foreach(a, key, va)
	{
		if (strcmp(key, "samples") && strcmp(key, "summary") &&
		    (!json_object_object_get_ex(b, key, &v) || !json_object_equal(va, v)))
			return false;
	}
	json_object_object_foreach(b, key2, vb)
	{
		(void)vb;
		if (!json_object_object_get_ex(a, key2, NULL))
			return false;
	}
	return true;
}

/* acc.metrics[name] += add.metrics[name] (index values shifted by vm_off), summary
 * again. Both runs must have the same metrics. */
static int join_metrics(json_object *acc, json_object *add, double vm_off, char *err,
			size_t len)
{
	json_object *ma, *mb;

	bool ha = json_object_object_get_ex(acc, "metrics", &ma);
	bool hb = json_object_object_get_ex(add, "metrics", &mb);

	if (ha != hb)
		return msb_fail(err, len, "one has samples, the other none");
	if (!ha)
		return 0; /* both unsupported, for the same reason (status is equal) */
	json_object_object_foreach(ma, only, x)
	{
		(void)x;
		if (!json_object_object_get_ex(mb, only, NULL))
			return msb_fail(err, len, "metric %s is in one only", only);
	}
	json_object_object_foreach(mb, name, from)
	{
		json_object *m = json_object_object_get(ma, name);
		json_object *to = json_object_object_get(m, "samples");
		json_object *samples = json_object_object_get(from, "samples");
		size_t n, total;
		double *v;

		if (!to)
			return msb_fail(err, len, "metric %s is in one only", name);
		if (!same_metric_kind(m, from))
			return msb_fail(err, len, "metric %s is described otherwise (unit, role, "
					"kind or headline)", name);

		n = json_object_array_length(samples);
		for (size_t i = 0; i < n; i++) {
			json_object *x = json_object_array_get_idx(samples, i);

			json_object_array_add(to, is_index(from)
						      ? json_object_new_int64((int64_t)(
							  json_object_get_double(x) + vm_off))
						      : json_object_get(x));
		}
		v = rs_json_samples(m, &total);
		json_object_object_add(m, "summary", result_summary_json(v, total));
		free(v);
	}
	return 0;
}

/* acc.key += add.key for a number both have. */
static void add_number(json_object *acc, json_object *add, const char *key)
{
	set_int(acc, key, num(acc, key, 0) + num(add, key, 0));
}

/* placement: the plan and the CPUs the threads ran on must be the same; the sampled
 * pages (counted over the VMs) add up; it matched only if it matched in both. */
static int join_placement(json_object *acc, json_object *add, char *err, size_t len)
{
	json_object *aa, *ab, *v;

	json_object_object_foreach(add, key, val)
	{
		if (!strcmp(key, "actual") || !strcmp(key, "match") || !strcmp(key, "mismatch"))
			continue;
		if (!json_object_object_get_ex(acc, key, &v) || !json_object_equal(v, val))
			return msb_fail(err, len, "\"placement.%s\" differs", key);
	}
	if (!json_object_object_get_ex(acc, "actual", &aa) ||
	    !json_object_object_get_ex(add, "actual", &ab) ||
	    !json_object_is_type(aa, json_type_object) || !json_object_is_type(ab, json_type_object) ||
	    !json_object_is_type(json_object_object_get(aa, "mem_pages_by_node"), json_type_object) ||
	    !json_object_is_type(json_object_object_get(ab, "mem_pages_by_node"), json_type_object))
		return msb_fail(err, len, "\"placement.actual\" is missing or malformed");
	if (!json_object_equal(json_object_object_get(aa, "vcpu_cpus"),
			       json_object_object_get(ab, "vcpu_cpus")) ||
	    !json_object_equal(json_object_object_get(aa, "ioctl_cpu"),
			       json_object_object_get(ab, "ioctl_cpu")))
		return msb_fail(err, len, "the threads ran on other CPUs (\"placement.actual\")");
	add_number(aa, ab, "pages_sampled");
	add_number(aa, ab, "pages_absent");
	json_object *na = json_object_object_get(aa, "mem_pages_by_node");
	json_object_object_foreach(json_object_object_get(ab, "mem_pages_by_node"), node, cnt)
	{
		(void)cnt;
		add_number(na, json_object_object_get(ab, "mem_pages_by_node"), node);
	}
	if (!json_object_get_boolean(json_object_object_get(add, "match")))
		json_object_object_add(acc, "match", json_object_new_boolean(false));
	if (json_object_is_type(json_object_object_get(acc, "mismatch"), json_type_null) &&
	    json_object_object_get_ex(add, "mismatch", &v) && v)
		json_object_object_add(acc, "mismatch", json_object_get(v));
	return 0;
}

/* Per-run keys joined by rule; every other key must be equal. */
int join_run(json_object *acc, json_object *add, double file_vm_off, char *err,
		    size_t len)
{
	double off = run_vms(acc);
	json_object *v;

	if (lacks_index(acc) || lacks_index(add))
		return msb_fail(err, len, "no per-VM index metric (role \"index\"): joined, "
				"its VMs could not be told apart");

	json_object_object_foreach(add, key, val)
	{
		size_t kl = strlen(key);

		if (!strcmp(key, "metrics") || !strcmp(key, "rounds") ||
		    !strcmp(key, "setup_ns") || !strcmp(key, "peak_rss_bytes"))
			continue;
		if (!strcmp(key, "placement") && json_object_object_get_ex(acc, key, &v)) {
			if (join_placement(v, val, err, len) < 0)
				return -1;
			continue;
		}
		if (kl > 4 && !strcmp(key + kl - 4, "_vms") &&
		    json_object_is_type(val, json_type_array) &&
		    json_object_object_get_ex(acc, key, &v) &&
		    json_object_is_type(v, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(val); i++) {
				json_object *e = NULL;

				if (json_object_deep_copy(json_object_array_get_idx(val, i), &e,
							  NULL) < 0)
					msb_die("out of memory");
				/* "vm" as in the schedule: numbered over the file */
				if (json_object_is_type(e, json_type_object) &&
				    json_object_object_get_ex(e, "vm", NULL))
					set_int(e, "vm", num(e, "vm", 0) + file_vm_off);
				json_object_array_add(v, e);
			}
			continue;
		}
		if (!json_object_object_get_ex(acc, key, &v) || !json_object_equal(v, val))
			return msb_fail(err, len, "\"%s\" differs", key);
	}
	json_object_object_foreach(acc, key2, val2)
	{
		(void)val2;
		if (!json_object_object_get_ex(add, key2, NULL))
			return msb_fail(err, len, "\"%s\" is in one only", key2);
	}
	if (join_metrics(acc, add, off, err, len) < 0)
		return -1;
	set_int(acc, "rounds", num(acc, "rounds", 0) + num(add, "rounds", 0));
	set_int(acc, "setup_ns", fmax(num(acc, "setup_ns", 0), num(add, "setup_ns", 0)));
	if (num(acc, "peak_rss_bytes", -1) >= 0 || num(add, "peak_rss_bytes", -1) >= 0)
		set_int(acc, "peak_rss_bytes", /* null where it was not read */
			fmax(num(acc, "peak_rss_bytes", -1), num(add, "peak_rss_bytes", -1)));
	return 0;
}

/* One past the largest "vm" of a schedule's first n entries (0 without any). */
double schedule_next_vm(json_object *vms, size_t n)
{
	double vm = 0;

	for (size_t i = 0; i < n; i++)
		vm = fmax(vm, num(json_object_array_get_idx(vms, i), "vm", -1) + 1);
	return vm;
}

/* One past the largest "round" among the first n entries of e's variant, size and
 * layout: rounds count per run, as the runs' per-VM index does. */
static double schedule_next_round(json_object *vms, size_t n, json_object *e)
{
	static const char *const keys[] = { "variant", "size", "layout" };
	double round = 0;

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(vms, i);

		if (same_keys(o, e, keys, ARRAY_SIZE(keys)))
			round = fmax(round, num(o, "round", -1) + 1);
	}
	return round;
}

json_object *schedule_vms(json_object *root)
{
	json_object *v = json_object_object_get(json_object_object_get(root, "schedule"), "vms");

	return json_object_is_type(v, json_type_array) ? v : NULL;
}

/* add's schedule after acc's: VMs numbered over the file, rounds per run. */
void join_schedule(json_object *acc, json_object *add)
{
	json_object *va = schedule_vms(acc), *vb = schedule_vms(add);
	size_t n;
	double vm;

	if (!va || !vb)
		return;
	n = json_object_array_length(va);
	vm = schedule_next_vm(va, n);
	for (size_t i = 0; i < json_object_array_length(vb); i++) {
		json_object *e = json_object_array_get_idx(vb, i), *copy = NULL;

		if (json_object_deep_copy(e, &copy, NULL) < 0)
			msb_die("out of memory");
		if (json_object_is_type(copy, json_type_object)) {
			set_int(copy, "vm", num(copy, "vm", 0) + vm);
			set_int(copy, "round", num(copy, "round", 0) + schedule_next_round(va, n, e));
		}
		json_object_array_add(va, copy);
	}
}
