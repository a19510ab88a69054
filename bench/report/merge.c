/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench merge -o OUT IN...: result files of one kind of run, made by several
 * processes (lab jobs split per kernel, variant and round: kernel-ab, patch-ab), joined
 * into one file as if one run had made all their VMs. Runs with the same scenario,
 * variant, params and layout are joined: samples appended in file order, each file's
 * VMs numbered after the ones before it, summaries computed again, rounds added. What
 * cannot be joined honestly (another host, kernel, environment or build; a run key that
 * differs) is refused with one line: a merged file never hides a difference. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd.h"
#include "merge_join.h"
#include "model.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "util.h"

/* Top-level keys that differ from file to file by nature; every other key must be
 * equal in all inputs (host, environment, kvm, topology, tool, pinning, ...). */
static const char *const per_file_keys[] = { "command_line", "start_time", "end_time",
					     "clock_overhead_ns", "schedule", "complete",
					     "incomplete", "runs", "merged_from" };

static bool is_per_file_key(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(per_file_keys); i++)
		if (!strcmp(key, per_file_keys[i]))
			return true;
	return false;
}

/* The clock source an input's timings read (host_state), NULL where not recorded. */
static const char *clocksource_of(json_object *root)
{
	return jstr(root, "host_state.clocksource.value", NULL);
}

/* Host states equal but for the clock source, which each lab boot picks anew (the TSC
 * marked unstable in one boot, not in the next): it changes what a clock read costs,
 * not what KVM does, so it does not stop a merge; merged_from keeps each input's. */
static bool same_host_state(json_object *a, json_object *b)
{
	json_object *ca = NULL, *cb = NULL;
	bool same;

	if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object))
		return json_object_equal(a, b);
	if (json_object_deep_copy(a, &ca, NULL) < 0 || json_object_deep_copy(b, &cb, NULL) < 0)
		msb_die("out of memory");
	json_object_object_del(ca, "clocksource");
	json_object_object_del(cb, "clocksource");
	same = json_object_equal(ca, cb);
	json_object_put(ca);
	json_object_put(cb);
	return same;
}

/* Every shared key of a and b equal, and none only in one of them. */
static int same_file_kind(json_object *a, json_object *b, const char *pa, const char *pb,
			  char *err, size_t len)
{
	json_object *v;

	json_object_object_foreach(a, key, va)
	{
		if (is_per_file_key(key))
			continue;
		if (!json_object_object_get_ex(b, key, &v))
			return msb_fail(err, len, "%s has \"%s\", %s has not", pa, key, pb);
		if (!json_object_equal(va, v) &&
		    !(!strcmp(key, "host_state") && same_host_state(va, v)))
			return msb_fail(err, len, "\"%s\" differs between %s and %s: not runs of "
					"one build on one host and kernel", key, pa, pb);
	}
	json_object_object_foreach(b, key2, vb)
	{
		(void)vb;
		if (!is_per_file_key(key2) && !json_object_object_get_ex(a, key2, &v))
			return msb_fail(err, len, "%s has \"%s\", %s has not", pb, key2, pa);
	}
	return 0;
}

static bool same_run(json_object *a, json_object *b)
{
	static const char *const keys[] = { "scenario", "variant", "params", "layout" };
	json_object *va, *vb;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		bool ha = json_object_object_get_ex(a, keys[i], &va);
		bool hb = json_object_object_get_ex(b, keys[i], &vb);

		if (ha != hb || (ha && !json_object_equal(va, vb)))
			return false;
	}
	return true;
}

/* One line of provenance per input: where it came from and what ran. */
static json_object *provenance(const struct rs_file *f)
{
	static const char *const keys[] = { "command_line", "start_time", "end_time",
					    "clock_overhead_ns", "complete", "incomplete" };
	json_object *o = json_object_new_object(), *v;

	json_object_object_add(o, "path", json_object_new_string(f->path));
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (json_object_object_get_ex(f->root, keys[i], &v))
			json_object_object_add(o, keys[i], json_object_get(v));
	if (clocksource_of(f->root))
		json_object_object_add(o, "clocksource",
				       json_object_new_string(clocksource_of(f->root)));
	return o;
}

