#!/usr/bin/env bash
# The default suite, run where KVM is (natively, or inside the lab by run.sh):
#   scripts/suite.sh OUTDIR
# Writes OUTDIR/info.{txt,json}, one JSON result per scenario and summary.txt.
set -euo pipefail
out=${1:?usage: suite.sh OUTDIR}
# Five fresh VMs per variant, interleaved, 4 samples each: compare then tests per-VM
# medians, so VM-to-VM spread cannot pass for a difference.
rounds=${MSB_SUITE_ROUNDS:-5}
reps=${MSB_SUITE_REPS:-4}
msb=${MSB_BIN:-memslot-bench}
mkdir -p "$out"
"$msb" info > "$out/info.txt"
"$msb" info --json > "$out/info.json"
common=(--guest-mem 1G --host-mem 256M --page-size 4K --rounds "$rounds" --reps "$reps" --warmup 1 --quiet)
{
	# The patch's case: an unrelated 2 MiB slot deleted under a populated 1 GiB guest.
	"$msb" run delete "${common[@]}" --target unrelated --json "$out/delete-unrelated.json"
	# A slot the guest uses: both variants must zap it.
	"$msb" run delete "${common[@]}" --slots 2 --target populated --json "$out/delete-populated.json"
	"$msb" run move "${common[@]}" --target unrelated --json "$out/move-unrelated.json"
	"$msb" run flags "${common[@]}" --slots 2 --target populated --json "$out/flags-populated.json"
} | tee "$out/summary.txt"
