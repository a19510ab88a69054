/* SPDX-License-Identifier: GPL-2.0 */
/* The --numa layouts of a run: plan, skip, apply per VM, verify, report. */
#include "layouts.h"

#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "util.h"

/* Layouts that put threads on CPUs of their own per thread: --pin none cannot keep them
 * apart (it floats every thread over one set). */
static bool per_thread(const struct placement *p)
{
	return p->bound && (p->plan.cpu_node < 0 || p->plan.ioctl_node != p->plan.cpu_node ||
			    !strcmp(p->spec, "explicit"));
}

static void add_skipped(struct run_layouts *L, const char *layout, const char *why)
{
	json_object *o = json_object_new_object();

	fprintf(stderr, "memslot-bench run: skipped: %s\n", why);
	json_object_object_add(o, "layout", json_object_new_string(layout));
	json_object_object_add(o, "reason", json_object_new_string(why));
	json_object_array_add(L->skipped, o);
}

/* Plan one layout (NULL: the explicit sets) into the next slot, or skip it. */
static void plan_one(struct run_layouts *L, const struct run_cli *c, const char *spec)
{
	const struct nplan_sets sets = { c->vcpu_cpus, c->mem_nodes, c->ioctl_cpu };
	struct placement *p = &L->place[L->n];
	char err[256];

	int r = placement_plan(spec, spec ? NULL : &sets, (unsigned)c->o.vcpus, p, err,
			       sizeof(err));
	if (r == PLACEMENT_BAD)
		msb_usage_error("run", "%s", err);
	if (r == PLACEMENT_CANNOT) {
		add_skipped(L, spec ? spec : "explicit", err);
		return;
	}
	if (!c->o.pin.on && per_thread(p))
		msb_usage_error("run", "--pin none: --numa %s places threads one by one (see --plan); "
				"it needs --pin auto", p->spec);
	L->pin[L->n] = c->o.pin;
	if (placement_pin(p, &L->pin[L->n], c->o.own_vcpu_threads))
		fprintf(stderr, "memslot-bench run: --numa %s: oversubscribed: threads that run at "
			"once share a CPU of the plan (see --plan); times include run-queue waits\n",
			p->spec);
	L->n++;
}

void layouts_plan(struct run_layouts *L, const struct run_cli *c)
{
	bool sets = c->vcpu_cpus || c->mem_nodes || c->ioctl_cpu;
	char *list = msb_strdup(sets ? "explicit" : c->numa), *save = NULL;
	unsigned asked = 0;

	memset(L, 0, sizeof(*L));
	for (const char *s = list; *s; s++)
		asked += *s == ',';
	asked++;
	if (c->precision > 0 && asked > 1)
		msb_usage_error("run", "--precision: one --numa layout at a time (got %u)", asked);
	if (c->raw && asked > 1)
		msb_usage_error("run", "--raw prints one run's samples: one --numa layout (got %u)",
				asked);
	L->place = msb_calloc(asked, sizeof(*L->place));
	L->pin = msb_calloc(asked, sizeof(*L->pin));
	L->skipped = json_object_new_array();
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
		plan_one(L, c, sets ? NULL : t);
	free(list);
	if (!L->n) {
		fprintf(stderr, "memslot-bench run: this machine can make none of --numa %s: "
			"nothing to run\n", sets ? "(explicit sets)" : c->numa);
		exit(77);
	}
}

static void describe_one(const struct placement *p, const struct pin_plan *pin, FILE *out)
{
	const struct nplan *np = &p->plan;
	char set[256];

	if (!p->bound) {
		fprintf(out, "# placement: %s (--numa default)\n", PLACEMENT_DEFAULT_DESC);
		return;
	}
	placement_thread_set(p, pin, 0, set, sizeof(set));
	fprintf(out, "# placement: --numa %s: ioctl thread and vCPU 0 on CPU(s) %s (node %d), "
		"vCPUs on %s, guest memory %s nodes ", p->spec, set, np->ioctl_node, np->vcpu_set,
		nplan_policy_name(np->policy));
	for (unsigned i = 0; i < np->nmem; i++)
		fprintf(out, "%s%d", i ? "," : "", np->mem_node[i]);
	if (p->distance > 0)
		fprintf(out, " (distance %d)", p->distance);
	fputc('\n', out);
}

