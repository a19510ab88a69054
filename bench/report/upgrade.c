/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench/1 files upgraded on read to memslot-bench/2: every run gains its
 * primary and scale, every metric its role, kind, description and headline, from the
 * scenario descriptors (bench/scenarios/), looked up by the run's scenario name. A
 * metric no descriptor knows gets its role from its unit and no kind. Schema 2 files
 * gain the params of options added since they were written. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "model.h"
#include "opts.h"
#include "report.h"
#include "result.h"
#include "run.h"

static void add_str(json_object *o, const char *key, const char *val)
{
	if (val)
		json_object_object_add(o, key, json_object_new_string(val));
}

/* What a v1 metric that no descriptor knows is: its unit says. */
static enum metric_role role_of_unit(const char *unit)
{
	if (!strcmp(unit, "ns"))
		return ROLE_LATENCY;
	return !strcmp(unit, "index") ? ROLE_INDEX : ROLE_COUNT;
}

static void upgrade_metric(json_object *m, const char *name, const struct scenario *sc)
{
	const struct metric_def *d = scenario_metric(sc, name);
	bool primary = sc && sc->primary && !strcmp(sc->primary, name);
	enum metric_role role = d ? d->role : role_of_unit(jstr(m, "unit", ""));

	add_str(m, "role", metric_role_names[role]);
	if (d) {
		add_str(m, "kind", d->kind);
		add_str(m, "desc", d->desc);
	}
	if (primary || (d && d->headline))
		json_object_object_add(m, "headline", json_object_new_boolean(true));
}

/* Options added after schema 1 were at their defaults then: write them, so old and new
 * runs of one configuration still match. */
static void add_defaults(json_object *params, const struct opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &opts[i];
		char key[64];
		opt_param_key(o, key, sizeof(key));
		if (jget(params, key))
			continue;
		const char *v = o->legacy ? o->legacy : o->def;
		if (o->kind == OPT_FLAG)
			json_object_object_add(params, key, json_object_new_boolean(false));
		else if (v && (o->kind == OPT_SIZE || o->kind == OPT_UINT || o->kind == OPT_DURATION))
			json_object_object_add(params, key, json_object_new_int64(
				(int64_t)opt_number(o, v)));
		else if (v)
			add_str(params, key, v);
	}
}

static void add_default_params(json_object *run, const struct scenario *sc)
{
	json_object *params = jget(run, "params");
	size_t n;
	const struct opt *guest = run_guest_options(&n);
	if (!params)
		return;
	/* Schema 1's running vCPUs looped over data slot 1, vCPU 0's own working set:
	 * not the running slot of their own that running-set sizes now. */
	if (!strcmp(jstr(params, "vcpu_mode", ""), "running"))
		add_str(params, "running_set", "data slot 1 (schema 1)");
	add_defaults(params, guest, n);
	add_defaults(params, sc->opts, sc->nopts);
}

static void upgrade_run(json_object *run)
{
	const struct scenario *sc = scenario_find(jstr(run, "scenario", ""));
	json_object *metrics = jget(run, "metrics");

	if (sc) {
		add_default_params(run, sc);
		add_str(run, "primary", sc->primary);
		add_str(run, "scale", sc->scale);
	}
	if (!metrics || !json_object_is_type(metrics, json_type_object))
		return;
	json_object_object_foreach(metrics, name, m) {
		/* Only a measured run's metrics are checked to be objects (fuzzed input) */
		if (json_object_is_type(m, json_type_object))
			upgrade_metric(m, name, sc);
	}
}

/* A schema 2 file from before an option existed (--pt-placement, ...) lacks its param:
 * the option's legacy value or default, as for schema 1, so that it matches new runs. */
static void upgrade_v2_params(json_object *runs)
{
	size_t n;
	const struct opt *guest = run_guest_options(&n);

	for (size_t i = 0; i < json_object_array_length(runs); i++) {
		json_object *run = json_object_array_get_idx(runs, i);
		const struct scenario *sc = scenario_find(jstr(run, "scenario", ""));
		json_object *params = jget(run, "params");

		if (!sc || !params || !json_object_is_type(params, json_type_object))
			continue;
		add_defaults(params, guest, n);
		add_defaults(params, sc->opts, sc->nopts);
	}
}

void rs_upgrade(json_object *root)
{
	json_object *runs = jget(root, "runs");

	if (!strcmp(jstr(root, "schema", ""), RESULT_SCHEMA_V2))
		upgrade_v2_params(runs);
	if (strcmp(jstr(root, "schema", ""), RESULT_SCHEMA_V1))
		return;
	for (size_t i = 0; i < json_object_array_length(runs); i++)
		upgrade_run(json_object_array_get_idx(runs, i));
	json_object_object_add(root, "schema", json_object_new_string(RESULT_SCHEMA_V2));
}
