#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/patch-ab.sh's report and gate on a committed results directory
# (tests/data/patch-ab/: the build.json of a real base and seed-patch build, and per-job
# result files cut from tests/data/suite-612-delete-unrelated.json, the patched side's
# samples x 1.2): the patch subject and hash, the build facts, a 72-column table with
# the verdict, Markdown, the exit status as compare's gate; bad usage. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
PAB=$top_srcdir/scripts/patch-ab.sh
export MSB_BIN=$B
cp -r "$D/patch-ab" "$T/r"
chmod -R u+w "$T/r"

expect 0 "$PAB" --report-only "$T/r"
R=$T/r/report.txt
grep -q "^patch-ab: KVM: x86/mmu: Don't rely on page-track mechanism to flush on$" "$R" ||
	bad "report.txt: no subject line"
grep -q '^patch     seed-6.1.patch (sha256 b62d67e37553)$' "$R" || bad "report.txt: no patch hash"
grep -q '^source    linux-source-6.1=6.1.192-3, fast path$' "$R" || bad "report.txt: no source/path"
grep -q '^kernels   base 6.1.0-57-amd64, patched 6.1.0-57-amd64$' "$R" || bad "report.txt: no kernels"
grep -q '^compiler  gcc-12 ' "$R" || bad "report.txt: no compiler"
# Medians of per-VM medians: 114.55 ms base, x 1.2 patched; the verdict from compare.
grep -qE '^shadow delete 1G +114\.55 +137\.46  \+20\.0% \[\+[0-9.]+\.\.\+[0-9.]+\] +slower$' "$R" ||
	bad "report.txt: no 'shadow delete 1G ... slower' row: $(grep '^shadow' "$R")"
awk 'length > 72 { exit 1 }' "$R" || bad "report.txt has lines over 72 columns"
grep -q '^| shadow delete 1G | 114.55 | 137.46 | +20.0% \[' "$T/r/report.md" || bad "report.md: no row"
grep -q 'seed-6.1.patch (sha256 b62d67e37553)' "$T/r/report.md" || bad "report.md: no patch"
[[ -s $T/r/compare-shadow-delete-zap-all-delete_ns.txt ]] || bad "compare's own table missing"
[[ $(wc -l <"$T/r/samples/shadow-delete-zap-all-delete_ns.base.txt") == 16 ]] ||
	bad "base samples: not 4 VMs x 4"

# Each side's jobs merged (merged/SIDE-MMU-SCENARIO.json): 4 VMs a side, kept apart.
J=$top_builddir/tests/json_get
if [[ -x $J ]]; then
	[[ $("$J" "$T/r/merged/base-shadow-delete.json" runs.0.rounds) == 4 ]] ||
		bad "merged/base-shadow-delete.json: not 4 rounds"
	[[ $("$J" "$T/r/merged/patched-shadow-delete.json" runs.0.metrics.vm_round.samples) == '[0,0,0,0,1,1,1,1,2,2,2,2,3,3,3,3]' ]] ||
		bad "merged/patched-shadow-delete.json: the VMs are not kept apart"
fi
# A job from another memslot-bench build cannot be merged into its side: exit 1, named.
cp -r "$T/r" "$T/foreign"
f=$T/foreign/jobs/patched-shadow-r3/delete.json
sed 's/"git_revision": *"[^"]*"/"git_revision":"0000000"/' "$f" >"$f.x" && mv "$f.x" "$f"
expect 3 "$PAB" --report-only "$T/foreign"
grep -q "patched-shadow-r3/delete.json" "$T/err" || bad "the foreign job is not named: $(cat "$T/err")"
rm -rf "$T/foreign"

# The gate: +20% proven above +5%, not above +50%.
expect 1 "$PAB" --report-only "$T/r" 5
expect 0 "$PAB" --report-only "$T/r" 50
# Fewer than 4 VMs a side: nothing testable under the gate (3).
rm -r "$T/r"/jobs/*-r4
expect 3 "$PAB" --report-only "$T/r" 5
# ... and the report says so: no interval, no smallest change, the VMs that ran.
grep -qE '^shadow delete 1G +[0-9.]+ +[0-9.]+  \+20\.0% \(no interval\) +not tested$' "$T/r/report.txt" ||
	bad "report.txt: untested row: $(grep '^shadow' "$T/r/report.txt")"
grep -q '^runs      3 vs 3 VMs x ' "$T/r/report.txt" || bad "report.txt: runs line: $(grep '^runs' "$T/r/report.txt")"
grep -q 'No row was$' "$T/r/report.txt" || bad "report.txt: footer for nothing tested"
grep -q 'Smallest change' "$T/r/report.txt" && bad "report.txt: a smallest change without an interval"

# Bad usage: one line, exit 2, before any build.
expect 2 "$PAB" --report-only "$T/nowhere"
one_line_err
expect 2 "$PAB"
one_line_err
err_has "no --patch given"
expect 2 "$PAB" --patch "$D/patch/kvm-only.patch" --rounds x
one_line_err
expect 2 "$PAB" --patch "$D/patch/kvm-only.patch" --mmu ept
one_line_err
err_has "bad --mmu 'ept'"
expect 2 "$PAB" --patch "$D/patch/kvm-only.patch" --fail-on-regression lots
one_line_err
expect 2 "$PAB" --patch "$T/missing.patch"
one_line_err
# kernel-ab's own options: one line, exit 2, before any build or lab.
KAB=$top_srcdir/scripts/kernel-ab.sh
expect 2 "$KAB" --out
one_line_err
err_has "option --out needs a value"
expect 2 "$KAB" -j
err_has "option --jobs needs a value"
expect 2 "$KAB" --jobs x
err_has "--jobs 'x': not a number"
expect 2 "$KAB" --rounds 0
err_has "--rounds '0': not a number from 1 to 1000"
expect 2 "$KAB" --rounds x
one_line_err
expect 2 "$KAB" --sshloginfile "$T/no-such-file"
err_has "no such file"

exit "$fail"
