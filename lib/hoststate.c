/* SPDX-License-Identifier: GPL-2.0 */
/* Host state that changes what a memslot update costs, each item with where it was
 * read: the preemption model (since 6.10 rwlock_needbreak() is 0 on non-preemptible
 * kernels, so the zap does not yield mmu_lock), THP and khugepaged, NUMA balancing,
 * KVM's module parameters, CPU mitigations, the CPU governor, the clock source the
 * timings read (what a clock read costs) and the lab's TCG thread mode. Everything is
 * read under a root directory so the tests can use a fake tree. */
#include "hoststate.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const names[HS_NITEMS] = {
	[HS_PREEMPT] = "preempt",
	[HS_RWLOCK_NEEDBREAK] = "rwlock_needbreak",
	[HS_THP_ENABLED] = "thp_enabled",
	[HS_THP_DEFRAG] = "thp_defrag",
	[HS_KHUGEPAGED_DEFRAG] = "khugepaged_defrag",
	[HS_NUMA_BALANCING] = "numa_balancing",
	[HS_NX_HUGE_PAGES] = "nx_huge_pages",
	[HS_EAGER_PAGE_SPLIT] = "eager_page_split",
	[HS_HALT_POLL_NS] = "halt_poll_ns",
	[HS_TDP_MMU] = "tdp_mmu",
	[HS_EPT] = "ept",
	[HS_NPT] = "npt",
	[HS_MITIGATIONS] = "mitigations",
	[HS_MITIGATIONS_CMDLINE] = "mitigations_cmdline",
	[HS_CPU_GOVERNOR] = "cpu_governor",
	[HS_CLOCKSOURCE] = "clocksource",
	[HS_TCG_THREAD] = "tcg_thread",
};

const char *host_state_name(enum hs_id id)
{
	return (unsigned)id < HS_NITEMS ? names[id] : "?";
}

/* What every probe shares: the root, and the kernel's release, version and cmdline. */
struct hs_ctx {
	const char *root;
	char release[65];   /* /proc/sys/kernel/osrelease (uname -r), "" if unreadable */
	char version[160];  /* /proc/sys/kernel/version (uname -v) */
	char cmdline[4096]; /* /proc/cmdline */
	bool have_cmdline;
};

struct kconfig {
	bool found;         /* any CONFIG_ line */
	const char *model;  /* the build's choice: none, voluntary, full, lazy; NULL */
	bool dynamic, rt, preemption;
};

/* value may be it->value itself (already in place) */
static void set(struct hs_item *it, const char *value, const char *source)
{
	if (value != it->value)
		msb_snprintf(it->value, sizeof(it->value), "%s", value);
	msb_snprintf(it->source, sizeof(it->source), "%s", source);
}

static void set_unknown(struct hs_item *it, const char *tried)
{
	set(it, "unknown", "");
	msb_snprintf(it->source, sizeof(it->source), "unreadable: %s", tried);
}

/* root + rel ("/sys/...") as a real path */
static void full_path(const struct hs_ctx *c, const char *rel, char *buf, size_t len)
{
	size_t n = strlen(c->root);

	while (n && c->root[n - 1] == '/')
		n--;
	msb_snprintf(buf, len, "%.*s%s", (int)n, c->root, rel);
}

static bool rd(const struct hs_ctx *c, const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];

	full_path(c, rel, p, sizeof(p));
	return read_text_file(p, buf, len);
}

/* The selected word of "always [madvise] never" or "none voluntary (full)"; the whole
 * text when nothing is marked. */
static void selected(const char *text, char open, char close, char *out, size_t len)
{
	const char *a = strchr(text, open);
	const char *b = a ? strchr(a + 1, close) : NULL;

	if (a && b)
		msb_snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
	else
		msb_snprintf(out, len, "%s", text);
}

/* The last key=value on the command line (before " -- ", which goes to init). */
static bool cmdline_param(const char *cmdline, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	bool found = false;

	for (const char *p = cmdline; *p;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == 2 && !strncmp(p, "--", 2))
			break;
		if (n > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			msb_snprintf(out, len, "%.*s", (int)(n - klen - 1), p + klen + 1);
			found = true;
		}
		p += n;
	}
	return found;
}

/* "6.12.3-foo" -> 6012; -1 if not a version */
static int kver(const char *release)
{
	unsigned major, minor;

	if (sscanf(release, "%u.%u", &major, &minor) != 2 || minor >= 1000)
		return -1;
	return (int)(major * 1000 + minor);
}

