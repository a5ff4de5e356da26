#!/usr/bin/env bash
# testpmd started three times under one hvsim: Debian's testpmd (distro
# netvsc PMD, unmodified; queue states fixed by the preloaded
# libqstate_fix.so, which must report the bug on each run) runs three times
# in turn in a shell under one `hvsim run`, each forwarding gen's traffic
# (io) for three seconds. Each run must probe, find link up and pass traffic:
# hvsim resets the channel at each last close, as the kernel does. Judge:
# each run's RX/TX counts > 0; gen finds nothing corrupt or duplicated in
# what came back, and gets back at least what the runs counted as sent and
# at most what they received. gen runs at 20 kpps: at each testpmd exit the
# PMD stops the port (an RNDIS request) and a receive buffer full of gen's
# frames would stall the reply (see doc/conformance.md).
#
#   sh -c 'testpmd; testpmd; testpmd' under one hvsim --nic gen:rate=20000
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/lib/testpmd.sh"

MODES=$(tp_modes extra)
tp_setup
need_backend gen

for m in $MODES; do
	eal=$(eal_args "$m")
	run="(sleep 3; echo) | stdbuf -o0 $DISTRO_TESTPMD $eal -- --total-num-mbufs=$TP_MBUFS --forward-mode=io"
	TP_CMD_WRAP="for i in 1 2 3; do echo \"=== run \$i\"; $run || exit \$?; done"
	TP_RUN_SECS=60
	tp_start "$m" "gen:rate=20000,flows=2"
	tp_quit 30
	runs=$(grep -c "^=== run" "$TP_DIR/out")
	expect_eq "$m: testpmd runs" "$runs" 3
	expect_eq "$m: shim reports (one per run)" \
		"$(grep -c '^qstate_fix: port 0 driver left queues stopped' "$TP_DIR/err")" 3
	sum=0 sumrx=0
	for i in 1 2 3; do
		blk=$(sed -n "/^=== run $i/,/^=== run $((i + 1))/p" "$TP_DIR/out")
		rx=$(tp_fwd_stat "$blk" RX-packets)
		tx=$(tp_fwd_stat "$blk" TX-packets)
		echo "$m: run $i: RX ${rx:-none} TX ${tx:-none}"
		[ "${rx:-0}" -gt 0 ] && [ "${tx:-0}" -gt 0 ] || { tp_dump; fail "$m: run $i passed no traffic"; }
		sum=$((sum + tx)) sumrx=$((sumrx + rx))
	done
	gen_line
	back=$(gen_num back)
	expect_eq "$m: gen corrupt" "$(gen_num corrupt)" 0
	expect_eq "$m: gen dup" "$(gen_num dup)" 0
	# io forwards all it receives; at exit the PMD may not have reaped the
	# last completions, so its TX count may lag what reached gen
	[ "${back:-0}" -ge "$sum" ] && [ "${back:-0}" -le "$sumrx" ] ||
		{ tp_dump; fail "$m: gen back ${back:-none}, runs received $sumrx and counted $sum sent"; }
	echo "ok: $m: gen back $back: between the runs' TX $sum and RX $sumrx"
done
echo "three testpmd runs under one hvsim each probed and passed traffic in modes: $MODES"
