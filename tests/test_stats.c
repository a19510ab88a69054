/* SPDX-License-Identifier: GPL-2.0 */
/* Unit test for lib/stats: parse KVM binary stats images (a synthetic one and the
 * ones recorded in the lab by tests/record_stats), read values and deltas by name,
 * and reject corrupt images with a message. */
#include "check.h"
#include "stats.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kvm.h>

#define NAME_SIZE 48
#define STRIDE (sizeof(struct kvm_stats_desc) + NAME_SIZE)

struct synth_field {
	const char *name;
	uint32_t flags;
	uint16_t size;
	uint64_t value; /* every element of the field gets this value */
};

static const struct synth_field synth_fields[] = {
	{ "remote_tlb_flush", KVM_STATS_TYPE_CUMULATIVE, 1, 7 },
	{ "mmu_shadow_zapped", KVM_STATS_TYPE_CUMULATIVE, 1, 518 },
	{ "pages_4k", KVM_STATS_TYPE_INSTANT, 1, 262144 },
	{ "halt_poll_success_hist", KVM_STATS_TYPE_LOG_HIST, 4, 1 },
	{ "max_mmu_rmap_size", KVM_STATS_TYPE_PEAK, 1, 3 },
};

/* Lay out an image the way the kernel does: header, id, descriptors, data. */
static unsigned char *synth_blob(size_t *lenp)
{
	struct kvm_stats_header h = {
		.name_size = NAME_SIZE,
		.num_desc = ARRAY_SIZE(synth_fields),
		.id_offset = sizeof(h),
	};
	uint32_t data_len = 0;
	unsigned char *b;

	h.desc_offset = h.id_offset + NAME_SIZE;
	h.data_offset = h.desc_offset + h.num_desc * STRIDE;
	for (size_t i = 0; i < ARRAY_SIZE(synth_fields); i++)
		data_len += synth_fields[i].size * 8;
	*lenp = h.data_offset + data_len;
	b = msb_calloc(1, *lenp);
	memcpy(b, &h, sizeof(h));
	strcpy((char *)b + h.id_offset, "kvm-4242");

	uint32_t off = 0;
	for (size_t i = 0; i < ARRAY_SIZE(synth_fields); i++) {
		const struct synth_field *sf = &synth_fields[i];
		struct kvm_stats_desc d = {
			.flags = sf->flags, .size = sf->size, .offset = off,
		};
		unsigned char *p = b + h.desc_offset + i * STRIDE;

		memcpy(p, &d, sizeof(d));
		strcpy((char *)p + sizeof(d), sf->name);
		for (unsigned k = 0; k < sf->size; k++)
			memcpy(b + h.data_offset + off + k * 8, &sf->value, 8);
		off += sf->size * 8;
	}
	return b;
}

static struct kvm_stats_header *hdr(unsigned char *b)
{
	return (struct kvm_stats_header *)b;
}

static struct kvm_stats_desc *desc(unsigned char *b, uint32_t i)
{
	struct kvm_stats_header *h = hdr(b);

	return (struct kvm_stats_desc *)(b + h->desc_offset +
					 i * (sizeof(struct kvm_stats_desc) + h->name_size));
}

/* A corrupt image must fail with a one-line message and leave nothing allocated. */
static void expect_reject(const char *what, const unsigned char *b, size_t len, const char *word)
{
	struct kvm_stats st;
	char err[200] = "";
	int r = stats_parse(b, len, &st, err, sizeof(err));

	if (r != -1) {
		fprintf(stderr, "corrupt image (%s) accepted\n", what);
		check_failures++;
		stats_close(&st);
		return;
	}
	CHECK(err[0] != '\0');
	CHECK(!strchr(err, '\n'));
	CHECK(st.nfields == 0 && st.fields == NULL);
	if (word && !strstr(err, word)) {
		fprintf(stderr, "%s: message \"%s\" does not mention \"%s\"\n", what, err, word);
		check_failures++;
	}
	printf("  rejected %s: %s\n", what, err);
}

