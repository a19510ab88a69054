#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-kernel (not in make check: it downloads ~155 MB of Debian packages and
# compiles KVM, minutes on 2 cores): scripts/kernel-build.sh's fast path for real on
# Debian 6.1. The base (stock KVM rebuilt) and the seed patch build; the second request
# is served from the cache at once; the patched kvm.ko calls kvm_mmu_zap_all_fast from
# kvm_arch_flush_shadow_memslot and the base's does not; the lab (scripts/lab.sh
# --kvm-modules, under /tmp/msb-lab.lock) boots Debian's image with the rebuilt
# modules, which the guest kernel marks as unsigned out-of-tree (taint OE: the stock
# ones are signed and in-tree). Prints the times. 77 without apt or the lab.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
KB=$top_srcdir/scripts/kernel-build.sh
command -v apt-get >/dev/null || exit 77
"$top_srcdir/scripts/lab.sh" --check >/dev/null 2>&1 || exit 77

# build VAR ARGS...: VAR = the build directory (kernel-build.sh's last stdout line),
# VAR_s = the seconds it took.
build() {
	local t0=$SECONDS out
	out=$("$KB" "${@:2}") || bad "kernel-build.sh ${*:2} failed"
	printf -v "$1" '%s' "$(tail -n1 <<<"$out")"
	printf -v "$1_s" '%s' $((SECONDS - t0))
}

# calls FUNCTION KO: the functions FUNCTION calls (relocations in its body).
calls() { objdump -dr "$2" | awk -v f="<$1>:" '$2 == f { on = 1; next } on && /^$/ { exit } on' | sed -n 's/.*R_X86_64_PLT32[[:space:]]*\([a-z_0-9]*\).*/\1/p'; }

base='' again='' seed='' base_s='' again_s='' seed_s=''
build base --source 6.1
build again --source 6.1
[[ $again == "$base" ]] || bad "the same request gave another build: $again, not $base"
((again_s <= 5)) || bad "the cached request took $again_s s"
build seed --source 6.1 --patch "$top_srcdir/patches/seed-6.1.patch"
[[ $seed != "$base" ]] || bad "the seed patch and the base share a build"
echo "kernel-build: base $base_s s, cached again $again_s s, seed patch $seed_s s"

calls kvm_arch_flush_shadow_memslot "$seed/modules/kvm.ko" | grep -qx kvm_mmu_zap_all_fast ||
	bad "patched kvm.ko: kvm_arch_flush_shadow_memslot does not call kvm_mmu_zap_all_fast"
calls kvm_arch_flush_shadow_memslot "$base/modules/kvm.ko" | grep -qx kvm_mmu_zap_all_fast &&
	bad "base kvm.ko: kvm_arch_flush_shadow_memslot calls kvm_mmu_zap_all_fast"
grep -q '"subject": "KVM: x86/mmu: Don'"'"'t rely on page-track' "$seed/build.json" ||
	bad "build.json lacks the patch subject"

mapfile -t largs <"$base/lab-args"
t0=$SECONDS
# shellcheck disable=SC2016 # expands in the guest
expect 0 flock /tmp/msb-lab.lock "$top_srcdir/scripts/lab.sh" "${largs[@]}" --out "$T" --timeout 600 -- \
	sh -c 'echo "taint kvm=$(cat /sys/module/kvm/taint) kvm_amd=$(cat /sys/module/kvm_amd/taint)"
		memslot-bench info --json "$0"' "$T/info.json"
echo "lab boot with the rebuilt modules: $((SECONDS - t0)) s (lock wait included)"
has "taint kvm=OE kvm_amd=OE"
# Result files name the build they ran on: lab.sh passes its build.json on.
key=$(sed -n 's/^  "key": "\(.*\)",$/\1/p' "$base/build.json")
[[ -n $key ]] || bad "no key in $base/build.json"
[[ $("$top_builddir/tests/json_get" "$T/info.json" host.lab.kvm_build.key) == "$key" ]] ||
	bad "info in the lab: host.lab.kvm_build.key is not the build's ($key)"
exit "$fail"
