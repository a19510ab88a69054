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
mkdir -p "$out" "$out/numa-local" "$out/numa-remote"
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
	# NUMA: the patch's case with the guest memory on the vCPUs' node and on the farthest
	# one. remote first: a one-node machine skips it (exit 77, its reason on stderr), and
	# local alone would say nothing.
	rc=0
	"$msb" run delete "${common[@]}" --target unrelated --numa remote \
		--json "$out/numa-remote/delete-unrelated.json" || rc=$?
	if [[ $rc == 77 ]]; then
		echo "# numa: skipped, this machine has one NUMA node"
	elif [[ $rc == 0 ]]; then
		"$msb" run delete "${common[@]}" --target unrelated --numa local \
			--json "$out/numa-local/delete-unrelated.json"
	else
		exit "$rc"
	fi
} | tee "$out/summary.txt"
rmdir "$out/numa-local" "$out/numa-remote" 2>/dev/null || true
