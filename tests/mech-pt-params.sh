#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# --pt-placement in result files, no KVM: a schema 2 file written before the option
# existed reads as slot0 (its runs match new slot0 runs, not spread ones), and --help
# lists the option.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
old=$D/v2-create.json
grep -q pt_placement "$old" && bad "$old already has pt_placement: the check below means nothing"
sed 's/"params": *{/&"pt_placement": "slot0", /' "$old" >"$T/slot0.json"
sed 's/"params": *{/&"pt_placement": "spread", /' "$old" >"$T/spread.json"

expect 0 "$B" export --format csv "$old"
has "pt_placement=slot0"
expect 0 "$B" compare "$old" "$T/slot0.json"
grep -qF "only in" "$T/out" && bad "an old file's runs do not match new slot0 runs"
expect 3 "$B" compare "$old" "$T/spread.json"
err_has "nothing comparable"
expect 0 "$B" run --help
has "--pt-placement"
[ "$fail" = 0 ] && echo "pt-placement params: old files read as slot0"
exit "$fail"
