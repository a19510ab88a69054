#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memslot-bench merge on committed job files (tests/data/kernel-ab/VARIANT-rR: one
# 16M delete VM each, as kernel-ab's lab jobs write them): the merged file keeps every
# VM apart (compare's per-VM statistics on it equal those of the jobs' per-VM samples),
# its summaries are its samples', merging is associative, and every input that cannot
# be joined honestly exits 2 with one line, the output untouched. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
J=$top_builddir/tests/json_get
K=$D/kernel-ab
[ -x "$J" ] || { echo "SKIP: no tests/json_get"; exit 77; }
get() { "$J" "$@" 2>/dev/null; }

# Both variants, four rounds each: two runs of four VMs, three samples a VM.
expect 0 "$B" merge -o "$T/m.json" "$K"/zap-all-r1/delete.json "$K"/zap-all-r2/delete.json \
	"$K"/zap-all-r3/delete.json "$K"/zap-all-r4/delete.json "$K"/zap-slot-r1/delete.json \
	"$K"/zap-slot-r2/delete.json "$K"/zap-slot-r3/delete.json "$K"/zap-slot-r4/delete.json
[ "$(get "$T/m.json" runs.0.variant)" = zap-all ] || bad "run 1 is not zap-all"
[ "$(get "$T/m.json" runs.1.variant)" = zap-slot ] || bad "run 2 is not zap-slot"
get "$T/m.json" runs.2 >/dev/null && bad "more than two runs after the merge"
for r in 0 1; do
	[ "$(get "$T/m.json" runs.$r.rounds)" = 4 ] || bad "run $r: rounds $(get "$T/m.json" runs.$r.rounds), not 4"
	[ "$(get "$T/m.json" runs.$r.metrics.vm_round.samples)" = '[0,0,0,1,1,1,2,2,2,3,3,3]' ] ||
		bad "run $r: VM index $(get "$T/m.json" runs.$r.metrics.vm_round.samples)"
	[ "$(get "$T/m.json" runs.$r.metrics.delete_ns.summary.n)" = 12 ] || bad "run $r: summary.n not 12"
done
for r in 0 1; do
	[ "$(get "$T/m.json" runs.$r.placement.actual.pages_sampled)" = 4096 ] ||
		bad "run $r: placement's sampled pages not added up over the 4 VMs"
	[ "$(get "$T/m.json" runs.$r.placement.match)" = true ] || bad "run $r: placement no longer matches"
	[ "$(get "$T/m.json" runs.$r.placement.actual.mem_pages_by_node.0)" = 4096 ] ||
		bad "run $r: pages by node not added up"
done
get "$T/m.json" merged_from.7.command_line >/dev/null || bad "merged_from lacks the 8th input"
get "$T/m.json" merged_from.8 >/dev/null && bad "merged_from has more than 8 inputs"
[ "$(get "$T/m.json" schedule.vms.7.vm)" = 7 ] || bad "schedule: the 8th VM is not vm 7"
# Schedule rounds count per run, as the runs' VM index does: zap-all 0-3, zap-slot 0-3.
rounds=$(for i in 0 1 2 3 4 5 6 7; do get "$T/m.json" schedule.vms.$i.round; done | tr '\n' ' ')
[ "$rounds" = "0 1 2 3 0 1 2 3 " ] || bad "schedule rounds not counted per run: $rounds"
[ "$(get "$T/m.json" command_line.0)" = merge ] || bad "the merged file's command_line is not the merge's"
get "$T/m.json" merged_from.0.command_line.0 | grep -qx run || bad "merged_from lacks the jobs' command lines"

# The summary is the merged samples': the median of the 12 exported values.
"$B" export --variant zap-all "$T/m.json" | sort -n >"$T/all.txt"
want=$(awk '{ v[NR] = $1 } END { print (v[6] + v[7]) / 2 }' "$T/all.txt")
got=$(get "$T/m.json" runs.0.metrics.delete_ns.summary.median)
awk -v a="$want" -v b="$got" 'BEGIN { exit !(a - b < 1 && b - a < 1) }' ||
	bad "merged median $got, its samples' median $want"

# compare on the merged file = compare on the jobs' per-VM samples (VM VALUE).
for v in zap-all zap-slot; do
	for r in 1 2 3 4; do
		"$B" export "$K/$v-r$r/delete.json" | sed "s/^/$r /"
	done >"$T/$v.txt"
done
"$B" compare --variants zap-all,zap-slot "$T/m.json" | grep -A1 '^  delete_ns ' | tail -n1 >"$T/a"
"$B" compare --samples "$T/zap-all.txt" "$T/zap-slot.txt" | grep -A1 '^  value ' | tail -n1 >"$T/b"
grep -q '4 vs 4 VMs' "$T/a" || bad "merged file: not 4 vs 4 VMs: $(cat "$T/a")"
cmp -s "$T/a" "$T/b" || bad "merged: '$(cat "$T/a")', per-VM samples: '$(cat "$T/b")'"

