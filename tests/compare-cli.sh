#!/bin/sh
# memslot-bench compare on small result files from the QEMU lab (tests/data/, cut down
# from real runs: Debian 6.12 twice, 6.1 once): matching, unsupported sides, variants,
# the 72-column table, formats, the environment check and the exit codes. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
A=$D/result-612-a.json
N=$D/result-612-b.json
OLD=$D/result-61.json

# Two runs of the same kernel: every run matched, header names kernels and host.
expect 0 "$B" compare "$A" "$N"
has "kernel 6.12.117+deb12-amd64"
has "AMD EPYC-Rome Processor"
has "Hodges-Lehmann"
has "delete zap-slot guest_mem=256M"
has "same value (37) in every sample on both sides"
has "no difference proven at 95% confidence"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"
if grep -q ' $' "$T/out"; then bad "trailing blanks in the text table"; fi
# A long path (distcheck's, a deep results tree) still keeps to 72 columns.
L=$T/a-directory-name-long-enough/to-push-the-file-name-past-the-72-column-limit
mkdir -p "$L" && cp "$A" "$L/"
expect 0 "$B" compare "$L/result-612-a.json" "$N"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns with a long path"
has "[$T/a-directory"
# zap-all 64M delete in the two files: medians 24.748ms and 13.325ms, HL -43.7%
has "24.748ms"
has "change -43.7% [-59.0% .. -27.9%], faster"

# 6.1 vs 6.12: kernels may differ; zap-slot is unsupported on the 6.1 side.
expect 0 "$B" compare "$OLD" "$A"
has "kernel 6.1.0-56-amd64"
has "base unsupported: KVM_X86_QUIRK_SLOT_ZAP_ALL"
grep -q '^  delete_ns  *unsupported  *10 ' "$T/out" || bad "no unsupported row"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"

# Variants inside one file: zap-slot against zap-all on 6.12.
expect 0 "$B" compare --variants zap-all,zap-slot "$A"
has "zap-all, kernel 6.12.117+deb12-amd64"
has "delete guest_mem=256M"
has "change -100.0% [-100.0% .. -100.0%], fewer"
has "x faster"
awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns"

# Markdown and CSV; more than two files compare each against the first.
expect 0 "$B" compare --format markdown "$OLD" "$A"
has "| run | metric | base n |"
has "base unsupported"
expect 0 "$B" compare --format csv "$A" "$N" "$OLD"
[ "$(grep -c '^base_file,' "$T/out")" = 1 ] || bad "CSV header not exactly once"
has '"delete_ns","ns",10,24748225,'
[ "$(grep -c 'result-61.json' "$T/out")" -gt 0 ] || bad "third file not compared"

# Gate: slower latencies (refault_ns +74% on zap-slot 64M) fail 50%, not 200%.
expect 1 "$B" compare --fail-on-regression 50 "$A" "$N"
err_has "regression: delete zap-slot guest_mem=64M refault_ns +74.0%"
has "delete zap-all guest_mem=64M"
expect 0 "$B" compare --fail-on-regression 200 "$A" "$N"

# Another environment is refused, naming the field and both values; --force compares.
sed 's/"accel": "tcg"/"accel": "kvm"/' "$N" >"$T/kvm.json"
expect 2 "$B" compare "$A" "$T/kvm.json"
err_has 'environment.lab.accel "tcg" vs "kvm"'
one_line_err
expect 0 "$B" compare --force "$A" "$T/kvm.json"

# Other NUMA layouts are other runs; --across-layouts matches them and names both.
sed 's/"numa": "default policy, unbound"/"numa": "remote", "cpu_node": 0, "mem_node": 1, "numa_distance": 20/' \
	"$N" >"$T/remote.json"
expect 0 "$B" compare "$A" "$T/remote.json"
has "only in base: delete zap-all"
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

[ "$fail" = 0 ] && echo "compare CLI: all checks passed"
exit "$fail"
