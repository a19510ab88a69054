#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# patch-ab.sh and kernel-ab.sh --sshloginfile: GNU parallel runs every lab job over ssh
# (a private sshd on 127.0.0.1, a key made here), the MSB_* environment goes with the
# jobs, and each job's results land in the shared --out. The lab is real
# (scripts/lab.sh), QEMU a stand-in (MSB_LAB_QEMU) that records the ssh connection it
# ran under and reports status 0 as a guest would; the kernel build is a stand-in too.
# 77 where sshd (openssh-server), ssh, GNU parallel or the lab's tools are missing, or
# when not root (sshd's privilege separation).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
# shellcheck source=tests/ab-standins.sh
. "$top_srcdir/tests/ab-standins.sh"
SSHD=${MSB_TEST_SSHD:-/usr/sbin/sshd}
for t in ssh ssh-keygen parallel; do
	command -v "$t" >/dev/null || { echo "SKIP: no $t"; exit 77; }
done
[[ -x $SSHD ]] || { echo "SKIP: no $SSHD (apt-get install openssh-server)"; exit 77; }
((EUID == 0)) || { echo "SKIP: sshd needs root here"; exit 77; }
export MSB_BIN=$B XDG_CACHE_HOME=$T/cache MSB_LAB_PATH=$top_builddir/bench

# shellcheck disable=SC2016 # expands in the stand-in QEMU
ab_standin_qemu 'echo "${SSH_CONNECTION:-none}" >"$out/ssh-connection"'
export MSB_LAB_QEMU=$T/qemu
"$top_srcdir/scripts/lab.sh" --check >/dev/null 2>&1 || { echo "SKIP: the lab cannot run here"; exit 77; }
mkdir -p /run/sshd
ab_standin_build

# A private sshd: its own host key, only this key, on a free port of 127.0.0.1.
ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey"
ssh-keygen -q -t ed25519 -N '' -f "$T/key"
cp "$T/key.pub" "$T/authorized_keys"
chmod 600 "$T/authorized_keys"
port=$((20000 + RANDOM % 20000))
"$SSHD" -D -e -p "$port" -o ListenAddress=127.0.0.1 -h "$T/hostkey" \
	-o AuthorizedKeysFile="$T/authorized_keys" -o StrictModes=no -o UsePAM=no \
	-o PermitRootLogin=prohibit-password -o PidFile="$T/sshd.pid" 2>"$T/sshd.log" &
sshd=$!
trap 'kill "$sshd" 2>/dev/null; rm -rf "$T"' EXIT
login="ssh -i $T/key -p $port -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR root@127.0.0.1"
for ((i = 0; i < 50; i++)); do
	$login true 2>/dev/null && break
	sleep 0.2
done
$login true || { echo "SKIP: sshd did not accept the test key: $(tail -n3 "$T/sshd.log")"; exit 77; }
echo "1/$login" >"$T/hosts"

# patch-ab: 2 rounds x base/patched = 4 jobs, all over ssh, two at a time on the one
# host (lab.sh runs side by side); no result files come back from the stand-in, so
# nothing is comparable (exit 3), after every job ran.
rc=0
MSB_KERNEL_BUILD=$T/kernel-build "$top_srcdir/scripts/patch-ab.sh" --patch "$D/patch/kvm-only.patch" \
	--out "$T/pab" --rounds 2 -j 2 --sshloginfile "$T/hosts" >"$T/pab.out" 2>&1 || rc=$?
[[ $rc == 3 ]] || bad "patch-ab: exit $rc, not 3: $(tail -n3 "$T/pab.out")"
n=0
for d in "$T"/pab/jobs/*-r*; do
	n=$((n + 1))
	grep -q '^127\.0\.0\.1 ' "$d/ssh-connection" 2>/dev/null ||
		bad "patch-ab: job $(basename "$d") did not run over ssh: $(cat "$d/ssh-connection" 2>&1)"
	[[ $(cat "$d/status") == 0 ]] || bad "patch-ab: job $(basename "$d"): status $(cat "$d/status"): $(tail -n5 "$d/run.txt")"
done
[[ $n == 4 ]] || bad "patch-ab: $n job directories, not 4"
grep -q "4 lab jobs, 2 at a time" "$T/pab.out" || bad "patch-ab: no job count: $(head -n3 "$T/pab.out")"

# kernel-ab: one round, base and new x zap-all and zap-slot = 4 jobs, all over ssh; the
# stand-in lab writes no result files, so the merge finds none (exit 1) after every job.
rc=0
"$top_srcdir/scripts/kernel-ab.sh" --out "$T/kab" --rounds 1 --sshloginfile "$T/hosts" \
	"$T/bzImage" "$T/bzImage" >"$T/kab.out" 2>&1 || rc=$?
n=0
for d in "$T"/kab/jobs/*-r*; do
	n=$((n + 1))
	grep -q '^127\.0\.0\.1 ' "$d/ssh-connection" 2>/dev/null ||
		bad "kernel-ab: job $(basename "$d") did not run over ssh: $(tail -n3 "$T/kab.out")"
	[[ $(cat "$d/status" 2>/dev/null) == 0 ]] ||
		bad "kernel-ab: job $(basename "$d"): status $(cat "$d/status" 2>&1): $(tail -n5 "$d/run.txt" 2>&1)"
done
[[ $n == 4 ]] || bad "kernel-ab: $n job directories, not 4"
[[ $rc == 1 ]] || bad "kernel-ab: exit $rc, not 1 (no result files to merge): $(tail -n3 "$T/kab.out")"
grep -q "no delete results from lab job" "$T/kab.out" || bad "kernel-ab: not the missing results: $(tail -n3 "$T/kab.out")"
((fail)) || echo "ab over ssh: all checks passed"
exit "$fail"
