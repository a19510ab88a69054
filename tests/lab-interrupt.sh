#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Interrupting scripts/lab.sh or scripts/run.sh mid-run keeps every result that came
# back and leaves no QEMU behind. With a stand-in QEMU (tests/lab-fail-qemu.sh, no
# boot): SIGINT passed into the "guest", which writes its partial result and status
# (exit 130); a guest that ignores it (SIGTERM, MSB_LAB_GRACE=2: 143, QEMU killed); a
# second SIGINT (130 at once); lab.sh SIGKILLed (QEMU dies with it); run.sh SIGTERMed
# while lab.sh runs (143). Then a real boot: SIGINT to lab.sh while memslot-bench runs
# in the guest gives exit 130 and its result file marked "complete": false, samples
# kept. pgrep finds none of the test's QEMUs after each. 77 where the lab cannot run.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
lab=$top_srcdir/scripts/lab.sh
"$lab" --check >/dev/null 2>&1 || { echo "SKIP: the QEMU lab cannot run here"; exit 77; }
export MSB_LAB_PATH=$top_builddir/bench TMPDIR=$T/tmp # QEMU's files (and args) under $T
mkdir -p "$T/tmp"
: >"$T/bzImage"
# Job control: a background job of a script would otherwise start with SIGINT ignored.
set -m
fake=(env MSB_LAB_QEMU="$top_srcdir/tests/lab-fail-qemu.sh" FAKE_QEMU_PID="$T/qemu.pid")

no_qemu_left() { # WHAT
	local i
	for ((i = 0; i < 50; i++)); do pgrep -f -- "$T" >/dev/null || break; sleep 0.1; done
	if pgrep -f -- "$T" >/dev/null; then
		bad "$1: a process of this test still runs: $(pgrep -af -- "$T")"
		pkill -KILL -f -- "$T" # only this test's (its scratch directory is in their args)
	else
		echo "ok: $1: no QEMU left"
	fi
}
# start NAME COMMAND...: in the background (pid in $pid) until the stand-in QEMU runs.
start() {
	local name=$1 i
	shift
	rm -f "$T/qemu.pid"
	"$@" >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	for ((i = 0; i < 300; i++)); do [[ -s $T/qemu.pid ]] && return 0; sleep 0.1; done
	bad "$name: QEMU never started: $(cat "$T/$name.err")"
	kill -KILL "$pid"
}
finish_run() { rc=0; wait "$pid" || rc=$?; }
check() { # NAME CODE: exit code, then no QEMU left
	if [[ $rc == "$2" ]]; then echo "ok: $1: exit $rc"; else bad "$1: exit $rc, not $2: $(tail -n 3 "$T/$1.err")"; fi
	no_qemu_left "$1"
}

# A guest that takes the interruption: its results come back.
mkdir -p "$T/o1"
start int "${fake[@]}" FAKE_QEMU_MODE=guest "$lab" --kernel "$T/bzImage" --out "$T/o1" -- true
kill -INT "$pid"
finish_run
check int 130
[[ -f $T/o1/first.txt && -f $T/o1/partial.txt ]] || bad "int: the guest's results did not come back"
grep -q '^lab.sh: SIGINT: passed into the guest' "$T/int.err" || bad "int: stderr: $(cat "$T/int.err")"

# A guest that ignores it: killed after the grace.
start term "${fake[@]}" MSB_LAB_GRACE=2 "$lab" --kernel "$T/bzImage" -- true
kill -TERM "$pid"
finish_run
check term 143
grep -q '^lab.sh: the guest did not stop within 2 s of the interruption (QEMU killed)$' "$T/term.err" ||
	bad "term: stderr: $(cat "$T/term.err")"

# A second SIGINT: at once, well before the grace.
start twice "${fake[@]}" "$lab" --kernel "$T/bzImage" -- true
kill -INT "$pid"
sleep 0.5
t0=$SECONDS
kill -INT "$pid"
finish_run
check twice 130
((SECONDS - t0 < 10)) || bad "twice: the second SIGINT took $((SECONDS - t0)) s"

# lab.sh SIGKILLed: no trap runs, QEMU dies with it (setpriv --pdeathsig).
if command -v setpriv >/dev/null; then
	start kill "${fake[@]}" "$lab" --kernel "$T/bzImage" -- true
	kill -KILL "$pid"
	finish_run
	check kill 137
fi

# run.sh SIGTERMed while its lab.sh runs: passed to lab.sh, then into the guest.
start run-sh "${fake[@]}" FAKE_QEMU_MODE=guest MSB_NO_BUILD=1 MSB_BUILD_DIR="$top_builddir" \
	"$top_srcdir/scripts/run.sh" --kernel "$T/bzImage" --out "$T/o2" --quick
kill -TERM "$pid"
finish_run
check run-sh 143
[[ -f $T/o2/first.txt && -f $T/o2/partial.txt ]] || bad "run.sh: the guest's results did not come back"

# A real boot: memslot-bench in the guest takes the SIGINT and writes what it has.
if [[ ${MSB_LAB_INTERRUPT_BOOT:-1} == 1 ]]; then
	mkdir -p "$T/o3"
	f=$T/o3/int.json
	"$lab" --out "$T/o3" --timeout 900 -- memslot-bench run delete --guest-mem 16M --rounds 2 \
		--reps 1000000 --warmup 1 --json "$f" >"$T/real.out" 2>"$T/real.err" &
	pid=$!
	# stderr: stdout is block-buffered into a file, its header comes out at the end
	for ((i = 0; i < 3000; i++)); do grep -q 'rep [0-9]' "$T/real.err" && break; sleep 0.2; done
	sleep 5 # repetitions done (TCG)
	kill -INT "$pid"
	finish_run
	case $rc in
	3 | 5 | 6) echo "note: the lab kernel cannot be had here (exit $rc): the boot is not run" ;;
	*)
		check real 130
		[[ $("$top_builddir/tests/json_get" "$f" complete 2>/dev/null) == false ]] ||
			bad "real: no result file marked complete: false: $(tail -n 3 "$T/real.err")"
		n=$("$top_builddir/tests/json_get" "$f" runs.0.metrics.delete_ns.summary.n 2>/dev/null)
		if [[ ${n:-0} -gt 0 ]]; then echo "ok: real: $n samples kept"; else bad "real: no samples kept"; fi
		;;
	esac
fi
exit "$fail"
