/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench: what a KVM memslot update really costs on x86. */
#include "config.h"
#include "msb-git-rev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "opts.h"

static const struct command commands[] = {
	{ "info", "host, kernel, KVM MMU mode, caps, quirks, stats, NUMA topology", cmd_info },
	{ "run", "measure a memslot update scenario (create, delete, move, flags)", cmd_run },
	{ "compare", "compare result files (kernels or variants), 95% intervals", cmd_compare },
	{ "kinds", "CREATE, DELETE, MOVE, FLAGS_ONLY side by side from result files", cmd_kinds },
	{ "plotdata", "gnuplot data for scripts/plot.sh from result files", cmd_plotdata },
	{ "export", "the samples of a saved result file: raw values or CSV", cmd_export },
	{ "timeline", "the stall scenario's per-interval timelines of a result file as CSV",
	  cmd_timeline },
	{ "merge", "join result files of lab jobs split per variant or round into one", cmd_merge },
};

void (*cmd_opts_hook)(const char *usage, const char *about, const struct opt *opts,
		      unsigned n);

const struct command *cmd_list(size_t *n)
{
	*n = sizeof(commands) / sizeof(commands[0]);
	return commands;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: memslot-bench COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n`memslot-bench COMMAND --help` shows a command's options and defaults.\n"
		   "Where /dev/kvm is missing, scripts/lab.sh runs any command inside a QEMU lab.\n");
}

int cmd_parse_opts(int argc, char **argv, const struct opt *opts, unsigned n,
		   const char *usage_line, const char *about)
{
	char err[256];

	if (cmd_opts_hook) {
		cmd_opts_hook(usage_line, about, opts, n);
		exit(0);
	}
	int r = opts_parse(argc, argv, opts, n, err, sizeof(err));
	if (r == OPTS_HELP) {
		printf("usage: memslot-bench %s\n%s\n\noptions:\n", usage_line, about);
		opts_print_help(stdout, opts, n);
		exit(0);
	}
	if (r < 0) {
		fprintf(stderr, "memslot-bench %s: %s\n", argv[0], err);
		exit(2);
	}
	return r;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (!strcmp(name, "help") && argc == 3 && !strcmp(argv[2], "--man"))
		return cmd_man();
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "-V") || !strcmp(name, "--version")) {
		printf("memslot-bench %s (git %s)\n", PACKAGE_VERSION, MSB_GIT_REV);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "memslot-bench: unknown command '%s' (see memslot-bench --help)\n", name);
	return 2;
}
