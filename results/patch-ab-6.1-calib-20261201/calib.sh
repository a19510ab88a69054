#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What each control patch really adds to a DELETE: a 64 MiB guest (its own delete costs
# ~10 ms in the lab), 10 reps, one lab boot per build; mdelay(30) booted twice.
cd /work/main
K=~/.cache/memslot-bench/kernels/builds
out=/tmp/runs/calib; mkdir -p "$out"
boot() { # NAME BUILD
	mapfile -t largs <"$K/$2/lab-args"
	MSB_LAB_PATH=/tmp/frozen-bench flock /tmp/msb-lab.lock scripts/lab.sh "${largs[@]}" --out "$out" --timeout 600 -- \
		sh -c 'memslot-bench run delete --guest-mem 64M --variants zap-all --rounds 1 --reps 10 --warmup 1 --quiet --json "$0"; dmesg | grep -iE "tsc|clocksource|delay loop|lpj" | head -20' "$out/$1.json" >"$out/$1.txt" 2>&1
	echo "calib: $1 exit $?"
}
boot base 826a4286ee4d1fd3
boot busy30 3212ecc3cd7b5fdb
boot mdelay30-a f87770d95dd905be
boot mdelay30-b f87770d95dd905be
