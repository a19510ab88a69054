/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench subcommands. Each gets argv starting at its own name. */
#ifndef MSB_CMD_H
#define MSB_CMD_H

#include <stddef.h>

struct opt;

int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_kinds(int argc, char **argv);
int cmd_plotdata(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* The commands in `memslot-bench --help` order (main.c), for help --man (man.c). */
struct command {
	const char *name;
	const char *help;
	int (*fn)(int argc, char **argv);
};
const struct command *cmd_list(size_t *n);
/* memslot-bench help --man: the man page, from the commands' option tables. */
int cmd_man(void);
/* Set by cmd_man in a child: cmd_parse_opts hands its table to it instead of parsing. */
extern void (*cmd_opts_hook)(const char *usage, const char *about, const struct opt *opts,
			     unsigned n);

/* Parse a subcommand's options; prints help and exits 0 on --help, prints the one-line
 * error and exits 2 on bad input. Returns the index of the first positional argument. */
int cmd_parse_opts(int argc, char **argv, const struct opt *opts, unsigned n,
		   const char *usage, const char *about);

#endif
