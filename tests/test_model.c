/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for bench/report/model.c and upgrade.c: a committed memslot-bench/1 file
 * (a copy of one in results/, upgraded on read from the scenario descriptors) and a
 * memslot-bench/2 fixture (tests/data/v2-create.json, from `memslot-bench run create
 * --guest-mem 64M --reps 2 --warmup 0 --rounds 2`) come out with the right roles,
 * primary, scale, kinds, headlines and per-VM index; a v1 metric no descriptor knows
 * gets its role from its unit; and v2 files whose primary is not a latency or that
 * have two index metrics (tests/data/v2-bad-primary.json, v2-two-index.json) are
 * refused. No KVM. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "report/model.h"
#include "report/report.h"
#include "result.h"

/* A copy of results/vm-lab-6.12.117+deb12-amd64-20261125-081503/delete-unrelated.json. */
#define V1_DELETE "tests/data/suite-612-delete-unrelated.json"

static char paths[4][4096];

/* make check exports top_srcdir; run by hand from the source tree otherwise. Each
 * call's path lives until the fourth call after it (the model keeps the pointer). */
static const char *src_path(const char *rel)
{
	static unsigned next;
	const char *top = getenv("top_srcdir");
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", top ? top : ".", rel);
	return p;
}

static int load(struct result_set *s, const char *rel)
{
	char err[512];
	int rc = rs_load(s, src_path(rel), err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	return rc;
}

/* metric name of run r has this role, kind (NULL: none) and headline. */
static void check_metric(const struct rs_run *r, const char *name, enum metric_role role,
			 const char *kind, bool headline)
{
	const struct rs_metric *m = rs_metric(r, name);

	CHECK(m != NULL);
	if (!m)
		return;
	if (m->role != role || m->headline != headline ||
	    (kind ? !m->kind || strcmp(m->kind, kind) : m->kind != NULL)) {
		fprintf(stderr, "%s: role %s kind %s headline %d, want %s %s %d\n", name,
			metric_role_names[m->role], m->kind ? m->kind : "-", m->headline,
			metric_role_names[role], kind ? kind : "-", headline);
		check_failures++;
	}
}

/* The per-VM medians of the run's primary, against want[k]. */
static void check_vm_medians(const struct rs_run *r, const double *want, size_t k)
{
	size_t n;
	double *med = rs_vm_medians(r, rs_primary(r), &n);

	CHECK(med != NULL);
	CHECK_EQ_INT(n, k);
	for (size_t i = 0; med && i < n && i < k; i++)
		CHECK_NEAR(med[i], want[i], 1e-6);
	free(med);
}

/* A delete run of schema 1, as the lab's suite wrote it. */
static void check_v1_delete(const struct rs_run *r, const char *variant)
{
	json_object *oc = jget(r->params, "overhead_check");

	CHECK(!strcmp(r->scenario, "delete"));
	CHECK(!strcmp(r->variant, variant));
	CHECK(r->reason == NULL);
	CHECK(r->primary && !strcmp(r->primary, "delete_ns"));
	CHECK(r->scale && !strcmp(r->scale, "shadow_pages_before"));
	CHECK(rs_primary(r) == rs_metric(r, "delete_ns"));
	CHECK(rs_primary(r) && rs_primary(r)->primary);
	CHECK_EQ_INT(r->nmetrics, 14);
	check_metric(r, "delete_ns", ROLE_LATENCY, "DELETE", true);
	check_metric(r, "create_ns", ROLE_LATENCY, "CREATE", false);
	check_metric(r, "refault_ns", ROLE_LATENCY, NULL, true);
	check_metric(r, "mmu_shadow_zapped", ROLE_COUNT, NULL, true);
	check_metric(r, "remote_tlb_flush_requests", ROLE_COUNT, NULL, false);
	check_metric(r, "shadow_pages_before", ROLE_GAUGE, NULL, false);
	check_metric(r, "pages_2m_after", ROLE_GAUGE, NULL, false);
	check_metric(r, "vm_round", ROLE_INDEX, NULL, false);
	CHECK(r->index == rs_metric(r, "vm_round"));
	CHECK(!rs_metric(r, "create_ns")->primary);
	/* Added after schema 1, at its default then: written, so old and new runs match. */
	CHECK(oc && json_object_is_type(oc, json_type_boolean) && !json_object_get_boolean(oc));
	CHECK_EQ_INT(rs_primary(r)->n, 20);
}

static void test_v1(void)
{
	static const double zap_all[] = { 116843697.5, 112251938.5, 111401263.5, 122511398.5,
					  118999598.0 };
	static const double zap_slot[] = { 1175639.5, 1804229.5, 1289219.5, 1122063.5,
					   1225574.0 };
	struct result_set s = { 0 };
	struct summary sum;

	CHECK_EQ_INT(load(&s, V1_DELETE), 0);
	CHECK_EQ_INT(s.nfiles, 1);
	if (s.nfiles != 1 || s.files[0].nruns != 2) {
		check_failures++;
		rs_free(&s);
		return;
	}
	CHECK(!strcmp(jstr(s.files[0].root, "schema", ""), RESULT_SCHEMA_V2));
	check_v1_delete(&s.files[0].runs[0], "zap-all");
	check_v1_delete(&s.files[0].runs[1], "zap-slot");
	check_vm_medians(&s.files[0].runs[0], zap_all, 5);
	check_vm_medians(&s.files[0].runs[1], zap_slot, 5);
	CHECK_EQ_INT(rs_summary(rs_primary(&s.files[0].runs[0]), &sum), 0);
	CHECK_NEAR(sum.median, 116866380.5, 1e-6);
	CHECK(s.files[0].runs[1].file == &s.files[0]);
	rs_free(&s);
	CHECK_EQ_INT(s.nfiles, 0);
}

/* A v1 document in memory: a delete run with metrics no descriptor knows, and a run
 * of a scenario nobody registered. */
static const char v1_unknown[] =
	"{\"schema\": \"memslot-bench/1\", \"runs\": ["
	"{\"scenario\": \"delete\", \"variant\": \"zap-all\", \"params\": {\"reps\": 1},"
	" \"status\": \"measured\", \"metrics\": {"
	"  \"delete_ns\": {\"unit\": \"ns\"},"
	"  \"mystery_ns\": {\"unit\": \"ns\"},"
	"  \"mystery_round\": {\"unit\": \"index\"},"
	"  \"mystery_widgets\": {\"unit\": \"widgets\"}}},"
	"{\"scenario\": \"no-such\", \"variant\": \"v\", \"params\": {},"
	" \"status\": \"measured\", \"metrics\": {"
	"  \"a_ns\": {\"unit\": \"ns\"}, \"b_pages\": {\"unit\": \"pages\"}}}]}";

static void test_v1_unknown(void)
{
	json_object *root = json_tokener_parse(v1_unknown);

	CHECK(root != NULL);
	if (!root)
		return;
	rs_upgrade(root);
	CHECK(!strcmp(jstr(root, "schema", ""), RESULT_SCHEMA_V2));
	json_object *runs = jget(root, "runs");
	json_object *r0 = json_object_array_get_idx(runs, 0), *r1 = json_object_array_get_idx(runs, 1);
	CHECK(!strcmp(jstr(r0, "metrics.delete_ns.role", ""), "latency"));
	CHECK(!strcmp(jstr(r0, "metrics.delete_ns.kind", ""), "DELETE"));
	CHECK(!strcmp(jstr(r0, "metrics.mystery_ns.role", ""), "latency"));
	CHECK(!jget(r0, "metrics.mystery_ns.kind"));
	CHECK(!jget(r0, "metrics.mystery_ns.headline"));
	CHECK(!strcmp(jstr(r0, "metrics.mystery_round.role", ""), "index"));
	CHECK(!strcmp(jstr(r0, "metrics.mystery_widgets.role", ""), "count"));
	CHECK(!strcmp(jstr(r0, "primary", ""), "delete_ns"));
	CHECK(jget(r0, "params.overhead_check") != NULL);
	/* No descriptor: roles from units, and no primary or scale to invent. */
	CHECK(!strcmp(jstr(r1, "metrics.a_ns.role", ""), "latency"));
	CHECK(!strcmp(jstr(r1, "metrics.b_pages.role", ""), "count"));
	CHECK(!jget(r1, "primary"));
	CHECK(!jget(r1, "scale"));
	/* A second upgrade leaves a memslot-bench/2 document alone. */
	json_object_object_add(r1, "primary", json_object_new_string("a_ns"));
	rs_upgrade(root);
	CHECK(!strcmp(jstr(r1, "primary", ""), "a_ns"));
	json_object_put(root);
}

static void test_v2(void)
{
	static const double zap_all[] = { 243142.5, 204007.5 };
	struct result_set s = { 0 };

	CHECK_EQ_INT(load(&s, "tests/data/v2-create.json"), 0);
	if (s.nfiles != 1 || s.files[0].nruns != 2) {
		check_failures++;
		rs_free(&s);
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		const struct rs_run *r = &s.files[0].runs[i];

		CHECK(!strcmp(r->scenario, "create"));
		CHECK(!strcmp(r->variant, i ? "zap-slot" : "zap-all"));
		CHECK(r->primary && !strcmp(r->primary, "create_fresh_ns"));
		CHECK(r->scale && !strcmp(r->scale, "shadow_pages_before"));
		CHECK(rs_primary(r) == rs_metric(r, "create_fresh_ns"));
		CHECK_EQ_INT(r->nmetrics, 14);
		check_metric(r, "create_fresh_ns", ROLE_LATENCY, "CREATE", true);
		check_metric(r, "delete_fresh_ns", ROLE_LATENCY, "DELETE", false);
		check_metric(r, "refault_ns", ROLE_LATENCY, NULL, true);
		check_metric(r, "remote_tlb_flush", ROLE_COUNT, NULL, true);
		check_metric(r, "refault_pf_fixed", ROLE_COUNT, NULL, false);
		check_metric(r, "sptes_before", ROLE_GAUGE, NULL, false);
		check_metric(r, "vm_round", ROLE_INDEX, NULL, false);
		CHECK(r->index == rs_metric(r, "vm_round"));
		CHECK(!jget(r->params, "overhead_check")); /* create has no such option */
	}
	check_vm_medians(&s.files[0].runs[0], zap_all, 2);
	rs_free(&s);
}

/* A bad fixture is refused with why, and leaves the set as it was. */
static void check_refused(const char *rel, const char *why)
{
	struct result_set s = { 0 };
	char err[512] = "";

	CHECK_EQ_INT(load(&s, "tests/data/v2-create.json"), 0);
	CHECK_EQ_INT(rs_load(&s, src_path(rel), err, sizeof(err)), -1);
	if (!strstr(err, why) || !strstr(err, rel)) {
		fprintf(stderr, "%s: error '%s' lacks the file or '%s'\n", rel, err, why);
		check_failures++;
	}
	CHECK_EQ_INT(s.nfiles, 1);
	CHECK_EQ_INT(s.files[0].nruns, 2);
	rs_free(&s);
}

int main(void)
{
	test_v1();
	test_v1_unknown();
	test_v2();
	check_refused("tests/data/v2-bad-primary.json",
		      "runs[0].primary 'mmu_shadow_zapped' is not one of its latencies");
	check_refused("tests/data/v2-two-index.json", "runs[0]: two index metrics");
	CHECK_DONE();
}
