/* SPDX-License-Identifier: GPL-2.0 */
/* json_get FILE PATH: print the value at PATH ("runs.0.metrics.delete_ns.summary.median")
 * of a JSON file, so shell tests can assert on result files. Exit 1 if PATH is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: json_get FILE PATH\n");
		return 2;
	}
	json_object *root = json_object_from_file(argv[1]);
	if (!root) {
		fprintf(stderr, "json_get: %s: %s\n", argv[1], json_util_get_last_err());
		return 2;
	}
	json_object *o = root;
	char *path = strdup(argv[2]), *save = NULL;
	for (char *t = strtok_r(path, ".", &save); t && o; t = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			long i = strtol(t, &end, 10);
			o = *end || i < 0 ? NULL : json_object_array_get_idx(o, (size_t)i);
		} else if (!json_object_object_get_ex(o, t, &o)) {
			o = NULL;
		}
	}
	free(path);
	int rc = 0;
	if (!o) {
		fprintf(stderr, "json_get: %s: no %s\n", argv[1], argv[2]);
		rc = 1;
	} else if (json_object_is_type(o, json_type_string)) {
		puts(json_object_get_string(o));
	} else {
		puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	}
	json_object_put(root);
	return rc;
}