/* f's line in "merged_from", or the lines of its own inputs where f is a merge. */
static void add_provenance(json_object *list, const struct rs_file *f)
{
	json_object *own;

	if (!json_object_object_get_ex(f->root, "merged_from", &own) ||
	    !json_object_is_type(own, json_type_array)) {
		json_object_array_add(list, provenance(f));
		return;
	}
	for (size_t i = 0; i < json_object_array_length(own); i++)
		json_object_array_add(list, json_object_get(json_object_array_get_idx(own, i)));
}

static const char *plain(json_object *v)
{
	return v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE)
		 : "none";
}

/* The first key of a's or b's params whose values differ, NULL if none. */
static const char *differing_param(json_object *a, json_object *b)
{
	if (!json_object_is_type(a, json_type_object) || !json_object_is_type(b, json_type_object))
		return json_object_equal(a, b) ? NULL : "params";
	json_object_object_foreach(a, key, v)
		if (!json_object_equal(v, json_object_object_get(b, key)))
			return key;
	json_object_object_foreach(b, key2, v2)
		if (!json_object_object_get_ex(a, key2, NULL))
			return key2;
	return NULL;
}

/* A run kept apart although its scenario, variant, layout and size match a run before
 * it: compare and kinds would meet two such runs, so a note says which parameter keeps
 * them apart (a job run with another --reps, say). Another size is a run of its own by
 * design (--guest-mem A,B), said nothing of. */
static void note_kept_apart(json_object *runs, json_object *add, const char *path, size_t i,
			    json_object *notes)
{
	static const char *const keys[] = { "scenario", "variant", "layout" };
	json_object *pa = json_object_object_get(add, "params");

	for (size_t k = 0; k < json_object_array_length(runs); k++) {
		json_object *r = json_object_array_get_idx(runs, k);
		json_object *pr = json_object_object_get(r, "params");
		static const char *const size[] = { "guest_mem" };
		const char *key;
		char line[512];

		if (!same_keys(r, add, keys, ARRAY_SIZE(keys)) ||
		    !same_keys(pa, pr, size, ARRAY_SIZE(size)) || !(key = differing_param(pa, pr)))
			continue;
		snprintf(line, sizeof(line), "%s: run %zu (%s) has %s %s, the one before it %s: "
			 "kept as a run of its own, not joined", path, i + 1,
			 jstr(add, "scenario", "?"), key,
			 plain(json_object_object_get(pa, key)),
			 plain(json_object_object_get(pr, key)));
		json_object_array_add(notes, json_object_new_string(line));
		return;
	}
}

