#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz`: build the libFuzzer harnesses with clang (ASan + UBSan) and run each for
# FUZZ_SECONDS (default 60), seeded from the committed result and sample files.
#   fuzz.sh build                  build only
#   fuzz.sh run [TARGET...]        build, then run (fuzz_result fuzz_samplefile)
# Environment (make passes it): srcdir, builddir, FUZZ_CC (clang), FUZZ_SECONDS,
# FUZZ_SOURCES (lib and bench sources, not main.c), FUZZ_LIBS, FUZZ_JOBS_ARGS (extra
# libFuzzer arguments). A crash is left in $builddir/fuzz/artifacts/ and ends with
# exit 1: copy it to tests/fuzz/regressions/ with the fix.
set -euo pipefail

srcdir=$(cd "${srcdir:-.}" && pwd)
builddir=$(cd "${builddir:-.}" && pwd)
cc=${FUZZ_CC:-clang}
secs=${FUZZ_SECONDS:-60}
out=$builddir/fuzz
mode=${1:-run}
[ $# -gt 0 ] && shift

if ! command -v "$cc" >/dev/null; then
	echo "fuzz: $cc not found (apt-get install clang)" >&2
	exit 77
fi

flags=(-g -O1 -std=gnu11 "-fsanitize=fuzzer-no-link,address,undefined"
       -fno-sanitize-recover=undefined -DHAVE_CONFIG_H -I"$builddir" -I"$srcdir"
       -I"$srcdir/lib" -I"$srcdir/bench" -I"$srcdir/tests/fuzz" -I/usr/include/json-c)

build() {
	mkdir -p "$out/obj"
	# The scenarios and the harness's own code as objects (the scenarios register
	# themselves), the rest in an archive so that only what the readers need is linked.
	local objs=() arch=() src obj
	for src in ${FUZZ_SOURCES:?FUZZ_SOURCES not set: run make fuzz} tests/fuzz/fuzz_common.c; do
		case $src in *.c|*.S) ;; *) continue ;; esac
		obj=$out/obj/$(echo "${src%.*}" | tr / _).o
		if [ ! -e "$obj" ] || [ "$srcdir/$src" -nt "$obj" ] || [ "$0" -nt "$obj" ]; then
			"$cc" "${flags[@]}" -c "$srcdir/$src" -o "$obj"
		fi
		case $src in bench/scenarios/*|tests/*) objs+=("$obj") ;; *) arch+=("$obj") ;; esac
	done
	rm -f "$out/libfuzzmsb.a"
	ar cr "$out/libfuzzmsb.a" "${arch[@]}"
	local t
	for t in fuzz_result fuzz_samplefile; do
		# shellcheck disable=SC2086 # FUZZ_LIBS is a list of -l flags
		"$cc" "${flags[@]}" -fsanitize=fuzzer "$srcdir/tests/fuzz/$t.c" "${objs[@]}" \
			"$out/libfuzzmsb.a" ${FUZZ_LIBS:-} -lm -lpthread -o "$out/$t"
	done
}

# The seed corpus: every committed result file, or every sample file.
seed() {
	local dir=$out/corpus-$1
	mkdir -p "$dir"
	if [ "$1" = fuzz_result ]; then
		find "$srcdir/results" "$srcdir/tests/data" -maxdepth 3 -name '*.json' \
			-exec cp -n {} "$dir/" \;
	else
		cp -n "$srcdir"/tests/data/samples/* "$dir/"
	fi
	if [ -d "$srcdir/tests/fuzz/regressions" ]; then
		find "$srcdir/tests/fuzz/regressions" -type f -exec cp -n {} "$dir/" \;
	fi
	echo "$dir"
}

build
[ "$mode" = build ] && exit 0
[ $# -eq 0 ] && set -- fuzz_result fuzz_samplefile
mkdir -p "$out/artifacts"
rc=0
for t in "$@"; do
	corpus=$(seed "$t")
	echo "fuzz: $t for ${secs}s, corpus $corpus"
	# shellcheck disable=SC2086 # extra libFuzzer arguments, word-split on purpose
	# -close_fd_mask=2: the readers' notes on stderr; libFuzzer's reports still show.
	"$out/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 \
		-print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
		${FUZZ_ARGS:-} "$corpus" || rc=1
done
exit $rc
