#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/lab.sh's failures, each a last line on stderr naming it and its own exit code:
# a kernel package not found (5), a download refused (6: apt through a proxy on a closed
# port, APT_CONFIG), QEMU killed (8), a timeout (124) and a panic on the console (7)
# with a stand-in QEMU (tests/lab-fail-qemu.sh: no boot), and a real guest kernel panic
# (7: a real boot whose command writes c to /proc/sysrq-trigger). No QEMU is left behind by any of them.
# 77 where the lab's tools are missing.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
lab=$top_srcdir/scripts/lab.sh
"$lab" --check >/dev/null 2>&1 || { echo "SKIP: the QEMU lab cannot run here"; exit 77; }
export MSB_LAB_PATH=$top_builddir/bench

# last_line CODE PATTERN: the last run's exit code and its stderr's last line.
last_line() {
	local last
	last=$(tail -n 1 "$T/err")
	[[ $rc == "$1" ]] || bad "exit $rc, not $1: $(tail -n 3 "$T/err")"
	[[ $last =~ $2 ]] || bad "last line '$last' does not match '$2'"
	[[ $rc == "$1" && $last =~ $2 ]] && echo "ok: exit $rc: $last"
}
run_lab() { rc=0; "$lab" "$@" >"$T/out" 2>"$T/err" || rc=$?; }

# A package apt does not know; a fresh cache, so nothing is remembered.
XDG_CACHE_HOME=$T/cache run_lab --kernel linux-image-0.0.0-none-amd64 -- true
last_line 5 "^lab-kernel.sh: kernel package not found: apt knows no package 'linux-image-0.0.0-none-amd64'$"

# A package apt knows, downloaded through a proxy that refuses connections.
if pkg=$("$top_srcdir/scripts/lab-kernel.sh" resolve 6.1 2>/dev/null); then
	printf 'Acquire::http::Proxy "http://127.0.0.1:9/";\nAcquire::https::Proxy "http://127.0.0.1:9/";\nAcquire::Retries "0";\n' >"$T/apt.conf"
	APT_CONFIG=$T/apt.conf XDG_CACHE_HOME=$T/cache run_lab --kernel "$pkg" -- true
	last_line 6 "^lab-kernel.sh: download refused: apt-get download $pkg=.* failed: .*(refused|connect)"
else
	echo "note: no 6.1 kernel package known to apt here: the download-refused case is not run"
fi

# The stand-in QEMU: no boot, a bzImage that is never read.
: >"$T/bzImage"
export MSB_LAB_QEMU=$top_srcdir/tests/lab-fail-qemu.sh FAKE_QEMU_PID=$T/qemu.pid
# gone PID: the (stand-in) QEMU is not running any more.
gone() {
	for ((i = 0; i < 50; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
	bad "QEMU ($1) still running after lab.sh ended"
	kill -KILL "$1"
}

# QEMU killed while the guest runs.
rm -f "$T/qemu.pid"
rc=0
"$lab" --kernel "$T/bzImage" -- true >"$T/out" 2>"$T/err" &
pid=$!
for ((i = 0; i < 300; i++)); do [[ -s $T/qemu.pid ]] && break; sleep 0.1; done
if [[ -s $T/qemu.pid ]]; then
	kill -KILL "$(cat "$T/qemu.pid")"
	wait "$pid" || rc=$?
	last_line 8 '^lab.sh: QEMU was killed by SIGKILL before the guest reported a status$'
else
	bad "the stand-in QEMU never started: $(cat "$T/err")"
	kill "$pid"
fi

# A guest that does not finish within --timeout.
rm -f "$T/qemu.pid"
run_lab --kernel "$T/bzImage" --timeout 2 -- true
last_line 124 '^lab.sh: guest did not finish within 2 s \(killed\)$'
[[ -s $T/qemu.pid ]] && gone "$(cat "$T/qemu.pid")"

# A panic as the console shows it (the real one follows).
FAKE_QEMU_MODE=panic run_lab --kernel "$T/bzImage" -- true
last_line 7 '^lab.sh: guest kernel panicked: Kernel panic - not syncing: sysrq triggered crash$'
unset MSB_LAB_QEMU

# A real guest kernel panic (the lab's default kernel, fetched by now or fetched here).
# MSB_LAB_FAIL_BOOT=0 leaves it out (no boot).
rc=skip
[[ ${MSB_LAB_FAIL_BOOT:-1} == 0 ]] || run_lab --timeout 600 -- sh -c 'echo c >/proc/sysrq-trigger'
case $rc in
skip) echo "note: MSB_LAB_FAIL_BOOT=0: the panic case is not run" ;;
3 | 5 | 6) echo "note: the lab kernel cannot be had here (exit $rc): the panic case is not run" ;;
*) last_line 7 '^lab.sh: guest kernel panicked: Kernel panic - not syncing: sysrq triggered crash' ;;
esac
exit "$fail"
