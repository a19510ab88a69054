#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
# Slope of a run's primary latency (zap-slot's delete) against the deleted slot's size, with its 95% t
# interval (least squares over the per-VM medians of every size), from the files
# `run delete --variants zap-slot --target-size SIZE --json DIR/target-MMU-SIZE.json` wrote.
# Needs Debian's python3-scipy.  Usage: fit-target-size.py DIR
import json, sys, glob, re
import numpy as np
from scipy import stats
for mmu in ("shadow", "tdp"):
    xs, ys = [], []
    for f in sorted(glob.glob(sys.argv[1] + f"/target-{mmu}-*.json")):
        d = json.load(open(f))
        for r in d["runs"]:
            if r.get("status") != "measured":
                continue
            size = r["params"]["target_size"] / 2**20
            # By role, as every reader of schema 2: the run's primary, the VM index.
            ms = r["metrics"]
            m = ms[r["primary"]]["samples"]
            vm = next(v for v in ms.values() if v.get("role") == "index")["samples"]
            for v in sorted(set(vm)):
                xs.append(size)
                ys.append(np.median([s for s, k in zip(m, vm) if k == v]) / 1e6)
    if len(set(xs)) < 3:
        print(mmu, "not enough sizes"); continue
    res = stats.linregress(xs, ys)
    t = stats.t.ppf(0.975, len(xs) - 2)
    print(f"{mmu}: {res.slope*1e3:.2f} us per MiB [{(res.slope - t*res.stderr)*1e3:.2f} .. "
          f"{(res.slope + t*res.stderr)*1e3:.2f} at 95%], intercept {res.intercept:.3f} ms, "
          f"r2 {res.rvalue**2:.3f}, {len(xs)} VMs over {len(set(xs))} sizes")
    for s in sorted(set(xs)):
        med = np.median([y for x, y in zip(xs, ys) if x == s])
        print(f"  {s:7.0f} MiB: median of per-VM medians {med:.3f} ms")
