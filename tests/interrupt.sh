#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# SIGINT and SIGTERM during `run`, in the KVM environment (native or lab): the samples
# so far are written as a valid result file marked "complete": false with the reason
# and where it stopped, exit 130/143, no temporary file or trace instance left; compare
# and kinds refuse the file unless --allow-incomplete; a second SIGINT ends it at once.
# And a disk that fills up during the run: the samples are saved elsewhere, named.
exec "$(dirname "$0")/kvm-run.sh" bash "$(dirname "$0")/interrupt-guest.sh"
