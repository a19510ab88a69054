/* SPDX-License-Identifier: GPL-2.0 */
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void vmsg(const char *prefix, const char *fmt, va_list ap, int err)
{
	fprintf(stderr, "memslot-bench: %s", prefix);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err));
	fputc('\n', stderr);
}

void msb_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, 0);
	va_end(ap);
	exit(1);
}

void msb_die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vmsg("", fmt, ap, err);
	va_end(ap);
	exit(1);
}

void msb_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap, 0);
	va_end(ap);
}

void msb_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "memslot-bench %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void vformat(char *dst, size_t len, const char *fmt, va_list ap)
{
	if (dst && len)
		vsnprintf(dst, len, fmt, ap);
}

void msb_snprintf(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(dst, len, fmt, ap);
	va_end(ap);
}

int msb_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int msb_fail_code(int code, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vformat(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

void *msb_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		msb_die("out of memory allocating %zu x %zu bytes", n, size);
	return p;
}

void *msb_realloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		msb_die("allocation of %zu x %zu bytes overflows", n, size);
	size_t bytes = n * size;
	void *q = realloc(p, bytes ? bytes : 1);
	if (!q)
		msb_die("out of memory allocating %zu x %zu bytes", n, size);
	return q;
}

char *msb_strdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		msb_die("out of memory");
	return d;
}

bool parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static const struct {
	const char *suffix;
	uint64_t ns;
} duration_units[] = { { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000ULL },
		       { "m", 60000000000ULL }, { "h", 3600000000000ULL } };

bool parse_duration_ns(const char *s, uint64_t *ns)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (errno || !isfinite(x))
		return false;
	if (!*end && x == 0) {
		*ns = 0;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(duration_units); i++)
		if (!strcmp(end, duration_units[i].suffix)) {
			double v = x * (double)duration_units[i].ns;
			if (v >= 1.8e19)
				return false;
			*ns = (uint64_t)(v + 0.5);
			return true;
		}
	return false;
}

void format_duration_ns(uint64_t ns, char *buf, size_t len)
{
	size_t i = ARRAY_SIZE(duration_units) - 1;
	while (i > 0 && (ns % duration_units[i].ns || !ns))
		i--;
	snprintf(buf, len, "%llu%s", (unsigned long long)(ns / duration_units[i].ns),
		 duration_units[i].suffix);
}

bool parse_size(const char *s, uint64_t *out)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	unsigned shift = 0;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return false;
	}
	if (*end) {
		end++;
		/* Accept "4G", "4GB", "4GiB". */
		if (toupper((unsigned char)*end) == 'I')
			end++;
		if (toupper((unsigned char)*end) == 'B')
			end++;
		if (*end)
			return false;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;
	uint64_t v = bytes;
	while (v && !(v & 1023) && u < 3) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool read_text_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return true;
}

uint64_t msb_rand_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void msb_shuffle(unsigned *idx, unsigned n, uint64_t *state)
{
	for (unsigned i = n; i > 1; i--) {
		unsigned j = (unsigned)(msb_rand_next(state) % i);
		unsigned t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
