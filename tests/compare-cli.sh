#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memslot-bench compare on small result files from the QEMU lab (tests/data/, cut down
# from real runs: Debian 6.12 twice, 6.1 once): matching, unsupported sides, variants,
# the 72-column table, formats, the environment check and the exit codes; verdicts over
# per-VM medians (issue 10), --pooled, the gate on the interval, --samples. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
A=$D/result-612-a.json
N=$D/result-612-b.json
OLD=$D/result-61.json
S=$D/samples

# Two runs of the same kernel: every run matched, header names kernels and host.
expect 0 "$B" compare "$A" "$N"
has "kernel 6.12.117+deb12-amd64"
has "AMD EPYC-Rome Processor"
has "Hodges-Lehmann"
has "delete zap-slot guest_mem=256M"
has "same value (37) in every sample on both sides"
# One VM a side (run without --rounds): medians, no verdict.
has "not tested: 1 vs 1 VMs, needs 4 a side (use --rounds)"
has "unit     the VM: medians are medians of per-VM medians"
grep -q "no difference proven\|faster\|slower" "$T/out" && bad "a verdict from one VM a side"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"
if grep -q ' $' "$T/out"; then bad "trailing blanks in the text table"; fi
# A long path (distcheck's, a deep results tree) still keeps to 72 columns.
L=$T/a-directory-name-long-enough/to-push-the-file-name-past-the-72-column-limit
mkdir -p "$L" && cp "$A" "$L/"
expect 0 "$B" compare "$L/result-612-a.json" "$N"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns with a long path"
has "[$T/a-directory"
# zap-all 64M delete in the two files: medians 24.748ms and 13.325ms. Tested only as
# pooled samples (--pooled), and labelled so: ratio x0.54 [0.43 .. 0.72], 95.7% (10 vs 10).
has "24.748ms"
expect 0 "$B" compare --pooled "$A" "$N"
has "24.748ms"
has "change x0.54 [0.43 .. 0.72], 1.9x faster"
has "(95.7% CI, 10 vs 10 pooled samples)"
has "pooled samples, taken as independent (--pooled)"
has "no difference proven"
awk 'length > 72 { exit 1 }' "$T/out" || bad "--pooled text wider than 72 columns"
# A time's change never goes below -100%.
grep -q -- '-1[0-9][0-9]\.[0-9]%' "$T/out" && bad "a change below -100%"

# 6.1 vs 6.12: kernels may differ; zap-slot is unsupported on the 6.1 side.
expect 0 "$B" compare "$OLD" "$A"
has "kernel 6.1.0-56-amd64"
has "base unsupported: KVM_X86_QUIRK_SLOT_ZAP_ALL"
grep -q '^  delete_ns  *unsupported  *1x10 ' "$T/out" || bad "no unsupported row"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"

# Variants inside one file: zap-slot against zap-all on 6.12.
expect 0 "$B" compare --variants zap-all,zap-slot "$A"
has "zap-all, kernel 6.12.117+deb12-amd64"
has "delete guest_mem=256M"
has "not tested: 1 vs 1 VMs"
expect 0 "$B" compare --pooled --variants zap-all,zap-slot "$A"
has "x faster"
has "shift -133 [-133 .. -133], fewer"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"

# Markdown and CSV; more than two files compare each against the first.
expect 0 "$B" compare --format markdown "$OLD" "$A"
has "| run | metric | base VMs x n |"
has "base unsupported"
expect 0 "$B" compare --format csv "$A" "$N" "$OLD"
[ "$(grep -c '^base_file,' "$T/out")" = 1 ] || bad "CSV header not exactly once"
has '"delete_ns","ns",10,24748225,'
has ',verdict,ratio,ratio_lo,ratio_hi,base_vms,new_vms,tested_on'
has '"not tested",'
[ "$(grep -c 'result-61.json' "$T/out")" -gt 0 ] || bad "third file not compared"

# Gate on the interval, pooled: refault_ns on zap-slot 64M is x1.7 [1.2 .. 2.6]: its
# point is beyond 50% but its interval is not, so 50% passes; 0% fails it (and one more
# row), Holm over the 12 gated latency rows.
expect 0 "$B" compare --pooled --fail-on-regression 50 "$A" "$N"
has "Holm-Bonferroni over the 12 gated"
expect 1 "$B" compare --pooled --fail-on-regression 0 "$A" "$N"
err_has "regression: delete zap-slot guest_mem=64M refault_ns x1.7 [1.2 .. 2.6]"
has "delete zap-all guest_mem=64M"
has "REGRESSION: whole interval above +0%"
expect 0 "$B" compare --pooled --fail-on-regression 200 "$A" "$N"
# Per VM (the default), one VM a side: nothing the gate can test, exit 3.
expect 3 "$B" compare --fail-on-regression 50 "$A" "$N"
err_has "nothing testable"
one_line_err

