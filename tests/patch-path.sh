#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# scripts/kernel-build.sh's decisions, on fixture patches (tests/data/patch/): the
# build path (KVM only -> fast, anything outside arch/x86/kvm and virt/kvm -> full),
# the cache key, the subject, a hunk that does not apply, and bad input (one line,
# exit 2/3, the cache untouched). No network, no kernel source, no KVM.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
P=$D/patch
KB=$top_srcdir/scripts/kernel-build.sh
# The cache under $T: a bad input must leave it as it was.
export XDG_CACHE_HOME=$T/cache
# shellcheck source=scripts/kernel-build.sh
. "$KB"
set +e +o pipefail # kernel-build.sh's; the checks here go on after a failure

# ---- the path ------------------------------------------------------------------------
[[ $(kb_choose_path "$P/kvm-only.patch") == fast ]] || bad "kvm-only.patch: not the fast path"
c=$(kb_choose_path "$P/touches-mm.patch")
[[ $c == "full ($P/touches-mm.patch touches mm/memory.c)" ]] || bad "touches-mm.patch: '$c'"
[[ $(kb_choose_path "$P/kvm-header.patch") == full* ]] ||
	bad "kvm-header.patch (arch/x86/include) took the fast path"
[[ $(kb_choose_path "$P/kvm-only.patch" "$P/touches-mm.patch") == full* ]] ||
	bad "a series with one patch outside KVM took the fast path"
[[ $(kb_choose_path) == fast ]] || bad "no patch (the base): not the fast path"
t=$(kb_touched_paths "$P/kvm-only.patch" | tr '\n' ' ')
[[ $t == "arch/x86/kvm/x86.c virt/kvm/kvm_main.c " ]] || bad "kvm-only.patch touches '$t'"

# ---- the subject ---------------------------------------------------------------------
s=$(kb_patch_subject "$P/kvm-only.patch")
[[ $s == "KVM: x86: a change inside KVM only (fixture)" ]] || bad "subject '$s'"
s=$(kb_patch_subject "$P/kvm-header.patch")
[[ $s == "A plain diff (no mail header): KVM's x86 header is outside arch/x86/kvm." ]] ||
	bad "plain diff's subject '$s'"

# ---- the cache key -------------------------------------------------------------------
k1=$(kb_cache_key fast "linux-source-6.1=6.1.192-3" img "$P/kvm-only.patch")
[[ $k1 =~ ^[0-9a-f]{16}$ ]] || bad "key '$k1' is not 16 hex digits"
[[ $(kb_cache_key fast "linux-source-6.1=6.1.192-3" img "$P/kvm-only.patch") == "$k1" ]] ||
	bad "the same request gave another key"
declare -A seen=([$k1]=1)
for alt in "full linux-source-6.1=6.1.192-3 img $P/kvm-only.patch" \
	"fast linux-source-6.1=6.1.192-2 img $P/kvm-only.patch" \
	"fast git:0123abcd img $P/kvm-only.patch" \
	"fast linux-source-6.1=6.1.192-3 other-img $P/kvm-only.patch" \
	"fast linux-source-6.1=6.1.192-3 img" \
	"fast linux-source-6.1=6.1.192-3 img $P/kvm-only.patch $P/kvm-header.patch" \
	"fast linux-source-6.1=6.1.192-3 img $P/kvm-header.patch $P/kvm-only.patch"; do
	# shellcheck disable=SC2086 # the words are the arguments
	k=$(kb_cache_key $alt)
	[[ -z ${seen[$k]:-} ]] || bad "two requests share key $k: $alt"
	seen[$k]=1
done
# The key follows the patch's contents, not its name.
cp "$P/kvm-only.patch" "$T/renamed.patch"
[[ $(kb_cache_key fast "linux-source-6.1=6.1.192-3" img "$T/renamed.patch") == "$k1" ]] ||
	bad "a renamed copy of the same patch gave another key"

# ---- a hunk that does not apply names the file and hunk ------------------------------
mkdir -p "$T/tree/arch/x86/kvm" "$T/tree/virt/kvm"
printf 'a\nb\nd\n' >"$T/tree/arch/x86/kvm/x86.c"
printf 'a\nX\nd\n' >"$T/tree/virt/kvm/kvm_main.c"
(
	patches=("$P/kvm-only.patch") src_id=fixture work=$T/nowork
	apply_patches "$T/tree"
) >"$T/out" 2>"$T/err"
rc=$?
[[ $rc == 2 ]] || bad "a patch that does not apply: exit $rc, not 2"
grep -q 'does not apply to fixture: virt/kvm/kvm_main.c hunk #1 (at line 1)$' "$T/err" ||
	bad "no file and hunk named: $(tail -n1 "$T/err")"

# ---- the compiler the Debian image was built with ------------------------------------
(cc_text='gcc-msb-none (Debian 1.0) 1.0' check_compiler) >"$T/out" 2>"$T/err"
rc=$?
[[ $rc == 2 ]] || bad "missing compiler: exit $rc, not 2"
one_line_err
err_has "missing compiler packages: gcc-msb-none"

# ---- bad input on the command line: one line, the cache untouched --------------------
expect 2 "$KB" --patch "$T/missing.patch"
one_line_err
err_has "--patch '$T/missing.patch': no such file"
expect 2 "$KB" --patch "$P/not-a-patch.txt"
one_line_err
err_has "changes no file"
expect 2 "$KB" --jobs 0
one_line_err
expect 2 "$KB" --bogus
one_line_err
expect 2 "$KB" --source 5.10
one_line_err
err_has "bad --source '5.10'"
git init -q "$T/git"
git -C "$T/git" -c user.email=t@t -c user.name=t commit -q --allow-empty -m base
expect 2 "$KB" --source "$T/git"
one_line_err
err_has "a git tree needs a revision"
expect 2 "$KB" --source "$T/git@no-such-rev"
one_line_err
err_has "has no revision 'no-such-rev'"
MSB_KB_NEED_MB=999999999 expect 3 "$KB" --patch "$P/kvm-only.patch"
err_has "not enough disk space for the fast path"
MSB_KB_NEED_MB=999999999 expect 3 "$KB" --patch "$P/touches-mm.patch"
err_has "not enough disk space for the full path"
[[ ! -e $XDG_CACHE_HOME/memslot-bench/kernels/builds ]] || bad "a bad input wrote a build into the cache"

exit "$fail"
