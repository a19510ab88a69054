/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/result: write, read back, refuse to overwrite, leave no temporary
 * files, and reject broken files with a message naming the file and the problem. */
#ifdef HAVE_CONFIG_H
#include "config.h" /* PACKAGE_VERSION: what the file must carry */
#include "msb-git-rev.h"
#endif
#include "check.h"
#include "result.h"

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static void path_in(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f))
		abort();
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static int count_tmp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp.") != NULL;
	closedir(d);
	return n;
}

static void fake_env(struct host_env *h, struct kvm_env *k)
{
	memset(h, 0, sizeof(*h));
	strcpy(h->sysname, "Linux");
	strcpy(h->release, "6.12.0-test");
	strcpy(h->machine, "x86_64");
	strcpy(h->cpu_model, "QEMU TCG CPU");
	strcpy(h->kind, "lab");
	strcpy(h->kind_detail, "QEMU lab, TCG: emulated timings");
	h->lab = true;
	strcpy(h->lab_qemu, "7.2.0");
	strcpy(h->lab_accel, "tcg");
	strcpy(h->lab_cpu, "EPYC");
	strcpy(h->lab_mmu, "shadow");
	strcpy(h->lab_kernel_pkg, "linux-image-6.12");
	h->lab_nodes = 2;
	h->ncpus = 4;
	h->mem_bytes = 4ULL << 30;

	memset(k, 0, sizeof(*k));
	k->dev_kvm = true;
	strcpy(k->module, "kvm_amd");
	strcpy(k->npt, "0");
	strcpy(k->mmu, "shadow");
}

static void build(struct result_file *r)
{
	char *argv[] = { "memslot-bench", "run", "--reps=3", NULL };
	struct host_env h;
	struct kvm_env k;
	struct series s;
	json_object *topo = json_object_new_object(), *params, *run;

	fake_env(&h, &k);
	json_object_object_add(topo, "nodes", json_object_new_int(2));
	result_begin(r, 3, argv, &h, &k, topo, NULL);

	params = json_object_new_object();
	json_object_object_add(params, "reps", json_object_new_int(3));
	run = result_add_run(r, "delete", "zap-all", params, NULL);
	series_init(&s, "delete_ns", "ns");
	series_add(&s, 1000);
	series_add(&s, 1500.5);
	series_add(&s, 1200);
	result_run_add_series(run, &s);
	series_free(&s);
	series_init(&s, "mmu_shadow_zapped", "pages");
	for (int i = 0; i < 3; i++)
		series_add(&s, 518);
	result_run_add_series(run, &s);
	series_free(&s);
	series_init(&s, "ratio", "x");
	series_add(&s, 0.1);
	series_add(&s, 1e-7);
	result_run_add_series(run, &s);
	series_free(&s);

	run = result_add_run(r, "delete", "zap-slot", NULL, json_object_new_object());
	result_run_unsupported(run, "SLOT_ZAP_ALL quirk not supported");
}