# Another environment is refused, naming the field and both values; --any-host compares.
sed 's/"accel": "tcg"/"accel": "kvm"/' "$N" >"$T/kvm.json"
expect 2 "$B" compare "$A" "$T/kvm.json"
err_has 'environment.lab.accel "tcg" vs "kvm"'
one_line_err
expect 0 "$B" compare --any-host "$A" "$T/kvm.json"

# Other NUMA layouts are other runs; --across-layouts matches them and names both.
sed 's/"numa": "default policy, unbound"/"numa": "remote", "cpu_node": 0, "mem_node": 1, "numa_distance": 20/' \
	"$N" >"$T/remote.json"
expect 3 "$B" compare "$A" "$T/remote.json"
has "only in base: delete zap-all"
err_has "nothing comparable"
one_line_err
expect 0 "$B" compare --across-layouts "$A" "$T/remote.json"
has "layouts  base default policy, unbound; new remote:"
has "memory on node 1 (distance 20)"
grep -q "only in" "$T/out" && bad "--across-layouts left runs unmatched"
awk 'length > 72 { exit 1 }' "$T/out" || bad "--across-layouts output wider than 72 columns"

# Bad input: one-line error, exit 2.
expect 2 "$B" compare "$A"
one_line_err
expect 2 "$B" compare "$A" "$T/missing.json"
err_has "missing.json"
one_line_err
echo '{"schema": "memslot-bench/1"}' >"$T/bad.json"
expect 2 "$B" compare "$A" "$T/bad.json"
err_has "bad.json: runs is missing"
one_line_err
expect 2 "$B" compare --format xml "$A" "$N"
one_line_err
expect 2 "$B" compare --variants zap-all "$A"
one_line_err
expect 2 "$B" compare --variants zap-all,zap-slot "$A" "$N"
one_line_err
expect 2 "$B" compare --fail-on-regression x "$A" "$N"
one_line_err
expect 0 "$B" compare --help
has "--fail-on-regression PCT"
has "Holm-Bonferroni"
awk 'length > 80 { exit 1 }' "$T/out" || bad "help wider than 80 columns"

# Plain sample files, VM VALUE: 4 vs 4 VMs, the exact level 97.1%, never "95%".
expect 0 "$B" compare --samples "$S/base-vms.txt" "$S/new-vms.txt"
has "change +14.8% [+5.7% .. +22.4%], slower (97.1% CI, 4 vs 4 VMs)"
has "4x3      10.1      10.6"
grep -q "95\.0%" "$T/out" && bad "95% printed for a 97.1% interval"
expect 0 "$B" compare --samples --format csv "$S/base-vms.txt" "$S/new-vms.txt"
has '"slower",1.1477832512315274,1.0571428571428572,1.2244897959183672,4,4,"per-VM medians"'
has ',0.9714285714285714,'
# The gate on a single row: +14.8% [+5.7% ..]: proven beyond 5%, not beyond 10%.
expect 1 "$B" compare --samples --fail-on-regression 5 "$S/base-vms.txt" "$S/new-vms.txt"
err_has "regression: samples value +14.8% [+5.7% .. +22.4%] (97.1%), beyond +5%"
expect 0 "$B" compare --samples --fail-on-regression 10 "$S/base-vms.txt" "$S/new-vms.txt"
# --pooled says so: 12 vs 12 samples.
expect 0 "$B" compare --samples --pooled "$S/base-vms.txt" "$S/new-vms.txt"
has "12 vs 12 pooled samples"
# One value per line: the file is one VM. 3 vs 3 VMs: not tested (90% at best).
expect 0 "$B" compare --samples "$S/one-col.txt" "$S/one-col.txt"
has "1 VM, 5 samples (one value per line)"
has "not tested: 1 vs 1 VMs"
printf 'a 10\na 11\nb 12\nb 12.5\nc 9\nc 9.5\n' >"$T/b3.txt"
printf 'a 13\na 14\nb 15\nb 15.5\nc 12\nc 12.5\n' >"$T/n3.txt"
expect 0 "$B" compare --samples "$T/b3.txt" "$T/n3.txt"
has "not tested: 3 vs 3 VMs, needs 4 a side (use --rounds)"
expect 0 "$B" compare --samples --format csv "$T/b3.txt" "$T/n3.txt"
has '"not tested",1.2'
# With the gate, one VM a side: nothing testable, exit 3.
expect 3 "$B" compare --samples --fail-on-regression 10 "$S/one-col.txt" "$S/one-col.txt"
err_has "nothing testable"
one_line_err
# Every bad sample file: one line naming the file and line, exit 2.
for bad_file in inf:2 mixed:4 nan:2 negative:2 non-numeric:3 three-col:1 zero:3; do
	f=${bad_file%:*}
	expect 2 "$B" compare --samples "$S/base-vms.txt" "$S/$f.txt"
	err_has "$S/$f.txt:${bad_file#*:}: "
	one_line_err
