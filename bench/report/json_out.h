/* SPDX-License-Identifier: GPL-2.0 */
/* --json FILE|- and --format json for the commands that write a JSON document besides
 * their table (info, kinds, compare), the same way everywhere: "--json -" is --format
 * json, FILE is checked before any work and written whole (temporary name, rename),
 * never over an existing file without -f/--force. */
#ifndef MSB_REPORT_JSON_OUT_H
#define MSB_REPORT_JSON_OUT_H
#include <stdbool.h>
#include <json-c/json.h>

/* The --json option (dest: const char *) and the -f/--force that lets it overwrite. */
#define JSON_FILE_OPT(dest_ptr, what)                                                  \
	{ .name = "json", .short_name = 'j', .kind = OPT_STRING, .dest = (dest_ptr),    \
	  .metavar = "FILE", .help = "also write " what " as JSON to FILE (-: to stdout, " \
	  "as --format json; an existing FILE only with --force)" }
#define JSON_FORCE_OPT(dest_ptr)                                                       \
	{ .name = "force", .short_name = 'f', .kind = OPT_FLAG, .dest = (dest_ptr),     \
	  .help = "overwrite an existing --json FILE" }

/* The stdout format: "--json -" means json (with another --format given: exit 2);
 * format < 0 (not given) is text. */
int json_out_format(const char *cmd, int format, const char *json);
/* Before the work: FILE can take the document (not a directory, writable, not existing
 * unless force), else one line and exit 2. Nothing to do for NULL or "-". */
void json_out_check(const char *cmd, const char *json, bool force);
/* j to stdout where format is json, and to FILE; a failed write: one line, exit 2. */
void json_out_emit(const char *cmd, json_object *j, int format, const char *json,
		   bool force);

#endif
