#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# MOVE moves: the guest reads at the new GPA what it wrote at the old one.
exec "$(dirname "$0")/kvm-run.sh" "${top_builddir:-.}/tests/kvm_move"
