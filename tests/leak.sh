#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# 200 VMs (MSB_LEAK_CYCLES) made, populated, updated (a memslot created and deleted)
# and destroyed through the benchmark's own set-up and teardown, natively or in the lab:
# no growth in open fds, mappings or RSS after the first 10 (tests/kvm_leak.c).
exec "$(dirname "$0")/kvm-run.sh" "${top_builddir:-.}/tests/kvm_leak" "${MSB_LEAK_CYCLES:-200}" \
	create --guest-mem 2M
