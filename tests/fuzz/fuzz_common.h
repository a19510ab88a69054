/* SPDX-License-Identifier: GPL-2.0 */
/* What the fuzz harnesses and tests/test_fuzz_regress share: one input fed through the
 * JSON result reader and the report model (fuzz_result_path) and through the plain
 * sample-file reader (fuzz_samples_stream), with everything a report command would
 * then ask of it; and a memfd to hand a buffer to readers that take a path. */
#ifndef MSB_FUZZ_COMMON_H
#define MSB_FUZZ_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Result file at path: result_read(), rs_load() and the model's queries. 0 when read. */
int fuzz_result_path(const char *path);
/* Sample file from f: samplefile_parse(), medians, pooled samples and a verdict of the
 * set against itself. 0 when read. */
int fuzz_samples_stream(FILE *f, const char *name);
/* Create the process's memfd and its /proc/self/fd path: 0, or -1. */
int fuzz_memfd_path(char *path, size_t len);
/* Replace the memfd's contents with data: 0, or -1. */
int fuzz_memfd_fill(const uint8_t *data, size_t size);

#endif
