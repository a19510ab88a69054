/* SPDX-License-Identifier: GPL-2.0 */
/* libFuzzer harness over the JSON result reader: result_read() (syntax, schema, keys,
 * types), then the report model's rs_load() (upgrade of schema 1, roles, primary,
 * index) and what the report commands ask of each run (summaries, sorted samples,
 * per-VM medians, the run key). The input goes through a memfd so that both take it
 * by path, as the commands do. Built and run by `make fuzz` (tests/fuzz/fuzz.sh). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];

	if (!path[0] && fuzz_memfd_path(path, sizeof(path)) < 0)
		abort();
	if (fuzz_memfd_fill(data, size) < 0)
		abort();
	fuzz_result_path(path);
	return 0;
}
