#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run's resource checks before any VM, in the KVM environment: a VM whose host-memory
# estimate exceeds MemAvailable is refused (one line naming both, exit 77) unless
# --ignore-memory; an RLIMIT_NOFILE that cannot be raised far enough is refused (77);
# a soft limit below a sufficient hard one is raised.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/resources-guest.sh"