static void check_content(json_object *root)
{
	json_object *tool, *env, *lab, *runs, *run, *m, *samples, *sum, *v;
	const char *t;

	CHECK(!strcmp(json_object_get_string(get(root, "schema")), RESULT_SCHEMA));
	tool = get(root, "tool");
	CHECK(!strcmp(json_object_get_string(get(tool, "name")), "memslot-bench"));
	CHECK(!strcmp(json_object_get_string(get(tool, "version")), PACKAGE_VERSION));
	CHECK(!strcmp(json_object_get_string(get(tool, "git_revision")), MSB_GIT_REV));
	CHECK_EQ_INT(json_object_array_length(get(root, "command_line")), 3);
	CHECK(!strcmp(json_object_get_string(json_object_array_get_idx(
			      get(root, "command_line"), 2)), "--reps=3"));

	/* "2026-11-25T07:01:02.345Z" */
	t = json_object_get_string(get(root, "start_time"));
	CHECK(t && strlen(t) == 24 && t[10] == 'T' && t[19] == '.' && t[23] == 'Z');
	t = json_object_get_string(get(root, "end_time"));
	CHECK(t && strlen(t) == 24 && t[23] == 'Z');

	CHECK(json_object_is_type(get(root, "host"), json_type_object));
	CHECK(json_object_is_type(get(root, "kvm_env"), json_type_object));
	CHECK_EQ_INT(json_object_get_int(get(get(root, "topology"), "nodes")), 2);
	CHECK(json_object_is_type(get(root, "kvm"), json_type_null));
	env = get(root, "environment");
	CHECK(!strcmp(json_object_get_string(get(env, "kind")), "lab"));
	CHECK(json_object_get_boolean(get(env, "emulated")));
	lab = get(env, "lab");
	CHECK(!strcmp(json_object_get_string(get(lab, "accel")), "tcg"));
	CHECK(!strcmp(json_object_get_string(get(lab, "kernel_package")), "linux-image-6.12"));
	CHECK_EQ_INT(json_object_get_int(get(lab, "nodes")), 2);

	runs = get(root, "runs");
	CHECK_EQ_INT(json_object_array_length(runs), 2);
	run = json_object_array_get_idx(runs, 0);
	CHECK(!strcmp(json_object_get_string(get(run, "scenario")), "delete"));
	CHECK(!strcmp(json_object_get_string(get(run, "variant")), "zap-all"));
	CHECK(!strcmp(json_object_get_string(get(run, "status")), "measured"));
	CHECK_EQ_INT(json_object_get_int(get(get(run, "params"), "reps")), 3);
	m = get(get(run, "metrics"), "delete_ns");
	CHECK(!strcmp(json_object_get_string(get(m, "unit")), "ns"));
	samples = get(m, "samples");
	CHECK_EQ_INT(json_object_array_length(samples), 3);
	v = json_object_array_get_idx(samples, 0);
	CHECK(json_object_is_type(v, json_type_int) && json_object_get_int64(v) == 1000);
	CHECK(json_object_get_double(json_object_array_get_idx(samples, 1)) == 1500.5);
	sum = get(m, "summary");
	CHECK_EQ_INT(json_object_get_int(get(sum, "n")), 3);
	CHECK(json_object_get_double(get(sum, "median")) == 1200);
	CHECK(json_object_get_double(get(sum, "min")) == 1000);
	CHECK(json_object_get_double(get(sum, "max")) == 1500.5);
	CHECK(fabs(json_object_get_double(get(sum, "mean")) - 3700.5 / 3) < 1e-9);
	CHECK(get(sum, "stddev") != NULL && get(sum, "p90") != NULL && get(sum, "p99") != NULL);
	/* Doubles survive the trip exactly. */
	samples = get(get(get(run, "metrics"), "ratio"), "samples");
	CHECK(json_object_get_double(json_object_array_get_idx(samples, 0)) == 0.1);
	CHECK(json_object_get_double(json_object_array_get_idx(samples, 1)) == 1e-7);

	run = json_object_array_get_idx(runs, 1);
	CHECK(!strcmp(json_object_get_string(get(run, "status")), "unsupported"));
	CHECK(!strcmp(json_object_get_string(get(run, "reason")),
		      "SLOT_ZAP_ALL quirk not supported"));
	CHECK(get(run, "metrics") == NULL);
}

/* run --raw: the primary's samples alone on one stream, the header on the other. */
static const char raw_expect[] = "1000\n1500.5\n1200\n";
static const char raw_header[] =
	"# scenario=delete variant=zap-all metric=delete_ns unit=ns n=3\n";

static void check_raw(json_object *root)
{
	json_object *runs = get(root, "runs");
	json_object *run0 = json_object_array_get_idx(runs, 0);
	char *buf = NULL, *hbuf = NULL;
	size_t len = 0, hlen = 0;
	FILE *f = open_memstream(&buf, &len), *h = open_memstream(&hbuf, &hlen);

	/* No primary: nothing on the samples' stream, the reason on the other. */
	result_print_raw(f, h, run0);
	fflush(f);
	fflush(h);
	CHECK(len == 0);
	CHECK(strstr(hbuf, "no samples of a primary metric") != NULL);
	fclose(f);
	fclose(h);
	free(buf);
	free(hbuf);

	json_object_object_add(run0, "primary", json_object_new_string("delete_ns"));
	f = open_memstream(&buf, &len);
	h = open_memstream(&hbuf, &hlen);
	result_print_raw(f, h, run0);
	fclose(f);
	fclose(h);
	CHECK(!strcmp(buf, raw_expect));
	CHECK(!strcmp(hbuf, raw_header));
	if (strcmp(buf, raw_expect) || strcmp(hbuf, raw_header))
		fprintf(stderr, "raw output:\n%s\nheader:\n%s", buf, hbuf);
	free(buf);
	free(hbuf);
	json_object_object_del(run0, "primary");

	f = open_memstream(&buf, &len);
	h = open_memstream(&hbuf, &hlen);
	result_print_raw(f, h, json_object_array_get_idx(runs, 1));
	fclose(f);
	fclose(h);
	CHECK(len == 0);
	CHECK(!strcmp(hbuf, "# scenario=delete variant=zap-slot unsupported: "
			    "SLOT_ZAP_ALL quirk not supported\n"));
	free(buf);
	free(hbuf);
}

