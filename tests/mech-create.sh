#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mechanism tests of the create scenario (the example of adding a scenario as one file),
# in the KVM environment (native or lab): a fresh slot is created and deleted under a
# populated guest; its DELETE zaps everything under zap-all and nothing the guest uses
# under zap-slot.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/mech-create-guest.sh"
