/* SPDX-License-Identifier: GPL-2.0 */
/* KVM binary statistics (KVM_GET_STATS_FD) for VM and vCPU fds: schema, snapshots,
 * and deltas by name. A name the kernel does not export is absent, never 0. */
#ifndef MSB_STATS_H
#define MSB_STATS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_stat_field {
	char *name;
	uint32_t flags;    /* KVM_STATS_TYPE_* | KVM_STATS_UNIT_* | KVM_STATS_BASE_* */
	int16_t exponent;
	uint16_t size;     /* number of u64 values (1 except histograms) */
	uint32_t offset;   /* byte offset in the data block */
};

struct kvm_stats {
	int fd;              /* -1 for a schema parsed from a recorded blob */
	char id[64];         /* "kvm-1234" / "kvm-1234/vcpu-0" */
	size_t nfields;
	struct kvm_stat_field *fields;
	uint64_t data_offset;
	size_t data_len;     /* bytes */
};

struct kvm_stats_snap {
	uint64_t *data; /* data_len bytes */
	size_t len;
};

/* Parse header + descriptors from a whole stats file image (blob of len bytes,
 * header through the end of the data block: every field must lie inside
 * [data_offset, len)). Returns 0, or -1 with a one-line message in err.
 * Pure: used on recorded blobs in tests. */
int stats_parse(const void *blob, size_t len, struct kvm_stats *out, char *err, size_t errlen);
/* KVM_GET_STATS_FD on a VM or vCPU fd and parse its schema; -errno on failure. */
int stats_open(int kvm_obj_fd, struct kvm_stats *out);
void stats_close(struct kvm_stats *st);

/* Read current values (pread of the data block); dies on I/O error. */
void stats_snapshot(const struct kvm_stats *st, struct kvm_stats_snap *snap);
/* Same, from a recorded blob; -1 if the blob is too short for the data block. */
int stats_snapshot_blob(const struct kvm_stats *st, const void *blob, size_t len,
			struct kvm_stats_snap *snap);
void stats_snap_free(struct kvm_stats_snap *snap);

const struct kvm_stat_field *stats_find(const struct kvm_stats *st, const char *name);
/* Value of a scalar stat; false if the kernel has no such stat. */
bool stats_get(const struct kvm_stats *st, const struct kvm_stats_snap *snap, const char *name,
	       uint64_t *val);
/* after - before; false if absent. */
bool stats_delta(const struct kvm_stats *st, const struct kvm_stats_snap *before,
		 const struct kvm_stats_snap *after, const char *name, int64_t *delta);

#endif
