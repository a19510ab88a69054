/* SPDX-License-Identifier: GPL-2.0 */
/* What environment produced a result: host, hypervisor, lab, and KVM's MMU set-up. */
#ifndef MSB_ENV_H
#define MSB_ENV_H
#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

struct host_env {
	char sysname[65], release[65], version[129], machine[65], nodename[65];
	char cpu_model[128];
	char hv_signature[13];  /* CPUID 0x40000000, "" on bare metal */
	char kind[32];          /* "bare-metal", "pvm-host", "pvm-guest", "nested", "lab" */
	char kind_detail[160];  /* one human sentence */
	/* lab (set by scripts/lab.sh through MSB_LAB_* variables) */
	bool lab;
	char lab_qemu[64], lab_accel[16], lab_cpu[64], lab_mmu[16];
	char lab_kernel_pkg[512]; /* "PKG=VER +kvm-modules DIR": the build's key is at the end */
	unsigned lab_nodes;
	unsigned ncpus;
	uint64_t mem_bytes;
};

struct kvm_env {
	bool dev_kvm;           /* /dev/kvm exists */
	char why_missing[200];  /* when !dev_kvm */
	char module[16];        /* kvm_amd, kvm_intel, kvm_pvm, "" */
	char tdp_mmu[8], npt[8], ept[8]; /* module parameters as read, "" if absent */
	char mmu[48];           /* "shadow", "tdp (TDP MMU)", ... */
};

void host_env_probe(struct host_env *h);
void kvm_env_probe(struct kvm_env *k);
json_object *host_env_json(const struct host_env *h);
json_object *kvm_env_json(const struct kvm_env *k);
/* The lab (QEMU version, accel, CPU, MMU, nodes, kernel package, and the rebuilt KVM's
 * build.json from MSB_LAB_KVM_BUILD: source, patches, path, config hash, compiler),
 * NULL when not in it. */
json_object *lab_env_json(const struct host_env *h);

/* JSON string, or JSON null for a NULL or empty string. */
json_object *str_or_null(const char *s);

#endif
