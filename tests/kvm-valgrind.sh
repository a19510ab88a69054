#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The runner's own allocations are valgrind-clean: info, a short delete run with two
# VMs per variant (KVM ioctls included), and compare. Runs where KVM is (native or lab).
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/valgrind-guest.sh"