static void test_write_read(void)
{
	struct result_file r;
	json_object *root = NULL;
	char path[320], err[512];
	char *before, *after;

	build(&r);
	check_raw(r.root);
	path_in(path, sizeof(path), "out.json");
	CHECK_EQ_INT(result_write(&r, path, false, err, sizeof(err)), 0);
	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), 0);
	if (root) {
		check_content(root);
		check_raw(root);
		json_object_put(root);
	} else {
		fprintf(stderr, "result_read: %s\n", err);
	}

	/* Shortest round-trip form, not "0.10000000000000001". */
	before = slurp(path);
	CHECK(before && strstr(before, "0.1,") && !strstr(before, "0.1000000"));

	/* A second write without --force refuses and leaves the file alone. */
	err[0] = '\0';
	CHECK_EQ_INT(result_write(&r, path, false, err, sizeof(err)), -1);
	CHECK(strstr(err, path) && strstr(err, "exists (use --force to overwrite)"));
	after = slurp(path);
	CHECK(before && after && !strcmp(before, after));
	free(after);

	CHECK_EQ_INT(result_write(&r, path, true, err, sizeof(err)), 0);
	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), 0);
	json_object_put(root);
	free(before);

	/* A directory that does not exist: named in the message, nothing left behind. */
	path_in(path, sizeof(path), "no/such/dir/out.json");
	CHECK_EQ_INT(result_write(&r, path, false, err, sizeof(err)), -1);
	CHECK(strstr(err, path) && strstr(err, "No such file"));
	CHECK(!strchr(err, '\n'));

	CHECK_EQ_INT(count_tmp_files(), 0);
	result_free(&r);
}

static void test_stdout(void)
{
	struct result_file r;
	json_object *root = NULL;
	char path[320], err[512];
	int saved, fd;

	build(&r);
	path_in(path, sizeof(path), "stdout.json");
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK(saved >= 0 && fd >= 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	CHECK_EQ_INT(result_write(&r, "-", false, err, sizeof(err)), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	result_free(&r);

	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), 0);
	if (root)
		check_content(root);
	json_object_put(root);
}

static void test_edge_series(void)
{
	struct result_file r;
	struct series s;
	json_object *root = NULL, *run, *m;
	char path[320], err[512];

	result_begin(&r, 0, NULL, NULL, NULL, NULL, NULL);
	run = result_add_run(&r, "refault", "zap-all", NULL, NULL);
	/* Empty: summary is {"n": 0} and still valid. */
	series_init(&s, "empty_ns", "ns");
	result_run_add_series(run, &s);
	series_free(&s);
	/* NaN is dropped (with a warning), the summary counts what was kept. */
	series_init(&s, "odd_ns", "ns");
	series_add(&s, 1);
	series_add(&s, NAN);
	series_add(&s, 3);
	result_run_add_series(run, &s);
	series_free(&s);

	path_in(path, sizeof(path), "edge.json");
	CHECK_EQ_INT(result_write(&r, path, false, err, sizeof(err)), 0);
	result_free(&r);
	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), 0);
	if (!root) {
		fprintf(stderr, "result_read: %s\n", err);
		return;
	}
	run = json_object_array_get_idx(get(root, "runs"), 0);
	m = get(get(run, "metrics"), "empty_ns");
	CHECK_EQ_INT(json_object_get_int(get(get(m, "summary"), "n")), 0);
	m = get(get(run, "metrics"), "odd_ns");
	CHECK_EQ_INT(json_object_array_length(get(m, "samples")), 2);
	CHECK_EQ_INT(json_object_get_int(get(get(m, "summary"), "n")), 2);
	CHECK(json_object_get_double(get(get(m, "summary"), "median")) == 2);
	json_object_put(root);
}

#define GOOD_RUN "{\"scenario\":\"delete\",\"variant\":\"zap-all\",\"params\":{},\"status\":" \
	"\"measured\",\"metrics\":{\"delete_ns\":{\"unit\":\"ns\",\"samples\":[1,2.5,3]," \
	"\"summary\":{\"n\":3,\"min\":1,\"median\":2.5,\"mean\":2.1666,\"p90\":2.9," \
	"\"p99\":2.99,\"max\":3,\"stddev\":1}}}}"
#define UNSUP_RUN "{\"scenario\":\"delete\",\"variant\":\"zap-slot\",\"params\":{}," \
	"\"status\":\"unsupported\",\"reason\":\"old kernel\"}"
