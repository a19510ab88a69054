/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every part of memslot-bench uses: fatal errors, allocation, sizes. */
#ifndef MSB_UTIL_H
#define MSB_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KIB (1ULL << 10)
#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

/* Print "memslot-bench: <message>" on stderr and exit(1). */
__attribute__((noreturn, format(printf, 1, 2))) void msb_die(const char *fmt, ...);
/* Same, with ": strerror(errno)" appended. */
__attribute__((noreturn, format(printf, 1, 2))) void msb_die_errno(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void msb_warn(const char *fmt, ...);
/* Bad usage: "memslot-bench <cmd>: <message>" on stderr and exit(2). */
__attribute__((noreturn, format(printf, 2, 3))) void msb_usage_error(const char *cmd,
								     const char *fmt, ...);
/* Format a one-line error into err (when err is not NULL) and return -1: the library's
 * "fail with a message" for functions that must not exit. */
__attribute__((format(printf, 3, 4))) int msb_fail(char *err, size_t errlen, const char *fmt, ...);
/* msb_fail returning the caller's code instead of -1 (e.g. a BAD or CANNOT status). */
__attribute__((format(printf, 4, 5))) int msb_fail_code(int code, char *err, size_t errlen,
							 const char *fmt, ...);
/* snprintf that may truncate on purpose (one bounded human line), no result to check;
 * nothing when dst is NULL or len 0. */
__attribute__((format(printf, 3, 4))) void msb_snprintf(char *dst, size_t len, const char *fmt,
							...);

void *msb_calloc(size_t n, size_t size);
void *msb_realloc(void *p, size_t n, size_t size);
char *msb_strdup(const char *s);

/* "4G", "512M", "4096", "2m" -> bytes (K/M/G/T are powers of 1024). false on bad input. */
bool parse_size(const char *s, uint64_t *out);
/* "250us", "1ms", "1.5s", "2m", "100ns" (a unit is required but for "0"): ns. */
bool parse_duration_ns(const char *s, uint64_t *ns);
/* The shortest exact spelling parse_duration_ns reads back: "1ms", "250us", "2s". */
void format_duration_ns(uint64_t ns, char *buf, size_t len);
/* Unsigned decimal with bounds; false on junk, overflow or out of range. */
bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Format bytes as "1G", "2M", "4K" or plain bytes when not a whole unit. */
void format_size(uint64_t bytes, char *buf, size_t len);

uint64_t now_ns(void); /* CLOCK_MONOTONIC */
/* splitmix64: a small reproducible generator for schedules (not for secrets). */
uint64_t msb_rand_next(uint64_t *state);
/* Fisher-Yates shuffle of idx[0..n) with the generator. */
void msb_shuffle(unsigned *idx, unsigned n, uint64_t *state);
/* Read a small sysfs/proc file into buf, trailing newline stripped; false if unreadable. */
bool read_text_file(const char *path, char *buf, size_t len);

#endif
