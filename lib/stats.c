/* SPDX-License-Identifier: GPL-2.0 */
/* KVM binary statistics: parse the stats file image that KVM_GET_STATS_FD exposes
 * (header, id string, descriptors, data block) and read values by name.
 * See Documentation/virt/kvm/api.rst, "KVM_GET_STATS_FD". */
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

/* Kernels use 48; anything far beyond that is a corrupt header, and the bound
 * keeps num_desc * stride well inside 64 bits. */
#define STATS_MAX_NAME_SIZE	4096
/* A stats file is a few KiB; refuse to slurp something absurd. */
#define STATS_MAX_FILE		(16 * MIB)
#define DESC_FIXED		sizeof(struct kvm_stats_desc)


static void free_fields(struct kvm_stats *st)
{
	for (size_t i = 0; i < st->nfields; i++)
		free(st->fields[i].name);
	free(st->fields);
	st->fields = NULL;
	st->nfields = 0;
}

/* The header: name size, id string, descriptor and data blocks inside the blob. */
static int check_header(const unsigned char *b, size_t len, const struct kvm_stats_header *h,
			char *err, size_t errlen)
{
	uint64_t stride = DESC_FIXED + (uint64_t)h->name_size;
	uint64_t desc_end = (uint64_t)h->desc_offset + (uint64_t)h->num_desc * stride;

	if (h->name_size == 0 || h->name_size > STATS_MAX_NAME_SIZE)
		return msb_fail(err, errlen, "stats header: implausible name_size %u", h->name_size);
	/* id string: name_size bytes, NUL-terminated inside them */
	if (h->id_offset < sizeof(*h) || (uint64_t)h->id_offset + h->name_size > len)
		return msb_fail(err, errlen, "stats header: id_offset %u out of range (len %zu)",
			    h->id_offset, len);
	if (!memchr(b + h->id_offset, '\0', h->name_size))
		return msb_fail(err, errlen, "stats id string not NUL-terminated within %u bytes",
			    h->name_size);
	if (h->desc_offset < sizeof(*h) || h->desc_offset > len)
		return msb_fail(err, errlen, "stats header: desc_offset %u beyond blob (len %zu)",
			    h->desc_offset, len);
	if (desc_end > len)
		return msb_fail(err, errlen,
			    "stats descriptors truncated: %u x %llu bytes at %u exceed len %zu",
			    h->num_desc, (unsigned long long)stride, h->desc_offset, len);
	/* The data block follows the descriptors; it must not overlap them. */
	if (h->data_offset > len)
		return msb_fail(err, errlen, "stats header: data_offset %u beyond blob (len %zu)",
			    h->data_offset, len);
	if (h->data_offset < sizeof(*h) ||
	    (h->data_offset >= h->desc_offset && h->data_offset < desc_end))
		return msb_fail(err, errlen, "stats header: data_offset %u overlaps header or descriptors",
			    h->data_offset);
	return 0;
}

/* Descriptor i into f; its data must end within data_avail bytes. *end gets where. */
static int parse_desc(const unsigned char *p, uint32_t i, uint32_t name_size,
		      uint64_t data_avail, struct kvm_stat_field *f, uint64_t *end, char *err,
		      size_t errlen)
{
	struct kvm_stats_desc d;
	const char *name = (const char *)p + DESC_FIXED;

	memcpy(&d, p, DESC_FIXED);
	if (!memchr(name, '\0', name_size))
		return msb_fail(err, errlen, "stats descriptor %u: name not NUL-terminated within "
				"%u bytes", i, name_size);
	if (!name[0])
		return msb_fail(err, errlen, "stats descriptor %u: empty name", i);
	/* snapshots are u64 arrays: offsets must be u64-aligned */
	if (d.offset % sizeof(uint64_t))
		return msb_fail(err, errlen, "stats %s: offset %u not 8-byte aligned", name, d.offset);
	*end = (uint64_t)d.offset + (uint64_t)d.size * sizeof(uint64_t);
	if (*end > data_avail)
		return msb_fail(err, errlen, "stats %s: offset %u size %u beyond data block (%llu "
				"bytes)", name, d.offset, d.size, (unsigned long long)data_avail);
	f->name = msb_strdup(name);
	f->flags = d.flags;
	f->exponent = d.exponent;
	f->size = d.size;
	f->offset = d.offset;
	return 0;
}

