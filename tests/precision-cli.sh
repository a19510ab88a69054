#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run --precision (issue 10): bad input exits 2 with one line before any VM (checked
# here, no KVM needed), then runs that add rounds until the interval is within +-PCT,
# --max-rounds or --max-time, in the KVM environment (native or lab:
# tests/precision-guest.sh).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"

# usage CHECK ARGS...: exit 2, one line naming CHECK, no VM built (no # header)
usage() {
	msg=$1; shift
	expect 2 "$B" run delete --guest-mem 16M --quiet "$@"
	one_line_err
	err_has "$msg"
	[ -s "$T/out" ] && bad "output before the usage error: $*"
}
usage "--precision: '0' is not a percentage" --precision 0
usage "--precision: '100' is not a percentage" --precision 100
usage "--precision: '-5' is not a percentage" --precision -5
usage "--precision: 'abc' is not a percentage" --precision abc
usage "--precision: 'nan' is not a percentage" --precision nan
usage "--max-rounds 8 is below --rounds 10" --precision 5 --rounds 10 --max-rounds 8
usage "--max-rounds 3: a 95% interval needs 4 rounds with two variants" --precision 5 \
	--rounds 1 --max-rounds 3
usage "--max-rounds 5: a 95% interval needs 6 rounds with one variant" --precision 5 \
	--variants zap-all --max-rounds 5
usage "--max-rounds: 'x' is not a number" --precision 5 --max-rounds x
usage "--max-time: '10x' is not a duration" --precision 5 --max-time 10x
usage "--max-time: '0' is not a duration" --precision 5 --max-time 0
usage "--max-time: empty value" --precision 5 --max-time ''
usage "--max-time: '5m10' is not a duration" --precision 5 --max-time 5m10
usage "--max-rounds needs --precision" --max-rounds 10
usage "--max-time needs --precision" --max-time 10m
# The defaults: 4 rounds (4 vs 4 VMs: 97.1%), 10 repetitions; --help says so.
expect 0 "$B" run --help
has "--rounds N"
has "(default: 4)"
has "--precision PCT"
has "--max-time DURATION"
grep -q -- "--reps N .*(default: 10)" "$T/out" || bad "--help: --reps default is not 10"
[ "$fail" = 0 ] || exit 1
echo "ok: bad input exits 2 with one line, before any VM"
exec "$top_srcdir/tests/kvm-run.sh" bash "$top_srcdir/tests/precision-guest.sh"
