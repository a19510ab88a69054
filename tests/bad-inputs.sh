#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bad input, table-driven: each row is the expected exit code, a fragment of the one
# line on stderr, and the arguments. Every row fails before any VM is built, so no KVM
# is needed (a row that starts measuring is cut off after 20 s and fails). Placeholders:
# @T@ a scratch directory holding exists.json, adir/ and afile; $D is tests/data, whose
# incomplete-create.json is an interrupted run's file (SIGINT in its 4th VM).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
# shellcheck source=tests/cli-lib.sh
. "$top_srcdir/tests/cli-lib.sh"
A=$D/result-612-a.json
touch "$T/exists.json" "$T/afile"
mkdir "$T/adir"
printf '{\n' >"$T/bad.json"
: >"$T/empty.json"
echo '{"schema": "x", "runs": []}' >"$T/schema.json"
seventeen=$(printf '2M,%.0s' $(seq 17))

# code | stderr fragment | arguments (split on blanks)
table=$(cat <<ROWS
2 | missing SCENARIO | run
2 | unknown scenario 'nosuch' | run nosuch
2 | --guest-mem: '1K' is not a size | run delete --guest-mem 1K
2 | --guest-mem: empty list | run delete --guest-mem ,
2 | --guest-mem: more than 16 sizes | run delete --guest-mem ${seventeen%,}
2 | --slots: '0' | run delete --slots 0
2 | --page-size: '8K' | run delete --page-size 8K
2 | --backing: 'foo' | run delete --backing foo
2 | --host-mem: '3Q' | run delete --host-mem 3Q
2 | --host-mem 2G is larger than --guest-mem 1G | run delete --host-mem 2G --guest-mem 1G
2 | needs the memfd backing | run delete --backing thp --host-mem 64M
2 | --vcpus: '0' | run delete --vcpus 0
2 | --vcpus: '100000' | run delete --vcpus 100000
2 | --vcpu-mode: 'fast' | run delete --vcpu-mode fast
2 | --working-set: '0' is not a size | run stall --working-set 0
2 | --working-set: 1 vCPUs x 2147483648 bytes do not fit | run stall --guest-mem 1G --working-set 2G
2 | --interval: '10us' is not a duration in 50us..1s | run stall --interval 10us
2 | --window: '0' is not a duration | run stall --window 0
2 | --window: at least 10 intervals | run stall --window 20ms --interval 10ms
2 | --window: at most | run stall --window 600s --interval 1ms
2 | --change: 'x' | run stall --change x
2 | --change flags needs --target populated | run stall --change flags --target unrelated
2 | --vcpu-mode: stall runs every vCPU itself | run stall --vcpus 2 --vcpu-mode running
2 | --vcpus: '65' | run stall --vcpus 65
2 | --running: '0,9' is not a list | run tlb --running 0,9
2 | --running: '1,2' lacks 0 | run tlb --running 1,2 --vcpus 2
2 | --running: 1 twice | run tlb --running 0,1,1
2 | --running 2 needs --vcpus >= 2 | run tlb --running 0,2
2 | --halted: '0' is not a list of distinct numbers 1..8 | run tlb --halted 0
2 | --halted: 1 twice | run tlb --halted 1,1 --vcpus 2
2 | --halted 2 needs --vcpus >= 2 | run tlb --halted 2
2 | --vcpu-mode running needs --vcpus >= 2 | run delete --vcpu-mode running --vcpus 1
2 | --target: 'x' | run delete --target x
2 | --target unrelated needs --extra-slots | run delete --target unrelated --extra-slots 0
2 | --target-size: '1K' | run delete --target-size 1K
2 | --pt-placement: 'x' is not one of | run delete --pt-placement x
2 | --pt-placement spread needs unaliased memory | run delete --pt-placement spread --guest-mem 2G
2 | holds no whole guest page table | run delete --pt-placement spread --page-size 2M --slots 2
2 | has no room for data beside its 2M of page tables | run delete --pt-placement spread --guest-mem 4M --slots 2
2 | --vcpu-mode active cannot run with --pt-placement spread | run move --pt-placement spread --target populated --slots 2 --vcpus 2 --vcpu-mode active
2 | larger than a data slot (2M beside its page tables) | run delete --pt-placement spread --guest-mem 8M --slots 2 --touch-stride 4M
2 | --extra-slots: '-1' | run delete --extra-slots -1
2 | --touch-stride: '3' | run delete --touch-stride 3
2 | --running-set: '0' | run delete --running-set 0
2 | --settle: 'x' | run delete --settle x
2 | --reps: '0' | run delete --reps 0
2 | --warmup: 'x' | run delete --warmup x
2 | --rounds: '0' | run delete --rounds 0
2 | --precision: '0' | run delete --precision 0
2 | --precision: '200' | run delete --precision 200
2 | --max-rounds 2 is below --rounds 4 | run delete --precision 5 --max-rounds 2
2 | --max-time: '5x' | run delete --precision 5 --max-time 5x
2 | --max-rounds needs --precision | run delete --max-rounds 10
2 | --order: 'x' | run delete --order x
2 | --seed: 'x' | run delete --seed x
2 | --variants: 'foo' | run delete --variants foo
2 | --pin: 'x' | run delete --pin x
2 | --numa 'nearby': not a layout (default, local, remote, remote-ioctl, spread, interleave | run delete --numa nearby
2 | --numa 'nearby': not a layout | run delete --numa default,nearby
2 | --mem-nodes 7: node(s) 7 not on this machine | run delete --vcpu-cpus 0 --mem-nodes 7
2 | --vcpu-cpus 0-999: CPU(s) | run delete --vcpu-cpus 0-999 --mem-nodes 0
2 | --ioctl-cpu '-1': not a CPU number | run delete --vcpu-cpus 0 --mem-nodes 0 --ioctl-cpu -1
2 | --topology: | run delete --plan --topology pack:two
2 | only with --plan | run delete --topology pack:1
2 | not with --numa local | run delete --numa local --vcpu-cpus 0 --mem-nodes 0
2 | --pin none: --numa explicit places threads one by one | run delete --vcpu-cpus 0 --mem-nodes 0 --pin none
2 | --precision: one --numa layout at a time (got 2) | run delete --precision 5 --numa default,local
2 | --raw prints one run's samples: one --numa layout (got 2) | run delete --raw --variants zap-all --numa default,local
2 | --list: 'x' is not scenarios | run --list x
2 | --list: 'x' is not scenarios | run delete --list x
2 | unknown option --bogus | run delete --bogus
2 | unexpected argument 'extra' | run delete extra
2 | --overhead-check is an option of delete, not of create | run create --overhead-check
2 | exists (use --force to overwrite) | run delete --json @T@/exists.json
2 | names a directory | run delete --json @T@/adir
2 | names a directory | run delete --json @T@/adir --force
2 | names a directory | run delete --json @T@/adir/
2 | names a directory | run delete --json @T@/newdir/
2 | Not a directory | run delete --json @T@/afile/x.json
2 | No such file or directory | run delete --json @T@/nodir/x.json
2 | needs BASE.json and NEW.json | compare
2 | needs BASE.json and NEW.json | compare $A
2 | nosuch.json: No such file or directory | compare @T@/nosuch.json $A
2 | invalid JSON at line 2 | compare @T@/bad.json $A
2 | invalid JSON at line 1 | compare @T@/empty.json $A
2 | schema 'x' is not memslot-bench/1 | compare @T@/schema.json $A
2 | adir: Is a directory | compare @T@/adir $A
2 | --format: 'x' | compare --format x $A $A
2 | --fail-on-regression: '-5' | compare --fail-on-regression -5 $A $A
2 | --variants: 'foo' is not two variants | compare --variants foo $A
2 | give exactly one | compare --variants zap-all,zap-slot $A $A
2 | --samples needs BASE.txt and NEW.txt | compare --samples $D/samples/one-col.txt
2 | --layouts: 'local' is not two layouts BASE,NEW | compare --layouts local $A
2 | --layouts compares inside one file: give exactly one (got 2) | compare --layouts local,remote $A $A
2 | --layouts and --variants do not go together | compare --layouts local,remote --variants zap-all,zap-slot $A
2 | has no run of --numa remote | compare --layouts default,remote $A
2 | not a finite number: nan | compare --samples $D/samples/nan.txt $D/samples/one-col.txt
2 | --variants and --samples do not go together | compare --samples --variants a,b x y
2 | incomplete result (interrupted by SIGINT at VM 3 | compare $D/incomplete-create.json $A
2 | --allow-incomplete takes it | compare --variants zap-all,zap-slot $D/incomplete-create.json
2 | needs at least one result file | kinds
2 | nosuch.json: No such file or directory | kinds @T@/nosuch.json
2 | --format: 'x' | kinds --format x $A
2 | different kernels | kinds $A $D/result-61.json
2 | incomplete result | kinds $D/incomplete-create.json
2 | needs a result file | export
2 | --format: 'x' is not one of raw | export --format x $A
2 | --run: '0' | export --run 0 $A
2 | no run matches | export --run 999 $A
2 | no run matches | export --variant x $A
2 | takes one result file, got 2 | export $A $A
2 | needs -o OUT.json | merge $A $D/result-612-b.json
2 | needs two or more result files | merge -o @T@/m.json $A
2 | exists (use --force | merge -o @T@/exists.json $A $D/result-612-b.json
2 | names a directory, not a result file | merge -o @T@/adir $A $D/result-612-b.json
2 | nosuch.json: No such file or directory | merge -o @T@/m.json $A @T@/nosuch.json
2 | invalid JSON at line 2 | merge -o @T@/m.json $A @T@/bad.json
2 | incomplete result | merge -o @T@/m.json $A $D/incomplete-create.json
2 | is given twice | merge -o @T@/m.json $A $A
2 | usage: memslot-bench plotdata | plotdata
2 | no result files among the inputs | plotdata @T@/pd
2 | invalid JSON at line 2 | plotdata @T@/pd @T@/bad.json
2 | cannot create @T@/afile/pd: Not a directory | plotdata @T@/afile/pd $A
2 | unexpected argument 'extra' | info extra
2 | unknown option --bogus | info --bogus
2 | unknown command 'nosuchcmd' | nosuchcmd
ROWS
)

rows=0
while IFS='|' read -r code frag args; do
	code=${code// /}
	frag=${frag# }
	frag=${frag% }
	frag=${frag//@T@/$T}
	args=${args//@T@/$T}
	read -ra argv <<<"$args"
	rows=$((rows + 1))
	timeout 20 "$B" "${argv[@]}" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 124 ]; then
		bad "still running after 20 s (measuring?): $args"
		continue
	fi
	[ "$rc" = "$code" ] || bad "exit $rc, not $code: $args: $(cat "$T/err")"
	grep -qF -- "$frag" "$T/err" || bad "stderr lacks '$frag': $args: $(cat "$T/err")"
	[ "$(wc -l <"$T/err")" -le 1 ] || bad "more than one line on stderr: $args"
done <<<"$table"

# The incomplete file refused above is taken with --allow-incomplete, and said so.
I=$D/incomplete-create.json
expect 0 "$B" compare --allow-incomplete --variants zap-all,zap-slot "$I"
has "INCOMPLETE (interrupted)"
err_has "is incomplete (interrupted by SIGINT at VM 3"
expect 0 "$B" kinds --allow-incomplete "$I"
err_has "is incomplete"
expect 0 "$B" export --format csv "$I"

# An unwritable directory, also as root: the probe is written as nobody.
if [ "$(id -u)" != 0 ]; then
	mkdir "$T/ro" && chmod 555 "$T/ro"
	expect 2 "$B" run delete --json "$T/ro/x.json"
	err_has "Permission denied"
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups \
	test -x "$B"; then
	mkdir "$T/ro" && chmod 755 "$T" "$T/ro"
	expect 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$B" run delete --json "$T/ro/x.json"
	err_has "Permission denied"
	rows=$((rows + 1))
	# /dev/kvm that cannot be opened: this machine cannot run it, 77.
	if [ -e /dev/kvm ] && ! setpriv --reuid=65534 --regid=65534 --clear-groups \
		test -r /dev/kvm -a -w /dev/kvm; then
		expect 77 setpriv --reuid=65534 --regid=65534 --clear-groups "$B" run delete \
			--guest-mem 2M --rounds 1 --reps 1 --quiet
		err_has "cannot open /dev/kvm: Permission denied"
		rows=$((rows + 1))
	fi
fi
[ -z "$(ls "$T/adir")" ] || bad "a file was left in the directory given to --json"
echo "bad inputs: $rows rows"
[ "$rows" -ge 30 ] || bad "only $rows rows"
exit $fail
