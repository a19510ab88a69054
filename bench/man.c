/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench help --man: the man page, written from the option tables the commands
 * parse with, so that it cannot drift from them. run's tables come from run.h and the
 * scenario registry; every other command is started in a child with cmd_opts_hook set,
 * so cmd_parse_opts hands over the table it would parse (and the child exits). A
 * command that parses by itself (plotdata) gets its --help text as it prints it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "opts.h"
#include "run.h"
#include "scenario.h"
#include "util.h"

/* Text for roff: backslashes escaped, '-' as \-, a leading '.' or '\'' made literal. */
static void roff(FILE *f, const char *s)
{
	bool bol = true;

	for (; *s; s++) {
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", f);
		bol = *s == '\n';
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
	}
}

static void man_opts(FILE *f, const struct opt *opts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = &opts[i];
		char choices[256] = "";

		if (o->kind == OPT_CHOICE)
			opt_choices(o, choices, sizeof(choices));
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB\\-\\-", f);
		roff(f, o->name);
		fputs("\\fR", f);
		if (o->kind != OPT_FLAG) {
			fputs(" \\fI", f);
			roff(f, o->metavar ? o->metavar : choices);
			fputs("\\fR", f);
		}
		fputs("\n", f);
		roff(f, o->help ? o->help : "");
		if (o->def) {
			fputs(" (default: ", f);
			roff(f, o->def);
			fputs(")", f);
		}
		fputs("\n", f);
	}
}

/* Paragraphs of the about text, line breaks within one joined by roff itself. */
static void man_text(FILE *f, const char *text)
{
	fputs(".PP\n", f);
	roff(f, text);
	fputs("\n", f);
}

static FILE *man_out; /* in the child: the pipe to the parent */

static void hook(const char *usage, const char *about, const struct opt *opts, unsigned n)
{
	fprintf(man_out, ".PP\n\\fBmemslot\\-bench ");
	roff(man_out, usage);
	fprintf(man_out, "\\fR\n");
	if (about && *about)
		man_text(man_out, about);
	if (n) {
		fprintf(man_out, ".PP\nOptions:\n");
		man_opts(man_out, opts, n);
	}
	fflush(man_out);
}

/* A child to run a command's --help in, with a pipe to the parent. In the child returns 0
 * and *wfd, the pipe's write end; in the parent the child's pid and *in, the read end
 * (NULL where fdopen failed). */
static pid_t fork_help(int *wfd, FILE **in)
{
	int fds[2];

	if (pipe(fds) < 0)
		msb_die_errno("help --man: pipe");
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		msb_die_errno("help --man: fork");
	if (pid == 0) {
		close(fds[0]);
		*wfd = fds[1];
		return 0;
	}
	close(fds[1]);
	*in = fdopen(fds[0], "r");
	return pid;
}

/* The parent's end of fork_help: the read end closed, the child reaped. */
static void end_help(FILE *in, pid_t pid)
{
	if (in)
		fclose(in);
	waitpid(pid, NULL, 0);
}

/* The --help text of a command that parses by itself, verbatim. */
static void help_verbatim(const struct command *c)
{
	int wfd;
	FILE *in = NULL;
	pid_t pid = fork_help(&wfd, &in);

	if (pid == 0) {
		char *argv[] = { (char *)c->name, (char *)"--help", NULL };

		if (dup2(wfd, STDOUT_FILENO) < 0)
			_exit(1);
		exit(c->fn(2, argv));
	}
	char line[1024];
	printf(".PP\n.nf\n");
	while (in && fgets(line, sizeof(line), in))
		roff(stdout, line);
	printf(".fi\n");
	end_help(in, pid);
}

/* A command that parses with cmd_parse_opts: its table through the hook, in a child
 * whose own stdout and stderr go nowhere. Returns false when nothing came through the
 * hook (the command does not use cmd_parse_opts). */
static bool help_from_table(const struct command *c)
{
	char buf[4096];
	size_t got, total = 0;
	int wfd;
	FILE *in = NULL;
	pid_t pid = fork_help(&wfd, &in);

	if (pid == 0) {
		char *argv[] = { (char *)c->name, (char *)"--help", NULL };

		man_out = fdopen(wfd, "w");
		if (!man_out || !freopen("/dev/null", "w", stdout) ||
		    !freopen("/dev/null", "w", stderr))
			_exit(1);
		cmd_opts_hook = hook;
		c->fn(2, argv);
		_exit(3); /* returned without reaching cmd_parse_opts */
	}
	while (in && (got = fread(buf, 1, sizeof(buf), in)) > 0)
		total += fwrite(buf, 1, got, stdout);
	end_help(in, pid);
	return total > 0;
}