#define DOC(runs) "{\"schema\":\"memslot-bench/1\",\"runs\":" runs "}"

static const struct {
	const char *name, *text, *want;
} bad[] = {
	{ "invalid.json", "{\"schema\": \"memslot-bench/1\",\n\"runs\": [", "invalid JSON at line 2" },
	{ "empty.json", "", "invalid JSON" },
	{ "trailing.json", "{}\n}", "text after the document" },
	{ "array.json", "[1]", "not a JSON object" },
	{ "noschema.json", "{\"runs\":[]}", "schema is missing" },
	{ "schema.json", "{\"schema\":\"memslot-bench/3\",\"runs\":[]}",
	  "schema 'memslot-bench/3' is not memslot-bench/1 or memslot-bench/2" },
	{ "runs.json", DOC("{}"), "runs is not an array" },
	{ "norun.json", DOC("[7]"), "runs[0] is not an object" },
	{ "sample.json",
	  DOC("[" GOOD_RUN "," UNSUP_RUN ",{\"scenario\":\"delete\",\"variant\":\"v\","
	      "\"params\":{},\"status\":\"measured\",\"metrics\":{\"delete_ns\":{\"unit\":"
	      "\"ns\",\"samples\":[1,2,3,4,5,\"6\"],\"summary\":{\"n\":6}}}}]"),
	  "runs[2].metrics.delete_ns.samples[5] is not a number" },
	{ "nan.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"measured\","
	      "\"metrics\":{\"x\":{\"unit\":\"ns\",\"samples\":[NaN],\"summary\":{\"n\":1}}}}]"),
	  "runs[0].metrics.x.samples[0] is not finite" },
	{ "count.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"measured\","
	      "\"metrics\":{\"x\":{\"unit\":\"ns\",\"samples\":[1,2,3],\"summary\":{\"n\":2}}}}]"),
	  "runs[0].metrics.x.summary.n is 2 but there are 3 samples" },
	{ "median.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"measured\","
	      "\"metrics\":{\"x\":{\"unit\":\"ns\",\"samples\":[1],\"summary\":{\"n\":1}}}}]"),
	  "runs[0].metrics.x.summary.min is missing" },
	{ "unit.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"measured\","
	      "\"metrics\":{\"x\":{\"unit\":1,\"samples\":[],\"summary\":{\"n\":0}}}}]"),
	  "runs[0].metrics.x.unit is not a string" },
	{ "params.json", DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"status\":\"measured\"}]"),
	  "runs[0].params is missing" },
	{ "scenario.json", DOC("[{\"scenario\":3}]"), "runs[0].scenario is not a string" },
	{ "status.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"done\"}]"),
	  "runs[0].status 'done' is neither measured nor unsupported" },
	{ "reason.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"unsupported\"}]"),
	  "runs[0].reason is missing" },
	{ "metrics.json",
	  DOC("[{\"scenario\":\"s\",\"variant\":\"v\",\"params\":{},\"status\":\"measured\","
	      "\"metrics\":[]}]"),
	  "runs[0].metrics is not an object" },
};

static void expect_reject(const char *path, const char *want)
{
	json_object *root = (json_object *)1;
	char err[512] = "";

	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), -1);
	CHECK(root == NULL);
	/* One line: "FILE: what is wrong". */
	CHECK(!strncmp(err, path, strlen(path)) && !strncmp(err + strlen(path), ": ", 2));
	CHECK(strstr(err, want) != NULL);
	CHECK(!strchr(err, '\n'));
	if (!strstr(err, want))
		fprintf(stderr, "  wanted '%s', got '%s'\n", want, err);
}

static void test_reject(void)
{
	json_object *root = NULL;
	char path[320], err[512];

	path_in(path, sizeof(path), "missing.json");
	expect_reject(path, "No such file or directory");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		path_in(path, sizeof(path), bad[i].name);
		spit(path, bad[i].text);
		expect_reject(path, bad[i].want);
	}

	/* The hand-written good runs pass, integers and doubles alike. */
	path_in(path, sizeof(path), "good.json");
	spit(path, DOC("[" GOOD_RUN "," UNSUP_RUN "]"));
	CHECK_EQ_INT(result_read(path, &root, err, sizeof(err)), 0);
	json_object_put(root);
}

static void cleanup(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[600];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_result.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 99;
	}
	test_write_read();
	test_stdout();
	test_edge_series();
	test_reject();
	CHECK_EQ_INT(count_tmp_files(), 0);
	cleanup();
	CHECK_DONE();
}