/* f's runs and schedule into acc (a deep copy of the first file). */
static int join_file(json_object *acc, const struct rs_file *f, json_object *notes, char *err,
		     size_t len)
{
	json_object *runs = json_object_object_get(acc, "runs"), *v;
	const char *start = jstr(f->root, "start_time", NULL);
	const char *end = jstr(f->root, "end_time", NULL);
	json_object *sched = schedule_vms(acc);
	double file_vm_off = sched ? schedule_next_vm(sched, json_object_array_length(sched)) : 0;

	for (size_t i = 0; i < f->nruns; i++) {
		json_object *add = f->runs[i].obj, *into = NULL, *copy = NULL;

		for (size_t k = 0; k < json_object_array_length(runs) && !into; k++)
			if (same_run(json_object_array_get_idx(runs, k), add))
				into = json_object_array_get_idx(runs, k);
		if (into) {
			char why[256];

			if (join_run(into, add, file_vm_off, why, sizeof(why)) < 0)
				return msb_fail(err, len, "%s: run %zu (%s %s) cannot be joined: %s",
						f->path, i + 1, f->runs[i].scenario,
						f->runs[i].variant ? f->runs[i].variant : "?", why);
			continue;
		}
		note_kept_apart(runs, add, f->path, i, notes);
		if (json_object_deep_copy(add, &copy, NULL) < 0)
			msb_die("out of memory");
		json_object_array_add(runs, copy);
	}
	join_schedule(acc, f->root);
	const char *acc_start = jstr(acc, "start_time", NULL), *acc_end = jstr(acc, "end_time", NULL);

	if (start && acc_start && strcmp(start, acc_start) < 0)
		json_object_object_add(acc, "start_time", json_object_new_string(start));
	if (end && acc_end && strcmp(end, acc_end) > 0)
		json_object_object_add(acc, "end_time", json_object_new_string(end));
	if (json_object_object_get_ex(f->root, "complete", &v) && !json_object_get_boolean(v))
		json_object_object_add(acc, "complete", json_object_new_boolean(false));
	/* the first interruption's reason; every input's is in merged_from */
	if (!json_object_object_get_ex(acc, "incomplete", NULL) &&
	    json_object_object_get_ex(f->root, "incomplete", &v))
		json_object_object_add(acc, "incomplete", json_object_get(v));
	add_provenance(json_object_object_get(acc, "merged_from"), f);
	return 0;
}

/* The same run twice (a job file and a merge that holds it): its VMs would count twice. */
static int check_no_repeat(json_object *list, char *err, size_t len)
{
	static const char *const keys[] = { "command_line", "start_time", "end_time" };
	size_t n = json_object_array_length(list);

	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i; k++) {
			json_object *a = json_object_array_get_idx(list, i);
			json_object *b = json_object_array_get_idx(list, k);

			if (same_keys(a, b, keys, ARRAY_SIZE(keys)))
				return msb_fail(err, len, "%s and %s hold the same run (started %s): "
						"its VMs would count twice",
						jstr(b, "path", NULL), jstr(a, "path", NULL),
						jstr(a, "start_time", NULL));
		}
	return 0;
}

/* Inputs on different clock sources: the merged host_state says "mixed" (each input's
 * is in merged_from), and a note says so. */
static void mark_mixed_clocks(json_object *acc, json_object *notes)
{
	json_object *list = json_object_object_get(acc, "merged_from");
	json_object *cs = json_object_object_get(json_object_object_get(acc, "host_state"),
						 "clocksource");
	const char *first = NULL;
	char line[256];

	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *c = jstr(json_object_array_get_idx(list, i), "clocksource", NULL);

		if (!c || (first && !strcmp(c, first)))
			continue;
		if (!first) {
			first = c;
			continue;
		}
		snprintf(line, sizeof(line), "the inputs ran on different clock sources (%s, %s, "
			 "...): joined; each input's is in merged_from", first, c);
		json_object_array_add(notes, json_object_new_string(line));
		if (json_object_is_type(cs, json_type_object))
			json_object_object_add(cs, "value", json_object_new_string("mixed"));
		return;
	}
}

/* The merged document: the first file, then every other joined in order; what was
 * joined with a caveat goes to notes (lines for stderr once the file is written). */
static json_object *merge_files(const struct result_set *rs, json_object *notes, char *err,
				size_t len)
{
	json_object *acc = NULL;

	for (size_t i = 1; i < rs->nfiles; i++)
		if (same_file_kind(rs->files[0].root, rs->files[i].root, rs->files[0].path,
				   rs->files[i].path, err, len) < 0)
			return NULL;
	if (json_object_deep_copy(rs->files[0].root, &acc, NULL) < 0)
		msb_die("out of memory");
	/* A merged input's own provenance carries over. */
	json_object_object_add(acc, "merged_from", json_object_new_array());
	add_provenance(json_object_object_get(acc, "merged_from"), &rs->files[0]);
	for (size_t i = 1; i < rs->nfiles; i++)
		if (join_file(acc, &rs->files[i], notes, err, len) < 0) {
			json_object_put(acc);
			return NULL;
		}
	if (check_no_repeat(json_object_object_get(acc, "merged_from"), err, len) < 0) {
		json_object_put(acc);
		return NULL;
	}
	mark_mixed_clocks(acc, notes);
	return acc;
}

