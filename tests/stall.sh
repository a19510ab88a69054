#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The stall scenario in the KVM environment (native or lab): the guests' timelines add
# up, cover the update, and show zap-all's recovery longer than zap-slot's on the same
# state, with no update in the control windows. No absolute time is asserted.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/stall-guest.sh"
