#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every command of README.md's fenced ```sh (or unlabelled) blocks that starts with
# `memslot-bench` or `scripts/NAME.sh`, run in a quick form, must succeed: small guests
# (--guest-mem and --host-mem 64M), `run` and suite.sh with one VM a variant of 2
# samples (--rounds 1 --reps 2 --warmup 0, MSB_SUITE_ROUNDS=1), in a
# scratch directory holding a copy of results/ (so report.sh writes there) and a link
# to scripts/. ```text blocks are synopses and output: not run. Not run by default,
# each with a SKIP line: scripts/test.sh (it would run make check inside make check;
# its --help is run instead), scripts/run.sh without --quick (the full suite: its
# --help is run), and lab commands beyond --help/--check (each boots QEMU: set
# MSB_README_LAB=1). MSB_README_ALL=1 also runs `scripts/run.sh --quick` (it builds
# in the source tree). Natively where /dev/kvm works, else inside the lab.
set -uo pipefail
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
if [[ ${1:-} != --inner ]]; then
	exec "$top_srcdir/tests/kvm-run.sh" bash "$top_srcdir/tests/readme-commands.sh" --inner
fi

README=$top_srcdir/README.md
if ! ls "$top_srcdir"/results/*/*.json >/dev/null 2>&1; then
	echo "SKIP: no reference result sets under results/ (a release tarball?); README examples read them"
	exit 77
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cp -r "$top_srcdir/results" "$W/results"
ln -s "$top_srcdir/scripts" "$W/scripts"
export PATH=$top_builddir/bench:$PATH MSB_BIN=$top_builddir/bench/memslot-bench
export MSB_BUILD_DIR=$top_builddir
# suite.sh --quick with one VM a variant (the quick form of run's --rounds 1).
export MSB_SUITE_ROUNDS=1 MSB_SUITE_REPS=2
fail=0 ran=0 skipped=0
# Seconds a command may take: natively each takes well under a minute; TCG is slower.
limit=$([[ ${MSB_LAB:-0} == 1 ]] && echo 900 || echo 120)

# The commands: lines of runnable blocks that start with memslot-bench or scripts/,
# backslash continuations joined.
readme_commands() {
	awk '
		/^```/ {
			if (!on && !off) { lang = substr($0, 4); on = (lang == "" || lang == "sh" || lang == "bash"); off = !on; next }
			on = 0; off = 0; next
		}
		!on { next }
		cont != "" { cont = cont " " $0; if (cont !~ /\\$/) { print cont; cont = "" } else sub(/\\$/, "", cont); next }
		/^(memslot-bench( |$)|scripts\/[a-z0-9-]+\.sh( |$))/ { if ($0 ~ /\\$/) { cont = $0; sub(/\\$/, "", cont) } else print }
	' "$README"
}

# The quick form of one command in $q (empty: not run), the reason in $why.
quick_form() {
	local c=$1
	why='' q=''
	case $c in
	scripts/test.sh*)
		why="scripts/test.sh would run make check inside make check; --help instead"
		q="scripts/test.sh --help"
		return
		;;
	scripts/run.sh*)
		if [[ $c != *--quick* || ${MSB_README_ALL:-0} != 1 ]]; then
			why="scripts/run.sh builds in the source tree and runs the suite (MSB_README_ALL=1 runs --quick); --help instead"
			q="scripts/run.sh --help"
			return
		fi
		c="$c --out $W/run-quick"
		;;
	scripts/lab.sh* | scripts/kernel-ab.sh*)
		if [[ $c != *--help* && $c != *--check* && ${MSB_README_LAB:-0} != 1 ]]; then
			why="boots the QEMU lab (MSB_README_LAB=1 runs it)"
			return
		fi
		;;
	esac
	# Small guests; run's schedule cut to one VM a variant of two samples.
	q=$(sed -E -e 's/(--guest-mem|-m) [0-9A-Za-z]+,[0-9A-Za-z,]+/\1 64M,128M/g' \
		-e 's/(--guest-mem|-m) [0-9]+[KMGT]?( |$)/\1 64M\2/g' \
		-e 's/--host-mem [0-9A-Za-z]+/--host-mem 64M/g' \
		-e 's/(--reps|-r) [0-9]+/\1 2/g' -e 's/(--rounds|-R) [0-9]+/\1 1/g' \
		-e 's/(--warmup|-w) [0-9]+/\1 0/g' \
		-e 's/(memslot-bench run [a-z]+)( |$)/\1 --rounds 1 --reps 2 --warmup 0 --guest-mem 64M\2/' <<<"$c")
}

while IFS= read -r cmd; do
	quick_form "$cmd"
	if [[ -z $q ]]; then
		echo "SKIP: $cmd ($why)"
		skipped=$((skipped + 1))
		continue
	fi
	[[ -n $why ]] && echo "note: $cmd: $why"
	if [[ $q == *ministat* ]] && ! command -v ministat >/dev/null 2>&1; then
		echo "SKIP: $q (ministat not installed: apt-get install ministat)"
		skipped=$((skipped + 1))
		continue
	fi
	echo "+ $q"
	start=$(date +%s)
	(cd "$W" && timeout "$limit" bash -o pipefail -c "$q") >"$W/out" 2>&1
	rc=$?
	ran=$((ran + 1))
	if [[ $rc != 0 ]]; then
		echo "FAIL: exit $rc after $(($(date +%s) - start)) s: $q"
		tail -n 15 "$W/out"
		fail=1
	else
		echo "  ok ($(($(date +%s) - start)) s, $(wc -l <"$W/out") lines of output)"
	fi
done < <(readme_commands)

if [[ $ran == 0 ]]; then
	echo "FAIL: no command found in $README's runnable blocks"
	exit 1
fi
echo "README commands: $ran ran, $skipped skipped, $([[ $fail == 0 ]] && echo "all succeeded" || echo "some failed")"
exit "$fail"
