/* SPDX-License-Identifier: GPL-2.0 */
/* Host state probing against fake trees under tests/data/env/, its JSON, its place in
 * a result file, and host_state_diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "env.h"
#include "hoststate.h"
#include "result.h"

static char root_buf[4096];

/* make check exports top_srcdir; run by hand from the source tree otherwise. */
static const char *fixture(const char *name)
{
	const char *top = getenv("top_srcdir");

	snprintf(root_buf, sizeof(root_buf), "%s/tests/data/env/%s", top ? top : ".", name);
	return root_buf;
}

static struct host_state *probe(const char *name, const struct host_env *h)
{
	static struct host_state s;

	host_state_probe(&s, fixture(name), h);
	return &s;
}

#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); if (strcmp(a_, b_)) { \
	fprintf(stderr, "%s:%d: %s == \"%s\" failed: \"%s\"\n", __FILE__, __LINE__, #a, b_, \
		a_); check_failures++; } } while (0)
#define CHECK_HAS(a, b) do { const char *a_ = (a), *b_ = (b); if (!strstr(a_, b_)) { \
	fprintf(stderr, "%s:%d: \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, a_, b_); \
	check_failures++; } } while (0)

#define V(s, id) ((s)->item[id].value)
#define SRC(s, id) ((s)->item[id].source)

static void test_dynamic_full(void)
{
	const struct host_state *s = probe("dynamic-full", NULL);

	/* debugfs wins over the config's build default (none) */
	CHECK_STR(V(s, HS_PREEMPT), "full");
	CHECK_STR(SRC(s, HS_PREEMPT), "/sys/kernel/debug/sched/preempt");
	CHECK_STR(V(s, HS_RWLOCK_NEEDBREAK), "yes");
	CHECK_HAS(SRC(s, HS_RWLOCK_NEEDBREAK), "6.12.9-test");
	CHECK_STR(V(s, HS_THP_ENABLED), "madvise");
	CHECK_STR(SRC(s, HS_THP_ENABLED), "/sys/kernel/mm/transparent_hugepage/enabled");
	CHECK_STR(V(s, HS_THP_DEFRAG), "madvise");
	CHECK_STR(V(s, HS_KHUGEPAGED_DEFRAG), "1");
	CHECK_STR(V(s, HS_NUMA_BALANCING), "1");
	CHECK_STR(SRC(s, HS_NUMA_BALANCING), "/proc/sys/kernel/numa_balancing");
	CHECK_STR(V(s, HS_NX_HUGE_PAGES), "auto");
	CHECK_STR(SRC(s, HS_NX_HUGE_PAGES), "/sys/module/kvm/parameters/nx_huge_pages");
	CHECK_STR(V(s, HS_EAGER_PAGE_SPLIT), "Y");
	CHECK_STR(V(s, HS_HALT_POLL_NS), "200000");
	CHECK_STR(V(s, HS_TDP_MMU), "Y");
	CHECK_STR(V(s, HS_EPT), "Y");
	CHECK_STR(V(s, HS_NPT), "unknown"); /* kvm_amd not loaded */
	CHECK_STR(V(s, HS_MITIGATIONS),
		  "vulnerable 2 (mds retbleed), mitigated 2, not affected 1, other 1");
	CHECK_HAS(SRC(s, HS_MITIGATIONS), "/sys/devices/system/cpu/vulnerabilities");
	CHECK_EQ_INT(s->nvulns, 6);
	/* what follows " -- " goes to init, not the kernel */
	CHECK_STR(V(s, HS_MITIGATIONS_CMDLINE), "auto,nosmt");
	CHECK_STR(SRC(s, HS_MITIGATIONS_CMDLINE), "/proc/cmdline");
	/* cpu3 has no cpufreq; cpufreq/ and cpuidle/ are not CPUs */
	CHECK_STR(V(s, HS_CPU_GOVERNOR), "performance x2, powersave x1, no cpufreq x1");
	CHECK_HAS(SRC(s, HS_CPU_GOVERNOR), "(4 CPUs)");
	CHECK_STR(V(s, HS_CLOCKSOURCE), "tsc");
	CHECK_STR(SRC(s, HS_CLOCKSOURCE),
		  "/sys/devices/system/clocksource/clocksource0/current_clocksource");
	CHECK_STR(V(s, HS_TCG_THREAD), "unknown"); /* no host_env given */
}

static void test_nonpreempt(void)
{
	const struct host_state *s = probe("nonpreempt", NULL);

	CHECK_STR(V(s, HS_PREEMPT), "none");
	CHECK_STR(SRC(s, HS_PREEMPT), "/boot/config-6.1.0-28-amd64");
	CHECK_STR(V(s, HS_RWLOCK_NEEDBREAK), "no"); /* 6.1 without CONFIG_PREEMPTION */
	CHECK_STR(V(s, HS_THP_ENABLED), "always");
	CHECK_STR(V(s, HS_KHUGEPAGED_DEFRAG), "0");
	CHECK_STR(V(s, HS_NUMA_BALANCING), "0");
	CHECK_STR(V(s, HS_NX_HUGE_PAGES), "N");
	CHECK_STR(V(s, HS_HALT_POLL_NS), "0");
	CHECK_STR(V(s, HS_NPT), "1");
	CHECK_STR(V(s, HS_EPT), "unknown");
	CHECK_STR(V(s, HS_MITIGATIONS), "unknown");
	CHECK_STR(V(s, HS_MITIGATIONS_CMDLINE), "not set");
	CHECK_STR(V(s, HS_CPU_GOVERNOR), "schedutil");
	CHECK_STR(V(s, HS_CLOCKSOURCE), "hpet");
}

static void test_dynamic_gz(void)
{
	/* the config only as /proc/config.gz (gzip -dc): 6.12, dynamic, voluntary default */
	const struct host_state *s = probe("dynamic-gz", NULL);

	CHECK_STR(V(s, HS_PREEMPT), "voluntary");
	CHECK_STR(SRC(s, HS_PREEMPT), "/proc/config.gz, /proc/cmdline");
	CHECK_HAS(s->item[HS_PREEMPT].detail, "PREEMPT_DYNAMIC");
	CHECK_STR(V(s, HS_RWLOCK_NEEDBREAK), "no"); /* >= 6.10, not preemptible */
	CHECK_STR(V(s, HS_MITIGATIONS_CMDLINE), "off");
}

static void test_uname_only(void)
{
	/* 6.1, PREEMPT_DYNAMIC from uname -v, the last preempt= wins */
	const struct host_state *s = probe("uname-dynamic-61", NULL);

	CHECK_STR(V(s, HS_PREEMPT), "voluntary");
	CHECK_HAS(SRC(s, HS_PREEMPT), "/proc/cmdline preempt=");
	/* before 6.10 the zap yields whenever built with CONFIG_PREEMPTION */
	CHECK_STR(V(s, HS_RWLOCK_NEEDBREAK), "yes");
}

static void test_missing(void)
{
	const struct host_state *s = probe("missing", NULL);

	for (unsigned i = 0; i < HS_NITEMS; i++) {
		if (strcmp(V(s, i), "unknown"))
			fprintf(stderr, "%s = %s\n", host_state_name(i), V(s, i));
		CHECK_STR(V(s, i), "unknown");
		CHECK_HAS(SRC(s, i), "unreadable");
	}
	CHECK_EQ_INT(s->nvulns, 0);
}

static void test_tcg(void)
{
	struct host_env h;

	memset(&h, 0, sizeof(h));
	CHECK_STR(V(probe("missing", &h), HS_TCG_THREAD), "n/a");
	h.lab = true;
	strcpy(h.lab_accel, "kvm");
	CHECK_STR(V(probe("missing", &h), HS_TCG_THREAD), "n/a");
	strcpy(h.lab_accel, "tcg");
	unsetenv("MSB_LAB_TCG_THREAD");
	CHECK_STR(V(probe("missing", &h), HS_TCG_THREAD), "unknown");
	setenv("MSB_LAB_TCG_THREAD", "multi", 1);
	CHECK_STR(V(probe("missing", &h), HS_TCG_THREAD), "multi");
	CHECK_HAS(SRC(probe("missing", &h), HS_TCG_THREAD), "MSB_LAB_TCG_THREAD");
	unsetenv("MSB_LAB_TCG_THREAD");
}

/* lab.sh's MSB_LAB_KVM_BUILD: the rebuilt KVM's build.json in the lab's JSON. */
static void test_kvm_build(void)
{
	struct host_env h;
	json_object *l, *b, *v;

	memset(&h, 0, sizeof(h));
	h.lab = true;
	unsetenv("MSB_LAB_KVM_BUILD");
	l = lab_env_json(&h);
	CHECK(json_object_object_get_ex(l, "kvm_build", &b) && !b);
	json_object_put(l);
	setenv("MSB_LAB_KVM_BUILD", "{ \"key\": \"bb42ff8f17c663e7\", \"path\": \"fast\", "
	       "\"patches\": [ {\"subject\": \"KVM: x86: a patch\"} ] }", 1);
	l = lab_env_json(&h);
	CHECK(json_object_object_get_ex(l, "kvm_build", &b) && json_object_is_type(b, json_type_object));
	CHECK(json_object_object_get_ex(b, "key", &v));
	CHECK_STR(json_object_get_string(v), "bb42ff8f17c663e7");
	json_object_put(l);
	setenv("MSB_LAB_KVM_BUILD", "{ not json", 1);
	l = lab_env_json(&h);
	CHECK(json_object_object_get_ex(l, "kvm_build", &b) && json_object_is_type(b, json_type_string));
	CHECK_STR(json_object_get_string(b), "{ not json");
	json_object_put(l);
	unsetenv("MSB_LAB_KVM_BUILD");
}

/* The lab's kernel package with --kvm-modules: kept whole, its build key at the end. */
static void test_kernel_pkg(void)
{
	struct host_env h;
	char pkg[300];

	snprintf(pkg, sizeof(pkg), "linux-image-6.1.0-57-amd64=6.1.192-3 +kvm-modules "
		 "/home/someone/a/rather/long/path/.cache/memslot-bench/kernels/builds/"
		 "bb42ff8f17c663e7/modules");
	setenv("MSB_LAB", "1", 1);
	setenv("MSB_LAB_KERNEL_PKG", pkg, 1);
	host_env_probe(&h);
	CHECK_STR(h.lab_kernel_pkg, pkg);
	unsetenv("MSB_LAB_KERNEL_PKG");
	unsetenv("MSB_LAB");
}

static const char *jget(json_object *o, const char *item, const char *field)
{
	json_object *e, *v;

	if (!json_object_object_get_ex(o, item, &e) || !json_object_object_get_ex(e, field, &v))
		return "(none)";
	return json_object_get_string(v);
}

static void test_json(void)
{
	json_object *o = host_state_to_json(probe("dynamic-full", NULL));
	json_object *m, *f;

	CHECK_EQ_INT(json_object_object_length(o), HS_NITEMS);
	CHECK_STR(jget(o, "preempt", "value"), "full");
	CHECK_STR(jget(o, "preempt", "source"), "/sys/kernel/debug/sched/preempt");
	CHECK_HAS(jget(o, "preempt", "detail"), "PREEMPT_DYNAMIC");
	CHECK_STR(jget(o, "numa_balancing", "value"), "1");
	CHECK_STR(jget(o, "npt", "value"), "unknown");
	CHECK(json_object_object_get_ex(o, "mitigations", &m));
	CHECK(json_object_object_get_ex(m, "files", &f));
	CHECK_STR(jget(m, "files", "retbleed"), "Vulnerable");
	json_object_put(o);
}

/* A result root with host_state probed from a fixture, as result_begin writes it. */
static json_object *root_of(const char *name)
{
	json_object *r = json_object_new_object();

	if (name)
		json_object_object_add(r, "host_state",
				       host_state_to_json(probe(name, NULL)));
	return r;
}

static void test_diff(void)
{
	json_object *a = root_of("dynamic-full"), *a2 = root_of("dynamic-full");
	json_object *b = root_of("nonpreempt"), *none = root_of(NULL), *e;
	char buf[2048], small[24];
	int n;

	CHECK_EQ_INT(host_state_diff(a, a2, buf, sizeof(buf)), 0);
	CHECK_STR(buf, "");
	CHECK_EQ_INT(host_state_diff(none, none, buf, sizeof(buf)), 0);
	n = host_state_diff(a, b, buf, sizeof(buf));
	/* all but thp_defrag, tdp_mmu and tcg_thread */
	CHECK_EQ_INT(n, HS_NITEMS - 3);
	CHECK_HAS(buf, "preempt: full vs none");
	CHECK_HAS(buf, "numa_balancing: 1 vs 0");
	CHECK_HAS(buf, "nx_huge_pages: auto vs N");
	CHECK_HAS(buf, "npt: unknown vs 1");
	CHECK_HAS(buf, "clocksource: tsc vs hpet");
	CHECK(!strstr(buf, "tdp_mmu"));
	/* truncated, still terminated, still counted */
	CHECK_EQ_INT(host_state_diff(a, b, small, sizeof(small)), n);
	CHECK(strlen(small) < sizeof(small));
	CHECK_HAS(small, "...");
	CHECK_EQ_INT(host_state_diff(a, b, NULL, 0), n);
	/* one changed item, one item only the newer file has */
	json_object_object_get_ex(a2, "host_state", &e);
	json_object_object_add(e, "thp_enabled", json_object_new_string("never"));
	json_object_object_add(e, "future_item", json_object_new_string("x"));
	CHECK_EQ_INT(host_state_diff(a, a2, buf, sizeof(buf)), 2);
	CHECK_HAS(buf, "thp_enabled: madvise vs never");
	CHECK_HAS(buf, "future_item: (absent) vs x");
	/* a file from before host_state */
	CHECK_EQ_INT(host_state_diff(none, a, buf, sizeof(buf)), 1);
	CHECK_HAS(buf, "not recorded in the first file");
	json_object_put(a);
	json_object_put(a2);
	json_object_put(b);
	json_object_put(none);
}

static void test_result_file(void)
{
	struct result_file r;
	struct host_env h;
	struct kvm_env k;
	json_object *hs;

	memset(&h, 0, sizeof(h));
	memset(&k, 0, sizeof(k));
	result_begin(&r, 0, NULL, &h, &k, NULL, NULL);
	CHECK(json_object_object_get_ex(r.root, "host_state", &hs));
	CHECK(json_object_is_type(hs, json_type_object));
	CHECK_EQ_INT(json_object_object_length(hs), HS_NITEMS);
	CHECK_STR(jget(hs, "tcg_thread", "value"), "n/a");
	for (unsigned i = 0; i < HS_NITEMS; i++)
		CHECK(strcmp(jget(hs, host_state_name(i), "value"), "(none)"));
	json_object_put(r.root);
}

/* This host: must not crash; every item has a value and a source. */
static void test_this_host(void)
{
	static struct host_state s;

	host_state_probe(&s, "/", NULL);
	for (unsigned i = 0; i < HS_NITEMS; i++)
		CHECK(s.item[i].value[0] && s.item[i].source[0]);
}

int main(void)
{
	test_dynamic_full();
	test_nonpreempt();
	test_dynamic_gz();
	test_uname_only();
	test_missing();
	test_tcg();
	test_kvm_build();
	test_kernel_pkg();
	test_json();
	test_diff();
	test_result_file();
	test_this_host();
	CHECK_DONE();
}
