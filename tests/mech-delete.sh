#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mechanism (not timing) tests of delete, run in the KVM environment (native or lab):
# zap-all zaps at least the guest's populated shadow pages and the guest refaults them;
# zap-slot leaves unrelated SPTEs in place; zap-slot on a populated slot drops only that
# slot's SPTEs. These double as a regression test of the kernel's own behaviour.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/mech-delete-guest.sh"
