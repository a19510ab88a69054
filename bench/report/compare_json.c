/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench compare --json FILE / --format json: the comparison as a document other
 * tools read, with the same figures as the tables (every row's from its verdict) and
 * nothing rounded: numbers are doubles, absent figures null. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cmp.h"
#include "report.h"

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* A finite number, or null. */
static json_object *num(bool have, double v)
{
	return have && isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *side_json(const struct mrow *r, int s)
{
	if (!r->have[s])
		return NULL;
	json_object *o = json_object_new_object();
	add(o, "vms", json_object_new_int64((int64_t)r->vms[s]));
	add(o, "samples", json_object_new_int64((int64_t)r->s[s].n));
	add(o, "samples_per_vm_min", json_object_new_int64((int64_t)r->per_vm[s][0]));
	add(o, "samples_per_vm_max", json_object_new_int64((int64_t)r->per_vm[s][1]));
	/* the median compared: of per-VM medians (pooled: of the samples) */
	bool vm = r->compared && !isnan(r->v.median[s]);
	add(o, "median", num(true, vm ? r->v.median[s] : r->s[s].median));
	add(o, "p99", num(true, r->s[s].p99));
	add(o, "max", num(true, r->s[s].max));
	return o;
}

static json_object *verdict_json(const struct mrow *r)
{
	const struct verdict *v = &r->v;
	bool tested = r->compared && v->kind != VERDICT_NOT_TESTED;
	json_object *o = json_object_new_object();

	add(o, "verdict", json_object_new_string(r->compared ? verdict_name(v->kind)
							     : "not tested"));
	add(o, "words", json_object_new_string(r->compared ? verdict_word(v, row_is_time(r))
							   : "not tested"));
	add(o, "units", json_object_new_string(r->compared ? verdict_label(v) : ""));
	add(o, "reason", tested || !r->compared ? NULL : json_object_new_string(v->reason));
	add(o, "ratio", num(r->compared, v->ratio));
	add(o, "ratio_lo", num(tested && v->log_scale, v->ratio_lo));
	add(o, "ratio_hi", num(tested && v->log_scale, v->ratio_hi));
	add(o, "hl_ratio", num(tested && v->log_scale, v->hl_ratio));
	add(o, "shift", num(tested && !v->log_scale, v->shift));
	add(o, "shift_lo", num(tested && !v->log_scale, v->shift_lo));
	add(o, "shift_hi", num(tested && !v->log_scale, v->shift_hi));
	add(o, "level", num(tested, v->level));
	add(o, "level_exact", tested ? json_object_new_boolean(v->exact) : NULL);
	add(o, "level_is_bound", tested ? json_object_new_boolean(v->level_is_bound) : NULL);
	add(o, "gated", json_object_new_boolean(r->gated));
	add(o, "gate_pct", num(r->gated, v->gate_pct));
	add(o, "p_worse", num(r->gated, v->p_worse));
	add(o, "regression", r->gated ? json_object_new_boolean(v->regression) : NULL);
	return o;
}

static json_object *row_json(const struct mrow *r)
{
	json_object *o = json_object_new_object();

	add(o, "metric", json_object_new_string(r->name));
	add(o, "unit", json_object_new_string(r->unit ? r->unit : ""));
	add(o, "role", json_object_new_string(r->role < NR_ROLES ? metric_role_names[r->role]
								  : "unknown"));
	add(o, "base", side_json(r, 0));
	add(o, "new", side_json(r, 1));
	add(o, "change", verdict_json(r));
	return o;
}

static json_object *block_json(const struct block *b)
{
	json_object *o = json_object_new_object(), *rows = json_object_new_array();

	add(o, "run", json_object_new_string(b->title));
	const char *status = cmp_block_status(b);
	add(o, "status", json_object_new_string(status ? status : "compared"));
	for (int s = 0; s < 2; s++)
		add(o, s ? "new_variant" : "base_variant",
		    b->run[s] ? json_object_new_string(b->run[s]->variant) : NULL);
	for (int s = 0; s < 2; s++)
		add(o, s ? "new_unsupported" : "base_unsupported",
		    b->reason[s] ? json_object_new_string(b->reason[s]) : NULL);
	for (size_t j = 0; j < b->nrows; j++)
		json_object_array_add(rows, row_json(&b->rows[j]));
	add(o, "metrics", rows);
	return o;
}

json_object *cmp_json(const struct cmp *c)
{
	json_object *o = json_object_new_object(), *blocks = json_object_new_array();
	bool res = c->file[0] != NULL;

	add(o, "base_file", json_object_new_string(cmp_path(c, 0)));
	add(o, "new_file", json_object_new_string(cmp_path(c, 1)));
	for (int s = 0; s < 2; s++)
		add(o, s ? "new_kernel" : "base_kernel",
		    res ? json_object_new_string(jstr(c->file[s]->root, "host.release", ""))
			: NULL);
	for (int s = 0; s < 2; s++)
		add(o, s ? "new_variant" : "base_variant",
		    c->variant[s] ? json_object_new_string(c->variant[s]) : NULL);
	add(o, "unit", json_object_new_string(c->pooled ? "sample (pooled)" : "VM"));
	add(o, "gate_pct", num(c->gate, c->gate_pct));
	for (size_t i = 0; i < c->nblocks; i++)
		json_object_array_add(blocks, block_json(&c->blocks[i]));
	add(o, "runs", blocks);
	return o;
}
