#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tlb scenario in the KVM environment (native or lab): every vCPU's stats are read
# for every row, and a vCPU that runs during the update exits where one that is outside
# the guest cannot. No absolute time is asserted.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/tlb-guest.sh"