void layouts_describe(struct run_layouts *L, FILE *out, json_object *root)
{
	for (unsigned i = 0; i < L->n; i++)
		describe_one(&L->place[i], &L->pin[i], out);
	if (json_object_array_length(L->skipped))
		json_object_object_add(root, "numa_skipped", json_object_get(L->skipped));
}

void layouts_apply(const struct run_layouts *L, unsigned i, const struct run_opts *base,
		   struct run_opts *o, struct placement_actual *a)
{
	char err[256];

	*o = *base;
	o->place = L->place[i];
	o->pin = L->pin[i];
	a->own_threads = o->own_vcpu_threads;
	a->nthreads = (unsigned)o->vcpus + a->own_threads;
	if (a->nthreads > PLACEMENT_MAX_THREADS)
		a->nthreads = PLACEMENT_MAX_THREADS;
	if (placement_bind_thread(&o->place, &o->pin, 0, a, err, sizeof(err)) < 0)
		msb_die("--numa %s: the ioctl thread: %s", o->place.spec, err);
}

void layouts_sample_vm(const struct bench_vm *b, struct placement_actual *a)
{
	const struct placement *p = &b->o->place;
	char what[48];

	if (placement_sample(a, b->as.data_host, b->as.host_size, 1024,
			     placement_expect_nodes(p, 0), "vCPU 0's working set") < 0)
		msb_die_errno("move_pages: cannot check where the guest memory is");
	if (b->o->vcpu_mode != VCPU_RUNNING)
		return;
	const uint8_t *run = b->as.slots[b->running_slot].hva;
	for (uint64_t i = 1; i < b->o->vcpus; i++) {
		snprintf(what, sizeof(what), "vCPU %llu's working set", (unsigned long long)i);
		if (placement_sample(a, run + (i - 1) * b->o->running_set, b->o->running_set,
				     64, placement_expect_nodes(p, (unsigned)i), what) < 0)
			msb_die_errno("move_pages: cannot check where vCPU %llu's memory is",
				      (unsigned long long)i);
	}
}

/* The placement_check object of older files: one bound node. */
static void legacy_check(const struct placement *p, const struct placement_actual *a,
			 json_object *run)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "mem_node", json_object_new_int(p->mem_node));
	json_object_object_add(o, "pages_checked", json_object_new_int64(a->checked - a->absent));
	json_object_object_add(o, "pages_on_mem_node",
			       json_object_new_int64(a->by_node[p->mem_node]));
	json_object_object_add(run, "placement_check", o);
}

void layouts_report(const struct run_layouts *L, unsigned i, struct placement_actual *a,
		    json_object *run, FILE *out, const char *what)
{
	const struct placement *p = &L->place[i];
	bool match = placement_verify(p, &L->pin[i], a);

	json_object_object_add(run, "placement", placement_json(p, &L->pin[i], a, match));
	if (p->legacy)
		legacy_check(p, a, run);
	fprintf(out, "# %s: --numa %s: %s; sampled pages by node:", what, p->spec,
		match ? "placement as planned" : "placement NOT as planned");
	for (unsigned n = 0; n < NPLAN_MAX_NODES; n++)
		if (a->by_node[n])
			fprintf(out, " node %u: %u", n, a->by_node[n]);
	fprintf(out, " (of %u sampled, %u not present yet, move_pages)\n", a->checked, a->absent);
	if (!match)
		fprintf(stderr, "memslot-bench run: warning: %s: --numa %s: placement does not match "
			"the plan: %s\n", what, p->spec, a->mismatch);
}

void layouts_free(struct run_layouts *L)
{
	free(L->place);
	free(L->pin);
	json_object_put(L->skipped);
	memset(L, 0, sizeof(*L));
}