int stats_parse(const void *blob, size_t len, struct kvm_stats *out, char *err, size_t errlen)
{
	const unsigned char *b = blob;
	struct kvm_stats_header h;
	uint64_t data_len = 0;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (err && errlen)
		err[0] = '\0';
	if (!blob || len < sizeof(h))
		return msb_fail(err, errlen, "stats blob truncated: %zu bytes, header needs %zu",
			    len, sizeof(h));
	memcpy(&h, b, sizeof(h));
	if (check_header(b, len, &h, err, errlen) < 0)
		return -1;

	uint64_t stride = DESC_FIXED + (uint64_t)h.name_size;
	out->fields = msb_calloc(h.num_desc, sizeof(*out->fields));
	for (uint32_t i = 0; i < h.num_desc; i++) {
		uint64_t end = 0;
		if (parse_desc(b + h.desc_offset + (uint64_t)i * stride, i, h.name_size,
			       len - h.data_offset, &out->fields[i], &end, err, errlen) < 0) {
			free_fields(out);
			return -1;
		}
		if (end > data_len)
			data_len = end;
		out->nfields = i + 1;
	}
	snprintf(out->id, sizeof(out->id), "%s", (const char *)b + h.id_offset);
	out->data_offset = h.data_offset;
	out->data_len = data_len;
	return 0;
}

/* Read the whole stats file: KVM's read returns 0 past the end of the data block. */
static int read_all(int fd, unsigned char **bufp, size_t *lenp)
{
	size_t cap = 4096, len = 0;
	unsigned char *buf = msb_calloc(1, cap);

	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= STATS_MAX_FILE) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			buf = msb_realloc(buf, cap, 1);
		}
		n = pread(fd, buf + len, cap - len, (off_t)len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

int stats_open(int kvm_obj_fd, struct kvm_stats *out)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char err[200];
	int fd, r;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	fd = ioctl(kvm_obj_fd, KVM_GET_STATS_FD, NULL);
	if (fd < 0)
		return -errno;
	r = read_all(fd, &buf, &len);
	if (r < 0) {
		close(fd);
		return r;
	}
	if (stats_parse(buf, len, out, err, sizeof(err)) < 0) {
		/* the kernel handed us something we cannot read: say what */
		msb_warn("KVM_GET_STATS_FD: %s", err);
		free(buf);
		close(fd);
		return -EPROTO;
	}
	free(buf);
	out->fd = fd;
	return 0;
}

void stats_close(struct kvm_stats *st)
{
	free_fields(st);
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
}

void stats_snapshot(const struct kvm_stats *st, struct kvm_stats_snap *snap)
{
	size_t done = 0;

	if (st->fd < 0)
		msb_die("stats snapshot of %s: no stats fd (schema from a blob?)",
			st->id[0] ? st->id : "stats");
	snap->len = st->data_len;
	snap->data = msb_calloc(st->data_len / sizeof(uint64_t) + 1, sizeof(uint64_t));
	while (done < st->data_len) {
		ssize_t n = pread(st->fd, (char *)snap->data + done, st->data_len - done,
				  (off_t)(st->data_offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			msb_die_errno("reading KVM stats of %s", st->id);
		if (n == 0)
			msb_die("reading KVM stats of %s: short read (%zu of %zu bytes)",
				st->id, done, st->data_len);
		done += (size_t)n;
	}
}

int stats_snapshot_blob(const struct kvm_stats *st, const void *blob, size_t len,
			struct kvm_stats_snap *snap)
{
	snap->data = NULL;
	snap->len = 0;
	if (st->data_offset > len || st->data_len > len - st->data_offset)
		return -1;
	snap->len = st->data_len;
	snap->data = msb_calloc(st->data_len / sizeof(uint64_t) + 1, sizeof(uint64_t));
	memcpy(snap->data, (const char *)blob + st->data_offset, st->data_len);
	return 0;
}

void stats_snap_free(struct kvm_stats_snap *snap)
{
	free(snap->data);
	snap->data = NULL;
	snap->len = 0;
}

const struct kvm_stat_field *stats_find(const struct kvm_stats *st, const char *name)
{
	for (size_t i = 0; i < st->nfields; i++)
		if (!strcmp(st->fields[i].name, name))
			return &st->fields[i];
	return NULL;
}

bool stats_get(const struct kvm_stats *st, const struct kvm_stats_snap *snap, const char *name,
	       uint64_t *val)
{
	const struct kvm_stat_field *f = stats_find(st, name);

	/* histograms have no single value */
	if (!f || f->size != 1 || !snap->data ||
	    (uint64_t)f->offset + sizeof(uint64_t) > snap->len)
		return false;
	*val = snap->data[f->offset / sizeof(uint64_t)];
	return true;
}

bool stats_delta(const struct kvm_stats *st, const struct kvm_stats_snap *before,
		 const struct kvm_stats_snap *after, const char *name, int64_t *delta)
{
	uint64_t a, b;

	if (!stats_get(st, before, name, &b) || !stats_get(st, after, name, &a))
		return false;
	/* instant stats (pages_4k) may shrink: wrap-around subtraction gives the sign */
	*delta = (int64_t)(a - b);
	return true;
}
