#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Mechanism test of --pt-placement: with the guest's page tables spread into the data
# slots they map, zap-slot's DELETE of a populated slot zaps the shadow pages of the
# guest page tables in it (as many as the layout puts there); with them all in slot 0,
# none. Shadow MMU only (the TDP MMU shadows no guest page table).
# Two of its guests are 2 GiB of unaliased memory (spread refuses aliasing): in the lab
# the VM needs 3 GiB.
export MSB_LAB_ARGS="${MSB_LAB_ARGS:---mem 3G}"
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/mech-pt-guest.sh"
