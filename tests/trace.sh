#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run --trace (root), in the KVM environment (native or lab): a zap-all delete's zap
# events match the shadow pages the VM stats say it zapped; zap-slot of an unrelated
# slot has none; the private trace instance is gone after a run, also one stopped by
# SIGINT. 77 where not root.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/trace-guest.sh"
