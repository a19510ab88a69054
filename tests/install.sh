#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make install DESTDIR=...: the binary in bin/, the man page in share/man/man1/, the
# bash completion in share/bash-completion/completions/, the scripts and gnuplot
# templates in share/memslot-bench/scripts/; the installed report.sh, with only the
# installed binary on PATH, makes its report (and, with gnuplot, its plots from the
# installed templates) from copies of the lab suite's result files (tests/data). No KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
I=$T/inst
P=/usr/local

make -s -C "$top_builddir" install DESTDIR="$I" prefix="$P" >"$T/install.log" 2>&1 ||
	{ cat "$T/install.log"; bad "make install failed"; exit 1; }
for f in bin/memslot-bench share/man/man1/memslot-bench.1 \
	share/bash-completion/completions/memslot-bench \
	share/memslot-bench/scripts/report.sh share/memslot-bench/scripts/plot.sh \
	share/memslot-bench/scripts/suite.sh share/memslot-bench/scripts/lab.sh \
	share/memslot-bench/scripts/lab-kernel.sh share/memslot-bench/scripts/lab-init.sh \
	share/memslot-bench/scripts/cli.sh \
	share/memslot-bench/scripts/plot-common.gp share/memslot-bench/scripts/scaling.gp \
	share/memslot-bench/scripts/box.gp; do
	[ -e "$I$P/$f" ] || bad "not installed: $P/$f"
done
for f in bin/memslot-bench share/memslot-bench/scripts/report.sh share/memslot-bench/scripts/lab.sh; do
	[ -x "$I$P/$f" ] || bad "not executable: $P/$f"
done
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$I$P/share/man/man1/memslot-bench.1" >"$T/out" 2>"$T/err" ||
		bad "installed man page does not render"
fi

# The installed scripts, away from the source tree: the binary from PATH, templates
# from beside plot.sh.
S=$I$P/share/memslot-bench/scripts
mkdir -p "$T/res"
for f in "$D"/suite-612-*.json; do
	cp "$f" "$T/res/${f##*/suite-612-}"
done
(
	cd "$T" || exit 1
	unset MSB_BIN MSB_BUILD_DIR MSB_GP_DIR
	PATH=$I$P/bin:/usr/bin:/bin "$S/report.sh" variants "$T/res"
) >"$T/out" 2>"$T/err" || bad "installed report.sh failed: $(tail -3 "$T/err")"
[ -s "$T/res/report.txt" ] || bad "installed report.sh wrote no report.txt"
[ -s "$T/res/kinds.txt" ] || bad "installed report.sh wrote no kinds.txt"
if command -v gnuplot >/dev/null 2>&1; then
	ls "$T/res/plots/"*.svg >/dev/null 2>&1 || bad "installed plot.sh drew no plots: $(tail -3 "$T/err")"
fi
PATH=$I$P/bin:/usr/bin:/bin "$S/suite.sh" --help >"$T/out" 2>&1 || bad "installed suite.sh --help"
"$S/lab.sh" --help >"$T/out" 2>&1 || bad "installed lab.sh --help"

[ "$fail" = 0 ] && echo "make install: all checks passed"
exit "$fail"
