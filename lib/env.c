/* SPDX-License-Identifier: GPL-2.0 */
/* Which environment produced a result: the host (uname, CPU, hypervisor), whether
 * this is the QEMU lab, PVM or nested, and how KVM's MMU is set up. Every result
 * file carries this, because lab, PVM and bare-metal timings are not comparable. */
#include "env.h"
#include "util.h"

#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* First "<key>\t: value" line of /proc/cpuinfo; false if absent. */
static bool cpuinfo_field(const char *key, char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t klen = strlen(key);
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0) {
		char *p;

		if (strncmp(line, key, klen) || (line[klen] != ' ' && line[klen] != '\t' &&
						 line[klen] != ':'))
			continue;
		p = strchr(line + klen, ':');
		if (!p)
			continue;
		for (p++; *p == ' ' || *p == '\t'; p++)
			;
		p[strcspn(p, "\n")] = '\0';
		copy(buf, len, p);
		found = true;
		break;
	}
	free(line);
	fclose(f);
	return found;
}

/* Is flag a whole word in the cpuinfo flags line? */
static bool cpu_has_flag(const char *flag)
{
	static char flags[8192];
	static bool loaded;
	size_t n = strlen(flag);

	if (!loaded) {
		if (!cpuinfo_field("flags", flags, sizeof(flags)))
			flags[0] = '\0';
		loaded = true;
	}
	for (const char *p = flags; (p = strstr(p, flag)); p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void hv_signature(char sig[13])
{
	unsigned a, b, c, d;
	unsigned regs[3];

	sig[0] = '\0';
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 31)))
		return; /* no hypervisor bit: leaf 0x40000000 is not defined */
	__cpuid(0x40000000, a, regs[0], regs[1], regs[2]);
	memcpy(sig, regs, 12);
	sig[12] = '\0';
	/* KVM pads with NULs; keep the string printable for JSON and messages */
	for (int i = 0; i < 12 && sig[i]; i++)
		if (sig[i] < 0x20 || sig[i] > 0x7e)
			sig[i] = '?';
}

