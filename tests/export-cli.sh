#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memslot-bench export on committed result files (tests/data/suite-612-*, a copy of the
# lab suite's delete-unrelated.json; result-61.json with zap-slot unsupported): raw
# output is nothing but the samples of one run, in file order, and ministat reads it;
# csv has its header, one row per sample and the VM of each; every bad input exits 2
# with one line. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
J=$top_builddir/tests/json_get
DU=$D/suite-612-delete-unrelated.json
OLD=$D/result-61.json

# raw: one number per line, nothing else, as many as the run's samples.
expect 0 "$B" export --variant zap-slot "$DU"
n=$(wc -l <"$T/out")
[ "$n" -gt 0 ] || bad "raw export printed nothing"
if grep -qvE '^-?[0-9][0-9.eE+-]*$' "$T/out"; then bad "raw export has a non-number line"; fi
[ -s "$T/err" ] && bad "raw export wrote to stderr: $(cat "$T/err")"
cp "$T/out" "$T/slot.txt"
# The same values as the file's primary, in file order (json_get prints the array).
if [ -x "$J" ]; then
	expect 0 "$B" export --format csv --variant zap-slot "$DU"
	awk -F, 'NR > 1 { print $NF }' "$T/out" >"$T/csvvals"
	cmp -s "$T/csvvals" "$T/slot.txt" || bad "raw and csv values differ"
fi
expect 0 "$B" export --run 1 "$DU"
cp "$T/out" "$T/all.txt"
cmp -s "$T/all.txt" "$T/slot.txt" && bad "--run 1 (zap-all) gave zap-slot's samples"
[ "$(wc -l <"$T/all.txt")" = "$n" ] || bad "zap-all and zap-slot sample counts differ"

# ministat reads it as it is (Debian's ministat; skipped without it).
if command -v ministat >/dev/null 2>&1; then
	"$B" export --variant zap-all "$DU" | ministat >"$T/out" 2>"$T/err" || bad "ministat failed: $(cat "$T/err")"
	has "N           Min"
	ministat "$T/all.txt" "$T/slot.txt" >"$T/out" 2>"$T/err" || bad "ministat of two exports failed"
	has "Difference at 95.0% confidence"
else
	echo "ministat not installed (apt-get install ministat): that check skipped"
fi

# csv: the header, one row per sample of every run, the VM column filled.
expect 0 "$B" export --format csv "$DU"
head -n1 "$T/out" | grep -qx 'run,scenario,variant,params,vm,metric,value' || bad "csv header"
[ "$(($(wc -l <"$T/out") - 1))" = "$((2 * n))" ] || bad "csv rows are not both runs' samples"
has '1,"delete","zap-all","guest_mem=1G'
has '2,"delete","zap-slot","guest_mem=1G'
awk -F, 'NR > 1 && $(NF - 2) !~ /^[0-9]+$/ { exit 1 }' "$T/out" || bad "csv vm column not a VM number"
expect 0 "$B" export --format csv --metric mmu_shadow_zapped "$DU"
has '"mmu_shadow_zapped",517'
has '"mmu_shadow_zapped",0'
# An unsupported run is left out of csv; raw on it says why.
expect 0 "$B" export --format csv "$OLD"
grep -q 'zap-slot' "$T/out" && bad "csv exported an unsupported run"
expect 2 "$B" export --run 2 "$OLD"
err_has "unsupported"
one_line_err

# Bad inputs: one line, exit 2.
expect 2 "$B" export "$DU"
err_has "2 runs match"
one_line_err
expect 2 "$B" export
err_has "needs a result file"
one_line_err
expect 2 "$B" export "$DU" "$DU"
one_line_err
expect 2 "$B" export "$T/none.json"
err_has "none.json"
one_line_err
echo '{"schema":' >"$T/bad.json"
expect 2 "$B" export "$T/bad.json"
err_has "bad.json"
one_line_err
expect 2 "$B" export --format xml "$DU"
err_has "--format"
one_line_err
expect 2 "$B" export --metric nope --variant zap-all "$DU"
err_has "no metric 'nope'"
one_line_err
expect 2 "$B" export --variant zap-none "$DU"
err_has "no run matches"
one_line_err
expect 2 "$B" export --run 0 "$DU"
one_line_err
expect 2 "$B" export --format csv --metric nope "$DU"
err_has "nothing to export"
one_line_err
expect 2 "$B" export --bogus "$DU"
one_line_err
expect 0 "$B" export --help
has "--format raw|csv"

[ "$fail" = 0 ] && echo "export CLI: all checks passed"
exit "$fail"
