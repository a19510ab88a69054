#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the KVM environment; see interrupt.sh.
# shellcheck source=tests/mech-lib.sh
. "$(dirname "$0")/mech-lib.sh"
# Job control: a background job of a script would otherwise start with SIGINT ignored.
set -m
# A check that fails while a run is in the background must not leave it running.
pid=
trap '[[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; rm -rf "$work"' EXIT

# start NAME ARGS...: a long run in the background, writing $work/NAME.json; returns
# once its first VM exists (its set-up under way). The pid is in $pid.
start() {
	local name=$1
	shift
	"$msb" run "$@" --quiet --json "$work/$name.json" >"$work/$name.out" 2>"$work/$name.err" &
	pid=$!
	for _ in $(seq 600); do
		for fd in "/proc/$pid/fd/"*; do
			[[ $(readlink "$fd" 2>/dev/null) == *kvm-vm* ]] && return 0
		done
		sleep 0.05
	done
	echo "FAIL: $name: no VM after 30 s"
	exit 1
}
# stop SIGNAL: send it, wait, the exit code in $rc.
stop() {
	kill "-$1" "$pid"
	rc=0
	wait "$pid" || rc=$?
	pid=
}
no_leftovers() {
	local left
	left=$(find "$work" -name '*.tmp.*' -o -name '*.probe.*' | wc -l)
	assert "$left == 0" "$1: no temporary file left"
}

# SIGINT in the middle of the first VM's repetitions.
start int delete --guest-mem 64M --rounds 2 --reps 1000000 --warmup 1
sleep 4
stop INT
f=$work/int.json
assert "$rc == 130" "SIGINT: exit 130 (got $rc)"
grep -q 'interrupted by SIGINT at VM 0' "$work/int.err" || { echo "FAIL: stderr: $(cat "$work/int.err")"; failures=$((failures + 1)); }
[[ $("$jg" "$f" complete) == false ]] || { echo "FAIL: not marked complete: false"; exit 1; }
[[ $("$jg" "$f" incomplete.signal) == SIGINT ]] || { echo "FAIL: incomplete.signal"; exit 1; }
at=$("$jg" "$f" incomplete.stopped_at)
[[ $at == *repetitions* ]] || { echo "FAIL: stopped_at '$at'"; exit 1; }
echo "ok: stopped at $at"
assert "$(val "$f" 0 delete_ns n) > 0" "SIGINT: the first VM's samples are kept ($(val "$f" 0 delete_ns n))"
no_leftovers SIGINT
# The reader takes it (export reads incomplete files, as far as they go).
"$msb" export --format csv "$f" >"$work/int.csv" 2>"$work/export.err"
assert "$(grep -c ',"delete_ns",' "$work/int.csv") == $(val "$f" 0 delete_ns n)" \
	"the partial file reads back with every sample"
grep -q 'is incomplete' "$work/export.err" || { echo "FAIL: export gives no note"; failures=$((failures + 1)); }
# compare and kinds refuse it, unless --allow-incomplete, and then say so.
rc=0; "$msb" compare "$f" "$f" >/dev/null 2>"$work/cmp.err" || rc=$?
assert "$rc == 2" "compare refuses an incomplete file (exit $rc)"
grep -q 'incomplete result (interrupted by SIGINT' "$work/cmp.err" || { echo "FAIL: compare: $(cat "$work/cmp.err")"; failures=$((failures + 1)); }
rc=0; "$msb" kinds "$f" >/dev/null 2>&1 || rc=$?
assert "$rc == 2" "kinds refuses an incomplete file (exit $rc)"
rc=0; "$msb" compare --allow-incomplete "$f" "$f" >"$work/cmp.out" 2>/dev/null || rc=$?
assert "$rc == 0" "compare --allow-incomplete takes it (exit $rc)"
grep -q INCOMPLETE "$work/cmp.out" || { echo "FAIL: compare --allow-incomplete does not say so"; failures=$((failures + 1)); }
rc=0; "$msb" kinds --allow-incomplete "$f" >/dev/null 2>&1 || rc=$?
assert "$rc == 0" "kinds --allow-incomplete takes it (exit $rc)"

# SIGTERM, with --trace where we are root: exit 143 and the trace instance removed.
trace=()
[[ $(id -u) == 0 ]] && trace=(--trace)
start term delete --guest-mem 64M --rounds 2 --reps 1000000 --warmup 1 "${trace[@]}"
sleep 3
stop TERM
assert "$rc == 143" "SIGTERM: exit 143 (got $rc)"
[[ $("$jg" "$work/term.json" incomplete.signal) == SIGTERM ]] || { echo "FAIL: SIGTERM not recorded"; exit 1; }
left=$({ find /sys/kernel/tracing/instances /sys/kernel/debug/tracing/instances \
	-maxdepth 1 -name 'memslot-bench.*' 2>/dev/null || true; } | wc -l)
assert "$left == 0" "SIGTERM: no trace instance left"
no_leftovers SIGTERM

# A second SIGINT while the first waits for the VM's set-up: the process ends at once,
# by the signal, and writes nothing.
start twice delete --guest-mem 512M --rounds 2 --reps 1000000 --warmup 1 "${trace[@]}"
kill -INT "$pid"
sleep 0.3
t0=$(date +%s%N)
stop INT
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
assert "$rc == 130" "second SIGINT: exit 130 (got $rc)"
assert "$ms < 3000" "second SIGINT: ended at once (${ms} ms)"
[[ ! -e $work/twice.json ]] || { echo "FAIL: a second SIGINT still wrote the file"; failures=$((failures + 1)); }
no_leftovers "second SIGINT"
# A disk that fills up after the probe: the write fails at the end (exit 1), nothing is
# left there, and the samples are saved in $TMPDIR, named on stderr. Root: a 16k tmpfs.
full=$work/full
mkdir "$full"
if [[ $(id -u) == 0 ]] && mount -t tmpfs -o size=16k tmpfs "$full" 2>/dev/null; then
	rc=0
	TMPDIR=$work "$msb" run delete --guest-mem 8M --rounds 1 --reps 5 --warmup 1 --quiet \
		--json "$full/r.json" >/dev/null 2>"$work/full.err" || rc=$?
	left=$(find "$full" -type f | wc -l)
	umount "$full"
	assert "$rc == 1" "full disk: exit 1 (got $rc)"
	assert "$left == 0" "full disk: no partial or temporary file left on it"
	saved=$(sed -n 's/.*the samples are saved in \(.*\) instead$/\1/p' "$work/full.err")
	if [[ -n $saved ]] && "$msb" export --format csv "$saved" >/dev/null 2>&1; then
		echo "ok: full disk: the samples saved in $saved and read back"
	else
		echo "FAIL: full disk: no rescue file: $(cat "$work/full.err")"
		failures=$((failures + 1))
	fi
else
	echo "full-disk check skipped: needs root and a tmpfs mount"
fi
finish