done
expect 2 "$B" compare --samples "$S/no-numbers.txt" "$S/base-vms.txt"
err_has "no-numbers.txt: no numbers"
one_line_err
expect 2 "$B" compare --samples "$S/base-vms.txt" "$T/missing.txt"
err_has "missing.txt: No such file or directory"
one_line_err
expect 2 "$B" compare --samples "$S/base-vms.txt"
one_line_err

# Result files with rounds: per-VM medians, 5 VMs x 4 a side; exit 3 without a match.
R=$top_srcdir/results/vm-lab-6.12.117+deb12-amd64-20261125-102148/delete-unrelated.json
if [ -f "$R" ]; then
	expect 0 "$B" compare --variants zap-all,zap-slot "$R"
	has "change x0.0072 [0.0056 .. 0.0095], 139x faster"
	has "(96.8% CI, 5 vs 5 VMs)"
	has "5x4"
fi

# An oversubscribed run (its times include run-queue waits) is not the same host as one
# that is not: refused unless --any-host. Host-state differences are said on stderr.
V2=$top_srcdir/tests/data/v2-create.json
state() { # OVERSUBSCRIBED THP: the head of a root object with both recorded
	printf '{ "pinning": {"oversubscribed": %s}, ' "$1"
	printf '"host_state": {"thp_enabled": {"value": "%s", "source": "x"}},' "$2"
}
sed "1s/^{/$(state false madvise)/" "$V2" >"$T/calm.json"
sed "1s/^{/$(state true always)/" "$V2" >"$T/busy.json"
expect 2 "$B" compare "$T/calm.json" "$T/busy.json"
err_has "pinning.oversubscribed false vs true"
expect 0 "$B" compare --any-host "$T/calm.json" "$T/busy.json"
err_has "differ in host state that changes these costs: thp_enabled: madvise vs always"

# JSON: --json FILE beside the table, --format json (= --json -) alone on stdout, the
# same figures as the CSV; an existing FILE refused (one line, exit 2, file untouched)
# unless --force; --json - with another --format refused.
expect 0 "$B" compare --json "$T/cmp.json" "$A" "$N"
has "Hodges-Lehmann"
expect 0 "$B" compare --format csv "$A" "$N"
cp "$T/out" "$T/cmp.csv"
expect 0 "$B" compare --format json "$A" "$N"
cmp -s "$T/out" "$T/cmp.json" || bad "--format json and --json FILE differ"
python3 - "$T/cmp.json" "$T/cmp.csv" <<'PY' || bad "compare JSON: does not match the CSV"
import csv, json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "memslot-bench-compare/1", doc.get("schema")
rows = list(csv.DictReader(open(sys.argv[2])))
got = [(r["run"], m["metric"], m["base"]["median"], m["new"]["median"], m["change"]["verdict"])
       for c in doc["comparisons"] for r in c["runs"] for m in r["metrics"]]
want = [(r["run"], r["metric"], float(r["base_median"]), float(r["new_median"]), r["verdict"])
        for r in rows]
assert len(got) == len(want) > 0, (len(got), len(want))
for g, w in zip(got, want):
    assert g[:2] == w[:2] and g[4] == w[4], (g, w)
    assert abs(g[2] - w[2]) <= 1e-9 * abs(w[2]) and abs(g[3] - w[3]) <= 1e-9 * abs(w[3]), (g, w)
print("compare JSON: %d rows match the CSV" % len(got))
PY
cp "$T/cmp.json" "$T/cmp.keep"
expect 2 "$B" compare --json "$T/cmp.json" "$A" "$N"
one_line_err
err_has "exists (use --force to overwrite)"
cmp -s "$T/cmp.json" "$T/cmp.keep" || bad "a refused --json FILE was changed"
expect 0 "$B" compare --force --json "$T/cmp.json" --variants zap-all,zap-slot "$A"
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["comparisons"][0]["base_variant"])' "$T/cmp.json")" = zap-all ] ||
	bad "--force did not overwrite the --json FILE"
expect 2 "$B" compare --json - --format markdown "$A" "$N"
one_line_err
expect 2 "$B" compare --json "$T" "$A" "$N"
one_line_err

# A lab run on a rebuilt KVM (lab.sh --kvm-modules) is named by its build in the header.
P=$D/patch-ab/jobs
for side in base patched; do
	sed 's/"kernel_package":"\([^"]*\)"}/"kernel_package":"\1","kvm_build":{"key":"bb42ff8f17c663e7","patches":[{"subject":"KVM: x86: a patch"}]}}/g' \
		"$P/$side-shadow-r1/delete.json" >"$T/kb-$side.json"
done
expect 0 "$B" compare "$T/kb-base.json" "$T/kb-patched.json"
has "KVM build bb42ff8f17c663e7 with 1 patch"
[ "$fail" = 0 ] && echo "compare CLI: all checks passed"
exit "$fail"
