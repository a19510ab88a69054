/* SPDX-License-Identifier: GPL-2.0 */
/* Record the KVM binary stats images of a fresh VM and vCPU for tests/test_stats:
 *   tests/record_stats DIR  ->  DIR/stats-vm-<major.minor>.bin, DIR/stats-vcpu-<...>.bin
 * Needs /dev/kvm, so it normally runs in the lab:
 *   scripts/lab.sh --out tests/data -- tests/record_stats tests/data
 * Raw ioctls on purpose: nothing here should depend on more of libmsb than stats. */
#include "stats.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/kvm.h>

/* "6.12.57+deb12-amd64" -> "6.12" */
static void short_release(char *buf, size_t len)
{
	struct utsname u;
	unsigned maj, min;

	if (uname(&u) < 0)
		msb_die_errno("uname");
	if (sscanf(u.release, "%u.%u", &maj, &min) != 2)
		msb_die("cannot read major.minor from kernel release \"%s\"", u.release);
	snprintf(buf, len, "%u.%u", maj, min);
}

static void record(int obj_fd, const char *what, const char *dir, const char *rel)
{
	struct kvm_stats st;
	char path[4096], tmp[4200];
	size_t len, done = 0;
	unsigned char *buf;
	int r, out;

	r = stats_open(obj_fd, &st);
	if (r < 0) {
		errno = -r;
		msb_die_errno("KVM_GET_STATS_FD on the %s", what);
	}
	/* header, id, descriptors and exactly the data the descriptors cover */
	len = st.data_offset + st.data_len;
	buf = msb_calloc(1, len);
	while (done < len) {
		ssize_t n = pread(st.fd, buf + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			msb_die_errno("reading %s stats", what);
		if (n == 0)
			msb_die("reading %s stats: short read (%zu of %zu bytes)", what, done, len);
		done += (size_t)n;
	}

	/* write to a temporary name and rename, so a failed run leaves no half file */
	snprintf(path, sizeof(path), "%s/stats-%s-%s.bin", dir, what, rel);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0)
		msb_die_errno("creating %s", tmp);
	for (done = 0; done < len;) {
		ssize_t n = write(out, buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			msb_die_errno("writing %s", tmp);
		done += (size_t)n;
	}
	if (fsync(out) < 0 || close(out) < 0)
		msb_die_errno("writing %s", tmp);
	if (rename(tmp, path) < 0)
		msb_die_errno("renaming %s to %s", tmp, path);
	printf("%s: %s, %zu stats, %zu bytes\n", path, st.id, st.nfields, len);
	free(buf);
	stats_close(&st);
}

int main(int argc, char **argv)
{
	char rel[32];
	int kvm, vm, vcpu;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n"
			"Write DIR/stats-vm-<major.minor>.bin and DIR/stats-vcpu-<major.minor>.bin\n",
			argv[0]);
		return 2;
	}
	short_release(rel, sizeof(rel));

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		msb_die_errno("open /dev/kvm (run this in the lab: scripts/lab.sh)");
	if (ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_BINARY_STATS_FD) <= 0)
		msb_die("this KVM has no KVM_CAP_BINARY_STATS_FD");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		msb_die_errno("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		msb_die_errno("KVM_CREATE_VCPU");

	record(vm, "vm", argv[1], rel);
	record(vcpu, "vcpu", argv[1], rel);
	close(vcpu);
	close(vm);
	close(kvm);
	return 0;
}
