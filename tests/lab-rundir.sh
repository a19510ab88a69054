#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# lab.sh's run directories: a run's directory lives as long as the run, even when
# another lab.sh cannot see its pid (another PID namespace: kill -0 took it for dead
# and swept it, the CI failure "line 564: .../console: No such file or directory"),
# eight runs started at once all finish, and a SIGKILLed run's directory is swept by
# the next run. QEMU is a stand-in (MSB_LAB_QEMU): no KVM, no VM. 77 where the lab's
# tools are missing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
# shellcheck source=tests/ab-standins.sh
. "$top_srcdir/tests/ab-standins.sh"
export MSB_LAB_PATH=$top_builddir/bench TMPDIR=$T/tmp XDG_CACHE_HOME=$T/cache
mkdir -p "$TMPDIR"
LAB=$top_srcdir/scripts/lab.sh

# tests/ab-standins.sh's QEMU that boots nothing; here its "guest" reports status 0,
# it records its pid, waits for $T/go where $T/hold exists, then sleeps $T/nap
# seconds (exec: the lab's --pdeathsig reaches the sleep).
ab_standin_qemu "$(
	cat <<EOS
echo 0 >"\$share/status"
echo \$\$ >>"$T/qemu.pids"
if [ -e "$T/hold" ]; then
	rm -f "$T/hold"
	for i in \$(seq 300); do [ -e "$T/go" ] && break; sleep 0.1; done
fi
exec sleep "\$(cat "$T/nap")"
EOS
)"
export MSB_LAB_QEMU=$T/qemu
"$LAB" --check >/dev/null 2>&1 || { echo "SKIP: the lab cannot run here"; exit 77; }
: >"$T/bzImage"

lab() { # NAME [WRAPPER...]: one lab run, output in $T/NAME.out
	local name=$1
	shift
	mkdir -p "$T/$name"
	"$@" "$LAB" --kernel "$T/bzImage" --out "$T/$name" --timeout 60 -- true >"$T/$name.out" 2>&1
}
run_dirs() { find "$TMPDIR" -maxdepth 1 -name 'msb-lab.*' -type d | wc -l; }

# 1. A live run that another run cannot see: the other run starts and ends while the
# first one's QEMU waits, in a PID namespace of its own (a user namespace too where
# root's is not permitted).
ns=()
for try in "unshare --pid --fork --mount-proc" "unshare --user --map-root-user --pid --fork --mount-proc"; do
	# shellcheck disable=SC2086 # the words of $try
	unshare ${try#unshare } true 2>/dev/null && { read -r -a ns <<<"$try"; break; }
done
if ((${#ns[@]})); then
	echo 0 >"$T/nap"
	: >"$T/hold"
	lab live &
	live=$!
	for ((i = 0; i < 100; i++)); do [[ -s $T/qemu.pids ]] && break; sleep 0.1; done
	[[ -s $T/qemu.pids ]] || bad "the live run's QEMU never started: $(tail -n2 "$T/live.out")"
	lab ns "${ns[@]}" || bad "run in another PID namespace: $(tail -n2 "$T/ns.out")"
	: >"$T/go"
	wait "$live" || bad "a live run was swept by a run in another PID namespace: $(tail -n2 "$T/live.out")"
else
	echo "note: unshare --pid not permitted here: the PID namespace case is not checked"
fi

# 2. Left by others: an older lab.sh's live run (a pid file it does not lock, its pid
# alive) is kept, its dead one swept; a directory that never got a pid file is swept
# once it is a minute old, not before.
mkdir "$TMPDIR/msb-lab.oldlive" "$TMPDIR/msb-lab.olddead" "$TMPDIR/msb-lab.nopid" "$TMPDIR/msb-lab.young"
echo $$ >"$TMPDIR/msb-lab.oldlive/pid"
dead=$(sh -c 'echo $$') # a process that has ended
echo "$dead" >"$TMPDIR/msb-lab.olddead/pid"
touch -d '-2 minutes' "$TMPDIR/msb-lab.nopid"
lab sweep || bad "run beside left-over directories: $(tail -n2 "$T/sweep.out")"
[[ -d $TMPDIR/msb-lab.oldlive ]] || bad "an older lab.sh's live run was swept"
[[ -d $TMPDIR/msb-lab.olddead ]] && bad "an older lab.sh's dead run was not swept"
[[ -d $TMPDIR/msb-lab.nopid ]] && bad "a directory without a pid file, 2 minutes old, was not swept"
[[ -d $TMPDIR/msb-lab.young ]] || bad "a directory without a pid file, just made, was swept"
rm -rf "$TMPDIR/msb-lab.oldlive" "$TMPDIR/msb-lab.young"

# 3. Eight runs at once, three times.
echo 0 >"$T/nap"
for round in 1 2 3; do
	pids=()
	for i in 1 2 3 4 5 6 7 8; do
		lab "c$round-$i" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || bad "round $round: run $((i + 1)) of 8 at once failed: $(tail -n2 "$T/c$round-$((i + 1)).out")"
	done
done
[[ $(run_dirs) == 0 ]] || bad "$(run_dirs) run directories left after runs that ended"

# 4. A SIGKILLed run leaves its directory (no trap runs); the next run sweeps it.
echo 30 >"$T/nap"
: >"$T/qemu.pids"
mkdir -p "$T/killed"
"$LAB" --kernel "$T/bzImage" --out "$T/killed" --timeout 60 -- true >"$T/killed.out" 2>&1 &
killed=$!
for ((i = 0; i < 50; i++)); do [[ -s $T/qemu.pids ]] && break; sleep 0.1; done
[[ $(run_dirs) == 1 ]] || bad "no run directory while a run is live"
kill -KILL "$killed"
wait "$killed" 2>/dev/null
q=$(cat "$T/qemu.pids")
alive() { [[ $(ps -o stat= -p "$1") == [^Z]* ]]; } # a zombie is dead
for ((i = 0; i < 50; i++)); do alive "$q" || break; sleep 0.1; done
alive "$q" && bad "QEMU ($q) outlived its SIGKILLed lab.sh"
[[ $(run_dirs) == 1 ]] || bad "the SIGKILLed run left no directory to sweep (the check below proves nothing)"
echo 0 >"$T/nap"
lab after || bad "run after a SIGKILLed one failed: $(tail -n2 "$T/after.out")"
[[ $(run_dirs) == 0 ]] || bad "the SIGKILLed run's directory was not swept"
((fail)) || echo "lab run directories: all checks passed"
exit "$fail"
