#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# kernel-ab.sh's jobs, kernel x variant x round, through GNU parallel (-j 2), merged
# per kernel with `memslot-bench merge`, then reported: the lab is real (scripts/lab.sh),
# QEMU a stand-in (MSB_LAB_QEMU) that leaves, as the guest would, the committed job
# file of its variant and round (tests/data/kernel-ab/VARIANT-rR/delete.json) in the
# job's directory. Checks the job list (ABBA), every job's directory, the merged files
# (4 VMs a variant, kept apart), the report, --report-only and a job file that cannot
# be merged. 77 without GNU parallel or the lab's tools.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
# shellcheck source=tests/ab-standins.sh
. "$top_srcdir/tests/ab-standins.sh"
J=$top_builddir/tests/json_get
command -v parallel >/dev/null || { echo "SKIP: no GNU parallel"; exit 77; }
[[ -x $J ]] || { echo "SKIP: no tests/json_get"; exit 77; }
KAB=$top_srcdir/scripts/kernel-ab.sh

# shellcheck disable=SC2016 # expands in the stand-in QEMU
ab_standin_qemu 'job=$(basename "$out")
cp "'"$D"'/kernel-ab/${job#*-}/delete.json" "$out/delete.json" || exit 1'
# The A/B matrix of this test: delete only (the committed job files).
cat >"$T/msb" <<EOF
#!/bin/sh
[ "\$1 \$2" = "run --list" ] && { echo delete; exit 0; }
exec "$B" "\$@"
EOF
chmod +x "$T/msb"
export MSB_LAB_QEMU=$T/qemu MSB_BIN=$T/msb XDG_CACHE_HOME=$T/cache MSB_LAB_PATH=$top_builddir/bench
"$top_srcdir/scripts/lab.sh" --check >/dev/null 2>&1 || { echo "SKIP: the lab cannot run here"; exit 77; }
: >"$T/bzImage"

rc=0
"$KAB" --out "$T/kab" --rounds 4 -j 2 "$T/bzImage" "$T/bzImage" >"$T/kab.out" 2>&1 || rc=$?
[[ $rc == 0 ]] || bad "kernel-ab: exit $rc: $(tail -n5 "$T/kab.out")"
grep -q "16 lab jobs, 2 at a time" "$T/kab.out" || bad "no job count: $(head -n3 "$T/kab.out")"
[[ $(wc -l <"$T/kab/jobs.txt") == 16 ]] || bad "jobs.txt: $(wc -l <"$T/kab/jobs.txt") lines, not 16"
# ABBA: for each variant the kernel that goes first alternates from round to round.
for v in zap-all zap-slot; do
	order=$(awk -v v="$v" '$2 == v { printf "%s", substr($1, 1, 1) }' "$T/kab/jobs.txt")
	[[ $order == bnnbbnnb || $order == nbbnnbbn ]] || bad "jobs.txt: $v runs $order (b base, n new), not ABBA"
done
n=0
for d in "$T"/kab/jobs/*-r*; do
	n=$((n + 1))
	[[ $(cat "$d/status" 2>/dev/null) == 0 ]] || bad "job $(basename "$d"): no status 0"
	[[ -f $d/run.txt && -f $d/delete.json ]] || bad "job $(basename "$d"): run.txt or delete.json missing"
done
[[ $n == 16 ]] || bad "$n job directories, not 16"
for side in base new; do
	f=$T/kab/$side/delete.json
	for r in 0 1; do
		[[ $("$J" "$f" runs.$r.rounds 2>/dev/null) == 4 ]] || bad "$side: run $r has not 4 rounds"
		[[ $("$J" "$f" runs.$r.metrics.vm_round.samples 2>/dev/null) == '[0,0,0,1,1,1,2,2,2,3,3,3]' ]] ||
			bad "$side: run $r's VMs: $("$J" "$f" runs.$r.metrics.vm_round.samples 2>&1)"
	done
	"$J" "$f" merged_from.7.path >/dev/null 2>&1 || bad "$side: merged_from lacks a job"
done
grep -q "4 vs 4 VMs" "$T/kab/report.txt" 2>/dev/null || bad "report.txt: no 4 vs 4 VMs row"
cp "$T/kab/report.txt" "$T/report.before"

# --report-only: the same report from the same jobs.
rc=0
"$KAB" --report-only "$T/kab" >"$T/ro.out" 2>&1 || rc=$?
[[ $rc == 0 ]] || bad "--report-only: exit $rc: $(tail -n3 "$T/ro.out")"
cmp -s "$T/kab/report.txt" "$T/report.before" || bad "--report-only wrote another report"

# A job from another memslot-bench build cannot be merged: exit 1, the file named.
f=$T/kab/jobs/new-zap-all-r3/delete.json
sed 's/"git_revision": *"[^"]*"/"git_revision":"0000000"/' "$f" >"$f.x" && mv "$f.x" "$f"
rc=0
"$KAB" --report-only "$T/kab" >"$T/ro.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || bad "--report-only with a foreign job: exit $rc, not 1"
grep -q 'new-zap-all-r3/delete.json' "$T/ro.out" || bad "the foreign job is not named: $(cat "$T/ro.out")"
grep -q "cannot be merged" "$T/ro.out" || bad "no 'cannot be merged': $(cat "$T/ro.out")"

# A job that left no result file: named, exit 1.
rm "$T/kab/jobs/base-zap-slot-r2/delete.json"
rc=0
"$KAB" --report-only "$T/kab" >"$T/ro.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || bad "--report-only with a job's file missing: exit $rc, not 1"
grep -q "lab job 'base zap-slot 2'" "$T/ro.out" || bad "the job without results is not named: $(cat "$T/ro.out")"
# A job that never ran (no status): exit 1.
rm "$T/kab/jobs/new-zap-all-r1/status"
rc=0
"$KAB" --report-only "$T/kab" >"$T/ro.out" 2>&1 || rc=$?
[[ $rc == 1 ]] || bad "a job without status: exit $rc, not 1"
grep -q "did not run" "$T/ro.out" || bad "a job without status is not named: $(cat "$T/ro.out")"

rc=0
"$KAB" --report-only "$T/nowhere" >"$T/ro.out" 2>&1 || rc=$?
[[ $rc == 2 ]] || bad "--report-only on no directory: exit $rc, not 2"
((fail)) || echo "kernel-ab jobs: all checks passed"
exit "$fail"
