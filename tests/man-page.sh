#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The man page (doc/memslot-bench.1, written at build time by `memslot-bench help --man`
# from the option tables) renders with man -l, without groff warnings, and names every
# command and every option that `memslot-bench COMMAND --help` lists; the bash
# completion offers the commands, run's scenarios and a command's options. No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
M=$top_builddir/doc/memslot-bench.1

[ -s "$M" ] || bad "$M not built"
"$B" help --man >"$T/gen.1" || bad "help --man failed"
cmp -s "$T/gen.1" "$M" || bad "$M differs from what help --man prints now (rebuild)"
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$M" >"$T/man.txt" 2>"$T/man.err" || bad "man -l failed: $(cat "$T/man.err")"
	[ -s "$T/man.err" ] && bad "man -l warned: $(cat "$T/man.err")"
	awk 'length > 80 { exit 1 }' "$T/man.txt" || bad "rendered page wider than MANWIDTH=80"
else
	echo "man not installed: rendering check skipped"
	cp "$T/gen.1" "$T/man.txt"
fi
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$M" 2>"$T/groff.err" || bad "groff failed"
	[ -s "$T/groff.err" ] && bad "groff warnings: $(cat "$T/groff.err")"
fi
grep -q '^NAME' "$T/man.txt" || bad "no NAME section"
grep -q '^SYNOPSIS' "$T/man.txt" || bad "no SYNOPSIS section"
# Every command, every option of its --help, run's scenarios and their options.
cmds=$("$B" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[ -n "$cmds" ] || bad "no commands in --help"
for c in $cmds; do
	grep -q "memslot-bench $c\$" "$T/man.txt" || bad "man page lacks the section of $c"
	for o in $("$B" "$c" --help 2>/dev/null | grep -oE '(^|[ ,])--[a-z][a-z0-9-]*' | tr -d ' ,' | sort -u); do
		grep -qF -- "$o" "$T/man.txt" || bad "man page lacks $c $o"
	done
done
for s in $("$B" run --list scenarios); do
	grep -qE "^       $s " "$T/man.txt" || grep -qE "^       $s\$" "$T/man.txt" || bad "man page lacks scenario $s"
	for o in $("$B" run "$s" --help 2>/dev/null | grep -oE '(^|[ ,])--[a-z][a-z0-9-]*' | tr -d ' ,' | sort -u); do
		grep -qF -- "$o" "$T/man.txt" || bad "man page lacks run $s $o"
	done
done

# Bash completion: COMP_WORDS as bash would fill them, the binary as COMP_WORDS[0].
C=$top_srcdir/scripts/completion/memslot-bench
complete_words() { # WORD... (the last one is being completed)
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _memslot_bench; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$C" "$@"
}
complete_words "$B" "" >"$T/out" || bad "completion failed"
for c in $cmds; do has "$c"; done
complete_words "$B" run "" >"$T/out"
for s in $("$B" run --list scenarios); do has "$s"; done
complete_words "$B" run delete --ov >"$T/out"
has "--overhead-check"
complete_words "$B" run delete --guest >"$T/out"
has "--guest-mem"
complete_words "$B" export --for >"$T/out"
has "--format"
complete_words "$B" export --format "" >"$T/out"
has "raw"
has "csv"
# --format completes to what each command takes.
complete_words "$B" info --format "" >"$T/out"
has "json"
grep -qx csv "$T/out" && bad "info --format completes csv"
complete_words "$B" run delete -F "" >"$T/out"
for f in text json raw; do grep -qx "$f" "$T/out" || bad "run -F lacks $f"; done
complete_words "$B" compare --format "" >"$T/out"
has "markdown"

[ "$fail" = 0 ] && echo "man page and completion: all checks passed"
exit "$fail"