static void kconfig_line(struct kconfig *k, const char *line)
{
	static const struct { const char *opt, *model; } choice[] = {
		{ "CONFIG_PREEMPT_NONE", "none" }, { "CONFIG_PREEMPT_VOLUNTARY", "voluntary" },
		{ "CONFIG_PREEMPT", "full" }, { "CONFIG_PREEMPT_LAZY", "lazy" },
	};
	size_t n = strcspn(line, "=\n");

	if (strncmp(line, "CONFIG_", 7))
		return;
	k->found = true;
	if (strncmp(line + n, "=y", 2))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(choice); i++)
		if (strlen(choice[i].opt) == n && !strncmp(line, choice[i].opt, n))
			k->model = choice[i].model;
	if (n == 22 && !strncmp(line, "CONFIG_PREEMPT_DYNAMIC", n))
		k->dynamic = true;
	if (n == 17 && !strncmp(line, "CONFIG_PREEMPT_RT", n))
		k->rt = true;
	if (n == 17 && !strncmp(line, "CONFIG_PREEMPTION", n))
		k->preemption = true;
}

/* gzip -dc path on a pipe (posix_spawn: no copy of a large address space). */
static FILE *open_gunzip(const char *path, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { "gzip", "-dc", "--", (char *)path, NULL };
	int fd[2], r;
	FILE *f;

	if (pipe(fd))
		return NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addclose(&fa, fd[1]);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	r = posix_spawnp(pid, "gzip", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (r) {
		close(fd[0]);
		return NULL;
	}
	f = fdopen(fd[0], "r");
	if (!f) {
		close(fd[0]);
		waitpid(*pid, NULL, 0);
	}
	return f;
}

static bool kconfig_read(const struct hs_ctx *c, const char *rel, bool gz, struct kconfig *k)
{
	char p[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	pid_t pid = -1;
	FILE *f;
	int status = 0;

	memset(k, 0, sizeof(*k));
	full_path(c, rel, p, sizeof(p));
	if (access(p, R_OK))
		return false;
	f = gz ? open_gunzip(p, &pid) : fopen(p, "r");
	if (!f)
		return false;
	while (getline(&line, &cap, f) > 0)
		kconfig_line(k, line);
	free(line);
	fclose(f);
	if (gz && waitpid(pid, &status, 0) == pid &&
	    !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		k->found = false; /* a broken archive: do not trust a partial read */
	return k->found;
}

static bool preempt_debugfs(const struct hs_ctx *c, struct hs_item *it)
{
	static const char rel[] = "/sys/kernel/debug/sched/preempt";
	char text[128];

	if (!rd(c, rel, text, sizeof(text)) || !text[0])
		return false;
	selected(text, '(', ')', it->value, sizeof(it->value));
	set(it, it->value, rel);
	msb_snprintf(it->detail, sizeof(it->detail), "PREEMPT_DYNAMIC, current mode; modes: %s", text);
	return true;
}

/* Returns the config's CONFIG_PREEMPTION through *preemption. */
static bool preempt_config(const struct hs_ctx *c, struct hs_item *it, int *preemption)
{
	char boot[128], mode[32];
	const char *rel = boot;
	struct kconfig k;

	msb_snprintf(boot, sizeof(boot), "/boot/config-%s", c->release);
	if (!c->release[0] || !kconfig_read(c, boot, false, &k)) {
		rel = "/proc/config.gz";
		if (!kconfig_read(c, rel, true, &k))
			return false;
	}
	if (!k.model && !k.rt)
		return false;
	*preemption = k.preemption || k.dynamic || k.rt;
	if (k.rt) {
		set(it, "rt", rel);
		msb_snprintf(it->detail, sizeof(it->detail), "CONFIG_PREEMPT_RT=y");
	} else if (k.dynamic && cmdline_param(c->cmdline, "preempt", mode, sizeof(mode))) {
		set(it, mode, "");
		msb_snprintf(it->source, sizeof(it->source), "/proc/cmdline preempt=, %s", rel);
		msb_snprintf(it->detail, sizeof(it->detail),
			     "PREEMPT_DYNAMIC (build default %s); /sys/kernel/debug/sched/preempt "
			     "not readable", k.model);
	} else if (k.dynamic) {
		set(it, k.model, "");
		msb_snprintf(it->source, sizeof(it->source), "%s, /proc/cmdline%s", rel,
			     c->have_cmdline ? "" : " (unreadable)");
		msb_snprintf(it->detail, sizeof(it->detail), "PREEMPT_DYNAMIC, build default (%s); "
			     "/sys/kernel/debug/sched/preempt not readable", c->have_cmdline ?
			     "no preempt= on the command line" : "the command line could override it");
	} else {
		set(it, k.model, rel);
		msb_snprintf(it->detail, sizeof(it->detail), "static preemption model");
	}
	return true;
}

/* uname -v names PREEMPT_DYNAMIC, PREEMPT_RT, PREEMPT_LAZY or PREEMPT, or nothing. */
static bool preempt_uname(const struct hs_ctx *c, struct hs_item *it, int *preemption)
{
	static const char rel[] = "/proc/sys/kernel/version (uname -v)";
	char mode[32];
	bool dyn = false, rt = false, lazy = false, full = false;

	if (!c->version[0])
		return false;
	for (const char *p = c->version; *p;) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		dyn |= n == 15 && !strncmp(p, "PREEMPT_DYNAMIC", n);
		rt |= n == 10 && !strncmp(p, "PREEMPT_RT", n);
		lazy |= n == 12 && !strncmp(p, "PREEMPT_LAZY", n);
		full |= n == 7 && !strncmp(p, "PREEMPT", n);
		p += n;
	}
	*preemption = dyn || rt || lazy || full;
	if (dyn && cmdline_param(c->cmdline, "preempt", mode, sizeof(mode))) {
		set(it, mode, "/proc/cmdline preempt=, /proc/sys/kernel/version (uname -v)");
		msb_snprintf(it->detail, sizeof(it->detail), "PREEMPT_DYNAMIC; no kernel config or debugfs");
	} else if (dyn) {
		set_unknown(it, "/sys/kernel/debug/sched/preempt, /boot/config-<release>, "
			    "/proc/config.gz; uname -v says PREEMPT_DYNAMIC, no preempt= given");
		msb_snprintf(it->detail, sizeof(it->detail), "PREEMPT_DYNAMIC, mode not readable");
	} else {
		set(it, rt ? "rt" : lazy ? "lazy" : full ? "full" : "none-or-voluntary", rel);
		msb_snprintf(it->detail, sizeof(it->detail), "from the kernel's build string: %s",
			     c->version);
	}
	return true;
}

/* Whether a contended mmu_lock makes the zap yield: since 6.10 rwlock_needbreak() is 0
 * unless the model is preemptible (full, lazy, rt); before, it followed CONFIG_PREEMPTION. */
static void needbreak(const struct hs_ctx *c, const struct hs_item *pre, int preemption,
		      struct hs_item *it)
{
	const char *m = pre->value;
	int v = kver(c->release);
	bool preemptible = !strcmp(m, "full") || !strcmp(m, "lazy") || !strcmp(m, "rt");
	bool known = preemptible || !strcmp(m, "none") || !strcmp(m, "voluntary") ||
		     !strcmp(m, "none-or-voluntary");

	if (!known || v < 0 || (v < 6010 && preemption < 0)) {
		set_unknown(it, "needs the preemption model and the kernel release");
		return;
	}
	set(it, (v >= 6010 ? preemptible : preemption > 0) ? "yes" : "no", "");
	msb_snprintf(it->source, sizeof(it->source), "derived: preempt=%s, kernel %s", m, c->release);
	msb_snprintf(it->detail, sizeof(it->detail), "%s",
		     v >= 6010 ? "kernel >= 6.10: yields only when the model is preemptible" :
			 "kernel < 6.10: yields when built with CONFIG_PREEMPTION");
}

static void probe_preempt(const struct hs_ctx *c, struct host_state *s)
{
	struct hs_item *it = &s->item[HS_PREEMPT];
	int preemption = -1;

	if (preempt_debugfs(c, it))
		preemption = 1; /* only PREEMPT_DYNAMIC kernels have the file */
	else if (!preempt_config(c, it, &preemption) && !preempt_uname(c, it, &preemption))
		set_unknown(it, "/sys/kernel/debug/sched/preempt, /boot/config-<release>, "
			    "/proc/config.gz, /proc/sys/kernel/version");
	needbreak(c, it, preemption, &s->item[HS_RWLOCK_NEEDBREAK]);
}

static void probe_files(const struct hs_ctx *c, struct host_state *s)
{
	static const struct { enum hs_id id; const char *rel; bool marked; } files[] = {
		{ HS_THP_ENABLED, "/sys/kernel/mm/transparent_hugepage/enabled", true },
		{ HS_THP_DEFRAG, "/sys/kernel/mm/transparent_hugepage/defrag", true },
		{ HS_KHUGEPAGED_DEFRAG, "/sys/kernel/mm/transparent_hugepage/khugepaged/defrag",
		  false },
		{ HS_NUMA_BALANCING, "/proc/sys/kernel/numa_balancing", false },
		{ HS_NX_HUGE_PAGES, "/sys/module/kvm/parameters/nx_huge_pages", false },
		{ HS_EAGER_PAGE_SPLIT, "/sys/module/kvm/parameters/eager_page_split", false },
		{ HS_HALT_POLL_NS, "/sys/module/kvm/parameters/halt_poll_ns", false },
		{ HS_TDP_MMU, "/sys/module/kvm/parameters/tdp_mmu", false },
		{ HS_EPT, "/sys/module/kvm_intel/parameters/ept", false },
		{ HS_NPT, "/sys/module/kvm_amd/parameters/npt", false },
		/* hpet (the TCG lab) costs microseconds a read, tsc tens of ns */
		{ HS_CLOCKSOURCE, "/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		struct hs_item *it = &s->item[files[i].id];
		char text[160];

		if (!rd(c, files[i].rel, text, sizeof(text)) || !text[0]) {
			set_unknown(it, files[i].rel);
			continue;
		}
		if (files[i].marked)
			selected(text, '[', ']', it->value, sizeof(it->value));
		else
			msb_snprintf(it->value, sizeof(it->value), "%s", text);
		msb_snprintf(it->source, sizeof(it->source), "%s", files[i].rel);
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Each vulnerabilities file: "Not affected", "Vulnerable...", "Mitigation: ...". */
static void probe_vulns(const struct hs_ctx *c, struct host_state *s)
{
	static const char rel[] = "/sys/devices/system/cpu/vulnerabilities";
	struct hs_item *it = &s->item[HS_MITIGATIONS];
	char dir[PATH_MAX], vuln[200] = "";
	unsigned mit = 0, bad = 0, na = 0, other = 0;
	struct dirent **ents;
	int n;

	full_path(c, rel, dir, sizeof(dir));
	n = scandir(dir, &ents, NULL, by_name);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		char file[300], text[160];

		msb_snprintf(file, sizeof(file), "%s/%s", rel, name);
		if (name[0] != '.' && rd(c, file, text, sizeof(text))) {
			bool v = !strncmp(text, "Vulnerable", 10);

			mit += !strncmp(text, "Mitigation", 10);
			na += !strcmp(text, "Not affected");
			bad += v;
			if (v)
				msb_snprintf(vuln + strlen(vuln), sizeof(vuln) - strlen(vuln), "%s%s",
					     bad > 1 ? " " : "", name);
			if (s->nvulns < HS_MAX_VULNS) {
				msb_snprintf(s->vuln_name[s->nvulns], sizeof(s->vuln_name[0]), "%s", name);
				msb_snprintf(s->vuln_text[s->nvulns++], sizeof(s->vuln_text[0]), "%s", text);
			}
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	other = s->nvulns - mit - bad - na;
	if (!s->nvulns) {
		set_unknown(it, rel);
		return;
	}
	msb_snprintf(it->value, sizeof(it->value), "vulnerable %u%s%s%s, mitigated %u, not affected %u",
		     bad, bad ? " (" : "", vuln, bad ? ")" : "", mit, na);
	if (other)
		msb_snprintf(it->value + strlen(it->value), sizeof(it->value) - strlen(it->value),
			     ", other %u", other);
	msb_snprintf(it->source, sizeof(it->source), "%s/* (%u files)", rel, s->nvulns);
}

static void probe_cmdline(const struct hs_ctx *c, struct host_state *s)
{
	struct hs_item *it = &s->item[HS_MITIGATIONS_CMDLINE];

	if (!c->have_cmdline)
		set_unknown(it, "/proc/cmdline");
	else if (cmdline_param(c->cmdline, "mitigations", it->value, sizeof(it->value)))
		set(it, it->value, "/proc/cmdline");
	else
		set(it, "not set", "/proc/cmdline");
}

struct tally {
	unsigned n, cpus, without;
	char name[8][32];
	unsigned count[8];
};

static void tally_add(struct tally *t, const char *gov)
{
	unsigned i;

	for (i = 0; i < t->n && strcmp(t->name[i], gov); i++)
		;
	if (i == t->n && t->n < ARRAY_SIZE(t->name))
		msb_snprintf(t->name[t->n++], sizeof(t->name[0]), "%s", gov);
	if (i < t->n)
		t->count[i]++;
}

static void probe_governor(const struct hs_ctx *c, struct host_state *s)
{
	static const char rel[] = "/sys/devices/system/cpu/cpu*/cpufreq/scaling_governor";
	struct hs_item *it = &s->item[HS_CPU_GOVERNOR];
	struct tally t;
	char dir[PATH_MAX];
	struct dirent **ents;
	int n;

	memset(&t, 0, sizeof(t));
	full_path(c, "/sys/devices/system/cpu", dir, sizeof(dir));
	n = scandir(dir, &ents, NULL, by_name);
	for (int i = 0; i < n; i++) {
		unsigned cpu;
		char end;

		if (sscanf(ents[i]->d_name, "cpu%u%c", &cpu, &end) == 1) {
			char file[300], gov[32];

			t.cpus++;
			msb_snprintf(file, sizeof(file), "/sys/devices/system/cpu/cpu%u/cpufreq/"
				     "scaling_governor", cpu);
			if (rd(c, file, gov, sizeof(gov)) && gov[0])
				tally_add(&t, gov);
			else
				t.without++;
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	if (t.n == 0) {
		set_unknown(it, rel);
		return;
	}
	it->value[0] = '\0';
	if (t.n == 1 && !t.without)
		msb_snprintf(it->value, sizeof(it->value), "%s", t.name[0]);
	else
		for (unsigned i = 0; i < t.n; i++)
			msb_snprintf(it->value + strlen(it->value), sizeof(it->value) - strlen(it->value),
				     "%s%s x%u", i ? ", " : "", t.name[i], t.count[i]);
	if (t.without)
		msb_snprintf(it->value + strlen(it->value), sizeof(it->value) - strlen(it->value),
			     ", no cpufreq x%u", t.without);
	msb_snprintf(it->source, sizeof(it->source), "%s (%u CPUs)", rel, t.cpus);
}

/* Whatever the lab recorded (lab_env_json's tcg_thread, from scripts/lab.sh). */
static void probe_tcg(const struct host_env *h, struct host_state *s)
{
	struct hs_item *it = &s->item[HS_TCG_THREAD];
	json_object *lab, *v;

	if (!h) {
		set_unknown(it, "no host environment given");
		return;
	}
	if (!h->lab) {
		set(it, "n/a", "not the QEMU lab (MSB_LAB unset)");
		return;
	}
	if (strcmp(h->lab_accel, "tcg")) {
		set(it, "n/a", "");
		msb_snprintf(it->source, sizeof(it->source), "lab accel %s (MSB_LAB_ACCEL)",
			     h->lab_accel[0] ? h->lab_accel : "unknown");
		return;
	}
	lab = lab_env_json(h);
	if (lab && json_object_object_get_ex(lab, "tcg_thread", &v) &&
	    json_object_is_type(v, json_type_string) && json_object_get_string_len(v))
		set(it, json_object_get_string(v), "MSB_LAB_TCG_THREAD (scripts/lab.sh)");
	else
		set_unknown(it, "MSB_LAB_TCG_THREAD (not set by the lab)");
	json_object_put(lab);
}

void host_state_probe(struct host_state *s, const char *root, const struct host_env *h)
{
	struct hs_ctx c;

	memset(s, 0, sizeof(*s));
	memset(&c, 0, sizeof(c));
	c.root = root && root[0] ? root : "/";
	if (!rd(&c, "/proc/sys/kernel/osrelease", c.release, sizeof(c.release)))
		c.release[0] = '\0';
	if (!rd(&c, "/proc/sys/kernel/version", c.version, sizeof(c.version)))
		c.version[0] = '\0';
	c.have_cmdline = rd(&c, "/proc/cmdline", c.cmdline, sizeof(c.cmdline));
	if (!c.have_cmdline)
		c.cmdline[0] = '\0';
	probe_preempt(&c, s);
	probe_files(&c, s);
	probe_vulns(&c, s);
	probe_cmdline(&c, s);
	probe_governor(&c, s);
	probe_tcg(h, s);
}
