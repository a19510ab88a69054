# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0
# The option parsing shared by run.sh, test.sh, suite.sh, kernel-ab.sh and lab.sh
# (sourced; defines functions only, so --help stays fast and does nothing else).
# Messages start with the script's name ("run.sh: ...").

die() { # CODE MESSAGE
	echo "${0##*/}: $2" >&2
	exit "$1"
}

need_arg() { [[ $# -ge 2 && $2 != -- ]] || die 2 "option $1 needs a value"; }

# cli_parse VALUES FLAGS REST HINT ON_WORD [ARGS...]
#   VALUES  options with a value, e.g. "--kernel --out --keep-log": --keep-log F and
#           --keep-log=F set keep_log=F
#   FLAGS   options without one, e.g. "--quick -v|--verbose": set quick=1, verbose=1
#   REST    the array that gets the words after --
#   HINT    added to the "unknown option" message, e.g. "; run options go after --"
#   ON_WORD function given each word that is not an option, or '' to refuse it
#           ("unexpected WORD")
# -h/--help prints usage (the caller's function) and exits 0; anything else starting
# with - is an unknown option (exit 2).
cli_parse() {
	local _cli_values=" $1 " _cli_flags=$2 _cli_hint=$4 _cli_word=$5 _cli_f _cli_var
	local -n _cli_rest=$3
	shift 5
	while (($#)); do
		case $1 in
		-h | --help)
			usage
			exit 0
			;;
		--)
			shift
			_cli_rest=("$@")
			break
			;;
		--*=*)
			[[ $_cli_values == *" ${1%%=*} "* ]] ||
				die 2 "unknown option '$1' (see --help$_cli_hint)"
			set -- "${1%%=*}" "${1#*=}" "${@:2}"
			continue
			;;
		-*)
			if [[ $_cli_values == *" $1 "* ]]; then
				need_arg "$@"
				_cli_var=${1#--}
				printf -v "${_cli_var//-/_}" '%s' "$2"
				shift 2
				continue
			fi
			for _cli_f in $_cli_flags; do
				[[ "|$_cli_f|" == *"|$1|"* ]] || continue
				_cli_var=${_cli_f##*|}
				_cli_var=${_cli_var#--}
				printf -v "${_cli_var//-/_}" 1
				shift
				continue 2
			done
			die 2 "unknown option '$1' (see --help$_cli_hint)"
			;;
		*)
			[[ -n $_cli_word ]] || die 2 "unexpected '$1' (see --help$_cli_hint)"
			"$_cli_word" "$1"
			shift
			;;
		esac
	done
}
