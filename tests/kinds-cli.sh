#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# memslot-bench kinds on result files of the QEMU lab's default suite (tests/data/suite-612-*,
# copies of results/vm-lab-6.12.117+deb12-amd64-20261125-081503/) and on the 6.1 file:
# every change kind present, the figures the result files hold, the 72-column table, the
# formats, report.sh's kinds.txt, and every bad input's one-line error. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
J=$top_builddir/tests/json_get
DU=$D/suite-612-delete-unrelated.json
DP=$D/suite-612-delete-populated.json
MU=$D/suite-612-move-unrelated.json
FP=$D/suite-612-flags-populated.json
OLD=$D/result-61.json

# fits_72 WHAT: the text table keeps to 72 columns, without trailing blanks
fits_72() {
	awk 'length > 72 { exit 1 }' "$T/out" || bad "text wider than 72 columns ($1)"
	if grep -q ' $' "$T/out"; then bad "trailing blanks in the text table ($1)"; fi
}
# text_row KIND LABEL: the text table's line for LABEL under KIND's heading
text_row() {
	awk -v k="$1" -v l="  $2 " '
		/^[^ ]/ { on = substr($0, 1, 16) == sprintf("%-16s", k); next }
		on && index($0, l) == 1 { print; exit }' "$T/out"
}
# CSV fields, quotes and doubled quotes honoured (POSIX awk).
CSV_SPLIT='function split_csv(s, out,    n, i, c, q, f) {
	n = 0; f = ""; q = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q && c == "\"" && substr(s, i + 1, 1) == "\"") { f = f c; i++ }
		else if (c == "\"") q = !q
		else if (c == "," && !q) { out[++n] = f; f = "" }
		else f = f c
	}
	out[++n] = f
	return q ? -1 : n
}'
# csv_get KIND LABEL COLUMN: that field of the CSV row of KIND and LABEL
csv_get() {
	awk -v k="$1" -v l="$2" -v col="$3" "$CSV_SPLIT"'
		NR == 1 { for (i = split_csv($0, h); i > 0; i--) idx[h[i]] = i; next }
		{ split_csv($0, f) }
		f[1] == k && f[6] == l { print f[idx[col]]; exit }' "$T/out"
}
# same A B: the two numbers are equal as doubles
same() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }' || bad "$3: $1 != $2"; }
summary() { "$J" "$1" "runs.$2.metrics.$3.summary.$4"; }

# run 0 of each suite file is zap-all, run 1 zap-slot: the cells below rely on it.
for f in "$DU" "$MU"; do
	[ "$("$J" "$f" runs.0.variant),$("$J" "$f" runs.1.variant)" = zap-all,zap-slot ] ||
		bad "$f: runs are not zap-all, zap-slot"
done

# The four result files of a suite: every kind, in kvm_mr_change order, one row per
# configuration (DELETE of an unrelated and of a populated slot).
expect 0 "$B" kinds "$DU" "$DP" "$MU" "$FP"
has "kernel 6.12.117+deb12-amd64, lab (QEMU 7.2.22 tcg), MMU shadow"
has "AMD EPYC-Rome Processor"
has "note     emulated (lab): times show mechanisms and ratios"
has " --------- zap-all --------- -------- zap-slot ---------"
fits_72 "suite"
order=$(grep -oE '^(CREATE|DELETE|MOVE|MOVE back|FLAGS_ONLY on|FLAGS_ONLY off) +run ' "$T/out" |
	sed 's/ *run $//' | paste -sd, -)
[ "$order" = "CREATE,DELETE,MOVE,MOVE back,FLAGS_ONLY on,FLAGS_ONLY off" ] ||
	bad "kinds missing or out of order: $order"
has "DELETE          run delete, delete_ns: the target slot deleted"
has "FLAGS_ONLY on   run flags, flags_on_ns: KVM_MEM_LOG_DIRTY_PAGES set"
for k in CREATE DELETE; do
	for l in "unrelated 1G" "populated 1G"; do
		[ -n "$(text_row "$k" "$l")" ] || bad "no $k row for $l"
	done
