#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# A guest that fails mid-run (a #PF, a triple fault, an unexpected port-I/O exit,
# provoked with the test-only MSB_TEST_GUEST_FAULT): the run ends with one line naming
# the exit and the guest RIP, exit 1, the samples so far in a valid result file marked
# "complete": false, no temporary file, no thread or VM left behind.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/guest-fail-guest.sh"