static const char about[] =
	"Join result files of one kind of run (the same memslot-bench build, host,\n"
	"environment and kernel; lab jobs split per kernel, variant and round) into\n"
	"OUT as if one run had made all their VMs: runs with the same scenario,\n"
	"variant, params and layout are joined (samples appended in file order, each\n"
	"file's VMs numbered after the ones before, summaries computed again, rounds\n"
	"added); runs that differ in any of these (another --guest-mem or --reps) stay\n"
	"runs of their own (a line on stderr where a run of the same scenario,\n"
	"variant, layout and size differs in another parameter). \"merged_from\" keeps\n"
	"each input's path, command line, times, completeness and clock source;\n"
	"\"command_line\" is this merge's. A file of another host, kernel, KVM build,\n"
	"environment or memslot-bench, the same run twice, a run without a per-VM\n"
	"index, or a run key that differs is refused; inputs that differ only in the\n"
	"clock source are joined (host_state's clocksource says \"mixed\").\n"
	"Exit status: 0 written, 2 bad usage or input (one line on stderr).";

int cmd_merge(int argc, char **argv)
{
	struct result_set rs = { 0 };
	struct {
		const char *out;
		bool force;
	} o = { 0 };
	char err[1024];
	const struct opt opts[] = {
		{ .name = "out", .short_name = 'o', .kind = OPT_STRING, .metavar = "FILE",
		  .help = "the merged result file (required; an existing FILE only with "
			  "--force)", .dest = &o.out },
		{ .name = "force", .short_name = 'f', .kind = OPT_FLAG, .dest = &o.force,
		  .help = "overwrite an existing --out FILE" },
		RS_ALLOW_INCOMPLETE_OPT(&rs.allow_incomplete),
	};
	int first = cmd_parse_opts(argc, argv, opts, ARRAY_SIZE(opts),
				   "merge [OPTIONS] -o OUT.json IN.json IN.json...", about);

	if (!o.out)
		msb_usage_error("merge", "needs -o OUT.json");
	if (argc - first < 2)
		msb_usage_error("merge", "needs two or more result files to join, got %d",
				argc - first);
	if (result_check_path(o.out, o.force, err, sizeof(err)) < 0)
		msb_usage_error("merge", "%s", err);
	for (int i = first; i < argc; i++) {
		for (int k = first; k < i; k++)
			if (!strcmp(argv[i], argv[k]))
				msb_usage_error("merge", "%s is given twice: its VMs would count "
						"twice", argv[i]);
		if (rs_load(&rs, argv[i], err, sizeof(err)) < 0)
			msb_usage_error("merge", "%s", err);
	}
	json_object *notes = json_object_new_array();
	json_object *merged = merge_files(&rs, notes, err, sizeof(err));

	if (!merged)
		msb_usage_error("merge", "%s", err);
	/* What made this file; each input's own command line is in merged_from. */
	json_object *cl = json_object_new_array();
	for (int i = 0; i < argc; i++)
		json_object_array_add(cl, json_object_new_string(argv[i]));
	json_object_object_add(merged, "command_line", cl);
	if (json_write_file(merged, o.out, o.force, err, sizeof(err)) < 0)
		msb_usage_error("merge", "%s", err);
	/* after the write: a refusal stays one line */
	for (size_t i = 0; i < json_object_array_length(notes); i++)
		fprintf(stderr, "merge: %s\n",
			json_object_get_string(json_object_array_get_idx(notes, i)));
	json_object_put(notes);
	json_object_put(merged);
	rs_free(&rs);
	return 0;
}