static const char *hv_name(const char *sig)
{
	static const struct { const char *sig, *name; } known[] = {
		{ "TCGTCGTCGTCG", "QEMU TCG" },
		{ "KVMKVMKVM", "KVM" },
		{ "Microsoft Hv", "Hyper-V" },
		{ "VMwareVMware", "VMware" },
		{ "XenVMMXenVMM", "Xen" },
		{ "VBoxVBoxVBox", "VirtualBox" },
		{ "bhyve bhyve ", "bhyve" },
		{ "ACRNACRNACRN", "ACRN" },
		{ " lrpepyh  vr", "Parallels" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(sig, known[i].sig))
			return known[i].name;
	return sig[0] ? sig : "unknown";
}

static void lab_probe(struct host_env *h)
{
	const char *v = getenv("MSB_LAB");
	uint64_t nodes;

	h->lab = v && !strcmp(v, "1");
	if (!h->lab)
		return;
	v = getenv("MSB_LAB_QEMU_VERSION");
	/* accept "7.2.19" and "QEMU 7.2.19" alike */
	if (v && !strncmp(v, "QEMU ", 5))
		v += 5;
	copy(h->lab_qemu, sizeof(h->lab_qemu), v);
	copy(h->lab_accel, sizeof(h->lab_accel), getenv("MSB_LAB_ACCEL"));
	copy(h->lab_cpu, sizeof(h->lab_cpu), getenv("MSB_LAB_CPU"));
	copy(h->lab_mmu, sizeof(h->lab_mmu), getenv("MSB_LAB_MMU"));
	v = getenv("MSB_LAB_KERNEL_PKG");
	copy(h->lab_kernel_pkg, sizeof(h->lab_kernel_pkg), v);
	if (v && strlen(v) >= sizeof(h->lab_kernel_pkg)) /* its end names the KVM build */
		msb_die("MSB_LAB_KERNEL_PKG is longer than %zu bytes: the result file could not "
			"tell this kernel and KVM build from another", sizeof(h->lab_kernel_pkg) - 1);
	v = getenv("MSB_LAB_NODES");
	if (v && parse_uint(v, 0, 1024, &nodes))
		h->lab_nodes = (unsigned)nodes;
}

static void classify(struct host_env *h)
{
	bool pvm = exists("/sys/module/kvm_pvm");
	const char *hv = h->hv_signature[0] ? hv_name(h->hv_signature) : NULL;

	if (h->lab) {
		bool kvm = !strcmp(h->lab_accel, "kvm");
		char nodes[24] = "";

		if (h->lab_nodes > 1)
			snprintf(nodes, sizeof(nodes), ", %u NUMA nodes", h->lab_nodes);
		copy(h->kind, sizeof(h->kind), "lab");
		msb_snprintf(h->kind_detail, sizeof(h->kind_detail),
			     "QEMU %s %s lab (emulated %s%s), guest kernel %s",
			     h->lab_qemu[0] ? h->lab_qemu : "(version unknown)",
			     kvm ? "nested KVM" : "TCG",
			     h->lab_cpu[0] ? h->lab_cpu : "CPU unknown", nodes, h->release);
	} else if (pvm && exists("/dev/kvm")) {
		copy(h->kind, sizeof(h->kind), "pvm-host");
		msb_snprintf(h->kind_detail, sizeof(h->kind_detail),
			     "KVM through kvm_pvm (PVM, shadow paging)%s%s",
			     hv ? ", running under hypervisor " : "", hv ? hv : "");
	} else if (pvm) {
		copy(h->kind, sizeof(h->kind), "pvm-guest");
		copy(h->kind_detail, sizeof(h->kind_detail),
		     "kvm_pvm is loaded but this kernel is itself a kvm-pvm guest, so there is "
		     "no /dev/kvm; KVM runs only in the lab here");
	} else if (hv) {
		copy(h->kind, sizeof(h->kind), "nested");
		msb_snprintf(h->kind_detail, sizeof(h->kind_detail), "running under hypervisor %s", hv);
	} else {
		copy(h->kind, sizeof(h->kind), "bare-metal");
		copy(h->kind_detail, sizeof(h->kind_detail), "no hypervisor detected (CPUID)");
	}
}

void host_env_probe(struct host_env *h)
{
	struct utsname u;
	long pages, psz, ncpu;

	memset(h, 0, sizeof(*h));
	if (uname(&u) == 0) {
		copy(h->sysname, sizeof(h->sysname), u.sysname);
		copy(h->release, sizeof(h->release), u.release);
		copy(h->version, sizeof(h->version), u.version);
		copy(h->machine, sizeof(h->machine), u.machine);
		copy(h->nodename, sizeof(h->nodename), u.nodename);
	}
	if (!cpuinfo_field("model name", h->cpu_model, sizeof(h->cpu_model)))
		h->cpu_model[0] = '\0';
	hv_signature(h->hv_signature);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	h->ncpus = ncpu > 0 ? (unsigned)ncpu : 0;
	pages = sysconf(_SC_PHYS_PAGES);
	psz = sysconf(_SC_PAGESIZE);
	if (pages > 0 && psz > 0)
		h->mem_bytes = (uint64_t)pages * (uint64_t)psz;
	lab_probe(h);
	classify(h);
}

static void read_param(const char *path, char *buf, size_t len)
{
	if (!read_text_file(path, buf, len))
		buf[0] = '\0';
}

static bool param_on(const char *v)
{
	return !strcmp(v, "Y") || !strcmp(v, "1");
}

static bool param_off(const char *v)
{
	return !strcmp(v, "N") || !strcmp(v, "0");
}

static void why_missing(struct kvm_env *k)
{
	const char *vendor = cpu_has_flag("svm") ? "kvm_amd" :
			     cpu_has_flag("vmx") ? "kvm_intel" : NULL;

	if (!strcmp(k->module, "kvm_pvm"))
		copy(k->why_missing, sizeof(k->why_missing),
		     "no /dev/kvm: kvm_pvm is loaded but this kernel is itself a PVM guest, so KVM "
		     "cannot bind; run KVM tests in the lab (scripts/lab.sh)");
	else if (k->module[0])
		msb_snprintf(k->why_missing, sizeof(k->why_missing),
			     "no /dev/kvm: %s is loaded but the device node is missing "
			     "(udev? mknod /dev/kvm c 10 232)", k->module);
	else if (vendor)
		msb_snprintf(k->why_missing, sizeof(k->why_missing),
			     "no /dev/kvm: no KVM vendor module loaded (modprobe %s)%s", vendor,
			     exists("/sys/module/kvm") ? "" : "; kvm.ko is not loaded either");
	else
		copy(k->why_missing, sizeof(k->why_missing),
		     "no /dev/kvm: no KVM module loaded and the CPU has no svm/vmx flag; "
		     "run KVM tests in the lab (scripts/lab.sh)");
}

void kvm_env_probe(struct kvm_env *k)
{
	/* one vendor module at a time: kvm.ko refuses a second */
	static const char *const modules[] = { "kvm_pvm", "kvm_amd", "kvm_intel" };
	const char *tdp = NULL;

	memset(k, 0, sizeof(*k));
	k->dev_kvm = exists("/dev/kvm");
	for (size_t i = 0; i < ARRAY_SIZE(modules); i++) {
		char path[64];

		snprintf(path, sizeof(path), "/sys/module/%s", modules[i]);
		if (exists(path)) {
			copy(k->module, sizeof(k->module), modules[i]);
			break;
		}
	}
	read_param("/sys/module/kvm/parameters/tdp_mmu", k->tdp_mmu, sizeof(k->tdp_mmu));
	read_param("/sys/module/kvm_amd/parameters/npt", k->npt, sizeof(k->npt));
	read_param("/sys/module/kvm_intel/parameters/ept", k->ept, sizeof(k->ept));

	if (!strcmp(k->module, "kvm_amd"))
		tdp = k->npt;
	else if (!strcmp(k->module, "kvm_intel"))
		tdp = k->ept;

	if (!strcmp(k->module, "kvm_pvm"))
		copy(k->mmu, sizeof(k->mmu), "shadow (PVM)");
	else if (tdp && param_off(tdp))
		copy(k->mmu, sizeof(k->mmu), "shadow");
	else if (tdp && param_on(tdp))
		copy(k->mmu, sizeof(k->mmu),
		     param_on(k->tdp_mmu) ? "tdp (TDP MMU)" :
		     param_off(k->tdp_mmu) ? "tdp (legacy MMU)" : "tdp");
	/* else: no vendor module, or a parameter we cannot read: leave "" */

	if (!k->dev_kvm)
		why_missing(k);
}

json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

json_object *host_env_json(const struct host_env *h)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "sysname", str_or_null(h->sysname));
	json_object_object_add(o, "release", str_or_null(h->release));
	json_object_object_add(o, "version", str_or_null(h->version));
	json_object_object_add(o, "machine", str_or_null(h->machine));
	json_object_object_add(o, "nodename", str_or_null(h->nodename));
	json_object_object_add(o, "cpu_model", str_or_null(h->cpu_model));
	json_object_object_add(o, "ncpus", json_object_new_int64(h->ncpus));
	json_object_object_add(o, "memory_bytes", json_object_new_uint64(h->mem_bytes));
	json_object_object_add(o, "hv_signature", str_or_null(h->hv_signature));
	json_object_object_add(o, "kind", str_or_null(h->kind));
	json_object_object_add(o, "kind_detail", str_or_null(h->kind_detail));
	json_object_object_add(o, "lab", lab_env_json(h));
	return o;
}

