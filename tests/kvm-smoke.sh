#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A CPL3 guest touches all of a 1 GiB memfd-aliased address space; KVM stats must show
# real shadow pages and the host must read back every value.
exec "$(dirname "$0")/kvm-run.sh" "${top_builddir:-.}/tests/kvm_smoke"
