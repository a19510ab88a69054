/* SPDX-License-Identifier: GPL-2.0 */
/* The readers as the report commands drive them, for the fuzz harnesses and the
 * regression test: see fuzz_common.h. */
#include "config.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "report/model.h"
#include "report/report.h"
#include "result.h"
#include "samplefile.h"

static int memfd = -1;

int fuzz_memfd_path(char *path, size_t len)
{
	memfd = memfd_create("fuzz-input", MFD_CLOEXEC);
	if (memfd < 0)
		return -1;
	snprintf(path, len, "/proc/self/fd/%d", memfd);
	return 0;
}

int fuzz_memfd_fill(const uint8_t *data, size_t size)
{
	if (ftruncate(memfd, 0) < 0)
		return -1;
	for (size_t off = 0; off < size;) {
		ssize_t n = pwrite(memfd, data + off, size - off, (off_t)off);

		if (n <= 0)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* What compare, kinds and plotdata ask of a metric. */
static void query_metric(const struct rs_run *r, const struct rs_metric *m)
{
	struct summary sum;
	size_t n, k;
	double *v;

	(void)rs_summary(m, &sum);
	free(rs_sorted(m, 1e-3, &n));
	v = rs_vm_medians(r, m, &k);
	free(v);
}

static void query_run(const struct rs_run *r)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	if (null)
		result_print_raw(null, null, r->obj); /* run --raw, export's raw text */
	free(run_key(r->obj, true));
	free(run_key(r->obj, false));
	(void)rs_metric(r, r->scale);
	query_metric(r, rs_primary(r));
	for (size_t j = 0; j < r->nmetrics; j++)
		query_metric(r, &r->metrics[j]);
}

int fuzz_result_path(const char *path)
{
	struct result_set s = { 0 };
	json_object *root;
	char err[1024];

	if (result_read(path, &root, err, sizeof(err)) < 0)
		return -1;
	json_object_put(root);
	/* As compare loads it (an incomplete file refused), then as export does. */
	if (rs_load(&s, path, err, sizeof(err)) < 0) {
		rs_free(&s); /* the set is unchanged, and still the caller's to free */
		s.allow_incomplete = true;
		if (rs_load(&s, path, err, sizeof(err)) < 0) {
			rs_free(&s);
			return -1;
		}
	}
	for (size_t f = 0; f < s.nfiles; f++) {
		free(canon_str(s.files[f].root, true));
		for (size_t i = 0; i < s.files[f].nruns; i++)
			query_run(&s.files[f].runs[i]);
	}
	rs_free(&s);
	return 0;
}

int fuzz_samples_stream(FILE *f, const char *name)
{
	struct sample_set s;
	struct verdict v;
	char err[512];

	if (samplefile_parse(f, name, &s, err, sizeof(err)) < 0)
		return -1;
	free(samplefile_vm_medians(&s));
	free(samplefile_all(&s));
	(void)samplefile_verdict(&s, &s, NULL, &v);
	samplefile_free(&s);
	return 0;
}