/* lab.sh --kvm-modules: the rebuilt KVM's build.json (kernel-build.sh), as one line in
 * MSB_LAB_KVM_BUILD; null without one, the text itself where it is not a JSON object. */
static json_object *kvm_build_json(void)
{
	const char *v = getenv("MSB_LAB_KVM_BUILD");
	json_object *o;

	if (!v || !*v)
		return NULL;
	o = json_tokener_parse(v);
	if (o && json_object_is_type(o, json_type_object))
		return o;
	json_object_put(o);
	return json_object_new_string(v);
}

json_object *lab_env_json(const struct host_env *h)
{
	if (!h->lab)
		return NULL;
	json_object *l = json_object_new_object();
	json_object_object_add(l, "qemu", str_or_null(h->lab_qemu));
	json_object_object_add(l, "accel", str_or_null(h->lab_accel));
	json_object_object_add(l, "cpu", str_or_null(h->lab_cpu));
	json_object_object_add(l, "mmu", str_or_null(h->lab_mmu));
	json_object_object_add(l, "nodes", json_object_new_int64(h->lab_nodes));
	json_object_object_add(l, "kernel_package", str_or_null(h->lab_kernel_pkg));
	json_object_object_add(l, "kvm_build", kvm_build_json());
	/* QEMU -accel tcg,thread=single|multi (null under KVM): set by lab.sh. */
	const char *tcg = strcmp(h->lab_accel, "tcg") ? NULL : getenv("MSB_LAB_TCG_THREAD");
	json_object_object_add(l, "tcg_thread", str_or_null(tcg));
	return l;
}

json_object *kvm_env_json(const struct kvm_env *k)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "dev_kvm", json_object_new_boolean(k->dev_kvm));
	json_object_object_add(o, "why_missing", str_or_null(k->dev_kvm ? "" : k->why_missing));
	json_object_object_add(o, "module", str_or_null(k->module));
	json_object_object_add(o, "mmu", str_or_null(k->mmu));
	json_object_object_add(o, "tdp_mmu", str_or_null(k->tdp_mmu));
	json_object_object_add(o, "npt", str_or_null(k->npt));
	json_object_object_add(o, "ept", str_or_null(k->ept));
	return o;
}