done
# Columns per variant: n median p99 zapped. Zapped is the DELETE's and MOVE's
# mmu_shadow_zapped median; CREATE and MOVE back have no count of their own.
read -r _ _ n _ _ zapped n2 _ _ zapped2 <<EOF
$(text_row DELETE "unrelated 1G")
EOF
[ "$n" = "$(summary "$DU" 0 delete_ns n)" ] || bad "DELETE zap-all n $n"
[ "$n2" = "$(summary "$DU" 1 delete_ns n)" ] || bad "DELETE zap-slot n $n2"
same "$zapped" "$(summary "$DU" 0 mmu_shadow_zapped median)" "DELETE zap-all zapped"
same "$zapped2" "$(summary "$DU" 1 mmu_shadow_zapped median)" "DELETE zap-slot zapped"
[ "$zapped" -gt 0 ] || bad "zap-all DELETE zapped nothing: $zapped"
read -r _ _ _ _ _ zapped _ _ _ zapped2 <<EOF
$(text_row MOVE "unrelated 1G")
EOF
same "$zapped" "$(summary "$MU" 0 mmu_shadow_zapped median)" "MOVE zap-all zapped"
same "$zapped2" "$(summary "$MU" 1 mmu_shadow_zapped median)" "MOVE zap-slot zapped"
for k in CREATE "MOVE back" "FLAGS_ONLY off"; do
	l="unrelated 1G"
	[ "$k" = "FLAGS_ONLY off" ] && l="populated 1G"
	read -r _ _ _ _ _ zapped _ _ _ zapped2 <<EOF
$(text_row "$k" "$l")
EOF
	[ "$zapped,$zapped2" = -,- ] || bad "$k shows zapped '$zapped' '$zapped2', not -"
done

# A long path (distcheck's, a deep results tree) still keeps to 72 columns.
L=$T/a-directory-name-long-enough/to-push-the-file-name-past-the-72-column-limit
mkdir -p "$L" && cp "$DU" "$L/"
expect 0 "$B" kinds "$L/suite-612-delete-unrelated.json" "$MU"
fits_72 "long path"

# CSV: one header, the same number of fields on every line, the exact summaries.
expect 0 "$B" kinds --format csv "$DU" "$DP" "$MU" "$FP"
[ "$(grep -c '^kind,' "$T/out")" = 1 ] || bad "CSV header not exactly once"
awk "$CSV_SPLIT"'NR == 1 { n = split_csv($0, h) } split_csv($0, f) != n { exit 1 }' "$T/out" ||
	bad "CSV lines differ in their number of fields"