# Associative: (r1 r2) (r3 r4) gives the samples and VMs of r1..r4.
expect 0 "$B" merge -o "$T/a.json" "$K"/zap-all-r1/delete.json "$K"/zap-all-r2/delete.json
expect 0 "$B" merge -o "$T/b.json" "$K"/zap-all-r3/delete.json "$K"/zap-all-r4/delete.json
expect 0 "$B" merge -o "$T/ab.json" "$T/a.json" "$T/b.json"
"$B" export -F csv "$T/ab.json" | cut -d, -f5- >"$T/ab.csv"
"$B" export -F csv --variant zap-all "$T/m.json" | cut -d, -f5- >"$T/m.csv"
cmp -s "$T/ab.csv" "$T/m.csv" || bad "merge of merges differs from one merge"
[ "$(get "$T/ab.json" merged_from.3.path | grep -c zap-all-r4)" = 1 ] ||
	bad "a merge of merges lost its inputs' provenance"

# Bad input: one line, exit 2, the output untouched.
cp "$T/a.json" "$T/keep.json"
expect 2 "$B" merge -o "$T/keep.json" "$K"/zap-all-r3/delete.json "$K"/zap-all-r4/delete.json
one_line_err
err_has "exists (use --force"
cmp -s "$T/a.json" "$T/keep.json" || bad "an existing --out was changed"
expect 0 "$B" merge -f -o "$T/keep.json" "$K"/zap-all-r3/delete.json "$K"/zap-all-r4/delete.json
expect 2 "$B" merge -o "$T/x.json" "$K"/zap-all-r1/delete.json "$K"/zap-all-r1/delete.json
one_line_err
err_has "given twice"
expect 2 "$B" merge -o "$T/x.json" "$T/a.json" "$K"/zap-all-r2/delete.json
one_line_err
err_has "hold the same run"
expect 2 "$B" merge -o "$T/x.json" "$K"/zap-all-r1/delete.json
err_has "needs two or more"
expect 2 "$B" merge "$K"/zap-all-r1/delete.json "$K"/zap-all-r2/delete.json
err_has "needs -o"
expect 2 "$B" merge -o "$T" "$K"/zap-all-r1/delete.json "$K"/zap-all-r2/delete.json
one_line_err
# Another host and kernel (and memslot-bench).
expect 2 "$B" merge -o "$T/x.json" "$K"/zap-all-r1/delete.json "$D/result-61.json"
one_line_err
err_has '" differs between'
# A job run with other --reps stays a run of its own, and merge says which parameter
# keeps it apart (compare would otherwise meet two zap-all runs without a word).
sed 's/"reps": *3/"reps":4/' "$K/zap-all-r2/delete.json" >"$T/reps4.json"
expect 0 "$B" merge -o "$T/reps.json" "$K/zap-all-r1/delete.json" "$T/reps4.json"
err_has "$T/reps4.json: run 1 (delete) has reps 4, the one before it 3: kept as a run of its own"
one_line_err
[ "$(get "$T/reps.json" runs.1.params.reps)" = 4 ] || bad "the other --reps run was not kept apart"
expect 0 "$B" merge -o "$T/same.json" "$K/zap-all-r1/delete.json" "$K/zap-all-r2/delete.json"
[ -s "$T/err" ] && bad "merge of joinable runs said something: $(cat "$T/err")"
# Another size is a run of its own by design (kernel-ab's --guest-mem 256M,1G): no word.
sed 's/"guest_mem": *16777216/"guest_mem":33554432/' "$K/zap-all-r2/delete.json" >"$T/32m.json"
expect 0 "$B" merge -o "$T/sizes.json" "$K/zap-all-r1/delete.json" "$T/32m.json"
[ -s "$T/err" ] && bad "merge of two sizes said something: $(cat "$T/err")"
[ "$(get "$T/sizes.json" runs.1.params.guest_mem)" = 33554432 ] || bad "the 32M run is not a run of its own"
# A refusal after a note is still one line (notes are printed once the file is written):
# the reps note comes while joining the 2nd file, the refusal while joining the 3rd.
sed '0,/"headline": *true/s//"headline":false/' "$K/zap-all-r3/delete.json" >"$T/headline.json"
expect 2 "$B" merge -o "$T/x.json" "$K/zap-all-r1/delete.json" "$T/reps4.json" "$T/headline.json"
one_line_err
err_has "is described otherwise"

