/* SPDX-License-Identifier: GPL-2.0 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "json_out.h"
#include "result.h"
#include "util.h"

static bool to_stdout(const char *json)
{
	return json && !strcmp(json, "-");
}

int json_out_format(const char *cmd, int format, const char *json)
{
	if (to_stdout(json) && format >= 0 && format != REPORT_JSON)
		msb_usage_error(cmd, "--json - writes JSON to stdout: it cannot go with another "
				"--format (give --json a FILE)");
	if (to_stdout(json))
		return REPORT_JSON;
	return format < 0 ? REPORT_TEXT : format;
}

void json_out_check(const char *cmd, const char *json, bool force)
{
	char err[512];

	if (json && !to_stdout(json) && result_check_path(json, force, err, sizeof(err)) < 0)
		msb_usage_error(cmd, "--json: %s", err);
}

void json_out_emit(const char *cmd, json_object *j, int format, const char *json,
		   bool force)
{
	char err[512];

	/* exit 2, as for a FILE refused up front: compare's 1 means a regression */
	if ((format == REPORT_JSON && json_write_file(j, "-", false, err, sizeof(err)) < 0) ||
	    (json && !to_stdout(json) && json_write_file(j, json, force, err, sizeof(err)) < 0)) {
		fprintf(stderr, "memslot-bench %s: %s\n", cmd, err);
		exit(2);
	}
}
