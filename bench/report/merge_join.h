/* SPDX-License-Identifier: GPL-2.0 */
/* Joining one result run or schedule into another, for memslot-bench merge
 * (bench/report/merge_join.c). */
#ifndef MSB_MERGE_JOIN_H
#define MSB_MERGE_JOIN_H
#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* add's samples after acc's (VM index offset by acc's VMs, schedule "vm" in *_vms
 * details by file_vm_off), placement joined, summaries and rounds computed again;
 * every other key must be equal. -1 with the reason in err. */
int join_run(json_object *acc, json_object *add, double file_vm_off, char *err, size_t len);
/* a and b (objects or NULL) equal in each of the n keys (absent = absent). */
bool same_keys(json_object *a, json_object *b, const char *const *keys, size_t n);
/* The schedule's "vms" array of a result root, NULL without one. */
json_object *schedule_vms(json_object *root);
/* One past the largest "vm" of a schedule's first n entries (0 without any). */
double schedule_next_vm(json_object *vms, size_t n);
/* add's schedule after acc's: VMs numbered over the file, rounds per run. */
void join_schedule(json_object *acc, json_object *add);

#endif