# The clock source may differ between inputs (each lab boot picks its own): joined,
# host_state's clocksource "mixed", each input's in merged_from, and a note.
clock() { # FILE SOURCE OUT
	sed "s/\"host_state\": *{/&\"clocksource\":{\"value\":\"$2\",\"source\":\"x\"},/" "$1" >"$3"
}
clock "$K/zap-all-r1/delete.json" hpet "$T/hpet1.json"
clock "$K/zap-all-r2/delete.json" hpet "$T/hpet2.json"
clock "$K/zap-all-r3/delete.json" tsc "$T/tsc3.json"
expect 0 "$B" merge -o "$T/clk.json" "$T/hpet1.json" "$T/hpet2.json"
[ -s "$T/err" ] && bad "merge on one clock source said something: $(cat "$T/err")"
[ "$(get "$T/clk.json" host_state.clocksource.value)" = hpet ] || bad "one clock source: not kept"
expect 0 "$B" merge -o "$T/mixed.json" "$T/hpet1.json" "$T/hpet2.json" "$T/tsc3.json"
err_has "the inputs ran on different clock sources (hpet, tsc, ...): joined"
one_line_err
[ "$(get "$T/mixed.json" host_state.clocksource.value)" = mixed ] || bad "mixed clock sources: not 'mixed'"
[ "$(get "$T/mixed.json" merged_from.2.clocksource)" = tsc ] || bad "merged_from lacks an input's clock source"
[ "$(get "$T/mixed.json" runs.0.rounds)" = 3 ] || bad "mixed clock sources: the runs were not joined"

# refused_edit SED MESSAGE: round 2's job file edited by SED cannot join round 1's.
refused_edit() {
	sed "$1" "$K"/zap-all-r2/delete.json >"$T/edited.json"
	expect 2 "$B" merge -o "$T/x.json" "$K"/zap-all-r1/delete.json "$T/edited.json"
	one_line_err
	err_has "$2"
}
# Another host only.
refused_edit 's/"nodename": *"[^"]*"/"nodename":"elsewhere"/' '"host" differs'
# Host state other than the clock source (here THP) still stops a merge.
refused_edit '0,/"value": *"madvise"/s//"value":"never"/' '"host_state" differs'
# Another KVM build (lab.sh --kvm-modules records it in the environment): base and
# patched never join.
for k in aaaa bbbb; do
	sed "s/\"environment\": *{/\"environment\":{\"kvm_build\":{\"key\":\"$k\"},/" \
		"$K/zap-all-r$([ $k = aaaa ] && echo 1 || echo 2)/delete.json" >"$T/build-$k.json"
done
expect 2 "$B" merge -o "$T/x.json" "$T/build-aaaa.json" "$T/build-bbbb.json"
one_line_err
err_has '"environment" differs'
# A metric described otherwise (its headline flag).
refused_edit '0,/"headline": *true/s//"headline":false/' "is described otherwise"
# Another build of memslot-bench.
refused_edit 's/"git_revision": *"[^"]*"/"git_revision":"0000000"/' '"tool" differs'
# A job whose threads ran on other CPUs.
refused_edit 's/"ioctl_cpu": *"0"/"ioctl_cpu":"1"/' "other CPUs"
# Runs without a per-VM index cannot be joined (their VMs would blur).
for r in 1 2; do
	sed 's/"role": *"index"/"role":"count"/' "$K/zap-all-r$r/delete.json" >"$T/noindex-$r.json"
done
expect 2 "$B" merge -o "$T/x.json" "$T/noindex-1.json" "$T/noindex-2.json"
one_line_err
err_has "no per-VM index"
# An interrupted run's file (as run writes one: "complete" false, "incomplete" why)
# only with --allow-incomplete; the merge says so, and which input it was.
sed 's/"complete": *true/"complete":false,"incomplete":{"reason":"interrupted by SIGINT"}/' \
	"$K"/zap-all-r2/delete.json >"$T/incomplete.json"
expect 2 "$B" merge -o "$T/x.json" "$K"/zap-all-r1/delete.json "$T/incomplete.json"
one_line_err
expect 0 "$B" merge --allow-incomplete -o "$T/inc.json" "$K"/zap-all-r1/delete.json "$T/incomplete.json"
[ "$(get "$T/inc.json" complete)" = false ] || bad "a merge with an incomplete input says complete"
[ "$(get "$T/inc.json" incomplete.reason)" = "interrupted by SIGINT" ] || bad "the merge lost why"
[ "$(get "$T/inc.json" merged_from.1.complete)" = false ] || bad "merged_from: which input was incomplete"
[ -e "$T/x.json" ] && bad "a refused merge wrote its --out"
for f in "$T"/*.tmp.*; do [ -e "$f" ] && bad "a temporary file was left: $f"; done

[ "$fail" = 0 ] && echo "merge: all checks passed"
exit "$fail"
