/* SPDX-License-Identifier: GPL-2.0 */
/* Every input the fuzzers (make fuzz, tests/fuzz/) ever crashed on, kept in
 * tests/fuzz/regressions/, through both readers as the harnesses drive them: the JSON
 * result reader with the report model (result_read, rs_load, the model's queries) and
 * the plain sample-file reader (samplefile_parse, medians, a verdict). Each must be
 * read or refused, never crash (an abort or a fault fails the test). No KVM. */
#include "check.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz/fuzz_common.h"

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int main(void)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], path[4096 + 256];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/regressions", top ? top : ".");
	n = scandir(dir, &ents, not_hidden, by_name);
	CHECK(n > 0);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		int json = fuzz_result_path(path);
		FILE *f = fopen(path, "r");

		CHECK(f != NULL);
		int samples = f ? fuzz_samples_stream(f, ents[i]->d_name) : -1;

		if (f)
			fclose(f);
		printf("%-50s result %-7s samples %s\n", ents[i]->d_name,
		       json ? "refused" : "read", samples ? "refused" : "read");
		free(ents[i]);
	}
	free(n > 0 ? ents : NULL);
	CHECK_DONE();
}
