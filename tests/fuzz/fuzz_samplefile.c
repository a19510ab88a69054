/* SPDX-License-Identifier: GPL-2.0 */
/* libFuzzer harness over the plain sample-file reader (samplefile_parse) and what
 * `compare --samples` then does with the set. Built and run by `make fuzz`. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char empty[1] = "";
	/* fmemopen() of 0 bytes fails on older glibc: an empty file reads as empty. */
	FILE *f = fmemopen(size ? (void *)data : (void *)empty, size ? size : 1, "r");

	if (!f)
		abort();
	if (!size)
		(void)fgetc(f);
	fuzz_samples_stream(f, "fuzz.txt");
	fclose(f);
	return 0;
}
