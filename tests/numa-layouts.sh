#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# --numa LIST on a one-node machine (native, or the default one-node lab): a layout the
# machine cannot make is skipped with one line and recorded; the others run, with their
# placement verified in the result file; when every layout is impossible the exit is 77.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/numa-layouts-guest.sh"