static void check_corruptions(const char *label, const unsigned char *orig, size_t len)
{
	unsigned char *b = msb_calloc(1, len);
	struct kvm_stats_header *h;
	uint32_t data_bytes;

	printf("%s: corruptions\n", label);
	expect_reject("empty", orig, 0, "truncated");
	expect_reject("truncated header", orig, sizeof(struct kvm_stats_header) - 1, "truncated");

	h = hdr(b);
	memcpy(b, orig, len);
	/* cut in the middle of the last descriptor */
	expect_reject("truncated descriptors", b,
		      h->desc_offset + h->num_desc * (sizeof(struct kvm_stats_desc) + h->name_size) - 5,
		      "truncated");
	/* cut in the data block: the last field no longer fits */
	expect_reject("truncated data", b, len - 8, "beyond data");

	memcpy(b, orig, len);
	h->desc_offset = (uint32_t)len + 8;
	expect_reject("desc_offset beyond len", b, len, "desc_offset");

	memcpy(b, orig, len);
	h->data_offset = (uint32_t)len + 1;
	expect_reject("data_offset beyond len", b, len, "data_offset");

	memcpy(b, orig, len);
	h->id_offset = (uint32_t)len - 4;
	expect_reject("id_offset beyond len", b, len, "id_offset");

	memcpy(b, orig, len);
	h->name_size = 0;
	expect_reject("name_size 0", b, len, "name_size");

	memcpy(b, orig, len);
	h->num_desc = 0xffffffffu; /* num_desc * stride must not wrap */
	expect_reject("huge num_desc", b, len, "truncated");

	memcpy(b, orig, len);
	memset((char *)desc(b, 0) + sizeof(struct kvm_stats_desc), 'A', h->name_size);
	expect_reject("name not NUL-terminated", b, len, "NUL");

	memcpy(b, orig, len);
	memset(b + h->id_offset, 'x', h->name_size);
	expect_reject("id not NUL-terminated", b, len, "NUL");

	memcpy(b, orig, len);
	data_bytes = (uint32_t)len - h->data_offset;
	desc(b, h->num_desc - 1)->offset = (data_bytes + 8) & ~7u;
	expect_reject("field offset beyond data", b, len, "beyond data");

	memcpy(b, orig, len);
	desc(b, 0)->offset = 0xfffffff8u;
	desc(b, 0)->size = 0xffff;
	expect_reject("field offset + size huge", b, len, "beyond data");

	memcpy(b, orig, len);
	desc(b, 0)->offset += 4;
	expect_reject("misaligned field offset", b, len, "aligned");

	free(b);
}

/* Value of a scalar in the blob itself, for patching. */
static uint64_t *blob_value(unsigned char *b, const struct kvm_stats *st, const char *name)
{
	const struct kvm_stat_field *f = stats_find(st, name);

	return f ? (uint64_t *)(b + st->data_offset + f->offset) : NULL;
}

/* Patch one value in a copy of the image and check stats_delta sees exactly the patch. */
static void check_delta(const unsigned char *orig, size_t len, const struct kvm_stats *st,
			const char *name, int64_t patch)
{
	unsigned char *b = msb_calloc(1, len);
	struct kvm_stats_snap before, after;
	uint64_t *v, v0 = 0, v1 = 0;
	int64_t d = 0;

	memcpy(b, orig, len);
	v = blob_value(b, st, name);
	CHECK(v != NULL);
	if (!v) {
		free(b);
		return;
	}
	*v += (uint64_t)patch;
	CHECK_EQ_INT(stats_snapshot_blob(st, orig, len, &before), 0);
	CHECK_EQ_INT(stats_snapshot_blob(st, b, len, &after), 0);
	CHECK(stats_get(st, &before, name, &v0));
	CHECK(stats_get(st, &after, name, &v1));
	CHECK_EQ_U64(v1 - v0, (uint64_t)patch);
	CHECK(stats_delta(st, &before, &after, name, &d));
	CHECK_EQ_INT(d, patch);
	CHECK(stats_delta(st, &after, &before, name, &d));
	CHECK_EQ_INT(d, -patch);
	CHECK(!stats_delta(st, &before, &after, "no_such_stat", &d));
	stats_snap_free(&before);
	stats_snap_free(&after);
	free(b);
}

