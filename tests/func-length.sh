#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Functions over MAX lines (default 80) and files over FILEMAX lines (default 600) in the
# C files under the given paths. A function runs from its opening line at column 0 (an
# identifier followed by "(", not a declaration ending in ";") to the next "}" at column 0.
# Usage: tests/func-length.sh [-m MAX] [-f FILEMAX] PATH...
# Prints "FILE:LINE: NAME: N lines" and "FILE: N lines"; exits 1 if anything is too long.
set -u
max=80
filemax=600
while getopts m:f: opt; do
	case $opt in
	m) max=$OPTARG ;;
	f) filemax=$OPTARG ;;
	*) echo "usage: $0 [-m MAX] [-f FILEMAX] PATH..." >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- .

status=0
while IFS= read -r f; do
	out=$(awk -v max="$max" -v filemax="$filemax" '
		# A function header: starts at column 0 with no leading blank, brace, "#" or
		# comment, has "(" on the line and is no MACRO(...) use; the body ends at the
		# next "}" at column 0.
		start == 0 && /^[A-Za-z_][A-Za-z0-9_ \t\*,]*\(/ && !/;[ \t]*$/ &&
		    !/^(typedef|enum|union)/ && !/^[A-Z_0-9]+\(/ {
			start = FNR
			body = /\{/
			name = $0
			sub(/\(.*/, "", name)
			n = split(name, w, /[ \t\*]+/)
			name = w[n]
			next
		}
		start && /^\}/ {
			len = FNR - start + 1
			if (len > max)
				printf "%s:%d: %s: %d lines\n", FILENAME, start, name, len
			start = 0
			next
		}
		# A prototype spread over lines ends in ");" before any "{": not a function.
		start && !body && /\)[ \t]*;[ \t]*$/ { start = 0; next }
		start && /\{/ { body = 1 }
		start == 0 { body = 0 }
		END {
			if (FNR > filemax)
				printf "%s: %d lines\n", FILENAME, FNR
		}' "$f")
	if [ -n "$out" ]; then
		echo "$out"
		status=1
	fi
done < <(find "$@" -name '*.c' -type f | sort)
exit $status