static void man_run(void)
{
	size_t n, ns;
	const struct opt *o;
	const struct scenario *const *all = scenario_list(&ns);

	printf(".PP\n\\fBmemslot\\-bench run\\fR \\fISCENARIO\\fR [\\fIOPTIONS\\fR]\n"
	       ".PP\nMeasure one kind of memslot update, zap\\-all and zap\\-slot in fresh VMs."
	       " Scenarios:\n");
	for (size_t i = 0; i < ns; i++) {
		printf(".TP\n\\fB");
		roff(stdout, all[i]->name);
		printf("\\fR\n");
		roff(stdout, all[i]->help);
		printf("\n");
	}
	printf(".PP\nExit status: 0 measured (a variant the kernel lacks is reported "
	       "unsupported), 1 failed, 2 bad usage, 77 skipped.\n");
	o = run_guest_options(&n);
	printf(".PP\nGuest options (written to the result's params):\n");
	man_opts(stdout, o, n);
	o = run_control_options(&n);
	printf(".PP\nRun options:\n");
	man_opts(stdout, o, n);
	for (size_t i = 0; i < ns; i++) {
		if (!all[i]->nopts)
			continue;
		printf(".PP\n\\fB");
		roff(stdout, all[i]->name);
		printf("\\fR options:\n");
		man_opts(stdout, all[i]->opts, all[i]->nopts);
	}
}

static void man_head(size_t n, const struct command *cmds)
{
	printf(".\\\" SPDX-License-Identifier: GPL-2.0\n"
	       ".\\\" Generated by `memslot-bench help --man` from the option tables; do not "
	       "edit.\n"
	       ".TH MEMSLOT\\-BENCH 1 \"\" \"memslot\\-bench %s\" \"User Commands\"\n"
	       ".SH NAME\nmemslot\\-bench \\- what a KVM memslot update costs on x86\n"
	       ".SH SYNOPSIS\n\\fBmemslot\\-bench\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n"
	       ".br\n\\fBmemslot\\-bench\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n"
	       ".SH DESCRIPTION\n"
	       "memslot\\-bench measures what a KVM_SET_USER_MEMORY_REGION update (DELETE, "
	       "MOVE, CREATE, FLAGS_ONLY) costs: the ioctl's latency, the shadow pages it zaps, "
	       "the remote TLB flushes and the guest's refault, for KVM's default zap\\-all "
	       "behaviour and for zap\\-slot (KVM_X86_QUIRK_SLOT_ZAP_ALL disabled, Linux "
	       "6.12+).\n.PP\nCommands:\n",
	       PACKAGE_VERSION);
	for (size_t i = 0; i < n; i++) {
		printf(".TP\n\\fB%s\\fR\n", cmds[i].name);
		roff(stdout, cmds[i].help);
		printf("\n");
	}
}

static void man_tail(void)
{
	printf(".SH EXIT STATUS\n0 success, 1 failure, 2 bad usage or bad input (one line on "
	       "stderr), 77 skipped (this machine cannot do what was asked); compare also 1 "
	       "for a regression proven and 3 for nothing comparable.\n"
	       ".SH SCRIPTS\n"
	       "\\fBmake install\\fR puts the scripts that work on an installed "
	       "memslot\\-bench under \\fIPREFIX\\fR/share/memslot\\-bench/scripts/: "
	       "report.sh (reports and plots of a result directory), plot.sh (gnuplot SVG "
	       "and PNG), suite.sh (the default suite), lab.sh (a command inside the QEMU "
	       "lab where /dev/kvm is missing), with the gnuplot templates beside them. "
	       "run.sh and test.sh (install the packages, build, run the suite or the tests) "
	       "work in a source tree only. Every script answers \\fB\\-\\-help\\fR.\n"
	       ".SH SEE ALSO\n\\fBministat\\fR(1), \\fBgnuplot\\fR(1), the README.md of the "
	       "source tree.\n");
}

int cmd_man(void)
{
	size_t n;
	const struct command *cmds = cmd_list(&n);

	man_head(n, cmds);
	printf(".SH COMMANDS\n");
	for (size_t i = 0; i < n; i++) {
		printf(".SS \"memslot\\-bench %s\"\n", cmds[i].name);
		fflush(stdout);
		if (!strcmp(cmds[i].name, "run"))
			man_run();
		else if (!help_from_table(&cmds[i]))
			help_verbatim(&cmds[i]);
	}
	man_tail();
	return fflush(stdout) == 0 ? 0 : 1;
}
