/* SPDX-License-Identifier: GPL-2.0 */
/* memslot-bench subcommands. Each gets argv starting at its own name. */
#ifndef MSB_CMD_H
#define MSB_CMD_H

struct opt;

int cmd_info(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_kinds(int argc, char **argv);
int cmd_plotdata(int argc, char **argv);

/* Parse a subcommand's options; prints help and exits 0 on --help, prints the one-line
 * error and exits 2 on bad input. Returns the index of the first positional argument. */
int cmd_parse_opts(int argc, char **argv, const struct opt *opts, unsigned n,
		   const char *usage, const char *about);

#endif