[ "$(wc -l <"$T/out")" = 9 ] || bad "CSV has $(wc -l <"$T/out") lines, not header + 8 rows"
for v in 0:zap-all 1:zap-slot; do
	i=${v%%:*} name=${v#*:}
	for s in median p99 n; do
		col=${name}_$([ "$s" = n ] && echo n || echo "${s}_ns")
		same "$(csv_get DELETE "unrelated 1G" "$col")" "$(summary "$DU" "$i" delete_ns "$s")" \
			"CSV DELETE $col"
		same "$(csv_get CREATE "populated 1G" "$col")" "$(summary "$DP" "$i" create_ns "$s")" \
			"CSV CREATE $col"
		same "$(csv_get "FLAGS_ONLY on" "populated 1G" "$col")" \
			"$(summary "$FP" "$i" flags_on_ns "$s")" "CSV FLAGS_ONLY on $col"
	done
done
same "$(csv_get "MOVE back" "unrelated 1G" zap-slot_median_ns)" \
	"$(summary "$MU" 1 move_back_ns median)" "CSV MOVE back zap-slot median"
[ "$(csv_get CREATE "unrelated 1G" zap-all_zapped_median)" = "" ] || bad "CSV CREATE has a zapped count"
[ "$(csv_get DELETE "unrelated 1G" guest_mem)" = 1073741824 ] || bad "CSV guest_mem"

# Markdown: a header, its separator, and every table line with the header's columns.
expect 0 "$B" kinds --format markdown "$DU" "$DP" "$MU" "$FP"
has "| change | measured by | target, guest | zap-all n | zap-all median |"
has "- **note**: emulated (lab)"
# Header, separator, the 8 measured rows, and the headings of the 2 kinds the create
# scenario times (CREATE fresh, DELETE fresh), which these files do not measure.
awk '/^\|/ { n = gsub(/\|/, "|"); if (!cols) cols = n; else if (n != cols) exit 1; rows++ }
	END { exit rows != 12 }' "$T/out" || bad "Markdown table lines differ in columns or count"
grep -q '^|---|---|---|--:|' "$T/out" || bad "no Markdown separator line"

# Linux 6.1: zap-slot unsupported in every cell, with the reason once; the kinds no file
# measures still have their heading.
expect 0 "$B" kinds "$OLD"
has "kernel 6.1.0-56-amd64"
grep -q '^  unrelated 64M .* 37      unsupported$' "$T/out" || bad "no unsupported zap-slot cell"
[ "$(grep -c 'unsupported$' "$T/out")" = 4 ] || bad "not 4 unsupported rows"
[ "$(grep -c '^zap-slot unsupported: KVM_X86_QUIRK_SLOT_ZAP_ALL' "$T/out")" = 1 ] ||
	bad "the reason is not given once"
has "  (no run move in these files)"
fits_72 "6.1"
expect 0 "$B" kinds --format csv "$OLD"
[ "$(csv_get DELETE "unrelated 64M" zap-slot_status)" = unsupported ] || bad "CSV zap-slot status"
expect 0 "$B" kinds --format markdown "$OLD"
has "| 37 | unsupported | | | |"

# report.sh variants writes kinds.txt and kinds.md, naming the files relative to DIR.
mkdir "$T/suite" && cp "$DU" "$DP" "$MU" "$FP" "$T/suite/"
MSB_BUILD_DIR=$top_builddir bash "$top_srcdir/scripts/report.sh" variants "$T/suite" \
	>"$T/report.log" 2>&1 || bad "report.sh variants failed: $(tail -3 "$T/report.log")"
(cd "$T/suite" && "$B" kinds suite-612-*.json) >"$T/want.txt"
cmp -s "$T/want.txt" "$T/suite/kinds.txt" || bad "report.sh kinds.txt is not memslot-bench kinds"
grep -qF '| DELETE |' "$T/suite/kinds.md" 2>/dev/null || bad "report.sh wrote no kinds.md"
grep -qF "files    suite-612-delete-populated.json" "$T/suite/kinds.txt" ||
	bad "kinds.txt does not name the files relative to DIR"

# Bad input: one-line error naming the problem, exit 2.
expect 2 "$B" kinds
one_line_err
err_has "needs at least one result file"
expect 2 "$B" kinds "$DU" "$T/missing.json"
err_has "missing.json"
one_line_err
echo 'not json' >"$T/notjson.json"
expect 2 "$B" kinds "$T/notjson.json"
err_has "notjson.json: invalid JSON"
one_line_err
echo '{"schema": "memslot-bench/1"}' >"$T/bad.json"
expect 2 "$B" kinds "$T/bad.json"
err_has "bad.json: runs is missing"
one_line_err
expect 2 "$B" kinds --format xml "$DU"
err_has "--format"
one_line_err
sed 's/"accel": *"tcg"/"accel":"kvm"/' "$MU" >"$T/kvm.json"
expect 2 "$B" kinds "$DU" "$T/kvm.json"
err_has 'environment.lab.accel "tcg" vs "kvm"'
err_has "kvm.json"
one_line_err
expect 2 "$B" kinds "$OLD" "$D/result-612-a.json"
err_has "different kernels (6.1.0-56-amd64 vs 6.12.117+deb12-amd64)"
one_line_err
expect 0 "$B" kinds --help
has "--format text|markdown|csv"
has "72-column text (the default)"

[ "$fail" = 0 ] && echo "kinds CLI: all checks passed"
exit "$fail"