static void test_synthetic(void)
{
	size_t len;
	unsigned char *b = synth_blob(&len);
	struct kvm_stats st;
	struct kvm_stats_snap snap;
	char err[200];
	uint64_t v = 12345;

	printf("synthetic image: %zu bytes\n", len);
	CHECK_EQ_INT(stats_parse(b, len, &st, err, sizeof(err)), 0);
	CHECK_EQ_INT(st.fd, -1);
	CHECK(!strcmp(st.id, "kvm-4242"));
	CHECK_EQ_U64(st.nfields, ARRAY_SIZE(synth_fields));
	CHECK_EQ_U64(st.data_len, len - st.data_offset);
	CHECK_EQ_INT(stats_snapshot_blob(&st, b, len, &snap), 0);
	CHECK_EQ_U64(snap.len, st.data_len);
	for (size_t i = 0; i < ARRAY_SIZE(synth_fields); i++) {
		const struct synth_field *sf = &synth_fields[i];
		const struct kvm_stat_field *f = stats_find(&st, sf->name);

		CHECK(f != NULL);
		if (!f)
			continue;
		CHECK_EQ_U64(f->flags, sf->flags);
		CHECK_EQ_U64(f->size, sf->size);
		if (sf->size == 1) {
			CHECK(stats_get(&st, &snap, sf->name, &v));
			CHECK_EQ_U64(v, sf->value);
		} else {
			/* a histogram has no scalar value */
			CHECK(!stats_get(&st, &snap, sf->name, &v));
		}
	}
	v = 12345;
	CHECK(!stats_get(&st, &snap, "no_such_stat", &v));
	CHECK_EQ_U64(v, 12345); /* untouched: absent is not 0 */
	CHECK(stats_find(&st, "no_such_stat") == NULL);
	/* a snapshot needs the data block */
	stats_snap_free(&snap);
	CHECK_EQ_INT(stats_snapshot_blob(&st, b, len - 1, &snap), -1);
	stats_snap_free(&snap);

	check_delta(b, len, &st, "remote_tlb_flush", 1000);
	check_delta(b, len, &st, "pages_4k", -4096); /* instant stats shrink */
	stats_close(&st);

	check_corruptions("synthetic", b, len);
	free(b);
}

static unsigned char *load(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	size_t cap = 0, len = 0, n;

	if (!f)
		return NULL;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 8192;
			b = msb_realloc(b, cap, 1);
		}
		n = fread(b + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	*lenp = len;
	return b;
}

/* Returns false when the file is missing. */
static bool test_recorded(const char *dir, const char *file, const char *const *names,
			  size_t nnames, const char *patch_name)
{
	char path[4096];
	size_t len;
	unsigned char *b;
	struct kvm_stats st;
	struct kvm_stats_snap snap;
	char err[200];
	uint64_t v;

	snprintf(path, sizeof(path), "%s/tests/data/%s", dir, file);
	b = load(path, &len);
	if (!b) {
		fprintf(stderr, "test_stats: cannot read %s: record it in the lab with "
			"scripts/lab.sh --out tests/data -- tests/record_stats tests/data\n", path);
		return false;
	}
	printf("%s: %zu bytes\n", file, len);
	if (stats_parse(b, len, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s: %s\n", path, err);
		check_failures++;
		free(b);
		return true;
	}
	printf("  id %s, %zu fields, data %zu bytes at %llu\n", st.id, st.nfields, st.data_len,
	       (unsigned long long)st.data_offset);
	CHECK(st.id[0] != '\0');
	CHECK(st.nfields > 0);
	CHECK_EQ_INT(stats_snapshot_blob(&st, b, len, &snap), 0);
	for (size_t i = 0; i < nnames; i++) {
		const struct kvm_stat_field *f = stats_find(&st, names[i]);

		if (!f) {
			fprintf(stderr, "%s: stat %s missing\n", file, names[i]);
			check_failures++;
			continue;
		}
		CHECK_EQ_U64(f->size, 1);
		CHECK(stats_get(&st, &snap, names[i], &v));
		printf("  %s = %llu\n", names[i], (unsigned long long)v);
	}
	v = 777;
	CHECK(!stats_get(&st, &snap, "no_such_stat", &v));
	CHECK_EQ_U64(v, 777);
	stats_snap_free(&snap);

	check_delta(b, len, &st, patch_name, 4242);
	stats_close(&st);
	check_corruptions(file, b, len);
	free(b);
	return true;
}

int main(void)
{
	static const char *const vm_names[] = {
		"remote_tlb_flush", "mmu_shadow_zapped", "pages_4k", "mmu_cache_miss",
	};
	static const char *const vcpu_names[] = { "pf_fixed", "pf_taken", "exits" };
	const char *dir = getenv("top_srcdir");
	bool ok = true;

	if (!dir || !*dir)
		dir = ".";
	test_synthetic();
	ok &= test_recorded(dir, "stats-vm-6.12.bin", vm_names, ARRAY_SIZE(vm_names),
			    "mmu_shadow_zapped");
	ok &= test_recorded(dir, "stats-vcpu-6.12.bin", vcpu_names, ARRAY_SIZE(vcpu_names),
			    "exits");
	if (!ok)
		return 99; /* a missing data file is a broken tree, not a failed check */
	CHECK_DONE();
}
