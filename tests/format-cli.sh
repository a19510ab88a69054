#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# One --format and one --json across the commands: each command's --help lists the
# formats it takes (run text|json|raw, info text|json, compare and kinds
# text|markdown|csv, kinds text|markdown|csv|json, export raw|csv); info and kinds
# write JSON with --format json, --json - and --json FILE (text on stdout then), info
# also with the old bare --json; contradictions and unknown formats exit 2 with one
# line, run's before any VM (so no KVM is needed). No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
J=$top_builddir/tests/json_get
DU=$D/suite-612-delete-unrelated.json

# Every command's --format, with the formats it takes.
for c in "run text|json|raw" "info text|json" "compare text|markdown|csv|json" \
	"kinds text|markdown|csv|json" "export raw|csv"; do
	cmd=${c% *} fmts=${c#* }
	expect 0 "$B" "$cmd" --help
	has "-F, --format $fmts"
done
for c in run info kinds compare; do
	expect 0 "$B" "$c" --help
	has "-j, --json FILE"
	has "-f, --force"
done

# info: the same JSON document four ways (its schema and host checked).
is_info_json() { # FILE WHAT
	head -c1 "$1" | grep -q '{' || bad "$2: not JSON: $(head -c 80 "$1")"
	if [ -x "$J" ]; then
		[ "$("$J" "$1" schema)" = memslot-bench/2 ] || bad "$2: no schema memslot-bench/2"
		[ -n "$("$J" "$1" host.nodename)" ] || bad "$2: no host.nodename"
	fi
}
expect 0 "$B" info --format json
is_info_json "$T/out" "info --format json"
expect 0 "$B" info --json -
is_info_json "$T/out" "info --json -"
expect 0 "$B" info --json
is_info_json "$T/out" "info --json (the old flag)"
expect 0 "$B" info -j --topology "pack:1 numa:2 core:2 pu:1"
has '"topology_source"'
expect 0 "$B" info --json "$T/info.json"
has "kvm mmu:"
is_info_json "$T/info.json" "info --json FILE"
expect 0 "$B" info --format json --json "$T/info2.json"
is_info_json "$T/out" "info --format json --json FILE (stdout)"
is_info_json "$T/info2.json" "info --format json --json FILE (file)"
expect 0 "$B" info --format text
has "kvm mmu:"
expect 2 "$B" info --format text --json -
one_line_err
err_has "cannot go with another --format"
expect 2 "$B" info --format csv
one_line_err
err_has "not one of text|json"
expect 2 "$B" info --json "$T/no/such/dir/x.json"
one_line_err
# an existing FILE is kept unless --force (as run's result file)
cp "$T/info.json" "$T/info.keep"
expect 2 "$B" info --json "$T/info.json"
one_line_err
err_has "exists (use --force to overwrite)"
cmp -s "$T/info.json" "$T/info.keep" || bad "info: a refused --json FILE was changed"
expect 0 "$B" info --force --json "$T/info.json"
is_info_json "$T/info.json" "info --force --json FILE"
expect 2 "$B" kinds --json "$T/info.json" "$DU"
one_line_err
err_has "exists (use --force to overwrite)"
expect 2 "$B" info --json x.json extra
one_line_err

# run: --format raw is --raw, json is --json -; contradictions refused before any VM.
expect 2 "$B" run delete --format text --raw
one_line_err
err_has "cannot go with --raw"
expect 2 "$B" run delete --format text --json -
one_line_err
expect 2 "$B" run delete --format json --json "$T/r.json"
one_line_err
err_has "not both"
expect 2 "$B" run delete --format raw --json -
one_line_err
expect 2 "$B" run delete --format raw --guest-mem 64M,128M --variants zap-slot
one_line_err
err_has "one --guest-mem size"
expect 2 "$B" run delete --format markdown
one_line_err
err_has "not one of text|json|raw"

# The report commands: their formats, and what they do not take.
expect 0 "$B" compare --format csv --variants zap-all,zap-slot "$DU"
has "metric"
expect 0 "$B" kinds --format markdown "$DU"
has "|"
# kinds as JSON: the same rows as its CSV, one per line there.
expect 0 "$B" kinds --format csv "$DU"
ncsv=$(($(wc -l <"$T/out") - 1))
expect 0 "$B" kinds --format json "$DU"
cp "$T/out" "$T/kinds.json"
if [ -x "$J" ]; then
	"$J" "$T/kinds.json" "rows.$((ncsv - 1)).kind" >/dev/null || bad "kinds JSON has fewer rows than its CSV ($ncsv)"
	"$J" "$T/kinds.json" "rows.$ncsv" >/dev/null 2>&1 && bad "kinds JSON has more rows than its CSV ($ncsv)"
	[ "$("$J" "$T/kinds.json" rows.0.variants.zap-all.status)" = measured ] || bad "kinds JSON: row 0 zap-all not measured"
fi
expect 0 "$B" kinds --json - "$DU"
cmp -s "$T/out" "$T/kinds.json" || bad "kinds --json - differs from --format json"
expect 0 "$B" kinds --json "$T/k2.json" "$DU"
has "change / target"
cmp -s "$T/k2.json" "$T/kinds.json" || bad "kinds --json FILE differs from --format json"
expect 2 "$B" kinds --format csv --json - "$DU"
one_line_err
expect 2 "$B" kinds --json "$T/no/such/dir/k.json" "$DU"
one_line_err
expect 2 "$B" export --format json "$DU"
one_line_err
err_has "not one of raw|csv"
expect 0 "$B" export -F csv --variant zap-slot "$DU"
has ","

[ "$fail" = 0 ] && echo "--format and --json: all checks passed"
exit "$fail"
